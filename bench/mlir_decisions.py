#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Time per decision of the MLIR plugin on a large module: the pass gate
(every pass on every function of a generated module of --functions
functions) and the rewrite driver (every op a pattern could apply to), each
answered "default" by switchyard-agent over the socket and by the same
policy in-process, against plain mlir-opt with the same pipeline.

    PYTHONPATH=agent_sdk/python:build/agent_sdk/python/gen \\
      /usr/bin/python3 bench/mlir_decisions.py [--functions 2000] [--runs 3]
"""

import argparse
import os
import re
import statistics
import subprocess
import tempfile
import time

from switchyard import mlir


def module(functions):
    body = []
    for i in range(functions):
        body.append("""func.func @f%d(%%x: i32, %%y: i32) -> i32 {
  %%c1 = arith.constant 1 : i32
  %%c2 = arith.constant 2 : i32
  %%a = arith.addi %%x, %%c1 : i32
  %%b = arith.addi %%a, %%c2 : i32
  %%m = arith.muli %%b, %%y : i32
  %%s = arith.subi %%m, %%m : i32
  %%r = arith.addi %%s, %%b : i32
  return %%r : i32
}""" % i)
    return "\n".join(body)


def timed(argv, env, runs):
    times, err = [], b""
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(argv, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
        err = p.stderr + p.stdout
    return statistics.median(times), err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--functions", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    opt = mlir.find_mlir_tool("mlir-opt")
    plugin = mlir.find_mlir_plugin()
    build = os.path.dirname(os.path.dirname(plugin))
    agent = os.path.join(build, "agent_sdk", "switchyard-agent")
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("SWITCHYARD_")}
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "big.mlir")
        with open(src, "w") as f:
            f.write(module(args.functions))
        cases = [
            ("pass-gate", "func.func(canonicalize,cse)",
             "switchyard-gate{pipeline=\"func.func(canonicalize,cse)\"}"),
            ("rewrite", "canonicalize", "switchyard-rewrite"),
        ]
        print("| kind | decisions | plain mlir-opt (s) | in-process (µs/decision) "
              "| socket agent (µs/decision) |")
        print("|---|---:|---:|---:|---:|")
        for kind, plain_pipe, sy_pipe in cases:
            plain, _ = timed([opt, "--pass-pipeline=builtin.module(%s)"
                              % plain_pipe, src, "-o", os.devnull],
                             base, args.runs)
            sy = [opt, "--load-pass-plugin=" + plugin,
                  "--pass-pipeline=builtin.module(%s)" % sy_pipe, src, "-o",
                  os.devnull]
            inproc, _ = timed(sy, dict(base, SWITCHYARD_POLICY="default"),
                              args.runs)
            sock, out = timed([agent, "--socket", os.path.join(d, "a.s"),
                               "--policy", "default", "--"] + sy, base,
                              args.runs)
            n = int(re.search(rb"(\d+) decisions", out).group(1))
            print("| %s | %d | %.3f | %.2f | %.2f |" % (
                kind, n, plain, (inproc - plain) / n * 1e6,
                (sock - plain) / n * 1e6))


if __name__ == "__main__":
    main()
