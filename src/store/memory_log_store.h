// An in-memory tlog::LogStorage with fault injection, for tests and as the baseline in
// benchmarks. Same contract as the SQLite store except durability. Thread-safe (one mutex).
#pragma once

#include <map>
#include <mutex>

#include "tlog/storage.h"

namespace amanat::store {

class MemoryLogStore : public tlog::LogStorage {
 public:
  Result<State> state() override;
  Status commit(const tlog::Batch& batch) override;
  Result<std::string> checkpoint_at(std::uint64_t size) override;
  Result<std::vector<Bytes>> read_entries(std::uint64_t begin, std::uint64_t end) override;
  Result<std::string> read_checkpoint() override;
  Result<Bytes> read_tile(const tlog::TileId& id) override;
  std::string describe() const override { return "memory"; }

  // The next `n` commits fail with Errc::unavailable and change nothing.
  void fail_next_commits(int n);
  // Overwrites one stored hash (to test that corruption is detected).
  void corrupt_tile(int level, std::uint64_t index, std::size_t byte);

 private:
  std::mutex mu_;
  std::vector<Bytes> entries_;
  std::map<std::pair<int, std::uint64_t>, Bytes> tiles_;
  std::map<std::uint64_t, std::string> checkpoints_;
  std::string checkpoint_;
  int failures_ = 0;
};

}  // namespace amanat::store
