// C2SP tlog-checkpoint v1 (c2sp.org/tlog-checkpoint): a log's signed tree head as a signed note
// whose text is "origin\nsize\nbase64(root)\n" followed by optional non-empty extension lines.
//
// Parsing is strict so that every checkpoint has one spelling: format_checkpoint(parsed) gives
// back the parsed text byte for byte. The origin is any non-empty line (the spec only
// recommends a URL without spaces or '+', and tells clients not to assume that).
//
// Thread-safety: pure functions over values; safe to call concurrently.
// Failures: Errc::invalid for malformed text or an unformattable Checkpoint; opening adds the
// signed-note failures (see note.h) and Errc::corrupt for an origin the caller did not expect.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "tlog/note.h"

namespace amanat::tlog {

struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;  // each non-empty, without the '\n'
  bool operator==(const Checkpoint&) const = default;
};

// Parses a checkpoint note text (not a signed note). Errc::invalid, naming the line, if the text
// does not end in '\n', breaks the signed-note character rules, has fewer than three lines, an
// empty origin, a size that is not a decimal without sign or leading zeros that fits in 64 bits,
// a root that is not strict base64 of exactly 32 bytes, or an empty extension line.
Result<Checkpoint> parse_checkpoint(std::string_view text);

// The note text. Errc::invalid if the origin is empty, an origin or extension line is empty or
// holds a newline, or the text would break the signed-note character rules.
Result<std::string> format_checkpoint(const Checkpoint& c);

// format_checkpoint, then sign_note with the log's key.
Result<std::string> sign_checkpoint(const Checkpoint& c, const Signer& log_key);

// Opens a signed checkpoint: it must carry a valid signature by `log_key` (other signatures,
// e.g. witness cosignatures, are ignored here; see cosignature.h) and, when the caller gives
// `expected_origin`, its origin must equal it (Errc::corrupt otherwise: a checkpoint of another
// log signed with the same key must not pass for this one).
Result<Checkpoint> open_checkpoint(std::string_view signed_note, const Verifier& log_key,
                                   std::optional<std::string_view> expected_origin = std::nullopt);

}  // namespace amanat::tlog
