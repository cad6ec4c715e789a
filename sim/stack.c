/* sim/stack.c — stacks carved from slabs, guard pages, a free list (see stack.h). */
#include "stack.h"

#include <errno.h>
#include <stdbool.h>
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
#ifndef MADV_GUARD_REMOVE
#define MADV_GUARD_REMOVE 103
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
    p->charge = NULL;
    p->charge_ud = NULL;
    p->first = p->chunk = 0;
    p->soft_moves = 0;
}

void sim_stack_pool_charge(sim_stack_pool *p, size_t first, size_t chunk, sim_stack_charge_fn fn,
                           void *ud)
{
    size_t page = stack__page();
    p->charge = fn;
    p->charge_ud = ud;
    p->first = (first + page - 1) / page * page;
    p->chunk = (chunk ? chunk + page - 1 : page) / page * page;
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

/* The page at `at` is no guard any more. */
static int stack__unguard(sim_stack_pool *p, void *at)
{
    size_t page = stack__page();
    if (p->guard == SIM_GUARD_MADVISE)
        return madvise(at, page, MADV_GUARD_REMOVE);
    return mprotect(at, page, PROT_READ | PROT_WRITE);
}

/* ---- charging (see stack.h) ---------------------------------------------- */

static uint64_t soft_moves_all; /* every pool's soft_moves, in this process */
static uint64_t soft_grown_all; /* stacks whose soft guard is not at its first place */

uint64_t sim_stack_soft_moves(void) { return soft_moves_all; }
uint64_t sim_stack_soft_grown(void) { return soft_grown_all; }

/* The end of s's slot (its record is the last bytes below it). */
static char *stack__end(const sim_stack *s) { return (char *)s + STACK__REC; }

/* Where s's soft guard is when the stack is handed out; NULL when the
 * stack is too small to have one below its first bytes. */
static char *stack__canon(const sim_stack_pool *p, const sim_stack *s)
{
    size_t page = stack__page();
    size_t room = (size_t)(stack__end(s) - (char *)s->base);
    if (room <= p->first + page)
        return NULL;
    return stack__end(s) - p->first - page;
}

/* What a stack handed out is charged: its pages above the soft guard
 * `soft`, or all of it when it has none. */
static size_t stack__first_charge(const sim_stack *s, const char *soft)
{
    return (size_t)(stack__end(s) - (soft ? soft + stack__page() : (char *)s->base));
}

/* The soft guard's next place below `soft`: NULL when the rest of the
 * stack is less than a chunk and a page. */
static char *stack__next_soft(const sim_stack_pool *p, const sim_stack *s, char *soft)
{
    size_t page = stack__page();
    if ((size_t)(soft - (char *)s->base) <= p->chunk + page)
        return NULL;
    return soft - p->chunk;
}

size_t sim_stack_soft_hit(const sim_stack_pool *p, const sim_stack *s, const void *addr)
{
    const char *a = addr;
    if (!p->charge || !s || !s->soft || a < s->soft || a >= s->soft + stack__page())
        return 0;
    char *next = stack__next_soft(p, s, s->soft);
    return next ? (size_t)(s->soft - next) : (size_t)(s->soft + stack__page() - (char *)s->base);
}

int sim_stack_soft_grow(sim_stack_pool *p, sim_stack *s)
{
    if (!s->soft)
        return -1;
    char *next = stack__next_soft(p, s, s->soft);
    size_t more = next ? (size_t)(s->soft - next) : (size_t)(s->soft + stack__page() - (char *)s->base);
    if (next && stack__guard(p, next) != 0)
        return -1;
    if (stack__unguard(p, s->soft) != 0)
        return -1;
    if (s->soft == stack__canon(p, s))
        soft_grown_all++;
    s->soft = next;
    s->charged += more;
    p->soft_moves++;
    soft_moves_all++;
    return 0;
}

/* A stack being handed out: its first charge (and its soft guard, on a
 * fresh slot). 0, or -1 with errno ENOMEM. */
static int stack__charge_out(sim_stack_pool *p, sim_stack *s, bool fresh)
{
    if (!p->charge) {
        s->soft = NULL;
        s->charged = 0;
        return 0;
    }
    /* a fresh slot gets its soft guard at its first place; a released
     * stack has it there (or none, if it could not be put back) */
    size_t c = stack__first_charge(s, fresh ? stack__canon(p, s) : s->soft);
    if (p->charge(p->charge_ud, (ptrdiff_t)c) != 0) {
        errno = ENOMEM;
        return -1;
    }
    if (fresh) {
        s->soft = stack__canon(p, s);
        if (s->soft && stack__guard(p, s->soft) != 0) {
            (void)p->charge(p->charge_ud, -(ptrdiff_t)c);
            errno = ENOMEM;
            return -1;
        }
    }
    s->charged = c;
    return 0;
}

/* A stack coming back: the pages below its first bytes to the OS, the soft
 * guard at its first place, the charge back. */
static void stack__charge_in(sim_stack_pool *p, sim_stack *s)
{
    if (!p->charge)
        return;
    char *canon = stack__canon(p, s);
    if (canon && s->soft != canon) {
        if (s->soft)
            (void)stack__unguard(p, s->soft);
        (void)madvise(s->base, (size_t)(canon - (char *)s->base), MADV_DONTNEED);
        if (stack__guard(p, canon) == 0) {
            s->soft = canon;
            soft_grown_all--;
        } else {
            s->soft = NULL; /* the next thread on it is charged as it grows no more */
        }
        p->soft_moves++;
        soft_moves_all++;
    }
    (void)p->charge(p->charge_ud, -(ptrdiff_t)s->charged);
    s->charged = 0;
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
        if (stack__charge_out(p, s, false) != 0)
            return NULL;
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
    size_t page = stack__page();
    sim_stack *s = (sim_stack *)(slot + p->slot - STACK__REC);
    s->base = slot + page;
    s->size = p->slot - page - STACK__REC;
    s->next = NULL;
    if (stack__charge_out(p, s, true) != 0)
        return NULL; /* uncarved: the next get tries it again (its guard is made) */
    sl->ncarved++;
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
    stack__charge_in(p, s);
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
