#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Runs clang and opt with each malformed setting; prints one line per run:
# the tool, the setting, the exit status, whether an output file was left,
# whether a crash banner or stack dump appeared, and the first stderr line.
# Usage: bad-config.sh PLUGIN WORKDIR
set -u
plugin=$1 dir=$2
mkdir -p "$dir"
echo 'int f(int x) { return x + 1; }' > "$dir/p.c"
printf 'define i32 @f(i32 %%x) {\n  ret i32 %%x\n}\n' > "$dir/p.ll"
cases=(
  "SWITCHYARD_TIMEOUT_MS=abc"
  "SWITCHYARD_TIMEOUT_MS=0"
  "SWITCHYARD_SPIN_US=fast"
  "SWITCHYARD_SPIN_US=20000"
  "SWITCHYARD_HOOKS=inline,unroll-all"
  "SWITCHYARD_PIPELINE=sometimes"
  "SWITCHYARD_PIPELINE_MAX_STEPS=0"
  "SWITCHYARD_PIPELINE_MAX_STEPS=many"
  "SWITCHYARD_ON_FAILURE=ignore"
  "SWITCHYARD_ALLOW_FP_REORDER=yes"
  "SWITCHYARD_VERIFY_FRAMES=always"
  "SWITCHYARD_POLICY=smart"
  "SWITCHYARD_POLICY=random:x"
  "SWITCHYARD_POLICY=script:$dir/no-such.rules"
  "SWITCHYARD_POLICY=default SWITCHYARD_AGENT=$dir/s"
)
for c in "${cases[@]}"; do
  for tool in clang opt; do
    rm -f "$dir/out"
    if [[ $tool == clang ]]; then
      env $c clang-22 -O2 -fpass-plugin="$plugin" -c "$dir/p.c" \
        -o "$dir/out" 2> "$dir/err"
    else
      env $c opt-22 -load-pass-plugin="$plugin" -passes='default<O2>' \
        "$dir/p.ll" -o "$dir/out" 2> "$dir/err"
    fi
    rc=$?
    left=no; [[ -e $dir/out ]] && left=yes
    banner=no
    grep -qE 'PLEASE submit|Stack dump|LLVM ERROR|fatal error' "$dir/err" && banner=yes
    echo "$tool ${c%% *}: exit $rc, output $left, banner $banner, lines $(wc -l < "$dir/err"): $(head -1 "$dir/err")"
  done
done
