// A thin RAII layer over the SQLite C API: a connection and prepared statements, with SQLite
// result codes translated into amanat errors at this boundary (constraint -> conflict,
// busy/locked/IO -> unavailable, corruption -> corrupt), each message telling the operator what
// to do where we know it.
//
// Threading: a Db is one SQLite connection; use it from one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include "core/bytes.h"
#include "core/error.h"

namespace amanat::store::sqlite {

class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(sqlite3_stmt* s, sqlite3* db) : s_(s), db_(db) {}
  Stmt(Stmt&& o) noexcept : s_(std::exchange(o.s_, nullptr)), db_(o.db_) {}
  Stmt& operator=(Stmt&& o) noexcept {
    std::swap(s_, o.s_);
    db_ = o.db_;
    return *this;
  }
  ~Stmt() { sqlite3_finalize(s_); }

  Stmt& bind(int i, std::int64_t v) { sqlite3_bind_int64(s_, i, v); return *this; }
  Stmt& bind(int i, std::uint64_t v) { return bind(i, static_cast<std::int64_t>(v)); }
  Stmt& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Stmt& bind(int i, unsigned v) { return bind(i, static_cast<std::int64_t>(v)); }
  // Text and blobs are bound without copying: they must outlive the step.
  Stmt& bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Stmt& bind_blob(int i, std::span<const std::uint8_t> v) {
    sqlite3_bind_blob(s_, i, v.empty() ? "" : static_cast<const void*>(v.data()),
                      static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }

  // True when a row is available, false when done.
  Result<bool> step();
  // Runs to completion (for statements that return no rows).
  Status run();
  // Steps through every row, calling fn(*this) on each (fn returns void or a Status that
  // stops the loop when it fails), then resets the statement.
  template <class F>
  Status each(F&& fn) {
    Status st = each_row(fn);
    reset();
    return st;
  }
  // The first row only, through fn(*this); false when there is none. Resets the statement.
  template <class F>
  Result<bool> first(F&& fn) {
    auto row = step();
    if (row && *row) fn(*this);
    reset();
    return row;
  }
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

  std::int64_t column_int(int i) const { return sqlite3_column_int64(s_, i); }
  std::string column_text(int i) const;
  Bytes column_blob(int i) const;
  bool column_null(int i) const { return sqlite3_column_type(s_, i) == SQLITE_NULL; }

 private:
  template <class F>
  Status each_row(F& fn) {
    while (true) {
      auto row = step();
      if (!row) return err(row);
      if (!*row) return {};
      if constexpr (std::is_void_v<std::invoke_result_t<F&, Stmt&>>) {
        fn(*this);
      } else if (auto st = fn(*this); !st) {
        return err(st);
      }
    }
  }
  sqlite3_stmt* s_ = nullptr;
  sqlite3* db_ = nullptr;
};

class Db {
 public:
  // Opens (creating if asked) a database file in WAL mode with synchronous=FULL, so that a
  // committed transaction survives power loss, and a busy timeout for concurrent readers.
  static Result<std::unique_ptr<Db>> open(const std::string& path, bool create);
  ~Db();

  Status exec(std::string_view sql);
  Result<Stmt> prepare(std::string_view sql);
  // A cached prepared statement (reset before it is returned). The pointer stays valid for
  // the Db's lifetime.
  Result<Stmt*> cached(const std::string& sql);
  // The same for SQL in a string literal, keyed by its address: no string is built or hashed
  // per call, which matters on the booking path (a dozen statements per record).
  Result<Stmt*> cached_literal(const char* sql);
  std::int64_t changes() const { return sqlite3_changes64(db_); }
  sqlite3* raw() { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, Stmt> cache_;
  std::unordered_map<const char*, Stmt> literal_cache_;
};

// Translates an SQLite result code into an Error (the storage boundary).
Error sqlite_error(sqlite3* db, int rc, std::string_view what);

// Runs fn inside BEGIN IMMEDIATE ... COMMIT, rolling back on failure. For a connection of its
// own (schema migration); the stores write through Database::run/transact instead.
template <class F>
Status transaction(Db& db, F&& fn) {
  if (auto st = db.exec("BEGIN IMMEDIATE"); !st) return st;
  Status st = fn();
  if (!st) {
    (void)db.exec("ROLLBACK");
    return st;
  }
  if (auto c = db.exec("COMMIT"); !c) {
    (void)db.exec("ROLLBACK");
    return c;
  }
  return {};
}

// One read transaction on a reader connection: every query of `fn` sees the same committed
// state (a report's figures all come from one moment).
template <class F>
auto read_transaction(Db& db, F&& fn) -> decltype(fn()) {
  if (auto st = db.exec("BEGIN"); !st) return err(st);
  auto r = fn();
  (void)db.exec("COMMIT");
  return r;
}

}  // namespace amanat::store::sqlite
