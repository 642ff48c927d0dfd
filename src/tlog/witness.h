// Witnessing a partner organisation's log (C2SP tlog-witness semantics): cosign a checkpoint
// only if it is consistent with the last checkpoint we cosigned for that origin, so that a log
// can never show one history to us and another to someone else with our signature on both.
//
// The state is the latest (size, root) cosigned per origin, kept in a WitnessStore whose
// advance() is compare-and-set: the state moves forward only from the value the check was made
// against, and it is durable before the cosignature is handed out.
// Thread-safety: that of the WitnessStore; the functions here hold no state.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/log_source.h"
#include "tlog/note.h"

namespace amanat::tlog {

struct WitnessedState {
  std::uint64_t size = 0;
  Hash root{};
};

class WitnessStore {
 public:
  virtual ~WitnessStore() = default;
  virtual Result<std::optional<WitnessedState>> last(const std::string& origin) = 0;
  // Records `next` (and the checkpoint text) if the stored state still equals `expected`
  // (nullopt: nothing stored). Errc::conflict otherwise.
  virtual Status advance(const std::string& origin, const std::optional<WitnessedState>& expected,
                         const WitnessedState& next, const std::string& signed_checkpoint) = 0;
};

struct CosignResult {
  Checkpoint checkpoint;
  std::optional<WitnessedState> previous;
  std::string cosignature_line;  // "— <witness name> <base64>\n"
};

// Checks `signed_checkpoint` (signed by `log_key`) against the state, using `proof` as the
// consistency proof from the stored size to the checkpoint's size, then advances the state and
// cosigns. Errc::conflict if the stored size is not `claimed_old_size` (tlog-witness: the
// client must retry with the right old size); Errc::corrupt for a bad signature, a smaller size
// than already witnessed (rollback) or an inconsistent proof (a fork).
Result<CosignResult> cosign_checkpoint(const std::string& signed_checkpoint,
                                       const Verifier& log_key, std::uint64_t claimed_old_size,
                                       const std::vector<Hash>& proof, WitnessStore& store,
                                       const WitnessSigner& witness, std::uint64_t timestamp);

// The CLI's flow: fetches the partner's checkpoint, builds the consistency proof from its tiles
// for the size we last cosigned, and calls cosign_checkpoint.
Result<CosignResult> witness_log(LogSource& partner, const Verifier& log_key, WitnessStore& store,
                                 const WitnessSigner& witness, std::uint64_t timestamp);

}  // namespace amanat::tlog
