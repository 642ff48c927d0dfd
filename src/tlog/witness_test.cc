#include "tlog/witness.h"

#include <gtest/gtest.h>

#include "tlog/memory_witness_store.h"

#include <map>

#include "tlog/log_key.h"

namespace amanat::tlog {
namespace {

LogKey make_key(const std::string& name) {
  auto k = generate_key(name);
  return *LogKey::parse(k->skey);
}

TEST(Witness, RefusesACheckpointOfSizeZeroWithANonEmptyRoot) {
  LogKey log = make_key("example.org/log");
  LogKey witness = make_key("example.org/witness-org");
  MemoryWitnessStore store;
  Hash bogus{};
  bogus[0] = 1;
  auto note = log.sign(0, bogus);
  ASSERT_TRUE(note);
  auto r = cosign_checkpoint(*note, log.verifier(), 0, {}, store, witness.witness(), 1700000000);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::corrupt);
  EXPECT_TRUE(store.state_.empty());
  auto ok = cosign_checkpoint(*log.sign(0, empty_tree_root()), log.verifier(), 0, {}, store,
                              witness.witness(), 1700000000);
  EXPECT_TRUE(ok) << ok.error().message;
}

TEST(Witness, ConflictWhenTheClaimedOldSizeIsNotTheStoredOne) {
  LogKey log = make_key("example.org/log");
  LogKey witness = make_key("example.org/witness-org");
  MemoryWitnessStore store;
  std::vector<Hash> leaves;
  for (int i = 0; i < 5; ++i) leaves.push_back(leaf_hash(as_bytes(std::to_string(i))));
  MemoryHashSource mem(leaves);
  auto r = cosign_checkpoint(*log.sign(5, *tree_root(mem, 5)), log.verifier(), 3, {}, store,
                             witness.witness(), 1700000000);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::conflict);
}

}  // namespace
}  // namespace amanat::tlog
