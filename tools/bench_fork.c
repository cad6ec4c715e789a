/*
 * tools/bench_fork.c — the floor under the explorer's speed on this
 * machine: what one fork of a process, its exit and the parent's wait
 * cost, for a process with SIZE MiB of touched memory whose child writes
 * PAGES pages (a copy-on-write fault each), as each explored schedule
 * forks the session's zygote and the run writes some of its pages.
 *
 *   bench_fork [SIZE_MIB [PAGES [N]]]    (default 32 350 1000)
 *
 * Prints microseconds per fork and the schedules per second that bounds.
 * Wall clock of this host; nothing here is a test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../sim/num.h"

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
    uint64_t mib = 32, pages = 350, n = 1000;
    uint64_t *vals[] = {&mib, &pages, &n};
    for (int i = 1; i < argc && i <= 3; i++)
        if (sim_parse_u64(argv[i], 1u << 20, vals[i - 1]) != SIM_NUM_OK) {
            fprintf(stderr, "threadsim: bench_fork: '%s' is not a count\n", argv[i]);
            return 2;
        }
    if (!n)
        n = 1;
    size_t size = (size_t)mib << 20;
    char *p = size ? malloc(size) : NULL;
    if (size && !p) {
        fprintf(stderr, "threadsim: bench_fork: out of memory\n");
        return 2;
    }
    if (p)
        memset(p, 1, size);
    double t0 = now_us();
    for (uint64_t i = 0; i < n; i++) {
        pid_t c = fork();
        if (c < 0) {
            perror("threadsim: bench_fork: fork");
            return 1;
        }
        if (c == 0) {
            for (uint64_t k = 0; p && k < pages; k++)
                p[(k * 4096 * 7) % size]++;
            _exit(0);
        }
        int st;
        while (waitpid(c, &st, 0) < 0)
            ;
    }
    double us = (now_us() - t0) / (double)n;
    printf("fork + %llu page writes + exit + wait, %llu MiB process: %.0f us (at most %.0f "
           "schedules/s)\n",
           (unsigned long long)pages, (unsigned long long)mib, us, 1e6 / us);
    free(p);
    return 0;
}
