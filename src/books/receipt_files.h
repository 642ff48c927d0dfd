// Receipt and evidence files (a lawyer's invoice, a hotel bill, a signed confirmation): kept
// sealed in the data directory, named by their SHA-256, and committed to on the public log with
// a secret salt.
//
// A file is stored at DIR/receipts/<sha256 hex>, sealed with the books key (crypto/keyring.h)
// under additional data "receipt:<sha256 hex>", so a file renamed to another hash does not
// open. Only the books key opens the stored copy. Storing the same file twice is harmless (same
// name, same content). The private database names a file by its SHA-256 too.
//
// The log carries a commitment instead of the SHA-256 (docs/log-format.md): with the plain
// hash there, anyone holding a guessed document (a survivor's statement, a clinic's bill) could
// confirm that the organisation holds it. The commitment is
//   SHA-256("amanat-file-v1:" || salt || SHA-256(file)),
// salt and digest as 32 raw bytes each, the salt 32 random bytes drawn at the file's first use
// and kept sealed beside it (DIR/receipts/<sha256 hex>.salt, additional data
// "receipt-salt:<sha256 hex>"). Each later use of the file gets the same commitment (so two
// records naming one file can still be seen to name the same one, as before). To prove a file
// to a court, the organisation reveals the salt (`amanat file reveal`): anyone then recomputes
// the commitment from the file and finds it in the leaf (`amanat file verify`). Leaves written
// before salted commitments carry the plain SHA-256 and stay valid.
//
// Used by the CLI (`expense add --receipt`, `expense receipt`, `expense confirm --evidence`,
// `file ...`) and the API (POST .../files, receipts, confirmations).
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include "core/bytes.h"
#include "core/error.h"
#include "crypto/keyring.h"

namespace amanat::books {

inline constexpr std::size_t kMaxReceiptBytes = std::size_t(256) << 20;

// Seals and stores `data` under `data_dir`; returns its SHA-256 in lowercase hex.
Result<std::string> store_receipt(const std::filesystem::path& data_dir, const crypto::Keyring& keys,
                                  std::span<const std::uint8_t> data);

// Whether a file with this SHA-256 (lowercase hex) is stored. False for anything not 64 hex digits.
bool receipt_stored(const std::filesystem::path& data_dir, std::string_view sha256_hex);

// The stored file, opened and checked against its name: Errc::not_found if absent,
// Errc::corrupt if it does not open or does not hash to its name.
Result<Bytes> read_receipt(const std::filesystem::path& data_dir, const crypto::Keyring& keys,
                           std::string_view sha256_hex);

// A file as the log commits to it.
struct FileCommitment {
  std::string sha256;      // the file's SHA-256, hex: its name here and in the private database
  std::string salt;        // 32 random bytes, hex; sealed beside the file
  std::string commitment;  // file_commitment(salt, sha256): what goes on the log
};

// hex SHA-256 of "amanat-file-v1:" || salt || digest, salt and digest as 32 raw bytes each.
// Errc::invalid (naming the argument) unless both are 64 lower-case hex digits.
Result<std::string> file_commitment(std::string_view salt_hex, std::string_view sha256_hex);

// The stored file's commitment, drawing and storing its salt on first use (also for a file
// stored before salted commitments). Errc::not_found if no file with that SHA-256 is stored;
// Errc::sealed while the books key is; Errc::corrupt if the stored salt does not open.
// Thread-safe: two first uses of one file at once get one salt.
Result<FileCommitment> commit_file(const std::filesystem::path& data_dir, const crypto::Keyring& keys,
                                   std::string_view sha256_hex);
// The same, but never drawing a salt: nullopt when the file has none (it was never committed
// to with one). For revealing.
Result<std::optional<FileCommitment>> stored_commitment(const std::filesystem::path& data_dir,
                                                        const crypto::Keyring& keys, std::string_view sha256_hex);

}  // namespace amanat::books
