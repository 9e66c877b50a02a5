# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""`python3 -m switchyard run`: a search agent over a set of benchmarks.

    python3 -m switchyard run --agent random --budget-seconds 60 \\
        [--benchmarks sha256,json,'suite/*'] [--dataset suite|DIR|FILE.json]
        [--actions safe|compact|all|NAME,...] [--seed N] [--jobs N]
        [--budget-steps N] [--plot out.png] [--json out.json]
        [--show-sequences] [--no-validate]
        [--scheduler tcp://HOST:PORT] [--state-cache redis://HOST:PORT/DB]
        [--log FILE]
    python3 -m switchyard baselines [--dataset ...] [--benchmarks ...]

For each benchmark, the agent searches for the action sequence with the
fewest IR instructions within the budget; the best sequence is then
validated (`baselines.validate`: replayed from scratch through Switchyard
and through plain `opt-22 -passes=...` without it, the two counts must
agree, and the program built from it must pass its self-check). The table
gives, per benchmark, the instruction count and `.text` bytes of -Oz and of
the best sequence, and the reduction against -Oz (-Oz / ours: above 1× is
smaller than -Oz), with geometric means.
"""

import argparse
import concurrent.futures
import json
import os
import platform
import shutil
import signal
import sys
import time

from . import baselines as bl
from . import datasets
from .compiler import CompileError
from .cli import int_argument as _int
from .tools import ToolError, llvm_version, require

__all__ = ["main", "format_table", "format_markdown", "plot", "load",
           "run_benchmark", "UsageError"]


class UsageError(Exception):
    """A bad command-line value: the message names it; exit status 2."""


def _tqdm():
    return require("tqdm", "python3-tqdm", "the runner's progress bar",
                   UsageError).tqdm


def _tabulate(rows, headers, **kwargs):
    tabulate = require("tabulate", "python3-tabulate", "the runner's tables",
                       UsageError).tabulate
    return tabulate(rows, headers, disable_numparse=True, **kwargs)


class Progress:
    """A tqdm bar on stderr over the whole run (each benchmark is its
    budget of seconds), when stderr is a terminal; and one line per
    finished benchmark, always (unless disabled)."""

    def __init__(self, total, agent, budget, stream=None, enabled=True):
        self.total = total
        self.agent = agent
        self.budget = budget
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.finished = 0
        self.name = ""
        self._base = 0.0
        self.bar = _tqdm()(
            total=total * budget, file=self.stream, leave=False,
            disable=not (enabled and self.stream.isatty()),
            unit="s", mininterval=0.2,
            # A terminal that reports no size (0 columns) would get tqdm's
            # bar-less fallback: shutil falls back to 100 columns there.
            ncols=min(120, shutil.get_terminal_size((100, 20)).columns),
            bar_format="{l_bar}{bar}| {n:.1f}/{total:.0f}s "
                       "[{elapsed}<{remaining}{postfix}]")

    def begin(self, index, name):
        """Serial runs: benchmark \\p index starts."""
        self._base = index * self.budget
        self.name = name
        self.update(0.0, None)

    def update(self, elapsed, best, oz=None):
        if self.bar.disable:
            return
        text = "%d/%d %s %s" % (self.finished + 1, self.total,
                                self.name.rsplit("/", 1)[-1], self.agent)
        if best is not None:
            text += " best %d" % best
            if oz:
                text += " (%.3fx -Oz)" % (oz / max(1, best))
        self.bar.set_postfix_str(text, refresh=False)
        target = self._base + min(self.budget, elapsed)
        if target > self.bar.n:
            self.bar.update(target - self.bar.n)

    def done(self, result):
        self.finished += 1
        if not self.bar.disable:
            target = self.finished * self.budget
            if target > self.bar.n:
                self.bar.update(target - self.bar.n)
        if not self.enabled:
            return
        v = result.validation
        scale = ""
        if result.scale:
            s = result.scale
            ran = s["cached_steps"] + s["live_steps"]
            scale = " (%s%s%s)" % (
                s["scheduler"],
                ", %d%% of steps from the cache" % (
                    100 * s["cached_steps"] // max(1, ran))
                if s["cache"] and ran else "",
                ", %d resumed" % s["resumed_episodes"]
                if s["resumed_episodes"] else "")
        self.bar.write(
            "[%d/%d] %s: %d instructions (%.3fx -Oz) in %.0fs, %d episodes"
            "%s%s" % (self.finished, self.total, result.benchmark,
                      result.inst_count, result.ic_vs_oz, result.seconds,
                      result.episodes, scale, "" if v is None else
                      ", valid" if v.ok else ", INVALID: " + v.error),
            file=self.stream)

    def close(self):
        self.bar.close()


def _fmt_ratio(x):
    return "-" if x is None else "%.3fx" % x


_HEAD = ("benchmark", "-Oz IR", "best IR", "IR vs -Oz", "-Oz .text",
         "best .text", ".text vs -Oz", "actions", "valid")


def _rows(results, markdown=False):
    def ratio(x):
        text = _fmt_ratio(x)
        return text.replace("x", "×") if markdown else text
    rows = []
    for r in results:
        v = r.validation
        valid = "-" if v is None else ("yes" if v.ok else
                                       "**no**" if markdown else "NO")
        if v is not None and v.ok and r.rejected:
            valid += " (%d rejected)" % len(r.rejected)
        rows.append((r.benchmark, str(r.baselines["Oz"]["inst_count"]),
                     str(r.inst_count), ratio(r.ic_vs_oz),
                     str(r.baselines["Oz"]["text_size"]),
                     str(r.text_size) if r.text_size else "-",
                     ratio(r.text_vs_oz), str(len(r.actions)), valid))
    ic = ratio(bl.geomean([r.ic_vs_oz for r in results]))
    text = ratio(bl.geomean([r.text_vs_oz for r in results
                             if r.text_vs_oz]))
    if markdown:
        rows.append(("**geomean**", "", "", "**%s**" % ic, "", "",
                     "**%s**" % text, "", ""))
    else:
        rows.append(("geomean", "", "", ic, "", "", text, "", ""))
    return rows


_ALIGN = ("left",) + ("right",) * 7 + ("left",)


def format_table(results, title=None):
    """The results table, as text (tabulate)."""
    table = _tabulate(_rows(results), _HEAD, colalign=_ALIGN)
    return "%s\n%s" % (title, table) if title else table


def format_markdown(results):
    """The results table as Markdown (tabulate's pipe format)."""
    return _tabulate(_rows(results, markdown=True), _HEAD, tablefmt="pipe",
                     colalign=_ALIGN) + "\n"


def _reward_curve(r, column):
    """(x, best reward) steps of \\p r's trace: x is seconds (column 0) or
    steps (1); the reward is CompilerGym's ic-oz: (O0 - best) /
    (O0 - Oz), 1 at -Oz's count."""
    o0 = r.baselines["O0"]["inst_count"]
    oz = r.baselines["Oz"]["inst_count"]
    scale = max(1, o0 - oz)
    xs = [p[column] for p in r.trace]
    ys = [(o0 - p[2]) / scale for p in r.trace]
    return xs, ys


def plot(results, path, title=""):
    """A PNG of the run: the reductions against -Oz per benchmark (bars),
    and the search's progress, the best reward so far (ic-oz: 1 is -Oz's
    count) against wall time and against steps, one line per benchmark."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    names = [r.benchmark.split("/")[-1] for r in results]
    ic = [r.ic_vs_oz for r in results]
    text = [r.text_vs_oz or 0 for r in results]
    x = np.arange(len(results))
    traced = [r for r in results if r.trace]
    width = max(8, 0.45 * len(results) + 2)
    fig = plt.figure(figsize=(width, 9.5 if traced else 4.5))
    grid = fig.add_gridspec(2 if traced else 1, 2,
                            height_ratios=[1, 1.1] if traced else [1])
    ax = fig.add_subplot(grid[0, :])
    ax.bar(x - 0.2, ic, 0.4, label="IR instructions (geomean %.3fx)"
           % bl.geomean(ic))
    ax.bar(x + 0.2, text, 0.4, label=".text bytes (geomean %.3fx)"
           % bl.geomean([t for t in text if t]))
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels(names, rotation=60, ha="right", fontsize=8)
    ax.set_ylabel("reduction vs -Oz (-Oz / ours)")
    low = min([v for v in ic + text if v] + [1.0])
    ax.set_ylim(max(0.0, low - 0.1), None)
    ax.set_title(title)
    ax.legend(fontsize=8)
    if traced:
        for i, (column, label) in enumerate([(0, "wall time (s)"),
                                             (1, "steps")]):
            sub = fig.add_subplot(grid[1, i])
            for r in traced:
                xs, ys = _reward_curve(r, column)
                sub.plot(xs, ys, drawstyle="steps-post", linewidth=1.2,
                         label=r.benchmark.split("/")[-1])
            sub.axhline(1.0, color="black", linewidth=0.8, linestyle=":")
            sub.set_xlabel(label)
            sub.set_ylabel("best reward (ic-oz; 1 = -Oz)")
            sub.set_title("best so far vs %s" % label.split(" (")[0],
                          fontsize=9)
            sub.grid(alpha=0.3)
        if len(traced) <= 30:
            sub.legend(fontsize=6, ncol=2 if len(traced) > 10 else 1,
                       loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def load(path):
    """The SearchResults of a --json file."""
    with open(path) as f:
        data = json.load(f)
    results = []
    for d in data["results"]:
        d = dict(d)
        d.pop("ic_vs_oz", None)
        d.pop("text_vs_oz", None)
        v = d.pop("validation", None)
        r = bl.SearchResult(**d)
        r.validation = bl.Validation(**v) if v else None
        results.append(r)
    return data, results


def _select(args):
    try:
        data = datasets.load(args.dataset, link=args.link,
                             target=args.target,
                             check_command=args.check_command)
        for note in data.notes:
            print("%s: %s" % (args.dataset, note), file=sys.stderr)
        if args.benchmarks and args.benchmarks != "all":
            data = data.select(args.benchmarks)
    except (OSError, ValueError, KeyError) as e:
        raise UsageError(str(e)) from None
    return data


def run_benchmark(bench, agent, budget_seconds, *, seed=0, actions=None,
                  budget_steps=None, env_kwargs=None, shorten_seconds=None,
                  validate=True, check=True, plugin=None, progress=None,
                  scale=None):
    """Searches one benchmark, shortens its best sequence and validates it:
    what the runner does per benchmark (in a worker process with --jobs).
    \\p scale: the random search's scheduler, cache and log
    (`switchyard.cluster`). Returns the SearchResult."""
    kwargs = dict(seed=seed, env_kwargs=env_kwargs, progress=progress,
                  budget_steps=budget_steps, **(scale or {}))
    if actions:
        kwargs["actions"] = actions
    result = bl.search(agent, bench, budget_seconds, **kwargs)
    shorten = (budget_seconds / 4 if shorten_seconds is None
               else shorten_seconds)
    if shorten > 0 and result.actions:
        bl.shorten(result, shorten, benchmark=bench, plugin=plugin)
    if validate:
        bl.validate(result, bench, plugin=plugin, check=check)
    # A learning agent's table stays in its process.
    result.__dict__.pop("agent_state", None)
    return result


def _ignore_sigint():
    # Ctrl-C reaches the whole process group: the parent decides, and
    # shuts the pool down (a worker's compilers are killed as it exits).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _search_all(args, data, progress):
    env_kwargs = {"step_timeout": args.step_timeout}
    if args.plugin:
        env_kwargs["plugin"] = args.plugin
    common = dict(seed=args.seed, actions=args.actions,
                  budget_steps=args.budget_steps, env_kwargs=env_kwargs,
                  shorten_seconds=args.shorten_seconds,
                  validate=not args.no_validate, check=not args.no_check,
                  plugin=args.plugin, scale=_scale_kwargs(args))
    benches = list(data)
    if args.jobs <= 1 or len(benches) <= 1:
        results = []
        for i, bench in enumerate(benches):
            progress.begin(i, bench.name)
            oz = bench.baseline("Oz").inst_count

            def on_progress(elapsed, best, oz=oz):
                progress.update(elapsed, best, oz)
            result = run_benchmark(bench, args.agent, args.budget_seconds,
                                   progress=on_progress, **common)
            results.append(result)
            progress.done(result)
        return results
    # One process per benchmark at a time: each search is independent and
    # seeded the same way as in a serial run, so with a step budget the
    # results are the serial run's.
    results = [None] * len(benches)
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=min(args.jobs, len(benches)), initializer=_ignore_sigint)
    try:
        futures = {pool.submit(run_benchmark, bench, args.agent,
                               args.budget_seconds, **common): i
                   for i, bench in enumerate(benches)}
        for future in concurrent.futures.as_completed(futures):
            result = future.result()
            results[futures[future]] = result
            progress.done(result)
    except BaseException:
        # Interrupted, or a worker failed: the others stop now, not after
        # their budget. SIGTERM makes a forked worker unwind (the handler
        # main() installed raises KeyboardInterrupt), killing its
        # compilers. The pool has no public way to reach its processes.
        for proc in list(getattr(pool, "_processes", {}).values()):
            try:
                proc.terminate()
            except (OSError, ValueError, AttributeError):
                pass
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results


def _scale_kwargs(args):
    """The random and greedy searches' --scheduler (connected once for
    every benchmark), --state-cache and --log."""
    kwargs = {}
    if args.scheduler:
        kwargs["scheduler"] = args.scheduler
    if args.state_cache:
        kwargs["cache"] = args.state_cache
    if args.log:
        kwargs["log"] = args.log
    return kwargs


def _check_scale_args(args):
    if not (args.scheduler or args.state_cache or args.log):
        return
    if args.agent not in ("random", "greedy") and (args.scheduler or
                                                   args.state_cache):
        raise UsageError("--scheduler and --state-cache work with --agent "
                         "random or greedy, not with %s (it learns online, "
                         "one episode after another)" % args.agent)
    if args.log and args.agent != "random":
        raise UsageError("--log works with --agent random (its episodes "
                         "are independent), not with %s; --state-cache "
                         "makes a greedy search run again cheap"
                         % args.agent)
    if args.scheduler and args.jobs > 1:
        raise UsageError("--scheduler and --jobs: the cluster runs the "
                         "episodes; search the benchmarks one at a time")
    if args.state_cache:
        from .cache import open_cache
        try:
            open_cache(args.state_cache).close()
        except (ValueError, OSError) as e:
            raise UsageError("--state-cache %s: %s" % (args.state_cache, e)) \
                from None
    _check_output(args.log, "--log")
    if args.scheduler:
        from .cluster import connect
        try:
            args.scheduler = connect(args.scheduler)
        except (ValueError, OSError) as e:
            raise UsageError("--scheduler %s: %s" % (args.scheduler, e)) \
                from None


def _check_output(path, what):
    if path is None:
        return
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise UsageError("%s %s: no such directory %s" % (what, path,
                                                          parent))


def _check_run_args(args):
    if not args.budget_seconds > 0:
        raise UsageError("--budget-seconds must be positive, not %g"
                         % args.budget_seconds)
    if args.budget_steps is not None and args.budget_steps <= 0:
        raise UsageError("--budget-steps must be positive, not %d"
                         % args.budget_steps)
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1, not %d" % args.jobs)
    if args.shorten_seconds is not None and args.shorten_seconds < 0:
        raise UsageError("--shorten-seconds cannot be negative, not %g"
                         % args.shorten_seconds)
    if not args.step_timeout > 0:
        raise UsageError("--step-timeout must be positive, not %g"
                         % args.step_timeout)
    if args.plugin and not os.path.isfile(args.plugin):
        raise UsageError("--plugin %s: no such file" % args.plugin)
    _check_output(args.json, "--json")
    _check_output(args.plot, "--plot")
    _check_output(args.markdown, "--markdown")
    if args.actions:
        if "," in args.actions:
            args.actions = [a for a in args.actions.split(",") if a]
        from .env import action_set, probe_action_space
        try:
            action_set(args.actions, probe_action_space(args.plugin))
        except ValueError as e:
            raise UsageError("--actions: %s" % e) from None


def _run(args):
    _check_run_args(args)
    data = _select(args)
    _check_scale_args(args)
    try:
        return _run_searches(args, data)
    finally:
        if hasattr(args.scheduler, "close"):
            args.scheduler.close()


def _run_searches(args, data):
    progress = Progress(len(data), args.agent, args.budget_seconds,
                        enabled=not args.quiet)
    try:
        results = _search_all(args, data, progress)
    finally:
        progress.close()
    title = ("%s search, %gs per benchmark%s, %d benchmarks, LLVM %s" % (
        args.agent, args.budget_seconds,
        " (at most %d steps)" % args.budget_steps if args.budget_steps
        else "", len(results), llvm_version()))
    print(format_table(results, title))
    if args.show_sequences:
        for r in results:
            print("\n%s (%d instructions, %s -Oz):" % (
                r.benchmark, r.inst_count, _fmt_ratio(r.ic_vs_oz)))
            print("  actions: %s" % (" ".join(r.actions) or "(none)"))
            try:
                print("  input:   %s" % datasets.resolve(
                    r.benchmark, data).frontend_command())
            except KeyError:
                pass
            if r.validation is not None:
                print("  %s" % (r.validation.command or
                                "(not validated: %s)" % r.validation.error))
            for actions, why in r.rejected:
                print("  rejected %d actions: %s" % (len(actions), why))
    invalid = [r.benchmark for r in results
               if r.validation is not None and not r.validation.ok]
    if args.json:
        with open(args.json, "w") as f:
            json.dump({
                "agent": args.agent, "budget_seconds": args.budget_seconds,
                "budget_steps": args.budget_steps, "jobs": args.jobs,
                "seed": args.seed, "actions": args.actions,
                "llvm": llvm_version(), "machine": platform.node(),
                "cores": os.cpu_count(),
                "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
                "geomean_ic_vs_oz": bl.geomean([r.ic_vs_oz
                                                for r in results]),
                "geomean_text_vs_oz": bl.geomean(
                    [r.text_vs_oz for r in results if r.text_vs_oz]),
                "results": [r.to_dict() for r in results]}, f, indent=1)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(format_markdown(results))
    if args.plot:
        try:
            plot(results, args.plot, title)
            print("plot: %s" % args.plot)
        except ImportError:
            print("no plot: python3-matplotlib is not installed",
                  file=sys.stderr)
    if invalid:
        print("INVALID (no candidate passed validation): %s"
              % ", ".join(invalid))
        return 1
    return 0


def _baselines(args):
    data = _select(args)
    rows = []
    tqdm = _tqdm()
    for bench in tqdm(data, desc="baselines", unit="benchmark",
                      file=sys.stderr, leave=False,
                      disable=not sys.stderr.isatty()):
        b = bench.baselines()
        rows.append((bench.name, b["O0"].inst_count, b["Oz"].inst_count,
                     b["O3"].inst_count, b["O0"].text_size,
                     b["Oz"].text_size, b["O3"].text_size))
    print(_tabulate(rows, ("benchmark", "O0 IR", "Oz IR", "O3 IR",
                           "O0 .text", "Oz .text", "O3 .text"),
                    colalign=("left",) + ("right",) * 6))
    return 0


def _common(p):
    p.add_argument("--dataset", default="suite",
                   help="'suite' (default), a directory of C/C++ or "
                   "bitcode files, or a compile_commands.json")
    p.add_argument("--benchmarks", default="all",
                   help="comma-separated names or globs (default: all)")
    p.add_argument("--link", action="store_true",
                   help="a compile_commands.json's translation units "
                   "linked into one benchmark, the whole program")
    p.add_argument("--target", metavar="GLOB",
                   help="with --link, only the entries whose source or "
                   "object matches (CMake: '*/NAME.dir/*')")
    p.add_argument("--check-command", metavar="CMD",
                   help="with --link, the program's check: a shell "
                   "command run in the database's directory with the "
                   "program in $SWITCHYARD_EXE, passing if it exits 0 "
                   "(default: the same output as the unoptimized build)")


class _Parser(argparse.ArgumentParser):
    """Usage errors exit with status 2 and one line naming the value."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, "%s: error: %s\n" % (self.prog, message))


def make_parser(prog="python3 -m switchyard"):
    parser = _Parser(prog=prog, description=__doc__.split(
        "\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True,
                                parser_class=_Parser)
    run = sub.add_parser("run", help="run a search agent over benchmarks")
    _common(run)
    run.add_argument("--agent", default="random", choices=sorted(bl.AGENTS))
    run.add_argument("--budget-seconds", type=float, default=60.0,
                     help="search time per benchmark (default 60)")
    run.add_argument("--budget-steps", type=_int, default=None,
                     help="at most this many environment steps per "
                     "benchmark: with it, a seeded search gives the same "
                     "result on any machine and with any --jobs")
    run.add_argument("--actions", default=None,
                     help="action set: safe (the default of random and "
                     "greedy), compact (qlearn's default), all, or "
                     "comma-separated action names")
    run.add_argument("--seed", type=_int, default=0)
    run.add_argument("-j", "--jobs", type=_int, default=1,
                     help="benchmarks searched at once, one process each "
                     "(default 1)")
    run.add_argument("--step-timeout", type=float, default=60.0)
    run.add_argument("--plugin", help="libSwitchyard.so (default: found "
                     "from the build)")
    run.add_argument("--plot", metavar="PNG",
                     help="a PNG: reductions vs -Oz, and the best reward "
                     "over time and over steps per benchmark")
    run.add_argument("--json", metavar="FILE")
    run.add_argument("--markdown", metavar="FILE",
                     help="write the table as Markdown")
    run.add_argument("--show-sequences", action="store_true",
                     help="print each best sequence and its opt command")
    run.add_argument("--shorten-seconds", type=float, default=None,
                     help="time to drop useless actions from each best "
                     "sequence (default: a quarter of the budget)")
    run.add_argument("--no-validate", action="store_true")
    run.add_argument("--no-check", action="store_true",
                     help="validate counts but do not run self-checks")
    run.add_argument("-q", "--quiet", action="store_true",
                     help="no progress output")
    run.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                     default=os.environ.get("SWITCHYARD_SCHEDULER"),
                     help="run the random search's episodes (greedy's "
                     "trials) on this Dask cluster (default: "
                     "$SWITCHYARD_SCHEDULER, else in this process); "
                     "docs/scale.md")
    run.add_argument("--state-cache", metavar="URL",
                     default=os.environ.get("SWITCHYARD_STATE_CACHE"),
                     help="states already reached, shared: "
                     "redis://HOST:PORT/DB, 'local' (sqlite3 in the cache "
                     "directory) or a sqlite3 file (default: "
                     "$SWITCHYARD_STATE_CACHE, else none)")
    run.add_argument("--log", metavar="FILE",
                     help="finished episodes, one JSON line each: a run "
                     "stopped and started again with it repeats none")
    base = sub.add_parser("baselines", help="print (and cache) the "
                          "-O0/-Oz/-O3 baselines")
    _common(base)
    return parser


def main(argv=None, prog="python3 -m switchyard"):
    """The runner's command line; returns the exit status: 0, 1 when a
    benchmark has no valid result or a tool failed, 2 for a usage error,
    130 when interrupted."""
    parser = make_parser(prog)
    args = parser.parse_args(argv)
    sub = "%s %s" % (prog, args.command)

    def interrupted(signum, frame):
        raise KeyboardInterrupt  # unwinds: compilers killed, files removed
    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        if args.command == "run":
            return _run(args)
        return _baselines(args)
    except UsageError as e:
        print("%s: error: %s" % (sub, e), file=sys.stderr)
        return 2
    except (CompileError, ToolError, OSError) as e:
        print("%s: error: %s" % (sub, e), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
