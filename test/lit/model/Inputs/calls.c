static int helper(int x) { return x * 3 + 1; }
int caller(int y) { return helper(y) + helper(y + 1); }
