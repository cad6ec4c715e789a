/*
 * tests/test_cpy.c — the embedded CPython engine as a user meets it, through
 * the CLI: every run is deterministic to the byte (addresses, hashing,
 * randomness, clocks, schedules), and hostile programs end with a Python
 * exception or a run limit, never a signal, never past the memory limit
 * (traces/hostile/).
 */
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/asan.h"
#include "test_util.h"

#define SRC THREADSIM_SOURCE_DIR

static char *cli(const char *args, int *status)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd " SRC " && " THREADSIM_BINARY " %s 2>&1", args);
    return ts_capture(cmd, status);
}

/* 200 separate processes: the full trace of a program that prints reprs,
 * ids, the order of sets of objects, hashes, random numbers, uuid4, clocks
 * and a threaded schedule is the same every time. */
static void test_reprs_identical_200_runs(void)
{
    int st;
    char *first = cli("run traces/determinism/reprs.py --no-db --trace", &st);
    CU_ASSERT_EQUAL_FATAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(first, "object at 0x"));
    int same = 1;
    for (int i = 1; i < 200; i++) {
        char *again = cli("run traces/determinism/reprs.py --no-db --trace", &st);
        if (st != 0 || strcmp(again, first) != 0) {
            fprintf(stderr, "\nrun %d differs:\n%s\n", i, again);
            same = 0;
        }
        free(again);
        if (!same)
            break;
    }
    CU_ASSERT_TRUE(same);
    free(first);
}

/* The random policy decides at every line: same seed, same bytes. */
static void test_random_policy_identical(void)
{
    int st;
    char *first = cli("run traces/determinism/reprs.py --no-db --trace --policy random --seed 7", &st);
    CU_ASSERT_EQUAL_FATAL(st, 0);
    for (int i = 0; i < 20; i++) {
        char *again = cli("run traces/determinism/reprs.py --no-db --trace --policy random --seed 7", &st);
        CU_ASSERT_EQUAL(st, 0);
        CU_ASSERT_STRING_EQUAL(again, first);
        free(again);
    }
    /* and another seed gives another schedule */
    char *other = cli("run traces/determinism/reprs.py --no-db --trace --policy random --seed 8", &st);
    CU_ASSERT(strcmp(other, first) != 0);
    free(other);
    free(first);
}

/* `threadsim ARGS` exits 0 and its output (stdout and stderr) holds each
 * of the NULL-terminated needles. */
static void cli_holds(const char *args, ...)
{
    int st;
    char *out = cli(args, &st);
    CU_ASSERT_EQUAL(st, 0);
    va_list ap;
    va_start(ap, args);
    for (const char *n; (n = va_arg(ap, const char *));)
        CU_ASSERT_PTR_NOT_NULL(strstr(out, n));
    va_end(ap);
    free(out);
}

/* Process ids are fixed (a run's process is a fork, or one process reset
 * between runs): the same in every run and every explored schedule; a
 * signal to "itself" reaches the run's real process; the parent's id is no
 * process to signal. */
static void test_process_ids_fixed(void)
{
    int st;
    char *out = cli("run traces/explore/reset/pids.py --no-db", &st);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "4242 Thread-1 (w) worker 0 in 4242\n"
                          "4242 Thread-2 (w) worker 1 in 4242\n"
                          "4242 4241 ['usr1', '[Errno 1] threadsim: the parent process may not "
                          "be signalled']\n");
    free(out);
    cli_holds("explore traces/explore/reset/pids.py --no-db --schedules 50",
              "50 schedules, 1 distinct outcome; ", (const char *)NULL);
}

/* CPython specializes the standard library's code where it runs untraced:
 * under the default policy and under explore's default choices (the
 * program's own lines), not under --choices line (every frame traced);
 * logging arrives warmed up (preimport.py: _warm) with nothing of the
 * warming visible: the state printed is python3's. */
static void test_library_specialized(void)
{
    int st;
    char *out = cli("run traces/explore/scope/specialized.py --no-db", &st);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "logging warmed: True\n"
                          "logging state: [] 1 {} {} 30 30\n"
                          "library specialized: True\n"
                          "(MainThread) logs as usual\n");
    free(out);
    cli_holds("explore traces/explore/scope/specialized.py --no-db --schedules 20",
              "20 schedules, 1 distinct outcome; ", "| library specialized: True\n",
              "| logging state: [] 1 {} {} 30 30\n", (const char *)NULL);
    cli_holds("explore traces/explore/scope/specialized.py --no-db --schedules 3 --choices line",
              "| library specialized: False\n", (const char *)NULL);
}

/* cli(), and the most memory any process of the run had resident (its
 * processes are all waited for: wait4's usage covers them). */
static char *cli_rss(const char *args, int *status, long *maxrss_kib)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd " SRC " && exec " THREADSIM_BINARY " %s 2>&1", args);
    int fds[2];
    CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    size_t len = 0, cap = 4096;
    char *out = malloc(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    for (;;) {
        if (len + 1 == cap)
            out = realloc(out, cap *= 2);
        ssize_t k = read(fds[0], out + len, cap - 1 - len);
        if (k <= 0)
            break;
        len += (size_t)k;
    }
    out[len] = '\0';
    close(fds[0]);
    int ws = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (wait4(pid, &ws, 0, &ru) < 0)
        ;
    *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    *maxrss_kib = ru.ru_maxrss;
    return out;
}

/* SIZE as --max-memory reads it (a number and K, M or G), in KiB; 0 if none. */
static long size_kib(const char *opts, const char *name)
{
    const char *p = strstr(opts, name);
    if (!p)
        return 0;
    char *end;
    long v = strtol(p + strlen(name), &end, 10);
    switch (*end) {
    case 'G': return v << 20;
    case 'M': return v << 10;
    case 'K': return v;
    default: return v >> 10;
    }
}

/* `# threadsim: WORD REST` of a hostile program, or "" */
static void directive(const char *src, const char *word, char *out, size_t cap)
{
    char key[64];
    snprintf(key, sizeof key, "# %s ", word);
    const char *p = strstr(src, key);
    out[0] = '\0';
    if (!p)
        return;
    p += strlen(key);
    size_t n = strcspn(p, "\n");
    if (n >= cap)
        n = cap - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

static void test_hostile_programs(void)
{
    DIR *d = opendir(SRC "/traces/hostile");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    struct dirent *e;
    int checked = 0;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 3, ".py") != 0)
            continue;
        char path[512], opts[256], ex[64], expect[256];
        snprintf(path, sizeof path, SRC "/traces/hostile/%s", e->d_name);
        char *src = ts_read_file(path, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(src);
        directive(src, "threadsim: options", opts, sizeof opts);
        directive(src, "threadsim: exit", ex, sizeof ex);
        directive(src, "expect:", expect, sizeof expect);
        free(src);
        char args[1024];
        snprintf(args, sizeof args, "run traces/hostile/%s --no-db %s", e->d_name, opts);
        int st;
        long rss;
        char *out = cli_rss(args, &st, &rss);
        /* resident: the memory limit (--max-memory, 256M by default) and
         * what the process holds besides (libpython, the program's
         * code, the store): about 15 MiB, so 64 MiB is room enough */
        long lim = size_kib(opts, "--max-memory ");
        long allowed = (lim ? lim : 256L << 10) + (64L << 10);
#ifdef SIM_ASAN
        /* AddressSanitizer's own memory (shadow, quarantine, a fake stack
         * per green thread: 3 GiB for many_threads.py) is not the
         * program's: the bound is the release build's to check */
        allowed = LONG_MAX;
#endif
        bool ok = st == atoi(ex) && strncmp(out, expect, strlen(expect)) == 0 &&
                  !strstr(out, "died") && !strstr(out, "internal error") && rss <= allowed;
        if (!ok)
            fprintf(stderr, "\n%s: status %d (expected %s), %ld KiB resident (at most %ld), output:\n%.2000s\n",
                    e->d_name, st, ex, rss, allowed, out);
        CU_ASSERT_TRUE(ok);
        free(out);
        checked++;
    }
    closedir(d);
    CU_ASSERT(checked >= 12);
}

/* Nothing of --sandbox's scratch folder is left behind, and what the
 * program wrote there did not escape it; a folder left in a slot no
 * session holds (its threadsim was killed) is removed by the next session
 * that takes the slot. */
static void test_sandbox_scratch_removed(void)
{
    int st;
    char stale[64] = "", stale_file[96] = "";
    for (int n = 1; n <= 1000 && !stale[0]; n++) {
        char lock[64];
        snprintf(lock, sizeof lock, "/tmp/threadsim-scratch-%d.lock", n);
        int fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
            continue;
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
            snprintf(stale, sizeof stale, "/tmp/threadsim-scratch-%d", n);
            snprintf(stale_file, sizeof stale_file, "%s/sub/f", stale);
            char cmd[256];
            snprintf(cmd, sizeof cmd, "mkdir -p %s/sub && echo x > %s", stale, stale_file);
            char *mk = ts_capture(cmd, &st);
            CU_ASSERT_EQUAL(st, 0);
            free(mk);
        }
        close(fd); /* (the slot is free: as a killed session leaves it) */
    }
    CU_ASSERT_TRUE_FATAL(stale[0] != '\0');
    char *out = cli("run traces/hostile/disk_fill.py --no-db --sandbox", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_STRING_EQUAL(out, "OSError 27\n"); /* EFBIG: the file size cap */
    struct stat sb;
    CU_ASSERT_NOT_EQUAL(lstat(stale_file, &sb), 0);
    free(out);
}

/* Under --sandbox the program's working folder is a slot's
 * (/tmp/threadsim-scratch-N), the same from run to run: a name with the
 * pid and a random suffix made every run print differently and its replay
 * DIFFER. A replay of a confined run is confined too (it ran unconfined,
 * and wrote outside). (Sessions side by side take different slots: another
 * test's can hold the first for a while, so the pair of runs is tried up
 * to five times; with the pid in the name no try passes.) */
static void test_sandbox_replayed_alike(void)
{
    char dir[] = "/tmp/ts-sbx-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char path[256], cmd[1024];
    snprintf(path, sizeof path, "%s/cwd.py", dir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fprintf(f, "import os, tempfile\n"
               "print(os.getcwd(), os.getcwd() == tempfile.gettempdir())\n"
               "try:\n"
               "    open('%s/escaped.txt', 'w').write('x')\n"
               "    print('wrote outside')\n"
               "except OSError as e:\n"
               "    print('refused', e.errno)\n",
            dir);
    fclose(f);
    /* (recorded under AddressSanitizer too: the leak check made as the
     * runner enters the sandbox took the recording caller's objects for
     * leaks, and the runner died, until the thread's stack was a root) */
    bool alike = false;
    for (int attempt = 0; attempt < 5 && !alike; attempt++) {
        int st;
        snprintf(cmd, sizeof cmd,
                 "cd %s && rm -f t.db && for i in 1 2; do " THREADSIM_BINARY
                 " run cwd.py --sandbox --db t.db; done; " THREADSIM_BINARY
                 " replay 1 --db t.db; " THREADSIM_BINARY
                 " replay 2 --db t.db; ls %s/escaped.txt 2>&1; rm -f e.db; "
                 /* an exploration's representative (its own session beside the
                  * search's: it printed the next slot's folder) */
                 THREADSIM_BINARY " explore cwd.py --sandbox --schedules 3 --db e.db "
                 ">/dev/null 2>&1; " THREADSIM_BINARY " replay 1 --db e.db",
                 dir, dir);
        char *out = ts_capture(cmd, &st);
        CU_ASSERT_PTR_NULL(strstr(out, "wrote outside"));
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "No such file"));
        /* the two runs' first lines: one slot's folder, named alike */
        char l1[128] = "", l2[128] = "";
        const char *nl = strchr(out, '\n');
        const char *second = nl ? strstr(nl + 1, "/tmp/") : NULL;
        if (nl && second && sscanf(out, "%127[^\n]", l1) == 1 &&
            sscanf(second, "%127[^\n]", l2) == 1) {
            int slot = 0, used = 0;
            alike = strcmp(l1, l2) == 0 &&
                    sscanf(l1, "/tmp/threadsim-scratch-%d True%n", &slot, &used) == 1 &&
                    used == (int)strlen(l1) &&
                    strstr(out, "replay of run 1 (cwd.py) is identical") &&
                    strstr(out, "replay of run 2 (cwd.py) is identical") &&
                    strstr(strstr(out, "replay of run 2") + 1,
                           "replay of run 1 (cwd.py) is identical");
        }
        if (!alike)
            fprintf(stderr, "\n(try %d)\n%s\n", attempt + 1, out);
        free(out);
    }
    CU_ASSERT_TRUE(alike);
    ts_remove_tree(dir);
}

/* With --choices line the stepper offers a choice wherever another thread
 * is ready at a line, so an interleaving FIFO never shows (main printing
 * before the thread it started, which CPython also does) is reachable by
 * hand; without it, choosing main at start() only blocks it in
 * Thread.start until the new thread has signalled it started. */
static void test_step_choices_at_lines(void)
{
    char dir[] = "/tmp/ts-cpy-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/two.py", dir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("import threading\nimport time\ndef worker():\n    print('worker starts')\n"
          "    time.sleep(1)\n    print('worker ends')\n"
          "t = threading.Thread(name='w', target=worker)\nt.start()\nprint('main waits')\n"
          "t.join()\n",
          f);
    fclose(f);
    char cmds[2048] = "";
    /* the 4th line-level choice is the first line main can run once the
     * worker has set its _started event */
    for (int i = 0; i < 4; i++)
        strcat(cmds, "decision; choose MainThread; ");
    strcat(cmds, "continue");
    char args[4096];
    int st;
    snprintf(args, sizeof args, "step %s --no-db --choices line --commands '%s'", path, cmds);
    char *out = cli(args, &st);
    CU_ASSERT_EQUAL(st, 0);
    const char *end = strstr(out, "end     the program finished");
    CU_ASSERT_PTR_NOT_NULL_FATAL(end);
    CU_ASSERT_PTR_NOT_NULL(strstr(end - 200 > out ? end - 200 : out,
                                  "|     main waits\n  |     worker starts\n  |     worker ends\n"));
    free(out);
    /* by blocking points only, main choosing first still prints second */
    snprintf(args, sizeof args,
             "step %s --no-db --commands 'decision; choose MainThread; continue'", path);
    out = cli(args, &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "|     worker starts\n  |     main waits\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "blocked: Thread.start Thread w at two.py:8"));
    free(out);
    remove(path);
    rmdir(dir);
}

/* The same program in two checkouts at different places: the same bytes.
 * The program's folder is given relatively, as `check` and most users do;
 * its absolute path (of another length in every checkout) must not move the
 * objects' addresses. The program imports a sibling module, made and printed
 * after the import. */
static void test_same_bytes_in_any_checkout(void)
{
    static const char *roots[] = {"/tmp/ts-co-XXXXXX", "/tmp/ts-checkout-elsewhere-XXXXXX"};
    char *outs[2][2] = {{NULL, NULL}, {NULL, NULL}};
    for (int i = 0; i < 2; i++) {
        char root[64];
        snprintf(root, sizeof root, "%s", roots[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(root));
        char cmd[8192];
        snprintf(cmd, sizeof cmd,
                 "mkdir -p %s/deep/d && cp " SRC "/traces/determinism/reprs.py %s/deep/d/ && "
                 "printf 'class Helper:\n    pass\n' > %s/deep/d/helper.py && "
                 "printf 'import threading, helper\nh = [helper.Helper() for _ in range(3)]\n"
                 "print(h, {object() for _ in range(4)}, helper.__file__)\n' > %s/deep/d/sib.py",
                 root, root, root, root);
        int st;
        free(ts_capture(cmd, &st));
        CU_ASSERT_EQUAL_FATAL(st, 0);
        snprintf(cmd, sizeof cmd,
                 "cd %s/deep && " THREADSIM_BINARY " run d/reprs.py --no-db --trace 2>&1 && "
                 THREADSIM_BINARY " run d/sib.py --no-db 2>&1",
                 root);
        outs[i][0] = ts_capture(cmd, &st);
        CU_ASSERT_EQUAL(st, 0);
        snprintf(cmd, sizeof cmd, "cd %s/deep/d && " THREADSIM_BINARY " run sib.py --no-db 2>&1", root);
        outs[i][1] = ts_capture(cmd, &st);
        CU_ASSERT_EQUAL(st, 0);
        snprintf(cmd, sizeof cmd, "rm -rf %s", root);
        free(ts_capture(cmd, &st));
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(outs[0][0], "object at 0x"));
    CU_ASSERT_PTR_NOT_NULL(strstr(outs[0][0], "d/helper.py"));
    CU_ASSERT_PTR_NOT_NULL(strstr(outs[0][1], "object at 0x"));
    CU_ASSERT_STRING_EQUAL(outs[0][0], outs[1][0]);
    CU_ASSERT_STRING_EQUAL(outs[0][1], outs[1][1]);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            free(outs[i][j]);
}

/* No object of libpython is copied into threadsim's own binary (a copy
 * relocation of Py_None, _PyRuntime or a type): their addresses, and so the
 * order of sets and dicts of them, and so every object address a program
 * prints, would change with every change of the binary. */
static void test_no_copy_relocations_of_python_data(void)
{
    int st;
    char *out = ts_capture("readelf -rW " THREADSIM_BINARY " 2>&1", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Relocation section"));
    const char *p = out;
    int bad = 0;
    while ((p = strstr(p, "R_X86_64_COPY")) != NULL) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        if (memmem(p, n, " Py", 3) || memmem(p, n, " _Py", 4)) {
            fprintf(stderr, "\ncopy relocation: %.*s\n", (int)n, p);
            bad++;
        }
        p += n;
    }
    CU_ASSERT_EQUAL(bad, 0);
    free(out);
}

int main(void)
{
    static const ts_test tests[] = {TS_TEST(test_reprs_identical_200_runs), TS_TEST(test_process_ids_fixed), TS_TEST(test_library_specialized),
                                    TS_TEST(test_random_policy_identical),
                                    TS_TEST(test_hostile_programs),
                                    TS_TEST(test_sandbox_scratch_removed), TS_TEST(test_sandbox_replayed_alike),
                                    TS_TEST(test_step_choices_at_lines),
                                    TS_TEST(test_no_copy_relocations_of_python_data),
                                    TS_TEST(test_same_bytes_in_any_checkout)};
    return ts_test_main("cpy", tests, sizeof tests / sizeof tests[0]);
}
