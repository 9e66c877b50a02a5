#!/bin/sh
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Creates the throwaway user USER that the trust tests run a compiler as, if it
# is missing. Tests run in parallel: a useradd that loses the race for the
# passwd lock is retried, and one that finds the user already made is fine.
user=$1
tries=0
until id -u "$user" >/dev/null 2>&1; do
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$user" 2>/dev/null && break
  tries=$((tries + 1))
  if [ "$tries" -ge 50 ]; then
    echo "ensure-user.sh: cannot create user '$user'" >&2
    exit 1
  fi
  sleep 0.2
done
