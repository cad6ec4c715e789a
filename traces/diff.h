/*
 * traces/diff.h — line diffs of trace views: the first difference and a
 * unified diff around it.
 *
 * Two texts (full views of two runs, or an output view and an expected file)
 * are split into lines, each with its '\n'. Lines are compared as bytes. The
 * result names the first line that differs, and optionally renders a unified
 * diff in GNU `diff -u` format ("--- A", "+++ B", "@@ -l,n +l,n @@", "\ No
 * newline at end of file"), without timestamps.
 *
 * Cost: the common prefix and suffix are stripped in linear time; what lies
 * between is aligned by a longest-common-subsequence table, quadratic in its
 * size. That middle is therefore capped at `window` lines per side: a longer
 * one is diffed over its first `window` lines only, only the first hunk is
 * shown, and the result says it was truncated. Traces that differ slightly
 * (the usual CI case) get a complete diff.
 */
#ifndef TRACES_DIFF_H
#define TRACES_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "../sim/buf.h"

typedef struct trace_diff_opts {
    const char *label_a;    /* "--- " line; NULL: "a" */
    const char *label_b;    /* "+++ " line; NULL: "b" */
    unsigned context;       /* lines of context around changes (GNU's default: 3) */
    size_t window;          /* max lines per side aligned after the prefix; 0: 1000 */
    size_t max_lines;       /* max diff body lines printed; 0: no limit */
} trace_diff_opts;

/* The default options: labels "a" and "b", 3 lines of context, window 1000,
 * at most 400 body lines. */
trace_diff_opts trace_diff_opts_default(void);

typedef struct trace_diff {
    bool same;              /* the texts are byte-identical */
    size_t first;           /* 0-based index of the first differing line */
    size_t na, nb;          /* lines in a and b */
    const char *line_a;     /* the first differing line in a (into a), NULL if a ended */
    size_t len_a;           /* its bytes, '\n' included */
    const char *line_b;     /* the same for b */
    size_t len_b;
    bool truncated;         /* the diff covers only part of the differences */
} trace_diff;

/* Compare a and b. If they differ and `out` is not NULL, append a unified
 * diff to it. Always fills `res`. Returns res->same. */
bool trace_diff_text(const char *a, size_t alen, const char *b, size_t blen,
                     const trace_diff_opts *o, sim_buf *out, trace_diff *res);

/* The report `diff`, `check` and `replay` print. If a and b differ, append
 * to `out`:
 *
 *   first difference at event N:      (full views: line N is event N;
 *     - <a's line>                     output views say "line N")
 *     + <b's line>                     ("(ends after N events)" for a side
 *   --- label_a                         that has no such line)
 *   +++ label_b
 *   @@ ... the unified diff
 *
 * and return false; if they are the same append nothing and return true. */
bool trace_diff_report(const char *a, size_t alen, const char *b, size_t blen,
                       const trace_diff_opts *o, bool full, sim_buf *out);

#endif
