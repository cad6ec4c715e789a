/*
 * tests/test_local.c — threading.local (per-thread slots, the per-thread
 * initialiser of a subclass, its failure and retry), the deterministic repr
 * address, and enumerate / active_count / get_ident / main_thread.
 */
#include <stdlib.h>
#include <string.h>

#include "model/local.h"
#include "model/thread.h"
#include "test_log.h"
#include "test_util.h"

static trace TR;

static int run(void (*main)(void *), void *arg)
{
    ts_log_reset();
    return ts_run_traced(NULL, main, arg, &TR);
}

static void check_log(const char *want) { TS_ASSERT_STR_EQ(sim_buf_str(&ts_log), want); }

static model_thread *spawn(const char *name, model_target_fn fn, void *arg)
{
    model_thread *t = model_thread_new(name, fn, arg, NULL);
    CU_ASSERT_EQUAL(model_thread_start(t), 0);
    return t;
}

typedef struct slot {
    bool has_val;   /* d.val is set */
    long val;
    int inits;      /* times init ran for this slot */
} slot;

/* ---- plain threading.local() -------------------------------------------- */

static model_local *L;

static void show(const char *who)
{
    slot *s = model_local_get(L);
    if (s->has_val)
        ts_note(who, "value=%ld", s->val);
    else
        ts_note(who, "No value yet");
}

static void t_plain(void *arg)
{
    const char *who = model_thread_name(model_current_thread());
    show(who);
    slot *s = model_local_get(L);
    s->has_val = true;
    s->val = (long)(intptr_t)arg;
    show(who);
}

static void main_plain(void *arg)
{
    (void)arg;
    L = model_local_new(sizeof(slot), NULL, NULL, NULL);
    show("main");
    slot *s = model_local_get(L);
    s->has_val = true, s->val = 999;
    show("main");
    spawn("T1", t_plain, (void *)(intptr_t)51);
    spawn("T2", t_plain, (void *)(intptr_t)19);
    show("main");
}

static void test_each_thread_has_its_own_slot(void)
{
    CU_ASSERT_EQUAL(run(main_plain, NULL), 0);
    check_log("0.000000000 main No value yet\n"
              "0.000000000 main value=999\n"
              "0.000000000 T1 No value yet\n"
              "0.000000000 T1 value=51\n"
              "0.000000000 T2 No value yet\n"
              "0.000000000 T2 value=19\n"
              "0.000000000 main value=999\n");
    trace_fini(&TR);
}

/* ---- a subclass with __init__ ------------------------------------------- */

typedef struct sub_args {
    long v;          /* MyLocal(v) */
    const char *fail_in; /* thread whose first init raises, or NULL */
    int failures;    /* raised so far */
} sub_args;

static int sub_init(model_local *l, void *p, void *ud)
{
    sub_args *a = ud;
    slot *s = p;
    const char *who = model_thread_name(model_current_thread());
    if (a->fail_in && strcmp(who, a->fail_in) == 0 && a->failures == 0) {
        a->failures++;
        return model_err_set("RuntimeError", "init failed once");
    }
    ts_note(who, "Initializing <__main__.MyLocal object at 0x%llx>",
            (unsigned long long)model_obj_address(&l->hdr));
    /* touching self from inside __init__ sees the slot being built */
    CU_ASSERT_PTR_EQUAL(model_local_get(l), p);
    s->has_val = true;
    s->val = a->v;
    s->inits++;
    return 0;
}

static void t_sub(void *arg)
{
    (void)arg;
    const char *who = model_thread_name(model_current_thread());
    CU_ASSERT_FALSE(model_local_touched(L));
    slot *s = model_local_get(L);
    if (!s) {
        ts_note_exc(who);
        s = model_local_get(L); /* the next touch runs __init__ again */
    }
    CU_ASSERT_TRUE(model_local_touched(L));
    ts_note(who, "value=%ld inits=%d", s->val, s->inits);
    s->val += 1; /* d.value = ... does not change what other threads see */
    s = model_local_get(L);
    ts_note(who, "value=%ld inits=%d", s->val, s->inits);
}

static void t_untouched(void *arg)
{
    (void)arg;
    ts_note("T3", "never touches the local");
}

static void main_sub(void *arg)
{
    sub_args *a = arg;
    model_obj *before = model_obj_new(sizeof(model_obj), "Thing", NULL); /* oid 2 */
    L = model_local_new(sizeof(slot), sub_init, NULL, a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(L);
    CU_ASSERT_EQUAL(L->hdr.oid, before->oid + 1);
    slot *s = model_local_get(L);
    ts_note("main", "value=%ld inits=%d", s->val, s->inits);
    spawn("Thread-1", t_sub, NULL);
    spawn("Thread-2", t_sub, NULL);
    spawn("T3", t_untouched, NULL);
}

/* Like the tutorial's MyLocal: __init__ runs in main at construction and in
 * each thread at its first touch, never twice in one thread; all threads
 * show the same address. The main thread is oid 1, the Thing 2, the local 3:
 * 0x7f0000000000 + 3 * 0x40. */
static void test_subclass_init_runs_per_thread(void)
{
    sub_args a = {999, NULL, 0};
    CU_ASSERT_EQUAL(run(main_sub, &a), 0);
    check_log("0.000000000 MainThread Initializing <__main__.MyLocal object at 0x7f00000000c0>\n"
              "0.000000000 main value=999 inits=1\n"
              "0.000000000 Thread-1 Initializing <__main__.MyLocal object at 0x7f00000000c0>\n"
              "0.000000000 Thread-1 value=999 inits=1\n"
              "0.000000000 Thread-1 value=1000 inits=1\n"
              "0.000000000 Thread-2 Initializing <__main__.MyLocal object at 0x7f00000000c0>\n"
              "0.000000000 Thread-2 value=999 inits=1\n"
              "0.000000000 Thread-2 value=1000 inits=1\n"
              "0.000000000 T3 never touches the local\n");
    trace_fini(&TR);
}

/* A failing __init__ fails the touch; the next touch in that thread retries. */
static void test_failed_init_is_retried(void)
{
    sub_args a = {7, "Thread-2", 0};
    CU_ASSERT_EQUAL(run(main_sub, &a), 0);
    check_log("0.000000000 MainThread Initializing <__main__.MyLocal object at 0x7f00000000c0>\n"
              "0.000000000 main value=7 inits=1\n"
              "0.000000000 Thread-1 Initializing <__main__.MyLocal object at 0x7f00000000c0>\n"
              "0.000000000 Thread-1 value=7 inits=1\n"
              "0.000000000 Thread-1 value=8 inits=1\n"
              "0.000000000 Thread-2 RuntimeError: init failed once\n"
              "0.000000000 Thread-2 Initializing <__main__.MyLocal object at 0x7f00000000c0>\n"
              "0.000000000 Thread-2 value=7 inits=1\n"
              "0.000000000 Thread-2 value=8 inits=1\n"
              "0.000000000 T3 never touches the local\n");
    CU_ASSERT_EQUAL(a.failures, 1);
    trace_fini(&TR);
}

static int fini_calls;
static void count_fini(void *slot, void *ud)
{
    (void)slot, (void)ud;
    fini_calls++;
}

static int always_fail(model_local *l, void *s, void *ud)
{
    (void)l, (void)s, (void)ud;
    return model_err_set("TypeError", "Initialization arguments are not supported");
}

static void t_touch(void *l) { CU_ASSERT_PTR_NOT_NULL(model_local_get(l)); }

static void main_fini(void *arg)
{
    (void)arg;
    model_local *l = model_local_new(16, NULL, count_fini, NULL);
    spawn("A", t_touch, l);
    spawn("B", t_touch, l);
    CU_ASSERT_PTR_NULL(model_local_new(16, always_fail, count_fini, NULL));
    ts_note("main", "%s: %s", model_err_type(), model_err_message());
    model_err_clear();
}

/* fini runs once per slot when the run ends; a failed constructor's slot is
 * released at once. */
static void test_fini_per_slot_and_failed_constructor(void)
{
    fini_calls = 0;
    CU_ASSERT_EQUAL(run(main_fini, NULL), 0);
    check_log("0.000000000 main TypeError: Initialization arguments are not supported\n");
    CU_ASSERT_EQUAL(fini_calls, 4); /* main, A, B, and the failed one's slot */
    trace_fini(&TR);
}

/* ---- addresses ---------------------------------------------------------- */

static void main_addresses(void *arg)
{
    uint64_t *out = arg;
    model_obj *a = model_obj_new(sizeof(model_obj), "Thing", NULL);
    model_obj *b = model_obj_new(sizeof(model_obj), "Thing", NULL);
    out[0] = model_obj_address(a);
    out[1] = model_obj_address(b);
}

static void test_addresses_are_deterministic(void)
{
    uint64_t r1[2], r2[2];
    CU_ASSERT_EQUAL(model_run(NULL, main_addresses, r1, NULL), 0);
    CU_ASSERT_EQUAL(model_run(NULL, main_addresses, r2, NULL), 0);
    CU_ASSERT_EQUAL(r1[0], UINT64_C(0x7f0000000080)); /* oid 2 (main is 1) */
    CU_ASSERT_EQUAL(r1[1], UINT64_C(0x7f00000000c0));
    CU_ASSERT_EQUAL(r2[0], r1[0]);
    CU_ASSERT_EQUAL(r2[1], r1[1]);
}

/* ---- enumerate, active_count, get_ident, main_thread -------------------- */

static void note_enumerate(const char *when)
{
    model_thread *all[8];
    uint32_t n = model_enumerate(all, 8);
    sim_buf s = {0};
    for (uint32_t i = 0; i < n && i < 8; i++)
        sim_buf_printf(&s, " %s(%ld)", model_thread_name(all[i]), model_thread_ident(all[i]));
    ts_note("main", "%s: active_count=%u enumerate=%s", when, model_active_count(),
            sim_buf_str(&s));
    sim_buf_free(&s);
}

static void t_sleep_ident(void *arg)
{
    model_thread *self = model_current_thread();
    ts_note(model_thread_name(self), "get_ident=%ld main_thread=%s", model_get_ident(),
            model_thread_name(model_main_thread()));
    model_sleep((double)(intptr_t)arg);
}

static void main_enumerate(void *arg)
{
    (void)arg;
    note_enumerate("alone");
    model_thread *early = model_thread_new("early", t_sleep_ident, (void *)(intptr_t)2, NULL);
    model_thread *late = model_thread_new("late", t_sleep_ident, (void *)(intptr_t)1, NULL);
    model_thread *never = model_thread_new("never", t_sleep_ident, NULL, NULL);
    (void)never;
    CU_ASSERT_EQUAL(model_thread_set_daemon(early, true), 0);
    CU_ASSERT_EQUAL(model_thread_start(late), 0); /* started first: ident 2 */
    CU_ASSERT_EQUAL(model_thread_start(early), 0);
    note_enumerate("started");
    CU_ASSERT_EQUAL(model_enumerate(NULL, 0), 3);
    model_sleep(1.5);
    note_enumerate("late done");
    model_thread_join(early, MODEL_NO_TIMEOUT);
    note_enumerate("early done");
    ts_note("main", "get_ident=%ld", model_get_ident());
}

/* enumerate() is start order (CPython's _active dict), not creation order;
 * unstarted and finished threads are not in it. */
static void test_enumerate_in_start_order(void)
{
    CU_ASSERT_EQUAL(run(main_enumerate, NULL), 0);
    check_log("0.000000000 main alone: active_count=1 enumerate= MainThread(1)\n"
              "0.000000000 late get_ident=2 main_thread=MainThread\n"
              "0.000000000 early get_ident=3 main_thread=MainThread\n"
              "0.000000000 main started: active_count=3 enumerate= MainThread(1) late(2) early(3)\n"
              "1.500000000 main late done: active_count=2 enumerate= MainThread(1) early(3)\n"
              "2.000000000 main early done: active_count=1 enumerate= MainThread(1)\n"
              "2.000000000 main get_ident=1\n");
    trace_fini(&TR);
}

TS_TESTS("local", TS_TEST(test_each_thread_has_its_own_slot),
         TS_TEST(test_subclass_init_runs_per_thread), TS_TEST(test_failed_init_is_retried),
         TS_TEST(test_fini_per_slot_and_failed_constructor),
         TS_TEST(test_addresses_are_deterministic), TS_TEST(test_enumerate_in_start_order))
