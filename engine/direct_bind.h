// Binds the real library's calls to its own exported functions directly.
//
// Debian's libsqlite3 calls its own exports through its PLT (sqlite3_free,
// sqlite3_mutex_enter, sqlite3_value_* ... 168 of them), so with litelift
// preloaded, or linked in its place, every such internal call would bounce
// through the shim and back. Those calls always carry the engine's own
// pointers, never a remote handle, so the bounce is pure cost: this rewrites
// the library's PLT slots for those functions to the real functions, as they
// would be without litelift. Calls from the program still reach the shim
// (they use the program's own slots), and so do the address-taken uses
// inside the library (GLOB_DAT, left alone).

#ifndef LITELIFT_ENGINE_DIRECT_BIND_H_
#define LITELIFT_ENGINE_DIRECT_BIND_H_

#include <functional>

namespace litelift::engine {

// Rewrites the PLT slots of the loaded library whose path is library_path:
// each slot of a function for which real(name) returns non-null gets that
// pointer. Returns the number of slots rewritten (0 when the library is not
// found or has no such slots; nothing is changed then).
int BindInternalCallsDirectly(const char* library_path,
                              const std::function<void*(const char*)>& real);

}  // namespace litelift::engine

#endif  // LITELIFT_ENGINE_DIRECT_BIND_H_
