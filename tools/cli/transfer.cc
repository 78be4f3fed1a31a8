#include "tools/cli/transfer.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <thread>

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/catalog/shadow.h"
#include "libsqlite3-compat/sql/translate.h"
#include "tools/cli/copy_out.h"

namespace litelift::cli {

double Now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Mixes column i's storage class and value into *h.
void MixColumn(const SqliteLib& lib, sqlite3_stmt* stmt, int i, RowHash* h) {
  int type = lib.sqlite3_column_type(stmt, i);
  switch (type) {
    case SQLITE_INTEGER:
      h->Integer(lib.sqlite3_column_int64(stmt, i));
      break;
    case SQLITE_FLOAT:
      h->Real(lib.sqlite3_column_double(stmt, i));
      break;
    case SQLITE_TEXT:
    case SQLITE_BLOB: {
      const void* p = type == SQLITE_TEXT
                          ? static_cast<const void*>(lib.sqlite3_column_text(stmt, i))
                          : lib.sqlite3_column_blob(stmt, i);
      h->Bytes(type, p, lib.sqlite3_column_bytes(stmt, i));
      break;
    }
    default:
      h->Null();
  }
}

// The header fields a copy carries over.
constexpr const char* kHeaderFields[2] = {"user_version", "application_id"};

// Rows are written one per INSERT once the rows waiting for a
// several-row INSERT hold more text and blob bytes than this.
constexpr size_t kMaxBufferedBytes = 16 << 20;

// Binds column i of a row read through from as parameter k of ins (through
// to), keeping the storage class; the bytes stay valid until from steps.
int BindColumn(const SqliteLib& from, sqlite3_stmt* sel, int i, const SqliteLib& to,
               sqlite3_stmt* ins, int k) {
  switch (from.sqlite3_column_type(sel, i)) {
    case SQLITE_INTEGER:
      return to.sqlite3_bind_int64(ins, k, from.sqlite3_column_int64(sel, i));
    case SQLITE_FLOAT:
      return to.sqlite3_bind_double(ins, k, from.sqlite3_column_double(sel, i));
    case SQLITE_TEXT: {
      const unsigned char* p = from.sqlite3_column_text(sel, i);
      return to.sqlite3_bind_text(ins, k, reinterpret_cast<const char*>(p),
                                  from.sqlite3_column_bytes(sel, i), SQLITE_STATIC);
    }
    case SQLITE_BLOB: {
      const void* p = from.sqlite3_column_blob(sel, i);
      int n = from.sqlite3_column_bytes(sel, i);
      // A zero-length blob stays a blob (a null pointer would bind NULL).
      return to.sqlite3_bind_blob(ins, k, p != nullptr ? p : "", n, SQLITE_STATIC);
    }
    default:
      return to.sqlite3_bind_null(ins, k);
  }
}

}  // namespace

// How a table's rows are read and written.
struct Transfer::Shape {
  std::string name;
  std::vector<std::string> columns;  // writable columns (PRAGMA table_info)
  std::string rowid;                 // the rowid's name, "" for WITHOUT ROWID
  bool rowid_is_column = false;      // an INTEGER PRIMARY KEY carries it
  std::vector<std::string> types;    // the columns' declared types
  std::string pk;                    // the INTEGER PRIMARY KEY's name, or ""
  std::vector<std::string> key_columns;  // WITHOUT ROWID: the primary key's, in order
  std::string key;                       // and quoted, comma-separated
  // WITHOUT ROWID: the primary key's order as SQLite stores it (its
  // collations and DESC), as an ORDER BY on the file; "" otherwise.
  std::string file_order;
  ServerTable copy;                  // the server side, for COPY
  std::string no_copy;               // why COPY does not write it, or ""

  // The columns a copy reads and writes, quoted (the rowid first when no
  // column carries it), and their count.
  std::string Columns(int* count) const {
    std::string cols = rowid.empty() || rowid_is_column ? "" : rowid;
    for (const auto& c : columns) cols += (cols.empty() ? "" : ", ") + Quote(c);
    *count = static_cast<int>(columns.size()) + (rowid.empty() || rowid_is_column ? 0 : 1);
    return cols;
  }
  // An INSERT of rows rows of Columns() into table (main.name unless given).
  std::string InsertSql(int rows, const std::string& table = "") const {
    int n = 0;
    std::string cols = Columns(&n);
    std::string marks = "(?";
    for (int i = 1; i < n; ++i) marks += ", ?";
    marks += ")";
    std::string sql = "INSERT INTO " + (table.empty() ? "main." + Quote(name) : table) + " (" +
                      cols + ") VALUES " + marks;
    for (int r = 1; r < rows; ++r) sql += ", " + marks;
    return sql;
  }
};

bool Transfer::Begin(std::string* error) {
  if (!from_->Exec("BEGIN", error)) return false;
  in_read_ = true;
  std::vector<std::vector<Value>> rows;
  if (!from_->Query("SELECT type, name, tbl_name, sql FROM main.sqlite_master "
                    "WHERE sql IS NOT NULL",
                    &rows, error)) {
    return false;
  }
  for (const auto& r : rows) {
    SchemaObject o{r[0].bytes, r[1].bytes, r[2].bytes, r[3].bytes};
    if (Lower(o.name).rfind("sqlite_", 0) == 0) continue;  // SQLite makes its own
    schema_.push_back(o);
  }
  for (const SchemaObject& o : schema_) {
    if (o.type != "table") continue;
    int64_t n = 0;
    if (!from_->QueryInt("SELECT count(*) FROM main." + Quote(o.name), &n, error)) return false;
    rows_total_ += n;
  }
  return true;
}

void Transfer::Finish() {
  std::string ignored;
  if (in_read_) from_->Exec("COMMIT", &ignored);
  in_read_ = false;
}

bool Transfer::ShapeOf(const SchemaObject& table, Shape* shape, std::string* error) {
  shape->name = table.name;
  std::vector<std::vector<Value>> info;
  if (!from_->Query("PRAGMA main.table_info(" + Quote(table.name) + ")", &info, error)) {
    return false;
  }
  int pk_columns = 0;
  std::string pk_type;
  std::vector<std::string> lower;
  for (const auto& c : info) {
    shape->columns.push_back(c[1].bytes);
    shape->types.push_back(c[2].bytes);
    lower.push_back(Lower(c[1].bytes));
    if (c[5].i > 0) {
      ++pk_columns;
      pk_type = Upper(c[2].bytes);
    }
  }
  // The first of SQLite's three names for the rowid that no column takes.
  for (const char* name : {"rowid", "_rowid_", "oid"}) {
    bool taken = false;
    for (const auto& l : lower) taken = taken || l == name;
    if (!taken) {
      shape->rowid = name;
      break;
    }
  }
  if (!shape->rowid.empty()) {
    // WITHOUT ROWID tables have none (the prepare fails).
    sqlite3_stmt* probe = nullptr;
    const SqliteLib& lib = *from_->lib();
    std::string sql = "SELECT " + shape->rowid + " FROM main." + Quote(table.name);
    if (lib.sqlite3_prepare_v2(from_->handle(), sql.c_str(), -1, &probe, nullptr) != SQLITE_OK) {
      shape->rowid.clear();
    }
    lib.sqlite3_finalize(probe);
  }
  if (shape->rowid.empty()) {
    for (int64_t k = 1; k <= pk_columns; ++k) {
      for (const auto& c : info) {
        if (c[5].i == k) shape->key_columns.push_back(c[1].bytes);
      }
    }
    for (const auto& c : shape->key_columns) shape->key += (shape->key.empty() ? "" : ", ") + Quote(c);
  }
  shape->rowid_is_column = !shape->rowid.empty() && pk_columns == 1 && pk_type == "INTEGER";
  if (shape->rowid_is_column) {
    // "INTEGER PRIMARY KEY DESC" is no alias: then the rowids differ from
    // the column somewhere and are copied as well.
    std::string pk;
    for (const auto& c : info) {
      if (c[5].i > 0) pk = c[1].bytes;
    }
    int64_t apart = 0;
    if (!from_->QueryInt("SELECT count(*) FROM main." + Quote(table.name) + " WHERE " +
                             shape->rowid + " IS NOT " + Quote(pk),
                         &apart, error)) {
      return false;
    }
    shape->rowid_is_column = apart == 0;
    shape->pk = pk;
  }
  return true;
}

// The server's name for a table, column or sequence, quoted, as the route
// writes it (folded, shortened when long).
static std::string ServerIdentOf(const std::string& name) {
  return compat::ServerIdent(Lower(name));
}

bool Transfer::DescribeServerTable(const SchemaObject& table, const CopyTarget& target, Db* file,
                                   Shape* shape, std::string* error) {
  ServerTable& ct = shape->copy;
  const std::string& schema = target.schema;
  ct.qualified = compat::QuoteIdent(schema) + "." + ServerIdentOf(table.name);
  // The server's column types (an untyped column referencing another
  // table takes the referenced column's type): what the route built.
  std::string q =
      "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE "
      "attrelid = to_regclass(" +
      compat::QuoteLiteral(ct.qualified) + ") AND attnum > 0 AND NOT attisdropped";
  PGresult* res = PQexec(target.conn, q.c_str());
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    *error = PQresultErrorMessage(res);
    PQclear(res);
    return false;
  }
  std::vector<std::pair<std::string, std::string>> server;
  for (int r = 0; r < PQntuples(res); ++r)
    server.emplace_back(PQgetvalue(res, r, 0), PQgetvalue(res, r, 1));
  PQclear(res);
  auto server_type = [&](const std::string& name) -> std::string {
    for (const auto& [n, t] : server) {
      if (n == name) return t;
    }
    return "";
  };
  if (server.empty()) {
    shape->no_copy = "its server table was not found";
    return true;
  }
  int64_t strict = 0;
  if (!file->QueryInt("SELECT count(*) FROM pragma_table_list WHERE schema = 'main' AND name = " +
                          Literal(table.name) + " AND strict",
                      &strict, error)) {
    return false;
  }
  if (strict != 0) {
    shape->no_copy = "a STRICT table";
    return true;
  }
  compat::sql::TableShape ts;
  ts.name = table.name;
  ts.columns = shape->columns;
  ts.types = shape->types;
  ts.rowid_column = shape->rowid_is_column ? shape->pk : "";
  for (const std::string& c : shape->columns) {
    ts.server_types.push_back(server_type(compat::ServerName(Lower(c))));
  }
  if (!shape->rowid.empty() && !shape->rowid_is_column) {
    // The rowid lives in litelift's own column (an INTEGER PRIMARY KEY
    // whose values are not the rowids has none: left to the route).
    if (server_type(compat::kHiddenRowidColumn) != "bigint") {
      shape->no_copy = "its rowids are not its INTEGER PRIMARY KEY's values";
      return true;
    }
    ct.columns.push_back(compat::QuoteIdent(compat::kHiddenRowidColumn));
    ct.storages.push_back(Storage::kInteger);
    ct.rowid_column = ct.columns.back();
  }
  for (size_t i = 0; i < shape->columns.size(); ++i) {
    ct.columns.push_back(ServerIdentOf(shape->columns[i]));
    ct.storages.push_back(StorageOf(ts.Storage(i)));
    if (ts.server_types[i].empty()) {
      shape->no_copy = "its server table lacks column " + shape->columns[i];
      return true;
    }
  }
  if (shape->rowid_is_column) ct.rowid_column = ServerIdentOf(shape->pk);
  if (shape->rowid.empty() && !KeyOrder(table, file, shape, error)) return false;
  if (!shape->rowid.empty()) {
    ct.sequence = compat::QuoteIdent(schema) + "." +
                  compat::ServerIdent(compat::sql::RowidSequenceName(table.name));
  }
  return true;
}

bool Transfer::KeyOrder(const SchemaObject& table, Db* file, Shape* shape, std::string* error) {
  std::vector<std::vector<Value>> key;
  if (!file->Query("SELECT x.name, x.desc, x.coll FROM pragma_index_list(" + Literal(table.name) +
                       ") l, pragma_index_xinfo(l.name) x WHERE l.origin = 'pk' AND x.key "
                       "ORDER BY x.seqno",
                   &key, error)) {
    return false;
  }
  ServerTable& ct = shape->copy;
  std::string file_order, server_order;
  bool server_can = true;
  for (const auto& k : key) {
    const std::string& name = k[0].bytes;
    bool desc = k[1].i != 0;
    std::string coll = Upper(k[2].bytes);
    file_order += (file_order.empty() ? "" : ", ") + Quote(name) + " COLLATE " + coll +
                  (desc ? " DESC" : "");
    auto at = std::find(shape->columns.begin(), shape->columns.end(), name);
    if (at == shape->columns.end()) return true;  // (not a column: no order to keep)
    size_t i = static_cast<size_t>(at - shape->columns.begin());
    // The server's order is SQLite's for one class per column: integers,
    // reals, blobs (bytes), text in BINARY (bytes: the C collation).
    Storage storage = ct.storages[i];
    bool text = storage == Storage::kText;
    server_can = server_can && coll == "BINARY" &&
                 (text || storage == Storage::kInteger || storage == Storage::kReal ||
                  storage == Storage::kBlob);
    server_order += (server_order.empty() ? "" : ", ") + ct.columns[i] +
                    (text ? " COLLATE \"C\"" : "") + (desc ? " DESC NULLS LAST" : " NULLS FIRST");
  }
  shape->file_order = file_order;
  if (server_can) ct.key_order = server_order;
  return true;
}

std::string Transfer::SelectSql(const Shape& shape, const std::string& cols,
                                const std::string& after) const {
  std::string sql = "SELECT " + cols + " FROM main." + Quote(shape.name);
  // Key order (the rowid's, else the primary key's): what a run commits is
  // a prefix that a resumed run continues after.
  if (!after.empty()) sql += " WHERE " + after;
  if (!shape.rowid.empty()) {
    sql += " ORDER BY " + shape.rowid;
  } else if (!shape.key.empty()) {
    sql += " ORDER BY " + shape.key;
  }
  return sql;
}

void Transfer::Report(bool final) {
  double now = Now();
  if (!final && now - last_report_ < 1.0) return;
  last_report_ = now;
  double secs = now - start_;
  double rate = secs > 0 ? static_cast<double>(rows_done_ - rows_kept_) / secs : 0;
  double pct = rows_total_ > 0
                   ? 100.0 * static_cast<double>(rows_done_) / static_cast<double>(rows_total_)
                   : 100.0;
  bool tty = isatty(2) != 0;
  // On a terminal, one line redrawn with a bar; else a line a second.
  std::string bar;
  if (tty) {
    size_t filled = static_cast<size_t>(std::min(pct, 100.0) / 100.0 * 24);
    bar = "\r[" + std::string(filled, '#') + std::string(24 - filled, '.') + "] ";
  }
  std::fprintf(stderr, "%slitelift %s: %" PRId64 "/%" PRId64 " rows (%.0f%%), %.0f rows/s%s",
               bar.c_str(), verb_.c_str(), rows_done_, rows_total_, pct, rate,
               tty && !final ? "" : "\n");
}

bool Transfer::CopyTable(const Shape& shape, const std::string& after, std::string* error) {
  int n = 0;
  const std::string cols = shape.Columns(&n);
  // Several rows per INSERT save round trips on the route; the parameters
  // stay within SQLite's default limit.
  const int per_stmt =
      static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(rows_per_statement_, 30000 / n)));
  std::string select = SelectSql(shape, cols, after);
  std::string insert = shape.InsertSql(1);
  std::string insert_many = shape.InsertSql(per_stmt);
  const SqliteLib& fl = *from_->lib();
  const SqliteLib& tl = *to_->lib();
  sqlite3_stmt* sel = nullptr;
  sqlite3_stmt* ins = nullptr;
  sqlite3_stmt* ins_many = nullptr;
  bool ok = false;
  if (fl.sqlite3_prepare_v2(from_->handle(), select.c_str(), -1, &sel, nullptr) != SQLITE_OK) {
    *error = "reading " + shape.name + ": " + from_->Errmsg();
  } else if (tl.sqlite3_prepare_v2(to_->handle(), insert.c_str(), -1, &ins, nullptr) != SQLITE_OK ||
             (per_stmt > 1 && tl.sqlite3_prepare_v2(to_->handle(), insert_many.c_str(), -1,
                                                    &ins_many, nullptr) != SQLITE_OK)) {
    *error = "writing " + shape.name + ": " + to_->Errmsg();
  } else if (to_->Exec("BEGIN", error)) {
    int64_t in_batch = 0;
    // Steps stmt (bound with rows rows), then commits every batch_rows_.
    auto write = [&](sqlite3_stmt* stmt, int rows) {
      if (tl.sqlite3_step(stmt) != SQLITE_DONE) {
        *error = "writing " + std::string(rows > 1 ? "rows" : "a row") + " of " + shape.name +
                 ": " + to_->Errmsg();
        return false;
      }
      tl.sqlite3_reset(stmt);
      rows_done_ += rows;
      in_batch += rows;
      if (in_batch >= batch_rows_) {
        in_batch = 0;
        if (!to_->Exec("COMMIT", error) || !to_->Exec("BEGIN", error)) return false;
      }
      Report(false);
      return true;
    };
    std::vector<Value> buffered;  // rows read, waiting for a full INSERT
    buffered.reserve(static_cast<size_t>(per_stmt) * n);
    size_t buffered_bytes = 0;
    // Writes the buffered rows one at a time.
    auto write_buffered = [&] {
      bool done = true;
      for (size_t at = 0; done && at < buffered.size(); at += n) {
        for (int i = 0; i < n; ++i) BindValue(tl, ins, i + 1, buffered[at + i]);
        done = write(ins, 1);
      }
      buffered.clear();
      buffered_bytes = 0;
      return done;
    };
    int rc;
    ok = true;
    while (ok && (rc = fl.sqlite3_step(sel)) == SQLITE_ROW) {
      if (per_stmt == 1) {
        for (int i = 0; i < n; ++i) BindColumn(fl, sel, i, tl, ins, i + 1);
        ok = write(ins, 1);
        continue;
      }
      for (int i = 0; i < n; ++i) {
        buffered.emplace_back();
        ReadColumn(fl, sel, i, &buffered.back());
        buffered_bytes += buffered.back().bytes.size();
      }
      if (buffered_bytes > kMaxBufferedBytes) {
        // Large values: these rows one at a time, not 100 held in memory.
        ok = write_buffered();
      } else if (buffered.size() == static_cast<size_t>(per_stmt) * n) {
        for (size_t i = 0; i < buffered.size(); ++i) {
          BindValue(tl, ins_many, static_cast<int>(i + 1), buffered[i]);
        }
        ok = write(ins_many, per_stmt);
        buffered.clear();
        buffered_bytes = 0;
      }
    }
    if (ok && rc != SQLITE_DONE) {
      *error = "reading " + shape.name + ": " + from_->Errmsg();
      ok = false;
    }
    if (ok) ok = write_buffered();  // the last rows
    std::string ignored;
    if (ok) {
      ok = to_->Exec("COMMIT", error);
    } else {
      to_->Exec("ROLLBACK", &ignored);
    }
  }
  fl.sqlite3_finalize(sel);
  tl.sqlite3_finalize(ins);
  tl.sqlite3_finalize(ins_many);
  return ok;
}

bool Transfer::CopyTableIn(const Shape& shape, const std::string& after, std::string* fallback,
                           std::string* error) {
  const ServerTable& ct = shape.copy;
  int ignored_count = 0;
  std::string cols = shape.Columns(&ignored_count);
  const SqliteLib& fl = *from_->lib();
  sqlite3_stmt* sel = nullptr;
  if (fl.sqlite3_prepare_v2(from_->handle(), SelectSql(shape, cols, after).c_str(), -1, &sel,
                            nullptr) != SQLITE_OK) {
    *error = "reading " + shape.name + ": " + from_->Errmsg();
    return false;
  }
  const int n = static_cast<int>(ct.columns.size());
  CopyStream stream(copy_->conn);
  int64_t in_batch = 0, copied = 0, committed = 0;
  std::string server_error;
  bool ok = stream.Begin(ct, copy_->lock_key, copy_->writer_sequence, &server_error);
  int rc = SQLITE_ROW;
  while (ok && (rc = fl.sqlite3_step(sel)) == SQLITE_ROW) {
    std::string* row = stream.StartRow(static_cast<int16_t>(n));
    for (int i = 0; i < n; ++i) {
      if (const char* why = AppendField(fl, sel, i, ct.storages[i], row)) {
        const int first = n - static_cast<int>(shape.columns.size());  // 1: the rowid's
        *fallback = "column " +
                    (i < first ? shape.rowid : shape.columns[static_cast<size_t>(i - first)]) +
                    " holds " + why;
        ok = false;
        break;
      }
    }
    if (!ok) break;
    ++copied;
    ++rows_done_;
    if (++in_batch >= batch_rows_) {
      in_batch = 0;
      ok = stream.Commit(&server_error) &&
           stream.Begin(ct, copy_->lock_key, copy_->writer_sequence, &server_error);
      if (ok) committed = copied;
    } else {
      ok = stream.MaybeFlush(&server_error);
    }
    Report(false);
  }
  if (ok && rc != SQLITE_DONE) {
    *error = "reading " + shape.name + ": " + from_->Errmsg();
    fl.sqlite3_finalize(sel);
    stream.Abort();
    return false;
  }
  fl.sqlite3_finalize(sel);
  if (ok) ok = stream.Commit(&server_error);
  if (!ok) {
    stream.Abort();
    // The route copies it instead, from where this run began; what the
    // COPY committed goes first.
    if (fallback->empty()) fallback->assign("the server refused the COPY: " + server_error);
    rows_done_ -= copied;
    if (committed > 0) {
      std::string del = "DELETE FROM main." + Quote(shape.name);
      if (!after.empty()) del += " WHERE " + after;
      if (!to_->Exec(del, error)) return false;
    }
    return false;
  }
  if (!ct.sequence.empty()) {
    // The rowid sequence where the route's INSERT leaves it: at the
    // largest rowid (litelift.rowid_take), untouched when no row came.
    std::string sql = "SELECT setval('" + ct.sequence + "'::regclass, m) FROM (SELECT max(" +
                      ct.rowid_column + ") AS m FROM " + ct.qualified +
                      ") AS r WHERE m IS NOT NULL";
    PGresult* res = PQexec(copy_->conn, sql.c_str());
    bool set = PQresultStatus(res) == PGRES_TUPLES_OK;
    if (!set)
      *error = "setting the rowid sequence of " + shape.name + ": " + PQresultErrorMessage(res);
    PQclear(res);
    if (!set) return false;
  }
  return true;
}

namespace {

// Binds each row's values to an INSERT on a native database and steps it,
// committing every batch rows.
class InsertSink final : public ValueSink {
 public:
  // skip: leading values that are hashed but not bound (a rowid read
  // twice, as the verification's row has it).
  InsertSink(Db* db, sqlite3_stmt* ins, int64_t batch, int skip)
      : db_(db), ins_(ins), batch_(batch), skip_(skip) {}
  void Null() override {
    h_.Null();
    if (Next()) lib().sqlite3_bind_null(ins_, k_);
  }
  void Integer(int64_t v) override {
    h_.Integer(v);
    if (Next()) lib().sqlite3_bind_int64(ins_, k_, v);
  }
  void Real(double v) override {
    h_.Real(v);
    if (Next()) lib().sqlite3_bind_double(ins_, k_, v);
  }
  void Bytes(int type, const void* p, int64_t n) override {
    h_.Bytes(type, p, n);
    if (!Next()) return;
    // (a value over SQLITE_LIMIT_LENGTH fails the step, as SQLite's would)
    int len = static_cast<int>(std::min<int64_t>(n, INT32_MAX));
    if (type == SQLITE_TEXT) {
      lib().sqlite3_bind_text(ins_, k_, static_cast<const char*>(p), len, SQLITE_TRANSIENT);
    } else {  // a zero-length blob stays a blob (a null pointer would bind NULL)
      lib().sqlite3_bind_blob(ins_, k_, n > 0 ? p : "", len, SQLITE_TRANSIENT);
    }
  }
  bool EndRow(std::string* error) override {
    at_ = 0;
    sum_ += h_.value();
    h_ = RowHash();
    if (lib().sqlite3_step(ins_) != SQLITE_DONE) {
      *error = db_->Errmsg();
      lib().sqlite3_reset(ins_);
      return false;
    }
    lib().sqlite3_reset(ins_);
    if (++in_batch_ >= batch_) {
      in_batch_ = 0;
      if (!db_->Exec("COMMIT", error) || !db_->Exec("BEGIN", error)) return false;
    }
    if (on_row) on_row();
    return true;
  }
  std::function<void()> on_row;
  // The sum of the rows' hashes, as the verification computes it.
  uint64_t sum() const { return sum_; }

 private:
  // Advances to the next value; true when it is bound (as parameter k_).
  bool Next() {
    ++at_;
    k_ = at_ - skip_;
    return k_ > 0;
  }
  const SqliteLib& lib() const { return *db_->lib(); }
  Db* db_;
  sqlite3_stmt* ins_;
  int64_t batch_;
  int skip_;
  int64_t in_batch_ = 0;
  int at_ = 0;
  int k_ = 0;
  RowHash h_;
  uint64_t sum_ = 0;
};

}  // namespace

bool Transfer::CopyTableOut(const Shape& shape, std::string* fallback, std::string* error) {
  // A WITHOUT ROWID table whose key order the server cannot give (an
  // untyped key column, NOCASE) goes into a staging table in the file
  // first, then into its b-tree in key order: its pages fill as SQLite's own
  // (VACUUM's) do, not in the server's order.
  const bool staged = shape.rowid.empty() && shape.copy.key_order.empty() &&
                      !shape.file_order.empty();
  const std::string staging = "temp.litelift_export_sorted";
  int n = 0;
  const std::string cols = shape.Columns(&n);
  if (staged && !to_->Exec("CREATE TEMP TABLE litelift_export_sorted (" + cols + ")", error)) {
    return false;
  }
  auto drop_staging = [&] {
    std::string ignored;
    if (staged) to_->Exec("DROP TABLE IF EXISTS " + staging, &ignored);
  };
  const SqliteLib& tl = *to_->lib();
  sqlite3_stmt* ins = nullptr;
  if (tl.sqlite3_prepare_v2(to_->handle(), shape.InsertSql(1, staged ? staging : "").c_str(), -1,
                            &ins, nullptr) != SQLITE_OK) {
    *error = "writing " + shape.name + ": " + to_->Errmsg();
    drop_staging();
    return false;
  }
  // The rows as the verification reads them (the rowid first, an INTEGER
  // PRIMARY KEY's twice), so that their hashes, from this same snapshot,
  // are its server side.
  ServerTable st = shape.copy;
  int skip = 0;
  if (!shape.rowid.empty() && shape.rowid_is_column) {
    st.columns.insert(st.columns.begin(), st.rowid_column);
    st.storages.insert(st.storages.begin(), Storage::kInteger);
    skip = 1;
  }
  InsertSink sink(to_, ins, batch_rows_, skip);
  sink.on_row = [this] {
    ++rows_done_;
    Report(false);
  };
  int64_t rows = 0;
  std::string why;
  bool ok = to_->Exec("BEGIN", error);
  // In key order: the file's b-trees fill as SQLite's own inserts do.
  bool read = ok && ServerTableRows(verify_server_->conn, st, true, &sink, &rows, &why);
  if (read) read_sums_[shape.name] = TableSum{rows, sink.sum()};
  tl.sqlite3_finalize(ins);
  std::string ignored;
  if (ok && read && staged) {
    ok = to_->Exec("INSERT INTO main." + Quote(shape.name) + " (" + cols + ") SELECT " + cols +
                       " FROM " + staging + " ORDER BY " + shape.file_order,
                   error) &&
         to_->Exec("DROP TABLE " + staging, error);
    if (!ok) to_->Exec("ROLLBACK", &ignored);
  }
  if (!ok) {
    drop_staging();
    return false;
  }
  if (read) return to_->Exec("COMMIT", error);
  // The route reads it instead: what this table got so far goes first.
  rows_done_ -= rows;
  to_->Exec("ROLLBACK", &ignored);
  drop_staging();
  if (!to_->Exec("DELETE FROM main." + Quote(shape.name), error)) return false;
  *fallback = why.empty() ? "the server's COPY failed" : why;
  return false;
}

// The largest key to holds (its rowid, or its WITHOUT ROWID primary key
// as a row value) as SQL literals; "" when it cannot be written as one.
bool Transfer::LastKey(const Shape& shape, std::string* last, std::string* error) {
  last->clear();
  if (!shape.rowid.empty()) {
    int64_t max = 0;
    if (!to_->QueryInt("SELECT max(" + shape.rowid + ") FROM main." + Quote(shape.name), &max,
                       error)) {
      return false;
    }
    *last = std::to_string(max);
    return true;
  }
  if (shape.key_columns.empty()) return true;
  std::string desc;
  for (const auto& c : shape.key_columns) desc += (desc.empty() ? "" : ", ") + Quote(c) + " DESC";
  std::vector<std::vector<Value>> rows;
  if (!to_->Query("SELECT " + shape.key + " FROM main." + Quote(shape.name) + " ORDER BY " + desc +
                      " LIMIT 1",
                  &rows, error)) {
    return false;
  }
  if (rows.empty()) return true;
  std::string out;
  for (const Value& v : rows[0]) {
    std::string lit;
    if (v.type == SQLITE_INTEGER) {
      lit = std::to_string(v.i);
    } else if (v.type == SQLITE_FLOAT && std::isfinite(v.d)) {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g", v.d);
      lit = buf;
      if (lit.find_first_of(".en") == std::string::npos) lit += ".0";
    } else if (v.type == SQLITE_TEXT && v.bytes.find('\0') == std::string::npos) {
      lit = Literal(v.bytes);
    } else if (v.type == SQLITE_BLOB) {
      static const char kHex[] = "0123456789ABCDEF";
      lit = "X'";
      for (unsigned char c : v.bytes) {
        lit += kHex[c >> 4];
        lit += kHex[c & 15];
      }
      lit += "'";
    } else {
      return true;  // NULL, infinities, text with a NUL: copied again
    }
    out += (out.empty() ? "" : ", ") + lit;
  }
  *last = rows[0].size() > 1 ? "(" + out + ")" : out;
  return true;
}

// Where a resumed copy takes a table up: *done when to holds it whole
// (counts and checksums agree); else after its largest rowid (*has_after)
// when its rows are a prefix of from's, else from the start (what is
// there deleted through the route).
bool Transfer::ResumePoint(const Shape& shape, bool* done, std::string* after,
                           std::string* error) {
  *done = false;
  after->clear();
  int64_t there = 0, here = 0;
  if (!to_->QueryInt("SELECT count(*) FROM main." + Quote(shape.name), &there, error) ||
      !from_->QueryInt("SELECT count(*) FROM main." + Quote(shape.name), &here, error)) {
    return false;
  }
  if (there == 0) return true;
  if (there == here) {
    TableSum a, b;
    if (!Sum(from_, shape, &a, error) || !Sum(to_, shape, &b, error)) return false;
    if (a.rows == b.rows && a.checksum == b.checksum) {
      *done = true;
      std::printf("  table %-24s kept: %" PRId64 " rows, complete and verified\n",
                  shape.name.c_str(), there);
      std::fflush(stdout);
      rows_done_ += there;
      rows_kept_ += there;
      return true;
    }
  } else if (there < here) {
    // The largest key there; its rows are a prefix when the file has as
    // many rows up to it.
    std::string last;
    if (!LastKey(shape, &last, error)) return false;
    int64_t below = -1;
    if (!last.empty()) {
      std::string key = shape.rowid.empty() ? "(" + shape.key + ")" : shape.rowid;
      if (!from_->QueryInt("SELECT count(*) FROM main." + Quote(shape.name) + " WHERE " + key +
                               " <= " + last,
                           &below, error)) {
        return false;
      }
      if (below == there) *after = key + " > " + last;
    }
    if (below == there) {
      std::printf("  table %-24s continued: %" PRId64 " of %" PRId64 " rows there, after %s %s\n",
                  shape.name.c_str(), there, here, shape.rowid.empty() ? "key" : "rowid",
                  last.c_str());
      std::fflush(stdout);
      rows_done_ += there;
      rows_kept_ += there;
      return true;
    }
  }
  std::printf("  table %-24s copied again: %" PRId64 " of %" PRId64 " rows there\n",
              shape.name.c_str(), there, here);
  std::fflush(stdout);
  return to_->Exec("DELETE FROM main." + Quote(shape.name), error);
}

bool Transfer::CopySequence(std::string* error) {
  int64_t has = 0;
  if (!from_->QueryInt("SELECT count(*) FROM main.sqlite_master WHERE name = 'sqlite_sequence'",
                       &has, error)) {
    return false;
  }
  if (has == 0) return true;
  std::vector<std::vector<Value>> rows;
  if (!from_->Query("SELECT name, seq FROM main.sqlite_sequence", &rows, error)) return false;
  for (const auto& r : rows) {
    std::string seq = std::to_string(r[1].i);
    if (!to_->Exec(
            "UPDATE main.sqlite_sequence SET seq = " + seq + " WHERE name = " + Literal(r[0].bytes),
            error)) {
      return false;
    }
    if (to_->lib()->sqlite3_changes(to_->handle()) == 0 &&
        !to_->Exec("INSERT INTO main.sqlite_sequence (name, seq) VALUES (" + Literal(r[0].bytes) +
                       ", " + seq + ")",
                   error)) {
      return false;
    }
  }
  return true;
}

bool Transfer::Copy(std::string* error) {
  start_ = last_report_ = Now();
  if (resume_) {
    std::vector<std::vector<Value>> rows;
    if (!to_->Query(
            "SELECT type, name, tbl_name, sql FROM main.sqlite_master WHERE sql IS NOT NULL", &rows,
            error)) {
      return false;
    }
    for (const auto& r : rows) {
      if (Lower(r[1].bytes).rfind("sqlite_", 0) == 0) continue;
      existing_.push_back({r[0].bytes, r[1].bytes, r[2].bytes, r[3].bytes});
    }
  }
  auto existing = [&](const SchemaObject& o, std::string* error) { return Existing(o, error); };
  // Tables first (in their order), then their rows.
  std::vector<Shape> shapes;
  std::vector<bool> kept;
  for (const SchemaObject& o : schema_) {
    if (o.type != "table") continue;
    int there = existing(o, error);
    if (there < 0) return false;
    if (there == 0) {
      // A full-text table works on the route, but its shadow tables would
      // be copied as rows of their own: not moved yet.
      if (Lower(o.sql).rfind("create virtual", 0) == 0) {
        *error = "creating table " + o.name +
                 ": litelift: virtual tables are not supported by migrate yet (docs/status.md)";
        return false;
      }
      if (!to_->Exec(o.sql, error)) {
        *error = "creating table " + o.name + ": " + *error;
        return false;
      }
      created_.push_back(o);
    }
    kept.push_back(there == 1);
    shapes.emplace_back();
    if (!ShapeOf(o, &shapes.back(), error)) return false;
    if (copy_ != nullptr && !DescribeServerTable(o, *copy_, from_, &shapes.back(), error)) {
      *error = "reading table " + o.name + " on the server: " + *error;
      return false;
    }
    if (read_with_copy() && !DescribeServerTable(o, *verify_server_, to_, &shapes.back(), error)) {
      *error = "reading table " + o.name + " on the server: " + *error;
      return false;
    }
  }
  for (size_t t = 0; t < shapes.size(); ++t) {
    const Shape& shape = shapes[t];
    bool done = false;
    std::string from;
    if (kept[t] && !ResumePoint(shape, &done, &from, error)) {
      *error = "resuming " + shape.name + ": " + *error;
      return false;
    }
    if (done) continue;
    if (copy_ != nullptr) {
      std::string fallback = shape.no_copy;
      error->clear();
      if (fallback.empty() && CopyTableIn(shape, from, &fallback, error)) continue;
      if (!error->empty()) return false;
      std::printf("  table %-24s through INSERT on the route: %s\n", shape.name.c_str(),
                  fallback.c_str());
      std::fflush(stdout);
    }
    if (read_with_copy()) {
      std::string fallback = shape.no_copy;
      error->clear();
      if (fallback.empty() && CopyTableOut(shape, &fallback, error)) continue;
      if (!error->empty()) return false;
      std::printf("  table %-24s read through the route: %s\n", shape.name.c_str(),
                  fallback.c_str());
      std::fflush(stdout);
    }
    if (!CopyTable(shape, from, error)) return false;
  }
  copy_seconds_ = Now() - start_;
  Report(true);
  if (!CopySequence(error)) {
    *error = "copying sqlite_sequence: " + *error;
    return false;
  }
  // Indexes, views and triggers, in their order; then the header fields.
  objects_.clear();
  for (const SchemaObject& o : schema_) {
    if (o.type == "table") continue;
    int there = existing(o, error);
    if (there < 0) return false;
    if (there == 0) objects_.push_back(o);
  }
  for (int k = 0; k < 2; ++k) {
    if (!from_->QueryInt(std::string("PRAGMA main.") + kHeaderFields[k], &header_[k], error)) {
      *error = std::string("copying ") + kHeaderFields[k] + ": " + *error;
      return false;
    }
  }
  // With a server side to verify against (migrate), Verify makes them
  // while it reads the rows: the server builds indexes as both sides sum.
  return overlap_objects() || MakeObjects(error);
}

int Transfer::Existing(const SchemaObject& o, std::string* error) const {
  for (const SchemaObject& e : existing_) {
    if (Lower(e.name) != Lower(o.name)) continue;
    if (e.type == o.type && e.sql == o.sql) return 1;
    *error =
        o.type + " " + o.name + " on the route is not the file's (" + e.type + ": " + e.sql + ")";
    return -1;
  }
  return 0;
}

bool Transfer::MakeObjects(std::string* error) {
  for (const SchemaObject& o : objects_) {
    if (!to_->Exec(o.sql, error)) {
      *error = "creating " + o.type + " " + o.name + ": " + *error;
      return false;
    }
    created_.push_back(o);
  }
  objects_.clear();
  for (int k = 0; k < 2; ++k) {
    if (!to_->Exec(std::string("PRAGMA main.") + kHeaderFields[k] + " = " +
                       std::to_string(header_[k]),
                   error)) {
      *error = std::string("copying ") + kHeaderFields[k] + ": " + *error;
      return false;
    }
  }
  return true;
}

bool Transfer::Sum(Db* db, const Shape& shape, TableSum* sum, std::string* error) {
  *sum = TableSum();
  std::string sql = "SELECT " + (shape.rowid.empty() ? "" : shape.rowid + ", ") + "* FROM main." +
                    Quote(shape.name);
  const SqliteLib& lib = *db->lib();
  sqlite3_stmt* stmt = nullptr;
  if (lib.sqlite3_prepare_v2(db->handle(), sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    *error = lib.name + ": " + db->Errmsg();
    return false;
  }
  int n = lib.sqlite3_column_count(stmt);
  int rc;
  while ((rc = lib.sqlite3_step(stmt)) == SQLITE_ROW) {
    RowHash h;
    for (int i = 0; i < n; ++i) MixColumn(lib, stmt, i, &h);
    sum->checksum += h.value();
    ++sum->rows;
  }
  if (rc != SQLITE_DONE) *error = lib.name + ": " + db->Errmsg();
  lib.sqlite3_finalize(stmt);
  return rc == SQLITE_DONE;
}

bool Transfer::ServerSum(const SchemaObject& table, Shape* shape, TableSum* sum) {
  if (verify_server_ == nullptr) return false;
  Db* file = server_is_from_ ? to_ : from_;
  std::string why;
  // Generated columns (which `*` reads, and the server computes) are left
  // to the route.
  int64_t generated = 0;
  if (!file->QueryInt(
          "SELECT count(*) FROM pragma_table_xinfo(" + Literal(table.name) + ") WHERE hidden <> 0",
          &generated, &why) ||
      generated != 0) {
    return false;
  }
  // Export hashed the rows as it read them, from the snapshot this read
  // would see again.
  if (auto it = read_sums_.find(table.name); it != read_sums_.end()) {
    *sum = it->second;
    return true;
  }
  if (!DescribeServerTable(table, *verify_server_, file, shape, &why) || !shape->no_copy.empty()) {
    return false;
  }
  // The rows as Sum reads them: the rowid first, then every column (an
  // INTEGER PRIMARY KEY carrying the rowid twice).
  ServerTable st = shape->copy;
  if (!shape->rowid.empty() && shape->rowid_is_column) {
    st.columns.insert(st.columns.begin(), st.rowid_column);
    st.storages.insert(st.storages.begin(), Storage::kInteger);
  }
  if (!ServerTableSum(verify_server_->conn, st, &sum->rows, &sum->checksum, &why)) {
    std::printf("  table %-24s read through the route: %s\n", table.name.c_str(), why.c_str());
    *sum = TableSum();
    return false;
  }
  return true;
}

bool Transfer::Verify(std::string* error) {
  std::vector<std::string> differ;
  // Indexes, views and triggers (overlap_objects) are made on to_ beside
  // the sums, which read to_ only through the server connection; a table
  // that must be read through to_ waits for them.
  bool objects_ok = true;
  std::string objects_error;
  struct Joiner {
    std::thread t;
    void Join() {
      if (t.joinable()) t.join();
    }
    ~Joiner() { Join(); }
  } objects;
  if (overlap_objects()) objects.t = std::thread([&] { objects_ok = MakeObjects(&objects_error); });
  for (const SchemaObject& o : schema_) {
    if (o.type != "table") continue;
    Shape shape;
    TableSum a, b;
    if (!ShapeOf(o, &shape, error)) {
      *error = "checking " + o.name + ": " + *error;
      return false;
    }
    // The two sides are summed at once: each connection is used by one
    // thread only, and the slower side (the server's) sets the pace.
    Db* file = server_is_from_ ? to_ : from_;
    Db* route = server_is_from_ ? from_ : to_;
    TableSum* file_sum = server_is_from_ ? &b : &a;
    TableSum* route_sum = server_is_from_ ? &a : &b;
    std::string file_error;
    bool file_ok = false;
    std::thread file_side([&] { file_ok = Sum(file, shape, file_sum, &file_error); });
    bool route_ok = ServerSum(o, &shape, route_sum) ||
                    (objects.Join(), objects_ok && Sum(route, shape, route_sum, error));
    if (!objects_ok) {
      file_side.join();
      *error = objects_error;
      return false;
    }
    file_side.join();
    if (!file_ok || !route_ok) {
      *error = "checking " + o.name + ": " + (file_ok ? *error : file_error);
      return false;
    }
    bool same = a.rows == b.rows && a.checksum == b.checksum;
    std::printf("  table %-24s %10" PRId64 " rows  checksum %016" PRIx64 "  %s", o.name.c_str(),
                a.rows, a.checksum, same ? "same\n" : "DIFFERS: ");
    if (!same) {
      std::printf("%" PRId64 " rows, checksum %016" PRIx64 "\n", b.rows, b.checksum);
      differ.push_back(o.name);
    }
  }
  objects.Join();
  if (!objects_ok) {
    *error = objects_error;
    return false;
  }
  // sqlite_sequence and the header fields, as text.
  for (const char* what : {"sqlite_sequence", "user_version", "application_id"}) {
    std::string q = std::string(what) == "sqlite_sequence"
                        ? "SELECT name || '=' || seq FROM main.sqlite_sequence ORDER BY name"
                        : std::string("PRAGMA main.") + what;
    std::string text[2];
    Db* dbs[2] = {from_, to_};
    for (int k = 0; k < 2; ++k) {
      int64_t has = 1;
      if (q[0] == 'S' && !dbs[k]->QueryInt("SELECT count(*) FROM main.sqlite_master WHERE "
                                           "name = 'sqlite_sequence'",
                                           &has, error)) {
        return false;
      }
      std::vector<std::vector<Value>> rows;
      if (has && !dbs[k]->Query(q, &rows, error)) return false;
      for (const auto& r : rows) {
        text[k] += (text[k].empty() ? "" : " ") +
                   (r[0].type == SQLITE_INTEGER ? std::to_string(r[0].i) : r[0].bytes);
      }
    }
    bool same = text[0] == text[1];
    std::printf("  %-30s %s  %s%s\n", what, text[0].empty() ? "(none)" : text[0].c_str(),
                same ? "same" : "DIFFERS: ", same ? "" : text[1].c_str());
    if (!same) differ.push_back(what);
  }
  std::fflush(stdout);
  if (!differ.empty()) {
    *error = "the copy differs from the original in";
    for (const auto& d : differ) *error += " " + d;
    return false;
  }
  return true;
}

}  // namespace litelift::cli
