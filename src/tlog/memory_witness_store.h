// A WitnessStore in memory, for tests: the compare-and-set semantics of the real one
// (store/sqlite/witness_store.h) without durability. Not thread-safe.
#pragma once

#include <map>
#include <string>

#include "tlog/witness.h"

namespace amanat::tlog {

class MemoryWitnessStore : public WitnessStore {
 public:
  Result<std::optional<WitnessedState>> last(const std::string& origin) override {
    auto it = state_.find(origin);
    if (it == state_.end()) return std::nullopt;
    return it->second;
  }
  Status advance(const std::string& origin, const std::optional<WitnessedState>& expected, const WitnessedState& next,
                 const std::string&) override {
    auto it = state_.find(origin);
    bool same = (it == state_.end()) == !expected.has_value() &&
                (!expected || (it->second.size == expected->size && it->second.root == expected->root));
    if (!same) return fail(Errc::conflict, "changed");
    state_[origin] = next;
    return {};
  }
  std::map<std::string, WitnessedState> state_;
};

}  // namespace amanat::tlog
