#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# fetch_sqlite.sh - Writes SQLite's amalgamation, a real program nobody here
# wrote, from Debian's source package.
#
#   bench/large_tu/fetch_sqlite.sh OUT_DIR
#
# Prints the path of OUT_DIR/sqlite3.c (about 250,000 lines) on success. Adds
# a deb-src entry for the system's suites when apt has none (needs root),
# runs `apt-get source sqlite3` in OUT_DIR and `make sqlite3.c` there (which
# needs tcl). A second call with the same OUT_DIR reuses the file.

set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 OUT_DIR" >&2; exit 2; }
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
if [[ -s $OUT/sqlite3.c ]]; then
  echo "$OUT/sqlite3.c"
  exit 0
fi

if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list \
     /etc/apt/sources.list.d/; then
  [[ $(id -u) -eq 0 ]] ||
    { echo "$0: apt has no deb-src entry and this is not root" >&2; exit 1; }
  src=/etc/apt/sources.list.d/switchyard-src.sources
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ $f == "$src" ]] && continue
    sed 's/^Types: deb$/Types: deb-src/' "$f"
    echo
  done > "$src"
  if [[ ! -s $src ]]; then
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > "$src.list"
    rm -f "$src"
  fi
  apt-get update -qq >&2
fi
command -v tclsh >/dev/null ||
  { echo "$0: tclsh not found (apt-get install tcl)" >&2; exit 1; }

cd "$OUT"
apt-get source -qq sqlite3 >&2
dir=$(find . -maxdepth 1 -type d -name 'sqlite3-*' | head -n 1)
[[ -n $dir ]] || { echo "$0: apt-get source left no sqlite3-* directory" >&2; exit 1; }
mkdir -p bld
(cd bld && "../$dir/configure" --quiet >&2 && make -s sqlite3.c >&2)
mv bld/sqlite3.c bld/sqlite3.h . && rm -rf bld
echo "$OUT/sqlite3.c"
