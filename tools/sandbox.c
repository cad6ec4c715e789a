/* tools/sandbox.c — see sandbox.h: Landlock, seccomp, rlimits, capabilities. */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define TS_SANDBOX_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define TS_SANDBOX_LSAN 1
#endif
#endif
#ifdef TS_SANDBOX_LSAN
#include <pthread.h>
#include <sanitizer/lsan_interface.h>
#endif

/* ---- Landlock: what the installed headers may be too old to name ---- */

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13) /* ABI 2 */
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14) /* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0) /* ABI 4 */
#endif
#ifndef LANDLOCK_ACCESS_NET_CONNECT_TCP
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1) /* ABI 4 */
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 */
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1) /* ABI 6 */
#endif
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif

/* struct landlock_ruleset_attr as of ABI 6; the size passed to the kernel is
 * cut to the fields the reported ABI knows (ll_attr_size). */
struct ts_ll_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net; /* ABI 4 */
    uint64_t scoped;             /* ABI 6 */
};

/* ABI 1's thirteen filesystem rights: execute, write, read, read_dir,
 * remove_dir, remove_file, make_char/dir/reg/sock/fifo/block/sym. */
#define LL_FS_V1 ((1ULL << 13) - 1)

/* The newest ABI whose rights this file knows; a newer kernel is used at
 * this level (its newer rights then stay unhandled, i.e. allowed). */
#define LL_ABI_KNOWN 7

static long ll_create_ruleset(const void *attr, size_t size, uint32_t flags)
{
    return syscall(SYS_landlock_create_ruleset, attr, size, flags);
}

static long ll_add_rule(int fd, int type, const void *attr, uint32_t flags)
{
    return syscall(SYS_landlock_add_rule, fd, type, attr, flags);
}

static long ll_restrict_self(int fd, uint32_t flags)
{
    return syscall(SYS_landlock_restrict_self, fd, flags);
}

int ts_sandbox_landlock_abi(void)
{
    long abi = ll_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return abi < 0 ? 0 : (int)abi;
}

/* Every filesystem right the ABI can handle. */
static uint64_t ll_fs_rights(int abi)
{
    uint64_t r = LL_FS_V1;
    if (abi >= 2)
        r |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3)
        r |= LANDLOCK_ACCESS_FS_TRUNCATE;
    if (abi >= 5)
        r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
    return r;
}

static size_t ll_attr_size(int abi)
{
    if (abi >= 6)
        return offsetof(struct ts_ll_ruleset_attr, scoped) + sizeof(uint64_t);
    if (abi >= 4)
        return offsetof(struct ts_ll_ruleset_attr, handled_access_net) + sizeof(uint64_t);
    return offsetof(struct ts_ll_ruleset_attr, handled_access_fs) + sizeof(uint64_t);
}

#define LL_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
/* Scratch: read, write, create files and folders, remove, rename and link
 * inside it (REFER), truncate. Not: execute, devices, fifos, sockets,
 * symlinks, device ioctls. */
#define LL_SCRATCH                                                                                 \
    (LL_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |                     \
     LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |  \
     LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE)
/* The rights that make sense on a regular file (a rule on a file, not a folder). */
#define LL_FILE_ONLY                                                                               \
    (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |   \
     LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* ---- errors ---- */

static int fail(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t cap, const char *fmt, ...)
{
    if (err && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, cap, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* ---- seccomp: the deny list ---- */

/* Syscalls refused outright with EPERM. Names libseccomp does not know for
 * this architecture are skipped (e.g. fork on arm64, which has none); the
 * newest ones it may not know yet are in deny_fallback below. */
static const char *const deny_all[] = {
    /* networking: no socket can be made, pre-opened ones cannot connect/bind */
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
    /* processes and threads: everything runs on this one OS thread */
    "fork", "vfork", "clone", "clone3", "execve", "execveat", "uselib",
    /* other processes' memory, descriptors, signals */
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_open", "pidfd_getfd",
    "pidfd_send_signal", "process_madvise", "migrate_pages", "move_pages",
    /* other processes' scheduling (same-uid processes would be allowed) */
    "setpriority", "sched_setaffinity", "sched_setscheduler", "sched_setparam", "sched_setattr",
    "ioprio_set",
    /* file metadata Landlock does not cover: a root process owns root's files */
    "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "lchown", "fchownat", "utime",
    "utimes", "futimesat", "utimensat", "setxattr", "lsetxattr", "fsetxattr", "removexattr",
    "lremovexattr", "fremovexattr", "setxattrat", "removexattrat", "file_setattr", "mknod",
    "mknodat", "name_to_handle_at", "open_by_handle_at", "fanotify_init", "quotactl",
    "quotactl_fd",
    /* mounts and namespaces */
    "mount", "umount2", "pivot_root", "chroot", "setns", "unshare", "move_mount", "open_tree",
    "open_tree_attr", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
    /* the kernel, the machine, the clock */
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot",
    "swapon", "swapoff", "acct", "syslog", "vhangup", "iopl", "ioperm", "sethostname",
    "setdomainname", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
    /* kernel facilities with a history of escapes, or that bypass seccomp */
    "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd", "io_uring_setup",
    "io_uring_enter", "io_uring_register", "personality", "lsm_set_self_attr",
    /* the limits set here stay (prlimit64 is in deny_args) */
    "setrlimit",
};

/* Syscall numbers for names libseccomp 2.5 cannot resolve; the same on
 * x86-64 and arm64 (the unified numbering of syscalls 424 and up). */
static const struct {
    const char *name;
    int nr;
} deny_fallback[] = {
    {"fchmodat2", 452},     {"lsm_set_self_attr", 460}, {"setxattrat", 463},
    {"removexattrat", 466}, {"open_tree_attr", 467},    {"file_setattr", 469},
};

static int resolve(const char *name)
{
    int nr = seccomp_syscall_resolve_name(name);
    if (nr != __NR_SCMP_ERROR)
        return nr;
#if defined(__x86_64__) || defined(__aarch64__)
    for (size_t i = 0; i < sizeof deny_fallback / sizeof deny_fallback[0]; i++)
        if (strcmp(deny_fallback[i].name, name) == 0)
            return deny_fallback[i].nr;
#endif
    return __NR_SCMP_ERROR;
}

static int deny(scmp_filter_ctx ctx, const char *name, unsigned n, const struct scmp_arg_cmp *cmp,
                char *err, size_t cap)
{
    int nr = resolve(name);
    if (nr == __NR_SCMP_ERROR)
        return 0; /* unknown here: nothing to deny */
    int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(EPERM), nr, n, cmp);
    if (rc < 0)
        return fail(err, cap, "sandbox: seccomp rule for %s: %s", name, strerror(-rc));
    return 0;
}

/* One argument comparison (libseccomp's SCMP_An macros leave fields out,
 * which clang's -Wmissing-field-initializers reports). */
static struct scmp_arg_cmp arg_cmp(unsigned arg, enum scmp_compare op, scmp_datum_t a,
                                   scmp_datum_t b)
{
    struct scmp_arg_cmp c = {.arg = arg, .op = op, .datum_a = a, .datum_b = b};
    return c;
}

static scmp_filter_ctx build_seccomp(pid_t self, char *err, size_t cap)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) {
        fail(err, cap, "sandbox: seccomp_init failed");
        return NULL;
    }
    for (size_t i = 0; i < sizeof deny_all / sizeof deny_all[0]; i++)
        if (deny(ctx, deny_all[i], 0, NULL, err, cap) != 0)
            goto bad;
    /* Signals: to this process only (glibc's raise() is tgkill(self, self)).
     * kill(0)/kill(-1) (process group, everyone) are refused too. */
    static const char *const sig[] = {"kill", "tkill", "tgkill", "rt_sigqueueinfo",
                                      "rt_tgsigqueueinfo"};
    struct scmp_arg_cmp not_self = arg_cmp(0, SCMP_CMP_NE, (scmp_datum_t)self, 0);
    for (size_t i = 0; i < sizeof sig / sizeof sig[0]; i++)
        if (deny(ctx, sig[i], 1, &not_self, err, cap) != 0)
            goto bad;
    /* Limits may be read (glibc's getrlimit is prlimit64(0, r, NULL, old)), never set. */
    struct scmp_arg_cmp new_limit = arg_cmp(2, SCMP_CMP_NE, 0, 0);
    if (deny(ctx, "prlimit64", 1, &new_limit, err, cap) != 0)
        goto bad;
    /* No typing into the terminal the program was started from; the
     * command is an unsigned int, so only its low 32 bits count. */
    static const unsigned long tty_cmds[] = {TIOCSTI, TIOCLINUX};
    for (size_t i = 0; i < sizeof tty_cmds / sizeof tty_cmds[0]; i++) {
        struct scmp_arg_cmp c = arg_cmp(1, SCMP_CMP_MASKED_EQ, 0xffffffffu, tty_cmds[i]);
        if (deny(ctx, "ioctl", 1, &c, err, cap) != 0)
            goto bad;
    }
    return ctx;
bad:
    seccomp_release(ctx);
    return NULL;
}

/* ---- capabilities ---- */

static int drop_caps(char *err, size_t cap)
{
    /* The bounding set needs CAP_SETPCAP to shrink: a non-root caller has
     * nothing to drop there (and cannot gain anything: no_new_privs). */
    for (int c = 0; c < 64; c++) {
        int r = prctl(PR_CAPBSET_READ, c, 0, 0, 0);
        if (r < 0)
            break; /* EINVAL: past the last capability */
        if (r == 1 && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno != EPERM)
            return fail(err, cap, "sandbox: dropping capability %d: %s", c, strerror(errno));
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        return fail(err, cap, "sandbox: clearing ambient capabilities: %s", strerror(errno));
    struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
    memset(d, 0, sizeof d);
    if (syscall(SYS_capset, &h, d) != 0)
        return fail(err, cap, "sandbox: dropping capabilities: %s", strerror(errno));
    if (syscall(SYS_capget, &h, d) != 0 || d[0].effective || d[1].effective || d[0].permitted ||
        d[1].permitted)
        return fail(err, cap, "sandbox: capabilities remain after dropping them");
    return 0;
}

/* ---- resource limits ---- */

static int limit(int res, rlim_t want, const char *name, char *err, size_t cap)
{
    struct rlimit cur;
    if (getrlimit(res, &cur) != 0)
        return fail(err, cap, "sandbox: getrlimit(%s): %s", name, strerror(errno));
    /* Only ever lower. */
    rlim_t v = (cur.rlim_max != RLIM_INFINITY && cur.rlim_max < want) ? cur.rlim_max : want;
    struct rlimit nl = {v, v};
    if (setrlimit(res, &nl) != 0)
        return fail(err, cap, "sandbox: setrlimit(%s): %s", name, strerror(errno));
    return 0;
}

/* ---- threads ---- */

/* The number of threads of this process, or -1 if /proc cannot tell. */
static int thread_count(void)
{
    FILE *f = fopen("/proc/self/status", "re");
    if (!f)
        return -1;
    char line[256];
    int n = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &n) == 1)
            break;
    fclose(f);
    return n;
}

/* ---- availability ---- */

bool ts_sandbox_available(char *why, size_t cap)
{
    int abi = ts_sandbox_landlock_abi();
    if (abi < 1) {
        int e = errno;
        const char *reason = e == ENOSYS       ? "the kernel has no Landlock (CONFIG_SECURITY_LANDLOCK)"
                             : e == EOPNOTSUPP ? "Landlock is disabled (add landlock to the lsm= boot list)"
                                               : strerror(e);
        fail(why, cap, "no Landlock: %s", reason);
        return false;
    }
    if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0 || seccomp_api_get() < 1) {
        fail(why, cap, "Landlock ABI %d but no seccomp filter support", abi);
        return false;
    }
    fail(why, cap, "Landlock ABI %d (files%s%s), seccomp filter (libseccomp API %u)", abi,
         abi >= 4 ? ", TCP" : "; TCP left to seccomp", abi >= 6 ? ", scopes" : "",
         seccomp_api_get());
    return true;
}

/* ---- entering ---- */

int ts_sandbox_enter(const ts_sandbox_opts *o, char *err, size_t errcap)
{
    if (!o)
        return fail(err, errcap, "sandbox: no options");
    if (err && errcap)
        err[0] = '\0';
    int abi = ts_sandbox_landlock_abi();
    if (abi < 1) {
        char why[160];
        ts_sandbox_available(why, sizeof why);
        return fail(err, errcap, "sandbox: %s", why);
    }
    if (abi > LL_ABI_KNOWN)
        abi = LL_ABI_KNOWN;
    int nthreads = thread_count();
    if (nthreads > 1)
        return fail(err, errcap, "sandbox: the process has %d threads; enter before starting any",
                    nthreads);

    /* Everything that can fail for an ordinary reason comes first, while
     * nothing is confined yet: the ruleset, its rules, the seccomp filter. */
    struct ts_ll_ruleset_attr ra = {0};
    ra.handled_access_fs = ll_fs_rights(abi);
    if (abi >= 4)
        ra.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
    if (abi >= 6)
        ra.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL;
    int rs = (int)ll_create_ruleset(&ra, ll_attr_size(abi), 0);
    if (rs < 0)
        return fail(err, errcap, "sandbox: landlock_create_ruleset (ABI %d): %s", abi,
                    strerror(errno));

    int rc = -1;
    scmp_filter_ctx sc = NULL;
    size_t nread = 0;
    for (const char *const *p = o->read_dirs; p && *p; p++)
        nread++;
    for (size_t i = 0; i <= nread; i++) {
        const char *path = i < nread ? o->read_dirs[i] : o->scratch_dir;
        bool scratch = i == nread;
        if (!path)
            continue;
        int fd = open(path, O_PATH | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0) {
            fail(err, errcap, "sandbox: %s '%s': %s", scratch ? "scratch dir" : "read dir", path,
                 strerror(errno));
            if (fd >= 0)
                close(fd);
            goto out;
        }
        if (scratch && !S_ISDIR(st.st_mode)) {
            close(fd);
            fail(err, errcap, "sandbox: scratch dir '%s' is not a folder", path);
            goto out;
        }
        uint64_t allowed = (scratch ? LL_SCRATCH : LL_READ) & ra.handled_access_fs;
        if (!S_ISDIR(st.st_mode))
            allowed &= LL_FILE_ONLY;
        struct landlock_path_beneath_attr pb = {.allowed_access = allowed, .parent_fd = fd};
        long r = ll_add_rule(rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
        int e = errno;
        close(fd);
        if (r != 0) {
            fail(err, errcap, "sandbox: landlock rule for '%s': %s", path, strerror(e));
            goto out;
        }
    }
    sc = build_seccomp(getpid(), err, errcap);
    if (!sc)
        goto out;

#ifdef TS_SANDBOX_LSAN
    /* LeakSanitizer's exit-time check clones a tracer, ptraces and reads
     * /proc: all refused from now on. Check now instead (this also turns
     * the exit-time check off). A forked runner may be on a stack of its
     * own by now, and then the frames of the caller that forked it (a
     * recording's objects, held by its locals) are below no stack pointer
     * LeakSanitizer scans from: the thread's whole stack is a root. */
    pthread_attr_t pa;
    if (pthread_getattr_np(pthread_self(), &pa) == 0) {
        void *lo;
        size_t size;
        if (pthread_attr_getstack(&pa, &lo, &size) == 0)
            __lsan_register_root_region(lo, size);
        pthread_attr_destroy(&pa);
    }
    __lsan_do_leak_check();
#endif

    /* From here on, confinement: limits, no_new_privs, Landlock, capabilities, seccomp. */
    const uint64_t fsize = o->max_file_bytes ? o->max_file_bytes : (uint64_t)64 << 20;
    if (limit(RLIMIT_FSIZE, (rlim_t)fsize, "RLIMIT_FSIZE", err, errcap) != 0 ||
        limit(RLIMIT_CORE, 0, "RLIMIT_CORE", err, errcap) != 0 ||
        limit(RLIMIT_NOFILE, o->max_open_files ? o->max_open_files : 256, "RLIMIT_NOFILE", err,
              errcap) != 0 ||
        limit(RLIMIT_NPROC, 0, "RLIMIT_NPROC", err, errcap) != 0)
        goto out;
    /* A write past RLIMIT_FSIZE then fails with EFBIG instead of killing. */
    if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR) {
        fail(err, errcap, "sandbox: ignoring SIGXFSZ: %s", strerror(errno));
        goto out;
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        fail(err, errcap, "sandbox: PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
        goto out;
    }
    if (ll_restrict_self(rs, 0) != 0) {
        fail(err, errcap, "sandbox: landlock_restrict_self: %s", strerror(errno));
        goto out;
    }
    if (drop_caps(err, errcap) != 0)
        goto out;
    int lr = seccomp_load(sc);
    if (lr < 0) {
        fail(err, errcap, "sandbox: seccomp_load: %s", strerror(-lr));
        goto out;
    }
    if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1 || prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 2) {
        fail(err, errcap, "sandbox: no_new_privs or the seccomp filter is not in force");
        goto out;
    }
    rc = 0;
out:
    if (sc)
        seccomp_release(sc);
    close(rs);
    return rc;
}
