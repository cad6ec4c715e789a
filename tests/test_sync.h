/*
 * tests/test_sync.h — helpers for the suites of the synchronisation
 * primitives (test_lock.c, test_cond.c, test_sema.c, test_event.c,
 * test_timer.c, test_barrier.c, test_deadlock.c). Header-only: each suite
 * is one translation unit and gets its own copy.
 *
 * The suites write what happens as lines "TIME THREAD: message" with
 * sync_say(), TIME being the virtual time in seconds (three decimals when it is
 * a whole millisecond, else nine, so nothing is rounded away), and compare
 * the whole output with the expected text: order and exact times at once.
 */
#ifndef TS_TEST_SYNC_H
#define TS_TEST_SYNC_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/output.h"
#include "model/thread.h"
#include "test_util.h"

static trace TR;

static inline int sync_run(void (*main)(void *), void *arg)
{
    return ts_run_traced(NULL, main, arg, &TR);
}

static inline int sync_run_opts(const model_opts *o, void (*main)(void *), void *arg)
{
    return ts_run_traced(o, main, arg, &TR);
}

/* print("TIME NAME: message") from the running thread. */
static inline void sync_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void sync_say(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int64_t ns = model_now_ns();
    char when[64];
    if (ns % 1000000 == 0)
        snprintf(when, sizeof when, "%" PRId64 ".%03" PRId64, ns / 1000000000, ns / 1000000 % 1000);
    else
        snprintf(when, sizeof when, "%" PRId64 ".%09" PRId64, ns / 1000000000, ns % 1000000000);
    model_print("%s %s: %s", when, model_thread_name(model_current_thread()), msg);
}

static inline void sync_expect_output(const char *expected)
{
    char *out = ts_output(&TR);
    TS_ASSERT_STR_EQ(out, expected);
    free(out);
}

/* The full view has `needle` (printed in full when it does not). */
static inline bool sync_full_has(const char *needle)
{
    bool ok = ts_trace_has(&TR, needle);
    if (!ok) {
        char *full = ts_full(&TR);
        fprintf(stderr, "\nfull view lacks \"%s\":\n%s\n", needle, full);
        free(full);
    }
    return ok;
}

static inline bool sync_full_lacks(const char *needle) { return !ts_trace_has(&TR, needle); }

/* The full view has a line at virtual time `time` ("1.500000000") that ends
 * with `tail` (e.g. "T          timeout  lock Lock-1"); printed when not. */
static inline bool sync_full_line(const char *time, const char *tail)
{
    char *full = ts_full(&TR);
    bool ok = false;
    size_t tl = strlen(time), nl = strlen(tail);
    for (char *line = full; line && *line && !ok;) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        ok = len >= tl + nl && strncmp(line, time, tl) == 0 && line[tl] == ' ' &&
             strncmp(line + len - nl, tail, nl) == 0;
        line = end ? end + 1 : NULL;
    }
    if (!ok)
        fprintf(stderr, "\nfull view lacks a line \"%s ... %s\":\n%s\n", time, tail, full);
    free(full);
    return ok;
}

/* Events of `kind` (and `reason`, if not NULL) in the trace. */
static inline int sync_count(sim_ev_kind kind, const char *reason)
{
    int n = 0;
    for (size_t i = 0; i < TR.n; i++)
        if (TR.ev[i].kind == kind &&
            (!reason || (TR.ev[i].reason && strcmp(TR.ev[i].reason, reason) == 0)))
            n++;
    return n;
}

/* Inside a run: `rc` is -1 with exactly this exception pending; clears it. */
#define SYNC_EXPECT_ERROR(rc, type, msg)                                                           \
    do {                                                                                           \
        CU_ASSERT_EQUAL((rc), -1);                                                                 \
        CU_ASSERT_TRUE(model_err_occurred());                                                      \
        TS_ASSERT_STR_EQ(model_err_type(), (type));                                                \
        TS_ASSERT_STR_EQ(model_err_message(), (msg));                                              \
        model_err_clear();                                                                         \
    } while (0)

/* A thread with a name and a body, started at once. */
static inline model_thread *sync_spawn(const char *name, model_target_fn fn, void *arg)
{
    model_thread *t = model_thread_new(name, fn, arg, NULL);
    model_thread_start(t);
    return t;
}

#endif
