// A rate limit per key (a client's address), in memory: each key may act `burst` times at once,
// then once per `interval` seconds. The generic cell rate algorithm: one number per key, the
// time at which its bucket would be full again, so no timer and no refill loop.
//
// Memory is bounded: a key whose bucket is full again is as good as absent, and is dropped when
// the table reaches `max_keys`; if every key is still counting then (a flood from more
// addresses than that), the key nearest to a full bucket is dropped, so a new key never waits
// for room. A dropped key starts again with a full burst, which an attacker with that many
// addresses has anyway.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace amanat {

class RateLimit {
 public:
  RateLimit(int burst, std::int64_t interval_seconds, std::size_t max_keys);

  // 0 when `key` may act at `now` (unix seconds), which counts it; otherwise the whole seconds
  // to wait until it may (what to send as Retry-After), and nothing is counted.
  std::int64_t take(const std::string& key, std::int64_t now);
  std::size_t keys() const;

 private:
  const std::int64_t interval_, tolerance_;  // tolerance: (burst - 1) intervals
  const std::size_t max_keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::int64_t> full_at_;  // when each key's bucket is full again
};

// What a client's address counts as, for a limit per address: an IPv4 address itself (also
// when written IPv4-mapped, ::ffff:a.b.c.d), an IPv6 address's /64 (one subscriber's network:
// each gets a /64 or more, so counting single IPv6 addresses would let one client act as
// billions); anything that does not parse, as it is.
std::string address_block(std::string_view address);

}  // namespace amanat
