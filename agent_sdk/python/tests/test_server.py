# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The server against scripted compilers: handshake, misbehaviour, safety."""

import os
import socket
import stat
import struct
import threading

import pytest

import switchyard
from switchyard import (Answer, Choice, HelloReply, Option, Reply, Report,
                        Request, Subscription)
from conftest import served, wait_for

PASS_GATE = (Option("run"), Option("skip"))


def gate_request(id, function="f"):
    return Request(id=id, kind="pass-gate", function=function,
                   pass_name="SROAPass", unit_kind="Function",
                   unit_name=function, feature_names=("unit_inst_count",),
                   feature_array=[5.0], default=Choice(0), legal=PASS_GATE)


class SkipBar(switchyard.Agent):
    def __init__(self):
        self.requests = []
        self.reports = []
        self.closed_sessions = []

    def decide(self, request):
        self.requests.append(request)
        if request.function == "bar":
            return Answer.choose("skip")
        return None

    def report(self, session, report):
        self.reports.append(report)

    def closed(self, session):
        self.closed_sessions.append(session.id)


def test_a_session_from_hello_to_report(sock_path, fake_compiler):
    agent = SkipBar()
    with served(sock_path, agent) as (server, log):
        c = fake_compiler()
        reply = c.hello(offered=("pass-gate", "inline"))
        assert reply == HelloReply(True, "", (Subscription("pass-gate"),
                                              Subscription("inline")))
        c.send(gate_request(1, "foo"))
        assert c.receive() == Reply(1, True)
        c.send(gate_request(2, "bar"))
        assert c.receive() == Reply(2, False, Choice(1))
        c.send(Report("m.ll", 10, 7))
        c.close()
        wait_for(lambda: agent.closed_sessions == [1])
        assert [r.function for r in agent.requests] == ["foo", "bar"]
        assert agent.requests[1].session.module == "m.ll"
        assert agent.requests[1].features == {"unit_inst_count": 5.0}
        assert agent.reports == [Report("m.ll", 10, 7)]
        assert server.stats.decisions == 2 and server.stats.reports == 1
        assert log == []


def test_socket_is_owner_only(sock_path):
    with served(sock_path, SkipBar()):
        mode = os.stat(sock_path).st_mode
        assert stat.S_ISSOCK(mode)
        assert stat.S_IMODE(mode) == 0o600
    assert not os.path.exists(sock_path), "close() removes the socket"


def test_version_mismatch_is_refused_with_a_reason(sock_path, fake_compiler):
    agent = SkipBar()
    with served(sock_path, agent) as (server, log):
        old = fake_compiler()
        reply = old.hello(protocol_version=3)
        assert not reply.accept
        assert reply.reason == ("protocol version 3 is not supported; this "
                                "agent speaks versions 1 to 2")
        assert old.closed_by_peer()
        wait_for(lambda: len(log) == 1)
        assert "handshake refused: protocol version 3" in log[0]
        # The next compiler is served as usual.
        assert fake_compiler().hello().accept
    assert agent.closed_sessions == [2], "hello() never ran for the refusal"


def test_agent_can_refuse_and_filter(sock_path, fake_compiler):
    class Picky(switchyard.Agent):
        def hello(self, session):
            if session.compiler != "opt":
                raise switchyard.Refuse("only opt, please")
            return [Subscription("pass-gate", passes=["SROAPass", "Loop*"],
                                 observe=["inst-count", "autophase"]),
                    "inline"]

    with served(sock_path, Picky()) as (server, log):
        assert fake_compiler().hello(compiler="clang") == HelloReply(
            False, "only opt, please")
        reply = fake_compiler().hello(compiler="opt")
        assert reply.subscriptions == (
            Subscription("pass-gate", ("SROAPass", "Loop*"), (), 1 | 8),
            Subscription("inline"))


BAD_CLIENTS = {
    "garbage": (lambda c: c.send_raw(b"\x10\0\0\0" + b"\xab" * 16),
                "bad frame: frame fails the verifier"),
    "oversized": (lambda c: c.send_raw(struct.pack("<I", 64 << 20 | 1)),
                  "bad frame: frame of 67108865 bytes exceeds the limit"),
    "request first": (lambda c: c.send(gate_request(1)),
                      "decision request before the handshake"),
    "report first": (lambda c: c.send(Report("m.ll")),
                     "module report before the handshake"),
    "second hello": (lambda c: (c.hello(), c.send(switchyard.Hello())),
                     "second handshake on one connection"),
    "wrong message": (lambda c: c.send(HelloReply()),
                      "unexpected message type 2"),
    "mid-frame close": (lambda c: (c.send_raw(b"\x40\0\0\0SWYD"),
                                   c.sock.shutdown(socket.SHUT_WR)),
                        "connection closed mid-frame"),
    "silent": (lambda c: None, "no handshake within the time limit"),
}


@pytest.mark.parametrize("name", list(BAD_CLIENTS))
def test_misbehaving_client_is_dropped_others_go_on(name, sock_path,
                                                    fake_compiler):
    misbehave, why = BAD_CLIENTS[name]
    with served(sock_path, SkipBar(), handshake_timeout=0.5) as (server, log):
        good = fake_compiler()
        assert good.hello().accept
        bad = fake_compiler()
        misbehave(bad)
        assert bad.closed_by_peer()
        wait_for(lambda: log)
        assert len(log) == 1
        assert why in log[0] and log[0].endswith("; closed"), log[0]
        assert log[0].startswith("client 2 (pid %d" % os.getpid())
        # The other connection was never disturbed.
        good.send(gate_request(5, "bar"))
        assert good.receive() == Reply(5, False, Choice(1))
        assert server.stats.dropped == 1


def test_agent_errors_cost_the_default(sock_path, fake_compiler):
    class Buggy(switchyard.Agent):
        def decide(self, request):
            if request.function == "bar":
                return Answer.choose("jump")
            raise KeyError("oops")

    with served(sock_path, Buggy()) as (server, log):
        c = fake_compiler()
        c.hello()
        c.send(gate_request(1, "foo"))
        assert c.receive() == Reply(1, True)
        c.send(gate_request(2, "bar"))
        assert c.receive() == Reply(2, True)
        assert server.stats.agent_errors == 2
        assert "KeyError: 'oops'" in log[0]
        assert "no legal option named 'jump'" in log[1]


def test_stop_event_stops_serve(sock_path):
    stop = threading.Event()
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault(
        "stats", switchyard.serve(sock_path, SkipBar(), stop_event=stop)))
    thread.start()
    wait_for(lambda: os.path.exists(sock_path))
    stop.set()
    thread.join(5)
    assert not thread.is_alive()
    assert result["stats"].connections == 0
    assert not os.path.exists(sock_path)


def test_ctrl_c_in_serve_closes_cleanly(sock_path, fake_compiler):
    class Interrupted(switchyard.Agent):
        def decide(self, request):
            raise KeyboardInterrupt

    thread = threading.Thread(target=switchyard.serve,
                              args=(sock_path, Interrupted()))
    thread.start()
    wait_for(lambda: os.path.exists(sock_path))
    c = fake_compiler()
    c.hello()
    c.send(gate_request(1))
    thread.join(5)
    assert not thread.is_alive()
    assert c.closed_by_peer()
    assert not os.path.exists(sock_path)


def test_stale_socket_is_replaced_live_one_is_not(sock_path):
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(sock_path)
    stale.close()
    with served(sock_path, SkipBar()):
        with pytest.raises(OSError, match="another agent is already serving"):
            switchyard.Server(sock_path, SkipBar())
    with open(sock_path, "w"):
        pass
    with pytest.raises(FileExistsError):
        switchyard.Server(sock_path, SkipBar())


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch uid")
def test_peer_of_another_uid_is_refused(sock_path):
    with served(sock_path, SkipBar()) as (server, log):
        # Even if the socket's mode leaked, the kernel credentials refuse.
        os.chmod(sock_path, 0o777)
        os.chmod(os.path.dirname(sock_path), 0o755)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # The child: become nobody, try to talk.
            status = 1
            try:
                os.setgid(65534)
                os.setuid(65534)
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.settimeout(10)
                s.connect(sock_path)
                try:
                    s.sendall(switchyard.messages.frame_message(
                        switchyard.Hello(compiler="intruder")))
                    closed = s.recv(1) == b""
                except (BrokenPipeError, ConnectionResetError):
                    closed = True
                os.write(write_end, b"1" if closed else b"0")
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        assert os.read(read_end, 1) == b"1", "the connection was not closed"
        os.close(read_end)
        assert os.waitpid(pid, 0)[1] == 0
        wait_for(lambda: log)
        assert "uid 65534): another user; refused" in log[0]
        assert server.stats.refused == 1
