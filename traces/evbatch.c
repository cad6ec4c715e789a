/*
 * traces/evbatch.c — packing events into batches and back (evbatch.h).
 *
 * The encoder appends to one growing buffer and interns strings in a small
 * open-addressing table keyed by their bytes (FNV-1a), cleared per batch.
 * The decoder trusts nothing: every varint is bounded, every string
 * reference checked, and the batch must hold exactly the events its row
 * says, no byte more.
 */
#include "evbatch.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lz4.h>

struct evbatch__str {
    uint32_t hash;            /* FNV-1a of the bytes */
    uint32_t off, len;        /* where its bytes are in strs */
    uint32_t idx;             /* its number in the batch; UINT32_MAX: empty slot */
};

static void *evb__alloc(void *p, size_t size)
{
    void *q = realloc(p, size);
    if (!q) {
        fputs("threadsim: out of memory\n", stderr);
        abort();
    }
    return q;
}

/* ---- CRC-32 ------------------------------------------------------------ */

/* Slicing by 8 (tables built on first use): eight bytes a step. */
static uint32_t evb__crctab[8][256];

static void evb__crcinit(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        evb__crctab[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            evb__crctab[t][i] = (evb__crctab[t - 1][i] >> 8) ^
                                evb__crctab[0][evb__crctab[t - 1][i] & 0xff];
}

static uint32_t evb__crc(uint32_t crc, const uint8_t *p, size_t n)
{
    if (!evb__crctab[0][1])
        evb__crcinit();
    crc = ~crc;
    while (n >= 8) {
        uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                             (uint32_t)p[3] << 24);
        crc = evb__crctab[7][lo & 0xff] ^ evb__crctab[6][(lo >> 8) & 0xff] ^
              evb__crctab[5][(lo >> 16) & 0xff] ^ evb__crctab[4][lo >> 24] ^
              evb__crctab[3][p[4]] ^ evb__crctab[2][p[5]] ^ evb__crctab[1][p[6]] ^
              evb__crctab[0][p[7]];
        p += 8;
        n -= 8;
    }
    while (n--)
        crc = evb__crctab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

uint32_t evbatch_crc32(uint32_t crc, const void *data, size_t len)
{
    return evb__crc(crc, data, len);
}

uint32_t evbatch_crc(int64_t run, int64_t batch, uint64_t first_seq, uint32_t n, int codec,
                     const void *data, size_t len)
{
    uint8_t head[40];
    uint64_t v[5] = {(uint64_t)run, (uint64_t)batch, first_seq, n, (uint64_t)codec};
    int nv = codec == EVBATCH_CODEC_RAW ? 4 : 5;
    for (int i = 0; i < nv; i++)
        for (int b = 0; b < 8; b++)
            head[i * 8 + b] = (uint8_t)(v[i] >> (8 * b));
    return evb__crc(evb__crc(0, head, (size_t)nv * 8), data, len);
}

/* ---- compression --------------------------------------------------------- */

int evbatch_compress(const void *raw, size_t len, sim_buf *out)
{
    sim_buf_clear(out);
    if (len < 64 || len > (size_t)LZ4_MAX_INPUT_SIZE)
        return EVBATCH_CODEC_RAW;
    int bound = LZ4_compressBound((int)len);
    sim_buf_reserve(out, 10 + (size_t)bound);
    uint8_t *q = (uint8_t *)out->p;
    for (uint64_t v = len; ; v >>= 7) {
        *q++ = (uint8_t)(v >= 0x80 ? (v & 0x7f) | 0x80 : v);
        if (v < 0x80)
            break;
    }
    size_t head = (size_t)(q - (uint8_t *)out->p);
    int n = LZ4_compress_default(raw, (char *)q, (int)len, bound);
    if (n <= 0 || head + (size_t)n >= len)
        return EVBATCH_CODEC_RAW;
    out->len = head + (size_t)n;
    out->p[out->len] = '\0';
    return EVBATCH_CODEC_LZ4;
}

int evbatch_uncompress(int codec, const void *data, size_t len, sim_buf *scratch,
                       const void **raw, size_t *rawlen, const char **why)
{
    if (codec == EVBATCH_CODEC_RAW) {
        *raw = data;
        *rawlen = len;
        return 0;
    }
    if (codec != EVBATCH_CODEC_LZ4) {
        *why = "is stored in an unknown form (recorded by a newer threadsim?)";
        return -1;
    }
    const uint8_t *p = data, *end = p + len;
    uint64_t n = 0;
    int shift = 0;
    for (;; shift += 7) {
        if (p >= end || shift > 35) {
            *why = "has a compressed length that does not add up";
            return -1;
        }
        n |= (uint64_t)(*p & 0x7f) << shift;
        if (!(*p++ & 0x80))
            break;
    }
    /* LZ4 expands at most 255 to 1: a longer claim is damage, and never a
     * reason to allocate */
    size_t clen = (size_t)(end - p);
    if (n == 0 || n > (uint64_t)LZ4_MAX_INPUT_SIZE || n > 255 * (uint64_t)clen + 16) {
        *why = "has a compressed length that does not add up";
        return -1;
    }
    sim_buf_clear(scratch);
    sim_buf_reserve(scratch, (size_t)n);
    int got = LZ4_decompress_safe((const char *)p, scratch->p, (int)clen, (int)n);
    if (got < 0 || (uint64_t)got != n) {
        *why = "does not decompress";
        return -1;
    }
    scratch->len = (size_t)n;
    scratch->p[n] = '\0';
    *raw = scratch->p;
    *rawlen = (size_t)n;
    return 0;
}

/* ---- encoding ---------------------------------------------------------- */

/* The encoder writes through a raw pointer into room reserved up front:
 * one reservation per event instead of one call per byte. */
#define EVB__EVENT_MAX (2 + 3 * 5 + 3 * 10)   /* header, ext, three ids, three numbers */
#define EVB__REF_MAX 10                       /* a string reference */

#define evb__put evbatch__put /* evbatch.h */

static inline uint8_t *evb__at(sim_buf *b) { return (uint8_t *)b->p + b->len; }

static inline void evb__done(sim_buf *b, const uint8_t *q)
{
    b->len = (size_t)(q - (const uint8_t *)b->p);
    b->p[b->len] = '\0';
}

static uint64_t evb__zig(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }

void evbatch_enc_init(evbatch_enc *e)
{
    memset(e, 0, sizeof *e);
    e->gen = 1;
}

void evbatch_enc_fini(evbatch_enc *e)
{
    sim_buf_free(&e->data);
    sim_buf_free(&e->strs);
    free(e->tab);
    memset(e, 0, sizeof *e);
}

void evbatch_enc_reset(evbatch_enc *e)
{
    sim_buf_clear(&e->data);
    sim_buf_clear(&e->strs);
    for (uint32_t i = 0; i < e->tabcap; i++)
        e->tab[i].idx = UINT32_MAX;
    e->n = e->nrec = 0;
    e->nstr = 0;
    if (++e->gen == 0) {      /* wrapped: no cache entry may look current */
        memset(e->pc, 0, sizeof e->pc);
        e->gen = 1;
    }
}

static void evb__tab_grow(evbatch_enc *e)
{
    uint32_t cap = e->tabcap ? e->tabcap * 2 : 64;
    struct evbatch__str *t = evb__alloc(NULL, cap * sizeof *t);
    for (uint32_t i = 0; i < cap; i++)
        t[i].idx = UINT32_MAX;
    for (uint32_t i = 0; i < e->tabcap; i++) {
        if (e->tab[i].idx == UINT32_MAX)
            continue;
        uint32_t j = e->tab[i].hash & (cap - 1);
        while (t[j].idx != UINT32_MAX)
            j = (j + 1) & (cap - 1);
        t[j] = e->tab[i];
    }
    free(e->tab);
    e->tab = t;
    e->tabcap = cap;
}

/* Write the reference to string s (n bytes), defining it if new; returns
 * the interned string's number and offset through *pc's fields. */
static void evb__str_slow(evbatch_enc *e, const char *s, size_t n, struct evbatch__pc *pc)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    if ((e->nstr + 1) * 2 > e->tabcap)
        evb__tab_grow(e);
    uint32_t j = h & (e->tabcap - 1);
    for (; e->tab[j].idx != UINT32_MAX; j = (j + 1) & (e->tabcap - 1)) {
        const struct evbatch__str *x = &e->tab[j];
        if (x->hash == h && x->len == n && memcmp(e->strs.p + x->off, s, n) == 0) {
            sim_buf_reserve(&e->data, EVB__REF_MAX);
            evb__done(&e->data, evb__put(evb__at(&e->data), x->idx));
            *pc = (struct evbatch__pc){.p = s, .off = x->off, .len = x->len, .idx = x->idx,
                                       .gen = e->gen};
            return;
        }
    }
    e->tab[j] = (struct evbatch__str){.hash = h, .off = (uint32_t)e->strs.len,
                                      .len = (uint32_t)n, .idx = e->nstr};
    *pc = (struct evbatch__pc){.p = s, .off = (uint32_t)e->strs.len, .len = (uint32_t)n,
                               .idx = e->nstr, .gen = e->gen};
    sim_buf_add(&e->strs, s, n);
    sim_buf_reserve(&e->data, 2 * EVB__REF_MAX + n + 1);
    uint8_t *q = evb__put(evb__at(&e->data), e->nstr++);
    q = evb__put(q, n);
    memcpy(q, s, n);
    q[n] = 0;
    evb__done(&e->data, q + n + 1);
}

/* The reference to string s: `n` bytes, or with n == SIZE_MAX a C string.
 * A small cache keyed by the string's address answers the common case (the
 * same reason or text again) without hashing its bytes; a hit is checked
 * against the interned bytes, so what is written never depends on the
 * address, only how fast it is found. */
static void evb__str(evbatch_enc *e, const char *s, size_t n)
{
    uintptr_t a = (uintptr_t)s;
    struct evbatch__pc *pc = &e->pc[((a >> 3) ^ (a >> 11)) & (EVBATCH__PCACHE - 1)];
    if (pc->p == s && pc->gen == e->gen) {
        const char *have = e->strs.p + pc->off;
        bool same = n == SIZE_MAX ? strncmp(s, have, pc->len) == 0 && s[pc->len] == '\0'
                                  : n == pc->len && memcmp(s, have, n) == 0;
        if (same) {
            sim_buf_reserve(&e->data, EVB__REF_MAX);
            evb__done(&e->data, evb__put(evb__at(&e->data), pc->idx));
            return;
        }
    }
    evb__str_slow(e, s, n == SIZE_MAX ? strlen(s) : n, pc);
}

_Static_assert(SIM_EV__COUNT <= EVBATCH__DECISION, "event kinds fit below the decision byte");

void evbatch__enc_add(evbatch_enc *e, const sim_event *ev)
{
    if (e->nrec == 0) {
        e->first_seq = ev->seq;
        e->prev_seq = ev->seq - 1;
        e->prev_time = 0;
    }
    sim_buf_reserve(&e->data, EVB__EVENT_MAX);
    uint8_t *q = evb__at(&e->data);
    uint8_t h = evbatch__head(ev);
    uint8_t ext = 0;
    if (ev->seq - e->prev_seq != 1)
        ext |= 1;
    if (ev->time != e->prev_time)
        ext |= 2;
    if (ev->arg != 0)
        ext |= 4;
    if (ev->reason)
        ext |= 8;
    if (ev->text)
        ext |= 16;
    h |= ext ? 128 : 0;
    *q++ = h;
    if (ext)
        *q++ = ext;
    q = evbatch__put_ids(q, ev);
    if (ext & 1)
        q = evb__put(q, ev->seq - e->prev_seq);
    if (ext & 2)
        q = evb__put(q, evb__zig((int64_t)((uint64_t)ev->time - (uint64_t)e->prev_time)));
    if (ext & 4)
        q = evb__put(q, evb__zig(ev->arg));
    evb__done(&e->data, q);
    if (ext & 8)
        evb__str(e, ev->reason, SIZE_MAX);
    if (ext & 16)
        evb__str(e, ev->text, ev->len);
    e->prev_seq = ev->seq;
    e->prev_time = ev->time;
    e->n++;
    e->nrec++;
}

/* ---- decoding ---------------------------------------------------------- */

typedef struct evb__in {
    const uint8_t *p, *end;
    const char *why;          /* first problem met */
} evb__in;

static uint64_t evb__get(evb__in *in)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (in->p >= in->end) {
            in->why = in->why ? in->why : "ends inside an event";
            return 0;
        }
        uint8_t b = *in->p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    in->why = in->why ? in->why : "has an overlong number";
    return 0;
}

/* An id below SIM_NONE (events), or any 32-bit number (`any`: decisions,
 * whose thread may be a timer's mark). */
static uint32_t evb__get_u32(evb__in *in, bool any)
{
    uint64_t v = evb__get(in);
    if (v > UINT32_MAX || (!any && v >= SIM_NONE)) {
        in->why = in->why ? in->why : "has an id out of range";
        return 0;
    }
    return (uint32_t)v;
}

typedef struct evb__strs {
    const char **p;           /* each string's first byte */
    size_t *len;              /* its length */
    size_t n, cap;
} evb__strs;

static const char *evb__get_str(evb__in *in, evb__strs *s, size_t *len)
{
    uint64_t k = evb__get(in);
    if (in->why)
        return NULL;
    if (k < s->n) {
        *len = s->len[k];
        return s->p[k];
    }
    if (k != s->n) {
        in->why = "refers to a string it does not define";
        return NULL;
    }
    uint64_t n = evb__get(in);
    if (in->why)
        return NULL;
    if (n >= (uint64_t)(in->end - in->p) || in->p[n] != '\0') {
        in->why = "has a string cut short";
        return NULL;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->p = evb__alloc(s->p, s->cap * sizeof *s->p);
        s->len = evb__alloc(s->len, s->cap * sizeof *s->len);
    }
    s->p[s->n] = (const char *)in->p;
    s->len[s->n++] = (size_t)n;
    *len = (size_t)n;
    const char *r = (const char *)in->p;
    in->p += n + 1;
    return r;
}

int evbatch_decode(const void *data, size_t len, uint64_t first_seq, uint32_t n, sim_sink_fn fn,
                   evbatch_decision_fn dfn, void *ud, const char **why)
{
    evb__in in = {.p = data, .end = (const uint8_t *)data + len};
    evb__strs strs = {0};
    uint64_t seq = first_seq - 1;
    int64_t time = 0;
    uint32_t i = 0;
    while (!in.why && in.p < in.end) {
        uint8_t h = *in.p++;
        if (h == EVBATCH__DECISION) {
            uint32_t dn = evb__get_u32(&in, true), chosen = evb__get_u32(&in, true);
            uint32_t thread = evb__get_u32(&in, true);
            if (!in.why && (dn < 2 || chosen >= dn))
                in.why = "has a decision out of range";
            if (!in.why && dfn)
                dfn(ud, dn, chosen, thread, seq);
            continue;
        }
        if (i == n) {
            in.why = "holds more events than its row says";
            break;
        }
        i++;
        uint8_t ext = 0;
        if (h & 128) {
            if (in.p >= in.end) {
                in.why = "ends inside an event";
                break;
            }
            ext = *in.p++;
        }
        sim_event ev = {.kind = (sim_ev_kind)(h & 15), .thread = SIM_NONE, .other = SIM_NONE,
                        .obj = SIM_NONE};
        if ((h & 15) >= SIM_EV__COUNT || (ext & 0xe0) || (ext == 0 && (h & 128))) {
            in.why = "has an event of unknown form (recorded by a newer threadsim?)";
            break;
        }
        if (h & 16)
            ev.thread = evb__get_u32(&in, false);
        if (h & 32)
            ev.other = evb__get_u32(&in, false);
        if (h & 64)
            ev.obj = evb__get_u32(&in, false);
        seq += ext & 1 ? evb__get(&in) : 1;
        if (ext & 2) {
            uint64_t z = evb__get(&in);
            time = (int64_t)((uint64_t)time + ((z >> 1) ^ (0 - (z & 1))));
        }
        if (ext & 4) {
            uint64_t z = evb__get(&in);
            ev.arg = (int64_t)((z >> 1) ^ (0 - (z & 1)));
        }
        size_t slen = 0;
        if (ext & 8)
            ev.reason = evb__get_str(&in, &strs, &slen);
        if (ext & 16) {
            ev.text = evb__get_str(&in, &strs, &slen);
            ev.len = slen;
        }
        if (in.why)
            break;
        ev.seq = seq;
        ev.time = time;
        if (fn)
            fn(ud, &ev);
    }
    if (!in.why && i != n)
        in.why = "holds fewer events than its row says";
    free(strs.p);
    free(strs.len);
    *why = in.why;
    return in.why ? -1 : 0;
}
