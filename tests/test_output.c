/*
 * tests/test_output.c — print and logging: the %-style record formatter with
 * CPython's results, float repr, levels and basicConfig behaviour.
 */
#include <stdlib.h>
#include <string.h>

#include "model/output.h"
#include "model/pyfmt.h"
#include "model/thread.h"
#include "test_util.h"

static trace TR;

static char *fmt(const char *format, const char *thread, const char *msg, int64_t now_ns)
{
    static char buf[512];
    model_log_record r = {.name = "root", .level = MODEL_DEBUG, .message = msg,
                          .thread_name = thread, .thread_ident = 7, .now_ns = now_ns};
    int n = model_log_format(format, &r, buf, sizeof buf);
    return n < 0 ? NULL : buf;
}

static void main_formats(void *arg)
{
    (void)arg;
    /* Expected strings are what CPython 3.11 prints for the same record. */
    TS_ASSERT_STR_EQ(fmt("(%(threadName)-9s) %(message)s", "daemon", "Starting", 0),
                     "(daemon   ) Starting");
    TS_ASSERT_STR_EQ(fmt("(%(threadName)-9s) %(message)s", "non-daemon", "x", 0),
                     "(non-daemon) x");
    TS_ASSERT_STR_EQ(fmt("(%(threadName)-10s) %(message)s", "Thread-1", "x", 0),
                     "(Thread-1  ) x");
    TS_ASSERT_STR_EQ(fmt("(%(threadName)-0s) %(message)s", "Thread-1", "x", 0),
                     "(Thread-1) x");
    TS_ASSERT_STR_EQ(fmt("[%(levelname)s] (%(threadName)-9s) %(message)s", "f2", "Starting", 0),
                     "[DEBUG] (f2       ) Starting");
    TS_ASSERT_STR_EQ(fmt("%(levelname)s:%(name)s:%(message)s", "MainThread", "m", 0),
                     "DEBUG:root:m");
    TS_ASSERT_STR_EQ(fmt("%(threadName)9s|%(levelno)03d|%(thread)d|%%", "ab", "", 0),
                     "       ab|010|7|%");
    TS_ASSERT_STR_EQ(fmt("%(relativeCreated)d %(relativeCreated).1f %(msecs)d", "t", "", 1234567890),
                     "1234 1234.6 234");
    TS_ASSERT_STR_EQ(fmt("%(asctime)s", "t", "", 3500000000), "2024-01-01 00:00:03,500");
    TS_ASSERT_STR_EQ(fmt("%(threadName).3s|%(message)r", "MainThread", "it's", 0),
                     "Mai|\"it's\"");
    /* errors, as Python raises them for `fmt % record.__dict__` */
    CU_ASSERT_PTR_NULL(fmt("%(nosuch)s", "t", "", 0));
    TS_ASSERT_STR_EQ(model_err_type(), "KeyError");
    TS_ASSERT_STR_EQ(model_err_message(), "'nosuch'");
    model_err_clear();
    CU_ASSERT_PTR_NULL(fmt("%(message)d", "t", "x", 0));
    TS_ASSERT_STR_EQ(model_err_type(), "TypeError");
    TS_ASSERT_STR_EQ(model_err_message(), "%d format: a real number is required, not str");
    model_err_clear();
}

static void test_record_format(void)
{
    CU_ASSERT_EQUAL(ts_run_traced(NULL, main_formats, NULL, &TR), 0);
    trace_fini(&TR);
}

static void test_float_repr(void)
{
    /* each pair: value, CPython 3.11's repr() */
    struct { double v; const char *s; } cases[] = {
        {0.1, "0.1"}, {1.0, "1.0"}, {-0.0, "-0.0"}, {0.0, "0.0"}, {1e16, "1e+16"},
        {1e15, "1000000000000000.0"}, {123456789.125, "123456789.125"}, {1e-4, "0.0001"},
        {1e-5, "1e-05"}, {1.5e-7, "1.5e-07"}, {0.30000000000000004, "0.30000000000000004"},
        {2.5, "2.5"}, {1.7976931348623157e308, "1.7976931348623157e+308"},
        {5e-324, "5e-324"}, {100.0, "100.0"}, {0.04, "0.04"}, {12345.678, "12345.678"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        model_float_repr(cases[i].v, buf, sizeof buf);
        TS_ASSERT_STR_EQ(buf, cases[i].s);
    }
}

static void test_str_repr(void)
{
    sim_buf b = {0};
    model_str_repr(&b, "a'b", 3);
    TS_ASSERT_STR_EQ(sim_buf_str(&b), "\"a'b\"");
    sim_buf_clear(&b);
    model_str_repr(&b, "a'b\"\n\\", 6);
    TS_ASSERT_STR_EQ(sim_buf_str(&b), "'a\\'b\"\\n\\\\'");
    sim_buf_free(&b);
}

static void main_levels(void *arg)
{
    (void)arg;
    model_debug("hidden: the implicit basicConfig has level WARNING");
    model_warning("shown %d", 1);
    /* basicConfig after the implicit one does nothing, as in CPython */
    CU_ASSERT_EQUAL(model_log_config(MODEL_DEBUG, "%(message)s"), 0);
    model_debug("still hidden");
    model_print("printed %s", "to stdout");
    model_write(MODEL_STDERR, "raw\n", 4);
}

static void main_configured(void *arg)
{
    (void)arg;
    CU_ASSERT_EQUAL(model_log_config(MODEL_INFO, "%(levelname)s %(threadName)s %(message)s"), 0);
    model_debug("below level");
    model_info("info");
    model_log(MODEL_CRITICAL, "crit");
    model_log(25, "custom");
}

static void main_bad_format(void *arg)
{
    (void)arg;
    CU_ASSERT_EQUAL(model_log_config(MODEL_DEBUG, "%(bogus)s"), -1);
    TS_ASSERT_STR_EQ(model_err_type(), "KeyError");
    model_err_clear();
}

static void test_levels_and_streams(void)
{
    ts_run_traced(NULL, main_levels, NULL, &TR);
    char *out = ts_output(&TR);
    TS_ASSERT_STR_EQ(out, "WARNING:root:shown 1\nprinted to stdout\nraw\n");
    free(out);
    /* streams: logging to stderr (2), print to stdout (1) */
    int streams[3], k = 0;
    for (size_t i = 0; i < TR.n && k < 3; i++)
        if (TR.ev[i].kind == SIM_EV_OUTPUT)
            streams[k++] = (int)TR.ev[i].arg;
    CU_ASSERT_EQUAL(k, 3);
    CU_ASSERT_EQUAL(streams[0], 2);
    CU_ASSERT_EQUAL(streams[1], 1);
    CU_ASSERT_EQUAL(streams[2], 2);
    trace_fini(&TR);

    ts_run_traced(NULL, main_configured, NULL, &TR);
    out = ts_output(&TR);
    TS_ASSERT_STR_EQ(out, "INFO MainThread info\nCRITICAL MainThread crit\nLevel 25 MainThread custom\n");
    free(out);
    trace_fini(&TR);

    ts_run_traced(NULL, main_bad_format, NULL, &TR);
    trace_fini(&TR);
}

TS_TESTS("output", TS_TEST(test_record_format), TS_TEST(test_float_repr), TS_TEST(test_str_repr),
         TS_TEST(test_levels_and_streams))
