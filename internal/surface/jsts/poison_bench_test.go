package jsts_test

import (
	"context"
	"testing"

	"github.com/mcpcert/mcpcert/analyzers/toolpoison"
	"github.com/mcpcert/mcpcert/internal/surface/jsts"
	"github.com/mcpcert/mcpcert/rules"
)

// BenchmarkExtractAndPoisonBundle measures what the issue bounds at one
// second: extracting the tool surface of a 5 MB bundled dist/index.js and
// checking every string of it for tool poisoning.
func BenchmarkExtractAndPoisonBundle(b *testing.B) {
	data := jsts.GenBundle(5<<20, 40)
	src := jsts.BundleSource(data)
	set := rules.MustDefault()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		s, err := jsts.Extract(context.Background(), src)
		if err != nil || len(s.Tools) != 40 {
			b.Fatalf("tools %d err %v", len(s.Tools), err)
		}
		if _, err := toolpoison.Detect(s, nil, set); err != nil {
			b.Fatal(err)
		}
	}
}
