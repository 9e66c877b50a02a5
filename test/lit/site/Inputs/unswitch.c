// Two identical loops that branch on a loop-invariant flag: the agent
// unswitches the one in pick and leaves keep to LLVM.
void pick(int *restrict A, int *restrict B, int N, int Flag) {
  for (int I = 0; I < N; ++I) {
    if (Flag)
      A[I] += B[I];
    else
      A[I] -= 2 * B[I];
  }
}
void keep(int *restrict A, int *restrict B, int N, int Flag) {
  for (int I = 0; I < N; ++I) {
    if (Flag)
      A[I] += B[I];
    else
      A[I] -= 2 * B[I];
  }
}
void other(int *restrict A, int N, int Flag) {
  for (int I = 0; I < N; ++I)
    A[I] = Flag ? A[I] * 3 : A[I] + 5;
}
