/*
 * tools/tsevents_ext.c — the loadable SQLite extension libtsevents.so: the
 * events(run) table-valued function (traces/store_sql.h) in the plain
 * sqlite3 shell, decoding packed batches with the very code threadsim uses.
 *
 *   $ sqlite3 threadsim.db
 *   sqlite> .load build/tools/libtsevents
 *   sqlite> SELECT seq, kind, thread FROM events(1) LIMIT 5;
 *
 * The library links the system's libsqlite3, the one the shell runs on.
 */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "../traces/store_sql.h"

int sqlite3_tsevents_init(sqlite3 *db, char **err, const sqlite3_api_routines *api);

int sqlite3_tsevents_init(sqlite3 *db, char **err, const sqlite3_api_routines *api)
{
    (void)err;
    SQLITE_EXTENSION_INIT2(api);
    return store_sql_register(db);
}
