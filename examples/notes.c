/* A small C program written against the plain SQLite API, linked with
 * -llitelift instead of -lsqlite3. It keeps a notes table in the database
 * named by its argument (default notes.db), adds one note, and prints them.
 *
 *   notes_example [DB] [TEXT]
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

static int fail(sqlite3* db, const char* what) {
  fprintf(stderr, "%s: %s (%d)\n", what, sqlite3_errmsg(db),
          sqlite3_extended_errcode(db));
  sqlite3_close(db);
  return 1;
}

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "notes.db";
  const char* text = argc > 2 ? argv[2] : "hello from litelift";
  sqlite3* db = NULL;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      NULL) != SQLITE_OK) {
    return fail(db, "open");
  }
  if (sqlite3_exec(db,
                   "CREATE TABLE IF NOT EXISTS notes ("
                   "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
                   "  body TEXT NOT NULL,"
                   "  stars REAL DEFAULT 0)",
                   NULL, NULL, NULL) != SQLITE_OK) {
    return fail(db, "create");
  }
  sqlite3_stmt* insert = NULL;
  if (sqlite3_prepare_v2(db, "INSERT INTO notes (body, stars) VALUES (?1, ?2)",
                         -1, &insert, NULL) != SQLITE_OK) {
    return fail(db, "prepare insert");
  }
  sqlite3_bind_text(insert, 1, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_double(insert, 2, 4.5);
  if (sqlite3_step(insert) != SQLITE_DONE) return fail(db, "insert");
  sqlite3_finalize(insert);
  printf("added note %lld\n", (long long)sqlite3_last_insert_rowid(db));

  sqlite3_stmt* query = NULL;
  if (sqlite3_prepare_v2(db,
                         "SELECT id, body, stars, typeof(stars) FROM notes "
                         "ORDER BY id",
                         -1, &query, NULL) != SQLITE_OK) {
    return fail(db, "prepare select");
  }
  int rc;
  while ((rc = sqlite3_step(query)) == SQLITE_ROW) {
    printf("%lld | %s | %.1f | %s\n", (long long)sqlite3_column_int64(query, 0),
           (const char*)sqlite3_column_text(query, 1),
           sqlite3_column_double(query, 2),
           (const char*)sqlite3_column_text(query, 3));
  }
  if (rc != SQLITE_DONE) return fail(db, "select");
  sqlite3_finalize(query);
  return sqlite3_close(db) == SQLITE_OK ? 0 : 1;
}
