package jsts

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// unquote decodes a JavaScript string literal, quotes included.
func unquote(lit string) string {
	if len(lit) >= 2 && (lit[0] == '"' || lit[0] == '\'') && lit[len(lit)-1] == lit[0] {
		return cook(lit[1 : len(lit)-1])
	}
	return cook(strings.Trim(lit, `"'`))
}

// cook applies JavaScript escape sequences. Surrogate pairs written as two
// \u escapes are combined, so that hidden characters outside the BMP (the
// Unicode tag block) come out as the characters a client would render.
func cook(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	var pending rune = -1 // a high surrogate waiting for its pair
	flush := func() {
		if pending >= 0 {
			b.WriteRune(utf8.RuneError)
			pending = -1
		}
	}
	emit := func(r rune) {
		if utf16.IsSurrogate(r) {
			if r < 0xDC00 {
				flush()
				pending = r
				return
			}
			if pending >= 0 {
				b.WriteRune(utf16.DecodeRune(pending, r))
				pending = -1
				return
			}
			b.WriteRune(utf8.RuneError)
			return
		}
		flush()
		b.WriteRune(r)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			flush()
			b.WriteByte(c)
			i++
			continue
		}
		e := s[i+1]
		i += 2
		switch e {
		case 'n':
			emit('\n')
		case 't':
			emit('\t')
		case 'r':
			emit('\r')
		case 'b':
			emit('\b')
		case 'f':
			emit('\f')
		case 'v':
			emit('\v')
		case '0':
			emit(0)
		case '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
		case '\n':
		case 'x':
			if i+2 <= len(s) {
				if v, err := strconv.ParseUint(s[i:i+2], 16, 8); err == nil {
					emit(rune(v))
					i += 2
					continue
				}
			}
			emit('x')
		case 'u':
			if i < len(s) && s[i] == '{' {
				if j := strings.IndexByte(s[i:], '}'); j > 0 {
					if v, err := strconv.ParseUint(s[i+1:i+j], 16, 32); err == nil && v <= utf8.MaxRune {
						emit(rune(v))
						i += j + 1
						continue
					}
				}
			} else if i+4 <= len(s) {
				if v, err := strconv.ParseUint(s[i:i+4], 16, 16); err == nil {
					emit(rune(v))
					i += 4
					continue
				}
			}
			emit('u')
		default:
			flush()
			// An escaped ordinary character, possibly multi-byte.
			b.WriteByte(e)
		}
	}
	flush()
	return b.String()
}

// dedent mimics the dedent/outdent template tags: drop a leading newline
// and trailing blank line, then the common indentation of the lines.
func dedent(s string) string {
	lines := strings.Split(s, "\n")
	if len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	if n := len(lines); n > 0 && strings.TrimSpace(lines[n-1]) == "" {
		lines = lines[:n-1]
	}
	min := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		ind := len(l) - len(strings.TrimLeft(l, " \t"))
		if min < 0 || ind < min {
			min = ind
		}
	}
	for i, l := range lines {
		if len(l) >= min && min > 0 {
			lines[i] = l[min:]
		} else {
			lines[i] = strings.TrimLeft(l, " \t")
		}
	}
	return strings.Join(lines, "\n")
}

// jsNumber formats a number the way String(n) does for common values.
func jsNumber(f float64) string {
	if f == float64(int64(f)) && f < 1e21 && f > -1e21 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// parseNumber reads a numeric literal (hex, octal, binary, separators,
// BigInt suffix).
func parseNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(strings.TrimSuffix(s, "n"), "_", "")
	if len(s) > 2 && s[0] == '0' {
		base := 0
		switch s[1] | 0x20 {
		case 'x':
			base = 16
		case 'o':
			base = 8
		case 'b':
			base = 2
		}
		if base != 0 {
			v, err := strconv.ParseUint(s[2:], base, 64)
			return float64(v), err == nil
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}
