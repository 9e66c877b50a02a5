// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * bignum.c - Arbitrary-precision unsigned integers with 32-bit limbs:
 * add, subtract, compare, schoolbook and Karatsuba multiplication, Knuth's
 * algorithm D for long division, small-divisor division, decimal
 * conversion, modular exponentiation and Miller-Rabin primality testing.
 *
 * Checks: factorial and power digit sums with known answers, the first
 * 1000-digit Fibonacci number, the decimal expansion of 2^127-1, primality
 * of Mersenne primes, the factorisation of the Fermat number F7, and the
 * division identity a = q*b + r on random operands.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXL 132

#define WANT_DIV UINT64_C(0x3478f94d2ff159e3)
#define WANT_MUL UINT64_C(0xbeb8bf6612500856)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

static void expect(int cond, const char *what)
{
    if (!cond) {
        printf("FAIL %s\n", what);
        failures++;
    }
}

typedef struct {
    int n; /* limbs in use; no leading zero limbs; 0 for zero */
    uint32_t d[MAXL];
} Big;

static void bn_trim(Big *a)
{
    while (a->n > 0 && a->d[a->n - 1] == 0)
        a->n--;
}

static void bn_set(Big *a, uint64_t v)
{
    memset(a, 0, sizeof *a);
    a->d[0] = (uint32_t)v;
    a->d[1] = (uint32_t)(v >> 32);
    a->n = 2;
    bn_trim(a);
}

static int bn_cmp(const Big *a, const Big *b)
{
    int i;
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (i = a->n - 1; i >= 0; i--)
        if (a->d[i] != b->d[i])
            return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

static void bn_add(Big *r, const Big *a, const Big *b)
{
    uint64_t carry = 0;
    int i, n = a->n > b->n ? a->n : b->n;
    for (i = 0; i < n; i++) {
        uint64_t s = carry + (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0);
        r->d[i] = (uint32_t)s;
        carry = s >> 32;
    }
    r->n = n;
    if (carry && n < MAXL)
        r->d[r->n++] = (uint32_t)carry;
}

/* r = a - b, requires a >= b */
static void bn_sub(Big *r, const Big *a, const Big *b)
{
    uint64_t borrow = 0;
    int i;
    for (i = 0; i < a->n; i++) {
        uint64_t s = (uint64_t)a->d[i] - (i < b->n ? b->d[i] : 0) - borrow;
        r->d[i] = (uint32_t)s;
        borrow = s >> 63;
    }
    r->n = a->n;
    bn_trim(r);
}

static void mul_school(uint32_t *r, const uint32_t *a, int na, const uint32_t *b, int nb)
{
    int i, j;
    memset(r, 0, sizeof(uint32_t) * (size_t)(na + nb));
    for (i = 0; i < na; i++) {
        uint64_t carry = 0;
        for (j = 0; j < nb; j++) {
            uint64_t t = (uint64_t)a[i] * b[j] + r[i + j] + carry;
            r[i + j] = (uint32_t)t;
            carry = t >> 32;
        }
        r[i + nb] = (uint32_t)carry;
    }
}

/* adds src[0..n) into dst[0..), propagating the carry as far as needed */
static void add_into(uint32_t *dst, const uint32_t *src, int n, int dst_len)
{
    uint64_t carry = 0;
    int i;
    for (i = 0; i < n || (carry && i < dst_len); i++) {
        uint64_t s = (uint64_t)dst[i] + (i < n ? src[i] : 0) + carry;
        dst[i] = (uint32_t)s;
        carry = s >> 32;
    }
}

static void sub_from(uint32_t *dst, const uint32_t *src, int n, int dst_len)
{
    uint64_t borrow = 0;
    int i;
    for (i = 0; i < n || (borrow && i < dst_len); i++) {
        uint64_t s = (uint64_t)dst[i] - (i < n ? src[i] : 0) - borrow;
        dst[i] = (uint32_t)s;
        borrow = s >> 63;
    }
}

/* Karatsuba for equal lengths n (power of two); r has 2n limbs */
static void mul_karatsuba(uint32_t *r, const uint32_t *a, const uint32_t *b, int n)
{
    uint32_t sa[MAXL], sb[MAXL], mid[2 * MAXL];
    int h = n / 2, i;
    if (n <= 8) {
        mul_school(r, a, n, b, n);
        return;
    }
    mul_karatsuba(r, a, b, h);               /* low  = a0*b0 -> r[0..n)  */
    mul_karatsuba(r + n, a + h, b + h, h);   /* high = a1*b1 -> r[n..2n) */
    for (i = 0; i <= h; i++)
        sa[i] = sb[i] = 0;
    memcpy(sa, a, sizeof(uint32_t) * (size_t)h);
    add_into(sa, a + h, h, h + 1);           /* sa = a0 + a1 (h+1 limbs) */
    memcpy(sb, b, sizeof(uint32_t) * (size_t)h);
    add_into(sb, b + h, h, h + 1);
    mul_school(mid, sa, h + 1, sb, h + 1);   /* (a0+a1)(b0+b1), 2h+2 limbs */
    sub_from(mid, r, n, 2 * h + 2);
    sub_from(mid, r + n, n, 2 * h + 2);      /* mid = a0*b1 + a1*b0 */
    add_into(r + h, mid, 2 * h + 2 < 2 * n - h ? 2 * h + 2 : 2 * n - h, 2 * n - h);
}

static void bn_mul(Big *r, const Big *a, const Big *b)
{
    uint32_t tmp[2 * MAXL];
    mul_school(tmp, a->d, a->n, b->d, b->n);
    r->n = a->n + b->n < MAXL ? a->n + b->n : MAXL;
    memcpy(r->d, tmp, sizeof(uint32_t) * (size_t)r->n);
    bn_trim(r);
}

static uint32_t bn_divmod_small(Big *q, const Big *a, uint32_t v)
{
    uint64_t rem = 0;
    int i;
    for (i = a->n - 1; i >= 0; i--) {
        uint64_t cur = (rem << 32) | a->d[i];
        q->d[i] = (uint32_t)(cur / v);
        rem = cur % v;
    }
    q->n = a->n;
    bn_trim(q);
    return (uint32_t)rem;
}

static int nlz(uint32_t x)
{
    int n = 0;
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
}

/* Knuth algorithm D: q = u / v, r = u % v; v must be nonzero */
static void bn_divmod(Big *q, Big *r, const Big *u, const Big *v)
{
    uint32_t un[MAXL + 1], vn[MAXL];
    int m = u->n, n = v->n, s, i, j;
    if (bn_cmp(u, v) < 0) {
        bn_set(q, 0);
        *r = *u;
        return;
    }
    if (n == 1) {
        bn_set(r, bn_divmod_small(q, u, v->d[0]));
        return;
    }
    s = nlz(v->d[n - 1]);
    for (i = n - 1; i > 0; i--)
        vn[i] = (v->d[i] << s) | (uint32_t)((uint64_t)v->d[i - 1] >> (32 - s));
    vn[0] = v->d[0] << s;
    un[m] = (uint32_t)((uint64_t)u->d[m - 1] >> (32 - s));
    for (i = m - 1; i > 0; i--)
        un[i] = (u->d[i] << s) | (uint32_t)((uint64_t)u->d[i - 1] >> (32 - s));
    un[0] = u->d[0] << s;
    memset(q, 0, sizeof *q);
    for (j = m - n; j >= 0; j--) {
        const uint64_t b = UINT64_C(1) << 32;
        uint64_t num = ((uint64_t)un[j + n] << 32) | un[j + n - 1];
        uint64_t qhat = num / vn[n - 1], rhat = num % vn[n - 1];
        uint64_t carry = 0, borrow = 0, t;
        while (qhat >= b || qhat * vn[n - 2] > ((rhat << 32) | un[j + n - 2])) {
            qhat--;
            rhat += vn[n - 1];
            if (rhat >= b)
                break;
        }
        for (i = 0; i < n; i++) { /* multiply and subtract */
            uint64_t p = qhat * vn[i] + carry;
            carry = p >> 32;
            t = (uint64_t)un[i + j] - (p & 0xFFFFFFFFu) - borrow;
            un[i + j] = (uint32_t)t;
            borrow = t >> 63;
        }
        t = (uint64_t)un[j + n] - carry - borrow;
        un[j + n] = (uint32_t)t;
        q->d[j] = (uint32_t)qhat;
        if (t >> 63) { /* add back */
            carry = 0;
            q->d[j]--;
            for (i = 0; i < n; i++) {
                t = (uint64_t)un[i + j] + vn[i] + carry;
                un[i + j] = (uint32_t)t;
                carry = t >> 32;
            }
            un[j + n] += (uint32_t)carry;
        }
    }
    q->n = m - n + 1;
    bn_trim(q);
    memset(r, 0, sizeof *r);
    for (i = 0; i < n; i++)
        r->d[i] = (un[i] >> s) | (uint32_t)((uint64_t)un[i + 1] << (32 - s));
    r->n = n;
    bn_trim(r);
}

static void bn_modexp(Big *r, const Big *base, const Big *exp, const Big *mod)
{
    Big result, b, t, q;
    int bit;
    bn_set(&result, 1);
    bn_divmod(&q, &b, base, mod);
    for (bit = exp->n * 32 - 1; bit >= 0; bit--) {
        bn_mul(&t, &result, &result);
        bn_divmod(&q, &result, &t, mod);
        if ((exp->d[bit / 32] >> (bit % 32)) & 1u) {
            bn_mul(&t, &result, &b);
            bn_divmod(&q, &result, &t, mod);
        }
    }
    *r = result;
}

static int miller_rabin(const Big *n, const uint32_t *bases, int nb)
{
    Big one, nm1, d, a, x, q;
    int s = 0, k, i;
    bn_set(&one, 1);
    bn_sub(&nm1, n, &one);
    d = nm1;
    while (d.n > 0 && !(d.d[0] & 1)) {
        bn_divmod_small(&d, &d, 2);
        s++;
    }
    for (k = 0; k < nb; k++) {
        bn_set(&a, bases[k]);
        bn_modexp(&x, &a, &d, n);
        if (bn_cmp(&x, &one) == 0 || bn_cmp(&x, &nm1) == 0)
            continue;
        for (i = 1; i < s; i++) {
            Big t;
            bn_mul(&t, &x, &x);
            bn_divmod(&q, &x, &t, n);
            if (bn_cmp(&x, &nm1) == 0)
                break;
        }
        if (i == s)
            return 0;
    }
    return 1;
}

/* decimal string; returns digit sum */
static int bn_to_dec(const Big *a, char *out)
{
    char tmp[MAXL * 10 + 2];
    Big t = *a;
    int len = 0, sum = 0, i;
    if (t.n == 0)
        tmp[len++] = '0';
    while (t.n > 0) {
        uint32_t chunk = bn_divmod_small(&t, &t, 1000000000u);
        for (i = 0; i < 9 && (t.n > 0 || chunk); i++) {
            tmp[len++] = (char)('0' + chunk % 10);
            chunk /= 10;
        }
    }
    for (i = 0; i < len; i++) {
        out[i] = tmp[len - 1 - i];
        sum += out[i] - '0';
    }
    out[len] = '\0';
    return sum;
}

static void bn_pow2_minus(Big *r, int e, uint32_t sub)
{
    Big one;
    memset(r, 0, sizeof *r);
    r->d[e / 32] = 1u << (e % 32);
    r->n = e / 32 + 1;
    bn_set(&one, sub);
    bn_sub(r, r, &one);
}

int main(void)
{
    static char dec[MAXL * 10 + 2];
    static const uint32_t bases[] = {2, 3, 5, 7, 11, 13};
    Big a, b, c, q, r, t;
    uint64_t div_mix = 0, mul_mix = 0;
    uint32_t seed = 1u;
    int i, k, sum;

    bn_set(&a, 1);
    for (i = 2; i <= 100; i++) {
        bn_set(&b, (uint64_t)i);
        bn_mul(&a, &a, &b);
    }
    sum = bn_to_dec(&a, dec);
    printf("100! has %d digits, digit sum %d\n", (int)strlen(dec), sum);
    expect(sum == 648 && strlen(dec) == 158, "100! digit sum");

    bn_pow2_minus(&a, 1000, 0);
    sum = bn_to_dec(&a, dec);
    printf("2^1000 has %d digits, digit sum %d\n", (int)strlen(dec), sum);
    expect(sum == 1366, "2^1000 digit sum");

    bn_set(&t, 1); /* t = 10^999, the smallest 1000-digit number */
    bn_set(&c, 10);
    for (i = 0; i < 999; i++)
        bn_mul(&t, &t, &c);
    bn_set(&a, 1);
    bn_set(&b, 1);
    for (k = 2; bn_cmp(&b, &t) < 0; k++) {
        bn_add(&c, &a, &b);
        a = b;
        b = c;
    }
    bn_to_dec(&b, dec);
    printf("first 1000-digit Fibonacci number is F(%d), starts %.12s\n", k, dec);
    expect(k == 4782, "fibonacci index");

    bn_pow2_minus(&a, 127, 1);
    bn_to_dec(&a, dec);
    printf("2^127-1 = %s, prime: %d\n", dec, miller_rabin(&a, bases, 6));
    expect(strcmp(dec, "170141183460469231731687303715884105727") == 0, "2^127-1 decimal");
    expect(miller_rabin(&a, bases, 6), "2^127-1 is prime");
    bn_pow2_minus(&a, 521, 1);
    expect(miller_rabin(&a, bases, 3), "2^521-1 is prime");
    bn_pow2_minus(&a, 128, 0);
    bn_set(&b, 1);
    bn_add(&a, &a, &b); /* F7 = 2^128 + 1 */
    expect(!miller_rabin(&a, bases, 2), "F7 is composite");
    bn_set(&b, UINT64_C(59649589127497217));
    bn_divmod(&q, &r, &a, &b);
    bn_to_dec(&q, dec);
    printf("F7 / 59649589127497217 = %s remainder %d\n", dec, r.n);
    expect(r.n == 0 && strcmp(dec, "5704689200685129054721") == 0, "F7 factorisation");

    for (k = 0; k < 300; k++) { /* random division identity checks */
        int na = 1 + k % 60, nb = 1 + (k * 7) % (na + 3);
        memset(&a, 0, sizeof a);
        memset(&b, 0, sizeof b);
        for (i = 0; i < na; i++) {
            seed = seed * 1664525u + 1013904223u;
            a.d[i] = seed ^ (seed << 7);
        }
        for (i = 0; i < nb; i++) {
            seed = seed * 1664525u + 1013904223u;
            b.d[i] = (k % 5 == 0) ? 0xFFFFFFFFu : seed; /* stress qhat correction */
        }
        a.n = na, b.n = nb;
        bn_trim(&a);
        bn_trim(&b);
        if (b.n == 0)
            bn_set(&b, 3);
        bn_divmod(&q, &r, &a, &b);
        bn_mul(&t, &q, &b);
        bn_add(&t, &t, &r);
        expect(bn_cmp(&t, &a) == 0 && bn_cmp(&r, &b) < 0, "division identity");
        for (i = 0; i < q.n; i++)
            div_mix = (div_mix ^ q.d[i]) * UINT64_C(0x100000001b3);
        div_mix += (uint64_t)r.n;
    }

    for (k = 0; k < 20; k++) { /* Karatsuba vs schoolbook at 64 limbs */
        uint32_t x[64], y[64], r1[128], r2[128];
        for (i = 0; i < 64; i++) {
            seed = seed * 1664525u + 1013904223u;
            x[i] = seed;
            y[i] = k % 4 == 0 ? 0xFFFFFFFFu : seed * 2654435761u;
        }
        mul_school(r1, x, 64, y, 64);
        mul_karatsuba(r2, x, y, 64);
        expect(memcmp(r1, r2, sizeof r1) == 0, "karatsuba");
        for (i = 0; i < 128; i += 9)
            mul_mix = mul_mix * 31 + r2[i];
    }

    check("DIV", div_mix, WANT_DIV);
    check("MUL", mul_mix, WANT_MUL);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
