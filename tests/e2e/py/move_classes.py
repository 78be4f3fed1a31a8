"""An SQLite file whose values test every way `litelift migrate` writes a
value: all five storage classes in untyped columns, mixed classes in one
column, NUL bytes and bytes that are not UTF-8 in text, large blobs,
extreme integers, reals such as 0.1, 1e300 and -0.0, every declared type
the route maps (INTEGER, REAL, TEXT, BLOB, NUMERIC, DECIMAL, DATETIME,
BOOLEAN, JSON), AUTOINCREMENT, WITHOUT ROWID, a column named rowid,
negative rowids, a long table name, and tables COPY leaves to the route
(a STRICT table).

    move_classes.py FILE
"""
import sqlite3
import sys

path = sys.argv[1]
db = sqlite3.connect(path, isolation_level=None)
db.executescript("""
CREATE TABLE u(a, b, c);
CREATE TABLE typed(id INTEGER PRIMARY KEY, i INT, r REAL, t TEXT, b BLOB, n NUMERIC,
                   d DECIMAL(10,2), dt DATETIME, flag BOOLEAN, j JSON, v VARCHAR(5));
CREATE TABLE auto(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);
CREATE TABLE wr(k TEXT PRIMARY KEY, v, n INT) WITHOUT ROWID;
CREATE TABLE named(rowid TEXT, v);
CREATE TABLE "Mixed Case"("Some Col" INT, other);
CREATE TABLE a_table_name_that_is_much_longer_than_sixty_three_bytes_on_the_server(x, y TEXT);
CREATE TABLE big(id INTEGER PRIMARY KEY, data BLOB, any_data);
CREATE TABLE empty(x);
CREATE TABLE times(at DATETIME);
CREATE TABLE strict_t(id INTEGER PRIMARY KEY, x INT, y TEXT, z ANY) STRICT;
CREATE TABLE parent(id INTEGER PRIMARY KEY);
CREATE TABLE child(pid REFERENCES parent(id), note);
CREATE INDEX u_a ON u(a);
CREATE UNIQUE INDEX typed_t ON typed(t);
CREATE VIEW v_typed AS SELECT id, i, t FROM typed;
CREATE TRIGGER auto_log AFTER INSERT ON auto BEGIN INSERT INTO empty VALUES (new.id); END;
PRAGMA user_version = 42;
PRAGMA application_id = 1234;
""")
db.execute("BEGIN")
values = [
    None, 0, 1, -1, 9223372036854775807, -9223372036854775808, 2 ** 53 + 1,
    0.1, 1e300, -1e300, 1.0, 3.0, -2.5, 1e-7, 5e-324, 9.5e18, 1e19, 1e16, 123456.789,
    "", "text", "0", "12", "1.5", " 7 ", "12 apples", "with \"quotes\" and \\ backslash\n\ttab\x01",
    "caf\u00e9 \u6f22\u5b57 \U0001f600", '{"a": [1, 2.5, "x"]}',
    b"", b"\x00", b"\x00\xff\x10", b"plain bytes", bytes(range(256)),
]
rows = []
for k, v in enumerate(values):
    rows.append((v, values[(k * 7 + 3) % len(values)], values[(k * 11 + 5) % len(values)]))
db.executemany("INSERT INTO u VALUES (?, ?, ?)", rows)
# Text that PostgreSQL's text cannot hold: a NUL inside, bytes not UTF-8.
db.execute("INSERT INTO u VALUES (CAST(x'610062' AS TEXT), CAST(x'ff00fe' AS TEXT), "
           "CAST(x'c328' AS TEXT))")
db.execute("INSERT INTO u(rowid, a) VALUES (-5, 'negative rowid'), (1000000, 'gap')")

ints = [0, 1, -1, 9223372036854775807, -9223372036854775808, 42]
reals = [0.1, 1e300, -0.0, 1e-300, 2.0, -2.5, 1.7976931348623157e308, float("inf")]
texts = ["", "x", "caf\u00e9", "tab\there", "back\\slash", "line\nbreak", "7", "2.5e3"]
blobs = [b"", b"\x00", b"\xff\xfe", b"\x00abc\x00", bytes(1000)]
nums = [1, -7, 0.1, 1e300, -2.5, 1e-7, 12345678901234567, 0.5]
decs = [9.99, 12, 0.01, -3.5, 100, 1e20, 2.25, 7]
dts = ["2024-01-02 03:04:05", "2023-11-14", "2024-02-29", None, "now", "today", "", "12:00"]
jsons = ['{"a": 1}', 1, 2.5, "plain", b"\x01", "caf\u00e9", "[1, 2]", None]
for k in range(8):
    db.execute("INSERT INTO typed(i, r, t, b, n, d, dt, flag, j, v) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (ints[k % len(ints)], reals[k], texts[k], blobs[k % len(blobs)], nums[k], decs[k],
                dts[k], k % 2, jsons[k], "v%d" % k))
db.execute("INSERT INTO typed(id, i) VALUES (-3, NULL), (9223372036854775807, 5)")

db.executemany("INSERT INTO auto(v) VALUES (?)", [("a",), ("b",), ("c",), ("d",), ("e",)])
db.execute("DELETE FROM auto WHERE id > 3")
db.executemany("INSERT INTO wr VALUES (?, ?, ?)",
               [("b", 1, 2), ("a", "two", None), ("c", b"\x00", -1), ("\u00e9", 1.5, 0)])
db.executemany("INSERT INTO named(rowid, v) VALUES (?, ?)", [("r1", 1), ("r2", 2.5)])
db.execute("INSERT INTO named(_rowid_, rowid, v) VALUES (-10, 'neg', NULL)")
db.executemany('INSERT INTO "Mixed Case" VALUES (?, ?)', [(1, "one"), (2, 2.0), (None, b"x")])
db.executemany("INSERT INTO a_table_name_that_is_much_longer_than_sixty_three_bytes_on_the_server "
               "VALUES (?, ?)", [(1, "a"), ("b", "b")])
# Large blobs, in a BLOB column and in an untyped one.
db.executemany("INSERT INTO big VALUES (?, ?, ?)",
               [(1, bytes(range(256)) * 20000, b"\x07" * 3000000), (2, b"", "small"),
                (3, b"\x00" * 1000000, None)])
db.executemany("INSERT INTO times VALUES (?)", [("2024-01-01",), ("2024-01-01 10:00:00",), ("12:00",)])
db.executemany("INSERT INTO strict_t(x, y, z) VALUES (?, ?, ?)",
               [(1, "a", 1), (2, "b", "z"), (None, None, 2.5)])
db.executemany("INSERT INTO parent VALUES (?)", [(1,), (2,)])
db.executemany("INSERT INTO child VALUES (?, ?)", [(1, "x"), (2, "y"), (None, "orphan")])
db.execute("COMMIT")
