#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# compile_job.sh DIR/NAME.job
# Runs one compiler for the load test. NAME.job holds the module it compiles
# on its first line, then the command, one argument per line. Next to it go,
# for bench/load/verify.py: NAME.module, NAME.pid (the pid the compiler ran
# as: this shell forks it and knows, nothing is guessed from the agent's
# side), NAME.err (its stderr) and NAME.rc (its exit status).
set -u
job=$1
name=${job%.job}
mapfile -t lines < "$job"
printf '%s\n' "${lines[0]}" > "$name.module"
"${lines[@]:1}" 2> "$name.err" &
pid=$!
echo "$pid" > "$name.pid"
wait "$pid"
echo $? > "$name.rc"
