/* traces/trace.c — in-memory traces and their text views (see trace.h). */
#include "trace.h"

#include "../sim/num.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void *trace__xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fputs("threadsim: out of memory\n", stderr);
        abort();
    }
    return q;
}

static char *trace__dup(const char *s, size_t n)
{
    char *p = trace__xrealloc(NULL, n + 1);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void trace_init(trace *t) { memset(t, 0, sizeof *t); }

void trace_fini(trace *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->ev[i].reason);
        free(t->ev[i].text);
    }
    free(t->ev);
    trace_init(t);
}

void trace_add(trace *t, const sim_event *ev)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->ev = trace__xrealloc(t->ev, t->cap * sizeof *t->ev);
    }
    trace_event *e = &t->ev[t->n++];
    e->seq = ev->seq;
    e->time = ev->time;
    e->kind = ev->kind;
    e->thread = ev->thread;
    e->other = ev->other;
    e->obj = ev->obj;
    e->arg = ev->arg;
    e->reason = ev->reason ? trace__dup(ev->reason, strlen(ev->reason)) : NULL;
    e->text = ev->text ? trace__dup(ev->text, ev->len) : NULL;
    e->len = ev->text ? ev->len : 0;
}

void trace_sink(void *ud, const sim_event *ev) { trace_add(ud, ev); }

sim_event trace_event_view(const trace_event *e)
{
    sim_event ev = {.seq = e->seq, .time = e->time, .kind = e->kind, .thread = e->thread,
                    .other = e->other, .obj = e->obj, .arg = e->arg, .reason = e->reason,
                    .text = e->text, .len = e->len};
    return ev;
}

/* ---- names ------------------------------------------------------------- */

void trace_names_init(trace_names *nm) { memset(nm, 0, sizeof *nm); }

void trace_names_fini(trace_names *nm)
{
    for (uint32_t i = 0; i < nm->n; i++)
        free(nm->name[i]);
    free(nm->name);
    trace_names_init(nm);
}

static void names__set(trace_names *nm, uint32_t id, const char *s, size_t n)
{
    if (id == SIM_NONE || id >= TRACE_MAX_THREAD_ID)
        return;
    if (id >= nm->n) {
        uint32_t cap = id + 1;
        nm->name = trace__xrealloc(nm->name, cap * sizeof *nm->name);
        for (uint32_t i = nm->n; i < cap; i++)
            nm->name[i] = NULL;
        nm->n = cap;
    }
    free(nm->name[id]);
    nm->name[id] = trace__dup(s, n);
}

void trace_names_see(trace_names *nm, const sim_event *ev)
{
    if (!ev->text)
        return;
    if (ev->kind == SIM_EV_CREATE ||
        (ev->kind == SIM_EV_NOTE && ev->reason && strcmp(ev->reason, "rename") == 0))
        names__set(nm, ev->other, ev->text, ev->len);
}

const char *trace_names_get(const trace_names *nm, uint32_t id)
{
    static _Thread_local char unknown[16];
    if (id == SIM_NONE)
        return "-";
    if (id < nm->n && nm->name[id])
        return nm->name[id];
    snprintf(unknown, sizeof unknown, "#%" PRIu32, id);
    return unknown;
}

/* ---- the full view ----------------------------------------------------- */

/* Decimal digits of v, right-aligned in at least `width` columns (padded
 * with `fill`). The full view is formatted for every recorded event (its
 * bytes are what the trace hash covers), so this avoids printf. */
static void fmt__u64(sim_buf *b, uint64_t v, int width, char fill)
{
    char tmp[48];             /* digits right-aligned at the end, fill before them */
    char *end = tmp + sizeof tmp, *p = end;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (end - p < width && p > tmp)
        *--p = fill;
    sim_buf_add(b, p, (size_t)(end - p));
}

/* s padded with blanks to at least `width` columns. */
static void fmt__left(sim_buf *b, const char *s, size_t width)
{
    size_t n = strlen(s);
    sim_buf_add(b, s, n);
    for (; n < width; n++)
        sim_buf_addc(b, ' ');
}

void trace_fmt_time(sim_buf *b, int64_t ns)
{
    uint64_t u = (uint64_t)ns;
    if (ns < 0) {
        sim_buf_addc(b, '-');
        u = -(uint64_t)ns;
    }
    fmt__u64(b, u / 1000000000u, 1, '0');
    sim_buf_addc(b, '.');
    fmt__u64(b, u % 1000000000u, 9, '0');
}

static void fmt__quoted(sim_buf *b, const char *s, size_t n)
{
    sim_buf_addc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': sim_buf_adds(b, "\\\""); break;
        case '\\': sim_buf_adds(b, "\\\\"); break;
        case '\n': sim_buf_adds(b, "\\n"); break;
        case '\r': sim_buf_adds(b, "\\r"); break;
        case '\t': sim_buf_adds(b, "\\t"); break;
        default:
            if (c < 0x20 || c == 0x7f)
                sim_buf_printf(b, "\\x%02x", c);
            else
                sim_buf_addc(b, (char)c);
        }
    }
    sim_buf_addc(b, '"');
}

void trace_fmt_until(sim_buf *b, int64_t deadline)
{
    if (deadline >= SIM_TIME_END) {
        sim_buf_adds(b, "past the end of time");
        return;
    }
    sim_buf_adds(b, "until ");
    trace_fmt_time(b, deadline);
}

static void fmt__until(sim_buf *b, int64_t deadline)
{
    if (deadline >= 0) {
        sim_buf_addc(b, ' ');
        trace_fmt_until(b, deadline);
    }
}

static void fmt__wait(sim_buf *b, const sim_event *ev)
{
    sim_buf_adds(b, ev->reason ? ev->reason : "?");
    if (ev->text && ev->len) {
        sim_buf_addc(b, ' ');
        sim_buf_add(b, ev->text, ev->len);
    }
}

void trace_fmt_line(sim_buf *b, const trace_names *nm, const sim_event *ev)
{
    trace_fmt_time(b, ev->time);
    sim_buf_addc(b, ' ');
    fmt__u64(b, ev->seq, 6, ' ');
    sim_buf_addc(b, ' ');
    fmt__left(b, trace_names_get(nm, ev->thread), 10);
    sim_buf_addc(b, ' ');
    fmt__left(b, sim_ev_kind_name(ev->kind), 8);
    sim_buf_addc(b, ' ');
    switch (ev->kind) {
    case SIM_EV_CREATE:
    case SIM_EV_START:
        sim_buf_adds(b, trace_names_get(nm, ev->other));
        if (ev->arg)
            sim_buf_adds(b, " (daemon)");
        break;
    case SIM_EV_SWITCH:
        sim_buf_adds(b, "-> ");
        sim_buf_adds(b, trace_names_get(nm, ev->other));
        break;
    case SIM_EV_BLOCK:
        fmt__wait(b, ev);
        fmt__until(b, ev->arg);
        break;
    case SIM_EV_WAKE:
        sim_buf_printf(b, "%s (%s)", trace_names_get(nm, ev->other),
                       ev->reason ? ev->reason : "woken");
        break;
    case SIM_EV_TIMEOUT:
        fmt__wait(b, ev);
        break;
    case SIM_EV_OUTPUT:
        sim_buf_adds(b, ev->arg == 2 ? "stderr " : "stdout ");
        fmt__quoted(b, ev->text ? ev->text : "", ev->len);
        break;
    case SIM_EV_KILLED:
        if (ev->reason && strcmp(ev->reason, "sleep") == 0) {
            sim_buf_adds(b, "sleeping");
        } else if (ev->reason && (strcmp(ev->reason, "ready") == 0 ||
                                  strcmp(ev->reason, "running") == 0)) {
            sim_buf_adds(b, ev->reason);
        } else {
            sim_buf_adds(b, "waiting on ");
            fmt__wait(b, ev);
        }
        fmt__until(b, ev->arg);
        break;
    case SIM_EV_PREEMPT:
        if (ev->arg == 0 && ev->reason) {
            sim_buf_adds(b, "by the ");
            sim_buf_adds(b, ev->reason);
        } else {
            sim_buf_adds(b, "switch interval ");
            trace_fmt_time(b, ev->arg);
        }
        break;
    case SIM_EV_NOTE:
        if (ev->reason && strcmp(ev->reason, "rename") == 0) {
            sim_buf_printf(b, "rename %s", trace_names_get(nm, ev->other));
            break;
        }
        /* fall through */
    default:
        if (ev->text)
            sim_buf_add(b, ev->text, ev->len);
        else if (ev->reason)
            sim_buf_adds(b, ev->reason);
        break;
    }
    /* no trailing blanks */
    while (b->len && b->p[b->len - 1] == ' ')
        b->p[--b->len] = '\0';
    sim_buf_addc(b, '\n');
}

char *trace_output_text(const trace *t, size_t *len)
{
    sim_buf b = {0};
    for (size_t i = 0; i < t->n; i++)
        if (t->ev[i].kind == SIM_EV_OUTPUT && t->ev[i].text)
            sim_buf_add(&b, t->ev[i].text, t->ev[i].len);
    if (len)
        *len = b.len;
    return sim_buf_take(&b);
}

char *trace_full_text(const trace *t, size_t *len)
{
    sim_buf b = {0};
    trace_names nm;
    trace_names_init(&nm);
    for (size_t i = 0; i < t->n; i++) {
        sim_event ev = trace_event_view(&t->ev[i]);
        trace_names_see(&nm, &ev);
        trace_fmt_line(&b, &nm, &ev);
    }
    trace_names_fini(&nm);
    if (len)
        *len = b.len;
    return sim_buf_take(&b);
}

void trace_write_output(const trace *t, FILE *f)
{
    size_t n;
    char *s = trace_output_text(t, &n);
    fwrite(s, 1, n, f);
    free(s);
}

void trace_write_full(const trace *t, FILE *f)
{
    size_t n;
    char *s = trace_full_text(t, &n);
    fwrite(s, 1, n, f);
    free(s);
}
