# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Script policies in Python (`--policy script:FILE`): the C++ agent's rule
language, the same answers and logs, and load-time checks of option names
with FILE:LINE errors."""

import os
import re
import subprocess
import sys

import pytest

import switchyard
from switchyard import Hello, Option, Refuse, Session
from switchyard.messages import Choice, Request
from switchyard.script import ScriptAgent, ScriptError
from conftest import SOURCE_ROOT, compiler_env

LIT = os.path.join(SOURCE_ROOT, "test", "lit")


@pytest.mark.parametrize("rules, test", [
    ("pass-gate/Inputs/skip-sroa-bar.rules", ("pass-gate/skip-sroa.ll",
                                              "-passes=sroa")),
    ("pipeline/Inputs/scoped.rules", ("pipeline/function-scope.ll",
                                      "-passes=switchyard-pipeline")),
    ("pipeline/Inputs/observe.rules", ("pipeline/observations.ll",
                                       "-passes=switchyard-pipeline")),
    ("rewrite/Inputs/two-rules.script", ("rewrite/Inputs/arith.ll",
                                         "-passes=switchyard-rewrite")),
])
def test_same_answers_and_log_as_switchyard_agent(opt, plugin, cxx_agent,
                                                  sock_path, tmp_path, rules,
                                                  test):
    rules = os.path.join(LIT, rules)
    command = [opt, "-load-pass-plugin=" + plugin, test[1], "-S",
               os.path.join(LIT, test[0]), "-o", "-"]
    outputs, logs = [], []
    for agent in ([sys.executable, "-m", "switchyard"], [cxx_agent]):
        log = tmp_path / ("%d.jsonl" % len(logs))
        result = subprocess.run(
            agent + ["--socket", sock_path, "--policy", "script:" + rules,
                     "--log", str(log), "--"] + command,
            env=compiler_env(), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, timeout=300)
        assert result.returncode == 0, result.stderr.decode()
        outputs.append(result.stdout)
        logs.append(re.sub(r'"pid":\d+', '"pid":0', log.read_text()))
    assert logs[0] and logs[0] == logs[1]
    assert outputs[0] == outputs[1]


def _script(tmp_path, text, name="rules.txt"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("text, line, message", [
    ("pass-gate => skp\n", 1, "'skp' is not a pass-gate option (legal: run, "
     "skip)"),
    ("# ok\n\npass-gat pass=X => skip\n", 3, "unknown decision kind "
     "'pass-gat'"),
    ("pass-gate passe=X => skip\n", 1, "unknown field 'passe'"),
    ("pass-gate pass=X\n", 1, "expected '=> answer'"),
    ("loop-unroll => partial\n", 1, "loop-unroll 'partial' takes 1 "
     "parameter, not 0"),
    ("loop-vectorize => vectorize 4 x\n", 1, "expected an integer "
     "parameter, got 'x'"),
    ("inline => yes @main\n", 1, "a target (@main) is only for "
     "pass-pipeline actions"),
    ("inline => default observe=inst-cont\n", 1, "unknown observation "
     "'inst-cont'"),
    ("subscribe inline observe=autophase\nsubscribe\n", 2, "'subscribe' "
     "needs a decision kind"),
    ("subscribe inline only=main\n", 1, "unknown subscription field "
     "'only'"),
    ("rewrite => mul-pow2-shl 3\n", 1, "a rewrite answer is a rule name, "
     "with no parameters or target"),
])
def test_script_errors_name_the_file_and_line(tmp_path, text, line,
                                              message):
    path = _script(tmp_path, text)
    with pytest.raises(ScriptError) as e:
        ScriptAgent(path)
    assert str(e.value).startswith("%s:%d: " % (path, line))
    assert message in str(e.value)


def test_pipeline_actions_are_checked_against_the_action_space(tmp_path):
    space = (Option("stop"), Option("sroa", function_scope=True),
             Option("globalopt"))
    invalid = os.path.join(LIT, "pipeline", "Inputs", "invalid.rules")
    with pytest.raises(ScriptError, match=re.escape(invalid) +
                       ":1: 'no-such-pass' is not in the pass-pipeline "
                       "action space"):
        ScriptAgent(invalid, action_space=space)
    path = _script(tmp_path, "pass-pipeline index=0 => sroa\n"
                   "pass-pipeline => globalopt @foo\n")
    with pytest.raises(ScriptError, match=":2: action 'globalopt' runs on "
                       "the whole module: it cannot take a target"):
        ScriptAgent(path, action_space=space)
    # With the names only (as the CLI probes them), a name is enough.
    ScriptAgent(path, action_space=["stop", "sroa", "globalopt"])

    # Without an action space at load, each compiler's Hello is checked:
    # one that lacks an action the script uses is refused, with FILE:LINE.
    agent = ScriptAgent(invalid)
    hello = Hello(offered=("pass-pipeline",), action_space=space)
    with pytest.raises(Refuse, match=":1: 'no-such-pass' is not"):
        agent.hello(Session.from_hello(1, 1, hello))


def test_rules_answer_first_match_and_subscribe_narrowly(tmp_path):
    path = _script(tmp_path, """\
pass-gate pass=SROAPass function=b?r => skip   # ? is one character
pass-gate pass=Loop* unit-kind=Loop => skip observe=inst-count
pass-gate pass=SROAPass => default
inline site=42 => yes
loop-unroll index=1* => partial 4
""")
    agent = ScriptAgent(path)
    session = Session.from_hello(1, 1, Hello(offered=(
        "pass-gate", "inline", "loop-unroll", "licm")))
    subs = {s.kind: s for s in agent.hello(session)}
    assert set(subs) == {"pass-gate", "inline", "loop-unroll"}
    assert subs["pass-gate"].passes == ("SROAPass", "Loop*", "SROAPass")
    assert subs["inline"].passes == ()  # a rule without pass=: everything

    def ask(kind, **fields):
        legal = tuple(Option(n) for n in
                      {"pass-gate": ("run", "skip"), "inline": ("no", "yes"),
                       "loop-unroll": ("auto", "none", "full", "partial",
                                       "runtime")}[kind])
        r = Request(id=1, kind=kind, default=Choice(0), legal=legal,
                    **fields)
        answer = agent.decide(r)
        return None if answer.use_default else (
            r.describe(answer.reply_to(r).choice), answer.observe)
    assert ask("pass-gate", pass_name="SROAPass", function="bar") == \
        ("skip", 0)
    assert ask("pass-gate", pass_name="SROAPass", function="baar") is None
    assert ask("pass-gate", pass_name="LoopRotatePass",
               unit_kind="Loop") == ("skip", 1)
    assert ask("pass-gate", pass_name="LoopRotatePass",
               unit_kind="Function") is None
    assert ask("inline", site_id=42) == ("yes", 0)
    assert ask("inline", site_id=421) is None
    assert ask("loop-unroll", index=17) == ("partial 4", 0)


def test_make_policy_script(tmp_path):
    path = _script(tmp_path, "pass-gate => skip\n")
    assert isinstance(switchyard.make_policy("script:" + path), ScriptAgent)
    with pytest.raises(FileNotFoundError):
        switchyard.make_policy("script:" + str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="script:FILE"):
        switchyard.make_policy("script:")


def test_site_options_match_the_cxx_sdk(cxx_agent):
    """The Python copy of each kind's options is the C++ SDK's, which
    test/lit/agent/site-options.test checks against the compiler."""
    import subprocess
    from switchyard.script import SITE_OPTIONS
    listed = {}
    out = subprocess.run([cxx_agent, "--list-options"], check=True,
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        kind, option, *params = line.split()
        listed.setdefault(kind, {})[option] = len(params)
    assert SITE_OPTIONS == listed
    assert [list(v) for v in SITE_OPTIONS.values()] == \
        [list(v) for v in listed.values()], "the order differs"
