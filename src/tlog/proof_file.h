// C2SP tlog-proof v1 (c2sp.org/tlog-proof): an offline-verifiable proof that an entry is in a
// log, as one text file (conventionally *.tlog-proof):
//
//   c2sp.org/tlog-proof@v1
//   extra <base64>            (optional, opaque, NOT authenticated)
//   index <decimal>
//   <base64 hash>...          (inclusion proof, leaf's sibling first, zero or more lines)
//   <empty line>
//   <signed checkpoint, verbatim: text, blank line, signature and cosignature lines>
//
// Parsing is strict (one spelling per proof: format_proof_file(parse) gives the input back) and
// its errors name the line. Verification checks the log's signature on the checkpoint, the
// witness quorum the caller asks for, and the RFC 6962 inclusion proof.
//
// Thread-safety: pure functions over values; safe to call concurrently.
// Failures: Errc::invalid for a malformed file or an unformattable ProofFile; Errc::corrupt for
// a bad signature, too few witness cosignatures, a wrong origin or an inclusion proof that does
// not lead to the checkpoint's root (Errc::invalid if the index is outside the tree or the proof
// has the wrong length, as tlog::verify_inclusion reports).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/note.h"

namespace amanat::tlog {

inline constexpr std::string_view kProofFileHeader = "c2sp.org/tlog-proof@v1";
// A tree of at most 2^64 - 1 leaves has inclusion proofs of at most 64 hashes.
inline constexpr std::size_t kMaxInclusionProofHashes = 64;
// Room for the checkpoint note (at most kMaxNoteSize) plus the proof lines and extra data.
inline constexpr std::size_t kMaxProofFileSize = 2 * kMaxNoteSize;

struct ProofFile {
  std::optional<Bytes> extra;  // when present, non-empty (an empty one is spelled by omission)
  std::uint64_t index = 0;
  std::vector<Hash> inclusion;
  std::string checkpoint;  // the signed checkpoint note, verbatim
  bool operator==(const ProofFile&) const = default;
};

// Errc::invalid, naming the line, for: a file larger than kMaxProofFileSize; a first line other than the header; an "extra" line that
// is empty or not strict base64; a missing or malformed "index" line (decimal, no leading
// zeros); a proof line that is not strict base64 of 32 bytes; more than
// kMaxInclusionProofHashes of them; no empty line before the checkpoint; or a checkpoint that
// is not a well-formed signed note whose text is a checkpoint (signatures are not checked).
Result<ProofFile> parse_proof_file(std::string_view text);

// Errc::invalid if the ProofFile would not parse back (empty extra, too many hashes, malformed
// checkpoint).
Result<std::string> format_proof_file(const ProofFile& p);

// What a verifier trusts: the log's key and origin, and the witnesses with how many of them
// must have cosigned the checkpoint.
struct ProofTrust {
  Verifier log;
  std::optional<std::string> origin;  // when set, the checkpoint's origin must equal it
  std::vector<WitnessVerifier> witnesses;
  std::size_t witness_quorum = 0;  // how many distinct `witnesses` must have cosigned
};

struct VerifiedProof {
  ProofFile proof;  // proof.extra is still unauthenticated
  Checkpoint checkpoint;
  std::vector<Cosignature> cosignatures;  // the trusted witnesses that cosigned
};

// Verifies a proof file for the entry whose RFC 6962 leaf hash is `leaf_hash`.
Result<VerifiedProof> verify_proof_file(std::string_view text, const Hash& leaf_hash,
                                        const ProofTrust& trust);
// The same for the entry's bytes (hashed here with tlog::leaf_hash).
Result<VerifiedProof> verify_proof_file_for_entry(std::string_view text,
                                                  std::span<const std::uint8_t> entry,
                                                  const ProofTrust& trust);

}  // namespace amanat::tlog
