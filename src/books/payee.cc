#include "books/payee.h"

namespace amanat::books {

namespace {
// The additional data is part of the at-rest format: "expenses.payee:<org>:<leaf>".
std::string payee_ad(std::int64_t org, std::uint64_t leaf) {
  return "expenses.payee:" + std::to_string(org) + ":" + std::to_string(leaf);
}
}  // namespace

Result<Bytes> seal_payee(const crypto::Keyring& keys, std::int64_t org, std::uint64_t expense_leaf,
                         std::string_view payee) {
  return keys.seal(payee, payee_ad(org, expense_leaf));
}

Result<std::string> open_payee(const crypto::Keyring& keys, std::int64_t org, std::uint64_t expense_leaf,
                               std::span<const std::uint8_t> sealed) {
  return keys.open(sealed, payee_ad(org, expense_leaf));
}

}  // namespace amanat::books
