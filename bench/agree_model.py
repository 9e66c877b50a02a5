# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes a model for compile-time measurements that answers what the
compiler would: `agree_model.py OUT`. It has the shape of the trained
inline model in docs/production.md (40 trees of depth 4 over the 13 cheap
inline features), fitted to labels equal to `default_decision`, so a build
with it makes the object plain clang makes and only the model's own cost
differs (bench/model_overhead.sh). Deterministic: the same file every run.
"""
import sys

import numpy as np
import xgboost as xgb

from switchyard import train

features = list(train.CHEAP_INLINE_FEATURES)
rng = np.random.default_rng(1)
X = rng.integers(0, 200, size=(4000, len(features))).astype(float)
j = features.index("default_decision")
X[:, j] = rng.integers(0, 2, 4000)
booster = xgb.train({"objective": "binary:logistic", "max_depth": 4,
                     "nthread": 1, "seed": 0},
                    xgb.DMatrix(X, label=X[:, j].copy()), 40)
train.export(sys.argv[1], booster, features)
