// What the sequencer needs from durable storage: the narrow interface between the log and the
// database. The embedded SQLite store implements it (src/store/sqlite); a PostgreSQL store can
// implement it later without touching the tree code.
//
// Contract: commit() is atomic and durable — when it returns success, the entries, tiles and
// checkpoint are all on stable storage; when it fails, either none of it is visible or (for an
// ambiguous I/O failure) the caller must re-read the state before appending again.
//
// Effects: an entry may carry an Effect, the rest of the unit of work it belongs to (a
// donation's record row and journal postings; core/tx.h). commit() runs each entry's effect,
// with the open transaction and the index the entry gets, after the entries are written, in
// entry order; if an effect fails, the whole batch fails and nothing of it is stored. When the
// transaction ends, commit() ends the Tx with its outcome (committed, rolled back, or unknown
// for a commit that failed after it may have persisted), so effects that keep state in memory
// can follow it. This is how a record, its postings and its log entry become durable together
// or not at all, while the tree code knows nothing of records.
// Implementations say whether they are thread-safe; the sequencer calls them from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "core/tx.h"
#include "tlog/log_source.h"
#include "tlog/tile.h"

namespace amanat::tlog {

// Runs inside the storage's commit transaction (see above). It must not block on the
// sequencer; it writes through stores of the storage whose Tx it is given (Tx::as).
using Effect = std::function<Status(Tx& tx, std::uint64_t index)>;

struct TileWrite {
  TileId id;  // a hash tile; a partial one replaces the stored tile of the same level and index
  Bytes hashes;
};

struct Batch {
  std::uint64_t old_size = 0;  // the size the batch extends; commit fails with conflict otherwise
  std::vector<Bytes> entries;  // become indexes old_size, old_size+1, ...
  std::vector<Effect> effects; // empty, or one per entry (an empty function does nothing)
  std::vector<TileWrite> tiles;
  std::string checkpoint;      // the signed checkpoint note for old_size + entries.size()
};

class LogStorage : public LogSource {
 public:
  // The stored size and signed checkpoint; size 0 with an empty checkpoint before the first one.
  struct State {
    std::uint64_t size = 0;
    std::string checkpoint;
  };
  virtual Result<State> state() = 0;
  virtual Status commit(const Batch& batch) = 0;
  // The signed checkpoint that was issued for exactly this size, if any was.
  virtual Result<std::string> checkpoint_at(std::uint64_t size) = 0;
  // Entries [begin, end); Errc::not_found if any is missing.
  virtual Result<std::vector<Bytes>> read_entries(std::uint64_t begin, std::uint64_t end) = 0;
  // Replaces the checkpoint signed for `size` by `signed_note`, the same checkpoint with more
  // signatures (witness cosignatures); the current checkpoint too when it is that one.
  // Errc::not_found if no checkpoint of that size exists; the caller checks that the text is
  // unchanged.
  virtual Status replace_checkpoint(std::uint64_t size, const std::string& signed_note) = 0;
};

}  // namespace amanat::tlog
