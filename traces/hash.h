/*
 * traces/hash.h — a run's trace hash: one number that says "same trace".
 *
 * The trace hash (kind 2, every run recorded since 0.2) is XXH64 (seed 0)
 * of the run's stored event stream: the `data` of its event_batches rows,
 * concatenated in batch order (evbatch.h). That stream holds the run's
 * events and its scheduling decisions, packed, in batches cut every
 * EVBATCH_EVENTS records, so it is a function of the run's trace and
 * schedule alone: the same on every run, build and machine for the same
 * trace, never holding wall time or host details. Anyone can check it:
 *
 *     sqlite3 threadsim.db "SELECT data FROM event_batches WHERE run_id = 7
 *                           ORDER BY batch" ... | xxhsum -H1
 *
 * (the blobs' bytes end to end; tests/test_store.c does it with SQL). It is
 * hashed a whole batch at a time, a few tenths of a nanosecond a byte, where
 * hashing each event's formatted line cost more than the run itself.
 *
 * Runs recorded before (kind 1) carry FNV-1a 64 (offset basis
 * 0xcbf29ce484222325, prime 0x100000001b3) of their full view, the bytes
 * `threadsim show RUN --trace` prints; replay compares such a run with the
 * full view's FNV-1a. Both are written as 16 lowercase hex digits.
 *
 * Neither is a cryptographic hash: they tell traces apart reliably by
 * accident (a 2^-64 chance), not against someone forging a collision, which
 * is all CI and replay need. `diff` compares the full views themselves.
 */
#ifndef TRACES_HASH_H
#define TRACES_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "evbatch.h"
#include "replay.h"
#include "trace.h"

#define TRACE_HASH_INIT UINT64_C(0xcbf29ce484222325)  /* FNV-1a 64 offset basis */

enum { TRACE_HASH_FNV_VIEW = 1, TRACE_HASH_STREAM = 2 };  /* the kinds above */

/* Continue FNV-1a hash `h` over `n` bytes. */
uint64_t trace_hash_bytes(uint64_t h, const void *p, size_t n);
/* `h` as 16 lowercase hex digits and a NUL. */
void trace_hash_hex(uint64_t h, char out[17]);
/* Parse 16 hex digits; returns 0, or -1 if `s` is not such a string. */
int trace_hash_parse(const char *s, uint64_t *out);

/* XXH64, streaming: init, feed bytes in any pieces, read the digest (the
 * state stays usable). "" gives 0xef46db3751d8e999. */
typedef struct trace_xxh64 {
    uint64_t v[4];            /* the four lanes */
    uint64_t total;           /* bytes fed */
    uint8_t buf[32];          /* a stripe not yet full */
    uint32_t nbuf;
} trace_xxh64;

void trace_xxh64_init(trace_xxh64 *x);
void trace_xxh64_update(trace_xxh64 *x, const void *p, size_t n);
uint64_t trace_xxh64_digest(const trace_xxh64 *x);
/* One call: XXH64 of `n` bytes, seed 0. */
uint64_t trace_xxh64_of(const void *p, size_t n);

/* FNV-1a 64 of the full view of events fed in order (kind 1): what a
 * recording into a store still at schema 4 or older carries, as the
 * threadsim that made that store did. */
typedef struct trace_view_hasher {
    uint64_t h;
    trace_names names;
    sim_buf line;
} trace_view_hasher;

void trace_view_hasher_init(trace_view_hasher *v);
void trace_view_hasher_fini(trace_view_hasher *v);
void trace_view_hasher_see(trace_view_hasher *v, const sim_event *ev);

/* Computes the trace hash of a run without a store: packs events and
 * decisions as the recorder does (the same batches) and hashes each batch
 * as it fills. Feed everything in the run's order. */
typedef struct trace_hasher {
    evbatch_enc enc;
    trace_xxh64 x;
    uint64_t events;          /* events seen (a decision's seq) */
} trace_hasher;

void trace_hasher_init(trace_hasher *th);
void trace_hasher_fini(trace_hasher *th);
/* Feed the next event (a sim_sink_fn with trace_hasher_sink). */
void trace_hasher_see(trace_hasher *th, const sim_event *ev);
void trace_hasher_sink(void *ud, const sim_event *ev);
/* Feed a decision, taken after the events seen so far (a sim_decision_fn
 * with `ud` the trace_hasher). */
void trace_hasher_decision(void *ud, uint64_t index, uint32_t n, uint32_t chosen,
                           uint32_t thread, bool step);
/* The hash of everything fed so far. */
uint64_t trace_hasher_value(const trace_hasher *th);
/* The trace hash of an in-memory trace and its schedule (`d`, `nd`: the
 * decisions with the seq each followed; NULL, 0 for none). */
uint64_t trace_hash(const trace *t, const trace_decision *d, size_t nd);

#endif
