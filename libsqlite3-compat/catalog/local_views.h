// Views kept in the shadow catalog only (docs/design.md, "The second
// executor"). SQLite lets a view call any function and checks it only when
// the view is read; a server view is made from translated text, which
// cannot call the program's function. Such a view lives in the shadow and
// in litelift.catalog (sqlite_master shows it to every connection, after a
// reconnect too), not on the server, and a statement reading it runs in
// the embedded engine, which makes its views from the shadow's text.

#ifndef LITELIFT_COMPAT_CATALOG_LOCAL_VIEWS_H_
#define LITELIFT_COMPAT_CATALOG_LOCAL_VIEWS_H_

#include <string>

#include "libsqlite3-compat/catalog/shadow.h"

namespace litelift::compat {

// Why the view `name` of database db (main, temp or an attached one's
// name) is kept in the shadow only: its text calls a function, or names a
// collation, that is not SQLite's own (the program's, registered or not
// yet: "calls function f, which is not SQLite's"), or it reads such a
// view. "" when it is a server view: its text translates, or fails to for
// another reason (a translator gap, refused at CREATE VIEW), or there is
// no such view. A function of the schema alone, so that every connection
// decides as the one that created the view did; cached until the shadow's
// next Invalidate().
std::string LocalViewReason(Shadow& shadow, const std::string& db, const std::string& name);

// The translator's error for a view's text (or for a statement), when it
// names a function or collation that is not SQLite's own: the reason, as
// above; "" otherwise.
std::string NotSqlitesReason(Shadow& shadow, const std::string& translate_error);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_CATALOG_LOCAL_VIEWS_H_
