/*
 * tools/cmd_keep.c — keeping the database's size in bounds:
 *
 *   prune --keep N | --older-than D   delete old runs with all their rows
 *   vacuum                            give the freed space back to the disk
 *
 * Recording keeps a budget too (record.c): a run stops being recorded when
 * the database reaches --max-db-size, and after each recorded run the
 * default database keeps its newest THREADSIM_KEEP (1000) runs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../sim/num.h"
#include "cli.h"
#include "record.h"

const char ts_help_prune[] =
    "usage: threadsim prune (--keep N | --older-than AGE) [options]\n\n"
    "Deletes recorded runs with their events, threads and schedules, in one\n"
    "transaction. Runs that replayed a deleted run keep their rows (their\n"
    "replay_of link is cleared), as do exploration outcomes. The file keeps its\n"
    "size until 'threadsim vacuum'. With both options, a run is deleted when it\n"
    "is outside the newest N and older than AGE.\n\n"
    "options:\n"
    "  --keep N              keep the newest N runs, delete the others\n"
    "  --older-than AGE      delete runs recorded more than AGE ago: a number\n"
    "                        with s, m, h, d or w (e.g. 30d, 12h)\n"
    "  --db PATH             the database (default ./threadsim.db)\n\n"
    "Exit status: 0; 125 for bad usage or an unusable database.\n";

const char ts_help_vacuum[] =
    "usage: threadsim vacuum [options]\n\n"
    "Rebuilds the database without the space that deleted runs left (SQLite's\n"
    "VACUUM) and empties its write-ahead log, so the file shrinks. Needs free\n"
    "disk space about the size of the database while it runs.\n\n"
    "options:\n"
    "  --db PATH             the database (default ./threadsim.db)\n\n"
    "Exit status: 0; 125 for bad usage or an unusable database.\n";

/* "30d", "12h", "90m", "45s", "2w" into seconds. */
static bool keep__age(const char *s, int64_t *secs)
{
    char num[32];
    size_t n = s ? strlen(s) : 0;
    if (n < 2 || n >= sizeof num)
        return false;
    int64_t unit;
    switch (s[n - 1]) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    case 'w': unit = 7 * 86400; break;
    default: return false;
    }
    memcpy(num, s, n - 1);
    num[n - 1] = '\0';
    uint64_t v;
    if (sim_parse_u64(num, (UINT64_C(1) << 40) / (uint64_t)unit, &v) != SIM_NUM_OK)
        return false;
    *secs = (int64_t)v * unit;
    return true;
}

/* --db, --help or an unknown argument for a command without positionals. */
static int keep__db_arg(const char *cmd, int argc, char **argv, ts_db_opts *db)
{
    int k = ts_parse_db_option(argc, argv, db);
    if (k < 0)
        return -1;
    if (k > 0 && db->none)
        return ts_usage_error("%s: --no-db makes no sense here", cmd), -1;
    if (k > 0)
        return k;
    if (argv[0][0] == '-')
        return ts_unknown_option(cmd, argv[0]), -1;
    return ts_usage_error("%s takes no arguments ('%s')", cmd, argv[0]), -1;
}

int ts_cmd_prune(int argc, char **argv)
{
    ts_db_opts db = ts_db_opts_default();
    uint64_t keep = UINT64_MAX;
    int64_t age = -1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(ts_help_prune, stdout);
            return TS_EXIT_OK;
        }
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--keep") == 0) {
            /* (at most SQLite's largest integer: a count past it was bound
             * as a negative one and every run went) */
            if (!ts_parse_uint("--keep", v, INT64_MAX, &keep))
                return TS_EXIT_USAGE;
            i++;
            continue;
        }
        if (strcmp(argv[i], "--older-than") == 0) {
            if (!keep__age(v, &age))
                return ts_usage_error("--older-than needs an age: a number with s, m, h, d or "
                                      "w (e.g. 30d)%s%s%s", v ? ", not '" : "", v ? v : "",
                                      v ? "'" : "");
            i++;
            continue;
        }
        int k = keep__db_arg("prune", argc - i, argv + i, &db);
        if (k < 0)
            return TS_EXIT_USAGE;
        i += k - 1;
    }
    if (keep == UINT64_MAX && age < 0)
        return ts_usage_error("prune needs --keep N or --older-than AGE");
    store *st = ts_db_open(&db, false);
    if (!st)
        return TS_EXIT_USAGE;
    uint64_t gone = 0;
    int status = TS_EXIT_OK;
    if (store_prune(st, keep, age, &gone) != 0)
        status = ts_usage_error("%s", store_error(st));
    else
        fprintf(stderr, "threadsim: pruned %" PRIu64 " run%s ('threadsim vacuum' shrinks the file)\n",
                gone, gone == 1 ? "" : "s");
    store_close(st);
    return status;
}

int ts_cmd_vacuum(int argc, char **argv)
{
    ts_db_opts db = ts_db_opts_default();
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(ts_help_vacuum, stdout);
            return TS_EXIT_OK;
        }
        int k = keep__db_arg("vacuum", argc - i, argv + i, &db);
        if (k < 0)
            return TS_EXIT_USAGE;
        i += k - 1;
    }
    store *st = ts_db_open(&db, false);
    if (!st)
        return TS_EXIT_USAGE;
    uint64_t before = 0, after = 0;
    int status = TS_EXIT_OK;
    if (store_size(st, &before) != 0 || store_vacuum(st) != 0 || store_size(st, &after) != 0)
        status = ts_usage_error("%s", store_error(st));
    else
        fprintf(stderr, "threadsim: vacuumed '%s': %" PRIu64 " -> %" PRIu64 " bytes\n",
                store_path(st), before, after);
    store_close(st);
    return status;
}
