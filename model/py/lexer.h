/*
 * model/py/lexer.h — Python source text to tokens.
 *
 * The lexer turns a whole file into an array of tokens up front. It follows
 * Python's rules for logical lines: NEWLINE ends a statement, except inside
 * brackets or after a backslash; comment-only and blank lines produce
 * nothing; INDENT and DEDENT tokens bracket blocks.
 *
 * Indentation: a tab advances the column to the next multiple of 8 (Python
 * 2's rule, which Python 3 also uses for the width). Under Python 3 the
 * lexer also measures with tabs as one column; if the two measures order a
 * line differently from the enclosing block, that is CPython 3's
 * "TabError: inconsistent use of tabs and spaces in indentation".
 *
 * String literals are decoded here (escapes, raw, adjacent literals are
 * joined by the parser); f-strings keep their raw text for the parser, which
 * splits literal parts from {expressions}.
 */
#ifndef MODEL_PY_LEXER_H
#define MODEL_PY_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../sim/buf.h"

typedef enum py_tok_kind {
    PY_T_EOF, PY_T_NEWLINE, PY_T_INDENT, PY_T_DEDENT, PY_T_NAME, PY_T_INT, PY_T_FLOAT,
    PY_T_STRING, PY_T_OP,
} py_tok_kind;

typedef struct py_token {
    py_tok_kind kind;
    const char *start;        /* the token's text in the source */
    size_t len;               /* bytes of text */
    int line, col;            /* 1-based line, 0-based byte column */
    int64_t ival;             /* PY_T_INT */
    double fval;              /* PY_T_FLOAT */
    char *sval;               /* PY_T_STRING: decoded bytes (owned; f-strings: raw body) */
    size_t slen;
    bool fstring;             /* an f-string: sval is the undecoded body */
    bool raw;                 /* an r-prefixed literal */
} py_token;

/* A syntax error found by the lexer or the parser. */
typedef struct py_syntax_error {
    const char *type;         /* "SyntaxError", "IndentationError", "TabError" */
    char msg[160];            /* "invalid syntax" */
    int line;                 /* 1-based */
    int col;                  /* 0-based byte column of the caret; -1: no caret line */
} py_syntax_error;

typedef struct py_tokens {
    py_token *v;
    size_t n, cap;
    /* A bracket still open at the end of the file: reported by the parser
     * if it reaches the end without an earlier error, as CPython does. */
    bool unclosed;
    py_syntax_error unclosed_err;
} py_tokens;

/* Tokenize `src` (n bytes). `python` is 2 or 3. Returns 0, or -1 with *err
 * filled. The tokens point into `src`, which must outlive them. */
int py_lex(const char *src, size_t n, int python, py_tokens *out, py_syntax_error *err);
void py_tokens_free(py_tokens *t);

/* Decode the escapes of a string body (not raw) into `out`. Returns 0, or -1
 * with err->msg set (err->line/col are left to the caller). */
int py_lex_unescape(const char *s, size_t n, int python, sim_buf *out, py_syntax_error *err);

#endif
