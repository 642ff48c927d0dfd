#include "books/receipt_files.h"

#include <sodium.h>

#include <mutex>

#include "core/sha256.h"
#include "store/static_dir.h"

namespace amanat::books {

namespace fs = std::filesystem;

namespace {

bool is_sha256_hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

fs::path receipt_path(const fs::path& data_dir, std::string_view sha) { return data_dir / "receipts" / std::string(sha); }
fs::path salt_path(const fs::path& data_dir, std::string_view sha) {
  return data_dir / "receipts" / (std::string(sha) + ".salt");
}
std::string salt_ad(std::string_view sha) { return "receipt-salt:" + std::string(sha); }

// Salts are drawn under this lock, so two first uses of one file at once store one salt (one
// process writes a data directory: DataDir::lock_writer).
std::mutex salt_mu;

}  // namespace

Result<std::string> store_receipt(const fs::path& data_dir, const crypto::Keyring& keys,
                                  std::span<const std::uint8_t> data) {
  if (auto st = keys.ready(); !st) return err(st);
  if (data.empty()) return fail(Errc::invalid, "file: the file is empty");
  if (data.size() > kMaxReceiptBytes) return fail(Errc::invalid, "file: larger than 256 MiB");
  std::string sha = to_hex(sha256(data));
  fs::path dir = data_dir / "receipts";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(Errc::unavailable, "cannot create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, ec);  // 0700, as the data directory
  if (fs::exists(receipt_path(data_dir, sha), ec)) return sha;
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  auto sealed = keys.seal(text, "receipt:" + sha);
  if (!sealed) return err(sealed);
  if (auto st = store::write_file_atomic(receipt_path(data_dir, sha), *sealed, 0600); !st) return err(st);
  return sha;
}

bool receipt_stored(const fs::path& data_dir, std::string_view sha256_hex) {
  std::error_code ec;
  return is_sha256_hex(sha256_hex) && fs::is_regular_file(receipt_path(data_dir, sha256_hex), ec);
}

Result<Bytes> read_receipt(const fs::path& data_dir, const crypto::Keyring& keys, std::string_view sha256_hex) {
  if (!receipt_stored(data_dir, sha256_hex)) return fail(Errc::not_found, "no stored file with that SHA-256");
  auto sealed = store::read_file_bytes(receipt_path(data_dir, sha256_hex), kMaxReceiptBytes + 1024);
  if (!sealed) return err(sealed);
  auto plain = keys.open(*sealed, "receipt:" + std::string(sha256_hex));
  if (!plain && plain.error().code == Errc::sealed) return err(plain);
  if (!plain) return fail(Errc::corrupt, "the stored file " + std::string(sha256_hex) + " does not open");
  Bytes out(plain->begin(), plain->end());
  if (to_hex(sha256(out)) != sha256_hex)
    return fail(Errc::corrupt, "the stored file " + std::string(sha256_hex) + " does not match its hash");
  return out;
}

Result<std::string> file_commitment(std::string_view salt_hex, std::string_view sha256_hex) {
  if (!is_sha256_hex(salt_hex)) return fail_field("salt", "64 lower-case hex digits (32 bytes)");
  if (!is_sha256_hex(sha256_hex)) return fail_field("sha256", "64 lower-case hex digits");
  Sha256 h;
  h.update(std::string_view("amanat-file-v1:"));
  h.update(*from_hex(salt_hex));
  h.update(*from_hex(sha256_hex));
  return to_hex(h.final());
}

Result<std::optional<FileCommitment>> stored_commitment(const fs::path& data_dir, const crypto::Keyring& keys,
                                                        std::string_view sha256_hex) {
  if (!receipt_stored(data_dir, sha256_hex)) return fail(Errc::not_found, "no stored file with that SHA-256");
  // Only a salt known to be absent is absent: commit_file draws a new one then, and a salt
  // replaced would leave the records that committed with the old one unprovable.
  std::error_code ec;
  bool exists = fs::exists(salt_path(data_dir, sha256_hex), ec);
  if (ec) return fail(Errc::unavailable, "cannot look for the salt of a stored file: " + ec.message());
  if (!exists) return std::optional<FileCommitment>();
  AMANAT_TRY(sealed, store::read_file_bytes(salt_path(data_dir, sha256_hex), 1024));
  auto salt = keys.open(sealed, salt_ad(sha256_hex));
  if (!salt && salt.error().code == Errc::sealed) return err(salt);
  if (!salt || !is_sha256_hex(*salt))
    return fail(Errc::corrupt, "the salt of the stored file " + std::string(sha256_hex) + " does not open");
  AMANAT_TRY(commitment, file_commitment(*salt, sha256_hex));
  return FileCommitment{std::string(sha256_hex), std::move(*salt), std::move(commitment)};
}

Result<FileCommitment> commit_file(const fs::path& data_dir, const crypto::Keyring& keys, std::string_view sha256_hex) {
  if (auto st = keys.ready(); !st) return err(st);
  std::lock_guard lock(salt_mu);
  AMANAT_TRY(stored, stored_commitment(data_dir, keys, sha256_hex));
  if (stored) return std::move(*stored);
  std::uint8_t raw[32];
  randombytes_buf(raw, sizeof raw);
  std::string salt = to_hex(raw);
  sodium_memzero(raw, sizeof raw);
  AMANAT_TRY(sealed, keys.seal(salt, salt_ad(sha256_hex)));
  AMANAT_CHECK(store::write_file_atomic(salt_path(data_dir, sha256_hex), sealed, 0600));
  AMANAT_TRY(commitment, file_commitment(salt, sha256_hex));
  return FileCommitment{std::string(sha256_hex), std::move(salt), std::move(commitment)};
}

}  // namespace amanat::books
