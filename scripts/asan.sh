#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# The unit and lit tests (everything ctest runs) again, in a build with
# AddressSanitizer and UBSan: the plugin, the agent, the tools and the tests.
#
#   scripts/asan.sh [CTEST_ARGS...]
#
# ASAN_BUILD is the build directory (default build-asan), JOBS the build's
# and ctest's parallelism (default 2).
#
# opt-22 and clang-22 are not built with ASan, yet they load the instrumented
# plugin: ASan's runtime must be the first library of every such process, so
# it is preloaded into the lit and Python tests (lit passes LD_PRELOAD and
# *SAN_OPTIONS through to its RUN lines). Leak checking is off there, since
# the hosts do not free everything on exit by design; the unit tests, which
# link the runtime themselves, run first with leak checking on.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${ASAN_BUILD:-build-asan}
jobs=${JOBS:-2}

scripts/install-deps.sh
# gcc: its libasan.so is the runtime the build links and the one to preload.
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ \
    -DSWITCHYARD_SANITIZE=ON >/dev/null
fi
cmake --build "$build" -j "$jobs"

runtime=$(g++ -print-file-name=libasan.so)
if [ ! -f "$runtime" ]; then
  echo "asan.sh: no ASan runtime at '$runtime' (apt-get install g++)" >&2
  exit 1
fi
# Any report fails the test: ASan exits non-zero, UBSan aborts (the build
# has -fno-sanitize-recover=undefined).
ubsan=print_stacktrace=1:halt_on_error=1
status=0

echo "asan.sh: unit tests, with leak checking"
ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1 UBSAN_OPTIONS=$ubsan \
  ctest --test-dir "$build" --output-on-failure -j "$jobs" \
  -R '^unit\.' "$@" || status=$?

# Left out: tests whose time goes to other programs, not to the plugin or
# the SDK (Z3 proving the rule catalog again, mlir-runner running 200
# tilings, packaging, Dask clusters, XGBoost training, gcc builds); the
# plugins they load are exercised by the lit tests here.
echo "asan.sh: lit and Python tests, ASan's runtime preloaded into the hosts"
LD_PRELOAD=$runtime ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=$ubsan \
  ctest --test-dir "$build" --output-on-failure -j "$jobs" \
  -E '^(unit\.|rewrite/prove|mlir/random-tiling|install/|python/(scale|model|compdb|programl))' \
  "$@" || status=$?
exit $status
