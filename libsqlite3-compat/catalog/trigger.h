// Triggers on the server: an SQLite CREATE TRIGGER becomes a PL/pgSQL
// trigger function running the trigger's statements (translated, with NEW
// and OLD as the function's records, RAISE() as litelift.raise()) and a
// row-level trigger calling it.

#ifndef LITELIFT_COMPAT_CATALOG_TRIGGER_H_
#define LITELIFT_COMPAT_CATALOG_TRIGGER_H_

#include <string>
#include <vector>

#include "libsqlite3-compat/catalog/shadow.h"

namespace litelift::compat {

// Appends the statements that create trigger (as the shadow holds it) in
// schema. False with *error naming what cannot be translated.
bool CreateTrigger(Shadow& shadow, const SchemaObject& trigger, const std::string& schema,
                   std::vector<std::string>* out, std::string* error);

// The session setting that marks trigger (of schema) as running: while it
// is 'on' the trigger does not fire again, as SQLite's triggers do not
// recurse unless PRAGMA recursive_triggers (litelift.recursive_triggers).
std::string FiringMark(const std::string& schema, const std::string& trigger);

// Appends the statements that drop trigger from schema (also when its table
// is already gone).
void DropTrigger(const SchemaObject& trigger, const std::string& schema,
                 std::vector<std::string>* out);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_CATALOG_TRIGGER_H_
