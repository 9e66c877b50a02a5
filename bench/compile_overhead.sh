#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# compile_overhead.sh - What the plugin and agent round trips cost a compile.
#
#   bench/compile_overhead.sh BUILD_DIR [REPS]
#
# For each example program and for both hosts (opt-22 on -O0 bitcode, and
# clang-22 -O2 -c on the source), times three variants interleaved REPS times
# (default 7), rotating their order each repetition:
#   a  no plugin
#   b  the plugin loaded, SWITCHYARD_AGENT unset (inert)
#   c  the plugin and a `switchyard-agent --policy default`: every pass-gate
#      decision is a round trip
# and prints medians of wall time and of the compiler's CPU time, b/a, c/a,
# and (c - a) per decision, plus the plugin's own agent-wait clock per
# decision (from the module reports the timed agent prints) and the agent's
# CPU per decision. Decisions are counted from the --log of a separate,
# untimed run, so writing the log costs the timed runs nothing; the timed
# agent's count must then equal REPS times that. Any warning from a compile
# (a fallback to defaults) aborts the run.
# Environment: REPS, CLANG, OPT override the defaults.

set -euo pipefail

if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
  echo "usage: $0 BUILD_DIR [REPS]" >&2
  exit 2
fi
BUILD=$(cd "$1" && pwd)
REPS=${2:-${REPS:-7}}
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLANG=${CLANG:-clang-22}
OPT=${OPT:-opt-22}
PLUGIN=$BUILD/plugin/libSwitchyard.so
AGENT=$BUILD/agent_sdk/switchyard-agent
INPUTS=(bigprog/bigprog.c demo/demo.c)

for f in "$PLUGIN" "$AGENT"; do
  [[ -e $f ]] || { echo "$0: missing $f (build first)" >&2; exit 1; }
done
for t in "$CLANG" "$OPT"; do
  command -v "$t" >/dev/null || { echo "$0: $t not found" >&2; exit 1; }
done

# Nothing from the caller's environment may switch the plugin on or reshape it.
while read -r var; do unset "$var"; done < <(compgen -e | grep '^SWITCHYARD_' || true)

WORK=$(mktemp -d)
AGENT_PID=
cleanup() {
  if [[ -n $AGENT_PID ]]; then
    kill "$AGENT_PID" 2>/dev/null || true
    wait "$AGENT_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# The command line of variant $3 of host $2 on input $1 (a name in $WORK).
command_for() {
  local name=$1 host=$2 variant=$3 plugin_arg=()
  if [[ $host == opt ]]; then
    [[ $variant != a ]] && plugin_arg=(-load-pass-plugin="$PLUGIN")
    CMD=("$OPT" "${plugin_arg[@]}" -passes='default<O2>' "$WORK/$name.bc"
         -o /dev/null)
  else
    [[ $variant != a ]] && plugin_arg=(-fpass-plugin="$PLUGIN")
    CMD=("$CLANG" -O2 "${plugin_arg[@]}" -c "$SRC/examples/${INPUT_PATH[$name]}"
         -o "$WORK/$name.o")
  fi
}

now_ns() { date +%s%N; }

median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1}
  END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

declare -A INPUT_PATH DECISIONS SAMPLES CPU
NAMES=()
for input in "${INPUTS[@]}"; do
  name=$(basename "$input" .c)
  NAMES+=("$name")
  INPUT_PATH[$name]=$input
  "$CLANG" -O0 -Xclang -disable-O0-optnone -c -emit-llvm \
    "$SRC/examples/$input" -o "$WORK/$name.bc"
done

# Count the decisions of one compile per input and host, untimed.
for name in "${NAMES[@]}"; do
  for host in opt clang; do
    command_for "$name" "$host" c
    log=$WORK/$name.$host.log
    "$AGENT" --socket "$WORK/count.sock" --policy default --log "$log" \
      --quiet -- "${CMD[@]}"
    DECISIONS[$name/$host]=$(wc -l < "$log")
    if [[ ${DECISIONS[$name/$host]} -eq 0 ]]; then
      echo "$0: no decisions logged for $name with $host" >&2
      exit 1
    fi
  done
done

# One agent serves every timed compile of variant c.
SOCK=$WORK/agent.sock
"$AGENT" --socket "$SOCK" --policy default --print-reports 2>"$WORK/agent.err" &
AGENT_PID=$!
for _ in $(seq 100); do [[ -S $SOCK ]] && break; sleep 0.05; done
[[ -S $SOCK ]] || { echo "$0: the agent did not start" >&2; exit 1; }

# The compiler's own CPU time (user + sys) from bash's `time`: getrusage of
# the child, printed to the millisecond (bash's finest).
TIMEFORMAT='%3U %3S'
ORDERS=("a b c" "b c a" "c a b")
total=$((${#NAMES[@]} * 2 * 3 * REPS))
done_runs=0
block=0
for ((rep = 0; rep < REPS; ++rep)); do
  for name in "${NAMES[@]}"; do
    for host in opt clang; do
      # Rotate the order so no variant always runs first (or after another).
      for variant in ${ORDERS[$((block++ % 3))]}; do
        command_for "$name" "$host" "$variant"
        env=()
        [[ $variant == c ]] && env=(SWITCHYARD_AGENT="$SOCK")
        t0=$(now_ns)
        { time env "${env[@]}" "${CMD[@]}" 2>"$WORK/err"; } 2>"$WORK/cpu"
        t1=$(now_ns)
        # A warning means the plugin fell back to defaults without asking.
        if [[ -s $WORK/err ]]; then
          echo "$0: $name/$host/$variant printed:" >&2
          cat "$WORK/err" >&2
          exit 1
        fi
        read -r user sys < "$WORK/cpu"
        CPU[$name/$host/$variant]+="$(awk -v u="$user" -v s="$sys" \
          'BEGIN {printf "%d", (u + s) * 1e6}') "
        SAMPLES[$name/$host/$variant]+="$((t1 - t0)) "
        done_runs=$((done_runs + 1))
      done
    done
  done
  echo "repetition $((rep + 1))/$REPS done ($done_runs/$total compiles)" >&2
done

# utime + stime, in clock ticks: the agent's CPU for every timed decision.
agent_ticks=$(awk '{print $14 + $15}' "/proc/$AGENT_PID/stat")
kill "$AGENT_PID"
wait "$AGENT_PID" || true
AGENT_PID=
served=$(grep -o '[0-9]* decisions' "$WORK/agent.err" | cut -d' ' -f1)
expected=0
for name in "${NAMES[@]}"; do
  for host in opt clang; do
    expected=$((expected + REPS * ${DECISIONS[$name/$host]}))
  done
done
if [[ $served != "$expected" ]]; then
  echo "$0: the timed agent answered $served decisions, expected $expected" >&2
  exit 1
fi

echo
echo "$REPS interleaved repetitions; medians in ms; a = no plugin, b = plugin" \
     "inert, c = plugin + switchyard-agent --policy default"
printf '%-8s %-6s %9s %8s %8s %8s %6s %6s %13s %12s\n' input host \
  decisions a b c b/a c/a "(c-a)/dec us" "wait/dec us"
for name in "${NAMES[@]}"; do
  for host in opt clang; do
    a=$(median <<< "${SAMPLES[$name/$host/a]}")
    b=$(median <<< "${SAMPLES[$name/$host/b]}")
    c=$(median <<< "${SAMPLES[$name/$host/c]}")
    n=${DECISIONS[$name/$host]}
    # The plugin's own clock: time spent inside decide(), from its report.
    if [[ $host == opt ]]; then module=$WORK/$name.bc
    else module=$SRC/examples/${INPUT_PATH[$name]}; fi
    wait_ms=$(grep -F "report: module $module:" "$WORK/agent.err" \
      | sed -n 's/.*agent wait \([0-9.]*\) ms.*/\1/p' | tr '\n' ' ' | median)
    awk -v name="$name" -v host="$host" -v n="$n" -v a="$a" -v b="$b" \
      -v c="$c" -v w="$wait_ms" 'BEGIN {
        printf "%-8s %-6s %9d %8.1f %8.1f %8.1f %6.3f %6.3f %13.2f %12.2f\n",
          name, host, n, a / 1e6, b / 1e6, c / 1e6, b / a, c / a,
          (c - a) / n / 1e3, w * 1e3 / n }'
  done
done
echo "wait/dec: median over the timed runs of the plugin's own agent-wait" \
     "clock (build, send, wait, verify) per decision"

echo
echo "compiler CPU time (user + sys), medians in ms"
printf '%-8s %-6s %9s %8s %8s %8s %6s %6s %13s\n' input host decisions \
  a b c b/a c/a "(c-a)/dec us"
for name in "${NAMES[@]}"; do
  for host in opt clang; do
    a=$(median <<< "${CPU[$name/$host/a]}")
    b=$(median <<< "${CPU[$name/$host/b]}")
    c=$(median <<< "${CPU[$name/$host/c]}")
    n=${DECISIONS[$name/$host]}
    awk -v name="$name" -v host="$host" -v n="$n" -v a="$a" -v b="$b" \
      -v c="$c" 'BEGIN {
        printf "%-8s %-6s %9d %8.1f %8.1f %8.1f %6.3f %6.3f %13.2f\n",
          name, host, n, a / 1e3, b / 1e3, c / 1e3, b / a, c / a,
          (c - a) / n }'
  done
done
awk -v t="$agent_ticks" -v hz="$(getconf CLK_TCK)" -v n="$served" 'BEGIN {
  printf "agent CPU: %.2f s for %d decisions, %.2f us per decision\n",
    t / hz, n, t / hz / n * 1e6 }'
echo "timed agent answered $served decisions ($REPS x the logged counts)"
