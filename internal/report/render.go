package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/rules"
)

// Formats lists the supported output formats, for flag help.
func Formats() []string { return []string{"text", "json", "sarif", "markdown"} }

// Options tune the renderers. The zero value is valid.
type Options struct {
	// Rules are the descriptors of the rule set. SARIF lists those of the
	// engines in the report (a consumer needs a descriptor for every rule
	// that could have fired, not only those that did); Markdown shows the
	// remediation of the rules that fired.
	Rules []rules.Rule
	// Color enables ANSI colour in the text format. The CLI sets it only for
	// a terminal with NO_COLOR unset; no other format ever emits ANSI.
	Color bool
}

// Write renders r in the given format. It never modifies r.
func Write(w io.Writer, format string, r *Report, opts Options) error {
	if r == nil {
		return errors.New("report: nil report")
	}
	var (
		out []byte
		err error
	)
	switch format {
	case "json":
		out, err = marshalJSON(r)
	case "sarif":
		out, err = marshalSARIF(r, opts.Rules)
	case "markdown":
		out = renderMarkdown(r, opts.Rules)
	case "text":
		out = renderText(r, opts.Color)
	default:
		return fmt.Errorf("report: unknown format %q (supported: %s)", format, strings.Join(Formats(), ", "))
	}
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// Canonical is the compact JSON encoding of r that digests and attestations
// are computed over. Its bytes equal the "json" format output compacted
// (json.Compact), so a digest can be checked against a published report.
func Canonical(r *Report) ([]byte, error) {
	if r == nil {
		return nil, errors.New("report: nil report")
	}
	out, err := encodeJSON(normalized(r), "")
	if err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(out, []byte("\n")), nil
}

func marshalJSON(r *Report) ([]byte, error) { return encodeJSON(normalized(r), "  ") }

// normalized returns a shallow copy of r in which the collections that the
// schema requires are empty rather than nil, so that a report encodes to the
// same bytes before and after a JSON round trip (nil would encode as null).
func normalized(r *Report) *Report {
	c := *r
	if c.Source.Digests == nil {
		c.Source.Digests = map[string]string{}
	}
	if c.Findings == nil {
		c.Findings = []Finding{}
	}
	c.Engines = make([]Engine, len(r.Engines))
	copy(c.Engines, r.Engines)
	for i := range c.Engines {
		if c.Engines[i].Rules == nil {
			c.Engines[i].Rules = []string{}
		}
	}
	return &c
}

// encodeJSON encodes v followed by a newline, indented unless indent is
// empty. It does not escape <, > and &: reports are read by tools and people,
// never embedded in HTML, and "=>" should stay readable.
func encodeJSON(v any, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// sourceTitle names the scanned release: name@version when known, else the
// input as given.
func sourceTitle(s Source) string {
	if s.Name == "" {
		return s.Input
	}
	if s.Version == "" {
		return s.Name
	}
	return s.Name + "@" + s.Version
}

// location formats a position as path:line[:col].
func location(p analysis.Position, withColumn bool) string {
	s := p.Path
	if p.StartLine > 0 {
		s += ":" + strconv.Itoa(p.StartLine)
		if withColumn && p.StartCol > 0 {
			s += ":" + strconv.Itoa(p.StartCol)
		}
	}
	return s
}
