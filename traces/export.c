/* traces/export.c — choosing an export format; the text and JSON ones (see export.h). */
#include "export.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

int trace_export_parse(const char *name)
{
    static const char *const names[] = {"chrome", "html", "text", "json"};
    for (int i = 0; i < 4; i++)
        if (name && strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

static int source__mem(void *src, sim_sink_fn fn, void *ud)
{
    const trace *t = src;
    for (size_t i = 0; i < t->n; i++) {
        sim_event ev = trace_event_view(&t->ev[i]);
        fn(ud, &ev);
    }
    return 0;
}

trace_source trace_source_of(const trace *t)
{
    return (trace_source){source__mem, (void *)t};
}

void trace_out_spill(trace_out *o, size_t at)
{
    if (!o->f || o->b->len < at || o->b->len == 0)
        return;
    if (!o->bad && fwrite(o->b->p, 1, o->b->len, o->f) != o->b->len)
        o->bad = true;
    sim_buf_clear(o->b);
}

/* text and json: a line per event, as it comes */
typedef struct lines {
    trace_out *o;
    trace_names nm;
    bool json;
} lines;

static void lines__event(void *ud, const sim_event *ev)
{
    lines *l = ud;
    trace_names_see(&l->nm, ev);
    if (l->json)
        trace_json_event(l->o->b, &l->nm, ev);
    else
        trace_fmt_line(l->o->b, &l->nm, ev);
    trace_out_spill(l->o, 1 << 20);
}

static int export__lines(trace_out *o, trace_source src, bool json)
{
    lines l = {.o = o, .json = json};
    trace_names_init(&l.nm);
    int rc = src.each(src.src, lines__event, &l);
    trace_names_fini(&l.nm);
    return rc;
}

void trace_export_json(sim_buf *b, const trace *t)
{
    trace_out o = {.b = b};
    (void)export__lines(&o, trace_source_of(t), true);
}

int trace_export_to(trace_out *o, trace_export_format f, trace_source src,
                    const trace_export_meta *m)
{
    int rc = 0;
    switch (f) {
    case TRACE_EXPORT_CHROME:
        rc = trace_export_chrome(o, src, m);
        break;
    case TRACE_EXPORT_HTML:
        rc = trace_export_html(o, src, m);
        break;
    case TRACE_EXPORT_TEXT:
    case TRACE_EXPORT_JSON:
        rc = export__lines(o, src, f == TRACE_EXPORT_JSON);
        break;
    }
    trace_out_spill(o, 0);
    if (o->f && fflush(o->f) != 0)
        o->bad = true;
    return rc != 0 || o->bad ? -1 : 0;
}

void trace_export(sim_buf *b, trace_export_format f, const trace *t, const trace_export_meta *m)
{
    trace_out o = {.b = b};
    (void)trace_export_to(&o, f, trace_source_of(t), m);
}
