#include "books/import/fields.h"

#include "core/utf8.h"

#include <cstring>

namespace amanat::books::import::detail {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

}  // namespace

std::string_view trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

Error line_error(std::uint64_t line, std::string_view field, std::string_view reason) {
  std::string m = "line " + std::to_string(line) + ": ";
  m += field;
  m += ": ";
  m += reason;
  return Error{Errc::invalid, std::move(m)};
}

std::string describe(std::string_view v, std::size_t max_letter_run, std::size_t max_len) {
  bool harmless = v.size() <= max_len;
  std::size_t run = 0;
  for (std::size_t i = 0; harmless && i < v.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(v[i]);
    if (c < 0x20 || c >= 0x7f) harmless = false;
    run = is_alpha(v[i]) ? run + 1 : 0;
    if (run > max_letter_run) harmless = false;
  }
  if (!harmless) return "the value (not shown: it may be personal data)";
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

bool valid_date(int y, int m, int d) {
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

std::expected<std::string, std::string> read_date(std::string_view s, char sep, DateOrder order) {
  // The shape, for messages only (built on the error paths, not for every good date).
  auto shape = [&] {
    static constexpr const char* kShapes[] = {"YYYY-MM-DD", "DD-MM-YYYY", "MM-DD-YYYY"};
    std::string out = kShapes[static_cast<int>(order)];
    for (char& c : out)
      if (c == '-') c = sep;
    return out;
  };
  // Positions of the separators for the order.
  std::size_t s1 = order == DateOrder::ymd ? 4 : 2, s2 = order == DateOrder::ymd ? 7 : 5;
  bool ok = s.size() == 10 && s[s1] == sep && s[s2] == sep;
  for (std::size_t i = 0; ok && i < 10; ++i)
    if (i != s1 && i != s2 && !is_digit(s[i])) ok = false;
  if (!ok) return std::unexpected("is not a date of the form " + shape());
  auto num = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) v = v * 10 + (s[at + i] - '0');
    return v;
  };
  int y, m, d;
  switch (order) {
    case DateOrder::ymd: y = num(0, 4), m = num(5, 2), d = num(8, 2); break;
    case DateOrder::dmy: d = num(0, 2), m = num(3, 2), y = num(6, 4); break;
    default: m = num(0, 2), d = num(3, 2), y = num(6, 4); break;
  }
  if (y < 1900 || y > 2999) return std::unexpected(std::string("has a year outside 1900-2999"));
  if (!valid_date(y, m, d))
    return std::unexpected("is not a real calendar date (read as " + shape() + ")");
  char out[11];
  out[0] = static_cast<char>('0' + y / 1000);
  out[1] = static_cast<char>('0' + y / 100 % 10);
  out[2] = static_cast<char>('0' + y / 10 % 10);
  out[3] = static_cast<char>('0' + y % 10);
  out[4] = '-';
  out[5] = static_cast<char>('0' + m / 10);
  out[6] = static_cast<char>('0' + m % 10);
  out[7] = '-';
  out[8] = static_cast<char>('0' + d / 10);
  out[9] = static_cast<char>('0' + d % 10);
  return std::string(out, 10);
}

std::expected<Money, std::string> read_decimal(std::string_view s, char point, Currency c) {
  std::size_t sep = s.find(point);
  std::string_view whole = s.substr(0, sep);
  std::string_view frac = sep == std::string_view::npos ? std::string_view() : s.substr(sep + 1);
  auto digits = [](std::string_view d) {
    for (char ch : d)
      if (!is_digit(ch)) return false;
    return true;
  };
  if (!digits(whole) || !digits(frac) || whole.size() + frac.size() == 0)
    return std::unexpected(std::string("is not a decimal number (digits with at most one '") +
                           point + "')");
  // The one spelling parse_money reads: no leading zeros, no trailing fraction zeros.
  while (whole.size() > 1 && whole[0] == '0') whole.remove_prefix(1);
  while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
  const std::size_t e = static_cast<std::size_t>(c.exponent());
  if (frac.size() > e)
    return std::unexpected(std::string(c.code()) + " has " + std::to_string(e) +
                           " decimal places; this amount has " + std::to_string(frac.size()) +
                           " and cannot be booked exactly");
  std::string plain(whole.empty() ? std::string_view("0") : whole);
  if (!frac.empty()) plain.append(".").append(frac);
  auto m = parse_money(plain, c);
  if (!m) return std::unexpected(std::string("is too large for an amount in ") + std::string(c.code()));
  return *m;
}

bool valid_utf8(std::string_view s) { return is_valid_utf8(s); }

std::string normalize_account(std::string_view s) {
  s = trim(s);
  // An IBAN compacted: 2 letters, 2 digits, then 11-30 letters or digits.
  char compact[34];
  std::size_t n = 0;
  bool iban = true;
  for (char c : s) {
    if (c == ' ') continue;
    if (n == sizeof compact) {
      iban = false;
      break;
    }
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    bool ok = n < 2 ? is_alpha(c) : n < 4 ? is_digit(c) : is_alpha(c) || is_digit(c);
    if (!ok) {
      iban = false;
      break;
    }
    compact[n++] = c;
  }
  if (iban && n >= 15) return std::string(compact, n);
  return std::string(s);
}

}  // namespace amanat::books::import::detail
