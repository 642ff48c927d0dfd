// The embedded SQLite implementation of one organisation's log storage (tlog::LogStorage):
// entries, hash tiles and every signed checkpoint, all written by commit() in one durable
// transaction, so that after a crash at any point the database holds either the whole batch or
// none of it.
//
// Threading: every method is safe to call from several threads. Writes go through the
// database's writer connection (store/sqlite/database.h), as do the small reads of the state
// and checkpoints; read_tile has connections of its own (a file database only), so that tile
// reads (the verifier's fetchers, the HTTP tile server) run side by side and never wait for a
// commit. They see only committed rows, which is all a tile reader may see: a tile
// or entry, once committed, never changes. A second process may read the same database at the
// same time (WAL mode); only one process may write (see store::DataDir::lock_writer).
#pragma once

#include <algorithm>
#include <atomic>
#include <memory>
#include <functional>
#include <mutex>
#include <vector>
#include <string>

#include "store/sqlite/database.h"
#include "store/sqlite/db.h"
#include "tlog/storage.h"

namespace amanat::store::sqlite {

class SqliteLogStore : public tlog::LogStorage {
 public:
  // Opens the log with this origin in `db`, creating the log's row when `create`. Errc::not_found
  // if the log does not exist and create is false. `db` must outlive the store.
  static Result<std::unique_ptr<SqliteLogStore>> open(Database& db, const std::string& origin, bool create);
  // The origin of the database's only log (a data directory created by `amanat init`).
  // Errc::not_found when it holds none, Errc::invalid when several.
  static Result<std::string> only_origin(Database& db);
  // For tools and tests that use the log alone: opens the database file too, and owns it.
  static Result<std::unique_ptr<SqliteLogStore>> open(const std::string& db_path, const std::string& origin,
                                                      bool create);
  // The same for the database's only log.
  static Result<std::unique_ptr<SqliteLogStore>> open_default(const std::string& db_path);

  const std::string& origin() const { return origin_; }
  // The log's id in the database: every table of the organisation carries it.
  std::int64_t log_id() const { return log_id_; }
  Database& database() { return db_; }

  Status replace_checkpoint(std::uint64_t size, const std::string& signed_note) override;
  Result<State> state() override;
  // One transaction on the database's writer (Database::run): entries, the effects, tiles,
  // checkpoint. The Tx's hooks learn the outcome.
  Status commit(const tlog::Batch& batch) override;
  Result<std::string> checkpoint_at(std::uint64_t size) override;
  Result<std::vector<Bytes>> read_entries(std::uint64_t begin, std::uint64_t end) override;
  Result<std::string> read_checkpoint() override;
  Result<Bytes> read_tile(const tlog::TileId& id) override;
  // read_tile's connections (1 for an in-memory database: the writer's).
  unsigned concurrent_reads() const override { return static_cast<unsigned>(std::max<std::size_t>(1, readers_.size())); }
  std::string describe() const override { return db_.path(); }
  ~SqliteLogStore() override;

 private:
  // A connection that reads tiles, with its own mutex and statements.
  class TileReader;
  SqliteLogStore(Database& db, std::unique_ptr<Database> owned, std::int64_t id, std::string origin);
  // A tile reader not in use, or the one whose turn it is (locked, with its lock).
  std::pair<TileReader*, std::unique_lock<std::mutex>> tile_reader();
  // Reads on the writer connection, under its mutex: the state, checkpoints, entries.
  template <class F>
  auto read_on_writer(F&& f) {
    std::lock_guard lock(db_.writer_mutex());
    return f(db_.writer());
  }

  std::unique_ptr<Database> owned_;  // when opened from a path
  Database& db_;
  std::int64_t log_id_;
  std::string origin_;
  // read_tile's connections, opened on first use, or (in-memory database) one over the
  // writer's that locks its mutex. Destroyed before the database.
  std::vector<std::unique_ptr<TileReader>> readers_;
  std::atomic<unsigned> next_reader_{0};
};

}  // namespace amanat::store::sqlite
