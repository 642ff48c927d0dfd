// An in-memory tlog::LogStorage, for tests and as the baseline in benchmarks. Same contract as
// the SQLite store except durability. Thread-safe (one mutex).
//
// commit() runs the batch's effects with a MemoryTx (effects written for it keep their state
// in memory and follow the outcome through Tx::on_end), then adopts the batch only if every
// effect succeeded. Faults are injected around it by store::FaultyStorage (faulty_storage.h),
// as around every store.
#pragma once

#include <map>
#include <mutex>

#include "tlog/storage.h"

namespace amanat::store {

// The transaction of a MemoryLogStore commit.
class MemoryTx : public Tx {};

class MemoryLogStore : public tlog::LogStorage {
 public:
  Result<State> state() override;
  Status commit(const tlog::Batch& batch) override;
  Result<std::string> checkpoint_at(std::uint64_t size) override;
  Result<std::vector<Bytes>> read_entries(std::uint64_t begin, std::uint64_t end) override;
  Status replace_checkpoint(std::uint64_t size, const std::string& signed_note) override;
  Result<std::string> read_checkpoint() override;
  Result<Bytes> read_tile(const tlog::TileId& id) override;
  std::string describe() const override { return "memory"; }

  // Overwrites one stored hash (to test that corruption is detected).
  void corrupt_tile(int level, std::uint64_t index, std::size_t byte);

 private:
  std::mutex mu_;
  std::vector<Bytes> entries_;
  std::map<std::pair<int, std::uint64_t>, Bytes> tiles_;
  std::map<std::uint64_t, std::string> checkpoints_;
  std::string checkpoint_;
};

}  // namespace amanat::store
