#!/usr/bin/env bash
# run_all.sh - Run every Switchyard benchmark against an existing build.
#
#   bench/run_all.sh BUILD_DIR [OUT_DIR]
#
# Builds nothing. Writes roundtrip.json and the two reports' text to OUT_DIR
# (default: a fresh directory under /tmp) and prints where they are.

set -euo pipefail

if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
  echo "usage: $0 BUILD_DIR [OUT_DIR]" >&2
  exit 2
fi
BUILD=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${2:-$(mktemp -d /tmp/switchyard-bench.XXXXXX)}
mkdir -p "$OUT"
BENCH=$BUILD/bench/switchyard-bench-roundtrip
[[ -x $BENCH ]] || { echo "$0: missing $BENCH (build first)" >&2; exit 1; }

echo "== $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== decision round trip vs. raw Unix-socket echo"
"$BENCH" --iterations 20000 --rounds 10 --json "$OUT/roundtrip.json" \
  | tee "$OUT/roundtrip.txt"
echo
echo "== compile overhead"
"$HERE/compile_overhead.sh" "$BUILD" "${REPS:-7}" | tee "$OUT/compile_overhead.txt"
echo
echo "== pass-pipeline step time"
"$HERE/pipeline_steps.sh" "$BUILD" | tee "$OUT/pipeline_steps.txt"
echo
echo "results in $OUT"
