/* sim/buf.c — growable byte buffer (see buf.h). */
#include "buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sim_buf__grow(sim_buf *b, size_t extra)
{
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        fputs("threadsim: out of memory\n", stderr);
        abort();
    }
    b->p = p;
    b->cap = cap;
}

void sim_buf_add(sim_buf *b, const char *s, size_t n)
{
    sim_buf_reserve(b, n);
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void sim_buf_adds(sim_buf *b, const char *s) { sim_buf_add(b, s, strlen(s)); }

void sim_buf_add_visible(sim_buf *b, const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c >= 0x20 && *c != 0x7f)
            sim_buf_addc(b, (char)*c);
        else if (*c == '\n')
            sim_buf_adds(b, "\\n");
        else if (*c == '\t')
            sim_buf_adds(b, "\\t");
        else if (*c == '\r')
            sim_buf_adds(b, "\\r");
        else
            sim_buf_printf(b, "\\x%02x", *c);
    }
}

void sim_buf_vprintf(sim_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n <= 0)
        return;
    sim_buf_reserve(b, (size_t)n);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void sim_buf_printf(sim_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sim_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void sim_buf_free(sim_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

char *sim_buf_take(sim_buf *b)
{
    if (!b->p)
        sim_buf_reserve(b, 0), b->p[0] = '\0';
    char *p = b->p;
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

char *sim_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    sim_buf b = {0};
    char chunk[65536];
    size_t k;
    errno = 0;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + k > SIM_READ_FILE_MAX) { /* /dev/zero, a runaway file */
            fclose(f);
            sim_buf_free(&b);
            errno = EFBIG;
            return NULL;
        }
        sim_buf_add(&b, chunk, k);
    }
    int bad = ferror(f), why = errno; /* (EISDIR for a folder) */
    fclose(f);
    if (bad) {
        sim_buf_free(&b);
        errno = why ? why : EIO;
        return NULL;
    }
    *len = b.len;
    return sim_buf_take(&b);
}
