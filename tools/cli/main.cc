// The litelift command line.
//
//   litelift run [--dsn DSN|- | --dsn-file FILE] [--config FILE] [--backend B] [--log L] -- CMD
//   ARGS... litelift translate [--schema DDL] SQL litelift --version | --help

#include <CLI/CLI.hpp>
#include <cstdio>

#include "tools/cli/run.h"
#include "tools/cli/translate.h"

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
  translate_cmd->add_option("sql", translate.sql, "One or more SQLite statements")->required();

  CLI11_PARSE(app, argc, argv);
  run.dsn_given = dsn_opt->count() > 0;
  if (run_cmd->parsed()) return litelift::cli::Run(run);
  if (translate_cmd->parsed()) return litelift::cli::Translate(translate);
  return 0;
}
