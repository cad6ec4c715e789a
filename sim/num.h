/*
 * sim/num.h — numbers that must not overflow: saturating virtual-time
 * arithmetic, and the one strict way every layer parses numbers from text.
 *
 * Time. Virtual time is int64 nanoseconds. A deadline is "now + timeout",
 * and a program may ask for any timeout (Python's time.sleep(9.2e9) is
 * legal, and so is a second one after it), so every such sum goes through
 * sim_time_add(), which saturates at SIM_TIME_END instead of wrapping (a
 * wrapped deadline would lie in the past and fire at once). SIM_TIME_END is
 * the end of time: a deadline there never comes (the scheduler arms no timer
 * for it), and the clock itself stops one nanosecond short of it, so
 * "deadline <= now" is never true of it anywhere. A run in which nothing is
 * left but waits past the end of time has stalled, like a deadlock
 * (sim/sched.h).
 *
 * Parsing. Command-line options, run references and stored fields are read
 * by these two functions only, so every number is accepted or refused the
 * same way:
 *
 *   sim_parse_u64   decimal digits only: no sign, no blanks, no 0x, nothing
 *                   after; at most `max` (values past UINT64_MAX are out of
 *                   range, never clamped);
 *   sim_parse_secs  a decimal number: digits with an optional fraction and
 *                   exponent ("2", "0.5", ".5", "1e-3", "2.5E2"); no sign,
 *                   no blanks, no hex, no inf or nan; finite and at most
 *                   `max`, and not so small that it underflows.
 *
 * Both return SIM_NUM_OK, SIM_NUM_SYNTAX (not the form above) or
 * SIM_NUM_RANGE (the form, but too large), and leave *out alone on error.
 */
#ifndef SIM_NUM_H
#define SIM_NUM_H

#include <stdint.h>

/* The end of time (INT64_MAX ns, about 292 years): see above. */
#define SIM_TIME_END INT64_MAX

/* t + d, saturated to [INT64_MIN, SIM_TIME_END]. */
static inline int64_t sim_time_add(int64_t t, int64_t d)
{
    int64_t r;
    if (__builtin_add_overflow(t, d, &r))
        return d > 0 ? SIM_TIME_END : INT64_MIN;
    return r;
}

enum { SIM_NUM_OK = 0, SIM_NUM_SYNTAX = -1, SIM_NUM_RANGE = -2 };

int sim_parse_u64(const char *s, uint64_t max, uint64_t *out);
int sim_parse_secs(const char *s, double max, double *out);

#endif
