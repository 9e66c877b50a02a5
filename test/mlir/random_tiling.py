#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Random tile decisions on every bundled MLIR kernel, over 20 seeds: each
run must compile, finish in time, and print its kernel's reference hash.
The random policy answers every tile decision (keep, or tile with random
sizes, interchange, fusion and vectorization within the legal ranges), so
this also checks that every legal answer the plugin offers is correct.

A run whose lowered module equals the untiled one proves nothing, so at
least half of the runs must have changed the code.

    random_tiling.py [--seeds N] [--kernels a,b]
"""

import argparse
import hashlib
import sys

from switchyard import mlir


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--kernels", default="")
    args = ap.parse_args()
    names = args.kernels.split(",") if args.kernels else mlir.kernels()
    failures, changed, runs = [], 0, 0
    for name in names:
        with open(mlir.kernel_path(name)) as f:
            text = mlir.harness(f.read(), reps=1)
        plain = hashlib.sha256(mlir.compile_kernel(text)).hexdigest()
        ref = mlir.reference(name)
        for seed in range(args.seeds):
            runs += 1
            env = {"SWITCHYARD_POLICY": "random:%d" % seed}
            try:
                lowered = mlir.compile_kernel(text, passes="switchyard-tile",
                                              env=env, timeout=60)
                changed += hashlib.sha256(lowered).hexdigest() != plain
                r = mlir.run_lowered(lowered, reps=1, timeout=60)
            except Exception as e:  # a crash, an error or a hang
                failures.append("%s seed %d: %s" % (name, seed, e))
                continue
            if r.digest != ref:
                failures.append("%s seed %d: result hash %d, reference %d"
                                % (name, seed, r.digest, ref))
    print("%d runs, %d changed the code, %d failed" % (runs, changed,
                                                       len(failures)))
    for f in failures:
        print("FAIL: " + f)
    if changed * 2 < runs:
        print("FAIL: fewer than half of the runs changed the code")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
