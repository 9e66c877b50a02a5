#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Agent-found tilings of the bundled MLIR kernels against the default
untiled lowering and a fixed 32x32x32 tiling: the table in docs/results.md.

Per kernel, a budget of --random random tilings (switchyard.mlir's
random_tiling) and then --climb steps of hill climbing from the best one
(double or halve one tile size of one op); every candidate's result is
checked against the kernel's reference, and one that differs is rejected.
Times are the median of --reps runs in one process; the spread is half
the interquartile range over the median.

    PYTHONPATH=agent_sdk/python:build/agent_sdk/python/gen \\
      /usr/bin/python3 bench/mlir_tiling.py [--random 8] [--climb 4]
"""

import argparse
import random

from switchyard import mlir
from switchyard.messages import Answer


class Recorded:
    """A decide() that answers from a fixed plan per op, random otherwise,
    and records what it answered: a candidate that can be mutated."""

    def __init__(self, rng, plan=None):
        self.fallback = mlir.random_tiling(rng)
        self.plan = dict(plan or {})

    def __call__(self, request):
        if request.unit_name not in self.plan:
            a = self.fallback(request)
            self.plan[request.unit_name] = (a.option, a.params)
        option, params = self.plan[request.unit_name]
        return Answer.choose(option, params)


def mutate(plan, rng):
    plan = dict(plan)
    tiled = [u for u, (o, p) in plan.items() if o == "tile"]
    if not tiled:
        return plan
    unit = rng.choice(tiled)
    option, params = plan[unit]
    params = list(params)
    sizes = len(params) - 3
    k = rng.randrange(sizes)
    params[k] = max(1, params[k] * 2) if rng.random() < 0.5 else params[k] // 2
    plan[unit] = (option, tuple(params))
    return plan


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--random", type=int, default=8)
    ap.add_argument("--climb", type=int, default=4)
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    print("| kernel | untiled (us) | 32x32x32 (us) | found (us) | "
          "vs untiled | vs 32^3 | rejected |")
    print("|---|---|---|---|---|---|---|")
    for name in mlir.kernels():
        rng = random.Random(args.seed)
        base = mlir.evaluate(name, None, args.reps)
        fixed = mlir.evaluate(name, mlir.fixed_tiling(32), args.reps)
        best, best_plan, rejected = None, None, 0
        candidates = [None] * args.random + ["climb"] * args.climb
        for c in candidates:
            plan = (mutate(best_plan, rng) if c == "climb" and best_plan
                    else None)
            d = Recorded(rng, plan)
            try:
                r = mlir.evaluate(name, d, args.reps)
            except mlir.KernelMismatch:
                rejected += 1
                continue
            except Exception:  # an answer MLIR refused to compile
                rejected += 1
                continue
            if best is None or r.median < best.median:
                best, best_plan = r, d.plan
        us = lambda r: "%.1f ± %.0f%%" % (r.median * 1e6, r.spread * 100)
        print("| %s | %s | %s | %s | %.2fx | %.2fx | %d |" % (
            name, us(base), us(fixed), us(best), base.median / best.median,
            fixed.median / best.median, rejected), flush=True)


if __name__ == "__main__":
    main()
