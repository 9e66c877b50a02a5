#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Random search over pass order, with and without rewrite choices, on the
# bundled suite (docs/results.md, "Pass order plus rewrite rules").
#
#   bench/rewrite_search.sh [BUILD] [SEEDS] [PROGRAMS...]
#
# For each program and each seed 1..SEEDS (default 4), two clang-22 -O2
# builds with SWITCHYARD_PIPELINE=replace and the in-process random policy
# (SWITCHYARD_POLICY=random:SEED): "order" offers pass-pipeline alone (a
# random pass order per module); "order+rewrite" offers pass-pipeline and
# rewrite, so the episode may run switchyard-rewrite and every rewrite site
# gets a random legal answer (a rule or none). Each arm keeps its build
# with the fewest IR instructions, among builds whose binary prints the
# program's -O0 output (validated); .text is that build's, with codegen at
# -O2 and no further IR passes. Every build uses -ffp-contract=off, so
# that floating point rounds alike at -O0 and -O2. Prints one row per program and the geomean
# ratios. About 15 minutes with 4 seeds on an idle 2-core machine (40 on the
# shared one at load 12-18).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$root/build}")
seeds=${2:-4}
shift $(( $# > 2 ? 2 : $# ))
programs=("$@")
((${#programs[@]})) || programs=("$root"/examples/suite/*.c)
plugin=$build/plugin/libSwitchyard.so
work=$(mktemp -d /tmp/switchyard-rewrite-search.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Instructions in the bodies of an .ll file's functions.
count_ir() {
  awk '/^define /{f=1; next} f && /^}/{f=0} f && /^ +[^ ;]/{n++} END{print n+0}' "$1"
}

text_size() {
  size -A "$1" | awk '$1 == ".text" {print $2}'
}

printf '| benchmark | order: best IR | order+rewrite: best IR | IR ratio | order: .text | order+rewrite: .text | .text ratio | rewrites applied | valid |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|---|\n'
logsum_ir=0 logsum_text=0 n=0
for src in "${programs[@]}"; do
  name=$(basename "$src" .c)
  clang-22 -O0 -w -ffp-contract=off "$src" -lm -o "$work/$name.O0"
  ref=$(timeout 30 "$work/$name.O0" 2>/dev/null; echo "rc=$?")
  declare -A best_ir=() best_text=() best_rw=()
  for arm in order order+rewrite; do
    hooks=pass-pipeline
    [[ $arm == order+rewrite ]] && hooks=pass-pipeline,rewrite
    for ((s = 1; s <= seeds; s++)); do
      out=$work/$name.$s
      env SWITCHYARD_PIPELINE=replace SWITCHYARD_HOOKS=$hooks \
        SWITCHYARD_POLICY=random:$s \
        clang-22 -O2 -w -ffp-contract=off -fpass-plugin="$plugin" -S -emit-llvm "$src" \
        -Rpass=switchyard -o "$out.ll" 2> "$out.err" || continue
      clang-22 -O2 -w -Xclang -disable-llvm-optzns -c "$out.ll" -o "$out.o"
      clang-22 "$out.o" -lm -o "$out.bin"
      got=$(timeout 30 "$out.bin" 2>/dev/null; echo "rc=$?")
      [[ $got == "$ref" ]] || { echo "INVALID $name $arm seed $s" >&2; continue; }
      ir=$(count_ir "$out.ll")
      if [[ -z ${best_ir[$arm]-} || $ir -lt ${best_ir[$arm]} ]]; then
        best_ir[$arm]=$ir
        best_text[$arm]=$(text_size "$out.o")
        best_rw[$arm]=$(grep -c "for rewrite at" "$out.err" || true)
      fi
    done
  done
  a=${best_ir[order]-} b=${best_ir[order+rewrite]-}
  if [[ -z $a || -z $b ]]; then
    printf '| %s | %s | %s | | | | | | no |\n' "$name" "${a:--}" "${b:--}"
    continue
  fi
  ta=${best_text[order]} tb=${best_text[order+rewrite]}
  read -r rir rtext < <(awk -v a="$a" -v b="$b" -v c="$ta" -v d="$tb" \
    'BEGIN { printf "%.3f %.3f\n", a / b, c / d }')
  printf '| %s | %d | %d | %s× | %d | %d | %s× | %s | yes |\n' "$name" "$a" "$b" \
    "$rir" "$ta" "$tb" "$rtext" "${best_rw[order+rewrite]}"
  logsum_ir=$(awk -v s="$logsum_ir" -v r="$rir" 'BEGIN{print s + log(r)}')
  logsum_text=$(awk -v s="$logsum_text" -v r="$rtext" 'BEGIN{print s + log(r)}')
  n=$((n + 1))
  unset best_ir best_text best_rw
done
awk -v a="$logsum_ir" -v b="$logsum_text" -v n="$n" 'BEGIN {
  printf "\ngeomean over %d programs: IR order / order+rewrite %.3f×, .text %.3f× (above 1: the rewrite arm is smaller)\n",
    n, exp(a / n), exp(b / n) }'
