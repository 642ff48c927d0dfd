// Time-based one-time passwords (RFC 6238, over HOTP of RFC 4226): the second factor of staff
// accounts, as shown by authenticator apps (Aegis, FreeOTP, Google Authenticator, ...).
//
// Enrolment: generate_totp_secret() makes a 20-byte secret, totp_provisioning_uri() turns it into
// the otpauth:// URI the app scans as a QR code, and the caller stores the secret (sealed: anyone
// who reads it can mint codes). Login: verify_totp() with the code the person typed, the current
// time and the last step accepted for this account; on success the caller stores the returned
// step, so the same code (or an older one) cannot be replayed.
//
// Secrets are encoded in RFC 4648 base32 without padding, uppercase only. The decoder is strict
// like the ones in core/bytes.h: it accepts exactly what to_base32() produces (no lowercase, no
// spaces, no padding, zero trailing bits), so a stored secret has one spelling. A form that lets
// a person type a secret should uppercase it and drop spaces before calling from_base32().
//
// Rate limiting is the caller's job: a 6-digit code with the ±1-step window is guessed with
// probability 3·10⁻⁶ per attempt, so the login must refuse after a handful of failures.
//
// Thread-safety: all functions are thread-safe (no shared state).
// Failures: Errc::invalid for a secret shorter than 16 bytes (RFC 4226 §4 requires 128 bits) or
// longer than 128, digits other than 6 or 8, a non-positive period, a time before 1970, a code
// that is not exactly `digits` ASCII digits, or an issuer/account that is empty, not UTF-8, or
// contains ':' or a control character; Errc::forbidden for a wrong code; Errc::conflict for a
// code of a step at or before last_used_step (a replay); Errc::internal if OpenSSL or libsodium
// fails.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"

namespace amanat::auth {

enum class OtpAlgorithm { sha1, sha256, sha512 };

// SHA1 / 6 digits / 30 s is what every authenticator app supports; the others exist for the RFC
// test vectors and for apps that support them, and are written into the provisioning URI.
struct TotpParams {
  OtpAlgorithm algorithm = OtpAlgorithm::sha1;
  int digits = 6;            // 6 or 8
  std::int64_t period = 30;  // seconds per step; T0 is the Unix epoch
};

inline constexpr std::size_t kTotpSecretBytes = 20;     // 160 bits, RFC 4226's recommendation
inline constexpr std::size_t kMinOtpSecretBytes = 16;   // RFC 4226 §4: at least 128 bits
inline constexpr std::size_t kMaxOtpSecretBytes = 128;  // longer keys are only hashed down

// A fresh random secret of kTotpSecretBytes from libsodium's CSPRNG.
Result<Bytes> generate_totp_secret();

// The secret's encoding is core/bytes.h's base32 (what authenticator apps expect).
using amanat::from_base32;
using amanat::to_base32;

// otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30, with
// issuer and account percent-encoded (UTF-8 bytes; everything but RFC 3986 unreserved
// characters). Neither may contain ':' (the Key URI format uses it to separate them).
Result<std::string> totp_provisioning_uri(std::string_view issuer, std::string_view account,
                                          std::span<const std::uint8_t> secret,
                                          const TotpParams& params = {});

// RFC 4226 HOTP value for `counter`, zero-padded to `digits`.
Result<std::string> hotp_code(std::span<const std::uint8_t> secret, std::uint64_t counter,
                              int digits = 6, OtpAlgorithm algorithm = OtpAlgorithm::sha1);

// RFC 6238 time step T = floor(unix_seconds / period).
Result<std::uint64_t> totp_step(std::int64_t unix_seconds, std::int64_t period = 30);

// The code an authenticator shows at `unix_seconds`.
Result<std::string> totp_code(std::span<const std::uint8_t> secret, std::int64_t unix_seconds,
                              const TotpParams& params = {});

// Checks `code` against the steps current-1, current and current+1 (RFC 6238 §5.2's allowance
// for clock skew and typing time). Steps <= last_used_step (nullopt: no code accepted yet) are
// refused: Errc::conflict if the code matches only such a step. Returns the accepted step, which
// the caller must store as the new last_used_step before letting the login proceed, and store
// with a compare-and-set on the old value, or two concurrent logins could both spend one code.
// If the code matches several acceptable steps, the latest is returned so that none of them can
// be replayed. All candidates are computed and compared in constant time (sodium_memcmp).
Result<std::uint64_t> verify_totp(std::span<const std::uint8_t> secret, std::string_view code,
                                  std::int64_t unix_seconds,
                                  std::optional<std::uint64_t> last_used_step,
                                  const TotpParams& params = {});

}  // namespace amanat::auth
