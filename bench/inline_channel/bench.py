#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Per-decision overhead: Switchyard's inline hook vs LLVM's interactive
inliner channel, on the same IR, in the same run. Driven by run.sh.

    bench.py --build BUILD --work WORK --ir big.ll --mlgo-agent PATH
             [--reps 5] [--pipelines inliner[,o2]] [--json FILE]

Modes, per pipeline (see README.md):
  base       opt-22 -passes=P
  plugin     the same with -load-pass-plugin and no agent (diagnostic: the
             fixed cost of loading the plugin, not part of the ratio)
  llvm       mlgo_default_agent BASE -- opt-22 -passes=P' -enable-ml-inliner=release
             -inliner-interactive-channel-base=BASE
             -inliner-interactive-include-default
  switchyard switchyard-agent --policy default --features -- env SWITCHYARD_HOOKS=inline
             opt-22 -load-pass-plugin=... -passes=P
One untimed run per mode first writes the bitcode, which must be
byte-identical to base's, and counts the decisions (Switchyard: lines of
--log; LLVM: observations the agent answered). The timed runs write to
/dev/null, without --log, interleaved with the order rotated each
repetition, and must each report the same decision count again.
"""
import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import sys
import time

PIPELINES = {
    # name: (base/switchyard -passes, llvm-channel -passes)
    # inliner-wrapper is ModuleInlinerWrapperPass with the default advisor
    # mode and ignores -enable-ml-inliner; inliner-ml-advisor-release is the
    # same pass with the same InlineParams, in release (ML) advisor mode.
    "inliner": ("inliner-wrapper", "inliner-ml-advisor-release"),
    "o2": ("default<O2>", "default<O2>"),
}
MODES = ["base", "plugin", "llvm", "switchyard", "switchyard-nofeat"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--ir", required=True)
    ap.add_argument("--mlgo-agent", required=True)
    ap.add_argument("--opt", default="opt-22")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--pipelines", default="inliner")
    ap.add_argument("--json")
    a = ap.parse_args()

    plugin = os.path.join(a.build, "plugin", "libSwitchyard.so")
    sy_agent = os.path.join(a.build, "agent_sdk", "switchyard-agent")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SWITCHYARD_")}

    timefile = os.path.join(a.work, "compiler.time")
    # The compiler's own user + sys, so the tree's CPU splits into compiler
    # and agent; wraps the compiler the same way in every mode.
    timer = ["/usr/bin/time", "-f", "%U %S", "-o", timefile]

    def command(mode, pipe, out, log=None, count_file=None):
        cmd = command_inner(mode, pipe, out, log, count_file)
        i = cmd.index(a.opt)
        return cmd[:i] + timer + cmd[i:]

    def compiler_cpu_ns():
        """(user + sys, sys) of the compiler, ns."""
        u, s = open(timefile).read().split()[-2:]
        return int((float(u) + float(s)) * 1e9), int(float(s) * 1e9)

    def command_inner(mode, pipe, out, log=None, count_file=None):
        base_p, llvm_p = PIPELINES[pipe]
        if mode == "base":
            return [a.opt, "-passes=" + base_p, a.ir, "-o", out]
        if mode == "plugin":
            return [a.opt, "-load-pass-plugin=" + plugin, "-passes=" + base_p,
                    a.ir, "-o", out]
        if mode == "llvm":
            chan = os.path.join(a.work, "chan")
            cmd = [a.mlgo_agent]
            if count_file:
                cmd += ["--count-file", count_file]
            return cmd + [chan, "--", a.opt, "-passes=" + llvm_p,
                          "-enable-ml-inliner=release",
                          "-inliner-interactive-channel-base=" + chan,
                          "-inliner-interactive-include-default",
                          a.ir, "-o", out]
        if mode in ("switchyard", "switchyard-nofeat"):
            # -nofeat: the agent asks for no features, so the hook skips
            # the two cost analyses that compute them.
            cmd = [sy_agent, "--socket", os.path.join(a.work, "sy.sock"),
                   "--policy", "default"] + (
                       ["--no-features"] if mode.endswith("nofeat") else
                       ["--features"])
            if log:
                cmd += ["--log", log]
            return cmd + ["--", "env", "SWITCHYARD_HOOKS=inline",
                          "SWITCHYARD_ON_FAILURE=error", a.opt,
                          "-load-pass-plugin=" + plugin, "-passes=" + base_p,
                          a.ir, "-o", out]
        raise ValueError(mode)

    def run(cmd):
        """Wall ns, CPU ns (user + sys of the whole process tree), stderr."""
        errf = os.path.join(a.work, "stderr")
        with open(errf, "wb") as err:
            t0 = time.perf_counter_ns()
            p = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL,
                                 stderr=err)
            _, status, ru = os.wait4(p.pid, 0)
            t1 = time.perf_counter_ns()
        p.returncode = os.waitstatus_to_exitcode(status)
        text = open(errf, errors="replace").read()
        if p.returncode != 0:
            sys.exit("failed (%d): %s\n%s" % (p.returncode, " ".join(cmd),
                                              text))
        return t1 - t0, int((ru.ru_utime + ru.ru_stime) * 1e9), text

    def served(mode, text, count_file):
        """The decision count a run reports, and its unexpected stderr."""
        if mode == "llvm":
            return int(open(count_file).read()), text
        if mode.startswith("switchyard"):
            m = re.search(r"switchyard-agent: (\d+) connections, (\d+) "
                          r"decisions .* (\d+) refused, (\d+) dropped[^\n]*", text)
            if not m or m.group(1) != "1" or m.group(3) != "0" \
                    or m.group(4) != "0":
                sys.exit("switchyard-agent summary missing or bad:\n" + text)
            return int(m.group(2)), text.replace(m.group(0), "").strip()
        return 0, text.strip()

    pipes = [p for p in a.pipelines.split(",") if p]
    results = {}
    for pipe in pipes:
        # Untimed: outputs, byte-identity, decision counts.
        outs, decisions, matched = {}, {}, {}
        for mode in MODES:
            out = os.path.join(a.work, "%s.%s.bc" % (pipe, mode))
            log = os.path.join(a.work, "%s.%s.log" % (pipe, mode))
            cnt = os.path.join(a.work, "%s.llvm.count" % pipe)
            _, _, text = run(command(mode, pipe, out, log, cnt))
            n, rest = served(mode, text, cnt)
            if rest:
                sys.exit("%s/%s printed:\n%s" % (pipe, mode, rest))
            if mode.startswith("switchyard"):
                with open(log) as f:
                    logged = sum(1 for _ in f)
                if logged != n:
                    sys.exit("switchyard: %d log lines, agent says %d"
                             % (logged, n))
            decisions[mode] = n
            outs[mode] = open(out, "rb").read()
            matched[mode] = outs[mode] == outs["base"]
        print("%s: base -passes=%s; decisions: llvm %d, switchyard %d; "
              "output identical to base: plugin %s, llvm %s, switchyard %s"
              % (pipe, PIPELINES[pipe][0], decisions["llvm"],
                 decisions["switchyard"], matched["plugin"], matched["llvm"],
                 matched["switchyard"]), flush=True)

        # Timed, interleaved, rotating order.
        wall = {m: [] for m in MODES}
        cpu = {m: [] for m in MODES}
        ccpu = {m: [] for m in MODES}
        csys = {m: [] for m in MODES}
        cnt = os.path.join(a.work, "timed.count")
        for rep in range(a.reps):
            order = MODES[rep % len(MODES):] + MODES[:rep % len(MODES)]
            for mode in order:
                if os.path.exists(cnt):
                    os.unlink(cnt)
                w, c, text = run(command(mode, pipe, "/dev/null",
                                         count_file=cnt))
                n, rest = served(mode, text, cnt)
                if rest or n != decisions[mode]:
                    sys.exit("%s/%s timed run: %d decisions (expected %d)%s"
                             % (pipe, mode, n, decisions[mode],
                                "\n" + rest if rest else ""))
                wall[mode].append(w)
                cpu[mode].append(c)
                c_all, c_sys = compiler_cpu_ns()
                ccpu[mode].append(c_all)
                csys[mode].append(c_sys)
            print("  %s rep %d/%d: %s" % (
                pipe, rep + 1, a.reps, "  ".join(
                    "%s %.2fs" % (m, wall[m][-1] / 1e9) for m in MODES)),
                flush=True)
        results[pipe] = {"passes": PIPELINES[pipe], "decisions": decisions,
                         "identical": matched, "wall_ns": wall, "cpu_ns": cpu,
                         "compiler_cpu_ns": ccpu, "compiler_sys_ns": csys}

    print()
    print("%d interleaved repetitions per mode; medians; overhead per "
          "decision = (mode - base) / decisions" % a.reps)
    hdr = ("%-8s %-12s %10s %9s %9s %9s %9s %12s %12s %8s"
           % ("pipeline", "clock", "decisions", "base s", "plugin s",
              "llvm s", "sy s", "llvm us/dec", "sy us/dec", "sy/llvm"))
    print(hdr)
    print("-" * len(hdr))
    for pipe in pipes:
        r = results[pipe]
        d = r["decisions"]
        r["summary"] = {}
        for clock in ("wall", "cpu", "compiler_cpu", "compiler_sys"):
            s = r[clock + "_ns"]
            med = {m: statistics.median(s[m]) for m in MODES}
            llvm_pd = (med["llvm"] - med["base"]) / d["llvm"] / 1e3
            sy_pd = (med["switchyard"] - med["base"]) / d["switchyard"] / 1e3
            # Paired per repetition (same rep, similar load), then median.
            pairs = [((s["switchyard"][i] - s["base"][i]) / d["switchyard"]) /
                     ((s["llvm"][i] - s["base"][i]) / d["llvm"])
                     for i in range(a.reps) if s["llvm"][i] != s["base"][i]]
            paired = statistics.median(pairs) if pairs else float("nan")
            ratio = sy_pd / llvm_pd if llvm_pd else float("nan")
            nf_pd = ((med["switchyard-nofeat"] - med["base"]) /
                     d["switchyard-nofeat"] / 1e3)
            r["summary"][clock + "_nofeatures"] = {
                "switchyard_us_per_decision": nf_pd,
                "ratio": nf_pd / llvm_pd if llvm_pd else float("nan")}
            r["summary"][clock] = {
                "median_s": {m: med[m] / 1e9 for m in MODES},
                "llvm_us_per_decision": llvm_pd,
                "switchyard_us_per_decision": sy_pd,
                "ratio": ratio, "paired_ratio_median": paired}
            print("%-8s %-12s %10s %9.2f %9.2f %9.2f %9.2f %12.1f %12.1f %8.2f"
                  % (pipe, clock, "%d/%d" % (d["llvm"], d["switchyard"]),
                     med["base"] / 1e9, med["plugin"] / 1e9,
                     med["llvm"] / 1e9, med["switchyard"] / 1e9, llvm_pd,
                     sy_pd, ratio))
    print()
    for pipe in pipes:
        s = results[pipe]["summary"]
        print("%s, agent asking for no features (--no-features): sy "
              "us/decision wall %.1f (sy/llvm %.2f), cpu %.1f (sy/llvm %.2f)"
              % (pipe, s["wall_nofeatures"]["switchyard_us_per_decision"],
                 s["wall_nofeatures"]["ratio"],
                 s["cpu_nofeatures"]["switchyard_us_per_decision"],
                 s["cpu_nofeatures"]["ratio"]))
    print()
    print("decisions: llvm/switchyard. wall: elapsed time of the whole "
          "command (agent + compiler). cpu: user + sys of the whole process "
          "tree (agent + compiler). compiler_cpu: the compiler's own user + "
          "sys (the rest of cpu is the agent's); compiler_sys: its sys part "
          "alone (pipe/socket I/O, context switches). sy/llvm: Switchyard's per-decision "
          "overhead over LLVM's (target <= 0.5).")
    for pipe in pipes:
        s = results[pipe]["summary"]
        print("%s: sy/llvm paired per repetition, median: wall %.2f, "
              "cpu %.2f, compiler_cpu %.2f"
              % (pipe, s["wall"]["paired_ratio_median"],
                 s["cpu"]["paired_ratio_median"],
                 s["compiler_cpu"]["paired_ratio_median"]))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"date": datetime.date.today().isoformat(),
                       "reps": a.reps, "load_avg": os.getloadavg(),
                       "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
