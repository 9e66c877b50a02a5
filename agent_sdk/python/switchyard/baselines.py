# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Baseline agents for the pass-pipeline environment, and the validation of
what they find.

- `random_search`: random episodes, each until `patience` steps pass
  without a new best; keeps the best prefix of any episode.
- `greedy_search`: at each step, every action is tried from the current
  prefix (each trial starts from the prefix's snapshot, not from scratch)
  and the one that shrinks the module most is kept; stops when none does.
- `QLearningAgent` / `qlearning_search`: tabular Q-learning over a
  discretized Autophase state, trained online on the benchmark.

Every search minimizes the IR instruction count within a time budget and
returns a `SearchResult`. `validate` then replays the best sequence from
scratch: once in a Switchyard episode (which writes the equivalent plain
`opt -passes=` pipeline), once with plain `opt-22` without the plugin, and
checks that the two instruction counts agree, measures `.text`, and builds
and runs the program's self-check.
"""

import json
import math
import os
import re
import tempfile
import time
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional

import numpy as np

from . import datasets
from .compiler import CompileError
from .env import PassPipelineEnv, replay
from .tools import (LLVM_MAJOR, ToolError, count_ir_instructions,
                    find_tool, llvm_version, object_text_size, run)

__all__ = ["SearchResult", "Validation", "random_search", "greedy_search",
           "qlearning_search", "QLearningAgent", "validate", "AGENTS",
           "search"]


@dataclass
class Validation:
    """A best sequence, replayed without the search's shortcuts."""
    replay_inst_count: int = -1  # fresh Switchyard episode from the input
    plain_inst_count: int = -1   # plain opt-22 -passes=..., no plugin
    text_size: int = -1          # .text of the plain opt output
    pipeline: str = ""           # the plugin's equivalent -passes= text
    command: str = ""            # the plain opt-22 command
    self_check: str = ""         # "OK", "no self-check", or what failed
    ok: bool = False             # counts agree and the check passed
    error: str = ""


@dataclass
class SearchResult:
    benchmark: str
    agent: str
    actions: List[str]           # the best sequence, by name
    inst_count: int              # IR instructions after it
    baselines: Dict[str, Dict[str, int]]
    seconds: float = 0.0
    episodes: int = 0
    steps: int = 0
    crashes: int = 0             # episodes the compiler did not survive
    text_size: Optional[int] = None
    validation: Optional[Validation] = None
    # Runners-up, best first: (instructions, actions); validation falls
    # back to them when a sequence fails its checks.
    candidates: List = field(default_factory=list)
    rejected: List = field(default_factory=list)  # (actions, why)
    # The best count over the search: [seconds, steps, instructions] each
    # time it improved, and where the search stopped.
    trace: List = field(default_factory=list)
    shortened: int = 0           # actions `shorten` dropped
    # Where the episodes ran, the state cache's hits, episodes resumed
    # from a log (switchyard.cluster); None for searches without them.
    scale: Optional[Dict] = None

    @property
    def ic_vs_oz(self):
        """-Oz instructions / ours: above 1 is smaller than -Oz."""
        return self.baselines["Oz"]["inst_count"] / max(1, self.inst_count)

    @property
    def text_vs_oz(self):
        if not self.text_size:
            return None
        return self.baselines["Oz"]["text_size"] / self.text_size

    def to_dict(self):
        d = asdict(self)
        d["ic_vs_oz"] = self.ic_vs_oz
        d["text_vs_oz"] = self.text_vs_oz
        return d


def _baselines(benchmark):
    return {k: {"inst_count": v.inst_count, "text_size": v.text_size}
            for k, v in benchmark.baselines().items()}


def _new_result(benchmark, agent):
    result = SearchResult(benchmark.name, agent, [], 0,
                          _baselines(benchmark))
    # Not a field (not in to_dict): the Benchmark itself, so that shorten()
    # and validate() find a benchmark that is not in the suite.
    result._benchmark = benchmark
    return result


def _benchmark_of(result, benchmark):
    return datasets.resolve(benchmark or getattr(result, "_benchmark", None)
                            or result.benchmark)


class _Best:
    """The best (fewest instructions, then shortest) sequences so far: up
    to \\p keep distinct ones, so that validation can fall back to the next
    one when the best miscompiles the program."""

    def __init__(self, count, actions=(), keep=20):
        self.keep = keep
        self.top = [(count, len(actions), tuple(actions))]

    @property
    def count(self):
        return self.top[0][0]

    @property
    def actions(self):
        return list(self.top[0][2])

    def offer(self, count, actions):
        """Records a candidate; true if it is the new best."""
        entry = (count, len(actions), tuple(actions))
        if len(self.top) >= self.keep and entry >= self.top[-1]:
            return False
        if any(e[2] == entry[2] for e in self.top):
            return False
        self.top.append(entry)
        self.top.sort()
        del self.top[self.keep:]
        return self.top[0] is entry

    def candidates(self):
        return [(c, list(a)) for c, _, a in self.top]


def _env(benchmark, actions, env_kwargs, observation="inst-count"):
    kwargs = dict(observation=observation, reward="ic-oz", actions=actions)
    kwargs.update(env_kwargs or {})
    return PassPipelineEnv(benchmark, **kwargs)


def _choices(env):
    return [i for i, n in enumerate(env.action_names) if n != "stop"]


class _Budget:
    """What a search may spend (seconds, and steps if \\p steps is set), the
    progress callback, and the trace of the best count over time."""

    def __init__(self, result, seconds, steps, progress):
        self.result = result
        self.seconds = seconds
        self.steps = steps
        self.progress = progress
        self.best = None
        self.start = time.monotonic()

    def elapsed(self):
        return time.monotonic() - self.start

    def spent(self):
        return (self.elapsed() >= self.seconds or
                (self.steps is not None and self.result.steps >= self.steps))

    def fraction(self):
        """How much is spent, 0 to 1: of the steps when they are the
        budget (so that a seeded search does the same wherever it runs),
        else of the time."""
        if self.steps is not None:
            return min(1.0, self.result.steps / max(1, self.steps))
        return min(1.0, self.elapsed() / max(1e-9, self.seconds))

    def record(self, count):
        """Notes the best count so far (a point of the trace when it
        improves) and tells the progress callback."""
        if self.best is None or count < self.best:
            self.best = count
            self.result.trace.append([round(self.elapsed(), 3),
                                      self.result.steps, int(count)])
        if self.progress:
            self.progress(self.elapsed(), self.best)

    def finish(self):
        self.result.seconds = self.elapsed()
        if self.best is not None and (
                not self.result.trace or
                self.result.trace[-1][1] != self.result.steps):
            # The last point: where the search stopped.
            self.result.trace.append([round(self.result.seconds, 3),
                                      self.result.steps, int(self.best)])


def random_search(benchmark, budget_seconds=60.0, *, seed=0, actions="safe",
                  patience=20, max_length=200, env_kwargs=None,
                  progress=None, budget_steps=None, scheduler=None,
                  cache=None, log=None):
    """Random episodes until the budget is spent (\\p budget_seconds, and
    \\p budget_steps steps if given: with a step budget, the same seed
    gives the same result on any machine and any cluster). An episode ends
    after \\p patience steps without a new best of its own (or
    \\p max_length steps); every prefix counts. Each episode has a
    generator of its own, seeded by \\p seed and its index.

    \\p scheduler: None to run the episodes here, or a Dask scheduler's
    address ("tcp://HOST:PORT") to run them on its workers. \\p cache: a
    state cache ("redis://HOST:PORT/DB", "local", a sqlite3 path;
    `switchyard.cache`). \\p log: a file of finished episodes; a search
    started again with it does not run them again. See
    `switchyard.cluster` and docs/scale.md."""
    from .cluster import run_random_search
    benchmark = datasets.resolve(benchmark)
    result = _new_result(benchmark, "random")
    budget = _Budget(result, budget_seconds, budget_steps, progress)
    run_random_search(result, budget, seed=seed, actions=actions,
                      patience=patience, max_length=max_length,
                      env_kwargs=env_kwargs, scheduler=scheduler,
                      cache=cache, log=log)
    budget.finish()
    return result


def greedy_search(benchmark, budget_seconds=60.0, *, actions="safe",
                  env_kwargs=None, progress=None, seed=0, budget_steps=None,
                  scheduler=None, cache=None):
    """At each step, the action that shrinks the module most, each
    candidate tried from the current prefix's snapshot. Stops when no
    action shrinks it, or when the budget is spent (then the best candidate
    tried so far in the step is kept if it shrinks the module).

    \\p scheduler: None to try the candidates here, or a Dask scheduler's
    address to try them on its workers, a few per task; the result is the
    same. \\p cache: a state cache (`switchyard.cache`): a search run again
    finds its trials there. See `switchyard.cluster`."""
    from .cluster import run_greedy_search
    benchmark = datasets.resolve(benchmark)
    result = _new_result(benchmark, "greedy")
    budget = _Budget(result, budget_seconds, budget_steps, progress)
    run_greedy_search(result, budget, actions=actions,
                      env_kwargs=env_kwargs, scheduler=scheduler,
                      cache=cache)
    budget.finish()
    return result


# --- A learning agent --------------------------------------------------------

#: Autophase features the Q-learning state is made of (docs/hooks.md):
#: phis, allocas, loads, stores, calls, branches, blocks, instructions,
#: critical edges, unconditional branches.
_STATE_FEATURES = (14, 27, 37, 45, 33, 15, 50, 51, 17, 23)


class QLearningAgent:
    """Tabular Q-learning for the pass-pipeline environment.

    The state is the Autophase vector reduced to a few features, each put
    in a logarithmic bucket (`log2(1 + x)` rounded down, divided by
    `resolution`), so that states recur across episodes and across similar
    programs. The step reward is the environment's (instruction-count
    reduction normalized against -Oz). Exploration is epsilon-greedy.

        agent = QLearningAgent(action_names=env.action_names)
        agent.train(env, episodes=50)
        a = agent.act(obs)            # greedy w.r.t. the table
        agent.save("q.json")          # or "q.npz"
        agent = QLearningAgent.load("q.json", action_names=env.action_names)

    A saved model records its actions by name and the LLVM version it was
    trained with: `load` refuses a model of another LLVM major (its action
    space and passes differ) or one that names actions the environment
    does not have, and maps the table onto the environment's action order.
    """

    #: What `save` writes as "format".
    FORMAT = "switchyard-qlearning"

    def __init__(self, n_actions=None, *, action_names=None, alpha=0.5,
                 gamma=0.9, epsilon=0.3, resolution=1.0, exclude=(0,),
                 seed=0, llvm=None):
        if action_names is not None:
            action_names = [str(n) for n in action_names]
            if n_actions is not None and n_actions != len(action_names):
                raise ValueError("n_actions=%d but %d action names" % (
                    n_actions, len(action_names)))
            n_actions = len(action_names)
        if n_actions is None or int(n_actions) <= 0:
            raise ValueError("QLearningAgent needs action_names (or "
                             "n_actions > 0)")
        self.n_actions = int(n_actions)
        self.action_names = action_names
        self.alpha, self.gamma, self.epsilon = alpha, gamma, epsilon
        self.resolution = resolution
        self.exclude = tuple(int(a) for a in exclude)
        self.allowed = np.array([a for a in range(self.n_actions)
                                 if a not in self.exclude])
        self.q = {}
        self.rng = np.random.default_rng(seed)
        self.llvm = llvm  # the LLVM version it is trained with

    def state(self, obs):
        x = np.asarray(obs, dtype=np.float64)[list(_STATE_FEATURES)]
        return tuple((np.floor(np.log2(1 + np.maximum(x, 0)) /
                               self.resolution)).astype(int).tolist())

    def _row(self, s):
        row = self.q.get(s)
        if row is None:
            row = self.q[s] = np.zeros(self.n_actions)
        return row

    def act(self, obs, epsilon=0.0):
        if self.rng.random() < epsilon:
            return int(self.rng.choice(self.allowed))
        row = self.q.get(self.state(obs))
        if row is None:
            return int(self.rng.choice(self.allowed))
        values = row[self.allowed]
        ties = self.allowed[values == values.max()]
        return int(self.rng.choice(ties))

    def update(self, obs, action, reward, next_obs, done):
        row = self._row(self.state(obs))
        target = reward
        if not done:
            nxt = self.q.get(self.state(next_obs))
            if nxt is not None:
                target += self.gamma * nxt[self.allowed].max()
        row[action] += self.alpha * (target - row[action])

    def run_episode(self, env, *, epsilon=None, length=30, learn=True,
                    on_step=None, options=None):
        """One episode of at most \\p length steps; returns the total
        reward."""
        eps = self.epsilon if epsilon is None else epsilon
        obs, info = env.reset(options=options)
        total = 0.0
        for _ in range(length):
            a = self.act(obs, eps)
            nxt, r, term, trunc, info = env.step(a)
            if "error" in info:
                r, term = -1.0, True  # a crash is a dead end
            if learn:
                self.update(obs, a, r, nxt, term)
            total += r
            if on_step:
                on_step(info)
            obs = nxt
            if term or trunc:
                break
        return total

    def train(self, envs, episodes=100, length=30):
        """Trains over one environment or several (round robin)."""
        envs = envs if isinstance(envs, (list, tuple)) else [envs]
        for env in envs:
            self._check_env(env)
        for i in range(episodes):
            self.run_episode(envs[i % len(envs)], length=length)
        return self

    def _check_env(self, env):
        names = list(getattr(env, "action_names", []) or [])
        if self.action_names is None:
            if names and len(names) == self.n_actions:
                self.action_names = names
        elif names and names != self.action_names:
            raise ValueError(
                "the environment's actions are not the agent's: load the "
                "agent with action_names=env.action_names to map them")
        if self.llvm is None:
            info = getattr(env, "info", None)
            self.llvm = _llvm_number(getattr(info, "compiler_version", ""))

    # --- Saving and loading ------------------------------------------------

    def to_dict(self):
        """The model as JSON-able data: actions by name, the LLVM version,
        the settings and the table."""
        if self.action_names is None:
            raise ValueError("a model is saved with its action names: make "
                             "the agent with action_names=env.action_names")
        keys = sorted(self.q)
        return {
            "format": self.FORMAT, "version": 1,
            "llvm": self.llvm or llvm_version(),
            "actions": list(self.action_names),
            "exclude": [self.action_names[a] for a in self.exclude
                        if 0 <= a < self.n_actions],
            "state_features": list(_STATE_FEATURES),
            "resolution": self.resolution, "alpha": self.alpha,
            "gamma": self.gamma, "epsilon": self.epsilon,
            "states": [list(k) for k in keys],
            "values": [self.q[k].tolist() for k in keys]}

    def save(self, path):
        """Writes the model to \\p path, exactly that file: NumPy's .npz if
        the name ends in .npz, else JSON."""
        data = self.to_dict()
        path = os.fspath(path)
        tmp = path + ".tmp"
        if path.endswith(".npz"):
            meta = dict(data)
            states, values = meta.pop("states"), meta.pop("values")
            with open(tmp, "wb") as f:  # a file: savez adds no suffix
                np.savez_compressed(
                    f, meta=np.array(json.dumps(meta)),
                    states=np.array(states, dtype=np.int64).reshape(
                        len(states), len(_STATE_FEATURES)),
                    values=np.array(values, dtype=np.float64).reshape(
                        len(values), self.n_actions))
        else:
            with open(tmp, "w") as f:
                json.dump(data, f)
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, path, *, action_names=None, llvm=None, **kwargs):
        """A model saved by `save`. \\p action_names (an environment's
        `action_names`) maps the table onto that order; every action of
        the model must be among them. \\p llvm is the LLVM version to check
        against (default: that of opt-22). Raises ValueError when the
        model is of another LLVM major or names unknown actions."""
        path = os.fspath(path)
        with open(path, "rb") as f:
            head = f.read(2)
        try:
            if head == b"PK":  # a zip: .npz
                with np.load(path, allow_pickle=False) as z:
                    if "meta" not in z:
                        raise ValueError("no action names or LLVM version "
                                         "(an older format): retrain it")
                    data = json.loads(str(z["meta"]))
                    data["states"] = z["states"].tolist()
                    data["values"] = z["values"].tolist()
            else:
                with open(path) as f:
                    data = json.load(f)
        except (ValueError, KeyError, OSError) as e:
            raise ValueError("%s: not a Q-learning model: %s" % (path, e)) \
                from None
        if not isinstance(data, dict) or data.get("format") != cls.FORMAT:
            raise ValueError("%s: not a Q-learning model (no %r format)"
                             % (path, cls.FORMAT))
        stored = data["actions"]
        have = llvm or _current_llvm()
        if _llvm_major(data["llvm"]) != _llvm_major(have):
            raise ValueError(
                "%s: trained with LLVM %s, this is LLVM %s: the action space "
                "differs between LLVM major versions; retrain the model"
                % (path, data["llvm"], have))
        if list(data.get("state_features", _STATE_FEATURES)) != \
                list(_STATE_FEATURES):
            raise ValueError("%s: made with other state features %r"
                             % (path, data["state_features"]))
        names = list(action_names) if action_names is not None else stored
        unknown = [n for n in stored if n not in names]
        if unknown:
            raise ValueError("%s: actions not in this action space: %s"
                             % (path, ", ".join(unknown)))
        column = [names.index(n) for n in stored]
        for key in ("resolution", "alpha", "gamma", "epsilon"):
            kwargs.setdefault(key, data[key])
        kwargs.setdefault("exclude", [names.index(n) for n in
                                      data.get("exclude", ())])
        agent = cls(action_names=names, llvm=data["llvm"], **kwargs)
        for state, values in zip(data["states"], data["values"]):
            row = np.zeros(len(names))
            row[column] = values
            agent.q[tuple(int(v) for v in state)] = row
        return agent


def _llvm_number(text):
    """"22.1.8" from "22.1.8", "LLVM 22.1.8", ... (or the text itself)."""
    m = re.search(r"\d+(\.\d+)*", text or "")
    return m.group(0) if m else (text or None)


def _llvm_major(version):
    try:
        return int(str(version).split(".")[0].split()[-1])
    except (ValueError, IndexError):
        raise ValueError("not an LLVM version: %r" % (version,)) from None


def _current_llvm():
    try:
        return llvm_version()
    except ToolError:
        return str(LLVM_MAJOR)


def qlearning_search(benchmark, budget_seconds=60.0, *, seed=0,
                     actions="compact", length=40, env_kwargs=None,
                     progress=None, agent=None, budget_steps=None):
    """Trains a `QLearningAgent` online on the benchmark for the budget,
    with epsilon decaying from 0.5 to 0.05 (over the steps when
    \\p budget_steps is given, else over the time), and returns the best
    prefix of any episode (its greedy episodes included)."""
    benchmark = datasets.resolve(benchmark)
    result = _new_result(benchmark, "qlearn")
    env = _env(benchmark, actions, env_kwargs, observation="autophase")
    budget = _Budget(result, budget_seconds, budget_steps, progress)
    stop = env.action_names.index("stop") if "stop" in env.action_names \
        else -1
    try:
        agent = agent or QLearningAgent(action_names=env.action_names,
                                        exclude=(stop,), seed=seed)
        agent._check_env(env)
        _, info = env.reset(seed=seed)
        best = _Best(info["inst_count"])
        budget.record(best.count)

        episode = {}

        def on_step(info):
            result.steps += 1
            if "error" in info:
                result.crashes += 1
            elif info["inst_count"] < episode.get("count", 1 << 62):
                episode["count"] = info["inst_count"]
                episode["actions"] = info["actions"]
                if info["inst_count"] < best.count:
                    budget.record(info["inst_count"])

        while not budget.spent():
            eps = 0.0 if result.episodes % 5 == 4 else \
                max(0.05, 0.5 * (1 - budget.fraction()))
            result.episodes += 1
            episode.clear()
            agent.run_episode(env, epsilon=eps, length=length,
                              on_step=on_step)
            if episode.get("actions"):
                best.offer(episode["count"], episode["actions"])
            budget.record(best.count)
    finally:
        env.close()
    result.actions, result.inst_count = best.actions, best.count
    result.candidates = best.candidates()
    budget.finish()
    result.agent_state = agent
    return result


AGENTS = {"random": random_search, "greedy": greedy_search,
          "qlearn": qlearning_search}


def search(agent, benchmark, budget_seconds, **kwargs):
    """Runs the search agent named \\p agent ("random", "greedy",
    "qlearn")."""
    try:
        fn = AGENTS[agent]
    except KeyError:
        raise ValueError("unknown agent %r (known: %s)"
                         % (agent, ", ".join(AGENTS))) from None
    return fn(benchmark, budget_seconds, **kwargs)


# --- Shortening --------------------------------------------------------------

def plain_inst_count(benchmark, pipeline, timeout=300):
    """IR instructions after plain `opt-22 -passes=PIPELINE` (no plugin)."""
    argv = [find_tool("opt")]
    if pipeline:
        argv.append("-passes=" + pipeline)
    out = run(argv + [benchmark.bitcode(), "-S", "-o", "-"],
              timeout=timeout).stdout
    return count_ir_instructions(out.decode("utf-8", "replace"))


def shorten(result, budget_seconds=10.0, *, benchmark=None, plugin=None):
    """Drops actions from \\p result's best sequence that do not help:
    chunks of it (halves, quarters, ..., single actions, each round from
    the end) are removed when plain `opt-22` then gives no more
    instructions. Stops when the budget is spent. Searches leave many
    actions that change nothing; the shorter sequence reads better and
    compiles faster. Updates `result.actions` (and `inst_count`, which can
    only go down) and `result.shortened`; returns how many actions were
    dropped. \\p benchmark is the `Benchmark` searched (default: the one
    the search ran on; `result.benchmark` alone is only a name, looked up
    in the suite)."""
    from .env import probe_action_space
    benchmark = _benchmark_of(result, benchmark)
    info = probe_action_space(plugin)
    start = time.monotonic()
    actions = list(result.actions)

    def count(seq):
        try:
            return plain_inst_count(benchmark, info.pipeline(
                info.index[a] for a in seq))
        except ToolError:
            return None

    best = count(actions)
    if best is None:
        return 0
    size = max(1, len(actions) // 2)
    while actions and time.monotonic() - start < budget_seconds:
        end = len(actions)
        while end > 0 and time.monotonic() - start < budget_seconds:
            begin = max(0, end - size)
            trial = actions[:begin] + actions[end:]
            c = count(trial)
            if c is not None and c <= best:
                actions, best = trial, c
            end = begin
        if size == 1:
            break
        size = max(1, size // 2)
    dropped = len(result.actions) - len(actions)
    result.shortened += dropped
    if dropped:
        old = (result.inst_count, list(result.actions))
        result.actions, result.inst_count = actions, best
        # The unshortened sequence stays a fallback for validation.
        result.candidates = [old] + list(result.candidates)
    return dropped


# --- Validation --------------------------------------------------------------

def _validate_one(benchmark, actions, plugin, check):
    v = Validation()
    try:
        r = replay(benchmark, actions, plugin=plugin)
        v.replay_inst_count = r.inst_count
        v.pipeline = r.pipeline or ""
        src = benchmark.bitcode()
        with tempfile.TemporaryDirectory(prefix="sy-validate-") as tmp:
            out = os.path.join(tmp, "out.bc")
            argv = [find_tool("opt")]
            if v.pipeline:
                argv.append("-passes=" + v.pipeline)
            argv += [src, "-o", out]
            v.command = "opt-22 %s%s -o out.bc" % (
                "-passes='%s' " % v.pipeline if v.pipeline else "", src)
            run(argv)
            text = run([find_tool("llvm-dis"), out, "-o", "-"]).stdout
            v.plain_inst_count = count_ir_instructions(
                text.decode("utf-8", "replace"))
            v.text_size = object_text_size(out)
            if check:
                c = benchmark.self_check(out)
                v.self_check = c.detail
                checked = c.ok
            else:
                v.self_check, checked = "not run", True
        v.ok = (v.plain_inst_count == v.replay_inst_count and checked)
        if v.plain_inst_count != v.replay_inst_count:
            v.error = ("plain opt gives %d instructions, the Switchyard "
                       "replay %d" % (v.plain_inst_count,
                                      v.replay_inst_count))
        elif not checked:
            v.error = "self-check failed: " + v.self_check.splitlines()[0] \
                if v.self_check else "self-check failed"
    except (CompileError, ToolError, ValueError) as e:
        v.ok = False
        v.error = str(e).splitlines()[0] if str(e) else repr(e)
    return v


def validate(result, benchmark=None, *, plugin=None, check=True,
             fallbacks=10):
    """Replays \\p result's best sequence (a SearchResult) from scratch,
    with and without Switchyard, and runs the program's self-check. If it
    fails (the plain `opt` count differs, or the program is miscompiled),
    the next candidates are tried, up to \\p fallbacks of them; the ones
    that failed go to `result.rejected`. Sets `result.validation`,
    `result.actions`, `result.inst_count` (the replayed count) and
    `result.text_size`. Returns the Validation of the sequence kept."""
    benchmark = _benchmark_of(result, benchmark)
    tried = []
    for _, actions in [(result.inst_count, result.actions)] + list(
            result.candidates):
        if actions in tried:
            continue
        tried.append(actions)
        v = _validate_one(benchmark, actions, plugin, check)
        if v.ok or len(tried) > fallbacks:
            break
        result.rejected.append((list(actions), v.error))
    result.validation = v
    result.actions = list(actions)
    if v.replay_inst_count >= 0:
        result.inst_count = v.replay_inst_count
    if v.text_size >= 0:
        result.text_size = v.text_size
    return v


def geomean(values):
    values = [v for v in values if v and v > 0]
    if not values:
        return float("nan")
    return math.exp(sum(math.log(v) for v in values) / len(values))
