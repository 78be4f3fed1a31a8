// The litelift command line.
//
//   litelift run [--dsn DSN|- | --dsn-file FILE] [--config FILE] [--backend B] [--log L] -- CMD
//   ARGS...
//   litelift translate [--schema DDL] [--function F]... [--collation C]... SQL
//   litelift migrate [--batch N] [--via copy|insert] [--resume] FILE
//   litelift export [--batch N] FILE
//   litelift ls [--dsn DSN] [--config FILE] [--exact]
//   litelift doctor [--dsn DSN] [--config FILE] [FILE]
//   litelift --version | --help

#include <CLI/CLI.hpp>
#include <cstdio>

#include "tools/cli/inspect.h"
#include "tools/cli/move.h"
#include "tools/cli/run.h"
#include "tools/cli/translate.h"

namespace {

// The options migrate and export share: --batch, --rows-per-insert, FILE.
// (FILE last: CLI11 takes positionals in the order they are added.)
void AddMoveOptions(CLI::App* cmd, litelift::cli::MoveOptions* o, const char* batch_help,
                    const char* rows_help) {
  cmd->add_option("--batch", o->batch_rows, batch_help)->check(CLI::PositiveNumber);
  cmd->add_option("--rows-per-insert", o->rows_per_insert, rows_help)->check(CLI::PositiveNumber);
  cmd->add_option("file", o->file, "The database file, as the program names it")->required();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"litelift: SQLite programs on the real SQLite or on PostgreSQL"};
  app.set_version_flag("--version", "litelift " LITELIFT_VERSION);
  app.require_subcommand(1);

  litelift::cli::RunOptions run;
  CLI::App* run_cmd =
      app.add_subcommand("run", "Run a program with liblitelift.so preloaded (LD_PRELOAD)");
  CLI::Option* dsn_opt = run_cmd->add_option(
      "--dsn", run.dsn,
      "Route file databases to this PostgreSQL (sets LITELIFT_DSN); - reads it from the first "
      "line of standard input");
  run_cmd
      ->add_option("--dsn-file", run.dsn_file,
                   "Read the DSN from this file's first line, so that it is on no command line")
      ->check(CLI::ExistingFile)
      ->excludes(dsn_opt);
  run_cmd->add_option("--config", run.config, "Route by this TOML file (sets LITELIFT_CONFIG)")
      ->check(CLI::ExistingFile);
  run_cmd
      ->add_option("--backend", run.backend,
                   "Force a backend for every database (sets LITELIFT_BACKEND)")
      ->check(CLI::IsMember({"sqlite", "postgres"}));
  run_cmd->add_option("--log", run.log_level, "Log level (sets LITELIFT_LOG)")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  run_cmd->add_option("command", run.command, "The program and its arguments, after --")
      ->required();
  run_cmd->positionals_at_end();

  litelift::cli::TranslateOptions translate;
  CLI::App* translate_cmd = app.add_subcommand(
      "translate", "Print the PostgreSQL text litelift sends for SQLite statements");
  translate_cmd->add_option("--schema", translate.schema,
                            "SQLite DDL to run first, so that tables resolve (CREATE TABLE ...)");
  translate_cmd->add_option("--function", translate.functions,
                            "A function the program registers (repeatable): says which "
                            "executor runs a statement calling it");
  translate_cmd->add_option("--collation", translate.collations,
                            "A collation the program registers (repeatable)");
  translate_cmd->add_option("sql", translate.sql, "One or more SQLite statements")->required();

  litelift::cli::MoveOptions migrate;
  CLI::App* migrate_cmd = app.add_subcommand(
      "migrate", "Copy an SQLite file into the PostgreSQL schema its route gives it");
  migrate_cmd->footer(
      "The route is the one a program opening FILE gets: set LITELIFT_DSN or LITELIFT_CONFIG\n"
      "as the program will have them. The schema must hold no tables yet (--resume\n"
      "continues an interrupted migrate); the tables are made through the route, the rows\n"
      "streamed with COPY (binary), the copy verified (rows and a checksum per table) and\n"
      "the file left as it was.\n\n"
      "Examples:\n"
      "  LITELIFT_DSN=postgresql://app@db/app litelift migrate /srv/app/data.db\n"
      "  LITELIFT_DSN=postgresql://app@db/app litelift migrate --resume /srv/app/data.db\n"
      "  LITELIFT_CONFIG=/etc/litelift.toml litelift migrate ./notes.db\n"
      "  litelift run --dsn postgresql://app@db/app -- /srv/app/bin/app   # then switch\n");
  AddMoveOptions(migrate_cmd, &migrate, "Rows per transaction on the server",
                 "Rows per INSERT statement on the route (default 100; with --via insert)");
  migrate_cmd
      ->add_option("--via", migrate.via,
                   "copy: rows streamed with COPY into the tables the route made (default); "
                   "insert: rows through the route's INSERT (slower, for comparison)")
      ->check(CLI::IsMember({"copy", "insert"}));
  migrate_cmd->add_flag("--resume", migrate.resume,
                        "Continue a migrate of FILE that was interrupted: complete tables are "
                        "verified and kept, a partial one continued or copied again");

  litelift::cli::MoveOptions exported;
  CLI::App* export_cmd = app.add_subcommand(
      "export", "Write the route's data for FILE back into the SQLite file (the way back)");
  export_cmd->footer(
      "A new file is written beside FILE, verified against the route, then renamed over\n"
      "FILE; the old file is kept as FILE.before-export. The server's data is unchanged.\n"
      "Afterwards, unsetting LITELIFT_DSN gives the program every write it made there.\n\n"
      "Examples:\n"
      "  LITELIFT_DSN=postgresql://app@db/app litelift export /srv/app/data.db\n"
      "  LITELIFT_CONFIG=/etc/litelift.toml litelift export ./notes.db\n");
  AddMoveOptions(export_cmd, &exported, "Rows per transaction in the file",
                 "Rows per INSERT statement in the file (default 1)");
  litelift::cli::InspectOptions ls;
  CLI::App* ls_cmd =
      app.add_subcommand("ls", "List the routed databases on the server(s) the settings name");
  ls_cmd->footer(
      "Reads litelift.databases and litelift.catalog on each server of LITELIFT_DSN and\n"
      "LITELIFT_CONFIG (or --dsn, --config): path, schema, tables, rows, size, created.\n\n"
      "Examples:\n"
      "  LITELIFT_DSN=postgresql://app@db/app litelift ls\n"
      "  litelift ls --dsn postgresql://app@db/app --exact\n"
      "  litelift ls --config /etc/app/litelift.toml");
  CLI::Option* ls_dsn = ls_cmd->add_option("--dsn", ls.dsn, "Use this DSN instead of LITELIFT_DSN");
  CLI::Option* ls_config =
      ls_cmd->add_option("--config", ls.config, "Use this TOML file instead of LITELIFT_CONFIG");
  ls_cmd->add_flag("--exact", ls.exact, "Count rows (slower) instead of the planner's estimate");

  litelift::cli::InspectOptions doctor;
  CLI::App* doctor_cmd = app.add_subcommand(
      "doctor", "Check the settings, the library and the server; explain a file's route");
  doctor_cmd->footer(
      "Prints one line per check (ok, note, warn, FAIL) and the fix for each problem;\n"
      "exits 1 when something fails.\n\n"
      "Examples:\n"
      "  LITELIFT_DSN=postgresql://app@db/app litelift doctor\n"
      "  litelift doctor --config /etc/app/litelift.toml /srv/app/data/app.db\n"
      "  litelift doctor --dsn postgresql://app@db/app ./notes.db");
  CLI::Option* doctor_dsn =
      doctor_cmd->add_option("--dsn", doctor.dsn, "Use this DSN instead of LITELIFT_DSN");
  CLI::Option* doctor_config = doctor_cmd->add_option(
      "--config", doctor.config, "Use this TOML file instead of LITELIFT_CONFIG");
  doctor_cmd->add_option("file", doctor.file, "A database path: which route it takes, and why");

  CLI11_PARSE(app, argc, argv);
  ls.dsn_given = ls_dsn->count() > 0;
  ls.config_given = ls_config->count() > 0;
  doctor.dsn_given = doctor_dsn->count() > 0;
  doctor.config_given = doctor_config->count() > 0;
  if (ls_cmd->parsed()) return litelift::cli::Ls(ls);
  if (doctor_cmd->parsed()) return litelift::cli::Doctor(doctor);
  run.dsn_given = dsn_opt->count() > 0;
  if (run_cmd->parsed()) return litelift::cli::Run(run);
  if (translate_cmd->parsed()) return litelift::cli::Translate(translate);
  if (migrate_cmd->parsed()) return litelift::cli::Migrate(migrate);
  if (export_cmd->parsed()) return litelift::cli::Export(exported);
  return 0;
}
