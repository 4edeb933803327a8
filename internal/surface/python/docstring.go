package python

import (
	"regexp"
	"strings"
)

// parseDocstring splits a cleaned docstring as jlowin fastmcp (≥3.2.4, with
// griffe) does: the Google, NumPy and Sphinx styles are tried in turn, and
// the first that finds parameter descriptions wins; the description is then
// the text before the first section. ok is false when no style finds
// parameters, in which case fastmcp keeps the whole docstring.
func parseDocstring(doc string) (desc string, params map[string]string, ok bool) {
	lines := strings.Split(doc, "\n")
	for _, parse := range []func([]string) (string, map[string]string){parseGoogle, parseNumpy, parseSphinx} {
		d, ps := parse(lines)
		if len(ps) > 0 {
			return d, ps, true
		}
	}
	return "", nil, false
}

var (
	googleHeader = regexp.MustCompile(`^\s*([A-Za-z][\w -]*):\s*$`)
	numpyRule    = regexp.MustCompile(`^\s*-{3,}\s*$`)
	sphinxParam  = regexp.MustCompile(`^:(?:param|parameter|arg|argument|key|keyword)\s+(?:[^:]*\s)?(\*{0,2}\w+)\s*:(.*)$`)
	sphinxField  = regexp.MustCompile(`^:\w+[^:]*:`)
)

var paramSections = map[string]bool{"args": true, "arguments": true, "params": true, "parameters": true}

func indentOf(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }

func blank(l string) bool { return strings.TrimSpace(l) == "" }

// textBefore is the text section: the lines before the first section.
func textBefore(lines []string, end int) string {
	return strings.TrimRight(strings.Join(lines[:end], "\n"), "\n")
}

// items reads "name: description" entries of an indented block: an entry
// starts at the block's indentation, its continuation lines are deeper.
func items(block []string, nameOf func(head string) []string) map[string]string {
	out := map[string]string{}
	base := -1
	for _, l := range block {
		if !blank(l) {
			base = indentOf(l)
			break
		}
	}
	var names []string
	var desc []string
	flush := func() {
		d := strings.TrimSpace(dedent(strings.Join(desc, "\n")))
		for _, n := range names {
			out[n] = d
		}
		names, desc = nil, nil
	}
	for _, l := range block {
		if !blank(l) && indentOf(l) <= base {
			flush()
			names, desc = nameOf(strings.TrimSpace(l)), nil
			continue
		}
		if names != nil {
			desc = append(desc, l)
		}
	}
	flush()
	return out
}

// parseGoogle reads "Args:" blocks.
func parseGoogle(lines []string) (string, map[string]string) {
	params := map[string]string{}
	textEnd := len(lines)
	for i := 0; i < len(lines); i++ {
		m := googleHeader.FindStringSubmatch(lines[i])
		if m == nil || !indentedBlockAfter(lines, i) {
			continue
		}
		if i < textEnd {
			textEnd = i
		}
		ind := indentOf(lines[i])
		j := i + 1
		for j < len(lines) && (blank(lines[j]) || indentOf(lines[j]) > ind) {
			j++
		}
		if paramSections[strings.ToLower(strings.TrimSpace(m[1]))] {
			for k, v := range items(lines[i+1:j], func(head string) []string {
				name, d, found := strings.Cut(head, ":")
				if !found {
					return nil
				}
				if p := strings.Index(name, "("); p >= 0 {
					name = name[:p]
				}
				name = strings.TrimLeft(strings.TrimSpace(name), "*")
				if name == "" {
					return nil
				}
				return []string{name + "\x00" + strings.TrimSpace(d)}
			}) {
				name, first, _ := strings.Cut(k, "\x00")
				params[name] = strings.TrimSpace(first + "\n" + v)
			}
		}
		i = j - 1
	}
	return textBefore(lines, textEnd), params
}

// indentedBlockAfter reports a section header: the next non-blank line is
// indented deeper than line i.
func indentedBlockAfter(lines []string, i int) bool {
	for j := i + 1; j < len(lines); j++ {
		if !blank(lines[j]) {
			return indentOf(lines[j]) > indentOf(lines[i])
		}
	}
	return false
}

// parseNumpy reads "Parameters\n----------" blocks.
func parseNumpy(lines []string) (string, map[string]string) {
	params := map[string]string{}
	textEnd := len(lines)
	isHeader := func(i int) bool {
		return i+1 < len(lines) && !blank(lines[i]) && numpyRule.MatchString(lines[i+1])
	}
	for i := 0; i < len(lines); i++ {
		if !isHeader(i) {
			continue
		}
		if i < textEnd {
			textEnd = i
		}
		j := i + 2
		for j < len(lines) && !isHeader(j) {
			j++
		}
		if paramSections[strings.ToLower(strings.TrimSpace(lines[i]))] {
			for k, v := range items(lines[i+2:j], func(head string) []string {
				names, _, _ := strings.Cut(head, " : ")
				names = strings.TrimSuffix(strings.TrimSpace(names), ":")
				var out []string
				for _, n := range strings.Split(names, ",") {
					if n = strings.TrimLeft(strings.TrimSpace(n), "*"); n != "" {
						out = append(out, n)
					}
				}
				return out
			}) {
				params[k] = v
			}
		}
		i = j - 1
	}
	return textBefore(lines, textEnd), params
}

// parseSphinx reads ":param name: description" fields.
func parseSphinx(lines []string) (string, map[string]string) {
	params := map[string]string{}
	textEnd := len(lines)
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if !sphinxField.MatchString(l) {
			continue
		}
		if i < textEnd {
			textEnd = i
		}
		m := sphinxParam.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		desc := []string{strings.TrimSpace(m[2])}
		for i+1 < len(lines) && !blank(lines[i+1]) && indentOf(lines[i+1]) > indentOf(lines[i]) {
			i++
			desc = append(desc, strings.TrimSpace(lines[i]))
		}
		params[strings.TrimLeft(m[1], "*")] = strings.TrimSpace(strings.Join(desc, "\n"))
	}
	return textBefore(lines, textEnd), params
}
