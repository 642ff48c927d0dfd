#include "identity/trail_anchor.h"

#include <cstdio>
#include <ctime>

#include "core/canonical_json.h"

namespace amanat::identity {

namespace {

constexpr std::string_view kTail = R"("type":"trail.anchor","v":1})";

bool lower_hex_64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// Exactly what utc_time writes, for a real moment.
bool utc_time_form(std::string_view s) {
  if (s.size() != 20) return false;
  int y, mo, d, h, mi, sec;
  char z;
  std::string text(s);
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &z) != 7 || z != 'Z')
    return false;
  std::tm tm{};
  tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d, tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = sec;
  return utc_time(static_cast<std::int64_t>(timegm(&tm))) == s;  // refuses 02-30, 25:00, " 1" for "01"
}

}  // namespace

std::string utc_time(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<std::string> anchor_head(const crypto::Keyring& key, std::int64_t count, std::string_view row_hash) {
  return key.commitment("amanat-trail-anchor-v1:" + std::to_string(count) + ":" + std::string(row_hash));
}

Result<std::string> encode_anchor(const TrailAnchor& a) {
  if (a.count < 1) return fail_field("count", "an anchor covers at least one row");
  if (!lower_hex_64(a.head)) return fail_field("head", "64 lower-case hex digits");
  if (!utc_time_form(a.time)) return fail_field("time", "UTC, YYYY-MM-DDTHH:MM:SSZ");
  // The members in RFC 8785 order (count, head, time, type, v); every value is ASCII that needs
  // no escaping, so this is the canonical form.
  return R"({"count":)" + std::to_string(a.count) + R"(,"head":")" + a.head + R"(","time":")" + a.time + "\"," +
         std::string(kTail);
}

Result<TrailAnchor> decode_anchor(std::span<const std::uint8_t> leaf) {
  std::string_view text(reinterpret_cast<const char*>(leaf.data()), leaf.size());
  auto j = parse_strict(text);
  if (!j) return fail(Errc::invalid, "not JSON: " + j.error().message);
  if (!j->is_object()) return fail(Errc::invalid, "not a JSON object");
  auto type = j->find("type"), v = j->find("v");
  if (type == j->end() || *type != std::string(kTrailAnchorType)) return fail(Errc::invalid, "not a trail.anchor record");
  if (v == j->end() || *v != kTrailAnchorVersion) return fail_field("v", "a trail.anchor of an unknown version");
  for (const auto& [k, v] : j->items())
    if (k != "count" && k != "head" && k != "time" && k != "type" && k != "v")
      return fail_field(k, "not a member of trail.anchor");
  TrailAnchor a;
  auto count = j->find("count");
  if (count == j->end() || !count->is_number_integer()) return fail_field("count", "an integer");
  a.count = count->get<std::int64_t>();
  auto head = j->find("head"), time = j->find("time");
  if (head == j->end() || !head->is_string()) return fail_field("head", "a string");
  if (time == j->end() || !time->is_string()) return fail_field("time", "a string");
  a.head = head->get<std::string>();
  a.time = time->get<std::string>();
  // Re-encoding refuses bad values and anything not in canonical form: one record, one spelling.
  AMANAT_TRY(again, encode_anchor(a));
  if (again != text) return fail(Errc::invalid, "not in RFC 8785 canonical form");
  return a;
}

bool looks_like_anchor(std::span<const std::uint8_t> leaf) {
  std::string_view text(reinterpret_cast<const char*>(leaf.data()), leaf.size());
  return text.ends_with(kTail);
}

}  // namespace amanat::identity
