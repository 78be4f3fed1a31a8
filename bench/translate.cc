// Translation time per statement, for a mix of real statements: uncached
// (tokenize, parse, rewrite, emit) and cached (a prepared statement's SQL
// seen before on this connection), against SQLite's own sqlite3_prepare_v2
// of the same text in the same run (the cost a program pays per prepare
// anyway). Medians over statements of the per-statement medians of rounds.
//
//   bench_translate [--rounds N] [--iters N]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "engine/sqlite_api.h"
#include "libsqlite3-compat/catalog/shadow.h"
#include "libsqlite3-compat/host.h"

namespace litelift::compat {
const shim::ModuleHost* g_host = nullptr;
}  // namespace litelift::compat

namespace {

using Clock = std::chrono::steady_clock;
using litelift::compat::Shadow;
namespace sql = litelift::compat::sql;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

double MicrosPerCall(int iters, const std::function<void()>& fn) {
  auto start = Clock::now();
  for (int i = 0; i < iters; ++i) fn();
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / iters;
}

const char* const kSchema =
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL, name TEXT, "
    "created DATETIME DEFAULT CURRENT_TIMESTAMP);"
    "CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INT REFERENCES users(id), "
    "title TEXT, body TEXT, score REAL, published INT DEFAULT 0);"
    "CREATE TABLE tags (post_id INT, tag TEXT, PRIMARY KEY (post_id, tag));"
    "CREATE TABLE files (path TEXT PRIMARY KEY, mtime REAL, size INT);";

const char* const kStatements[] = {
    "SELECT id, email, name FROM users WHERE id = ?",
    "SELECT * FROM files WHERE path = ?",
    "INSERT INTO posts (user_id, title, body) VALUES (?, ?, ?)",
    "INSERT OR REPLACE INTO files (path, mtime, size) VALUES (?, ?, ?)",
    "UPDATE posts SET score = score + 1, published = 1 WHERE id = ? AND user_id = ?",
    "DELETE FROM tags WHERE post_id = ?",
    "SELECT p.id, p.title, u.name, count(t.tag) AS tags FROM posts p JOIN users u ON u.id = "
    "p.user_id LEFT JOIN tags t ON t.post_id = p.id WHERE p.published AND p.score > ? GROUP BY "
    "p.id ORDER BY p.score DESC LIMIT 20 OFFSET ?",
    "SELECT name, (SELECT count(*) FROM posts WHERE user_id = users.id) FROM users WHERE email "
    "LIKE ? ORDER BY name COLLATE NOCASE",
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT i, i * i "
    "FROM n",
    "SELECT tag, count(*), group_concat(post_id, ',') FROM tags GROUP BY tag HAVING count(*) > 1",
    "INSERT INTO tags (post_id, tag) VALUES (?, ?) ON CONFLICT (post_id, tag) DO NOTHING",
    "SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY score DESC) FROM posts",
};

}  // namespace

int main(int argc, char** argv) {
  int rounds = 7, iters = 2000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--iters") == 0) iters = std::atoi(argv[i + 1]);
  }
  litelift::engine::Resolve();
  static litelift::shim::ModuleHost host{};
  host.abi_version = litelift::shim::kModuleAbiVersion;
  host.engine = &litelift::engine::internal::g_api;
  litelift::compat::g_host = &host;
  Shadow shadow;
  std::string error;
  if (!shadow.Open(&error) ||
      SQ(sqlite3_exec)(shadow.db(), kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "bench: cannot set up the schema\n");
    return 1;
  }
  shadow.Invalidate();
  std::vector<double> uncached, cached, prepare;
  size_t sink = 0;
  for (const char* text : kStatements) {
    sqlite3_stmt* stmt = nullptr;
    if (SQ(sqlite3_prepare_v2)(shadow.db(), text, -1, &stmt, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "bench: %s: %s\n", text, SQ(sqlite3_errmsg)(shadow.db()));
      return 1;
    }
    sql::TranslateInput in;
    in.sql = text;
    in.parameter_index = [stmt](std::string_view n) {
      return SQ(sqlite3_bind_parameter_index)(stmt, std::string(n).c_str());
    };
    in.is_keyword = [](std::string_view w) {
      return SQ(sqlite3_keyword_check)(w.data(), static_cast<int>(w.size())) != 0;
    };
    in.table = [&shadow](std::string_view n) { return shadow.Table(n); };
    // (As Shadow::Translate: the plan, where a row order depends on it.)
    in.plan = [&shadow, text] { return shadow.Plan(text); };
    in.index_key = [&shadow](std::string_view n) { return shadow.IndexKey(n); };
    sql::Translation first = sql::TranslateStatement(in);
    if (!first.error.empty()) {
      std::fprintf(stderr, "bench: %s: %s\n", text, first.error.c_str());
      return 1;
    }
    std::vector<double> u, c, p;
    for (int r = 0; r < rounds; ++r) {
      u.push_back(MicrosPerCall(iters, [&] { sink += sql::TranslateStatement(in).sql.size(); }));
      c.push_back(MicrosPerCall(iters, [&] { sink += shadow.Translate(stmt).sql.size(); }));
      p.push_back(MicrosPerCall(iters, [&] {
        sqlite3_stmt* s = nullptr;
        SQ(sqlite3_prepare_v2)(shadow.db(), text, -1, &s, nullptr);
        SQ(sqlite3_finalize)(s);
      }));
    }
    uncached.push_back(Median(u));
    cached.push_back(Median(c));
    prepare.push_back(Median(p));
    SQ(sqlite3_finalize)(stmt);
  }
  std::printf("translation of %zu real statements, %d rounds x %d calls (medians, microseconds)\n",
              uncached.size(), rounds, iters);
  std::printf("%-40s %10s %10s %10s\n", "", "median", "max", "vs prepare");
  double base = Median(prepare);
  auto row = [&](const char* name, const std::vector<double>& v) {
    std::printf("%-40s %10.2f %10.2f %10.2f\n", name, Median(v),
                *std::max_element(v.begin(), v.end()), Median(v) / base);
  };
  row("sqlite3_prepare_v2 (baseline)", prepare);
  row("translate, uncached", uncached);
  row("translate, cached", cached);
  return sink == 42 ? 1 : 0;
}
