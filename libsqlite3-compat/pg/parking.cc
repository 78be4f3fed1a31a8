#include "libsqlite3-compat/pg/parking.h"

#include <map>
#include <mutex>
#include <vector>

namespace litelift::compat {

namespace {

constexpr size_t kPerDatabase = 4;
constexpr size_t kTotal = 16;

std::mutex g_mutex;
std::map<std::string, std::vector<Connection*>>* g_parked = nullptr;  // never destroyed
size_t g_count = 0;

std::string Key(const std::string& dsn, const std::string& schema, bool readonly, bool native) {
  std::string key = dsn;
  key += '\n';
  key += schema;
  key += readonly ? "\nr" : "\nw";
  key += native ? 'n' : 's';
  return key;
}

}  // namespace

bool Park(Connection* conn) {
  if (!conn->ResetForReuse()) return false;
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_parked == nullptr) g_parked = new std::map<std::string, std::vector<Connection*>>();
  auto& slot = (*g_parked)[Key(conn->dsn, conn->schema, conn->readonly, conn->native_concurrency)];
  if (slot.size() >= kPerDatabase || g_count >= kTotal) return false;
  slot.push_back(conn);
  ++g_count;
  return true;
}

Connection* Unpark(const std::string& dsn, const std::string& schema, bool readonly, bool native) {
  Connection* conn = nullptr;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_parked == nullptr) return nullptr;
    auto it = g_parked->find(Key(dsn, schema, readonly, native));
    if (it == g_parked->end() || it->second.empty()) return nullptr;
    conn = it->second.back();
    it->second.pop_back();
    --g_count;
  }
  if (conn->session_generation != ForkGeneration() || !SessionAlive(conn->pg)) {
    // The server closed it while parked, or it is the parent's (fork):
    // a new connection instead of a first statement that fails.
    conn->session_lost = true;
    conn->Shutdown();
    delete conn;
    return nullptr;
  }
  conn->CheckSchemaChanges();
  // A change another connection committed just now may not have been
  // announced to this session yet: SQLite's new connection sees it, so
  // ask (one round trip, still far cheaper than a new session).
  conn->ReloadStaleSchema();
  return conn;
}

}  // namespace litelift::compat
