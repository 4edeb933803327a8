#!/usr/bin/env bash
# eval-popular.sh — measure tool extraction and tool-poisoning false positives
# on popular MCP servers from npm (the list in scripts/popular-mcp-servers.txt,
# fetched with scripts/fetch-popular.sh; their text is never committed).
#
# Usage: scripts/eval-popular.sh [DIR]   (DIR holds the tarballs; default: a cache dir)
# Prints a Markdown report: per package, tools found and how many were resolved,
# partial or unresolved, and poisoning findings by severity; then the totals.
set -euo pipefail
export GOTOOLCHAIN=local
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/mcpcert-popular}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/mcpcert-eval.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT INT TERM

"$repo/scripts/fetch-popular.sh" "$dir" >&2
go build -o "$tmp/mcpcert" "$repo/cmd/mcpcert"

for tgz in "$dir"/*.tgz; do
	name="$(basename "$tgz" .tgz)"
	# Offline: the tarball is local and nothing needs the network for the surface.
	"$tmp/mcpcert" tools "$tgz" --offline --format json --log-level error >"$tmp/$name.tools.json" 2>"$tmp/$name.tools.err" || true
	"$tmp/mcpcert" scan "$tgz" --offline --osv-db "$repo/fixtures/osvdb" --format json --fail-on none --log-level error \
		>"$tmp/$name.scan.json" 2>"$tmp/$name.scan.err" || true
done

python3 - "$tmp" <<'PY'
import json, os, sys, glob
tmp = sys.argv[1]
rows, tot = [], dict(tools=0, resolved=0, partial=0, unresolved=0, medium=0, high=0, flagged_tools=set(), failed=0)
reasons = {}
for tf in sorted(glob.glob(os.path.join(tmp, "*.tools.json"))):
    name = os.path.basename(tf)[:-len(".tools.json")]
    try:
        t = json.load(open(tf))
    except Exception:
        tot["failed"] += 1
        rows.append(f"| {name} | extraction failed: {open(tf[:-5]+'.err').read().strip()[:120]} | | | | |")
        continue
    tools = (t.get("surface") or {}).get("tools") or []
    res = {"resolved": 0, "partial": 0, "unresolved": 0}
    for x in tools:
        res[x.get("resolution", "unresolved")] += 1
        for r in x.get("reasons") or []:
            key = r.split(":")[0][:60]
            reasons[key] = reasons.get(key, 0) + 1
    med = high = 0
    flagged = []
    try:
        s = json.load(open(os.path.join(tmp, name + ".scan.json")))
        for f in s.get("findings", []):
            if f["engine"] != "toolpoison":
                continue
            rank = {"critical": 4, "high": 3, "medium": 2}.get(f["severity"], 0)
            if rank >= 2:
                med += 1
                flagged.append(f'{f["ruleId"]} {f["severity"]}: {f["message"][:140]}')
            if rank >= 3:
                high += 1
    except Exception:
        pass
    tot["tools"] += len(tools)
    for k in res: tot[k] += res[k]
    tot["medium"] += med; tot["high"] += high
    rows.append(f"| {name} | {len(tools)} | {res['resolved']} | {res['partial']} | {res['unresolved']} | {med} / {high} |")
    for fl in flagged:
        rows.append(f"| | | | | | {fl.replace('|', '/')} |")
print("| package | tools | resolved | partial | unresolved | poisoning ≥medium / ≥high |")
print("|---|---:|---:|---:|---:|---|")
print("\n".join(rows))
n = max(tot["tools"], 1)
print()
print(f"**Total**: {tot['tools']} tools in {len(rows)} rows; resolved {tot['resolved']} ({100*tot['resolved']/n:.1f}%), partial {tot['partial']}, unresolved {tot['unresolved']}; extraction failures {tot['failed']}.")
print(f"Poisoning findings on these benign servers: {tot['medium']} at medium or above, {tot['high']} at high or above.")
if reasons:
    print("\nWhy text was not resolved (most common):")
    for k, v in sorted(reasons.items(), key=lambda kv: -kv[1])[:12]:
        print(f"- {v}× {k}")
PY
