#include "crypto/keyring.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <shared_mutex>

namespace amanat::crypto {

namespace {

constexpr char kContext[crypto_kdf_CONTEXTBYTES] = {'a', 'm', 'a', 'n', 'a', 't', 'b', 'k'};

std::string prefix(std::string_view kind) { return "amanat-" + std::string(kind) + "-key-v1 "; }

}  // namespace

struct Keyring::State {
  mutable std::shared_mutex mu;
  bool installed = false;  // guarded by mu, as are the keys
  std::array<std::uint8_t, 32> pseudonym_key{}, seal_key{}, commitment_key{};

  ~State() {
    sodium_memzero(pseudonym_key.data(), pseudonym_key.size());
    sodium_memzero(seal_key.data(), seal_key.size());
    sodium_memzero(commitment_key.data(), commitment_key.size());
  }
};

namespace {

const Error kSealedError{Errc::sealed,
                         "the books key is sealed in the vault: a director must unseal the vault first (the CLI "
                         "unseals it with the passphrase in AMANAT_VAULT_PASSPHRASE)"};

}  // namespace

Keyring Keyring::sealed() { return Keyring(std::make_shared<State>()); }

Keyring Keyring::from_master(const MasterKey& master) {
  Keyring k = sealed();
  k.install(master);
  return k;
}

void Keyring::install(const MasterKey& master) {
  std::unique_lock lock(state_->mu);
  crypto_kdf_derive_from_key(state_->pseudonym_key.data(), state_->pseudonym_key.size(), 1, kContext, master.data());
  crypto_kdf_derive_from_key(state_->seal_key.data(), state_->seal_key.size(), 2, kContext, master.data());
  crypto_kdf_derive_from_key(state_->commitment_key.data(), state_->commitment_key.size(), 3, kContext, master.data());
  state_->installed = true;
}

void Keyring::forget() {
  std::unique_lock lock(state_->mu);
  sodium_memzero(state_->pseudonym_key.data(), state_->pseudonym_key.size());
  sodium_memzero(state_->seal_key.data(), state_->seal_key.size());
  sodium_memzero(state_->commitment_key.data(), state_->commitment_key.size());
  state_->installed = false;
}

bool Keyring::is_sealed() const {
  std::shared_lock lock(state_->mu);
  return !state_->installed;
}

Status Keyring::ready() const {
  if (is_sealed()) return std::unexpected(kSealedError);
  return {};
}

Result<Keyring> Keyring::create(const std::filesystem::path& file, std::string_view kind) {
  MasterKey master;
  crypto_kdf_keygen(master.data());
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return fail(Errc::conflict, file.string() + " already exists; refusing to overwrite a key");
    return fail(Errc::unavailable, "cannot create " + file.string() + ": " + std::strerror(errno));
  }
  std::string text = prefix(kind) + to_hex(master) + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  sodium_memzero(text.data(), text.size());
  if (!ok) {
    sodium_memzero(master.data(), master.size());
    return fail(Errc::unavailable, "cannot write " + file.string());
  }
  Keyring k = from_master(master);
  sodium_memzero(master.data(), master.size());
  return k;
}

Result<MasterKey> Keyring::read_master(const std::filesystem::path& file, std::string_view kind) {
  struct stat st;
  if (::stat(file.c_str(), &st) != 0)
    return fail(Errc::not_found,
                "cannot read the " + std::string(kind) + " key " + file.string() + ": " + std::strerror(errno));
  if (st.st_mode & 077)
    return fail(Errc::forbidden, "the " + std::string(kind) + " key " + file.string() +
                                     " is readable by other users; run: chmod 600 " + file.string());
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(Errc::unavailable, "cannot open " + file.string() + ": " + std::strerror(errno));
  std::string text(256, '\0');
  ssize_t n = ::read(fd, text.data(), text.size());
  ::close(fd);
  if (n < 0) return fail(Errc::unavailable, "cannot read " + file.string());
  text.resize(static_cast<std::size_t>(n));
  const std::string want = prefix(kind);
  auto hex = std::string_view(text).substr(0, text.find('\n'));
  std::optional<Bytes> raw;
  if (hex.starts_with(want)) raw = from_hex(hex.substr(want.size()));
  sodium_memzero(text.data(), text.size());
  if (!raw || raw->size() != 32) {
    if (raw) sodium_memzero(raw->data(), raw->size());
    return fail(Errc::corrupt, file.string() + " is not an amanat " + std::string(kind) + " key");
  }
  MasterKey master;
  std::copy(raw->begin(), raw->end(), master.begin());
  sodium_memzero(raw->data(), raw->size());
  return master;
}

Result<Keyring> Keyring::load(const std::filesystem::path& file, std::string_view kind) {
  auto master = read_master(file, kind);
  if (!master) return err(master);
  Keyring k = from_master(*master);
  sodium_memzero(master->data(), master->size());
  return k;
}

Result<Keyring> Keyring::load_or_create(const std::filesystem::path& file, std::string_view kind) {
  auto k = load(file, kind);
  if (k || k.error().code != Errc::not_found) return k;
  k = create(file, kind);
  if (!k && k.error().code == Errc::conflict) return load(file, kind);
  return k;
}

namespace {

// hex of the BLAKE2b-256 of `message` keyed with `key` (one of a keyring's subkeys).
std::string keyed_hash(const std::array<std::uint8_t, 32>& key, std::string_view message) {
  std::array<std::uint8_t, 32> out;
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                     key.data(), key.size());
  return to_hex(out);
}

}  // namespace

Result<std::string> Keyring::pseudonym(std::string_view normalised) const {
  std::shared_lock lock(state_->mu);
  if (!state_->installed) return std::unexpected(kSealedError);
  return keyed_hash(state_->pseudonym_key, normalised);
}

Result<std::string> Keyring::commitment(std::string_view message) const {
  std::shared_lock lock(state_->mu);
  if (!state_->installed) return std::unexpected(kSealedError);
  return keyed_hash(state_->commitment_key, message);
}

Result<Bytes> Keyring::seal(std::string_view plaintext, std::string_view ad) const {
  Bytes out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  randombytes_buf(out.data(), crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long clen = 0;
  std::shared_lock lock(state_->mu);
  if (!state_->installed) return std::unexpected(kSealedError);
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen,
      reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, out.data(), state_->seal_key.data());
  return out;
}

Result<std::string> Keyring::open(std::span<const std::uint8_t> sealed, std::string_view ad) const {
  constexpr std::size_t kN = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  constexpr std::size_t kA = crypto_aead_xchacha20poly1305_ietf_ABYTES;
  if (sealed.size() < kN + kA) return fail(Errc::corrupt, "a sealed field is too short");
  std::string out(sealed.size() - kN - kA, '\0');
  unsigned long long mlen = 0;
  std::shared_lock lock(state_->mu);
  if (!state_->installed) return std::unexpected(kSealedError);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &mlen, nullptr, sealed.data() + kN, sealed.size() - kN,
          reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), sealed.data(), state_->seal_key.data()) != 0)
    return fail(Errc::corrupt, "a sealed field does not open with this key (wrong key, or moved or altered data)");
  out.resize(mlen);
  return out;
}

}  // namespace amanat::crypto
