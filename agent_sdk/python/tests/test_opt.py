# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""A Python agent serving real opt-22 runs with the Switchyard plugin."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading

import pytest

import switchyard
from conftest import (EXAMPLES, SKIP_SROA_LL, compiler_env,
                      function_ir, run_opt, served, wait_for)


class SkipSroaOn(switchyard.Agent):
    """Skips SROA on the named functions; records what it saw."""

    def __init__(self, *functions):
        self.functions = set(functions)
        self.requests = []
        self.reports = []
        self.open = set()
        self.max_open = 0

    def hello(self, session):
        self.open.add(session.id)
        self.max_open = max(self.max_open, len(self.open))
        return super().hello(session)

    def decide(self, request):
        self.requests.append(request)
        if request.pass_name == "SROAPass" and request.function in \
                self.functions:
            return switchyard.Answer.choose("skip")
        return switchyard.Answer.default()

    def report(self, session, report):
        self.reports.append(report)

    def closed(self, session):
        self.open.discard(session.id)


@pytest.fixture(scope="module")
def modules(clang, tmp_path_factory):
    """Example C programs as unoptimized IR that opt may still optimize."""
    out = tmp_path_factory.mktemp("ir")
    paths = {}
    for name in ("bigprog/bigprog", "multifile/store", "multifile/text",
                 "demo/demo"):
        ll = str(out / (os.path.basename(name) + ".ll"))
        subprocess.run([clang, "-O0", "-Xclang", "-disable-O0-optnone",
                        "-S", "-emit-llvm",
                        os.path.join(EXAMPLES, name + ".c"),
                        "-I", os.path.join(EXAMPLES, "multifile"), "-o", ll],
                       check=True)
        paths[os.path.basename(name)] = ll
    return paths


def test_agent_skips_sroa_on_one_function(opt, plugin, sock_path):
    agent = SkipSroaOn("bar")
    with served(sock_path, agent) as (server, log):
        result = run_opt(opt, plugin, ["-passes=sroa", "-S", SKIP_SROA_LL,
                                       "-o", "-", "-pass-remarks=switchyard"],
                         sock_path)
        wait_for(lambda: agent.reports)  # Sent just before opt exits.
    ir = result.stdout.decode()
    assert "alloca" not in "\n".join(function_ir(ir, "foo"))
    assert function_ir(ir, "bar")[1:7] == [
        "entry:",
        "  %slot = alloca i32, align 4",
        "  store i32 %x, ptr %slot, align 4",
        "  %v = load i32, ptr %slot, align 4",
        "  %r = mul i32 %v, 3",
        "  ret i32 %r"]
    assert ("agent chose 'skip' instead of 'run' for pass-gate of pass "
            "'SROAPass' on Function 'bar'") in result.stderr.decode()

    foo, bar = agent.requests
    assert (foo.kind, foo.function, foo.pass_name, foo.pass_arg,
            foo.unit_kind) == ("pass-gate", "foo", "SROAPass", "sroa",
                               "Function")
    assert foo.features == {"unit_kind": 2.0, "unit_inst_count": 5.0,
                            "unit_block_count": 1.0, "execution_index": 0.0,
                            "occurrence": 0.0}
    assert foo.feature_array.tolist() == [2.0, 5.0, 1.0, 0.0, 0.0]
    assert [o.name for o in foo.legal] == ["run", "skip"]
    assert foo.default == switchyard.Choice(0)
    assert foo.session.module == SKIP_SROA_LL
    assert foo.session.peer_pid == foo.session.pid
    assert bar.function == "bar" and bar.site_id != foo.site_id
    (report,) = agent.reports
    assert report.stats["pass-gate"] == switchyard.KindStats(
        agent=2, agent_changed=1, local_default=0, fallback=0)
    assert log == []


def test_default_answers_are_byte_identical(opt, plugin, modules, sock_path,
                                           tmp_path):
    plain, served_out = str(tmp_path / "plain.bc"), str(tmp_path / "agent.bc")
    run_opt(opt, plugin, ["-passes=default<O2>", modules["bigprog"], "-o",
                          plain])
    with served(sock_path, switchyard.DefaultAgent()) as (server, log):
        run_opt(opt, plugin, ["-passes=default<O2>", modules["bigprog"], "-o",
                              served_out], sock_path)
    assert server.stats.decisions > 1000
    with open(plain, "rb") as a, open(served_out, "rb") as b:
        assert a.read() == b.read()


def test_one_agent_serves_concurrent_compiles(opt, plugin, modules,
                                              sock_path, tmp_path):
    """Compile A is frozen mid-module while compile B runs start to end on
    the same agent; then both run freely at once. Every output equals the
    same compile served alone."""
    def args(name, out):
        return ["-passes=default<O2>", modules[name], "-o", out]

    expected = {}
    for name in ("store", "text"):
        expected[name] = str(tmp_path / (name + ".alone.bc"))
        with served(sock_path, SkipSroaOn("map_slot", "rpn_eval")):
            run_opt(opt, plugin, args(name, expected[name]), sock_path)

    class FreezeFirst(SkipSroaOn):
        def __init__(self):
            super().__init__("map_slot", "rpn_eval")
            self.frozen = threading.Event()

        def decide(self, request):
            if request.module.endswith("store.ll") and \
                    not self.frozen.is_set():
                os.kill(request.session.peer_pid, signal.SIGSTOP)
                self.frozen.set()
            return super().decide(request)

    agent = FreezeFirst()
    outputs = {n: str(tmp_path / (n + ".bc")) for n in ("store", "text")}
    with served(sock_path, agent) as (server, log):
        # The timeout must not count the time compile A spends frozen.
        first = subprocess.Popen(
            [opt, "-load-pass-plugin=" + plugin] + args("store",
                                                        outputs["store"]),
            env=compiler_env(sock_path, SWITCHYARD_TIMEOUT_MS="600000"))
        try:
            assert agent.frozen.wait(60)
            run_opt(opt, plugin, args("text", outputs["text"]), sock_path)
            assert agent.max_open == 2
        finally:
            first.send_signal(signal.SIGCONT)
            assert first.wait(300) == 0
        for name in outputs:
            with open(outputs[name], "rb") as a, \
                    open(expected[name], "rb") as b:
                assert a.read() == b.read(), name

        # And both at once, unscripted.
        procs = [subprocess.Popen(
            [opt, "-load-pass-plugin=" + plugin] + args(n, outputs[n]),
            env=compiler_env(sock_path)) for n in outputs]
        assert [p.wait(300) for p in procs] == [0, 0]
        for name in outputs:
            with open(outputs[name], "rb") as a, \
                    open(expected[name], "rb") as b:
                assert a.read() == b.read(), name
        assert server.stats.connections == 4 and log == []


def test_garbage_client_is_dropped_while_a_compile_succeeds(
        opt, plugin, sock_path):
    agent = SkipSroaOn("bar")
    with served(sock_path, agent) as (server, log):
        garbage = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        garbage.connect(sock_path)
        garbage.sendall(b"\x20\0\0\0" + os.urandom(32))
        result = run_opt(opt, plugin, ["-passes=sroa", "-S", SKIP_SROA_LL,
                                       "-o", "-"], sock_path)
        garbage.settimeout(10)
        assert garbage.recv(1) == b""
        garbage.close()
    assert "%slot = alloca" in "\n".join(
        function_ir(result.stdout.decode(), "bar"))
    assert b"warning" not in result.stderr
    assert len(log) == 1 and "bad frame" in log[0], log
    assert server.stats.dropped == 1 and server.stats.decisions == 2


def cli(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "switchyard"] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=compiler_env(), timeout=300, **kwargs)


def test_cli_runs_a_command_and_logs_like_switchyard_agent(
        opt, plugin, cxx_agent, sock_path, tmp_path):
    py_log, cxx_log = tmp_path / "py.jsonl", tmp_path / "cxx.jsonl"
    rules = tmp_path / "skip.rules"
    rules.write_text("pass-gate pass=SROAPass function=bar => skip\n")
    command = [opt, "-load-pass-plugin=" + plugin, "-passes=sroa", "-S",
               SKIP_SROA_LL, "-o", os.devnull]
    # The same rule as a Python agent with switchyard.main's command line.
    script = tmp_path / "bar_agent.py"
    script.write_text(
        "import switchyard\n"
        "class Bar(switchyard.Agent):\n"
        "    def decide(self, r):\n"
        "        if r.pass_name == 'SROAPass' and r.function == 'bar':\n"
        "            return switchyard.Answer.choose('skip')\n"
        "raise SystemExit(switchyard.main(Bar()))\n")
    env = compiler_env()
    py = subprocess.run([sys.executable, str(script), "--socket", sock_path,
                         "--log", str(py_log), "--"] + command, env=env,
                        stderr=subprocess.PIPE, timeout=300)
    cxx = subprocess.run([cxx_agent, "--socket", sock_path, "--policy",
                          "script:%s" % rules, "--log", str(cxx_log), "--"]
                         + command, env=env, stderr=subprocess.PIPE,
                         timeout=300)
    assert py.returncode == cxx.returncode == 0

    def without_pids(text):
        return re.sub(r'"pid":\d+', '"pid":0', text)
    assert without_pids(py_log.read_text()) == without_pids(
        cxx_log.read_text())
    assert py.stderr.decode().endswith(
        "bar_agent.py: 1 connections, 2 decisions (pass-gate 2), "
        "0 refused, 0 dropped\n")

    status = cli("--socket", sock_path, "--quiet", "--", "sh", "-c",
                 "exit 3")
    assert status.returncode == 3 and status.stderr == b""


@pytest.mark.parametrize("pipeline", [
    "-passes=function(sroa,early-cse,instcombine<no-verify-fixpoint>,"
    "simplifycfg,gvn,dse),cgscc(inline)",
    "-passes=switchyard-pipeline"], ids=["pass-gate", "pass-pipeline"])
def test_python_and_cpp_random_policies_agree(pipeline, opt, plugin,
                                              cxx_agent, modules, sock_path,
                                              tmp_path):
    """The agents are interchangeable: the same seed makes the same
    choices, so the same binary comes out; `random:SEED` is `random --seed
    SEED` in both."""
    # The choices depend on the module's name: keep it the same every run.
    shutil.copy(modules["demo"], tmp_path / "demo.ll")
    outputs = []
    python = [sys.executable, "-m", "switchyard"]
    for agent, policy in ((python, ["random", "--seed", "3"]),
                          ([cxx_agent], ["random", "--seed", "3"]),
                          (python, ["random:0x3"]),
                          ([cxx_agent], ["random:3"])):
        out = str(tmp_path / ("%d.bc" % len(outputs)))
        result = subprocess.run(
            agent + ["--socket", sock_path, "--policy", *policy, "--", opt, "-load-pass-plugin=" + plugin, pipeline,
                     "demo.ll", "-o", out],
            cwd=tmp_path, env=compiler_env(), stderr=subprocess.PIPE,
            timeout=300)
        assert result.returncode == 0, result.stderr.decode()
        with open(out, "rb") as f:
            outputs.append(f.read())
    plain = str(tmp_path / "plain.bc")
    run_opt(opt, plugin, [pipeline, modules["demo"], "-o", plain])
    with open(plain, "rb") as f:
        assert f.read() != outputs[0], "the random policy changed nothing"
    assert outputs[1:] == outputs[:1] * 3


class PushesRules(switchyard.Agent):
    """Pushes \\p rules down and records what still reaches it."""

    def __init__(self, rules):
        self.rules = rules
        self.requests = []

    def local_rules(self, session):
        return self.rules

    def decide(self, request):
        self.requests.append(request)
        return switchyard.Answer.default()


def test_pushed_rules_are_answered_in_the_compiler(opt, plugin, sock_path):
    agent = PushesRules("pass-gate pass=SROAPass function=bar => skip\n")
    with served(sock_path, agent):
        result = run_opt(opt, plugin, ["-passes=sroa", "-S", SKIP_SROA_LL,
                                       "-o", "-"], sock_path)
    ir = result.stdout.decode()
    assert "alloca" not in "\n".join(function_ir(ir, "foo"))
    assert "  %slot = alloca i32, align 4" in function_ir(ir, "bar")
    # @bar's request was settled by the pushed rule; only @foo's came here.
    assert [r.function for r in agent.requests] == ["foo"]


def test_bad_pushed_rules_cost_a_warning_and_the_defaults(opt, plugin,
                                                          sock_path):
    agent = PushesRules("pass-gate pass=SROAPass =>\n")
    with served(sock_path, agent):
        result = run_opt(opt, plugin, ["-passes=sroa", "-S", SKIP_SROA_LL,
                                       "-o", "-"], sock_path)
        strict = run_opt(opt, plugin, ["-passes=sroa", "-S", SKIP_SROA_LL,
                                       "-o", "-"], sock_path, check=False,
                         SWITCHYARD_ON_FAILURE="error")
    err = result.stderr.decode()
    assert "the agent's pushed-down rules:1: " in err
    assert "using the compiler's defaults" in err
    assert "alloca" not in result.stdout.decode()  # Both promoted: defaults.
    assert agent.requests == []
    assert strict.returncode != 0
    assert "the agent's pushed-down rules:1: " in strict.stderr.decode()
    assert "(SWITCHYARD_ON_FAILURE=error)" in strict.stderr.decode()


def test_local_rules_must_be_text(opt, plugin, sock_path):
    agent = PushesRules(["not", "text"])
    with served(sock_path, agent) as (server, log):
        result = run_opt(opt, plugin, ["-passes=sroa", "-S", SKIP_SROA_LL,
                                       "-o", "-"], sock_path)
    assert "local_rules() returned ['not', 'text'], not a str" in "\n".join(
        log)
    assert "agent refused the session" in result.stderr.decode()
