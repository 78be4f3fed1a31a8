/* Opens one database and prints what happened: "rc=N errcode=N msg=...",
 * then, when it opened, runs the SQL given as the third argument and prints
 * its rows. Used by the routing end-to-end tests. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

static int print_row(void* unused, int n, char** values, char** names) {
  (void)unused;
  (void)names;
  for (int i = 0; i < n; ++i) printf("%s%s", i ? "|" : "", values[i] ? values[i] : "NULL");
  printf("\n");
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: open_probe DB [FLAGS] [SQL]\n");
    return 2;
  }
  int flags = argc > 2 ? atoi(argv[2]) : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3* db = NULL;
  int rc = sqlite3_open_v2(argv[1], &db, flags, NULL);
  printf("rc=%d errcode=%d msg=%s\n", rc, db ? sqlite3_extended_errcode(db) : -1,
         db ? sqlite3_errmsg(db) : "(no handle)");
  if (rc == SQLITE_OK && argc > 3) {
    char* err = NULL;
    if (sqlite3_exec(db, argv[3], print_row, NULL, &err) != SQLITE_OK) {
      printf("error: %s\n", err);
      sqlite3_free(err);
    }
  }
  printf("close=%d\n", sqlite3_close(db));
  return rc == SQLITE_OK ? 0 : 1;
}
