package secrets

// Chunk and Chunks expose the chunker to the external test package.
type Chunk struct {
	Text string
	Line int
}

func Chunks(content []byte) []Chunk {
	var out []Chunk
	for _, c := range chunks(content) {
		out = append(out, Chunk{c.text, c.line})
	}
	return out
}
