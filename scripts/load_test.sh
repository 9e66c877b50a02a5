#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# The load test: one switchyard-agent (random policy, --log) serves
#   1. a burst of compiles: clang-22 -O2 over UNITS generated C files with
#      PARALLEL processes at once, and at the same time opt-22 runs (half
#      pass-gate under default<O2>, half switchyard-pipeline episodes; all
#      pass-gate with OPT_MODE=gate) with OPT_PARALLEL at once;
#   2. a long run: SESSIONS protocol sessions from session_client processes
#      (handshake, DECISIONS decisions, report; every ABANDON_EVERY-th hangs
#      up before its report) in BATCHES batches, with LONG_COMPILES short opt
#      compiles spread over them; the agent's RSS is sampled after every
#      batch.
# Then bench/load/verify.py checks the agent's per-connection log against
# what every client recorded itself: each decision answered exactly once, to
# the right client. Prints clients, decisions, wall time, RSS start/peak/end
# and lost or misrouted decisions; exits 1 if any check fails.
#
#   scripts/load_test.sh [BUILD_DIR]          (default: build)
#
# Knobs (environment): SEED UNITS OPT_UNITS PARALLEL OPT_PARALLEL OPT_MODE
# SESSIONS SESSION_PROCS BATCHES DECISIONS ABANDON_EVERY LONG_COMPILES
# RSS_SLACK_KB MIN_CONCURRENT TIME_LIMIT (seconds, per phase) OUT (keep the
# results there). bench/load/README.md has the numbers of a run.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
plugin=$build/plugin/libSwitchyard.so
agent=$build/agent_sdk/switchyard-agent

SEED=${SEED:-1}
UNITS=${UNITS:-256}
OPT_UNITS=${OPT_UNITS:-64}
PARALLEL=${PARALLEL:-64}
OPT_PARALLEL=${OPT_PARALLEL:-16}
OPT_MODE=${OPT_MODE:-mixed}
SESSIONS=${SESSIONS:-20000}
SESSION_PROCS=${SESSION_PROCS:-16}
BATCHES=${BATCHES:-20}
DECISIONS=${DECISIONS:-6}
ABANDON_EVERY=${ABANDON_EVERY:-50}
LONG_COMPILES=${LONG_COMPILES:-400}
RSS_SLACK_KB=${RSS_SLACK_KB:-1024}
MIN_CONCURRENT=${MIN_CONCURRENT:-64}
TIME_LIMIT=${TIME_LIMIT:-1200}

for tool in clang-22 opt-22 python3 xargs; do
  command -v "$tool" > /dev/null || { echo "load_test: needs $tool" >&2; exit 2; }
done
[[ -x $agent && -f $plugin ]] || {
  echo "load_test: build $build first (no agent or plugin there)" >&2; exit 2; }

work=${OUT:-$(mktemp -d /tmp/switchyard-load.XXXXXX)}
mkdir -p "$work"/{src,ll,obj,jobs,records}
echo "load_test: working in $work"
sock=$work/agent.sock
agent_pid=
sampler_pid=
cleanup() {
  [[ -n $sampler_pid ]] && kill "$sampler_pid" 2> /dev/null || true
  [[ -n $agent_pid ]] && kill "$agent_pid" 2> /dev/null || true
  if [[ -z ${OUT:-} && ${keep:-0} == 0 ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$agent_pid/status"; }
open_fds() { ls "/proc/$agent_pid/fd" 2> /dev/null | wc -l; }

# The session client speaks the real protocol through protocol/Channel.h.
echo "load_test: building session_client"
${CXX:-c++} -std=c++17 -O2 -I"$root/protocol" -I"$build/protocol/include" \
  "$root/bench/load/session_client.cpp" "$build/protocol/libSwitchyardFraming.a" \
  -o "$work/session_client"

echo "load_test: generating $UNITS C files and $OPT_UNITS IR files"
python3 "$root/bench/load/gen_sources.py" "$work/src" "$UNITS"
for ((i = 0; i < OPT_UNITS; i++)); do
  clang-22 -O0 -Xclang -disable-O0-optnone -S -emit-llvm \
    "$work/src/unit$((i % UNITS)).c" -o "$work/ll/opt$i.ll"
done
# The long run's opt compiles: one small module, copied so that each compile
# is its own module in the log.
for ((i = 0; i < LONG_COMPILES; i++)); do
  cp "$work/ll/opt0.ll" "$work/ll/long$i.ll"
done

"$agent" --socket "$sock" --policy random --seed "$SEED" \
  --log "$work/agent.jsonl" --print-reports 2> "$work/agent.err" &
agent_pid=$!
for ((i = 0; i < 100; i++)); do [[ -S $sock ]] && break; sleep 0.1; done
[[ -S $sock ]] || { echo "load_test: the agent did not start" >&2; exit 1; }
rss_start=$(rss_kb)
fds_start=$(open_fds)

# Samples RSS and open descriptors (one per connection, beyond the baseline)
# every 0.2 s until killed.
(
  while kill -0 "$agent_pid" 2> /dev/null; do
    r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$agent_pid/status" 2> /dev/null) || break
    f=$(ls "/proc/$agent_pid/fd" 2> /dev/null | wc -l)
    echo "$(date +%s.%N) $r $f"
    sleep 0.2
  done
) > "$work/samples.txt" &
sampler_pid=$!

export SWITCHYARD_AGENT=$sock
job=$root/bench/load/compile_job.sh
write_job() { # NAME MODULE COMMAND... : one job file, one argument a line
  local name=$1
  shift
  printf '%s\n' "$@" > "$work/jobs/$name.job"
}

# Phase 1: the burst.
echo "load_test: phase 1: $UNITS clang-22 -O2 compiles, $PARALLEL at once," \
  "with $OPT_UNITS opt-22 runs, $OPT_PARALLEL at once"
for ((i = 0; i < UNITS; i++)); do
  src=$work/src/unit$i.c
  write_job "clang$i" "$src" clang-22 -O2 -fpass-plugin="$plugin" \
    -Rpass=switchyard -Rpass-missed=switchyard -c "$src" -o "$work/obj/unit$i.o"
  echo "$work/jobs/clang$i.job"
done > "$work/clang.list"
for ((i = 0; i < OPT_UNITS; i++)); do
  ll=$work/ll/opt$i.ll
  if ((i % 2)) && [[ $OPT_MODE == mixed ]]; then
    passes=switchyard-pipeline
  else
    passes='default<O2>'
  fi
  write_job "opt$i" "$ll" opt-22 -load-pass-plugin="$plugin" \
    -passes="$passes" -pass-remarks=switchyard \
    -pass-remarks-missed=switchyard "$ll" -o "$work/obj/opt$i.bc"
  echo "$work/jobs/opt$i.job"
done > "$work/opt.list"
t1=$(now)
timeout "$TIME_LIMIT" xargs -n 1 -P "$PARALLEL" "$job" < "$work/clang.list" &
clang_xargs=$!
timeout "$TIME_LIMIT" xargs -n 1 -P "$OPT_PARALLEL" "$job" < "$work/opt.list" &
opt_xargs=$!
phase1_ok=1
wait "$clang_xargs" || phase1_ok=0
wait "$opt_xargs" || phase1_ok=0
t2=$(now)
rss_phase1=$(rss_kb)
peak_fds=$(awk -v base="$fds_start" '$3 - base > m { m = $3 - base } END { print m + 0 }' \
  "$work/samples.txt")
echo "load_test: phase 1 took $(elapsed "$t1" "$t2") s;" \
  "peak open connections $peak_fds; agent RSS ${rss_phase1} kB"

# Phase 2: the long run.
per_proc=$(( (SESSIONS + BATCHES * SESSION_PROCS - 1) / (BATCHES * SESSION_PROCS) ))
compiles_per_batch=$(( (LONG_COMPILES + BATCHES - 1) / BATCHES ))
echo "load_test: phase 2: $BATCHES batches of $SESSION_PROCS clients x" \
  "$per_proc sessions x $DECISIONS decisions, and $compiles_per_batch opt" \
  "compiles per batch"
printf '%8s %10s %10s %10s\n' batch sessions compiles "RSS kB" > "$work/rss.txt"
printf '%8s %10s %10s %10s\n' start 0 0 "$rss_phase1" >> "$work/rss.txt"
phase2_ok=1
done_sessions=0
done_compiles=0
t3=$(now)
deadline=$(( $(date +%s) + TIME_LIMIT ))
for ((b = 1; b <= BATCHES; b++)); do
  pids=()
  for ((p = 0; p < SESSION_PROCS; p++)); do
    timeout "$TIME_LIMIT" "$work/session_client" "$sock" "long/b$b/p$p" \
      "$per_proc" "$DECISIONS" "$work/records/b$b-p$p.tsv" "$ABANDON_EVERY" &
    pids+=($!)
  done
  for ((i = done_compiles; i < done_compiles + compiles_per_batch && i < LONG_COMPILES; i++)); do
    ll=$work/ll/long$i.ll
    write_job "long$i" "$ll" opt-22 -load-pass-plugin="$plugin" \
      -passes='default<O2>' -pass-remarks=switchyard \
      -pass-remarks-missed=switchyard "$ll" -o /dev/null
    echo "$work/jobs/long$i.job"
  done | timeout "$TIME_LIMIT" xargs -r -n 1 -P 4 "$job" &
  pids+=($!)
  for pid in "${pids[@]}"; do wait "$pid" || phase2_ok=0; done
  done_sessions=$((done_sessions + per_proc * SESSION_PROCS))
  done_compiles=$((done_compiles + compiles_per_batch))
  ((done_compiles > LONG_COMPILES)) && done_compiles=$LONG_COMPILES
  printf '%8s %10s %10s %10s\n' "$b" "$done_sessions" "$done_compiles" \
    "$(rss_kb)" >> "$work/rss.txt"
  if (( $(date +%s) > deadline )); then
    echo "load_test: phase 2 passed its time limit of $TIME_LIMIT s" >&2
    phase2_ok=0
    break
  fi
done
t4=$(now)
cat "$work/rss.txt"
rss_end=$(rss_kb)
rss_after_first=$(awk '$1 == 1 { print $4 }' "$work/rss.txt")
rss_peak=$(awk -v m=0 '$2 > m { m = $2 } END { print m }' "$work/samples.txt")

kill -TERM "$agent_pid"
wait "$agent_pid" || true
agent_pid=
kill "$sampler_pid" 2> /dev/null || true
wait "$sampler_pid" 2> /dev/null || true
sampler_pid=

echo "load_test: verifying the agent's log connection by connection"
verify_ok=1
python3 "$root/bench/load/verify.py" --log "$work/agent.jsonl" \
  --agent-err "$work/agent.err" --jobs "$work/jobs" --records "$work/records" \
  | tee "$work/verify.txt" || verify_ok=0
summary=$(grep -E '^switchyard-agent: [0-9]+ connections' "$work/agent.err" || true)
dropped=$(sed -n 's/.* \([0-9]*\) dropped$/\1/p' <<< "$summary")
abandoned=$(cat "$work"/records/*.tsv | grep -c $'\tabandoned$' || true)
unexpected=$(grep -vE 'report: module|^switchyard-agent: [0-9]+ connections|connection closed before the module report; closed$' \
  "$work/agent.err" | head -5 || true)

status=0
fail() { echo "load_test: FAIL: $*"; status=1; }
((phase1_ok)) || fail "a phase-1 compile failed or timed out"
((phase2_ok)) || fail "a session client failed or the long run timed out"
((verify_ok)) || fail "the per-connection check found problems"
((peak_fds >= MIN_CONCURRENT)) || \
  fail "only $peak_fds concurrent connections seen (want $MIN_CONCURRENT)"
# Hung up on purpose, or a compiler that failed (reported above).
failed=$(sed -n 's/.*compilers failed \([0-9]*\),.*/\1/p' "$work/verify.txt")
[[ $dropped == "$((abandoned + ${failed:-0}))" ]] || \
  fail "agent dropped $dropped clients; $abandoned sessions hung up on purpose"
[[ -z $unexpected ]] || fail "unexpected agent log lines: $unexpected"
growth=$((rss_end - rss_after_first))
((growth <= RSS_SLACK_KB)) || \
  fail "agent RSS grew $growth kB over the long run (slack $RSS_SLACK_KB kB)"

echo
echo "== Switchyard load test (seed $SEED)"
echo "agent:        $summary"
grep -E '^(compiles|sessions|clients)' "$work/verify.txt" | sed 's/^/verify:       /'
echo "wall time:    $(elapsed "$t1" "$t4") s for both phases"
echo "phase 1:      $(elapsed "$t1" "$t2") s wall, peak $peak_fds open connections"
echo "phase 2:      $(elapsed "$t3" "$t4") s wall"
echo "agent RSS:    start $rss_start kB, after phase 1 $rss_phase1 kB," \
  "after batch 1 $rss_after_first kB, peak $rss_peak kB, end $rss_end kB" \
  "(long-run growth $growth kB)"
echo "decisions:    $(sed -n 's/.*lost \([0-9]*\), misrouted \([0-9]*\), compilers failed \([0-9]*\).*/\1 lost, \2 misrouted; \3 compilers failed/p' "$work/verify.txt")"
if ((status)); then
  keep=1
  echo "load_test: FAILED; results kept in $work"
else
  echo "load_test: PASS"
fi
exit $status
