# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The runner on the user's own code (a directory, a compile database), end
to end with shortening and validation; --jobs; the progress plot; and every
bad input of the command line and the API: a clear error naming the value,
no traceback, status 2 for usage errors, and nothing lost."""

import json
import os
import subprocess
import sys
import types

import numpy as np
import pytest

from switchyard import baselines, datasets
from switchyard.env import InvalidAction, PassPipelineEnv, SiteDecisionEnv
from conftest import compiler_env

PROGRAM = r"""
#include <stdio.h>
static int square(int x) { return x * x; }
int table[8];
int main(void) {
    int s = 0;
    for (int i = 0; i < 8; i++) table[i] = square(i) - i;
    for (int i = 0; i < 8; i++)
        switch (i %% 3) { case 0: s += table[i]; break;
                         case 1: s -= i; break; default: s ^= i; }
    printf("%%d\n", s + %d);
    return 0;
}
"""

LIBRARY = r"""
struct pair { int a, b; };
static int add(struct pair p) { return p.a + p.b; }
int twice(int x) { struct pair p = {x, x}; int r = add(p); return r; }
"""


# Each module gets a cache of its own (conftest.py).
pytestmark = pytest.mark.usefixtures("private_cache")


@pytest.fixture(scope="module")
def programs(tmp_path_factory):
    """A directory of the user's own C files: two programs, a library."""
    d = tmp_path_factory.mktemp("mine")
    (d / "prog.c").write_text(PROGRAM % 1)
    (d / "other.c").write_text(PROGRAM % 2)
    (d / "lib.c").write_text(LIBRARY)
    return d


def cli(args, cwd):
    env = compiler_env(SWITCHYARD_CACHE_DIR=os.environ[
        "SWITCHYARD_CACHE_DIR"])
    if os.environ.get("SWITCHYARD_BUILD_DIR"):
        env["SWITCHYARD_BUILD_DIR"] = os.environ["SWITCHYARD_BUILD_DIR"]
    result = subprocess.run([sys.executable, "-m", "switchyard"] + args,
                            cwd=str(cwd), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, timeout=600)
    return (result.returncode, result.stdout.decode(),
            result.stderr.decode())


# --- The user's own code, end to end -----------------------------------------

def _results(path):
    with open(path) as f:
        return {r["benchmark"]: r for r in json.load(f)["results"]}


def test_run_on_a_directory_of_c_files(plugin, programs, tmp_path):
    status, out, err = cli(
        ["run", "--dataset", str(programs), "--benchmarks", "prog,lib",
         "--budget-seconds", "1.5", "--json", "r.json", "--plot", "r.png",
         "--show-sequences", "--plugin", plugin], tmp_path)
    assert status == 0, out + err
    assert "Traceback" not in err
    name = os.path.basename(str(programs))
    results = _results(tmp_path / "r.json")
    assert set(results) == {name + "/prog", name + "/lib"}
    prog, lib = results[name + "/prog"], results[name + "/lib"]
    # It searched, shortened (the step that crashed on a user's dataset)
    # and validated: replayed with and without Switchyard, and the program
    # built from the result prints what the unoptimized one prints.
    assert prog["actions"] and "shortened" in prog
    for r in (prog, lib):
        v = r["validation"]
        assert v["ok"], v
        assert v["plain_inst_count"] == v["replay_inst_count"] == \
            r["inst_count"]
        assert r["trace"] and r["trace"][-1][2] >= r["inst_count"]
    assert prog["validation"]["self_check"] == "same output as unoptimized"
    assert lib["validation"]["self_check"] == "no self-check"
    assert "clang-22 -Oz" in out and "opt-22 -passes='" in out
    assert (tmp_path / "r.png").read_bytes()[:4] == b"\x89PNG"


def test_run_on_a_compile_database(plugin, tmp_path):
    src = tmp_path / "proj" / "src"
    src.mkdir(parents=True)
    (src / "prog.c").write_text((PROGRAM % 0).replace("s + 0)",
                                                      "s + VALUE)"))
    (src / "lib.c").write_text(LIBRARY)
    db = tmp_path / "proj" / "compile_commands.json"
    db.write_text(json.dumps([
        {"directory": str(tmp_path / "proj"), "file": "src/prog.c",
         "command": "cc -O2 -g -DVALUE=42 -c src/prog.c -o prog.o"},
        {"directory": str(tmp_path / "proj"), "file": str(src / "lib.c"),
         "arguments": ["cc", "-Os", "-c", str(src / "lib.c"), "-o",
                       "lib.o"]}]))
    status, out, err = cli(
        ["run", "--dataset", str(db), "--agent", "greedy",
         "--actions", "sroa,instcombine,simplifycfg,gvn,dse,inline,"
         # A budget in steps, not seconds: a slow machine (or an ASan
         # build) must still reach the first improving action.
         "mem2reg,early-cse", "--budget-steps", "24",
         "--budget-seconds", "300", "--json", "r.json",
         "--plugin", plugin], tmp_path)
    assert status == 0, out + err
    results = _results(tmp_path / "r.json")
    assert set(results) == {"proj/prog", "proj/lib"}
    for r in results.values():
        assert r["actions"] and r["validation"]["ok"], r
        assert r["validation"]["self_check"] == "no self-check"
        assert r["inst_count"] < r["baselines"]["O0"]["inst_count"]


def test_jobs_give_the_serial_results(plugin, programs, tmp_path):
    """With a step budget, a seeded search is the same in a worker
    process as in the runner's own."""
    runs = []
    for jobs in ("1", "2"):
        status, out, err = cli(
            ["run", "--dataset", str(programs), "--budget-steps", "80",
             "--budget-seconds", "300", "--seed", "3", "--jobs", jobs,
             "--json", "j%s.json" % jobs, "--plugin", plugin], tmp_path)
        assert status == 0, out + err
        runs.append({n: (r["actions"], r["inst_count"], r["steps"],
                         r["validation"]["ok"], r["candidates"])
                     for n, r in _results(
                         tmp_path / ("j%s.json" % jobs)).items()})
    assert len(runs[0]) == 3 and runs[0] == runs[1]


def test_qlearning_with_a_step_budget_is_deterministic(plugin, programs):
    bench = datasets.from_directory(str(programs))["prog"]
    a, b = (baselines.qlearning_search(bench, 300, budget_steps=60, seed=5,
                                       env_kwargs={"plugin": plugin})
            for _ in range(2))
    assert (a.actions, a.inst_count, a.steps, a.candidates) == \
        (b.actions, b.inst_count, b.steps, b.candidates)
    assert 60 <= a.steps < 60 + 40  # one episode may end past the budget
    points = [p[1] for p in a.trace]
    assert points == sorted(points) and a.trace[-1][1] == a.steps
    # The result knows its benchmark: no suite lookup of "mine/prog".
    baselines.shorten(a, 10, plugin=plugin)
    assert baselines.validate(a, plugin=plugin).ok
    assert "_benchmark" not in a.to_dict()


def test_plot_shows_progress_over_time_and_steps(tmp_path):
    pytest.importorskip("matplotlib")
    from switchyard import runner
    r = baselines.SearchResult(
        "x/a", "random", ["sroa"], 40,
        {"O0": {"inst_count": 100, "text_size": 300},
         "Oz": {"inst_count": 50, "text_size": 200}},
        text_size=190, trace=[[0.1, 0, 100], [0.5, 12, 60], [2.0, 90, 40]])
    assert runner._reward_curve(r, 0) == ([0.1, 0.5, 2.0], [0.0, 0.8, 1.2])
    assert runner._reward_curve(r, 1)[0] == [0, 12, 90]
    path = tmp_path / "p.png"
    runner.plot([r], str(path), "t")
    assert path.read_bytes()[:4] == b"\x89PNG"
    table = runner.format_table([r], "title")
    assert table.splitlines()[0] == "title"
    assert [ln.split()[0] for ln in table.splitlines()[3:]] == [
        "x/a", "geomean"]
    assert "| x/a" in runner.format_markdown([r])


# --- Bad input on the command line -------------------------------------------

@pytest.mark.parametrize("args, named", [
    (["run", "--benchmarks", "nosuch"], "'nosuch'"),
    (["run", "--benchmarks", "sha256,nosuch*"], "'nosuch*'"),
    (["run", "--dataset", "/no/such/dir"], "/no/such/dir"),
    (["run", "--dataset", "EMPTY"], "has no benchmarks"),
    (["run", "--dataset", "BADDB"], "not a compilation database"),
    (["run", "--actions", "fast"], "'fast'"),
    (["run", "--actions", "sroa,no-such-pass"], "'no-such-pass'"),
    (["run", "--agent", "smart"], "'smart'"),
    (["run", "--jobs", "0"], "--jobs must be at least 1, not 0"),
    (["run", "--budget-seconds", "-3"], "-3"),
    (["run", "--budget-steps", "ten"], "'ten'"),
    (["run", "--plugin", "/no/such.so"], "/no/such.so"),
    (["run", "--json", "/no/such/dir/r.json"], "/no/such/dir"),
    (["baselines", "--benchmarks", "nosuch"], "'nosuch'"),
    (["--socket", "S", "--policy", "fast"], "'fast'"),
    (["--socket", "S", "--policy", "script:/no/such.rules"],
     "/no/such.rules"),
    (["--socket", "S", "--policy", "script:BADRULES"], "rules.txt:2: "
     "'skp' is not a pass-gate option"),
    (["--socket", "S", "--seed", "x"], "'x'"),
    (["--socket", "S", "--policy", "random:x"], "'x'"),
    (["--socket", "S", "--policy", "random:3", "--seed", "4"],
     "two different seeds"),
])
def test_bad_command_lines_are_usage_errors(plugin, tmp_path, args, named):
    (tmp_path / "empty").mkdir()
    (tmp_path / "bad.json").write_text('{"not": "a list"}')
    (tmp_path / "rules.txt").write_text("# skip SROA\npass-gate => skp\n")
    subst = {"EMPTY": str(tmp_path / "empty"),
             "BADDB": str(tmp_path / "bad.json"),
             "script:BADRULES": "script:" + str(tmp_path / "rules.txt")}
    args = [subst.get(a, a) for a in args]
    status, out, err = cli(args, tmp_path)
    assert status == 2, out + err
    assert "Traceback" not in err and "error: " in err
    assert named in err, err


def test_help_lists_the_commands(tmp_path):
    status, out, _ = cli(["--help"], tmp_path)
    assert status == 0
    assert "run --help" in out
    assert "\n  run " in out and "\n  baselines " in out
    assert "script:FILE" in out


# --- Bad input to the API ----------------------------------------------------

def test_a_benchmark_file_that_does_not_exist(tmp_path):
    missing = str(tmp_path / "nosuch.c")
    with pytest.raises(FileNotFoundError, match="nosuch.c does not exist"):
        PassPipelineEnv(missing)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        SiteDecisionEnv("./nosuch.bc")
    with pytest.raises(KeyError, match="no benchmark 'nosuch' in suite"):
        PassPipelineEnv("nosuch")
    with pytest.raises(IsADirectoryError, match="datasets.load"):
        datasets.resolve(str(tmp_path))


def test_an_action_set_is_not_a_list_of_characters(plugin):
    with pytest.raises(ValueError, match="unknown action set 'fast' "
                       r"\(expected all, safe, compact"):
        PassPipelineEnv("sha256", actions="fast", plugin=plugin)
    with pytest.raises(ValueError, match="'no-such-pass'"):
        PassPipelineEnv("sha256", actions=["sroa", "no-such-pass"],
                        plugin=plugin)
    with pytest.raises(ValueError, match="unknown reward 'size'"):
        PassPipelineEnv("sha256", reward="size", plugin=plugin)


def test_site_env_rejects_actions_outside_its_space(plugin):
    e = SiteDecisionEnv("sha256", plugin=plugin)
    try:
        e.reset()
        for bad in (9, -1, 0.5, "yes"):
            with pytest.raises(InvalidAction, match=r"Discrete\(9\)"):
                e.step(bad)
        assert e._decisions == []  # nothing answered
        _, _, term, _, info = e.step(0)
        assert not term and info["decisions"] == 1
    finally:
        e.close()


def test_qlearning_models_of_another_llvm_or_actions_are_refused(tmp_path):
    names = ["stop", "sroa", "gvn"]
    agent = baselines.QLearningAgent(action_names=names, llvm="22.1.8")
    agent.q[(1,) * 10] = np.array([0.0, 0.5, 0.25])
    path = str(tmp_path / "q.json")
    agent.save(path)
    assert os.listdir(str(tmp_path)) == ["q.json"]
    again = baselines.QLearningAgent.load(path, llvm="22.0.0")
    assert again.q[(1,) * 10].tolist() == [0.0, 0.5, 0.25]
    with pytest.raises(ValueError, match="trained with LLVM 22.1.8, this "
                       "is LLVM 21.1.0"):
        baselines.QLearningAgent.load(path, llvm="21.1.0")
    with pytest.raises(ValueError, match="not in this action space: gvn"):
        baselines.QLearningAgent.load(path, llvm="22.1.8",
                                      action_names=["stop", "sroa"])
    with pytest.raises(ValueError, match="action names"):
        baselines.QLearningAgent(3).save(str(tmp_path / "x.json"))
    (tmp_path / "junk.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="not a Q-learning model"):
        baselines.QLearningAgent.load(str(tmp_path / "junk.json"))


def test_gymnasium_registration(monkeypatch):
    """With Gymnasium importable, `import switchyard` registers the ids
    (Gymnasium cannot be installed here: a stand-in records the calls)."""
    from switchyard import registration
    registered = {}
    fake = types.SimpleNamespace(
        registry=registered,
        register=lambda id, entry_point, kwargs: registered.__setitem__(
            id, (entry_point, kwargs)))
    assert registration.register_environments(fake)
    assert registration.register_environments(fake)  # idempotent
    assert set(registered) == {"switchyard/PassPipeline-v0",
                               "switchyard/PassPipelineText-v0",
                               "switchyard/SiteDecision-v0"}
    import importlib
    for entry, kwargs in registered.values():
        module, attr = entry.split(":")
        assert callable(getattr(importlib.import_module(module), attr))
    assert registered["switchyard/PassPipelineText-v0"][1] == {
        "reward": "text-oz"}
    from switchyard.env import make
    with pytest.raises(ValueError, match="unknown environment 'nope-v0'"):
        make("nope-v0")
