/* An agent unrolls the loop of kernel() 64 times; kernel is inlined into
   40 callers, and every copy carries the unroll count with it. */
static void kernel(int *a, const int *b, int n, int k) {
  for (int i = 0; i < n; i++)
    a[i] = a[i] * (k + 3) + (a[i] >> 2) - (a[i] ^ k) + b[i] * k;
}
#define CALLER(k)                                                              \
  void caller##k(int *a, const int *b, int n) { kernel(a, b, n, k); }
#define CALLER10(k)                                                            \
  CALLER(k##0) CALLER(k##1) CALLER(k##2) CALLER(k##3) CALLER(k##4)             \
  CALLER(k##5) CALLER(k##6) CALLER(k##7) CALLER(k##8) CALLER(k##9)
CALLER10(1) CALLER10(2) CALLER10(3) CALLER10(4)
