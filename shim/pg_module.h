// Loads the postgres route's module on first use.

#ifndef LITELIFT_SHIM_PG_MODULE_H_
#define LITELIFT_SHIM_PG_MODULE_H_

#include <string>

#include "shim/module_api.h"

namespace litelift::shim {

// The module's entry points, loading it on the first call (thread-safe).
// Returns nullptr with *error set when the module cannot be loaded; the
// failure is remembered.
const ModuleEntry* PgModule(std::string* error);

}  // namespace litelift::shim

#endif  // LITELIFT_SHIM_PG_MODULE_H_
