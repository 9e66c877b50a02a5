#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Relays one compiler connection to an agent and records both directions.

    relay.py LISTEN_SOCKET AGENT_SOCKET COMPILER_FRAMES AGENT_FRAMES

How the protocol-version-1 transcripts in this directory were recorded: the
compiler connects to LISTEN_SOCKET, every frame goes on to the agent at
AGENT_SOCKET unchanged, and each side's frames are appended, length prefix
included, to its file. Needs the generated Python schema on PYTHONPATH.
"""
import os
import socket
import sys

from switchyard.fb.Frame import Frame
from switchyard.fb.Message import Message

from replay import read_frame


def main():
    listen_path, agent_path, compiler_out, agent_out = sys.argv[1:5]
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(listen_path)
    server.listen(1)
    print("ready", flush=True)
    compiler, _ = server.accept()
    agent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    agent.connect(agent_path)
    with open(compiler_out, "wb") as cf, open(agent_out, "wb") as af:
        while True:
            frame = read_frame(compiler)
            if frame is None:
                break
            cf.write(frame)
            agent.sendall(frame)
            # The Hello and each request are answered; the report is not.
            if Frame.GetRootAs(frame, 4).MessageType() == Message.ModuleReport:
                continue
            reply = read_frame(agent)
            af.write(reply)
            compiler.sendall(reply)
    os.unlink(listen_path)


if __name__ == "__main__":
    main()
