#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Differential testing: no miscompiles from Switchyard.
#
#   scripts/differential.sh [SEEDS] [PROGRAMS...]
#
# Builds each C program with clang-22 -O2 and the plugin while a
# switchyard-agent with the random policy makes the decisions, for every seed
# and mode, runs the binary, and compares its stdout and exit status with the
# program's -O0 build. Every build, -O0 included, uses -ffp-contract=off, so
# that floating point is bit for bit the same at -O0 and -O2 (with FMA
# contraction on, -O2 constant-folds a*b+c fused and -O0 does not); programs
# that compute in floating point print their results exactly, so a
# reassociated reduction shows. A plain -O2 build of each program, without
# the plugin, must print its -O0 output too, or the comparison means nothing
# for that program (PLAIN-DIFFERENT). Modes:
#   gate     every decision kind on (SWITCHYARD_HOOKS unset): the pass gate
#            skips a random half of the optional passes of -O2, and inline,
#            loop and other decisions get random legal answers;
#   replace  SWITCHYARD_PIPELINE=replace: the -O2 pipeline's optional passes
#            are replaced by a random switchyard-pipeline episode per module.
#   only-KIND  SWITCHYARD_HOOKS=KIND: only that decision kind is offered (e.g.
#            only-loop-vectorize), every other decision is LLVM's. Not in the
#            default MODES; it finds a kind's bugs far more often than gate
#            mode, where the random answers of the other kinds (skipped
#            passes, unroll counts that spend the growth budget) hide them.
#
# SEEDS: N (seeds 1..N), A-B, or a list a,b,c. Default 20.
# PROGRAMS: C files, or directories holding one multi-file program (all its
# *.c). Default: examples/bigprog/bigprog.c, examples/demo/demo.c,
# examples/multifile/, and every examples/suite/*.c there is.
#
# Environment: CFLAGS (more flags for every build, -O0 included: e.g.
# -I/usr/include/csmith for csmith's programs), BUILD (build dir, default build), PLUGIN and AGENT (override
# the paths in BUILD), MODES (default "gate replace"), JOBS (builds at once,
# default 2), OUT (where the summary and every difference go; default a new
# /tmp/switchyard-diff.*), RUN_TIMEOUT (s per run, default 30),
# COMPILE_CPU_LIMIT (CPU seconds per compiler process, default 60; a plain
# clang-22 -O2 of the largest example takes about 3), COMPILE_TIMEOUT (wall
# seconds per build, a backstop, default 1800). The limit is on CPU time, not
# wall time, so that a busy machine does not turn slow builds into failures.
#
# A difference (other output, exit status, crash or timeout), a compile that
# fails or passes its limits (COMPILE-SLOW), and one that fell back to
# default decisions (a switchyard warning) are each saved under
# OUT/failures/PROGRAM-MODE-sSEED/ with the agent's log, the episodes
# (replace mode), the compiler's stderr, both outputs, the binary, repro.sh,
# replay.rules and pipeline.txt (see triage below). Exits 1 if there is any.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
PLUGIN=$(realpath -m "${PLUGIN:-$build/plugin/libSwitchyard.so}")
AGENT=$(realpath -m "${AGENT:-$build/agent_sdk/switchyard-agent}")
export PLUGIN AGENT
MODES=${MODES:-gate replace}
for mode in $MODES; do
  [[ $mode =~ ^(gate|replace|only-(pass-gate|inline|loop-unroll|loop-vectorize|loop-distribute|licm|rewrite))$ ]] || {
    echo "differential: unknown mode '$mode' (gate, replace, only-KIND)" >&2
    exit 2
  }
done
JOBS=${JOBS:-2}
export RUN_TIMEOUT=${RUN_TIMEOUT:-30}
export COMPILE_TIMEOUT=${COMPILE_TIMEOUT:-1800}
export COMPILE_CPU_LIMIT=${COMPILE_CPU_LIMIT:-60}
export CC=${CC:-clang-22}
# In every build: no FMA contraction, so -O0 and -O2 round alike.
export FPFLAGS="-ffp-contract=off${CFLAGS:+ $CFLAGS}"

[[ -f $PLUGIN && -x $AGENT ]] || {
  echo "differential: no plugin or agent (build first, or set BUILD)" >&2
  exit 2
}
command -v "$CC" > /dev/null || { echo "differential: needs $CC" >&2; exit 2; }

seeds=()
spec=${1:-20}
[[ $# -gt 0 ]] && shift
if [[ $spec =~ ^[0-9]+$ ]]; then
  for ((s = 1; s <= spec; s++)); do seeds+=("$s"); done
elif [[ $spec =~ ^([0-9]+)-([0-9]+)$ ]]; then
  for ((s = BASH_REMATCH[1]; s <= BASH_REMATCH[2]; s++)); do seeds+=("$s"); done
elif [[ $spec =~ ^[0-9]+(,[0-9]+)*$ ]]; then
  IFS=, read -r -a seeds <<< "$spec"
else
  echo "differential: SEEDS must be N, A-B or a,b,c; got '$spec'" >&2
  exit 2
fi

programs=("$@")
if ((${#programs[@]} == 0)); then
  shopt -s nullglob
  programs=("$root/examples/bigprog/bigprog.c" "$root/examples/demo/demo.c"
            "$root/examples/multifile" "$root"/examples/suite/*.c)
  shopt -u nullglob
fi

export OUT=${OUT:-$(mktemp -d /tmp/switchyard-diff.XXXXXX)}
mkdir -p "$OUT/failures" "$OUT/results" "$OUT/programs"
# Sockets live in a short path of their own: OUT may be deep.
export SOCKDIR=$(mktemp -d /tmp/sydiff.XXXXXX)
trap 'rm -rf "$SOCKDIR"' EXIT

# Each program: a name, its sources (one file per line) and its -O0 output;
# and a check that a plain -O2 build prints the same.
names=() plain_bad=()
for p in "${programs[@]}"; do
  if [[ -d $p ]]; then
    name=$(basename "$p")
    srcs=("$(cd "$p" && pwd)"/*.c)
  elif [[ -f $p ]]; then
    name=$(basename "$p" .c)
    srcs=("$(cd "$(dirname "$p")" && pwd)/$(basename "$p")")
  else
    echo "differential: no program '$p'" >&2
    exit 2
  fi
  base=$name n=2
  while [[ " ${names[*]-} " == *" $name "* ]]; do
    name=$base-$((n++))
  done
  pdir=$OUT/programs/$name
  mkdir -p "$pdir"
  printf '%s\n' "${srcs[@]}" > "$pdir/sources"
  if ! "$CC" -O0 $FPFLAGS "${srcs[@]}" -lm -o "$pdir/O0" 2> "$pdir/O0.err"; then
    echo "differential: $name does not build at -O0; skipped" >&2
    cat "$pdir/O0.err" >&2
    continue
  fi
  rc=0
  timeout "$RUN_TIMEOUT" "$pdir/O0" > "$pdir/O0.out" 2> /dev/null || rc=$?
  echo "$rc" > "$pdir/O0.rc"
  names+=("$name")
  rc=0
  if ! "$CC" -O2 $FPFLAGS "${srcs[@]}" -lm -o "$pdir/O2" 2> "$pdir/O2.err"; then
    plain_bad+=("$name")
  else
    timeout "$RUN_TIMEOUT" "$pdir/O2" > "$pdir/O2.out" 2> /dev/null || rc=$?
    if [[ $rc != "$(cat "$pdir/O0.rc")" ]] || ! cmp -s "$pdir/O2.out" "$pdir/O0.out"; then
      plain_bad+=("$name")
    fi
  fi
  if [[ " ${plain_bad[*]-} " == *" $name "* ]]; then
    echo "differential: $name: a plain $CC -O2 $FPFLAGS build does not print its -O0 output" \
      "(see $pdir)" >&2
  fi
done

# Turns a failure's agent log into material for reducing it: replay.rules
# (a script policy giving the same answers; all but pipeline answers keyed
# by their stable site id, so rules can be deleted one by one without
# shifting the others) and, for pipeline episodes, pipeline.txt: each
# module's episode as a stock opt-22 -passes pipeline, wrapped the way the
# plugin wraps actions (hooks/ActionSpace.cpp; keep the two in step), even
# when the compile crashed before the plugin could write its episode file.
triage() { # DIR
  python3 - "$1" << 'PY' || true
import json, re, subprocess, sys
d = sys.argv[1]
rules, episodes = [], {}
for line in open(d + "/agent.log"):
    r = json.loads(line)
    a, mod = r["answer"], r["module"]
    if r["kind"] != "pass-pipeline":
        if a not in ("default", r["default"]):
            rules.append("%s module=%s site=%d => %s" % (r["kind"], mod,
                                                         r["site"], a))
    else:
        rules.append("pass-pipeline module=%s index=%d => %s" % (mod, r["index"], a))
        if a not in ("default", "stop"):
            episodes.setdefault(mod, []).append(a)
rules.append("pass-pipeline => stop")
open(d + "/replay.rules", "w").write("\n".join(rules) + "\n")
if episodes:
    text = subprocess.run(["opt-22", "--print-passes"], capture_output=True,
                          text=True).stdout
    level, sec = {}, None
    for l in text.splitlines():
        if not l.startswith(" "):
            low = l.lower()
            sec = next((k for k in ("module", "cgscc", "function", "loop")
                        if low.startswith(k) and "passes" in low), None)
        elif sec:
            level.setdefault(re.split(r"[<(]", l.strip())[0], sec)
    wrap = {"module": "%s", "cgscc": "cgscc(%s)", "function": "function(%s)",
            "loop": "function(loop(%s))"}
    mssa = ("licm", "lnicm")  # the loop actions that run in loop-mssa
    # As the plugin does (hooks/ActionSpace.cpp): bare instcombine runs
    # without its aborting fixpoint check.
    fix = {"instcombine": "instcombine<no-verify-fixpoint>"}
    with open(d + "/pipeline.txt", "w") as f:
        for mod, acts in episodes.items():
            steps = []
            for a in acts:
                bare = re.split(r"[<(@ ]", a)[0]
                w = wrap[level.get(bare, "module")]
                if bare in mssa:
                    w = "function(loop-mssa(%s))"
                steps.append(w % fix.get(a, a))
            f.write("# %s\n%s\n" % (mod, ",".join(steps)))
PY
}
export -f triage

# One build and run: PROGRAM MODE SEED. Writes one result line.
run_case() {
  local name=$1 mode=$2 seed=$3
  local id=$name-$mode-s$seed pdir=$OUT/programs/$name
  local dir=$OUT/work/$id sock=$SOCKDIR/$id.s
  rm -rf "$dir"
  mkdir -p "$dir"
  mapfile -t srcs < "$pdir/sources"
  local envs=()
  if [[ $mode == replace ]]; then
    envs=(SWITCHYARD_PIPELINE=replace SWITCHYARD_PIPELINE_OUT="$dir/episodes")
  elif [[ $mode == only-* ]]; then
    envs=(SWITCHYARD_HOOKS="${mode#only-}")
  fi
  local status=PASS crc=0 rc=0 t0 secs
  t0=$(date +%s.%N)
  # The CPU limit binds each process (the agent too, which needs far less).
  ( ulimit -t "$COMPILE_CPU_LIMIT"
    exec env "${envs[@]}" timeout "$COMPILE_TIMEOUT" "$AGENT" --socket "$sock" \
      --policy random --seed "$seed" --log "$dir/agent.log" -- \
      "$CC" -O2 $FPFLAGS -fno-crash-diagnostics -fpass-plugin="$PLUGIN" "${srcs[@]}" \
      -lm -o "$dir/bin" 2> "$dir/compile.err" ) || crc=$?
  secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  if ((crc == 124)) || grep -qE 'unable to execute command: (Killed|CPU time)|CPU time limit exceeded' \
      "$dir/compile.err"; then
    status=COMPILE-SLOW
  elif ((crc != 0)); then
    status=COMPILE-FAIL
  elif grep -q 'warning: switchyard' "$dir/compile.err"; then
    status=FALLBACK
  else
    timeout "$RUN_TIMEOUT" "$dir/bin" > "$dir/out" 2> /dev/null || rc=$?
    if ((rc == 124)); then
      status=TIMEOUT
    elif [[ $rc != "$(cat "$pdir/O0.rc")" ]] || ! cmp -s "$dir/out" "$pdir/O0.out"; then
      status=DIFFERENT
    fi
  fi
  local decisions changed
  decisions=$(wc -l < "$dir/agent.log" 2> /dev/null || echo 0)
  changed=$(sed -nE 's/.*"default":"([^"]*)","answer":"([^"]*)"\}$/\1\t\2/p' \
              "$dir/agent.log" 2> /dev/null |
            awk -F'\t' '$2 != "default" && $2 != $1 { n++ } END { print n + 0 }')
  if [[ $status != PASS ]]; then
    local keep=$OUT/failures/$id
    rm -rf "$keep"
    mv "$dir" "$keep"
    cp "$pdir/O0.out" "$keep/O0.out"
    {
      echo "#!/bin/sh"
      echo "# $status: $name, mode $mode, seed $seed (compile exit $crc after $secs s;" \
        "program exit $rc, -O0 exit $(cat "$pdir/O0.rc"))"
      printf 'env %s %q --socket /tmp/repro.s --policy random --seed %s --log agent.log -- \\\n' \
        "${envs[*]/#SWITCHYARD_PIPELINE_OUT=*/SWITCHYARD_PIPELINE_OUT=episodes}" "$AGENT" "$seed"
      printf '  %s -O2 %s -fpass-plugin=%q %s -lm -o bin\n' "$CC" "$FPFLAGS" "$PLUGIN" "${srcs[*]}"
      echo "./bin > out; cmp out O0.out"
    } > "$keep/repro.sh"
    chmod +x "$keep/repro.sh"
    triage "$keep"
  else
    rm -rf "$dir"
  fi
  printf '%-8s %-14s %-8s seed %-4s %6s decisions, %6s changed, %6s s\n' \
    "$status" "$name" "$mode" "$seed" "$decisions" "$changed" "$secs" |
    tee "$OUT/results/$id.txt"
}
export -f run_case

echo "differential: ${#names[@]} programs (${names[*]}), seeds ${seeds[*]}," \
  "modes $MODES; results in $OUT"
start=$(date +%s)
for name in "${names[@]}"; do
  for mode in $MODES; do
    for seed in "${seeds[@]}"; do
      printf '%s %s %s\n' "$name" "$mode" "$seed"
    done
  done
done | xargs -P "$JOBS" -n 3 bash -c 'run_case "$@"' run_case
rmdir "$OUT/work" 2> /dev/null || true
elapsed=$(($(date +%s) - start))

cat "$OUT"/results/*.txt | sort -k2,2 -k3,3 -k5,5n > "$OUT/results.txt"
total=$(wc -l < "$OUT/results.txt")
passed=$(grep -c '^PASS ' "$OUT/results.txt" || true)
decisions=$(awk '{ d += $6 } END { print d + 0 }' "$OUT/results.txt")
changed=$(awk '{ c += $8 } END { print c + 0 }' "$OUT/results.txt")
{
  echo "differential: ${#names[@]} programs x ${#seeds[@]} seeds x modes ($MODES)"
  echo "differential: seeds ${seeds[*]}"
  echo "differential: $total builds in $elapsed s, $passed same as -O0," \
    "$((total - passed)) failures"
  echo "differential: $decisions decisions, $changed changed by the agent"
  echo "differential: plain -O2 $FPFLAGS: ${#names[@]} builds," \
    "$((${#names[@]} - ${#plain_bad[@]})) same as -O0"
  grep -v '^PASS ' "$OUT/results.txt" | sed 's/^/differential: failure: /' || true
  for name in "${plain_bad[@]}"; do
    echo "differential: failure: PLAIN-DIFFERENT $name (without the plugin)"
  done
} | tee "$OUT/summary.txt"
((passed == total && ${#plain_bad[@]} == 0))
