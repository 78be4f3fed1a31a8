"""An app opening its database file: build FILE, or dump FILE (every
table's rows with each value's storage class, and user_version)."""
import json
import sqlite3
import sys

verb, path = sys.argv[1], sys.argv[2]
if verb == "build":
    db = sqlite3.connect(path)
    db.executescript("""
      CREATE TABLE items(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, price REAL, data BLOB);
      CREATE TABLE loose(a, b);
      CREATE INDEX items_name ON items(name);
      PRAGMA user_version = 7;
    """)
    db.executemany("INSERT INTO items(name, price, data) VALUES (?, ?, ?)",
                   [("item%d" % i, i * 1.25, bytes([i % 256]) * 3) for i in range(1, 201)])
    db.executemany("INSERT INTO loose VALUES (?, ?)",
                   [(1, "one"), (2.5, b"\x00\x01"), ("text", None), (2**62, -0.5)])
    db.commit()
elif verb == "dump":
    db = sqlite3.connect(path)
    out = {"user_version": db.execute("PRAGMA user_version").fetchone()[0]}
    names = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    out["sqlite_sequence"] = db.execute(
        "SELECT name, seq FROM sqlite_sequence ORDER BY name").fetchall()
    out["indexes"] = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")]
    for t in names:
        cols = [r[1] for r in db.execute("PRAGMA table_info(%s)" % t)]
        sel = ", ".join("%s, typeof(%s)" % (c, c) for c in cols)
        rows = db.execute("SELECT rowid, %s FROM %s ORDER BY rowid" % (sel, t)).fetchall()
        out[t] = [[v.hex() if isinstance(v, bytes) else v for v in r] for r in rows]
    print(json.dumps(out, sort_keys=True))
