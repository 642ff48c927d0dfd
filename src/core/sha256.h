// SHA-256 through OpenSSL's low-level interface, which uses the CPU's SHA extensions and, unlike
// the EVP one-shot calls, does no per-call algorithm lookup: that lookup costs more than hashing
// a 65-byte Merkle node. Thread-safe (no shared state).
#pragma once

#ifndef OPENSSL_SUPPRESS_DEPRECATED
#define OPENSSL_SUPPRESS_DEPRECATED
#endif
#include <openssl/sha.h>

#include <span>
#include <string_view>

#include "core/bytes.h"

namespace amanat {

class Sha256 {
 public:
  Sha256();
  void update(std::span<const std::uint8_t> data);
  void update(std::string_view data) { update(as_bytes(data)); }
  Hash final();

 private:
  SHA256_CTX ctx_;
};

Hash sha256(std::span<const std::uint8_t> data);
inline Hash sha256(std::string_view data) { return sha256(as_bytes(data)); }

}  // namespace amanat
