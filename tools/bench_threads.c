/*
 * tools/bench_threads.c — what a green thread costs at scale (the engine's C
 * API, sim/sched.h): N threads that sleep, wake and are joined, for N = 1k,
 * 100k and 1M (or up to the N given).
 *
 * Per N, one scheduler, its main thread:
 *   1. creates and starts N threads; each runs at once (start hands over) to
 *      its sleep of 1 s and the CPU comes back to main: "create" is the time
 *      per thread of all that, two switches included, on stacks never used
 *      before (each costs the kernel a page fault for its first page);
 *   2. with all N asleep, reads the process's resident memory: "RSS/thread"
 *      is its growth since before the run, per thread; "PTE/thread" the
 *      growth of the page tables (VmPTE, not part of RSS);
 *   3. two more threads pass the CPU back and forth (sim_yield) while the N
 *      sleep: "switch" is the time per switch;
 *   4. lets the clock move: the N timers fire one by one, each thread wakes
 *      and exits, and main joins them in creation order: "wake+join";
 *   5. creates N threads again, now on the released stacks (resident, no
 *      page fault): "create (reused)", then wakes and joins them.
 * The ratios compare creation with a switch.
 *
 * The table is printed twice: threads on stacks of their own (a slot of a
 * slab each), then on the one shared stack (sim_thread_share_stack: an
 * idle thread's frames, a few hundred bytes, are copied aside; "switch" is
 * then between two shared threads, copies included, and "create" pays no
 * fresh stack page, only the fresh heap of its record and frames). The
 * resident memory is measured after malloc_trim(), so memory an earlier
 * round freed is not counted as free for this one.
 *
 * First, the kernel's share of a
 * fresh stack is measured on its own: the page fault of its first touch, the
 * same page asked for ahead (MADV_POPULATE_WRITE) and the guard page's
 * madvise. Wall-clock time is measured here only; nothing
 * of it reaches a trace.
 *
 * usage: bench_threads [MAX_N [STACK_SIZE [own|shared|both]]]
 *        (defaults: 1000000, 65536, both)
 */
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../sim/num.h"
#include "../sim/sched.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "VmRSS" or "VmPTE" of /proc/self/status, in bytes. */
static uint64_t vm_bytes(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    uint64_t kb = 0;
    size_t n = strlen(key);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, n) == 0 && line[n] == ':')
            kb = strtoull(line + n + 1, NULL, 10);
    fclose(f);
    return kb * 1024;
}

static sim_sched S;
static uint32_t N;               /* workers per round */
static uint8_t *done;            /* done[i]: worker i finished */
static uint32_t waiting_for;     /* the worker main is joining, or UINT32_MAX */
static sim_thread *main_t;
static uint64_t base_rss, base_pte;
static bool shared_mode;         /* workers and pingers on the shared stack */

/* t, on the shared stack in the shared mode; NULL if it refuses. */
static sim_thread *placed(sim_thread *t)
{
    if (t && shared_mode && sim_thread_share_stack(&S, t) != 0)
        return NULL;
    return t;
}

typedef struct result {
    double create, create_reused, switch_ns, wake_join; /* ns per thread / per switch */
    double rss, pte;                                    /* bytes per thread */
    int failed;
} result;
static result R;

static void worker(void *arg)
{
    uint32_t i = (uint32_t)(uintptr_t)arg;
    sim_sleep(&S, SIM_NS_PER_SEC);
    done[i] = 1;
    if (waiting_for == i)
        sim_wake(&S, main_t, "exit", SIM_NONE);
}

static long pp_left;
static void ponger(void *arg)
{
    (void)arg;
    while (pp_left-- > 0)
        sim_yield(&S);
}

/* Create and start N workers; returns ns per thread, or -1. */
static double round_create(void)
{
    memset(done, 0, N);
    double t0 = now_s();
    for (uint32_t i = 0; i < N; i++) {
        sim_thread *t = placed(sim_thread_create(&S, "w", worker, (void *)(uintptr_t)i, NULL));
        if (!t || sim_thread_start(&S, t, 0) != 0) {
            fprintf(stderr, "bench_threads: thread %" PRIu32 " of %" PRIu32 " could not start\n",
                    i, N);
            R.failed = 1;
            return -1;
        }
    }
    return (now_s() - t0) * 1e9 / N;
}

/* Let the N sleepers wake, exit, and be joined in order; ns per thread. */
static double round_join(void)
{
    double t0 = now_s();
    for (uint32_t i = 0; i < N; i++) {
        while (!done[i]) {
            waiting_for = i;
            sim_block(&S, "join", SIM_NONE, NULL, SIM_FOREVER);
        }
    }
    waiting_for = UINT32_MAX;
    return (now_s() - t0) * 1e9 / N;
}

static void bench_main(void *arg)
{
    (void)arg;
    R.create = round_create();
    if (R.failed)
        sim_sched_finish(&S);
    R.rss = (double)(vm_bytes("VmRSS") - base_rss) / N;
    R.pte = (double)(vm_bytes("VmPTE") - base_pte) / N;

    long switches = 2000000;
    pp_left = switches;
    uint64_t sw0 = S.nswitches;
    double t0 = now_s();
    sim_thread *pa = placed(sim_thread_create(&S, "ping", ponger, NULL, NULL));
    sim_thread *pb = placed(sim_thread_create(&S, "pong", ponger, NULL, NULL));
    if (!pa || !pb || sim_thread_start(&S, pa, 0) != 0 || sim_thread_start(&S, pb, 0) != 0) {
        R.failed = 1;
        sim_sched_finish(&S);
    }
    /* main waits until both are done (they yield to each other meanwhile) */
    while (pp_left > 0)
        sim_sleep(&S, 1);
    double t1 = now_s();
    R.switch_ns = (t1 - t0) * 1e9 / (double)(S.nswitches - sw0);

    R.wake_join = round_join();
    R.create_reused = round_create();
    if (!R.failed)
        round_join();
    sim_sched_finish(&S);
}

static int bench(uint32_t n, size_t stack_size)
{
    N = n;
    done = malloc(n);
    if (!done)
        return -1;
    memset(&R, 0, sizeof R);
    waiting_for = UINT32_MAX;
    sim_config c = sim_config_default();
    c.switch_steps = 0;
    c.stack_size = stack_size;
    malloc_trim(0); /* what the last round freed is not counted as this one's */
    base_rss = vm_bytes("VmRSS");
    base_pte = vm_bytes("VmPTE");
    if (sim_sched_init(&S, &c) != 0)
        return -1;
    main_t = sim_thread_create(&S, "main", bench_main, NULL, NULL);
    sim_status st = sim_sched_run(&S, main_t);
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
    free(done);
    if (st != SIM_FINISHED || R.failed)
        return -1;
    printf("%9" PRIu32 " %10.0f %10.0f %8.1f %7.0fx %7.1fx %11.0f %9.0f %10.0f\n", n, R.create,
           R.create_reused, R.switch_ns, R.create / R.switch_ns, R.create_reused / R.switch_ns,
           R.rss, R.pte, R.wake_join);
    fflush(stdout);
    return 0;
}

/* What the kernel charges for the first use of a stack, on this machine:
 * the first touch of a fresh page (a page fault: zeroed memory, a page-table
 * entry) and a MADV_GUARD_INSTALL, each at `n` places `stride` apart. */
static void kernel_costs(size_t n, size_t stride)
{
    char *m = mmap(NULL, n * stride, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        return;
    (void)madvise(m, n * stride, MADV_NOHUGEPAGE);
    double t0 = now_s();
    for (size_t i = 0; i < n; i++)
        if (madvise(m + i * stride, 4096, 102 /* MADV_GUARD_INSTALL */) != 0)
            break;
    double t1 = now_s();
    for (size_t i = 0; i < n; i++)
        m[(i + 1) * stride - 64] = 1;
    double t2 = now_s();
    munmap(m, n * stride);
    /* and asking for the page ahead instead of touching it */
    double pop = -1;
    m = mmap(NULL, n * stride, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
             -1, 0);
    if (m != MAP_FAILED) {
        (void)madvise(m, n * stride, MADV_NOHUGEPAGE);
        double t3 = now_s();
        size_t i = 0;
        for (; i < n; i++)
            if (madvise(m + (i + 1) * stride - 4096, 4096, 23 /* MADV_POPULATE_WRITE */) != 0)
                break;
        if (i == n)
            pop = (now_s() - t3) * 1e9 / (double)n;
        munmap(m, n * stride);
    }
    printf("kernel, per stack: first touch of a page %.0f ns, MADV_POPULATE_WRITE of one page "
           "%.0f ns, MADV_GUARD_INSTALL %.0f ns\n",
           (t2 - t1) * 1e9 / (double)n, pop, (t1 - t0) * 1e9 / (double)n);
}

int main(int argc, char **argv)
{
    uint64_t max = 1000000, stack = 64 * 1024;
    if ((argc > 1 && sim_parse_u64(argv[1], UINT32_MAX - 8, &max) != SIM_NUM_OK) ||
        (argc > 2 && (sim_parse_u64(argv[2], (uint64_t)1 << 30, &stack) != SIM_NUM_OK ||
                      stack < SIM_STACK_MIN))) {
        fputs("usage: bench_threads [MAX_N [STACK_SIZE [own|shared|both]]]   (defaults 1000000 "
              "65536 both)\n", stderr);
        return 2;
    }
    bool only_own = argc > 3 && strcmp(argv[3], "own") == 0;
    bool only_shared = argc > 3 && strcmp(argv[3], "shared") == 0;
    if (argc > 4 || (argc > 3 && !only_own && !only_shared && strcmp(argv[3], "both") != 0)) {
        fputs("bench_threads: the third argument is own, shared or both\n", stderr);
        return 2;
    }
    printf("threadsim thread-scale benchmark: sleep, wake, join (sim C API; stacks %" PRIu64
           " bytes, sizeof(sim_thread) %zu)\n", stack, sizeof(sim_thread));
    kernel_costs(100000, (size_t)stack + 8192);
    for (int mode = only_shared ? 1 : 0; mode < (only_own ? 1 : 2); mode++) {
        shared_mode = mode == 1;
        printf(shared_mode ? "\nshared stack (sim_thread_share_stack: frames copied aside while idle; "
                             "switch = between two shared threads)\n"
                           : "\nown stacks (one slot of a slab per thread)\n");
        printf("%9s %10s %10s %8s %8s %8s %11s %9s %10s\n", "threads", "create ns", "reused ns",
               "switch", "create/", "reused/", "RSS/thread", "PTE/thr", "wake+join");
        printf("%9s %10s %10s %8s %8s %8s %11s %9s %10s\n", "", "", "", "ns", "switch", "switch",
               "bytes", "bytes", "ns");
        const uint64_t sizes[] = {1000, 100000, 1000000};
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            uint64_t n = sizes[i] < max ? sizes[i] : max;
            if (bench((uint32_t)n, (size_t)stack) != 0) {
                fprintf(stderr, "bench_threads: the run with %" PRIu64 " threads failed\n", n);
                return 1;
            }
            if (n == max)
                break;
        }
    }
    return 0;
}
