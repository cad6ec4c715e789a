/*
 * traces/hash.h — a run's trace hash: one number that says "same trace".
 *
 * The trace hash is the 64-bit FNV-1a hash (offset basis 0xcbf29ce484222325,
 * prime 0x100000001b3) of the trace's canonical full view: exactly the bytes
 * `threadsim show RUN --trace` prints, one line per event, '\n' after each.
 * The full view holds only virtual time, sequence numbers, thread names and
 * event details, never wall time or host details, so the hash is the same on
 * every run, build and machine for the same trace. It is written as 16
 * lowercase hex digits.
 *
 * FNV-1a is not a cryptographic hash: it tells traces apart reliably by
 * accident (a 2^-64 chance), not against someone forging a collision, which
 * is all CI and replay need. `diff` compares the full views themselves.
 *
 * A trace_hasher computes it incrementally as events stream by (the store's
 * recorder), so a run never needs its whole trace in memory to be hashed.
 */
#ifndef TRACES_HASH_H
#define TRACES_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

#define TRACE_HASH_INIT UINT64_C(0xcbf29ce484222325)  /* FNV-1a 64 offset basis */

/* Continue FNV-1a hash `h` over `n` bytes. */
uint64_t trace_hash_bytes(uint64_t h, const void *p, size_t n);
/* `h` as 16 lowercase hex digits and a NUL. */
void trace_hash_hex(uint64_t h, char out[17]);
/* Parse 16 hex digits; returns 0, or -1 if `s` is not such a string. */
int trace_hash_parse(const char *s, uint64_t *out);

/* Hashes the full view of events fed in order. */
typedef struct trace_hasher {
    uint64_t h;             /* hash of the lines so far */
    trace_names names;      /* thread names as of the last event */
    sim_buf line;           /* scratch: the current line */
} trace_hasher;

void trace_hasher_init(trace_hasher *th);
void trace_hasher_fini(trace_hasher *th);
/* Feed the next event (in seq order). */
void trace_hasher_see(trace_hasher *th, const sim_event *ev);
/* A sim_sink_fn over a trace_hasher. */
void trace_hasher_sink(void *ud, const sim_event *ev);
/* The hash of a whole in-memory trace. */
uint64_t trace_hash(const trace *t);

#endif
