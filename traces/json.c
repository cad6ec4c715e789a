/* traces/json.c — JSON Lines for trace events (see json.h). */
#include "json.h"

#include <inttypes.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 if invalid. */
static size_t json__utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, cp = c & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    /* overlong forms, surrogates, beyond U+10FFFF */
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

void trace_json_string(sim_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    sim_buf_addc(b, '"');
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        switch (c) {
        case '"': sim_buf_adds(b, "\\\""); i++; continue;
        case '\\': sim_buf_adds(b, "\\\\"); i++; continue;
        case '\n': sim_buf_adds(b, "\\n"); i++; continue;
        case '\r': sim_buf_adds(b, "\\r"); i++; continue;
        case '\t': sim_buf_adds(b, "\\t"); i++; continue;
        default: break;
        }
        if (c < 0x20 || c == 0x7f) {
            sim_buf_printf(b, "\\u%04x", c);
            i++;
            continue;
        }
        size_t k = json__utf8_len(u + i, n - i);
        if (k == 0) {
            sim_buf_adds(b, "\\ufffd");
            i++;
            continue;
        }
        sim_buf_add(b, s + i, k);
        i += k;
    }
    sim_buf_addc(b, '"');
}

void trace_xml_text(FILE *f, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        switch (c) {
        case '&': fputs("&amp;", f); i++; continue;
        case '<': fputs("&lt;", f); i++; continue;
        case '>': fputs("&gt;", f); i++; continue;
        case '"': fputs("&quot;", f); i++; continue;
        case '\n': case '\r': case '\t': fputc(c, f); i++; continue;
        default: break;
        }
        if (c < 0x20 || c == 0x7f) {
            fputs("&#xFFFD;", f);
            i++;
            continue;
        }
        size_t k = json__utf8_len(u + i, n - i);
        if (k == 0) {
            fputs("&#xFFFD;", f);
            i++;
            continue;
        }
        fwrite(s + i, 1, k, f);
        i += k;
    }
}

static void json__id(sim_buf *b, const char *key, uint32_t id)
{
    if (id == SIM_NONE)
        sim_buf_printf(b, ",\"%s\":null", key);
    else
        sim_buf_printf(b, ",\"%s\":%" PRIu32, key, id);
}

void trace_json_event(sim_buf *b, const trace_names *nm, const sim_event *ev)
{
    sim_buf_printf(b, "{\"seq\":%" PRIu64 ",\"time_ns\":%" PRId64, ev->seq, ev->time);
    json__id(b, "thread", ev->thread);
    sim_buf_adds(b, ",\"thread_name\":");
    if (ev->thread == SIM_NONE) {
        sim_buf_adds(b, "null");
    } else {
        const char *name = trace_names_get(nm, ev->thread);
        trace_json_string(b, name, strlen(name));
    }
    sim_buf_adds(b, ",\"kind\":");
    const char *kind = sim_ev_kind_name(ev->kind);
    trace_json_string(b, kind, strlen(kind));
    json__id(b, "other", ev->other);
    json__id(b, "obj", ev->obj);
    sim_buf_printf(b, ",\"arg\":%" PRId64 ",\"reason\":", ev->arg);
    if (ev->reason)
        trace_json_string(b, ev->reason, strlen(ev->reason));
    else
        sim_buf_adds(b, "null");
    sim_buf_adds(b, ",\"text\":");
    if (ev->text)
        trace_json_string(b, ev->text, ev->len);
    else
        sim_buf_adds(b, "null");
    sim_buf_adds(b, "}\n");
}
