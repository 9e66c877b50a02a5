// Floating-point loops for loop-vectorize-fp.test: a strict sum, the same
// sum with reassociation allowed, and an element-wise product.
#include <stdio.h>

__attribute__((noinline)) double sum(const double *a, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++)
    s += a[i];
  return s;
}

__attribute__((noinline)) double sum_reassoc(const double *a, int n) {
#pragma clang fp reassociate(on)
  double s = 0.0;
  for (int i = 0; i < n; i++)
    s += a[i];
  return s;
}

__attribute__((noinline)) void scale(double *restrict b,
                                     const double *restrict a, int n) {
  for (int i = 0; i < n; i++)
    b[i] = a[i] * 3.0;
}

int main(void) {
  double a[1000], b[1000];
  for (int i = 0; i < 1000; i++)
    a[i] = 1.0 / (i + 1) * ((i & 1) ? -1e8 : 1.0);
  scale(b, a, 1000);
  printf("%a %a\n", sum(a, 1000), b[999]);
  return 0;
}
