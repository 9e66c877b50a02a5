#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Installs the build and uses only what was installed.
#
#   check.sh BUILD SRC prefix   `cmake --install` into a scratch prefix
#   check.sh BUILD SRC deb      the package of `cpack -G DEB`, unpacked with
#                               `dpkg -x` into a scratch root (its /usr is
#                               the prefix)
#
# dpkg -x rather than dpkg -i: a test must not change the machine's
# installed packages. The package's only maintainer scripts run ldconfig,
# so dpkg -i would put the same files under /usr and nothing else; its
# Depends are checked here against the packages the programs need.
#
# Then, with a clean environment (no PYTHONPATH, no SWITCHYARD_* variable,
# nothing of the build tree): a consumer of the C++ agent SDK builds with
# find_package and serves opt-22, and so does the Python SDK's example
# agent; the installed Python package says it found
# the installed plugin, agent and suite; the installed switchyard-agent and
# `switchyard` (the Python agent) serve the same seeded random pipeline
# episode on a bundled program and make the same module; and `switchyard run`
# searches, validates and self-checks a pass pipeline for it.
set -euo pipefail
build=$1 src=$2 mode=${3:-prefix}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "check.sh ($mode): $*" >&2; exit 1; }

case $mode in
prefix)
  cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
  prefix=$work/prefix
  ;;
deb)
  cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg" \
    > "$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack"; }
  debs=("$work"/pkg/switchyard_*.deb)
  [ -f "${debs[0]}" ] || fail "cpack made no switchyard_*.deb"
  depends=$(dpkg-deb -f "${debs[0]}" Depends)
  for d in llvm-22 clang-22 python3 python3-flatbuffers python3-numpy \
           python3-pyelftools libuv1 libstdc++6; do
    [[ ", $depends," == *", $d "* || ", $depends," == *", $d,"* ]] ||
      fail "Depends lacks $d: $depends"
  done
  dpkg -x "${debs[0]}" "$work/root"
  prefix=$work/root/usr
  ;;
*) fail "unknown mode (prefix or deb)" ;;
esac
for f in bin/switchyard bin/switchyard-agent lib/libSwitchyard.so \
         lib/cmake/SwitchyardAgent/SwitchyardAgentConfig.cmake \
         lib/python3/dist-packages/switchyard/fb/__init__.py \
         share/switchyard/examples/suite/sha256.c; do
  [ -e "$prefix/$f" ] || fail "nothing installed at $f"
done

mkdir "$work/home"
clean() {
  env -i PATH=/usr/bin:/bin HOME="$work/home" \
    SWITCHYARD_CACHE_DIR="$work/cache" "$@"
}

# The C++ SDK, through its CMake package.
clean cmake -S "$src/test/install" -B "$work/consumer" -G Ninja \
  -DCMAKE_PREFIX_PATH="$prefix" \
  -DEXAMPLE_AGENT="$prefix/share/switchyard/examples/cold_sroa_agent.cpp" \
  > "$work/configure.log"
clean cmake --build "$work/consumer" > "$work/build.log"
printf 'define i32 @cold_f(i32 %%x) {\n  %%s = alloca i32\n  store i32 %%x, ptr %%s\n  %%v = load i32, ptr %%s\n  ret i32 %%v\n}\n' > "$work/in.ll"
clean "$work/consumer/consumer-agent" --socket "$work/a.sock" -- \
  opt-22 -load-pass-plugin="$prefix/lib/libSwitchyard.so" -passes=sroa \
  -S "$work/in.ll" -o "$work/out.ll"
grep -q alloca "$work/out.ll" || fail "the consumer agent's skip was lost"

# The Python package finds what was installed with it, and nothing else.
clean "$prefix/bin/switchyard" paths > "$work/paths"
for want in "plugin: $prefix/lib/libSwitchyard.so" \
            "agent: $prefix/bin/switchyard-agent" \
            "suite: $prefix/share/switchyard/examples" \
            "package: $prefix/lib/python3/dist-packages/switchyard"; do
  grep -qxF "$want" "$work/paths" || { cat "$work/paths"; fail "no '$want'"; }
done

# The Python SDK's example agent, as written, on the installed package
# (imported from the prefix: /usr/bin/python3 looks there by itself only
# when the prefix is /usr).
printf 'define i32 @bar(i32 %%x) {\n  %%s = alloca i32\n  store i32 %%x, ptr %%s\n  %%v = load i32, ptr %%s\n  ret i32 %%v\n}\n' > "$work/bar.ll"
clean PYTHONPATH="$prefix/lib/python3/dist-packages" python3 \
  "$prefix/share/switchyard/examples/python/minimal_agent.py" \
  --socket "$work/m.sock" -- \
  opt-22 -load-pass-plugin="$prefix/lib/libSwitchyard.so" -passes=sroa \
  -S "$work/bar.ll" -o "$work/bar.out.ll" > "$work/minimal.out"
grep -q alloca "$work/bar.out.ll" || fail "minimal_agent.py's skip was lost"
grep -q "^pass-gate SROAPass bar" "$work/minimal.out" ||
  fail "minimal_agent.py saw no decision"

# Both agents, installed, serve a seeded random pipeline episode.
clean clang-22 -O0 -Xclang -disable-O0-optnone -emit-llvm -c \
  "$prefix/share/switchyard/examples/suite/sha256.c" -o "$work/sha256.bc"
for agent in "switchyard-agent --policy random --seed 3" \
             "switchyard --policy random:3"; do
  name=${agent%% *}
  (cd "$work" && clean "$prefix/bin/"$agent --socket "$work/$name.sock" \
     --log "$work/$name.jsonl" -- \
     opt-22 -load-pass-plugin="$prefix/lib/libSwitchyard.so" \
     -passes=switchyard-pipeline sha256.bc -o "$name.bc") \
    2> "$work/$name.err" || { cat "$work/$name.err"; fail "$name failed"; }
  [ -s "$work/$name.jsonl" ] || fail "$name logged no decision"
done
cmp -s "$work/switchyard-agent.bc" "$work/switchyard.bc" ||
  fail "the C++ and Python agents' random:3 episodes differ"
opt-22 -O0 "$work/sha256.bc" -o "$work/plain.bc"
! cmp -s "$work/switchyard.bc" "$work/plain.bc" ||
  fail "the random episode changed nothing"

# A search, validated: replayed with and without Switchyard, and the
# program built from the result passes its self-check.
clean "$prefix/bin/switchyard" run --benchmarks sha256 --agent random \
  --budget-steps 12 --budget-seconds 60 --seed 1 --json "$work/run.json" \
  > "$work/run.out" 2>&1 || { cat "$work/run.out"; fail "switchyard run"; }
clean python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
v = r["validation"]
assert r["benchmark"] == "suite/sha256", r["benchmark"]
assert v["ok"] and v["self_check"] == "OK", v
assert v["replay_inst_count"] == v["plain_inst_count"] == r["inst_count"], v
' "$work/run.json" || fail "the search's result is not valid"
echo "check.sh ($mode): the installed SDK, agents, plugin and suite work" \
  "from $prefix"
