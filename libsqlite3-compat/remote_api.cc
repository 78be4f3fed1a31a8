// The C API of routed connections and their statements: each function takes
// the connection's mutex and calls Connection/Statement, or the shadow
// catalog where SQLite decides from the schema alone.

#include <cstdint>
#include <cstring>
#include <utility>

#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/pg/backup.h"
#include "libsqlite3-compat/pg/blob.h"
#include "libsqlite3-compat/pg/connection.h"
#include "libsqlite3-compat/pg/parking.h"
#include "libsqlite3-compat/remote_tables.h"
#include "libsqlite3-compat/text.h"
#include "router/log.h"
#include "shim/utf.h"

namespace litelift::compat {

namespace {

Connection* C(sqlite3* db) {
  return static_cast<Connection*>(reinterpret_cast<shim::RemoteHandle*>(db)->impl);
}
Statement* S(sqlite3_stmt* st) {
  return static_cast<Statement*>(reinterpret_cast<shim::RemoteHandle*>(st)->impl);
}
using Lock = std::lock_guard<std::recursive_mutex>;

// Ends a connection whose last statement is gone: its handle is freed, and
// the connection is parked for the next open of its database, or shut down.
void Destroy(Connection* c) {
  // The embedded engine's virtual tables hold litelift's own write
  // statements (embedded_write.cc); closing it finalizes them.
  c->embedded.Close();
  g_host->free_handle(c->handle);
  c->handle = nullptr;
  if (Park(c)) return;
  c->Shutdown();
  delete c;
}

// Whether the program still has statements of c (litelift's own, kept by
// the embedded engine's tables, do not keep a connection open) or
// unfinished backups using it.
bool HasProgramStatements(const Connection* c) {
  if (BackupsUsing(c) > 0) return true;
  for (const Statement* s : c->statements) {
    if (!s->internal) return true;
  }
  return false;
}

// ---- connection --------------------------------------------------------------

int Close(sqlite3* db) {
  Connection* c = C(db);
  {
    Lock lock(c->mu);
    if (HasProgramStatements(c)) {
      return c->SetError(SQLITE_BUSY,
                         "unable to close due to unfinalized statements or unfinished backups");
    }
  }
  Destroy(c);
  return SQLITE_OK;
}

int CloseV2(sqlite3* db) {
  Connection* c = C(db);
  {
    Lock lock(c->mu);
    if (HasProgramStatements(c)) {
      c->zombie = true;
      return SQLITE_OK;
    }
  }
  Destroy(c);
  return SQLITE_OK;
}

// A connection closed with close_v2 while statements remain is a zombie:
// SQLite answers its error calls as for any handle that is not open.
constexpr char kMisuse[] = "bad parameter or other API misuse";

int Errcode(sqlite3* db) {
  Lock l(C(db)->mu);
  return C(db)->zombie ? SQLITE_MISUSE : C(db)->err_code & 0xff;
}
int ExtendedErrcode(sqlite3* db) {
  Lock l(C(db)->mu);
  return C(db)->zombie ? SQLITE_MISUSE : C(db)->err_code;
}
const char* Errmsg(sqlite3* db) {
  Lock l(C(db)->mu);
  return C(db)->zombie ? kMisuse : C(db)->err_msg.c_str();
}
const void* Errmsg16(sqlite3* db) {
  Connection* c = C(db);
  Lock l(c->mu);
  c->err_msg16 = shim::Utf8ToUtf16(c->zombie ? kMisuse : c->err_msg);
  return c->err_msg16.c_str();
}
int ErrorOffset(sqlite3* db) {
  Lock l(C(db)->mu);
  return C(db)->zombie ? -1 : C(db)->err_offset;
}

int PrepareV3(sqlite3* db, const char* sql, int n, unsigned flags, sqlite3_stmt** out,
              const char** tail) {
  if (out == nullptr) return SQLITE_MISUSE;
  Connection* c = C(db);
  Lock l(c->mu);
  return c->Prepare(sql, n, flags, out, tail);
}
int PrepareV2(sqlite3* db, const char* sql, int n, sqlite3_stmt** out, const char** tail) {
  return PrepareV3(db, sql, n, 0, out, tail);
}

int Prepare16V3(sqlite3* db, const void* sql, int nbytes, unsigned flags, sqlite3_stmt** out,
                const void** tail) {
  if (out == nullptr) return SQLITE_MISUSE;
  *out = nullptr;
  if (sql == nullptr) return SQLITE_MISUSE;
  int units = 0;
  const char16_t* wide = static_cast<const char16_t*>(sql);
  while ((nbytes < 0 || units * 2 < nbytes) && wide[units] != 0) ++units;
  std::string utf8 = shim::Utf16ToUtf8(sql, units * 2);
  const char* tail8 = nullptr;
  int rc = PrepareV3(db, utf8.c_str(), static_cast<int>(utf8.size()), flags, out, &tail8);
  if (tail != nullptr) {
    // The tail in UTF-16: as many units as the consumed UTF-8 text makes.
    size_t used = tail8 != nullptr ? static_cast<size_t>(tail8 - utf8.c_str()) : utf8.size();
    *tail = wide + shim::Utf8ToUtf16(std::string_view(utf8).substr(0, used)).size();
  }
  return rc;
}
int Prepare16V2(sqlite3* db, const void* sql, int n, sqlite3_stmt** out, const void** tail) {
  return Prepare16V3(db, sql, n, 0, out, tail);
}

int StepApi(sqlite3_stmt* st);
int FinalizeApi(sqlite3_stmt* st);
int ColumnCount(sqlite3_stmt* st);
const char* ColumnName(sqlite3_stmt* st, int i);
const unsigned char* ColumnText(sqlite3_stmt* st, int i);
int ColumnType(sqlite3_stmt* st, int i);

// sqlite3_exec, as SQLite does it, over this connection's own statements.
int ExecApi(sqlite3* db, const char* sql, int (*callback)(void*, int, char**, char**), void* arg,
            char** errmsg) {
  Connection* c = C(db);
  Lock l(c->mu);
  if (errmsg != nullptr) *errmsg = nullptr;
  if (sql == nullptr) sql = "";
  int rc = SQLITE_OK;
  const char* rest = sql;
  std::vector<char*> values;
  std::vector<char*> names;
  while (rc == SQLITE_OK && rest[0] != '\0') {
    sqlite3_stmt* st = nullptr;
    const char* tail = nullptr;
    rc = c->Prepare(rest, -1, 0, &st, &tail);
    if (rc != SQLITE_OK) break;
    if (st == nullptr) {
      rest = tail;
      continue;
    }
    int ncol = ColumnCount(st);
    bool have_names = false;
    for (;;) {
      rc = StepApi(st);
      if (rc == SQLITE_ROW && callback != nullptr) {
        if (!have_names) {
          names.assign(static_cast<size_t>(ncol), nullptr);
          for (int i = 0; i < ncol; ++i)
            names[static_cast<size_t>(i)] = const_cast<char*>(ColumnName(st, i));
          have_names = true;
        }
        values.assign(static_cast<size_t>(ncol), nullptr);
        for (int i = 0; i < ncol; ++i) {
          values[static_cast<size_t>(i)] =
              reinterpret_cast<char*>(const_cast<unsigned char*>(ColumnText(st, i)));
        }
        if (callback(arg, ncol, values.data(), names.data()) != 0) {
          FinalizeApi(st);
          rc = c->SetError(SQLITE_ABORT, "query aborted");
          break;
        }
        continue;
      }
      if (rc != SQLITE_ROW) {
        int frc = FinalizeApi(st);
        rc = rc == SQLITE_DONE ? frc : rc;
        rest = tail;
        while (rest != nullptr && (*rest == ' ' || *rest == '\t' || *rest == '\n' || *rest == '\r'))
          ++rest;
        break;
      }
    }
    if (rc == SQLITE_ABORT) break;
  }
  if (rc != SQLITE_OK && errmsg != nullptr) {
    *errmsg = SQ(sqlite3_mprintf)("%s", c->err_msg.c_str());
  } else if (rc == SQLITE_OK) {
    c->ClearError();
  }
  return c->Masked(rc);
}

// sqlite3_get_table, laid out exactly as sqlite3_free_table expects.
struct TableResult {
  std::vector<char*> cells;  // cells[0] is the count slot
  int rows = 0, cols = 0;
  bool failed = false;
};
int TableCallback(void* arg, int n, char** values, char** names) {
  auto* t = static_cast<TableResult*>(arg);
  auto copy = [](const char* s) -> char* {
    if (s == nullptr) return nullptr;
    size_t len = std::strlen(s);
    char* out = static_cast<char*>(SQ(sqlite3_malloc64)(len + 1));
    if (out != nullptr) std::memcpy(out, s, len + 1);
    return out;
  };
  if (t->rows == 0) {
    t->cols = n;
    for (int i = 0; i < n; ++i) t->cells.push_back(copy(names[i]));
  }
  for (int i = 0; i < n; ++i) t->cells.push_back(copy(values[i]));
  ++t->rows;
  return 0;
}
int GetTable(sqlite3* db, const char* sql, char*** result, int* nrow, int* ncol, char** errmsg) {
  if (result == nullptr) return SQLITE_MISUSE;
  *result = nullptr;
  if (nrow) *nrow = 0;
  if (ncol) *ncol = 0;
  TableResult t;
  t.cells.push_back(nullptr);
  int rc = ExecApi(db, sql, TableCallback, &t, errmsg);
  auto** array = static_cast<char**>(SQ(sqlite3_malloc64)(sizeof(char*) * t.cells.size()));
  if (array == nullptr) return SQLITE_NOMEM;
  for (size_t i = 1; i < t.cells.size(); ++i) array[i] = t.cells[i];
  array[0] = reinterpret_cast<char*>(static_cast<intptr_t>(t.cells.size()));
  if (rc != SQLITE_OK) {
    SQ(sqlite3_free_table)(array + 1);
    return rc;
  }
  *result = array + 1;
  if (nrow) *nrow = t.rows;
  if (ncol) *ncol = t.cols;
  return SQLITE_OK;
}

int Changes(sqlite3* db) {
  Lock l(C(db)->mu);
  C(db)->SettleFor(false);  // pipelined writes decide it
  return static_cast<int>(C(db)->changes);
}
sqlite3_int64 Changes64(sqlite3* db) {
  Lock l(C(db)->mu);
  C(db)->SettleFor(false);  // pipelined writes decide it
  return C(db)->changes;
}
int TotalChanges(sqlite3* db) {
  Lock l(C(db)->mu);
  C(db)->SettleFor(false);  // pipelined writes decide it
  return static_cast<int>(C(db)->total_changes);
}
sqlite3_int64 TotalChanges64(sqlite3* db) {
  Lock l(C(db)->mu);
  C(db)->SettleFor(false);  // pipelined writes decide it
  return C(db)->total_changes;
}
sqlite3_int64 LastInsertRowid(sqlite3* db) {
  Lock l(C(db)->mu);
  C(db)->SettleFor(true);  // pipelined writes decide it
  return C(db)->last_insert_rowid;
}
void SetLastInsertRowid(sqlite3* db, sqlite3_int64 v) {
  Lock l(C(db)->mu);
  C(db)->SettleFor(true);  // pipelined writes decide it
  C(db)->last_insert_rowid = v;
}
int GetAutocommit(sqlite3* db) {
  Lock l(C(db)->mu);
  return C(db)->Autocommit() ? 1 : 0;
}
// The database a schema name names: main (also for NULL), temp once it
// holds objects (SQLite opens it on first use), or an attached one's;
// *filename: what sqlite3_db_filename gives for it. False for a name the
// connection does not have.
bool FindDatabase(Connection* c, const char* name, const char** filename) {
  std::string n = name != nullptr ? Lower(name) : "main";
  if (n == "main") return *filename = c->filename.c_str(), true;
  if (n == "temp" && c->has_temp_objects) return *filename = "", true;
  for (const Connection::Attached& a : c->attached) {
    if (a.name == n) return *filename = a.filename.c_str(), true;
  }
  return false;
}
int TxnState(sqlite3* db, const char* schema) {
  Connection* c = C(db);
  Lock l(c->mu);
  const char* filename = nullptr;
  // (One server transaction spans every database of the connection.)
  if (schema != nullptr && !FindDatabase(c, schema, &filename)) return -1;
  return c->Autocommit() ? SQLITE_TXN_NONE : c->txn_level;
}
int BusyTimeout(sqlite3* db, int ms) {
  Connection* c = C(db);
  Lock l(c->mu);
  c->busy_timeout_ms = ms > 0 ? ms : 0;
  c->busy_handler = nullptr;
  return SQ(sqlite3_busy_timeout)(c->shadow.db(), ms);
}
int BusyHandler(sqlite3* db, int (*fn)(void*, int), void* arg) {
  Connection* c = C(db);
  Lock l(c->mu);
  c->busy_handler = fn;
  c->busy_arg = arg;
  return SQLITE_OK;
}
void Interrupt(sqlite3* db) {
  // No lock: another thread runs the query. PQcancel is thread-safe.
  Connection* c = C(db);
  c->interrupts.fetch_add(1, std::memory_order_relaxed);
  PGconn* pg = c->pg;
  // (After fork, the session is the parent's: its query is not ours.)
  if (pg == nullptr || c->session_generation != ForkGeneration()) return;
  if (PGcancel* cancel = PQgetCancel(pg)) {
    char err[256];
    PQcancel(cancel, err, sizeof err);
    PQfreeCancel(cancel);
  }
}
const char* DbFilename(sqlite3* db, const char* name) {
  Connection* c = C(db);
  Lock l(c->mu);
  const char* filename = nullptr;
  return FindDatabase(c, name, &filename) ? filename : nullptr;
}
int DbReadonly(sqlite3* db, const char* name) {
  Connection* c = C(db);
  Lock l(c->mu);
  const char* filename = nullptr;
  if (!FindDatabase(c, name, &filename)) return -1;
  return c->readonly ? 1 : 0;
}
const char* DbName(sqlite3* db, int n) { return SQ(sqlite3_db_name)(C(db)->shadow.db(), n); }
int ExtendedResultCodes(sqlite3* db, int on) {
  Connection* c = C(db);
  Lock l(c->mu);
  c->extended_codes = on != 0;
  return SQLITE_OK;
}
sqlite3_stmt* NextStmt(sqlite3* db, sqlite3_stmt* after) {
  Connection* c = C(db);
  Lock l(c->mu);
  if (c->statements.empty()) return nullptr;
  // litelift's own statements (Statement::internal) are not the program's.
  size_t i = 0;
  if (after != nullptr) {
    Statement* s = S(after);
    while (i < c->statements.size() && c->statements[i] != s) ++i;
    ++i;
  }
  for (; i < c->statements.size(); ++i) {
    if (!c->statements[i]->internal) {
      return reinterpret_cast<sqlite3_stmt*>(c->statements[i]->handle);
    }
  }
  return nullptr;
}
int Limit(sqlite3* db, int id, int value) {
  if (value >= 0) C(db)->shadow_dirty = true;
  return SQ(sqlite3_limit)(C(db)->shadow.db(), id, value);
}
int DbConfigVa(sqlite3* db, int op, va_list ap) {
  Connection* c = C(db);
  Lock l(c->mu);
  sqlite3* sh = c->shadow.db();
  c->shadow_dirty = true;
  if (op == SQLITE_DBCONFIG_MAINDBNAME) return SQLITE_OK;  // the name stays "main"
  if (op == SQLITE_DBCONFIG_LOOKASIDE) return SQLITE_OK;
  if (op > SQLITE_DBCONFIG_LOOKASIDE && op <= SQLITE_DBCONFIG_MAX) {
    int on = va_arg(ap, int);
    int* result = va_arg(ap, int*);
    return SQ(sqlite3_db_config)(sh, op, on, result);
  }
  return SQLITE_ERROR;
}
// Registers on the shadow (statements the shadow runs call it) and records
// the call for the embedded engine (pg/embedded.h), which replays it when a
// read needs the program's function or collation on the server's rows.
int Register(sqlite3* db, Registration r, int rc) {
  Connection* c = C(db);
  if (rc == SQLITE_OK) c->registrations.push_back(std::move(r));
  return rc;
}
// Whether the embedded engine takes r now (it refuses to change a function
// its running statements use, as SQLite does); else the error is set.
bool EmbeddedTakes(Connection* c, const Registration& r, int* rc) {
  std::string error;
  *rc = c->embedded.Apply(c, r, &error);
  if (*rc == SQLITE_OK) return true;
  c->SetError(*rc, error);
  *rc = c->Masked(*rc);
  return false;
}
int CreateFunctionV2(sqlite3* db, const char* name, int n, int enc, void* app,
                     void (*f)(sqlite3_context*, int, sqlite3_value**),
                     void (*step)(sqlite3_context*, int, sqlite3_value**),
                     void (*final)(sqlite3_context*), void (*destroy)(void*)) {
  Connection* c = C(db);
  Lock l(c->mu);
  c->shadow_dirty = true;
  c->shadow.Invalidate();  // translations may use it (regexp)
  Registration r;
  r.name = name != nullptr ? name : "";
  r.n_arg = n;
  r.enc = enc;
  r.app = app;
  r.func = f;
  r.step = step;
  r.final = final;
  int refused = SQLITE_OK;
  if (!EmbeddedTakes(c, r, &refused)) return refused;
  return Register(
      db, std::move(r),
      SQ(sqlite3_create_function_v2)(c->shadow.db(), name, n, enc, app, f, step, final, destroy));
}
int CreateFunction(sqlite3* db, const char* name, int n, int enc, void* app,
                   void (*f)(sqlite3_context*, int, sqlite3_value**),
                   void (*step)(sqlite3_context*, int, sqlite3_value**),
                   void (*final)(sqlite3_context*)) {
  return CreateFunctionV2(db, name, n, enc, app, f, step, final, nullptr);
}
int CreateFunction16(sqlite3* db, const void* name, int n, int enc, void* app,
                     void (*f)(sqlite3_context*, int, sqlite3_value**),
                     void (*step)(sqlite3_context*, int, sqlite3_value**),
                     void (*final)(sqlite3_context*)) {
  if (name == nullptr) return SQLITE_MISUSE;
  std::string utf8 = shim::Utf16ToUtf8(name, -1);
  return CreateFunctionV2(db, utf8.c_str(), n, enc, app, f, step, final, nullptr);
}
int CreateWindowFunction(sqlite3* db, const char* name, int n, int enc, void* app,
                         void (*step)(sqlite3_context*, int, sqlite3_value**),
                         void (*final)(sqlite3_context*), void (*value)(sqlite3_context*),
                         void (*inverse)(sqlite3_context*, int, sqlite3_value**),
                         void (*destroy)(void*)) {
  Connection* c = C(db);
  Lock l(c->mu);
  c->shadow_dirty = true;
  c->shadow.Invalidate();
  Registration r;
  r.kind = Registration::Kind::kWindow;
  r.name = name != nullptr ? name : "";
  r.n_arg = n;
  r.enc = enc;
  r.app = app;
  r.step = step;
  r.final = final;
  r.value = value;
  r.inverse = inverse;
  int refused = SQLITE_OK;
  if (!EmbeddedTakes(c, r, &refused)) return refused;
  return Register(db, std::move(r),
                  SQ(sqlite3_create_window_function)(c->shadow.db(), name, n, enc, app, step, final,
                                                     value, inverse, destroy));
}
int CreateCollationV2(sqlite3* db, const char* name, int enc, void* arg,
                      int (*cmp)(void*, int, const void*, int, const void*),
                      void (*destroy)(void*)) {
  Connection* c = C(db);
  Lock l(c->mu);
  c->shadow_dirty = true;
  c->shadow.Invalidate();
  Registration r;
  r.kind = Registration::Kind::kCollation;
  r.name = name != nullptr ? name : "";
  r.enc = enc;
  r.app = arg;
  r.compare = cmp;
  int refused = SQLITE_OK;
  if (!EmbeddedTakes(c, r, &refused)) return refused;
  return Register(db, std::move(r),
                  SQ(sqlite3_create_collation_v2)(c->shadow.db(), name, enc, arg, cmp, destroy));
}
int CreateCollation(sqlite3* db, const char* name, int enc, void* arg,
                    int (*cmp)(void*, int, const void*, int, const void*)) {
  return CreateCollationV2(db, name, enc, arg, cmp, nullptr);
}
int CreateCollation16(sqlite3* db, const void* name, int enc, void* arg,
                      int (*cmp)(void*, int, const void*, int, const void*)) {
  if (name == nullptr) return SQLITE_MISUSE;
  std::string utf8 = shim::Utf16ToUtf8(name, -1);
  return CreateCollationV2(db, utf8.c_str(), enc, arg, cmp, nullptr);
}
int SetAuthorizer(sqlite3* db,
                  int (*fn)(void*, int, const char*, const char*, const char*, const char*),
                  void* arg) {
  Connection* c = C(db);
  Lock l(c->mu);
  c->authorizer = fn;
  c->authorizer_arg = arg;
  return SQLITE_OK;
}
void* CommitHook(sqlite3* db, int (*fn)(void*), void* arg) {
  Connection* c = C(db);
  Lock l(c->mu);
  void* old = c->commit_arg;
  c->commit_hook = fn;
  c->commit_arg = arg;
  return old;
}
void* RollbackHook(sqlite3* db, void (*fn)(void*), void* arg) {
  Connection* c = C(db);
  Lock l(c->mu);
  void* old = c->rollback_arg;
  c->rollback_hook = fn;
  c->rollback_arg = arg;
  return old;
}
void* UpdateHook(sqlite3* db, void (*fn)(void*, int, const char*, const char*, sqlite3_int64),
                 void* arg) {
  Connection* c = C(db);
  Lock l(c->mu);
  void* old = c->update_arg;
  c->update_hook = fn;
  c->update_arg = arg;
  return old;
}
int TraceV2(sqlite3* db, unsigned mask, int (*fn)(unsigned, void*, void*, void*), void* arg) {
  Connection* c = C(db);
  Lock l(c->mu);
  c->trace_mask = fn != nullptr ? mask : 0;
  c->trace_cb = fn;
  c->trace_arg = arg;
  return SQLITE_OK;
}
void* Trace(sqlite3* db, void (*fn)(void*, const char*), void* arg) {
  Connection* c = C(db);
  Lock l(c->mu);
  void* old = c->legacy_trace_arg;
  c->legacy_trace = fn;
  c->legacy_trace_arg = arg;
  return old;
}
void* Profile(sqlite3* db, void (*fn)(void*, const char*, sqlite3_uint64), void* arg) {
  Connection* c = C(db);
  Lock l(c->mu);
  void* old = c->profile_arg;
  c->profile = fn;
  c->profile_arg = arg;
  c->legacy_trace = nullptr;  // as SQLite: a profile callback ends the legacy trace
  return old;
}
void ProgressHandler(sqlite3* db, int n, int (*fn)(void*), void* arg) {
  Connection* c = C(db);
  Lock l(c->mu);
  c->progress = n > 0 ? fn : nullptr;
  c->progress_arg = arg;
}
int TableColumnMetadata(sqlite3* db, const char* dbname, const char* table, const char* column,
                        const char** type, const char** coll, int* notnull, int* pk, int* autoinc) {
  return SQ(sqlite3_table_column_metadata)(C(db)->shadow.db(), dbname, table, column, type, coll,
                                           notnull, pk, autoinc);
}
int WalCheckpointV2(sqlite3*, const char*, int, int* log, int* ckpt) {
  if (log) *log = 0;
  if (ckpt) *ckpt = 0;
  return SQLITE_OK;
}
int WalCheckpoint(sqlite3*, const char*) { return SQLITE_OK; }
int WalAutocheckpoint(sqlite3*, int) { return SQLITE_OK; }
void* WalHook(sqlite3*, int (*)(void*, sqlite3*, const char*, int), void*) { return nullptr; }
int FileControl(sqlite3*, const char*, int, void*) { return SQLITE_NOTFOUND; }
int DbCacheflush(sqlite3*) { return SQLITE_OK; }
int DbReleaseMemory(sqlite3*) { return SQLITE_OK; }
int DbStatus(sqlite3* db, int op, int* cur, int* hi, int reset) {
  return SQ(sqlite3_db_status)(C(db)->shadow.db(), op, cur, hi, reset);
}
sqlite3_mutex* DbMutex(sqlite3*) { return nullptr; }
int Unsupported(sqlite3* db, const char* call) {
  Connection* c = C(db);
  Lock l(c->mu);
  LL_WARN("{} is not supported on the postgres route", call);
  return c->SetError(SQLITE_ERROR,
                     std::string("litelift: ") + call + " is not supported on the postgres route");
}
int BlobOpen(sqlite3* db, const char* dbname, const char* table, const char* column,
             sqlite3_int64 rowid, int flags, sqlite3_blob** blob) {
  if (blob == nullptr) return SQLITE_MISUSE;
  Connection* c = C(db);
  Lock l(c->mu);
  return OpenBlob(c, dbname, table, column, rowid, flags, blob);
}
// A handle backup_init may use: a real connection, or a routed one that is
// open (not a failed open, a closed handle or a zombie).
bool UsableForBackup(sqlite3* db) {
  if (db == nullptr) return false;
  if (!g_host->is_remote(db)) return true;
  if (reinterpret_cast<shim::RemoteHandle*>(db)->api != &ConnectionApi()) return false;
  Lock l(C(db)->mu);
  return !C(db)->zombie;
}
sqlite3_backup* BackupInit(sqlite3* dest, const char* dest_name, sqlite3* src,
                           const char* src_name) {
  if (!UsableForBackup(dest) || !UsableForBackup(src)) return nullptr;  // SQLITE_MISUSE
  return RoutedBackupInit(dest, dest_name, src, src_name);
}
int LoadExtension(sqlite3* db, const char*, const char*, char** err) {
  if (err != nullptr) {
    *err = SQ(sqlite3_mprintf)(
        "litelift: sqlite3_load_extension is not supported on the postgres route");
  }
  return Unsupported(db, "sqlite3_load_extension");
}
int EnableLoadExtension(sqlite3*, int) { return SQLITE_OK; }
unsigned char* Serialize(sqlite3* db, const char* schema, sqlite3_int64* size,
                         unsigned int flags) {
  return RoutedSerialize(db, schema, size, flags);
}
int Deserialize(sqlite3* db, const char* schema, unsigned char* data, sqlite3_int64 size,
                sqlite3_int64 buffer_size, unsigned flags) {
  return RoutedDeserialize(db, schema, data, size, buffer_size, flags);
}
int UnlockNotify(sqlite3*, void (*notify)(void**, int), void* arg) {
  if (notify != nullptr) notify(&arg, 1);  // never blocked by another connection
  return SQLITE_OK;
}
int SystemErrno(sqlite3*) { return 0; }

// ---- statements --------------------------------------------------------------

int StepApi(sqlite3_stmt* st) {
  Statement* s = S(st);
  Lock l(s->conn->mu);
  if (!s->started) {
    s->began = std::chrono::steady_clock::now();
    if (s->conn->legacy_trace != nullptr) {
      s->conn->legacy_trace(s->conn->legacy_trace_arg, SQ(sqlite3_sql)(s->shadow));
    }
  }
  if (s->conn->trace_cb != nullptr && (s->conn->trace_mask & SQLITE_TRACE_STMT) && !s->started) {
    const char* text = SQ(sqlite3_sql)(s->shadow);
    s->conn->trace_cb(SQLITE_TRACE_STMT, s->conn->trace_arg, st, const_cast<char*>(text));
  }
  // The progress handler runs once per step here (SQLite: every N opcodes);
  // a non-zero answer interrupts, as in SQLite.
  if (s->conn->progress != nullptr && s->conn->progress(s->conn->progress_arg) != 0) {
    s->Failed(SQLITE_INTERRUPT, "interrupted");
    return s->conn->SetError(SQLITE_INTERRUPT, "interrupted");
  }
  int rc = s->Step();
  if (rc != SQLITE_ROW && s->conn->profile != nullptr) {
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::steady_clock::now() - s->began)
                  .count();
    s->conn->profile(s->conn->profile_arg, SQ(sqlite3_sql)(s->shadow),
                     static_cast<sqlite3_uint64>(ns));
  }
  return rc;
}
int ResetApi(sqlite3_stmt* st) {
  Statement* s = S(st);
  Lock l(s->conn->mu);
  return s->Reset();
}
int FinalizeApi(sqlite3_stmt* st) {
  Statement* s = S(st);
  Connection* c = s->conn;
  int rc;
  bool destroy;
  {
    Lock l(c->mu);
    rc = c->Finalize(s);
    destroy = c->zombie && !HasProgramStatements(c);
  }
  if (destroy) Destroy(c);
  return rc;
}
int ClearBindings(sqlite3_stmt* st) {
  Statement* s = S(st);
  Lock l(s->conn->mu);
  for (auto& p : s->params) p = BoundValue();
  return SQ(sqlite3_clear_bindings)(s->shadow);
}

// Binds on the shadow (range checks, expanded_sql) and keeps a copy.
int Bind(Statement* s, int i, int rc_shadow, BoundValue v) {
  if (rc_shadow != SQLITE_OK) {
    return s->conn->SetError(SQ(sqlite3_extended_errcode)(s->conn->shadow.db()),
                             SQ(sqlite3_errmsg)(s->conn->shadow.db()));
  }
  s->params[static_cast<size_t>(i)] = std::move(v);
  s->conn->err_code = SQLITE_OK;  // SQLite's binds clear the error code
  return SQLITE_OK;
}
bool Running(Statement* s) {
  if (!s->started) return false;
  s->conn->SetError(SQLITE_MISUSE, "bad parameter or other API misuse");
  return true;
}
void Dispose(void (*destroy)(void*), const void* p) {
  if (destroy != SQLITE_STATIC && destroy != SQLITE_TRANSIENT && destroy != nullptr) {
    destroy(const_cast<void*>(p));
  }
}

// SQLITE_UTF16: UTF-16 in the machine's byte order.
constexpr unsigned char kUtf16Native =
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? SQLITE_UTF16LE : SQLITE_UTF16BE;

// UTF-16 in the machine's order as UTF-8, exactly as SQLite converts a
// bound value (utf.c READ_UTF16, WRITE_UTF8): a surrogate joins the unit
// after it, whatever that is, one at the end stays a 3-byte sequence, and
// nothing is replaced, so the bytes are SQLite's (shim::Utf16ToUtf8 puts
// U+FFFD for unpaired surrogates).
std::string BoundUtf16ToUtf8(const std::string& native) {
  std::string out;
  out.reserve(native.size() * 3 / 2);
  const size_t units = native.size() / 2;
  auto unit = [&](size_t k) {
    char16_t u;
    std::memcpy(&u, native.data() + 2 * k, 2);
    return static_cast<uint32_t>(u);
  };
  for (size_t k = 0; k < units;) {
    uint32_t c = unit(k++);
    if (c >= 0xD800 && c < 0xE000 && k < units) {
      uint32_t c2 = unit(k++);
      c = (c2 & 0x03FF) + ((c & 0x003F) << 10) + (((c & 0x03C0) + 0x0040) << 10);
    }
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 + ((c >> 6) & 0x1F)));
      out.push_back(static_cast<char>(0x80 + (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 + ((c >> 12) & 0x0F)));
      out.push_back(static_cast<char>(0x80 + ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 + (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 + ((c >> 18) & 0x07)));
      out.push_back(static_cast<char>(0x80 + ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 + ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 + (c & 0x3F)));
    }
  }
  return out;
}

// SQLite's vdbeUnbind: a running statement refuses (SQLITE_MISUSE), an
// index out of range is SQLITE_RANGE (the shadow's answer); otherwise the
// parameter is NULL from here on, whatever follows.
int Unbind(Statement* s, int i) {
  if (Running(s)) return SQLITE_MISUSE;
  if (SQ(sqlite3_bind_null)(s->shadow, i) != SQLITE_OK) {
    return s->conn->SetError(SQ(sqlite3_extended_errcode)(s->conn->shadow.db()),
                             SQ(sqlite3_errmsg)(s->conn->shadow.db()));
  }
  s->params[static_cast<size_t>(i)] = BoundValue();
  return SQLITE_OK;
}

// The connection's SQLITE_LIMIT_LENGTH (the shadow holds the limits).
sqlite3_uint64 LengthLimit(Statement* s) {
  return static_cast<sqlite3_uint64>(
      SQ(sqlite3_limit)(s->conn->shadow.db(), SQLITE_LIMIT_LENGTH, -1));
}

// Bytes of a NUL-terminated UTF-16 string, counted as SQLite does: it stops
// looking past limit + 2 bytes (the caller then reports SQLITE_TOOBIG).
sqlite3_uint64 Utf16Length(const void* p, sqlite3_uint64 limit) {
  const auto* b = static_cast<const unsigned char*>(p);
  sqlite3_uint64 n = 0;
  while (n <= limit && (b[n] | b[n + 1]) != 0) n += 2;
  return n;
}

// Binds n bytes at p (text in `enc`, or a blob with enc 0) as SQLite's
// bindText does: unbind, then SQLITE_TOOBIG without reading the bytes when
// n is over the connection's length limit, else a copy.
int BindBytes(sqlite3_stmt* st, int i, const void* p, sqlite3_uint64 n, void (*destroy)(void*),
              int enc) {
  Statement* s = S(st);
  Lock l(s->conn->mu);
  int rc = Unbind(s, i);
  if (rc != SQLITE_OK) {
    Dispose(destroy, p);
    return rc;
  }
  if (p == nullptr) {  // NULL
    s->conn->err_code = SQLITE_OK;
    return SQLITE_OK;
  }
  if (n > LengthLimit(s)) {
    Dispose(destroy, p);
    return s->conn->SetError(SQLITE_TOOBIG, "string or blob too big");
  }
  BoundValue v;
  if (enc == 0) {
    v.type = SQLITE_BLOB;
    v.bytes.assign(static_cast<const char*>(p), n);
  } else if (enc == SQLITE_UTF8) {
    v.type = SQLITE_TEXT;
    v.bytes.assign(static_cast<const char*>(p), n);  // all of it, a NUL included, as SQLite
  } else {
    v.type = SQLITE_TEXT;
    std::string native(static_cast<const char*>(p), n & ~sqlite3_uint64{1});
    if (enc != kUtf16Native) {  // to the machine's order
      for (size_t k = 0; k + 1 < native.size(); k += 2) std::swap(native[k], native[k + 1]);
    }
    v.bytes = BoundUtf16ToUtf8(native);
  }
  Dispose(destroy, p);
  // The shadow binds the kept copy itself (SQLITE_STATIC), so that a large
  // value is held once: params[i] changes only after the shadow's binding
  // does (Unbind, ClearBindings) or with the shadow (Statement::Reprepare).
  BoundValue& kept = s->params[static_cast<size_t>(i)];
  kept = std::move(v);
  rc = kept.type == SQLITE_TEXT
           ? SQ(sqlite3_bind_text64)(s->shadow, i, kept.bytes.data(), kept.bytes.size(),
                                     SQLITE_STATIC, SQLITE_UTF8)
           : SQ(sqlite3_bind_blob64)(s->shadow, i, kept.bytes.data(), kept.bytes.size(),
                                     SQLITE_STATIC);
  if (rc != SQLITE_OK) {
    kept = BoundValue();
    return Bind(s, i, rc, BoundValue());
  }
  s->conn->err_code = SQLITE_OK;  // SQLite's binds clear the error code
  return SQLITE_OK;
}
int BindText(sqlite3_stmt* st, int i, const char* p, int n, void (*d)(void*)) {
  sqlite3_uint64 len = p == nullptr ? 0 : n < 0 ? std::strlen(p) : static_cast<sqlite3_uint64>(n);
  return BindBytes(st, i, p, len, d, SQLITE_UTF8);
}
// sqlite3_bind_text64's length is SQLite's i64: a "negative" one means
// NUL-terminated. SQLITE_UTF16 is the machine's byte order.
int BindText64(sqlite3_stmt* st, int i, const char* p, sqlite3_uint64 n, void (*d)(void*),
               unsigned char enc) {
  if (enc == SQLITE_UTF16) enc = kUtf16Native;
  if (enc != SQLITE_UTF16LE && enc != SQLITE_UTF16BE) enc = SQLITE_UTF8;
  bool terminated = static_cast<sqlite3_int64>(n) < 0;
  if (p != nullptr && terminated) {
    n = enc == SQLITE_UTF8 ? std::strlen(p) : Utf16Length(p, LengthLimit(S(st)));
  }
  return BindBytes(st, i, p, n, d, enc);
}
int BindText16(sqlite3_stmt* st, int i, const void* p, int n, void (*d)(void*)) {
  return BindText64(st, i, static_cast<const char*>(p),
                    static_cast<sqlite3_uint64>(static_cast<sqlite3_int64>(n)), d, kUtf16Native);
}
int BindBlob(sqlite3_stmt* st, int i, const void* p, int n, void (*d)(void*)) {
  return BindBytes(st, i, p, static_cast<sqlite3_uint64>(n < 0 ? 0 : n), d, 0);
}
int BindBlob64(sqlite3_stmt* st, int i, const void* p, sqlite3_uint64 n, void (*d)(void*)) {
  return BindBytes(st, i, p, n, d, 0);
}
int BindZeroblob(sqlite3_stmt* st, int i, int n) {
  Statement* s = S(st);
  Lock l(s->conn->mu);
  int rc = Unbind(s, i);
  if (rc != SQLITE_OK) return rc;
  sqlite3_uint64 zeros = static_cast<sqlite3_uint64>(n < 0 ? 0 : n);
  BoundValue v;
  v.type = SQLITE_BLOB;
  if (zeros > LengthLimit(s)) {
    // SQLite takes it and fails where it is used (SQLITE_TOOBIG): so does
    // the server statement (StartServer), without making the bytes.
    v.too_big = true;
  } else {
    v.bytes.assign(zeros, '\0');
  }
  return Bind(s, i, SQ(sqlite3_bind_zeroblob)(s->shadow, i, n), std::move(v));
}
// As SQLite: over the length limit is SQLITE_TOOBIG before anything else,
// and leaves the parameter and the connection's error as they were.
int BindZeroblob64(sqlite3_stmt* st, int i, sqlite3_uint64 n) {
  Statement* s = S(st);
  {
    Lock l(s->conn->mu);
    if (n > LengthLimit(s)) return SQLITE_TOOBIG;
  }
  return BindZeroblob(st, i, static_cast<int>(n));
}
int BindInt64(sqlite3_stmt* st, int i, sqlite3_int64 x) {
  Statement* s = S(st);
  Lock l(s->conn->mu);
  if (Running(s)) return SQLITE_MISUSE;
  BoundValue v;
  v.type = SQLITE_INTEGER;
  v.i = x;
  return Bind(s, i, SQ(sqlite3_bind_int64)(s->shadow, i, x), v);
}
int BindInt(sqlite3_stmt* st, int i, int x) { return BindInt64(st, i, x); }
int BindDouble(sqlite3_stmt* st, int i, double x) {
  Statement* s = S(st);
  Lock l(s->conn->mu);
  if (Running(s)) return SQLITE_MISUSE;
  BoundValue v;
  if (x != x) {  // SQLite binds NaN as NULL
    return Bind(s, i, SQ(sqlite3_bind_null)(s->shadow, i), v);
  }
  v.type = SQLITE_FLOAT;
  v.d = x;
  return Bind(s, i, SQ(sqlite3_bind_double)(s->shadow, i, x), v);
}
int BindNull(sqlite3_stmt* st, int i) {
  Statement* s = S(st);
  Lock l(s->conn->mu);
  if (Running(s)) return SQLITE_MISUSE;
  return Bind(s, i, SQ(sqlite3_bind_null)(s->shadow, i), BoundValue());
}
int BindPointer(sqlite3_stmt* st, int i, void* p, const char* type, void (*d)(void*)) {
  Statement* s = S(st);
  Lock l(s->conn->mu);
  if (Running(s)) {
    if (d != nullptr) d(p);
    return SQLITE_MISUSE;
  }
  // A pointer is NULL to SQL; the shadow keeps it for functions it runs.
  return Bind(s, i, SQ(sqlite3_bind_pointer)(s->shadow, i, p, type, d), BoundValue());
}
int BindValue(sqlite3_stmt* st, int i, const sqlite3_value* value) {
  auto* v = const_cast<sqlite3_value*>(value);
  switch (SQ(sqlite3_value_type)(v)) {
    case SQLITE_INTEGER:
      return BindInt64(st, i, SQ(sqlite3_value_int64)(v));
    case SQLITE_FLOAT:
      return BindDouble(st, i, SQ(sqlite3_value_double)(v));
    case SQLITE_TEXT:
      return BindBytes(st, i, SQ(sqlite3_value_text)(v),
                       static_cast<sqlite3_uint64>(SQ(sqlite3_value_bytes)(v)), SQLITE_TRANSIENT,
                       SQLITE_UTF8);
    case SQLITE_BLOB: {
      const void* b = SQ(sqlite3_value_blob)(v);
      int n = SQ(sqlite3_value_bytes)(v);
      return BindBytes(st, i, b != nullptr ? b : "", static_cast<sqlite3_uint64>(n),
                       SQLITE_TRANSIENT, 0);
    }
    default:
      return BindNull(st, i);
  }
}
int BindParameterCount(sqlite3_stmt* st) { return SQ(sqlite3_bind_parameter_count)(S(st)->shadow); }
const char* BindParameterName(sqlite3_stmt* st, int i) {
  return SQ(sqlite3_bind_parameter_name)(S(st)->shadow, i);
}
int BindParameterIndex(sqlite3_stmt* st, const char* name) {
  return SQ(sqlite3_bind_parameter_index)(S(st)->shadow, name);
}

// Names come from the statement the program prepared (a PRAGMA's fixed
// answer has its own); values from the current row's holder.
sqlite3_stmt* Names(Statement* s) {
  return s->kind == Statement::Kind::kShadow && s->row != nullptr ? s->row : s->shadow;
}
int ColumnCount(sqlite3_stmt* st) { return SQ(sqlite3_column_count)(Names(S(st))); }
const char* ColumnName(sqlite3_stmt* st, int i) { return SQ(sqlite3_column_name)(Names(S(st)), i); }
const void* ColumnName16(sqlite3_stmt* st, int i) {
  return SQ(sqlite3_column_name16)(Names(S(st)), i);
}
const char* ColumnDecltype(sqlite3_stmt* st, int i) {
  return SQ(sqlite3_column_decltype)(Names(S(st)), i);
}
const void* ColumnDecltype16(sqlite3_stmt* st, int i) {
  return SQ(sqlite3_column_decltype16)(Names(S(st)), i);
}
const char* ColumnDatabaseName(sqlite3_stmt* st, int i) {
  return SQ(sqlite3_column_database_name)(Names(S(st)), i);
}
const void* ColumnDatabaseName16(sqlite3_stmt* st, int i) {
  return SQ(sqlite3_column_database_name16)(Names(S(st)), i);
}
const char* ColumnTableName(sqlite3_stmt* st, int i) {
  return SQ(sqlite3_column_table_name)(Names(S(st)), i);
}
const void* ColumnTableName16(sqlite3_stmt* st, int i) {
  return SQ(sqlite3_column_table_name16)(Names(S(st)), i);
}
const char* ColumnOriginName(sqlite3_stmt* st, int i) {
  return SQ(sqlite3_column_origin_name)(Names(S(st)), i);
}
const void* ColumnOriginName16(sqlite3_stmt* st, int i) {
  return SQ(sqlite3_column_origin_name16)(Names(S(st)), i);
}
// A plain row (Statement::Plain) answers the reads that need no
// conversion; any other read binds the row first (Source), so that SQLite
// converts as it would. The binding reads are apart (never inlined), so
// that a plain read is a few instructions without a stack frame.
#define LL_COLD __attribute__((noinline, cold))
LL_COLD int BoundType(sqlite3_stmt* st, int i) {
  return SQ(sqlite3_column_type)(S(st)->Source(), i);
}
LL_COLD int BoundInt(sqlite3_stmt* st, int i) { return SQ(sqlite3_column_int)(S(st)->Source(), i); }
LL_COLD sqlite3_int64 BoundInt64(sqlite3_stmt* st, int i) {
  return SQ(sqlite3_column_int64)(S(st)->Source(), i);
}
LL_COLD double BoundDouble(sqlite3_stmt* st, int i) {
  return SQ(sqlite3_column_double)(S(st)->Source(), i);
}
LL_COLD const unsigned char* BoundText(sqlite3_stmt* st, int i) {
  return SQ(sqlite3_column_text)(S(st)->Source(), i);
}
LL_COLD const void* BoundBlob(sqlite3_stmt* st, int i) {
  return SQ(sqlite3_column_blob)(S(st)->Source(), i);
}
LL_COLD int BoundBytes(sqlite3_stmt* st, int i) {
  return SQ(sqlite3_column_bytes)(S(st)->Source(), i);
}
#undef LL_COLD
int ColumnType(sqlite3_stmt* st, int i) {
  if (const PlainValue* v = S(st)->Plain(i)) return v->type;
  return BoundType(st, i);
}
int ColumnInt(sqlite3_stmt* st, int i) {
  const PlainValue* v = S(st)->Plain(i);
  if (v != nullptr && v->type == SQLITE_INTEGER) return static_cast<int>(v->i);
  if (v != nullptr && v->type == SQLITE_NULL) return 0;
  return BoundInt(st, i);
}
sqlite3_int64 ColumnInt64(sqlite3_stmt* st, int i) {
  const PlainValue* v = S(st)->Plain(i);
  if (v != nullptr && v->type == SQLITE_INTEGER) return v->i;
  if (v != nullptr && v->type == SQLITE_NULL) return 0;
  return BoundInt64(st, i);
}
double ColumnDouble(sqlite3_stmt* st, int i) {
  const PlainValue* v = S(st)->Plain(i);
  if (v != nullptr && v->type == SQLITE_FLOAT) return v->d;
  if (v != nullptr && v->type == SQLITE_INTEGER) return static_cast<double>(v->i);
  if (v != nullptr && v->type == SQLITE_NULL) return 0.0;
  return BoundDouble(st, i);
}
const unsigned char* ColumnText(sqlite3_stmt* st, int i) {
  const PlainValue* v = S(st)->Plain(i);
  if (v != nullptr && v->type == SQLITE_TEXT) return reinterpret_cast<const unsigned char*>(v->p);
  if (v != nullptr && v->type == SQLITE_NULL) return nullptr;
  return BoundText(st, i);
}
const void* ColumnText16(sqlite3_stmt* st, int i) {
  return SQ(sqlite3_column_text16)(S(st)->Source(), i);
}
const void* ColumnBlob(sqlite3_stmt* st, int i) {
  const PlainValue* v = S(st)->Plain(i);
  // SQLite gives NULL for a zero-length blob.
  if (v != nullptr && v->type == SQLITE_BLOB) return v->n > 0 ? v->p : nullptr;
  if (v != nullptr && v->type == SQLITE_NULL) return nullptr;
  return BoundBlob(st, i);
}
int ColumnBytes(sqlite3_stmt* st, int i) {
  const PlainValue* v = S(st)->Plain(i);
  if (v != nullptr && (v->type == SQLITE_TEXT || v->type == SQLITE_BLOB)) return v->n;
  if (v != nullptr && v->type == SQLITE_NULL) return 0;
  return BoundBytes(st, i);
}
int ColumnBytes16(sqlite3_stmt* st, int i) {
  return SQ(sqlite3_column_bytes16)(S(st)->Source(), i);
}
sqlite3_value* ColumnValue(sqlite3_stmt* st, int i) {
  return SQ(sqlite3_column_value)(S(st)->Source(), i);
}
int DataCount(sqlite3_stmt* st) {
  Statement* s = S(st);
  if (s->kind == Statement::Kind::kServer) return s->row_active ? ColumnCount(st) : 0;
  return SQ(sqlite3_data_count)(s->Source());
}
const char* Sql(sqlite3_stmt* st) { return SQ(sqlite3_sql)(S(st)->shadow); }
char* ExpandedSql(sqlite3_stmt* st) { return SQ(sqlite3_expanded_sql)(S(st)->shadow); }
int StmtReadonly(sqlite3_stmt* st) { return SQ(sqlite3_stmt_readonly)(S(st)->shadow); }
int StmtBusy(sqlite3_stmt* st) {
  Statement* s = S(st);
  return s->started && !s->done ? 1 : 0;
}
int StmtIsexplain(sqlite3_stmt* st) { return SQ(sqlite3_stmt_isexplain)(S(st)->shadow); }
int StmtStatus(sqlite3_stmt* st, int op, int reset) {
  return SQ(sqlite3_stmt_status)(S(st)->shadow, op, reset);
}
sqlite3* DbHandle(sqlite3_stmt* st) { return reinterpret_cast<sqlite3*>(S(st)->conn->handle); }

shim::RemoteApi MakeConnectionApi() {
  shim::RemoteApi a = *g_host->default_api;
  a.sqlite3_close = Close;
  a.sqlite3_close_v2 = CloseV2;
  a.sqlite3_errcode = Errcode;
  a.sqlite3_extended_errcode = ExtendedErrcode;
  a.sqlite3_errmsg = Errmsg;
  a.sqlite3_errmsg16 = Errmsg16;
  a.sqlite3_error_offset = ErrorOffset;
  a.sqlite3_prepare = PrepareV2;
  a.sqlite3_prepare_v2 = PrepareV2;
  a.sqlite3_prepare_v3 = PrepareV3;
  a.sqlite3_prepare16 = Prepare16V2;
  a.sqlite3_prepare16_v2 = Prepare16V2;
  a.sqlite3_prepare16_v3 = Prepare16V3;
  a.sqlite3_exec = ExecApi;
  a.sqlite3_get_table = GetTable;
  a.sqlite3_changes = Changes;
  a.sqlite3_changes64 = Changes64;
  a.sqlite3_total_changes = TotalChanges;
  a.sqlite3_total_changes64 = TotalChanges64;
  a.sqlite3_last_insert_rowid = LastInsertRowid;
  a.sqlite3_set_last_insert_rowid = SetLastInsertRowid;
  a.sqlite3_get_autocommit = GetAutocommit;
  a.sqlite3_txn_state = TxnState;
  a.sqlite3_busy_timeout = BusyTimeout;
  a.sqlite3_busy_handler = BusyHandler;
  a.sqlite3_interrupt = Interrupt;
  a.sqlite3_db_filename = DbFilename;
  a.sqlite3_db_readonly = DbReadonly;
  a.sqlite3_db_name = DbName;
  a.sqlite3_extended_result_codes = ExtendedResultCodes;
  a.sqlite3_next_stmt = NextStmt;
  a.sqlite3_limit = Limit;
  a.sqlite3_db_config_va = DbConfigVa;
  a.sqlite3_create_function = CreateFunction;
  a.sqlite3_create_function16 = CreateFunction16;
  a.sqlite3_create_function_v2 = CreateFunctionV2;
  a.sqlite3_create_window_function = CreateWindowFunction;
  a.sqlite3_create_collation = CreateCollation;
  a.sqlite3_create_collation_v2 = CreateCollationV2;
  a.sqlite3_create_collation16 = CreateCollation16;
  a.sqlite3_set_authorizer = SetAuthorizer;
  a.sqlite3_commit_hook = CommitHook;
  a.sqlite3_rollback_hook = RollbackHook;
  a.sqlite3_update_hook = UpdateHook;
  a.sqlite3_trace_v2 = TraceV2;
  a.sqlite3_progress_handler = ProgressHandler;
  a.sqlite3_trace = Trace;
  a.sqlite3_profile = Profile;
  a.sqlite3_table_column_metadata = TableColumnMetadata;
  a.sqlite3_wal_checkpoint = WalCheckpoint;
  a.sqlite3_wal_checkpoint_v2 = WalCheckpointV2;
  a.sqlite3_wal_autocheckpoint = WalAutocheckpoint;
  a.sqlite3_wal_hook = WalHook;
  a.sqlite3_file_control = FileControl;
  a.sqlite3_db_cacheflush = DbCacheflush;
  a.sqlite3_db_release_memory = DbReleaseMemory;
  a.sqlite3_db_status = DbStatus;
  a.sqlite3_db_mutex = DbMutex;
  a.sqlite3_blob_open = BlobOpen;
  a.sqlite3_backup_init = BackupInit;
  a.sqlite3_load_extension = LoadExtension;
  a.sqlite3_enable_load_extension = EnableLoadExtension;
  a.sqlite3_serialize = Serialize;
  a.sqlite3_deserialize = Deserialize;
  a.sqlite3_unlock_notify = UnlockNotify;
  a.sqlite3_system_errno = SystemErrno;
  return a;
}

shim::RemoteApi MakeStatementApi() {
  shim::RemoteApi a = *g_host->default_api;
  a.sqlite3_step = StepApi;
  a.sqlite3_reset = ResetApi;
  a.sqlite3_finalize = FinalizeApi;
  a.sqlite3_clear_bindings = ClearBindings;
  a.sqlite3_bind_blob = BindBlob;
  a.sqlite3_bind_blob64 = BindBlob64;
  a.sqlite3_bind_double = BindDouble;
  a.sqlite3_bind_int = BindInt;
  a.sqlite3_bind_int64 = BindInt64;
  a.sqlite3_bind_null = BindNull;
  a.sqlite3_bind_text = BindText;
  a.sqlite3_bind_text16 = BindText16;
  a.sqlite3_bind_text64 = BindText64;
  a.sqlite3_bind_value = BindValue;
  a.sqlite3_bind_pointer = BindPointer;
  a.sqlite3_bind_zeroblob = BindZeroblob;
  a.sqlite3_bind_zeroblob64 = BindZeroblob64;
  a.sqlite3_bind_parameter_count = BindParameterCount;
  a.sqlite3_bind_parameter_name = BindParameterName;
  a.sqlite3_bind_parameter_index = BindParameterIndex;
  a.sqlite3_column_count = ColumnCount;
  a.sqlite3_column_name = ColumnName;
  a.sqlite3_column_name16 = ColumnName16;
  a.sqlite3_column_decltype = ColumnDecltype;
  a.sqlite3_column_decltype16 = ColumnDecltype16;
  a.sqlite3_column_database_name = ColumnDatabaseName;
  a.sqlite3_column_database_name16 = ColumnDatabaseName16;
  a.sqlite3_column_table_name = ColumnTableName;
  a.sqlite3_column_table_name16 = ColumnTableName16;
  a.sqlite3_column_origin_name = ColumnOriginName;
  a.sqlite3_column_origin_name16 = ColumnOriginName16;
  a.sqlite3_column_type = ColumnType;
  a.sqlite3_column_int = ColumnInt;
  a.sqlite3_column_int64 = ColumnInt64;
  a.sqlite3_column_double = ColumnDouble;
  a.sqlite3_column_text = ColumnText;
  a.sqlite3_column_text16 = ColumnText16;
  a.sqlite3_column_blob = ColumnBlob;
  a.sqlite3_column_bytes = ColumnBytes;
  a.sqlite3_column_bytes16 = ColumnBytes16;
  a.sqlite3_column_value = ColumnValue;
  a.sqlite3_data_count = DataCount;
  a.sqlite3_sql = Sql;
  a.sqlite3_expanded_sql = ExpandedSql;
  a.sqlite3_stmt_readonly = StmtReadonly;
  a.sqlite3_stmt_busy = StmtBusy;
  a.sqlite3_stmt_isexplain = StmtIsexplain;
  a.sqlite3_stmt_status = StmtStatus;
  a.sqlite3_db_handle = DbHandle;
  return a;
}

}  // namespace

void BackupEnded(Connection* c) {
  bool destroy;
  {
    Lock l(c->mu);
    destroy = c->zombie && !HasProgramStatements(c);
  }
  if (destroy) Destroy(c);
}

const shim::RemoteApi& ConnectionApi() {
  static const shim::RemoteApi api = MakeConnectionApi();
  return api;
}

const shim::RemoteApi& StatementApi() {
  static const shim::RemoteApi api = MakeStatementApi();
  return api;
}

}  // namespace litelift::compat
