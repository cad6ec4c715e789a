/*
 * tests/test_log.h — a program-side log for model tests: green threads
 * append "TIME WHO what" lines (TIME in virtual seconds, nine decimals) and
 * the test compares the whole log with the expected text, so one assertion
 * checks order, values and exact virtual times together.
 *
 * Writing a note is not a model call: it neither ticks the switch interval
 * nor appears in the trace.
 */
#ifndef TS_TEST_LOG_H
#define TS_TEST_LOG_H

#include <stdarg.h>
#include <stdio.h>

#include "model/core.h"
#include "sim/buf.h"

static sim_buf ts_log;

static inline void ts_log_reset(void) { sim_buf_free(&ts_log); }

static inline void ts_note(const char *who, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void ts_note(const char *who, const char *fmt, ...)
{
    int64_t ns = model_now_ns();
    sim_buf_printf(&ts_log, "%lld.%09lld %s ", (long long)(ns / 1000000000),
                   (long long)(ns % 1000000000), who);
    va_list ap;
    va_start(ap, fmt);
    sim_buf_vprintf(&ts_log, fmt, ap);
    va_end(ap);
    sim_buf_addc(&ts_log, '\n');
}

/* Note the pending exception as "Type: message" (or "Type") and clear it. */
static inline void ts_note_exc(const char *who)
{
    const char *msg = model_err_message();
    if (msg && *msg)
        ts_note(who, "%s: %s", model_err_type(), msg);
    else
        ts_note(who, "%s", model_err_type() ? model_err_type() : "(no exception)");
    model_err_clear();
}

#endif
