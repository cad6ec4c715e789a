/* sim/stack.c — stacks carved from slabs, guard pages, a free list (see stack.h). */
#include "stack.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "asan.h"
#ifdef SIM_ASAN
#include <sanitizer/asan_interface.h>
#endif

/* Linux 6.13's guard-page advice; older headers lack the name. */
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

/* Bytes at the top of a slot for its sim_stack record (keeps the stack top
 * 16-aligned, and the record off the stack's last cache line). */
#define STACK__REC 64

static size_t stack__page(void)
{
    static size_t page;
    if (!page) {
        long p = sysconf(_SC_PAGESIZE);
        page = p > 0 ? (size_t)p : 4096;
    }
    return page;
}

void sim_stack_pool_init(sim_stack_pool *p, size_t size)
{
    size_t page = stack__page();
    if (size < SIM_STACK_MIN)
        size = SIM_STACK_MIN;
    p->size = (size + page - 1) / page * page;
    p->slot = page + (p->size + STACK__REC + page - 1) / page * page;
    p->free = NULL;
    p->nfree = 0;
    p->nlive = 0;
    p->slabs = NULL;
    p->nslabs = 0;
    p->next_slots = SIM_STACK_SLAB_FIRST;
    p->guard = SIM_GUARD_UNKNOWN;
}

/* Make the page at `at` a guard page. */
static int stack__guard(sim_stack_pool *p, void *at)
{
    size_t page = stack__page();
    if (p->guard != SIM_GUARD_MPROTECT) {
        if (madvise(at, page, MADV_GUARD_INSTALL) == 0) {
            p->guard = SIM_GUARD_MADVISE;
            return 0;
        }
        if (errno != EINVAL || p->guard == SIM_GUARD_MADVISE)
            return -1; /* out of memory for page tables, or something unexpected */
        p->guard = SIM_GUARD_MPROTECT; /* a kernel older than 6.13 */
    }
    return mprotect(at, page, PROT_NONE);
}

/* A new slab of up to p->next_slots slots; fewer when the address space is
 * short, down to one. */
static sim_stack_slab *stack__slab(sim_stack_pool *p)
{
    size_t max = SIM_STACK_SLAB_MAX / p->slot;
    size_t n = p->next_slots < max ? p->next_slots : max;
    if (n == 0)
        n = 1;
    sim_stack_slab *sl = malloc(sizeof *sl);
    if (!sl) {
        errno = ENOMEM;
        return NULL;
    }
    for (;;) {
        void *mem = mmap(NULL, n * p->slot, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (mem != MAP_FAILED) {
            /* a 2 MiB huge page at the first touch would commit a whole
             * stack or more; a kernel without THP says EINVAL: fine */
            (void)madvise(mem, n * p->slot, MADV_NOHUGEPAGE);
            sl->mem = mem;
            break;
        }
        if (n == 1) {
            free(sl);
            errno = ENOMEM;
            return NULL;
        }
        n /= 2;
    }
    sl->nslots = n;
    sl->ncarved = 0;
    sl->next = p->slabs;
    p->slabs = sl;
    p->nslabs++;
    if (p->next_slots <= max / 2)
        p->next_slots *= 2;
    return sl;
}

sim_stack *sim_stack_get(sim_stack_pool *p)
{
    if (p->free) {
        sim_stack *s = p->free;
        p->free = s->next;
        p->nfree--;
        s->next = NULL;
        p->nlive++;
        return s;
    }
    sim_stack_slab *sl = p->slabs;
    if (!sl || sl->ncarved == sl->nslots) {
        sl = stack__slab(p);
        if (!sl)
            return NULL;
    }
    char *slot = sl->mem + sl->ncarved * p->slot;
    if (stack__guard(p, slot) != 0) {
        errno = ENOMEM;
        return NULL; /* the slot stays uncarved; the next get tries it again */
    }
    sl->ncarved++;
    size_t page = stack__page();
    sim_stack *s = (sim_stack *)(slot + p->slot - STACK__REC);
    s->base = slot + page;
    s->size = p->slot - page - STACK__REC;
    s->next = NULL;
    p->nlive++;
    return s;
}

void sim_stack_put(sim_stack_pool *p, sim_stack *s)
{
#ifdef SIM_ASAN
    /* A thread killed while suspended leaves its frames' redzones poisoned;
     * the next thread on this stack must start from clean shadow memory. */
    __asan_unpoison_memory_region(s->base, s->size);
#endif
    s->next = p->free;
    p->free = s;
    p->nfree++;
    p->nlive--;
}

void sim_stack_pool_fini(sim_stack_pool *p)
{
    while (p->slabs) {
        sim_stack_slab *sl = p->slabs;
        p->slabs = sl->next;
        munmap(sl->mem, sl->nslots * p->slot);
        free(sl);
    }
    p->free = NULL;
    p->nfree = 0;
    p->nlive = 0;
    p->nslabs = 0;
}
