#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Checks a load run, connection by connection: every decision answered
exactly once, and to the client that asked.

   verify.py --log LOG --agent-err ERR [--jobs DIR] [--records DIR]

LOG is the agent's --log (one JSON object per answered decision, with the
connection number "conn", the client's kernel pid "pid" and the request id
"id"); ERR is the agent's stderr with --print-reports.

--jobs DIR holds one compiler run per NAME: NAME.pid (the pid the compiler
ran as, recorded by the shell that started it), NAME.module (the module it
compiled), NAME.rc (its exit status) and NAME.err (its stderr, with the
-Rpass=switchyard remarks). Each compiler is matched to its one connection by
module; then the connection's pid must be the compiler's, its request ids
exactly 1..N in order, N must equal the decisions the compiler itself
reported, and the decisions the agent logged as changed must be, in order,
the ones the compiler's remarks say it applied.

--records DIR holds *.tsv files written by session_client: one line per
answered request (pid, module, id, answer) and "pid module abandoned" for a
session that hung up before its report. Each session must be one connection
with the same pid and exactly the same (id, answer) sequence.

Prints the totals; exits 1 if any decision was lost or misrouted.
"""
import argparse
import collections
import glob
import json
import os
import re
import sys

REMARK_GATE = re.compile(
    r"remark: .*agent chose '([^']*)' instead of '([^']*)' for pass-gate of "
    r"pass '([^']*)' on (\w+) '(.*)'")
REMARK_OTHER = re.compile(
    r"remark: .*(?:agent chose '([^']*)' instead of '[^']*'|"
    r"could not apply '([^']*)') for ([a-z-]+)")
REPORT = re.compile(r"switchyard-agent: report: module (.*?): IR instructions")
KIND_STATS = re.compile(
    r"([a-z-]+): agent (\d+) \(changed (\d+)\), local default (\d+), "
    r"fallback (\d+)")


class Conn:
    def __init__(self, number):
        self.number = number
        self.pids = set()
        self.modules = set()
        self.ids = []
        # What the agent changed, as the compiler's remarks name it: pass-gate
        # decisions in order; other kinds, whose advice some passes record
        # after the fact (the inliner), as a multiset.
        self.changed = ([], collections.Counter())
        self.answers = []  # (id, answer)
        self.first = self.last = None


def read_log(path):
    conns = {}
    with open(path) as f:
        for lineno, line in enumerate(f):
            d = json.loads(line)
            c = conns.get(d["conn"])
            if c is None:
                c = conns[d["conn"]] = Conn(d["conn"])
                c.first = lineno
            c.last = lineno
            c.pids.add(d["pid"])
            c.modules.add(d.get("module", ""))
            c.ids.append(d["id"])
            c.answers.append((d["id"], d["answer"]))
            if d["answer"] not in ("default", d.get("default")):
                if d["kind"] == "pass-gate":
                    c.changed[0].append((d["answer"], d["pass"],
                                         d["unit_kind"], d["unit"]))
                else:
                    c.changed[1][(d["kind"], d["answer"])] += 1
    return conns


def peak_overlap(conns):
    """Most connections whose logged decisions interleave at one point."""
    events = []
    for c in conns:
        events.append((c.first, 1))
        events.append((c.last + 0.5, -1))
    peak = now = 0
    for _, delta in sorted(events):
        now += delta
        peak = max(peak, now)
    return peak


def read_reports(path):
    """module -> round trips the compiler counted (agent + fallback)."""
    reports = {}
    with open(path, errors="replace") as f:
        for line in f:
            m = REPORT.match(line)
            if not m:
                continue
            total = changed = 0
            for k in KIND_STATS.finditer(line):
                total += int(k.group(2)) + int(k.group(5))
                changed += int(k.group(3))
            reports.setdefault(m.group(1), []).append((total, changed))
    return reports


def compiler_changes(err_path):
    gate, other = [], collections.Counter()
    with open(err_path, errors="replace") as f:
        for line in f:
            if "remark: " not in line:
                continue
            line = re.sub(r" \[-Rpass(-missed)?=switchyard\]$", "",
                          line.rstrip("\n"))
            m = REMARK_GATE.search(line)
            if m:
                gate.append((m.group(1), m.group(3), m.group(4), m.group(5)))
                continue
            m = REMARK_OTHER.search(line)
            if m:
                other[(m.group(3), m.group(1) or m.group(2))] += 1
    return gate, other


def changed_count(changes):
    return len(changes[0]) + sum(changes[1].values())


def read(path):
    with open(path) as f:
        return f.read().strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--agent-err", required=True)
    ap.add_argument("--jobs")
    ap.add_argument("--records")
    args = ap.parse_args()

    conns = read_log(args.log)
    by_module = collections.defaultdict(list)
    problems = []
    for c in conns.values():
        if len(c.pids) != 1 or len(c.modules) != 1:
            problems.append("conn %d: pids %s, modules %s in one connection"
                            % (c.number, sorted(c.pids), sorted(c.modules)))
        if c.ids != list(range(1, len(c.ids) + 1)):
            problems.append("conn %d: request ids are not 1..%d in order"
                            % (c.number, len(c.ids)))
        for m in c.modules:
            by_module[m].append(c)

    lost = misrouted = crashed = 0
    clients = decisions = 0
    compile_conns = []

    if args.jobs:
        reports = read_reports(args.agent_err)
        for mod_file in sorted(glob.glob(os.path.join(args.jobs, "*.module"))):
            name = mod_file[: -len(".module")]
            module, pid, rc = read(mod_file), int(read(name + ".pid")), \
                int(read(name + ".rc"))
            clients += 1
            where = "%s (%s, pid %d)" % (os.path.basename(name), module, pid)
            if rc != 0:
                # A compiler that crashed in a pass the agent chose is not a
                # load failure, but it is never acceptable either: say which.
                with open(name + ".err", errors="replace") as f:
                    why = [l.strip() for l in f
                           if re.search(r"LLVM ERROR|fatal error|Running pass", l)]
                problems.append("%s: exit status %d%s" %
                                (where, rc, (": " + why[-1]) if why else ""))
                crashed += 1
            # A switchyard warning means the compiler fell back to its
            # defaults. (LLVM's own transform warnings about a loop hint it
            # could not honour are expected with random loop decisions.)
            with open(name + ".err", errors="replace") as f:
                warnings = [l.strip() for l in f if "warning: switchyard" in l]
            if warnings:
                problems.append("%s: %s" % (where, warnings[0]))
            cs = by_module.get(module, [])
            rep = reports.get(module, [])
            if len(rep) != 1:
                problems.append("%s: %d module reports" % (where, len(rep)))
                continue
            counted, changed = rep[0]
            if len(cs) != 1:
                problems.append("%s: %d connections in the log"
                                % (where, len(cs)))
                lost += counted
                continue
            c = cs[0]
            compile_conns.append(c)
            decisions += len(c.ids)
            if counted != len(c.ids):
                problems.append("%s: compiler counted %d decisions, agent "
                                "logged %d" % (where, counted, len(c.ids)))
                lost += abs(counted - len(c.ids))
            pid_ok = c.pids == {pid}
            if not pid_ok:
                problems.append("%s: conn %d has pid %s" %
                                (where, c.number, sorted(c.pids)))
            applied = compiler_changes(name + ".err")
            same = applied == c.changed
            if not same:
                problems.append(
                    "%s: conn %d: agent changed %d decisions, compiler "
                    "applied %d (report says %d)%s" %
                    (where, c.number, changed_count(c.changed),
                     changed_count(applied), changed,
                     "" if changed_count(applied) != changed_count(c.changed)
                     else ", in a different order or place"))
            # A lost decision shifts what follows it; a connection with none
            # lost whose answers differ from what its compiler applied got
            # someone else's.
            if not pid_ok:
                misrouted += len(c.ids)
            elif counted == len(c.ids) and not same:
                extra = (collections.Counter(c.changed[0]) -
                         collections.Counter(applied[0])) + \
                    (c.changed[1] - applied[1])
                misrouted += max(1, sum(extra.values()))
        peak = peak_overlap(compile_conns)
        print("compiles: %d compiler processes, %d connections, %d "
              "decisions, peak %d connections interleaved in the log"
              % (clients, len(compile_conns), decisions, peak))

    if args.records:
        sessions = abandoned = answered = 0
        session_conns = []
        expect = collections.OrderedDict()
        for path in sorted(glob.glob(os.path.join(args.records, "*.tsv"))):
            with open(path) as f:
                for line in f:
                    parts = line.rstrip("\n").split("\t")
                    pid, module = int(parts[0]), parts[1]
                    e = expect.setdefault(module, {"pid": pid, "answers": [],
                                                   "abandoned": False})
                    if parts[2] == "abandoned":
                        e["abandoned"] = True
                    else:
                        e["answers"].append((int(parts[2]), parts[3]))
                        if e["pid"] != pid:
                            problems.append("records: %s under two pids"
                                            % module)
        for module, e in expect.items():
            sessions += 1
            abandoned += e["abandoned"]
            answered += len(e["answers"])
            cs = by_module.get(module, [])
            if len(cs) != 1:
                problems.append("session %s: %d connections in the log"
                                % (module, len(cs)))
                lost += len(e["answers"])
                continue
            c = cs[0]
            session_conns.append(c)
            if c.answers != e["answers"] or c.pids != {e["pid"]}:
                problems.append("session %s: conn %d logged %d answers "
                                "(pid %s), client saw %d (pid %d)%s" %
                                (module, c.number, len(c.answers),
                                 sorted(c.pids), len(e["answers"]), e["pid"],
                                 "" if len(c.answers) != len(e["answers"])
                                 else ", different answers"))
                if len(c.answers) != len(e["answers"]):
                    lost += abs(len(c.answers) - len(e["answers"]))
                elif c.pids != {e["pid"]}:
                    misrouted += len(c.answers)
                else:
                    misrouted += sum(a != b for a, b in
                                     zip(c.answers, e["answers"]))
        print("sessions: %d sessions (%d hung up before the report), %d "
              "decisions, peak %d connections interleaved in the log"
              % (sessions, abandoned, answered, peak_overlap(session_conns)))
        decisions += answered
        clients += sessions

    known = set(by_module) & (
        set(read(p) for p in glob.glob(os.path.join(args.jobs, "*.module")))
        if args.jobs else set())
    stray = [m for m in by_module
             if m not in known and not (args.records and m in expect)]
    for m in stray:
        problems.append("log: connection for module %s that no client made"
                        % m)
        misrouted += sum(len(c.ids) for c in by_module[m])

    # Failed compilers first: they explain the lines that follow them.
    problems.sort(key=lambda p: "exit status" not in p)
    for p in problems[:50]:
        print("PROBLEM: " + p)
    if len(problems) > 50:
        print("PROBLEM: ... and %d more" % (len(problems) - 50))
    print("clients %d, decisions %d, lost %d, misrouted %d, compilers "
          "failed %d, problems %d"
          % (clients, decisions, lost, misrouted, crashed, len(problems)))
    return 1 if problems or lost or misrouted else 0


if __name__ == "__main__":
    sys.exit(main())
