package toolpoison

import (
	"bytes"
	"compress/gzip"
	"encoding/ascii85"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"mime/quotedprintable"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normalized is a text prepared for matching.
type normalized struct {
	// match is what signals run over: the visible text, normalised, then
	// any hidden Tags text and decoded segments, each on its own line.
	match string
	// textEnd is where the text itself ends in match, before the folded
	// copy and any hidden or decoded text.
	textEnd int
	// decodedFrom is the offset in match where decoded text starts (-1: none).
	decodedFrom int
	invisibles  []invisible
	controls    []rune
	// tags is the ASCII text hidden in Unicode Tags characters.
	tags string
	// smuggled is text hidden in a covert channel (covert.go): variation
	// selectors, private-use or zero-width characters, kinds of space.
	smuggled string
	// spaceKinds is how many kinds of non-ASCII space the text uses: many
	// kinds between ordinary words are a covert channel.
	spaceKinds int
	// escapes counts literal escape sequences like "\x1b[" written out.
	escapes int
	// confusables is true when letters from another script imitate Latin.
	confusables bool
}

type invisible struct {
	r    rune
	kind string
}

// Decoding budget per text: how many runs, and how many bytes in all.
const (
	maxDecodes      = 8
	maxDecodedBytes = 64 << 10
	minEncodedRun   = 24
	maxDepth        = 3
)

var (
	base64Run = regexp.MustCompile(fmt.Sprintf(`[A-Za-z0-9+/_-]{%d,}={0,2}`, minEncodedRun))
	hexRun    = regexp.MustCompile(fmt.Sprintf(`\b(?:[0-9a-fA-F]{2}){%d,}\b`, minEncodedRun/2))
	// escapeRun is text written as \uXXXX, \xXX or octal escapes, also word by
	// word with the spaces and punctuation left in clear.
	escapeRun = regexp.MustCompile(`(?i)(?:\\u[0-9a-f]{4}|\\x[0-9a-f]{2}|\\[0-3][0-7]{2})(?:[ \t.,;:!?'-]{0,3}(?:\\u[0-9a-f]{4}|\\x[0-9a-f]{2}|\\[0-3][0-7]{2})){7,}`)
	// encodedLayer is a decoded text that is itself wholly an encoded run:
	// an encoding nested in another.
	encodedLayer = regexp.MustCompile(fmt.Sprintf(`^(?:[A-Za-z0-9+/_-]{%d,}={0,2}|(?:[0-9a-fA-F]{2}){%d,})$`, minEncodedRun, minEncodedRun/2))
	// spacedOut is a word written letter by letter ("i d _ r s a").
	spacedOut = regexp.MustCompile(`(?:[^\s] ){3,}[^\s]`)
	// pathSpaces are spaces put around path punctuation ("~ / . ssh").
	pathSpaces = regexp.MustCompile(`\s*([/~._\\])\s*`)
	// leetWord is a word that mixes letters with digits or symbols used as
	// letters ("1gn0re", "pr3v10us", "p@ssw0rd").
	leetWord = regexp.MustCompile(`[a-z0-9@$]*[a-z][a-z0-9@$]*`)
)

// leet maps digits and symbols used as letters back to letters.
var leet = strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s")

// invisibleKind classifies characters that render as nothing.
func invisibleKind(r rune) string {
	switch {
	case r >= 0xE0000 && r <= 0xE007F:
		return "tag"
	case r == 0x200B || r == 0x200C || r == 0x200D || r == 0x2060 || r == 0xFEFF || r == 0x180E || r == 0x00AD ||
		r == 0x115F || r == 0x1160 || r == 0x3164 || r == 0xFFA0 || r == 0x2061 || r == 0x2062 || r == 0x2063 || r == 0x2064:
		return "zero-width"
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
		return "bidi"
	case unicode.Is(unicode.Variation_Selector, r):
		return "variation-selector"
	case r >= 0xE000 && r <= 0xF8FF, r >= 0xF0000 && r <= 0xFFFFD, r >= 0x100000 && r <= 0x10FFFD:
		return "private-use"
	case unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r),
		unicode.Is(unicode.Cf, r) && !unicode.Is(unicode.Prepended_Concatenation_Mark, r):
		// The rest of Unicode's default-ignorable and format characters:
		// COMBINING GRAPHEME JOINER, Mongolian selectors, interlinear
		// annotation marks… (not the Arabic number signs, which show).
		return "zero-width"
	}
	return ""
}

// subdivisionFlagTags returns the length of the Tags sequence of a
// subdivision flag at the start of s (UTS #51: a region code of two
// letters and one to four letters or digits, then CANCEL TAG), or 0.
func subdivisionFlagTags(s string) int {
	n, size := 0, 0
	for size < len(s) {
		r, w := utf8.DecodeRuneInString(s[size:])
		switch {
		case r == 0xE007F && n >= 3 && n <= 6:
			return size + w
		case n < 2 && r >= 0xE0061 && r <= 0xE007A, n >= 2 && n < 6 && (r >= 0xE0061 && r <= 0xE007A || r >= 0xE0030 && r <= 0xE0039):
			n++
			size += w
		default:
			return 0
		}
	}
	return 0
}

// joinerScript reports letters of scripts whose spelling uses ZWNJ and ZWJ
// inside words: Arabic (Persian, Urdu), Syriac and the Indic scripts.
func joinerScript(r rune) bool {
	return unicode.In(r, unicode.Arabic, unicode.Syriac, unicode.Devanagari, unicode.Bengali, unicode.Gurmukhi, unicode.Gujarati,
		unicode.Oriya, unicode.Tamil, unicode.Telugu, unicode.Kannada, unicode.Malayalam, unicode.Sinhala) &&
		(unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r))
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// isEmojiish reports runes after which a variation selector or a zero-width
// joiner is ordinary (emoji sequences).
func isEmojiish(r rune) bool {
	return r >= 0x1F000 || (r >= 0x2600 && r <= 0x27BF) || (r >= 0x2190 && r <= 0x21FF) || (r >= 0x2B00 && r <= 0x2BFF) || r == 0x00A9 || r == 0x00AE || r == 0x203C || r == 0x2049 || r == 0x2122 || r == 0x2139 || (r >= 0x2300 && r <= 0x23FF)
}

// confusable maps letters that imitate Latin ones (Cyrillic, Greek, Latin
// lookalikes) to the Latin letter, so that "іgnore" matches "ignore".
var confusable = map[rune]rune{
	'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'с': 'c', 'т': 't',
	'у': 'y', 'х': 'x', 'і': 'i', 'ї': 'i', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'һ': 'h', 'ӏ': 'l',
	'А': 'a', 'В': 'b', 'Е': 'e', 'К': 'k', 'М': 'm', 'Н': 'h', 'О': 'o', 'Р': 'p', 'С': 'c', 'Т': 't', 'Х': 'x', 'І': 'i', 'Ј': 'j', 'Ѕ': 's',
	'α': 'a', 'ο': 'o', 'ρ': 'p', 'ν': 'v', 'τ': 't', 'ι': 'i', 'κ': 'k', 'ε': 'e', 'υ': 'u', 'χ': 'x',
	'Α': 'a', 'Β': 'b', 'Ε': 'e', 'Ζ': 'z', 'Η': 'h', 'Ι': 'i', 'Κ': 'k', 'Μ': 'm', 'Ν': 'n', 'Ο': 'o', 'Ρ': 'p', 'Τ': 't', 'Υ': 'y', 'Χ': 'x',
	'ɡ': 'g', 'ɑ': 'a', 'ı': 'i', 'ℓ': 'l',
	'օ': 'o', 'ս': 'u', 'հ': 'h', 'ո': 'n', 'ց': 'g', 'ք': 'p', // Armenian
}

// normalize prepares s for matching.
func normalize(s string) normalized {
	var n normalized
	var visible, tags strings.Builder
	prev, afterVS := rune(0), false
	skipTo := 0
	for i, r := range s {
		if i < skipTo {
			continue
		}
		if r == 0x1F3F4 {
			// A flag of a subdivision (England is 🏴 + Tags "gbeng" +
			// CANCEL TAG) legitimately carries Tags characters.
			skipTo = i + utf8.RuneLen(r) + subdivisionFlagTags(s[i+utf8.RuneLen(r):])
		}
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				continue
			}
		}
		if k := invisibleKind(r); k != "" {
			switch {
			case k == "tag":
				if r >= 0xE0020 && r <= 0xE007E {
					tags.WriteRune(r - 0xE0000)
				}
				n.invisibles = append(n.invisibles, invisible{r, k})
			case k == "variation-selector":
				// One selector after an emoji (or before a keycap mark) is
				// ordinary presentation, as is a Mongolian free variation
				// selector after a Mongolian letter; a run carries bytes.
				ordinary := isEmojiish(prev) || r < 0xFE00 && unicode.Is(unicode.Mongolian, prev)
				if !(ordinary && !afterVS) && !strings.HasPrefix(s[i+utf8.RuneLen(r):], "\u20e3") {
					n.invisibles = append(n.invisibles, invisible{r, k})
				}
				afterVS = true
			case r == 0x200D && isEmojiish(prev), r == 0xFEFF && i == 0,
				(r == 0x200C || r == 0x200D) && joinerScript(prev) && joinerScript(firstRune(s[i+utf8.RuneLen(r):])):
				// emoji ZWJ sequences, a leading byte-order mark, and
				// joiners inside words of scripts that spell with them
				// (Persian "می‌خواهم", Devanagari conjuncts)
			default:
				n.invisibles = append(n.invisibles, invisible{r, k})
			}
			continue
		}
		afterVS = false
		// A carriage return not followed by a newline returns the cursor:
		// a terminal overprints what came before it.
		bareCR := r == '\r' && !strings.HasPrefix(s[i+1:], "\n")
		if (r < 0x20 && r != '\n' && r != '\t' && r != '\r') || bareCR || r == 0x7F || (r >= 0x80 && r <= 0x9F) {
			n.controls = append(n.controls, r)
			visible.WriteByte(' ')
			continue
		}
		if c, ok := confusable[r]; ok && isLatinNeighbour(s, i) {
			// Only inside a word that has Latin letters: "іgnore" imitates
			// "ignore", while Russian or Greek prose is itself.
			n.confusables = true
			r = c
		}
		visible.WriteRune(r)
		prev = r
	}
	cv := decodeCovert(s)
	n.smuggled = strings.Join(cv.decoded, "\n")
	n.spaceKinds = cv.spaces
	n.tags = tags.String()
	text := html.UnescapeString(norm.NFKC.String(visible.String()))
	n.escapes = strings.Count(text, `\x1b[`) + strings.Count(text, `\033[`) + strings.Count(text, `\u001b[`) + strings.Count(text, `\e[`)

	var b strings.Builder
	lower := strings.ToLower(text)
	b.WriteString(lower)
	// Obfuscated spellings — letters spaced out, leetspeak — are matched
	// through a folded copy of the text, appended when it differs.
	if folded := fold(lower); folded != lower {
		b.WriteString("\n")
		b.WriteString(folded)
	}
	for _, hidden := range []string{n.tags, n.smuggled} {
		if hidden != "" {
			b.WriteString("\n")
			b.WriteString(strings.ToLower(hidden))
		}
	}
	n.textEnd = len(lower)
	n.decodedFrom = -1
	if decoded := decodeRuns(text); decoded != "" {
		b.WriteString("\n")
		n.decodedFrom = b.Len()
		b.WriteString(strings.ToLower(decoded))
	}
	n.match = b.String()
	return n
}

// fold undoes letter spacing and leetspeak in a lower-case text.
func fold(s string) string {
	s = spacedOut.ReplaceAllStringFunc(s, func(run string) string { return strings.ReplaceAll(run, " ", "") })
	s = pathSpaces.ReplaceAllString(s, "$1")
	return leetWord.ReplaceAllStringFunc(s, func(w string) string {
		if strings.ContainsAny(w, "0134579@$") && strings.IndexFunc(w, unicode.IsLetter) >= 0 && !hexDigest(w) {
			return leet.Replace(w)
		}
		return w
	})
}

// hexDigest reports hashes, colours and ids written in hex digits: long
// enough not to be a word in disguise ("533d" is "seed", "c0ffee1234" is
// not a word). Other mixes of letters and digits are folded: in the
// folded copy a version or a unit ("v1", "p95") only becomes noise.
func hexDigest(w string) bool {
	return len(w) >= 6 && strings.Trim(w, "0123456789abcdef") == ""
}

// words spells an identifier as words (snake_case, kebab-case, dotted and
// camelCase split), so that a property or tool name that is really a
// sentence — read_the_ssh_key_first — is matched like one.
func words(id string) string {
	var b strings.Builder
	prev := rune(0)
	for _, r := range id {
		switch {
		case r == '_' || r == '-' || r == '.':
			b.WriteByte(' ')
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			b.WriteByte(' ')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

// isLatinNeighbour reports whether the rune at i sits in a word with Latin
// letters: a lone Cyrillic word is Russian, not a disguise.
func isLatinNeighbour(s string, i int) bool {
	start, end := i, i
	for start > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:start])
		if !unicode.IsLetter(r) {
			break
		}
		start -= size
	}
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if !unicode.IsLetter(r) {
			break
		}
		end += size
	}
	for _, r := range s[start:end] {
		if r < 0x80 && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// decodeRuns decodes base64 and hex runs that yield mostly printable text,
// within the decoding budget, up to maxDepth nested levels; then percent,
// escape, quoted-printable, character-code and Ascii85 runs, and ROT13 or
// reversed text next to a cue that names it.
func decodeRuns(text string) string {
	var out []string
	budget := maxDecodedBytes
	decodes := 0
	var visit func(s string, depth int)
	visit = func(s string, depth int) {
		for _, rx := range []*regexp.Regexp{base64Run, hexRun} {
			for _, run := range rx.FindAllString(s, -1) {
				if decodes >= maxDecodes || budget <= 0 {
					return
				}
				var dec []byte
				if rx == hexRun {
					dec, _ = hex.DecodeString(run)
				} else {
					dec = decodeBase64(run)
				}
				if len(dec) == 0 {
					continue
				}
				if gz := gunzip(dec, budget); gz != nil {
					dec = gz // a compressed payload (1f 8b), base64-wrapped
				}
				if !printable(dec) {
					// An encoding inside an encoding: decode the inner
					// layer in turn, within the same budget.
					if depth < maxDepth && encodedLayer.Match(dec) {
						decodes++
						budget -= len(dec)
						visit(string(dec), depth+1)
					}
					continue
				}
				decodes++
				if len(dec) > budget {
					dec = dec[:budget]
				}
				budget -= len(dec)
				out = append(out, string(dec))
				if depth < maxDepth {
					visit(string(dec), depth+1)
				}
			}
		}
	}
	visit(text, 0)
	for _, run := range percentRun.FindAllString(text, maxDecodes) {
		if dec, err := url.PathUnescape(run); err == nil && dec != run && printable([]byte(dec)) {
			out = append(out, dec)
		}
	}
	// ROT13 is no encoding anyone needs in a tool description; decode the
	// text when it names the cipher.
	if rot13Cue.MatchString(text) {
		out = append(out, strings.Map(rot13, text))
	}
	for _, run := range escapeRun.FindAllString(text, maxDecodes) {
		if dec, err := strconv.Unquote(`"` + run + `"`); err == nil && printable([]byte(dec)) {
			out = append(out, dec)
		}
	}
	for _, run := range qpRun.FindAllString(text, maxDecodes) {
		if dec, err := io.ReadAll(io.LimitReader(quotedprintable.NewReader(strings.NewReader(run)), maxDecodedBytes)); err == nil && printable(dec) {
			out = append(out, string(dec))
		}
	}
	for _, run := range charCodeRun.FindAllString(text, maxDecodes) {
		if dec, ok := charCodes(run); ok {
			out = append(out, dec)
		}
	}
	out = append(out, ascii85Runs(text)...)
	// Reversed text is plain to a model told to read it backwards; it is
	// decoded when it reads better backwards than forwards.
	if reverseCue.MatchString(text) {
		if back := reverse(text); functionWords(back) >= 3 && functionWords(back) > functionWords(text) {
			out = append(out, back)
		}
	}
	return strings.Join(out, "\n")
}

var (
	// qpRun is quoted-printable dense enough to hide words (=72=65=61=64).
	qpRun = regexp.MustCompile(`(?:=[0-9A-F]{2}[A-Za-z0-9 .,]{0,3}|=\r?\n){8,}`)
	// charCodeRun is a list of character codes (String.fromCharCode(99,
	// 117, 114, 108), a bytes array).
	charCodeRun = regexp.MustCompile(`\b(?:\d{2,3}\s*,\s*){7,}\d{2,3}\b`)
	// ascii85Framed is Adobe's Ascii85 framing; ascii85Cue names the
	// encoding next to an unframed run.
	ascii85Framed = regexp.MustCompile(`<~([!-uz\s]{10,})~>`)
	ascii85Cue    = regexp.MustCompile(`(?i)\b(?:ascii-?85|base-?85|a85|b85|btoa)\b`)
	ascii85Token  = regexp.MustCompile(`[!-uz]{20,}`)
	reverseCue    = regexp.MustCompile(`(?i)\bright[\s-]+to[\s-]+left\b|\breversed?\b|\bbackwards?\b|\bin\s+reverse\b|\bmirror(?:ed)?\s+(?:text|order)\b`)
)

// charCodes decodes a list of character codes when every one is a
// printable ASCII character.
func charCodes(run string) (string, bool) {
	var b strings.Builder
	for _, f := range strings.Split(run, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || c < 9 || c > 126 || (c < 32 && c != '\n' && c != '\t') {
			return "", false
		}
		b.WriteByte(byte(c))
	}
	return b.String(), printable([]byte(b.String()))
}

// ascii85Runs decodes Ascii85 framed in <~ ~>, and unframed runs in a text
// that names the encoding.
func ascii85Runs(text string) []string {
	var runs []string
	for _, m := range ascii85Framed.FindAllStringSubmatch(text, maxDecodes) {
		runs = append(runs, m[1])
	}
	if ascii85Cue.MatchString(text) {
		runs = append(runs, ascii85Token.FindAllString(text, maxDecodes)...)
	}
	var out []string
	for _, r := range runs {
		src := []byte(strings.Join(strings.Fields(r), ""))
		dst := make([]byte, 4*len(src)+4)
		n, _, err := ascii85.Decode(dst, src, true)
		if err == nil && printable(dst[:n]) {
			out = append(out, string(dst[:n]))
		}
	}
	return out
}

// functionWord is a word every English sentence is made of.
var functionWord = regexp.MustCompile(`(?i)\b(?:the|and|to|of|a|in|is|it|you|for|with|your|this|that|all)\b`)

// functionWords counts the function words of s.
func functionWords(s string) int { return len(functionWord.FindAllStringIndex(s, -1)) }

// reverse spells s backwards, rune by rune.
func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

var (
	// percentRun is URL percent-encoding dense enough to hide words.
	percentRun = regexp.MustCompile(`(?:%[0-9a-fA-F]{2}[A-Za-z0-9._~+-]{0,3}){8,}`)
	rot13Cue   = regexp.MustCompile(`(?i)\brot-?13\b|\bcaesar\b`)
)

func rot13(r rune) rune {
	switch {
	case r >= 'a' && r <= 'z':
		return 'a' + (r-'a'+13)%26
	case r >= 'A' && r <= 'Z':
		return 'A' + (r-'A'+13)%26
	}
	return r
}

// gunzip inflates a gzip stream of at most limit bytes; nil when b is not
// gzip or does not inflate.
func gunzip(b []byte, limit int) []byte {
	if len(b) < 18 || b[0] != 0x1f || b[1] != 0x8b || limit <= 0 {
		return nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	out, err := io.ReadAll(io.LimitReader(zr, int64(limit)))
	if err != nil && len(out) == 0 {
		return nil
	}
	return out
}

func decodeBase64(s string) []byte {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b
		}
	}
	return nil
}

// printable accepts decoded bytes that are UTF-8 text with at least one
// space, or a path (an identifier or a hash decodes to noise or to a
// single word; a file path hidden in hex or base64 is what the text asks
// for).
func printable(b []byte) bool {
	if !utf8.Valid(b) || len(b) < 12 {
		return false
	}
	spaces, bad := 0, 0
	for _, r := range string(b) {
		switch {
		case r == ' ':
			spaces++
		case unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r':
			bad++
		}
	}
	return bad == 0 && (spaces > 0 || strings.ContainsAny(string(b), "/\\"))
}

// visible shows s with every invisible or control character made visible
// as <U+XXXX>, for findings that quote the offending text.
func visible(s string) string {
	var b strings.Builder
	for _, r := range s {
		if invisibleKind(r) != "" || (r < 0x20 && r != '\n' && r != '\t') || r == 0x7F || (r >= 0x80 && r <= 0x9F) {
			fmt.Fprintf(&b, "<U+%04X>", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
