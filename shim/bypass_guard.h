// Detects databases a program opens through the real libsqlite3 without
// passing through litelift (a module loaded with RTLD_DEEPBIND, as PHP
// loads its extensions, binds to libsqlite3 directly, around LD_PRELOAD).
//
// When routing is configured, liblitelift claims the name libsqlite3.so.0
// as it loads and registers an automatic extension in the real libsqlite3
// at the first call into SQLite (any, also one made around litelift, which
// enters liblitelift through the real library's own calls to its exports
// before it opens anything). SQLite runs it at every open made on
// that library; an open that did not come through litelift's own
// sqlite3_open* of a database the settings route to PostgreSQL fails with
// SQLITE_CANTOPEN and a message naming the fix, instead of silently using
// a local file.

#ifndef LITELIFT_SHIM_BYPASS_GUARD_H_
#define LITELIFT_SHIM_BYPASS_GUARD_H_

namespace litelift::shim {

// Marks the calling thread as inside litelift's own open of a local
// database for the object's lifetime: the guard lets that open through.
class OwnOpenScope {
 public:
  OwnOpenScope();
  ~OwnOpenScope();
  OwnOpenScope(const OwnOpenScope&) = delete;
  OwnOpenScope& operator=(const OwnOpenScope&) = delete;
};

// When the guard's registration is what initialized the real library and
// no database has been opened through it, shuts the library down (which
// also drops the guard) so that a program's sqlite3_config() can take
// effect, as it would without litelift, and returns true; the caller
// applies the configuration, then calls ReinstallGuard(). Returns false
// (and changes nothing) otherwise.
bool UninitializeForConfig();

// Registers the guard again after UninitializeForConfig().
void ReinstallGuard();

}  // namespace litelift::shim

#endif  // LITELIFT_SHIM_BYPASS_GUARD_H_
