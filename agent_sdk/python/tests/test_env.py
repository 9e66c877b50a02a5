# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The Gymnasium environments against real opt-22 compiles: episodes,
rewards, invalid actions, prefixes and forks, crashes and timeouts, and
the site-decision environment."""

import os
import signal
import subprocess
import time

import numpy as np
import pytest

from switchyard import spaces
from switchyard.compiler import CompileError
from switchyard.env import (COMPACT_ACTIONS, UNSAFE_ACTIONS, InvalidAction,
                            PassPipelineEnv, SiteDecisionEnv, make,
                            probe_action_space)
from switchyard.tools import count_ir_instructions, find_tool

BENCH = "sha256"  # the smallest program of the suite


# Each module gets a cache of its own (conftest.py).
pytestmark = pytest.mark.usefixtures("private_cache")


@pytest.fixture(scope="module")
def env(plugin):
    e = PassPipelineEnv(BENCH, plugin=plugin)
    yield e
    e.close()


def test_spaces_work_without_gymnasium():
    d = spaces.Discrete(5, seed=1)
    assert all(d.contains(d.sample()) for _ in range(20))
    assert d.sample(mask=np.array([0, 0, 1, 0, 0], dtype=np.int8)) == 2
    assert not d.contains(5) and not d.contains(1.0) and 4 in d
    b = spaces.Box(0, np.iinfo(np.int64).max, shape=(3,), dtype=np.int64)
    assert b.high[0] == np.iinfo(np.int64).max and b.contains(b.sample())
    assert not b.contains(np.array([-1, 0, 0]))
    both = spaces.Dict({"a": d, "b": b}, seed=3)
    assert both.contains(both.sample())
    # The same seed, the same samples.
    s1, s2 = spaces.Discrete(100, seed=7), spaces.Discrete(100, seed=7)
    assert [s1.sample() for _ in range(5)] == [s2.sample() for _ in range(5)]
    assert spaces.Counts().contains({"f": 3})
    assert spaces.Text().contains("x") and spaces.Bytes().contains(b"x")


def test_action_space_probe(plugin):
    info = probe_action_space(plugin)
    assert info.names[0] == "stop" and info.pipelines[0] is None
    assert info.pipelines[info.index["instcombine"]] == \
        "function(instcombine<no-verify-fixpoint>)"
    assert info.pipelines[info.index["licm"]] == "function(loop-mssa(licm))"
    assert info.pipelines[info.index["inline"]] == "cgscc(inline)"
    assert len(info.opcode_names) > 50


def test_episode_rewards_against_oz(env):
    obs, info = env.reset(seed=0)
    assert env.observation_space.contains(obs)
    base = env.baselines
    assert info["inst_count"] == base["O0"].inst_count == obs[51]
    scale = base["O0"].inst_count - base["Oz"].inst_count
    total = 0.0
    for name in ("sroa", "instcombine", "simplifycfg"):
        before = env.inst_count
        obs, reward, term, trunc, info = env.step(
            env.action_names.index(name))
        assert not term and not trunc
        assert reward == pytest.approx((before - info["inst_count"]) / scale)
        total += reward
    assert info["actions"] == ["sroa", "instcombine", "simplifycfg"]
    assert env.episode_reward == pytest.approx(total)
    assert total == pytest.approx((base["O0"].inst_count -
                                   env.inst_count) / scale)
    _, reward, term, trunc, info = env.step(0)  # stop
    assert term and reward == 0.0
    assert info["report"].inst_count_after == env.inst_count
    with pytest.raises(RuntimeError):
        env.step(1)


@pytest.mark.parametrize("bad", [999, -1, 1.7, 2.0, True, "no-such-pass",
                                 np.float64(1.0), np.array([1]), None])
def test_an_action_outside_the_space_is_rejected_and_nothing_changes(
        env, bad):
    env.reset()
    env.step("sroa")
    count, steps, history = env.inst_count, env._steps, env.action_history
    with pytest.raises(InvalidAction, match=r"action space Discrete\(%d\)"
                       % env.action_space.n) as e:
        env.step(bad)
    assert isinstance(e.value, ValueError)
    assert repr(bad)[:10] in str(e.value) or str(bad) in str(e.value)
    # No step used up, the same state, and the episode goes on.
    assert (env.inst_count, env._steps, env.action_history) == (
        count, steps, history)
    _, _, term, trunc, info = env.step("instcombine")
    assert not term and not trunc and "previous_error" not in info
    assert info["steps"] == steps + 1
    assert info["actions"] == ["sroa", "instcombine"]


def test_integer_actions_of_every_kind_are_accepted(env):
    env.reset()
    i = env.action_names.index("sroa")
    for a in (i, np.int64(i), np.int32(i), np.array(i)):
        env.reset()
        assert env.step(a)[4]["actions"] == ["sroa"]


def test_a_bad_prefix_is_rejected_before_anything_changes(env):
    env.reset()
    env.step("sroa")
    for prefix in (["sroa", "stop"], [999], ["no-such-pass"]):
        with pytest.raises(InvalidAction):
            env.reset(options={"actions": prefix})
        assert env.action_history == ["sroa"]
    assert env.step("gvn")[4]["actions"] == ["sroa", "gvn"]


def test_a_refused_answer_leaves_the_module_and_the_episode_goes_on(env):
    """The compiler's own refusal (here: an action index outside its
    space, which the environment no longer sends by itself)."""
    env.reset()
    count = env.inst_count
    sroa = env.action_names.index("sroa")
    real = env._plugin_action[sroa]
    env._plugin_action[sroa] = len(env.info) + 5
    try:
        _, reward, term, trunc, info = env.step("sroa")
    finally:
        env._plugin_action[sroa] = real
    assert "is not one of the" in info["previous_error"]
    assert reward == 0.0 and not term and not trunc
    assert env.inst_count == count and env.actions == []
    _, _, _, _, info = env.step("sroa")
    assert "previous_error" not in info and info["actions"] == ["sroa"]


def _equal(a, b):
    """Gymnasium's data_equivalence, for what info holds."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(_equal, a, b))
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b)
    return a == b


def test_steps_are_deterministic_as_check_env_wants(plugin):
    """gymnasium.utils.env_checker's step determinism: the same seed and
    action give equal observations and info, the end-of-module report
    included (its agent_wait_ns is a time: left out unless timings=True)."""
    e = PassPipelineEnv(BENCH, plugin=plugin, actions="compact")
    try:
        for action in (e.action_names.index("sroa"), 0):
            runs = []
            for _ in range(2):
                e.action_space.seed(3)
                e.reset(seed=3)
                runs.append(e.step(action))
            (o1, r1, t1, u1, i1), (o2, r2, t2, u2, i2) = runs
            assert np.array_equal(o1, o2) and (r1, t1, u1) == (r2, t2, u2)
            assert _equal(i1, i2), (i1, i2)
        assert i1["report"].agent_wait_ns is None
        assert "step_seconds" not in i1
    finally:
        e.close()
    timed = PassPipelineEnv(BENCH, plugin=plugin, timings=True,
                            prestart=False)
    try:
        timed.reset()
        assert timed.step("sroa")[4]["step_seconds"] > 0
        info = timed.step(0)[4]
        assert info["report"].agent_wait_ns > 0 and info["step_seconds"] > 0
    finally:
        timed.close()


def test_equivalent_command_reproduces_the_count_without_switchyard(env):
    env.reset()
    for name in ("sroa", "early-cse<memssa>", "inline", "gvn", "dce"):
        env.step(name)
    out = subprocess.run(
        [find_tool("opt"), "-passes=" + env.pipeline(),
         env.benchmark.bitcode(), "-S", "-o", "-"],
        stdout=subprocess.PIPE, check=True).stdout.decode()
    assert count_ir_instructions(out) == env.inst_count
    assert env.commandline().startswith("opt-22 -passes='function(sroa),")


def test_reset_to_a_prefix_and_fork(env):
    prefix = ["sroa", "instcombine", "simplifycfg", "gvn"]
    env.reset()
    counts = []
    for name in prefix:
        counts.append(env.step(name)[4]["inst_count"])
    _, info = env.reset(options={"actions": prefix[:2]})
    assert info["inst_count"] == counts[1]
    assert env.action_history == prefix[:2]
    for name in prefix[2:]:
        info = env.step(name)[4]
    assert info["inst_count"] == counts[-1]

    child = env.fork()
    try:
        assert child.inst_count == env.inst_count
        assert child.action_history == env.action_history
        a = child.step("loop-rotate")[4]["inst_count"]
        b = env.step("loop-rotate")[4]["inst_count"]
        assert a == b
        child.step("reg2mem")   # the two go on independently
        assert child.inst_count > env.inst_count
    finally:
        child.close()


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGABRT])
def test_a_dying_compiler_ends_the_episode_with_an_error(env, sig):
    env.reset()
    env.step("sroa")
    os.kill(env._compile.proc.pid, sig)
    _, reward, term, trunc, info = env.step("gvn")
    assert term and reward == 0.0
    assert signal.Signals(sig).name in info["error"]
    env.reset()  # and the next episode starts
    assert env.step("sroa")[4]["inst_count"] < env.baselines["O0"].inst_count


def test_a_hanging_compiler_times_out(plugin):
    e = PassPipelineEnv(BENCH, plugin=plugin, step_timeout=1.0,
                        prestart=False)
    try:
        e.reset()
        proc = e._compile.proc
        os.kill(proc.pid, signal.SIGSTOP)
        start = time.monotonic()
        _, _, term, _, info = e.step("sroa")
        assert time.monotonic() - start < 10
        assert term and "no message within 1s" in info["error"]
        assert proc.poll() is not None  # killed, not left behind
    finally:
        e.close()


def test_a_compiler_that_cannot_start_raises(plugin, tmp_path):
    bad = tmp_path / "bad.ll"
    bad.write_text("this is not IR\n")
    e = PassPipelineEnv(str(bad), plugin=plugin, prestart=False)
    with pytest.raises(CompileError, match="exited with status 1"):
        e.reset()
    e.close()


def test_observation_choices_and_truncation(plugin):
    e = PassPipelineEnv(BENCH, plugin=plugin, actions="compact",
                        observation=["inst-count", "ir-hash",
                                     "function-counts", "opcode-counts"],
                        max_episode_steps=2, reward="ic")
    try:
        assert e.action_names[0] == "stop"
        assert set(e.action_names) <= set(COMPACT_ACTIONS)
        assert not set(e.action_names) & set(UNSAFE_ACTIONS)
        obs, _ = e.reset()
        assert e.observation_space.contains(obs)
        assert obs["function-counts"]["main"] > 0
        assert obs["inst-count"][0] == sum(obs["function-counts"].values())
        assert obs["opcode-counts"].sum() == obs["inst-count"][0]
        h0 = obs["ir-hash"]
        obs, r, term, trunc, _ = e.step(e.action_names.index("sroa"))
        assert obs["ir-hash"] != h0 and r > 0 and not trunc
        _, _, term, trunc, _ = e.step(e.action_names.index("sroa"))
        assert trunc and not term
    finally:
        e.close()


def test_text_size_reward(plugin):
    e = make("llvm-codesize-v0", benchmark=BENCH, plugin=plugin,
             observation="inst-count")
    try:
        _, info = e.reset()
        base = e.baselines
        assert info["text_size"] == base["O0"].text_size
        _, reward, _, _, info = e.step("sroa")
        scale = base["O0"].text_size - base["Oz"].text_size
        assert reward == pytest.approx(
            (base["O0"].text_size - info["text_size"]) / scale)
    finally:
        e.close()


def test_site_decision_env(plugin):
    e = SiteDecisionEnv(BENCH, plugin=plugin)
    try:
        obs, info = e.reset(seed=0)
        assert e.observation_space.contains(obs)
        kinds = set()
        steps = 0
        term = False
        while not term:
            kinds.add(info["kind"])
            assert info["action_mask"][0] == 1
            obs, reward, term, _, info = e.step(0)  # the default
            steps += 1
        # All defaults: the -Oz compile itself, reward 0.
        assert kinds == {"inline", "loop-unroll"} and steps > 10
        assert info["final"] == info["baseline"] == e.benchmark.baseline(
            "Oz").inst_count
        assert reward == 0.0

        obs, info = e.reset()
        invalid = False
        while True:
            if info["kind"] == "inline" and not invalid:
                a = 5  # "partial 8": not an inline answer
            else:
                a = e.action_space.sample(mask=info["action_mask"])
            obs, reward, term, _, info = e.step(a)
            invalid |= info.get("invalid_action", False)
            if term:
                break
        assert invalid and "error" not in info
        assert reward == pytest.approx(
            (info["baseline"] - info["final"]) / info["baseline"])
    finally:
        e.close()
