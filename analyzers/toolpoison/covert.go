package toolpoison

import "slices"

// Covert channels: text hidden in characters that render as nothing or as
// an ordinary space, beyond the Tags block (decoded in normalize). Each scheme below has been published
// as a way to smuggle instructions past a human reviewer; a decoding counts
// only when it yields readable text (see printable), so that ordinary
// emoji sequences, joiners and typographic spaces decode to nothing.

// spaceKinds are the characters that render as a space, in code-point
// order; a text that picks among them between its words can carry four
// bits per gap.
var spaceKinds = []rune{0x20, 0xA0, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x202F, 0x205F, 0x3000}

// covertZeroWidth are the zero-width characters used as binary digits.
func covertZeroWidth(r rune) bool {
	switch r {
	case 0x200B, 0x200C, 0x200D, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF, 0x180E, 0x034F:
		return true
	}
	return false
}

// minCovertRun is the fewest hidden characters worth decoding: below it a
// run carries too few bytes to be an instruction. maxCovertRun bounds the
// work on hostile input: 32 Ki characters carry at least 4 KiB of text,
// more than any instruction needs.
const (
	minCovertRun = 16
	maxCovertRun = 32 << 10
)

// covert is what the covert channels of a text decode to.
type covert struct {
	decoded []string
	// spaces is how many kinds of non-ASCII space the text uses.
	spaces int
}

// decodeCovert decodes the covert channels of s.
func decodeCovert(s string) covert {
	var c covert
	var pua, zw, vs []rune
	var gaps []byte // the space kind of every gap, as a nibble
	seen := map[rune]bool{}
	flush := func() {
		if len(pua) >= 8 {
			b := make([]byte, len(pua))
			for i, r := range pua {
				b[i] = byte(r - 0xE000)
			}
			c.add(b)
		}
		if len(zw) >= minCovertRun {
			c.add(symbolBits(zw)...)
		}
		if len(vs) >= 8 {
			// One selector per byte (U+FE00–FE0F are 0–15, U+E0100–E01EF
			// 16–255), or, from the first 16 only, one per nibble.
			b := make([]byte, len(vs))
			nibbles := true
			for i, r := range vs {
				b[i] = vsByte(r)
				nibbles = nibbles && r <= 0xFE0F
			}
			c.add(b)
			if nibbles && len(vs) >= minCovertRun {
				c.add(nibbleBytes(b)...)
			}
		}
		pua, zw, vs = pua[:0], zw[:0], vs[:0]
	}
	for _, r := range s {
		switch {
		case r >= 0xE000 && r <= 0xE0FF:
			if len(pua) < maxCovertRun {
				pua = append(pua, r)
			}
			continue
		case covertZeroWidth(r):
			if len(zw) < maxCovertRun {
				zw = append(zw, r)
			}
			continue
		case r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF:
			if len(vs) < maxCovertRun {
				vs = append(vs, r)
			}
			continue
		}
		flush()
		if i := slices.Index(spaceKinds, r); i >= 0 && len(gaps) < maxCovertRun {
			gaps = append(gaps, byte(i))
			if r != ' ' {
				seen[r] = true
			}
		}
	}
	flush()
	c.spaces = len(seen)
	if c.spaces >= 2 && len(gaps) >= minCovertRun {
		c.add(nibbleBytes(gaps)...)
	}
	return c
}

// add keeps the candidate decodings that read as text.
func (c *covert) add(candidates ...[]byte) {
	for _, b := range candidates {
		if printable(b) {
			c.decoded = append(c.decoded, string(b))
			return
		}
	}
}

// nibbleBytes joins four-bit values into bytes, high nibble first and low
// nibble first.
func nibbleBytes(n []byte) [][]byte {
	hi, lo := make([]byte, len(n)/2), make([]byte, len(n)/2)
	for i := range hi {
		hi[i] = n[2*i]<<4 | n[2*i+1]
		lo[i] = n[2*i+1]<<4 | n[2*i]
	}
	return [][]byte{hi, lo}
}

// symbolBits reads a run of two or four kinds of zero-width character as
// binary or base-4 digits, most significant first, under every assignment
// of digits to characters.
func symbolBits(run []rune) [][]byte {
	var kinds []rune
	for _, r := range run {
		if !slices.Contains(kinds, r) {
			kinds = append(kinds, r)
		}
	}
	slices.Sort(kinds)
	var bits int
	switch len(kinds) {
	case 2:
		bits = 1
	case 4:
		bits = 2
	default:
		return nil
	}
	var out [][]byte
	for _, perm := range permutations(len(kinds)) {
		digit := map[rune]byte{}
		for i, k := range kinds {
			digit[k] = byte(perm[i])
		}
		per := 8 / bits
		b := make([]byte, len(run)/per)
		for i := range b {
			for j := 0; j < per; j++ {
				b[i] = b[i]<<bits | digit[run[i*per+j]]
			}
		}
		out = append(out, b)
	}
	return out
}

// permutations lists the orderings of 0..n-1.
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := slices.Insert(slices.Clone(p), i, n-1)
			out = append(out, q)
		}
	}
	return out
}

// vsByte is the byte a variation selector stands for in emoji smuggling.
func vsByte(r rune) byte {
	if r >= 0xE0100 {
		return byte(r - 0xE0100 + 16)
	}
	return byte(r - 0xFE00)
}
