/*
 * traces/diff.c — first difference and unified diff (see diff.h).
 *
 * Steps: split both texts into lines; strip the common prefix and suffix;
 * align the middle (at most `window` lines a side) with an LCS table of
 * uint16 lengths; turn the alignment into a list of operations (' ', '-',
 * '+') bracketed by up to `context` equal lines from the prefix and suffix;
 * group operations into hunks, merging changes less than 2*context lines
 * apart, as GNU diff does.
 *
 * Rejected: Myers' O(ND) algorithm. It is faster on long, similar inputs, but
 * after prefix/suffix stripping the middles here are short, and the table is
 * simpler to get right and bounded by the window.
 */
#include "diff.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct diff__lines {
    const char **p;         /* start of each line */
    size_t *len;            /* bytes, '\n' included if present */
    size_t n;
} diff__lines;

typedef struct diff__op {
    char tag;               /* ' ', '-' or '+' */
    size_t a, b;            /* line index in a and b: of the line itself ('-': a,
                               '+': b, ' ': both), else where the cursor stands */
} diff__op;

typedef struct diff__ops {
    diff__op *v;
    size_t n, cap;
} diff__ops;

static void *diff__xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("threadsim: out of memory\n", stderr);
        abort();
    }
    return q;
}

trace_diff_opts trace_diff_opts_default(void)
{
    trace_diff_opts o = {.label_a = "a", .label_b = "b", .context = 3, .window = 1000,
                         .max_lines = 400};
    return o;
}

static void diff__split(const char *s, size_t n, diff__lines *l)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n')
            count++;
    if (n && s[n - 1] != '\n')
        count++;
    l->p = diff__xrealloc(NULL, count * sizeof *l->p);
    l->len = diff__xrealloc(NULL, count * sizeof *l->len);
    l->n = 0;
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n') {
            l->p[l->n] = s + start;
            l->len[l->n++] = i + 1 - start;
            start = i + 1;
        }
    }
    if (start < n) {
        l->p[l->n] = s + start;
        l->len[l->n++] = n - start;
    }
}

static void diff__lines_free(diff__lines *l)
{
    free(l->p);
    free(l->len);
}

static bool diff__eq(const diff__lines *a, size_t i, const diff__lines *b, size_t j)
{
    return a->len[i] == b->len[j] && memcmp(a->p[i], b->p[j], a->len[i]) == 0;
}

static void diff__push(diff__ops *ops, char tag, size_t a, size_t b)
{
    if (ops->n == ops->cap) {
        ops->cap = ops->cap ? ops->cap * 2 : 64;
        ops->v = diff__xrealloc(ops->v, ops->cap * sizeof *ops->v);
    }
    ops->v[ops->n++] = (diff__op){tag, a, b};
}

/* Align a[pa, pa+ma) with b[pb, pb+mb) and append the operations. */
static void diff__align(const diff__lines *a, size_t pa, size_t ma, const diff__lines *b,
                        size_t pb, size_t mb, diff__ops *ops)
{
    size_t w = mb + 1;
    uint16_t *L = diff__xrealloc(NULL, (ma + 1) * w * sizeof *L);
    for (size_t i = ma + 1; i-- > 0;) {
        for (size_t j = mb + 1; j-- > 0;) {
            uint16_t v;
            if (i == ma || j == mb)
                v = 0;
            else if (diff__eq(a, pa + i, b, pb + j))
                v = (uint16_t)(L[(i + 1) * w + j + 1] + 1);
            else {
                uint16_t down = L[(i + 1) * w + j], right = L[i * w + j + 1];
                v = down > right ? down : right;
            }
            L[i * w + j] = v;
        }
    }
    size_t i = 0, j = 0;
    while (i < ma && j < mb) {
        if (diff__eq(a, pa + i, b, pb + j)) {
            diff__push(ops, ' ', pa + i, pb + j);
            i++, j++;
        } else if (L[(i + 1) * w + j] >= L[i * w + j + 1]) {
            diff__push(ops, '-', pa + i, pb + j);
            i++;
        } else {
            diff__push(ops, '+', pa + i, pb + j);
            j++;
        }
    }
    for (; i < ma; i++)
        diff__push(ops, '-', pa + i, pb + j);
    for (; j < mb; j++)
        diff__push(ops, '+', pa + i, pb + j);
    free(L);
}

static void diff__line(sim_buf *out, char tag, const char *p, size_t len)
{
    sim_buf_addc(out, tag);
    sim_buf_add(out, p, len);
    if (len == 0 || p[len - 1] != '\n')
        sim_buf_adds(out, "\n\\ No newline at end of file\n");
}

static void diff__range(sim_buf *out, char sign, size_t start, size_t count)
{
    /* GNU: a range of one line is just its number; an empty range names the
     * line before it. */
    if (count == 1)
        sim_buf_printf(out, "%c%zu", sign, start + 1);
    else
        sim_buf_printf(out, "%c%zu,%zu", sign, count ? start + 1 : start, count);
}

/* Print ops[from, to) as one hunk. */
static void diff__hunk(sim_buf *out, const diff__ops *ops, size_t from, size_t to,
                       const diff__lines *a, const diff__lines *b)
{
    size_t na = 0, nb = 0;
    for (size_t k = from; k < to; k++) {
        na += ops->v[k].tag != '+';
        nb += ops->v[k].tag != '-';
    }
    size_t sa = ops->v[from].a, sb = ops->v[from].b;
    sim_buf_adds(out, "@@ ");
    diff__range(out, '-', sa, na);
    sim_buf_addc(out, ' ');
    diff__range(out, '+', sb, nb);
    sim_buf_adds(out, " @@\n");
    for (size_t k = from; k < to; k++) {
        const diff__op *op = &ops->v[k];
        if (op->tag == '+')
            diff__line(out, '+', b->p[op->b], b->len[op->b]);
        else
            diff__line(out, op->tag, a->p[op->a], a->len[op->a]);
    }
}

bool trace_diff_text(const char *a, size_t alen, const char *b, size_t blen,
                     const trace_diff_opts *o, sim_buf *out, trace_diff *res)
{
    trace_diff_opts opt = o ? *o : trace_diff_opts_default();
    if (!opt.window)
        opt.window = 1000;
    if (opt.window > 60000)
        opt.window = 60000; /* LCS lengths are uint16 */
    memset(res, 0, sizeof *res);
    diff__lines la, lb;
    diff__split(a, alen, &la);
    diff__split(b, blen, &lb);
    res->na = la.n;
    res->nb = lb.n;

    size_t p = 0;
    while (p < la.n && p < lb.n && diff__eq(&la, p, &lb, p))
        p++;
    res->first = p;
    if (p == la.n && p == lb.n) {
        res->same = true;
        goto done;
    }
    if (p < la.n)
        res->line_a = la.p[p], res->len_a = la.len[p];
    if (p < lb.n)
        res->line_b = lb.p[p], res->len_b = lb.len[p];
    if (!out)
        goto done;

    size_t s = 0;
    while (s < la.n - p && s < lb.n - p && diff__eq(&la, la.n - 1 - s, &lb, lb.n - 1 - s))
        s++;
    size_t ma = la.n - s - p, mb = lb.n - s - p;
    if (ma > opt.window || mb > opt.window) {
        res->truncated = true;
        ma = ma > opt.window ? opt.window : ma;
        mb = mb > opt.window ? opt.window : mb;
    }

    diff__ops ops = {0};
    size_t c = opt.context;
    for (size_t i = p > c ? p - c : 0; i < p; i++)
        diff__push(&ops, ' ', i, i);
    diff__align(&la, p, ma, &lb, p, mb, &ops);
    if (!res->truncated)
        for (size_t k = 0; k < s && k < c; k++)
            diff__push(&ops, ' ', la.n - s + k, lb.n - s + k);

    sim_buf_printf(out, "--- %s\n+++ %s\n", opt.label_a ? opt.label_a : "a",
                   opt.label_b ? opt.label_b : "b");
    /* Hunks: a change, with up to c equal lines on each side; changes at most
     * 2c equal lines apart share a hunk. */
    size_t printed = 0;
    size_t k = 0;
    while (k < ops.n) {
        while (k < ops.n && ops.v[k].tag == ' ')
            k++;
        if (k == ops.n)
            break;
        size_t from = k >= c ? k - c : 0;
        /* `from` must not reach back into the previous hunk: hunks are
         * printed in order and merged below, so this holds. */
        size_t end = k; /* one past the last change */
        for (;;) {
            while (end < ops.n && ops.v[end].tag != ' ')
                end++;
            size_t eq = end;
            while (eq < ops.n && ops.v[eq].tag == ' ')
                eq++;
            if (eq < ops.n && eq - end <= 2 * c)
                end = eq;
            else
                break;
        }
        size_t to = end + c < ops.n ? end + c : ops.n;
        if (opt.max_lines && printed + (to - from) > opt.max_lines) {
            to = from + (opt.max_lines > printed ? opt.max_lines - printed : 0);
            res->truncated = true;
        }
        if (to > from)
            diff__hunk(out, &ops, from, to, &la, &lb);
        printed += to - from;
        k = to;
        if (res->truncated)
            break;
    }
    if (res->truncated)
        sim_buf_adds(out, "... (diff truncated: only the first differences are shown)\n");
    free(ops.v);
done:
    diff__lines_free(&la);
    diff__lines_free(&lb);
    return res->same;
}

static void diff__quote(sim_buf *out, char sign, const char *line, size_t len, bool full,
                        size_t n)
{
    sim_buf_printf(out, "  %c ", sign);
    if (!line) {
        sim_buf_printf(out, "(ends after %zu %s%s)\n", n, full ? "event" : "line",
                       n == 1 ? "" : "s");
        return;
    }
    sim_buf_add(out, line, len);
    if (len == 0 || line[len - 1] != '\n')
        sim_buf_addc(out, '\n');
}

bool trace_diff_report(const char *a, size_t alen, const char *b, size_t blen,
                       const trace_diff_opts *o, bool full, sim_buf *out)
{
    sim_buf body = {0};
    trace_diff d;
    if (trace_diff_text(a, alen, b, blen, o, &body, &d)) {
        sim_buf_free(&body);
        return true;
    }
    sim_buf_printf(out, "first difference at %s %zu:\n", full ? "event" : "line", d.first + 1);
    diff__quote(out, '-', d.line_a, d.len_a, full, d.na);
    diff__quote(out, '+', d.line_b, d.len_b, full, d.nb);
    sim_buf_add(out, sim_buf_str(&body), body.len);
    sim_buf_free(&body);
    return false;
}
