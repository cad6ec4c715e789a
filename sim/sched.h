/*
 * sim/sched.h — the discrete-event scheduler: green threads on a virtual clock.
 *
 * Exactly one green thread runs at a time. It runs until it blocks or
 * finishes; then the scheduler asks its policy which ready thread runs next
 * (the default policy takes the one that has been ready longest: FIFO). When
 * no thread is ready, and only then, the virtual clock jumps to the earliest
 * pending timer and that one timer fires; the threads it wakes (and whatever
 * they wake) run until nothing is ready again before the next timer fires.
 * Timers due at the same instant fire in the order they were armed.
 *
 * Switching is direct: the thread that blocks picks its successor and swaps
 * to it, so a hand-off costs one context switch. The host context (the caller
 * of sim_sched_run) is resumed only when the run ends:
 *
 *   SIM_FINISHED  the program called sim_sched_finish() (main is done);
 *   SIM_STALLED   nothing is ready and no timer is pending, yet threads wait:
 *                 the model reports the deadlock;
 *   SIM_LIMIT     the event or virtual-time limit of sim_config was reached.
 *
 * Threads still alive at that point are left suspended; sim_sched_kill_rest()
 * reports each (what it was waiting for) and releases its stack.
 *
 * One way to block: every wait in the model (sleep, join, lock, condition,
 * queue...) goes through sim_block(), which records a reason, an object and an
 * optional deadline; the model keeps its own waiter lists and wakes threads
 * with sim_wake(). A timed-out wait returns SIM_TIMEDOUT and the model removes
 * the thread from its list. Only the scheduler moves `now`.
 *
 * The end of time: deadlines are computed with sim_time_add() (sim/num.h) and
 * saturate at SIM_TIME_END. A wait until SIM_TIME_END never times out (no
 * timer is armed for it; the wait keeps SIM_TIME_END as its deadline, so
 * traces and reports say "past the end of time"), and the clock never
 * reaches it: charging a switch interval stops at SIM_TIME_END - 1. So a run
 * whose only pending deadlines lie past the end of time stalls
 * (SIM_STALLED), which the model reports like a deadlock.
 *
 * Preemption: the model calls sim_tick() on each API call (the interpreter,
 * on each statement). After cfg.switch_steps ticks without blocking, the
 * thread has used its switch interval: cfg.switch_ns is charged to the clock,
 * timers due by then fire, and the thread goes to the back of the ready queue.
 *
 * Scheduling decisions are points where more than one thread could run next.
 * Each is numbered and passed to the on_decision hook (to be recorded), and a
 * replay policy can reproduce a run from those records.
 */
#ifndef SIM_SCHED_H
#define SIM_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "ctx.h"
#include "event.h"
#include "num.h"
#include "stack.h"
#include "timerq.h"

typedef struct sim_sched sim_sched;
typedef struct sim_thread sim_thread;

#define SIM_NS_PER_SEC INT64_C(1000000000)
#define SIM_FOREVER (-1)   /* deadline: wait without timeout */

typedef enum sim_tstate {
    SIM_T_NEW,        /* created, not started */
    SIM_T_READY,      /* in the ready queue */
    SIM_T_RUNNING,    /* the one thread on the CPU */
    SIM_T_BLOCKED,    /* in sim_block() */
    SIM_T_DONE,       /* finished normally or by exception */
    SIM_T_KILLED,     /* still alive when the run ended, now reclaimed */
} sim_tstate;

/* Why a thread waits; kept while it is blocked (deadlock and kill reports). */
typedef struct sim_wait {
    const char *reason;   /* static string: "sleep", "join", "lock", ... */
    uint32_t obj;         /* model object id, or SIM_NONE */
    const char *what;     /* human text for the object ("Thread daemon"); owned by the model */
    int64_t deadline;     /* virtual ns, SIM_FOREVER, or SIM_TIME_END (past the end of time) */
} sim_wait;

enum { SIM_WOKEN = 0, SIM_TIMEDOUT = 1 };

typedef enum sim_status {
    SIM_RUNNING = 0,      /* the run is in progress */
    SIM_FINISHED,         /* sim_sched_finish() was called */
    SIM_STALLED,          /* nothing can ever run again, threads still wait */
    SIM_LIMIT,            /* max_events or max_time reached */
    SIM_NOSTACK,          /* sim_sched_run: no stack for the first thread; nothing ran */
} sim_status;

struct sim_thread {
    uint32_t id;          /* dense, in creation order; 0 is the first created */
    sim_tstate state;
    char *name;           /* for traces; owned (copied): name_buf, or malloc'd when longer */
    char name_buf[16];    /* short names live here (no allocation per thread) */
    sim_ctx ctx;          /* saved registers while not running */
    sim_stack *stack;     /* NULL once reclaimed */
    void (*entry)(void *);/* the thread's body; must end in sim_thread_exit() */
    void *arg;            /* for entry */
    sim_wait wait;        /* valid while BLOCKED */
    sim_timer timeout;    /* deadline of the current wait */
    int wake_result;      /* SIM_WOKEN or SIM_TIMEDOUT, set before it resumes */
    uint32_t steps;       /* ticks since it last blocked or was preempted */
    uint64_t unbilled;    /* ticks run before blocks, not yet charged to the clock */
    int64_t cpu_ns;       /* virtual CPU time: the switch intervals charged while it ran */
    uint64_t ready_stamp; /* order it entered the ready queue (FIFO key) */
    int64_t ready_at;     /* virtual time it entered the ready queue (the jitter counts from it) */
    void *user;           /* the model's object for this thread */
    /* A thread on the shared stack (sim_thread_share_stack): its frames
     * while another shared thread has the stack, copied out and back. */
    void *saved;          /* saved_cap bytes (sched.c's frame buffers); NULL until first set aside */
    uint32_t saved_len, saved_cap;
    bool shared;          /* runs on the scheduler's shared stack */
    bool fresh;           /* shared, started, never run: its context is made at its first run */
};

/* Chooses which ready thread runs next: returns an index < n into the ready
 * queue (0 = ready longest). Called only when n >= 2.
 *
 * every_step: also offer a choice at every sim_tick() (each model call, each
 * Python statement) while another thread is ready: the running thread is
 * put at the back of the ready queue as the last candidate, and if the
 * policy picks another thread, the running one is preempted there (a
 * `preempt` event with arg 0, no time charged). This is what lets a random
 * or PCT search interleave the statements of an unprotected `counter += 1`.
 * FIFO leaves it off: the default schedule switches only when a thread
 * blocks, yields, starts another or uses up its switch interval. */
/* Timers this close (ns) but further apart than the policy's jitter are
 * noted once a run where timing is a choice ("near-timers": sched.c). */
#define SIM_NEAR_NS INT64_C(10000000)

typedef struct sim_policy {
    const char *name;
    uint32_t (*pick)(void *ud, sim_sched *s, uint32_t n);
    void *ud;
    bool every_step;
    /* Timing as a choice (the explorer): when two or more timers are due
     * at the instant the clock moves to (or within `jitter` ns after it),
     * which fires first is a decision too: pick_timer gets n >= 2
     * candidates in (when, arming) order, 0 = the default's (the earliest,
     * armed first), with sim_sched.timer_decision set. NULL: the default. */
    uint32_t (*pick_timer)(void *ud, sim_sched *s, uint32_t n);
    int64_t jitter;
} sim_policy;

/* Called at every decision (n >= 2 candidates) with the index chosen.
 * `step`: an every_step decision (sim_sched.step_decision): the running
 * thread is the last candidate (n - 1), so choosing another preempts it. */
typedef void (*sim_decision_fn)(void *ud, uint64_t index, uint32_t n, uint32_t chosen,
                                uint32_t thread, bool step);

typedef struct sim_config {
    size_t stack_size;        /* usable bytes per green thread (default 256 KiB; at least
                               * this much, sim/stack.h) */
    uint32_t switch_steps;    /* ticks per switch interval; 0 = never preempt */
    int64_t switch_ns;        /* virtual ns charged per switch interval (5 ms) */
    uint64_t max_events;      /* stop after this many events; 0 = no limit */
    uint64_t max_decisions;   /* stop after this many decisions (the explorer's bound on a
                               * schedule's length); 0 = no limit */
    int64_t max_time;         /* stop when the clock would pass this; <0 = no limit */
    const char *backend;      /* context backend name (sim/ctx.h); NULL = the default */
    /* Stacks charged against a budget (sim/stack.h, sim_stack_pool_charge):
     * NULL = not charged. */
    sim_stack_charge_fn stack_charge;
    void *stack_charge_ud;
    size_t stack_first, stack_chunk;
} sim_config;

/* The defaults: 256 KiB stacks, 10000 ticks = 5 ms, no limits. */
sim_config sim_config_default(void);

struct sim_sched {
    int64_t now;              /* virtual ns; advanced only by the scheduler */
    int64_t cpu_ns;           /* of `now`, the switch intervals charged (CPU time, all threads) */
    /* A CPU-time alarm: once cpu_ns reaches cpu_due (0: none), on_cpu is
     * called, right after the interval that got there is charged (before the
     * timers due by then fire); it sets the next cpu_due itself. */
    int64_t cpu_due;
    void (*on_cpu)(void *ud, struct sim_sched *s);
    void *on_cpu_ud;
    sim_status status;
    sim_config cfg;
    sim_thread *current;      /* running thread, NULL in the host context */
    sim_thread **threads;     /* all threads by id */
    uint32_t nthreads, cap_threads;
    sim_thread **rq;          /* ready queue: ring buffer */
    uint32_t rq_head, rq_len, rq_cap; /* rq_cap: a power of two */
    uint64_t ready_seq;       /* stamps ready_stamp */
    sim_timerq timers;        /* pending timed events */
    sim_stack_pool stacks;
    const sim_ctx_backend *ctx_ops; /* how contexts are made and switched */
    sim_ctx host;             /* the caller of sim_sched_run */
    ucontext_t host_uc;       /* the host's saved state under the "ucontext" backend */
    sim_thread *zombie;       /* finished thread whose stack awaits release */
    uint64_t nevents;         /* events emitted so far (the last seq) */
    uint64_t ndecisions;      /* scheduling decisions so far */
    uint64_t nswitches;       /* context switches so far */
    sim_policy policy;
    sim_sink_fn sink;  void *sink_ud;
    sim_decision_fn on_decision; void *decision_ud;
    const char *limit_reason; /* which limit ended the run (SIM_LIMIT) */
    bool step_decision;       /* the pick in progress is an every_step one: the running
                               * thread is the last candidate, and picking it (n - 1)
                               * means "no switch" */
    bool timer_decision;      /* the pick in progress is pick_timer's: which timer fires */
    bool release_decision;    /* ... is sim_decide_point's: where CPython releases the
                               * GIL (a write), so another thread likely runs */
    /* The decision in progress also offers the threads whose timeouts are
     * due (policy.pick_timer set: at most SIM_DUE_MAX of those due by now,
     * or within policy.jitter of it), after the ready threads but before a
     * step decision's running thread; choosing one fires its timer there.
     * Two sleepers due at one instant are then both runnable, as in
     * CPython, where the first woken does not run alone to its end. */
    sim_thread *due[16];
    uint32_t ndue;
    bool no_due;              /* the pick follows a timer fired when none was ready */
    bool due_capped;          /* more were due than `due` holds (a "due-cap" note said so) */
    bool near_noted;          /* a "near-timers" note was made (sched.c: sched__note_near) */
    /* The shared stack (see sim_thread_share_stack), made at the first start
     * of a shared thread, and the helper context that swaps frames on it. */
    sim_stack *shr;           /* the stack every shared thread runs on */
    sim_thread *shr_owner;    /* whose frames are on it now, or NULL */
    sim_stack *helper_stack;  /* the helper's own small stack */
    sim_ctx helper;           /* the helper: copies frames out and in, then resumes helper_to */
    sim_thread *helper_to;    /* the shared thread the helper is to resume */
    uint64_t shr_copied;      /* bytes copied out and in so far (for benchmarks) */
    /* Buffers for set-aside frames: 64-byte size classes up to SIM_FRAMES_MAX,
     * each with a LIFO free list, carved from SIM_FRAMES_BLOCK-byte blocks
     * (no malloc per thread; kept until sim_sched_fini, as stacks are). */
    void *frames_free[64];    /* class c holds (c + 1) * 64 bytes */
    char *frames_bump, *frames_end; /* the newest block's uncarved part */
    void *frames_blocks;      /* all blocks, linked through their first word */
};

/* Returns -1 on out-of-memory or an unknown cfg->backend. `cfg` may be NULL
 * for the defaults. */
int sim_sched_init(sim_sched *s, const sim_config *cfg);
/* Frees every thread and stack. Call after the run ended (or never began). */
void sim_sched_fini(sim_sched *s);
void sim_sched_set_sink(sim_sched *s, sim_sink_fn fn, void *ud);
void sim_sched_set_policy(sim_sched *s, sim_policy p);
void sim_sched_on_decision(sim_sched *s, sim_decision_fn fn, void *ud);
/* The FIFO policy of DESIGN.md. */
sim_policy sim_policy_fifo(void);

/* A new thread in state NEW. `name` is copied. NULL on out-of-memory. */
sim_thread *sim_thread_create(sim_sched *s, const char *name, void (*entry)(void *),
                              void *arg, void *user);
/* Rename (Python lets a thread be renamed). Returns -1 on out-of-memory. */
int sim_thread_rename(sim_sched *s, sim_thread *t, const char *name);
/* Before `t` starts: run it on the scheduler's one shared stack instead of
 * a stack of its own, as greenlet runs Python's greenlets. While it is
 * running, its frames are on the shared stack; when another shared thread
 * needs the stack, they are copied aside (exactly the bytes in use, a few
 * hundred for a thread blocked in sim_sleep) and copied back before it runs
 * again. An idle shared thread then costs its record and those bytes, not a
 * page of stack, and starting one costs no fresh page: what a million
 * mostly-idle threads need (tools/bench_threads). Switching between two
 * shared threads costs two extra context switches (through the helper) and
 * the two copies; a thread that resumes while its frames are still on the
 * stack (no other shared thread ran meanwhile) pays nothing extra.
 *
 * The rule it imposes, greenlet's: a shared thread's frames live at the
 * same addresses as every other shared thread's, so no other thread may
 * use a pointer into them (a local passed to a thread it starts, a waiter
 * node on its stack) while it is set aside. The model's threads and Python
 * threads never use it; it is for C API code that keeps its shared state
 * off the stack. Overflowing the shared stack hits its guard page, as with
 * a stack of its own. Out of memory for the copy ends the run with
 * SIM_LIMIT ("out of memory for a shared stack's frames").
 *
 * Returns 0, or -1 with errno EINVAL (`t` was started already) or ENOTSUP
 * (the context backend is not "asm": the copies need the real stack
 * pointer). */
int sim_thread_share_stack(sim_sched *s, sim_thread *t);
/* Run from the host context: `first` starts running; returns when the run
 * ends (see sim_status), or SIM_NOSTACK at once if `first` gets no stack. */
sim_status sim_sched_run(sim_sched *s, sim_thread *first);
/* From a green thread: end the run (status SIM_FINISHED). Does not return. */
_Noreturn void sim_sched_finish(sim_sched *s);
/* From the host after the run: emit `killed` for every thread still alive
 * (state NEW threads are ignored) and reclaim its stack. */
void sim_sched_kill_rest(sim_sched *s);

/* From a green thread: start `t` (NEW). Under the default policy `t` runs at
 * once and the caller becomes ready behind every thread already ready. `arg`
 * is recorded in the start event (the model puts the daemon flag there).
 * Returns -1 with errno set, and nothing happens, when no stack (or memory
 * for the ready queue and timer heap) can be had for `t`: out of address
 * space, mappings or memory is the caller's error to report (Python:
 * RuntimeError "can't start new thread"), never an abort. A thread that
 * started has room reserved in the ready queue and the timer heap, so
 * nothing it does later can run out of memory in the scheduler. */
int sim_thread_start(sim_sched *s, sim_thread *t, int64_t arg);
/* The current thread ends. Does not return. */
_Noreturn void sim_thread_exit(sim_sched *s, const char *how);
/* Block the current thread (see "One way to block"). Returns SIM_WOKEN or
 * SIM_TIMEDOUT. A deadline <= now times out without running anything else
 * first only if nothing else is ready (it is a scheduling point). */
int sim_block(sim_sched *s, const char *reason, uint32_t obj, const char *what,
              int64_t deadline);
/* Make blocked thread `t` ready (back of the queue), cancel its deadline.
 * `cause` is a static string for the trace. */
void sim_wake(sim_sched *s, sim_thread *t, const char *cause, uint32_t obj);
/* Sleep for `ns` virtual nanoseconds; ns <= 0 yields. A sleep past the end
 * of time never ends (see "The end of time"). */
void sim_sleep(sim_sched *s, int64_t ns);
/* Give up the CPU, staying ready (back of the queue). */
void sim_yield(sim_sched *s);
/* Count one step of the current thread toward its switch interval. */
void sim_tick(sim_sched *s);
/* sim_tick at a point where the switch interval may or may not end: a
 * policy deciding at every step still decides, but a thread that has used
 * its interval is preempted only at the next point with can_switch (CPython
 * switches only at its eval-breaker checks: loop back-edges, calls). */
void sim_tick_at(sim_sched *s, bool can_switch);
/* sim_tick_at where a policy deciding at every step may also be told not
 * to (can_decide false: a step the search leaves out, e.g. a line of the
 * standard library's own code). */
void sim_tick_point(sim_sched *s, bool can_switch, bool can_decide);
/* A choice for a policy deciding at every step, and nothing else: no step
 * counted, so the default schedule is the same with or without it (the
 * point between print's arguments and its write under -u). The pick has
 * release_decision set: CPython releases the GIL there. */
void sim_decide_point(sim_sched *s);

/* Emit an event; seq, time are filled in, and thread if SIM_NONE is given
 * while a thread runs. Checks the event limit. */
void sim_emit(sim_sched *s, sim_event *ev);
/* Shorthand for text events by the current thread. */
void sim_emit_text(sim_sched *s, sim_ev_kind kind, uint32_t obj, int64_t arg,
                   const char *reason, const char *text, size_t len);

/* The ready queue, for policies and the stepper: i-th oldest ready thread;
 * during a decision, its i-th candidate (a due timeout's thread too, see
 * sim_sched.due). */
sim_thread *sim_ready_at(const sim_sched *s, uint32_t i);
/* Whether a decision at this point could have a candidate besides the
 * running thread: a ready thread, or (timing as a choice) a timer due by
 * now or within the policy's jitter. Cheap: for the hot path's check. */
static inline bool sim_has_choice(const sim_sched *s)
{
    if (s->rq_len)
        return true;
    const sim_timer *tm = s->policy.pick_timer ? sim_timerq_peek(&s->timers) : NULL;
    return tm && (tm->when <= s->now ||
                  (s->policy.jitter > 0 && tm->when - s->now <= s->policy.jitter));
}
static inline uint32_t sim_ready_count(const sim_sched *s) { return s->rq_len; }
static inline sim_thread *sim_current(const sim_sched *s) { return s->current; }
static inline int64_t sim_now(const sim_sched *s) { return s->now; }

const char *sim_tstate_name(sim_tstate st);

#endif
