// RFC 6962 / RFC 9162 Merkle tree hashing, proofs and proof verification.
//
// Hashes: leaf = SHA-256(0x00 || entry), node = SHA-256(0x01 || left || right), and the root of
// the empty tree is SHA-256(""). A tree of size n is split at k, the largest power of two below n.
//
// Proof generation reads complete-subtree hashes from a HashSource, so the same code serves
// proofs from an in-memory tree (tests), from stored tiles (the log) or from fetched tiles (the
// verifier). Verification follows RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency)
// step by step and needs no source. Everything here is pure computation; thread-safety is that
// of the HashSource passed in.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace amanat::tlog {

Hash leaf_hash(std::span<const std::uint8_t> entry);
Hash node_hash(const Hash& left, const Hash& right);
Hash empty_tree_root();

// Hashes of complete, aligned subtrees: subtree(level, index) is MTH(D[index*2^level,
// (index+1)*2^level)). Level 0 is a leaf hash. Callers only ask for subtrees that lie wholly
// inside the tree they are working on.
class HashSource {
 public:
  virtual ~HashSource() = default;
  virtual Result<Hash> subtree(int level, std::uint64_t index) = 0;
};

// MTH(D[begin:end]) for a range that RFC 6962's recursion produces: begin is a multiple of the
// smallest power of two >= end - begin. end > begin.
Result<Hash> range_root(HashSource& src, std::uint64_t begin, std::uint64_t end);

// MTH(D[0:size]); size 0 gives empty_tree_root().
Result<Hash> tree_root(HashSource& src, std::uint64_t size);

// RFC 6962 PATH(index, D[0:size]): sibling hashes from the leaf up. Errc::invalid if index >= size.
Result<std::vector<Hash>> inclusion_proof(HashSource& src, std::uint64_t index, std::uint64_t size);

// RFC 6962 PROOF(size1, D[0:size2]). Errc::invalid unless 0 < size1 <= size2.
Result<std::vector<Hash>> consistency_proof(HashSource& src, std::uint64_t size1,
                                            std::uint64_t size2);

// RFC 9162 §2.1.3.2. Errc::corrupt when the proof does not lead to root; Errc::invalid when
// index >= size or the proof has the wrong length.
// Roots and the leaf are byte spans, not Hash, so that a value of the wrong length read from
// outside input is a verification failure rather than something callers must pre-check.
Status verify_inclusion(std::span<const std::uint8_t> leaf, std::uint64_t index,
                        std::uint64_t size, std::span<const Hash> proof,
                        std::span<const std::uint8_t> root);

// RFC 9162 §2.1.4.2. size1 == 0 is refused (a consistency proof from the empty tree proves
// nothing); size1 == size2 needs an empty proof and byte-equal roots.
Status verify_consistency(std::uint64_t size1, std::uint64_t size2, std::span<const Hash> proof,
                          std::span<const std::uint8_t> root1,
                          std::span<const std::uint8_t> root2);

// Builds the root of a sequence of leaf hashes in memory, keeping only the right edge
// (O(log n) memory). Used by the verifier and the benchmarks.
class RootBuilder {
 public:
  void add_leaf_hash(const Hash& leaf);
  std::uint64_t size() const { return size_; }
  Hash root() const;

 private:
  std::vector<Hash> edge_;  // edge_[i] is a complete subtree; sizes strictly decrease
  std::vector<int> levels_;
  std::uint64_t size_ = 0;
};

// A HashSource over a vector of leaf hashes (tests, small trees). Computes subtrees on demand.
class MemoryHashSource : public HashSource {
 public:
  explicit MemoryHashSource(std::vector<Hash> leaves) : leaves_(std::move(leaves)) {}
  Result<Hash> subtree(int level, std::uint64_t index) override;
  const std::vector<Hash>& leaves() const { return leaves_; }

 private:
  std::vector<Hash> leaves_;
};

}  // namespace amanat::tlog
