#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# model_overhead.sh - What a learned policy costs a clang -Oz compile.
#
#   bench/model_overhead.sh BUILD_DIR MODEL_FILE [REPS]
#
# For the largest bundled program (examples/bigprog/bigprog.c) and a
# generated translation unit of 26,000 lines (bench/gen_tu.py), times two
# variants interleaved REPS times (default 11), alternating which goes first:
#   plain  clang-22 -Oz -c
#   model  clang-22 -Oz -fpass-plugin=libSwitchyard.so -c with
#          SWITCHYARD_POLICY=model:MODEL_FILE (strict: a bad model fails)
# and prints, per input, the medians (and min-max) of the compiler's CPU
# time (user+sys), wall time and, when `perf stat` works, user-space
# instructions retired, and model/plain. On a shared, loaded machine the
# instruction count is the steady measure: it barely moves with load. The objects of the two
# variants are also compared, to show the model made decisions.
set -euo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 BUILD_DIR MODEL_FILE [REPS]" >&2
  exit 2
fi
BUILD=$(cd "$1" && pwd)
MODEL=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
REPS=${3:-${REPS:-11}}
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLANG=${CLANG:-clang-22}
PLUGIN=$BUILD/plugin/libSwitchyard.so
PY=${PYTHON:-/usr/bin/python3}
while read -r var; do unset "$var"; done < <(compgen -e | grep '^SWITCHYARD_' || true)

PERF=
# Only where the counter works (not in most VMs: "<not supported>").
if perf stat -x, -e instructions:u true 2>&1 >/dev/null \
    | grep -q '^[0-9]*,,instructions'; then
  PERF=1
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$PY" "$SRC/bench/gen_tu.py" "$WORK/big_tu.c" 26000
INPUTS=("$SRC/examples/bigprog/bigprog.c" "$WORK/big_tu.c")
# ONLY="a.c b.c" times these inputs instead.
[[ -n ${ONLY:-} ]] && read -r -a INPUTS <<< "$ONLY"

# Appends "cpu wall" of one compile of input $1, variant $2, to $WORK/$3.
run() {
  local input=$1 variant=$2 out=$3
  local args=(-Oz -c "$input" -o "$WORK/$variant.o")
  local perf=()
  [[ -n $PERF ]] && perf=(perf stat -x, -e instructions:u -o "$WORK/p")
  if [[ $variant == model ]]; then
    env SWITCHYARD_POLICY="model:$MODEL" SWITCHYARD_ON_FAILURE=error \
      /usr/bin/time -f "%U %S %e" -o "$WORK/t" "${perf[@]}" \
      "$CLANG" -fpass-plugin="$PLUGIN" "${args[@]}"
  else
    /usr/bin/time -f "%U %S %e" -o "$WORK/t" "${perf[@]}" "$CLANG" "${args[@]}"
  fi
  local insns=0
  [[ -n $PERF ]] && insns=$(awk -F, '/instructions/ {print $1 / 1e6}' "$WORK/p")
  awk -v i="$insns" '{printf "%.3f %.3f %.1f\n", $1 + $2, $3, i}' "$WORK/t" \
    >> "$WORK/$out"
}

stats() { # column $2 of file $1 -> "median (min-max)"
  awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{v[NR]=$1}
    END {m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2;
         printf "%.3f (%.3f-%.3f)", m, v[1], v[NR]}'
}
med() { awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{v[NR]=$1}
    END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

echo "model: $MODEL"
echo "$REPS repetitions, interleaved; seconds: median (min-max)"
for input in "${INPUTS[@]}"; do
  name=$(basename "$input" .c)
  lines=$(wc -l < "$input")
  : > "$WORK/$name.plain"; : > "$WORK/$name.model"
  run "$input" plain warmup; run "$input" model warmup
  for ((i = 0; i < REPS; i++)); do
    if ((i % 2)); then
      run "$input" model "$name.model"; run "$input" plain "$name.plain"
    else
      run "$input" plain "$name.plain"; run "$input" model "$name.model"
    fi
  done
  same=$(cmp -s "$WORK/plain.o" "$WORK/model.o" && echo "same object" \
         || echo "objects differ")
  echo "$name ($lines lines, $same)"
  echo "  cpu   plain $(stats "$WORK/$name.plain" 1)  model $(stats "$WORK/$name.model" 1)  model/plain $(awk -v a="$(med "$WORK/$name.plain" 1)" -v b="$(med "$WORK/$name.model" 1)" 'BEGIN {printf "%.3f", b / a}')"
  echo "  wall  plain $(stats "$WORK/$name.plain" 2)  model $(stats "$WORK/$name.model" 2)  model/plain $(awk -v a="$(med "$WORK/$name.plain" 2)" -v b="$(med "$WORK/$name.model" 2)" 'BEGIN {printf "%.3f", b / a}')"
  [[ -n $PERF ]] && echo "  Minsn plain $(stats "$WORK/$name.plain" 3)  model $(stats "$WORK/$name.model" 3)  model/plain $(awk -v a="$(med "$WORK/$name.plain" 3)" -v b="$(med "$WORK/$name.model" 3)" 'BEGIN {printf "%.4f", b / a}')"
done
