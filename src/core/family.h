// The envelope every leaf of an organisation's log shares, and the families of records that
// go on it (docs/log-format.md, "Families": this header mirrors that section).
//
// Every leaf is the RFC 8785 canonical JSON of one object with a string "type" and an integer
// "v" (the format version of its family). The type names its family: the part before the
// first '.', looked up in the table below. The books were first and own several such prefixes
// ("donation", "expense.approve", ...); every later family names itself ("publication.post"
// belongs to "publication"). A verifier that knows a family checks its records' meaning; one
// that does not still verifies the tree over them and says how many it left unread.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/error.h"

namespace amanat {

inline constexpr std::string_view kBooksFamily = "books";

struct Envelope {
  std::string type;    // "donation", "publication.post"
  std::string family;  // "books", "publication"
  std::int64_t v = 0;
};

// The family that owns a type name.
std::string family_of(std::string_view type);

// The leaf's envelope; Errc::invalid (with the reason) when the leaf is not canonical JSON of
// an object with a non-empty string "type" and an integer "v".
Result<Envelope> read_envelope(std::span<const std::uint8_t> leaf);

}  // namespace amanat
