// The RemoteApi tables of the postgres route's handles (remote_api.cc).

#ifndef LITELIFT_COMPAT_REMOTE_TABLES_H_
#define LITELIFT_COMPAT_REMOTE_TABLES_H_

#include "shim/remote_api.h"

namespace litelift::compat {

const shim::RemoteApi& ConnectionApi();  // sqlite3* of a routed database
const shim::RemoteApi& StatementApi();   // sqlite3_stmt* of one

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_REMOTE_TABLES_H_
