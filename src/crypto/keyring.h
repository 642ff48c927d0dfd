// The books' secret keys: one 32-byte master key from which libsodium's KDF derives one subkey
// per purpose:
//   1  donor pseudonyms: keyed BLAKE2b-256 of a normalised donor identifier, so repeat donors
//      can be counted without anyone — including whoever holds the database — being able to
//      test a phone number against it without the key;
//   2  sealed fields: XChaCha20-Poly1305 with additional data that binds the table, field and
//      row, so a ciphertext moved to another row does not open;
//   3  keyed commitments: keyed BLAKE2b-256 of a message the caller prefixes with its purpose,
//      for values the public may see but must not be able to test a guess against (the access
//      trail's anchors on the log, identity/trail_anchor.h, under the accounts key).
//
// Where the master key lives:
//   - DIR/books.key (mode 0600), the file create() writes: a new data directory starts so, and
//     a copy of amanat.db alone yields neither pseudonyms' inputs nor sealed fields.
//   - Once the organisation has a vault, `amanat vault init` wraps the master key under the
//     vault's key-encryption key (crypto/vault.h, VaultFile::books_key) and removes books.key,
//     so a server seized while off yields no payee, receipt scan or pseudonym key. The process
//     then starts with a sealed Keyring (sealed()), and unsealing the vault install()s the key;
//     sealing it again forget()s it.
//   - Staff accounts' TOTP secrets are sealed under a keyring of their own, DIR/accounts.key
//     (the same file format with the word "accounts"): directors must be able to log in, TOTP
//     included, to unseal the vault, so that key cannot be inside it.
//
// A Keyring is a handle: copies share one key state, so installing the key through one copy
// (the vault's unseal) unseals every component that holds a copy. While sealed, every keyed
// operation fails with Errc::sealed and changes nothing.
//
// Thread-safety: every method may be called from any thread; install() and forget() wait for
// keyed operations in progress (microseconds).
// Failures: Errc::conflict if create() finds a key file; Errc::forbidden if the file is
// readable by others; Errc::corrupt for a malformed file or a ciphertext that does not open;
// Errc::sealed while the key is not installed.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"

namespace amanat::crypto {

using MasterKey = std::array<std::uint8_t, 32>;

class Keyring {
 public:
  // `kind` names the key in its file's first word ("amanat-<kind>-key-v1 <hex>") and in errors:
  // "books" (DIR/books.key) or "accounts" (DIR/accounts.key).
  static Result<Keyring> create(const std::filesystem::path& file, std::string_view kind = "books");
  static Result<Keyring> load(const std::filesystem::path& file, std::string_view kind = "books");
  // load(), or create() if there is no such file (a concurrent creator wins and is loaded).
  static Result<Keyring> load_or_create(const std::filesystem::path& file, std::string_view kind);
  // The master key in `file`, for wrapping it into the vault. The caller wipes it.
  static Result<MasterKey> read_master(const std::filesystem::path& file, std::string_view kind = "books");
  // A keyring from a fixed master key, for tests and benchmarks (and the vault's unwrapped key).
  static Keyring from_master(const MasterKey& master);
  // A keyring with no key yet: every keyed operation fails with Errc::sealed until install().
  static Keyring sealed();

  // Derives the subkeys from `master` (which the caller wipes) and unseals every copy.
  void install(const MasterKey& master);
  // Wipes the subkeys; every copy is sealed until the next install().
  void forget();
  bool is_sealed() const;
  // Errc::sealed (with what to do) unless the key is installed: for operations that will need
  // the key later, to refuse before they change anything.
  Status ready() const;

  // hex of the keyed BLAKE2b-256 of `normalised` (see books/identity.h for normalisation).
  Result<std::string> pseudonym(std::string_view normalised) const;
  // hex of the keyed BLAKE2b-256 of `message` under subkey 3 (never the pseudonyms' subkey, so a
  // commitment can never equal a donor's pseudonym). `message` starts with a prefix naming its
  // purpose and version ("amanat-trail-anchor-v1:..."), so commitments for two purposes never
  // collide.
  Result<std::string> commitment(std::string_view message) const;
  // nonce || ciphertext || tag.
  Result<Bytes> seal(std::string_view plaintext, std::string_view ad) const;
  Result<std::string> open(std::span<const std::uint8_t> sealed, std::string_view ad) const;

 private:
  struct State;
  explicit Keyring(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace amanat::crypto
