# threadsim: options --max-memory 64M
# threadsim: exit 0
# expect: MemoryError
# An in-memory SQLite database grown without bound (432 MiB resident under
# --max-memory 64M before SQLite allocated from the run's region): SQLite's
# out of memory, which the sqlite3 module raises as MemoryError.
import sqlite3
db = sqlite3.connect(":memory:")
db.execute("create table t(x)")
try:
    for i in range(10000):
        db.execute("insert into t values (zeroblob(1000000))")
    print("inserted them all")
except MemoryError as e:
    print("MemoryError", repr(e))
