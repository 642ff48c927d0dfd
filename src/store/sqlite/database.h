// One SQLite database file as an organisation's stores share it (the embedded default storage).
//
// The database owns the one connection that writes. Every write, by any store, runs on it
// inside a transaction: a batch the sequencer commits (SqliteLogStore::commit runs the entries'
// effects in it) or a unit of work without a log entry (transact()). Both hand the stores a
// SqliteTx, which holds that connection, so a unit of work that spans modules (a subject, its
// case and the access trail) commits together or not at all. Stores read through connections
// of their own (open_reader()), which see the last committed state (WAL mode) and never wait
// for a commit.
//
// The schema is migrated when the database is opened (store/sqlite/schema.h).
//
// Threading: transact() and the log store's commit take the writer's mutex, so writes run one
// at a time, in the order they took it; everything else is safe from any thread. Several
// processes may read one database file; one process writes (store::DataDir::lock_writer).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/tx.h"
#include "store/sqlite/db.h"

namespace amanat::store::sqlite {

// A transaction on the writer connection, as the stores see it.
class SqliteTx : public Tx {
 public:
  explicit SqliteTx(Db& db) : db_(db) {}
  Db& db() { return db_; }

 private:
  Db& db_;
};

// The connection of a SqliteTx; Errc::internal when `tx` is another storage's transaction (a
// SQLite store was handed to a unit of work of another storage: a wiring bug).
Result<Db*> connection_of(Tx& tx);

class Database;

// A store's own connection for reading (Database::open_reader), opened on first use (a command
// that opens every store of an organisation to use one pays for no other connection) and used
// by one thread at a time: read(f) runs f(Db&), which returns a Result or Status, under its
// mutex.
class ReadConnection {
 public:
  explicit ReadConnection(const Database& db) : database_(&db), mu_(std::make_unique<std::mutex>()) {}
  template <class F>
  auto operator()(F&& f) -> decltype(f(std::declval<Db&>())) {
    std::lock_guard lock(*mu_);
    if (!db_) {
      auto opened = open();
      if (!opened) return std::unexpected(opened.error());
    }
    return f(*db_);
  }

 private:
  Status open();
  const Database* database_;
  std::unique_ptr<std::mutex> mu_;
  std::unique_ptr<Db> db_;
};

class Database : public UnitOfWork {
 public:
  // Opens the database file (creating it when asked) and migrates its schema. ":memory:" opens
  // a private in-memory database, whose only connection is the writer's (tests).
  static Result<std::unique_ptr<Database>> open(const std::string& path, bool create);

  const std::string& path() const { return path_; }
  bool in_memory() const { return in_memory_; }

  Status transact(const std::function<Status(Tx&)>& fn) override;

  // Runs `fn` with the writer connection inside BEGIN IMMEDIATE ... COMMIT, under the writer's
  // mutex, and ends `tx`'s hooks with the outcome; the log store's commit is this with the
  // batch's writes and its effects. `fn` gets the SqliteTx over the writer connection.
  Status run(const std::function<Status(SqliteTx&)>& fn);

  // Copies every committed page from the WAL into the database file and empties the WAL (a
  // TRUNCATE checkpoint): with secure_delete on, nothing deleted before it remains in either
  // file. Errc::unavailable when a reader holds an older snapshot past the busy timeout.
  Status purge_wal();

  // A new read-only connection (query_only), for a store's reads. Errc::invalid for an
  // in-memory database, which no second connection can see.
  Result<std::unique_ptr<Db>> open_reader() const;

  // The writer connection and its mutex, for reads that must see exactly what the writer
  // committed in the same process without a connection of their own (an in-memory database)
  // and for maintenance (a WAL checkpoint). Lock the mutex while using the connection.
  Db& writer() { return *db_; }
  std::mutex& writer_mutex() { return mu_; }

 private:
  Database(std::unique_ptr<Db> db, std::string path, bool in_memory)
      : db_(std::move(db)), path_(std::move(path)), in_memory_(in_memory) {}
  std::mutex mu_;
  std::unique_ptr<Db> db_;
  std::string path_;
  bool in_memory_;
};

}  // namespace amanat::store::sqlite
