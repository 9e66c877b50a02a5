# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Searches over pass order and site decisions at once, for what users
ship: `.text` bytes (or the linked binary, or runtime) measured on every
candidate, IR instructions second.

A candidate is a `Plan`: a sequence of pass-pipeline actions (by name) and
answers for some `inline`, `loop-unroll` and `loop-vectorize` sites (by
site id; every other site keeps LLVM's answer). An `Evaluator` compiles a plan in one
`opt-22 -passes=switchyard-pipeline` episode that this module serves over
the socket, answering pass-pipeline requests from the plan's actions and
site requests from its answers, and sees every site the plan's passes ask
about: those are what the searches flip.

    ev = Evaluator("sha256")
    seed = oz_plan(ev.info, ev.benchmark)        # -Oz as a flat sequence
    result = evolve(ev, seed, budget_seconds=30)
    result.best.plan, result.best.text_size, result.calls
    write_script(result.best.plan, "best.script", ev.info)
    v = validate_plan(ev.benchmark, result.best.plan, ev.info)

What it spends: `Evaluator.calls` counts compiler processes started (each
`opt-22` episode), `Evaluator.measure_calls` the codegen runs (`llc-22`,
and links for the binary) the reward cache did not save. A plan's outcome
is memoized; its output is kept as a bitcode snapshot, from which a longer
plan with the same site answers continues instead of starting over.

- `random_plans`: random action sequences (no site answers), as a floor.
- `greedy`: from a seed plan, each step tries every action appended and
  every other answer at every site seen, keeps the best, until nothing
  improves. Appends are tried in one compiler while they leave the IR
  unchanged (most actions do, late in a pipeline): a new process only after
  an action that changed it, from the current plan's snapshot.
- `evolve`: a (mu + 1) evolutionary search from a seed plan: a tournament
  picks a parent among the best, one to three mutations (insert, delete,
  replace or swap actions; change a site's answer) make a child.
- `climb`: first-improvement local search from a seed: every other answer
  at each site, deleting each action, appending each action; every move
  that helps is kept at once; at a local optimum, a random restart near
  the best plan.

Budgets are wall-clock seconds and compiler calls, whichever ends first.
`validate_plan` measures a plan again from scratch without any of this:
plain `opt-22 -passes=...` when the plan has no site answers, else the
plan's script replayed by the plugin's in-process policy; then llc-22,
pyelftools and the program's self-check.
"""

import os
import random
import shlex
import tempfile
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from . import datasets
from .compiler import Compile, CompileError
from .env import (UNSAFE_ACTIONS, _PLUGIN_MAX_STEPS, _Snapshots,
                  _compile_env, _pipeline_argv, _split_pipeline,
                  probe_action_space)
from .messages import OBSERVATIONS, Choice, Reply, Report, Request, \
    Subscription
from .rewards import Measurer
from .tools import (ToolError, count_ir_instructions, find_plugin,
                    find_tool, object_text_size, run)

__all__ = ["Plan", "Outcome", "Site", "Evaluator", "SearchRun",
           "oz_plan", "random_plans", "greedy", "evolve", "climb",
           "write_script",
           "plain_command", "validate_plan", "PlanValidation", "SITE_KINDS",
           "SITE_ANSWERS"]

#: The site decision kinds a plan can answer.
SITE_KINDS = ("inline", "loop-unroll", "loop-vectorize")
#: The answers a search tries at a site of each kind (where legal).
SITE_ANSWERS = {"inline": ("no", "yes"),
                "loop-unroll": ("none", "full", "partial 2", "partial 4",
                                "runtime 2"),
                # Width and interleave count (hooks/LoopVectorizeHook.cpp);
                # where a strict floating-point reduction would be
                # reordered the hook allows width and interleave 1 only.
                "loop-vectorize": ("disable", "vectorize 2 1",
                                   "vectorize 4 1", "vectorize 2 2",
                                   "vectorize 4 2", "vectorize 8 1")}


@dataclass(frozen=True)
class Plan:
    """Actions by name, and (kind, site id, answer) triples, sorted."""
    actions: Tuple[str, ...] = ()
    sites: Tuple[Tuple[str, int, str], ...] = ()

    def answers(self):
        return {(k, s): a for k, s, a in self.sites}

    def with_actions(self, actions):
        return Plan(tuple(actions), self.sites)

    def with_answer(self, kind, site, answer):
        d = self.answers()
        if answer is None:
            d.pop((kind, site), None)
        else:
            d[(kind, site)] = answer
        return Plan(self.actions, tuple(sorted(
            (k, s, a) for (k, s), a in d.items())))

    def to_dict(self):
        return {"actions": list(self.actions),
                "sites": [list(t) for t in self.sites]}


@dataclass(frozen=True)
class Site:
    """A site question a plan's passes asked."""
    kind: str
    site_id: int
    unit: str
    default: str
    legal: Tuple[str, ...]   # the answers of SITE_ANSWERS that are legal
    # (name, value) pairs of the compiler's features of the site, when the
    # Evaluator asks for them (`site_features=True`), else empty.
    features: Tuple[Tuple[str, float], ...] = ()


@dataclass
class Outcome:
    plan: Plan
    inst_count: int = -1
    text_size: int = -1
    metric: float = float("inf")   # the search's objective (text by default)
    digest: str = ""
    sites: Dict[Tuple[str, int], Site] = field(default_factory=dict)
    error: str = ""

    @property
    def ok(self):
        return not self.error

    def key(self):
        """What a search minimizes: the metric, then IR instructions, then
        a shorter plan."""
        return (self.metric, self.inst_count, len(self.plan.actions),
                len(self.plan.sites))


#: What a plan's final state is observed with.
_FINAL = (OBSERVATIONS["inst-count"] | OBSERVATIONS["bitcode"] |
          OBSERVATIONS["ir-hash"])


def _digest(observation):
    """A module's identity: the plugin's hash of its IR text (without the
    line naming its file), so that a state reloaded from a snapshot is the
    same state."""
    return "ir:%016x" % observation.ir_hash


def _parse_answer(text):
    parts = text.split()
    return parts[0], tuple(int(p) for p in parts[1:])


def _legal_answers(request, kind):
    out = []
    for text in SITE_ANSWERS.get(kind, ()):
        name, params = _parse_answer(text)
        i = request.find_option(name)
        if i < 0:
            continue
        spec = request.legal[i].params
        if len(spec) != len(params) or not all(
                p.min <= v <= p.max for p, v in zip(spec, params)):
            continue
        out.append(text)
    return tuple(out)


class Evaluator:
    """Compiles and measures plans on one benchmark (see the module doc).
    \\p metric: "text", "binary", "runtime" or "ir" (what `Outcome.metric`
    is; "ir" is the IR instruction count, CompilerGym's objective, and
    measures no `.text`: `text_size` stays -1 until a plan is validated);
    \\p cache: a `rewards.RewardCache` to share."""

    def __init__(self, benchmark, *, kinds=SITE_KINDS, metric="text",
                 plugin=None, opt=None, cache=None, timeout=120.0,
                 actions="safe", level="Oz", runs=5, warmup=1,
                 clock="wall", site_features=False):
        self.benchmark = datasets.resolve(benchmark)
        # The input: the module as `clang-22 -<level>` makes it before its
        # first pass (-Oz's marks every function minsize).
        self.level = level
        # Whether site questions come with their features (a learned
        # policy reads them; a search does not need them).
        self.site_features = site_features
        self.plugin = find_plugin(plugin)
        self.opt = opt or find_tool("opt")
        self.info = probe_action_space(self.plugin, self.opt)
        self.kinds = tuple(kinds)
        self.metric = metric
        self.measurer = Measurer(self.benchmark, cache=cache, runs=runs,
                                 warmup=warmup, clock=clock)
        self.timeout = timeout
        names = [n for n in self.info.names if n != "stop"]
        if actions == "safe":
            names = [n for n in names if n not in UNSAFE_ACTIONS]
        elif actions not in (None, "all"):
            names = list(actions)
        self.action_names = names
        self.calls = 0          # compiler processes started
        self.seconds = 0.0      # time inside evaluations
        self.memo = {}          # Plan -> Outcome
        self.snapshots = _Snapshots(limit=512)

    @property
    def measure_calls(self):
        m = self.measurer.measured
        return m["text"] + m["binary"] + m["runtime"]

    # --- One compile -------------------------------------------------------

    def _spawn(self, module):
        self.calls += 1
        hooks = ",".join(("pass-pipeline",) + self.kinds)
        return Compile.spawn(_pipeline_argv(self.opt, self.plugin, module),
                             env=_compile_env({"SWITCHYARD_HOOKS": hooks}),
                             timeout=self.timeout)

    def _subscriptions(self, observe):
        return [Subscription("pass-pipeline", observe=observe)] + [
            Subscription(k, no_features=not self.site_features)
            for k in self.kinds]

    def _answer_site(self, c, request, answers, seen):
        kind = request.kind
        legal = _legal_answers(request, kind)
        key = (kind, request.site_id)
        if key not in seen:
            seen[key] = Site(kind, request.site_id, request.unit_name,
                             request.describe(request.default)
                             if request.default else "", legal,
                             tuple(request.features.items())
                             if self.site_features else ())
        answer = answers.get(key)
        if answer is None:
            c.send(Reply(request.id, True))
            return
        if answer not in legal:
            # A site asked again where the plan's answer is no longer
            # legal (e.g. a loop whose reduction the vectorizer may not
            # reorder any more): the plan's script would be refused there,
            # so the plan is no plan.
            raise ValueError("%s site %d: answer '%s' is not legal where "
                             "it is asked again" % (kind, request.site_id,
                                                    answer))
        name, params = _parse_answer(answer)
        c.send(Reply(request.id, False,
                     Choice(request.find_option(name), params)))

    def _start_module(self, plan):
        """(number of actions already applied, module path) for \\p plan:
        the longest prefix of its actions with a snapshot under the same
        site answers, else the benchmark's input."""
        n, path = self.snapshots.longest(plan.sites, plan.actions)
        return (n, path) if path else (0, self.benchmark.bitcode(self.level))

    def _measure(self, outcome, observation):
        """Measures the module of \\p observation (its bitcode and IR
        hash) into \\p outcome."""
        bitcode = observation.bitcode
        outcome.digest = _digest(observation)
        if self.metric == "ir":
            outcome.metric = observation.inst_count
            return
        outcome.text_size = self.measurer.text_size(bitcode, outcome.digest)
        outcome.metric = outcome.text_size if self.metric == "text" else \
            self.measurer.measure(self.metric, bitcode, outcome.digest)

    def _save(self, plan, bitcode):
        path = self.snapshots.new_path()
        with open(path, "wb") as f:
            f.write(bitcode)
        self.snapshots.put((plan.sites, plan.actions), path)

    def evaluate(self, plan):
        """The `Outcome` of \\p plan (memoized)."""
        hit = self.memo.get(plan)
        if hit is not None:
            return hit
        began = time.monotonic()
        out = Outcome(plan)
        try:
            self._run(plan, out)
        except (CompileError, ToolError, ValueError) as e:
            out.error = str(e).splitlines()[0] if str(e) else repr(e)
        self.seconds += time.monotonic() - began
        self.memo[plan] = out
        return out

    def _run(self, plan, out):
        done, module = self._start_module(plan)
        if done:
            # The sites the prefix asked about are the plan's too.
            prefix = self.memo.get(plan.with_actions(plan.actions[:done]))
            if prefix is not None:
                out.sites.update(prefix.sites)
        rest = plan.actions[done:]
        final = _FINAL
        c = self._spawn(module)
        answers = plan.answers()
        try:
            c.handshake(self._subscriptions(0 if rest else final))
            i = 0
            while True:
                request = c.receive()
                if request is None:
                    c.fail("the episode ended early")
                if isinstance(request, Report):
                    continue
                if request.kind != "pass-pipeline":
                    self._answer_site(c, request, answers, out.sites)
                    continue
                if request.previous_error:
                    raise ValueError("action %s refused: %s" % (
                        rest[i - 1], request.previous_error))
                if i < len(rest):
                    c.send(Reply(request.id, False,
                                 Choice(self.info.index[rest[i]]),
                                 final if i == len(rest) - 1 else 0))
                    i += 1
                    continue
                o = request.observation
                c.send(Reply(request.id, False, Choice(0)))
                break
            c.finish()
        finally:
            c.kill()
        out.inst_count = o.inst_count
        self._measure(out, o)
        self._save(plan, o.bitcode)

    def try_appends(self, plan, actions, budget=None):
        """Outcomes of \\p plan + [a] for each a of \\p actions (a dict),
        with as few compilers as can be: one runs the appends in turn while
        they leave the IR as it was, and a new one starts from \\p plan's
        snapshot after one that changed it. Stops early when \\p budget (a
        callable) says the budget is spent."""
        base = self.evaluate(plan)
        results = {}
        if not base.ok:
            return results
        todo = [a for a in actions
                if plan.with_actions(plan.actions + (a,)) not in self.memo]
        for a in actions:
            p = plan.with_actions(plan.actions + (a,))
            if p in self.memo:
                results[a] = self.memo[p]
        observe = _FINAL
        answers = plan.answers()
        while todo and not (budget and budget()):
            began = time.monotonic()
            _, module = self._start_module(plan)
            c = self._spawn(module)
            p = None    # the append this compiler is at
            try:
                c.handshake(self._subscriptions(OBSERVATIONS["ir-hash"]))
                request = self._next_pipeline(c, answers, {})
                # The state this compiler is in until an action changes it.
                unchanged = _digest(request.observation)
                while todo and not (budget and budget()):
                    a = todo.pop(0)
                    p = plan.with_actions(plan.actions + (a,))
                    out = Outcome(p, sites=dict(base.sites))
                    c.send(Reply(request.id, False, Choice(
                        self.info.index[a]), observe))
                    request = self._next_pipeline(c, answers, out.sites)
                    if request.previous_error:
                        out.error = request.previous_error
                        self.memo[p] = results[a] = out
                        continue
                    o = request.observation
                    out.inst_count = o.inst_count
                    if _digest(o) == unchanged:
                        # Unchanged: the same state, and the same compiler
                        # goes on with the next action.
                        out.digest, out.text_size = base.digest, \
                            base.text_size
                        out.metric = base.metric
                        self.memo[p] = results[a] = out
                        continue
                    self._measure(out, o)
                    self._save(p, o.bitcode)
                    self.memo[p] = results[a] = out
                    break  # a changed module: start again from the plan
            except (CompileError, ValueError) as e:
                if p is None:
                    break   # the plan itself fails here: no append can go
                if p not in self.memo:
                    self.memo[p] = results[a] = Outcome(
                        p, error=str(e).splitlines()[0])
            finally:
                c.kill()
                self.seconds += time.monotonic() - began
        return results

    def _next_pipeline(self, c, answers, seen):
        while True:
            request = c.receive()
            if request is None:
                c.fail("the episode ended early")
            if isinstance(request, Report):
                continue
            if request.kind == "pass-pipeline":
                return request
            self._answer_site(c, request, answers, seen)


# --- Seeds -------------------------------------------------------------------

def oz_plan(info, benchmark, level="Oz"):
    """LLVM's own `default<Oz>` pipeline as a flat sequence of actions: its
    inliner stage as the one `scc-oz-module-inliner` action, every other
    pass in order, those that are no actions (verification, analyses,
    instrumentation) left out. On the suite it gives -Oz's own IR and
    `.text` (checked in the tests)."""
    benchmark = datasets.resolve(benchmark)
    text = run([find_tool("opt"), "-passes=default<%s>" % level,
                "-print-pipeline-passes", "-disable-output",
                benchmark.bitcode()]).stdout.decode().strip()
    leaves = []

    def walk(t):
        for e in _split_pipeline(t):
            if e.startswith("cgscc("):
                leaves.append("scc-oz-module-inliner")
                continue
            paren, angle = e.find("("), e.find("<")
            if paren >= 0 and (angle < 0 or paren < angle):
                walk(e[paren + 1:-1])
            elif angle >= 0 and ">(" in e:
                walk(e[e.index(">(") + 2:-1])
            else:
                leaves.append(e)
    walk(text)
    return Plan(tuple(n for n in leaves if n in info.index))


# --- Searches ----------------------------------------------------------------

@dataclass
class SearchRun:
    agent: str
    best: Outcome
    seed: Optional[Outcome] = None
    seconds: float = 0.0
    calls: int = 0          # compiler processes started
    measure_calls: int = 0  # codegen runs (llc) not saved by the cache
    evaluated: int = 0      # distinct plans measured
    trace: List = field(default_factory=list)  # [seconds, calls, metric]
    # Moves kept, by kind ("site", "delete", "append", "restart"): what a
    # climb's gain came from.
    moves: Dict[str, int] = field(default_factory=dict)


class _Budget:
    def __init__(self, ev, seconds, calls):
        self.ev, self.seconds, self.calls = ev, seconds, calls
        self.start = time.monotonic()
        self.calls0 = ev.calls
        self.measure0 = ev.measure_calls

    def elapsed(self):
        return time.monotonic() - self.start

    def spent(self):
        return (self.elapsed() >= self.seconds or
                (self.calls is not None and
                 self.ev.calls - self.calls0 >= self.calls))

    def finish(self, run_):
        run_.seconds = self.elapsed()
        run_.calls = self.ev.calls - self.calls0
        run_.measure_calls = self.ev.measure_calls - self.measure0
        run_.evaluated = len(self.ev.memo)
        return run_


def _better(a, b):
    return a.ok and (b is None or not b.ok or a.key() < b.key())


def random_plans(ev, budget_seconds=30.0, *, budget_calls=None, seed=0,
                 min_length=5, max_length=40):
    """Random action sequences from the input, no site answers: the
    floor every other search must beat."""
    rng = random.Random(seed)
    budget = _Budget(ev, budget_seconds, budget_calls)
    best = None
    run_ = SearchRun("random", None)
    while not budget.spent():
        n = rng.randint(min_length, max_length)
        plan = Plan(tuple(rng.choice(ev.action_names) for _ in range(n)))
        out = ev.evaluate(plan)
        if _better(out, best):
            best = out
            run_.trace.append([round(budget.elapsed(), 2),
                               ev.calls - budget.calls0, best.metric])
    run_.best = best
    return budget.finish(run_)


def _best_of(ev, plans, best, budget):
    """The best of \\p best and the outcomes of \\p plans, measured in
    turn while \\p budget lasts."""
    for p in plans:
        if budget.spent():
            break
        out = ev.evaluate(p)
        if _better(out, best):
            best = out
    return best


def _site_moves(plan, outcome, key):
    """Plans that answer site \\p key of \\p outcome otherwise."""
    s = outcome.sites[key]
    current = plan.answers().get(key)
    for a in s.legal:
        if a != current and not (current is None and a == s.default):
            yield plan.with_answer(key[0], key[1], a)
    if current is not None:
        yield plan.with_answer(key[0], key[1], None)


def _site_variants(plan, outcome):
    """Plans that differ from \\p plan at one site seen by its outcome."""
    for key in sorted(outcome.sites):
        yield from _site_moves(plan, outcome, key)


def greedy(ev, seed_plan=Plan(), budget_seconds=60.0, *, budget_calls=None,
           sites=True, sites_first=False):
    """Greedy descent from \\p seed_plan: at each step every action
    appended (`Evaluator.try_appends`) and, with \\p sites, every other
    answer at each site seen; the best candidate is kept if it improves.
    Stops when none does or the budget is spent. \\p sites_first: the
    site answers before the appends, inline sites first (with a short
    budget, the appends take all of it)."""
    budget = _Budget(ev, budget_seconds, budget_calls)
    current = ev.evaluate(seed_plan)
    run_ = SearchRun("greedy", current, seed=current)
    run_.trace.append([round(budget.elapsed(), 2), ev.calls - budget.calls0,
                       current.metric])
    order = {k: i for i, k in enumerate(SITE_KINDS)}
    while not budget.spent():
        best = current

        def appends():
            nonlocal best
            for out in ev.try_appends(current.plan, ev.action_names,
                                      budget.spent).values():
                if _better(out, best):
                    best = out

        def site_answers():
            nonlocal best
            variants = list(_site_variants(current.plan, current))
            if sites_first:
                variants.sort(key=lambda p: min(
                    (order.get(k, 9) for k, _, _ in
                     set(p.sites) ^ set(current.plan.sites)), default=9))
            best = _best_of(ev, variants, best, budget)
        if sites and sites_first:
            site_answers()
            appends()
        else:
            appends()
            if sites:
                site_answers()
        if best is current:
            break
        current = best
        run_.trace.append([round(budget.elapsed(), 2),
                           ev.calls - budget.calls0, current.metric])
    run_.best = current
    return budget.finish(run_)


def _mutate(plan, outcome, ev, rng):
    actions = list(plan.actions)
    child = plan
    for _ in range(rng.choice((1, 1, 2, 3))):
        sites = list(outcome.sites.values()) if outcome else []
        op = rng.random()
        if sites and op < 0.5:
            s = rng.choice(sites)
            choices = [a for a in s.legal if a != s.default]
            if (s.kind, s.site_id) in child.answers():
                choices.append(None)
            if choices:
                child = child.with_answer(s.kind, s.site_id,
                                          rng.choice(choices))
            continue
        actions = list(child.actions)
        r = rng.random()
        if r < 0.35 or not actions:
            # Half of the insertions append: the plan's snapshot is then
            # where the child starts.
            at = len(actions) if rng.random() < 0.5 else \
                rng.randint(0, len(actions))
            actions.insert(at, rng.choice(ev.action_names))
        elif r < 0.7:
            del actions[rng.randrange(len(actions))]
        elif r < 0.9:
            actions[rng.randrange(len(actions))] = rng.choice(
                ev.action_names)
        elif len(actions) > 1:
            i = rng.randrange(len(actions) - 1)
            actions[i], actions[i + 1] = actions[i + 1], actions[i]
        child = child.with_actions(actions)
    return child


def evolve(ev, seed_plan=Plan(), budget_seconds=60.0, *, budget_calls=None,
           population=8, seed=0):
    """A (mu + 1) evolutionary search from \\p seed_plan: a tournament of
    two among the \\p population best picks a parent, `_mutate` makes a
    child, and the child joins the population if it is among the best."""
    rng = random.Random(seed)
    budget = _Budget(ev, budget_seconds, budget_calls)
    first = ev.evaluate(seed_plan)
    pop = [first] if first.ok else []
    run_ = SearchRun("evolve", first, seed=first)
    best = first if first.ok else None
    run_.trace.append([0.0, ev.calls - budget.calls0, first.metric])
    while not budget.spent():
        if pop:
            a, b = rng.choice(pop), rng.choice(pop)
            parent = a if a.key() <= b.key() else b
            child = _mutate(parent.plan, parent, ev, rng)
        else:
            child = _mutate(seed_plan, None, ev, rng)
        if child in ev.memo:
            continue
        out = ev.evaluate(child)
        if not out.ok:
            continue
        pop.append(out)
        pop.sort(key=Outcome.key)
        del pop[population:]
        if _better(out, best):
            best = out
            run_.trace.append([round(budget.elapsed(), 2),
                               ev.calls - budget.calls0, best.metric])
    run_.best = best
    return budget.finish(run_)


def climb(ev, seed_plan=Plan(), budget_seconds=60.0, *, budget_calls=None,
          seed=0, seeds=(), perturb=True):
    """First-improvement local search from \\p seed_plan (or the best of
    \\p seeds, plans tried first): sweeps that keep every move that
    improves as soon as it is found, unlike `greedy`, which measures every
    move before it takes one. A sweep tries, in this order:

    1. every other answer at each site seen (inline sites first, in a
       random order within a kind), the site set read again after each
       kept move;
    2. deleting each action, from the last to the first;
    3. every action appended (`Evaluator.try_appends`), the best kept.

    At a local optimum with budget left, and with \\p perturb, it starts
    again from one to three random mutations (`_mutate`) of the best plan
    (iterated local search); a restart's optimum replaces the best only
    if it is better."""
    rng = random.Random(seed)
    budget = _Budget(ev, budget_seconds, budget_calls)
    first = ev.evaluate(seed_plan)
    best = _best_of(ev, seeds, first if first.ok else None, budget)
    run_ = SearchRun("climb", best, seed=first)
    if best is None:
        run_.best = first
        return budget.finish(run_)
    run_.trace.append([round(budget.elapsed(), 2), ev.calls - budget.calls0,
                       best.metric])
    order = {k: i for i, k in enumerate(SITE_KINDS)}
    current = best

    def take(out, move):
        nonlocal current, best
        if not _better(out, current):
            return False
        current = out
        run_.moves[move] = run_.moves.get(move, 0) + 1
        if _better(out, best):
            best = out
            run_.trace.append([round(budget.elapsed(), 2),
                               ev.calls - budget.calls0, best.metric])
        return True

    while not budget.spent():
        improved = False
        keys = sorted(current.sites,
                      key=lambda k: (order.get(k[0], 9), rng.random()))
        for key in keys:
            if key not in current.sites:
                continue   # the kept moves removed this site
            for p in _site_moves(current.plan, current, key):
                if budget.spent():
                    break
                if take(ev.evaluate(p), "site"):
                    improved = True
                    break
        i = len(current.plan.actions) - 1
        while i >= 0 and not budget.spent():
            actions = current.plan.actions
            if i < len(actions):
                shorter = current.plan.with_actions(actions[:i] +
                                                    actions[i + 1:])
                if take(ev.evaluate(shorter), "delete"):
                    improved = True
            i -= 1
        if not budget.spent():
            outs = ev.try_appends(current.plan, ev.action_names,
                                  budget.spent).values()
            top = min((o for o in outs if o.ok), key=Outcome.key,
                      default=None)
            if top is not None and take(top, "append"):
                improved = True
        if improved:
            continue
        if not perturb:
            break
        # A local optimum: restart near the best plan.
        for _ in range(16):
            child = _mutate(best.plan, best, ev, rng)
            if child not in ev.memo:
                break
        out = ev.evaluate(child)
        current = out if out.ok else best
        run_.moves["restart"] = run_.moves.get("restart", 0) + 1
    run_.best = best
    return budget.finish(run_)


# --- Reproducing and validating ---------------------------------------------

def plain_command(plan, info, module="input.bc", output="out.bc"):
    """The plain `opt-22` command of a plan without site answers, or None."""
    if plan.sites:
        return None
    return "opt-22 -passes=%s %s -o %s" % (
        shlex.quote(info.pipeline(info.index[a] for a in plan.actions)),
        module, output)


def write_script(plan, path, info=None, kinds=SITE_KINDS, note=""):
    """Writes \\p plan as a policy script (docs/agents.md) that reproduces
    it exactly: `SWITCHYARD_POLICY=script:PATH
    SWITCHYARD_HOOKS=pass-pipeline,inline,loop-unroll,loop-vectorize opt-22
    -load-pass-plugin=libSwitchyard.so -passes=switchyard-pipeline IN -o
    OUT`; with no site answers the header gives the plain opt command."""
    lines = ["# Switchyard plan: %d actions, %d site answers%s"
             % (len(plan.actions), len(plan.sites),
                ("; " + note) if note else "")]
    if info is not None and not plan.sites:
        lines.append("# equivalent: " + plain_command(plan, info))
    lines += ["subscribe pass-pipeline"] + \
        ["subscribe %s no-features" % k for k in kinds]
    lines += ["pass-pipeline index=%d => %s" % (i, a)
              for i, a in enumerate(plan.actions)]
    lines.append("pass-pipeline => stop")
    lines += ["%s site=%d => %s" % (k, s, a) for k, s, a in plan.sites]
    lines += ["%s => default" % k for k in kinds]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


@dataclass
class PlanValidation:
    inst_count: int = -1
    text_size: int = -1
    how: str = ""          # the command that made the module
    self_check: str = ""
    ok: bool = False
    error: str = ""


def validate_plan(benchmark, plan, info, *, plugin=None, kinds=SITE_KINDS,
                  check=True, keep=None, level="Oz"):
    """\\p plan measured from scratch without the search: plain `opt-22`
    (no site answers) or the plan's script in the plugin's in-process
    policy, then `llvm-dis-22` for IR instructions, `llc-22` and
    pyelftools for `.text` (no cache), and the self-check. \\p keep: a
    directory to leave the script and module in."""
    benchmark = datasets.resolve(benchmark)
    v = PlanValidation()
    tmp_obj = tempfile.TemporaryDirectory(prefix="sy-vplan-")
    tmp = keep or tmp_obj.name
    try:
        out = os.path.join(tmp, "out.bc")
        src = benchmark.bitcode(level)
        if not plan.sites:
            pipeline = info.pipeline(info.index[a] for a in plan.actions)
            argv = [find_tool("opt")] + (["-passes=" + pipeline]
                                         if pipeline else []) + \
                [src, "-o", out]
            v.how = plain_command(plan, info, src, "out.bc")
            run(argv)
        else:
            script = write_script(plan, os.path.join(tmp, "plan.script"),
                                  info, kinds)
            env = dict(os.environ,
                       SWITCHYARD_POLICY="script:" + script,
                       SWITCHYARD_HOOKS=",".join(("pass-pipeline",) +
                                                 tuple(kinds)),
                       SWITCHYARD_ON_FAILURE="error")
            env.pop("SWITCHYARD_AGENT", None)
            argv = [find_tool("opt"), "-load-pass-plugin=" +
                    find_plugin(plugin),
                    "-passes=switchyard-pipeline<max-steps=%d>"
                    % _PLUGIN_MAX_STEPS, src, "-o", out]
            v.how = "SWITCHYARD_POLICY=script:plan.script " \
                "SWITCHYARD_HOOKS=%s opt-22 -load-pass-plugin=" \
                "libSwitchyard.so -passes=switchyard-pipeline %s -o out.bc" \
                % (env["SWITCHYARD_HOOKS"], src)
            run(argv, env=env)
        text = run([find_tool("llvm-dis"), out, "-o", "-"]).stdout
        v.inst_count = count_ir_instructions(text.decode("utf-8",
                                                         "replace"))
        v.text_size = object_text_size(out)
        if check:
            c = benchmark.self_check(out)
            v.self_check, v.ok = c.detail, c.ok
            if not c.ok:
                v.error = "self-check failed: " + c.detail
        else:
            v.self_check, v.ok = "not run", True
    except (ToolError, ValueError) as e:
        v.ok = False
        v.error = str(e).splitlines()[0]
    finally:
        tmp_obj.cleanup()
    return v
