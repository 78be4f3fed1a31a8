#include "libsqlite3-compat/pg/blob.h"

#include <cstring>
#include <string>

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/pg/connection.h"

namespace litelift::compat {

namespace {

struct Blob {
  Connection* conn;
  std::string table, column;
  sqlite3_int64 rowid = 0;
  bool writable = false;
  bool text = false;  // the value is TEXT (else BLOB)
  std::string bytes;
  shim::RemoteHandle* handle = nullptr;
};

Blob* B(sqlite3_blob* b) {
  return static_cast<Blob*>(reinterpret_cast<shim::RemoteHandle*>(b)->impl);
}
using Lock = std::lock_guard<std::recursive_mutex>;

// Runs one statement of ours on the connection with an integer parameter
// (and optionally a value); for a SELECT, *value gets the first column.
int RunOwn(Connection* c, const std::string& sql, sqlite3_int64 rowid, const Blob* write_from,
           int* type, std::string* value) {
  sqlite3_stmt* st = nullptr;
  int rc = c->Prepare(sql.c_str(), -1, 0, &st, nullptr);
  if (rc != SQLITE_OK) return rc;
  const shim::RemoteApi& api = *reinterpret_cast<shim::RemoteHandle*>(st)->api;
  int index = 1;
  if (write_from != nullptr) {
    rc = write_from->text
             ? api.sqlite3_bind_text(st, index++, write_from->bytes.data(),
                                     static_cast<int>(write_from->bytes.size()), SQLITE_TRANSIENT)
             : api.sqlite3_bind_blob(st, index++, write_from->bytes.data(),
                                     static_cast<int>(write_from->bytes.size()), SQLITE_TRANSIENT);
  }
  api.sqlite3_bind_int64(st, index, rowid);
  rc = api.sqlite3_step(st);
  if (rc == SQLITE_ROW && value != nullptr) {
    *type = api.sqlite3_column_type(st, 0);
    const void* p = api.sqlite3_column_blob(st, 0);
    value->assign(static_cast<const char*>(p != nullptr ? p : ""),
                  static_cast<size_t>(api.sqlite3_column_bytes(st, 0)));
  } else if (rc == SQLITE_DONE && value != nullptr) {
    *type = -1;  // no row
  }
  int frc = api.sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? frc : rc;
}

// Reads the value at rowid into b; SQLite's messages for what is missing.
int Load(Blob* b, sqlite3_int64 rowid) {
  Connection* c = b->conn;
  const sql::TableShape* shape = c->shadow.Table(b->table);
  if (shape == nullptr || shape->rowid_column.empty()) {
    return c->SetError(SQLITE_ERROR, "cannot open table without rowid: " + b->table);
  }
  int type = 0;
  std::string value;
  sqlite3_int64 changes = c->changes, total = c->total_changes;
  int rc = RunOwn(
      c, "SELECT " + QuoteIdent(b->column) + " FROM " + QuoteIdent(b->table) + " WHERE rowid = ?",
      rowid, nullptr, &type, &value);
  c->changes = changes;
  c->total_changes = total;
  if (rc != SQLITE_OK) return rc;
  if (type == -1) {
    return c->SetError(SQLITE_ERROR, "no such rowid: " + std::to_string(rowid));
  }
  if (type != SQLITE_BLOB && type != SQLITE_TEXT) {
    const char* name = type == SQLITE_NULL ? "null" : type == SQLITE_INTEGER ? "integer" : "real";
    return c->SetError(SQLITE_ERROR, std::string("cannot open value of type ") + name);
  }
  b->rowid = rowid;
  b->text = type == SQLITE_TEXT;
  b->bytes = std::move(value);
  c->ClearError();
  return SQLITE_OK;
}

int Bytes(sqlite3_blob* blob) {
  Blob* b = B(blob);
  Lock l(b->conn->mu);
  return static_cast<int>(b->bytes.size());
}

bool InRange(const Blob* b, int n, int offset) {
  return n >= 0 && offset >= 0 &&
         static_cast<sqlite3_int64>(offset) + n <= static_cast<sqlite3_int64>(b->bytes.size());
}

int Read(sqlite3_blob* blob, void* out, int n, int offset) {
  Blob* b = B(blob);
  Lock l(b->conn->mu);
  if (!InRange(b, n, offset)) return b->conn->SetError(SQLITE_ERROR, "SQL logic error");
  std::memcpy(out, b->bytes.data() + offset, static_cast<size_t>(n));
  return SQLITE_OK;
}

int Write(sqlite3_blob* blob, const void* in, int n, int offset) {
  Blob* b = B(blob);
  Connection* c = b->conn;
  Lock l(c->mu);
  if (!b->writable) {
    return c->SetError(SQLITE_READONLY, "attempt to write a readonly database");
  }
  if (!InRange(b, n, offset)) return c->SetError(SQLITE_ERROR, "SQL logic error");
  std::string before = b->bytes;
  std::memcpy(&b->bytes[static_cast<size_t>(offset)], in, static_cast<size_t>(n));
  sqlite3_int64 changes = c->changes, total = c->total_changes;
  int rc = RunOwn(
      c,
      "UPDATE " + QuoteIdent(b->table) + " SET " + QuoteIdent(b->column) + " = ? WHERE rowid = ?",
      b->rowid, b, nullptr, nullptr);
  c->changes = changes;
  c->total_changes = total;
  if (rc != SQLITE_OK) b->bytes = before;
  return rc;
}

int Reopen(sqlite3_blob* blob, sqlite3_int64 rowid) {
  Blob* b = B(blob);
  Lock l(b->conn->mu);
  return Load(b, rowid);
}

int Close(sqlite3_blob* blob) {
  if (blob == nullptr) return SQLITE_OK;
  Blob* b = B(blob);
  {
    Lock l(b->conn->mu);
    g_host->free_handle(b->handle);
  }
  delete b;
  return SQLITE_OK;
}

const shim::RemoteApi& BlobApi() {
  static const shim::RemoteApi api = [] {
    shim::RemoteApi a = *g_host->default_api;
    a.sqlite3_blob_bytes = Bytes;
    a.sqlite3_blob_read = Read;
    a.sqlite3_blob_write = Write;
    a.sqlite3_blob_reopen = Reopen;
    a.sqlite3_blob_close = Close;
    return a;
  }();
  return api;
}

}  // namespace

int OpenBlob(Connection* c, const char* db_name, const char* table, const char* column,
             sqlite3_int64 rowid, int flags, sqlite3_blob** out) {
  *out = nullptr;
  if (table == nullptr || column == nullptr) return SQLITE_MISUSE;
  // The shadow knows the schema: its answer is SQLite's for every schema
  // problem; an empty table there says "no such rowid" when all is well.
  sqlite3_blob* probe = nullptr;
  int rc = SQ(sqlite3_blob_open)(c->shadow.db(), db_name, table, column, rowid, flags, &probe);
  if (probe != nullptr) SQ(sqlite3_blob_close)(probe);
  std::string message = SQ(sqlite3_errmsg)(c->shadow.db());
  if (rc != SQLITE_OK && message.rfind("no such rowid", 0) != 0) {
    return c->SetError(SQ(sqlite3_extended_errcode)(c->shadow.db()), message);
  }
  if (c->readonly && flags != 0) {
    return c->SetError(SQLITE_READONLY, "attempt to write a readonly database");
  }
  auto* b = new Blob{c, table, column};
  const sql::TableShape* shape = c->shadow.Table(table);
  if (shape != nullptr) b->table = shape->name;
  b->writable = flags != 0;
  rc = Load(b, rowid);
  if (rc != SQLITE_OK) {
    delete b;
    return c->Masked(rc);
  }
  b->handle = g_host->allocate_handle(&BlobApi(), b);
  if (b->handle == nullptr) {
    delete b;
    return c->SetError(SQLITE_NOMEM, "out of memory");
  }
  *out = reinterpret_cast<sqlite3_blob*>(b->handle);
  return SQLITE_OK;
}

}  // namespace litelift::compat
