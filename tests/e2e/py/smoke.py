#!/usr/bin/env python3
"""The postgres route's end-to-end smoke test, on the standard sqlite3
module, unmodified: run it under `litelift run --dsn ...`. Prints OK."""
import os
import sqlite3
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "smoke.db"
con = sqlite3.connect(path)
con.execute("PRAGMA foreign_keys = ON")
con.executescript("""
    CREATE TABLE files (path TEXT PRIMARY KEY, mtime REAL, size INT);
    CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT);
""")
with con:
    con.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", ("/a", 1.5, 10))
    con.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", ("/a", 2.5, 20))
rows = con.execute("SELECT path, mtime, size FROM files").fetchall()
assert rows == [("/a", 2.5, 20)], rows

tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
assert tables == ["files", "notes", "sqlite_sequence"], tables

info = [r[1] for r in con.execute("PRAGMA table_info(files)")]
assert info == ["path", "mtime", "size"], info

with con:
    c1 = con.execute("INSERT INTO notes (body) VALUES (?)", ("one",))
    c2 = con.execute("INSERT INTO notes (body) VALUES (?)", ("two",))
assert (c1.lastrowid, c2.lastrowid) == (1, 2), (c1.lastrowid, c2.lastrowid)

try:
    with con:
        con.execute("INSERT INTO files VALUES (?, ?, ?)", ("/a", 3.5, 30))
    raise AssertionError("duplicate insert succeeded")
except sqlite3.IntegrityError as e:
    assert "UNIQUE constraint failed: files.path" in str(e), str(e)

con.close()
print("OK")
