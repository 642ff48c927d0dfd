#include "books/import/mt940.h"

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "books/import/fields.h"

namespace amanat::books::import {

namespace {

using detail::describe;
using detail::fail_at;
using detail::trim;

constexpr std::size_t kMaxLine = std::size_t{64} << 10;
constexpr std::size_t kMaxField = std::size_t{1} << 20;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

// ":TAG:" at the start of a line: two digits and an optional letter (":61:", ":60F:"), or
// another bank's two or three letters or digits (":NS:"). The tag, or empty.
std::string_view tag_of(std::string_view line) {
  if (line.size() < 4 || line[0] != ':') return {};
  std::size_t end = line.find(':', 1);
  if (end == std::string_view::npos || end < 3 || end > 4) return {};
  for (std::size_t i = 1; i < end; ++i)
    if (!is_digit(line[i]) && !is_upper(line[i])) return {};
  return line.substr(1, end - 1);
}

std::string iso_date(int y, int m, int d) {
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02d-%02d", y, m, d);
  return out;
}

// The value date YYMMDD at the start of s: its year, month and day (day 1-31 in any month:
// some German banks date year-end postings 30 February), or false.
bool value_date(std::string_view s, int& y, int& m, int& d) {
  if (s.size() < 6) return false;
  for (std::size_t i = 0; i < 6; ++i)
    if (!is_digit(s[i])) return false;
  auto num = [&](std::size_t i) { return (s[i] - '0') * 10 + (s[i + 1] - '0'); };
  int yy = num(0);
  y = yy < 80 ? 2000 + yy : 1900 + yy;
  m = num(2);
  d = num(4);
  return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

// Two letters, two digits and 11-30 letters or digits, spaces aside: an account, not a reference.
bool looks_like_iban(std::string_view s) {
  std::string n = detail::normalize_account(s);  // compacts exactly what has that shape
  return n.size() >= 15 && n.size() <= 34 && is_upper(n[0]) && is_upper(n[1]) && is_digit(n[2]) &&
         is_digit(n[3]) && n.find(' ') == std::string::npos;
}

// The account of :25:, without a currency code written after it.
std::string account_of(std::string_view v) {
  v = trim(v.substr(0, v.find('\n')));
  if (v.size() > 3) {
    std::string_view tail = v.substr(v.size() - 3);
    bool code = is_upper(tail[0]) && is_upper(tail[1]) && is_upper(tail[2]) && currency(tail);
    std::string_view head = trim(v.substr(0, v.size() - 3));
    // "NL..RABO..  EUR" or "51210600/9223382012EUR": the code follows a digit or a space.
    if (code && !head.empty() && (is_digit(head.back()) || v[v.size() - 4] == ' '))
      v = head;
  }
  return detail::normalize_account(v);
}

// What :86: says: the payment text and the counterparty's account.
struct Details {
  std::string text, counterparty;
};

Details details_of(std::string_view v) {
  Details d;
  // German structured form: a three-digit business code, then "?NN" subfields.
  if (v.size() >= 4 && is_digit(v[0]) && is_digit(v[1]) && is_digit(v[2]) &&
      v.find('?') != std::string_view::npos) {
    std::string flat;  // the subfields run on across line breaks
    for (char c : v)
      if (c != '\n') flat += c;
    std::size_t i = flat.find('?');
    while (i != std::string::npos && i + 2 < flat.size()) {
      std::size_t next = flat.find('?', i + 1);
      while (next != std::string::npos && !(next + 2 < flat.size() && is_digit(flat[next + 1]) &&
                                            is_digit(flat[next + 2])))
        next = flat.find('?', next + 1);
      std::string_view code = std::string_view(flat).substr(i + 1, 2);
      std::string_view value = std::string_view(flat).substr(
          i + 3, (next == std::string::npos ? flat.size() : next) - (i + 3));
      int n = is_digit(code[0]) && is_digit(code[1]) ? (code[0] - '0') * 10 + (code[1] - '0') : -1;
      if ((n >= 20 && n <= 29) || (n >= 60 && n <= 63)) d.text += value;
      if (n == 31) d.counterparty = detail::normalize_account(value);
      i = next;
    }
    d.text = std::string(trim(d.text));
    return d;
  }
  for (std::size_t i = 0; i < v.size();) {
    std::size_t nl = v.find('\n', i);
    std::string_view line = trim(v.substr(i, nl == std::string_view::npos ? nl : nl - i));
    if (!line.empty()) {
      if (!d.text.empty()) d.text += ' ';
      d.text += line;
    }
    if (nl == std::string_view::npos) break;
    i = nl + 1;
  }
  // Dutch banks: "/CNTP/<account>/<BIC>/<name>/" (ING, Rabobank), "/IBAN/<account>/" (ABN AMRO).
  std::string flat;
  for (char c : v)
    if (c != '\n') flat += c;
  for (std::string_view key : {"/CNTP/", "/IBAN/"}) {
    std::size_t at = flat.find(key);
    if (at == std::string::npos) continue;
    std::size_t from = at + key.size(), to = flat.find('/', from);
    std::string_view acct = trim(std::string_view(flat).substr(from, to == std::string::npos ? to : to - from));
    if (!acct.empty()) {
      d.counterparty = detail::normalize_account(acct);
      break;
    }
  }
  return d;
}

class Mt940Reader {
 public:
  Result<Statement> run(std::istream& in, Progress* progress);

 private:
  Status field(std::string_view tag, std::string_view value, std::uint64_t line);
  Status statement_line(std::string_view value, std::uint64_t line);
  Status currency_from(std::string_view value, std::size_t at, std::string_view tag, std::uint64_t line);

  std::string account_;
  std::optional<Currency> currency_;
  bool in_message_ = false, seen_message_ = false, interim_ = false;
  bool last_was_61_ = false;
  std::string supplementary_;  // the :61:'s second line, for a line without :86:
  Statement out_;
};

Status Mt940Reader::currency_from(std::string_view v, std::size_t at, std::string_view tag,
                                  std::uint64_t line) {
  std::string field = ":" + std::string(tag) + ":";
  if (currency_) return {};  // the first of :60F:/:60M:/:34F: decides
  if (v.size() < at + 3)
    return fail_at(line, field, "too short to hold a currency code");
  std::string_view code = v.substr(at, 3);
  auto c = currency(code);
  if (!c) return fail_at(line, field, describe(code, 3, 5) + ": " + c.error().message);
  currency_ = *c;
  return {};
}

Status Mt940Reader::statement_line(std::string_view v, std::uint64_t line) {
  static constexpr const char* kTag = ":61:";
  if (account_.empty())
    return fail_at(line, kTag, "a statement line before the message's account (:25:)");
  if (!currency_)
    return fail_at(line, kTag,
                   "a statement line before the message's currency (the opening balance :60F: "
                   "or, in an MT942, :34F:)");
  std::size_t nl = v.find('\n');
  std::string_view first = v.substr(0, nl);
  supplementary_ = nl == std::string_view::npos ? std::string() : std::string(trim(v.substr(nl + 1)));
  std::string shown = describe(first.substr(0, 16), 4);

  int vy = 0, vm = 0, vd = 0;
  if (!value_date(first, vy, vm, vd))
    return fail_at(line, kTag, shown + " does not start with a value date YYMMDD");
  std::string booking;  // the entry date if there is one, else the value date
  std::size_t i = 6;
  if (first.size() >= 10 && is_digit(first[6]) && is_digit(first[7]) && is_digit(first[8]) &&
      is_digit(first[9])) {
    int m = (first[6] - '0') * 10 + (first[7] - '0'), d = (first[8] - '0') * 10 + (first[9] - '0');
    int y = vy;
    if (m - vm > 6) --y;  // booked in December, value date in January
    if (vm - m > 6) ++y;  // booked in January, value date in December
    if (!detail::valid_date(y, m, d))
      return fail_at(line, kTag, shown + " has an entry date MMDD that is not a real date");
    booking = iso_date(y, m, d);
    i = 10;
  } else if (first.substr(6, 4) == "    ") {
    i = 10;  // an entry date left blank
  }
  if (booking.empty()) {
    if (!detail::valid_date(vy, vm, vd))
      return fail_at(line, kTag,
                     shown + ": the value date is not a real date, and there is no entry date");
    booking = iso_date(vy, vm, vd);
  }

  int sign = 0;
  if (first.substr(i, 2) == "RC") sign = -1, i += 2;
  else if (first.substr(i, 2) == "RD") sign = 1, i += 2;
  else if (first.substr(i, 1) == "C") sign = 1, i += 1;
  else if (first.substr(i, 1) == "D") sign = -1, i += 1;
  if (sign == 0)
    return fail_at(line, kTag, shown + ": the mark after the date is not C, D, RC or RD");
  if (i < first.size() && is_upper(first[i])) ++i;  // funds code

  std::size_t a = i;
  while (i < first.size() && (is_digit(first[i]) || first[i] == ',')) ++i;
  std::string_view amount = first.substr(a, i - a);
  std::string shown_amount = describe(amount, 1);
  if (amount.empty())
    return fail_at(line, kTag, shown + ": no amount (e.g. 1234,56) after the mark");
  // The decimal comma is mandatory in SWIFT's rules, yet some banks write whole amounts
  // without it ("C500NTRF"): the transaction type's letter ends the amount all the same.
  auto m = detail::read_decimal(amount, ',', *currency_);
  if (!m) return fail_at(line, kTag, "amount " + shown_amount + " " + m.error());

  // Transaction type: one letter and three characters ("NTRF", "S103", "NMSC"), as written.
  if (first.size() < i + 4 || !is_upper(first[i]))
    return fail_at(line, kTag, shown + ": no transaction type (e.g. NTRF) after the amount");
  i += 4;
  std::string_view refs = first.substr(i);
  std::size_t slashes = refs.find("//");
  std::string_view customer = trim(refs.substr(0, slashes));
  std::string_view bank = slashes == std::string_view::npos ? std::string_view() : trim(refs.substr(slashes + 2));
  // A zero line (a notice some banks put in the statement) moves no money: nothing to book.
  if (m->minor == 0) {
    last_was_61_ = false;  // its :86: belongs to no line
    return {};
  }
  auto usable = [](std::string_view r) {
    return !r.empty() && r != "NONREF" && !looks_like_iban(r) && detail::valid_utf8(r);
  };
  out_.lines.push_back(StatementLine{
      .line = line,
      .account = account_,
      .booking_date = std::move(booking),
      .amount = Money{sign * m->minor, *currency_},
      .bank_ref = std::string(usable(bank) ? bank : usable(customer) ? customer : ""),
      .counterparty = {},
      .text = detail::lossy_utf8(supplementary_),
  });
  return {};
}

Status Mt940Reader::field(std::string_view tag, std::string_view v, std::uint64_t line) {
  bool was_61 = last_was_61_;
  last_was_61_ = false;
  if (tag == "20") {  // a new message
    account_.clear();
    currency_.reset();
    seen_message_ = true;
  } else if (tag == "25") {
    account_ = detail::lossy_utf8(account_of(v));
    seen_message_ = true;
    if (account_.empty()) return fail_at(line, ":25:", "the account is empty");
  } else if (tag == "60F" || tag == "60M") {
    // [C|D] YYMMDD CCY amount
    return currency_from(trim(v), 7, tag, line);
  } else if (tag == "34F") {
    interim_ = true;
    return currency_from(trim(v), 0, tag, line);
  } else if (tag == "13D" || tag == "13") {
    interim_ = true;
  } else if (tag == "61") {
    last_was_61_ = true;
    return statement_line(v, line);
  } else if (tag == "86" && was_61) {
    Details d = details_of(v);
    StatementLine& l = out_.lines.back();
    l.text = detail::lossy_utf8(d.text.empty() ? supplementary_ : d.text);
    l.counterparty = detail::lossy_utf8(d.counterparty);
  }
  return {};
}

Result<Statement> Mt940Reader::run(std::istream& in, Progress* progress) {
  detail::LineReader lines(in, progress, kMaxLine, "file");
  std::string tag, value;
  std::uint64_t tag_line = 0;
  auto flush = [&]() -> Status {
    if (tag.empty()) return {};
    Status st = field(tag, value, tag_line);
    tag.clear();
    value.clear();
    return st;
  };
  std::string_view l;
  for (;;) {
    auto more = lines.next(l);
    if (!more) return err(more);
    if (!*more) break;
    std::string_view t = trim(l);
    // SWIFT blocks: "{1:...}{2:...}{4:" before a message, "-}" or "-" after it.
    bool block = !t.empty() && t[0] == '{';
    while (!t.empty() && t[0] == '{') {
      if (t.starts_with("{4:")) {
        t = t.substr(3);
        break;
      }
      std::size_t close = t.find('}');
      t = close == std::string_view::npos ? std::string_view() : t.substr(close + 1);
    }
    if (t == "-" || t == "-}" || t.starts_with("-}{")) {
      if (auto st = flush(); !st) return err(st);
      in_message_ = false;
      last_was_61_ = false;
      continue;
    }
    std::string_view tg = tag_of(t);
    if (!tg.empty()) {
      if (auto st = flush(); !st) return err(st);
      in_message_ = true;
      tag = tg;
      tag_line = lines.line();
      value = t.substr(tg.size() + 2);
      continue;
    }
    if (!in_message_ || tag.empty() || block) continue;  // bank headers outside a message
    if (value.size() + l.size() + 1 > kMaxField)
      return fail_at(tag_line, ":" + tag + ":", "a field longer than 1 MiB");
    value += '\n';
    value += l;
  }
  if (auto st = flush(); !st) return err(st);
  if (!seen_message_ && out_.lines.empty())
    return fail_at(1, "file", "no MT940 message (:20:, :25:, :61:) in it: is it an MT940 statement?");
  out_.format = interim_ ? "mt942" : "mt940";
  return std::move(out_);
}

}  // namespace

Result<Statement> parse_mt940(std::istream& in, Progress* progress) {
  Mt940Reader r;
  return r.run(in, progress);
}

Result<Statement> parse_mt940_file(const std::filesystem::path& path, Progress* progress) {
  return detail::parse_file(path, progress,
                            [&](std::istream& in) { return parse_mt940(in, progress); });
}

}  // namespace amanat::books::import
