/*
 * traces/store_explore.h — explorations in the store (schema version 2).
 *
 *   explorations  one row per `threadsim explore`: the program, its options
 *                 in canonical text (what `merge` compares), the shard (K/N
 *                 or NULL), schedules run, distinct outcomes, whether the
 *                 bounded space was exhausted, and metadata never compared
 *                 (recorded_at, host, version);
 *   outcomes      (exploration_id, idx): exit status, failure kind and its
 *                 first line, the output view (BLOB), count, the index of
 *                 the first schedule, the fewest preemptions, the replay
 *                 token, and the run that represents it, stored in full
 *                 (runs.id: `show`, `replay` and `export` work on it);
 *   explored      (exploration_id, schedule): the schedule's choices as
 *                 ranks (the token's bytes: a few per preemption; empty for
 *                 random and PCT, whose schedule i is the seed + i) and the
 *                 index of its outcome. 100k schedules take a few MB.
 *
 * An exploration is written in one transaction: it is there whole or not
 * at all.
 */
#ifndef TRACES_STORE_EXPLORE_H
#define TRACES_STORE_EXPLORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

typedef struct store_x_outcome {
    int exit_status;
    char *failure;            /* "exception", "deadlock", "limit" or NULL */
    char *detail;             /* or NULL */
    char *output;             /* the output view (len bytes, NUL-terminated) */
    size_t len;
    uint64_t count, first;
    uint32_t preemptions;
    char *token;
    int64_t run_id;           /* its representative run, stored in full; 0 = none */
} store_x_outcome;

typedef struct store_x_sched {
    const void *choices;      /* ranks, coded as the token's bytes */
    size_t len;
    uint32_t outcome;         /* index into the outcomes */
} store_x_sched;

typedef struct store_exploration {
    int64_t id;
    char *program, *options, *shard; /* shard NULL when unsharded */
    uint64_t schedules;
    bool exhausted;
    uint64_t max_outputs;     /* stopped by --max-outputs at this many bytes; 0 if not */
    char *recorded_at;        /* read back; set by store_x_save */
    char *version;            /* threadsim's, for store_x_save */
    store_x_outcome *out;     /* store_x_get fills these */
    size_t nout;
} store_exploration;

/* Write exploration x (x->id set on return) with its outcomes and the
 * schedules (nsched rows, may be 0). */
int store_x_save(store *st, store_exploration *x, const store_x_sched *sched, size_t nsched);
/* Newest first, at most `limit` (0: all); the outcomes are not loaded. */
int store_x_list(store *st, size_t limit, int (*fn)(void *ud, const store_exploration *x),
                 void *ud);
/* "last", "last~N" or a number: the exploration's id. */
int store_x_resolve(store *st, const char *ref, int64_t *id);
/* One exploration with its outcomes; free with store_x_free. */
int store_x_get(store *st, int64_t id, store_exploration *out);
void store_x_free(store_exploration *x);
/* Every explored schedule of exploration id, in order. */
int store_x_schedules_each(store *st, int64_t id,
                           int (*fn)(void *ud, uint64_t index, const void *choices, size_t len,
                                     uint32_t outcome),
                           void *ud);

#endif
