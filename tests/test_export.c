/*
 * tests/test_export.c — the exports: Chrome trace JSON parsed (by the small
 * JSON reader below) and checked for structure and content, byte stability,
 * JSON Lines, the text view, the html page's self-containment and escaping,
 * the CLI over the store, and the html page rendered by headless Chromium,
 * its screenshot checked for the lanes (pixel colours, where they should be).
 */
#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"
#include "tools/scenarios/scenario.h"
#include "traces/export.h"

/* ---- a small JSON reader (enough to check the structure) ------------------- */

typedef enum jkind { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jkind;

typedef struct jval {
    jkind kind;
    double num;
    bool b;
    char *str;                /* J_STR: decoded UTF-8 */
    struct jval **items;      /* J_ARR, J_OBJ: values */
    char **keys;              /* J_OBJ: keys */
    size_t n;
} jval;

static bool jquiet;           /* the reader's own test expects errors */

typedef struct jparser {
    const char *p;
    bool bad;
} jparser;

static void jfree(jval *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++) {
        jfree(v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    free(v);
}

static void jws(jparser *j)
{
    while (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t')
        j->p++;
}

static char *jstring(jparser *j)
{
    if (*j->p != '"') {
        j->bad = true;
        return NULL;
    }
    j->p++;
    sim_buf b = {0};
    while (*j->p && *j->p != '"') {
        unsigned char c = (unsigned char)*j->p++;
        if (c < 0x20) {
            j->bad = true;
            break;
        }
        if (c != '\\') {
            sim_buf_addc(&b, (char)c);
            continue;
        }
        if (!*j->p) {
            j->bad = true;
            break;
        }
        char e = *j->p++;
        switch (e) {
        case '"': sim_buf_addc(&b, '"'); break;
        case '\\': sim_buf_addc(&b, '\\'); break;
        case '/': sim_buf_addc(&b, '/'); break;
        case 'n': sim_buf_addc(&b, '\n'); break;
        case 'r': sim_buf_addc(&b, '\r'); break;
        case 't': sim_buf_addc(&b, '\t'); break;
        case 'b': sim_buf_addc(&b, '\b'); break;
        case 'f': sim_buf_addc(&b, '\f'); break;
        case 'u': {
            unsigned cp = 0;
            for (int i = 0; i < 4; i++) {
                char h = *j->p;
                if (h)
                    j->p++;
                cp <<= 4;
                if (h >= '0' && h <= '9') cp |= (unsigned)(h - '0');
                else if (h >= 'a' && h <= 'f') cp |= (unsigned)(h - 'a' + 10);
                else if (h >= 'A' && h <= 'F') cp |= (unsigned)(h - 'A' + 10);
                else j->bad = true;
            }
            if (cp < 0x80) {
                sim_buf_addc(&b, (char)cp);
            } else if (cp < 0x800) {
                sim_buf_addc(&b, (char)(0xC0 | cp >> 6));
                sim_buf_addc(&b, (char)(0x80 | (cp & 0x3F)));
            } else {
                sim_buf_addc(&b, (char)(0xE0 | cp >> 12));
                sim_buf_addc(&b, (char)(0x80 | ((cp >> 6) & 0x3F)));
                sim_buf_addc(&b, (char)(0x80 | (cp & 0x3F)));
            }
            break;
        }
        default: j->bad = true; break;
        }
    }
    if (*j->p != '"')
        j->bad = true;
    else
        j->p++;
    return sim_buf_take(&b);
}

static jval *jvalue(jparser *j);

static void jpush(jval *v, char *key, jval *item)
{
    v->items = realloc(v->items, (v->n + 1) * sizeof *v->items);
    if (v->kind == J_OBJ)
        v->keys = realloc(v->keys, (v->n + 1) * sizeof *v->keys), v->keys[v->n] = key;
    v->items[v->n++] = item;
}

static jval *jvalue(jparser *j)
{
    jws(j);
    jval *v = calloc(1, sizeof *v);
    char c = *j->p;
    if (c == '{' || c == '[') {
        v->kind = c == '{' ? J_OBJ : J_ARR;
        char close = c == '{' ? '}' : ']';
        j->p++;
        jws(j);
        if (*j->p == close) {
            j->p++;
            return v;
        }
        for (;;) {
            char *key = NULL;
            if (v->kind == J_OBJ) {
                jws(j);
                key = jstring(j);
                jws(j);
                if (j->bad || *j->p != ':') {
                    j->bad = true;
                    free(key);
                    return v;
                }
                j->p++;
            }
            jpush(v, key, jvalue(j));
            jws(j);
            if (j->bad)
                return v;
            if (*j->p == ',') {
                j->p++;
                continue;
            }
            if (*j->p == close) {
                j->p++;
                return v;
            }
            j->bad = true;
            return v;
        }
    }
    if (c == '"') {
        v->kind = J_STR;
        v->str = jstring(j);
    } else if (strncmp(j->p, "true", 4) == 0 || strncmp(j->p, "false", 5) == 0) {
        v->kind = J_BOOL;
        v->b = c == 't';
        j->p += v->b ? 4 : 5;
    } else if (strncmp(j->p, "null", 4) == 0) {
        v->kind = J_NULL;
        j->p += 4;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        char *end;
        v->kind = J_NUM;
        v->num = strtod(j->p, &end);
        j->p = end;
    } else {
        j->bad = true;
    }
    return v;
}

/* Parse a whole document; NULL if it is not exactly one JSON value. */
static jval *jparse(const char *s)
{
    jparser j = {s, false};
    jval *v = jvalue(&j);
    jws(&j);
    if (j.bad || *j.p) {
        if (!jquiet)
            fprintf(stderr, "\nJSON error near: %.60s\n", j.p);
        jfree(v);
        return NULL;
    }
    return v;
}

static const jval *jget(const jval *o, const char *key)
{
    if (!o || o->kind != J_OBJ)
        return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->keys[i], key) == 0)
            return o->items[i];
    return NULL;
}

static const char *jstr(const jval *o, const char *key)
{
    const jval *v = jget(o, key);
    return v && v->kind == J_STR ? v->str : NULL;
}

static bool jnum(const jval *o, const char *key, double *out)
{
    const jval *v = jget(o, key);
    if (!v || v->kind != J_NUM)
        return false;
    *out = v->num;
    return true;
}

/* item i of array a: its string, its number */
static const char *jstr_at(const jval *a, size_t i)
{
    return a && a->kind == J_ARR && i < a->n && a->items[i]->kind == J_STR ? a->items[i]->str
                                                                          : NULL;
}

static bool jnum_at(const jval *a, size_t i, double *out)
{
    if (!a || a->kind != J_ARR || i >= a->n || a->items[i]->kind != J_NUM)
        return false;
    *out = a->items[i]->num;
    return true;
}

static void test_json_reader(void)
{
    jval *v = jparse("{\"a\":[1,2.5,-3e2],\"b\":\"x\\u00e9\\n\",\"c\":null,\"d\":true}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    CU_ASSERT_EQUAL(jget(v, "a")->n, 3);
    CU_ASSERT_DOUBLE_EQUAL(jget(v, "a")->items[2]->num, -300, 1e-9);
    TS_ASSERT_STR_EQ(jstr(v, "b"), "x\xc3\xa9\n");
    CU_ASSERT_EQUAL(jget(v, "c")->kind, J_NULL);
    jfree(v);
    const char *bad[] = {"{", "[1,]", "{\"a\" 1}", "\"\\x\"", "[1] 2", "{\"a\":tru}"};
    jquiet = true;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CU_ASSERT_PTR_NULL(jparse(bad[i]));
    jquiet = false;
}

/* ---- helpers --------------------------------------------------------------- */

static void run_scenario(const char *name, trace *tr)
{
    const ts_scenario *sc = ts_scenario_find(name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    model_opts o = model_opts_default();
    o.python = sc->python;
    ts_run_traced(&o, sc->main, NULL, tr);
}

static char *export_of_clock(const char *name, trace_export_format f, bool step_clock,
                             bool clock_auto)
{
    trace tr;
    run_scenario(name, &tr);
    trace_export_meta m = {.title = name, .subtitle = "test", .step_clock = step_clock,
                           .clock_auto = clock_auto};
    sim_buf b = {0};
    trace_export(&b, f, &tr, &m);
    trace_fini(&tr);
    return sim_buf_take(&b);
}

static char *export_of(const char *name, trace_export_format f, bool step_clock)
{
    return export_of_clock(name, f, step_clock, false);
}

/* ---- chrome ---------------------------------------------------------------- */

static void test_chrome_structure(void)
{
    char *s = export_of("daemon-join/join", TRACE_EXPORT_CHROME, false);
    jval *doc = jparse(s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_EQUAL(doc->kind, J_OBJ);
    TS_ASSERT_STR_EQ(jstr(jget(doc, "otherData"), "clock"), "virtual microseconds");
    const jval *evs = jget(doc, "traceEvents");
    CU_ASSERT_PTR_NOT_NULL_FATAL(evs);
    CU_ASSERT_EQUAL_FATAL(evs->kind, J_ARR);
    const char *names[4] = {NULL};
    size_t nX = 0, nout = 0, starts = 0, ends = 0;
    double flow_s[16], flow_f[16];
    double s_tid[16], f_tid[16];
    bool saw_join = false, saw_sleep = false;
    for (size_t i = 0; i < evs->n; i++) {
        const jval *e = evs->items[i];
        CU_ASSERT_EQUAL_FATAL(e->kind, J_OBJ);
        const char *ph = jstr(e, "ph"), *name = jstr(e, "name");
        double pid, tid, ts, dur, id = 0;
        CU_ASSERT_PTR_NOT_NULL_FATAL(ph);
        CU_ASSERT_PTR_NOT_NULL_FATAL(name);
        CU_ASSERT_TRUE(jnum(e, "pid", &pid) && pid == 1);
        CU_ASSERT_TRUE_FATAL(jnum(e, "tid", &tid));
        if (strcmp(ph, "M") == 0) {
            CU_ASSERT_FALSE(jnum(e, "ts", &ts));
            if (strcmp(name, "thread_name") == 0 && tid >= 1 && tid <= 3)
                names[(int)tid] = jstr(jget(e, "args"), "name");
            continue;
        }
        CU_ASSERT_TRUE_FATAL(jnum(e, "ts", &ts));
        CU_ASSERT_TRUE(ts >= 0 && ts <= 5000000);
        CU_ASSERT_TRUE(tid >= 1 && tid <= 3);
        const jval *args = jget(e, "args");
        if (strcmp(ph, "X") == 0) {
            nX++;
            CU_ASSERT_TRUE(jnum(e, "dur", &dur) && dur >= 0 && ts + dur <= 5000000);
            CU_ASSERT_PTR_NOT_NULL(jstr(args, "state"));
            double a, b;
            CU_ASSERT_TRUE(jnum(args, "from_event", &a) && jnum(args, "to_event", &b) && a < b);
            if (strcmp(name, "blocked: join") == 0) {
                saw_join = true;
                CU_ASSERT_EQUAL(tid, 1); /* MainThread */
                TS_ASSERT_STR_EQ(jstr(args, "reason"), "join");
                TS_ASSERT_STR_EQ(jstr(args, "object"), "Thread daemon");
                CU_ASSERT_EQUAL(ts, 0);
                CU_ASSERT_EQUAL(dur, 5000000);
                CU_ASSERT_EQUAL(jget(args, "deadline_ns")->kind, J_NULL);
            }
            if (strcmp(name, "sleeping") == 0) {
                saw_sleep = true;
                CU_ASSERT_EQUAL(tid, 3);
                CU_ASSERT_TRUE(jnum(args, "deadline_ns", &dur) && dur == 5e9);
            }
        } else if (strcmp(ph, "i") == 0) {
            const char *cat = jstr(e, "cat");
            CU_ASSERT_PTR_NOT_NULL_FATAL(cat);
            if (strcmp(cat, "output") == 0) {
                nout++;
                TS_ASSERT_STR_EQ(jstr(args, "stream"), "stderr");
                const char *text = jstr(args, "text");
                CU_ASSERT_TRUE(text && strncmp(text, name, strlen(name)) == 0);
                CU_ASSERT_TRUE(text && strcmp(text + strlen(name), "\n") == 0);
            }
        } else if (strcmp(ph, "s") == 0 || strcmp(ph, "f") == 0) {
            CU_ASSERT_TRUE_FATAL(jnum(e, "id", &id));
            CU_ASSERT_TRUE_FATAL(id >= 1 && id < 16);
            if (ph[0] == 's')
                flow_s[(int)id] = ts, s_tid[(int)id] = tid, starts++;
            else
                flow_f[(int)id] = ts, f_tid[(int)id] = tid, ends++;
        } else {
            CU_FAIL("unexpected phase");
        }
    }
    TS_ASSERT_STR_EQ(names[1], "MainThread");
    TS_ASSERT_STR_EQ(names[2], "non-daemon");
    TS_ASSERT_STR_EQ(names[3], "daemon");
    CU_ASSERT_TRUE(saw_join);
    CU_ASSERT_TRUE(saw_sleep);
    CU_ASSERT_EQUAL(nout, 4);
    CU_ASSERT_TRUE(nX >= 10);
    /* one wake-up: the daemon, finishing at 5 s, wakes main's join */
    CU_ASSERT_EQUAL(starts, 1);
    CU_ASSERT_EQUAL(ends, 1);
    CU_ASSERT_EQUAL(flow_s[1], 5000000);
    CU_ASSERT_EQUAL(flow_f[1], 5000000);
    CU_ASSERT_EQUAL(s_tid[1], 3);
    CU_ASSERT_EQUAL(f_tid[1], 1);
    jfree(doc);
    free(s);
}

/* With no --clock: a run mostly at one instant (create/args: three threads
 * print at t=0) is numbered by event, says so, and every state span has a
 * width; a run whose clock moves at most events keeps virtual time. */
static void test_chrome_auto_clock(void)
{
    char *s = export_of_clock("create/args", TRACE_EXPORT_CHROME, false, true);
    jval *doc = jparse(s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    TS_ASSERT_STR_EQ(jstr(jget(doc, "otherData"), "clock"), "event number");
    CU_ASSERT_PTR_NOT_NULL(strstr(jstr(jget(doc, "otherData"), "clock_note"), "--clock time"));
    const jval *evs = jget(doc, "traceEvents");
    size_t spans = 0;
    for (size_t i = 0; i < evs->n; i++) {
        const jval *e = evs->items[i];
        double dur;
        if (strcmp(jstr(e, "ph"), "X") == 0) {
            CU_ASSERT_TRUE(jnum(e, "dur", &dur) && dur > 0);
            spans++;
        }
    }
    CU_ASSERT_TRUE(spans >= 3);
    jfree(doc);
    /* the same run with virtual time: its spans have no width */
    char *t = export_of_clock("create/args", TRACE_EXPORT_CHROME, false, false);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "\"dur\":0,"));
    CU_ASSERT_PTR_NULL(strstr(t, "clock_note"));
    free(t);
    free(s);
}

/* The same run exports to the same bytes; the step clock numbers by event. */
static void test_chrome_byte_stable_and_step_clock(void)
{
    char *a = export_of("daemon-join/join-timeout-3", TRACE_EXPORT_CHROME, false);
    char *b = export_of("daemon-join/join-timeout-3", TRACE_EXPORT_CHROME, false);
    TS_ASSERT_STR_EQ(a, b);
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "\"name\":\"blocked: join\",\"cat\":\"state\",\"ph\":\"X\",\"ts\":0,"
                                     "\"pid\":1,\"tid\":1,\"dur\":3000000,"));
    char *s = export_of("daemon-join/join-timeout-3", TRACE_EXPORT_CHROME, true);
    jval *doc = jparse(s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    TS_ASSERT_STR_EQ(jstr(jget(doc, "otherData"), "clock"), "event number");
    const jval *evs = jget(doc, "traceEvents");
    size_t outputs = 0;
    for (size_t i = 0; i < evs->n; i++) {
        const jval *e = evs->items[i];
        double ts, ev;
        if (strcmp(jstr(e, "ph"), "i") == 0 && jnum(jget(e, "args"), "event", &ev)) {
            CU_ASSERT_TRUE(jnum(e, "ts", &ts) && ts == ev);
            outputs++;
        }
    }
    CU_ASSERT_TRUE(outputs >= 4);
    jfree(doc);
    free(a);
    free(b);
    free(s);
}

static void test_json_lines_and_text(void)
{
    trace tr;
    run_scenario("daemon-join/no-join", &tr);
    trace_export_meta m = {.title = "t"};
    sim_buf b = {0};
    trace_export(&b, TRACE_EXPORT_JSON, &tr, &m);
    size_t n = 0;
    for (char *line = b.p, *nl; line && (nl = strchr(line, '\n')); line = nl + 1) {
        *nl = '\0';
        jval *v = jparse(line);
        CU_ASSERT_PTR_NOT_NULL_FATAL(v);
        double seq;
        CU_ASSERT_TRUE(jnum(v, "seq", &seq) && seq == (double)(n + 1));
        CU_ASSERT_PTR_NOT_NULL(jstr(v, "kind"));
        jfree(v);
        n++;
    }
    CU_ASSERT_EQUAL(n, tr.n);
    sim_buf_free(&b);
    trace_export(&b, TRACE_EXPORT_TEXT, &tr, &m);
    char *full = ts_full(&tr);
    TS_ASSERT_STR_EQ(b.p, full);
    free(full);
    sim_buf_free(&b);
    trace_fini(&tr);
}

/* ---- html ------------------------------------------------------------------ */

static void test_html_self_contained(void)
{
    char *s = export_of("daemon-join/join", TRACE_EXPORT_HTML, false);
    CU_ASSERT_EQUAL(strncmp(s, "<!DOCTYPE html>", 15), 0);
    CU_ASSERT_PTR_NULL(strstr(s, "src="));
    CU_ASSERT_PTR_NULL(strstr(s, "href="));
    CU_ASSERT_PTR_NULL(strstr(s, "@import"));
    for (const char *p = s; (p = strstr(p, "url(")); p++)
        CU_ASSERT_EQUAL(p[4], '#'); /* only references within the page */
    /* the only URL is the SVG namespace name, which is never fetched */
    for (const char *p = s; (p = strstr(p, "http")); p++)
        CU_ASSERT_EQUAL(strncmp(p, "http://www.w3.org/2000/svg", 26), 0);
    /* the run's data is there: the lanes' names, the output, the slider */
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"name\":\"non-daemon\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "(daemon   ) Exiting"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "type=\"range\""));
    char *again = export_of("daemon-join/join", TRACE_EXPORT_HTML, false);
    TS_ASSERT_STR_EQ(s, again);
    free(again);
    free(s);
}

/* Text from the program cannot end the script element. */
static void test_html_escapes_program_text(void)
{
    trace tr;
    trace_init(&tr);
    sim_event ev = {.seq = 1, .kind = SIM_EV_CREATE, .thread = SIM_NONE, .other = 0,
                    .obj = 1, .text = "Main</script>", .len = 13};
    trace_add(&tr, &ev);
    const char *out = "</script><script>alert(1)</script>\n";
    sim_event o = {.seq = 2, .kind = SIM_EV_OUTPUT, .thread = 0, .other = SIM_NONE,
                   .obj = SIM_NONE, .arg = 1, .text = out, .len = strlen(out)};
    trace_add(&tr, &o);
    trace_export_meta m = {.title = "<b>x</b>", .subtitle = NULL};
    sim_buf b = {0};
    trace_export(&b, TRACE_EXPORT_HTML, &tr, &m);
    const char *data = strstr(b.p, "var RUN = ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    const char *end = strstr(data, "</script>");
    CU_ASSERT_PTR_NOT_NULL_FATAL(end);
    /* the first </script> after the data is the template's own */
    CU_ASSERT_EQUAL(strncmp(end - 2, ";\n</script>", 11), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(data, "\\u003c/script>\\u003cscript>alert(1)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(data, "\"title\":\"\\u003cb>x\\u003c/b>\""));
    sim_buf_free(&b);
    trace_fini(&tr);
}

/* A long run (bench/pingpong: 1.24M events, 4000 threads) keeps its first
 * and last 4000 events in full and one summary slot between them; threads
 * seen only inside it get no lane; the page says so. (It was 92 MB.) */
static void test_html_long_run_summarized(void)
{
    char *s = export_of("bench/pingpong", TRACE_EXPORT_HTML, false);
    CU_ASSERT_TRUE_FATAL(s != NULL);
    CU_ASSERT_TRUE(strlen(s) < 2u << 20);
    const char *data = strstr(s, "var RUN = ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    data += 10;
    const char *end = strstr(data, ";\n</script>");
    CU_ASSERT_PTR_NOT_NULL_FATAL(end);
    char *js = strndup(data, (size_t)(end - data));
    jval *doc = jparse(js);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    double total, n;
    CU_ASSERT_TRUE(jnum(doc, "total", &total) && total > 1000000);
    CU_ASSERT_TRUE(jnum(doc, "n", &n) && n == 8001);
    CU_ASSERT_EQUAL(jget(doc, "events")->n, 8001);
    CU_ASSERT_PTR_NOT_NULL(strstr(jstr(doc, "note"), "summarized in one slot"));
    const jval *sum = jget(doc, "events")->items[4000];
    CU_ASSERT_PTR_NOT_NULL(strstr(jstr_at(sum, 4), "are summarized here"));
    CU_ASSERT_TRUE(jget(doc, "threads")->n < 200);
    /* the slots after the summary are the run's last events */
    const jval *last = jget(doc, "events")->items[8000];
    double seq;
    CU_ASSERT_TRUE(jnum_at(last, 0, &seq) && seq == total);
    jfree(doc);
    free(js);
    free(s);
}

/* ---- the command ------------------------------------------------------------- */

static void test_cli_export(void)
{
    char dir[] = "/tmp/threadsim-export-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char cmd[2048];
    int st;
    snprintf(cmd, sizeof cmd, "%s run daemon-join/join --db %s/t.db 2>/dev/null",
             THREADSIM_BINARY, dir);
    free(ts_capture(cmd, &st));
    CU_ASSERT_EQUAL(st, 0);
    /* stored run and a fresh run of the scenario: the same events */
    snprintf(cmd, sizeof cmd, "%s export last --db %s/t.db --format chrome", THREADSIM_BINARY, dir);
    char *stored = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 0);
    snprintf(cmd, sizeof cmd, "%s export --scenario daemon-join/join -f chrome", THREADSIM_BINARY);
    char *fresh = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 0);
    const char *a = strstr(stored, "\"traceEvents\""), *b = strstr(fresh, "\"traceEvents\"");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    TS_ASSERT_STR_EQ(a, b);
    CU_ASSERT_PTR_NOT_NULL(strstr(stored, "\"subtitle\":\"run 1 · policy fifo · seed 0 · ok\""));
    free(stored);
    free(fresh);
    /* text = run --trace; -o writes a file */
    snprintf(cmd, sizeof cmd, "%s export 1 --db %s/t.db --format text -o %s/t.txt && cat %s/t.txt",
             THREADSIM_BINARY, dir, dir, dir);
    char *text = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 0);
    snprintf(cmd, sizeof cmd, "%s run daemon-join/join --trace --no-db", THREADSIM_BINARY);
    char *full = ts_capture(cmd, &st);
    TS_ASSERT_STR_EQ(text, full);
    free(text);
    free(full);
    /* a Python program exports like a scenario: text = run --trace, with its
     * file:line notes */
    snprintf(cmd, sizeof cmd, "%s export --scenario %s/traces/py/daemon_join_join.py -f text",
             THREADSIM_BINARY, THREADSIM_SOURCE_DIR);
    text = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 0);
    snprintf(cmd, sizeof cmd, "%s run %s/traces/py/daemon_join_join.py --trace --no-db",
             THREADSIM_BINARY, THREADSIM_SOURCE_DIR);
    full = ts_capture(cmd, &st);
    TS_ASSERT_STR_EQ(text, full);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "note     "));
    free(text);
    free(full);
    /* its chrome export points outputs and spans at source lines */
    snprintf(cmd, sizeof cmd, "%s export --scenario %s/traces/py/daemon_join_join.py -f chrome",
             THREADSIM_BINARY, THREADSIM_SOURCE_DIR);
    text = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"text\":\"(daemon   ) Starting\\n\",\"line\":"
                                        "\"" THREADSIM_SOURCE_DIR "/traces/py/daemon_join_join.py:15\""));
    free(text);
    /* mistakes */
    const char *bad[][2] = {
        {"export last --format", "threadsim: export: --format needs chrome, html, text or json\n"},
        {"export last", "threadsim: export: which format? (--format chrome|html|text|json)\n"},
        {"export --format json", "threadsim: export: give a run (an id or 'last') or --scenario NAME\n"},
        {"export --scenario nope -f json", "threadsim: export: unknown scenario 'nope' (see 'threadsim list')\n"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(cmd, sizeof cmd, "%s %s --db %s/t.db 2>&1", THREADSIM_BINARY, bad[i][0], dir);
        char *out = ts_capture(cmd, &st);
        CU_ASSERT_EQUAL(st, 125);
        TS_ASSERT_STR_EQ(out, bad[i][1]);
        free(out);
    }
    snprintf(cmd, sizeof cmd, "%s export 99 -f json --db %s/t.db 2>&1", THREADSIM_BINARY, dir);
    char *out = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 125);
    CU_ASSERT_EQUAL(strncmp(out, "threadsim: ", 11), 0);
    CU_ASSERT_EQUAL(strchr(out, '\n'), out + strlen(out) - 1); /* one line */
    free(out);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

/* ---- the html page in a real browser ---------------------------------------- */

typedef struct rgb {
    unsigned char r, g, b;
} rgb;

static const rgb RUNNING = {0x2e, 0x9d, 0x4f}, BLOCKED = {0xd6, 0x45, 0x41},
                 SLEEPING = {0x3b, 0x7d, 0xd8}, READY = {0xf0, 0xb4, 0x29};

/* Rows of the image holding at least `min` pixels of colour `c` (the legend's
 * 14-pixel swatches stay below it); returns how many, rows in `out`. */
static int rows_of(const png_image *im, const unsigned char *px, rgb c, int min, int *out)
{
    int n = 0;
    for (unsigned y = 0; y < im->height; y++) {
        int k = 0;
        for (unsigned x = 0; x < im->width; x++) {
            const unsigned char *p = px + ((size_t)y * im->width + x) * 3;
            k += p[0] == c.r && p[1] == c.g && p[2] == c.b;
        }
        if (k >= min)
            out[n++] = (int)y;
    }
    return n;
}

/* Contiguous runs of rows: bands[i] = {first, last}. */
static int bands_of(const int *rows, int n, int bands[][2], int max)
{
    int nb = 0;
    for (int i = 0; i < n; i++) {
        if (nb && rows[i] == bands[nb - 1][1] + 1) {
            bands[nb - 1][1] = rows[i];
        } else if (nb < max) {
            bands[nb][0] = bands[nb][1] = rows[i];
            nb++;
        }
    }
    return nb;
}

static void test_html_in_chromium(void)
{
    int st;
    char *which = ts_capture("command -v chromium", &st);
    free(which);
    if (st != 0) {
        CU_FAIL("chromium is not installed (tools/setup.sh installs it)");
        return;
    }
    char dir[] = "/tmp/threadsim-chromium-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char *html = export_of("daemon-join/join", TRACE_EXPORT_HTML, false);
    char path[256], png[256], cmd[2048];
    snprintf(path, sizeof path, "%s/run.html", dir);
    snprintf(png, sizeof png, "%s/out.png", dir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(html, f);
    fclose(f);
    free(html);
    snprintf(cmd, sizeof cmd,
             "timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic "
             "--no-first-run --disable-background-networking --disable-component-update "
             "--disable-sync --user-data-dir=%s/profile --screenshot=%s --window-size=1200,800 "
             "file://%s >/dev/null 2>&1",
             dir, png, path);
    free(ts_capture(cmd, &st));
    CU_ASSERT_EQUAL(st, 0);

    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    CU_ASSERT_TRUE_FATAL(png_image_begin_read_from_file(&im, png));
    im.format = PNG_FORMAT_RGB;
    unsigned char *px = malloc(PNG_IMAGE_SIZE(im));
    CU_ASSERT_TRUE_FATAL(png_image_finish_read(&im, NULL, px, 0, NULL));
    CU_ASSERT_EQUAL(im.width, 1200);
    CU_ASSERT_EQUAL(im.height, 800);

    static int run[800], blk[800], slp[800], rdy[800];
    int nrun = rows_of(&im, px, RUNNING, 20, run);
    int nblk = rows_of(&im, px, BLOCKED, 20, blk);
    int nslp = rows_of(&im, px, SLEEPING, 20, slp);
    int nrdy = rows_of(&im, px, READY, 20, rdy);
    int rb[8][2], bb[8][2], sb[8][2], yb[8][2];
    int nrb = bands_of(run, nrun, rb, 8), nbb = bands_of(blk, nblk, bb, 8);
    int nsb = bands_of(slp, nslp, sb, 8), nyb = bands_of(rdy, nrdy, yb, 8);
    /* three lanes with running spans, one above the other, each a bar of 20 px */
    CU_ASSERT_EQUAL(nrb, 3);
    for (int i = 0; i < nrb; i++)
        CU_ASSERT_EQUAL(rb[i][1] - rb[i][0] + 1, 20);
    /* MainThread (the first lane) blocks on join; the daemon (the third) sleeps */
    CU_ASSERT_EQUAL_FATAL(nbb, 1);
    CU_ASSERT_EQUAL_FATAL(nsb, 1);
    CU_ASSERT_EQUAL(bb[0][0], rb[0][0]);
    CU_ASSERT_EQUAL(bb[0][1], rb[0][1]);
    CU_ASSERT_EQUAL(sb[0][0], rb[2][0]);
    CU_ASSERT_EQUAL(sb[0][1], rb[2][1]);
    /* every lane waited for the CPU at some point */
    CU_ASSERT_EQUAL(nyb, 3);
    if (nrb != 3 || nbb != 1 || nsb != 1)
        fprintf(stderr, "\nscreenshot kept: %s\n", png);
    else {
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        CU_ASSERT_EQUAL(system(cmd), 0);
    }
    free(px);
    png_image_free(&im);
}

TS_TESTS("export",
         TS_TEST(test_json_reader),
         TS_TEST(test_chrome_structure),
         TS_TEST(test_chrome_byte_stable_and_step_clock), TS_TEST(test_chrome_auto_clock),
         TS_TEST(test_json_lines_and_text),
         TS_TEST(test_html_self_contained),
         TS_TEST(test_html_escapes_program_text), TS_TEST(test_html_long_run_summarized),
         TS_TEST(test_cli_export),
         TS_TEST(test_html_in_chromium))
