// Integer code where catalog rules match after the peephole passes.
unsigned scale(unsigned x) { return x * 9 + x / 16; }
int pick(int a, int b, int c) { return (a < b ? a : b) + (c ? 1 : 0); }
int bits(unsigned v) { return (v & 8) == 0 ? v % 32 : -v; }
