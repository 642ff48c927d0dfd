#include "core/bytes.h"
#include "core/sha256.h"

#include <sodium.h>

#include <charconv>

namespace amanat {

std::string to_hex(std::span<const std::uint8_t> b) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(b.size() * 2);
  for (auto c : b) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::optional<Bytes> from_hex(std::string_view s) {
  if (s.size() % 2) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Bytes out(s.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string to_base64(std::span<const std::uint8_t> b) {
  std::string out(sodium_base64_ENCODED_LEN(b.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), b.data(), b.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // drop the terminating NUL
  return out;
}

std::optional<Bytes> from_base64(std::string_view s) {
  if (s.empty()) return Bytes{};  // libsodium must not see a null pointer
  if (s.size() % 4) return std::nullopt;
  Bytes out(s.size() / 4 * 3);
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), s.data(), s.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != s.data() + s.size())
    return std::nullopt;
  out.resize(len);
  // libsodium accepts non-zero padding bits; re-encoding catches that malleability.
  if (to_base64(out) != s) return std::nullopt;
  return out;
}

std::optional<Hash> hash_from_base64(std::string_view s) {
  auto b = from_base64(s);
  if (!b || b->size() != 32) return std::nullopt;
  Hash h;
  std::copy(b->begin(), b->end(), h.begin());
  return h;
}

std::optional<Hash> hash_from_hex(std::string_view s) {
  auto b = from_hex(s);
  if (!b || b->size() != 32) return std::nullopt;
  Hash h;
  std::copy(b->begin(), b->end(), h.begin());
  return h;
}


std::optional<std::uint64_t> parse_decimal(std::string_view s) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

void put_u64be(std::uint8_t* out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<std::uint8_t>(v);
    v >>= 8;
  }
}

std::uint64_t get_u64be(const std::uint8_t* in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | in[i];
  return v;
}

namespace {
constexpr char kBase32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
}  // namespace

std::string to_base32(std::span<const std::uint8_t> b) {
  std::string out;
  out.reserve((b.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (auto byte : b) {
    buffer = (buffer << 8 | byte) & 0xFFFF;  // never more than 12 bits are pending
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kBase32Alphabet[(buffer >> bits) & 31]);
    }
  }
  if (bits > 0) out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::optional<Bytes> from_base32(std::string_view s) {
  // Unpadded lengths mod 8 are 0, 2, 4, 5 or 7; the others cannot come from whole bytes.
  switch (s.size() % 8) {
    case 1: case 3: case 6: return std::nullopt;
    default: break;
  }
  Bytes out;
  out.reserve(s.size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : s) {
    std::uint32_t v;
    if (c >= 'A' && c <= 'Z') {
      v = static_cast<std::uint32_t>(c - 'A');
    } else if (c >= '2' && c <= '7') {
      v = static_cast<std::uint32_t>(c - '2' + 26);
    } else {
      return std::nullopt;
    }
    buffer = (buffer << 5 | v) & 0xFFF;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(buffer >> bits));
    }
  }
  // Leftover bits must be zero, or two spellings would decode to the same secret.
  if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace amanat
