/*
 * sim/buf.h — a growable byte buffer, always NUL-terminated. Used by every
 * layer to build text (trace lines, log records, reports). Aborts on
 * out-of-memory: the simulator cannot run on without memory anyway.
 */
#ifndef SIM_BUF_H
#define SIM_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct sim_buf {
    char *p;        /* contents, NUL-terminated (owned); NULL until first append */
    size_t len;     /* bytes before the NUL */
    size_t cap;     /* allocated bytes */
} sim_buf;

void sim_buf_add(sim_buf *b, const char *s, size_t n);
void sim_buf_adds(sim_buf *b, const char *s);
/* `s` as one line a terminal shows as it is: control characters (a file
 * name's newline or ESC) written as Python's repr writes them (\n, \t, \r,
 * else \xNN), every other byte as it is. For names in diagnostics. */
void sim_buf_add_visible(sim_buf *b, const char *s);
/* Make room for `extra` more bytes (and the NUL) without changing the
 * contents: b->p + b->len may then be written up to that many bytes, and
 * b->len moved past them (the writer puts the NUL back). */
void sim_buf__grow(sim_buf *b, size_t extra);
static inline void sim_buf_reserve(sim_buf *b, size_t extra)
{
    if (!b->p || b->len + extra + 1 > b->cap)
        sim_buf__grow(b, extra);
}
/* One byte; the common case (room left) is inline. */
static inline void sim_buf_addc(sim_buf *b, char c)
{
    if (b->p && b->len + 2 <= b->cap) {
        b->p[b->len++] = c;
        b->p[b->len] = '\0';
    } else {
        sim_buf_add(b, &c, 1);
    }
}
void sim_buf_printf(sim_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sim_buf_vprintf(sim_buf *b, const char *fmt, va_list ap);
/* Forget the contents, keep the memory. */
static inline void sim_buf_clear(sim_buf *b) { if (b->p) b->p[0] = '\0'; b->len = 0; }
void sim_buf_free(sim_buf *b);
/* Contents as a C string ("" if empty); stays owned by the buffer. */
static inline const char *sim_buf_str(const sim_buf *b) { return b->p ? b->p : ""; }
/* Take ownership of the contents (never NULL); the buffer is left empty. */
char *sim_buf_take(sim_buf *b);
/* A whole file, as NUL-terminated text (it may hold NULs too: len says how
 * long): the contents (owned by the caller) with *len, or NULL with errno
 * set (the read's error: EISDIR for a folder, EIO if none was given; EFBIG
 * past SIM_READ_FILE_MAX: no program,
 * expected output or replay token is that long, and /dev/zero never ends). */
#define SIM_READ_FILE_MAX ((size_t)256 << 20)
char *sim_read_file(const char *path, size_t *len);

#endif
