#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Random, cached-prefix greedy and evolutionary search for `.text` bytes
over the bundled suite, every best plan validated from scratch
(switchyard.search). Writes JSON and a markdown table.

    PYTHONPATH=agent_sdk/python:build/agent_sdk/python/gen \\
      python3 bench/size_search.py --budget-seconds 12 --json out.json \\
      --markdown out.md [--benchmarks sha256,json]
"""

import argparse
import json
import math
import os
import sys
import time

from switchyard import datasets
from switchyard.search import (Evaluator, climb, evolve, greedy, oz_plan,
                               random_plans, validate_plan, write_script)

AGENTS = ("random", "greedy", "evolve", "greedy-sites", "climb",
          "climb-random")


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")


def tables(rows, agents):
    """The markdown tables of \\p rows, one per agent."""
    lines = []
    for agent in agents:
        rs = [r for r in rows if r["agent"] == agent]
        lines += ["", "### %s" % agent, "",
                  "| benchmark | -Oz IR | IR | IR vs -Oz | -Oz .text | "
                  ".text | .text vs -Oz | actions | site answers | "
                  "compiler calls | llc calls | seconds | valid |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
                  "---:|---|"]
        for r in rs:
            lines.append("| %s | %d | %d | %.3f× | %d | %d | %.3f× | %d | "
                         "%d | %d | %d | %.0f | %s |" % (
                             r["benchmark"], r["oz_ic"], r["ic"],
                             r["oz_ic"] / max(1, r["ic"]), r["oz_text"],
                             r["text"], r["oz_text"] / max(1, r["text"]),
                             r["actions"], r["site_answers"], r["calls"],
                             r["measure_calls"], r["seconds"],
                             "yes" if r["valid"] and r["matches_search"]
                             else "NO: " + (r["error"] or "differs")))
        lines.append("| **geomean** | | | **%.3f×** | | | **%.3f×** | | | "
                     "%d | %d | %.0f | |" % (
                         geomean([r["oz_ic"] / max(1, r["ic"]) for r in rs]),
                         geomean([r["oz_text"] / max(1, r["text"])
                                  for r in rs]),
                         sum(r["calls"] for r in rs),
                         sum(r["measure_calls"] for r in rs),
                         sum(r["seconds"] for r in rs)))
    return "\n".join(lines) + "\n"


def run_one(bench, agent, budget, calls, seed, scripts, metric="text"):
    ev = Evaluator(bench, metric=metric)
    seed_plan = oz_plan(ev.info, ev.benchmark)
    if agent == "random":
        r = random_plans(ev, budget, budget_calls=calls, seed=seed)
    elif agent == "greedy":
        r = greedy(ev, seed_plan, budget, budget_calls=calls)
    elif agent == "greedy-sites":
        r = greedy(ev, seed_plan, budget, budget_calls=calls,
                   sites_first=True)
    elif agent == "climb":
        r = climb(ev, seed_plan, budget, budget_calls=calls, seed=seed)
    elif agent == "climb-random":
        # A quarter of the budget for random plans, the rest to climb from
        # the better of -Oz and the best of them.
        r0 = random_plans(ev, budget / 4, seed=seed,
                          budget_calls=calls and calls // 4)
        r = climb(ev, seed_plan, budget - r0.seconds, seed=seed,
                  budget_calls=calls and calls - r0.calls,
                  seeds=[r0.best.plan] if r0.best else [])
        r.seconds += r0.seconds
        r.calls += r0.calls
        r.measure_calls += r0.measure_calls
    else:
        r = evolve(ev, seed_plan, budget, budget_calls=calls, seed=seed)
    best = r.best
    v = validate_plan(ev.benchmark, best.plan, ev.info)
    row = {"benchmark": bench.name, "agent": agent,
           "search_ic": best.inst_count, "search_text": best.text_size,
           "ic": v.inst_count, "text": v.text_size, "valid": v.ok,
           # An "ir" search measures no .text: validation does.
           "matches_search": (v.inst_count == best.inst_count and
                              best.text_size in (-1, v.text_size)),
           "error": v.error, "how": v.how,
           "actions": len(best.plan.actions),
           "site_answers": len(best.plan.sites),
           "seconds": round(r.seconds, 1), "calls": r.calls,
           "measure_calls": r.measure_calls, "evaluated": r.evaluated,
           "moves": r.moves,
           "plan": best.plan.to_dict()}
    if scripts:
        os.makedirs(scripts, exist_ok=True)
        write_script(best.plan, os.path.join(
            scripts, "%s.%s.script" % (bench.name.replace("/", "_"), agent)),
            ev.info, note="%s, %s, .text %d" % (bench.name, agent,
                                                v.text_size))
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--budget-seconds", type=float, default=12.0)
    ap.add_argument("--budget-calls", type=int, default=None)
    ap.add_argument("--benchmarks", default=None)
    ap.add_argument("--agents", default=",".join(AGENTS[:3]))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--metric", choices=("text", "ir"), default="text",
                    help="what the searches minimize: .text bytes, or IR "
                    "instructions (CompilerGym's objective)")
    ap.add_argument("--json", default=None)
    ap.add_argument("--markdown", default=None)
    ap.add_argument("--scripts", default=None,
                    help="write each best plan's script here")
    ap.add_argument("--from-json", default=None,
                    help="only print the tables of an earlier run's JSON")
    args = ap.parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            rows = json.load(f)["rows"]
        agents = [a for a in AGENTS if any(r["agent"] == a for r in rows)]
        print(tables(rows, agents))
        return 0
    suite = datasets.suite()
    benches = suite.select(args.benchmarks) if args.benchmarks else list(suite)
    agents = args.agents.split(",")
    rows = []
    started = time.time()
    for b in benches:
        base = b.baseline("Oz")
        for agent in agents:
            row = run_one(b, agent, args.budget_seconds, args.budget_calls,
                          args.seed, args.scripts, args.metric)
            row["oz_ic"], row["oz_text"] = base.inst_count, base.text_size
            rows.append(row)
            print("%-16s %-7s IR %5d/%5d  .text %6d/%6d  %.3fx  valid=%s "
                  "calls=%d llc=%d %.0fs" % (
                      b.name, agent, row["ic"], base.inst_count, row["text"],
                      base.text_size, base.text_size / max(1, row["text"]),
                      row["valid"], row["calls"], row["measure_calls"],
                      row["seconds"]), flush=True)
            if args.json:
                with open(args.json, "w") as f:
                    json.dump({"budget_seconds": args.budget_seconds,
                               "metric": args.metric,
                               "budget_calls": args.budget_calls,
                               "rows": rows}, f, indent=1)
    text = tables(rows, agents)
    print(text)
    print("total %.0fs" % (time.time() - started))
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)


if __name__ == "__main__":
    sys.exit(main())
