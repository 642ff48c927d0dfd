// Payees at rest. The log holds only a salted commitment to an expense's payee
// (books/identity.h payee_commitment); the database holds the payee sealed under the books key
// (crypto::Keyring, XChaCha20-Poly1305) with additional data binding the organisation and the
// expense's leaf index, so a sealed payee copied onto another expense does not open. Sealing
// happens as the expense commits (the leaf index is known only then): Books wraps the store's
// effect (books/service.cc).
//
// Failures: Errc::sealed while the books key is in the sealed vault; Errc::corrupt for a
// ciphertext that does not open here. Thread-safety: pure functions over a thread-safe keyring.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"
#include "crypto/keyring.h"

namespace amanat::books {

Result<Bytes> seal_payee(const crypto::Keyring& keys, std::int64_t org, std::uint64_t expense_leaf,
                         std::string_view payee);
Result<std::string> open_payee(const crypto::Keyring& keys, std::int64_t org, std::uint64_t expense_leaf,
                               std::span<const std::uint8_t> sealed);

}  // namespace amanat::books
