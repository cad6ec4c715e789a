/*
 * model/py/lexer.c — tokens, logical lines and indentation (see lexer.h).
 *
 * One pass over the bytes with a stack of indentation columns. Brackets are
 * counted (with the position of each opening one, for CPython's "'(' was
 * never closed"); inside brackets newlines and indentation mean nothing.
 * Operators are matched longest first from a small table.
 */
#include "lexer.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEX_MAX_INDENT 100  /* CPython's limit of nested blocks */
#define LEX_MAX_BRACKETS 200

typedef struct lexer {
    const char *src, *p, *end;
    int python;
    int line;
    const char *line_start;
    py_tokens *out;
    py_syntax_error *err;
    int indents[LEX_MAX_INDENT], alt[LEX_MAX_INDENT];
    int nindent;
    struct { char c; int line, col; } br[LEX_MAX_BRACKETS];
    int nbr;
} lexer;

static int lex__fail(lexer *lx, const char *type, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int lex__fail(lexer *lx, const char *type, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lx->err->type = type;
    vsnprintf(lx->err->msg, sizeof lx->err->msg, fmt, ap);
    va_end(ap);
    lx->err->line = line;
    lx->err->col = col;
    return -1;
}

static py_token *lex__push(lexer *lx, py_tok_kind kind, const char *start, size_t len)
{
    py_tokens *t = lx->out;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        py_token *v = realloc(t->v, cap * sizeof *v);
        if (!v) {
            fputs("threadsim: out of memory\n", stderr);
            abort();
        }
        t->v = v;
        t->cap = cap;
    }
    py_token *tok = &t->v[t->n++];
    memset(tok, 0, sizeof *tok);
    tok->kind = kind;
    tok->start = start;
    tok->len = len;
    tok->line = lx->line;
    tok->col = (int)(start - lx->line_start);
    return tok;
}

static int lex__col(const lexer *lx, const char *p) { return (int)(p - lx->line_start); }

/* ---- escapes ----------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void utf8_put(sim_buf *b, uint32_t cp)
{
    if (cp < 0x80) {
        sim_buf_addc(b, (char)cp);
    } else if (cp < 0x800) {
        sim_buf_addc(b, (char)(0xC0 | (cp >> 6)));
        sim_buf_addc(b, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        sim_buf_addc(b, (char)(0xE0 | (cp >> 12)));
        sim_buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sim_buf_addc(b, (char)(0x80 | (cp & 0x3F)));
    } else {
        sim_buf_addc(b, (char)(0xF0 | (cp >> 18)));
        sim_buf_addc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
        sim_buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sim_buf_addc(b, (char)(0x80 | (cp & 0x3F)));
    }
}

int py_lex_unescape(const char *s, size_t n, int python, sim_buf *out, py_syntax_error *err)
{
    (void)python;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c != '\\' || i + 1 >= n) {
            sim_buf_addc(out, c);
            continue;
        }
        char e = s[++i];
        switch (e) {
        case '\n': break; /* line continuation inside a string */
        case '\\': sim_buf_addc(out, '\\'); break;
        case '\'': sim_buf_addc(out, '\''); break;
        case '"': sim_buf_addc(out, '"'); break;
        case 'a': sim_buf_addc(out, '\a'); break;
        case 'b': sim_buf_addc(out, '\b'); break;
        case 'f': sim_buf_addc(out, '\f'); break;
        case 'n': sim_buf_addc(out, '\n'); break;
        case 'r': sim_buf_addc(out, '\r'); break;
        case 't': sim_buf_addc(out, '\t'); break;
        case 'v': sim_buf_addc(out, '\v'); break;
        case 'x': case 'u': case 'U': {
            int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
            uint32_t cp = 0;
            for (int k = 0; k < digits; k++) {
                int h = i + 1 < n ? hexval(s[i + 1]) : -1;
                if (h < 0) {
                    snprintf(err->msg, sizeof err->msg,
                             "(unicode error) 'unicodeescape' codec can't decode bytes: "
                             "truncated \\%cXX escape", e);
                    err->type = "SyntaxError";
                    return -1;
                }
                cp = cp * 16 + (uint32_t)h;
                i++;
            }
            if (e == 'x')
                utf8_put(out, cp); /* \xNN is the code point U+00NN */
            else
                utf8_put(out, cp);
            break;
        }
        default:
            if (e >= '0' && e <= '7') {
                uint32_t cp = (uint32_t)(e - '0');
                for (int k = 0; k < 2 && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7'; k++)
                    cp = cp * 8 + (uint32_t)(s[++i] - '0');
                utf8_put(out, cp);
            } else {
                sim_buf_addc(out, '\\');
                sim_buf_addc(out, e);
            }
        }
    }
    return 0;
}

/* ---- pieces ------------------------------------------------------------ */

static bool is_name_start(unsigned char c)
{
    return c == '_' || (unsigned)((c | 32) - 'a') < 26u || c >= 0x80;
}
static bool is_name_char(unsigned char c) { return is_name_start(c) || (unsigned)(c - '0') < 10u; }

static int lex__string(lexer *lx, const char *start, const char *q, bool raw, bool fstr,
                       bool bytes)
{
    (void)bytes;
    char quote = *q;
    bool triple = q + 2 < lx->end && q[1] == quote && q[2] == quote;
    const char *body = q + (triple ? 3 : 1);
    const char *p = body;
    int line0 = lx->line, col0 = lex__col(lx, start);
    const char *ls0 = lx->line_start;
    for (;;) {
        if (p >= lx->end || (!triple && *p == '\n')) {
            lx->line_start = ls0;
            if (triple)
                return lex__fail(lx, "SyntaxError", line0, col0,
                                 "unterminated triple-quoted string literal (detected at line %d)",
                                 lx->line);
            return lex__fail(lx, "SyntaxError", line0, col0,
                             "unterminated string literal (detected at line %d)", line0);
        }
        if (*p == '\\' && p + 1 < lx->end) {
            if (p[1] == '\n') {
                lx->line++;
                lx->line_start = p + 2;
            }
            p += 2;
            continue;
        }
        if (*p == '\n') {
            lx->line++;
            lx->line_start = p + 1;
        }
        if (*p == quote && (!triple || (p + 2 < lx->end && p[1] == quote && p[2] == quote)))
            break;
        p++;
    }
    const char *body_end = p;
    p += triple ? 3 : 1;
    /* the token belongs to its first line */
    int line_end = lx->line;
    const char *ls_end = lx->line_start;
    lx->line = line0;
    lx->line_start = ls0;
    py_token *t = lex__push(lx, PY_T_STRING, start, (size_t)(p - start));
    lx->line = line_end;
    lx->line_start = ls_end;
    t->fstring = fstr;
    t->raw = raw;
    sim_buf b = {0};
    if (raw || fstr) {
        sim_buf_add(&b, body, (size_t)(body_end - body));
    } else if (py_lex_unescape(body, (size_t)(body_end - body), lx->python, &b, lx->err) != 0) {
        sim_buf_free(&b);
        lx->err->line = line0;
        lx->err->col = col0;
        return -1;
    }
    t->slen = b.len;
    t->sval = sim_buf_take(&b);
    lx->p = p;
    return 0;
}

static int lex__number(lexer *lx)
{
    const char *s = lx->p, *p = s;
    char digits[128];
    size_t nd = 0;
    bool is_float = false;
    int base = 10;
    if (*p == '0' && p + 1 < lx->end && strchr("xXoObB", p[1])) {
        base = (p[1] | 32) == 'x' ? 16 : (p[1] | 32) == 'o' ? 8 : 2;
        p += 2;
        while (p < lx->end && (hexval(*p) >= 0 || *p == '_')) {
            if (*p != '_' && nd < sizeof digits - 1)
                digits[nd++] = *p;
            p++;
        }
    } else {
        while (p < lx->end && ((*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
                               ((*p | 32) == 'e') ||
                               ((*p == '+' || *p == '-') && p > s && (p[-1] | 32) == 'e'))) {
            if (*p == '.' || (*p | 32) == 'e')
                is_float = true;
            if (*p == '.' && p + 1 < lx->end && p[1] == '.')
                break;
            if (*p != '_' && nd < sizeof digits - 1)
                digits[nd++] = *p;
            p++;
        }
    }
    digits[nd] = '\0';
    if (p < lx->end && (*p == 'L' || *p == 'l') && lx->python == 2 && !is_float)
        p++; /* Python 2 long suffix */
    if (p < lx->end && (*p == 'j' || *p == 'J'))
        return lex__fail(lx, "SyntaxError", lx->line, lex__col(lx, s),
                         "complex numbers are not supported by threadsim");
    if (p < lx->end && is_name_char((unsigned char)*p))
        return lex__fail(lx, "SyntaxError", lx->line, lex__col(lx, s), "invalid decimal literal");
    py_token *t = lex__push(lx, is_float ? PY_T_FLOAT : PY_T_INT, s, (size_t)(p - s));
    errno = 0;
    if (is_float) {
        t->fval = strtod(digits, NULL);
    } else {
        if (base == 10 && nd > 1 && digits[0] == '0') {
            bool zeros = strspn(digits, "0") == nd;
            if (!zeros && lx->python == 2)
                base = 8;
            else if (!zeros)
                return lex__fail(lx, "SyntaxError", lx->line, lex__col(lx, s),
                                 "leading zeros in decimal integer literals are not permitted; "
                                 "use an 0o prefix for octal integers");
        }
        char *end;
        unsigned long long v = strtoull(digits, &end, base);
        if (errno == ERANGE || v > (unsigned long long)INT64_MAX || nd == 0 || *end)
            return lex__fail(lx, "SyntaxError", lx->line, lex__col(lx, s),
                             "integer literal too large (threadsim ints are 64-bit)");
        t->ival = (int64_t)v;
    }
    lx->p = p;
    return 0;
}

static const char *const lex__ops[] = {
    "**=", "//=", ">>=", "<<=", "...", "->", "**", "//", "==", "!=", "<>", "<=", ">=", "<<",
    ">>", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", ":=", "+", "-", "*", "/", "%",
    "@", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "=",
    NULL,
};

static int lex__op(lexer *lx)
{
    for (const char *const *o = lex__ops; *o; o++) {
        size_t n = strlen(*o);
        if ((size_t)(lx->end - lx->p) >= n && memcmp(lx->p, *o, n) == 0) {
            if (n == 2 && memcmp(*o, "<>", 2) == 0 && lx->python != 2)
                continue;
            char c = lx->p[0];
            int col = lex__col(lx, lx->p);
            if (n == 1 && strchr("([{", c)) {
                if (lx->nbr == LEX_MAX_BRACKETS)
                    return lex__fail(lx, "SyntaxError", lx->line, col,
                                     "too many nested parentheses");
                lx->br[lx->nbr].c = c;
                lx->br[lx->nbr].line = lx->line;
                lx->br[lx->nbr].col = col;
                lx->nbr++;
            } else if (n == 1 && strchr(")]}", c)) {
                char open = c == ')' ? '(' : c == ']' ? '[' : '{';
                if (lx->nbr == 0)
                    return lex__fail(lx, "SyntaxError", lx->line, col, "unmatched '%c'", c);
                if (lx->br[lx->nbr - 1].c != open)
                    return lex__fail(lx, "SyntaxError", lx->line, col,
                                     "closing parenthesis '%c' does not match opening "
                                     "parenthesis '%c'", c, lx->br[lx->nbr - 1].c);
                lx->nbr--;
            }
            lex__push(lx, PY_T_OP, lx->p, n);
            lx->p += n;
            return 0;
        }
    }
    unsigned char c = (unsigned char)*lx->p;
    if (c == '$' || c == '?' || c == '`' || c == '!')
        return lex__fail(lx, "SyntaxError", lx->line, lex__col(lx, lx->p), "invalid syntax");
    return lex__fail(lx, "SyntaxError", lx->line, lex__col(lx, lx->p),
                     "invalid character '%c' (U+%04X)", c, c);
}

/* At the start of a logical line: measure indentation, emit INDENT/DEDENT.
 * Returns 1 if the line is blank or a comment (skipped), 0, or -1. */
static int lex__indent(lexer *lx)
{
    int col = 0, alt = 0;
    const char *p = lx->p;
    while (p < lx->end && (*p == ' ' || *p == '\t' || *p == '\f')) {
        if (*p == ' ')
            col++, alt++;
        else if (*p == '\t')
            col = (col / 8 + 1) * 8, alt++;
        else
            col = alt = 0;
        p++;
    }
    lx->p = p;
    if (p >= lx->end || *p == '\n' || *p == '#' || (*p == '\r'))
        return 1;
    if (*p == '\\' && p + 1 < lx->end && p[1] == '\n')
        return 1;
    int top = lx->indents[lx->nindent - 1], alt_top = lx->alt[lx->nindent - 1];
    bool inconsistent = lx->python == 3 && ((col > top) != (alt > alt_top) ||
                                            (col == top) != (alt == alt_top));
    if (col == top) {
        if (inconsistent)
            return lex__fail(lx, "TabError", lx->line, -1,
                             "inconsistent use of tabs and spaces in indentation");
        return 0;
    }
    if (col > top) {
        if (inconsistent)
            return lex__fail(lx, "TabError", lx->line, -1,
                             "inconsistent use of tabs and spaces in indentation");
        if (lx->nindent == LEX_MAX_INDENT)
            return lex__fail(lx, "IndentationError", lx->line, -1, "too many levels of indentation");
        lx->indents[lx->nindent] = col;
        lx->alt[lx->nindent] = alt;
        lx->nindent++;
        lex__push(lx, PY_T_INDENT, p, 0);
        return 0;
    }
    while (lx->nindent > 1 && col < lx->indents[lx->nindent - 1]) {
        lx->nindent--;
        lex__push(lx, PY_T_DEDENT, p, 0);
    }
    if (col != lx->indents[lx->nindent - 1]) {
        const char *eol = memchr(p, '\n', (size_t)(lx->end - p));
        int ecol = lex__col(lx, eol ? eol : lx->end);
        return lex__fail(lx, "IndentationError", lx->line, ecol,
                         "unindent does not match any outer indentation level");
    }
    if (lx->python == 3 && alt != lx->alt[lx->nindent - 1])
        return lex__fail(lx, "TabError", lx->line, -1,
                         "inconsistent use of tabs and spaces in indentation");
    return 0;
}

int py_lex(const char *src, size_t n, int python, py_tokens *out, py_syntax_error *err)
{
    lexer lx = {.src = src, .p = src, .end = src + n, .python = python, .line = 1,
                .line_start = src, .out = out, .err = err, .nindent = 1};
    memset(out, 0, sizeof *out);
    bool at_line_start = true;
    /* skip a UTF-8 byte order mark */
    if (n >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
        lx.p += 3;
    while (lx.p < lx.end) {
        if (at_line_start) {
            /* inside brackets a new line's indentation means nothing */
            if (lx.nbr == 0 && lex__indent(&lx) < 0)
                goto fail;
            at_line_start = false;
        }
        if (lx.p >= lx.end)
            break;
        char c = *lx.p;
        if (c == '\n') {
            if (lx.nbr == 0 && out->n && out->v[out->n - 1].kind != PY_T_NEWLINE &&
                out->v[out->n - 1].kind != PY_T_INDENT && out->v[out->n - 1].kind != PY_T_DEDENT)
                lex__push(&lx, PY_T_NEWLINE, lx.p, 1);
            lx.p++;
            lx.line++;
            lx.line_start = lx.p;
            at_line_start = true;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
            lx.p++;
            continue;
        }
        if (c == '#') {
            while (lx.p < lx.end && *lx.p != '\n')
                lx.p++;
            continue;
        }
        if (c == '\\') {
            const char *q = lx.p + 1;
            if (q < lx.end && *q == '\r')
                q++;
            if (q < lx.end && *q == '\n') {
                lx.p = q + 1;
                lx.line++;
                lx.line_start = lx.p;
                continue;
            }
            lex__fail(&lx, "SyntaxError", lx.line, lex__col(&lx, lx.p + 1),
                      "unexpected character after line continuation character");
            goto fail;
        }
        if (is_name_start((unsigned char)c)) {
            const char *s = lx.p;
            while (lx.p < lx.end && is_name_char((unsigned char)*lx.p))
                lx.p++;
            size_t len = (size_t)(lx.p - s);
            /* string prefixes: r, u, b, f and their pairs */
            if (len <= 2 && lx.p < lx.end && (*lx.p == '\'' || *lx.p == '"')) {
                bool raw = false, fs = false, bytes = false, ok = true;
                for (size_t k = 0; k < len; k++) {
                    char pc = (char)(s[k] | 32);
                    if (pc == 'r') raw = true;
                    else if (pc == 'f' && python == 3) fs = true;
                    else if (pc == 'b') bytes = true;
                    else if (pc == 'u') {}
                    else ok = false;
                }
                if (ok) {
                    if (lex__string(&lx, s, lx.p, raw, fs, bytes) != 0)
                        goto fail;
                    continue;
                }
            }
            lex__push(&lx, PY_T_NAME, s, len);
            continue;
        }
        if ((c >= '0' && c <= '9') ||
            (c == '.' && lx.p + 1 < lx.end && lx.p[1] >= '0' && lx.p[1] <= '9')) {
            if (lex__number(&lx) != 0)
                goto fail;
            continue;
        }
        if (c == '\'' || c == '"') {
            if (lex__string(&lx, lx.p, lx.p, false, false, false) != 0)
                goto fail;
            continue;
        }
        if (lex__op(&lx) != 0)
            goto fail;
    }
    if (lx.nbr) {
        py_syntax_error *e = &out->unclosed_err;
        out->unclosed = true;
        e->type = "SyntaxError";
        e->line = lx.br[lx.nbr - 1].line;
        e->col = lx.br[lx.nbr - 1].col;
        snprintf(e->msg, sizeof e->msg, "'%c' was never closed", lx.br[lx.nbr - 1].c);
    }
    if (out->n && out->v[out->n - 1].kind != PY_T_NEWLINE && out->v[out->n - 1].kind != PY_T_DEDENT)
        lex__push(&lx, PY_T_NEWLINE, lx.p, 0);
    lx.line_start = lx.p;
    while (lx.nindent > 1) {
        lx.nindent--;
        lex__push(&lx, PY_T_DEDENT, lx.p, 0);
    }
    lex__push(&lx, PY_T_EOF, lx.p, 0);
    return 0;
fail:
    py_tokens_free(out);
    return -1;
}

void py_tokens_free(py_tokens *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i].sval);
    free(t->v);
    memset(t, 0, sizeof *t);
}
