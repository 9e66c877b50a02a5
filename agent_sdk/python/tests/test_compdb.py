# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Real builds as datasets: the compile database of a gcc + ccache build of
a multi-file project made here, its whole target linked into one benchmark
and validated by the project's own test; and the modules embedded in
objects built with -Xclang -fembed-bitcode=all."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import compiler_env
from switchyard import compdb, datasets, runner

pytestmark = pytest.mark.skipif(
    not (shutil.which("gcc") and shutil.which("ccache") and
         shutil.which("cmake")),
    reason="needs gcc, ccache and cmake: scripts/install-deps.sh")

HEADER = """\
#ifndef WORDSTAT_H
#define WORDSTAT_H
#include <stddef.h>
struct counts { size_t words, lines, chars, longest; unsigned hash; };
void count_text(const char *text, struct counts *c);
unsigned fnv1a(const char *s, size_t n);
void print_counts(const struct counts *c, const char *label);
#endif
"""
COUNT_C = """\
#include "wordstat.h"
#include <ctype.h>
#include <string.h>
void count_text(const char *text, struct counts *c) {
  size_t run = 0;
  memset(c, 0, sizeof *c);
  for (const char *p = text; *p; ++p) {
    c->chars++;
    if (*p == '\\n') c->lines++;
    if (isalpha((unsigned char)*p)) {
      if (run++ == 0) c->words++;
      if (run > c->longest) c->longest = run;
    } else {
      run = 0;
    }
  }
  c->hash = fnv1a(text, c->chars);
}
"""
HASH_C = """\
#include "wordstat.h"
unsigned fnv1a(const char *s, size_t n) {
  unsigned h = 2166136261u;
  for (size_t i = 0; i < n; ++i) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}
"""
REPORT_C = """\
#include "wordstat.h"
#include <stdio.h>
void print_counts(const struct counts *c, const char *label) {
  printf("%s: %zu words, %zu lines, %zu chars, longest %zu, hash %08x\\n",
         label, c->words, c->lines, c->chars, c->longest, c->hash);
}
"""
MAIN_C = """\
#include "wordstat.h"
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  static char buf[1 << 16];
  for (int i = 1; i < argc; ++i) {
    FILE *f = fopen(argv[i], "r");
    if (!f) return 2;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    struct counts c;
    count_text(buf, &c);
    print_counts(&c, argv[i]);
  }
  return 0;
}
"""
# A second program in the same build: --target picks one of the two.
TOOL_C = """\
#include "wordstat.h"
int main(void) { return (int)(fnv1a("x", 1) & 1); }
"""
CMAKELISTS = """\
cmake_minimum_required(VERSION 3.20)
project(wordstat C)
add_compile_options(-O2 -g -Wall -Wno-maybe-uninitialized
  -fno-allow-store-data-races -fconserve-stack
  "SHELL:--param max-inline-insns-single=40")
add_executable(wordstat src/main.c src/count.c src/hash.c src/report.c)
target_include_directories(wordstat PRIVATE include)
target_compile_definitions(wordstat PRIVATE WORDSTAT_VERSION=3)
add_executable(hashtool src/tool.c src/hash.c)
target_include_directories(hashtool PRIVATE include)
"""
INPUT = "The quick brown fox\njumps over the lazy dog.\nAgain and again!\n"
# The project's own test: run the program, compare with what it must print.
# It runs in the database's directory, the build directory.
CHECK = 'cd ../tests && "$SWITCHYARD_EXE" input.txt > got.txt && ' \
        'cmp -s got.txt expected.txt'


@pytest.fixture(scope="module")
def project(tmp_path_factory, private_cache):
    """The project, configured with CC="ccache gcc" (CMake's database
    then names the wrapper; CMAKE_C_COMPILER_LAUNCHER would leave it out),
    built, its test output recorded from the gcc build; the database gets
    the entries a real build's database may also hold (a preprocess step,
    an assembly output and source, a link) and more wrapper forms."""
    root = tmp_path_factory.mktemp("wordstat")
    for rel, text in (("include/wordstat.h", HEADER), ("src/main.c", MAIN_C),
                      ("src/count.c", COUNT_C), ("src/hash.c", HASH_C),
                      ("src/report.c", REPORT_C), ("src/tool.c", TOOL_C),
                      ("src/start.s", ".text\n"),
                      ("CMakeLists.txt", CMAKELISTS),
                      ("tests/input.txt", INPUT)):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    env = dict(os.environ, CCACHE_DIR=str(root / "ccache"), CC="ccache gcc")
    build = root / "build"
    subprocess.run(
        ["cmake", "-S", str(root), "-B", str(build),
         "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"], env=env, check=True,
        stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", str(build)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    stats = subprocess.run(["ccache", "--print-stats"], env=env, check=True,
                           stdout=subprocess.PIPE).stdout.decode()
    misses = dict(line.split("\t") for line in stats.splitlines()
                  if "\t" in line).get("cache_miss", "0")
    assert int(misses) >= 5, "the build did not go through ccache"
    expected = subprocess.run([str(build / "wordstat"), "input.txt"],
                              cwd=root / "tests", check=True,
                              stdout=subprocess.PIPE).stdout
    assert b"12 words, 3 lines" in expected
    (root / "tests" / "expected.txt").write_bytes(expected)

    db = build / "compile_commands.json"
    entries = json.loads(db.read_text())
    assert all(e["command"].split()[:2] == [shutil.which("ccache"), "gcc"]
               for e in entries), entries
    # Debian's ccache as gcc (/usr/lib/ccache/gcc), and a path to gcc.
    main = next(e for e in entries if e["file"].endswith("main.c"))
    main["command"] = main["command"].replace(
        shutil.which("ccache") + " gcc", "/usr/lib/ccache/gcc", 1)
    report = next(e for e in entries if e["file"].endswith("report.c"))
    report["command"] = report["command"].replace(
        shutil.which("ccache") + " gcc", "ccache /usr/bin/gcc", 1)
    d = str(build)
    entries += [
        {"directory": d, "file": str(root / "src/count.c"),
         "command": "gcc -E -Iinclude %s" % (root / "src/count.c")},
        {"directory": d, "file": str(root / "src/hash.c"),
         "arguments": ["distcc", "gcc", "-S", "-O2", str(root / "src/hash.c"),
                       "-o", "hash.s"]},
        {"directory": d, "file": str(root / "src/start.s"),
         "command": "gcc -c %s -o start.o" % (root / "src/start.s")},
        {"directory": d, "file": "wordstat",
         "command": "gcc CMakeFiles/wordstat.dir/src/main.c.o -o wordstat"},
    ]
    db.write_text(json.dumps(entries, indent=1))
    return root, db


def test_the_database_translates_to_clang(project):
    root, db = project
    units, skipped = compdb.load_database(str(db), "*/wordstat.dir/*")
    assert sorted(os.path.basename(u.file) for u in units) == [
        "count.c", "hash.c", "main.c", "report.c"]
    for u in units:
        assert "-DWORDSTAT_VERSION=3" in u.flags
        assert not any(f.startswith(("-O", "-g", "-W", "-fconserve",
                                     "-fno-allow", "--param", "-o"))
                       for f in u.flags), u.flags
        assert ("-fno-allow-store-data-races",
                "dropped: unknown to clang-22") in u.changes
        assert ("--param max-inline-insns-single=40",
                "dropped: gcc only") in u.changes
    why = {os.path.basename(s.file): s.reason for s in skipped}
    assert why == {"count.c": "preprocess only", "hash.c": "assembly output",
                   "start.s": "assembly source",
                   "wordstat": "not a C/C++ source (a link or archive step)"}


def test_a_whole_target_with_its_test_as_the_oracle(project, plugin):
    root, db = project
    data = datasets.from_compile_commands(
        str(db), link=True, target="*/wordstat.dir/*", check_command=CHECK)
    assert any("-fconserve-stack" in n and "4 files" in n
               for n in data.notes), data.notes
    bench, = data
    assert bench.check_kind == "command"
    base = bench.baselines()
    assert base["Oz"].inst_count < base["O0"].inst_count
    assert bench.self_check(bench.bitcode())
    # The oracle can fail: a program that prints something else.
    wrong = datasets.Benchmark(
        "wrong", units=bench.units, link_flags=bench.link_flags,
        cwd=bench.cwd, check="command",
        check_command=CHECK.replace("expected.txt", "input.txt"))
    result = wrong.self_check(bench.bitcode())
    assert not result and "check command failed" in result.detail

    r = runner.run_benchmark(bench, "random", 60, seed=2, budget_steps=25,
                             plugin=plugin, shorten_seconds=5)
    v = r.validation
    assert v.ok and v.self_check == "check command passed", v
    assert v.replay_inst_count == v.plain_inst_count == r.inst_count
    assert r.inst_count < base["O0"].inst_count


def test_the_runner_on_the_whole_target(project, plugin, tmp_path):
    root, db = project
    env = compiler_env(SWITCHYARD_CACHE_DIR=os.environ["SWITCHYARD_CACHE_DIR"])
    result = subprocess.run(
        [sys.executable, "-m", "switchyard", "run", "--dataset", str(db),
         "--link", "--target", "*/wordstat.dir/*", "--check-command", CHECK,
         "--agent", "random", "--budget-steps", "15", "--budget-seconds",
         "60", "--plugin", plugin, "--json", "r.json"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        timeout=300)
    err = result.stderr.decode()
    assert result.returncode == 0, err
    assert "dropped -fno-allow-store-data-races: unknown to clang-22" in err
    assert "skipped %s: assembly source" % (root / "src/start.s") in err
    r, = json.loads((tmp_path / "r.json").read_text())["results"]
    assert r["benchmark"] == "build/wordstat" and r["validation"]["ok"]
    assert r["validation"]["self_check"] == "check command passed"


def test_without_a_target_two_mains_do_not_link(project):
    root, db = project
    bench, = datasets.from_compile_commands(str(db), link=True)
    with pytest.raises(Exception, match="main"):
        bench.bitcode()


def test_embedded_bitcode(project, plugin, tmp_path):
    root, db = project
    objects = tmp_path / "objects"
    objects.mkdir()
    for name in ("main", "count", "hash", "report"):
        subprocess.run(["clang-22", "-Oz", *compdb.EMBED_FLAGS, "-c",
                        "-I", str(root / "include"),
                        str(root / "src" / (name + ".c")),
                        "-o", str(objects / (name + ".o"))], check=True)
    bench, = datasets.from_objects(str(objects), check_command=CHECK,
                                   cwd=str(root / "build"))
    # The modules before any LLVM pass: the same as the database's target.
    linked, = datasets.from_compile_commands(
        str(db), link=True, target="*/wordstat.dir/*")
    assert bench.baseline("O0").inst_count == linked.baseline("O0").inst_count
    assert bench.self_check(bench.bitcode())
    r = runner.run_benchmark(bench, "random", 60, seed=1, budget_steps=20,
                             plugin=plugin, shorten_seconds=0)
    assert r.validation.ok, r.validation
    assert r.validation.self_check == "check command passed"

    plain = tmp_path / "plain.o"
    subprocess.run(["clang-22", "-c", str(root / "src" / "hash.c"), "-I",
                    str(root / "include"), "-o", str(plain)], check=True)
    with pytest.raises(ValueError, match="no embedded bitcode"):
        compdb.embedded_bitcode(str(plain))
