/* traces/hash.c — FNV-1a 64 over the full view (see hash.h). */
#include "hash.h"

#include <inttypes.h>
#include <stdio.h>

#define HASH__PRIME UINT64_C(0x100000001b3)

uint64_t trace_hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= HASH__PRIME;
    }
    return h;
}

void trace_hash_hex(uint64_t h, char out[17]) { snprintf(out, 17, "%016" PRIx64, h); }

int trace_hash_parse(const char *s, uint64_t *out)
{
    uint64_t h = 0;
    int i = 0;
    for (; s[i]; i++) {
        char c = s[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0 || i >= 16)
            return -1;
        h = h << 4 | (uint64_t)v;
    }
    if (i != 16)
        return -1;
    *out = h;
    return 0;
}

void trace_hasher_init(trace_hasher *th)
{
    th->h = TRACE_HASH_INIT;
    trace_names_init(&th->names);
    th->line = (sim_buf){0};
}

void trace_hasher_fini(trace_hasher *th)
{
    trace_names_fini(&th->names);
    sim_buf_free(&th->line);
}

void trace_hasher_see(trace_hasher *th, const sim_event *ev)
{
    trace_names_see(&th->names, ev);
    sim_buf_clear(&th->line);
    trace_fmt_line(&th->line, &th->names, ev);
    th->h = trace_hash_bytes(th->h, th->line.p, th->line.len);
}

void trace_hasher_sink(void *ud, const sim_event *ev) { trace_hasher_see(ud, ev); }

uint64_t trace_hash(const trace *t)
{
    trace_hasher th;
    trace_hasher_init(&th);
    for (size_t i = 0; i < t->n; i++) {
        sim_event ev = trace_event_view(&t->ev[i]);
        trace_hasher_see(&th, &ev);
    }
    uint64_t h = th.h;
    trace_hasher_fini(&th);
    return h;
}
