// libFuzzer target over the translator: tokenizer, parser, rules and
// emitter, with a few table shapes so that * expansion, rowid names and
// INSERT's conflict handling run too. Built with -DLITELIFT_FUZZ=ON (clang):
//   build-fuzz/tests/translate_fuzzer -max_total_time=600 tests/fuzz/corpus

#include <cstddef>
#include <cstdint>
#include <string>

#include "libsqlite3-compat/sql/translate.h"

namespace {

using litelift::compat::sql::TableShape;

const TableShape* Shape(std::string_view name) {
  static const TableShape files{"files",
                                {"path", "mtime", "size"},
                                {"TEXT", "REAL", "INT"},
                                {"path"},
                                "litelift_rowid",
                                false,
                                true,
                                {}};
  static const TableShape notes{"notes", {"id", "body"}, {"INTEGER", "TEXT"}, {"id"}, "id",
                                false,   false,          {{"body"}}};
  // Untyped, NUMERIC, unknown-type and NOCASE columns, a generated one.
  static const TableShape any = [] {
    TableShape t{"u",
                 {"id", "x", "n", "j", "e", "g"},
                 {"INTEGER", "", "NUMERIC", "JSON", "TEXT", "INT"},
                 {"id"},
                 "id",
                 false,
                 false,
                 {{"e"}}};
    t.generated = {"g"};
    t.collations = {"", "", "", "", "NOCASE", ""};
    return t;
  }();
  if (name == "u" || name == "main.u") return &any;
  if (name == "files") return &files;
  if (name == "notes" || name == "t") return &notes;
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string sql(reinterpret_cast<const char*>(data), size);
  litelift::compat::sql::TranslateInput in;
  in.sql = sql;
  in.parameter_index = [](std::string_view name) { return static_cast<int>(name.size() % 7); };
  in.is_keyword = [](std::string_view) { return false; };
  in.table = Shape;
  in.return_rowids = size % 2 == 0;
  // Some inputs as a trigger's statements (NEW, OLD, RAISE()).
  in.in_trigger = size % 3 == 0;
  in.trigger_table = in.in_trigger ? Shape("u") : nullptr;
  in.main_schema = size % 5 == 0 ? "db_1234" : "";
  litelift::compat::sql::Translation tr = litelift::compat::sql::TranslateStatement(in);
  // A translation is either text or an error, never both.
  if (!tr.error.empty() && !tr.sql.empty()) __builtin_trap();
  return 0;
}
