# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes a large C translation unit for compile-time benchmarks:
`gen_tu.py OUT [LINES]` (default 26,000 lines). Small static helpers
called from several places (inline decisions), loops with constant and
unknown trip counts (unroll decisions), and a main that calls everything,
so nothing is dead. Deterministic: the same file every run."""
import sys

out = sys.argv[1]
want = int(sys.argv[2]) if len(sys.argv) > 2 else 26000
lines = ["#include <stdio.h>", "#include <string.h>", ""]
n = 0
while len(lines) < want - 20:
    lines += [
        "static int h%d(int x, int y) {" % n,
        "  int s = x * %d + y;" % (n % 7 + 1),
        "  if (s & 1) s ^= %d; else s += y >> 1;" % (n % 97),
        "  return s;",
        "}",
        "static int g%d(const int *a, int n) {" % n,
        "  int acc = 0;",
        "  for (int i = 0; i < 8; ++i) acc += a[i] * h%d(i, acc);" % n,
        "  for (int i = 0; i < n; ++i) {",
        "    acc = h%d(acc, a[i & 7]);" % n,
        "    if (acc > %d) acc -= a[(i + 3) & 7];" % (1000 + n),
        "  }",
        "  return acc + h%d(n, acc);" % n,
        "}",
        "int f%d(int *a, int n) {" % n,
        "  int r = g%d(a, n) + h%d(a[0], n);" % (n, n),
        "  for (int i = 0; i < 8; ++i) a[i] = (a[i] + r) & 0xffff;",
        "  return r ^ g%d(a, n / 2);" % n,
        "}",
        "",
    ]
    n += 1
lines += ["int main(void) {", "  int a[8] = {1, 2, 3, 4, 5, 6, 7, 8};",
          "  unsigned t = 0;"]
lines += ["  t += (unsigned)f%d(a, %d);" % (i, 16 + i % 5) for i in range(n)]
lines += ['  printf("%u\\n", t);', "  return 0;", "}"]
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
