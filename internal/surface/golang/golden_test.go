package golang

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the want.json files in testdata")

// TestGolden extracts each module (a directory with a go.mod) under testdata and compares the
// projection of its surface with want.json.
func TestGolden(t *testing.T) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join("testdata", e.Name(), "go.mod")); err != nil {
			continue // not a case (the fuzz corpus)
		}
		n++
		t.Run(e.Name(), func(t *testing.T) {
			dir := filepath.Join("testdata", e.Name())
			got := marshal(t, project(extractDir(t, dir)))
			wantFile := filepath.Join(dir, "want.json")
			if *update {
				if err := os.WriteFile(wantFile, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("surface differs from %s (go test -update rewrites it):\n%s", wantFile, firstDiff(string(want), string(got)))
			}
		})
	}
	if n < 8 {
		t.Errorf("found %d golden cases, want at least 8", n)
	}
}

// firstDiff shows the first differing line with some context.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			lo := max(0, i-3)
			return fmt.Sprintf("line %d", i+1) + ":\n  context:\n    " + strings.Join(gl[lo:i], "\n    ") + "\n  want: " + w + "\n  got:  " + g
		}
	}
	return ""
}
