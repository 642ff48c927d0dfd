// Donors and payees without their identities: what amanat keeps instead of them.
//
//  - normalise_donor("phone:+7 (701) 123-45-67") -> "phone:77011234567": one spelling per
//    person, so that a keyed hash of it (crypto::Keyring::pseudonym) counts a repeat donor
//    once. Kinds: phone (digits, an 11-digit number starting with 8 becomes 7, the trunk prefix
//    of Kazakhstan and Russia), iban (upper case, no spaces, ISO 13616 check digits), card
//    (digits and '*' of a masked number or token), ref (any other stable reference, trimmed,
//    lower case). Errors say what is wrong but never repeat the value.
//  - new_receipt_code(): 128 random bits as 26 Crockford base-32 characters in groups of
//    four ("7Q2M-K9XD-..."), given to the donor once and never stored;
//    receipt_commitment(code) is what the leaf and the database hold: SHA-256 over a fixed
//    prefix and the normalised code. Without the code nobody can find or link a donation.
//  - payee_commitment(salt, payee): a salted SHA-256, so that the organisation can show an
//    auditor who was paid (by revealing payee and salt) while the public sees only a hash.
//
// Thread-safety: pure functions (new_receipt_code and new_salt use libsodium's CSPRNG).
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace amanat::books {

Result<std::string> normalise_donor(std::string_view kind_and_value);

std::string new_receipt_code();
// Upper case, '-' and spaces dropped, O->0 and I/L->1 (Crockford); Errc::invalid if it is not
// 26 base-32 characters (the message does not repeat the code).
Result<std::string> normalise_receipt_code(std::string_view code);
std::string receipt_commitment(std::string_view normalised_code);  // 64 hex digits

std::string new_salt();  // 32 hex digits
std::string payee_commitment(std::string_view salt_hex, std::string_view payee);

}  // namespace amanat::books
