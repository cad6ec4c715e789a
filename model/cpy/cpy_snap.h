/*
 * model/cpy/cpy_snap.h — in-process reset: a process taken back to a
 * snapshot of itself, so that one process can run schedule after schedule
 * of a program from the same pristine state without a fork for each.
 *
 * Why: an explored schedule used to cost a fork of the session's zygote and
 * the exit of the run's process. On a VM each page a run writes then costs a
 * copy-on-write fault with a fresh page (about 2.4 us here), the fork copies
 * the page tables, the exit tears them down, and the new process starts with
 * cold TLBs: about 1.7 ms per schedule for a tutorial program, ~600/s. A
 * reset writes back only the pages the run wrote, in the same process.
 *
 * How (Linux 6.14+, x86-64): every private anonymous read-write mapping is
 * registered with a userfaultfd in asynchronous write-protect mode
 * (UFFD_FEATURE_WP_ASYNC): the kernel itself unprotects a page at its first
 * write and notes it as written, no fault reaches us. The private writable
 * mappings of files (the libraries' .data) are first turned into anonymous
 * ones with the same bytes (the kernel cannot track those); their read-only
 * mappings were made sealed anonymous copies by the session's zygote
 * (cpy_snap_seal_libraries, below), which a run cannot change. The snapshot
 * copies the pages that hold bytes then (present, or swapped out: the kernel
 * swaps a runner out like any process, and a page swapped out is as much
 * the process's as one in memory) and notes the guard pages (PAGEMAP_SCAN's
 * PAGE_IS_GUARD, 6.14). A reset:
 *   - closes every descriptor the run opened (a close_range per gap between
 *     the snapshot's), checks the others are the same files, and then
 *     tells the caller the run is over (notify_fd, msg);
 *   - puts back the program break, unmaps what the run mapped, maps again
 *     what it unmapped (bytes and guard pages), and undoes the run's
 *     mprotects of reserved (PROT_NONE) address space (the deterministic
 *     allocator commits its region that way): all found in
 *     /proc/self/maps, read only after a run that may have changed a
 *     mapping (the process's sizes, the loader's counters or a call of the
 *     mmap family say so: cpy_snap.c): after none of 300 runs of each of
 *     six tutorial programs (the read was a twentieth of a schedule);
 *   - asks the kernel (PAGEMAP_SCAN, 6.7) which tracked entries were
 *     written: at the snapshot every entry of the tracked page tables was
 *     write-protected, the empty ones too (a marker), so what comes back is
 *     the pages written, the entries emptied (the snapshot's pages the run
 *     dropped), those of page tables the run made (given markers then) and
 *     the holes between tables (what the kernel reports is tried first, on
 *     a mapping of its own: a kernel that does otherwise gets no snapshot):
 *     a written page (in memory or swapped out since) gets
 *     the snapshot's bytes back, or zeros (kept, so the next run's write
 *     costs no fresh page) where the snapshot had no page; a page of the
 *     snapshot the run dropped is
 *     copied back; all are protected again, a span per write-protect call,
 *     but for hot pages: those the last run wrote too stay writable for
 *     good and are copied back at every reset (a copy is cheaper than the
 *     fault of a write to a protected page, about 0.6 us here); a tracked
 *     range of at most 16 KiB (a library's .data and .bss) is not asked
 *     about at all but copied back whole (zeros where the snapshot had no
 *     page): one PAGEMAP_SCAN call costs more than copying its few pages;
 *   - puts back signal dispositions, the working folder (by name: a
 *     sandbox may allow no spare descriptor) and the umask,
 *     cancels interval timers and discards pending signals;
 *   - resumes the code that took the snapshot: cpy_snap_take() returns 1.
 * All of it runs on its own stack, from its own state, in a region at a
 * fixed address (SNAP_BASE) outside what it tracks, with raw system calls
 * (not even errno is written).
 *
 * What a reset cannot undo (a mapping of a file, or a shared one, where
 * the snapshot had another; a descriptor of the snapshot closed or
 * replaced; a resource limit, the user or group ids or the capabilities
 * changed; another OS thread) ends the process instead, with status 0 (the
 * run itself was over and reported): the caller starts another process for
 * the next run. Where no snapshot can be taken (another architecture, an
 * older kernel, userfaultfd refused, a sanitizer build) cpy_snap_take()
 * says so and the caller forks per run as before.
 *
 * With verify set, each reset then compares every page of the snapshot with
 * memory, and checks that every tracked page absent from the snapshot reads
 * as zeros, before it tells the caller the run is over; a difference is
 * reported on stderr, told to the caller as the wait status of exit 70, and
 * the process exits 70. Tests run with it on.
 */
#ifndef CPY_SNAP_H
#define CPY_SNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* False where this build cannot take snapshots at all (not x86-64 Linux,
 * or a sanitizer build); true does not promise the kernel will allow it. */
bool cpy_snap_supported(void);

/* What a snapshot needs from the system before a sandbox refuses it (its
 * region, a userfaultfd, /proc/self's pagemap, maps and fd list): 0, or -1
 * (cpy_snap_why()). cpy_snap_take() does it if it was not done. */
int cpy_snap_open(void);

/* Takes the snapshot at this call. Returns 0 the first time, 1 each time a
 * reset brought the process back here, -1 (cpy_snap_why()) when no
 * snapshot can be taken: the process must then exit (its memory may be
 * registered for tracking already). The descriptors open now are the ones
 * every reset keeps (they must stay the same files). */
int cpy_snap_take(bool verify);

/* cpy_snap_take, but the `nskip` descriptors in skip are not kept: each
 * reset closes them, as it does the run's (a snapshot taken in the middle
 * of a run, whose pipes the next run replaces). */
int cpy_snap_take_except(bool verify, const int *skip, size_t nskip);

/* The open descriptors but the snapshot's own, ascending, into out (at
 * most max): their count, or -1. */
int cpy_snap_fds(int *out, size_t max);

/* Back to the snapshot: returns only if the process cannot be brought back
 * before notify_fd was written (-1); past that point a reset that fails
 * ends the process with status 0. notify_fd (open at the snapshot) gets the
 * 4 bytes of msg once the descriptors the run opened are closed. */
int cpy_snap_reset(int notify_fd, int32_t msg);

/* Why the last take failed, or why a reset gave up (for a test's eyes). */
const char *cpy_snap_why(void);

/* Resets so far in this process. */
uint64_t cpy_snap_resets(void);

/* Resets so far that read /proc/self/maps: those after a run that may
 * have changed the address space (cpy_snap.c says how that is seen), and
 * every verified one. */
uint64_t cpy_snap_layout_reads(void);

/* Resets so far that read the signals' handlers, the resource limits and
 * the user, group and capabilities back: those after a run that called a
 * function that changes one (sigaction, signal, setrlimit, setuid, capset,
 * ...: threadsim's own, which count the call and do it) or C through
 * ctypes, and every verified one. A change made with a raw system call by
 * other C code is not seen (a verified reset finds it and fails). */
uint64_t cpy_snap_state_reads(void);

/* The run may change the address space where the watch does not see (a
 * call into C through ctypes): the next reset reads the maps. */
void cpy_snap_layout_suspect(void);

/* The read-only mappings of the libraries loaded now (their code and
 * constants) become anonymous copies of themselves, sealed (mseal, Linux
 * 6.10+): /proc/self/maps, which a reset reads (above), names each file
 * mapping by its path, at about 0.6 us a mapping, and a nameless one costs
 * a third of that (52 -> 23 us for a runner's 77 mappings, in C). Sealed, a
 * copy cannot be unmapped, protected otherwise or dropped (MADV_DONTNEED),
 * so it is its library's bytes for good and needs no tracking. Not
 * converted: the mapping of this code, one of more than 16 MiB, the
 * _ctypes module's (the fault handler looks for its name). Called
 * by a session's zygote before it forks its first run, so that every run
 * (forked or reset) sees the same mappings. The number converted, or -1
 * (this kernel does not seal: nothing done). One thread only. */
int cpy_snap_seal_libraries(void);

/* The C library's own function `name`, the next definition after this
 * binary's (which exports its own: the mmap family, sigaction...; and
 * cpy_run.c's posix_fallocate), looked up once into *slot; NULL if none. */
void *cpy_snap_next_symbol(void **slot, const char *name);

#endif
