// Receipt and evidence files (a lawyer's invoice, a hotel bill, a signed confirmation): kept
// sealed in the data directory, named by their SHA-256, which is what goes on the public log.
//
// A file is stored at DIR/receipts/<sha256 hex>, sealed with the books key (crypto/keyring.h)
// under additional data "receipt:<sha256 hex>", so a file renamed to another hash does not
// open. Anyone holding the file can check it against the log by hashing it; only the books key
// opens the stored copy. Storing the same file twice is harmless (same name, same content).
//
// Used by the CLI (`expense receipt`, `expense confirm --evidence`) and the API (POST .../files).
#pragma once

#include <filesystem>
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

}  // namespace amanat::books
