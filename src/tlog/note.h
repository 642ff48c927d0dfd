// C2SP signed-note v1 (c2sp.org/signed-note) with Ed25519 keys, and the key encodings around it.
//
// A signed note is a UTF-8 text ending in '\n', a blank line, then one or more signature lines
// "— <key name> base64(key ID(4, big-endian) || signature)\n". Checkpoints, witness
// cosignatures and proof files are all built on it, so this module is deliberately strict:
// everything it parses has exactly one spelling, and parse_note() followed by re-assembling the
// lines gives back the input byte for byte.
//
// Keys: a verifier key (vkey) is "name+<8 lowercase hex key ID>+base64(type || public key)"; the
// base64 may itself contain '+', so vkeys are split on the first two '+' only. The signer key
// (skey) is Go's "PRIVATE+KEY+name+<key ID>+base64(0x01 || 32-byte seed)", split into at most
// five parts. Key ID = big-endian uint32 of SHA-256(name || 0x0A || type || public key)[:4].
//
// Thread-safety: everything here is safe to call concurrently; Signer and Verifier are immutable
// values. Functions that use libsodium call sodium_init() themselves (it is idempotent).
//
// Failures: malformed input is Errc::invalid with a message naming the line or field; a
// signature from a known key that does not verify, or a note no known key signed, is
// Errc::corrupt; a libsodium failure is Errc::internal. Error messages never include secret
// key material.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace amanat::tlog {

inline constexpr std::uint8_t kSigTypeEd25519 = 0x01;
// Go rejects notes with more than 100 signatures; the spec asks verifiers to accept at least 16.
inline constexpr std::size_t kMaxNoteSignatures = 100;
// A cap on a whole signed note, so hostile input cannot make us hash or split megabytes.
inline constexpr std::size_t kMaxNoteSize = 1 << 20;
// The em dash (U+2014) and the single space that open every signature line.
inline constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";

// Non-empty, valid UTF-8, no Unicode white space (the White_Space property, as Go's
// unicode.IsSpace) and no '+'. We also refuse ASCII control characters, which the spec allows in
// names but forbids in notes, so such a key could never sign a valid note.
bool is_valid_key_name(std::string_view name);

// SHA-256(name || 0x0A || type || key)[:4] as a big-endian integer.
std::uint32_t compute_key_id(std::string_view name, std::uint8_t type,
                             std::span<const std::uint8_t> key);

// The 8 lowercase hex digits used for key IDs in vkeys and messages.
std::string key_id_hex(std::uint32_t key_id);

// A short human name for a signature type byte, for error messages ("Ed25519", ...).
const char* signature_type_name(std::uint8_t type);

// Ed25519 (RFC 8032, as libsodium: non-canonical signatures and small-order keys refused).
bool ed25519_verify(const std::array<std::uint8_t, 32>& public_key,
                    std::span<const std::uint8_t> message, std::span<const std::uint8_t> signature);

// Valid UTF-8 with no ASCII control character other than '\n' (the rule for a whole signed
// note). Errc::invalid naming the byte offset of the first offence.
Status check_note_characters(std::string_view s);

// A vkey split into its fields, with the key ID checked against the formula above. Types 0x01
// (Ed25519) and 0x04 (cosignature/v1) require that formula; a vkey of another type whose
// published ID was computed differently is refused rather than trusted (see the caution_vkeys
// vector: a published ML-DSA vkey whose ID does not match).
struct VerifierKey {
  std::string name;
  std::uint32_t key_id = 0;
  std::uint8_t type = 0;
  Bytes key;  // public key material after the type byte; non-empty
};
// Errc::invalid: not three '+'-separated parts, bad name, key ID not 8 lowercase hex digits,
// key not strict base64, empty key, or key ID mismatch.
Result<VerifierKey> decode_vkey(std::string_view vkey);
std::string encode_vkey(std::string_view name, std::uint8_t type,
                        std::span<const std::uint8_t> key);

// Verifies Ed25519 (type 0x01) note signatures of one key.
class Verifier {
 public:
  // Errc::invalid for anything decode_vkey refuses, a type other than 0x01 (the message names
  // the type, e.g. a witness key), or a public key that is not 32 bytes.
  static Result<Verifier> parse(std::string_view vkey);

  const std::string& name() const { return name_; }
  std::uint32_t key_id() const { return key_id_; }
  const std::array<std::uint8_t, 32>& public_key() const { return public_key_; }
  std::string vkey() const;
  // `signature` is what follows the key ID in the signature line.
  bool verify(std::string_view text, std::span<const std::uint8_t> signature) const;

 private:
  friend class Signer;
  Verifier(std::string name, const std::array<std::uint8_t, 32>& public_key);
  std::string name_;
  std::uint32_t key_id_;
  std::array<std::uint8_t, 32> public_key_;
};

class WitnessSigner;

// An Ed25519 signing key with its name. Holds the secret key; the destructor wipes it.
class Signer {
 public:
  // Errc::invalid if the skey is not PRIVATE+KEY+name+keyid+base64(0x01 || 32-byte seed) or
  // its key ID does not match the public key derived from the seed.
  static Result<Signer> parse(std::string_view skey);
  // Errc::invalid for a bad key name.
  static Result<Signer> from_seed(std::string_view name, std::span<const std::uint8_t, 32> seed);

  Signer(const Signer&) = default;
  Signer& operator=(const Signer&) = default;
  ~Signer();

  const std::string& name() const { return name_; }
  std::uint32_t key_id() const { return key_id_; }
  Verifier verifier() const { return Verifier(name_, public_key()); }
  std::array<std::uint8_t, 32> public_key() const;

 private:
  // Raw signing stays private so that every signature goes through sign_note's text checks or
  // the cosigner's own message format (see cosignature.h), which share this seed.
  friend class WitnessSigner;
  friend Result<std::string> sign_note(std::string_view text, std::span<const Signer> signers);
  Signer() = default;
  std::array<std::uint8_t, 64> ed25519_sign(std::span<const std::uint8_t> message) const;
  std::string name_;
  std::uint32_t key_id_ = 0;
  std::array<std::uint8_t, 64> secret_key_{};  // libsodium layout: seed || public key
};

struct KeyPair {
  std::string skey;  // secret: store it like a password
  std::string vkey;
};
// A fresh random Ed25519 key. Errc::invalid for a bad name, Errc::internal if libsodium fails.
Result<KeyPair> generate_key(std::string_view name);

// One signature line, split. `signature` excludes the 4-byte key ID.
struct NoteSignature {
  std::string name;
  std::uint32_t key_id = 0;
  Bytes signature;
  bool operator==(const NoteSignature&) const = default;
};
std::string format_signature_line(const NoteSignature& sig);

// A signed note split into its text and signature lines, nothing verified. Signature lines are
// kept in order, duplicates included, so the input can be re-assembled exactly.
struct ParsedNote {
  std::string text;  // up to and including the '\n' before the last blank line
  std::vector<NoteSignature> signatures;
};
// Errc::invalid (message names the note line) if: larger than kMaxNoteSize; not valid UTF-8 or
// has a control character other than '\n'; no blank line; nothing or an unterminated line after
// the last blank line; a line there is not "— name base64" with a valid name and strict base64
// of at least 5 bytes; more than kMaxNoteSignatures lines.
Result<ParsedNote> parse_note(std::string_view signed_note);

// The text of the note and the signatures that verified (each key once, in order of first
// appearance); signatures by keys not in `known` are kept apart and were not checked.
struct OpenedNote {
  std::string text;
  std::vector<NoteSignature> verified;
  std::vector<NoteSignature> unverified;
};
// parse_note, then checks every line whose name and key ID match a known key. Errc::invalid for
// a malformed note or two different known keys sharing name and ID; Errc::corrupt if a
// signature from a known key fails (the spec says to reject the whole note) or if no known key
// signed the note at all.
Result<OpenedNote> open_note(std::string_view signed_note, std::span<const Verifier> known);

// Signs `text` with each signer in order. Errc::invalid unless the text is non-empty, ends in
// '\n', passes check_note_characters and fits in kMaxNoteSize; also refused is a text starting
// with "cosignature/v1\n": one seed serves both as log key and as witness key, and a plain
// signature over such a text would double as a witness cosignature.
Result<std::string> sign_note(std::string_view text, std::span<const Signer> signers);
Result<std::string> sign_note(std::string_view text, const Signer& signer);

// Adds signature lines (one or more complete "— ...\n" lines, e.g. a witness's response) to a
// signed note. A new line with the name and key ID of an existing one replaces it, so re-adding
// a fresh cosignature does not pile up lines. Errc::invalid if either input is malformed or the
// result would break the limits of parse_note.
Result<std::string> add_signatures(std::string_view signed_note, std::string_view lines);

}  // namespace amanat::tlog
