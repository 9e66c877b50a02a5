# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Gymnasium environments over real LLVM 22 compiles.

`PassPipelineEnv`: which pass runs next? Each step applies one action of
Switchyard's pass-pipeline action space to the module, inside one running
`opt-22 -passes=switchyard-pipeline` process: the module stays in the
compiler across steps, and the environment is the agent on the other end of
its socket. The reward is the instruction-count reduction normalized
against -Oz, as CompilerGym's `llvm-ic-v0` (or `.text` bytes, or raw).

`SiteDecisionEnv`: each step answers the next pending `inline` or
`loop-unroll` decision of a real `-Oz` (or -O2, -O3) compile; the reward
comes at the end of the module.

    from switchyard.env import PassPipelineEnv
    env = PassPipelineEnv("sha256")
    obs, info = env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step(
        env.action_names.index("sroa"))

Search agents start episodes at a recorded action prefix with
`reset(options={"actions": prefix})`, or copy the current state with
`fork()`, instead of replaying from scratch: the state at a prefix is kept
as a bitcode snapshot that plain `opt-22` makes (incrementally, from the
longest prefix already snapshotted), and a new compiler starts from it.
"""

import collections
import dataclasses
import os
import shutil
import tempfile
import threading
import time
import weakref

import numpy as np

from . import datasets
from .compiler import Compile, CompileError
from .messages import OBSERVATIONS, Choice, Reply, Report, Request, \
    Subscription
from .spaces import Box, Bytes, Counts, Dict, Discrete, Env, Graph, Text
from .rewards import Measurer, RewardCache
from .tools import (ToolError, count_ir_instructions, find_plugin,
                    find_tool, object_text_size, run)

__all__ = ["PassPipelineEnv", "SiteDecisionEnv", "ActionSpaceInfo",
           "probe_action_space", "replay", "ReplayResult",
           "COMPACT_ACTIONS", "UNSAFE_ACTIONS", "REWARDS", "ACTION_SETS",
           "action_set", "make", "CompileError", "InvalidAction",
           "GYM_IDS", "register_environments"]

#: The plugin's per-episode step limit at most; the environment truncates.
_PLUGIN_MAX_STEPS = 100000
#: Longest time the compiler waits for one answer (the plugin's maximum):
#: an agent may think as long as it likes between steps.
_AGENT_TIMEOUT_MS = "3600000"

#: A curated action subset, in the spirit of CompilerGym's 124 LLVM
#: actions: the passes of LLVM's own -Oz and -O3 pipelines and a few more.
COMPACT_ACTIONS = (
    "stop", "adce", "aggressive-instcombine", "argpromotion", "bdce",
    "called-value-propagation", "constmerge", "constraint-elimination",
    "correlated-propagation", "dce", "deadargelim", "div-rem-pairs", "dse",
    "early-cse", "early-cse<memssa>", "elim-avail-extern", "float2int",
    "function-attrs", "globaldce", "globalopt", "gvn", "gvn-hoist",
    "gvn-sink", "indvars", "inferattrs", "inline", "instcombine",
    "instsimplify", "ipsccp", "jump-threading", "lcssa",
    "libcalls-shrinkwrap", "licm", "loop-deletion", "loop-distribute",
    "loop-idiom", "loop-instsimplify", "loop-load-elim", "loop-reduce",
    "loop-rotate", "loop-simplify", "loop-simplifycfg", "loop-sink",
    "loop-unroll", "loop-unroll-and-jam", "loop-vectorize", "mem2reg",
    "memcpyopt", "mergefunc", "mergeicmps", "mergereturn", "mldst-motion",
    "newgvn", "partially-inline-libcalls", "reassociate",
    "rpo-function-attrs", "sccp", "simple-loop-unswitch", "simplifycfg",
    "sink", "slp-vectorizer", "sroa", "strip-dead-prototypes",
    "tailcallelim", "vector-combine")

#: Actions that miscompiled or crashed programs of the bundled suite with
#: LLVM 22.1.8 (LLVM bugs, not Switchyard's; reproducers in
#: docs/results.md). The plugin no longer offers any of them (hooks.md);
#: they are listed for builds that still do. `actions="safe"` is the whole
#: space without them, the search agents' default: a search finds
#: miscompiles quickly (they often delete code), and the self-check would
#: then reject its best sequences one after the other.
UNSAFE_ACTIONS = ("attributor", "attributor-cgscc", "attributor-light",
                  "attributor-light-cgscc", "newgvn", "loop-bound-split",
                  "unify-loop-exits", "fix-irreducible")

#: Reward names: instruction-count reduction normalized by (O0 − Oz), the
#: unoptimized module's count minus -Oz's
#: (CompilerGym's IrInstructionCountOz), raw instruction-count reduction,
#: the same two for `.text` bytes of the object file, the reduction in
#: bytes of the linked program ("binary"), and in median seconds of its
#: self-checking run ("runtime"). The last four are measured through
#: `switchyard.rewards` and cached by IR hash (docs/python.md gives each
#: one's cost per step).
REWARDS = ("ic-oz", "ic", "text-oz", "text", "binary", "runtime", "none")
#: Rewards measured on the module's bitcode.
_MEASURED = {"text-oz": "text", "text": "text", "binary": "binary",
             "runtime": "runtime"}

_TINY_MODULE = """\
define i32 @f(i32 %x) {
entry:
  ret i32 %x
}
"""


# --- The action space and what each action runs ------------------------------

class ActionSpaceInfo:
    """What the plugin announces, plus what each action runs: `names` (in
    the plugin's order, 0 = stop), `pipelines[i]` (the `opt -passes=`
    element of action i, e.g. "function(sroa<modify-cfg>)"),
    `function_scope`, and `opcode_names` (the opcode-counts order)."""

    def __init__(self, names, pipelines, function_scope, opcode_names,
                 compiler_version):
        self.names = tuple(names)
        self.pipelines = tuple(pipelines)
        self.function_scope = tuple(function_scope)
        self.opcode_names = tuple(opcode_names)
        self.compiler_version = compiler_version
        self.index = {n: i for i, n in enumerate(self.names)}

    def __len__(self):
        return len(self.names)

    def pipeline(self, actions):
        """The `opt -passes=` text of plugin action indices \\p actions."""
        return ",".join(self.pipelines[a] for a in actions)


def _split_pipeline(text):
    """Top-level elements of a pass pipeline text."""
    out, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "(<":
            depth += 1
        elif c in ")>":
            depth -= 1
        elif c == "," and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return [e for e in out if e]


_PROBES = {}
_PROBE_LOCK = threading.Lock()


def _compile_env(extra=None):
    env = {"SWITCHYARD_HOOKS": "pass-pipeline",
           "SWITCHYARD_TIMEOUT_MS": _AGENT_TIMEOUT_MS}
    env.update(extra or {})
    return env


def _pipeline_argv(opt, plugin, module, output=None):
    argv = [opt, "-load-pass-plugin=" + plugin,
            "-passes=switchyard-pipeline<max-steps=%d>" % _PLUGIN_MAX_STEPS,
            module]
    return argv + (["-o", output] if output else ["-disable-output"])


def probe_action_space(plugin=None, opt=None, timeout=120.0):
    """Asks the plugin for its action space, once per process: one episode
    on a tiny module applies every action once with
    SWITCHYARD_PIPELINE_OUT set, and the equivalent-command line it writes
    gives each action's pipeline text."""
    plugin = find_plugin(plugin)
    opt = opt or find_tool("opt")
    st = os.stat(plugin)
    key = (plugin, st.st_mtime_ns, st.st_size, opt)
    with _PROBE_LOCK:
        if key in _PROBES:
            return _PROBES[key]
        with tempfile.TemporaryDirectory(prefix="sy-probe-") as tmp:
            module = os.path.join(tmp, "tiny.ll")
            with open(module, "w") as f:
                f.write(_TINY_MODULE)
            out = os.path.join(tmp, "episode.txt")
            c = Compile.spawn(_pipeline_argv(opt, plugin, module),
                              env=_compile_env(
                                  {"SWITCHYARD_PIPELINE_OUT": out}),
                              timeout=timeout)
            try:
                hello = c.handshake([Subscription(
                    "pass-pipeline", observe="opcode-counts")])
                request = c.receive()
                if not isinstance(request, Request):
                    c.fail("the probe episode did not start")
                opcodes = request.observation.opcode_names
                for a in range(1, len(hello.action_space)):
                    c.send(Reply(request.id, False, Choice(a)))
                    request = c.receive()
                    if not isinstance(request, Request):
                        c.fail("the probe episode ended at action %d" % a)
                c.send(Reply(request.id, False, Choice(0)))
                c.finish()
            finally:
                c.kill()
            with open(out) as f:
                lines = f.read().splitlines()
        equivalent = [ln for ln in lines if ln.startswith("# equivalent: ")]
        if not equivalent:
            raise ToolError("the plugin wrote no equivalent command")
        text = equivalent[0].split("-passes='", 1)[1].rsplit("'", 1)[0]
        elements = _split_pipeline(text)
        names = [o.name for o in hello.action_space]
        if len(elements) != len(names) - 1:
            raise ToolError("%d pipeline elements for %d actions" % (
                len(elements), len(names) - 1))
        info = ActionSpaceInfo(
            names, [None] + elements,
            [o.function_scope for o in hello.action_space], opcodes,
            hello.compiler_version)
        _PROBES[key] = info
        return info


# --- Snapshots: the module after an action prefix ----------------------------

class _Snapshots:
    """Bitcode of (benchmark, action prefix) states, least recently used
    first out, in a private temporary directory shared by an environment
    and its forks."""

    def __init__(self, limit=256):
        self.limit = limit
        self.dir = tempfile.mkdtemp(prefix="sy-snap-")
        self.files = collections.OrderedDict()
        self._n = 0
        self._finalizer = weakref.finalize(self, shutil.rmtree, self.dir,
                                           True)

    def get(self, key):
        path = self.files.get(key)
        if path is not None:
            self.files.move_to_end(key)
        return path

    def longest(self, bench, prefix):
        """The longest snapshotted prefix of \\p prefix: (length, path)."""
        for n in range(len(prefix), 0, -1):
            path = self.get((bench, tuple(prefix[:n])))
            if path is not None:
                return n, path
        return 0, None

    def new_path(self):
        self._n += 1
        return os.path.join(self.dir, "%d.bc" % self._n)

    def put(self, key, path):
        self.files[key] = path
        self.files.move_to_end(key)
        while len(self.files) > self.limit:
            _, old = self.files.popitem(last=False)
            try:
                os.unlink(old)
            except OSError:
                pass

    def close(self):
        self._finalizer()


#: Observations computed here from one the compiler sends.
DERIVED_OBSERVATIONS = {"program-graph": "ir-text"}


def _observation_space(name, info):
    big = np.iinfo(np.int64).max
    if name == "inst-count":
        return Box(0, big, shape=(1,), dtype=np.int64)
    if name == "autophase":
        return Box(0, big, shape=(56,), dtype=np.int64)
    if name == "opcode-counts":
        return Box(0, big, shape=(len(info.opcode_names),), dtype=np.int64)
    if name == "function-counts":
        return Counts()
    if name == "ir-hash":
        return Box(0, np.iinfo(np.uint64).max, shape=(), dtype=np.uint64)
    if name == "ir-text":
        return Text()
    if name == "bitcode":
        return Bytes()
    if name == "program-graph":
        return Graph()
    raise ValueError("unknown observation %r (known: %s)"
                     % (name, ", ".join(list(OBSERVATIONS) +
                                        list(DERIVED_OBSERVATIONS))))


def _observation_value(name, o):
    if name == "inst-count":
        return np.array([o.inst_count], dtype=np.int64)
    if name == "autophase":
        return np.array(o.autophase, dtype=np.int64)
    if name == "opcode-counts":
        return np.array(o.opcode_counts, dtype=np.int64)
    if name == "function-counts":
        return {k: int(v) for k, v in o.functions.items()}
    if name == "ir-hash":
        return np.uint64(o.ir_hash)
    if name == "ir-text":
        return o.ir_text
    if name == "bitcode":
        return o.bitcode
    if name == "program-graph":
        from .programl import program_graph
        return program_graph(o.ir_text)
    raise AssertionError(name)


class InvalidAction(ValueError):
    """An action that is not in the environment's action space. Raised by
    `step` (and `reset(options={"actions": ...})`) before anything is sent
    to the compiler: the episode is unchanged."""


def _action_index(action, names, space):
    """The index of \\p action in \\p names (the env's action names), for
    an integer in range or a name; InvalidAction naming \\p space
    otherwise."""
    n = len(names)
    if isinstance(action, str):
        try:
            return names.index(action)
        except ValueError:
            raise InvalidAction("%r is not an action of this environment's "
                                "action space %r" % (action, space)) from None
    value = action
    if isinstance(value, np.ndarray) and value.shape == () and \
            np.issubdtype(value.dtype, np.integer):
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or \
            not isinstance(value, (int, np.integer)):
        raise InvalidAction(
            "action %r is not in the action space %r: an action is an "
            "integer from 0 to %d, or an action name" % (action, space, n - 1))
    if not 0 <= int(value) < n:
        raise InvalidAction("action %d is not in the action space %r "
                            "(0 to %d)" % (int(value), space, n - 1))
    return int(value)


#: The named action sets of `PassPipelineEnv(actions=...)`.
ACTION_SETS = ("all", "safe", "compact")


def action_set(actions, info):
    """The action names of \\p actions: None or "all" (the plugin's whole
    space), "safe", "compact", or a list of names, each checked against
    the plugin's space \\p info. Raises ValueError naming what is wrong."""
    if actions is None or actions == "all":
        return list(info.names)
    if isinstance(actions, str):
        if actions == "compact":
            return [n for n in COMPACT_ACTIONS if n in info.index and
                    n not in UNSAFE_ACTIONS]
        if actions == "safe":
            return [n for n in info.names if n not in UNSAFE_ACTIONS]
        raise ValueError("unknown action set %r (expected %s, or a list of "
                         "action names)" % (actions, ", ".join(ACTION_SETS)))
    try:
        names = list(actions)
    except TypeError:
        raise ValueError("actions must be one of %s or a list of action "
                         "names, not %r" % (", ".join(ACTION_SETS),
                                            actions)) from None
    bad = [n for n in names if not isinstance(n, str)]
    if bad:
        raise ValueError("action names must be strings, not %r" % (bad[0],))
    unknown = [n for n in names if n not in info.index]
    if unknown:
        raise ValueError("not in the plugin's action space: %s"
                         % ", ".join(repr(n) for n in unknown))
    if not names:
        raise ValueError("an empty action list")
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        raise ValueError("actions listed twice: %s" % ", ".join(dups))
    return names


class PassPipelineEnv(Env):
    """Phase ordering on one LLVM module, as a Gymnasium environment.

    Arguments:
      benchmark: a `datasets.Benchmark`, a suite name ("sha256",
        "suite/sha256"), or a .c/.cpp/.bc/.ll path. `reset(options=
        {"benchmark": ...})` switches.
      observation: an observation name ("autophase", "inst-count",
        "opcode-counts", "function-counts", "ir-hash", "ir-text", "bitcode")
        or a list of names (a `Dict` observation).
      reward: one of `REWARDS`; "ic-oz" by default.
      actions: None for the plugin's whole action space (index i is the
        plugin's action i, 0 is `stop`), "safe" for all but
        `UNSAFE_ACTIONS`, "compact" for `COMPACT_ACTIONS` (minus the unsafe
        ones), or a list of action names.
      max_episode_steps: truncate after this many steps (None: never).
      step_timeout: seconds to wait for the compiler at each step; a
        compiler that takes longer is killed and the episode ends with an
        error.
      prestart: keep one compiler started ahead on the next episode's
        input, so that a reset costs no process start.
      timings: put times in `info` (`step_seconds`, and the report's
        `agent_wait_ns`). Off by default, so that the same seed and
        actions give equal `info` dicts (Gymnasium's `check_env`).
      reward_cache: a `switchyard.rewards.RewardCache` shared with other
        environments (default: one of this environment's own); `.text`,
        binary and runtime are measured once per distinct IR.
      runtime_runs: timed runs per runtime measurement.

    `step` takes an integer of `action_space` or an action name; anything
    else raises `InvalidAction` (a ValueError) before anything happens: no
    step is used and the episode goes on as it was.
    """

    metadata = {"render_modes": ["ansi", "human"]}

    def __init__(self, benchmark="suite/sha256", *, observation="autophase",
                 reward="ic-oz", actions=None, max_episode_steps=None,
                 step_timeout=60.0, prestart=True, plugin=None, opt=None,
                 dataset=None, render_mode=None, timings=False,
                 reward_cache=None, runtime_runs=5, _shared=None):
        # What the caller gives is checked before any process starts.
        self.benchmark = datasets.resolve(benchmark, dataset)
        if reward not in REWARDS and reward is not None:
            raise ValueError("unknown reward %r (known: %s)"
                             % (reward, ", ".join(REWARDS)))
        if render_mode is not None and \
                render_mode not in self.metadata["render_modes"]:
            raise ValueError("render_mode %r is not one of %s" % (
                render_mode, self.metadata["render_modes"]))
        self.plugin = find_plugin(plugin)
        self.opt = opt or find_tool("opt")
        self.info = probe_action_space(self.plugin, self.opt)
        self.dataset = dataset
        self.timings = bool(timings)
        self.step_timeout = step_timeout
        self.max_episode_steps = max_episode_steps
        self.prestart = prestart
        self.render_mode = render_mode
        self.reward_name = reward or "none"

        # Actions: env index -> plugin index.
        names = action_set(actions, self.info)
        self.action_names = names
        self._plugin_action = [self.info.index[n] for n in names]
        self.action_space = Discrete(len(names))

        # Observations.
        if isinstance(observation, str):
            self.observation_names = (observation,)
            self.observation_space = _observation_space(observation,
                                                        self.info)
            self._single = True
        else:
            self.observation_names = tuple(observation)
            self.observation_space = Dict({
                n: _observation_space(n, self.info)
                for n in self.observation_names})
            self._single = False
        mask = OBSERVATIONS["inst-count"]
        for n in self.observation_names:
            mask |= OBSERVATIONS[DERIVED_OBSERVATIONS.get(n, n)]
        if self.reward_name in _MEASURED:
            mask |= OBSERVATIONS["bitcode"]
        self._observe = mask
        self.reward_cache = reward_cache if reward_cache is not None \
            else RewardCache()
        self.runtime_runs = runtime_runs
        self._measurer = None
        self.measured = None  # the reward's metric of the current state

        self._snapshots = _shared or _Snapshots()
        self._compile = None
        self._spare = None   # (input path, Compile) started ahead
        self._request = None
        self._last_obs = None
        self._history = []   # env action indices applied since the input
        self._steps = 0
        self._done = True
        self._error = ""
        self.inst_count = None
        self.text_size = None
        self.episode_reward = 0.0
        self._baselines = None

    # --- Properties ----------------------------------------------------------

    @property
    def actions(self):
        """The env action indices applied to the input so far."""
        return list(self._history)

    @property
    def action_history(self):
        """The names of the actions applied so far."""
        return [self.action_names[a] for a in self._history]

    @property
    def baselines(self):
        """The benchmark's -O0/-Oz/-O3 `Baseline`s."""
        if self._baselines is None:
            self._baselines = self.benchmark.baselines()
        return self._baselines

    def pipeline(self, actions=None):
        """The `opt -passes=` text of \\p actions (env indices; default: the
        history)."""
        acts = self._history if actions is None else actions
        return self.info.pipeline(self._plugin_action[self._index(a)]
                                  for a in acts)

    def commandline(self, actions=None, output="out.bc"):
        """The plain `opt-22` command that reproduces \\p actions (default:
        the history) on the benchmark's unoptimized module, without
        Switchyard."""
        return "opt-22 -passes='%s' %s -o %s" % (
            self.pipeline(actions), self.benchmark.bitcode(), output)

    def _index(self, action):
        """The env index of \\p action: an integer of the action space
        (int, numpy integer, or a 0-d integer array) or an action name.
        Anything else raises InvalidAction, which names the space."""
        return _action_index(action, self.action_names, self.action_space)

    # --- Compiler processes --------------------------------------------------

    def _spawn(self, module):
        return Compile.spawn(_pipeline_argv(self.opt, self.plugin, module),
                             env=_compile_env(), timeout=self.step_timeout)

    def _end_compile(self):
        if self._compile is not None:
            self._compile.kill()
            self._compile = None
        self._request = None

    def _start(self, module):
        """A compiler on \\p module, handshaken, with its first request."""
        self._end_compile()
        c = spare_used = None
        if self._spare is not None:
            path, spare = self._spare
            self._spare = None
            if path == module and spare.alive:
                c = spare_used = spare
            else:
                spare.kill()
        if c is None:
            c = self._spawn(module)
        if self.prestart:
            self._spare = (module, self._spawn(module))
        self._compile = c
        subscriptions = [Subscription("pass-pipeline", observe=self._observe)]
        try:
            c.handshake(subscriptions)
        except CompileError:
            if c is not spare_used:
                raise
            # The spare died before it was needed: start afresh.
            c.kill()
            c = self._compile = self._spawn(module)
            c.handshake(subscriptions)
        request = c.receive()
        if not isinstance(request, Request):
            c.fail("the episode did not start")
        self._request = request

    def _snapshot(self, prefix):
        """The path of a bitcode snapshot of the benchmark after \\p prefix
        (plugin action indices), made by plain opt from the longest
        snapshotted prefix."""
        bench = self.benchmark.key
        if not prefix:
            return self.benchmark.bitcode()
        path = self._snapshots.get((bench, tuple(prefix)))
        if path is not None:
            return path
        n, base = self._snapshots.longest(bench, prefix)
        base = base or self.benchmark.bitcode()
        path = self._snapshots.new_path()
        run([self.opt, "-passes=" + self.info.pipeline(prefix[n:]), base,
             "-o", path], timeout=max(60.0, self.step_timeout * 4))
        self._snapshots.put((bench, tuple(prefix)), path)
        return path

    # --- Gymnasium API -------------------------------------------------------

    def _observation(self, o):
        if self._single:
            return _observation_value(self.observation_names[0], o)
        return {n: _observation_value(n, o) for n in self.observation_names}

    def _info(self, **extra):
        info = {"benchmark": self.benchmark.name,
                "inst_count": self.inst_count,
                "actions": self.action_history,
                "steps": self._steps}
        if self.text_size is not None:
            info["text_size"] = self.text_size
        if self.reward_name in ("binary", "runtime") and \
                self.measured is not None:
            info[{"binary": "binary_size", "runtime": "runtime"}[
                self.reward_name]] = self.measured
        info.update(extra)
        return info

    def measurer(self):
        """The `rewards.Measurer` of the current benchmark."""
        if self._measurer is None or \
                self._measurer.benchmark is not self.benchmark:
            self._measurer = Measurer(self.benchmark,
                                      cache=self.reward_cache,
                                      runs=self.runtime_runs)
        return self._measurer

    def _text(self, o):
        if o.bitcode is None:
            return None
        return self.measurer().text_size(o.bitcode)

    def _measure(self, o):
        """(`.text` bytes, the reward's metric) of observation \\p o."""
        if o.bitcode is None:
            return None, None
        text = self._text(o)
        metric = _MEASURED.get(self.reward_name)
        if metric in ("binary", "runtime"):
            return text, self.measurer().measure(metric, o.bitcode)
        return text, text

    def reset(self, *, seed=None, options=None):
        """Starts an episode. `options`: "benchmark" switches the benchmark;
        "actions" (env indices or names) starts at the state after that
        prefix, from a snapshot. Raises CompileError if the compiler cannot
        start (or crashes on the prefix)."""
        options = options or {}
        # Checked before anything changes.
        prefix = [self._index(a) for a in options.get("actions", ())]
        for a in prefix:
            if self._plugin_action[a] == 0:
                raise InvalidAction("a prefix cannot contain %r, which ends "
                                    "the episode" % self.action_names[a])
        bench = self.benchmark
        if "benchmark" in options:
            bench = datasets.resolve(options["benchmark"], self.dataset)
        super().reset(seed=seed)
        if bench is not self.benchmark:
            self.benchmark = bench
            self._baselines = None
        self._done = True
        self._error = ""
        try:
            module = self._snapshot([self._plugin_action[a] for a in prefix])
        except ToolError as e:
            raise CompileError("cannot reach the prefix: %s" % e) from None
        self._start(module)
        self._history = prefix
        self._steps = 0
        self._done = False
        self.episode_reward = 0.0
        o = self._request.observation
        self.inst_count = o.inst_count
        self.text_size, self.measured = self._measure(o)
        self._last_obs = self._observation(o)
        return self._last_obs, self._info()

    def _reward(self, before, after, text_before, text_after):
        name = self.reward_name
        if name == "none":
            return 0.0
        if name == "ic":
            return float(before - after)
        if name == "text":
            return float(text_before - text_after)
        if name in ("binary", "runtime"):
            if text_after == float("inf"):  # the self-check failed
                return -float(text_before) if text_before != float("inf") \
                    else 0.0
            if text_before == float("inf"):
                return 0.0
            return float(text_before - text_after)
        b = self.baselines
        if name == "ic-oz":
            scale = max(1, b["O0"].inst_count - b["Oz"].inst_count)
            return (before - after) / scale
        scale = max(1, b["O0"].text_size - b["Oz"].text_size)
        return (text_before - text_after) / scale

    def _fail(self, error):
        self._done = True
        self._error = str(error)
        self._end_compile()
        return (self._last_obs, 0.0, True, False,
                self._info(error=self._error))

    def step(self, action):
        """Applies one action. An action the compiler refuses leaves the
        module as it was: reward 0 and `info["previous_error"]` says why. A
        compiler that crashes or hangs ends the episode with
        `info["error"]`."""
        # Checked before anything changes: a rejected action uses no step
        # and leaves the episode as it was.
        a = self._index(action)
        if self._done:
            raise RuntimeError("step() with no episode running: call "
                               "reset() first")
        plugin_action = self._plugin_action[a]
        c = self._compile
        self._steps += 1
        began = time.monotonic()
        timing = {}
        try:
            c.send(Reply(self._request.id, False, Choice(plugin_action)))
            if plugin_action == 0:
                c.finish()
                self._done = True
                self._compile.kill()
                self._compile = None
                report = c.report
                if self.timings:
                    timing["step_seconds"] = time.monotonic() - began
                elif report is not None:
                    # The compiler's wait for us is a time: not the same
                    # twice, so not in info unless asked for.
                    report = dataclasses.replace(report, agent_wait_ns=None)
                return (self._last_obs, 0.0, True, False,
                        self._info(report=report, **timing))
            request = c.receive()
            if request is None:
                c.fail("the compiler ended the episode")
            if isinstance(request, Report):
                c.fail("the episode ended after %d steps" % self._steps)
        except CompileError as e:
            return self._fail(e)
        self._request = request
        o = request.observation
        info = {}
        if request.previous_error:
            info["previous_error"] = request.previous_error
        else:
            self._history.append(a)
        before, text_before = self.inst_count, self.text_size
        measured_before = self.measured
        self.inst_count = o.inst_count
        if o.bitcode is not None:
            try:
                self.text_size, self.measured = self._measure(o)
            except ToolError as e:
                return self._fail(e)
        if self.reward_name in ("binary", "runtime"):
            reward = self._reward(before, self.inst_count, measured_before,
                                  self.measured)
        else:
            reward = self._reward(before, self.inst_count, text_before,
                                  self.text_size)
        self.episode_reward += reward
        self._last_obs = self._observation(o)
        if self.timings:
            info["step_seconds"] = time.monotonic() - began
        truncated = (self.max_episode_steps is not None and
                     self._steps >= self.max_episode_steps)
        if truncated:
            self._done = True
        return self._last_obs, reward, False, truncated, self._info(**info)

    def fork(self):
        """A new environment in the current state, with the same history,
        started from a snapshot: the two go on independently."""
        if self._compile is None:
            raise RuntimeError("fork() with no episode running")
        other = PassPipelineEnv(
            self.benchmark, observation=(self.observation_names[0]
                                         if self._single else
                                         self.observation_names),
            reward=self.reward_name, actions=self.action_names,
            max_episode_steps=self.max_episode_steps,
            step_timeout=self.step_timeout, prestart=False,
            plugin=self.plugin, opt=self.opt, dataset=self.dataset,
            render_mode=self.render_mode, timings=self.timings,
            reward_cache=self.reward_cache, runtime_runs=self.runtime_runs,
            _shared=self._snapshots)
        other._baselines = self._baselines
        other.reset(options={"actions": self._history})
        other._steps = self._steps
        other.episode_reward = self.episode_reward
        return other

    def render(self):
        text = "%s: %d instructions after %d steps: %s" % (
            self.benchmark.name, self.inst_count or 0, self._steps,
            " ".join(self.action_history) or "(none)")
        if self.render_mode == "human":
            print(text)
            return None
        return text

    def close(self):
        self._end_compile()
        if self._spare is not None:
            self._spare[1].kill()
            self._spare = None
        self._done = True


# --- Replays ----------------------------------------------------------------

class ReplayResult:
    """A from-scratch Switchyard episode of a given action sequence."""

    def __init__(self, inst_count, pipeline, ir_text, bitcode):
        self.inst_count = inst_count
        self.pipeline = pipeline  # the plugin's own equivalent, or None
        self.ir_text = ir_text
        self.bitcode = bitcode


def replay(benchmark, actions, *, plugin=None, opt=None, timeout=300.0):
    """Runs \\p actions (names) from the benchmark's module in a fresh
    `switchyard-pipeline` episode with SWITCHYARD_PIPELINE_OUT, and returns
    the final instruction count, IR and the plain `opt -passes=` text the
    plugin wrote for the episode."""
    plugin = find_plugin(plugin)
    opt = opt or find_tool("opt")
    info = probe_action_space(plugin, opt)
    benchmark = datasets.resolve(benchmark)
    missing = [a for a in actions if a not in info.index]
    if missing:
        raise ValueError("not in this plugin's action space: %s"
                         % ", ".join(missing))
    with tempfile.TemporaryDirectory(prefix="sy-replay-") as tmp:
        out = os.path.join(tmp, "episode.txt")
        c = Compile.spawn(_pipeline_argv(opt, plugin, benchmark.bitcode()),
                          env=_compile_env({"SWITCHYARD_PIPELINE_OUT": out}),
                          timeout=timeout)
        final = (OBSERVATIONS["inst-count"] | OBSERVATIONS["ir-text"] |
                 OBSERVATIONS["bitcode"])
        actions = list(actions)
        try:
            # The final state's observations come with the request after
            # the last action (or with the first, for no action at all).
            c.handshake([Subscription("pass-pipeline",
                                      observe=0 if actions else final)])
            request = c.receive()
            for i, name in enumerate(actions):
                if not isinstance(request, Request):
                    c.fail("the episode ended early")
                c.send(Reply(request.id, False, Choice(info.index[name]),
                             final if i == len(actions) - 1 else 0))
                request = c.receive()
                if isinstance(request, Request) and request.previous_error:
                    c.fail("action %s refused: %s" % (
                        name, request.previous_error))
            if not isinstance(request, Request):
                c.fail("the episode ended early")
            o = request.observation
            c.send(Reply(request.id, False, Choice(0)))
            c.finish()
        finally:
            c.kill()
        pipeline = None
        with open(out) as f:
            for line in f:
                if line.startswith("# equivalent: "):
                    pipeline = line.split("-passes='", 1)[1].rsplit("'", 1)[0]
    return ReplayResult(o.inst_count, pipeline, o.ir_text, o.bitcode)


# --- Site decisions ----------------------------------------------------------

#: Features of an `inline` request, in order (docs/hooks.md).
INLINE_FEATURES = (
    "sroa_savings", "sroa_losses", "load_elimination", "call_penalty",
    "call_argument_setup", "load_relative_intrinsic",
    "lowered_call_arg_setup", "indirect_call_penalty", "jump_table_penalty",
    "case_cluster_penalty", "switch_default_dest_penalty", "switch_penalty",
    "unsimplified_common_instructions", "num_loops", "dead_blocks",
    "simplified_instructions", "constant_args", "constant_offset_ptr_args",
    "callsite_cost", "cold_cc_penalty", "last_call_to_static_bonus",
    "is_multiple_blocks", "nested_inlines", "nested_inline_cost_estimate",
    "threshold", "callee_basic_block_count", "callsite_height",
    "node_count", "edge_count", "nr_ctant_params", "cost_estimate",
    "caller_users", "callee_users", "caller_conditionally_executed_blocks",
    "callee_conditionally_executed_blocks", "caller_basic_block_count",
    "is_callee_avail_external", "is_caller_avail_external",
    "default_decision", "inline_legal")
#: Features of a loop request, in order (docs/hooks.md).
LOOP_FEATURES = (
    "trip_count", "estimated_trip_count", "max_trip_count", "body_size",
    "block_count", "depth", "exit_count", "has_calls", "is_innermost",
    "loads", "stores", "phis", "subloops")

#: The site environment's actions: (name, what it answers per kind).
SITE_ACTIONS = (
    ("default", None, None),
    ("no/none", ("no", ()), ("none", ())),
    ("yes/full", ("yes", ()), ("full", ())),
    ("partial 2", None, ("partial", (2,))),
    ("partial 4", None, ("partial", (4,))),
    ("partial 8", None, ("partial", (8,))),
    ("runtime 2", None, ("runtime", (2,))),
    ("runtime 4", None, ("runtime", (4,))),
    ("runtime 8", None, ("runtime", (8,))),
)
SITE_KINDS = ("inline", "loop-unroll")


class SiteDecisionEnv(Env):
    """Each step answers the next pending `inline` or `loop-unroll`
    decision of a real `opt-22 -passes='default<Oz>'` compile (the level is
    `opt_level`) of the benchmark's unoptimized module for that level.

    Observation: a float64 vector of 2 + 40 + 13: a one-hot of the kind
    (inline, loop-unroll), the inline features (zeros for a loop), the
    loop features (zeros for a call site). `info["kind"]`,
    `info["features"]` (a dict) and `info["action_mask"]` (legal actions
    of this decision, for `action_space.sample(mask=...)`) go with it.

    Actions (`SITE_ACTIONS`): 0 the compiler's default; 1 inline no / unroll
    none; 2 inline yes / unroll full; 3-5 unroll partial by 2, 4, 8; 6-8
    unroll with a runtime remainder by 2, 4, 8. An action that is not legal
    for the decision is answered with the default, and `info
    ["invalid_action"]` is set.

    Reward: 0 at every step but the last, which gets the size reduction
    against the same compile with the compiler's own decisions (the -Oz
    baseline for "Oz"): (baseline − final) / baseline, of IR instructions
    (reward="ic") or `.text` bytes (reward="text").
    """

    metadata = {"render_modes": ["ansi", "human"]}

    def __init__(self, benchmark="suite/sha256", *, kinds=SITE_KINDS,
                 opt_level="Oz", reward="ic", timeout=300.0, plugin=None,
                 opt=None, dataset=None, render_mode=None):
        self.benchmark = datasets.resolve(benchmark, dataset)
        self.kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
        for k in self.kinds:
            if k not in SITE_KINDS:
                raise ValueError("kind %r is not one of %s" % (k, SITE_KINDS))
        if opt_level not in ("O1", "O2", "O3", "Os", "Oz"):
            raise ValueError("opt_level %r is not one of O1, O2, O3, Os, Oz"
                             % (opt_level,))
        self.opt_level = opt_level
        if reward not in ("ic", "text"):
            raise ValueError("reward must be 'ic' or 'text', not %r"
                             % (reward,))
        self.plugin = find_plugin(plugin)
        self.opt = opt or find_tool("opt")
        self.dataset = dataset
        self.reward_name = reward
        self.timeout = timeout
        self.render_mode = render_mode
        size = 2 + len(INLINE_FEATURES) + len(LOOP_FEATURES)
        self.observation_space = Box(-np.inf, np.inf, shape=(size,),
                                     dtype=np.float64)
        self.action_space = Discrete(len(SITE_ACTIONS))
        self.action_names = [a[0] for a in SITE_ACTIONS]
        self._compile = None
        self._request = None
        self._dir = None
        self._done = True
        self._decisions = []
        self.result = None

    def _vector(self, request):
        v = np.zeros(self.observation_space.shape, dtype=np.float64)
        feats = request.features
        if request.kind == "inline":
            v[0] = 1
            for i, name in enumerate(INLINE_FEATURES):
                v[2 + i] = feats.get(name, 0.0)
        else:
            v[1] = 1
            base = 2 + len(INLINE_FEATURES)
            for i, name in enumerate(LOOP_FEATURES):
                v[base + i] = feats.get(name, 0.0)
        return v

    def _answer(self, request, action):
        """(option name, params) for \\p action on \\p request, or None for
        the default; raises ValueError if it is not legal here."""
        entry = SITE_ACTIONS[action]
        if action == 0:
            return None
        spec = entry[1] if request.kind == "inline" else entry[2]
        if spec is None:
            raise ValueError("%s has no %r" % (request.kind, entry[0]))
        name, params = spec
        index = request.find_option(name)
        if index < 0:
            raise ValueError("%r is not legal here" % name)
        for p, value in zip(request.legal[index].params, params):
            if not p.min <= value <= p.max:
                raise ValueError("%s %d is out of range" % (name, value))
        return index, params

    def _mask(self, request):
        mask = np.zeros(len(SITE_ACTIONS), dtype=np.int8)
        for a in range(len(SITE_ACTIONS)):
            try:
                self._answer(request, a)
                mask[a] = 1
            except ValueError:
                pass
        return mask

    def _info(self, **extra):
        info = {"benchmark": self.benchmark.name,
                "decisions": len(self._decisions)}
        if self._request is not None:
            r = self._request
            info.update(kind=r.kind, site=r.unit_name, site_id=r.site_id,
                        function=r.function, features=r.features,
                        default=r.describe(r.default),
                        action_mask=self._mask(r))
        info.update(extra)
        return info

    def _close_compile(self):
        if self._compile is not None:
            self._compile.kill()
            self._compile = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        options = options or {}
        if "benchmark" in options:
            self.benchmark = datasets.resolve(options["benchmark"],
                                              self.dataset)
        self._close_compile()
        self._dir = tempfile.mkdtemp(prefix="sy-site-")
        self._output = os.path.join(self._dir, "out.bc")
        self._decisions = []
        self.result = None
        self._baseline = self.benchmark.baseline(self.opt_level)
        argv = [self.opt, "-load-pass-plugin=" + self.plugin,
                "-passes=default<%s>" % self.opt_level,
                self.benchmark.bitcode(self.opt_level), "-o", self._output]
        self._compile = Compile.spawn(
            argv, env={"SWITCHYARD_HOOKS": ",".join(self.kinds),
                       "SWITCHYARD_TIMEOUT_MS": _AGENT_TIMEOUT_MS},
            timeout=self.timeout)
        self._compile.handshake([Subscription(k) for k in self.kinds])
        self._done = False
        self._next()
        if self._request is None:
            # No decision at all: the episode is over before it starts.
            return (np.zeros(self.observation_space.shape),
                    self._info(no_decisions=True))
        return self._vector(self._request), self._info()

    def _next(self):
        message = self._compile.receive()
        while isinstance(message, Report):
            message = self._compile.receive()
        self._request = message  # None at the end

    def _finish(self):
        """The final size, and the reward against the baseline."""
        self._compile.finish()
        report = self._compile.report
        base = self._baseline
        if self.reward_name == "ic":
            ll = run([find_tool("llvm-dis"), self._output, "-o", "-"]).stdout
            final = count_ir_instructions(ll.decode())
            reward = (base.inst_count - final) / max(1, base.inst_count)
        else:
            final = object_text_size(self._output)
            reward = (base.text_size - final) / max(1, base.text_size)
        self.result = {"final": final, "baseline": (
            base.inst_count if self.reward_name == "ic" else base.text_size),
            "report": report}
        return reward

    def step(self, action):
        action = _action_index(action, self.action_names, self.action_space)
        if self._done:
            raise RuntimeError("step() with no episode running: call "
                               "reset() first")
        extra = {}
        request = self._request
        if request is not None:
            try:
                answer = self._answer(request, action)
            except (ValueError, IndexError):
                answer = None
                extra["invalid_action"] = True
            if answer is None:
                reply = Reply(request.id, True)
            else:
                reply = Reply(request.id, False, Choice(answer[0],
                                                        answer[1]))
            self._decisions.append((request.kind, request.unit_name,
                                    action if answer else 0))
        try:
            if request is not None:
                self._compile.send(reply)
                self._next()
            if self._request is not None:
                return (self._vector(self._request), 0.0, False, False,
                        self._info(**extra))
            reward = self._finish()
        except (CompileError, ToolError) as e:
            self._done = True
            self._request = None
            self._close_compile()
            return (np.zeros(self.observation_space.shape), 0.0, True, False,
                    self._info(error=str(e), **extra))
        self._done = True
        self._close_compile()
        return (np.zeros(self.observation_space.shape), reward, True, False,
                self._info(final=self.result["final"],
                           baseline=self.result["baseline"], **extra))

    def render(self):
        r = self._request
        text = ("%s: %d decisions; next: %s" % (
            self.benchmark.name, len(self._decisions),
            "%s %s (default %s)" % (r.kind, r.unit_name, r.describe(
                r.default)) if r else "none"))
        if self.render_mode == "human":
            print(text)
            return None
        return text

    def close(self):
        self._close_compile()
        self._done = True


# Gymnasium ids (switchyard.registration); registered when switchyard is
# imported, if gymnasium is installed.
from .registration import GYM_IDS, register_environments  # noqa: E402


def make(name, **kwargs):
    """An environment by name: "switchyard/PassPipeline-v0" (also
    "switchyard/pass-pipeline-v0", "llvm-ic-v0"),
    "switchyard/PassPipelineText-v0" ("switchyard/pass-pipeline-text-v0",
    "llvm-codesize-v0") or "switchyard/SiteDecision-v0"
    ("switchyard/site-decision-v0"), without Gymnasium."""
    key = name.split("/")[-1]
    if key in ("PassPipeline-v0", "pass-pipeline-v0", "llvm-ic-v0"):
        return PassPipelineEnv(**kwargs)
    if key in ("PassPipelineText-v0", "pass-pipeline-text-v0",
               "llvm-codesize-v0"):
        kwargs.setdefault("reward", "text-oz")
        return PassPipelineEnv(**kwargs)
    if key in ("SiteDecision-v0", "site-decision-v0"):
        return SiteDecisionEnv(**kwargs)
    raise ValueError("unknown environment %r (known: %s)"
                     % (name, ", ".join(GYM_IDS)))
