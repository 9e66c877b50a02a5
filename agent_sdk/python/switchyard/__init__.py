# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Switchyard agents in Python: answer an LLVM compiler's optimization
decisions over the Switchyard protocol.

    class MyAgent(switchyard.Agent):
        def decide(self, request):
            return switchyard.Answer.default()

    switchyard.serve("/tmp/sy.sock", MyAgent())
"""

import os as _os
import sys as _sys


def _attach_generated_code():
    """Finds the flatc-generated `switchyard.fb` subpackage.

    An installed package carries it inside. A source checkout does not: the
    build generates it into <build>/agent_sdk/python/gen/switchyard/fb, and
    that `gen` directory is put on sys.path (PYTHONPATH) next to the sources.
    Its `switchyard` directory then joins this package's search path, so
    `switchyard.fb` resolves there.
    """
    here = _os.path.dirname(_os.path.abspath(__file__))
    if _os.path.isfile(_os.path.join(here, "fb", "__init__.py")):
        return
    for entry in _sys.path:
        parent = _os.path.join(_os.path.abspath(entry or _os.curdir), __name__)
        if (parent != here and
                _os.path.isfile(_os.path.join(parent, "fb", "__init__.py"))):
            __path__.append(parent)
            return
    raise ImportError(
        "switchyard: the generated protocol code (switchyard/fb, made by "
        "flatc from protocol/switchyard.fbs) is not on sys.path. Build the "
        "project with CMake and add <build>/agent_sdk/python/gen to "
        "PYTHONPATH, or pip install agent_sdk/python.")


_attach_generated_code()

from .agent import (Agent, DefaultAgent, RandomAgent, Refuse,  # noqa: E402
                    Session, make_policy)
from .cli import main  # noqa: E402
from .framing import (FRAME_HEADER_SIZE, MAX_FRAME_SIZE,  # noqa: E402
                      PROTOCOL_VERSION, FrameDecoder, FrameError)
from .messages import (KINDS, OBSERVATIONS, Answer, Choice,  # noqa: E402
                       Hello, HelloReply, KindStats, Observation, Option,
                       Param, Reply, Report, Request, Subscription)
from .server import Server, ServerStats, serve  # noqa: E402
from .registration import register_environments as _register  # noqa: E402

_register()  # gym.make("switchyard/PassPipeline-v0"), if gymnasium is there

__all__ = [
    "Agent", "DefaultAgent", "RandomAgent", "Refuse", "Session",
    "make_policy", "main", "FRAME_HEADER_SIZE", "MAX_FRAME_SIZE",
    "PROTOCOL_VERSION", "FrameDecoder", "FrameError", "KINDS",
    "OBSERVATIONS", "Answer", "Choice", "Hello", "HelloReply", "KindStats",
    "Observation", "Option", "Param", "Reply", "Report", "Request",
    "Subscription", "Server", "ServerStats", "serve",
]
