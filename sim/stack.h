/*
 * sim/stack.h — stacks for green threads, carved from large slabs.
 *
 * A pool hands out stacks of one size. Each stack is a fixed-size slot of a
 * slab, one big anonymous mapping:
 *
 *   slab:  | guard | usable stack ............ rec | guard | usable ... rec | ...
 *            page    base                 base+size  ^ the slot's sim_stack record
 *
 * The guard page at the low end of each slot makes an overflow fault instead
 * of running into the neighbour. Guards are made with
 * madvise(MADV_GUARD_INSTALL) (Linux 6.13+), which marks the page in the
 * page tables and leaves the slab ONE mapping however many guards it holds;
 * where the kernel refuses that advice (EINVAL) the pool falls back to
 * mprotect(PROT_NONE), which costs two mappings per stack (the kernel's
 * vm.max_map_count, 65530 by default, then caps a run near 32k stacks).
 * The slot's sim_stack record sits at its top, above the usable bytes, in
 * the page the thread's first frames touch anyway: it costs no memory of its
 * own.
 *
 * Memory is reserved, not committed (MAP_NORESERVE; no transparent huge
 * pages, which would commit 2 MiB at a touch): a thread costs the pages its
 * calls reach, one page for a thread that only sleeps. Slots are carved in
 * order from the newest slab (a bump pointer: an untouched slot costs
 * nothing), released stacks go to a LIFO free list and are reused first
 * (their pages are still resident: no page fault), and a new slab holds
 * twice as many slots as the last, up to SIM_STACK_SLAB_MAX bytes. Pages of
 * released stacks stay resident for reuse (the run's high-water mark) until
 * sim_stack_pool_fini() unmaps the slabs.
 *
 * Running out is an error to the caller, never an abort: sim_stack_get()
 * returns NULL with errno set (ENOMEM: no address space or mappings left;
 * a guard could not be made).
 *
 *   get   O(1) (a new slab: one mmap)     put   O(1)     fini   O(slabs)
 */
#ifndef SIM_STACK_H
#define SIM_STACK_H

#include <stddef.h>
#include <stdint.h>

typedef struct sim_stack {
    void *base;               /* lowest usable byte (just above the guard page) */
    size_t size;              /* usable bytes */
    struct sim_stack *next;   /* free-list link */
} sim_stack;

typedef struct sim_stack_slab {
    struct sim_stack_slab *next; /* older slabs */
    char *mem;                /* the mapping */
    size_t nslots;            /* slots in it */
    size_t ncarved;           /* slots handed out at least once (the first ncarved) */
} sim_stack_slab;

/* How guard pages are made (sim_stack_pool.guard). */
typedef enum sim_stack_guard {
    SIM_GUARD_UNKNOWN = 0,    /* not tried yet: MADV_GUARD_INSTALL first */
    SIM_GUARD_MADVISE,        /* MADV_GUARD_INSTALL works */
    SIM_GUARD_MPROTECT,       /* the fallback; a test may set it before the first get */
} sim_stack_guard;

typedef struct sim_stack_pool {
    size_t size;              /* usable bytes of every stack in this pool */
    size_t slot;              /* bytes per slot: guard page + size + record, whole pages */
    sim_stack *free;          /* released stacks, most recently released first */
    size_t nfree;             /* length of `free` */
    size_t nlive;             /* stacks handed out and not yet put back */
    sim_stack_slab *slabs;    /* newest first; slots are carved from the newest */
    size_t nslabs;            /* length of `slabs` */
    size_t next_slots;        /* slots the next slab is asked to hold */
    sim_stack_guard guard;    /* how guards are made (found at the first carve) */
} sim_stack_pool;

/* Smallest stack size accepted; smaller requests are raised to it. */
#define SIM_STACK_MIN ((size_t)16 * 1024)
/* Slots in the first slab, and the largest slab (bytes of address space). */
#define SIM_STACK_SLAB_FIRST 16
#define SIM_STACK_SLAB_MAX ((size_t)1 << 30)

void sim_stack_pool_init(sim_stack_pool *p, size_t size);
/* A stack of p->size usable bytes, or NULL with errno set (see above). */
sim_stack *sim_stack_get(sim_stack_pool *p);
/* Give a stack back (it goes to the front of the free list). */
void sim_stack_put(sim_stack_pool *p, sim_stack *s);
/* Unmaps every slab. Stacks still handed out become invalid. */
void sim_stack_pool_fini(sim_stack_pool *p);

#endif
