#include "store/sqlite/database.h"

#include "store/sqlite/schema.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace amanat::store::sqlite {

namespace {
// An in-memory database is private to its connection: no second one can read it.
bool is_in_memory(const std::string& path) {
  return path.empty() || path == ":memory:" || path.starts_with("file::memory:") ||
         path.find("mode=memory") != std::string::npos;
}
}  // namespace

Result<Db*> connection_of(Tx& tx) {
  auto* s = tx.as<SqliteTx>();
  if (!s) return fail(Errc::internal, "a SQLite store was asked to write inside another storage's transaction");
  return &s->db();
}

Result<std::unique_ptr<Database>> Database::open(const std::string& path, bool create) {
  if (create && !is_in_memory(path)) {
    // Made private before SQLite opens it: SQLite gives the -wal and -shm files the database
    // file's mode.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return fail(Errc::unavailable, "cannot create " + path + ": " + std::strerror(errno));
    ::close(fd);
  }
  auto db = Db::open(path, create);
  if (!db) return err(db);
  // Deleted rows (an erased subject's sealed fields and key, ended sessions) are overwritten in
  // the database file, not just freed.
  AMANAT_CHECK((*db)->exec("PRAGMA secure_delete = ON"));
  AMANAT_CHECK(migrate(**db));
  return std::unique_ptr<Database>(new Database(std::move(*db), path, is_in_memory(path)));
}

Status Database::run(const std::function<Status(SqliteTx&)>& fn) {
  std::lock_guard lock(mu_);
  AMANAT_CHECK(db_->exec("BEGIN IMMEDIATE"));
  SqliteTx tx(*db_);
  Status st = fn(tx);
  if (!st) {
    (void)db_->exec("ROLLBACK");
    tx.end(TxOutcome::rolled_back);
    return st;
  }
  if (auto c = db_->exec("COMMIT"); !c) {
    // Whether the commit reached the disk before it failed is not known: the WAL frames may be
    // there. Roll back what this connection still holds and let the owners re-read.
    (void)db_->exec("ROLLBACK");
    tx.end(TxOutcome::unknown);
    return c;
  }
  tx.end(TxOutcome::committed);
  return {};
}

Status Database::purge_wal() {
  if (in_memory_) return {};
  std::lock_guard lock(mu_);
  AMANAT_TRY(q, db_->prepare("PRAGMA wal_checkpoint(TRUNCATE)"));
  int busy = 1;
  AMANAT_CHECK(q.first([&](Stmt& row) { busy = static_cast<int>(row.column_int(0)); }));
  if (busy != 0)
    return fail(Errc::unavailable, "the write-ahead log could not be emptied yet (a reader holds it); it will be at the "
                                   "next checkpoint");
  return {};
}

Status Database::transact(const std::function<Status(Tx&)>& fn) {
  return run([&](SqliteTx& tx) { return fn(tx); });
}

Status ReadConnection::open() {
  AMANAT_TRY(reader, database_->open_reader());
  db_ = std::move(reader);
  return {};
}

Result<std::unique_ptr<Db>> Database::open_reader() const {
  if (in_memory_) return fail(Errc::invalid, "an in-memory database has no second connection");
  auto db = Db::open(path_, false);
  if (!db) return err(db);
  AMANAT_CHECK((*db)->exec("PRAGMA query_only = ON"));
  return std::move(*db);
}

}  // namespace amanat::store::sqlite
