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

void trace_export_json(sim_buf *b, const trace *t)
{
    trace_names nm;
    trace_names_init(&nm);
    for (size_t i = 0; i < t->n; i++) {
        sim_event ev = trace_event_view(&t->ev[i]);
        trace_names_see(&nm, &ev);
        trace_json_event(b, &nm, &ev);
    }
    trace_names_fini(&nm);
}

void trace_export(sim_buf *b, trace_export_format f, const trace *t, const trace_export_meta *m)
{
    switch (f) {
    case TRACE_EXPORT_CHROME:
        trace_export_chrome(b, t, m);
        break;
    case TRACE_EXPORT_HTML:
        trace_export_html(b, t, m);
        break;
    case TRACE_EXPORT_TEXT: {
        size_t n;
        char *s = trace_full_text(t, &n);
        sim_buf_add(b, s, n);
        free(s);
        break;
    }
    case TRACE_EXPORT_JSON:
        trace_export_json(b, t);
        break;
    }
}
