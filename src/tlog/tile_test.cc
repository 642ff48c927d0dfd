// Tests for C2SP tlog-tiles: tile paths (testdata/tlog/tile_paths.json and our own edge cases),
// tile counts, TileHashSource against MemoryHashSource over tiles built here, and entry bundles.
#include "tlog/tile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

namespace amanat::tlog {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json tile_vectors() {
  std::ifstream in(fs::path(AMANAT_TESTDATA) / "tlog" / "tile_paths.json", std::ios::binary);
  EXPECT_TRUE(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

TileId hash_tile(int level, std::uint64_t index, unsigned partial_width = 0) {
  return TileId{false, level, index, partial_width == 0 ? kTileWidth : partial_width};
}
TileId bundle(std::uint64_t index, unsigned partial_width = 0) {
  return TileId{true, 0, index, partial_width == 0 ? kTileWidth : partial_width};
}

Bytes bytes_of(std::string_view s) {
  auto b = as_bytes(s);
  return Bytes(b.begin(), b.end());
}

Bytes make_bundle(const std::vector<Bytes>& entries) {
  Bytes b;
  for (const auto& e : entries) EXPECT_TRUE(append_bundle_entry(b, e));
  return b;
}

// ---------------------------------------------------------------------------------------------
// Paths.

TEST(TilePath, FormatsAndParsesC2spHashTileVectors) {
  json j = tile_vectors();
  ASSERT_EQ(j.at("c2sp_tile_paths").size(), 9u);
  for (const auto& v : j.at("c2sp_tile_paths")) {
    std::string path = v.at("path");
    TileId id = hash_tile(v.at("level"), v.at("index"), v.at("partial_width"));
    EXPECT_EQ(tile_path(id), path);
    auto parsed = parse_tile_path(path);
    ASSERT_TRUE(parsed) << path << ": " << parsed.error().message;
    EXPECT_EQ(*parsed, id) << path;
  }
}

TEST(TilePath, FormatsAndParsesC2spEntryBundleVectors) {
  json j = tile_vectors();
  ASSERT_EQ(j.at("c2sp_entry_bundle_paths").size(), 4u);
  for (const auto& v : j.at("c2sp_entry_bundle_paths")) {
    std::string path = v.at("path");
    TileId id = bundle(v.at("index"), v.at("partial_width"));
    EXPECT_EQ(tile_path(id), path);
    auto parsed = parse_tile_path(path);
    ASSERT_TRUE(parsed) << path << ": " << parsed.error().message;
    EXPECT_EQ(*parsed, id) << path;
    EXPECT_TRUE(parsed->entries);
    EXPECT_EQ(parsed->level, 0);
  }
}

TEST(TilePath, EntryBundleForLogIndexMatchesTesseraVectors) {
  json j = tile_vectors();
  ASSERT_EQ(j.at("entries_path_for_log_index").size(), 7u);
  for (const auto& v : j.at("entries_path_for_log_index")) {
    std::uint64_t seq = v.at("seq"), size = v.at("log_size");
    TileId t = tile_for(0, seq, size);
    t.entries = true;
    EXPECT_EQ(tile_path(t), v.at("path").get<std::string>()) << "seq " << seq << " size " << size;
  }
}

TEST(TilePath, RejectsTesseraNegativeVectors) {
  json j = tile_vectors();
  ASSERT_EQ(j.at("invalid_tile_path_components").size(), 15u);
  for (const auto& v : j.at("invalid_tile_path_components")) {
    std::string path = "tile/" + v.at("level").get<std::string>() + "/" + v.at("index").get<std::string>();
    auto parsed = parse_tile_path(path);
    ASSERT_FALSE(parsed) << path << " parsed as " << tile_path(*parsed);
    EXPECT_EQ(parsed.error().code, Errc::invalid);
    // The message says which path and why, for the person reading a log.
    EXPECT_NE(parsed.error().message.find(path), std::string::npos) << parsed.error().message;
  }
}

TEST(TilePath, RejectsEverySecondSpellingAndMalformedPath) {
  for (std::string_view path : {
           "", "tile", "tile/", "tile/0", "tile/0/", "/tile/0/000", "tile/0/000/", "tile//000",
           "tiles/0/000", "Tile/0/000", "tile/00/000", "tile/01/000", "tile/+1/000", "tile/ 0/000",
           "tile/0/00", "tile/0/0000", "tile/0/0", "tile/0/x000", "tile/0/x001", "tile/0/x000/001",
           "tile/0/X001/000", "tile/0/x001/x002", "tile/0/001/002", "tile/0/x1/002", "tile/0/x0001/002",
           "tile/0/00a", "tile/0/-01", "tile/0/+01", "tile/0/000.p", "tile/0/000.p/", "tile/0/000.p/0",
           "tile/0/000.p/00", "tile/0/000.p/01", "tile/0/000.p/256", "tile/0/000.p/1000",
           "tile/0/000.p/-1", "tile/0/000.p/1/", "tile/0/000.p/1/2", "tile/0/000.p.p/1",
           "tile/0/000.P/1", "tile/0/000.q/1", "tile/0/.p/1", "tile/0/000/.p/1", "tile/0/x001.p/1",
           "tile/entries", "tile/entries/", "tile/entries/00", "tile/entries/000.p/256",
           "tile/entries/000.p/0", "tile/entry/000", "tile/Entries/000", "tile/entries/x000/000",
           "tile/64/000", "tile/100/000", "tile/99999999999999999999999/000",
           "tile/0/000 ", " tile/0/000", "tile/0/000\n",
           // 18446744073709551616 = UINT64_MAX + 1.
           "tile/0/x018/x446/x744/x073/x709/x551/616",
           "tile/0/x999/x999/x999/x999/x999/x999/999",
           "tile/0/x001/x000/x000/x000/x000/x000/x000/000",
       }) {
    auto parsed = parse_tile_path(path);
    EXPECT_FALSE(parsed) << "\"" << path << "\" parsed as " << tile_path(*parsed);
    if (!parsed) {
      EXPECT_EQ(parsed.error().code, Errc::invalid);
    }
  }
  // An embedded NUL (a string_view of 11 bytes, not a C string).
  EXPECT_FALSE(parse_tile_path(std::string_view("tile/0/000\0", 11)));
}

TEST(TilePath, RoundTripsExtremeIndicesAndLevels) {
  for (TileId id : {hash_tile(0, UINT64_MAX), hash_tile(63, UINT64_MAX, 255), bundle(UINT64_MAX, 1),
                    hash_tile(63, 0), hash_tile(7, 999), hash_tile(7, 1000), hash_tile(1, 999999),
                    hash_tile(1, 1000000, 17), bundle(1000), hash_tile(0, 1234067, 89)}) {
    std::string p = tile_path(id);
    auto back = parse_tile_path(p);
    ASSERT_TRUE(back) << p << ": " << back.error().message;
    EXPECT_EQ(*back, id) << p;
  }
  EXPECT_EQ(tile_path(hash_tile(0, UINT64_MAX)), "tile/0/x018/x446/x744/x073/x709/x551/615");
  EXPECT_EQ(tile_path(hash_tile(2, 1000)), "tile/2/x001/000");
  EXPECT_EQ(tile_path(bundle(999, 255)), "tile/entries/999.p/255");
  std::mt19937_64 rng(12345);
  for (int i = 0; i < 5000; ++i) {
    TileId id{rng() % 2 == 0, 0, rng() >> (rng() % 64), unsigned(1 + rng() % 256)};
    if (!id.entries) id.level = int(rng() % 64);
    auto back = parse_tile_path(tile_path(id));
    ASSERT_TRUE(back) << tile_path(id);
    ASSERT_EQ(*back, id) << tile_path(id);
  }
}

TEST(TilePath, GoSumdbPathsConvertToC2spByDroppingTheHeight) {
  // The Go sumdb layout tile/<H>/<L>/<N>[.p/<W>] spells N and W exactly as C2SP does; only H
  // (and 'data' for entries) differ. Dropping "<H>/" gives a C2SP path with the same L, N and,
  // for partial tiles, W. Full-tile width is 2^H in Go but 256 in C2SP, so W of full tiles is
  // not comparable.
  json j = tile_vectors();
  int checked = 0;
  for (const auto& v : j.at("go_sumdb_tile_paths")) {
    std::string go = v.at("path");
    ASSERT_TRUE(go.starts_with("tile/"));
    std::string rest = go.substr(5);
    rest = rest.substr(rest.find('/') + 1);  // drop H
    if (rest.starts_with("data/")) rest = "entries/" + rest.substr(5);
    std::string c2sp = "tile/" + rest;
    auto parsed = parse_tile_path(c2sp);
    if (!v.at("valid").get<bool>()) {
      EXPECT_FALSE(parsed) << c2sp;
      ++checked;
      continue;
    }
    ASSERT_TRUE(parsed) << c2sp << ": " << parsed.error().message;
    int level = v.at("L");
    EXPECT_EQ(parsed->entries, level == -1) << c2sp;
    if (level >= 0) {
      EXPECT_EQ(parsed->level, level) << c2sp;
    }
    EXPECT_EQ(parsed->index, v.at("N").get<std::uint64_t>()) << c2sp;
    bool partial = c2sp.find(".p/") != std::string::npos;
    if (partial) {
      EXPECT_EQ(parsed->width, v.at("W").get<unsigned>()) << c2sp;
    } else {
      EXPECT_TRUE(parsed->full()) << c2sp;
    }
    EXPECT_EQ(tile_path(*parsed), c2sp);
    ++checked;
  }
  EXPECT_EQ(checked, 8);
}

// ---------------------------------------------------------------------------------------------
// Tile geometry.

struct LevelCount {
  std::uint64_t full = 0;
  unsigned partial_width = 0;
  bool operator==(const LevelCount&) const = default;
};

TEST(TileCounts, TilesForSizeMatchSpecCountsFor70000And256) {
  json j = tile_vectors();
  ASSERT_EQ(j.at("tile_counts").size(), 2u);
  for (const auto& v : j.at("tile_counts")) {
    std::uint64_t size = v.at("tree_size");
    std::map<int, LevelCount> want, got_hash, got_bundles;
    for (const auto& [level, c] : v.at("tiles_by_level").items())
      want[std::stoi(level)] = {c.at("full").get<std::uint64_t>(), c.at("partial_width").get<unsigned>()};
    auto tiles = tiles_for_size(size);
    for (const auto& t : tiles) {
      auto& m = t.entries ? got_bundles : got_hash;
      auto& c = m[t.level];
      if (t.full()) {
        EXPECT_EQ(t.index, c.full) << "full tiles are numbered from 0: " << tile_path(t);
        ++c.full;
      } else {
        EXPECT_EQ(c.partial_width, 0u) << "two partial tiles at one level";
        EXPECT_EQ(t.index, c.full) << "the partial tile follows the full ones: " << tile_path(t);
        c.partial_width = t.width;
      }
      EXPECT_EQ(partial_width(t.level, size), want[t.level].partial_width);
    }
    EXPECT_EQ(got_hash, want) << "size " << size;
    // Entry bundles mirror level 0.
    ASSERT_EQ(got_bundles.size(), 1u);
    EXPECT_EQ(got_bundles[0], want[0]);
    // Order: bundles, then level 0, then upward.
    for (std::size_t i = 1; i < tiles.size(); ++i) {
      auto key = [](const TileId& t) { return std::pair(t.entries ? -1 : t.level, t.index); };
      EXPECT_LT(key(tiles[i - 1]), key(tiles[i]));
    }
  }
}

TEST(TileCounts, TilesForSizeAgreesWithPartialWidthAndTileFor) {
  EXPECT_TRUE(tiles_for_size(0).empty());
  EXPECT_EQ(tiles_for_size(1), (std::vector<TileId>{bundle(0, 1), hash_tile(0, 0, 1)}));
  EXPECT_EQ(tiles_for_size(256), (std::vector<TileId>{bundle(0), hash_tile(0, 0), hash_tile(1, 0, 1)}));
  EXPECT_EQ(tiles_for_size(257),
            (std::vector<TileId>{bundle(0), bundle(1, 1), hash_tile(0, 0), hash_tile(0, 1, 1), hash_tile(1, 0, 1)}));
  EXPECT_EQ(tiles_for_size(65536).back(), hash_tile(2, 0, 1));
  std::mt19937_64 rng(99);
  for (int i = 0; i < 60; ++i) {
    std::uint64_t size = rng() % 300000;
    std::set<std::string> paths;
    for (const auto& t : tiles_for_size(size)) {
      EXPECT_TRUE(paths.insert(tile_path(t)).second) << "duplicate " << tile_path(t);
      if (t.entries) continue;
      // Every listed tile is the one tile_for names for each of its positions.
      std::uint64_t first = t.index * kTileWidth;
      EXPECT_EQ(tile_for(t.level, first, size), t);
      EXPECT_EQ(tile_for(t.level, first + t.width - 1, size), t);
      if (!t.full()) {
        EXPECT_EQ(t.width, partial_width(t.level, size));
      }
    }
  }
  EXPECT_EQ(partial_width(0, 70000), 112u);
  EXPECT_EQ(partial_width(1, 70000), 17u);
  EXPECT_EQ(partial_width(2, 70000), 1u);
  EXPECT_EQ(partial_width(3, 70000), 0u);
  EXPECT_EQ(partial_width(7, UINT64_MAX), 255u);
  EXPECT_EQ(partial_width(8, UINT64_MAX), 0u);
  EXPECT_EQ(partial_width(63, UINT64_MAX), 0u);
}

TEST(TileCounts, NodeCoordinatesMapToTesseraTileAddresses) {
  json j = tile_vectors();
  ASSERT_EQ(j.at("node_coords_to_tile").size(), 5u);
  for (const auto& v : j.at("node_coords_to_tile")) {
    int level = v.at("tree_level");
    std::uint64_t index = v.at("tree_index");
    int tile_level = level / kTileHeight, r = level % kTileHeight;
    EXPECT_EQ(tile_level, v.at("tile_level").get<int>());
    EXPECT_EQ(r, v.at("node_level_in_tile").get<int>());
    // The tile holding this node's first hash, in a tree big enough for it to be full.
    TileId t = tile_for(tile_level, index << r, UINT64_MAX);
    EXPECT_EQ(t.index, v.at("tile_index").get<std::uint64_t>());
    EXPECT_TRUE(t.full());
    EXPECT_EQ(index % (kTileWidth >> r), v.at("node_index_in_tile").get<std::uint64_t>());
  }
}

// ---------------------------------------------------------------------------------------------
// TileHashSource against MemoryHashSource.

// The hashes at every tile level of a tree: levels[L][p] = MTH of the 256^L leaves at p.
// Computed here by pairwise reduction, independently of tile.cc.
std::vector<std::vector<Hash>> tile_level_hashes(const std::vector<Hash>& leaves) {
  std::vector<std::vector<Hash>> out{leaves};
  std::vector<Hash> cur = leaves;
  int height = 0;
  while (cur.size() >= 2) {
    std::vector<Hash> up(cur.size() / 2);
    for (std::size_t i = 0; i < up.size(); ++i) up[i] = node_hash(cur[2 * i], cur[2 * i + 1]);
    cur = std::move(up);
    if (++height % kTileHeight == 0) out.push_back(cur);
  }
  return out;
}

// Serves exactly the hash tiles that exist in a tree of `size` (full tiles and the partial
// tile of each level, a partial tile being the prefix of that level's hashes), and nothing else.
class TestTileReader : public TileReader {
 public:
  TestTileReader(const std::vector<std::vector<Hash>>& levels, std::uint64_t size)
      : levels_(levels), size_(size) {}
  Result<Bytes> read_tile(const TileId& id) override {
    ++reads;
    if (id.entries) return fail(Errc::not_found, "no bundles here");
    if (id.level < 0 || id.level >= 8) return fail(Errc::not_found, "no such level");
    std::uint64_t hashes = size_ >> (kTileHeight * id.level);
    std::uint64_t first = id.index * kTileWidth;
    unsigned width = first + kTileWidth <= hashes ? kTileWidth
                     : first < hashes             ? unsigned(hashes - first)
                                                  : 0;
    if (width == 0 || id.width != width)
      return fail(Errc::not_found, tile_path(id) + " does not exist at size " + std::to_string(size_));
    const auto& lv = levels_.at(id.level);
    Bytes out;
    for (unsigned i = 0; i < width; ++i) out.insert(out.end(), lv.at(first + i).begin(), lv.at(first + i).end());
    if (tamper) tamper(id, out);
    return out;
  }
  int reads = 0;
  std::function<void(const TileId&, Bytes&)> tamper;

 private:
  const std::vector<std::vector<Hash>>& levels_;
  std::uint64_t size_;
};

// Memoises a MemoryHashSource's answers so that many proofs over a 70,000-leaf tree stay cheap;
// every hash still comes from MemoryHashSource.
class MemoHashSource : public HashSource {
 public:
  explicit MemoHashSource(MemoryHashSource& inner) : inner_(inner) {}
  Result<Hash> subtree(int level, std::uint64_t index) override {
    auto key = std::pair(level, index);
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    auto h = inner_.subtree(level, index);
    if (h) memo_[key] = *h;
    return h;
  }

 private:
  MemoryHashSource& inner_;
  std::map<std::pair<int, std::uint64_t>, Hash> memo_;
};

std::vector<Hash> index_leaves(std::size_t n) {
  std::vector<Hash> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t buf[8];
    put_u64be(buf, i);
    out[i] = leaf_hash(buf);
  }
  return out;
}

struct TileFixture {
  static constexpr std::size_t kLeaves = 70000;
  std::vector<Hash> leaves = index_leaves(kLeaves);
  std::vector<std::vector<Hash>> levels = tile_level_hashes(leaves);
  MemoryHashSource mem{leaves};
  MemoHashSource memo{mem};
};

TileFixture& fixture() {
  static TileFixture f;
  return f;
}

TEST(TileHashSource, ProofsEqualMemoryHashSourceAtBoundarySizesAndRandomOnes) {
  auto& f = fixture();
  ASSERT_EQ(f.levels.size(), 3u);  // 70,000 leaves reach tile level 2
  std::vector<std::uint64_t> sizes = {0, 1, 2, 3, 7, 8, 255, 256, 257, 511, 512, 513, 4096,
                                      65535, 65536, 65537, 69999, 70000};
  const std::uint64_t seed = 0x3c6ef372fe94f82bull;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 12; ++i) sizes.push_back(rng() % (TileFixture::kLeaves + 1));
  for (int i = 0; i < 6; ++i) sizes.push_back(rng() % 2000);
  for (std::uint64_t size : sizes) {
    SCOPED_TRACE("size " + std::to_string(size));
    TestTileReader reader(f.levels, size);
    TileHashSource tiles(reader, size);
    auto want_root = tree_root(f.memo, size);
    auto got_root = tree_root(tiles, size);
    ASSERT_TRUE(want_root && got_root) << (got_root ? "" : got_root.error().message);
    ASSERT_EQ(*got_root, *want_root);
    if (size == 0) continue;
    std::vector<std::uint64_t> indices = {0, size - 1, size / 2, rng() % size, rng() % size};
    for (std::uint64_t index : indices) {
      auto want = inclusion_proof(f.memo, index, size);
      auto got = inclusion_proof(tiles, index, size);
      ASSERT_TRUE(want && got) << "index " << index << (got ? "" : ": " + got.error().message);
      ASSERT_EQ(*got, *want) << "index " << index;
      ASSERT_TRUE(verify_inclusion(f.leaves[index], index, size, *got, *got_root));
    }
    std::vector<std::uint64_t> olds = {1, size, size / 2 + 1, 1 + rng() % size, 1 + rng() % size};
    if (size > 256) olds.push_back(256);
    for (std::uint64_t old : olds) {
      auto want = consistency_proof(f.memo, old, size);
      auto got = consistency_proof(tiles, old, size);
      ASSERT_TRUE(want && got) << "old " << old << (got ? "" : ": " + got.error().message);
      ASSERT_EQ(*got, *want) << "old " << old;
      ASSERT_TRUE(verify_consistency(old, size, *got, *tree_root(f.memo, old), *got_root));
    }
  }
}

TEST(TileHashSource, EverySubtreeOfAPartialTreeComesFromItsTiles) {
  // Exhaustive over a tree that has full and partial tiles at levels 0 and 1.
  auto& f = fixture();
  const std::uint64_t size = 256 * 256 + 3 * 256 + 77;
  TestTileReader reader(f.levels, size);
  TileHashSource tiles(reader, size);
  for (int level = 0; level <= 16; ++level) {
    for (std::uint64_t index = 0; index < (size >> level); index += (level < 4 ? 37 : 1)) {
      auto got = tiles.subtree(level, index);
      ASSERT_TRUE(got) << level << "/" << index << ": " << got.error().message;
      ASSERT_EQ(*got, *f.memo.subtree(level, index)) << level << "/" << index;
    }
    // The first subtree past the end is refused.
    EXPECT_FALSE(tiles.subtree(level, size >> level)) << "level " << level;
  }
}

TEST(TileHashSource, RefusesSubtreesOutsideTheTree) {
  auto& f = fixture();
  TestTileReader reader(f.levels, 1000);
  TileHashSource tiles(reader, 1000);
  EXPECT_EQ(tiles.subtree(0, 1000).error().code, Errc::invalid);
  EXPECT_EQ(tiles.subtree(10, 0).error().code, Errc::invalid);
  EXPECT_EQ(tiles.subtree(-1, 0).error().code, Errc::invalid);
  EXPECT_EQ(tiles.subtree(64, 0).error().code, Errc::invalid);
  EXPECT_EQ(tiles.subtree(0, UINT64_MAX).error().code, Errc::invalid);
  EXPECT_EQ(tiles.subtree(3, UINT64_MAX).error().code, Errc::invalid);
  EXPECT_EQ(reader.reads, 0);
  EXPECT_TRUE(tiles.subtree(9, 0));
}

TEST(TileHashSource, TileOfTheWrongLengthIsCorrupt) {
  auto& f = fixture();
  const std::uint64_t size = 70000;
  struct Case {
    const char* what;
    std::function<void(const TileId&, Bytes&)> tamper;
  };
  for (const Case& c : std::vector<Case>{
           {"one byte short", [](const TileId&, Bytes& b) { b.pop_back(); }},
           {"one byte long", [](const TileId&, Bytes& b) { b.push_back(0); }},
           {"one hash short", [](const TileId&, Bytes& b) { b.resize(b.size() - 32); }},
           {"one hash long", [](const TileId&, Bytes& b) { b.resize(b.size() + 32); }},
           {"empty", [](const TileId&, Bytes& b) { b.clear(); }},
           {"full tile for a partial one",
            [](const TileId& id, Bytes& b) { if (!id.full()) b.resize(kTileWidth * 32); }},
       }) {
    SCOPED_TRACE(c.what);
    TestTileReader reader(f.levels, size);
    reader.tamper = c.tamper;
    TileHashSource tiles(reader, size);
    auto r = tree_root(tiles, size);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::corrupt) << r.error().message;
    EXPECT_NE(r.error().message.find("tile/"), std::string::npos) << r.error().message;
  }
  // Hashes that are the right length but wrong give a wrong root, which is for the caller to
  // detect against a checkpoint.
  TestTileReader reader(f.levels, size);
  reader.tamper = [](const TileId&, Bytes& b) { b[5] ^= 1; };
  TileHashSource tiles(reader, size);
  auto r = tree_root(tiles, size);
  ASSERT_TRUE(r);
  EXPECT_NE(*r, *tree_root(f.memo, size));
}

TEST(TileHashSource, ReaderErrorsPropagate) {
  auto& f = fixture();
  // A reader for a smaller tree does not have the tiles a larger tree needs.
  TestTileReader reader(f.levels, 300);
  TileHashSource tiles(reader, 600);
  auto r = tree_root(tiles, 600);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::not_found);
}

TEST(TileHashSource, SmallOrZeroCacheGivesTheSameAnswersAndBigCacheAvoidsRereads) {
  auto& f = fixture();
  const std::uint64_t size = 69999;
  Hash want = *tree_root(f.memo, size);
  auto want_proof = *inclusion_proof(f.memo, 12345, size);
  for (std::size_t cache : {0u, 1u, 2u, 64u}) {
    SCOPED_TRACE("cache " + std::to_string(cache));
    TestTileReader reader(f.levels, size);
    TileHashSource tiles(reader, size, cache);
    for (int round = 0; round < 3; ++round) {
      ASSERT_EQ(*tree_root(tiles, size), want);
      ASSERT_EQ(*inclusion_proof(tiles, 12345, size), want_proof);
    }
    if (cache == 64) {
      // Everything needed fits in the cache: each tile read once.
      int first = reader.reads;
      ASSERT_EQ(*tree_root(tiles, size), want);
      EXPECT_EQ(reader.reads, first);
      EXPECT_LE(first, 8);
    }
  }
}

TEST(TileHashSource, CacheHoldsAtMostItsLimit) {
  // With room for one tile, a second identical walk over several tiles reads them all again
  // (except possibly the one left in the cache); an unbounded cache would read none.
  auto& f = fixture();
  const std::uint64_t size = 70000;
  TestTileReader reader(f.levels, size);
  TileHashSource tiles(reader, size, 1);
  auto walk = [&] {
    for (std::uint64_t index : {0u, 30000u, 69999u, 300u, 65536u}) ASSERT_TRUE(inclusion_proof(tiles, index, size));
  };
  walk();
  int first = reader.reads;
  ASSERT_GE(first, 5);
  walk();
  EXPECT_GE(reader.reads - first, first - 1);
}

// A reader over a map of stored tiles, as a log that has deleted some partial tiles would have.
class MapTileReader : public TileReader {
 public:
  Result<Bytes> read_tile(const TileId& id) override {
    auto it = tiles.find(id);
    if (it == tiles.end()) return fail(Errc::not_found, tile_path(id) + " not stored");
    return it->second;
  }
  std::map<TileId, Bytes> tiles;
};

TEST(TileReadOrFull, MissingPartialTileIsReadAsPrefixOfTheFullTile) {
  auto& f = fixture();
  MapTileReader r;
  std::vector<Hash> first(f.leaves.begin(), f.leaves.begin() + 256);
  r.tiles[hash_tile(0, 0)] = join_hashes(first);
  EXPECT_EQ(join_hashes(first).size(), 256 * 32u);
  // Hash tile: the partial tile's bytes are the first width*32 bytes of the full one.
  auto p = read_tile_or_full(r, hash_tile(0, 0, 17));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(*p, join_hashes(std::span(first).first(17)));
  // A stored partial tile is returned as stored.
  r.tiles[hash_tile(0, 0, 17)] = Bytes(17 * 32, 1);
  EXPECT_EQ(*read_tile_or_full(r, hash_tile(0, 0, 17)), Bytes(17 * 32, 1));
  // Missing altogether: the partial tile's own not_found.
  auto missing = read_tile_or_full(r, hash_tile(0, 1, 5));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
  EXPECT_NE(missing.error().message.find("tile/0/001.p/5"), std::string::npos);
  // A missing full tile is not looked for elsewhere.
  EXPECT_EQ(read_tile_or_full(r, hash_tile(0, 1)).error().code, Errc::not_found);
  // A full tile of the wrong size cannot stand in for a partial one.
  r.tiles[hash_tile(1, 0)] = Bytes(100, 0);
  EXPECT_EQ(read_tile_or_full(r, hash_tile(1, 0, 3)).error().code, Errc::corrupt);

  // Entry bundle: the partial bundle is the first `width` entries of the full one.
  std::vector<Bytes> entries;
  for (int i = 0; i < 256; ++i) entries.push_back(Bytes(std::size_t(i % 7), std::uint8_t(i)));
  Bytes full = make_bundle(entries);
  r.tiles[bundle(3)] = full;
  auto pb = read_tile_or_full(r, bundle(3, 100));
  ASSERT_TRUE(pb) << pb.error().message;
  EXPECT_EQ(*pb, make_bundle(std::vector<Bytes>(entries.begin(), entries.begin() + 100)));
  r.tiles[bundle(4)] = make_bundle(std::vector<Bytes>(entries.begin(), entries.begin() + 200));
  EXPECT_EQ(read_tile_or_full(r, bundle(4, 100)).error().code, Errc::corrupt);
}

TEST(TileHashSource, WorksFromFullTilesWhenPartialOnesWereDeleted) {
  // Every partial tile below level 2 deleted; the full tiles of the 70,000-leaf tree kept.
  auto& f = fixture();
  MapTileReader r;
  for (const auto& t : tiles_for_size(70000)) {
    if (t.entries) continue;
    Bytes b;
    for (unsigned i = 0; i < t.width; ++i) {
      const Hash& h = f.levels[t.level][t.index * kTileWidth + i];
      b.insert(b.end(), h.begin(), h.end());
    }
    r.tiles[t] = b;
  }
  std::mt19937_64 rng(31337);
  for (int i = 0; i < 20; ++i) {
    // Sizes whose partial tiles at levels 0 and 1 lie inside full tiles of the 70,000 tree.
    std::uint64_t size = 256 + rng() % (65536 - 256);
    TileHashSource tiles(r, size);
    auto root = tree_root(tiles, size);
    ASSERT_TRUE(root) << "size " << size << ": " << root.error().message;
    EXPECT_EQ(*root, *tree_root(f.memo, size)) << "size " << size;
    std::uint64_t index = rng() % size;
    EXPECT_EQ(*inclusion_proof(tiles, index, size), *inclusion_proof(f.memo, index, size));
  }
}

TEST(TileEdge, EdgeRootEqualsTreeRootForEverySizeShape) {
  auto& f = fixture();
  std::vector<std::uint64_t> sizes = {0, 1, 2, 255, 256, 257, 511, 512, 65535, 65536, 65537, 70000};
  std::mt19937_64 rng(2718);
  for (int i = 0; i < 40; ++i) sizes.push_back(rng() % 70001);
  for (std::uint64_t size : sizes) {
    Edge edge;
    for (int level = 0; level * kTileHeight < 64 && (size >> (kTileHeight * level)) > 0; ++level) {
      unsigned w = partial_width(level, size);
      std::uint64_t first = (size >> (kTileHeight * level)) / kTileWidth * kTileWidth;
      edge.emplace_back(f.levels[level].begin() + first, f.levels[level].begin() + first + w);
    }
    auto r = edge_root(edge, size);
    ASSERT_TRUE(r) << "size " << size << ": " << r.error().message;
    EXPECT_EQ(*r, *tree_root(f.memo, size)) << "size " << size;
  }
}

// ---------------------------------------------------------------------------------------------
// Entry bundles.

TEST(TileBundle, RoundTripsRandomEntriesIncludingEmptyAndMaximal) {
  std::mt19937_64 rng(4242);
  for (int t = 0; t < 50; ++t) {
    std::vector<Bytes> entries(1 + rng() % 256);
    for (auto& e : entries) {
      std::size_t len = rng() % 4 == 0 ? 0 : rng() % 300;
      e.resize(len);
      for (auto& c : e) c = std::uint8_t(rng());
    }
    if (t % 10 == 0) entries[rng() % entries.size()] = Bytes(kMaxEntrySize, 0xab);
    Bytes b = make_bundle(entries);
    auto parsed = parse_bundle(b, unsigned(entries.size()));
    ASSERT_TRUE(parsed) << parsed.error().message;
    ASSERT_EQ(parsed->size(), entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
      EXPECT_TRUE(std::ranges::equal((*parsed)[i], entries[i])) << "entry " << i;
      // Views into the bundle itself.
      if (!(*parsed)[i].empty()) {
        EXPECT_GE((*parsed)[i].data(), b.data());
        EXPECT_LE((*parsed)[i].data() + (*parsed)[i].size(), b.data() + b.size());
      }
    }
  }
}

TEST(TileBundle, EncodesLengthAsBigEndianUint16) {
  Bytes b;
  ASSERT_TRUE(append_bundle_entry(b, as_bytes("hi")));
  ASSERT_TRUE(append_bundle_entry(b, {}));
  ASSERT_TRUE(append_bundle_entry(b, Bytes(258, 7)));
  EXPECT_EQ(to_hex(std::span(b).first(8)), "0002686900000102");
  EXPECT_EQ(b.size(), 2 + 2 + 2 + 2 + 258u);
}

TEST(TileBundle, ZeroLengthEntries) {
  Bytes b = make_bundle(std::vector<Bytes>(256));
  EXPECT_EQ(b, Bytes(512, 0));
  auto p = parse_bundle(b, 256);
  ASSERT_TRUE(p);
  for (auto e : *p) EXPECT_TRUE(e.empty());
  EXPECT_TRUE(parse_bundle(Bytes{}, 0));
  EXPECT_TRUE(parse_bundle(Bytes{}, 0)->empty());
  EXPECT_EQ(parse_bundle(Bytes{}, 1).error().code, Errc::corrupt);
  EXPECT_EQ(parse_bundle(Bytes{0, 0}, 0).error().code, Errc::corrupt);
}

TEST(TileBundle, MaximalEntryIs65535BytesAndLongerIsRefused) {
  Bytes big(kMaxEntrySize);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = std::uint8_t(i * 31);
  Bytes b = make_bundle({big, {}, big});
  EXPECT_EQ(b[0], 0xff);
  EXPECT_EQ(b[1], 0xff);
  auto p = parse_bundle(b, 3);
  ASSERT_TRUE(p);
  EXPECT_TRUE(std::ranges::equal((*p)[0], big));
  EXPECT_TRUE((*p)[1].empty());
  EXPECT_TRUE(std::ranges::equal((*p)[2], big));
  // 65536 bytes cannot be encoded in a uint16 length: refused, bundle untouched.
  Bytes before = b;
  auto s = append_bundle_entry(b, Bytes(kMaxEntrySize + 1, 1));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::invalid);
  EXPECT_EQ(b, before);
}

TEST(TileBundle, TruncatedBundleIsCorrupt) {
  std::vector<Bytes> entries = {bytes_of("first"), {}, Bytes(300, 9), bytes_of("x")};
  Bytes b = make_bundle(entries);
  for (std::size_t n = 0; n < b.size(); ++n) {
    auto p = parse_bundle(std::span(b).first(n), unsigned(entries.size()));
    ASSERT_FALSE(p) << "prefix of " << n << " bytes";
    EXPECT_EQ(p.error().code, Errc::corrupt);
  }
  // A cut inside a length prefix or inside an entry is reported as truncation even when the
  // caller expects fewer entries.
  EXPECT_NE(parse_bundle(std::span(b).first(8), 1).error().message.find("truncated"), std::string::npos);
  EXPECT_NE(parse_bundle(std::span(b).first(1), 0).error().message.find("truncated"), std::string::npos);
}

TEST(TileBundle, TrailingBytesAreCorrupt) {
  std::vector<Bytes> entries = {Bytes(3, 1), Bytes(4, 2)};
  Bytes b = make_bundle(entries);
  for (Bytes tail : {Bytes{0}, Bytes{0, 0}, Bytes{0, 1, 5}, Bytes{0xff}}) {
    Bytes t = b;
    t.insert(t.end(), tail.begin(), tail.end());
    auto p = parse_bundle(t, 2);
    ASSERT_FALSE(p) << to_hex(tail);
    EXPECT_EQ(p.error().code, Errc::corrupt);
  }
}

TEST(TileBundle, WrongCountIsCorrupt) {
  Bytes b = make_bundle(std::vector<Bytes>(10, Bytes(5, 5)));
  EXPECT_TRUE(parse_bundle(b, 10));
  for (unsigned wrong : {0u, 1u, 9u, 11u, 256u, 65536u, 0xffffffffu}) {
    auto p = parse_bundle(b, wrong);
    ASSERT_FALSE(p) << wrong;
    EXPECT_EQ(p.error().code, Errc::corrupt);
  }
  // A huge expected count on a tiny input must not allocate for it.
  EXPECT_FALSE(parse_bundle(Bytes{}, 0xffffffffu));
  EXPECT_FALSE(parse_bundle(Bytes{0, 0}, 0xffffffffu));
}

}  // namespace
}  // namespace amanat::tlog
