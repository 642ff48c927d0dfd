// The embedded SQLite implementation of one organisation's log storage (tlog::LogStorage):
// entries, hash tiles and every signed checkpoint, all written by commit() in one durable
// transaction, so that after a crash at any point the database holds either the whole batch or
// none of it.
//
// Threading: every method is safe to call from several threads. Writes and most reads share one
// connection behind a mutex; read_tile has connections of its own (a file database only), so
// that tile reads (the verifier's fetchers, the HTTP tile server) run side by side and never
// wait for a commit. They see only committed rows, which is all a tile reader may see: a tile
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

#include "store/sqlite/db.h"
#include "tlog/storage.h"

namespace amanat::store::sqlite {

class SqliteLogStore : public tlog::LogStorage {
 public:
  // Opens the log with this origin in the database file, creating the log's row when `create`.
  // Errc::not_found if the log does not exist and create is false.
  static Result<std::unique_ptr<SqliteLogStore>> open(const std::string& db_path,
                                                      const std::string& origin, bool create);
  // Opens the database's only log (a data directory created by `amanat init`).
  static Result<std::unique_ptr<SqliteLogStore>> open_default(const std::string& db_path);

  const std::string& origin() const { return origin_; }
  std::int64_t log_id() const { return log_id_; }
  // The connection, for modules that keep their own tables beside the log (the witness).
  // Lock mutex() while using it.
  Db& db() { return *db_; }
  std::mutex& mutex() { return mu_; }
  // Registers a function that commit() calls, with the mutex held, after each batch's
  // transaction ends: committed true, or false when it rolled back. Effects that keep state in
  // memory beside their rows (the books' donor tally) use it to drop what a lost batch did.
  // Returns an id for remove_on_commit(), which the registrant must call before it goes away.
  int on_commit(std::function<void(bool committed)> f);
  void remove_on_commit(int id);

  // Replaces the checkpoint signed for `size` by `signed_note`, the same checkpoint with more
  // signatures (witness cosignatures). Errc::not_found if no checkpoint of that size exists;
  // the caller checks that the text is unchanged.
  Status replace_checkpoint(std::uint64_t size, const std::string& signed_note);

  Result<State> state() override;
  Status commit(const tlog::Batch& batch) override;
  Result<std::string> checkpoint_at(std::uint64_t size) override;
  Result<std::vector<Bytes>> read_entries(std::uint64_t begin, std::uint64_t end) override;
  Result<std::string> read_checkpoint() override;
  Result<Bytes> read_tile(const tlog::TileId& id) override;
  // read_tile's connections (1 for an in-memory database: the writer's).
  unsigned concurrent_reads() const override { return static_cast<unsigned>(std::max<std::size_t>(1, readers_.size())); }
  std::string describe() const override { return path_; }
  ~SqliteLogStore() override;

 private:
  // A connection that reads tiles, with its own mutex and statements.
  class TileReader;
  SqliteLogStore(std::unique_ptr<Db> db, std::string path, std::int64_t id, std::string origin);
  Result<std::vector<Bytes>> read_entries_locked(std::uint64_t begin, std::uint64_t end);
  // A tile reader not in use, or the one whose turn it is (locked, with its lock).
  std::pair<TileReader*, std::unique_lock<std::mutex>> tile_reader();

  std::mutex mu_;
  std::unique_ptr<Db> db_;
  std::string path_;
  std::int64_t log_id_;
  std::string origin_;
  std::vector<std::pair<int, std::function<void(bool)>>> observers_;
  int next_observer_ = 0;
  // read_tile's connections, opened on first use, or (in-memory database) one over db_ that
  // locks mu_. Destroyed before db_.
  std::vector<std::unique_ptr<TileReader>> readers_;
  std::atomic<unsigned> next_reader_{0};
};

}  // namespace amanat::store::sqlite
