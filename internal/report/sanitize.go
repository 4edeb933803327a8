package report

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Strings in a report come from the scanned source (file names, messages
// quoting it, engine errors) and so from a possibly hostile author. Before
// they reach a terminal or a Markdown page, every character that could
// change how the rest is displayed is replaced by a visible escape: C0
// controls (ESC starts terminal escape sequences), DEL, C1 controls (CSI is
// U+009B), bidirectional overrides (which reorder what is shown, as in
// "Trojan Source"), characters that render as nothing (zero-width, BOM,
// Unicode Tags, which can spell a hidden message) and invalid UTF-8.

// sanitize escapes control characters but keeps newlines and tabs, for
// multi-line text that the caller indents.
func sanitize(s string) string { return escapeControls(s, true) }

// SanitizeLine escapes control and invisible characters including newlines
// and tabs, for a value that must stay on one line (a path, a name, a
// header field). Other commands printing scanned text use it too.
func SanitizeLine(s string) string { return escapeControls(s, false) }

func escapeControls(s string, keepNewlines bool) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keepNewlines && (r == '\n' || r == '\t'), !isControl(r):
			b.WriteString(s[i : i+size])
		case r < utf8.RuneSelf:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

// isControl reports C0 and C1 controls, DEL, the bidirectional embeddings,
// overrides and isolates (U+202A–U+202E, U+2066–U+2069), the marks U+200E
// and U+200F, zero-width characters (U+200B–U+200D, U+2060), the BOM and
// the Unicode Tags block (U+E0000–U+E007F).
func isControl(r rune) bool {
	return r < 0x20 || r >= 0x7f && r <= 0x9f ||
		r >= 0x200b && r <= 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 ||
		r == 0x2060 || r == 0xfeff || r >= 0xe0000 && r <= 0xe007f
}

// truncate shortens s to at most n runes, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
