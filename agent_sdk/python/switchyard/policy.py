# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""A learned site-answer policy for the combined search space
(`switchyard.search`), trained on search results of some programs and run
on others.

    data = collect(train_names, per_program=40)     # single-flip searches
    model = SitePolicy.fit(data)                    # XGBoost, one model
    result = model.run(Evaluator(name, site_features=True), oz_plan(...))

1. Collect: on each training program, the -Oz plan (`oz_plan`) is
   compiled once with the site questions' features; then single-flip
   searches: the plan with one site answered otherwise (legal alternatives
   of `SITE_ANSWERS`, at most \\p per_program of them, drawn at random and
   in turn by kind), each compiled and measured. An example is the site's
   features, its kind and the answer tried, and the gain: the fraction of
   the plan's `.text` bytes saved (negative when it grew).
2. Fit: an XGBoost regressor (Debian's python3-xgboost) predicts the gain
   from the features (per kind, by name; missing ones are NaN), the kind
   and the answer (one-hot).
3. Run, on a program it was not trained on: the -Oz plan compiled once
   with features; every (site, alternative answer) scored; the answers
   predicted to save bytes, best first, make nested candidates (the best
   one, the best two, four, eight, all of them); each is compiled and
   measured, and the smallest of them and the -Oz plan itself is the
   result. Its budget: one compile for the features and at most
   `len(tops) + 1` more, whatever the program.

`random_flips` makes the same nested candidates from randomly ordered
alternative answers, for the same number of compiles: the control that
says whether the model's ranking is worth anything.
"""

import math
import random
import time
from dataclasses import dataclass


import numpy as np

from .search import SearchRun, SITE_ANSWERS, SITE_KINDS

__all__ = ["Example", "collect_program", "SitePolicy", "random_flips",
           "TOPS"]

#: The nested candidates a policy run measures: the k best answers.
TOPS = (1, 2, 4, 8, None)   # None: every answer predicted to save bytes


@dataclass
class Example:
    program: str
    kind: str
    answer: str
    features: dict
    gain: float           # fraction of the plan's .text saved


def _alternatives(site):
    return [a for a in site.legal if a != site.default]


def collect_program(ev, plan, *, per_program=40, seed=0, budget=None):
    """Single-flip examples of \\p plan on the Evaluator \\p ev (which must
    ask for `site_features`). \\p budget: a callable that says stop."""
    rng = random.Random(seed)
    base = ev.evaluate(plan)
    if not base.ok:
        return []
    # Stratified by kind, in turn: a loop-unroll or loop-vectorize site has
    # four to six alternatives, an inline site one, so uniform draws over
    # (site, answer) pairs would be mostly loop answers.
    by_kind = {}
    for s in base.sites.values():
        for a in _alternatives(s):
            by_kind.setdefault(s.kind, []).append((s, a))
    for k in sorted(by_kind):
        rng.shuffle(by_kind[k])
    pairs = []
    while any(by_kind.values()) and len(pairs) < per_program:
        for k in sorted(by_kind):
            if by_kind[k] and len(pairs) < per_program:
                pairs.append(by_kind[k].pop())
    out = []
    for s, a in pairs:
        if budget and budget():
            break
        o = ev.evaluate(plan.with_answer(s.kind, s.site_id, a))
        if not o.ok:
            continue
        out.append(Example(ev.benchmark.name, s.kind, a, dict(s.features),
                           (base.text_size - o.text_size) / base.text_size))
    return out


class SitePolicy:
    """An XGBoost model of the gain of answering a site otherwise."""

    def __init__(self, booster, columns):
        self.booster = booster
        self.columns = columns     # feature column names, in order

    @staticmethod
    def _columns(examples):
        names = sorted({"%s:%s" % (e.kind, n) for e in examples
                        for n in e.features})
        kinds = ["kind=" + k for k in SITE_KINDS]
        answers = sorted({"answer=%s:%s" % (k, a)
                          for k in SITE_KINDS
                          for a in SITE_ANSWERS.get(k, ())})
        return names + kinds + answers

    def _row(self, kind, answer, features):
        index = {c: i for i, c in enumerate(self.columns)}
        row = np.full(len(self.columns), np.nan)
        for n, v in features.items():
            i = index.get("%s:%s" % (kind, n))
            if i is not None:
                row[i] = v
        for c in ("kind=" + kind, "answer=%s:%s" % (kind, answer)):
            if c in index:
                row[index[c]] = 1.0
        for c in self.columns:
            if (c.startswith("kind=") or c.startswith("answer=")) and \
                    math.isnan(row[index[c]]):
                row[index[c]] = 0.0
        return row

    @classmethod
    def fit(cls, examples, *, rounds=60, depth=4, seed=0):
        import xgboost as xgb
        if not examples:
            raise ValueError("no examples to train on")
        policy = cls(None, cls._columns(examples))
        X = np.array([policy._row(e.kind, e.answer, e.features)
                      for e in examples])
        y = np.array([e.gain for e in examples]) * 100.0   # percent
        d = xgb.DMatrix(X, label=y, feature_names=[
            c.replace("[", "(").replace("]", ")").replace("<", "(")
            for c in policy.columns])
        policy.booster = xgb.train(
            {"max_depth": depth, "eta": 0.2, "subsample": 0.9,
             "objective": "reg:squarederror", "seed": seed,
             "verbosity": 0}, d, num_boost_round=rounds)
        return policy

    def predict(self, rows):
        import xgboost as xgb
        d = xgb.DMatrix(np.array(rows), feature_names=[
            c.replace("[", "(").replace("]", ")").replace("<", "(")
            for c in self.columns])
        return self.booster.predict(d) / 100.0

    def scores(self, outcome):
        """[(predicted gain, kind, site id, answer)] for every alternative
        answer at every site of \\p outcome, best first."""
        items = [(s.kind, s.site_id, a, dict(s.features))
                 for s in outcome.sites.values() for a in _alternatives(s)]
        if not items:
            return []
        pred = self.predict([self._row(k, a, f) for k, _, a, f in items])
        return sorted(((float(g), k, i, a) for g, (k, i, a, _) in
                       zip(pred, items)), key=lambda t: -t[0])

    def run(self, ev, plan, tops=TOPS):
        """The policy on \\p ev's program from \\p plan (see the module
        doc): a `SearchRun` whose best is the smallest candidate."""
        began, calls0, meas0 = time.monotonic(), ev.calls, ev.measure_calls
        base = ev.evaluate(plan)
        ranked = [t for t in self.scores(base) if t[0] > 0] if base.ok \
            else []
        return _nested(ev, plan, base, [t[1:] for t in ranked], tops,
                       "learned", began, calls0, meas0)


def _nested(ev, plan, base, flips, tops, agent, began, calls0, meas0):
    best = base
    run_ = SearchRun(agent, base, seed=base)
    tried = set()
    for k in tops:
        chosen, seen_sites = [], set()
        for kind, site, answer in flips:
            if (kind, site) in seen_sites:
                continue              # one answer per site
            seen_sites.add((kind, site))
            chosen.append((kind, site, answer))
            if k is not None and len(chosen) == k:
                break
        if not chosen or tuple(chosen) in tried:
            continue
        tried.add(tuple(chosen))
        p = plan
        for kind, site, answer in chosen:
            p = p.with_answer(kind, site, answer)
        out = ev.evaluate(p)
        if out.ok and (not best.ok or out.key() < best.key()):
            best = out
    run_.best = best
    run_.seconds = time.monotonic() - began
    run_.calls = ev.calls - calls0
    run_.measure_calls = ev.measure_calls - meas0
    run_.evaluated = len(ev.memo)
    return run_


def random_flips(ev, plan, *, tops=TOPS, seed=0):
    """The control: nested candidates of alternative answers in a random
    order (all of them count as 'predicted to save bytes')."""
    began, calls0, meas0 = time.monotonic(), ev.calls, ev.measure_calls
    rng = random.Random(seed)
    base = ev.evaluate(plan)
    flips = [(s.kind, s.site_id, a) for s in base.sites.values()
             for a in _alternatives(s)] if base.ok else []
    rng.shuffle(flips)
    return _nested(ev, plan, base, flips, tops, "random-flips", began,
                   calls0, meas0)
