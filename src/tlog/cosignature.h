// C2SP tlog-cosignature v1, Ed25519 flavour (c2sp.org/tlog-cosignature): a witness's signature
// line on a checkpoint saying "as of this time, this is the largest consistent tree I have seen
// for this origin".
//
// Witness keys are Ed25519 keys whose key ID and vkey use signature type 0x04:
// ID = SHA-256(name || 0x0A || 0x04 || public key)[:4], vkey = name+id+base64(0x04 || key).
// The signed message is "cosignature/v1\ntime <decimal>\n" followed by the checkpoint text, and
// the signature line carries keyID(4) || u64 big-endian timestamp || Ed25519 signature(64).
//
// One seed per organisation: the project signs its log's checkpoints (type 0x01) and cosigns
// other logs' checkpoints (type 0x04) with the same Ed25519 seed. That is safe because the two
// signed messages cannot collide: a checkpoint text's second line is a bare decimal, the
// cosigned message's second line starts with "time ", and sign_note refuses texts starting
// with "cosignature/v1\n". Because the Ed25519 cosigned message does not include the witness
// name, the spec forbids one key serving two witness names; use one witness name per seed.
//
// Thread-safety: immutable values and pure functions; safe to call concurrently.
// Failures: Errc::invalid for malformed keys, notes or checkpoints; Errc::corrupt when a
// signature line from a known witness does not verify.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "tlog/note.h"

namespace amanat::tlog {

inline constexpr std::uint8_t kSigTypeCosignatureV1 = 0x04;
// The spec: the timestamp MUST NOT exceed 2^63 - 1.
inline constexpr std::uint64_t kMaxCosignatureTimestamp = (std::uint64_t{1} << 63) - 1;

// The exact bytes an Ed25519 cosigner signs for this checkpoint text.
std::string cosignature_message(std::uint64_t timestamp, std::string_view checkpoint_text);

class WitnessVerifier {
 public:
  // Errc::invalid for anything decode_vkey refuses, a type other than 0x04 (a log's 0x01 key is
  // refused with a message saying so, rather than silently re-typed), or a key not 32 bytes.
  static Result<WitnessVerifier> parse(std::string_view vkey);

  const std::string& name() const { return name_; }
  std::uint32_t key_id() const { return key_id_; }
  const std::array<std::uint8_t, 32>& public_key() const { return public_key_; }
  std::string vkey() const;
  // `signature` is what follows the key ID: timestamp(8) || Ed25519 signature(64). False for
  // any other length, a timestamp above 2^63 - 1, or a bad signature.
  bool verify(std::string_view checkpoint_text, std::span<const std::uint8_t> signature) const;

 private:
  friend class WitnessSigner;
  WitnessVerifier(std::string name, const std::array<std::uint8_t, 32>& public_key);
  std::string name_;
  std::uint32_t key_id_;
  std::array<std::uint8_t, 32> public_key_;
};

// The witness role of an organisation's Ed25519 seed, under its witness name.
class WitnessSigner {
 public:
  // Errc::invalid for a bad witness name.
  static Result<WitnessSigner> from_signer(const Signer& key, std::string_view witness_name);

  const std::string& name() const { return name_; }
  std::uint32_t key_id() const { return key_id_; }
  WitnessVerifier verifier() const { return WitnessVerifier(name_, key_.public_key()); }
  std::string vkey() const { return verifier().vkey(); }

  // The signature line "— <witness name> base64(...)\n" for a checkpoint text (the note text,
  // not the signed note). Errc::invalid if the text is not a valid checkpoint or the timestamp
  // exceeds 2^63 - 1.
  Result<std::string> cosign(std::string_view checkpoint_text, std::uint64_t timestamp) const;

 private:
  WitnessSigner(const Signer& key, std::string name);
  Signer key_;
  std::string name_;
  std::uint32_t key_id_;
};

// The 0x04 vkey of `key`'s seed under `witness_name`, to hand to the logs and verifiers that
// trust this witness. Errc::invalid for a bad name.
Result<std::string> witness_vkey(const Signer& key, std::string_view witness_name);

// The timestamp of a cosignature/v1 signature line; nullopt unless it is the 72 bytes of
// timestamp and Ed25519 signature after the key ID.
std::optional<std::uint64_t> cosignature_timestamp(const NoteSignature& sig);

struct Cosignature {
  std::string name;
  std::uint32_t key_id = 0;
  std::uint64_t timestamp = 0;
  bool operator==(const Cosignature&) const = default;
};

// The witnesses among `witnesses` that validly cosigned this signed checkpoint, in the order of
// `witnesses`, each once (with its latest timestamp if it signed more than once). Lines by
// other keys, including the log's own signature, are ignored, so an empty result is not an
// error: how many cosignatures are enough is the caller's policy. Errc::invalid for a malformed
// note, a text that is not a checkpoint, or two different witness keys sharing name and key
// ID; Errc::corrupt if a line with a known witness's name and key ID does not verify.
Result<std::vector<Cosignature>> verify_cosignatures(std::string_view signed_checkpoint,
                                                     std::span<const WitnessVerifier> witnesses);

}  // namespace amanat::tlog
