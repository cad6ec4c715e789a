/*
 * model/cpy/cpy_io.c — what a Python program sees of the outside world:
 * sys.stdout and sys.stderr (output events of the trace), the clocks (virtual
 * time), and the line tracer that counts the program's steps, preempts a
 * thread that used its switch interval at the points where CPython 3.11 can
 * switch, and offers a choice at every line to the random and PCT policies.
 *
 * Output: print() writes its pieces separately ("a", " ", "b", "\n"); they
 * are gathered per stream and become one output event when a write ends a
 * line, or before anything else happens in the trace (every call into the
 * model flushes first), so the full view shows one event per printed line
 * and the output view is the exact bytes in program order.
 *
 * Preemption (DESIGN.md, "CPU time and the switch interval"): every line
 * event is a step; a thread whose interval is used up is switched only at a
 * line reached by a backward jump (a loop's back-edge) or at a function's
 * entry, CPython 3.11's eval-breaker points, so `counter += 1` is never split
 * under the default policy, as in CPython.
 */
#include "cpy_int.h"

#include <opcode.h>

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* ---- switching ------------------------------------------------------------- */

PyThreadState *cpy_leave(void)
{
    return PyThreadState_Get();
}

void cpy_back(PyThreadState *ts)
{
    cpy_ts_activate(ts);
    if (cpy.zombie && cpy.zombie != ts) {
        PyThreadState *z = cpy.zombie;
        cpy.zombie = NULL;
        cpy_ts_delete(z);
    }
    if (cpy.in_run) {
        cpy_trace_update();
        if (cpy.interrupt_main)
            cpy_interrupt_queue(ts);
    }
}

/* ---- output streams ----------------------------------------------------------- */

typedef struct cpy_stream {
    PyObject_HEAD
    int fd;                   /* MODEL_STDOUT or MODEL_STDERR */
    sim_buf pending;          /* written, not yet an event (the text layer's) */
    sim_buf raw;              /* written to its buffer (sys.stdout.buffer), not yet
                               * an event: a BufferedWriter's, out before the
                               * text layer's pending bytes */
    bool closed, detached;    /* close(), detach(): writes are ValueErrors */
    bool line_buffering, write_through; /* as reconfigure() set them (an event
                                         * is a line either way) */
    char enc[64], err[64];    /* reconfigure()'s encoding and errors; "" = the run's
                               * (UTF-8; stream__errors) */
    PyObject *encoder;        /* with enc set: its incremental encoder (a BOM once,
                               * as TextIOWrapper over a pipe or terminal writes it) */
    PyObject *layer[2];       /* its buffer and that one's raw file while some
                               * reference holds them (borrowed: each clears its
                               * slot when freed), so each is one object, as
                               * python3's sys.stdout.buffer is */
    bool raw_detached;        /* buffer.detach(): the buffer refuses writes */
    bool fd_closed;           /* os.close(fd): its bytes stay (cpy_io_std_closed) */
} cpy_stream;

/* A closed or detached stream refuses, as TextIOWrapper does: 0, or -1
 * with ValueError. */
static int stream__usable(const cpy_stream *s)
{
    if (s->detached) {
        PyErr_SetString(PyExc_ValueError, "underlying buffer has been detached");
        return -1;
    }
    if (s->closed) {
        PyErr_SetString(PyExc_ValueError, "I/O operation on closed file.");
        return -1;
    }
    if (s->raw_detached) { /* (its buffer's; a closed raw file is asked first) */
        PyErr_SetString(PyExc_ValueError, "raw stream has been detached");
        return -1;
    }
    return 0;
}

static cpy_stream *cpy__out[3];

/* The buffer's bytes, then the text layer's, as one (TextIOWrapper's flush
 * hands its text to the BufferedWriter after what that holds). */
static void stream__merge_raw(cpy_stream *s)
{
    if (!s->raw.len)
        return;
    sim_buf_add(&s->raw, s->pending.p, s->pending.len);
    sim_buf t = s->pending;
    s->pending = s->raw;
    s->raw = t;
    s->raw.len = 0;
}

static bool io_stopping; /* cpy_io_flush_at_stop: no thread runs */

enum {
    STREAM_CHUNK = 8192, /* TextIOWrapper's _CHUNK_SIZE */
    STREAM_BUFFER = 1024 /* a BufferedWriter on a terminal (its st_blksize) */
};

/* n bytes out on the stream's descriptor: one output event (before or
 * after the run, straight to the host stream). */
static void stream__out(const cpy_stream *s, const char *p, size_t n)
{
    if (!n)
        return;
    if (cpy.in_run) {
        if (!io_stopping)
            cpy_note_line();
        model_world *w = model__world();
        sim_emit_text(&w->sched, SIM_EV_OUTPUT, SIM_NONE, s->fd, NULL, p, n);
    } else {
        fwrite(p, 1, n, s->fd == MODEL_STDOUT ? stdout : stderr);
    }
}

/* All the stream holds: the buffer's bytes, then the text's (none while
 * its descriptor is closed: they stay). */
static void stream__emit(cpy_stream *s)
{
    if (s->fd_closed)
        return;
    stream__merge_raw(s);
    stream__out(s, s->pending.p, s->pending.len);
    s->pending.len = 0;
}

/* The buffer's bytes only, as sys.stdout.buffer.flush() writes them (the
 * text layer's partial line stays). */
static void stream__emit_raw(cpy_stream *s)
{
    if (s->fd_closed)
        return;
    stream__out(s, s->raw.p, s->raw.len);
    s->raw.len = 0;
}

void cpy_io_std_closed(int fd)
{
    if ((fd == 1 || fd == 2) && cpy__out[fd])
        cpy__out[fd]->fd_closed = true;
}

/* A flush with bytes to write to a closed descriptor: -1 with write(2)'s
 * EBADF, as FileIO raises it. */
static int stream__flush_closed(const cpy_stream *s, bool text)
{
    if (!s->fd_closed || !(s->raw.len || (text && s->pending.len)))
        return 0;
    errno = EBADF;
    PyErr_SetFromErrno(PyExc_OSError);
    return -1;
}

/* The run stops at a deadlock or a limit (model_opts.before_stop, from
 * the scheduler, no thread running): what the streams hold goes out
 * first, as the output so far (python3 would hang there, or be killed,
 * its terminal showing what was flushed; a partial line is the user's
 * best clue where it stopped). */
void cpy_io_flush_at_stop(void)
{
    io_stopping = true;
    cpy_io_flush();
    io_stopping = false;
}

/* What CPython does when the main module's code ends, before it prints an
 * uncaught exception and before it waits for the threads (pythonrun.c's
 * flush_io): sys.stderr flushed, then sys.stdout (whatever objects they
 * are now). So a partial line of main's comes out before a thread's later
 * line, and "E " on stderr before "partial" on stdout. */
void cpy_io_flush_io(void)
{
    PyObject *et, *ev, *etb;
    PyErr_Fetch(&et, &ev, &etb);
    static const char *const names[2] = {"stderr", "stdout"};
    for (int i = 0; i < 2; i++) {
        PyObject *f = PySys_GetObject(names[i]); /* borrowed */
        PyObject *r = f && f != Py_None ? PyObject_CallMethod(f, "flush", NULL) : NULL;
        if (r)
            Py_DECREF(r);
        else
            PyErr_Clear();
    }
    PyErr_Restore(et, ev, etb);
}

void cpy_io_flush(void)
{
    for (int i = 1; i <= 2; i++)
        if (cpy__out[i] && (cpy__out[i]->pending.len || cpy__out[i]->raw.len))
            stream__emit(cpy__out[i]);
}

/* Bytes the program's process writes to its fd 1 or 2 by other means than
 * its streams (faulthandler's dumps): one output event, after what the
 * streams hold (no thread switch: the scheduler may be the caller). */
void cpy_io_emit_raw(int fd, const char *p, size_t n)
{
    cpy_stream *s = fd == 1 || fd == 2 ? cpy__out[fd] : NULL;
    if (!s || !n)
        return;
    cpy_io_flush();
    sim_buf_add(&s->pending, p, n);
    cpy.out_bytes += n;
    stream__emit(s);
}

static int stream__write_bytes(cpy_stream *s, const char *p, Py_ssize_t n, bool binary);
static int stream__over_limit(uint64_t n);

/* os.write(1 or 2, ...): a write(2) of its own, out now, ahead of what the
 * streams still hold (python3's buffered partial line comes after it);
 * -1 with OSError past --max-output. */
int cpy_io_write_now(int fd, const char *p, size_t n)
{
    cpy_stream *s = fd == 1 || fd == 2 ? cpy__out[fd] : NULL;
    if (!s || !n)
        return 0;
    if (stream__over_limit(n) < 0)
        return -1;
    cpy.out_bytes += n;
    stream__out(s, p, n);
    return 0;
}

/* The stream's error handler, as CPython's under the run's locale. */
static const char *stream__errors(const cpy_stream *s)
{
    if (s->err[0])
        return s->err;
    return s->fd == MODEL_STDERR ? "backslashreplace" : "surrogateescape";
}

static PyObject *stream_write(cpy_stream *s, PyObject *arg)
{
    if (stream__usable(s) < 0)
        return NULL;
    if (!PyUnicode_Check(arg)) {
        /* Argument Clinic's wording (_PyArg_BadArgument): None by name */
        PyErr_Format(PyExc_TypeError, "write() argument must be str, not %.100s",
                     arg == Py_None ? "None" : Py_TYPE(arg)->tp_name);
        return NULL;
    }
    Py_ssize_t n;
    PyObject *enc = NULL;
    const char *p = NULL;
    if (s->encoder) {
        /* reconfigure(encoding=...): the text in that encoding, as
         * TextIOWrapper writes it (its UnicodeEncodeError, its handler) */
        enc = PyObject_CallMethod(s->encoder, "encode", "O", arg);
        if (!enc)
            return NULL;
        if (!PyBytes_Check(enc)) {
            PyErr_Format(PyExc_TypeError, "'%.400s' encoder returned '%.400s' instead of "
                         "'bytes'; use codecs.encode() to encode to arbitrary types",
                         s->enc, Py_TYPE(enc)->tp_name);
            Py_DECREF(enc);
            return NULL;
        }
        p = PyBytes_AS_STRING(enc);
        n = PyBytes_GET_SIZE(enc);
    } else {
        p = PyUnicode_AsUTF8AndSize(arg, &n);
    }
    if (!p) {
        /* lone surrogates: encoded as CPython's streams do under the run's
         * C.UTF-8 locale (a locale-coercion target, and UTF-8 mode):
         * stdout's surrogateescape (the byte a surrogate stands for),
         * stderr's backslashreplace (\udce9) */
        if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError))
            return NULL;
        PyErr_Clear();
        enc = PyUnicode_AsEncodedString(arg, "utf-8", stream__errors(s));
        if (!enc)
            return NULL;
        p = PyBytes_AS_STRING(enc);
        n = PyBytes_GET_SIZE(enc);
    }
    Py_ssize_t chars = PyUnicode_GET_LENGTH(arg);
    int rc = stream__write_bytes(s, p, n, false);
    Py_XDECREF(enc);
    if (rc < 0)
        return NULL;
    return PyLong_FromSsize_t(chars);
}

/* --tty: a line-buffered stream's line goes out in a write(2) of its own,
 * which CPython makes with the GIL released: another thread may run
 * before the line is out, and its own lines may come first. python3 in a
 * terminal (stdout line-buffered) printed six orders of a producer and a
 * consumer of a Queue(maxsize=1), each printing what it put or got, where
 * through a pipe it printed one; stderr is line-buffered anywhere. So the
 * line leaves the stream's buffer, the explorer decides (the default
 * schedule counts no step here), and then it goes out, after whatever
 * the threads that ran meanwhile printed. */
static void stream__emit_line_later(cpy_stream *s)
{
    stream__merge_raw(s);
    sim_buf line = s->pending;
    memset(&s->pending, 0, sizeof s->pending);
    PyThreadState *ts = cpy_leave();
    sim_decide_point(model_sched());
    cpy_back(ts);
    /* another thread's partial line waits behind this one, as it would in
     * the stream's buffer after this write */
    sim_buf rest = s->pending;
    s->pending = line;
    stream__emit(s);
    if (rest.len)
        sim_buf_add(&s->pending, rest.p, rest.len);
    sim_buf_free(&rest);
}

/* n more bytes would pass --max-output: the run ends there (-1, OSError). */
static int stream__over_limit(uint64_t n)
{
    if (!cpy.ro.max_output || cpy.out_bytes + n <= cpy.ro.max_output)
        return 0;
    if (cpy.in_run) {
        sim_sched *sc = model_sched();
        sc->status = SIM_LIMIT;
        sc->limit_reason = "output limit";
        PyThreadState *ts = cpy_leave();
        sim_tick(sc);
        cpy_back(ts);
    }
    PyErr_SetString(PyExc_OSError, "threadsim: output limit reached");
    return -1;
}

/* The bytes of a write, as the output event's (the text stream's UTF-8, or
 * the binary buffer's bytes as they are: `binary`). The streams buffer as
 * python3's do on a terminal: a text write with a line end in it (\n or
 * \r: line_buffering) sends out what the stream holds, a partial line
 * stays until then, or a flush, or the end, whatever the other stream and
 * the other threads write meanwhile ("Working..." with end='' and then a
 * warning on stderr: the warning first), or until 8 KiB of text is
 * pending; a binary write stays in the buffer until the text side's next
 * line or a flush, or until it does not fit the buffer's 1 KiB. Under -u (or PYTHONUNBUFFERED) each write goes out. Until
 * 2026-12-06 a write to one stream sent out the other's partial line
 * first, and every switch between threads sent out both. */
static int stream__write_bytes(cpy_stream *s, const char *p, Py_ssize_t n, bool binary)
{
    if (stream__over_limit((uint64_t)n) < 0)
        return -1;
    if (cpy.ro.unbuffered && cpy.in_run && model_sched()->policy.every_step) {
        /* the GIL is released before write(2) too: another thread's write
         * can come between print's arguments and its text (a choice for
         * the explorer only: the default schedule counts no step here) */
        PyThreadState *ts = cpy_leave();
        sim_decide_point(model_sched());
        cpy_back(ts);
    }
    if (s->fd_closed && (cpy.ro.unbuffered || (!binary && s->write_through))) {
        /* written through to a closed descriptor: write(2)'s EBADF, the
         * bytes gone with it */
        errno = EBADF;
        PyErr_SetFromErrno(PyExc_OSError);
        return -1;
    }
    cpy.out_bytes += (uint64_t)n;
    if (binary && !cpy.ro.unbuffered) {
        /* a BufferedWriter of a terminal's block size (1 KiB): bytes that
         * do not fit send out what it holds, and more than it holds go
         * out at once */
        if (s->raw.len + (size_t)n > STREAM_BUFFER)
            stream__emit_raw(s);
        sim_buf_add(&s->raw, p, (size_t)n);
        if (s->raw.len > STREAM_BUFFER)
            stream__emit_raw(s);
        return 0;
    }
    /* TextIOWrapper's chunk: text that would take its pending text past
     * 8 KiB sends that out first, and 8 KiB or more pending goes out */
    if (!cpy.ro.unbuffered && s->pending.len && s->pending.len + (size_t)n > STREAM_CHUNK)
        stream__emit(s);
    sim_buf_add(&s->pending, p, (size_t)n);
    bool eol = (memchr(p, '\n', (size_t)n) || memchr(p, '\r', (size_t)n)) ||
               s->pending.len >= STREAM_CHUNK;
    /* a closed descriptor: the bytes stay; a line-buffered stream's flush
     * at a line's end (stderr's) fails as its write(2) does */
    if (s->fd_closed && s->line_buffering && eol)
        return stream__flush_closed(s, true);
    if (!cpy.ro.unbuffered && cpy.ro.tty && eol && cpy.in_run &&
        model_sched()->policy.every_step) {
        stream__emit_line_later(s);
        return 0;
    }
    if (cpy.ro.unbuffered || eol)
        stream__emit(s);
    if (cpy.ro.unbuffered && cpy.in_run) {
        /* CPython releases the GIL in the write(2) of an unbuffered stream */
        PyThreadState *ts = cpy_leave();
        sim_tick(model_sched());
        cpy_back(ts);
    }
    return 0;
}


static PyObject *stream_flush(cpy_stream *s, PyObject *unused)
{
    (void)unused;
    if (stream__usable(s) < 0 || stream__flush_closed(s, true) < 0)
        return NULL;
    stream__emit(s);
    Py_RETURN_NONE;
}

/* close(): what it holds goes out, and it refuses writes from then on
 * (fd 1 or 2 stays open: CPython's standard streams do not own theirs). */
static PyObject *stream_close(cpy_stream *s, PyObject *unused)
{
    (void)unused;
    if (s->detached) {
        PyErr_SetString(PyExc_ValueError, "underlying buffer has been detached");
        return NULL;
    }
    stream__emit(s);
    s->closed = true;
    Py_RETURN_NONE;
}

static PyObject *stream_enter(cpy_stream *s, PyObject *unused)
{
    (void)unused;
    if (stream__usable(s) < 0)
        return NULL;
    return Py_NewRef(s);
}

static PyObject *stream_exit(cpy_stream *s, PyObject *args)
{
    (void)args;
    return stream_close(s, NULL);
}

static PyObject *stream_get_buffer(cpy_stream *s, void *c);

/* detach(): the binary buffer, the text stream unusable from then on. */
static PyObject *stream_detach(cpy_stream *s, PyObject *unused)
{
    (void)unused;
    if (stream__usable(s) < 0)
        return NULL;
    stream__emit(s);
    PyObject *b = stream_get_buffer(s, NULL);
    if (b)
        s->detached = true;
    return b;
}

static PyObject *stream_false(cpy_stream *s, PyObject *unused)
{
    (void)s;
    (void)unused;
    Py_RETURN_FALSE;
}

/* io.UnsupportedOperation(msg), as TextIOWrapper raises it. */
static PyObject *stream__unsupported(const char *msg)
{
    PyObject *io = PyImport_ImportModule("io");
    PyObject *exc = io ? PyObject_GetAttrString(io, "UnsupportedOperation") : NULL;
    Py_XDECREF(io);
    if (exc)
        PyErr_SetString(exc, msg);
    Py_XDECREF(exc);
    return NULL;
}

/* The reading and seeking side of a terminal's or a pipe's TextIOWrapper,
 * as python3's refuses it (read(): io.UnsupportedOperation "not
 * readable"; tell(), seek(): "underlying stream is not seekable";
 * truncate(): the descriptor's ESPIPE); a closed stream's ValueError
 * first. The arguments are taken and not looked at. */
static PyObject *stream_not_readable(cpy_stream *s, PyObject *args)
{
    (void)args;
    return stream__usable(s) < 0 ? NULL : stream__unsupported("not readable");
}

static PyObject *stream_iter(cpy_stream *s)
{
    return stream__usable(s) < 0 ? NULL : Py_NewRef((PyObject *)s);
}

static PyObject *stream_iternext(cpy_stream *s)
{
    return stream_not_readable(s, NULL);
}

static PyObject *stream_not_seekable(cpy_stream *s, PyObject *args)
{
    (void)args;
    return stream__usable(s) < 0 ? NULL : stream__unsupported("underlying stream is not seekable");
}

static PyObject *stream_truncate(cpy_stream *s, PyObject *args)
{
    (void)args;
    if (stream__usable(s) < 0)
        return NULL;
    stream__emit(s); /* (TextIOWrapper flushes first) */
    errno = ESPIPE;
    return PyErr_SetFromErrno(PyExc_OSError);
}

/* --tty: the streams are a terminal's, as python3's there (a program that
 * asks, to print progress or colours, prints what it would there). */
static PyObject *stream_isatty(PyObject *s, PyObject *unused)
{
    (void)s;
    (void)unused;
    return PyBool_FromLong(cpy.ro.tty);
}

static PyObject *stream_true(cpy_stream *s, PyObject *unused)
{
    (void)s;
    (void)unused;
    Py_RETURN_TRUE;
}

static PyObject *stream_fileno(cpy_stream *s, PyObject *unused)
{
    (void)unused;
    return PyLong_FromLong(s->fd);
}

/* writelines(lines): write(line) for each, as IOBase's (self: a stream,
 * its buffer or raw file) */
static PyObject *io__writelines(PyObject *self, PyObject *lines,
                                PyObject *(*write)(PyObject *self, PyObject *line))
{
    PyObject *it = PyObject_GetIter(lines);
    if (!it)
        return NULL;
    PyObject *x;
    while ((x = PyIter_Next(it))) {
        PyObject *r = write(self, x);
        Py_DECREF(x);
        if (!r) {
            Py_DECREF(it);
            return NULL;
        }
        Py_DECREF(r);
    }
    Py_DECREF(it);
    if (PyErr_Occurred())
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *stream__write_one(PyObject *self, PyObject *line)
{
    return stream_write((cpy_stream *)self, line);
}

static PyObject *stream_writelines(cpy_stream *s, PyObject *lines)
{
    return io__writelines((PyObject *)s, lines, stream__write_one);
}

/* Keyword `v` of reconfigure() as a C string into out (cap bytes): 1 when
 * given, 0 when None, -1 with TypeError (or LookupError: too long for any
 * codec's name). */
static int stream__str_arg(const char *name, PyObject *v, char *out, size_t cap)
{
    if (v == Py_None)
        return 0;
    if (!PyUnicode_Check(v)) {
        PyErr_Format(PyExc_TypeError, "reconfigure() argument '%s' must be str or None, not %.100s",
                     name, Py_TYPE(v)->tp_name);
        return -1;
    }
    Py_ssize_t n;
    const char *p = PyUnicode_AsUTF8AndSize(v, &n);
    if (!p)
        return -1;
    if ((size_t)n >= cap || strlen(p) != (size_t)n) {
        if (strcmp(name, "encoding") == 0)
            PyErr_Format(PyExc_LookupError, "unknown encoding: %s", p);
        else
            PyErr_Format(PyExc_LookupError, "unknown error handler name '%s'", p);
        return -1;
    }
    memcpy(out, p, (size_t)n + 1);
    return 1;
}

/* reconfigure(*, encoding, errors, newline, line_buffering, write_through):
 * the flags are kept for the program to read back; encoding and errors
 * apply to the writes after (TextIOWrapper's rules: an encoding given
 * without errors means errors='strict'); an event per line. */
static PyObject *stream_reconfigure(cpy_stream *s, PyObject *args, PyObject *kw)
{
    if (PyTuple_GET_SIZE(args)) {
        PyErr_SetString(PyExc_TypeError, "reconfigure() takes no positional arguments");
        return NULL;
    }
    static const char *const known[] = {"encoding", "errors", "newline", "line_buffering",
                                        "write_through"};
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    int lb = -1, wt = -1, has_enc = 0, has_err = 0;
    char enc[sizeof s->enc], err[sizeof s->err];
    while (kw && PyDict_Next(kw, &pos, &k, &v)) {
        const char *name = PyUnicode_AsUTF8(k);
        size_t i = 0;
        while (name && i < sizeof known / sizeof *known && strcmp(name, known[i]) != 0)
            i++;
        if (!name || i == sizeof known / sizeof *known) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "'%U' is an invalid keyword argument for reconfigure()", k);
            return NULL;
        }
        if (i >= 3 && v != Py_None) {
            int t = PyObject_IsTrue(v);
            if (t < 0)
                return NULL;
            *(i == 3 ? &lb : &wt) = t;
        } else if (i == 0 && (has_enc = stream__str_arg("encoding", v, enc, sizeof enc)) < 0) {
            return NULL;
        } else if (i == 1 && (has_err = stream__str_arg("errors", v, err, sizeof err)) < 0) {
            return NULL;
        }
    }
    if (stream__usable(s) < 0)
        return NULL;
    PyObject *encoder = NULL;
    if (has_enc || (has_err && s->enc[0])) {
        /* LookupError: unknown encoding: X, or not a text encoding */
        const char *e = has_enc ? enc : s->enc;
        PyObject *info = _PyCodec_LookupTextEncoding(e, "codecs.open()");
        if (!info)
            return NULL;
        encoder = PyCodec_IncrementalEncoder(e, has_err ? err : has_enc ? "strict" : s->err);
        /* UTF-16 and UTF-32 without a BOM: TextIOWrapper writes one only at
         * the start of a seekable stream, and a run's stdout is not one */
        PyObject *name = encoder ? PyObject_GetAttrString(info, "name") : NULL;
        Py_DECREF(info);
        if (name && PyUnicode_Check(name) &&
            (PyUnicode_CompareWithASCIIString(name, "utf-16") == 0 ||
             PyUnicode_CompareWithASCIIString(name, "utf-32") == 0)) {
            PyObject *r = PyObject_CallMethod(encoder, "setstate", "i", 0);
            if (!r)
                Py_CLEAR(encoder);
            Py_XDECREF(r);
        }
        Py_XDECREF(name);
        if (!encoder)
            return NULL;
    }
    stream__emit(s); /* what was written before goes as it was encoded */
    if (has_enc) {
        memcpy(s->enc, enc, sizeof enc);
        if (!has_err)
            snprintf(s->err, sizeof s->err, "strict");
    }
    if (has_err)
        memcpy(s->err, err, sizeof err);
    if (encoder)
        Py_XSETREF(s->encoder, encoder);
    if (lb >= 0)
        s->line_buffering = lb;
    if (wt >= 0)
        s->write_through = wt;
    stream__emit(s);
    Py_RETURN_NONE;
}

static PyObject *stream_get_encoding(cpy_stream *s, void *c)
{
    (void)c;
    return PyUnicode_FromString(s->enc[0] ? s->enc : "utf-8");
}

static PyObject *stream_get_name(cpy_stream *s, void *c)
{
    (void)c;
    if (s->detached || s->raw_detached) {
        (void)stream__usable(s); /* its ValueError */
        return NULL;
    }
    return PyUnicode_FromString(s->fd == MODEL_STDOUT ? "<stdout>" : "<stderr>");
}

static PyObject *stream_get_errors(cpy_stream *s, void *c)
{
    (void)c;
    return PyUnicode_FromString(stream__errors(s));
}

static PyObject *stream_get_str(cpy_stream *s, void *c)
{
    (void)s;
    return PyUnicode_FromString((const char *)c);
}

/* closed: a detached stream refuses to say */
static PyObject *stream_get_closed(cpy_stream *s, void *c)
{
    (void)c;
    if (s->detached || s->raw_detached) {
        (void)stream__usable(s); /* its ValueError */
        return NULL;
    }
    return PyBool_FromLong(s->closed);
}

static PyObject *stream_get_false(PyObject *s, void *c)
{
    (void)s;
    (void)c;
    Py_RETURN_FALSE;
}

static PyObject *stream_get_none(cpy_stream *s, void *c)
{
    (void)s;
    (void)c;
    Py_RETURN_NONE;
}

/* a flag of the stream's (c: its offset) */
static PyObject *stream_get_flag(cpy_stream *s, void *c)
{
    return PyBool_FromLong(*(const bool *)((const char *)s + (size_t)c));
}

static void stream_dealloc(cpy_stream *s)
{
    PyTypeObject *tp = Py_TYPE(s);
    sim_buf_free(&s->pending);
    sim_buf_free(&s->raw);
    Py_CLEAR(s->encoder);
    PyObject_Free(s);
    Py_DECREF(tp);
}

/* sys.stdout.buffer, sys.stderr.buffer: the same stream, in bytes (a
 * program writing binary output, or text it encoded itself). */
typedef struct cpy_sbuf {
    PyObject_HEAD
    cpy_stream *s; /* owned */
} cpy_sbuf;

static PyTypeObject *sbuf_type, *sraw_type;

enum { LAYER_BUFFER, LAYER_RAW };

static bool sbuf__is_raw(const cpy_sbuf *b) { return Py_TYPE(b) == sraw_type; }

/* 0, or -1 with ValueError: a buffer whose raw file was detached refuses */
static int sbuf__attached(const cpy_sbuf *b)
{
    if (!sbuf__is_raw(b) && b->s->raw_detached) {
        PyErr_SetString(PyExc_ValueError, "raw stream has been detached");
        return -1;
    }
    return 0;
}

/* The stream's buffer or raw file: the one alive, else a new one. */
static PyObject *stream__layer(cpy_stream *s, int which)
{
    if (s->layer[which])
        return Py_NewRef(s->layer[which]);
    PyTypeObject *tp = which == LAYER_RAW ? sraw_type : sbuf_type;
    cpy_sbuf *b = tp ? PyObject_New(cpy_sbuf, tp) : NULL;
    if (!b)
        return NULL;
    b->s = (cpy_stream *)Py_NewRef(s);
    s->layer[which] = (PyObject *)b;
    return (PyObject *)b;
}

/* A write's bytes-like argument, or -1 with the BufferedWriter's and
 * FileIO's TypeError. */
static int sbuf__bytes(PyObject *arg, Py_buffer *v)
{
    if (PyObject_GetBuffer(arg, v, PyBUF_SIMPLE) == 0)
        return 0;
    PyErr_Clear();
    PyErr_Format(PyExc_TypeError, "a bytes-like object is required, not '%.100s'",
                 Py_TYPE(arg)->tp_name);
    return -1;
}

static PyObject *sbuf_write(cpy_sbuf *b, PyObject *arg)
{
    bool raw = sbuf__is_raw(b);
    if (sbuf__attached(b) < 0)
        return NULL;
    if (b->s->closed) {
        /* a BufferedWriter's words, or under -u (and of the raw file) the FileIO's */
        PyErr_SetString(PyExc_ValueError, cpy.ro.unbuffered || raw
                                              ? "I/O operation on closed file"
                                              : "write to closed file");
        return NULL;
    }
    if (raw && b->s->fd_closed) { /* its write(2)'s */
        errno = EBADF;
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    Py_buffer v;
    if (sbuf__bytes(arg, &v) < 0)
        return NULL;
    /* the raw file's write is a write(2) of its own, as os.write's (under
     * -u, where it is the stream's buffer, a choice point too) */
    int rc = raw && !cpy.ro.unbuffered ? cpy_io_write_now(b->s->fd, v.buf, (size_t)v.len)
                                       : stream__write_bytes(b->s, v.buf, v.len, true);
    Py_ssize_t n = v.len;
    PyBuffer_Release(&v);
    return rc < 0 ? NULL : PyLong_FromSsize_t(n);
}

static PyObject *sbuf__write_one(PyObject *self, PyObject *line)
{
    return sbuf_write((cpy_sbuf *)self, line);
}

static PyObject *sbuf_writelines(cpy_sbuf *b, PyObject *lines)
{
    return io__writelines((PyObject *)b, lines, sbuf__write_one);
}

/* close(): what the buffer holds goes out; the stream refuses writes from
 * then on (fd 1 or 2 stays open: closefd=False) */
static PyObject *sbuf_close(cpy_sbuf *b, PyObject *unused)
{
    (void)unused;
    if (sbuf__attached(b) < 0)
        return NULL;
    if (!sbuf__is_raw(b))
        stream__emit(b->s);
    b->s->closed = true;
    Py_RETURN_NONE;
}

static PyObject *sbuf_enter(cpy_sbuf *b, PyObject *unused)
{
    (void)unused;
    if (b->s->closed) {
        PyErr_SetString(PyExc_ValueError, "I/O operation on closed file.");
        return NULL;
    }
    return Py_NewRef(b);
}

static PyObject *sbuf_exit(cpy_sbuf *b, PyObject *args)
{
    (void)args;
    return sbuf_close(b, NULL);
}

/* the buffer's detach(): its raw file, the buffer unusable from then on */
static PyObject *sbuf_detach(cpy_sbuf *b, PyObject *unused)
{
    (void)unused;
    if (sbuf__attached(b) < 0)
        return NULL;
    stream__emit(b->s);
    PyObject *r = stream__layer(b->s, LAYER_RAW);
    if (r)
        b->s->raw_detached = true;
    return r;
}

/* raw: None once detached (the buffer's name and closed refuse then) */
static PyObject *sbuf_get_raw(cpy_sbuf *b, void *c)
{
    (void)c;
    if (b->s->raw_detached)
        Py_RETURN_NONE;
    return stream__layer(b->s, LAYER_RAW);
}


static PyObject *sbuf_flush(cpy_sbuf *b, PyObject *unused)
{
    (void)unused;
    if (stream__flush_closed(b->s, false) < 0)
        return NULL;
    stream__emit_raw(b->s);
    Py_RETURN_NONE;
}

static PyObject *sbuf_fileno(cpy_sbuf *b, PyObject *unused)
{
    (void)unused;
    return PyLong_FromLong(b->s->fd);
}

static PyObject *sbuf_get_name(cpy_sbuf *b, void *c)
{
    (void)c;
    if (sbuf__attached(b) < 0)
        return NULL;
    return PyUnicode_FromString(b->s->fd == MODEL_STDOUT ? "<stdout>" : "<stderr>");
}

static PyObject *sbuf_get_closed(cpy_sbuf *b, void *c)
{
    (void)c;
    if (sbuf__attached(b) < 0)
        return NULL;
    return PyBool_FromLong(b->s->closed);
}

static void sbuf_dealloc(cpy_sbuf *b)
{
    PyTypeObject *tp = Py_TYPE(b);
    if (b->s) {
        int which = tp == sraw_type ? LAYER_RAW : LAYER_BUFFER;
        if (b->s->layer[which] == (PyObject *)b)
            b->s->layer[which] = NULL;
    }
    Py_XDECREF(b->s);
    PyObject_Free(b);
    Py_DECREF(tp);
}

/* what the buffer and its raw file both have */
#define SBUF_METHODS                                                                               \
    {"write", (PyCFunction)sbuf_write, METH_O, NULL},                                              \
        {"writelines", (PyCFunction)sbuf_writelines, METH_O, NULL},                                \
        {"close", (PyCFunction)sbuf_close, METH_NOARGS, NULL},                                     \
        {"__enter__", (PyCFunction)sbuf_enter, METH_NOARGS, NULL},                                 \
        {"__exit__", (PyCFunction)sbuf_exit, METH_VARARGS, NULL},                                  \
        {"fileno", (PyCFunction)sbuf_fileno, METH_NOARGS, NULL},                                   \
        {"isatty", (PyCFunction)stream_isatty, METH_NOARGS, NULL},                                 \
        {"readable", (PyCFunction)stream_false, METH_NOARGS, NULL},                                \
        {"seekable", (PyCFunction)stream_false, METH_NOARGS, NULL},                                \
        {"writable", (PyCFunction)stream_true, METH_NOARGS, NULL}

static PyMethodDef sbuf_methods[] = {
    SBUF_METHODS,
    {"detach", (PyCFunction)sbuf_detach, METH_NOARGS, NULL},
    {"flush", (PyCFunction)sbuf_flush, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef sbuf_getset[] = {
    {"name", (getter)sbuf_get_name, NULL, NULL, NULL},
    {"mode", (getter)stream_get_str, NULL, NULL, "wb"},
    {"closed", (getter)sbuf_get_closed, NULL, NULL, NULL},
    {"raw", (getter)sbuf_get_raw, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

/* repr as CPython's: <_io.BufferedWriter name='<stdout>'> */
static PyObject *sbuf_repr(cpy_sbuf *b)
{
    return PyUnicode_FromFormat("<_io.BufferedWriter name='%s'>",
                                b->s->fd == MODEL_STDOUT ? "<stdout>" : "<stderr>");
}

/* The raw file under the buffer (sys.stdout.buffer.raw): a FileIO whose
 * writes are write(2)s of their own, out at once. */
static PyObject *sraw_flush(cpy_sbuf *b, PyObject *unused)
{
    (void)unused;
    if (b->s->closed) { /* IOBase.flush's */
        PyErr_SetString(PyExc_ValueError, "I/O operation on closed file.");
        return NULL;
    }
    Py_RETURN_NONE; /* (nothing held: each write went out) */
}

static PyMethodDef sraw_methods[] = {
    SBUF_METHODS,
    {"flush", (PyCFunction)sraw_flush, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef sraw_getset[] = {
    {"name", (getter)sbuf_get_name, NULL, NULL, NULL},
    {"mode", (getter)stream_get_str, NULL, NULL, "wb"},
    {"closed", (getter)sbuf_get_closed, NULL, NULL, NULL},
    {"closefd", (getter)stream_get_false, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyObject *sraw_repr(cpy_sbuf *b)
{
    return PyUnicode_FromFormat("<_io.FileIO name='%s' mode='wb' closefd=False>",
                                b->s->fd == MODEL_STDOUT ? "<stdout>" : "<stderr>");
}

static PyType_Slot sraw_slots[] = {
    {Py_tp_dealloc, (void *)sbuf_dealloc},
    {Py_tp_repr, (void *)sraw_repr},
    {Py_tp_doc, (void *)"The raw file of a threadsim stream: each write an output event."},
    {Py_tp_methods, sraw_methods},
    {Py_tp_getset, sraw_getset},
    {0, NULL},
};

static PyType_Spec sraw_spec = {
    "_io.FileIO", sizeof(cpy_sbuf), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION | Py_TPFLAGS_IMMUTABLETYPE, sraw_slots,
};

static PyType_Slot sbuf_slots[] = {
    {Py_tp_dealloc, (void *)sbuf_dealloc},
    {Py_tp_repr, (void *)sbuf_repr},
    {Py_tp_doc, (void *)"The binary side of a threadsim stream: its writes are output events."},
    {Py_tp_methods, sbuf_methods},
    {Py_tp_getset, sbuf_getset},
    {0, NULL},
};

static PyType_Spec sbuf_spec = {
    /* (CPython's names: its type and reprs print as python3's streams') */
    "_io.BufferedWriter", sizeof(cpy_sbuf), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION | Py_TPFLAGS_IMMUTABLETYPE, sbuf_slots,
};

/* the binary layer: a BufferedWriter, or under -u (python3 -u's) the raw
 * FileIO itself */
static PyObject *stream_get_buffer(cpy_stream *s, void *c)
{
    (void)c;
    return stream__layer(s, cpy.ro.unbuffered ? LAYER_RAW : LAYER_BUFFER);
}

static PyMethodDef stream_methods[] = {
    {"write", (PyCFunction)stream_write, METH_O, NULL},
    {"writelines", (PyCFunction)stream_writelines, METH_O, NULL},
    {"flush", (PyCFunction)stream_flush, METH_NOARGS, NULL},
    {"isatty", (PyCFunction)stream_isatty, METH_NOARGS, NULL},
    {"readable", (PyCFunction)stream_false, METH_NOARGS, NULL},
    {"seekable", (PyCFunction)stream_false, METH_NOARGS, NULL},
    {"writable", (PyCFunction)stream_true, METH_NOARGS, NULL},
    {"fileno", (PyCFunction)stream_fileno, METH_NOARGS, NULL},
    {"reconfigure", (PyCFunction)(void (*)(void))stream_reconfigure, METH_VARARGS | METH_KEYWORDS, NULL},
    {"read", (PyCFunction)stream_not_readable, METH_VARARGS, NULL},
    {"readline", (PyCFunction)stream_not_readable, METH_VARARGS, NULL},
    {"readlines", (PyCFunction)stream_not_readable, METH_VARARGS, NULL},
    {"tell", (PyCFunction)stream_not_seekable, METH_NOARGS, NULL},
    {"seek", (PyCFunction)stream_not_seekable, METH_VARARGS, NULL},
    {"truncate", (PyCFunction)stream_truncate, METH_VARARGS, NULL},
    {"close", (PyCFunction)stream_close, METH_NOARGS, NULL},
    {"detach", (PyCFunction)stream_detach, METH_NOARGS, NULL},
    {"__enter__", (PyCFunction)stream_enter, METH_NOARGS, NULL},
    {"__exit__", (PyCFunction)stream_exit, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef stream_getset[] = {
    {"name", (getter)stream_get_name, NULL, NULL, NULL},
    {"buffer", (getter)stream_get_buffer, NULL, NULL, NULL},
    {"encoding", (getter)stream_get_encoding, NULL, NULL, NULL},
    {"errors", (getter)stream_get_errors, NULL, NULL, NULL},
    {"mode", (getter)stream_get_str, NULL, NULL, "w"},
    {"newlines", (getter)stream_get_none, NULL, NULL, NULL},
    {"closed", (getter)stream_get_closed, NULL, NULL, NULL},
    {"line_buffering", (getter)stream_get_flag, NULL, NULL,
     (void *)offsetof(cpy_stream, line_buffering)},
    {"write_through", (getter)stream_get_flag, NULL, NULL,
     (void *)offsetof(cpy_stream, write_through)},
    {NULL, NULL, NULL, NULL, NULL},
};

/* A heap type (in the Python region, like the lock types: cpy_thread.c). */
/* repr as CPython's: <_io.TextIOWrapper name='<stdout>' mode='w' encoding='utf-8'> */
static PyObject *stream_repr(cpy_stream *s)
{
    if (s->detached || s->raw_detached) /* (CPython's name lookup fails: no name) */
        return PyUnicode_FromFormat("<_io.TextIOWrapper mode='w' encoding='%s'>",
                                    s->enc[0] ? s->enc : "utf-8");
    return PyUnicode_FromFormat("<_io.TextIOWrapper name='%s' mode='w' encoding='%s'>",
                                s->fd == MODEL_STDOUT ? "<stdout>" : "<stderr>",
                                s->enc[0] ? s->enc : "utf-8");
}

static PyType_Slot stream_slots[] = {
    {Py_tp_dealloc, (void *)stream_dealloc},
    {Py_tp_repr, (void *)stream_repr},
    {Py_tp_doc, (void *)"A text stream whose writes are output events of the trace."},
    {Py_tp_methods, stream_methods},
    {Py_tp_getset, stream_getset},
    {Py_tp_iter, (void *)stream_iter},
    {Py_tp_iternext, (void *)stream_iternext},
    {0, NULL},
};

static PyType_Spec stream_spec = {
    "_io.TextIOWrapper", sizeof(cpy_stream), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION | Py_TPFLAGS_IMMUTABLETYPE, stream_slots,
};

/* ---- clocks ------------------------------------------------------------------ */

static int64_t cpy__now(void) { return cpy.in_run ? model_now_ns() : 0; }

/* From the first clock read on, CPU time is observable: the tracer counts it. */
static void cpy__clock_read(void)
{
    if (!cpy.clock_read && cpy.in_run && !cpy.setup) {
        cpy.clock_read = true;
        cpy_trace_update();
    }
}

int cpy_timeout_ns(PyObject *obj, int64_t *ns)
{
    if (PyFloat_Check(obj)) {
        double d = PyFloat_AsDouble(obj);
        if (isnan(d)) {
            PyErr_SetString(PyExc_ValueError, "Invalid value NaN (not a number)");
            return -1;
        }
        d *= 1e9;
        d = d < 0 ? floor(d) : ceil(d);
        /* int64 range; 2^63 itself is out (CPython's check lets it through
         * and then converts it with undefined behaviour) */
        if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) {
            PyErr_SetString(PyExc_OverflowError, cpy_overflow_float);
            return -1;
        }
        *ns = (int64_t)d;
        return 0;
    }
    long long v = PyLong_AsLongLong(obj);
    if (v == -1 && PyErr_Occurred()) {
        if (PyErr_ExceptionMatches(PyExc_OverflowError))
            PyErr_SetString(PyExc_OverflowError, cpy_overflow_int);
        else if (PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "'%.200s' object cannot be interpreted as an integer",
                         Py_TYPE(obj)->tp_name);
        }
        return -1;
    }
    if (__builtin_mul_overflow(v, (long long)SIM_NS_PER_SEC, &v)) {
        PyErr_SetString(PyExc_OverflowError, cpy_overflow_int);
        return -1;
    }
    *ns = v;
    return 0;
}

static PyObject *t_sleep(PyObject *m, PyObject *arg)
{
    (void)m;
    int64_t ns;
    if (cpy_timeout_ns(arg, &ns) < 0)
        return NULL;
    if (ns < 0) {
        PyErr_SetString(PyExc_ValueError, "sleep length must be non-negative");
        return NULL;
    }
    if (!cpy.in_run)
        Py_RETURN_NONE;
    cpy_note_line();
    /* an interrupt_main() wakes main early: its handler runs, and unless it
     * raises, the sleep goes on to its end (PEP 475). A sleep past the end of
     * time never ends (sim/num.h): its deadline saturates, and so does each
     * new one. */
    int64_t until = sim_time_add(model_now_ns(), ns);
    do {
        PyThreadState *ts = cpy_leave();
        sim_sleep(model_sched(), until - model_now_ns());
        cpy_back(ts);
        if (cpy_interrupt_deliver() < 0)
            return NULL;
    } while (model_now_ns() < until);
    Py_RETURN_NONE;
}

static bool cpy__mine_code(PyCodeObject *co);

/* A clock read by the program's own code: the virtual time, plus `step` ns
 * for each such read of the run before this one. On a real machine
 * reading a clock takes time, so reads never repeat a value and an elapsed
 * time around sleep(d) is always more than d; read as the virtual time
 * alone, the float subtraction came out just below d half the time
 * (0.019999999999999997 for sleep(0.02)) and a program's `assert elapsed
 * >= d` failed where python3's never does. The step is 1 ns for monotonic
 * and perf_counter, 1 us for time.time (whose floats near 1.7e9 are 238 ns
 * apart). One counter for every clock and thread, so reads in program
 * order are in clock order too. The library's reads (threading's and
 * queue's deadlines, sched's) are the bare virtual time: a timeout computed
 * as `endtime - _time()` ends at its instant, where another thread's event
 * due then is a choice of the explorer, as before. But logging's record
 * timestamp (LogRecord.__init__), which is printed, steps as the program's:
 * read bare, 0.1 s after the start is 1704067200.0999999 as a float, and
 * `%(msecs)03d` and `%(relativeCreated)d` printed 099 and 99 after
 * sleep(0.1), which python3's overshooting clock never does. Virtual time
 * itself does not move: the trace's times are the same. */
static bool cpy__log_record_code(PyCodeObject *co)
{
    const char *fn = cpy.stdlib ? PyUnicode_AsUTF8(co->co_filename) : NULL;
    const char *name = fn ? PyUnicode_AsUTF8(co->co_name) : NULL;
    return name && strcmp(name, "__init__") == 0 && strncmp(fn, cpy.stdlib, cpy.stdlib_len) == 0 &&
           strcmp(fn + cpy.stdlib_len, "logging/__init__.py") == 0;
}

static int64_t cpy__read_ns(int64_t step)
{
    cpy__clock_read();
    int64_t now = cpy__now();
    if (!cpy.in_run || cpy.setup)
        return now;
    /* the caller's frame, read in place (cpy_tstate.h) */
    const cpy_ts_frame *f = cpy_ts_frame_top();
    PyCodeObject *co = f ? cpy_ts_frame_code(f) : NULL;
    bool log = co && !cpy__mine_code(co) && cpy__log_record_code(co);
    if (!co || (!log && !cpy__mine_code(co)))
        return now;
    uint64_t k = cpy.clock_reads++;
    if (log) {
        /* a step past the bare time even as the run's first read (logging's
         * _startTime was read bare, at its import), and the next read one
         * further */
        k++;
        cpy.clock_reads++;
    }
    return sim_time_add(now, k > (uint64_t)(INT64_MAX / step) ? INT64_MAX : (int64_t)k * step);
}

#define CPY_READ_STEP_TIME 1000
#define CPY_READ_STEP_MONO 1

static PyObject *t_time(PyObject *m, PyObject *u)
{
    (void)m;
    (void)u;
    int64_t ns = cpy__read_ns(CPY_READ_STEP_TIME);
    return PyFloat_FromDouble((double)MODEL_EPOCH_UNIX + (double)ns / 1e9);
}

static PyObject *t_time_ns(PyObject *m, PyObject *u)
{
    (void)m;
    (void)u;
    return PyLong_FromLongLong(MODEL_EPOCH_UNIX * SIM_NS_PER_SEC + cpy__read_ns(CPY_READ_STEP_TIME));
}

/* The C library's clock_gettime, as the process calls it: threadsim's
 * binary exports this one (model/cpy/CMakeLists.txt), so libpython's own
 * reads of the wall clock come here. During a run the wall clock
 * (CLOCK_REALTIME) is the virtual one, as time.time() reads it: the C
 * datetime module's now() and utcnow() read it in C (_PyTime_GetSystemClock),
 * and with this they run on the simulator's clock as python3's run on the
 * host's. Every other clock, and the wall clock outside runs, is the
 * host's (the engine's own timing: the watchdog, output batching). */
static int (*real_clock_gettime)(clockid_t, struct timespec *);

int clock_gettime(clockid_t clk, struct timespec *ts)
{
    if ((clk == CLOCK_REALTIME || clk == CLOCK_REALTIME_COARSE) && cpy.in_run) {
        int64_t ns = cpy__read_ns(CPY_READ_STEP_TIME);
        ts->tv_sec = (time_t)(MODEL_EPOCH_UNIX + ns / SIM_NS_PER_SEC);
        ts->tv_nsec = (long)(ns % SIM_NS_PER_SEC);
        return 0;
    }
    if (!real_clock_gettime)
        real_clock_gettime = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    if (!real_clock_gettime || real_clock_gettime == clock_gettime)
        return (int)syscall(SYS_clock_gettime, clk, ts);
    return real_clock_gettime(clk, ts);
}

static PyObject *t_mono(PyObject *m, PyObject *u)
{
    (void)m;
    (void)u;
    return PyFloat_FromDouble((double)cpy__read_ns(CPY_READ_STEP_MONO) / 1e9);
}

static PyObject *t_mono_ns(PyObject *m, PyObject *u)
{
    (void)m;
    (void)u;
    return PyLong_FromLongLong(cpy__read_ns(CPY_READ_STEP_MONO));
}

/* CPU time: the switch intervals charged to the clock while the process
 * (process_time) or the calling thread (thread_time) ran, not the time it
 * slept or waited; as the clock, it moves by whole intervals. */
static int64_t cpy__cpu_ns(bool thread)
{
    cpy__clock_read();
    if (!cpy.in_run)
        return 0;
    sim_sched *s = model_sched();
    if (!thread)
        return s->cpu_ns;
    return s->current ? s->current->cpu_ns : 0;
}

static PyObject *t_process_time(PyObject *m, PyObject *u)
{
    (void)m;
    (void)u;
    return PyFloat_FromDouble((double)cpy__cpu_ns(false) / 1e9);
}

static PyObject *t_process_time_ns(PyObject *m, PyObject *u)
{
    (void)m;
    (void)u;
    return PyLong_FromLongLong(cpy__cpu_ns(false));
}

static PyObject *t_thread_time(PyObject *m, PyObject *u)
{
    (void)m;
    (void)u;
    return PyFloat_FromDouble((double)cpy__cpu_ns(true) / 1e9);
}

static PyObject *t_thread_time_ns(PyObject *m, PyObject *u)
{
    (void)m;
    (void)u;
    return PyLong_FromLongLong(cpy__cpu_ns(true));
}

/* localtime()/gmtime()/ctime()/asctime()/strftime(fmt) without a time use the
 * virtual one: these wrap the originals. */
static PyObject *t_orig[8];
enum { T_LOCALTIME, T_GMTIME, T_CTIME, T_ASCTIME, T_STRFTIME };

static PyObject *t_call_with_now(int which, PyObject *args, Py_ssize_t at)
{
    cpy__clock_read();
    if (PyTuple_GET_SIZE(args) > at && PyTuple_GET_ITEM(args, at) != Py_None)
        return PyObject_Call(t_orig[which], args, NULL);
    PyObject *now = PyFloat_FromDouble((double)MODEL_EPOCH_UNIX + (double)cpy__now() / 1e9);
    if (!now)
        return NULL;
    PyObject *r = NULL;
    if (which == T_ASCTIME || which == T_STRFTIME) {
        PyObject *lt = PyObject_CallOneArg(t_orig[T_LOCALTIME], now);
        if (lt) {
            PyObject *a = which == T_STRFTIME
                              ? PyTuple_Pack(2, PyTuple_GET_ITEM(args, 0), lt)
                              : PyTuple_Pack(1, lt);
            if (a)
                r = PyObject_Call(t_orig[which], a, NULL);
            Py_XDECREF(a);
            Py_DECREF(lt);
        }
    } else {
        r = PyObject_CallOneArg(t_orig[which], now);
    }
    Py_DECREF(now);
    return r;
}

static PyObject *t_localtime(PyObject *m, PyObject *a) { (void)m; return t_call_with_now(T_LOCALTIME, a, 0); }
static PyObject *t_gmtime(PyObject *m, PyObject *a) { (void)m; return t_call_with_now(T_GMTIME, a, 0); }
static PyObject *t_ctime(PyObject *m, PyObject *a) { (void)m; return t_call_with_now(T_CTIME, a, 0); }
static PyObject *t_asctime(PyObject *m, PyObject *a) { (void)m; return t_call_with_now(T_ASCTIME, a, 0); }

static PyObject *t_strftime(PyObject *m, PyObject *a)
{
    (void)m;
    if (PyTuple_GET_SIZE(a) < 1)
        return PyObject_Call(t_orig[T_STRFTIME], a, NULL);
    return t_call_with_now(T_STRFTIME, a, 1);
}

static PyMethodDef time_methods[] = {
    {"sleep", t_sleep, METH_O, NULL},
    {"time", t_time, METH_NOARGS, NULL},
    {"time_ns", t_time_ns, METH_NOARGS, NULL},
    {"monotonic", t_mono, METH_NOARGS, NULL},
    {"monotonic_ns", t_mono_ns, METH_NOARGS, NULL},
    {"perf_counter", t_mono, METH_NOARGS, NULL},
    {"perf_counter_ns", t_mono_ns, METH_NOARGS, NULL},
    {"process_time", t_process_time, METH_NOARGS, NULL},
    {"process_time_ns", t_process_time_ns, METH_NOARGS, NULL},
    {"thread_time", t_thread_time, METH_NOARGS, NULL},
    {"thread_time_ns", t_thread_time_ns, METH_NOARGS, NULL},
    {"localtime", t_localtime, METH_VARARGS, NULL},
    {"gmtime", t_gmtime, METH_VARARGS, NULL},
    {"ctime", t_ctime, METH_VARARGS, NULL},
    {"asctime", t_asctime, METH_VARARGS, NULL},
    {"strftime", t_strftime, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

/* ---- the tracer ------------------------------------------------------------------ */

static void cpy__stop(const char *why)
{
    sim_sched *s = model_sched();
    if (s->status == SIM_RUNNING) {
        s->status = SIM_LIMIT;
        s->limit_reason = why;
    }
    PyThreadState *ts = cpy_leave();
    sim_tick(s); /* does not return: the run ends */
    cpy_back(ts);
}

/* k steps of work threadsim does for the program in Python (a retried
 * file lock's tries) count toward --max-steps like its own lines: a wait
 * that never ends stops at the step limit instead of running forever. */
void cpy_count_steps(uint64_t k)
{
    if (!cpy.in_run)
        return;
    cpy.lines += k;
    if (cpy.ro.max_steps && cpy.lines > cpy.ro.max_steps)
        cpy__stop("step limit");
}

/* A poll that found the lock taken (acquire(False), and so Event.wait(0)
 * and Condition.wait(0), as_completed's and wait()'s timeouts run out)
 * counts toward --max-steps, and once a thread has polled 64 times in a
 * row with no step of the program's between (a loop of the library's:
 * its lines are no steps) each poll lets time pass, as real polls take
 * time: the thread sleeps a microsecond, then 2, 4, ... up to its switch
 * interval (5 ms) while the polls go on in a row. Code that polls until a
 * deadline (as_completed(timeout=...) once its time is up to the
 * nanosecond, a `while monotonic() < end: ev.wait(0)`) saw no time pass
 * where real time does, and polled for good; then (until 2026-12-06) each
 * poll was a step of the switch interval, whose end moved the clock 5 ms:
 * 330,000 polls, a third of a second of the host's time for each run, and
 * a timeout raised 5 ms late, where python3's is a few microseconds. (A
 * lone try, as Condition's ownership check makes at each notify, changes
 * no schedule.) */
void cpy_poll_step(void)
{
    cpy_thr *thr = cpy.in_run && !cpy.setup ? cpy_thr_current() : NULL;
    if (!thr || thr->importing)
        return;
    bool in_a_row = cpy.lines == thr->poll_at;
    cpy.lines++;
    thr->poll_at = cpy.lines;
    thr->polls = in_a_row ? thr->polls + 1 : 0;
    if (cpy.ro.max_steps && cpy.lines > cpy.ro.max_steps)
        cpy__stop("step limit");
    sim_sched *s = model_sched();
    sim_thread *t = s->current;
    if (thr->polls < 64 || !thr->tracing || thr->count_only || !t || !s->cfg.switch_steps)
        return;
    uint32_t k = thr->polls - 64;
    int64_t ns = k < 40 ? (int64_t)1000 << k : INT64_MAX;
    if (ns > s->cfg.switch_ns)
        ns = s->cfg.switch_ns > 1000 ? s->cfg.switch_ns : 1000;
    /* (the sleep is no step: the next poll is one in a row unless another
     * thread ran lines meanwhile) */
    PyThreadState *ts = cpy_leave();
    sim_sleep(s, ns);
    cpy_back(ts);
}

static double cpy__wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The program's own sys.settrace() function, called as CPython's
 * trace_trampoline would: the global one for "call", the frame's f_trace
 * for the rest; an exception unsets it and propagates. */
static int cpy__user_trace(cpy_thr *thr, PyFrameObject *f, int what, PyObject *arg)
{
    static const char *const names[] = {"call", "exception", "line", "return",
                                        "c_call", "c_exception", "c_return", "opcode"};
    PyObject *cb = NULL;
    if (what == PyTrace_CALL) {
        cb = thr->user_trace;
        Py_INCREF(cb);
    } else {
        cb = PyObject_GetAttrString((PyObject *)f, "f_trace");
        if (!cb)
            return -1;
    }
    if (cb == Py_None || what < 0 || what > 7) {
        Py_DECREF(cb);
        return 0;
    }
    if (PyFrame_FastToLocalsWithError(f) < 0) {
        Py_DECREF(cb);
        return -1;
    }
    PyObject *r = PyObject_CallFunction(cb, "OsO", (PyObject *)f, names[what], arg ? arg : Py_None);
    PyFrame_LocalsToFast(f, 1);
    Py_DECREF(cb);
    if (!r) {
        Py_CLEAR(thr->user_trace);
        PyObject *t, *v, *tb;
        PyErr_Fetch(&t, &v, &tb);
        PyObject_SetAttrString((PyObject *)f, "f_trace", Py_None);
        PyErr_Restore(t, v, tb);
        cpy_trace_update();
        return -1;
    }
    if (r != Py_None && PyObject_SetAttrString((PyObject *)f, "f_trace", r) < 0) {
        Py_DECREF(r);
        return -1;
    }
    Py_DECREF(r);
    return 0;
}

static int cpy__trace(PyObject *o, PyFrameObject *f, int what, PyObject *arg);
static bool cpy__mine(PyFrameObject *f);

/* A file of the program's own (not the standard library's, nor a frozen
 * module such as importlib, nor threadsim's "<threadsim...>" code). */
static bool cpy__own_file(const char *fn)
{
    return strncmp(fn, "<frozen", 7) != 0 && strncmp(fn, "<threadsim", 10) != 0 &&
           !(cpy.stdlib && strncmp(fn, cpy.stdlib, cpy.stdlib_len) == 0);
}

/* The code is the program's own. */
static bool cpy__mine_code(PyCodeObject *co)
{
    const char *fn = PyUnicode_AsUTF8(co->co_filename);
    if (!fn)
        PyErr_Clear();
    return fn && cpy__own_file(fn);
}

/* A note of the running thread (reason static, text `len` bytes). */
static void cpy__note(const char *reason, const char *text, int len)
{
    sim_sched *s = model_sched();
    sim_event ev = {.kind = SIM_EV_NOTE, .thread = s->current ? s->current->id : SIM_NONE,
                    .other = SIM_NONE, .obj = SIM_NONE, .reason = reason, .text = text,
                    .len = (size_t)len};
    sim_emit(s, &ev);
}

/* A "touch" note: the instruction reads or writes object o, named by its
 * address (for the explorer's dpor, which only compares them; addresses
 * are the same on every run). Immutable scalars are skipped. */
void cpy_note_touch(PyObject *o, bool write)
{
    if (!o || o == Py_None || PyLong_Check(o) || PyUnicode_Check(o) || PyFloat_Check(o) ||
        PyBytes_Check(o))
        return;
    cpy_note_touch_at((uintptr_t)o, write);
}

void cpy_note_touch_at(uintptr_t at, bool write)
{
    /* "write 2000203c46f0": by hand, not snprintf (dpor makes one for
     * nearly every instruction of the program's) */
    char buf[40];
    const char *w = write ? "write " : "read ";
    size_t len = strlen(w);
    memcpy(buf, w, len);
    char hex[2 * sizeof(uintptr_t)];
    size_t nh = 0;
    uintptr_t a = at;
    do {
        hex[nh++] = "0123456789abcdef"[a & 15];
        a >>= 4;
    } while (a);
    while (nh)
        buf[len++] = hex[--nh];
    cpy__note("touch", buf, (int)len);
}

static bool cpy__mine_code(PyCodeObject *co);

/* A call about to be made (PRECALL, CPython 3.11's stack: [method or
 * NULL, callable or self, args...]): unless it calls the program's own
 * Python code (traced itself), it may change any of its arguments. */
/* The callee `fn` about to be called: false when it is the program's own
 * Python function (traced itself: its arguments are not touched here);
 * else the object it is bound to is written (it may change it). */
static bool cpy__touch_callee(PyObject *fn)
{
    if (!fn || (PyFunction_Check(fn) && cpy__mine_code((PyCodeObject *)PyFunction_GET_CODE(fn))))
        return false;
    PyObject *self = NULL;
    if (PyMethod_Check(fn))
        self = PyMethod_GET_SELF(fn);
    else if (PyCFunction_Check(fn) && !(PyCFunction_GET_FLAGS(fn) & METH_STATIC))
        self = PyCFunction_GET_SELF(fn);
    /* a lock's own methods note what they do (cpy_thread.c: an acquire
     * writes it, locked() reads it, a release touches nothing); a module is
     * what its C functions are bound to (len, print, time.sleep): their
     * effects are on their arguments */
    if (!cpy_is_lock(self) && !(self && PyModule_Check(self)))
        cpy_note_touch(self, true);
    return true;
}

static void cpy__touch_call(PyFrameObject *f, int nargs)
{
    PyObject *meth = cpy_ts_stack_peek(f, nargs + 1);
    if (!cpy__touch_callee(meth ? meth : cpy_ts_stack_peek(f, nargs)))
        return;
    for (int i = 0; i < nargs + (meth != NULL); i++) {
        PyObject *a = cpy_ts_stack_peek(f, i);
        if (!(meth && i == nargs && cpy_is_lock(a)))
            cpy_note_touch(a, true);
    }
}

/* The objects the other instructions read or write that C code looks
 * into: a truth test (`if items:`), a comparison or `in`, an operator (an
 * in-place one writes its left side), iteration (each FOR_ITER reads the
 * container, not its iterator), unpacking, `*args` and `**kw`, an f-string's
 * repr, a `with` block's object. Without them dpor took `if items:` for
 * touching nothing, and never reordered it with another thread's append. */
static void cpy__touch_operands(PyFrameObject *f, int op, int arg)
{
    switch (op) {
    case POP_JUMP_FORWARD_IF_FALSE:
    case POP_JUMP_FORWARD_IF_TRUE:
    case POP_JUMP_BACKWARD_IF_FALSE:
    case POP_JUMP_BACKWARD_IF_TRUE:
    case JUMP_IF_FALSE_OR_POP:
    case JUMP_IF_TRUE_OR_POP:
    case UNARY_NOT:
    case UNARY_NEGATIVE:
    case UNARY_POSITIVE:
    case UNARY_INVERT:
    case GET_LEN:
    case UNPACK_SEQUENCE:
    case UNPACK_EX:
    case LIST_EXTEND:
    case SET_UPDATE:
    case DICT_UPDATE:
    case DICT_MERGE:
        cpy_note_touch(cpy_ts_stack_peek(f, 0), false);
        break;
    case GET_ITER:
    case GET_YIELD_FROM_ITER: {
        PyObject *o = cpy_ts_stack_peek(f, 0);
        PyObject *src = cpy_ts_iter_source(o);
        cpy_note_touch(src ? src : o, false);
        break;
    }
    case FOR_ITER: {
        /* the container read; the iterator moved on (a write: two threads'
         * loops over one shared iterator, or generator, conflict) */
        PyObject *it = cpy_ts_stack_peek(f, 0);
        cpy_note_touch(cpy_ts_iter_source(it), false);
        cpy_note_touch(it, true);
        break;
    }
    case COMPARE_OP:
    case CONTAINS_OP:
        cpy_note_touch(cpy_ts_stack_peek(f, 0), false);
        cpy_note_touch(cpy_ts_stack_peek(f, 1), false);
        break;
    case BINARY_OP: /* NB_INPLACE_ADD (13) and after: `items += more` */
        cpy_note_touch(cpy_ts_stack_peek(f, 0), false);
        cpy_note_touch(cpy_ts_stack_peek(f, 1), arg >= NB_INPLACE_ADD);
        break;
    case FORMAT_VALUE: /* with a format spec (FVS_HAVE_SPEC) the value is below it */
        cpy_note_touch(cpy_ts_stack_peek(f, (arg & 0x04) ? 1 : 0), false);
        break;
    case BEFORE_WITH: {
        PyObject *o = cpy_ts_stack_peek(f, 0);
        if (!cpy_is_lock(o)) /* a lock's __enter__ notes its own touch */
            cpy_note_touch(o, true);
        break;
    }
    case CALL_FUNCTION_EX: { /* [NULL, func, args, kwargs if arg & 1] */
        int k = arg & 1;
        PyObject *args = cpy_ts_stack_peek(f, k);
        if (!cpy__touch_callee(cpy_ts_stack_peek(f, 1 + k)))
            break;
        if (args && PyTuple_Check(args))
            for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(args); i++)
                cpy_note_touch(PyTuple_GET_ITEM(args, i), true);
        else
            cpy_note_touch(args, false);
        if (k) {
            PyObject *kw = cpy_ts_stack_peek(f, 0);
            Py_ssize_t pos = 0;
            PyObject *key, *val;
            while (kw && PyDict_Check(kw) && PyDict_Next(kw, &pos, &key, &val))
                cpy_note_touch(val, true);
        }
        break;
    }
    default:
        break;
    }
}

/* --access notes: what the instruction about to run reads or writes, from
 * its opcode and argument (CPython 3.11's encoding: 2-byte units; a
 * LOAD_GLOBAL's name index is its argument >> 1). Names ("access": read
 * counter, write .value, write [item]) explain a schedule; objects
 * ("touch", by address: the owner of an attribute, a container, whatever
 * a method or a function of the standard library or C is called on) are
 * what dpor tells steps apart by. */
static void cpy__access(PyFrameObject *f)
{
    PyCodeObject *co = PyFrame_GetCode(f);
    /* the instruction read in place (PyCode_GetCode's copy would be an
     * allocation of dpor's alone: every later address would differ from
     * the same schedule's under another strategy or in the stepper) */
    int op, arg;
    const char *what = NULL, *name = NULL;
    if (cpy_ts_instr(co, PyFrame_GetLasti(f), &op, &arg) == 0) {
        PyObject *names = co->co_names;
        int idx = -1;
        if (op == LOAD_GLOBAL)
            what = "read", idx = arg >> 1;
        else if (op == LOAD_NAME || op == LOAD_ATTR || op == LOAD_METHOD)
            what = "read", idx = arg;
        else if (op == STORE_GLOBAL || op == STORE_NAME || op == STORE_ATTR || op == DELETE_ATTR ||
                 op == DELETE_GLOBAL || op == DELETE_NAME)
            what = "write", idx = arg;
        else if (op == BINARY_SUBSCR)
            what = "read", name = "[item]";
        else if (op == STORE_SUBSCR || op == DELETE_SUBSCR)
            what = "write", name = "[item]";
        else if (op == LOAD_DEREF || op == STORE_DEREF) {
            /* a closure's variable, which threads started from one function share */
            PyObject *lp = co->co_localsplusnames;
            if (lp && arg < PyTuple_GET_SIZE(lp))
                name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(lp, arg));
            what = op == LOAD_DEREF ? "read" : "write";
        }
        if (idx >= 0 && names && idx < PyTuple_GET_SIZE(names)) {
            name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(names, idx));
            if (op == LOAD_ATTR || op == STORE_ATTR || op == DELETE_ATTR || op == LOAD_METHOD) {
                static char attr[256];
                snprintf(attr, sizeof attr, ".%s", name ? name : "?");
                name = attr;
            }
        }
        /* the objects */
        if (op == LOAD_ATTR)
            cpy_note_touch(cpy_ts_stack_peek(f, 0), false);
        else if (op == LOAD_METHOD && cpy_is_lock(cpy_ts_stack_peek(f, 0)))
            ; /* a lock's methods note their own touches */
        else if (op == LOAD_METHOD || op == STORE_ATTR || op == DELETE_ATTR)
            cpy_note_touch(cpy_ts_stack_peek(f, 0), true); /* a method may change its object */
        else if (op == BINARY_SUBSCR)
            cpy_note_touch(cpy_ts_stack_peek(f, 1), false);
        else if (op == STORE_SUBSCR || op == DELETE_SUBSCR)
            cpy_note_touch(cpy_ts_stack_peek(f, 1), true);
        else if (op == PRECALL)
            cpy__touch_call(f, arg);
        else
            cpy__touch_operands(f, op, arg);
        /* a step inside a generator's frame: the generator is running */
        PyObject *gen = cpy_ts_frame_generator(f);
        if (gen)
            cpy_note_touch(gen, true);
    }
    if (what && name) {
        char buf[300];
        size_t lw = strlen(what), ln = strlen(name);
        if (lw + 1 + ln >= sizeof buf)
            ln = sizeof buf - 2 - lw;
        memcpy(buf, what, lw);
        buf[lw] = ' ';
        memcpy(buf + lw + 1, name, ln);
        cpy__note("access", buf, (int)(lw + 1 + ln));
    }
    PyErr_Clear();
    Py_DECREF(co);
}

/* The frame runs the program's own code: not the standard library's, not
 * importlib's or threadsim's. Asked afresh each time: a cache holding the
 * last code object asked about kept it alive past its frame, and dpor,
 * which asks at every line, freed a module's code later than every other
 * strategy and the stepper did, so its runs' later objects had other
 * addresses than the same schedule's replay (as_completed's set order). */
static bool cpy__mine(PyFrameObject *f)
{
    PyCodeObject *co = PyFrame_GetCode(f);
    bool mine = cpy__mine_code(co);
    Py_DECREF(co);
    return mine;
}

static int cpy_trace(PyObject *o, PyFrameObject *f, int what, PyObject *arg)
{
    int rc = cpy__trace(o, f, what, arg);
    cpy_thr *thr;
    if (rc == 0 && cpy.in_run && (thr = cpy_thr_current()) && thr->user_trace)
        rc = cpy__user_trace(thr, f, what, arg);
    return rc;
}

static int cpy__trace(PyObject *o, PyFrameObject *f, int what, PyObject *arg)
{
    (void)o;
    (void)arg;
    if (!cpy.in_run)
        return 0;
    bool can_switch;
    cpy_thr *thr = cpy_thr_current();
    if (!thr)
        return 0;
    if (thr->importing) {
        if (what == PyTrace_RETURN && f == thr->importing)
            thr->importing = NULL;
        return 0;
    }
    switch (what) {
    case PyTrace_CALL: {
        PyCodeObject *co = PyFrame_GetCode(f);
        const char *fn = PyUnicode_AsUTF8(co->co_filename);
        Py_DECREF(co);
        if (fn && fn[0] == '<' && strcmp(fn, "<frozen importlib._bootstrap>") == 0) {
            /* Importing costs no virtual time and is never split: CPython
             * holds the module's import lock meanwhile anyway. */
            thr->importing = f;
            return 0;
        }
        if (cpy.ro.opcodes)
            cpy_ts_trace_opcodes(f);
        thr->last_frame = NULL;
        /* function entry is an eval-breaker point, but not a step */
        sim_sched *s = model_sched();
        sim_thread *t = s->current;
        if (s->cfg.switch_steps && t->steps >= s->cfg.switch_steps) {
            PyThreadState *ts = cpy_leave();
            sim_tick_at(s, true);
            cpy_back(ts);
        }
        return 0;
    }
    case PyTrace_LINE: {
        if (cpy.ro.access_notes && !cpy.ro.opcodes && cpy__mine(f))
            cpy_ts_trace_opcodes(f);
        int lasti = PyFrame_GetLasti(f);
        can_switch = thr->last_frame == f && lasti <= thr->last_lasti;
        thr->last_frame = f;
        thr->last_lasti = lasti;
        break;
    }
    case PyTrace_OPCODE:
        if (cpy.ro.access_notes && cpy__mine(f))
            cpy__access(f);
        if (!cpy.ro.opcodes)
            return 0; /* traced for the notes only: not a step */
        can_switch = false;
        break;
    default:
        return 0;
    }
    cpy.lines++;
    if (thr->count_only) {
        if (cpy.ro.max_steps && cpy.lines > cpy.ro.max_steps)
            cpy__stop("step limit");
        if (cpy.wall_deadline > 0 && (cpy.lines & 0xffff) == 0 && cpy__wall() > cpy.wall_deadline)
            cpy__stop("timeout");
        return 0;
    }
    if (cpy.ro.line_steps && what == PyTrace_LINE)
        cpy_note_line();
    if (cpy.ro.max_steps && cpy.lines > cpy.ro.max_steps)
        cpy__stop("step limit");
    if (cpy.wall_deadline > 0 && (cpy.lines & 0xffff) == 0 && cpy__wall() > cpy.wall_deadline)
        cpy__stop("timeout");
    if (cpy.interrupt_main && cpy_interrupt_deliver() < 0)
        return -1;
    sim_sched *s = model_sched();
    sim_thread *t = s->current;
    bool decide = s->policy.every_step && sim_has_choice(s) && !cpy.ro.cpython_points &&
                  (!cpy.ro.program_lines || cpy__mine(f));
    /* the common case: nothing to decide, interval not used up */
    if (!decide && (!s->cfg.switch_steps || t->steps + 1 < s->cfg.switch_steps || !can_switch)) {
        if (s->cfg.switch_steps && t->steps < s->cfg.switch_steps)
            t->steps++;
        return 0;
    }
    if (what == PyTrace_LINE && decide)
        cpy_note_line();
    PyThreadState *ts = cpy_leave();
    sim_tick_point(s, can_switch, decide);
    cpy_back(ts);
    return 0;
}

/* Which frames are traced: under the default policy only the program's
 * own. The standard library's lines are then no steps: they cost no virtual
 * time and are no switch points (a switch there waits for the program's
 * next line or call, or for a block); they run at CPython's own speed
 * instead of 3-4x slower. Every other use of the tracer sees every frame:
 * random and PCT deciding at every line (unless the choices are the
 * program's lines only), the stepper, --granularity opcode, access notes,
 * --max-steps (which counts every line), the program's own sys.settrace.
 * importlib's frames stay traced so an import is still recognized (and
 * not counted) as one. The judgement is per code object, kept in its
 * co_extra slot. */
static Py_ssize_t code_extra = -1; /* per code object: CODE_* */
static bool trace_program_only; /* this run's scope */
static bool filter_on;          /* the frame evaluator is installed */

enum {
    CODE_UNTRACED = 1,
    CODE_TRACED = 2,
    CODE_OURS = 4, /* threadsim's own code or importlib's: its entry is no choice */
    CODE_MINE = 8  /* the program's own */
};

static uintptr_t cpy__code_class(PyCodeObject *co)
{
    void *x = NULL;
    if (_PyCode_GetExtra((PyObject *)co, code_extra, &x) == 0 && x)
        return (uintptr_t)x;
    const char *fn = PyUnicode_AsUTF8(co->co_filename);
    bool traced = !fn || strcmp(fn, "<frozen importlib._bootstrap>") == 0 || cpy__own_file(fn);
    uintptr_t c = (traced ? CODE_TRACED : CODE_UNTRACED) |
                  (!fn || strncmp(fn, "<threadsim", 10) == 0 ||
                           strncmp(fn, "<frozen importlib.", 18) == 0
                       ? CODE_OURS
                       : 0) |
                  (fn && cpy__own_file(fn) ? CODE_MINE : 0);
    if (!fn || _PyCode_SetExtra((PyObject *)co, code_extra, (void *)c) < 0)
        PyErr_Clear();
    return c;
}

static bool cpy__code_traced(PyCodeObject *co)
{
    /* (called at every frame's start and end: the current thread is
     * looked up only once a program has had a tracer of its own) */
    cpy_thr *thr = cpy.user_traced ? cpy_thr_current() : NULL;
    if (thr && thr->user_trace)
        return true;
    return (cpy__code_class(co) & 3) == CODE_TRACED;
}

/* --choices cpython: the scheduler when a choice can be made here (a
 * thread of the program's running, its steps observed, not importing,
 * another thread ready, a policy deciding at every step), else NULL; and
 * the choice, noted with the program's line. */
static sim_sched *cpy__choice_here(void)
{
    model_world *w = model__world_or_null();
    sim_thread *st = w ? w->sched.current : NULL;
    model_thread *mt = st ? st->user : NULL;
    cpy_thr *thr = mt ? mt->user : NULL;
    if (!cpy.in_run || cpy.setup || !thr || thr->importing || thr->user_trace || !thr->tracing ||
        thr->count_only || !w->sched.policy.every_step || !sim_has_choice(&w->sched))
        return NULL;
    return &w->sched;
}

static void cpy__choose(sim_sched *s)
{
    cpy_note_line();
    PyThreadState *ts = cpy_leave();
    sim_tick_point(s, true, true);
    cpy_back(ts);
}

/* --choices cpython: the entry of a Python function (and a generator's
 * resumption), where CPython 3.11's RESUME checks its eval breaker, is a
 * choice: of the program's own functions, and of the library's that the
 * program's code calls. Inside the standard library (a function it calls
 * itself, threading's start-up of a thread) there is none, as under
 * --choices program: those points rarely change what a program prints,
 * and a random schedule deciding at each of them would seldom get two
 * threads' own code to meet. threadsim's own code and importlib's are no
 * choice either (see cpy__tick). Called by the frame evaluator before the
 * frame runs, so a switch here leaves the caller's line the current one,
 * as CPython's does. */
static void cpy__frame_entry(PyCodeObject *co, PyCodeObject *caller)
{
    sim_sched *s = cpy__choice_here();
    if (!s)
        return;
    uintptr_t c = cpy__code_class(co);
    if ((c & CODE_OURS) || !((c & CODE_MINE) || (caller && (cpy__code_class(caller) & CODE_MINE))))
        return;
    cpy__choose(s);
}

static void cpy__filter(bool on)
{
    cpy_ts_trace_filter(on ? cpy__code_traced : NULL,
                        on && cpy.ro.cpython_points ? cpy__frame_entry : NULL);
    filter_on = on;
}

/* The default policy's scope: only the program's own frames are traced (or
 * ticked, ticks.py). A policy deciding at every step has it too when it
 * decides only at the program's own lines (program_lines: the explorer's
 * default): the standard library's lines are then neither choices nor
 * steps, as under the default policy, and run specialized and untraced.
 * The stepper's line notes and dpor's access notes keep that scope (they
 * are about the program's lines): the explorer's strategies, the stepper
 * replaying a token and the explorer's representative runs then trace the
 * same frames, so CPython makes the same frame objects, and a schedule
 * gives the same addresses (id(), default reprs, set order) in each. */
bool cpy_program_only(void)
{
    sim_sched *s = model_sched();
    return (!s->policy.every_step || cpy.ro.program_lines || cpy.ro.cpython_points) &&
           !cpy.ro.opcodes && !cpy.ro.exact_steps;
}

/* Whether the program is compiled with ticks: the default policy's scope
 * and no policy deciding at every step (its choices need the tracer's line
 * events in the program's own frames), unless that policy decides where
 * CPython can switch (--choices cpython: at the ticks and the frames'
 * entries). */
bool cpy_ticks_scope(void)
{
    /* the stepper's line notes and dpor's access notes need the tracer's
     * events at every line of the program */
    return cpy_program_only() && !cpy.ro.line_steps && !cpy.ro.access_notes &&
           (!model_sched()->policy.every_step || cpy.ro.cpython_points);
}

/* ---- exception reports -------------------------------------------------------- */

/* ---- "Did you mean" ------------------------------------------------------------ */

/* CPython 3.11's C printer ends the line of an AttributeError or a
 * NameError (those exact types) with ". Did you mean: 'NAME'?" when a name
 * close to the missing one exists (Python/suggestions.c, which libpython
 * does not export; traceback.py learned it only in 3.12). The rules, as
 * 3.11 has them: candidates are dir(obj) for an AttributeError, and for a
 * NameError the variables of the innermost traceback frame's code, then its
 * globals, then its builtins, the first list with a match winning; a list
 * of 750 or more names is not searched; the distance is Levenshtein's over
 * the UTF-8 bytes after the common prefix and suffix are dropped, a
 * deletion, an insertion or a substitution costing 2 and a change of case
 * 1 (each row of the table starting one move low, as 3.11's does); names
 * longer than 40 bytes (after the trim) never match; a candidate
 * is kept when at most (len(name) + len(candidate) + 3) * 2 / 6 away and
 * nearer than the best so far (the first of equals wins). */
enum { SUGG_MAX_NAMES = 750, SUGG_MAX_LEN = 40, SUGG_MOVE = 2, SUGG_CASE = 1 };

static size_t sugg__subst(char a, char b)
{
    if (a == b)
        return 0;
    if ((a & 31) != (b & 31))
        return SUGG_MOVE;
    char la = (a >= 'A' && a <= 'Z') ? (char)(a - 'A' + 'a') : a;
    char lb = (b >= 'A' && b <= 'Z') ? (char)(b - 'A' + 'a') : b;
    return la == lb ? SUGG_CASE : SUGG_MOVE;
}

/* The distance from a to b, or anything above `most` once it must be. */
static size_t sugg__distance(const char *a, size_t na, const char *b, size_t nb, size_t most)
{
    while (na && nb && *a == *b)
        a++, b++, na--, nb--;
    while (na && nb && a[na - 1] == b[nb - 1])
        na--, nb--;
    if (!na || !nb)
        return (na + nb) * SUGG_MOVE;
    if (na > SUGG_MAX_LEN || nb > SUGG_MAX_LEN)
        return most + 1;
    if (nb < na) { /* a the shorter: the row is a's */
        const char *t = a;
        a = b, b = t;
        size_t tn = na;
        na = nb, nb = tn;
    }
    if ((nb - na) * SUGG_MOVE > most)
        return most + 1;
    size_t row[SUGG_MAX_LEN]; /* row[i]: b's prefix so far to a[:i + 1] */
    for (size_t i = 0; i < na; i++)
        row[i] = (i + 1) * SUGG_MOVE;
    size_t cur = 0;
    for (size_t j = 0; j < nb; j++) {
        /* (left starts at j moves, not j + 1: CPython 3.11's row starts
         * so, and its distances are the ones to match) */
        size_t diag = j * SUGG_MOVE, left = diag, best = (size_t)-1;
        for (size_t i = 0; i < na; i++) {
            size_t up = row[i];
            size_t v = diag + sugg__subst(b[j], a[i]);
            size_t del = (left < up ? left : up) + SUGG_MOVE;
            cur = v < del ? v : del;
            diag = up;
            left = cur;
            row[i] = cur;
            if (cur < best)
                best = cur;
        }
        if (best > most)
            return most + 1;
    }
    return cur;
}

/* The nearest of `names` (a list) to `name`, new reference; NULL without
 * an error when none is near enough. */
static PyObject *sugg__nearest(PyObject *names, PyObject *name)
{
    Py_ssize_t n = PyList_GET_SIZE(names);
    if (n >= SUGG_MAX_NAMES)
        return NULL;
    Py_ssize_t nlen;
    const char *s = PyUnicode_AsUTF8AndSize(name, &nlen);
    if (!s)
        return NULL;
    PyObject *best = NULL;
    size_t best_d = (size_t)-1;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyList_GET_ITEM(names, i);
        Py_ssize_t ilen;
        const char *is = PyUnicode_AsUTF8AndSize(item, &ilen);
        if (!is)
            return NULL;
        if ((size_t)nlen == (size_t)ilen && memcmp(s, is, (size_t)nlen) == 0)
            continue;
        size_t most = (size_t)(nlen + ilen + 3) * SUGG_MOVE / 6;
        if (best && best_d - 1 < most)
            most = best_d - 1;
        size_t d = sugg__distance(s, (size_t)nlen, is, (size_t)ilen, most);
        if (d <= most && (!best || d < best_d)) {
            best = item;
            best_d = d;
        }
    }
    return Py_XNewRef(best);
}

/* The names of `src` (a mapping's keys, a sequence's items) as a list, and
 * the nearest of them. */
static PyObject *sugg__in(PyObject *src, PyObject *name)
{
    PyObject *names = src ? PySequence_List(src) : NULL;
    PyObject *r = names ? sugg__nearest(names, name) : NULL;
    Py_XDECREF(names);
    return r;
}

/* The suggestion for exception v, new reference, or NULL (no error). */
static PyObject *sugg__for(PyObject *v)
{
    bool attr = Py_IS_TYPE(v, (PyTypeObject *)PyExc_AttributeError);
    if (!attr && !Py_IS_TYPE(v, (PyTypeObject *)PyExc_NameError))
        return NULL;
    PyObject *r = NULL;
    PyObject *name = PyObject_GetAttrString(v, "name");
    if (name && PyUnicode_CheckExact(name)) {
        if (attr) {
            PyObject *obj = PyObject_GetAttrString(v, "obj");
            PyObject *dir = obj && obj != Py_None ? PyObject_Dir(obj) : NULL;
            r = dir ? sugg__nearest(dir, name) : NULL;
            Py_XDECREF(dir);
            Py_XDECREF(obj);
        } else {
            PyObject *tb = PyException_GetTraceback(v);
            while (tb && PyTraceBack_Check(tb) && ((PyTracebackObject *)tb)->tb_next &&
                   PyTraceBack_Check((PyObject *)((PyTracebackObject *)tb)->tb_next))
                Py_SETREF(tb, Py_NewRef((PyObject *)((PyTracebackObject *)tb)->tb_next));
            PyFrameObject *f = tb && PyTraceBack_Check(tb) ? ((PyTracebackObject *)tb)->tb_frame
                                                           : NULL;
            if (f) {
                PyCodeObject *co = PyFrame_GetCode(f);
                PyObject *vars = PyObject_GetAttrString((PyObject *)co, "co_varnames");
                Py_DECREF(co);
                r = vars ? sugg__in(vars, name) : NULL;
                Py_XDECREF(vars);
                if (!r && !PyErr_Occurred()) {
                    PyObject *g = PyFrame_GetGlobals(f);
                    r = sugg__in(g, name);
                    Py_XDECREF(g);
                }
                if (!r && !PyErr_Occurred()) {
                    PyObject *b = PyFrame_GetBuiltins(f);
                    r = sugg__in(b, name);
                    Py_XDECREF(b);
                }
            }
            Py_XDECREF(tb);
        }
    }
    Py_XDECREF(name);
    if (!r || PyErr_Occurred()) {
        Py_CLEAR(r);
        PyErr_Clear();
    }
    return r;
}

/* The exceptions a report of v shows (its causes, contexts and a group's
 * members), each with a suggestion given one in its message: their args
 * are set to the message with the suggestion for the formatting, and put
 * back after (sugg__restore). At most 64 are changed. */
typedef struct sugg_saved {
    PyObject *exc, *args; /* owned */
} sugg_saved;

static void sugg__walk(PyObject *v, PyObject *seen, sugg_saved *sv, int *n, int depth)
{
    if (!v || v == Py_None || !PyExceptionInstance_Check(v) || depth > 200 || *n >= 64)
        return;
    PyObject *key = PyLong_FromVoidPtr(v);
    int had = key ? PySet_Contains(seen, key) : -1;
    if (had == 0)
        had = PySet_Add(seen, key) == 0 ? 0 : -1;
    Py_XDECREF(key);
    if (had != 0) {
        PyErr_Clear();
        return;
    }
    PyObject *sug = sugg__for(v);
    PyObject *args = sug ? PyObject_GetAttrString(v, "args") : NULL;
    if (args && PyTuple_Check(args)) {
        /* the message as printed (str of the one argument, or of the tuple
         * of several), now the one argument; with none (an empty message)
         * CPython prints "AttributeError. Did you mean: ...", which
         * traceback.py cannot: left without */
        PyObject *msg = PyObject_Str(v);
        PyObject *with = msg && PyUnicode_GET_LENGTH(msg) > 0
                             ? PyUnicode_FromFormat("%U. Did you mean: '%S'?", msg, sug)
                             : NULL;
        PyObject *nargs = with ? PyTuple_Pack(1, with) : NULL;
        if (nargs && PyObject_SetAttrString(v, "args", nargs) == 0) {
            sv[*n].exc = Py_NewRef(v);
            sv[*n].args = Py_NewRef(args);
            (*n)++;
        }
        Py_XDECREF(nargs);
        Py_XDECREF(with);
        Py_XDECREF(msg);
    }
    Py_XDECREF(args);
    Py_XDECREF(sug);
    PyErr_Clear();
    PyObject *cause = PyException_GetCause(v), *ctx = PyException_GetContext(v);
    sugg__walk(cause, seen, sv, n, depth + 1);
    sugg__walk(ctx, seen, sv, n, depth + 1);
    Py_XDECREF(cause);
    Py_XDECREF(ctx);
    if (PyObject_TypeCheck(v, (PyTypeObject *)PyExc_BaseExceptionGroup)) {
        PyObject *excs = PyObject_GetAttrString(v, "exceptions");
        for (Py_ssize_t i = 0; excs && PyTuple_Check(excs) && i < PyTuple_GET_SIZE(excs); i++)
            sugg__walk(PyTuple_GET_ITEM(excs, i), seen, sv, n, depth + 1);
        Py_XDECREF(excs);
        PyErr_Clear();
    }
}

static void sugg__restore(sugg_saved *sv, int n)
{
    PyObject *et, *ev, *etb;
    PyErr_Fetch(&et, &ev, &etb);
    for (int i = 0; i < n; i++) {
        if (PyObject_SetAttrString(sv[i].exc, "args", sv[i].args) != 0)
            PyErr_Clear();
        Py_DECREF(sv[i].exc);
        Py_DECREF(sv[i].args);
    }
    PyErr_Restore(et, ev, etb);
}

int cpy_print_exception(PyObject *file, PyObject *t, PyObject *v, PyObject *tb)
{
    /* CPython's printer (_PyTraceBack_Print) shows the innermost `limit`
     * entries of each traceback, limit being sys.tracebacklimit when it is
     * an int (none at all when it is 0 or less), else 1000; traceback.py
     * reads a positive limit as the outermost ones, a negative one as the
     * innermost */
    long limit = 1000;
    PyObject *lv = PySys_GetObject("tracebacklimit"); /* borrowed */
    bool all = false;
    if (lv && PyLong_Check(lv)) {
        int overflow = 0;
        limit = PyLong_AsLongAndOverflow(lv, &overflow);
        if (limit == -1 && PyErr_Occurred())
            return -1;
        all = overflow > 0;
        if (overflow < 0 || limit < 0)
            limit = 0;
    }
    /* The text is traceback.py's; it is written a line at a time, as
     * CPython's C printer writes it (the "File" line, then the source
     * line, each flushed on its own by a line-buffered stderr): under
     * --tty or -u another thread's line can come between the two, as
     * python3 in a terminal printed in 5 of 40 runs. */
    PyObject *out = file ? Py_NewRef(file) : Py_XNewRef(PySys_GetObject("stderr"));
    if (out == Py_None) {
        /* sys.stderr = None: CPython's printer prints nothing
         * (PyErr_Display); traceback.py would print to sys.stdout */
        Py_DECREF(out);
        return 0;
    }
    bool lines = out != NULL;
    /* CPython's ". Did you mean: ...?" (above), in the formatted text only */
    sugg_saved saved[64];
    int nsaved = 0;
    PyObject *seen = cpy_python2() ? NULL : PySet_New(NULL); /* (not Python 2's) */
    if (seen)
        sugg__walk(v, seen, saved, &nsaved, 0);
    Py_XDECREF(seen);
    PyErr_Clear();
    /* (all: as many as traceback.py takes; None would make it read
     * sys.tracebacklimit itself) */
    PyObject *lim = PyLong_FromSsize_t(all ? -PY_SSIZE_T_MAX : -(Py_ssize_t)limit);
    PyObject *r = NULL;
    PyObject *tbm = NULL, *fn = NULL, *args = NULL, *kw = NULL;
    if (lines && cpy_tb_format_fn && lim) {
        /* the text with the C printer's source lines (bootstrap.py) */
        r = PyObject_CallFunctionObjArgs(cpy_tb_format_fn, t ? t : Py_None, v ? v : Py_None,
                                         tb ? tb : Py_None, lim, NULL);
    } else if (lim) {
        tbm = PyImport_ImportModule("traceback");
        fn = tbm ? PyObject_GetAttrString(tbm, lines ? "format_exception" : "print_exception")
                 : NULL;
        args = fn ? PyTuple_Pack(3, t ? t : Py_None, v ? v : Py_None, tb ? tb : Py_None) : NULL;
        kw = args ? PyDict_New() : NULL;
        if (kw && PyDict_SetItemString(kw, "limit", lim) == 0 &&
            (lines || !file || PyDict_SetItemString(kw, "file", file) == 0))
            r = PyObject_Call(fn, args, kw);
    }
    Py_XDECREF(lim);
    Py_XDECREF(kw);
    Py_XDECREF(args);
    Py_XDECREF(fn);
    Py_XDECREF(tbm);
    sugg__restore(saved, nsaved);
    int rc = r ? 0 : -1;
    if (r && lines) {
        PyObject *it = PyObject_GetIter(r);
        PyObject *chunk;
        while (rc == 0 && it && (chunk = PyIter_Next(it))) {
            PyObject *parts = PyUnicode_Check(chunk) ? PyUnicode_Splitlines(chunk, 1) : NULL;
            Py_ssize_t n = parts ? PyList_GET_SIZE(parts) : 0;
            if (!parts)
                rc = -1;
            for (Py_ssize_t i = 0; rc == 0 && i < n; i++)
                rc = PyFile_WriteObject(PyList_GET_ITEM(parts, i), out, Py_PRINT_RAW);
            Py_XDECREF(parts);
            Py_DECREF(chunk);
        }
        if (!it || PyErr_Occurred())
            rc = -1;
        Py_XDECREF(it);
    }
    Py_XDECREF(r);
    Py_XDECREF(out);
    return rc;
}

/* ---- ticks ------------------------------------------------------------------------ */

/* The program's own code compiled with ticks (ticks.py) counts its steps by
 * calling this, with the lines of the pass it stands for, at a point where
 * CPython can switch threads: its frames are not traced. What the tracer's
 * line event does, for k lines at once: the lines count toward
 * --max-steps (always, so a lone runaway loop is stopped at the same step
 * on every run, with no watchdog); while the thread's steps are observable
 * (cpy_trace_update's rule) they use up its switch interval, and a used-up
 * interval switches here. */
/* The thread a tick or a due point counts for (cpy_thr_current(), in one
 * call: these run at every loop pass), or NULL: not ticking, outside the
 * run, importing, or under a program's own tracer (the engine's tracer
 * counts then). */
static inline cpy_thr *cpy__ticked_thr(const sim_thread *st)
{
    model_thread *mt = st ? st->user : NULL;
    cpy_thr *thr = mt ? mt->user : NULL;
    return cpy.ticking && cpy.in_run && !cpy.setup && thr && !thr->importing && !thr->user_trace
               ? thr
               : NULL;
}

static PyObject *cpy__ticks(PyObject *const *args, Py_ssize_t nargs, bool entry)
{
    PyObject *arg = nargs >= 1 ? args[0] : NULL;
    /* a second argument: the pass has `due` points (ticks.py), where a used-up
     * interval switches instead of here */
    bool defer = nargs == 2;
    /* ticks.py passes a small int constant (one digit; 0 after a with
     * statement under --choices cpython: a choice, no line) */
    long k = !arg || !PyLong_CheckExact(arg) ? 1
             : Py_SIZE(arg) == 0            ? 0
             : Py_SIZE(arg) == 1            ? (long)((PyLongObject *)arg)->ob_digit[0]
                                            : 1;
    model_world *w = model__world_or_null();
    cpy_thr *thr = cpy__ticked_thr(w ? w->sched.current : NULL);
    if (!thr)
        Py_RETURN_TRUE;
    uint64_t before = cpy.lines;
    cpy.lines += (uint64_t)k;
    if (cpy.ro.max_steps && cpy.lines > cpy.ro.max_steps)
        cpy__stop("step limit");
    if (cpy.wall_deadline > 0 && (before >> 16) != (cpy.lines >> 16) &&
        cpy__wall() > cpy.wall_deadline)
        cpy__stop("timeout");
    if (!thr->tracing || thr->count_only)
        Py_RETURN_TRUE;
    if (cpy.interrupt_main && cpy_interrupt_deliver() < 0)
        return NULL;
    sim_sched *s = model_sched();
    sim_thread *t = s->current;
    /* --choices cpython: a loop's pass is a choice (CPython's JUMP_BACKWARD
     * checks its eval breaker); an entry was one already (cpy__frame_entry) */
    bool decide = !entry && s->policy.every_step && sim_has_choice(s) && cpy.ro.cpython_points;
    if (!s->cfg.switch_steps && !decide)
        Py_RETURN_TRUE;
    if (!decide && t->steps + (uint64_t)k < s->cfg.switch_steps) {
        t->steps += (uint32_t)k;
        Py_RETURN_TRUE;
    }
    if (defer && !decide) {
        /* used up during this pass: CPython switches at its next eval-breaker
         * check, after a call of the next pass (cpy__due) or at this loop's
         * jump back, a function's entry, a block; sim_tick_point keeps a
         * full count until a point that switches */
        t->steps = s->cfg.switch_steps;
        Py_RETURN_TRUE;
    }
    if (s->cfg.switch_steps && k > 0) {
        uint64_t n = (uint64_t)t->steps + (uint64_t)k - 1; /* sim_tick_point counts the last */
        t->steps = n < s->cfg.switch_steps - 1 ? (uint32_t)n : s->cfg.switch_steps - 1;
    }
    if (decide)
        cpy_note_line();
    PyThreadState *ts = cpy_leave();
    sim_tick_point(s, true, decide);
    cpy_back(ts);
    Py_RETURN_TRUE;
}

static PyObject *cpy__tick(PyObject *m, PyObject *const *args, Py_ssize_t nargs)
{
    (void)m;
    return cpy__ticks(args, nargs, false);
}

static PyObject *cpy__tick_entry(PyObject *m, PyObject *const *args, Py_ssize_t nargs)
{
    (void)m;
    return cpy__ticks(args, nargs, true);
}

/* `due(f(x))`: a call in a loop of the program's own code, under the
 * default policy (ticks.py). CPython 3.11 checks its eval breaker after a
 * call it did not run inline: a thread whose switch interval ran out (its
 * loop's tick deferred the switch, cpy__ticks) switches here, in the middle
 * of the statement, with what it read before the call on its stack (`n = n
 * + abs(1)` loses updates, as under python3). Returns the call's result. */
static PyObject *cpy__due(PyObject *m, PyObject *const *args, Py_ssize_t nargs)
{
    (void)m;
    if (nargs != 1) {
        PyErr_SetString(PyExc_TypeError, "threadsim: due takes one value");
        return NULL;
    }
    model_world *w = model__world_or_null();
    sim_thread *st = w ? w->sched.current : NULL;
    if (st && w->sched.cfg.switch_steps && st->steps >= w->sched.cfg.switch_steps) {
        cpy_thr *thr = cpy__ticked_thr(st);
        if (thr && thr->tracing && !thr->count_only) {
            PyThreadState *ts = cpy_leave();
            sim_tick_point(&w->sched, true, false);
            cpy_back(ts);
        }
    }
    return Py_NewRef(args[0]);
}

static PyMethodDef due_def = {"due", (PyCFunction)(void (*)(void))cpy__due, METH_FASTCALL,
                              "threadsim: a call's switch point (ticks.py)."};

PyObject *cpy_due_function(void)
{
    return PyCFunction_NewEx(&due_def, NULL, NULL);
}

/* A builtin with METH_FASTCALL: its specialized call
 * (PRECALL_NO_KW_BUILTIN_FAST) is CPython's fastest and does not count
 * toward the recursion limit, so a recursion ends at a Python function's
 * entry with CPython's "maximum recursion depth exceeded". Before the
 * call is specialized (a code object's first 8 runs) it does count: a
 * recursion limit reached that early, only with a limit set a few frames
 * above the current depth, says "... while calling a Python object". A
 * callable type of its own (vectorcall, never counted) measured 12 ns a
 * call slower: 1.42x python3 on tools/bench/loop10m.py instead of 1.25x. */
static PyMethodDef tick_def = {"tick", (PyCFunction)(void (*)(void))cpy__tick, METH_FASTCALL,
                               "threadsim: the program's steps (ticks.py)."};

/* --choices cpython: the program's calls, `f(a, k=b)` compiled as
 * `call(f, a, k=b)` (ticks.py): after a call CPython 3.11 did not inline
 * (anything but a plain Python function's or a bound method of one, which
 * run in the caller's evaluation and switch only at their entry), its CALL
 * checks the eval breaker: a choice. A call that raised is none. */
static void cpy__after_call(void);

static bool cpy__inlined(PyObject *f)
{
    if (PyMethod_Check(f))
        f = PyMethod_GET_FUNCTION(f);
    return PyFunction_Check(f) &&
           !(((PyCodeObject *)PyFunction_GET_CODE(f))->co_flags &
             (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR));
}

static PyObject *cpy__call(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (nargs < 1) {
        PyErr_SetString(PyExc_TypeError, "threadsim: call needs a callable");
        return NULL;
    }
    PyObject *f = args[0];
    Py_INCREF(f); /* the call may drop the caller's last reference (a rebinding) */
    PyObject *r = PyObject_Vectorcall(f, args + 1, (size_t)(nargs - 1) | PY_VECTORCALL_ARGUMENTS_OFFSET,
                                      kwnames);
    bool inlined = cpy__inlined(f);
    Py_DECREF(f);
    if (r && !inlined)
        cpy__after_call();
    return r;
}

/* A call with *args or **kwargs is compiled as written, `after(f(*a))`:
 * CPython's CALL_FUNCTION_EX checks the eval breaker after any callee. */
static PyObject *cpy__after(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (nargs != 1 || kwnames) {
        PyErr_SetString(PyExc_TypeError, "threadsim: after takes one value");
        return NULL;
    }
    cpy__after_call();
    return Py_NewRef(args[0]);
}

/* The choice after a call (cpy__call, cpy__after). */
static void cpy__after_call(void)
{
    sim_sched *s = cpy.ro.cpython_points ? cpy__choice_here() : NULL;
    if (s)
        cpy__choose(s);
}

/* `call` and `after` are objects of a callable type of their own, called
 * by vectorcall: a builtin function's call counts toward the recursion
 * limit until CPython specializes its call site (its first runs), and a
 * recursion then ended sooner than python3's (989 calls deep, not 998),
 * "while calling a Python object". */
typedef struct cpy_caller {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    bool after;
} cpy_caller;

static PyObject *cpy__caller_call(PyObject *self, PyObject *const *args, size_t nargsf,
                                  PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    return ((cpy_caller *)self)->after ? cpy__after(args, nargs, kwnames)
                                       : cpy__call(args, nargs, kwnames);
}

static PyTypeObject cpy_caller_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "threadsim.call",
    .tp_basicsize = sizeof(cpy_caller),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_vectorcall_offset = offsetof(cpy_caller, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_doc = "threadsim: a call of the program's (ticks.py).",
};

PyObject *cpy_call_function(bool after)
{
    if (!(cpy_caller_type.tp_flags & Py_TPFLAGS_READY) && PyType_Ready(&cpy_caller_type) < 0)
        return NULL;
    cpy_caller *c = PyObject_New(cpy_caller, &cpy_caller_type);
    if (!c)
        return NULL;
    c->vectorcall = cpy__caller_call;
    c->after = after;
    return (PyObject *)c;
}

static PyMethodDef tick_entry_def = {"tick", (PyCFunction)(void (*)(void))cpy__tick_entry,
                                     METH_FASTCALL, "threadsim: the program's steps (ticks.py)."};

PyObject *cpy_tick_function(bool entry)
{
    return PyCFunction_NewEx(entry ? &tick_entry_def : &tick_def, NULL, NULL);
}

/* Code compiled with ticks: none of its frames is traced. */
static int cpy__ticked(PyObject *code)
{
    if (code_extra < 0 && (code_extra = _PyEval_RequestCodeExtraIndex(NULL)) < 0)
        return -1;
    if (_PyCode_SetExtra(code, code_extra, (void *)(CODE_UNTRACED | CODE_MINE)) < 0)
        return -1;
    PyObject *consts = ((PyCodeObject *)code)->co_consts;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(consts); i++)
        if (PyCode_Check(PyTuple_GET_ITEM(consts, i)) &&
            cpy__ticked(PyTuple_GET_ITEM(consts, i)) < 0)
            return -1;
    return 0;
}

int cpy_mark_ticked(PyObject *code) { return cpy__ticked(code); }

static PyObject *cpy__mark(PyObject *m, PyObject *code)
{
    (void)m;
    if (!PyCode_Check(code)) {
        PyErr_SetString(PyExc_TypeError, "threadsim: mark takes a code object");
        return NULL;
    }
    if (cpy__ticked(code) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef mark_def = {"mark", cpy__mark, METH_O, "threadsim: code compiled with ticks."};

PyObject *cpy_mark_function(void) { return PyCFunction_NewEx(&mark_def, NULL, NULL); }

void cpy_trace_scope(void)
{
    bool program_only = cpy_program_only();
    if (program_only && code_extra < 0)
        code_extra = _PyEval_RequestCodeExtraIndex(NULL);
    trace_program_only = program_only && code_extra >= 0;
    if (filter_on && !trace_program_only) {
        cpy__filter(false);
    }
}

/* The tracer costs CPython its specialized instructions (3-4x on a tight
 * loop), so it runs only while what it does can be observed: another
 * thread is alive (preemption, and random/PCT's choices at every line), a
 * timer is pending (a spinning thread must let time move so sleepers
 * wake), the program has read a clock (CPU time shows in its numbers), the
 * stepper wants every line, or limits on steps were asked for explicitly
 * by the policy. A lone thread computing with no clock to look at runs at
 * CPython's own speed; the rule depends only on the program's state, so
 * runs stay deterministic. */
static void cpy__count_only(cpy_thr *thr);

void cpy_trace_update(void)
{
    cpy_thr *thr = cpy_thr_current();
    if (!thr || !thr->ts || cpy.setup)
        return;
    sim_sched *s = model_sched();
    bool want = cpy.alive > 0 || cpy.clock_read || sim_timerq_peek(&s->timers) ||
                s->policy.every_step || cpy.ro.line_steps || cpy.ro.opcodes ||
                cpy.ro.exact_steps || thr->user_trace;
    /* (the tracer may have been switched on before this run's scope was
     * set: the program's standard-library imports, done in the zygote,
     * read a clock, as logging's does; the frame filter then still has
     * to be installed) */
    if (!want && !cpy.ticking) {
        /* a program not compiled with ticks (Python 2's, one that looks at
         * its own bytecode) counts its lines only through the tracer: a
         * thread it would leave untraced is traced count-only, from its
         * start, so --max-steps ends a runaway loop at the same step on
         * every run. (The watchdog did it after a second of wall time,
         * and the frame objects tracing makes moved every later address.) */
        if (!thr->tracing || !thr->count_only) {
            thr->last_frame = NULL;
            cpy__count_only(thr);
        }
        return;
    }
    if (want == thr->tracing && !(want && thr->count_only) &&
        !(want && trace_program_only && !filter_on))
        return;
    thr->tracing = want;
    thr->count_only = false;
    thr->last_frame = NULL;
    if (want && trace_program_only && !filter_on) {
        /* installed once the tracer is first needed: until then Python
         * calls stay inlined, as in CPython */
        cpy__filter(true);
    }
    PyEval_SetTrace(want ? cpy_trace : NULL, NULL);
    /* (a clock read by a loop of the program's, compiled with ticks: the
     * rest of that frame ran traced, its lines counted twice, at a third
     * of its speed) */
    if (want && filter_on)
        cpy_ts_trace_refresh();
}

/* The tracer in count-only mode for the current thread: its lines count
 * toward the run's limits only; no time is charged, no choice made, nobody
 * switched to. */
static void cpy__count_only(cpy_thr *thr)
{
    thr->tracing = true;
    thr->count_only = true;
    if (trace_program_only && !filter_on) {
        /* the program's own frames only (code compiled with ticks counts
         * itself: not traced twice) */
        cpy__filter(true);
    }
    PyEval_SetTrace(cpy_trace, NULL);
    if (filter_on)
        cpy_ts_trace_refresh();
}

/* The current thread's lines from now on count toward the run's limits
 * only (the interpreter's finalization, where CPython runs no other
 * thread). */
void cpy_trace_count_only(void)
{
    cpy_thr *thr = cpy.in_run ? cpy_thr_current() : NULL;
    if (thr && thr->ts)
        cpy__count_only(thr);
}

/* The watchdog: an alarm every second of wall time, whose pending call
 * (run at CPython's next eval-breaker point) ends what nothing else would
 * end: a --timeout passed in code that counts no lines (the standard
 * library's loops, untraced), and a traced frame spinning in place (`while
 * True: pass` on one line, a lone jump to itself that gives a tracer no
 * line event, so neither a step nor a switch ever comes; nothing the
 * program does is seen meanwhile, so stopping at the step limit then is
 * the same on every run). Otherwise it does nothing and allocates nothing:
 * a run is the same bytes however often the alarm fires
 * (test_watchdog_changes_no_schedule fires it every 50 us). It once read
 * the frame's bytecode with PyCode_GetCode, whose copy, cached on the code
 * object, moved every later address, and put the tracer on untraced
 * threads, whose frame objects did the same (cpy_trace_update counts
 * their lines now, from the start). */
static uintptr_t watchdog_gen; /* bumped when stopped: calls queued before do nothing */

static int cpy__count_on(void *arg)
{
    if ((uintptr_t)arg != watchdog_gen)
        return 0;
    cpy_thr *thr = cpy.in_run ? cpy_thr_current() : NULL;
    sim_sched *s = cpy.in_run ? model_sched() : NULL;
    if (!thr || !thr->ts)
        return 0;
    if (cpy.wall_deadline > 0 && cpy__wall() > cpy.wall_deadline)
        cpy__stop("timeout");
    if (cpy_ts_other_async_exc(thr->ts)) {
        /* stuck on another thread's async exception (cpy_tstate.h): let the
         * others run, as CPython's GIL switch would, and if none is ready,
         * let time pass to the next timer while this one spins; it makes no
         * progress meanwhile, so when the watchdog notices changes nothing */
        PyThreadState *ts = cpy_leave();
        sim_timer *next = sim_timerq_peek(&s->timers);
        if (s->rq_len)
            sim_yield(s);
        else if (next)
            sim_sleep(s, next->when - s->now);
        cpy_back(ts);
    }
    if (!thr->tracing) {
        if (!cpy.ticking && !cpy.setup) /* (cpy_trace_update did, unless in set-up) */
            cpy__count_only(thr);
    } else if (cpy_ts_jumps_to_itself()) {
        cpy__stop("step limit");
    }
    return 0;
}

static void cpy__on_alarm(int sig)
{
    (void)sig;
    int saved = errno;
    if (cpy.in_run) /* or at the next alarm */
        (void)cpy_ts_pending_call_from_signal(cpy__count_on, (void *)watchdog_gen);
    errno = saved;
}

/* The watchdog's period: a second. THREADSIM_TEST_WATCHDOG_US (read
 * before the child's environment is cleared) shortens it for the test that
 * checks that when it fires changes no schedule (test_explore); nothing
 * else reads it. */
static long watchdog_us = 1000000;

void cpy_watchdog_init(void)
{
    const char *e = getenv("THREADSIM_TEST_WATCHDOG_US");
    long v = e ? strtol(e, NULL, 10) : 0;
    if (v > 0 && v <= 1000000)
        watchdog_us = v;
}

void cpy_watchdog_start(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = cpy__on_alarm;
    /* on the fault handlers' own stack: a signal frame pushed on a green
     * thread's stack near one of its guard pages (the soft guard a deep
     * call grows through, or the end) would make the kernel kill the
     * delivery with a SIGSEGV at no address, at a wall-clock moment */
    sa.sa_flags = SA_RESTART | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    /* set only if it is not already: a reset takes its runner back to a
     * snapshot that has it, and reads every signal's handler again only
     * after a run that set one (cpy_snap.c, proc__bump) */
    struct sigaction now;
    if (sigaction(SIGALRM, NULL, &now) != 0 || now.sa_handler != cpy__on_alarm ||
        ((unsigned)now.sa_flags & (unsigned)(SA_RESTART | SA_ONSTACK | SA_SIGINFO | SA_RESETHAND)) !=
            (unsigned)sa.sa_flags)
        sigaction(SIGALRM, &sa, NULL);
    struct timeval period = {watchdog_us / 1000000, watchdog_us % 1000000};
    struct itimerval it = {period, period};
    setitimer(ITIMER_REAL, &it, NULL);
}

/* No alarm from now on, none pending, and a call queued by one (not yet
 * run) does nothing: around a snapshot (cpy_run.c), which an alarm's
 * handler writing to the interpreter while its memory is registered and
 * copied would make a state no run has (reset runs died of a SIGSEGV). */
void cpy_watchdog_stop(void)
{
    sigset_t al, old;
    sigemptyset(&al);
    sigaddset(&al, SIGALRM);
    sigprocmask(SIG_BLOCK, &al, &old);
    struct itimerval zero;
    memset(&zero, 0, sizeof zero);
    setitimer(ITIMER_REAL, &zero, NULL);
    struct timespec now = {0, 0};
    while (sigtimedwait(&al, NULL, &now) == SIGALRM)
        ;
    watchdog_gen++;
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* cpy_ts_frame_vars' visitor for cpy_note_name: the name of a variable
 * holding `obj`, or (attrs) of one whose instance attribute holds it */
typedef struct {
    PyObject *obj;
    bool attrs;
    int seen;
    char *name;
} cpy__name_q;

static int cpy__name_match(PyObject *k, PyObject *v, cpy__name_q *q)
{
    if (v != q->obj || !PyUnicode_Check(k))
        return 0;
    const char *kn = PyUnicode_AsUTF8(k);
    q->name = kn ? strdup(kn) : NULL;
    return 1;
}

static int cpy__name_attr(PyObject *k, PyObject *v, void *ud)
{
    cpy__name_q *q = ud;
    if (q->seen++ >= 512) /* a huge instance dict: looked at in part, as a namespace */
        return 1;
    return cpy__name_match(k, v, q);
}

static int cpy__name_var(PyObject *k, PyObject *v, void *ud)
{
    cpy__name_q *q = ud;
    if (q->seen++ >= 512)
        return 1;
    if (!PyUnicode_Check(k))
        return 0;
    if (!q->attrs)
        return cpy__name_match(k, v, q);
    if (PyModule_Check(v) || PyType_Check(v))
        return 0;
    cpy__name_q in = {q->obj, false, 0, NULL};
    cpy_ts_obj_attrs(v, cpy__name_attr, &in);
    if (!in.name)
        return 0;
    const char *kn = PyUnicode_AsUTF8(k);
    q->name = kn ? model__xasprintf("%s.%s", kn, in.name) : NULL;
    free(in.name);
    return 1;
}

void cpy_note_name(const char *reason, PyObject *obj)
{
    if (!cpy.in_run || !cpy.ro.access_notes || !cpy.ro.line_notes)
        return;
    /* the innermost frame of the program itself (not the library's), read
     * in place: no frame objects, no locals dict made (cpy_tstate.h) */
    PyCodeObject *co;
    const cpy_ts_frame *f = cpy_ts_frame_find(cpy__mine_code, &co);
    char *name = NULL;
    for (int pass = 0; f && !name && pass < 2; pass++) {
        cpy__name_q q = {obj, pass == 1, 0, NULL};
        cpy_ts_frame_vars(f, cpy__name_var, &q);
        PyObject *glob = cpy_ts_frame_globals(f);
        if (!q.name && glob && PyDict_Check(glob)) {
            q.seen = 0;
            Py_ssize_t pos = 0;
            PyObject *k, *v;
            while (!q.name && PyDict_Next(glob, &pos, &k, &v) && !cpy__name_var(k, v, &q))
                ;
        }
        name = q.name;
    }
    PyErr_Clear();
    if (!name)
        return; /* one the program has no name for: threading's own */
    char buf[300];
    int len = snprintf(buf, sizeof buf, "%s %s", reason, name);
    free(name);
    cpy__note("lock", buf, len < (int)sizeof buf ? len : (int)sizeof buf - 1);
}

static bool cpy__line_code(PyCodeObject *co)
{
    const char *fn = PyUnicode_AsUTF8(co->co_filename);
    return fn && fn[0] != '<' && !(cpy.stdlib && strncmp(fn, cpy.stdlib, cpy.stdlib_len) == 0);
}

void cpy_note_line(void)
{
    if (!cpy.ro.line_notes || !cpy.in_run)
        return;
    cpy_thr *thr = cpy_thr_current();
    if (!thr)
        return;
    /* the innermost frame of the program itself (not the library's), read
     * in place: no frame objects made (cpy_tstate.h) */
    PyCodeObject *co;
    const cpy_ts_frame *f = cpy_ts_frame_find(cpy__line_code, &co);
    PyErr_Clear();
    if (!f)
        return;
    int line = cpy_ts_frame_line(f);
    const char *fn = PyUnicode_AsUTF8(co->co_filename);
    if (line != thr->noted_line && fn) {
        thr->noted_line = line;
        char buf[4200];
        int len = snprintf(buf, sizeof buf, "%s:%d", fn, line);
        if (len >= (int)sizeof buf)
            len = (int)sizeof buf - 1;
        sim_sched *s = model_sched();
        sim_event ev = {.kind = SIM_EV_NOTE, .thread = s->current ? s->current->id : SIM_NONE,
                        .other = SIM_NONE, .obj = SIM_NONE, .reason = "line", .text = buf,
                        .len = (size_t)len};
        sim_emit(s, &ev);
    }
    PyErr_Clear();
}

/* sys.settrace(f) / sys.gettrace(): the program's trace function rides on
 * the engine's tracer (installing its own would stop preemption, steps and
 * the clock there); per thread, as CPython's. */
static PyObject *sys_settrace(PyObject *m, PyObject *fn)
{
    (void)m;
    cpy_thr *thr = cpy.in_run ? cpy_thr_current() : NULL;
    if (!thr) {
        PyErr_SetString(PyExc_RuntimeError, "threadsim: sys.settrace outside the run");
        return NULL;
    }
    Py_XSETREF(thr->user_trace, fn == Py_None ? NULL : (Py_INCREF(fn), fn));
    if (thr->user_trace)
        cpy.user_traced = true;
    cpy_trace_update();
    Py_RETURN_NONE;
}

static PyObject *sys_gettrace(PyObject *m, PyObject *u)
{
    (void)m;
    (void)u;
    cpy_thr *thr = cpy.in_run ? cpy_thr_current() : NULL;
    PyObject *r = thr && thr->user_trace ? thr->user_trace : Py_None;
    Py_INCREF(r);
    return r;
}

static PyMethodDef sys_methods[] = {
    {"settrace", sys_settrace, METH_O, "Set the program's trace function (threadsim)."},
    {"gettrace", sys_gettrace, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

/* os._exit(n): the events the run has made so far reach the caller first
 * (the pipe's buffer is sent), then the process ends with status n, as
 * CPython's does: no cleanup, and what the program left unflushed in a
 * stream (a partial line) is lost, as it would be. */
static PyObject *os_exit(PyObject *m, PyObject *args, PyObject *kw)
{
    (void)m;
    static char *kwlist[] = {"status", NULL};
    int status;
    /* (CPython's argument errors: "_exit() missing required argument
     * 'status' (pos 1)") */
    if (!PyArg_ParseTupleAndKeywords(args, kw, "i:_exit", kwlist, &status))
        return NULL;
    cpy_exit_now(status);
    Py_RETURN_NONE; /* not reached */
}

static PyMethodDef os_methods[] = {
    {"_exit", (PyCFunction)(void (*)(void))os_exit, METH_VARARGS | METH_KEYWORDS,
     "Exit to the system with the given status, without cleanup."},
    {NULL, NULL, 0, NULL},
};

/* ---- installation ------------------------------------------------------------------ */

/* defs into module mod, as functions of module `modname` (CPython's
 * __module__: an argument error names "time.sleep()") */
static int io__patch(PyObject *mod, PyMethodDef *defs, const char *modname)
{
    PyObject *name = PyUnicode_FromString(modname);
    if (!name)
        return -1;
    for (PyMethodDef *d = defs; d->ml_name; d++) {
        /* the C function's own docstring and signature (help(time.sleep),
         * inspect.signature) where the module has one */
        PyObject *orig = PyObject_GetAttrString(mod, d->ml_name);
        if (orig && PyCFunction_Check(orig))
            d->ml_doc = ((PyCFunctionObject *)orig)->m_ml->ml_doc;
        Py_XDECREF(orig);
        PyErr_Clear();
        PyObject *fn = PyCFunction_NewEx(d, NULL, name);
        if (!fn || PyObject_SetAttrString(mod, d->ml_name, fn) < 0) {
            Py_XDECREF(fn);
            Py_DECREF(name);
            return -1;
        }
        Py_DECREF(fn);
    }
    Py_DECREF(name);
    return 0;
}

int cpy_io_install(void)
{
    PyTypeObject *stream_type = (PyTypeObject *)PyType_FromSpec(&stream_spec);
    if (!stream_type || !(sbuf_type = (PyTypeObject *)PyType_FromSpec(&sbuf_spec)) ||
        !(sraw_type = (PyTypeObject *)PyType_FromSpec(&sraw_spec)))
        return -1;
    for (int fd = 1; fd <= 2; fd++) {
        cpy_stream *s = PyObject_New(cpy_stream, stream_type);
        if (!s)
            return -1;
        s->fd = fd;
        memset(&s->pending, 0, sizeof s->pending);
        memset(&s->raw, 0, sizeof s->raw);
        s->closed = s->detached = false;
        s->enc[0] = s->err[0] = '\0';
        s->encoder = NULL;
        s->layer[LAYER_BUFFER] = s->layer[LAYER_RAW] = NULL;
        s->raw_detached = s->fd_closed = false;
        /* as CPython's create_stdio: stderr line-buffered (stdout only on a
         * terminal: --tty), both written through under -u */
        s->line_buffering = (fd == 2 || cpy.ro.tty) && !cpy.ro.unbuffered;
        s->write_through = cpy.ro.unbuffered;
        cpy__out[fd] = s;
        const char *n = fd == 1 ? "stdout" : "stderr";
        char dn[16];
        snprintf(dn, sizeof dn, "__%s__", n);
        if (PySys_SetObject(n, (PyObject *)s) < 0 || PySys_SetObject(dn, (PyObject *)s) < 0)
            return -1;
    }
    PyObject *tm = PyImport_ImportModule("time");
    if (!tm)
        return -1;
    static const char *const orig[] = {"localtime", "gmtime", "ctime", "asctime", "strftime"};
    for (int i = 0; i < 5; i++)
        if (!(t_orig[i] = PyObject_GetAttrString(tm, orig[i]))) {
            Py_DECREF(tm);
            return -1;
        }
    int rc = io__patch(tm, time_methods, "time");
    Py_DECREF(tm);
    PyObject *sys = PyImport_ImportModule("sys");
    if (rc == 0 && (!sys || io__patch(sys, sys_methods, "sys") < 0))
        rc = -1;
    Py_XDECREF(sys);
    PyObject *os = rc == 0 ? PyImport_ImportModule("os") : NULL;
    if (rc == 0 && (!os || io__patch(os, os_methods, "posix") < 0))
        rc = -1;
    Py_XDECREF(os);
    return rc;
}
