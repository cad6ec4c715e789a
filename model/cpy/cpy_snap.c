/* model/cpy/cpy_snap.c — in-process reset to a snapshot (see cpy_snap.h). */
#include "cpy_snap.h"

#include <stddef.h>
#include <string.h>

#include "../../sim/asan.h"

#if defined(__x86_64__) && defined(__linux__) && !defined(SIM_ASAN)
#define SNAP_ON 1
#endif

#include <dlfcn.h>

/* The C library's own function of that name (the next definition after
 * this binary's), looked up once (cpy_snap.h; every build: cpy_run.c's
 * fallocate guard uses it under the sanitizers too). */
void *cpy_snap_next_symbol(void **slot, const char *name)
{
    void *f = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (!f) {
        f = dlsym(RTLD_NEXT, name);
        __atomic_store_n(slot, f, __ATOMIC_RELEASE);
    }
    return f;
}

#ifndef SNAP_ON

bool cpy_snap_supported(void)
{
    return false;
}
int cpy_snap_open(void)
{
    return -1;
}
int cpy_snap_take(bool verify)
{
    (void)verify;
    return -1;
}
int cpy_snap_take_except(bool verify, const int *skip, size_t nskip)
{
    (void)verify;
    (void)skip;
    (void)nskip;
    return -1;
}
int cpy_snap_fds(int *out, size_t max)
{
    (void)out;
    (void)max;
    return -1;
}
int cpy_snap_reset(int notify_fd, int32_t msg)
{
    (void)notify_fd;
    (void)msg;
    return -1;
}
const char *cpy_snap_why(void)
{
    return "in-process reset needs x86-64 Linux and a build without sanitizers";
}
uint64_t cpy_snap_resets(void)
{
    return 0;
}
uint64_t cpy_snap_layout_reads(void)
{
    return 0;
}

uint64_t cpy_snap_state_reads(void)
{
    return 0;
}
void cpy_snap_layout_suspect(void)
{
}
int cpy_snap_seal_libraries(void)
{
    return 0;
}

#else

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "../../sim/ctx.h"

/* ---- the kernel's interfaces (newer than the build machine's headers) ---- */

#define SNAP_UFFD_API 0xAA
#define SNAP_UFFD_FEATURE_WP_ASYNC (1ULL << 15)
#define SNAP_UFFD_USER_MODE_ONLY 1
#define SNAP_UFFDIO_API 0xc018aa3fUL          /* _IOWR(0xAA, 0x3F, struct uffdio_api) */
#define SNAP_UFFDIO_REGISTER 0xc020aa00UL     /* _IOWR(0xAA, 0x00, struct uffdio_register) */
#define SNAP_UFFDIO_WRITEPROTECT 0xc018aa06UL /* _IOWR(0xAA, 0x06, struct uffdio_writeprotect) */
#define SNAP_UFFDIO_REGISTER_MODE_WP 2ULL
#define SNAP_UFFDIO_WRITEPROTECT_MODE_WP 1ULL

struct snap_uffdio_api {
    uint64_t api, features, ioctls;
};
struct snap_uffdio_range {
    uint64_t start, len;
};
struct snap_uffdio_register {
    struct snap_uffdio_range range;
    uint64_t mode, ioctls;
};
struct snap_uffdio_writeprotect {
    struct snap_uffdio_range range;
    uint64_t mode;
};

#define SNAP_PAGE_IS_WRITTEN (1ULL << 1)
#define SNAP_PAGE_IS_PRESENT (1ULL << 3)
#define SNAP_PAGE_IS_SWAPPED (1ULL << 4) /* any entry of the swap kind: swapped out, or a marker */
#define SNAP_PAGE_IS_GUARD (1ULL << 8) /* Linux 6.14+ */
#define SNAP_PM_SCAN_WP_MATCHING (1ULL << 0)
#define SNAP_PM_SCAN_CHECK_WPASYNC (1ULL << 1)
struct snap_page_region {
    uint64_t start, end, categories;
};
struct snap_pm_scan_arg {
    uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages, category_inverted,
        category_mask, category_anyof_mask, return_mask;
};
#define SNAP_PAGEMAP_SCAN 0xc0606610UL /* _IOWR('f', 16, struct pm_scan_arg) */

#define SNAP_MADV_GUARD_INSTALL 102
#define SNAP_MADV_GUARD_REMOVE 103

struct snap_kact { /* the kernel's struct sigaction on x86-64 */
    uint64_t handler, flags, restorer, mask;
};

struct snap_dirent {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

/* ---- raw system calls: they touch no memory of ours (not errno) ---------- */

static inline long snap__sys(long n, long a, long b, long c, long d, long e, long f)
{
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}
#define SYS3(n, a, b, c) snap__sys((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SYS6(n, a, b, c, d, e, f)                                                                  \
    snap__sys((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* ---- the address space, watched ------------------------------------------ */

/* Reading /proc/self/maps costs a reset about 30 us (about 0.4 us a
 * mapping, 76 of them in a runner: a twentieth of a tutorial program's
 * schedule), and a run almost never changes its mappings. So a reset reads
 * them only when the run may have: when
 *   - the process's total and data sizes (/proc/self/statm) differ from
 *     the snapshot's: a mapping added, removed or resized anywhere, by
 *     anyone (glibc's own calls of its internal mmap too: malloc, locale
 *     and iconv files), or writability changed (data counts the private
 *     writable mappings: the allocator committing reserved space). A
 *     munmap and an mmap of the same size elsewhere net out: malloc did
 *     that with its big blocks (one freed, one taken), so the runner has
 *     it take none of their own (mallopt M_MMAP_MAX 0, cpy_run.c);
 *   - the dynamic linker loaded or dropped an object (dl_iterate_phdr's
 *     adds and subs counters: an extension module imported, its RELRO
 *     protected);
 *   - anything in the process called mmap, munmap, mprotect, mremap and
 *     the like through the C library's exported functions: threadsim,
 *     libpython, extension modules and the libraries they load bind those
 *     names to the functions below, which count the call and do it
 *     (threadsim's binary exports them: model/cpy/CMakeLists.txt);
 *   - the run called C through ctypes (cpy_snap_layout_suspect), which
 *     can reach libc's own functions past the ones here.
 * What none of them sees would be a change of protection or a remapping
 * of the same size made with a raw system call (not through libc) by C
 * code other than ctypes. cpy_snap_take(verify) reads the maps at every
 * reset anyway and fails when one changed unseen. */
static uint64_t lay_epoch; /* tracked: each reset puts back the snapshot's value */
static bool lay_live;      /* the functions below are the ones the process calls */

static inline void lay__bump(void)
{
    __atomic_fetch_add(&lay_epoch, 1, __ATOMIC_RELAXED);
}

static inline long lay__ret(long r)
{
    if (r < 0 && r > -4096) {
        errno = (int)-r;
        return -1;
    }
    return r;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    lay__bump();
    return (void *)lay__ret(SYS6(SYS_mmap, addr, len, prot, flags, fd, off));
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
    lay__bump();
    return (void *)lay__ret(SYS6(SYS_mmap, addr, len, prot, flags, fd, off));
}

int munmap(void *addr, size_t len)
{
    lay__bump();
    return (int)lay__ret(SYS3(SYS_munmap, addr, len, 0));
}

int mprotect(void *addr, size_t len, int prot)
{
    lay__bump();
    return (int)lay__ret(SYS3(SYS_mprotect, addr, len, prot));
}

int pkey_mprotect(void *addr, size_t len, int prot, int pkey)
{
    lay__bump();
    return (int)lay__ret(SYS6(SYS_pkey_mprotect, addr, len, prot, pkey, 0, 0));
}

void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
    void *to = NULL;
    if (flags & MREMAP_FIXED) {
        va_list ap;
        va_start(ap, flags);
        to = va_arg(ap, void *);
        va_end(ap);
    }
    lay__bump();
    return (void *)lay__ret(SYS6(SYS_mremap, old, old_len, new_len, flags, to, 0));
}

void *shmat(int id, const void *addr, int flags)
{
    lay__bump();
    return (void *)lay__ret(SYS3(SYS_shmat, id, addr, flags));
}

int shmdt(const void *addr)
{
    lay__bump();
    return (int)lay__ret(SYS3(SYS_shmdt, addr, 0, 0));
}

static int lay__dl_one(struct dl_phdr_info *info, size_t size, void *ud)
{
    uint64_t *c = ud;
    if (size < offsetof(struct dl_phdr_info, dlpi_subs) + sizeof info->dlpi_subs)
        return -1;
    c[0] = info->dlpi_adds;
    c[1] = info->dlpi_subs;
    return 1; /* the counters are the same in every object's: one is enough */
}

/* The loader's counters of objects added and removed; false if unknown. */
static bool lay__dl(uint64_t c[2])
{
    return dl_iterate_phdr(lay__dl_one, c) == 1;
}

/* Whether every name above is the one the process's libraries call: only
 * then does the epoch see their calls. */
static bool lay__bound(void)
{
    static const struct {
        const char *name;
        void *ours;
    } fn[] = {{"mmap", (void *)mmap},       {"mmap64", (void *)mmap64},
              {"munmap", (void *)munmap},   {"mprotect", (void *)mprotect},
              {"pkey_mprotect", (void *)pkey_mprotect}, {"mremap", (void *)mremap},
              {"shmat", (void *)shmat},     {"shmdt", (void *)shmdt}};
    for (size_t i = 0; i < sizeof fn / sizeof fn[0]; i++)
        if (dlsym(RTLD_DEFAULT, fn[i].name) != fn[i].ours)
            return false;
    return true;
}

/* The rest of the process's state a reset checks or puts back: the 64
 * signals' dispositions (a read each), the 16 resource limits and the user,
 * group and capabilities (about 85 system calls, 9 us of a reset here: 6 %
 * of a short schedule's). A run almost never changes any of them, so a
 * reset reads them only when the run may have: when anything in the process
 * called the C library's functions that change them (below, exported by
 * threadsim like the address space's: model/cpy/CMakeLists.txt), or called
 * C through ctypes (cpy_snap_layout_suspect). A reset under verify reads
 * them all anyway and fails when one changed unseen. */
static uint64_t proc_epoch; /* tracked: each reset puts back the snapshot's value */
static bool proc_live;      /* the functions below are the ones the process calls */

static inline void proc__bump(void)
{
    __atomic_fetch_add(&proc_epoch, 1, __ATOMIC_RELAXED);
}

#define PROC_NEXT(name)                                                                            \
    static void *next_##name;                                                                      \
    __typeof__(name) *fn = (__typeof__(name) *)cpy_snap_next_symbol(&next_##name, #name);                    \
    if (!fn) {                                                                                     \
        errno = ENOSYS;                                                                            \
        return -1;                                                                                 \
    }

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    PROC_NEXT(sigaction);
    if (act)
        proc__bump();
    return fn(sig, act, old);
}

typedef void (*proc_handler)(int);

#define PROC_SIGNAL(name)                                                                          \
    proc_handler name(int sig, proc_handler h)                                                     \
    {                                                                                              \
        static void *next_##name;                                                                  \
        proc_handler (*fn)(int, proc_handler) =                                                    \
            (proc_handler(*)(int, proc_handler))cpy_snap_next_symbol(&next_##name, #name);                   \
        proc__bump();                                                                              \
        if (!fn) {                                                                                 \
            errno = ENOSYS;                                                                        \
            return SIG_ERR;                                                                        \
        }                                                                                          \
        return fn(sig, h);                                                                         \
    }
PROC_SIGNAL(signal)
PROC_SIGNAL(sysv_signal)
PROC_SIGNAL(bsd_signal)
PROC_SIGNAL(sigset)

int setrlimit(__rlimit_resource_t res, const struct rlimit *rl)
{
    PROC_NEXT(setrlimit);
    proc__bump();
    return fn(res, rl);
}

int setrlimit64(__rlimit_resource_t res, const struct rlimit64 *rl)
{
    PROC_NEXT(setrlimit64);
    proc__bump();
    return fn(res, rl);
}

int prlimit(pid_t pid, __rlimit_resource_t res, const struct rlimit *nl, struct rlimit *ol)
{
    PROC_NEXT(prlimit);
    if (nl)
        proc__bump();
    return fn(pid, res, nl, ol);
}

int prlimit64(pid_t pid, __rlimit_resource_t res, const struct rlimit64 *nl, struct rlimit64 *ol)
{
    PROC_NEXT(prlimit64);
    if (nl)
        proc__bump();
    return fn(pid, res, nl, ol);
}

#define PROC_ID1(name, type)                                                                       \
    int name(type a)                                                                               \
    {                                                                                              \
        PROC_NEXT(name);                                                            \
        proc__bump();                                                                              \
        return fn(a);                                                                              \
    }
#define PROC_ID2(name, type)                                                                       \
    int name(type a, type b)                                                                       \
    {                                                                                              \
        PROC_NEXT(name);                                                      \
        proc__bump();                                                                              \
        return fn(a, b);                                                                           \
    }
#define PROC_ID3(name, type)                                                                       \
    int name(type a, type b, type c)                                                               \
    {                                                                                              \
        PROC_NEXT(name);                                                \
        proc__bump();                                                                              \
        return fn(a, b, c);                                                                        \
    }
PROC_ID1(setuid, uid_t)
PROC_ID1(seteuid, uid_t)
PROC_ID1(setgid, gid_t)
PROC_ID1(setegid, gid_t)
PROC_ID2(setreuid, uid_t)
PROC_ID2(setregid, gid_t)
PROC_ID3(setresuid, uid_t)
PROC_ID3(setresgid, gid_t)

int capset(void *hdr, const void *data)
{
    PROC_NEXT(capset);
    proc__bump();
    return fn(hdr, data);
}

/* Whether every name above is the one the process's libraries call. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations" /* sigset's */
static bool proc__bound(void)
{
    static const struct {
        const char *name;
        void *ours;
    } fn[] = {{"sigaction", (void *)sigaction},     {"signal", (void *)signal},
              {"sysv_signal", (void *)sysv_signal}, {"bsd_signal", (void *)bsd_signal},
              {"sigset", (void *)sigset},           {"setrlimit", (void *)setrlimit},
              {"setrlimit64", (void *)setrlimit64}, {"prlimit", (void *)prlimit},
              {"prlimit64", (void *)prlimit64},     {"setuid", (void *)setuid},
              {"seteuid", (void *)seteuid},         {"setgid", (void *)setgid},
              {"setegid", (void *)setegid},         {"setreuid", (void *)setreuid},
              {"setregid", (void *)setregid},       {"setresuid", (void *)setresuid},
              {"setresgid", (void *)setresgid},     {"capset", (void *)capset}};
    for (size_t i = 0; i < sizeof fn / sizeof fn[0]; i++)
        if (dlsym(RTLD_DEFAULT, fn[i].name) != fn[i].ours)
            return false;
    return true;
}
#pragma GCC diagnostic pop

/* ---- the private region ---------------------------------------------------- */

#define SNAP_BASE ((uintptr_t)0x300000000000)
#define SNAP_STACK_BYTES ((size_t)256 << 10)
#define SNAP_DATA_MAX ((size_t)4 << 30)
#define SNAP_MAXV 8192   /* mappings */
#define SNAP_MAXRUN 65536 /* runs of pages present at the snapshot */
#define SNAP_MAXFD 256
#define SNAP_VEC 512
#define SNAP_MAXHOT 8192 /* hot pages at most (32 MiB copied per reset) */
#define SNAP_WHOLE_MAX ((uintptr_t)16 << 10) /* tracked ranges this small are copied whole */
#define SNAP_MAPBUF ((size_t)1 << 20)
#define SNAP_FD_MIN 900 /* where our own descriptors go: the program's numbers stay a fork's (CPY_ENGINE_FD_MIN, cpy_int.h) */
#define PG 4096UL

typedef struct snap_vma {
    uintptr_t start, end;
    uint64_t off, ino;
    uint32_t dev;
    uint8_t prot;    /* PROT_* */
    uint8_t shared;  /* 's' */
    uint8_t anon;    /* no file behind it */
    uint8_t stack;   /* [stack] */
    uint8_t tracked; /* registered, its pages copied */
    uint8_t whole;   /* S->range[]: copied back whole at every reset, not scanned */
    uint8_t keep;    /* a file mapping kept as it is (its name is looked for: _ctypes) */
} snap_vma;

typedef struct snap_run {
    uintptr_t addr;
    size_t len;
    size_t data; /* offset in the data area */
} snap_run;

typedef struct snap_fd {
    int fd;
    uint64_t dev, ino;
} snap_fd;

typedef struct snap_state {
    int taken;
    long pid;        /* the process that took it (not a child the program forked) */
    int verify;
    uint64_t resets;
    sim_ctx here, rctx, from;
    int uffd, pm, maps, fddir, taskdir;
    char cwd_path[4096];
    int notify_fd;
    int32_t msg;
    uintptr_t brk;
    uint32_t umask;
    uint64_t mask;
    struct snap_kact act[65];
    uint64_t lim[16][2];
    uint32_t ids[12];          /* real, effective, saved uid; gid; capabilities */
    size_t nvma, ncur, nrange, nrun, nfd;
    snap_vma vma[SNAP_MAXV];
    snap_vma cur[SNAP_MAXV];
    snap_vma range[SNAP_MAXV]; /* tracked vmas, adjacent ones merged */
    snap_vma norm[SNAP_MAXV];  /* vma[], normalized (snap__normalize) */
    snap_run guard[SNAP_MAXRUN]; /* guard pages (MADV_GUARD_INSTALL) at the snapshot */
    uintptr_t hot[SNAP_MAXHOT], hot2[SNAP_MAXHOT];   /* hot pages (snap__put_back) */
    uintptr_t prev[SNAP_MAXHOT], prev2[SNAP_MAXHOT]; /* the last reset's other pages */
    size_t nhot, nprev;
    uintptr_t span[2];
    size_t nguard;
    size_t nnorm;
    snap_run run[SNAP_MAXRUN];
    snap_fd fds[SNAP_MAXFD];
    struct snap_page_region vec[SNAP_VEC];
    char why[256];
    /* the address space watched (snap__lay_*): at the snapshot */
    int statm;                 /* /proc/self/statm, or -1: no watch */
    uint64_t lay_epoch, lay_size, lay_data, lay_adds, lay_subs;
    int lay_same;              /* this reset: no change seen before it began */
    uint64_t proc_epoch;       /* the process's state watched (proc__*): at the snapshot */
    uint64_t proc_reads;       /* resets that read it */
    int proc_same;             /* this reset: no call that changes it seen */
    int lay_suspect;           /* the run called C where no watch sees (ctypes) */
    uint64_t lay_reads;        /* resets that read /proc/self/maps */
    size_t data_used;
    char mapbuf[SNAP_MAPBUF];
    char dents[16384];
} snap_state;

#define S ((snap_state *)SNAP_BASE)
#define SNAP_STATE_BYTES ((sizeof(snap_state) + PG - 1) & ~(PG - 1))
#define SNAP_STACK ((char *)SNAP_BASE + SNAP_STATE_BYTES)
#define SNAP_DATA ((char *)SNAP_STACK + SNAP_STACK_BYTES)
#define SNAP_END ((uintptr_t)SNAP_DATA + SNAP_DATA_MAX)

static const sim_ctx_backend *snap_ctx_ops;

bool cpy_snap_supported(void)
{
    return sim_ctx_backend_find("asm") != NULL;
}
static size_t snap__normalize(snap_vma *v, size_t n);
static size_t snap__vma_at(uintptr_t a);
static int snap__notify(int32_t msg);
static int snap__ids(uint32_t ids[12]);
static char take_why[256] = "";

static void snap__why(const char *what, long err)
{
    char *w = S->why;
    size_t n = strlen(what);
    if (n > sizeof S->why - 24)
        n = sizeof S->why - 24;
    memcpy(w, what, n);
    if (err < 0) {
        /* " (errno N)" without printf */
        const char *p = " (errno ";
        for (; *p; p++)
            w[n++] = *p;
        char d[12];
        int k = 0;
        unsigned long v = (unsigned long)-err;
        do
            d[k++] = (char)('0' + v % 10);
        while ((v /= 10) && k < 11);
        while (k)
            w[n++] = d[--k];
        w[n++] = ')';
    }
    w[n] = '\0';
}

const char *cpy_snap_why(void)
{
    if (take_why[0])
        return take_why;
    return S->taken ? S->why : "no snapshot";
}

uint64_t cpy_snap_resets(void)
{
    return take_why[0] || !S->taken ? 0 : S->resets;
}

/* ---- /proc/self/maps ------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static const char *parse_hex(const char *p, const char *end, uint64_t *v)
{
    uint64_t x = 0;
    int d;
    while (p < end && (d = hexval(*p)) >= 0)
        x = x << 4 | (uint64_t)d, p++;
    *v = x;
    return p;
}

/* The mappings now, but our region, into out[] (sorted by address, as the
 * kernel lists them). Returns the count, or -1. */
static long snap__parse_maps(const char *buf, size_t len, snap_vma *out);

/* /proc/self/maps (open at fd) into buf (cap bytes): its length, or -1. */
static long snap__read_text(int fd, char *buf, size_t cap)
{
    size_t len = 0;
    for (;;) {
        long k = SYS6(SYS_pread64, fd, buf + len, cap - len, len, 0, 0);
        if (k < 0)
            return -1;
        if (k == 0)
            return (long)len;
        len += (size_t)k;
        if (len == cap)
            return -1;
    }
}

static long snap__read_maps(snap_vma *out)
{
    long len = snap__read_text(S->maps, S->mapbuf, SNAP_MAPBUF);
    return len < 0 ? -1 : snap__parse_maps(S->mapbuf, (size_t)len, out);
}

/* The process's total and data sizes in pages (/proc/self/statm's first
 * and sixth numbers): 0, or -1. */
static int snap__statm(uint64_t *size, uint64_t *data)
{
    char b[160];
    long len = S->statm < 0 ? -1 : SYS6(SYS_pread64, S->statm, b, sizeof b, 0, 0, 0);
    if (len <= 0)
        return -1;
    uint64_t v[6];
    int k = 0;
    const char *p = b, *e = b + len;
    while (k < 6 && p < e && *p >= '0' && *p <= '9') {
        uint64_t x = 0;
        while (p < e && *p >= '0' && *p <= '9')
            x = x * 10 + (uint64_t)(*p++ - '0');
        v[k++] = x;
        if (p < e && *p == ' ')
            p++;
    }
    if (k < 6)
        return -1;
    *size = v[0];
    *data = v[5];
    return 0;
}

/* The watch's view of the address space now, as the snapshot's to be
 * compared with: sizes and the loader's counters (the epoch is taken
 * where the memory is). False when it cannot be had: no watch then. */
static bool snap__lay_note(void)
{
    uint64_t dl[2];
    if (S->statm < 0 || !lay__dl(dl) || snap__statm(&S->lay_size, &S->lay_data) != 0)
        return false;
    S->lay_adds = dl[0];
    S->lay_subs = dl[1];
    return true;
}

/* The mappings listed in buf (maps' text) into out[] (at most SNAP_MAXV),
 * but our region: the count, or -1. */
static long snap__parse_maps(const char *buf, size_t len, snap_vma *out)
{
    const char *p = buf, *end = buf + len;
    long n = 0;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        uint64_t a, b, off, dmaj, dmin, ino = 0;
        const char *q = parse_hex(p, eol, &a);
        if (q < eol && *q == '-')
            q++;
        q = parse_hex(q, eol, &b);
        if (eol - q < 6)
            return -1;
        q++;
        uint8_t prot = (uint8_t)((q[0] == 'r' ? PROT_READ : 0) | (q[1] == 'w' ? PROT_WRITE : 0) |
                                 (q[2] == 'x' ? PROT_EXEC : 0));
        uint8_t shared = q[3] == 's';
        q += 5;
        q = parse_hex(q, eol, &off);
        while (q < eol && *q == ' ')
            q++;
        q = parse_hex(q, eol, &dmaj);
        if (q < eol && *q == ':')
            q++;
        q = parse_hex(q, eol, &dmin);
        while (q < eol && *q == ' ')
            q++;
        while (q < eol && *q >= '0' && *q <= '9')
            ino = ino * 10 + (uint64_t)(*q++ - '0');
        while (q < eol && *q == ' ')
            q++;
        bool special = q + 1 < eol && q[0] == '[' &&
                       (memcmp(q, "[vvar", 5) == 0 || memcmp(q, "[vdso", 5) == 0 ||
                        memcmp(q, "[vsyscall", 9) == 0 || memcmp(q, "[uprobes", 8) == 0);
        bool stack = eol - q >= 7 && memcmp(q, "[stack]", 7) == 0;
        /* the fault handler tells a program's own fault through ctypes by
         * its module's name in the maps (child__ctypes_mapped, cpy_run.c) */
        bool keep = memmem(q, (size_t)(eol - q), "/_ctypes.", 9) != NULL;
        if (a >= SNAP_BASE && b <= SNAP_END) {
            p = eol + 1;
            continue; /* ours */
        }
        if (n == SNAP_MAXV)
            return -1;
        out[n] = (snap_vma){.start = a, .end = b, .off = off, .ino = ino,
                            .dev = (uint32_t)(dmaj << 12 | dmin), .prot = prot, .shared = shared,
                            .anon = ino == 0 && !special, .stack = stack, .tracked = 0,
                            .keep = keep};
        if (special)
            out[n].shared = 1; /* never ours to change */
        n++;
        p = eol + 1;
    }
    return n;
}

/* ---- pages ----------------------------------------------------------------- */

/* One PAGEMAP_SCAN call over [*start, end) for the pages in category
 * `mask`, or (mask 0) for the pages that hold bytes: present, or swapped
 * out (the kernel swaps a runner out like any process, and a page swapped
 * out is as much the process's as one in memory), guard pages not (their
 * entries are of the swap kind too); the regions in S->vec. */
static long snap__scan(uintptr_t *start, uintptr_t end, uint64_t flags, uint64_t mask)
{
    struct snap_pm_scan_arg a = {.size = sizeof a, .flags = flags, .start = *start, .end = end,
                                 .vec = (uintptr_t)S->vec, .vec_len = SNAP_VEC,
                                 .category_mask = mask, .return_mask = mask};
    if (!mask) {
        a.category_mask = a.category_inverted = SNAP_PAGE_IS_GUARD;
        a.category_anyof_mask = SNAP_PAGE_IS_PRESENT | SNAP_PAGE_IS_SWAPPED;
        a.return_mask = SNAP_PAGE_IS_PRESENT;
    }
    long r = SYS3(SYS_ioctl, S->pm, SNAP_PAGEMAP_SCAN, &a);
    if (r >= 0)
        *start = a.walk_end ? a.walk_end : end;
    return r;
}

static int snap__wp(uintptr_t a, uintptr_t b)
{
    struct snap_uffdio_writeprotect w = {.range = {a, b - a}, .mode = SNAP_UFFDIO_WRITEPROTECT_MODE_WP};
    return SYS3(SYS_ioctl, S->uffd, SNAP_UFFDIO_WRITEPROTECT, &w) == 0 ? 0 : -1;
}

/* The first run ending above a. */
static size_t snap__run_at(uintptr_t a)
{
    size_t lo = 0, hi = S->nrun;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (S->run[mid].addr + S->run[mid].len <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Write-protects the pages copied back, a span at a time: pieces less
 * than SNAP_SPAN_GAP apart share one call (the pages between are protected
 * already, or absent, which the call leaves absent). */
#define SNAP_SPAN_GAP ((uintptr_t)2 << 20)
#define SNAP_TABLE_SPAN ((uintptr_t)2 << 20) /* what one page table maps */
#define span_a (S->span[0]) /* in our region: nothing the reset writes is tracked */
#define span_b (S->span[1])

static int snap__span_flush(void)
{
    int r = span_b ? snap__wp(span_a, span_b) : 0;
    span_a = span_b = 0;
    return r;
}

static int snap__span_add(uintptr_t a, uintptr_t b)
{
    if (span_b && a >= span_b && a - span_b < SNAP_SPAN_GAP) {
        span_b = b;
        return 0;
    }
    int r = snap__span_flush();
    span_a = a;
    span_b = b;
    return r;
}

/* Hot pages: a page a run writes after the previous run wrote it too is
 * left writable for good and copied back at every reset, written or not:
 * that costs a copy, and saves the write-protect fault of its first write
 * in every run and the write-protect call after it (together about three
 * copies' worth here). Both lists are sorted page addresses; `prev` is
 * the last reset's other copied pages. */
static bool snap__in(const uintptr_t *v, size_t n, size_t *pos, uintptr_t p)
{
    while (*pos < n && v[*pos] < p)
        (*pos)++;
    return *pos < n && v[*pos] == p;
}

typedef struct snap_hotwalk {
    size_t hot_pos, prev_pos; /* cursors into S->hot, S->prev */
    size_t nhot2, nprev2;     /* this reset's lists, being built */
} snap_hotwalk;

static int snap__keep(uintptr_t a, uintptr_t e, snap_hotwalk *hw);

/* A small tracked range (snap_vma.whole) back as it was, unasked: the
 * snapshot's pages copied, the others zeros (present: the run may have
 * written them, and a page of zeros reads as no page). Its pages are
 * never write-protected again: a run writes them without a fault. */
static void snap__put_whole(const snap_vma *r)
{
    uintptr_t a = r->start;
    size_t i = snap__run_at(a);
    while (a < r->end) {
        if (i < S->nrun && S->run[i].addr <= a) {
            const snap_run *u = &S->run[i];
            uintptr_t e = u->addr + u->len < r->end ? u->addr + u->len : r->end;
            memcpy((void *)a, SNAP_DATA + u->data + (a - u->addr), e - a);
            a = e;
            i++;
            continue;
        }
        uintptr_t e = i < S->nrun && S->run[i].addr < r->end ? S->run[i].addr : r->end;
        memset((void *)a, 0, e - a);
        a = e;
    }
}

/* [a, b) was written (present) or is absent: back to the snapshot's bytes
 * where the snapshot had a page (an absent one the run dropped), to no page
 * where it had none. */
static int snap__put_back(uintptr_t a, uintptr_t b, bool present, snap_hotwalk *hw)
{
    size_t i = snap__run_at(a);
    while (a < b) {
        if (i < S->nrun && S->run[i].addr <= a) {
            const snap_run *r = &S->run[i];
            uintptr_t e = r->addr + r->len < b ? r->addr + r->len : b;
            memcpy((void *)a, SNAP_DATA + r->data + (a - r->addr), e - a);
            if (snap__keep(a, e, hw) != 0)
                return -1;
            a = e;
            i++;
            continue;
        }
        uintptr_t e = i < S->nrun && S->run[i].addr < b ? S->run[i].addr : b;
        if (present) {
            /* a page the snapshot did not have: zeros, as it would read
             * without a page, but kept (the next run's write then costs no
             * fresh page) */
            memset((void *)a, 0, e - a);
            if (snap__keep(a, e, hw) != 0)
                return -1;
        }
        a = e;
    }
    return 0;
}

/* [a, b) holds its snapshot bytes again: write-protected, or left writable
 * as a hot page. */
static int snap__keep(uintptr_t a, uintptr_t e, snap_hotwalk *hw)
{
    for (uintptr_t p = a; p < e; p += PG) {
        bool hot = snap__in(S->hot, S->nhot, &hw->hot_pos, p);
        if (!hot && snap__in(S->prev, S->nprev, &hw->prev_pos, p) &&
            S->nhot + hw->nhot2 < SNAP_MAXHOT)
            hot = true;
        if (hot) {
            if (snap__span_flush() != 0)
                return -1;
            S->hot2[hw->nhot2++] = p;
        } else {
            if (snap__span_add(p, p + PG) != 0)
                return -1;
            if (hw->nprev2 < SNAP_MAXHOT)
                S->prev2[hw->nprev2++] = p;
        }
    }
    return 0;
}

/* ---- taking ---------------------------------------------------------------- */

static int snap__highfd(long fd)
{
    if (fd < 0)
        return -1;
    long h = SYS3(SYS_fcntl, fd, F_DUPFD_CLOEXEC, SNAP_FD_MIN);
    SYS3(SYS_close, fd, 0, 0);
    return h < 0 ? -1 : (int)h;
}

static int snap__fstat(int fd, uint64_t *dev, uint64_t *ino)
{
    struct stat st;
    if (SYS3(SYS_fstat, fd, &st, 0) != 0)
        return -1;
    *dev = st.st_dev;
    *ino = st.st_ino;
    return 0;
}

/* The open descriptors, each through cb; -1 on failure. */
static int snap__each_fd(int (*cb)(int fd))
{
    if (SYS3(SYS_lseek, S->fddir, 0, SEEK_SET) != 0)
        return -1;
    for (;;) {
        long n = SYS3(SYS_getdents64, S->fddir, S->dents, sizeof S->dents);
        if (n < 0)
            return -1;
        if (n == 0)
            return 0;
        for (long off = 0; off < n;) {
            struct snap_dirent *d = (struct snap_dirent *)(S->dents + off);
            off += d->reclen;
            if (d->name[0] < '0' || d->name[0] > '9')
                continue;
            int fd = 0;
            for (const char *c = d->name; *c >= '0' && *c <= '9'; c++)
                fd = fd * 10 + (*c - '0');
            if (cb(fd) != 0)
                return -1;
        }
    }
}

/* The threads of this process (entries of /proc/self/task), or -1. */
static int snap__threads(void)
{
    if (SYS3(SYS_lseek, S->taskdir, 0, SEEK_SET) != 0)
        return -1;
    int n = 0;
    for (;;) {
        long k = SYS3(SYS_getdents64, S->taskdir, S->dents, sizeof S->dents);
        if (k < 0)
            return -1;
        if (k == 0)
            return n;
        for (long off = 0; off < k;) {
            struct snap_dirent *d = (struct snap_dirent *)(S->dents + off);
            off += d->reclen;
            n += d->name[0] >= '0' && d->name[0] <= '9';
        }
    }
}

static const int *take_skip; /* descriptors not kept (cpy_snap_take_except) */
static size_t take_nskip;

static int snap__note_fd(int fd)
{
    for (size_t i = 0; i < take_nskip; i++)
        if (take_skip[i] == fd)
            return 0; /* the run's: closed at every reset */
    if (S->nfd == SNAP_MAXFD)
        return -1;
    snap_fd *f = &S->fds[S->nfd];
    f->fd = fd;
    if (fd != S->fddir && snap__fstat(fd, &f->dev, &f->ino) != 0)
        return -1;
    S->nfd++;
    return 0;
}

/* A copy that calls nothing: while a mapping is being replaced, the
 * library functions' addresses (a binary's GOT, in its .data) may be gone. */
static void snap__copy(void *dst, const void *src, size_t n)
{
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

/* A private writable mapping of a file (a library's .data) becomes an
 * anonymous one holding the same bytes: the kernel tracks writes to
 * anonymous memory only. */
static int snap__to_anon(const snap_vma *v)
{
    size_t len = v->end - v->start;
    if (len > SNAP_DATA_MAX)
        return -1;
    snap__copy(SNAP_DATA, (const void *)v->start, len);
    long m = SYS6(SYS_mmap, v->start, len, v->prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (m != (long)v->start)
        for (;;)
            SYS3(SYS_exit_group, 0, 0, 0); /* half done: nothing to go back to */
    snap__copy((void *)v->start, SNAP_DATA, len);
    return 0;
}

/* ---- the libraries' read-only mappings, sealed copies ------------------------ */

#define SNAP_RO_MAX ((size_t)16 << 20) /* larger ones stay as they are */
#define SNAP_SYS_MSEAL 462

static bool snap__ro_convertible(const snap_vma *v)
{
    uintptr_t self = (uintptr_t)&cpy_snap_seal_libraries;
    return !v->shared && !v->anon && !v->keep && (v->prot & PROT_READ) &&
           !(v->prot & PROT_WRITE) && v->end - v->start <= SNAP_RO_MAX &&
           !(self >= v->start && self < v->end);
}

/* v becomes an anonymous copy of itself (through tmp), sealed. Calls
 * nothing: the mapping replaced may be the C library's code. */
static int snap__to_anon_sealed(const snap_vma *v, char *tmp)
{
    size_t len = v->end - v->start;
    snap__copy(tmp, (const void *)v->start, len);
    long m = SYS6(SYS_mmap, v->start, len, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (m != (long)v->start)
        return -1; /* refused: the file mapping is still there */
    snap__copy((void *)v->start, tmp, len);
    if (SYS3(SYS_mprotect, v->start, len, v->prot) != 0 ||
        SYS3(SNAP_SYS_MSEAL, v->start, len, 0) != 0)
        for (;;)
            SYS3(SYS_exit_group, 70, 0, 0); /* half done: nothing to go back to */
    return 0;
}

int cpy_snap_seal_libraries(void)
{
    /* whether this kernel seals: a page of its own, sealed for good */
    long probe = SYS6(SYS_mmap, 0, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (probe < 0 && probe > -4096)
        return -1;
    if (SYS3(SNAP_SYS_MSEAL, probe, PG, 0) != 0) {
        SYS3(SYS_munmap, probe, PG, 0);
        return -1;
    }
    size_t vbytes = SNAP_MAXV * sizeof(snap_vma);
    size_t total = SNAP_RO_MAX + SNAP_MAPBUF + vbytes;
    long sc = SYS6(SYS_mmap, 0, total, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (sc < 0 && sc > -4096)
        return -1;
    char *tmp = (char *)sc, *text = tmp + SNAP_RO_MAX;
    snap_vma *v = (snap_vma *)(text + SNAP_MAPBUF);
    long fd = SYS3(SYS_open, "/proc/self/maps", O_RDONLY | O_CLOEXEC, 0);
    long len = fd >= 0 ? snap__read_text((int)fd, text, SNAP_MAPBUF) : -1;
    if (fd >= 0)
        SYS3(SYS_close, fd, 0, 0);
    long n = len >= 0 ? snap__parse_maps(text, (size_t)len, v) : -1;
    int done = 0;
    if (n >= 0) {
        /* no signal while a library's code is replaced: its handler, or
         * the restorer it returns through, may be in it */
        uint64_t all = ~(uint64_t)0, was = 0;
        SYS6(SYS_rt_sigprocmask, SIG_SETMASK, &all, &was, 8, 0, 0);
        for (long i = 0; i < n; i++)
            if (snap__ro_convertible(&v[i]) && snap__to_anon_sealed(&v[i], tmp) == 0)
                done++;
        SYS6(SYS_rt_sigprocmask, SIG_SETMASK, &was, 0, 8, 0, 0);
    }
    SYS3(SYS_munmap, sc, total, 0);
    return n >= 0 ? done : -1;
}

static bool snap__trackable(const snap_vma *v)
{
    return !v->shared && v->anon && (v->prot & (PROT_READ | PROT_WRITE)) == (PROT_READ | PROT_WRITE);
}

static long snap__protect_tables(uintptr_t a, uintptr_t b);

/* On our stack: write-protect the tracked memory and copy the pages that
 * hold bytes (present, or swapped out: copying swaps them in). */
static void snap__take_entry(void)
{
    sim_ctx_entered();
    S->nrun = 0;
    S->data_used = 0;
    S->nguard = 0;
    for (size_t i = 0; i < S->nrange && S->taken >= 0; i++) {
        snap_vma *r = &S->range[i];
        size_t guard0 = S->nguard;
        /* guard pages, to make again in a mapping the run unmaps */
        for (uintptr_t at = r->start; at < r->end && S->taken >= 0;) {
            long k = snap__scan(&at, r->end, 0, SNAP_PAGE_IS_GUARD);
            if (k < 0) {
                snap__why("PAGEMAP_SCAN knows no guard pages (Linux 6.14+)", k);
                S->taken = -1;
                break;
            }
            for (long j = 0; j < k; j++) {
                if (S->nguard == SNAP_MAXRUN) {
                    snap__why("too many guard pages", 0);
                    S->taken = -1;
                    break;
                }
                S->guard[S->nguard++] = (snap_run){S->vec[j].start, S->vec[j].end - S->vec[j].start, 0};
            }
        }
        uintptr_t at = r->start;
        while (at < r->end && S->taken >= 0) {
            long k = snap__scan(&at, r->end, 0, 0);
            if (k < 0) {
                snap__why("PAGEMAP_SCAN failed", k);
                S->taken = -1;
                break;
            }
            for (long j = 0; j < k; j++) {
                size_t len = S->vec[j].end - S->vec[j].start;
                if (S->nrun == SNAP_MAXRUN || S->data_used + len > SNAP_DATA_MAX) {
                    snap__why("the snapshot is too large", 0);
                    S->taken = -1;
                    break;
                }
                memcpy(SNAP_DATA + S->data_used, (void *)S->vec[j].start, len);
                S->run[S->nrun++] = (snap_run){S->vec[j].start, len, S->data_used};
                S->data_used += len;
            }
        }
        /* then every entry of the range's page tables write-protected, the
         * empty ones too (the kernel leaves a marker there,
         * UFFD_FEATURE_WP_ASYNC implying WP_UNPOPULATED), so that a reset's
         * scan for written entries (snap__reset_entry) passes over them */
        if (S->taken >= 0) {
            long k = snap__protect_tables(r->start, r->end);
            if (k < 0) {
                snap__why("cannot write-protect the memory", k);
                S->taken = -1;
            }
        }
        /* a few pages (a library's .data and .bss): one scan costs more
         * than copying them all back (snap__put_whole) */
        r->whole = r->end - r->start <= SNAP_WHOLE_MAX && S->nguard == guard0;
    }
    sim_ctx_switch(snap_ctx_ops, &S->from, &S->here, true);
}

static int snap__fail_take(const char *why, long err)
{
    snap__why(why, err);
    memcpy(take_why, S->why, sizeof take_why);
    take_why[sizeof take_why - 1] = '\0';
    return -1;
}

static bool snap_opened;

/* Every entry of the page tables [a, b) has write-protected, empty ones
 * too (a marker); the holes between tables stay holes: PAGEMAP_SCAN with
 * no output vector protects all of a table it walks, and walks only the
 * tables of pages present. The ioctl's result. */
static long snap__protect_tables(uintptr_t a, uintptr_t b)
{
    struct snap_pm_scan_arg wa = {.size = sizeof wa,
                                  .flags = SNAP_PM_SCAN_WP_MATCHING | SNAP_PM_SCAN_CHECK_WPASYNC,
                                  .start = a, .end = b, .category_mask = SNAP_PAGE_IS_PRESENT,
                                  .return_mask = SNAP_PAGE_IS_PRESENT};
    return SYS3(SYS_ioctl, S->pm, SNAP_PAGEMAP_SCAN, &wa);
}

/* What the reset's scan relies on, tried on two pages of a mapping of
 * their own: once every entry is write-protected (a page's, and an empty
 * one's marker), a page dropped (MADV_DONTNEED) is reported as written
 * (Linux 6.18: a drop of anonymous memory takes the marker with the page;
 * an empty entry's marker is not reported, which only saves time). 0, or
 * -1: a reset could miss a page of the snapshot the run dropped, and no
 * snapshot is taken. */
static int snap__probe_drop(void)
{
    long m = SYS6(SYS_mmap, 0, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m < 0 && m > -4096)
        return -1;
    int ok = -1;
    *(volatile char *)m = 1;
    struct snap_uffdio_register rg = {.range = {(uint64_t)m, 2 * PG},
                                      .mode = SNAP_UFFDIO_REGISTER_MODE_WP};
    struct snap_pm_scan_arg qa = {.size = sizeof qa, .flags = SNAP_PM_SCAN_CHECK_WPASYNC,
                                  .start = (uint64_t)m, .end = (uint64_t)m + 2 * PG,
                                  .vec = (uintptr_t)S->vec, .vec_len = SNAP_VEC,
                                  .category_mask = SNAP_PAGE_IS_WRITTEN,
                                  .return_mask = SNAP_PAGE_IS_PRESENT | SNAP_PAGE_IS_WRITTEN};
    if (SYS3(SYS_ioctl, S->uffd, SNAP_UFFDIO_REGISTER, &rg) == 0 &&
        snap__protect_tables((uintptr_t)m, (uintptr_t)m + 2 * PG) >= 0 &&
        SYS3(SYS_madvise, m, PG, MADV_DONTNEED) == 0) {
        long k = SYS3(SYS_ioctl, S->pm, SNAP_PAGEMAP_SCAN, &qa);
        if (k >= 1 && S->vec[0].start == (uint64_t)m && S->vec[0].end >= (uint64_t)m + PG &&
            !(S->vec[0].categories & SNAP_PAGE_IS_PRESENT))
            ok = 0;
    }
    SYS3(SYS_munmap, m, 2 * PG, 0);
    return ok;
}

int cpy_snap_open(void)
{
    if (snap_opened)
        return 0;
    snap_ctx_ops = sim_ctx_backend_find("asm");
    if (!snap_ctx_ops) {
        snprintf(take_why, sizeof take_why, "no asm context backend");
        return -1;
    }
    long m = SYS6(SYS_mmap, SNAP_BASE, SNAP_END - SNAP_BASE, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (m != (long)SNAP_BASE) {
        snprintf(take_why, sizeof take_why, "cannot map the snapshot's region (%ld)", m);
        if (m > 0)
            SYS3(SYS_munmap, m, SNAP_END - SNAP_BASE, 0);
        return -1;
    }
    take_why[0] = '\0';
    {
        /* the library functions a reset calls, called once now: a binary
         * bound lazily writes a function's address into its GOT (tracked
         * memory) at the first call, which must not happen during a reset */
        volatile size_t one = 1;
        char a[2] = {1, 0}, b[2] = {1, 0};
        memset(a, 1, one);
        memcpy(b, a, one);
        S->why[0] = (char)(memcmp(a, b, one) + (memchr(a, 1, one) != NULL) + (int)strlen(b) +
                           (memmem(a, one, b, one) != NULL));
    }
    S->uffd = S->pm = S->maps = S->fddir = S->taskdir = S->statm = -1;
    long fd = SYS3(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK, 0, 0);
    if (fd < 0)
        fd = SYS3(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | SNAP_UFFD_USER_MODE_ONLY, 0, 0);
    if (fd < 0)
        return snap__fail_take("userfaultfd is refused", fd);
    S->uffd = snap__highfd(fd);
    struct snap_uffdio_api api = {.api = SNAP_UFFD_API,
                                  .features = SNAP_UFFD_FEATURE_WP_ASYNC};
    long r = SYS3(SYS_ioctl, S->uffd, SNAP_UFFDIO_API, &api);
    if (S->uffd < 0 || r != 0)
        return snap__fail_take("userfaultfd has no asynchronous write-protect (Linux 6.7+)", r);
    S->pm = snap__highfd(SYS3(SYS_open, "/proc/self/pagemap", O_RDONLY | O_CLOEXEC, 0));
    S->maps = snap__highfd(SYS3(SYS_open, "/proc/self/maps", O_RDONLY | O_CLOEXEC, 0));
    S->fddir = snap__highfd(SYS3(SYS_open, "/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0));
    S->taskdir = snap__highfd(SYS3(SYS_open, "/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0));
    if (S->pm < 0 || S->maps < 0 || S->fddir < 0 || S->taskdir < 0)
        return snap__fail_take("cannot open /proc/self", -1);
    /* the watch of the address space (without it every reset reads the maps) */
    lay_live = lay__bound();
    proc_live = proc__bound();
    if (lay_live)
        S->statm = snap__highfd(SYS3(SYS_open, "/proc/self/statm", O_RDONLY | O_CLOEXEC, 0));
    if (snap__probe_drop() != 0)
        return snap__fail_take("this kernel does not report a write-protected page dropped as written",
                               0);
    snap_opened = true;
    return 0;
}

int cpy_snap_take(bool verify)
{
    return cpy_snap_take_except(verify, NULL, 0);
}

uint64_t cpy_snap_layout_reads(void)
{
    return snap_opened && S->taken == 1 ? S->lay_reads : 0;
}

uint64_t cpy_snap_state_reads(void)
{
    return snap_opened && S->taken == 1 ? S->proc_reads : 0;
}

void cpy_snap_layout_suspect(void)
{
    if (snap_opened)
        S->lay_suspect = 1;
}

static int *fds_out;
static size_t fds_max, fds_n;

static int snap__list_fd(int fd)
{
    if (fd == S->uffd || fd == S->pm || fd == S->maps || fd == S->fddir || fd == S->taskdir ||
        fd == S->statm)
        return 0; /* the snapshot's own */
    if (fds_n == fds_max)
        return -1;
    size_t i = fds_n++;
    for (; i > 0 && fds_out[i - 1] > fd; i--)
        fds_out[i] = fds_out[i - 1];
    fds_out[i] = fd;
    return 0;
}

int cpy_snap_fds(int *out, size_t max)
{
    if (cpy_snap_open() != 0)
        return -1;
    fds_out = out;
    fds_max = max;
    fds_n = 0;
    return snap__each_fd(snap__list_fd) == 0 ? (int)fds_n : -1;
}

int cpy_snap_take_except(bool verify, const int *skip, size_t nskip)
{
    if (cpy_snap_open() != 0)
        return -1;
    take_skip = skip;
    take_nskip = nskip;
    S->verify = verify;
    /* the working folder by name: a sandbox entered since cpy_snap_open()
     * may have moved it, and allows no descriptor past its RLIMIT_NOFILE */
    long cw = SYS3(SYS_getcwd, S->cwd_path, sizeof S->cwd_path, 0);
    if (cw < 0)
        return snap__fail_take("cannot name the working folder", cw);

    if (snap__threads() != 1)
        return snap__fail_take("the process has more than one thread", 0);
    S->pid = SYS3(SYS_getpid, 0, 0, 0);
    S->brk = (uintptr_t)SYS3(SYS_brk, 0, 0, 0);
    S->umask = (uint32_t)SYS3(SYS_umask, 022, 0, 0);
    SYS3(SYS_umask, S->umask, 0, 0);
    if (SYS6(SYS_rt_sigprocmask, SIG_BLOCK, 0, &S->mask, 8, 0, 0) != 0)
        return snap__fail_take("sigprocmask", -1);
    for (int sig = 1; sig <= 64; sig++)
        if (SYS6(SYS_rt_sigaction, sig, 0, &S->act[sig], 8, 0, 0) != 0)
            S->act[sig].handler = UINT64_MAX; /* not ours to read or set */
    for (int res = 0; res < 16; res++)
        if (SYS6(SYS_prlimit64, 0, res, 0, S->lim[res], 0, 0) != 0)
            S->lim[res][0] = S->lim[res][1] = UINT64_MAX - 1;
    if (snap__ids(S->ids) != 0)
        return snap__fail_take("cannot read the process's user and group", -1);
    S->nfd = 0;
    if (snap__each_fd(snap__note_fd) != 0)
        return snap__fail_take("cannot list the open descriptors", -1);
    for (size_t i = 1; i < S->nfd; i++) /* ascending, for snap__close_gaps */
        for (size_t j = i; j > 0 && S->fds[j - 1].fd > S->fds[j].fd; j--) {
            snap_fd t = S->fds[j];
            S->fds[j] = S->fds[j - 1];
            S->fds[j - 1] = t;
        }

    long n = snap__read_maps(S->vma);
    if (n < 0)
        return snap__fail_take("cannot read /proc/self/maps", -1);
    for (long i = 0; i < n; i++) {
        snap_vma *v = &S->vma[i];
        if (!v->shared && !v->anon && (v->prot & PROT_WRITE) && snap__to_anon(v) != 0)
            return snap__fail_take("cannot make a private file mapping anonymous", -1);
    }
    n = snap__read_maps(S->vma);
    if (n < 0)
        return snap__fail_take("cannot read /proc/self/maps", -1);
    S->nvma = (size_t)n;
    S->nrange = 0;
    for (size_t i = 0; i < S->nvma; i++) {
        snap_vma *v = &S->vma[i];
        if (!snap__trackable(v))
            continue;
        v->tracked = 1;
        if (S->nrange && S->range[S->nrange - 1].end == v->start)
            S->range[S->nrange - 1].end = v->end;
        else
            S->range[S->nrange++] = *v;
    }
    /* registered a range of adjacent mappings at a time (one call each:
     * 190 mappings in about 40 ranges; each call costs some 10 us), or,
     * where the kernel refuses that, a mapping at a time */
    for (size_t i = 0; i < S->nrange; i++) {
        const snap_vma *g = &S->range[i];
        struct snap_uffdio_register rg = {.range = {g->start, g->end - g->start},
                                          .mode = SNAP_UFFDIO_REGISTER_MODE_WP};
        if (SYS3(SYS_ioctl, S->uffd, SNAP_UFFDIO_REGISTER, &rg) == 0)
            continue;
        for (size_t j = 0; j < S->nvma; j++) {
            const snap_vma *v = &S->vma[j];
            if (!v->tracked || v->start < g->start || v->end > g->end)
                continue;
            struct snap_uffdio_register one = {.range = {v->start, v->end - v->start},
                                               .mode = SNAP_UFFDIO_REGISTER_MODE_WP};
            long r = SYS3(SYS_ioctl, S->uffd, SNAP_UFFDIO_REGISTER, &one);
            if (r != 0)
                return snap__fail_take("cannot register memory with userfaultfd", r);
        }
    }
    memcpy(S->norm, S->vma, S->nvma * sizeof *S->vma);
    S->taken = 1;
    S->resets = 0;
    S->lay_reads = 0;
    S->proc_reads = 0;
    S->lay_suspect = 0;
    if (!snap__lay_note())
        S->statm = -1; /* (kept open: the snapshot's descriptors are checked) */
    S->lay_epoch = lay_epoch;
    S->proc_epoch = proc_epoch;
    S->nnorm = snap__normalize(S->norm, S->nvma);
    sim_ctx_make(snap_ctx_ops, &S->rctx, SNAP_STACK, SNAP_STACK_BYTES, snap__take_entry);
    sim_ctx_switch(snap_ctx_ops, &S->here, &S->rctx, false);
    /* here at the snapshot, and again after every reset */
    if (S->taken < 0) {
        memcpy(take_why, S->why, sizeof take_why);
        take_why[sizeof take_why - 1] = '\0';
        return -1; /* the caller exits: the memory is registered now */
    }
    SYS6(SYS_rt_sigprocmask, SIG_SETMASK, &S->mask, 0, 8, 0, 0);
    return S->resets ? 1 : 0;
}

/* ---- resetting --------------------------------------------------------------- */

/* The process's user and group ids and capabilities: a run of a root
 * process may give them up (os.setuid), and no reset can take them back. */
static int snap__ids(uint32_t ids[12])
{
    /* and its capabilities (capget, version 3: two sets of three words) */
    uint32_t hdr[2] = {0x20080522, 0};
    return SYS3(SYS_getresuid, &ids[0], &ids[1], &ids[2]) == 0 &&
                   SYS3(SYS_getresgid, &ids[3], &ids[4], &ids[5]) == 0 &&
                   SYS3(SYS_capget, hdr, &ids[6], 0) == 0
               ? 0
               : -1;
}

_Noreturn static void snap__give_up(const char *why, long err)
{
    (void)snap__notify(S->msg); /* the run itself was over, and fine */
    snap__why(why, err);
    if (S->verify) {
        SYS3(SYS_write, 2, "threadsim: reset: ", 18);
        SYS3(SYS_write, 2, S->why, strlen(S->why));
        SYS3(SYS_write, 2, "\n", 1);
    }
    for (;;)
        SYS3(SYS_exit_group, 0, 0, 0);
}

/* Tells the caller the run is over, once. */
static int snap__notify(int32_t msg)
{
    int fd = S->notify_fd;
    S->notify_fd = -1;
    if (fd < 0)
        return 0;
    return SYS3(SYS_write, fd, &msg, sizeof msg) == sizeof msg ? 0 : -1;
}

/* A reset that is not right: said on stderr, and to the caller as the
 * run's status (a wait status of exit 70), which the caller takes for an
 * engine failure; then the process ends. */
_Noreturn static void snap__verify_failed(uintptr_t at, const char *what)
{
    char msg[256];
    size_t j = snap__vma_at(at);
    const snap_vma *v = j < S->nvma ? &S->vma[j] : NULL;
    int k = snprintf(msg, sizeof msg,
                     "threadsim: reset: %s at %#lx after reset %lu (mapping %#lx-%#lx%s)\n", what,
                     (unsigned long)at, (unsigned long)S->resets, v ? (unsigned long)v->start : 0UL,
                     v ? (unsigned long)v->end : 0UL, v && v->tracked ? ", tracked" : "");
    SYS3(SYS_write, 2, msg, k);
    (void)snap__notify(70 << 8);
    for (;;)
        SYS3(SYS_exit_group, 70, 0, 0);
}

/* Closes every descriptor but the snapshot's (S->fds, ascending): one
 * close_range per gap between them, and one past the last. */
static int snap__close_gaps(void)
{
    unsigned lo = 0;
    for (size_t i = 0; i < S->nfd; i++) {
        unsigned fd = (unsigned)S->fds[i].fd;
        if (fd > lo && SYS3(SYS_close_range, lo, fd - 1, 0) != 0)
            return -1;
        lo = fd + 1;
    }
    return SYS3(SYS_close_range, lo, ~0U, 0) == 0 ? 0 : -1;
}

static bool snap__same_attrs(const snap_vma *a, const snap_vma *b)
{
    return a->prot == b->prot && a->shared == b->shared && a->anon == b->anon && a->ino == b->ino &&
           a->dev == b->dev;
}

/* Index of the first snapshot mapping ending above a. */
static size_t snap__vma_at(uintptr_t a)
{
    size_t lo = 0, hi = S->nvma;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (S->vma[mid].end <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* [a, b) of snapshot mapping v is gone (the run unmapped it): map it
 * again, tracked as before, with its bytes and guard pages. */
static int snap__remap(const snap_vma *v, uintptr_t a, uintptr_t b)
{
    if (v->shared || !v->anon)
        return -1;
    long m = SYS6(SYS_mmap, a, b - a, v->prot,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
    if (m != (long)a)
        return -1;
    (void)SYS3(SYS_madvise, a, b - a, MADV_NOHUGEPAGE);
    if (!v->tracked)
        return 0;
    struct snap_uffdio_register rg = {.range = {a, b - a}, .mode = SNAP_UFFDIO_REGISTER_MODE_WP};
    if (SYS3(SYS_ioctl, S->uffd, SNAP_UFFDIO_REGISTER, &rg) != 0)
        return -1;
    for (size_t i = snap__run_at(a); i < S->nrun && S->run[i].addr < b; i++) {
        const snap_run *r = &S->run[i];
        uintptr_t x = r->addr > a ? r->addr : a, y = r->addr + r->len < b ? r->addr + r->len : b;
        memcpy((void *)x, SNAP_DATA + r->data + (x - r->addr), y - x);
    }
    for (size_t i = 0; i < S->nguard; i++) {
        const snap_run *g = &S->guard[i];
        uintptr_t x = g->addr > a ? g->addr : a, y = g->addr + g->len < b ? g->addr + g->len : b;
        if (x < y && SYS3(SYS_madvise, x, y - x, SNAP_MADV_GUARD_INSTALL) != 0)
            return -1;
    }
    for (size_t i = snap__run_at(a); i < S->nrun && S->run[i].addr < b; i++) {
        const snap_run *r = &S->run[i];
        uintptr_t x = r->addr > a ? r->addr : a, y = r->addr + r->len < b ? r->addr + r->len : b;
        if (snap__wp(x, y) != 0)
            return -1;
    }
    return 0;
}

/* Undo what the run did to the address space: unmap its new mappings, map
 * again what it unmapped, undo its mprotects of reserved space. Returns
 * how many changes, or -1. */
static long snap__fix_layout(void)
{
    long n = snap__read_maps(S->cur);
    if (n < 0)
        return -1;
    long changes = 0;
    for (long i = 0; i < n; i++) {
        const snap_vma *c = &S->cur[i];
        size_t j = snap__vma_at(c->start);
        if (j < S->nvma && S->vma[j].start == c->start && S->vma[j].end == c->end &&
            snap__same_attrs(&S->vma[j], c))
            continue;
        if (c->stack && j < S->nvma && S->vma[j].stack && S->vma[j].end == c->end)
            continue; /* the process's stack grew down: fine */
        uintptr_t pos = c->start;
        for (; pos < c->end; j++) {
            const snap_vma *s = j < S->nvma ? &S->vma[j] : NULL;
            if (!s || s->start >= c->end) {
                if (SYS3(SYS_munmap, pos, c->end - pos, 0) != 0)
                    return -1;
                changes++;
                break;
            }
            if (pos < s->start) {
                if (SYS3(SYS_munmap, pos, s->start - pos, 0) != 0)
                    return -1;
                changes++;
                pos = s->start;
            }
            uintptr_t e = s->end < c->end ? s->end : c->end;
            if (c->prot != s->prot) {
                if (c->shared || s->shared || !c->anon || !s->anon)
                    return -1;
                if (s->prot == PROT_NONE) {
                    if (SYS3(SYS_mprotect, pos, e - pos, PROT_NONE) != 0 ||
                        SYS3(SYS_madvise, pos, e - pos, MADV_DONTNEED) != 0)
                        return -1;
                } else if (s->tracked) {
                    if (SYS3(SYS_mprotect, pos, e - pos, s->prot) != 0)
                        return -1;
                } else {
                    return -1;
                }
                changes++;
            } else if (!snap__same_attrs(s, c)) {
                return -1;
            }
            pos = e;
        }
    }
    /* what the snapshot has and the run unmapped */
    size_t i = 0;
    for (size_t j = 0; j < S->nvma; j++) {
        const snap_vma *s = &S->vma[j];
        uintptr_t pos = s->start;
        while (i < (size_t)n && S->cur[i].end <= pos)
            i++;
        for (size_t k = i; pos < s->end; k++) {
            const snap_vma *c = k < (size_t)n ? &S->cur[k] : NULL;
            uintptr_t gap_end = !c || c->start >= s->end ? s->end : c->start;
            if (c && c->stack && s->stack && c->end == s->end)
                break;
            if (pos < gap_end) {
                if (snap__remap(s, pos, gap_end) != 0)
                    return -1;
                changes++;
            }
            if (!c || c->start >= s->end)
                break;
            pos = c->end > pos ? c->end : pos;
        }
    }
    return changes;
}

/* Adjacent mappings of the same kind as one (the kernel splits and merges
 * mappings as it likes); in place, returns the new count. */
static size_t snap__normalize(snap_vma *v, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k && v[k - 1].end == v[i].start && v[k - 1].stack == v[i].stack &&
            snap__same_attrs(&v[k - 1], &v[i]))
            v[k - 1].end = v[i].end;
        else
            v[k++] = v[i];
    }
    return k;
}

/* The address space now covers exactly the snapshot's, with the same
 * protections (mappings may be split or merged differently). */
static bool snap__layout_same(void)
{
    long n = snap__read_maps(S->cur);
    if (n < 0)
        return false;
    size_t m = snap__normalize(S->cur, (size_t)n);
    if (m != S->nnorm)
        return false;
    for (size_t i = 0; i < m; i++) {
        const snap_vma *c = &S->cur[i], *s = &S->norm[i];
        if (!snap__same_attrs(c, s) || c->end != s->end ||
            !(c->start == s->start || (c->stack && s->stack && c->start < s->start)))
            return false;
    }
    return true;
}

/* glibc's restartable-sequences area, which the kernel itself rewrites
 * (the CPU a thread is on): not the run's doing, not compared */
extern const ptrdiff_t __rseq_offset __attribute__((weak));
extern const unsigned int __rseq_size __attribute__((weak));

static void snap__verify(void)
{
    uintptr_t rs = 0, re = 0;
    if (&__rseq_offset && &__rseq_size && __rseq_size) {
        rs = (uintptr_t)__builtin_thread_pointer() + (uintptr_t)__rseq_offset;
        re = rs + (__rseq_size < 32 ? 32 : __rseq_size);
    }
    for (size_t i = 0; i < S->nrun; i++) {
        const snap_run *r = &S->run[i];
        if (memcmp((const void *)r->addr, SNAP_DATA + r->data, r->len) == 0)
            continue;
        for (size_t k = 0; k < r->len; k++) {
            uintptr_t p = r->addr + k;
            if (((char *)p)[0] != SNAP_DATA[r->data + k] && !(p >= rs && p < re))
                snap__verify_failed(p, "a page differs from the snapshot");
        }
    }
    for (size_t i = 0; i < S->nrange; i++) {
        uintptr_t at = S->range[i].start;
        while (at < S->range[i].end) {
            long k = snap__scan(&at, S->range[i].end, 0, 0);
            if (k < 0)
                snap__verify_failed(at, "PAGEMAP_SCAN failed");
            for (long j = 0; j < k; j++) {
                for (uintptr_t p = S->vec[j].start; p < S->vec[j].end; p += PG) {
                    size_t ri = snap__run_at(p);
                    if (ri < S->nrun && S->run[ri].addr <= p)
                        continue;
                    const uint64_t *w = (const uint64_t *)p;
                    for (size_t q = 0; q < PG / 8; q++)
                        if (w[q])
                            snap__verify_failed(p + q * 8, "a page the snapshot did not have is not zero");
                }
            }
        }
    }
}

static void snap__reset_entry(void)
{
    sim_ctx_entered();
    /* one thread, as at the snapshot: memory cannot be put back under
     * another (a program's ctypes call to pthread_create) */
    if (snap__threads() != 1)
        snap__give_up("the process has more threads than at the snapshot", 0);
    /* descriptors: the run's go; the snapshot's must be the same files */
    if (snap__close_gaps() != 0)
        snap__give_up("cannot close the run's descriptors", -1);
    for (size_t i = 0; i < S->nfd; i++) {
        uint64_t dev, ino;
        if (S->fds[i].fd == S->fddir)
            continue;
        if (snap__fstat(S->fds[i].fd, &dev, &ino) != 0 || dev != S->fds[i].dev ||
            ino != S->fds[i].ino)
            snap__give_up("a descriptor of the snapshot was closed or replaced", 0);
    }
    /* the run is over for the caller (after the checks, when verifying) */
    if (!S->verify && snap__notify(S->msg) != 0)
        snap__give_up("the caller is gone", 0);
    /* limits, ids and (below) signals: read only after a run that may have
     * changed them (proc__bump), and at every verified reset */
    bool proc_read = !S->proc_same || S->verify;
    S->proc_reads += proc_read;
    for (int res = 0; proc_read && res < 16; res++) {
        uint64_t l[2];
        if (S->lim[res][0] == UINT64_MAX - 1)
            continue;
        if (SYS6(SYS_prlimit64, 0, res, 0, l, 0, 0) == 0 && l[0] == S->lim[res][0] &&
            l[1] == S->lim[res][1])
            continue;
        if (S->proc_same)
            snap__verify_failed(0, "a resource limit was changed unseen (no setrlimit call)");
        snap__give_up("a resource limit changed", 0);
    }
    uint32_t ids[12];
    if (proc_read && (snap__ids(ids) != 0 || memcmp(ids, S->ids, sizeof ids) != 0)) {
        if (S->proc_same)
            snap__verify_failed(0, "the user, group or capabilities were changed unseen");
        snap__give_up("the process's user, group or capabilities changed", 0);
    }
    /* the address space */
    if ((uintptr_t)SYS3(SYS_brk, 0, 0, 0) != S->brk &&
        (uintptr_t)SYS3(SYS_brk, S->brk, 0, 0) != S->brk)
        snap__give_up("cannot put the program break back", 0);
    /* (after the break, which the sizes count) */
    uint64_t size, data;
    bool same = S->lay_same && snap__statm(&size, &data) == 0 && size == S->lay_size &&
                data == S->lay_data;
    S->lay_suspect = 0;
    if (!same || S->verify) {
        S->lay_reads++;
        long ch = snap__fix_layout();
        if (ch < 0)
            snap__give_up("a mapping of the snapshot was changed", 0);
        if (ch > 0 && !snap__layout_same())
            snap__give_up("the address space differs from the snapshot", 0);
        if (same && ch > 0)
            snap__verify_failed(0, "the address space was changed unseen (no size, loader or "
                                   "mmap-call change)");
        /* the sizes of an address space as good as the snapshot's (a
         * stack grown down stays grown): the next resets compare with
         * these */
        if (!snap__lay_note())
            S->statm = -1;
    }
    /* the entries written: pages written, and entries with no page and no
     * write-protect marker: the snapshot's pages the run dropped (a drop
     * takes the marker too), the rest of a page table the run made, and
     * the holes between page tables (passed over unless the snapshot had
     * pages there). The empty entries of the snapshot's page tables carry
     * markers (snap__take_entry) and are not reported: asking for entries
     * absent instead made the kernel report each of them, about 10 ns an
     * entry (the stacks' range: 22 us a reset for the few pages it has). */
    snap_hotwalk hw = {0, 0, 0, 0};
    for (size_t i = 0; i < S->nrange; i++) {
        const snap_vma *r = &S->range[i];
        if (r->whole) {
            snap__put_whole(r);
            continue;
        }
        uintptr_t at = r->start;
        while (at < r->end) {
            struct snap_pm_scan_arg sa = {
                .size = sizeof sa, .flags = SNAP_PM_SCAN_CHECK_WPASYNC, .start = at, .end = r->end,
                .vec = (uintptr_t)S->vec, .vec_len = SNAP_VEC,
                .category_mask = SNAP_PAGE_IS_WRITTEN,
                .return_mask = SNAP_PAGE_IS_PRESENT | SNAP_PAGE_IS_SWAPPED |
                               SNAP_PAGE_IS_WRITTEN | SNAP_PAGE_IS_GUARD};
            long k = SYS3(SYS_ioctl, S->pm, SNAP_PAGEMAP_SCAN, &sa);
            if (k < 0)
                snap__give_up("tracked memory was replaced", k);
            at = sa.walk_end ? sa.walk_end : r->end;
            for (long j = 0; j < k; j++) {
                uintptr_t a = S->vec[j].start, b = S->vec[j].end;
                /* present, or written and swapped out since (an entry of the
                 * swap kind not written is a write-protect marker: no page;
                 * or a page swapped out unchanged) */
                uint64_t c = S->vec[j].categories;
                bool present = (c & SNAP_PAGE_IS_PRESENT) ||
                               ((c & SNAP_PAGE_IS_SWAPPED) && (c & SNAP_PAGE_IS_WRITTEN) &&
                                !(c & SNAP_PAGE_IS_GUARD));
                if (!present) {
                    size_t ri = snap__run_at(a);
                    if (ri == S->nrun || S->run[ri].addr >= b) {
                        /* nothing there then either. Empty entries of a
                         * page table the run made (within 2 MiB: no hole
                         * between tables, whose write-protect would fill
                         * it with tables) get markers, to be passed over
                         * from now on */
                        if (!(c & (SNAP_PAGE_IS_SWAPPED | SNAP_PAGE_IS_GUARD)) &&
                            b - a < SNAP_TABLE_SPAN && snap__wp(a, b) != 0)
                            snap__give_up("cannot write-protect the memory again", 0);
                        continue;
                    }
                }
                if (snap__put_back(a, b, present, &hw) != 0)
                    snap__give_up("cannot put a page back", 0);
            }
        }
        if (snap__span_flush() != 0)
            snap__give_up("cannot write-protect the memory again", 0);
    }
    memcpy(S->hot, S->hot2, hw.nhot2 * sizeof *S->hot);
    S->nhot = hw.nhot2;
    memcpy(S->prev, S->prev2, hw.nprev2 * sizeof *S->prev);
    S->nprev = hw.nprev2;
    /* the rest of the process's state */
    for (int sig = 1; proc_read && sig <= 64; sig++) {
        struct snap_kact a;
        if (S->act[sig].handler == UINT64_MAX ||
            SYS6(SYS_rt_sigaction, sig, 0, &a, 8, 0, 0) != 0)
            continue;
        if (memcmp(&a, &S->act[sig], sizeof a) == 0)
            continue;
        if (S->proc_same)
            snap__verify_failed(0, "a signal's handler was changed unseen (no sigaction call)");
        if (SYS6(SYS_rt_sigaction, sig, &S->act[sig], 0, 8, 0, 0) != 0)
            snap__give_up("cannot put a signal's handler back", 0);
    }
    if (SYS3(SYS_chdir, S->cwd_path, 0, 0) != 0)
        snap__give_up("cannot go back to the working folder", 0);
    SYS3(SYS_umask, S->umask, 0, 0);
    if (S->verify) {
        snap__verify();
        if (snap__notify(S->msg) != 0)
            snap__give_up("the caller is gone", 0);
    }
    S->resets++;
    sim_ctx_switch(snap_ctx_ops, &S->from, &S->here, true);
    snap__give_up("resumed a reset", 0);
}

int cpy_snap_reset(int notify_fd, int32_t msg)
{
    if (take_why[0] || S->taken != 1 || SYS3(SYS_getpid, 0, 0, 0) != S->pid)
        return -1;
    uint64_t all = ~(uint64_t)0;
    SYS6(SYS_rt_sigprocmask, SIG_SETMASK, &all, 0, 8, 0, 0);
    struct itimerval zero;
    memset(&zero, 0, sizeof zero);
    for (int w = ITIMER_REAL; w <= ITIMER_PROF; w++)
        SYS3(SYS_setitimer, w, &zero, 0);
    /* signals already pending (the watchdog's alarm) are dropped */
    struct timespec now = {0, 0};
    while (SYS6(SYS_rt_sigtimedwait, &all, 0, &now, 8, 0, 0) > 0)
        ;
    S->notify_fd = notify_fd;
    S->msg = msg;
    uint64_t dl[2];
    S->proc_same = proc_live && !S->lay_suspect && proc_epoch == S->proc_epoch;
    S->lay_same = S->statm >= 0 && !S->lay_suspect && lay_epoch == S->lay_epoch && lay__dl(dl) &&
                  dl[0] == S->lay_adds && dl[1] == S->lay_subs;
    sim_ctx_make(snap_ctx_ops, &S->rctx, SNAP_STACK, SNAP_STACK_BYTES, snap__reset_entry);
    sim_ctx_switch(snap_ctx_ops, &S->from, &S->rctx, true);
    return -1; /* not reached */
}

#endif
