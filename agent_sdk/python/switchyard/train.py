# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Train a size policy for SWITCHYARD_POLICY=model:FILE, from a corpus to
a model file, in one command (docs/production.md):

    /usr/bin/python3 -m switchyard.train --out inline.model

1. Collect: for each training program, episodes of the site-decision
   environment (`SiteDecisionEnv`, `.text` reward) that take the compiler's
   default at every inline site but one, chosen at random, where they take
   the other answer: exploration per site, as MLGO collects its inliner
   data. Each episode gives one example: the site's features, the answer
   tried, and how much smaller (or larger) the program's `.text` came out.
   `--explore climb`: a hill climb per program instead, whose episodes
   keep the flips that made the program smaller and try one more.
2. Train: XGBoost (Debian's python3-xgboost) learns whether `yes` or `no`
   makes the smaller program, weighted by how much it mattered.
3. Export: the model file: a JSON header line (format, version, LLVM
   major version, body length, content hash) and a JSON body with, per
   kind, the feature names read, the answers, and XGBoost's JSON model.
4. Evaluate: each held-out program is compiled with plain `clang-22 -Oz`
   and with the plugin and the model; `.text` bytes are compared and the
   program built with the model must pass its self-check.

The split is fixed: the 33 programs the bundled suite had when the first
model was trained (`SPLIT_PROGRAMS`), in name order, every third one (0, 3,
6, ...) held out; programs added since are in neither part.
"""

import argparse
import concurrent.futures
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time

import numpy as np

from . import datasets
from .tools import find_plugin, find_tool, llvm_version

#: Inline features the model reads by default: the ones the compiler gets
#: without running the inline cost analysis again, so the model costs the
#: compile next to nothing (docs/production.md has the measurement).
CHEAP_INLINE_FEATURES = (
    "callee_basic_block_count", "callsite_height", "node_count",
    "edge_count", "nr_ctant_params", "caller_users", "callee_users",
    "caller_conditionally_executed_blocks",
    "callee_conditionally_executed_blocks", "caller_basic_block_count",
    "is_callee_avail_external", "is_caller_avail_external",
    "default_decision")

MODEL_FORMAT = "switchyard-model"
MODEL_VERSION = 1


def fnv1a64(data):
    """The plugin's content hash (protocol/Hash.h's stableHash)."""
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


#: The programs the split was drawn from: the suite as it was when the
#: first model was trained (docs/production.md). Programs added since (the
#: PolyBench-style kernels) are in neither part, so that the split, and so
#: every result reported with it, stays the same.
SPLIT_PROGRAMS = (
    "bigprog", "demo", "multifile", "suite/avl", "suite/bignum",
    "suite/bytecode", "suite/checksums", "suite/ciphers", "suite/dynprog",
    "suite/eventsim", "suite/exprparse", "suite/fft", "suite/fpkernels",
    "suite/fpreduce", "suite/gramschmidt", "suite/graphs", "suite/hashmap",
    "suite/huffman", "suite/json", "suite/lexer", "suite/life", "suite/lz77",
    "suite/lzw", "suite/matrix", "suite/nbody", "suite/rbtree", "suite/regex",
    "suite/sat", "suite/sha256", "suite/sorting", "suite/stencil",
    "suite/strsearch", "suite/sudoku")


def split(suite):
    """(train, held_out) benchmark lists of \\p suite: of the programs of
    `SPLIT_PROGRAMS` it has, in name order, every third held out."""
    names = sorted(n for n in suite.names() if n in SPLIT_PROGRAMS)
    held = [n for i, n in enumerate(names) if i % 3 == 0]
    train = [n for n in names if n not in held]
    return train, held


# -- 1. Collect ---------------------------------------------------------------

def _episode(name, flip_at, seed):
    """One exploration episode of \\p name: defaults everywhere but the
    \\p flip_at-th inline decision. Returns (features, answer, reward), or
    None if the site could not be flipped."""
    from .env import SiteDecisionEnv
    env = SiteDecisionEnv(name, kinds=("inline",), reward="text")
    try:
        obs, info = env.reset(seed=seed)
        step, done, example = 0, False, None
        while not done:
            action = 0
            if step == flip_at and info.get("features"):
                default_yes = info["default"] == "yes"
                wanted = 1 if default_yes else 2   # no / yes
                if info["action_mask"][wanted]:
                    action = wanted
                    example = (dict(info["features"]),
                               "no" if default_yes else "yes")
            obs, reward, done, _, info = env.step(action)
            step += 1
        if example is None or "error" in info:
            return None
        return example + (reward,)
    finally:
        env.close()


def _count_sites(name):
    from .env import SiteDecisionEnv
    env = SiteDecisionEnv(name, kinds=("inline",), reward="text")
    try:
        env.reset()
        n, done = 0, False
        while not done:
            _, _, done, _, _ = env.step(0)
            n += 1
        return n - 1 if n else 0
    finally:
        env.close()


def _episode_with(name, answers, flip=None):
    """One episode of \\p name that answers the inline sites in \\p answers
    (site id -> "yes" or "no") as given, the site \\p flip (a site id, not
    in \\p answers) against the compiler's default, and every other site
    with the default. Returns (reward, flipped, sites): `flipped` is
    (features, answer) at the flipped site's first question, or None if it
    was not asked or could not be flipped; `sites` maps each site id asked
    to its features at its first question. The reward is None if the
    episode failed."""
    from .env import SiteDecisionEnv
    env = SiteDecisionEnv(name, kinds=("inline",), reward="text")
    try:
        obs, info = env.reset()
        sites, flipped, done, reward = {}, None, "features" not in info, 0.0
        while not done:
            action, site = 0, info.get("site_id")
            if site is not None:
                sites.setdefault(site, dict(info["features"]))
                default_yes = info["default"] == "yes"
                if site == flip:
                    answer = "no" if default_yes else "yes"
                else:
                    answer = answers.get(site)
                wanted = {"no": 1, "yes": 2}.get(answer, 0)
                if wanted and info["action_mask"][wanted]:
                    action = wanted
                    if site == flip and flipped is None:
                        flipped = (dict(info["features"]), answer)
            obs, reward, done, _, info = env.step(action)
        if "error" in info:
            return None, None, sites
        return reward, flipped, sites
    finally:
        env.close()


def climb(name, budget, seed):
    """Whole-episode exploration of \\p name: a first-improvement hill
    climb over its inline sites. Each of up to \\p budget episodes keeps
    every answer found so far to make the program smaller and flips one
    more site, taken in a seeded random order (sites that appear only
    after an accepted flip join the queue); the flip is kept if the
    program came out smaller still. Every episode gives an example whose
    reward is the change against the answers kept so far, so examples
    come from programs as the learned policy will leave them, not only
    from the compiler's own. Returns (examples, answers kept, reward of
    the answers kept against -Oz)."""
    rng = random.Random(seed)
    answers = {}
    best, _, sites = _episode_with(name, answers)
    if best is None:
        return [], {}, 0.0
    queue = sorted(sites)
    rng.shuffle(queue)
    tried, examples, spent = set(), [], 0
    while queue and spent < budget:
        site = queue.pop(0)
        if site in tried or site in answers:
            continue
        tried.add(site)
        spent += 1
        reward, flipped, seen = _episode_with(name, answers, site)
        if reward is None or flipped is None:
            continue
        examples.append((flipped[0], flipped[1], reward - best))
        if reward > best:
            answers[site] = flipped[1]
            best = reward
            fresh = sorted(set(seen) - tried - set(queue))
            rng.shuffle(fresh)
            queue += fresh
    return examples, answers, best


def collect(names, *, per_program, seed, jobs, explore="flip",
            progress=True):
    """Exploration examples from the programs \\p names: one flip from
    the compiler's answers per episode (\\p explore "flip"), or a hill
    climb per program ("climb"), \\p per_program episodes each."""
    from tqdm import tqdm
    rng = random.Random(seed)
    if explore == "climb":
        return _collect_climbs(names, per_program=per_program, rng=rng,
                               jobs=jobs, progress=progress)
    with concurrent.futures.ProcessPoolExecutor(jobs) as pool:
        counts = list(tqdm(pool.map(_count_sites, names), total=len(names),
                           desc="counting sites", disable=not progress))
        tasks = []
        for name, n in zip(names, counts):
            if n <= 0:
                continue
            for k in rng.sample(range(n), min(per_program, n)):
                tasks.append((name, k, rng.randrange(1 << 30)))
        futures = [pool.submit(_episode, *t) for t in tasks]
        examples = []
        bar = tqdm(concurrent.futures.as_completed(futures),
                   total=len(futures), desc="exploring sites",
                   disable=not progress)
        for f in bar:
            r = f.result()
            if r is not None:
                examples.append(r)
                bar.set_postfix(mean_reward="%.5f" % np.mean(
                    [e[2] for e in examples]))
    return examples


def _collect_climbs(names, *, per_program, rng, jobs, progress):
    from tqdm import tqdm
    examples, rows = [], []
    with concurrent.futures.ProcessPoolExecutor(jobs) as pool:
        futures = {pool.submit(climb, n, per_program,
                               rng.randrange(1 << 30)): n for n in names}
        bar = tqdm(concurrent.futures.as_completed(futures),
                   total=len(futures), desc="climbing", disable=not progress)
        for f in bar:
            found, answers, best = f.result()
            examples += found
            rows.append((futures[f], len(found), len(answers), best))
            bar.set_postfix(mean_gain="%.4f" % np.mean([r[3] for r in rows]))
    # What the search itself reached on each training program: the ceiling
    # a policy learned from it can hope for there.
    for name, n, kept, best in sorted(rows):
        print("  climb %-22s %3d episodes, %2d answers kept, .text %+.2f%%"
              % (name, n, kept, -100 * best))
    if rows:
        print("  climb geomean .text change on %d training programs: %+.2f%%"
              % (len(rows), 100 * (math.exp(sum(
                  math.log(1 - r[3]) for r in rows) / len(rows)) - 1)))
    return examples


# -- 2. Train -----------------------------------------------------------------

def dataset(examples, features, min_gain=0.0):
    """X, label (1: `yes` makes the smaller program), weight. An answer
    other than the compiler's is the label only where it made the program
    more than \\p min_gain smaller: noise-sized gains teach the model to
    leave the compiler's answer on sites it cannot tell apart."""
    X = np.array([[e[0].get(f, math.nan) for f in features]
                  for e in examples], dtype=np.float64)
    y, w = [], []
    for feats, answer, reward in examples:
        gain_yes = reward if answer == "yes" else -reward
        default_yes = feats.get("default_decision", 0) > 0
        if 0 < reward <= min_gain:
            gain_yes = 0
        if gain_yes == 0:
            # No difference: keep the compiler's answer, barely weighted.
            y.append(1 if default_yes else 0)
            w.append(1e-4)
        else:
            y.append(1 if gain_yes > 0 else 0)
            w.append(abs(gain_yes))
    w = np.array(w)
    return X, np.array(y), w / w.mean()


def train(examples, features, *, rounds, depth, seed, min_gain=0.0,
          progress=True):
    """An XGBoost booster and its per-round training log."""
    import xgboost as xgb
    from tqdm import tqdm
    X, y, w = dataset(examples, features, min_gain)
    d = xgb.DMatrix(X, label=y, weight=w, feature_names=list(features))
    params = {"objective": "binary:logistic", "max_depth": depth,
              "eta": 0.3, "base_score": 0.5, "seed": seed, "nthread": 1,
              "tree_method": "exact", "eval_metric": "error"}
    history = {}

    class Bar(xgb.callback.TrainingCallback):
        def __init__(self):
            self.bar = tqdm(total=rounds, desc="training",
                            disable=not progress)

        def after_iteration(self, model, epoch, evals_log):
            self.bar.update(1)
            return False

        def after_training(self, model):
            self.bar.close()
            return model

    booster = xgb.train(params, d, rounds, evals=[(d, "train")],
                        evals_result=history, verbose_eval=False,
                        callbacks=[Bar()])
    return booster, history["train"]["error"]


# -- 3. Export ----------------------------------------------------------------

def xgboost_json(booster):
    """XGBoost's own JSON model, whole: XGBoost itself can load it from
    the model file (bench/model_inference.cpp does)."""
    return json.loads(bytes(booster.save_raw("json")).decode())


def write_model(path, kinds, *, llvm_major, metadata=None):
    """Writes a model file. \\p kinds: a list of dicts with kind,
    features, actions and xgboost (XGBoost's JSON model)."""
    body = json.dumps({"kinds": kinds, "metadata": metadata or {}},
                      separators=(",", ":"), sort_keys=True).encode()
    header = {"format": MODEL_FORMAT, "version": MODEL_VERSION,
              "llvm_major": llvm_major, "body_bytes": len(body),
              "content_hash": "fnv1a64:%016x" % fnv1a64(body)}
    with open(path, "wb") as f:
        f.write(json.dumps(header, separators=(",", ":")).encode() + b"\n")
        f.write(body)


def export(path, booster, features, *, metadata=None):
    major = int(llvm_version().split(".")[0])
    write_model(path, [{"kind": "inline", "features": list(features),
                        "actions": ["no", "yes"],
                        "xgboost": xgboost_json(booster)}],
                llvm_major=major, metadata=metadata)


# -- 4. Evaluate --------------------------------------------------------------

def text_bytes(obj):
    """`.text*` bytes of object file \\p obj."""
    from elftools.elf.elffile import ELFFile
    with open(obj, "rb") as f:
        return sum(s["sh_size"] for s in ELFFile(f).iter_sections()
                   if s.name == ".text" or s.name.startswith(".text."))


def build(bench, out_dir, env=None, plugin=None):
    """Compiles \\p bench with clang -Oz (and the plugin), links it and runs
    its self-check: (.text bytes, passed)."""
    clang = find_tool("clang")
    objs = []
    for i, src in enumerate(bench.sources):
        obj = os.path.join(out_dir, "%d.o" % i)
        argv = [clang, "-Oz", *bench.flags, "-c", src, "-o", obj]
        if plugin:
            argv.insert(1, "-fpass-plugin=" + plugin)
        subprocess.run(argv, check=True, env=env, capture_output=True)
        objs.append(obj)
    exe = os.path.join(out_dir, "prog")
    subprocess.run([clang, *objs, "-o", exe, *bench.link_flags], check=True,
                   capture_output=True)
    r = subprocess.run([exe], capture_output=True, timeout=120,
                       cwd=bench.cwd or out_dir)
    ok = r.returncode == 0 and b"OK" in r.stdout.split()
    return sum(text_bytes(o) for o in objs), ok


def evaluate(model, names, suite, *, progress=True):
    """Per-program rows (name, plain .text, model .text, change, check)."""
    from tqdm import tqdm
    plugin = find_plugin()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SWITCHYARD_")}
    env["SWITCHYARD_POLICY"] = "model:" + os.path.abspath(model)
    env["SWITCHYARD_ON_FAILURE"] = "error"
    rows = []
    for name in tqdm(names, desc="evaluating", disable=not progress):
        b = suite[name]
        with tempfile.TemporaryDirectory() as a, \
                tempfile.TemporaryDirectory() as m:
            plain, plain_ok = build(b, a)
            mine, ok = build(b, m, env=env, plugin=plugin)
        rows.append((name, plain, mine, mine / plain - 1.0,
                     "OK" if ok else "FAILED"))
    return rows


def geomean_change(rows):
    return math.exp(sum(math.log(r[2] / r[1]) for r in rows) / len(rows)) - 1


def plot(path, examples, history):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    rewards = [e[2] for e in examples]
    a.plot(np.cumsum(rewards) / np.arange(1, len(rewards) + 1))
    a.set_xlabel("exploration episode")
    a.set_ylabel("mean .text reward of the explored answer")
    b.plot([1 - e for e in history])
    b.set_xlabel("boosting round")
    b.set_ylabel("weighted training accuracy")
    fig.tight_layout()
    fig.savefig(path)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m switchyard.train",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, help="the model file to write")
    p.add_argument("--per-program", type=int, default=24,
                   help="exploration episodes per training program")
    p.add_argument("--explore", choices=("flip", "climb"), default="flip",
                   help="flip: one site against the compiler's answers per "
                        "episode; climb: a hill climb per program that "
                        "keeps the flips that made it smaller")
    p.add_argument("--programs", nargs="*",
                   help="train on these programs only (default: the split)")
    p.add_argument("--evaluate", nargs="*",
                   help="evaluate on these (default: the held-out programs)")
    p.add_argument("--rounds", type=int, default=40)
    p.add_argument("--depth", type=int, default=4)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--features", default=",".join(CHEAP_INLINE_FEATURES),
                   help="comma-separated inline features the model reads")
    p.add_argument("--examples",
                   help="keep the collected examples in this JSON file; "
                        "if it exists, train from it instead of collecting")
    p.add_argument("--min-gain", type=float, default=0.0,
                   help="leave the compiler's answer only where the other "
                        "made the program at least this much smaller "
                        "(a fraction of .text)")
    p.add_argument("--plot", help="write the reward plot here (PNG)")
    p.add_argument("--report", help="write the evaluation here (JSON)")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    progress = not args.quiet
    suite = datasets.suite()
    train_names, held = split(suite)
    train_names = args.programs or train_names
    held = held if args.evaluate is None else args.evaluate
    features = [f for f in args.features.split(",") if f]
    print("training on %d programs: %s" % (len(train_names),
                                           " ".join(train_names)))
    print("held out: %s" % " ".join(held))
    t = time.time()
    if args.examples and os.path.exists(args.examples):
        with open(args.examples) as f:
            examples = [tuple(e) for e in json.load(f)]
        print("%d examples from %s" % (len(examples), args.examples))
    else:
        examples = collect(train_names, per_program=args.per_program,
                           seed=args.seed, jobs=args.jobs,
                           explore=args.explore, progress=progress)
        print("%d examples in %.0f s" % (len(examples), time.time() - t))
        if args.examples:
            with open(args.examples, "w") as f:
                json.dump(examples, f)
    booster, history = train(examples, features, rounds=args.rounds,
                             depth=args.depth, seed=args.seed,
                             min_gain=args.min_gain, progress=progress)
    export(args.out, booster, features, metadata={
        "trained_on": train_names, "examples": len(examples),
        "rounds": args.rounds, "depth": args.depth, "seed": args.seed,
        "explore": args.explore})
    print("wrote %s" % args.out)
    if args.plot:
        plot(args.plot, examples, history)
        print("wrote %s" % args.plot)
    if not held:
        return 0
    rows = evaluate(args.out, held, suite, progress=progress)
    from tabulate import tabulate
    print(tabulate([(r[0], r[1], r[2], "%+.2f%%" % (100 * r[3]), r[4])
                    for r in rows],
                   headers=["program", "clang -Oz .text", "model .text",
                            "change", "self-check"]))
    g = geomean_change(rows)
    print("geomean .text change on %d held-out programs: %+.2f%%"
          % (len(rows), 100 * g))
    if args.report:
        with open(args.report, "w") as f:
            json.dump({"rows": rows, "geomean_change": g,
                       "trained_on": train_names, "held_out": held}, f,
                      indent=1)
    return 0 if all(r[4] == "OK" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
