#include "tools/cli/transfer.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <cstring>

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

std::string Literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

constexpr uint64_t kFnvOffset = 14695981039346656037ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

void Mix(uint64_t* h, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) {
    *h ^= p[i];
    *h *= kFnvPrime;
  }
}

// Mixes column i's storage class and value into *h.
void MixColumn(const SqliteLib& lib, sqlite3_stmt* stmt, int i, uint64_t* h) {
  unsigned char type = static_cast<unsigned char>(lib.sqlite3_column_type(stmt, i));
  Mix(h, &type, 1);
  switch (type) {
    case SQLITE_INTEGER: {
      int64_t v = lib.sqlite3_column_int64(stmt, i);
      Mix(h, &v, sizeof v);
      break;
    }
    case SQLITE_FLOAT: {
      double v = lib.sqlite3_column_double(stmt, i);
      Mix(h, &v, sizeof v);
      break;
    }
    case SQLITE_TEXT:
    case SQLITE_BLOB: {
      const void* p = type == SQLITE_TEXT
                          ? static_cast<const void*>(lib.sqlite3_column_text(stmt, i))
                          : lib.sqlite3_column_blob(stmt, i);
      int64_t n = lib.sqlite3_column_bytes(stmt, i);
      Mix(h, &n, sizeof n);
      if (n > 0) Mix(h, p, static_cast<size_t>(n));
      break;
    }
    default:
      break;
  }
}

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
  }
  return true;
}

void Transfer::Report(bool final) {
  double now = Now();
  if (!final && now - last_report_ < 1.0) return;
  last_report_ = now;
  double secs = now - start_;
  double rate = secs > 0 ? static_cast<double>(rows_done_) / secs : 0;
  double pct = rows_total_ > 0
                   ? 100.0 * static_cast<double>(rows_done_) / static_cast<double>(rows_total_)
                   : 100.0;
  bool tty = isatty(2) != 0;
  std::fprintf(stderr, "%slitelift %s: %" PRId64 "/%" PRId64 " rows (%.0f%%), %.0f rows/s%s",
               tty ? "\r" : "", verb_.c_str(), rows_done_, rows_total_, pct, rate,
               tty && !final ? "" : "\n");
}

bool Transfer::CopyTable(const Shape& shape, std::string* error) {
  std::string cols, marks;
  if (!shape.rowid.empty() && !shape.rowid_is_column) {
    cols = shape.rowid;
    marks = "?";
  }
  for (const auto& c : shape.columns) {
    cols += (cols.empty() ? "" : ", ") + Quote(c);
    marks += marks.empty() ? "?" : ", ?";
  }
  const int n = static_cast<int>(1 + std::count(marks.begin(), marks.end(), ','));
  // Several rows per INSERT save round trips on the route; the parameters
  // stay within SQLite's default limit.
  const int per_stmt =
      static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(rows_per_statement_, 30000 / n)));
  std::string select = "SELECT " + cols + " FROM main." + Quote(shape.name);
  std::string insert =
      "INSERT INTO main." + Quote(shape.name) + " (" + cols + ") VALUES (" + marks + ")";
  std::string insert_many = insert;
  for (int r = 1; r < per_stmt; ++r) insert_many += ", (" + marks + ")";
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
  // Tables first (in their order), then their rows.
  std::vector<Shape> shapes;
  for (const SchemaObject& o : schema_) {
    if (o.type != "table") continue;
    if (!to_->Exec(o.sql, error)) {
      *error = "creating table " + o.name + ": " + *error;
      return false;
    }
    created_.push_back(o);
    shapes.emplace_back();
    if (!ShapeOf(o, &shapes.back(), error)) return false;
  }
  for (const Shape& shape : shapes) {
    if (!CopyTable(shape, error)) return false;
  }
  copy_seconds_ = Now() - start_;
  Report(true);
  if (!CopySequence(error)) {
    *error = "copying sqlite_sequence: " + *error;
    return false;
  }
  // Indexes, views and triggers, in their order.
  for (const SchemaObject& o : schema_) {
    if (o.type == "table") continue;
    if (!to_->Exec(o.sql, error)) {
      *error = "creating " + o.type + " " + o.name + ": " + *error;
      return false;
    }
    created_.push_back(o);
  }
  for (const char* pragma : {"user_version", "application_id"}) {
    int64_t v = 0;
    if (!from_->QueryInt(std::string("PRAGMA main.") + pragma, &v, error) ||
        !to_->Exec(std::string("PRAGMA main.") + pragma + " = " + std::to_string(v), error)) {
      *error = std::string("copying ") + pragma + ": " + *error;
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
    uint64_t h = kFnvOffset;
    for (int i = 0; i < n; ++i) MixColumn(lib, stmt, i, &h);
    sum->checksum += h;
    ++sum->rows;
  }
  if (rc != SQLITE_DONE) *error = lib.name + ": " + db->Errmsg();
  lib.sqlite3_finalize(stmt);
  return rc == SQLITE_DONE;
}

bool Transfer::Verify(std::string* error) {
  std::vector<std::string> differ;
  for (const SchemaObject& o : schema_) {
    if (o.type != "table") continue;
    Shape shape;
    TableSum a, b;
    if (!ShapeOf(o, &shape, error) || !Sum(from_, shape, &a, error) ||
        !Sum(to_, shape, &b, error)) {
      *error = "checking " + o.name + ": " + *error;
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
