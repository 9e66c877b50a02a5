#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# compare_builds.sh - Two builds of Switchyard side by side, interleaved.
#
#   bench/compare_builds.sh BUILD_A BUILD_B [REPS] [SOURCE]
#
# For a change that should not cost time (a restructuring), times the same
# compiles with each build's plugin, alternating A and B and rotating which
# goes first each repetition, so a noisy machine hurts both alike:
#   inproc  clang-22 -O2 -c SOURCE, SWITCHYARD_POLICY=default: every kind,
#           answered in-process
#   agent   the same with each build's `switchyard-agent --policy default`:
#           every decision a round trip
#   rt      each build's switchyard-bench-roundtrip (decision round trip
#           over the real Channel and Server, median µs)
# and prints the medians and B/A. SOURCE defaults to examples/bigprog/bigprog.c.
set -euo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 BUILD_A BUILD_B [REPS] [SOURCE]" >&2
  exit 2
fi
A=$(cd "$1" && pwd) B=$(cd "$2" && pwd)
REPS=${3:-7}
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SOURCE=${4:-$SRC/examples/bigprog/bigprog.c}
CLANG=${CLANG:-clang-22}
tmp=$(mktemp -d /tmp/sycmp.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

secs() { # command... -> wall seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > /dev/null 2>> "$tmp/err"
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }'
}

run() { # BUILD VARIANT
  local build=$1 variant=$2
  case $variant in
  inproc)
    secs env SWITCHYARD_POLICY=default "$CLANG" -O2 \
      -fpass-plugin="$build/plugin/libSwitchyard.so" -c "$SOURCE" \
      -o "$tmp/o.o" ;;
  agent)
    secs "$build/agent_sdk/switchyard-agent" --socket "$tmp/s" \
      --policy default -- "$CLANG" -O2 \
      -fpass-plugin="$build/plugin/libSwitchyard.so" -c "$SOURCE" \
      -o "$tmp/o.o" ;;
  rt)
    "$build/bench/switchyard-bench-roundtrip" --rounds 3 --iterations 3000 \
      2> /dev/null | awk '/switchyard/ && /median/ { for (i = 1; i <= NF; i++)
        if ($i == "median") { print $(i + 1); exit } }' ;;
  esac
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for variant in inproc agent rt; do
  : > "$tmp/$variant.A"
  : > "$tmp/$variant.B"
  for ((r = 0; r < REPS; r++)); do
    if ((r % 2 == 0)); then order="A B"; else order="B A"; fi
    for side in $order; do
      build=$A
      [[ $side == B ]] && build=$B
      run "$build" "$variant" >> "$tmp/$variant.$side"
    done
  done
  ma=$(median < "$tmp/$variant.A") mb=$(median < "$tmp/$variant.B")
  printf '%-7s A %-10s B %-10s B/A %s (min A %s B %s)\n' "$variant" "$ma" \
    "$mb" "$(awk -v a="$ma" -v b="$mb" 'BEGIN { printf "%.3f", b / a }')" \
    "$(sort -g "$tmp/$variant.A" | head -1)" "$(sort -g "$tmp/$variant.B" | head -1)"
done
if [[ -s $tmp/err ]] && grep -q 'warning: switchyard' "$tmp/err"; then
  echo "compare_builds: a compile fell back to defaults:" >&2
  grep 'warning: switchyard' "$tmp/err" | head -3 >&2
  exit 1
fi
