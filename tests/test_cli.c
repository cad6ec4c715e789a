/*
 * tests/test_cli.c — the command line's conventions through the real binary:
 * `help CMD` = `CMD --help`, every option a help lists is one its parser
 * knows, --version, "did you mean" for commands, options and scenarios, a
 * program's sys.argv after `--`, exit statuses (a program's own as python3
 * gives them, threadsim's 124-127), --status-json, --json of list, runs,
 * check and explore (parsed by python3's json), and `check` finding the
 * expected outputs wherever the checkout or the installed binary is.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/asan.h"
#include "test_util.h"

#define BIN THREADSIM_BINARY
#define SRC THREADSIM_SOURCE_DIR

static char dir[64];  /* the suite's temporary directory (the commands' cwd) */

static void setup(void)
{
    if (dir[0])
        return;
    snprintf(dir, sizeof dir, "/tmp/ts-cli-XXXXXX");
    if (!mkdtemp(dir))
        abort();
}

/* Run a shell command in `dir`; returns its stdout (with `2>&1` in it, both). */
static char *sh(int *status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *sh(int *status, const char *fmt, ...)
{
    setup();
    va_list ap;
    va_start(ap, fmt);
    const char *where = dir;
    char *out = ts_shell_in_v(where, false, status, fmt, ap);
    va_end(ap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    return out;
}

static void write_file(const char *name, const char *text)
{
    setup();
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

static const char *const cmds[] = {"list",   "run",  "runs",    "show",         "diff",
                                   "check",  "replay", "export", "step",        "explore",
                                   "explorations", "merge", "help", "version"};
#define NCMDS (sizeof cmds / sizeof cmds[0])

/* ---- help ---------------------------------------------------------------------- */

static void test_help_cmd_is_cmd_help(void)
{
    int st;
    for (size_t i = 0; i < NCMDS; i++) {
        char *a = sh(&st, "%s help %s", BIN, cmds[i]);
        CU_ASSERT_EQUAL(st, 0);
        char *b = sh(&st, "%s %s --help", BIN, cmds[i]);
        CU_ASSERT_EQUAL(st, 0);
        TS_ASSERT_STR_EQ(a, b);
        char head[64];
        snprintf(head, sizeof head, "usage: threadsim %s", cmds[i]);
        CU_ASSERT_EQUAL(strncmp(a, head, strlen(head)), 0);
        free(a);
        free(b);
    }
    /* the general help: every command, the exit status table */
    char *a = sh(&st, "%s help", BIN);
    char *b = sh(&st, "%s --help", BIN);
    TS_ASSERT_STR_EQ(a, b);
    for (size_t i = 0; i < NCMDS; i++) {
        char line[64];
        snprintf(line, sizeof line, "\n  %-12s ", cmds[i]);
        CU_ASSERT_PTR_NOT_NULL(strstr(a, line));
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "  126      deadlock"));
    free(a);
    free(b);
    /* run's help has the table too */
    a = sh(&st, "%s help run", BIN);
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "  124      a run limit stopped the run"));
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "  125      usage or I/O trouble"));
    free(a);
    a = sh(&st, "%s help nosuch 2>&1", BIN);
    CU_ASSERT_EQUAL(st, 125);
    TS_ASSERT_STR_EQ(a, "threadsim: unknown command 'nosuch' (see 'threadsim --help')\n");
    free(a);
}

/* The options of a help text: on lines "  -x, --xx ARG   text", the words
 * starting with '-' before the gap of two spaces. */
static size_t help_options(const char *help, char opts[][48], size_t cap)
{
    size_t n = 0;
    for (const char *line = help; line && *line;) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        if (len > 3 && !strncmp(line, "  -", 3)) {
            const char *end = strstr(line + 2, "  ");
            if (!end || end > line + len)
                end = line + len;
            for (const char *p = line + 2; p < end;) {
                while (p < end && (*p == ' ' || *p == ','))
                    p++;
                const char *w = p;
                while (p < end && *p != ' ' && *p != ',')
                    p++;
                if (p - w > 1 && w[0] == '-' && !(p - w == 2 && w[1] == '-') && n < cap)
                    snprintf(opts[n++], 48, "%.*s", (int)(p - w), w);
            }
        }
        line = eol ? eol + 1 : NULL;
    }
    return n;
}

/* Every option a command's help lists is one its parser takes: given with
 * two stray words after it (so that nothing runs), the error is never that
 * the option is unknown. */
static void test_every_listed_option_is_known(void)
{
    int st;
    size_t total = 0;
    for (size_t i = 0; i < NCMDS; i++) {
        if (!strcmp(cmds[i], "help") || !strcmp(cmds[i], "version"))
            continue;
        char *help = sh(&st, "%s help %s", BIN, cmds[i]);
        static char opts[64][48];
        size_t n = help_options(help, opts, 64);
        CU_ASSERT_TRUE(n >= 1);
        total += n;
        for (size_t k = 0; k < n; k++) {
            char *out = sh(&st, "%s %s %s zz-a zz-b </dev/null 2>&1 >/dev/null", BIN,
                           cmds[i], opts[k]);
            char unknown[80];
            snprintf(unknown, sizeof unknown, "unknown option '%.48s'", opts[k]);
            if (strstr(out, unknown))
                fprintf(stderr, "\n%s: %s is in its help but unknown: %s", cmds[i], opts[k], out);
            CU_ASSERT_PTR_NULL(strstr(out, unknown));
            CU_ASSERT_NOT_EQUAL(st, 0);
            free(out);
        }
        free(help);
    }
    CU_ASSERT_TRUE(total > 120);
    /* the check above can fail: an option no help lists */
    char *out = sh(&st, "%s run --tracer zz-no-such 2>&1", BIN);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "unknown option '--tracer'"));
    free(out);
}

static void test_version(void)
{
    int st;
    const char *forms[] = {"--version", "-V", "version"};
    for (size_t i = 0; i < 3; i++) {
        char *out = sh(&st, "%s %s", BIN, forms[i]);
        CU_ASSERT_EQUAL(st, 0);
        TS_ASSERT_STR_EQ(out, "threadsim " TS_VERSION "\n");
        free(out);
    }
    /* the version is CMake's project(VERSION) */
    char *cm = ts_read_file(SRC "/CMakeLists.txt", NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(cm, "project(threadsim VERSION " TS_VERSION " "));
    free(cm);
}

/* ---- did you mean ------------------------------------------------------------ */

static void test_did_you_mean(void)
{
    static const char *const cases[][2] = {
        {"rnu", "threadsim: unknown command 'rnu' (did you mean 'run'? see 'threadsim --help')\n"},
        {"lsit", "threadsim: unknown command 'lsit' (did you mean 'list'? see 'threadsim --help')\n"},
        {"frobnicate", "threadsim: unknown command 'frobnicate' (see 'threadsim --help')\n"},
        {"--verison", "threadsim: unknown option '--verison' (did you mean '--version'? see "
                      "'threadsim --help')\n"},
        {"help rnu", "threadsim: unknown command 'rnu' (did you mean 'run'? see 'threadsim --help')\n"},
        {"run daemon-join/no-jion --no-db",
         "threadsim: unknown scenario 'daemon-join/no-jion' (did you mean 'daemon-join/no-join'? "
         "'threadsim list' shows them)\n"},
        {"run no-join --no-db",
         "threadsim: unknown scenario 'no-join' (did you mean 'daemon-join/no-join'? "
         "'threadsim list' shows them)\n"},
        {"run completely/different --no-db",
         "threadsim: unknown scenario 'completely/different' (see 'threadsim list')\n"},
        {"check daemon-joni --no-db",
         "threadsim: check: unknown scenario or group 'daemon-joni' (did you mean 'daemon-join'? "
         "'threadsim list' shows them)\n"},
        {"step event/set-wiat --no-db",
         "threadsim: step: unknown scenario 'event/set-wiat' (did you mean 'event/set-wait'? "
         "'threadsim list' shows them)\n"},
        {"run --tarce daemon-join/join",
         "threadsim: run: unknown option '--tarce' (did you mean '--trace'? see 'threadsim help "
         "run')\n"},
        {"run daemon-join/join --max-event 3",
         "threadsim: run: unknown option '--max-event' (did you mean '--max-events'? see "
         "'threadsim help run')\n"},
        {"check --jsno", "threadsim: check: unknown option '--jsno' (did you mean '--json'? see "
                         "'threadsim help check')\n"},
        {"explore event/set-wait --stratgy dfs",
         "threadsim: explore: unknown option '--stratgy' (did you mean '--strategy'? see "
         "'threadsim help explore')\n"},
        {"runs --limt 3", "threadsim: runs: unknown option '--limt' (did you mean '--limit'? see "
                          "'threadsim help runs')\n"},
        {"list --josn", "threadsim: list: unknown option '--josn' (did you mean '--json'? see "
                        "'threadsim help list')\n"},
        {"export last --fromat json", "threadsim: export: unknown option '--fromat' (did you mean "
                                      "'--format'? see 'threadsim help export')\n"},
        {"run daemon-join/join -x", "threadsim: run: unknown option '-x' (see 'threadsim help "
                                    "run')\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int st;
        char *out = sh(&st, "%s %s 2>&1 >/dev/null", BIN, cases[i][0]);
        CU_ASSERT_EQUAL(st, 125);
        TS_ASSERT_STR_EQ(out, cases[i][1]);
        free(out);
    }
}

/* ---- a program's arguments and exit status -------------------------------------- */

static void test_program_argv(void)
{
    write_file("argv.py", "import sys\nprint(sys.argv)\n");
    int st;
    char *out = sh(&st, "%s run argv.py --no-db -- in.txt -v --status-json x -- y", BIN);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "['argv.py', 'in.txt', '-v', '--status-json', 'x', '--', 'y']\n");
    free(out);
    out = sh(&st, "%s run argv.py --no-db", BIN);
    TS_ASSERT_STR_EQ(out, "['argv.py']\n");
    free(out);
    /* as python3 gives them */
    char *py = sh(&st, "python3.11 argv.py in.txt -v --status-json x -- y");
    out = sh(&st, "%s run argv.py --no-db -- in.txt -v --status-json x -- y", BIN);
    TS_ASSERT_STR_EQ(out, py);
    free(out);
    free(py);
    /* sys.orig_argv as `python3 argv.py ARGS` has it (it lacked the
     * interpreter's word: python3's orig_argv[1:] is sys.argv) */
    write_file("orig.py", "import sys\nprint(sys.orig_argv, sys.orig_argv[1:] == sys.argv, "
                          "sys.executable)\n");
    out = sh(&st, "%s run orig.py --no-db -- a -b", BIN);
    TS_ASSERT_STR_EQ(out, "['python3', 'orig.py', 'a', '-b'] True /usr/bin/python3\n");
    free(out);
    /* --tty: the streams say they are a terminal's, as python3's there */
    write_file("tty.py", "import sys\nprint(sys.stdout.isatty(), sys.stderr.isatty(), "
                         "sys.stdout.buffer.isatty())\n");
    out = sh(&st, "%s run tty.py --no-db --tty", BIN);
    TS_ASSERT_STR_EQ(out, "True True True\n");
    free(out);
    out = sh(&st, "%s run tty.py --no-db", BIN);
    TS_ASSERT_STR_EQ(out, "False False False\n");
    free(out);
    /* and so do descriptors 1 and 2, wherever threadsim's own output goes:
     * a terminal (script's pty) tells the program nothing (it said True
     * there, and False under --tty through a pipe) */
    write_file("ttyfd.py", "import os\n"
                           "def ask(f, *a):\n"
                           "    try:\n"
                           "        return f(*a)\n"
                           "    except OSError as e:\n"
                           "        return e.strerror\n"
                           "print(os.isatty(1), os.isatty(2), ask(os.get_terminal_size),\n"
                           "      ask(os.get_terminal_size, 2), ask(os.ttyname, 1))\n"
                           "import stat\n"
                           "s = os.fstat(1)\n"
                           "print(stat.S_ISFIFO(s.st_mode), stat.S_ISCHR(s.st_mode), s.st_ino,\n"
                           "      s.st_size, s.st_mtime, os.stat(2).st_rdev)\n");
    /* (fstat and stat too: a pipe's or a terminal's, never the host's
     * output, its inode and size: a file here) */
    static const char *const notty = "False False Inappropriate ioctl for device Inappropriate "
                                     "ioctl for device Inappropriate ioctl for device\n"
                                     "True False 1 0 1704067200.0 0\n";
    static const char *const tty = "True True os.terminal_size(columns=80, lines=24) "
                                   "os.terminal_size(columns=80, lines=24) /dev/pts/0\n"
                                   "False True 3 0 1704067200.0 34816\n";
    /* through a pipe, into a file, on script's pty; and so under --tty */
    static const char *const ways[] = {
        "%s run ttyfd.py --no-db%s",
        "%s run ttyfd.py --no-db%s > ttyfd.txt && cat ttyfd.txt",
        "script -qec '%s run ttyfd.py --no-db%s' /dev/null < /dev/null | tr -d '\\r'"};
    for (int t = 0; t < 2; t++)
        for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
            out = sh(&st, ways[i], BIN, t ? " --tty" : "");
            TS_ASSERT_STR_EQ(out, t ? tty : notty);
            free(out);
        }
    /* typed as to python3, without '--': the message says where they go */
    static const char *const bare[][2] = {
        {"run argv.py in.txt --no-db", "threadsim: run: one program at a time ('argv.py' and "
                                       "'in.txt'); the program's own arguments go after '--': "
                                       "threadsim run argv.py -- in.txt\n"},
        {"explore argv.py --no-db -v", "threadsim: explore: unknown option '-v' (see 'threadsim "
                                       "help explore'); the program's own arguments go after "
                                       "'--': threadsim explore argv.py -- -v\n"},
        {"step argv.py --sede 1", "threadsim: step: unknown option '--sede' (did you mean "
                                  "'--seed'? see 'threadsim help step'); the program's own "
                                  "arguments go after '--': threadsim step argv.py -- --sede\n"},
        {"run daemon-join/join in.txt", "threadsim: run: one scenario at a time "
                                        "('daemon-join/join' and 'in.txt')\n"}};
    for (size_t i = 0; i < sizeof bare / sizeof bare[0]; i++) {
        out = sh(&st, "%s %s 2>&1 >/dev/null", BIN, bare[i][0]);
        CU_ASSERT_EQUAL(st, 125);
        TS_ASSERT_STR_EQ(out, bare[i][1]);
        free(out);
    }
}

/* A program given through a FIFO (a shell's process substitution is
 * one): read once, as python3 reads it; the second open (for the program,
 * after its dialect's) waited for a writer that was gone, for good. */
static void test_program_from_fifo(void)
{
    int st;
    char *out = sh(&st, "cd %s && rm -f fifo.py && mkfifo fifo.py && "
                   "{ printf 'print(\"from a fifo\")\\n' > fifo.py & } && "
                   "timeout 60 %s run fifo.py --no-db 2>&1; echo \"status $?\"; rm -f fifo.py",
                   dir, BIN);
    TS_ASSERT_STR_EQ(out, "from a fifo\nstatus 0\n");
    free(out);
}

/* Each program's exit status and stderr as python3.11 gives them. */
static void test_program_status_as_python(void)
{
    static const struct {
        const char *src;
        int status;
    } progs[] = {
        {"print('fine')\n", 0},
        {"import sys\nsys.exit(3)\n", 3},
        {"import sys\nsys.exit(None)\n", 0},
        {"import sys\nsys.exit('bye: no input')\n", 1},
        {"raise ValueError('bad value')\n", 1},
        {"import sys\nsys.exit(126)\n", 126},
        {"import sys\nsys.exit(300)\n", 44},
        {"import sys\nsys.exit(-1)\n", 255},
        {"import threading, sys\n"
         "def f():\n    sys.exit(5)\n"
         "t = threading.Thread(target=f)\nt.start(); t.join()\nprint('main goes on')\n", 0},
        {"import os\nos._exit(7)\n", 7},
        /* what was printed (and flushed) before os._exit reaches the caller */
        {"import os, sys\nprint('a', flush=True)\nprint('b')\nsys.stdout.flush()\nos._exit(4)\n",
         4},
        {"def f(:\n    pass\n", 1},
        /* statuses the engine uses itself (0: no result; 127: its own
         * failure) are the program's when it gives them */
        {"import os\nos._exit(0)\n", 0},
        {"import os\nos._exit(127)\n", 127},
        {"import os\nos._exit(256 + 7)\n", 7},
        {"import os, threading, time\n"
         "def f():\n    os._exit(0)\n"
         "threading.Thread(target=f).start()\ntime.sleep(1)\nprint('never')\n", 0},
        /* a thread an atexit function starts is not waited for: the exit
         * that follows kills it (python3 never prints 'worker') */
        {"import atexit, threading, time\n"
         "def worker():\n    time.sleep(1)\n    print('worker')\n"
         "atexit.register(lambda: threading.Thread(target=worker).start())\n"
         "print('main end')\n", 0},
        /* a join interrupted by Ctrl-C lets go of the thread (bpo-45274): the
         * shutdown waits no more for it */
        {"import threading, os, signal, time\n"
         "def work():\n    time.sleep(0.5)\n    print('worker finished', flush=True)\n"
         "t = threading.Thread(target=work); t.start()\n"
         "threading.Timer(0.1, os.kill, (os.getpid(), signal.SIGINT)).start()\n"
         "try:\n    t.join()\nexcept KeyboardInterrupt:\n"
         "    print('interrupted; alive:', t.is_alive(), flush=True)\n", 0},
    };
    for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++) {
        write_file("prog.py", progs[i].src);
        int pst, tst;
        /* by absolute path: python3 shows the main file's absolute path in
         * tracebacks, threadsim the path as given */
        /* buffered, and unbuffered (each write an event of its own) */
        for (int u = 0; u < 2; u++) {
            const char *flag = u ? "-u " : "";
            char *py = sh(&pst, "python3.11 %s%s/prog.py 2>&1", flag, dir);
            char *ts = sh(&tst, "%s run %s%s/prog.py --no-db 2>&1", BIN, flag, dir);
            CU_ASSERT_EQUAL(pst, progs[i].status);
            CU_ASSERT_EQUAL(tst, progs[i].status);
            if (tst != progs[i].status || pst != progs[i].status)
                fprintf(stderr, "\nprogram %zu%s: python3 %d, threadsim %d, want %d\n", i,
                        u ? " (-u)" : "", pst, tst, progs[i].status);
            TS_ASSERT_STR_EQ(ts, py);
            free(py);
            free(ts);
        }
    }
}

/* Each run records the build that made it (version+build id), and a
 * replay that differs says when the build is another (a program printing
 * an object's address: another build of one version places it elsewhere,
 * and the replay said only DIFFERS). */
static void test_replay_names_another_build(void)
{
    write_file("addr.py", "class A: pass\nprint(A())\n");
    int st;
    char *out = sh(&st, "cd %s && rm -f b.db && %s run addr.py --db b.db > /dev/null && "
                   "%s runs --json --db b.db | grep -o '\"version\":\"[^\"]*\"' && "
                   "%s version", dir, BIN, BIN, BIN);
    CU_ASSERT_EQUAL(st, 0);
    char ver[64] = "", build[64] = "";
    CU_ASSERT_EQUAL(sscanf(out, "\"version\":\"%63[^\"]\"\nthreadsim %63s", build, ver), 2);
    /* X.Y.Z+ and 12 hex digits of the build id */
    CU_ASSERT_EQUAL(strncmp(build, ver, strlen(ver)), 0);
    CU_ASSERT_EQUAL(strlen(build), strlen(ver) + 13);
    CU_ASSERT_EQUAL(build[strlen(ver)], '+');
    free(out);
    out = sh(&st, "cd %s && python3.11 -c \"import sqlite3; c = sqlite3.connect('b.db'); "
             "c.execute(\\\"update runs set version = '0.0.1+0123456789ab', "
             "trace_hash = '0000000000000000'\\\"); c.commit()\" && %s replay 1 --db b.db "
             "--no-record; echo status $?", dir, BIN);
    char want[512];
    snprintf(want, sizeof want, "note: run 1 was recorded by threadsim 0.0.1+0123456789ab, "
             "this is %s: a program whose output shows or depends on object addresses can "
             "differ between builds\n", build);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "replay of run 1 (addr.py) DIFFERS"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "status 1\n"));
    free(out);
}

/* An uncaught KeyboardInterrupt ends `run` by SIGINT, as python3 ends
 * (Py_RunMain's exit_sigint): a caller sees an interrupted program
 * (subprocess: -2), not a status of 130; the run is recorded first.
 * sys.exit(130) is a status. */
static void test_keyboard_interrupt_ends_by_sigint(void)
{
    write_file("ki.py", "print('a')\nraise KeyboardInterrupt\n");
    write_file("e130.py", "import sys\nsys.exit(130)\n");
    int st;
    char *out = sh(&st, "cd %s && rm -f ki.db && python3.11 -c \"import subprocess as s\n"
                   "for c in (['python3.11', 'ki.py'], ['%s', 'run', 'ki.py', '--db', 'ki.db'],\n"
                   "          ['python3.11', 'e130.py'], ['%s', 'run', 'e130.py', '--no-db']):\n"
                   "    r = s.run(c, capture_output=True, text=True)\n"
                   "    print(r.returncode, repr(r.stdout), r.stderr.splitlines()[-1:])\" && "
                   "%s runs --db ki.db | awk 'NR == 2 { print $2, $5 }'",
                   dir, BIN, BIN, BIN);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "-2 'a\\n' ['KeyboardInterrupt']\n"
                          "-2 'a\\n' ['KeyboardInterrupt']\n"
                          "130 '' []\n"
                          "130 '' []\n"
                          "ki.py exception\n");
    free(out);
}

/* Other files beside a program do not move its objects' addresses (and so
 * the order of a set of them, which decided a ThreadPoolExecutor's joins):
 * its folder is not listed, given by an absolute path as by a relative one
 * (importlib's FileFinder listed it into a set of every name in it). */
static void test_folder_contents_move_nothing(void)
{
    int st;
    free(sh(&st, "mkdir -p beside"));
    write_file("beside/order.py",
               "import threading\n"
               "ts = {threading.Thread(target=print, args=(f'T{i}',)) for i in range(6)}\n"
               "for t in ts: t.start()\n"
               "for t in ts: t.join()\n"
               "print(hex(id(object())))\n");
    char *alone = sh(&st, "%s run %s/beside/order.py --no-db 2>&1", BIN, dir);
    CU_ASSERT_EQUAL(st, 0);
    free(sh(&st, "for i in $(seq 1 60); do : > beside/f$i.txt; done"));
    char *crowded = sh(&st, "%s run %s/beside/order.py --no-db 2>&1", BIN, dir);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(crowded, alone);
    free(alone);
    free(crowded);
}

/* explore's --junit and --json are files a parser reads whatever the
 * program printed: control characters (an ANSI colour, NUL, BEL) and bytes
 * that are not UTF-8 (they were written as XML references no parser
 * accepts, or copied raw into the JSON). */
static void test_explore_reports_parse(void)
{
    write_file("ctrl.py", "import sys\nprint('\\x1b[31mred\\x1b[0m \\x00 \\x07 <&>')\n"
                          "sys.stdout.buffer.write(b'\\xff\\xfe ok\\n')\nraise RuntimeError('boom')\n");
    int st;
    char *out = sh(&st, "%s explore %s/ctrl.py --schedules 2 --no-db --fail-on exception "
                        "--junit ctrl.xml --json > ctrl.json 2>/dev/null; echo $?", BIN, dir);
    TS_ASSERT_STR_EQ(out, "1\n");
    free(out);
    out = sh(&st, "python3.11 -c \"import json, xml.dom.minidom as m\n"
                  "d = m.parse('ctrl.xml')\n"
                  "o = json.load(open('ctrl.json', encoding='utf-8'))['outcomes'][0]['output']\n"
                  "print(ascii(o.split(chr(10))[0]), ascii(o.split(chr(10))[1]))\" 2>&1");
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "'\\x1b[31mred\\x1b[0m \\x00 \\x07 <&>' '\\ufffd\\ufffd ok'\n");
    free(out);
}

/* A file lock no thread will release (the thread's own other open file
 * holds it; python3 waits forever) ends at the step limit: each of the
 * retried lock's tries counts (it polled the virtual clock for good). */
static void test_flock_never_released_ends(void)
{
    write_file("selflock.py", "import fcntl\n"
                              "a, b = open('selflock.py'), open('selflock.py')\n"
                              "fcntl.flock(a, fcntl.LOCK_EX)\nprint('holding', flush=True)\n"
                              "fcntl.flock(b, fcntl.LOCK_EX)\nprint('never')\n");
    int st;
    char *out = sh(&st, "timeout 120 %s run %s/selflock.py --no-db 2>&1", BIN, dir);
    CU_ASSERT_EQUAL(st, 124);
    TS_ASSERT_STR_EQ(out, "holding\nthreadsim: run stopped: step limit reached\n");
    free(out);
}

/* dfs's budget counts runs, its passes' walks through the schedules of
 * fewer preemptions included: a report of fewer schedules than --schedules
 * says so (it said only "the budget ran out"), and how many runs those were
 * (the count read as a miscount beside the budget). */
static void test_dfs_budget_counts_runs(void)
{
    write_file("budget.py", "import threading\n"
                            "def w(c):\n    for i in range(3):\n        print(c, i)\n"
                            "ts = [threading.Thread(target=w, args=(c,)) for c in 'ab']\n"
                            "for t in ts: t.start()\nfor t in ts: t.join()\n");
    int st;
    char *out = sh(&st, "%s explore %s/budget.py --strategy dfs --schedules 10 --no-db 2>/dev/null"
                        " | sed -n 2p", BIN, dir);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "not exhausted: the budget ran out first (--schedules "
                                       "counts runs, and each dfs pass runs the schedules of "
                                       "fewer preemptions again: 10 runs for these "));
    CU_ASSERT_PTR_NULL(strstr(out, "10 schedules"));
    free(out);
}

/* The stepper records the path it walked (at lines with --choices program:
 * it recorded the default path, decisions where threads block only), and
 * `threadsim replay` runs a stepped run again as the stepper ran it (line
 * notes; every stepped run "differed" at its first line before), and a
 * replay of a replay as its first run (an explored run's too). */
static void test_step_records_its_path(void)
{
    write_file("stepped.py", "import threading\ndef w(c):\n    print(c)\n"
                             "t = threading.Thread(target=w, args=('a',))\nt.start()\n"
                             "print('b')\nt.join()\n");
    static const struct {
        const char *choices, *shown;
    } cases[] = {{"program", "b\na\n"}, {"block", "a\nb\n"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int st;
        char *out = sh(&st, "rm -f stepped.db; %s step %s/stepped.py --choices %s --replay "
                            "'%s/stepped.py:AgEA' --commands 'continue; quit' --db stepped.db "
                            ">/dev/null 2>&1; %s show last --db stepped.db; %s replay last --db "
                            "stepped.db 2>&1 | grep -c 'is identical'; %s replay last --db "
                            "stepped.db 2>&1 | grep -c 'is identical'",
                   BIN, dir, cases[i].choices, dir, BIN, BIN, BIN);
        sim_buf want = {0};
        /* and a replay of that replay (its options are the stepped run's) */
        sim_buf_printf(&want, "%s1\n1\n", cases[i].shown);
        TS_ASSERT_STR_EQ(out, sim_buf_str(&want));
        sim_buf_free(&want);
        free(out);
    }
}

/* A fault the program makes itself through ctypes ends it as SIGSEGV ends
 * python3's process (139, what was printed kept), not as an engine failure
 * (127, "the Python engine faulted"); the trace notes the signal. */
static void test_program_fault_through_ctypes(void)
{
    write_file("segv.py", "import ctypes, threading\nprint('before', flush=True)\n"
                          "def f():\n    ctypes.string_at(0)\n"
                          "t = threading.Thread(target=f)\nt.start()\nt.join()\nprint('after')\n");
    int pst, tst;
    char *py = sh(&pst, "(python3.11 %s/segv.py) 2>/dev/null", dir);
    char *ts = sh(&tst, "%s run %s/segv.py --db segv.db 2>&1", BIN, dir);
    CU_ASSERT_EQUAL(pst, 139);
    CU_ASSERT_EQUAL(tst, 139);
    TS_ASSERT_STR_EQ(py, "before\n");
    TS_ASSERT_STR_EQ(ts, "before\n");
    free(py);
    free(ts);
    char *tr = sh(&tst, "%s show last --trace --db segv.db | tail -1", BIN);
    CU_ASSERT_PTR_NOT_NULL(strstr(tr, "note     SIGSEGV ends the process"));
    free(tr);
    /* abort() through ctypes: python3 dies of SIGABRT (it was reported as
     * the engine's death, 127) */
    write_file("abort.py", "import ctypes\nprint('before', flush=True)\nctypes.CDLL(None).abort()\n");
    py = sh(&pst, "(python3.11 %s/abort.py) 2>/dev/null", dir);
    ts = sh(&tst, "%s run %s/abort.py --no-db 2>&1", BIN, dir);
    CU_ASSERT_EQUAL(pst, 134);
    CU_ASSERT_EQUAL(tst, 134);
    TS_ASSERT_STR_EQ(ts, py);
    free(py);
    free(ts);
}

/* Every explored schedule reads the same standard input, from where the
 * explorer found it: a pipe's bytes (kept once, in a memory file), a
 * file's from its offset (the first line already read by the shell); the
 * representatives too. The first schedule read it and every later one
 * met its end: "EOFError" outcomes beside the real one. */
static void test_explore_same_stdin(void)
{
    write_file("stdin.py", "import threading\nname = input()\nlines = []\n"
                           "def reader():\n    import sys\n"
                           "    lines.extend(l.strip() for l in sys.stdin)\n"
                           "def other():\n    lines.append('other')\n"
                           "ts = [threading.Thread(target=reader), threading.Thread(target=other)]\n"
                           "for t in ts: t.start()\nfor t in ts: t.join()\nprint(name, lines)\n");
    write_file("stdin.txt", "skip\nbob\nx\ny\n");
    int st;
    char *out = sh(&st, "printf 'bob\\nx\\ny\\n' | %s explore %s/stdin.py --schedules 40 --no-db "
                   "2>/dev/null | grep -o -e EOFError -e '| bob' | sort | uniq -c | tr -s ' '", BIN, dir);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, " 3 | bob\n"); /* 'other' before, between, after x and y; no EOFError */
    free(out);
    out = sh(&st, "(read -r first; %s explore %s/stdin.py --schedules 40 --json --no-db 2>/dev/null) < %s/stdin.txt "
             "| grep -o 'EOFError\\|bob' | sort | uniq -c | tr -s ' '", BIN, dir, dir);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, " 3 bob\n");
    free(out);
    /* more than it keeps: a usage error at once, not an engine failure a run */
    out = sh(&st, "head -c 70000000 /dev/zero | %s explore %s/stdin.py --schedules 3 --no-db 2>&1",
             BIN, dir);
    CU_ASSERT_EQUAL(st, 125);
    TS_ASSERT_STR_EQ(out, "threadsim: standard input is more than 64 MiB: every schedule reads it "
                          "whole; give a file instead (< FILE)\n");
    free(out);
}

/* select.select over standard input redirected from a file (or /dev/null)
 * answers as python3's: a regular file and a device other than a terminal
 * are always ready, nothing escapes the virtual clock (it was refused with
 * PermissionError). A pipe from the shell is still refused. */
static void test_select_on_stdin_file(void)
{
    write_file("sel.py", "import select, sys\n"
                         "r, _, _ = select.select([sys.stdin], [], [], 1.0)\n"
                         "print('got:', sys.stdin.readline().strip() if r else 'no input')\n");
    write_file("sel.txt", "hello\n");
    int st;
    char *out = sh(&st, "%s run %s/sel.py --no-db < %s/sel.txt 2>&1; %s run %s/sel.py --no-db "
                        "< /dev/null 2>&1", BIN, dir, dir, BIN, dir);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "got: hello\ngot: \n"); /* python3.11's */
    free(out);
    out = sh(&st, "echo hi | %s run %s/sel.py --no-db 2>&1 | tail -1", BIN, dir);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "PermissionError: threadsim: select.select would escape"));
    free(out);
}

/* A process ended past Python through ctypes (libc's _exit, an exec of
 * another program) is the program's exit with that status, as os._exit's,
 * everything printed before it kept (the pieces printed after the function
 * was looked up too); not "the Python engine ended without a result" (127,
 * and explore's "FAILS: engine"), nor a line cut short ("a" of "a\nb\n":
 * events still batched). python3's own status is the same. */
static void test_program_exit_through_ctypes(void)
{
    write_file("rawexit.py", "import ctypes, threading\nlibc = ctypes.CDLL(None)\n"
                             "f = libc._exit\nprint('a')\nprint('b', end='')\nprint('c')\n"
                             "t = threading.Thread(target=f, args=(3,))\nt.start()\nt.join()\n");
    write_file("rawexec.py", "import ctypes\nprint('before')\nargv = (ctypes.c_char_p * 2)(b'true', None)\n"
                             "ctypes.CDLL(None).execv(b'/bin/true', argv)\n");
    int pst, tst;
    char *py = sh(&pst, "(python3.11 %s/rawexit.py) 2>&1", dir);
    char *ts = sh(&tst, "%s run %s/rawexit.py --no-db 2>&1", BIN, dir);
    CU_ASSERT_EQUAL(pst, 3);
    CU_ASSERT_EQUAL(tst, 3);
    TS_ASSERT_STR_EQ(ts, "a\nbc\n");
    free(py);
    free(ts);
    py = sh(&pst, "(python3.11 %s/rawexec.py) 2>&1", dir);
    ts = sh(&tst, "%s run %s/rawexec.py --no-db 2>&1", BIN, dir);
    CU_ASSERT_EQUAL(pst, 0);
    CU_ASSERT_EQUAL(tst, 0);
    TS_ASSERT_STR_EQ(ts, "before\n");
    free(py);
    free(ts);
    ts = sh(&tst, "%s explore %s/rawexec.py --schedules 3 --no-db 2>&1 | grep -c 'FAILS'", BIN, dir);
    CU_ASSERT_EQUAL(tst, 1); /* grep found none */
    TS_ASSERT_STR_EQ(ts, "0\n");
    free(ts);
    ts = sh(&tst, "%s explore %s/rawexit.py --schedules 3 --no-db 2>&1 | grep 'FAILS'", BIN, dir);
    CU_ASSERT_PTR_NOT_NULL(strstr(ts, "exit 3, FAILS: exit"));
    free(ts);
}

/* faulthandler's crash tests, which python3 dies of: the run ends with
 * python3's status (128 + the signal) and, with faulthandler enabled, its
 * report (the thread ids threadsim's), never as an engine failure (127:
 * they faulted the engine, or raised a signal it did not catch). */
static void test_faulthandler_crashes(void)
{
    static const struct {
        const char *call;
        int status;
    } cases[] = {{"_sigsegv", 139},       {"_read_null", 139}, {"_stack_overflow", 139},
                 {"_sigfpe", 136},        {"_sigabrt", 134},   {"_fatal_error_c_thread", 134}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char src[512];
        snprintf(src, sizeof src, "import faulthandler, threading\nprint('before', flush=True)\n"
                 "def f():\n    faulthandler.%s()\nt = threading.Thread(target=f)\n"
                 "t.start()\nt.join()\nprint('after')\n", cases[i].call);
        write_file("crash.py", src);
        int pst, tst;
        char *py = sh(&pst, "(python3.11 %s/crash.py) 2>/dev/null", dir);
        char *ts = sh(&tst, "%s run %s/crash.py --no-db 2>/dev/null", BIN, dir);
        CU_ASSERT_EQUAL(pst, cases[i].status);
        CU_ASSERT_EQUAL(tst, cases[i].status);
        TS_ASSERT_STR_EQ(py, "before\n");
        TS_ASSERT_STR_EQ(ts, "before\n");
        free(py);
        free(ts);
    }
    write_file("crash.py", "import faulthandler, sys\nfaulthandler.enable(all_threads=False)\n"
                           "def f():\n    faulthandler._sigfpe()\nf()\n");
    int st;
    char *ts = sh(&st, "cd %s && %s run crash.py --no-db 2>&1", dir, BIN);
    CU_ASSERT_EQUAL(st, 136);
    /* python3.11's report, byte for byte (but its absolute path) */
    TS_ASSERT_STR_EQ(ts, "Fatal Python error: Floating point exception\n\n"
                         "Stack (most recent call first):\n"
                         "  File \"crash.py\", line 4 in f\n"
                         "  File \"crash.py\", line 5 in <module>\n");
    free(ts);
}

/* --env: names in the program's fixed environment, recorded with the run
 * (a replay sets them, whatever the replaying shell has), in an
 * exploration's options and in the stepper's command it prints; bad
 * usage is a one-line message and 125. */
static void test_env_option(void)
{
    write_file("env.py", "import os, sys, threading\n"
                         "def f():\n    print(os.environ.get('WORKERS'), os.environ.get('MODE'),"
                         " os.environ['HOME'], sys.argv[1:])\n"
                         "t = threading.Thread(target=f)\nt.start()\nt.join()\n"
                         "print(sorted(os.environ))\n");
    int st;
    char *out = sh(&st, "cd %s && rm -f env.db && WORKERS=3 env -u PYTHONUNBUFFERED %s run env.py "
                   "--env WORKERS --env \"MODE=a b'c\" --env HOME=/home/x --env MODE=\"a b'c\" "
                   "--db env.db -- x 'y z' 2>&1", dir, BIN);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "3 a b'c /home/x ['x', 'y z']\n['HOME', 'LANG', 'LOGNAME', 'MODE', "
                          "'PATH', 'TZ', 'USER', 'WORKERS']\n");
    free(out);
    /* without --env: the fixed environment only */
    out = sh(&st, "cd %s && WORKERS=3 %s run env.py --no-db 2>&1", dir, BIN);
    TS_ASSERT_STR_EQ(out, "None None /nonexistent []\n['HOME', 'LANG', 'LOGNAME', 'PATH', 'TZ', "
                          "'USER']\n");
    free(out);
    /* the replay runs what was recorded: same trace, in another shell */
    out = sh(&st, "cd %s && env -u WORKERS -u PYTHONUNBUFFERED %s replay 1 --db env.db 2>&1", dir,
             BIN);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "replay of run 1 (env.py) is identical"));
    free(out);
    out = sh(&st, "cd %s && env -u PYTHONUNBUFFERED %s explore env.py --env WORKERS=2 --db env.db "
             "--schedules 5 2>/dev/null -- q; %s explorations --db env.db", dir, BIN, BIN);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "     | 2 None /nonexistent ['q']\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "     replay: the default schedule (threadsim run env.py --env "
                                       "WORKERS=2 -- q; with the same addresses: threadsim step "
                                       "env.py --choices program --replay 'env.py:AwE' --env "
                                       "WORKERS=2 -- q)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, " python=3 program=--env WORKERS=2 -- q\n"));
    free(out);
    /* the teaching page into a file (-o), the program's arguments kept last */
    out = sh(&st, "cd %s && rm -f page.html && env -u PYTHONUNBUFFERED %s export env.py --format html "
             "--explore -o page.html --env WORKERS=4 -- q >/dev/null 2>&1 && grep -c "
             "\"4 None /nonexistent \\['q'\\]\" page.html", dir, BIN);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_NOT_EQUAL(atoi(out), 0);
    free(out);
    static const char *const bad[][2] = {
        {"--env", "threadsim: --env needs NAME=VALUE or NAME\n"},
        {"--env --no-db", "threadsim: --env needs NAME=VALUE or NAME\n"},
        {"--env =1", "threadsim: --env: '=1' is not NAME=VALUE or NAME (a name of 1 to 255 "
                     "characters, no '=' or space)\n"},
        {"--env 'A B=1'", "threadsim: --env: 'A B=1' is not NAME=VALUE or NAME (a name of 1 to "
                          "255 characters, no '=' or space)\n"},
        {"--env NO_SUCH_VAR_HERE", "threadsim: --env NO_SUCH_VAR_HERE: no such variable in this "
                                   "environment (--env NO_SUCH_VAR_HERE=VALUE sets one)\n"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        out = sh(&st, "cd %s && %s run env.py --no-db %s 2>&1", dir, BIN, bad[i][0]);
        CU_ASSERT_EQUAL(st, 125);
        TS_ASSERT_STR_EQ(out, bad[i][1]);
        free(out);
    }
}

/* An output file that is the database (or its -wal, by another name) is
 * refused before anything is written: --status-json, export -o, explore's
 * --html and --junit, check's --junit once destroyed the recorded runs. */
static void test_output_not_the_database(void)
{
    write_file("ok.py", "print('hi')\n");
    int st;
    char *out = sh(&st, "cd %s && rm -f same.db* && %s run ok.py --db same.db >/dev/null 2>&1", dir,
                   BIN);
    CU_ASSERT_EQUAL(st, 0);
    free(out);
    static const char *const cmds[][2] = {
        {"run ok.py --db same.db --status-json same.db", "run: --status-json 'same.db'"},
        {"run ok.py --db same.db --status-json ./same.db-wal", "run: --status-json './same.db-wal'"},
        {"export last -f json -o ../$(basename $PWD)/same.db --db same.db", "export: -o '"},
        {"explore ok.py --db same.db --html same.db", "explore: --html 'same.db'"},
        {"explore ok.py --db same.db --junit same.db", "explore: --junit 'same.db'"},
        {"check ok.py --db same.db --junit same.db", "check: --junit 'same.db'"},
        {"run ok.py --db new.db --status-json new.db", "run: --status-json 'new.db'"},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        out = sh(&st, "cd %s && %s %s 2>&1 >/dev/null", dir, BIN, cmds[i][0]);
        CU_ASSERT_EQUAL(st, 125);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, cmds[i][1]));
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "is the database"));
        free(out);
    }
    /* the runs are all there */
    out = sh(&st, "cd %s && %s runs --db same.db | wc -l", dir, BIN);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "2\n");
    free(out);
    /* a side of diff that never ends is refused, not read into memory */
    out = sh(&st, "cd %s && %s diff last /dev/zero --db same.db 2>&1", dir, BIN);
    CU_ASSERT_EQUAL(st, 125);
    TS_ASSERT_STR_EQ(out, "threadsim: cannot read '/dev/zero': File too large\n");
    free(out);
    /* a name starting "file:" is a file of that name, not a SQLite URI */
    out = sh(&st, "cd %s && rm -f 'file:u.db?mode=memory' && %s run ok.py --db 'file:u.db?mode=memory' "
             ">/dev/null 2>&1 && ls file:u.db*", dir, BIN);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "file:u.db?mode=memory\n");
    free(out);
    /* another file is fine */
    out = sh(&st, "cd %s && %s run ok.py --db same.db --status-json st.json >/dev/null 2>&1 && "
             "cat st.json", dir, BIN);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"run_id\": 2"));
    free(out);
}

/* A run stopped by --max-steps, --max-memory or --max-output replays
 * identical: the limits are recorded with its options (a replay ran without
 * them: "DIFFERS", or for ever at many GB). */
static void test_replay_keeps_limits(void)
{
    write_file("count.py", "n = 0\nwhile True:\n    n += 1\n");
    write_file("mem.py", "x = []\nwhile True:\n    x.append(bytearray(10**6))\n");
    write_file("flood.py", "while True:\n    print('x' * 50)\n");
    static const char *const runs[][2] = {{"count.py --max-steps 5000", "--max-steps 5000"},
                                          {"mem.py --max-memory 64M", "--max-memory 67108864"},
                                          {"flood.py --max-output 1000", "--max-output 1000"}};
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        int st;
        char *out = sh(&st, "cd %s && rm -f lim.db && env -u PYTHONUNBUFFERED %s run %s --db lim.db "
                       ">/dev/null 2>&1; env -u PYTHONUNBUFFERED timeout 60 %s replay last --db "
                       "lim.db 2>&1 && %s sql 'SELECT program_options FROM runs WHERE id = 1' "
                       "--db lim.db", dir, BIN, runs[i][0], BIN, BIN);
        CU_ASSERT_EQUAL(st, 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "replay of run 1"));
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "is identical"));
        CU_ASSERT_PTR_NOT_NULL(strstr(out, runs[i][1]));
        free(out);
    }
}

/* Output that cannot be written is an error (125, one line), and a closed
 * reader does not kill a run half-recorded: `run | head -1` leaves the run
 * complete (it was killed by SIGPIPE, the run left "incomplete"). */
static void test_output_write_errors(void)
{
    write_file("many.py", "for i in range(20000):\n    print(i)\n");
    int st;
    char *out = sh(&st, "cd %s && rm -f pipe.db && { env -u PYTHONUNBUFFERED %s run many.py "
                   "--db pipe.db 2>err.txt; echo \"status $?\" >st.txt; } | head -1; "
                   "cat st.txt err.txt; %s runs --db pipe.db | tail -1 | awk '{print $2, $5, $6}'",
                   dir, BIN, BIN);
    TS_ASSERT_STR_EQ(out, "0\nstatus 125\nthreadsim: run: cannot write the output: Broken pipe\n"
                          "many.py ok 20003\n");
    free(out);
    out = sh(&st, "cd %s && %s runs --db pipe.db 2>&1 >/dev/full", dir, BIN);
    CU_ASSERT_EQUAL(st, 125);
    TS_ASSERT_STR_EQ(out, "threadsim: runs: cannot write the output: No space left on device\n");
    free(out);
    /* sql stops at its reader's end: an endless query ran on for good */
    out = sh(&st, "cd %s && { timeout 60 %s sql 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
             "SELECT x+1 FROM c) SELECT x FROM c' --db pipe.db 2>err.txt; echo \"status $?\" "
             ">st.txt; } | head -2; cat st.txt err.txt", dir, BIN);
    TS_ASSERT_STR_EQ(out, "1\n2\nstatus 125\nthreadsim: sql: cannot write the output: Broken pipe\n");
    free(out);
}

/* Run a shell command; the exit status in *status (-1: not an exit) and
 * the peak resident memory, in KiB, of the processes under it (wait4's:
 * the largest of them, those it waited for included). */
static long maxrss_of(int *status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static long maxrss_of(int *status, const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    pid_t pid = fork();
    CU_ASSERT_TRUE_FATAL(pid >= 0);
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    CU_ASSERT_EQUAL(wait4(pid, &st, 0, &ru), pid);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return ru.ru_maxrss;
}

/* export streams a stored run: its memory does not grow with the run
 * (chrome took 600 bytes an event, 24 GB for 40 million), and the bytes
 * are those of the same trace exported from memory (--scenario). */
static void test_export_streams(void)
{
    write_file("sleepy.py", "import time\nfor i in range(200000):\n    time.sleep(0.001)\n");
    int st;
    char *out = sh(&st, "cd %s && rm -f sleepy.db && env -u PYTHONUNBUFFERED %s run sleepy.py "
                   "--db sleepy.db 2>&1", dir, BIN);
    CU_ASSERT_EQUAL(st, 0);
    free(out);
    static const char *const fmts[] = {"text", "json", "chrome", "html"};
    for (size_t i = 0; i < 4; i++) {
        long kib = maxrss_of(&st, "cd %s && %s export 1 -f %s --db sleepy.db -o sleepy.%s", dir,
                             BIN, fmts[i], fmts[i]);
        CU_ASSERT_EQUAL(st, 0);
#if !SIM_ASAN /* (its shadow and quarantine are another matter) */
        CU_ASSERT_TRUE(kib < 48 * 1024);
#else
        (void)kib;
#endif
    }
    out = sh(&st, "cd %s && env -u PYTHONUNBUFFERED %s export --scenario sleepy.py -f text "
             "| cmp - sleepy.text && env -u PYTHONUNBUFFERED %s export --scenario sleepy.py "
             "-f json | cmp - sleepy.json && wc -l <sleepy.text && tail -c 40 sleepy.chrome && "
             "grep -c 'are summarized in one slot' sleepy.html", dir, BIN, BIN);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "400003\nom_event\":400002,\"to_event\":400003}}\n]}\n1\n");
    free(out);
}

/* diff and replay of long runs read at most TS_VIEW_MAX (64 MiB) of each
 * view (a 40-million-event run took 6.5 GB to diff): two runs that differ
 * only past it are reported as different, by their hashes, and one run
 * with itself is the same without reading it. */
static void test_long_runs_diff_bounded(void)
{
    static const char prog[] = "import time\nfor i in range(700000):\n"
                               "    time.sleep(0.001 if i < 699999 else %s)\n";
    char text[160];
    int st;
    char *out = sh(&st, "cd %s && mkdir -p la lb && rm -f long.db", dir);
    free(out);
    snprintf(text, sizeof text, prog, "0.001");
    write_file("la/p.py", text);
    snprintf(text, sizeof text, prog, "0.002");
    write_file("lb/p.py", text);
    out = sh(&st, "cd %s/la && env -u PYTHONUNBUFFERED %s run p.py --db ../long.db && cd ../lb && "
             "env -u PYTHONUNBUFFERED %s run p.py --db ../long.db", dir, BIN, BIN);
    CU_ASSERT_EQUAL(st, 0);
    free(out);
    long kib = maxrss_of(&st, "cd %s && %s diff 1 2 --db long.db >long.txt", dir, BIN);
    CU_ASSERT_EQUAL(st, 1);
#if !SIM_ASAN
    CU_ASSERT_TRUE(kib < 400 * 1024); /* two 64 MiB views, their lines */
#endif
    out = sh(&st, "cd %s && cat long.txt", dir);
    TS_ASSERT_STR_EQ(out, "(a run's view is compared up to its first 64 MiB; the traces' hashes "
                          "differ)\n");
    free(out);
    kib = maxrss_of(&st, "cd %s && %s diff 1 1 --db long.db >long.txt", dir, BIN);
    CU_ASSERT_EQUAL(st, 0);
#if !SIM_ASAN
    CU_ASSERT_TRUE(kib < 32 * 1024);
#endif
    out = sh(&st, "cd %s/la && env -u PYTHONUNBUFFERED %s replay 1 --db ../long.db --no-record",
             dir, BIN);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "is identical"));
    free(out);
    (void)kib;
}

/* A database in a folder that cannot be written (an archive, a CD, a
 * shared folder) is read as it is: runs, show, sql, export, diff and
 * replay --no-record work (every command failed with "is read-only": WAL
 * needs its -shm beside the file); what would write says it cannot. As
 * root the commands run as nobody, for whom the folder is read-only. */
static void test_read_only_database(void)
{
    int st;
    write_file("ok.py", "print('hi')\n");
    /* (a copy nobody can run, wherever the build is) */
    char *out = sh(&st, "cd %s && rm -rf rodb && mkdir rodb && chmod 755 . && cp %s tsbin && "
                   "chmod 755 tsbin && chmod 644 ok.py && "
                   "env -u PYTHONUNBUFFERED %s run ok.py --db rodb/t.db && chmod 555 rodb && "
                   "chmod 444 rodb/t.db && ls rodb", dir, BIN, BIN);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "t.db\n"));
    CU_ASSERT_PTR_NULL(strstr(out, "t.db-")); /* nothing beside it */
    free(out);
    const char *as = geteuid() == 0 ? "setpriv --reuid 65534 --regid 65534 --clear-groups " : "";
    static const char *const reads[] = {"runs", "show 1", "sql 'SELECT count(*) FROM runs'",
                                        "export 1 -f json", "diff 1 1",
                                        "replay 1 --no-record"};
    for (size_t i = 0; i < sizeof reads / sizeof *reads; i++) {
        out = sh(&st, "cd %s && env -u PYTHONUNBUFFERED %s./tsbin %s --db rodb/t.db 2>&1", dir,
                 as, reads[i]);
        CU_ASSERT_EQUAL(st, 0);
        CU_ASSERT_PTR_NULL(strstr(out, "read-only"));
        free(out);
    }
    out = sh(&st, "cd %s && %s./tsbin run ok.py --db rodb/t.db 2>&1", dir, as);
    CU_ASSERT_EQUAL(st, 125);
    TS_ASSERT_STR_EQ(out, "threadsim: database 'rodb/t.db' is read-only\n");
    free(out);
    out = sh(&st, "cd %s && chmod 755 rodb && ls rodb", dir);
    TS_ASSERT_STR_EQ(out, "t.db\n");
    free(out);
}

/* Memory a program takes around Python's allocator (ctypes calling libc's
 * malloc) is bounded too: the parent's guard ends the run with "memory
 * limit" once the run's process holds twice --max-memory plus its slack
 * (it reached 5 GB at --max-memory 64M). The peak resident memory of the
 * processes under threadsim (wait4's, the largest of them) stays under
 * 1 GiB where the program would take 1.5 GiB and print "done". */
static void test_native_memory_bounded(void)
{
#if SIM_ASAN
    /* no memory guard under AddressSanitizer, whose own memory is many
     * times the program's (cpy_run.c, "The guard") */
    return;
#endif
    write_file("native.py", "import ctypes\n"
                            "libc = ctypes.CDLL(None)\n"
                            "libc.malloc.restype = ctypes.c_void_p\n"
                            "for i in range(24):\n"
                            "    p = libc.malloc(64 << 20)\n"
                            "    ctypes.memset(p, 1, 64 << 20)\n"
                            "print('done')\n");
    static const char *const how[] = {"run native.py --no-db --max-memory 16M",
                                      "explore native.py --no-db --max-memory 16M --schedules 2"};
    for (size_t i = 0; i < sizeof how / sizeof *how; i++) {
        int st = 0;
        long kib = maxrss_of(&st, "cd %s && %s %s >native.txt 2>&1", dir, BIN, how[i]);
        CU_ASSERT_TRUE(kib < (1L << 20));
        CU_ASSERT_EQUAL(st, i == 0 ? 124 : 0);
        char *out = sh(&st, "cat native.txt");
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "memory limit"));
        CU_ASSERT_PTR_NULL(strstr(out, "done"));
        free(out);
    }
}

/* A program's files are bounded: the guard ends a run once a filesystem
 * it writes to has lost --max-disk of its free space and the run wrote
 * half that itself (a loop of writes took 2.8 GB in 5 s); the limit is
 * recorded with the run's options; a reservation past it fails. */
static void test_disk_bounded(void)
{
    write_file("fill.py", "chunk = b'x' * (4 << 20)\n"
                          "with open('big.bin', 'wb') as f:\n"
                          "    for i in range(128):\n"
                          "        f.write(chunk)\n"
                          "        f.flush()\n"
                          "print('done')\n");
    int st;
    char *out = sh(&st, "cd %s && rm -f disk.db && %s run fill.py --db disk.db --max-disk 32M 2>&1; "
                   "echo \"status $?\"; wc -c <big.bin; rm -f big.bin; %s sql 'SELECT "
                   "program_options FROM runs' --db disk.db", dir, BIN, BIN);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "run stopped: disk limit reached\nstatus 124\n"));
    CU_ASSERT_PTR_NULL(strstr(out, "done"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "--max-disk 33554432"));
    unsigned long long size = 0;
    const char *st124 = strstr(out, "status 124\n");
    CU_ASSERT_TRUE(st124 && sscanf(st124 + 11, "%llu", &size) == 1 && size < (256ULL << 20));
    free(out);
    /* another process filling the disk meanwhile ends no run that writes
     * nothing (a CI machine's other jobs ended a test's explorations) */
    write_file("idle.py", "x = 0\nfor i in range(3000000):\n    x += i\nprint('done')\n");
    out = sh(&st, "cd %s && { sleep 0.2; dd if=/dev/zero of=other.bin bs=1M count=100 "
             "conv=fsync 2>/dev/null; } & cd %s && %s run idle.py --no-db --max-disk 16M 2>&1; "
             "echo \"status $?\"; wait; rm -f other.bin", dir, dir, BIN);
    TS_ASSERT_STR_EQ(out, "done\nstatus 0\n");
    free(out);
    /* blocks reserved without a write (posix_fallocate, fallocate through
     * ctypes) past --max-disk fail as on a full disk (one call took 19 GB,
     * unseen by the guard); within it they succeed (64 MiB, not more: a
     * build without the check makes the file) */
    write_file("falloc.py",
               "import os, ctypes\n"
               "fd = os.open('res.bin', os.O_CREAT | os.O_WRONLY)\n"
               "os.posix_fallocate(fd, 0, 8 << 20)\n"
               "print('8M', os.fstat(fd).st_blocks * 512 >= 8 << 20)\n"
               "try:\n"
               "    os.posix_fallocate(fd, 0, 64 << 20)\n"
               "except OSError as e:\n"
               "    print('64M', e.errno, e.strerror)\n"
               "libc = ctypes.CDLL(None, use_errno=True)\n"
               "r = libc.fallocate(fd, 0, ctypes.c_long(0), ctypes.c_long(12 << 20))\n"
               "print('ctypes 12M', r, ctypes.get_errno())\n"
               "r = libc.fallocate(fd, 0, ctypes.c_long(0), ctypes.c_long(4 << 20))\n"
               "print('ctypes 4M', r)\n"
               "os.close(fd)\n");
    out = sh(&st, "cd %s && %s run falloc.py --no-db --max-disk 16M 2>&1; echo \"status $?\"; "
             "du -k res.bin | cut -f1; rm -f res.bin", dir, BIN);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "8M True\n64M 28 No space left on device\n"
                                       "ctypes 12M -1 28\nctypes 4M 0\nstatus 0\n"));
    unsigned long long kb = 0;
    const char *st0 = strstr(out, "status 0\n");
    CU_ASSERT_TRUE(st0 && sscanf(st0 + 9, "%llu", &kb) == 1 && kb <= (16ULL << 10));
    free(out);
}

/* export --scenario PROG writes the trace whatever the program did, a
 * syntax error included (its help said 1 and it exited 0), and says so. */
static void test_export_program_status(void)
{
    write_file("syn.py", "def f(:\n");
    int st;
    char *out = sh(&st, "cd %s && %s export --scenario syn.py -f text 2>&1", dir, BIN);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "error    SyntaxError: invalid syntax (syn.py, line 1)"));
    free(out);
    out = sh(&st, "%s export --help", BIN);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Exit status: 0 once the trace is written"));
    free(out);
}

/* check DIR does not follow links to folders (a link to `..` made it walk
 * for ever), and a folder given as the program says so. */
static void test_check_walk_and_folders(void)
{
    int st;
    char *out = sh(&st, "cd %s && rm -rf walk && mkdir -p walk/a && ln -s .. walk/a/up1 && "
                   "ln -s .. walk/a/up2 && printf 'print(1)\\n' > walk/a/p.py && printf '1\\n' "
                   "> walk/a/p.out && timeout 60 %s check walk --no-db 2>&1", dir, BIN);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "ok     walk/a/p.py\ncheck: 1 program, 1 ok, 0 failed, 0 could not be "
                          "checked\n");
    free(out);
    /* a program's own datetime.py shadows the library's, as under python3
     * (threadsim's loader for the library's one leaves it alone) */
    write_file("datetime.py", "X = 5\n");
    write_file("usedt.py", "import datetime\nprint(datetime.X)\n");
    out = sh(&st, "cd %s && %s run usedt.py --no-db 2>&1; rm -f datetime.py", dir, BIN);
    TS_ASSERT_STR_EQ(out, "5\n");
    free(out);
    out = sh(&st, "cd %s && mkdir -p folder.py && %s run folder.py --no-db 2>&1", dir, BIN);
    CU_ASSERT_EQUAL(st, 125);
    TS_ASSERT_STR_EQ(out, "threadsim: cannot read folder.py: Is a directory\n");
    free(out);
}

/* A name holding a newline, a tab or an ESC (a terminal's escape
 * sequence) is escaped where threadsim shows it, as python3 escapes it:
 * a diagnostic stays one line, a table row one row, and a file name cannot
 * recolour or move a terminal's text. */
static void test_control_characters_in_names(void)
{
    int st;
    char *out = sh(&st, "cd %s && %s run \"$(printf 'x\\033[31m\\n.py')\" --no-db 2>&1", dir, BIN);
    CU_ASSERT_EQUAL(st, 125);
    TS_ASSERT_STR_EQ(out, "threadsim: cannot read x\\x1b[31m\\n.py: No such file or directory\n");
    free(out);
    out = sh(&st, "cd %s && %s check \"$(printf 'x\\033\\t.py')\" --no-db 2>&1", dir, BIN);
    CU_ASSERT_EQUAL(st, 125);
    TS_ASSERT_STR_EQ(out, "threadsim: check: no such program 'x\\x1b\\t.py'\n");
    free(out);
    out = sh(&st, "cd %s && rm -f ctl.db && n=\"$(printf 'n\\033\\tm\\nx')\" && "
             "printf 'print(1)\\n' > \"$n.py\" && printf '2\\n' > \"$n.out\" && "
             "%s run \"$n.py\" --db ctl.db > /dev/null && %s runs --db ctl.db | awk 'NR == 2 { print $1, $2, $3, $5 }' && "
             "%s check \"$n.py\" --no-db | head -n 1; %s check \"$n.py\" --no-db | grep '^[-+][-+]'; "
             "rm -f \"$n.py\" \"$n.out\"", dir, BIN, BIN, BIN, BIN);
    TS_ASSERT_STR_EQ(out, "1 n\\x1b\\tm\\nx.py fifo ok\n"
                          "FAIL   n\\x1b\\tm\\nx.py\n"
                          "--- n\\x1b\\tm\\nx.out\n"
                          "+++ n\\x1b\\tm\\nx.py\n");
    free(out);
}

static void test_threadsim_statuses(void)
{
    int st;
    /* a deadlock: 126, the report on stderr */
    char *out = sh(&st, "%s run rlock/lock-self-deadlock --no-db 2>&1 >/dev/null", BIN);
    CU_ASSERT_EQUAL(st, 126);
    TS_ASSERT_STR_EQ(out, "\nthreadsim: deadlock: MainThread waits on lock (Lock-1), held by "
                          "MainThread\nthreadsim: deadlock: cycle: MainThread -> MainThread\n");
    free(out);
    /* run limits: 124 */
    out = sh(&st, "%s run daemon-join/join --max-events 5 --no-db 2>&1 >/dev/null", BIN);
    CU_ASSERT_EQUAL(st, 124);
    TS_ASSERT_STR_EQ(out, "threadsim: run stopped: event limit reached\n");
    free(out);
    write_file("spin.py", "while True:\n    pass\n");
    out = sh(&st, "%s run spin.py --max-steps 1000 --no-db 2>&1 >/dev/null", BIN);
    CU_ASSERT_EQUAL(st, 124);
    free(out);
    /* usage and I/O trouble: 125 */
    const char *bad[] = {"run", "run nosuch.py", "run daemon-join/join --max-events x",
                         "runs --db /nonexistent/t.db", "diff 1 2 --db /nonexistent/t.db",
                         "check nosuch/x", "explore", "run daemon-join/join --status-json",
                         /* (ran nothing, said nothing, exit 0) */
                         "sql ' ; '",
                         /* (a unit it does not take: the message names those it does) */
                         "run create/args --no-db --max-memory 1T",
                         /* (below what CPython's start-up takes: was exit 127) */
                         "run " SRC "/traces/py3/create/args.py --no-db --max-memory 8M",
                         /* (SQLite's temporary database: every run would be lost) */
                         "run create/args --db :memory:",
                         "run create/args THREADSIM_RESET=sometimes",
                         "run create/args THREADSIM_SEAL=no", "run create/args THREADSIM_DEEP=yes"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        /* the last three: an environment setting out of its range */
        const char *env = strstr(bad[i], "THREADSIM_");
        out = sh(&st, "%.*s %s %s 2>&1", env ? (int)strlen(env) : 0, env ? env : "", BIN,
                 env ? "run create/args --no-db" : bad[i]);
        CU_ASSERT_EQUAL(st, 125);
        CU_ASSERT_EQUAL(strncmp(out, "threadsim: ", 11), 0);
        CU_ASSERT_EQUAL(strchr(out, '\n'), out + strlen(out) - 1);
        if (env)
            CU_ASSERT_PTR_NOT_NULL(strstr(out, strchr(env, '=') + 1));
        free(out);
    }
    /* diff keeps diff(1)'s 1 for "different" */
    write_file("a.out", "one\n");
    write_file("b.out", "two\n");
    out = sh(&st, "%s diff a.out b.out", BIN);
    CU_ASSERT_EQUAL(st, 1);
    free(out);
    out = sh(&st, "%s diff a.out a.out", BIN);
    CU_ASSERT_EQUAL(st, 0);
    free(out);
}

/* ---- --status-json ---------------------------------------------------------------- */

/* python3 reads the file: every key=value given (values as JSON, one a
 * line) must be there. */
static void status_is(const char *file, const char *checks)
{
    int st;
    write_file("checks.txt", checks);
    char *out = sh(&st, "python3.11 -c 'import json, sys\n"
                        "d = json.load(open(sys.argv[1]))\n"
                        "for kv in open(\"checks.txt\").read().split(\"\\n\"):\n"
                        "    k, v = kv.split(\"=\", 1)\n"
                        "    assert d.get(k, \"missing\") == json.loads(v), (k, d)\n"
                        "print(\"ok\")' %s 2>&1",
                   file);
    if (strcmp(out, "ok\n") != 0)
        fprintf(stderr, "\n%s: %s", file, out);
    TS_ASSERT_STR_EQ(out, "ok\n");
    free(out);
}

static void test_status_json(void)
{
    int st;
    write_file("exit126.py", "import sys\nsys.exit(126)\n");
    write_file("raise.py", "raise LookupError('no such key')\n");
    free(sh(&st, "%s run exit126.py --no-db --status-json s1.json", BIN));
    CU_ASSERT_EQUAL(st, 126);
    /* the program's own 126, not a deadlock */
    status_is("s1.json", "command=\"run\"\noutcome=\"exit\"\nstatus=126\nprogram_status=126\n"
                         "program=\"exit126.py\"\nrun_id=null");
    free(sh(&st, "%s run rlock/lock-self-deadlock --no-db --status-json s2.json 2>/dev/null", BIN));
    CU_ASSERT_EQUAL(st, 126);
    status_is("s2.json", "outcome=\"deadlock\"\nstatus=126\nprogram_status=null\n"
                         "deadlock=[\"MainThread waits on lock (Lock-1), held by MainThread\", "
                         "\"cycle: MainThread -> MainThread\"]");
    free(sh(&st, "%s run raise.py --db t.db --status-json s3.json 2>/dev/null", BIN));
    CU_ASSERT_EQUAL(st, 1);
    status_is("s3.json", "outcome=\"exception\"\nstatus=1\nprogram_status=1\nrun_id=1\n"
                         "exception=\"LookupError: no such key\"");
    free(sh(&st, "%s run daemon-join/join --max-time 1 --no-db --status-json s4.json 2>&1", BIN));
    CU_ASSERT_EQUAL(st, 124);
    status_is("s4.json", "outcome=\"run-limit\"\nstatus=124\nprogram_status=null\n"
                         "limit=\"time limit\"");
    free(sh(&st, "%s run daemon-join/jion --status-json s5.json 2>/dev/null", BIN));
    CU_ASSERT_EQUAL(st, 125);
    status_is("s5.json", "outcome=\"error\"\nstatus=125\nmessage=\"unknown scenario "
                         "'daemon-join/jion' (did you mean 'daemon-join/join'? 'threadsim list' "
                         "shows them)\"");
    free(sh(&st, "%s run daemon-join/join --no-db --status-json s6.json >/dev/null 2>&1", BIN));
    CU_ASSERT_EQUAL(st, 0);
    status_is("s6.json", "outcome=\"exit\"\nstatus=0\nprogram_status=0\nevents=22\n"
                         "end_time_ns=5000000000");
    /* check and explore */
    free(sh(&st, "%s check daemon-join --no-db --status-json c.json >/dev/null", BIN));
    CU_ASSERT_EQUAL(st, 0);
    status_is("c.json", "command=\"check\"\noutcome=\"ok\"\nstatus=0\nchecked=5\nok=5\nfailed=0\n"
                        "errors=0");
    free(sh(&st, "cd %s && %s explore traces/explore/two_locks.py --strategy dfs --preemptions 1 "
                 "--fail-on deadlock --no-db --status-json %s/x.json >/dev/null 2>&1",
            SRC, BIN, dir));
    CU_ASSERT_EQUAL(st, 1);
    status_is("x.json", "command=\"explore\"\noutcome=\"failed\"\nstatus=1\nschedules=118\n"
                        "outcomes=2\nfailing_outcomes=1\nexhausted=true");
    /* an unwritable file fails before anything runs */
    char *out = sh(&st, "%s run daemon-join/join --no-db --status-json /nonexistent/s.json 2>&1",
                   BIN);
    CU_ASSERT_EQUAL(st, 125);
    TS_ASSERT_STR_EQ(out, "threadsim: run: cannot write --status-json file "
                          "'/nonexistent/s.json'\n");
    free(out);
}

/* ---- --json ----------------------------------------------------------------------- */

static void test_json_outputs(void)
{
    int st;
    /* list: JSON Lines, one per scenario, as many as list prints */
    char *out = sh(&st, "%s list --json | python3.11 -c 'import json, sys\n"
                        "rows = [json.loads(l) for l in sys.stdin]\n"
                        "assert all(set(r) == {\"name\", \"group\", \"summary\", \"python\", "
                        "\"expected\"} for r in rows)\n"
                        "r = [r for r in rows if r[\"name\"] == \"daemon-join/no-join\"][0]\n"
                        "assert r == {\"name\": \"daemon-join/no-join\", \"group\": \"daemon-join\", "
                        "\"summary\": r[\"summary\"], \"python\": 2, "
                        "\"expected\": \"daemon-join/no-join.out\"}, r\n"
                        "print(len(rows))'",
                   BIN);
    CU_ASSERT_EQUAL(st, 0);
    char *plain = sh(&st, "%s list | wc -l", BIN);
    TS_ASSERT_STR_EQ(out, plain);
    CU_ASSERT_TRUE(atoi(out) > 20);
    free(out);
    free(plain);
    /* check: one document; a changed expected file is a failure with its diff */
    free(sh(&st, "rm -rf exp && cp -r %s/traces/expected exp && "
                 "printf 'changed\\n' >> exp/daemon-join/join.out", SRC));
    out = sh(&st, "%s check daemon-join --expected-dir exp --db t.db --json > check.json; echo $?; "
                  "python3.11 -c 'import json\n"
                  "d = json.load(open(\"check.json\"))\n"
                  "v = {r[\"name\"]: r[\"verdict\"] for r in d[\"results\"]}\n"
                  "print(v[\"daemon-join/join\"], v[\"daemon-join/no-join\"], d[\"ok\"], d[\"failed\"], "
                  "d[\"errors\"], d[\"scenarios\"])\n"
                  "r = [r for r in d[\"results\"] if r[\"verdict\"] == \"fail\"][0]\n"
                  "print(r[\"kind\"], r[\"exit_status\"], r[\"expected\"], r[\"run_id\"] > 0)\n"
                  "print(r[\"diff\"].splitlines()[-1])'",
             BIN);
    TS_ASSERT_STR_EQ(out, "1\nfail ok 4 1 0 5\nscenario 0 exp/daemon-join/join.out True\n"
                          "-changed\n");
    free(out);
    /* runs: JSON Lines */
    out = sh(&st, "%s runs --json --db t.db | python3.11 -c 'import json, sys\n"
                  "rows = [json.loads(l) for l in sys.stdin]\n"
                  "print(len(rows), rows[0][\"status\"], rows[0][\"exit_status\"])'",
             BIN);
    TS_ASSERT_STR_EQ(out, "6 ok 0\n");
    free(out);
    /* explore: one document */
    out = sh(&st, "cd %s && %s explore traces/explore/two_locks.py --strategy dfs --preemptions 1 "
                  "--no-db --json 2>/dev/null | python3.11 -c 'import json, sys\n"
                  "d = json.load(sys.stdin)\n"
                  "print(d[\"schedules\"], sorted(o[\"exit\"] for o in d[\"outcomes\"]))'",
             SRC, BIN);
    TS_ASSERT_STR_EQ(out, "118 [0, 126]\n");
    free(out);
}

/* ---- check finds the expected outputs wherever they are -------------------------- */

/* A copy of the expected outputs at `to` with one file changed: a check of
 * daemon-join that uses them fails on that file alone. */
static void copy_expected(const char *to)
{
    int st;
    free(sh(&st, "mkdir -p '%s' && cp -r %s/traces/expected/. '%s'/ && "
                 "printf 'moved\\n' >> '%s/daemon-join/no-join.out'",
            to, SRC, to, to));
    CU_ASSERT_EQUAL(st, 0);
}

static void check_uses(const char *cmd, const char *expected_dir)
{
    int st;
    char *out = sh(&st, "%s 2>&1", cmd);
    CU_ASSERT_EQUAL(st, 1);
    char want[512];
    snprintf(want, sizeof want, "FAIL   daemon-join/no-join\nfirst difference at line 4:");
    CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
    snprintf(want, sizeof want, "--- %s/daemon-join/no-join.out\n", expected_dir);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "ok     daemon-join/join\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "check: 5 scenarios, 4 ok, 1 failed, 0 could not be "
                                       "checked\n"));
    if (!strstr(out, want))
        fprintf(stderr, "\n%s\n%s", cmd, out);
    free(out);
}

static void test_check_finds_expected_anywhere(void)
{
    setup();
    int st;
    char p[256], cmd[1024];
    /* a checkout moved elsewhere, the binary in its build folder */
    snprintf(p, sizeof p, "%s/moved-checkout/traces/expected", dir);
    copy_expected(p);
    free(sh(&st, "mkdir -p moved-checkout/tools moved-checkout/build/tools && "
                 "touch moved-checkout/tools/threadsim.c && "
                 "cp %s moved-checkout/build/tools/threadsim", BIN));
    CU_ASSERT_EQUAL(st, 0);
    snprintf(cmd, sizeof cmd, "cd / && %s/moved-checkout/build/tools/threadsim check daemon-join "
             "--no-db", dir);
    check_uses(cmd, p);
    /* installed: PREFIX/bin/threadsim and PREFIX/share/threadsim/expected */
    snprintf(p, sizeof p, "%s/prefix/share/threadsim/expected", dir);
    copy_expected(p);
    free(sh(&st, "mkdir -p prefix/bin && cp %s prefix/bin/threadsim", BIN));
    snprintf(cmd, sizeof cmd, "cd / && %s/prefix/bin/threadsim check daemon-join --no-db", dir);
    char want[300];
    snprintf(want, sizeof want, "%s/prefix/bin/../share/threadsim/expected", dir);
    check_uses(cmd, want);
    /* a binary on its own: the checkout the current folder is in */
    free(sh(&st, "mkdir -p alone && cp %s alone/threadsim", BIN));
    snprintf(p, sizeof p, "%s/moved-checkout/traces/expected", dir);
    snprintf(cmd, sizeof cmd, "cd %s/moved-checkout/build && %s/alone/threadsim check daemon-join "
             "--no-db", dir, dir);
    check_uses(cmd, p);
    /* THREADSIM_DATA wins over all of them */
    snprintf(p, sizeof p, "%s/data/expected", dir);
    copy_expected(p);
    snprintf(cmd, sizeof cmd, "cd / && THREADSIM_DATA=%s/data %s/prefix/bin/threadsim check "
             "daemon-join --no-db", dir, dir);
    check_uses(cmd, p);
    /* --expected-dir wins over THREADSIM_DATA */
    snprintf(cmd, sizeof cmd, "cd / && THREADSIM_DATA=/nonexistent %s check daemon-join --no-db "
             "--expected-dir %s/data/expected", BIN, dir);
    check_uses(cmd, p);
}

/* ---- make run's quiet build (tools/quiet.sh) ------------------------------------ */

static void test_quiet_build(void)
{
    int st;
    /* success: one line on stderr, the output in the log */
    char *out = sh(&st, "%s/tools/quiet.sh q/build.log build -- sh -c 'echo \"[ 50%%] Building "
                        "a.c\"; echo \"[100%%] Linking\"' 2>&1", SRC);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "build: ok\n");
    free(out);
    out = sh(&st, "cat q/build.log");
    TS_ASSERT_STR_EQ(out, "[ 50%] Building a.c\n[100%] Linking\n");
    free(out);
    /* warnings are counted */
    out = sh(&st, "%s/tools/quiet.sh q/build.log build -- sh -c 'echo \"a.c:1:2: warning: x\"' "
                  "2>&1", SRC);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "build: ok, 1 compiler warning (see q/build.log)\n");
    free(out);
    /* failure: this command's output (not the earlier ones'), its status */
    out = sh(&st, "%s/tools/quiet.sh q/build.log build -- sh -c 'echo \"[ 10%%] Building b.c\"; "
                  "echo \"b.c:3: error: no\"; exit 3' 2>&1", SRC);
    CU_ASSERT_EQUAL(st, 3);
    TS_ASSERT_STR_EQ(out, "build: FAILED (exit 3); its output, also in q/build.log:\n"
                          "[ 10%] Building b.c\nb.c:3: error: no\n");
    free(out);
}

/* The processes under threadsim (a session's zygote, its runner) end when
 * it does, also when it alone is killed (a caller's subprocess timeout
 * sends SIGKILL to threadsim only): a program spinning for good in a run
 * does not go on, reparented (it did: the zygote waiting for the run). */
static int cli__children(pid_t pid, pid_t *out, int max)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
    FILE *f = fopen(path, "r");
    int n = 0;
    long c;
    while (f && n < max && fscanf(f, "%ld", &c) == 1)
        out[n++] = (pid_t)c;
    if (f)
        fclose(f);
    return n;
}

static bool cli__alive(pid_t pid)
{
    char path[64], st = 0;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    /* "pid (comm) S ...": a zombie (Z) has ended */
    int r = fscanf(f, "%*d (%*[^)]) %c", &st);
    fclose(f);
    return r == 1 && st != 'Z' && st != 'X';
}

/* A run's memory does not grow with the locks waited on once: each
 * Condition.wait blocks on a lock of its own, whose model object stayed to
 * the run's end (~190 bytes a wait), so a million hand-offs between two
 * threads ended at the memory limit (exit 124) at --max-memory 16M (4 s), the
 * object now goes with its lock. */
static void test_waits_do_not_leak(void)
{
    write_file("pingpong.py", "import threading\n"
                              "cv = threading.Condition(); turn = [0]\n"
                              "def w(me):\n"
                              "    for i in range(1000000):\n"
                              "        with cv:\n"
                              "            cv.wait_for(lambda: turn[0] == me)\n"
                              "            turn[0] = 1 - me\n"
                              "            cv.notify()\n"
                              "t = threading.Thread(target=w, args=(1,)); t.start()\n"
                              "w(0)\n"
                              "t.join()\n"
                              "print('done')\n");
    int st;
    char *out = sh(&st, "%s run pingpong.py --no-db --max-memory 16M 2>&1", BIN);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "done\n");
    free(out);
}

static void test_children_end_with_threadsim(void)
{
    char prog[512];
    snprintf(prog, sizeof prog, "%s/spin.py", dir);
    FILE *f = fopen(prog, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    /* a C loop of hours: no line, no tick, nothing the engine sees */
    fputs("print(sum(range(10**13)))\n", f);
    fclose(f);
    static const char *const cmds[] = {"run", "explore"};
    for (size_t i = 0; i < 2; i++) {
        pid_t pid = fork();
        CU_ASSERT_TRUE_FATAL(pid >= 0);
        if (pid == 0) {
            int null = open("/dev/null", O_WRONLY);
            dup2(null, 1);
            dup2(null, 2);
            execl(THREADSIM_BINARY, "threadsim", cmds[i], prog, "--no-db", (char *)NULL);
            _exit(127);
        }
        pid_t kids[32];
        int n = 0;
        /* the zygote, and the process running the program under it, once
         * they are there (a loaded machine takes longer than the half
         * second this waited: the test failed under a parallel ASan run) */
        for (int t = 0; t < 400 && n < 2; t++) {
            usleep(50000);
            n = cli__children(pid, kids, 16);
            for (int k = 0, m = n; k < m; k++)
                n += cli__children(kids[k], kids + n, 32 - n);
        }
        CU_ASSERT_TRUE(n >= 2);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        int left = 0;
        for (int t = 0; t < 100; t++) {
            left = 0;
            for (int k = 0; k < n; k++)
                left += cli__alive(kids[k]);
            if (!left)
                break;
            usleep(20000);
        }
        CU_ASSERT_EQUAL(left, 0);
        for (int k = 0; k < n; k++) /* a failing run leaves nothing behind */
            if (cli__alive(kids[k]))
                kill(kids[k], SIGKILL);
    }
}

static void test_cleanup(void)
{
    CU_ASSERT_EQUAL(ts_remove_tree(dir), 0);
}

TS_TESTS("cli", TS_TEST(test_help_cmd_is_cmd_help), TS_TEST(test_every_listed_option_is_known),
         TS_TEST(test_version), TS_TEST(test_did_you_mean), TS_TEST(test_program_argv), TS_TEST(test_program_from_fifo),
         TS_TEST(test_program_status_as_python), TS_TEST(test_threadsim_statuses), TS_TEST(test_program_fault_through_ctypes), TS_TEST(test_program_exit_through_ctypes), TS_TEST(test_explore_same_stdin), TS_TEST(test_select_on_stdin_file), TS_TEST(test_faulthandler_crashes), TS_TEST(test_env_option), TS_TEST(test_output_not_the_database), TS_TEST(test_replay_keeps_limits), TS_TEST(test_output_write_errors), TS_TEST(test_native_memory_bounded), TS_TEST(test_disk_bounded), TS_TEST(test_export_program_status), TS_TEST(test_export_streams), TS_TEST(test_long_runs_diff_bounded), TS_TEST(test_read_only_database), TS_TEST(test_check_walk_and_folders), TS_TEST(test_control_characters_in_names), TS_TEST(test_keyboard_interrupt_ends_by_sigint), TS_TEST(test_replay_names_another_build), TS_TEST(test_folder_contents_move_nothing), TS_TEST(test_explore_reports_parse), TS_TEST(test_step_records_its_path), TS_TEST(test_dfs_budget_counts_runs), TS_TEST(test_flock_never_released_ends),
         TS_TEST(test_status_json), TS_TEST(test_json_outputs),
         TS_TEST(test_check_finds_expected_anywhere), TS_TEST(test_quiet_build),
         TS_TEST(test_waits_do_not_leak), TS_TEST(test_children_end_with_threadsim), TS_TEST(test_cleanup))
