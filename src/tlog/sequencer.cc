#include "tlog/sequencer.h"

#include <bit>

namespace amanat::tlog {


Sequencer::Sequencer(LogStorage& storage, CheckpointSigner& signer, SequencerOptions options)
    : storage_(storage), signer_(signer), options_(options) {}

Result<std::unique_ptr<Sequencer>> Sequencer::open(LogStorage& storage, CheckpointSigner& signer,
                                                   SequencerOptions options) {
  std::unique_ptr<Sequencer> s(new Sequencer(storage, signer, options));
  if (auto st = s->load(); !st) return err(st);
  if (s->checkpoint_.empty()) {
    // A new log: publish a checkpoint for the empty tree so that readers have one to verify.
    Batch empty;
    auto note = signer.sign(0, empty_tree_root());
    if (!note) return err(note);
    empty.checkpoint = *note;
    if (auto st = storage.commit(empty); !st) return err(st);
    s->checkpoint_ = *note;
  }
  s->thread_ = std::thread([p = s.get()] { p->run(); });
  return s;
}

Result<Hash> Sequencer::edge_root(const EdgeState& edge) { return tlog::edge_root(edge.partial, edge.size); }

Status Sequencer::load() {
  auto st = storage_.state();
  if (!st) return err(st);
  EdgeState edge;
  edge.size = st->size;
  for (int level = 0; level <= kMaxTileLevel && (st->size >> (kTileHeight * level)) > 0; ++level) {
    edge.partial.emplace_back();
    unsigned w = partial_width(level, st->size);
    if (w == 0) continue;
    TileId id{false, level, (st->size >> (kTileHeight * level)) / kTileWidth, w};
    auto tile = storage_.read_tile(id);
    if (!tile) return std::unexpected(tile.error().context("loading " + tile_path(id)));
    if (tile->size() != w * 32u)
      return fail(Errc::corrupt, "stored " + tile_path(id) + " has the wrong length");
    for (unsigned i = 0; i < w; ++i) {
      Hash h;
      std::copy_n(tile->data() + 32 * i, 32, h.begin());
      edge.partial[level].push_back(h);
    }
  }
  if (!st->checkpoint.empty()) {
    auto opened = signer_.open(st->checkpoint);
    if (!opened) return std::unexpected(opened.error().context("the stored checkpoint"));
    auto root = edge_root(edge);
    if (!root) return err(root);
    if (opened->first != st->size || opened->second != *root)
      return fail(Errc::corrupt, "the stored tiles do not match the stored checkpoint (size " +
                                     std::to_string(st->size) + "); the log needs repair, not appends");
  } else if (st->size != 0) {
    return fail(Errc::corrupt, "the log has entries but no checkpoint");
  }
  std::lock_guard lock(mu_);
  edge_ = std::move(edge);
  size_ = st->size;
  checkpoint_ = st->checkpoint;
  return {};
}

Sequencer::~Sequencer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& p : queue_) p.done.set_value(fail(Errc::unavailable, "the log is shutting down"));
}

std::future<Result<std::uint64_t>> Sequencer::submit(Bytes entry, Effect effect) {
  Pending p{std::move(entry), std::move(effect), {}};
  auto fut = p.done.get_future();
  if (p.entry.size() > kMaxEntrySize) {
    p.done.set_value(fail(Errc::invalid, "entry is " + std::to_string(p.entry.size()) +
                                             " bytes; the limit is 65535"));
    return fut;
  }
  {
    std::lock_guard lock(mu_);
    if (fatal_) {
      p.done.set_value(std::unexpected(*fatal_));
      return fut;
    }
    if (stopping_) {
      p.done.set_value(fail(Errc::unavailable, "the log is shutting down"));
      return fut;
    }
    queue_.push_back(std::move(p));
  }
  wake_.notify_one();
  return fut;
}

Result<std::uint64_t> Sequencer::append(std::span<const std::uint8_t> entry) {
  return submit(Bytes(entry.begin(), entry.end())).get();
}

std::uint64_t Sequencer::size() const {
  std::lock_guard lock(mu_);
  return size_;
}

std::string Sequencer::checkpoint() const {
  std::lock_guard lock(mu_);
  return checkpoint_;
}

void Sequencer::drain() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [&] { return queue_.empty() && !busy_; });
}

void Sequencer::run() {
  while (true) {
    std::vector<Pending> batch;
    {
      std::unique_lock lock(mu_);
      busy_ = false;
      if (queue_.empty()) idle_.notify_all();
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping with nothing left to do
      busy_ = true;
      std::size_t bytes = 0;
      while (!queue_.empty() && batch.size() < options_.max_batch_entries &&
             (batch.empty() || bytes + queue_.front().entry.size() <= options_.max_batch_bytes)) {
        bytes += queue_.front().entry.size();
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::uint64_t first = edge_.size;
    auto st = sequence(batch);
    if (st) {
      for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done.set_value(first + i);
      continue;
    }
    for (auto& p : batch) p.done.set_value(err(st));
    if (options_.stop_after_failure) {
      std::lock_guard lock(mu_);
      fatal_ = Error{st.error().code, st.error().message + " (nothing submitted after it was appended)"};
      for (auto& p : queue_) p.done.set_value(std::unexpected(*fatal_));
      queue_.clear();
      busy_ = false;
      idle_.notify_all();
      return;
    }
    // The commit may or may not have reached the disk: re-read what is there before going on.
    if (auto reloaded = load(); !reloaded) {
      std::lock_guard lock(mu_);
      fatal_ = Error{Errc::unavailable, "the log stopped accepting entries after a storage failure (" +
                                            st.error().message + "; then " +
                                            reloaded.error().message + ")"};
      for (auto& p : queue_) p.done.set_value(std::unexpected(*fatal_));
      queue_.clear();
      busy_ = false;
      idle_.notify_all();
      return;
    }
  }
}

Status Sequencer::sequence(std::vector<Pending>& pending) {
  EdgeState edge = edge_;  // work on a copy: adopted only when the commit succeeds
  Batch batch;
  batch.old_size = edge.size;
  batch.entries.reserve(pending.size());
  bool any_effect = false;
  for (const auto& p : pending) any_effect = any_effect || bool(p.effect);
  if (any_effect) batch.effects.reserve(pending.size());
  std::vector<bool> touched(edge.partial.size(), false);

  for (auto& p : pending) {
    Hash h = leaf_hash(p.entry);
    batch.entries.push_back(std::move(p.entry));
    if (any_effect) batch.effects.push_back(std::move(p.effect));
    // Carry completed tiles upward like binary addition in base 256.
    for (int level = 0;; ++level) {
      if (level >= static_cast<int>(edge.partial.size())) {
        edge.partial.emplace_back();
        touched.push_back(false);
      }
      auto& row = edge.partial[level];
      row.push_back(h);
      touched[level] = true;
      if (row.size() < kTileWidth) break;
      std::uint64_t index = ((edge.size + 1) >> (kTileHeight * level)) / kTileWidth - 1;
      TileWrite full{{false, level, index, kTileWidth}, join_hashes(row)};
      h = hash_run(full.hashes, kTileWidth);
      batch.tiles.push_back(std::move(full));
      row.clear();
    }
    ++edge.size;
  }
  for (std::size_t level = 0; level < edge.partial.size(); ++level) {
    const auto& row = edge.partial[level];
    if (!touched[level] || row.empty()) continue;
    std::uint64_t index = (edge.size >> (kTileHeight * level)) / kTileWidth;
    batch.tiles.push_back({{false, static_cast<int>(level), index, static_cast<unsigned>(row.size())},
                           join_hashes(row)});
  }
  auto root = edge_root(edge);
  if (!root) return err(root);
  auto note = signer_.sign(edge.size, *root);
  if (!note) return err(note);
  batch.checkpoint = *note;
  if (auto st = storage_.commit(batch); !st) return st;

  edge_ = std::move(edge);
  std::lock_guard lock(mu_);
  size_ = edge_.size;
  checkpoint_ = std::move(batch.checkpoint);
  return {};
}

}  // namespace amanat::tlog
