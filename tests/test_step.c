/*
 * tests/test_step.c — the stepper: its engine driven through the API
 * (stops, choices, going back, breakpoints, goals, replay tokens), the
 * command driven by scripts (a transcript compared byte for byte, bad
 * commands, --goal, --replay, the recorded run replayed by the store), and
 * the interactive screen driven through tmux at 80x24.
 *
 * The seed's programs are the material: in daemon-join/no-join, FIFO starts
 * the daemon first ("(daemon   ) Starting" is the first line); choosing
 * the main thread at the first decision lets the non-daemon thread print
 * first, and the daemon is killed before it could say anything else.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"
#include "tools/scenarios/scenario.h"
#include "tools/step.h"

static void step_open(ts_step *sp, const char *name)
{
    const ts_scenario *sc = ts_scenario_find(name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    model_opts o = model_opts_default();
    o.python = sc->python;
    if (ts_test_backend())
        o.sim.backend = ts_test_backend();
    ts_step_init(sp, sc->name, sc->main, NULL, &o);
    ts_step_go(sp, TS_STOP_AT, 0);
}

static char *step_out(const ts_step *sp)
{
    return ts_step_output(sp, NULL);
}

/* ---- the engine --------------------------------------------------------------- */

static void test_starts_before_the_first_event(void)
{
    ts_step sp;
    step_open(&sp, "daemon-join/join");
    CU_ASSERT_EQUAL(sp.pos, 0);
    CU_ASSERT_EQUAL(sp.tr.n, 0);
    CU_ASSERT_FALSE(sp.at_end);
    CU_ASSERT_FALSE(sp.pending);
    CU_ASSERT_EQUAL(ts_step_back(&sp), -1);
    ts_step_fini(&sp);
}

/* Event by event: each step shows exactly one more event, and the states
 * follow (after event 4, main started the daemon: a decision is pending). */
static void test_step_one_event_at_a_time(void)
{
    ts_step sp;
    step_open(&sp, "daemon-join/join");
    for (uint64_t k = 1; k <= 4; k++) {
        ts_step_go(&sp, TS_STOP_AT, sp.pos + 1);
        CU_ASSERT_EQUAL(sp.pos, k);
        CU_ASSERT_EQUAL(sp.tr.n, k);
    }
    CU_ASSERT_EQUAL(sp.tr.ev[3].kind, SIM_EV_START);
    CU_ASSERT_TRUE(sp.pending);
    CU_ASSERT_EQUAL(sp.pending_k, 0);
    CU_ASSERT_EQUAL(sp.nready, 2);
    CU_ASSERT_EQUAL(sp.ready[0], 2); /* daemon: ready longest (started threads go first) */
    CU_ASSERT_EQUAL(sp.ready[1], 0); /* MainThread */
    CU_ASSERT_EQUAL(trace_states_get(&sp.st, 0)->state, TRACE_ST_READY);
    CU_ASSERT_EQUAL(trace_states_get(&sp.st, 1)->state, TRACE_ST_NEW);
    /* a stop without a pending decision */
    ts_step_go(&sp, TS_STOP_AT, 7);
    CU_ASSERT_FALSE(sp.pending);
    const trace_thread *d = trace_states_get(&sp.st, 2);
    CU_ASSERT_EQUAL(d->state, TRACE_ST_SLEEPING);
    CU_ASSERT_EQUAL(d->deadline, 5 * SIM_NS_PER_SEC);
    ts_step_fini(&sp);
}

/* Stepping to the end with FIFO gives the run's own trace, event for event. */
static void test_continue_is_the_fifo_run(void)
{
    const ts_scenario *sc = ts_scenario_find("daemon-join/join-timeout-3");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    model_opts o = model_opts_default();
    o.python = sc->python;
    trace tr;
    CU_ASSERT_EQUAL(ts_run_traced(&o, sc->main, NULL, &tr), 0);
    char *want = ts_full(&tr);

    ts_step sp;
    step_open(&sp, sc->name);
    ts_step_go(&sp, TS_STOP_AT, 3);
    ts_step_go(&sp, TS_STOP_BREAK, 0); /* no breakpoints: to the end */
    CU_ASSERT_TRUE(sp.at_end);
    CU_ASSERT_EQUAL(sp.status, 0);
    char *got = ts_full(&sp.tr);
    TS_ASSERT_STR_EQ(got, want);
    free(got);
    free(want);
    trace_fini(&tr);
    ts_step_fini(&sp);
}

/* The other interleaving of no-join: main goes on at the first decision. */
static void test_choose_reaches_another_interleaving(void)
{
    ts_step sp;
    step_open(&sp, "daemon-join/no-join");
    ts_step_go(&sp, TS_STOP_DECISION, 0);
    CU_ASSERT_TRUE_FATAL(sp.pending);
    CU_ASSERT_EQUAL(sp.pos, 4);
    CU_ASSERT_EQUAL(ts_step_choose(&sp, 1), -1); /* non-daemon is not started: not offered */
    CU_ASSERT_EQUAL(ts_step_choose(&sp, 0), 0);
    CU_ASSERT_EQUAL(sp.pos, 5);
    CU_ASSERT_EQUAL(sp.tr.ev[4].kind, SIM_EV_START); /* main started non-daemon: no switch */
    CU_ASSERT_TRUE(sp.pending);
    CU_ASSERT_EQUAL(sp.nready, 3);
    ts_step_go(&sp, TS_STOP_END, 0);
    CU_ASSERT_TRUE(sp.at_end);
    char *out = step_out(&sp);
    TS_ASSERT_STR_EQ(out, "(non-daemon) Starting\n(non-daemon) Exiting\n(daemon   ) Starting\n");
    free(out);
    CU_ASSERT_EQUAL(trace_states_get(&sp.st, 2)->state, TRACE_ST_KILLED);
    ts_step_fini(&sp);
}

/* back returns to the choice just made, offered again; choosing the other
 * thread there gives FIFO's output again. */
static void test_back_then_choose_again(void)
{
    ts_step sp;
    step_open(&sp, "daemon-join/no-join");
    ts_step_go(&sp, TS_STOP_DECISION, 0);
    CU_ASSERT_EQUAL(ts_step_choose(&sp, 0), 0);
    ts_step_go(&sp, TS_STOP_AT, sp.pos + 3);
    CU_ASSERT_EQUAL(sp.pos, 8);
    CU_ASSERT_EQUAL(ts_step_back(&sp), 0);
    CU_ASSERT_EQUAL(sp.pos, 5); /* the second decision, after main started non-daemon */
    CU_ASSERT_TRUE(sp.pending);
    CU_ASSERT_EQUAL(sp.pending_k, 1);
    CU_ASSERT_EQUAL(ts_step_back(&sp), 0);
    CU_ASSERT_EQUAL(sp.pos, 4);
    CU_ASSERT_TRUE(sp.pending);
    CU_ASSERT_EQUAL(sp.pending_k, 0);
    CU_ASSERT_EQUAL(sp.nready, 2);
    CU_ASSERT_EQUAL(sp.path[0].thread, 0); /* the path ahead remembers the choice */
    CU_ASSERT_EQUAL(ts_step_choose(&sp, 2), 0);
    CU_ASSERT_EQUAL(sp.npath, 1); /* what lay ahead is dropped */
    ts_step_go(&sp, TS_STOP_END, 0);
    char *out = step_out(&sp);
    TS_ASSERT_STR_EQ(out, "(daemon   ) Starting\n(non-daemon) Starting\n(non-daemon) Exiting\n");
    free(out);
    /* back before the first decision: the beginning */
    ts_step_go(&sp, TS_STOP_AT, 2);
    CU_ASSERT_EQUAL(ts_step_back(&sp), 0);
    CU_ASSERT_EQUAL(sp.pos, 0);
    ts_step_fini(&sp);
}

/* Without a new choice, the path ahead is followed after going back. */
static void test_path_ahead_is_followed(void)
{
    ts_step sp;
    step_open(&sp, "daemon-join/no-join");
    ts_step_go(&sp, TS_STOP_DECISION, 0);
    ts_step_choose(&sp, 0);
    ts_step_go(&sp, TS_STOP_END, 0);
    char *first = ts_full(&sp.tr);
    ts_step_go(&sp, TS_STOP_AT, 0);
    ts_step_go(&sp, TS_STOP_END, 0);
    char *again = ts_full(&sp.tr);
    TS_ASSERT_STR_EQ(again, first);
    free(first);
    free(again);
    ts_step_fini(&sp);
}

static void test_next_output_and_breakpoints(void)
{
    ts_step sp;
    step_open(&sp, "daemon-join/join");
    ts_step_go(&sp, TS_STOP_OUTPUT, 0);
    CU_ASSERT_EQUAL(sp.pos, 6);
    CU_ASSERT_EQUAL(sp.tr.ev[5].kind, SIM_EV_OUTPUT);
    char err[200];
    CU_ASSERT_EQUAL(ts_step_break_add(&sp, "Exit(ing", err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad pattern"));
    CU_ASSERT_EQUAL(ts_step_break_add(&sp, "^\\(daemon +\\) Exiting$", err, sizeof err), 0);
    ts_step_go(&sp, TS_STOP_BREAK, 0);
    CU_ASSERT_FALSE(sp.at_end);
    CU_ASSERT_EQUAL(sp.st.now, 5 * SIM_NS_PER_SEC);
    const trace_event *e = &sp.tr.ev[sp.tr.n - 1];
    CU_ASSERT_EQUAL(e->kind, SIM_EV_OUTPUT);
    TS_ASSERT_STR_EQ(e->text, "(daemon   ) Exiting\n");
    ts_step_go(&sp, TS_STOP_BREAK, 0); /* no further match: the end */
    CU_ASSERT_TRUE(sp.at_end);
    CU_ASSERT_EQUAL(ts_step_break_del(&sp, 1), -1);
    CU_ASSERT_EQUAL(ts_step_break_del(&sp, 0), 0);
    CU_ASSERT_EQUAL(sp.nbrk, 0);
    ts_step_fini(&sp);
}

/* Every decision of a run is found by TS_STOP_DECISION, in order. */
static void test_decisions_in_order(void)
{
    ts_step sp;
    step_open(&sp, "daemon-join/join");
    uint64_t seen[8], n = 0;
    for (;;) {
        ts_step_go(&sp, TS_STOP_DECISION, 0);
        if (sp.at_end || n == 8)
            break;
        CU_ASSERT_TRUE(sp.pending);
        CU_ASSERT_EQUAL(sp.pending_k, n);
        CU_ASSERT_EQUAL(ts_step_decisions_before(&sp), n);
        seen[n++] = sp.pos;
    }
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(seen[0], 4);
    CU_ASSERT_EQUAL(seen[1], 9);
    ts_step_fini(&sp);
}

static void test_goal(void)
{
    ts_step sp;
    step_open(&sp, "daemon-join/no-join");
    char path[512];
    snprintf(path, sizeof path, "%s/traces/expected/daemon-join/no-join.out", THREADSIM_SOURCE_DIR);
    size_t len;
    char *goal = ts_read_file(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(goal);
    ts_step_view v = {.rows = 0, .cols = 80, .goal = goal, .goal_len = len, .goal_name = "no-join.out"};
    ts_step_go(&sp, TS_STOP_OUTPUT, 0);
    CU_ASSERT_FALSE(ts_step_goal_reached(&sp, &v));
    sim_buf b = {0};
    ts_step_render(&b, &sp, &v);
    CU_ASSERT_PTR_NOT_NULL(strstr(b.p, "goal    on track: 1 of 3 lines of no-join.out so far\n"));
    ts_step_go(&sp, TS_STOP_END, 0);
    CU_ASSERT_TRUE(ts_step_goal_reached(&sp, &v));
    sim_buf_clear(&b);
    ts_step_render(&b, &sp, &v);
    CU_ASSERT_PTR_NOT_NULL(strstr(b.p, "goal    REACHED: the output so far is exactly no-join.out\n"));
    /* the other interleaving is off the goal from its first line */
    ts_step_go(&sp, TS_STOP_AT, 4);
    ts_step_choose(&sp, 0);
    ts_step_go(&sp, TS_STOP_END, 0);
    CU_ASSERT_FALSE(ts_step_goal_reached(&sp, &v));
    sim_buf_clear(&b);
    ts_step_render(&b, &sp, &v);
    CU_ASSERT_PTR_NOT_NULL(strstr(b.p, "goal    off: output line 1 differs from no-join.out\n"));
    sim_buf_free(&b);
    free(goal);
    ts_step_fini(&sp);
}

static void test_token_round_trip(void)
{
    ts_step sp;
    step_open(&sp, "daemon-join/no-join");
    ts_step_go(&sp, TS_STOP_AT, 4);
    ts_step_choose(&sp, 0);
    ts_step_go(&sp, TS_STOP_DECISION, 0);
    CU_ASSERT_TRUE_FATAL(sp.pending);
    CU_ASSERT_EQUAL(sp.pending_k, 2); /* after non-daemon exits: daemon or main */
    CU_ASSERT_EQUAL(ts_step_choose(&sp, 0), 0); /* main, so the daemon never prints */
    ts_step_go(&sp, TS_STOP_END, 0);
    char *out = step_out(&sp);
    TS_ASSERT_STR_EQ(out, "(non-daemon) Starting\n(non-daemon) Exiting\n");
    free(out);
    char *want = ts_full(&sp.tr);
    char *tok = ts_step_token(&sp);
    /* bytes 2 (version), (0 zeros, index 1), (1 zero, index 1) */
    TS_ASSERT_STR_EQ(tok, "daemon-join/no-join:AgAAAQA");

    ts_step again;
    step_open(&again, "daemon-join/no-join");
    char *name = NULL, err[200];
    CU_ASSERT_EQUAL_FATAL(ts_step_token_parse(tok, &name, &again, err, sizeof err), 0);
    TS_ASSERT_STR_EQ(name, "daemon-join/no-join");
    ts_step_go(&again, TS_STOP_END, 0);
    char *got = ts_full(&again.tr);
    TS_ASSERT_STR_EQ(got, want);
    CU_ASSERT_FALSE(again.diverged);
    free(got);
    free(name);

    /* FIFO everywhere: just the version byte */
    ts_step fifo;
    step_open(&fifo, "daemon-join/join");
    ts_step_go(&fifo, TS_STOP_END, 0);
    char *ft = ts_step_token(&fifo);
    TS_ASSERT_STR_EQ(ft, "daemon-join/join:Ag");
    free(ft);
    ts_step_fini(&fifo);

    /* version 3: the choices it was made under, then the same path */
    uint32_t ranks[] = {0, 1, 0, 1};
    char *t3 = ts_step_token_ranks("p.py", ranks, 4, TS_CHOICES_CPYTHON);
    TS_ASSERT_STR_EQ(t3, "p.py:AwMBAAEA"); /* 3, 3, then (1 zero, rank 1) twice */
    CU_ASSERT_EQUAL(ts_step_token_choices(t3), TS_CHOICES_CPYTHON);
    CU_ASSERT_EQUAL(ts_step_token_choices(tok), -1); /* version 2 says nothing */
    CU_ASSERT_FALSE(ts_step_token_is_default(t3));
    free(t3);
    t3 = ts_step_token_ranks("p.py", ranks, 1, TS_CHOICES_PROGRAM);
    TS_ASSERT_STR_EQ(t3, "p.py:AwE");
    CU_ASSERT_TRUE(ts_step_token_is_default(t3));
    CU_ASSERT_TRUE(ts_step_token_is_default("daemon-join/join:Ag"));
    free(t3);
    t3 = ts_step_token_ranks("p.py", ranks, 4, TS_CHOICES_BLOCK); /* the default: version 2 */
    TS_ASSERT_STR_EQ(t3, "p.py:AgEAAQA");
    free(t3);
    CU_ASSERT_EQUAL(ts_choices_parse("cpython"), TS_CHOICES_CPYTHON);
    CU_ASSERT_EQUAL(ts_choices_parse("opcode"), -1);
    TS_ASSERT_STR_EQ(ts_choices_name(TS_CHOICES_LINE), "line");

    /* malformed tokens (version 3 with no choices byte, or one out of range) */
    const char *bad[] = {"no-colon", ":AQ", "x:A", "x:AQ*", "x:Aw", "x:AYA", "x:AwQ", "x:AwA",
                         "x:BA"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        name = NULL;
        err[0] = '\0';
        CU_ASSERT_EQUAL(ts_step_token_parse(bad[i], &name, NULL, err, sizeof err), -1);
        CU_ASSERT_PTR_NULL(name);
        CU_ASSERT_TRUE(err[0] != '\0');
    }
    free(tok);
    free(want);
    ts_step_fini(&again);
    ts_step_fini(&sp);
}

/* A token whose choice cannot fit the program: the stepper says so and goes on FIFO. */
static void test_token_that_does_not_fit(void)
{
    ts_step sp;
    step_open(&sp, "daemon-join/join");
    char *name = NULL, err[200];
    /* decision 0 takes index 5 (only 2 threads are ready) */
    CU_ASSERT_EQUAL_FATAL(ts_step_token_parse("daemon-join/join:AQAE", &name, &sp, err, sizeof err), 0);
    ts_step_go(&sp, TS_STOP_END, 0);
    CU_ASSERT_TRUE(sp.diverged);
    CU_ASSERT_PTR_NOT_NULL(strstr(sp.why, "decision 0"));
    CU_ASSERT_TRUE(sp.at_end);
    free(name);
    ts_step_fini(&sp);
}

/* The screen fits 80x24 whatever the program (here: a run with many threads). */
static void test_render_fits_the_screen(void)
{
    ts_step sp;
    step_open(&sp, "enumerate/random");
    ts_step_go(&sp, TS_STOP_END, 0);
    ts_step_view v = {.rows = 24, .cols = 80};
    sim_buf b = {0};
    ts_step_render(&b, &sp, &v);
    int lines = 0;
    for (const char *p = b.p, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
        size_t cps = 0;
        for (const char *q = p; q < nl; q++)
            cps += ((unsigned char)*q & 0xC0) != 0x80;
        CU_ASSERT_TRUE(cps <= 80);
        lines++;
    }
    CU_ASSERT_TRUE(lines <= 23);
    CU_ASSERT_PTR_NOT_NULL(strstr(b.p, "threadsim step enumerate/random"));
    CU_ASSERT_PTR_NULL(strchr(b.p, '\033')); /* no colour asked for */
    v.color = true;
    sim_buf_clear(&b);
    ts_step_render(&b, &sp, &v);
    CU_ASSERT_PTR_NOT_NULL(strchr(b.p, '\033'));
    sim_buf_free(&b);
    ts_step_fini(&sp);
}

/* ---- the command -------------------------------------------------------------- */

static char *cli(const char *args, int *status)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s %s", THREADSIM_BINARY, args);
    return ts_capture(cmd, status);
}

static const char transcript[] =
    "threadsim step daemon-join/no-join · event 0 · t=0.000000000 · 0 decisions\n"
    "last    nothing has run yet: 'step' starts the program\n"
    "threads (none yet)\n"
    "output  (nothing printed yet)\n"
    "> decision\n"
    "threadsim step daemon-join/no-join · event 4 · t=0.000000000 · 0 decisions\n"
    "last    4 MainThread start daemon (daemon)\n"
    "threads #0 MainThread ready\n"
    "        #1 non-daemon new (not started)\n"
    "        #2 daemon     ready  (daemon)\n"
    "output  (nothing printed yet)\n"
    "next    2 can run: #2 daemon (default), #0 MainThread\n"
    "        'choose N' runs #N; 'step' takes the one marked\n"
    "> choose MainThread\n"
    "threadsim step daemon-join/no-join · event 5 · t=0.000000000 · 1 decision\n"
    "last    5 MainThread start non-daemon\n"
    "threads #0 MainThread ready\n"
    "        #1 non-daemon ready\n"
    "        #2 daemon     ready  (daemon)\n"
    "output  (nothing printed yet)\n"
    "next    3 can run: #1 non-daemon (default), #2 daemon, #0 MainThread\n"
    "        'choose N' runs #N; 'step' takes the one marked\n"
    "> next\n"
    "threadsim step daemon-join/no-join · event 7 · t=0.000000000 · 2 decisions\n"
    "last    7 non-daemon output stderr \"(non-daemon) Starting\\n\"\n"
    "threads #0 MainThread ready\n"
    "        #1 non-daemon running\n"
    "        #2 daemon     ready  (daemon)\n"
    "output  1 line:\n"
    "  |     (non-daemon) Starting\n"
    "> continue\n"
    "threadsim step daemon-join/no-join · event 15 · t=0.000000000 · 3 decisions\n"
    "last    15 daemon killed sleeping until 5.000000000\n"
    "threads #0 MainThread finished\n"
    "        #1 non-daemon finished\n"
    "        #2 daemon     killed while sleeping until 5.000000000  (daemon)\n"
    "output  3 lines:\n"
    "  |     (non-daemon) Starting\n"
    "  |     (non-daemon) Exiting\n"
    "  |     (daemon   ) Starting\n"
    "end     the program finished: exit status 0  ('back' or 'restart' to explore)\n"
    "> back\n"
    "threadsim step daemon-join/no-join · event 9 · t=0.000000000 · 2 decisions\n"
    "last    9 non-daemon exit returned\n"
    "threads #0 MainThread ready\n"
    "        #1 non-daemon finished\n"
    "        #2 daemon     ready  (daemon)\n"
    "output  2 lines:\n"
    "  |     (non-daemon) Starting\n"
    "  |     (non-daemon) Exiting\n"
    "next    2 can run: #2 daemon (your path), #0 MainThread\n"
    "        'choose N' runs #N; 'step' takes the one marked\n"
    "replay token: daemon-join/no-join:AgAA\n";

/* A whole scripted session, byte for byte. */
static void test_script_transcript(void)
{
    int st;
    char *out = cli("step daemon-join/no-join --no-db --commands "
                    "'decision; choose MainThread; next; continue; back'",
                    &st);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, transcript);
    free(out);
    /* the same commands from standard input */
    out = cli("step daemon-join/no-join --no-db < /dev/null", &st);
    CU_ASSERT_EQUAL(st, 0);
    free(out);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "printf 'decision\\nchoose MainThread\\nnext\\ncontinue\\nback\\n' | "
             "%s step daemon-join/no-join --no-db",
             THREADSIM_BINARY);
    out = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, transcript);
    free(out);
}

static void test_script_errors(void)
{
    int st;
    char *out = cli("step daemon-join/join --no-db --commands 'step; fly' 2>&1", &st);
    CU_ASSERT_EQUAL(st, 125);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "threadsim: step: unknown command 'fly' ('help' lists them)\n"));
    free(out);
    out = cli("step daemon-join/join --no-db --commands 'step; choose 0' 2>&1", &st);
    CU_ASSERT_EQUAL(st, 125);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "threadsim: step: no choice here: only one thread can run now"));
    free(out);
    /* a bad number: one message, the command's (the number parser's came
     * first, a second "threadsim:" line) */
    static const char *const badnum[][2] = {
        {"step -1", "threadsim: step: step takes a positive number of events\n"},
        {"goto abc", "threadsim: step: goto takes an event number\n"},
        {"delete -1", "threadsim: step: no breakpoint '-1' ('break' lists them)\n"}};
    for (size_t i = 0; i < sizeof badnum / sizeof badnum[0]; i++) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "step daemon-join/join --no-db --commands '%s' 2>&1 >/dev/null",
                 badnum[i][0]);
        out = cli(cmd, &st);
        CU_ASSERT_EQUAL(st, 125);
        TS_ASSERT_STR_EQ(out, badnum[i][1]);
        free(out);
    }
    out = cli("step daemon-join/join --no-db --commands 'step 4; choose 1' 2>&1", &st);
    CU_ASSERT_EQUAL(st, 125);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "choose one of the threads that can run: #2, #0\n"));
    free(out);
    out = cli("step no/such --no-db 2>&1", &st);
    CU_ASSERT_EQUAL(st, 125);
    TS_ASSERT_STR_EQ(out, "threadsim: step: unknown scenario 'no/such' (see 'threadsim list')\n");
    free(out);
    out = cli("step --replay garbage --no-db 2>&1", &st);
    CU_ASSERT_EQUAL(st, 125);
    TS_ASSERT_STR_EQ(out, "threadsim: step: a replay token looks like NAME:CODE ('garbage' does not)\n");
    free(out);
    out = cli("step daemon-join/join --replay daemon-join/no-join:AQ --no-db 2>&1", &st);
    CU_ASSERT_EQUAL(st, 125);
    TS_ASSERT_STR_EQ(out, "threadsim: step: the replay token is for 'daemon-join/no-join', not "
                          "'daemon-join/join'\n");
    free(out);
}

static void test_script_goal(void)
{
    char goal[512];
    snprintf(goal, sizeof goal, "%s/traces/expected/daemon-join/no-join.out", THREADSIM_SOURCE_DIR);
    char args[1024];
    int st;
    snprintf(args, sizeof args, "step daemon-join/no-join --no-db --goal %s --commands continue",
             goal);
    char *out = cli(args, &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "*** Goal reached: the output so far is exactly "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "goal reached: "));
    free(out);
    snprintf(args, sizeof args,
             "step daemon-join/no-join --no-db --goal %s --commands 'step 4; choose 0; continue'",
             goal);
    out = cli(args, &st);
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "goal not reached: "));
    CU_ASSERT_PTR_NULL(strstr(out, "Goal reached"));
    free(out);
}

/* The README's walkthrough: the Event page's interleaving (main logs before
 * the non-blocking thread starts) is one choice away, and reaches the page's
 * output; FIFO does not. */
static void test_script_event_page(void)
{
    char args[1024];
    int st;
    snprintf(args, sizeof args,
             "step event/set-wait --no-db --goal %s/docs/event-page.out "
             "--commands 'decision; decision; choose MainThread; continue'",
             THREADSIM_SOURCE_DIR);
    char *out = cli(args, &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "next    2 can run: #2 non-blocking (default), #0 MainThread\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "REACHED: the output so far is exactly "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "replay token: event/set-wait:AgEA\n"));
    free(out);
    snprintf(args, sizeof args,
             "step event/set-wait --no-db --goal %s/docs/event-page.out --commands continue",
             THREADSIM_SOURCE_DIR);
    out = cli(args, &st);
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "goal    off: output line 2 differs from "));
    free(out);
}

/* A Python program: threads show their line, the running one's is quoted,
 * a breakpoint at a line stops there, and choices work the same. As in
 * CPython, Thread.start() waits for the new thread to signal that it has
 * started (threading.py: self._started.wait()): choosing MainThread at the
 * first decision makes main block there ("Thread.start") and the worker
 * run, so the output is the same as FIFO's but the path is not. */
static void test_script_python_program(void)
{
    char dir[] = "/tmp/threadsim-steppy-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char path[256], args[1024];
    snprintf(path, sizeof path, "%s/two.py", dir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("import threading\n"
          "import time\n"
          "def worker():\n"
          "    print('worker starts')\n"
          "    time.sleep(1)\n"
          "    print('worker ends')\n"
          "t = threading.Thread(name='w', target=worker)\n"
          "t.start()\n"
          "print('main waits')\n"
          "t.join()\n",
          f);
    fclose(f);
    int st;
    snprintf(args, sizeof args,
             "step %s --no-db --commands "
             "'break line 5; continue; back; choose MainThread; continue; delete; continue'",
             path);
    char *out = cli(args, &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "breakpoint 1: line 5\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, ", line 5: time.sleep(1)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "#0 MainThread ready  line 8\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "2 can run: #1 w (your path), #0 MainThread\n"));
    /* FIFO: the worker runs first and stops at line 5 */
    const char *fifo = strstr(out, "> continue\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fifo);
    CU_ASSERT_PTR_NOT_NULL(strstr(fifo, "output  1 line:\n  |     worker starts\n"
                                        "        breakpoint: a thread reached a breakpoint's line\n"));
    /* main chosen: it blocks in Thread.start, the worker runs, and still
     * stops at line 5 */
    const char *chosen = strstr(out, "> choose MainThread\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(chosen);
    CU_ASSERT_PTR_NOT_NULL(strstr(chosen, "source  #0 MainThread, line 8: t.start()\n"
                                          "threads #0 MainThread blocked: Thread.start Thread w at "));
    CU_ASSERT_PTR_NOT_NULL(strstr(chosen, "  line 8\n        #1 w          ready\n"
                                          "output  (nothing printed yet)\n> continue\n"));
    const char *after = strstr(chosen, "> continue\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(after);
    CU_ASSERT_PTR_NOT_NULL(strstr(after, "threads #0 MainThread ready  line 8\n"
                                         "        #1 w          running  line 5\n"
                                         "output  1 line:\n  |     worker starts\n"
                                         "        breakpoint: a thread reached a breakpoint's line\n"));
    const char *last = strstr(out, "> delete\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(last);
    const char *end = strstr(last, "end     the program finished");
    CU_ASSERT_PTR_NOT_NULL_FATAL(end);
    CU_ASSERT_PTR_NOT_NULL(strstr(last, "|     worker starts\n  |     main waits\n  |     worker ends\n"));
    char *tok = strstr(out, "replay token: ");
    CU_ASSERT_PTR_NOT_NULL(tok);
    if (tok) {
        char token[300];
        CU_ASSERT_EQUAL(sscanf(tok + 14, "%299s", token), 1);
        /* the token follows the chosen path: main blocks in Thread.start */
        snprintf(args, sizeof args, "step --replay %s --no-db --commands 'decision; step; continue'",
                 token);
        char *again = cli(args, &st);
        CU_ASSERT_EQUAL(st, 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(again, "threads #0 MainThread blocked: Thread.start Thread w at "));
        CU_ASSERT_PTR_NOT_NULL(strstr(again, "|     worker starts\n  |     main waits\n  |     worker ends\n"));
        free(again);
    }
    free(out);
    snprintf(args, sizeof args, "step %s --no-db --commands 'break line 5' 2>&1", "daemon-join/join");
    out = cli(args, &st);
    CU_ASSERT_EQUAL(st, 125);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "threadsim: step: source lines exist only for Python programs\n"));
    free(out);
    snprintf(args, sizeof args, "rm -rf %s", dir);
    CU_ASSERT_EQUAL(system(args), 0);
}

/* The printed token, passed to --replay, gives the same run; the recorded
 * run replays identically from the store. */
static void test_script_replay_and_store(void)
{
    char dir[] = "/tmp/threadsim-step-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char args[1024];
    int st;
    snprintf(args, sizeof args,
             "step daemon-join/no-join --db %s/t.db --commands 'decision; choose 0; continue'", dir);
    char *out = cli(args, &st);
    CU_ASSERT_EQUAL(st, 0);
    char *tok = strstr(out, "replay token: ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
    tok += strlen("replay token: ");
    char token[128];
    CU_ASSERT_EQUAL(sscanf(tok, "%127s", token), 1);
    TS_ASSERT_STR_EQ(token, "daemon-join/no-join:AgAA");
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "recorded as run 1 ('threadsim show 1', 'threadsim replay 1')\n"));
    /* the final stop of the session */
    char *end = strstr(out, "> continue\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(end);
    char *stop = strndup(end, (size_t)(strstr(end, "replay token") - end));

    snprintf(args, sizeof args, "step --replay %s --no-db --commands continue", token);
    char *again = cli(args, &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(again, stop));
    free(again);

    snprintf(args, sizeof args, "show 1 --db %s/t.db 2>&1", dir);
    char *shown = cli(args, &st);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(shown, "(non-daemon) Starting\n(non-daemon) Exiting\n(daemon   ) Starting\n");
    free(shown);
    snprintf(args, sizeof args, "replay 1 --no-record --db %s/t.db", dir);
    char *rep = cli(args, &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(rep, "is identical"));
    free(rep);
    free(stop);
    free(out);
    snprintf(args, sizeof args, "rm -rf %s", dir);
    CU_ASSERT_EQUAL(system(args), 0);
}

/* ---- the interactive screen, through tmux ------------------------------------ */

typedef struct tmux {
    char sock[128];
    char dir[64];
} tmux;

static char *tmux_run(const tmux *t, const char *args, int *st)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "tmux -S %s %s 2>&1", t->sock, args);
    return ts_capture(cmd, st);
}

/* The pane's text (-e: with colour codes). */
static char *tmux_screen(const tmux *t, bool escapes)
{
    int st;
    return tmux_run(t, escapes ? "capture-pane -p -e -t step" : "capture-pane -p -t step", &st);
}

/* Wait (polling, bounded) until the pane shows `needle` and, after it, the
 * prompt: the screen is drawn line by line and the prompt comes last, so a
 * pane caught mid-draw shows the new header without the rest (a CI run under
 * the sanitizers did). Returns the pane. */
static char *tmux_wait(const tmux *t, const char *needle, bool escapes)
{
    char *s = NULL;
    for (int i = 0; i < 200; i++) {
        free(s);
        s = tmux_screen(t, escapes);
        const char *at = s ? strstr(s, needle) : NULL;
        if (at && strstr(at, "\nstep>"))
            return s;
        usleep(25000);
    }
    fprintf(stderr, "\ntmux: never saw '%s' with the prompt after it; the pane:\n%s\n", needle, s ? s : "(none)");
    CU_FAIL("the screen did not show what was expected");
    return s;
}

static void tmux_keys(const tmux *t, const char *keys)
{
    char args[512];
    int st;
    snprintf(args, sizeof args, "send-keys -t step '%s' Enter", keys);
    free(tmux_run(t, args, &st));
    CU_ASSERT_EQUAL(st, 0);
}

static bool tmux_start(tmux *t, const char *env)
{
    int st;
    char *which = ts_capture("command -v tmux", &st);
    free(which);
    if (st != 0) {
        CU_FAIL("tmux is not installed (tools/setup.sh installs it)");
        return false;
    }
    snprintf(t->dir, sizeof t->dir, "/tmp/threadsim-tmux-XXXXXX");
    if (!mkdtemp(t->dir)) {
        CU_FAIL("mkdtemp");
        return false;
    }
    snprintf(t->sock, sizeof t->sock, "%s/sock", t->dir);
    char args[1024];
    snprintf(args, sizeof args,
             "-f /dev/null new-session -d -s step -x 80 -y 24 "
             "'cd %s && env %s TERM=xterm-256color %s step daemon-join/join --no-db'",
             t->dir, env, THREADSIM_BINARY);
    free(tmux_run(t, args, &st));
    CU_ASSERT_EQUAL(st, 0);
    return st == 0;
}

static void tmux_stop(tmux *t)
{
    int st;
    free(tmux_run(t, "kill-server", &st));
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", t->dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

static void test_tmux_screen(void)
{
    tmux t;
    if (!tmux_start(&t, "NO_COLOR=1"))
        return;
    char *s = tmux_wait(&t, "\nstep>", false);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "threadsim step daemon-join/join · event 0"));
    free(s);
    tmux_keys(&t, "step 4");
    s = tmux_wait(&t, "event 4 ", false);
    /* the screen: header on the first line, the choice, the prompt on the last */
    CU_ASSERT_EQUAL(strncmp(s, "threadsim step daemon-join/join · event 4 · t=0.000000000", 58), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "next    2 can run: #2 daemon (default), #0 MainThread\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\nstep>"));
    CU_ASSERT_PTR_NULL(strchr(s, '\033'));
    int lines = 0;
    for (const char *p = s; *p; p++)
        lines += *p == '\n';
    CU_ASSERT_TRUE(lines <= 24);
    free(s);
    tmux_keys(&t, "choose 0");
    s = tmux_wait(&t, "event 5 ", false);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "last    5 MainThread start non-daemon\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "next    3 can run: #1 non-daemon (default), #2 daemon, #0 MainThread"));
    free(s);
    tmux_keys(&t, "back");
    s = tmux_wait(&t, "event 4 ", false);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "#0 MainThread (your path)"));
    free(s);
    tmux_keys(&t, ""); /* an empty line repeats 'back': already at the first choice, so the start */
    s = tmux_wait(&t, "event 0 ", false);
    free(s);
    tmux_keys(&t, "continue");
    s = tmux_wait(&t, "end     the program finished: exit status 0", false);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "(daemon   ) Exiting"));
    free(s);
    tmux_keys(&t, "quit");
    /* the program leaves: the session ends */
    int st = 0;
    for (int i = 0; i < 200; i++) {
        free(tmux_run(&t, "has-session -t step", &st));
        if (st != 0)
            break;
        usleep(25000);
    }
    CU_ASSERT_NOT_EQUAL(st, 0);
    tmux_stop(&t);
}

/* On a terminal without NO_COLOR, states are coloured; with it, not (above). */
static void test_tmux_colour(void)
{
    tmux t;
    if (!tmux_start(&t, "-u NO_COLOR"))
        return;
    tmux_keys(&t, "step 6");
    char *s = tmux_wait(&t, "event 6 ", true);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\033[32mrunning")); /* the daemon, in green */
    free(s);
    tmux_keys(&t, "quit");
    tmux_stop(&t);
}

TS_TESTS("step",
         TS_TEST(test_starts_before_the_first_event),
         TS_TEST(test_step_one_event_at_a_time),
         TS_TEST(test_continue_is_the_fifo_run),
         TS_TEST(test_choose_reaches_another_interleaving),
         TS_TEST(test_back_then_choose_again),
         TS_TEST(test_path_ahead_is_followed),
         TS_TEST(test_next_output_and_breakpoints),
         TS_TEST(test_decisions_in_order),
         TS_TEST(test_goal),
         TS_TEST(test_token_round_trip),
         TS_TEST(test_token_that_does_not_fit),
         TS_TEST(test_render_fits_the_screen),
         TS_TEST(test_script_transcript),
         TS_TEST(test_script_errors),
         TS_TEST(test_script_goal),
         TS_TEST(test_script_event_page),
         TS_TEST(test_script_python_program),
         TS_TEST(test_script_replay_and_store),
         TS_TEST(test_tmux_screen),
         TS_TEST(test_tmux_colour))
