/* Loops for the loop decision tests: one per kind. */
void sink(int);

void calls16(void) {
  for (int i = 0; i < 16; i++)
    sink(i);
}

void calls_n(int n) {
  for (int i = 0; i < n; i++)
    sink(i);
}

void add_arrays(int *restrict a, const int *restrict b,
                const int *restrict c, int n) {
  for (int i = 0; i < n; i++)
    a[i] = b[i] + c[i];
}

int sum_scaled(const int *a, int n, int x, int y) {
  int s = 0;
  for (int i = 0; i < n; i++)
    s += a[i] * (x * y + 7);
  return s;
}

/* LLVM's own loop-distribute example: the recurrence through a[] blocks
   vectorization; distributing lets the second statement vectorize. */
void recur_and_map(int *a, int *b, int *c, int *d, int *e, int n) {
  for (int i = 0; i < n; i++) {
    a[i + 1] = a[i] * b[i];
    c[i] = d[i] * e[i];
  }
}

void scaled_calls(int n, int x, int y) {
  for (int i = 0; i < n; i++)
    sink(i * (x * y + 7));
}
