#!/usr/bin/env python3
"""Generate a deterministic, realistic-looking MCP server monorepo for benchmarks.

The tree looks like a mid-sized company monorepo of MCP servers: TypeScript
servers under packages/ (with a few large bundled dist/*.js files), Python
servers under python/, Go servers under go/ (its own go.mod), docs, JSON data,
and one root package-lock.json with ~300 packages that includes the vulnerable
lodash 4.17.20.

Exactly two secrets are planted (a GitHub personal access token in a
TypeScript config file and a Slack bot token in a Python settings module);
everything else is written so that gitleaks' default rules stay silent.

Usage: gen-tree.py OUTDIR [--mb 50] [--seed 1]

Only the Python standard library is used. The same seed and size always give
byte-identical output.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random
import string
import sys

MIB = 1024 * 1024

# --------------------------------------------------------------------------- vocabulary

ENTITIES = [
    "issue", "ticket", "project", "repository", "commit", "branch", "invoice", "customer",
    "order", "shipment", "forecast", "station", "calendar", "event", "contact", "document",
    "folder", "page", "database", "table", "record", "channel", "message", "thread",
    "workspace", "member", "team", "dashboard", "metric", "alert", "incident", "deployment",
    "cluster", "pod", "bucket", "object", "playlist", "track", "recipe", "ingredient",
    "booking", "flight", "hotel", "review", "product", "category", "warehouse", "report",
]
VERBS = ["get", "list", "create", "update", "delete", "search", "archive", "sync", "export",
         "import", "resolve", "assign", "summarize", "validate", "refresh", "fetch"]
FIELDS = [
    ("id", "string"), ("name", "string"), ("title", "string"), ("description", "string"),
    ("status", "string"), ("createdAt", "string"), ("updatedAt", "string"), ("ownerId", "string"),
    ("priority", "number"), ("count", "number"), ("size", "number"), ("tags", "string[]"),
    ("archived", "boolean"), ("url", "string"), ("parentId", "string"), ("position", "number"),
    ("labels", "string[]"), ("dueDate", "string"), ("score", "number"), ("visible", "boolean"),
]
ADJ = ["active", "pending", "stale", "recent", "shared", "pinned", "open", "closed", "draft",
       "primary", "default", "remote", "local", "cached", "visible"]
WORDS = (
    "the server exposes tools resources and prompts over stdio or streamable http each tool "
    "has a name a description and an input schema clients call tools with arguments that are "
    "validated before the handler runs results are returned as text content or structured "
    "content errors are reported with isError so the model can recover pagination uses an "
    "opaque cursor rate limits are respected by backing off and retrying requests are logged "
    "without their payloads configuration comes from environment variables or a config file "
    "the cache keeps recent responses for a few minutes to keep latency low"
).split()
SERVER_NAMES = [
    "github", "jira", "linear", "notion", "slack", "gdrive", "postgres", "sqlite", "weather",
    "calendar", "gmail", "sentry", "datadog", "pagerduty", "kubernetes", "s3", "spotify",
    "confluence", "zendesk", "hubspot", "stripe-reports", "airtable", "figma", "trello",
    "asana", "todoist", "obsidian", "filesystem", "fetch", "memory", "time", "maps",
]
CITIES = ["Lisbon", "Osaka", "Denver", "Nairobi", "Oslo", "Lima", "Pune", "Tallinn", "Quito",
          "Hobart", "Leeds", "Porto", "Austin", "Gdansk", "Izmir", "Recife"]

NPM_PINNED = {
    "@modelcontextprotocol/sdk": "1.29.0", "zod": "3.25.76", "zod-to-json-schema": "3.25.1",
    "express": "5.2.1", "lodash": "4.17.20", "axios": "1.13.2", "node-fetch": "2.7.0",
    "typescript": "5.9.3", "@types/node": "22.19.1", "undici-types": "6.21.0", "tsx": "4.20.6",
    "esbuild": "0.25.12", "vitest": "3.2.4", "eslint": "9.39.1", "prettier": "3.6.2",
    "dotenv": "17.2.3", "chalk": "5.6.2", "commander": "14.0.2", "debug": "4.4.3", "ms": "2.1.3",
    "yaml": "2.8.1", "semver": "7.7.3", "uuid": "13.0.0", "ws": "8.18.3", "pino": "10.1.0",
    "cross-spawn": "7.0.6", "minimatch": "10.1.1", "glob": "11.0.3", "cors": "2.8.5",
}
NPM_NAMES = """
accepts ajv ajv-formats ansi-regex ansi-styles anymatch argparse array-flatten asynckit
balanced-match base64-js binary-extensions body-parser brace-expansion braces buffer bytes
cac call-bind call-bind-apply-helpers call-bound callsites camelcase chai check-error chokidar
cli-cursor cli-spinners cliui color-convert color-name combined-stream concat-map
content-disposition content-type cookie cookie-signature core-util-is cosmiconfig data-uri-to-buffer
decamelize deep-eql deep-is define-data-property delayed-stream depd destroy diff dir-glob
dunder-proto eastasianwidth ee-first emoji-regex encodeurl end-of-stream entities env-paths
error-ex es-define-property es-errors es-module-lexer es-object-atoms escalade escape-html
escape-string-regexp eslint-scope eslint-visitor-keys espree esquery esrecurse estraverse
estree-walker esutils etag eventemitter3 events eventsource eventsource-parser execa expect-type
fast-deep-equal fast-glob fast-json-stable-stringify fast-levenshtein fast-uri fastq
fetch-blob file-entry-cache fill-range finalhandler find-up flat-cache flatted follow-redirects
foreground-child form-data formdata-polyfill forwarded fresh fs.realpath fsevents function-bind
get-caller-file get-intrinsic get-proto get-stream get-tsconfig glob-parent globals globby gopd
graceful-fs has-flag has-property-descriptors has-symbols has-tostringtag hasown hono
http-errors human-signals iconv-lite ieee754 ignore import-fresh imurmurhash inflight inherits
ip-address ipaddr.js is-binary-path is-extglob is-fullwidth-code-point is-glob is-number
is-promise is-stream isexe jackspeak jose js-tokens js-yaml json-buffer json-parse-even-better-errors
json-schema-traverse json-schema-typed json-stable-stringify-without-jsonify keyv levn
lines-and-columns locate-path lodash.merge loupe lru-cache magic-string math-intrinsics
media-typer merge-descriptors merge-stream merge2 methods micromatch mime mime-db mime-types
mimic-fn minimist minipass mkdirp nanoid natural-compare negotiator node-domexception
normalize-path npm-run-path object-assign object-inspect on-finished once onetime optionator
p-limit p-locate package-json-from-dist parent-module parse-json parseurl path-exists
path-is-absolute path-key path-parse path-scurry path-to-regexp path-type pathe pathval
picocolors picomatch pkce-challenge postcss prelude-ls process-nextick-args proxy-addr
punycode qs queue-microtask range-parser raw-body readable-stream readdirp require-directory
require-from-string resolve resolve-from resolve-pkg-maps restore-cursor reusify rimraf rollup
router run-parallel safe-buffer safer-buffer send serve-static set-function-length setprototypeof
shebang-command shebang-regex side-channel side-channel-list side-channel-map
side-channel-weakmap siginfo signal-exit slash source-map-js stackback statuses std-env
string-width string-width-cjs string_decoder strip-ansi strip-ansi-cjs strip-final-newline
strip-json-comments strip-literal supports-color tinybench tinyexec tinyglobby tinypool
tinyrainbow tinyspy to-regex-range toidentifier tr46 ts-api-utils tslib type-check type-is
typescript-eslint unpipe uri-js util-deprecate vary vite vite-node web-streams-polyfill
webidl-conversions whatwg-url which why-is-node-running word-wrap wrap-ansi wrap-ansi-cjs
wrappy y18n yargs yargs-parser yocto-queue @esbuild/linux-x64 @esbuild/darwin-arm64
@eslint/js @eslint/core @eslint/config-array @eslint/object-schema @eslint/plugin-kit
@eslint-community/eslint-utils @eslint-community/regexpp @humanfs/core @humanfs/node
@humanwhocodes/module-importer @humanwhocodes/retry @jridgewell/sourcemap-codec
@nodelib/fs.scandir @nodelib/fs.stat @nodelib/fs.walk @pkgjs/parseargs @rollup/rollup-linux-x64-gnu
@rollup/rollup-darwin-arm64 @types/estree @types/json-schema @types/chai @types/deep-eql
@typescript-eslint/parser @typescript-eslint/scope-manager @typescript-eslint/types
@typescript-eslint/typescript-estree @typescript-eslint/utils @typescript-eslint/visitor-keys
@vitest/expect @vitest/mocker @vitest/pretty-format @vitest/runner @vitest/snapshot
@vitest/spy @vitest/utils @hono/node-server @types/express @types/express-serve-static-core
@types/qs @types/range-parser @types/send @types/serve-static @types/body-parser
@types/connect @types/http-errors @types/mime @types/cors @types/ws @types/lodash
@types/js-yaml @types/debug @types/ms @types/semver @types/uuid
""".split()

PY_PINS = [
    ("mcp", "1.13.1"), ("anyio", "4.10.0"), ("httpx", "0.28.1"), ("httpx-sse", "0.4.1"),
    ("pydantic", "2.11.7"), ("pydantic-core", "2.33.2"), ("pydantic-settings", "2.10.1"),
    ("starlette", "0.49.1"), ("uvicorn", "0.35.0"), ("sse-starlette", "3.0.2"),
    ("h11", "0.16.0"), ("httpcore", "1.0.9"), ("idna", "3.10"), ("sniffio", "1.3.1"),
    ("certifi", "2025.8.3"), ("click", "8.2.1"), ("python-dotenv", "1.1.1"),
    ("typing-extensions", "4.15.0"), ("annotated-types", "0.7.0"), ("PyYAML", "6.0.2"),
]

GO_REQUIRES = [
    ("github.com/mark3labs/mcp-go", "v0.41.1"), ("github.com/modelcontextprotocol/go-sdk", "v1.8.0"),
    ("github.com/google/uuid", "v1.6.0"), ("github.com/spf13/cast", "v1.7.1"),
    ("github.com/yosida95/uritemplate/v3", "v3.0.2"), ("golang.org/x/sync", "v0.17.0"),
]

SAFE_ALNUM = string.ascii_letters + string.digits


# --------------------------------------------------------------------------- helpers


def camel(*parts: str) -> str:
    first, *rest = parts
    return first + "".join(p[:1].upper() + p[1:] for p in rest)


def pascal(*parts: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in parts)


def snake(*parts: str) -> str:
    return "_".join(parts)


def plural(word: str) -> str:
    if word.endswith("y"):
        return word[:-1] + "ies"
    if word.endswith(("s", "h")):
        return word + "es"
    return word + "s"


def sentence(rnd: random.Random, lo: int = 6, hi: int = 16) -> str:
    words = [rnd.choice(WORDS) for _ in range(rnd.randint(lo, hi))]
    return (" ".join(words)).capitalize() + "."


def fake_integrity(name: str, version: str) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(f"{name}@{version}".encode()).digest()).decode()


class Writer:
    def __init__(self, root: str) -> None:
        self.root = root
        self.bytes = 0
        self.files = 0

    def write(self, rel: str, text: str) -> None:
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = text.encode("utf-8")
        with open(path, "wb") as fh:
            fh.write(data)
        self.bytes += len(data)
        self.files += 1


# --------------------------------------------------------------------------- TypeScript


def ts_interface(rnd: random.Random, entity: str) -> str:
    fields = rnd.sample(FIELDS, rnd.randint(5, 10))
    if ("id", "string") not in fields:
        fields.insert(0, ("id", "string"))
    lines = [f"export interface {pascal(entity)} {{"]
    for name, typ in fields:
        opt = "?" if rnd.random() < 0.25 and name != "id" else ""
        lines.append(f"  {name}{opt}: {typ};")
    lines.append("}")
    return "\n".join(lines)


def ts_function(rnd: random.Random, entity: str) -> str:
    verb = rnd.choice(VERBS)
    ent = pascal(entity)
    fn = camel(verb, entity) if verb not in ("list", "search") else camel(verb, plural(entity))
    coll = plural(entity)
    kind = rnd.randint(0, 3)
    if kind == 0:
        return f"""
/**
 * {sentence(rnd)}
 */
export async function {fn}(client: ApiClient, id: string): Promise<{ent}> {{
  const res = await client.request(`/v1/{coll}/${{encodeURIComponent(id)}}`, {{ method: "GET" }});
  if (res.status === 404) {{
    throw new NotFoundError(`{entity} ${{id}} not found`);
  }}
  if (!res.ok) {{
    throw new ApiError(res.status, await res.text());
  }}
  return (await res.json()) as {ent};
}}
"""
    if kind == 1:
        adj = rnd.choice(ADJ)
        return f"""
export async function {fn}(
  client: ApiClient,
  opts: {{ cursor?: string; limit?: number; {adj}Only?: boolean }} = {{}},
): Promise<Page<{ent}>> {{
  const params = new URLSearchParams();
  if (opts.cursor) params.set("cursor", opts.cursor);
  params.set("limit", String(Math.min(opts.limit ?? {rnd.choice([20, 25, 50, 100])}, {rnd.choice([100, 200, 500])})));
  if (opts.{adj}Only) params.set("filter", "{adj}");
  const res = await client.request(`/v1/{coll}?${{params}}`);
  const body = (await res.json()) as {{ items: {ent}[]; next_cursor?: string }};
  return {{ items: body.items, nextCursor: body.next_cursor }};
}}
"""
    if kind == 2:
        field, _ = rnd.choice([f for f in FIELDS if f[1] == "string"])
        return f"""
export function format{ent}(item: {ent}): string {{
  const lines = [`# ${{item.{field} ?? item.id}}`];
  for (const [k, v] of Object.entries(item)) {{
    if (v === undefined || v === null || k === "{field}") continue;
    lines.push(`- **${{k}}**: ${{Array.isArray(v) ? v.join(", ") : String(v)}}`);
  }}
  return lines.join("\\n");
}}
"""
    n = rnd.randint(2, 5)
    checks = "\n".join(
        f'  if (typeof input.{f} !== "{("object" if t.endswith("[]") else t)}") errors.push("{f} must be {t}");'
        for f, t in rnd.sample(FIELDS, n)
    )
    return f"""
export function validate{ent}(input: Partial<{ent}>): string[] {{
  const errors: string[] = [];
{checks}
  return errors;
}}
"""


def ts_tool(rnd: random.Random, entity: str) -> str:
    verb = rnd.choice(VERBS)
    name = snake(verb, entity)
    params = rnd.sample([f for f in FIELDS if f[0] != "id"], rnd.randint(1, 4))
    zod = {"string": "z.string()", "number": "z.number().int()", "boolean": "z.boolean()",
           "string[]": "z.array(z.string())"}
    shape = "\n".join(
        f'      {p}: {zod[t]}{".optional()" if rnd.random() < 0.4 else ""}.describe("{sentence(rnd, 4, 9)}"),'
        for p, t in params
    )
    args = ", ".join(p for p, _ in params)
    return f"""
  server.registerTool(
    "{name}",
    {{
      title: "{verb.capitalize()} {entity}",
      description: "{sentence(rnd, 8, 20)}",
      inputSchema: {{
{shape}
      }},
      annotations: {{ readOnlyHint: {str(verb in ("get", "list", "search", "summarize")).lower()} }},
    }},
    async ({{ {args} }}) => {{
      const result = await client.request("/v1/{plural(entity)}/{verb}", {{
        method: "POST",
        body: JSON.stringify({{ {args} }}),
      }});
      return {{ content: [{{ type: "text", text: await result.text() }}] }};
    }},
  );
"""


def ts_module(rnd: random.Random, target: int) -> str:
    entity = rnd.choice(ENTITIES)
    parts = [
        'import type { ApiClient, Page } from "../lib/client.js";',
        'import { ApiError, NotFoundError } from "../lib/errors.js";',
        "",
        ts_interface(rnd, entity),
    ]
    size = sum(len(p) for p in parts)
    while size < target:
        block = ts_function(rnd, rnd.choice([entity, rnd.choice(ENTITIES)]))
        parts.append(block)
        size += len(block)
    return "\n".join(parts) + "\n"


def ts_index(rnd: random.Random, server: str, n_tools: int) -> str:
    tools = "".join(ts_tool(rnd, rnd.choice(ENTITIES)) for _ in range(n_tools))
    return f"""#!/usr/bin/env node
import {{ McpServer }} from "@modelcontextprotocol/sdk/server/mcp.js";
import {{ StdioServerTransport }} from "@modelcontextprotocol/sdk/server/stdio.js";
import {{ z }} from "zod";

import {{ createClient }} from "./lib/client.js";
import {{ settings }} from "./config.js";

const client = createClient(settings.baseUrl);

export function buildServer(): McpServer {{
  const server = new McpServer({{ name: "{server}", version: "{rnd.randint(0, 3)}.{rnd.randint(0, 20)}.{rnd.randint(0, 9)}" }});
{tools}
  return server;
}}

async function main(): Promise<void> {{
  const server = buildServer();
  await server.connect(new StdioServerTransport());
  console.error("{server} MCP server running on stdio");
}}

main().catch((err) => {{
  console.error(err);
  process.exit(1);
}});
"""


TS_CLIENT = """export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface ApiClient {
  request(path: string, init?: RequestInit): Promise<Response>;
}

export function createClient(baseUrl: string, headers: Record<string, string> = {}): ApiClient {
  return {
    async request(path, init = {}) {
      const url = new URL(path, baseUrl);
      for (let attempt = 0; ; attempt++) {
        const res = await fetch(url, { ...init, headers: { ...headers, ...(init.headers ?? {}) } });
        if (res.status !== 429 || attempt >= 3) {
          return res;
        }
        const wait = Number(res.headers.get("retry-after") ?? 1) * 1000;
        await new Promise((r) => setTimeout(r, wait));
      }
    },
  };
}
"""

TS_ERRORS = """export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(`HTTP ${status}: ${message}`);
    this.name = "ApiError";
  }
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotFoundError";
  }
}
"""


def ts_config(server: str, planted: str | None) -> str:
    env = server.upper().replace("-", "_")
    lines = [
        "export const settings = {",
        f'  baseUrl: process.env.{env}_BASE_URL ?? "https://api.{server}.example.com",',
        f"  timeoutMs: Number(process.env.{env}_TIMEOUT_MS ?? 15000),",
        f'  token: process.env.{env}_TOKEN ?? "",',
        "};",
    ]
    if planted:
        lines += [
            "",
            "// Fallback used by the nightly sync job when the variable is missing.",
            f'export const FALLBACK_GITHUB_TOKEN = "{planted}";',
        ]
    return "\n".join(lines) + "\n"


def ts_test(rnd: random.Random, entity: str) -> str:
    ent = pascal(entity)
    cases = []
    for i in range(rnd.randint(3, 8)):
        cases.append(f"""
  it("{rnd.choice(VERBS)}s {rnd.choice(ADJ)} {plural(entity)} case {i}", async () => {{
    const client = fakeClient({{ status: 200, body: {{ id: "{entity}-{i}", name: "{rnd.choice(CITIES)}" }} }});
    const out = await get{ent}(client, "{entity}-{i}");
    expect(out.id).toBe("{entity}-{i}");
  }});""")
    return f"""import {{ describe, expect, it }} from "vitest";

import {{ fakeClient }} from "./helpers.js";
import {{ get{ent} }} from "../src/tools/{entity}.js";

describe("{entity}", () => {{{''.join(cases)}
}});
"""


# --------------------------------------------------------------------------- bundles


def js_bundle(rnd: random.Random, target: int) -> str:
    """An esbuild-style ESM bundle: many small modules inlined, some long lines."""
    out = ['#!/usr/bin/env node', 'var __defProp = Object.defineProperty;',
           'var __export = (target, all) => {', '  for (var name in all)',
           '    __defProp(target, name, { get: all[name], enumerable: true });', '};', '']
    size = sum(len(x) for x in out)
    n = 0
    while size < target:
        entity = rnd.choice(ENTITIES)
        n += 1
        mod = f"""
// src/tools/{entity}.ts
var {entity}_exports = {{}};
__export({entity}_exports, {{
  format{pascal(entity)}: () => format{pascal(entity)}{n},
  list{pascal(plural(entity))}: () => list{pascal(plural(entity))}{n}
}});
async function list{pascal(plural(entity))}{n}(client, opts = {{}}) {{
  const params = new URLSearchParams();
  if (opts.cursor) params.set("cursor", opts.cursor);
  params.set("limit", String(Math.min(opts.limit ?? {rnd.choice([20, 50, 100])}, 500)));
  const res = await client.request(`/v1/{plural(entity)}?${{params}}`);
  const body = await res.json();
  return {{ items: body.items, nextCursor: body.next_cursor }};
}}
function format{pascal(entity)}{n}(item) {{
  const lines = [`# ${{item.title ?? item.id}}`];
  for (const [k, v] of Object.entries(item)) {{
    if (v === void 0 || v === null) continue;
    lines.push(`- **${{k}}**: ${{Array.isArray(v) ? v.join(", ") : String(v)}}`);
  }}
  return lines.join("\\n");
}}
"""
        if n % 7 == 0:
            # a minified vendor chunk: one long line
            words = [f'{rnd.choice("abcdefghijklmnopqrstuvwxyz")}{i}' for i in range(rnd.randint(80, 240))]
            mod += "var " + ",".join(f"{w}=function(e,t){{return e&&t?e.{rnd.choice(FIELDS)[0]}===t.{rnd.choice(FIELDS)[0]}:!1}}" for w in words) + ";\n"
        out.append(mod)
        size += len(mod)
    return "\n".join(out)


# --------------------------------------------------------------------------- Python


def py_module(rnd: random.Random, target: int) -> str:
    entity = rnd.choice(ENTITIES)
    ent = pascal(entity)
    fields = rnd.sample(FIELDS, rnd.randint(4, 8))
    pytype = {"string": "str", "number": "int", "boolean": "bool", "string[]": "list[str]"}
    body = [
        f'"""{sentence(rnd)}"""',
        "",
        "from __future__ import annotations",
        "",
        "from dataclasses import dataclass, field",
        "from typing import Any",
        "",
        "import httpx",
        "",
        "",
        "@dataclass",
        f"class {ent}:",
        "    id: str",
    ]
    for name, typ in fields:
        if name == "id":
            continue
        default = "field(default_factory=list)" if typ == "string[]" else {"str": '""', "int": "0", "bool": "False"}[pytype[typ]]
        body.append(f"    {snake(*split_camel(name))}: {pytype[typ]} = {default}")
    size = sum(len(x) for x in body)
    while size < target:
        verb = rnd.choice(VERBS)
        other = rnd.choice(ENTITIES)
        kind = rnd.randint(0, 2)
        if kind == 0:
            block = f'''

async def {verb}_{plural(other)}(client: httpx.AsyncClient, *, limit: int = {rnd.choice([20, 50, 100])}, cursor: str | None = None) -> list[dict[str, Any]]:
    """{sentence(rnd)}"""
    params: dict[str, Any] = {{"limit": min(limit, {rnd.choice([100, 200, 500])})}}
    if cursor:
        params["cursor"] = cursor
    resp = await client.get("/v1/{plural(other)}", params=params)
    resp.raise_for_status()
    return resp.json().get("items", [])
'''
        elif kind == 1:
            block = f'''

def format_{other}(item: dict[str, Any]) -> str:
    """Render one {other} as markdown."""
    lines = [f"# {{item.get('title') or item.get('id')}}"]
    for key, value in sorted(item.items()):
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        lines.append(f"- **{{key}}**: {{value}}")
    return "\\n".join(lines)
'''
        else:
            block = f'''

def {verb}_{other}_filter(items: list[dict[str, Any]], status: str = "{rnd.choice(ADJ)}") -> list[dict[str, Any]]:
    """{sentence(rnd)}"""
    out = []
    for item in items:
        if item.get("status") != status:
            continue
        if item.get("archived"):
            continue
        out.append(item)
    out.sort(key=lambda i: (i.get("priority", 0), i.get("updated_at", "")), reverse=True)
    return out
'''
        body.append(block)
        size += len(block)
    return "\n".join(body) + "\n"


def split_camel(name: str) -> list[str]:
    parts, cur = [], ""
    for ch in name:
        if ch.isupper() and cur:
            parts.append(cur)
            cur = ch.lower()
        else:
            cur += ch.lower()
    parts.append(cur)
    return parts


def py_server(rnd: random.Random, server: str, n_tools: int) -> str:
    tools = []
    for _ in range(n_tools):
        verb, entity = rnd.choice(VERBS), rnd.choice(ENTITIES)
        tools.append(f'''

@mcp.tool()
async def {verb}_{entity}(
    query: Annotated[str, Field(description="{sentence(rnd, 4, 9)}")],
    limit: Annotated[int, Field(description="Maximum number of results", ge=1, le=200)] = 20,
) -> str:
    """{sentence(rnd, 8, 18)}"""
    async with _client() as client:
        resp = await client.get("/v1/{plural(entity)}", params={{"q": query, "limit": limit}})
        resp.raise_for_status()
        return resp.text
''')
    return f'''"""{server} MCP server."""

from __future__ import annotations

import os
from typing import Annotated

import httpx
from mcp.server.fastmcp import FastMCP
from pydantic import Field

mcp = FastMCP("{server}")


def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=os.environ.get("{server.upper().replace("-", "_")}_URL", "https://api.{server}.example.com"), timeout=20.0)
{"".join(tools)}

def main() -> None:
    mcp.run()


if __name__ == "__main__":
    main()
'''


def py_settings(server: str, planted: str | None) -> str:
    env = server.upper().replace("-", "_")
    text = f'''"""Settings for the {server} server, read from the environment."""

import os

BASE_URL = os.environ.get("{env}_URL", "https://api.{server}.example.com")
TIMEOUT = float(os.environ.get("{env}_TIMEOUT", "20"))
PAGE_SIZE = int(os.environ.get("{env}_PAGE_SIZE", "50"))
'''
    if planted:
        text += f'''
# Notifications for failed syncs go to #ops-alerts.
SLACK_BOT_TOKEN = "{planted}"
'''
    return text


# --------------------------------------------------------------------------- Go


def go_file(rnd: random.Random, pkg: str, target: int) -> str:
    entity = rnd.choice(ENTITIES)
    ent = pascal(entity)
    gotype = {"string": "string", "number": "int", "boolean": "bool", "string[]": "[]string"}
    fields = rnd.sample(FIELDS, rnd.randint(4, 8))
    lines = [f"package {pkg}", "", "import (", '\t"context"', '\t"encoding/json"', '\t"fmt"',
             '\t"net/http"', '\t"net/url"', ")", "", f"// {ent} is {sentence(rnd, 4, 10).lower()}",
             f"type {ent} struct {{", '\tID string `json:"id"`']
    for name, typ in fields:
        if name == "id":
            continue
        lines.append(f'\t{pascal(name)} {gotype[typ]} `json:"{snake(*split_camel(name))},omitempty"`')
    lines.append("}")
    size = sum(len(x) for x in lines)
    n = 0
    while size < target:
        n += 1
        other = pascal(rnd.choice(ENTITIES))
        block = f"""
// List{other}s{n} {sentence(rnd, 5, 12).lower()}
func (c *Client) List{other}s{n}(ctx context.Context, cursor string, limit int) ([]{ent}, string, error) {{
	q := url.Values{{}}
	if cursor != "" {{
		q.Set("cursor", cursor)
	}}
	q.Set("limit", fmt.Sprint(min(limit, {rnd.choice([100, 200, 500])})))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/v1/{plural(other.lower())}?"+q.Encode(), nil)
	if err != nil {{
		return nil, "", err
	}}
	resp, err := c.http.Do(req)
	if err != nil {{
		return nil, "", err
	}}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {{
		return nil, "", fmt.Errorf("list {plural(other.lower())}: unexpected status %d", resp.StatusCode)
	}}
	var page struct {{
		Items      []{ent} `json:"items"`
		NextCursor string `json:"next_cursor"`
	}}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {{
		return nil, "", err
	}}
	return page.Items, page.NextCursor, nil
}}
"""
        lines.append(block)
        size += len(block)
    return "\n".join(lines) + "\n"


GO_CLIENT = """package {pkg}

import (
	"net/http"
	"time"
)

// Client talks to the upstream API.
type Client struct {{
	base string
	http *http.Client
}}

// NewClient returns a client for base.
func NewClient(base string) *Client {{
	return &Client{{base: base, http: &http.Client{{Timeout: 20 * time.Second}}}}
}}
"""


def go_main(rnd: random.Random, name: str, n_tools: int) -> str:
    tools = []
    for i in range(n_tools):
        verb, entity = rnd.choice(VERBS), rnd.choice(ENTITIES)
        tools.append(f"""
	s.AddTool(mcp.NewTool("{verb}_{entity}",
		mcp.WithDescription("{sentence(rnd, 6, 14)}"),
		mcp.WithString("query", mcp.Required(), mcp.Description("{sentence(rnd, 3, 8)}")),
	), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {{
		q, err := req.RequireString("query")
		if err != nil {{
			return mcp.NewToolResultError(err.Error()), nil
		}}
		return mcp.NewToolResultText(fmt.Sprintf("{verb} {entity}: %s", q)), nil
	}})
""")
    return f"""package main

import (
	"context"
	"fmt"
	"log"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func main() {{
	s := server.NewMCPServer("{name}", "0.{rnd.randint(1, 9)}.{rnd.randint(0, 9)}", server.WithToolCapabilities(false))
{"".join(tools)}
	if err := server.ServeStdio(s); err != nil {{
		log.Fatal(err)
	}}
}}
"""


# --------------------------------------------------------------------------- docs / data


def markdown(rnd: random.Random, title: str, target: int) -> str:
    parts = [f"# {title}", ""]
    size = len(title)
    while size < target:
        parts.append(f"## {pascal(rnd.choice(ADJ))} {plural(rnd.choice(ENTITIES))}")
        parts.append("")
        for _ in range(rnd.randint(1, 4)):
            para = " ".join(sentence(rnd) for _ in range(rnd.randint(2, 6)))
            parts.append(para)
            parts.append("")
            size += len(para)
        if rnd.random() < 0.3:
            parts += ["```sh", f"npx -y @acme/mcp-{rnd.choice(SERVER_NAMES)}", "```", ""]
    return "\n".join(parts)


def json_data(rnd: random.Random, target: int) -> str:
    items = []
    size = 0
    i = 0
    while size < target:
        i += 1
        item = {
            "id": f"{rnd.choice(ENTITIES)}-{i}",
            "title": sentence(rnd, 3, 7),
            "city": rnd.choice(CITIES),
            "status": rnd.choice(ADJ),
            "priority": rnd.randint(0, 4),
            "score": round(rnd.random() * 100, 2),
            "tags": rnd.sample(ADJ, rnd.randint(0, 3)),
            "updated_at": f"2025-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}T{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}:00Z",
        }
        items.append(item)
        size += 190
    return json.dumps({"items": items}, indent=2) + "\n"


# --------------------------------------------------------------------------- lockfile


def lockfile(rnd: random.Random, n_packages: int) -> str:
    names = list(NPM_PINNED)
    for n in NPM_NAMES:
        if n not in names:
            names.append(n)
    names = names[:n_packages]
    packages: dict[str, dict] = {
        "": {
            "name": "acme-mcp-servers",
            "version": "0.0.0",
            "workspaces": ["packages/*"],
            "devDependencies": {"typescript": "^5.9.3", "vitest": "^3.2.4", "eslint": "^9.39.1",
                                "prettier": "^3.6.2", "tsx": "^4.20.6", "esbuild": "^0.25.12"},
        }
    }
    for name in sorted(names):
        version = NPM_PINNED.get(name) or f"{rnd.randint(1, 9)}.{rnd.randint(0, 20)}.{rnd.randint(0, 12)}"
        base = name.split("/")[-1]
        entry = {
            "version": version,
            "resolved": f"https://registry.npmjs.org/{name}/-/{base}-{version}.tgz",
            "integrity": fake_integrity(name, version),
        }
        if name.startswith(("@types/", "@eslint", "@vitest", "@typescript-eslint")) or name in ("typescript", "vitest", "eslint", "prettier", "tsx"):
            entry["dev"] = True
        entry["license"] = rnd.choice(["MIT", "MIT", "MIT", "ISC", "Apache-2.0", "BSD-3-Clause"])
        deps = rnd.sample(names, rnd.randint(0, 4))
        deps = {d: "^" + (NPM_PINNED.get(d) or "1.0.0") for d in deps if d != name}
        if deps:
            entry["dependencies"] = dict(sorted(deps.items()))
        if rnd.random() < 0.4:
            entry["engines"] = {"node": rnd.choice([">=18", ">= 0.8", ">=14.17", ">=16.0.0", ">= 0.6"])}
        packages[f"node_modules/{name}"] = entry
    return json.dumps({"name": "acme-mcp-servers", "version": "0.0.0", "lockfileVersion": 3,
                       "requires": True, "packages": packages}, indent=2) + "\n"


# --------------------------------------------------------------------------- main


def planted_secrets(rnd: random.Random) -> tuple[str, str]:
    gh = "ghp_" + "".join(rnd.choice(SAFE_ALNUM) for _ in range(36))
    slack = ("xoxb-" + "".join(rnd.choice(string.digits) for _ in range(12)) + "-"
             + "".join(rnd.choice(string.digits) for _ in range(13)) + "-"
             + "".join(rnd.choice(SAFE_ALNUM) for _ in range(24)))
    return gh, slack


def generate(out: str, mb: float, seed: int) -> dict:
    rnd = random.Random(seed)
    w = Writer(out)
    target = int(mb * MIB)
    gh_token, slack_token = planted_secrets(rnd)
    planted = []

    # root files
    w.write("README.md", markdown(rnd, "ACME MCP servers", 6000))
    w.write("package.json", json.dumps({
        "name": "acme-mcp-servers", "private": True, "workspaces": ["packages/*"],
        "scripts": {"build": "npm run build --workspaces", "test": "vitest run", "lint": "eslint ."},
        "devDependencies": {"typescript": "^5.9.3", "vitest": "^3.2.4", "eslint": "^9.39.1",
                            "prettier": "^3.6.2", "tsx": "^4.20.6", "esbuild": "^0.25.12"},
    }, indent=2) + "\n")
    w.write("package-lock.json", lockfile(rnd, 300))
    w.write("tsconfig.base.json", json.dumps({"compilerOptions": {
        "target": "ES2022", "module": "Node16", "moduleResolution": "Node16", "strict": True,
        "esModuleInterop": True, "skipLibCheck": True, "declaration": True}}, indent=2) + "\n")
    w.write(".gitignore", "node_modules/\n.venv/\n__pycache__/\n*.log\n")
    w.write("LICENSE", "MIT License\n\nCopyright (c) 2025 ACME Corp\n\n" + " ".join(sentence(rnd) for _ in range(30)) + "\n")

    # budget: ~25 % bundles, the rest source/docs/data
    bundle_budget = target // 4
    servers = []
    for i in range(max(8, int(mb))):
        servers.append(f"{SERVER_NAMES[i % len(SERVER_NAMES)]}{'' if i < len(SERVER_NAMES) else '-' + str(i // len(SERVER_NAMES) + 1)}")

    # bundles
    bi = 0
    while bundle_budget > 256 * 1024 and bi < len(servers):
        size = min(rnd.randint(2 * MIB, 5 * MIB), bundle_budget)
        w.write(f"packages/{servers[bi]}/dist/index.js", js_bundle(rnd, size))
        bundle_budget -= size
        bi += 1

    py_servers = servers[: max(3, len(servers) // 3)]
    go_servers = servers[: max(2, len(servers) // 5)]

    # per-server skeletons
    for i, s in enumerate(servers):
        base = f"packages/{s}"
        w.write(f"{base}/package.json", json.dumps({
            "name": f"@acme/mcp-{s}", "version": f"0.{rnd.randint(1, 9)}.{rnd.randint(0, 9)}", "type": "module",
            "bin": {f"mcp-{s}": "dist/index.js"}, "scripts": {"build": "tsc", "test": "vitest run"},
            "dependencies": {"@modelcontextprotocol/sdk": "^1.29.0", "zod": "^3.25.76", "lodash": "^4.17.20"},
        }, indent=2) + "\n")
        w.write(f"{base}/tsconfig.json", json.dumps({"extends": "../../tsconfig.base.json",
                "compilerOptions": {"outDir": "dist", "rootDir": "src"}, "include": ["src"]}, indent=2) + "\n")
        w.write(f"{base}/README.md", markdown(rnd, f"@acme/mcp-{s}", rnd.randint(1500, 5000)))
        w.write(f"{base}/src/index.ts", ts_index(rnd, s, rnd.randint(3, 9)))
        w.write(f"{base}/src/lib/client.ts", TS_CLIENT)
        w.write(f"{base}/src/lib/errors.ts", TS_ERRORS)
        w.write(f"{base}/src/config.ts", ts_config(s, gh_token if i == 1 else None))
        if i == 1:
            planted.append((f"{base}/src/config.ts", "github-pat"))
    for i, s in enumerate(py_servers):
        pkg = s.replace("-", "_") + "_mcp"
        base = f"python/{s}"
        w.write(f"{base}/pyproject.toml", f'[project]\nname = "acme-{s}-mcp"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["mcp>=1.13.0", "httpx>=0.27"]\n\n[project.scripts]\nacme-{s}-mcp = "{pkg}.server:main"\n')
        w.write(f"{base}/requirements.txt", "".join(f"{n}=={v}\n" for n, v in PY_PINS))
        w.write(f"{base}/src/{pkg}/__init__.py", "")
        w.write(f"{base}/src/{pkg}/server.py", py_server(rnd, s, rnd.randint(3, 8)))
        w.write(f"{base}/src/{pkg}/settings.py", py_settings(s, slack_token if i == 2 else None))
        if i == 2:
            planted.append((f"{base}/src/{pkg}/settings.py", "slack-bot-token"))
    w.write("go/go.mod", "module github.com/acme/mcp-servers/go\n\ngo 1.25.0\n\nrequire (\n"
            + "".join(f"\t{m} {v}\n" for m, v in GO_REQUIRES) + ")\n")
    for s in go_servers:
        w.write(f"go/cmd/{s}-mcp/main.go", go_main(rnd, s, rnd.randint(3, 8)))

    # fill the rest with source files, docs and data until the target is met
    kinds = ["ts"] * 9 + ["test"] * 2 + ["py"] * 5 + ["go"] * 3 + ["md"] * 2 + ["json"] * 1
    counters: dict[str, int] = {}
    while w.bytes < target:
        kind = rnd.choice(kinds)
        size = rnd.randint(2000, 30000)
        counters[kind] = counters.get(kind, 0) + 1
        n = counters[kind]
        if kind == "ts":
            s = rnd.choice(servers)
            w.write(f"packages/{s}/src/tools/{rnd.choice(ENTITIES)}-{n}.ts", ts_module(rnd, size))
        elif kind == "test":
            s = rnd.choice(servers)
            w.write(f"packages/{s}/test/{rnd.choice(ENTITIES)}-{n}.test.ts", ts_test(rnd, rnd.choice(ENTITIES)))
        elif kind == "py":
            s = rnd.choice(py_servers)
            pkg = s.replace("-", "_") + "_mcp"
            w.write(f"python/{s}/src/{pkg}/{rnd.choice(ENTITIES)}_{n}.py", py_module(rnd, size))
        elif kind == "go":
            s = rnd.choice(go_servers)
            pkg = s.replace("-", "")
            path = f"go/internal/{pkg}"
            if counters.get("go-client-" + pkg) is None:
                counters["go-client-" + pkg] = 1
                w.write(f"{path}/client.go", GO_CLIENT.format(pkg=pkg))
            w.write(f"{path}/{rnd.choice(ENTITIES)}_{n}.go", go_file(rnd, pkg, size))
        elif kind == "md":
            w.write(f"docs/{rnd.choice(ENTITIES)}-{n}.md", markdown(rnd, f"{pascal(rnd.choice(ADJ))} {plural(rnd.choice(ENTITIES))}", size))
        else:
            w.write(f"fixtures/data/{rnd.choice(ENTITIES)}-{n}.json", json_data(rnd, size))

    return {"dir": out, "files": w.files, "bytes": w.bytes, "planted": planted}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir", help="directory to create (must not exist or be empty)")
    ap.add_argument("--mb", type=float, default=50.0, help="approximate size in MiB (default 50)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = ap.parse_args()
    if os.path.exists(args.outdir) and os.listdir(args.outdir):
        print(f"gen-tree: {args.outdir} exists and is not empty", file=sys.stderr)
        return 2
    info = generate(args.outdir, args.mb, args.seed)
    print(f"gen-tree: wrote {info['files']} files, {info['bytes'] / MIB:.1f} MiB to {info['dir']}")
    for path, rule in info["planted"]:
        print(f"gen-tree: planted {rule} in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
