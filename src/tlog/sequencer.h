// The sequencer: turns concurrent appends into durable batches.
//
// Writers call append() from any thread; it returns the entry's index only once the entry, the
// tiles that cover it and a checkpoint signed for a size that includes it are durable (group
// commit: whatever arrives while one batch is being committed forms the next batch, so the cost
// of fsync and of signing is shared by everyone waiting).
//
// Threading: one internal thread owns the tree's right edge and is the only caller of
// LogStorage::commit(); append(), size() and checkpoint() are thread-safe.
//
// Failures (after sunlight): an ordinary commit failure (e.g. disk full) is returned to the
// writers of that batch and the sequencer re-reads the stored state before going on. If the
// stored state cannot be re-read or does not match its checkpoint, the sequencer stops: every
// later append fails with Errc::unavailable, because appending on top of a possibly
// inconsistent tree could publish a fork.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "tlog/storage.h"

namespace amanat::tlog {

// Signs checkpoints for one log and opens the ones it signed.
class CheckpointSigner {
 public:
  virtual ~CheckpointSigner() = default;
  virtual Result<std::string> sign(std::uint64_t size, const Hash& root) = 0;
  // Verifies a checkpoint note signed by this signer; returns its size and root.
  virtual Result<std::pair<std::uint64_t, Hash>> open(std::string_view note) = 0;
};

struct SequencerOptions {
  std::size_t max_batch_entries = 8192;
  std::size_t max_batch_bytes = 16 << 20;
  // After a failed commit, fail everything queued and refuse every later append. For a writer
  // whose entries must land in order or not at all (`amanat log append` reading a file): without
  // it, entries submitted after the failed batch would be appended after a gap.
  bool stop_after_failure = false;
};

class Sequencer {
 public:
  // Loads the tree's right edge from storage and checks it against the stored checkpoint
  // (Errc::corrupt if they disagree). An empty log gets a signed checkpoint for size 0.
  static Result<std::unique_ptr<Sequencer>> open(LogStorage& storage, CheckpointSigner& signer,
                                                 SequencerOptions options = {});
  ~Sequencer();  // commits what was already submitted, then stops the thread

  // Blocks until the entry is durable; returns its index. Errc::invalid for an entry over
  // kMaxEntrySize bytes.
  Result<std::uint64_t> append(std::span<const std::uint8_t> entry);
  // Non-blocking form for callers that pipeline many appends (the CLI, the benchmark).
  // `effect`, if given, commits in the same storage transaction as the entry (see storage.h);
  // entries are committed in the order they were submitted, so a caller that decides under its
  // own lock what to submit sees its writes land in that order.
  std::future<Result<std::uint64_t>> submit(Bytes entry, Effect effect = {});

  std::uint64_t size() const;
  std::string checkpoint() const;

  // Blocks until every entry submitted before the call has been committed or failed. A caller
  // that also stops its own submissions meanwhile (the books publishing a report under their
  // lock) then knows size() is the index its next entry gets.
  void drain();

 private:
  struct Pending {
    Bytes entry;
    Effect effect;
    std::promise<Result<std::uint64_t>> done;
  };
  // The partial tile at each level: hashes of complete subtrees not yet part of a full tile.
  struct EdgeState {
    std::uint64_t size = 0;
    Edge partial;
  };

  Sequencer(LogStorage& storage, CheckpointSigner& signer, SequencerOptions options);
  Status load();
  void run();
  Status sequence(std::vector<Pending>& batch);
  static Result<Hash> edge_root(const EdgeState& edge);

  LogStorage& storage_;
  CheckpointSigner& signer_;
  SequencerOptions options_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;  // the queue is empty and no batch is being committed
  std::deque<Pending> queue_;
  bool busy_ = false;             // a batch taken from the queue is being committed
  bool stopping_ = false;
  std::optional<Error> fatal_;
  std::uint64_t size_ = 0;
  std::string checkpoint_;

  EdgeState edge_;  // owned by the sequencing thread after open()
  std::thread thread_;
};

}  // namespace amanat::tlog
