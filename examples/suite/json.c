// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * json.c - A JSON parser (RFC 8259 subset: all value types, string escapes
 * including \uXXXX with surrogate pairs encoded to UTF-8), a compact
 * serializer, a path query ("a.b[3].c"), and structural hashing.
 *
 * A generator builds random nested documents as text; each is parsed,
 * serialized, re-parsed and re-serialized (must be a fixed point), queried,
 * and fingerprinted.  A set of malformed inputs must be rejected.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXVALS 20000
#define MAXTEXT 200000

#define WANT_DOCS UINT64_C(0xc9151a7395886026)
#define WANT_QUERY UINT64_C(0x315220e77dbaab78)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

typedef enum { J_NULL, J_FALSE, J_TRUE, J_INT, J_STR, J_ARR, J_OBJ } JType;

typedef struct {
    JType type;
    int64_t num;
    int str, slen;   /* string / key in the string arena */
    int key, klen;   /* member key when inside an object */
    int first, next; /* children list, sibling link (-1 = none) */
    int count;
} JVal;

typedef struct {
    JVal vals[MAXVALS];
    int nvals;
    char arena[MAXTEXT];
    int arena_len;
    const char *p;
    const char *err;
    int depth;
} Doc;

static int new_val(Doc *d, JType t)
{
    JVal *v = &d->vals[d->nvals < MAXVALS ? d->nvals : 0];
    if (d->nvals >= MAXVALS) {
        d->err = "too many values";
        return 0;
    }
    memset(v, 0, sizeof *v);
    v->type = t;
    v->first = v->next = -1;
    return d->nvals++;
}

static void skip_ws(Doc *d)
{
    d->p += strspn(d->p, " \n\t\r");
}

static void arena_put(Doc *d, unsigned c)
{
    if (d->arena_len < MAXTEXT)
        d->arena[d->arena_len++] = (char)c;
    else
        d->err = "arena full";
}

static void put_utf8(Doc *d, uint32_t cp)
{
    static const unsigned lead[4] = {0x00, 0xC0, 0xE0, 0xF0};
    int extra = cp < 0x80 ? 0 : cp < 0x800 ? 1 : cp < 0x10000 ? 2 : 3;
    arena_put(d, lead[extra] | (cp >> (6 * extra)));
    while (extra-- > 0)
        arena_put(d, 0x80 | ((cp >> (6 * extra)) & 0x3F));
}

static int hex4(const char *s, uint32_t *out)
{
    int i;
    *out = 0;
    for (i = 0; i < 4; i++) {
        int c = s[i], v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        else return 0;
        *out = *out << 4 | (uint32_t)v;
    }
    return 1;
}

/* parses a string literal into the arena; returns start offset */
static int parse_string(Doc *d, int *len)
{
    int start = d->arena_len;
    d->p++; /* opening quote */
    while (!d->err) {
        unsigned char c = (unsigned char)*d->p++;
        if (c == '"')
            break;
        if (c < 0x20) {
            d->err = "control character in string";
            break;
        }
        if (c != '\\') {
            arena_put(d, c);
            continue;
        }
        c = (unsigned char)*d->p++;
        switch (c) {
        case '"': case '\\': case '/': arena_put(d, c); break;
        case 'b': arena_put(d, '\b'); break;
        case 'f': arena_put(d, '\f'); break;
        case 'n': arena_put(d, '\n'); break;
        case 'r': arena_put(d, '\r'); break;
        case 't': arena_put(d, '\t'); break;
        case 'u': {
            uint32_t cp, lo;
            if (!hex4(d->p, &cp)) {
                d->err = "bad \\u escape";
                break;
            }
            d->p += 4;
            if (cp >= 0xD800 && cp < 0xDC00) {
                if (d->p[0] != '\\' || d->p[1] != 'u' || !hex4(d->p + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
                    d->err = "unpaired surrogate";
                    break;
                }
                d->p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                d->err = "lone low surrogate";
                break;
            }
            put_utf8(d, cp);
            break;
        }
        default:
            d->err = "bad escape";
        }
    }
    *len = d->arena_len - start;
    return start;
}

static int parse_value(Doc *d);

static int parse_container(Doc *d, int is_obj)
{
    int v = new_val(d, is_obj ? J_OBJ : J_ARR), last = -1;
    char close = is_obj ? '}' : ']';
    if (++d->depth > 64)
        d->err = "nesting too deep";
    d->p++;
    skip_ws(d);
    if (*d->p == close) {
        d->p++;
        d->depth--;
        return v;
    }
    while (!d->err) {
        int child, key = 0, klen = 0;
        skip_ws(d);
        if (is_obj) {
            if (*d->p != '"') {
                d->err = "expected key";
                break;
            }
            key = parse_string(d, &klen);
            skip_ws(d);
            if (*d->p++ != ':') {
                d->err = "expected ':'";
                break;
            }
        }
        child = parse_value(d);
        if (d->err)
            break;
        d->vals[child].key = key;
        d->vals[child].klen = klen;
        if (last < 0)
            d->vals[v].first = child;
        else
            d->vals[last].next = child;
        last = child;
        d->vals[v].count++;
        skip_ws(d);
        if (*d->p == ',') {
            d->p++;
            continue;
        }
        if (*d->p == close) {
            d->p++;
            break;
        }
        d->err = "expected ',' or close";
    }
    d->depth--;
    return v;
}

static int parse_value(Doc *d)
{
    int v;
    skip_ws(d);
    switch (*d->p) {
    case '{': return parse_container(d, 1);
    case '[': return parse_container(d, 0);
    case '"':
        v = new_val(d, J_STR);
        d->vals[v].str = parse_string(d, &d->vals[v].slen);
        return v;
    case 't': case 'f': case 'n': {
        static const char *const words[] = {"true", "false", "null"};
        static const JType types[] = {J_TRUE, J_FALSE, J_NULL};
        int k;
        for (k = 0; k < 3; k++)
            if (strncmp(d->p, words[k], strlen(words[k])) == 0) {
                d->p += strlen(words[k]);
                return new_val(d, types[k]);
            }
        d->err = "bad literal";
        return 0;
    }
    default:
        if (*d->p == '-' || isdigit((unsigned char)*d->p)) {
            int neg = *d->p == '-';
            uint64_t mag = 0;
            if (neg)
                d->p++;
            if (!isdigit((unsigned char)*d->p) || (d->p[0] == '0' && isdigit((unsigned char)d->p[1]))) {
                d->err = "bad number";
                return 0;
            }
            while (isdigit((unsigned char)*d->p)) {
                if (mag > UINT64_C(922337203685477579)) {
                    d->err = "number too large";
                    return 0;
                }
                mag = mag * 10 + (uint64_t)(*d->p++ - '0');
            }
            v = new_val(d, J_INT);
            d->vals[v].num = neg ? -(int64_t)mag : (int64_t)mag;
            return v;
        }
        d->err = "unexpected character";
        return 0;
    }
}

static int parse_doc(Doc *d, const char *text)
{
    int root;
    d->nvals = d->arena_len = d->depth = 0;
    d->p = text;
    d->err = NULL;
    root = parse_value(d);
    skip_ws(d);
    if (!d->err && *d->p)
        d->err = "trailing characters";
    return root;
}

/* ---- serializer ---- */
typedef struct {
    char *buf;
    size_t len, cap;
} Out;

static void out_c(Out *o, char c)
{
    if (o->len + 1 < o->cap)
        o->buf[o->len++] = c;
}

static void out_s(Out *o, const char *s)
{
    while (*s)
        out_c(o, *s++);
}

static void out_str(Out *o, const char *s, int n)
{
    int i;
    out_c(o, '"');
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char tmp[8];
        if (c == '"' || c == '\\') {
            out_c(o, '\\'), out_c(o, (char)c);
        } else if (c == '\n') {
            out_s(o, "\\n");
        } else if (c < 0x20) {
            snprintf(tmp, sizeof tmp, "\\u%04x", c);
            out_s(o, tmp);
        } else {
            out_c(o, (char)c);
        }
    }
    out_c(o, '"');
}

static void serialize(const Doc *d, int v, Out *o)
{
    const JVal *j = &d->vals[v];
    char tmp[32];
    int c;
    switch (j->type) {
    case J_NULL: out_s(o, "null"); break;
    case J_TRUE: out_s(o, "true"); break;
    case J_FALSE: out_s(o, "false"); break;
    case J_INT: snprintf(tmp, sizeof tmp, "%lld", (long long)j->num); out_s(o, tmp); break;
    case J_STR: out_str(o, d->arena + j->str, j->slen); break;
    case J_ARR:
    case J_OBJ:
        out_c(o, j->type == J_ARR ? '[' : '{');
        for (c = j->first; c >= 0; c = d->vals[c].next) {
            if (c != j->first)
                out_c(o, ',');
            if (j->type == J_OBJ) {
                out_str(o, d->arena + d->vals[c].key, d->vals[c].klen);
                out_c(o, ':');
            }
            serialize(d, c, o);
        }
        out_c(o, j->type == J_ARR ? ']' : '}');
        break;
    }
    o->buf[o->len] = '\0';
}

/* path query like "items[2].name"; returns value index or -1 */
static int query(const Doc *d, int v, const char *path)
{
    while (*path && v >= 0) {
        if (*path == '.')
            path++;
        if (*path == '[') {
            long idx = strtol(path + 1, NULL, 10);
            int c = d->vals[v].type == J_ARR ? d->vals[v].first : -1;
            while (c >= 0 && idx-- > 0)
                c = d->vals[c].next;
            v = c;
            path = strchr(path, ']');
            path = path ? path + 1 : "";
        } else {
            size_t n = strcspn(path, ".[");
            int c = d->vals[v].type == J_OBJ ? d->vals[v].first : -1;
            while (c >= 0 && !((size_t)d->vals[c].klen == n && memcmp(d->arena + d->vals[c].key, path, n) == 0))
                c = d->vals[c].next;
            v = c;
            path += n;
        }
    }
    return v;
}

/* ---- generator ---- */
static uint32_t gseed = 4242u;

static uint32_t grnd(uint32_t n)
{
    gseed ^= gseed << 13;
    gseed ^= gseed >> 17;
    gseed ^= gseed << 5;
    return gseed % n;
}

static void gen_value(Out *o, int depth)
{
    static const char *const keys[] = {"id", "name", "tags", "items", "meta", "x", "y", "ok"};
    static const char *const strs[] = {"alpha", "be\\\"ta", "line\\nbreak", "\\u00e9t\\u00e9",
                                       "\\ud83d\\ude00", "tab\\there", "", "plain text"};
    char tmp[32];
    uint32_t r = depth == 0 ? 5 + grnd(2) : grnd(depth > 3 ? 5 : 8);
    int i, n;
    switch (r) {
    case 0: out_s(o, grnd(2) ? "true" : "false"); break;
    case 1: out_s(o, "null"); break;
    case 2: snprintf(tmp, sizeof tmp, "%ld", (long)grnd(2000000) - 1000000); out_s(o, tmp); break;
    case 3: case 4: out_c(o, '"'); out_s(o, strs[grnd(8)]); out_c(o, '"'); break;
    case 5:
        n = (int)grnd(9);
        out_s(o, "[ ");
        for (i = 0; i < n; i++) {
            if (i)
                out_s(o, ", ");
            gen_value(o, depth + 1);
        }
        out_s(o, " ]");
        break;
    default:
        n = 1 + (int)grnd(6);
        out_c(o, '{');
        for (i = 0; i < n; i++) {
            if (i)
                out_c(o, ',');
            snprintf(tmp, sizeof tmp, "\n  \"%s\" : ", keys[(i + (int)grnd(3)) % 8]);
            out_s(o, tmp);
            gen_value(o, depth + 1);
        }
        out_c(o, '}');
    }
}

static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    size_t i;
    for (i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * UINT64_C(0x100000001b3);
    return h;
}

int main(void)
{
    static Doc doc, doc2;
    static char text[MAXTEXT], ser1[MAXTEXT], ser2[MAXTEXT];
    static const char *const bad[] = {"", "{", "[1,]", "{\"a\" 1}", "[01]", "\"\\x\"", "tru",
                                      "[1] 2", "\"\\ud800\"", "{\"a\":1,}", "-", "\"a\nb\""};
    static const char *const paths[] = {"items[0]", "meta.name", "tags[1]", "x", "items[2].id"};
    uint64_t doc_mix = 0, q_mix = 0;
    int t, i, total_vals = 0;
    size_t k;

    for (t = 0; t < 80; t++) {
        Out o = {text, 0, sizeof text};
        Out s1 = {ser1, 0, sizeof ser1}, s2 = {ser2, 0, sizeof ser2};
        int root;
        o.buf[0] = '\0';
        snprintf(ser1, 64, "{\"doc\":%d, \"body\": ", t);
        out_s(&o, ser1);
        gen_value(&o, 0);
        out_s(&o, "}\n");
        o.buf[o.len] = '\0';
        root = parse_doc(&doc, text);
        if (doc.err) {
            printf("FAIL parse doc %d: %s\n", t, doc.err);
            failures++;
            continue;
        }
        serialize(&doc, root, &s1);
        root = parse_doc(&doc2, ser1);
        serialize(&doc2, root, &s2);
        if (doc2.err || strcmp(ser1, ser2) != 0) {
            printf("FAIL round trip doc %d\n", t);
            failures++;
        }
        total_vals += doc.nvals;
        doc_mix = doc_mix * 31 + fnv(ser1, s1.len);
        for (k = 0; k < sizeof paths / sizeof paths[0]; k++) {
            int body = query(&doc2, root, "body");
            int q = query(&doc2, body, paths[k]);
            q_mix = q_mix * 7 + (q < 0 ? 0 : (uint64_t)doc2.vals[q].type + 1);
        }
        if (t % 20 == 0)
            printf("doc %2d: %5lu bytes in, %5lu bytes compact, %4d values\n", t,
                   (unsigned long)o.len, (unsigned long)s1.len, doc.nvals);
    }
    printf("total values parsed: %d\n", total_vals);

    {
        const char *sample = "{\"name\":\"caf\\u00e9 \\ud83d\\ude00\",\"items\":[{\"id\":7},{\"id\":-12}],\"n\":null}";
        Out s1 = {ser1, 0, sizeof ser1};
        int root = parse_doc(&doc, sample), q = query(&doc, root, "items[1].id");
        serialize(&doc, root, &s1);
        printf("sample: %s\n", ser1);
        if (doc.err || q < 0 || doc.vals[q].num != -12 || strlen(ser1) != 60) {
            printf("FAIL sample document\n");
            failures++;
        }
    }
    for (i = 0; i < (int)(sizeof bad / sizeof bad[0]); i++) {
        parse_doc(&doc, bad[i]);
        if (!doc.err) {
            printf("FAIL accepted malformed input %d\n", i);
            failures++;
        }
    }

    check("DOCS", doc_mix, WANT_DOCS);
    check("QUERY", q_mix, WANT_QUERY);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
