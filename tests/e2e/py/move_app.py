"""An app's database for tests/e2e/move.sh: build it, query it, write to it.

  move_app.py build FILE   the app's file: tables of every kind, values of
                           every storage class, an index, a view, a trigger
  move_app.py query FILE   every table's rows with their typeof, the view,
                           sqlite_sequence, user_version, application_id
  move_app.py write FILE   the app's writes after the switch
"""
import sqlite3
import sys

SCHEMA = """
CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL, data BLOB, note);
CREATE TABLE log(msg TEXT, at INTEGER);
CREATE TABLE events(id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT, payload);
CREATE TABLE kv(k TEXT PRIMARY KEY, v) WITHOUT ROWID;
CREATE TABLE odd(rowid TEXT, v INTEGER, twice INTEGER GENERATED ALWAYS AS (v * 2) STORED);
CREATE TABLE pairs(a INTEGER, b TEXT, v, PRIMARY KEY(a, b DESC)) WITHOUT ROWID;
CREATE TABLE names(n TEXT COLLATE NOCASE PRIMARY KEY, v INTEGER) WITHOUT ROWID;
CREATE INDEX items_name ON items(name, price);
CREATE VIEW expensive AS SELECT id, name, price FROM items WHERE price > 10;
CREATE TRIGGER items_log AFTER INSERT ON items
  BEGIN INSERT INTO log(msg, at) VALUES ('added ' || new.name, new.id); END;
"""

# Every storage class in the untyped column (typed columns hold their own
# class: the route refuses a blob in a TEXT column, docs/compatibility.md).
NOTES = [None, 42, -7.25, "text é ✓", b"\x00\x01\xfe\xff", b"", "", 2**62, 1e300,
         "with\x00nul"]


def build(path):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")  # kept by export (the file's header)
    db.executescript(SCHEMA)
    db.execute("BEGIN")
    for i in range(1, 3001):
        note = NOTES[i % len(NOTES)]
        price = None if i % 7 == 0 else i * 1.5
        data = bytes((i + k) % 256 for k in range(i % 40)) if i % 3 else None
        db.execute("INSERT INTO items(id, name, price, data, note) VALUES (?, ?, ?, ?, ?)",
                   (i * 3, "item %d" % i, price, data, note))
    db.execute("INSERT INTO items(id, name, data) VALUES (9000000000, ?, ?)",
               ("last", b"\xff" * 1000))
    db.execute("DELETE FROM log WHERE at % 11 = 0")  # hidden rowids with gaps
    for i in range(1, 6):
        db.execute("INSERT INTO events(kind, payload) VALUES (?, ?)",
                   ("k%d" % i, NOTES[i]))
    db.execute("DELETE FROM events WHERE id > 3")  # the counter stays at 5
    for k, v in [("a", 1), ("b", 2.5), ("c", "three"), ("d", b"\x04"), ("e", None), ("é", "x")]:
        db.execute("INSERT INTO kv VALUES (?, ?)", (k, v))
    for i in range(1, 8):  # a column named rowid: the rowid is _rowid_
        db.execute("INSERT INTO odd(_rowid_, rowid, v) VALUES (?, ?, ?)", (i * 10, "r%d" % i, i))
    # WITHOUT ROWID tables filled out of key order (export writes them in
    # key order, as VACUUM would: tests/e2e/move.sh compares the b-trees).
    for i in range(2000):
        j = (i * 7919) % 2000
        db.execute("INSERT INTO pairs VALUES (?, ?, ?)", (j // 10, "b%03d" % (j % 10), NOTES[j % 10]))
        db.execute("INSERT INTO names VALUES (?, ?)", (("Name%04d" if j % 2 else "name%04d") % j, j))
    db.execute("COMMIT")
    db.execute("PRAGMA user_version = 7")
    db.execute("PRAGMA application_id = 1234567")
    db.close()


def show(db, sql):
    for row in db.execute(sql):
        print(" | ".join("%s:%r" % (type(v).__name__, v) for v in row))


def query(path):
    db = sqlite3.connect(path)
    for table, order in [("items", "rowid"), ("log", "rowid"), ("events", "rowid"),
                         ("kv", "k"), ("odd", "_rowid_"), ("pairs", "a, b DESC"), ("names", "n")]:
        cols = [r[1] for r in db.execute("PRAGMA table_info(%s)" % table)]
        rowid = {"kv": "", "odd": "_rowid_, ", "pairs": "", "names": ""}.get(table, "rowid, ")
        types = ", ".join("typeof(%s)" % c for c in cols)
        print("--", table)
        show(db, "SELECT %s*, %s FROM %s ORDER BY %s" % (rowid, types, table, order))
    print("-- expensive")
    show(db, "SELECT *, typeof(price) FROM expensive ORDER BY id")
    print("-- by name (the index)")
    show(db, "SELECT id FROM items WHERE name = 'item 77'")
    print("-- sqlite_sequence")
    show(db, "SELECT * FROM sqlite_sequence ORDER BY name")
    print("-- schema")
    show(db, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
    print("-- pragmas")
    show(db, "PRAGMA user_version")
    show(db, "PRAGMA application_id")
    db.close()


def write(path):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    db.execute("INSERT INTO items(name, price, data, note) VALUES ('new', 99.5, x'00ff', 3.5)")
    db.execute("INSERT INTO items(name, note) VALUES ('newer', x'')")
    db.execute("UPDATE items SET price = price * 2, note = 'changed' WHERE id % 10 = 0")
    db.execute("DELETE FROM items WHERE id BETWEEN 100 AND 200")
    db.execute("DELETE FROM log WHERE at < 50")
    db.execute("INSERT INTO log VALUES ('plain', 1)")
    db.execute("INSERT INTO events(kind, payload) VALUES ('after', ?)", (b"\x01",))
    db.execute("INSERT OR REPLACE INTO kv VALUES ('b', 'two and a half'), ('z', 26)")
    db.execute("INSERT INTO odd(rowid, v) VALUES ('new', 100)")
    db.execute("DELETE FROM odd WHERE v = 3")
    for i in range(300):  # new keys among the old ones, out of order
        j = 2000 + (i * 7) % 300
        db.execute("INSERT INTO pairs VALUES (?, ?, ?)", (j % 250, "c%03d" % j, i))
        db.execute("INSERT INTO names VALUES (?, ?)", (("NAME%04d" if i % 2 else "nAme%04d") % j, i))
    db.execute("DELETE FROM pairs WHERE a % 9 = 0")
    db.execute("UPDATE names SET v = v + 1 WHERE v % 5 = 0")
    db.execute("COMMIT")
    db.execute("PRAGMA user_version = 8")
    db.close()


if __name__ == "__main__":
    {"build": build, "query": query, "write": write}[sys.argv[1]](sys.argv[2])
