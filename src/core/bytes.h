// Byte strings, SHA-256 digests and their text encodings (hex, standard base64 per RFC 4648 §4).
//
// Decoders are strict: they reject anything that would not re-encode to the same text (no
// whitespace, correct padding), because every encoded value we read is part of a signed or
// hashed format where two spellings of one value must not both be accepted.
// All functions are thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace amanat {

using Bytes = std::vector<std::uint8_t>;
using Hash = std::array<std::uint8_t, 32>;

inline std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_chars(std::span<const std::uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::string to_hex(std::span<const std::uint8_t> b);
std::optional<Bytes> from_hex(std::string_view s);

// RFC 4648 §6 base32, upper case, without '=' padding (TOTP secrets, Shamir share texts).
std::string to_base32(std::span<const std::uint8_t> b);
// Strict inverse of to_base32(): upper case only, only lengths an encoding can have, zero
// trailing bits; nullopt on any other spelling.
std::optional<Bytes> from_base32(std::string_view s);

std::string to_base64(std::span<const std::uint8_t> b);
// Strict standard base64 with padding; nullopt on any deviation.
std::optional<Bytes> from_base64(std::string_view s);
// A base64-encoded SHA-256 digest (exactly 32 bytes).
std::optional<Hash> hash_from_base64(std::string_view s);
std::optional<Hash> hash_from_hex(std::string_view s);

// Parses a non-negative decimal with no sign, no leading zeros (except "0"), no overflow.
std::optional<std::uint64_t> parse_decimal(std::string_view s);

// Writes and reads big-endian integers (the encodings of the note and tile formats).
void put_u64be(std::uint8_t* out, std::uint64_t v);
std::uint64_t get_u64be(const std::uint8_t* in);

}  // namespace amanat
