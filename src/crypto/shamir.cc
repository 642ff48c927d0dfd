#include "crypto/shamir.h"

#include <sodium.h>

#include <cctype>

#include <algorithm>

namespace amanat::crypto {

namespace {

constexpr std::string_view kPrefix = "amanat-share-v1-";
constexpr std::size_t kCheckBytes = 5;

void wipe(Bytes& b) { sodium_memzero(b.data(), b.size()); }
void wipe(std::string& s) { sodium_memzero(s.data(), s.size()); }

// Wipes a string on every return path of the parser (the text holds a share's value).
struct WipeOnExit {
  std::string& s;
  ~WipeOnExit() { wipe(s); }
};

// Share texts are lower case (easier to read aloud and copy by hand); core/bytes.h's strict
// codec is upper case.
std::string base32(std::span<const std::uint8_t> in) {
  std::string out = to_base32(in);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Strict: lower case only (parse_share lowercases the text first), and one spelling per value.
std::optional<Bytes> unbase32(std::string_view s) {
  std::string upper(s);
  for (char& c : upper) {
    if (c >= 'A' && c <= 'Z') return std::nullopt;
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  auto out = from_base32(upper);
  wipe(upper);
  return out;
}

std::array<std::uint8_t, kCheckBytes> checksum(std::string_view body) {
  std::array<std::uint8_t, crypto_generichash_BYTES_MIN> h;
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(body.data()),
                     body.size(), nullptr, 0);
  std::array<std::uint8_t, kCheckBytes> out;
  std::copy_n(h.begin(), kCheckBytes, out.begin());
  return out;
}

// The value at `t` of the polynomials through the given points (Lagrange interpolation).
// x-coordinates are public and distinct (checked by the caller); only y is secret.
Bytes interpolate(std::span<const Share> points, std::uint8_t t) {
  Bytes out(points.front().y.size(), 0);
  for (std::size_t i = 0; i < points.size(); ++i) {
    // basis_i(t) = prod_{j != i} (t - x_j) / (x_i - x_j); subtraction is XOR in GF(2^8).
    std::uint8_t basis = 1;
    for (std::size_t j = 0; j < points.size(); ++j) {
      if (j == i) continue;
      basis = gf256_mul(basis, gf256_mul(t ^ points[j].x, gf256_inv(points[i].x ^ points[j].x)));
    }
    for (std::size_t b = 0; b < out.size(); ++b) out[b] ^= gf256_mul(basis, points[i].y[b]);
  }
  return out;
}

std::string position(std::size_t i) { return "share " + std::to_string(i + 1); }

}  // namespace

std::uint8_t gf256_mul(std::uint8_t a, std::uint8_t b) {
  // Russian-peasant multiplication with masks instead of branches: 8 rounds whatever the values.
  std::uint8_t p = 0;
  for (int i = 0; i < 8; ++i) {
    p ^= static_cast<std::uint8_t>(a & -(b & 1));
    std::uint8_t carry = static_cast<std::uint8_t>(-(a >> 7));
    a = static_cast<std::uint8_t>((a << 1) ^ (0x1B & carry));
    b >>= 1;
  }
  return p;
}

std::uint8_t gf256_inv(std::uint8_t a) {
  // a^254 = a^-1 (the multiplicative group has order 255), by a fixed addition chain.
  std::uint8_t a2 = gf256_mul(a, a);
  std::uint8_t a3 = gf256_mul(a2, a);
  std::uint8_t a6 = gf256_mul(a3, a3);
  std::uint8_t a7 = gf256_mul(a6, a);
  std::uint8_t a14 = gf256_mul(a7, a7);
  std::uint8_t a15 = gf256_mul(a14, a);
  std::uint8_t a30 = gf256_mul(a15, a15);
  std::uint8_t a31 = gf256_mul(a30, a);
  std::uint8_t a62 = gf256_mul(a31, a31);
  std::uint8_t a63 = gf256_mul(a62, a);
  std::uint8_t a126 = gf256_mul(a63, a63);
  std::uint8_t a127 = gf256_mul(a126, a);
  return gf256_mul(a127, a127);
}

std::string format_share_set(const ShareSetId& set) { return base32(set); }

std::optional<ShareSetId> parse_share_set(std::string_view text) {
  auto b = unbase32(text);
  if (!b || b->size() != kShareSetIdBytes) return std::nullopt;
  ShareSetId set;
  std::copy(b->begin(), b->end(), set.begin());
  return set;
}

Result<std::vector<Share>> split(std::span<const std::uint8_t> secret, int k, int n) {
  if (k < kMinShareThreshold || n > kMaxShares || k > n)
    return fail(Errc::invalid, "a k-of-n split needs 2 <= k <= n <= 255; got k=" +
                                   std::to_string(k) + ", n=" + std::to_string(n));
  if (secret.empty()) return fail(Errc::invalid, "cannot split an empty secret");
  ShareSetId set;
  randombytes_buf(set.data(), set.size());
  // coefficients[b * (k-1) + j] is the coefficient of x^(j+1) of byte b's polynomial.
  const std::size_t degree = static_cast<std::size_t>(k - 1);
  Bytes coefficients(secret.size() * degree);
  randombytes_buf(coefficients.data(), coefficients.size());
  std::vector<Share> shares(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    Share& s = shares[static_cast<std::size_t>(i)];
    s.k = static_cast<std::uint8_t>(k);
    s.x = static_cast<std::uint8_t>(i + 1);
    s.set = set;
    s.y.resize(secret.size());
    for (std::size_t b = 0; b < secret.size(); ++b) {
      // Horner's rule from the highest coefficient down to the secret byte.
      const std::uint8_t* c = coefficients.data() + b * degree;
      std::uint8_t acc = c[degree - 1];
      for (std::size_t j = degree - 1; j > 0; --j) acc = gf256_mul(acc, s.x) ^ c[j - 1];
      s.y[b] = gf256_mul(acc, s.x) ^ secret[b];
    }
  }
  wipe(coefficients);
  return shares;
}

Result<Bytes> combine(std::span<const Share> shares) {
  if (shares.empty()) return fail(Errc::invalid, "no shares given");
  const Share& first = shares.front();
  if (first.k < kMinShareThreshold)
    return fail(Errc::invalid, "share 1 has threshold k=" + std::to_string(first.k) +
                                   "; a split needs k of at least 2");
  if (first.y.empty()) return fail(Errc::invalid, "share 1 holds no value");
  for (std::size_t i = 0; i < shares.size(); ++i) {
    const Share& s = shares[i];
    if (s.x == 0) return fail(Errc::invalid, position(i) + " has number 0, which is never issued");
    if (s.set != first.set)
      return fail(Errc::invalid, position(i) + " belongs to share set " + format_share_set(s.set) +
                                     " but share 1 to set " + format_share_set(first.set) +
                                     "; shares of different splits cannot be combined");
    if (s.k != first.k)
      return fail(Errc::invalid, position(i) + " says " + std::to_string(s.k) +
                                     " shares are needed but share 1 says " +
                                     std::to_string(first.k) + "; one of them was altered");
    if (s.y.size() != first.y.size())
      return fail(Errc::invalid, position(i) + " holds " + std::to_string(s.y.size()) +
                                     " bytes but share 1 holds " + std::to_string(first.y.size()) +
                                     "; one of them is truncated or altered");
    for (std::size_t j = 0; j < i; ++j)
      if (shares[j].x == s.x)
        return fail(Errc::invalid, position(j) + " and " + position(i) + " are both share number " +
                                       std::to_string(s.x) + "; each share counts once");
  }
  if (shares.size() < first.k)
    return fail(Errc::invalid, std::to_string(first.k) + " different shares are needed; only " +
                                   std::to_string(shares.size()) + " given");
  auto basis = shares.first(first.k);
  Bytes secret = interpolate(basis, 0);
  // Extra shares must lie on the same polynomials; a disagreement means one was altered (with
  // its checksum recomputed) or mis-transcribed in a way the checksum missed.
  for (std::size_t i = first.k; i < shares.size(); ++i) {
    Bytes expected = interpolate(basis, shares[i].x);
    bool same = sodium_memcmp(expected.data(), shares[i].y.data(), expected.size()) == 0;
    wipe(expected);
    if (!same) {
      wipe(secret);
      return fail(Errc::invalid, "the shares do not agree with each other (" + position(i) +
                                     " is not on the line through the first " +
                                     std::to_string(first.k) + "): one of them was altered");
    }
  }
  return secret;
}

std::string format_share(const Share& share) {
  std::string body = std::string(kPrefix) + std::to_string(share.k) + "-" +
                     std::to_string(share.x) + "-" + format_share_set(share.set) + "-" +
                     base32(share.y);
  std::string text = body + "-" + base32(checksum(body));
  wipe(body);
  return text;
}

Result<Share> parse_share(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  std::string lower(text);
  WipeOnExit guard{lower};
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  std::string_view t = lower;
  if (!t.starts_with(kPrefix))
    return fail(Errc::invalid, "not an amanat share: a share begins with \"amanat-share-v1-\"");
  std::vector<std::string_view> parts;
  for (std::string_view rest = t.substr(kPrefix.size());;) {
    auto dash = rest.find('-');
    parts.push_back(rest.substr(0, dash));
    if (dash == std::string_view::npos) break;
    rest.remove_prefix(dash + 1);
  }
  if (parts.size() != 5)
    return fail(Errc::invalid, "a share has 5 parts after \"amanat-share-v1-\" separated by '-' "
                               "(k, number, set, value, checksum); this one has " +
                                   std::to_string(parts.size()) + ": a '-' is missing or extra");
  // The checksum comes first, so that any typo is reported as a typo rather than as whatever
  // field it happened to break.
  auto check = unbase32(parts[4]);
  auto expected = checksum(t.substr(0, t.size() - parts[4].size() - 1));
  if (!check || check->size() != kCheckBytes ||
      sodium_memcmp(check->data(), expected.data(), kCheckBytes) != 0)
    return fail(Errc::invalid, "the share's checksum does not match: it was mistyped or is "
                               "incomplete; compare it character by character with the original");
  auto k = parse_decimal(parts[0]);
  if (!k || *k < kMinShareThreshold || *k > kMaxShares)
    return fail(Errc::invalid, "the share's threshold \"" + std::string(parts[0]) +
                                   "\" is not a number from 2 to 255");
  auto x = parse_decimal(parts[1]);
  if (!x || *x < 1 || *x > kMaxShares)
    return fail(Errc::invalid, "the share's number \"" + std::string(parts[1]) +
                                   "\" is not a number from 1 to 255");
  auto set = parse_share_set(parts[2]);
  if (!set) return fail(Errc::invalid, "the share's set id is not 8 base32 characters");
  auto y = unbase32(parts[3]);
  if (!y || y->empty())
    return fail(Errc::invalid, "the share's value is not base32 (letters a-z and digits 2-7)");
  return Share{static_cast<std::uint8_t>(*k), static_cast<std::uint8_t>(*x), *set, std::move(*y)};
}

Result<Bytes> combine_texts(std::span<const std::string_view> texts) {
  std::vector<Share> shares;
  shares.reserve(texts.size());
  auto wipe_all = [&] {
    for (auto& s : shares) wipe(s.y);
  };
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto s = parse_share(texts[i]);
    if (!s) {
      wipe_all();
      return std::unexpected(s.error().context(position(i)));
    }
    shares.push_back(std::move(*s));
  }
  auto secret = combine(shares);
  wipe_all();
  return secret;
}

}  // namespace amanat::crypto
