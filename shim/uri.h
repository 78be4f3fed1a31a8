// SQLite's own checks of a database name at open (sqlite3ParseUri, 3.40.1),
// for the opens litelift serves itself: a "file:" URI or VFS that SQLite
// refuses is refused with the same code and message, and the URI's
// parameters give the open flags SQLite would use.

#ifndef LITELIFT_SHIM_URI_H_
#define LITELIFT_SHIM_URI_H_

#include <string>

namespace litelift::shim {

// Whether "file:" names are URIs without SQLITE_OPEN_URI: the library's
// default (SQLITE_USE_URI, on in Debian's build) until
// sqlite3_config(SQLITE_CONFIG_URI) sets it.
bool UrisByDefault();

// Records a successful sqlite3_config(SQLITE_CONFIG_URI, on).
void SetUrisByDefault(bool on);

// Checks filename (UTF-8) and vfs as SQLite's open does. Returns SQLITE_OK,
// with *is_uri telling whether filename was read as a URI and, if so,
// *flags changed as its mode= and immutable= ask (immutable=1 opens
// read-only); or SQLite's code (SQLITE_ERROR, SQLITE_PERM) with *error
// SQLite's message ("no such access mode: x", "no such vfs: x",
// "invalid uri authority: x", ...).
int CheckOpen(const char* filename, const char* vfs, int* flags, bool* is_uri, std::string* error);

}  // namespace litelift::shim

#endif  // LITELIFT_SHIM_URI_H_
