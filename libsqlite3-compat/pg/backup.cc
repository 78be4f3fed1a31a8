#include "libsqlite3-compat/pg/backup.h"

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/pg/connection.h"
#include "libsqlite3-compat/pg/content_copy.h"
#include "libsqlite3-compat/text.h"
#include "router/log.h"

namespace litelift::compat {

namespace {

using Lock = std::lock_guard<std::recursive_mutex>;

bool Routed(const void* h) { return g_host->is_remote(h); }
Connection* C(sqlite3* db) {
  return static_cast<Connection*>(reinterpret_cast<shim::RemoteHandle*>(db)->impl);
}

// Whether a routed connection has database name (NULL: main). temp always
// exists for SQLite's backup and serialize (it is opened on first use).
bool HasDatabase(Connection* c, const char* name) {
  std::string n = name != nullptr ? Lower(name) : "main";
  if (n == "main" || n == "temp") return true;
  for (const Connection::Attached& a : c->attached) {
    if (a.name == n) return true;
  }
  return false;
}

std::string NameOr(const char* name) { return name != nullptr ? name : "main"; }

// While litelift runs its own statements on a routed connection for a
// backup: none of the program's callbacks fire (SQLite's backup runs no
// SQL of the connection's), and the counters and last error a program can
// read are as they were.
class Quiet {
 public:
  explicit Quiet(Connection* c) : c_(c), saved_(*c) {
    c->update_hook = nullptr;
    c->commit_hook = nullptr;
    c->rollback_hook = nullptr;
    c->authorizer = nullptr;
    c->progress = nullptr;
    c->legacy_trace = nullptr;
    c->profile = nullptr;
    c->trace_cb = nullptr;
    c->trace_mask = 0;
  }
  ~Quiet() {
    c_->update_hook = saved_.update_hook;
    c_->commit_hook = saved_.commit_hook;
    c_->rollback_hook = saved_.rollback_hook;
    c_->authorizer = saved_.authorizer;
    c_->progress = saved_.progress;
    c_->legacy_trace = saved_.legacy_trace;
    c_->profile = saved_.profile;
    c_->trace_cb = saved_.trace_cb;
    c_->trace_mask = saved_.trace_mask;
    c_->changes = saved_.changes;
    c_->total_changes = saved_.total_changes;
    c_->last_insert_rowid = saved_.last_insert_rowid;
  }
  Quiet(const Quiet&) = delete;
  Quiet& operator=(const Quiet&) = delete;

 private:
  struct Saved {
    explicit Saved(const Connection& c)
        : update_hook(c.update_hook),
          commit_hook(c.commit_hook),
          rollback_hook(c.rollback_hook),
          authorizer(c.authorizer),
          progress(c.progress),
          legacy_trace(c.legacy_trace),
          profile(c.profile),
          trace_cb(c.trace_cb),
          trace_mask(c.trace_mask),
          changes(c.changes),
          total_changes(c.total_changes),
          last_insert_rowid(c.last_insert_rowid) {}
    decltype(Connection::update_hook) update_hook;
    decltype(Connection::commit_hook) commit_hook;
    decltype(Connection::rollback_hook) rollback_hook;
    decltype(Connection::authorizer) authorizer;
    decltype(Connection::progress) progress;
    decltype(Connection::legacy_trace) legacy_trace;
    decltype(Connection::profile) profile;
    decltype(Connection::trace_cb) trace_cb;
    unsigned trace_mask;
    int64_t changes, total_changes, last_insert_rowid;
  };
  Connection* c_;
  Saved saved_;
};

// Fills copy (a fresh private database) with database name of the routed
// connection src, read in one transaction of src when it has none open.
int Materialize(sqlite3* src, const std::string& name, sqlite3* copy, CopyError* error) {
  Connection* c = C(src);
  Lock l(c->mu);
  Quiet quiet(c);
  int code = c->err_code;
  std::string message = c->err_msg;
  bool own_txn = c->Autocommit();
  int rc = own_txn ? ExecOne(src, "BEGIN", error) : SQLITE_OK;
  if (rc == SQLITE_OK) {
    CopyError local;
    rc = ExecOne(copy, "BEGIN", &local);
    if (rc == SQLITE_OK) rc = CopyContent(src, name, copy, "main", error);
    if (rc == SQLITE_OK) rc = ExecOne(copy, "COMMIT", error);
    if (own_txn) {
      CopyError ignored;
      ExecOne(src, "COMMIT", &ignored);
    }
  }
  c->SetError(code, message);  // reading the source leaves its error as it was
  return rc;
}

// Replaces database name of the routed connection dest with the content of
// copy (a private database), atomically: inside the program's transaction
// when one is open (a savepoint), else in one transaction of its own.
// Foreign keys are not checked meanwhile, as a backup does not check them.
int Load(sqlite3* copy, sqlite3* dest, const std::string& name, CopyError* error) {
  Connection* c = C(dest);
  Lock l(c->mu);
  if (c->readonly) {
    error->code = SQLITE_READONLY;
    error->message = "attempt to write a readonly database";
    return error->code;
  }
  Quiet quiet(c);
  sqlite3_int64 fk = 0;
  CopyError ignored;
  bool autocommit = c->Autocommit();
  if (autocommit && QueryInt(dest, "PRAGMA foreign_keys", &fk, &ignored) == SQLITE_OK && fk != 0) {
    ExecOne(dest, "PRAGMA foreign_keys = OFF", &ignored);
  } else {
    fk = 0;
  }
  int rc = ExecOne(dest, "SAVEPOINT litelift_replace", error);
  if (rc == SQLITE_OK) {
    rc = DropContent(dest, name, error);
    if (rc == SQLITE_OK) rc = CopyContent(copy, "main", dest, name, error);
    if (rc != SQLITE_OK) ExecOne(dest, "ROLLBACK TO litelift_replace", &ignored);
    int release = ExecOne(dest, "RELEASE litelift_replace", rc == SQLITE_OK ? error : &ignored);
    if (rc == SQLITE_OK) rc = release;
  }
  if (fk != 0) ExecOne(dest, "PRAGMA foreign_keys = ON", &ignored);
  if (rc == SQLITE_OK) c->ClearError();
  return rc;
}

// ---- the backup handle -------------------------------------------------------

// Unfinished backups by routed connection (kept here, not in Connection, so
// that only backups know of them).
std::mutex g_count_mu;
std::map<const Connection*, int>* g_counts = new std::map<const Connection*, int>();

void CountBackup(const Connection* c, int delta) {
  std::lock_guard<std::mutex> l(g_count_mu);
  int& n = (*g_counts)[c];
  n += delta;
  if (n <= 0) g_counts->erase(c);
}

struct Backup {
  sqlite3* dest;                 // the program's
  std::string dest_name;         // as given (used on a real dest)
  sqlite3* src;                  // the program's
  std::string src_name;          // as given
  sqlite3* dest_copy = nullptr;  // stands for a routed dest
  sqlite3* src_copy = nullptr;   // a routed source materialized
  sqlite3_backup* real = nullptr;
  bool materialized = false;
  // The routed source's state when materialized: its changes and schema.
  int64_t src_changes = -1;
  int src_generation = -1;
  int rc = SQLITE_OK;  // the last step's answer (SQLite's p->rc)
  shim::RemoteHandle* handle = nullptr;
};

Backup* B(sqlite3_backup* p) {
  return static_cast<Backup*>(reinterpret_cast<shim::RemoteHandle*>(p)->impl);
}

bool IsFatal(int rc) {
  return rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED && rc != SQLITE_DONE;
}

sqlite3* RealDest(Backup* b) { return b->dest_copy != nullptr ? b->dest_copy : b->dest; }
std::string RealDestName(Backup* b) { return b->dest_copy != nullptr ? "main" : b->dest_name; }

// Whether the routed source changed since it was materialized (through its
// own connection, as SQLite's backup notices it).
bool SourceChanged(Backup* b) {
  if (!b->materialized) return true;
  Connection* c = C(b->src);
  Lock l(c->mu);
  return c->total_changes != b->src_changes || c->schema_generation != b->src_generation;
}

// Whether the routed source's connection is in a write transaction.
bool SourceWriting(Backup* b) {
  Connection* c = C(b->src);
  Lock l(c->mu);
  return !c->Autocommit() && c->txn_level == SQLITE_TXN_WRITE;
}

// Materializes the routed source again and starts the real backup over
// from that copy (SQLite restarts a backup whose source changed).
int Rematerialize(Backup* b) {
  if (b->real != nullptr) SQ(sqlite3_backup_finish)(b->real);
  b->real = nullptr;
  SQ(sqlite3_close)(b->src_copy);
  b->src_copy = OpenPrivateMemory();
  if (b->src_copy == nullptr) return SQLITE_NOMEM;
  {
    Connection* c = C(b->src);
    Lock l(c->mu);
    b->src_changes = c->total_changes;
    b->src_generation = c->schema_generation;
  }
  CopyError error;
  int rc = Materialize(b->src, b->src_name, b->src_copy, &error);
  if (rc != SQLITE_OK) {
    LL_WARN("backup: reading the routed source failed: {}", error.message);
    return rc;
  }
  b->materialized = true;
  b->real = SQ(sqlite3_backup_init)(RealDest(b), RealDestName(b).c_str(), b->src_copy, "main");
  if (b->real == nullptr) return SQ(sqlite3_extended_errcode)(RealDest(b));
  return SQLITE_OK;
}

int Step(sqlite3_backup* p, int pages) {
  Backup* b = B(p);
  if (IsFatal(b->rc)) return b->rc;
  int rc = SQLITE_OK;
  if (b->dest_copy != nullptr && C(b->dest)->readonly) {
    rc = SQLITE_READONLY;  // SQLite's first step cannot write such a dest
  } else if (Routed(b->src) && SourceWriting(b)) {
    rc = SQLITE_BUSY;  // SQLite: a source being written cannot be read
  } else if (Routed(b->src) && SourceChanged(b)) {
    rc = Rematerialize(b);
  }
  if (rc == SQLITE_OK) rc = SQ(sqlite3_backup_step)(b->real, pages);
  if (rc == SQLITE_DONE && b->dest_copy != nullptr) {
    CopyError error;
    if (int lrc = Load(b->dest_copy, b->dest, b->dest_name, &error)) {
      LL_WARN("backup: replacing the routed destination failed: {}", error.message);
      rc = lrc;
    }
  }
  b->rc = rc;
  return rc;
}

int Remaining(sqlite3_backup* p) {
  Backup* b = B(p);
  return b->real != nullptr ? SQ(sqlite3_backup_remaining)(b->real) : 0;
}

int Pagecount(sqlite3_backup* p) {
  Backup* b = B(p);
  return b->real != nullptr ? SQ(sqlite3_backup_pagecount)(b->real) : 0;
}

void Free(Backup* b) {
  if (b->real != nullptr) SQ(sqlite3_backup_finish)(b->real);
  SQ(sqlite3_close)(b->src_copy);
  SQ(sqlite3_close)(b->dest_copy);
  if (b->handle != nullptr) {
    g_host->free_handle(b->handle);
    // Counted at init: the routed sides may close now.
    for (sqlite3* side : {b->src, b->dest}) {
      if (!Routed(side)) continue;
      CountBackup(C(side), -1);
      BackupEnded(C(side));
    }
  }
  delete b;
}

int Finish(sqlite3_backup* p) {
  if (p == nullptr) return SQLITE_OK;
  Backup* b = B(p);
  int rc = b->rc == SQLITE_DONE ? SQLITE_OK : b->rc;
  // SQLite leaves the outcome on the destination, with the code's own text.
  if (Routed(b->dest)) {
    Connection* c = C(b->dest);
    Lock l(c->mu);
    c->SetError(rc, rc == SQLITE_OK ? "not an error" : SQ(sqlite3_errstr)(rc));
    rc = c->Masked(rc);
  }
  Free(b);
  return rc;
}

const shim::RemoteApi& BackupApi() {
  static const shim::RemoteApi api = [] {
    shim::RemoteApi a = *g_host->default_api;
    a.sqlite3_backup_step = Step;
    a.sqlite3_backup_remaining = Remaining;
    a.sqlite3_backup_pagecount = Pagecount;
    a.sqlite3_backup_finish = Finish;
    return a;
  }();
  return api;
}

// An error of backup_init, left on dest as SQLite leaves it.
sqlite3_backup* InitError(sqlite3* dest, int code, const std::string& message) {
  if (Routed(dest)) {
    Connection* c = C(dest);
    Lock l(c->mu);
    c->SetError(code, message);
  }
  return nullptr;
}

}  // namespace

int BackupsUsing(const Connection* c) {
  std::lock_guard<std::mutex> l(g_count_mu);
  auto it = g_counts->find(c);
  return it == g_counts->end() ? 0 : it->second;
}

sqlite3_backup* RoutedBackupInit(sqlite3* dest, const char* dest_name, sqlite3* src,
                                 const char* src_name) {
  // SQLite's order of checks: distinct handles, the source's name, the
  // destination's name, the destination not in a transaction.
  if (dest == src) {
    return InitError(dest, SQLITE_ERROR, "source and destination must be distinct");
  }
  if (Routed(src) && !HasDatabase(C(src), src_name)) {
    if (!Routed(dest)) {
      // A real dest gets the message from SQLite itself: an empty private
      // source lacks that name too.
      sqlite3* empty = OpenPrivateMemory();
      sqlite3_backup* none =
          SQ(sqlite3_backup_init)(dest, NameOr(dest_name).c_str(), empty, NameOr(src_name).c_str());
      if (none != nullptr) SQ(sqlite3_backup_finish)(none);
      SQ(sqlite3_close)(empty);
      return nullptr;
    }
    return InitError(dest, SQLITE_ERROR, "unknown database " + NameOr(src_name));
  }
  if (Routed(dest)) {
    Connection* c = C(dest);
    Lock l(c->mu);
    if (!HasDatabase(c, dest_name)) {
      return InitError(dest, SQLITE_ERROR, "unknown database " + NameOr(dest_name));
    }
    if (!c->Autocommit()) return InitError(dest, SQLITE_ERROR, "destination database is in use");
  }
  auto* b = new Backup{dest, NameOr(dest_name), src, NameOr(src_name)};
  if (Routed(dest)) b->dest_copy = OpenPrivateMemory();
  // The real backup starts from an empty copy of a routed source (what it
  // holds is read at the first step) or from the real source itself; its
  // checks of a real side are SQLite's own.
  if (Routed(src)) b->src_copy = OpenPrivateMemory();
  sqlite3* real_src = Routed(src) ? b->src_copy : src;
  std::string real_src_name = Routed(src) ? "main" : b->src_name;
  if ((Routed(dest) && b->dest_copy == nullptr) || (Routed(src) && b->src_copy == nullptr)) {
    Free(b);
    return InitError(dest, SQLITE_NOMEM, "out of memory");
  }
  b->real = SQ(sqlite3_backup_init)(RealDest(b), RealDestName(b).c_str(), real_src,
                                    real_src_name.c_str());
  if (b->real == nullptr) {
    int code = SQ(sqlite3_extended_errcode)(RealDest(b));
    std::string message = SQ(sqlite3_errmsg)(RealDest(b));
    Free(b);
    return InitError(dest, code, message);
  }
  b->handle = g_host->allocate_handle(&BackupApi(), b);
  if (b->handle == nullptr) {
    Free(b);
    return InitError(dest, SQLITE_NOMEM, "out of memory");
  }
  // A connection a backup uses does not close under it (SQLITE_BUSY).
  for (sqlite3* side : {src, dest}) {
    if (Routed(side)) CountBackup(C(side), +1);
  }
  return reinterpret_cast<sqlite3_backup*>(b->handle);
}

unsigned char* RoutedSerialize(sqlite3* db, const char* schema, sqlite3_int64* size,
                               unsigned int flags) {
  if (size != nullptr) *size = -1;
  Connection* c = C(db);
  std::string name = NameOr(schema);
  {
    Lock l(c->mu);
    // temp with nothing in it has no b-tree yet: SQLite gives NULL.
    if (!HasDatabase(c, schema) || (Lower(name) == "temp" && !c->has_temp_objects)) {
      return nullptr;
    }
  }
  sqlite3* copy = OpenPrivateMemory();
  if (copy == nullptr) return nullptr;
  CopyError error;
  unsigned char* out = nullptr;
  if (Materialize(db, name, copy, &error) == SQLITE_OK) {
    sqlite3_int64 n = -1;
    // A routed database is not in contiguous memory: NOCOPY gives NULL
    // with the size, as SQLite does for a file.
    out = SQ(sqlite3_serialize)(copy, "main", &n, flags & SQLITE_SERIALIZE_NOCOPY);
    if (flags & SQLITE_SERIALIZE_NOCOPY) out = nullptr;
    if (size != nullptr) *size = n;
  } else {
    LL_WARN("sqlite3_serialize: reading the routed database failed: {}", error.message);
  }
  SQ(sqlite3_close)(copy);
  return out;
}

int RoutedDeserialize(sqlite3* db, const char* schema, unsigned char* data, sqlite3_int64 size,
                      sqlite3_int64 buffer_size, unsigned flags) {
  Connection* c = C(db);
  std::string name = NameOr(schema);
  auto give_up = [&](int rc) {
    if (data != nullptr && (flags & SQLITE_DESERIALIZE_FREEONCLOSE)) SQ(sqlite3_free)(data);
    return rc;
  };
  {
    Lock l(c->mu);
    // SQLite: temp cannot be deserialized into; an unknown name neither
    // (SQLITE_ERROR, the error state untouched).
    if (Lower(name) == "temp" || !HasDatabase(c, schema)) return give_up(SQLITE_ERROR);
    if (flags & SQLITE_DESERIALIZE_READONLY) {
      give_up(0);
      return c->SetError(SQLITE_ERROR,
                         "litelift: sqlite3_deserialize with SQLITE_DESERIALIZE_READONLY is not "
                         "supported on the postgres route");
    }
  }
  sqlite3* image = OpenPrivateMemory();
  if (image == nullptr) return give_up(SQLITE_NOMEM);
  // The image now belongs to the private database as flags say.
  int rc = SQ(sqlite3_deserialize)(image, "main", data, size, buffer_size, flags);
  if (rc != SQLITE_OK) {
    SQ(sqlite3_close)(image);
    Lock l(c->mu);
    return c->SetError(rc, SQ(sqlite3_errstr)(rc));
  }
  CopyError error;
  rc = Load(image, db, name, &error);
  SQ(sqlite3_close)(image);
  Lock l(c->mu);
  if (rc != SQLITE_OK) return c->SetError(error.code, error.message);
  c->ClearError();
  return SQLITE_OK;
}

}  // namespace litelift::compat
