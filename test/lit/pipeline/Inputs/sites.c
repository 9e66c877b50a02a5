/* A call site and a loop for site questions inside pipeline episodes. */
void sink(int);

static int twice(int x) { return 2 * x + 1; }

int use_twice(int x) { return twice(x); }

void calls16(void) {
  for (int i = 0; i < 16; i++)
    sink(i);
}
