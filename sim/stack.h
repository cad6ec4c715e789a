/*
 * sim/stack.h — stacks for green threads.
 *
 * Each stack is one mmap'd region: a PROT_NONE guard page at the low end (a
 * stack overflow faults there instead of corrupting a neighbour) and `size`
 * usable bytes above it. The memory is reserved, not committed: pages are
 * touched only as deep as a thread's calls go, so a generous default costs
 * little. Released stacks go to a free list and are reused by the next
 * thread, which makes spawning cheap after the first few threads.
 */
#ifndef SIM_STACK_H
#define SIM_STACK_H

#include <stddef.h>

typedef struct sim_stack {
    void *base;               /* lowest usable byte (just above the guard page) */
    size_t size;              /* usable bytes */
    struct sim_stack *next;   /* free-list link */
} sim_stack;

typedef struct sim_stack_pool {
    size_t size;              /* usable bytes of every stack in this pool */
    sim_stack *free;          /* released stacks, most recently released first */
    unsigned nfree;           /* length of `free` */
    unsigned max_free;        /* stacks beyond this many are unmapped on release */
} sim_stack_pool;

/* Smallest stack size accepted; smaller requests are raised to it. */
#define SIM_STACK_MIN ((size_t)16 * 1024)

void sim_stack_pool_init(sim_stack_pool *p, size_t size, unsigned max_free);
/* A stack of p->size usable bytes, or NULL when memory is exhausted. */
sim_stack *sim_stack_get(sim_stack_pool *p);
void sim_stack_put(sim_stack_pool *p, sim_stack *s);
/* Unmaps every free stack. */
void sim_stack_pool_fini(sim_stack_pool *p);

#endif
