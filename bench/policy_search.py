#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The learned site-answer policy (switchyard.policy) on the bundled suite:
trained on the single-flip searches of two thirds of the programs, run on
the other third (switchyard.train's split: in name order, every third
program held out), against -Oz in `.text` bytes and IR instructions; with
the random-flips control at the same number of compiles. Every best plan
is validated from scratch (validate_plan: the plan's script through the
plugin's in-process policy, llc-22, self-check).

    PYTHONPATH=agent_sdk/python:build/agent_sdk/python/gen \\
      python3 bench/policy_search.py --per-program 30 --json policy.json
"""

import argparse
import json
import math
import sys
import time

from switchyard import datasets, train
from switchyard.policy import SitePolicy, collect_program, random_flips
from switchyard.search import Evaluator, oz_plan, validate_plan


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")


def table(rows):
    lines = []
    for agent in ("learned", "random-flips"):
        rs = [r for r in rows if r["agent"] == agent]
        lines += ["", "#### %s" % agent, "",
                  "| benchmark | -Oz IR | IR | IR vs -Oz | -Oz .text | .text "
                  "| .text vs -Oz | site answers | compiler calls | "
                  "llc calls | seconds | valid |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
                  "---|"]
        for r in rs:
            lines.append(
                "| %s | %d | %d | %.3f× | %d | %d | %.3f× | %d | %d | %d | "
                "%.1f | %s |" % (
                    r["benchmark"], r["oz_ic"], r["ic"],
                    r["oz_ic"] / max(1, r["ic"]), r["oz_text"], r["text"],
                    r["oz_text"] / max(1, r["text"]), r["site_answers"],
                    r["calls"], r["measure_calls"], r["seconds"],
                    "yes" if r["valid"] and r["matches_search"] else
                    "NO: " + (r["error"] or "differs")))
        lines.append("| **geomean** | | | **%.3f×** | | | **%.3f×** | | %d "
                     "| %d | %.0f | |" % (
                         geomean([r["oz_ic"] / max(1, r["ic"]) for r in rs]),
                         geomean([r["oz_text"] / max(1, r["text"])
                                  for r in rs]),
                         sum(r["calls"] for r in rs),
                         sum(r["measure_calls"] for r in rs),
                         sum(r["seconds"] for r in rs)))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-program", type=int, default=30,
                    help="single-flip searches per training program")
    ap.add_argument("--train-seconds", type=float, default=30.0,
                    help="at most this long collecting on one program")
    ap.add_argument("--train", default=None,
                    help="training programs (default: switchyard.train's)")
    ap.add_argument("--held-out", default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", default=None)
    ap.add_argument("--markdown", default=None)
    args = ap.parse_args()
    suite = datasets.suite()
    train_names, held = train.split(suite)
    if args.train:
        train_names = args.train.split(",")
    if args.held_out:
        held = args.held_out.split(",")
    assert not set(train_names) & set(held), "train and test overlap"
    started = time.time()
    examples, collect_calls = [], 0
    for name in train_names:
        ev = Evaluator(suite[name], site_features=True)
        t0 = time.monotonic()
        ex = collect_program(ev, oz_plan(ev.info, ev.benchmark),
                             per_program=args.per_program, seed=args.seed,
                             budget=lambda: time.monotonic() - t0 >
                             args.train_seconds)
        collect_calls += ev.calls
        examples += ex
        print("collect %-18s %3d examples, %d compiles, %.0fs, best gain "
              "%.4f" % (name, len(ex), ev.calls, time.monotonic() - t0,
                        max([e.gain for e in ex] or [0])), flush=True)
    collect_seconds = time.time() - started
    t0 = time.time()
    policy = SitePolicy.fit(examples, seed=args.seed)
    fit_seconds = time.time() - t0
    print("fit on %d examples from %d programs in %.1fs (%d compiles, "
          "%.0fs collecting)" % (len(examples), len(train_names),
                                 fit_seconds, collect_calls,
                                 collect_seconds), flush=True)
    rows = []
    for name in held:
        bench = suite[name]
        base = bench.baseline("Oz")
        for agent in ("learned", "random-flips"):
            ev = Evaluator(bench, site_features=True)
            seed_plan = oz_plan(ev.info, ev.benchmark)
            if agent == "learned":
                r = policy.run(ev, seed_plan)
            else:
                r = random_flips(ev, seed_plan, seed=args.seed)
            best = r.best
            v = validate_plan(ev.benchmark, best.plan, ev.info)
            row = {"benchmark": name, "agent": agent,
                   "oz_ic": base.inst_count, "oz_text": base.text_size,
                   "ic": v.inst_count, "text": v.text_size, "valid": v.ok,
                   "matches_search": (v.inst_count == best.inst_count and
                                      v.text_size == best.text_size),
                   "error": v.error, "site_answers": len(best.plan.sites),
                   "calls": r.calls, "measure_calls": r.measure_calls,
                   "seconds": round(r.seconds, 1),
                   "plan_sites": [list(s) for s in best.plan.sites]}
            rows.append(row)
            print("%-18s %-12s .text %d/%d %.3fx IR %d/%d calls %d valid %s"
                  % (name, agent, row["text"], base.text_size,
                     base.text_size / max(1, row["text"]), row["ic"],
                     base.inst_count, r.calls, v.ok), flush=True)
    text = table(rows)
    print(text)
    print("total %.0fs" % (time.time() - started))
    summary = {"train": train_names, "held_out": held,
               "examples": len(examples), "collect_calls": collect_calls,
               "collect_seconds": round(collect_seconds, 1),
               "fit_seconds": round(fit_seconds, 2),
               "positive_examples": sum(e.gain > 0 for e in examples),
               "args": vars(args), "rows": rows,
               "example_gains": [[e.program, e.kind, e.answer, e.gain]
                                 for e in examples]}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
