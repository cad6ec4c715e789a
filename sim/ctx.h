/*
 * sim/ctx.h — execution contexts: the one place that knows how to switch stacks.
 *
 * A context is a saved CPU state plus the stack it runs on. The scheduler
 * creates contexts with sim_ctx_make() and moves between them with
 * sim_ctx_switch(), through a backend chosen per scheduler
 * (sim_config.backend); it never touches registers or ucontext itself.
 *
 * Two backends:
 *   "ucontext"  getcontext/makecontext/swapcontext: portable, but glibc's
 *               swapcontext saves and restores the signal mask with a system
 *               call on every switch (about a microsecond);
 *   "asm"       x86-64 System V only: saves the six callee-saved registers,
 *               the stack pointer, MXCSR and the x87 control word (what the
 *               ABI says survives a call) in a dozen instructions. Threads
 *               never change the signal mask, so nothing is lost.
 * The default is "asm" where it is available, else "ucontext". Both pass the
 * same test suite (tests/test_sched.c runs under each).
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
    void *sp;             /* "asm": saved stack pointer (registers are on the stack);
                           * "ucontext": the ucontext_t holding the saved state, at
                           * the top of the context's own stack, or for a host the
                           * storage given to sim_ctx_init_host() */
    void *stack_base;     /* lowest usable address of the stack; NULL = host, unknown yet */
    size_t stack_size;    /* usable bytes above stack_base */
    void *asan_fake;      /* ASan fake-stack handle kept while switched out */
} sim_ctx;

typedef struct sim_ctx_backend {
    const char *name;
    /* Prepare c to call entry() on [stack, stack+size) when first resumed. */
    void (*make)(sim_ctx *c, void *stack, size_t size, void (*entry)(void));
    /* Save the running state into from, resume to. */
    void (*swap)(sim_ctx *from, sim_ctx *to);
} sim_ctx_backend;

/* The backend called `name`, or NULL if unknown or not available here. */
const sim_ctx_backend *sim_ctx_backend_find(const char *name);
/* "asm" on x86-64, else "ucontext". */
const sim_ctx_backend *sim_ctx_backend_default(void);
/* Names of the available backends, comma separated, default first. */
const char *sim_ctx_backend_names(void);

/* Set up `c` as a host context: one that is switched away from before it
 * is ever switched to (the C stack that calls sim_sched_run). `uc` is where
 * the "ucontext" backend saves its state meanwhile; it must outlive the
 * context. (The green threads' contexts keep nothing outside their stacks,
 * so a thread costs a few dozen bytes here, not a ucontext_t's ~1 KB.) */
void sim_ctx_init_host(sim_ctx *c, ucontext_t *uc);

/* Prepare `c` to run entry() on [stack, stack+size) the first time it is
 * switched to. entry() must never return: it ends by switching away with
 * dying = true, and must call sim_ctx_entered() first. */
void sim_ctx_make(const sim_ctx_backend *b, sim_ctx *c, void *stack, size_t size,
                  void (*entry)(void));

/* Save the current state into `from` and resume `to`. `dying` says `from`
 * will never be resumed (its sanitizer fake stack is released). Returns when
 * something switches back to `from`. */
void sim_ctx_switch(const sim_ctx_backend *b, sim_ctx *from, sim_ctx *to, bool dying);

/* Must be the first call in a context's entry function: completes the
 * sanitizer bookkeeping of the switch that started it. */
void sim_ctx_entered(void);

#endif
