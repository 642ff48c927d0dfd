// Shamir secret sharing over GF(2^8), so that no single person holds the organisation's key:
// a secret of L bytes is split into n shares of L bytes each, any k of which give the secret
// back and any k-1 of which say nothing at all about it (every secret is equally consistent
// with them). 2 <= k <= n <= 255.
//
// Each byte of the secret is the constant term of its own random polynomial of degree k-1 over
// GF(2^8) with the AES polynomial x^8+x^4+x^3+x+1 (0x11B); share number x (1..n) holds the
// polynomials' values at x. Coefficients come from randombytes_buf. The field arithmetic is a
// bitwise multiply and an inverse by exponentiation (a^254), with no branches or table lookups
// that depend on the secret, so its timing does not leak the shares' values.
//
// The text form of a share, for a director to write down or keep in a password manager:
//
//   amanat-share-v1-<k>-<x>-<set>-<y>-<check>
//
//   k      the threshold, decimal 2..255 (so a holder knows how many others are needed)
//   x      the share number, decimal 1..255
//   set    the share-set id: 5 random bytes, the same in every share of one split, so shares
//          of different splits (an older split, another organisation) are refused by name
//          instead of combining into garbage; 8 characters of base32
//   y      the share's value, base32 (RFC 4648 alphabet a-z 2-7, lowercase, no padding)
//   check  the first 5 bytes of BLAKE2b of everything before the last '-', base32: a typo
//          anywhere is reported as a typo before any combining is attempted
//
// Parsing ignores case and surrounding whitespace (handwriting, password managers) and is
// otherwise strict. The checksum only catches mistakes: it is not a signature, and a share
// that was altered on purpose (checksum recomputed) is caught by whatever checks the combined
// secret (the vault's authenticated encryption), or by combine() when more than k shares are
// given and they disagree.
//
// Shares are secret: Share::y and share texts should be wiped by the caller once used.
//
// Thread-safety: all functions are pure apart from reading the system RNG; safe to call from
// any thread. libsodium must have been initialised (sodium_init()).
//
// Failures, all Errc::invalid with a message that names the share by its position (1-based)
// in the input: split with k or n out of range or an empty secret; parse_share with a missing
// prefix, the wrong number of parts, a checksum mismatch (a typo), a bad number or base32;
// combine with no shares, shares of different sets or thresholds, shares of different lengths,
// two shares with the same number, fewer than k distinct shares, or more than k that disagree.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace amanat::crypto {

// Field arithmetic in GF(2^8) mod 0x11B, exposed for known-answer tests.
std::uint8_t gf256_mul(std::uint8_t a, std::uint8_t b);
// The multiplicative inverse; gf256_inv(0) is 0 (a^254, which has no inverse to give).
std::uint8_t gf256_inv(std::uint8_t a);

inline constexpr std::size_t kShareSetIdBytes = 5;
using ShareSetId = std::array<std::uint8_t, kShareSetIdBytes>;

inline constexpr int kMinShareThreshold = 2;
inline constexpr int kMaxShares = 255;

struct Share {
  std::uint8_t k = 0;  // threshold of the split this share belongs to
  std::uint8_t x = 0;  // share number, 1..255
  ShareSetId set{};    // identifies the split
  Bytes y;             // the polynomials' values at x, one byte per byte of the secret
};

// Splits `secret` into shares numbered 1..n, any k of which recover it. All shares get one
// fresh random set id.
Result<std::vector<Share>> split(std::span<const std::uint8_t> secret, int k, int n);

// Recovers the secret from at least k distinct shares of one set. The first k shares (in the
// order given) determine the secret; any further shares must agree with them.
Result<Bytes> combine(std::span<const Share> shares);

// The text form described above, and its strict parser.
std::string format_share(const Share& share);
Result<Share> parse_share(std::string_view text);

// parse_share on each text (errors say which one: "share 2: ..."), then combine.
Result<Bytes> combine_texts(std::span<const std::string_view> texts);

// The set id as it appears in a share text (8 base32 characters), and back.
std::string format_share_set(const ShareSetId& set);
std::optional<ShareSetId> parse_share_set(std::string_view text);

}  // namespace amanat::crypto
