package rules_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/zricethezav/gitleaks/v8/detect"

	"github.com/mcpcert/mcpcert/analyzers/secrets"
	"github.com/mcpcert/mcpcert/rules"
)

func TestDefaultRulesLoad(t *testing.T) {
	set, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(set.All()) == 0 {
		t.Fatal("no rules")
	}
	if !strings.HasPrefix(set.Digest(), "sha256:") || len(set.Digest()) != 71 {
		t.Errorf("digest %q", set.Digest())
	}
	for _, r := range set.All() {
		if got, ok := set.Get(r.ID); !ok || got.ID != r.ID {
			t.Errorf("Get(%s) = %v, %v", r.ID, got, ok)
		}
	}
}

// TestSecretRuleSamples enforces every pattern rule's samples through the
// real gitleaks detector, with the allow-list applied, the way the secrets
// analyzer runs it.
func TestSecretRuleSamples(t *testing.T) {
	set, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	d, err := secrets.NewDetector(set, true)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range set.All() {
		if r.Secret == nil {
			continue
		}
		n++
		for _, s := range r.Secret.Positive {
			if !found(d, r.ID, s) {
				t.Errorf("%s: positive sample not found: %s: %s", r.ID, s.Path, s.Text)
			}
		}
		for _, s := range r.Secret.Negative {
			if found(d, r.ID, s) {
				t.Errorf("%s: negative sample matched: %s: %s", r.ID, s.Path, s.Text)
			}
		}
	}
	if n == 0 {
		t.Fatal("no pattern rules were checked")
	}
}

func found(d *detect.Detector, id string, s rules.Sample) bool {
	for _, f := range d.Detect(detect.Fragment{Raw: s.Text, FilePath: s.Path}) {
		if f.RuleID == id {
			return true
		}
	}
	return false
}

func TestInvalidRulesRejected(t *testing.T) {
	const good = `rules:
  - id: ABC001
    title: t
    severity: high
    confidence: high
    engine: secrets
    help: h
    remediation: r
`
	cases := map[string]string{
		"duplicate ID":        good + strings.TrimPrefix(good, "rules:\n"),
		"bad severity":        strings.Replace(good, "severity: high", "severity: severe", 1),
		"bad confidence":      strings.Replace(good, "confidence: high", "confidence: sure", 1),
		"bad ID":              strings.Replace(good, "ABC001", "abc-1", 1),
		"empty help":          strings.Replace(good, "help: h", "help: ''", 1),
		"unknown field":       good + "    colour: red\n",
		"bad CWE":             strings.Replace(good, "engine:", "cwe: 798\n    engine:", 1),
		"allow w/o reason":    good + "allow:\n  - regex: x\n",
		"pattern w/o samples": strings.Replace(good, "remediation: r", "remediation: r\n    secret:\n      regex: x\n      positive: []\n      negative: []", 1),
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := rules.LoadFS(fstest.MapFS{"x.yaml": {Data: []byte(doc)}}); err == nil {
				t.Errorf("accepted:\n%s", doc)
			}
		})
	}
	if _, err := rules.LoadFS(fstest.MapFS{"x.yaml": {Data: []byte(good)}}); err != nil {
		t.Errorf("rejected a valid rule: %v", err)
	}
}
