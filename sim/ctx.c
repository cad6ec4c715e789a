/*
 * sim/ctx.c — backend selection and the sanitizer bookkeeping shared by all
 * context backends (see ctx.h).
 */
#include "ctx.h"

#include <string.h>

#include "asan.h"

extern const sim_ctx_backend sim__ctx_ucontext;
#if defined(__x86_64__) && defined(__linux__)
extern const sim_ctx_backend sim__ctx_asm;
#define SIM_HAVE_ASM 1
#endif

static const sim_ctx_backend *const ctx__backends[] = {
#ifdef SIM_HAVE_ASM
    &sim__ctx_asm,
#endif
    &sim__ctx_ucontext,
};

const sim_ctx_backend *sim_ctx_backend_find(const char *name)
{
    for (size_t i = 0; i < sizeof ctx__backends / sizeof ctx__backends[0]; i++)
        if (strcmp(ctx__backends[i]->name, name) == 0)
            return ctx__backends[i];
    return NULL;
}

const sim_ctx_backend *sim_ctx_backend_default(void) { return ctx__backends[0]; }

const char *sim_ctx_backend_names(void)
{
#ifdef SIM_HAVE_ASM
    return "asm, ucontext";
#else
    return "ucontext";
#endif
}

#ifdef SIM_ASAN
#include <sanitizer/common_interface_defs.h>
/* The context being left by the switch in progress: finish_switch_fiber
 * reports the bounds of the stack we came from, which is how the host
 * context learns its own stack bounds. */
static _Thread_local sim_ctx *ctx__from;

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

void sim_ctx_init_host(sim_ctx *c, ucontext_t *uc)
{
    c->sp = uc;
    c->stack_base = NULL;
    c->stack_size = 0;
    c->asan_fake = NULL;
}

void sim_ctx_make(const sim_ctx_backend *b, sim_ctx *c, void *stack, size_t size,
                  void (*entry)(void))
{
    c->stack_base = stack;
    c->stack_size = size;
    c->asan_fake = NULL;
    b->make(c, stack, size, entry);
}

void sim_ctx_entered(void)
{
#ifdef SIM_ASAN
    ctx__finish(NULL);
#endif
}

void sim_ctx_switch(const sim_ctx_backend *b, sim_ctx *from, sim_ctx *to, bool dying)
{
#ifdef SIM_ASAN
    ctx__from = from;
    __sanitizer_start_switch_fiber(dying ? NULL : &from->asan_fake, to->stack_base,
                                   to->stack_size);
#else
    (void)dying;
#endif
    b->swap(from, to);
#ifdef SIM_ASAN
    ctx__finish(from);
#endif
}
