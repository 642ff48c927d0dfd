// The independent verifier: checks a whole tiled log from what it publishes, trusting nothing
// but the log's public key (and, optionally, witnesses' keys and an older checkpoint).
//
// It opens the checkpoint (signature, origin), checks the required witness cosignatures,
// recomputes every leaf hash from the entry bundles and compares it with the level-0 tiles,
// recomputes every higher tile from the one below and compares it with the published one, and
// finally compares the recomputed root with the checkpoint's. With an older checkpoint it also
// checks that the log is an extension of it (consistency proof from the verified tiles). The
// first discrepancy stops it with Errc::corrupt and a message naming the tile and index.
//
// Threading: tiles are fetched, and the entries' leaf hashes computed, on `fetchers` background
// threads (the source must be thread-safe); the comparisons, the higher tiles and on_entries
// run on the calling thread, in log order.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/log_source.h"
#include "tlog/merkle.h"
#include "tlog/note.h"

namespace amanat::tlog {

struct VerifyOptions {
  explicit VerifyOptions(Verifier key) : log_key(std::move(key)) {}
  Verifier log_key;
  std::optional<std::string> origin;            // expected origin; default: the key's name
  std::vector<WitnessVerifier> witnesses;       // every one of them must have cosigned
  std::optional<std::string> old_checkpoint;    // a signed checkpoint seen earlier
  std::function<void(std::uint64_t entries_done, std::uint64_t total)> progress;
  // Called with each entry bundle's entries, in log order, once their leaf hashes match the
  // level-0 tile (the root is checked only at the end: act on them only if verify_log
  // succeeds). An error stops the verification with that error. `amanat audit` reads the
  // books from here, so the log is fetched once.
  std::function<Status(std::uint64_t first, std::span<const std::span<const std::uint8_t>> entries)> on_entries;
  // Threads fetching (and hashing) the level-0 tiles ahead of the checks; 0: the source's
  // concurrent_reads(), but at least one per core, up to 4.
  unsigned fetchers = 0;
  unsigned window = 32;  // level-0 tiles fetched ahead of the checks
};

struct VerifyReport {
  Checkpoint checkpoint;
  std::vector<Cosignature> cosignatures;
  std::uint64_t entries = 0;
  std::uint64_t tiles = 0;  // hash tiles and entry bundles checked
  std::optional<std::uint64_t> old_size;
};

Result<VerifyReport> verify_log(LogSource& source, const VerifyOptions& options);

// Entry `index` of the tree (size, root), read again from `source` and proved against `root`
// with an inclusion proof from the source's hash tiles (through `hashes`, a TileHashSource over
// the same source and size): for readers that go back to an entry after verifying, since a
// source may serve other bytes the second time. Errc::corrupt if the bytes are not that
// entry. The caller must have authenticated `root` (verify_log) or do so before trusting it.
Result<Bytes> read_entry_proved(LogSource& source, HashSource& hashes, std::uint64_t index, std::uint64_t size,
                                const Hash& root);

}  // namespace amanat::tlog
