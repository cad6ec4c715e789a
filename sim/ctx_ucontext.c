/*
 * sim/ctx_ucontext.c — the "ucontext" backend of sim/ctx.h: portable
 * getcontext/makecontext/swapcontext. Each swapcontext also saves and
 * restores the signal mask, a system call on glibc.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctx.h"

/* The context's ucontext_t lives at the top of its own stack, below which
 * the stack proper begins. */
static void ucontext__make(sim_ctx *c, void *stack, size_t size, void (*entry)(void))
{
    uintptr_t top = (uintptr_t)stack + size;
    ucontext_t *uc = (ucontext_t *)((top - sizeof(ucontext_t)) & ~(uintptr_t)63);
    if (getcontext(uc) != 0) {
        perror("threadsim: getcontext");
        abort();
    }
    uc->uc_stack.ss_sp = stack;
    uc->uc_stack.ss_size = (size_t)((char *)uc - (char *)stack);
    uc->uc_link = NULL;
    makecontext(uc, entry, 0);
    c->sp = uc;
}

static void ucontext__swap(sim_ctx *from, sim_ctx *to)
{
    if (!from->sp) {
        fputs("threadsim: a host context without sim_ctx_init_host\n", stderr);
        abort();
    }
    if (swapcontext(from->sp, to->sp) != 0) {
        perror("threadsim: swapcontext");
        abort();
    }
}

const sim_ctx_backend sim__ctx_ucontext = {"ucontext", ucontext__make, ucontext__swap};
