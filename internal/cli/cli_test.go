package cli_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mcpcert/mcpcert/internal/cli"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/schematest"
)

const (
	fixtures = "../../fixtures"
	leaky    = fixtures + "/servers/ts-weather-leaky"
	osvdb    = fixtures + "/osvdb"
)

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), args, cli.Streams{Out: &out, Err: &errb})
	return result{code, out.String(), errb.String()}
}

func TestExitCodes(t *testing.T) {
	hostile := hostileArchive(t)
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"findings above threshold", []string{"scan", leaky, "--offline", "--osv-db", osvdb}, cli.ExitFindings, ""},
		{"nothing at or above critical+none", []string{"scan", fixtures + "/servers/ts-notes", "--offline", "--osv-db", osvdb, "--fail-on", "critical"}, cli.ExitOK, ""},
		{"fail-on none, complete", []string{"scan", leaky, "--offline", "--osv-db", osvdb, "--fail-on", "none"}, cli.ExitOK, ""},
		{"missing ecosystem db is incomplete", []string{"scan", leaky, "--offline", "--osv-db", onlyEcosystem(t, "PyPI"), "--fail-on", "none"}, cli.ExitIncomplete, "incomplete"},
		{"offline without db", []string{"scan", leaky, "--offline"}, cli.ExitUsage, "--osv-db"},
		{"bad format", []string{"scan", leaky, "--format", "xml"}, cli.ExitUsage, "--format"},
		{"bad fail-on", []string{"scan", leaky, "--fail-on", "severe"}, cli.ExitUsage, "--fail-on"},
		{"missing source", []string{"scan", filepath.Join(t.TempDir(), "nope"), "--offline", "--osv-db", osvdb}, cli.ExitUsage, "nope"},
		{"hostile archive", []string{"scan", hostile, "--offline", "--osv-db", osvdb}, cli.ExitUsage, "../"},
		{"network source offline", []string{"scan", "npm:left-pad@1.3.0", "--offline", "--osv-db", osvdb}, cli.ExitUsage, "offline"},
		{"no args", []string{"scan"}, cli.ExitUsage, "argument"},
		{"unknown flag", []string{"scan", leaky, "--frobnicate"}, cli.ExitUsage, "frobnicate"},
		{"rules", []string{"rules"}, cli.ExitOK, ""},
		{"rule explained", []string{"rules", "sec002"}, cli.ExitOK, ""},
		{"unknown rule", []string{"rules", "XYZ999"}, cli.ExitUsage, "XYZ999"},
		{"version", []string{"version"}, cli.ExitOK, ""},
		{"exit codes", []string{"exit-codes"}, cli.ExitOK, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, c.args...)
			if r.code != c.code {
				t.Errorf("exit %d, want %d\nstderr:\n%s", r.code, c.code, r.stderr)
			}
			if c.stderr != "" && !strings.Contains(r.stderr, c.stderr) {
				t.Errorf("stderr lacks %q:\n%s", c.stderr, r.stderr)
			}
		})
	}
}

func TestScanFindsPlantedProblems(t *testing.T) {
	r := run(t, "scan", leaky, "--offline", "--osv-db", osvdb, "--format", "json", "--fail-on", "none")
	if r.code != cli.ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("stdout is not the JSON report: %v\n%s", err, r.stdout)
	}
	if rep.Status != report.StatusComplete {
		t.Errorf("status %s: %+v", rep.Status, rep.Engines)
	}
	rules := map[string]int{}
	for _, f := range rep.Findings {
		rules[f.RuleID]++
	}
	for _, id := range []string{"SEC001", "SEC002", "SEC003", "SEC004", "DEP001"} {
		if rules[id] == 0 {
			t.Errorf("no %s finding; got %v", id, rules)
		}
	}
	if rep.Source.Kind != "dir" || !strings.HasPrefix(rep.Source.Digests["dirhash"], "h1:") {
		t.Errorf("source identity %+v", rep.Source)
	}
	if len(rep.Dependencies) == 0 {
		t.Error("the checked dependency set is not recorded")
	}
	for _, e := range rep.Engines {
		if e.Version == "" || strings.HasSuffix(e.Version, "unknown") {
			t.Errorf("engine %s without version", e.Name)
		}
	}
}

// TestNoSecretInAnyFormat reads the planted secrets from the fixture and
// checks that no output format, nor the logs, contains any of them.
func TestNoSecretInAnyFormat(t *testing.T) {
	secrets := plantedSecrets(t)
	if len(secrets) < 4 {
		t.Fatalf("found only %d planted secrets in the fixture", len(secrets))
	}
	for _, format := range report.Formats() {
		r := run(t, "scan", leaky, "--offline", "--osv-db", osvdb, "--format", format, "--fail-on", "none", "--log-level", "debug")
		if r.code != cli.ExitOK {
			t.Fatalf("%s: exit %d: %s", format, r.code, r.stderr)
		}
		for _, s := range secrets {
			if strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s) {
				t.Errorf("%s output leaks secret %s…", format, s[:4])
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	for _, format := range report.Formats() {
		a := run(t, "scan", leaky, "--offline", "--osv-db", osvdb, "--format", format, "--fail-on", "none")
		b := run(t, "scan", leaky, "--offline", "--osv-db", osvdb, "--format", format, "--fail-on", "none")
		if a.stdout != b.stdout {
			t.Errorf("%s output differs between two runs", format)
		}
	}
}

func TestOutputFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.sarif")
	r := run(t, "scan", leaky, "--offline", "--osv-db", osvdb, "--format", "sarif", "-o", out, "--fail-on", "none")
	if r.code != cli.ExitOK || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q", r.code, r.stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil || !bytes.Contains(data, []byte(`"version": "2.1.0"`)) {
		t.Fatalf("SARIF not written: %v %.200s", err, data)
	}
}

func TestDBDownload(t *testing.T) {
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	w, _ := zw.Create("GHSA-xxxx-yyyy-zzzz.json")
	w.Write([]byte(`{"id":"GHSA-xxxx-yyyy-zzzz","modified":"2026-11-01T00:00:00Z"}`))
	zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/npm/all.zip":
			w.Write(zipped.Bytes())
		case "/PyPI/all.zip":
			w.Write([]byte("not a zip"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	r := run(t, "db", "download", "--dir", dir, "--ecosystem", "npm", "--base-url", srv.URL)
	if r.code != cli.ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "osv-scalibr", "npm", "all.zip")); err != nil {
		t.Fatal(err)
	}
	for _, eco := range []string{"PyPI", "Go"} {
		r := run(t, "db", "download", "--dir", dir, "--ecosystem", eco, "--base-url", srv.URL)
		if r.code != cli.ExitUsage {
			t.Errorf("%s: a corrupt or missing export must fail, exit %d", eco, r.code)
		}
		if _, err := os.Stat(filepath.Join(dir, "osv-scalibr", eco, "all.zip")); err == nil {
			t.Errorf("%s: a failed download left a database behind", eco)
		}
	}
}

// onlyEcosystem copies the fixture database with just one ecosystem.
func onlyEcosystem(t *testing.T, eco string) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(filepath.Join(osvdb, eco))
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, eco), 0o755)
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(osvdb, eco, e.Name()))
		os.WriteFile(filepath.Join(dir, eco, e.Name()), data, 0o644)
	}
	return dir
}

var tokenish = regexp.MustCompile(`(ghp_[A-Za-z0-9]{36}|xoxb-[0-9A-Za-z-]{20,})`)

func plantedSecrets(t *testing.T) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(leaky, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := os.ReadFile(p)
		out = append(out, tokenish.FindAllString(string(data), -1)...)
		if filepath.Base(p) == ".env" {
			for _, line := range strings.Split(string(data), "\n") {
				if _, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") && len(v) >= 16 {
					out = append(out, v)
				}
			}
		}
		return nil
	})
	return out
}

func hostileArchive(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "evil-1.0.0.tgz")
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	body := []byte("pwned")
	tw.WriteHeader(&tar.Header{Name: "package/../../evil.txt", Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg})
	tw.Write(body)
	tw.Close()
	gz.Close()
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOutputsMatchSchemas validates the JSON report of every fixture server
// against docs/report.schema.json and its SARIF against the official SARIF
// 2.1.0 schema.
func TestOutputsMatchSchemas(t *testing.T) {
	reportSchema := schematest.Compile(t, "../../docs/report.schema.json")
	sarifSchema := schematest.Compile(t, "../../docs/sarif-schema-2.1.0.json")
	servers, _ := filepath.Glob(fixtures + "/servers/*")
	for _, dir := range servers {
		for format, sch := range map[string]*jsonschema.Schema{"json": reportSchema, "sarif": sarifSchema} {
			r := run(t, "scan", dir, "--offline", "--osv-db", osvdb, "--format", format, "--fail-on", "none")
			if r.code != cli.ExitOK && r.code != cli.ExitIncomplete {
				t.Fatalf("%s: exit %d: %s", dir, r.code, r.stderr)
			}
			if err := sch.Validate(schematest.Instance(t, []byte(r.stdout))); err != nil {
				t.Errorf("%s %s: %v", filepath.Base(dir), format, err)
			}
		}
	}
}
