# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes a small inline model file for the lit tests, trained by XGBoost
on synthetic rows: `never` labels every row `no`, `always` every row `yes`.

    make-model.py OUT never|always [--llvm-major N] [--features a,b]
                  [--kind K --actions A,B] [--no-kinds]
"""
import argparse

import numpy as np
import xgboost as xgb

from switchyard import train
from switchyard.tools import llvm_version

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("label", choices=["never", "always"])
p.add_argument("--llvm-major", type=int)
p.add_argument("--features",
               default="callee_basic_block_count,caller_basic_block_count,"
                       "default_decision")
p.add_argument("--kind", default="inline")
p.add_argument("--actions", default="no,yes",
               help="the answers for margin <= 0 and > 0")
p.add_argument("--no-kinds", action="store_true",
               help="a well-formed file whose body covers no kind")
a = p.parse_args()
features = a.features.split(",")
rng = np.random.default_rng(0)
X = rng.integers(0, 50, size=(200, len(features))).astype(float)
y = np.full(200, 1.0 if a.label == "always" else 0.0)
y[:3] = 1.0 - y[:3]  # a few of the other label, so the trees split
booster = xgb.train({"objective": "binary:logistic", "base_score": 0.5,
                     "max_depth": 2, "nthread": 1, "seed": 0},
                    xgb.DMatrix(X, label=y), 5)
major = a.llvm_major or int(llvm_version().split(".")[0])
kinds = [] if a.no_kinds else [{"kind": a.kind, "features": features,
                                "actions": a.actions.split(","),
                                "xgboost": train.xgboost_json(booster)}]
train.write_model(a.out, kinds, llvm_major=major)
