// The SHA256_* functions are deprecated in OpenSSL 3 in favour of EVP, which is several times
// slower for the small inputs a Merkle tree hashes; see bench/tlog_bench.cc.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "core/sha256.h"

namespace amanat {

Sha256::Sha256() { SHA256_Init(&ctx_); }
void Sha256::update(std::span<const std::uint8_t> data) { SHA256_Update(&ctx_, data.data(), data.size()); }
Hash Sha256::final() {
  Hash h;
  SHA256_Final(h.data(), &ctx_);
  return h;
}

Hash sha256(std::span<const std::uint8_t> data) {
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  Hash h;
  SHA256_Final(h.data(), &ctx);
  return h;
}

}  // namespace amanat
