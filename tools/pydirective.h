/*
 * tools/pydirective.h — the `# threadsim: WORD ARGS` directives of a Python
 * program of the corpus (traces/py, traces/py3), read in one place so that
 * `threadsim check` and tests/test_py_corpus.c apply the same rules.
 *
 * A directive is a whole line starting "# threadsim: " (anywhere in the file;
 * the first occurrence of a word wins, as in tools/oracle.sh):
 *   python N           the dialect, 2 or 3 (default 3); every Python 2 file
 *                      of the corpus says `python 2`
 *   scenario NAME      the built-in scenario the program is (informational)
 *   options ARGS       run options, as for `threadsim run` (--max-time 30...)
 *   args WORDS         the program's arguments (sys.argv[1:]), split at spaces
 *   exit N             the expected exit status (default 0)
 *   cpython-timeout S  for tools/oracle.sh only (ignored here)
 * Other words are ignored (comments that happen to start the same way stay
 * harmless); a malformed `python` or `exit` argument is an error.
 *
 * Plain C, libc only: no model or store types.
 */
#ifndef TS_PYDIRECTIVE_H
#define TS_PYDIRECTIVE_H

#include <stddef.h>

#define TS_PYDIR_MAX_ARGS 32

typedef struct ts_pydirectives {
    int python;          /* 2 or 3: the `python` directive, else 3 */
    char scenario[128];  /* the `scenario` directive's first word, "" if none */
    char options[512];   /* the `options` directive's text, "" if none */
    char args[512];      /* the `args` directive's text, "" if none */
    int exit_status;     /* the `exit` directive, else 0 */
} ts_pydirectives;

/* Read the directives of the program text `src` (NUL-terminated) into *d.
 * Returns 0, or -1 with a one-line reason in err (errlen bytes, may be 0)
 * on a malformed `python` or `exit` directive or an overlong line. */
int ts_pydirectives_parse(const char *src, ts_pydirectives *d, char *err, size_t errlen);

/* Split `s` in place into whitespace-separated words: argv[0..n) point into
 * s (at most `max` of them). Returns n, or -1 if there are more than max. */
int ts_pydirectives_split(char *s, char **argv, int max);

#endif
