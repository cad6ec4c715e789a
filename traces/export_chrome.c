/*
 * traces/export_chrome.c — Trace Event Format JSON (see export.h).
 *
 * A pass over the trace drives a thread-state tracker (states.h); every
 * span it closes becomes an "X" event, and the instants and flows of each
 * event are written as the event is read, so the order of the lines is the
 * order of the trace. Metadata (names as they are at the end of the run)
 * comes first: a first pass finds them (and the clock), so the events are
 * written as they are read, never held. Tracks are numbered thread id + 1 (tid 0 means "no thread" to
 * some viewers); the process is pid 1, named after what ran.
 *
 * Spans that cover no event (a thread that entered and left a state within
 * one event) and the NEW, finished and killed states are not drawn.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "json.h"
#include "states.h"

typedef struct chrome {
    sim_buf *out;             /* the events after the metadata (o->b) */
    trace_out *o;
    const trace_export_meta *m;
    trace_states st;
    uint64_t flows;           /* flow ids handed out */
    sim_buf tmp;              /* scratch for names */
} chrome;

/* A timestamp: virtual µs (three decimals when needed) or the event number. */
static void chrome__ts(sim_buf *b, const chrome *c, int64_t ns, uint64_t seq)
{
    if (c->m->step_clock) {
        sim_buf_printf(b, "%" PRIu64, seq);
        return;
    }
    if (ns < 0)
        ns = 0;
    sim_buf_printf(b, "%" PRId64, ns / 1000);
    if (ns % 1000)
        sim_buf_printf(b, ".%03" PRId64, ns % 1000);
}

static void chrome__str(sim_buf *b, const char *s)
{
    if (!s)
        sim_buf_adds(b, "null");
    else
        trace_json_string(b, s, strlen(s));
}

/* `,\n{"name":NAME,"cat":CAT,"ph":PH,"ts":TS,` for thread `id`'s track. */
static void chrome__head(chrome *c, const char *name, size_t namelen, const char *cat,
                         const char *ph, int64_t ns, uint64_t seq, uint32_t id)
{
    sim_buf *b = c->out;
    sim_buf_adds(b, ",\n{\"name\":");
    trace_json_string(b, name, namelen);
    sim_buf_printf(b, ",\"cat\":\"%s\",\"ph\":\"%s\",\"ts\":", cat, ph);
    chrome__ts(b, c, ns, seq);
    sim_buf_printf(b, ",\"pid\":1,\"tid\":%" PRIu64, id == SIM_NONE ? 0 : (uint64_t)id + 1);
}

/* `,"line":"file.py:N"`: where a Python program's thread `id` is (its last
 * `line` note), so spans and outputs point into the source; nothing for C
 * scenarios. */
static void chrome__line(chrome *c, uint32_t id)
{
    if (id == SIM_NONE || id >= c->st.n || !c->st.th[id].at)
        return;
    sim_buf_adds(c->out, ",\"line\":");
    chrome__str(c->out, c->st.th[id].at);
}

static void chrome__span(void *ud, const trace_span *sp)
{
    chrome *c = ud;
    if (sp->seq1 <= sp->seq0 || sp->state == TRACE_ST_NEW || sp->state == TRACE_ST_DONE ||
        sp->state == TRACE_ST_KILLED)
        return;
    const char *st = trace_st_name(sp->state);
    sim_buf_clear(&c->tmp);
    sim_buf_adds(&c->tmp, st);
    if (sp->state == TRACE_ST_BLOCKED && sp->reason)
        sim_buf_printf(&c->tmp, ": %s", sp->reason);
    chrome__head(c, c->tmp.p, c->tmp.len, "state", "X", sp->t0, sp->seq0, sp->thread);
    sim_buf *b = c->out;
    sim_buf_adds(b, ",\"dur\":");
    if (c->m->step_clock)
        sim_buf_printf(b, "%" PRIu64, sp->seq1 - sp->seq0);
    else
        chrome__ts(b, c, sp->t1 - sp->t0, 0);
    sim_buf_adds(b, ",\"args\":{\"state\":");
    chrome__str(b, st);
    if (sp->state == TRACE_ST_BLOCKED || sp->state == TRACE_ST_SLEEPING) {
        sim_buf_adds(b, ",\"reason\":");
        chrome__str(b, sp->reason);
        sim_buf_adds(b, ",\"object\":");
        chrome__str(b, sp->what);
        if (sp->obj == SIM_NONE)
            sim_buf_adds(b, ",\"obj\":null");
        else
            sim_buf_printf(b, ",\"obj\":%" PRIu32, sp->obj);
        if (sp->deadline >= 0)
            sim_buf_printf(b, ",\"deadline_ns\":%" PRId64, sp->deadline);
        else
            sim_buf_adds(b, ",\"deadline_ns\":null");
    }
    chrome__line(c, sp->thread);
    sim_buf_printf(b, ",\"from_event\":%" PRIu64 ",\"to_event\":%" PRIu64 "}}", sp->seq0,
                   sp->seq1);
}

/* An instant on thread `id`'s track ("g": global when there is no thread). */
static void chrome__instant(chrome *c, const sim_event *ev, uint32_t id, const char *cat,
                            const char *name, size_t namelen)
{
    chrome__head(c, name, namelen, cat, "i", ev->time, ev->seq, id);
    sim_buf *b = c->out;
    sim_buf_printf(b, ",\"s\":\"%s\",\"args\":{\"event\":%" PRIu64, id == SIM_NONE ? "g" : "t",
                   ev->seq);
    if (ev->kind == SIM_EV_OUTPUT)
        sim_buf_adds(b, ev->arg == 2 ? ",\"stream\":\"stderr\"" : ",\"stream\":\"stdout\"");
    if (ev->reason) {
        sim_buf_adds(b, ",\"reason\":");
        chrome__str(b, ev->reason);
    }
    if (ev->text) {
        sim_buf_adds(b, ",\"text\":");
        trace_json_string(b, ev->text, ev->len);
    }
    chrome__line(c, id);
    sim_buf_adds(b, "}}");
}

static void chrome__event(chrome *c, const sim_event *ev)
{
    switch (ev->kind) {
    case SIM_EV_OUTPUT: {
        size_t n = ev->text ? ev->len : 0;
        while (n && (ev->text[n - 1] == '\n' || ev->text[n - 1] == '\r'))
            n--;
        chrome__instant(c, ev, ev->thread, "output", ev->text ? ev->text : "", n);
        break;
    }
    case SIM_EV_TIMEOUT:
    case SIM_EV_ERROR:
    case SIM_EV_KILLED:
    case SIM_EV_DEADLOCK:
    case SIM_EV_LIMIT: {
        const char *k = sim_ev_kind_name(ev->kind);
        chrome__instant(c, ev, ev->thread, "event", k, strlen(k));
        break;
    }
    case SIM_EV_WAKE:
        if (ev->thread == SIM_NONE || ev->other == SIM_NONE)
            break;
        c->flows++;
        chrome__head(c, "wake", 4, "wake", "s", ev->time, ev->seq, ev->thread);
        sim_buf_printf(c->out, ",\"id\":%" PRIu64 ",\"args\":{\"event\":%" PRIu64 ",\"cause\":",
                       c->flows, ev->seq);
        chrome__str(c->out, ev->reason);
        sim_buf_adds(c->out, "}}");
        chrome__head(c, "wake", 4, "wake", "f", ev->time, ev->seq, ev->other);
        sim_buf_printf(c->out, ",\"bp\":\"e\",\"id\":%" PRIu64 "}", c->flows);
        break;
    default:
        break;
    }
}

/* The first pass: the threads' names (the metadata, which comes first,
 * names them as they are at the end) and whether most of the run is at
 * instants the clock does not move from (more than half of its events at
 * the time of the event before). */
typedef struct chrome_pass1 {
    trace_states st;
    uint64_t n, same;
    int64_t last;
} chrome_pass1;

static void chrome__see1(void *ud, const sim_event *ev)
{
    chrome_pass1 *p = ud;
    trace_states_see(&p->st, ev);
    p->same += p->n && ev->time == p->last;
    p->last = ev->time;
    p->n++;
}

static void chrome__see2(void *ud, const sim_event *ev)
{
    chrome *c = ud;
    trace_states_see(&c->st, ev);
    chrome__event(c, ev);
    trace_out_spill(c->o, 1 << 20);
}

int trace_export_chrome(trace_out *o, trace_source src, const trace_export_meta *meta)
{
    chrome_pass1 p1 = {0};
    trace_states_init(&p1.st, NULL, NULL);
    if (src.each(src.src, chrome__see1, &p1) != 0) {
        trace_states_fini(&p1.st);
        return -1;
    }
    /* an automatic clock: by event number when virtual time would leave
     * most spans with no width (Perfetto draws them invisible) */
    trace_export_meta mm = *meta;
    bool chosen = mm.clock_auto && !mm.step_clock && p1.n > 1 && 2 * p1.same > p1.n - 1;
    if (chosen)
        mm.step_clock = true;
    const trace_export_meta *m = &mm;
    sim_buf *b = o->b;
    sim_buf_adds(b, "{\"displayTimeUnit\":\"ms\",\"otherData\":{\"generator\":\"threadsim\","
                    "\"title\":");
    chrome__str(b, m->title);
    sim_buf_adds(b, ",\"subtitle\":");
    chrome__str(b, m->subtitle);
    sim_buf_printf(b, ",\"clock\":\"%s\"%s},\n\"traceEvents\":[\n",
                   m->step_clock ? "event number" : "virtual microseconds",
                   chosen ? ",\"clock_note\":\"chosen: most events share an instant with the one "
                            "before, where virtual time gives spans no width; --clock time for "
                            "virtual microseconds\""
                          : "");
    sim_buf_adds(b, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{\"name\":");
    chrome__str(b, m->title);
    sim_buf_adds(b, "}}");
    for (uint32_t i = 0; i < p1.st.n; i++) {
        const trace_thread *th = &p1.st.th[i];
        if (!th->known)
            continue;
        sim_buf_printf(b, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%" PRIu32
                          ",\"args\":{\"name\":",
                       i + 1);
        chrome__str(b, th->name);
        sim_buf_printf(b, "}},\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,"
                          "\"tid\":%" PRIu32 ",\"args\":{\"sort_index\":%" PRIu32 "}}",
                       i + 1, i);
    }
    trace_states_fini(&p1.st);
    chrome c = {.out = b, .o = o, .m = m};
    trace_states_init(&c.st, chrome__span, &c);
    int rc = src.each(src.src, chrome__see2, &c);
    trace_states_end(&c.st);
    sim_buf_adds(b, "\n]}\n");
    trace_states_fini(&c.st);
    sim_buf_free(&c.tmp);
    return rc;
}
