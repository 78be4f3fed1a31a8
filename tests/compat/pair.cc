// The differential tests' harness and main (pair.h).

#include "tests/compat/pair.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace litelift::test {

std::string g_dir;

std::string Describe(sqlite3* db, const std::string& sql) {
  std::string out;
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
  if (rc != SQLITE_OK) {
    return "prepare " + std::to_string(rc) + "/" + std::to_string(sqlite3_extended_errcode(db)) +
           ": " + sqlite3_errmsg(db) + "\n";
  }
  if (st == nullptr) return "(empty)\n";
  int n = sqlite3_column_count(st);
  for (int i = 0; i < n; ++i) {
    const char* d = sqlite3_column_decltype(st, i);
    out += std::string(i ? ", " : "columns: ") + sqlite3_column_name(st, i) + " " + (d ? d : "-");
  }
  if (n) out += "\n";
  out += std::string("readonly ") + std::to_string(sqlite3_stmt_readonly(st)) + "\n";
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    for (int i = 0; i < n; ++i) {
      int t = sqlite3_column_type(st, i);
      out += i ? " | " : "row: ";
      switch (t) {
        case SQLITE_INTEGER:
          out += "int " + std::to_string(sqlite3_column_int64(st, i));
          break;
        case SQLITE_FLOAT: {
          char buf[64];
          snprintf(buf, sizeof buf, "real %.17g", sqlite3_column_double(st, i));
          out += buf;
          break;
        }
        case SQLITE_TEXT:
          out += "text '" + std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i))) +
                 "'";
          break;
        case SQLITE_BLOB: {
          out += "blob x'";
          const auto* b = static_cast<const unsigned char*>(sqlite3_column_blob(st, i));
          for (int k = 0; k < sqlite3_column_bytes(st, i); ++k) {
            char h[3];
            snprintf(h, sizeof h, "%02x", b[k]);
            out += h;
          }
          out += "'";
          break;
        }
        default:
          out += "null";
      }
    }
    out += "\n";
  }
  if (rc != SQLITE_DONE) {
    out += "step " + std::to_string(rc) + "/" + std::to_string(sqlite3_extended_errcode(db)) +
           ": " + sqlite3_errmsg(db) + "\n";
  }
  out += "finalize " + std::to_string(sqlite3_finalize(st));
  out += " changes " + std::to_string(sqlite3_changes(db));
  out += " rowid " + std::to_string(sqlite3_last_insert_rowid(db));
  out += " autocommit " + std::to_string(sqlite3_get_autocommit(db)) + "\n";
  return out;
}

Pair::Pair(const std::string& name) {
  EXPECT_EQ(sqlite3_open(":memory:", &local), SQLITE_OK);
  sqlite3_extended_result_codes(local, 1);
  std::string path = g_dir + "/" + name + ".db";
  EXPECT_EQ(sqlite3_open(path.c_str(), &routed), SQLITE_OK) << sqlite3_errmsg(routed);
  sqlite3_extended_result_codes(routed, 1);
}

// Both close as SQLite's would: no statement of litelift's own keeps the
// routed connection open (SQLITE_BUSY) when the program's are finalized.
Pair::~Pair() {
  EXPECT_EQ(sqlite3_close(local), SQLITE_OK) << sqlite3_errmsg(local);
  EXPECT_EQ(sqlite3_close(routed), SQLITE_OK) << sqlite3_errmsg(routed);
}

void Pair::Same(const std::vector<std::string>& script, bool implicit_rowid) {
  for (const auto& sql : script) {
    std::string a = Describe(local, sql), b = Describe(routed, sql);
    if (!implicit_rowid) {
      a = a.substr(0, a.rfind(" rowid ")) + a.substr(a.rfind(" autocommit "));
      b = b.substr(0, b.rfind(" rowid ")) + b.substr(b.rfind(" autocommit "));
    }
    EXPECT_EQ(b, a) << "statement: " << sql;
  }
}

std::string Plan(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &st, nullptr) !=
      SQLITE_OK) {
    return std::string("error: ") + sqlite3_errmsg(db);
  }
  while (sqlite3_step(st) == SQLITE_ROW) {
    out += (out.empty() ? "" : "; ") +
           std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 3)));
  }
  sqlite3_finalize(st);
  return out;
}

std::string Name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::string(info->test_suite_name()) + "_" + info->name();
}

}  // namespace litelift::test

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const char* dsn = std::getenv("LITELIFT_TEST_DSN");
  if (dsn == nullptr || *dsn == '\0') {
    std::fprintf(stderr, "LITELIFT_TEST_DSN is not set: run through scripts/test\n");
    return 1;
  }
  setenv("LITELIFT_DSN", dsn, 1);  // before the first open: settings are read once
  char dir[] = "/tmp/litelift-diff-XXXXXX";
  if (mkdtemp(dir) == nullptr) return 1;
  litelift::test::g_dir = dir;
  int rc = RUN_ALL_TESTS();
  std::string cleanup = "rm -rf " + litelift::test::g_dir;
  (void)std::system(cleanup.c_str());
  return rc;
}
