/* tests/py_util.c — see py_util.h. */
#include "py_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "model/cpy/cpy_snap.h"

int pyt_run_opts(const char *src, int python, const py_run_opts *ro, const model_opts *mo,
                 char **out, char **full)
{
    sim_buf err = {0};
    py_program *p = py_program_load("t.py", src, strlen(src), python, &err);
    if (full)
        *full = NULL;
    if (!p) {
        *out = sim_buf_take(&err);
        return PYT_SYNTAX;
    }
    sim_buf_free(&err);
    py_run_opts r = ro ? *ro : py_run_opts_default();
    if (!ro)
        r.max_steps = 20000000;
    model_opts o = mo ? *mo : model_opts_default();
    trace tr;
    trace_init(&tr);
    o.sink = trace_sink;
    o.sink_ud = &tr;
    int status = py_run(p, &o, &r, NULL);
    *out = ts_output(&tr);
    if (full)
        *full = ts_full(&tr);
    trace_fini(&tr);
    py_program_free(p);
    return status;
}

void pyt_expect(const char *src, int python, int status, const char *expected, const char *file,
                int line)
{
    char *out;
    int st = pyt_run(src, python, &out);
    bool ok = st == status && strcmp(out, expected) == 0;
    if (!ok)
        fprintf(stderr, "\n%s:%d: program gave status %d (expected %d)\n--- expected\n%s--- actual\n%s---\n",
                file, line, st, status, expected, out);
    CU_ASSERT_TRUE(ok);
    free(out);
}

bool pyt_can_reset(void)
{
    struct utsname u;
    int maj = 0, min = 0;
    if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &maj, &min) != 2)
        return false;
    return cpy_snap_supported() && (maj > 6 || (maj == 6 && min >= 14));
}
