#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# research_demo.sh - The researcher's demo: a short random search for pass
# orders over part of the bundled suite, the results table against -Oz, and
# for each benchmark the best action sequence with its equivalent plain
# `opt-22 -passes=...` command; then a greedy search for `.text` bytes from
# -Oz's own pipeline, over pass order and inline/unroll answers at once.
# Every sequence shown is validated: replayed without Switchyard it gives
# the same instruction count, and the program built from it passes its
# self-check. About 3 minutes.
#
#   scripts/research_demo.sh BUILD_DIR
#
# DEMO_BENCHMARKS (comma-separated names or globs) and DEMO_BUDGET (seconds
# of search per benchmark) change what it does.
set -euo pipefail

if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
benchmarks=${DEMO_BENCHMARKS:-sha256,huffman,lzw,json,regex,bytecode,demo}
budget=${DEMO_BUDGET:-10}

python=/usr/bin/python3
[[ -x $python ]] || python=python3
[[ -f $build/plugin/libSwitchyard.so ]] ||
  { echo "$0: no plugin in $build (build first)" >&2; exit 1; }
[[ -f $build/agent_sdk/python/gen/switchyard/fb/__init__.py ]] ||
  { echo "$0: no generated Python protocol code in $build" >&2; exit 1; }

export PYTHONPATH=$root/agent_sdk/python:$build/agent_sdk/python/gen
export SWITCHYARD_BUILD_DIR=$build
export PYTHONDONTWRITEBYTECODE=1

cat <<EOF
== Switchyard research demo: random search for pass orders (LLVM 22)
Each benchmark is a C program of examples/suite compiled to unoptimized
bitcode; the agent drives opt-22 -passes=switchyard-pipeline from Python
(switchyard.env.PassPipelineEnv) for ${budget}s per benchmark, to minimize
the IR instruction count. "IR vs -Oz" is -Oz's count divided by ours: above
1.000x the agent beat -Oz. Benchmarks: $benchmarks

EOF
start=$(date +%s)
status=0
"$python" -m switchyard run --agent random --budget-seconds "$budget" \
  --benchmarks "$benchmarks" --shorten-seconds 5 --show-sequences || status=$?
cat <<EOF

== Bytes, not instructions: greedy search for .text from -Oz's own pipeline
The same benchmarks, now optimizing .text bytes of the object directly
(switchyard.search): start from default<Oz> as a flat action sequence,
try every action appended and every other inline/loop-unroll answer at the
sites its passes asked about, keep the best, ${budget}s per benchmark.
Each best plan is measured again from scratch without the search (plain
opt-22, or its script in the plugin's in-process policy) and self-checked.

EOF
"$python" "$root/bench/size_search.py" --agents greedy \
  --budget-seconds "$budget" --benchmarks "$benchmarks" || status=$?
echo
echo "Done in $(( $(date +%s) - start ))s. Any command above reproduces its"
echo "result with plain opt-22, without Switchyard. More: docs/python.md;"
echo "the whole suite with random and greedy search: docs/results.md."
exit $status
