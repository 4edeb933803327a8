package capabilities_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/analyzers/capabilities"
)

// uses runs the analyzer over files written to a temporary workspace and
// returns its uses as "capability api line" strings.
func uses(t *testing.T, files map[string]string) ([]string, *capabilities.Result, int) {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, eng := inventory(t, dir)
	var out []string
	for _, u := range res.Uses {
		out = append(out, fmt.Sprintf("%s %s %03d", u.Capability, u.API, u.Pos.StartLine))
	}
	return out, res, len(eng.Gaps)
}

type snippet struct {
	name string
	file string
	src  string
	want []string // "capability api line", line as three digits
}

func check(t *testing.T, cases []snippet) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, _, gaps := uses(t, map[string]string{tc.file: tc.src})
			if !slices.Equal(got, tc.want) {
				t.Errorf("uses\n  %q\nwant\n  %q", got, tc.want)
			}
			if gaps > 0 {
				t.Errorf("%d gaps", gaps)
			}
		})
	}
}

func TestJavaScript(t *testing.T) {
	check(t, []snippet{
		{"esm named alias node prefix", "a.ts", `import { exec as run, spawn } from "node:child_process";
run("ls");
spawn("git", ["status"]);
`, []string{"process-exec child_process.exec 002", "process-exec child_process.spawn 003"}},
		{"namespace import", "a.mjs", `import * as cp from "child_process";
cp.execFile("ls");
`, []string{"process-exec child_process.execFile 002"}},
		{"default import and fs/promises", "a.js", `import fs from "fs/promises";
await fs.readFile("a");
await fs.writeFile("b", "x");
`, []string{"filesystem-read fs.readFile 002", "filesystem-write fs.writeFile 003"}},
		{"require destructuring with rename", "a.cjs", `const { execSync: sh, fork } = require("child_process");
const fs = require("fs");
sh("make");
fs.appendFileSync("log", "x");
`, []string{"process-exec child_process.execSync 003", "filesystem-write fs.appendFileSync 004"}},
		{"tsc interop", "dist/a.js", `"use strict";
const axios_1 = __importDefault(require("axios"));
const child_process_1 = require("child_process");
axios_1.default.get("https://x");
(0, child_process_1.exec)("ls");
`, []string{"network-egress axios.get 004", "process-exec child_process.exec 005"}},
		{"inline require", "a.js", `require("https").request("https://x");
`, []string{"network-egress https.request 001"}},
		{"globals", "a.js", `const r = await fetch("https://x");
const home = process.env.HOME;
new WebSocket("wss://x");
process.exit(0);
`, []string{"network-egress fetch 001", "env-read process.env 002", "network-egress WebSocket 003"}},
		{"false friends", "a.ts", `function exec(cmd: string) { return cmd; }
exec("ls");
const s = "child_process";
// require("child_process").exec("rm -rf /")
const obj = { exec: (x: string) => x, fetch: 1 };
obj.exec("ls");
class Runner { exec(c: string) { return c; } }
`, nil},
		{"shadowed import and global", "a.ts", `import { exec } from "child_process";
function f(exec: (s: string) => void) { exec("x"); }
function g() { const fetch = (u: string) => u; fetch("u"); }
`, nil},
		{"fs.open modes", "a.js", `const fs = require("fs");
fs.open("a", (e, fd) => {});
fs.open("a", "w", () => {});
fs.open("a", "r+", () => {});
fs.open("a", mode, () => {});
`, []string{"filesystem-read fs.open 002", "filesystem-write fs.open 003",
			"filesystem-read fs.open 004", "filesystem-write fs.open 004", "filesystem-read fs.open 005", "filesystem-write fs.open 005"}},
		{"execa shelljs undici net", "a.mjs", `import { execa } from "execa";
import shell from "shelljs";
import { request } from "undici";
import net from "node:net";
await execa("ls");
shell.exec("ls");
shell.rm("-rf", "x");
await request("https://x");
net.connect(80, "x");
`, []string{"process-exec execa.execa 005", "process-exec shelljs.exec 006", "filesystem-write shelljs.rm 007",
			"network-egress undici.request 008", "network-egress net.connect 009"}},
		{"type-only import", "a.ts", `import type { ChildProcess } from "child_process";
let p: ChildProcess;
`, nil},
	})
}

func TestPython(t *testing.T) {
	check(t, []snippet{
		{"subprocess aliases", "srv.py", `import subprocess as sp
from subprocess import run as r, Popen
sp.check_output(["ls"])
r(["ls"])
Popen("ls", shell=True)
`, []string{"process-exec subprocess.check_output 003", "process-exec subprocess.run 004", "process-exec subprocess.Popen 005"}},
		{"os and asyncio", "srv.py", `import os, asyncio
os.system("ls")
os.execvp("ls", ["ls"])
await asyncio.create_subprocess_exec("ls")
x = os.environ["HOME"]
y = os.getenv("X")
os.makedirs("d")
`, []string{"process-exec os.system 002", "process-exec os.execvp 003", "process-exec asyncio.create_subprocess_exec 004",
			"env-read os.environ 005", "env-read os.getenv 006", "filesystem-write os.makedirs 007"}},
		{"open modes", "srv.py", `open("a")
open("a", "w")
open("a", mode="rb")
open("a", "r+")
open("a", m)
with open(p, "a", encoding="utf-8") as f: pass
`, []string{"filesystem-read open 001", "filesystem-write open 002", "filesystem-read open 003",
			"filesystem-read open 004", "filesystem-write open 004", "filesystem-read open 005", "filesystem-write open 005",
			"filesystem-write open 006"}},
		{"pathlib and shutil", "srv.py", `from pathlib import Path
import shutil
Path("a").read_text()
Path("b").write_text("x")
shutil.rmtree("d")
"a-b".replace("-", "_")
`, []string{"filesystem-read pathlib.Path.read_text 003", "filesystem-write pathlib.Path.write_text 004", "filesystem-write shutil.rmtree 005"}},
		{"network", "srv.py", `import requests, httpx, socket
from urllib.request import urlopen as fetch
import urllib.request
import aiohttp
requests.post("https://x")
httpx.Client()
fetch("https://x")
urllib.request.urlopen("https://x")
aiohttp.ClientSession()
socket.create_connection(("x", 80))
`, []string{"network-egress requests.post 005", "network-egress httpx.Client 006", "network-egress urllib.request.urlopen 007",
			"network-egress urllib.request.urlopen 008", "network-egress aiohttp.ClientSession 009", "network-egress socket.create_connection 010"}},
		{"env from import", "srv.py", `from os import environ as env, getenv
a = env.get("A")
b = getenv("B")
`, []string{"env-read os.environ 002", "env-read os.getenv 003"}},
		{"false friends", "srv.py", `def open(p):
    return p
open("x", "w")
def run(cmd):
    return cmd
run("ls")
s = "import subprocess; subprocess.run('ls')"
import webbrowser
webbrowser.open("https://x")
`, nil},
		{"shadowing parameter", "srv.py", `import subprocess
def f(subprocess):
    subprocess.run("x")
`, nil},
		{"shadowing typed star parameter", "srv.py", `import subprocess
def f(*subprocess: str):
    subprocess.run("x")
`, nil},
		{"sqlite modes", "srv.py", `import sqlite3
sqlite3.connect("file:db?mode=ro", uri=True)
sqlite3.connect(":memory:")
sqlite3.connect(path)
`, []string{"filesystem-read sqlite3.connect 002", "filesystem-read sqlite3.connect 004", "filesystem-write sqlite3.connect 004"}},
	})
}

func TestGo(t *testing.T) {
	check(t, []snippet{
		{"aliases and flags", "main.go", `package main

import (
	"net/http"
	x "os/exec"
	"os"
	"net"
)

func main() {
	x.Command("ls").Run()
	os.OpenFile("a", os.O_WRONLY|os.O_CREATE, 0o600)
	os.OpenFile("a", os.O_RDONLY, 0)
	_ = os.Getenv("A")
	_, _ = os.LookupEnv("B")
	http.Get("https://x")
	c := &http.Client{}
	_ = c
	net.Dial("tcp", "x:80")
	os.Remove("a")
}

func typesOnly(c *http.Client) {}
`, []string{"process-exec os/exec.Command 011", "filesystem-write os.OpenFile 012", "filesystem-read os.OpenFile 013",
			"env-read os.Getenv 014", "env-read os.LookupEnv 015", "network-egress net/http.Get 016",
			"network-egress net/http.Client 017", "network-egress net.Dial 019", "filesystem-write os.Remove 020"}},
		{"shadowed package name", "main.go", `package main

import "os"

type fake struct{}

func (fake) Getenv(string) string { return "" }

func main() {
	os := fake{}
	_ = os.Getenv("A")
}
`, nil},
		{"dot import", "main.go", `package main

import . "os"

func main() { _ = ReadFile }
`, []string{"filesystem-read os.ReadFile 005"}},
	})
}

// TestSkipped: dependencies and tests are not inventoried.
func TestSkipped(t *testing.T) {
	got, _, _ := uses(t, map[string]string{
		"node_modules/x/index.js": `require("child_process").exec("ls")`,
		"vendor/x/x.go":           "package x\nimport \"os\"\nvar _ = os.Getenv",
		"src/a.test.ts":           `require("child_process").exec("ls")`,
		"__tests__/a.js":          `require("child_process").exec("ls")`,
		"tests/test_a.py":         "import os\nos.system('x')\n",
		"test_b.py":               "import os\nos.system('x')\n",
		"a_test.go":               "package a\nimport \"os\"\nvar _ = os.Getenv",
		"dist/index.js":           `process.env.X`,
	})
	if want := []string{"env-read process.env 001"}; !slices.Equal(got, want) {
		t.Errorf("uses %q, want %q", got, want)
	}
}

// TestGaps: a file that cannot be parsed is a gap, never silence.
func TestGaps(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"go":     {"main.go": "package main\nfunc {"},
		"python": {"a.py": "import os\ndef f(:\n  os.system('x')\n"},
		"ts":     {"a.ts": "import fs from 'fs';\nconst = ;\n"},
		"lexed":  {"big.js": "require('fs').readFileSync('a');" + strings.Repeat("x;", 200<<10) + "'unterminated"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, gaps := uses(t, files); gaps == 0 {
				t.Error("no gap")
			}
		})
	}
}

// TestHostileInput: invalid UTF-8, binary content and deep nesting end in
// uses or gaps, never in a panic or a failed engine (inventory checks the
// outcome).
func TestHostileInput(t *testing.T) {
	deep := 5000
	files := map[string]string{
		"bad.js":      "const fs = require('fs');\xff\xfe fs.readFileSync('\xc3\x28');",
		"bad.py":      "import os\nos.getenv('\xff')\n\xfe\xfe = 1\n",
		"bad.go":      "package main\nimport \"os\"\nvar _ = os.Getenv(\"\xff\")\n",
		"bin.js":      "\x00\x01\x02require('fs')\x00",
		"deep.js":     "process.env.X;" + strings.Repeat("(", deep) + "fetch(u)" + strings.Repeat(")", deep),
		"deep.py":     "import os\nx = " + strings.Repeat("[", deep) + "os.system('x')" + strings.Repeat("]", deep) + "\n",
		"deep.go":     "package main\nimport \"os\"\nvar _ = " + strings.Repeat("(", deep) + "os.Getenv(\"A\")" + strings.Repeat(")", deep) + "\n",
		"dist/big.js": "var a=require('fs');" + strings.Repeat("{[(", 100<<10) + "a.rmSync(x)",
	}
	_, res, _ := uses(t, files)
	if len(res.Uses) == 0 {
		t.Error("no uses at all")
	}
}
