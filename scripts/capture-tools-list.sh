#!/usr/bin/env bash
# capture-tools-list.sh — capture genuine MCP `tools/list` responses from our own
# fixture servers (fixtures/servers/*), run with their real SDKs, over stdio.
#
# usage: scripts/capture-tools-list.sh [capture...]
#
#   captures (default: all of them):
#     ts-notes                 fixtures/servers/ts-notes, src/index.ts
#     ts-weather-leaky         fixtures/servers/ts-weather-leaky, src/index.ts
#     ts-weather-leaky-legacy  fixtures/servers/ts-weather-leaky, src/legacy-server.ts
#     go-mcpgo-tasks           fixtures/servers/go-mcpgo-tasks (mark3labs/mcp-go)
#     go-sdk-clean             fixtures/servers/go-sdk-clean (modelcontextprotocol/go-sdk)
#   The Python fixtures (py-fastmcp-files, py-lowlevel-clean) are not supported:
#   see fixtures/captures/README.md.
#
# Output, per capture, in fixtures/captures/ (override with CAPTURE_OUT_DIR):
#   <capture>.tools-list.json    initialize result + full tools/list (+ prompts/list,
#                                resources/list) JSON-RPC responses, capturedWith,
#                                fixtureDigest
#   <capture>.transcript.jsonl   every JSON-RPC line exchanged, verbatim
#
# Needs: bash, node (>= 18) + npm for TypeScript captures and for the client,
# go for Go captures, coreutils `timeout`. Network: the npm registry and the Go
# module proxy. Fixtures are copied to a temporary directory; fixtures/servers/
# is never modified. Existing captures are only replaced by successful runs.
#
# Environment:
#   CAPTURE_OUT_DIR          output directory (default: fixtures/captures)
#   CAPTURE_RUN_TIMEOUT      seconds allowed for one server run (default 60)
#   CAPTURE_INSTALL_TIMEOUT  seconds allowed for one npm install / go build (default 600)
#   CAPTURE_KEEP_WORKDIR=1   keep the temporary directory (printed) for debugging
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVERS="$ROOT/fixtures/servers"
HELPERS="$ROOT/scripts/capture"
OUT_DIR=${CAPTURE_OUT_DIR:-$ROOT/fixtures/captures}
RUN_TIMEOUT=${CAPTURE_RUN_TIMEOUT:-60}
INSTALL_TIMEOUT=${CAPTURE_INSTALL_TIMEOUT:-600}
PROTOCOL_VERSION=2025-06-18
ALL_CAPTURES=(ts-notes ts-weather-leaky ts-weather-leaky-legacy go-mcpgo-tasks go-sdk-clean)

die() { echo "capture: error: $*" >&2; exit 1; }
note() { echo "capture: $*" >&2; }
now() { date +%s; }

# capture name -> "kind fixture entry"
target_info() {
  case "$1" in
    ts-notes) echo "ts ts-notes src/index.ts" ;;
    ts-weather-leaky) echo "ts ts-weather-leaky src/index.ts" ;;
    ts-weather-leaky-legacy) echo "ts ts-weather-leaky src/legacy-server.ts" ;;
    go-mcpgo-tasks) echo "go go-mcpgo-tasks ." ;;
    go-sdk-clean) echo "go go-sdk-clean ." ;;
    py-fastmcp-files | py-lowlevel-clean)
      die "$1: Python captures are not supported (PyPI was not reachable where this script was written, so the Python SDK could not be installed and nothing was tested); see fixtures/captures/README.md" ;;
    *) die "unknown capture '$1' (known: ${ALL_CAPTURES[*]})" ;;
  esac
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_CAPTURES[@]}")
need_go=0
for t in "${targets[@]}"; do
  info=$(target_info "$t")
  [ "${info%% *}" != go ] || need_go=1
done

command -v node >/dev/null || die "node not found"
command -v npm >/dev/null || die "npm not found"
command -v timeout >/dev/null || die "timeout (GNU coreutils) not found"
[ $need_go = 0 ] || command -v go >/dev/null || die "go not found"
NODE_VERSION=$(node --version)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mcpcert-capture.XXXXXX")
cleanup() {
  if [ "${CAPTURE_KEEP_WORKDIR:-0}" = 1 ]; then
    note "work directory kept: $WORK"
  else
    # Go's module cache files are read-only; make everything writable first.
    chmod -R u+w "$WORK" 2>/dev/null || true
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
mkdir -p "$WORK/home" "$WORK/tmp" "$WORK/out"

# copy_fixture <fixture> <dest>: copy without install/build output.
copy_fixture() {
  mkdir -p "$2"
  (cd "$SERVERS/$1" && tar -cf - --exclude=./node_modules --exclude=./dist --exclude=./build .) | (cd "$2" && tar -xf -)
}

# ensure_tools: pinned TypeScript runner (tsx) from scripts/capture/package-lock.json.
ensure_tools() {
  [ -f "$WORK/tools/.ready" ] && return 0
  mkdir -p "$WORK/tools"
  cp "$HELPERS/package.json" "$HELPERS/package-lock.json" "$WORK/tools/"
  if ! (cd "$WORK/tools" && timeout "$INSTALL_TIMEOUT" npm ci --ignore-scripts --no-audit --no-fund >"$WORK/tools/npm.log" 2>&1); then
    cat "$WORK/tools/npm.log" >&2
    die "npm ci of the capture tools (scripts/capture/package-lock.json) failed"
  fi
  node -e 'process.stdout.write(require(process.argv[1]).version)' "$WORK/tools/node_modules/tsx/package.json" >"$WORK/tools/tsx.version"
  touch "$WORK/tools/.ready"
}

# prepare_ts <fixture>: copy + install dependencies once per fixture per run.
# Writes $WORK/ts/<fixture>/.install (how dependencies were installed).
prepare_ts() {
  local fx=$1 dir="$WORK/ts/$1"
  [ -f "$dir/.ready" ] && return 0
  rm -rf "$dir"
  copy_fixture "$fx" "$dir"
  [ -f "$dir/package-lock.json" ] || die "$fx: no package-lock.json"
  local t0 log="$WORK/ts/$fx.npm-ci.log"
  t0=$(now)
  note "$fx: npm ci --ignore-scripts (fixture lockfile)"
  if (cd "$dir" && timeout "$INSTALL_TIMEOUT" npm ci --ignore-scripts --no-audit --no-fund --fetch-retries=0 >"$log" 2>&1); then
    echo "npm ci --ignore-scripts (fixture package-lock.json)" >"$dir/.install"
    echo true >"$dir/.lockfile-reproduced"
  elif grep -q EINTEGRITY "$log"; then
    local bad
    bad=$(grep -m1 -o 'integrity checksum failed[^(]*' "$log" || true)
    note "$fx: npm ci rejected the fixture lockfile (EINTEGRITY: $bad)"
    note "$fx: falling back to npm install of the exact locked versions"
    rm -rf "$dir/node_modules"
    node "$HELPERS/npm-fallback.mjs" prepare "$dir" 2>>"$WORK/ts/$fx.fallback.log"
    sed 's/^/capture:   /' "$WORK/ts/$fx.fallback.log" >&2
    log="$WORK/ts/$fx.npm-install.log"
    if ! (cd "$dir" && timeout "$INSTALL_TIMEOUT" npm install --ignore-scripts --no-audit --no-fund >"$log" 2>&1); then
      cat "$log" >&2
      die "$fx: fallback npm install failed"
    fi
    local cmp
    cmp=$(node "$HELPERS/npm-fallback.mjs" compare "$dir")
    note "$fx: installed tree vs fixture lockfile: $cmp"
    echo "npm install --ignore-scripts (fallback: npm ci rejected the fixture package-lock.json with EINTEGRITY, its integrity hashes do not match the registry tarballs; direct dependencies pinned to the exact locked versions, all other locked packages pinned with npm overrides, tarballs verified against the registry's integrity)" >"$dir/.install"
    node -e 'process.stdout.write(String(JSON.parse(process.argv[1]).sameAsLockfile))' "$cmp" >"$dir/.lockfile-reproduced"
  else
    cat "$log" >&2
    die "$fx: npm ci failed (not an integrity error; see above)"
  fi
  echo $(($(now) - t0)) >"$dir/.install-seconds"
  touch "$dir/.ready"
}

pkg_version() { # <node_modules dir> <package>
  local f="$1/$2/package.json"
  [ -f "$f" ] && node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).version)' "$f" || true
}

# run_client <name> <fixture> <entry> <cwd> <with args...> -- <server command...>
run_client() {
  local name=$1 fx=$2 entry=$3 cwd=$4
  shift 4
  local withs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do withs+=("$1"); shift; done
  shift
  # Run the server with a minimal environment: no credentials or settings
  # from the caller's environment, HOME and TMPDIR inside the work directory.
  timeout -k 5 "$RUN_TIMEOUT" env -i PATH="$PATH" HOME="$WORK/home" TMPDIR="$WORK/tmp" LANG=C.UTF-8 \
    node "$HELPERS/client.mjs" \
    --name "$name" --fixture "fixtures/servers/$fx" --fixture-dir "$SERVERS/$fx" --entry "$entry" \
    "${withs[@]}" \
    --protocol-version "$PROTOCOL_VERSION" \
    --out "$WORK/out/$name.tools-list.json" --transcript "$WORK/out/$name.transcript.jsonl" \
    --stderr "$WORK/out/$name.stderr" --cwd "$cwd" -- "$@" || {
    local rc=$?
    note "$name: server stderr:"
    sed 's/^/capture:   | /' "$WORK/out/$name.stderr" >&2 2>/dev/null || true
    [ $rc = 124 ] && die "$name: timed out after ${RUN_TIMEOUT}s"
    die "$name: capture failed (exit $rc)"
  }
}

capture_ts() {
  local name=$1 fx=$2 entry=$3 dir="$WORK/ts/$2"
  ensure_tools
  prepare_ts "$fx"
  [ -f "$dir/$entry" ] || die "$name: entry $entry not found in fixture"
  local nm="$dir/node_modules" sdkv
  sdkv=$(pkg_version "$nm" @modelcontextprotocol/sdk)
  [ -n "$sdkv" ] || die "$name: @modelcontextprotocol/sdk is not installed"
  local withs=(
    --with sdk=@modelcontextprotocol/sdk
    --with "version=$sdkv"
    --with "node=$NODE_VERSION"
    --with "zod=$(pkg_version "$nm" zod)"
  )
  local z2j
  z2j=$(pkg_version "$nm" zod-to-json-schema)
  [ -z "$z2j" ] || withs+=(--with "zod-to-json-schema=$z2j")
  withs+=(
    --with "runner=tsx@$(cat "$WORK/tools/tsx.version") (scripts/capture/package-lock.json), no build step"
    --with "install=$(cat "$dir/.install")"
    --with-json "lockfileReproduced=$(cat "$dir/.lockfile-reproduced")"
    --with "client=scripts/capture/client.mjs (raw JSON-RPC over stdio)"
    --with "protocolVersionRequested=$PROTOCOL_VERSION"
  )
  run_client "$name" "$fx" "$entry" "$dir" "${withs[@]}" -- \
    node "$WORK/tools/node_modules/tsx/dist/cli.mjs" "$entry"
}

capture_go() {
  local name=$1 fx=$2 dir="$WORK/go/$2"
  rm -rf "$dir"
  copy_fixture "$fx" "$dir"
  local t0 log="$WORK/go/$fx.build.log"
  t0=$(now)
  note "$fx: GOTOOLCHAIN=local GOFLAGS=-mod=mod go build -o server ."
  if ! (cd "$dir" && GOTOOLCHAIN=local GOFLAGS=-mod=mod timeout "$INSTALL_TIMEOUT" go build -o server . >"$log" 2>&1); then
    cat "$log" >&2
    die "$fx: go build failed"
  fi
  note "$fx: built in $(($(now) - t0))s"
  local modchanged=false
  cmp -s "$dir/go.mod" "$SERVERS/$fx/go.mod" && cmp -s "$dir/go.sum" "$SERVERS/$fx/go.sum" || {
    modchanged=true
    note "$fx: WARNING: go build changed go.mod/go.sum (fixture's module files are incomplete):"
    diff -u "$SERVERS/$fx/go.mod" "$dir/go.mod" >&2 || true
    diff -u "$SERVERS/$fx/go.sum" "$dir/go.sum" >&2 || true
  }
  local sdk sdkv
  for sdk in github.com/modelcontextprotocol/go-sdk github.com/mark3labs/mcp-go; do
    sdkv=$(go version -m "$dir/server" | awk -v m="$sdk" '$1 == "dep" && $2 == m { print $3 }')
    [ -z "$sdkv" ] || break
  done
  [ -n "$sdkv" ] || die "$fx: binary contains neither github.com/modelcontextprotocol/go-sdk nor github.com/mark3labs/mcp-go"
  if go version -m "$dir/server" | grep -q "=> "; then
    note "$fx: WARNING: binary was built with module replacements"
  fi
  run_client "$name" "$fx" . "$dir" \
    --with "sdk=$sdk" \
    --with "version=$sdkv" \
    --with "go=$(go env GOVERSION)" \
    --with "build=GOTOOLCHAIN=local GOFLAGS=-mod=mod go build -o server ." \
    --with-json "goModChanged=$modchanged" \
    --with "node=$NODE_VERSION" \
    --with "client=scripts/capture/client.mjs (raw JSON-RPC over stdio)" \
    --with "protocolVersionRequested=$PROTOCOL_VERSION" \
    -- "$dir/server"
}

capture_one() {
  local name=$1 kind fx entry
  read -r kind fx entry <<<"$(target_info "$name")"
  case "$kind" in
    ts) capture_ts "$name" "$fx" "$entry" ;;
    go) capture_go "$name" "$fx" ;;
  esac
  mkdir -p "$OUT_DIR"
  mv "$WORK/out/$name.tools-list.json" "$OUT_DIR/$name.tools-list.json"
  mv "$WORK/out/$name.transcript.jsonl" "$OUT_DIR/$name.transcript.jsonl"
}

failed=()
summary=()
for name in "${targets[@]}"; do
  t0=$(now)
  note "=== $name"
  set +e
  (set -e; capture_one "$name")
  rc=$?
  set -e
  secs=$(($(now) - t0))
  if [ $rc = 0 ]; then
    line=$(node -e '
      const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      const tools = c["tools/list"].flatMap((r) => r.result.tools.map((t) => t.name));
      process.stdout.write(`${c.capturedWith.sdk}@${c.capturedWith.version}  ${tools.length} tools: ${tools.join(", ")}`);
    ' "$OUT_DIR/$name.tools-list.json")
    summary+=("$(printf '%-24s ok    %4ss  %s' "$name" "$secs" "$line")")
  else
    failed+=("$name")
    summary+=("$(printf '%-24s FAIL  %4ss' "$name" "$secs")")
  fi
done

echo
echo "capture summary (output: ${OUT_DIR#"$ROOT"/}):"
printf '  %s\n' "${summary[@]}"
[ ${#failed[@]} = 0 ] || die "failed: ${failed[*]}"
