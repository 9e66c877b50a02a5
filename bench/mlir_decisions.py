#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Time per decision and per pipeline step of the MLIR plugin on a large
module, with the LLVM side's transport figures (bench/README.md).

The module is --functions generated functions of integer arithmetic (9
ops each), plus, for the tile kind, as many small linalg.matmul functions.
Per kind, four ways to compile it, interleaved, --runs times each:

  a  plain mlir-opt with the same pipeline, no plugin
  b  the plugin loaded, nothing configured (inert)
  c  the decisions answered in-process (SWITCHYARD_POLICY)
  d  the decisions answered by switchyard-agent over its socket (a server
     started once, as an agent serves a build)

and reports the medians of wall time and of the compiler's own CPU time
(user + sys, from wait4: the agent's CPU is not in it), the cost per
decision (c - a and d - a over the decisions), and the time the compiler
spent waiting for the agent per decision (the module report's
agent_wait_ns). Kinds:

  pass-gate  every pass of func.func(canonicalize,cse) on every function,
             answered "run"
  rewrite    every op a canonicalization pattern could apply to, "greedy"
  tile       every linalg op, "keep"
  pipeline   an episode of --steps actions (a cycle of ten generic passes)
             then stop, against plain mlir-opt running the same passes:
             c - a and d - a over the steps are what a step costs beyond
             its pass (the module cloned, verified, observed; the
             decision), and "step" the whole step, pass included

    PYTHONPATH=agent_sdk/python:build/agent_sdk/python/gen \\
      /usr/bin/python3 bench/mlir_decisions.py [--functions 2000] [--runs 5]
"""

import argparse
import os
import re
import statistics
import subprocess
import tempfile
import time

from switchyard import mlir

CYCLE = ("cse", "canonicalize", "loop-invariant-code-motion", "sccp",
         "symbol-dce", "control-flow-sink", "remove-dead-values", "mem2reg",
         "topological-sort", "inline")


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


def linalg_module(functions):
    body = []
    for i in range(functions):
        body.append("""func.func @g%d(%%a: tensor<8x8xf32>, %%b: tensor<8x8xf32>,
    %%c: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %%r = linalg.matmul ins(%%a, %%b : tensor<8x8xf32>, tensor<8x8xf32>)
      outs(%%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %%r : tensor<8x8xf32>
}""" % i)
    return "\n".join(body)


def run(argv, env):
    """Wall seconds and the process's own CPU seconds (user + sys)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit("%s failed:\n%s" % (argv[0], err.decode()[-2000:]))
    return wall, usage.ru_utime + usage.ru_stime


class Server:
    """switchyard-agent serving on a socket, with its reports on a file."""

    def __init__(self, agent, directory, name, policy, spin_us):
        self.socket = os.path.join(directory, name + ".s")
        self.log = open(os.path.join(directory, name + ".err"), "w+")
        self.proc = subprocess.Popen(
            [agent, "--socket", self.socket, "--policy", policy,
             "--print-reports", "--busy-poll-us", str(spin_us)],
            stderr=self.log, stdout=subprocess.DEVNULL)
        while not os.path.exists(self.socket):
            time.sleep(0.01)

    def last_report(self):
        """(decisions, agent wait in seconds) of the last module report."""
        self.log.flush()
        self.log.seek(0)
        reports = [ln for ln in self.log.read().splitlines()
                   if "report: module" in ln]
        line = reports[-1]
        wait = float(re.search(r"agent wait ([0-9.]+) ms", line).group(1))
        decisions = sum(int(n) for n in re.findall(
            r": agent (\d+) ", line))
        return decisions, wait / 1e3

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        self.log.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--functions", type=int, default=2000)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--kinds", default="pass-gate,rewrite,tile,pipeline")
    ap.add_argument("--spin-us", type=int, default=50,
                    help="busy polling of both ends of the socket "
                    "(SWITCHYARD_SPIN_US, --busy-poll-us; 50 is the "
                    "default, 0 blocks)")
    args = ap.parse_args()
    opt = mlir.find_mlir_tool("mlir-opt")
    plugin = mlir.find_mlir_plugin()
    build = os.path.dirname(os.path.dirname(plugin))
    agent = os.path.join(build, "agent_sdk", "switchyard-agent")
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("SWITCHYARD_")}
    with open("/proc/loadavg") as f:
        load_before = f.read().split()[0]
    with tempfile.TemporaryDirectory() as d:
        big = os.path.join(d, "big.mlir")
        with open(big, "w") as f:
            f.write(module(args.functions))
        lin = os.path.join(d, "linalg.mlir")
        with open(lin, "w") as f:
            f.write(linalg_module(args.functions))
        steps = [CYCLE[i % len(CYCLE)] for i in range(args.steps)]
        rules = os.path.join(d, "steps.rules")
        with open(rules, "w") as f:
            for i, name in enumerate(steps):
                f.write("pass-pipeline index=%d => %s\n" % (i, name))
            f.write("pass-pipeline => stop\n")
        space = mlir.action_space(plugin)
        cases = {
            "pass-gate": (big, "func.func(canonicalize,cse)",
                          'switchyard-gate{pipeline="func.func(canonicalize,'
                          'cse)"}', "default"),
            "rewrite": (big, "canonicalize", "switchyard-rewrite",
                        "default"),
            "tile": (lin, "", "switchyard-tile", "default"),
            "pipeline": (big, space.pipeline(steps)[len("builtin.module("):-1],
                         "switchyard-mlir-pipeline{max-steps=%d}"
                         % (args.steps + 1), "script:" + rules),
        }
        print("Load average %s when it started; %d functions; medians of %d "
              "interleaved runs; busy polling %d µs." % (
                  load_before, args.functions, args.runs, args.spin_us))
        print()
        print("| kind | decisions | a plain (s) | b inert (s) | c in-process "
              "(s) | d socket (s) | (c−a)/decision | (d−a)/decision | "
              "CPU (c−a)/decision | CPU (d−a)/decision | wait/decision |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        pipeline_row = None
        for kind in args.kinds.split(","):
            src, plain_pipe, sy_pipe, policy = cases[kind]
            server = Server(agent, d, kind, policy, args.spin_us)
            plain = [opt, "--pass-pipeline=builtin.module(%s)" % plain_pipe,
                     src, "-o", os.devnull]
            sy = [opt, "--load-pass-plugin=" + plugin,
                  "--pass-pipeline=builtin.module(%s)" % sy_pipe, src, "-o",
                  os.devnull]
            hooks = {"SWITCHYARD_HOOKS": "pass-pipeline" if kind == "pipeline"
                     else kind}
            ways = {
                "a": (plain, base),
                "b": (sy, base),
                "c": (sy, dict(base, SWITCHYARD_POLICY=policy, **hooks)),
                "d": (sy, dict(base, SWITCHYARD_AGENT=server.socket,
                               SWITCHYARD_TIMEOUT_MS="600000",
                               SWITCHYARD_SPIN_US=str(args.spin_us),
                               **hooks)),
            }
            wall = {w: [] for w in ways}
            cpu = {w: [] for w in ways}
            waits, decisions = [], 0
            for _ in range(args.runs):
                for w, (argv, env) in ways.items():
                    t, c = run(argv, env)
                    wall[w].append(t)
                    cpu[w].append(c)
                    if w == "d":
                        decisions, wait = server.last_report()
                        waits.append(wait)
            server.stop()
            med = {w: statistics.median(v) for w, v in wall.items()}
            mcpu = {w: statistics.median(v) for w, v in cpu.items()}
            n = decisions

            def us(x):
                return "%.1f µs" % (x / n * 1e6)
            print("| %s | %d | %.3f | %.3f | %.3f | %.3f | %s | %s | %s | %s "
                  "| %s |" % (kind, n, med["a"], med["b"], med["c"],
                              med["d"], us(med["c"] - med["a"]),
                              us(med["d"] - med["a"]),
                              us(mcpu["c"] - mcpu["a"]),
                              us(mcpu["d"] - mcpu["a"]),
                              us(statistics.median(waits))))
            if kind == "pipeline":
                pipeline_row = (med, mcpu, n)
        if pipeline_row:
            # The same module read and printed with no pass: what a step
            # costs in all, pass included.
            empty = [run([opt, big, "-o", os.devnull],
                         base) for _ in range(args.runs)]
            a0 = statistics.median(t for t, _ in empty)
            c0 = statistics.median(c for _, c in empty)
            med, mcpu, n = pipeline_row
            s = args.steps
            print()
            print("Pipeline episode of %d steps on the %d-function module "
                  "(%s ops): a pass alone (a − read and print)/step "
                  "%.2f ms wall, %.2f ms CPU; a whole step in-process "
                  "(c − read and print)/step %.2f ms wall, %.2f ms CPU; "
                  "over the socket (d − read and print)/step %.2f ms wall, "
                  "%.2f ms CPU." % (
                      s, args.functions, 9 * args.functions,
                      (med["a"] - a0) / s * 1e3, (mcpu["a"] - c0) / s * 1e3,
                      (med["c"] - a0) / s * 1e3, (mcpu["c"] - c0) / s * 1e3,
                      (med["d"] - a0) / s * 1e3, (mcpu["d"] - c0) / s * 1e3))
    with open("/proc/loadavg") as f:
        print()
        print("Load average %s when it ended." % f.read().split()[0])


if __name__ == "__main__":
    main()
