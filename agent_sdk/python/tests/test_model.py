# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The plugin's tree evaluator against XGBoost's own predictions: for each
kind of model the trainer can emit (binary:logistic as switchyard.train
trains it, with exact and hist trees, a multi-class softprob model and a
regression model, one with a base score other than 0.5), 10,000 inputs with
missing values (NaN, which take each split's default direction) and values
on the split thresholds themselves must give bit for bit the margins
XGBoost gives. The trainer emits numerical splits only (no categorical
data), so those are all the split kinds there are.
"""

import json
import os
import subprocess

import numpy as np
import pytest

xgb = pytest.importorskip("xgboost")

from switchyard import train  # noqa: E402

BUILD_DIR = os.environ.get("SWITCHYARD_BUILD_DIR")
TOOL = os.path.join(BUILD_DIR or "", "core", "switchyard-model")

pytestmark = pytest.mark.skipif(
    not BUILD_DIR or not os.path.exists(TOOL),
    reason="needs SWITCHYARD_BUILD_DIR with switchyard-model built")

N_INPUTS = 10000
FEATURES = list(train.CHEAP_INLINE_FEATURES)


def _data(rng, n):
    X = rng.integers(0, 60, size=(n, len(FEATURES))).astype(np.float64)
    X[:, 1] = rng.normal(0, 3, size=n)  # not integral
    X[rng.random(X.shape) < 0.08] = np.nan
    return X


def _inputs(rng, booster):
    """Random rows, rows with every missing-value pattern on a few
    columns, and rows placed exactly on split thresholds."""
    X = _data(rng, N_INPUTS)
    model = json.loads(bytes(booster.save_raw("json")).decode())
    trees = model["learner"]["gradient_booster"]["model"]["trees"]
    thresholds = [(f, c) for t in trees
                  for f, c, l in zip(t["split_indices"],
                                     t["split_conditions"],
                                     t["left_children"]) if l != -1]
    for i, (f, c) in enumerate(thresholds[:N_INPUTS // 4]):
        X[i, f] = c
    X[-1, :] = np.nan
    return X


def _plugin_margins(path, kind, X):
    rows = "\n".join(" ".join("nan" if np.isnan(v) else repr(float(v))
                              for v in row) for row in X) + "\n"
    out = subprocess.run([TOOL, "predict", path, kind], input=rows.encode(),
                         capture_output=True, check=True).stdout.decode()
    return np.array([[float.fromhex(v) for v in line.split()]
                     for line in out.splitlines()], dtype=np.float32)


def _check(tmp_path, booster, actions, rng, objective):
    path = str(tmp_path / "m.model")
    train.write_model(path, [{"kind": "inline", "features": FEATURES,
                              "actions": actions,
                              "xgboost": train.xgboost_json(booster)}],
                      llvm_major=22)
    X = _inputs(rng, booster)
    want = booster.predict(xgb.DMatrix(X, feature_names=FEATURES),
                           output_margin=True).astype(np.float32)
    want = want.reshape(len(X), -1)
    got = _plugin_margins(path, "inline", X)
    assert got.shape == want.shape
    bad = np.nonzero(got.view(np.uint32) != want.view(np.uint32))[0]
    assert len(bad) == 0, "%s: %d of %d rows differ, first %s: %r vs %r" % (
        objective, len(bad), len(X), bad[0], got[bad[0]], want[bad[0]])
    # The decisions follow: the plugin's answers are XGBoost's.
    assert len(np.unique(got.argmax(axis=1) if got.shape[1] > 1
                         else got[:, 0] > 0)) >= 2


@pytest.mark.parametrize("method", ["exact", "hist"])
def test_binary_parity(tmp_path, method):
    rng = np.random.default_rng(1)
    X = _data(rng, 3000)
    y = ((np.nan_to_num(X[:, 0], nan=30) < 25) ^
         (np.nan_to_num(X[:, 1]) > 1)).astype(float)
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 6,
                         "base_score": 0.5, "tree_method": method,
                         "nthread": 1, "seed": 0},
                        xgb.DMatrix(X, label=y, feature_names=FEATURES), 100)
    _check(tmp_path, booster, ["no", "yes"], rng, "binary/" + method)


def test_binary_parity_base_score(tmp_path):
    rng = np.random.default_rng(2)
    X = _data(rng, 2000)
    y = (np.nan_to_num(X[:, 2], nan=0) > 40).astype(float)
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 4,
                         "base_score": 0.3, "nthread": 1},
                        xgb.DMatrix(X, label=y, feature_names=FEATURES), 30)
    _check(tmp_path, booster, ["no", "yes"], rng, "binary/base 0.3")


def test_multiclass_parity(tmp_path):
    rng = np.random.default_rng(3)
    X = _data(rng, 3000)
    y = (np.nan_to_num(X[:, 0], nan=0) // 15).astype(int)
    booster = xgb.train({"objective": "multi:softprob", "num_class": 4,
                         "max_depth": 5, "nthread": 1},
                        xgb.DMatrix(X, label=y, feature_names=FEATURES), 25)
    _check(tmp_path, booster, ["auto", "none", "full", "partial 4"], rng,
           "multi:softprob")


def test_regression_parity(tmp_path):
    rng = np.random.default_rng(4)
    X = _data(rng, 3000)
    y = np.nan_to_num(X[:, 3], nan=-5) * 0.1 - 2
    booster = xgb.train({"objective": "reg:squarederror", "max_depth": 6,
                         "base_score": 0.25, "nthread": 1},
                        xgb.DMatrix(X, label=y, feature_names=FEATURES), 50)
    path = str(tmp_path / "r.model")
    train.write_model(path, [{"kind": "inline", "features": FEATURES,
                              "actions": ["no", "yes"],
                              "xgboost": train.xgboost_json(booster)}],
                      llvm_major=22)
    Xi = _inputs(rng, booster)
    want = booster.predict(xgb.DMatrix(Xi, feature_names=FEATURES),
                           output_margin=True).astype(np.float32)
    got = _plugin_margins(path, "inline", Xi)[:, 0]
    assert (got.view(np.uint32) == want.view(np.uint32)).all()


def test_model_file_checks(tmp_path):
    """The header's length and hash are what switchyard-model checks."""
    rng = np.random.default_rng(5)
    X = _data(rng, 200)
    booster = xgb.train({"objective": "binary:logistic", "nthread": 1},
                        xgb.DMatrix(X, label=X[:, 0] > 30,
                                    feature_names=FEATURES), 3)
    path = tmp_path / "m.model"
    train.write_model(str(path), [{"kind": "inline", "features": FEATURES,
                                   "actions": ["no", "yes"],
                                   "xgboost": train.xgboost_json(booster)}],
                      llvm_major=22)
    ok = subprocess.run([TOOL, "check", str(path)], capture_output=True)
    assert ok.returncode == 0, ok.stderr
    data = path.read_bytes()
    path.write_bytes(data[:-1])
    bad = subprocess.run([TOOL, "check", str(path)], capture_output=True)
    assert bad.returncode == 1 and b"truncated" in bad.stderr


def test_train_end_to_end(tmp_path, capsys):
    """`python3 -m switchyard.train` on one small program: collects, trains,
    exports a model the plugin loads, and evaluates it with clang (the
    program must pass its self-check)."""
    out = tmp_path / "inline.model"
    status = train.main(["--out", str(out), "--programs", "suite/sha256",
                         "--per-program", "2", "--rounds", "3",
                         "--evaluate", "suite/sha256", "--jobs", "1",
                         "--plot", str(tmp_path / "reward.png"),
                         "--report", str(tmp_path / "report.json"),
                         "--quiet"])
    assert status == 0
    text = capsys.readouterr().out
    assert "geomean .text change on 1 held-out programs" in text
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["rows"][0][0] == "suite/sha256"
    assert report["rows"][0][4] == "OK"
    assert (tmp_path / "reward.png").stat().st_size > 0
    check = subprocess.run([TOOL, "check", str(out)], capture_output=True,
                           text=True)
    assert check.returncode == 0, check.stderr
    assert "inline: %d features, 2 actions" % len(FEATURES) in check.stdout


def test_climb_keeps_only_flips_that_help():
    """`--explore climb`: every example flips a site against the compiler's
    default, its reward is the change against the answers kept so far, a
    flip is kept exactly when it made the program smaller, and the kept
    answers, replayed, give the size the climb reported."""
    name = "demo"
    examples, answers, best = train.climb(name, 12, seed=3)
    assert len(examples) > 0
    for feats, answer, gain in examples:
        assert answer == ("no" if feats["default_decision"] > 0 else "yes")
    assert len(answers) == sum(1 for e in examples if e[2] > 0)
    start, _, _ = train._episode_with(name, {})
    assert best == pytest.approx(start + sum(e[2] for e in examples
                                             if e[2] > 0))
    assert best >= start
    replayed, _, _ = train._episode_with(name, answers)
    assert replayed == pytest.approx(best)


def test_split_is_the_documented_one():
    """Programs added to the suite later move neither part of the split
    that docs/production.md reports results on."""
    from switchyard import datasets
    train_names, held = train.split(datasets.suite())
    assert held == ["bigprog", "suite/avl", "suite/checksums",
                    "suite/eventsim", "suite/fpkernels", "suite/graphs",
                    "suite/json", "suite/lz77", "suite/nbody", "suite/sat",
                    "suite/stencil"]
    assert len(train_names) == 22 and "suite/gemm" not in train_names
