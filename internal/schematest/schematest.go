// Package schematest compiles JSON Schemas for tests, strictly offline: a
// schema is registered under its own ID and any other URL is refused, so a
// test can never pass by fetching something.
package schematest

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

type offline struct{}

func (offline) Load(url string) (any, error) {
	return nil, fmt.Errorf("refusing to load %s: schemas are resolved offline", url)
}

// Compile compiles the schema file at path, registered under its $id (or
// draft-04 id), asserting formats (date-time, uri, …).
func Compile(t testing.TB, path string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	obj, _ := doc.(map[string]any)
	id, _ := obj["$id"].(string)
	if id == "" {
		id, _ = obj["id"].(string)
	}
	if id == "" {
		t.Fatalf("%s: schema has no $id", path)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(offline{})
	c.AssertFormat()
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(id)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return sch
}

// Instance parses a JSON document for validation.
func Instance(t testing.TB, data []byte) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return v
}
