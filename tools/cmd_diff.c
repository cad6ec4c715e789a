/*
 * tools/cmd_diff.c — `threadsim diff A B`: compare two runs, a run and an
 * expected-output file, or two files.
 *
 * A side is a run reference (an id, "last", "last~N") or else a file path
 * (write ./12 for a file named 12). Two runs are compared by their full views
 * (every event, virtual time, thread names: never wall time or host); with
 * --output, or when a side is a file, by output views (a file is read as an
 * output view, byte for byte).
 *
 * Identical: nothing printed, exit 0. Different: the first difference and a
 * unified diff on stdout, exit 1. Trouble (no such run or file, unusable
 * database): one line on stderr, exit 2.
 */
#include <inttypes.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../traces/diff.h"
#include "cli.h"
#include "record.h"

/* ---- shared with show, replay and check ------------------------------------ */

int ts_stored_view(store *st, int64_t id, bool full, sim_buf *out, bool *cut)
{
    if (store_view_max(st, id, full, TS_VIEW_MAX, out, cut) != 0)
        return ts_usage_error("%s", store_error(st));
    return 0;
}

void ts_run_label(const store_run *r, char *buf, size_t cap)
{
    snprintf(buf, cap, "run %" PRId64 " (%s, %s, seed %" PRIu64 ")", r->id, r->scenario,
             r->policy, r->seed);
}

bool ts_format_diff(const char *a, size_t na, const char *b, size_t nb, const char *label_a,
                    const char *label_b, bool full, unsigned context, sim_buf *out)
{
    trace_diff_opts o = trace_diff_opts_default();
    o.label_a = label_a;
    o.label_b = label_b;
    o.context = context;
    return trace_diff_report(a, na, b, nb, &o, full, out);
}

/* ---- diff --------------------------------------------------------------------- */

/* One side of the comparison. */
typedef struct diff__side {
    const char *arg;          /* as given */
    bool is_run;
    int64_t id;               /* the run */
    char label[320];          /* for the diff header */
    bool cut;                 /* its view was cut at TS_VIEW_MAX */
    uint64_t hash;            /* a run's trace hash, and its kind (0: none) */
    int hash_kind;
    sim_buf text;             /* its view */
} diff__side;

static bool diff__looks_like_run(const char *s)
{
    if (strcmp(s, "last") == 0 || strncmp(s, "last~", 5) == 0)
        return true;
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

static int diff__read_file(diff__side *s)
{
    FILE *f = fopen(s->arg, "rb");
    if (!f)
        return ts_usage_error("cannot read '%s' (not a run id, 'last', or a readable file)",
                              s->arg);
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (s->text.len + k > SIM_READ_FILE_MAX) { /* /dev/zero, a runaway file */
            fclose(f);
            return ts_usage_error("cannot read '%s': %s", s->arg, strerror(EFBIG));
        }
        sim_buf_add(&s->text, chunk, k);
    }
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return ts_usage_error("cannot read '%s'", s->arg);
    snprintf(s->label, sizeof s->label, "%s", s->arg);
    return 0;
}

const char ts_help_diff[] =
    "usage: threadsim diff A B [options]\n\n"
    "Compares two runs (full views: every event), or a run and an expected-output file,\n"
    "or two files (output views). A and B are run ids, 'last', 'last~N' (N runs before\n"
    "the last), or file paths. Prints nothing if they are the same; else the first\n"
    "difference and a unified diff.\n\n"
    "options:\n"
    "  --output              compare two runs' output views instead of full views\n"
    "  --context N           lines of context in the diff (3)\n"
    "  --db PATH             the database (default ./threadsim.db)\n\n"
    "Exit status: 0 the same; 1 different (as diff(1)); 125 for bad usage, an\n"
    "unreadable file, an unknown run or an unusable database.\n";

int ts_cmd_diff(int argc, char **argv)
{
    ts_db_opts db = ts_db_opts_default();
    bool output = false;
    uint64_t context = 3;
    diff__side side[2];
    memset(side, 0, sizeof side);
    int nsides = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(ts_help_diff, stdout);
            return TS_EXIT_OK;
        }
        if (strcmp(argv[i], "--output") == 0) {
            output = true;
            continue;
        }
        if (strcmp(argv[i], "--context") == 0) {
            if (!ts_parse_u64("--context", i + 1 < argc ? argv[i + 1] : NULL, &context))
                return TS_EXIT_USAGE;
            if (context > 1000)
                return ts_usage_error("--context is at most 1000");
            i++;
            continue;
        }
        int k = ts_parse_db_option(argc - i, argv + i, &db);
        if (k < 0)
            return TS_EXIT_USAGE;
        if (k > 0) {
            if (db.none)
                return ts_usage_error("diff: --no-db makes no sense here");
            i += k - 1;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1])
            return ts_unknown_option("diff", argv[i]);
        if (nsides == 2)
            return ts_usage_error("diff: two things to compare, not more ('%s')", argv[i]);
        side[nsides++].arg = argv[i];
    }
    if (nsides != 2)
        return ts_usage_error("diff: needs two runs or files (see 'threadsim diff --help')");

    int status = TS_EXIT_USAGE;
    store *st = NULL;
    for (int s = 0; s < 2; s++)
        side[s].is_run = diff__looks_like_run(side[s].arg);
    bool full = side[0].is_run && side[1].is_run && !output;
    if ((side[0].is_run || side[1].is_run) && !(st = ts_db_open(&db, false)))
        goto done;
    for (int s = 0; s < 2; s++) {
        diff__side *d = &side[s];
        if (!d->is_run) {
            if (diff__read_file(d) != 0)
                goto done;
            continue;
        }
        store_run r;
        if (store_resolve(st, d->arg, &d->id) != 0 || store_run_get(st, d->id, &r) != 0) {
            ts_usage_error("%s", store_error(st));
            goto done;
        }
        ts_run_label(&r, d->label, sizeof d->label);
        if (r.status == STORE_INCOMPLETE)
            fprintf(stderr, "threadsim: note: run %" PRId64 " is incomplete (%" PRIu64
                            " events recorded)\n", r.id, r.events);
        d->hash = r.status == STORE_INCOMPLETE ? 0 : r.hash;
        d->hash_kind = r.hash_kind;
        store_run_free(&r);
    }
    if (full && side[0].hash && side[0].hash == side[1].hash &&
        side[0].hash_kind == side[1].hash_kind) {
        status = TS_EXIT_OK; /* the same trace hash: the same full view, unread */
        goto done;
    }
    for (int s = 0; s < 2; s++)
        if (side[s].is_run && ts_stored_view(st, side[s].id, full, &side[s].text, &side[s].cut) != 0)
            goto done;
    sim_buf out = {0};
    bool same = ts_format_diff(sim_buf_str(&side[0].text), side[0].text.len,
                               sim_buf_str(&side[1].text), side[1].text.len, side[0].label,
                               side[1].label, full, (unsigned)context, &out);
    if (side[0].cut || side[1].cut) {
        if (same) /* the first TS_VIEW_MAX of each are the same: the rest decides */
            same = side[0].cut == side[1].cut && side[0].hash && side[0].hash == side[1].hash;
        if (!same)
            sim_buf_printf(&out, "(a run's view is compared up to its first %zu MiB; %s)\n",
                           TS_VIEW_MAX >> 20,
                           full ? "the traces' hashes differ" : "the rest was not compared");
    }
    fwrite(sim_buf_str(&out), 1, out.len, stdout);
    fflush(stdout);
    sim_buf_free(&out);
    status = same ? TS_EXIT_OK : TS_EXIT_FAIL;
done:
    for (int s = 0; s < 2; s++)
        sim_buf_free(&side[s].text);
    store_close(st);
    return status;
}
