// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * huffman.c - Canonical Huffman coding.
 *
 * Counts symbol frequencies, builds a Huffman tree with a binary min-heap,
 * derives code lengths, limits them to MAX_LEN with a Kraft-sum repair,
 * assigns canonical codes, encodes to an MSB-first bit stream and decodes
 * with the canonical first-code/offset method.  Several inputs round-trip.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NSYM 256
#define MAX_LEN 12

#define WANT_LENGTHS UINT64_C(0x122ca4176f5dccd0)
#define WANT_BITS UINT64_C(0x2c70b36c2b296207)
#define WANT_STREAM UINT64_C(0x3286ae07ed1d6009)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

/* ---- tree building ---- */
typedef struct {
    uint32_t weight;
    int left, right; /* -1 for leaves */
    int symbol;
} Node;

typedef struct {
    int items[2 * NSYM];
    int size;
    const Node *nodes;
} Heap;

/* ordering: by weight, ties broken by node index for determinism */
static int node_less(const Heap *h, int a, int b)
{
    if (h->nodes[a].weight != h->nodes[b].weight)
        return h->nodes[a].weight < h->nodes[b].weight;
    return a < b;
}

static void heap_swap(Heap *h, int i, int j)
{
    int t = h->items[i];
    h->items[i] = h->items[j];
    h->items[j] = t;
}

static void heap_push(Heap *h, int node)
{
    int i = h->size++;
    h->items[i] = node;
    while (i > 0) {
        int p = (i - 1) / 2;
        if (!node_less(h, h->items[i], h->items[p]))
            break;
        heap_swap(h, i, p);
        i = p;
    }
}

static int heap_pop(Heap *h)
{
    int top = h->items[0];
    int i = 0;
    h->items[0] = h->items[--h->size];
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->size && node_less(h, h->items[l], h->items[m]))
            m = l;
        if (r < h->size && node_less(h, h->items[r], h->items[m]))
            m = r;
        if (m == i)
            break;
        heap_swap(h, i, m);
        i = m;
    }
    return top;
}

static void assign_depths(const Node *nodes, int n, int depth, uint8_t *lens)
{
    if (nodes[n].left < 0) {
        lens[nodes[n].symbol] = (uint8_t)(depth == 0 ? 1 : depth);
        return;
    }
    assign_depths(nodes, nodes[n].left, depth + 1, lens);
    assign_depths(nodes, nodes[n].right, depth + 1, lens);
}

static void build_lengths(const uint32_t *freq, uint8_t *lens)
{
    static Node nodes[2 * NSYM];
    static Heap heap;
    int count = 0, s;
    memset(lens, 0, NSYM);
    heap.size = 0;
    heap.nodes = nodes;
    for (s = 0; s < NSYM; s++) {
        if (freq[s] == 0)
            continue;
        nodes[count].weight = freq[s];
        nodes[count].left = nodes[count].right = -1;
        nodes[count].symbol = s;
        heap_push(&heap, count);
        count++;
    }
    if (count == 0)
        return;
    while (heap.size > 1) {
        int a = heap_pop(&heap);
        int b = heap_pop(&heap);
        nodes[count].weight = nodes[a].weight + nodes[b].weight;
        nodes[count].left = a;
        nodes[count].right = b;
        nodes[count].symbol = -1;
        heap_push(&heap, count);
        count++;
    }
    assign_depths(nodes, heap_pop(&heap), 0, lens);
}

/* Clamp lengths to MAX_LEN, then restore the Kraft inequality by
 * lengthening the longest codes that are still shorter than MAX_LEN. */
static void limit_lengths(uint8_t *lens)
{
    uint32_t kraft = 0; /* in units of 2^-MAX_LEN */
    const uint32_t one = 1u << MAX_LEN;
    int s, len;
    for (s = 0; s < NSYM; s++) {
        if (lens[s] > MAX_LEN)
            lens[s] = MAX_LEN;
        if (lens[s])
            kraft += one >> lens[s];
    }
    while (kraft > one) {
        for (len = MAX_LEN - 1; len > 0; len--) {
            for (s = 0; s < NSYM; s++) {
                if (lens[s] == len) {
                    kraft -= (one >> len) - (one >> (len + 1));
                    lens[s]++;
                    goto next;
                }
            }
        }
    next:;
    }
}

/* ---- canonical codes ---- */
typedef struct {
    uint8_t len[NSYM];
    uint16_t code[NSYM];
    uint16_t count[MAX_LEN + 1];
    uint16_t first_code[MAX_LEN + 1];
    uint16_t first_index[MAX_LEN + 1];
    uint8_t sorted[NSYM];
    int nsorted;
} Canon;

static void canon_build(Canon *c, const uint8_t *lens)
{
    uint16_t next[MAX_LEN + 2];
    int s, len, idx = 0;
    uint16_t code = 0;
    memcpy(c->len, lens, NSYM);
    memset(c->count, 0, sizeof c->count);
    for (s = 0; s < NSYM; s++)
        c->count[lens[s]]++;
    c->count[0] = 0;
    for (len = 1; len <= MAX_LEN; len++) {
        code = (uint16_t)((code + c->count[len - 1]) << 1);
        c->first_code[len] = code;
        next[len] = code;
        c->first_index[len] = (uint16_t)idx;
        for (s = 0; s < NSYM; s++)
            if (lens[s] == len)
                c->sorted[idx++] = (uint8_t)s;
    }
    c->nsorted = idx;
    for (s = 0; s < NSYM; s++)
        c->code[s] = lens[s] ? next[lens[s]]++ : 0;
}

/* ---- bit stream ---- */
typedef struct {
    uint8_t *buf;
    size_t bitpos;
} Bits;

static void put_bits(Bits *b, uint32_t value, int n)
{
    while (n-- > 0) {
        size_t byte = b->bitpos >> 3;
        int bit = 7 - (int)(b->bitpos & 7);
        if (bit == 7)
            b->buf[byte] = 0;
        if ((value >> n) & 1u)
            b->buf[byte] |= (uint8_t)(1u << bit);
        b->bitpos++;
    }
}

static int get_bit(const uint8_t *buf, size_t pos)
{
    return (buf[pos >> 3] >> (7 - (pos & 7))) & 1;
}

static size_t encode(const Canon *c, const uint8_t *in, size_t n, uint8_t *out)
{
    Bits b;
    size_t i;
    b.buf = out;
    b.bitpos = 0;
    for (i = 0; i < n; i++)
        put_bits(&b, c->code[in[i]], c->len[in[i]]);
    return b.bitpos;
}

static int decode(const Canon *c, const uint8_t *in, size_t nbits, uint8_t *out, size_t n)
{
    size_t pos = 0, i;
    for (i = 0; i < n; i++) {
        uint32_t code = 0;
        int len;
        for (len = 1; len <= MAX_LEN; len++) {
            if (pos >= nbits)
                return -1;
            code = (code << 1) | (uint32_t)get_bit(in, pos++);
            if (code - c->first_code[len] < c->count[len]) {
                out[i] = c->sorted[c->first_index[len] + (code - c->first_code[len])];
                break;
            }
        }
        if (len > MAX_LEN)
            return -1;
    }
    return pos == nbits ? 0 : -1;
}

/* ---- inputs ---- */
static uint32_t seed = 2463534242u;

static uint32_t xorshift32(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

static size_t make_input(int kind, uint8_t *buf, size_t cap)
{
    size_t i, n = 0;
    switch (kind) {
    case 0: { /* English-like letter frequencies */
        static const char alphabet[] = "eeeeeeeeeeeetttttttttaaaaaaaaoooooooiiiiiiinnnnnnn"
                                       "ssssssrrrrrhhhhhlllldddccuummfpgwybvk     \n";
        n = 40000;
        for (i = 0; i < n; i++)
            buf[i] = (uint8_t)alphabet[xorshift32() % (sizeof alphabet - 1)];
        break;
    }
    case 1: /* geometric distribution -> long codes get clamped */
        n = 50000;
        for (i = 0; i < n; i++) {
            uint32_t r = xorshift32() | 0x80000000u;
            int z = 0;
            while (!(r & 1u)) {
                r >>= 1;
                z++;
            }
            buf[i] = (uint8_t)z;
        }
        break;
    case 2: /* Fibonacci-weighted symbols: degenerate deep tree */
    {
        uint32_t fib[20];
        int k;
        fib[0] = 1;
        fib[1] = 1;
        for (k = 2; k < 20; k++)
            fib[k] = fib[k - 1] + fib[k - 2];
        for (k = 0; k < 20 && n < cap; k++) {
            uint32_t j;
            for (j = 0; j < fib[k] && n < cap; j++)
                buf[n++] = (uint8_t)(65 + k);
        }
        break;
    }
    case 3: /* single repeated symbol */
        n = 1000;
        memset(buf, 'z', n);
        break;
    default: /* uniform bytes */
        n = 20000;
        for (i = 0; i < n; i++)
            buf[i] = (uint8_t)(xorshift32() >> 24);
        break;
    }
    return n < cap ? n : cap;
}

int main(void)
{
    static uint8_t input[70000], packed[80000], output[70000];
    uint64_t len_mix = 0, bit_mix = 0, stream_mix = 0;
    int kind;

    for (kind = 0; kind < 5; kind++) {
        uint32_t freq[NSYM];
        uint8_t lens[NSYM];
        Canon canon;
        size_t n = make_input(kind, input, sizeof input), i, nbits;
        int maxlen = 0, used = 0, s;
        memset(freq, 0, sizeof freq);
        for (i = 0; i < n; i++)
            freq[input[i]]++;
        build_lengths(freq, lens);
        limit_lengths(lens);
        canon_build(&canon, lens);
        for (s = 0; s < NSYM; s++) {
            if (lens[s] > maxlen)
                maxlen = lens[s];
            used += lens[s] != 0;
            len_mix = len_mix * 131 + lens[s];
        }
        nbits = encode(&canon, input, n, packed);
        printf("input %d: %6lu bytes, %3d symbols, maxlen %2d, %7lu bits (%.3f bits/sym)\n",
               kind, (unsigned long)n, used, maxlen, (unsigned long)nbits,
               (double)nbits / (double)n);
        if (decode(&canon, packed, nbits, output, n) != 0 || memcmp(input, output, n) != 0) {
            printf("FAIL roundtrip %d\n", kind);
            failures++;
        }
        bit_mix = bit_mix * 1000003u + nbits;
        for (i = 0; i < (nbits + 7) / 8; i++)
            stream_mix = (stream_mix ^ packed[i]) * UINT64_C(0x100000001b3);
    }
    check("LENGTHS", len_mix, WANT_LENGTHS);
    check("BITS", bit_mix, WANT_BITS);
    check("STREAM", stream_mix, WANT_STREAM);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
