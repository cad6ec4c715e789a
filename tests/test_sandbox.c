/*
 * tests/test_sandbox.c — the --sandbox confinement (tools/sandbox.h).
 *
 * Each case forks a child that enters the sandbox and then tries an escape.
 * The child itself checks every result and errno and exits 0 only if each
 * attempt was refused the expected way (and each allowed thing worked); any
 * escape that works, any wrong errno and any death by a signal fails the
 * case. Nothing is skipped: a kernel without Landlock fails every case.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "test_util.h"
#include "tools/sandbox.h"

/* ---- the fixture: base/{read,scratch,outside} ---- */

static struct {
    pid_t owner;
    char base[64];
    char read[96], scratch[96], outside[96];
    char data[128], deep[128], escape[160], secret[128], log[128];
} fx;

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void fx_cleanup(void)
{
    if (fx.owner == getpid() && fx.base[0])
        nftw(fx.base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void fx_init(void)
{
    if (fx.owner)
        return;
    strcpy(fx.base, "/tmp/ts_sandbox.XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(fx.base));
    fx.owner = getpid();
    atexit(fx_cleanup);
    snprintf(fx.read, sizeof fx.read, "%s/read", fx.base);
    snprintf(fx.scratch, sizeof fx.scratch, "%s/scratch", fx.base);
    snprintf(fx.outside, sizeof fx.outside, "%s/outside", fx.base);
    snprintf(fx.data, sizeof fx.data, "%s/data.txt", fx.read);
    snprintf(fx.deep, sizeof fx.deep, "%s/sub/deep.txt", fx.read);
    snprintf(fx.escape, sizeof fx.escape, "%s/escape", fx.read);
    snprintf(fx.secret, sizeof fx.secret, "%s/secret.txt", fx.outside);
    snprintf(fx.log, sizeof fx.log, "%s/log.txt", fx.outside);
    char sub[128];
    snprintf(sub, sizeof sub, "%s/sub", fx.read);
    CU_ASSERT_EQUAL_FATAL(mkdir(fx.read, 0755), 0);
    CU_ASSERT_EQUAL_FATAL(mkdir(sub, 0755), 0);
    CU_ASSERT_EQUAL_FATAL(mkdir(fx.scratch, 0755), 0);
    CU_ASSERT_EQUAL_FATAL(mkdir(fx.outside, 0755), 0);
    write_file(fx.data, "readable\n");
    write_file(fx.deep, "deep\n");
    write_file(fx.secret, "secret\n");
    CU_ASSERT_EQUAL_FATAL(symlink(fx.secret, fx.escape), 0);
}

/* ---- running a child in the sandbox ---- */

typedef struct child {
    int (*before)(void *); /* optional, runs before entering */
    int (*body)(void *);   /* runs confined; 0 when every check held */
    void *arg;
    const ts_sandbox_opts *opts; /* NULL: read dir, scratch, 1 MiB files */
    bool use_exit;               /* leave through exit() rather than _exit() */
} child;

static const char *read_dirs[] = {NULL, NULL};

static ts_sandbox_opts default_opts(void)
{
    read_dirs[0] = fx.read;
    ts_sandbox_opts o = {.read_dirs = read_dirs, .scratch_dir = fx.scratch,
                         .max_file_bytes = 1 << 20};
    return o;
}

/* Fork, enter, run the body; returns the wait status. */
static int run_child(const child *c)
{
    fx_init();
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        int rc = c->before ? c->before(c->arg) : 0;
        if (rc != 0)
            _exit(rc);
        ts_sandbox_opts d = default_opts();
        char err[256];
        if (ts_sandbox_enter(c->opts ? c->opts : &d, err, sizeof err) != 0) {
            fprintf(stderr, "  child: ts_sandbox_enter: %s\n", err);
            _exit(100);
        }
        rc = c->body(c->arg);
        fflush(stdout);
        if (c->use_exit)
            exit(rc);
        _exit(rc);
    }
    int st = 0;
    CU_ASSERT_EQUAL_FATAL(waitpid(pid, &st, 0), pid);
    return st;
}

/* The child exited by itself with 0: every check held, no signal death. */
static void expect_clean_exit(int st)
{
    if (WIFSIGNALED(st))
        fprintf(stderr, "\n  child killed by signal %d (%s)\n", WTERMSIG(st), strsignal(WTERMSIG(st)));
    else if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
        fprintf(stderr, "\n  child exited %d (see its line above)\n", WEXITSTATUS(st));
    CU_ASSERT_TRUE(WIFEXITED(st));
    CU_ASSERT_EQUAL(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
}

static void run_ok(int (*body)(void *), void *arg)
{
    child c = {.body = body, .arg = arg};
    expect_clean_exit(run_child(&c));
}

/* Inside the child: the call must fail with errno e1 (or e2). */
#define REFUSED2(call, e1, e2)                                                                     \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long r_ = (long)(call);                                                                    \
        int e_ = errno;                                                                            \
        if (r_ != -1 || (e_ != (e1) && e_ != (e2))) {                                              \
            fprintf(stderr, "  child %s:%d: %s returned %ld, errno %d (%s); expected %s\n",       \
                    __FILE__, __LINE__, #call, r_, e_, strerror(e_), strerror(e1));                \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)
#define REFUSED(call, e) REFUSED2(call, e, e)
/* Inside the child: the call must succeed (return >= 0). */
#define WORKS(call)                                                                                \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long r_ = (long)(call);                                                                    \
        if (r_ < 0) {                                                                              \
            fprintf(stderr, "  child %s:%d: %s failed: %s\n", __FILE__, __LINE__, #call,          \
                    strerror(errno));                                                              \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "  child %s:%d: %s does not hold\n", __FILE__, __LINE__, #cond);      \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)

static int read_text(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return (int)n;
}

/* ---- the cases ---- */

static void test_available(void)
{
    char why[256] = "";
    bool ok = ts_sandbox_available(why, sizeof why);
    printf("\n  sandbox: %s\n", why);
    if (!ok)
        fprintf(stderr, "\n  the sandbox is NOT available here: %s\n", why);
    CU_ASSERT_TRUE(ok);
    CU_ASSERT_TRUE(ts_sandbox_landlock_abi() >= 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "Landlock ABI"));
}

static int body_read(void *arg)
{
    (void)arg;
    char buf[64];
    /* below read_dirs: files, deeper files, listings */
    CHECK(read_text(fx.data, buf, sizeof buf) > 0 && strcmp(buf, "readable\n") == 0);
    CHECK(read_text(fx.deep, buf, sizeof buf) > 0 && strcmp(buf, "deep\n") == 0);
    int d;
    WORKS(d = open(fx.read, O_RDONLY | O_DIRECTORY));
    char dents[1024];
    WORKS(syscall(SYS_getdents64, d, dents, sizeof dents));
    close(d);
    /* elsewhere: nothing */
    REFUSED(open("/etc/passwd", O_RDONLY), EACCES);
    REFUSED(open(fx.secret, O_RDONLY), EACCES);
    REFUSED(open(fx.escape, O_RDONLY), EACCES); /* a symlink in a read dir to outside */
    REFUSED(open(fx.outside, O_RDONLY | O_DIRECTORY), EACCES);
    REFUSED(open("/", O_RDONLY | O_DIRECTORY), EACCES);
    REFUSED(open(fx.base, O_RDONLY | O_DIRECTORY), EACCES);
    REFUSED(open("/bin/true", O_RDONLY), EACCES);
    return 0;
}

static void test_read_outside_refused(void) { run_ok(body_read, NULL); }

static int body_write_read_dirs(void *arg)
{
    (void)arg;
    char path[160];
    snprintf(path, sizeof path, "%s/new.txt", fx.read);
    REFUSED(open(fx.data, O_WRONLY), EACCES);
    REFUSED(open(fx.data, O_RDWR), EACCES);
    REFUSED(open(fx.data, O_RDONLY | O_TRUNC), EACCES);
    REFUSED(open(fx.deep, O_WRONLY | O_APPEND), EACCES);
    REFUSED(open(path, O_WRONLY | O_CREAT, 0644), EACCES);
    REFUSED(truncate(fx.data, 0), EACCES);
    REFUSED(unlink(fx.data), EACCES);
    REFUSED(mkdir(path, 0755), EACCES);
    REFUSED2(rename(fx.data, path), EACCES, EXDEV);
    /* and writing anywhere else */
    REFUSED(open(fx.secret, O_WRONLY), EACCES);
    REFUSED(open("/tmp/ts_sandbox_escape", O_WRONLY | O_CREAT, 0644), EACCES);
    REFUSED(unlink(fx.secret), EACCES);
    return 0;
}

static void test_write_in_read_dirs_refused(void)
{
    run_ok(body_write_read_dirs, NULL);
    char buf[32];
    CU_ASSERT_TRUE(read_text(fx.data, buf, sizeof buf) > 0 && strcmp(buf, "readable\n") == 0);
    CU_ASSERT_EQUAL(access(fx.secret, F_OK), 0);
    CU_ASSERT_NOT_EQUAL(access("/tmp/ts_sandbox_escape", F_OK), 0);
}

static int body_scratch(void *arg)
{
    (void)arg;
    char f[160], g[160], d[160], s[160], out[160];
    snprintf(f, sizeof f, "%s/made.txt", fx.scratch);
    snprintf(g, sizeof g, "%s/renamed.txt", fx.scratch);
    snprintf(d, sizeof d, "%s/dir", fx.scratch);
    snprintf(s, sizeof s, "%s/link", fx.scratch);
    snprintf(out, sizeof out, "%s/moved.txt", fx.outside);
    int fd;
    WORKS(fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0644));
    WORKS(write(fd, "made\n", 5));
    WORKS(ftruncate(fd, 4));
    close(fd);
    char buf[32];
    CHECK(read_text(f, buf, sizeof buf) == 4 && strcmp(buf, "made") == 0);
    WORKS(mkdir(d, 0755));
    WORKS(rename(f, g));
    WORKS(truncate(g, 0));
    WORKS(link(g, f));
    WORKS(unlink(f));
    /* no way out of scratch, and no special files in it */
    REFUSED2(link(fx.secret, f), EXDEV, EACCES);
    REFUSED2(rename(g, out), EXDEV, EACCES);
    REFUSED(symlink(fx.secret, s), EACCES);
    REFUSED2(mkfifo(s, 0644), EPERM, EACCES); /* mknod: seccomp, then Landlock */
    WORKS(unlink(g));
    WORKS(rmdir(d));
    return 0;
}

static void test_scratch_works(void)
{
    run_ok(body_scratch, NULL);
    char moved[160];
    snprintf(moved, sizeof moved, "%s/moved.txt", fx.outside);
    CU_ASSERT_NOT_EQUAL(access(moved, F_OK), 0);
}

static int body_proc(void *arg)
{
    int ro = *(int *)arg;
    REFUSED(open("/proc/self/mem", O_RDWR), EACCES);
    REFUSED(open("/proc/self/mem", O_WRONLY), EACCES);
    REFUSED(open("/proc/self/environ", O_RDONLY), EACCES);
    char p[64];
    snprintf(p, sizeof p, "/proc/self/fd/%d", ro);
    REFUSED(open(p, O_WRONLY), EACCES); /* reopening a read-only fd for writing */
    snprintf(p, sizeof p, "/proc/%d/mem", (int)getppid());
    REFUSED(open(p, O_RDWR), EACCES);
    REFUSED(open("/dev/null", O_RDWR), EACCES);
    return 0;
}

static int before_open_ro(void *arg)
{
    *(int *)arg = open(fx.secret, O_RDONLY);
    return *(int *)arg < 0 ? 90 : 0;
}

static void test_proc_self_mem_refused(void)
{
    int ro = -1;
    child c = {.before = before_open_ro, .body = body_proc, .arg = &ro};
    expect_clean_exit(run_child(&c));
    char buf[32];
    CU_ASSERT_TRUE(read_text(fx.secret, buf, sizeof buf) > 0 && strcmp(buf, "secret\n") == 0);
}

static int body_socket(void *arg)
{
    (void)arg;
    int sv[2];
    REFUSED(socket(AF_INET, SOCK_STREAM, 0), EPERM);
    REFUSED(socket(AF_INET, SOCK_DGRAM, 0), EPERM);
    REFUSED(socket(AF_INET6, SOCK_STREAM, 0), EPERM);
    REFUSED(socket(AF_UNIX, SOCK_STREAM, 0), EPERM);
    REFUSED(socket(AF_NETLINK, SOCK_RAW, 0), EPERM);
    REFUSED(socket(AF_PACKET, SOCK_RAW, 0), EPERM);
    REFUSED(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), EPERM);
    return 0;
}

static void test_socket_refused(void) { run_ok(body_socket, NULL); }

/* Sockets made before entering (as a careless caller might) still cannot
 * reach anything: a unix listener in outside/, an abstract one, TCP on
 * the loopback. */
typedef struct net_case {
    char path[128];
    char abstract[64];
    struct sockaddr_in tcp;
    int ufd, afd, tfd;
} net_case;

static int before_sockets(void *arg)
{
    net_case *n = arg;
    n->ufd = socket(AF_UNIX, SOCK_STREAM, 0);
    n->afd = socket(AF_UNIX, SOCK_STREAM, 0);
    n->tfd = socket(AF_INET, SOCK_STREAM, 0);
    return n->ufd < 0 || n->afd < 0 || n->tfd < 0 ? 91 : 0;
}

/* A pathname address (the path fits: the fixture's paths are short). */
static struct sockaddr_un unix_addr(const char *path)
{
    struct sockaddr_un un = {.sun_family = AF_UNIX};
    size_t n = strlen(path);
    if (n >= sizeof un.sun_path)
        n = sizeof un.sun_path - 1;
    memcpy(un.sun_path, path, n);
    return un;
}

static int body_connect(void *arg)
{
    net_case *n = arg;
    struct sockaddr_un un = unix_addr(n->path);
    REFUSED(connect(n->ufd, (struct sockaddr *)&un, sizeof un), EPERM);
    struct sockaddr_un ab = {.sun_family = AF_UNIX};
    size_t alen = strlen(n->abstract);
    memcpy(ab.sun_path + 1, n->abstract, alen);
    REFUSED(connect(n->afd, (struct sockaddr *)&ab, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + alen)),
            EPERM);
    REFUSED(connect(n->tfd, (struct sockaddr *)&n->tcp, sizeof n->tcp), EPERM);
    struct sockaddr_in any = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    REFUSED(bind(n->tfd, (struct sockaddr *)&any, sizeof any), EPERM);
    REFUSED(listen(n->tfd, 1), EPERM);
    return 0;
}

static int listener(int family, const void *addr, socklen_t len)
{
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_EQUAL_FATAL(bind(fd, addr, len), 0);
    CU_ASSERT_EQUAL_FATAL(listen(fd, 4), 0);
    return fd;
}

static void test_connect_refused(void)
{
    fx_init();
    net_case n = {0};
    snprintf(n.path, sizeof n.path, "%s/sock", fx.outside);
    snprintf(n.abstract, sizeof n.abstract, "ts_sandbox_test_%d", (int)getpid());
    struct sockaddr_un un = unix_addr(n.path);
    int ul = listener(AF_UNIX, &un, sizeof un);
    struct sockaddr_un ab = {.sun_family = AF_UNIX};
    size_t alen = strlen(n.abstract);
    memcpy(ab.sun_path + 1, n.abstract, alen);
    int al = listener(AF_UNIX, &ab, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + alen));
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int tl = listener(AF_INET, &in, sizeof in);
    socklen_t inlen = sizeof n.tcp;
    CU_ASSERT_EQUAL_FATAL(getsockname(tl, (struct sockaddr *)&n.tcp, &inlen), 0);

    child c = {.before = before_sockets, .body = body_connect, .arg = &n};
    expect_clean_exit(run_child(&c));
    /* and nobody knocked */
    CU_ASSERT_EQUAL(accept(ul, NULL, NULL), -1);
    CU_ASSERT_EQUAL(accept(al, NULL, NULL), -1);
    CU_ASSERT_EQUAL(accept(tl, NULL, NULL), -1);
    close(ul), close(al), close(tl);
    unlink(n.path);
}

static int body_processes(void *arg)
{
    (void)arg;
    pid_t p;
    errno = 0;
    p = fork();
    if (p == 0)
        _exit(99);
    CHECK(p == -1 && errno == EPERM);
    errno = 0;
    p = vfork();
    if (p == 0)
        _exit(99);
    CHECK(p == -1 && errno == EPERM);
    errno = 0;
    long r = syscall(SYS_clone, (long)SIGCHLD, 0L, 0L, 0L, 0L);
    if (r == 0)
        _exit(99);
    CHECK(r == -1 && errno == EPERM);
    REFUSED(syscall(SYS_clone3, NULL, 0), EPERM);
    char *const argv[] = {"true", NULL};
    char *const envp[] = {NULL};
    REFUSED(execve("/bin/true", argv, envp), EPERM);
    REFUSED(syscall(SYS_execveat, AT_FDCWD, "/bin/true", argv, envp, 0), EPERM);
    CHECK(system("true") != 0);
    /* other processes */
    REFUSED(ptrace(PTRACE_TRACEME, 0, NULL, NULL), EPERM);
    REFUSED(ptrace(PTRACE_ATTACH, getppid(), NULL, NULL), EPERM);
    REFUSED(ptrace(PTRACE_SEIZE, getppid(), NULL, NULL), EPERM);
    char buf[8];
    struct iovec local = {buf, sizeof buf}, remote = {&fx, sizeof buf};
    REFUSED(process_vm_readv(getppid(), &local, 1, &remote, 1, 0), EPERM);
    REFUSED(process_vm_writev(getppid(), &local, 1, &remote, 1, 0), EPERM);
    REFUSED(kill(getppid(), 0), EPERM);
    REFUSED(kill(getppid(), SIGKILL), EPERM);
    REFUSED(kill(-1, 0), EPERM);
    REFUSED(kill(0, 0), EPERM);
    REFUSED(syscall(SYS_tgkill, getppid(), getppid(), 0), EPERM);
    REFUSED(syscall(SYS_pidfd_open, getppid(), 0), EPERM);
    /* this process may still signal itself */
    WORKS(kill(getpid(), 0));
    signal(SIGUSR1, SIG_IGN);
    WORKS(raise(SIGUSR1));
    return 0;
}

static void test_processes_refused(void) { run_ok(body_processes, NULL); }

static int body_fsize(void *arg)
{
    (void)arg;
    char f[160];
    snprintf(f, sizeof f, "%s/big.bin", fx.scratch);
    int fd;
    WORKS(fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0644));
    static char chunk[64 << 10];
    for (int i = 0; i < 16; i++) /* exactly the 1 MiB allowed */
        CHECK(write(fd, chunk, sizeof chunk) == (ssize_t)sizeof chunk);
    REFUSED(write(fd, chunk, 1), EFBIG); /* SIGXFSZ would have killed us */
    REFUSED(pwrite(fd, chunk, 1, 4 << 20), EFBIG);
    REFUSED(ftruncate(fd, 2 << 20), EFBIG);
    close(fd);
    struct stat st;
    WORKS(stat(f, &st));
    CHECK(st.st_size == 1 << 20);
    WORKS(unlink(f));
    return 0;
}

static void test_file_size_limit(void) { run_ok(body_fsize, NULL); }

/* stdout (a pipe here) and descriptors opened before entering still work. */
typedef struct preopen {
    int out[2];
    int log, secret;
} preopen;

static int before_preopen(void *arg)
{
    preopen *p = arg;
    if (dup2(p->out[1], STDOUT_FILENO) < 0)
        return 92;
    close(p->out[0]);
    close(p->out[1]);
    p->log = open(fx.log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    p->secret = open(fx.secret, O_RDONLY);
    return p->log < 0 || p->secret < 0 ? 93 : 0;
}

static int body_preopen(void *arg)
{
    preopen *p = arg;
    CHECK(printf("hello from the sandbox\n") > 0);
    CHECK(fflush(stdout) == 0);
    WORKS(write(p->log, "written after entering\n", 23));
    char buf[32] = "";
    CHECK(read(p->secret, buf, sizeof buf - 1) == 7 && strcmp(buf, "secret\n") == 0);
    /* the same files by name: refused */
    REFUSED(open(fx.log, O_WRONLY | O_APPEND), EACCES);
    REFUSED(open(fx.secret, O_RDONLY), EACCES);
    return 0;
}

static void test_stdout_and_preopened_fds_work(void)
{
    fx_init();
    preopen p = {.log = -1, .secret = -1};
    CU_ASSERT_EQUAL_FATAL(pipe(p.out), 0);
    child c = {.before = before_preopen, .body = body_preopen, .arg = &p};
    int st = run_child(&c);
    close(p.out[1]);
    char buf[128] = "";
    ssize_t n = read(p.out[0], buf, sizeof buf - 1);
    close(p.out[0]);
    expect_clean_exit(st);
    CU_ASSERT_TRUE(n > 0);
    TS_ASSERT_STR_EQ(buf, "hello from the sandbox\n");
    char logbuf[64];
    CU_ASSERT_TRUE(read_text(fx.log, logbuf, sizeof logbuf) > 0);
    TS_ASSERT_STR_EQ(logbuf, "written after entering\n");
}

/* The CLI's store: a WAL database opened (and used once) before entering
 * keeps working, as sandbox.h tells the caller. */
static int before_db(void *arg)
{
    sqlite3 **db = arg;
    char path[160];
    snprintf(path, sizeof path, "%s/store.db", fx.outside);
    if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
        return 94;
    return sqlite3_exec(*db,
                        "PRAGMA journal_mode = WAL; PRAGMA temp_store = MEMORY;"
                        "CREATE TABLE t(x INTEGER); INSERT INTO t VALUES (1);",
                        NULL, NULL, NULL) == SQLITE_OK
               ? 0
               : 95;
}

static int count_cb(void *ud, int n, char **v, char **names)
{
    (void)n, (void)names;
    *(int *)ud = atoi(v[0]);
    return 0;
}

static int body_db(void *arg)
{
    sqlite3 *db = *(sqlite3 **)arg;
    char *msg = NULL;
    int rc = sqlite3_exec(db,
                          "BEGIN; INSERT INTO t VALUES (2); INSERT INTO t VALUES (3); COMMIT;"
                          "PRAGMA wal_checkpoint(TRUNCATE);",
                          NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "  child: sqlite: %s\n", msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    CHECK(rc == SQLITE_OK);
    int count = 0;
    CHECK(sqlite3_exec(db, "SELECT count(*) FROM t", count_cb, &count, NULL) == SQLITE_OK);
    CHECK(count == 3);
    CHECK(sqlite3_close(db) == SQLITE_OK);
    return 0;
}

static void test_database_opened_before_works(void)
{
    sqlite3 *db = NULL;
    child c = {.before = before_db, .body = body_db, .arg = &db};
    expect_clean_exit(run_child(&c));
    char path[160];
    snprintf(path, sizeof path, "%s/store.db", fx.outside);
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &db), SQLITE_OK);
    int count = 0;
    CU_ASSERT_EQUAL(sqlite3_exec(db, "SELECT count(*) FROM t", count_cb, &count, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL(count, 3);
    sqlite3_close(db);
}

static int body_no_way_back(void *arg)
{
    (void)arg;
    /* the limits stay */
    struct rlimit rl;
    WORKS(getrlimit(RLIMIT_FSIZE, &rl));
    CHECK(rl.rlim_cur == 1 << 20 && rl.rlim_max == 1 << 20);
    WORKS(getrlimit(RLIMIT_CORE, &rl));
    CHECK(rl.rlim_max == 0);
    struct rlimit big = {RLIM_INFINITY, RLIM_INFINITY};
    REFUSED(setrlimit(RLIMIT_FSIZE, &big), EPERM);
    REFUSED(prlimit(0, RLIMIT_NOFILE, &big, NULL), EPERM);
    REFUSED(prlimit(getppid(), RLIMIT_NOFILE, &big, NULL), EPERM);
    /* no privileges */
    CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
    CHECK(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2);
    struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
    struct __user_cap_data_struct d[2];
    WORKS(syscall(SYS_capget, &h, d));
    CHECK(d[0].effective == 0 && d[1].effective == 0 && d[0].permitted == 0 && d[1].permitted == 0);
    if (getuid() == 0) /* root also lost them from its bounding set */
        CHECK(prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) == 0);
    /* metadata Landlock does not cover */
    REFUSED(chmod(fx.secret, 0777), EPERM);
    REFUSED(chmod(fx.scratch, 0777), EPERM);
    REFUSED(chown(fx.secret, 1, 1), EPERM);
    REFUSED(utimensat(AT_FDCWD, fx.secret, NULL, 0), EPERM);
    REFUSED(setxattr(fx.secret, "user.x", "1", 1, 0), EPERM);
    /* mounts, namespaces, the kernel */
    REFUSED(unshare(CLONE_NEWUSER | CLONE_NEWNS), EPERM);
    REFUSED(mount("none", fx.scratch, "tmpfs", 0, NULL), EPERM);
    REFUSED(chroot(fx.scratch), EPERM);
    REFUSED(personality(0xffffffff), EPERM);
    REFUSED(syscall(SYS_bpf, 0, NULL, 0), EPERM);
    REFUSED(syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0), EPERM);
    REFUSED(syscall(SYS_userfaultfd, 0), EPERM);
    REFUSED(syscall(SYS_io_uring_setup, 1, NULL), EPERM);
    REFUSED(syscall(SYS_keyctl, 0, 0, 0, 0, 0), EPERM);
    REFUSED(syscall(SYS_init_module, NULL, 0, ""), EPERM);
    REFUSED(syscall(SYS_reboot, 0, 0, 0, NULL), EPERM);
    REFUSED(syscall(SYS_settimeofday, NULL, NULL), EPERM);
    /* no typing into the terminal (a pipe here: without seccomp, ENOTTY) */
    int pp[2];
    WORKS(pipe(pp));
    char ch = 'x';
    REFUSED(ioctl(pp[0], TIOCSTI, &ch), EPERM);
    REFUSED(syscall(SYS_ioctl, pp[0], 0xdead00000000UL | TIOCSTI, &ch), EPERM);
    return 0;
}

static void test_no_way_back(void) { run_ok(body_no_way_back, NULL); }

/* Every refusal above in one child, which then returns from its work and
 * leaves through exit() like any program: refusals never kill. */
static int body_everything(void *arg)
{
    int ro = open("/dev/null", O_RDONLY); /* refused: /dev is not readable */
    CHECK(ro == -1);
    int rc = body_read(arg) || body_write_read_dirs(arg) || body_scratch(arg) ||
             body_socket(arg) || body_processes(arg) || body_fsize(arg) || body_no_way_back(arg);
    CHECK(rc == 0);
    REFUSED(open("/proc/self/mem", O_RDWR), EACCES);
    printf("still here\n");
    return 0;
}

static void test_survives_every_refusal(void)
{
    fx_init();
    child c = {.body = body_everything, .use_exit = true};
    int st = run_child(&c);
    expect_clean_exit(st);
}

/* Bad options fail before anything is confined. */
static void *sleeper(void *arg)
{
    (void)arg;
    pause();
    return NULL;
}

static int check_refused_unconfined(const ts_sandbox_opts *o, const char *want)
{
    char err[256] = "";
    CHECK(ts_sandbox_enter(o, err, sizeof err) == -1);
    if (!strstr(err, want) || strchr(err, '\n')) {
        fprintf(stderr, "  child: error '%s' lacks '%s'\n", err, want);
        return 1;
    }
    CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0);
    int fd;
    WORKS(fd = open(fx.secret, O_RDONLY));
    close(fd);
    return 0;
}

static int before_bad_options(void *arg)
{
    (void)arg;
    ts_sandbox_opts o = default_opts();
    const char *missing[] = {fx.read, "/nonexistent/ts_sandbox", NULL};
    o.read_dirs = missing;
    if (check_refused_unconfined(&o, "/nonexistent/ts_sandbox"))
        return 1;
    o = default_opts();
    o.scratch_dir = fx.data;
    if (check_refused_unconfined(&o, "not a folder"))
        return 1;
    o = default_opts();
    pthread_t t;
    CHECK(pthread_create(&t, NULL, sleeper, NULL) == 0);
    if (check_refused_unconfined(&o, "2 threads"))
        return 1;
    CHECK(ts_sandbox_enter(NULL, NULL, 0) == -1);
    _exit(0); /* do not enter: the sleeping thread would not be confined */
}

static int body_never(void *arg)
{
    (void)arg;
    return 1;
}

static void test_bad_options_confine_nothing(void)
{
    child c = {.before = before_bad_options, .body = body_never};
    expect_clean_exit(run_child(&c));
}

/* Scratch is optional: without it nothing at all is writable. */
static int body_no_scratch(void *arg)
{
    (void)arg;
    char f[160];
    snprintf(f, sizeof f, "%s/x", fx.scratch);
    REFUSED(open(f, O_WRONLY | O_CREAT, 0644), EACCES);
    char buf[16];
    CHECK(read_text(fx.data, buf, sizeof buf) > 0);
    return 0;
}

static void test_without_scratch(void)
{
    fx_init();
    read_dirs[0] = fx.read;
    ts_sandbox_opts o = {.read_dirs = read_dirs};
    child c = {.body = body_no_scratch, .opts = &o};
    expect_clean_exit(run_child(&c));
}

TS_TESTS("sandbox", TS_TEST(test_available), TS_TEST(test_read_outside_refused),
         TS_TEST(test_write_in_read_dirs_refused), TS_TEST(test_scratch_works),
         TS_TEST(test_proc_self_mem_refused), TS_TEST(test_socket_refused),
         TS_TEST(test_connect_refused), TS_TEST(test_processes_refused),
         TS_TEST(test_file_size_limit), TS_TEST(test_stdout_and_preopened_fds_work),
         TS_TEST(test_database_opened_before_works), TS_TEST(test_no_way_back),
         TS_TEST(test_survives_every_refusal), TS_TEST(test_bad_options_confine_nothing),
         TS_TEST(test_without_scratch))
