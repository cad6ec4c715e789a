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
 * The checksum (evbatch_crc) is CRC-32 (ISO-HDLC, zlib's) over the row's
 * run id, batch number, first seq and count (8 bytes little-endian each)
 * followed by the data, so altering a header column is caught as well.
 */
#ifndef TRACES_EVBATCH_H
#define TRACES_EVBATCH_H

#include <stddef.h>
#include <stdint.h>

#include "../sim/buf.h"
#include "../sim/event.h"

#define EVBATCH_EVENTS 4096       /* records (events + decisions) per batch when recording */
#define EVBATCH__DECISION 15      /* the header byte of a decision */

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
} evbatch_enc;

void evbatch_enc_init(evbatch_enc *e);
void evbatch_enc_fini(evbatch_enc *e);
/* Append one event. */
void evbatch_enc_add(evbatch_enc *e, const sim_event *ev);
/* Append one decision taken after the event numbered `seq` (0: before any). */
void evbatch_enc_decision(evbatch_enc *e, uint64_t seq, uint32_t n, uint32_t chosen,
                          uint32_t thread);
/* Empty it for the next batch (keeps its memory). */
void evbatch_enc_reset(evbatch_enc *e);

/* CRC-32 (ISO-HDLC: zlib's crc32) of `len` bytes, continuing from `crc`
 * (0 to start); "123456789" gives 0xCBF43926. */
uint32_t evbatch_crc32(uint32_t crc, const void *data, size_t len);
/* The checksum of a stored batch (see above). */
uint32_t evbatch_crc(int64_t run, int64_t batch, uint64_t first_seq, uint32_t n,
                     const void *data, size_t len);

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
