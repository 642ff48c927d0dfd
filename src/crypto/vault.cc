#include "crypto/vault.h"

#include "core/reasons.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <utility>

#include "core/canonical_json.h"
#include "core/utf8.h"

namespace amanat::crypto {

namespace {

using json = nlohmann::json;

constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::size_t kWrappedBytes = kNonce + kVaultKeyBytes + kTag;
constexpr std::string_view kFormat = "amanat-vault";
constexpr std::string_view kKdfName = "argon2id13";
constexpr std::string_view kSealedMessage =
    "the vault is sealed: unseal it with the passphrase or the shares first";

static_assert(crypto_box_SECRETKEYBYTES == kVaultKeyBytes);

// Memory for secrets from sodium_malloc: locked (not swapped out), with guard pages, wiped when
// freed. Used for the long-lived KEK and intake key, and for the rarely made wrapping keys.
class SecureBytes {
 public:
  explicit SecureBytes(std::size_t n) : p_(static_cast<std::uint8_t*>(sodium_malloc(n))), n_(n) {}
  ~SecureBytes() {
    if (!p_) return;
    sodium_mprotect_readwrite(p_);
    sodium_memzero(p_, n_);
    sodium_free(p_);
  }
  SecureBytes(const SecureBytes&) = delete;
  SecureBytes& operator=(const SecureBytes&) = delete;

  explicit operator bool() const { return p_ != nullptr; }
  std::uint8_t* data() { return p_; }
  const std::uint8_t* data() const { return p_; }
  std::size_t size() const { return n_; }
  std::span<const std::uint8_t> span() const { return {p_, n_}; }
  // After this, a stray write into the secret crashes instead of corrupting it.
  void make_readonly() { sodium_mprotect_readonly(p_); }

 private:
  std::uint8_t* p_;
  std::size_t n_;
};

std::unexpected<Error> out_of_secure_memory() {
  return fail(Errc::internal, "cannot allocate protected memory for a key (sodium_malloc)");
}

void put_u32be(std::uint8_t* out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) {
    out[i] = static_cast<std::uint8_t>(v);
    v >>= 8;
  }
}

std::uint32_t get_u32be(const std::uint8_t* in) {
  return std::uint32_t{in[0]} << 24 | std::uint32_t{in[1]} << 16 | std::uint32_t{in[2]} << 8 |
         in[3];
}

// Additional data as a sequence of length-prefixed strings and fixed-width integers, so no two
// different tuples encode alike ("a","bc" vs "ab","c").
class Ad {
 public:
  Ad& str(std::string_view s) {
    std::uint8_t len[8];
    put_u64be(len, s.size());
    b_.insert(b_.end(), len, len + 8);
    b_.insert(b_.end(), s.begin(), s.end());
    return *this;
  }
  Ad& bytes(std::span<const std::uint8_t> s) { return str(as_chars(s)); }
  Ad& u32(std::uint32_t v) {
    std::uint8_t x[4];
    put_u32be(x, v);
    b_.insert(b_.end(), x, x + 4);
    return *this;
  }
  std::span<const std::uint8_t> span() const { return b_; }

 private:
  Bytes b_;
};

// The AD of the KEK's wrapping, as specified: "amanat-vault-v1:" + org id + ":kek". Unambiguous
// although not length-prefixed: prefix and suffix are fixed, so it determines the org id.
Bytes kek_ad(std::string_view org) {
  std::string s = "amanat-vault-v1:" + std::string(org) + ":kek";
  return Bytes(s.begin(), s.end());
}

// The public key is bound too, so a public key swapped in the file stops the vault unsealing
// instead of silently redirecting intake messages to whoever swapped it.
Ad intake_ad(std::string_view org, std::uint32_t version, const IntakePublicKey& pk) {
  Ad ad;
  ad.str("amanat-vault-v1").str(org).str("intake").u32(version).bytes(pk);
  return ad;
}

Ad dek_ad(std::string_view org, std::string_view subject, std::uint32_t version) {
  Ad ad;
  ad.str("amanat-vault-v1").str(org).str("dek").str(subject).u32(version);
  return ad;
}

Ad books_key_ad(std::string_view org) {
  Ad ad;
  ad.str("amanat-vault-v1").str(org).str("books-key");
  return ad;
}

Ad field_ad(std::string_view subject, std::string_view table, std::string_view field,
            std::string_view row, std::uint32_t version) {
  Ad ad;
  ad.str("amanat-field-v1").str(subject).str(table).str(field).str(row).u32(version);
  return ad;
}

// nonce || ciphertext || tag.
Bytes aead_seal(std::span<const std::uint8_t> msg, std::span<const std::uint8_t> ad,
                std::span<const std::uint8_t> key) {
  Bytes out(kNonce + msg.size() + kTag);
  randombytes_buf(out.data(), kNonce);
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + kNonce, nullptr, msg.data(), msg.size(),
                                             ad.data(), ad.size(), nullptr, out.data(), key.data());
  return out;
}

// Writes sealed.size() - kNonce - kTag bytes to `out`; false if it does not authenticate.
bool aead_open(std::uint8_t* out, std::span<const std::uint8_t> sealed,
               std::span<const std::uint8_t> ad, std::span<const std::uint8_t> key) {
  if (sealed.size() < kNonce + kTag) return false;
  return crypto_aead_xchacha20poly1305_ietf_decrypt(out, nullptr, nullptr, sealed.data() + kNonce,
                                                    sealed.size() - kNonce, ad.data(), ad.size(),
                                                    sealed.data(), key.data()) == 0;
}

Status check_org_id(std::string_view org) {
  if (org.empty()) return fail(Errc::invalid, "the organisation id is empty");
  if (org.size() > kMaxOrgIdBytes)
    return fail(Errc::invalid, "the organisation id is longer than " +
                                   std::to_string(kMaxOrgIdBytes) + " bytes");
  if (!is_valid_utf8(org)) return fail(Errc::invalid, "the organisation id is not UTF-8");
  for (unsigned char c : org)
    if (c < 0x20 || c == 0x7F)
      return fail(Errc::invalid, "the organisation id contains a control character");
  return {};
}

Status check_limits(const KdfLimits& l) {
  if (l.opslimit < crypto_pwhash_OPSLIMIT_MIN || l.opslimit > kMaxKdfOpslimit ||
      l.memlimit < crypto_pwhash_MEMLIMIT_MIN || l.memlimit > kMaxKdfMemlimit)
    return fail(Errc::invalid, "Argon2id limits out of range: opslimit must be " +
                                   std::to_string(crypto_pwhash_OPSLIMIT_MIN) + ".." +
                                   std::to_string(kMaxKdfOpslimit) + " and memlimit " +
                                   std::to_string(crypto_pwhash_MEMLIMIT_MIN) + ".." +
                                   std::to_string(kMaxKdfMemlimit) + " bytes");
  return {};
}

Status check_threshold(const Threshold& t) {
  if (t.k < kMinShareThreshold || t.n > kMaxShares || t.k > t.n)
    return fail(Errc::invalid, "a k-of-n split needs 2 <= k <= n <= 255; got k=" +
                                   std::to_string(t.k) + ", n=" + std::to_string(t.n));
  return {};
}

Result<PassphraseUnlock> wrap_with_passphrase(std::string_view org,
                                              std::span<const std::uint8_t> kek,
                                              std::string_view passphrase,
                                              const KdfLimits& limits) {
  PassphraseUnlock p;
  randombytes_buf(p.salt.data(), p.salt.size());
  p.opslimit = limits.opslimit;
  p.memlimit = limits.memlimit;
  SecureBytes wk(kVaultKeyBytes);
  if (!wk) return out_of_secure_memory();
  if (crypto_pwhash(wk.data(), wk.size(), passphrase.data(), passphrase.size(), p.salt.data(),
                    p.opslimit, p.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return fail(Errc::unavailable, "Argon2id could not allocate the " +
                                       std::to_string(p.memlimit >> 20) +
                                       " MiB it needs to derive the key from the passphrase");
  p.wrapped_kek = aead_seal(kek, kek_ad(org), wk.span());
  return p;
}

Result<CreatedVault> wrap_with_shares(std::string_view org, std::span<const std::uint8_t> kek,
                                      const Threshold& t) {
  if (auto ok = check_threshold(t); !ok) return err(ok);
  SecureBytes wk(kVaultKeyBytes);
  if (!wk) return out_of_secure_memory();
  randombytes_buf(wk.data(), wk.size());
  auto shares = split(wk.span(), t.k, t.n);
  if (!shares) return err(shares);
  CreatedVault out;
  SharesUnlock s;
  s.k = t.k;
  s.n = t.n;
  s.set = shares->front().set;
  s.wrapped_kek = aead_seal(kek, kek_ad(org), wk.span());
  out.file.shares = std::move(s);
  for (auto& share : *shares) {
    out.share_texts.push_back(format_share(share));
    sodium_memzero(share.y.data(), share.y.size());
  }
  return out;
}

// --- VaultFile JSON (layout documented at VaultFile in vault.h) ---------------------------

Error corrupt_at(const std::string& path, const std::string& what) {
  return Error{Errc::corrupt, "vault file: " + path + ": " + what};
}

// The members of `obj` must be exactly `required` plus any of `optional`.
Status check_members(const json& obj, const std::string& path,
                     std::initializer_list<std::string_view> required,
                     std::initializer_list<std::string_view> optional = {}) {
  if (!obj.is_object()) return std::unexpected(corrupt_at(path, "not a JSON object"));
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    std::string_view key = it.key();
    if (std::find(required.begin(), required.end(), key) == required.end() &&
        std::find(optional.begin(), optional.end(), key) == optional.end())
      return std::unexpected(corrupt_at(path, "unexpected member \"" + it.key() + "\""));
  }
  for (auto key : required)
    if (!obj.contains(key))
      return std::unexpected(corrupt_at(path, "missing member \"" + std::string(key) + "\""));
  return {};
}

Result<std::string> get_string(const json& obj, const std::string& path, const char* key) {
  const json& v = obj.at(key);
  if (!v.is_string()) return std::unexpected(corrupt_at(path + "/" + key, "not a string"));
  return v.get<std::string>();
}

Result<std::uint64_t> get_uint(const json& obj, const std::string& path, const char* key,
                               std::uint64_t min, std::uint64_t max) {
  const json& v = obj.at(key);
  std::uint64_t x = 0;
  if (v.is_number_unsigned()) {
    x = v.get<std::uint64_t>();
  } else if (v.is_number_integer() && v.get<std::int64_t>() >= 0) {
    x = static_cast<std::uint64_t>(v.get<std::int64_t>());
  } else {
    return std::unexpected(corrupt_at(path + "/" + key, "not a non-negative integer"));
  }
  if (x < min || x > max)
    return std::unexpected(corrupt_at(path + "/" + key, std::to_string(x) + " is outside " +
                                                            std::to_string(min) + ".." +
                                                            std::to_string(max)));
  return x;
}

Result<Bytes> get_base64(const json& obj, const std::string& path, const char* key,
                         std::size_t size) {
  auto s = get_string(obj, path, key);
  if (!s) return err(s);
  auto b = from_base64(*s);
  if (!b || b->size() != size)
    return std::unexpected(corrupt_at(path + "/" + key,
                                      "not base64 of " + std::to_string(size) + " bytes"));
  return *b;
}

template <std::size_t N>
Result<std::array<std::uint8_t, N>> get_array(const json& obj, const std::string& path,
                                              const char* key) {
  auto b = get_base64(obj, path, key, N);
  if (!b) return err(b);
  std::array<std::uint8_t, N> out;
  std::copy(b->begin(), b->end(), out.begin());
  return out;
}

Result<PassphraseUnlock> parse_passphrase(const json& j, const std::string& path) {
  if (auto ok = check_members(j, path, {"kdf", "opslimit", "memlimit", "salt", "wrapped_kek"}); !ok)
    return err(ok);
  AMANAT_TRY(kdf, get_string(j, path, "kdf"));
  if (kdf != kKdfName)
    return std::unexpected(corrupt_at(path + "/kdf", "unknown key derivation \"" + kdf +
                                                         "\" (expected argon2id13)"));
  PassphraseUnlock p;
  AMANAT_TRY(ops, get_uint(j, path, "opslimit", crypto_pwhash_OPSLIMIT_MIN, kMaxKdfOpslimit));
  AMANAT_TRY(mem, get_uint(j, path, "memlimit", crypto_pwhash_MEMLIMIT_MIN, kMaxKdfMemlimit));
  AMANAT_TRY(salt, get_array<crypto_pwhash_SALTBYTES>(j, path, "salt"));
  AMANAT_TRY(wrapped, get_base64(j, path, "wrapped_kek", kWrappedBytes));
  p.opslimit = ops;
  p.memlimit = static_cast<std::size_t>(mem);
  p.salt = salt;
  p.wrapped_kek = std::move(wrapped);
  return p;
}

Result<SharesUnlock> parse_shares(const json& j, const std::string& path) {
  if (auto ok = check_members(j, path, {"k", "n", "set", "wrapped_kek"}); !ok)
    return err(ok);
  AMANAT_TRY(k, get_uint(j, path, "k", kMinShareThreshold, kMaxShares));
  AMANAT_TRY(n, get_uint(j, path, "n", kMinShareThreshold, kMaxShares));
  if (k > n)
    return std::unexpected(corrupt_at(path, "k (" + std::to_string(k) + ") is larger than n (" +
                                                std::to_string(n) + ")"));
  AMANAT_TRY(set_text, get_string(j, path, "set"));
  auto set = parse_share_set(set_text);
  if (!set) return std::unexpected(corrupt_at(path + "/set", "not 8 base32 characters"));
  AMANAT_TRY(wrapped, get_base64(j, path, "wrapped_kek", kWrappedBytes));
  SharesUnlock s;
  s.k = static_cast<int>(k);
  s.n = static_cast<int>(n);
  s.set = *set;
  s.wrapped_kek = std::move(wrapped);
  return s;
}

Result<IntakeKey> parse_intake(const json& j, const std::string& path) {
  if (auto ok = check_members(j, path, {"key_version", "public_key", "wrapped_secret_key"}); !ok)
    return err(ok);
  AMANAT_TRY(version, get_uint(j, path, "key_version", 0, UINT32_MAX));
  AMANAT_TRY(pk, get_array<crypto_box_PUBLICKEYBYTES>(j, path, "public_key"));
  AMANAT_TRY(wrapped, get_base64(j, path, "wrapped_secret_key", kWrappedBytes));
  IntakeKey key;
  key.version = static_cast<std::uint32_t>(version);
  key.public_key = pk;
  key.wrapped_secret_key = std::move(wrapped);
  return key;
}

}  // namespace

// --- VaultFile ------------------------------------------------------------------------------

std::string VaultFile::to_json() const {
  json unlock = json::object();
  if (passphrase)
    unlock["passphrase"] = {{"kdf", kKdfName},
                            {"opslimit", passphrase->opslimit},
                            {"memlimit", passphrase->memlimit},
                            {"salt", to_base64(passphrase->salt)},
                            {"wrapped_kek", to_base64(passphrase->wrapped_kek)}};
  if (shares)
    unlock["shares"] = {{"k", shares->k},
                        {"n", shares->n},
                        {"set", format_share_set(shares->set)},
                        {"wrapped_kek", to_base64(shares->wrapped_kek)}};
  json j = {{"format", kFormat},
            {"version", kVaultFormatVersion},
            {"org", org_id},
            {"unlock", std::move(unlock)},
            {"intake",
             {{"key_version", intake.version},
              {"public_key", to_base64(intake.public_key)},
              {"wrapped_secret_key", to_base64(intake.wrapped_secret_key)}}}};
  if (books_key) j["books_key"] = to_base64(*books_key);
  if (auto text = canonicalize(j)) return *text;
  // Only an org id that is not UTF-8 (which create() and parse() never produce) gets here.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<VaultFile> VaultFile::parse(std::string_view text) {
  auto parsed = parse_strict(text);
  if (!parsed)
    return fail(Errc::corrupt, "vault file is not valid JSON: " + parsed.error().message);
  const json& j = *parsed;
  const std::string root = "";
  if (!j.is_object() || !j.contains("format") || j["format"] != kFormat)
    return fail(Errc::corrupt, "not an amanat vault file (no \"format\": \"amanat-vault\")");
  if (!j.contains("version") || !j["version"].is_number_integer())
    return std::unexpected(corrupt_at("/version", "missing or not an integer"));
  if (j["version"] != kVaultFormatVersion)
    return fail(Errc::invalid, "vault file format version " + j["version"].dump() +
                                   " is not supported (this amanat reads version " +
                                   std::to_string(kVaultFormatVersion) + ")");
  if (auto ok = check_members(j, root, {"format", "version", "org", "unlock", "intake"}, {"books_key"}); !ok)
    return err(ok);
  VaultFile f;
  AMANAT_TRY(org, get_string(j, root, "org"));
  if (auto ok = check_org_id(org); !ok)
    return std::unexpected(corrupt_at("/org", ok.error().message));
  f.org_id = std::move(org);
  const json& unlock = j["unlock"];
  if (auto ok = check_members(unlock, "/unlock", {}, {"passphrase", "shares"}); !ok)
    return err(ok);
  if (unlock.empty())
    return std::unexpected(corrupt_at("/unlock", "no way to unseal the vault (no passphrase, "
                                                 "no shares)"));
  if (unlock.contains("passphrase")) {
    AMANAT_TRY(p, parse_passphrase(unlock["passphrase"], "/unlock/passphrase"));
    f.passphrase = std::move(p);
  }
  if (unlock.contains("shares")) {
    AMANAT_TRY(s, parse_shares(unlock["shares"], "/unlock/shares"));
    f.shares = std::move(s);
  }
  AMANAT_TRY(intake, parse_intake(j["intake"], "/intake"));
  f.intake = std::move(intake);
  if (j.contains("books_key")) {
    AMANAT_TRY(books, get_base64(j, root, "books_key", kWrappedBytes));
    f.books_key = std::move(books);
  }
  return f;
}

#undef AMANAT_TRY

// --- WrappedKey -----------------------------------------------------------------------------

Bytes WrappedKey::encode() const {
  Bytes out(4 + sealed.size());
  put_u32be(out.data(), version);
  std::copy(sealed.begin(), sealed.end(), out.begin() + 4);
  return out;
}

Result<WrappedKey> WrappedKey::decode(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != 4 + kWrappedBytes)
    return fail(Errc::corrupt, "a wrapped data key has " + std::to_string(4 + kWrappedBytes) +
                                   " bytes; this one has " + std::to_string(bytes.size()));
  return WrappedKey{get_u32be(bytes.data()), Bytes(bytes.begin() + 4, bytes.end())};
}

// --- DataKey and fields ---------------------------------------------------------------------

DataKey::DataKey(DataKey&& other) noexcept
    : subject_id_(std::move(other.subject_id_)), version_(other.version_), key_(other.key_) {
  sodium_memzero(other.key_.data(), other.key_.size());
}

DataKey& DataKey::operator=(DataKey&& other) noexcept {
  if (this != &other) {
    subject_id_ = std::move(other.subject_id_);
    version_ = other.version_;
    key_ = other.key_;
    sodium_memzero(other.key_.data(), other.key_.size());
  }
  return *this;
}

DataKey::~DataKey() { sodium_memzero(key_.data(), key_.size()); }

Bytes seal_field(const DataKey& key, std::string_view table, std::string_view field,
                 std::string_view row_id, std::string_view plaintext) {
  Ad ad = field_ad(key.subject_id_, table, field, row_id, key.version_);
  Bytes sealed = aead_seal(as_bytes(plaintext), ad.span(), key.key_);
  Bytes out(4 + sealed.size());
  put_u32be(out.data(), key.version_);
  std::copy(sealed.begin(), sealed.end(), out.begin() + 4);
  return out;
}

Result<std::string> open_field(const DataKey& key, std::string_view table, std::string_view field,
                               std::string_view row_id, std::span<const std::uint8_t> sealed) {
  if (sealed.size() < 4 + kNonce + kTag)
    return fail(Errc::corrupt, "a sealed field is too short (" + std::to_string(sealed.size()) +
                                   " bytes)");
  std::uint32_t version = get_u32be(sealed.data());
  if (version != key.version_)
    return fail(Errc::corrupt, "a sealed field is under key version " + std::to_string(version) +
                                   " but the key given is version " +
                                   std::to_string(key.version_));
  auto body = sealed.subspan(4);
  Ad ad = field_ad(key.subject_id_, table, field, row_id, key.version_);
  std::string out(body.size() - kNonce - kTag, '\0');
  if (!aead_open(reinterpret_cast<std::uint8_t*>(out.data()), body, ad.span(), key.key_))
    return fail(Errc::corrupt, "a sealed field does not open with this key: it belongs to another "
                               "row, field or subject, or was altered");
  return out;
}

// --- Vault ----------------------------------------------------------------------------------

// The unsealed state: KEK at [0, 32), intake secret key at [32, 64), read-only once filled.
struct Vault::Secrets {
  SecureBytes mem{2 * kVaultKeyBytes};
};

std::span<const std::uint8_t> Vault::kek() const {
  return secrets_->mem.span().first(kVaultKeyBytes);
}

std::span<const std::uint8_t> Vault::intake_secret_key() const {
  return secrets_->mem.span().subspan(kVaultKeyBytes);
}

std::shared_lock<std::shared_mutex> Vault::read_lock() const {
  std::lock_guard gate(gate_);
  return std::shared_lock(mutex_);
}

std::unique_lock<std::shared_mutex> Vault::write_lock() const {
  std::lock_guard gate(gate_);
  return std::unique_lock(mutex_);
}

Vault::Vault(VaultFile file) : org_id_(file.org_id), file_(std::move(file)) {}

Vault::~Vault() = default;  // secrets_ wipes itself

Result<CreatedVault> Vault::create(std::string_view org_id,
                                   std::optional<std::string_view> passphrase,
                                   std::optional<Threshold> shares, const KdfLimits& limits) {
  if (auto ok = check_org_id(org_id); !ok) return err(ok);
  if (!passphrase && !shares)
    return fail(Errc::invalid, "a vault needs a passphrase, k-of-n shares, or both");
  if (passphrase) {
    if (passphrase->size() < kMinPassphraseBytes)
      return fail(Errc::invalid, "the passphrase must be at least " +
                                     std::to_string(kMinPassphraseBytes) + " bytes long");
    if (auto ok = check_limits(limits); !ok) return err(ok);
  }
  if (shares)
    if (auto ok = check_threshold(*shares); !ok) return err(ok);

  SecureBytes kek(kVaultKeyBytes), intake_sk(crypto_box_SECRETKEYBYTES);
  if (!kek || !intake_sk) return out_of_secure_memory();
  randombytes_buf(kek.data(), kek.size());

  CreatedVault out;
  VaultFile& f = out.file;
  f.org_id = std::string(org_id);
  f.intake.version = 1;
  crypto_box_keypair(f.intake.public_key.data(), intake_sk.data());
  f.intake.wrapped_secret_key =
      aead_seal(intake_sk.span(), intake_ad(org_id, 1, f.intake.public_key).span(), kek.span());
  if (passphrase) {
    auto p = wrap_with_passphrase(org_id, kek.span(), *passphrase, limits);
    if (!p) return err(p);
    f.passphrase = std::move(*p);
  }
  if (shares) {
    auto s = wrap_with_shares(org_id, kek.span(), *shares);
    if (!s) return err(s);
    f.shares = std::move(s->file.shares);
    out.share_texts = std::move(s->share_texts);
  }
  return out;
}

Status Vault::install(std::span<const std::uint8_t> kek) {
  auto secrets = std::make_unique<Secrets>();
  if (!secrets->mem) return out_of_secure_memory();
  IntakeKey intake;
  {
    auto lock = read_lock();
    intake = file_.intake;
  }
  std::uint8_t* mem = secrets->mem.data();
  std::copy(kek.begin(), kek.end(), mem);
  std::uint8_t* sk = mem + kVaultKeyBytes;
  if (intake.wrapped_secret_key.size() != kWrappedBytes ||
      !aead_open(sk, intake.wrapped_secret_key,
                 intake_ad(org_id_, intake.version, intake.public_key).span(), kek))
    return fail(Errc::corrupt, "the vault key opens but the intake key does not: the vault file "
                               "was altered (its intake public key, version or organisation)");
  IntakePublicKey derived;
  crypto_scalarmult_base(derived.data(), sk);
  if (sodium_memcmp(derived.data(), intake.public_key.data(), derived.size()) != 0)
    return fail(Errc::corrupt, "the intake public key in the vault file does not match its "
                               "secret key: the file was altered");
  secrets->mem.make_readonly();
  auto lock = write_lock();
  secrets_ = std::move(secrets);  // the previous secrets, if any, are wiped here
  return {};
}

Status Vault::unseal_with_passphrase(std::string_view passphrase) {
  std::optional<PassphraseUnlock> p;
  {
    auto lock = read_lock();
    p = file_.passphrase;
  }
  if (!p) return fail(Errc::forbidden, "this vault has no passphrase; unseal it with the shares");
  SecureBytes wk(kVaultKeyBytes), kek(kVaultKeyBytes);
  if (!wk || !kek) return out_of_secure_memory();
  if (crypto_pwhash(wk.data(), wk.size(), passphrase.data(), passphrase.size(), p->salt.data(),
                    p->opslimit, p->memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return fail(Errc::unavailable, "Argon2id could not allocate the " +
                                       std::to_string(p->memlimit >> 20) +
                                       " MiB it needs to check the passphrase");
  if (p->wrapped_kek.size() != kWrappedBytes ||
      !aead_open(kek.data(), p->wrapped_kek, kek_ad(org_id_), wk.span()))
    return fail(reasons::vault_wrong_secret, "the passphrase does not unseal this vault (wrong passphrase, or "
                                             "the vault file was altered)");
  return install(kek.span());
}

Status Vault::unseal_with_shares(std::span<const std::string> share_texts) {
  std::vector<std::string_view> views(share_texts.begin(), share_texts.end());
  return unseal_with_shares(std::span<const std::string_view>(views));
}

Status Vault::unseal_with_shares(std::span<const std::string_view> share_texts) {
  std::optional<SharesUnlock> expected;
  {
    auto lock = read_lock();
    expected = file_.shares;
  }
  if (!expected)
    return fail(Errc::forbidden, "this vault has no shares; unseal it with the passphrase");
  std::vector<Share> shares;
  struct Wipe {
    std::vector<Share>& v;
    ~Wipe() {
      for (auto& s : v) sodium_memzero(s.y.data(), s.y.size());
    }
  } wipe{shares};
  const std::string want = format_share_set(expected->set);
  for (std::size_t i = 0; i < share_texts.size(); ++i) {
    const std::string which = "share " + std::to_string(i + 1);
    auto s = parse_share(share_texts[i]);
    if (!s) return std::unexpected(s.error().context(which));
    if (s->set != expected->set)
      return fail(reasons::vault_wrong_secret, which + " belongs to share set " + format_share_set(s->set) +
                                       ", not to this vault's set " + want +
                                       " (another organisation's, or an older split's)");
    if (s->k != expected->k)
      return fail(Errc::invalid, which + " says " + std::to_string(s->k) +
                                     " shares are needed but this vault's set " + want +
                                     " needs " + std::to_string(expected->k) +
                                     ": the share or the vault file was altered");
    shares.push_back(std::move(*s));
  }
  auto secret = combine(shares);
  if (!secret) return err(secret);
  SecureBytes wk(kVaultKeyBytes), kek(kVaultKeyBytes);
  bool right_size = secret->size() == kVaultKeyBytes;
  if (wk && right_size) std::copy(secret->begin(), secret->end(), wk.data());
  sodium_memzero(secret->data(), secret->size());
  if (!wk || !kek) return out_of_secure_memory();
  if (!right_size || expected->wrapped_kek.size() != kWrappedBytes ||
      !aead_open(kek.data(), expected->wrapped_kek, kek_ad(org_id_), wk.span()))
    return fail(reasons::vault_wrong_secret, "the shares combine but do not unseal this vault: a share was "
                                             "altered, or the vault file was");
  return install(kek.span());
}

void Vault::seal() {
  auto lock = write_lock();
  secrets_.reset();
}

bool Vault::is_sealed() const {
  auto lock = read_lock();
  return secrets_ == nullptr;
}

VaultFile Vault::file() const {
  auto lock = read_lock();
  return file_;
}

IntakePublicKey Vault::intake_public_key() const {
  auto lock = read_lock();
  return file_.intake.public_key;
}

Result<WrappedKey> Vault::new_data_key(std::string_view subject_id, std::uint32_t version) const {
  if (subject_id.empty()) return fail(Errc::invalid, "a data key needs a subject id");
  std::array<std::uint8_t, kVaultKeyBytes> dek;
  randombytes_buf(dek.data(), dek.size());
  auto lock = read_lock();
  if (!secrets_) {
    sodium_memzero(dek.data(), dek.size());
    return fail(reasons::sealed, std::string(kSealedMessage));
  }
  WrappedKey w{version, aead_seal(dek, dek_ad(org_id_, subject_id, version).span(), kek())};
  sodium_memzero(dek.data(), dek.size());
  return w;
}

Result<DataKey> Vault::open_data_key(std::string_view subject_id, const WrappedKey& wrapped) const {
  auto lock = read_lock();
  if (!secrets_) return fail(reasons::sealed, std::string(kSealedMessage));
  if (wrapped.sealed.size() != kWrappedBytes)
    return fail(Errc::corrupt, "a wrapped data key has the wrong length (" +
                                   std::to_string(wrapped.sealed.size()) + " bytes)");
  DataKey key;
  key.subject_id_ = std::string(subject_id);
  key.version_ = wrapped.version;
  if (!aead_open(key.key_.data(), wrapped.sealed,
                 dek_ad(org_id_, subject_id, wrapped.version).span(), kek()))
    return fail(Errc::corrupt, "the data key does not open: it is another subject's, version's or "
                               "organisation's, or was altered");
  return key;
}

Result<Bytes> Vault::seal_intake(const IntakePublicKey& public_key, std::string_view plaintext) {
  Bytes out(plaintext.size() + crypto_box_SEALBYTES);
  if (crypto_box_seal(out.data(), reinterpret_cast<const unsigned char*>(plaintext.data()),
                      plaintext.size(), public_key.data()) != 0)
    return fail(Errc::invalid, "the intake public key is not usable (a low-order point)");
  return out;
}

Result<std::string> Vault::open_intake(std::span<const std::uint8_t> sealed) const {
  auto lock = read_lock();
  if (!secrets_) return fail(reasons::sealed, std::string(kSealedMessage));
  if (sealed.size() < crypto_box_SEALBYTES)
    return fail(Errc::corrupt, "a sealed intake message is too short (" +
                                   std::to_string(sealed.size()) + " bytes)");
  std::string out(sealed.size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(out.data()), sealed.data(),
                           sealed.size(), file_.intake.public_key.data(),
                           intake_secret_key().data()) != 0)
    return fail(Errc::corrupt, "the intake message does not open: it was sealed to another key "
                               "or altered");
  return out;
}

Result<VaultFile> Vault::set_passphrase(std::string_view passphrase, const KdfLimits& limits) {
  if (passphrase.size() < kMinPassphraseBytes)
    return fail(Errc::invalid, "the passphrase must be at least " +
                                   std::to_string(kMinPassphraseBytes) + " bytes long");
  if (auto ok = check_limits(limits); !ok) return err(ok);
  SecureBytes kek_copy(kVaultKeyBytes);
  if (!kek_copy) return out_of_secure_memory();
  {
    // Copy the KEK so that Argon2 (up to seconds) runs without blocking readers.
    auto lock = read_lock();
    if (!secrets_) return fail(reasons::sealed, std::string(kSealedMessage));
    std::copy(kek().begin(), kek().end(), kek_copy.data());
  }
  auto p = wrap_with_passphrase(org_id_, kek_copy.span(), passphrase, limits);
  if (!p) return err(p);
  auto lock = write_lock();
  file_.passphrase = std::move(*p);
  return file_;
}

Result<CreatedVault> Vault::set_shares(Threshold threshold) {
  if (auto ok = check_threshold(threshold); !ok) return err(ok);
  auto lock = write_lock();
  if (!secrets_) return fail(reasons::sealed, std::string(kSealedMessage));
  auto s = wrap_with_shares(org_id_, kek(), threshold);
  if (!s) return err(s);
  file_.shares = std::move(s->file.shares);
  s->file = file_;
  return std::move(*s);
}

Result<VaultFile> Vault::set_books_key(std::span<const std::uint8_t, kVaultKeyBytes> master) {
  auto lock = write_lock();
  if (!secrets_) return fail(reasons::sealed, std::string(kSealedMessage));
  file_.books_key = aead_seal(master, books_key_ad(org_id_).span(), kek());
  return file_;
}

Status Vault::books_key(std::span<std::uint8_t, kVaultKeyBytes> out) const {
  auto lock = read_lock();
  if (!secrets_) return fail(reasons::sealed, std::string(kSealedMessage));
  if (!file_.books_key) return fail(Errc::not_found, "the vault holds no books key");
  if (file_.books_key->size() != kWrappedBytes ||
      !aead_open(out.data(), *file_.books_key, books_key_ad(org_id_).span(), kek()))
    return fail(Errc::corrupt, "the books key in the vault file does not open: the file was altered");
  return {};
}

Status Vault::install_books_key(Keyring& keys) const {
  MasterKey master;
  auto st = books_key(master);
  if (st) keys.install(master);
  sodium_memzero(master.data(), master.size());
  return st;
}

Result<VaultFile> Vault::remove_passphrase() {
  auto lock = write_lock();
  if (!secrets_) return fail(reasons::sealed, std::string(kSealedMessage));
  if (!file_.passphrase) return fail(Errc::not_found, "this vault has no passphrase to remove");
  if (!file_.shares)
    return fail(Errc::forbidden, "the passphrase is this vault's only way to unseal; set up "
                                 "shares before removing it");
  file_.passphrase.reset();
  return file_;
}

Result<VaultFile> Vault::remove_shares() {
  auto lock = write_lock();
  if (!secrets_) return fail(reasons::sealed, std::string(kSealedMessage));
  if (!file_.shares) return fail(Errc::not_found, "this vault has no shares to remove");
  if (!file_.passphrase)
    return fail(Errc::forbidden, "the shares are this vault's only way to unseal; set a "
                                 "passphrase before removing them");
  file_.shares.reset();
  return file_;
}

}  // namespace amanat::crypto
