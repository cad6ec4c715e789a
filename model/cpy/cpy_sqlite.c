/*
 * model/cpy/cpy_sqlite.c — SQLite's clock and randomness in a run.
 *
 * SQLite asks its VFS ("unix") for the time (`datetime('now')`,
 * `julianday('now')`, `CURRENT_TIMESTAMP`) and for the seed of its
 * random() / randomblob() generator, and the unix VFS answers with the
 * host's wall clock and /dev/urandom: a program's query printed a different
 * line on every run; and its busy handler sleeps through the VFS, in wall
 * time. threadsim registers, as the default VFS, one that passes every call
 * to the unix VFS but those three: the time is the run's virtual clock
 * (what time.time() says), the seed bytes come from the run's seed, a
 * sleep is the virtual clock's. SQLite's generator is then re-seeded (sqlite3_randomness(0, 0)), as
 * the caller's process may have drawn from it before the fork.
 *
 * Called as the sqlite3 module is imported (bootstrap.py, through
 * cpy_run.c's _sqlite_memory), with the library's handle; the VFS structure
 * is SQLite's stable ABI (sqlite3.h's types only: nothing links libsqlite3).
 */
#include "cpy_int.h"

#include <dlfcn.h>
#include <sqlite3.h>
#include <string.h>

static sqlite3_vfs *real;  /* the default VFS before ours */
static sqlite3_vfs vfs;    /* ours: real's, but for the clock and the seed */
static uint64_t seed_state;

static int v_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)v;
    return real->xOpen(real, name, f, flags, out);
}
static int v_delete(sqlite3_vfs *v, const char *name, int sync)
{
    (void)v;
    return real->xDelete(real, name, sync);
}
static int v_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    (void)v;
    return real->xAccess(real, name, flags, out);
}
static int v_full(sqlite3_vfs *v, const char *name, int n, char *out)
{
    (void)v;
    return real->xFullPathname(real, name, n, out);
}
static void *v_dlopen(sqlite3_vfs *v, const char *name)
{
    (void)v;
    return real->xDlOpen(real, name);
}
static void v_dlerror(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    real->xDlError(real, n, out);
}
static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
    (void)v;
    return real->xDlSym(real, h, sym);
}
static void v_dlclose(sqlite3_vfs *v, void *h)
{
    (void)v;
    real->xDlClose(real, h);
}
/* A sleep of SQLite's own (its busy handler's, while another connection
 * holds a lock: sqlite3.connect's timeout) is a sleep of the virtual clock:
 * the thread holding the lock runs meanwhile. It slept the OS thread, every
 * simulated thread with it, so the holder never committed and the waiter
 * timed out after its timeout in wall time. _sqlite3 calls SQLite with the
 * GIL released: the thread state is taken back for the sleep (other
 * threads run Python) and released again. */
static int v_sleep(sqlite3_vfs *v, int us)
{
    (void)v;
    cpy_thr *thr = cpy.in_run && us > 0 ? cpy_thr_current() : NULL;
    if (!thr || !thr->ts)
        return real->xSleep(real, us);
    PyThreadState *held = _PyThreadState_UncheckedGet();
    if (!held)
        PyEval_RestoreThread(thr->ts);
    int64_t until = sim_time_add(model_now_ns(), (int64_t)us * 1000);
    while (model_now_ns() < until) {
        PyThreadState *ts = cpy_leave();
        sim_sleep(model_sched(), until - model_now_ns());
        cpy_back(ts);
    }
    if (!held)
        (void)PyEval_SaveThread();
    return us;
}
static int v_lasterror(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return real->xGetLastError ? real->xGetLastError(real, n, out) : 0;
}
static int v_setsyscall(sqlite3_vfs *v, const char *name, sqlite3_syscall_ptr p)
{
    (void)v;
    return real->xSetSystemCall(real, name, p);
}
static sqlite3_syscall_ptr v_getsyscall(sqlite3_vfs *v, const char *name)
{
    (void)v;
    return real->xGetSystemCall(real, name);
}
static const char *v_nextsyscall(sqlite3_vfs *v, const char *name)
{
    (void)v;
    return real->xNextSystemCall(real, name);
}

/* The run's wall clock (time.time()'s: the epoch plus the virtual time) as
 * SQLite counts it: milliseconds since the Julian day 0's noon. */
static sqlite3_int64 v_now_ms(void)
{
    int64_t ns = cpy.in_run ? model_now_ns() : 0;
    return (sqlite3_int64)210866760000000LL + (sqlite3_int64)MODEL_EPOCH_UNIX * 1000 +
           (sqlite3_int64)(ns / 1000000);
}
static int v_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
    (void)v;
    *out = v_now_ms();
    return SQLITE_OK;
}
static int v_time(sqlite3_vfs *v, double *out)
{
    (void)v;
    *out = (double)v_now_ms() / 86400000.0;
    return SQLITE_OK;
}

/* The seed bytes: splitmix64 of the run's seed. */
static int v_random(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    for (int i = 0; i < n; i += 8) {
        uint64_t z = (seed_state += UINT64_C(0x9e3779b97f4a7c15));
        z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
        z ^= z >> 31;
        memcpy(out + i, &z, (size_t)(n - i < 8 ? n - i : 8));
    }
    return n;
}

bool cpy_sqlite_vfs(void *scope)
{
    if (real)
        return true;
    sqlite3_vfs *(*find)(const char *) = (sqlite3_vfs * (*)(const char *)) dlsym(scope, "sqlite3_vfs_find");
    int (*reg)(sqlite3_vfs *, int) = (int (*)(sqlite3_vfs *, int))dlsym(scope, "sqlite3_vfs_register");
    void (*randomness)(int, void *) = (void (*)(int, void *))dlsym(scope, "sqlite3_randomness");
    sqlite3_vfs *d = find ? find(NULL) : NULL;
    if (!d || !reg || !randomness || d->iVersion < 3)
        return false;
    real = d;
    vfs = *d;
    vfs.iVersion = 3;
    vfs.pNext = NULL;
    vfs.zName = "threadsim";
    vfs.pAppData = NULL;
    vfs.xOpen = v_open;
    vfs.xDelete = v_delete;
    vfs.xAccess = v_access;
    vfs.xFullPathname = v_full;
    vfs.xDlOpen = v_dlopen;
    vfs.xDlError = v_dlerror;
    vfs.xDlSym = v_dlsym;
    vfs.xDlClose = v_dlclose;
    vfs.xRandomness = v_random;
    vfs.xSleep = v_sleep;
    vfs.xCurrentTime = v_time;
    vfs.xGetLastError = v_lasterror;
    vfs.xCurrentTimeInt64 = v_time64;
    vfs.xSetSystemCall = v_setsyscall;
    vfs.xGetSystemCall = v_getsyscall;
    vfs.xNextSystemCall = v_nextsyscall;
    seed_state = cpy.mo.seed ^ UINT64_C(0x7468726561647369); /* "threadsi" */
    if (reg(&vfs, 1) != SQLITE_OK) {
        real = NULL;
        return false;
    }
    randomness(0, NULL); /* re-seeded from ours at its next use */
    return true;
}
