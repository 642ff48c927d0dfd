#include "books/receipt_files.h"

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

}  // namespace amanat::books
