#!/usr/bin/env bash
# fetch-popular.sh — download the pinned popular MCP server packages as npm tarballs.
#
# Usage: scripts/fetch-popular.sh DEST [LIST]
#
# Reads LIST (default: scripts/popular-mcp-servers.txt; one `name@version` per line,
# `#` comments and blank lines ignored) and, for each entry, runs
#
#     npm pack <name>@<version> --pack-destination DEST --ignore-scripts
#
# skipping tarballs already present in DEST. For each package it prints the tarball
# name and its sha512 integrity (the `dist.integrity` form, "sha512-<base64>"), then a
# summary with the number of tarballs and their total size.
#
# Safety:
#   - only exact registry versions are accepted (no ranges, tags, git, file or URL specs),
#     so npm resolves nothing but a registry tarball;
#   - --ignore-scripts (and npm_config_ignore_scripts=true): npm pack runs lifecycle
#     scripts (prepack/prepare/postpack) only for a local directory spec, and never with
#     --ignore-scripts; a registry tarball is downloaded and copied, nothing is executed;
#   - npm pack checks the download against the registry's integrity before writing it;
#   - DEST must be outside this repository: the packages' contents are never committed,
#     only the list is.
#
# Environment:
#   FETCH_VERIFY=1   also compare already-present tarballs with `npm view … dist.integrity`
#                    (one registry lookup per skipped package).
#
# Needs: npm (and the node it runs on). Uses the npm client's own registry configuration.
set -euo pipefail

die() { echo "fetch-popular: $*" >&2; exit 1; }

command -v npm >/dev/null 2>&1 || die "npm is not installed or not on PATH (install Node.js/npm first)"
command -v node >/dev/null 2>&1 || die "node is not on PATH (npm needs it too)"

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $0 DEST [LIST]"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
list="${2:-$repo/scripts/popular-mcp-servers.txt}"
[ -r "$list" ] || die "cannot read list $list"

command -v realpath >/dev/null 2>&1 || die "realpath (coreutils) is required"
dest="$(realpath -m -- "$1")"
case "$dest/" in
  "$repo"/*) die "DEST ($dest) is inside the repository; choose a directory outside $repo" ;;
esac
mkdir -p "$dest" || die "cannot create $dest"
dest="$(cd "$dest" && pwd -P)"
case "$dest/" in
  "$repo"/*) die "DEST ($dest) resolves inside the repository; choose a directory outside $repo" ;;
esac

export npm_config_ignore_scripts=true
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

# sha512 integrity of a local file, in npm's "sha512-<base64>" form.
integrity() {
  node -e 'const c=require("crypto"),f=require("fs");process.stdout.write("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$1"
}

# npm's tarball name: "@scope/name" -> "scope-name-<version>.tgz", "name" -> "name-<version>.tgz".
tarball_name() {
  local name="$1" version="$2"
  name="${name#@}"
  printf '%s-%s.tgz' "${name//\//-}" "$version"
}

spec_re='^(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*@[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$'

count=0 fetched=0 skipped=0 failed=0 lineno=0
total=0
while IFS= read -r line || [ -n "$line" ]; do
  lineno=$((lineno + 1))
  spec="${line%%#*}"
  spec="$(printf '%s' "$spec" | tr -d '[:space:]')"
  [ -n "$spec" ] || continue
  if ! [[ "$spec" =~ $spec_re ]]; then
    echo "$list:$lineno: not an exact name@version: $spec" >&2
    failed=$((failed + 1))
    continue
  fi
  name="${spec%@*}"
  version="${spec##*@}"
  file="$(tarball_name "$name" "$version")"
  path="$dest/$file"

  if [ -s "$path" ]; then
    sri="$(integrity "$path")"
    status="present"
    if [ "${FETCH_VERIFY:-0}" = 1 ]; then
      want="$(npm view "$spec" dist.integrity 2>/dev/null || true)"
      if [ "$want" != "$sri" ]; then
        echo "$file: integrity $sri does not match the registry's ${want:-<none>}" >&2
        failed=$((failed + 1))
        continue
      fi
      status="present, verified"
    fi
    skipped=$((skipped + 1))
  else
    if ! out="$(npm pack "$spec" --pack-destination "$dest" --ignore-scripts --json --loglevel=error 2>"$dest/.npm-pack.err")"; then
      echo "npm pack $spec failed:" >&2
      cat "$dest/.npm-pack.err" >&2
      failed=$((failed + 1))
      continue
    fi
    got="$(printf '%s' "$out" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s)[0];process.stdout.write(j.filename.replace(/^.*\//,"")+"\t"+j.integrity)})')"
    pfile="${got%%$'\t'*}"
    [ "$pfile" = "$file" ] || die "npm wrote $pfile, expected $file"
    [ -s "$path" ] || die "npm pack reported $file but $path is missing"
    sri="$(integrity "$path")"
    [ "${got#*$'\t'}" = "$sri" ] || die "$file: integrity on disk ($sri) differs from npm's (${got#*$'\t'})"
    status="fetched"
    fetched=$((fetched + 1))
  fi
  size=$(wc -c <"$path")
  total=$((total + size))
  count=$((count + 1))
  printf '%s\t%s\t%s\n' "$file" "$sri" "$status"
done <"$list"
rm -f "$dest/.npm-pack.err"

human="$(awk -v b="$total" 'BEGIN { printf "%.1f MiB", b / 1048576 }')"
echo "fetch-popular: $count tarballs in $dest ($fetched fetched, $skipped already present), $total bytes ($human)" >&2
[ "$failed" -eq 0 ] || die "$failed entr$([ "$failed" -eq 1 ] && echo y || echo ies) failed"
