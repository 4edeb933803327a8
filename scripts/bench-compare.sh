#!/usr/bin/env bash
# bench-compare.sh — time mcpcert against the gitleaks + osv-scanner baseline.
#
# Usage: scripts/bench-compare.sh [DIR ...]
#
# With no DIR, every fixtures/servers/* directory is scanned, plus a generated
# tree of BENCH_TREE_MB MiB (scripts/gen-tree.py, default 50).
#
# For each directory it runs, fully offline against the fixture OSV database
# (fixtures/osvdb, zipped into $db/osv-scalibr/<Ecosystem>/all.zip):
#   (a) mcpcert scan DIR --offline --osv-db $db --format json -o "$p.mcpcert.json"
#   (b) gitleaks dir DIR ...   then   osv-scanner scan source -r DIR --offline ...
# and prints a Markdown table with wall time and peak RSS (from /usr/bin/time).
# For (b) the walls are summed and the peak is the larger of the two.
#
# Environment:
#   BENCH_TREE_MB      size of the generated tree in MiB (default 50; 0 = no tree)
#   BENCH_RUNS         runs per measurement; wall = median, peak = max (default 1).
#                      With hyperfine installed and BENCH_RUNS > 1, hyperfine's mean is used for wall.
#   BENCH_CACHE        where gitleaks/osv-scanner are installed (default ~/.cache/mcpcert-bench)
#   MCPCERT_BIN        use this mcpcert binary instead of building ./cmd/mcpcert
#   SKIP_MCPCERT=1     only measure the baseline (e.g. before cmd/mcpcert exists)
#   GITLEAKS_VERSION   default v8.30.1;  OSV_SCANNER_VERSION default v2.5.0
#
# Needs: go, python3, coreutils; GNU time (installed with apt-get if missing);
# network only for the one-time `go install` of the baseline tools.
set -euo pipefail

GITLEAKS_VERSION="${GITLEAKS_VERSION:-v8.30.1}"
OSV_SCANNER_VERSION="${OSV_SCANNER_VERSION:-v2.5.0}"
BENCH_TREE_MB="${BENCH_TREE_MB:-50}"
BENCH_RUNS="${BENCH_RUNS:-1}"
BENCH_CACHE="${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mcpcert-bench}"
export GOTOOLCHAIN=local

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/mcpcert-bench.XXXXXX")"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

log() { printf '%s\n' "bench: $*" >&2; }
die() { log "error: $*"; exit 1; }

command -v go >/dev/null || die "go is not installed"
command -v python3 >/dev/null || die "python3 is not installed"

# ---------------------------------------------------------------- GNU time
if ! command -v /usr/bin/time >/dev/null 2>&1; then
	log "/usr/bin/time missing, installing the 'time' package"
	if command -v apt-get >/dev/null 2>&1; then
		sudo_cmd=""
		[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
		$sudo_cmd apt-get update -qq >&2 && $sudo_cmd apt-get install -y -qq time >&2
	fi
	command -v /usr/bin/time >/dev/null 2>&1 || die "GNU time (/usr/bin/time) is required"
fi

# ---------------------------------------------------------------- tools
bindir="$BENCH_CACHE/bin"
mkdir -p "$bindir"
install_tool() { # name module@version
	local name="$1" mod="$2" stamp="$bindir/.$1.version"
	if [ -x "$bindir/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$mod" ]; then
		return
	fi
	log "installing $mod into $bindir (one time)"
	GOFLAGS= GOBIN="$bindir" go install "$mod" >&2
	echo "$mod" >"$stamp"
}
install_tool gitleaks "github.com/zricethezav/gitleaks/v8@$GITLEAKS_VERSION"
install_tool osv-scanner "github.com/google/osv-scanner/v2/cmd/osv-scanner@$OSV_SCANNER_VERSION"
gitleaks="$bindir/gitleaks"
osvscanner="$bindir/osv-scanner"

mcpcert=""
if [ "${SKIP_MCPCERT:-0}" != "1" ]; then
	if [ -n "${MCPCERT_BIN:-}" ]; then
		mcpcert="$MCPCERT_BIN"
	else
		log "building mcpcert"
		(cd "$repo" && go build -o "$tmp/mcpcert" ./cmd/mcpcert) >&2 || die "go build ./cmd/mcpcert failed (set SKIP_MCPCERT=1 to bench the baseline only)"
		mcpcert="$tmp/mcpcert"
	fi
fi

# ---------------------------------------------------------------- offline OSV DB
# Layout read by osv-scalibr's offline matcher (osv-scanner v2 and mcpcert):
#   $db/osv-scalibr/<Ecosystem>/all.zip
# An ecosystem that is present in a scanned tree but has no zip makes the
# matcher fail for every package, so common ecosystems get an empty zip.
db="$tmp/osvdb"
for ecodir in "$repo"/fixtures/osvdb/*/; do
	eco="$(basename "$ecodir")"
	mkdir -p "$db/osv-scalibr/$eco"
	(cd "$ecodir" && python3 -m zipfile -c "$db/osv-scalibr/$eco/all.zip" ./*.json)
done
for eco in npm PyPI Go crates.io Maven RubyGems Packagist NuGet Pub Hex; do
	if [ ! -f "$db/osv-scalibr/$eco/all.zip" ]; then
		mkdir -p "$db/osv-scalibr/$eco"
		python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").close()' "$db/osv-scalibr/$eco/all.zip"
	fi
done
export OSV_SCALIBR_LOCAL_DB_CACHE_DIRECTORY="$db" # same path, in case --local-db-path is ignored

# ---------------------------------------------------------------- targets
dirs=("$@")
if [ ${#dirs[@]} -eq 0 ]; then
	for d in "$repo"/fixtures/servers/*/; do
		dirs+=("${d%/}")
	done
	if [ "$BENCH_TREE_MB" != "0" ]; then
		log "generating a ${BENCH_TREE_MB} MiB tree"
		python3 "$repo/scripts/gen-tree.py" "$tmp/tree-${BENCH_TREE_MB}mb" --mb "$BENCH_TREE_MB" >&2
		dirs+=("$tmp/tree-${BENCH_TREE_MB}mb")
	fi
fi

# ---------------------------------------------------------------- measuring
# measure OUT_PREFIX cmd...  -> writes "$OUT_PREFIX.wall" (s) and "$OUT_PREFIX.peak" (KB)
# Exit codes 0 and 1 mean "ran; found nothing / found something" for all three tools.
measure() {
	local out="$1"
	shift
	local walls=() peak=0 i rc
	for ((i = 0; i < BENCH_RUNS; i++)); do
		rc=0
		/usr/bin/time -f '%e %M' -o "$out.time" "$@" >"$out.log" 2>&1 || rc=$?
		if [ "$rc" -gt 1 ]; then
			log "warning: '$*' exited with $rc; last lines of its output:"
			tail -n 5 "$out.log" >&2 || true
			echo "$rc" >"$out.rc"
		fi
		local line
		line="$(tail -n 1 "$out.time")"
		walls+=("${line% *}")
		[ "${line#* }" -gt "$peak" ] && peak="${line#* }"
	done
	printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}' >"$out.wall"
	echo "$peak" >"$out.peak"
	if [ "$BENCH_RUNS" -gt 1 ] && command -v hyperfine >/dev/null 2>&1; then
		local cmdline
		cmdline="$(printf '%q ' "$@")"
		if hyperfine --style none --warmup 1 --runs "$BENCH_RUNS" -i --export-json "$out.hf.json" "$cmdline" >/dev/null 2>&1 &&
			python3 -c 'import json, sys; print(round(json.load(open(sys.argv[1]))["results"][0]["mean"], 2))' "$out.hf.json" >"$out.hf.wall"; then
			mv "$out.hf.wall" "$out.wall"
		fi
	fi
}

mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

rows=()
n=0
for dir in "${dirs[@]}"; do
	[ -d "$dir" ] || die "not a directory: $dir"
	n=$((n + 1))
	name="$(basename "$dir")"
	size_bytes="$(du -sb "$dir" | cut -f1)"
	size="$(awk -v b="$size_bytes" 'BEGIN {if (b >= 1048576) printf "%.1f MiB", b / 1048576; else printf "%.0f KiB", b / 1024}')"
	p="$tmp/m$n"
	log "[$n/${#dirs[@]}] $name ($size)"

	mc_wall="-" mc_peak="-"
	if [ -n "$mcpcert" ]; then
		measure "$p.mcpcert" "$mcpcert" scan "$dir" --offline --osv-db "$db" --format json -o "$p.mcpcert.json"
		mc_wall="$(cat "$p.mcpcert.wall")"
		mc_peak="$(mb "$(cat "$p.mcpcert.peak")")"
		[ -f "$p.mcpcert.rc" ] && mc_wall="$mc_wall (rc=$(cat "$p.mcpcert.rc"))"
	fi

	measure "$p.gitleaks" "$gitleaks" dir "$dir" --no-banner --exit-code 0 -f json -r "$p.gitleaks.json" -l warn
	measure "$p.osv" "$osvscanner" scan source -r --offline --local-db-path "$db" \
		--no-call-analysis=all --allow-no-lockfiles --format json --output-file "$p.osv.json" "$dir"
	base_wall="$(awk -v a="$(cat "$p.gitleaks.wall")" -v b="$(cat "$p.osv.wall")" 'BEGIN {printf "%.2f", a + b}')"
	base_peak="$(awk -v a="$(cat "$p.gitleaks.peak")" -v b="$(cat "$p.osv.peak")" 'BEGIN {print (a > b ? a : b)}')"
	base_detail="$(cat "$p.gitleaks.wall") + $(cat "$p.osv.wall")"
	rows+=("| $name | $size | $mc_wall | $mc_peak | $base_wall ($base_detail) | $(mb "$base_peak") |")
done

echo
echo "| dir | size | mcpcert wall s | mcpcert peak MB | gitleaks+osv-scanner wall s (gitleaks + osv) | gitleaks+osv-scanner peak MB |"
echo "|---|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
echo "runs per measurement: $BENCH_RUNS; $(nproc 2>/dev/null || echo '?') CPUs; $(go version | cut -d' ' -f3-4)"
echo "gitleaks $GITLEAKS_VERSION: gitleaks dir DIR --no-banner --exit-code 0 -f json -r REPORT -l warn"
echo "osv-scanner $OSV_SCANNER_VERSION: osv-scanner scan source -r --offline --local-db-path DB --no-call-analysis=all --allow-no-lockfiles --format json --output-file REPORT DIR"
[ -n "$mcpcert" ] && echo "mcpcert: mcpcert scan DIR --offline --osv-db DB --format json -o /dev/null"
exit 0
