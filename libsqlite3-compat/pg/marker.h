// The local file of a database on the postgres route (docs/design.md,
// "The marker file"). A path whose database lives on the server gets a
// small text file naming it, so that programs that stat, check or delete
// their database file keep working; deleting it deletes the database as
// SQLite's semantics say (the server keeps the old schema, renamed aside).
// A marker proves its identity with a random id, also recorded in
// litelift.databases.marker.

#ifndef LITELIFT_COMPAT_PG_MARKER_H_
#define LITELIFT_COMPAT_PG_MARKER_H_

#include <string>

namespace litelift::compat {

// What is at a routed database's path.
struct LocalFile {
  enum Kind {
    kMissing,     // nothing (or a dangling name)
    kMarker,      // a litelift marker: id holds its id
    kSqliteData,  // starts with SQLite's header: never changed
    kOther,       // anything else (an empty file, a half-written marker, ...)
  };
  Kind kind = kMissing;
  std::string id;
};

// Reads what is at path.
LocalFile ReadLocalFile(const std::string& path);

// A new random marker id (32 hex digits).
std::string NewMarkerId();

// Writes the marker with id at path, for the schema on the server dsn
// names (its password left out). Replaces only a missing file or a
// marker (write to a temporary, then rename); false (with *error) when
// something else is there or the write fails.
bool WriteMarker(const std::string& path, const std::string& id, const std::string& dsn,
                 const std::string& schema, std::string* error);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_PG_MARKER_H_
