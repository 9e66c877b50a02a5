// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * lexer.c - A tokenizer for C source text.
 *
 * Recognises identifiers and keywords (binary search in a sorted table),
 * decimal/octal/hex integer and floating literals with suffixes, character
 * and string literals with escapes, all C punctuators by longest match,
 * comments and preprocessor lines, tracking line and column.  Runs over an
 * embedded source text (plus a generated one), collects statistics and an
 * identifier frequency table, then re-emits the token stream with single
 * spaces and checks that re-tokenizing it yields the identical stream.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXTOK 10000
#define HASHSIZE 1024

#define WANT_TOKENS UINT64_C(0xfa6e315c335770c8)
#define WANT_IDENTS UINT64_C(0x017abeb1e5708e55)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

typedef enum { T_IDENT, T_KEYWORD, T_INT, T_FLOAT, T_CHAR, T_STRING, T_PUNCT, T_PREPROC, T_ERROR, T_NKINDS } Kind;
static const char *const kind_names[] = {"ident", "keyword", "int", "float", "char", "string", "punct",
                                         "preproc", "error"};

typedef struct {
    Kind kind;
    int start, len;
    int line, col;
} Token;

static const char *const keywords[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
    "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
    "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
    "volatile", "while"};

/* longest first within each leading character is handled by trying lengths 3,2,1 */
static const char *const puncts[] = {
    "...", "<<=", ">>=", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "*=", "/=",
    "%=", "+=", "-=", "&=", "^=", "|=", "##", "[", "]", "(", ")", "{", "}", ".", "&", "*", "+", "-",
    "~", "!", "/", "%", "<", ">", "^", "|", "?", ":", ";", "=", ",", "#"};

static int is_keyword(const char *s, int len)
{
    int lo = 0, hi = (int)(sizeof keywords / sizeof keywords[0]) - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2, c = strncmp(keywords[mid], s, (size_t)len);
        if (c == 0 && keywords[mid][len] != '\0')
            c = 1;
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return 0;
}

static int match_punct(const char *s)
{
    int want, i;
    for (want = 3; want >= 1; want--)
        for (i = 0; i < (int)(sizeof puncts / sizeof puncts[0]); i++)
            if ((int)strlen(puncts[i]) == want && strncmp(puncts[i], s, (size_t)want) == 0)
                return want;
    return 0;
}

typedef struct {
    const char *src;
    int pos, line, col;
    int at_line_start;
} Lexer;

static void advance(Lexer *lx, int n)
{
    while (n-- > 0) {
        if (lx->src[lx->pos] == '\n') {
            lx->line++;
            lx->col = 1;
            lx->at_line_start = 1;
        } else {
            lx->col++;
        }
        lx->pos++;
    }
}

/* skips whitespace and comments; returns number of comments skipped */
static int skip_trivia(Lexer *lx)
{
    int comments = 0;
    for (;;) {
        const char *p = lx->src + lx->pos;
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            advance(lx, 1);
        } else if (p[0] == '/' && p[1] == '/') {
            while (lx->src[lx->pos] && lx->src[lx->pos] != '\n')
                advance(lx, 1);
            comments++;
        } else if (p[0] == '/' && p[1] == '*') {
            advance(lx, 2);
            while (lx->src[lx->pos] && !(lx->src[lx->pos] == '*' && lx->src[lx->pos + 1] == '/'))
                advance(lx, 1);
            if (lx->src[lx->pos])
                advance(lx, 2);
            comments++;
        } else {
            return comments;
        }
    }
}

static int scan_number(const char *p, Kind *kind)
{
    int n = 0, is_float = 0;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        n = 2;
        while (isxdigit((unsigned char)p[n]))
            n++;
    } else {
        while (isdigit((unsigned char)p[n]))
            n++;
        if (p[n] == '.') {
            is_float = 1;
            n++;
            while (isdigit((unsigned char)p[n]))
                n++;
        }
        if (p[n] == 'e' || p[n] == 'E') {
            int k = n + 1;
            if (p[k] == '+' || p[k] == '-')
                k++;
            if (isdigit((unsigned char)p[k])) {
                is_float = 1;
                n = k;
                while (isdigit((unsigned char)p[n]))
                    n++;
            }
        }
    }
    while (p[n] && strchr("uUlLfF", p[n]))
        n++;
    *kind = is_float ? T_FLOAT : T_INT;
    return n;
}

static int scan_quoted(const char *p)
{
    char q = p[0];
    int n = 1;
    while (p[n] && p[n] != q && p[n] != '\n') {
        if (p[n] == '\\' && p[n + 1])
            n++;
        n++;
    }
    return p[n] == q ? n + 1 : -n;
}

static int next_token(Lexer *lx, Token *t, int *comments)
{
    const char *p;
    int n;
    *comments += skip_trivia(lx);
    p = lx->src + lx->pos;
    if (!*p)
        return 0;
    t->start = lx->pos;
    t->line = lx->line;
    t->col = lx->col;
    if (*p == '#' && lx->at_line_start) {
        n = 0;
        while (p[n] && p[n] != '\n')
            n += (p[n] == '\\' && p[n + 1] == '\n') ? 2 : 1;
        t->kind = T_PREPROC;
    } else if (isalpha((unsigned char)*p) || *p == '_') {
        n = 0;
        while (isalnum((unsigned char)p[n]) || p[n] == '_')
            n++;
        t->kind = is_keyword(p, n) ? T_KEYWORD : T_IDENT;
    } else if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
        n = scan_number(p, &t->kind);
    } else if (*p == '"' || *p == '\'') {
        n = scan_quoted(p);
        t->kind = *p == '"' ? T_STRING : T_CHAR;
        if (n < 0) {
            n = -n;
            t->kind = T_ERROR;
        }
    } else if ((n = match_punct(p)) > 0) {
        t->kind = T_PUNCT;
    } else {
        n = 1;
        t->kind = T_ERROR;
    }
    t->len = n;
    lx->at_line_start = 0;
    advance(lx, n);
    return 1;
}

static int tokenize(const char *src, Token *toks, int max, int *comments)
{
    Lexer lx;
    int n = 0;
    lx.src = src;
    lx.pos = 0;
    lx.line = lx.col = 1;
    lx.at_line_start = 1;
    *comments = 0;
    while (n < max && next_token(&lx, &toks[n], comments))
        n++;
    return n;
}

/* ---- identifier frequency table ---- */
typedef struct {
    const char *s;
    int len, count;
} IdEntry;

static IdEntry table[HASHSIZE];

static void count_ident(const char *s, int len)
{
    uint32_t h = 5381;
    int i;
    for (i = 0; i < len; i++)
        h = h * 33u + (uint8_t)s[i];
    for (i = (int)(h % HASHSIZE);; i = (i + 1) % HASHSIZE) {
        if (!table[i].s) {
            table[i].s = s;
            table[i].len = len;
            table[i].count = 1;
            return;
        }
        if (table[i].len == len && memcmp(table[i].s, s, (size_t)len) == 0) {
            table[i].count++;
            return;
        }
    }
}

static int cmp_entry(const void *a, const void *b)
{
    const IdEntry *x = a, *y = b;
    int c;
    if (x->count != y->count)
        return y->count - x->count;
    c = strncmp(x->s, y->s, (size_t)(x->len < y->len ? x->len : y->len));
    return c ? c : x->len - y->len;
}

static const char sample[] =
    "#include <stdio.h>\n"
    "#define MAX(a, b) ((a) > (b) ? (a) : \\\n    (b))\n"
    "/* block comment with * and / inside */\n"
    "static const double scale = 1.5e-3, half = .5f, big = 6.02E+23L;\n"
    "typedef struct node { int key; struct node *left, *right; } node_t;\n"
    "unsigned long hash(const char *s) {\n"
    "    unsigned long h = 0x1505UL; // djb2 seed\n"
    "    while (*s) h = (h << 5) + h + (unsigned char)*s++;\n"
    "    return h >>= 0 ? h : 0777u;\n"
    "}\n"
    "int walk(node_t *n, int depth) {\n"
    "    if (!n) return depth;\n"
    "    int l = walk(n->left, depth + 1), r = walk(n->right, depth + 1);\n"
    "    return MAX(l, r);\n"
    "}\n"
    "int main(void) {\n"
    "    char msg[] = \"tab\\there \\\"quoted\\\" \\\\ done\";\n"
    "    char c = '\\'', d = '\\n';\n"
    "    int i, total = 0;\n"
    "    for (i = 0; i < 10; i++) { total += i % 3 ? i : -i; total <<= 1; total ^= i; }\n"
    "    switch (total & 3) { case 0: break; default: total--; }\n"
    "    printf(\"%s %c %c %d %lu\\n\", msg, c, d, total, hash(msg));\n"
    "    return total != 0 && walk(NULL, 0) == 0 || sizeof(node_t) > 8 ? 0 : 1;\n"
    "}\n";

static void generate_source(char *out, size_t cap)
{
    static const char *const parts[] = {"x", "y1", "count", "ptr->next", "arr[i]", "0x7F", "42u", "3.25",
                                        "'a'", "\"s\"", "f(x, y)"};
    static const char *const ops[] = {" + ", " - ", " * ", " << ", " >= ", " && ", " ? 1 : ", " |= ", " -> "};
    uint32_t s = 99u;
    size_t len = 0;
    int line, k;
    for (line = 0; line < 300 && len + 200 < cap; line++) {
        len += (size_t)snprintf(out + len, cap - len, "%s v%d = ", line % 7 ? "int" : "static long", line);
        for (k = 0; k < 6; k++) {
            s = s * 1103515245u + 12345u;
            len += (size_t)snprintf(out + len, cap - len, "%s%s", parts[(s >> 16) % 11],
                                    k < 5 ? ops[(s >> 8) % 9] : ";");
        }
        len += (size_t)snprintf(out + len, cap - len, line % 5 == 0 ? " /* c%d */\n" : " // c%d\n", line);
    }
}

int main(void)
{
    static Token toks[MAXTOK], toks2[MAXTOK];
    static char gen[40000], joined[80000];
    const char *texts[2];
    uint64_t tok_mix = 0, id_mix = 0;
    int t, i, k;

    generate_source(gen, sizeof gen);
    texts[0] = sample;
    texts[1] = gen;
    for (t = 0; t < 2; t++) {
        int counts[T_NKINDS] = {0}, comments, comments2, n, n2, nids = 0;
        size_t jl = 0;
        n = tokenize(texts[t], toks, MAXTOK, &comments);
        memset(table, 0, sizeof table);
        for (i = 0; i < n; i++) {
            const char *s = texts[t] + toks[i].start;
            counts[toks[i].kind]++;
            if (toks[i].kind == T_IDENT)
                count_ident(s, toks[i].len);
            tok_mix = (tok_mix ^ ((uint64_t)toks[i].kind << 24 ^ (uint64_t)toks[i].len << 12 ^
                                  (uint64_t)toks[i].line)) * UINT64_C(0x100000001b3);
            /* re-emit; preprocessor lines need their own line */
            if (toks[i].kind == T_PREPROC && jl > 0)
                joined[jl++] = '\n';
            memcpy(joined + jl, s, (size_t)toks[i].len);
            jl += (size_t)toks[i].len;
            joined[jl++] = toks[i].kind == T_PREPROC ? '\n' : ' ';
        }
        joined[jl] = '\0';
        printf("text %d: %d tokens, %d comments, last token at line %d col %d\n", t, n, comments,
               toks[n - 1].line, toks[n - 1].col);
        for (k = 0; k < T_NKINDS; k++)
            if (counts[k])
                printf("  %-8s %5d\n", kind_names[k], counts[k]);
        if (counts[T_ERROR]) {
            printf("FAIL lexer errors in text %d\n", t);
            failures++;
        }
        n2 = tokenize(joined, toks2, MAXTOK, &comments2);
        for (i = 0, k = n2 == n; k && i < n; i++)
            k = toks2[i].kind == toks[i].kind && toks2[i].len == toks[i].len &&
                memcmp(joined + toks2[i].start, texts[t] + toks[i].start, (size_t)toks[i].len) == 0;
        if (!k || comments2 != 0) {
            printf("FAIL re-tokenization of text %d\n", t);
            failures++;
        }
        for (i = 0; i < HASHSIZE; i++)
            if (table[i].s)
                table[nids++] = table[i];
        qsort(table, (size_t)nids, sizeof table[0], cmp_entry);
        printf("  %d distinct identifiers; top:", nids);
        for (i = 0; i < 4 && i < nids; i++)
            printf(" %.*s(%d)", table[i].len, table[i].s, table[i].count);
        printf("\n");
        for (i = 0; i < nids; i++)
            id_mix = id_mix * 31 + (uint64_t)table[i].count * 1000u + (uint64_t)table[i].len;
    }

    check("TOKENS", tok_mix, WANT_TOKENS);
    check("IDENTS", id_mix, WANT_IDENTS);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
