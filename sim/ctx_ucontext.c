/*
 * sim/ctx_ucontext.c — the ucontext backend of sim/ctx.h.
 *
 * getcontext/makecontext/swapcontext are portable and correct, if not the
 * fastest (swapcontext saves and restores the signal mask with a system call
 * on glibc). The benchmark in tools/bench reports what a switch costs.
 */
#include "ctx.h"

#include <stdio.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
#define SIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_ASAN 1
#endif
#endif

#ifdef SIM_ASAN
#include <sanitizer/common_interface_defs.h>
/* The context being left by the switch in progress: finish_switch_fiber
 * reports the bounds of the stack we came from, which is how the host
 * context learns its own stack bounds. */
static _Thread_local sim_ctx *ctx__from;
#endif

const char *sim_ctx_backend(void) { return "ucontext"; }

void sim_ctx_make(sim_ctx *c, void *stack, size_t size, void (*entry)(void))
{
    if (getcontext(&c->uc) != 0) {
        perror("threadsim: getcontext");
        abort();
    }
    c->uc.uc_stack.ss_sp = stack;
    c->uc.uc_stack.ss_size = size;
    c->uc.uc_link = NULL;
    c->stack_base = stack;
    c->stack_size = size;
    c->asan_fake = NULL;
    makecontext(&c->uc, entry, 0);
}

#ifdef SIM_ASAN
static void ctx__finish(sim_ctx *self)
{
    const void *bottom = NULL;
    size_t size = 0;
    __sanitizer_finish_switch_fiber(self ? self->asan_fake : NULL, &bottom, &size);
    if (ctx__from && ctx__from->stack_base == NULL) {
        ctx__from->stack_base = (void *)bottom;
        ctx__from->stack_size = size;
    }
}
#endif

void sim_ctx_entered(void)
{
#ifdef SIM_ASAN
    ctx__finish(NULL);
#endif
}

void sim_ctx_switch(sim_ctx *from, sim_ctx *to, bool dying)
{
#ifdef SIM_ASAN
    ctx__from = from;
    __sanitizer_start_switch_fiber(dying ? NULL : &from->asan_fake, to->stack_base,
                                   to->stack_size);
#else
    (void)dying;
#endif
    if (swapcontext(&from->uc, &to->uc) != 0) {
        perror("threadsim: swapcontext");
        abort();
    }
#ifdef SIM_ASAN
    ctx__finish(from);
#endif
}
