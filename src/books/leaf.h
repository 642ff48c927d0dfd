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
// It checks this on the leaf's bytes in one pass (under 1 us for a donation), falling back
// to the general strict parser and canonicalizer for the reason of a refusal.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
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
// The same into `out`, reusing the storage of the record it holds when the leaf is of the same
// type (a run of donations then allocates nothing for their strings). Accepts exactly what
// decode_leaf accepts and leaves exactly its record in `out`; after an error `out` holds some
// record that means nothing.
Status decode_leaf_into(std::span<const std::uint8_t> leaf, Record& out);

// A rate as the shortest decimal string that parse_rate reads back exactly; rates made by
// parse_rate always have one. "num/den" is refused at encoding (Errc::invalid).
Result<std::string> format_rate(Rate r);

namespace detail {
// The two paths decode_leaf is made of, exposed for the tests and the fuzz target, which hold
// them to each other. decode_leaf_fast reads the leaf's bytes in one pass and accepts only
// encode_leaf's exact output for a valid record (nullopt otherwise, without a reason);
// decode_leaf_reference parses strictly (parse_strict), checks RFC 8785 form with the general
// canonicalizer, decodes refusing unknown members, and re-encodes, naming the reason for a
// refusal. decode_leaf = the fast path, else the reference.
std::optional<Record> decode_leaf_fast(std::span<const std::uint8_t> leaf);
// The fast path into `rec` (as decode_leaf_into); false, with `rec` meaningless, on a refusal.
bool decode_leaf_fast_into(std::span<const std::uint8_t> leaf, Record& rec);
Result<Record> decode_leaf_reference(std::span<const std::uint8_t> leaf);
}  // namespace detail

}  // namespace amanat::books
