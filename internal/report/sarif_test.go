package report_test

import (
	"encoding/json"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/schematest"
)

// docs/sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 (errata 01) JSON
// schema, copied byte for byte from the Go module
// github.com/securego/gosec/v2@v2.30.0, file
// report/sarif/testdata/sarif-schema-2.1.0.json
// (sha256 c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e).
// Its id is the OASIS location of the errata 01 schema.
const sarifSchema = "../../docs/sarif-schema-2.1.0.json"

func TestSARIFSchema(t *testing.T) {
	sch := schematest.Compile(t, sarifSchema)
	for name, r := range map[string]*report.Report{"populated": populatedReport(), "minimal": minimalReport()} {
		if err := sch.Validate(schematest.Instance(t, render(t, "sarif", r, report.Options{Rules: testRules()}))); err != nil {
			t.Errorf("%s: SARIF does not match the SARIF 2.1.0 schema: %v", name, err)
		}
	}
}

func TestSARIFSchemaIsOfficial(t *testing.T) {
	var s struct {
		Schema string `json:"$schema"`
		ID     string `json:"id"`
		Title  string `json:"title"`
	}
	data, err := os.ReadFile(sarifSchema)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if s.ID != "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json" ||
		s.Title != "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema" {
		t.Errorf("%s is not the official SARIF 2.1.0 schema: id %q, title %q", sarifSchema, s.ID, s.Title)
	}
}

// sarifDoc is the part of a SARIF log the assertions below look at.
type sarifDoc struct {
	Schema string `json:"$schema"`
	Runs   []struct {
		Tool struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID                   string `json:"id"`
					Name                 string `json:"name"`
					DefaultConfiguration struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
					Help struct {
						Text string `json:"text"`
					} `json:"help"`
					Properties struct {
						Tags             []string `json:"tags"`
						Precision        string   `json:"precision"`
						SecuritySeverity string   `json:"security-severity"`
					} `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful        bool `json:"executionSuccessful"`
			ToolExecutionNotifications []struct {
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
						EndLine     int `json:"endLine"`
						EndColumn   int `json:"endColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Properties          map[string]any    `json:"properties"`
		} `json:"results"`
		Properties struct {
			Status string `json:"status"`
			Source struct {
				PURL      string            `json:"purl"`
				Digests   map[string]string `json:"digests"`
				GitCommit string            `json:"gitCommit"`
			} `json:"source"`
		} `json:"properties"`
	} `json:"runs"`
}

func parseSARIF(t *testing.T, data []byte) sarifDoc {
	t.Helper()
	var d sarifDoc
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(d.Runs))
	}
	return d
}

func TestSARIFContent(t *testing.T) {
	out := render(t, "sarif", populatedReport(), report.Options{Rules: testRules()})
	d := parseSARIF(t, out)
	run := d.Runs[0]

	if d.Schema != "https://json.schemastore.org/sarif-2.1.0.json" || run.Tool.Driver.Name != "mcpcert" {
		t.Errorf("$schema %q, driver %q", d.Schema, run.Tool.Driver.Name)
	}
	var ids []string
	for _, r := range run.Tool.Driver.Rules {
		ids = append(ids, r.ID)
	}
	// Rules of the report's engines only (not TPS001), sorted.
	if want := []string{"DEP001", "DEP002", "SEC001", "SEC002"}; !slices.Equal(ids, want) {
		t.Errorf("rule descriptors %v, want %v", ids, want)
	}
	sec := run.Tool.Driver.Rules[2]
	if sec.Name != "HardCodedAPIKey" || sec.DefaultConfiguration.Level != "error" || sec.Properties.SecuritySeverity != "8.0" ||
		sec.Properties.Precision != "high" || !slices.Equal(sec.Properties.Tags, []string{"security", "secrets", "external/cwe/cwe-798"}) ||
		!strings.HasSuffix(sec.Help.Text, "\n\nRemediation: Revoke the key and load it from the environment.") {
		t.Errorf("SEC001 descriptor: %+v", sec)
	}

	if len(run.Results) != 4 {
		t.Fatalf("%d results, want 4", len(run.Results))
	}
	for _, res := range run.Results {
		if ids[res.RuleIndex] != res.RuleID {
			t.Errorf("result %s: ruleIndex %d names %s", res.RuleID, res.RuleIndex, ids[res.RuleIndex])
		}
	}
	levels := []string{}
	for _, res := range run.Results {
		levels = append(levels, res.Level)
	}
	if want := []string{"error", "error", "warning", "note"}; !slices.Equal(levels, want) {
		t.Errorf("levels %v, want %v", levels, want)
	}

	dep, key, pw := run.Results[0], run.Results[1], run.Results[2]
	if loc := dep.Locations[0].PhysicalLocation; loc.Region != nil || loc.ArtifactLocation.URI != "package-lock.json" || loc.ArtifactLocation.URIBaseID != "%SRCROOT%" {
		t.Errorf("location without a line: %+v", loc)
	}
	if r := key.Locations[0].PhysicalLocation.Region; r == nil || r.StartLine != 12 || r.StartColumn != 5 || r.EndLine != 12 || r.EndColumn != 45 {
		t.Errorf("region %+v, want 12:5-12:45", r)
	}
	if r := pw.Locations[0].PhysicalLocation.Region; r == nil || r.StartLine != 3 || r.EndLine != 0 {
		t.Errorf("region %+v, want start 3 and no end", r)
	}
	if key.PartialFingerprints["mcpcertFingerprint/v1"] != "9a8b7c6d5e4f30211203f4e5d6c7b8a9" {
		t.Errorf("partialFingerprints %v", key.PartialFingerprints)
	}
	if got := keys(dep.Properties); !slices.Equal(got, []string{"advisory", "aliases", "confidence", "ecosystem", "engine", "fixedIn", "package", "severity", "version"}) {
		t.Errorf("dependency result properties %v", got)
	}

	inv := run.Invocations[0]
	if inv.ExecutionSuccessful {
		t.Error("executionSuccessful for an incomplete scan")
	}
	var notes []string
	for _, n := range inv.ToolExecutionNotifications {
		notes = append(notes, n.Level+" "+n.Message.Text)
	}
	want := []string{
		"warning Engine deps did not cover package.json (unresolved): 2 dependencies have no pinned version",
		"error Engine sast (semgrep 1.0): timeout: exceeded its 60s budget",
		"note No analyzer read assets/logo.bin: binary",
		"note No analyzer read dist/bundle.js: larger than 5 MiB",
	}
	if !slices.Equal(notes, want) {
		t.Errorf("notifications:\n%s\nwant:\n%s", strings.Join(notes, "\n"), strings.Join(want, "\n"))
	}
	if p := run.Properties; p.Status != "incomplete" || p.Source.PURL == "" || p.Source.GitCommit == "" || len(p.Source.Digests) != 2 {
		t.Errorf("run properties %+v", p)
	}

	minimal := parseSARIF(t, render(t, "sarif", minimalReport(), report.Options{Rules: testRules()}))
	if !minimal.Runs[0].Invocations[0].ExecutionSuccessful || len(minimal.Runs[0].Tool.Driver.Rules) != 0 {
		t.Errorf("minimal report: %+v", minimal.Runs[0])
	}
}

// Secret findings carry only the redacted form and the fingerprint: nothing
// from a finding's free-form properties, where a secret could hide.
func TestSARIFNeverLeaksSecrets(t *testing.T) {
	out := render(t, "sarif", populatedReport(), report.Options{Rules: testRules()})
	if strings.Contains(string(out), rawSecret) {
		t.Fatal("SARIF contains the raw secret")
	}
	key := parseSARIF(t, out).Runs[0].Results[1]
	if got := keys(key.Properties); !slices.Equal(got, []string{"confidence", "engine", "redacted", "secretFingerprint", "severity"}) {
		t.Errorf("secret result properties %v", got)
	}
	if key.Properties["redacted"] != populatedReport().Findings[1].Secret.Redacted {
		t.Errorf("redacted = %v", key.Properties["redacted"])
	}
}

// A finding of a rule the caller gave no descriptor for still resolves.
func TestSARIFUnknownRule(t *testing.T) {
	r := minimalReport()
	r.Findings = []report.Finding{{RuleID: "XYZ999", Title: "Something odd", Severity: "low", Confidence: "low", Engine: "x",
		Message: "m", Location: analysis.Position{Path: "a.js", StartLine: 1}, Fingerprint: "f"}}
	out := render(t, "sarif", r, report.Options{})
	if err := schematest.Compile(t, sarifSchema).Validate(schematest.Instance(t, out)); err != nil {
		t.Fatal(err)
	}
	run := parseSARIF(t, out).Runs[0]
	if len(run.Tool.Driver.Rules) != 1 || run.Tool.Driver.Rules[0].ID != "XYZ999" || run.Results[0].RuleIndex != 0 {
		t.Errorf("rules %+v", run.Tool.Driver.Rules)
	}
}

// File names become URI references that cannot be read as a scheme, a
// query or a fragment.
func TestSARIFURIEscaping(t *testing.T) {
	r := minimalReport()
	paths := map[string]string{
		"src/a b.js":     "src/a%20b.js",
		"c:evil/x.js":    "c%3Aevil/x.js",
		"d/e#f?g.js":     "d/e%23f%3Fg.js",
		"h/100%.js":      "h/100%25.js",
		"i/\x1b[31m.js":  "i/%1B%5B31m.js",
		"j/ünïcödé.py":   "j/%C3%BCn%C3%AFc%C3%B6d%C3%A9.py",
		"k/..%2f/l.json": "k/..%252f/l.json",
	}
	for p := range paths {
		r.Findings = append(r.Findings, report.Finding{RuleID: "SEC001", Severity: "high", Confidence: "high", Engine: "secrets",
			Message: "m", Location: analysis.Position{Path: p, StartLine: 1}, Fingerprint: p})
	}
	out := render(t, "sarif", r, report.Options{Rules: testRules()})
	if err := schematest.Compile(t, sarifSchema).Validate(schematest.Instance(t, out)); err != nil {
		t.Fatal(err)
	}
	for _, res := range parseSARIF(t, out).Runs[0].Results {
		got := res.Locations[0].PhysicalLocation.ArtifactLocation.URI
		want := ""
		for p, u := range paths {
			if p == res.PartialFingerprints["mcpcertFingerprint/v1"] {
				want = u
			}
		}
		if got != want {
			t.Errorf("uri %q, want %q", got, want)
		}
	}
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// The compiled schema must be strict enough to matter.
func TestSARIFSchemaRejects(t *testing.T) {
	sch := schematest.Compile(t, sarifSchema)
	out := string(render(t, "sarif", populatedReport(), report.Options{Rules: testRules()}))
	for _, bad := range []struct{ from, to string }{
		{`"level": "error"`, `"level": "fatal"`},
		{`"startLine": 12`, `"startLine": 0`},
		{`"version": "2.1.0"`, `"version": "2.2.0"`},
	} {
		mutated := strings.Replace(out, bad.from, bad.to, 1)
		if mutated == out {
			t.Fatalf("%s not in the SARIF output", bad.from)
		}
		if err := sch.Validate(schematest.Instance(t, []byte(mutated))); err == nil {
			t.Errorf("SARIF with %s accepted by the schema", bad.to)
		}
	}
}
