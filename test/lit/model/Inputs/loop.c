int sum(const int *a) {
  int s = 0;
  for (int i = 0; i < 4; ++i)
    s += a[i] * a[i];
  return s;
}
