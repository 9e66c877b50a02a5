# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Searches beyond one process (docs/scale.md): a real Dask cluster of 2
worker processes and a real redis-server, both started here on ports the
system picks, against the in-process search of the same seed.

- the same best result on the cluster with Redis as in-process;
- a worker killed mid-episode loses no episode and counts none twice;
- Redis stopped, frozen or absent: one warning, and the same result;
- a run killed and started again repeats no finished episode;
- greedy search's trials on the cluster: greedy in-process's result;
- `switchyard run --scheduler --state-cache --log`, and its usage errors;
- states merged by IR hash, and no cache of another version used.
"""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import warnings

import pytest

from switchyard import baselines, cache as sycache, cluster
from switchyard.env import PassPipelineEnv, probe_action_space
from conftest import compiler_env

distributed = pytest.importorskip("distributed")
redis = pytest.importorskip("redis")

BENCH = "sha256"
SEED = 3
STEPS = 500  # about 8 episodes

pytestmark = pytest.mark.usefixtures("private_cache")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own: a port the system picked, a
    temporary directory, nothing saved."""

    def __init__(self, directory):
        exe = os.environ.get("REDIS_SERVER") or "redis-server"
        for _ in range(5):
            self.port = free_port()
            self.proc = subprocess.Popen(
                [exe, "--port", str(self.port), "--bind", "127.0.0.1",
                 "--dir", str(directory), "--save", "", "--appendonly",
                 "no", "--daemonize", "no", "--loglevel", "warning"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.url = "redis://127.0.0.1:%d/0" % self.port
            client = redis.Redis.from_url(self.url, socket_timeout=1)
            for _ in range(100):
                try:
                    client.ping()
                    client.close()
                    return
                except redis.exceptions.ConnectionError:
                    if self.proc.poll() is not None:
                        break  # the port was taken meanwhile: another
                    time.sleep(0.05)
            self.stop()
        raise RuntimeError("redis-server did not start")

    def client(self):
        return redis.Redis.from_url(self.url, socket_timeout=5)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)  # if frozen
            self.proc.terminate()
            self.proc.wait(10)

    def freeze(self):
        """Still listening, never answering: a hung server or network."""
        self.proc.send_signal(signal.SIGSTOP)


@pytest.fixture
def redis_server(tmp_path):
    try:
        server = RedisServer(tmp_path)
    except FileNotFoundError:
        pytest.skip("redis-server is not installed (apt-get install "
                    "redis-server)")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def dask_client(private_cache, plugin):
    """A local cluster: 2 worker processes with a thread each, started
    with this test's environment (the build, the private cache)."""
    os.environ["PYTHONPATH"] = compiler_env()["PYTHONPATH"]
    cluster_ = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True,
        scheduler_port=0, dashboard_address=":0", silence_logs=50,
        host="127.0.0.1")
    client = distributed.Client(cluster_)
    yield client
    client.close()
    cluster_.close()


def search(**kwargs):
    return baselines.random_search(BENCH, 600, seed=SEED,
                                   budget_steps=STEPS, **kwargs)


@pytest.fixture(scope="module")
def reference(private_cache, plugin):
    """The seeded search in this process, no cache, no cluster."""
    r = search()
    assert r.scale["scheduler"] == "in-process"
    assert r.steps == STEPS and r.episodes >= 3
    return r


def same_search(r, ref):
    assert (r.inst_count, r.actions, r.steps, r.episodes, r.crashes) == \
        (ref.inst_count, ref.actions, ref.steps, ref.episodes, ref.crashes)
    assert [p[1:] for p in r.trace] == [p[1:] for p in ref.trace]
    assert r.candidates == ref.candidates


def test_dask_and_redis_give_the_in_process_result(reference, dask_client,
                                                    redis_server):
    r = search(scheduler=dask_client, cache=redis_server.url)
    assert r.scale["scheduler"].startswith("Dask at tcp://127.0.0.1:")
    assert r.scale["workers"] == 2
    same_search(r, reference)
    assert r.inst_count < r.baselines["O0"]["inst_count"]
    # Both workers ran episodes, and filled the cache.
    assert redis_server.client().dbsize() > STEPS
    # Again: the same result, mostly from the cache.
    again = search(scheduler=dask_client, cache=redis_server.url)
    same_search(again, reference)
    s = again.scale
    assert s["cached_steps"] >= 0.9 * STEPS, s
    assert s["cache_failure"] is None


#: Greedy search's actions here: few, so that it takes a few steps.
SMALL = ["sroa", "instcombine", "simplifycfg", "gvn", "early-cse", "dse",
         "inline", "mem2reg", "sccp", "adce", "ipsccp", "globalopt"]
GREEDY_STEPS = 40


def greedy(**kwargs):
    return baselines.greedy_search(BENCH, 600, actions=SMALL,
                                   budget_steps=GREEDY_STEPS, **kwargs)


def test_greedy_on_the_cluster_is_greedy_in_process(dask_client,
                                                    redis_server):
    ref = greedy()
    assert ref.steps == GREEDY_STEPS and len(ref.actions) >= 2
    r = greedy(scheduler=dask_client, cache=redis_server.url)
    same_search(r, ref)
    assert r.scale["workers"] == 2
    again = greedy(scheduler=dask_client, cache=redis_server.url)
    same_search(again, ref)
    assert again.scale["cached_steps"] >= GREEDY_STEPS


def worker_pids(client):
    return client.run(os.getpid)


def test_a_worker_killed_mid_episode_loses_nothing(reference, dask_client):
    pids = worker_pids(dask_client)
    killed = []

    def kill_one(elapsed, best):
        if killed:
            return
        # A worker that is running an episode right now.
        for address, keys in dask_client.processing().items():
            if any(k.startswith("switchyard-episode-") for k in keys):
                os.kill(pids[address], signal.SIGKILL)
                killed.append((address, keys))
                return

    r = search(scheduler=dask_client, progress=kill_one)
    assert killed, "no worker was running an episode"
    address, keys = killed[0]
    with pytest.raises(OSError):
        os.kill(pids[address], 0)  # it is gone
    same_search(r, reference)
    # Its nanny starts it again, so the next test has 2 workers as well.
    end = time.monotonic() + 60
    while len(dask_client.nthreads()) < 2 and time.monotonic() < end:
        time.sleep(0.2)


def test_redis_stopped_mid_run_one_warning(reference, dask_client,
                                           redis_server):
    seen = []

    def stop_redis(elapsed, best):
        seen.append(elapsed)
        if len(seen) == 3:
            redis_server.stop()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = search(scheduler=dask_client, cache=redis_server.url,
                   progress=stop_redis)
    lost = [w for w in caught
            if issubclass(w.category, sycache.CacheUnavailable)]
    assert len(lost) == 1, [str(w.message) for w in caught]
    assert "Redis at redis://127.0.0.1:%d" % redis_server.port in \
        str(lost[0].message)
    assert r.scale["cache_failure"]
    same_search(r, reference)


@pytest.mark.parametrize("how", ["stop", "freeze"])
def test_in_process_redis_stopped_one_warning(reference, redis_server, how):
    seen = []

    def stop_redis(elapsed, best):
        seen.append(elapsed)
        if len(seen) == 3:
            getattr(redis_server, how)()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = search(cache=redis_server.url, progress=stop_redis)
    assert len([w for w in caught if issubclass(
        w.category, sycache.CacheUnavailable)]) == 1
    same_search(r, reference)


def test_redis_unreachable_from_the_start_one_warning(reference,
                                                     dask_client):
    url = "redis://127.0.0.1:%d/0" % free_port()  # nothing listens there
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = search(scheduler=dask_client, cache=url)
    lost = [w for w in caught
            if issubclass(w.category, sycache.CacheUnavailable)]
    assert len(lost) == 1, [str(w.message) for w in caught]
    assert r.scale["cached_steps"] == 0
    same_search(r, reference)


def log_indices(path, search_id):
    indices = []
    with open(path) as f:
        for line in f:
            try:
                rec = json.loads(line)
            except ValueError:
                continue  # a line cut by the kill
            if rec["search"] == search_id:
                indices.append(rec["index"])
    return indices


def test_a_killed_run_resumes_without_repeating(reference, redis_server,
                                                tmp_path):
    log = str(tmp_path / "episodes.log")
    script = ("from switchyard import baselines\n"
              "baselines.random_search(%r, 600, seed=%d, budget_steps=%d, "
              "cache=%r, log=%r)\n" % (BENCH, SEED, STEPS, redis_server.url,
                                       log))
    env = dict(os.environ, PYTHONPATH=compiler_env()["PYTHONPATH"])
    proc = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        end = time.monotonic() + 120
        while time.monotonic() < end and proc.poll() is None:
            if os.path.exists(log) and open(log).read().count("\n") >= 3:
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the search ended before it was killed"
        proc.send_signal(signal.SIGKILL)  # stopped at any point
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    first = log_indices(log, reference.scale["search"])
    assert len(first) >= 3
    r = search(cache=redis_server.url, log=log)
    same_search(r, reference)
    assert r.scale["resumed_episodes"] == len(set(first))
    every = log_indices(log, reference.scale["search"])
    # No finished episode ran twice, and every episode the result counts
    # (all of them ended by their own rule but the last, which the step
    # budget cut) is in the log.
    assert len(every) == len(set(every)), every
    assert set(range(r.episodes - 1)) <= set(every)
    # Once more: everything is in the log, nothing runs.
    again = search(cache=redis_server.url, log=log)
    same_search(again, reference)
    assert again.scale["live_steps"] == 0
    assert again.scale["resumed_episodes"] >= r.episodes - 1
    assert log_indices(log, reference.scale["search"]).count(0) == 1


def run_cli(args):
    env = dict(os.environ, PYTHONPATH=compiler_env()["PYTHONPATH"])
    env.pop("SWITCHYARD_SCHEDULER", None)
    env.pop("SWITCHYARD_STATE_CACHE", None)
    return subprocess.run([sys.executable, "-m", "switchyard"] + args,
                          env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=300)


def test_the_runner_on_the_cluster(reference, dask_client, redis_server,
                                   tmp_path):
    """`switchyard run --scheduler --state-cache --log` in a process of
    its own (no Dask client of the test's), twice: the second run takes
    every finished episode from the log."""
    out, log = str(tmp_path / "out.json"), str(tmp_path / "episodes.log")
    args = ["run", "--agent", "random", "--benchmarks", BENCH, "--seed",
            str(SEED), "--budget-steps", str(STEPS), "--budget-seconds",
            "600", "--scheduler", dask_client.scheduler.address,
            "--state-cache", redis_server.url, "--log", log,
            "--shorten-seconds", "0", "--no-validate", "--json", out]
    for run in range(2):
        p = run_cli(args)
        assert p.returncode == 0, p.stderr
        with open(out) as f:
            r = json.load(f)["results"][0]
        assert (r["inst_count"], r["actions"], r["steps"]) == (
            reference.inst_count, reference.actions, reference.steps)
        s = r["scale"]
        assert s["scheduler"] == "Dask at " + dask_client.scheduler.address
        assert "Dask at" in p.stderr and "episodes" in p.stderr
        if run:
            assert s["resumed_episodes"] >= reference.episodes - 1
            assert s["live_steps"] == 0
    lines = log_indices(log, reference.scale["search"])
    assert len(lines) == len(set(lines))


@pytest.mark.parametrize("extra, message", [
    (["--agent", "greedy", "--log", "x.log"], "--log works with --agent "
     "random"),
    (["--agent", "qlearn", "--state-cache", "local"], "random or greedy"),
    (["--scheduler", "tcp://127.0.0.1:1", "--jobs", "2"], "--jobs"),
    (["--state-cache", "ftp://nowhere"], "unknown state cache"),
])
def test_runner_usage_errors(extra, message, plugin):
    p = run_cli(["run", "--benchmarks", BENCH] + extra)
    assert p.returncode == 2 and message in p.stderr, p.stderr
    assert "Traceback" not in p.stderr


def test_states_of_equal_ir_are_merged(plugin, tmp_path):
    """Two prefixes that give the same IR share what follows: an action
    seen after one of them is found after the other."""
    env = PassPipelineEnv(BENCH, observation=["inst-count", "ir-hash"],
                          reward="none", plugin=plugin)
    try:
        obs, info = env.reset()
        root = "%016x" % int(obs["ir-hash"])
        # An action that leaves the unoptimized input as it is.
        for noop in ("loop-sink", "loop-deletion", "loop-distribute",
                     "constmerge", "globaldce", "strip-dead-prototypes"):
            obs, _, _, _, info = env.step(noop)
            if "%016x" % int(obs["ir-hash"]) == root:
                break
            env.reset()
        else:
            pytest.skip("no action leaves %s's input as it is" % BENCH)
        env.reset()
        obs, _, _, _, info = env.step("sroa")
        after_sroa = ("%016x" % int(obs["ir-hash"]), info["inst_count"])
        # The truth, by a compiler: noop then sroa.
        env.reset(options={"actions": [noop]})
        _, _, _, _, info = env.step("sroa")
        truth = info["inst_count"]
    finally:
        env.close()
    cache = sycache.open_cache(str(tmp_path / "states.sqlite"))
    states = cache.states("ns", "bench")
    states.record((), "sroa", root, {"ir": after_sroa[0],
                                     "inst_count": after_sroa[1],
                                     "reward": 0.0})
    states.record((), noop, root, {"ir": root, "inst_count": 1,
                                   "reward": 0.0})
    states.flush()
    hit = states.lookup([noop], "sroa", root)
    assert hit is not None and cache.merged == 1
    assert hit["inst_count"] == after_sroa[1] == truth
    # Found by its own prefix from then on.
    states.flush()
    assert states.lookup([noop], "sroa", None)["ir"] == after_sroa[0]
    assert cache.hits == 1
    assert states.lookup([noop], "gvn", root) is None
    assert cache.misses == 1


def test_a_cache_of_another_version_is_never_used(plugin, reference,
                                                  tmp_path):
    info = probe_action_space(plugin)
    ns = sycache.namespace(info)
    other_llvm = sycache.namespace(type(info)(
        info.names, info.pipelines, info.function_scope, info.opcode_names,
        "21.1.8"))
    other_switchyard = sycache.namespace(info, version="0.0.9")
    assert len({ns, other_llvm, other_switchyard}) == 3
    path = str(tmp_path / "states.sqlite")
    r = search(cache=path)
    same_search(r, reference)
    assert r.scale["cached_steps"] < STEPS // 10  # a fresh cache
    # Every entry moved to another LLVM's namespace, with lies in it: the
    # next search must not see them.
    db = sqlite3.connect(path)
    rows = db.execute("SELECT key, value FROM kv").fetchall()
    assert rows and all(k.startswith("sy:%s:" % ns) for k, _ in rows)
    db.execute("DELETE FROM kv")
    for key, value in rows:
        if ":p:" in key or ":s:" in key:
            value = json.loads(value)
            value = json.dumps(dict(value, inst_count=value["inst_count"] -
                                    1))
        db.execute("INSERT INTO kv VALUES (?, ?)",
                   (key.replace(ns, other_llvm, 1), value))
    db.commit()
    db.close()
    again = search(cache=path)
    same_search(again, reference)
    assert again.scale["cached_steps"] == 0
    # The same lies in this version's namespace are read (so the test
    # above could fail): the cache is trusted within a version.
    db = sqlite3.connect(path)
    db.execute("DELETE FROM kv WHERE key LIKE ?", ("sy:%s:%%" % ns,))
    db.execute("UPDATE kv SET key = replace(key, ?, ?)", (other_llvm, ns))
    db.commit()
    db.close()
    lied = search(cache=path)
    assert lied.scale["cached_steps"] > 0
    assert lied.inst_count == reference.inst_count - 1


def test_a_worker_of_another_version_is_refused(plugin, reference):
    spec = cluster.EpisodeSpec(
        search="s", index=0, seed=0, benchmark=BENCH,
        benchmark_key="k", actions=("sroa",), patience=2, max_length=4,
        namespace="not-this-one", scale=1)
    from switchyard import datasets
    runner = cluster.EpisodeRunner()
    try:
        with pytest.raises(cluster.VersionMismatch, match="differs"):
            runner.run(spec, datasets.resolve(BENCH))
    finally:
        runner.close()


def test_the_log_ignores_a_line_cut_short(tmp_path):
    path = str(tmp_path / "log")
    log = cluster.EpisodeLog(path)
    log.write("s", {"index": 0, "counts": [1]})
    log.close()
    with open(path, "a") as f:
        f.write('{"index": 1, "search": "s", "coun')
    log = cluster.EpisodeLog(path)
    assert list(log.finished("s")) == [0]
    log.close()
