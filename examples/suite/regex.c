// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * regex.c - A backtracking regular-expression engine.
 *
 * Patterns are parsed by recursive descent into an AST (alternation,
 * concatenation, greedy and lazy * + ? {m,n}, groups with captures, . [...]
 * [^...] \d \w \s, anchors ^ $), compiled to a small instruction set
 * (CHAR, ANY, CLASS, SPLIT, JMP, SAVE, BOL, EOL, MATCH) and executed by a
 * recursive backtracking matcher with leftmost, priority-ordered (Perl-like)
 * semantics.  Checked against a table of hand-verified cases and by scanning
 * a generated log.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXINST 1024
#define MAXNODE 512
#define NSUB 20 /* 10 capture groups, start/end */

#define WANT_LOG UINT64_C(0xdb3d7ed8ea3a9ba3)
#define WANT_STEPS UINT64_C(0x000000000010f04d)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

/* ---------------- AST ---------------- */
typedef enum { A_LIT, A_ANY, A_CLASS, A_BOL, A_EOL, A_CAT, A_ALT, A_REP, A_GROUP, A_EMPTY } AKind;

typedef struct {
    AKind kind;
    int left, right;     /* children */
    int min, max;        /* A_REP; max < 0 means unbounded */
    int greedy;
    int group;           /* A_GROUP capture index */
    unsigned char ch;
    uint8_t set[32];     /* A_CLASS bitmap */
} ANode;

typedef struct {
    const char *p;
    ANode nodes[MAXNODE];
    int n;
    int ngroups;
    const char *err;
} RParser;

static int anode(RParser *r, AKind k)
{
    if (r->n >= MAXNODE) {
        r->err = "pattern too large";
        return 0;
    }
    memset(&r->nodes[r->n], 0, sizeof(ANode));
    r->nodes[r->n].kind = k;
    return r->n++;
}

static void set_add(uint8_t *set, int c) { set[c >> 3] |= (uint8_t)(1u << (c & 7)); }
static int set_has(const uint8_t *set, int c) { return (set[c >> 3] >> (c & 7)) & 1; }

static void add_escape_class(uint8_t *set, char e)
{
    int c;
    for (c = 1; c < 256; c++) {
        int in = 0;
        switch (e) {
        case 'd': in = c >= '0' && c <= '9'; break;
        case 'w': in = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; break;
        case 's': in = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; break;
        default: in = c == (unsigned char)e; break;
        }
        if (in)
            set_add(set, c);
    }
}

static int parse_alt(RParser *r);

static int parse_atom(RParser *r)
{
    int n;
    char c = *r->p++;
    switch (c) {
    case '(': {
        int g = ++r->ngroups;
        n = anode(r, A_GROUP);
        r->nodes[n].group = g;
        r->nodes[n].left = parse_alt(r);
        if (*r->p++ != ')')
            r->err = "missing )";
        return n;
    }
    case '.': return anode(r, A_ANY);
    case '^': return anode(r, A_BOL);
    case '$': return anode(r, A_EOL);
    case '[': {
        int negate = 0, i, first = 1;
        n = anode(r, A_CLASS);
        if (*r->p == '^')
            negate = 1, r->p++;
        while (*r->p && (*r->p != ']' || first)) {
            unsigned char lo = (unsigned char)*r->p++, hi;
            first = 0;
            if (lo == '\\' && *r->p) {
                add_escape_class(r->nodes[n].set, *r->p++);
                continue;
            }
            hi = lo;
            if (r->p[0] == '-' && r->p[1] && r->p[1] != ']') {
                hi = (unsigned char)r->p[1];
                r->p += 2;
            }
            for (i = lo; i <= hi; i++)
                set_add(r->nodes[n].set, i);
        }
        if (*r->p++ != ']')
            r->err = "missing ]";
        if (negate)
            for (i = 0; i < 32; i++)
                r->nodes[n].set[i] = (uint8_t)~r->nodes[n].set[i];
        r->nodes[n].set[0] &= 0xFE; /* never match NUL */
        return n;
    }
    case '\\':
        c = *r->p++;
        if (c == 'd' || c == 'w' || c == 's') {
            n = anode(r, A_CLASS);
            add_escape_class(r->nodes[n].set, c);
            return n;
        }
        if (c == '\0') {
            r->err = "trailing backslash";
            r->p--;
        }
        n = anode(r, A_LIT); /* escaped literal */
        r->nodes[n].ch = (unsigned char)c;
        return n;
    default:
        n = anode(r, A_LIT);
        r->nodes[n].ch = (unsigned char)c;
        return n;
    }
}

static int parse_number(RParser *r)
{
    int v = 0;
    while (*r->p >= '0' && *r->p <= '9')
        v = v * 10 + (*r->p++ - '0');
    return v;
}

static int parse_repeat(RParser *r)
{
    int atom = parse_atom(r);
    for (;;) {
        int min, max, n;
        char c = *r->p;
        if (c == '*') { min = 0; max = -1; }
        else if (c == '+') { min = 1; max = -1; }
        else if (c == '?') { min = 0; max = 1; }
        else if (c == '{') {
            r->p++;
            min = max = parse_number(r);
            if (*r->p == ',') {
                r->p++;
                max = *r->p == '}' ? -1 : parse_number(r);
            }
            if (*r->p != '}' || (max >= 0 && max < min) || min > 100 || max > 100)
                r->err = "bad {m,n}";
        } else {
            return atom;
        }
        r->p++;
        n = anode(r, A_REP);
        r->nodes[n].left = atom;
        r->nodes[n].min = min, r->nodes[n].max = max;
        r->nodes[n].greedy = 1;
        if (*r->p == '?') /* lazy */
            r->nodes[n].greedy = 0, r->p++;
        atom = n;
    }
}

static int parse_concat(RParser *r)
{
    int left = -1;
    while (*r->p && *r->p != '|' && *r->p != ')' && !r->err) {
        int right = parse_repeat(r);
        if (left < 0) {
            left = right;
        } else {
            int n = anode(r, A_CAT);
            r->nodes[n].left = left;
            r->nodes[n].right = right;
            left = n;
        }
    }
    return left < 0 ? anode(r, A_EMPTY) : left;
}

static int parse_alt(RParser *r)
{
    int left = parse_concat(r);
    while (*r->p == '|' && !r->err) {
        int n;
        r->p++;
        n = anode(r, A_ALT);
        r->nodes[n].left = left;
        r->nodes[n].right = parse_concat(r);
        left = n;
    }
    return left;
}

/* ---------------- compiler ---------------- */
typedef enum { I_CHAR, I_ANY, I_CLASS, I_SPLIT, I_JMP, I_SAVE, I_BOL, I_EOL, I_MATCH } IOp;

typedef struct {
    IOp op;
    int x, y;            /* jump targets; SPLIT prefers x */
    unsigned char ch;
    const uint8_t *set;
} Inst;

typedef struct {
    Inst code[MAXINST];
    int n;
    const char *err;
} Prog;

static int emit(Prog *p, IOp op)
{
    if (p->n >= MAXINST) {
        p->err = "program too large";
        return MAXINST - 1;
    }
    memset(&p->code[p->n], 0, sizeof(Inst));
    p->code[p->n].op = op;
    return p->n++;
}

static void gen(Prog *p, const RParser *r, int node)
{
    const ANode *a = &r->nodes[node];
    int i, s, j;
    switch (a->kind) {
    case A_EMPTY: break;
    case A_LIT: i = emit(p, I_CHAR); p->code[i].ch = a->ch; break;
    case A_ANY: emit(p, I_ANY); break;
    case A_CLASS: i = emit(p, I_CLASS); p->code[i].set = a->set; break;
    case A_BOL: emit(p, I_BOL); break;
    case A_EOL: emit(p, I_EOL); break;
    case A_CAT: gen(p, r, a->left); gen(p, r, a->right); break;
    case A_GROUP: /* SAVE 2g; body; SAVE 2g+1 */
        p->code[emit(p, I_SAVE)].x = 2 * a->group;
        gen(p, r, a->left);
        p->code[emit(p, I_SAVE)].x = 2 * a->group + 1;
        break;
    case A_ALT:
        s = emit(p, I_SPLIT);
        p->code[s].x = p->n;
        gen(p, r, a->left);
        j = emit(p, I_JMP);
        p->code[s].y = p->n;
        gen(p, r, a->right);
        p->code[j].x = p->n;
        break;
    case A_REP:
        for (i = 0; i < a->min; i++)
            gen(p, r, a->left);
        if (a->max < 0) { /* loop: L: split body, out; body; jmp L */
            s = emit(p, I_SPLIT);
            gen(p, r, a->left);
            j = emit(p, I_JMP);
            p->code[j].x = s;
            p->code[s].x = a->greedy ? s + 1 : p->n;
            p->code[s].y = a->greedy ? p->n : s + 1;
        } else {
            int pending[100], np = 0, k;
            for (i = a->min; i < a->max; i++) {
                s = emit(p, I_SPLIT);
                pending[np++] = s;
                gen(p, r, a->left);
            }
            for (k = 0; k < np; k++) {
                s = pending[k];
                p->code[s].x = a->greedy ? s + 1 : p->n;
                p->code[s].y = a->greedy ? p->n : s + 1;
            }
        }
        break;
    }
}

static int compile(const char *pattern, RParser *r, Prog *p)
{
    int root;
    memset(r, 0, sizeof *r);
    r->p = pattern;
    root = parse_alt(r);
    if (*r->p && !r->err)
        r->err = "unbalanced )";
    p->n = 0;
    p->err = NULL;
    if (r->err)
        return -1;
    emit(p, I_SAVE); /* group 0 start */
    gen(p, r, root);
    p->code[emit(p, I_SAVE)].x = 1;
    emit(p, I_MATCH);
    return p->err ? -1 : 0;
}

/* ---------------- matcher ---------------- */
typedef struct {
    const Prog *prog;
    const char *begin;
    unsigned long steps;
    int depth;
} Matcher;

static int backtrack(Matcher *m, int pc, const char *sp, const char **sub)
{
    int result = 0;
    if (++m->depth > 20000) /* recursion guard */
        goto out;
    for (;;) {
        const Inst *in = &m->prog->code[pc];
        unsigned char c = (unsigned char)*sp;
        m->steps++;
        switch (in->op) {
        case I_CHAR: if (c == 0 || c != in->ch) goto out; pc++, sp++; continue;
        case I_ANY: if (c == 0 || c == '\n') goto out; pc++, sp++; continue;
        case I_CLASS: if (!set_has(in->set, c)) goto out; pc++, sp++; continue;
        case I_BOL: if (sp != m->begin) goto out; pc++; continue;
        case I_EOL: if (c != 0) goto out; pc++; continue;
        case I_JMP: pc = in->x; continue;
        case I_SPLIT: /* try the preferred branch first, then the other */
            if ((result = backtrack(m, in->x, sp, sub)) != 0)
                goto out;
            pc = in->y;
            continue;
        case I_SAVE: {
            const char *old = sub[in->x];
            sub[in->x] = sp;
            if ((result = backtrack(m, pc + 1, sp, sub)) == 0)
                sub[in->x] = old; /* undo on failure */
            goto out;
        }
        case I_MATCH: result = 1; goto out;
        }
    }
out:
    m->depth--;
    return result;
}

/* leftmost search; returns 1 and fills sub[] on success */
static int search(const Prog *p, const char *text, const char **sub, unsigned long *steps)
{
    Matcher m;
    const char *start = text;
    m.prog = p, m.begin = text, m.steps = 0, m.depth = 0;
    for (;;) {
        int i;
        for (i = 0; i < NSUB; i++)
            sub[i] = NULL;
        if (backtrack(&m, 0, start, sub)) {
            *steps += m.steps;
            return 1;
        }
        if (*start == '\0')
            break;
        start++;
    }
    *steps += m.steps;
    return 0;
}

typedef struct {
    const char *pattern, *text;
    int start, end;      /* -1 = no match */
    int g1s, g1e;        /* group 1 span, -1 if unset */
} Case;

static const Case cases[] = {
    {"abc", "xxabcxx", 2, 5, -1, -1},
    {"a.c", "abc", 0, 3, -1, -1},
    {"a*", "bbb", 0, 0, -1, -1},
    {"a+", "bbaaab", 2, 5, -1, -1},
    {"colou?r", "the color red", 4, 9, -1, -1},
    {"colou?r", "colour", 0, 6, -1, -1},
    {"^abc$", "abc", 0, 3, -1, -1},
    {"^abc$", "abcd", -1, -1, -1, -1},
    {"[0-9]+", "abc 12345 def", 4, 9, -1, -1},
    {"[^a-z ]+", "hello WORLD 42", 6, 11, -1, -1},
    {"\\d{3}-\\d{4}", "call 555-1234 now", 5, 13, -1, -1},
    {"(a|ab)(c|bcd)(d*)", "abcd", 0, 4, 0, 1},
    {"(\\w+)@(\\w+)\\.com", "mail bob@example.com today", 5, 20, 5, 8},
    {"a{2,3}", "aaaa", 0, 3, -1, -1},
    {"a{2}", "a", -1, -1, -1, -1},
    {"<.+?>", "<a><b>", 0, 3, -1, -1},
    {"<.+>", "<a><b>", 0, 6, -1, -1},
    {"(ab)+", "ababab", 0, 6, 4, 6},
    {"\\s+", "a \t b", 1, 4, -1, -1},
    {"(foo|foobar)baz", "foobarbaz", 0, 9, 0, 6},
    {"a|b|c", "xyzc", 3, 4, -1, -1},
    {"[a-c]*d", "abcabcd", 0, 7, -1, -1},
    {"$", "abc", 3, 3, -1, -1},
    {"(a*)b", "aaab", 0, 4, 0, 3},
    {"h.*o", "hello world", 0, 8, -1, -1},
    {"[-+]?[0-9]+", "x = -42;", 4, 7, -1, -1},
    {"a.b", "a\nb", -1, -1, -1, -1},
    {"\\.", "a.b", 1, 2, -1, -1},
    {"(a+?)(a*)", "aaa", 0, 3, 0, 1},
    {"x{2,}y", "xyxxxy", 2, 6, -1, -1},
    {"(x+x+)+y", "xxxxxxxxxx", -1, -1, -1, -1},
    {"([a-z]+) ([a-z]+)?!", "hi !", 0, 4, 0, 2},
};

static const char *const levels[] = {"INFO", "WARN", "ERROR", "DEBUG"};
static const char *const users[] = {"alice", "bob", "carol", "dave", "eve_99"};

int main(void)
{
    static RParser parser;
    static Prog prog;
    static const char *const log_patterns[] = {
        "^\\d{4}-\\d\\d-\\d\\d (\\d+):", "\\[(ERROR|WARN)\\]", "user=(\\w+)",
        "id=(\\d*7) ", "msg=\"([^\"]*)\"$", "(a|e)(l|v)+"};
    const char *sub[NSUB];
    unsigned long steps = 0;
    uint64_t log_mix = 0;
    size_t i, k, line;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const Case *c = &cases[i];
        int s = -1, e = -1, g1s = -1, g1e = -1;
        if (compile(c->pattern, &parser, &prog) != 0) {
            printf("FAIL compile \"%s\": %s\n", c->pattern, parser.err ? parser.err : prog.err);
            failures++;
            continue;
        }
        if (search(&prog, c->text, sub, &steps)) {
            s = (int)(sub[0] - c->text), e = (int)(sub[1] - c->text);
            if (sub[2] && sub[3])
                g1s = (int)(sub[2] - c->text), g1e = (int)(sub[3] - c->text);
        }
        if (s != c->start || e != c->end || g1s != c->g1s || g1e != c->g1e) {
            printf("FAIL case %d /%s/: got %d..%d group %d..%d\n", (int)i, c->pattern, s, e, g1s, g1e);
            failures++;
        }
        if (i % 8 == 0)
            printf("/%s/ on \"%s\" -> %d..%d (%d instructions)\n", c->pattern, c->text, s, e, prog.n);
    }
    printf("table: %d cases, %lu steps\n", (int)(sizeof cases / sizeof cases[0]), steps);

    for (k = 0; k < sizeof log_patterns / sizeof log_patterns[0]; k++) {
        uint32_t seed = 2024u;
        int matches = 0;
        long cap_len = 0;
        if (compile(log_patterns[k], &parser, &prog) != 0) {
            printf("FAIL compile log pattern %d\n", (int)k);
            failures++;
            continue;
        }
        for (line = 0; line < 1500; line++) {
            char buf[160];
            seed = seed * 1103515245u + 12345u;
            snprintf(buf, sizeof buf, "2024-%02u-%02u %02u:%02u:%02u [%s] user=%s id=%u msg=\"%s\"",
                     1 + (seed >> 8) % 12, 1 + (seed >> 12) % 28, (seed >> 16) % 24, (seed >> 4) % 60,
                     (seed >> 20) % 60, levels[(seed >> 24) % 4], users[(seed >> 26) % 5],
                     (seed >> 10) % 100000, (seed & 3) ? "disk almost full" : "ok");
            if (search(&prog, buf, sub, &steps)) {
                matches++;
                if (sub[2] && sub[3])
                    cap_len += sub[3] - sub[2];
                log_mix = log_mix * 31 + (uint64_t)(sub[0] - buf) * 256 + (uint64_t)(sub[1] - sub[0]);
            }
        }
        printf("log /%s/: %d matches, %ld capture chars\n", log_patterns[k], matches, cap_len);
        log_mix ^= (uint64_t)matches << 32 ^ (uint64_t)cap_len;
    }

    check("LOG", log_mix, WANT_LOG);
    check("STEPS", steps, WANT_STEPS);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
