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

import math
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional

import numpy as np

from . import datasets
from .compiler import CompileError
from .env import PassPipelineEnv, replay
from .tools import (ToolError, count_ir_instructions, find_tool,
                    object_text_size, run)

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


def random_search(benchmark, budget_seconds=60.0, *, seed=0, actions="safe",
                  patience=20, max_length=200, env_kwargs=None,
                  progress=None):
    """Random episodes until the budget is spent. An episode ends after
    \\p patience steps without a new best of its own (or \\p max_length
    steps); every prefix counts."""
    benchmark = datasets.resolve(benchmark)
    rng = np.random.default_rng(seed)
    # The budget is for the search: the module, baselines and the action
    # space probe (cached after the first time) come first.
    result = SearchResult(benchmark.name, "random", [], 0,
                          _baselines(benchmark))
    env = _env(benchmark, actions, env_kwargs)
    start = time.monotonic()
    try:
        _, info = env.reset(seed=seed)
        best = _Best(info["inst_count"])
        choices = _choices(env)
        first = True
        while time.monotonic() - start < budget_seconds:
            if not first:
                _, info = env.reset()
            first = False
            result.episodes += 1
            episode_best, stale = info["inst_count"], 0
            episode_actions = []
            for _ in range(max_length):
                a = choices[int(rng.integers(len(choices)))]
                _, _, term, trunc, info = env.step(a)
                result.steps += 1
                if "error" in info:
                    result.crashes += 1
                    break
                count = info["inst_count"]
                if count < episode_best:
                    episode_best, stale = count, 0
                    episode_actions = env.action_history
                    if count < best.count and progress:
                        progress(time.monotonic() - start, count)
                else:
                    stale += 1
                if term or trunc or stale >= patience or \
                        time.monotonic() - start >= budget_seconds:
                    break
            # One candidate per episode: runners-up that do not share the
            # best one's prefix, in case it miscompiles.
            if episode_actions:
                best.offer(episode_best, episode_actions)
            if progress:
                progress(time.monotonic() - start, best.count)
    finally:
        env.close()
    result.actions, result.inst_count = best.actions, best.count
    result.candidates = best.candidates()
    result.seconds = time.monotonic() - start
    return result


def greedy_search(benchmark, budget_seconds=60.0, *, actions="safe",
                  env_kwargs=None, progress=None, seed=0):
    """At each step, the action that shrinks the module most, each
    candidate tried from the current prefix's snapshot. Stops when no
    action shrinks it, or when the budget is spent (then the best candidate
    tried so far in the step is kept if it shrinks the module)."""
    benchmark = datasets.resolve(benchmark)
    result = SearchResult(benchmark.name, "greedy", [], 0,
                          _baselines(benchmark))
    env = _env(benchmark, actions, env_kwargs)
    start = time.monotonic()
    try:
        _, info = env.reset(seed=seed)
        current = info["inst_count"]
        prefix, counts = [], [current]
        choices = _choices(env)
        while time.monotonic() - start < budget_seconds:
            step_best = (current, None)
            for a in choices:
                if time.monotonic() - start >= budget_seconds:
                    break
                try:
                    env.reset(options={"actions": prefix})
                except CompileError:
                    result.crashes += 1
                    break
                result.episodes += 1
                _, _, _, _, info = env.step(a)
                result.steps += 1
                if "error" in info:
                    result.crashes += 1
                    continue
                if "previous_error" in info:
                    continue
                if info["inst_count"] < step_best[0]:
                    step_best = (info["inst_count"], a)
            if step_best[1] is None:
                break  # a local minimum (or out of time)
            prefix.append(step_best[1])
            current = step_best[0]
            counts.append(current)
            if progress:
                progress(time.monotonic() - start, current)
    finally:
        env.close()
    result.actions = [env.action_names[a] for a in prefix]
    result.inst_count = current
    # Shorter prefixes of the path are the runners-up.
    result.candidates = [(counts[i], result.actions[:i])
                         for i in range(len(prefix), -1, -1)]
    result.seconds = time.monotonic() - start
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

        agent = QLearningAgent(n_actions=env.action_space.n)
        agent.train(env, episodes=50)
        a = agent.act(obs)            # greedy w.r.t. the table
    """

    def __init__(self, n_actions, *, alpha=0.5, gamma=0.9, epsilon=0.3,
                 resolution=1.0, exclude=(0,), seed=0):
        self.n_actions = n_actions
        self.alpha, self.gamma, self.epsilon = alpha, gamma, epsilon
        self.resolution = resolution
        self.allowed = np.array([a for a in range(n_actions)
                                 if a not in exclude])
        self.q = {}
        self.rng = np.random.default_rng(seed)

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
        for i in range(episodes):
            self.run_episode(envs[i % len(envs)], length=length)
        return self

    def save(self, path):
        keys = list(self.q)
        np.savez_compressed(path, keys=np.array(keys, dtype=np.int64),
                            values=np.array([self.q[k] for k in keys]))

    @classmethod
    def load(cls, path, **kwargs):
        data = np.load(path)
        agent = cls(data["values"].shape[1], **kwargs)
        agent.q = {tuple(k.tolist()): v for k, v in
                   zip(data["keys"], data["values"])}
        return agent


def qlearning_search(benchmark, budget_seconds=60.0, *, seed=0,
                     actions="compact", length=40, env_kwargs=None,
                     progress=None, agent=None):
    """Trains a `QLearningAgent` online on the benchmark for the budget,
    with epsilon decaying from 0.5 to 0.05, and returns the best prefix of
    any episode (its greedy episodes included)."""
    benchmark = datasets.resolve(benchmark)
    result = SearchResult(benchmark.name, "qlearn", [], 0,
                          _baselines(benchmark))
    env = _env(benchmark, actions, env_kwargs, observation="autophase")
    start = time.monotonic()
    stop = env.action_names.index("stop") if "stop" in env.action_names \
        else -1
    agent = agent or QLearningAgent(env.action_space.n, exclude=(stop,),
                                    seed=seed)
    best = None
    try:
        _, info = env.reset(seed=seed)
        best = _Best(info["inst_count"])

        episode = {}

        def on_step(info):
            result.steps += 1
            if "error" in info:
                result.crashes += 1
            elif info["inst_count"] < episode.get("count", 1 << 62):
                episode["count"] = info["inst_count"]
                episode["actions"] = info["actions"]
                if info["inst_count"] < best.count and progress:
                    progress(time.monotonic() - start, info["inst_count"])

        while time.monotonic() - start < budget_seconds:
            frac = (time.monotonic() - start) / budget_seconds
            eps = 0.0 if result.episodes % 5 == 4 else \
                max(0.05, 0.5 * (1 - frac))
            result.episodes += 1
            episode.clear()
            agent.run_episode(env, epsilon=eps, length=length,
                              on_step=on_step)
            if episode.get("actions"):
                best.offer(episode["count"], episode["actions"])
            if progress:
                progress(time.monotonic() - start, best.count)
    finally:
        env.close()
    result.actions, result.inst_count = best.actions, best.count
    result.candidates = best.candidates()
    result.seconds = time.monotonic() - start
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


def shorten(result, budget_seconds=10.0, *, plugin=None):
    """Drops actions from \\p result's best sequence that do not help:
    chunks of it (halves, quarters, ..., single actions, each round from
    the end) are removed when plain `opt-22` then gives no more
    instructions. Stops when the budget is spent. Searches leave many
    actions that change nothing; the shorter sequence reads better and
    compiles faster. Updates `result.actions` (and `inst_count`, which can
    only go down); returns how many actions were dropped."""
    from .env import probe_action_space
    benchmark = datasets.resolve(result.benchmark)
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
    benchmark = datasets.resolve(benchmark or result.benchmark)
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
