# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Searches as independent episodes: in this process, or as Dask tasks on
a cluster's workers, with a state cache and a log to resume from.

    from switchyard import baselines
    r = baselines.random_search("sha256", 60, budget_steps=5000, seed=0,
                                scheduler="tcp://head:8786",
                                cache="redis://head:6379/0",
                                log="sha256.episodes")

An episode is a pure function of its spec: the search's seed and the
episode's index seed its own generator, so episode 17 takes the same
actions on any worker, in any order, and when it runs again. The driver
(the caller's process) submits episodes, a few more than the workers can
run at once, and accepts their results in index order: a step budget cuts
the sequence of episodes at the same step wherever they ran, so a seeded
search gives the same result in-process and on any cluster.

- **Workers** (`EpisodeRunner`, one per Dask worker through a worker
  plugin) keep their own environments, and so their own compilers; the
  benchmark's input module is scattered to them once.
- **Faults**: a task whose worker dies is run again elsewhere by Dask's
  scheduler (and resubmitted by the driver if the scheduler gives it up);
  an episode's key is the search's id and its index, and the driver keeps
  the first result of each index only: none is lost or counted twice.
- **Cache** (`switchyard.cache`): an episode reads the states its prefix
  reaches from the cache while they are there, and starts a compiler (on
  a snapshot of the prefix) at the first one that is not. If the cache
  fails, the episode's result says so; the driver warns once and sends
  the next episodes without a cache.
- **Log**: one JSON line per finished episode (its index, actions and
  counts). A search started again with the same log takes the episodes
  it finds there instead of running them.
"""

import collections
import dataclasses
import hashlib
import json
import os
import socket
import threading
import time
import warnings
from typing import Optional, Tuple

import numpy as np

from . import datasets
from .cache import CacheUnavailable, namespace, open_cache
from .compiler import CompileError

__all__ = ["EpisodeSpec", "EpisodeRunner", "EpisodeLog", "InProcess",
           "DaskCluster", "connect", "run_random_search", "SCHEDULER_ENV",
           "VersionMismatch"]

#: The environment variable naming the Dask scheduler when no
#: --scheduler is given.
SCHEDULER_ENV = "SWITCHYARD_SCHEDULER"
#: How many times the driver submits an episode again after the scheduler
#: gave up on it (its workers kept dying).
_RESUBMITS = 3
#: An episode writes its new states to the cache every this many steps
#: (and at its end): a worker that dies leaves most of its work there.
_FLUSH_EVERY = 16
#: Environments of this many (benchmark, action set) pairs stay open in a
#: runner between episodes.
_KEEP_ENVS = 4
#: An episode that leaves the cache after at most this many steps replays
#: them in a compiler; after more, it starts one on a snapshot.
_REPLAY_MAX = 16


class VersionMismatch(RuntimeError):
    """A worker's LLVM, plugin or Switchyard is not the driver's."""


@dataclasses.dataclass(frozen=True)
class EpisodeSpec:
    """Everything an episode depends on, and what the driver needs back."""
    search: str                 # the search's id (see `_search_id`)
    index: int
    seed: int
    benchmark: str              # name
    benchmark_key: str          # Benchmark.key on the driver
    actions: Tuple[str, ...]    # the action set, `stop` aside
    patience: int
    max_length: int
    namespace: str              # cache.namespace() on the driver
    scale: int                  # -O0 minus -Oz instructions (ic-oz reward)
    env_kwargs: Tuple = ()      # (name, value) pairs
    cache: Optional[str] = None
    limit: Optional[int] = None      # at most this many steps
    deadline: Optional[float] = None  # time.monotonic(), in-process only
    # Greedy search: each of `trials` tried after `prefix` (index: the
    # chunk's number in the step), whose IR hash and count are known.
    kind: str = "random"
    prefix: Tuple[str, ...] = ()
    trials: Tuple[str, ...] = ()
    parent_ir: Optional[str] = None
    parent_count: int = 0

    @property
    def key(self):
        """The Dask key: the same episode always has the same key."""
        if self.kind == "trials":
            return "switchyard-trials-%s-%d-%s-%d" % (
                self.search, len(self.prefix),
                hashlib.sha256("\0".join(self.prefix).encode()).hexdigest()[
                    :16], self.index)
        return "switchyard-episode-%s-%d" % (self.search, self.index)


# --- Workers -----------------------------------------------------------------

class EpisodeRunner:
    """Runs episodes: keeps environments (a compiler each) and state cache
    connections across them. Thread-safe: an environment serves one episode
    at a time."""

    def __init__(self):
        self._lock = threading.Lock()
        # env key -> [PassPipelineEnv], least recently used first: each
        # keeps a compiler started ahead, so only a few benchmarks' stay.
        self._free = collections.OrderedDict()
        self._benchmarks = {}  # benchmark key -> Benchmark
        # (search, cache spec) -> StateCache: a connection per search, so
        # that a cache that failed in one search is tried again in the next.
        self._caches = collections.OrderedDict()
        self._checked = set()  # env keys whose namespace was checked

    def close(self):
        with self._lock:
            for envs in self._free.values():
                for env in envs:
                    env.close()
            self._free.clear()
            for cache in self._caches.values():
                cache.close()
            self._caches.clear()

    def _benchmark(self, spec, bench):
        """A Benchmark from the driver's own object (in-process) or the
        bytes of its input module (a worker), written once per machine to
        the worker's benchmark cache."""
        if isinstance(bench, datasets.Benchmark):
            return bench
        with self._lock:
            found = self._benchmarks.get(spec.benchmark_key)
            if found is None:
                root = os.path.join(datasets.cache_dir(), "cluster")
                os.makedirs(root, exist_ok=True)
                path = os.path.join(root, spec.benchmark_key + ".bc")
                if not os.path.isfile(path):
                    tmp = "%s.%d.tmp" % (path, os.getpid())
                    with open(tmp, "wb") as f:
                        f.write(bench)
                    os.replace(tmp, path)
                found = datasets.Benchmark(spec.benchmark, module=path)
                self._benchmarks[spec.benchmark_key] = found
            return found

    def _env(self, spec, bench):
        from .env import PassPipelineEnv
        # The IR hash, which the cache needs, costs a print of the module
        # at each step: only with a cache.
        observe = ("inst-count", "ir-hash") if spec.cache else \
            ("inst-count",)
        key = (spec.benchmark_key, spec.actions, spec.env_kwargs, observe)
        with self._lock:
            free = self._free.setdefault(key, [])
            self._free.move_to_end(key)
            if free:
                return key, free.pop()
        kwargs = dict(spec.env_kwargs)
        plugin = kwargs.get("plugin")
        if plugin and not os.path.isfile(plugin):
            del kwargs["plugin"]  # the driver's path: use this machine's
        env = PassPipelineEnv(self._benchmark(spec, bench),
                              observation=list(observe),
                              reward="none", actions=list(spec.actions),
                              **kwargs)
        if key not in self._checked:
            mine = namespace(env.info)
            if mine != spec.namespace:
                env.close()
                raise VersionMismatch(
                    "worker %s: its LLVM (%s), plugin or Switchyard differs "
                    "from the driver's (namespace %s, the driver's %s)" % (
                        socket.gethostname(), env.info.compiler_version,
                        mine, spec.namespace))
            self._checked.add(key)
        return key, env

    def _cache(self, spec):
        if not spec.cache:
            return None
        with self._lock:
            key = (spec.search, spec.cache)
            if key not in self._caches:
                self._caches[key] = open_cache(spec.cache)
                while len(self._caches) > _KEEP_ENVS:
                    self._caches.popitem(last=False)[1].close()
            self._caches.move_to_end(key)
            return self._caches[key]

    def run(self, spec, bench):
        """Runs episode \\p spec on \\p bench (a Benchmark, or its input
        module's bytes). Returns its record (see `_episode`)."""
        key, env = self._env(spec, bench)
        try:
            run = _trials if spec.kind == "trials" else _episode
            return run(env, spec, self._cache(spec))
        finally:
            with self._lock:
                self._free.setdefault(key, []).append(env)
                self._free.move_to_end(key)
                while len(self._free) > _KEEP_ENVS:
                    for old in self._free.popitem(last=False)[1]:
                        old.close()


def _ir(obs):
    """The IR hash of observation \\p obs, as hex (None if not observed)."""
    return "%016x" % int(obs["ir-hash"]) if "ir-hash" in obs else None


def _go_live(env, prefix, chosen):
    """Brings \\p env to the state after \\p prefix (names; \\p chosen,
    the same as env indices): a short prefix is replayed in the compiler
    started ahead on the input, a long one starts a compiler on a
    snapshot (an opt-22 run of its own, and a compiler not started
    ahead: about as long as 20 steps). Returns why it failed, or ""."""
    try:
        if len(prefix) > _REPLAY_MAX:
            env.reset(options={"actions": prefix})
            return ""
        env.reset()
        for a in chosen:
            _, _, _, _, info = env.step(a)
            if "error" in info or "previous_error" in info:
                return (info.get("error") or info["previous_error"]
                        ).splitlines()[0]
    except CompileError as e:
        return str(e).splitlines()[0] if str(e) else repr(e)
    return ""


def _episode(env, spec, cache):
    """One random episode: an action drawn at each step from the episode's
    own generator, until \\p spec.patience steps pass without a new best
    of the episode's own (or max_length steps). States come from \\p cache
    while it has them, then from a compiler.

    The record: "index", "start" (the input's instructions), "actions"
    (indices into spec.actions), "counts" (instructions after each step),
    "crash" (why the compiler failed, or ""), "complete" (the episode
    ended by its own rule, not by the budget), "cached" and "live" (steps
    from the cache and from a compiler), "cache_failure", "worker"."""
    rng = np.random.default_rng([spec.seed, spec.index])
    states = cache.states(spec.namespace, spec.benchmark_key) \
        if cache is not None else None
    n = len(spec.actions)
    prefix, counts, chosen = [], [], []
    cached = live_steps = 0
    crash = ""
    live = False
    root = states.root() if states is not None else None
    if root is not None:
        start, ir = root["inst_count"], root["ir"]
    else:
        obs, info = env.reset()
        live = True
        start, ir = info["inst_count"], _ir(obs)
        if states is not None:
            states.record((), None, None, {"ir": ir, "inst_count": start,
                                           "reward": 0.0})
    best, stale, current = start, 0, start
    limit = spec.max_length if spec.limit is None else \
        min(spec.max_length, spec.limit)
    complete = False
    for _ in range(limit):
        a = int(rng.integers(n))
        name = spec.actions[a]
        hit = None
        if states is not None and not live:
            hit = states.lookup(prefix, name, ir)
        if hit is not None:
            count, next_ir = hit["inst_count"], hit["ir"]
            cached += 1
        else:
            if not live:
                crash = _go_live(env, prefix, chosen)
                if crash:
                    break
                live = True
            obs, _, _, _, info = env.step(a)
            live_steps += 1
            if "error" in info:
                crash = info["error"].splitlines()[0]
                break
            if "previous_error" in info:
                crash = "the compiler refused %s: %s" % (
                    name, info["previous_error"])
                break
            count, next_ir = info["inst_count"], _ir(obs)
            if states is not None:
                states.record(prefix, name, ir, {
                    "ir": next_ir, "inst_count": count,
                    "reward": (current - count) / max(1, spec.scale)})
                if live_steps % _FLUSH_EVERY == 0:
                    states.flush()  # kept if the episode is cut short
        prefix.append(name)
        chosen.append(a)
        counts.append(int(count))
        ir, current = next_ir, count
        if count < best:
            best, stale = count, 0
        else:
            stale += 1
        if stale >= spec.patience:
            complete = True
            break
        if spec.deadline is not None and time.monotonic() >= spec.deadline:
            break
    else:
        complete = len(counts) == spec.max_length
    if crash:
        complete = True
    failure = None
    if states is not None:
        states.flush()
        failure = cache.failure
    return {"index": spec.index, "start": int(start), "actions": chosen,
            "counts": counts, "crash": crash, "complete": complete,
            "cached": cached, "live": live_steps, "cache_failure": failure,
            "worker": "%s:%d" % (socket.gethostname(), os.getpid())}


def _trials(env, spec, cache):
    """Greedy search's trials: each action of \\p spec.trials applied once
    to the state after spec.prefix, from the cache or from a compiler
    started on a snapshot of the prefix. The record's "trials" has one
    [outcome, instructions, IR hash] per trial, in order: outcome "ok",
    "error" (the compiler crashed), "refused", or "unreachable" (no
    compiler could start on the prefix: the trials stop there)."""
    states = cache.states(spec.namespace, spec.benchmark_key) \
        if cache is not None else None
    parent_ir = spec.parent_ir
    if states is not None and parent_ir is None:
        found = states.find(spec.prefix)
        parent_ir = found["ir"] if found else None
    out = []
    cached = live = 0
    for i, name in enumerate(spec.trials):
        if spec.limit is not None and i >= spec.limit:
            break
        if spec.deadline is not None and time.monotonic() >= spec.deadline:
            break
        hit = states.lookup(spec.prefix, name, parent_ir) \
            if states is not None else None
        if hit is not None:
            cached += 1
            out.append(["ok", int(hit["inst_count"]), hit["ir"]])
            continue
        try:
            obs, info = env.reset(options={"actions": list(spec.prefix)})
        except CompileError:
            out.append(["unreachable", None, None])
            break
        if parent_ir is None and "ir-hash" in obs:
            parent_ir = _ir(obs)
            if states is not None:
                states.record(spec.prefix, None, None, {
                    "ir": parent_ir, "inst_count": info["inst_count"],
                    "reward": 0.0})
        obs, _, _, _, info = env.step(name)
        live += 1
        if "error" in info:
            out.append(["error", None, None])
            continue
        if "previous_error" in info:
            out.append(["refused", None, None])
            continue
        count, ir = int(info["inst_count"]), _ir(obs)
        if states is not None and parent_ir is not None:
            states.record(spec.prefix, name, parent_ir, {
                "ir": ir, "inst_count": count,
                "reward": (spec.parent_count - count) / max(1, spec.scale)})
        out.append(["ok", count, ir])
    failure = None
    if states is not None:
        states.flush()
        failure = cache.failure
    return {"index": spec.index, "trials": out, "cached": cached,
            "live": live, "cache_failure": failure,
            "worker": "%s:%d" % (socket.gethostname(), os.getpid())}


def _dask_episode(spec, bench):
    """The Dask task: the worker's own runner (its plugin) runs it."""
    from distributed import get_worker
    worker = get_worker()
    plugin = worker.plugins.get(_WorkerRunner.name)
    if plugin is None:  # a worker that joined before the plugin existed
        plugin = _WorkerRunner()
        plugin.setup(worker)
        worker.plugins[_WorkerRunner.name] = plugin
    return plugin.runner.run(spec, bench)


try:
    from distributed import WorkerPlugin as _WorkerPluginBase
except ImportError:  # no Dask: in-process searches only
    _WorkerPluginBase = object


class _WorkerRunner(_WorkerPluginBase):
    """Gives each Dask worker an `EpisodeRunner`; its compilers go when the
    worker closes."""
    name = "switchyard-episodes"

    def setup(self, worker):
        self.runner = EpisodeRunner()

    def teardown(self, worker):
        self.runner.close()


# --- Executors: where episodes run -------------------------------------------

class _Done:
    """A finished in-process episode, shaped like the part of a Dask
    future the driver uses."""

    def __init__(self, result=None, error=None):
        self._result, self._error = result, error

    def result(self):
        if self._error is not None:
            raise self._error
        return self._result

    def cancel(self):
        pass


class InProcess:
    """Runs each episode when it is submitted, in this process: the default,
    with no cluster. One at a time, so the budget is checked between
    every two episodes, and inside each."""

    window = 1
    description = "in-process"
    local = True

    def __init__(self):
        self.runner = EpisodeRunner()

    def prepare(self, bench):
        return bench

    def submit(self, spec, bench, attempt=0):
        try:
            return _Done(self.runner.run(spec, bench))
        except (VersionMismatch, CompileError) as e:
            return _Done(error=e)

    def wait(self, futures):
        return list(futures)

    def workers(self):
        return 1

    def close(self):
        self.runner.close()


class DaskCluster:
    """Runs episodes as tasks on a Dask cluster: \\p scheduler is its
    address ("tcp://HOST:PORT"), or a `distributed.Client`."""

    local = False

    def __init__(self, scheduler, timeout=30):
        try:
            import distributed
        except ImportError:
            raise ValueError("--scheduler needs Dask: apt-get install "
                             "python3-distributed python3-dask") from None
        self._distributed = distributed
        if isinstance(scheduler, distributed.Client):
            self.client, self._own = scheduler, False
        else:
            self.client = distributed.Client(scheduler, timeout=timeout,
                                             set_as_default=False)
            self._own = True
        self.description = "Dask at %s" % self.client.scheduler.address
        self.client.register_worker_plugin(_WorkerRunner(),
                                           name=_WorkerRunner.name)
        self._scattered = {}

    @property
    def window(self):
        """Episodes in flight: twice the workers' threads, so that none
        waits for the driver."""
        return 2 * self.workers()

    def workers(self):
        return max(1, sum(self.client.nthreads().values()))

    def prepare(self, bench):
        """The benchmark's input module, scattered to every worker once."""
        if bench.key not in self._scattered:
            with open(bench.bitcode(), "rb") as f:
                data = f.read()
            self._scattered[bench.key] = self.client.scatter(
                data, broadcast=True, hash=False)
        return self._scattered[bench.key]

    def submit(self, spec, bench, attempt=0):
        key = spec.key if attempt == 0 else "%s-again%d" % (spec.key,
                                                            attempt)
        return self.client.submit(_dask_episode, spec, bench, key=key,
                                  pure=False)

    def wait(self, futures):
        # wait() asks for the current client: this one, not a default.
        with self.client.as_current():
            done, _ = self._distributed.wait(list(futures),
                                             return_when="FIRST_COMPLETED")
        return list(done)

    def close(self):
        if self._own:
            self.client.close()


def connect(scheduler):
    """The executor of \\p scheduler: None for in-process, an address or a
    `distributed.Client` for a Dask cluster."""
    return InProcess() if scheduler in (None, "") else DaskCluster(scheduler)


# --- The log -----------------------------------------------------------------

class EpisodeLog:
    """Finished episodes, one JSON line each, appended as they finish. A
    line cut short (the process was killed while writing it) is ignored."""

    def __init__(self, path):
        self.path = os.fspath(path)
        self.records = {}  # search id -> {index: record}
        try:
            with open(self.path, "rb") as f:
                for line in f:
                    try:
                        rec = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(rec, dict) and "search" in rec:
                        self.records.setdefault(rec["search"], {}).setdefault(
                            rec["index"], rec)
        except FileNotFoundError:
            pass
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND |
                           os.O_CREAT, 0o644)

    def finished(self, search):
        return dict(self.records.get(search, {}))

    def write(self, search, record):
        rec = dict(record, search=search)
        rec.pop("cache_failure", None)
        # One write: lines of processes sharing the log do not interleave.
        os.write(self._fd, (json.dumps(rec, separators=(",", ":")) +
                            "\n").encode())
        self.records.setdefault(search, {}).setdefault(rec["index"], rec)

    def close(self):
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


# --- The driver --------------------------------------------------------------

def _search_id(agent, bench, ns, seed, actions, patience, max_length):
    text = json.dumps([agent, bench.key, ns, seed, list(actions), patience,
                       max_length])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class _Setup:
    """A search's first spec, and the input's instruction count."""

    def __init__(self, spec, scale_start):
        self.spec, self.scale_start = spec, scale_start

    @property
    def search(self):
        return self.spec.search


def _setup(result, agent, seed, actions, patience, max_length, env_kwargs,
           scheduler, cache):
    """The spec every task of a search starts from, the executor, and the
    search's statistics (`result.scale`)."""
    from .env import action_set, probe_action_space
    bench = result._benchmark
    info = probe_action_space((env_kwargs or {}).get("plugin"),
                              (env_kwargs or {}).get("opt"))
    names = tuple(n for n in action_set(actions, info) if n != "stop")
    ns = namespace(info)
    base = bench.baselines()
    start = base["O0"].inst_count
    search = _search_id(agent, bench, ns, seed, names, patience,
                        max_length)
    cache_spec = cache.spec if hasattr(cache, "spec") else cache
    proto = EpisodeSpec(
        search=search, index=0, seed=int(seed), benchmark=bench.name,
        benchmark_key=bench.key, actions=names, patience=int(patience),
        max_length=int(max_length), namespace=ns,
        scale=max(1, start - base["Oz"].inst_count),
        env_kwargs=tuple(sorted((env_kwargs or {}).items())),
        cache=cache_spec or None)
    executor = scheduler if isinstance(scheduler, (InProcess, DaskCluster)) \
        else connect(scheduler)
    stats = {"scheduler": executor.description, "workers": 0,
             "cache": cache_spec or None, "cached_steps": 0,
             "live_steps": 0, "resumed_episodes": 0, "retried": 0,
             "cache_failure": None, "search": search}
    result.scale = stats
    return _Setup(proto, start), executor, stats


def _note(record, stats, warned):
    """Counts a record's cached and live steps; warns once (when
    \\p warned is False) if it says the cache failed. Returns whether a
    warning was given by now."""
    stats["cached_steps"] += record["cached"]
    stats["live_steps"] += record["live"]
    failure = record.get("cache_failure")
    if failure and not warned:
        stats["cache_failure"] = failure
        warnings.warn(CacheUnavailable(
            "the state cache is gone (%s): the search goes on without it"
            % failure), stacklevel=5)
        return True
    return warned


def run_greedy_search(result, budget, *, actions, env_kwargs,
                      scheduler=None, cache=None, chunk=8):
    """The driver of `baselines.greedy_search`: at each step, every action
    tried after the current prefix (in-process, in order; on a cluster, in
    tasks of \\p chunk actions, all at once), and the results taken in
    action order until the budget is spent, as a serial search would.
    Fills and returns \\p result; the path is `result.actions`, and
    `result.candidates` its prefixes."""
    setup, executor, stats = _setup(result, "greedy", 0, actions, 0, 0,
                                    env_kwargs, scheduler, cache)
    proto = setup.spec
    names = proto.actions
    current = setup.scale_start
    prefix, counts, parent_ir = [], [current], None
    warned = False
    try:
        stats["workers"] = executor.workers()
        bench_ref = executor.prepare(result._benchmark)
        budget.start = time.monotonic()  # as random search's
        budget.record(current)
        while not budget.spent():
            if executor.local:
                chunks = [names]
            else:
                chunks = [names[i:i + chunk]
                          for i in range(0, len(names), chunk)]

            def spec_of(k):
                limit = deadline = None
                if executor.local:
                    if budget.steps is not None:
                        limit = budget.steps - result.steps
                    deadline = budget.start + budget.seconds
                return dataclasses.replace(
                    proto, kind="trials", index=k, prefix=tuple(prefix),
                    trials=tuple(chunks[k]), parent_ir=parent_ir,
                    parent_count=current, limit=limit, deadline=deadline,
                    cache=None if warned else proto.cache)

            futures = {}
            if not executor.local:
                futures = {k: executor.submit(spec_of(k), bench_ref)
                           for k in range(len(chunks))}
            step_best = (current, None, None)
            stop = False
            try:
                for k in range(len(chunks)):
                    if budget.spent():
                        break
                    record = _result_of(
                        executor, futures.get(k), lambda a, k=k:
                        executor.submit(spec_of(k), bench_ref, a),
                        stats)
                    warned = _note(record, stats, warned)
                    for name, (outcome, count, ir) in zip(
                            chunks[k], record["trials"]):
                        if budget.spent():
                            stop = True
                            break
                        if outcome == "unreachable":
                            result.crashes += 1
                            stop = True
                            break
                        result.episodes += 1
                        result.steps += 1
                        if outcome == "error":
                            result.crashes += 1
                        elif outcome == "ok" and count < step_best[0]:
                            step_best = (count, name, ir)
                    if stop:
                        break
            finally:
                for future in futures.values():
                    future.cancel()
            if step_best[1] is None:
                break  # a local minimum (or out of budget)
            current, name, parent_ir = step_best
            prefix.append(name)
            counts.append(current)
            budget.record(current)
    finally:
        if executor is not scheduler:
            executor.close()
    result.actions = list(prefix)
    result.inst_count = current
    result.candidates = [(counts[i], result.actions[:i])
                         for i in range(len(prefix), -1, -1)]
    return result


def _result_of(executor, future, resubmit, stats):
    """The record of \\p future (in-process: None, and \\p resubmit(0)
    runs it now); a task the scheduler gave up on is submitted again."""
    attempt = 0
    if future is None:
        future = resubmit(0)
    while True:
        try:
            return future.result()
        except (VersionMismatch, CompileError):
            raise
        except Exception:
            if attempt >= _RESUBMITS or executor.local:
                raise
            attempt += 1
            stats["retried"] += 1
            future = resubmit(attempt)


def run_random_search(result, budget, *, seed, actions, patience,
                      max_length, env_kwargs, scheduler=None, cache=None,
                      log=None):
    """The driver of `baselines.random_search`: fills \\p result (a
    SearchResult) within \\p budget (a `baselines._Budget`). \\p scheduler:
    None (in-process), a Dask address or Client, or an executor; \\p cache:
    a state cache spec (`cache.open_cache`) or None; \\p log: a path."""
    from .baselines import _Best
    setup, executor, stats = _setup(result, "random", seed, actions,
                                    patience, max_length, env_kwargs,
                                    scheduler, cache)
    bench = result._benchmark
    proto, search, start = setup.spec, setup.search, setup.scale_start
    episode_log = EpisodeLog(log) if log else None
    best = _Best(start)
    finished = episode_log.finished(search) if episode_log else {}
    try:
        stats["workers"] = executor.workers()
        bench_ref = executor.prepare(bench)
        # The budget is for the search: the module, the baselines, the
        # probe and the cluster's connection come first.
        budget.start = time.monotonic()
        budget.record(best.count)
        _drive(executor, bench_ref, proto, result, budget, best, finished,
               episode_log, stats)
    finally:
        if episode_log:
            episode_log.close()
        if executor is not scheduler:
            executor.close()
    result.actions, result.inst_count = best.actions, best.count
    result.candidates = best.candidates()
    return result


def _drive(executor, bench_ref, proto, result, budget, best, finished,
           episode_log, stats):
    pending = {}    # future -> (index, attempt)
    done = {}       # index -> record, not accepted yet
    spec_cache = proto.cache
    next_index = accepted = 0
    stopped = False

    def spec_of(i):
        limit = deadline = None
        if executor.local:
            if budget.steps is not None:
                limit = budget.steps - result.steps
            deadline = budget.start + budget.seconds
        return dataclasses.replace(proto, index=i, cache=spec_cache,
                                   limit=limit, deadline=deadline)

    while True:
        # Accept finished episodes in index order.
        while accepted in done and not stopped:
            _accept(done.pop(accepted), proto, result, budget, best)
            accepted += 1
            stopped = budget.spent()
        if stopped:
            break
        # Keep the workers busy.
        while len(pending) < executor.window and not budget.spent():
            i = next_index
            next_index += 1
            if i in finished:
                done[i] = finished[i]
                stats["resumed_episodes"] += 1
                break  # accept it before submitting more
            pending[executor.submit(spec_of(i), bench_ref)] = (i, 0)
        if accepted in done:
            continue
        if not pending:
            break
        for future in executor.wait(pending):
            i, attempt = pending.pop(future)
            try:
                record = future.result()
            except VersionMismatch:
                raise
            except CompileError:
                raise
            except Exception:  # the scheduler gave up on its workers
                if attempt >= _RESUBMITS or executor.local:
                    raise
                stats["retried"] += 1
                pending[executor.submit(spec_of(i), bench_ref,
                                        attempt + 1)] = (i, attempt + 1)
                continue
            if i in done or i < accepted:
                continue  # a result for this episode is already in
            if _note(record, stats, spec_cache is None):
                spec_cache = None
            if episode_log and record["complete"]:
                episode_log.write(proto.search, record)
            done[i] = record
    for future in pending:
        future.cancel()


def _accept(record, proto, result, budget, best):
    """Adds one episode to the search, cut at the step budget: the steps a
    serial search would have taken."""
    counts = record["counts"]
    crashed = bool(record["crash"])
    if budget.steps is not None:
        room = budget.steps - result.steps
        if len(counts) >= room:
            counts, crashed = counts[:room], False
    taken = len(counts) + (1 if crashed else 0)
    before = result.steps
    result.episodes += 1
    result.crashes += int(crashed)
    start = record["start"]
    if counts and min(counts) < start:
        j = counts.index(min(counts))
        actions = [proto.actions[a] for a in record["actions"][:j + 1]]
        if counts[j] < best.count:
            result.steps = before + j + 1
            budget.record(counts[j])
        best.offer(counts[j], actions)
    result.steps = before + taken
    budget.record(best.count)
