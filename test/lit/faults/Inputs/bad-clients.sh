#!/bin/sh
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Usage: bad-clients.sh FAULT_CLIENT SOCKET COMPILE...
#
# Runs under switchyard-agent. Starts one fault-client per server-side fault
# in the background, runs the real COMPILE while they misbehave, and waits
# for all of them. A well-behaved "trickle" client goes last: its round
# trips come after every bad client has exited, so by the time the agent
# answers it, it has seen (and logged) all of them.
FC=$1
SOCKET=$2
shift 2

PIDS=
for MODE in garbage truncated oversized slow no-hello version-999 \
            die-mid-request; do
  "$FC" --socket "$SOCKET" --mode "$MODE" &
  PIDS="$PIDS $!"
done

"$@"
STATUS=$?
[ $STATUS -eq 0 ] || echo "bad-clients.sh: the compile failed ($STATUS)" >&2

for PID in $PIDS; do
  wait "$PID" || { echo "bad-clients.sh: a fault-client failed" >&2; STATUS=1; }
done
"$FC" --socket "$SOCKET" --mode trickle || STATUS=1
exit $STATUS
