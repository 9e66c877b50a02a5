// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * bytecode.c - A stack-based bytecode virtual machine with a switch
 * dispatch loop, call frames with locals, a global memory array, and a
 * two-pass text assembler with labels.
 *
 * Several programs are assembled from source text and executed: recursive
 * Fibonacci, a prime sieve, Collatz lengths, GCD sums and an insertion sort
 * of VM memory.  Results are compared with native C implementations, and
 * the per-opcode execution histogram is fingerprinted.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXCODE 1024
#define STACK 1024
#define FRAMES 256
#define MEMSIZE 8192
#define MAXLABELS 64

#define WANT_HIST UINT64_C(0x0b3154f083bc6cd7)
#define WANT_RESULTS UINT64_C(0xb9e18b9eaacf24c8)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

typedef enum {
    OP_HALT, OP_PUSH, OP_POP, OP_DUP, OP_SWAP, OP_OVER,
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR,
    OP_LT, OP_LE, OP_EQ, OP_NOT,
    OP_JMP, OP_JZ, OP_JNZ, OP_CALL, OP_RET,
    OP_LOAD, OP_STORE, OP_INC, OP_MLOAD, OP_MSTORE,
    NUM_OPS
} Opcode;

static const struct {
    const char *name;
    int has_arg;
} op_info[NUM_OPS] = {
    {"halt", 0}, {"push", 1}, {"pop", 0}, {"dup", 0}, {"swap", 0}, {"over", 0},
    {"add", 0}, {"sub", 0}, {"mul", 0}, {"div", 0}, {"mod", 0}, {"and", 0}, {"or", 0},
    {"xor", 0}, {"shl", 0}, {"shr", 0}, {"lt", 0}, {"le", 0}, {"eq", 0}, {"not", 0},
    {"jmp", 1}, {"jz", 1}, {"jnz", 1}, {"call", 1}, {"ret", 0},
    {"load", 1}, {"store", 1}, {"inc", 1}, {"mload", 0}, {"mstore", 0},
};

typedef struct {
    uint8_t op;
    int32_t arg;
} Insn;

typedef struct {
    Insn code[MAXCODE];
    int ncode;
} Program;

/* ---------------- assembler ---------------- */
typedef struct {
    char name[24];
    int addr;
} Label;

static int find_label(const Label *labels, int n, const char *name)
{
    int i;
    for (i = 0; i < n; i++)
        if (strcmp(labels[i].name, name) == 0)
            return labels[i].addr;
    return -1;
}

static int next_word(const char **s, char *out, size_t cap)
{
    size_t n = 0;
    while (**s == ' ' || **s == '\t')
        (*s)++;
    if (**s == ';') /* comment to end of line */
        while (**s && **s != '\n')
            (*s)++;
    while (**s && !isspace((unsigned char)**s) && n + 1 < cap)
        out[n++] = *(*s)++;
    out[n] = '\0';
    return (int)n;
}

/* two passes: pass 0 collects labels, pass 1 emits code */
static int assemble(const char *src, Program *prog)
{
    Label labels[MAXLABELS];
    int nlabels = 0, pass;
    for (pass = 0; pass < 2; pass++) {
        const char *s = src;
        char word[32];
        int pc = 0, line = 1;
        while (*s) {
            if (*s == '\n') {
                s++;
                line++;
                continue;
            }
            if (!next_word(&s, word, sizeof word))
                continue;
            if (word[strlen(word) - 1] == ':') {
                word[strlen(word) - 1] = '\0';
                if (pass == 0 && nlabels < MAXLABELS) {
                    strcpy(labels[nlabels].name, word);
                    labels[nlabels++].addr = pc;
                }
                continue;
            } else {
                int op;
                for (op = 0; op < NUM_OPS; op++)
                    if (strcmp(op_info[op].name, word) == 0)
                        break;
                if (op == NUM_OPS) {
                    printf("FAIL asm line %d: unknown '%s'\n", line, word);
                    return -1;
                }
                if (pc >= MAXCODE)
                    return -1;
                prog->code[pc].op = (uint8_t)op;
                prog->code[pc].arg = 0;
                if (op_info[op].has_arg) {
                    next_word(&s, word, sizeof word);
                    if (isdigit((unsigned char)word[0]) || word[0] == '-') {
                        prog->code[pc].arg = (int32_t)strtol(word, NULL, 10);
                    } else if (pass == 1) {
                        int a = find_label(labels, nlabels, word);
                        if (a < 0) {
                            printf("FAIL asm line %d: undefined label '%s'\n", line, word);
                            return -1;
                        }
                        prog->code[pc].arg = a;
                    }
                }
                pc++;
            }
        }
        prog->ncode = pc;
    }
    return 0;
}

/* ---------------- virtual machine ---------------- */
typedef struct {
    int ret_pc;
    int base; /* locals live in a separate array */
} Frame;

typedef struct {
    uint32_t stack[STACK];
    uint32_t locals[FRAMES * 8];
    Frame frames[FRAMES];
    uint32_t mem[MEMSIZE];
    unsigned long hist[NUM_OPS];
    unsigned long steps;
} VM;

typedef enum { VM_OK, VM_STACK, VM_BADOP, VM_MEM, VM_STEPS } VMStatus;

/* Calling convention: arguments are pushed; the callee stores them into its
 * locals.  The result is left on the stack by "ret". */
static VMStatus vm_run(VM *vm, const Program *p, uint32_t *result)
{
    int pc = 0, sp = 0, fp = 0;
    vm->frames[0].base = 0;
    for (;;) {
        const Insn *in;
        uint32_t a, b;
        if (pc < 0 || pc >= p->ncode)
            return VM_BADOP;
        if (++vm->steps > 20000000ul)
            return VM_STEPS;
        in = &p->code[pc++];
        vm->hist[in->op]++;
        if (sp < 0 || sp > STACK - 4)
            return VM_STACK;
        switch ((Opcode)in->op) {
        case OP_HALT:
            *result = sp > 0 ? vm->stack[sp - 1] : 0;
            return VM_OK;
        case OP_PUSH: vm->stack[sp++] = (uint32_t)in->arg; break;
        case OP_POP: sp--; break;
        case OP_DUP: vm->stack[sp] = vm->stack[sp - 1]; sp++; break;
        case OP_SWAP:
            a = vm->stack[sp - 1];
            vm->stack[sp - 1] = vm->stack[sp - 2];
            vm->stack[sp - 2] = a;
            break;
        case OP_OVER: vm->stack[sp] = vm->stack[sp - 2]; sp++; break;
        case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD:
        case OP_AND: case OP_OR: case OP_XOR: case OP_SHL: case OP_SHR:
        case OP_LT: case OP_LE: case OP_EQ:
            if (sp < 2)
                return VM_STACK;
            b = vm->stack[--sp];
            a = vm->stack[sp - 1];
            switch ((Opcode)in->op) {
            case OP_ADD: a += b; break;
            case OP_SUB: a -= b; break;
            case OP_MUL: a *= b; break;
            case OP_DIV: a = b ? a / b : 0; break;
            case OP_MOD: a = b ? a % b : a; break;
            case OP_AND: a &= b; break;
            case OP_OR: a |= b; break;
            case OP_XOR: a ^= b; break;
            case OP_SHL: a <<= (b & 31); break;
            case OP_SHR: a >>= (b & 31); break;
            case OP_LT: a = a < b; break;
            case OP_LE: a = a <= b; break;
            default: a = a == b; break;
            }
            vm->stack[sp - 1] = a;
            break;
        case OP_NOT: vm->stack[sp - 1] = !vm->stack[sp - 1]; break;
        case OP_JMP: pc = in->arg; break;
        case OP_JZ: if (vm->stack[--sp] == 0) pc = in->arg; break;
        case OP_JNZ: if (vm->stack[--sp] != 0) pc = in->arg; break;
        case OP_CALL:
            if (fp + 1 >= FRAMES)
                return VM_STACK;
            fp++;
            vm->frames[fp].ret_pc = pc;
            vm->frames[fp].base = fp * 8;
            pc = in->arg;
            break;
        case OP_RET:
            if (fp == 0)
                return VM_STACK;
            pc = vm->frames[fp--].ret_pc;
            break;
        case OP_LOAD: vm->stack[sp++] = vm->locals[vm->frames[fp].base + (in->arg & 7)]; break;
        case OP_STORE: vm->locals[vm->frames[fp].base + (in->arg & 7)] = vm->stack[--sp]; break;
        case OP_INC: vm->locals[vm->frames[fp].base + (in->arg & 7)]++; break;
        case OP_MLOAD:
            a = vm->stack[sp - 1];
            if (a >= MEMSIZE)
                return VM_MEM;
            vm->stack[sp - 1] = vm->mem[a];
            break;
        case OP_MSTORE: /* ( value addr -- ) */
            a = vm->stack[--sp];
            b = vm->stack[--sp];
            if (a >= MEMSIZE)
                return VM_MEM;
            vm->mem[a] = b;
            break;
        default:
            return VM_BADOP;
        }
    }
}

/* ---------------- programs ---------------- */
static const char fib_src[] =
    "    push 22\n    call fib\n    halt\n"
    "fib:  store 0           ; n\n"
    "    load 0\n    push 2\n    lt\n    jz recurse\n    load 0\n    ret\n"
    "recurse:\n    load 0\n    push 1\n    sub\n    call fib\n"
    "    load 0\n    push 2\n    sub\n    call fib\n    add\n    ret\n";

static const char sieve_src[] =
    "    push 2\n    store 0            ; i = 2\n"
    "outer: load 0\n    load 0\n    mul\n    push 6000\n    le\n    jz count\n"
    "    load 0\n    mload\n    jnz next_i        ; composite already\n"
    "    load 0\n    load 0\n    mul\n    store 1   ; j = i*i\n"
    "inner: load 1\n    push 6000\n    le\n    jz next_i\n"
    "    push 1\n    load 1\n    mstore\n    load 1\n    load 0\n    add\n    store 1\n    jmp inner\n"
    "next_i: inc 0\n    jmp outer\n"
    "count: push 0\n    store 2\n    push 2\n    store 0\n"
    "cloop: load 0\n    push 6000\n    le\n    jz done\n"
    "    load 0\n    mload\n    jnz skip\n    inc 2\n"
    "skip: inc 0\n    jmp cloop\n"
    "done: load 2\n    halt\n";

static const char collatz_src[] =
    "    push 0\n    store 3           ; best length\n    push 1\n    store 0\n"
    "loop: load 0\n    push 1200\n    le\n    jz finish\n"
    "    load 0\n    store 1\n    push 0\n    store 2\n"
    "step: load 1\n    push 1\n    eq\n    jnz ended\n"
    "    inc 2\n    load 1\n    push 1\n    and\n    jz even\n"
    "    load 1\n    push 3\n    mul\n    push 1\n    add\n    store 1\n    jmp step\n"
    "even: load 1\n    push 1\n    shr\n    store 1\n    jmp step\n"
    "ended: load 3\n    load 2\n    lt\n    jz nobest\n    load 2\n    store 3\n"
    "nobest: inc 0\n    jmp loop\n"
    "finish: load 3\n    halt\n";

static const char gcd_src[] =
    "    push 0\n    store 2\n    push 1\n    store 0\n"
    "oloop: load 0\n    push 120\n    le\n    jz end\n    push 1\n    store 1\n"
    "iloop: load 1\n    push 120\n    le\n    jz onext\n"
    "    load 0\n    load 1\n    call gcd\n    load 2\n    add\n    store 2\n    inc 1\n    jmp iloop\n"
    "onext: inc 0\n    jmp oloop\n"
    "end: load 2\n    halt\n"
    "gcd: store 1\n    store 0\n"
    "gl: load 1\n    jz gdone\n    load 0\n    load 1\n    mod\n    load 1\n    store 0\n    store 1\n    jmp gl\n"
    "gdone: load 0\n    ret\n";

/* insertion sort of mem[0..n), n = 300, then checksum sum(mem[i] * (i+1)) */
static const char sort_src[] =
    "    push 1\n    store 0\n"
    "outer: load 0\n    push 300\n    lt\n    jz sum\n"
    "    load 0\n    mload\n    store 2          ; key\n    load 0\n    store 1   ; j = i\n"
    "inner: load 1\n    jz place\n    load 1\n    push 1\n    sub\n    mload\n    load 2\n    le\n    jnz place\n"
    "    load 1\n    push 1\n    sub\n    mload\n    load 1\n    mstore\n"
    "    load 1\n    push 1\n    sub\n    store 1\n    jmp inner\n"
    "place: load 2\n    load 1\n    mstore\n    inc 0\n    jmp outer\n"
    "sum: push 0\n    store 3\n    push 0\n    store 0\n"
    "sl: load 0\n    push 300\n    lt\n    jz out\n"
    "    load 0\n    mload\n    load 0\n    push 1\n    add\n    mul\n    load 3\n    add\n    store 3\n    inc 0\n    jmp sl\n"
    "out: load 3\n    halt\n";

static uint32_t native_fib(uint32_t n) { return n < 2 ? n : native_fib(n - 1) + native_fib(n - 2); }

static uint32_t native_sieve(void)
{
    static uint8_t comp[6001];
    uint32_t i, j, c = 0;
    memset(comp, 0, sizeof comp);
    for (i = 2; i * i <= 6000; i++)
        if (!comp[i])
            for (j = i * i; j <= 6000; j += i)
                comp[j] = 1;
    for (i = 2; i <= 6000; i++)
        c += !comp[i];
    return c;
}

static uint32_t native_collatz(void)
{
    uint32_t n, best = 0;
    for (n = 1; n <= 1200; n++) {
        uint32_t x = n, len = 0;
        while (x != 1) {
            x = (x & 1) ? 3 * x + 1 : x >> 1;
            len++;
        }
        if (len > best)
            best = len;
    }
    return best;
}

static uint32_t native_gcd_sum(void)
{
    uint32_t a, b, s = 0;
    for (a = 1; a <= 120; a++)
        for (b = 1; b <= 120; b++) {
            uint32_t x = a, y = b;
            while (y) {
                uint32_t t = x % y;
                x = y;
                y = t;
            }
            s += x;
        }
    return s;
}

static void fill_mem(uint32_t *mem)
{
    uint32_t i, x = 17;
    for (i = 0; i < 300; i++) {
        x = x * 1103515245u + 12345u;
        mem[i] = (x >> 16) % 10000;
    }
}

static uint32_t native_sort_sum(void)
{
    uint32_t v[300], i, j, s = 0;
    fill_mem(v);
    for (i = 1; i < 300; i++) {
        uint32_t key = v[i];
        for (j = i; j > 0 && v[j - 1] > key; j--)
            v[j] = v[j - 1];
        v[j] = key;
    }
    for (i = 0; i < 300; i++)
        s += v[i] * (i + 1);
    return s;
}

int main(void)
{
    static VM vm;
    static Program prog;
    static const struct {
        const char *name;
        const char *src;
        uint32_t (*native)(void);
    } tests[] = {
        {"fib", fib_src, NULL},          {"sieve", sieve_src, native_sieve},
        {"collatz", collatz_src, native_collatz}, {"gcd", gcd_src, native_gcd_sum},
        {"sort", sort_src, native_sort_sum},
    };
    uint64_t hist_mix = 0, res_mix = 0;
    size_t t;
    int op;

    for (t = 0; t < sizeof tests / sizeof tests[0]; t++) {
        uint32_t result = 0, want;
        VMStatus st;
        memset(&vm, 0, sizeof vm);
        if (assemble(tests[t].src, &prog) != 0) {
            failures++;
            continue;
        }
        if (strcmp(tests[t].name, "sort") == 0)
            fill_mem(vm.mem);
        st = vm_run(&vm, &prog, &result);
        want = tests[t].native ? tests[t].native() : native_fib(22);
        printf("%-8s %3d insns, status %d, result %10u, steps %8lu\n", tests[t].name, prog.ncode,
               (int)st, (unsigned)result, vm.steps);
        if (st != VM_OK || result != want) {
            printf("FAIL %s: expected %u\n", tests[t].name, (unsigned)want);
            failures++;
        }
        res_mix = res_mix * 1000003u + result;
        for (op = 0; op < NUM_OPS; op++)
            hist_mix = (hist_mix ^ vm.hist[op]) * UINT64_C(0x100000001b3);
    }

    check("HIST", hist_mix, WANT_HIST);
    check("RESULTS", res_mix, WANT_RESULTS);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
