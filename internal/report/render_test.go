package report_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/internal/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func render(t *testing.T, format string, r *report.Report, opts report.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := report.Write(&buf, format, r, opts); err != nil {
		t.Fatalf("Write(%s): %v", format, err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	cases := []struct {
		name, format string
		color        bool
	}{
		{"json", "json", false},
		{"sarif", "sarif", false},
		{"markdown", "markdown", false},
		{"text", "text", false},
		{"text-color", "text", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := render(t, c.format, populatedReport(), report.Options{Rules: testRules(), Color: c.color})
			path := filepath.Join("testdata", c.name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run go test -update if the change is intended)\ngot:\n%s", path, got)
			}
		})
	}
}

// Output must not depend on map iteration or on the order of the rule
// descriptors the caller passes.
func TestDeterministic(t *testing.T) {
	for _, format := range report.Formats() {
		first := render(t, format, populatedReport(), report.Options{Rules: testRules()})
		for range 5 {
			rs := testRules()
			slices.Reverse(rs)
			if again := render(t, format, populatedReport(), report.Options{Rules: rs}); !bytes.Equal(first, again) {
				t.Fatalf("%s: two renders differ", format)
			}
		}
	}
}

// Write and Canonical must leave the report as they found it, nil
// collections included (reflect.DeepEqual tells nil from empty).
func TestWriteDoesNotModifyReport(t *testing.T) {
	for _, fixture := range []func() *report.Report{populatedReport, minimalReport} {
		r := fixture()
		for _, format := range report.Formats() {
			render(t, format, r, report.Options{Rules: testRules(), Color: true})
		}
		if _, err := report.Canonical(r); err != nil {
			t.Fatal(err)
		}
		if want := fixture(); !reflect.DeepEqual(r, want) {
			t.Errorf("report modified by rendering:\n got %+v\nwant %+v", r, want)
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	err := report.Write(&bytes.Buffer{}, "xml", minimalReport(), report.Options{})
	if err == nil {
		t.Fatal("no error for an unknown format")
	}
	for _, f := range report.Formats() {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not list format %q", err, f)
		}
	}
	if err := report.Write(&bytes.Buffer{}, "json", nil, report.Options{}); err == nil {
		t.Error("no error for a nil report")
	}
}

func TestFormats(t *testing.T) {
	if got, want := report.Formats(), []string{"text", "json", "sarif", "markdown"}; !slices.Equal(got, want) {
		t.Errorf("Formats() = %v, want %v", got, want)
	}
}

// Canonical is what digests cover: it must be the compacted JSON report, and
// a report read back from JSON must have the same digest.
func TestCanonical(t *testing.T) {
	for _, r := range []*report.Report{populatedReport(), minimalReport()} {
		canon, err := report.Canonical(r)
		if err != nil {
			t.Fatal(err)
		}
		pretty := render(t, "json", r, report.Options{})
		if !bytes.HasSuffix(pretty, []byte("}\n")) || !bytes.Contains(pretty, []byte("\n  \"tool\": {")) {
			t.Errorf("json output is not 2-space indented with a trailing newline:\n%s", pretty)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, pretty); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(canon, compact.Bytes()) {
			t.Errorf("Canonical differs from the compacted json output:\n%s\n%s", canon, compact.Bytes())
		}
		var back report.Report
		if err := json.Unmarshal(canon, &back); err != nil {
			t.Fatal(err)
		}
		again, err := report.Canonical(&back)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(canon, again) {
			t.Errorf("Canonical changed across a JSON round trip:\n%s\n%s", canon, again)
		}
	}
}

func TestMinimalRendersEmptyCollections(t *testing.T) {
	out := string(render(t, "json", minimalReport(), report.Options{}))
	for _, want := range []string{`"findings": []`, `"engines": []`, `"digests": {}`} {
		if !strings.Contains(out, want) {
			t.Errorf("json output lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "null") {
		t.Errorf("json output contains null:\n%s", out)
	}
}
