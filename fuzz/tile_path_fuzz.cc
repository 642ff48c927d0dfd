// Fuzz target for tile paths and entry bundles.
//
// Paths: parse_tile_path must never crash, and whatever it accepts must be the one spelling
// tile_path gives back (tlog-tiles paths have exactly one spelling). Bundles: the same bytes go
// to parse_bundle with a few expected counts; when they parse, the entries must lie inside the
// input and re-encode to exactly the input.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "tlog/tile.h"

using namespace amanat;
using namespace amanat::tlog;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto id = parse_tile_path(text)) {
    if (tile_path(*id) != text) std::abort();
    if (id->width < 1 || id->width > kTileWidth) std::abort();
    if (id->entries ? id->level != 0 : (id->level < 0 || id->level > kMaxTileLevel)) std::abort();
  } else if (id.error().code != Errc::invalid) {
    std::abort();
  }

  std::span<const std::uint8_t> bytes(data, size);
  for (unsigned expected : {0u, 1u, 2u, 255u, 256u, 0xffffffffu}) {
    auto entries = parse_bundle(bytes, expected);
    if (!entries) {
      if (entries.error().code != Errc::corrupt) std::abort();
      continue;
    }
    if (entries->size() != expected) std::abort();
    Bytes again;
    for (auto e : *entries) {
      if (!e.empty() && (e.data() < data || e.data() + e.size() > data + size)) std::abort();
      if (!append_bundle_entry(again, e)) std::abort();
    }
    if (!std::equal(again.begin(), again.end(), data, data + size)) std::abort();
  }
  return 0;
}
