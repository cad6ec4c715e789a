/*
 * model/cpy/cpy_run.c — a run of a Python program in the embedded CPython.
 *
 * py_run forks. The child initializes CPython (isolated: no environment, no
 * site, fixed hash seed, UTC), replaces `_thread` before the interpreter
 * imports anything (importlib keeps the `_thread` it saw at start-up for its
 * module locks), installs the streams and clocks (cpy_io.c), runs the
 * bootstrap (bootstrap.py: deterministic randomness, refused escapes), and
 * then the program as the model's main green thread. The main thread ends
 * as CPython's does: threading._shutdown (joins non-daemon threads, runs
 * threading's atexit hooks, which concurrent.futures uses), then atexit's
 * functions, all still on the virtual clock; daemons left are killed by the
 * model, and the child exits without finalizing the interpreter.
 *
 * Events and decisions cross a pipe as fixed headers plus bytes. The parent
 * hands them to the caller's sink and decision hook in order, watches the
 * wall-clock timeout (killing a child stuck inside one C call), and reports
 * a child that died instead of ending its run.
 *
 * Rejected: re-initializing CPython in one process for every run
 * (Py_FinalizeEx leaves state behind and object addresses would differ from
 * run to run), and running in the caller's process (a crash or an
 * allocation storm of the program would take the caller down with it).
 */
#include "cpy_int.h"
#include "../dalloc.h"
#include "cpy_snap.h"
#include "../../sim/asan.h"

#include <ctype.h>
#include <dlfcn.h>
#include <malloc.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

cpy_state cpy;

extern const char cpy_bootstrap_py[];
extern const char cpy_py2compat_py[];
extern const char cpy_preimport_py[];
extern const char cpy_ticks_py[];

struct py_program {
    char *filename;
    char *src;
    size_t len;
    int python;
};

py_run_opts py_run_opts_default(void)
{
    py_run_opts o;
    memset(&o, 0, sizeof o);
    o.max_steps = 200000000;
    o.max_memory = (size_t)256 << 20;
    o.max_depth = 1000;
    o.line_notes = true;
    o.max_output = (uint64_t)64 << 20;
    o.max_disk = (uint64_t)1 << 30;
    return o;
}

py_program *py_program_load(const char *filename, const char *src, size_t len, int python,
                            sim_buf *err)
{
    py_program *p = calloc(1, sizeof *p);
    if (p) {
        p->filename = strdup(filename);
        p->src = malloc(len + 1);
    }
    if (!p || !p->filename || !p->src) {
        if (p) {
            free(p->filename);
            free(p->src);
            free(p);
        }
        sim_buf_adds(err, "threadsim: out of memory\n");
        return NULL;
    }
    memcpy(p->src, src, len);
    p->src[len] = '\0';
    p->len = len;
    p->python = python == 2 ? 2 : 3;
    return p;
}

py_program *py_program_read(const char *path, int python, sim_buf *err, bool *io_error)
{
    size_t len;
    char *src = sim_read_file(path, &len);
    *io_error = !src;
    if (!src) {
        int e = errno;
        sim_buf_adds(err, "threadsim: cannot read ");
        sim_buf_add_visible(err, path);
        sim_buf_printf(err, ": %s", strerror(e));
        return NULL;
    }
    py_program *p = py_program_load(path, src, len, python, err);
    free(src);
    return p;
}

const char *py_program_path(const py_program *p) { return p->filename; }

const char *py_program_source(const py_program *p, size_t *len)
{
    *len = p->len;
    return p->src;
}

bool cpy_python2(void) { return cpy.prog && cpy.prog->python == 2; }

void py_program_free(py_program *p)
{
    if (!p)
        return;
    free(p->filename);
    free(p->src);
    free(p);
}

/* ---- the pipe between child and parent ------------------------------------------ */

enum { REC_EVENT = 'E', REC_DECISION = 'D', REC_RESULT = 'R', REC_PICK = 'P', REC_CRASH = 'S',
       REC_EXIT = 'X', REC_FOREIGN = 'F' };

typedef struct rec_event {
    uint64_t seq;
    int64_t time;
    int64_t arg;
    uint32_t kind, thread, other, obj;
    uint32_t reason_len, text_len;   /* UINT32_MAX: NULL */
} rec_event;

typedef struct rec_decision {
    uint64_t index;
    uint32_t n, chosen, thread, step;
} rec_decision;

typedef struct rec_pick {      /* followed by n uint32 thread ids, ready longest first */
    uint64_t ndecisions, nevents;
    int64_t now;
    uint32_t n;
    uint32_t step_decision;   /* sim_sched.step_decision */
    uint32_t timer_decision;  /* sim_sched.timer_decision (the ids are then SIM_NONE) */
    uint32_t pad;
} rec_pick;

typedef struct rec_result {
    int32_t status;
    model_result res;
} rec_result;

static int pipe_fd = -1;
static bool pipe_hold;        /* the session's zygote: events wait in pipe_buf for the
                               * runs forked from it, which inherit and send them */
static char *child_absdir;
static int zyg_ctl = -1;      /* the session's zygote: its socket to the caller */
static void *zyg_session;     /* ... and the caller's py_session it was forked with (held
                               * here so a leak check in a run sees it reachable) */    /* --sandbox: the program's folder, absolute */
static volatile sig_atomic_t pipe_busy;  /* inside pipe_put: the buffer is half-written */
static int reply_fd = -1;     /* remote picks: the parent's answers */
static sim_buf pipe_buf;
static double pipe_last_flush;

static double wall_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void runner__disarm(void);
static bool snap_stacks_whole; /* no stack grown (sim_stack_soft_grown) at the runner's snapshot */
static bool defer_armed;      /* a runner's first run: its snapshot waits for the first choice */
#define DEFER_HOLD_MAX ((size_t)1 << 20) /* events held before it, at most */
#define PIPE_BATCH 65536 /* records go in batches of this many bytes (output sooner) */

static void pipe_flush(void)
{
    if (pipe_hold) {
        if (!defer_armed || pipe_buf.len < DEFER_HOLD_MAX)
            return;
        runner__disarm(); /* too much to hold (and resend at every run): no snapshot */
    }
    size_t off = 0;
    while (off < pipe_buf.len) {
        ssize_t w = write(pipe_fd, pipe_buf.p + off, pipe_buf.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(MODEL_EXIT_INTERNAL); /* the parent is gone */
        off += (size_t)w;
    }
    pipe_buf.len = 0;
    pipe_last_flush = wall_now();
}

static void pipe_put(char type, const void *hdr, size_t n);

/* The program ends its process (os._exit, a signal it sent itself): the
 * caller is told the status, the low byte as the system keeps it, so that
 * os._exit(0) or (127) is not taken for an engine that ended without a
 * result (or with its own failure's status). */
_Noreturn void cpy_exit_now(int status)
{
    runner__disarm();
    int32_t st = status & 0xff;
    if (pipe_fd >= 0 && !pipe_hold) {
        pipe_put(REC_EXIT, &st, sizeof st);
        pipe_flush();
    }
    _exit(st);
}

static void pipe_put(char type, const void *hdr, size_t n)
{
    pipe_busy = 1;
    sim_buf_reserve(&pipe_buf, n + 1); /* one record: type and header */
    pipe_buf.p[pipe_buf.len] = type;
    memcpy(pipe_buf.p + pipe_buf.len + 1, hdr, n);
    pipe_buf.len += n + 1;
    pipe_buf.p[pipe_buf.len] = '\0';
    pipe_busy = 0;
}

static bool foreign_noted; /* the run used ctypes (child__foreign_call) */

static void pipe_sink(void *ud, const sim_event *ev)
{
    (void)ud;
    if (cpy.ro.event_kinds && !(cpy.ro.event_kinds >> ev->kind & 1))
        return;
    rec_event r = {ev->seq, ev->time, ev->arg, (uint32_t)ev->kind, ev->thread, ev->other, ev->obj,
                   ev->reason ? (uint32_t)strlen(ev->reason) : UINT32_MAX,
                   ev->text ? (uint32_t)ev->len : UINT32_MAX};
    pipe_put(REC_EVENT, &r, sizeof r);
    if (ev->reason)
        sim_buf_add(&pipe_buf, ev->reason, r.reason_len);
    if (ev->text)
        sim_buf_add(&pipe_buf, ev->text, ev->len);
    /* output streams live (within 50 ms); everything else in batches */
    if (pipe_buf.len >= PIPE_BATCH ||
        (ev->kind == SIM_EV_OUTPUT && (foreign_noted || wall_now() - pipe_last_flush > 0.05)))
        pipe_flush();
}

static void pipe_decision(void *ud, uint64_t index, uint32_t n, uint32_t chosen, uint32_t thread,
                          bool step)
{
    (void)ud;
    rec_decision r = {index, n, chosen, thread, step};
    pipe_put(REC_DECISION, &r, sizeof r);
    /* in batches like events: a run that only decides (a spin under the
     * explorer, its events filtered out) must not hold them all */
    if (pipe_buf.len >= PIPE_BATCH)
        pipe_flush();
}

/* Thread stacks count toward --max-memory (sim/stack.h's charging): a
 * thread is charged its stack's first PY_STACK_FIRST bytes when it starts
 * (the main thread's too), and PY_STACK_CHUNK more each time its calls
 * reach past what is charged (about 600 bytes a Python call: 100 calls
 * deep at first, 400 more a chunk). Without it nothing bounded the stack
 * pages a thousand threads recursing could commit (8 MiB each, 128 MiB
 * for a program that raises the recursion limit). The main thread's first
 * charge is made before the run (the limit is the run's), and may not be
 * refused. */
#define PY_STACK_FIRST ((size_t)64 << 10)
#define PY_STACK_CHUNK ((size_t)256 << 10)
static int child__stack_charge(void *ud, ptrdiff_t bytes)
{
    (void)ud;
    /* a sixteenth of the limit stays for the heap: a deep recursion that
     * grows both (a repr of a deeply nested list) then ends at the stack's
     * charge, as a run limit, and not at an allocation failing deep inside
     * CPython's C code, which not every caller there survives */
    return dalloc_charge(bytes, cpy.in_run, (size_t)(dalloc_limit() / 16));
}

/* Whether ctypes is loaded (its _ctypes module mapped): a fault outside
 * threadsim's own cases is then taken for the program's, which can make
 * one with a bad pointer (ctypes.string_at(0)) as in CPython, where the
 * process dies of it. Only system calls: called in the fault handler. */
static bool child__ctypes_mapped(void)
{
    static char buf[8192];
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    static const char want[] = "/_ctypes.";
    size_t keep = 0;
    bool found = false;
    for (;;) {
        ssize_t n = read(fd, buf + keep, sizeof buf - keep);
        if (n <= 0)
            break;
        size_t len = keep + (size_t)n;
        if (memmem(buf, len, want, sizeof want - 1)) {
            found = true;
            break;
        }
        keep = sizeof want - 2; /* a match across two reads */
        memmove(buf, buf + len - keep, keep);
    }
    close(fd);
    return found;
}

/* A fault in the child: a green thread ran off its stack (C recursion
 * deeper than the stack: sys.setrecursionlimit raised high, deep nesting
 * in C code), or a bug; or its stack would grow past the memory limit
 * (the soft guard, below). What was buffered is sent, then one record saying
 * which, and the child ends; the parent ends the run as a limit (stack
 * overflow) or reports an internal error: never a signal to the caller. A
 * fault with ctypes loaded is the program's: the run ends as the signal
 * ends python3's process (128 + N). */
/* len bytes to the run's pipe from a fault handler (async-signal-safe),
 * waiting at most 2 s for room each time the pipe is full. */
static int child__fault_write(const char *p, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t k = write(pipe_fd, p + off, len - off);
        if (k > 0) {
            off += (size_t)k;
            continue;
        }
        if (k < 0 && errno == EINTR)
            continue;
        struct pollfd pf = {.fd = pipe_fd, .events = POLLOUT};
        if (k == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) || poll(&pf, 1, 2000) <= 0)
            return -1;
    }
    return 0;
}

static void child__on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    uint8_t kind = 2; /* 1: stack overflow, 2: other fault, 3: stacks past the memory limit */
    model_world *w = model__world_or_null();
    sim_thread *t = w ? w->sched.current : NULL;
    size_t more = sig == SIGSEGV && t && t->stack && !t->shared
                      ? sim_stack_soft_hit(&w->sched.stacks, t->stack, si->si_addr)
                      : 0;
    if (sig == SIGSEGV && w && !more) {
        /* a switch names the next thread current before it leaves the
         * last one's stack, and saving its registers there can reach that
         * stack's soft guard (a switch out of a deep call): the stack the
         * address is on decides, not the thread called current */
        for (uint32_t i = 0; i < w->sched.nthreads && !more; i++) {
            sim_thread *o = w->sched.threads[i];
            if (o && o != t && o->stack && !o->shared &&
                (more = sim_stack_soft_hit(&w->sched.stacks, o->stack, si->si_addr)))
                t = o;
        }
    }
    if (more) {
        /* the thread's calls reached its soft guard (sim/stack.h): its
         * stack grows if the memory limit has room, and the instruction
         * runs again; else the run ends at the limit */
        if (child__stack_charge(NULL, (ptrdiff_t)more) == 0) {
            if (sim_stack_soft_grow(&w->sched.stacks, t->stack) == 0)
                return;
            (void)child__stack_charge(NULL, -(ptrdiff_t)more);
        }
        kind = 3;
    } else if (sig == SIGSEGV && w) {
        /* just below a stack's end (the same rule: whichever stack) */
        uintptr_t a = (uintptr_t)si->si_addr;
        for (uint32_t i = 0; i < w->sched.nthreads && kind == 2; i++) {
            sim_thread *o = w->sched.threads[i];
            uintptr_t lo = o && o->stack ? (uintptr_t)o->stack->base : 0;
            if (lo && a < lo && a >= lo - 65536)
                kind = 1;
        }
    }
    if (kind == 2 && !pipe_busy && child__ctypes_mapped()) {
        /* the program's own fault, through ctypes: the process ends as the
         * signal ends CPython's (status 128 + N), a note at its instant */
        if (w && cpy.in_run) {
            const char *ab = sigabbrev_np(sig);
            char text[64];
            int len = snprintf(text, sizeof text, "SIG%s ends the process", ab ? ab : "?");
            sim_event ev = {.kind = SIM_EV_NOTE, .thread = t ? t->id : SIM_NONE,
                            .other = SIM_NONE, .obj = SIM_NONE, .reason = "signal", .text = text,
                            .len = (size_t)len};
            sim_emit(&w->sched, &ev);
        }
        cpy_exit_now(128 + sig);
    }
    /* Written with a deadline: a runner that faults before its run began
     * (between the request and its acknowledgement) writes to a pipe the
     * caller does not read yet, since it waits for that word; blocking on
     * a full pipe there hung both. Past it the records are dropped, and
     * the caller sees the process end. */
    (void)fcntl(pipe_fd, F_SETFL, O_NONBLOCK);
    if (!pipe_busy && pipe_buf.len)
        (void)child__fault_write(pipe_buf.p, pipe_buf.len);
    char rec[2] = {REC_CRASH, (char)kind};
    (void)child__fault_write(rec, 2);
    _exit(MODEL_EXIT_INTERNAL);
}

bool cpy_engine_fault_handler(const struct sigaction *sa)
{
    return (sa->sa_flags & SA_SIGINFO) && sa->sa_sigaction == child__on_fault;
}

static void child__fault_handlers(void)
{
    static char altstack[1 << 16];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = child__on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    /* abort() through ctypes (libc's, or a C library's assert) is the
     * program's too: python3 dies of SIGABRT, 134 (it was reported as the
     * engine's death, 127); without ctypes an abort is the engine's own
     * (a CPython fatal error, dalloc's checks), as before */
    sigaction(SIGABRT, &sa, NULL);
}

/* A decision made by the caller's policy, in the caller's process. */
static uint32_t child__remote_pick(void *ud, sim_sched *s, uint32_t n)
{
    (void)ud;
    rec_pick r = {s->ndecisions, s->nevents, s->now, n, s->step_decision, s->timer_decision, 0};
    pipe_put(REC_PICK, &r, sizeof r);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t id = s->timer_decision ? SIM_NONE : sim_ready_at(s, i)->id;
        sim_buf_add(&pipe_buf, (const char *)&id, sizeof id);
    }
    pipe_flush();
    uint32_t choice;
    size_t off = 0;
    while (off < sizeof choice) {
        ssize_t k = read(reply_fd, (char *)&choice + off, sizeof choice - off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            _exit(MODEL_EXIT_INTERNAL);
        off += (size_t)k;
    }
    return choice < n ? choice : 0;
}


/* bootstrap.py's _charge(n): n bytes more (n < 0: fewer) counted toward
 * --max-memory that are not Python allocations: the mappings the mmap
 * module makes (an anonymous one is memory no allocator sees). False
 * when the limit refuses them (in a run; the start-up's are allowed). */
static PyObject *child__charge(PyObject *m, PyObject *arg)
{
    (void)m;
    long long n = PyLong_AsLongLong(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    return PyBool_FromLong(dalloc_charge((ptrdiff_t)n, cpy.in_run, 0) == 0);
}

static PyMethodDef child__charge_def = {"_charge", child__charge, METH_O, NULL};

/* SQLite's memory on the run's limit: the sqlite3 module's databases (an
 * in-memory one grew to 432 MiB under --max-memory 64M) allocate from the
 * deterministic region (model/dalloc.h), so their bytes count and their
 * addresses repeat, and past the limit SQLite says SQLITE_NOMEM, which the
 * module raises as MemoryError. bootstrap.py calls _sqlite_memory() as
 * _sqlite3 is imported (its library loaded), before its first connection.
 * libsqlite3 is found with dlsym (the process's own, threadsim's store
 * links it, or the one _sqlite3 loaded), so the engine does not link it;
 * the caller's connections, from before the fork,
 * are never used in the run's process, so SQLite is shut down and set up
 * again here. The struct is SQLite's sqlite3_mem_methods (stable ABI). */
typedef struct {
    void *(*xMalloc)(int);
    void (*xFree)(void *);
    void *(*xRealloc)(void *, int);
    int (*xSize)(void *);
    int (*xRoundup)(int);
    int (*xInit)(void *);
    void (*xShutdown)(void *);
    void *pAppData;
} child__sqlite_mem;
#define CHILD_SQLITE_CONFIG_MALLOC 4

static void *sql__malloc(int n) { return n > 0 ? dalloc_malloc((size_t)n) : NULL; }
static void sql__free(void *p) { dalloc_free(p); }
static void *sql__realloc(void *p, int n) { return n > 0 ? dalloc_realloc(p, (size_t)n) : NULL; }
static int sql__size(void *p) { return p ? (int)dalloc_usable_size(p) : 0; }
static int sql__roundup(int n) { return (n + 15) & ~15; }
static int sql__init(void *ud) { (void)ud; return 0; }
static void sql__shutdown(void *ud) { (void)ud; }

static PyObject *child__sqlite_memory(PyObject *m, PyObject *unused)
{
    (void)m;
    (void)unused;
    static bool done;
    static const child__sqlite_mem methods = {sql__malloc, sql__free,    sql__realloc, sql__size,
                                              sql__roundup, sql__init, sql__shutdown, NULL};
    if (!done && dalloc_ready()) {
        /* the process's own, or the one _sqlite3 brought in (a dependency
         * of an extension is loaded RTLD_LOCAL: not in the global scope) */
        void *lib = dlsym(RTLD_DEFAULT, "sqlite3_config") ? NULL
                                                           : dlopen("libsqlite3.so.0", RTLD_NOW | RTLD_NOLOAD);
        void *scope = lib ? lib : RTLD_DEFAULT; /* RTLD_DEFAULT is NULL */
        int (*shutdown)(void) = (int (*)(void))dlsym(scope, "sqlite3_shutdown");
        int (*config)(int, ...) = (int (*)(int, ...))dlsym(scope, "sqlite3_config");
        if (shutdown && config && shutdown() == 0 && config(CHILD_SQLITE_CONFIG_MALLOC, &methods) == 0)
            done = cpy_sqlite_vfs(scope);
        if (lib)
            dlclose(lib); /* the reference NOLOAD took; _sqlite3 keeps it loaded */
    }
    return PyBool_FromLong(done);
}

static PyMethodDef child__sqlite_memory_def = {"_sqlite_memory", child__sqlite_memory, METH_NOARGS,
                                               NULL};

/* ---- the child: CPython ------------------------------------------------------------ */

static PyObject *cpy__init_thread(void) { return cpy_thread_module(); }

/* Whether an audit event is the program changing the file system (a file
 * opened to write or create, not a device's or /proc's; a file or folder
 * removed, renamed, linked, made; an SQLite database opened): the run's
 * result says so (model_result.wrote_files), and an explorer tells its
 * user that later schedules saw it. */
static void child__note_write(const char *ev, PyObject *args)
{
    static const char *const changes[] = {
        "os.remove", "os.rename", "os.mkdir", "os.rmdir", "os.link", "os.symlink",
        "os.truncate", "os.chmod", "os.chown", "os.utime", "os.mkfifo", "os.mknod",
        "os.setxattr", "os.removexattr", "shutil.copyfile", "shutil.move",
        "shutil.rmtree", "sqlite3.connect"};
    if (ev[0] == 'o' && ev[1] == 'p' && strcmp(ev, "open") == 0) {
        if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 3)
            return;
        PyObject *path = PyTuple_GET_ITEM(args, 0), *flags = PyTuple_GET_ITEM(args, 2);
        long f = PyLong_Check(flags) ? PyLong_AsLong(flags) : 0;
        if (f == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            return;
        }
        if (!(f & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)) || PyLong_Check(path))
            return;
        const char *p = PyUnicode_Check(path) ? PyUnicode_AsUTF8(path)
                        : PyBytes_Check(path) ? PyBytes_AS_STRING(path)
                                              : NULL;
        if (!p) {
            PyErr_Clear();
            cpy.wrote_files = true;
            return;
        }
        if (strncmp(p, "/dev/", 5) != 0 && strncmp(p, "/proc/", 6) != 0)
            cpy.wrote_files = true;
        return;
    }
    /* every audit event of the run comes here (logging's sys._getframe at
     * each call, object.__getattr__, ...): only those of os, shutil and
     * sqlite3 are compared with the list */
    if (!(ev[0] == 'o' && ev[1] == 's' && ev[2] == '.') && strncmp(ev, "shutil.", 7) != 0 &&
        strncmp(ev, "sqlite3.", 8) != 0)
        return;
    for (size_t i = 0; i < sizeof changes / sizeof *changes; i++)
        if (strcmp(ev, changes[i]) == 0) {
            if (strcmp(ev, "sqlite3.connect") == 0 && PyTuple_Check(args) &&
                PyTuple_GET_SIZE(args) > 0 && PyUnicode_Check(PyTuple_GET_ITEM(args, 0)) &&
                PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(args, 0), ":memory:") == 0)
                return;
            cpy.wrote_files = true;
            return;
        }
}

/* The program uses ctypes (any of its audit events: a library opened, a
 * function looked up, memory read), and a C function it calls can end the
 * process past Python (libc's _exit, an exec of another program). From
 * then on in the run, what it prints goes to the caller at once (pipe_sink;
 * python3 keeps it on a terminal, and threadsim keeps it everywhere, as
 * after os._exit), and the caller is told, once, so that an exit without a
 * result is taken for the program's (its status), not for the engine's
 * failure. (CPython 3.11 has no audit event for the call itself.) A run's
 * start that does so takes no snapshot (runner__audit): nothing is held. */
static void child__foreign_call(void)
{
    /* C reached through ctypes may map or protect memory past the watch
     * of the address space (libc's own functions): the reset looks */
    cpy_snap_layout_suspect();
    if (pipe_fd < 0)
        return;
    runner__disarm();
    if (!foreign_noted) {
        static const char none = 0;
        foreign_noted = true;
        pipe_put(REC_FOREIGN, &none, 0);
    }
    cpy_io_flush();
    if (pipe_buf.len)
        pipe_flush();
}

/* A file object opened on one of the engine's descriptors (io.FileIO(fd):
 * the "open" audit event has the number, from C, where bootstrap.py's
 * gates of open and os.fdopen do not reach): refused as python3 refuses a
 * descriptor not open there (EBADF). Writes there ended the run. */
static int child__fd_audit(const char *ev, PyObject *args, void *ud)
{
    (void)ud;
    if (cpy.in_run && !cpy.wrote_files)
        child__note_write(ev, args);
    if (ev[0] == 'c' && cpy.in_run && strncmp(ev, "ctypes.", 7) == 0)
        child__foreign_call();
    if (ev[0] != 'o' || strcmp(ev, "open") != 0 || !PyTuple_Check(args) ||
        PyTuple_GET_SIZE(args) < 1 || !PyLong_CheckExact(PyTuple_GET_ITEM(args, 0)))
        return 0;
    int overflow = 0;
    long fd = PyLong_AsLongAndOverflow(PyTuple_GET_ITEM(args, 0), &overflow);
    if (overflow || fd < 0 || fd > INT_MAX || !cpy_engine_fd((int)fd))
        return 0;
    errno = EBADF;
    PyErr_SetFromErrno(PyExc_OSError);
    return -1;
}

static void child__fail(const char *what)
{
    fprintf(stderr, "threadsim: cannot start the Python engine: %s\n", what);
    if (PyErr_Occurred())
        PyErr_Print();
    fflush(stderr);
    _exit(MODEL_EXIT_INTERNAL);
}

static bool test_engine_fault; /* every run faults (THREADSIM_TEST_ENGINE_FAULT) */

static void child__init(const py_program *p)
{
    /* A fixed environment: nothing of the host's reaches the program (and
     * os.environ's size would move every later object's address). */
    cpy_watchdog_init();
    /* THREADSIM_TEST_ENGINE_FAULT: every run faults at its start, as a bug
     * of threadsim's would (test_engine_failure_is_its_own); nothing else
     * reads it */
    test_engine_fault = getenv("THREADSIM_TEST_ENGINE_FAULT") != NULL;
    clearenv();
    setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1);
    setenv("HOME", "/nonexistent", 1);
    setenv("LANG", "C.UTF-8", 1);
    setenv("TZ", "UTC", 1);
    /* the user's name as a login shell sets it (getpass.getuser() reads
     * these first; the host's account would name the host's user) */
    setenv("LOGNAME", "threadsim", 1);
    setenv("USER", "threadsim", 1);
    /* what the command line adds (--env: recorded with the run, so a replay
     * gets the same) */
    for (char *const *e = cpy.ro.env; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        char name[256];
        if (!eq || eq == *e || (size_t)(eq - *e) >= sizeof name)
            continue; /* (the command line checked it) */
        memcpy(name, *e, (size_t)(eq - *e));
        name[eq - *e] = '\0';
        setenv(name, eq + 1, 1);
    }
    tzset();
    /* Every Python allocation from one region at a fixed address, in an
     * order that depends only on the program: the same id()s and reprs on
     * every run, and the memory limit (MemoryError past it). */
    if (dalloc_init(cpy.ro.max_memory ? cpy.ro.max_memory : UINT64_MAX) != 0)
        child__fail(dalloc_error());
    PyPreConfig pre;
    PyPreConfig_InitIsolatedConfig(&pre);
    /* the locale from the fixed environment (C.UTF-8), as python3 takes
     * it: UTF-8 everywhere without UTF-8 mode, so the encoding names and
     * the streams' error handlers are python3's ('UTF-8' from the locale) */
    pre.configure_locale = 1;
    pre.utf8_mode = 0;
    PyStatus pst = Py_PreInitialize(&pre);
    if (PyStatus_Exception(pst))
        child__fail(pst.err_msg ? pst.err_msg : "Py_PreInitialize failed");
    if (dalloc_install_python() != 0)
        child__fail("cannot install the deterministic allocator");
    /* `_thread` is ours before the interpreter imports anything */
    bool found = false;
    for (struct _inittab *it = PyImport_Inittab; it->name; it++)
        if (strcmp(it->name, "_thread") == 0) {
            it->initfunc = cpy__init_thread;
            found = true;
        }
    if (!found)
        child__fail("this libpython has no built-in _thread to replace");
    /* and `_queue` (cpy_queue.c), a built-in here: found before the C
     * extension's file by every import, a fresh one too (test_queue's
     * import_fresh_module) */
    if (PyImport_AppendInittab("_queue", cpy_queue_module) != 0)
        child__fail("cannot add the _queue module");

    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    c.use_hash_seed = 1;
    c.hash_seed = 0;
    c.site_import = 0;
    c.write_bytecode = 0;
    c.install_signal_handlers = 0;
    c.buffered_stdio = 0;
    c.pathconfig_warnings = 0;
    c.parse_argv = 0;
    c.user_site_directory = 0;
    PyStatus st = PyConfig_SetBytesString(&c, &c.program_name, "python3");
    if (!PyStatus_Exception(st)) {
        char **argv = cpy.ro.argv;
        int argc = cpy.ro.argc;
        char *dflt[1] = {p->filename};
        if (argc < 1) {
            argc = 1;
            argv = dflt;
        }
        st = PyConfig_SetBytesArgv(&c, argc, argv);
        /* sys.orig_argv as `python3 prog.py ARGS` gives it (sys.executable
         * is /usr/bin/python3: program_name's) */
        wchar_t **orig = PyStatus_Exception(st) ? NULL : calloc((size_t)argc + 1, sizeof *orig);
        if (!PyStatus_Exception(st) && !orig)
            st = PyStatus_NoMemory();
        for (int i = 0; orig && i <= argc && !PyStatus_Exception(st); i++)
            if (!(orig[i] = Py_DecodeLocale(i ? argv[i - 1] : "python3", NULL)))
                st = PyStatus_NoMemory();
        if (!PyStatus_Exception(st))
            st = PyConfig_SetWideStringList(&c, &c.orig_argv, (Py_ssize_t)argc + 1, orig);
        for (int i = 0; orig && i <= argc; i++)
            PyMem_RawFree(orig[i]);
        free(orig);
    }
    if (!PyStatus_Exception(st))
        st = Py_InitializeFromConfig(&c);
    PyConfig_Clear(&c);
    if (PyStatus_Exception(st))
        child__fail(st.err_msg ? st.err_msg : "Py_InitializeFromConfig failed");
    if (!cpy_ts_version_ok())
        child__fail("libpython is not CPython 3.11");
    cpy.main_ts = PyThreadState_Get();

    /* the standard library's folder: its frames are not the user's */
    PyObject *os = PyImport_ImportModule("os");
    PyObject *file = os ? PyObject_GetAttrString(os, "__file__") : NULL;
    const char *fn = file ? PyUnicode_AsUTF8(file) : NULL;
    if (!fn)
        child__fail("no os module");
    const char *slash = strrchr(fn, '/');
    cpy.stdlib_len = slash ? (size_t)(slash - fn) + 1 : 0;
    cpy.stdlib = strndup(fn, cpy.stdlib_len);
    Py_XDECREF(file);
    Py_XDECREF(os);

    if (PySys_AddAuditHook(child__fd_audit, NULL) != 0)
        child__fail("cannot add the audit hook");
    if (cpy_io_install() != 0)
        child__fail("cannot install the output streams and clocks");
    if (PySys_SetObject("dont_write_bytecode", Py_True) < 0)
        child__fail("sys");
    Py_SetRecursionLimit(cpy.ro.max_depth > 0 ? cpy.ro.max_depth : 1000);

    /* sys.path[0]: the program's folder, as given (relative stays relative:
     * bootstrap.py's finder; "." for the working folder) */
    char *dir = strdup(p->filename);
    char *s = dir ? strrchr(dir, '/') : NULL;
    const char *d0 = s ? (s == dir ? "/" : (*s = '\0', dir)) : ".";
    PyObject *path = PySys_GetObject("path");
    PyObject *d0o = PyUnicode_DecodeFSDefault(d0);
    if (!path || !d0o || PyList_Insert(path, 0, d0o) < 0)
        child__fail("sys.path");
    Py_DECREF(d0o);

    /* the bootstrap, with the run's seed and the memory limit's charge */
    PyObject *g = PyDict_New();
    PyObject *seed = PyLong_FromUnsignedLongLong(cpy.mo.seed);
    PyObject *charge = PyCFunction_NewEx(&child__charge_def, NULL, NULL);
    PyObject *sqlmem = PyCFunction_NewEx(&child__sqlite_memory_def, NULL, NULL);
    if (!g || !seed || !charge || !sqlmem || PyDict_SetItemString(g, "_seed", seed) < 0 ||
        PyDict_SetItemString(g, "_charge", charge) < 0 ||
        PyDict_SetItemString(g, "_sqlite_memory", sqlmem) < 0 ||
        PyDict_SetItemString(g, "__builtins__", PyEval_GetBuiltins()) < 0)
        child__fail("bootstrap");
    Py_DECREF(seed);
    Py_DECREF(charge);
    Py_DECREF(sqlmem);
    PyObject *code = Py_CompileString(cpy_bootstrap_py, "<threadsim>", Py_file_input);
    PyObject *r = code ? PyEval_EvalCode(code, g, g) : NULL;
    if (!r)
        child__fail("the bootstrap failed");
    Py_DECREF(r);
    Py_DECREF(code);
    Py_DECREF(g);

    if (cpy.ro.sandbox) {
        /* the sandbox (entered by each run, child__confine) may move the
         * working folder: the program's folder is made absolute for imports */
        child_absdir = realpath(*d0 ? d0 : ".", NULL);
        PyObject *ad = child_absdir ? PyUnicode_DecodeFSDefault(child_absdir) : NULL;
        if (!ad || PyList_SetItem(path, 0, ad) < 0)
            child__fail("sys.path");
    }
    free(dir);
}

/* The OS confinement of --sandbox (the caller's hook), once in a process. */
static void child__enter_sandbox(void)
{
    char err[256] = "no sandbox was given";
    if (!cpy.ro.child_hook ||
        cpy.ro.child_hook(cpy.ro.child_ud, child_absdir, err, sizeof err) != 0) {
        fprintf(stderr, "threadsim: --sandbox: %s\n", err);
        fflush(stderr);
        _exit(MODEL_EXIT_INTERNAL);
    }
}

/* Where a run's two pipes sit: the top two descriptors the run may have
 * (RLIMIT_NOFILE's soft limit, at most 1024; under --sandbox the one it
 * sets), out of the program's way. The program's first open() then gets
 * 3, as under python3 (it got 4, in explore's runs 5), and the same in a
 * forked run and a runner's. */
static int child__pipe_slot(int i)
{
    struct rlimit rl;
    rlim_t lim = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : 1024;
    if (lim == RLIM_INFINITY || lim > 1024)
        lim = 1024;
    if (lim < 8)
        lim = 8;
    return (int)lim - 2 + i;
}

/* Pipe fds[i] moved to its slot (fds[i] < 0: none). -1 if it cannot be. */
static int child__to_slots(int fds[2])
{
    for (int i = 0; i < 2; i++) {
        int to = child__pipe_slot(i);
        if (fds[i] < 0 || fds[i] == to)
            continue;
        if (fds[1 - i] == to) /* (the other pipe there: out of the way first) */
            return -1;
        if (dup3(fds[i], to, O_CLOEXEC) != to)
            return -1;
        close(fds[i]);
        fds[i] = to;
    }
    return 0;
}

bool cpy_engine_fd(int fd)
{
    return fd >= 0 && (fd == pipe_fd || fd == reply_fd || fd >= CPY_ENGINE_FD_MIN);
}

/* --sandbox, in the run's process: nothing of the caller's (its database
 * above all) stays reachable, the OS confinement, then the pipes to their
 * slots below its descriptor limit. A runner (below) is confined once,
 * before its snapshot, and puts each run's pipes in their slots itself. */
static bool child_confined;
static void child__confine(void)
{
    if (!cpy.ro.sandbox || child_confined)
        return;
    int hi = pipe_fd > reply_fd ? pipe_fd : reply_fd;
    int np = fcntl(pipe_fd, F_DUPFD_CLOEXEC, hi + 1);
    int nr = reply_fd >= 0 ? fcntl(reply_fd, F_DUPFD_CLOEXEC, hi + 1) : -1;
    if (np < 0 || (reply_fd >= 0 && nr < 0))
        _exit(MODEL_EXIT_INTERNAL);
    /* only np and nr stay (np < nr: both above hi, nr above np) */
    close_range(3, (unsigned)np - 1, 0);
    if (nr > np + 1)
        close_range((unsigned)np + 1, (unsigned)nr - 1, 0);
    close_range((unsigned)(nr >= 0 ? nr : np) + 1, ~0U, 0);
    child__enter_sandbox();
    int fds[2] = {np, nr};
    if (child__to_slots(fds) != 0)
        _exit(MODEL_EXIT_INTERNAL);
    pipe_fd = fds[0];
    reply_fd = fds[1];
}

/* The program's exit status from a SystemExit being raised (CPython's
 * _Py_HandleSystemExit): None 0, an int itself, anything else printed, 1. */
static int child__system_exit(void)
{
    PyObject *t, *v, *tb;
    PyErr_Fetch(&t, &v, &tb);
    PyErr_NormalizeException(&t, &v, &tb);
    PyObject *code = v ? PyObject_GetAttrString(v, "code") : NULL;
    int status = 0;
    if (!code || code == Py_None) {
        status = 0;
    } else if (PyLong_Check(code)) {
        int overflow = 0;
        long x = PyLong_AsLongAndOverflow(code, &overflow);
        status = overflow ? -1 : (int)x;
    } else {
        PyObject *err = PySys_GetObject("stderr");
        if (err && err != Py_None) {
            PyFile_WriteObject(code, err, Py_PRINT_RAW);
            PyFile_WriteString("\n", err);
        } else {
            /* no sys.stderr: CPython prints it to the C library's stderr,
             * the descriptor (_Py_HandleSystemExit's PyObject_Print) */
            PyObject *s = PyObject_Str(code);
            PyObject *b = s ? PyUnicode_AsEncodedString(s, "utf-8", "backslashreplace") : NULL;
            if (b)
                (void)cpy_io_write_now(2, PyBytes_AS_STRING(b), (size_t)PyBytes_GET_SIZE(b));
            (void)cpy_io_write_now(2, "\n", 1);
            Py_XDECREF(b);
            Py_XDECREF(s);
            PyErr_Clear();
        }
        status = 1;
    }
    PyErr_Clear();
    Py_XDECREF(code);
    Py_XDECREF(t);
    Py_XDECREF(v);
    Py_XDECREF(tb);
    return status & 0xff;
}

/* An uncaught exception: the trace's `error` event, then CPython's report. */
static int child__uncaught(void)
{
    cpy_io_flush_io(); /* pythonrun's flush_io, before PyErr_Print */
    if (PyErr_ExceptionMatches(PyExc_SystemExit))
        return child__system_exit();
    /* python 3 ends on an uncaught KeyboardInterrupt by killing itself
     * with SIGINT: a shell's status 130 (Python 2 exited 1) */
    int status = PyErr_ExceptionMatches(PyExc_KeyboardInterrupt) && !cpy_python2() ? 130 : 1;
    cpy.raised = true;
    PyObject *t, *v, *tb;
    PyErr_Fetch(&t, &v, &tb);
    PyErr_NormalizeException(&t, &v, &tb);
    if (tb && v)
        PyException_SetTraceback(v, tb);
    PyObject *msg = v ? PyObject_Str(v) : NULL;
    const char *tn = t ? ((PyTypeObject *)t)->tp_name : "Exception";
    const char *dot = strrchr(tn, '.');
    char *line = model__xasprintf("%s: %s", dot ? dot + 1 : tn,
                                  msg && PyUnicode_Check(msg) ? PyUnicode_AsUTF8(msg) : "");
    PyErr_Clear();
    Py_XDECREF(msg);
    cpy_io_flush_io();
    sim_emit_text(model_sched(), SIM_EV_ERROR, SIM_NONE, 0, dot ? dot + 1 : tn, line,
                  strlen(line));
    free(line);
    /* sys.excepthook as CPython calls it; its default is printed by the
     * traceback module (through linecache, so the source lines shown are
     * the program as it ran: C's printer re-reads the file) */
    PyObject *hook = PySys_GetObject("excepthook");
    PyObject *dflt = PySys_GetObject("__excepthook__");
    int printed = -1;
    if (hook && hook == dflt) {
        printed = cpy_print_exception(NULL, t, v, tb);
    } else if (hook) {
        PyObject *r = PyObject_CallFunctionObjArgs(hook, t ? t : Py_None, v ? v : Py_None,
                                                   tb ? tb : Py_None, NULL);
        printed = r ? 0 : -1;
        Py_XDECREF(r);
    }
    if (printed != 0) {
        PyErr_Clear();
        PyErr_Restore(t, v, tb);
        PyErr_PrintEx(0);
    } else {
        Py_XDECREF(t);
        Py_XDECREF(v);
        Py_XDECREF(tb);
    }
    return status;
}

static void child__call_hook(const char *module, const char *fn)
{
    PyObject *mods = PyImport_GetModuleDict();
    PyObject *m = PyDict_GetItemString(mods, module);
    if (!m)
        return;
    PyObject *r = PyObject_CallMethod(m, fn, NULL);
    if (r)
        Py_DECREF(r);
    else if (PyErr_ExceptionMatches(PyExc_SystemExit))
        cpy.exit_code = child__system_exit();
    else
        /* as Py_FinalizeEx's: "Exception ignored in: <module 'threading'
         * from ...>" above threading._shutdown's traceback */
        PyErr_WriteUnraisable(strcmp(module, "threading") == 0 ? m : NULL);
}

/* Whether a program's text can leave something for the collector to
 * finalize visibly at exit: a __del__, a generator or coroutine (a
 * `finally` run by close, "was never awaited"), a weakref's callback. A
 * collection at the end of every run costs an explored schedule of the
 * tutorial's programs 15-20% (it writes the header of every object made
 * since start-up), so programs without any of these words skip it: their
 * objects have nothing to run when freed. Decided once per session, from
 * the text alone. */
static bool child__may_finalize(const char *src)
{
    static const char *const words[] = {"__del__", "yield", "async", "weakref"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strstr(src, words[i]))
            return true;
    return false;
}

/* Whether the program's text names something that would see the ticks
 * (ticks.py) in its code: its bytecode or constants (dis, marshal,
 * __code__, co_consts, f_lasti), calls (setprofile, cProfile: a `tick`
 * call per loop pass) or line events (settrace: a loop's tick is on the
 * loop's line, one line event more a pass). Such a program is compiled as
 * written and its steps counted by the tracer instead, as under the other
 * policies: slower, and the same choices and times (the ticks count what
 * the tracer would, test_ticks_count_like_lines). Whole identifiers, in
 * code, strings or comments alike. */
static bool child__names_any(const char *src, const char *const *names, size_t nnames)
{
    for (const char *q = src; *q;) {
        if (!(isalpha((unsigned char)*q) || *q == '_')) {
            q++;
            continue;
        }
        const char *b = q;
        while (isalnum((unsigned char)*q) || *q == '_')
            q++;
        size_t n = (size_t)(q - b);
        for (size_t i = 0; i < nnames; i++)
            if (strlen(names[i]) == n && memcmp(b, names[i], n) == 0)
                return true;
    }
    return false;
}

static bool child__introspects(const char *src)
{
    static const char *const names[] = {
        "dis",       "marshal",    "settrace",   "setprofile", "gettrace", "getprofile",
        "cProfile",  "profile",    "Profile",    "__code__",   "co_consts", "co_code",
        "co_names",  "co_lines",   "co_positions", "f_lasti",  "f_trace",  "bdb",
        "pdb",       "trace"};
    return child__names_any(src, names, sizeof names / sizeof *names);
}

/* A program that raises the recursion limit or asks for a thread stack
 * size means to recurse deeply in its threads (the competitive
 * programmer's `threading.stack_size(1 << 27)`). CPython 3.11 runs a
 * Python call without C recursion; here a thread's calls recurse in C
 * (the frame filter that leaves the library untraced keeps CPython from
 * inlining them), about 600 bytes a call: 8 MiB stops near 14000 calls.
 * Such a program's green stacks are 128 MiB instead, reserved, not
 * committed (a thread pays for the pages its calls reach), as large as the
 * idiom asks; decided from the text, before the run. */
#define PY_DEEP_STACK_SIZE ((size_t)128 << 20)
static bool child__recurses_deeply(const char *src)
{
    static const char *const names[] = {"setrecursionlimit", "stack_size"};
    return child__names_any(src, names, sizeof names / sizeof *names);
}

/* Py_FinalizeEx's step that the program can see: finalize_modules takes
 * the modules out of sys.modules and runs the collector, so the objects
 * only __main__'s globals held are freed then (their __del__ runs, a
 * suspended generator's `finally` too), in the collector's order, unless a
 * thread still running (a daemon's frame) holds the globals. Here __main__
 * leaves sys.modules and the collector runs, the same CPython doing the
 * same; the other modules are left as they are (clearing them would run
 * the library's own finalizers, which the program does not see), and the
 * process then exits without finalizing. Output goes out as the program's,
 * at the run's end. */
static bool finalize_main; /* the program's text can have a finalizer to run */

static void child__finalize_main(void)
{
    if (!finalize_main)
        return;
    PyObject *mods = PyImport_GetModuleDict();
    PyObject *main = PyDict_GetItemString(mods, "__main__"); /* borrowed */
    PyObject *d = main && PyModule_Check(main) ? PyModule_GetDict(main) : NULL; /* borrowed */
    if (!d)
        return;
    /* The globals were made at start-up, before the session's gc.freeze
     * (child__main): in the permanent generation, never collected. Tracked
     * again, they are in the youngest, as their cycles' other members are
     * (the program's functions, classes and objects, all made in the run). */
    if (PyObject_GC_IsTracked(d)) {
        PyObject_GC_UnTrack(d);
        PyObject_GC_Track(d);
    }
    PyObject *gc = PyImport_ImportModule("gc");
    PyObject *collect = gc ? PyObject_GetAttrString(gc, "collect") : NULL;
    Py_XDECREF(gc);
    if (!collect) {
        PyErr_Clear();
        return;
    }
    /* As in finalize_modules by then: sys.modules empty (the modules are
     * kept alive here, as the objects still using them keep them there),
     * so nothing can be imported (a traceback printed from a __del__ shows
     * no source lines: its printer imports io), sys.meta_path None, the
     * standard streams the original ones. All put back afterwards. */
    PyObject *saved = PyDict_Copy(mods);
    PyObject *sys = PyDict_GetItemString(mods, "sys"); /* borrowed, alive in saved */
    /* sys attribute -> what it becomes meanwhile (NULL: None) */
    static const char *const special[4][2] = {
        {"meta_path", NULL}, {"stdin", "__stdin__"}, {"stdout", "__stdout__"}, {"stderr", "__stderr__"}};
    PyObject *was[4] = {NULL, NULL, NULL, NULL};
    if (!saved || !sys) {
        Py_XDECREF(saved);
        Py_DECREF(collect);
        PyErr_Clear();
        return;
    }
    for (int i = 0; i < 4; i++) {
        was[i] = PyObject_GetAttrString(sys, special[i][0]);
        PyObject *now = special[i][1] ? PySys_GetObject(special[i][1]) : Py_None; /* borrowed */
        if (was[i] && now)
            PyObject_SetAttrString(sys, special[i][0], now);
        PyErr_Clear();
    }
    if (PyDict_DelItemString(saved, "__main__") < 0)
        PyErr_Clear();
    PyDict_Clear(mods); /* __main__ is gone: its globals are garbage now */
    PyObject *r = PyObject_CallNoArgs(collect);
    if (!r)
        PyErr_WriteUnraisable(NULL);
    Py_XDECREF(r);
    Py_DECREF(collect);
    if (PyDict_Update(mods, saved) < 0)
        PyErr_Clear();
    for (int i = 0; i < 4; i++) {
        if (was[i] && PyObject_SetAttrString(sys, special[i][0], was[i]) < 0)
            PyErr_Clear();
        Py_XDECREF(was[i]);
    }
    Py_DECREF(saved);
    cpy_io_flush();
}

/* A module made from embedded source, registered in sys.modules. */
static PyObject *child__module(const char *name, const char *src)
{
    PyObject *mods = PyImport_GetModuleDict();
    PyObject *m = PyDict_GetItemString(mods, name);
    if (m) {
        Py_INCREF(m);
        return m;
    }
    char fn[64];
    snprintf(fn, sizeof fn, "<threadsim %s>", name);
    PyObject *code = Py_CompileString(src, fn, Py_file_input);
    /* made and run by hand: PyImport_ExecCodeModuleEx would give it a spec
     * whose origin is the working folder's absolute path joined to `fn`,
     * of another length in every checkout, which moves the addresses of
     * the objects made after it */
    m = code ? PyImport_AddModule(name) : NULL; /* borrowed, in sys.modules */
    PyObject *d = m ? PyModule_GetDict(m) : NULL;
    PyObject *r = d && PyDict_SetItemString(d, "__builtins__", PyEval_GetBuiltins()) == 0
                      ? PyEval_EvalCode(code, d, d)
                      : NULL;
    Py_XDECREF(code);
    if (!r) {
        if (m) {
            /* not left half made; the exception from running it is kept */
            PyObject *t, *v, *tb;
            PyErr_Fetch(&t, &v, &tb);
            if (PyDict_DelItemString(PyImport_GetModuleDict(), name) < 0)
                PyErr_Clear();
            PyErr_Restore(t, v, tb);
        }
        return NULL;
    }
    Py_DECREF(r);
    return Py_NewRef(m);
}

/* Tracebacks show the program's lines as it ran, even if the file has
 * changed or is gone since (or never existed: a program given as text):
 * linecache never re-reads an entry whose mtime is None. */
/* Whether the source holds a line break other than "\n" for
 * str.splitlines: "\r", "\v", "\f", "\x1c"-"\x1e", U+0085, U+2028,
 * U+2029 (in UTF-8). */
static bool child__odd_breaks(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\r' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1e))
            return true;
        if (c == 0xc2 && i + 1 < n && (unsigned char)p[i + 1] == 0x85)
            return true;
        if (c == 0xe2 && i + 2 < n && (unsigned char)p[i + 1] == 0x80 &&
            ((unsigned char)p[i + 2] == 0xa8 || (unsigned char)p[i + 2] == 0xa9))
            return true;
    }
    return false;
}

/* The source's lines as python3 reads its file (linecache and the C
 * traceback printer both read through TextIOWrapper): "\r\n" and "\r"
 * end a line as "\n" does, and each line ends in "\n"; nothing else ends
 * one ("\f" and U+2028 do for str.splitlines, which would set every line
 * after them off by one in tracebacks). */
static PyObject *child__source_lines(const char *p, size_t n)
{
    if (!child__odd_breaks(p, n)) {
        PyObject *src = PyUnicode_DecodeUTF8(p, (Py_ssize_t)n, "replace");
        PyObject *lines = src ? PyUnicode_Splitlines(src, 1) : NULL;
        Py_XDECREF(src);
        return lines;
    }
    PyObject *lines = PyList_New(0);
    sim_buf b = {0};
    for (size_t i = 0; lines && i < n;) {
        size_t j = i;
        while (j < n && p[j] != '\n' && p[j] != '\r')
            j++;
        b.len = 0;
        sim_buf_add(&b, p + i, j - i);
        if (j < n)
            sim_buf_add(&b, "\n", 1);
        i = j < n && p[j] == '\r' && j + 1 < n && p[j + 1] == '\n' ? j + 2 : j + 1;
        PyObject *line = PyUnicode_DecodeUTF8(b.p ? b.p : "", (Py_ssize_t)b.len, "replace");
        if (!line || PyList_Append(lines, line) < 0)
            Py_CLEAR(lines);
        Py_XDECREF(line);
    }
    sim_buf_free(&b);
    return lines;
}

static void child__linecache(const py_program *p)
{
    PyObject *lc = PyImport_ImportModule("linecache");
    PyObject *cache = lc ? PyObject_GetAttrString(lc, "cache") : NULL;
    PyObject *lines = child__source_lines(p->src, p->len);
    PyObject *fn = PyUnicode_DecodeFSDefault(p->filename);
    PyObject *entry = lines && fn ? Py_BuildValue("(nOOO)", (Py_ssize_t)p->len, Py_None, lines, fn)
                                  : NULL;
    if (!cache || !entry || PyObject_SetItem(cache, fn, entry) < 0)
        PyErr_Clear();
    Py_XDECREF(entry);
    Py_XDECREF(fn);
    Py_XDECREF(lines);
    Py_XDECREF(cache);
    Py_XDECREF(lc);
}

/* The program's leading standard-library imports (preimport.py), done
 * before a session forks its runs, as the program's own import statements
 * would do them: imports are never counted or split. */
static void child__preimport(const py_program *p)
{
    if (p->python == 2)
        return;
    cpy.setup = true;
    PyObject *g = PyDict_New();
    PyObject *src = PyUnicode_DecodeUTF8(p->src, (Py_ssize_t)p->len, "replace");
    PyObject *lib = PyUnicode_DecodeFSDefault(cpy.stdlib ? cpy.stdlib : "/nonexistent/");
    PyObject *code = Py_CompileString(cpy_preimport_py, "<threadsim preimport>", Py_file_input);
    PyObject *r = NULL;
    if (g && src && lib && code && PyDict_SetItemString(g, "_src", src) == 0 &&
        PyDict_SetItemString(g, "_stdlib", lib) == 0 &&
        PyDict_SetItemString(g, "__builtins__", PyEval_GetBuiltins()) == 0)
        r = PyEval_EvalCode(code, g, g);
    PyObject *names = r ? PyDict_GetItemString(g, "_names") : NULL; /* borrowed */
    cpy.setup = false;
    for (Py_ssize_t i = 0; names && PyList_Check(names) && i < PyList_GET_SIZE(names); i++) {
        PyObject *m = PyImport_Import(PyList_GET_ITEM(names, i));
        if (!m)
            break;
        Py_DECREF(m);
    }
    PyErr_Clear();
    /* the imported library's code run once here, on objects of its own
     * (preimport.py: _warm), untraced (CPython specializes only untraced
     * code), so that runs start with it specialized */
    PyObject *warm = r ? PyDict_GetItemString(g, "_warm") : NULL; /* borrowed */
    if (warm) {
        PyThreadState *ts = PyThreadState_Get();
        Py_tracefunc tf = ts->c_tracefunc;
        PyObject *to = Py_XNewRef(ts->c_traceobj);
        PyEval_SetTrace(NULL, NULL);
        cpy.setup = true;
        PyObject *w = PyObject_CallNoArgs(warm);
        cpy.setup = false;
        Py_XDECREF(w);
        PyErr_Clear();
        PyEval_SetTrace(tf, to);
        Py_XDECREF(to);
    }
    Py_XDECREF(r);
    Py_XDECREF(code);
    Py_XDECREF(lib);
    Py_XDECREF(src);
    Py_XDECREF(g);
}

/* The program compiled with ticks (ticks.py), or NULL with no exception
 * set (compiled as it is, the program has no error compiling). */
static PyObject *ticked_code;
/* Beside ticked_code, the program compiled as written, for runs of other
 * policies (an explorer's every schedule would otherwise compile the
 * program again: nearly half of a tutorial program's run, counter.py 481
 * -> 922 schedules/s). Made with it, before any run forks, in every
 * session, so that every run starts from the same heap. */
static PyObject *plain_code;

/* The length of the UTF-8 character at s, 0 when it is none (strict:
 * no overlong form, no surrogate, nothing past U+10FFFF, as python3's
 * file tokenizer checks a line). */
static int child__utf8_len(const unsigned char *s, const unsigned char *end)
{
    unsigned char c = *s, lo = 0x80, hi = 0xbf;
    int more;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        more = 1;
    else if (c >= 0xe0 && c <= 0xef)
        more = 2, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    else if (c >= 0xf0 && c <= 0xf4)
        more = 3, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    else
        return 0;
    if (end - s <= more || s[1] < lo || s[1] > hi)
        return 0;
    for (int i = 2; i <= more; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return more + 1;
}

/* A declared encoding's name as python3's tokenizer normalizes it
 * (get_normal_name): utf-8 and latin-1 spellings, case and '_' aside. */
static void child__normal_coding(char *name)
{
    char buf[13];
    size_t i = 0;
    for (; i < 12 && name[i]; i++)
        buf[i] = name[i] == '_' ? '-' : (char)tolower((unsigned char)name[i]);
    buf[i] = '\0';
    if (strcmp(buf, "utf-8") == 0 || strncmp(buf, "utf-8-", 6) == 0)
        strcpy(name, "utf-8");
    else if (strcmp(buf, "latin-1") == 0 || strcmp(buf, "iso-8859-1") == 0 ||
             strcmp(buf, "iso-latin-1") == 0 || strncmp(buf, "latin-1-", 8) == 0 ||
             strncmp(buf, "iso-8859-1-", 11) == 0 || strncmp(buf, "iso-latin-1-", 12) == 0)
        strcpy(name, "iso-8859-1");
}

/* The PEP 263 declaration of a line ("# -*- coding: NAME -*-"), as
 * python3's tokenizer reads it: its name in name (cap bytes), 1; 0 for a
 * line with none, which is a comment or blank (the next line may have one);
 * -1 for a line of code (no declaration after it counts). */
static int child__coding_spec(const char *l, const char *e, char *name, size_t cap)
{
    while (l < e && (*l == ' ' || *l == '\t' || *l == '\f'))
        l++;
    if (l == e || *l == '\n' || *l == '\r')
        return 0;
    if (*l != '#')
        return -1;
    for (const char *c = l; c + 6 < e; c++) {
        if (memcmp(c, "coding", 6) != 0 || (c[6] != ':' && c[6] != '='))
            continue;
        const char *n = c + 7;
        while (n < e && (*n == ' ' || *n == '\t'))
            n++;
        size_t k = 0;
        while (n + k < e && (isalnum((unsigned char)n[k]) || n[k] == '-' || n[k] == '_' ||
                             n[k] == '.'))
            k++;
        if (k == 0 || k >= cap)
            continue;
        memcpy(name, n, k);
        name[k] = '\0';
        return 1;
    }
    return 0;
}

/* What python3 says of a source file it cannot decode, before any line
 * runs: "Non-UTF-8 code starting with '\xe9' in file t.py on line 2, but
 * no encoding declared; see https://peps.python.org/pep-0263/ for details"
 * (a file without a declaration holding a byte that is no UTF-8), or
 * "encoding problem: NAME" (a declaration of no codec). Compiled from a
 * string, CPython said "(unicode error) 'utf-8' codec can't decode ..."
 * and "unknown encoding" at line 0. Sets that SyntaxError (no location, as
 * the file tokenizer's) and returns -1; 0 otherwise. */
static int child__source_encoding(const py_program *p)
{
    const char *src = p->src, *end = p->src + p->len;
    if (p->len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0)
        src += 3;
    bool bom = src != p->src;
    char name[64] = "";
    const char *l = src;
    for (int line = 1; line <= 2 && l < end; line++) {
        const char *e = memchr(l, '\n', (size_t)(end - l));
        e = e ? e + 1 : end;
        int k = child__coding_spec(l, e, name, sizeof name);
        if (k != 0)
            break;
        l = e;
    }
    if (name[0]) {
        child__normal_coding(name);
        if (bom && strcmp(name, "utf-8") != 0) {
            PyErr_Format(PyExc_SyntaxError, "encoding problem: %s with BOM", name);
            return -1;
        }
        if (!PyCodec_KnownEncoding(name)) {
            PyErr_Clear();
            PyErr_Format(PyExc_SyntaxError, "encoding problem: %s", name);
            return -1;
        }
        return 0;
    }
    int line = 1;
    for (const unsigned char *c = (const unsigned char *)src; c < (const unsigned char *)end;) {
        int n = child__utf8_len(c, (const unsigned char *)end);
        if (n == 0) {
            PyErr_Format(PyExc_SyntaxError,
                         "Non-UTF-8 code starting with '\\x%.2x' in file %s on line %i, but no "
                         "encoding declared; see https://peps.python.org/pep-0263/ for details",
                         *c, p->filename, line);
            return -1;
        }
        line += *c == '\n';
        c += n;
    }
    return 0;
}

static PyObject *child__compile_plain(const py_program *p)
{
    if (p->python != 2 && child__source_encoding(p) != 0)
        return NULL;
    PyCompilerFlags flags = _PyCompilerFlags_INIT;
    return Py_CompileStringExFlags(p->src, p->filename, Py_file_input, &flags, -1);
}

static PyObject *child__compile_ticked(const py_program *p)
{
    cpy.setup = true;
    PyObject *mod = child__module("threadsim_ticks", cpy_ticks_py);
    PyObject *tick = mod ? cpy_tick_function(false) : NULL;
    PyObject *entry = tick ? cpy_tick_function(true) : NULL;
    /* --choices cpython: its calls too (ticks.py) */
    PyObject *call = cpy.ro.cpython_points ? cpy_call_function(false) : Py_NewRef(Py_None);
    PyObject *after = cpy.ro.cpython_points ? cpy_call_function(true) : Py_NewRef(Py_None);
    /* the default policy: the calls in loops (ticks.py) */
    PyObject *due = cpy.ro.cpython_points ? Py_NewRef(Py_None) : cpy_due_function();
    PyObject *src = entry && call && after && due ? PyBytes_FromString(p->src) : NULL;
    PyObject *fn = src ? PyUnicode_DecodeFSDefault(p->filename) : NULL;
    PyObject *code = fn ? PyObject_CallMethod(mod, "compile_ticked", "OOOOOOO", src, fn, tick,
                                              entry, call, after, due)
                        : NULL;
    if (code && (!PyCode_Check(code) || cpy_mark_ticked(code) < 0))
        Py_CLEAR(code);
    PyErr_Clear();
    Py_XDECREF(fn);
    Py_XDECREF(src);
    Py_XDECREF(due);
    Py_XDECREF(after);
    Py_XDECREF(call);
    Py_XDECREF(entry);
    Py_XDECREF(tick);
    Py_XDECREF(mod);
    cpy.setup = false;
    return code;
}

/* This run counts steps with ticks (the default policy's scope, and the
 * program compiled with them): the program's own modules are compiled with
 * ticks too when imported. False: the program runs as compiled, traced. */
static bool child__use_ticks(void)
{
    if (!ticked_code || !cpy_ticks_scope())
        return false;
    cpy.setup = true;
    PyObject *mod = child__module("threadsim_ticks", cpy_ticks_py);
    PyObject *tick = mod ? cpy_tick_function(false) : NULL;
    PyObject *entry = tick ? cpy_tick_function(true) : NULL;
    PyObject *mark = entry ? cpy_mark_function() : NULL;
    PyObject *call = cpy.ro.cpython_points ? cpy_call_function(false) : Py_NewRef(Py_None);
    PyObject *after = cpy.ro.cpython_points ? cpy_call_function(true) : Py_NewRef(Py_None);
    PyObject *due = cpy.ro.cpython_points ? Py_NewRef(Py_None) : cpy_due_function();
    PyObject *r = mark && call && after && due && cpy.stdlib
                      ? PyObject_CallMethod(mod, "install_loader", "OOOsOOO", tick, entry, mark,
                                            cpy.stdlib, call, after, due)
                      : NULL;
    PyErr_Clear();
    Py_XDECREF(r);
    Py_XDECREF(due);
    Py_XDECREF(after);
    Py_XDECREF(call);
    Py_XDECREF(mark);
    Py_XDECREF(entry);
    Py_XDECREF(tick);
    Py_XDECREF(mod);
    cpy.setup = false;
    cpy.ticking = r != NULL;
    return cpy.ticking;
}

/* The program made ready to run: __main__, the Python 2 translation, the
 * source for tracebacks, the compiled code (or the error compiling it,
 * reported as CPython does). Returns the code, or NULL when the program
 * failed to compile (reported, cpy.exit_code set; the ending follows) or
 * could not be set up at all (*stop: the run is over). Done once per
 * session, before its runs fork. */
static PyObject *child__prepare(const py_program *p, PyObject **globals, bool *stop)
{
    *stop = true; /* until the program can run (or fail as CPython's run does) */
    finalize_main = child__may_finalize(p->src);
    PyObject *main = PyImport_AddModule("__main__"); /* borrowed */
    PyObject *d = main ? PyModule_GetDict(main) : NULL;
    PyObject *fname = PyUnicode_DecodeFSDefault(p->filename);
    if (!d || !fname || PyDict_SetItemString(d, "__file__", fname) < 0 ||
        PyDict_SetItemString(d, "__cached__", Py_None) < 0) {
        PyErr_Print();
        cpy.exit_code = 1;
        cpy.raised = true;
        return NULL;
    }
    Py_DECREF(fname);
    *globals = d;
    PyObject *code = NULL;
    cpy.setup = true; /* the translation is threadsim's work, not the program's */
    if (p->python == 2) {
        /* Python 2: translated to Python 3 (py2compat.py: lib2to3 and the
         * print statement's softspace), with the Python 2 names restored */
        PyObject *py2 = child__module("threadsim_py2", cpy_py2compat_py);
        code = py2 ? PyObject_CallMethod(py2, "compile_py2", "ss", p->src, p->filename) : NULL;
        PyObject *shims = code ? PyObject_CallMethod(py2, "install_shims", NULL) : NULL;
        Py_XDECREF(py2);
        Py_XDECREF(shims);
        if (!shims) {
            cpy.setup = false;
            Py_CLEAR(code);
            cpy.exit_code = child__uncaught();
            return NULL;
        }
    }
    cpy.setup = false;
    *stop = false;
    child__linecache(p);
    /* The program is compiled with ticks and as written, whatever the
     * session's policy (child__main runs the one its run needs): sessions
     * of every kind then start their runs from the same heap, so a schedule
     * gives the same addresses (id(), default reprs, set order) in the
     * explorer, in its stored representatives and in the stepper replaying
     * its token.
     * A failed compile with ticks falls back to CPython's, which reports
     * the error as CPython does. A program that looks at its own bytecode
     * or traces itself is compiled as written only (child__introspects). */
    if (!code && !child__introspects(p->src) &&
        (ticked_code = child__compile_ticked(p))) {
        code = Py_NewRef(ticked_code);
        if (!(plain_code = child__compile_plain(p)))
            PyErr_Clear();
    }
    if (!code)
        code = child__compile_plain(p);
    if (!code) {
        /* the program's own first step: CPython's report, exit 1, then the
         * ending every program gets */
        cpy.exit_code = child__uncaught();
        return NULL;
    }
    child__preimport(p);
    return code;
}

/* A child of `parent` (a session's zygote, its runner, a run) ends when
 * the parent does: killed with its process alone (a caller's subprocess
 * timeout sends SIGTERM or SIGKILL to threadsim only), the zygote and a
 * program spinning in a run would go on without end, reparented. */
static void child__die_with(pid_t parent)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != parent)
        _exit(0);
}

static void zyg__serve(void);

/* "invariant EXPR WHAT TYPE: MESSAGE" of the exception being raised,
 * which is cleared (new string). */
static char *child__invariant_error(const char *what)
{
    PyObject *t, *v, *tb;
    PyErr_Fetch(&t, &v, &tb);
    PyErr_NormalizeException(&t, &v, &tb);
    PyObject *s = v ? PyObject_Str(v) : NULL;
    const char *tn = t ? ((PyTypeObject *)t)->tp_name : "Exception";
    char *msg = model__xasprintf("invariant %s %s %s: %s", cpy.ro.invariant, what, tn,
                                 s && PyUnicode_Check(s) ? PyUnicode_AsUTF8(s) : "");
    Py_XDECREF(s);
    Py_XDECREF(t);
    Py_XDECREF(v);
    Py_XDECREF(tb);
    PyErr_Clear();
    return msg;
}

/* --invariant: the expression in __main__'s namespace at the end; false or
 * raising is an `error` event (reason "invariant"), not a change of status;
 * one that does not compile stops the explorer (a usage error). */
static void child__invariant(PyObject *globals)
{
    if (!globals)
        return;
    PyObject *code = Py_CompileString(cpy.ro.invariant, "<invariant>", Py_eval_input);
    PyObject *r = code ? PyEval_EvalCode(code, globals, globals) : NULL;
    int truth = r ? PyObject_IsTrue(r) : -1;
    char *msg = NULL;
    if (!code) {
        msg = child__invariant_error("does not compile:");
    } else if (truth < 0) {
        msg = child__invariant_error("raised");
    } else if (!truth) {
        PyObject *rep = PyObject_Repr(r);
        msg = model__xasprintf("invariant %s is false (%s)", cpy.ro.invariant,
                               rep && PyUnicode_Check(rep) ? PyUnicode_AsUTF8(rep) : "?");
        Py_XDECREF(rep);
        PyErr_Clear();
    }
    Py_XDECREF(r);
    Py_XDECREF(code);
    if (msg) {
        sim_emit_text(model_sched(), SIM_EV_ERROR, SIM_NONE, 0, "invariant", msg, strlen(msg));
        free(msg);
    }
}

/* Py_FinalizeEx's flush_std_files, after atexit: sys.stdout's flush, then
 * sys.stderr's (whatever objects they are now; a closed one is skipped, one
 * that cannot say whether it is counts as open). A failure is reported as
 * unraisable for stdout (on stderr, if that still works), silently for
 * stderr, and the process's status is then 120, whatever it was. */
static void child__flush_std_files(void)
{
    static const char *const names[2] = {"stdout", "stderr"};
    bool failed = false;
    for (int i = 0; i < 2; i++) {
        PyObject *f = PySys_GetObject(names[i]); /* borrowed */
        if (!f || f == Py_None)
            continue;
        Py_INCREF(f);
        PyObject *closed = PyObject_GetAttrString(f, "closed");
        int is_closed = closed ? PyObject_IsTrue(closed) : 0;
        Py_XDECREF(closed);
        if (is_closed < 0 || !closed)
            PyErr_Clear();
        if (is_closed <= 0) {
            PyObject *r = PyObject_CallMethod(f, "flush", NULL);
            if (r) {
                Py_DECREF(r);
            } else {
                failed = true;
                if (i == 0)
                    PyErr_WriteUnraisable(f);
                else
                    PyErr_Clear();
            }
        }
        Py_DECREF(f);
    }
    if (failed)
        cpy.exit_code = 120;
}

/* The main green thread: the program, then the ending CPython gives it. */
static void child__main(void *arg)
{
    const py_program *p = arg;
    cpy.in_run = true;
    cpy.run_gen++;
    cpy_thr_init_main();
    cpy_ts_activate(cpy.main_ts);
    cpy_ident_reset();
    cpy_ts_set_ident(cpy.main_ts, (unsigned long)cpy_ident_main());
    PyObject *d = NULL;
    bool stop;
    PyObject *code = child__prepare(p, &d, &stop);
    if (zyg_ctl >= 0) {
        /* The objects made so far go to the collector's permanent
         * generation (gc.freeze, as fork servers do): a collection in a run
         * then never walks them, which would copy every page they are on. */
        PyObject *gc = PyImport_ImportModule("gc");
        PyObject *fr = gc ? PyObject_CallMethod(gc, "freeze", NULL) : NULL;
        if (!fr)
            PyErr_Clear();
        Py_XDECREF(fr);
        Py_XDECREF(gc);
        /* the libraries' code as sealed anonymous copies: cheaper for every
         * reset to read in /proc/self/maps (cpy_snap.h), and the same in
         * every run, forked or reset */
        if (!cpy.ro.no_seal)
            (void)cpy_snap_seal_libraries();
        zyg__serve(); /* returns in a run's process */
    }
    if (stop)
        return;
    PyObject *r = NULL;
    if (code) {
        if (child__use_ticks()) {
            Py_SETREF(code, Py_NewRef(ticked_code));
        } else if (code == ticked_code) {
            /* a run of another policy in a session opened with the default */
            if (plain_code)
                Py_SETREF(code, Py_NewRef(plain_code));
            else
                Py_SETREF(code, child__compile_plain(p));
            if (!code)
                cpy.exit_code = child__uncaught();
        }
        Py_CLEAR(ticked_code);
        Py_CLEAR(plain_code);
    }
    if (code) {
        cpy_trace_scope();
        cpy_trace_update();
        r = PyEval_EvalCode(code, d, d);
        Py_DECREF(code);
        if (r)
            Py_DECREF(r);
        else
            cpy.exit_code = child__uncaught();
        if (r && p->python != 2)
            cpy_io_flush_io(); /* (child__uncaught's first step too) */
    }
    if (p->python == 2 && r) {
        /* Python 2 ends a line left open by `print x,` at exit */
        PyObject *py2 = child__module("threadsim_py2", cpy_py2compat_py);
        PyObject *fl = py2 ? PyObject_CallMethod(py2, "flush_line", NULL) : NULL;
        if (!fl)
            PyErr_Clear();
        Py_XDECREF(fl);
        Py_XDECREF(py2);
    }
    /* Py_FinalizeEx's first steps: wait for the threads, then atexit. Until
     * it marks the runtime finalizing, after atexit, CPython still switches
     * threads: a daemon woken beside main's last line can print after it
     * (python3: `bye` then `daemon woke` in 1 of 30 runs through a pipe,
     * most runs in a terminal, where print releases the GIL). So the
     * module's end is a choice for a policy deciding at every step (the
     * entry of threading._shutdown, where CPython 3.11's eval loop checks
     * for a switch); the default schedule goes on into the shutdown. */
    if (model_sched()->policy.every_step) {
        PyThreadState *ts = cpy_leave();
        sim_decide_point(model_sched());
        cpy_back(ts);
    }
    child__call_hook("threading", "_shutdown");
    child__call_hook("atexit", "_run_exitfuncs");
    if (cpy_at_end_fn) {
        PyObject *r = PyObject_CallNoArgs(cpy_at_end_fn);
        if (r)
            Py_DECREF(r);
        else
            PyErr_WriteUnraisable(cpy_at_end_fn);
    }
    child__flush_std_files();
    cpy_io_flush();
    PyEval_SetTrace(NULL, NULL);
    cpy_thr_current()->tracing = false;
    if (cpy.ro.invariant)
        child__invariant(d);
    /* finalization's lines count toward the limits (a __del__ that never
     * ends is stopped as any loop), and switch to nobody */
    cpy_trace_count_only();
    child__finalize_main();
    PyEval_SetTrace(NULL, NULL);
    cpy_thr_current()->tracing = false;
}

static int child__run(const py_program *p, model_result *res)
{
    child__fault_handlers();
    child__init(p);
    model_opts o = cpy.mo;
    if (o.sim.stack_size < PY_STACK_SIZE)
        o.sim.stack_size = PY_STACK_SIZE;
    if (p->python == 3 && o.sim.stack_size < PY_DEEP_STACK_SIZE && child__recurses_deeply(p->src))
        o.sim.stack_size = PY_DEEP_STACK_SIZE;
    /* every page a thread's calls can reach counts toward --max-memory */
    o.sim.stack_charge = child__stack_charge;
    o.sim.stack_charge_ud = NULL;
    o.sim.stack_first = PY_STACK_FIRST;
    o.sim.stack_chunk = PY_STACK_CHUNK;
    o.sink = pipe_sink;
    o.sink_ud = NULL;
    o.no_teardown = true; /* the run's process exits or is reset right after */
    o.own_shutdown = true; /* threading._shutdown, then atexit (child__main_body) */
    o.before_stop = cpy_io_flush_at_stop;
    o.on_decision = NULL;  /* each run's own (zyg__serve), */
    o.sim.max_events = 0;  /* as its event limit */
    o.sim.max_decisions = 0; /* and its decision limit */
    o.decision_ud = NULL;
    if (cpy.ro.remote_pick && o.policy.pick) {
        o.policy.pick = child__remote_pick;
        if (o.policy.pick_timer)
            o.policy.pick_timer = child__remote_pick;
        o.policy.ud = NULL;
    }
    int status = model_run(&o, child__main, (void *)p, res);
    cpy.in_run = false;
    cpy_ts_activate(cpy.main_ts);
    if (status == MODEL_EXIT_OK || status == MODEL_EXIT_ERROR) {
        /* the program ended by itself: its status is its own */
        status = cpy.exit_code;
        if (res)
            res->outcome = cpy.raised && (status == 1 || status == 130) ? MODEL_OUT_EXCEPTION
                                                                     : MODEL_OUT_EXIT;
    }
    return status;
}

/* ---- sessions: one start-up, a fork per run ------------------------------------ */

/* A session's first process (the zygote) initializes CPython, makes the
 * program ready (child__prepare: compiled, translated, its leading imports
 * done) as the main green thread, and stops there, serving requests on a
 * socket: each request forks a run, which goes on from that point with its
 * own pipes and policy. Every run of a session starts from the same bytes,
 * so it behaves exactly as the same run started afresh would (and py_run is
 * a session of one run, so both are the same path); the start-up is paid
 * once: the stepper's back and restart and the explorer's schedules cost a
 * fork and the program itself. */

enum { ZYG_AS_OPENED = 0, ZYG_REMOTE = 1, ZYG_MADE = 2 };

typedef struct zyg_req {
    uint32_t mode;        /* ZYG_* */
    uint32_t every_step;  /* ZYG_REMOTE: the caller's policy decides at every step */
    uint32_t decisions;   /* the caller wants each decision (on_decision) */
    uint32_t blob_len;    /* ZYG_MADE: the policy's bytes, which follow */
    uint64_t max_events;  /* this run's event limit; 0 = none */
    uint32_t timers;      /* ZYG_REMOTE: the caller's policy also picks among timers due together */
    uint32_t note;        /* ZYG_NOTE_*: what became of the runner the caller was sent to */
    int64_t jitter;       /* ... within this many ns of each other */
    uint64_t max_decisions; /* this run's decision limit; 0 = none */
    uint32_t runs;        /* with a note: the requests that runner took from the caller */
    uint32_t snap_at;     /* a runner started for this request takes its snapshot at this
                           * decision of it (0: the first choice; "Deeper snapshots") */
} zyg_req;

/* The zygote's reply to a request: the run's process, and whether the
 * caller is to send the request to that process itself (a runner: its
 * socket comes with the reply) instead of waiting for the run's status
 * from the zygote. */
typedef struct zyg_reply {
    int32_t pid;
    int32_t direct;
    uint32_t snap_at; /* direct: the decision the runner's snapshot is at (0: the first
                       * choice, or the start: it serves any run of its kind) */
    uint32_t pad;
} zyg_reply;

/* What the caller tells the zygote about the runner it was sent to
 * (zyg_req.note): gone (a request could not be sent to it, or a run ended
 * without its word: its process is to be reaped), or refused (it serves
 * another kind of run, and ended); ZYG_NOTE_FORK asks for this request to
 * be forked. A request of mode ZYG_REAP only reaps (the reply: the
 * runner's wait status). */
enum { ZYG_NOTE_GONE = 1, ZYG_NOTE_REFUSED = 2, ZYG_NOTE_FORK = 4, ZYG_NOTE_MOVED = 8 };
enum { ZYG_REAP = 3 };

static int io_full(int fd, void *buf, size_t n, bool wr)
{
    size_t off = 0;
    while (off < n) {
        ssize_t k = wr ? write(fd, (char *)buf + off, n - off) : read(fd, (char *)buf + off, n - off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        off += (size_t)k;
    }
    return 0;
}

/* `n` bytes and one or two descriptors (fds[1] may be -1) in one message
 * on socket `sock`. 0, or -1. */
static int fds_send(int sock, const void *buf, size_t n, const int fds[2])
{
    int nfd = fds[1] >= 0 ? 2 : 1;
    union {
        char buf[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct iovec iov = {(void *)buf, n};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                        .msg_controllen = CMSG_SPACE((size_t)nfd * sizeof(int))};
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN((size_t)nfd * sizeof(int));
    memcpy(CMSG_DATA(c), fds, (size_t)nfd * sizeof(int));
    ssize_t k;
    while ((k = sendmsg(sock, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    return k == (ssize_t)n ? 0 : -1;
}

/* The message fds_send sends: `n` bytes into buf, the descriptors into
 * fds (fds[1] -1 if only one came). 0, or -1. */
static int fds_recv_opt(int sock, void *buf, size_t n, int fds[2], int flags, bool need);
static int fds_recv(int sock, void *buf, size_t n, int fds[2], int flags)
{
    return fds_recv_opt(sock, buf, n, fds, flags, true);
}

/* The same, where `need` false takes a message without descriptors too
 * (fds then both -1). */
static int fds_recv_opt(int sock, void *buf, size_t n, int fds[2], int flags, bool need)
{
    union {
        char buf[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = {buf, n};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                        .msg_controllen = sizeof u.buf};
    ssize_t k;
    while ((k = recvmsg(sock, &mh, flags)) < 0 && errno == EINTR)
        ;
    if (k != (ssize_t)n)
        return -1;
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    fds[0] = fds[1] = -1;
    if (!c && !need)
        return 0;
    if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
        return -1;
    size_t nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    fds[0] = fds[1] = -1;
    memcpy(fds, CMSG_DATA(c), (nfd > 2 ? 2 : nfd) * sizeof(int));
    return nfd >= 1 ? 0 : -1;
}

/* A request and the two descriptors that come with it (the run's event
 * pipe, and its reply pipe or -1). */
static int zyg__recv(zyg_req *rq, int fds[2])
{
    if (fds_recv_opt(zyg_ctl, rq, sizeof *rq, fds, 0, false) != 0)
        return -1;
    return rq->mode == ZYG_REAP || fds[0] >= 0 ? 0 : -1;
}

/* Request rq's policy: the caller's remote picks, or made from the blob,
 * or (ZYG_AS_OPENED) the session's own, as it is now. */
static sim_policy zyg__policy(const zyg_req *rq, char *blob)
{
    if (rq->mode == ZYG_REMOTE)
        return (sim_policy){.name = "remote", .pick = child__remote_pick,
                            .every_step = rq->every_step != 0,
                            .pick_timer = rq->timers ? child__remote_pick : NULL,
                            .jitter = rq->jitter};
    if (rq->mode == ZYG_MADE)
        return cpy.ro.make_policy ? cpy.ro.make_policy(blob, rq->blob_len) : sim_policy_fifo();
    return model_sched()->policy;
}

/* The process becomes request rq's run (its pipes, policy `pol`) and goes
 * on into it: a forked child, or the runner after a reset. */
static void zyg__become_run_with(const zyg_req *rq, const int fds_in[2], sim_policy pol)
{
    int fds[2] = {fds_in[0], fds_in[1]};
    /* (under --sandbox child__confine does it, below its limit) */
    if (!cpy.ro.sandbox && child__to_slots(fds) != 0)
        _exit(MODEL_EXIT_INTERNAL);
    pipe_fd = fds[0];
    reply_fd = fds[1];
    pipe_hold = false;
    /* the first output goes at once to a caller that shows it live; one
     * that looks at the run when it is over (explore) is woken once, at
     * the end, unless the run goes on for 50 ms */
    pipe_last_flush = cpy.ro.output_later ? wall_now() : 0;
    sim_sched *s = model_sched();
    s->on_decision = rq->decisions ? pipe_decision : NULL;
    s->cfg.max_events = rq->max_events;
    s->cfg.max_decisions = rq->max_decisions;
    s->decision_ud = NULL;
    s->policy = pol;
    if (cpy.ro.timeout > 0)
        cpy.wall_deadline = wall_now() + cpy.ro.timeout;
    cpy_watchdog_start();
    child__confine();
    if (test_engine_fault)
        raise(SIGSEGV);
}

static void zyg__become_run(const zyg_req *rq, const int fds[2], char *blob)
{
    zyg__become_run_with(rq, fds, zyg__policy(rq, blob));
}

/* ---- the runner: one process for many runs (cpy_snap.h) ----
 *
 * From a session's second run on (the first is a fork, so that a single run
 * pays nothing for a snapshot), the zygote forks one runner instead of a
 * process per run. The runner takes a snapshot of itself right there, at
 * the point where a forked run would start, and serves runs one after
 * another: each ends with a reset that takes the process back to the
 * snapshot. The zygote hands the runner over: its reply to the request
 * gives the caller the runner's pid and a socket to it (zyg__to_runner),
 * and from then on the caller sends its requests (and the run's pipes,
 * which the runner puts at the descriptor numbers a forked run has) to
 * the runner itself. The runner answers each with an ack (int32 0), runs
 * it, and after the reset gives the caller the run's status (0) on that
 * socket. When the runner ended instead (the program's os._exit, a crash,
 * the caller's kill at a timeout, a reset that could not be done), the
 * caller finds the socket closed and asks the zygote, its parent, for its
 * wait status (ZYG_REAP); a runner found gone at a request, or one that
 * refused it (ack 2, below), is named in the next request to the zygote
 * (zyg_req.note), which reaps it and hands over a new one. (The zygote
 * used to relay every request and status: two more processes' turns per
 * run, 4-5% of a schedule of the tutorial's programs, measured side by
 * side.) Under --sandbox the runner is confined once, before its
 * snapshot, and puts each run's pipes in their slots as child__confine
 * does for a fork.
 *
 * The snapshot at the first choice. An explorer's runs (ZYG_MADE: a policy
 * made from bytes, a seed or a schedule's prefix) are the same run up to
 * the first decision with two or more candidates: the policy is asked
 * nothing before it (sim_policy), nothing else of the request differs, and
 * the program's start (its module body up to its first thread running
 * beside another: set-up, logging.basicConfig, classes, Thread objects) is
 * a third of a tutorial program's schedule. So such a runner takes its
 * snapshot there instead, in its first run: the run's policy is behind a
 * trap (runner__trap) and its events are held (pipe_hold) until the first
 * choice, where the snapshot is taken with the events so far in pipe_buf
 * and the run's pipes left out (cpy_snap_take_except); the run then goes
 * on. Every reset comes back into the trap, which takes the next request
 * (its pipes, its policy), sends the held events down its pipe, and asks
 * its policy for that first choice. Each run is then what it would have
 * been from the start, byte for byte, provided the start did nothing a
 * later run would not find done again: the trap takes no snapshot when the
 * start opened a descriptor that is still open, or did anything an audit
 * event reports outside the process (runner__audit: files written,
 * processes, sockets), or read standard input; nor when it held more than DEFER_HOLD_MAX of events, nor
 * when the run never came to a choice. A request of another kind (another
 * policy kind, event limit or tracing) is refused (ack 2). In each of those
 * cases the runner ends after its run and the session's next runner takes
 * its snapshot at the start, as above. */

static uint32_t runner_at;    /* ... at this decision of that run (Deeper snapshots) */
static bool deep_off;         /* the zygote: a runner could not take its snapshot that deep */
static bool runner_defer;     /* set by the zygote before the fork: the next runner
                               * takes its snapshot at its first run's first choice */
static bool defer_off;        /* the zygote: a runner could not do that; no more */
static bool runner_deferred;  /* the zygote: its runner is such a runner */
static bool defer_tainted;    /* the run's start did something runner__audit reports */
static sim_policy defer_real; /* the first run's policy, behind the trap */
static zyg_req defer_req;     /* ... and its request: the others' must match */
static int defer_fds[64];     /* the descriptors open before the first run */
static int defer_nfds = -1;

/* Standard input as the first run found it: what its start read from it
 * is gone from the file or pipe, and the runs resumed after it would not
 * read it again. */
typedef struct stdin_mark {
    int ok;
    mode_t mode;
    dev_t dev;
    ino_t ino;
    off_t off;                /* a file's offset */
    int avail;                /* a pipe's, socket's or terminal's bytes waiting */
} stdin_mark;
static stdin_mark defer_stdin;

static bool runner__stdin_same(const stdin_mark *a, const stdin_mark *b)
{
    return a->ok == b->ok && a->mode == b->mode && a->dev == b->dev && a->ino == b->ino &&
           a->off == b->off && a->avail == b->avail;
}

static stdin_mark runner__stdin(void)
{
    stdin_mark m = {0};
    struct stat st;
    if (fstat(0, &st) != 0)
        return m; /* closed: nothing to read */
    m.ok = 1;
    m.mode = st.st_mode & S_IFMT;
    m.dev = st.st_dev;
    m.ino = st.st_ino;
    m.off = lseek(0, 0, SEEK_CUR);
    if (ioctl(0, FIONREAD, &m.avail) != 0)
        m.avail = -1;
    return m;
}

static pid_t runner_pid;  /* the zygote's runner, 0 if none */
static int runner_fd = -1;/* the zygote's socket to it */
static bool runner_off;   /* no snapshot can be taken here: fork per run */
static unsigned zyg_nreq; /* requests served */
static unsigned runner_runs;  /* runs the current runner took */
static unsigned runner_short; /* runners in a row that ended after one run or none */
static int runner_sock = -1; /* in the runner: its socket to the zygote */
static int runner_dsock = -1;/* ... and to the caller, which sends it requests itself */
static int runner_dfd = -1;  /* the zygote: the caller's end of that, until sent */

static int sock_send(int fd, const void *buf, size_t n)
{
    size_t off = 0;
    while (off < n) {
        ssize_t k = send(fd, (const char *)buf + off, n - off, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        off += (size_t)k;
    }
    return 0;
}

/* In the runner: the next request, straight from the caller, its pipes
 * moved to the numbers a forked run has. */
static int runner__recv(zyg_req *rq, int fds[2], char **blob)
{
    int got[2];
    if (fds_recv(runner_dsock, rq, sizeof *rq, got, MSG_CMSG_CLOEXEC) != 0)
        return -1;
    /* their slots (child__pipe_slot; a runner under --sandbox is confined
     * already, at its limit) */
    if (child__to_slots(got) != 0)
        return -1;
    fds[0] = got[0];
    fds[1] = got[1];
    if (fds[0] < 0)
        return -1;
    *blob = rq->blob_len ? malloc(rq->blob_len) : NULL;
    if (rq->blob_len && (!*blob || io_full(runner_dsock, *blob, rq->blob_len, false) != 0))
        return -1;
    return 0;
}

static int runner__audit(const char *ev, PyObject *args, void *ud);

/* The trap is gone: the run goes on with its own policy, its events flow;
 * no snapshot is taken at this run's first choice. */
static void runner__disarm(void)
{
    if (!defer_armed)
        return;
    defer_armed = false;
    pipe_hold = false;
    /* the audit hook goes with the trap: the snapshot and every run resumed
     * from it are a process that never had one (cpy_ts_audit_unhook) */
    cpy_ts_audit_unhook(runner__audit);
    dalloc_on_refuse(NULL);
    model_world *w = model__world_or_null(); /* none once the run is over */
    if (w)
        w->sched.policy = defer_real;
}

/* What a run's start may do and still be found done by the runs resumed
 * after it: CPython's audit events of imports, compiling, frames and
 * attributes, of the process's own state (tracing, the environment, the
 * working folder), and opening a file only to read it. Anything else
 * (files written or removed, processes, sockets, ctypes, input) keeps the
 * trap from taking the snapshot: what it did is outside the process, and
 * the runs resumed after it would not do it again. Events this list does
 * not know cost the speed-up, never a wrong run. */
static int runner__audit(const char *ev, PyObject *args, void *ud)
{
    (void)ud;
    if (!defer_armed || defer_tainted)
        return 0;
    static const char *const fine[] = {
        "import", "exec", "compile", "sys._getframe", "object.__getattr__",
        "object.__setattr__", "object.__delattr__", "builtins.id", "code.__new__",
        "function.__new__", "marshal.loads", "os.listdir", "os.scandir", "glob.glob",
        "array.__new__", "_thread.start_new_thread", "time.sleep", "sys._current_frames",
        "sys._current_exceptions", "gc.get_referrers", "gc.get_referents", "gc.get_objects",
        "sys.getobjects", "os.getxattr",
        /* the process's own state, which the snapshot holds as it is then
         * (a reset puts the working folder back to the snapshot's) */
        "sys.settrace", "sys.setprofile", "sys.addaudithook", "sys.excepthook", "os.putenv",
        "os.unsetenv", "os.chdir"};
    for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++)
        if (strcmp(ev, fine[i]) == 0)
            return 0;
    if (strcmp(ev, "open") == 0 && PyTuple_Check(args) && PyTuple_GET_SIZE(args) >= 3) {
        /* open(path, mode, flags): mode a str, or None with os.open's flags */
        PyObject *mode = PyTuple_GET_ITEM(args, 1), *flags = PyTuple_GET_ITEM(args, 2);
        const char *m = PyUnicode_Check(mode) ? PyUnicode_AsUTF8(mode) : NULL;
        long fl = PyLong_Check(flags) ? PyLong_AsLong(flags) : -1;
        if (PyErr_Occurred())
            PyErr_Clear();
        if (m ? !strpbrk(m, "wax+")
              : mode == Py_None && fl >= 0 && (fl & O_ACCMODE) == O_RDONLY &&
                    !(fl & (O_CREAT | O_TRUNC)))
            return 0;
    }
    defer_tainted = true;
    return 0;
}

/* The Python heap refused an allocation while the hook was there: from
 * here on the start runs as without it (an event's arguments, which only a
 * hook makes CPython build, could fail to allocate where a forked run's
 * program goes on), and no snapshot is taken at its first choice. */
static void runner__refused(void)
{
    defer_tainted = true;
    cpy_ts_audit_unhook(runner__audit);
}

/* The descriptors open now are those open before the run and its pipes. */
static bool runner__fds_clean(void)
{
    int now[64];
    int n = cpy_snap_fds(now, 64);
    if (n < 0 || defer_nfds < 0)
        return false;
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (now[i] == pipe_fd || now[i] == reply_fd)
            continue;
        if (k >= defer_nfds || defer_fds[k] != now[i])
            return false;
        k++;
    }
    return k == defer_nfds;
}

/* A request the snapshot taken under defer_req can serve: the same kind
 * of run up to its first choice. */
static bool runner__same_kind(const zyg_req *rq, const sim_policy *p)
{
    const zyg_req *a = &defer_req;
    return rq->mode == a->mode && rq->every_step == a->every_step &&
           rq->decisions == a->decisions && rq->max_events == a->max_events &&
           rq->max_decisions == a->max_decisions &&
           rq->timers == a->timers && rq->jitter == a->jitter && p->name == defer_real.name &&
           p->every_step == defer_real.every_step && !p->pick == !defer_real.pick &&
           !p->pick_timer == !defer_real.pick_timer && p->jitter == defer_real.jitter;
}

static int runner__recv(zyg_req *rq, int fds[2], char **blob);

/* The next request taken (its pipes, its policy), acknowledged, and this
 * process made its run; with `same_kind`, one the snapshot taken under
 * defer_req cannot serve is refused (ack 2). The runner ends when the
 * zygote is gone or the request was refused. Returns the request. */
static zyg_req runner__next_run(bool same_kind)
{
    zyg_req rq;
    int fds[2];
    char *blob = NULL;
    if (runner__recv(&rq, fds, &blob) != 0)
        _exit(0);
    sim_policy pol = zyg__policy(&rq, blob);
    int32_t ack = !same_kind || runner__same_kind(&rq, &pol) ? 0 : 2;
    if (sock_send(runner_dsock, &ack, sizeof ack) != 0 || ack != 0)
        _exit(0);
    zyg__become_run_with(&rq, fds, pol);
    return rq;
}

/* The first choice of a runner's first run (n candidates; a timer
 * decision if `timer`): the snapshot, and after each reset the next run. */
static uint32_t runner__trap(sim_sched *s, uint32_t n, bool timer)
{
    stdin_mark in = runner__stdin();
    bool clean = !defer_tainted && runner__fds_clean() && runner__stdin_same(&in, &defer_stdin);
    runner__disarm();
    pipe_hold = true; /* until the snapshot is taken */
    if (clean) {
        int skip[2] = {pipe_fd, reply_fd};
        snap_stacks_whole = sim_stack_soft_grown() == 0;
        cpy_watchdog_stop();
        int r = cpy_snap_take_except(cpy.ro.reset == PY_RESET_VERIFY, skip, reply_fd >= 0 ? 2 : 1);
        if (r == 1)
            (void)runner__next_run(true); /* a reset: the next request, of the same kind */
        else
            cpy_watchdog_start(); /* (runner__next_run's run starts it) */
        /* r == 0: this run goes on; r < 0: it goes on, and the runner
         * ends with it (cpy_snap_reset refuses) */
    }
    pipe_hold = false;
    uint32_t (*pick)(void *, sim_sched *, uint32_t) = timer ? s->policy.pick_timer : s->policy.pick;
    return pick ? pick(s->policy.ud, s, n) : 0;
}

static uint32_t runner__trap_pick(void *ud, sim_sched *s, uint32_t n)
{
    (void)ud;
    if (s->ndecisions < runner_at) /* before a deeper snapshot's decision: the run's own */
        return defer_real.pick ? defer_real.pick(defer_real.ud, s, n) : 0;
    return runner__trap(s, n, false);
}

static uint32_t runner__trap_timer(void *ud, sim_sched *s, uint32_t n)
{
    (void)ud;
    if (s->ndecisions < runner_at)
        return defer_real.pick_timer ? defer_real.pick_timer(defer_real.ud, s, n) : 0;
    return runner__trap(s, n, true);
}

/* The runner's life: the snapshot, then (again after every reset) one
 * request, and on into its run. */
static void runner__main(int sock, int dsock)
{
    /* malloc's big blocks from the heap, never a mapping of their own:
     * freeing one and taking another of the same size elsewhere (glibc's
     * internal munmap and mmap, which the layout watch does not see, and
     * the sizes it compares net out) left the snapshot's block unmapped
     * after a reset, and the next free of the pointer the reset put back
     * faulted (explore's schedule prefixes past 128 KiB, run after run) */
    mallopt(M_MMAP_MAX, 0);
    close(zyg_ctl);
    zyg_ctl = -1;
    runner_sock = fcntl(sock, F_DUPFD_CLOEXEC, 950);
    runner_dsock = fcntl(dsock, F_DUPFD_CLOEXEC, 951);
    close(sock);
    close(dsock);
    if (runner_sock < 0 || runner_dsock < 0)
        _exit(0);
    if (cpy.ro.sandbox) {
        /* confined once, for all its runs: what the snapshot needs is
         * opened first (the sandbox refuses userfaultfd and /proc) */
        if (cpy_snap_open() != 0) {
            int32_t no = 1;
            (void)sock_send(runner_sock, &no, sizeof no);
            _exit(0);
        }
        child__enter_sandbox();
        child_confined = true;
    }
    if (runner_defer) {
        /* the snapshot at the first run's first choice (above) */
        defer_nfds = cpy_snap_fds(defer_fds, 64);
        defer_stdin = runner__stdin();
        dalloc_on_refuse(runner__refused);
        if (defer_nfds < 0 || PySys_AddAuditHook(runner__audit, NULL) != 0) {
            PyErr_Clear();
            int32_t no = 1;
            (void)sock_send(runner_sock, &no, sizeof no);
            _exit(0);
        }
        int32_t ok = 0;
        if (sock_send(runner_sock, &ok, sizeof ok) != 0)
            _exit(0);
        defer_req = runner__next_run(false);
        sim_sched *s = model_sched();
        defer_real = s->policy;
        s->policy.pick = runner__trap_pick;
        if (s->policy.pick_timer)
            s->policy.pick_timer = runner__trap_timer;
        pipe_hold = true;
        defer_armed = true;
        return;
    }
    snap_stacks_whole = sim_stack_soft_grown() == 0;
    int r = cpy_snap_take(cpy.ro.reset == PY_RESET_VERIFY);
    if (r < 0) {
        if (cpy.ro.reset == PY_RESET_VERIFY)
            fprintf(stderr, "threadsim: no in-process reset: %s\n", cpy_snap_why());
        int32_t no = 1;
        (void)sock_send(runner_sock, &no, sizeof no);
        _exit(0);
    }
    int32_t ok = 0;
    if (r == 0 && sock_send(runner_sock, &ok, sizeof ok) != 0)
        _exit(0);
    (void)runner__next_run(false);
}

/* The end of a run in its process: a reset in the runner, else exit. */
static _Noreturn void zyg__run_over(void)
{
    /* a stack still grown past its first bytes has its soft guard moved
     * (sim/stack.h), which a reset does not put back: the runner ends
     * instead, and the session's next run takes another. (The stacks of
     * threads that ended or were killed are back as they were: guard in
     * place, the pages below it given back, absent as at the snapshot.) */
    if (runner_dsock >= 0 && snap_stacks_whole && sim_stack_soft_grown() == 0)
        (void)cpy_snap_reset(runner_dsock, 0);
    _exit(0);
}

/* The runner is gone or going: its wait status. A program whose every
 * run ends its process (os._exit) or leaves what a reset cannot undo (a
 * resource limit changed) would pay a snapshot per run: after three such
 * runners in a row the session forks per run instead. */
static int32_t zyg__reap_runner(bool moved)
{
    if (moved)
        ; /* the caller went on to runs its snapshot does not serve: it did its part */
    else if (runner_deferred && runner_runs <= 1 && runner_at > 0)
        deep_off = true; /* no snapshot that deep: at the first choice then */
    else if (runner_deferred && runner_runs <= 1)
        defer_off = true; /* no snapshot at the first choice: at the start then */
    else if (runner_runs <= 1 && ++runner_short >= 3)
        runner_off = true;
    else if (runner_runs > 1)
        runner_short = 0;
    runner_deferred = false;
    runner_runs = 0;
    int ws = 0;
    if (runner_fd >= 0)
        close(runner_fd);
    runner_fd = -1;
    if (runner_dfd >= 0)
        close(runner_dfd);
    runner_dfd = -1;
    if (runner_pid > 0)
        while (waitpid(runner_pid, &ws, 0) < 0 && errno == EINTR)
            ;
    runner_pid = 0;
    return ws;
}

/* A runner, forked from here, its snapshot taken (or, for an explorer's
 * run, to be taken at its first choice); -1 if none can be. */
static int zyg__start_runner(const zyg_req *rq, const int fds[2])
{
    runner_defer = !defer_off && rq->mode == ZYG_MADE;
    runner_deferred = runner_defer;
    runner_at = runner_defer && !deep_off ? rq->snap_at : 0;
    int sv[2], dv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return -1;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, dv) != 0) {
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        close(dv[0]);
        close(dv[1]);
        return -1;
    }
    if (pid == 0) {
        child__die_with(parent);
        close(sv[0]);
        close(dv[0]);
        close(fds[0]); /* the caller sends this request again, to the runner */
        if (fds[1] >= 0)
            close(fds[1]);
        runner__main(sv[1], dv[1]);
        return 1; /* in a run */
    }
    close(sv[1]);
    close(dv[1]);
    runner_pid = pid;
    runner_fd = sv[0];
    runner_dfd = dv[0];
    int32_t st;
    if (io_full(runner_fd, &st, sizeof st, false) != 0 || st != 0) {
        zyg__reap_runner(false);
        runner_off = true;
        return -1;
    }
    return 0;
}

/* Request rq goes to the runner (started if there is none): the caller
 * is told its pid and given its socket, and sends the request there
 * itself, and every later one, until that runner is gone (a note on a
 * request then says so). The runner answers each request (its ack), runs
 * it and gives the caller its word after the reset (0) on that socket:
 * the zygote is not between them. 1 in the runner's run; 0 when the
 * caller was told; -1 when no runner can take it (fork). */
static int zyg__to_runner(const zyg_req *rq, const int fds[2])
{
    if (runner_pid <= 0) {
        int r = zyg__start_runner(rq, fds);
        if (r != 0)
            return r;
    }
    if (runner_dfd < 0)
        return -1; /* handed over already (the caller forks this one) */
    zyg_reply rp = {.pid = (int32_t)runner_pid, .direct = 1,
                    .snap_at = runner_deferred ? runner_at : 0};
    int dfds[2] = {runner_dfd, -1};
    if (fds_send(zyg_ctl, &rp, sizeof rp, dfds) != 0)
        _exit(0);
    close(runner_dfd);
    runner_dfd = -1;
    return 0;
}

static void zyg__serve(void)
{
    for (;;) {
        zyg_req rq;
        int fds[2] = {-1, -1};
        if (zyg__recv(&rq, fds) != 0)
            _exit(0); /* the session is closed (or its caller is gone) */
        char *blob = rq.blob_len ? malloc(rq.blob_len) : NULL;
        if (rq.blob_len && (!blob || io_full(zyg_ctl, blob, rq.blob_len, false) != 0))
            _exit(0);
        uint32_t note = rq.note & (ZYG_NOTE_GONE | ZYG_NOTE_REFUSED | ZYG_NOTE_MOVED);
        if (note) {
            /* the runner the caller was sent to: gone, refused this kind,
             * or left for runs its snapshot does not serve */
            runner_runs += rq.runs;
            if (note == ZYG_NOTE_REFUSED)
                defer_off = true; /* another kind of run than its snapshot's */
            int32_t w = zyg__reap_runner(note == ZYG_NOTE_MOVED);
            if (rq.mode == ZYG_REAP) {
                if (io_full(zyg_ctl, &w, sizeof w, true) != 0)
                    _exit(0);
                continue;
            }
        }
        if (rq.mode == ZYG_REAP || fds[0] < 0)
            _exit(0); /* not a request this zygote knows */
        zyg_nreq++;
        if (zyg_nreq >= 2 && cpy.ro.reset != PY_RESET_FORK && !runner_off &&
            !(rq.note & ZYG_NOTE_FORK) && cpy_snap_supported()) {
            int r = zyg__to_runner(&rq, fds);
            if (r == 1)
                return; /* in the runner, into its first run */
            if (r == 0) {
                close(fds[0]);
                if (fds[1] >= 0)
                    close(fds[1]);
                free(blob);
                continue;
            }
        }
        pid_t parent = getpid();
        pid_t pid = fork();
        if (pid == 0) {
            /* the run */
            child__die_with(parent);
            close(zyg_ctl);
            zyg_ctl = -1;
            zyg__become_run(&rq, fds, blob);
            return;
        }
        zyg_reply rp = {.pid = pid < 0 ? -1 : (int32_t)pid, .direct = 0};
        close(fds[0]);
        if (fds[1] >= 0)
            close(fds[1]);
        free(blob);
        if (io_full(zyg_ctl, &rp, sizeof rp, true) != 0)
            _exit(0);
        if (pid < 0)
            continue;
        int ws = 0;
        while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
            ;
        int32_t w = ws;
        if (io_full(zyg_ctl, &w, sizeof w, true) != 0)
            _exit(0);
    }
}

/* ---- the parent ------------------------------------------------------------------------ */

/* The event pipe is read in 64 KiB gulps (a run's records are small and
 * many: a read per field cost more than the run). One run is read at a
 * time; py_session_run resets this before each. */
static struct {
    int fd;
    size_t pos, len;
    char b[1 << 16];
} rd = {.fd = -1};

/* The guard: what a run takes from the host around the simulator.
 *
 * Memory. dalloc counts --max-memory exactly for everything Python
 * allocates, and stops it with a MemoryError; memory taken around it is not
 * counted (ctypes calling libc's malloc or mmap, a C library's own
 * allocations): a program doing that reached 5 GB at --max-memory 64M. So
 * while the parent waits for a run's records it looks at the run's process
 * every GUARD_PERIOD seconds of wall time (its /proc/PID/statm, one pread)
 * and ends the run with a "memory limit" once the process's anonymous
 * resident memory passes twice the limit plus GUARD_SLACK. That is above
 * anything a run within the limit reaches (dalloc's blocks are at most the
 * limit, the freed pages it keeps resident at most 32 MiB and a quarter of
 * that, thread stacks are charged to the limit, the engine's own memory a
 * few MiB, an explorer's snapshot copies what start-up touched), so it never
 * ends a run that dalloc would let go on.
 *
 * Disk. A program's files have no other bound (a loop of writes took 2.8
 * GB in 5 s; --sandbox caps each file, not their number). The session notes
 * the free space of the filesystems a program most likely writes to (the
 * working folder's, the program's, /tmp's, /var/tmp's, /dev/shm's) when it
 * opens, and the guard ends a run with a "disk limit" once one of them has
 * lost more than --max-disk of it (1 GiB), or half of what was free, and
 * the run's process has written at least half that (its /proc/PID/io
 * wchar less its event pipe's bytes: other processes filling the disk, a
 * CI machine's other jobs, end no run): the files every run of the session
 * left count (an exploration whose runs each leave a file stops there
 * too). It looks at the same times as at memory,
 * and before a run when a period has passed since its last look, so an
 * explorer's short runs are watched as well.
 *
 * Where either stops a run is not deterministic (it is wall time): the trace
 * ends in a limit event that says what happened. */
#define GUARD_PERIOD 0.05
#define GUARD_SLACK ((uint64_t)128 << 20)
/* Under AddressSanitizer a run's own memory (the shadow, the quarantine, a
 * fake stack per green thread: 3 GiB for traces/hostile/many_threads.py)
 * is not the program's: no memory guard there (the release build's is
 * tested). */
#if SIM_ASAN
#define GUARD_RSS 0
#else
#define GUARD_RSS 1
#endif
#define DISK_WATCH_MAX 6

typedef struct {
    int n;
    dev_t dev[DISK_WATCH_MAX];
    char *path[DISK_WATCH_MAX];
    uint64_t free0[DISK_WATCH_MAX];  /* bytes free when the session opened */
    uint64_t budget[DISK_WATCH_MAX]; /* of them, what its runs may take */
    double next;                     /* wall time of the next look */
} disk_watch;

typedef enum { GUARD_NONE, GUARD_MEMORY, GUARD_DISK } guard_why;

static struct {
    pid_t pid;        /* the process statm_fd is of */
    pid_t run_pid;    /* the process of the run (a runner serves many) */
    uint64_t piped;   /* bytes read from its event pipes (all its runs) */
    int statm_fd;     /* -1: no memory guard */
    uint64_t cap;     /* anonymous resident bytes allowed */
    double next;      /* wall time of the next look */
    disk_watch *disk; /* the session's (NULL or n == 0: no disk guard) */
    bool on;          /* either guard */
    guard_why tripped; /* what ended this run */
} guard = {.statm_fd = -1};

/* Blocks reserved without a write: posix_fallocate and fallocate. The
 * guard counts what a run wrote (wchar) and looks every GUARD_PERIOD, so
 * one call reserving 20 GB went by it and filled the disk. threadsim's
 * binary exports these (model/cpy/CMakeLists.txt), so libpython's
 * os.posix_fallocate and the C the program loads call them: during a run,
 * a reservation that would take the run past --max-disk, or past half the
 * filesystem's free space, fails with ENOSPC, as on a full disk (OSError
 * [Errno 28]). What a run reserves is counted in the process (a reset puts
 * the count back with the rest); a length is counted whole, blocks already
 * there or not. Punching or collapsing a range frees blocks: not counted. */
static uint64_t falloc_taken;

static int falloc__allow(int fd, int mode, int64_t len)
{
    if (!cpy.in_run || !cpy.ro.max_disk || len <= 0 ||
        (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE)))
        return 0;
    struct statvfs sv;
    uint64_t avail = fstatvfs(fd, &sv) == 0 ? (uint64_t)sv.f_bavail * sv.f_frsize : 0;
    uint64_t cap = cpy.ro.max_disk < avail / 2 ? cpy.ro.max_disk : avail / 2;
    if ((uint64_t)len > cap || falloc_taken > cap - (uint64_t)len)
        return ENOSPC;
    falloc_taken += (uint64_t)len;
    return 0;
}

/* (each defined under a C name of its own and given the symbol by an asm
 * label: with 64-bit file offsets the headers name posix_fallocate as
 * posix_fallocate64, and both symbols are wanted) */
#define FALLOC_POSIX(cname, sym)                                                                   \
    int cname(int fd, off_t off, off_t len) __asm__(sym);                                          \
    int cname(int fd, off_t off, off_t len)                                                        \
    {                                                                                              \
        static void *next;                                                                         \
        int (*fn)(int, off_t, off_t) = (int (*)(int, off_t, off_t))cpy_snap_next_symbol(&next, sym);       \
        int e = falloc__allow(fd, 0, len);                                                         \
        return e ? e : fn ? fn(fd, off, len) : ENOSYS;                                             \
    }
#define FALLOC_LINUX(cname, sym)                                                                   \
    int cname(int fd, int mode, off_t off, off_t len) __asm__(sym);                                \
    int cname(int fd, int mode, off_t off, off_t len)                                              \
    {                                                                                              \
        static void *next;                                                                         \
        int (*fn)(int, int, off_t, off_t) =                                                        \
            (int (*)(int, int, off_t, off_t))cpy_snap_next_symbol(&next, sym);                             \
        int e = falloc__allow(fd, mode, len);                                                      \
        if (!e && !fn)                                                                             \
            e = ENOSYS;                                                                            \
        if (e) {                                                                                   \
            errno = e;                                                                             \
            return -1;                                                                             \
        }                                                                                          \
        return fn(fd, mode, off, len);                                                             \
    }
FALLOC_POSIX(falloc__posix, "posix_fallocate")
FALLOC_POSIX(falloc__posix64, "posix_fallocate64")
FALLOC_LINUX(falloc__linux, "fallocate")
FALLOC_LINUX(falloc__linux64, "fallocate64")

static uint64_t disk__free(const char *path, bool *ok)
{
    struct statvfs sv;
    *ok = statvfs(path, &sv) == 0 && !(sv.f_flag & ST_RDONLY);
    return *ok ? (uint64_t)sv.f_bavail * sv.f_frsize : 0;
}

static void disk__watch(disk_watch *d, const char *path, uint64_t max)
{
    struct stat st;
    if (d->n == DISK_WATCH_MAX || !path || !*path || stat(path, &st) != 0)
        return;
    for (int i = 0; i < d->n; i++)
        if (d->dev[i] == st.st_dev)
            return;
    bool ok;
    uint64_t f = disk__free(path, &ok);
    char *cp = ok ? strdup(path) : NULL;
    if (!cp)
        return;
    d->dev[d->n] = st.st_dev;
    d->path[d->n] = cp;
    d->free0[d->n] = f;
    d->budget[d->n] = max < f / 2 ? max : f / 2;
    d->n++;
}

static void disk__open(disk_watch *d, const py_program *p, uint64_t max)
{
    memset(d, 0, sizeof *d);
    if (max == 0)
        return;
    disk__watch(d, ".", max);
    char *dir = p && p->filename ? strdup(p->filename) : NULL;
    char *slash = dir ? strrchr(dir, '/') : NULL;
    if (slash) {
        slash[slash == dir] = '\0';
        disk__watch(d, dir, max);
    }
    free(dir);
    disk__watch(d, "/tmp", max);
    disk__watch(d, "/var/tmp", max);
    disk__watch(d, "/dev/shm", max);
}

static void disk__close(disk_watch *d)
{
    for (int i = 0; i < d->n; i++)
        free(d->path[i]);
    d->n = 0;
}

/* What process `pid` wrote through write(2) and the like other than its
 * event pipe (/proc/PID/io's wchar less what the parent read from it): at
 * least its files' bytes. UINT64_MAX if unreadable. */
static uint64_t disk__written(pid_t pid, uint64_t piped)
{
    char path[64], b[512];
    snprintf(path, sizeof path, "/proc/%d/io", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t r = fd >= 0 ? read(fd, b, sizeof b - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (r <= 0)
        return UINT64_MAX;
    b[r] = '\0';
    const char *w = strstr(b, "wchar:");
    unsigned long long wchar;
    if (!w || sscanf(w + 6, "%llu", &wchar) != 1)
        return UINT64_MAX;
    return wchar > piped ? wchar - piped : 0;
}

/* A filesystem lost more than its budget, and the run's process wrote at
 * least half that much itself: another process filling the disk (a CI
 * machine's other jobs) does not end a run that writes nothing. */
static bool disk__over(disk_watch *d, double now, pid_t pid, uint64_t piped)
{
    d->next = now + GUARD_PERIOD;
    for (int i = 0; i < d->n; i++) {
        bool ok;
        uint64_t f = disk__free(d->path[i], &ok);
        if (ok && f + d->budget[i] < d->free0[i]) {
            uint64_t wrote = disk__written(pid, piped);
            if (wrote == UINT64_MAX || wrote >= d->budget[i] / 2)
                return true;
        }
    }
    return false;
}

static void guard__close(void)
{
    if (guard.statm_fd >= 0)
        close(guard.statm_fd);
    guard.statm_fd = -1;
    guard.pid = 0;
}

/* Whether the process is past its cap (an unreadable statm: no). */
static bool guard__mem_over(void)
{
    char b[256];
    ssize_t r = pread(guard.statm_fd, b, sizeof b - 1, 0);
    if (r <= 0)
        return false;
    b[r] = '\0';
    unsigned long long size, resident, shared;
    if (sscanf(b, "%llu %llu %llu", &size, &resident, &shared) != 3 || shared > resident)
        return false;
    return (resident - shared) * (uint64_t)sysconf(_SC_PAGESIZE) > guard.cap;
}

/* A look at the run's process and the session's filesystems; a run past
 * either is killed (guard.tripped says why). Returns whether it was. */
static bool guard__look(double now, pid_t pid)
{
    guard.next = now + GUARD_PERIOD;
    if (guard.statm_fd >= 0 && guard__mem_over())
        guard.tripped = GUARD_MEMORY;
    else if (guard.disk && guard.disk->n && disk__over(guard.disk, now, pid, guard.piped))
        guard.tripped = GUARD_DISK;
    if (guard.tripped)
        kill(pid, SIGKILL);
    return guard.tripped != GUARD_NONE;
}

/* Before each run: watch `pid` (a runner keeps its file open across runs)
 * and the session's filesystems (looked at now if a period has passed). */
static void guard__arm(pid_t pid, uint64_t max_memory, disk_watch *disk)
{
    guard.tripped = GUARD_NONE;
    guard.disk = disk;
    if (pid != guard.run_pid) {
        guard.run_pid = pid;
        guard.piped = 0;
    }
    if (max_memory == 0 || !GUARD_RSS) {
        guard__close();
    } else {
        if (pid != guard.pid || guard.statm_fd < 0) {
            guard__close();
            char path[64];
            snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
            guard.statm_fd = open(path, O_RDONLY | O_CLOEXEC);
            guard.pid = pid;
        }
        guard.cap = 2 * max_memory + GUARD_SLACK;
    }
    guard.on = guard.statm_fd >= 0 || (disk && disk->n);
    if (!guard.on)
        return;
    double now = wall_now();
    guard.next = now + GUARD_PERIOD;
    if (disk && disk->n && now >= disk->next && disk__over(disk, now, pid, guard.piped)) {
        guard.tripped = GUARD_DISK;
        kill(pid, SIGKILL);
    }
}

static int read_full_slow(int fd, void *buf, size_t n, double deadline, pid_t pid,
                          bool *timed_out);

/* A record's fields come out of the 64 KiB gulp: a copy, the read only when
 * the gulp is used up (the explorer's runs send a record per decision). */
static inline int read_full(int fd, void *buf, size_t n, double deadline, pid_t pid,
                            bool *timed_out)
{
    if (rd.fd == fd && rd.len - rd.pos >= n) {
        memcpy(buf, rd.b + rd.pos, n);
        rd.pos += n;
        return 0;
    }
    return read_full_slow(fd, buf, n, deadline, pid, timed_out);
}

static int read_full_slow(int fd, void *buf, size_t n, double deadline, pid_t pid,
                          bool *timed_out)
{
    if (rd.fd != fd) {
        rd.fd = fd;
        rd.pos = rd.len = 0;
    }
    size_t off = 0;
    while (off < n) {
        if (rd.pos < rd.len) {
            size_t k = n - off < rd.len - rd.pos ? n - off : rd.len - rd.pos;
            memcpy((char *)buf + off, rd.b + rd.pos, k);
            rd.pos += k;
            off += k;
            continue;
        }
        if (deadline > 0 || guard.on) {
            double now = wall_now(), left = GUARD_PERIOD;
            if (deadline > 0) {
                left = deadline - now;
                if (left <= 0) {
                    *timed_out = true;
                    kill(pid, SIGKILL);
                    return -1;
                }
            }
            if (guard.on) {
                if (guard.tripped || (now >= guard.next && guard__look(now, pid)))
                    return -1;
                if (guard.next - now < left)
                    left = guard.next - now;
            }
            struct pollfd pf = {fd, POLLIN, 0};
            int pr = poll(&pf, 1, (int)(left * 1000) + 1);
            if (pr < 0 && errno == EINTR)
                continue;
            if (pr == 0)
                continue;
        }
        ssize_t r = read(fd, rd.b, sizeof rd.b);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        guard.piped += (uint64_t)r;
        rd.pos = 0;
        rd.len = (size_t)r;
    }
    return 0;
}

/* `n` bytes into *buf (grown as needed), NUL-terminated. */
static int read_part(int fd, char **buf, size_t *cap, uint32_t n, double deadline, pid_t pid,
                     bool *timed_out)
{
    if ((size_t)n + 1 > *cap) {
        size_t c = (size_t)n + 1 > 2 * *cap ? (size_t)n + 1 : 2 * *cap;
        char *q = realloc(*buf, c);
        if (!q)
            return -1;
        *buf = q;
        *cap = c;
    }
    if (read_full(fd, *buf, n, deadline, pid, timed_out) != 0)
        return -1;
    (*buf)[n] = '\0';
    return 0;
}

/* The parent ends a run the child could not end itself (stuck in C past
 * the timeout, or off its stack): a `limit` event after the last one seen,
 * the result of a limited run. Returns MODEL_EXIT_LIMIT. */
static int parent__limit(const model_opts *m, const sim_event *last, const char *reason,
                         const char *text, model_result *out)
{
    sim_event ev = {.seq = last->seq + 1, .time = last->time, .kind = SIM_EV_LIMIT,
                    .thread = SIM_NONE, .other = SIM_NONE, .obj = SIM_NONE,
                    .reason = reason, .text = text, .len = strlen(text)};
    if (m->sink)
        m->sink(m->sink_ud, &ev);
    out->status = MODEL_EXIT_LIMIT;
    out->outcome = MODEL_OUT_LIMIT;
    out->sim = SIM_LIMIT;
    out->end_time = last->time;
    out->events = last->seq + 1;
    return MODEL_EXIT_LIMIT;
}

/* The caller's policy decides, on a sim_sched that shows what the child
 * sent: the ready queue (ids), now, nevents, ndecisions. */
static uint32_t parent__pick(const model_opts *m, const rec_pick *pk, const uint32_t *ids)
{
    if (!m->policy.pick || pk->n == 0)
        return 0;
    sim_thread *th = calloc(pk->n, sizeof *th);
    sim_thread **rq = calloc(pk->n, sizeof *rq);
    uint32_t choice = 0;
    if (th && rq) {
        for (uint32_t i = 0; i < pk->n; i++) {
            th[i].id = ids[i];
            th[i].state = SIM_T_READY;
            rq[i] = &th[i];
        }
        sim_sched s;
        memset(&s, 0, sizeof s);
        s.now = pk->now;
        s.nevents = pk->nevents;
        s.ndecisions = pk->ndecisions;
        s.step_decision = pk->step_decision != 0;
        s.timer_decision = pk->timer_decision != 0;
        s.rq = rq;
        s.rq_len = pk->n;
        /* the ring's capacity is a power of two (sim/sched.c); rq[i] for
         * i < n is then the i-th ready thread, as head is 0 */
        for (s.rq_cap = 1; s.rq_cap < pk->n;)
            s.rq_cap *= 2;
        s.policy = m->policy;
        if (s.timer_decision)
            choice = m->policy.pick_timer ? m->policy.pick_timer(m->policy.ud, &s, pk->n) : 0;
        else
            choice = m->policy.pick(m->policy.ud, &s, pk->n);
    }
    free(th);
    free(rq);
    return choice;
}

struct py_session {
    pid_t pid;                /* the zygote */
    pid_t last_run;           /* the process the last run ran in */
    int ctl;                  /* the socket to it; -1 once it is gone */
    int direct;               /* the socket to its runner, which takes requests itself; -1 */
    pid_t direct_pid;         /* ... that runner */
    uint32_t direct_runs;     /* ... the requests it took */
    uint32_t direct_at;       /* ... the decision its snapshot is at (Deeper snapshots) */
    uint32_t *at_fixed;       /* ... and the words that fixed the decisions before it */
    uint64_t at_key;          /* ... and their py_policy_req.fixed_key */
    size_t at_cap;
    uint32_t deep_skip;       /* requests to go before another deeper snapshot is tried */
    uint32_t deep_backoff;    /* ... after the next one that saves too little */
    double run_s;             /* a run's wall time from the first choice, on average (s) */
    double deep_gain;         /* wall time the current deeper runner saved so far, less its
                               * start (s) */
    bool fresh;               /* the run being sent started a new runner */
    double deep_s;            /* the wall time of the current deeper runner's runs but its
                               * first, in all */
    uint32_t deep_n;          /* ... how many */
    bool deep_off;            /* the zygote took one sooner than asked: no more asking */
    uint32_t *prev;           /* the last request's fixed words */
    size_t nprev, prev_cap;
    uint32_t low, low_age;    /* the fewest it shared with the one before, lately */
    bool low_set;
    uint64_t deep_runners, deep_resumed; /* py_session_deep_stats */
    py_run_opts ro;
    int dead_status;          /* the status runs get once the zygote is gone */
    disk_watch disk;          /* the filesystems the guard watches */
};

py_session *py_session_open(const py_program *p, const model_opts *mo, const py_run_opts *ro)
{
    model_opts m = mo ? *mo : model_opts_default();
    py_run_opts r = ro ? *ro : py_run_opts_default();
    py_session *ss = calloc(1, sizeof *ss);
    int sv[2];
    if (!ss || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        fprintf(stderr, "threadsim: cannot start the Python engine: %s\n", strerror(errno));
        free(ss);
        return NULL;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "threadsim: cannot start the Python engine: %s\n", strerror(errno));
        close(sv[0]);
        close(sv[1]);
        free(ss);
        return NULL;
    }
    if (pid == 0) {
        child__die_with(parent);
        /* Only its own socket: another session's socket kept open here would
         * never see its caller close it (that zygote would wait forever),
         * and the caller's files (its database) are none of the program's. */
        int keep = sv[1];
        if (keep > 3)
            close_range(3, (unsigned)keep - 1, 0);
        close_range((unsigned)keep + 1, ~0U, 0);
        zyg_ctl = keep;
        zyg_session = ss;
        pipe_hold = true;
        cpy.prog = p;
        cpy.mo = m;
        cpy.ro = r;
        model_result cres;
        memset(&cres, 0, sizeof cres);
        int status = child__run(p, &cres); /* returns in a run's process */
        cres.wrote_files = cpy.wrote_files;
        rec_result rr = {status, cres};
        runner__disarm(); /* a run that came to no choice: no snapshot */
        pipe_put(REC_RESULT, &rr, sizeof rr);
        pipe_flush();
        fflush(stdout);
        fflush(stderr);
        zyg__run_over();
    }
    close(sv[1]);
    ss->pid = pid;
    ss->ctl = sv[0];
    ss->direct = -1;
    ss->ro = r;
    disk__open(&ss->disk, p, r.max_disk);
    ss->dead_status = MODEL_EXIT_INTERNAL;
    return ss;
}

/* The zygote is gone (it failed to start: it said why on stderr): its
 * status is every later run's. */
static int session__dead(py_session *ss)
{
    if (ss->ctl >= 0) {
        close(ss->ctl);
        ss->ctl = -1;
        int ws = 0;
        while (waitpid(ss->pid, &ws, 0) < 0 && errno == EINTR)
            ;
        if (WIFEXITED(ws) && WEXITSTATUS(ws) != 0)
            ss->dead_status = WEXITSTATUS(ws);
        else if (WIFSIGNALED(ws))
            fprintf(stderr, "threadsim: the Python engine died (signal %d: %s) while starting\n",
                    WTERMSIG(ws), strsignal(WTERMSIG(ws)));
        else
            fprintf(stderr, "threadsim: the Python engine ended without a result\n");
    }
    return ss->dead_status;
}

static int session__send(int sock, const zyg_req *rq, const void *blob, int fd0, int fd1)
{
    int fds[2] = {fd0, fd1};
    if (fds_send(sock, rq, sizeof *rq, fds) != 0)
        return -1;
    return rq->blob_len ? io_full(sock, (void *)blob, rq->blob_len, true) : 0;
}

/* The runner the session sent requests to is done with: the next request
 * to the zygote carries `note` (ZYG_NOTE_*) and how many it took. */
static void session__drop_direct(py_session *ss, uint32_t note, zyg_req *rq)
{
    if (ss->direct >= 0)
        close(ss->direct);
    ss->direct = -1;
    rq->note = (rq->note & ZYG_NOTE_FORK) | note;
    rq->runs = ss->direct_runs;
    ss->direct_runs = 0;
}

/* The runner ended a run without its word: its wait status, from the
 * zygote, which reaps it. */
static int32_t session__reap(py_session *ss)
{
    zyg_req rq = {.mode = ZYG_REAP};
    session__drop_direct(ss, ZYG_NOTE_GONE, &rq);
    int32_t ws = 0;
    if (ss->ctl < 0 || send(ss->ctl, &rq, sizeof rq, MSG_NOSIGNAL) != (ssize_t)sizeof rq ||
        io_full(ss->ctl, &ws, sizeof ws, false) != 0)
        return (int32_t)(MODEL_EXIT_INTERNAL << 8);
    return ws;
}

/* Deeper snapshots. An explorer's dfs and dpor vary the last decisions
 * of a schedule first: the runs they make one after another share most of
 * their decisions (the semaphore page's pool: 140-190 of about 195), and a
 * runner whose snapshot is the first choice runs all of them again, every
 * time. So a request whose policy promises its first decisions
 * (py_policy_req.fixed) may go to a runner that took its snapshot at a
 * decision of that prefix instead (zyg_req.snap_at; the runner's first run
 * is the run itself, trapped there: runner__trap_pick), and each later run
 * whose fixed words agree up to there, under the same key (fixed_key: what
 * else the run up to there depends on, dpor's notes of the candidates at
 * each decision, which the snapshot holds), is resumed from it: the same run
 * byte for byte, as the decisions before it are the same picks from the
 * same state (tests compare every trace with a forked run's). Where: a
 * little (DEEP_MARGIN) above the fewest words the requests lately shared
 * with the one before them (session__low: where the search branches). A
 * request that does not agree leaves the runner (ZYG_NOTE_MOVED) for a
 * new one; so does one whose branch point moved DEEP_STEP past it.
 *
 * A new runner costs a fork, its first run and a snapshot: 8-11 ms here,
 * 10-40 runs of the tutorial's programs. So the session times its runs
 * (the wall clock decides where a run goes, never what it does): a deeper
 * runner that saved less than it cost keeps the next ones away for as many
 * requests as make another such loss a quarter of the time meanwhile,
 * twice that after each; one whose runs took three quarters of a run from
 * the first choice (a program whose run is mostly the reset and the
 * pipes) ends them for the session, as does a runner that could not take
 * its snapshot that deep (the run did something a reset cannot undo
 * before it: the zygote's deep_off, which its reply says). */
#define DEEP_MARGIN 4u    /* decisions above where the runs branched; at least, and 1/8 */
#define DEEP_STEP 16u     /* ... deeper than the runner's, for another; at least, and 1/2 */
#define DEEP_WINDOW 256u
#define DEEP_MIN_AT 32u   /* fewer decisions skipped than this are not worth a runner */

static bool session__keep_fixed(py_session *ss, const uint32_t *fixed, size_t n)
{
    if (!fixed)
        return false;
    if (n > ss->at_cap) {
        uint32_t *a = realloc(ss->at_fixed, n * sizeof *a);
        if (!a)
            return false;
        ss->at_fixed = a;
        ss->at_cap = n;
    }
    memcpy(ss->at_fixed, fixed, n * sizeof *fixed);
    return true;
}

/* How many of its first words request `pol` shares with the one before
 * it, the least of that lately (DEEP_WINDOW requests): where the runs
 * branch, and so where a snapshot serves them all. */
static uint32_t session__low(py_session *ss, const uint32_t *fixed, size_t nf)
{
    size_t b = 0;
    bool first = ss->nprev == 0; /* (nothing to compare with yet) */
    while (b < nf && b < ss->nprev && fixed[b] == ss->prev[b])
        b++;
    if (nf > ss->prev_cap) {
        uint32_t *a = realloc(ss->prev, nf * sizeof *a);
        if (!a)
            return 0;
        ss->prev = a;
        ss->prev_cap = nf;
    }
    if (nf)
        memcpy(ss->prev, fixed, nf * sizeof *fixed);
    ss->nprev = nf;
    if (b > UINT32_MAX)
        b = UINT32_MAX;
    if (first)
        return 0;
    if (!ss->low_set || b < ss->low || ++ss->low_age >= DEEP_WINDOW) {
        ss->low = (uint32_t)b;
        ss->low_age = 0;
        ss->low_set = true;
    }
    return ss->low;
}

/* Where the run of request rq goes: its runner, or a new one (the old one
 * left, ZYG_NOTE_MOVED) whose snapshot is at rq->snap_at. */
static void session__route(py_session *ss, const py_policy_req *pol, zyg_req *rq)
{
    rq->snap_at = 0;
    bool made = pol && !pol->remote;
    size_t nf = made && pol->fixed ? pol->nfixed : 0;
    uint32_t low = nf ? session__low(ss, pol->fixed, nf) : 0;
    uint32_t margin = low / 8 > DEEP_MARGIN ? low / 8 : DEEP_MARGIN;
    uint32_t want = low >= margin + DEEP_MIN_AT ? low - margin : 0;
    if (ss->deep_skip) {
        ss->deep_skip--;
        want = 0;
    }
    if (ss->deep_off || ss->run_s <= 0)
        want = 0; /* (and not before a run from the first choice was timed) */
    if (ss->direct < 0) {
        rq->snap_at = want;
        return;
    }
    if (!made) /* (a run of another kind: the runner refuses it or serves it, as before) */
        return;
    uint32_t k = ss->direct_at;
    bool fits = k == 0 || (nf >= k && pol->fixed_key == ss->at_key &&
                           memcmp(pol->fixed, ss->at_fixed, k * sizeof *ss->at_fixed) == 0);
    uint32_t step = k / 2 > DEEP_STEP ? k / 2 : DEEP_STEP;
    if (fits && !(want && want >= k + step))
        return;
    if (k > 0 && ss->deep_n >= 3 && ss->deep_s / ss->deep_n > 0.75 * ss->run_s) {
        /* its runs took nearly as long as from the first choice: what a run
         * costs here is the reset and the pipes, not the program's start */
        ss->deep_off = true;
        want = 0;
    } else if (k > 0) {
        /* leaving a deeper runner: did it save more than its start cost?
         * If not, none for long enough that another such loss would be a
         * quarter of the time meanwhile, and twice that after each */
        if (ss->deep_gain <= 0) {
            double runs = ss->run_s > 0 ? 4 * -ss->deep_gain / ss->run_s : 0;
            uint32_t least = runs < 4096 ? (uint32_t)runs + 16 : 4096;
            ss->deep_backoff = ss->deep_backoff ? 2 * ss->deep_backoff : least;
            if (ss->deep_backoff < least)
                ss->deep_backoff = least;
            if (ss->deep_backoff > 65536)
                ss->deep_backoff = 65536;
            ss->deep_skip = ss->deep_backoff;
            want = 0;
        } else {
            ss->deep_backoff /= 2;
        }
    }
    session__drop_direct(ss, ZYG_NOTE_MOVED, rq);
    rq->snap_at = want;
}

/* Request rq sent (the run's pipe fd0, its reply pipe fd1 or -1): to the
 * session's runner when it has one, else to the zygote, which answers
 * with a forked run's pid or hands a runner over (zyg__to_runner). The
 * run's pid in *pid, and whether its status comes from the runner
 * (*direct). 0, or -1 when the zygote is gone. */
static int session__start(py_session *ss, zyg_req *rq, const void *blob, const uint32_t *fixed,
                          uint64_t key, int fd0, int fd1, int32_t *pid, bool *direct)
{
    for (int attempt = 0;; attempt++) {
        if (ss->direct >= 0) {
            int32_t ack = -1;
            if (session__send(ss->direct, rq, blob, fd0, fd1) == 0 &&
                io_full(ss->direct, &ack, sizeof ack, false) == 0 && ack == 0) {
                ss->direct_runs++;
                *pid = (int32_t)ss->direct_pid;
                *direct = true;
                return 0;
            }
            /* gone between runs (a reset it could not do), or it serves
             * another kind of run (and ended) */
            session__drop_direct(ss, ack == 2 ? ZYG_NOTE_REFUSED : ZYG_NOTE_GONE, rq);
            if (attempt >= 2)
                rq->note |= ZYG_NOTE_FORK; /* runner after runner failed: fork this one */
        }
        zyg_reply rp;
        int dfd[2];
        if (session__send(ss->ctl, rq, blob, fd0, fd1) != 0 ||
            fds_recv_opt(ss->ctl, &rp, sizeof rp, dfd, MSG_CMSG_CLOEXEC, false) != 0)
            return -1;
        rq->note = 0;
        rq->runs = 0;
        if (!rp.direct) {
            if (dfd[0] >= 0)
                close(dfd[0]);
            *pid = rp.pid;
            *direct = false;
            return 0;
        }
        if (dfd[0] < 0)
            return -1;
        ss->direct = dfd[0];
        ss->direct_pid = rp.pid;
        ss->direct_runs = 0;
        /* (the zygote may have made it take its snapshot sooner than asked) */
        ss->direct_at = rp.snap_at;
        ss->deep_gain = 0;
        ss->deep_s = 0;
        ss->deep_n = 0;
        ss->fresh = true;
        if (rq->snap_at && ss->direct_at != rq->snap_at)
            ss->deep_off = true;
        ss->at_key = key;
        if (ss->direct_at &&
            (ss->direct_at > rq->snap_at || !session__keep_fixed(ss, fixed, ss->direct_at)))
            ss->direct_at = UINT32_MAX; /* its prefix unknown here: it serves this run only */
    }
}

int py_session_run(py_session *ss, const py_policy_req *pol, const model_opts *cb,
                   model_result *res)
{
    model_opts m = cb ? *cb : model_opts_default();
    model_result out;
    memset(&out, 0, sizeof out);
    if (res)
        *res = out;
    if (ss->ctl < 0)
        return ss->dead_status;
    bool remote = pol ? pol->remote : (ss->ro.remote_pick && m.policy.pick);
    zyg_req rq = {.mode = pol ? (pol->remote ? ZYG_REMOTE : ZYG_MADE) : ZYG_AS_OPENED,
                  .every_step = m.policy.every_step,
                  .decisions = m.on_decision != NULL,
                  .blob_len = pol && !pol->remote ? (uint32_t)pol->len : 0,
                  .max_events = m.sim.max_events,
                  .max_decisions = m.sim.max_decisions,
                  .timers = m.policy.pick_timer != NULL,
                  .jitter = m.policy.jitter};
    int fds[2], rfds[2] = {-1, -1};
    fflush(stdout);
    fflush(stderr);
    if (pipe2(fds, O_CLOEXEC) != 0 || (remote && pipe2(rfds, O_CLOEXEC) != 0)) {
        fprintf(stderr, "threadsim: cannot start the Python engine: %s\n", strerror(errno));
        return MODEL_EXIT_INTERNAL;
    }
    int32_t pid = -1;
    bool direct = false;
    double t_start = wall_now();
    session__route(ss, pol, &rq);
    int sent = session__start(ss, &rq, pol ? pol->blob : NULL, pol ? pol->fixed : NULL,
                              pol ? pol->fixed_key : 0, fds[1], rfds[0], &pid, &direct);
    close(fds[1]);
    if (rfds[0] >= 0)
        close(rfds[0]);
    if (sent != 0) {
        close(fds[0]);
        if (rfds[1] >= 0)
            close(rfds[1]);
        return session__dead(ss);
    }
    if (pid < 0) {
        close(fds[0]);
        if (rfds[1] >= 0)
            close(rfds[1]);
        fprintf(stderr, "threadsim: cannot start the Python engine: fork failed\n");
        return MODEL_EXIT_INTERNAL;
    }
    ss->last_run = pid;
    rd.fd = -1; /* a new pipe, even if its number is an old one's */
    guard__arm(pid, ss->ro.max_memory, &ss->disk);
    /* The child stops itself at its timeout; this is for one stuck in C. */
    double deadline = ss->ro.timeout > 0 ? wall_now() + ss->ro.timeout + 2.0 : 0;
    bool got_result = false, timed_out = false;
    bool result_sent = false; /* by the run itself (not a stack overflow's limit) */
    int32_t exit_said = -1; /* the program's os._exit status, or a signal's 128 + N */
    bool foreign = false;   /* the program called C through ctypes (child__foreign_call) */
    int status = MODEL_EXIT_INTERNAL;
    sim_event last = {0};
    char *text = NULL, *reason = NULL, *ids = NULL;
    size_t text_cap = 0, reason_cap = 0, ids_cap = 0;
    uint32_t at = direct ? ss->direct_at : 0;
    bool fresh = ss->fresh;
    ss->fresh = false;
    for (;;) {
        char type;
        if (read_full(fds[0], &type, 1, deadline, pid, &timed_out) != 0)
            break;
        if (type == REC_EVENT) {
            rec_event e;
            if (read_full(fds[0], &e, sizeof e, deadline, pid, &timed_out) != 0)
                break;
            if (e.reason_len != UINT32_MAX &&
                read_part(fds[0], &reason, &reason_cap, e.reason_len, deadline, pid, &timed_out) != 0)
                break;
            if (e.text_len != UINT32_MAX &&
                read_part(fds[0], &text, &text_cap, e.text_len, deadline, pid, &timed_out) != 0)
                break;
            sim_event ev = {.seq = e.seq, .time = e.time, .kind = (sim_ev_kind)e.kind,
                            .thread = e.thread, .other = e.other, .obj = e.obj, .arg = e.arg,
                            .reason = e.reason_len != UINT32_MAX ? cpy_intern(reason) : NULL,
                            .text = e.text_len != UINT32_MAX ? text : NULL,
                            .len = e.text_len != UINT32_MAX ? e.text_len : 0};
            last = ev;
            last.text = NULL;
            if (m.sink)
                m.sink(m.sink_ud, &ev);
        } else if (type == REC_DECISION) {
            rec_decision dr;
            if (read_full(fds[0], &dr, sizeof dr, deadline, pid, &timed_out) != 0)
                break;
            if (m.on_decision)
                m.on_decision(m.decision_ud, dr.index, dr.n, dr.chosen, dr.thread, dr.step != 0);
        } else if (type == REC_PICK) {
            rec_pick pk;
            if (read_full(fds[0], &pk, sizeof pk, deadline, pid, &timed_out) != 0 ||
                pk.n > (1u << 24) ||
                read_part(fds[0], &ids, &ids_cap, pk.n * 4, deadline, pid, &timed_out) != 0)
                break;
            uint32_t choice = parent__pick(&m, &pk, (const uint32_t *)ids);
            if (rfds[1] < 0 ||
                write(rfds[1], &choice, sizeof choice) != (ssize_t)sizeof choice)
                break;
        } else if (type == REC_CRASH) {
            uint8_t kind = 0;
            if (read_full(fds[0], &kind, 1, deadline, pid, &timed_out) != 0)
                break;
            if (kind == 1) {
                /* a stack overflow (C recursion deeper than the stack)
                 * ends the run like a limit */
                status = parent__limit(&m, &last, "stack overflow", "stack limit", &out);
                got_result = true;
            } else if (kind == 3) {
                /* thread stacks would grow past --max-memory: a fault
                 * cannot become a MemoryError, so the run ends there */
                status = parent__limit(&m, &last, "thread stacks past --max-memory",
                                       "memory limit", &out);
                got_result = true;
            } else {
                fflush(stdout);
                fprintf(stderr, "threadsim: internal error: the Python engine faulted after event %llu\n",
                        (unsigned long long)last.seq);
            }
        } else if (type == REC_FOREIGN) {
            foreign = true;
        } else if (type == REC_EXIT) {
            int32_t st;
            if (read_full(fds[0], &st, sizeof st, deadline, pid, &timed_out) != 0)
                break;
            exit_said = st;
        } else if (type == REC_RESULT) {
            rec_result rr;
            if (read_full(fds[0], &rr, sizeof rr, deadline, pid, &timed_out) != 0)
                break;
            status = rr.status;
            out = rr.res;
            got_result = true;
            result_sent = true;
        } else {
            break;
        }
    }
    close(fds[0]);
    if (rfds[1] >= 0)
        close(rfds[1]);
    free(text);
    free(reason);
    free(ids);
    int32_t ws = 0;
    if (direct) {
        /* the runner's word after its reset, or (it ended instead) its
         * wait status from the zygote */
        if (io_full(ss->direct, &ws, sizeof ws, false) != 0)
            ws = session__reap(ss);
    } else if (io_full(ss->ctl, &ws, sizeof ws, false) != 0) {
        close(ss->ctl);
        ss->ctl = -1;
        waitpid(ss->pid, NULL, 0);
    }
    if (result_sent && ws != 0 && !timed_out && guard.tripped == GUARD_NONE) {
        /* the run's process failed after its result: a crash on the way
         * out, or a reset that did not restore the snapshot (verified) */
        fflush(stdout);
        fprintf(stderr, "threadsim: internal error: the Python engine failed after the run "
                        "(wait status %d)\n", (int)ws);
        status = MODEL_EXIT_INTERNAL;
    }
    if (!got_result) {
        fflush(stdout);
        if (guard.tripped == GUARD_MEMORY) {
            status = parent__limit(&m, &last, "memory outside Python's allocator past twice "
                                   "--max-memory", "memory limit", &out);
        } else if (guard.tripped == GUARD_DISK) {
            status = parent__limit(&m, &last, "files took more than --max-disk of a "
                                   "filesystem's free space", "disk limit", &out);
        } else if (timed_out) {
            status = parent__limit(&m, &last, "timeout", "timeout", &out);
        } else if (WIFSIGNALED(ws)) {
            fprintf(stderr, "threadsim: the Python engine died (signal %d: %s) after event %llu\n",
                    WTERMSIG(ws), strsignal(WTERMSIG(ws)), (unsigned long long)last.seq);
        } else if (WIFEXITED(ws) && exit_said >= 0 && WEXITSTATUS(ws) == exit_said) {
            /* the program's os._exit(n) or a signal it sent itself (128 +
             * the signal) */
            status = exit_said;
            out.outcome = MODEL_OUT_EXIT;
            out.end_time = last.time; /* the last event's is the end's */
            out.events = last.seq;
        } else if (WIFEXITED(ws) && foreign && WEXITSTATUS(ws) != MODEL_EXIT_INTERNAL) {
            /* the program ended the process through ctypes (libc's _exit
             * or exit, an exec'd program's status): its exit, as os._exit;
             * the engine's own failures end with MODEL_EXIT_INTERNAL */
            status = WEXITSTATUS(ws);
            out.outcome = MODEL_OUT_EXIT;
            out.end_time = last.time;
            out.events = last.seq;
        } else if (WIFEXITED(ws) && WEXITSTATUS(ws) != 0) {
            status = WEXITSTATUS(ws); /* the engine's own failure, which said why */
        } else {
            fprintf(stderr, "threadsim: the Python engine ended without a result\n");
        }
    }
    /* what deeper snapshots save, by the wall clock: where the session
     * sends its runs, never what a run does */
    double dt = wall_now() - t_start;
    if (direct && !at && !fresh)
        ss->run_s = ss->run_s > 0 ? ss->run_s + (dt - ss->run_s) / 8 : dt;
    else if (direct && at)
        ss->deep_gain += ss->run_s - dt; /* (a start costs more than a run: negative) */
    if (direct && at && !fresh) {
        ss->deep_s += dt;
        ss->deep_n++;
        ss->deep_resumed++;
    } else if (direct && at && at != UINT32_MAX) {
        ss->deep_runners++;
    }
    if (res)
        *res = out;
    return status;
}

int py_session_last_pid(const py_session *ss)
{
    return ss ? (int)ss->last_run : 0;
}

void py_session_deep_stats(const py_session *ss, uint64_t *runners, uint64_t *resumed)
{
    *runners = ss ? ss->deep_runners : 0;
    *resumed = ss ? ss->deep_resumed : 0;
}

void py_session_close(py_session *ss)
{
    if (!ss)
        return;
    if (guard.pid == ss->last_run)
        guard__close();
    if (guard.disk == &ss->disk)
        guard.disk = NULL;
    disk__close(&ss->disk);
    if (ss->direct >= 0)
        close(ss->direct); /* the runner reads the end and exits */
    if (ss->ctl >= 0) {
        close(ss->ctl); /* the zygote reads the end and exits */
        while (waitpid(ss->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    free(ss->at_fixed);
    free(ss->prev);
    free(ss);
}

int py_run(const py_program *p, const model_opts *mo, const py_run_opts *ro, model_result *res)
{
    py_session *ss = py_session_open(p, mo, ro);
    if (!ss) {
        if (res)
            memset(res, 0, sizeof *res);
        return MODEL_EXIT_INTERNAL;
    }
    int status = py_session_run(ss, NULL, mo, res);
    py_session_close(ss);
    return status;
}
