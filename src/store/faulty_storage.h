// Fault injection around any tlog::LogStorage, for the tables of failure cases that the
// sequencer's and the books' tests run over every store (after sunlight's TestSequenceErrors).
//
// The faults a commit can meet, each injected for the next n commits:
//  - before: the commit fails before it reaches the storage; nothing is stored;
//  - inside: the commit's transaction fails after every effect of the batch has run, so the
//            storage rolls back entries and effects alike (and tells the effects' hooks);
//  - after:  the commit is stored (its transaction committed, its hooks told so), then the call
//            fails, as a commit whose acknowledgement was lost does: the storage contract's
//            ambiguous failure, after which the caller must re-read the state;
//  - state:  every state() call fails from now on (a database that can no longer be read):
//            the sequencer must stop rather than append on a tree it cannot check.
// Everything else passes through. Thread-safe as the wrapped store is.
#pragma once

#include <atomic>

#include "tlog/storage.h"

namespace amanat::store {

class FaultyStorage : public tlog::LogStorage {
 public:
  explicit FaultyStorage(tlog::LogStorage& inner) : inner_(inner) {}

  void fail_before(int n) { before_ = n; }
  void fail_inside(int n) { inside_ = n; }
  void fail_after(int n) { after_ = n; }
  void fail_state(bool on) { state_ = on; }

  Result<State> state() override {
    if (state_) return fail(Errc::unavailable, "injected failure: the storage cannot be read");
    return inner_.state();
  }
  Status commit(const tlog::Batch& batch) override {
    if (take(before_)) return fail(Errc::unavailable, "injected failure before the batch was stored");
    if (take(inside_)) {
      if (batch.entries.empty()) return fail(Errc::unavailable, "injected failure inside an empty batch");
      // The same batch with one more effect, run last, that fails.
      tlog::Batch failing = batch;
      failing.effects.resize(failing.entries.size());
      auto& last = failing.effects.back();
      last = [then = std::move(last)](Tx& tx, std::uint64_t index) -> Status {
        if (then) AMANAT_CHECK(then(tx, index));
        return fail(Errc::unavailable, "injected failure inside the batch's transaction");
      };
      return inner_.commit(failing);
    }
    AMANAT_CHECK(inner_.commit(batch));
    if (take(after_)) return fail(Errc::unavailable, "injected failure after the batch was stored");
    return {};
  }
  Result<std::string> checkpoint_at(std::uint64_t size) override { return inner_.checkpoint_at(size); }
  Result<std::vector<Bytes>> read_entries(std::uint64_t begin, std::uint64_t end) override {
    return inner_.read_entries(begin, end);
  }
  Status replace_checkpoint(std::uint64_t size, const std::string& note) override {
    return inner_.replace_checkpoint(size, note);
  }
  Result<std::string> read_checkpoint() override { return inner_.read_checkpoint(); }
  Result<Bytes> read_tile(const tlog::TileId& id) override { return inner_.read_tile(id); }
  unsigned concurrent_reads() const override { return inner_.concurrent_reads(); }
  std::string describe() const override { return inner_.describe(); }

 private:
  static bool take(std::atomic<int>& n) {
    int v = n.load();
    while (v > 0)
      if (n.compare_exchange_weak(v, v - 1)) return true;
    return false;
  }
  tlog::LogStorage& inner_;
  std::atomic<int> before_{0}, inside_{0}, after_{0};
  std::atomic<bool> state_{false};
};

}  // namespace amanat::store
