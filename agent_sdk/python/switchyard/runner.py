"""`python3 -m switchyard run`: a search agent over a set of benchmarks.

    python3 -m switchyard run --agent random --budget-seconds 60 \\
        [--benchmarks sha256,json,'suite/*'] [--dataset suite|DIR|FILE.json]
        [--actions safe|compact|all] [--seed N] [--plot out.png]
        [--json out.json] [--show-sequences] [--no-validate]
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
import json
import os
import platform
import signal
import sys
import time

from . import baselines as bl
from . import datasets
from .tools import llvm_version

__all__ = ["main", "format_table", "format_markdown", "plot", "load"]


class Progress:
    """One status line on stderr, redrawn in place on a terminal; on
    anything else, a line per finished benchmark."""

    def __init__(self, total, agent, budget, stream=None, enabled=True):
        self.total = total
        self.agent = agent
        self.budget = budget
        self.stream = stream or sys.stderr
        self.tty = enabled and self.stream.isatty()
        self.enabled = enabled
        self.index = 0
        self.name = ""
        self._last = 0.0
        self.start = time.monotonic()

    def begin(self, index, name):
        self.index, self.name = index, name
        self.update(0.0, None, force=True)

    def update(self, elapsed, best, oz=None, force=False):
        if not self.tty:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.2:
            return
        self._last = now
        frac = min(1.0, (self.index + min(1.0, elapsed / self.budget)) /
                   max(1, self.total))
        width = 24
        filled = int(frac * width)
        bar = "#" * filled + "." * (width - filled)
        text = "[%s] %3d%% %d/%d %-18s %s %5.1f/%gs" % (
            bar, frac * 100, self.index + 1, self.total, self.name[:18],
            self.agent, elapsed, self.budget)
        if best is not None:
            text += "  best %d" % best
            if oz:
                text += " (%.3fx -Oz)" % (oz / max(1, best))
        self.stream.write("\r" + text[:110].ljust(110))
        self.stream.flush()

    def done(self, result):
        if not self.enabled:
            return
        if self.tty:
            self.stream.write("\r" + " " * 110 + "\r")
        v = result.validation
        self.stream.write(
            "[%d/%d] %s: %d instructions (%.3fx -Oz) in %.0fs, %d episodes"
            "%s\n" % (self.index + 1, self.total, result.benchmark,
                      result.inst_count, result.ic_vs_oz, result.seconds,
                      result.episodes, "" if v is None else
                      ", valid" if v.ok else ", INVALID: " + v.error))
        self.stream.flush()


def _fmt_ratio(x):
    return "-" if x is None else "%.3fx" % x


def format_table(results, title=None):
    """The results table, as text."""
    head = ("benchmark", "-Oz IR", "best IR", "IR vs -Oz", "-Oz .text",
            "best .text", ".text vs -Oz", "steps", "valid")
    rows = []
    for r in results:
        v = r.validation
        valid = "-" if v is None else ("yes" if v.ok else "NO")
        if v is not None and v.ok and r.rejected:
            valid = "yes (%d rej.)" % len(r.rejected)
        rows.append((r.benchmark, str(r.baselines["Oz"]["inst_count"]),
                     str(r.inst_count), _fmt_ratio(r.ic_vs_oz),
                     str(r.baselines["Oz"]["text_size"]),
                     str(r.text_size) if r.text_size else "-",
                     _fmt_ratio(r.text_vs_oz), str(len(r.actions)), valid))
    rows.append(("geomean", "", "", _fmt_ratio(bl.geomean(
        [r.ic_vs_oz for r in results])), "", "", _fmt_ratio(bl.geomean(
            [r.text_vs_oz for r in results if r.text_vs_oz])), "", ""))
    widths = [max(len(row[i]) for row in rows + [head])
              for i in range(len(head))]
    line = "  ".join(("%-" if i == 0 else "%") + "%ds" % w
                     for i, w in enumerate(widths))
    out = []
    if title:
        out.append(title)
    out.append(line % head)
    out.append("  ".join("-" * w for w in widths))
    for row in rows[:-1]:
        out.append(line % row)
    out.append("  ".join("-" * w for w in widths))
    out.append(line % rows[-1])
    return "\n".join(out)


def format_markdown(results):
    """The results table as Markdown."""
    out = ["| benchmark | -Oz IR | best IR | IR vs -Oz | -Oz .text | "
           "best .text | .text vs -Oz | actions | valid |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        v = r.validation
        valid = "-" if v is None else ("yes" if v.ok else "**no**")
        if v is not None and v.ok and r.rejected:
            valid += " (%d rejected)" % len(r.rejected)
        out.append("| %s | %d | %d | %s | %d | %s | %s | %d | %s |" % (
            r.benchmark, r.baselines["Oz"]["inst_count"], r.inst_count,
            _fmt_ratio(r.ic_vs_oz).replace("x", "×"),
            r.baselines["Oz"]["text_size"],
            r.text_size or "-",
            _fmt_ratio(r.text_vs_oz).replace("x", "×"), len(r.actions),
            valid))
    out.append("| **geomean** | | | **%s** | | | **%s** | | |" % (
        _fmt_ratio(bl.geomean([r.ic_vs_oz for r in results])).replace(
            "x", "×"),
        _fmt_ratio(bl.geomean([r.text_vs_oz for r in results
                               if r.text_vs_oz])).replace("x", "×")))
    return "\n".join(out) + "\n"


def plot(results, path, title=""):
    """A PNG bar chart of the reductions against -Oz."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    names = [r.benchmark.split("/")[-1] for r in results]
    ic = [r.ic_vs_oz for r in results]
    text = [r.text_vs_oz or 0 for r in results]
    x = np.arange(len(results))
    fig, ax = plt.subplots(figsize=(max(6, 0.45 * len(results) + 2), 4.5))
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
    data = datasets.load(args.dataset)
    if args.benchmarks and args.benchmarks != "all":
        data = data.select(args.benchmarks)
    return data


def _run(args):
    data = _select(args)
    progress = Progress(len(data), args.agent, args.budget_seconds,
                        enabled=not args.quiet)
    env_kwargs = {"step_timeout": args.step_timeout}
    if args.plugin:
        env_kwargs["plugin"] = args.plugin
    results = []
    for i, bench in enumerate(data):
        progress.begin(i, bench.name)
        oz = bench.baseline("Oz").inst_count

        def on_progress(elapsed, best):
            progress.update(elapsed, best, oz)
        kwargs = dict(seed=args.seed, env_kwargs=env_kwargs,
                      progress=on_progress)
        if args.actions:
            kwargs["actions"] = args.actions
        result = bl.search(args.agent, bench, args.budget_seconds, **kwargs)
        shorten = (args.budget_seconds / 4 if args.shorten_seconds is None
                   else args.shorten_seconds)
        if shorten > 0 and result.actions:
            progress.update(args.budget_seconds, result.inst_count, oz,
                            force=True)
            bl.shorten(result, shorten, plugin=args.plugin)
        if not args.no_validate:
            progress.update(args.budget_seconds, result.inst_count, oz,
                            force=True)
            bl.validate(result, bench, plugin=args.plugin,
                        check=not args.no_check)
        results.append(result)
        progress.done(result)
    title = ("%s search, %gs per benchmark, %d benchmarks, LLVM %s" % (
        args.agent, args.budget_seconds, len(results), llvm_version()))
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
    print("%-22s %8s %8s %8s %9s %9s %9s" % (
        "benchmark", "O0 IR", "Oz IR", "O3 IR", "O0 .text", "Oz .text",
        "O3 .text"))
    for bench in data:
        b = bench.baselines()
        print("%-22s %8d %8d %8d %9d %9d %9d" % (
            bench.name, b["O0"].inst_count, b["Oz"].inst_count,
            b["O3"].inst_count, b["O0"].text_size, b["Oz"].text_size,
            b["O3"].text_size), flush=True)
    return 0


def _common(p):
    p.add_argument("--dataset", default="suite",
                   help="'suite' (default), a directory of C/C++ or "
                   "bitcode files, or a compile_commands.json")
    p.add_argument("--benchmarks", default="all",
                   help="comma-separated names or globs (default: all)")


def main(argv=None, prog="python3 -m switchyard"):
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split(
        "\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a search agent over benchmarks")
    _common(run)
    run.add_argument("--agent", default="random", choices=sorted(bl.AGENTS))
    run.add_argument("--budget-seconds", type=float, default=60.0,
                     help="search time per benchmark (default 60)")
    run.add_argument("--actions", default=None,
                     help="action set: safe (the default of random and "
                     "greedy), compact (qlearn's default), all")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--step-timeout", type=float, default=60.0)
    run.add_argument("--plugin", help="libSwitchyard.so (default: found "
                     "from the build)")
    run.add_argument("--plot", metavar="PNG")
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
    base = sub.add_parser("baselines", help="print (and cache) the "
                          "-O0/-Oz/-O3 baselines")
    _common(base)
    args = parser.parse_args(argv)

    def interrupted(signum, frame):
        raise KeyboardInterrupt  # unwinds: compilers killed, files removed
    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        if args.command == "run":
            return _run(args)
        return _baselines(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
