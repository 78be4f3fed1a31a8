// The PRAGMA table of the postgres route, as SQLite's pragma.h: one row per
// pragma SQLite 3.40 knows, saying what answers it, what setting it does
// besides the shadow, whether it is refused by name, and what a reused
// (parked) connection forgets. Connection::Prepare looks every PRAGMA up
// here; Statement::StepShadow runs it through StepPragma; ResetForReuse
// calls ResetPragmas. A pragma SQLite does not know does nothing, as in
// SQLite (the shadow prepares it to a statement without columns).
//
// docs/compatibility.md ("PRAGMAs") lists what each answers and why.

#ifndef LITELIFT_COMPAT_PG_PRAGMAS_H_
#define LITELIFT_COMPAT_PG_PRAGMAS_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace litelift::compat {

class Connection;
class Statement;

// What answers a pragma.
enum class PragmaWhere {
  // The shadow: the schema it mirrors (table_info, index_list, ...) or
  // the SQLite library's own facts (compile_options, function_list, ...).
  kShadow,
  // A setting of the connection: the shadow keeps and answers it as
  // SQLite does; it changes nothing on the server (the row's comment
  // says why that is SQLite's behaviour for the program).
  kSetting,
  // Runs over the server's rows (foreign_key_check).
  kServer,
  // litelift answers (AnswerPragma): what SQLite would say of the file
  // the program opened, not of the shadow (database_list, journal_mode,
  // page_count, ...).
  kAnswer,
};

// What setting it does besides the shadow.
enum class PragmaEffect {
  kNone,
  kPersist,      // stored in litelift.databases: every connection sees it
  kSession,      // SET litelift.<name> on the session: the server's triggers read it
  kReadOnly,     // query_only: the session's default_transaction_read_only
  kBusyTimeout,  // the connection's busy timeout (how long SQLITE_BUSY waits)
};

// When a pragma is refused at prepare, with SQLITE_ERROR naming it.
enum class PragmaRefusal {
  kNever,
  kTurningOn,  // turning it on (off is accepted and is what it reads)
  kSetting,    // any setting (reading answers)
  kAlways,     // reading or setting
};

struct PragmaInfo {
  const char* name;
  PragmaWhere where;
  PragmaEffect effect;
  PragmaRefusal refusal;
  // "PRAGMA x = v" changes a setting. False when v is an argument: a
  // table or index name (table_info(t)), a limit (integrity_check(10)).
  bool takes_setting;
  const char* why;  // for a refusal: why the route cannot do it
};

// Every row, in SQLite's order (PRAGMA pragma_list).
const std::vector<PragmaInfo>& PragmaTable();

// The row of name (any case); nullptr when SQLite knows no such pragma.
const PragmaInfo* FindPragma(std::string_view name);

// The message refusing "PRAGMA name = value" (value nullptr: a read),
// "" when it is allowed. SQLite's boolean reading of value decides "on".
std::string PragmaRefusalMessage(const PragmaInfo& p, const char* value);

// Whether running it needs the server's session (a read of the server's
// facts or a setting with an effect there).
bool PragmaUsesServer(const PragmaInfo& p, bool sets);

// What a connection remembers of the PRAGMAs its program ran, forgotten
// (undone) when it is reused by another open.
struct PragmaState {
  // Shadow settings the program changed (the keys; SQLite applies most
  // while it prepares): reuse gives them a new connection's values.
  std::map<std::string, std::string> restore;
  // Session settings the program changed (litelift.foreign_keys, ...).
  std::set<std::string> session;
  // journal_mode set by the program per database (lower-case name),
  // other than wal and delete, which the file (the server) keeps; and
  // locking_mode, under "#locking_mode".
  std::map<std::string, std::string> journal;
  // A statement named the temp database (SQLite then opens it, and
  // database_list shows it).
  bool temp_named = false;
};

// Prepare's part: a kAnswer pragma gets its answer statement (its column
// names, the shadow's). Returns SQLITE_OK or an error set on the connection.
int PreparePragma(Statement* stmt);

// Runs one step of a PRAGMA statement (kind kShadow with stmt->pragma).
int StepPragma(Statement* stmt);

// Undoes the program's PRAGMA settings before conn's reuse: the shadow's
// settings get a new connection's values, the session's are reset. False when that cannot be done
// (the connection is then not reused).
bool ResetPragmas(Connection* conn);

// The SET commands for the session settings the program's PRAGMAs made,
// for a new session (after a reconnect).
std::string PragmaSessionSql(Connection* conn);

// SQLite's boolean reading of a PRAGMA value (sqlite3GetBoolean).
bool PragmaTurnsOn(const char* value);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_PG_PRAGMAS_H_
