# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The LLVM tools the environments, datasets and baselines run, and what
they measure without Switchyard: instruction counts of textual IR and
`.text` bytes of object files.

Tools are found by environment variable first (`SWITCHYARD_OPT`,
`SWITCHYARD_CLANG`, `SWITCHYARD_LLC`, `SWITCHYARD_LLVM_LINK`,
`SWITCHYARD_LLVM_DIS`), then as `opt-22`, `clang-22`, ... on PATH, then
without the version suffix. The plugin is `SWITCHYARD_PLUGIN`, or
`plugin/libSwitchyard.so` in `SWITCHYARD_BUILD_DIR`, or the one installed
with this package (`cmake --install` or the Debian package), or the one of
the build tree whose generated protocol code this package imported.
`switchyard-agent` is found the same way (`SWITCHYARD_AGENT_BIN`).
"""

import functools
import importlib
import io
import os
import re
import shutil
import subprocess

__all__ = ["ToolError", "find_tool", "find_plugin", "find_agent",
           "require",
           "installed_layout", "llvm_version", "run",
           "count_ir_instructions", "elf_text_size", "object_text_size",
           "LLC_FLAGS"]

LLVM_MAJOR = 22

_ENV = {"opt": "SWITCHYARD_OPT", "clang": "SWITCHYARD_CLANG",
        "llc": "SWITCHYARD_LLC", "llvm-link": "SWITCHYARD_LLVM_LINK",
        "llvm-dis": "SWITCHYARD_LLVM_DIS", "clang++": "SWITCHYARD_CLANGXX"}

#: How an optimized module becomes an object file for `.text` sizes and
#: self-checks: code generation only, at llc's default level, the same
#: for every candidate and every baseline.
LLC_FLAGS = ("-O2", "-filetype=obj", "-relocation-model=pic")


class ToolError(RuntimeError):
    """A tool failed, timed out or is missing; the message says which and
    ends with the tail of its stderr."""


def require(module, package, purpose, error=ToolError):
    """`import module` for \\p purpose ("reading .text sizes"), or raises
    \\p error naming the Debian \\p package that brings it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise error("%s needs %s: apt-get install %s" % (
            purpose, module.split(".")[0], package)) from None


@functools.lru_cache(maxsize=None)
def find_tool(name):
    """The path of LLVM tool \\p name ("opt", "clang", "llc", ...)."""
    var = _ENV.get(name)
    if var and os.environ.get(var):
        return os.environ[var]
    for candidate in ("%s-%d" % (name, LLVM_MAJOR), name):
        path = shutil.which(candidate)
        if path:
            return path
    raise ToolError("cannot find %s-%d on PATH%s" % (
        name, LLVM_MAJOR, " (or set %s)" % var if var else ""))


def _build_dir_of_package():
    """The build tree whose gen/ directory provided `switchyard.fb`."""
    try:
        from . import fb
    except ImportError:  # pragma: no cover
        return None
    # <build>/agent_sdk/python/gen/switchyard/fb/__init__.py
    path = os.path.abspath(fb.__file__)
    for _ in range(6):
        path = os.path.dirname(path)
    return path


def installed_layout():
    """Where `cmake --install` put the plugin, switchyard-agent and the
    bundled suite beside this package (its `_layout` module, written at
    install time), or None when the package runs from a source tree."""
    try:
        from . import _layout
    except ImportError:
        return None
    return _layout


def _find_built(path, variable, build_path, installed, what):
    """\\p path, else $\\p variable, else \\p build_path in
    $SWITCHYARD_BUILD_DIR, else \\p installed (an attribute of the
    installed layout), else \\p build_path in this package's build tree."""
    candidates = [path, os.environ.get(variable)]
    build = os.environ.get("SWITCHYARD_BUILD_DIR")
    if build:
        candidates.append(os.path.join(build, build_path))
    layout = installed_layout()
    if layout is not None:
        candidates.append(getattr(layout, installed))
    build = _build_dir_of_package()
    if build:
        candidates.append(os.path.join(build, build_path))
    for c in candidates:
        if c and os.path.isfile(c):
            return os.path.abspath(c)
    if path:
        raise ToolError("no %s at %s" % (what, path))
    raise ToolError("cannot find %s: set %s or SWITCHYARD_BUILD_DIR, or "
                    "install Switchyard (cmake --install, or its Debian "
                    "package)" % (what, variable))


def find_plugin(path=None):
    """The path of libSwitchyard.so; raises ToolError if there is none."""
    return _find_built(path, "SWITCHYARD_PLUGIN",
                       os.path.join("plugin", "libSwitchyard.so"), "PLUGIN",
                       "libSwitchyard.so")


def find_agent(path=None):
    """The path of the C++ agent, switchyard-agent."""
    return _find_built(path, "SWITCHYARD_AGENT_BIN",
                       os.path.join("agent_sdk", "switchyard-agent"),
                       "AGENT", "switchyard-agent")


@functools.lru_cache(maxsize=None)
def llvm_version(opt=None):
    """The LLVM version string of \\p opt, e.g. "22.1.8"."""
    out = run([opt or find_tool("opt"), "--version"], timeout=60).stdout
    m = re.search(rb"LLVM version (\S+)", out)
    return m.group(1).decode() if m else out.decode(errors="replace").strip()


def _tail(data, lines=20):
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) \
        else (data or "")
    return "\n".join(text.rstrip().splitlines()[-lines:])


def run(argv, *, timeout=300, input=None, cwd=None, env=None, check=True):
    """Runs \\p argv with captured output; raises ToolError on a timeout,
    or on a non-zero status when \\p check."""
    try:
        result = subprocess.run(
            [str(a) for a in argv], input=input, cwd=cwd, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise ToolError("%s timed out after %gs\n%s" % (
            os.path.basename(str(argv[0])), timeout,
            _tail(e.stderr))) from None
    except OSError as e:
        raise ToolError("cannot run %s: %s" % (argv[0], e)) from None
    if check and result.returncode != 0:
        status = result.returncode
        how = ("killed by signal %d" % -status if status < 0
               else "exit status %d" % status)
        raise ToolError("%s failed (%s): %s\n%s" % (
            os.path.basename(str(argv[0])), how,
            " ".join(str(a) for a in argv[1:])[:300], _tail(result.stderr)))
    return result


_CONTINUATION = re.compile(r"(catch|filter)\s")


# Our own counter, not a library: no Debian package parses LLVM 22's textual
# IR (llvmlite binds an older LLVM), and the plugin's count is the reference.
def count_ir_instructions(ir_text):
    """Instructions in the function bodies of textual IR, counted without
    LLVM: the same number as Switchyard's `inst-count` observation.

    In a body every instruction starts an indented line; labels start at
    column 0; debug records start with `#dbg_`; a `switch` lists its cases
    on the lines up to the one that starts with `]` (which may carry
    metadata: `], !llvm.loop !7`), and a `landingpad` its clauses on the
    next indented lines."""
    count = 0
    in_body = in_switch = False
    for line in ir_text.splitlines():
        if not in_body:
            if line.startswith("define ") and line.rstrip().endswith("{"):
                in_body = True
            continue
        if line.startswith("}"):
            in_body = in_switch = False
            continue
        if not line or not line[0].isspace():
            continue  # a label or an empty line
        s = line.strip()
        if not s or s[0] == ";" or s.startswith("#dbg_"):
            continue
        if in_switch:
            if s.startswith("]"):  # "]" or "], !llvm.loop !7"
                in_switch = False
            continue
        if s == "cleanup" or _CONTINUATION.match(s):
            continue
        count += 1
        code = s.split(";", 1)[0].rstrip()
        if code.endswith("["):
            in_switch = True
    return count


def elf_text_size(data):
    """Bytes of code in an ELF object (bytes): the sizes of its `.text` and
    `.text.*` sections (pyelftools reads the section headers)."""
    elffile = require("elftools.elf.elffile", "python3-pyelftools",
                      "reading .text sizes")
    ELFError = require("elftools.common.exceptions", "python3-pyelftools",
                       "reading .text sizes").ELFError
    try:
        elf = elffile.ELFFile(io.BytesIO(bytes(data)))
        return sum(s["sh_size"] for s in elf.iter_sections()
                   if s["sh_type"] == "SHT_PROGBITS" and
                   (s.name == ".text" or s.name.startswith(".text.")))
    except ELFError as e:
        raise ValueError("not an ELF file: %s" % e) from None


def object_text_size(bitcode, *, llc=None, timeout=300, extra=()):
    """`.text` bytes of \\p bitcode (bytes or a path) compiled by llc."""
    llc = llc or find_tool("llc")
    if isinstance(bitcode, (bytes, bytearray)):
        result = run([llc, *LLC_FLAGS, *extra, "-", "-o", "-"],
                     input=bytes(bitcode), timeout=timeout)
    else:
        result = run([llc, *LLC_FLAGS, *extra, os.fspath(bitcode), "-o",
                      "-"], timeout=timeout)
    return elf_text_size(result.stdout)
