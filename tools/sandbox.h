/*
 * tools/sandbox.h — the kernel-enforced sandbox behind `threadsim run --sandbox`.
 *
 * ts_sandbox_enter() confines the calling process for the rest of its life;
 * nothing it does afterwards can undo it (PR_SET_NO_NEW_PRIVS is set first,
 * and every layer is one the kernel keeps across exec and never lifts):
 *
 *   Landlock   files: read (recursively) below read_dirs only; read, write,
 *              create, remove, rename below scratch_dir only; nothing else
 *              (not /proc, so not /proc/self/mem nor /proc/self/fd/N; not
 *              /dev; not execute). Every filesystem right of the ABI the
 *              kernel reports is handled. TCP bind/connect denied (ABI >= 4).
 *              Abstract unix sockets and signals to processes outside the
 *              sandbox denied (ABI >= 6).
 *   seccomp    a deny list answering EPERM (never a kill, so Python raises
 *              PermissionError): sockets and networking, fork/vfork/clone/
 *              clone3 (no process nor OS thread can be made), execve(at),
 *              ptrace and process_vm_*, signals to other processes, mount and
 *              namespaces, chmod/chown/utimes/xattrs (Landlock does not cover
 *              them), setrlimit/prlimit with a new limit, the clock, keys, bpf,
 *              perf, userfaultfd, io_uring, modules, reboot, swap, TIOCSTI...
 *              (the table in sandbox.c).
 *   limits     RLIMIT_FSIZE (max_file_bytes; SIGXFSZ is ignored so a write
 *              past it fails with EFBIG instead of killing), RLIMIT_CORE 0,
 *              RLIMIT_NOFILE (max_open_files), RLIMIT_NPROC 0 (root ignores
 *              it; seccomp is what stops fork).
 *   caps       a root caller drops every capability (effective, permitted,
 *              inheritable, ambient, bounding set).
 *
 * What the caller must know, in order:
 *   1. Open before entering everything the simulator itself needs: Landlock
 *      checks at open time, so descriptors already open (stdin/stdout/stderr,
 *      the SQLite store) keep working, while nothing outside read_dirs and
 *      scratch_dir can be opened afterwards. The store must be in WAL mode and
 *      have run one transaction (store_open() does both), so its -wal and -shm
 *      files are open too; SQLite temporary files must stay in memory
 *      (PRAGMA temp_store = MEMORY) or they would be created in /var/tmp.
 *      RLIMIT_FSIZE applies to those descriptors as well: pass a
 *      max_file_bytes above the store's size plus what a run adds.
 *      The flip side: every descriptor open at entry stays usable by the
 *      untrusted code too (Python's os.write/os.lseek/os.ftruncate on the
 *      store's number). Close what it must not touch; a store that must be
 *      out of its reach needs a separate, unconfined writer process.
 *   Landlock does not cover reading metadata: stat, access, readlink of any
 *   path still answer (chmod, chown, utimes, xattrs are denied by seccomp).
 *   2. Create scratch_dir (and any read dir) before entering.
 *   3. Enter while the process has exactly one thread (Landlock confines only
 *      the calling thread; ts_sandbox_enter refuses otherwise).
 *   4. Then run the untrusted program. Enter either before or after
 *      Py_Initialize: both work (tried with CPython 3.11) as long as
 *      read_dirs hold what the interpreter reads (/usr/lib/python3.11 with
 *      its lib-dynload, the program's folder, /usr/share/zoneinfo).
 *      After is the simpler choice: site, encodings and the locale are
 *      loaded outside, and only the untrusted code runs confined.
 * If ts_sandbox_enter fails the process may be partly confined: never run
 * the untrusted program then; report the reason and exit.
 *
 * Sanitizer builds: AddressSanitizer reads /proc/self/maps at start-up, i.e.
 * before entering, and maps memory freely afterwards (mmap is not
 * restricted), so nothing extra is allowed for it. LeakSanitizer's
 * exit-time check needs clone, ptrace and /proc, all denied (it would die
 * with "LeakSanitizer has encountered a fatal error"), so under ASan
 * ts_sandbox_enter runs the leak check once just before confining the
 * process (__lsan_do_leak_check: leaks made so far are reported, honouring
 * LSAN_OPTIONS suppressions; none after, and no check at exit). Entered
 * after Py_Initialize, that check sees CPython's own start-up allocations,
 * which LeakSanitizer reports without a sandbox too: suppress them
 * (leak:libpython3.11). Reports made inside the sandbox still print; frames
 * are symbolized only in binaries below read_dirs (others show module+offset).
 */
#ifndef TS_SANDBOX_H
#define TS_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ts_sandbox_opts {
    /* NULL-terminated list of folders readable recursively (a regular file
     * may be listed too: then that file alone). Each must exist. */
    const char *const *read_dirs;
    /* The one writable folder (must exist), or NULL for none. */
    const char *scratch_dir;
    /* RLIMIT_FSIZE: no write may make any file larger; 0: 64 MiB. */
    uint64_t max_file_bytes;
    /* RLIMIT_NOFILE: the descriptor numbers allowed; 0: 256. */
    unsigned max_open_files;
} ts_sandbox_opts;

/* Confine the process (see above). 0 on success; -1 with a one-line reason
 * in err (errcap bytes, may be 0). Fails, with nothing confined, if the
 * kernel lacks Landlock or seccomp filters, if a path cannot be opened or
 * the process has more than one thread. */
int ts_sandbox_enter(const ts_sandbox_opts *o, char *err, size_t errcap);

/* Whether ts_sandbox_enter can work on this kernel; `why` (cap bytes) gets
 * one line either way, e.g. "Landlock ABI 7 (files, TCP, scopes), seccomp
 * filter" or the reason it cannot. Changes nothing. */
bool ts_sandbox_available(char *why, size_t cap);

/* The Landlock ABI version the kernel reports (0 if none). */
int ts_sandbox_landlock_abi(void);

#endif
