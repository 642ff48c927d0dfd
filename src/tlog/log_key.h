// The organisation's log key in use: signs checkpoints for the sequencer (CheckpointSigner over
// C2SP signed notes) and derives the witness identity that cosigns partners' logs. The key name
// is the log's origin, as tlog-checkpoint recommends; the witness key (cosignature/v1, type 0x04)
// shares the Ed25519 seed under the name "<origin>/witness" (note.h refuses plain signatures
// over cosignature texts, so the two roles cannot be confused).
// Thread-safe: immutable after construction.
#pragma once

#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/note.h"
#include "tlog/sequencer.h"

namespace amanat::tlog {

std::string witness_name_for(std::string_view origin);

class LogKey : public CheckpointSigner {
 public:
  // Errc::invalid for a malformed private key string.
  static Result<LogKey> parse(std::string_view skey);

  const std::string& origin() const { return signer_.name(); }
  const Signer& signer() const { return signer_; }
  Verifier verifier() const { return signer_.verifier(); }
  std::string vkey() const { return signer_.verifier().vkey(); }
  const WitnessSigner& witness() const { return witness_; }

  Result<std::string> sign(std::uint64_t size, const Hash& root) override;
  Result<std::pair<std::uint64_t, Hash>> open(std::string_view note) override;

 private:
  LogKey(Signer s, WitnessSigner w) : signer_(std::move(s)), witness_(std::move(w)) {}
  Signer signer_;
  WitnessSigner witness_;
};

}  // namespace amanat::tlog
