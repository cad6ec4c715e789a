/*
 * tests/test_dalloc.c — model/dalloc: the deterministic allocator, and the
 * embedded CPython running on it.
 *
 * The cases that compare processes run this executable again (fork + exec of
 * /proc/self/exe with "--child MODE ..."), so each child has its own address
 * space laid out afresh by ASLR, and compare what the children print.
 * Everything Python runs in such children: the suite's own process resets
 * the allocator between cases, which an interpreter could not survive.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/dalloc.h"
#include "test_util.h"

#define MiB ((size_t)1 << 20)

static const char *self_exe;

/* A fresh, empty allocator with `limit`. */
static void fresh(uint64_t limit)
{
    if (!dalloc_ready()) {
        int rc = dalloc_init(limit);
        if (rc != 0)
            fprintf(stderr, "\ndalloc_init: %s\n", dalloc_error());
        CU_ASSERT_FATAL(rc == 0);
    }
    dalloc_reset();
    dalloc_set_limit(limit ? limit : DALLOC_DEFAULT_LIMIT);
}

static bool in_region(const void *p)
{
    uintptr_t u = (uintptr_t)p;
    return u >= DALLOC_BASE && u < DALLOC_BASE + DALLOC_REGION && dalloc_owns(p);
}

/* ---- a deterministic generator of operations ------------------------------ */

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * UINT64_C(2685821657736338717);
}

/* Mostly small, some medium, a few large (up to 256 KiB). */
static size_t rng_size(uint64_t *s)
{
    uint64_t r = rng_next(s);
    unsigned u = (unsigned)(r % 1000);
    uint64_t v = r >> 20;
    if (u < 700)
        return 1 + v % 256;
    if (u < 920)
        return 257 + v % (4096 - 256);
    if (u < 990)
        return 4097 + v % (65536 - 4096);
    return 65537 + v % (262144 - 65536);
}

typedef struct blk {
    unsigned char *p;
    size_t n;
    unsigned char c;
} blk;

/* Every byte of b is b->c. */
static bool blk_intact(const blk *b, size_t n)
{
    return n == 0 || (b->p[0] == b->c && memcmp(b->p, b->p + 1, n - 1) == 0);
}

static bool all_zero(const unsigned char *p, size_t n)
{
    return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

typedef struct stress_stats {
    size_t ops, fails, checks;
} stress_stats;

static int cmp_blk(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const blk *)a)->p, y = (uintptr_t)((const blk *)b)->p;
    return x < y ? -1 : x > y;
}

/* No two live blocks overlap (by their usable sizes), and in_use is exactly
 * the sum of those sizes. */
static bool check_live(blk *slots, size_t nslots, stress_stats *st)
{
    blk *live = malloc(nslots * sizeof *live);
    size_t k = 0, sum = 0;
    for (size_t i = 0; i < nslots; i++)
        if (slots[i].p) {
            live[k] = slots[i];
            live[k].n = dalloc_usable_size(slots[i].p);
            sum += live[k].n;
            k++;
        }
    qsort(live, k, sizeof *live, cmp_blk);
    bool ok = sum == dalloc_in_use();
    for (size_t i = 0; i + 1 < k && ok; i++)
        if (live[i].p + live[i].n > live[i + 1].p)
            ok = false;
    free(live);
    st->checks++;
    return ok;
}

/* `nops` random mallocs, callocs, reallocs and frees over `nslots` slots,
 * checking each result against a shadow of what every block should hold.
 * If `out` is set, every address returned is printed there. Returns false
 * (with the reason on stderr) at the first inconsistency. */
static bool stress(uint64_t seed, size_t nops, size_t nslots, FILE *out, stress_stats *st)
{
    blk *slots = calloc(nslots, sizeof *slots);
    uint64_t s = seed | 1;
    bool ok = true;
    const char *why = "";
    for (size_t op = 0; op < nops && ok; op++) {
        uint64_t r = rng_next(&s);
        blk *b = &slots[(r >> 8) % nslots];
        unsigned kind = (unsigned)(r % 10);
        unsigned char c = (unsigned char)(op * 131 + 7);
        if (!b->p) {
            size_t n = rng_size(&s);
            bool zeroed = kind < 2;
            unsigned char *p = zeroed ? dalloc_calloc(1, n) : dalloc_malloc(n);
            if (out)
                fprintf(out, "%c %zu %p\n", zeroed ? 'c' : 'm', n, (void *)p);
            if (!p) {
                why = "allocation failed";
                ok = false;
                break;
            }
            if (!in_region(p) || ((uintptr_t)p & 15) != 0 ||
                (n > DALLOC_SMALL_MAX && ((uintptr_t)p & (DALLOC_PAGE - 1)) != 0)) {
                why = "block outside the region or misaligned";
                ok = false;
            } else if (dalloc_usable_size(p) < n) {
                why = "usable size below the request";
                ok = false;
            } else if (zeroed && !all_zero(p, n)) {
                why = "calloc block not zero";
                ok = false;
            }
            memset(p, c, n);
            *b = (blk){p, n, c};
        } else if (kind < 5) {
            if (!blk_intact(b, b->n)) {
                why = "contents changed before free";
                ok = false;
            }
            dalloc_free(b->p);
            if (out)
                fprintf(out, "f\n");
            b->p = NULL;
        } else {
            size_t n = rng_size(&s);
            unsigned char *p = dalloc_realloc(b->p, n);
            if (out)
                fprintf(out, "r %zu %p\n", n, (void *)p);
            if (!p) {
                why = "realloc failed";
                ok = false;
                break;
            }
            b->p = p;
            if (!in_region(p) || ((uintptr_t)p & 15) != 0) {
                why = "realloc'd block outside the region or misaligned";
                ok = false;
            } else if (!blk_intact(b, b->n < n ? b->n : n)) {
                why = "realloc lost contents";
                ok = false;
            }
            if (n > b->n)
                memset(p + b->n, b->c, n - b->n);
            b->n = n;
        }
        st->ops++;
        if (ok && op % 8192 == 8191 && !check_live(slots, nslots, st)) {
            why = "live blocks overlap or in_use is not their sum";
            ok = false;
        }
    }
    if (ok && !check_live(slots, nslots, st)) {
        why = "live blocks overlap or in_use is not their sum (at the end)";
        ok = false;
    }
    for (size_t i = 0; i < nslots; i++)
        if (slots[i].p)
            dalloc_free(slots[i].p);
    if (ok && dalloc_in_use() != 0) {
        why = "in_use is not 0 once all is freed";
        ok = false;
    }
    if (!ok)
        fprintf(stderr, "\nstress (seed %llu, op %zu): %s\n", (unsigned long long)seed, st->ops,
                why);
    free(slots);
    return ok;
}

/* ---- children ------------------------------------------------------------ */

/* Run this executable as "--child MODE ARG" with an extra environment
 * variable (or none); its stdout (malloc'd) and wait status. */
static char *run_self(const char *mode, const char *arg, const char *extra_env, int *status)
{
    int fds[2];
    if (pipe(fds) != 0)
        return NULL;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        if (extra_env)
            putenv((char *)extra_env);
        execl(self_exe, self_exe, "--child", mode, arg, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    size_t len = 0, cap = 1 << 16;
    char *buf = malloc(cap);
    for (;;) {
        if (len + 1 >= cap)
            buf = realloc(buf, cap *= 2);
        ssize_t n = read(fds[0], buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    close(fds[0]);
    waitpid(pid, status, 0);
    return buf;
}

static bool exited_ok(int status)
{
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Run f in a forked child (stderr silenced); its wait status. */
static int in_fork(void (*f)(void *), void *arg)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0)
            dup2(fd, 2);
        f(arg);
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return st;
}

/* ASLR is on in the children (so the comparison means something). */
static bool aslr_on(void)
{
    FILE *f = fopen("/proc/sys/kernel/randomize_va_space", "r");
    int v = 0;
    if (f) {
        if (fscanf(f, "%d", &v) != 1)
            v = 0;
        fclose(f);
    }
    int pers = personality(0xffffffff);
    return v != 0 && pers != -1 && !(pers & ADDR_NO_RANDOMIZE);
}

/* ---- the allocator ------------------------------------------------------- */

static void test_region_at_fixed_address(void)
{
    fresh(0);
    CU_ASSERT_EQUAL(dalloc_limit(), DALLOC_DEFAULT_LIMIT);
    void *s = dalloc_malloc(24), *m = dalloc_malloc(3000), *l = dalloc_malloc(100000);
    CU_ASSERT_TRUE(in_region(s));
    CU_ASSERT_TRUE(in_region(m));
    CU_ASSERT_TRUE(in_region(l));
    CU_ASSERT_EQUAL((uintptr_t)s & 15, 0);
    CU_ASSERT_EQUAL((uintptr_t)l & (DALLOC_PAGE - 1), 0);
    CU_ASSERT_EQUAL(dalloc_usable_size(s), 32);
    CU_ASSERT_EQUAL(dalloc_usable_size(m), 3072);
    CU_ASSERT_EQUAL(dalloc_usable_size(l), 25 * DALLOC_PAGE);
    CU_ASSERT_FALSE(dalloc_owns(&s));
    CU_ASSERT_FALSE(dalloc_owns(NULL));
    /* the first blocks of an empty allocator sit at the same places always */
    void *again[3];
    dalloc_reset();
    again[0] = dalloc_malloc(24);
    again[1] = dalloc_malloc(3000);
    again[2] = dalloc_malloc(100000);
    CU_ASSERT_PTR_EQUAL(again[0], s);
    CU_ASSERT_PTR_EQUAL(again[1], m);
    CU_ASSERT_PTR_EQUAL(again[2], l);
    dalloc_free(again[0]);
    dalloc_free(again[1]);
    dalloc_free(again[2]);
    CU_ASSERT_EQUAL(dalloc_in_use(), 0);
    /* a second dalloc_init only sets the limit */
    CU_ASSERT_EQUAL(dalloc_init(5 * MiB), 0);
    CU_ASSERT_EQUAL(dalloc_limit(), 5 * MiB);
}

/* Something already mapped inside the range: init fails, and says why. */
static void test_fixed_address_taken_fails(void)
{
    int st = 0;
    char *out = run_self("taken", "-", NULL, &st);
    CU_ASSERT_TRUE(exited_ok(st));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "init -1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "0x200000000000"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "deterministic addresses are impossible"));
    free(out);
}

/* One sequence of operations, two processes with different address space
 * layouts (and environments): the same addresses, op for op. */
static void test_same_sequence_same_addresses(void)
{
    int st1 = 0, st2 = 0;
    char *a = run_self("ops", "20000", NULL, &st1);
    char *b = run_self("ops", "20000",
                       "DALLOC_TEST_PAD=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                       "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                       &st2);
    CU_ASSERT_TRUE(exited_ok(st1));
    CU_ASSERT_TRUE(exited_ok(st2));
    CU_ASSERT_TRUE(strlen(a) > 100000);
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "0x2000"));
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "\nok\n"));
    /* the first line is the child's stack address: ASLR moved it */
    const char *a1 = strchr(a, '\n'), *b1 = strchr(b, '\n');
    CU_ASSERT_FATAL(a1 != NULL && b1 != NULL);
    if (aslr_on())
        CU_ASSERT_FALSE(a1 - a == b1 - b && memcmp(a, b, (size_t)(a1 - a)) == 0);
    CU_ASSERT_STRING_EQUAL(a1, b1);
    free(a);
    free(b);
}

static void test_limit_exact(void)
{
    fresh(MiB);
    void *p[256];
    for (int i = 0; i < 256; i++) {
        p[i] = dalloc_malloc(4096);
        CU_ASSERT_PTR_NOT_NULL(p[i]);
    }
    CU_ASSERT_EQUAL(dalloc_in_use(), MiB);
    CU_ASSERT_EQUAL(dalloc_peak(), MiB);
    CU_ASSERT_PTR_NULL(dalloc_malloc(4096));
    CU_ASSERT_PTR_NULL(dalloc_malloc(1));
    CU_ASSERT_PTR_NULL(dalloc_calloc(1, 1));
    CU_ASSERT_PTR_NULL(dalloc_malloc(DALLOC_SMALL_MAX + 1));
    CU_ASSERT_PTR_NULL(dalloc_realloc(p[0], 8192)); /* would take 4096 more */
    CU_ASSERT_EQUAL(dalloc_in_use(), MiB);
    dalloc_free(p[7]);
    CU_ASSERT_EQUAL(dalloc_in_use(), MiB - 4096);
    p[7] = dalloc_malloc(4096);
    CU_ASSERT_PTR_NOT_NULL(p[7]);
    CU_ASSERT_EQUAL(dalloc_in_use(), MiB);
    for (int i = 0; i < 256; i++)
        dalloc_free(p[i]);
    CU_ASSERT_EQUAL(dalloc_in_use(), 0);
    CU_ASSERT_EQUAL(dalloc_peak(), MiB);

    /* large blocks count their pages */
    fresh(10 * MiB);
    void *a = dalloc_malloc(6 * MiB), *b = dalloc_malloc(4 * MiB - 100);
    CU_ASSERT_PTR_NOT_NULL(a);
    CU_ASSERT_PTR_NOT_NULL(b);
    CU_ASSERT_EQUAL(dalloc_in_use(), 10 * MiB);
    CU_ASSERT_PTR_NULL(dalloc_malloc(20000));
    CU_ASSERT_PTR_NULL(dalloc_malloc(16));
    dalloc_free(b);
    CU_ASSERT_EQUAL(dalloc_in_use(), 6 * MiB);
    b = dalloc_malloc(4 * MiB);
    CU_ASSERT_PTR_NOT_NULL(b);
    /* a limit lowered below the usage: nothing more, frees still work */
    dalloc_set_limit(MiB);
    CU_ASSERT_PTR_NULL(dalloc_malloc(16));
    dalloc_free(a);
    dalloc_free(b);
    CU_ASSERT_EQUAL(dalloc_in_use(), 0);
    CU_ASSERT_PTR_NOT_NULL(dalloc_malloc(16));
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 7 + seed);
}

static bool filled(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(i * 7 + seed))
            return false;
    return true;
}

static void test_realloc_in_place_and_contents(void)
{
    fresh(0);
    /* the block at the top of the heap grows in place */
    unsigned char *top = dalloc_malloc(20000);
    fill(top, 20000, 3);
    unsigned char *t2 = dalloc_realloc(top, 10 * MiB);
    CU_ASSERT_PTR_EQUAL(t2, top);
    CU_ASSERT_TRUE(filled(top, 20000, 3));
    /* shrinking a large block gives its tail back */
    size_t before = dalloc_in_use();
    t2 = dalloc_realloc(top, MiB);
    CU_ASSERT_PTR_EQUAL(t2, top);
    CU_ASSERT_EQUAL(dalloc_in_use(), before - 9 * MiB);
    CU_ASSERT_TRUE(filled(top, 20000, 3));
    dalloc_free(top);

    /* a large block grows into the free pages after it */
    fresh(0);
    unsigned char *a = dalloc_malloc(64 << 10), *b = dalloc_malloc(64 << 10);
    unsigned char *c = dalloc_malloc(64 << 10);
    CU_ASSERT_PTR_EQUAL(b, a + (64 << 10));
    CU_ASSERT_PTR_EQUAL(c, b + (64 << 10));
    fill(a, 64 << 10, 1);
    dalloc_free(b);
    unsigned char *a2 = dalloc_realloc(a, 100 << 10);
    CU_ASSERT_PTR_EQUAL(a2, a);
    a2 = dalloc_realloc(a, 128 << 10);
    CU_ASSERT_PTR_EQUAL(a2, a);
    CU_ASSERT_EQUAL(dalloc_usable_size(a), 128 << 10);
    CU_ASSERT_TRUE(filled(a, 64 << 10, 1));
    /* now c is in the way: it moves, contents kept */
    fill(a, 128 << 10, 2);
    a2 = dalloc_realloc(a, (128 << 10) + 1);
    CU_ASSERT_PTR_NOT_EQUAL(a2, a);
    CU_ASSERT_TRUE(in_region(a2));
    CU_ASSERT_TRUE(filled(a2, 128 << 10, 2));
    /* it took half as much again: growing within that stays in place */
    CU_ASSERT_EQUAL(dalloc_usable_size(a2), 192 << 10);
    CU_ASSERT_PTR_EQUAL(dalloc_realloc(a2, 190 << 10), a2);
    CU_ASSERT_EQUAL(dalloc_usable_size(a2), 192 << 10);
    /* while a real shrink gives the pages back */
    CU_ASSERT_PTR_EQUAL(dalloc_realloc(a2, 100 << 10), a2);
    CU_ASSERT_EQUAL(dalloc_usable_size(a2), 100 << 10);
    CU_ASSERT_TRUE(filled(a2, 100 << 10, 2));
    dalloc_free(a2);
    dalloc_free(c);

    /* small blocks: in place within the class, moved beyond it */
    unsigned char *s = dalloc_malloc(100);
    CU_ASSERT_EQUAL(dalloc_usable_size(s), 112);
    fill(s, 100, 4);
    CU_ASSERT_PTR_EQUAL(dalloc_realloc(s, 112), s);
    CU_ASSERT_PTR_EQUAL(dalloc_realloc(s, 90), s);
    unsigned char *s2 = dalloc_realloc(s, 5000);
    CU_ASSERT_TRUE(filled(s2, 90, 4));
    fill(s2, 5000, 5);
    /* small to large and back */
    unsigned char *s3 = dalloc_realloc(s2, 300000);
    CU_ASSERT_TRUE(filled(s3, 5000, 5));
    fill(s3, 300000, 6);
    unsigned char *s4 = dalloc_realloc(s3, 1000);
    CU_ASSERT_EQUAL(dalloc_usable_size(s4), 1024);
    CU_ASSERT_TRUE(filled(s4, 1000, 6));
    /* realloc(NULL) is malloc; realloc(p, 0) keeps a (small) block */
    unsigned char *z = dalloc_realloc(NULL, 10);
    CU_ASSERT_TRUE(in_region(z));
    z = dalloc_realloc(s4, 0);
    CU_ASSERT_PTR_NOT_NULL(z);
    CU_ASSERT_EQUAL(dalloc_usable_size(z), 16);
    CU_ASSERT_EQUAL(z[0], (unsigned char)6);
}

/* Two blocks growing in turn, a page at a time (each in the other's way):
 * the 1.5x slack on a move keeps the number of moves logarithmic. */
static void test_realloc_growth_not_quadratic(void)
{
    fresh(0);
    unsigned char *x = dalloc_malloc(20000), *y = dalloc_malloc(20000);
    size_t n = 20000, moves = 0;
    memset(x, 'x', n);
    memset(y, 'y', n);
    while (n < 16 * MiB) {
        size_t m = n + 4096;
        unsigned char *x2 = dalloc_realloc(x, m), *y2 = dalloc_realloc(y, m);
        CU_ASSERT_FATAL(x2 != NULL && y2 != NULL);
        moves += (x2 != x) + (y2 != y);
        x = x2;
        y = y2;
        memset(x + n, 'x', m - n);
        memset(y + n, 'y', m - n);
        n = m;
    }
    CU_ASSERT_TRUE(x[0] == 'x' && x[n - 1] == 'x' && memchr(x, 'y', n) == NULL);
    CU_ASSERT_TRUE(y[0] == 'y' && y[n - 1] == 'y' && memchr(y, 'x', n) == NULL);
    CU_ASSERT_TRUE(moves < 64);
    /* the slack costs at most half again */
    CU_ASSERT_TRUE(dalloc_in_use() <= 3 * n + 2 * DALLOC_PAGE);
}

static void test_calloc_zeroes(void)
{
    fresh(0);
    /* reused small blocks */
    unsigned char *p = dalloc_malloc(700);
    memset(p, 0xab, 700);
    dalloc_free(p);
    unsigned char *q = dalloc_calloc(7, 100);
    CU_ASSERT_PTR_EQUAL(q, p); /* the block just freed, LIFO */
    CU_ASSERT_TRUE(all_zero(q, 700));
    /* a reused large span that kept its pages (under the trim size) */
    unsigned char *l = dalloc_malloc(40000), *guard = dalloc_malloc(40000);
    memset(l, 0xcd, 40000);
    dalloc_free(l);
    unsigned char *l2 = dalloc_calloc(4, 10000);
    CU_ASSERT_PTR_EQUAL(l2, l);
    CU_ASSERT_TRUE(all_zero(l2, dalloc_usable_size(l2)));
    /* fresh pages at the top */
    unsigned char *big = dalloc_calloc(1, 32 * MiB);
    CU_ASSERT_PTR_NOT_NULL(big);
    CU_ASSERT_TRUE(all_zero(big, 32 * MiB));
    /* pages at the top that were written, freed and taken again */
    memset(big, 0xef, 32 * MiB);
    dalloc_free(big);
    unsigned char *dirty = dalloc_malloc(20000); /* too few pages to be trimmed */
    memset(dirty, 0x11, 20000);
    dalloc_free(dirty);
    big = dalloc_calloc(32 * MiB, 1);
    CU_ASSERT_TRUE(all_zero(big, 32 * MiB));
    dalloc_free(big);
    dalloc_free(guard);
    dalloc_free(l2);
    dalloc_free(q);
    CU_ASSERT_EQUAL(dalloc_in_use(), 0);
}

static void test_huge_sizes_return_null(void)
{
    fresh(UINT64_MAX); /* no limit: the region's size alone says no */
    CU_ASSERT_PTR_NULL(dalloc_malloc(SIZE_MAX));
    CU_ASSERT_PTR_NULL(dalloc_malloc(SIZE_MAX - 4095));
    CU_ASSERT_PTR_NULL(dalloc_malloc((size_t)1 << 63));
    CU_ASSERT_PTR_NULL(dalloc_malloc(DALLOC_REGION));
    CU_ASSERT_PTR_NULL(dalloc_calloc(SIZE_MAX, 2));
    CU_ASSERT_PTR_NULL(dalloc_calloc((size_t)1 << 32, (size_t)1 << 32));
    CU_ASSERT_PTR_NULL(dalloc_calloc(1, SIZE_MAX));
    CU_ASSERT_PTR_NULL(dalloc_memalign(4096, SIZE_MAX));
    CU_ASSERT_PTR_NULL(dalloc_memalign((size_t)1 << 62, 16));
    CU_ASSERT_PTR_NULL(dalloc_memalign(24, 16));
    unsigned char *p = dalloc_malloc(100);
    memset(p, 9, 100);
    CU_ASSERT_PTR_NULL(dalloc_realloc(p, SIZE_MAX));
    CU_ASSERT_PTR_NULL(dalloc_realloc(p, (size_t)1 << 63));
    CU_ASSERT_EQUAL(p[99], 9); /* still live */
    unsigned char *l = dalloc_malloc(1 << 20);
    CU_ASSERT_PTR_NULL(dalloc_realloc(l, SIZE_MAX));
    dalloc_free(l);
    dalloc_free(p);
    CU_ASSERT_EQUAL(dalloc_in_use(), 0);
    /* a calloc of n * size just past the limit */
    dalloc_set_limit(MiB);
    CU_ASSERT_PTR_NULL(dalloc_calloc(MiB / 8 + 1, 8));
    CU_ASSERT_PTR_NOT_NULL(dalloc_calloc(MiB / 8, 8));
}

static void test_memalign(void)
{
    fresh(0);
    void *x = dalloc_malloc(5000);
    for (size_t al = 32; al <= ((size_t)1 << 20); al *= 4) {
        void *p = dalloc_memalign(al, 1000);
        CU_ASSERT_TRUE(in_region(p));
        CU_ASSERT_EQUAL((uintptr_t)p & (al - 1), 0);
        memset(p, 1, 1000);
        dalloc_free(p);
    }
    dalloc_free(x);
    CU_ASSERT_EQUAL(dalloc_in_use(), 0);
}

static size_t rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, res = 0;
    if (f) {
        if (fscanf(f, "%lu %lu", &size, &res) != 2)
            res = 0;
        fclose(f);
    }
    return res * (size_t)sysconf(_SC_PAGESIZE);
}

/* Large frees hand their pages back to the OS: RSS falls. */
static void test_free_returns_pages(void)
{
    fresh(0);
    unsigned char *a = dalloc_malloc(64 * MiB);
    unsigned char *guard = dalloc_malloc(100000); /* so a's pages are not the top */
    size_t r0 = rss_bytes();
    memset(a, 1, 64 * MiB);
    size_t r1 = rss_bytes();
    CU_ASSERT_TRUE(r1 >= r0 + 60 * MiB);
    dalloc_free(a);
    size_t r2 = rss_bytes();
    CU_ASSERT_TRUE(r2 + 60 * MiB <= r1);
    /* and when the block is the top of the heap */
    dalloc_free(guard);
    unsigned char *b = dalloc_malloc(64 * MiB);
    memset(b, 1, 64 * MiB);
    size_t r3 = rss_bytes();
    dalloc_free(b);
    CU_ASSERT_TRUE(rss_bytes() + 60 * MiB <= r3);
    CU_ASSERT_EQUAL(dalloc_in_use(), 0);
}

static void free_interior(void *arg)
{
    (void)arg;
    unsigned char *p = dalloc_malloc(100000);
    dalloc_free(p + DALLOC_PAGE);
}

static void free_foreign(void *arg)
{
    dalloc_free(arg);
}

static void free_twice_large(void *arg)
{
    (void)arg;
    void *p = dalloc_malloc(100000);
    dalloc_malloc(16);
    dalloc_free(p);
    dalloc_free(p);
}

/* Frees of pointers that are not blocks abort instead of corrupting. */
static void test_bad_free_aborts(void)
{
    fresh(0);
    int st = in_fork(free_interior, NULL);
    CU_ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
    int local = 0;
    st = in_fork(free_foreign, &local);
    CU_ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
    st = in_fork(free_twice_large, NULL);
    CU_ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
}

/* A million random operations against a shadow model. */
static void test_stress_against_shadow(void)
{
    fresh(4096 * MiB);
    stress_stats st = {0};
    CU_ASSERT_TRUE(stress(12345, 1000000, 4096, NULL, &st));
    CU_ASSERT_EQUAL(st.ops, 1000000);
    CU_ASSERT_TRUE(st.checks >= 100);
    /* with many live blocks: fewer slots freed, more reallocs */
    stress_stats st2 = {0};
    CU_ASSERT_TRUE(stress(777, 200000, 20000, NULL, &st2));
    CU_ASSERT_EQUAL(dalloc_in_use(), 0);
}

/* ---- the embedded CPython ------------------------------------------------ */

static const char py_program[] =
    "import sys\n"
    "class A: pass\n"
    "xs = [A() for _ in range(1000)]\n"
    "print(sorted(id(x) for x in xs)[:4], len(set(map(id, xs))))\n"
    "print(repr(A()))\n"
    "print(id(object()))\n"
    "objs = [A() for _ in range(200)]\n"
    "for i, o in enumerate(objs): o.i = i\n"
    "print([o.i for o in set(objs)])\n"
    "print({object(), object(), object()})\n"
    "d = {}\n"
    "for w in ('the quick brown fox jumps over the lazy dog ' * 50).split():\n"
    "    d[w] = d.get(w, 0) + 1\n"
    "print(d, set(d))\n"
    "s = ''\n"
    "for i in range(20000): s += str(i)\n"
    "print(len(s), hex(id(s)))\n"
    "print(sys.getallocatedblocks())\n";

static int child_python(const char *mode)
{
    bool memtest = strcmp(mode, "pymem") == 0;
    if (dalloc_init(memtest ? 64 * MiB : 0) != 0) {
        printf("init failed: %s\n", dalloc_error());
        return 2;
    }
    PyPreConfig pre;
    PyPreConfig_InitIsolatedConfig(&pre);
    PyStatus st = Py_PreInitialize(&pre);
    if (PyStatus_Exception(st))
        return 3;
    if (dalloc_install_python() != 0)
        return 4;
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    c.use_hash_seed = 1;
    c.hash_seed = 0;
    st = Py_InitializeFromConfig(&c);
    PyConfig_Clear(&c);
    if (PyStatus_Exception(st))
        return 5;
    int host = 0;
    printf("host stack %p\n", (void *)&host);
    printf("check %d\n", dalloc_check_python());
    fflush(stdout);
    int rc;
    if (memtest) {
        rc = PyRun_SimpleString("try:\n"
                                "    b = bytearray(100 * 2**20)\n"
                                "    print('no error', len(b))\n"
                                "except MemoryError:\n"
                                "    print('MemoryError')\n"
                                "chunks = []\n"
                                "try:\n"
                                "    while True: chunks.append(bytes(2**20))\n"
                                "except MemoryError:\n"
                                "    print('MemoryError after', len(chunks) > 20)\n"
                                "del chunks\n"
                                "print('still running', sum(range(1000)))\n");
    } else {
        rc = PyRun_SimpleString(py_program);
    }
    fflush(stdout);
    PyObject *out = PySys_GetObject("stdout");
    if (out) {
        PyObject *r = PyObject_CallMethod(out, "flush", NULL);
        Py_XDECREF(r);
    }
    size_t peak = dalloc_peak();
    if (Py_FinalizeEx() < 0)
        rc = 6;
    printf("rc %d\n", rc);
    printf("peak within limit %d\n", peak <= dalloc_limit());
    printf("foreign frees %zu\n", dalloc_python_foreign_frees());
    return 0;
}

/* The brief's program, in two processes: identical output, byte for byte,
 * and the addresses are the region's. */
static void test_python_identical_across_processes(void)
{
    int st1 = 0, st2 = 0;
    char *a = run_self("py", "-", NULL, &st1);
    char *b = run_self("py", "-", NULL, &st2);
    CU_ASSERT_TRUE(exited_ok(st1));
    CU_ASSERT_TRUE(exited_ok(st2));
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "check 0\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "<__main__.A object at 0x2000"));
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "rc 0\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "foreign frees 0\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "88890 0x2004")); /* len(s), the string's id */
    const char *a1 = strchr(a, '\n'), *b1 = strchr(b, '\n');
    CU_ASSERT_FATAL(a1 != NULL && b1 != NULL);
    if (aslr_on()) /* the host's own addresses did move */
        CU_ASSERT_FALSE(a1 - a == b1 - b && memcmp(a, b, (size_t)(a1 - a)) == 0);
    if (strcmp(a1, b1) != 0)
        fprintf(stderr, "\n--- first\n%s--- second\n%s", a, b);
    CU_ASSERT_STRING_EQUAL(a1, b1);
    free(a);
    free(b);
}

/* A 64 MiB limit: bytearray(100 MiB) raises MemoryError, so does a loop that
 * allocates without end, and the interpreter carries on. */
static void test_python_memory_error(void)
{
    int st = 0;
    char *out = run_self("pymem", "-", NULL, &st);
    CU_ASSERT_TRUE(exited_ok(st));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "check 0\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nMemoryError\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "MemoryError after True\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "still running 499500\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "rc 0\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "peak within limit 1\n"));
    if (!strstr(out, "still running"))
        fprintf(stderr, "\n%s", out);
    free(out);
}

/* ---- child entry points ---------------------------------------------------- */

static int child_main(int argc, char **argv)
{
    const char *mode = argc > 2 ? argv[2] : "";
    if (strcmp(mode, "taken") == 0) {
        void *want = (void *)(uintptr_t)(DALLOC_BASE + ((uint64_t)1 << 30));
        void *m = mmap(want, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                       -1, 0);
        if (m != want)
            return 2;
        printf("init %d\n%s\n", dalloc_init(0), dalloc_error());
        return dalloc_ready() ? 3 : 0;
    }
    if (strcmp(mode, "ops") == 0) {
        int local = 0;
        printf("host stack %p\n", (void *)&local);
        if (dalloc_init(0) != 0) {
            printf("init failed: %s\n", dalloc_error());
            return 2;
        }
        stress_stats st = {0};
        bool ok = stress(99, (size_t)strtoul(argc > 3 ? argv[3] : "1000", NULL, 10), 512, stdout,
                         &st);
        printf("%s\n", ok ? "ok" : "FAILED");
        return ok ? 0 : 1;
    }
    if (strcmp(mode, "py") == 0 || strcmp(mode, "pymem") == 0)
        return child_python(mode);
    return 64;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--child") == 0)
        return child_main(argc, argv);
    static char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return 2;
    exe[n] = '\0';
    self_exe = exe;
    static const ts_test tests[] = {
        TS_TEST(test_region_at_fixed_address),
        TS_TEST(test_fixed_address_taken_fails),
        TS_TEST(test_same_sequence_same_addresses),
        TS_TEST(test_limit_exact),
        TS_TEST(test_realloc_in_place_and_contents),
        TS_TEST(test_realloc_growth_not_quadratic),
        TS_TEST(test_calloc_zeroes),
        TS_TEST(test_huge_sizes_return_null),
        TS_TEST(test_memalign),
        TS_TEST(test_free_returns_pages),
        TS_TEST(test_bad_free_aborts),
        TS_TEST(test_stress_against_shadow),
        TS_TEST(test_python_identical_across_processes),
        TS_TEST(test_python_memory_error),
    };
    return ts_test_main("dalloc", tests, sizeof tests / sizeof tests[0]);
}
