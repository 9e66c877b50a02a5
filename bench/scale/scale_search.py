# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Steps per second of one random search on a local Dask cluster of 1 and
of 2 workers, in-process for reference, and the state cache's hit rate on
a second run of the same search (bench/scale/README.md).

    PYTHONPATH=agent_sdk/python:build/agent_sdk/python/gen \\
      /usr/bin/python3 bench/scale/scale_search.py [--benchmark sha256]
      [--steps 3000] [--rounds 2] [--json FILE]

It starts its own redis-server (a free port, a temporary directory) and
its own clusters (LocalCluster, worker processes of one thread each).
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import distributed
import redis

from switchyard import baselines
from switchyard.tools import llvm_version


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(directory):
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1",
         "--dir", directory, "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = "redis://127.0.0.1:%d/0" % port
    client = redis.Redis.from_url(url)
    for _ in range(200):
        try:
            client.ping()
            return proc, url, client
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def _cpu():
    """CPU seconds of this process and of the children it waited for (its
    compilers: each is waited for when its episode ends)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def cpu_seconds(client):
    """CPU seconds so far of this process and, with a \\p client, of
    every worker process of its cluster, their compilers included."""
    total = _cpu()
    if client is not None:
        total += sum(client.run(_cpu).values())
    return total


def one(args, seed, **kwargs):
    client = kwargs.get("scheduler")
    cpu = cpu_seconds(client)
    r = baselines.random_search(args.benchmark, 3600, seed=seed,
                                budget_steps=args.steps, **kwargs)
    cpu = cpu_seconds(client) - cpu
    s = r.scale
    ran = s["cached_steps"] + s["live_steps"]
    return {"steps": r.steps, "episodes": r.episodes,
            "seconds": round(r.seconds, 3),
            "steps_per_second": round(r.steps / r.seconds, 1),
            "cpu_ms_per_step": round(1000 * cpu / r.steps, 3),
            "best": r.inst_count, "cached_steps": s["cached_steps"],
            "live_steps": s["live_steps"],
            "hit_rate": round(s["cached_steps"] / max(1, ran), 4),
            "load": round(os.getloadavg()[0], 2)}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--benchmark", default="sha256")
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json")
    args = p.parse_args()

    tmp = tempfile.mkdtemp(prefix="sy-scale-bench-")
    # A benchmark cache of its own: the module and baselines are built
    # once, before any timing.
    os.environ.setdefault("SWITCHYARD_CACHE_DIR", os.path.join(tmp, "c"))
    rows = []
    redis_proc = None
    clusters = {}
    try:
        redis_proc, url, rclient = start_redis(tmp)
        for n in (1, 2):
            cl = distributed.LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True,
                scheduler_port=0, dashboard_address=":0", silence_logs=50,
                host="127.0.0.1")
            clusters[n] = (cl, distributed.Client(cl))
        # Warm up: baselines, the action space probe in every process.
        warm = argparse.Namespace(**dict(vars(args), steps=200))
        one(warm, 999)
        for n, (_, client) in clusters.items():
            one(warm, 999, scheduler=client)
        for rnd in range(args.rounds):
            seed = args.seed + rnd
            # Interleaved, so that load from elsewhere lands on each.
            for name, kwargs in (
                    ("in-process", {}),
                    ("dask 1 worker", {"scheduler": clusters[1][1]}),
                    ("dask 2 workers", {"scheduler": clusters[2][1]})):
                row = one(args, seed, **kwargs)
                row.update(setting=name, round=rnd, cache="none")
                rows.append(row)
                print(json.dumps(row), flush=True)
            # The cache: a first run fills it, a second run of the same
            # search reads it.
            rclient.flushall()
            for run in ("first run", "second run"):
                row = one(args, seed, scheduler=clusters[2][1], cache=url)
                row.update(setting="dask 2 workers + Redis, " + run,
                           round=rnd, cache=url)
                rows.append(row)
                print(json.dumps(row), flush=True)
    finally:
        for cl, client in clusters.values():
            client.close()
            cl.close()
        if redis_proc is not None:
            redis_proc.terminate()
            redis_proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)

    print("\n%s, %d steps per search, LLVM %s, %d cores" % (
        args.benchmark, args.steps, llvm_version(), os.cpu_count()))
    print("%-36s %20s %20s %14s %16s" % (
        "setting", "steps/s", "CPU ms/step", "hit rate", "best"))
    for name in dict.fromkeys(r["setting"] for r in rows):
        mine = [r for r in rows if r["setting"] == name]
        rates = sorted(r["steps_per_second"] for r in mine)
        # Sorted, low to high; the hit rates and bests are per round.
        hits = [r["hit_rate"] for r in mine]
        cpu = sorted(r["cpu_ms_per_step"] for r in mine)
        print("%-36s %20s %20s %14s %16s" % (
            name, " / ".join("%.0f" % x for x in rates),
            " / ".join("%.2f" % x for x in cpu),
            " / ".join("%.0f%%" % (100 * h) for h in hits),
            " / ".join(str(r["best"]) for r in mine)))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"benchmark": args.benchmark, "steps": args.steps,
                       "llvm": llvm_version(), "cores": os.cpu_count(),
                       "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
                       "rows": rows}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
