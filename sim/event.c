/* sim/event.c — names of event kinds. */
#include "event.h"

#include <string.h>

static const char *const event__names[SIM_EV__COUNT] = {
    [SIM_EV_CREATE] = "create",   [SIM_EV_START] = "start",     [SIM_EV_SWITCH] = "switch",
    [SIM_EV_BLOCK] = "block",     [SIM_EV_WAKE] = "wake",       [SIM_EV_TIMEOUT] = "timeout",
    [SIM_EV_OUTPUT] = "output",   [SIM_EV_EXIT] = "exit",       [SIM_EV_KILLED] = "killed",
    [SIM_EV_ERROR] = "error",     [SIM_EV_DEADLOCK] = "deadlock", [SIM_EV_LIMIT] = "limit",
    [SIM_EV_PREEMPT] = "preempt", [SIM_EV_YIELD] = "yield",     [SIM_EV_NOTE] = "note",
};

const char *sim_ev_kind_name(sim_ev_kind k)
{
    return (unsigned)k < SIM_EV__COUNT ? event__names[k] : "?";
}

int sim_ev_kind_parse(const char *name)
{
    for (int k = 0; k < SIM_EV__COUNT; k++)
        if (strcmp(event__names[k], name) == 0)
            return k;
    return -1;
}
