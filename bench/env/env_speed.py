#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""env_speed.py - steps per second of the pass-pipeline environment.

    PYTHONPATH=agent_sdk/python:BUILD/agent_sdk/python/gen \\
        /usr/bin/python3 bench/env/env_speed.py [--steps 2000] \\
        [--benchmarks sha256,bigprog] [--episode-length 50] [--json FILE]

For each benchmark, runs episodes of random actions (seeded, from the
"safe" action set, never `stop`) until --steps steps are done, resetting
every --episode-length steps, once per observation setting:

- `noop`: an action outside the space, which the compiler refuses: the
  module is untouched, so this is the environment's own cost per step
  (Python, protocol, the round trip, counting instructions);
- `inst-count`: random actions, the minimal observation;
- `autophase`: random actions, the 56 Autophase features with every step;
- `cycle`: the fixed cycle of ten common passes of
  bench/pipeline_steps.cpp (sroa, early-cse, instcombine, simplifycfg, gvn,
  licm, loop-rotate, dse, reassociate, sccp), with Autophase: each episode
  starts from the unoptimized module, so these passes have real work.

It reports the mean and median wall time per step, steps per wall second,
and steps per CPU second: the CPU time of this process plus its compiler
processes (each waited for when its episode ends), divided into the steps.
One environment keeps about one core busy (the agent and the compiler take
turns), so steps per CPU second is the rate per core, and it does not
depend on how loaded the machine is. Resets are counted in the totals, not
in the per-step times.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time

import numpy as np

from switchyard import datasets
from switchyard.env import PassPipelineEnv
from switchyard.tools import llvm_version


def cpu_seconds():
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime)


CYCLE = ("sroa<modify-cfg>", "early-cse<memssa>", "instcombine",
         "simplifycfg", "gvn", "licm<allowspeculation>", "loop-rotate", "dse",
         "reassociate", "sccp")


def measure(bench, mode, steps, length, seed=0):
    env = PassPipelineEnv(bench, actions="safe", prestart=True,
                          observation="inst-count" if mode in (
                              "noop", "inst-count") else "autophase")
    cycle = [env.action_names.index(n) for n in CYCLE]
    rng = np.random.default_rng(seed)
    choices = [i for i, n in enumerate(env.action_names) if n != "stop"]
    times, errors, episodes = [], 0, 0
    env.reset(seed=seed)  # the first compiler start is not counted
    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    done = 0
    while done < steps:
        if done:
            env.reset()
        episodes += 1
        for k in range(min(length, steps - done)):
            if mode == "noop":
                a = env.action_space.n + 1
            elif mode == "cycle":
                a = cycle[k % len(cycle)]
            else:
                a = choices[int(rng.integers(len(choices)))]
            t = time.perf_counter()
            _, _, term, _, info = env.step(a)
            times.append(time.perf_counter() - t)
            done += 1
            if "error" in info:
                errors += 1
                break
    env.close()  # waits for the last compilers, so their CPU is counted
    wall = time.perf_counter() - wall0
    cpu = cpu_seconds() - cpu0
    return {
        "benchmark": env.benchmark.name, "mode": mode, "steps": len(times),
        "episodes": episodes, "errors": errors,
        "inst_count": env.baselines["O0"].inst_count,
        "mean_ms": 1000 * statistics.fmean(times),
        "median_ms": 1000 * statistics.median(times),
        "p90_ms": 1000 * sorted(times)[int(0.9 * len(times))],
        "steps_per_wall_s": len(times) / wall,
        "steps_per_cpu_s": len(times) / cpu,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--large-steps", type=int, default=400,
                   help="steps for the large benchmark (default 400)")
    p.add_argument("--benchmarks", default="sha256,bigprog",
                   help="a small and a large benchmark")
    p.add_argument("--modes", default="noop,inst-count,autophase,cycle")
    p.add_argument("--episode-length", type=int, default=50)
    p.add_argument("--json")
    args = p.parse_args()
    suite = datasets.suite()
    names = args.benchmarks.split(",")
    print("== %s, %d cores, load %s, LLVM %s" % (
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.cpu_count(),
        " ".join(open("/proc/loadavg").read().split()[:3]), llvm_version()))
    print("%-14s %6s %-10s %6s %8s %8s %8s %9s %9s %6s" % (
        "benchmark", "IR", "mode", "steps", "mean ms", "med ms", "p90 ms",
        "steps/s", "steps/cpu", "errors"))
    rows = []
    for i, name in enumerate(names):
        b = suite[name]
        b.baselines()  # build and cache before timing
        steps = args.steps if i == 0 else args.large_steps
        for mode in args.modes.split(","):
            r = measure(b, mode, steps, args.episode_length)
            rows.append(r)
            print("%-14s %6d %-10s %6d %8.3f %8.3f %8.3f %9.1f %9.1f %6d" % (
                r["benchmark"], r["inst_count"], mode, r["steps"],
                r["mean_ms"], r["median_ms"], r["p90_ms"],
                r["steps_per_wall_s"], r["steps_per_cpu_s"], r["errors"]),
                flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": platform.node(), "cores": os.cpu_count(),
                       "llvm": llvm_version(), "results": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
