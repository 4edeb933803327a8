package golang

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/internal/surface"
)

// FuzzExtract feeds arbitrary source, as a main package and as a package it
// may import, with go:embed targets present: Extract must not panic, and
// its surface must be well-formed and serialisable.
func FuzzExtract(f *testing.F) {
	for _, root := range []string{"testdata", filepath.Join("..", "..", "..", "fixtures", "servers")} {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".go") {
				if data, err := os.ReadFile(p); err == nil {
					f.Add(data)
				}
			}
			return nil
		})
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		files := map[string][]byte{
			"go.mod":     []byte("module example.com/f\n"),
			"main.go":    src,
			"lib/lib.go": src,
			"doc.md":     src,
		}
		source := surface.Source{
			Files: []surface.File{{Path: "main.go", Content: src}, {Path: "lib/lib.go", Content: src}},
			ReadFile: func(p string) ([]byte, error) {
				if c, ok := files[p]; ok {
					return c, nil
				}
				return nil, fs.ErrNotExist
			},
		}
		s, err := Extract(context.Background(), source)
		if err != nil {
			t.Fatal(err)
		}
		for _, tl := range s.Tools {
			switch tl.Resolution {
			case surface.Resolved, surface.Partial, surface.Unresolved:
			default:
				t.Fatalf("tool %q has resolution %q", tl.Name.Value, tl.Resolution)
			}
			if tl.Pattern == "" || tl.Pos.Path == "" {
				t.Fatalf("tool %q without pattern or position", tl.Name.Value)
			}
		}
		if _, err := json.Marshal(s); err != nil {
			t.Fatal(err)
		}
	})
}
