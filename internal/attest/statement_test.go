package attest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/statement.golden.json")

// Fixed digests: the artifact is artifactBytes, the rest are arbitrary.
var (
	artifactBytes  = []byte("acme-mcp-server-1.2.0.tgz contents\n")
	artifactSHA256 = sha256Hex(artifactBytes)
	artifactSHA512 = strings.Repeat("ab", 64)
	commit         = "3f786850e387550fdab836ed7e6dc881de23001b"
	hexA           = strings.Repeat("a1", 32)
	hexB           = strings.Repeat("b2", 32)
	hexC           = strings.Repeat("c3", 32)
	hexD           = strings.Repeat("d4", 32)
	hexE           = strings.Repeat("e5", 32)
	hexF           = strings.Repeat("f6", 32)
)

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func testSubjects() []Subject {
	return []Subject{
		{Name: "acme-mcp-server-1.2.0.tgz", Digest: map[string]string{"sha256": artifactSHA256, "sha512": artifactSHA512}},
		{Name: "git+https://github.com/acme/mcp-server@refs/tags/v1.2.0", Digest: map[string]string{"gitCommit": commit}},
	}
}

func testPredicate() Predicate {
	return Predicate{
		Verifier:           Verifier{ID: "https://github.com/mcpcert/mcpcert", Version: map[string]string{"mcpcert": "0.4.0"}},
		TimeVerified:       time.Date(2026, 11, 21, 6, 2, 37, 0, time.UTC),
		ResourceURI:        "pkg:npm/%40acme/mcp-server@1.2.0",
		Policy:             Policy{URI: "https://mcpcert.dev/policies/default/v1", Digest: map[string]string{"sha256": hexA}},
		VerificationResult: ResultPassed,
		Tier:               "B",
		Score:              82,
		Findings: Findings{
			Counts:   map[string]int{"critical": 0, "high": 1, "medium": 3, "low": 7, "info": 2},
			BySource: map[string]int{"osv": 6, "sast": 3, "secrets": 0, "toolpoison": 2},
			Report:   ReportRef{Digest: map[string]string{"sha256": hexB}, URI: "mcpcert-report.json"},
		},
		Engines: []Engine{
			{Name: "osv", Version: "2.5.0", Outcome: "ok", Databases: []Database{{
				Ecosystem: "npm", Source: "https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip",
				Modified: "2026-11-20T23:59:00Z", SHA256: hexC,
			}}},
			{Name: "secrets", Version: "8.30.1", Outcome: "ok"},
		},
		RulesDigest:  map[string]string{"sha256": hexD},
		RulesVersion: "2026.11.0",
		ToolPin: &ToolPin{Version: "1", SHA256: hexE, Exact: true, Tools: []PinnedTool{
			{Name: "add", SHA256: hexF}, {Name: "run_command", SHA256: hexA},
		}},
		Capabilities:  []Capability{{Name: "exec", Declared: false}, {Name: "tools", Declared: true}},
		AcceptedRisks: []AcceptedRisk{{Fingerprint: "sast:MCP-EXEC-001:src/run.ts:fn", RuleID: "MCP-EXEC-001", Reason: "command allow-listed"}},
	}
}

func TestStatementGolden(t *testing.T) {
	got, err := Statement(testSubjects(), testPredicate())
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "statement.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("statement differs from %s (run with -update if intended)\ngot:  %s\nwant: %s", golden, got, want)
	}
	// Same input, same bytes: protojson's deliberate whitespace jitter and
	// map order must not leak out.
	for range 5 {
		again, err := Statement(testSubjects(), testPredicate())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, got) {
			t.Fatalf("not deterministic:\n%s\n%s", got, again)
		}
	}
}

func TestStatementShape(t *testing.T) {
	got, err := Statement(testSubjects(), testPredicate())
	if err != nil {
		t.Fatal(err)
	}
	// protojson key names, in field order, compact.
	if !bytes.HasPrefix(got, []byte(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"acme-mcp-server-1.2.0.tgz","digest":{"sha256":"`)) {
		t.Errorf("unexpected start: %.120s", got)
	}
	if !bytes.Contains(got, []byte(`],"predicateType":"`+PredicateType+`","predicate":{`)) {
		t.Errorf("predicateType missing or misplaced: %s", got)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, got); err != nil || !bytes.Equal(buf.Bytes(), got) {
		t.Errorf("not compact JSON (%v)", err)
	}
	var m map[string]any
	if err := json.Unmarshal(got, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"type", "predicate_type"} {
		if _, ok := m[k]; ok {
			t.Errorf("encoding/json key %q leaked", k)
		}
	}
	p := m["predicate"].(map[string]any)
	if p["timeVerified"] != "2026-11-21T06:02:37Z" || p["score"] != 82.0 || p["verificationResult"] != "PASSED" {
		t.Errorf("predicate fields: %v", p)
	}
}

func TestStatementNormalisesTimeAndCase(t *testing.T) {
	want, err := Statement(testSubjects(), testPredicate())
	if err != nil {
		t.Fatal(err)
	}
	p := testPredicate()
	p.TimeVerified = p.TimeVerified.In(time.FixedZone("CET", 3600)).Add(400 * time.Millisecond)
	subjects := testSubjects()
	subjects[0].Digest["sha256"] = strings.ToUpper(artifactSHA256)
	got, err := Statement(subjects, p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("zone, sub-second time or hex case changed the bytes:\n%s\n%s", got, want)
	}
	// Empty and nil optional fields are the same input.
	p = testPredicate()
	p.AcceptedRisks, p.Capabilities = nil, []Capability{}
	a, err := Statement(testSubjects(), p)
	if err != nil {
		t.Fatal(err)
	}
	p.AcceptedRisks, p.Capabilities = []AcceptedRisk{}, nil
	b, err := Statement(testSubjects(), p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) || bytes.Contains(a, []byte("acceptedRisks")) || bytes.Contains(a, []byte("capabilities")) {
		t.Errorf("nil and empty differ or empty was written:\n%s\n%s", a, b)
	}
}

func TestStatementSubjectRules(t *testing.T) {
	artifact := Subject{Name: "a.tgz", Digest: map[string]string{"sha256": artifactSHA256}}
	cases := map[string][]Subject{
		"none":                          nil,
		"second sha256 (tool manifest)": {artifact, {Name: "tools.json", Digest: map[string]string{"sha256": hexA}}},
		"no sha256 at all":              {{Name: "c", Digest: map[string]string{"gitCommit": commit}}},
		"sha512 alone":                  {artifact, {Name: "b", Digest: map[string]string{"sha512": artifactSHA512}}},
		"commit mixed into artifact":    {{Name: "a", Digest: map[string]string{"sha256": artifactSHA256, "gitCommit": commit}}},
		"unknown algorithm":             {{Name: "a", Digest: map[string]string{"sha256": artifactSHA256, "md5": strings.Repeat("0", 32)}}},
		"short sha256":                  {{Name: "a", Digest: map[string]string{"sha256": artifactSHA256[:60]}}},
		"non-hex":                       {{Name: "a", Digest: map[string]string{"sha256": strings.Repeat("z", 64)}}},
		"no name":                       {{Digest: map[string]string{"sha256": artifactSHA256}}},
		"no digest":                     {artifact, {Name: "b"}},
		"sha256 git object name":        {artifact, {Name: "c", Digest: map[string]string{"gitCommit": hexA}}},
	}
	for name, subjects := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := Statement(subjects, testPredicate()); !errors.Is(err, ErrInvalidSubjects) {
				t.Errorf("err = %v, want ErrInvalidSubjects", err)
			}
		})
	}
	// Accepted: the artifact alone, with sha512 and a commit, in any order.
	ok := [][]Subject{
		{artifact},
		testSubjects(),
		{{Name: "c", Digest: map[string]string{"gitCommit": commit}}, artifact},
	}
	for _, subjects := range ok {
		if _, err := Statement(subjects, testPredicate()); err != nil {
			t.Errorf("%v: %v", subjects, err)
		}
	}
}

func TestStatementPredicateRules(t *testing.T) {
	cases := map[string]func(*Predicate){
		"no verifier id":      func(p *Predicate) { p.Verifier.ID = "" },
		"no time":             func(p *Predicate) { p.TimeVerified = time.Time{} },
		"no policy uri":       func(p *Predicate) { p.Policy.URI = "" },
		"bad result":          func(p *Predicate) { p.VerificationResult = "passed" },
		"score above 100":     func(p *Predicate) { p.Score = 101 },
		"negative score":      func(p *Predicate) { p.Score = -1 },
		"no report digest":    func(p *Predicate) { p.Findings.Report.Digest = nil },
		"resourceUri no purl": func(p *Predicate) { p.ResourceURI = "https://www.npmjs.com/package/x" },
		"policy digest algo":  func(p *Predicate) { p.Policy.Digest = map[string]string{"md5": strings.Repeat("0", 32)} },
		"rules digest hex":    func(p *Predicate) { p.RulesDigest = map[string]string{"sha256": "sha256:" + hexA} },
		"pin digest":          func(p *Predicate) { p.ToolPin.SHA256 = "x" },
		"tool digest":         func(p *Predicate) { p.ToolPin.Tools[1].SHA256 = strings.ToUpper(hexA) },
		"database digest":     func(p *Predicate) { p.Engines[0].Databases[0].SHA256 = hexA[:10] },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			p := testPredicate()
			mutate(&p)
			if _, err := Statement(testSubjects(), p); !errors.Is(err, ErrInvalidPredicate) {
				t.Errorf("err = %v, want ErrInvalidPredicate", err)
			}
		})
	}
	// A failed certification with no tier, pin or engines is still a valid
	// predicate.
	p := testPredicate()
	p.VerificationResult, p.Tier, p.Score, p.ToolPin, p.Engines = ResultFailed, "", 0, nil, nil
	if _, err := Statement(testSubjects(), p); err != nil {
		t.Error(err)
	}
}
