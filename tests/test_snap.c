/*
 * tests/test_snap.c — in-process reset (model/cpy/cpy_snap.h): a process
 * that takes a snapshot, changes its memory, address space, descriptors,
 * signal handlers, working folder, umask and timers, and resets, finds
 * everything as it was, again and again; what a reset cannot undo (a
 * resource limit, another OS thread) ends the
 * process with status 0; where the kernel has no support the snapshot is
 * refused with a reason, never half taken.
 *
 * Each case runs in a child process (a snapshot is of the whole process),
 * with verify on: every reset also compares every page with the snapshot
 * and exits 70 on a difference. The child reports through a pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/cpy/cpy_snap.h"
#include "py_util.h"

static int global_counter = 7;  /* .data */
static char global_buf[65536];  /* .bss */
static void on_usr1(int sig) { (void)sig; }

/* The snapshot (verified resets, or not), taken in the caller's own frame
 * (it returns there again after each reset); where none can be taken, the
 * child says -1 and exits 91. */
#define TAKE_OR_REPORT(report) TAKE_OR_REPORT_V(report, true)
#define TAKE_OR_REPORT_V(report, verify)                                                           \
    __extension__({                                                                                \
        int r_ = cpy_snap_take(verify);                                                            \
        if (r_ < 0) {                                                                              \
            int32_t msg_ = -1;                                                                     \
            (void)!write((report), &msg_, sizeof msg_);                                            \
            _exit(91);                                                                             \
        }                                                                                          \
        r_;                                                                                        \
    })

/* Everything the child checks after a reset; 0 if all is as at the
 * snapshot, else the number of the first check that failed. */
static int check_state(const char *heap, const char *kept, const char *dir0, mode_t mask0)
{
    if (global_counter != 7)
        return 1;
    for (size_t i = 0; i < sizeof global_buf; i++)
        if (global_buf[i] != (char)(i % 251))
            return 2;
    for (size_t i = 0; i < 200000; i++)
        if (heap[i] != 'h')
            return 3;
    for (size_t i = 0; i < 16 * 4096; i++)
        if (kept[i] != (i < 8 * 4096 ? 'k' : 0))
            return 4;
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd) || strcmp(cwd, dir0) != 0)
        return 5;
    mode_t m = umask(0);
    umask(m);
    if (m != mask0)
        return 6;
    struct sigaction sa;
    if (sigaction(SIGUSR1, NULL, &sa) != 0 || sa.sa_handler != SIG_DFL)
        return 7;
    struct itimerval it;
    if (getitimer(ITIMER_REAL, &it) != 0 || it.it_value.tv_sec || it.it_value.tv_usec)
        return 8;
    if (fcntl(100, F_GETFD) != -1 || errno != EBADF)
        return 9; /* the run's descriptor is closed */
    return 0;
}

/* The child: snapshot, then four runs that change everything, each reset. */
static void child_main(int report)
{
    for (size_t i = 0; i < sizeof global_buf; i++)
        global_buf[i] = (char)(i % 251);
    char *heap = malloc(200000);
    memset(heap, 'h', 200000);
    /* 16 pages: the first 8 present at the snapshot, the rest never touched */
    char *kept = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(kept, 'k', 8 * 4096);
    /* a mapping the runs unmap */
    char *doomed = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(doomed, 'd', 4 * 4096);
    /* reserved space the runs make writable */
    char *reserve = mmap(NULL, 64 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    /* 8 MiB with one page at the snapshot: each run writes a page 3 MiB in,
     * where the snapshot had no page table (the reset gives the rest of the
     * table the run made write-protect markers), a different one each run */
    char *wide = mmap(NULL, 8 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (wide == MAP_FAILED)
        _exit(89);
    wide[0] = 'w';
    char dir0[4096];
    if (!getcwd(dir0, sizeof dir0))
        _exit(90);
    mode_t mask0 = umask(022);
    umask(mask0);
    volatile int round = 0; /* on the stack: reset with the rest */

    int r = TAKE_OR_REPORT(report);
    if (r == 1) {
        int bad = check_state(heap, kept, dir0, mask0);
        if (bad || round != 0 || doomed[0] != 'd' || doomed[4 * 4096 - 1] != 'd')
            _exit(bad ? bad : 10);
        for (size_t i = 1; i < (8 << 20); i++)
            if (wide[i] || wide[0] != 'w')
                _exit(11);
        if (cpy_snap_resets() == 4)
            _exit(0); /* four runs, four good resets */
    }
    /* a run: change all of it */
    round++;
    global_counter = 99;
    memset(global_buf, 'x', sizeof global_buf);
    memset(heap, 'z', 200000);
    char *more = malloc(1 << 20); /* past the break, or a new mapping */
    memset(more, 1, 1 << 20);
    memset(kept + 4 * 4096, 'w', 12 * 4096); /* some present then, some not */
    madvise(kept, 4096, MADV_DONTNEED);      /* a page of the snapshot dropped */
    munmap(doomed, 4 * 4096);
    mprotect(reserve, 8 * 4096, PROT_READ | PROT_WRITE);
    memset(reserve, 'r', 8 * 4096);
    wide[(3 << 20) + (size_t)cpy_snap_resets() * 4096] = 'n';
    (void)!mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    int fd = open("/dev/null", O_RDONLY);
    dup2(fd, 100);
    (void)!chdir("/");
    umask(0777);
    signal(SIGUSR1, on_usr1);
    struct itimerval it = {{0, 0}, {100, 0}};
    setitimer(ITIMER_REAL, &it, NULL);
    int32_t msg = 42 + (int32_t)cpy_snap_resets();
    cpy_snap_reset(report, msg);
    _exit(92); /* not reached */
}

/* child(report) in a child process, which resets `runs` times: each
 * run's message (42, 43, ...) must reach the pipe once its descriptors
 * were closed, and the child exit 0; where no snapshot can be taken it is
 * refused, cleanly, with a reason (exit 91, message -1). */
static void runs_in_child(void (*child)(int), size_t runs)
{
    int p[2];
    CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
    fflush(NULL);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        child(p[1]);
    }
    close(p[1]);
    int32_t got[8];
    size_t n = 0;
    while (n < 8 && read(p[0], &got[n], sizeof got[n]) == (ssize_t)sizeof got[n])
        n++;
    close(p[0]);
    int ws = 0;
    waitpid(pid, &ws, 0);
    CU_ASSERT_FATAL(WIFEXITED(ws));
    if (!pyt_can_reset()) {
        CU_ASSERT_EQUAL(WEXITSTATUS(ws), 91);
        CU_ASSERT_EQUAL(n, 1);
        return;
    }
    if (WEXITSTATUS(ws) != 0)
        fprintf(stderr, "\nthe reset child exited %d\n", WEXITSTATUS(ws));
    CU_ASSERT_EQUAL(WEXITSTATUS(ws), 0);
    CU_ASSERT_EQUAL(n, runs);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_EQUAL(got[i], 42 + (int32_t)i);
}

static void test_reset_undoes_a_run(void) { runs_in_child(child_main, 4); }

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

/* Pages swapped out are the process's as much as pages in memory: those
 * swapped out at the snapshot are part of it (a run that writes them gets
 * their bytes back), and a page a run wrote is put back even when it was
 * swapped out before the reset (found wrong on 2026-12-05: a runner whose
 * run paged out memory it had written gave the next run that memory
 * unzeroed). MADV_PAGEOUT swaps the pages out where the machine has swap;
 * where it has none it does nothing, and this is a plain reset test. */
static void child_swapped(int report)
{
    enum { NP = 64 };
    char *sw = mmap(NULL, NP * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sw == MAP_FAILED)
        _exit(90);
    memset(sw, 's', NP / 2 * 4096);           /* half the pages hold bytes ... */
    (void)madvise(sw, NP / 4 * 4096, MADV_PAGEOUT); /* ... a quarter swapped out */
    int r = TAKE_OR_REPORT(report);
    if (r == 1) {
        for (size_t i = 0; i < NP * 4096; i++)
            if (sw[i] != (i < NP / 2 * 4096 ? 's' : 0))
                _exit(i < NP / 4 * 4096 ? 11 : i < NP / 2 * 4096 ? 12 : 13);
        if (cpy_snap_resets() == 3)
            _exit(0);
    }
    memset(sw, 'x', NP * 4096);                 /* every page written ... */
    (void)madvise(sw, NP * 4096, MADV_PAGEOUT); /* ... and swapped out */
    cpy_snap_reset(report, 42 + (int32_t)cpy_snap_resets());
    _exit(92);
}

static void test_reset_counts_swapped_pages(void) { runs_in_child(child_swapped, 3); }

/* The line of /proc/self/maps that starts at address a ("" if none). */
static void maps_line_at(const void *a, char *out, size_t cap)
{
    char want[32];
    snprintf(want, sizeof want, "%lx-", (unsigned long)(uintptr_t)a);
    out[0] = '\0';
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        _exit(88);
    char line[512];
    while (fgets(line, sizeof line, f))
        if (strncmp(line, want, strlen(want)) == 0) {
            snprintf(out, cap, "%s", line);
            break;
        }
    fclose(f);
}

#define WATCH_FIXED ((char *)0x3a0000000000) /* free: past dalloc's and the snapshot's regions */

/* A reset reads /proc/self/maps only after a run that may have changed the
 * address space (model/cpy/cpy_snap.c: sizes, the loader's counters, calls
 * of the exported mmap family), and then undoes the change: a run that
 * changes no mapping (no read), one that makes reserved space readable
 * (neither size changes: only the count of mprotect calls sees it), one
 * that maps a page of its own (the total size sees it). */
static void child_watch(int report)
{
    char *reserve = mmap(NULL, 64 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (reserve == MAP_FAILED)
        _exit(90);
    int r = TAKE_OR_REPORT_V(report, false);
    uint64_t k = cpy_snap_resets();
    if (r == 1) {
        char line[512];
        maps_line_at(reserve, line, sizeof line);
        if (!strstr(line, " ---p "))
            _exit(20); /* the readable page made reserved again */
        maps_line_at(WATCH_FIXED, line, sizeof line);
        if (line[0])
            _exit(21); /* the run's own page unmapped */
        if (cpy_snap_layout_reads() != (k == 1 ? 0 : k - 1))
            _exit(30 + (int)k); /* read only after the runs that changed a mapping */
        if (k == 3)
            _exit(0);
    }
    memset(global_buf, 'x', sizeof global_buf); /* every run writes memory */
    if (k == 1 && mprotect(reserve, 4096, PROT_READ) != 0)
        _exit(94);
    if (k == 2 && mmap(WATCH_FIXED, 4096, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != WATCH_FIXED)
        _exit(95);
    cpy_snap_reset(report, 42 + (int32_t)k);
    _exit(92);
}

static void test_reset_reads_the_maps_after_a_change_only(void) { runs_in_child(child_watch, 3); }

/* A reset reads the signals' handlers, the resource limits and the ids
 * back only after a run that called a function that changes one (the
 * exported sigaction, signal, setrlimit, ...: model/cpy/cpy_snap.c), and
 * then puts the handler back: runs 1 and 3 change nothing of it, run 2
 * sets SIGUSR2's handler through sigaction, run 4 SIGUSR1's through
 * signal. */
static void child_state(int report)
{
    int r = TAKE_OR_REPORT_V(report, false);
    uint64_t k = cpy_snap_resets();
    if (r == 1) {
        struct sigaction sa;
        if (sigaction(SIGUSR2, NULL, &sa) != 0 || sa.sa_handler != SIG_DFL ||
            sigaction(SIGUSR1, NULL, &sa) != 0 || sa.sa_handler != SIG_DFL)
            _exit(20); /* the run's handler put back */
        static const uint64_t want[] = {0, 0, 1, 1, 2};
        if (cpy_snap_state_reads() != want[k])
            _exit(30 + (int)k);
        if (k == 4)
            _exit(0);
    }
    memset(global_buf, 'x', sizeof global_buf); /* every run writes memory */
    if (k == 1) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_usr1;
        if (sigaction(SIGUSR2, &sa, NULL) != 0)
            _exit(94);
    }
    if (k == 3 && signal(SIGUSR1, on_usr1) == SIG_ERR)
        _exit(95);
    cpy_snap_reset(report, 42 + (int32_t)k);
    _exit(92);
}

static void test_reset_reads_the_handlers_after_a_change_only(void)
{
    runs_in_child(child_state, 4);
}

/* A snapshot (verified or not; before() first, in the child), then
 * change(), then a reset: the pipe gets want_msg and the process ends with
 * want_status. */
static void reset_after(int (*before)(void), bool verify, int (*change)(void), int32_t msg,
                        int32_t want_msg, int want_status)
{
    if (!pyt_can_reset()) {
        /* no snapshot here: a reset refuses, it does not half happen */
        CU_ASSERT_EQUAL(cpy_snap_reset(-1, msg), -1);
        return;
    }
    int p[2];
    CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
    fflush(NULL);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        if (before && before() != 0)
            _exit(89);
        int r = cpy_snap_take(verify);
        if (r != 0)
            _exit(r < 0 ? 91 : 93); /* a reset must not come back here */
        if (change() != 0)
            _exit(94);
        cpy_snap_reset(p[1], msg);
        _exit(92);
    }
    close(p[1]);
    int32_t got = 0;
    CU_ASSERT_EQUAL(read(p[0], &got, sizeof got), (ssize_t)sizeof got);
    CU_ASSERT_EQUAL(got, want_msg);
    close(p[0]);
    int ws = 0;
    waitpid(pid, &ws, 0);
    CU_ASSERT(WIFEXITED(ws) && WEXITSTATUS(ws) == want_status);
}

/* ... that cannot undo it: the run is reported over (msg reaches the pipe)
 * and the process ends with 0. */
static void gives_up_after(int (*change)(void), int32_t msg)
{
    reset_after(NULL, false, change, msg, msg, 0);
}

static char *watch_reserve;

static int reserve_and_quiet(void)
{
    watch_reserve = mmap(NULL, 16 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                         -1, 0);
    int devnull = open("/dev/null", O_WRONLY);
    /* (the verified reset's report goes to stderr) */
    return watch_reserve == MAP_FAILED || devnull < 0 || dup2(devnull, 2) != 2 ? -1 : 0;
}

static int raw_mprotect(void)
{
    return (int)syscall(SYS_mprotect, watch_reserve, 4096, PROT_READ);
}

/* A change of the address space the watch does not see (a raw mprotect
 * system call, as C code past libc could make) is found by a verified
 * reset: the process reports it and exits 70. */
static void test_verify_finds_a_change_the_watch_missed(void)
{
    reset_after(reserve_and_quiet, true, raw_mprotect, 42, 70 << 8, 70);
}

static int raw_sigaction(void)
{
    /* the kernel's struct sigaction: handler, flags, restorer, mask */
    unsigned long act[4] = {(unsigned long)(uintptr_t)SIG_IGN, 0, 0, 0};
    return (int)syscall(SYS_rt_sigaction, SIGUSR2, act, NULL, 8);
}

/* A signal's handler set with a raw system call (C code past the C
 * library's functions) is not seen by the watch, but a verified reset
 * finds it: the process reports it and exits 70. */
static void test_verify_finds_a_handler_the_watch_missed(void)
{
    reset_after(reserve_and_quiet, true, raw_sigaction, 42, 70 << 8, 70);
}

static int change_core_limit(void)
{
    struct rlimit rl;
    getrlimit(RLIMIT_CORE, &rl);
    rl.rlim_cur = rl.rlim_cur ? 0 : 1;
    if (rl.rlim_cur > rl.rlim_max)
        rl.rlim_cur = rl.rlim_max;
    return setrlimit(RLIMIT_CORE, &rl);
}

static void *sleeper(void *arg)
{
    (void)arg;
    pause();
    return NULL;
}

static int start_a_thread(void)
{
    pthread_t t;
    return pthread_create(&t, NULL, sleeper, NULL);
}

/* What a reset cannot undo ends the process, with status 0: a resource
 * limit changed, another OS thread (a program's ctypes call). */
static void test_reset_gives_up_with_status_0(void) { gives_up_after(change_core_limit, 7); }
static void test_reset_gives_up_with_a_second_thread(void) { gives_up_after(start_a_thread, 9); }

/* A process the program forked is no runner: its reset refuses. */
static void test_reset_refused_in_a_forked_child(void)
{
    if (!pyt_can_reset()) {
        CU_ASSERT_EQUAL(cpy_snap_reset(-1, 0), -1);
        return;
    }
    fflush(NULL);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        int r = cpy_snap_take(false);
        if (r != 0)
            _exit(91);
        pid_t c = fork();
        if (c == 0)
            _exit(cpy_snap_reset(-1, 0) == -1 ? 0 : 95);
        int ws = 0;
        waitpid(c, &ws, 0);
        _exit(WIFEXITED(ws) ? WEXITSTATUS(ws) : 96);
    }
    int ws = 0;
    waitpid(pid, &ws, 0);
    CU_ASSERT(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
}

TS_TESTS("snap", TS_TEST(test_reset_undoes_a_run), TS_TEST(test_reset_counts_swapped_pages),
         TS_TEST(test_reset_gives_up_with_status_0),
         TS_TEST(test_reset_gives_up_with_a_second_thread),
         TS_TEST(test_reset_refused_in_a_forked_child),
         TS_TEST(test_reset_reads_the_maps_after_a_change_only),
         TS_TEST(test_verify_finds_a_change_the_watch_missed),
         TS_TEST(test_reset_reads_the_handlers_after_a_change_only),
         TS_TEST(test_verify_finds_a_handler_the_watch_missed))
