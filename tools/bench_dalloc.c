/*
 * tools/bench_dalloc.c — glibc malloc against model/dalloc, side by side.
 *
 *   bench_dalloc [scale]     (scale: a multiplier of the work, default 1)
 *
 * C: nanoseconds per malloc/free pair for fixed sizes 16..512, both freed at
 * once ("pair") and in batches of 1000 ("batch"); a mixed workload of random
 * sizes (16 B .. 64 KiB, a few up to 1 MiB) over 8192 live slots; and a
 * realloc loop growing one block 24 bytes at a time to 8 MiB.
 * Python: the same programs in the embedded CPython with its default
 * allocators (pymalloc over glibc and mmap) and with dalloc installed, each
 * in a child process of its own; best of 3, milliseconds.
 * Times are CPU time of the process (user + system, so page faults count),
 * which a busy machine disturbs less than wall-clock time.
 * Numbers only; not a test.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "model/dalloc.h"
#include "sim/num.h"

typedef struct alloc_ops {
    const char *name;
    void *(*malloc)(size_t);
    void (*free)(void *);
    void *(*realloc)(void *, size_t);
} alloc_ops;

static const alloc_ops libc_ops = {"glibc", malloc, free, realloc};
static const alloc_ops dalloc_ops = {"dalloc", dalloc_malloc, dalloc_free, dalloc_realloc};

static volatile uintptr_t sink;
static long scale = 1;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint64_t rng(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * UINT64_C(2685821657736338717);
}

/* ns per malloc+free, each block freed at once */
static double bench_pair(const alloc_ops *a, size_t size)
{
    long n = 5000000 * scale;
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        char *p = a->malloc(size);
        p[0] = (char)i;
        sink += (uintptr_t)p[0];
        a->free(p);
    }
    return (now_ns() - t0) / (double)n;
}

/* ns per malloc+free, 1000 allocated, then all freed */
static double bench_batch(const alloc_ops *a, size_t size)
{
    enum { B = 1000 };
    static char *ps[B];
    long rounds = 5000 * scale;
    double t0 = now_ns();
    for (long r = 0; r < rounds; r++) {
        for (int i = 0; i < B; i++) {
            ps[i] = a->malloc(size);
            ps[i][0] = (char)i;
        }
        for (int i = 0; i < B; i++) {
            sink += (uintptr_t)ps[i][0];
            a->free(ps[i]);
        }
    }
    return (now_ns() - t0) / (double)(rounds * B);
}

static size_t mixed_size(uint64_t *s)
{
    uint64_t r = rng(s);
    unsigned u = (unsigned)(r % 1000);
    uint64_t v = r >> 20;
    if (u < 600)
        return 16 + v % 240;
    if (u < 900)
        return 256 + v % (4096 - 256);
    if (u < 995)
        return 4096 + v % (65536 - 4096);
    return 65536 + v % ((1 << 20) - 65536);
}

/* ns per (free + malloc) replacing a random one of 8192 live blocks */
static double bench_mixed(const alloc_ops *a)
{
    enum { SLOTS = 8192 };
    static char *ps[SLOTS];
    uint64_t s = 42;
    for (int i = 0; i < SLOTS; i++)
        ps[i] = a->malloc(mixed_size(&s));
    long n = 2000000 * scale;
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        uint64_t k = rng(&s) % SLOTS;
        a->free(ps[k]);
        ps[k] = a->malloc(mixed_size(&s));
        ps[k][0] = (char)i;
    }
    double t = (now_ns() - t0) / (double)n;
    for (int i = 0; i < SLOTS; i++)
        a->free(ps[i]);
    return t;
}

/* ns per realloc growing a block by 24 bytes, to 8 MiB, with a small
 * allocation between steps (as a Python loop makes its temporaries) */
static double bench_realloc(const alloc_ops *a)
{
    long total = 0;
    double t0 = now_ns();
    for (long r = 0; r < scale; r++) {
        char *p = a->malloc(24);
        size_t n = 24;
        void *tmp[64] = {0};
        for (long i = 0; n < ((size_t)8 << 20); i++) {
            n += 24;
            p = a->realloc(p, n);
            p[n - 1] = 1;
            a->free(tmp[i & 63]);
            tmp[i & 63] = a->malloc(40);
            total++;
        }
        for (int i = 0; i < 64; i++)
            a->free(tmp[i]);
        a->free(p);
    }
    return (now_ns() - t0) / (double)total;
}

/* ---- Python ---------------------------------------------------------------- */

static const char *const py_names[] = {"dict word count", "str += building", "''.join building",
                                       "objects and lists"};
#define NPY 4

static const char py_code[] =
    "import time\n"
    "def words(n):\n"
    "    x = 12345\n"
    "    vocab = []\n"
    "    for i in range(5000):\n"
    "        x = (x * 1103515245 + 12345) & 0x7fffffff\n"
    "        vocab.append('w%x' % x)\n"
    "    out = []\n"
    "    for i in range(n):\n"
    "        x = (x * 1103515245 + 12345) & 0x7fffffff\n"
    "        out.append(vocab[x % 5000])\n"
    "    return ' '.join(out)\n"
    "TEXT = words(400000 * SCALE)\n"
    "def wordcount():\n"
    "    d = {}\n"
    "    for w in TEXT.split():\n"
    "        d[w] = d.get(w, 0) + 1\n"
    "    return len(d)\n"
    "def concat():\n"
    "    s = ''\n"
    "    for i in range(300000 * SCALE):\n"
    "        s += str(i)\n"
    "    return len(s)\n"
    "def join():\n"
    "    return len(''.join([str(i) for i in range(600000 * SCALE)]))\n"
    "class P:\n"
    "    def __init__(self, a, b): self.a = a; self.b = b\n"
    "def objects():\n"
    "    xs = [P(i, [i, (i, str(i))]) for i in range(200000 * SCALE)]\n"
    "    return sum(p.a for p in xs if p.b[1][0] % 3 == 0)\n"
    "for f in (wordcount, concat, join, objects):\n"
    "    best = None\n"
    "    for _ in range(3):\n"
    "        t = time.process_time(); f(); t = time.process_time() - t\n"
    "        best = t if best is None or t < best else best\n"
    "    RESULTS.append(best * 1000)\n";

/* In a child: run the programs; their times (ms) and the peak memory (MiB). */
static int py_child(bool with_dalloc, int fd)
{
    if (with_dalloc && dalloc_init((uint64_t)4 << 30) != 0) {
        fprintf(stderr, "bench_dalloc: %s\n", dalloc_error());
        return 1;
    }
    PyPreConfig pre;
    PyPreConfig_InitIsolatedConfig(&pre);
    if (PyStatus_Exception(Py_PreInitialize(&pre)))
        return 1;
    if (with_dalloc && dalloc_install_python() != 0)
        return 1;
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    c.use_hash_seed = 1;
    c.hash_seed = 0;
    PyStatus st = Py_InitializeFromConfig(&c);
    PyConfig_Clear(&c);
    if (PyStatus_Exception(st))
        return 1;
    if (with_dalloc && dalloc_check_python() != 0) {
        fprintf(stderr, "bench_dalloc: the hooks are not in place\n");
        return 1;
    }
    PyObject *m = PyImport_AddModule("__main__");
    PyObject *g = PyModule_GetDict(m);
    PyObject *res = PyList_New(0);
    PyObject *sc = PyLong_FromLong(scale);
    PyDict_SetItemString(g, "RESULTS", res);
    PyDict_SetItemString(g, "SCALE", sc);
    Py_DECREF(sc);
    if (PyRun_SimpleString(py_code) != 0)
        return 1;
    double out[NPY + 3];
    for (int i = 0; i < NPY; i++)
        out[i] = PyFloat_AsDouble(PyList_GetItem(res, i));
    Py_DECREF(res);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    out[NPY] = (double)ru.ru_maxrss / 1024;
    out[NPY + 1] = (double)ru.ru_minflt / 1000;
    out[NPY + 2] = with_dalloc ? (double)dalloc_peak() / (1 << 20) : 0;
    if (write(fd, out, sizeof out) != (ssize_t)sizeof out)
        return 1;
    return 0;
}

static bool py_run(bool with_dalloc, double out[NPY + 3])
{
    int fds[2];
    if (pipe(fds) != 0)
        return false;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        _exit(py_child(with_dalloc, fds[1]));
    }
    close(fds[1]);
    ssize_t n = read(fds[0], out, (NPY + 3) * sizeof(double));
    close(fds[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    return n == (ssize_t)((NPY + 3) * sizeof(double)) && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int main(int argc, char **argv)
{
    uint64_t sc = 1;
    if (argc > 1 && (sim_parse_u64(argv[1], 1000, &sc) != SIM_NUM_OK || sc == 0)) {
        fputs("usage: bench_dalloc [SCALE]   (SCALE: 1 to 1000, default 1)\n", stderr);
        return 2;
    }
    scale = (long)sc;

    /* Python first, each in a fresh child (the parent has no region yet) */
    double py[2][NPY + 3];
    bool py_ok = py_run(false, py[0]) && py_run(true, py[1]);

    if (dalloc_init((uint64_t)4 << 30) != 0) {
        fprintf(stderr, "bench_dalloc: %s\n", dalloc_error());
        return 1;
    }
    const alloc_ops *ops[2] = {&libc_ops, &dalloc_ops};
    printf("%-28s %12s %12s\n", "C, ns per operation", "glibc", "dalloc");
    static const size_t sizes[] = {16, 32, 64, 128, 256, 512};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        double t[2];
        for (int k = 0; k < 2; k++)
            t[k] = bench_pair(ops[k], sizes[i]);
        printf("malloc+free %4zu B, pair     %12.1f %12.1f\n", sizes[i], t[0], t[1]);
    }
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        double t[2];
        for (int k = 0; k < 2; k++)
            t[k] = bench_batch(ops[k], sizes[i]);
        printf("malloc+free %4zu B, batch    %12.1f %12.1f\n", sizes[i], t[0], t[1]);
    }
    double mx[2], rl[2];
    for (int k = 0; k < 2; k++) {
        mx[k] = bench_mixed(ops[k]);
        rl[k] = bench_realloc(ops[k]);
    }
    printf("%-28s %12.1f %12.1f\n", "mixed 16 B..1 MiB, 8192 live", mx[0], mx[1]);
    printf("%-28s %12.1f %12.1f\n", "realloc +24 B to 8 MiB", rl[0], rl[1]);

    printf("\n%-28s %12s %12s\n", "Python, ms (best of 3)", "default", "dalloc");
    if (!py_ok) {
        printf("(the Python runs failed)\n");
        return 1;
    }
    for (int i = 0; i < NPY; i++)
        printf("%-28s %12.1f %12.1f\n", py_names[i], py[0][i], py[1][i]);
    printf("%-28s %12.1f %12.1f\n", "peak RSS, MiB", py[0][NPY], py[1][NPY]);
    printf("%-28s %12.1f %12.1f\n", "page faults, thousands", py[0][NPY + 1], py[1][NPY + 1]);
    printf("%-28s %12s %12.1f\n", "peak dalloc_in_use, MiB", "-", py[1][NPY + 2]);
    return 0;
}
