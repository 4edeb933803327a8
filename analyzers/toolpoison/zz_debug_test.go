package toolpoison

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/rules"
)

func TestZZDebug(t *testing.T) {
	ids := os.Getenv("CASES")
	if ids == "" {
		t.Skip()
	}
	set := rules.MustDefault()
	for _, kind := range []string{"malicious", "benign"} {
		for _, c := range loadCorpus(t, kind) {
			match := false
			for _, id := range strings.Split(ids, ",") {
				if strings.HasPrefix(c.ID, id) {
					match = true
				}
			}
			if !match {
				continue
			}
			ds, _ := Detect(surfaceOf(t, c), nil, set)
			t.Logf("== %s min=%s", c.ID, c.MinSeverity)
			for _, d := range ds {
				if c.CanonicalServer && d.RuleID == "TP010" {
					continue
				}
				t.Logf("   %s %s %s", d.RuleID, d.Severity, d.Message)
			}
		}
	}
}

func TestZZSurface(t *testing.T) {
	ids := os.Getenv("SURF")
	if ids == "" {
		t.Skip()
	}
	for _, c := range loadCorpus(t, "malicious") {
		if strings.HasPrefix(c.ID, ids) {
			b, _ := json.MarshalIndent(surfaceOf(t, c), "", " ")
			t.Logf("%s", b)
		}
	}
}
