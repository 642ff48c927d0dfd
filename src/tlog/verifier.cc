#include "tlog/verifier.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "tlog/merkle.h"

namespace amanat::tlog {

namespace {

std::string describe_tile(const LogSource& src, const TileId& id) {
  return tile_path(id) + " of " + src.describe();
}

// Fetches the level-0 tile pairs (entry bundle, hash tile) in order, `workers` at a time,
// keeping at most `window` ahead of the consumer. Each worker also splits its bundle into
// entries and hashes them (and, for a full tile, hashes the leaf hashes up to the tile's root),
// so that hashing, most of the verifier's own work, runs on all the workers while the consumer
// compares and carries the results upward in order (and hands the entries on). With a source
// that serialises its reads, one worker reads while another hashes.
class Prefetcher {
 public:
  struct Item {
    Result<Bytes> bundle = Bytes();
    Result<Bytes> hashes = Bytes();
    // Only when both fetches succeeded: the entries (views into `bundle`, which a move keeps
    // in place) or why the bundle does not parse; their leaf hashes; the full tile's root.
    Result<std::vector<std::span<const std::uint8_t>>> entries = std::vector<std::span<const std::uint8_t>>();
    std::vector<Hash> leaves;
    Hash root{};
  };
  Prefetcher(LogSource& src, std::uint64_t size, unsigned workers, unsigned window)
      : src_(src),
        size_(size),
        count_(size / kTileWidth + (size % kTileWidth != 0)),
        window_(std::max(1u, window)),
        refill_(std::max(1u, window_ / 2)) {
    for (unsigned i = 0; i < std::max(1u, workers); ++i) threads_.emplace_back([this] { work(); });
  }
  ~Prefetcher() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    space_.notify_all();
    for (auto& t : threads_) t.join();
  }
  Item take(std::uint64_t n) {
    std::unique_lock lock(mu_);
    ready_cv_.wait(lock, [&] { return ready_.count(n) > 0; });
    Item item = std::move(ready_[n]);
    ready_.erase(n);
    consumed_ = n + 1;
    // Wake the workers only once the window is half empty, so that a worker fetches a run of
    // tiles per wake-up instead of sleeping and waking for every tile the consumer takes.
    if (next_ < count_ && consumed_ + window_ - next_ >= refill_) space_.notify_all();
    return item;
  }

 private:
  void work() {
    while (true) {
      std::uint64_t n;
      {
        std::unique_lock lock(mu_);
        space_.wait(lock, [&] { return stop_ || (next_ < count_ && next_ < consumed_ + window_); });
        if (stop_ || next_ >= count_) return;
        n = next_++;
      }
      TileId tile = tile_for(0, n * kTileWidth, size_);
      TileId bundle = tile;
      bundle.entries = true;
      Item item{read_tile_or_full(src_, bundle), read_tile_or_full(src_, tile)};
      if (item.bundle && item.hashes) {
        item.entries = parse_bundle(*item.bundle, tile.width);
        if (item.entries) {
          item.leaves.reserve(item.entries->size());
          for (const auto& e : *item.entries) item.leaves.push_back(leaf_hash(e));
          if (tile.full()) item.root = hash_run(join_hashes(item.leaves), kTileWidth);
        }
      }
      bool awaited;
      {
        std::lock_guard lock(mu_);
        ready_.emplace(n, std::move(item));
        awaited = n == consumed_;
      }
      // Wake the consumer only for the tile it waits for; waking everyone on every tile cost
      // a seventh of the verifier's time.
      if (awaited) ready_cv_.notify_one();
    }
  }

  LogSource& src_;
  std::uint64_t size_, count_;
  unsigned window_, refill_;
  std::mutex mu_;
  std::condition_variable ready_cv_;  // the consumer waits here for its tile
  std::condition_variable space_;     // fetchers wait here for room in the window
  std::map<std::uint64_t, Item> ready_;
  std::uint64_t next_ = 0, consumed_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

// Compares a published hash tile with the recomputed hashes.
Status check_tile(LogSource& src, const TileId& id, const std::vector<Hash>& want,
                  const Bytes* already_read = nullptr) {
  Bytes fetched;
  if (!already_read) {
    auto data = read_tile_or_full(src, id);
    if (!data) return std::unexpected(data.error().context("fetching " + describe_tile(src, id)));
    fetched = std::move(*data);
    already_read = &fetched;
  }
  const Bytes& got = *already_read;
  if (got.size() != want.size() * 32)
    return fail(Errc::corrupt, describe_tile(src, id) + " has " + std::to_string(got.size()) +
                                   " bytes, expected " + std::to_string(want.size() * 32));
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (!std::equal(want[i].begin(), want[i].end(), got.begin() + 32 * i)) {
      std::uint64_t first = (id.index * kTileWidth + i) << (kTileHeight * id.level);
      std::string what = id.level == 0 ? "the leaf hash of entry " + std::to_string(first)
                                       : "the hash of entries " + std::to_string(first) + ".." +
                                             std::to_string(first + (1ull << (kTileHeight * id.level)) - 1);
      return fail(Errc::corrupt, describe_tile(src, id) + ": hash " + std::to_string(i) +
                                     " does not match " + what + " recomputed from the entries");
    }
  }
  return {};
}

}  // namespace

Result<VerifyReport> verify_log(LogSource& source, const VerifyOptions& options) {
  VerifyReport report;
  auto note = source.read_checkpoint();
  if (!note) return std::unexpected(note.error().context("fetching the checkpoint of " + source.describe()));
  std::string origin = options.origin.value_or(options.log_key.name());
  auto cp = open_checkpoint(*note, options.log_key, origin);
  if (!cp) return std::unexpected(cp.error().context("the checkpoint of " + source.describe()));
  report.checkpoint = *cp;

  if (!options.witnesses.empty()) {
    auto cosigs = verify_cosignatures(*note, options.witnesses);
    if (!cosigs) return std::unexpected(cosigs.error().context("the checkpoint's cosignatures"));
    for (const auto& w : options.witnesses) {
      bool found = std::any_of(cosigs->begin(), cosigs->end(),
                               [&](const Cosignature& c) { return c.name == w.name() && c.key_id == w.key_id(); });
      if (!found)
        return fail(Errc::corrupt, "the checkpoint (size " + std::to_string(cp->size) +
                                       ") carries no valid cosignature by witness " + w.name());
    }
    report.cosignatures = std::move(*cosigs);
  }

  std::optional<Checkpoint> old;
  if (options.old_checkpoint) {
    auto o = open_checkpoint(*options.old_checkpoint, options.log_key, origin);
    if (!o) return std::unexpected(o.error().context("the old checkpoint"));
    if (o->size > cp->size)
      return fail(Errc::corrupt, "the log's checkpoint (size " + std::to_string(cp->size) +
                                     ") is older than the old checkpoint (size " +
                                     std::to_string(o->size) + "): the log was rolled back");
    old = *o;
  }

  const std::uint64_t size = cp->size;
  Edge computed(1);  // computed[L]: recomputed hashes of the level-L tile being filled
  // By default as many workers as the source serves reads at once, and at least one per core
  // (up to 4), since the workers also hash: with a source that serialises its reads, one
  // worker hashes while another reads.
  unsigned fetchers = options.fetchers;
  if (fetchers == 0)
    fetchers = std::max({1u, source.concurrent_reads(), std::min(4u, std::thread::hardware_concurrency())});
  Prefetcher prefetch(source, size, fetchers, options.window);
  std::uint64_t tiles0 = size / kTileWidth + (size % kTileWidth != 0);
  for (std::uint64_t n = 0; n < tiles0; ++n) {
    TileId tile = tile_for(0, n * kTileWidth, size);
    TileId bundle_id = tile;
    bundle_id.entries = true;
    auto item = prefetch.take(n);
    if (!item.bundle)
      return std::unexpected(item.bundle.error().context("fetching " + describe_tile(source, bundle_id)));
    if (!item.hashes)
      return std::unexpected(item.hashes.error().context("fetching " + describe_tile(source, tile)));
    if (!item.entries) return std::unexpected(item.entries.error().context(describe_tile(source, bundle_id)));
    const std::vector<Hash>& leaves = item.leaves;
    if (auto st = check_tile(source, tile, leaves, &*item.hashes); !st) return err(st);
    if (options.on_entries)
      if (auto st = options.on_entries(n * kTileWidth, *item.entries); !st) return err(st);
    report.tiles += 2;
    report.entries += tile.width;
    if (options.progress) options.progress(report.entries, size);
    if (!tile.full()) {
      computed[0] = leaves;
      break;
    }
    // Carry the full tile's root (hashed by the worker) upward, checking each higher tile as
    // it completes.
    Hash h = item.root;
    for (int level = 1;; ++level) {
      if (level >= static_cast<int>(computed.size())) computed.emplace_back();
      computed[level].push_back(h);
      if (computed[level].size() < kTileWidth) break;
      std::uint64_t index = ((n + 1) * kTileWidth >> (kTileHeight * level)) / kTileWidth - 1;
      TileId id{false, level, index, kTileWidth};
      if (auto st = check_tile(source, id, computed[level]); !st) return err(st);
      ++report.tiles;
      h = hash_run(join_hashes(computed[level]), kTileWidth);
      computed[level].clear();
    }
  }
  // The partial tiles above level 0.
  for (std::size_t level = 1; level < computed.size(); ++level) {
    if (computed[level].empty()) continue;
    TileId id{false, static_cast<int>(level), (size >> (kTileHeight * level)) / kTileWidth,
              static_cast<unsigned>(computed[level].size())};
    if (auto st = check_tile(source, id, computed[level]); !st) return err(st);
    ++report.tiles;
  }
  auto root = edge_root(computed, size);
  if (!root) return err(root);
  if (*root != cp->root)
    return fail(Errc::corrupt, "the root recomputed from all " + std::to_string(size) +
                                   " entries does not match the checkpoint's root");

  if (old) {
    // The tiles are verified now, so a consistency proof computed from them is trustworthy
    // input to the check against the old root.
    TileHashSource tiles(source, size);
    if (old->size == 0) {
      if (old->root != empty_tree_root()) return fail(Errc::corrupt, "the old checkpoint of size 0 has a wrong root");
    } else {
      auto proof = consistency_proof(tiles, old->size, size);
      if (!proof) return err(proof);
      if (auto st = verify_consistency(old->size, size, *proof, old->root, cp->root); !st)
        return fail(Errc::corrupt, "the log is not an extension of the old checkpoint (size " +
                                       std::to_string(old->size) + "): " + st.error().message);
    }
    report.old_size = old->size;
  }
  return report;
}

Result<Bytes> read_entry_proved(LogSource& source, HashSource& hashes, std::uint64_t index, std::uint64_t size,
                                const Hash& root) {
  if (index >= size) return fail(Errc::invalid, "entry " + std::to_string(index) + " is beyond the log's size");
  TileId id = tile_for(0, index, size);
  id.entries = true;
  auto bundle = source.read_tile(id);
  if (!bundle) return err(bundle);
  auto entries = parse_bundle(*bundle, id.width);
  if (!entries) return err(entries);
  auto e = (*entries)[index % kTileWidth];
  auto proof = inclusion_proof(hashes, index, size);
  if (!proof) return err(proof);
  if (auto st = verify_inclusion(leaf_hash(e), index, size, *proof, root); !st)
    return fail(Errc::corrupt, "entry " + std::to_string(index) + " read again is not the entry in the log (" +
                                   source.describe() + "): " + st.error().message);
  return Bytes(e.begin(), e.end());
}

}  // namespace amanat::tlog
