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
 * a guard could not be made; the budget refused the charge, below).
 *
 * Charging (optional, sim_stack_pool_charge): every page a thread's frames
 * can reach counts against the caller's budget before it is reached, so
 * that threads cannot hold more stack memory than the budget allows (the
 * Python engine's --max-memory: the pages of 8 MiB stacks are committed as
 * calls reach them, and nothing else bounds a thousand threads recursing).
 * A stack handed out is charged its top `first` bytes, which the thread
 * may use freely; below them a soft guard page (a guard page like the one
 * at the bottom). A thread that runs into its soft guard faults; the
 * caller's fault handler asks sim_stack_soft_hit() whether that was the
 * soft guard, charges the bytes a grow exposes (`chunk` more, or the rest
 * of the stack) and calls sim_stack_soft_grow(), which moves the soft
 * guard that much lower; the faulting instruction then runs again. A
 * charge refused there is the caller's to report (the run ends: the fault
 * cannot become an exception). sim_stack_put() gives the pages below the
 * first `first` bytes back to the OS (MADV_DONTNEED), puts the soft guard
 * back at its first place and takes the stack's charge back. Where each
 * fault happens depends only on the thread's calls, so the charges are the
 * same on every run. Soft guards need MADV_GUARD_INSTALL (Linux 6.13+) or
 * the mprotect fallback (two more mappings per stack); a stack too small
 * for one is charged whole.
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
    char *soft;               /* the soft guard page (charging), NULL: none */
    size_t charged;           /* bytes charged for this stack while handed out */
} sim_stack;

/* The budget's say on `bytes` more (> 0: 0 to allow, -1 to refuse) or
 * fewer (< 0: always allowed). Called from a fault handler too: it must
 * be async-signal-safe. */
typedef int (*sim_stack_charge_fn)(void *ud, ptrdiff_t bytes);

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
    /* charging (sim_stack_pool_charge); charge NULL: off */
    sim_stack_charge_fn charge;
    void *charge_ud;
    size_t first, chunk;      /* bytes charged at the start, and at each grow */
    uint64_t soft_moves;      /* soft guards moved (grown, or put back at put) so far */
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
/* Charge stacks against a budget from now on (see above): `first` and
 * `chunk` are rounded up to whole pages. Call before the first get. */
void sim_stack_pool_charge(sim_stack_pool *p, size_t first, size_t chunk, sim_stack_charge_fn fn,
                           void *ud);
/* The bytes growing s would charge if addr (a fault's address) is in its
 * soft guard page; 0 if it is not. Async-signal-safe. */
size_t sim_stack_soft_hit(const sim_stack_pool *p, const sim_stack *s, const void *addr);
/* Moves s's soft guard down (its charge grows by what sim_stack_soft_hit
 * said, which the caller has charged): 0, or -1 if a guard could not be
 * moved. Async-signal-safe. */
int sim_stack_soft_grow(sim_stack_pool *p, sim_stack *s);
/* Soft guards moved so far by every pool of this process (grows, and puts
 * that moved one back). */
uint64_t sim_stack_soft_moves(void);
/* Stacks of this process whose soft guard is not at its first place now
 * (grown and not put back). With none, the stacks' guards and the pages
 * below them are as they were whenever there were none: a process taken
 * back to a snapshot of itself (model/cpy/cpy_snap.h) must have none at
 * the snapshot and at the reset. */
uint64_t sim_stack_soft_grown(void);
/* Unmaps every slab. Stacks still handed out become invalid. */
void sim_stack_pool_fini(sim_stack_pool *p);

#endif
