/* traces/hash.c — the trace hash: XXH64 of the packed stream; FNV-1a 64 of
 * the full view for runs recorded before (see hash.h). */
#include "hash.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

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

void trace_view_hasher_init(trace_view_hasher *v)
{
    v->h = TRACE_HASH_INIT;
    trace_names_init(&v->names);
    v->line = (sim_buf){0};
}

void trace_view_hasher_fini(trace_view_hasher *v)
{
    trace_names_fini(&v->names);
    sim_buf_free(&v->line);
}

void trace_view_hasher_see(trace_view_hasher *v, const sim_event *ev)
{
    trace_names_see(&v->names, ev);
    sim_buf_clear(&v->line);
    trace_fmt_line(&v->line, &v->names, ev);
    v->h = trace_hash_bytes(v->h, v->line.p, v->line.len);
}

/* ---- XXH64 (Yann Collet's specification, seed 0) ------------------------- */

#define XXH__P1 UINT64_C(0x9E3779B185EBCA87)
#define XXH__P2 UINT64_C(0xC2B2AE3D27D4EB4F)
#define XXH__P3 UINT64_C(0x165667B19E3779F9)
#define XXH__P4 UINT64_C(0x85EBCA77C2B2AE63)
#define XXH__P5 UINT64_C(0x27D4EB2F165667C5)

static inline uint64_t xxh__rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static inline uint64_t xxh__le64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
#else
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
#endif
}

static inline uint32_t xxh__le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t xxh__round(uint64_t acc, uint64_t in)
{
    acc += in * XXH__P2;
    acc = xxh__rotl(acc, 31);
    return acc * XXH__P1;
}

static inline uint64_t xxh__merge(uint64_t acc, uint64_t v)
{
    acc ^= xxh__round(0, v);
    return acc * XXH__P1 + XXH__P4;
}

void trace_xxh64_init(trace_xxh64 *x)
{
    memset(x, 0, sizeof *x);
    x->v[0] = XXH__P1 + XXH__P2;
    x->v[1] = XXH__P2;
    x->v[2] = 0;
    x->v[3] = 0 - XXH__P1;
}

static const uint8_t *xxh__stripes(uint64_t v[4], const uint8_t *p, const uint8_t *end)
{
    uint64_t a = v[0], b = v[1], c = v[2], d = v[3];
    for (; end - p >= 32; p += 32) {
        a = xxh__round(a, xxh__le64(p));
        b = xxh__round(b, xxh__le64(p + 8));
        c = xxh__round(c, xxh__le64(p + 16));
        d = xxh__round(d, xxh__le64(p + 24));
    }
    v[0] = a, v[1] = b, v[2] = c, v[3] = d;
    return p;
}

void trace_xxh64_update(trace_xxh64 *x, const void *data, size_t n)
{
    const uint8_t *p = data, *end = p + n;
    x->total += n;
    if (x->nbuf) {
        size_t take = 32 - x->nbuf < n ? 32 - x->nbuf : n;
        memcpy(x->buf + x->nbuf, p, take);
        x->nbuf += (uint32_t)take;
        p += take;
        if (x->nbuf < 32)
            return;
        xxh__stripes(x->v, x->buf, x->buf + 32);
        x->nbuf = 0;
    }
    p = xxh__stripes(x->v, p, end);
    memcpy(x->buf, p, (size_t)(end - p));
    x->nbuf = (uint32_t)(end - p);
}

uint64_t trace_xxh64_digest(const trace_xxh64 *x)
{
    uint64_t h;
    if (x->total >= 32) {
        h = xxh__rotl(x->v[0], 1) + xxh__rotl(x->v[1], 7) + xxh__rotl(x->v[2], 12) +
            xxh__rotl(x->v[3], 18);
        for (int i = 0; i < 4; i++)
            h = xxh__merge(h, x->v[i]);
    } else {
        h = XXH__P5;
    }
    h += x->total;
    const uint8_t *p = x->buf, *end = x->buf + x->nbuf;
    for (; end - p >= 8; p += 8) {
        h ^= xxh__round(0, xxh__le64(p));
        h = xxh__rotl(h, 27) * XXH__P1 + XXH__P4;
    }
    if (end - p >= 4) {
        h ^= (uint64_t)xxh__le32(p) * XXH__P1;
        h = xxh__rotl(h, 23) * XXH__P2 + XXH__P3;
        p += 4;
    }
    for (; p < end; p++) {
        h ^= *p * XXH__P5;
        h = xxh__rotl(h, 11) * XXH__P1;
    }
    h ^= h >> 33;
    h *= XXH__P2;
    h ^= h >> 29;
    h *= XXH__P3;
    h ^= h >> 32;
    return h;
}

uint64_t trace_xxh64_of(const void *p, size_t n)
{
    trace_xxh64 x;
    trace_xxh64_init(&x);
    trace_xxh64_update(&x, p, n);
    return trace_xxh64_digest(&x);
}

/* ---- the hash of a run without a store -------------------------------------- */

void trace_hasher_init(trace_hasher *th)
{
    evbatch_enc_init(&th->enc);
    trace_xxh64_init(&th->x);
    th->events = 0;
}

void trace_hasher_fini(trace_hasher *th) { evbatch_enc_fini(&th->enc); }

/* A full batch goes into the hash, as the recorder stores it. */
static void hasher__cut(trace_hasher *th)
{
    if (th->enc.nrec < EVBATCH_EVENTS)
        return;
    trace_xxh64_update(&th->x, th->enc.data.p, th->enc.data.len);
    evbatch_enc_reset(&th->enc);
}

void trace_hasher_see(trace_hasher *th, const sim_event *ev)
{
    th->events++;
    evbatch_enc_add(&th->enc, ev);
    hasher__cut(th);
}

void trace_hasher_sink(void *ud, const sim_event *ev) { trace_hasher_see(ud, ev); }

void trace_hasher_decision(void *ud, uint64_t index, uint32_t n, uint32_t chosen,
                           uint32_t thread, bool step)
{
    (void)index;
    (void)step;
    trace_hasher *th = ud;
    evbatch_enc_decision(&th->enc, th->events, n, chosen, thread);
    hasher__cut(th);
}

uint64_t trace_hasher_value(const trace_hasher *th)
{
    trace_xxh64 x = th->x;
    if (th->enc.nrec)
        trace_xxh64_update(&x, th->enc.data.p, th->enc.data.len);
    return trace_xxh64_digest(&x);
}

uint64_t trace_hash(const trace *t, const trace_decision *d, size_t nd)
{
    trace_hasher th;
    trace_hasher_init(&th);
    size_t j = 0;
    for (size_t i = 0; i <= t->n; i++) {
        /* the decisions taken after the i events so far */
        for (; j < nd && d[j].seq <= th.events; j++)
            trace_hasher_decision(&th, d[j].index, d[j].n, d[j].chosen, d[j].thread, false);
        if (i < t->n) {
            sim_event ev = trace_event_view(&t->ev[i]);
            trace_hasher_see(&th, &ev);
        }
    }
    uint64_t h = trace_hasher_value(&th);
    trace_hasher_fini(&th);
    return h;
}
