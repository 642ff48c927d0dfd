// The canonical encoding of a book record as a log leaf (docs/log-format.md is the spec; this
// header mirrors it and leaf_test.cc holds its golden vectors).
//
// A leaf is the RFC 8785 canonical JSON of one object:
//   {"v":1,"type":"<type name>","time":"YYYY-MM-DDTHH:MM:SSZ", ...the record's fields}
// Amounts are integer minor units ("amount":150000,"currency":"KZT" is 1500.00 KZT), rates are
// decimal strings ("rates":{"KZT":"450.25"}), references to other records are leaf indexes.
// Anyone can recompute a leaf's bytes from the record it describes with any RFC 8785
// implementation, and hash them to find the leaf in the log.
//
// decode_leaf() is strict: it accepts exactly what encode_leaf() writes (canonical form, known
// type, every required field, no unknown field, values that pass validate()), so two different
// byte strings never decode to the same record and a verifier sees precisely what was signed.
//
// Thread-safety: pure functions.
#pragma once

#include <span>
#include <string>

#include "books/model.h"
#include "core/bytes.h"

namespace amanat::books {

inline constexpr int kLeafVersion = 1;

// The leaf bytes; Errc::invalid if the record does not validate or does not fit an entry.
Result<std::string> encode_leaf(const Record& r);

// Errc::invalid (naming the field) for anything encode_leaf would not have written.
Result<Record> decode_leaf(std::span<const std::uint8_t> leaf);

// A rate as the shortest decimal string that parse_rate reads back exactly; rates made by
// parse_rate always have one. "num/den" is refused at encoding (Errc::invalid).
Result<std::string> format_rate(Rate r);

}  // namespace amanat::books
