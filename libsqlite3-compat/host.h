// What the postgres module borrows from the shim: the real SQLite (for the
// shadow catalogs and row values), the handle arena and failed connections.

#ifndef LITELIFT_COMPAT_HOST_H_
#define LITELIFT_COMPAT_HOST_H_

#include "shim/module_api.h"

namespace litelift::compat {

// Set once by the module's init function, before any other call.
extern const shim::ModuleHost* g_host;

}  // namespace litelift::compat

// Calls the real SQLite's function `name` (never the exported one, which
// would route back into litelift).
#define SQ(name) (::litelift::compat::g_host->engine->name.load(std::memory_order_relaxed))

#endif  // LITELIFT_COMPAT_HOST_H_
