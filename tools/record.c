/*
 * tools/record.c — database and policy options, and recording a run while
 * it streams (see record.h).
 */
#include "record.h"

#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../sim/num.h"
#include "cli.h"

/* ---- --db / --no-db -------------------------------------------------------- */

ts_db_opts ts_db_opts_default(void)
{
    ts_db_opts d = {.path = STORE_DEFAULT_PATH, .none = false, .max_size = UINT64_MAX};
    return d;
}

bool ts_parse_size(const char *opt, const char *s, uint64_t *out)
{
    char num[32];
    size_t n = s ? strlen(s) : 0;
    uint64_t unit = 1;
    if (n > 0 && n < sizeof num) {
        memcpy(num, s, n + 1);
        switch (num[n - 1]) {
        case 'k': case 'K': unit = UINT64_C(1) << 10; break;
        case 'm': case 'M': unit = UINT64_C(1) << 20; break;
        case 'g': case 'G': unit = UINT64_C(1) << 30; break;
        case 't': case 'T': unit = UINT64_C(1) << 40; break;
        default: break;
        }
        if (unit > 1)
            num[n - 1] = '\0';
        uint64_t v;
        if (num[0] && sim_parse_u64(num, UINT64_MAX / unit, &v) == SIM_NUM_OK) {
            *out = v * unit;
            return true;
        }
    }
    ts_usage_error("%s needs a size in bytes, e.g. 1048576, 512K, 100M or 1G (0: no limit)%s%s%s",
                   opt, s ? ", not '" : "", s ? s : "", s ? "'" : "");
    return false;
}

int ts_parse_db_option(int argc, char **argv, ts_db_opts *d)
{
    if (strcmp(argv[0], "--no-db") == 0) {
        d->none = true;
        return 1;
    }
    if (strcmp(argv[0], "--db") == 0) {
        if (argc < 2 || !argv[1][0])
            return ts_usage_error("--db needs a path"), -1;
        d->path = argv[1];
        return 2;
    }
    if (strcmp(argv[0], "--max-db-size") == 0) {
        if (!ts_parse_size("--max-db-size", argc > 1 ? argv[1] : NULL, &d->max_size))
            return -1;
        return 2;
    }
    return 0;
}

/* The file's identity: device and inode if it exists, else its folder's
 * real path and its name. */
static bool db__same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    bool ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
    if (ea && eb)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (ea != eb)
        return false;
    char *ca = strdup(a), *cb = strdup(b);
    char ra[PATH_MAX], rb[PATH_MAX];
    bool same = false;
    if (ca && cb) {
        char *da = dirname(ca), *db = dirname(cb);
        if (realpath(da, ra) && realpath(db, rb) && strcmp(ra, rb) == 0) {
            const char *na = strrchr(a, '/'), *nb = strrchr(b, '/');
            same = strcmp(na ? na + 1 : a, nb ? nb + 1 : b) == 0;
        }
    }
    free(ca);
    free(cb);
    return same;
}

bool ts_path_is_db(const char *out, const char *db)
{
    if (!out || !db || strcmp(out, "-") == 0)
        return false;
    static const char *const side[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof side / sizeof *side; i++) {
        char p[PATH_MAX];
        if ((size_t)snprintf(p, sizeof p, "%s%s", db, side[i]) < sizeof p && db__same_file(out, p))
            return true;
    }
    return false;
}

int ts_check_not_db(const char *cmd, const char *what, const char *out, const ts_db_opts *d)
{
    if (d->none || !ts_path_is_db(out, d->path))
        return 0;
    return ts_usage_error("%s: %s '%s' is the database ('%s'): writing it would destroy the "
                          "recorded runs", cmd, what, out, d->path);
}

store *ts_db_open(const ts_db_opts *d, bool create)
{
    char err[600];
    uint64_t max = d->max_size, keep = 0;
    /* the limits hold for every recording, also replay's into a database
     * opened to read; a malformed variable is an error where it matters,
     * in a command that records */
    const char *e = getenv("THREADSIM_MAX_DB_SIZE");
    if (max == UINT64_MAX) {
        max = TS_DEFAULT_MAX_DB_SIZE;
        if (e && *e && create && !ts_parse_size("THREADSIM_MAX_DB_SIZE", e, &max))
            return NULL;
    }
    e = getenv("THREADSIM_KEEP");
    if (e && *e) {
        if (create && !ts_parse_u64("THREADSIM_KEEP", e, &keep))
            return NULL;
    } else if (strcmp(d->path, STORE_DEFAULT_PATH) == 0) {
        keep = TS_DEFAULT_KEEP;
    }
    store_open_opts o = store_open_opts_default();
    o.create = create;
    store *st = store_open(d->path, &o, err, sizeof err);
    if (!st)
        ts_usage_error("%s", err);
    else
        store_set_limits(st, max, keep);
    return st;
}

/* ---- --policy / --seed ------------------------------------------------------ */

ts_policy_opts ts_policy_opts_default(void)
{
    ts_policy_opts p;
    memset(&p, 0, sizeof p);
    snprintf(p.spec, sizeof p.spec, "fifo");
    p.pct_depth = 3;
    p.pct_steps = 1000;
    return p;
}

/* "pct", "pct:D" or "pct:D:K" (D and K decimal digits, sim/num.h). */
static int policy__parse_pct(const char *v, ts_policy_opts *p)
{
    uint64_t d = 3, k = 1000;
    char buf[64];
    if (strlen(v) >= sizeof buf)
        return -1;
    snprintf(buf, sizeof buf, "%s", v);
    if (strncmp(buf, "pct", 3) != 0 || (buf[3] && buf[3] != ':'))
        return -1;
    if (buf[3] == ':') {
        char *ds = buf + 4, *ks = strchr(ds, ':');
        if (ks)
            *ks++ = '\0';
        if (sim_parse_u64(ds, 64, &d) != SIM_NUM_OK ||
            (ks && sim_parse_u64(ks, UINT64_C(1) << 40, &k) != SIM_NUM_OK))
            return -1;
    }
    if (d < 1 || k < 1)
        return -1;
    p->pct_depth = (uint32_t)d;
    p->pct_steps = k;
    snprintf(p->spec, sizeof p->spec, "pct:%" PRIu64 ":%" PRIu64, d, k);
    return 0;
}

int ts_parse_policy_option(int argc, char **argv, ts_policy_opts *p)
{
    const char *a = argv[0];
    const char *v = argc > 1 ? argv[1] : NULL;
    if (strcmp(a, "--seed") == 0) {
        if (!ts_parse_u64(a, v, &p->seed))
            return -1;
        return 2;
    }
    if (strcmp(a, "--policy") != 0)
        return 0;
    if (v && (strcmp(v, "fifo") == 0 || strcmp(v, "random") == 0)) {
        snprintf(p->spec, sizeof p->spec, "%s", v);
        return 2;
    }
    if (v && strncmp(v, "pct", 3) == 0 && policy__parse_pct(v, p) == 0)
        return 2;
    return ts_usage_error("--policy needs fifo, random or pct[:DEPTH[:STEPS]] "
                          "(DEPTH 1..64, default 3; STEPS default 1000)"),
           -1;
}

int ts_policy_install(ts_policy_opts *p, model_opts *o)
{
    ts_policy_fini(p);
    o->seed = p->seed;
    if (strcmp(p->spec, "random") == 0) {
        sim_rng_seed(&p->rng, p->seed);
        o->policy = sim_policy_random(&p->rng);
    } else if (strncmp(p->spec, "pct", 3) == 0) {
        if (sim_pct_init(&p->pct, p->seed, p->pct_depth, p->pct_steps) != 0)
            return ts_usage_error("out of memory");
        p->pct_live = true;
        o->policy = sim_policy_pct(&p->pct);
    } else {
        o->policy = sim_policy_fifo();
    }
    return 0;
}

void ts_policy_fini(ts_policy_opts *p)
{
    if (p->pct_live)
        sim_pct_fini(&p->pct);
    p->pct_live = false;
}

/* ---- recording ------------------------------------------------------------ */

static void record__fmt_size(char *buf, size_t cap, uint64_t b)
{
    if (b >= (UINT64_C(1) << 30) && b % (UINT64_C(1) << 30) == 0)
        snprintf(buf, cap, "%" PRIu64 " GiB", b >> 30);
    else if (b >= (UINT64_C(1) << 20) && b % (UINT64_C(1) << 20) == 0)
        snprintf(buf, cap, "%" PRIu64 " MiB", b >> 20);
    else if (b >= 1024 && b % 1024 == 0)
        snprintf(buf, cap, "%" PRIu64 " KiB", b >> 10);
    else
        snprintf(buf, cap, "%" PRIu64 " bytes", b);
}

/* Past the size budget (the recorder judges it, store_rec_over_budget):
 * stop recording (once), say so; the run goes on. */
static void record__budget(ts_recording *r)
{
    if (!r->max_bytes || !store_rec_over_budget(r->rec))
        return;
    char lim[48];
    record__fmt_size(lim, sizeof lim, r->max_bytes);
    fflush(stdout);
    fprintf(stderr,
            "threadsim: recording stopped: database '%s' reached its size limit of %s "
            "(--max-db-size); run %" PRId64 " keeps what was recorded, the program runs on\n",
            store_path(r->st), lim, r->meta.id);
    store_rec_abandon(r->rec);
    r->rec = NULL;
    r->stopped = true;
}

static void record__sink(void *ud, const sim_event *ev)
{
    ts_recording *r = ud;
    if (r->next)
        r->next(r->next_ud, ev);
    if (r->rec) {
        store_rec_event(r->rec, ev);
        record__budget(r);
    }
}

static void record__decision(void *ud, uint64_t index, uint32_t n, uint32_t chosen,
                             uint32_t thread, bool step)
{
    ts_recording *r = ud;
    if (r->next_dec)
        r->next_dec(r->next_dec_ud, index, n, chosen, thread, step);
    if (r->rec) {
        store_rec_decision(r->rec, index, n, chosen, thread, step);
        record__budget(r);
    }
}

int ts_record_begin(ts_recording *r, store *st, const char *scenario, const char *policy,
                    model_opts *o, int64_t replay_of)
{
    memset(r, 0, sizeof *r);
    if (!st)
        return 0;
    r->meta.scenario = strdup(scenario);
    r->meta.policy = strdup(policy);
    r->meta.version = strdup(ts_build());
    r->meta.seed = o->seed;
    r->meta.python = o->python == 2 ? 2 : 3;
    r->meta.cfg = o->sim;
    r->meta.replay_of = replay_of;
    r->st = st;
    r->max_bytes = store_max_bytes(st);
    uint64_t size = 0;
    if (r->max_bytes && store_size(st, &size) == 0 && size >= r->max_bytes) {
        char lim[48];
        record__fmt_size(lim, sizeof lim, r->max_bytes);
        store_run_free(&r->meta);
        return ts_usage_error("database '%s' has reached its size limit of %s (--max-db-size): "
                              "nothing recorded; make room with 'threadsim prune' and "
                              "'threadsim vacuum', or run with --no-db",
                              store_path(st), lim);
    }
    r->rec = store_rec_begin(st, &r->meta);
    if (!r->rec) {
        ts_usage_error("%s", store_error(st));
        store_run_free(&r->meta);
        return TS_EXIT_USAGE;
    }
    r->next = o->sink;
    r->next_ud = o->sink_ud;
    o->sink = record__sink;
    o->sink_ud = r;
    r->next_dec = o->on_decision;
    r->next_dec_ud = o->decision_ud;
    o->on_decision = record__decision;
    o->decision_ud = r;
    return 0;
}

int ts_record_end(ts_recording *r, int status, const model_result *res)
{
    if (r->stopped) {
        int64_t id = r->meta.id;
        store_run_free(&r->meta);
        r->meta.id = id;
        return ts_usage_error("run %" PRId64 " stays incomplete: the database reached its "
                              "size limit (--max-db-size)", id);
    }
    if (!r->rec)
        return 0;
    int rc = store_rec_end(r->rec, ts_store_status(status, res), status, res->end_time,
                           res->threads);
    r->rec = NULL;
    int64_t id = r->meta.id;
    uint64_t hash = r->meta.hash;
    bool has_hash = r->meta.has_hash;
    store_run_free(&r->meta);
    r->meta.id = id;
    r->meta.hash = hash;
    r->meta.has_hash = has_hash;
    if (rc != 0)
        return ts_usage_error("%s (run %" PRId64 " stays incomplete)", store_error(r->st), id);
    uint64_t keep = store_keep(r->st), gone = 0;
    if (keep && store_prune(r->st, keep, -1, &gone) != 0)
        return ts_usage_error("%s", store_error(r->st));
    return 0;
}
