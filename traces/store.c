/*
 * traces/store.c — opening the store: checks, migrations, connection setup,
 * and the error messages every store function shares (see store.h).
 *
 * Opening is careful because the file may be anything: missing, empty, a
 * text file, a SQLite file of another application, a threadsim database from
 * a newer version, corrupt, or locked by another process. The first read
 * (application_id and user_version, on page 1) tells most of these apart;
 * corruption further in surfaces later as SQLITE_CORRUPT from whichever
 * statement meets it, and store__fail turns that into the same kind of
 * one-line message.
 *
 * Several processes may create the same new database at once. Each reads
 * the header fields and the table count in one read transaction (so it sees
 * either a fresh file or a finished schema, never half of one); switching to
 * WAL is retried while another holds the file; the migrations take the
 * write lock (BEGIN IMMEDIATE), and whoever gets it second reads the version
 * again and finds nothing left to do.
 */
#include "store_int.h"
#include "store_sql.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- the built-in schema ------------------------------------------------- */

static const char store__v1[] =
    "CREATE TABLE runs (\n"
    "  id           INTEGER PRIMARY KEY,\n"
    "  scenario     TEXT NOT NULL,\n"
    "  policy       TEXT NOT NULL,\n"
    "  seed         INTEGER NOT NULL,\n"
    "  python       INTEGER NOT NULL,\n"
    "  switch_steps INTEGER NOT NULL,\n"
    "  switch_ns    INTEGER NOT NULL,\n"
    "  stack_size   INTEGER NOT NULL,\n"
    "  max_events   INTEGER NOT NULL,\n"
    "  max_time_ns  INTEGER NOT NULL,\n"
    "  replay_of    INTEGER REFERENCES runs(id),\n"
    "  status       TEXT NOT NULL\n"
    "               CHECK (status IN ('incomplete','ok','exception','deadlock','limit')),\n"
    "  exit_status  INTEGER,\n"
    "  events       INTEGER NOT NULL DEFAULT 0,\n"
    "  decisions    INTEGER NOT NULL DEFAULT 0,\n"
    "  threads      INTEGER NOT NULL DEFAULT 0,\n"
    "  end_time_ns  INTEGER,\n"
    "  trace_hash   TEXT,\n"
    "  recorded_at  TEXT NOT NULL,\n"
    "  host         TEXT NOT NULL,\n"
    "  version      TEXT NOT NULL\n"
    ") STRICT;\n"
    "CREATE TABLE threads (\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
    "  tid    INTEGER NOT NULL,\n"
    "  name   TEXT NOT NULL,\n"
    "  daemon INTEGER NOT NULL,\n"
    "  PRIMARY KEY (run_id, tid)\n"
    ") STRICT, WITHOUT ROWID;\n"
    "CREATE TABLE events (\n"
    "  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
    "  seq     INTEGER NOT NULL,\n"
    "  time_ns INTEGER NOT NULL,\n"
    "  kind    TEXT NOT NULL,\n"
    "  thread  INTEGER,\n"
    "  other   INTEGER,\n"
    "  obj     INTEGER,\n"
    "  arg     INTEGER NOT NULL,\n"
    "  reason  TEXT,\n"
    "  text    BLOB,\n"
    "  PRIMARY KEY (run_id, seq)\n"
    ") STRICT, WITHOUT ROWID;\n"
    "CREATE TABLE schedules (\n"
    "  run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
    "  decision INTEGER NOT NULL,\n"
    "  n        INTEGER NOT NULL,\n"
    "  chosen   INTEGER NOT NULL,\n"
    "  thread   INTEGER NOT NULL,\n"
    "  seq      INTEGER NOT NULL,\n"
    "  PRIMARY KEY (run_id, decision)\n"
    ") STRICT, WITHOUT ROWID;\n";

/* Version 2: explorations (store_explore.h). */
static const char store__v2[] =
    "CREATE TABLE explorations (\n"
    "  id          INTEGER PRIMARY KEY,\n"
    "  program     TEXT NOT NULL,\n"
    "  options     TEXT NOT NULL,\n"
    "  shard       TEXT,\n"
    "  schedules   INTEGER NOT NULL,\n"
    "  outcomes    INTEGER NOT NULL,\n"
    "  exhausted   INTEGER NOT NULL,\n"
    "  recorded_at TEXT NOT NULL,\n"
    "  host        TEXT NOT NULL,\n"
    "  version     TEXT NOT NULL\n"
    ") STRICT;\n"
    "CREATE TABLE outcomes (\n"
    "  exploration_id INTEGER NOT NULL REFERENCES explorations(id) ON DELETE CASCADE,\n"
    "  idx            INTEGER NOT NULL,\n"
    "  exit_status    INTEGER NOT NULL,\n"
    "  failure        TEXT,\n"
    "  detail         TEXT,\n"
    "  output         BLOB NOT NULL,\n"
    "  count          INTEGER NOT NULL,\n"
    "  first          INTEGER NOT NULL,\n"
    "  preemptions    INTEGER NOT NULL,\n"
    "  token          TEXT NOT NULL,\n"
    "  run_id         INTEGER REFERENCES runs(id) ON DELETE SET NULL,\n"
    "  PRIMARY KEY (exploration_id, idx)\n"
    ") STRICT, WITHOUT ROWID;\n"
    "CREATE TABLE explored (\n"
    "  exploration_id INTEGER NOT NULL REFERENCES explorations(id) ON DELETE CASCADE,\n"
    "  schedule       INTEGER NOT NULL,\n"
    "  choices        BLOB NOT NULL,\n"
    "  outcome        INTEGER NOT NULL,\n"
    "  PRIMARY KEY (exploration_id, schedule)\n"
    ") STRICT, WITHOUT ROWID;\n";

/* Version 3: events packed in batches (evbatch.h), one row per batch. The
 * rows of versions 1 and 2 stay where they were, renamed events_rows (the
 * name `events` is the SQL view of every format: the events(run)
 * table-valued function, store_sql.c); runs recorded before keep being read
 * from there, so upgrading rewrites nothing and loses nothing. */
static const char store__v3[] =
    "ALTER TABLE events RENAME TO events_rows;\n"
    "CREATE TABLE event_batches (\n"
    "  run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
    "  batch     INTEGER NOT NULL,\n"
    "  first_seq INTEGER NOT NULL,\n"
    "  n         INTEGER NOT NULL,\n"
    "  crc       INTEGER NOT NULL,\n"
    "  data      BLOB NOT NULL,\n"
    "  PRIMARY KEY (run_id, batch)\n"
    ") STRICT;\n";

/* Version 4: a run carries its program (store.h, store_program.c): the
 * source of a .py run, stored once per distinct text, and the Python options
 * it ran with. Runs recorded before keep NULL (replay reads the file). */
static const char store__v4[] =
    "CREATE TABLE programs (\n"
    "  hash   TEXT PRIMARY KEY,\n"
    "  source BLOB NOT NULL\n"
    ") STRICT, WITHOUT ROWID;\n"
    "ALTER TABLE runs ADD COLUMN program TEXT REFERENCES programs(hash);\n"
    "ALTER TABLE runs ADD COLUMN program_options TEXT;\n";

/* Version 5: the trace hash became XXH64 of the packed stream (hash.h);
 * runs recorded before keep theirs (FNV-1a of the full view), marked kind 1.
 * Batches may be stored compressed (evbatch.h: codec); those before are 0,
 * the packed bytes as they are. */
static const char store__v5[] =
    "ALTER TABLE runs ADD COLUMN trace_hash_kind INTEGER NOT NULL DEFAULT 1;\n"
    "ALTER TABLE event_batches ADD COLUMN codec INTEGER NOT NULL DEFAULT 0;\n";

/* Version 6: why an exploration stopped, when not at its budget or
 * exhausted: the --max-outputs limit its distinct outputs passed (NULL:
 * not so, or recorded before). */
static const char store__v6[] = "ALTER TABLE explorations ADD COLUMN max_outputs INTEGER;\n";

static const store_migration store__migrations[] = {
    {1, store__v1},
    {2, store__v2},
    {3, store__v3},
    {4, store__v4},
    {5, store__v5},
    {6, store__v6},
};

const store_migration *store_builtin_migrations(size_t *n)
{
    *n = sizeof store__migrations / sizeof store__migrations[0];
    return store__migrations;
}

store_open_opts store_open_opts_default(void)
{
    store_open_opts o = {.create = false, .busy_ms = 5000, .migrations = NULL, .nmigrations = 0};
    return o;
}

/* ---- errors ------------------------------------------------------------ */

int store__failf(store *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->err, sizeof st->err, fmt, ap);
    va_end(ap);
    return -1;
}

int store__fail(store *st, int rc, const char *what)
{
    const char *why;
    char buf[256];
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        why = "is locked by another process";
        break;
    case SQLITE_CORRUPT:
        why = "is corrupt (database disk image is malformed)";
        break;
    case SQLITE_NOTADB:
        why = "is not a SQLite database";
        break;
    case SQLITE_READONLY:
        why = "is read-only";
        break;
    case SQLITE_FULL:
        why = "cannot grow: the disk is full";
        break;
    case SQLITE_CANTOPEN:
        why = "cannot be opened";
        break;
    case SQLITE_NOMEM:
        why = "cannot be used: out of memory";
        break;
    default:
        snprintf(buf, sizeof buf, "gave an error: %s",
                 st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        why = buf;
        break;
    }
    if (what)
        return store__failf(st, "%s: database '%s' %s", what, st->path, why);
    return store__failf(st, "database '%s' %s", st->path, why);
}

int store__exec(store *st, const char *sql, const char *what)
{
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : store__fail(st, rc, what);
}

sqlite3_stmt *store__prepare(store *st, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK) {
        store__fail(st, rc, NULL);
        return NULL;
    }
    return stmt;
}

char *store__strdup(const char *s)
{
    if (!s)
        return NULL;
    char *p = strdup(s);
    if (!p) {
        fputs("threadsim: out of memory\n", stderr);
        abort();
    }
    return p;
}

const char *store_error(const store *st) { return st->err; }
const char *store_path(const store *st) { return st->path; }
int store_schema_version(const store *st) { return st->version; }

/* ---- opening ----------------------------------------------------------- */

/* One integer PRAGMA (application_id, user_version). */
static int store__pragma_int(store *st, const char *name, int *out)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA %s", name);
    sqlite3_stmt *stmt = store__prepare(st, sql);
    if (!stmt)
        return -1;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW ? 0 : store__fail(st, rc, NULL);
}

static int store__count_tables(store *st, int *n)
{
    sqlite3_stmt *stmt = store__prepare(st, "SELECT count(*) FROM sqlite_schema");
    if (!stmt)
        return -1;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW ? 0 : store__fail(st, rc, NULL);
}

/* Put the file in WAL mode (stored in the file, so usually already done).
 * Switching needs the file to itself, and SQLite does not wait for that
 * with the busy handler: when another process is creating the same file at
 * the same moment, retry for up to busy_ms. */
static int store__wal(store *st, int busy_ms)
{
    for (int waited = 0;; waited += 5) {
        sqlite3_stmt *stmt = store__prepare(st, "PRAGMA journal_mode = WAL");
        if (!stmt)
            return -1;
        int rc = sqlite3_step(stmt);
        bool wal = rc == SQLITE_ROW &&
                   sqlite3_stricmp((const char *)sqlite3_column_text(stmt, 0), "wal") == 0;
        sqlite3_finalize(stmt);
        if (wal)
            return 0;
        if (rc == SQLITE_ROW) /* the file cannot do WAL (e.g. in memory): go on without */
            return 0;
        if (((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) || waited >= busy_ms)
            return store__fail(st, rc, NULL);
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* Is this file ours, and not from the future? */
static int store__check(store *st, int app, int version, int latest)
{
    if (app == 0 && version == 0) {
        int n = 0;
        if (store__count_tables(st, &n) != 0)
            return -1;
        if (n != 0)
            return store__failf(st, "database '%s' is not a threadsim database "
                                    "(a SQLite database of another application)", st->path);
        return 0;
    }
    if (app != STORE_APPLICATION_ID)
        return store__failf(st, "database '%s' is not a threadsim database "
                                "(application_id %d)", st->path, app);
    if (version > latest)
        return store__failf(st, "database '%s' was written by a newer threadsim "
                                "(schema version %d; this one knows up to %d)",
                            st->path, version, latest);
    return 0;
}

/* Apply the migrations after the file's version, in one transaction. */
/* Files made by the first form of schema 2 have an `outcomes` table
 * without its run_id column (it was added to migration 2 itself, not as a
 * migration of its own): add it, empty, as the column is declared now.
 * Storing an exploration and pruning runs use it. Not being able to (a
 * read-only file) leaves the file as it is. */
static int store__repair(store *st)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM pragma_table_info('outcomes') "
                                   "WHERE name = 'run_id'",
                           -1, &s, NULL) != SQLITE_OK) {
        sqlite3_finalize(s);
        return 0; /* no outcomes table to mend */
    }
    int has = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 1;
    bool tbl = true;
    sqlite3_finalize(s);
    if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM sqlite_master WHERE name = 'outcomes'",
                           -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        tbl = sqlite3_column_int(s, 0) > 0;
    sqlite3_finalize(s);
    if (has || !tbl)
        return 0;
    /* a file that cannot be written is still read as it is */
    return sqlite3_exec(st->db,
                        "ALTER TABLE outcomes ADD COLUMN run_id INTEGER REFERENCES runs(id) ON "
                        "DELETE SET NULL",
                        NULL, NULL, NULL) == SQLITE_OK
               ? 0
               : -1;
}

static int store__migrate(store *st, const store_migration *m, size_t n)
{
    if (store__exec(st, "BEGIN IMMEDIATE", "cannot upgrade the schema") != 0)
        return -1;
    int app = 0, version = 0;
    /* Read again under the lock: another process may have done it. */
    if (store__pragma_int(st, "application_id", &app) != 0 ||
        store__pragma_int(st, "user_version", &version) != 0 ||
        store__check(st, app, version, m[n - 1].version) != 0)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        if (m[i].version <= version)
            continue;
        char *msg = NULL;
        if (sqlite3_exec(st->db, m[i].sql, NULL, NULL, &msg) != SQLITE_OK) {
            store__failf(st, "database '%s': migration to schema version %d failed: %s",
                         st->path, m[i].version, msg ? msg : sqlite3_errmsg(st->db));
            sqlite3_free(msg);
            goto fail;
        }
        version = m[i].version;
    }
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
             STORE_APPLICATION_ID, version);
    if (store__exec(st, sql, "cannot upgrade the schema") != 0)
        goto fail;
    if (store__exec(st, "COMMIT", "cannot upgrade the schema") != 0)
        goto fail;
    st->version = version;
    return 0;
fail:
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

/* Whether the database at `path` can only be read here: the file or its
 * folder not writable (SQLite's WAL needs the -shm and -wal files beside
 * it, so a read-write open of a database in a read-only folder, a CD, a
 * shared archive, failed even to list its runs). */
static bool store__read_only_place(const char *path)
{
    if (access(path, W_OK) != 0)
        return true;
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        return access(".", W_OK) != 0;
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    if (n >= sizeof dir)
        return false;
    memcpy(dir, path, n);
    dir[n] = '\0';
    return access(dir, W_OK) != 0;
}

/* "file:PATH?mode=ro&immutable=1", PATH percent-encoded: SQLite reads the
 * file as it is, without -shm or -wal (a -wal left by a writer that never
 * finished is not read). */
static bool store__ro_uri(const char *path, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t k = (size_t)snprintf(out, cap, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (k + 4 >= cap)
            return false;
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("/-._~", *p)) {
            out[k++] = (char)*p;
        } else {
            out[k++] = '%';
            out[k++] = hex[*p >> 4];
            out[k++] = hex[*p & 15];
        }
    }
    return (size_t)snprintf(out + k, cap - k, "?mode=ro&immutable=1") < cap - k;
}

store *store_open(const char *path, const store_open_opts *o, char *err, size_t errcap)
{
    store_open_opts opt = o ? *o : store_open_opts_default();
    const store_migration *m = opt.migrations ? opt.migrations : store__migrations;
    size_t nm = opt.migrations ? opt.nmigrations
                               : sizeof store__migrations / sizeof store__migrations[0];
    int latest = nm ? m[nm - 1].version : 0;
    store *st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    st->path = store__strdup(path);

    /* a file, always: "" and ":memory:" are SQLite's temporary databases
     * (every run recorded would be lost), and a name starting "file:" would
     * be read as a URI (its query string as options) */
    if (!*path || strcmp(path, ":memory:") == 0) {
        store__failf(st, "database '%s' is not a file name (the runs recorded would be lost)",
                     path);
        goto fail;
    }
    char local[4096];
    if (strncmp(path, "file:", 5) == 0) {
        if ((size_t)snprintf(local, sizeof local, "./%s", path) >= sizeof local) {
            store__failf(st, "database path too long");
            goto fail;
        }
        path = local;
    }

    if (!opt.create && access(path, F_OK) != 0) {
        store__failf(st, "no database at '%s' (record a run first: threadsim run NAME)", path);
        goto fail;
    }
    /* One connection per thread that uses it: no per-call mutex needed. */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (opt.create ? SQLITE_OPEN_CREATE : 0);
    bool ro = !opt.create && store__read_only_place(path);
    char uri[8192];
    if (ro) {
        if (!store__ro_uri(path, uri, sizeof uri)) {
            store__failf(st, "database path too long");
            goto fail;
        }
        flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    }
    int rc = sqlite3_open_v2(ro ? uri : path, &st->db, flags, NULL);
    if (rc != SQLITE_OK) {
        store__fail(st, rc, NULL);
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 1);
    /* A new file gets 16 KiB pages: a recording writes its batches in a
     * quarter of the page writes 4 KiB pages take (bench_store: 8 ms
     * instead of 19 for 8 MB). It only applies to a file not yet written;
     * an existing file keeps its page size. */
    if (opt.create && store__exec(st, "PRAGMA page_size = 16384", NULL) != 0)
        goto fail;
    sqlite3_busy_timeout(st->db, opt.busy_ms > 0 ? opt.busy_ms : 0);
    /* SQL sees every stored event through events(run) (store_sql.h) */
    rc = store_sql_register(st->db);
    if (rc != SQLITE_OK) {
        store__fail(st, rc, NULL);
        goto fail;
    }

    /* One read transaction, so the header fields and the table count come
     * from the same moment even while another process creates the file. */
    int app = 0, version = 0;
    if (store__exec(st, "BEGIN", NULL) != 0)
        goto fail;
    if (store__pragma_int(st, "application_id", &app) != 0 ||
        store__pragma_int(st, "user_version", &version) != 0 ||
        store__check(st, app, version, latest) != 0) {
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        goto fail;
    }
    if (store__exec(st, "COMMIT", NULL) != 0)
        goto fail;
    st->version = version;
    if (version == 0 && !opt.create) {
        store__failf(st, "database '%s' is empty (record a run first: threadsim run NAME)", path);
        goto fail;
    }
    if (ro) {
        /* read as it is: nothing to set, upgrade or repair */
        if (version < latest) {
            store__failf(st, "database '%s' is read-only here and of an older schema (%d; this "
                             "threadsim reads %d): open it once where it can be written",
                         path, version, latest);
            goto fail;
        }
        st->version = version;
        return st;
    }
    /* WAL: readers never block the writer, and a killed writer loses only
     * its uncommitted transaction. The mode is stored in the file. */
    if (store__wal(st, opt.busy_ms) != 0 ||
        store__exec(st, "PRAGMA synchronous = NORMAL", NULL) != 0)
        goto fail;
    if (version < latest && store__migrate(st, m, nm) != 0)
        goto fail;
    if (!opt.migrations)
        store__repair(st);
    return st;
fail:
    snprintf(err, errcap, "%s", st->err);
    store_close(st);
    return NULL;
}

void store_close(store *st)
{
    if (!st)
        return;
    if (st->db)
        sqlite3_close_v2(st->db);
    free(st->path);
    free(st);
}

/* ---- runs -------------------------------------------------------------- */

const char *store_status_name(store_status s)
{
    static const char *const names[] = {"incomplete", "ok", "exception", "deadlock", "limit"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

void store_run_free(store_run *r)
{
    free(r->scenario);
    free(r->policy);
    free(r->recorded_at);
    free(r->host);
    free(r->version);
    free(r->program);
    memset(r, 0, sizeof *r);
}
