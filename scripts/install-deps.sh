#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Installs the Debian packages Switchyard builds and tests with. Idempotent:
# when everything is present it only asks dpkg, and takes well under a second.
set -euo pipefail

packages=(
  # Compiler side.
  llvm-22-dev llvm-22-tools clang-22 libclang-rt-22-dev
  libmlir-22-dev mlir-22-tools
  # Protocol and agent server.
  flatbuffers-compiler libflatbuffers-dev libuv1-dev
  # The agent's decision log.
  nlohmann-json3-dev
  # switchyard-prove, which proves rewrite rules; csmith's programs for
  # differential testing.
  libz3-dev csmith libcsmith-dev
  # Build and tests.
  cmake ninja-build make g++ pkg-config libgtest-dev
  # The Debian package (cpack -G DEB runs dpkg-shlibdeps, which needs file).
  dpkg-dev file
  # The compile-database test builds a project with gcc through ccache.
  gcc ccache
  # Python SDK (Debian's interpreter, /usr/bin/python3).
  python3 python3-flatbuffers python3-numpy python3-pytest
  # The Python runner: progress bar, tables, .text sizes of object files
  # (and bitcode embedded in them), and --plot; the program-graph
  # observation.
  python3-tqdm python3-tabulate python3-pyelftools python3-matplotlib
  python3-networkx
  # Searches on a Dask cluster, the shared state cache (docs/scale.md).
  python3-distributed python3-dask redis-server python3-redis
  # Learned policies: training (switchyard.train) and the parity test of the
  # in-plugin tree evaluator against XGBoost's own predictions.
  python3-xgboost libxgboost-dev
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
