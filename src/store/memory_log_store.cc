#include "store/memory_log_store.h"

namespace amanat::store {

Result<tlog::LogStorage::State> MemoryLogStore::state() {
  std::lock_guard lock(mu_);
  return State{entries_.size(), checkpoint_};
}

Status MemoryLogStore::commit(const tlog::Batch& batch) {
  std::lock_guard lock(mu_);
  if (batch.old_size != entries_.size()) return fail(Errc::conflict, "size mismatch");
  // Effects run first, and the log changes only if all of them succeed.
  MemoryTx tx;
  for (std::size_t i = 0; i < batch.effects.size(); ++i)
    if (batch.effects[i])
      if (auto st = batch.effects[i](tx, batch.old_size + i); !st) {
        tx.end(TxOutcome::rolled_back);
        return st;
      }
  entries_.insert(entries_.end(), batch.entries.begin(), batch.entries.end());
  for (const auto& t : batch.tiles) tiles_[{t.id.level, t.id.index}] = t.hashes;
  checkpoint_ = batch.checkpoint;
  checkpoints_[entries_.size()] = batch.checkpoint;
  tx.end(TxOutcome::committed);
  return {};
}

Status MemoryLogStore::replace_checkpoint(std::uint64_t size, const std::string& signed_note) {
  std::lock_guard lock(mu_);
  auto it = checkpoints_.find(size);
  if (it == checkpoints_.end()) return fail(Errc::not_found, "no checkpoint was signed for size " + std::to_string(size));
  it->second = signed_note;
  if (entries_.size() == size) checkpoint_ = signed_note;
  return {};
}

Result<std::string> MemoryLogStore::checkpoint_at(std::uint64_t size) {
  std::lock_guard lock(mu_);
  auto it = checkpoints_.find(size);
  if (it == checkpoints_.end()) return fail(Errc::not_found, "no checkpoint for that size");
  return it->second;
}

Result<std::vector<Bytes>> MemoryLogStore::read_entries(std::uint64_t begin, std::uint64_t end) {
  std::lock_guard lock(mu_);
  if (end > entries_.size() || begin > end) return fail(Errc::not_found, "entries beyond the log");
  return std::vector<Bytes>(entries_.begin() + begin, entries_.begin() + end);
}

Result<std::string> MemoryLogStore::read_checkpoint() {
  std::lock_guard lock(mu_);
  if (checkpoint_.empty()) return fail(Errc::not_found, "no checkpoint yet");
  return checkpoint_;
}

Result<Bytes> MemoryLogStore::read_tile(const tlog::TileId& id) {
  if (id.entries) {
    auto es = read_entries(id.index * tlog::kTileWidth, id.index * tlog::kTileWidth + id.width);
    if (!es) return err(es);
    Bytes bundle;
    for (const Bytes& e : *es) tlog::append_bundle_entry(bundle, e);
    return bundle;
  }
  std::lock_guard lock(mu_);
  auto it = tiles_.find({id.level, id.index});
  if (it == tiles_.end() || it->second.size() < id.width * 32u)
    return fail(Errc::not_found, tlog::tile_path(id) + " does not exist");
  return Bytes(it->second.begin(), it->second.begin() + id.width * 32);
}

void MemoryLogStore::corrupt_tile(int level, std::uint64_t index, std::size_t byte) {
  std::lock_guard lock(mu_);
  auto it = tiles_.find({level, index});
  if (it != tiles_.end() && byte < it->second.size()) it->second[byte] ^= 1;
}

}  // namespace amanat::store
