/*
 * tools/step_view.c — what a stop looks like (see "the screen" in step.h).
 *
 * The view is built as a list of lines, each a label (the left column) and a
 * text, with at most one coloured range; then cut to the screen: lines are
 * shortened to `cols` characters (counting UTF-8 code points, colour codes
 * added after the cut), and sections shrink to `rows` in a fixed order of
 * sacrifice: output first (keeping its last lines), then timers, then
 * threads. Every word of it is derived from the stepper's stop, so a script
 * driving the stepper gets the same text on every run.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "step.h"

#define VIEW_LABEL 8              /* width of the label column */
#define VIEW_SCRIPT_OUTPUT 8      /* output lines shown without a row limit */

typedef struct view_line {
    char label[VIEW_LABEL + 1];
    char *text;                   /* owned */
    const char *color;            /* ANSI SGR for [c0, c1) of text, or NULL */
    size_t c0, c1;
} view_line;

typedef struct view_lines {
    view_line *l;
    size_t n, cap;
} view_lines;

static view_line *view__add(view_lines *ls, const char *label, const char *text)
{
    if (ls->n == ls->cap) {
        ls->cap = ls->cap ? ls->cap * 2 : 16;
        ls->l = realloc(ls->l, ls->cap * sizeof *ls->l);
        if (!ls->l)
            abort();
    }
    view_line *l = &ls->l[ls->n++];
    memset(l, 0, sizeof *l);
    snprintf(l->label, sizeof l->label, "%s", label ? label : "");
    l->text = strdup(text);
    if (!l->text)
        abort();
    return l;
}

static void view__free(view_lines *ls)
{
    for (size_t i = 0; i < ls->n; i++)
        free(ls->l[i].text);
    free(ls->l);
    memset(ls, 0, sizeof *ls);
}

static const char *view__state_color(trace_st s)
{
    switch (s) {
    case TRACE_ST_RUNNING: return "32";
    case TRACE_ST_READY: return "33";
    case TRACE_ST_BLOCKED: return "31";
    case TRACE_ST_SLEEPING: return "34";
    case TRACE_ST_DONE: return "2";
    case TRACE_ST_KILLED: return "35";
    default: return NULL;
    }
}

static void view__time(sim_buf *b, int64_t ns) { trace_fmt_time(b, ns); }

/* "blocked: join Thread daemon, held by X (until T)" and friends. */
static void view__state(sim_buf *b, const ts_step *sp, uint32_t id, const trace_thread *t)
{
    const char *holder = id < sp->nholder ? sp->holder[id] : NULL;
    switch (t->state) {
    case TRACE_ST_NEW:
        sim_buf_adds(b, "new (not started)");
        break;
    case TRACE_ST_SLEEPING:
        sim_buf_adds(b, "sleeping ");
        trace_fmt_until(b, t->deadline);
        break;
    case TRACE_ST_BLOCKED:
        sim_buf_printf(b, "blocked: %s", t->reason ? t->reason : "?");
        if (t->what)
            sim_buf_printf(b, " %s", t->what);
        if (holder)
            sim_buf_printf(b, ", held by %s", holder);
        if (t->deadline >= 0) {
            sim_buf_adds(b, " (");
            trace_fmt_until(b, t->deadline);
            sim_buf_addc(b, ')');
        }
        break;
    case TRACE_ST_DONE:
        sim_buf_adds(b, "finished");
        if (t->exit_how && strcmp(t->exit_how, "returned") != 0)
            sim_buf_printf(b, " (%s)", t->exit_how);
        break;
    case TRACE_ST_KILLED:
        sim_buf_adds(b, "killed");
        if (t->reason && strcmp(t->reason, "sleep") == 0) {
            sim_buf_adds(b, " while sleeping ");
            trace_fmt_until(b, t->deadline);
        } else if (t->reason) {
            sim_buf_printf(b, " while blocked: %s%s%s", t->reason, t->what ? " " : "",
                           t->what ? t->what : "");
        }
        break;
    default:
        sim_buf_adds(b, trace_st_name(t->state));
        break;
    }
}

static const char *view__name(const ts_step *sp, uint32_t id)
{
    const trace_thread *t = trace_states_get(&sp->st, id);
    return t && t->name ? t->name : "?";
}

static void view__threads(view_lines *ls, const ts_step *sp)
{
    size_t w = 4;
    for (uint32_t i = 0; i < sp->st.n; i++)
        if (sp->st.th[i].known && strlen(sp->st.th[i].name) > w)
            w = strlen(sp->st.th[i].name);
    if (w > 16)
        w = 16;
    sim_buf b = {0};
    bool first = true;
    for (uint32_t i = 0; i < sp->st.n; i++) {
        const trace_thread *t = &sp->st.th[i];
        if (!t->known)
            continue;
        sim_buf_clear(&b);
        sim_buf_printf(&b, "#%" PRIu32 " %-*s ", i, (int)w, t->name);
        size_t c0 = b.len;
        view__state(&b, sp, i, t);
        size_t c1 = b.len;
        int line = t->at ? ts_step_note_line(t->at, strlen(t->at)) : 0;
        if (line && t->state != TRACE_ST_DONE && t->state != TRACE_ST_KILLED)
            sim_buf_printf(&b, "  line %d", line);
        if (t->daemon)
            sim_buf_adds(&b, "  (daemon)");
        view_line *l = view__add(ls, first ? "threads" : "", b.p);
        l->color = view__state_color(t->state);
        l->c0 = c0, l->c1 = c1;
        first = false;
    }
    if (first)
        view__add(ls, "threads", "(none yet)");
    sim_buf_free(&b);
}

/* "source  #0 MainThread, line 22: d.join()" for a Python program. */
static void view__source(view_lines *ls, const ts_step *sp, const ts_step_view *v)
{
    if (!v->src || !sp->tr.n)
        return;
    uint32_t id = sp->st.running;
    if (id == SIM_NONE)
        id = sp->tr.ev[sp->tr.n - 1].thread;
    const trace_thread *t = trace_states_get(&sp->st, id);
    int line = t && t->at ? ts_step_note_line(t->at, strlen(t->at)) : 0;
    if (!line || t->state == TRACE_ST_DONE || t->state == TRACE_ST_KILLED)
        return;
    const char *p = v->src, *end = v->src + v->src_len;
    for (int k = 1; k < line && p < end; k++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    const char *e = memchr(p, '\n', (size_t)(end - p));
    if (!e)
        e = end;
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    sim_buf b = {0};
    sim_buf_printf(&b, "#%" PRIu32 " %s, line %d: %.*s", id, t->name ? t->name : "?", line,
                   (int)(e - p), p);
    view__add(ls, "source", b.p);
    sim_buf_free(&b);
}

static void view__timers(view_lines *ls, const ts_step *sp)
{
    size_t n = trace_states_timers(&sp->st, NULL, 0);
    if (!n)
        return;
    trace_timer *tm = calloc(n, sizeof *tm);
    if (!tm)
        abort();
    trace_states_timers(&sp->st, tm, n);
    sim_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        const trace_thread *t = trace_states_get(&sp->st, tm[i].thread);
        sim_buf_clear(&b);
        view__time(&b, tm[i].when);
        sim_buf_printf(&b, "  #%" PRIu32 " %s: ", tm[i].thread, view__name(sp, tm[i].thread));
        if (t->state == TRACE_ST_SLEEPING)
            sim_buf_adds(&b, "sleep ends");
        else
            sim_buf_printf(&b, "%s%s%s times out", t->reason ? t->reason : "wait",
                           t->what ? " " : "", t->what ? t->what : "");
        view__add(ls, i ? "" : "timers", b.p);
    }
    sim_buf_free(&b);
    free(tm);
}

/* Split the output into lines (a last line without '\n' counts). */
static size_t view__output(view_lines *ls, const ts_step *sp)
{
    size_t len;
    char *out = ts_step_output(sp, &len);
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && out[j] != '\n')
            j++;
        char save = out[j < len ? j : len];
        out[j < len ? j : len] = '\0';
        view__add(ls, "", out + i);
        if (j < len)
            out[j] = save;
        n++;
        i = j + 1;
    }
    free(out);
    return n;
}

/* The goal line: reached, on track (a prefix of the goal), or off. */
static void view__goal(view_lines *ls, const ts_step *sp, const ts_step_view *v)
{
    size_t len;
    char *out = ts_step_output(sp, &len);
    sim_buf b = {0};
    size_t lines = 0, goal_lines = 0;
    for (size_t i = 0; i < v->goal_len; i++)
        goal_lines += v->goal[i] == '\n';
    if (v->goal_len && v->goal[v->goal_len - 1] != '\n')
        goal_lines++;
    const char *color = NULL;
    if (len == v->goal_len && memcmp(out, v->goal, len) == 0) {
        sim_buf_printf(&b, "REACHED: the output so far is exactly %s", v->goal_name);
        color = "1;32";
    } else if (len < v->goal_len && memcmp(out, v->goal, len) == 0) {
        for (size_t i = 0; i < len; i++)
            lines += out[i] == '\n';
        sim_buf_printf(&b, "on track: %zu of %zu lines of %s so far", lines, goal_lines,
                       v->goal_name);
    } else {
        size_t i = 0, line = 1;
        while (i < len && i < v->goal_len && out[i] == v->goal[i])
            line += out[i++] == '\n';
        sim_buf_printf(&b, "off: output line %zu differs from %s", line, v->goal_name);
        color = "33";
    }
    view_line *l = view__add(ls, "goal", b.p);
    l->color = color;
    l->c0 = 0, l->c1 = b.len;
    sim_buf_free(&b);
    free(out);
}

bool ts_step_goal_reached(const ts_step *sp, const ts_step_view *v)
{
    if (!v->goal)
        return false;
    size_t len;
    char *out = ts_step_output(sp, &len);
    bool eq = len == v->goal_len && memcmp(out, v->goal, len) == 0;
    free(out);
    return eq;
}

static void view__footer(view_lines *ls, const ts_step *sp, const ts_step_view *v)
{
    sim_buf b = {0};
    if (sp->pending) {
        const ts_step_dec *ahead = sp->pending_k < sp->npath ? &sp->path[sp->pending_k] : NULL;
        sim_buf_printf(&b, "%" PRIu32 " can run:", sp->nready);
        for (uint32_t i = 0; i < sp->nready; i++) {
            sim_buf_printf(&b, "%s #%" PRIu32 " %s", i ? "," : "", sp->ready[i],
                           view__name(sp, sp->ready[i]));
            if (ahead ? ahead->thread == sp->ready[i] : i == sp->pending_default)
                sim_buf_adds(&b, ahead ? " (your path)" : " (default)");
        }
        view_line *l = view__add(ls, "next", b.p);
        l->color = "1", l->c0 = 0, l->c1 = b.len;
        view__add(ls, "", "'choose N' runs #N; 'step' takes the one marked");
    } else if (sp->at_end) {
        const char *h = sp->outcome == MODEL_OUT_DEADLOCK  ? "deadlock"
                      : sp->outcome == MODEL_OUT_LIMIT     ? "a run limit stopped it"
                      : sp->outcome == MODEL_OUT_EXCEPTION ? "an exception ended main"
                      : sp->outcome == MODEL_OUT_EXIT      ? "the program finished"
                                                           : "the engine failed";
        sim_buf_printf(&b, "%s: exit status %d  ('back' or 'restart' to explore)", h, sp->status);
        view_line *l = view__add(ls, "end", b.p);
        l->color = sp->status ? "1;31" : "1";
        l->c0 = 0, l->c1 = strlen(h);
    }
    if (v->goal)
        view__goal(ls, sp, v);
    if (sp->diverged) {
        sim_buf_clear(&b);
        sim_buf_printf(&b, "the path no longer fits the program (%s); FIFO from there", sp->why);
        view_line *l = view__add(ls, "warning", b.p);
        l->color = "33", l->c0 = 0, l->c1 = b.len;
    }
    if (v->msg && *v->msg)
        view__add(ls, "", v->msg);
    sim_buf_free(&b);
}

/* Append `l` cut to `cols` code points, with its colour; `labelled`: after
 * the label column (the header line has none). */
static void view__emit(sim_buf *out, const view_line *l, const ts_step_view *v, bool labelled)
{
    size_t lw = labelled ? VIEW_LABEL : 0;
    if (labelled)
        sim_buf_printf(out, "%-*s", VIEW_LABEL, l->label);
    size_t room = v->cols > (int)lw ? (size_t)v->cols - lw : 0;
    const char *s = l->text;
    size_t n = strlen(s), cut = 0, cps = 0;
    while (cut < n && cps < room) {
        cut++;
        while (cut < n && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut++;
        cps++;
    }
    if (cut < n && cut > 0) { /* mark the cut with '>' in the last column */
        size_t back = cut - 1;
        while (back > 0 && ((unsigned char)s[back] & 0xC0) == 0x80)
            back--;
        cut = back;
    }
    size_t c0 = l->c0 < cut ? l->c0 : cut, c1 = l->c1 < cut ? l->c1 : cut;
    bool color = v->color && l->color && c1 > c0;
    sim_buf_add(out, s, color ? c0 : cut);
    if (color) {
        sim_buf_printf(out, "\033[%sm", l->color);
        sim_buf_add(out, s + c0, c1 - c0);
        sim_buf_adds(out, "\033[0m");
        sim_buf_add(out, s + c1, cut - c1);
    }
    if (cut < n)
        sim_buf_addc(out, '>');
    /* no trailing blanks */
    while (out->len && out->p[out->len - 1] == ' ')
        out->p[--out->len] = '\0';
    sim_buf_addc(out, '\n');
}

void ts_step_render(sim_buf *out, const ts_step *sp, const ts_step_view *v)
{
    view_lines head = {0}, th = {0}, tm = {0}, op = {0}, foot = {0};
    sim_buf b = {0};
    size_t nd = ts_step_decisions_before(sp);
    sim_buf_printf(&b, "threadsim step %s · event %" PRIu64 " · t=", sp->name, sp->pos);
    view__time(&b, sp->st.now);
    sim_buf_printf(&b, " · %zu decision%s", nd, nd == 1 ? "" : "s");
    view_line *l = view__add(&head, "", b.p);
    l->color = "7", l->c0 = 0, l->c1 = b.len;
    sim_buf_clear(&b);
    if (sp->pos == 0) {
        sim_buf_adds(&b, "nothing has run yet: 'step' starts the program");
    } else {
        trace_names nm;
        trace_names_init(&nm);
        for (size_t i = 0; i < sp->tr.n; i++) {
            sim_event ev = trace_event_view(&sp->tr.ev[i]);
            trace_names_see(&nm, &ev);
        }
        sim_event ev = trace_event_view(&sp->tr.ev[sp->tr.n - 1]);
        sim_buf line = {0}, when = {0};
        trace_fmt_line(&line, &nm, &ev);
        /* "TIME SEQ THREAD KIND DETAIL" with padded columns (trace.h): keep the
         * detail, without the time (the header has it) or the padding */
        trace_fmt_time(&when, ev.time);
        const char *who = trace_names_get(&nm, ev.thread), *kind = sim_ev_kind_name(ev.kind);
        char seq[24];
        snprintf(seq, sizeof seq, "%" PRIu64, ev.seq);
        size_t skip = when.len + 1 + (strlen(seq) > 6 ? strlen(seq) : 6) + 1 +
                      (strlen(who) > 10 ? strlen(who) : 10) + 1 +
                      (strlen(kind) > 8 ? strlen(kind) : 8) + 1;
        size_t n = line.len;
        if (n && line.p[n - 1] == '\n')
            n--;
        sim_buf_printf(&b, "%s %s %s", seq, who, kind);
        if (skip < n) {
            sim_buf_addc(&b, ' ');
            sim_buf_add(&b, line.p + skip, n - skip);
        }
        sim_buf_free(&line);
        sim_buf_free(&when);
        trace_names_fini(&nm);
    }
    view__add(&head, "last", b.p);
    view__source(&head, sp, v);
    view__threads(&th, sp);
    view__timers(&tm, sp);
    size_t nout = view__output(&op, sp);
    view__footer(&foot, sp, v);

    /* fit: how many of the threads, timers and output lines to show */
    size_t show_th = th.n, show_tm = tm.n, show_out = nout;
    if (v->rows > 0) {
        long room = (long)v->rows - 1 - (long)head.n - (long)foot.n - 1; /* 1: the output label */
        if (room < 3)
            room = 3;
        if ((long)show_th > room - 1)
            show_th = (size_t)(room - 1 > 1 ? room - 1 : 1);
        room -= (long)show_th;
        if ((long)show_tm > room / 2)
            show_tm = (size_t)(room / 2);
        room -= (long)show_tm;
        show_out = room > 0 ? (size_t)room : 0;
        if (show_out > nout)
            show_out = nout;
    } else if (show_out > VIEW_SCRIPT_OUTPUT) {
        show_out = VIEW_SCRIPT_OUTPUT;
    }

    for (size_t i = 0; i < head.n; i++) {
        view__emit(out, &head.l[i], v, i > 0);
    }
    for (size_t i = 0; i < show_th; i++)
        view__emit(out, &th.l[i], v, true);
    if (show_th < th.n) {
        sim_buf_clear(&b);
        sim_buf_printf(&b, "... and %zu more", th.n - show_th);
        view_line more = {.label = "", .text = b.p};
        view__emit(out, &more, v, true);
    }
    for (size_t i = 0; i < show_tm; i++)
        view__emit(out, &tm.l[i], v, true);
    sim_buf_clear(&b);
    if (nout == 0)
        sim_buf_adds(&b, "(nothing printed yet)");
    else if (show_out < nout)
        sim_buf_printf(&b, "%zu lines, the last %zu:", nout, show_out);
    else
        sim_buf_printf(&b, "%zu line%s:", nout, nout == 1 ? "" : "s");
    view_line ol = {.label = "output", .text = b.p};
    view__emit(out, &ol, v, true);
    for (size_t i = nout - show_out; i < nout; i++) {
        view_line x = op.l[i];
        snprintf(x.label, sizeof x.label, "  |");
        view__emit(out, &x, v, true);
    }
    for (size_t i = 0; i < foot.n; i++)
        view__emit(out, &foot.l[i], v, true);
    view__free(&head);
    view__free(&th);
    view__free(&tm);
    view__free(&op);
    view__free(&foot);
    sim_buf_free(&b);
}
