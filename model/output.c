/*
 * model/output.c — print() and logging (see output.h).
 *
 * The record formatter implements the part of Python's `format % dict` that
 * logging formats use: %(key) followed by flags, width, precision and a
 * conversion. It is checked once by model_log_config (a bad format is an
 * error there, not at every record).
 */
#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pyfmt.h"
#include "world.h"

#define LOG_DEFAULT_FORMAT "%(levelname)s:%(name)s:%(message)s"

/* The output event itself, without a scheduling point. Callers tick once on
 * entry, before they allocate: a scheduling point while a thread holds heap
 * memory would leak it if the thread is a daemon killed there at exit. */
static void output__emit(int stream, const char *text, size_t len)
{
    model_world *w = model__world();
    sim_emit_text(&w->sched, SIM_EV_OUTPUT, SIM_NONE, stream == MODEL_STDERR ? 2 : 1, NULL, text,
                  len);
}

void model_write(int stream, const char *text, size_t len)
{
    model_step();
    output__emit(stream, text, len);
}

void model_print(const char *fmt, ...)
{
    model_step();
    va_list ap;
    va_start(ap, fmt);
    char *s = model__xvasprintf(fmt, ap);
    va_end(ap);
    size_t n = strlen(s);
    char *line = model__xmalloc(n + 2);
    memcpy(line, s, n);
    line[n] = '\n';
    output__emit(MODEL_STDOUT, line, n + 1);
    free(line);
    free(s);
}

const char *model_level_name(int level)
{
    switch (level) {
    case MODEL_CRITICAL: return "CRITICAL";
    case MODEL_ERROR: return "ERROR";
    case MODEL_WARNING: return "WARNING";
    case MODEL_INFO: return "INFO";
    case MODEL_DEBUG: return "DEBUG";
    case MODEL_NOTSET: return "NOTSET";
    default: return NULL;
    }
}

/* ---- the record formatter ---------------------------------------------- */

typedef enum { V_STR, V_INT, V_FLOAT } fmt__vtype;

typedef struct fmt__value {
    fmt__vtype type;
    const char *s;
    long long i;
    double f;
    char tmp[64];
} fmt__value;

static int fmt__lookup(const char *key, size_t klen, const model_log_record *r, fmt__value *v)
{
#define KEY(lit) (klen == sizeof(lit) - 1 && memcmp(key, lit, klen) == 0)
    double created = (double)MODEL_EPOCH_UNIX + (double)r->now_ns / 1e9;
    if (KEY("threadName")) *v = (fmt__value){.type = V_STR, .s = r->thread_name};
    else if (KEY("message")) *v = (fmt__value){.type = V_STR, .s = r->message};
    else if (KEY("msg")) *v = (fmt__value){.type = V_STR, .s = r->message};
    else if (KEY("levelname")) {
        const char *ln = model_level_name(r->level);
        *v = (fmt__value){.type = V_STR, .s = ln};
        if (!ln) {
            snprintf(v->tmp, sizeof v->tmp, "Level %d", r->level);
            v->s = v->tmp;
        }
    }
    else if (KEY("levelno")) *v = (fmt__value){.type = V_INT, .i = r->level};
    else if (KEY("name")) *v = (fmt__value){.type = V_STR, .s = r->name ? r->name : "root"};
    else if (KEY("thread")) *v = (fmt__value){.type = V_INT, .i = r->thread_ident};
    else if (KEY("process")) *v = (fmt__value){.type = V_INT, .i = 1};
    else if (KEY("processName")) *v = (fmt__value){.type = V_STR, .s = "MainProcess"};
    else if (KEY("created")) *v = (fmt__value){.type = V_FLOAT, .f = created};
    else if (KEY("relativeCreated"))
        *v = (fmt__value){.type = V_FLOAT, .f = (double)r->now_ns / 1e6};
    else if (KEY("msecs"))
        *v = (fmt__value){.type = V_FLOAT, .f = (double)((r->now_ns / 1000000) % 1000)};
    else if (KEY("asctime")) {
        *v = (fmt__value){.type = V_STR};
        time_t secs = (time_t)(MODEL_EPOCH_UNIX + r->now_ns / 1000000000);
        struct tm tm;
        gmtime_r(&secs, &tm);
        size_t n = strftime(v->tmp, sizeof v->tmp, "%Y-%m-%d %H:%M:%S", &tm);
        snprintf(v->tmp + n, sizeof v->tmp - n, ",%03d", (int)((r->now_ns / 1000000) % 1000));
        v->s = v->tmp;
    }
    else if (KEY("module")) *v = (fmt__value){.type = V_STR, .s = r->module ? r->module : "__main__"};
    else if (KEY("filename")) *v = (fmt__value){.type = V_STR, .s = r->filename ? r->filename : "<program>"};
    else if (KEY("pathname")) *v = (fmt__value){.type = V_STR, .s = r->filename ? r->filename : "<program>"};
    else if (KEY("funcName")) *v = (fmt__value){.type = V_STR, .s = r->funcname ? r->funcname : "<module>"};
    else if (KEY("lineno")) *v = (fmt__value){.type = V_INT, .i = r->lineno};
    else
        return -1;
    return 0;
#undef KEY
}

static void fmt__pad(sim_buf *out, const char *s, size_t n, int width, bool left, char fill)
{
    size_t w = width > 0 ? (size_t)width : 0;
    if (!left)
        for (size_t k = n; k < w; k++)
            sim_buf_addc(out, fill);
    sim_buf_add(out, s, n);
    if (left)
        for (size_t k = n; k < w; k++)
            sim_buf_addc(out, ' ');
}

int model_log_format(const char *fmt, const model_log_record *r, char *buf, size_t cap)
{
    sim_buf out = {0};
    const char *p = fmt;
    int rc = 0;
    while (*p) {
        if (*p != '%') {
            const char *q = strchr(p, '%');
            size_t n = q ? (size_t)(q - p) : strlen(p);
            sim_buf_add(&out, p, n);
            p += n;
            continue;
        }
        p++;
        if (*p == '%') {
            sim_buf_addc(&out, '%');
            p++;
            continue;
        }
        if (*p != '(') {
            rc = model_err_set("TypeError", "format requires a mapping");
            break;
        }
        const char *key = ++p;
        while (*p && *p != ')')
            p++;
        if (!*p) {
            rc = model_err_set("ValueError", "incomplete format key");
            break;
        }
        size_t klen = (size_t)(p - key);
        p++;
        bool left = false, zero = false, plus = false, space = false, alt = false;
        for (;; p++) {
            if (*p == '-') left = true;
            else if (*p == '0') zero = true;
            else if (*p == '+') plus = true;
            else if (*p == ' ') space = true;
            else if (*p == '#') alt = true;
            else break;
        }
        int width = 0, prec = -1;
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');
        if (*p == '.') {
            p++;
            prec = 0;
            while (*p >= '0' && *p <= '9')
                prec = prec * 10 + (*p++ - '0');
        }
        while (*p == 'h' || *p == 'l' || *p == 'L')
            p++;
        char conv = *p;
        if (!conv) {
            rc = model_err_set("ValueError", "incomplete format");
            break;
        }
        p++;
        fmt__value v;
        if (fmt__lookup(key, klen, r, &v) != 0) {
            rc = model_err_set("KeyError", "'%.*s'", (int)klen, key);
            break;
        }
        char num[512];
        switch (conv) {
        case 's':
        case 'r':
        case 'a': {
            sim_buf tmp = {0};
            if (v.type == V_STR) {
                if (conv == 's')
                    sim_buf_adds(&tmp, v.s ? v.s : "None");
                else
                    model_str_repr(&tmp, v.s ? v.s : "", v.s ? strlen(v.s) : 0);
            } else if (v.type == V_INT) {
                sim_buf_printf(&tmp, "%lld", v.i);
            } else {
                char f[64];
                model_float_repr(v.f, f, sizeof f);
                sim_buf_adds(&tmp, f);
            }
            size_t n = tmp.len;
            if (prec >= 0 && (size_t)prec < n)
                n = (size_t)prec;
            fmt__pad(&out, sim_buf_str(&tmp), n, width, left, ' ');
            sim_buf_free(&tmp);
            break;
        }
        case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
        case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': {
            if (v.type == V_STR) {
                rc = model_err_set("TypeError", "%%%c format: a %s is required, not str", conv,
                                   conv == 'd' || conv == 'i' || conv == 'u' ? "real number"
                                                                             : "number");
                goto done;
            }
            char spec[32];
            int k = 0;
            spec[k++] = '%';
            if (left) spec[k++] = '-';
            if (zero && !left) spec[k++] = '0';
            if (plus) spec[k++] = '+';
            if (space) spec[k++] = ' ';
            if (alt) spec[k++] = '#';
            k += snprintf(spec + k, sizeof spec - (size_t)k, "%d", width);
            if (prec >= 0)
                k += snprintf(spec + k, sizeof spec - (size_t)k, ".%d", prec);
            bool integral = conv == 'd' || conv == 'i' || conv == 'u' || conv == 'x' ||
                            conv == 'X' || conv == 'o';
            if (integral) {
                spec[k++] = 'l', spec[k++] = 'l';
                spec[k++] = conv == 'i' || conv == 'u' ? 'd' : conv;
                spec[k] = '\0';
                long long iv = v.type == V_INT ? v.i : (long long)v.f;
                snprintf(num, sizeof num, spec, iv);
            } else {
                spec[k++] = conv;
                spec[k] = '\0';
                double fv = v.type == V_INT ? (double)v.i : v.f;
                snprintf(num, sizeof num, spec, fv);
            }
            sim_buf_adds(&out, num);
            break;
        }
        default:
            rc = model_err_set("ValueError", "unsupported format character '%c' (0x%x)", conv,
                               (unsigned)(unsigned char)conv);
            goto done;
        }
    }
done:
    if (rc == 0) {
        rc = (int)out.len;
        if (cap) {
            size_t n = out.len < cap - 1 ? out.len : cap - 1;
            memcpy(buf, sim_buf_str(&out), n);
            buf[n] = '\0';
        }
    }
    sim_buf_free(&out);
    return rc;
}

/* ---- logging ----------------------------------------------------------- */

int model_log_config(int level, const char *format)
{
    model_world *w = model__world();
    model_step();
    if (w->log_configured)
        return 0;
    const char *f = format ? format : LOG_DEFAULT_FORMAT;
    model_log_record probe = {.name = "root", .level = MODEL_DEBUG, .message = "",
                              .thread_name = "MainThread"};
    if (model_log_format(f, &probe, NULL, 0) < 0)
        return -1;
    w->log_configured = true;
    w->log_level = level;
    w->log_format = model__xstrdup(f);
    return 0;
}

void model_log(int level, const char *fmt, ...)
{
    model_world *w = model__world();
    model_step();
    if (!w->log_configured) {
        /* logging.debug() & co. call basicConfig() when the root logger has
         * no handler: level WARNING, the default format. */
        w->log_configured = true;
        w->log_level = MODEL_WARNING;
        w->log_format = model__xstrdup(LOG_DEFAULT_FORMAT);
    }
    if (level < w->log_level)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = model__xvasprintf(fmt, ap);
    va_end(ap);
    model_thread *t = model__current(w);
    model_log_record r = {.name = "root", .level = level, .message = msg,
                          .thread_name = t->name, .thread_ident = t->ident,
                          .now_ns = sim_now(&w->sched)};
    int n = model_log_format(w->log_format, &r, NULL, 0);
    if (n >= 0) {
        char *line = model__xmalloc((size_t)n + 2);
        model_log_format(w->log_format, &r, line, (size_t)n + 1);
        line[n] = '\n';
        output__emit(MODEL_STDERR, line, (size_t)n + 1);
        free(line);
    }
    free(msg);
}

void model__log_fini(model_world *w)
{
    free(w->log_format);
    w->log_format = NULL;
}
