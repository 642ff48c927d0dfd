// Canonical JSON: the JSON Canonicalization Scheme of RFC 8785 (JCS).
//
// Every amanat record goes on the transparency log as a leaf whose bytes are the canonical JSON
// of the record. Because the encoding is a pure function of the JSON value, anyone holding a
// record (in any spelling: any whitespace, key order or escaping) can recompute the leaf's exact
// bytes, hash them and check them against the log, with any RFC 8785 implementation in any
// language. Two spellings of one value always give the same bytes; two different values never do.
//
// The encoding (RFC 8785 §3.2):
//  - no whitespace;
//  - object members sorted by their names compared as arrays of UTF-16 code units (so a name
//    with a character above U+FFFF, stored as a surrogate pair D800-DBFF, sorts before one with
//    a character in U+E000-U+FFFF, unlike a comparison of UTF-8 bytes);
//  - strings as ECMAScript JSON.stringify writes them: \b \t \n \f \r \" \\ as short escapes,
//    the other controls below U+0020 as \u00xx (lowercase hex), everything else as raw UTF-8
//    ('/' and non-ASCII are not escaped, Unicode is not normalized);
//  - numbers as ECMAScript Number.prototype.toString of the IEEE-754 double: shortest digits
//    that round-trip, plain notation for 1e-7 <= |x| < 1e21, otherwise "de+N"/"d.ddde-N";
//    -0 is written "0". Integers held by nlohmann::json as int64/uint64 are written as the double
//    they round to (RFC 8785 knows only doubles): use require_safe_integers() where a value must
//    be an exact integer, as every amanat money amount (integer minor units) must.
//
// Thread-safety: all functions are pure (no shared state) and safe to call concurrently.
//
// Failures (all Errc::invalid, the message names the byte offset of the input or the JSON
// pointer of the value, and the reason):
//  - canonicalize_text / parse_strict: text that is not exactly one RFC 8259 JSON value (bad
//    syntax, trailing garbage, a byte order mark, NaN/Infinity, leading zeros, '+' signs, ...);
//    invalid UTF-8 (overlong forms, encoded surrogates, code points above U+10FFFF, truncated
//    sequences); \u escapes that leave a lone surrogate; raw control characters in strings;
//    duplicate member names in an object (compared after unescaping, so "a" and "\u0061"
//    collide); numbers whose magnitude overflows a finite double (1e400; numbers that underflow
//    are read as 0 like ECMAScript does); nesting deeper than kMaxJsonDepth.
//  - canonicalize: strings (names or values) that are not valid UTF-8, NaN or infinite numbers,
//    binary or discarded values, nesting deeper than kMaxJsonDepth.
//  - require_safe_integers: any number that is not an integer in [-(2^53-1), 2^53-1].
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace amanat {

// The deepest nesting of arrays and objects accepted (protects the recursion).
inline constexpr std::size_t kMaxJsonDepth = 256;

// The RFC 8785 canonical encoding of `value` (UTF-8 bytes).
Result<std::string> canonicalize(const nlohmann::json& value);

// Parses `json_text` strictly (see parse_strict) and returns its canonical encoding.
Result<std::string> canonicalize_text(std::string_view json_text);

// Parses exactly one RFC 8259 JSON value, refusing everything listed above under Failures.
// Integer literals that fit int64/uint64 become number_integer/number_unsigned, all others
// number_float, as nlohmann::json::parse would.
Result<nlohmann::json> parse_strict(std::string_view json_text);

// Succeeds when every number in `value` is an integer with magnitude at most 2^53-1 (exactly
// representable as a double, so it survives canonicalization and any ECMAScript consumer).
// A float with an integral value (5.0) is accepted: its canonical form is the integer. The
// error names the JSON pointer (RFC 6901) of the first offending number, e.g. "/lines/2/amount".
Status require_safe_integers(const nlohmann::json& value);

// ECMAScript Number.prototype.toString of a finite double (exposed for tests and for callers
// that format single numbers); fails on NaN and infinities.
Result<std::string> format_number(double x);

}  // namespace amanat
