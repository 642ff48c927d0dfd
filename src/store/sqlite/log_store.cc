#include "store/sqlite/log_store.h"

#include "store/sqlite/schema.h"

#include <thread>

namespace amanat::store::sqlite {

Result<std::unique_ptr<SqliteLogStore>> SqliteLogStore::open(Database& db, const std::string& origin, bool create) {
  std::lock_guard lock(db.writer_mutex());
  Db& w = db.writer();
  auto find = [&]() -> Result<std::optional<std::int64_t>> {
    auto q = w.prepare("SELECT id FROM logs WHERE origin = ?");
    if (!q) return err(q);
    q->bind(1, origin);
    auto row = q->step();
    if (!row) return err(row);
    if (!*row) return std::nullopt;
    return q->column_int(0);
  };
  auto id = find();
  if (!id) return err(id);
  if (!*id) {
    if (!create) return fail(Errc::not_found, "no log with origin \"" + origin + "\" in " + db.path());
    auto ins = w.prepare("INSERT INTO logs(origin) VALUES (?)");
    if (!ins) return err(ins);
    AMANAT_CHECK(ins->bind(1, origin).run());
    id = find();
    if (!id) return err(id);
  }
  return std::unique_ptr<SqliteLogStore>(new SqliteLogStore(db, nullptr, **id, origin));
}

Result<std::string> SqliteLogStore::only_origin(Database& db) {
  std::lock_guard lock(db.writer_mutex());
  auto q = db.writer().prepare("SELECT origin FROM logs ORDER BY id LIMIT 2");
  if (!q) return err(q);
  std::string origin;
  int n = 0;
  while (true) {
    auto row = q->step();
    if (!row) return err(row);
    if (!*row) break;
    origin = q->column_text(0);
    ++n;
  }
  if (n == 0) return fail(Errc::not_found, db.path() + " holds no log; run `amanat init` first");
  if (n > 1) return fail(Errc::invalid, db.path() + " holds several logs; name one by its origin");
  return origin;
}

Result<std::unique_ptr<SqliteLogStore>> SqliteLogStore::open(const std::string& db_path, const std::string& origin,
                                                             bool create) {
  auto db = Database::open(db_path, create);
  if (!db) return err(db);
  auto log = open(**db, origin, create);
  if (!log) return err(log);
  (*log)->owned_ = std::move(*db);
  return log;
}

Result<std::unique_ptr<SqliteLogStore>> SqliteLogStore::open_default(const std::string& db_path) {
  auto db = Database::open(db_path, false);
  if (!db) return err(db);
  auto origin = only_origin(**db);
  if (!origin) return err(origin);
  auto log = open(**db, *origin, false);
  if (!log) return err(log);
  (*log)->owned_ = std::move(*db);
  return log;
}

Result<tlog::LogStorage::State> SqliteLogStore::state() {
  return read_on_writer([&](Db& db) -> Result<State> {
    auto q = db.cached("SELECT size, checkpoint FROM logs WHERE id = ?");
    if (!q) return err(q);
    (*q)->bind(1, log_id_);
    auto row = (*q)->step();
    if (!row) return err(row);
    if (!*row) return fail(Errc::not_found, "the log row disappeared");
    State s{static_cast<std::uint64_t>((*q)->column_int(0)), (*q)->column_text(1)};
    (*q)->reset();
    return s;
  });
}

Status SqliteLogStore::commit(const tlog::Batch& batch) {
  return db_.run([&](SqliteTx& tx) -> Status {
    Db& db = tx.db();
    std::uint64_t new_size = batch.old_size + batch.entries.size();
    auto upd = db.cached("UPDATE logs SET size = ?, checkpoint = ? WHERE id = ? AND size = ?");
    if (!upd) return err(upd);
    (*upd)->bind(1, new_size).bind(2, std::string_view(batch.checkpoint)).bind(3, log_id_).bind(4, batch.old_size);
    AMANAT_CHECK((*upd)->run());
    if (db.changes() != 1)
      return fail(Errc::conflict, "the log grew under this writer (expected size " +
                                      std::to_string(batch.old_size) + "); is another process appending?");
    auto ins = db.cached("INSERT INTO log_entries(log_id, idx, data) VALUES (?, ?, ?)");
    if (!ins) return err(ins);
    std::uint64_t idx = batch.old_size;
    for (const Bytes& e : batch.entries) {
      (*ins)->reset();
      (*ins)->bind(1, log_id_).bind(2, idx++).bind_blob(3, e);
      AMANAT_CHECK((*ins)->run());
    }
    for (std::size_t i = 0; i < batch.effects.size(); ++i)
      if (batch.effects[i]) AMANAT_CHECK(batch.effects[i](tx, batch.old_size + i));
    auto tile = db.cached(
        "INSERT INTO log_tiles(log_id, level, idx, data) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(log_id, level, idx) DO UPDATE SET data = excluded.data");
    if (!tile) return err(tile);
    for (const auto& t : batch.tiles) {
      (*tile)->reset();
      (*tile)->bind(1, log_id_).bind(2, t.id.level).bind(3, t.id.index).bind_blob(4, t.hashes);
      AMANAT_CHECK((*tile)->run());
    }
    auto cp = db.cached("INSERT OR REPLACE INTO log_checkpoints(log_id, size, note) VALUES (?, ?, ?)");
    if (!cp) return err(cp);
    (*cp)->bind(1, log_id_).bind(2, new_size).bind(3, std::string_view(batch.checkpoint));
    return (*cp)->run();
  });
}

Status SqliteLogStore::replace_checkpoint(std::uint64_t size, const std::string& signed_note) {
  return db_.run([&](SqliteTx& tx) -> Status {
    Db& db = tx.db();
    auto q = db.cached("UPDATE log_checkpoints SET note = ? WHERE log_id = ? AND size = ?");
    if (!q) return err(q);
    (*q)->bind(1, std::string_view(signed_note)).bind(2, log_id_).bind(3, size);
    AMANAT_CHECK((*q)->run());
    if (db.changes() != 1)
      return fail(Errc::not_found, "no checkpoint was signed for size " + std::to_string(size));
    auto cur = db.cached("UPDATE logs SET checkpoint = ? WHERE id = ? AND size = ?");
    if (!cur) return err(cur);
    (*cur)->bind(1, std::string_view(signed_note)).bind(2, log_id_).bind(3, size);
    return (*cur)->run();
  });
}

Result<std::string> SqliteLogStore::checkpoint_at(std::uint64_t size) {
  return read_on_writer([&](Db& db) -> Result<std::string> {
    auto q = db.cached("SELECT note FROM log_checkpoints WHERE log_id = ? AND size = ?");
    if (!q) return err(q);
    (*q)->bind(1, log_id_).bind(2, size);
    auto row = (*q)->step();
    if (!row) return err(row);
    if (!*row) return fail(Errc::not_found, "no checkpoint was signed for size " + std::to_string(size));
    std::string note = (*q)->column_text(0);
    (*q)->reset();
    return note;
  });
}

Result<std::vector<Bytes>> SqliteLogStore::read_entries(std::uint64_t begin, std::uint64_t end) {
  return read_on_writer([&](Db& db) -> Result<std::vector<Bytes>> {
    auto q = db.cached("SELECT idx, data FROM log_entries WHERE log_id = ? AND idx >= ? AND idx < ? ORDER BY idx");
    if (!q) return err(q);
    (*q)->bind(1, log_id_).bind(2, begin).bind(3, end);
    std::vector<Bytes> out;
    out.reserve(end - begin);
    while (true) {
      auto row = (*q)->step();
      if (!row) return err(row);
      if (!*row) break;
      if (static_cast<std::uint64_t>((*q)->column_int(0)) != begin + out.size()) break;
      out.push_back((*q)->column_blob(1));
    }
    (*q)->reset();
    if (out.size() != end - begin)
      return fail(Errc::not_found, "entry " + std::to_string(begin + out.size()) + " is not in the log");
    return out;
  });
}

namespace {
enum { kFirstRowid, kScanRowids, kScanIndex };
}  // namespace

class SqliteLogStore::TileReader {
 public:
  // A reader with a connection of its own to `database`, opened on first use.
  explicit TileReader(const Database& database) : database_(&database), mu_(&own_mu_) {}
  // A reader over the writer's connection, behind the writer's mutex.
  TileReader(Db& shared, std::mutex& shared_mu) : mu_(&shared_mu), db_(&shared) {}
  ~TileReader() {
    for (sqlite3_stmt* q : stmts_) sqlite3_finalize(q);
  }
  std::mutex& mutex() { return *mu_; }

  // With mutex() held.
  Result<Bytes> read_hashes(std::int64_t log_id, const tlog::TileId& id) {
    auto db = connection();
    if (!db) return err(db);
    auto q = (*db)->cached("SELECT data FROM log_tiles WHERE log_id = ? AND level = ? AND idx = ?");
    if (!q) return err(q);
    (*q)->bind(1, log_id).bind(2, id.level).bind(3, id.index);
    auto row = (*q)->step();
    if (!row) return err(row);
    Bytes data = *row ? (*q)->column_blob(0) : Bytes();
    (*q)->reset();
    // A stored tile that is at least as wide holds the requested one as its prefix.
    if (data.size() < std::size_t(id.width) * 32)
      return fail(Errc::not_found, tlog::tile_path(id) + " does not exist");
    data.resize(std::size_t(id.width) * 32);
    return data;
  }

  // The entry bundle of entries [begin, begin + count), built straight from the rows (one
  // query, each entry's bytes appended to the bundle as SQLite hands them out, no copy per
  // entry). Errc::not_found if an entry is missing. With mutex() held.
  Result<Bytes> read_bundle(std::int64_t log_id, std::uint64_t begin, unsigned count);

 private:
  Result<Db*> connection() {
    if (!db_) {
      auto db = database_->open_reader();
      if (!db) return err(db);
      // Tile reads scan forward and never come back: a small page cache is enough.
      if (auto st = (*db)->exec("PRAGMA cache_size=-2048"); !st) return err(st);
      owned_ = std::move(*db);
      db_ = owned_.get();
    }
    return db_;
  }
  // read_bundle's statements, kept prepared (Stmt gives no view of a blob without a copy):
  // the first entry's rowid, a scan by rowid, the entries by index.
  Result<sqlite3_stmt*> stmt(int which) {
    static const char* const kSql[] = {
        "SELECT rowid FROM log_entries WHERE log_id = ? AND idx = ?",
        "SELECT log_id, idx, data FROM log_entries WHERE rowid >= ? AND rowid < ? ORDER BY rowid",
        "SELECT log_id, idx, data FROM log_entries WHERE log_id = ? AND idx >= ? AND idx < ? ORDER BY idx",
    };
    sqlite3_stmt*& q = stmts_[which];
    if (!q) {
      auto db = connection();
      if (!db) return err(db);
      if (int rc = sqlite3_prepare_v2((*db)->raw(), kSql[which], -1, &q, nullptr); rc != SQLITE_OK) {
        sqlite3_finalize(q);
        q = nullptr;
        return std::unexpected(sqlite_error((*db)->raw(), rc, "database"));
      }
    }
    return q;
  }

  const Database* database_ = nullptr;
  std::mutex own_mu_;
  std::mutex* mu_;
  std::unique_ptr<Db> owned_;  // closed after the statements are finalized (destructor body)
  Db* db_ = nullptr;
  sqlite3_stmt* stmts_[3] = {nullptr, nullptr, nullptr};
  std::size_t bundle_bytes_hint_ = 0;  // the size of the last full bundle read, to reserve
};

SqliteLogStore::SqliteLogStore(Database& db, std::unique_ptr<Database> owned, std::int64_t id, std::string origin)
    : owned_(std::move(owned)), db_(db), log_id_(id), origin_(std::move(origin)) {
  if (db_.in_memory()) {
    readers_.push_back(std::make_unique<TileReader>(db_.writer(), db_.writer_mutex()));
    return;
  }
  // As many as there are cores to use them, within reason: each is a connection and a cache.
  unsigned n = std::clamp(std::thread::hardware_concurrency(), 2u, 4u);
  for (unsigned i = 0; i < n; ++i) readers_.push_back(std::make_unique<TileReader>(db_));
}

SqliteLogStore::~SqliteLogStore() = default;

std::pair<SqliteLogStore::TileReader*, std::unique_lock<std::mutex>> SqliteLogStore::tile_reader() {
  // Take the first free reader from a rotating start; if all are busy, wait for the next in turn.
  const unsigned n = static_cast<unsigned>(readers_.size());
  const unsigned start = next_reader_.fetch_add(1, std::memory_order_relaxed);
  for (unsigned i = 0; i < n; ++i) {
    TileReader* r = readers_[(start + i) % n].get();
    std::unique_lock lock(r->mutex(), std::try_to_lock);
    if (lock.owns_lock()) return {r, std::move(lock)};
  }
  TileReader* r = readers_[start % n].get();
  return {r, std::unique_lock(r->mutex())};
}

Result<Bytes> SqliteLogStore::TileReader::read_bundle(std::int64_t log_id, std::uint64_t begin, unsigned count) {
  auto conn = connection();
  if (!conn) return err(conn);
  sqlite3* db = (*conn)->raw();
  const std::uint64_t end = begin + count;
  std::uint64_t next = begin;
  Bytes bundle;
  // Full bundles of one log are about the same size: reserve a little more than the last one,
  // so that the bundle is allocated once and never moved.
  bundle.reserve(bundle_bytes_hint_ ? bundle_bytes_hint_ + bundle_bytes_hint_ / 8 : std::size_t(count) * 256);
  struct Reset {
    sqlite3_stmt* q;
    ~Reset() {
      sqlite3_reset(q);
      sqlite3_clear_bindings(q);
    }
  };
  // Appends the rows of q (log_id, idx, data) while they are this log's next entries; false
  // when a row is something else (the caller then reads the rest another way).
  auto take_rows = [&](sqlite3_stmt* q) -> Result<bool> {
    while (next < end) {
      int rc = sqlite3_step(q);
      if (rc == SQLITE_DONE) return false;
      if (rc != SQLITE_ROW) return std::unexpected(sqlite_error(db, rc, "database"));
      if (sqlite3_column_int64(q, 0) != log_id || static_cast<std::uint64_t>(sqlite3_column_int64(q, 1)) != next)
        return false;
      // sqlite3_column_blob before sqlite3_column_bytes: the order SQLite documents as safe.
      auto data = static_cast<const std::uint8_t*>(sqlite3_column_blob(q, 2));
      std::size_t len = static_cast<std::size_t>(sqlite3_column_bytes(q, 2));
      if (len > tlog::kMaxEntrySize)
        return fail(Errc::corrupt, "entry " + std::to_string(next) + " is " + std::to_string(len) +
                                       " bytes, too long for an entry bundle");
      bundle.push_back(static_cast<std::uint8_t>(len >> 8));
      bundle.push_back(static_cast<std::uint8_t>(len));
      if (len) bundle.insert(bundle.end(), data, data + len);
      ++next;
    }
    return true;
  };

  // A log's entries are appended in order, batch after batch, so they usually lie under
  // consecutive rowids: read them as one range of the table, without an index seek per row.
  // Every row is checked to be this log's next entry; from the first that is not (another
  // log's rows in between, rowids out of order), the rest is read through the index.
  auto first = stmt(kFirstRowid);
  if (!first) return err(first);
  std::optional<sqlite3_int64> rowid;
  {
    Reset reset{*first};
    sqlite3_bind_int64(*first, 1, log_id);
    sqlite3_bind_int64(*first, 2, static_cast<sqlite3_int64>(begin));
    int rc = sqlite3_step(*first);
    if (rc == SQLITE_ROW) rowid = sqlite3_column_int64(*first, 0);
    else if (rc != SQLITE_DONE) return std::unexpected(sqlite_error(db, rc, "database"));
  }
  if (rowid) {
    auto scan = stmt(kScanRowids);
    if (!scan) return err(scan);
    Reset reset{*scan};
    sqlite3_bind_int64(*scan, 1, *rowid);
    // (rowids stop at 2^63 - 1)
    sqlite3_bind_int64(*scan, 2, *rowid > INT64_MAX - count ? INT64_MAX : *rowid + count);
    if (auto done = take_rows(*scan); !done) return err(done);
  }
  if (next < end) {
    auto idx = stmt(kScanIndex);
    if (!idx) return err(idx);
    Reset reset{*idx};
    sqlite3_bind_int64(*idx, 1, log_id);
    sqlite3_bind_int64(*idx, 2, static_cast<sqlite3_int64>(next));
    sqlite3_bind_int64(*idx, 3, static_cast<sqlite3_int64>(end));
    if (auto done = take_rows(*idx); !done) return err(done);
  }
  if (next != end) return fail(Errc::not_found, "entry " + std::to_string(next) + " is not in the log");
  if (count == tlog::kTileWidth) bundle_bytes_hint_ = bundle.size();
  return bundle;
}

Result<std::string> SqliteLogStore::read_checkpoint() {
  auto s = state();
  if (!s) return err(s);
  if (s->checkpoint.empty()) return fail(Errc::not_found, "the log has no checkpoint yet");
  return s->checkpoint;
}

Result<Bytes> SqliteLogStore::read_tile(const tlog::TileId& id) {
  auto [reader, lock] = tile_reader();
  if (id.entries) {
    // A syntactically valid bundle index can still lie beyond any 64-bit tree.
    if (id.index > UINT64_MAX / tlog::kTileWidth)
      return fail(Errc::not_found, tlog::tile_path(id) + " does not exist");
    auto bundle = reader->read_bundle(log_id_, id.index * tlog::kTileWidth, id.width);
    if (!bundle && bundle.error().code == Errc::not_found)
      return fail(Errc::not_found, tlog::tile_path(id) + " does not exist");
    return bundle;
  }
  return reader->read_hashes(log_id_, id);
}

}  // namespace amanat::store::sqlite
