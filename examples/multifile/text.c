// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/* text.c -- lexer, word frequencies, RPN calculator, soundex, title case. */
#include <string.h>

#include "multifile.h"

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static char upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

void lex_init(MfLexer *lx, const char *src)
{
    lx->src = src;
    lx->pos = 0;
}

int lex_next(MfLexer *lx, MfToken *tok)
{
    const char *s = lx->src;
    size_t n = 0;
    while (is_space((unsigned char)s[lx->pos]))
        lx->pos++;
    tok->number = 0;
    tok->text[0] = '\0';
    if (s[lx->pos] == '\0') {
        tok->kind = TOK_END;
        return 0;
    }
    if (is_alpha((unsigned char)s[lx->pos])) {
        tok->kind = TOK_WORD;
        while (is_alpha((unsigned char)s[lx->pos]) || s[lx->pos] == '\'') {
            if (n + 1 < MF_KEY_MAX)
                tok->text[n++] = lower(s[lx->pos]);
            lx->pos++;
        }
    } else if (is_digit((unsigned char)s[lx->pos])) {
        tok->kind = TOK_NUMBER;
        while (is_digit((unsigned char)s[lx->pos])) {
            tok->number = tok->number * 10u + (uint32_t)(s[lx->pos] - '0');
            if (n + 1 < MF_KEY_MAX)
                tok->text[n++] = s[lx->pos];
            lx->pos++;
        }
    } else {
        tok->kind = TOK_PUNCT;
        tok->text[n++] = s[lx->pos++];
    }
    tok->text[n] = '\0';
    return 1;
}

size_t text_word_freq(const char *text, MfMap *map, size_t *numbers, size_t *puncts)
{
    MfLexer lx;
    MfToken tok;
    size_t words = 0;
    *numbers = 0;
    *puncts = 0;
    lex_init(&lx, text);
    while (lex_next(&lx, &tok)) {
        switch (tok.kind) {
        case TOK_WORD: {
            uint32_t *slot = map_slot(map, tok.text);
            if (slot)
                (*slot)++;
            words++;
            break;
        }
        case TOK_NUMBER:
            (*numbers)++;
            break;
        case TOK_PUNCT:
            (*puncts)++;
            break;
        case TOK_END:
            break;
        }
    }
    return words;
}

/*
 * Reverse Polish calculator over uint32_t with wrap-around arithmetic.
 * Operators: + - * / % (division by zero yields 0), 'd' dup, 's' swap,
 * 'n' negate, 'm' max.  Returns 0 on success, a negative code on error.
 */
int rpn_eval(const char *expr, uint32_t *result)
{
    uint32_t stack[64];
    int sp = 0;
    MfLexer lx;
    MfToken tok;
    lex_init(&lx, expr);
    while (lex_next(&lx, &tok)) {
        uint32_t a, b;
        char op = tok.text[0];
        if (tok.kind == TOK_NUMBER) {
            if (sp >= 64)
                return -1;
            stack[sp++] = tok.number;
            continue;
        }
        switch (op) {
        case 'd':
            if (sp < 1 || sp >= 64)
                return -2;
            stack[sp] = stack[sp - 1];
            sp++;
            continue;
        case 'n':
            if (sp < 1)
                return -2;
            stack[sp - 1] = 0u - stack[sp - 1];
            continue;
        default:
            break;
        }
        if (sp < 2)
            return -2;
        b = stack[--sp];
        a = stack[--sp];
        switch (op) {
        case '+':
            stack[sp++] = a + b;
            break;
        case '-':
            stack[sp++] = a - b;
            break;
        case '*':
            stack[sp++] = a * b;
            break;
        case '/':
            stack[sp++] = b ? a / b : 0u;
            break;
        case '%':
            stack[sp++] = b ? a % b : 0u;
            break;
        case 's':
            stack[sp++] = b;
            stack[sp++] = a;
            break;
        case 'm':
            stack[sp++] = a > b ? a : b;
            break;
        default:
            return -3;
        }
    }
    if (sp != 1)
        return -4;
    *result = stack[0];
    return 0;
}

static char soundex_code(char c)
{
    switch (lower(c)) {
    case 'b':
    case 'f':
    case 'p':
    case 'v':
        return '1';
    case 'c':
    case 'g':
    case 'j':
    case 'k':
    case 'q':
    case 's':
    case 'x':
    case 'z':
        return '2';
    case 'd':
    case 't':
        return '3';
    case 'l':
        return '4';
    case 'm':
    case 'n':
        return '5';
    case 'r':
        return '6';
    case 'h':
    case 'w':
        return 'h';
    default:
        return '0';
    }
}

void text_soundex(const char *name, char out[5])
{
    int k = 1;
    char last;
    while (*name && !is_alpha((unsigned char)*name))
        name++;
    if (!*name) {
        strcpy(out, "0000");
        return;
    }
    out[0] = upper(*name);
    last = soundex_code(*name);
    for (name++; *name && k < 4; name++) {
        char code = soundex_code(*name);
        if (code == 'h')
            continue; /* h and w do not separate equal codes */
        if (code != '0' && code != last)
            out[k++] = code;
        last = code;
    }
    while (k < 4)
        out[k++] = '0';
    out[4] = '\0';
}

void text_title_case(char *s)
{
    int at_start = 1;
    for (; *s; s++) {
        if (is_alpha((unsigned char)*s)) {
            *s = at_start ? upper(*s) : lower(*s);
            at_start = 0;
        } else if (*s != '\'') {
            at_start = 1; /* apostrophes stay inside a word: "hiker's" */
        }
    }
}
