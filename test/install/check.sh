#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Installs the build into a scratch prefix, builds a consumer of the agent
# SDK against it, and runs that agent around a real opt.
set -euo pipefail
build=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
cmake -S "$src/test/install" -B "$work/consumer" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DEXAMPLE_AGENT="$work/prefix/share/switchyard/examples/cold_sroa_agent.cpp" \
  > "$work/configure.log"
cmake --build "$work/consumer" > "$work/build.log"
printf 'define i32 @cold_f(i32 %%x) {\n  %%s = alloca i32\n  store i32 %%x, ptr %%s\n  %%v = load i32, ptr %%s\n  ret i32 %%v\n}\n' > "$work/in.ll"
"$work/consumer/consumer-agent" --socket "$work/a.sock" -- \
  opt-22 -load-pass-plugin="$work/prefix/lib/libSwitchyard.so" -passes=sroa \
  -S "$work/in.ll" -o "$work/out.ll"
grep -q alloca "$work/out.ll"
echo "installed SDK and plugin work from $work/prefix"
