# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The learned site-answer policy (switchyard.policy) on a tiny budget:
single-flip examples from one program, an XGBoost fit, a run on another
program, validated from scratch."""

import pytest

from switchyard.policy import (SitePolicy, collect_program, random_flips)
from switchyard.search import Evaluator, oz_plan, validate_plan

xgb = pytest.importorskip("xgboost")


@pytest.fixture(scope="module")
def examples(plugin):
    ev = Evaluator("checksums", site_features=True)
    out = collect_program(ev, oz_plan(ev.info, ev.benchmark),
                          per_program=14, seed=0)
    return out


def test_collect_gives_measured_flips_with_features(examples):
    assert len(examples) >= 10
    assert all(e.features for e in examples)
    assert len({e.kind for e in examples}) >= 2   # several kinds
    # Flips change the program: not every gain is zero.
    assert len({round(e.gain, 6) for e in examples}) > 2


def test_fit_learns_its_training_data(examples):
    import numpy as np
    policy = SitePolicy.fit(examples, rounds=80, depth=3)
    pred = policy.predict([policy._row(e.kind, e.answer, e.features)
                           for e in examples])
    gains = np.array([e.gain for e in examples])
    # Rank correlation on the training examples.
    r = np.corrcoef(np.argsort(np.argsort(pred)),
                    np.argsort(np.argsort(gains)))[0, 1]
    assert r > 0.5, r


def test_policy_runs_on_an_unseen_program(examples):
    policy = SitePolicy.fit(examples)
    ev = Evaluator("sha256", site_features=True)
    seed = oz_plan(ev.info, ev.benchmark)
    r = policy.run(ev, seed, tops=(1, 2, None))
    assert r.best.ok and r.calls <= 4
    assert r.best.text_size <= r.seed.text_size  # -Oz is a candidate
    scores = policy.scores(r.seed)
    assert scores and scores == sorted(scores, key=lambda t: -t[0])
    v = validate_plan(ev.benchmark, r.best.plan, ev.info)
    assert v.ok, v.error
    assert (v.inst_count, v.text_size) == (r.best.inst_count,
                                           r.best.text_size)
    c = random_flips(ev, seed, tops=(1, 2))
    assert c.best.ok and c.calls <= 2
