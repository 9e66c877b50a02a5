# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""One compiler process, served synchronously by the Python code that
started it: the agent side of a single connection, one message at a time.

The environments drive compiles this way instead of through `Server`'s
callbacks: `step()` sends one answer and waits for the compiler's next
request. Every wait has a deadline; a compiler that dies, aborts or stops
answering raises `CompileError` with its exit status and the tail of its
stderr, never hangs.

    c = Compile.spawn([opt, "-load-pass-plugin=...", "-passes=...", ...])
    hello = c.handshake([Subscription("pass-pipeline", observe=...)])
    request = c.receive()          # a Request, a Report, or None at the end
    c.send(Answer.choose("sroa").reply_to(request))
    status = c.finish()
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import weakref

from .framing import FrameDecoder, FrameError
from .messages import (Hello, HelloReply, Report, Request, decode_frame,
                       frame_message)

__all__ = ["Compile", "CompileError", "compiler_environment"]


class CompileError(RuntimeError):
    """The compiler failed: it exited, crashed, broke the protocol or timed
    out. `status` is its exit status if it is known (negative: a signal)."""

    def __init__(self, message, status=None, stderr=""):
        super().__init__(message)
        self.status = status
        self.stderr = stderr


def compiler_environment(socket_path, extra=None, base=None):
    """The environment of a compiler served on \\p socket_path: no
    SWITCHYARD_* variable of our own environment leaks in."""
    env = {k: v for k, v in (os.environ if base is None else base).items()
           if not k.startswith("SWITCHYARD_")}
    env["SWITCHYARD_AGENT"] = socket_path
    env.update(extra or {})
    return env


def _cleanup(proc, directory):
    if proc is not None and proc.poll() is None:
        try:
            proc.kill()
        except OSError:
            pass
        try:
            proc.wait(5)
        except (subprocess.TimeoutExpired, OSError):
            pass
    if directory:
        shutil.rmtree(directory, ignore_errors=True)


class Compile:
    """A compiler started with SWITCHYARD_AGENT pointing at a socket that
    this object alone serves. `spawn` returns at once, so a compile can be
    started ahead of use and `handshake` later."""

    def __init__(self):
        self.proc = None
        self.dir = None
        self.sock = None
        self.hello = None
        self.report = None
        self.argv = ()
        self.timeout = 60.0
        self.closed = False
        self._listener = None
        self._decoder = FrameDecoder()
        self._stderr = None
        self._finalizer = None

    @classmethod
    def spawn(cls, argv, *, env=None, timeout=60.0, cwd=None,
              stdout=subprocess.DEVNULL):
        """Listens on a fresh socket and starts \\p argv with
        SWITCHYARD_AGENT set to it. \\p env adds variables; \\p timeout is
        the longest wait, in seconds, for any one message."""
        self = cls()
        self.argv = tuple(str(a) for a in argv)
        self.timeout = timeout
        # Short: a Unix socket path must fit in 108 bytes.
        self.dir = tempfile.mkdtemp(prefix="sy-", dir="/tmp")
        path = os.path.join(self.dir, "s")
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            self._listener.bind(path)
        finally:
            os.umask(old)
        self._listener.listen(1)
        self._stderr = open(os.path.join(self.dir, "stderr"), "w+b")
        try:
            self.proc = subprocess.Popen(
                self.argv, env=compiler_environment(path, env), cwd=cwd,
                stdin=subprocess.DEVNULL, stdout=stdout, stderr=self._stderr)
        except OSError as e:
            self._stderr.close()
            self._listener.close()
            _cleanup(None, self.dir)
            raise CompileError("cannot run %s: %s" % (self.argv[0], e))
        self._finalizer = weakref.finalize(self, _cleanup, self.proc,
                                           self.dir)
        return self

    # --- Failure reporting ---------------------------------------------------

    def stderr_text(self, lines=30):
        """The tail of the compiler's stderr."""
        if self._stderr is None or self._stderr.closed:
            return ""
        try:
            self._stderr.flush()
            with open(self._stderr.name, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        return "\n".join(text.rstrip().splitlines()[-lines:])

    def _describe_exit(self, status):
        if status is None:
            return "is still running"
        if status < 0:
            try:
                name = signal.Signals(-status).name
            except ValueError:
                name = "signal %d" % -status
            return "was killed by %s" % name
        return "exited with status %d" % status

    def fail(self, what):
        """Kills the compiler (if it still runs) and raises CompileError."""
        status = self.proc.poll()
        if status is None:
            try:
                status = self.proc.wait(0.5)
            except subprocess.TimeoutExpired:
                pass
        killed = False
        if status is None:
            self.proc.kill()
            killed = True
            status = self.proc.wait()
        name = os.path.basename(self.argv[0])
        message = "%s: %s; the compiler %s" % (
            name, what, "was killed" if killed else
            self._describe_exit(status))
        stderr = self.stderr_text()
        if stderr:
            message += ":\n" + stderr
        self._close_sockets()
        raise CompileError(message, None if killed else status, stderr)

    # --- Protocol -----------------------------------------------------------

    def handshake(self, subscriptions, accept=True, reason=""):
        """Accepts the compiler's connection, reads its Hello and answers it
        with \\p subscriptions. Returns the Hello."""
        deadline = time.monotonic() + self.timeout
        self._listener.settimeout(0.05)
        while self.sock is None:
            try:
                self.sock, _ = self._listener.accept()
            except socket.timeout:
                if self.proc.poll() is not None:
                    self.fail("no connection from the compiler")
                if time.monotonic() > deadline:
                    self.fail("no connection within %gs" % self.timeout)
        self._listener.close()
        self._listener = None
        message = self._read(deadline)
        if not isinstance(message, Hello):
            self.fail("expected a Hello, got %s" % type(message).__name__)
        self.hello = message
        self.send(HelloReply(accept, reason, tuple(subscriptions)))
        return message

    def _read(self, deadline):
        while True:
            try:
                frame = self._decoder.next()
            except FrameError as e:
                self.fail("bad frame from the compiler: %s" % e)
            if frame is not None:
                try:
                    return decode_frame(frame, self.hello)
                except FrameError as e:
                    self.fail("bad message from the compiler: %s" % e)
            left = deadline - time.monotonic()
            if left <= 0:
                self.fail("no message within %gs" % self.timeout)
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(1 << 20)
            except socket.timeout:
                self.fail("no message within %gs" % self.timeout)
            except OSError as e:
                self.fail("read error: %s" % (e.strerror or e))
            if not data:
                if self._decoder.pending():
                    self.fail("connection closed mid-frame")
                return None
            self._decoder.feed(data)

    def receive(self, timeout=None):
        """The compiler's next message: a `Request`, a `Report` (also kept
        as `self.report`), or None once it closed the connection."""
        if self.sock is None:
            return None
        deadline = time.monotonic() + (self.timeout if timeout is None
                                       else timeout)
        message = self._read(deadline)
        if isinstance(message, Report):
            self.report = message
        elif message is not None and not isinstance(message, Request):
            self.fail("unexpected %s from the compiler"
                       % type(message).__name__)
        return message

    def send(self, message):
        """Sends a `Reply` (or `HelloReply`)."""
        try:
            self.sock.sendall(frame_message(message))
        except OSError as e:
            self.fail("write error: %s" % (e.strerror or e))

    # --- The end -------------------------------------------------------------

    def _close_sockets(self):
        for s in (self.sock, self._listener):
            if s is not None:
                try:
                    s.close()
                except OSError:
                    pass
        self.sock = self._listener = None

    def finish(self, timeout=None):
        """Reads what is left (the module report), waits for the compiler to
        exit and returns its status; raises CompileError if it failed."""
        if self.sock is not None:
            while True:
                message = self.receive(timeout)
                if message is None:
                    break
                if isinstance(message, Request):
                    self.fail("a decision request after the episode")
        try:
            status = self.proc.wait(self.timeout if timeout is None
                                    else timeout)
        except subprocess.TimeoutExpired:
            self.fail("it did not exit within %gs" % self.timeout)
        self._close_sockets()
        if status != 0:
            self.fail("the compile failed")
        return status

    def kill(self):
        """Ends the compiler now and removes its files; idempotent."""
        if self.closed:
            return
        self.closed = True
        self._close_sockets()
        if self._stderr is not None:
            self._stderr.close()
        if self._finalizer is not None:
            self._finalizer()

    close = kill

    @property
    def alive(self):
        return not self.closed and self.proc.poll() is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
