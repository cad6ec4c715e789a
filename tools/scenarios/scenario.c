/* tools/scenarios/scenario.c — the registry of built-in scenarios. */
#include "scenario.h"

#include <stdlib.h>
#include <string.h>

static const ts_scenario_table *const scenario__tables[] = {
    &ts_daemon_join_scenarios,
    &ts_create_scenarios,
    &ts_naming_scenarios,
    &ts_enumerate_scenarios,
    &ts_subclass_scenarios,
    &ts_queue_scenarios,
    &ts_local_scenarios,
    &ts_bench_scenarios,
    &ts_timer_scenarios,
    &ts_event_scenarios,
    &ts_lock_scenarios,
    &ts_rlock_scenarios,
    &ts_with_scenarios,
    &ts_condition_scenarios,
    &ts_semaphore_scenarios,
};

static ts_scenario *scenario__all;
static size_t scenario__n;

static int scenario__cmp(const void *a, const void *b)
{
    return strcmp(((const ts_scenario *)a)->name, ((const ts_scenario *)b)->name);
}

const ts_scenario *ts_scenarios(size_t *n)
{
    if (!scenario__all) {
        size_t total = 0;
        for (size_t i = 0; i < sizeof scenario__tables / sizeof scenario__tables[0]; i++)
            total += scenario__tables[i]->n;
        ts_scenario *all = malloc(total * sizeof *all);
        if (!all)
            abort();
        size_t k = 0;
        for (size_t i = 0; i < sizeof scenario__tables / sizeof scenario__tables[0]; i++)
            for (size_t j = 0; j < scenario__tables[i]->n; j++)
                all[k++] = scenario__tables[i]->items[j];
        qsort(all, total, sizeof *all, scenario__cmp);
        scenario__all = all;
        scenario__n = total;
    }
    *n = scenario__n;
    return scenario__all;
}

const ts_scenario *ts_scenario_find(const char *name)
{
    size_t n;
    const ts_scenario *all = ts_scenarios(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(all[i].name, name) == 0)
            return &all[i];
    return NULL;
}
