# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Benchmarks for the environments: the bundled suite and your own code.

    from switchyard import datasets
    suite = datasets.suite()                 # examples/suite/*.c and friends
    b = suite["sha256"]                      # or suite[0]
    b.bitcode()                              # unoptimized, built once
    b.baselines()["Oz"].inst_count           # -O0, -Oz, -O3: IR size, .text
    b.self_check("candidate.bc")             # build it and run its check

    mine = datasets.from_directory("src/")             # C/C++ files
    mine = datasets.from_compile_commands("build/compile_commands.json")
    prog = datasets.from_compile_commands(             # a whole target,
        "build/compile_commands.json", link=True,      # its test the check
        target="*/prog.dir/*", check_command="../test.sh $SWITCHYARD_EXE")
    prog = datasets.from_objects("build/")             # -fembed-bitcode
    mine = datasets.from_bitcode("bitcode/")           # .bc / .ll files

Every benchmark becomes one LLVM module: its sources compiled by clang-22
exactly as `clang-22 -Oz` would compile them, but stopped before the first
LLVM pass (`-Oz -Xclang -disable-llvm-passes`: functions carry `minsize
optsize`, and TBAA and lifetime markers are there), several files linked
with llvm-link-22. Every pipeline starts from this unoptimized module, so
`opt-22 -passes='default<Oz>'` on it is (almost: see "Oz" below) a
real `clang-22 -Oz`. The module
and its baselines are cached on disk under `$SWITCHYARD_CACHE_DIR`
(default `~/.cache/switchyard`), keyed by a hash of the input's content
(sources and the local headers they include, flags) and the LLVM version,
so they are computed once.

Baselines: the IR instruction count, counted from the text of the module,
and the `.text` bytes of its object file from `llc-22` (flags in
`switchyard.tools.LLC_FLAGS`), for
- "O0": the unoptimized module itself, no pass run;
- "Oz": `opt-22 -passes='default<Oz>'` on it, as CompilerGym's -Oz
  baseline. This is `clang-22 -Oz` but for one difference: clang also
  turns on the SLP vectorizer, which opt cannot do for a `default<...>`
  pipeline (on sha256, clang -Oz has 491 instructions, this 497);
- "O3": the sources' `-O3` frontend module through `default<O3>` (for a
  bitcode benchmark, the module itself).

Self-checks: the bundled programs print `OK` and exit 0 when every check
passes (`check="ok"`). A user program with a `main` is checked
differentially (`check="differential"`): it must print the same output and
exit with the same status as its unoptimized build. A whole target of a
compile database may have the project's own test as its check
(`check="command"`). Modules without `main` have no check.
"""

import fnmatch
import glob
import hashlib
import json
import os
import re
import shlex
import tempfile
from dataclasses import asdict, dataclass

from .tools import (LLC_FLAGS, ToolError, count_ir_instructions, find_tool,
                    installed_layout, llvm_version, object_text_size, run)

__all__ = ["Benchmark", "Baseline", "CheckResult", "Dataset", "suite",
           "from_directory", "from_compile_commands", "from_bitcode",
           "from_objects",
           "load", "resolve", "cache_dir", "source_root", "LEVELS",
           "UnknownBenchmark"]

#: The baselines every benchmark has.
LEVELS = ("O0", "Oz", "O3")
#: Bumped when the way modules or baselines are made changes.
_FORMAT = 4
_SOURCE_EXTS = (".c", ".cc", ".cpp", ".cxx", ".C")
_CXX_EXTS = (".cc", ".cpp", ".cxx", ".C")
#: The frontend flags of a module that an -O<level> pipeline starts from.
def _frontend(level):
    return ("-" + level, "-Xclang", "-disable-llvm-passes", "-emit-llvm",
            "-c")


def source_root():
    """The directory whose `examples/` holds the bundled suite:
    `$SWITCHYARD_SOURCE_DIR`, the Switchyard checkout this package runs
    from, or `share/switchyard` of an installed package; None if there is
    none of them."""
    env = os.environ.get("SWITCHYARD_SOURCE_DIR")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(os.path.dirname(here)))
    if os.path.isdir(os.path.join(root, "examples")):
        return root
    layout = installed_layout()
    if layout is not None and os.path.isdir(
            os.path.join(layout.DATA, "examples")):
        return layout.DATA
    return None


def cache_dir():
    """Where modules and baselines are cached."""
    env = os.environ.get("SWITCHYARD_CACHE_DIR")
    if env:
        return env
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache")
    return os.path.join(base, "switchyard")


def _atomic_write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


_INCLUDE = re.compile(rb'^\s*#\s*include\s*"([^"]+)"', re.M)


def _local_files(path, seen):
    """\\p path and the files it includes with "..." that exist next to it,
    recursively."""
    path = os.path.abspath(path)
    if path in seen or not os.path.isfile(path):
        return
    seen.add(path)
    with open(path, "rb") as f:
        data = f.read()
    for name in _INCLUDE.findall(data):
        _local_files(os.path.join(os.path.dirname(path),
                                  name.decode("utf-8", "replace")), seen)


@dataclass(frozen=True)
class Baseline:
    """The size of a benchmark after one standard pipeline."""
    inst_count: int  # IR instructions
    text_size: int   # .text bytes of the object file


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: str = ""

    def __bool__(self):
        return self.ok


class Benchmark:
    """One program or module to optimize.

    `sources`: C/C++ files compiled (with `flags`, in `cwd`) and linked
    into one module; or `units`: (source, flags, directory) triples, each
    file compiled with its own flags where its build compiled it (a whole
    target of a compile database); or `module`: an existing .bc/.ll file.
    `link_flags` go to the final link of a self-check build (e.g. `-lm`).
    `check` is "ok", "differential", "command" (`check_command`, a shell
    command run in `cwd` with the program's path in $SWITCHYARD_EXE, must
    exit 0) or None (see the module doc)."""

    def __init__(self, name, *, sources=(), module=None, flags=(),
                 link_flags=(), check=None, cwd=None, units=(),
                 check_command=None):
        if (bool(sources) + bool(module) + bool(units)) != 1:
            raise ValueError("a benchmark needs sources, units or a module")
        if check == "command" and not check_command:
            raise ValueError("check='command' needs a check_command")
        self.name = name
        self.units = tuple(
            (os.path.abspath(os.path.join(d or "", f)), tuple(fl),
             os.path.abspath(d) if d else None) for f, fl, d in units)
        self.sources = tuple(os.path.abspath(os.path.join(cwd or "", s))
                             for s in sources) or tuple(
                                 u[0] for u in self.units)
        self.module = os.path.abspath(module) if module else None
        self.flags = tuple(flags)
        self.link_flags = tuple(link_flags)
        self.check = check
        self.check_command = check_command
        self.cwd = os.path.abspath(cwd) if cwd else None
        self._key = None
        self._baselines = None

    def compile_units(self):
        """(source, flags, directory) of each file of the module."""
        if self.units:
            return self.units
        return tuple((s, self.flags, self.cwd) for s in self.sources)

    def __repr__(self):
        return "Benchmark(%r)" % self.name

    # --- Identity and cache --------------------------------------------------

    @property
    def key(self):
        """Hex digest of the input's content, flags and LLVM version."""
        if self._key is None:
            h = hashlib.sha256()
            h.update(("switchyard-benchmark %d\nllvm %s\nflags %r\nlink %r\n"
                      "llc %r\n" % (_FORMAT, llvm_version(), self.flags,
                                    self.link_flags, LLC_FLAGS)).encode())
            if self.units:  # each file's flags; not its directory
                h.update(b"units %r\n" % [fl for _, fl, _ in self.units])
            if self.check_command:
                h.update(b"check %r\n" % self.check_command)
            files = set()
            for s in self.sources or (self.module,):
                _local_files(s, files)
                if not os.path.isfile(s):
                    raise FileNotFoundError(s)
            common = os.path.commonpath(sorted(files)) if files else ""
            for path in sorted(files):
                rel = os.path.relpath(path, common) if len(files) > 1 \
                    else os.path.basename(path)
                with open(path, "rb") as f:
                    data = f.read()
                h.update(b"file %s %d\n" % (rel.encode(), len(data)))
                h.update(data)
            self._key = h.hexdigest()[:32]
        return self._key

    @property
    def cache(self):
        return os.path.join(cache_dir(), "benchmarks", self.key)

    @property
    def language(self):
        return "c++" if any(s.endswith(_CXX_EXTS) for s in self.sources) \
            else "c"

    # --- The module ----------------------------------------------------------

    def bitcode(self, level="Oz"):
        """The path of the benchmark's unoptimized module, as the frontend
        makes it for `clang-22 -<level>` (built once, cached). A bitcode
        benchmark has one module for every level."""
        if self.module:
            ext = ".ll" if self.module.endswith(".ll") else ".bc"
            out = os.path.join(self.cache, "input" + ext)
        else:
            out = os.path.join(self.cache, "input-%s.bc" % level)
        if os.path.isfile(out):
            return out
        os.makedirs(self.cache, exist_ok=True)
        if self.module:
            with open(self.module, "rb") as f:
                _atomic_write(out, f.read())
            return out
        with tempfile.TemporaryDirectory(dir=self.cache) as tmp:
            parts = []
            for i, (src, flags, cwd) in enumerate(self.compile_units()):
                part = os.path.join(tmp, "%d.bc" % i)
                run([find_tool("clang"), *flags, *_frontend(level), src,
                     "-o", part], cwd=cwd or os.path.dirname(src))
                parts.append(part)
            if len(parts) == 1:
                linked = parts[0]
            else:
                linked = os.path.join(tmp, "linked.bc")
                run([find_tool("llvm-link"), *parts, "-o", linked])
            with open(linked, "rb") as f:
                _atomic_write(out, f.read())
        return out

    def frontend_command(self, level="Oz"):
        """How `bitcode(level)` was made, as shell commands."""
        if self.module:
            return "cp %s input%s" % (self.module, os.path.splitext(
                self.module)[1])
        if self.units:
            lines = ["(cd %s && clang-22 %s %s -o %d.bc)" % (
                shlex.quote(d or os.path.dirname(f)), " ".join(
                    shlex.quote(a) for a in fl + _frontend(level)),
                shlex.quote(f), i)
                for i, (f, fl, d) in enumerate(self.units)]
            return "; ".join(lines) + "; llvm-link-22 %s -o input.bc" % \
                " ".join("%d.bc" % i for i in range(len(self.units)))
        flags = " ".join(self.flags + _frontend(level))
        if len(self.sources) == 1:
            return "clang-22 %s %s -o input.bc" % (flags, self.sources[0])
        return "for f in %s; do clang-22 %s $f -o ${f%%.*}.bc; done; " \
            "llvm-link-22 *.bc -o input.bc" % (" ".join(self.sources), flags)

    # --- Baselines -----------------------------------------------------------

    def _measure(self, level, tmp):
        """The Baseline of \\p level, and whether the module has a main."""
        out = os.path.join(tmp, level + ".bc")
        if level == "O0":
            run([find_tool("opt"), self.bitcode(), "-o", out])
        else:
            run([find_tool("opt"), "-passes=default<%s>" % level,
                 self.bitcode(level), "-o", out])
        text = run([find_tool("llvm-dis"), out, "-o", "-"]).stdout.decode(
            "utf-8", "replace")
        has_main = re.search(r"^define [^@]*@main\(", text, re.M) is not None
        return (Baseline(count_ir_instructions(text), object_text_size(out)),
                has_main)

    def baselines(self, levels=LEVELS):
        """{level: Baseline} for -O0, -Oz, -O3 (and any other level asked
        for, e.g. "O2"), computed once and cached."""
        if self._baselines is None:
            path = os.path.join(self.cache, "baselines.json")
            try:
                with open(path) as f:
                    data = json.load(f)
            except (OSError, ValueError):
                data = {}
            self._baselines = data
        missing = [lv for lv in levels if lv not in
                   self._baselines.get("levels", {})]
        if missing:
            with tempfile.TemporaryDirectory() as tmp:
                for level in missing:
                    base, has_main = self._measure(level, tmp)
                    self._baselines.setdefault("levels", {})[level] = \
                        asdict(base)
                    self._baselines["has_main"] = has_main
            self._baselines["llvm"] = llvm_version()
            self._baselines["name"] = self.name
            _atomic_write(os.path.join(self.cache, "baselines.json"),
                          json.dumps(self._baselines, indent=1,
                                     sort_keys=True))
        return {lv: Baseline(**self._baselines["levels"][lv])
                for lv in levels}

    def baseline(self, level):
        return self.baselines((level,))[level]

    @property
    def has_main(self):
        self.baselines(("O0",))
        return bool(self._baselines.get("has_main"))

    # --- Self-checks ---------------------------------------------------------

    @property
    def check_kind(self):
        """"ok", "differential", "command", or None when there is nothing
        to run."""
        if self.check == "command":
            return "command"
        if self.check in ("ok", "differential"):
            return self.check if self.has_main else None
        return None

    def build(self, module, exe, timeout=300):
        """Links an executable from \\p module (an optimized .bc/.ll) with
        code generation only: llc-22, then clang-22 to link."""
        obj = exe + ".o"
        run([find_tool("llc"), *LLC_FLAGS, os.fspath(module), "-o", obj],
            timeout=timeout)
        linker = find_tool("clang++" if self.language == "c++" else "clang")
        run([linker, obj, "-o", exe, *self.link_flags], timeout=timeout)
        return exe

    def _run(self, exe, timeout):
        try:
            result = run([exe], timeout=timeout, check=False,
                         cwd=self.cwd or os.path.dirname(exe))
        except ToolError as e:
            return None, str(e)
        return result, ""

    def _expected(self, timeout):
        """The unoptimized build's output and status, for differential
        checks."""
        path = os.path.join(self.cache, "expected.json")
        try:
            with open(path) as f:
                return json.load(f)
        except (OSError, ValueError):
            pass
        with tempfile.TemporaryDirectory() as tmp:
            exe = self.build(self.bitcode(), os.path.join(tmp, "o0"))
            result, error = self._run(exe, timeout)
        if result is None:
            raise ToolError("the unoptimized build of %s fails: %s"
                            % (self.name, error))
        data = {"status": result.returncode,
                "stdout": hashlib.sha256(result.stdout).hexdigest()}
        _atomic_write(path, json.dumps(data))
        return data

    def _check_command(self, exe, timeout):
        """Runs the project's own test on \\p exe: `check_command` in a
        shell, in `cwd`, with SWITCHYARD_EXE set."""
        env = dict(os.environ, SWITCHYARD_EXE=exe)
        try:
            result = run(["/bin/sh", "-c", self.check_command],
                         timeout=timeout, check=False, env=env,
                         cwd=self.cwd or os.path.dirname(exe))
        except ToolError as e:
            return CheckResult(False, str(e))
        if result.returncode == 0:
            return CheckResult(True, "check command passed")
        tail = (result.stdout + result.stderr).decode(
            "utf-8", "replace").strip().splitlines()[-1:]
        return CheckResult(False, "check command failed (exit %d)%s" % (
            result.returncode, ": " + tail[0][:200] if tail else ""))

    def self_check(self, module, timeout=120):
        """Builds \\p module (a .bc/.ll path) into a program and runs its
        check. A `CheckResult`: true if it passed or there is no check."""
        kind = self.check_kind
        if kind is None:
            return CheckResult(True, "no self-check")
        with tempfile.TemporaryDirectory() as tmp:
            try:
                exe = self.build(module, os.path.join(tmp, "prog"))
            except ToolError as e:
                return CheckResult(False, "build failed: %s" % e)
            if kind == "command":
                return self._check_command(exe, timeout)
            result, error = self._run(exe, timeout)
        if result is None:
            return CheckResult(False, error)
        out = result.stdout.decode("utf-8", "replace")
        if kind == "ok":
            ok = result.returncode == 0 and "OK" in out.split()
            last = [ln for ln in out.splitlines() if ln.strip()][-1:]
            return CheckResult(ok, "OK" if ok else "exit %d: %s" % (
                result.returncode, last[0][:120] if last else "no output"))
        want = self._expected(timeout)
        got = hashlib.sha256(result.stdout).hexdigest()
        ok = result.returncode == want["status"] and got == want["stdout"]
        return CheckResult(ok, "same output as unoptimized" if ok else
                           "differs from unoptimized (exit %d)"
                           % result.returncode)


class UnknownBenchmark(KeyError):
    """A benchmark name that is not in the dataset; its message reads as
    a sentence (a KeyError's would be quoted)."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


def _names_list(names, most=12):
    if len(names) <= most:
        return ", ".join(names) or "none"
    return "%s, ... (%d in all)" % (", ".join(names[:most]), len(names))


class Dataset:
    """An ordered collection of benchmarks, indexed by position or name (a
    full name like "suite/sha256", or its last part, "sha256")."""

    def __init__(self, name, benchmarks, notes=()):
        self.name = name
        self.benchmarks = list(benchmarks)
        #: What importing it changed or left out (see from_compile_commands).
        self.notes = list(notes)

    def __len__(self):
        return len(self.benchmarks)

    def __iter__(self):
        return iter(self.benchmarks)

    def __repr__(self):
        return "Dataset(%r, %d benchmarks)" % (self.name, len(self))

    def names(self):
        return [b.name for b in self.benchmarks]

    def __getitem__(self, key):
        if isinstance(key, (int, slice)):
            return self.benchmarks[key]
        for b in self.benchmarks:
            if b.name == key:
                return b
        short = [b for b in self.benchmarks
                 if b.name.rsplit("/", 1)[-1] == key]
        if len(short) == 1:
            return short[0]
        if len(short) > 1:
            raise UnknownBenchmark("%r is ambiguous in %s: %s" % (
                key, self.name, ", ".join(b.name for b in short)))
        raise UnknownBenchmark("no benchmark %r in %s (have: %s)" % (
            key, self.name, _names_list(self.names())))

    def __contains__(self, key):
        try:
            self[key]
        except KeyError:
            return False
        return True

    def select(self, patterns):
        """The benchmarks whose name (or last part) matches one of the
        glob \\p patterns, in dataset order."""
        if isinstance(patterns, str):
            patterns = [p for p in patterns.split(",") if p]
        out = []
        for b in self.benchmarks:
            short = b.name.rsplit("/", 1)[-1]
            if any(fnmatch.fnmatchcase(b.name, p) or
                   fnmatch.fnmatchcase(short, p) for p in patterns):
                out.append(b)
        missing = [p for p in patterns if not any(
            fnmatch.fnmatchcase(b.name, p) or
            fnmatch.fnmatchcase(b.name.rsplit("/", 1)[-1], p)
            for b in self.benchmarks)]
        if missing:
            raise UnknownBenchmark("no benchmark matches %s in %s (have: %s)"
                                   % (", ".join(repr(m) for m in missing),
                                      self.name, _names_list(self.names())))
        return Dataset(self.name, out)

    def __add__(self, other):
        return Dataset(self.name + "+" + other.name,
                       self.benchmarks + other.benchmarks)


def suite(root=None):
    """The bundled suite: `examples/suite/*.c`, then `bigprog`, `demo`,
    and `multifile` (five files linked into one module). Every program
    prints OK when its self-check passes."""
    root = root or source_root()
    if not root:
        raise FileNotFoundError(
            "cannot find the bundled suite: it is in a Switchyard checkout's "
            "examples/ and in an installed Switchyard's share/switchyard/"
            "examples/; set SWITCHYARD_SOURCE_DIR to the directory that "
            "holds examples/")
    ex = os.path.join(root, "examples")
    out = []
    for path in sorted(glob.glob(os.path.join(ex, "suite", "*.c"))):
        stem = os.path.splitext(os.path.basename(path))[0]
        out.append(Benchmark("suite/" + stem, sources=[path],
                             link_flags=["-lm"], check="ok"))
    for name in ("bigprog", "demo"):
        path = os.path.join(ex, name, name + ".c")
        if os.path.isfile(path):
            out.append(Benchmark(name, sources=[path], link_flags=["-lm"],
                                 check="ok"))
    multi = sorted(glob.glob(os.path.join(ex, "multifile", "*.c")))
    if multi:
        out.append(Benchmark("multifile", sources=multi,
                             flags=["-std=c99"], link_flags=["-lm"],
                             check="ok"))
    return Dataset("suite", out)


def from_directory(path, *, flags=(), link_flags=("-lm",),
                   check="differential", recursive=False):
    """One benchmark per C/C++ source file in \\p path, named
    "<dir>/<stem>"; programs with a `main` are checked differentially."""
    path = os.path.abspath(path)
    pattern = os.path.join(path, "**" if recursive else "", "*")
    files = sorted(f for f in glob.glob(pattern, recursive=recursive)
                   if f.endswith(_SOURCE_EXTS) and os.path.isfile(f))
    base = os.path.basename(path.rstrip("/"))
    return Dataset(base, [
        Benchmark("%s/%s" % (base, os.path.splitext(
            os.path.relpath(f, path))[0]), sources=[f], flags=flags,
            link_flags=link_flags, check=check) for f in files])


def from_bitcode(path):
    """One benchmark per .bc or .ll file in \\p path (no self-check)."""
    path = os.path.abspath(path)
    files = sorted(f for f in glob.glob(os.path.join(path, "*"))
                   if f.endswith((".bc", ".ll")))
    base = os.path.basename(path.rstrip("/"))
    return Dataset(base, [
        Benchmark("%s/%s" % (base, os.path.splitext(os.path.basename(f))[0]),
                  module=f) for f in files])


def _change_notes(units, skipped):
    """One line per flag dropped or translated (with how many files had
    it) and per skipped entry: what importing a build changed."""
    counts = {}
    for u in units:
        for flag, what in u.changes:
            counts[(flag, what)] = counts.get((flag, what), 0) + 1
    notes = ["%s %s (%d file%s)" % (what.split(":")[0], flag + ":" +
                                    what.split(":", 1)[1], n,
                                    "" if n == 1 else "s")
             for (flag, what), n in sorted(counts.items())]
    notes += ["skipped %s: %s" % (k.file, k.reason) for k in skipped]
    return notes


def _target_name(target):
    """"linked", or the name in the glob of a CMake target ("*/NAME.dir/*"),
    or the glob with its punctuation made underscores."""
    if not target:
        return "linked"
    text = target if isinstance(target, str) else ",".join(target)
    m = re.fullmatch(r"\*?/?([\w.+-]+)\.dir/\*", text)
    return m.group(1) if m else re.sub(r"[^\w.-]+", "_", text).strip("_")


def from_compile_commands(path, *, name=None, link=False, target=None,
                          check_command=None, link_flags=("-lm",)):
    """Benchmarks from a `compile_commands.json` (CMake:
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON; bear; any compiler, through any
    wrapper), each file compiled by clang-22 with its own flags translated
    (`switchyard.compdb`: wrappers stripped, gcc-only flags dropped or
    translated, non-compile entries skipped; the dataset's `notes` say
    which).

    By default one benchmark per translation unit, with no self-check (a
    translation unit is not a program). With \\p link, one benchmark: the
    whole target, its units (those matching the glob \\p target, if given)
    linked into one module with llvm-link-22, checked with
    \\p check_command (the project's own test, run in the database's
    directory with the program in $SWITCHYARD_EXE) or else, if it has a
    `main`, differentially."""
    from . import compdb
    units, skipped = compdb.load_database(path, target)
    root = os.path.dirname(os.path.abspath(path))
    name = name or os.path.basename(root)
    if link:
        out = [Benchmark(
            "%s/%s" % (name, _target_name(target)),
            units=[(u.file, u.flags, u.directory) for u in units],
            link_flags=link_flags, cwd=root,
            check="command" if check_command else "differential",
            check_command=check_command)] if units else []
    else:
        out, seen = [], {}
        for u in units:
            stem = os.path.splitext(os.path.basename(u.file))[0]
            n = seen[stem] = seen.get(stem, 0) + 1
            out.append(Benchmark(
                "%s/%s" % (name, stem if n == 1 else "%s.%d" % (stem, n)),
                sources=[u.file], flags=u.flags, cwd=u.directory))
    data = Dataset(name, out)
    data.notes = _change_notes(units, skipped)
    return data


def from_objects(paths, *, name=None, link=True, check_command=None,
                 link_flags=("-lm",), cwd=None):
    """Benchmarks from the modules embedded in objects built with
    `-Xclang -fembed-bitcode=all` (as MLGO's corpus extraction builds
    them): \\p paths are object files or directories of them. With
    \\p link (default), one benchmark: the modules linked with
    llvm-link-22 into the whole program, checked as in
    `from_compile_commands`; else one bitcode benchmark per object."""
    from . import compdb
    if isinstance(paths, str):
        paths = [paths]
    objects = []
    for p in paths:
        if os.path.isdir(p):
            objects += sorted(glob.glob(os.path.join(p, "**", "*.o"),
                                        recursive=True))
        elif os.path.isfile(p):
            objects.append(p)
        else:
            raise FileNotFoundError("no object file or directory %s" % p)
    if not objects:
        raise ValueError("no object files in %s" % ", ".join(paths))
    h = hashlib.sha256()
    extracted = []
    for obj in objects:
        bitcode, _ = compdb.embedded_bitcode(obj)
        h.update(b"%d\n" % len(bitcode) + bitcode)
        extracted.append((obj, bitcode))
    store = os.path.join(cache_dir(), "embedded", h.hexdigest()[:32])
    files = []
    for i, (obj, bitcode) in enumerate(extracted):
        f = os.path.join(store, "%d-%s.bc" % (i, os.path.splitext(
            os.path.basename(obj))[0]))
        if not os.path.isfile(f):
            _atomic_write(f, bitcode)
        files.append(f)
    name = name or os.path.basename(os.path.abspath(
        cwd or os.path.dirname(objects[0])))
    if not link:
        return Dataset(name, [Benchmark("%s/%s" % (name, os.path.splitext(
            os.path.basename(o))[0]), module=f)
            for o, f in zip(objects, files)])
    linked = os.path.join(store, "linked.bc")
    if not os.path.isfile(linked):
        tmp = linked + ".tmp%d" % os.getpid()
        run([find_tool("llvm-link"), *files, "-o", tmp])
        os.replace(tmp, linked)
    return Dataset(name, [Benchmark(
        "%s/linked" % name, module=linked, link_flags=link_flags,
        cwd=cwd or os.path.dirname(os.path.abspath(objects[0])),
        check="command" if check_command else "differential",
        check_command=check_command)])


def load(spec, *, link=False, target=None, check_command=None):
    """A dataset from a spec: "suite", a compile_commands.json, or a
    directory (of bitcode if it holds .bc/.ll files and no sources, with a
    compile_commands.json if it has one, else of sources). \\p link,
    \\p target and \\p check_command are `from_compile_commands`'s (a
    compile database's whole target as one benchmark)."""
    if isinstance(spec, Dataset):
        return spec
    db = None
    if os.path.isfile(spec) and spec.endswith(".json"):
        db = spec
    elif os.path.isdir(spec) and os.path.isfile(
            os.path.join(spec, "compile_commands.json")):
        db = os.path.join(spec, "compile_commands.json")
    if (link or target or check_command) and db is None:
        raise ValueError("linking a whole target, --target and a check "
                         "command need a compile_commands.json, not %s"
                         % spec)
    if spec == "suite":
        return suite()
    if db is not None:
        data = from_compile_commands(db, link=link, target=target,
                                     check_command=check_command)
    elif os.path.isdir(spec):
        if any(n.endswith(_SOURCE_EXTS) for n in os.listdir(spec)):
            data = from_directory(spec)
        else:
            data = from_bitcode(spec)
    elif os.path.exists(spec):
        raise ValueError("not a dataset: %s (expected 'suite', a directory "
                         "or a compile_commands.json)" % spec)
    else:
        raise FileNotFoundError("no dataset %s: it is not 'suite' and no "
                                "such directory or file exists" % spec)
    if not len(data):
        raise ValueError("%s has no benchmarks (C/C++ sources, .bc or .ll "
                         "files, or compile_commands.json entries)" % spec)
    return data


def _looks_like_path(spec):
    return (spec.endswith(_SOURCE_EXTS + (".bc", ".ll")) or
            spec.startswith(("/", "./", "../", "~")))


def resolve(spec, dataset=None):
    """A `Benchmark` from a Benchmark, a name in \\p dataset (default: the
    suite), or a path to a .c/.cpp/.bc/.ll file. A path that does not
    exist raises FileNotFoundError; a name that is not in the dataset,
    UnknownBenchmark (a KeyError)."""
    if isinstance(spec, Benchmark):
        return spec
    if not isinstance(spec, str):
        raise TypeError("a benchmark is a Benchmark, a name or a file path, "
                        "not %r" % (spec,))
    path = os.path.expanduser(spec)
    if os.path.isfile(path):
        base = os.path.splitext(os.path.basename(path))[0]
        if path.endswith((".bc", ".ll")):
            return Benchmark("file/" + base, module=path)
        if not path.endswith(_SOURCE_EXTS):
            raise ValueError("%s: not a C/C++ source (%s), .bc or .ll file"
                             % (spec, " ".join(_SOURCE_EXTS)))
        return Benchmark("file/" + base, sources=[path], link_flags=["-lm"],
                         check="differential")
    if os.path.isdir(path) and _looks_like_path(spec):
        raise IsADirectoryError(
            "%s is a directory: one benchmark is one file; for every file "
            "in it use datasets.load(%r)" % (spec, spec))
    if _looks_like_path(spec):
        raise FileNotFoundError("benchmark file %s does not exist" % spec)
    return (dataset if dataset is not None else suite())[spec]
