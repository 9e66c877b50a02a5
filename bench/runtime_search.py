#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Runtime search over the compute-heavy programs of the bundled suite,
each best plan checked by a fresh paired measurement against
`clang-22 -O3` (switchyard.search, switchyard.rewards).

For each program: an evolutionary search (pass order plus inline,
loop-unroll and loop-vectorize answers) from -O3's own pipeline as a flat
plan, on the module `clang-22 -O3` makes before its first pass, with the
runtime reward (median of `--runs` timed runs of the self-checking main,
cached by IR hash; `--clock cpu`, the default, times the program's user
plus system CPU time, `wall` its wall time). The best plan is then rebuilt
from scratch (`validate_plan`: plain opt-22 or its script, self-check),
and timed again in `--pairs` interleaved pairs against the program
`clang-22 -O3 -lm` builds from the source (ABBA order), every run
self-checked. The speedup
is the median of the per-pair ratios (-O3 time / best time); its spread
the interquartile range of those ratios over their median; a result is
`noisy` when that spread passes `--noise`, and `significant` only when
the middle half of the ratios lies on one side of 1.

Before that, the search's `--confirm` best candidates (distinct modules,
faster than the seed as the search measured them) race the seed in
`--confirm-rounds` interleaved rounds, and a candidate replaces the seed
only if the middle half of its ratios to the seed lies above 1: with five
timed runs per candidate on a shared machine, the search's own best is
often the luckiest measurement rather than the fastest program. The race
uses its own runs; the paired measurement against -O3 after it uses new
ones.

    PYTHONPATH=agent_sdk/python:build/agent_sdk/python/gen \\
      python3 bench/runtime_search.py --budget-seconds 45 --json rt.json
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

from switchyard import datasets
from switchyard.search import Evaluator, evolve, oz_plan, validate_plan, \
    write_script
from switchyard.tools import find_tool

#: The suite's programs that compute in loops (floating point and
#: integer kernels); the PolyBench-style ones first.
PROGRAMS = ("gemm", "2mm", "atax", "jacobi2d", "seidel2d", "floydwarshall",
            "matrix", "fft", "nbody", "stencil", "fpkernels", "fpreduce",
            "gramschmidt")


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")


def paired(measurer, exe_base, exe_best, pairs, cwd, clock):
    """Interleaved runs, ABBA: per-pair ratios base/best, by \p clock
    ("cpu": user + system time; "wall"), each run self-checked; the other
    clock's median ratio too."""
    def timed(exe):
        result, wall, cpu = measurer._run_timed(exe, cwd)
        ok, _ = measurer._checked(result)
        return (cpu, wall) if clock == "cpu" else (wall, cpu), ok
    base, best, ratios, other, ok = [], [], [], [], True
    for _ in range(2):                       # warm-up, not counted
        timed(exe_base), timed(exe_best)
    for i in range(pairs):
        if i % 2 == 0:
            a, oka = timed(exe_base)
            b, okb = timed(exe_best)
        else:
            b, okb = timed(exe_best)
            a, oka = timed(exe_base)
        ok = ok and oka and okb
        base.append(a[0])
        best.append(b[0])
        ratios.append(a[0] / b[0])
        other.append(a[1] / b[1])
    q = statistics.quantiles(ratios, n=4)
    med = statistics.median(ratios)

    def spread(xs):
        qq = statistics.quantiles(xs, n=4)
        return (qq[2] - qq[0]) / statistics.median(xs)
    return {"clock": clock, "other_clock_speedup": statistics.median(other),
            "other_clock_ratio_spread": spread(other),
            "o3_median": statistics.median(base),
            "best_median": statistics.median(best),
            "o3_spread": spread(base), "best_spread": spread(best),
            "speedup": med, "ratio_q1": q[0], "ratio_q3": q[2],
            "ratio_spread": (q[2] - q[0]) / med,
            "significant": q[0] > 1 or q[2] < 1,
            "all_ok": ok, "pairs": pairs}


def confirm(ev, seed, candidates, rounds, clock, tmp):
    """Races \p candidates (Outcomes) against \p seed's plan: each built
    from scratch, then \p rounds rounds in which the seed and every
    candidate run once, in a rotating order. The candidate whose median
    ratio (seed time / its time) is highest wins if the middle half of its
    ratios lies above 1; else the seed. Returns (winner, [per candidate
    (median ratio, q1, q3)])."""
    exes = []
    for i, out in enumerate([ev.evaluate(seed)] + list(candidates)):
        d = os.path.join(tmp, "c%d" % i)
        os.makedirs(d)
        v = validate_plan(ev.benchmark, out.plan, ev.info, level="O3",
                          keep=d)
        exes.append(ev.benchmark.build(os.path.join(d, "out.bc"),
                                       os.path.join(d, "prog"))
                    if v.ok else None)
    times = [[] for _ in exes]
    for r in range(rounds):
        order = list(range(len(exes)))
        order = order[r % len(order):] + order[:r % len(order)]
        for i in order:
            if exes[i] is None:
                continue
            result, wall, cpu = ev.measurer._run_timed(exes[i], tmp)
            ok, _ = ev.measurer._checked(result)
            times[i].append((cpu if clock == "cpu" else wall)
                            if ok else float("inf"))
    stats, winner, best_ratio = [], seed, 1.0
    for i, out in enumerate(candidates, 1):
        if exes[i] is None:
            stats.append(None)
            continue
        ratios = [a / b for a, b in zip(times[0], times[i])]
        q = statistics.quantiles(ratios, n=4)
        med = statistics.median(ratios)
        stats.append((med, q[0], q[2]))
        if q[0] > 1 and med > best_ratio:
            winner, best_ratio = out.plan, med
    return winner, stats


def run_one(bench, args):
    ev = Evaluator(bench, metric="runtime", level="O3", runs=args.runs,
                   warmup=1, clock=args.clock)
    seed = oz_plan(ev.info, ev.benchmark, level="O3")
    r = evolve(ev, seed, args.budget_seconds, seed=args.seed)
    began = time.monotonic()
    # The search's best few, by distinct module, raced against the seed:
    # its best alone is often best by the luck of a quiet moment.
    ranked, digests = [], {r.seed.digest}
    for out in sorted((o for o in ev.memo.values() if o.ok),
                      key=lambda o: o.key()):
        if out.digest not in digests and out.metric < r.seed.metric:
            digests.add(out.digest)
            ranked.append(out)
        if len(ranked) == args.confirm:
            break
    with tempfile.TemporaryDirectory(prefix="sy-race-") as tmp:
        chosen, raced = confirm(ev, seed, ranked, args.confirm_rounds,
                                args.clock, tmp) if ranked else (seed, [])
    best = ev.evaluate(chosen)
    row = {"benchmark": bench.name, "budget_seconds": args.budget_seconds,
           "seconds": round(r.seconds, 1), "calls": r.calls,
           "measure_calls": r.measure_calls, "evaluated": r.evaluated,
           "confirm_seconds": round(time.monotonic() - began, 1),
           "raced": raced, "search_best_runtime": r.best.metric,
           "seed_runtime": r.seed.metric, "search_runtime": best.metric,
           "actions": len(best.plan.actions),
           "site_answers": len(best.plan.sites),
           "site_kinds": sorted({k for k, _, _ in best.plan.sites}),
           "plan": best.plan.to_dict(), "same_as_seed": best.plan == seed}
    with tempfile.TemporaryDirectory(prefix="sy-rt-") as tmp:
        v = validate_plan(ev.benchmark, best.plan, ev.info, level="O3",
                          keep=tmp)
        row.update(valid=v.ok, error=v.error, how=v.how,
                   matches_search=v.inst_count == best.inst_count)
        if not v.ok:
            return row
        exe_best = ev.benchmark.build(os.path.join(tmp, "out.bc"),
                                      os.path.join(tmp, "best"))
        exe_o3 = os.path.join(tmp, "o3")
        subprocess.run([find_tool("clang"), "-O3", *ev.benchmark.flags,
                        *ev.benchmark.sources, "-o", exe_o3,
                        *ev.benchmark.link_flags], check=True)
        row.update(paired(ev.measurer, exe_o3, exe_best, args.pairs, tmp,
                          args.clock))
        if args.scripts:
            os.makedirs(args.scripts, exist_ok=True)
            write_script(best.plan, os.path.join(
                args.scripts, "%s.runtime.script"
                % bench.name.replace("/", "_")), ev.info,
                note="%s, runtime, input clang-22 -O3 -Xclang "
                "-disable-llvm-passes" % bench.name)
    return row


def table(rows, noise):
    lines = ["| program | search | race | compiler calls | timed builds | "
             "-O3 median (ms) | best median (ms) | -O3 spread | best spread "
             "| speedup vs -O3 (paired median) | ratio IQR | verdict | "
             "wall-clock speedup | site answers | self-check |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|"
             "---:|---|"]
    for r in rows:
        if not r.get("valid"):
            lines.append("| %s | %.0f s | | %d | %d | | | | | | | invalid: %s "
                         "| | | NO |" % (r["benchmark"], r["seconds"],
                                       r["calls"], r["measure_calls"],
                                       r.get("error")))
            continue
        verdict = "faster" if r["ratio_q1"] > 1 else "slower" \
            if r["ratio_q3"] < 1 else "no difference"
        if r["ratio_spread"] > noise:
            verdict += ", noisy"
        if r["same_as_seed"]:
            verdict += " (the -O3 plan itself)"
        lines.append(
            "| %s | %.0f s | %.0f s | %d | %d | %.1f | %.1f | %.1f%% | %.1f%% "
            "| %.3f× | %.3f–%.3f | %s | %.3f× | %d | %s |" % (
                r["benchmark"], r["seconds"], r.get("confirm_seconds", 0),
                r["calls"],
                r["measure_calls"], 1e3 * r["o3_median"],
                1e3 * r["best_median"], 100 * r["o3_spread"],
                100 * r["best_spread"], r["speedup"], r["ratio_q1"],
                r["ratio_q3"], verdict, r["other_clock_speedup"],
                r["site_answers"],
                "pass" if r["all_ok"] else "FAIL"))
    ok = [r for r in rows if r.get("valid")]
    lines.append("| **geomean** | | | %d | %d | | | | | **%.3f×** | | | "
                 "%.3f× | | |" % (
                     sum(r["calls"] for r in rows),
                     sum(r["measure_calls"] for r in rows),
                     geomean([r["speedup"] for r in ok]),
                     geomean([r["other_clock_speedup"] for r in ok])))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--budget-seconds", type=float, default=45.0)
    ap.add_argument("--runs", type=int, default=5,
                    help="timed runs per candidate in the search")
    ap.add_argument("--pairs", type=int, default=20,
                    help="interleaved pairs in the validation")
    ap.add_argument("--noise", type=float, default=0.05)
    ap.add_argument("--confirm", type=int, default=3,
                    help="race the search's best N against the seed")
    ap.add_argument("--confirm-rounds", type=int, default=12)
    ap.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                    help="time runs by user+system CPU time or wall time")
    ap.add_argument("--benchmarks", default=",".join(PROGRAMS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", default=None)
    ap.add_argument("--markdown", default=None)
    ap.add_argument("--scripts", default=None)
    ap.add_argument("--from-json", default=None)
    args = ap.parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            print(table(json.load(f)["rows"], args.noise))
        return 0
    suite = datasets.suite()
    rows = []
    started = time.time()
    for name in args.benchmarks.split(","):
        row = run_one(suite[name], args)
        rows.append(row)
        print("%-14s %s" % (name, {k: (round(v, 4) if isinstance(v, float)
                                      else v) for k, v in row.items()
                                  if k not in ("plan", "how")}), flush=True)
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"args": vars(args), "rows": rows}, f, indent=1)
    text = table(rows, args.noise)
    print(text)
    print("total %.0fs" % (time.time() - started))
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
