# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""pass-pipeline episodes from Python: actions, targets, observations."""

import os
import re
import subprocess
import sys

import numpy as np

import switchyard
from switchyard import Answer, Subscription
from conftest import (SOURCE_ROOT, compiler_env, function_ir, run_opt,
                      served, wait_for)

PIPELINE_TESTS = os.path.join(SOURCE_ROOT, "test", "lit", "pipeline")


class ScopedEpisode(switchyard.Agent):
    """sroa and instcombine on @foo only, then stop; watches the state."""

    def __init__(self):
        self.sessions = []
        self.requests = []
        self.reports = []

    def hello(self, session):
        self.sessions.append(session)
        return [Subscription("pass-pipeline",
                             observe=["inst-count", "function-counts",
                                      "autophase"])]

    def decide(self, request):
        self.requests.append(request)
        if request.index == 0:
            return Answer.choose("sroa", target="foo", observe="ir-hash")
        if request.index == 1:
            return Answer.choose("instcombine", target="foo")
        return Answer.choose("stop")

    def report(self, session, report):
        self.reports.append(report)


def test_scoped_episode_with_observations(opt, plugin, sock_path):
    agent = ScopedEpisode()
    with served(sock_path, agent):
        result = run_opt(opt, plugin, [
            "-passes=switchyard-pipeline", "-S",
            os.path.join(PIPELINE_TESTS, "function-scope.ll"), "-o", "-"],
            sock_path)
        wait_for(lambda: agent.reports)
    ir = result.stdout.decode()
    assert function_ir(ir, "foo")[1:] == ["entry:", "  %r = add i32 %x, 2",
                                          "  ret i32 %r", "}"]
    assert "  %slot = alloca i32, align 4" in function_ir(ir, "bar")

    (session,) = agent.sessions
    assert "pass-pipeline" in session.offered
    space = session.action_space
    assert space[0] == switchyard.Option("stop")
    assert space[[o.name for o in space].index("sroa")].function_scope

    steps = agent.requests
    assert [r.kind for r in steps] == ["pass-pipeline"] * 3
    assert all(r.legal == () and r.options == space for r in steps)
    assert steps[0].default == switchyard.Choice(0)
    assert steps[0].features == {"step": 0.0, "inst_count": 12.0,
                                 "function_count": 2.0}
    first = steps[0].observation
    assert first.inst_count == 12
    assert first.functions == {"foo": 6, "bar": 6}
    assert first.function_counts.dtype == np.uint64
    assert first.autophase.dtype == np.int64 and len(first.autophase) == 56
    assert first.ir_text is None and first.bitcode is None
    # ir-hash came once, because step 0 asked for it with its answer.
    assert first.ir_hash == 0 and steps[2].observation.ir_hash == 0
    assert steps[1].observation.ir_hash != 0
    assert [r.observation.functions["foo"] for r in steps] == [6, 3, 2]


def test_logs_match_switchyard_agent(opt, plugin, cxx_agent, sock_path,
                                     tmp_path):
    """The same episode, as observations.ll runs it with a script, from a
    Python agent: the decision logs are the same line for line."""
    script = tmp_path / "observe_agent.py"
    script.write_text(
        "import switchyard\n"
        "from switchyard import Answer\n"
        "class Observe(switchyard.Agent):\n"
        "    def hello(self, session):\n"
        "        return [switchyard.Subscription('pass-pipeline', observe="
        "'inst-count,function-counts,opcode-counts,autophase')]\n"
        "    def decide(self, r):\n"
        "        if r.index == 0:\n"
        "            return Answer.choose('instsimplify',\n"
        "                                 observe='ir-hash,ir-text,bitcode')\n"
        "        name = {1: 'instsimplify', 2: 'loop-rotate'}.get(r.index,\n"
        "                                                         'stop')\n"
        "        return Answer.choose(name, observe='ir-hash')\n"
        "raise SystemExit(switchyard.main(Observe()))\n")
    command = [opt, "-load-pass-plugin=" + plugin,
               "-passes=switchyard-pipeline", "-disable-output",
               os.path.join(PIPELINE_TESTS, "observations.ll")]
    logs = []
    for agent in ([sys.executable, str(script)],
                  [cxx_agent, "--policy", "script:" + os.path.join(
                      PIPELINE_TESTS, "Inputs", "observe.rules")]):
        log = tmp_path / ("%d.jsonl" % len(logs))
        result = subprocess.run(agent + ["--socket", sock_path, "--log",
                                         str(log), "--"] + command,
                                env=compiler_env(), stderr=subprocess.PIPE,
                                timeout=300)
        assert result.returncode == 0, result.stderr.decode()
        logs.append(re.sub(r'"pid":\d+', '"pid":0', log.read_text()))
    assert '"ir_hash":' in logs[0] and '"bitcode_bytes":' in logs[0]
    assert logs[0] == logs[1]


class BitcodeAfterTwo(switchyard.Agent):
    """sroa, gvn, then stop, asking for the module's bitcode after gvn."""

    def __init__(self):
        self.observed = []

    def decide(self, request):
        if request.observation is not None and request.observation.bitcode:
            self.observed.append(request.observation.bitcode)
        if request.index == 0:
            return Answer.choose("sroa")
        if request.index == 1:
            return Answer.choose("gvn", observe="bitcode")
        return Answer.choose("stop")


def test_bitcode_observation_is_what_plain_opt_writes(opt, plugin, sock_path,
                                                      tmp_path):
    """The bitcode an agent observes is byte for byte what plain opt writes
    for the same passes, use-list order included, so a search can go on
    from it with stock tools."""
    src = os.path.join(SOURCE_ROOT, "examples", "demo", "demo.c")
    ll = tmp_path / "demo.ll"
    subprocess.run([os.environ.get("CLANG", "clang-22"), "-O2", "-Xclang",
                    "-disable-llvm-passes", "-S", "-emit-llvm", src, "-o",
                    str(ll)], check=True)
    agent = BitcodeAfterTwo()
    with served(sock_path, agent):
        run_opt(opt, plugin, ["-passes=switchyard-pipeline",
                              "-disable-output", str(ll)], sock_path)
    plain = tmp_path / "plain.bc"
    subprocess.run([opt, "-passes=function(sroa),function(gvn)", str(ll),
                    "-o", str(plain)], check=True)
    assert len(agent.observed) == 1
    assert agent.observed[0] == plain.read_bytes()
