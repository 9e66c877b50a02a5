// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * exprparse.c - Recursive-descent parser and evaluator for a small
 * C-like expression language: integer literals, variables, assignment,
 * ?:, || &&, | ^ &, comparisons, shifts, + - * / %, unary - ! ~, and calls
 * to built-in functions (min, max, abs, gcd).  Parses into an AST, evaluates
 * it, pretty-prints it and re-parses the printed form.
 *
 * Arithmetic is 64-bit two's-complement wrap-around implemented on uint64_t,
 * so no signed overflow can occur.  A random expression generator produces
 * expressions together with their expected values for a self-check.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXNODES 8192
#define NVARS 26
#define WANT_FUZZ UINT64_C(0x6058170ff98fe840)
#define WANT_PRINT UINT64_C(0xa8f527e5dcb8e0e9)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

typedef uint64_t Val;

static int is_neg(Val v) { return (v >> 63) != 0; }
/* signed less-than: flipping the sign bit maps two's-complement order to unsigned order */
static int slt(Val a, Val b) { return (a ^ (UINT64_C(1) << 63)) < (b ^ (UINT64_C(1) << 63)); }
static Val vneg(Val a) { return 0 - a; }
static Val vabs(Val a) { return is_neg(a) ? vneg(a) : a; }

/* truncating signed division/modulo; x/0 = 0, x%0 = x */
static Val vdiv(Val a, Val b)
{
    Val q = b ? vabs(a) / vabs(b) : 0;
    return is_neg(a) != is_neg(b) ? vneg(q) : q;
}

static Val vmod(Val a, Val b)
{
    Val r = b ? vabs(a) % vabs(b) : vabs(a);
    return is_neg(a) ? vneg(r) : r;
}

static Val vgcd(Val a, Val b)
{
    a = vabs(a), b = vabs(b);
    while (b) {
        Val t = a % b;
        a = b, b = t;
    }
    return a;
}

/* ---------------- AST ---------------- */
typedef enum { N_NUM, N_VAR, N_ASSIGN, N_COND, N_BIN, N_UN, N_CALL } Kind;

typedef enum {
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_SHL, OP_SHR, OP_LT, OP_LE, OP_GT, OP_GE,
    OP_EQ, OP_NE, OP_AND, OP_OR, OP_XOR, OP_LAND, OP_LOR, OP_NEG, OP_NOT, OP_BNOT
} Op;

static const char *const op_text[] = {"+", "-", "*", "/", "%", "<<", ">>", "<", "<=", ">", ">=",
                                      "==", "!=", "&", "|", "^", "&&", "||", "-", "!", "~"};

typedef struct {
    Kind kind;
    Op op;
    Val num;      /* N_NUM */
    int var;      /* N_VAR, N_ASSIGN */
    int func;     /* N_CALL */
    int a, b, c;  /* children */
} Node;

static Node nodes[MAXNODES];
static int nnodes;
static Val vars[NVARS];

static int new_node(Kind k)
{
    if (nnodes >= MAXNODES) {
        printf("FAIL node pool\n");
        exit(1);
    }
    memset(&nodes[nnodes], 0, sizeof(Node));
    nodes[nnodes].kind = k;
    return nnodes++;
}

/* ---------------- parser ---------------- */
typedef struct {
    const char *s;
    int error;
} Parser;

static const char *const func_names[] = {"min", "max", "abs", "gcd"};
static const int func_arity[] = {2, 2, 1, 2};

static void skip_ws(Parser *p)
{
    while (isspace((unsigned char)*p->s))
        p->s++;
}

static int accept(Parser *p, const char *tok)
{
    size_t n = strlen(tok);
    skip_ws(p);
    if (strncmp(p->s, tok, n) != 0)
        return 0;
    /* don't split "<<" as "<", "<=" as "<", "&&" as "&", etc. */
    if (n == 1 && strchr("<>&|=!", tok[0]) && p->s[1] && strchr("<>&|=", p->s[1]) &&
        !(tok[0] == '!' && p->s[1] != '='))
        return 0;
    p->s += n;
    return 1;
}

static void expect_tok(Parser *p, const char *tok) { p->error |= !accept(p, tok); }

static int parse_expr(Parser *p);

static int binary(Op op, int l, int r)
{
    int n = new_node(N_BIN);
    nodes[n].op = op;
    nodes[n].a = l, nodes[n].b = r;
    return n;
}

static int parse_primary(Parser *p)
{
    int n;
    skip_ws(p);
    if (accept(p, "(")) {
        n = parse_expr(p);
        expect_tok(p, ")");
        return n;
    }
    if (accept(p, "-") || accept(p, "!") || accept(p, "~")) {
        char c = p->s[-1];
        n = new_node(N_UN);
        nodes[n].op = c == '-' ? OP_NEG : c == '!' ? OP_NOT : OP_BNOT;
        nodes[n].a = parse_primary(p);
        return n;
    }
    if (isdigit((unsigned char)*p->s)) {
        Val v = 0;
        while (isdigit((unsigned char)*p->s))
            v = v * 10 + (Val)(*p->s++ - '0');
        n = new_node(N_NUM);
        nodes[n].num = v;
        return n;
    }
    if (isalpha((unsigned char)*p->s)) {
        char name[16];
        int len = 0, f;
        while (isalnum((unsigned char)*p->s) && len < 15)
            name[len++] = *p->s++;
        name[len] = '\0';
        for (f = 0; f < 4; f++) {
            if (strcmp(name, func_names[f]) == 0) {
                n = new_node(N_CALL);
                nodes[n].func = f;
                expect_tok(p, "(");
                nodes[n].a = parse_expr(p);
                if (func_arity[f] == 2) {
                    expect_tok(p, ",");
                    nodes[n].b = parse_expr(p);
                }
                expect_tok(p, ")");
                return n;
            }
        }
        if (len != 1 || !islower((unsigned char)name[0])) {
            p->error = 1;
            return new_node(N_NUM);
        }
        n = new_node(N_VAR);
        nodes[n].var = name[0] - 'a';
        return n;
    }
    p->error = 1;
    return new_node(N_NUM);
}

/* precedence climbing over a table of binary levels */
typedef struct {
    const char *tok;
    Op op;
} BinTok;

static const BinTok level_tokens[][4] = {
    {{"||", OP_LOR}, {0, OP_ADD}},
    {{"&&", OP_LAND}, {0, OP_ADD}},
    {{"|", OP_OR}, {0, OP_ADD}},
    {{"^", OP_XOR}, {0, OP_ADD}},
    {{"&", OP_AND}, {0, OP_ADD}},
    {{"==", OP_EQ}, {"!=", OP_NE}, {0, OP_ADD}},
    {{"<=", OP_LE}, {">=", OP_GE}, {"<", OP_LT}, {">", OP_GT}},
    {{"<<", OP_SHL}, {">>", OP_SHR}, {0, OP_ADD}},
    {{"+", OP_ADD}, {"-", OP_SUB}, {0, OP_ADD}},
    {{"*", OP_MUL}, {"/", OP_DIV}, {"%", OP_MOD}, {0, OP_ADD}},
};
#define NLEVELS ((int)(sizeof level_tokens / sizeof level_tokens[0]))

static int parse_level(Parser *p, int level)
{
    int left;
    if (level == NLEVELS)
        return parse_primary(p);
    left = parse_level(p, level + 1);
    for (;;) {
        int k, matched = 0;
        for (k = 0; k < 4 && level_tokens[level][k].tok; k++) {
            if (accept(p, level_tokens[level][k].tok)) {
                left = binary(level_tokens[level][k].op, left, parse_level(p, level + 1));
                matched = 1;
                break;
            }
        }
        if (!matched || p->error)
            return left;
    }
}

static int parse_expr(Parser *p)
{
    const char *save = p->s;
    int n;
    skip_ws(p);
    /* assignment: var '=' expr (right associative) */
    if (islower((unsigned char)p->s[0]) && !isalnum((unsigned char)p->s[1])) {
        int var = p->s[0] - 'a';
        p->s++;
        skip_ws(p);
        if (p->s[0] == '=' && p->s[1] != '=') {
            p->s++;
            n = new_node(N_ASSIGN);
            nodes[n].var = var;
            nodes[n].a = parse_expr(p);
            return n;
        }
        p->s = save;
    }
    n = parse_level(p, 0);
    if (accept(p, "?")) {
        int c = new_node(N_COND);
        nodes[c].a = n;
        nodes[c].b = parse_expr(p);
        expect_tok(p, ":");
        nodes[c].c = parse_expr(p);
        return c;
    }
    return n;
}

/* ---------------- evaluation ---------------- */
static Val apply_bin(Op op, Val x, Val y)
{
    switch (op) {
    case OP_ADD: return x + y;
    case OP_SUB: return x - y;
    case OP_MUL: return x * y;
    case OP_DIV: return vdiv(x, y);
    case OP_MOD: return vmod(x, y);
    case OP_SHL: return x << (y & 63);
    case OP_SHR: return x >> (y & 63); /* logical shift */
    case OP_LT: return slt(x, y);
    case OP_LE: return !slt(y, x);
    case OP_GT: return slt(y, x);
    case OP_GE: return !slt(x, y);
    case OP_EQ: return x == y;
    case OP_NE: return x != y;
    case OP_AND: return x & y;
    case OP_OR: return x | y;
    case OP_XOR: return x ^ y;
    default: return 0;
    }
}

static Val eval(int n)
{
    const Node *nd = &nodes[n];
    switch (nd->kind) {
    case N_NUM: return nd->num;
    case N_VAR: return vars[nd->var];
    case N_ASSIGN: return vars[nd->var] = eval(nd->a);
    case N_COND: return eval(nd->a) ? eval(nd->b) : eval(nd->c);
    case N_UN: {
        Val v = eval(nd->a);
        return nd->op == OP_NEG ? vneg(v) : nd->op == OP_NOT ? (Val)!v : ~v;
    }
    case N_CALL: {
        Val x = eval(nd->a), y = func_arity[nd->func] == 2 ? eval(nd->b) : 0;
        switch (nd->func) {
        case 0: return slt(y, x) ? y : x;
        case 1: return slt(x, y) ? y : x;
        case 2: return vabs(x);
        default: return vgcd(x, y);
        }
    }
    case N_BIN:
        if (nd->op == OP_LAND)
            return eval(nd->a) ? eval(nd->b) != 0 : 0;
        if (nd->op == OP_LOR)
            return eval(nd->a) ? 1 : eval(nd->b) != 0;
        {
            Val x = eval(nd->a); /* sequenced: left operand first */
            Val y = eval(nd->b);
            return apply_bin(nd->op, x, y);
        }
    }
    return 0;
}

static char *pbuf;
static int ppos, pcap;

static void emit(const char *t)
{
    while (*t && ppos < pcap - 1)
        pbuf[ppos++] = *t++;
    pbuf[ppos] = '\0';
}

static void print_ast(int n)
{
    const Node *nd = &nodes[n];
    char tmp[32];
    switch (nd->kind) {
    case N_NUM:
    case N_VAR:
        if (nd->kind == N_NUM)
            snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)nd->num);
        else
            snprintf(tmp, sizeof tmp, "%c", 'a' + nd->var);
        emit(tmp);
        return;
    case N_ASSIGN:
        snprintf(tmp, sizeof tmp, "(%c=", 'a' + nd->var);
        emit(tmp);
        print_ast(nd->a);
        break;
    case N_COND:
        emit("("); print_ast(nd->a);
        emit("?"); print_ast(nd->b);
        emit(":"); print_ast(nd->c);
        break;
    case N_UN:
        emit("("); emit(op_text[nd->op]); print_ast(nd->a);
        break;
    case N_CALL:
        emit(func_names[nd->func]); emit("("); print_ast(nd->a);
        if (func_arity[nd->func] == 2) {
            emit(","); print_ast(nd->b);
        }
        break;
    case N_BIN:
        emit("("); print_ast(nd->a); emit(op_text[nd->op]); print_ast(nd->b);
        break;
    }
    emit(")");
}

/* ---------------- random expression generator ---------------- */
static uint32_t gs = 31337u;

static uint32_t grand(uint32_t n)
{
    gs = gs * 1103515245u + 12345u;
    return (gs >> 16) % n;
}

/* builds text and returns its value, mirroring the language semantics */
static Val gen(char *buf, int *pos, int depth)
{
    static const Op ops[] = {OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_AND, OP_OR, OP_XOR,
                             OP_LT, OP_EQ, OP_SHL};
    uint32_t r = grand(depth > 4 ? 3 : 10);
    if (r < 2) {
        Val v = grand(1000);
        *pos += sprintf(buf + *pos, "%llu", (unsigned long long)v);
        return v;
    }
    if (r == 2) {
        int var = (int)grand(5);
        *pos += sprintf(buf + *pos, "%c", 'a' + var);
        return vars[var];
    }
    if (r == 3) {
        Val v;
        *pos += sprintf(buf + *pos, "-(");
        v = gen(buf, pos, depth + 1);
        buf[(*pos)++] = ')';
        return vneg(v);
    }
    {
        Op op = ops[grand(sizeof ops / sizeof ops[0])];
        Val x, y;
        buf[(*pos)++] = '(';
        x = gen(buf, pos, depth + 1);
        *pos += sprintf(buf + *pos, " %s ", op_text[op]);
        y = gen(buf, pos, depth + 1);
        buf[(*pos)++] = ')';
        return apply_bin(op, x, y);
    }
}

static int parse_all(const char *src, int *ok)
{
    Parser p;
    int root;
    p.s = src;
    p.error = 0;
    nnodes = 0;
    root = parse_expr(&p);
    skip_ws(&p);
    *ok = !p.error && *p.s == '\0';
    return root;
}

static Val run(const char *src, int *ok) { return eval(parse_all(src, ok)); }

int main(void)
{
    static const struct {
        const char *src;
        int64_t want;
    } cases[] = {
        {"1 + 2 * 3", 7}, {"(1 + 2) * 3", 9}, {"10 - 4 - 3", 3}, {"-7 / 2", -3}, {"-7 % 3", -1},
        {"2 < 3 && 3 < 2 || 1", 1}, {"a = 5", 5}, {"b = a * a - 1", 24}, {"a < b ? a : b", 5},
        {"max(a, min(b, 7)) + abs(-3)", 10}, {"gcd(84, 36) << 2", 48}, {"gcd(0 - 12, 18)", 6},
        {"~0 == -1", 1}, {"!0 + !5", 1}, {"c = d = 4", 4}, {"c + d == 8 ? 100 : 200", 100},
        {"1 << 3 + 1", 16}, {"7 & 3 | 8 ^ 1", 11}, {"5 / 0 + 5 % 0", 5},
        {"4611686018427387904 * 4", 0}, {"a = 0 ? 1 : 2", 2}, {"(0 - 9) / 3 * 3 == 0 - 9", 1},
    };
    char buf[4096], printed[4096];
    uint64_t fuzz_mix = 0, print_mix = 0;
    size_t i;
    int t, ok;

    memset(vars, 0, sizeof vars);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Val v = run(cases[i].src, &ok);
        Val want = cases[i].want < 0 ? vneg((Val)-cases[i].want) : (Val)cases[i].want;
        if (!ok || v != want) {
            printf("FAIL case \"%s\"\n", cases[i].src);
            failures++;
        }
        if (i % 4 == 0)
            printf("%-32s = %lld\n", cases[i].src, (long long)(is_neg(v) ? -(int64_t)vneg(v) : (int64_t)v));
    }

    /* fuzz: random expressions vs the generator's own evaluation; print and reparse */
    for (t = 0; t < 400; t++) {
        int pos = 0, root, plen, k;
        Val want, got;
        for (k = 0; k < 5; k++)
            vars[k] = grand(100000) * (Val)(t + 1);
        want = gen(buf, &pos, 0);
        buf[pos] = '\0';
        got = run(buf, &ok);
        if (!ok || got != want) {
            printf("FAIL fuzz %d: %s\n", t, buf);
            failures++;
            break;
        }
        root = parse_all(buf, &ok);
        pbuf = printed, ppos = 0, pcap = (int)sizeof printed;
        print_ast(root);
        plen = ppos;
        if (eval(root) != want || run(printed, &ok) != want || !ok) {
            printf("FAIL print/reparse %d\n", t);
            failures++;
        }
        fuzz_mix = (fuzz_mix ^ want) * UINT64_C(0x100000001b3);
        print_mix = print_mix * 31 + (uint64_t)plen;
        if (t % 100 == 0)
            printf("fuzz %3d: %d nodes, value %llu\n", t, nnodes, (unsigned long long)want);
    }

    check("FUZZ", fuzz_mix, WANT_FUZZ);
    check("PRINT", print_mix, WANT_PRINT);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
