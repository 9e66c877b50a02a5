#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# model_overhead.sh - What a learned policy costs a clang -Oz compile.
#
#   bench/model_overhead.sh BUILD_DIR MODEL_FILE [MODEL_FILE...] [REPS]
#   COUNTER=callgrind bench/model_overhead.sh BUILD_DIR MODEL_FILE... [REPS]
#
# For the largest bundled program (examples/bigprog/bigprog.c) and a
# generated translation unit of 26,000 lines (bench/gen_tu.py), compiles
# these variants:
#   plain   clang-22 -Oz -c
#   inert   clang-22 -Oz -fpass-plugin=libSwitchyard.so -c, nothing configured
#   model   the same with SWITCHYARD_POLICY=model:MODEL_FILE (strict: a bad
#           model fails); model1, model2, ... with several model files
# The objects are compared with plain's, to show whether the model changed
# any decision (a model that agrees with the compiler isolates its cost).
#
# COUNTER=time (the default): REPS (default 11) interleaved runs of each,
# alternating the order, and the medians (min-max) of CPU time (user+sys),
# wall time and, where `perf stat` has the counter, user-space instructions.
#
# COUNTER=callgrind: instructions executed by the whole compile, counted by
# valgrind's callgrind (clang-22 runs cc1 in its own process, so this is
# driver, front end, optimizer, plugin and code generator). The count does
# not depend on the machine's load or clock; REPS defaults to 1 (REPS=2
# shows the run-to-run difference). KEEP=DIR keeps the callgrind files
# (DIR/<input>.<variant>.<rep>.cg) for callgrind_annotate --inclusive=yes.
# The compiles run JOBS at a time (default 2): a count does not depend on
# what else the machine runs.
#
# ONLY="a.c b.c" measures these inputs instead; VARIANTS_ONLY="plain
# model1" only these variants.
set -euo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: [COUNTER=time|callgrind] $0 BUILD_DIR MODEL_FILE..." \
       "[REPS]" >&2
  exit 2
fi
BUILD=$(cd "$1" && pwd)
shift
ARG_REPS=
if [[ $# -gt 1 && ${!#} =~ ^[0-9]+$ ]]; then
  ARG_REPS=${!#}
  set -- "${@:1:$#-1}"
fi
MODELS=()
for m in "$@"; do
  MODELS+=("$(cd "$(dirname "$m")" && pwd)/$(basename "$m")")
done
COUNTER=${COUNTER:-time}
case $COUNTER in
  time) DEFAULT_REPS=11 ;;
  callgrind) DEFAULT_REPS=1 ;;
  *) echo "COUNTER must be time or callgrind, not '$COUNTER'" >&2; exit 2 ;;
esac
REPS=${ARG_REPS:-${REPS:-$DEFAULT_REPS}}
JOBS=${JOBS:-2}
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLANG=${CLANG:-clang-22}
PLUGIN=$BUILD/plugin/libSwitchyard.so
PY=${PYTHON:-/usr/bin/python3}
VARIANTS=(plain inert)
declare -A MODEL_OF
if [[ ${#MODELS[@]} -eq 1 ]]; then
  VARIANTS+=(model)
  MODEL_OF[model]=${MODELS[0]}
else
  for i in "${!MODELS[@]}"; do
    VARIANTS+=("model$((i + 1))")
    MODEL_OF[model$((i + 1))]=${MODELS[$i]}
  done
fi
# VARIANTS_ONLY="plain model1" measures only these (plain is always kept:
# the ratios are to it).
if [[ -n ${VARIANTS_ONLY:-} ]]; then
  kept=(plain)
  for v in "${VARIANTS[@]:1}"; do
    [[ " $VARIANTS_ONLY " == *" $v "* ]] && kept+=("$v")
  done
  VARIANTS=("${kept[@]}")
fi
while read -r var; do unset "$var"; done < <(compgen -e | grep '^SWITCHYARD_' || true)

PERF=
# Only where the counter works (not in most VMs: "<not supported>").
if [[ $COUNTER == time ]] && perf stat -x, -e instructions:u true 2>&1 \
    >/dev/null | grep -q '^[0-9]*,,instructions'; then
  PERF=1
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [[ -n ${KEEP:-} ]]; then
  mkdir -p "$KEEP"
  KEEP=$(cd "$KEEP" && pwd)
fi
INPUTS=("$SRC/examples/bigprog/bigprog.c" "$WORK/big_tu.c")
# ONLY="a.c b.c" measures these inputs instead.
if [[ -n ${ONLY:-} ]]; then
  read -r -a INPUTS <<< "$ONLY"
else
  "$PY" "$SRC/bench/gen_tu.py" "$WORK/big_tu.c" 26000
fi

# Compiles input $1 as variant $2 into $WORK/<input>.$2.o, the measuring
# command ($3...) in front of clang.
compile() {
  local input=$1 variant=$2
  shift 2
  local cmd=("$CLANG")
  [[ $variant != plain ]] && cmd+=(-fpass-plugin="$PLUGIN")
  cmd+=(-Oz -c "$input" -o "$WORK/$(basename "$input" .c).$variant.o")
  local vars=()
  [[ $variant == model* ]] &&
    vars=(SWITCHYARD_POLICY="model:${MODEL_OF[$variant]}"
          SWITCHYARD_ON_FAILURE=error)
  env "${vars[@]}" "$@" "${cmd[@]}"
}

# Appends one measurement of input $1, variant $2 (repetition $3) to
# $WORK/<input>.<variant>: "cpu wall Minsn" (time) or "Minsn" (callgrind).
run() {
  local input=$1 variant=$2 rep=$3 name
  name=$(basename "$input" .c)
  if [[ $COUNTER == callgrind ]]; then
    local out=$WORK/$name.$variant.$rep.cg log=$WORK/$name.$variant.$rep.log
    [[ -n ${KEEP:-} ]] && out=$KEEP/$name.$variant.$rep.cg
    compile "$input" "$variant" valgrind --tool=callgrind -q \
      --callgrind-out-file="$out" 2>"$log" || { cat "$log" >&2; return 1; }
    # The "totals:" line: every instruction executed, in every function.
    awk '/^totals:/ {printf "%.3f\n", $2 / 1e6}' "$out" \
      >> "$WORK/$name.$variant"
    return
  fi
  local perf=()
  [[ -n $PERF ]] && perf=(perf stat -x, -e instructions:u -o "$WORK/p")
  compile "$input" "$variant" /usr/bin/time -f "%U %S %e" -o "$WORK/t" \
    "${perf[@]}"
  local insns=0
  [[ -n $PERF ]] && insns=$(awk -F, '/instructions/ {print $1 / 1e6}' "$WORK/p")
  awk -v i="$insns" '{printf "%.3f %.3f %.1f\n", $1 + $2, $3, i}' "$WORK/t" \
    >> "$WORK/$name.$variant"
}

# Waits for every background compile; fails if one did.
wait_all() {
  wait
  [[ ! -e $WORK/failed ]]
}

stats() { # column $2 of file $1 -> "median (min-max)", or the value alone
  awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{v[NR]=$1}
    END {m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2;
         if (NR == 1) printf "%.3f", m;
         else printf "%.3f (%.3f-%.3f)", m, v[1], v[NR]}'
}
med() { awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{v[NR]=$1}
    END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

# One line: the three variants' statistics of column $2 and each one's
# ratio to plain's median, for input $1.
row() {
  local name=$1 col=$2 label=$3 digits=$4 line base
  base=$(med "$WORK/$name.plain" "$col")
  line=$(printf "  %-6s plain %s" "$label" "$(stats "$WORK/$name.plain" "$col")")
  for v in "${VARIANTS[@]:1}"; do
    line+=$(awk -v a="$base" -v b="$(med "$WORK/$name.$v" "$col")" \
              -v v="$v" -v s="$(stats "$WORK/$name.$v" "$col")" -v d="$digits" \
              'BEGIN {printf "  %s %s (x%." d "f)", v, s, b / a}')
  done
  echo "$line"
}

for v in "${VARIANTS[@]}"; do
  if [[ $v == model* ]]; then echo "$v: ${MODEL_OF[$v]}"; fi
done
if [[ $COUNTER == callgrind ]]; then
  echo "$REPS run(s) per variant under valgrind --tool=callgrind;" \
       "millions of instructions executed (xN: variant/plain)"
else
  echo "$REPS repetitions, interleaved; seconds: median (min-max)" \
       "(xN: variant/plain, of the medians)"
fi
for input in "${INPUTS[@]}"; do
  name=$(basename "$input" .c)
  lines=$(wc -l < "$input")
  for v in "${VARIANTS[@]}"; do : > "$WORK/$name.$v"; done
  if [[ $COUNTER == time ]]; then
    for v in "${VARIANTS[@]}"; do compile "$input" "$v"; done # warm up
  fi
  for ((i = 0; i < REPS; i++)); do
    order=("${VARIANTS[@]}")
    ((i % 2)) && for ((j = 0; j < ${#VARIANTS[@]}; j++)); do
      order[j]=${VARIANTS[${#VARIANTS[@]} - 1 - j]}
    done
    for v in "${order[@]}"; do
      if [[ $COUNTER == callgrind ]]; then
        # Counts do not depend on load: JOBS compiles at a time.
        while (($(jobs -rp | wc -l) >= JOBS)); do wait -n || true; done
        { run "$input" "$v" "$i" || touch "$WORK/failed"; } &
      else
        run "$input" "$v" "$i"
      fi
    done
  done
  wait_all
  objs=""
  for v in "${VARIANTS[@]:1}"; do
    cmp -s "$WORK/$name.plain.o" "$WORK/$name.$v.o" &&
      objs+=" $v: same object;" || objs+=" $v: object differs;"
  done
  echo "$name ($lines lines;${objs%;})"
  if [[ $COUNTER == callgrind ]]; then
    row "$name" 1 Minsn 4
    continue
  fi
  row "$name" 1 cpu 3
  row "$name" 2 wall 3
  if [[ -n $PERF ]]; then row "$name" 3 Minsn 4; fi
done
