#include "auth/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <array>
#include <limits>

#include "core/utf8.h"

namespace amanat::auth {

namespace {


Status sodium_ready() {
  // sodium_init() is thread-safe and idempotent; it returns 1 when already initialised.
  static const bool ok = sodium_init() >= 0;
  if (!ok) return fail(Errc::internal, "libsodium failed to initialise");
  return {};
}

Status check_secret(std::span<const std::uint8_t> secret) {
  if (secret.size() < kMinOtpSecretBytes || secret.size() > kMaxOtpSecretBytes)
    return fail(Errc::invalid, "a one-time-password secret must be " +
                                   std::to_string(kMinOtpSecretBytes) + " to " +
                                   std::to_string(kMaxOtpSecretBytes) + " bytes, not " +
                                   std::to_string(secret.size()));
  return {};
}

Status check_digits(int digits) {
  // Authenticator apps show 6 or 8; RFC 4226 allows 7 too, but no app we know of does.
  if (digits != 6 && digits != 8)
    return fail(Errc::invalid, "one-time codes have 6 or 8 digits, not " + std::to_string(digits));
  return {};
}

const EVP_MD* digest(OtpAlgorithm a) {
  switch (a) {
    case OtpAlgorithm::sha1: return EVP_sha1();
    case OtpAlgorithm::sha256: return EVP_sha256();
    case OtpAlgorithm::sha512: return EVP_sha512();
  }
  return nullptr;
}

const char* algorithm_name(OtpAlgorithm a) {
  switch (a) {
    case OtpAlgorithm::sha1: return "SHA1";
    case OtpAlgorithm::sha256: return "SHA256";
    case OtpAlgorithm::sha512: return "SHA512";
  }
  return "?";
}

// RFC 3986 §2.3 unreserved characters pass; every other byte of the UTF-8 becomes %XX.
std::string percent_encode(std::string_view s) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

Status check_label_part(std::string_view what, std::string_view s) {
  if (s.empty()) return fail(Errc::invalid, std::string(what) + " must not be empty");
  if (!is_valid_utf8(s)) return fail(Errc::invalid, std::string(what) + " is not valid UTF-8");
  for (unsigned char c : s) {
    if (c == ':')
      return fail(Errc::invalid, std::string(what) +
                                     " must not contain ':' (it separates issuer and account)");
    if (c < 0x20 || c == 0x7F)
      return fail(Errc::invalid, std::string(what) + " must not contain control characters");
  }
  return {};
}

Status check_params(const TotpParams& p) {
  if (auto s = check_digits(p.digits); !s) return s;
  if (p.period <= 0)
    return fail(Errc::invalid, "the TOTP period must be positive, not " + std::to_string(p.period));
  if (!digest(p.algorithm)) return fail(Errc::invalid, "unknown one-time-password algorithm");
  return {};
}

// HOTP without argument checks: callers have validated the secret and the digit count.
Status hotp_into(std::span<const std::uint8_t> secret, std::uint64_t counter, int digits,
                 OtpAlgorithm algorithm, std::array<char, 8>& out) {
  std::uint8_t message[8];
  put_u64be(message, counter);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (!HMAC(digest(algorithm), secret.data(), static_cast<int>(secret.size()), message,
            sizeof message, mac, &mac_len) ||
      mac_len < 20)
    return fail(Errc::internal, "OpenSSL HMAC failed");
  // RFC 4226 §5.3 dynamic truncation: the low nibble of the last byte picks 4 bytes, whose top
  // bit is cleared so the value means the same signed or unsigned.
  unsigned offset = mac[mac_len - 1] & 0x0F;
  std::uint32_t bin = (std::uint32_t{mac[offset]} & 0x7F) << 24 |
                      std::uint32_t{mac[offset + 1]} << 16 | std::uint32_t{mac[offset + 2]} << 8 |
                      std::uint32_t{mac[offset + 3]};
  sodium_memzero(mac, sizeof mac);
  for (int i = digits - 1; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>('0' + bin % 10);
    bin /= 10;
  }
  return {};
}

}  // namespace

Result<Bytes> generate_totp_secret() {
  if (auto s = sodium_ready(); !s) return err(s);
  Bytes secret(kTotpSecretBytes);
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

Result<std::string> totp_provisioning_uri(std::string_view issuer, std::string_view account,
                                          std::span<const std::uint8_t> secret,
                                          const TotpParams& params) {
  if (auto s = check_label_part("the issuer", issuer); !s) return err(s);
  if (auto s = check_label_part("the account name", account); !s)
    return err(s);
  if (auto s = check_secret(secret); !s) return err(s);
  if (auto s = check_params(params); !s) return err(s);
  // The issuer goes both in the label (older apps read only that) and in the parameter (which the
  // Key URI format says wins).
  std::string encoded_issuer = percent_encode(issuer);
  std::string uri = "otpauth://totp/";
  uri += encoded_issuer;
  uri += ':';
  uri += percent_encode(account);
  uri += "?secret=";
  uri += to_base32(secret);
  uri += "&issuer=";
  uri += encoded_issuer;
  uri += "&algorithm=";
  uri += algorithm_name(params.algorithm);
  uri += "&digits=";
  uri += std::to_string(params.digits);
  uri += "&period=";
  uri += std::to_string(params.period);
  return uri;
}

Result<std::string> hotp_code(std::span<const std::uint8_t> secret, std::uint64_t counter,
                              int digits, OtpAlgorithm algorithm) {
  if (auto s = check_secret(secret); !s) return err(s);
  if (auto s = check_digits(digits); !s) return err(s);
  if (!digest(algorithm)) return fail(Errc::invalid, "unknown one-time-password algorithm");
  std::array<char, 8> code{};
  if (auto s = hotp_into(secret, counter, digits, algorithm, code); !s)
    return err(s);
  return std::string(code.data(), static_cast<std::size_t>(digits));
}

Result<std::uint64_t> totp_step(std::int64_t unix_seconds, std::int64_t period) {
  if (period <= 0)
    return fail(Errc::invalid, "the TOTP period must be positive, not " + std::to_string(period));
  if (unix_seconds < 0) return fail(Errc::invalid, "TOTP is undefined for times before 1970");
  return static_cast<std::uint64_t>(unix_seconds / period);
}

Result<std::string> totp_code(std::span<const std::uint8_t> secret, std::int64_t unix_seconds,
                              const TotpParams& params) {
  if (auto s = check_params(params); !s) return err(s);
  auto step = totp_step(unix_seconds, params.period);
  if (!step) return err(step);
  return hotp_code(secret, *step, params.digits, params.algorithm);
}

Result<std::uint64_t> verify_totp(std::span<const std::uint8_t> secret, std::string_view code,
                                  std::int64_t unix_seconds,
                                  std::optional<std::uint64_t> last_used_step,
                                  const TotpParams& params) {
  if (auto s = check_secret(secret); !s) return err(s);
  if (auto s = check_params(params); !s) return err(s);
  if (auto s = sodium_ready(); !s) return err(s);
  // The length is not secret (it is fixed by the parameters), so an early return leaks nothing.
  bool well_formed = code.size() == static_cast<std::size_t>(params.digits);
  for (char c : code) well_formed = well_formed && c >= '0' && c <= '9';
  if (!well_formed)
    return fail(Errc::invalid,
                "a one-time code is exactly " + std::to_string(params.digits) + " digits");
  auto current = totp_step(unix_seconds, params.period);
  if (!current) return err(current);

  std::optional<std::uint64_t> accepted;
  bool replayed = false;
  // Earliest first, so a later match overwrites: the latest acceptable step wins.
  for (int delta = -1; delta <= 1; ++delta) {
    if (delta < 0 && *current == 0) continue;
    if (delta > 0 && *current == std::numeric_limits<std::uint64_t>::max()) continue;
    std::uint64_t step = delta < 0 ? *current - 1 : *current + static_cast<std::uint64_t>(delta);
    std::array<char, 8> expected{};
    if (auto s = hotp_into(secret, step, params.digits, params.algorithm, expected); !s)
      return err(s);
    bool match = sodium_memcmp(expected.data(), code.data(),
                               static_cast<std::size_t>(params.digits)) == 0;
    sodium_memzero(expected.data(), expected.size());
    if (!match) continue;
    if (last_used_step && step <= *last_used_step) {
      replayed = true;
    } else {
      accepted = step;
    }
  }
  if (accepted) return *accepted;
  if (replayed) return fail(Errc::conflict, "this one-time code has already been used");
  return fail(Errc::forbidden, "the one-time code is wrong or has expired");
}

}  // namespace amanat::auth
