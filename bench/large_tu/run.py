#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Every decision kind on large translation units, side by side with plain
clang, interleaved (issue 12).

    bench/large_tu/run.py BUILD_DIR [--reps 7] [--sqlite DIR] [--json FILE]
                          [--inputs bigprog,generated,sqlite]

Inputs:
  bigprog    examples/bigprog/bigprog.c, the largest bundled program
  generated  bench/inline_channel/gen_tu.py's 31,118-line file: 2,400
             functions in three sizes, loops, switches, calls in a DAG
  sqlite     SQLite's amalgamation (about 244,000 lines) from Debian's
             source package, written by fetch_sqlite.sh into --sqlite DIR
             (default: no sqlite; give a directory to fetch or reuse)

Configurations, each `clang-22 -O2 -c INPUT`:
  plain      no plugin
  inert      -fpass-plugin, nothing configured
  inproc     SWITCHYARD_POLICY=default: every kind, answered in-process
  agent      switchyard-agent --policy default -- clang ...: every kind, each
             decision a round trip to the agent (which reads no features, so
             asks for none)
  agent+feat the same with --features: every feature of every kind computed
             and sent (what an agent that reads them costs)

One untimed run per configuration first checks that every object is
byte-identical to plain's and counts the decisions per kind (from the
agent's --log). Then REPS rounds; each runs every configuration once, in
an order rotated each round. Wall time is measured around the command; CPU
is user + system of the whole process tree (compiler and agent), from
RUSAGE_CHILDREN. Reported: medians, ratios to plain's medians, and the
slowest run over the fastest for each configuration (stability).
"""
import argparse
import collections
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from tabulate import tabulate

SRC = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
CONFIGS = ["plain", "inert", "inproc", "agent", "agent+feat"]


def command(config, build, source, obj, sock):
    plugin = os.path.join(build, "plugin", "libSwitchyard.so")
    agent = os.path.join(build, "agent_sdk", "switchyard-agent")
    clang = ["clang-22", "-O2", "-w", "-c", source, "-o", obj]
    with_plugin = clang[:2] + ["-fpass-plugin=" + plugin] + clang[2:]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SWITCHYARD_")}
    if config == "plain":
        return clang, env
    if config == "inert":
        return with_plugin, env
    if config == "inproc":
        return with_plugin, dict(env, SWITCHYARD_POLICY="default")
    extra = ["--features"] if config == "agent+feat" else []
    return ([agent, "--socket", sock, "--policy", "default", "--quiet"] +
            extra + ["--"] + with_plugin), env


def timed(cmd, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime -
                                                 before.ru_stime)
    if proc.returncode != 0 or "warning: switchyard" in proc.stderr:
        sys.exit("failed or fell back to defaults: %s\n%s" %
                 (" ".join(cmd), proc.stderr[-2000:]))
    return wall, cpu


def count_decisions(build, source, work):
    """Decisions per kind, from an untimed agent run's log."""
    log = os.path.join(work, "count.jsonl")
    cmd, env = command("agent", build, source, os.path.join(work, "c.o"),
                       os.path.join(work, "count.sock"))
    cmd = cmd[:cmd.index("--")] + ["--log", log] + cmd[cmd.index("--"):]
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    kinds = collections.Counter()
    with open(log) as f:
        for line in f:
            kinds[json.loads(line)["kind"]] += 1
    return kinds


def bench_input(name, source, build, reps, work, configs):
    objs = {}
    for config in configs:
        obj = os.path.join(work, "%s.%s.o" % (name, config))
        cmd, env = command(config, build, source, obj,
                           os.path.join(work, "check.sock"))
        timed(cmd, env)
        with open(obj, "rb") as f:
            objs[config] = f.read()
    for config in configs:
        if objs[config] != objs["plain"]:
            sys.exit("%s: %s's object differs from plain clang's" %
                     (name, config))
    kinds = (count_decisions(build, source, work)
             if any(c.startswith("agent") for c in configs) else
             collections.Counter())
    print("%s: %d decisions (%s); objects byte-identical" %
          (name, sum(kinds.values()),
           ", ".join("%s %d" % kv for kv in kinds.most_common())),
          flush=True)

    samples = {c: {"wall": [], "cpu": []} for c in configs}
    for rep in range(reps):
        order = configs[rep % len(configs):] + configs[:rep % len(configs)]
        for config in order:
            cmd, env = command(config, build, source,
                               os.path.join(work, "t.o"),
                               os.path.join(work, "t.sock"))
            wall, cpu = timed(cmd, env)
            samples[config]["wall"].append(wall)
            samples[config]["cpu"].append(cpu)
        print("  round %d/%d: %s" % (rep + 1, reps, "  ".join(
            "%s %.2fs" % (c, samples[c]["wall"][-1]) for c in configs)),
            flush=True)

    base = {k: statistics.median(samples["plain"][k]) for k in ("wall", "cpu")}
    rows = []
    for config in configs:
        s = samples[config]
        w, c = statistics.median(s["wall"]), statistics.median(s["cpu"])
        rows.append([config, w, w / base["wall"], c, c / base["cpu"],
                     max(s["wall"]) / min(s["wall"]),
                     max(s["cpu"]) / min(s["cpu"])])
    print(tabulate(rows, headers=["config", "wall s", "wall ×plain", "CPU s",
                                  "CPU ×plain", "wall max/min",
                                  "CPU max/min"],
                   floatfmt=".3f"), flush=True)
    return {"decisions": dict(kinds), "samples": samples,
            "summary": [dict(zip(["config", "wall", "wall_ratio", "cpu",
                                  "cpu_ratio", "wall_spread", "cpu_spread"],
                                 r)) for r in rows]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--inputs", default="bigprog,generated,sqlite")
    ap.add_argument("--sqlite", help="directory for SQLite's amalgamation")
    ap.add_argument("--configs", default=",".join(CONFIGS),
                    help="a subset of " + ",".join(CONFIGS) + " (plain is "
                    "always included)")
    ap.add_argument("--json")
    a = ap.parse_args()
    configs = ["plain"] + [c for c in a.configs.split(",")
                           if c and c != "plain"]
    for c in configs:
        if c not in CONFIGS:
            ap.error("unknown configuration '%s'" % c)
    build = os.path.abspath(a.build)
    for f in ("plugin/libSwitchyard.so", "agent_sdk/switchyard-agent"):
        if not os.path.exists(os.path.join(build, f)):
            sys.exit("missing %s (build first)" % os.path.join(build, f))

    work = tempfile.mkdtemp(prefix="switchyard-large-tu.")
    try:
        # Timed from a copy: a rebuild of BUILD_DIR during the run must not
        # swap the plugin under it.
        snap = os.path.join(work, "build")
        for f in ("plugin/libSwitchyard.so", "plugin/builtin.rules",
                  "plugin/builtin.rules.proof", "agent_sdk/switchyard-agent"):
            os.makedirs(os.path.dirname(os.path.join(snap, f)), exist_ok=True)
            shutil.copy2(os.path.join(build, f), os.path.join(snap, f))
        build = snap
        inputs = []
        wanted = a.inputs.split(",")
        if "bigprog" in wanted:
            inputs.append(("bigprog",
                           os.path.join(SRC, "examples/bigprog/bigprog.c")))
        if "generated" in wanted:
            gen = os.path.join(work, "generated.c")
            with open(gen, "w") as f:
                subprocess.run(["/usr/bin/python3", os.path.join(
                    SRC, "bench/inline_channel/gen_tu.py")], stdout=f,
                    check=True)
            inputs.append(("generated", gen))
        if "sqlite" in wanted and a.sqlite:
            path = subprocess.run(
                [os.path.join(SRC, "bench/large_tu/fetch_sqlite.sh"),
                 a.sqlite], check=True, stdout=subprocess.PIPE,
                text=True).stdout.strip()
            inputs.append(("sqlite", path))
        results = {"date": time.strftime("%Y-%m-%d %H:%M"),
                   "load_before": os.getloadavg(), "reps": a.reps,
                   "inputs": {}}
        for name, source in inputs:
            with open(source) as f:
                lines = sum(1 for _ in f)
            print("== %s (%s, %d lines)" % (name, source, lines), flush=True)
            results["inputs"][name] = bench_input(name, source, build,
                                                  a.reps, work, configs)
            results["inputs"][name]["lines"] = lines
        results["load_after"] = os.getloadavg()
        print("load average before %.2f, after %.2f" %
              (results["load_before"][0], results["load_after"][0]))
        if a.json:
            with open(a.json, "w") as f:
                json.dump(results, f, indent=1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
