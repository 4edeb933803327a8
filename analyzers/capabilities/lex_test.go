package capabilities

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
)

func newTestCollector(gaps *int) *collector {
	return &collector{
		pass:   &analysis.Pass{Gap: func(analysis.Gap) { *gaps++ }},
		perAPI: map[string]int{}, file: "dist/bundle.js", lang: "javascript",
	}
}

func describe(us []Use) []string {
	var out []string
	for _, u := range sortUses(us) {
		out = append(out, fmt.Sprintf("%s %s %d:%d", u.Capability, u.API, u.Pos.StartLine, u.Pos.StartCol))
	}
	return out
}

// TestLexer: the lexed path (bundles) finds what the parsed path finds,
// minified or not, and is not fooled by strings, comments, regular
// expressions, templates, object keys and method definitions.
func TestLexer(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"minified esm", `import{exec as e,spawn}from"node:child_process";import*as f from"fs";e("ls");f.writeFileSync("a","b")`,
			[]string{"process-exec child_process.exec 1:70", "filesystem-write fs.writeFileSync 1:78"}},
		{"esbuild cjs", `var import_fs=__toESM(require("fs")),import_cp=require("child_process");(0,import_fs.default.readFileSync)("a");(0,import_cp.spawn)("x")`,
			[]string{"filesystem-read fs.readFileSync 1:76", "process-exec child_process.spawn 1:116"}},
		{"destructuring", "const {execSync:sh,fork}=require('child_process');\nsh('make')",
			[]string{"process-exec child_process.execSync 2:1"}},
		{"not code", "var s=\"require('child_process').exec('x')\";/* require('fs').writeFileSync() */var r=/require\\(\"fs\"\\)/g;// fetch(x)\nvar t=`fetch ${x} require(\"net\")`",
			nil},
		{"template substitution", "var t=`a ${fetch(u)} b ${`c ${process.env.X}`}`",
			[]string{"network-egress fetch 1:12", "env-read process.env 1:31"}},
		{"keys and methods", `import{exec}from"child_process";var o={exec:1};class A{exec(c){return c}}o.exec(1)`, nil},
		{"globals and modes", `globalThis.fetch(u);process.env["HOME"];const fs=require("fs");fs.open("a","w",cb);fs.open("a",()=>{})`,
			[]string{"network-egress fetch 1:1", "env-read process.env 1:21", "filesystem-write fs.open 1:64", "filesystem-read fs.open 1:84"}},
		{"division is no regex", `var a=b/2,c=require("fs").readFileSync(x)/3;`,
			[]string{"filesystem-read fs.readFileSync 1:13"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gaps := 0
			c := newTestCollector(&gaps)
			c.jsLex([]byte(tc.src))
			if got := describe(c.uses); !slices.Equal(got, tc.want) {
				t.Errorf("uses\n  %q\nwant\n  %q", got, tc.want)
			}
			if gaps > 0 {
				t.Errorf("%d gaps", gaps)
			}
		})
	}
}

// minifiedBundle builds a one-line bundle of about size bytes in the shape
// esbuild --minify writes, with a few capability uses in it.
func minifiedBundle(size int) []byte {
	var b strings.Builder
	b.WriteString(`import{exec as Xe}from"node:child_process";var Qt=__toESM(require("fs"));`)
	chunk := `function k(e,t){if(e==null)return t/2;let n=/[a-z]+\/(x|y)*/gi.test(e)?"a\"b":'c\'d';for(const r of e.split(","))n+=` +
		"`${r}-${t.map(o=>o*2).join(\"|\")}`" + `;return{key:n,exec:1,[e]:t?.x??0}}var z=k("a",[1,2]),w=z.key.length>3&&z.exec!==2;`
	for i := 0; b.Len() < size; i++ {
		b.WriteString(chunk)
		if i%5000 == 0 {
			b.WriteString(`Xe("ls");Qt.default.writeFileSync("a","b");fetch(u);process.env.HOME;`)
		}
	}
	return []byte(b.String())
}

func TestMinifiedBundle(t *testing.T) {
	gaps := 0
	c := newTestCollector(&gaps)
	src := minifiedBundle(5 << 20)
	if err := c.js(context.Background(), "dist/bundle.js", src); err != nil {
		t.Fatal(err)
	}
	r := &Result{Uses: sortUses(c.uses)}
	if got, want := r.Capabilities(), []string{EnvRead, FilesystemWrite, NetworkEgress, ProcessExec}; !slices.Equal(got, want) {
		t.Errorf("capabilities %v, want %v", got, want)
	}
	if gaps > 0 {
		t.Errorf("%d gaps", gaps)
	}
	if n := len(r.Uses); n > 4*maxPerAPI {
		t.Errorf("%d uses kept, more than %d per API", n, maxPerAPI)
	}
}

// BenchmarkMinifiedBundle5MB: a 5 MB minified bundle must take well under
// a second.
func BenchmarkMinifiedBundle5MB(b *testing.B) {
	src := minifiedBundle(5 << 20)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		gaps := 0
		c := newTestCollector(&gaps)
		if err := c.js(context.Background(), "dist/bundle.js", src); err != nil {
			b.Fatal(err)
		}
	}
}
