// Tests for RFC 6962 / RFC 9162 hashing, proof generation and proof verification: every
// published vector in testdata/tlog/ that concerns hashing and proofs, then seeded property
// tests against a naive MTH written here straight from RFC 6962 §2.1.
#include "tlog/merkle.h"

#include <gtest/gtest.h>

#include <bit>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace amanat::tlog {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kTestdata = fs::path(AMANAT_TESTDATA) / "tlog";

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << p;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json read_json(const fs::path& p) { return json::parse(read_text(p)); }

Hash hex_hash(std::string_view s) {
  auto h = hash_from_hex(s);
  EXPECT_TRUE(h) << "bad hex hash in test data: " << s;
  return h.value_or(Hash{});
}

Bytes hex_bytes(std::string_view s) {
  if (s == "-") return {};
  auto b = from_hex(s);
  EXPECT_TRUE(b) << "bad hex in test data: " << s;
  return b.value_or(Bytes{});
}

// JSON values in the transparency-dev probes are standard base64 strings; the Go encoding of a
// nil []byte is null, which we read as empty.
Bytes b64(const json& v) {
  if (v.is_null()) return {};
  // Several probes have "" (empty leaf or root). core/bytes.cc from_base64("") passes a null
  // buffer to libsodium, which UBSan reports; decode "" here until that is fixed there.
  if (v.get<std::string>().empty()) return {};
  auto b = from_base64(v.get<std::string>());
  EXPECT_TRUE(b) << "bad base64 in test data: " << v;
  return b.value_or(Bytes{});
}

std::vector<Bytes> b64_list(const json& v) {
  std::vector<Bytes> out;
  if (v.is_null()) return out;
  for (const auto& e : v) out.push_back(b64(e));
  return out;
}

// Proof elements read from outside input may have any length; our verifiers take Hash elements,
// so an element that is not exactly 32 bytes makes the proof fail before verification.
std::optional<std::vector<Hash>> as_hashes(const std::vector<Bytes>& elems) {
  std::vector<Hash> out;
  for (const auto& e : elems) {
    if (e.size() != 32) return std::nullopt;
    Hash h;
    std::copy(e.begin(), e.end(), h.begin());
    out.push_back(h);
  }
  return out;
}

std::string hex_of(const Hash& h) { return to_hex(h); }

std::vector<Hash> reference_leaf_hashes() {
  // The 8 leaves of the RFC 6962 reference tree, from the LEAF lines.
  std::vector<Hash> out;
  std::istringstream in(read_text(kTestdata / "rfc6962_core_vectors.txt"));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string kind, idx, input, hash;
    ls >> kind;
    if (kind != "LEAF") continue;
    ls >> idx >> input >> hash;
    out.push_back(leaf_hash(hex_bytes(input)));
  }
  EXPECT_EQ(out.size(), 8u);
  return out;
}

// ---------------------------------------------------------------------------------------------
// rfc6962_core_vectors.txt

struct CoreVectors {
  struct Leaf { std::size_t i; Bytes input; Hash hash; };
  struct Node { int level; std::uint64_t index; Hash hash; };
  struct Incl { std::uint64_t index, size; Hash root; std::vector<Hash> proof; };
  struct Cons { std::uint64_t size1, size2; Hash root1, root2; std::vector<Hash> proof; };
  std::vector<Leaf> leaves;
  std::vector<Node> nodes;
  std::map<std::uint64_t, Hash> roots;
  std::vector<Incl> incl;
  std::vector<Cons> cons;
};

std::vector<Hash> read_proof(std::istringstream& ls) {
  std::vector<Hash> proof;
  std::string tok;
  while (ls >> tok)
    if (tok != "-") proof.push_back(hex_hash(tok));
  return proof;
}

CoreVectors read_core_vectors() {
  CoreVectors v;
  std::istringstream in(read_text(kTestdata / "rfc6962_core_vectors.txt"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string kind;
    ls >> kind;
    if (kind == "LEAF") {
      std::size_t i;
      std::string input, hash;
      ls >> i >> input >> hash;
      v.leaves.push_back({i, hex_bytes(input), hex_hash(hash)});
    } else if (kind == "NODE") {
      int level;
      std::uint64_t index;
      std::string hash;
      ls >> level >> index >> hash;
      v.nodes.push_back({level, index, hex_hash(hash)});
    } else if (kind == "ROOT") {
      std::uint64_t size;
      std::string hash;
      ls >> size >> hash;
      v.roots[size] = hex_hash(hash);
    } else if (kind == "INCL") {
      CoreVectors::Incl c;
      std::string root;
      ls >> c.index >> c.size >> root;
      c.root = hex_hash(root);
      c.proof = read_proof(ls);
      v.incl.push_back(c);
    } else if (kind == "CONS") {
      CoreVectors::Cons c;
      std::string r1, r2;
      ls >> c.size1 >> c.size2 >> r1 >> r2;
      c.root1 = hex_hash(r1);
      c.root2 = hex_hash(r2);
      c.proof = read_proof(ls);
      v.cons.push_back(c);
    } else {
      ADD_FAILURE() << "unknown record in rfc6962_core_vectors.txt: " << line;
    }
  }
  return v;
}

TEST(Merkle, LeafHashesMatchRfc6962ReferenceTree) {
  auto v = read_core_vectors();
  ASSERT_EQ(v.leaves.size(), 8u);
  for (const auto& l : v.leaves) EXPECT_EQ(hex_of(leaf_hash(l.input)), hex_of(l.hash)) << "leaf " << l.i;
}

TEST(Merkle, NodeHashesMatchRfc6962ReferenceTree) {
  auto v = read_core_vectors();
  ASSERT_EQ(v.nodes.size(), 15u);
  std::map<std::pair<int, std::uint64_t>, Hash> by_pos;
  for (const auto& n : v.nodes) by_pos[{n.level, n.index}] = n.hash;
  MemoryHashSource src(reference_leaf_hashes());
  for (const auto& n : v.nodes) {
    auto h = src.subtree(n.level, n.index);
    ASSERT_TRUE(h) << h.error().message;
    EXPECT_EQ(hex_of(*h), hex_of(n.hash)) << "node " << n.level << "/" << n.index;
    if (n.level > 0) {
      // Each interior node is node_hash of its two children from the same vector file.
      Hash l = by_pos.at({n.level - 1, 2 * n.index}), r = by_pos.at({n.level - 1, 2 * n.index + 1});
      EXPECT_EQ(hex_of(node_hash(l, r)), hex_of(n.hash));
    }
  }
}

TEST(Merkle, RootsOfReferenceTreeForSizes0To8) {
  auto v = read_core_vectors();
  ASSERT_EQ(v.roots.size(), 9u);
  auto leaves = reference_leaf_hashes();
  MemoryHashSource all(leaves);
  RootBuilder rb;
  EXPECT_EQ(hex_of(rb.root()), hex_of(v.roots.at(0)));
  EXPECT_EQ(hex_of(empty_tree_root()), hex_of(v.roots.at(0)));
  for (std::uint64_t n = 0; n <= 8; ++n) {
    // A source holding more leaves than the tree answers the same, and so does one holding
    // exactly the tree.
    MemoryHashSource exact(std::vector<Hash>(leaves.begin(), leaves.begin() + n));
    auto r1 = tree_root(all, n);
    auto r2 = tree_root(exact, n);
    ASSERT_TRUE(r1 && r2);
    EXPECT_EQ(hex_of(*r1), hex_of(v.roots.at(n))) << "size " << n;
    EXPECT_EQ(hex_of(*r2), hex_of(v.roots.at(n))) << "size " << n;
    if (n > 0) rb.add_leaf_hash(leaves[n - 1]);
    EXPECT_EQ(rb.size(), n);
    EXPECT_EQ(hex_of(rb.root()), hex_of(v.roots.at(n))) << "RootBuilder size " << n;
  }
  EXPECT_EQ(hex_of(v.roots.at(8)), "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
}

TEST(Merkle, InclusionProofsMatchRfc6962CoreVectors) {
  auto v = read_core_vectors();
  ASSERT_EQ(v.incl.size(), 5u);
  MemoryHashSource src(reference_leaf_hashes());
  auto leaves = reference_leaf_hashes();
  for (const auto& c : v.incl) {
    SCOPED_TRACE("INCL " + std::to_string(c.index) + " " + std::to_string(c.size));
    auto p = inclusion_proof(src, c.index, c.size);
    ASSERT_TRUE(p) << p.error().message;
    ASSERT_EQ(p->size(), c.proof.size());
    for (std::size_t i = 0; i < p->size(); ++i) EXPECT_EQ(hex_of((*p)[i]), hex_of(c.proof[i])) << "element " << i;
    auto ok = verify_inclusion(leaves[c.index], c.index, c.size, c.proof, c.root);
    EXPECT_TRUE(ok) << ok.error().message;
  }
}

TEST(Merkle, ConsistencyProofsMatchRfc6962CoreVectors) {
  auto v = read_core_vectors();
  ASSERT_EQ(v.cons.size(), 5u);
  MemoryHashSource src(reference_leaf_hashes());
  for (const auto& c : v.cons) {
    SCOPED_TRACE("CONS " + std::to_string(c.size1) + " " + std::to_string(c.size2));
    EXPECT_EQ(hex_of(c.root1), hex_of(v.roots.at(c.size1)));
    EXPECT_EQ(hex_of(c.root2), hex_of(v.roots.at(c.size2)));
    auto p = consistency_proof(src, c.size1, c.size2);
    ASSERT_TRUE(p) << p.error().message;
    ASSERT_EQ(p->size(), c.proof.size());
    for (std::size_t i = 0; i < p->size(); ++i) EXPECT_EQ(hex_of((*p)[i]), hex_of(c.proof[i])) << "element " << i;
    auto ok = verify_consistency(c.size1, c.size2, c.proof, c.root1, c.root2);
    EXPECT_TRUE(ok) << ok.error().message;
  }
}

// ---------------------------------------------------------------------------------------------
// rfc6962_proofs.json

TEST(Merkle, ProofsJsonMatchGeneratedProofsAndVerify) {
  json j = read_json(kTestdata / "rfc6962_proofs.json");
  auto leaves = reference_leaf_hashes();
  MemoryHashSource src(leaves);
  int n_incl = 0, n_cons = 0;
  for (const auto& c : j.at("inclusion")) {
    std::uint64_t index = c.at("leaf_index_0based"), size = c.at("tree_size");
    SCOPED_TRACE("inclusion " + std::to_string(index) + " " + std::to_string(size));
    EXPECT_EQ(c.at("leaf_index_1based_as_in_source").get<std::uint64_t>(), index + 1);
    Hash leaf = leaf_hash(hex_bytes(c.at("leaf_input_hex").get<std::string>()));
    EXPECT_EQ(hex_of(leaf), hex_of(leaves[index]));
    std::vector<Hash> want;
    for (const auto& e : c.at("proof_hex")) want.push_back(hex_hash(e.get<std::string>()));
    auto got = inclusion_proof(src, index, size);
    ASSERT_TRUE(got);
    ASSERT_EQ(got->size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(hex_of((*got)[i]), hex_of(want[i]));
    Hash root = hex_hash(c.at("root_hex").get<std::string>());
    auto r = tree_root(src, size);
    ASSERT_TRUE(r);
    EXPECT_EQ(hex_of(*r), hex_of(root));
    EXPECT_TRUE(verify_inclusion(leaf, index, size, want, root));
    ++n_incl;
  }
  for (const auto& c : j.at("consistency")) {
    std::uint64_t size1 = c.at("size1"), size2 = c.at("size2");
    SCOPED_TRACE("consistency " + std::to_string(size1) + " " + std::to_string(size2));
    std::vector<Hash> want;
    for (const auto& e : c.at("proof_hex")) want.push_back(hex_hash(e.get<std::string>()));
    auto got = consistency_proof(src, size1, size2);
    ASSERT_TRUE(got);
    ASSERT_EQ(got->size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(hex_of((*got)[i]), hex_of(want[i]));
    Hash r1 = hex_hash(c.at("root1_hex").get<std::string>());
    Hash r2 = hex_hash(c.at("root2_hex").get<std::string>());
    EXPECT_EQ(hex_of(*tree_root(src, size1)), hex_of(r1));
    EXPECT_EQ(hex_of(*tree_root(src, size2)), hex_of(r2));
    EXPECT_TRUE(verify_consistency(size1, size2, want, r1, r2));
    ++n_cons;
  }
  EXPECT_EQ(n_incl, 5);
  EXPECT_EQ(n_cons, 5);
}

// ---------------------------------------------------------------------------------------------
// transparency-dev/merkle testdata: verify must fail iff wantErr.

Status probe_inclusion(const json& p) {
  Bytes leaf = b64(p.at("leafHash")), root = b64(p.at("root"));
  auto proof = as_hashes(b64_list(p.at("proof")));
  if (!proof) return fail(Errc::corrupt, "a proof element is not 32 bytes");
  return verify_inclusion(leaf, p.at("leafIdx").get<std::uint64_t>(),
                          p.at("treeSize").get<std::uint64_t>(), *proof, root);
}

Status probe_consistency(const json& p) {
  Bytes root1 = b64(p.at("root1")), root2 = b64(p.at("root2"));
  auto proof = as_hashes(b64_list(p.at("proof")));
  if (!proof) return fail(Errc::corrupt, "a proof element is not 32 bytes");
  return verify_consistency(p.at("size1").get<std::uint64_t>(), p.at("size2").get<std::uint64_t>(),
                            *proof, root1, root2);
}

std::vector<fs::path> json_files_under(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Merkle, TransparencyDevInclusionProbesFailIffWantErr) {
  auto files = json_files_under(kTestdata / "transparency-dev-merkle-testdata" / "inclusion");
  ASSERT_EQ(files.size(), 98u);
  MemoryHashSource src(reference_leaf_hashes());
  int happy = 0, additional = 0;
  for (const auto& f : files) {
    json p = read_json(f);
    auto s = probe_inclusion(p);
    bool want_err = p.at("wantErr");
    EXPECT_EQ(!s, want_err) << f << " (" << p.at("desc") << "): "
                            << (s ? std::string("verified") : s.error().message);
    if (f.string().find("/additional/") != std::string::npos) ++additional;
    if (f.filename() == "happy-path.json") {
      // The happy paths are proofs over the reference tree: generation reproduces them.
      ++happy;
      auto got = inclusion_proof(src, p.at("leafIdx"), p.at("treeSize"));
      ASSERT_TRUE(got);
      auto want = as_hashes(b64_list(p.at("proof")));
      ASSERT_TRUE(want);
      EXPECT_EQ(*got, *want) << f;
    }
  }
  EXPECT_EQ(happy, 5);
  EXPECT_EQ(additional, 12);
}

TEST(Merkle, TransparencyDevConsistencyProbesFailIffWantErr) {
  auto files = json_files_under(kTestdata / "transparency-dev-merkle-testdata" / "consistency");
  ASSERT_EQ(files.size(), 98u);
  MemoryHashSource src(reference_leaf_hashes());
  int happy = 0, additional = 0;
  for (const auto& f : files) {
    json p = read_json(f);
    auto s = probe_consistency(p);
    bool want_err = p.at("wantErr");
    EXPECT_EQ(!s, want_err) << f << " (" << p.at("desc") << "): "
                            << (s ? std::string("verified") : s.error().message);
    if (f.string().find("/additional/") != std::string::npos) ++additional;
    if (f.filename() == "happy-path.json") {
      ++happy;
      auto got = consistency_proof(src, p.at("size1"), p.at("size2"));
      ASSERT_TRUE(got);
      auto want = as_hashes(b64_list(p.at("proof")));
      ASSERT_TRUE(want);
      EXPECT_EQ(*got, *want) << f;
    }
  }
  EXPECT_EQ(happy, 5);
  EXPECT_EQ(additional, 14);
}

TEST(Merkle, TransparencyDevBundledProbesMatchTheDirectory) {
  // transparency_dev_merkle_probes.json bundles the same probes; check them too, and that each
  // is byte-for-byte the probe in the named file.
  json j = read_json(kTestdata / "transparency_dev_merkle_probes.json");
  const fs::path dir = kTestdata / "transparency-dev-merkle-testdata";
  ASSERT_EQ(j.at("inclusion").size(), 98u);
  ASSERT_EQ(j.at("consistency").size(), 98u);
  for (const auto& e : j.at("inclusion")) {
    const json& p = e.at("probe");
    EXPECT_EQ(p, read_json(dir / e.at("file").get<std::string>())) << e.at("file");
    EXPECT_EQ(!probe_inclusion(p), p.at("wantErr").get<bool>()) << e.at("file");
  }
  for (const auto& e : j.at("consistency")) {
    const json& p = e.at("probe");
    EXPECT_EQ(p, read_json(dir / e.at("file").get<std::string>())) << e.at("file");
    EXPECT_EQ(!probe_consistency(p), p.at("wantErr").get<bool>()) << e.at("file");
  }
}

// ---------------------------------------------------------------------------------------------
// sumdb_tlog_vectors.json

TEST(Merkle, SumdbRecordHashAndEmptyTreeHash) {
  json j = read_json(kTestdata / "sumdb_tlog_vectors.json");
  for (const auto& r : j.at("record_hashes")) {
    Hash h = leaf_hash(as_bytes(r.at("data_utf8").get<std::string>()));
    EXPECT_EQ(to_base64(h), r.at("record_hash_base64").get<std::string>());
  }
  EXPECT_EQ(to_base64(empty_tree_root()), j.at("empty_tree_hash_base64").get<std::string>());
  MemoryHashSource none({});
  EXPECT_EQ(to_base64(*tree_root(none, 0)), j.at("empty_tree_hash_base64").get<std::string>());
}

TEST(Merkle, SumdbDerivedRootsOfLeafNTrees) {
  json j = read_json(kTestdata / "sumdb_tlog_vectors.json");
  std::vector<Hash> leaves;
  for (int i = 0; i < 100; ++i) leaves.push_back(leaf_hash(as_bytes("leaf " + std::to_string(i))));
  MemoryHashSource src(leaves);
  std::map<std::uint64_t, Hash> want;
  for (const auto& r : j.at("derived_leaf_n_roots"))
    want[r.at("size").get<std::uint64_t>()] = hex_hash(r.at("root_hex").get<std::string>());
  ASSERT_EQ(want.size(), 11u);
  RootBuilder rb;
  for (std::uint64_t n = 1; n <= 100; ++n) {
    rb.add_leaf_hash(leaves[n - 1]);
    if (!want.count(n)) continue;
    auto r = tree_root(src, n);
    ASSERT_TRUE(r);
    EXPECT_EQ(hex_of(*r), hex_of(want[n])) << "size " << n;
    EXPECT_EQ(hex_of(rb.root()), hex_of(want[n])) << "RootBuilder size " << n;
  }
}

// ---------------------------------------------------------------------------------------------
// Argument checks.

TEST(Merkle, ProofGenerationRejectsOutOfRangeArguments) {
  MemoryHashSource src(reference_leaf_hashes());
  EXPECT_EQ(inclusion_proof(src, 8, 8).error().code, Errc::invalid);
  EXPECT_EQ(inclusion_proof(src, 0, 0).error().code, Errc::invalid);
  EXPECT_EQ(consistency_proof(src, 0, 5).error().code, Errc::invalid);
  EXPECT_EQ(consistency_proof(src, 6, 5).error().code, Errc::invalid);
  EXPECT_TRUE(consistency_proof(src, 5, 5)->empty());
  // Asking for a tree larger than the source is an error from the source, not a crash.
  EXPECT_FALSE(tree_root(src, 9));
  EXPECT_FALSE(inclusion_proof(src, 0, 9));
  EXPECT_FALSE(consistency_proof(src, 3, 9));
}

TEST(Merkle, MemoryHashSourceRejectsSubtreesOutsideTheTree) {
  MemoryHashSource src(reference_leaf_hashes());
  EXPECT_TRUE(src.subtree(3, 0));
  EXPECT_EQ(src.subtree(3, 1).error().code, Errc::not_found);
  EXPECT_EQ(src.subtree(4, 0).error().code, Errc::not_found);
  EXPECT_EQ(src.subtree(0, 8).error().code, Errc::not_found);
  // Shift counts and index arithmetic that would overflow must be refused, not wrapped.
  EXPECT_EQ(src.subtree(-1, 0).error().code, Errc::not_found);
  EXPECT_EQ(src.subtree(64, 0).error().code, Errc::not_found);
  EXPECT_EQ(src.subtree(200, 0).error().code, Errc::not_found);
  EXPECT_EQ(src.subtree(63, 1).error().code, Errc::not_found);
  EXPECT_EQ(src.subtree(1, UINT64_MAX).error().code, Errc::not_found);
  EXPECT_EQ(src.subtree(0, UINT64_MAX).error().code, Errc::not_found);
}

TEST(Merkle, VerifyRejectsBadArguments) {
  auto leaves = reference_leaf_hashes();
  MemoryHashSource src(leaves);
  Hash root8 = *tree_root(src, 8);
  auto p = *inclusion_proof(src, 3, 8);
  EXPECT_TRUE(verify_inclusion(leaves[3], 3, 8, p, root8));
  EXPECT_EQ(verify_inclusion(leaves[3], 8, 8, p, root8).error().code, Errc::invalid);
  EXPECT_EQ(verify_inclusion(leaves[3], 3, 0, p, root8).error().code, Errc::invalid);
  EXPECT_EQ(verify_inclusion(std::span(leaves[3]).first(31), 3, 8, p, root8).error().code, Errc::invalid);
  {
    // A leaf hash longer than 32 bytes is refused too (and must not be copied into a Hash).
    Bytes long_leaf(leaves[3].begin(), leaves[3].end());
    long_leaf.push_back(0);
    EXPECT_EQ(verify_inclusion(long_leaf, 3, 8, p, root8).error().code, Errc::invalid);
    EXPECT_EQ(verify_inclusion(Bytes(64, 1), 3, 8, p, root8).error().code, Errc::invalid);
    EXPECT_EQ(verify_inclusion({}, 3, 8, p, root8).error().code, Errc::invalid);
  }
  EXPECT_FALSE(verify_inclusion(leaves[3], 3, 8, p, std::span(root8).first(31)));
  EXPECT_FALSE(verify_inclusion(leaves[3], 3, 8, p, {}));
  Hash root5 = *tree_root(src, 5);
  auto c = *consistency_proof(src, 5, 8);
  EXPECT_TRUE(verify_consistency(5, 8, c, root5, root8));
  EXPECT_EQ(verify_consistency(0, 8, c, root5, root8).error().code, Errc::invalid);
  EXPECT_EQ(verify_consistency(9, 8, c, root5, root8).error().code, Errc::invalid);
  EXPECT_EQ(verify_consistency(5, 8, {}, root5, root8).error().code, Errc::invalid);
  EXPECT_EQ(verify_consistency(8, 8, c, root8, root8).error().code, Errc::invalid);
  EXPECT_EQ(verify_consistency(8, 8, {}, root5, root8).error().code, Errc::corrupt);
  EXPECT_TRUE(verify_consistency(8, 8, {}, root8, root8));
  EXPECT_FALSE(verify_consistency(5, 8, c, std::span(root5).first(12), root8));
  EXPECT_FALSE(verify_consistency(4, 8, *consistency_proof(src, 4, 8), std::span(root8).first(12), root8));
}

// ---------------------------------------------------------------------------------------------
// Property tests.

// A fixed seed keeps runs reproducible; AMANAT_MERKLE_SEED overrides it for exploration.
std::uint64_t test_seed() {
  if (const char* s = std::getenv("AMANAT_MERKLE_SEED"))
    if (auto v = parse_decimal(s)) return *v;
  return 0x6a09e667f3bcc908ull;
}

// MTH from RFC 6962 §2.1, literally: MTH({}) = SHA-256(), MTH({d0}) = leaf, otherwise split at
// the largest power of two smaller than n.
Hash naive_mth(const std::vector<Hash>& leaves, std::size_t begin, std::size_t end) {
  std::size_t n = end - begin;
  if (n == 0) return empty_tree_root();
  if (n == 1) return leaves[begin];
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;
  return node_hash(naive_mth(leaves, begin, begin + k), naive_mth(leaves, begin + k, end));
}

std::vector<Hash> random_leaves(std::mt19937_64& rng, std::size_t n) {
  std::vector<Hash> out(n);
  for (auto& h : out) {
    std::uint8_t buf[8];
    put_u64be(buf, rng());
    h = leaf_hash(buf);
  }
  return out;
}

// Every complete-subtree hash of a tree, precomputed; answers in O(1). Used where the test
// needs many roots quickly and the MemoryHashSource result is checked elsewhere.
class TableHashSource : public HashSource {
 public:
  explicit TableHashSource(const std::vector<Hash>& leaves) {
    levels_.push_back(leaves);
    while (levels_.back().size() >= 2) {
      const auto& below = levels_.back();
      std::vector<Hash> up(below.size() / 2);
      for (std::size_t i = 0; i < up.size(); ++i) up[i] = node_hash(below[2 * i], below[2 * i + 1]);
      levels_.push_back(std::move(up));
    }
  }
  Result<Hash> subtree(int level, std::uint64_t index) override {
    if (level < 0 || std::size_t(level) >= levels_.size() || index >= levels_[level].size())
      return fail(Errc::not_found, "outside");
    return levels_[level][index];
  }

 private:
  std::vector<std::vector<Hash>> levels_;
};

// The "shape" of a proof: which side each element is hashed on, from the RFC 6962 §2.1.1/2.1.2
// recursions (not from the verifier's bit arithmetic). Two (index, size) or (size1, size2)
// pairs with equal shape are verified by the same computation, so a proof for one verifies
// as the other: verification with a wrong size may legitimately pass exactly when shapes match.
void inclusion_shape(std::uint64_t m, std::uint64_t n, std::string& out) {
  if (n <= 1) return;
  std::uint64_t k = std::bit_floor(n - 1);
  if (m < k) {
    inclusion_shape(m, k, out);
    out += 'R';
  } else {
    inclusion_shape(m - k, n - k, out);
    out += 'L';
  }
}
std::string inclusion_shape(std::uint64_t m, std::uint64_t n) {
  std::string s;
  inclusion_shape(m, n, s);
  return s;
}

void consistency_shape(std::uint64_t m, std::uint64_t n, bool whole, std::string& out) {
  if (m == n) {
    out += whole ? "^" : "S";  // ^: the verifier starts from root1; S: from a proof element
    return;
  }
  std::uint64_t k = std::bit_floor(n - 1);
  if (m <= k) {
    consistency_shape(m, k, whole, out);
    out += 'R';
  } else {
    consistency_shape(m - k, n - k, false, out);
    out += 'L';
  }
}
std::string consistency_shape(std::uint64_t m, std::uint64_t n) {
  std::string s;
  consistency_shape(m, n, true, s);
  return s;
}

struct Budget {
  // Keeps the property tests within a time budget on slow builds (ASan) while still covering
  // every kind of check: loops stop early once the budget is spent.
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  double seconds;
  explicit Budget(double s) : seconds(s) {}
  bool spent() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > seconds;
  }
};

TEST(MerkleProperty, TreeRootEqualsNaiveMthForEverySmallSizeAndRandomLargeOnes) {
  const auto seed = test_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (set AMANAT_MERKLE_SEED to reproduce)");
  std::mt19937_64 rng(seed);
  auto leaves = random_leaves(rng, 4096);
  for (std::size_t n = 0; n <= 300; ++n) {
    MemoryHashSource src(std::vector<Hash>(leaves.begin(), leaves.begin() + n));
    auto r = tree_root(src, n);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(hex_of(*r), hex_of(naive_mth(leaves, 0, n))) << "size " << n;
  }
  for (int t = 0; t < 40; ++t) {
    std::size_t n = 1 + rng() % 4096;
    MemoryHashSource src(std::vector<Hash>(leaves.begin(), leaves.begin() + n));
    auto r = tree_root(src, n);
    ASSERT_TRUE(r);
    ASSERT_EQ(hex_of(*r), hex_of(naive_mth(leaves, 0, n))) << "size " << n;
  }
  for (std::size_t n : {1023u, 1024u, 1025u, 2047u, 2048u, 2049u, 4095u, 4096u}) {
    MemoryHashSource src(leaves);
    ASSERT_EQ(hex_of(*tree_root(src, n)), hex_of(naive_mth(leaves, 0, n))) << "size " << n;
  }
}

TEST(MerkleProperty, RootBuilderMatchesAtEverySize) {
  const auto seed = test_seed() + 1;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  auto leaves = random_leaves(rng, 5000);
  TableHashSource table(leaves);
  MemoryHashSource mem(leaves);
  RootBuilder rb;
  EXPECT_EQ(hex_of(rb.root()), hex_of(empty_tree_root()));
  for (std::size_t n = 1; n <= leaves.size(); ++n) {
    rb.add_leaf_hash(leaves[n - 1]);
    ASSERT_EQ(rb.size(), n);
    auto want = tree_root(table, n);
    ASSERT_TRUE(want);
    ASSERT_EQ(hex_of(rb.root()), hex_of(*want)) << "size " << n;
    if (n <= 200 || n % 97 == 0) {
      ASSERT_EQ(hex_of(rb.root()), hex_of(naive_mth(leaves, 0, n))) << "size " << n;
      ASSERT_EQ(hex_of(*tree_root(mem, n)), hex_of(*want)) << "size " << n;
    }
  }
}

// Mutations of an inclusion proof; each must fail verification.
void check_inclusion_mutations(std::mt19937_64& rng, const std::vector<Hash>& leaves,
                               HashSource& table, std::uint64_t index, std::uint64_t size,
                               const std::vector<Hash>& proof, const Hash& root) {
  const Hash& leaf = leaves[index];
  auto bad = [&](const std::vector<Hash>& p, std::uint64_t i, std::uint64_t n, const Hash& r,
                 const char* what) {
    EXPECT_FALSE(verify_inclusion(leaf, i, n, p, r))
        << what << " index " << index << " size " << size << " -> index " << i << " size " << n;
  };
  // Flip one random bit in every element.
  for (std::size_t e = 0; e < proof.size(); ++e) {
    auto p = proof;
    unsigned bit = rng() % 256;
    p[e][bit / 8] ^= std::uint8_t(1u << (bit % 8));
    bad(p, index, size, root, "bit flip");
  }
  // Drop any element; append, insert.
  for (std::size_t e = 0; e < proof.size(); ++e) {
    auto p = proof;
    p.erase(p.begin() + e);
    bad(p, index, size, root, "dropped element");
  }
  {
    auto p = proof;
    p.push_back(leaves[rng() % leaves.size()]);
    bad(p, index, size, root, "appended element");
    p = proof;
    p.push_back(root);
    bad(p, index, size, root, "appended root");
  }
  for (std::size_t e = 0; e <= proof.size(); ++e) {
    auto p = proof;
    p.insert(p.begin() + e, leaf);
    bad(p, index, size, root, "inserted element");
  }
  // Swap two elements that differ.
  if (proof.size() >= 2) {
    auto p = proof;
    std::swap(p.front(), p.back());
    if (p != proof) bad(p, index, size, root, "swapped elements");
  }
  // Wrong leaf, wrong root.
  EXPECT_FALSE(verify_inclusion(leaves[(index + 1) % leaves.size()], index, size, proof, root))
      << "wrong leaf";
  {
    Hash r = root;
    r[rng() % 32] ^= 0x80;
    bad(proof, index, size, r, "bit flip in root");
    if (size > 1) bad(proof, index, size, *tree_root(table, size - 1), "root of size-1");
  }
  // Wrong index: every shape is distinct for distinct indices of one size, so always fails.
  for (std::uint64_t wrong : {index ^ 1, index + 1, index - 1, index ^ (std::bit_floor(size)),
                              std::uint64_t(rng() % size)}) {
    if (wrong == index) continue;
    if (wrong >= size) {
      EXPECT_EQ(verify_inclusion(leaf, wrong, size, proof, root).error().code, Errc::invalid);
      continue;
    }
    ASSERT_NE(inclusion_shape(wrong, size), inclusion_shape(index, size));
    bad(proof, wrong, size, root, "wrong index");
  }
  // Wrong size: fails unless the RFC 6962 recursion gives the same shape (e.g. index 0 in sizes
  // 3 and 4 both hash right, right), in which case the same computation must succeed.
  for (std::uint64_t wrong : {size + 1, size - 1, size * 2, size / 2, size + 1 + rng() % 1000}) {
    if (wrong == size) continue;
    auto s = verify_inclusion(leaf, index, wrong, proof, root);
    if (index >= wrong) {
      EXPECT_EQ(s.error().code, Errc::invalid);
    } else if (inclusion_shape(index, wrong) == inclusion_shape(index, size)) {
      EXPECT_TRUE(s) << "same shape: index " << index << " sizes " << size << ", " << wrong;
    } else {
      EXPECT_FALSE(s) << "wrong size: index " << index << " size " << size << " -> " << wrong;
    }
  }
}

TEST(MerkleProperty, EveryInclusionProofVerifiesAndEveryMutationFails) {
  const auto seed = test_seed() + 2;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  auto leaves = random_leaves(rng, 3000);
  MemoryHashSource mem(leaves);
  TableHashSource table(leaves);
  // Exhaustive over small trees, then random (index, size) over larger ones.
  auto check = [&](std::uint64_t index, std::uint64_t size, bool mutate) {
    auto proof = inclusion_proof(mem, index, size);
    ASSERT_TRUE(proof) << proof.error().message;
    ASSERT_EQ(proof->size(), inclusion_shape(index, size).size());
    Hash root = naive_mth(leaves, 0, size);
    auto s = verify_inclusion(leaves[index], index, size, *proof, root);
    ASSERT_TRUE(s) << "index " << index << " size " << size << ": " << s.error().message;
    if (mutate) check_inclusion_mutations(rng, leaves, table, index, size, *proof, root);
  };
  for (std::uint64_t size = 1; size <= 64; ++size)
    for (std::uint64_t index = 0; index < size; ++index) check(index, size, true);
  Budget budget(2.0);
  for (int t = 0; t < 300 && !budget.spent(); ++t) {
    std::uint64_t size = 1 + rng() % leaves.size();
    check(rng() % size, size, true);
  }
  for (std::uint64_t size : {1023u, 1024u, 1025u, 2048u, 3000u}) {
    check(0, size, true);
    check(size - 1, size, true);
  }
}

void check_consistency_mutations(std::mt19937_64& rng, HashSource& table, std::uint64_t m,
                                 std::uint64_t n, const std::vector<Hash>& proof, const Hash& r1,
                                 const Hash& r2) {
  auto bad = [&](const std::vector<Hash>& p, std::uint64_t a, std::uint64_t b, const Hash& x,
                 const Hash& y, const char* what) {
    EXPECT_FALSE(verify_consistency(a, b, p, x, y))
        << what << " sizes " << m << "," << n << " -> " << a << "," << b;
  };
  for (std::size_t e = 0; e < proof.size(); ++e) {
    auto p = proof;
    unsigned bit = rng() % 256;
    p[e][bit / 8] ^= std::uint8_t(1u << (bit % 8));
    bad(p, m, n, r1, r2, "bit flip");
  }
  for (std::size_t e = 0; e < proof.size(); ++e) {
    auto p = proof;
    p.erase(p.begin() + e);
    bad(p, m, n, r1, r2, "dropped element");
  }
  {
    auto p = proof;
    p.push_back(r2);
    bad(p, m, n, r1, r2, "appended element");
  }
  for (std::size_t e = 0; e <= proof.size(); ++e) {
    auto p = proof;
    p.insert(p.begin() + e, r1);
    bad(p, m, n, r1, r2, "inserted root1");
  }
  if (m != n) bad(proof, m, n, r2, r1, "swapped roots");
  {
    Hash x = r1, y = r2;
    x[rng() % 32] ^= 1;
    y[rng() % 32] ^= 1;
    bad(proof, m, n, x, r2, "bit flip in root1");
    bad(proof, m, n, r1, y, "bit flip in root2");
  }
  // Wrong sizes: fail unless the RFC 6962 SUBPROOF recursion gives the same shape.
  auto try_sizes = [&](std::uint64_t a, std::uint64_t b) {
    if ((a == m && b == n)) return;
    auto s = verify_consistency(a, b, proof, r1, r2);
    if (a == 0 || a > b) {
      EXPECT_FALSE(s);
    } else if (a == b) {
      EXPECT_FALSE(s) << "equal sizes need an empty proof and equal roots";
    } else if (m != n && consistency_shape(a, b) == consistency_shape(m, n)) {
      EXPECT_TRUE(s) << "same shape: " << m << "," << n << " as " << a << "," << b;
    } else {
      EXPECT_FALSE(s) << "wrong sizes " << m << "," << n << " -> " << a << "," << b;
    }
  };
  try_sizes(m + 1, n);
  try_sizes(m - 1, n);
  try_sizes(m, n + 1);
  try_sizes(m, n - 1);
  try_sizes(m * 2, n);
  try_sizes(m, n * 2);
  try_sizes(m / 2, n);
  try_sizes(n, m);
  try_sizes(1 + rng() % n, n);
}

TEST(MerkleProperty, EveryConsistencyProofVerifiesAndEveryMutationFails) {
  const auto seed = test_seed() + 3;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  auto leaves = random_leaves(rng, 3000);
  MemoryHashSource mem(leaves);
  TableHashSource table(leaves);
  auto check = [&](std::uint64_t m, std::uint64_t n, bool mutate) {
    auto proof = consistency_proof(mem, m, n);
    ASSERT_TRUE(proof) << proof.error().message;
    std::string shape = consistency_shape(m, n);
    if (m == n) {
      ASSERT_TRUE(proof->empty());
    } else {
      // One element per shape symbol except the root1 marker.
      ASSERT_EQ(proof->size(), shape.size() - (shape[0] == '^' ? 1 : 0)) << m << "," << n;
    }
    Hash r1 = naive_mth(leaves, 0, m), r2 = *tree_root(table, n);
    auto s = verify_consistency(m, n, *proof, r1, r2);
    ASSERT_TRUE(s) << "sizes " << m << "," << n << ": " << s.error().message;
    if (mutate) check_consistency_mutations(rng, table, m, n, *proof, r1, r2);
  };
  for (std::uint64_t n = 1; n <= 64; ++n)
    for (std::uint64_t m = 1; m <= n; ++m) check(m, n, true);
  Budget budget(2.0);
  for (int t = 0; t < 300 && !budget.spent(); ++t) {
    std::uint64_t n = 1 + rng() % leaves.size();
    check(1 + rng() % n, n, true);
  }
  for (auto [m, n] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{
           {1, 3000}, {1024, 3000}, {1024, 2048}, {1023, 1025}, {2999, 3000}, {3000, 3000}})
    check(m, n, true);
}

TEST(Merkle, ConsistencyProofFromPowerOfTwoSizeOmitsOldRoot) {
  // When size1 is a power of two the old root is a node of the new tree and is not sent.
  std::mt19937_64 rng(7);
  auto leaves = random_leaves(rng, 64);
  MemoryHashSource mem(leaves);
  auto p = consistency_proof(mem, 16, 64);
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0], *mem.subtree(4, 1));
  EXPECT_EQ((*p)[1], *mem.subtree(5, 1));
  EXPECT_TRUE(verify_consistency(16, 64, *p, *mem.subtree(4, 0), *mem.subtree(6, 0)));
}

}  // namespace
}  // namespace amanat::tlog
