#include "store/sqlite/witness_store.h"

namespace amanat::store::sqlite {

Result<std::optional<tlog::WitnessedState>> SqliteWitnessStore::last_on(Db& db, const std::string& origin) {
  auto q = db.cached("SELECT size, root FROM witnessed WHERE log_id = ? AND origin = ?");
  if (!q) return err(q);
  (*q)->bind(1, log_id_).bind(2, std::string_view(origin));
  auto row = (*q)->step();
  if (!row) return err(row);
  if (!*row) return std::nullopt;
  tlog::WitnessedState s;
  s.size = static_cast<std::uint64_t>((*q)->column_int(0));
  Bytes root = (*q)->column_blob(1);
  (*q)->reset();
  if (root.size() != 32) return fail(Errc::corrupt, "stored witness root for " + origin + " is not 32 bytes");
  std::copy(root.begin(), root.end(), s.root.begin());
  return s;
}

Result<std::optional<tlog::WitnessedState>> SqliteWitnessStore::last(const std::string& origin) {
  std::lock_guard lock(db_.writer_mutex());
  return last_on(db_.writer(), origin);
}

Status SqliteWitnessStore::advance(const std::string& origin,
                                   const std::optional<tlog::WitnessedState>& expected,
                                   const tlog::WitnessedState& next,
                                   const std::string& signed_checkpoint) {
  return db_.run([&](SqliteTx& tx) -> Status {
    auto now = last_on(tx.db(), origin);
    if (!now) return err(now);
    bool same = now->has_value() == expected.has_value() &&
                (!expected || ((*now)->size == expected->size && (*now)->root == expected->root));
    if (!same) return fail(Errc::conflict, "the witness state for " + origin + " changed concurrently; retry");
    auto q = tx.db().cached(
        "INSERT INTO witnessed(log_id, origin, size, root, checkpoint) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(log_id, origin) DO UPDATE SET size = excluded.size, root = excluded.root, "
        "checkpoint = excluded.checkpoint");
    if (!q) return err(q);
    (*q)->bind(1, log_id_).bind(2, std::string_view(origin)).bind(3, next.size)
        .bind_blob(4, next.root).bind(5, std::string_view(signed_checkpoint));
    return (*q)->run();
  });
}

}  // namespace amanat::store::sqlite
