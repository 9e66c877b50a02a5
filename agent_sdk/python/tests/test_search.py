# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The combined search space (pass order and site answers), the
cached-prefix greedy and the evolutionary search, on small budgets, each
result validated from scratch."""

import os

import pytest

from switchyard import datasets
from switchyard.search import (Evaluator, Plan, climb, evolve, greedy,
                               oz_plan,
                               plain_command, random_plans, validate_plan,
                               write_script)


def _assert_replays(ev, best):
    """\\p best, built again from scratch, is valid and measures the same."""
    v = validate_plan(ev.benchmark, best.plan, ev.info)
    assert v.ok, v.error
    assert (v.inst_count, v.text_size) == (best.inst_count, best.text_size)


@pytest.fixture(scope="module")
def ev(plugin):
    return Evaluator("sha256")


@pytest.fixture(scope="module")
def seed(ev):
    return oz_plan(ev.info, ev.benchmark)


def test_oz_plan_is_minus_oz(ev, seed):
    out = ev.evaluate(seed)
    base = ev.benchmark.baseline("Oz")
    assert out.ok, out.error
    assert (out.inst_count, out.text_size) == (base.inst_count,
                                               base.text_size)
    assert "scc-oz-module-inliner" in seed.actions
    # Its passes ask the inliner's, the unroller's and the vectorizer's
    # site questions (answered by default here: still -Oz exactly).
    kinds = {k for k, _ in out.sites}
    assert kinds == {"inline", "loop-unroll", "loop-vectorize"}
    v = validate_plan(ev.benchmark, seed, ev.info)
    assert v.ok and v.how.startswith("opt-22 -passes=")
    assert (v.inst_count, v.text_size) == (out.inst_count, out.text_size)


def test_site_answers_change_the_module_and_replay(ev, seed, tmp_path):
    out = ev.evaluate(seed)
    yes = sorted((s for s in out.sites.values()
                  if s.kind == "inline" and s.default == "yes"),
                 key=lambda s: s.site_id)
    assert yes, "-Oz inlines something in sha256"
    # Refuse every call site -Oz inlines: a different program.
    plan = seed
    for s in yes:
        plan = plan.with_answer("inline", s.site_id, "no")
    changed = ev.evaluate(plan)
    assert changed.ok, changed.error
    assert changed.digest != out.digest
    assert changed.inst_count != out.inst_count
    assert plain_command(plan, ev.info) is None
    script = write_script(plan, str(tmp_path / "p.script"), ev.info)
    text = open(script).read()
    assert "# equivalent" not in text
    assert "inline site=%d => no" % yes[0].site_id in text
    v = validate_plan(ev.benchmark, plan, ev.info)
    assert v.ok, v.error
    assert v.how.startswith("SWITCHYARD_POLICY=script:")
    assert (v.inst_count, v.text_size) == (changed.inst_count,
                                           changed.text_size)


def test_appends_reuse_one_compiler_and_agree_with_scratch(plugin):
    ev = Evaluator("sha256")
    base = Plan(("sroa", "instcombine"))
    actions = ev.action_names[:30]
    got = ev.try_appends(base, actions)
    assert set(got) == set(actions)
    # Fewer compilers than actions: the unchanged ones share one.
    assert ev.calls < 1 + len(actions)
    fresh = Evaluator("sha256")
    for a in actions[:12]:
        want = fresh.evaluate(Plan(base.actions + (a,)))
        assert (got[a].inst_count, got[a].text_size) == \
            (want.inst_count, want.text_size), a


def test_greedy_from_oz_on_a_small_budget(plugin):
    ev = Evaluator("sha256")
    seed = oz_plan(ev.info, ev.benchmark)
    r = greedy(ev, seed, budget_seconds=60, budget_calls=60)
    assert r.calls <= 60 + 1 and r.seconds < 120
    assert r.best.ok and r.best.metric <= r.seed.metric
    assert r.best.plan.actions[:len(seed.actions)] == seed.actions
    v = validate_plan(ev.benchmark, r.best.plan, ev.info)
    assert v.ok, v.error
    assert v.text_size == r.best.text_size


def test_greedy_sites_first_flips_inline_answers_first(plugin):
    ev = Evaluator("sha256")
    seed = oz_plan(ev.info, ev.benchmark)
    r = greedy(ev, seed, budget_seconds=60, budget_calls=12,
               sites_first=True)
    assert r.best.ok and r.best.metric <= r.seed.metric
    flipped = [p for p in ev.memo if p.actions == seed.actions and p.sites]
    assert flipped, "site answers come before any append"
    # The first site variants tried are inline answers.
    first = [p for p in ev.memo if p.sites][:3]
    assert all(k == "inline" for p in first for k, _, _ in p.sites), first
    # sha256 has an inline site where the other answer saves bytes
    # (results.md, the policy's training data): greedy finds one.
    assert r.best.text_size < r.seed.text_size
    v = validate_plan(ev.benchmark, r.best.plan, ev.info)
    assert v.ok and v.text_size == r.best.text_size


def test_evolve_on_a_small_budget(plugin):
    ev = Evaluator("sha256")
    seed = oz_plan(ev.info, ev.benchmark)
    r = evolve(ev, seed, budget_seconds=60, budget_calls=25, seed=1)
    assert r.calls <= 25 + 1 and r.evaluated >= 10
    assert r.best.ok and r.best.metric <= r.seed.metric
    _assert_replays(ev, r.best)


def test_climb_keeps_each_move_that_helps(plugin):
    ev = Evaluator("sha256")
    seed = oz_plan(ev.info, ev.benchmark)
    r = climb(ev, seed, budget_seconds=90, budget_calls=20, seed=0)
    assert r.calls <= 20 + 1
    assert r.best.ok and r.best.metric <= r.seed.metric
    # The first moves tried are inline answers of -Oz's plan, one site at
    # a time.
    first = [p for p in ev.memo if p.sites][:3]
    assert first and len(first[0].sites) == 1, first
    assert all(k == "inline" and p.actions == seed.actions
               for p in first for k, _, _ in p.sites), first
    # sha256 has an inline site where the other answer saves bytes (see
    # the sites-first greedy test): the climb keeps it, and its trace only
    # goes down.
    assert r.best.text_size < r.seed.text_size
    metrics = [t[2] for t in r.trace]
    assert metrics == sorted(metrics, reverse=True) and len(metrics) >= 2
    _assert_replays(ev, r.best)


def test_climb_starts_from_the_best_of_its_seeds(plugin):
    ev = Evaluator("sha256")
    seed = oz_plan(ev.info, ev.benchmark)
    worse = Plan(("sroa",))
    r = climb(ev, worse, budget_seconds=60, budget_calls=4, seeds=[seed],
              perturb=False)
    assert r.seed.plan == worse
    assert r.best.metric <= ev.evaluate(seed).metric < r.seed.metric


def test_ir_metric_measures_no_text(plugin):
    ev = Evaluator("sha256", metric="ir")
    seed = oz_plan(ev.info, ev.benchmark)
    out = ev.evaluate(seed)
    assert out.ok and out.metric == out.inst_count
    assert out.text_size == -1 and ev.measure_calls == 0
    r = climb(ev, seed, budget_seconds=60, budget_calls=6)
    assert r.best.inst_count <= out.inst_count and ev.measure_calls == 0
    v = validate_plan(ev.benchmark, r.best.plan, ev.info)
    assert v.ok and v.inst_count == r.best.inst_count and v.text_size > 0


def test_random_plans_on_a_small_budget(plugin):
    ev = Evaluator("sha256")
    r = random_plans(ev, budget_seconds=60, budget_calls=8, seed=3)
    assert r.calls <= 8 + 1 and r.best.ok
    assert not r.best.plan.sites
    v = validate_plan(ev.benchmark, r.best.plan, ev.info)
    assert v.ok and v.text_size == r.best.text_size


@pytest.fixture(scope="module")
def gemm_o3(plugin):
    """gemm as -O3's frontend makes it, its -O3 pipeline as a plan."""
    ev = Evaluator("gemm", level="O3")
    return ev, oz_plan(ev.info, ev.benchmark, level="O3")


def test_vectorize_answers_change_the_module_and_replay(gemm_o3):
    ev, seed = gemm_o3
    out = ev.evaluate(seed)
    assert out.ok, out.error
    vec = sorted((s for s in out.sites.values()
                  if s.kind == "loop-vectorize"), key=lambda s: s.site_id)
    assert vec, "-O3's loop-vectorize asks about gemm's loops"
    assert all(s.default == "auto" for s in vec)
    # Loops the hook may reorder offer every width the search tries.
    wide = [s for s in vec if "vectorize 8 1" in s.legal]
    assert wide and all("disable" in s.legal for s in vec)
    # Disable every loop -O3 may vectorize: a different, longer program
    # in fewer vector instructions; then force width 2, interleave 1.
    plan = seed
    for s in vec:
        plan = plan.with_answer("loop-vectorize", s.site_id, "disable")
    off = ev.evaluate(plan)
    assert off.ok, off.error
    assert off.digest != out.digest
    two = seed
    for s in wide:
        two = two.with_answer("loop-vectorize", s.site_id, "vectorize 2 1")
    forced = ev.evaluate(two)
    assert forced.ok and forced.digest not in (out.digest, off.digest)
    for p, o in ((plan, off), (two, forced)):
        v = validate_plan(ev.benchmark, p, ev.info, level="O3")
        assert v.ok, v.error      # the self-check passes
        assert v.how.startswith("SWITCHYARD_POLICY=script:")
        assert (v.inst_count, v.text_size) == (o.inst_count, o.text_size)


def test_evolve_mutates_vectorize_answers(gemm_o3):
    ev, seed = gemm_o3
    ev.evaluate(seed)
    r = evolve(ev, seed, budget_seconds=90, budget_calls=12, seed=2)
    assert r.best.ok and r.best.metric <= r.seed.metric
    kinds = {k for p in ev.memo for k, _, _ in p.sites}
    assert "loop-vectorize" in kinds, kinds


def test_runtime_search_from_o3_on_a_small_budget(plugin):
    ev = Evaluator("seidel2d", metric="runtime", level="O3", runs=3)
    seed = oz_plan(ev.info, ev.benchmark, level="O3")
    r = evolve(ev, seed, budget_seconds=60, budget_calls=5, seed=0)
    assert r.seed.ok and 0 < r.seed.metric < 10
    assert r.best.ok and r.best.metric <= r.seed.metric
    assert ev.measurer.measured["runtime"] >= 2
    v = validate_plan(ev.benchmark, r.best.plan, ev.info, level="O3")
    assert v.ok, v.error
