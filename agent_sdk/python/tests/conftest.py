# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Shared fixtures: the build's tools, a served agent, a scripted compiler.

ctest sets SWITCHYARD_BUILD_DIR (and PYTHONPATH, SWITCHYARD_OPT,
SWITCHYARD_CLANG). By hand:
    SWITCHYARD_BUILD_DIR=build /usr/bin/python3 -m pytest \
        agent_sdk/python/tests
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SDK_DIR = os.path.dirname(HERE)
SOURCE_ROOT = os.path.dirname(os.path.dirname(SDK_DIR))
BUILD_DIR = os.environ.get("SWITCHYARD_BUILD_DIR")

# Without ctest's PYTHONPATH: the sources, then the build's generated code.
PYTHONPATH = [SDK_DIR]
if BUILD_DIR:
    PYTHONPATH.append(os.path.join(BUILD_DIR, "agent_sdk", "python", "gen"))
for entry in reversed(PYTHONPATH):
    if entry not in sys.path:
        sys.path.insert(0, entry)

import switchyard  # noqa: E402
from switchyard.framing import read_frame  # noqa: E402
from switchyard.messages import decode_frame, frame_message  # noqa: E402

SKIP_SROA_LL = os.path.join(SOURCE_ROOT, "test", "lit", "pass-gate",
                            "skip-sroa.ll")
EXAMPLES = os.path.join(SOURCE_ROOT, "examples")


def _build_file(*parts):
    return os.path.join(BUILD_DIR, *parts) if BUILD_DIR else None


@pytest.fixture(scope="session")
def plugin():
    path = _build_file("plugin", "libSwitchyard.so")
    if not path or not os.path.isfile(path):
        pytest.skip("the Switchyard plugin is not built "
                    "(set SWITCHYARD_BUILD_DIR to a build directory)")
    return path


@pytest.fixture(scope="session")
def opt(plugin):
    path = os.environ.get("SWITCHYARD_OPT") or shutil.which("opt-22")
    if not path:
        pytest.skip("opt-22 is not installed")
    return path


@pytest.fixture(scope="session")
def clang(plugin):
    path = os.environ.get("SWITCHYARD_CLANG") or shutil.which("clang-22")
    if not path:
        pytest.skip("clang-22 is not installed")
    return path


@pytest.fixture(scope="session")
def cxx_agent(plugin):
    path = _build_file("agent_sdk", "switchyard-agent")
    if not os.path.isfile(path):
        pytest.skip("switchyard-agent is not built")
    return path


@pytest.fixture
def sock_dir():
    # Short: a Unix socket path must fit in 108 bytes.
    path = tempfile.mkdtemp(prefix="sy-py-", dir="/tmp")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def sock_path(sock_dir):
    return os.path.join(sock_dir, "agent.sock")


def compiler_env(socket_path=None, **extra):
    """The environment for a compiler or an agent script: no SWITCHYARD_*
    from the caller, and this SDK on PYTHONPATH."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SWITCHYARD_")}
    env["PYTHONPATH"] = os.pathsep.join(
        PYTHONPATH + [p for p in env.get("PYTHONPATH", "").split(os.pathsep)
                      if p and p not in PYTHONPATH])
    if socket_path:
        env["SWITCHYARD_AGENT"] = socket_path
    env.update(extra)
    return env


def wait_for(condition, timeout=10):
    """Waits for something the server thread does."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting")
        time.sleep(0.01)


class Lines(list):
    """A log sink that tests can read from another thread."""

    def __call__(self, line):
        self.append(line)

    def matching(self, text):
        return [line for line in self if text in line]


@contextlib.contextmanager
def served(socket_path, agent, **options):
    """Serves \\p agent on a thread; yields the Server and its log lines."""
    log = Lines()
    server = switchyard.Server(socket_path, agent, log=log, **options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, log
    finally:
        server.close()
        thread.join(10)
        assert not thread.is_alive(), "the server did not stop"


class FakeCompiler:
    """Plays the compiler's side of the protocol over a real connection."""

    def __init__(self, socket_path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(socket_path)

    def send(self, message):
        self.sock.sendall(frame_message(message))

    def send_raw(self, data):
        self.sock.sendall(data)

    def receive(self):
        """The next message, or None once the agent closed the connection."""
        frame = read_frame(self.sock)
        return None if frame is None else decode_frame(frame)

    def closed_by_peer(self):
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True

    def hello(self, **fields):
        fields.setdefault("compiler", "fake")
        fields.setdefault("module", "m.ll")
        fields.setdefault("offered", ("pass-gate",))
        self.send(switchyard.Hello(**fields))
        return self.receive()

    def close(self):
        self.sock.close()


@pytest.fixture
def fake_compiler(sock_path):
    clients = []

    def connect():
        client = FakeCompiler(sock_path)
        clients.append(client)
        return client
    yield connect
    for client in clients:
        client.close()


def run_opt(opt, plugin, args, socket_path=None, check=True, **env):
    """Runs opt-22 with the plugin; returns the CompletedProcess."""
    cmd = [opt, "-load-pass-plugin=" + plugin] + list(args)
    result = subprocess.run(cmd, env=compiler_env(socket_path, **env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            timeout=300)
    if check and result.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s" % (
            " ".join(cmd), result.returncode, result.stderr.decode()))
    return result


def function_ir(ir, name):
    """The lines of function @name in textual IR, from define to }."""
    lines = ir.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("define") and (" @%s(" % name) in line:
            end = lines.index("}", i)
            return lines[i:end + 1]
    raise AssertionError("no function @%s in:\n%s" % (name, ir))


@pytest.fixture(scope="module")
def private_cache(tmp_path_factory):
    """A benchmark cache of the test module's own, so tests never share
    cached baselines with each other or with the user's cache."""
    old = os.environ.get("SWITCHYARD_CACHE_DIR")
    path = str(tmp_path_factory.mktemp("cache"))
    os.environ["SWITCHYARD_CACHE_DIR"] = path
    yield path
    if old is None:
        del os.environ["SWITCHYARD_CACHE_DIR"]
    else:
        os.environ["SWITCHYARD_CACHE_DIR"] = old
