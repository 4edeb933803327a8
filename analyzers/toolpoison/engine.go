package toolpoison

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/rules"
)

// engine holds the compiled signals and text rules of a rule set.
type engine struct {
	signals map[string]*regexp.Regexp
	rules   []rules.Rule // text rules, by ID
}

// engines caches the compiled engine of each rule set: a set is immutable,
// and compiling its signals costs more than scanning a server's surface.
var engines sync.Map // *rules.Set → *engine

func engineFor(set *rules.Set) (*engine, error) {
	if e, ok := engines.Load(set); ok {
		return e.(*engine), nil
	}
	e, err := newEngine(set)
	if err != nil {
		return nil, err
	}
	engines.Store(set, e)
	return e, nil
}

func newEngine(set *rules.Set) (*engine, error) {
	e := &engine{signals: map[string]*regexp.Regexp{}}
	for _, s := range set.Signals() {
		if s.Computed {
			continue
		}
		rx, err := regexp.Compile(s.Regex)
		if err != nil {
			return nil, fmt.Errorf("signal %s: %w", s.ID, err)
		}
		e.signals[s.ID] = rx
	}
	for _, r := range set.All() {
		if r.Poison != nil {
			p := *r.Poison
			p.Clauses = slices.Clone(p.Clauses)
			// Most severe clause first, whatever the order in the data.
			sort.SliceStable(p.Clauses, func(i, j int) bool {
				return report.SeverityRank(p.Clauses[i].Severity) > report.SeverityRank(p.Clauses[j].Severity)
			})
			r.Poison = &p
			e.rules = append(e.rules, r)
		}
	}
	return e, nil
}

// matchesText reports whether a pattern signal occurs in s.
func (e *engine) matchesText(signal, s string) bool {
	rx := e.signals[signal]
	return rx != nil && rx.MatchString(s)
}

// hit is one text rule firing on one text.
type hit struct {
	rule     rules.Rule
	severity string
	signals  []string
	lo, hi   int // span in the match text
}

// evaluate runs the text rules over a normalised text. computed holds the
// computed signals that are true for this text: their offsets in the match
// text, or anywhere (-1) when the signal is about the whole text.
func (e *engine) evaluate(n normalized, computed map[string][]int) []hit {
	occ := map[string][]int{}
	find := func(id string) []int {
		if o, ok := occ[id]; ok {
			return o
		}
		var o []int
		if rx := e.signals[id]; rx != nil {
			for _, m := range rx.FindAllStringIndex(n.match, 64) {
				o = append(o, m[0])
			}
		} else {
			o = computed[id]
		}
		occ[id] = o
		return o
	}
	sentences := sentenceSpans(n.match)
	var hits []hit
	for _, r := range e.rules {
		for _, c := range r.Poison.Clauses {
			lo, hi, ok := 0, 0, false
			if c.Sentence {
				lo, hi, ok = inSentence(c, sentences, find)
			} else {
				lo, hi, ok = e.window(n, c, r.Poison.Window, sentences, find)
			}
			if ok {
				hits = append(hits, hit{rule: r, severity: c.Severity, signals: c.All, lo: lo, hi: hi})
				break
			}
		}
	}
	return hits
}

// window reports whether the clause's signals all occur within w
// characters, with none of its None signals close by.
func (e *engine) window(n normalized, c rules.Clause, w int, sentences [][2]int, find func(string) []int) (int, int, bool) {
	encoded := slices.Contains(c.All, "encoded_directive")
	if encoded && n.decodedFrom < 0 {
		return 0, 0, false
	}
	var lists [][]int
	for _, id := range c.All {
		o := find(id)
		if encoded && id != "encoded_directive" {
			o = slices.DeleteFunc(slices.Clone(o), func(p int) bool { return p >= 0 && p < n.decodedFrom })
		}
		if len(o) == 0 {
			return 0, 0, false
		}
		if o[0] >= 0 {
			lists = append(lists, o)
		}
	}
	if len(lists) == 0 {
		return 0, len(n.match), noneWithin(c, 0, len(n.match), sentences, find)
	}
	for _, anchor := range lists[0] {
		lo, hi := anchor, anchor
		// The nearest occurrence, from the same part of the match text
		// as the anchor (the text itself, or its folded and decoded
		// copies) when there is one, so that the quote reads as one span.
		cost := func(p int) int {
			if (p < n.textEnd) != (anchor < n.textEnd) {
				return abs(p-anchor) + len(n.match)
			}
			return abs(p - anchor)
		}
		for _, l := range lists[1:] {
			best := l[0]
			for _, p := range l {
				if cost(p) < cost(best) {
					best = p
				}
			}
			lo, hi = min(lo, best), max(hi, best)
		}
		if hi-lo <= w && noneWithin(c, lo, hi, sentences, find) {
			return lo, hi, true
		}
	}
	return 0, 0, false
}

// sentenceSpans splits a text into sentences: [start, end) offsets.
func sentenceSpans(s string) [][2]int {
	var out [][2]int
	start := 0
	for _, m := range sentenceEnd.FindAllStringIndex(s, -1) {
		if m[1] > start {
			out = append(out, [2]int{start, m[1]})
		}
		start = m[1]
	}
	if start < len(s) {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}

// inSentence reports whether every signal of the clause occurs in one
// sentence, and none of its None signals does; the span runs from the
// first signal to the last.
func inSentence(c rules.Clause, sentences [][2]int, find func(string) []int) (int, int, bool) {
	in := func(id string, sp [2]int) (first, last int, ok bool) {
		first, last = sp[1], sp[0]
		for _, p := range find(id) {
			if p < 0 {
				return sp[0], sp[0], true // about the whole text
			}
			if p >= sp[0] && p < sp[1] {
				first, last, ok = min(first, p), max(last, p), true
			}
		}
		return first, last, ok
	}
next:
	for _, sp := range sentences {
		lo, hi := sp[1], sp[0]
		for _, id := range c.All {
			f, l, ok := in(id, sp)
			if !ok {
				continue next
			}
			lo, hi = min(lo, f), max(hi, l)
		}
		for _, id := range c.None {
			if _, _, ok := in(id, sp); ok {
				continue next
			}
		}
		return lo, hi, true
	}
	return 0, 0, false
}

// noneWithin checks that no None signal occurs in the sentences of the
// span or the one after it: "never accessible" must be said of the path it
// protects ("Reads ~/.ssh/config. Keys are never returned." counts; "the
// agent is not reachable. Paste ~/.ssh/id_rsa instead." does not).
func noneWithin(c rules.Clause, lo, hi int, sentences [][2]int, find func(string) []int) bool {
	from, to := lo, hi+1
	for i, sp := range sentences {
		if sp[0] <= lo && lo < sp[1] {
			from = sp[0]
		}
		if sp[0] <= hi && hi < sp[1] {
			to = sp[1]
			if i+1 < len(sentences) {
				to = sentences[i+1][1]
			}
		}
	}
	for _, id := range c.None {
		for _, p := range find(id) {
			if p < 0 || (p >= from && p < to) {
				return false
			}
		}
	}
	return true
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// quote returns a readable excerpt of the match text around a span.
func quote(n normalized, lo, hi int) string {
	if hi <= lo {
		hi = lo + 1
	}
	end := len(n.match)
	if hi <= n.textEnd {
		end = n.textEnd // a span in the text itself: not into the folded copy
	}
	lo, hi = max(0, lo-20), min(end, hi+60)
	s := strings.ToValidUTF8(n.match[lo:hi], "")
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 160 {
		s = string(r[:160]) + "…"
	}
	return s
}
