#include "core/rate_limit.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

#include "core/bytes.h"

namespace amanat {

RateLimit::RateLimit(int burst, std::int64_t interval_seconds, std::size_t max_keys)
    : interval_(std::max<std::int64_t>(interval_seconds, 1)),
      tolerance_(interval_ * std::max(burst - 1, 0)),
      max_keys_(std::max<std::size_t>(max_keys, 1)) {}

std::int64_t RateLimit::take(const std::string& key, std::int64_t now) {
  std::lock_guard lock(mu_);
  auto it = full_at_.find(key);
  std::int64_t from = it == full_at_.end() ? now : std::max(it->second, now);
  if (from - now > tolerance_) return from - now - tolerance_;
  if (it == full_at_.end()) {
    if (full_at_.size() >= max_keys_) {
      std::erase_if(full_at_, [now](const auto& kv) { return kv.second <= now; });
      if (full_at_.size() >= max_keys_)
        full_at_.erase(std::min_element(full_at_.begin(), full_at_.end(),
                                        [](const auto& x, const auto& y) { return x.second < y.second; }));
    }
    it = full_at_.emplace(key, now).first;
  }
  it->second = from + interval_;
  return 0;
}

std::size_t RateLimit::keys() const {
  std::lock_guard lock(mu_);
  return full_at_.size();
}

std::string address_block(std::string_view address) {
  std::string text(address.substr(0, address.find('%')));  // without an IPv6 zone (fe80::1%eth0)
  std::array<std::uint8_t, 16> raw{};
  if (inet_pton(AF_INET, text.c_str(), raw.data()) == 1) return text;
  if (inet_pton(AF_INET6, text.c_str(), raw.data()) != 1) return std::string(address);
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(raw.begin(), raw.begin() + 12, kMapped)) {
    char v4[INET_ADDRSTRLEN];
    if (inet_ntop(AF_INET, raw.data() + 12, v4, sizeof v4)) return v4;
  }
  return to_hex(std::span(raw).first(8)) + "::/64";
}

}  // namespace amanat
