#include "http/witness_routes.h"

#include <gtest/gtest.h>

#include "tlog/memory_witness_store.h"

#include <map>

#include "core/bytes.h"
#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/log_key.h"
#include "tlog/merkle.h"

namespace amanat::http {
namespace {

using namespace amanat::tlog;

LogKey key(const std::string& name) { return *LogKey::parse(generate_key(name)->skey); }

class WitnessEndpoint : public ::testing::Test {
 protected:
  LogKey partner = key("partner.example/log"), stranger = key("stranger.example/log"),
         self = key("amanat.example/log");
  MemoryWitnessStore store;
  Handler h = witness_handler({partner.verifier()}, store, self.witness(), [] { return 1'750'000'000; });
  std::vector<Hash> leaves;

  // The partner's checkpoint at `size` and the body proving it from `old`.
  std::string body(std::uint64_t old, std::uint64_t size, LogKey& signer) {
    while (leaves.size() < size) leaves.push_back(leaf_hash(as_bytes(std::to_string(leaves.size()))));
    MemoryHashSource mem(leaves);
    std::string out = "old " + std::to_string(old) + "\n";
    if (old > 0 && old < size) {
      auto proof = consistency_proof(mem, old, size);
      for (const Hash& p : *proof) out += to_base64(p) + "\n";
    }
    return out + "\n" + *signer.sign(size, *tree_root(mem, size));
  }
  Response post(std::string b, std::string path = "add-checkpoint") {
    Request r;
    r.method = "POST";
    r.path = std::move(path);
    r.body = std::move(b);
    return h(r);
  }
};

TEST_F(WitnessEndpoint, CosignsAConsistentHistoryAndTheCosignatureVerifies) {
  auto first = post(body(0, 5, partner));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.body.rfind("\xe2\x80\x94 ", 0), 0u) << first.body;
  auto next = post(body(5, 9, partner));
  ASSERT_EQ(next.status, 200) << next.body;
  std::string cp = body(5, 9, partner);
  cp = cp.substr(cp.find("\n\n") + 2);
  std::vector<WitnessVerifier> witnesses = {self.witness().verifier()};
  auto cosigs = verify_cosignatures(*add_signatures(cp, next.body), witnesses);
  ASSERT_TRUE(cosigs) << cosigs.error().message;
  EXPECT_EQ(cosigs->size(), 1u);
}

TEST_F(WitnessEndpoint, AnswersEachFailureWithTheSpecsStatus) {
  EXPECT_EQ(post(body(0, 5, stranger)).status, 404);          // an origin it does not witness
  LogKey impostor = key("partner.example/log");               // the right name, another key
  EXPECT_EQ(post(body(0, 5, impostor)).status, 403);
  ASSERT_EQ(post(body(0, 5, partner)).status, 200);
  auto stale = post(body(0, 7, partner));                     // old size is not what was cosigned
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.body, "5\n");
  EXPECT_EQ(*find_header(stale.headers, "content-type"), "text/x.tlog.size");
  EXPECT_EQ(post(body(9, 7, partner)).status, 400);           // old above the checkpoint's size
  std::string forged = body(5, 8, partner);                   // a proof that does not verify
  auto nl = forged.find('\n');
  forged.replace(nl + 1, 4, forged.substr(nl + 1, 4) == "AAAA" ? "BBBB" : "AAAA");
  EXPECT_EQ(post(forged).status, 422);
  EXPECT_EQ(post("old x\n\n").status, 400);
  EXPECT_EQ(post("no blank line").status, 400);
  EXPECT_EQ(post(body(5, 8, partner), "other").status, 404);
  EXPECT_EQ(store.state_["partner.example/log"].size, 5u);   // nothing moved it
}

}  // namespace
}  // namespace amanat::http
