#include "books/import/fields.h"

#include "core/utf8.h"

#include <cstring>
#include <fstream>
#include <system_error>

namespace amanat::books::import::detail {

namespace {

constexpr std::size_t kChunk = std::size_t{64} << 10;

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

std::string lossy_utf8(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n > 0 && i + n <= s.size() && is_valid_utf8(s.substr(i, n))) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

Result<Statement> parse_file(const std::filesystem::path& path, Progress* progress,
                             const std::function<Result<Statement>(std::istream&)>& parse) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return fail(ec == std::errc::no_such_file_or_directory ? Errc::not_found : Errc::unavailable,
                path.string() + ": " + ec.message());
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::unavailable, path.string() + ": cannot open the file");
  if (progress) progress->set_total(size);
  auto st = parse(in);
  if (!st) return std::unexpected(st.error().context(path.string()));
  return st;
}

BufferedInput::BufferedInput(std::istream& in, Progress* progress)
    : in_(in), progress_(progress), buf_(kChunk) {}

LineReader::LineReader(std::istream& in, Progress* progress, std::size_t max_line, std::string what)
    : BufferedInput(in, progress), max_line_(max_line), what_(std::move(what)) {}

Status BufferedInput::fill() {
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  // Read size; the buffer doubles only for a line or row longer than half of it.
  if (buf_.size() - end_ < kChunk / 2) buf_.resize(buf_.size() * 2);
  in_.read(buf_.data() + end_, static_cast<std::streamsize>(buf_.size() - end_));
  std::size_t n = static_cast<std::size_t>(in_.gcount());
  if (in_.bad() || (in_.fail() && !in_.eof()))
    return std::unexpected(Error{Errc::unavailable, "reading the statement failed after " +
                                                        std::to_string(read_) + " bytes"});
  end_ += n;
  read_ += n;
  if (progress_) progress_->update(read_);
  eof_ = in_.eof();
  return {};
}

Result<bool> LineReader::next(std::string_view& line) {
  std::size_t i = 0;  // offset from pos_ of the first byte not yet looked at
  for (;;) {
    while (pos_ + i < end_ && buf_[pos_ + i] != '\n' && buf_[pos_ + i] != '\r') ++i;
    if (i > max_line_)
      return fail_at(line_ + 1, what_, "a line longer than " + std::to_string(max_line_) + " bytes");
    // A CR at the end of the buffer may be the first half of a CRLF.
    bool need_more = pos_ + i == end_ || (buf_[pos_ + i] == '\r' && pos_ + i + 1 == end_);
    if (!need_more || eof_) break;
    if (auto st = fill(); !st) return err(st);
  }
  if (pos_ + i == end_ && i == 0 && eof_) return false;
  line = std::string_view(buf_.data() + pos_, i);
  std::size_t term = 0;
  if (pos_ + i < end_) term = buf_[pos_ + i] == '\r' && pos_ + i + 1 < end_ && buf_[pos_ + i + 1] == '\n' ? 2 : 1;
  pos_ += i + term;
  ++line_;
  return true;
}

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
