# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The shipped-size and runtime rewards (switchyard.rewards) and their
cache, alone and in PassPipelineEnv."""

import os
import tempfile

import pytest

from switchyard import datasets
from switchyard.rewards import Measurer, RewardCache, ir_digest
from switchyard.tools import elf_text_size, find_tool, run, LLC_FLAGS


@pytest.fixture(scope="module")
def sha(plugin):
    return datasets.resolve("sha256")


@pytest.fixture(scope="module")
def oz_module(sha, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("oz") / "oz.bc")
    run([find_tool("opt"), "-passes=default<Oz>", sha.bitcode(), "-o", out])
    return out


def _program(tmp, name, body):
    src = os.path.join(tmp, name + ".c")
    with open(src, "w") as f:
        f.write("#include <stdio.h>\n" + body)
    return datasets.Benchmark(name, sources=[src], check="ok")


def test_text_is_the_objects_text_sections_and_cached(sha, oz_module):
    m = Measurer(sha)
    text = m.text_size(oz_module)
    assert text == sha.baseline("Oz").text_size
    # Independently: llc, then every .text* section by pyelftools.
    obj = run([find_tool("llc"), *LLC_FLAGS, oz_module, "-o", "-"]).stdout
    assert text == elf_text_size(obj)
    assert m.measured["text"] == 1 and m.cache.misses == 1
    with open(oz_module, "rb") as f:
        data = f.read()
    # The same IR, as bytes this time: a hit, nothing compiled.
    assert m.text_size(data) == text
    assert m.measured["text"] == 1 and m.cache.hits == 1
    # Other IR is measured again.
    assert m.text_size(sha.bitcode()) == sha.baseline("O0").text_size
    assert m.measured["text"] == 2


def test_cache_persists_by_ir_hash(sha, oz_module, tmp_path):
    path = str(tmp_path / "rewards.sqlite")
    first = Measurer(sha, cache=RewardCache(path))
    value = first.text_size(oz_module)
    first.cache.close()
    again = Measurer(sha, cache=RewardCache(path))
    assert again.text_size(oz_module) == value
    assert again.measured["text"] == 0 and again.cache.hits == 1
    assert ir_digest(oz_module) == ir_digest(open(oz_module, "rb").read())


def test_binary_is_the_linked_program(sha, oz_module, tmp_path):
    m = Measurer(sha)
    size = m.binary_size(oz_module)
    exe = sha.build(oz_module, str(tmp_path / "prog"))
    assert size == os.path.getsize(exe)
    assert size > m.text_size(oz_module)
    # Unoptimized code is bigger, and measured, not looked up.
    assert m.binary_size(sha.bitcode()) > size
    assert m.measured["binary"] == 2


def test_runtime_median_spread_and_self_check(tmp_path):
    good = _program(str(tmp_path), "good", """
int main(void) {
  volatile unsigned s = 0;
  for (unsigned i = 0; i < 3000000; i++) s += i * i;
  puts(s ? "OK" : "FAIL");
  return 0;
}""")
    m = Measurer(good, runs=5, warmup=1, noise=0.05)
    r = m.runtime(good.bitcode())
    assert r.ok and r.runs == 5 and len(r.times) == 5
    assert min(r.times) <= r.median <= max(r.times)
    assert r.spread >= 0 and r.noisy == (r.spread > 0.05)
    assert m.measure("runtime", good.bitcode()) == r.median
    assert m.measured["runtime"] == 1  # the second was a cache hit
    # An impossible threshold flags every measurement as noisy.
    strict = Measurer(good, runs=4, noise=-1.0)
    assert strict.runtime(good.bitcode()).noisy

    # By CPU time: the program's own user + system time, a separate cache
    # entry from the wall-clock measurement of the same IR.
    cache = m.cache
    cpu = Measurer(good, runs=5, warmup=1, clock="cpu", cache=cache)
    rc = cpu.runtime(good.bitcode())
    assert rc.ok and rc.clock == "cpu" and cpu.measured["runtime"] == 1
    assert len(rc.cpu_times) == 5 and len(rc.times) == 5
    assert min(rc.cpu_times) <= rc.median <= max(rc.cpu_times)
    # A busy loop: CPU time close to, never much above, wall time.
    assert all(0 < c <= w * 1.05 + 0.002
               for c, w in zip(rc.cpu_times, rc.times))
    with pytest.raises(ValueError):
        Measurer(good, clock="cycles")

    bad = _program(str(tmp_path), "bad", """
int main(void) { puts("FAIL"); return 1; }""")
    r = Measurer(bad, runs=3).runtime(bad.bitcode())
    assert not r.ok and "self-check" in r.detail
    assert Measurer(bad, runs=3).measure("runtime", bad.bitcode()) == \
        float("inf")


def test_no_binary_without_main(tmp_path):
    src = tmp_path / "lib.c"
    src.write_text("int f(int x) { return x + 1; }\n")
    lib = datasets.Benchmark("lib", sources=[str(src)])
    with pytest.raises(Exception, match="no main"):
        Measurer(lib).binary_size(lib.bitcode())


@pytest.mark.parametrize("reward", ["text", "binary", "runtime"])
def test_env_rewards_measure_each_state_once(sha, reward):
    from switchyard.env import PassPipelineEnv
    env = PassPipelineEnv(sha, observation="inst-count", reward=reward,
                          runtime_runs=3, prestart=False)
    try:
        _, info = env.reset()
        m = env.measurer()
        metric = {"text": "text_size", "binary": "binary_size",
                  "runtime": "runtime"}[reward]
        start = info[metric]
        _, r, _, _, info = env.step("scc-oz-module-inliner")
        after = info[metric]
        assert r == pytest.approx(start - after)
        if reward != "runtime":
            assert after < start  # the inliner and its cleanup shrink it
        made = dict(m.measured)
        # A second episode through the same states compiles nothing new.
        env.reset()
        _, r2, _, _, info2 = env.step("scc-oz-module-inliner")
        assert m.measured == made
        assert info2[metric] == after and r2 == pytest.approx(r)
    finally:
        env.close()
