// The books' secret keys: one 32-byte master key in DIR/books.key (mode 0600, kept apart from
// the database, so a copy of amanat.db alone yields neither pseudonyms' inputs nor sealed
// fields), from which libsodium's KDF derives one subkey per purpose:
//   1  donor pseudonyms: keyed BLAKE2b-256 of a normalised donor identifier, so repeat donors
//      can be counted without anyone — including whoever holds the database — being able to
//      test a phone number against it without the key;
//   2  sealed fields: XChaCha20-Poly1305 with additional data that binds the table, field and
//      row, so a ciphertext moved to another row does not open.
// Issue 4 moves the master key under the sealed key-encryption key; until then the file is the
// key, and `amanat backup` must treat it as secret.
//
// Thread-safety: immutable after load(); every method may be called from any thread.
// Failures: Errc::conflict if create() finds a key file; Errc::forbidden if the file is
// readable by others; Errc::corrupt for a malformed file or a ciphertext that does not open.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"

namespace amanat::crypto {

class Keyring {
 public:
  static Result<Keyring> create(const std::filesystem::path& file);
  static Result<Keyring> load(const std::filesystem::path& file);
  // A keyring from a fixed master key, for tests and benchmarks.
  static Keyring from_master(const std::array<std::uint8_t, 32>& master);

  // hex of the keyed BLAKE2b-256 of `normalised` (see books/identity.h for normalisation).
  std::string pseudonym(std::string_view normalised) const;
  // nonce || ciphertext || tag.
  Bytes seal(std::string_view plaintext, std::string_view ad) const;
  Result<std::string> open(std::span<const std::uint8_t> sealed, std::string_view ad) const;

 private:
  Keyring() = default;
  std::array<std::uint8_t, 32> pseudonym_key_{}, seal_key_{};
};

}  // namespace amanat::crypto
