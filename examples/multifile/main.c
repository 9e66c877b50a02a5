// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/* main.c -- driver for the multi-file example; runs each section and self-checks. */
#include <stdio.h>
#include <string.h>

#include "multifile.h"

/* ---------------------------------------------------------------- words */

static int cmp_entry_by_count(const void *pa, const void *pb)
{
    const MfEntry *a = (const MfEntry *)pa;
    const MfEntry *b = (const MfEntry *)pb;
    if (a->value != b->value)
        return a->value > b->value ? -1 : 1;
    return strcmp(a->key, b->key);
}

typedef struct {
    uint32_t hash;
    uint32_t total;
    size_t longest;
} VisitStats;

static void visit_word(const char *key, uint32_t value, void *ctx)
{
    VisitStats *st = (VisitStats *)ctx;
    size_t len = strlen(key);
    /* order-independent combination: the map's iteration order is an
       implementation detail */
    st->hash += mf_hash_string(key) * (value | 1u);
    st->total += value;
    if (len > st->longest)
        st->longest = len;
}

static uint32_t section_words(void)
{
    static const char *text =
        "In the beginning the Universe was created. This has made a lot of people very "
        "angry and been widely regarded as a bad move. The ships hung in the sky in much "
        "the same way that bricks don't. Time is an illusion; lunchtime doubly so. "
        "The answer is 42, and 6 times 7 is 42 too. Don't panic! Forty-two is the answer, "
        "the question is unknown, and the mice have been waiting 7500000 years.";
    static MfEntry entries[256];
    MfMap map;
    VisitStats st = {0, 0, 0};
    size_t numbers, puncts, words, n;
    uint32_t h = 0;
    if (!map_init(&map, 16))
        return 0;
    words = text_word_freq(text, &map, &numbers, &puncts);
    map_foreach(&map, visit_word, &st);
    n = map_collect(&map, entries, MF_ARRAY_LEN(entries));
    if (!mf_merge_sort(entries, n, sizeof entries[0], cmp_entry_by_count))
        return 0;
    printf("words: total=%u unique=%u numbers=%u punct=%u longest=%u\n", (unsigned)words,
           (unsigned)n, (unsigned)numbers, (unsigned)puncts, (unsigned)st.longest);
    printf("words: top:");
    for (size_t i = 0; i < n && i < 6; i++)
        printf(" %s=%u", entries[i].key, (unsigned)entries[i].value);
    printf("\n");
    for (size_t i = 0; i < n; i++)
        h = mf_mix(h, mf_hash_string(entries[i].key) ^ entries[i].value);
    {
        uint32_t the = 0, missing = 0;
        int has_the = map_get(&map, "the", &the);
        int has_missing = map_get(&map, "zaphod", &missing);
        h = mf_mix(h, (uint32_t)has_the * 100u + the);
        h = mf_mix(h, (uint32_t)has_missing);
    }
    h = mf_mix(h, st.hash);
    h = mf_mix(h, st.total);
    h = mf_mix(h, (uint32_t)(words * 10000u + numbers * 100u + puncts));
    map_free(&map);
    return h;
}

/* ------------------------------------------------------------------ rpn */

static uint32_t section_rpn(void)
{
    static const char *const programs[] = {
        "1 2 +",
        "3 4 * 5 6 * +",
        "100 7 / 100 7 % +",
        "2 d * d * d * d *",
        "5 n 3 +",
        "9 4 s -",
        "17 42 m 40 m",
        "65521 65521 * 4294967291 %",
        "1 0 /",
        "1 +",
        "1 2 3",
        "4 2 ?",
    };
    uint32_t h = 0;
    int errors = 0;
    for (size_t i = 0; i < MF_ARRAY_LEN(programs); i++) {
        uint32_t value = 0;
        int rc = rpn_eval(programs[i], &value);
        printf("rpn: %-28s -> rc=%d value=%u\n", programs[i], rc, (unsigned)value);
        if (rc != 0)
            errors++;
        h = mf_mix(h, value);
        h = mf_mix(h, (uint32_t)(rc + 10));
    }
    return mf_mix(h, (uint32_t)errors);
}

/* -------------------------------------------------------------- soundex */

static uint32_t section_soundex(void)
{
    static const char *const names[] = {"Robert",   "Rupert", "Rubin",  "Ashcraft",
                                        "Ashcroft", "Tymczak", "Pfister", "Honeyman",
                                        "Lee",      "Gutierrez", "Jackson", "  "};
    char code[5];
    char title[64];
    uint32_t h = 0;
    printf("soundex:");
    for (size_t i = 0; i < MF_ARRAY_LEN(names); i++) {
        text_soundex(names[i], code);
        printf(" %s", code);
        h = mf_mix(h, mf_hash_string(code));
    }
    printf("\n");
    strcpy(title, "the hitch-hiker's GUIDE to the galaxy");
    text_title_case(title);
    printf("title: %s crc=%08x\n", title, (unsigned)mf_crc32(title, strlen(title)));
    h = mf_mix(h, mf_crc32(title, strlen(title)));
    return h;
}

/* -------------------------------------------------------------- numbers */

static int cmp_u32(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa;
    uint32_t b = *(const uint32_t *)pb;
    return (a > b) - (a < b);
}

static uint32_t section_numbers(void)
{
    enum { N = 3000 };
    static uint32_t a[N], b[N];
    MfRng r;
    uint32_t h = 0;
    unsigned errors = 0, hits = 0;
    size_t uniq;
    mf_rng_seed(&r, 4242u);
    for (int i = 0; i < N; i++)
        a[i] = b[i] = mf_rng_below(&r, 5000u);
    mf_sort_u32(a, N);
    if (!mf_merge_sort(b, N, sizeof b[0], cmp_u32))
        errors++;
    for (int i = 0; i < N; i++) {
        if (a[i] != b[i])
            errors++;
        if (i > 0 && a[i - 1] > a[i])
            errors++;
    }
    uniq = mf_unique_u32(a, N);
    for (uint32_t q = 0; q < 5000u; q += 7u) {
        size_t pos = mf_lower_bound(a, uniq, q);
        if (pos < uniq && a[pos] == q)
            hits++;
        h = mf_mix(h, (uint32_t)pos);
    }
    printf("numbers: n=%d unique=%u min=%u max=%u hits=%u errors=%u crc=%08x\n", N,
           (unsigned)uniq, (unsigned)a[0], (unsigned)a[uniq - 1], hits, errors,
           (unsigned)mf_crc32(a, uniq * sizeof a[0]));
    h = mf_mix(h, (uint32_t)uniq);
    h = mf_mix(h, hits);
    return mf_mix(h, errors);
}

/* -------------------------------------------------------------- records */

typedef struct {
    char name[16];
    uint32_t dept;
    uint32_t salary;
    double rating;
} Employee;

static int by_salary(const void *pa, const void *pb)
{
    const Employee *a = (const Employee *)pa, *b = (const Employee *)pb;
    return (a->salary > b->salary) - (a->salary < b->salary);
}

static int by_dept_then_name(const void *pa, const void *pb)
{
    const Employee *a = (const Employee *)pa, *b = (const Employee *)pb;
    if (a->dept != b->dept)
        return a->dept < b->dept ? -1 : 1;
    return strcmp(a->name, b->name);
}

static int by_rating_desc(const void *pa, const void *pb)
{
    const Employee *a = (const Employee *)pa, *b = (const Employee *)pb;
    return (a->rating < b->rating) - (a->rating > b->rating);
}

static void make_name(char *out, MfRng *r)
{
    static const char consonants[] = "bcdfghklmnprstvz";
    static const char vowels[] = "aeiou";
    int len = 4 + (int)mf_rng_below(r, 6u);
    for (int i = 0; i < len; i++)
        out[i] = (i % 2 == 0) ? consonants[mf_rng_below(r, 16u)] : vowels[mf_rng_below(r, 5u)];
    out[len] = '\0';
    out[0] = (char)(out[0] - 'a' + 'A');
}

static uint32_t section_records(void)
{
    enum { NE = 120 };
    static Employee staff[NE];
    static const struct {
        const char *name;
        MfCmp cmp;
    } orders[] = {
        {"salary", by_salary},
        {"dept+name", by_dept_then_name},
        {"rating", by_rating_desc},
    };
    MfMap per_dept;
    MfRng r;
    uint32_t h = 0;
    double rating_sum = 0.0;
    char key[MF_KEY_MAX];
    mf_rng_seed(&r, 777u);
    for (int i = 0; i < NE; i++) {
        make_name(staff[i].name, &r);
        staff[i].dept = mf_rng_below(&r, 6u);
        staff[i].salary = 30000u + mf_rng_below(&r, 90u) * 1000u;
        staff[i].rating = (double)mf_rng_below(&r, 41u) * 0.125;
        rating_sum += staff[i].rating;
    }
    if (!map_init(&per_dept, 8))
        return 0;
    for (int i = 0; i < NE; i++) {
        uint32_t *slot;
        snprintf(key, sizeof key, "dept-%u", (unsigned)staff[i].dept);
        slot = map_slot(&per_dept, key);
        if (slot)
            *slot += staff[i].salary / 1000u;
    }
    for (unsigned d = 0; d < 6; d++) {
        uint32_t total = 0;
        snprintf(key, sizeof key, "dept-%u", d);
        map_get(&per_dept, key, &total);
        printf("records: %s payroll=%uk\n", key, (unsigned)total);
        h = mf_mix(h, total);
    }
    map_free(&per_dept);
    for (size_t o = 0; o < MF_ARRAY_LEN(orders); o++) {
        uint32_t oh = 0;
        mf_merge_sort(staff, NE, sizeof staff[0], orders[o].cmp);
        for (int i = 0; i < NE; i++)
            oh = mf_mix(oh, mf_hash_string(staff[i].name) + staff[i].salary);
        printf("records: order=%-10s first=%s last=%s hash=%08x\n", orders[o].name,
               staff[0].name, staff[NE - 1].name, (unsigned)oh);
        h = mf_mix(h, oh);
    }
    printf("records: mean rating=%.6f\n", rating_sum / NE);
    return mf_mix_double(h, rating_sum / NE, 1e6);
}

/* --------------------------------------------------------------- driver */

typedef uint32_t (*SectionFn)(void);

static const struct {
    const char *name;
    SectionFn run;
    uint32_t expected;
} sections[] = {
    {"vec", vec_run_kernels, 0xb9d470e0u},
    {"words", section_words, 0x38015466u},
    {"rpn", section_rpn, 0xdb563401u},
    {"soundex", section_soundex, 0xbfce728au},
    {"numbers", section_numbers, 0x30cd9dbeu},
    {"records", section_records, 0x14bdf075u},
};

int main(void)
{
    unsigned failures = 0;
    for (size_t i = 0; i < MF_ARRAY_LEN(sections); i++) {
        uint32_t got = sections[i].run();
        printf("[%s] checksum=0x%08x\n", sections[i].name, (unsigned)got);
        if (got != sections[i].expected) {
            printf("FAIL %s: got 0x%08x expected 0x%08x\n", sections[i].name, (unsigned)got,
                   (unsigned)sections[i].expected);
            failures++;
        }
    }
    if (failures) {
        printf("FAIL %u section(s)\n", failures);
        return 1;
    }
    printf("OK\n");
    return 0;
}
