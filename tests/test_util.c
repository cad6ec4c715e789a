/* tests/test_util.c — see test_util.h. */
#include "test_util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

int ts_test_main(const char *suite, const ts_test *tests, size_t n)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite(suite, NULL, NULL);
    for (size_t i = 0; i < n; i++)
        CU_add_test(s, tests[i].name, tests[i].fn);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    return (failed || run != n) ? 1 : 0;
}

const char *ts_test_backend(void)
{
    const char *b = getenv("THREADSIM_TEST_BACKEND");
    return b && *b ? b : NULL;
}

int ts_run_traced(const model_opts *o, void (*main)(void *), void *arg, trace *tr)
{
    model_opts opts = o ? *o : model_opts_default();
    if (!opts.sim.backend)
        opts.sim.backend = ts_test_backend();
    trace_init(tr);
    opts.sink = trace_sink;
    opts.sink_ud = tr;
    return model_run(&opts, main, arg, NULL);
}

char *ts_output(const trace *tr) { return trace_output_text(tr, NULL); }
char *ts_full(const trace *tr) { return trace_full_text(tr, NULL); }

static void read_all(FILE *f, sim_buf *b)
{
    char chunk[4096];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        sim_buf_add(b, chunk, k);
}

char *ts_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    sim_buf b = {0};
    read_all(f, &b);
    fclose(f);
    if (len)
        *len = b.len;
    return sim_buf_take(&b);
}

bool ts_trace_has(const trace *tr, const char *needle)
{
    char *full = ts_full(tr);
    bool found = strstr(full, needle) != NULL;
    free(full);
    return found;
}

char *ts_capture(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    sim_buf b = {0};
    read_all(p, &b);
    int st = pclose(p);
    if (status)
        *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    /* Under AddressSanitizer the runtime warns once per process that it
     * "doesn't fully support makecontext/swapcontext" (we do annotate every
     * switch); that line is the sanitizer's, not the program's. */
    static const char asan_warning[] = "WARNING: ASan doesn't fully support makecontext";
    char *s = sim_buf_take(&b);
    char *w = strstr(s, asan_warning);
    if (w) {
        char *start = w;
        while (start > s && start[-1] != '\n')
            start--;
        char *end = strchr(w, '\n');
        end = end ? end + 1 : w + strlen(w);
        memmove(start, end, strlen(end) + 1);
    }
    return s;
}

char *ts_shell_in_v(const char *dir, bool merge_stderr, int *status, const char *fmt, va_list ap)
{
    char args[8192], cmd[8600];
    vsnprintf(args, sizeof args, fmt, ap);
    if (merge_stderr)
        snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cd '%s' && { %s; } 2>&1", dir, dir, args);
    else
        snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cd '%s' && %s", dir, dir, args);
    return ts_capture(cmd, status);
}

char *ts_threadsim_in(const char *dir, const char *env, ts_streams which, int *status,
                      const char *fmt, va_list ap)
{
    char args[4096], cmd[8600];
    vsnprintf(args, sizeof args, fmt, ap);
    static const char *const redirect[] = {"2>/dev/null", "2>&1", "2>&1 >/dev/null"};
    snprintf(cmd, sizeof cmd, "cd '%s' && %s'%s' %s %s", dir, env, THREADSIM_BINARY, args,
             redirect[which]);
    return ts_capture(cmd, status);
}

char *ts_threadsim(const char *dir, ts_streams which, int *status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *out = ts_threadsim_in(dir, "", which, status, fmt, ap);
    va_end(ap);
    return out;
}

int ts_remove_tree(const char *dir)
{
    char cmd[4200];
    int st;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    free(ts_capture(cmd, &st));
    return st;
}

char *ts_mask_addresses(const char *s)
{
    char *m = strdup(s), *w = m;
    for (const char *r = s; *r;) {
        if (strncmp(r, " at 0x", 6) == 0 && isxdigit((unsigned char)r[6])) {
            memcpy(w, " at 0x...", 9);
            w += 9;
            for (r += 6; isxdigit((unsigned char)*r); r++)
                ;
        } else
            *w++ = *r++;
    }
    *w = '\0';
    return m;
}
