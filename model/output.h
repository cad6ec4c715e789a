/*
 * model/output.h — what a program writes: print() and logging.
 *
 * Everything written becomes an `output` event (stream 1 = stdout, 2 =
 * stderr) in the trace; the output view of a run is those texts in order.
 * Like CPython's logging.basicConfig, log records go to stderr; print goes to
 * stdout.
 *
 * Log records are formatted with Python's %-style record format:
 * %(name)[flags][width][.precision]type with the attributes threadName,
 * message, levelname, levelno, name, thread, process, processName, created,
 * relativeCreated, msecs, asctime, module, funcName, filename, lineno, and %%.
 * Flags '-', '0', ' ', '+'; types s, r, d, i, f, F, e, g, x. Times are virtual:
 * created = MODEL_EPOCH_UNIX + now, asctime in UTC. Unknown attributes are a
 * KeyError at format time, as in CPython (reported by model_log_config).
 */
#ifndef MODEL_OUTPUT_H
#define MODEL_OUTPUT_H

#include <stddef.h>

#include "core.h"

enum { MODEL_STDOUT = 1, MODEL_STDERR = 2 };

enum {
    MODEL_NOTSET = 0,
    MODEL_DEBUG = 10,
    MODEL_INFO = 20,
    MODEL_WARNING = 30,
    MODEL_ERROR = 40,
    MODEL_CRITICAL = 50,
};

/* Write raw text to a stream. */
void model_write(int stream, const char *text, size_t len);
/* print(...): printf-formatted, a newline appended, to stdout. */
void model_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* logging.basicConfig(level=, format=). NULL format keeps the default
 * "%(levelname)s:%(name)s:%(message)s". Returns -1 with ValueError/KeyError
 * set if the format is invalid. Like basicConfig, only the first call of a
 * run takes effect. */
int model_log_config(int level, const char *format);
/* logging.log(level, msg): the message is printf-formatted here. */
void model_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define model_debug(...) model_log(MODEL_DEBUG, __VA_ARGS__)
#define model_info(...) model_log(MODEL_INFO, __VA_ARGS__)
#define model_warning(...) model_log(MODEL_WARNING, __VA_ARGS__)

/* Format one record into buf (NUL-terminated, truncated to cap). Returns the
 * length it needed, or -1 with KeyError/ValueError set on a bad format.
 * Exposed for tests and the Python front end. */
typedef struct model_log_record {
    const char *name;         /* logger name, "root" */
    int level;
    const char *message;
    const char *thread_name;
    long thread_ident;
    int64_t now_ns;           /* virtual time of the record */
    const char *funcname, *filename, *module;
    int lineno;
} model_log_record;
int model_log_format(const char *fmt, const model_log_record *r, char *buf, size_t cap);
const char *model_level_name(int level);

#endif
