/*
 * sim/ctx.h — execution contexts: the one place that knows how to switch stacks.
 *
 * A context is a saved CPU state plus the stack it runs on. The scheduler
 * creates contexts with sim_ctx_make() and moves between them with
 * sim_ctx_switch(); it never touches ucontext directly, so a faster backend
 * (hand-written assembly saving six registers) can replace ucontext later by
 * adding a file beside ctx_ucontext.c, without touching sched.c.
 *
 * The host context (the C stack that called sim_sched_run) is a sim_ctx too,
 * with stack_base == NULL until the sanitizer runtime tells us its bounds.
 *
 * AddressSanitizer must be told about every stack switch (it tracks which
 * stack is current to find the frames of a report and to manage fake stacks):
 * sim_ctx_switch() brackets the switch with __sanitizer_start_switch_fiber /
 * __sanitizer_finish_switch_fiber when built with -fsanitize=address.
 */
#ifndef SIM_CTX_H
#define SIM_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <ucontext.h>

typedef struct sim_ctx {
    ucontext_t uc;        /* ucontext backend: saved registers and signal mask */
    void *stack_base;     /* lowest usable address of the stack; NULL = host, unknown yet */
    size_t stack_size;    /* usable bytes above stack_base */
    void *asan_fake;      /* ASan fake-stack handle kept while switched out */
} sim_ctx;

/* Name of the compiled-in backend ("ucontext"), for --version and benchmarks. */
const char *sim_ctx_backend(void);

/* Prepare `c` to run entry() on [stack, stack+size) the first time it is
 * switched to. entry() must never return: it ends by switching away with
 * dying = true. */
void sim_ctx_make(sim_ctx *c, void *stack, size_t size, void (*entry)(void));

/* Save the current state into `from` and resume `to`. `dying` says `from`
 * will never be resumed (its sanitizer fake stack is released). Returns when
 * something switches back to `from`. */
void sim_ctx_switch(sim_ctx *from, sim_ctx *to, bool dying);

/* Must be the first call in a context's entry function: completes the
 * sanitizer bookkeeping of the switch that started it. */
void sim_ctx_entered(void);

#endif
