#include "tlog/tile.h"

#include <bit>
#include <algorithm>
#include <charconv>
#include <cstdio>

namespace amanat::tlog {

namespace {

std::string index_path(std::uint64_t n) {
  // 3-digit groups, most significant first; all but the last prefixed with 'x'.
  std::vector<unsigned> groups;
  do {
    groups.push_back(static_cast<unsigned>(n % 1000));
    n /= 1000;
  } while (n > 0);
  std::string out;
  for (std::size_t i = groups.size(); i-- > 0;) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%s%03u", i > 0 ? "x" : "", groups[i]);
    out += buf;
    if (i > 0) out += '/';
  }
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string tile_path(const TileId& t) {
  std::string out = "tile/";
  out += t.entries ? std::string("entries") : std::to_string(t.level);
  out += '/';
  out += index_path(t.index);
  if (!t.full()) out += ".p/" + std::to_string(t.width);
  return out;
}

Result<TileId> parse_tile_path(std::string_view path) {
  auto bad = [&](std::string why) {
    return fail(Errc::invalid, "bad tile path \"" + std::string(path.substr(0, 200)) + "\": " + why);
  };
  if (!path.starts_with("tile/")) return bad("does not start with tile/");
  std::string_view rest = path.substr(5);
  // Split on '/'.
  std::vector<std::string_view> parts;
  while (true) {
    auto slash = rest.find('/');
    parts.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  if (parts.size() < 2) return bad("missing tile index");
  TileId t;
  if (parts[0] == "entries") {
    t.entries = true;
  } else {
    auto level = parse_decimal(parts[0]);
    if (!all_digits(parts[0]) || !level) return bad("level is not a decimal without leading zeros");
    if (*level > kMaxTileLevel) return bad("level is above 63");
    t.level = static_cast<int>(*level);
  }
  // Optional ".p/<W>" suffix: the element before the last ends in ".p".
  std::size_t n_end = parts.size();
  if (parts.size() >= 3 && parts[parts.size() - 2].ends_with(".p")) {
    std::string_view w = parts.back();
    auto width = parse_decimal(w);
    if (!all_digits(w) || !width) return bad("partial width is not a decimal without leading zeros");
    if (*width < 1 || *width > 255) return bad("partial width must be 1..255");
    t.width = static_cast<unsigned>(*width);
    parts[parts.size() - 2].remove_suffix(2);
    n_end = parts.size() - 1;
  }
  std::uint64_t index = 0;
  for (std::size_t i = 1; i < n_end; ++i) {
    std::string_view g = parts[i];
    bool last = i + 1 == n_end;
    if (!last) {
      if (!g.starts_with('x')) return bad("index groups other than the last must start with x");
      g.remove_prefix(1);
    }
    if (g.size() != 3 || !all_digits(g)) return bad("index groups must be 3 digits");
    if (i == 1 && !last && g == "000") return bad("index has a leading zero group");
    unsigned v = 0;
    std::from_chars(g.data(), g.data() + 3, v);
    if (index > (UINT64_MAX - v) / 1000) return bad("index overflows");
    index = index * 1000 + v;
  }
  t.index = index;
  return t;
}

unsigned partial_width(int level, std::uint64_t size) {
  if (level * kTileHeight >= 64) return 0;
  return static_cast<unsigned>((size >> (kTileHeight * level)) % kTileWidth);
}

TileId tile_for(int level, std::uint64_t index, std::uint64_t size) {
  TileId t;
  t.level = level;
  t.index = index / kTileWidth;
  // Levels of 8 and above hold no hashes for any 64-bit size (and shifting by 64 is undefined).
  std::uint64_t hashes_at_level = level * kTileHeight < 64 ? size >> (kTileHeight * level) : 0;
  std::uint64_t end = (t.index + 1) * kTileWidth;
  t.width = end <= hashes_at_level ? kTileWidth
                                   : static_cast<unsigned>(hashes_at_level - t.index * kTileWidth);
  return t;
}

std::vector<TileId> tiles_for_size(std::uint64_t size) {
  std::vector<TileId> out;
  for (int level = 0; level * kTileHeight < 64 && (size >> (kTileHeight * level)) > 0; ++level) {
    std::uint64_t hashes = size >> (kTileHeight * level);
    std::uint64_t full = hashes / kTileWidth;
    unsigned partial = static_cast<unsigned>(hashes % kTileWidth);
    for (int pass = 0; pass < (level == 0 ? 2 : 1); ++pass) {
      bool entries = level == 0 && pass == 0;
      for (std::uint64_t n = 0; n < full; ++n) out.push_back({entries, level, n, kTileWidth});
      if (partial) out.push_back({entries, level, full, partial});
    }
  }
  return out;
}

Status append_bundle_entry(Bytes& bundle, std::span<const std::uint8_t> entry) {
  if (entry.size() > kMaxEntrySize)
    return fail(Errc::invalid, "an entry of " + std::to_string(entry.size()) +
                                   " bytes does not fit in an entry bundle (at most " +
                                   std::to_string(kMaxEntrySize) + " bytes)");
  bundle.push_back(static_cast<std::uint8_t>(entry.size() >> 8));
  bundle.push_back(static_cast<std::uint8_t>(entry.size()));
  bundle.insert(bundle.end(), entry.begin(), entry.end());
  return {};
}

Result<std::vector<std::span<const std::uint8_t>>> parse_bundle(std::span<const std::uint8_t> bundle,
                                                                unsigned expected) {
  std::vector<std::span<const std::uint8_t>> out;
  // Every entry takes at least its 2-byte length, so never reserve more than that allows:
  // `expected` comes from the caller and may be far larger than what the bytes can hold.
  out.reserve(std::min<std::size_t>(expected, bundle.size() / 2));
  std::size_t pos = 0;
  while (pos < bundle.size()) {
    if (bundle.size() - pos < 2)
      return fail(Errc::corrupt, "entry bundle is truncated in the length of entry " +
                                     std::to_string(out.size()));
    std::size_t len = std::size_t(bundle[pos]) << 8 | bundle[pos + 1];
    pos += 2;
    if (bundle.size() - pos < len)
      return fail(Errc::corrupt, "entry bundle is truncated in entry " + std::to_string(out.size()));
    out.push_back(bundle.subspan(pos, len));
    pos += len;
    if (out.size() > expected) break;
  }
  if (out.size() != expected)
    return fail(Errc::corrupt, "entry bundle holds " +
                                   (out.size() > expected ? "more than " + std::to_string(expected)
                                                          : std::to_string(out.size())) +
                                   " entries, expected " + std::to_string(expected));
  return out;
}

Hash hash_run(std::span<const std::uint8_t> hashes, std::size_t count) {
  // Pairwise reduction of `count` (a power of two) consecutive 32-byte hashes.
  std::vector<Hash> level(count);
  for (std::size_t i = 0; i < count; ++i)
    std::copy_n(hashes.data() + 32 * i, 32, level[i].begin());
  while (level.size() > 1) {
    for (std::size_t i = 0; i < level.size() / 2; ++i) level[i] = node_hash(level[2 * i], level[2 * i + 1]);
    level.resize(level.size() / 2);
  }
  return level[0];
}

Bytes join_hashes(std::span<const Hash> hashes) {
  Bytes out;
  out.reserve(hashes.size() * 32);
  for (const Hash& h : hashes) out.insert(out.end(), h.begin(), h.end());
  return out;
}

namespace {
// Serves an edge's partial tiles as the tiles of a tree of that size. The root of any tree
// needs only these: each complete subtree of its binary decomposition lies in the partial tile
// of its tile level.
class EdgeReader : public TileReader {
 public:
  explicit EdgeReader(const Edge& partial) : partial_(partial) {}
  Result<Bytes> read_tile(const TileId& id) override {
    if (id.entries || id.full() || id.level >= static_cast<int>(partial_.size()) ||
        partial_[id.level].size() != id.width)
      return fail(Errc::internal, "the tree's root needs only the partial tiles on its edge");
    return join_hashes(partial_[id.level]);
  }

 private:
  const Edge& partial_;
};
}  // namespace

Result<Hash> edge_root(const Edge& partial, std::uint64_t size) {
  EdgeReader reader(partial);
  TileHashSource src(reader, size);
  return tree_root(src, size);
}

Result<Bytes> read_tile_or_full(TileReader& source, const TileId& id) {
  auto data = source.read_tile(id);
  if (data || id.full() || data.error().code != Errc::not_found) return data;
  TileId full = id;
  full.width = kTileWidth;
  auto whole = source.read_tile(full);
  if (!whole) return data;  // report the partial tile as missing
  if (id.entries) {
    auto entries = parse_bundle(*whole, kTileWidth);
    if (!entries) return std::unexpected(entries.error().context(tile_path(full)));
    Bytes prefix;
    for (unsigned i = 0; i < id.width; ++i) append_bundle_entry(prefix, (*entries)[i]);
    return prefix;
  }
  if (whole->size() != kTileWidth * 32)
    return fail(Errc::corrupt, tile_path(full) + " is not 8192 bytes");
  whole->resize(id.width * 32);
  return whole;
}

Result<const Bytes*> TileHashSource::tile(const TileId& id) {
  if (auto it = cache_.find(id); it != cache_.end()) return &it->second;
  auto data = read_tile_or_full(reader_, id);
  if (!data) return err(data);
  if (data->size() != std::size_t(id.width) * 32)
    return fail(Errc::corrupt, tile_path(id) + " has " + std::to_string(data->size()) +
                                   " bytes, expected " + std::to_string(id.width * 32));
  if (cache_.size() >= cache_limit_ && !order_.empty()) {
    cache_.erase(order_.front());
    order_.pop_front();
  }
  order_.push_back(id);
  return &cache_.emplace(id, std::move(*data)).first->second;
}

Result<Hash> TileHashSource::subtree(int level, std::uint64_t index) {
  // The subtree's hashes at tile level L = level/8 are 2^r consecutive positions, r = level%8,
  // all inside one tile because positions are aligned to 2^r and 2^r divides 256.
  int tile_level = level / kTileHeight;
  int r = level % kTileHeight;
  if (level < 0 || level >= 64 || index >= (size_ >> level))
    return fail(Errc::invalid, "subtree outside the tree");
  std::uint64_t first = index << r;
  TileId id = tile_for(tile_level, first, size_);
  auto t = tile(id);
  if (!t) return err(t);
  std::size_t pos = first % kTileWidth;
  std::size_t count = std::size_t(1) << r;
  return hash_run(std::span<const std::uint8_t>(**t).subspan(32 * pos, 32 * count), count);
}

}  // namespace amanat::tlog
