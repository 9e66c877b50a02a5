# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The command line of `switchyard` (the installed command),
`python3 -m switchyard` and `switchyard.main`.

    python3 -m switchyard --socket PATH
                          [--policy default|random[:SEED]|script:FILE]
                          [--seed N]
                          [--log FILE] [--print-reports] [--quiet]
                          [--allow-other-users] [--handshake-timeout-ms N]
                          [-- COMMAND ARGS...]

With a COMMAND, the agent runs it with SWITCHYARD_AGENT=PATH in its
environment, serves it (and every compiler it starts), and exits with its
status. Without one, it serves until SIGINT or SIGTERM. `main(agent)` gives
an agent script the same command line, without --policy and --seed.

    switchyard run|baselines ...     the search runner (switchyard.runner)
    switchyard paths                 where the plugin, switchyard-agent, the
                                     bundled suite and the LLVM tools are
"""

import argparse
import os
import signal
import sys

from .agent import make_policy, parse_seed
from .server import Server

__all__ = ["main", "command"]


# Not json.dumps: the log must be byte for byte switchyard-agent's, which
# writes every control character as \u00XX (json.dumps writes \n, \t).
def _json(text):
    """A JSON string as switchyard-agent writes it: UTF-8 as is, control
    characters as \\u00XX."""
    out = ['"']
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif c < " ":
            out.append("\\u%04x" % ord(c))
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def _observation_json(o):
    """An observation as switchyard-agent logs it: zero opcode counts and
    the IR itself left out."""
    parts = ['"inst_count":%d' % o.inst_count]

    def counts(items):
        return "{%s}" % ",".join(_json(n) + ":%d" % c for n, c in items)
    if o.function_names is not None and o.function_counts is not None:
        parts.append('"functions":' + counts(zip(
            o.function_names, o.function_counts.tolist())))
    if o.opcode_names is not None and o.opcode_counts is not None:
        parts.append('"opcodes":' + counts(
            (n, c) for n, c in zip(o.opcode_names, o.opcode_counts.tolist())
            if c))
        parts.append('"opcode_vector_length":%d' % len(o.opcode_counts))
    if o.autophase is not None:
        parts.append('"autophase":[%s]' % ",".join(
            str(v) for v in o.autophase.tolist()))
    if o.ir_hash:
        parts.append('"ir_hash":"%016x"' % o.ir_hash)
    if o.ir_text is not None:
        parts.append('"ir_text_bytes":%d' % len(o.ir_text.encode("utf-8")))
    if o.bitcode is not None:
        parts.append('"bitcode_bytes":%d' % len(o.bitcode))
    if o.dialect_names is not None and o.dialect_counts is not None:
        parts.append('"dialects":' + counts(zip(
            o.dialect_names, o.dialect_counts.tolist())))
    return "{%s}" % ",".join(parts)


def _log_line(session, request, answer):
    """One JSON object per decision, as switchyard-agent --log writes."""
    def number(v):
        return "%.17g" % v

    features = ",".join(_json(n) + ":" + number(v)
                        for n, v in zip(request.feature_names,
                                        request.feature_array.tolist()))
    extra = ""
    if request.previous_error:
        extra += ',"previous_error":' + _json(request.previous_error)
    if request.observation is not None:
        extra += ',"obs":' + _observation_json(request.observation)
    if answer.use_default:
        text = "default"
    else:
        reply = answer.reply_to(request)
        text = request.describe(reply.choice)
    return ('{"conn":%d,"pid":%d,"id":%d,"kind":%s,"module":%s,'
            '"function":%s,"pass":%s,"unit_kind":%s,"unit":%s,"site":%d,'
            '"index":%d,"features":{%s}%s,"default":%s,"answer":%s}\n' % (
                session.id, session.peer_pid, request.id,
                _json(request.kind), _json(request.module),
                _json(request.function), _json(request.pass_name),
                _json(request.unit_kind), _json(request.unit_name),
                request.site_id, request.index, features, extra,
                _json(request.describe(request.default)),
                _json(text)))


def _report_line(prog, report):
    line = ("%s: report: module %s: IR instructions %d -> %d, agent wait "
            "%.3f ms" % (prog, report.module, report.inst_count_before,
                         report.inst_count_after, report.agent_wait_ns / 1e6))
    for kind, s in report.stats.items():
        line += ("; %s: agent %d (changed %d), local default %d, fallback %d"
                 % (kind, s.agent, s.agent_changed, s.local_default,
                    s.fallback))
    if report.error:
        line += "; error: " + report.error
    return line


_COMMANDS = """commands:
  run        run a search agent (random, greedy, qlearn) over benchmarks:
             a results table against -Oz, JSON, plots
  baselines  the -O0/-Oz/-O3 sizes of benchmarks (fills the cache)
  paths      where the plugin, switchyard-agent, the bundled suite and the
             LLVM tools are found

Each has its own --help: %(prog)s run --help
"""


def int_argument(text):
    """An argparse type: an integer in Python's notation (42, 0x2a)."""
    try:
        return int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError("not an integer: %r" % text) \
            from None


def _seed(text):
    try:
        return parse_seed(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _action_space(policy):
    """The plugin's pass-pipeline action space, for checking a script's
    rules as it loads, if the script has pipeline rules and a plugin is
    at hand (SWITCHYARD_PLUGIN, SWITCHYARD_BUILD_DIR, or this package's
    build); else None, and each compiler's Hello is checked instead."""
    if not policy.startswith("script:"):
        return None
    try:
        with open(policy[len("script:"):], encoding="utf-8") as f:
            if not any(line.split("#", 1)[0].split()[:1] == [
                    "pass-pipeline"] for line in f):
                return None
    except OSError:
        return None  # make_policy says why
    try:
        from .env import probe_action_space
        return probe_action_space().names
    except Exception:  # no plugin or no opt here: check at each Hello
        return None


def main(agent=None, argv=None, prog=None):
    """Parses the command line, serves \\p agent (or the --policy), and
    returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = []
    if "--" in argv:
        split = argv.index("--")
        argv, command = argv[:split], argv[split + 1:]
    if prog is None:
        prog = (os.path.basename(sys.argv[0]) if agent is not None
                else "switchyard")
    usage_prog = _usage_prog() if prog == "switchyard" else prog
    parser = argparse.ArgumentParser(
        prog=usage_prog,
        usage="%(prog)s --socket PATH [options] [-- COMMAND ...]" + (
            "\n       %(prog)s {run,baselines,paths} ..." if agent is None
            else ""),
        description="Serve a Switchyard agent to compilers; with a COMMAND, "
        "run it with SWITCHYARD_AGENT set and exit with its status.",
        epilog=None if agent is not None else _COMMANDS % {
            "prog": usage_prog},
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--socket", required=True, help="the Unix socket")
    if agent is None:
        parser.add_argument("--policy", default="default",
                            metavar="default|random[:SEED]|script:FILE",
                            help="the built-in policy to serve (default: "
                            "default); random:SEED is random with that "
                            "seed; script:FILE runs first-match rules "
                            "(docs/agents.md)")
        parser.add_argument("--seed", type=_seed, default=None,
                            help="the random policy's seed (default 0), as "
                            "switchyard-agent reads it: 42, 0x2a, 0b101010")
    parser.add_argument("--log", metavar="FILE",
                        help="one JSON line per decision")
    parser.add_argument("--print-reports", action="store_true",
                        help="one line per module report")
    parser.add_argument("--allow-other-users", action="store_true")
    parser.add_argument("--handshake-timeout-ms", type=int_argument, default=10000)
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.handshake_timeout_ms <= 0:
        parser.error("--handshake-timeout-ms must be positive, not %d"
                     % args.handshake_timeout_ms)
    if agent is None:
        try:
            agent = make_policy(args.policy, args.seed,
                                action_space=_action_space(args.policy))
        except OSError as e:
            parser.error("--policy %s: %s" % (args.policy,
                                              e.strerror or e))
        except ValueError as e:
            parser.error("--policy %s: %s" % (args.policy, e))
    try:
        log_file = open(args.log, "w", encoding="utf-8") if args.log \
            else None
    except OSError as e:
        parser.error("--log %s: %s" % (args.log, e.strerror or e))

    def log(line):
        print("%s: %s" % (prog, line), file=sys.stderr, flush=True)

    on_decision = None
    if log_file:
        def on_decision(session, request, answer):
            log_file.write(_log_line(session, request, answer))
    on_report = None
    if args.print_reports:
        def on_report(session, report):
            print(_report_line(prog, report), file=sys.stderr, flush=True)

    try:
        server = Server(args.socket, agent,
                        allow_other_users=args.allow_other_users,
                        handshake_timeout=args.handshake_timeout_ms / 1000,
                        log=log, on_decision=on_decision,
                        on_report=on_report)
    except OSError as e:
        log("cannot listen on '%s': %s" % (args.socket, e.strerror or e))
        return 1

    status = 0

    def on_signal(signum, frame):
        nonlocal status
        if server.child is not None:
            # The command decides when we are done; pass the signal on.
            server.child.send_signal(signum)
            return
        status = 128 + signum
        server.close()

    previous = {s: signal.signal(s, on_signal)
                for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        with server:
            if command:
                try:
                    status = server.run(command)
                except OSError as e:
                    log("cannot run '%s': %s" % (command[0],
                                                 e.strerror or e))
                    status = 127
            else:
                server.serve_forever()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if log_file:
            log_file.close()

    if not args.quiet:
        st = server.stats
        kinds = ", ".join("%s %d" % kv for kv in
                          sorted(st.decisions_by_kind.items()))
        log("%d connections, %d decisions%s, %d refused, %d dropped"
            % (st.connections, st.decisions,
               " (%s)" % kinds if kinds else "", st.refused, st.dropped))
    return status


def _usage_prog():
    """The command as it is typed, for usage and errors: the installed
    `switchyard`, or `python3 -m switchyard`."""
    return ("switchyard" if os.path.basename(sys.argv[0]) == "switchyard"
            else "python3 -m switchyard")


def _paths(argv, prog):
    """`switchyard paths`: what this package runs with, one `name: path`
    line each; status 1 if something is missing."""
    from . import datasets, tools
    parser = argparse.ArgumentParser(
        prog=prog + " paths", description="Where the plugin, "
        "switchyard-agent, the bundled suite and the LLVM tools are found "
        "(see switchyard.tools).")
    parser.parse_args(argv)

    def suite():
        root = datasets.source_root()
        if root is None:
            raise tools.ToolError("set SWITCHYARD_SOURCE_DIR to the "
                                  "directory that holds examples/")
        return os.path.join(root, "examples")
    status = 0
    rows = [("package", lambda: os.path.dirname(os.path.abspath(__file__))),
            ("plugin", tools.find_plugin), ("agent", tools.find_agent),
            ("suite", suite), ("cache", datasets.cache_dir)]
    rows += [(t, lambda t=t: tools.find_tool(t))
             for t in ("opt", "clang", "llc", "llvm-link", "llvm-dis")]
    for name, find in rows:
        try:
            print("%s: %s" % (name, find()))
        except tools.ToolError as e:
            print("%s: not found (%s)" % (name, e))
            status = 1
    return status


def command(argv=None):
    """`switchyard ARGS` and `python3 -m switchyard ARGS`: the runner's
    `run` and `baselines`, `paths`, or else serve a built-in policy
    (`main`). Returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    prog = _usage_prog()
    if argv[:1] in (["run"], ["baselines"]):
        from .runner import main as runner_main
        return runner_main(argv, prog=prog)
    if argv[:1] == ["paths"]:
        return _paths(argv[1:], prog)
    return main(argv=argv)
