// C2SP tlog-tiles: tile coordinates and paths, entry bundles, and a HashSource that computes
// any subtree hash from hash tiles.
//
// A hash tile at level L, index N holds up to 256 consecutive hashes of complete subtrees of
// 256^L leaves: hash i is MTH(D[(N*256+i)*256^L : (N*256+i+1)*256^L]). A tree of size s has, at
// level L, floor(s / 256^(L+1)) full tiles and one partial tile of width floor(s / 256^L) mod 256
// when that width is non-zero. Entry bundles mirror level 0 and hold the entries themselves as
// big-endian uint16 length-prefixed byte strings.
//
// Paths: tile/<L>/<N>[.p/<W>] and tile/entries/<N>[.p/<W>], N written in 3-digit groups with
// "x" on all but the last group (1234067 -> x001/x234/067). Parsing is strict: every path has
// exactly one spelling.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "tlog/merkle.h"

namespace amanat::tlog {

inline constexpr int kTileHeight = 8;
inline constexpr unsigned kTileWidth = 256;   // hashes (or entries) in a full tile
inline constexpr int kMaxTileLevel = 63;
inline constexpr std::size_t kMaxEntrySize = 65535;  // uint16 length prefix in bundles

struct TileId {
  bool entries = false;  // an entry bundle rather than a hash tile (then level is 0)
  int level = 0;
  std::uint64_t index = 0;
  unsigned width = kTileWidth;  // 1..256; 256 means a full tile
  bool full() const { return width == kTileWidth; }
  bool operator==(const TileId&) const = default;
  auto operator<=>(const TileId&) const = default;
};

std::string tile_path(const TileId& t);
// Errc::invalid with the reason when the path is not exactly one of the spec's forms.
Result<TileId> parse_tile_path(std::string_view path);

// Width of the rightmost (partial) tile at this level for a tree of size s; 0 when there is none.
unsigned partial_width(int level, std::uint64_t size);
// The tile (full or partial, as it exists in a tree of this size) that holds hash position
// `index` at tile level `level`. Requires index < size >> (8*level).
TileId tile_for(int level, std::uint64_t index, std::uint64_t size);
// Every hash tile and entry bundle of a tree of this size, in the order a mirror should
// write them (bundles and level 0 first, upward); partial tiles included.
std::vector<TileId> tiles_for_size(std::uint64_t size);

// Entry bundles.
// Appends one entry (uint16 big-endian length, then the bytes). Errc::invalid, leaving the bundle
// unchanged, if the entry is longer than kMaxEntrySize and so cannot be encoded.
Status append_bundle_entry(Bytes& bundle, std::span<const std::uint8_t> entry);
// Splits a bundle into its entries (views into `bundle`). Errc::corrupt if the bundle is
// truncated, has trailing bytes, or does not hold exactly `expected` entries.
Result<std::vector<std::span<const std::uint8_t>>> parse_bundle(std::span<const std::uint8_t> bundle,
                                                                unsigned expected);

// Reads tiles from wherever they live (the store, a directory, an HTTP mirror). A hash tile's
// bytes must be exactly width*32 long; implementations may return a prefix of a wider stored
// tile (tiles only ever grow at the right).
class TileReader {
 public:
  virtual ~TileReader() = default;
  virtual Result<Bytes> read_tile(const TileId& id) = 0;
};

// Reads a tile; a partial tile that is gone is read as the prefix of its full tile (the spec
// lets logs delete partial tiles once the full one exists).
Result<Bytes> read_tile_or_full(TileReader& source, const TileId& id);

// Answers subtree hashes for a tree of a given size from hash tiles, keeping a small cache of
// recently read tiles. Not thread-safe; make one per request or per thread.
class TileHashSource : public HashSource {
 public:
  TileHashSource(TileReader& reader, std::uint64_t size, std::size_t cache_tiles = 64)
      : reader_(reader), size_(size), cache_limit_(cache_tiles) {}
  Result<Hash> subtree(int level, std::uint64_t index) override;

 private:
  Result<const Bytes*> tile(const TileId& id);
  TileReader& reader_;
  std::uint64_t size_;
  std::size_t cache_limit_;
  std::map<TileId, Bytes> cache_;
  std::list<TileId> order_;  // oldest first
};

// Root of `count` consecutive 32-byte hashes as one subtree (count must be a power of two).
Hash hash_run(std::span<const std::uint8_t> hashes, std::size_t count);

// The right edge of a tree: partial[L] holds the hashes of the partial tile at level L (empty
// when that level has none). Enough to compute the root of a tree of that size.
using Edge = std::vector<std::vector<Hash>>;
Result<Hash> edge_root(const Edge& partial, std::uint64_t size);
Bytes join_hashes(std::span<const Hash> hashes);

}  // namespace amanat::tlog
