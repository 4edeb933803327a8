// Helper for scripts/capture-tools-list.sh, used only when `npm ci` rejects a
// fixture's package-lock.json (EINTEGRITY: the lockfile carries integrity
// hashes that do not match the registry's tarballs).
//
// It only ever runs on a TEMPORARY COPY of a fixture, never on fixtures/servers/*.
//
//   node npm-fallback.mjs prepare <dir>
//     - renames <dir>/package-lock.json to <dir>/package-lock.fixture.json
//     - rewrites <dir>/package.json so that every direct dependency
//       (dependencies, devDependencies, optionalDependencies) is the exact
//       version the fixture's lockfile resolved it to (for these fixtures that
//       is the version written after the caret in package.json), and adds an
//       npm "overrides" entry pinning every other lockfile package to its
//       locked version.
//     `npm install` then re-resolves the same tree from the registry, and the
//     tarballs are verified against the registry's own integrity values.
//
//   node npm-fallback.mjs compare <dir>
//     Prints a JSON object comparing the installed tree
//     (<dir>/node_modules/.package-lock.json) with the fixture's lockfile:
//     {"sameAsLockfile": bool, "differences": [...]}.

import { readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";

const [, , cmd, dir] = process.argv;
if (!cmd || !dir) {
  console.error("usage: node npm-fallback.mjs prepare|compare <dir>");
  process.exit(2);
}

const readJSON = (p) => JSON.parse(readFileSync(p, "utf8"));

// name of the package installed at a lockfile key such as
// "node_modules/@scope/pkg" or "node_modules/a/node_modules/b".
function nameFromKey(key) {
  const i = key.lastIndexOf("node_modules/");
  return key.slice(i + "node_modules/".length);
}

function lockPackages(lock) {
  const out = new Map(); // key -> {name, version}
  for (const [key, v] of Object.entries(lock.packages ?? {})) {
    if (key === "" || v.link) continue;
    out.set(key, { name: v.name ?? nameFromKey(key), version: v.version, aliased: v.name !== undefined && v.name !== nameFromKey(key) });
  }
  return out;
}

const DEP_FIELDS = ["dependencies", "devDependencies", "optionalDependencies"];

if (cmd === "prepare") {
  const pkgPath = path.join(dir, "package.json");
  const lockPath = path.join(dir, "package-lock.json");
  const pkg = readJSON(pkgPath);
  const lock = readJSON(lockPath);
  const pkgs = lockPackages(lock);

  const direct = new Set();
  const pinned = [];
  for (const field of DEP_FIELDS) {
    for (const [name, spec] of Object.entries(pkg[field] ?? {})) {
      direct.add(name);
      const locked = pkgs.get(`node_modules/${name}`);
      if (locked && !locked.aliased && locked.version) {
        pkg[field][name] = locked.version;
        pinned.push(`${name}@${locked.version} (was ${spec})`);
      } else {
        pinned.push(`${name}@${spec} (not in lockfile, left as is)`);
      }
    }
  }

  // One override per package name; a name locked at several versions
  // (nested node_modules) is left to npm's normal resolution.
  const versions = new Map();
  for (const { name, version, aliased } of pkgs.values()) {
    if (aliased || !version || direct.has(name)) continue;
    if (!versions.has(name)) versions.set(name, new Set());
    versions.get(name).add(version);
  }
  const overrides = {};
  const unpinned = [];
  for (const [name, vs] of [...versions.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (vs.size === 1) overrides[name] = [...vs][0];
    else unpinned.push(`${name} (${[...vs].join(", ")})`);
  }
  pkg.overrides = { ...(pkg.overrides ?? {}), ...overrides };

  renameSync(lockPath, path.join(dir, "package-lock.fixture.json"));
  writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + "\n");
  console.error(`npm-fallback: pinned direct dependencies: ${pinned.join(", ")}`);
  console.error(`npm-fallback: pinned ${Object.keys(overrides).length} transitive packages to their locked versions via overrides`);
  if (unpinned.length) console.error(`npm-fallback: locked at several versions, not pinned: ${unpinned.join(", ")}`);
} else if (cmd === "compare") {
  const fixture = lockPackages(readJSON(path.join(dir, "package-lock.fixture.json")));
  const hiddenPath = path.join(dir, "node_modules", ".package-lock.json");
  const installed = existsSync(hiddenPath) ? lockPackages(readJSON(hiddenPath)) : new Map();
  const differences = [];
  for (const [key, want] of fixture) {
    const got = installed.get(key);
    if (!got) {
      // optional packages for other platforms are legitimately absent
      const entry = readJSON(path.join(dir, "package-lock.fixture.json")).packages[key];
      if (!entry.optional) differences.push(`${key}: locked ${want.version}, not installed`);
    } else if (got.version !== want.version) {
      differences.push(`${key}: locked ${want.version}, installed ${got.version}`);
    }
  }
  for (const [key, got] of installed) {
    if (!fixture.has(key)) differences.push(`${key}: installed ${got.version}, not in lockfile`);
  }
  process.stdout.write(JSON.stringify({ sameAsLockfile: differences.length === 0, differences }) + "\n");
} else {
  console.error(`npm-fallback: unknown command ${cmd}`);
  process.exit(2);
}
