// The access trail's anchors: leaves of the organisation's public log that pin the trail
// (identities.h), so that removing its last rows, or rewriting rows and recomputing the hashes
// after them, is detected (docs/log-format.md, family "trail"; docs/security.md §4).
//
// The trail is a hash chain in the database. Whoever can write the database can delete its last
// rows, or rewrite a row and recompute every hash after it, and the chain alone cannot tell. An
// anchor is one leaf, the RFC 8785 canonical JSON
//   {"count":N,"head":"<64 hex>","time":"YYYY-MM-DDTHH:MM:SSZ","type":"trail.anchor","v":1}
// where `count` is the number of rows the trail had (its last row's seq) and `head` a keyed
// commitment to that row's hash. The log is append-only, signed and witnessed, so an anchor
// cannot be taken back: a trail with fewer than `count` rows has lost rows from its end, and one
// whose row `count` no longer gives `head` was rewritten at or before that row.
//
// Why keyed: a row's hash is SHA-256 over the previous row's hash and the row's fields, all of
// them guessable (user:N, an action from a short list, a time to the second, outcome ok). The
// hash in the clear at one anchor would let anyone confirm guesses about the rows up to the next
// ("user:3 read a subject at 10:02"). `head` is therefore BLAKE2b-256 keyed with a subkey of the
// accounts key (crypto::Keyring::commitment, DIR/accounts.key) over
//   "amanat-trail-anchor-v1:" <count in decimal> ":" <the row's hash, 64 lower-case hex digits>:
// without the key it reveals nothing and tests no guess; the organisation recomputes it. It is
// the accounts key and not the books key because anchors are written while the vault is sealed
// (the server starts sealed and anchors when it stops). That key's secrecy matters only for what
// the public could learn: an anchor's integrity rests on the log, not on the key.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/error.h"
#include "crypto/keyring.h"

namespace amanat::identity {

inline constexpr std::string_view kTrailFamily = "trail";
inline constexpr std::string_view kTrailAnchorType = "trail.anchor";
inline constexpr int kTrailAnchorVersion = 1;

struct TrailAnchor {
  std::int64_t count = 0;  // rows of the trail it covers: 1..count
  std::string head;        // anchor_head(key, count, hash of row `count`)
  std::string time;        // when it was made, UTC "YYYY-MM-DDTHH:MM:SSZ"
  friend bool operator==(const TrailAnchor&, const TrailAnchor&) = default;
};

// An anchor with the leaf index it has on the log.
struct AnchorAt {
  std::uint64_t leaf = 0;
  TrailAnchor anchor;
};

// The keyed commitment to row `count` whose hash is `row_hash` (hex). Errc::sealed if the key
// is not installed.
Result<std::string> anchor_head(const crypto::Keyring& key, std::int64_t count, std::string_view row_hash);

// The leaf's bytes; Errc::invalid for a count below 1, a head that is not 64 lower-case hex
// digits, or a time not in the form above.
Result<std::string> encode_anchor(const TrailAnchor& a);
// Errc::invalid (with the reason) for anything encode_anchor would not have written.
Result<TrailAnchor> decode_anchor(std::span<const std::uint8_t> leaf);
// Whether `leaf` ends as every anchor does ("type":"trail.anchor","v":1}): a test of its bytes
// that needs no parsing, for scanning a log. In canonical JSON those bytes close the object's
// own members ("type" and "v" sort last); inside a string value the quotes would be escaped.
bool looks_like_anchor(std::span<const std::uint8_t> leaf);

// "YYYY-MM-DDTHH:MM:SSZ" of a Unix time.
std::string utc_time(std::int64_t unix_seconds);

}  // namespace amanat::identity
