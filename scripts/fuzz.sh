#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Builds the libFuzzer targets of test/fuzz and runs each for a bounded time
# on a copy of its seed corpus (the checked-in corpus never grows). Prints
# each target's total execs and execs/s; exits non-zero on any finding, and
# keeps the reproducer.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET=60] [TARGET...]
#
# FUZZ_BUILD is the build directory (default build-fuzz), FUZZ_OUT where the
# working corpora, logs and reproducers go (default $FUZZ_BUILD/fuzz-runs),
# JOBS the build's parallelism (default 2). Reproduce a finding with
#   $FUZZ_BUILD/test/fuzz/TARGET REPRODUCER
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] ||
  targets=(fuzz-frame-decoder fuzz-reply-validation fuzz-agent-requests
           fuzz-agent-server)
build=${FUZZ_BUILD:-build-fuzz}
out=${FUZZ_OUT:-$build/fuzz-runs}

scripts/install-deps.sh
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DSWITCHYARD_FUZZ=ON -DSWITCHYARD_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" -j "${JOBS:-2}" --target "${targets[@]}"
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The value of one of libFuzzer's final "stat::NAME: VALUE" lines.
final_stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }

failed=0
printf '%-24s %14s %10s  %s\n' target execs execs/s result
for t in "${targets[@]}"; do
  run=$out/$t
  rm -rf "$run"
  mkdir -p "$run/corpus" "$run/artifacts"
  cp test/fuzz/corpus/"$t"/* "$run/corpus/"
  status=0
  # The reply fuzzer's agent socket goes in TMPDIR: a short path, since a
  # socket path has at most 107 bytes.
  TMPDIR=$tmp "$build/test/fuzz/$t" "$run/corpus" \
    -max_total_time="$seconds" -print_final_stats=1 -timeout=25 \
    -rss_limit_mb=2048 -artifact_prefix="$run/artifacts/" \
    >"$run/log" 2>&1 || status=$?
  execs=$(final_stat number_of_executed_units "$run/log")
  rate=$(final_stat average_exec_per_sec "$run/log")
  artifacts=$(find "$run/artifacts" -type f | sort)
  if [ "$status" -ne 0 ] || [ -n "$artifacts" ]; then
    failed=1
    printf '%-24s %14s %10s  %s\n' "$t" "${execs:-?}" "${rate:-?}" \
      "FINDING (exit $status)"
    grep -E 'ERROR:|runtime error:|SUMMARY:|invariant broken' "$run/log" |
      head -n 5 | sed 's/^/    /'
    for a in $artifacts; do
      echo "    reproducer: $a"
      echo "    replay:     $build/test/fuzz/$t $a"
    done
    echo "    log:        $run/log"
  else
    printf '%-24s %14s %10s  %s\n' "$t" "$execs" "$rate" "ok (${seconds}s)"
  fi
done
exit $failed
