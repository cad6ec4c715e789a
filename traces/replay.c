/* traces/replay.c — the replay policy (see replay.h). */
#include "replay.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void trace_replay_init(trace_replay *r, const trace_decision *d, size_t n)
{
    memset(r, 0, sizeof *r);
    r->d = d;
    r->n = n;
}

static void replay__diverge(trace_replay *r, sim_sched *s, uint64_t k, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void replay__diverge(trace_replay *r, sim_sched *s, uint64_t k, const char *fmt, ...)
{
    va_list ap;
    r->diverged = true;
    r->at_decision = k;
    r->at_time = sim_now(s);
    r->at_seq = s->nevents;
    va_start(ap, fmt);
    vsnprintf(r->why, sizeof r->why, fmt, ap);
    va_end(ap);
}

static uint32_t replay__pick(void *ud, sim_sched *s, uint32_t n)
{
    trace_replay *r = ud;
    uint64_t k = s->ndecisions;
    if (r->diverged)
        return 0;
    if (r->next >= r->n) {
        replay__diverge(r, s, k, "the run needs more than the %zu recorded decisions", r->n);
        return 0;
    }
    const trace_decision *d = &r->d[r->next++];
    if (s->timer_decision || d->thread == SIM_NONE) {
        /* which of the timers due together fired first (an explorer's run) */
        if (!s->timer_decision || d->thread != SIM_NONE || d->n != n) {
            replay__diverge(r, s, k, "a %s decision where a %s one was recorded",
                            s->timer_decision ? "timer" : "thread",
                            d->thread == SIM_NONE ? "timer" : "thread");
            return 0;
        }
        return d->chosen;
    }
    if (d->n != n) {
        replay__diverge(r, s, k, "%" PRIu32 " threads are ready where %" PRIu32 " were recorded",
                        n, d->n);
        return 0;
    }
    uint32_t id = sim_ready_at(s, d->chosen)->id;
    if (id != d->thread) {
        replay__diverge(r, s, k,
                        "ready slot %" PRIu32 " holds thread %" PRIu32
                        " where thread %" PRIu32 " was recorded",
                        d->chosen, id, d->thread);
        return 0;
    }
    return d->chosen;
}

sim_policy trace_replay_policy(trace_replay *r)
{
    sim_policy p = {.name = "replay", .pick = replay__pick, .ud = r};
    return p;
}

bool trace_replay_finish(trace_replay *r, uint64_t decisions, int64_t time, uint64_t seq)
{
    if (!r->diverged && r->next < r->n) {
        r->diverged = true;
        r->at_decision = decisions;
        r->at_time = time;
        r->at_seq = seq;
        snprintf(r->why, sizeof r->why, "the run ended after %zu of the %zu recorded decisions",
                 r->next, r->n);
    }
    return !r->diverged;
}
