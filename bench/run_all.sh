#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# run_all.sh - Run every Switchyard benchmark against an existing build.
#
#   bench/run_all.sh BUILD_DIR [OUT_DIR]
#
# Builds nothing. Writes each benchmark's report (and JSON where it has one)
# to OUT_DIR (default: a fresh directory under /tmp) and prints where they
# are: the round trip with and without busy polling, compile overhead,
# pipeline step time, the Python environment's steps per second, and the
# inline hook against LLVM's interactive channel.

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
echo "== decision round trip vs. raw Unix-socket echo (busy polling, the default)"
"$BENCH" --iterations 20000 --rounds 10 --json "$OUT/roundtrip.json" \
  | tee "$OUT/roundtrip.txt"
echo
echo "== the same, both sides blocking (--spin-us 0)"
"$BENCH" --iterations 20000 --rounds 10 --spin-us 0 \
  --json "$OUT/roundtrip-blocking.json" | tee "$OUT/roundtrip-blocking.txt"
echo
echo "== compile overhead"
"$HERE/compile_overhead.sh" "$BUILD" "${REPS:-7}" | tee "$OUT/compile_overhead.txt"
echo
echo "== pass-pipeline step time"
"$HERE/pipeline_steps.sh" "$BUILD" | tee "$OUT/pipeline_steps.txt"
echo
echo "== PassPipelineEnv steps per second"
PYTHONPATH="$HERE/../agent_sdk/python:$BUILD/agent_sdk/python/gen" \
  SWITCHYARD_BUILD_DIR="$BUILD" /usr/bin/python3 "$HERE/env/env_speed.py" \
  --json "$OUT/env_speed.json" | tee "$OUT/env_speed.txt"
echo
echo "== inline hook vs. LLVM's interactive inliner channel"
"$HERE/inline_channel/run.sh" "$BUILD" "$OUT/inline_channel" \
  | tee "$OUT/inline_channel.txt"
echo
echo "results in $OUT"
