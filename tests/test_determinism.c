/*
 * tests/test_determinism.c — the same scenario gives the same full-view bytes
 * every time: many runs in one process (stacks reused, allocator warm), and
 * runs in separate processes (fresh address space, ASLR) through the CLI.
 */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "tools/scenarios/scenario.h"

static char *full_of(const ts_scenario *sc)
{
    trace tr;
    model_opts o = model_opts_default();
    o.python = sc->python;
    ts_run_traced(&o, sc->main, NULL, &tr);
    char *s = ts_full(&tr);
    trace_fini(&tr);
    return s;
}

static void test_in_process(void)
{
    size_t n;
    const ts_scenario *all = ts_scenarios(&n);
    CU_ASSERT(n >= 5);
    for (size_t i = 0; i < n; i++) {
        if (strncmp(all[i].name, "bench/", 6) == 0)
            continue; /* the million-event benchmarks are not for 50 repeats */
        char *first = full_of(&all[i]);
        for (int k = 0; k < 50; k++) {
            char *again = full_of(&all[i]);
            if (strcmp(first, again) != 0) {
                fprintf(stderr, "\n%s: run %d differs\n", all[i].name, k);
                CU_FAIL("full view differs between runs");
                free(again);
                break;
            }
            free(again);
        }
        free(first);
    }
}

static void test_across_processes(void)
{
    size_t n;
    const ts_scenario *all = ts_scenarios(&n);
    for (size_t i = 0; i < n; i++) {
        if (strncmp(all[i].name, "bench/", 6) == 0)
            continue;
        char *in_proc = full_of(&all[i]);
        char cmd[512];
        snprintf(cmd, sizeof cmd, THREADSIM_BINARY " run '%s' --trace --no-db 2>/dev/null",
                 all[i].name);
        for (int k = 0; k < 5; k++) {
            int status;
            char *out = ts_capture(cmd, &status);
            CU_ASSERT_PTR_NOT_NULL_FATAL(out);
            if (strcmp(out, in_proc) != 0) {
                fprintf(stderr, "\n%s: process run %d differs (status %d)\n", all[i].name, k,
                        status);
                CU_FAIL("full view differs across processes");
                free(out);
                break;
            }
            free(out);
        }
        free(in_proc);
    }
}

TS_TESTS("determinism", TS_TEST(test_in_process), TS_TEST(test_across_processes))
