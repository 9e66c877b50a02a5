#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Plays one side of a recorded session, for the compatibility tests.

    replay.py compiler SOCKET FRAMES REPLIES
        Connects to the agent at SOCKET as the recorded compiler: sends each
        frame of FRAMES and, after every frame but the module report (the
        last), writes the agent's answer to REPLIES. Exits 1 if the agent
        hangs up early.
    replay.py agent SOCKET REPLY
        Listens at SOCKET as the recorded agent: reads one Hello, answers it
        with the frame in REPLY, and prints the Hello's protocol version.

Frames are a little-endian u32 length, then the flatbuffer. Needs nothing
but the standard library, so it stands for no Switchyard version.
"""
import os
import socket
import struct
import sys


def read_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def read_frame(s):
    head = read_exact(s, 4)
    if head is None:
        return None
    body = read_exact(s, struct.unpack("<I", head)[0])
    return None if body is None else head + body


def split_frames(data):
    frames, pos = [], 0
    while pos < len(data):
        (size,) = struct.unpack_from("<I", data, pos)
        frames.append(data[pos:pos + 4 + size])
        pos += 4 + size
    return frames


def hello_version(frame):
    """Hello.protocol_version, read by hand: the flatbuffer's root table is a
    Frame whose second field is the message; the Hello's first field is the
    version."""
    buf = frame[4:]

    def table_field(table, index):
        vtable = table - struct.unpack_from("<i", buf, table)[0]
        vsize = struct.unpack_from("<H", buf, vtable)[0]
        off_pos = 4 + 2 * index
        if off_pos >= vsize:
            return None
        off = struct.unpack_from("<H", buf, vtable + off_pos)[0]
        return table + off if off else None

    root = struct.unpack_from("<I", buf, 0)[0]
    message = table_field(root, 1)
    hello = message + struct.unpack_from("<I", buf, message)[0]
    version = table_field(hello, 0)
    return struct.unpack_from("<I", buf, version)[0] if version else 0


def play_compiler(path, frames_file, replies_file):
    frames = split_frames(open(frames_file, "rb").read())
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    with open(replies_file, "wb") as out:
        for i, frame in enumerate(frames):
            s.sendall(frame)
            if i == len(frames) - 1:
                break  # The module report is not answered.
            reply = read_frame(s)
            if reply is None:
                sys.exit("replay: the agent hung up after frame %d" % i)
            out.write(reply)
    s.close()


def play_agent(path, reply_file):
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    conn, _ = listener.accept()
    hello = read_frame(conn)
    print("compiler speaks protocol version %d" % hello_version(hello))
    conn.sendall(open(reply_file, "rb").read())
    conn.close()
    listener.close()
    os.unlink(path)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "compiler":
        play_compiler(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "agent":
        play_agent(*sys.argv[2:])
    else:
        sys.exit(__doc__)
