# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Gymnasium-compatible spaces and environment base class.

When `gymnasium` is importable, `Env`, `Box`, `Discrete` and `Dict` are
Gymnasium's own, so code written for Gymnasium (wrappers, `check_env`,
RL libraries) sees real Gymnasium objects. Otherwise they are the small
classes below, with the same constructor arguments, attributes and methods
(`sample`, `contains`, `seed`, `shape`, `dtype`, `n`, `start`, `low`,
`high`, `spaces`, `np_random`), so the same code runs unchanged.

`Text`, `Bytes` and `Counts` describe observations Gymnasium has no space
for (IR text of any characters, bitcode, per-function instruction counts);
they subclass Gymnasium's `Space` when it is there.
"""

import numpy as np

__all__ = ["GYMNASIUM", "Env", "Space", "Box", "Discrete", "Dict", "Text",
           "Bytes", "Counts", "np_random"]

try:  # pragma: no cover - depends on the machine
    import gymnasium as _gym
    from gymnasium import spaces as _gs
except ImportError:  # Debian has no gymnasium package
    _gym = None
    _gs = None

#: True when the classes here are Gymnasium's.
GYMNASIUM = _gym is not None


def np_random(seed=None):
    """A numpy Generator and the seed it came from, as
    `gymnasium.utils.seeding.np_random` returns them."""
    if seed is not None and (not isinstance(seed, (int, np.integer)) or
                             seed < 0):
        raise ValueError("seed must be a non-negative int, not %r" % (seed,))
    seq = np.random.SeedSequence(seed)
    return np.random.Generator(np.random.PCG64(seq)), seq.entropy


class _Space:
    """The part of `gymnasium.spaces.Space` that agents use."""

    def __init__(self, shape=None, dtype=None, seed=None):
        self._shape = None if shape is None else tuple(shape)
        self.dtype = None if dtype is None else np.dtype(dtype)
        self._np_random = None
        if seed is not None:
            self.seed(seed)

    @property
    def np_random(self):
        if self._np_random is None:
            self.seed()
        return self._np_random

    @property
    def shape(self):
        return self._shape

    @property
    def is_np_flattenable(self):
        return False

    def seed(self, seed=None):
        self._np_random, seed = np_random(seed)
        return [seed]

    def sample(self, mask=None):
        raise NotImplementedError

    def contains(self, x):
        raise NotImplementedError

    def __contains__(self, x):
        return self.contains(x)


class _Discrete(_Space):
    """{start, ..., start + n - 1}, as gymnasium.spaces.Discrete."""

    def __init__(self, n, seed=None, start=0):
        if int(n) <= 0:
            raise ValueError("n must be positive, not %r" % (n,))
        self.n = np.int64(n)
        self.start = np.int64(start)
        super().__init__((), np.int64, seed)

    @property
    def is_np_flattenable(self):
        return True

    def sample(self, mask=None):
        if mask is not None:
            mask = np.asarray(mask, dtype=np.int8)
            if mask.shape != (self.n,):
                raise ValueError("mask of shape %s for Discrete(%d)"
                                 % (mask.shape, self.n))
            legal = np.flatnonzero(mask == 1)
            if len(legal) == 0:
                return self.start
            return self.start + np.int64(self.np_random.choice(legal))
        return self.start + np.int64(self.np_random.integers(self.n))

    def contains(self, x):
        if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
            v = int(x)
        elif (isinstance(x, np.ndarray) and x.shape == () and
              np.issubdtype(x.dtype, np.integer)):
            v = int(x)
        else:
            return False
        return int(self.start) <= v < int(self.start + self.n)

    def __repr__(self):
        if self.start:
            return "Discrete(%d, start=%d)" % (self.n, self.start)
        return "Discrete(%d)" % self.n

    def __eq__(self, other):
        return (isinstance(other, _Discrete) and self.n == other.n and
                self.start == other.start)


class _Box(_Space):
    """An n-dimensional box [low, high], as gymnasium.spaces.Box."""

    def __init__(self, low, high, shape=None, dtype=np.float32, seed=None):
        dtype = np.dtype(dtype)
        if shape is None:
            shape = np.broadcast(np.asarray(low), np.asarray(high)).shape
        shape = tuple(int(s) for s in shape)

        def bound(value, inf):
            a = np.broadcast_to(np.asarray(value), shape)
            if np.issubdtype(dtype, np.integer):
                info = np.iinfo(dtype)
                f = a.astype(np.float64)
                out = np.empty(shape, dtype=dtype)
                flat, src = out.reshape(-1), a.reshape(-1)
                for i, v in enumerate(f.reshape(-1)):
                    if v >= float(info.max):
                        flat[i] = info.max
                    elif v <= float(info.min):
                        flat[i] = info.min
                    else:
                        flat[i] = int(src[i])
                return out
            return a.astype(dtype).copy()
        self.low = bound(low, -np.inf)
        self.high = bound(high, np.inf)
        super().__init__(shape, dtype, seed)

    @property
    def is_np_flattenable(self):
        return True

    def is_bounded(self, manner="both"):
        below = bool(np.all(np.isfinite(self.low.astype(np.float64))))
        above = bool(np.all(np.isfinite(self.high.astype(np.float64))))
        return {"both": below and above, "below": below,
                "above": above}[manner]

    def sample(self, mask=None):
        low = self.low.astype(np.float64)
        high = self.high.astype(np.float64)
        if np.issubdtype(self.dtype, np.integer):
            # Unbounded integer sides sample near the bounded one.
            high = np.where(high > low + 2 ** 20, low + 2 ** 20, high)
            out = np.floor(self.np_random.uniform(low, high + 1,
                                                  size=self.shape))
            return np.clip(out, low, high).astype(self.dtype)
        low = np.where(np.isfinite(low), low, -1.0)
        high = np.where(np.isfinite(high), high, low + 1.0)
        return self.np_random.uniform(low, high,
                                      size=self.shape).astype(self.dtype)

    def contains(self, x):
        if not isinstance(x, np.ndarray):
            try:
                x = np.asarray(x, dtype=self.dtype)
            except (ValueError, TypeError):
                return False
        return bool(np.can_cast(x.dtype, self.dtype) and
                    x.shape == self.shape and
                    np.all(x >= self.low) and np.all(x <= self.high))

    def __repr__(self):
        return "Box(%s, %s, %s, %s)" % (
            self.low.min() if self.low.size else "", self.high.max()
            if self.high.size else "", self.shape, self.dtype)

    def __eq__(self, other):
        return (isinstance(other, _Box) and self.shape == other.shape and
                self.dtype == other.dtype and
                np.array_equal(self.low, other.low) and
                np.array_equal(self.high, other.high))


class _Dict(_Space):
    """Named subspaces, as gymnasium.spaces.Dict (insertion order kept)."""

    def __init__(self, spaces=None, seed=None, **kwargs):
        spaces = dict(spaces or {}, **kwargs)
        self.spaces = spaces
        super().__init__(None, None, None)
        if seed is not None:
            self.seed(seed)

    def seed(self, seed=None):
        seeds = super().seed(seed)
        for i, space in enumerate(self.spaces.values()):
            space.seed(None if seed is None else int(seed) + i + 1)
        return seeds

    def sample(self, mask=None):
        return {k: s.sample() for k, s in self.spaces.items()}

    def contains(self, x):
        return (isinstance(x, dict) and x.keys() == self.spaces.keys() and
                all(s.contains(x[k]) for k, s in self.spaces.items()))

    def __getitem__(self, key):
        return self.spaces[key]

    def keys(self):
        return self.spaces.keys()

    def items(self):
        return self.spaces.items()

    def __len__(self):
        return len(self.spaces)

    def __iter__(self):
        return iter(self.spaces)

    def __repr__(self):
        return "Dict(%s)" % ", ".join("%r: %r" % kv
                                      for kv in self.spaces.items())


class _Env:
    """The part of `gymnasium.Env` that environments and agents use."""

    metadata = {"render_modes": []}
    render_mode = None
    spec = None
    reward_range = (-float("inf"), float("inf"))
    action_space = None
    observation_space = None
    _np_random = None

    @property
    def np_random(self):
        if self._np_random is None:
            self._np_random, _ = np_random()
        return self._np_random

    @np_random.setter
    def np_random(self, value):
        self._np_random = value

    @property
    def unwrapped(self):
        return self

    def reset(self, *, seed=None, options=None):
        if seed is not None:
            self._np_random, _ = np_random(seed)

    def step(self, action):
        raise NotImplementedError

    def render(self):
        return None

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __str__(self):
        return "<%s instance>" % type(self).__name__


if GYMNASIUM:  # pragma: no cover
    Env = _gym.Env
    Space = _gs.Space
    Box = _gs.Box
    Discrete = _gs.Discrete
    Dict = _gs.Dict
else:
    Env = _Env
    Space = _Space
    Box = _Box
    Discrete = _Discrete
    Dict = _Dict


class Text(Space):
    """Any `str` up to `max_length` characters (textual IR)."""

    def __init__(self, max_length=1 << 30, seed=None):
        self.max_length = max_length
        super().__init__(None, None, seed)

    def sample(self, mask=None):
        n = int(self.np_random.integers(0, 16))
        return "".join(chr(int(c)) for c in
                       self.np_random.integers(32, 127, size=n))

    def contains(self, x):
        return isinstance(x, str) and len(x) <= self.max_length

    def __repr__(self):
        return "Text()"


class Graph(Space):
    """A networkx directed multigraph (the program-graph observation);
    `sample` gives an empty one."""

    def __init__(self, seed=None):
        super().__init__(None, None, seed)

    def sample(self, mask=None):
        from .programl import _networkx
        return _networkx().MultiDiGraph()

    def contains(self, x):
        try:
            from .programl import _networkx
            return isinstance(x, _networkx().MultiDiGraph)
        except ImportError:
            return False

    def __repr__(self):
        return "Graph()"


class Bytes(Space):
    """Any `bytes` (bitcode)."""

    def __init__(self, max_length=1 << 30, seed=None):
        self.max_length = max_length
        super().__init__(None, None, seed)

    def sample(self, mask=None):
        n = int(self.np_random.integers(0, 16))
        return bytes(self.np_random.integers(0, 256, size=n).tolist())

    def contains(self, x):
        return isinstance(x, (bytes, bytearray)) and len(x) <= self.max_length

    def __repr__(self):
        return "Bytes()"


class Counts(Space):
    """A `dict` of names to non-negative integer counts (instructions per
    function: the names change as functions are inlined or deleted)."""

    def __init__(self, seed=None):
        super().__init__(None, None, seed)

    def sample(self, mask=None):
        n = int(self.np_random.integers(1, 4))
        return {"f%d" % i: int(self.np_random.integers(0, 100))
                for i in range(n)}

    def contains(self, x):
        return isinstance(x, dict) and all(
            isinstance(k, str) and isinstance(v, (int, np.integer)) and v >= 0
            for k, v in x.items())

    def __repr__(self):
        return "Counts()"
