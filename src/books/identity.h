// Donors and payees without their identities: what amanat keeps instead of them.
//
//  - normalise_donor("phone:+7 (701) 123-45-67") -> "phone:77011234567": one spelling per
//    person, so that a keyed hash of it (crypto::Keyring::pseudonym) counts a repeat donor
//    once. Kinds: phone (digits, an 11-digit number starting with 8 becomes 7, the trunk prefix
//    of Kazakhstan and Russia), iban (upper case, no spaces, ISO 13616 check digits), card
//    (digits and '*' of a masked number or token), ref (any other stable reference, trimmed,
//    lower case). Errors say what is wrong but never repeat the value.
//  - A receipt code, given to the donor once and never stored, is the donation's record number
//    and a secret: "1234-7Q2M-K9XD-...". The secret (new_receipt_secret) is 128 random bits as
//    26 Crockford base-32 characters in groups of four; receipt_commitment(secret) is what the
//    leaf and the database hold: SHA-256 over a fixed prefix and the normalised secret. The
//    record number finds the donation by its primary key (no index over commitments to
//    maintain per donation); the secret proves the holder is the donor. The number alone
//    reveals nothing a public log does not, and without the secret nobody can link a donation
//    to a donor.
//  - payee_commitment(salt, payee): a salted SHA-256, so that the organisation can show an
//    auditor who was paid (by revealing payee and salt) while the public sees only a hash.
//
// Thread-safety: pure functions (new_receipt_secret and new_salt use libsodium's CSPRNG).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"
#include "crypto/keyring.h"

namespace amanat::books {

Result<std::string> normalise_donor(std::string_view kind_and_value);

// A bank reference as the books keep it. References often carry a name ("Gift from A. B."), so
// only a keyed tag of one is stored: "ref:" and 32 hex digits of the keyed hash of
// "bank-ref:<reference>". Equal references give equal tags, so statement lines still match
// hand-booked records, while a copy of the database yields no reference and cannot test a
// guessed one without the books key. Empty for an empty reference (which needs no key);
// Errc::sealed while the key is sealed.
Result<std::string> bank_ref_tag(const crypto::Keyring& keys, std::string_view reference);

std::string new_receipt_secret();  // 26 characters of the Crockford alphabet
// "<leaf>-7Q2M-K9XD-...-XY": the record number, then the secret in groups of four.
std::string receipt_code(std::uint64_t leaf, std::string_view secret);
struct ReceiptCode {
  std::uint64_t leaf = 0;
  std::string secret;  // normalised: 26 characters of the Crockford alphabet
};
// Spaces and '-' dropped; the last 26 characters are the secret (upper case, O->0 and I/L->1,
// as Crockford allows) and the digits before them the record number. Errc::invalid if it is
// not that shape (the message does not repeat the code).
Result<ReceiptCode> parse_receipt_code(std::string_view code);
std::string receipt_commitment(std::string_view normalised_secret);  // 64 hex digits

std::string new_salt();  // 32 hex digits
std::string payee_commitment(std::string_view salt_hex, std::string_view payee);

}  // namespace amanat::books
