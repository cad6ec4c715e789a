# threadsim: reset corpus: SQLite's memory comes from the run's region (its
# global state in libsqlite3's data): threads writing to an in-memory database
import sqlite3, threading
db = sqlite3.connect(":memory:", check_same_thread=False)
db.execute("create table t(k, v)")
lock = threading.Lock()
def w(i):
    for j in range(3):
        with lock:
            db.execute("insert into t values (?, ?)", (i, j))
ts = [threading.Thread(target=w, args=(i,)) for i in range(3)]
[t.start() for t in ts]; [t.join() for t in ts]
print(db.execute("select group_concat(k) from t").fetchone()[0], db)
