# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Length-prefixed, verified Switchyard frames (see protocol/README.md).

A frame is a little-endian u32 payload length, then a flatbuffer whose root
is `Frame`. The length is checked against MAX_FRAME_SIZE before the body is
waited for, and every payload passes the schema Verifier before a field of
it is read.
"""

import os
import struct

from . import fb
from .fb.Frame import Frame
from .schema import Schema, VerifyError

__all__ = [
    "PROTOCOL_VERSION", "OLDEST_PROTOCOL_VERSION", "MAX_FRAME_SIZE", "FRAME_HEADER_SIZE",
    "FILE_IDENTIFIER", "FrameError", "FrameDecoder", "encode_frame",
    "verify_frame", "read_frame", "SCHEMA",
]

#: switchyard::ProtocolVersion: bumped on a change an older peer cannot ignore.
PROTOCOL_VERSION = 2

#: The oldest version an agent still serves: a version-1 compiler names the
#: features in every request instead of once in its Hello.
OLDEST_PROTOCOL_VERSION = 1
#: Hard limit on a frame's payload, checked before reading it.
MAX_FRAME_SIZE = 64 << 20
#: Bytes of the length prefix in front of every flatbuffer.
FRAME_HEADER_SIZE = 4
FILE_IDENTIFIER = b"SWYD"

_LENGTH = struct.Struct("<I")

#: The schema the generated code was made from; flatc's output and this copy
#: are produced together at build time. Its layouts come from flatc's binary
#: schema when there is one (or flatc to make it), else from the .fbs text
#: (`Schema.load`).
SCHEMA = Schema.load(os.path.dirname(fb.__file__))

# The limits the C++ side gives its Verifier (protocol/Framing.cpp).
_MAX_DEPTH = 32
_MAX_TABLES = 1 << 20


class FrameError(ValueError):
    """A frame that is oversized, truncated, or fails the Verifier. After
    one, the stream's frame boundaries are lost: drop the connection."""


def encode_frame(payload):
    """The length prefix followed by \\p payload."""
    if len(payload) > MAX_FRAME_SIZE:
        raise FrameError("frame of %d bytes exceeds the limit of %d"
                         % (len(payload), MAX_FRAME_SIZE))
    return _LENGTH.pack(len(payload)) + bytes(payload)


def verify_frame(payload):
    """Verifies \\p payload and returns its `fb.Frame`, which carries a
    message. Raises FrameError."""
    if len(payload) < 8:
        raise FrameError("frame of %d bytes is too short" % len(payload))
    try:
        SCHEMA.verify(payload, max_depth=_MAX_DEPTH, max_tables=_MAX_TABLES)
    except VerifyError as e:
        raise FrameError("frame fails the verifier: %s" % e) from None
    frame = Frame.GetRootAs(payload, 0)
    if frame.MessageType() == 0 or frame.Message() is None:
        raise FrameError("frame carries no message")
    return frame


class FrameDecoder:
    """Splits a byte stream into verified frames: feed() bytes as they
    arrive, then call next() until it returns None."""

    def __init__(self, max_size=MAX_FRAME_SIZE):
        self.max_size = max_size
        self._buf = bytearray()
        self._pos = 0

    def feed(self, data):
        if self._pos:
            del self._buf[:self._pos]
            self._pos = 0
        self._buf += data

    def pending(self):
        """Bytes received but not yet handed out as frames."""
        return len(self._buf) - self._pos

    def next(self):
        """The next verified `fb.Frame`, or None if more bytes are needed.
        Raises FrameError."""
        avail = len(self._buf) - self._pos
        if avail < FRAME_HEADER_SIZE:
            return None
        (length,) = _LENGTH.unpack_from(self._buf, self._pos)
        if length > self.max_size:
            raise FrameError("frame of %d bytes exceeds the limit of %d"
                             % (length, self.max_size))
        if avail - FRAME_HEADER_SIZE < length:
            return None
        start = self._pos + FRAME_HEADER_SIZE
        payload = bytes(self._buf[start:start + length])
        self._pos = start + length
        return verify_frame(payload)


def _recv_exactly(sock, n):
    chunks = bytearray()
    while len(chunks) < n:
        chunk = sock.recv(n - len(chunks))
        if not chunk:
            return None if not chunks else bytes(chunks)
        chunks += chunk
    return bytes(chunks)


def read_frame(sock, max_size=MAX_FRAME_SIZE):
    """Reads one frame from a blocking socket: its `fb.Frame`, or None if
    the peer closed the connection between frames. Raises FrameError."""
    header = _recv_exactly(sock, FRAME_HEADER_SIZE)
    if header is None:
        return None
    if len(header) < FRAME_HEADER_SIZE:
        raise FrameError("connection closed mid-frame")
    (length,) = _LENGTH.unpack(header)
    if length > max_size:
        raise FrameError("frame of %d bytes exceeds the limit of %d"
                         % (length, max_size))
    payload = _recv_exactly(sock, length) if length else b""
    if payload is None or len(payload) < length:
        raise FrameError("connection closed mid-frame")
    return verify_frame(payload)
