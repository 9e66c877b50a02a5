# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Compile databases and objects from real builds, as clang-22 inputs.

A `compile_commands.json` written by a gcc build (CMake's
`CMAKE_EXPORT_COMPILE_COMMANDS`, bear, ...) does not compile with clang
as it is: its commands start with wrappers (`ccache`, `distcc`), name gcc,
carry gcc-only flags (`-fno-allow-store-data-races`, `-fconserve-stack`,
`--param`), and may list entries that compile nothing (links, `-E`, `-S`,
assembly files). `translate` turns one entry into what clang-22 needs to
make the entry's LLVM module, or says why it is skipped; every flag it
drops or translates is reported with the reason.

What clang-22 rejects is asked of clang-22 itself (`clang-22 -###`, which
parses a command line without compiling), so the table below holds only
the flags that have a clang spelling, and those that take a separate
argument.

Objects built with `-Xclang -fembed-bitcode=all` (as MLGO's corpus
extraction does) carry their module, before any LLVM pass, in the ELF
section `.llvmbc`, and their cc1 command line in `.llvmcmd`;
`embedded_bitcode` reads both with pyelftools.
"""

import fnmatch
import functools
import json
import os
import re
import shlex
import subprocess
from dataclasses import dataclass
from typing import Optional, Tuple

from .tools import find_tool, require

__all__ = ["CompileUnit", "Skipped", "translate", "unwrap",
           "load_database", "embedded_bitcode", "EMBED_FLAGS"]

#: Programs that run the compiler named after them.
WRAPPERS = ("ccache", "sccache", "distcc", "icecc", "buildcache",
            "colorgcc")
_COMPILER = re.compile(
    r"^(?:[\w.+]+-)*(gcc|g\+\+|cc|c\+\+|clang|clang\+\+)(?:-\d+(?:\.\d+)*)?$")
_SOURCE_EXTS = (".c", ".cc", ".cpp", ".cxx", ".c++", ".C", ".i", ".ii")
_CXX_EXTS = (".cc", ".cpp", ".cxx", ".c++", ".C", ".ii")
_ASM_EXTS = (".s", ".S", ".sx", ".asm")

#: gcc flags with a clang-22 spelling.
_TRANSLATE = {
    "-mindirect-branch=thunk-extern": "-mretpoline-external-thunk",
    "-mindirect-branch=thunk": "-mretpoline",
    "-ftree-loop-vectorize": "-fvectorize",
    "-fno-tree-loop-vectorize": "-fno-vectorize",
    "-ftree-slp-vectorize": "-fslp-vectorize",
    "-fno-tree-slp-vectorize": "-fno-slp-vectorize",
}
#: Flags whose argument is the next word, dropped with it: outputs and
#: dependency files (the module has its own), and gcc's `--param`.
_DROP_WITH_ARG = {"-o": "output", "-MF": "dependency file",
                  "-MT": "dependency file", "-MQ": "dependency file",
                  "--param": "gcc only", "-Xassembler": "assembler",
                  "-Xlinker": "linker"}
#: Flags that do not belong in the frontend module of an -O<level>
#: pipeline: optimization, debug, instrumentation and output flags (the
#: module is made as `clang-22 -Oz` makes it), warnings, link and
#: assembler flags.
_DROP_EXACT = {"-c": None, "-MD": None, "-MMD": None, "-MP": None,
               "-pipe": None, "-emit-llvm": None, "-save-temps": None}
_DROP_PREFIX = (("-O", "optimization level"), ("-g", "debug info"),
                ("-flto", "LTO"), ("-fprofile", "instrumentation"),
                ("-fcoverage", "instrumentation"),
                ("--coverage", "instrumentation"),
                ("-fsanitize", "instrumentation"), ("-Wl,", "linker"),
                ("-Wa,", "assembler"), ("-fdiagnostics", "diagnostics"),
                ("-fembed-bitcode", "embedded bitcode"))
#: Entries that compile to something other than an object.
_NOT_A_COMPILE = {"-E": "preprocess only", "-S": "assembly output",
                  "-M": "dependencies only", "-MM": "dependencies only",
                  "-fsyntax-only": "syntax check only"}

#: The flags that make an object carry its module for `from_objects`.
EMBED_FLAGS = ("-Xclang", "-fembed-bitcode=all")


@dataclass(frozen=True)
class CompileUnit:
    """One translation unit as clang-22 compiles it: `flags` (no -c, -o,
    -O, source), run in `directory`. `changes` lists each flag dropped or
    translated, as (flag, what became of it)."""
    file: str
    directory: str
    flags: Tuple[str, ...]
    language: str             # "c" or "c++"
    output: Optional[str]     # the build's object file, if it named one
    changes: Tuple[Tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Skipped:
    """An entry that compiles nothing to optimize, and why."""
    file: str
    reason: str


def unwrap(argv):
    """(compiler, arguments) of \\p argv without its wrappers: `ccache
    gcc -c x.c`, `/usr/bin/ccache /usr/bin/gcc ...`, `distcc gcc ...`,
    `ccache -c x.c` (ccache's own compiler, cc). Raises ValueError for a
    command that runs no C/C++ compiler."""
    argv = list(argv)
    while argv and (os.path.basename(argv[0]) in WRAPPERS or
                    re.fullmatch(r"\w+=.*", argv[0]) or
                    os.path.basename(argv[0]) == "env"):
        argv.pop(0)
        if argv and argv[0].startswith("-") or not argv:
            argv.insert(0, "cc")  # the wrapper's default compiler
    if not argv or not _COMPILER.match(os.path.basename(argv[0])):
        raise ValueError("not a C/C++ compiler: %s" % (
            argv[0] if argv else "empty command"))
    return argv[0], argv[1:]


@functools.lru_cache(maxsize=None)
def _rejected_by_clang(flags, language):
    """The flags of \\p flags that clang-22's driver rejects or ignores,
    as {flag: why}; its own parse, without compiling (-###)."""
    out = {}
    argv = [find_tool("clang"), "-###", "-c", "-x", language, os.devnull,
            "-o", os.devnull, *flags]
    for _ in range(3):
        result = subprocess.run(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL, timeout=60)
        text = result.stderr.decode("utf-8", "replace")
        found = {}
        for pattern, why in (
                (r"unknown argument:? '([^']+)'", "unknown to clang-22"),
                (r"optimization flag '([^']+)' is not supported",
                 "not supported by clang-22"),
                (r"argument unused during compilation: '([^']+)'",
                 "unused by clang-22")):
            for flag in re.findall(pattern, text):
                found[flag] = why
        out.update(found)
        argv = [a for a in argv if a not in found]
        if result.returncode == 0:
            return out
        if not found:
            raise ValueError("clang-22 rejects these flags: %s\n%s" % (
                " ".join(flags), text.strip()))
    raise ValueError("clang-22 keeps rejecting: %s" % text.strip())


def translate(entry, root=None):
    """A `CompileUnit` for one compile-database entry (a dict with
    "directory", "file", and "arguments" or "command"), or a `Skipped`
    that says why it compiles nothing to optimize. Raises ValueError for a
    malformed entry."""
    if not isinstance(entry, dict) or "file" not in entry or not (
            "command" in entry or "arguments" in entry):
        raise ValueError("not a compile-database entry: %r" % (entry,))
    directory = entry.get("directory") or root or os.getcwd()
    file = os.path.normpath(os.path.join(directory, entry["file"]))
    argv = (list(entry["arguments"]) if "arguments" in entry
            else shlex.split(entry["command"]))
    try:
        compiler, args = unwrap(argv)
    except ValueError as e:
        return Skipped(file, str(e))
    if file.endswith(_ASM_EXTS):
        return Skipped(file, "assembly source")
    if not file.endswith(_SOURCE_EXTS):
        return Skipped(file, "not a C/C++ source (a link or archive step)")
    cxx = "++" in os.path.basename(compiler) or file.endswith(_CXX_EXTS)
    flags, changes, output, compiles = [], [], None, False
    words = iter(args)
    for a in words:
        if a in _NOT_A_COMPILE:
            return Skipped(file, _NOT_A_COMPILE[a])
        if a == "-c":
            compiles = True
        elif a in _DROP_WITH_ARG:
            value = next(words, "")
            if a == "-o":
                output = os.path.normpath(os.path.join(directory, value))
            elif _DROP_WITH_ARG[a] == "gcc only":
                changes.append(("%s %s" % (a, value), "dropped: gcc only"))
        elif a.startswith("-o") and len(a) > 2:
            output = os.path.normpath(os.path.join(directory, a[2:]))
        elif a == "-x":
            language = next(words, "")
            cxx = language.startswith("c++")
            flags += [a, language]
        elif a in _DROP_EXACT or a.startswith(
                tuple(p for p, _ in _DROP_PREFIX)):
            continue
        elif a.startswith("-W") and not a.startswith("-Wp,"):
            continue  # warnings: the module is the same without them
        elif a in _TRANSLATE:
            flags.append(_TRANSLATE[a])
            changes.append((a, "translated: " + _TRANSLATE[a]))
        elif not a.startswith("-") and os.path.normpath(
                os.path.join(directory, a)) == file:
            continue
        else:
            flags.append(a)
    if not compiles:
        return Skipped(file, "no -c: a compile-and-link step")
    language = "c++" if cxx else "c"
    rejected = _rejected_by_clang(tuple(flags), language)
    if rejected:
        flags = [f for f in flags if f not in rejected]
        changes += [(f, "dropped: " + why) for f, why in rejected.items()]
    return CompileUnit(file, directory, tuple(flags), language, output,
                       tuple(changes))


def load_database(path, target=None):
    """The entries of the compile database \\p path: (units, skipped).
    \\p target, if given, is a glob (or a list of them) that keeps only the
    entries whose source or output matches (CMake writes the objects of
    target NAME to `.../CMakeFiles/NAME.dir/...`: `"*/NAME.dir/*"`). A file
    compiled twice is kept once (a link would define its symbols twice)."""
    with open(path, encoding="utf-8") as f:
        try:
            entries = json.load(f)
        except ValueError as e:
            raise ValueError("%s: not valid JSON: %s" % (path, e)) from None
    if not isinstance(entries, list):
        raise ValueError("%s: not a compilation database (a list of "
                         "{directory, file, command or arguments})" % path)
    root = os.path.dirname(os.path.abspath(path))
    patterns = [target] if isinstance(target, str) else list(target or ())
    units, skipped, seen = [], [], set()
    for entry in entries:
        try:
            unit = translate(entry, root)
        except ValueError as e:
            raise ValueError("%s: %s" % (path, e)) from None
        if isinstance(unit, Skipped):
            skipped.append(unit)
            continue
        if patterns and not any(
                fnmatch.fnmatch(p, pat) for pat in patterns
                for p in (unit.file, unit.output or "")):
            continue
        if unit.file in seen:
            skipped.append(Skipped(unit.file, "compiled again"))
            continue
        seen.add(unit.file)
        units.append(unit)
    return units, skipped


def embedded_bitcode(obj):
    """(bitcode, cc1 arguments) of an object built with
    `-Xclang -fembed-bitcode=all` (the module before any LLVM pass) or
    `-fembed-bitcode` (after the -O pipeline). Raises ValueError if \\p obj
    carries none."""
    elffile = require("elftools.elf.elffile", "python3-pyelftools",
                      "reading embedded bitcode")
    ELFError = require("elftools.common.exceptions", "python3-pyelftools",
                       "reading embedded bitcode").ELFError
    with open(obj, "rb") as f:
        try:
            elf = elffile.ELFFile(f)
            section = elf.get_section_by_name(".llvmbc")
            if section is None or section.data_size == 0:
                raise ValueError(
                    "%s has no embedded bitcode (.llvmbc): build it with %s"
                    % (obj, " ".join(EMBED_FLAGS)))
            bitcode = section.data()
            cmd = elf.get_section_by_name(".llvmcmd")
            args = [a.decode("utf-8", "replace") for a in
                    cmd.data().split(b"\0") if a] if cmd else []
        except ELFError as e:
            raise ValueError("%s: not an ELF object: %s" % (obj, e)) \
                from None
    return bitcode, args
