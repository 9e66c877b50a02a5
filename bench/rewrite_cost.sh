#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# What one rewrite decision costs (bench/README.md).
#
#   bench/rewrite_cost.sh [BUILD] [REPS]
#
# On examples/bigprog/bigprog.c optimized at -O2 (where the catalog's rules
# match at hundreds of instructions), times `opt-22 -passes=switchyard-rewrite`
# REPS times (default 7), interleaved, in three ways: not subscribed (an
# in-process script that subscribes to inline only: the plugin loaded and
# its rules parsed, the pass returns at once), every site
# asked of the in-process default policy (matching and features, no wire),
# and every site asked of a switchyard-agent over its socket. Prints the
# medians and, divided by the number of decisions, the cost of one.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$root/build}")
reps=${2:-7}
plugin=$build/plugin/libSwitchyard.so
agent=$build/agent_sdk/switchyard-agent
work=$(mktemp -d /tmp/switchyard-rewrite-cost.XXXXXX)
trap 'rm -rf "$work"' EXIT

clang-22 -O0 -Xclang -disable-O0-optnone -emit-llvm -c \
  "$root/examples/bigprog/bigprog.c" -o "$work/O0.bc"
opt-22 -passes='default<O2>' "$work/O0.bc" -o "$work/in.bc"
insts=$(opt-22 -S "$work/in.bc" | awk '/^define /{f=1; next} f && /^}/{f=0} f && /^ +[^ ;]/{n++} END{print n+0}')
decisions=$("$agent" --socket "$work/a.s" --policy default -- \
  opt-22 -load-pass-plugin="$plugin" -passes=switchyard-rewrite \
  "$work/in.bc" -o /dev/null 2>&1 | sed -n 's/.*(rewrite \([0-9]*\)).*/\1/p')

# The pass's own CPU time (user + system) from -time-passes, in us: the
# whole compile's wall time on a shared machine is too noisy for this.
pass_us() {
  awk '$NF == "SwitchyardRewritePass" { gsub(/\([^)]*\)/, ""); t = $3 * 1e6 }
       END { printf "%d", t }'
}
run_off() { SWITCHYARD_POLICY=script:$work/off.script SWITCHYARD_HOOKS=rewrite opt-22 \
  -load-pass-plugin="$plugin" -passes=switchyard-rewrite -time-passes \
  "$work/in.bc" -o /dev/null 2>&1 | pass_us; }
run_inproc() { SWITCHYARD_POLICY=default SWITCHYARD_HOOKS=rewrite opt-22 \
  -load-pass-plugin="$plugin" -passes=switchyard-rewrite -time-passes \
  "$work/in.bc" -o /dev/null 2>&1 | pass_us; }
run_socket() { SWITCHYARD_HOOKS=rewrite "$agent" -q --socket "$work/b.s" \
  --policy default -- opt-22 -load-pass-plugin="$plugin" \
  -passes=switchyard-rewrite -time-passes "$work/in.bc" -o /dev/null 2>&1 \
  | pass_us; }

declare -A t
for ((r = 0; r < reps; r++)); do
  for mode in off inproc socket; do
    v=$("run_$mode" || true)
    t[$mode]+="$v "
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
off=$(echo "${t[off]}" | median)
inproc=$(echo "${t[inproc]}" | median)
sock=$(echo "${t[socket]}" | median)
echo "bigprog at -O2: $insts instructions, $decisions rewrite decisions (sites where a rule matches)"
echo "SwitchyardRewritePass CPU time, median of $reps: not subscribed ${off} us, in-process ${inproc} us, socket ${sock} us"
awk -v d="$decisions" -v o="$off" -v i="$inproc" -v s="$sock" 'BEGIN {
  printf "per decision: in-process %.2f us, socket %.2f us\n", (i - o) / d, (s - o) / d }'
