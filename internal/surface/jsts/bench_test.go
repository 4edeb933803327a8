package jsts

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mcpcert/mcpcert/internal/surface"
)

// genBundle builds an esbuild-style dist/index.js of about size bytes: the
// runtime helpers, CommonJS dependencies wrapped in __commonJS, hoisted ESM
// modules (classes, functions, data tables, an inlined zod namespace), a
// minified vendor section, and at the end the server itself with nTools
// tools, half of them from a table.
func genBundle(size, nTools int) []byte {
	var b strings.Builder
	b.WriteString(`#!/usr/bin/env node
"use strict";
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __commonJS = (cb, mod) => function __require() {
  return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var external_exports = {};
__export(external_exports, { string: () => string, object: () => object, number: () => number });
`)
	for i := 0; b.Len() < size; i++ {
		switch i % 4 {
		case 0: // a CommonJS dependency
			fmt.Fprintf(&b, `
// node_modules/dep%[1]d/lib/index.js
var require_dep%[1]d = __commonJS({
  "node_modules/dep%[1]d/lib/index.js"(exports2, module2) {
    "use strict";
    var util = require("util");
    function parse%[1]d(input, options) {
      if (typeof input !== "string") {
        throw new TypeError("dep%[1]d: expected a string, got " + typeof input);
      }
      const out = [];
      for (let i = 0; i < input.length; i++) {
        const ch = input.charCodeAt(i);
        if (ch === 47 && input[i + 1] === "/") {
          while (i < input.length && input[i] !== "\n") i++;
          continue;
        }
        out.push({ ch, at: i, re: /[a-z]+\/{2}/g.test(input) });
      }
      return options && options.reverse ? out.reverse() : out;
    }
    module2.exports = { parse%[1]d, version: "%[1]d.0.0", template: `+"`${util.format(\"%%s\", 1)} {x}`"+` };
  }
});
`, i)
		case 1: // a hoisted ESM module with a class
			fmt.Fprintf(&b, `
// node_modules/pkg%[1]d/dist/index.mjs
var Client%[1]d = class extends EventTarget {
  #cache = new Map();
  constructor(opts = {}) {
    super();
    this.opts = { retries: 3, timeout: 1e4, ...opts };
  }
  async request(path, init) {
    const key = `+"`${init?.method ?? \"GET\"} ${path}`"+`;
    if (this.#cache.has(key)) return this.#cache.get(key);
    for (let attempt = 0; attempt <= this.opts.retries; attempt++) {
      try {
        const res = await fetch(this.opts.base + path, { ...init, signal: AbortSignal.timeout(this.opts.timeout) });
        if (!res.ok) throw new Error(`+"`pkg%[1]d: HTTP ${res.status}`"+`);
        const body = await res.json();
        this.#cache.set(key, body);
        return body;
      } catch (err) {
        if (attempt === this.opts.retries) throw err;
        await new Promise((r) => setTimeout(r, 2 ** attempt * 100));
      }
    }
  }
  get size() { return this.#cache.size; }
};
function helper%[1]d(a, b = 2, ...rest) {
  return rest.reduce((acc, x) => acc + x, a * b) / (rest.length || 1);
}
`, i)
		case 2: // data tables
			fmt.Fprintf(&b, "\n// src/data/table%d.ts\nvar TABLE_%d = [\n", i, i)
			for j := 0; j < 20; j++ {
				fmt.Fprintf(&b, "  { id: %d, code: \"C%d_%d\", label: \"Label %d of table %d\", weight: %d.5, tags: [\"a\", \"b\"] },\n", j, i, j, j, i, j)
			}
			b.WriteString("];\n")
		case 3: // minified vendor code
			fmt.Fprintf(&b, "var v%[1]d=function(){var e={},t=function(n){return n&&n.__esModule?n:{default:n}};function r(n,o){for(var i=0;i<o.length;i++){var a=o[i];a.enumerable=a.enumerable||!1,a.configurable=!0,\"value\"in a&&(a.writable=!0),Object.defineProperty(n,a.key,a)}}return e.k%[1]d=function(n){return n.replace(/[\\\\^$.*+?()[\\]{}|]/g,\"\\\\$&\")},e.t=t,e.r=r,e}();\n", i)
		}
	}
	b.WriteString(`
// src/tools/table.ts
var TABLE_TOOLS = [
`)
	for i := 0; i < nTools/2; i++ {
		fmt.Fprintf(&b, "  { name: \"table_tool_%d\", description: \"Table tool %d: \" + \"looks things up.\", schema: { id: external_exports.string().describe(\"Record id %d\") } },\n", i, i, i)
	}
	b.WriteString(`];

// src/index.ts
var import_mcp = require("@modelcontextprotocol/sdk/server/mcp.js");
var import_zod = require("zod");
var server = new import_mcp.McpServer({ name: "bundle", version: "1.0.0" }, { instructions: "Generated bundle." });
for (const t of TABLE_TOOLS) {
  server.registerTool(t.name, { description: t.description, inputSchema: t.schema }, async ({ id }) => ({ content: [{ type: "text", text: id }] }));
}
`)
	for i := nTools / 2; i < nTools; i++ {
		fmt.Fprintf(&b, `server.tool("tool_%[1]d", `+"`Tool %[1]d does things.`"+`, {
  query: import_zod.z.string().describe("Query for tool %[1]d"),
  limit: (0, import_zod.number)().int().optional(),
}, async ({ query }) => {
  if (!query) throw new Error("query is required");
  return { content: [{ type: "text", text: "Done %[1]d." }] };
});
`, i)
	}
	return []byte(b.String())
}

func bundleSource(data []byte) surface.Source {
	return surface.Source{Files: []surface.File{{Path: "dist/index.js", Content: data}}}
}

// TestLargeBundle checks that a 5 MB bundle is read through the masked
// path and still yields every tool.
func TestLargeBundle(t *testing.T) {
	const nTools = 40
	data := genBundle(5<<20, nTools)
	start := time.Now()
	s, err := Extract(context.Background(), bundleSource(data))
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	t.Logf("%d bytes in %v", len(data), elapsed)
	if len(s.Tools) != nTools {
		t.Fatalf("got %d tools, want %d; gaps %v", len(s.Tools), nTools, s.Gaps)
	}
	for i, tl := range s.Tools {
		want := fmt.Sprintf("Table tool %d: looks things up.", i)
		if i >= nTools/2 {
			want = fmt.Sprintf("Tool %d does things.", i)
		}
		if tl.Description == nil || tl.Description.Value != want || tl.Resolution != surface.Resolved {
			t.Errorf("tool %d: %+v", i, tl.Description)
		}
		if tl.InputSchema == nil || len(tl.InputSchema.Properties) == 0 || tl.InputSchema.Properties[0].Schema.Description == nil {
			t.Errorf("tool %d: schema %+v", i, tl.InputSchema)
		}
	}
	if len(s.Instructions) != 1 || s.Instructions[0].Value != "Generated bundle." {
		t.Errorf("instructions %+v", s.Instructions)
	}
	last := s.Tools[nTools-1]
	if !last.HandlerKnown || len(last.Outputs) != 2 {
		t.Errorf("last tool handler: known %v outputs %+v", last.HandlerKnown, last.Outputs)
	}
	// A generous bound, far above the benchmark's figure, against a
	// regression to parsing the whole file (several seconds).
	if elapsed > 3*time.Second {
		t.Errorf("extraction took %v", elapsed)
	}
}

func BenchmarkExtractBundle(b *testing.B) {
	data := genBundle(5<<20, 40)
	src := bundleSource(data)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := Extract(context.Background(), src)
		if err != nil || len(s.Tools) != 40 {
			b.Fatalf("tools %d err %v", len(s.Tools), err)
		}
	}
}
