#include "store/sqlite/db.h"

namespace amanat::store::sqlite {

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT: return {Errc::conflict, msg};
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return {Errc::unavailable, msg + " (another process holds the database; retry, or stop it)"};
    case SQLITE_FULL: return {Errc::unavailable, msg + " (the disk is full; free space and retry)"};
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM: return {Errc::unavailable, msg};
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return {Errc::corrupt, msg + " (the database file is damaged; restore it from a backup)"};
    default: return {Errc::internal, msg};
  }
}

Result<bool> Stmt::step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(sqlite_error(db_, rc, "database"));
}

Status Stmt::run() {
  while (true) {
    auto r = step();
    if (!r) return err(r);
    if (!*r) return {};
  }
}

std::string Stmt::column_text(int i) const {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(s_, i));
  return p ? std::string(p, sqlite3_column_bytes(s_, i)) : std::string();
}

Bytes Stmt::column_blob(int i) const {
  auto p = static_cast<const std::uint8_t*>(sqlite3_column_blob(s_, i));
  int n = sqlite3_column_bytes(s_, i);
  return p ? Bytes(p, p + n) : Bytes();
}

Result<Stmt*> Db::cached_literal(const char* sql) {
  auto it = literal_cache_.find(sql);
  if (it == literal_cache_.end()) {
    auto s = prepare(sql);
    if (!s) return err(s);
    it = literal_cache_.emplace(sql, std::move(*s)).first;
  }
  it->second.reset();
  return &it->second;
}

Result<std::unique_ptr<Db>> Db::open(const std::string& path, bool create) {
  // No allocation statistics: they take a global mutex on every allocation SQLite makes.
  static const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)configured;
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error e = sqlite_error(raw, rc, "opening " + path);
    sqlite3_close(raw);
    return std::unexpected(e);
  }
  std::unique_ptr<Db> db(new Db(raw));
  sqlite3_busy_timeout(raw, 10000);
  sqlite3_extended_result_codes(raw, 1);
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                             "PRAGMA foreign_keys=ON", "PRAGMA cache_size=-32768"}) {
    if (auto st = db->exec(pragma); !st) return err(st);
  }
  return db;
}

Db::~Db() {
  cache_.clear();
  literal_cache_.clear();
  sqlite3_close(db_);
}

Status Db::exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) return std::unexpected(sqlite_error(db_, rc, "database"));
  return {};
}

Result<Stmt> Db::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(sqlite_error(db_, rc, "preparing a statement"));
  return Stmt(s, db_);
}

Result<Stmt*> Db::cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    auto s = prepare(sql);
    if (!s) return err(s);
    it = cache_.emplace(sql, std::move(*s)).first;
  }
  it->second.reset();
  return &it->second;
}

}  // namespace amanat::store::sqlite
