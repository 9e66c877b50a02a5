#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# The main job: compile examples/demo/demo.c with clang -O2 while a
# switchyard-agent makes the pass-gate decisions, and compare the decisions
# and the IR they produce against the compiler's default.
set -euo pipefail

build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
plugin=$build/plugin/libSwitchyard.so
agent=$build/agent_sdk/switchyard-agent
src=$root/examples/demo/demo.c
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run_policy() { # name policy [args...]
  local name=$1 policy=$2
  shift 2
  "$agent" --socket "$work/agent.sock" --policy "$policy" --print-reports \
    --log "$work/$name.log" "$@" -- \
    clang-22 -O2 -fpass-plugin="$plugin" -c "$src" -o "$work/$name.o" \
    2> "$work/$name.err"
  clang-22 -O2 -fpass-plugin="$plugin" "$work/$name.o" -lm -o "$work/$name.exe"
}

ir_count() { # object-less count of the optimized IR's instructions
  clang-22 -O2 -S -emit-llvm "$src" -o - |
    grep -cE '^\s+(%[^ ]+ = )?[a-z]' || true
}

echo "== Switchyard demo: clang-22 -O2 on examples/demo/demo.c"
clang-22 -O2 -c "$src" -o "$work/plain.o"

run_policy default default
run_policy size "script:$root/examples/demo/size.rules"
run_policy random random --seed 42

if cmp -s "$work/plain.o" "$work/default.o"; then
  identical="byte-identical to plain clang -O2"
else
  identical="DIFFERENT from plain clang -O2 (a bug)"
fi

printf '\n%-8s %10s %9s %9s %9s %10s %8s  %s\n' policy decisions changed \
  "IR before" "IR after" ".text" "agent ms" "self-check"
for name in default size random; do
  report=$(grep 'report: module' "$work/$name.err" | head -1)
  decisions=$(wc -l < "$work/$name.log")
  changed=$(grep -o '(changed [0-9]*)' <<< "$report" | tr -dc '0-9\n' |
    awk '{ n += $1 } END { print n + 0 }')
  before=$(sed -n 's/.*IR instructions \([0-9]*\) -> .*/\1/p' <<< "$report")
  after=$(sed -n 's/.*IR instructions [0-9]* -> \([0-9]*\).*/\1/p' <<< "$report")
  wait_ms=$(sed -n 's/.*agent wait \([0-9.]*\) ms.*/\1/p' <<< "$report")
  text=$(size -A "$work/$name.o" | awk '$1==".text"{print $2}')
  check=$("$work/$name.exe" | tail -1)
  printf '%-8s %10s %9s %9s %9s %10s %8s  %s\n' "$name" "$decisions" \
    "$changed" "$before" "$after" "$text" "$wait_ms" "$check"
done

echo
echo "The 'default' policy answered every decision with the compiler's"
echo "default: its object is $identical."
for name in size random; do
  echo "Decisions per kind ($name policy):"
  grep 'report: module' "$work/$name.err" | head -1 | cut -d';' -f2- |
    tr ';' '\n' | sed 's/^ */  /'
done
echo "Skipped passes (size policy):"
grep -o '"pass":"[^"]*"[^}]*}[^}]*"answer":"skip"' "$work/size.log" |
  sed 's/"pass":"\([^"]*\)".*/  \1/' | sort | uniq -c
