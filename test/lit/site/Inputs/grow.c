/* Growth budget: 24 loops an agent unrolls 64 times each, and a big
   function an agent inlines into 40 callers. */
#define BODY(k) a[i] = a[i] * (k + 3) + (a[i] >> 2) - (a[i] ^ k) + b[i] * c[i];
#define LOOP(k)                                                                \
  void many##k(int *a, const int *b, const int *c, int n) {                    \
    for (int i = 0; i < n; i++) {                                              \
      BODY(k)                                                                  \
    }                                                                          \
  }
#define LOOP4(k) LOOP(k##0) LOOP(k##1) LOOP(k##2) LOOP(k##3)
LOOP4(1) LOOP4(2) LOOP4(3) LOOP4(4) LOOP4(5) LOOP4(6)

void sink(int);
static void big(int x) {
#define S(k) sink(x * k + (x >> (k % 31)));
#define S10(k) S(k##0) S(k##1) S(k##2) S(k##3) S(k##4) S(k##5) S(k##6) S(k##7) S(k##8) S(k##9)
  S10(1) S10(2) S10(3) S10(4) S10(5) S10(6) S10(7) S10(8) S10(9)
}
#define CALLER(k) void caller##k(int x) { big(x + k); }
#define CALLER10(k) CALLER(k##0) CALLER(k##1) CALLER(k##2) CALLER(k##3) CALLER(k##4) CALLER(k##5) CALLER(k##6) CALLER(k##7) CALLER(k##8) CALLER(k##9)
CALLER10(1) CALLER10(2) CALLER10(3) CALLER10(4) CALLER10(5) CALLER10(6)
