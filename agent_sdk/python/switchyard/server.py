# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""A single-threaded server for many compiler connections on one socket.

The same rules as the C++ server (protocol/README.md): the socket is created
owner-only, peers of another uid are refused by their kernel credentials, a
client that misbehaves is dropped with one log line while the others go on,
and a handshake of another protocol version is refused with a reason.
"""

import errno
import logging
import os
import selectors
import socket
import stat
import struct
import subprocess
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Dict

from .agent import Refuse, Session
from .framing import (MAX_FRAME_SIZE, OLDEST_PROTOCOL_VERSION,
                      PROTOCOL_VERSION, FrameDecoder, FrameError)
from .messages import (Answer, Hello, HelloReply, Report, Request,
                       Subscription, decode_frame, frame_message)

__all__ = ["Server", "ServerStats", "serve"]

_CRED = struct.Struct("3i")  # struct ucred: pid, uid, gid


@dataclass
class ServerStats:
    connections: int = 0   # accepted, including refused ones
    open: int = 0
    refused: int = 0       # another user, or unreadable credentials
    dropped: int = 0       # misbehaved, or refused at the handshake
    decisions: int = 0
    reports: int = 0
    agent_errors: int = 0  # decide() raised or answered nonsense
    decisions_by_kind: Dict[str, int] = field(default_factory=dict)


class _Client:
    __slots__ = ("sock", "id", "pid", "decoder", "session", "hello_called",
                 "out", "deadline", "closing", "close_after_flush",
                 "errors_logged")

    def __init__(self, sock, id, pid, max_frame, deadline):
        self.sock = sock
        self.id = id
        self.pid = pid
        self.decoder = FrameDecoder(max_frame)
        self.session = None
        self.hello_called = False
        self.out = bytearray()
        self.deadline = deadline
        self.closing = False
        self.close_after_flush = False
        self.errors_logged = 0

    def describe(self):
        text = "client %d (pid %d" % (self.id, self.pid)
        if self.session is not None and self.session.module:
            text += ", module " + self.session.module
        return text + ")"


class Server:
    """Listens on \\p socket_path as soon as it is made; `serve_forever` or
    `run` answer compilers until `close()` (thread-safe) or the end.

    Options: `allow_other_users` (off: peers of another uid are refused),
    `handshake_timeout` in seconds, `max_frame` in bytes, `log` (a callable
    taking one line; default: the "switchyard" logger at WARNING), and
    `on_decision(session, request, answer)` / `on_report(session, report)`
    observers.
    """

    def __init__(self, socket_path, agent, *, allow_other_users=False,
                 handshake_timeout=10.0, max_frame=MAX_FRAME_SIZE, log=None,
                 on_decision=None, on_report=None):
        self.socket_path = os.fspath(socket_path)
        self.agent = agent
        self.allow_other_users = allow_other_users
        self.handshake_timeout = handshake_timeout
        self.max_frame = max_frame
        self.log = (log if log is not None
                    else logging.getLogger("switchyard").warning)
        self.on_decision = on_decision
        self.on_report = on_report
        self.stats = ServerStats()
        self.child = None  # the command run() is serving
        self._clients = {}
        self._lock = threading.RLock()  # close() may run in a signal handler
        self._closing = False
        self._closed = False
        self._running = False
        self._selector = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._selector.register(self._wake_r, selectors.EVENT_READ,
                                self._on_wake)
        try:
            self._listener = self._listen()
        except BaseException:
            self._selector.close()
            self._wake_r.close()
            self._wake_w.close()
            raise
        self._inode = os.stat(self.socket_path).st_ino
        self._selector.register(self._listener, selectors.EVENT_READ,
                                self._on_accept)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- Lifetime -----------------------------------------------------------

    def _listen(self):
        path = self.socket_path
        # A leftover socket from a dead agent is replaced; a live one is not.
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            pass
        else:
            if not stat.S_ISSOCK(st.st_mode):
                raise FileExistsError(errno.EEXIST, "exists and is not a "
                                      "socket", path)
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            probe.settimeout(0.2)
            try:
                probe.connect(path)
            except OSError:
                os.unlink(path)
            else:
                raise OSError(errno.EADDRINUSE, "another agent is already "
                              "serving", path)
            finally:
                probe.close()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            # Created owner-only: no window in which others may connect.
            old = os.umask(0o177)
            try:
                sock.bind(path)
            finally:
                os.umask(old)
            sock.listen(511)
            sock.setblocking(False)
        except BaseException:
            sock.close()
            raise
        return sock

    def close(self):
        """Stops serving: from any thread, from a signal handler, or from
        an agent callback. While the loop runs, it returns at once and the
        loop closes the connections and removes the socket."""
        with self._lock:
            if self._closed or self._closing:
                return
            self._closing = True
            running = self._running
        if running:
            try:
                self._wake_w.send(b"x")
            except OSError:
                pass
        else:
            self._shutdown()

    def _shutdown(self):
        with self._lock:
            if self._closed:
                return
            self._closed = True
        for client in list(self._clients.values()):
            self._close_client(client)
        self._selector.unregister(self._listener)
        self._listener.close()
        try:  # Only our socket: a successor may have replaced it.
            if os.stat(self.socket_path).st_ino == self._inode:
                os.unlink(self.socket_path)
        except OSError:
            pass
        self._selector.close()
        self._wake_r.close()
        self._wake_w.close()

    def serve_forever(self, stop_event=None):
        """Serves until `close()`, or until \\p stop_event (a
        threading.Event) is set; then closes."""
        self._loop(stop_event=stop_event)

    def run(self, command, env=None):
        """Runs \\p command (a list) with SWITCHYARD_AGENT set to this
        socket, serves until it exits, and returns its exit status (128+N
        for signal N). The server stays open."""
        env = dict(os.environ if env is None else env)
        env["SWITCHYARD_AGENT"] = os.path.abspath(self.socket_path)
        child = subprocess.Popen(command, env=env)
        self.child = child
        try:
            self._loop(child=child)
        finally:
            self.child = None
        status = child.wait()
        return 128 - status if status < 0 else status

    def _loop(self, stop_event=None, child=None):
        with self._lock:
            if self._closed:
                return
            self._running = True
        try:
            self._wait(stop_event, child)
        finally:
            with self._lock:
                self._running = False
                closing = self._closing
        if child is None or closing:
            self._shutdown()

    def _wait(self, stop_event, child):
        child_fd = None
        if child is not None:
            try:
                child_fd = os.pidfd_open(child.pid)
                self._selector.register(child_fd, selectors.EVENT_READ,
                                        lambda events: None)
            except (AttributeError, OSError):
                child_fd = None  # Polled instead.
        poll = stop_event is not None or (child is not None and
                                          child_fd is None)
        try:
            while not self._closing:
                if stop_event is not None and stop_event.is_set():
                    break
                if child is not None and child.poll() is not None:
                    break
                for key, mask in self._selector.select(self._timeout(poll)):
                    key.data(mask)
                self._expire_handshakes()
        finally:
            if child_fd is not None:
                self._selector.unregister(child_fd)
                os.close(child_fd)
        if child is not None and not self._closing:
            self._drain()

    def _drain(self, rounds=100):
        """Handles what has already arrived: the last frames (a module
        report) of compilers that exited together with the command."""
        for _ in range(rounds):
            events = self._selector.select(0)
            if not events or self._closing:
                return
            for key, mask in events:
                key.data(mask)

    def _timeout(self, poll):
        timeout = 0.1 if poll else None
        deadlines = [c.deadline for c in self._clients.values()
                     if c.deadline is not None]
        if deadlines:
            left = max(0.0, min(deadlines) - time.monotonic())
            timeout = left if timeout is None else min(timeout, left)
        return timeout

    def _on_wake(self, mask):
        try:
            self._wake_r.recv(64)
        except OSError:
            pass

    def _expire_handshakes(self):
        now = time.monotonic()
        for client in list(self._clients.values()):
            if client.deadline is None or client.deadline > now:
                continue
            if client.close_after_flush:
                self._close_client(client)  # It never read its refusal.
            else:
                self._drop(client, "no handshake within the time limit")

    # --- Connections --------------------------------------------------------

    def _on_accept(self, mask):
        try:
            sock, _ = self._listener.accept()
        except (BlockingIOError, InterruptedError):
            return
        except OSError as e:
            self.log("accept failed: %s" % e.strerror)
            return
        self.stats.connections += 1
        id = self.stats.connections
        try:
            pid, uid, _ = _CRED.unpack(sock.getsockopt(
                socket.SOL_SOCKET, socket.SO_PEERCRED, _CRED.size))
        except OSError:
            self.stats.refused += 1
            self.log("client %d: cannot read peer credentials; refused" % id)
            sock.close()
            return
        if not self.allow_other_users and uid != os.geteuid():
            self.stats.refused += 1
            self.log("client %d (pid %d, uid %d): another user; refused"
                     % (id, pid, uid))
            sock.close()
            return
        sock.setblocking(False)
        client = _Client(sock, id, pid, self.max_frame,
                         time.monotonic() + self.handshake_timeout)
        self._clients[id] = client
        self.stats.open += 1
        self._selector.register(sock, selectors.EVENT_READ,
                                lambda mask, c=client: self._on_ready(c, mask))

    def _on_ready(self, client, mask):
        if mask & selectors.EVENT_WRITE:
            self._flush(client)
        if mask & selectors.EVENT_READ and not client.closing:
            self._on_readable(client)

    def _on_readable(self, client):
        try:
            data = client.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as e:
            self._drop(client, "read error: %s" % (e.strerror or e))
            return
        if not data:
            if client.decoder.pending():
                self._drop(client, "connection closed mid-frame")
            else:
                self._close_client(client)
            return
        client.decoder.feed(data)
        while not client.closing and not client.close_after_flush:
            try:
                frame = client.decoder.next()
            except FrameError as e:
                self._drop(client, "bad frame: %s" % e)
                return
            if frame is None:
                return
            self._handle(client, frame)

    def _handle(self, client, frame):
        try:
            message = decode_frame(frame, client.session)
        except FrameError as e:
            return self._drop(client, "bad frame: %s" % e)
        if isinstance(message, Hello):
            if client.session is not None:
                return self._drop(client, "second handshake on one "
                                  "connection")
            return self._handle_hello(client, message)
        if isinstance(message, Request):
            if client.session is None:
                return self._drop(client, "decision request before the "
                                  "handshake")
            return self._handle_request(client, message)
        if isinstance(message, Report):
            if client.session is None:
                return self._drop(client, "module report before the "
                                  "handshake")
            self.stats.reports += 1
            if self.on_report:
                self.on_report(client.session, message)
            self._call_agent(client, self.agent.report, client.session,
                             message)
            return
        self._drop(client, "unexpected message type %d"
                   % frame.MessageType())

    def _handle_hello(self, client, hello):
        client.deadline = None
        client.session = Session.from_hello(client.id, client.pid, hello)
        if not (OLDEST_PROTOCOL_VERSION <= hello.protocol_version
                <= PROTOCOL_VERSION):
            reply = HelloReply(False, "protocol version %d is not supported; "
                               "this agent speaks versions %d to %d"
                               % (hello.protocol_version,
                                  OLDEST_PROTOCOL_VERSION, PROTOCOL_VERSION))
        else:
            client.hello_called = True
            try:
                subs = self.agent.hello(client.session)
                subs = tuple(Subscription(s) if isinstance(s, str) else s
                             for s in (subs or ()))
                for s in subs:
                    if not isinstance(s, Subscription):
                        raise TypeError("hello() returned %r, not a "
                                        "Subscription or kind name" % (s,))
                rules = self.agent.local_rules(client.session) or ""
                if not isinstance(rules, str):
                    raise TypeError("local_rules() returned %r, not a str"
                                    % (rules,))
                reply = HelloReply(True, "", subs, rules)
            except Refuse as e:
                reply = HelloReply(False, str(e) or "refused by the agent")
            except Exception as e:
                self._agent_error(client, "hello", e)
                reply = HelloReply(False, "the agent failed: %r" % e)
        self._send(client, frame_message(reply))
        if not reply.accept:
            self._drop(client, "handshake refused: " + reply.reason,
                       flush=True)

    def _handle_request(self, client, request):
        object.__setattr__(request, "session", client.session)
        try:
            answer = self.agent.decide(request)
            if answer is None:
                answer = Answer.default()
            reply = answer.reply_to(request)
        except Exception as e:
            self._agent_error(client, "decide", e)
            answer = Answer.default()
            reply = answer.reply_to(request)
        self.stats.decisions += 1
        by_kind = self.stats.decisions_by_kind
        by_kind[request.kind] = by_kind.get(request.kind, 0) + 1
        if self.on_decision:
            self.on_decision(client.session, request, answer)
        self._send(client, frame_message(reply))

    def _call_agent(self, client, method, *args):
        try:
            method(*args)
        except Exception as e:
            self._agent_error(client, method.__name__, e)

    def _agent_error(self, client, where, error):
        """An agent bug costs the default answer; the traceback is logged
        for the first few per connection."""
        self.stats.agent_errors += 1
        client.errors_logged += 1
        if client.errors_logged <= 3:
            self.log("%s: agent %s() failed; answering the default:\n%s"
                     % (client.describe(), where, "".join(
                         traceback.format_exception(
                         type(error), error, error.__traceback__)).rstrip()))

    # --- Writing and closing ------------------------------------------------

    def _send(self, client, data):
        if client.closing:
            return
        if not client.out:
            try:
                sent = client.sock.send(data)
            except (BlockingIOError, InterruptedError):
                sent = 0
            except OSError as e:
                self._drop(client, "write error: %s" % (e.strerror or e))
                return
            if sent == len(data):
                return
            data = data[sent:]
            self._selector.modify(client.sock, selectors.EVENT_READ |
                                  selectors.EVENT_WRITE,
                                  self._selector.get_key(client.sock).data)
        client.out += data

    def _flush(self, client):
        try:
            sent = client.sock.send(client.out)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as e:
            client.out.clear()
            self._drop(client, "write error: %s" % (e.strerror or e))
            return
        del client.out[:sent]
        if client.out:
            return
        if client.close_after_flush:
            self._close_client(client)
            return
        self._selector.modify(client.sock, selectors.EVENT_READ,
                              self._selector.get_key(client.sock).data)

    def _drop(self, client, why, flush=False):
        """One log line, then the connection goes (after its pending
        output, with \\p flush)."""
        if client.closing or client.close_after_flush:
            return
        self.stats.dropped += 1
        self.log("%s: %s; closed" % (client.describe(), why))
        if flush and client.out:
            client.close_after_flush = True
            client.deadline = time.monotonic() + self.handshake_timeout
            return
        self._close_client(client)

    def _close_client(self, client):
        if client.closing:
            return
        client.closing = True
        self._clients.pop(client.id, None)
        self.stats.open -= 1
        self._selector.unregister(client.sock)
        client.sock.close()
        if client.hello_called:
            self._call_agent(client, self.agent.closed, client.session)


def serve(socket_path, agent, *, stop_event=None, **options):
    """Serves \\p agent on \\p socket_path until \\p stop_event is set or
    Ctrl-C; returns the `ServerStats`. Options are `Server`'s."""
    with Server(socket_path, agent, **options) as server:
        try:
            server.serve_forever(stop_event)
        except KeyboardInterrupt:
            pass
    return server.stats
