// The variadic exports. C cannot forward "...", so each one either calls the
// real va_list twin (mprintf, snprintf, str_appendf) or reads its arguments
// by the option's documented types and passes them on (config, db_config,
// vtab_config, test_control); sqlite3_log formats first, then logs "%s".

#include <sqlite3.h>

#include <cstdarg>
#include <string_view>

#include "engine/sqlite_api.h"
#include "router/log.h"
#include "shim/bypass_guard.h"
#include "shim/export.h"
#include "shim/handle_arena.h"
#include "shim/uri.h"

namespace litelift::shim {
namespace {

// Argument kinds: i int, u unsigned, l sqlite3_int64, d double, p pointer,
// h handle pointer (refused when remote). "" means none.
template <typename Fn, typename... Prefix>
int ForwardArgs(Fn fn, std::string_view kinds, va_list ap, Prefix... prefix) {
  if (kinds.empty()) return fn(prefix...);
  if (kinds == "i") {
    int a = va_arg(ap, int);
    return fn(prefix..., a);
  }
  if (kinds == "p" || kinds == "h") {
    void* a = va_arg(ap, void*);
    if (kinds == "h" && IsRemote(a)) return SQLITE_MISUSE;
    return fn(prefix..., a);
  }
  if (kinds == "ii") {
    int a = va_arg(ap, int);
    int b = va_arg(ap, int);
    return fn(prefix..., a, b);
  }
  if (kinds == "pp" || kinds == "hp" || kinds == "ip" || kinds == "ih" || kinds == "hi") {
    // int and pointer arguments travel in the same registers/slots only when
    // read with their own types, so read each by kind.
    void* pa = nullptr;
    int ia = 0;
    if (kinds[0] == 'i')
      ia = va_arg(ap, int);
    else
      pa = va_arg(ap, void*);
    void* pb = nullptr;
    int ib = 0;
    if (kinds[1] == 'i')
      ib = va_arg(ap, int);
    else
      pb = va_arg(ap, void*);
    if ((kinds[0] == 'h' && IsRemote(pa)) || (kinds[1] == 'h' && IsRemote(pb))) {
      return SQLITE_MISUSE;
    }
    if (kinds == "pp" || kinds == "hp") return fn(prefix..., pa, pb);
    if (kinds == "ip" || kinds == "ih") return fn(prefix..., ia, pb);
    return fn(prefix..., pa, ib);  // "hi"
  }
  if (kinds == "pii") {
    void* a = va_arg(ap, void*);
    int b = va_arg(ap, int);
    int c = va_arg(ap, int);
    return fn(prefix..., a, b, c);
  }
  if (kinds == "hpii") {
    void* a = va_arg(ap, void*);
    void* b = va_arg(ap, void*);
    int c = va_arg(ap, int);
    int d = va_arg(ap, int);
    if (IsRemote(a)) return SQLITE_MISUSE;
    return fn(prefix..., a, b, c, d);
  }
  if (kinds == "l") {
    sqlite3_int64 a = va_arg(ap, sqlite3_int64);
    return fn(prefix..., a);
  }
  if (kinds == "ll") {
    sqlite3_int64 a = va_arg(ap, sqlite3_int64);
    sqlite3_int64 b = va_arg(ap, sqlite3_int64);
    return fn(prefix..., a, b);
  }
  if (kinds == "dppp") {
    double a = va_arg(ap, double);
    void* b = va_arg(ap, void*);
    void* c = va_arg(ap, void*);
    void* d = va_arg(ap, void*);
    return fn(prefix..., a, b, c, d);
  }
  LL_ERROR("internal: no forwarder for argument kinds '{}'", kinds);
  return SQLITE_ERROR;
}

// sqlite3_config() options and their argument kinds (sqlite3.h, 3.40).
std::string_view ConfigArgs(int op) {
  switch (op) {
    case SQLITE_CONFIG_MALLOC:
    case SQLITE_CONFIG_GETMALLOC:
    case SQLITE_CONFIG_MUTEX:
    case SQLITE_CONFIG_GETMUTEX:
    case SQLITE_CONFIG_PCACHE:
    case SQLITE_CONFIG_GETPCACHE:
    case SQLITE_CONFIG_PCACHE2:
    case SQLITE_CONFIG_GETPCACHE2:
    case SQLITE_CONFIG_PCACHE_HDRSZ:
      return "p";
    case SQLITE_CONFIG_PAGECACHE:
    case SQLITE_CONFIG_HEAP:
      return "pii";
    case SQLITE_CONFIG_MEMSTATUS:
    case SQLITE_CONFIG_URI:
    case SQLITE_CONFIG_COVERING_INDEX_SCAN:
    case SQLITE_CONFIG_WIN32_HEAPSIZE:
    case SQLITE_CONFIG_PMASZ:
    case SQLITE_CONFIG_STMTJRNL_SPILL:
    case SQLITE_CONFIG_SMALL_MALLOC:
    case SQLITE_CONFIG_SORTERREF_SIZE:
      return "i";
    case SQLITE_CONFIG_LOOKASIDE:
      return "ii";
    case SQLITE_CONFIG_LOG:
    case SQLITE_CONFIG_SQLLOG:
      return "pp";
    case SQLITE_CONFIG_MMAP_SIZE:
      return "ll";
    case SQLITE_CONFIG_MEMDB_MAXSIZE:
      return "l";
    default:  // SINGLETHREAD, MULTITHREAD, SERIALIZED, SCRATCH, unknown
      return "";
  }
}

// sqlite3_db_config() options: MAINDBNAME takes a name, LOOKASIDE a buffer,
// the rest (int onoff, int* result); an unknown op reads nothing.
std::string_view DbConfigArgs(int op) {
  if (op == SQLITE_DBCONFIG_MAINDBNAME) return "p";
  if (op == SQLITE_DBCONFIG_LOOKASIDE) return "pii";
  if (op > SQLITE_DBCONFIG_LOOKASIDE && op <= SQLITE_DBCONFIG_MAX) return "ip";
  return "";
}

// sqlite3_test_control() options and their argument kinds (sqlite3.c, 3.40).
std::string_view TestControlArgs(int op) {
  switch (op) {
    case SQLITE_TESTCTRL_BITVEC_TEST:
      return "ip";
    case SQLITE_TESTCTRL_FAULT_INSTALL:
      return "p";
    case SQLITE_TESTCTRL_BENIGN_MALLOC_HOOKS:
      return "pp";
    case SQLITE_TESTCTRL_PENDING_BYTE:
    case SQLITE_TESTCTRL_ASSERT:
    case SQLITE_TESTCTRL_ALWAYS:
    case SQLITE_TESTCTRL_LOCALTIME_FAULT:
    case SQLITE_TESTCTRL_ONCE_RESET_THRESHOLD:
    case SQLITE_TESTCTRL_NEVER_CORRUPT:
    case SQLITE_TESTCTRL_EXTRA_SCHEMA_CHECKS:
      return "i";
    case SQLITE_TESTCTRL_OPTIMIZATIONS:
    case SQLITE_TESTCTRL_SORTER_MMAP:
      return "hi";
    case SQLITE_TESTCTRL_INTERNAL_FUNCTIONS:
    case SQLITE_TESTCTRL_RESULT_INTREAL:
      return "h";
    case SQLITE_TESTCTRL_VDBE_COVERAGE:
      return "pp";
    case SQLITE_TESTCTRL_IMPOSTER:
      return "hpii";
    case SQLITE_TESTCTRL_PARSER_COVERAGE:
      return "p";
    case SQLITE_TESTCTRL_PRNG_SEED:
      return "ih";
    case SQLITE_TESTCTRL_SEEK_COUNT:
      return "hp";
    case SQLITE_TESTCTRL_TRACEFLAGS:
    case SQLITE_TESTCTRL_TUNE:
      return "ip";
    case SQLITE_TESTCTRL_LOGEST:
      return "dppp";
    default:
      return "";
  }
}

}  // namespace
}  // namespace litelift::shim

namespace shim = litelift::shim;

extern "C" {

LL_EXPORT int sqlite3_config(int op, ...) {
  va_list ap;
  va_start(ap, op);
  int uri_on = 0;
  if (op == SQLITE_CONFIG_URI) {
    va_list copy;
    va_copy(copy, ap);
    uri_on = va_arg(copy, int);
    va_end(copy);
  }
  va_list again;
  va_copy(again, ap);
  int rc = shim::ForwardArgs(LL_REAL_SPECIAL(sqlite3_config), shim::ConfigArgs(op), ap, op);
  va_end(ap);
  // SQLITE_MISUSE because litelift's guard initialized the library, not
  // the program: configure as the program would have, then guard again.
  if (rc == SQLITE_MISUSE && shim::UninitializeForConfig()) {
    rc = shim::ForwardArgs(LL_REAL_SPECIAL(sqlite3_config), shim::ConfigArgs(op), again, op);
    shim::ReinstallGuard();
  }
  va_end(again);
  // Routed opens read "file:" names as the real library would.
  if (op == SQLITE_CONFIG_URI && rc == SQLITE_OK) shim::SetUrisByDefault(uri_on != 0);
  return rc;
}

LL_EXPORT int sqlite3_db_config(sqlite3* db, int op, ...) {
  va_list ap;
  va_start(ap, op);
  int rc;
  if (LL_UNLIKELY(shim::IsRemote(db))) {
    rc = shim::RemoteFor(db).sqlite3_db_config_va(db, op, ap);
  } else {
    rc = shim::ForwardArgs(LL_REAL_SPECIAL(sqlite3_db_config), shim::DbConfigArgs(op), ap, db, op);
  }
  va_end(ap);
  return rc;
}

LL_EXPORT int sqlite3_vtab_config(sqlite3* db, int op, ...) {
  if (LL_UNLIKELY(shim::IsRemote(db))) {
    LL_WARN("sqlite3_vtab_config: no virtual tables on a postgres route");
    return SQLITE_MISUSE;
  }
  va_list ap;
  va_start(ap, op);
  int rc = shim::ForwardArgs(LL_REAL_SPECIAL(sqlite3_vtab_config),
                             op == SQLITE_VTAB_CONSTRAINT_SUPPORT ? "i" : "", ap, db, op);
  va_end(ap);
  return rc;
}

LL_EXPORT int sqlite3_test_control(int op, ...) {
  va_list ap;
  va_start(ap, op);
  int rc =
      shim::ForwardArgs(LL_REAL_SPECIAL(sqlite3_test_control), shim::TestControlArgs(op), ap, op);
  va_end(ap);
  return rc;
}

LL_EXPORT char* sqlite3_mprintf(const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  char* out = LL_REAL(sqlite3_vmprintf)(format, ap);
  va_end(ap);
  return out;
}

LL_EXPORT char* sqlite3_snprintf(int n, char* buffer, const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  char* out = LL_REAL(sqlite3_vsnprintf)(n, buffer, format, ap);
  va_end(ap);
  return out;
}

LL_EXPORT void sqlite3_str_appendf(sqlite3_str* str, const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  LL_REAL(sqlite3_str_vappendf)(str, format, ap);
  va_end(ap);
}

LL_EXPORT void sqlite3_log(int code, const char* format, ...) {
  // Formats exactly as the real sqlite3_log does (into 210 bytes, truncating)
  // and with sqlite3_vsnprintf, which, unlike vmprintf, never initialises the
  // library: sqlite3_log may be called before sqlite3_config().
  char message[210];
  va_list ap;
  va_start(ap, format);
  LL_REAL(sqlite3_vsnprintf)(sizeof message, message, format, ap);
  va_end(ap);
  LL_REAL_SPECIAL(sqlite3_log)(code, "%s", message);
}

}  // extern "C"
