#include "crypto/keyring.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace amanat::crypto {

namespace {

constexpr char kContext[crypto_kdf_CONTEXTBYTES] = {'a', 'm', 'a', 'n', 'a', 't', 'b', 'k'};

}  // namespace

Keyring Keyring::from_master(const std::array<std::uint8_t, 32>& master) {
  Keyring k;
  crypto_kdf_derive_from_key(k.pseudonym_key_.data(), k.pseudonym_key_.size(), 1, kContext, master.data());
  crypto_kdf_derive_from_key(k.seal_key_.data(), k.seal_key_.size(), 2, kContext, master.data());
  return k;
}

Result<Keyring> Keyring::create(const std::filesystem::path& file) {
  std::array<std::uint8_t, 32> master;
  crypto_kdf_keygen(master.data());
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return fail(Errc::conflict, file.string() + " already exists; refusing to overwrite a key");
    return fail(Errc::unavailable, "cannot create " + file.string() + ": " + std::strerror(errno));
  }
  std::string text = "amanat-books-key-v1 " + to_hex(master) + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  sodium_memzero(text.data(), text.size());
  if (!ok) return fail(Errc::unavailable, "cannot write " + file.string());
  Keyring k = from_master(master);
  sodium_memzero(master.data(), master.size());
  return k;
}

Result<Keyring> Keyring::load(const std::filesystem::path& file) {
  struct stat st;
  if (::stat(file.c_str(), &st) != 0)
    return fail(Errc::not_found, "cannot read the books key " + file.string() + ": " + std::strerror(errno));
  if (st.st_mode & 077)
    return fail(Errc::forbidden, "the books key " + file.string() + " is readable by other users; run: chmod 600 " +
                                     file.string());
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(Errc::unavailable, "cannot open " + file.string() + ": " + std::strerror(errno));
  std::string text(256, '\0');
  ssize_t n = ::read(fd, text.data(), text.size());
  ::close(fd);
  if (n < 0) return fail(Errc::unavailable, "cannot read " + file.string());
  text.resize(static_cast<std::size_t>(n));
  constexpr std::string_view kPrefix = "amanat-books-key-v1 ";
  auto hex = std::string_view(text).substr(0, text.find('\n'));
  std::optional<Bytes> raw;
  if (hex.starts_with(kPrefix)) raw = from_hex(hex.substr(kPrefix.size()));
  sodium_memzero(text.data(), text.size());
  if (!raw || raw->size() != 32) return fail(Errc::corrupt, file.string() + " is not an amanat books key");
  std::array<std::uint8_t, 32> master;
  std::copy(raw->begin(), raw->end(), master.begin());
  sodium_memzero(raw->data(), raw->size());
  Keyring k = from_master(master);
  sodium_memzero(master.data(), master.size());
  return k;
}

std::string Keyring::pseudonym(std::string_view normalised) const {
  std::array<std::uint8_t, 32> out;
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(normalised.data()),
                     normalised.size(), pseudonym_key_.data(), pseudonym_key_.size());
  return to_hex(out);
}

Bytes Keyring::seal(std::string_view plaintext, std::string_view ad) const {
  Bytes out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  randombytes_buf(out.data(), crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen,
      reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, out.data(), seal_key_.data());
  return out;
}

Result<std::string> Keyring::open(std::span<const std::uint8_t> sealed, std::string_view ad) const {
  constexpr std::size_t kN = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  constexpr std::size_t kA = crypto_aead_xchacha20poly1305_ietf_ABYTES;
  if (sealed.size() < kN + kA) return fail(Errc::corrupt, "a sealed field is too short");
  std::string out(sealed.size() - kN - kA, '\0');
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &mlen, nullptr, sealed.data() + kN, sealed.size() - kN,
          reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), sealed.data(), seal_key_.data()) != 0)
    return fail(Errc::corrupt, "a sealed field does not open with this key (wrong key, or moved or altered data)");
  out.resize(mlen);
  return out;
}

}  // namespace amanat::crypto
