#include "tlog/merkle.h"

#include <bit>

#include "core/sha256.h"

namespace amanat::tlog {

Hash leaf_hash(std::span<const std::uint8_t> entry) {
  const std::uint8_t prefix = 0x00;
  Sha256 ctx;
  ctx.update({&prefix, 1});
  ctx.update(entry);
  return ctx.final();
}

Hash node_hash(const Hash& left, const Hash& right) {
  std::uint8_t buf[65];
  buf[0] = 0x01;
  std::copy(left.begin(), left.end(), buf + 1);
  std::copy(right.begin(), right.end(), buf + 33);
  return sha256(std::span<const std::uint8_t>(buf, sizeof buf));
}

Hash empty_tree_root() { return sha256(std::string_view()); }

namespace {

// Largest power of two strictly below n (n >= 2).
std::uint64_t split_point(std::uint64_t n) { return std::bit_floor(n - 1); }

bool is_aligned_subtree(std::uint64_t begin, std::uint64_t end) {
  std::uint64_t n = end - begin;
  return std::has_single_bit(n) && begin % n == 0;
}

Status append_range_proof(HashSource& src, std::uint64_t index, std::uint64_t begin,
                          std::uint64_t end, std::vector<Hash>& out) {
  // PATH(m, D[begin:end]) with m = index - begin, written leaf-to-root.
  if (end - begin <= 1) return {};
  std::uint64_t k = split_point(end - begin);
  if (index < begin + k) {
    if (auto s = append_range_proof(src, index, begin, begin + k, out); !s) return s;
    auto right = range_root(src, begin + k, end);
    if (!right) return err(right);
    out.push_back(*right);
  } else {
    if (auto s = append_range_proof(src, index, begin + k, end, out); !s) return s;
    auto left = range_root(src, begin, begin + k);
    if (!left) return err(left);
    out.push_back(*left);
  }
  return {};
}

Status append_subproof(HashSource& src, std::uint64_t m, std::uint64_t begin, std::uint64_t end,
                       bool whole, std::vector<Hash>& out) {
  // SUBPROOF(m, D[begin:end], whole) from RFC 6962 §2.1.2, m relative to begin.
  std::uint64_t n = end - begin;
  if (m == n) {
    if (whole) return {};
    auto h = range_root(src, begin, end);
    if (!h) return err(h);
    out.push_back(*h);
    return {};
  }
  std::uint64_t k = split_point(n);
  if (m <= k) {
    if (auto s = append_subproof(src, m, begin, begin + k, whole, out); !s) return s;
    auto right = range_root(src, begin + k, end);
    if (!right) return err(right);
    out.push_back(*right);
  } else {
    if (auto s = append_subproof(src, m - k, begin + k, end, false, out); !s) return s;
    auto left = range_root(src, begin, begin + k);
    if (!left) return err(left);
    out.push_back(*left);
  }
  return {};
}

}  // namespace

Result<Hash> range_root(HashSource& src, std::uint64_t begin, std::uint64_t end) {
  if (end <= begin) return fail(Errc::internal, "range_root: empty range");
  if (is_aligned_subtree(begin, end)) {
    std::uint64_t n = end - begin;
    int level = std::countr_zero(n);
    return src.subtree(level, begin >> level);
  }
  std::uint64_t k = split_point(end - begin);
  auto left = range_root(src, begin, begin + k);
  if (!left) return left;
  auto right = range_root(src, begin + k, end);
  if (!right) return right;
  return node_hash(*left, *right);
}

Result<Hash> tree_root(HashSource& src, std::uint64_t size) {
  if (size == 0) return empty_tree_root();
  return range_root(src, 0, size);
}

Result<std::vector<Hash>> inclusion_proof(HashSource& src, std::uint64_t index,
                                          std::uint64_t size) {
  if (index >= size)
    return fail(Errc::invalid, "index " + std::to_string(index) + " is not below tree size " +
                                   std::to_string(size));
  std::vector<Hash> out;
  if (auto s = append_range_proof(src, index, 0, size, out); !s)
    return err(s);
  return out;
}

Result<std::vector<Hash>> consistency_proof(HashSource& src, std::uint64_t size1,
                                            std::uint64_t size2) {
  if (size1 == 0 || size1 > size2)
    return fail(Errc::invalid, "a consistency proof needs 0 < old size <= new size (got " +
                                   std::to_string(size1) + " and " + std::to_string(size2) + ")");
  std::vector<Hash> out;
  if (size1 == size2) return out;
  if (auto s = append_subproof(src, size1, 0, size2, true, out); !s)
    return err(s);
  return out;
}

namespace {
bool same_bytes(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}
}  // namespace

Status verify_inclusion(std::span<const std::uint8_t> leaf, std::uint64_t index,
                        std::uint64_t size, std::span<const Hash> proof,
                        std::span<const std::uint8_t> root) {
  // RFC 9162 §2.1.3.2.
  if (leaf.size() != 32) return fail(Errc::invalid, "inclusion proof: leaf hash is not 32 bytes");
  if (index >= size)
    return fail(Errc::invalid, "inclusion proof: index " + std::to_string(index) +
                                   " is not below tree size " + std::to_string(size));
  std::uint64_t fn = index, sn = size - 1;
  Hash r;
  std::copy(leaf.begin(), leaf.end(), r.begin());
  for (const Hash& p : proof) {
    if (sn == 0) return fail(Errc::invalid, "inclusion proof is too long");
    if ((fn & 1) || fn == sn) {
      r = node_hash(p, r);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return fail(Errc::invalid, "inclusion proof is too short");
  if (!same_bytes(r, root)) return fail(Errc::corrupt, "inclusion proof does not lead to the root");
  return {};
}

Status verify_consistency(std::uint64_t size1, std::uint64_t size2, std::span<const Hash> proof,
                          std::span<const std::uint8_t> root1,
                          std::span<const std::uint8_t> root2) {
  // RFC 9162 §2.1.4.2.
  if (size1 > size2)
    return fail(Errc::invalid, "consistency proof: old size is larger than new size");
  if (size1 == 0) return fail(Errc::invalid, "consistency proof from the empty tree proves nothing");
  if (size1 == size2) {
    if (!proof.empty()) return fail(Errc::invalid, "consistency proof between equal sizes must be empty");
    if (!same_bytes(root1, root2)) return fail(Errc::corrupt, "equal tree sizes but different roots");
    return {};
  }
  if (proof.empty()) return fail(Errc::invalid, "consistency proof is empty");
  std::vector<Hash> path(proof.begin(), proof.end());
  // Step 1: if size1 is a power of two, prepend root1.
  if (std::has_single_bit(size1)) {
    if (root1.size() != 32) return fail(Errc::corrupt, "old root is not 32 bytes");
    Hash r1;
    std::copy(root1.begin(), root1.end(), r1.begin());
    path.insert(path.begin(), r1);
  }
  std::uint64_t fn = size1 - 1, sn = size2 - 1;
  // Step 3: while LSB(fn) is set, shift both right.
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return fail(Errc::invalid, "consistency proof is too long");
    if ((fn & 1) || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return fail(Errc::invalid, "consistency proof is too short");
  if (!same_bytes(fr, root1)) return fail(Errc::corrupt, "consistency proof does not lead to the old root");
  if (!same_bytes(sr, root2)) return fail(Errc::corrupt, "consistency proof does not lead to the new root");
  return {};
}

void RootBuilder::add_leaf_hash(const Hash& leaf) {
  Hash h = leaf;
  int level = 0;
  // Merge equal-sized complete subtrees, like binary addition.
  while (!levels_.empty() && levels_.back() == level) {
    h = node_hash(edge_.back(), h);
    edge_.pop_back();
    levels_.pop_back();
    ++level;
  }
  edge_.push_back(h);
  levels_.push_back(level);
  ++size_;
}

Hash RootBuilder::root() const {
  if (edge_.empty()) return empty_tree_root();
  Hash acc = edge_.back();
  for (std::size_t i = edge_.size() - 1; i-- > 0;) acc = node_hash(edge_[i], acc);
  return acc;
}

Result<Hash> MemoryHashSource::subtree(int level, std::uint64_t index) {
  // Range check before any shift: level must be a valid shift count and (index + 1) << level
  // must not overflow, so test index < size >> level instead of (index + 1) << level <= size.
  if (level < 0 || level >= 64 || index >= (leaves_.size() >> level))
    return fail(Errc::not_found, "subtree outside the tree");
  if (level == 0) return leaves_[index];
  auto l = subtree(level - 1, 2 * index);
  if (!l) return l;
  auto r = subtree(level - 1, 2 * index + 1);
  if (!r) return r;
  return node_hash(*l, *r);
}

}  // namespace amanat::tlog
