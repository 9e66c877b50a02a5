# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""What an agent author implements, and the built-in policies.

Subclass `Agent` and implement `decide`; `serve` (switchyard.server) calls it
for every decision of every compiler connected to the socket.
"""

import dataclasses
from dataclasses import dataclass
from typing import Tuple

from .messages import Answer, Hello, Option, Subscription, kind_value

__all__ = ["Session", "Agent", "Refuse", "DefaultAgent", "RandomAgent",
           "make_policy", "parse_seed"]


@dataclass(frozen=True)
class Session:
    """One compiler connection, as its handshake described it."""
    id: int                  # unique per server, in connection order
    peer_pid: int            # from the socket's kernel credentials
    protocol_version: int
    compiler: str
    compiler_version: str
    module: str
    source_file: str
    target_triple: str
    pid: int                 # as the compiler reported it
    offered: Tuple[str, ...]           # decision kinds, e.g. ("pass-gate",)
    action_space: Tuple[Option, ...]   # pass-pipeline actions, by index
    #: (kind, feature names) per kind, as the Hello named them (version 2).
    feature_schemas: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()

    def feature_names(self, kind):
        """\\p kind's feature names, in the order of every request's
        `feature_array`; () for a version-1 compiler, whose requests name
        their features themselves."""
        for k, names in self.feature_schemas:
            if k == kind:
                return names
        return ()

    def feature_index(self, kind, name):
        """The position of \\p kind's feature \\p name in every request's
        `feature_array`, or -1. Look it up once (in `hello`), then read
        `request.feature_array[i]` per request: no dict, no string
        compare."""
        try:
            return self.feature_names(kind).index(name)
        except ValueError:
            return -1

    @classmethod
    def from_hello(cls, id, peer_pid, hello):
        return cls(id=id, peer_pid=peer_pid, **{
            f.name: getattr(hello, f.name)
            for f in dataclasses.fields(Hello)})


class Refuse(Exception):
    """Raise from `Agent.hello` to refuse a connection; the message is the
    reason the compiler prints."""


class Agent:
    """Base class of agents. Every method runs on the server's loop, one
    call at a time: keep them quick, and keep per-connection state keyed by
    `session.id`."""

    def hello(self, session):
        """Called once per connection. Returns the subscriptions: a list of
        `Subscription`s or kind names. The default subscribes to every kind
        the compiler offers. Raise `Refuse(reason)` to refuse."""
        return [Subscription(kind) for kind in session.offered]

    def local_rules(self, session):
        """Rules in the script syntax (docs/agents.md) that the compiler
        applies itself, with no round trip: a subscribed decision one of
        them matches is never sent to `decide`. The default pushes none."""
        return ""

    def decide(self, request):
        """Answers one `Request`: an `Answer` (None means the default)."""
        raise NotImplementedError("an Agent must implement decide()")

    def report(self, session, report):
        """The compiler's end-of-module `Report`."""

    def closed(self, session):
        """The connection is gone (after its report, or because the
        compiler died)."""


class DefaultAgent(Agent):
    """Always the compiler's default: the output is the plain compile's."""

    def decide(self, request):
        return Answer.default()


_MASK = (1 << 64) - 1


def _mix(x):
    # splitmix64's finalizer, as switchyard-agent's random policy.
    x = (x + 0x9e3779b97f4a7c15) & _MASK
    x = ((x ^ (x >> 30)) * 0xbf58476d1ce4e5b9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94d049bb133111eb) & _MASK
    return x ^ (x >> 31)


def _hash_string(s):
    h = 0xcbf29ce484222325
    for c in s.encode("utf-8"):
        h = ((h ^ c) * 0x100000001b3) & _MASK
    return h


class RandomAgent(Agent):
    """A seeded choice among the legal answers, a pure function of the seed
    and the decision's context, so concurrent compiles replay. It makes the
    same choices as `switchyard-agent --policy random` with the same seed."""

    def __init__(self, seed=0):
        self.seed = seed & _MASK

    def decide(self, request):
        state = _mix(self.seed ^ _mix(kind_value(request.kind)))
        # The module's file name, not its path: the same source gives the
        # same choices wherever the checkout is.
        module = request.module.rsplit("/", 1)[-1]
        for text in (module, request.function, request.pass_name):
            state = _mix(state ^ _hash_string(text))
        state = _mix(state ^ request.site_id)
        state = _mix(state ^ request.index)
        options = request.options
        if not options:
            return Answer.default()
        if request.kind == "pass-pipeline":
            # Option 0 is "stop": an episode lasts 16 steps on average.
            if state % 16 == 0 or len(options) < 2:
                return Answer.choose(0)
            return Answer.choose(1 + (state >> 4) % (len(options) - 1))
        index = state % len(options)
        params = []
        for p in options[index].params if request.legal else ():
            state = _mix(state)
            params.append(self._pick(p, state))
        return Answer.choose(index, params)

    @staticmethod
    def _pick(param, state):
        if param.max <= param.min:
            return param.min
        if param.power_of_two:
            powers = param.values()
            return powers[state % len(powers)] if powers else param.min
        # As in C++: unsigned 64-bit arithmetic, where the span of the full
        # int64 range wraps to 0.
        span = (param.max - param.min + 1) & _MASK
        value = (param.min + (state % span if span else state)) & _MASK
        return value - (1 << 64) if value >= 1 << 63 else value


def parse_seed(text):
    """A seed as switchyard-agent and SWITCHYARD_POLICY=random:SEED read
    it: decimal, or 0x, 0b, 0o or a leading 0 for hexadecimal, binary or
    octal; 0 to 2^64-1. Raises ValueError naming the text."""
    digits, base = text, 10
    if len(text) > 1 and text[0] == "0":
        prefix = text[1].lower()
        base = {"x": 16, "b": 2}.get(prefix, 8)
        digits = text[2:] if prefix in "xbo" else text[1:]
    # int() alone would take "1_000", " 7" and "+7", which C++ does not.
    if not digits or not all(c in "0123456789abcdefABCDEF" for c in digits):
        raise ValueError("not a seed: %r" % text)
    try:
        value = int(digits, base)
    except ValueError:
        raise ValueError("not a seed: %r" % text) from None
    if value > _MASK:
        raise ValueError("seed %s is over 2^64-1" % text)
    return value


def make_policy(spec, seed=None, action_space=None):
    """A built-in policy by name: "default", "random", "random:SEED", or
    "script:FILE" (`switchyard.script.ScriptAgent`: first-match rules, the
    language of switchyard-agent's scripts; \\p action_space, if given, is
    what its pass-pipeline rules are checked against as it loads). A seed
    in both \\p spec and \\p seed must be the same, as switchyard-agent
    requires. Raises ValueError (a `ScriptError` for a script, naming
    FILE:LINE) or OSError for a script that cannot be read."""
    if spec == "default":
        return DefaultAgent()
    if spec == "random":
        return RandomAgent(seed or 0)
    if isinstance(spec, str) and spec.startswith("random:"):
        own = parse_seed(spec[len("random:"):])
        if seed is not None and seed != own:
            raise ValueError("%s and seed %d give two different seeds"
                             % (spec, seed))
        return RandomAgent(own)
    if isinstance(spec, str) and spec.startswith("script:"):
        from .script import ScriptAgent
        path = spec[len("script:"):]
        if not path:
            raise ValueError("script: needs a file, as script:FILE")
        return ScriptAgent(path, action_space=action_space)
    raise ValueError("unknown policy %r (expected default, random, "
                     "random:SEED or script:FILE)" % (spec,))
