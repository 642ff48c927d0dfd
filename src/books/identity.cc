#include "books/identity.h"

#include <sodium.h>

#include <cctype>

#include "core/bytes.h"
#include "core/sha256.h"

namespace amanat::books {

namespace {

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

std::string digits_only(std::string_view v, bool allow_star) {
  std::string out;
  for (char c : v) {
    if (c >= '0' && c <= '9') out += c;
    else if (allow_star && c == '*') out += c;
    else if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || (c == '+' && out.empty())) continue;
    else return {};
  }
  return out;
}

bool iban_ok(const std::string& iban) {
  if (iban.size() < 15 || iban.size() > 34) return false;
  for (std::size_t i = 0; i < iban.size(); ++i) {
    char c = iban[i];
    bool letter = c >= 'A' && c <= 'Z', digit = c >= '0' && c <= '9';
    if (i < 2 ? !letter : (i < 4 ? !digit : !(letter || digit))) return false;
  }
  // ISO 7064 mod 97-10 over the rearranged IBAN.
  std::string r = iban.substr(4) + iban.substr(0, 4);
  unsigned rem = 0;
  for (char c : r) {
    if (c >= '0' && c <= '9') rem = (rem * 10 + unsigned(c - '0')) % 97;
    else rem = (rem * 100 + unsigned(c - 'A' + 10)) % 97;
  }
  return rem == 1;
}

}  // namespace

Result<std::string> bank_ref_tag(const crypto::Keyring& keys, std::string_view reference) {
  if (reference.empty()) return std::string();
  AMANAT_TRY(h, keys.pseudonym(std::string("bank-ref:").append(reference)));
  return "ref:" + h.substr(0, 32);
}

Result<std::string> normalise_donor(std::string_view kv) {
  auto colon = kv.find(':');
  if (colon == std::string_view::npos)
    return fail(Errc::invalid, "donor: write KIND:VALUE with KIND one of phone, iban, card, ref");
  std::string_view kind = kv.substr(0, colon), value = kv.substr(colon + 1);
  if (kind == "phone") {
    std::string d = digits_only(value, false);
    if (d.size() == 11 && d[0] == '8') d[0] = '7';
    if (d.size() < 7 || d.size() > 15) return fail(Errc::invalid, "donor: not a phone number (7 to 15 digits)");
    return "phone:" + d;
  }
  if (kind == "iban") {
    std::string s;
    for (char c : value)
      if (c != ' ') s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!iban_ok(s)) return fail(Errc::invalid, "donor: not a valid IBAN (wrong length, characters or check digits)");
    return "iban:" + s;
  }
  if (kind == "card") {
    std::string d = digits_only(value, true);
    if (d.size() < 8 || d.size() > 19) return fail(Errc::invalid, "donor: not a card number or masked card reference");
    return "card:" + d;
  }
  if (kind == "ref") {
    std::string s;
    for (char c : value) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    while (!s.empty() && s.back() == ' ') s.pop_back();
    std::size_t b = s.find_first_not_of(' ');
    s = b == std::string::npos ? std::string() : s.substr(b);
    if (s.empty() || s.size() > 200) return fail(Errc::invalid, "donor: a ref is 1 to 200 characters");
    return "ref:" + s;
  }
  return fail(Errc::invalid, "donor: unknown kind \"" + std::string(kind.substr(0, 16)) +
                                 "\"; use phone, iban, card or ref");
}

std::string new_receipt_secret() {
  std::uint8_t raw[17] = {};
  randombytes_buf(raw, 16);
  std::string code;
  // 26 groups of 5 bits cover 130 bits; the last 2 are zero.
  for (int i = 0; i < 26; ++i) {
    int bit = i * 5;
    int v = ((raw[bit / 8] << 8 | raw[bit / 8 + 1]) >> (11 - bit % 8)) & 31;
    code += kCrockford[v];
  }
  return code;
}

std::string receipt_code(std::uint64_t leaf, std::string_view secret) {
  std::string out = std::to_string(leaf);
  for (std::size_t i = 0; i < secret.size(); ++i) {
    if (i % 4 == 0) out += '-';
    out += secret[i];
  }
  return out;
}

Result<ReceiptCode> parse_receipt_code(std::string_view code) {
  static constexpr std::string_view kShape =
      "receipt code: not a receipt code (a record number, then 26 characters of 0-9 and A-Z, "
      "as in 1234-7Q2M-K9XD-...)";
  std::string s;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    if (s.size() >= 26 + 20) return fail(Errc::invalid, std::string(kShape));
    s += c;
  }
  if (s.size() <= 26) return fail(Errc::invalid, std::string(kShape));
  auto leaf = parse_decimal(std::string_view(s).substr(0, s.size() - 26));
  if (!leaf) return fail(Errc::invalid, std::string(kShape));
  ReceiptCode out{*leaf, {}};
  for (char c : std::string_view(s).substr(s.size() - 26)) {
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (u == 'O') u = '0';
    if (u == 'I' || u == 'L') u = '1';
    if (kCrockford.find(u) == std::string_view::npos) return fail(Errc::invalid, std::string(kShape));
    out.secret += u;
  }
  return out;
}

std::string receipt_commitment(std::string_view normalised_secret) {
  Sha256 h;
  h.update(std::string_view("amanat-receipt-v1:"));
  h.update(normalised_secret);
  return to_hex(h.final());
}

std::string new_salt() {
  std::uint8_t raw[16];
  randombytes_buf(raw, sizeof raw);
  return to_hex(raw);
}

std::string payee_commitment(std::string_view salt_hex, std::string_view payee) {
  Sha256 h;
  h.update(std::string_view("amanat-payee-v1:"));
  h.update(salt_hex);
  h.update(std::string_view(":"));
  h.update(payee);
  return to_hex(h.final());
}

}  // namespace amanat::books
