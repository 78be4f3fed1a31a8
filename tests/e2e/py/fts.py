"""Full-text search as apps use it (issue 13): FTS5 tables, an
external-content table kept in step by the program's statements, MATCH
with SQLite's query grammar, rank, bm25 with weights, highlight, snippet,
a rollback, and a second connection. Prints everything it sees; fts.sh
compares the output on the real SQLite and on the postgres route.

usage: fts.py DB [--bench N]   (--bench: index N generated documents on the
route/natively and print median search latencies in ms, one per query)
"""
import random
import sqlite3
import statistics
import sys
import time

WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike "
         "november oscar papa quebec romeo sierra tango uniform victor whiskey xray "
         "yankee zulu apple banana cherry damson elder fig grape").split()


def show(con, sql, *args):
    try:
        rows = con.execute(sql, args).fetchall()
        print(sql, args if args else "", "->", rows)
    except sqlite3.Error as e:
        print(sql, "-> error", type(e).__name__, e)


def main(path):
    con = sqlite3.connect(path, isolation_level=None)
    con.executescript("""
      CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT, body TEXT);
      CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content='articles',
        content_rowid='id');
      CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
      END;
      CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, body)
          VALUES ('delete', old.id, old.title, old.body);
      END;
      CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, body)
          VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO articles_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
      END;
      CREATE VIRTUAL TABLE notes USING fts5(text, tokenize='unicode61');
    """)
    docs = [
        ("Foxes", "the quick brown fox jumps over the lazy dog"),
        ("Boats", "six gunboats and a quick enemy movement"),
        ("Dogs", "the brown dog barked at the fox and the fox ran"),
        ("Café", "naïve café owners sell crème brûlée"),
    ]
    for title, body in docs:
        cur = con.execute("INSERT INTO articles (title, body) VALUES (?, ?)", (title, body))
        print("article", cur.lastrowid)
        con.execute("INSERT INTO notes (text) VALUES (?)", (body,))
    for q in ["fox", '"brown fox"', "quick*", "title:dogs", "fox AND dog", "fox OR gunboats",
              "fox NOT dog", "NEAR(brown fox, 3)", "cafe", "creme", "fox AND"]:
        show(con, "SELECT rowid, title FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid", q)
        show(con, "SELECT rowid FROM notes WHERE notes MATCH ? ORDER BY rank", q)
    show(con, "SELECT rowid, printf('%.6e', bm25(articles_fts, 5.0, 1.0)) FROM articles_fts "
              "WHERE articles_fts MATCH 'fox OR quick' ORDER BY bm25(articles_fts, 5.0, 1.0)")
    show(con, "SELECT highlight(articles_fts, 1, '[', ']') FROM articles_fts "
              "WHERE articles_fts MATCH 'fox' ORDER BY rowid")
    show(con, "SELECT snippet(notes, 0, '<', '>', '…', 3) FROM notes WHERE notes MATCH 'brown'")
    # The triggers keep the external-content index in step.
    con.execute("UPDATE articles SET body = 'no animals at all' WHERE id = 1")
    con.execute("DELETE FROM articles WHERE id = 2")
    show(con, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'fox' ORDER BY rowid")
    show(con, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'animals OR gunboats'")
    show(con, "INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
    con.execute("BEGIN")
    con.execute("INSERT INTO notes (text) VALUES ('a fox that never was')")
    show(con, "SELECT count(*) FROM notes WHERE notes MATCH 'fox'")
    con.execute("ROLLBACK")
    show(con, "SELECT count(*) FROM notes WHERE notes MATCH 'fox'")
    con.execute("DELETE FROM notes WHERE rowid = 2")
    other = sqlite3.connect(path)
    show(other, "SELECT rowid FROM notes WHERE notes MATCH 'quick OR fox' ORDER BY rowid")
    other.close()
    show(con, "SELECT type, name FROM sqlite_master ORDER BY name")
    con.execute("DROP TABLE notes")
    show(con, "SELECT type, name FROM sqlite_master ORDER BY name")
    con.close()


def bench(path, n):
    rnd = random.Random(7)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(body)")
    start = time.perf_counter()
    con.execute("BEGIN")
    con.executemany("INSERT INTO docs (body) VALUES (?)",
                    ((" ".join(rnd.choice(WORDS) for _ in range(8)),) for _ in range(n)))
    con.execute("COMMIT")
    indexed = time.perf_counter() - start
    queries = ["alpha", "zulu AND fig", '"bravo charlie"', "gr*", "alpha OR zulu"]
    out = ["index %d docs %.2fs" % (n, indexed)]
    for q in queries:
        sql = "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10"
        con.execute(sql, (q,)).fetchall()  # warm
        times = []
        for _ in range(5):
            t = time.perf_counter()
            con.execute(sql, (q,)).fetchall()
            times.append((time.perf_counter() - t) * 1000)
        out.append("%s %.2fms" % (q, statistics.median(times)))
    print("; ".join(out))


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[2] == "--bench":
        bench(sys.argv[1], int(sys.argv[3]))
    else:
        main(sys.argv[1])
