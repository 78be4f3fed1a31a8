#!/usr/bin/env python3
"""An unmodified Python program on the standard sqlite3 module.

Run it as is (SQLite file), or under `litelift run --dsn ... -- python3
examples/notes.py` to keep the same data in PostgreSQL.
"""
import sqlite3
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "notes.db"
text = sys.argv[2] if len(sys.argv) > 2 else "hello from litelift"

con = sqlite3.connect(path)
con.execute("""CREATE TABLE IF NOT EXISTS notes (
                 id INTEGER PRIMARY KEY AUTOINCREMENT,
                 body TEXT NOT NULL,
                 stars REAL DEFAULT 0)""")
with con:
    cur = con.execute("INSERT INTO notes (body, stars) VALUES (?, ?)", (text, 4.5))
print("added note", cur.lastrowid)
for row in con.execute("SELECT id, body, stars, typeof(stars) FROM notes ORDER BY id"):
    print(" | ".join(str(v) for v in row))
con.close()
