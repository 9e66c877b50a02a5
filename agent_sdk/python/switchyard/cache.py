# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The state cache: what an action prefix does to a benchmark, remembered
across episodes, runs and machines.

    cache = open_cache("redis://host:6379/0")   # shared by a cluster
    cache = open_cache("local")                 # sqlite3, one machine
    states = cache.states(namespace, benchmark_key)
    hit = states.lookup(prefix, action, parent_ir_hash)

Three kinds of entries, every key under one namespace (`namespace()`: the
Switchyard version, the protocol version, the LLVM version and what each
action runs), so that a cache built by another LLVM or another Switchyard
is never read:

- prefix: benchmark key + action names -> the IR hash, the observation
  (instruction count) and the reward of the last step;
- state: benchmark key + IR hash -> the observation;
- transition: benchmark key + IR hash + action -> the next IR hash.

Transitions are what merge states: two prefixes that give the same IR
reach the same state, so an action applied after one of them is known
after the other too, although that prefix was never run.

The backend is Redis (`redis://`, shared) or a sqlite3 file (`local`, or
`sqlite:///PATH`, or a path): the same interface. A backend that fails
(Redis stopped, the network gone) is switched off for the rest of the
process: every lookup misses, every write is dropped, `failure` says why,
and the caller warns once. A cache only ever saves work: a miss runs the
compiler.
"""

import hashlib
import json
import os
import sqlite3
import threading

from .framing import PROTOCOL_VERSION

__all__ = ["open_cache", "namespace", "StateCache", "BenchmarkStates",
           "LocalBackend", "RedisBackend", "CacheUnavailable",
           "SWITCHYARD_VERSION", "ENV_VAR"]

#: The version that goes into every cache key (pyproject.toml's).
SWITCHYARD_VERSION = "0.1.0"
#: The layout of entries: a change makes every older cache unused.
_FORMAT = 1
#: The environment variable naming the cache when no --state-cache is
#: given.
ENV_VAR = "SWITCHYARD_STATE_CACHE"


class CacheUnavailable(UserWarning):
    """The state cache went away: the search goes on without it."""


def namespace(info, version=SWITCHYARD_VERSION):
    """The key prefix of a plugin's action space \\p info
    (`env.ActionSpaceInfo`): Switchyard's version, the protocol's, the
    LLVM version the plugin runs in and the pipeline of every action. Any
    difference gives another namespace."""
    h = hashlib.sha256()
    h.update(("switchyard %s\ncache %d\nprotocol %d\nllvm %s\n" % (
        version, _FORMAT, PROTOCOL_VERSION,
        info.compiler_version)).encode())
    for name, pipeline in zip(info.names, info.pipelines):
        h.update(("%s=%s\n" % (name, pipeline)).encode())
    return h.hexdigest()[:20]


def _digest(actions):
    return hashlib.sha256("\0".join(actions).encode()).hexdigest()[:32]


# --- Backends: bytes by string key ------------------------------------------

class LocalBackend:
    """A sqlite3 file (WAL, so that processes of one machine share it)."""

    def __init__(self, path):
        self.path = path
        self.failure = None
        self._local = threading.local()
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self._db().execute("CREATE TABLE IF NOT EXISTS kv "
                           "(key TEXT PRIMARY KEY, value BLOB)")

    def __repr__(self):
        return "LocalBackend(%r)" % self.path

    def _db(self):
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30,
                                 isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    def get_many(self, keys):
        if self.failure or not keys:
            return [None] * len(keys)
        try:
            db = self._db()
            marks = ",".join("?" * len(keys))
            found = dict(db.execute("SELECT key, value FROM kv WHERE key IN "
                                    "(%s)" % marks, list(keys)))
        except sqlite3.Error as e:
            self.failure = "sqlite3 %s: %s" % (self.path, e)
            return [None] * len(keys)
        return [found.get(k) for k in keys]

    def set_many(self, items):
        if self.failure or not items:
            return
        try:
            db = self._db()
            db.execute("BEGIN")
            db.executemany("INSERT OR REPLACE INTO kv VALUES (?, ?)",
                           list(items.items()))
            db.execute("COMMIT")
        except sqlite3.Error as e:
            self.failure = "sqlite3 %s: %s" % (self.path, e)

    def count(self):
        return self._db().execute("SELECT COUNT(*) FROM kv").fetchone()[0]

    def close(self):
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


class RedisBackend:
    """A Redis server (`redis://HOST:PORT[/DB]`), shared by every worker.
    Short socket timeouts: a server that stops answering costs a second,
    once, and the backend is then off."""

    def __init__(self, url, timeout=2.0):
        try:
            import redis
        except ImportError:
            raise ValueError("a redis:// state cache needs python3-redis "
                             "(apt-get install python3-redis)") from None
        self._errors = redis.exceptions.RedisError
        self.url = url
        self.failure = None
        self.client = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout,
            retry_on_timeout=False)

    def __repr__(self):
        return "RedisBackend(%r)" % self.url

    def _fail(self, e):
        self.failure = "Redis at %s: %s" % (self.url, e)

    def get_many(self, keys):
        if self.failure or not keys:
            return [None] * len(keys)
        try:
            return self.client.mget(list(keys))
        except (self._errors, OSError) as e:
            self._fail(e)
            return [None] * len(keys)

    def set_many(self, items):
        if self.failure or not items:
            return
        try:
            self.client.mset(items)
        except (self._errors, OSError) as e:
            self._fail(e)

    def count(self):
        return self.client.dbsize()

    def close(self):
        self.client.close()


def default_local_path():
    from .datasets import cache_dir
    return os.path.join(cache_dir(), "states.sqlite")


def open_cache(spec):
    """A `StateCache` from \\p spec: "redis://..." (or "rediss://"),
    "local" (a sqlite3 file in the benchmark cache directory),
    "sqlite:///PATH" or a file path; None or "" or "none": None."""
    if spec is None or spec in ("", "none"):
        return None
    if isinstance(spec, StateCache):
        return spec
    if spec.startswith(("redis://", "rediss://", "unix://")):
        return StateCache(RedisBackend(spec), spec)
    if spec == "local":
        return StateCache(LocalBackend(default_local_path()), spec)
    if spec.startswith("sqlite://"):
        return StateCache(LocalBackend(spec[len("sqlite://"):]), spec)
    if "://" in spec:
        raise ValueError("unknown state cache %r (expected redis://HOST:PORT"
                         ", local, sqlite:///PATH or a file path)" % spec)
    return StateCache(LocalBackend(spec), spec)


# --- The cache ---------------------------------------------------------------

class StateCache:
    """Prefixes, states and transitions over a backend; `spec` is what
    opens it again (in another process: `open_cache(spec)`). Counts its
    hits (`hits`: found by prefix; `merged`: found through another
    prefix's state) and misses."""

    def __init__(self, backend, spec):
        self.backend = backend
        self.spec = spec
        self.hits = self.merged = self.misses = 0

    def __repr__(self):
        return "StateCache(%r)" % self.spec

    @property
    def failure(self):
        """Why the backend is off, or None."""
        return self.backend.failure

    def states(self, namespace, benchmark_key):
        return BenchmarkStates(self, "sy:%s:%s:" % (namespace,
                                                    benchmark_key))

    def close(self):
        self.backend.close()


class BenchmarkStates:
    """The entries of one benchmark in one namespace."""

    def __init__(self, cache, prefix):
        self.cache = cache
        self._prefix = prefix
        self._pending = {}

    def _prefix_key(self, actions):
        return self._prefix + "p:" + _digest(actions)

    def _state_key(self, ir_hash):
        return self._prefix + "s:" + ir_hash

    def _transition_key(self, ir_hash, action):
        return self._prefix + "t:" + ir_hash + ":" + action

    def root(self):
        """The entry of the empty prefix (the benchmark's input): a dict
        with "ir" and "inst_count", or None."""
        value, = self.cache.backend.get_many([self._prefix_key(())])
        return json.loads(value) if value else None

    def find(self, prefix):
        """The entry of \\p prefix, or None."""
        value, = self.cache.backend.get_many([self._prefix_key(prefix)])
        return json.loads(value) if value else None

    def lookup(self, prefix, action, parent_ir):
        """The state after \\p prefix + [\\p action], from this prefix or
        from any other one whose IR is \\p parent_ir's (the IR hash after
        \\p prefix, None if unknown): a dict with "ir", "inst_count" and
        "reward", or None."""
        cache = self.cache
        actions = tuple(prefix) + (action,)
        keys = [self._prefix_key(actions)]
        if parent_ir:
            keys.append(self._transition_key(parent_ir, action))
        values = cache.backend.get_many(keys)
        if values[0]:
            cache.hits += 1
            return json.loads(values[0])
        if len(values) > 1 and values[1]:
            ir = values[1].decode() if isinstance(values[1], bytes) \
                else values[1]
            state, = cache.backend.get_many([self._state_key(ir)])
            if state:
                cache.merged += 1
                value = dict(json.loads(state), ir=ir)
                # Found by this prefix next time.
                self._pending[keys[0]] = json.dumps(value, sort_keys=True)
                return value
        cache.misses += 1
        return None

    def record(self, prefix, action, parent_ir, value):
        """Notes the state after \\p prefix + [\\p action] (\\p action None:
        \\p prefix itself) for the next `flush`: \\p value has "ir",
        "inst_count" and "reward"."""
        actions = tuple(prefix) + ((action,) if action is not None else ())
        text = json.dumps(value, sort_keys=True)
        self._pending[self._prefix_key(actions)] = text
        self._pending[self._state_key(value["ir"])] = json.dumps(
            {"inst_count": value["inst_count"]})
        if parent_ir and action is not None:
            self._pending[self._transition_key(parent_ir, action)] = \
                value["ir"]

    def flush(self):
        """Writes what `record` noted, in one round trip."""
        if self._pending:
            self.cache.backend.set_many(self._pending)
            self._pending = {}
