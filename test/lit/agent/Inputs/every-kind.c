// A call and loops on which every option of every site decision kind is a
// legal answer: the callee can be inlined, the loops have a small constant
// trip count (full unrolling fits), the inner loop is innermost (vectorize,
// distribute) and carries an invariant (licm); the last loop branches on an
// invariant (loop-unswitch).
int scale(int X) { return 3 * X + 1; }

void kernel(int *restrict A, int *restrict B, int *restrict C, int X, int Y) {
  for (int I = 0; I < 64; ++I) {
    A[I] = B[I] * (X * Y + 7);
    C[I] = A[I] + scale(I);
  }
}

void pick(int *restrict A, int Flag) {
  for (int I = 0; I < 16; ++I) {
    if (Flag)
      A[I] += 1;
    else
      A[I] -= 2;
  }
}
