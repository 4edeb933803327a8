// Fixture digest used by scripts/capture-tools-list.sh to make captures
// detectably stale.
//
// Files: every regular file under the fixture directory, skipping any
// directory named node_modules, dist, build or .git (install/build output).
// Hash: Go's dirhash "h1" (golang.org/x/mod/sumdb/dirhash.Hash1):
//   sha256 over the concatenation, in byte order of the relative slash paths, of
//   "<lowercase hex sha256 of the file>  <relative path>\n", base64-encoded, prefixed "h1:".
//
// As a CLI: node dirhash.mjs <dir>   prints {"algorithm","h1","files"} as JSON.

import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

export const SKIP_DIRS = new Set(["node_modules", "dist", "build", ".git"]);

export function listFiles(root) {
  const out = [];
  const walk = (rel) => {
    for (const ent of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) {
        if (!SKIP_DIRS.has(ent.name)) walk(r);
      } else if (ent.isFile()) {
        out.push(r);
      }
    }
  };
  walk("");
  return out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

export function dirhash(root) {
  const files = listFiles(root);
  const summary = createHash("sha256");
  for (const f of files) {
    const h = createHash("sha256").update(readFileSync(path.join(root, f))).digest("hex");
    summary.update(`${h}  ${f}\n`);
  }
  return {
    algorithm:
      "dirhash h1 (golang.org/x/mod/sumdb/dirhash.Hash1) over all regular files of the fixture directory, " +
      "skipping node_modules/, dist/, build/ and .git/ directories; paths relative to the fixture directory",
    h1: "h1:" + summary.digest("base64"),
    files,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  if (!process.argv[2]) {
    console.error("usage: node dirhash.mjs <dir>");
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(dirhash(process.argv[2]), null, 2) + "\n");
}
