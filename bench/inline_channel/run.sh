#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# run.sh - Switchyard's inline hook vs LLVM's interactive inliner channel:
# per-decision overhead on one generated C translation unit, in one run.
#
#   bench/inline_channel/run.sh BUILD_DIR [OUT_DIR]
#
# Generates big.c (gen_tu.py), compiles it to IR once, builds the minimal
# LLVM-channel host (mlgo_default_agent.cpp), then runs bench.py: checks that
# every mode's output is byte-identical to the baseline, counts decisions,
# and times the modes interleaved. Environment: REPS (default 5), PIPELINES
# (default "inliner"; "inliner,o2" adds the whole O2 pipeline), FUNCTIONS
# (default 2400), SOURCE (a C file to use instead of the generated one, e.g.
# examples/bigprog/bigprog.c, the largest bundled program), CLANG, CXX, OPT.
# OUT_DIR (default: a fresh /tmp/switchyard-inline-channel.*) keeps big.c,
# big.ll, the bitcode of each mode, the Switchyard --log and results.json.

set -euo pipefail

if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
  echo "usage: $0 BUILD_DIR [OUT_DIR]" >&2
  exit 2
fi
BUILD=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${2:-$(mktemp -d /tmp/switchyard-inline-channel.XXXXXX)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
CLANG=${CLANG:-clang-22}
CXX=${CXX:-clang++-22}
OPT=${OPT:-opt-22}
REPS=${REPS:-5}
PIPELINES=${PIPELINES:-inliner}
FUNCTIONS=${FUNCTIONS:-2400}

for f in "$BUILD/plugin/libSwitchyard.so" "$BUILD/agent_sdk/switchyard-agent"; do
  [[ -e $f ]] || { echo "$0: missing $f (build first)" >&2; exit 1; }
done
for t in "$CLANG" "$CXX" "$OPT" /usr/bin/python3; do
  command -v "$t" >/dev/null || { echo "$0: $t not found" >&2; exit 1; }
done

echo "out: $OUT"
if [[ -n ${SOURCE:-} ]]; then
  cp "$SOURCE" "$OUT/big.c"
else
  /usr/bin/python3 "$HERE/gen_tu.py" --functions "$FUNCTIONS" > "$OUT/big.c"
fi
# -O2 with the LLVM passes disabled, not -O0: at -O0 clang marks every
# function noinline, and the inliner then has no decision to ask about.
"$CLANG" -O2 -Xclang -disable-llvm-passes -S -emit-llvm "$OUT/big.c" \
  -o "$OUT/big.ll"
"$CXX" -O2 -std=c++17 -o "$OUT/mlgo_default_agent" \
  "$HERE/mlgo_default_agent.cpp"
echo "big.c: $(wc -l < "$OUT/big.c") lines, $(grep -c '^define' "$OUT/big.ll") functions in big.ll"

/usr/bin/python3 "$HERE/bench.py" --build "$BUILD" --work "$OUT" \
  --ir "$OUT/big.ll" --mlgo-agent "$OUT/mlgo_default_agent" --opt "$OPT" \
  --reps "$REPS" --pipelines "$PIPELINES" --json "$OUT/results.json"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
