// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * multifile.h -- shared declarations for the multi-file example program.
 *
 *   util.c   PRNG, checksum mixing, CRC32
 *   vec.c    numeric kernels on double vectors and small matrices
 *   store.c  string-keyed hash map, generic merge sort, integer helpers
 *   text.c   lexer, word frequencies, RPN calculator, soundex
 *   main.c   driver and self-check
 */
#ifndef MULTIFILE_H
#define MULTIFILE_H

#include <stddef.h>
#include <stdint.h>

#define MF_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- util.c ---- */
typedef struct {
    uint32_t state;
} MfRng;

void mf_rng_seed(MfRng *r, uint32_t seed);
uint32_t mf_rng_next(MfRng *r);
uint32_t mf_rng_below(MfRng *r, uint32_t n);
double mf_rng_unit(MfRng *r);
uint32_t mf_mix(uint32_t h, uint32_t v);
uint32_t mf_mix_double(uint32_t h, double d, double scale);
uint32_t mf_crc32(const void *data, size_t n);
uint32_t mf_hash_string(const char *s);

/* ---- vec.c ---- */
#define MF_VEC_MAX 1024
#define MF_MAT_N 24

typedef struct {
    size_t n;
    double v[MF_VEC_MAX];
} MfVec;

typedef struct {
    double m[MF_MAT_N][MF_MAT_N];
} MfMat;

void vec_fill(MfVec *a, size_t n, MfRng *r, double lo, double hi);
double vec_dot(const MfVec *a, const MfVec *b);
void vec_axpy(MfVec *y, double alpha, const MfVec *x);
double vec_norm(const MfVec *a);
double vec_sum(const MfVec *a);
void vec_prefix_sum(MfVec *a);
void vec_convolve5(const MfVec *in, MfVec *out, const double k[5]);
void vec_heat_1d(MfVec *a, int steps, double alpha);
void vec_histogram(const MfVec *a, double lo, double hi, unsigned *bins, int nbins);
void mat_fill(MfMat *a, int seed_i, int seed_j);
void mat_mul(const MfMat *a, const MfMat *b, MfMat *c);
void mat_transpose(const MfMat *a, MfMat *t);
double mat_trace(const MfMat *a);
uint32_t vec_run_kernels(void);

/* ---- store.c ---- */
#define MF_KEY_MAX 32

typedef struct {
    char key[MF_KEY_MAX];
    uint32_t value;
    int used;
} MfEntry;

typedef struct {
    MfEntry *slots;
    size_t cap;
    size_t count;
} MfMap;

typedef int (*MfCmp)(const void *a, const void *b);
typedef void (*MfVisit)(const char *key, uint32_t value, void *ctx);

int map_init(MfMap *m, size_t cap);
void map_free(MfMap *m);
uint32_t *map_slot(MfMap *m, const char *key);
int map_get(const MfMap *m, const char *key, uint32_t *value);
void map_foreach(const MfMap *m, MfVisit visit, void *ctx);
size_t map_collect(const MfMap *m, MfEntry *out, size_t max);
int mf_merge_sort(void *base, size_t n, size_t size, MfCmp cmp);
void mf_sort_u32(uint32_t *a, size_t n);
size_t mf_unique_u32(uint32_t *a, size_t n);
size_t mf_lower_bound(const uint32_t *a, size_t n, uint32_t key);

/* ---- text.c ---- */
typedef enum { TOK_WORD, TOK_NUMBER, TOK_PUNCT, TOK_END } MfTokKind;

typedef struct {
    MfTokKind kind;
    char text[MF_KEY_MAX];
    uint32_t number;
} MfToken;

typedef struct {
    const char *src;
    size_t pos;
} MfLexer;

void lex_init(MfLexer *lx, const char *src);
int lex_next(MfLexer *lx, MfToken *tok);
size_t text_word_freq(const char *text, MfMap *map, size_t *numbers, size_t *puncts);
int rpn_eval(const char *expr, uint32_t *result);
void text_soundex(const char *name, char out[5]);
void text_title_case(char *s);

#endif /* MULTIFILE_H */
