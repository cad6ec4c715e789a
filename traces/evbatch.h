/*
 * traces/evbatch.h — trace events packed in batches: the stored form of a
 * run's events (one row of `event_batches` per batch, see store.h).
 *
 * A batch is self-contained: it decodes without any other batch, so a
 * damaged batch is named alone and a reader can start at any batch. Each
 * event is one header byte and a few varints:
 *
 *   header   bits 0-3 kind, bit 4 thread present, bit 5 other present,
 *            bit 6 obj present, bit 7 an extension byte follows
 *   ext      bit 0 seq step (varint, when the step is not 1), bit 1 time
 *            step (zigzag varint, when time moved), bit 2 arg (zigzag
 *            varint, when not 0), bit 3 reason, bit 4 text
 *   then     thread, other, obj (varints), then seq, time, arg, reason,
 *            text as the ext byte says.
 *
 * A scheduling decision recorded between events is the header byte 15
 * (no event kind has that number) and three varints: n ready, index
 * chosen, thread chosen. Its number is its place among the run's decisions
 * and its seq (events before it) is the seq of the event before it, so a
 * batch holds the run's events and its schedule in one stream.
 *
 * A reason or text is a string reference: varint k < (strings so far) names
 * an earlier string of the batch; k = (strings so far) defines the next one
 * inline as varint length, bytes, NUL (so a reason is a C string in place).
 * Strings are interned per batch: a sleep reason or a repeated print costs
 * one byte after its first use.
 *
 * Stored, a batch may be compressed (the row's `codec`, schema 5):
 *
 *   0  EVBATCH_CODEC_RAW  the packed bytes as they are;
 *   1  EVBATCH_CODEC_LZ4  a varint, the packed length, then one LZ4 block
 *                         (the block format of liblz4) holding them.
 *
 * The recorder compresses each batch with LZ4 and keeps the result when it
 * is smaller: the packed stream of a simulation repeats itself (the same
 * threads yield, switch and are chosen over and over), and LZ4 takes
 * bench/pingpong's from 6.8 bytes an event to 0.4 at several GB/s, so a
 * recording writes, checksums and syncs a twentieth of the bytes.
 *
 * The checksum (evbatch_crc) is CRC-32 (ISO-HDLC, zlib's) over the row's
 * run id, batch number, first seq and count (8 bytes little-endian each),
 * for a codec other than 0 the codec too (8 bytes), followed by the data as
 * stored, so altering a header column is caught as well. The trace hash
 * (hash.h) is of the packed bytes, whatever the codec.
 */
#ifndef TRACES_EVBATCH_H
#define TRACES_EVBATCH_H

#include <stddef.h>
#include <stdint.h>

#include "../sim/buf.h"
#include "../sim/event.h"

#define EVBATCH_EVENTS 4096       /* records (events + decisions) per batch when recording */
#define EVBATCH__DECISION 15      /* the header byte of a decision */

enum { EVBATCH_CODEC_RAW = 0, EVBATCH_CODEC_LZ4 = 1 };

#define EVBATCH__PCACHE 64        /* the encoder's string cache (by address; see evbatch.c) */

/* The encoder of one batch; reset for the next. */
typedef struct evbatch_enc {
    sim_buf data;             /* the encoded batch so far */
    uint32_t n;               /* events in it */
    uint32_t nrec;            /* events and decisions in it */
    uint64_t first_seq;       /* seq of its first event */
    uint64_t prev_seq;        /* seq of the last event (the next step's base) */
    int64_t prev_time;        /* time of the last event */
    sim_buf strs;             /* interned strings' bytes */
    struct evbatch__str *tab; /* open-addressing table of interned strings */
    uint32_t tabcap;          /* slots (a power of two) */
    uint32_t nstr;            /* strings interned in this batch */
    uint32_t gen;             /* which batch the cache's entries belong to */
    struct evbatch__pc {      /* a string seen lately at this address */
        const char *p;
        uint32_t off, len, idx, gen;
    } pc[EVBATCH__PCACHE];
} evbatch_enc;

void evbatch_enc_init(evbatch_enc *e);
void evbatch_enc_fini(evbatch_enc *e);
/* Append one event. The common event (the next seq, at the same time,
 * only ids: a yield, a switch) is packed inline, the rest out of line. */
void evbatch__enc_add(evbatch_enc *e, const sim_event *ev);

static inline uint8_t *evbatch__put(uint8_t *q, uint64_t v)
{
    while (v >= 0x80) {
        *q++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *q++ = (uint8_t)v;
    return q;
}

/* An event's header byte, its extension flag (bit 7) left out. */
static inline uint8_t evbatch__head(const sim_event *ev)
{
    uint8_t h = (uint8_t)((unsigned)ev->kind & 15);
    h |= ev->thread != SIM_NONE ? 16 : 0;
    h |= ev->other != SIM_NONE ? 32 : 0;
    h |= ev->obj != SIM_NONE ? 64 : 0;
    return h;
}

/* Its ids, those present, after the header (and extension) byte. */
static inline uint8_t *evbatch__put_ids(uint8_t *q, const sim_event *ev)
{
    if (ev->thread != SIM_NONE)
        q = evbatch__put(q, ev->thread);
    if (ev->other != SIM_NONE)
        q = evbatch__put(q, ev->other);
    if (ev->obj != SIM_NONE)
        q = evbatch__put(q, ev->obj);
    return q;
}

static inline __attribute__((always_inline)) void evbatch_enc_add(evbatch_enc *e, const sim_event *ev)
{
    if (e->nrec == 0 || ev->seq != e->prev_seq + 1 || ev->time != e->prev_time ||
        ((uint64_t)ev->arg | (uintptr_t)ev->reason | (uintptr_t)ev->text) != 0 ||
        !e->data.p || e->data.len + 20 > e->data.cap) {
        evbatch__enc_add(e, ev);
        return;
    }
    uint8_t *q = (uint8_t *)e->data.p + e->data.len;
    *q++ = evbatch__head(ev);
    q = evbatch__put_ids(q, ev);
    e->data.len = (size_t)(q - (uint8_t *)e->data.p);
    *q = 0;
    e->prev_seq = ev->seq;
    e->n++;
    e->nrec++;
}
/* Append one decision taken after the event numbered `seq` (0: before any). */
static inline void evbatch_enc_decision(evbatch_enc *e, uint64_t seq, uint32_t n,
                                        uint32_t chosen, uint32_t thread)
{
    if (e->nrec == 0) {
        e->first_seq = seq + 1;
        e->prev_seq = seq;
        e->prev_time = 0;
    }
    sim_buf_reserve(&e->data, 1 + 3 * 5);
    uint8_t *q = (uint8_t *)e->data.p + e->data.len;
    *q++ = EVBATCH__DECISION;
    q = evbatch__put(q, n);
    q = evbatch__put(q, chosen);
    q = evbatch__put(q, thread);
    e->data.len = (size_t)(q - (uint8_t *)e->data.p);
    *q = 0;
    e->nrec++;
}
/* Empty it for the next batch (keeps its memory). */
void evbatch_enc_reset(evbatch_enc *e);

/* CRC-32 (ISO-HDLC: zlib's crc32) of `len` bytes, continuing from `crc`
 * (0 to start); "123456789" gives 0xCBF43926. */
uint32_t evbatch_crc32(uint32_t crc, const void *data, size_t len);
/* The checksum of a stored batch (see above). */
uint32_t evbatch_crc(int64_t run, int64_t batch, uint64_t first_seq, uint32_t n, int codec,
                     const void *data, size_t len);

/* Compress `len` packed bytes for storing: into `out` (cleared first) with
 * the codec returned, EVBATCH_CODEC_LZ4 if that is smaller, else
 * EVBATCH_CODEC_RAW with `out` untouched (store `raw` itself). */
int evbatch_compress(const void *raw, size_t len, sim_buf *out);
/* The packed bytes of a stored batch: for codec 0 `data` itself (*raw =
 * data), for codec 1 decompressed into `scratch` (*raw = scratch->p).
 * Trusts nothing: an unknown codec, a length that does not add up or a
 * block that does not decompress to exactly its length gives -1 and *why. */
int evbatch_uncompress(int codec, const void *data, size_t len, sim_buf *scratch,
                       const void **raw, size_t *rawlen, const char **why);

/* Receives a decoded decision: n ready, chosen, thread, events before it. */
typedef void (*evbatch_decision_fn)(void *ud, uint32_t n, uint32_t chosen, uint32_t thread,
                                    uint64_t seq);

/* Decode a batch of `n` events starting at `first_seq`, handing each to
 * `fn` (its strings point into `data`, valid while it is) and each decision
 * to `dfn` (either may be NULL). Returns 0, or -1
 * with *why a static phrase ("ends inside an event", ...) if the data is not
 * a well-formed batch of exactly n events. */
int evbatch_decode(const void *data, size_t len, uint64_t first_seq, uint32_t n, sim_sink_fn fn,
                   evbatch_decision_fn dfn, void *ud, const char **why);

#endif
