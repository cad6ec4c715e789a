/*
 * sim/ctx_ucontext.c — the "ucontext" backend of sim/ctx.h: portable
 * getcontext/makecontext/swapcontext. Each swapcontext also saves and
 * restores the signal mask, a system call on glibc.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ctx.h"

static void ucontext__make(sim_ctx *c, void *stack, size_t size, void (*entry)(void))
{
    if (getcontext(&c->uc) != 0) {
        perror("threadsim: getcontext");
        abort();
    }
    c->uc.uc_stack.ss_sp = stack;
    c->uc.uc_stack.ss_size = size;
    c->uc.uc_link = NULL;
    makecontext(&c->uc, entry, 0);
}

static void ucontext__swap(sim_ctx *from, sim_ctx *to)
{
    if (swapcontext(&from->uc, &to->uc) != 0) {
        perror("threadsim: swapcontext");
        abort();
    }
}

const sim_ctx_backend sim__ctx_ucontext = {"ucontext", ucontext__make, ucontext__swap};
