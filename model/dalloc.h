/*
 * model/dalloc.h — a deterministic allocator in a region at a fixed address.
 *
 * Why: the embedded CPython's id(), default reprs ("<A object at 0x...>")
 * and the iteration order of sets and dicts keyed by objects all follow the
 * addresses the allocator hands out. glibc's malloc and mmap place memory
 * where ASLR says, so two runs of one program print different things. dalloc
 * serves every Python allocation from one region reserved at DALLOC_BASE, and
 * the address it returns is a function of the sequence of calls alone (no
 * time, no randomness, no hashing of addresses, no kernel placement): the
 * same program makes the same calls and so gets the same addresses, run after
 * run, process after process, ASLR or not.
 *
 * It also enforces a memory limit: an allocation that would take the bytes in
 * use past the limit returns NULL (CPython raises MemoryError), so a program
 * that allocates without bound is stopped by the simulator, not by the host's
 * OOM killer.
 *
 * The region: DALLOC_REGION bytes reserved PROT_NONE with MAP_FIXED_NOREPLACE
 * at DALLOC_BASE = 0x200000000000 (32 TiB); pages are made read-write as the
 * heap grows. The base is chosen outside everything the kernel randomizes or
 * a sanitizer claims on x86-64 Linux: PIE binaries and their brk heap start at
 * 0x555555554000 plus up to 2^mmap_rnd_bits pages (16 TiB at the maximum of 32
 * bits), the mmap area grows down from below 0x7fffffffffff, and under
 * AddressSanitizer the shadow ends at 0x10007fff7fff (application high memory
 * starts at 0x10007fff8000) and ASan's own heap is 0x600000000000..
 * 0x640000000000. So [0x200000000000, 0x201000000000) is ordinary free
 * application memory in plain and ASan/UBSan builds alike.
 *
 * Layout of the heap: two zones that never mix, the first 16 GiB for
 * fixed-size chunks (slabs, and page-aligned requests such as pymalloc's
 * 1 MiB arenas), the rest for large blocks, so a block that grows is not
 * hemmed in by the arenas that the objects made meanwhile need.
 *   small  sizes <= DALLOC_SMALL_MAX (16 KiB) round up to one of 36 size
 *          classes (16-byte steps to 128, then 4 classes per doubling); each
 *          class carves blocks from slabs of 4..32 pages with a per-slab free
 *          list (LIFO). A slab that empties goes back to the page allocator
 *          (one empty slab per class is kept).
 *   large  sizes above that take whole 4 KiB pages: best fit among the free
 *          spans (ties broken by lowest address), else the top of the zone.
 *          Freed spans coalesce with free neighbours. Free pages go back to
 *          the OS (madvise(MADV_DONTNEED)) in one sweep whenever free pages
 *          that may hold data add up to more than 32 MiB plus a quarter of
 *          the bytes in use, so RSS falls after large frees without a page
 *          fault storm for every block that is freed and taken again.
 *   realloc grows a large block in place when the pages after it are free or
 *          it ends at its zone's top; when it has to move it takes 1.5x the
 *          old size (exact size if that would break the limit) and grows
 *          into that slack in place, so loops that grow a block a little at
 *          a time copy O(n) bytes in all; a realloc to a smaller size gives
 *          the pages past it back.
 *
 * Accounting: dalloc_in_use() is the sum of dalloc_usable_size() over live
 * blocks (a small block counts its class size, a large one its pages,
 * slack included).
 * Metadata (the page map, slab descriptors) lives in the region too but does
 * not count.
 *
 * Not thread-safe: one OS thread only (threadsim runs every simulated thread
 * and the embedded interpreter on one). Builds without NDEBUG abort on a call
 * from another thread than the one that called dalloc_init().
 *
 * fork(): the child gets a copy-on-write copy of the region at the same
 * address and carries on from the parent's state. After exec the region is
 * gone; the new process calls dalloc_init() again.
 */
#ifndef MODEL_DALLOC_H
#define MODEL_DALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DALLOC_BASE UINT64_C(0x200000000000)
#define DALLOC_REGION (UINT64_C(64) << 30) /* 64 GiB of address space */
#define DALLOC_DEFAULT_LIMIT (UINT64_C(256) << 20)
#define DALLOC_SMALL_MAX 16384
#define DALLOC_PAGE 4096

/* Reserve the region and start empty, with `limit_bytes` as the limit (0:
 * DALLOC_DEFAULT_LIMIT). Returns 0, or -1 with dalloc_error() saying why
 * (most likely: the fixed address range is already mapped, so deterministic
 * addresses are impossible in this process; there is no fallback). Calling
 * it again once it succeeded only sets the limit. */
int dalloc_init(uint64_t limit_bytes);
/* Whether dalloc_init() has succeeded in this process. */
bool dalloc_ready(void);
/* The reason the last dalloc_init() failed ("" if none). */
const char *dalloc_error(void);

/* malloc(0) returns a distinct 16-byte block. Blocks are 16-byte aligned;
 * large ones (> DALLOC_SMALL_MAX) page-aligned. NULL past the limit, for
 * sizes beyond the region, or before dalloc_init(). */
void *dalloc_malloc(size_t size);
/* NULL if n * size overflows. The memory is zero, reused or not. */
void *dalloc_calloc(size_t n, size_t size);
/* realloc(NULL, n) is malloc(n); realloc(p, 0) is realloc(p, 1) (it does
 * not free p: CPython's PyMem_RawRealloc contract). On NULL, p is untouched
 * and still live. Contents are kept up to the smaller of the new size and
 * the size last asked for (for a large block: rounded up to pages), which
 * is what C promises; bytes written past that, in the usable size that
 * dalloc_usable_size() reports, may be lost. */
void *dalloc_realloc(void *p, size_t size);
/* `align` a power of two; alignments above 16 get whole pages (at least). */
void *dalloc_memalign(size_t align, size_t size);
/* free(NULL) does nothing. A pointer that is not a live block of the
 * region aborts with a message (where that is cheap to see). */
void dalloc_free(void *p);

/* The bytes usable at p (its size class, or its pages). */
size_t dalloc_usable_size(const void *p);
/* Whether p points into the region's heap. */
bool dalloc_owns(const void *p);

/* Bytes in live blocks (as dalloc_usable_size counts them), and the most
 * there have been since dalloc_init()/dalloc_reset(). */
size_t dalloc_in_use(void);
size_t dalloc_peak(void);
/* Memory counted against the limit that is not the region's: the green
 * threads' stacks (sim/stack.h's charging). `bytes` > 0 is refused (-1,
 * and the on_refuse function is told) when may_refuse is set and
 * dalloc_in_use() plus what is charged would pass the limit less
 * `headroom` (left for allocations); < 0 gives back. Allocations then fit in
 * the limit less what is charged. Async-signal-safe (a fault handler
 * charges a stack's growth). dalloc_charged(): the bytes charged now. */
int dalloc_charge(ptrdiff_t bytes, bool may_refuse, size_t headroom);
size_t dalloc_charged(void);
/* The limit: an allocation that would take dalloc_in_use() past it fails.
 * Lowering it below what is in use only makes further allocations fail.
 * Ignored before dalloc_init(). */
void dalloc_set_limit(uint64_t limit_bytes);
/* fn (NULL: none) is called when an allocation is refused for the limit,
 * before the NULL is returned; it must not allocate from here. */
void dalloc_on_refuse(void (*fn)(void));
uint64_t dalloc_limit(void);

/* Hand every free page back to the OS now (RSS falls to what is live). */
void dalloc_trim(void);

/* Forget every block: the region is empty again (its pages given back to the
 * OS), in_use and peak are 0, the limit stays. Every pointer handed out before
 * is dead. For tests, and a process that wants a fresh start. */
void dalloc_reset(void);

/* ---- the embedded CPython (model/dalloc_py.c, library threadsim_dalloc_py) --
 *
 * Order:   dalloc_init(limit);
 *          Py_PreInitialize(&preconfig);     (optional, but if used: first)
 *          dalloc_install_python();
 *          Py_InitializeFromConfig(&config);
 *          dalloc_check_python();            (optional: verifies the hooks)
 * Py_PreInitialize may install allocators of its own (PYTHONMALLOC, -X dev)
 * over the hooks, so it must not come after. */

/* Hook the RAW domain and pymalloc's arena allocator (and MEM/OBJ when they
 * are not pymalloc). 0, or -1 if dalloc_init() has not succeeded or Python is
 * already initialized (then the hooks would meet memory of the old ones). */
int dalloc_install_python(void);
/* After Py_Initialize*(): 0 if small and large blocks of all three domains
 * come from the region and the arena hook is in place, else -1. */
int dalloc_check_python(void);
/* Blocks of another allocator (allocated before the hooks) that CPython freed
 * or resized through them; they were passed on to glibc / munmap. */
size_t dalloc_python_foreign_frees(void);

#endif
