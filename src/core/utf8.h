// UTF-8 well-formedness (RFC 3629: no overlong forms, no encoded surrogates, nothing above
// U+10FFFF), shared by the canonical JSON parser, record validation, the statement parsers and
// the journal writers. Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace amanat {

// Length of the well-formed sequence starting at s[i] with its code point in `cp`; 0 if none.
std::size_t utf8_sequence(std::string_view s, std::size_t i, char32_t& cp);

// Offset of the first byte that does not start a well-formed sequence, or npos. ASCII runs are
// skipped eight bytes at a time: most text checked here is ASCII.
std::size_t first_invalid_utf8(std::string_view s);

inline bool is_valid_utf8(std::string_view s) { return first_invalid_utf8(s) == std::string_view::npos; }

}  // namespace amanat
