// The organisation's key hierarchy, so that a server seized while it is off reveals no
// survivor's or donor's identity: everything personal is encrypted under keys that exist in
// the clear only in the memory of a running, unsealed server.
//
//   passphrase --Argon2id--> wrapping key --+
//                                           +--> KEK (32 random bytes, one per organisation,
//   k-of-n Shamir shares --> wrapping key --+         never stored in the clear)
//                                                     |
//                     +-------------------------------+--------------------+
//                     v                                                    v
//     per-subject data keys (DEKs), each wrapped under the KEK     the intake secret key
//                     |                                            (X25519), wrapped under the
//                     v                                            KEK; its public key is in
//     fields sealed with XChaCha20-Poly1305, bound to their        the clear so the public
//     table, field, row, subject and key version                   form can seal without it
//
// Storage is the caller's: VaultFile is a small canonical JSON text (layout at VaultFile below)
// that holds the wrapped KEK (under either or both unlock methods), the share set's id and
// threshold (never the shares), and the intake key pair (public in the clear, secret wrapped).
// WrappedKey::encode() gives the bytes to store beside a subject. Nothing here reads or writes
// files or the database.
//
// Crypto-shredding: a subject's data is destroyed by deleting every copy of its WrappedKey
// (database row, and backups as they expire): the fields sealed under it can then never be
// opened, even by someone who later unseals the vault. Keep WrappedKeys out of logs.
//
// What the KEK does not protect against: someone who seizes the server while it runs and is
// unsealed (the KEK and opened DataKeys are in memory), and anyone holding an old copy of the
// VaultFile together with the passphrase or shares that opened it then. Changing the passphrase
// or re-splitting the shares re-wraps the same KEK, so an old VaultFile still opens with the old
// secret; a leaked passphrase needs a new vault (new KEK) and every DEK re-wrapped.
//
// Memory: the KEK and the intake secret key live in sodium_malloc'd memory (locked, guarded,
// read-only while unsealed) and are wiped by seal() and on destruction; intermediate keys are
// wiped as soon as they have been used. DataKey wipes itself when destroyed. Passphrases and
// share texts belong to the caller, who should wipe them.
//
// Thread-safety: VaultFile, WrappedKey and the free functions are values/pure. A Vault may be
// used from many threads at once: the reading operations (open_data_key, new_data_key,
// open_intake, is_sealed, file) take a shared lock; unseal, seal and the set_/remove_ methods
// take it exclusively (and run Argon2 before taking it). Writers are preferred, so seal() waits
// only for the reads already in progress (microseconds), however busy the server is. A DataKey
// is immutable and may be shared between threads. libsodium must have been initialised
// (sodium_init()).
//
// Failures:
//   Errc::invalid    bad arguments (empty org id, passphrase shorter than kMinPassphraseBytes,
//                    k/n out of range, KDF limits out of range, no unlock method), a share text
//                    that does not parse or does not combine (typo, duplicate, too few), and a
//                    VaultFile of an unsupported version;
//   Errc::forbidden  the vault is sealed; a wrong passphrase; shares of another split; shares
//                    that combine but do not open the vault; an unlock method not configured;
//                    removing the last unlock method;
//   Errc::corrupt    a VaultFile, WrappedKey, sealed field or sealed intake message that is
//                    malformed or fails its authentication (moved to another row, field or
//                    subject, opened with another key, altered, truncated);
//   Errc::not_found  removing an unlock method the vault does not have;
//   Errc::unavailable  Argon2 could not get the memory it needs;
//   Errc::internal   libsodium failed unexpectedly (e.g. sodium_malloc).
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "crypto/keyring.h"
#include "crypto/shamir.h"

namespace amanat::crypto {

inline constexpr std::size_t kVaultKeyBytes = 32;
inline constexpr std::size_t kMinPassphraseBytes = 12;
inline constexpr std::size_t kMaxOrgIdBytes = 256;
inline constexpr int kVaultFormatVersion = 1;

using IntakePublicKey = std::array<std::uint8_t, crypto_box_PUBLICKEYBYTES>;

// Argon2id cost for deriving a wrapping key from a passphrase. The values used are stored in the
// VaultFile, so unsealing always uses the cost the passphrase was set with.
struct KdfLimits {
  unsigned long long opslimit = crypto_pwhash_OPSLIMIT_MODERATE;
  std::size_t memlimit = crypto_pwhash_MEMLIMIT_MODERATE;

  // The production default: libsodium's MODERATE, 3 passes over 256 MiB, about 0.5-1 s on a
  // small server. Unsealing is rare (a restart), so we can afford far more than an interactive
  // login, and every doubling multiplies the cost of guessing an offline copy's passphrase.
  static KdfLimits moderate() { return {}; }
  // libsodium's SENSITIVE: 4 passes over 1 GiB, several seconds; for machines that have it.
  static KdfLimits sensitive() {
    return {crypto_pwhash_OPSLIMIT_SENSITIVE, crypto_pwhash_MEMLIMIT_SENSITIVE};
  }
  // The minimum libsodium accepts (1 pass, 8 KiB). Tests only: it protects nothing.
  static KdfLimits for_tests() { return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }
};

// Limits accepted by create/set_passphrase and by VaultFile::parse (a file asking for more
// would let whoever can edit it make every unseal exhaust the server's memory).
inline constexpr unsigned long long kMaxKdfOpslimit = 32;
inline constexpr std::size_t kMaxKdfMemlimit = std::size_t{4} << 30;

struct Threshold {
  int k = 0;  // shares needed to unseal, 2..n
  int n = 0;  // shares issued, k..255
};

// The KEK wrapped under a key derived from a passphrase.
struct PassphraseUnlock {
  std::array<std::uint8_t, crypto_pwhash_SALTBYTES> salt{};
  unsigned long long opslimit = 0;
  std::size_t memlimit = 0;
  Bytes wrapped_kek;  // nonce || ciphertext || tag
};

// The KEK wrapped under a random key that exists only as k-of-n Shamir shares.
struct SharesUnlock {
  int k = 0, n = 0;
  ShareSetId set{};
  Bytes wrapped_kek;  // nonce || ciphertext || tag
};

struct IntakeKey {
  std::uint32_t version = 1;
  IntakePublicKey public_key{};
  Bytes wrapped_secret_key;  // nonce || ciphertext || tag; AD binds org, version, public key
};

// What the caller stores. At least one unlock method is present in every valid file. As JSON:
//
// {
//   "format": "amanat-vault",
//   "version": 1,                                 kVaultFormatVersion
//   "org": "<organisation id>",
//   "unlock": {                                   at least one of:
//     "passphrase": {
//       "kdf": "argon2id13",
//       "opslimit": 3, "memlimit": 268435456,     the crypto_pwhash limits it was set with
//       "salt": "<base64, 16 bytes>",
//       "wrapped_kek": "<base64, 72 bytes: nonce || ciphertext || tag>"
//     },
//     "shares": {
//       "k": 3, "n": 5,
//       "set": "<share-set id: 8 base32 characters, as in the share texts>",
//       "wrapped_kek": "<base64, 72 bytes>"
//     }
//   },
//   "intake": {
//     "key_version": 1,
//     "public_key": "<base64, 32 bytes, X25519>",
//     "wrapped_secret_key": "<base64, 72 bytes>"
//   },
//   "books_key": "<base64, 72 bytes>"             optional: the books' master key (crypto/
// }                                               keyring.h) wrapped under the KEK, once
//                                                 `amanat vault init` has moved it in here
//
// written canonically (RFC 8785: members sorted, no whitespace), base64 standard with padding
// (core/bytes.h). Parsing accepts any spelling of that value but no unknown or missing member.
struct VaultFile {
  std::string org_id;
  std::optional<PassphraseUnlock> passphrase;
  std::optional<SharesUnlock> shares;
  IntakeKey intake;
  // The books' master key wrapped under the KEK (nonce || ciphertext || tag), with additional
  // data "amanat-vault-v1" | org | "books-key" (length-prefixed). Absent while DIR/books.key
  // still holds it.
  std::optional<Bytes> books_key;

  // Canonical JSON (RFC 8785, core/canonical_json.h): one spelling per value.
  std::string to_json() const;
  // Strict: exact members, types, ranges and lengths; Errc::corrupt with the JSON path of the
  // first problem, Errc::invalid for an unsupported format version.
  static Result<VaultFile> parse(std::string_view json);
};

struct CreatedVault {
  VaultFile file;
  // One text per share holder, in share-number order (empty without a threshold). Shown once:
  // they are not stored anywhere, and the caller should wipe them after handing them out.
  std::vector<std::string> share_texts;
};

// A subject's data-encryption key, as stored: the DEK wrapped under the KEK with additional
// data binding the organisation, the subject id and `version`.
struct WrappedKey {
  std::uint32_t version = 1;
  Bytes sealed;  // nonce || ciphertext || tag (72 bytes)

  // version (4 bytes, big-endian) || sealed: the bytes to store beside the subject.
  Bytes encode() const;
  // Errc::corrupt unless exactly the length encode() gives.
  static Result<WrappedKey> decode(std::span<const std::uint8_t> bytes);
};

// An opened DEK. Move-only, wiped on destruction; obtained only from Vault::open_data_key.
class DataKey {
 public:
  DataKey(const DataKey&) = delete;
  DataKey& operator=(const DataKey&) = delete;
  DataKey(DataKey&& other) noexcept;
  DataKey& operator=(DataKey&& other) noexcept;
  ~DataKey();

  const std::string& subject_id() const { return subject_id_; }
  std::uint32_t version() const { return version_; }

 private:
  friend class Vault;
  friend struct VaultTestAccess;
  friend Bytes seal_field(const DataKey&, std::string_view, std::string_view, std::string_view,
                          std::string_view);
  friend Result<std::string> open_field(const DataKey&, std::string_view, std::string_view,
                                        std::string_view, std::span<const std::uint8_t>);
  DataKey() = default;
  std::string subject_id_;
  std::uint32_t version_ = 0;
  std::array<std::uint8_t, kVaultKeyBytes> key_{};
};

// Seals one field of one row: version (4 bytes, big-endian) || nonce || ciphertext || tag.
// The additional data binds the subject, table, field, row id and key version, each
// length-prefixed, so the ciphertext opens only in the place it was sealed for. Integer row ids
// should be passed in decimal.
Bytes seal_field(const DataKey& key, std::string_view table, std::string_view field,
                 std::string_view row_id, std::string_view plaintext);
// Errc::corrupt if `sealed` was made for another table, field, row, subject or key version,
// or with another key, or was altered or truncated.
Result<std::string> open_field(const DataKey& key, std::string_view table, std::string_view field,
                               std::string_view row_id, std::span<const std::uint8_t> sealed);

class Vault {
 public:
  // Makes a new KEK and intake key pair, wrapped under a passphrase, k-of-n shares, or both.
  // The shares' texts are returned once, in CreatedVault::share_texts.
  static Result<CreatedVault> create(std::string_view org_id,
                                     std::optional<std::string_view> passphrase,
                                     std::optional<Threshold> shares,
                                     const KdfLimits& limits = KdfLimits::moderate());

  // A sealed vault over `file` (from create() or VaultFile::parse()).
  explicit Vault(VaultFile file);
  ~Vault();  // seals
  Vault(const Vault&) = delete;
  Vault& operator=(const Vault&) = delete;

  // Unwrap the KEK and the intake secret key. Errc::forbidden for a wrong passphrase or shares
  // (or a method this vault does not have); Errc::invalid for share texts that do not parse or
  // combine (the message says which share); Errc::corrupt if the KEK opens but the rest of the
  // file does not (it was altered). Unsealing an unsealed vault checks the secret again.
  Status unseal_with_passphrase(std::string_view passphrase);
  Status unseal_with_shares(std::span<const std::string_view> share_texts);
  Status unseal_with_shares(std::span<const std::string> share_texts);
  // Wipes the KEK and the intake secret key. DataKeys already opened stay usable until their
  // holders destroy them.
  void seal();
  bool is_sealed() const;

  // The current file (changed by the set_/remove_ methods) and parts of it; usable sealed.
  VaultFile file() const;
  const std::string& org_id() const { return org_id_; }
  // The public key of the intake form. Taken from the file: it is checked against the wrapped
  // secret key when the vault is unsealed, so prefer a vault that has been unsealed once.
  IntakePublicKey intake_public_key() const;

  // A fresh random DEK for `subject_id` (non-empty), wrapped under the KEK. `version` is the
  // caller's counter for rotating a subject's key; it is bound into the wrapping and fields.
  Result<WrappedKey> new_data_key(std::string_view subject_id, std::uint32_t version = 1) const;
  // Errc::forbidden when sealed; Errc::corrupt if `wrapped` is not this organisation's DEK for
  // this subject and version.
  Result<DataKey> open_data_key(std::string_view subject_id, const WrappedKey& wrapped) const;

  // crypto_box_seal to the intake public key: needs no secret, works on a sealed vault (the
  // public form calls it). Errc::invalid if the public key is unusable (a low-order point).
  static Result<Bytes> seal_intake(const IntakePublicKey& public_key, std::string_view plaintext);
  // Errc::forbidden when sealed; Errc::corrupt if it is not a message sealed to this vault.
  Result<std::string> open_intake(std::span<const std::uint8_t> sealed) const;

  // Wraps the books' master key (crypto/keyring.h) under the KEK and returns the file to store;
  // the vault must be unsealed. The caller wipes `master`.
  Result<VaultFile> set_books_key(std::span<const std::uint8_t, kVaultKeyBytes> master);
  // The books' master key, unwrapped, into `out` (which the caller wipes). Errc::forbidden when
  // sealed; Errc::not_found if the file holds none; Errc::corrupt if it does not open.
  Status books_key(std::span<std::uint8_t, kVaultKeyBytes> out) const;
  // books_key() installed into `keys` (which unseals every copy of it), the key wiped on the way.
  Status install_books_key(Keyring& keys) const;

  // Re-wrap the same KEK (the vault must be unsealed) and return the new file to store. Old
  // copies of the file keep working with the old passphrase or shares: see the top comment.
  Result<VaultFile> set_passphrase(std::string_view passphrase,
                                   const KdfLimits& limits = KdfLimits::moderate());
  // A new split with a new set id; the previous shares stop opening the returned file.
  Result<CreatedVault> set_shares(Threshold threshold);
  // Errc::forbidden if it would leave the vault with no way to unseal.
  Result<VaultFile> remove_passphrase();
  Result<VaultFile> remove_shares();

 private:
  struct Secrets;
  friend struct VaultTestAccess;

  // Checks the intake key pair under `kek` and makes both the vault's secrets.
  Status install(std::span<const std::uint8_t> kek);
  // Views of the secrets; the caller holds mutex_ and has checked secrets_ is set.
  std::span<const std::uint8_t> kek() const;
  std::span<const std::uint8_t> intake_secret_key() const;

  // Writer-preferring locking: glibc's shared_mutex lets a steady stream of readers starve a
  // writer, and seal() must not wait behind a busy server. A writer holds gate_ while it waits
  // for the readers inside to leave, so no new reader gets in meanwhile.
  std::shared_lock<std::shared_mutex> read_lock() const;
  std::unique_lock<std::shared_mutex> write_lock() const;

  const std::string org_id_;
  mutable std::mutex gate_;
  mutable std::shared_mutex mutex_;
  VaultFile file_;                    // guarded by mutex_
  std::unique_ptr<Secrets> secrets_;  // guarded by mutex_; null when sealed
};

}  // namespace amanat::crypto
