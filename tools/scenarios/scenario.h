/*
 * tools/scenarios/scenario.h — the built-in scenarios: tutorial programs
 * written against the model's C API, each with the name of its expected
 * output file under traces/expected/.
 *
 * A scenario's main runs as the program's main thread. Misuse errors
 * propagate like uncaught Python exceptions through TS_CHECK.
 */
#ifndef TS_SCENARIO_H
#define TS_SCENARIO_H

#include <stddef.h>

#include "../../model/core.h"
#include "../../model/output.h"
#include "../../model/thread.h"

typedef struct ts_scenario {
    const char *name;          /* "daemon-join/no-join" */
    const char *summary;       /* one line for `threadsim list` */
    void (*main)(void *arg);   /* the program's main thread */
    int python;                /* dialect the page is written in (2 or 3) */
    const char *expected;      /* path under traces/expected/, or NULL */
} ts_scenario;

/* All scenarios, sorted by name. */
const ts_scenario *ts_scenarios(size_t *n);
/* By exact name; NULL if none. */
const ts_scenario *ts_scenario_find(const char *name);

/* Raise the pending exception if `call` failed (returned < 0). */
#define TS_CHECK(call)                                                                             \
    do {                                                                                           \
        if ((call) < 0)                                                                            \
            model_raise();                                                                         \
    } while (0)

/* Each page's file contributes a table; scenario.c gathers them. */
typedef struct ts_scenario_table {
    const ts_scenario *items;
    size_t n;
} ts_scenario_table;

extern const ts_scenario_table ts_daemon_join_scenarios;
extern const ts_scenario_table ts_create_scenarios;
extern const ts_scenario_table ts_naming_scenarios;
extern const ts_scenario_table ts_enumerate_scenarios;
extern const ts_scenario_table ts_subclass_scenarios;
extern const ts_scenario_table ts_queue_scenarios;
extern const ts_scenario_table ts_local_scenarios;
extern const ts_scenario_table ts_bench_scenarios;
extern const ts_scenario_table ts_timer_scenarios;
extern const ts_scenario_table ts_event_scenarios;
extern const ts_scenario_table ts_lock_scenarios;
extern const ts_scenario_table ts_rlock_scenarios;
extern const ts_scenario_table ts_with_scenarios;
extern const ts_scenario_table ts_condition_scenarios;
extern const ts_scenario_table ts_semaphore_scenarios;

#endif
