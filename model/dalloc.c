/*
 * model/dalloc.c — the deterministic allocator (see dalloc.h).
 *
 * The region [DALLOC_BASE, DALLOC_BASE + DALLOC_REGION):
 *
 *   meta   META_BYTES at the base, read-write from the start (no RSS until
 *          touched): the page map (one uint32_t per heap page) and the slab
 *          descriptors.
 *   heap   the rest, in two zones that never mix: the first 16 GiB for
 *          fixed-size chunks (slabs, and page-aligned requests such as
 *          pymalloc's arenas), the rest for large blocks. Apart, a growing
 *          block is not hemmed in by the arenas that objects created while it
 *          grows need, and usually grows in place at its zone's top.
 *          In each zone, [base, brk) is partitioned into live large blocks,
 *          slabs and free spans; [brk, end) is the "wilderness", never or no
 *          longer used. Pages are mprotect'ed read-write up to `committed`
 *          (in COMMIT_STEP steps), the rest stays PROT_NONE so a wild pointer
 *          past the top faults.
 *
 * The page map entry of a page: a 2-bit tag and a 30-bit value.
 *   T_LARGE  first and last page of a live large block; value = its pages.
 *   T_SLAB   every page of a slab; value = the slab's descriptor index.
 *   T_FREE   first and last page of a free span; value = its pages.
 *   T_NONE   the second page of a large block of 3 pages or more; value = the
 *            pages its last malloc/realloc asked for (fewer than it has after
 *            a move with slack).
 *   other interior entries are stale and never read: every block, slab and
 *   free span has correct entries at both ends, which is all that freeing
 *   (a block's own first page, its neighbours' ends) looks at.
 *
 * Free spans carry their header (fspan: AVL links, size) in their first
 * page and sit in their zone's AVL tree ordered by (pages, address): best
 * fit with the lowest address among equal sizes is a single descent. A span
 * that reaches brk is folded into the wilderness instead. A span is "clean"
 * when its pages past the header are known zero (given back to the OS);
 * dirty spans are also on a list, which purge() walks to give them back
 * once they hold more than the budget (DIRTY_BUDGET).
 *
 * Everything is a function of the calls made: no address is ever hashed,
 * no clock read, and the kernel is only asked to map at fixed addresses.
 */
#include "dalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#if defined(__SANITIZE_ADDRESS__)
#define DALLOC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DALLOC_ASAN 1
#endif
#endif
#ifdef DALLOC_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/lsan_interface.h>
/* Freed small blocks are poisoned, so a use after free or a double free in
 * instrumented code is reported by ASan. */
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

#define PAGE_SHIFT 12
#define PAGE ((size_t)DALLOC_PAGE)
#define META_BYTES (UINT64_C(512) << 20)
#define HEAP_BASE ((char *)(uintptr_t)(DALLOC_BASE + META_BYTES))
#define HEAP_BYTES ((size_t)(DALLOC_REGION - META_BYTES))
#define HEAP_END (HEAP_BASE + HEAP_BYTES)
#define HEAP_PAGES (HEAP_BYTES >> PAGE_SHIFT)
#define ZONE0_BYTES ((size_t)16 << 30)
#define MAP_BYTES (HEAP_PAGES * sizeof(uint32_t))
#define COMMIT_STEP ((size_t)4 << 20)
/* Free pages that may hold data go back to the OS (MADV_DONTNEED), all at
 * once, when there are more than this plus a quarter of the bytes in use:
 * giving every large free back at once made Python 30-60% slower (page
 * faults on the memory's next use). */
#define DIRTY_BUDGET ((size_t)32 << 20)
#define MIN_SLAB_PAGES 4
#define MAX_SLABS (HEAP_PAGES / MIN_SLAB_PAGES + 1)

enum { T_NONE = 0, T_LARGE = 1, T_SLAB = 2, T_FREE = 3 };
#define TAG(e) ((e) & 3u)
#define VAL(e) ((size_t)((e) >> 2))
#define MK(t, v) ((uint32_t)((uint32_t)(v) << 2 | (uint32_t)(t)))

typedef struct slab {
    void *free;          /* blocks given back (LIFO, linked through them) */
    char *base;          /* the slab's first block */
    uint32_t next, prev; /* the class's list of slabs with room (0: none) */
    uint32_t nused;      /* live blocks */
    uint32_t nbump;      /* blocks carved so far */
    uint32_t cap;        /* blocks in the slab */
    uint16_t cls;
    uint16_t npages;
} slab;

typedef struct fspan {
    struct fspan *l, *r;         /* the tree */
    size_t npages;
    int h;
    bool clean;                  /* the pages after this header are zero */
    struct fspan *dnext, *dprev; /* the list of spans that are not clean */
} fspan;

_Static_assert(MAP_BYTES + MAX_SLABS * sizeof(slab) + PAGE <= META_BYTES, "meta fits");
_Static_assert(HEAP_PAGES < (UINT32_C(1) << 30), "page counts fit the map's 30 bits");
_Static_assert(DALLOC_SMALL_MAX <= 8 * PAGE * 4, "small slabs stay within 32 pages");

#define NCLS 36
static uint32_t csize[NCLS];  /* block size of each class */
static uint16_t cpages[NCLS]; /* pages per slab */
static uint32_t ccap[NCLS];   /* blocks per slab */
static uint8_t size2cls[DALLOC_SMALL_MAX / 16 + 1];

static uint32_t *const pmap = (uint32_t *)(uintptr_t)DALLOC_BASE;
static slab *const slabs =
    (slab *)(uintptr_t)(DALLOC_BASE + ((MAP_BYTES + PAGE - 1) & ~(PAGE - 1)));

typedef struct zone {
    char *base, *end;
    char *brk;          /* the wilderness starts here */
    char *hwm;          /* pages at and above it are zero (untouched or given back) */
    char *committed;    /* read-write up to here */
    fspan *root;        /* free spans by (pages, address) */
    fspan *dirty_spans; /* free spans whose pages may hold data */
} zone;

enum { Z_FIXED = 0, Z_LARGE = 1 };

static struct {
    bool ready;
    uint64_t limit;
    size_t in_use, peak;
    size_t extra; /* bytes charged from outside (dalloc_charge), atomically */
    zone z[2];
    size_t dirty; /* pages in free spans that are not clean */
    uint32_t partial[NCLS];
    uint32_t slab_next; /* next never-used descriptor (0 is "none") */
    uint32_t slab_free; /* descriptors given back, linked by .next */
} S;

static char errbuf[256];

#ifndef NDEBUG
/* One OS thread only: debug builds check it. */
static _Thread_local bool owner_thread;
#define CHECK_THREAD()                                                                             \
    do {                                                                                           \
        if (UNLIKELY(S.ready && !owner_thread))                                                    \
            die("called from a thread other than dalloc_init()'s", NULL);                          \
    } while (0)
#else
#define CHECK_THREAD() ((void)0)
#endif

static _Noreturn void die(const char *what, const void *p)
{
    fprintf(stderr, "dalloc: %s (%p)\n", what, p);
    abort();
}

/* ---- size classes ------------------------------------------------------- */

static void classes_init(void)
{
    unsigned n = 0;
    for (uint32_t s = 16; s <= 128; s += 16)
        csize[n++] = s;
    for (uint32_t base = 128; base < DALLOC_SMALL_MAX; base *= 2)
        for (uint32_t k = 1; k <= 4; k++)
            csize[n++] = base + k * base / 4;
    if (n != NCLS || csize[NCLS - 1] != DALLOC_SMALL_MAX)
        die("size class table", NULL);
    for (unsigned c = 0; c < NCLS; c++) {
        /* at least 8 blocks and 4 pages; at most 1/16 of the slab lost */
        size_t np = (8 * (size_t)csize[c] + PAGE - 1) / PAGE;
        if (np < MIN_SLAB_PAGES)
            np = MIN_SLAB_PAGES;
        while ((np * PAGE) % csize[c] * 16 > np * PAGE)
            np++;
        cpages[c] = (uint16_t)np;
        ccap[c] = (uint32_t)(np * PAGE / csize[c]);
    }
    unsigned c = 0;
    for (size_t i = 0; i <= DALLOC_SMALL_MAX / 16; i++) {
        size_t sz = i ? i * 16 : 16;
        while (csize[c] < sz)
            c++;
        size2cls[i] = (uint8_t)c;
    }
}

static inline unsigned cls_of(size_t n)
{
    return size2cls[(n + 15) >> 4];
}

/* ---- bookkeeping --------------------------------------------------------- */

static inline size_t page_of(const void *p)
{
    return (size_t)((const char *)p - HEAP_BASE) >> PAGE_SHIFT;
}

static inline bool fits(size_t bytes)
{
    return S.in_use + __atomic_load_n(&S.extra, __ATOMIC_RELAXED) + bytes <= S.limit;
}

static void (*on_refuse)(void); /* dalloc_on_refuse */

/* An allocation of `bytes` is within the limit, or refused (and told). */
static inline bool fits_or_refuse(size_t bytes)
{
    if (LIKELY(fits(bytes)))
        return true;
    if (on_refuse)
        on_refuse();
    return false;
}

void dalloc_on_refuse(void (*fn)(void)) { on_refuse = fn; }

static inline void charge(size_t bytes)
{
    S.in_use += bytes;
    if (S.in_use > S.peak)
        S.peak = S.in_use;
}

static inline zone *zone_of(const void *p)
{
    return &S.z[(const char *)p >= HEAP_BASE + ZONE0_BYTES];
}

static bool commit(zone *z, const char *end)
{
    if (end <= z->committed)
        return true;
    size_t want = ((size_t)(end - z->base) + COMMIT_STEP - 1) & ~(COMMIT_STEP - 1);
    char *to = want > (size_t)(z->end - z->base) ? z->end : z->base + want;
    if (mprotect(z->committed, (size_t)(to - z->committed), PROT_READ | PROT_WRITE) != 0)
        return false;
    z->committed = to;
    return true;
}

static void give_back(char *p, size_t npages)
{
    if (npages)
        (void)madvise(p, npages * PAGE, MADV_DONTNEED);
}

/* ---- the tree of free spans, by (pages, address) -------------------------- */

static inline bool span_lt(const fspan *a, const fspan *b)
{
    return a->npages < b->npages || (a->npages == b->npages && (uintptr_t)a < (uintptr_t)b);
}

static inline int ht(const fspan *t)
{
    return t ? t->h : 0;
}

static inline void fix(fspan *t)
{
    int a = ht(t->l), b = ht(t->r);
    t->h = 1 + (a > b ? a : b);
}

static fspan *rot_right(fspan *t)
{
    fspan *l = t->l;
    t->l = l->r;
    l->r = t;
    fix(t);
    fix(l);
    return l;
}

static fspan *rot_left(fspan *t)
{
    fspan *r = t->r;
    t->r = r->l;
    r->l = t;
    fix(t);
    fix(r);
    return r;
}

static fspan *balance(fspan *t)
{
    fix(t);
    int d = ht(t->l) - ht(t->r);
    if (d > 1) {
        if (ht(t->l->l) < ht(t->l->r))
            t->l = rot_left(t->l);
        return rot_right(t);
    }
    if (d < -1) {
        if (ht(t->r->r) < ht(t->r->l))
            t->r = rot_right(t->r);
        return rot_left(t);
    }
    return t;
}

static fspan *tree_insert(fspan *t, fspan *n)
{
    if (!t) {
        n->l = n->r = NULL;
        n->h = 1;
        return n;
    }
    if (span_lt(n, t))
        t->l = tree_insert(t->l, n);
    else
        t->r = tree_insert(t->r, n);
    return balance(t);
}

static fspan *tree_take_min(fspan *t, fspan **min)
{
    if (!t->l) {
        *min = t;
        return t->r;
    }
    t->l = tree_take_min(t->l, min);
    return balance(t);
}

static fspan *tree_erase(fspan *t, fspan *n)
{
    if (!t)
        die("free span missing from the tree", n);
    if (t == n) {
        fspan *l = t->l, *r = t->r, *m;
        if (!r)
            return l;
        r = tree_take_min(r, &m);
        m->l = l;
        m->r = r;
        return balance(m);
    }
    if (span_lt(n, t))
        t->l = tree_erase(t->l, n);
    else
        t->r = tree_erase(t->r, n);
    return balance(t);
}

/* The smallest span of at least np pages; the lowest address among equals. */
static fspan *tree_lower_bound(zone *z, size_t np)
{
    fspan *best = NULL;
    for (fspan *t = z->root; t;) {
        if (t->npages >= np) {
            best = t;
            t = t->l;
        } else {
            t = t->r;
        }
    }
    return best;
}

/* ---- the page allocator --------------------------------------------------- */

/* [p, p + np pages) becomes a free span (tags, header, tree); `clean`: its
 * pages after the first are known to be zero. */
static void span_add(zone *z, char *p, size_t np, bool clean)
{
    size_t pg = page_of(p);
    pmap[pg] = pmap[pg + np - 1] = MK(T_FREE, np);
    fspan *f = (fspan *)(void *)p;
    f->npages = np;
    f->clean = clean;
    f->dprev = NULL;
    f->dnext = NULL;
    if (!clean) {
        f->dnext = z->dirty_spans;
        if (f->dnext)
            f->dnext->dprev = f;
        z->dirty_spans = f;
        S.dirty += np;
    }
    z->root = tree_insert(z->root, f);
}

static void span_remove(zone *z, fspan *f)
{
    z->root = tree_erase(z->root, f);
    if (!f->clean) {
        if (f->dprev)
            f->dprev->dnext = f->dnext;
        else
            z->dirty_spans = f->dnext;
        if (f->dnext)
            f->dnext->dprev = f->dprev;
        S.dirty -= f->npages;
    }
}

/* Hand every free page that may hold data back to the OS. */
static void purge(void)
{
    for (int i = 0; i < 2; i++) {
        zone *z = &S.z[i];
        for (fspan *f = z->dirty_spans, *next; f; f = next) {
            next = f->dnext;
            give_back((char *)f + PAGE, f->npages - 1);
            f->clean = true;
            f->dnext = f->dprev = NULL;
        }
        z->dirty_spans = NULL;
        if (z->hwm > z->brk) {
            give_back(z->brk, (size_t)(z->hwm - z->brk) >> PAGE_SHIFT);
            z->hwm = z->brk;
        }
    }
    S.dirty = 0;
}

static inline char *align_up(char *p, size_t align)
{
    uintptr_t u = (uintptr_t)p;
    return (char *)((u + align - 1) & ~(uintptr_t)(align - 1));
}

static inline bool span_fits(const fspan *f, size_t np, size_t align)
{
    char *a = (char *)(uintptr_t)f;
    size_t lead = (size_t)(align_up(a, align) - a) >> PAGE_SHIFT;
    return lead + np <= f->npages;
}

/* np pages aligned to `align` bytes (a power of two >= PAGE). *zero_from:
 * the pages from there to the end are known to be zero. NULL: no room. */
static char *pages_alloc(zone *z, size_t np, size_t align, char **zero_from)
{
    fspan *f = tree_lower_bound(z, np);
    if (f && align > PAGE && !span_fits(f, np, align))
        f = tree_lower_bound(z, np + (align >> PAGE_SHIFT) - 1);
    if (f) {
        span_remove(z, f);
        char *a = (char *)f;
        size_t m = f->npages;
        bool clean = f->clean;
        char *q = align_up(a, align);
        size_t lead = (size_t)(q - a) >> PAGE_SHIFT;
        if (lead)
            span_add(z, a, lead, clean);
        if (m > lead + np)
            span_add(z, q + np * PAGE, m - lead - np, clean);
        /* in a clean span only the header's page was written */
        *zero_from = !clean ? q + np * PAGE : q == a ? q + PAGE : q;
        return q;
    }
    char *q = align_up(z->brk, align);
    if (q > z->end || np > (size_t)(z->end - q) >> PAGE_SHIFT)
        return NULL;
    char *end = q + np * PAGE;
    if (!commit(z, end))
        return NULL;
    if (q > z->brk)
        span_add(z, z->brk, (size_t)(q - z->brk) >> PAGE_SHIFT, z->brk >= z->hwm);
    z->brk = end;
    *zero_from = q > z->hwm ? q : z->hwm;
    if (end > z->hwm)
        z->hwm = end;
    return q;
}

/* Give back np pages at p: coalesce with free neighbours, or fold into the
 * wilderness; past the budget, the free pages go back to the OS. */
static void pages_free(zone *z, char *p, size_t np)
{
    size_t pg = page_of(p);
    char *start = p;
    size_t n = np;
    if (p > z->base) {
        uint32_t e = pmap[pg - 1];
        if (TAG(e) == T_FREE) {
            start = p - VAL(e) * PAGE;
            span_remove(z, (fspan *)(void *)start);
            n += VAL(e);
        }
    }
    char *end = p + np * PAGE;
    if (end == z->brk) {
        z->brk = start; /* below hwm: counted as written */
    } else {
        uint32_t e = pmap[pg + np];
        if (TAG(e) == T_FREE) {
            span_remove(z, (fspan *)(void *)end);
            n += VAL(e);
        }
        span_add(z, start, n, false);
    }
    /* the wilderness under hwm was written too */
    size_t dirty = S.dirty + ((size_t)(S.z[0].hwm - S.z[0].brk) >> PAGE_SHIFT) +
                   ((size_t)(S.z[1].hwm - S.z[1].brk) >> PAGE_SHIFT);
    if (dirty * PAGE > DIRTY_BUDGET + S.in_use / 4)
        purge();
}

/* ---- large blocks ----------------------------------------------------------- */

/* A large block of np pages, of which the caller asked for req. */
static inline void tag_large(char *p, size_t np, size_t req)
{
    size_t pg = page_of(p);
    pmap[pg] = pmap[pg + np - 1] = MK(T_LARGE, np);
    if (np >= 3)
        pmap[pg + 1] = MK(T_NONE, req);
}

static inline size_t large_req(const char *p, size_t np)
{
    return np >= 3 ? VAL(pmap[page_of(p) + 1]) : np;
}

static void *large_alloc(size_t np, size_t align, bool zero)
{
    if (np > HEAP_PAGES || !fits_or_refuse(np * PAGE))
        return NULL;
    char *zero_from;
    /* page-aligned requests (pymalloc's arenas) are fixed-size chunks */
    char *p = pages_alloc(&S.z[align > PAGE ? Z_FIXED : Z_LARGE], np, align, &zero_from);
    if (!p)
        return NULL;
    tag_large(p, np, np);
    charge(np * PAGE);
    if (zero && zero_from > p)
        memset(p, 0, (size_t)(zero_from - p));
    return p;
}

static void large_free(char *p, size_t np)
{
    S.in_use -= np * PAGE;
    pages_free(zone_of(p), p, np);
}

/* ---- slabs and small blocks ----------------------------------------------- */

static void partial_push(unsigned c, uint32_t i)
{
    slab *s = &slabs[i];
    s->prev = 0;
    s->next = S.partial[c];
    if (s->next)
        slabs[s->next].prev = i;
    S.partial[c] = i;
}

static void partial_unlink(unsigned c, uint32_t i)
{
    slab *s = &slabs[i];
    if (s->prev)
        slabs[s->prev].next = s->next;
    else
        S.partial[c] = s->next;
    if (s->next)
        slabs[s->next].prev = s->prev;
    s->next = s->prev = 0;
}

static uint32_t slab_new(unsigned c)
{
    uint32_t i;
    if (S.slab_free)
        i = S.slab_free;
    else if (S.slab_next < MAX_SLABS)
        i = S.slab_next;
    else
        return 0;
    char *zero_from;
    char *p = pages_alloc(&S.z[Z_FIXED], cpages[c], PAGE, &zero_from);
    if (!p)
        return 0;
    if (i == S.slab_free)
        S.slab_free = slabs[i].next;
    else
        S.slab_next++;
    slab *s = &slabs[i];
    s->free = NULL;
    s->base = p;
    s->nused = s->nbump = 0;
    s->cap = ccap[c];
    s->cls = (uint16_t)c;
    s->npages = cpages[c];
    size_t pg = page_of(p);
    for (size_t k = 0; k < cpages[c]; k++)
        pmap[pg + k] = MK(T_SLAB, i);
    partial_push(c, i);
    return i;
}

static void slab_release(uint32_t i)
{
    slab *s = &slabs[i];
    partial_unlink(s->cls, i);
    UNPOISON(s->base, (size_t)s->npages * PAGE);
    pages_free(&S.z[Z_FIXED], s->base, s->npages);
    s->next = S.slab_free;
    S.slab_free = i;
}

static void *small_alloc(unsigned c)
{
    size_t sz = csize[c];
    if (UNLIKELY(!fits_or_refuse(sz)))
        return NULL;
    uint32_t i = S.partial[c];
    if (UNLIKELY(!i)) {
        i = slab_new(c);
        if (!i)
            return NULL;
    }
    slab *s = &slabs[i];
    void *p = s->free;
    if (p) {
        UNPOISON(p, sz);
        s->free = *(void **)p;
    } else {
        p = s->base + (size_t)s->nbump++ * sz;
        UNPOISON(p, sz);
    }
    if (++s->nused == s->cap)
        partial_unlink(c, i);
    charge(sz);
    return p;
}

static void small_free(void *p, uint32_t i)
{
    slab *s = &slabs[i];
    unsigned c = s->cls;
    size_t sz = csize[c];
#ifndef NDEBUG
    size_t off = (size_t)((char *)p - s->base);
    if (off % sz != 0 || off / sz >= s->nbump || s->nused == 0)
        die("free of a pointer that is not a live block", p);
#endif
    *(void **)p = s->free;
    s->free = p;
    POISON(p, sz);
    S.in_use -= sz;
    if (s->nused-- == s->cap)
        partial_push(c, i);
    /* an empty slab goes back unless it is the class's only one with room */
    if (s->nused == 0 && (S.partial[c] != i || s->next != 0))
        slab_release(i);
}

/* ---- the API ------------------------------------------------------------- */

int dalloc_init(uint64_t limit_bytes)
{
    if (limit_bytes == 0)
        limit_bytes = DALLOC_DEFAULT_LIMIT;
    if (S.ready) {
        S.limit = limit_bytes;
        return 0;
    }
    classes_init();
    void *want = (void *)(uintptr_t)DALLOC_BASE;
    void *p = mmap(want, DALLOC_REGION, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED) {
        int err = errno;
        snprintf(errbuf, sizeof errbuf,
                 "cannot reserve %llu GiB at the fixed address %p: %s%s; deterministic "
                 "addresses are impossible in this process",
                 (unsigned long long)(DALLOC_REGION >> 30), want, strerror(err),
                 err == EEXIST ? " (something is already mapped there)" : "");
        return -1;
    }
    if (p != want) {
        /* a kernel older than 4.17 takes MAP_FIXED_NOREPLACE as a mere hint */
        munmap(p, DALLOC_REGION);
        snprintf(errbuf, sizeof errbuf,
                 "the kernel placed the region at %p instead of the fixed address %p; "
                 "deterministic addresses are impossible in this process",
                 p, want);
        return -1;
    }
    if (mprotect(p, META_BYTES, PROT_READ | PROT_WRITE) != 0) {
        int err = errno;
        munmap(p, DALLOC_REGION);
        snprintf(errbuf, sizeof errbuf, "cannot make the allocator's metadata writable: %s",
                 strerror(err));
        return -1;
    }
#ifdef DALLOC_ASAN
    /* LeakSanitizer: malloc'd memory referenced only from the region is live */
    __lsan_register_root_region(HEAP_BASE, HEAP_BYTES);
#endif
    errbuf[0] = '\0';
    memset(&S, 0, sizeof S);
    S.limit = limit_bytes;
    for (int i = 0; i < 2; i++) {
        zone *z = &S.z[i];
        z->base = i == Z_FIXED ? HEAP_BASE : HEAP_BASE + ZONE0_BYTES;
        z->end = i == Z_FIXED ? HEAP_BASE + ZONE0_BYTES : HEAP_END;
        z->brk = z->hwm = z->committed = z->base;
    }
    S.slab_next = 1;
    S.ready = true;
#ifndef NDEBUG
    owner_thread = true;
#endif
    return 0;
}

bool dalloc_ready(void)
{
    return S.ready;
}

const char *dalloc_error(void)
{
    return errbuf;
}

void dalloc_reset(void)
{
    CHECK_THREAD();
    if (!S.ready)
        return;
    give_back((char *)(uintptr_t)DALLOC_BASE, META_BYTES / PAGE);
    zone z[2];
    for (int i = 0; i < 2; i++) {
        z[i] = S.z[i];
        UNPOISON(z[i].base, (size_t)(z[i].brk - z[i].base));
        give_back(z[i].base, (size_t)(z[i].hwm - z[i].base) / PAGE);
        z[i].brk = z[i].hwm = z[i].base;
        z[i].root = z[i].dirty_spans = NULL;
    }
    uint64_t limit = S.limit;
    size_t extra = S.extra; /* not the region's: still charged */
    memset(&S, 0, sizeof S);
    S.limit = limit;
    S.extra = extra;
    S.z[0] = z[0];
    S.z[1] = z[1];
    S.slab_next = 1;
    S.ready = true;
}

void *dalloc_malloc(size_t size)
{
    CHECK_THREAD();
    if (LIKELY(size <= DALLOC_SMALL_MAX))
        return small_alloc(cls_of(size));
    if (size > HEAP_BYTES)
        return NULL;
    return large_alloc((size + PAGE - 1) >> PAGE_SHIFT, PAGE, false);
}

void *dalloc_calloc(size_t n, size_t size)
{
    CHECK_THREAD();
    size_t total;
    if (__builtin_mul_overflow(n, size, &total))
        return NULL;
    if (total <= DALLOC_SMALL_MAX) {
        void *p = small_alloc(cls_of(total));
        if (p)
            memset(p, 0, total);
        return p;
    }
    if (total > HEAP_BYTES)
        return NULL;
    return large_alloc((total + PAGE - 1) >> PAGE_SHIFT, PAGE, true);
}

void *dalloc_memalign(size_t align, size_t size)
{
    CHECK_THREAD();
    if (align == 0 || (align & (align - 1)) != 0)
        return NULL;
    if (align <= 16)
        return dalloc_malloc(size);
    if (size > HEAP_BYTES || align > HEAP_BYTES)
        return NULL;
    size_t np = size ? (size + PAGE - 1) >> PAGE_SHIFT : 1;
    return large_alloc(np, align < PAGE ? PAGE : align, false);
}

static inline uint32_t entry_of(const void *p)
{
    if (UNLIKELY(!S.ready || (const char *)p < HEAP_BASE || (const char *)p >= HEAP_END ||
                 (const char *)p >= zone_of(p)->brk))
        die("pointer not allocated by dalloc", p);
    return pmap[page_of(p)];
}

/* A large block's page count, checking p is the start of one. */
static size_t large_pages(const void *p, uint32_t e)
{
    size_t np = VAL(e);
    if (((uintptr_t)p & (PAGE - 1)) != 0 || np == 0 || page_of(p) + np > page_of(zone_of(p)->brk) ||
        pmap[page_of(p) + np - 1] != e)
        die("pointer is not the start of a live block", p);
    return np;
}

void dalloc_free(void *p)
{
    CHECK_THREAD();
    if (!p)
        return;
    uint32_t e = entry_of(p);
    if (LIKELY(TAG(e) == T_SLAB))
        small_free(p, (uint32_t)VAL(e));
    else if (TAG(e) == T_LARGE)
        large_free(p, large_pages(p, e));
    else
        die("free of a pointer that is not a live block", p);
}

size_t dalloc_usable_size(const void *p)
{
    CHECK_THREAD();
    if (!p)
        return 0;
    uint32_t e = entry_of(p);
    if (TAG(e) == T_SLAB)
        return csize[slabs[VAL(e)].cls];
    if (TAG(e) == T_LARGE)
        return large_pages(p, e) * PAGE;
    die("pointer is not a live block", p);
}

static void *small_realloc(void *p, uint32_t i, size_t size)
{
    unsigned c = slabs[i].cls;
    size_t cap = csize[c];
    if (size <= cap) {
        unsigned nc = cls_of(size);
        if (nc + 4 >= c) /* shrunk by less than about half: stay */
            return p;
        void *q = small_alloc(nc);
        if (!q)
            return p;
        memcpy(q, p, size);
        small_free(p, i);
        return q;
    }
    void *q = dalloc_malloc(size);
    if (!q)
        return NULL;
    memcpy(q, p, cap);
    small_free(p, i);
    return q;
}

static void *large_realloc(char *p, size_t np, size_t size)
{
    if (size <= DALLOC_SMALL_MAX) {
        void *q = small_alloc(cls_of(size));
        if (!q)
            return p; /* shrinking never fails: keep the pages */
        memcpy(q, p, size);
        large_free(p, np);
        return q;
    }
    if (size > HEAP_BYTES)
        return NULL;
    size_t need = (size + PAGE - 1) >> PAGE_SHIFT;
    size_t req = large_req(p, np);
    if (need <= np && need >= req) { /* growing within the slack */
        tag_large(p, np, need);
        return p;
    }
    if (need < np) { /* shrinking: the tail goes */
        tag_large(p, need, need);
        S.in_use -= (np - need) * PAGE;
        pages_free(zone_of(p), p + need * PAGE, np - need);
        return p;
    }
    size_t add = need - np;
    if (!fits_or_refuse(add * PAGE))
        return NULL;
    char *end = p + np * PAGE;
    zone *z = zone_of(p);
    if (end == z->brk) {
        if (add <= (size_t)(z->end - end) >> PAGE_SHIFT && commit(z, end + add * PAGE)) {
            z->brk = end + add * PAGE;
            if (z->brk > z->hwm)
                z->hwm = z->brk;
            tag_large(p, need, need);
            charge(add * PAGE);
            return p;
        }
    } else {
        uint32_t e = pmap[page_of(end)];
        if (TAG(e) == T_FREE && VAL(e) >= add) {
            fspan *f = (fspan *)(void *)end;
            size_t m = VAL(e);
            bool clean = f->clean;
            span_remove(z, f);
            if (m > add)
                span_add(z, end + add * PAGE, m - add, clean);
            tag_large(p, need, need);
            charge(add * PAGE);
            return p;
        }
    }
    /* move; take half as much again so a block grown bit by bit moves
     * O(log n) times, unless that slack would break the limit */
    char *q = NULL;
    size_t roomy = np + np / 2, qn = roomy;
    if (roomy > need && roomy <= HEAP_PAGES && fits(roomy * PAGE))
        q = large_alloc(roomy, PAGE, false);
    if (!q) {
        q = large_alloc(need, PAGE, false);
        qn = need;
    }
    if (!q)
        return NULL;
    tag_large(q, qn, need);
    memcpy(q, p, req * PAGE); /* the pages asked for; the slack was never used */
    large_free(p, np);
    return q;
}

void *dalloc_realloc(void *p, size_t size)
{
    CHECK_THREAD();
    if (!p)
        return dalloc_malloc(size);
    if (size == 0)
        size = 1;
    uint32_t e = entry_of(p);
    if (LIKELY(TAG(e) == T_SLAB))
        return small_realloc(p, (uint32_t)VAL(e), size);
    if (TAG(e) == T_LARGE)
        return large_realloc(p, large_pages(p, e), size);
    die("realloc of a pointer that is not a live block", p);
}

void dalloc_trim(void)
{
    CHECK_THREAD();
    if (S.ready)
        purge();
}

bool dalloc_owns(const void *p)
{
    return (const char *)p >= HEAP_BASE && (const char *)p < HEAP_END;
}

size_t dalloc_in_use(void)
{
    return S.in_use;
}

int dalloc_charge(ptrdiff_t bytes, bool may_refuse, size_t headroom)
{
    if (bytes > 0 && may_refuse && S.ready && !fits((size_t)bytes + headroom)) {
        if (on_refuse)
            on_refuse();
        return -1;
    }
    __atomic_fetch_add(&S.extra, (size_t)bytes, __ATOMIC_RELAXED);
    return 0;
}

size_t dalloc_charged(void)
{
    return __atomic_load_n(&S.extra, __ATOMIC_RELAXED);
}

size_t dalloc_peak(void)
{
    return S.peak;
}

void dalloc_set_limit(uint64_t limit_bytes)
{
    if (S.ready)
        S.limit = limit_bytes;
}

uint64_t dalloc_limit(void)
{
    return S.limit;
}
