/* Loops for the unroll size budget: a nest, and a long loop with a big body. */
void sink(int);

void nest(int n, int m, int *a) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < m; j++)
      a[i * m + j] = a[i * m + j] * 3 + (a[j] ^ i) - (j >> 2);
}

void big_full(const int *a) {
  for (int i = 0; i < 1024; i++) {
    sink(a[i] * 3);
    sink(a[i] ^ i);
    sink(a[i] + 5);
    sink(i * i);
    sink(a[i] - i);
  }
}
