#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# pipeline_steps.sh - Time per switchyard-pipeline step on a small and a large
# program: an action applied and the instruction count returned.
#
#   bench/pipeline_steps.sh BUILD_DIR [STEPS=200]
set -euo pipefail
BUILD=$(cd "$1" && pwd)
STEPS=${2:-200}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for prog in demo/demo.c bigprog/bigprog.c; do
  name=$(basename "$prog" .c)
  clang-22 -O0 -Xclang -disable-O0-optnone -S -emit-llvm \
    "$ROOT/examples/$prog" -o "$WORK/$name.ll"
  printf '%-8s ' "$name"
  "$BUILD/bench/switchyard-bench-pipeline" --socket "$WORK/s" --steps "$STEPS" -- \
    opt-22 -load-pass-plugin="$BUILD/plugin/libSwitchyard.so" \
    -passes=switchyard-pipeline "$WORK/$name.ll" -o /dev/null
done
