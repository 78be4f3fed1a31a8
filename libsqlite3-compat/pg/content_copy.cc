#include "libsqlite3-compat/pg/content_copy.h"

#include <set>
#include <vector>

#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat {

namespace {

// Either kind of handle: a routed one is served by its remote table, a real
// one by the real SQLite (never the exports, which would come back here).
bool Remote(const void* h) { return g_host->is_remote(h); }
const shim::RemoteApi& R(const void* h) { return *static_cast<const shim::RemoteHandle*>(h)->api; }
#define LL_ON(fn, h, ...) (Remote(h) ? R(h).fn(h, __VA_ARGS__) : SQ(fn)(h, __VA_ARGS__))
#define LL_ON1(fn, h) (Remote(h) ? R(h).fn(h) : SQ(fn)(h))

int Fail(sqlite3* db, int rc, CopyError* error) {
  error->code = LL_ON1(sqlite3_extended_errcode, db);
  if (error->code == SQLITE_OK || error->code == SQLITE_DONE || error->code == SQLITE_ROW) {
    error->code = rc;
  }
  error->message = LL_ON1(sqlite3_errmsg, db);
  return error->code;
}

// A prepared statement of either kind, finalized on scope exit.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql, CopyError* error) : db_(db), error_(error) {
    rc_ = LL_ON(sqlite3_prepare_v2, db, sql.c_str(), -1, &st_, nullptr);
    if (rc_ != SQLITE_OK) Fail(db, rc_, error);
  }
  ~Stmt() {
    if (st_ != nullptr) LL_ON1(sqlite3_finalize, st_);
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool ok() const { return rc_ == SQLITE_OK; }
  int rc() const { return rc_; }
  sqlite3_stmt* get() const { return st_; }
  // SQLITE_ROW, SQLITE_DONE, or the failure (recorded in *error).
  int Step() {
    int rc = LL_ON1(sqlite3_step, st_);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      rc_ = Fail(db_, rc, error_);
      return rc_;
    }
    return rc;
  }
  int Reset() { return LL_ON1(sqlite3_reset, st_); }
  int Type(int i) const { return LL_ON(sqlite3_column_type, st_, i); }
  sqlite3_int64 Int(int i) const { return LL_ON(sqlite3_column_int64, st_, i); }
  std::string Text(int i) const {
    const unsigned char* p = LL_ON(sqlite3_column_text, st_, i);
    int n = LL_ON(sqlite3_column_bytes, st_, i);
    return p != nullptr ? std::string(reinterpret_cast<const char*>(p), n) : std::string();
  }

  // Copies column i of from into parameter j of this statement, keeping
  // its storage class and every byte.
  int BindFrom(int j, const Stmt& from, int i) {
    sqlite3_stmt* f = from.st_;
    switch (from.Type(i)) {
      case SQLITE_INTEGER:
        return LL_ON(sqlite3_bind_int64, st_, j, LL_ON(sqlite3_column_int64, f, i));
      case SQLITE_FLOAT:
        return LL_ON(sqlite3_bind_double, st_, j, LL_ON(sqlite3_column_double, f, i));
      case SQLITE_TEXT: {
        const unsigned char* p = LL_ON(sqlite3_column_text, f, i);
        int n = LL_ON(sqlite3_column_bytes, f, i);
        return LL_ON(sqlite3_bind_text, st_, j, reinterpret_cast<const char*>(p), n,
                     SQLITE_TRANSIENT);
      }
      case SQLITE_BLOB: {
        const void* p = LL_ON(sqlite3_column_blob, f, i);
        int n = LL_ON(sqlite3_column_bytes, f, i);
        // A NULL pointer would bind NULL: an empty blob is a zero-length one.
        if (n == 0) return LL_ON(sqlite3_bind_zeroblob, st_, j, 0);
        return LL_ON(sqlite3_bind_blob, st_, j, p, n, SQLITE_TRANSIENT);
      }
      default:
        return LL_ON(sqlite3_bind_null, st_, j);
    }
  }

 private:
  sqlite3* db_;
  CopyError* error_;
  sqlite3_stmt* st_ = nullptr;
  int rc_ = SQLITE_OK;
};

struct Object {
  std::string type, name, sql;
};

// The objects with SQL of database name, in creation order.
int ReadSchema(sqlite3* db, const std::string& name, std::vector<Object>* out, CopyError* error) {
  Stmt st(db,
          "SELECT type, name, sql FROM " + Ident(name) +
              ".sqlite_master WHERE sql IS NOT NULL ORDER BY rowid",
          error);
  if (!st.ok()) return st.rc();
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) {
    Object o{st.Text(0), st.Text(1), st.Text(2)};
    if (Lower(o.name).rfind("sqlite_", 0) == 0) continue;  // sqlite_sequence, sqlite_stat1
    out->push_back(std::move(o));
  }
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

// The CREATE text sql made to create its object in database name: the
// stored text names the object right after its leading keywords, always
// unqualified, so the qualifier goes there.
std::string Qualified(const std::string& sql, const std::string& name) {
  if (Lower(name) == "main") return sql;
  static const char* const kLeads[] = {"CREATE VIRTUAL TABLE ", "CREATE UNIQUE INDEX ",
                                       "CREATE TABLE ",         "CREATE INDEX ",
                                       "CREATE VIEW ",          "CREATE TRIGGER "};
  std::string upper = Upper(sql.substr(0, 24));
  for (const char* lead : kLeads) {
    std::string l(lead);
    if (upper.rfind(l, 0) == 0)
      return sql.substr(0, l.size()) + Ident(name) + "." + sql.substr(l.size());
  }
  return sql;
}

bool IsVirtual(const Object& o) { return Upper(o.sql.substr(0, 14)) == "CREATE VIRTUAL"; }

// WITHOUT ROWID: the table options follow the last ')'.
bool WithoutRowid(const std::string& sql) {
  size_t close = sql.rfind(')');
  return close != std::string::npos && Contains(Upper(sql.substr(close)), "WITHOUT");
}

// The columns a row is copied through: those that are not hidden or
// generated, and whether the table's rowid is one of them (an INTEGER
// PRIMARY KEY).
struct Columns {
  std::vector<std::string> names;
  bool rowid_aliased = false;
};

int ReadColumns(sqlite3* db, const std::string& schema, const std::string& table, Columns* out,
                CopyError* error) {
  Stmt st(db, "PRAGMA " + Ident(schema) + ".table_xinfo(" + Ident(table) + ")", error);
  if (!st.ok()) return st.rc();
  int rc, pk_columns = 0;
  bool integer_pk = false;
  while ((rc = st.Step()) == SQLITE_ROW) {
    if (st.Int(5) > 0) {
      ++pk_columns;
      integer_pk = Upper(st.Text(2)) == "INTEGER";
    }
    if (st.Int(6) == 0) out->names.push_back(st.Text(1));
  }
  out->rowid_aliased = pk_columns == 1 && integer_pk;
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

// A name for the rowid that no column of the table has.
std::string RowidName(const Columns& cols) {
  for (const char* candidate : {"rowid", "_rowid_", "oid"}) {
    bool taken = false;
    for (const std::string& c : cols.names) taken = taken || Lower(c) == candidate;
    if (!taken) return candidate;
  }
  return "";
}

int CopyRows(sqlite3* from, const std::string& from_name, sqlite3* to, const std::string& to_name,
             const Object& table, bool replace, CopyError* error) {
  Columns cols;
  if (int rc = ReadColumns(from, from_name, table.name, &cols, error)) return rc;
  std::string rowid;
  if (!WithoutRowid(table.sql) && !cols.rowid_aliased) rowid = RowidName(cols);
  std::string list, marks;
  if (!rowid.empty()) list = rowid, marks = "?";
  for (const std::string& c : cols.names) {
    list += (list.empty() ? "" : ", ") + Ident(c);
    marks += marks.empty() ? "?" : ", ?";
  }
  std::string order = rowid.empty() ? "" : " ORDER BY " + rowid;
  Stmt read(from, "SELECT " + list + " FROM " + Ident(from_name) + "." + Ident(table.name) + order,
            error);
  if (!read.ok()) return read.rc();
  Stmt write(to,
             std::string(replace ? "INSERT OR REPLACE INTO " : "INSERT INTO ") + Ident(to_name) +
                 "." + Ident(table.name) + " (" + list + ") VALUES (" + marks + ")",
             error);
  if (!write.ok()) return write.rc();
  int n = static_cast<int>(cols.names.size()) + (rowid.empty() ? 0 : 1);
  int rc;
  while ((rc = read.Step()) == SQLITE_ROW) {
    for (int i = 0; i < n; ++i) {
      if (int brc = write.BindFrom(i + 1, read, i)) return Fail(to, brc, error);
    }
    if (write.Step() != SQLITE_DONE) return write.rc();
    write.Reset();
  }
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

// sqlite_sequence's rows, when from has the table.
int CopySequence(sqlite3* from, const std::string& from_name, sqlite3* to,
                 const std::string& to_name, CopyError* error) {
  sqlite3_int64 has = 0;
  if (int rc = QueryInt(from,
                        "SELECT count(*) FROM " + Ident(from_name) +
                            ".sqlite_master WHERE name = 'sqlite_sequence'",
                        &has, error)) {
    return rc;
  }
  if (has == 0) return SQLITE_OK;
  Stmt read(from, "SELECT name, seq FROM " + Ident(from_name) + ".sqlite_sequence", error);
  if (!read.ok()) return read.rc();
  std::string seq = Ident(to_name) + ".sqlite_sequence";
  if (int rc = ExecOne(to, "DELETE FROM " + seq, error)) return rc;
  Stmt write(to, "INSERT INTO " + seq + " (name, seq) VALUES (?, ?)", error);
  if (!write.ok()) return write.rc();
  int rc;
  while ((rc = read.Step()) == SQLITE_ROW) {
    write.BindFrom(1, read, 0);
    write.BindFrom(2, read, 1);
    if (write.Step() != SQLITE_DONE) return write.rc();
    write.Reset();
  }
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int CopyHeader(sqlite3* from, const std::string& from_name, sqlite3* to, const std::string& to_name,
               CopyError* error) {
  for (const char* field : {"user_version", "application_id"}) {
    sqlite3_int64 v = 0, now = 0;
    if (int rc = QueryInt(from, "PRAGMA " + Ident(from_name) + "." + field, &v, error)) return rc;
    if (int rc = QueryInt(to, "PRAGMA " + Ident(to_name) + "." + field, &now, error)) return rc;
    // Setting it writes the header: an empty database stays without pages.
    if (v == now) continue;
    std::string set = "PRAGMA " + Ident(to_name) + "." + field + " = " + std::to_string(v);
    if (int rc = ExecOne(to, set, error)) return rc;
  }
  return SQLITE_OK;
}

}  // namespace

std::string Ident(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

sqlite3* OpenPrivateMemory() {
  sqlite3* db = nullptr;
  if (SQ(sqlite3_open_v2)(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    SQ(sqlite3_close)(db);
    return nullptr;
  }
  return db;
}

int ExecOne(sqlite3* db, const std::string& sql, CopyError* error) {
  Stmt st(db, sql, error);
  if (!st.ok()) return st.rc();
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) {
  }
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int QueryInt(sqlite3* db, const std::string& sql, sqlite3_int64* out, CopyError* error) {
  Stmt st(db, sql, error);
  if (!st.ok()) return st.rc();
  int rc = st.Step();
  *out = rc == SQLITE_ROW ? st.Int(0) : 0;
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int CopyContent(sqlite3* from, const std::string& from_name, sqlite3* to,
                const std::string& to_name, CopyError* error) {
  std::vector<Object> schema;
  if (int rc = ReadSchema(from, from_name, &schema, error)) return rc;
  // Tables first; those a virtual table's module made when it was created
  // exist already, and may hold rows the module wrote (replaced).
  std::set<std::string> made_by_module;
  std::vector<const Object*> tables;
  for (const Object& o : schema) {
    if (o.type != "table") continue;
    if (!IsVirtual(o)) tables.push_back(&o);
    if (made_by_module.count(Lower(o.name)) != 0) continue;
    if (int rc = ExecOne(to, Qualified(o.sql, to_name), error)) return rc;
    if (IsVirtual(o)) {
      std::vector<Object> now;
      if (int rc = ReadSchema(to, to_name, &now, error)) return rc;
      for (const Object& n : now) made_by_module.insert(Lower(n.name));
    }
  }
  for (const Object* t : tables) {
    bool replace = made_by_module.count(Lower(t->name)) != 0;
    if (int rc = CopyRows(from, from_name, to, to_name, *t, replace, error)) return rc;
  }
  if (int rc = CopySequence(from, from_name, to, to_name, error)) return rc;
  for (const Object& o : schema) {
    if (o.type == "table") continue;
    if (int rc = ExecOne(to, Qualified(o.sql, to_name), error)) return rc;
  }
  return CopyHeader(from, from_name, to, to_name, error);
}

int DropContent(sqlite3* db, const std::string& name, CopyError* error) {
  std::vector<Object> schema;
  if (int rc = ReadSchema(db, name, &schema, error)) return rc;
  // Virtual tables first (their modules drop their own tables), then views,
  // then the tables that are left.
  for (int pass = 0; pass < 3; ++pass) {
    for (const Object& o : schema) {
      bool now = pass == 0   ? o.type == "table" && IsVirtual(o)
                 : pass == 1 ? o.type == "view"
                             : o.type == "table" && !IsVirtual(o);
      if (!now) continue;
      std::string drop =
          std::string(o.type == "view" ? "DROP VIEW IF EXISTS " : "DROP TABLE IF EXISTS ") +
          Ident(name) + "." + Ident(o.name);
      if (int rc = ExecOne(db, drop, error)) return rc;
    }
  }
  sqlite3_int64 has = 0;
  if (int rc = QueryInt(
          db,
          "SELECT count(*) FROM " + Ident(name) + ".sqlite_master WHERE name = 'sqlite_sequence'",
          &has, error)) {
    return rc;
  }
  if (has != 0) return ExecOne(db, "DELETE FROM " + Ident(name) + ".sqlite_sequence", error);
  return SQLITE_OK;
}

}  // namespace litelift::compat
