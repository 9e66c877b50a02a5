# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""A bare client: connects to a Unix socket, sends nothing, and waits for the
peer to close. It is what a hostile program of another user would do, with
none of the plugin's own checks in the way. Prints how the connection ended."""
import socket
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(sys.argv[1])
except OSError as e:
    print("raw client: cannot connect: %s" % e.strerror)
    sys.exit(0)
s.settimeout(10)
try:
    data = s.recv(1)
    print("raw client: connected; closed by the agent after %d bytes" % len(data))
except socket.timeout:
    print("raw client: connected; still open after 10 s")
