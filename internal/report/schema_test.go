package report_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/schematest"
)

func TestReportSchema(t *testing.T) {
	sch := schematest.Compile(t, "../../docs/report.schema.json")
	for name, r := range map[string]*report.Report{"populated": populatedReport(), "minimal": minimalReport()} {
		if err := sch.Validate(schematest.Instance(t, render(t, "json", r, report.Options{}))); err != nil {
			t.Errorf("%s report does not match docs/report.schema.json: %v", name, err)
		}
	}
}

// The fixture must exercise every field, or the schema test above proves
// less than it seems: every field of the schema appears in the populated
// report.
func TestReportSchemaCoverage(t *testing.T) {
	var schema struct {
		Properties map[string]json.RawMessage `json:"properties"`
		Defs       map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"$defs"`
	}
	data, err := os.ReadFile("../../docs/report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				seen[k] = true
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	var doc any
	if err := json.Unmarshal(render(t, "json", populatedReport(), report.Options{}), &doc); err != nil {
		t.Fatal(err)
	}
	walk(doc)
	check := func(where string, props map[string]json.RawMessage) {
		for name := range props {
			if !seen[name] {
				t.Errorf("%s.%s: not set in the populated fixture", where, name)
			}
		}
	}
	check("report", schema.Properties)
	for def, d := range schema.Defs {
		check(def, d.Properties)
	}
}

func TestReportSchemaRejects(t *testing.T) {
	sch := schematest.Compile(t, "../../docs/report.schema.json")
	cases := map[string]func(m map[string]any){
		"bad status":       func(m map[string]any) { m["status"] = "done" },
		"unknown field":    func(m map[string]any) { m["score"] = 97 },
		"missing findings": func(m map[string]any) { delete(m, "findings") },
		"bad severity": func(m map[string]any) {
			m["findings"].([]any)[0].(map[string]any)["severity"] = "severe"
		},
		"bad outcome": func(m map[string]any) {
			m["engines"].([]any)[0].(map[string]any)["outcome"] = "skipped"
		},
		"line zero": func(m map[string]any) {
			m["findings"].([]any)[1].(map[string]any)["location"].(map[string]any)["startLine"] = 0
		},
		"secret with extra field": func(m map[string]any) {
			m["findings"].([]any)[1].(map[string]any)["secret"].(map[string]any)["value"] = "x"
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(render(t, "json", populatedReport(), report.Options{}), &m); err != nil {
				t.Fatal(err)
			}
			mutate(m)
			data, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(schematest.Instance(t, data)); err == nil {
				t.Error("invalid report accepted by the schema")
			}
		})
	}
}
