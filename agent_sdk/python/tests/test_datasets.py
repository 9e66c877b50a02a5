# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""switchyard.datasets: the bundled suite, user programs from a directory,
a compile_commands.json or bitcode, the on-disk cache of modules and
baselines, and the self-checks."""

import json
import os
import shutil
import subprocess

import pytest

from switchyard import datasets, tools
from switchyard.env import PassPipelineEnv

PROGRAM = r"""
#include <stdio.h>
static int square(int x) { return x * x; }
int main(void) {
    int s = 0;
    for (int i = 0; i < 10; i++)
        switch (i % 3) { case 0: s += square(i); break;
                         case 1: s -= i; break; default: s ^= i; }
    printf("%d\n", s + VALUE);
    return 0;
}
"""

LIBRARY = "int twice(int x) { return x + x; }\n"


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SWITCHYARD_CACHE_DIR", str(tmp_path / "cache"))


def test_the_bundled_suite():
    suite = datasets.suite()
    names = suite.names()
    assert len(names) == len(set(names)) >= 28
    assert len([n for n in names if n.startswith("suite/")]) >= 25
    assert {"bigprog", "demo", "multifile"} <= set(names)
    assert all(b.check == "ok" for b in suite)
    assert suite["sha256"] is suite["suite/sha256"]
    assert len(suite["multifile"].sources) == 5
    assert [b.name for b in suite.select("suite/s*,demo")] == [
        n for n in names if n.startswith("suite/s") or n == "demo"]
    with pytest.raises(KeyError):
        suite["no-such-program"]


def test_the_suite_is_at_least_8000_lines():
    lines = 0
    for b in datasets.suite():
        if b.name.startswith("suite/"):
            with open(b.sources[0]) as f:
                lines += len(f.readlines())
    assert lines >= 8000


def test_baselines_are_cached_by_content_and_llvm_version(
        plugin, tmp_path, monkeypatch):
    src = tmp_path / "prog.c"
    src.write_text(PROGRAM)
    b = datasets.Benchmark("t/prog", sources=[str(src)], flags=["-DVALUE=1"],
                           check="differential")
    base = b.baselines()
    assert set(base) == {"O0", "Oz", "O3"}
    assert base["O0"].inst_count > base["Oz"].inst_count > 0
    assert base["Oz"].text_size > 0
    assert b.cache.startswith(os.environ["SWITCHYARD_CACHE_DIR"])
    with open(os.path.join(b.cache, "baselines.json")) as f:
        stored = json.load(f)
    assert stored["llvm"] == tools.llvm_version()

    # A second object reads the cache: no tool runs at all.
    def no_tools(*args, **kwargs):
        raise AssertionError("ran a tool: %r" % (args,))
    monkeypatch.setattr(datasets, "run", no_tools)
    again = datasets.Benchmark("t/prog", sources=[str(src)],
                               flags=["-DVALUE=1"], check="differential")
    assert again.key == b.key and again.baselines() == base
    assert again.bitcode() == b.bitcode()
    monkeypatch.undo()

    # Another content, flag or LLVM version is another key.
    other = datasets.Benchmark("t/prog", sources=[str(src)],
                               flags=["-DVALUE=2"])
    assert other.key != b.key
    src.write_text(PROGRAM + "\n/* edited */\n")
    assert datasets.Benchmark("t/prog", sources=[str(src)],
                              flags=["-DVALUE=1"]).key != b.key
    monkeypatch.setattr(datasets, "llvm_version", lambda: "23.0.0")
    src.write_text(PROGRAM)
    assert datasets.Benchmark("t/prog", sources=[str(src)],
                              flags=["-DVALUE=1"]).key != b.key


def test_the_unoptimized_module_counts_like_the_plugin(plugin):
    b = datasets.suite()["sha256"]
    env = PassPipelineEnv(b, plugin=plugin, observation="inst-count",
                          prestart=False)
    try:
        _, info = env.reset()
        assert info["inst_count"] == b.baseline("O0").inst_count
    finally:
        env.close()
    # The -Oz baseline is clang-22 -Oz but for the SLP vectorizer: close.
    out = subprocess.run([tools.find_tool("clang"), "-Oz", "-S",
                          "-emit-llvm", b.sources[0], "-o", "-"],
                         stdout=subprocess.PIPE, check=True).stdout.decode()
    clang_oz = tools.count_ir_instructions(out)
    assert abs(clang_oz - b.baseline("Oz").inst_count) <= 0.03 * clang_oz


def test_the_text_counter_agrees_with_the_plugin(plugin):
    """On the optimized IR of a few programs (switches with loop metadata,
    lookup tables, vectors, phis), counted by the plugin and from text."""
    from switchyard.env import replay
    for name, actions in [
            ("lexer", ["scc-oz-module-inliner", "simplifycfg<bonus-inst-"
                       "threshold=1;forward-switch-cond;switch-range-to-icmp;"
                       "switch-to-arithmetic;switch-to-lookup;no-keep-loops;"
                       "hoist-common-insts;no-hoist-loads-stores-with-cond-"
                       "faulting;sink-common-insts;speculate-blocks;simplify-"
                       "cond-branch;no-speculate-unpredictables>"]),
            ("json", ["sroa", "loop-rotate", "loop-vectorize", "gvn"]),
            ("bytecode", [])]:
        r = replay(datasets.suite()[name], actions, plugin=plugin)
        assert tools.count_ir_instructions(r.ir_text) == r.inst_count, name


def test_elf_text_size_matches_llvm_size(tmp_path):
    b = datasets.suite()["sha256"]
    obj = str(tmp_path / "x.o")
    subprocess.run([tools.find_tool("llc"), *tools.LLC_FLAGS, b.bitcode(),
                    "-o", obj], check=True)
    out = subprocess.run(["llvm-size-22", "-A", obj], check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    text = sum(int(line.split()[1]) for line in out.splitlines()
               if line.startswith(".text"))
    with open(obj, "rb") as f:
        assert tools.elf_text_size(f.read()) == text == \
            b.baseline("O0").text_size


def test_self_checks(tmp_path):
    sha = datasets.suite()["sha256"]
    assert sha.self_check(sha.bitcode()).detail == "OK"
    failing = tmp_path / "failing.c"
    failing.write_text('#include <stdio.h>\nint main(void) '
                       '{ puts("FAIL sum"); return 1; }\n')
    b = datasets.Benchmark("t/failing", sources=[str(failing)], check="ok")
    result = b.self_check(b.bitcode())
    assert not result and result.detail == "exit 1: FAIL sum"


def test_user_programs_from_a_directory(tmp_path):
    d = tmp_path / "mine"
    d.mkdir()
    (d / "prog.c").write_text(PROGRAM.replace("VALUE", "7"))
    (d / "lib.c").write_text(LIBRARY)
    (d / "notes.txt").write_text("not a source")
    data = datasets.from_directory(str(d))
    assert data.names() == ["mine/lib", "mine/prog"]
    prog, lib = data["prog"], data["lib"]
    assert prog.check_kind == "differential" and lib.check_kind is None
    assert prog.self_check(prog.bitcode()).ok
    assert lib.self_check(lib.bitcode()).detail == "no self-check"
    # A module that prints something else fails the differential check.
    other = tmp_path / "other.c"
    other.write_text(PROGRAM.replace("VALUE", "8"))
    changed = datasets.Benchmark("x", sources=[str(other)])
    assert not prog.self_check(changed.bitcode()).ok
    assert datasets.load(str(d)).names() == data.names()


def test_user_programs_from_compile_commands(tmp_path):
    d = tmp_path / "proj"
    (d / "src").mkdir(parents=True)
    (d / "src" / "prog.c").write_text(PROGRAM)
    (d / "src" / "lib.c").write_text(LIBRARY)
    commands = [
        {"directory": str(d), "file": "src/prog.c",
         "command": "/usr/bin/cc -O2 -g -DVALUE=42 -MD -MF x.d -c "
                    "src/prog.c -o build/prog.o"},
        {"directory": str(d), "file": str(d / "src" / "lib.c"),
         "arguments": ["gcc", "-Os", "-Wall", "-c", str(d / "src" / "lib.c"),
                       "-o", "lib.o"]},
    ]
    cc = d / "compile_commands.json"
    cc.write_text(json.dumps(commands))
    data = datasets.from_compile_commands(str(cc))
    assert data.names() == ["proj/prog", "proj/lib"]
    prog = data["prog"]
    assert "-DVALUE=42" in prog.flags and "-O2" not in prog.flags
    assert "-g" not in prog.flags and "-MF" not in prog.flags
    ir = subprocess.run([tools.find_tool("llvm-dis"), prog.bitcode(), "-o",
                         "-"], stdout=subprocess.PIPE,
                        check=True).stdout.decode()
    assert "42" in ir and "minsize" in ir  # -D kept, -Oz frontend
    assert data["lib"].baselines()["Oz"].inst_count > 0
    assert datasets.load(str(d)).names() == data.names()


def test_user_modules_from_bitcode(tmp_path):
    d = tmp_path / "bc"
    d.mkdir()
    shutil.copy(datasets.suite()["sha256"].bitcode(), d / "sha.bc")
    (d / "f.ll").write_text("define i32 @f(i32 %x) {\n  %y = add i32 %x, 0\n"
                            "  ret i32 %y\n}\n")
    data = datasets.from_bitcode(str(d))
    assert data.names() == ["bc/f", "bc/sha"]
    assert data["f"].baselines()["O0"].inst_count == 2
    assert data["f"].baselines()["Oz"].inst_count == 1
    assert data["sha"].baseline("Oz").inst_count == \
        datasets.suite()["sha256"].baseline("Oz").inst_count
    assert datasets.load(str(d)).names() == data.names()
    assert datasets.resolve(str(d / "f.ll")).name == "file/f"


def test_instruction_counter_handles_switches_and_landingpads():
    ir = """
define void @f(i32 %x) personality ptr null {
entry:
  switch i32 %x, label %d [
    i32 0, label %a
    i32 1, label %a
  ]
b:
  switch i32 %x, label %d [
    i32 0, label %a
  ], !llvm.loop !3
a:                                                ; preds = %entry, %entry
  invoke void @g() to label %d unwind label %lp
lp:
  %l = landingpad { ptr, i32 }
          cleanup
          catch ptr null
  #dbg_value(i32 %x, !1, !DIExpression(), !2)
  resume { ptr, i32 } %l
d:
  ret void
}
declare void @g()
"""
    assert tools.count_ir_instructions(ir) == 6
