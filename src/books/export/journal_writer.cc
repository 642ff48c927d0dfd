#include "books/export/journal_writer.h"

#include "core/utf8.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>

namespace amanat::books::exporter {

namespace {

constexpr std::size_t kFlushAt = 64 * 1024;

// Quotes user text for an error message: escaped and cut short (a narration can be long, and
// an error message is a log line).
std::string quote(std::string_view s) {
  constexpr std::size_t kMax = 60;
  static const char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < kMax; ++i) {
    auto ch = static_cast<unsigned char>(s[i]);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += static_cast<char>(ch);
    } else if (ch < 0x20 || ch == 0x7f) {
      out += "\\x";
      out += hex[ch >> 4];
      out += hex[ch & 15];
    } else {
      out += static_cast<char>(ch);  // UTF-8 passes through: messages are UTF-8 too
    }
  }
  if (s.size() > kMax) out += "...";
  out += '"';
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

// Strict UTF-8: hledger stops at the first invalid byte and beancount mangles it, so it is
// refused up front.
bool is_utf8(std::string_view s) { return is_valid_utf8(s); }

// True when clean_text would return the text unchanged (the usual case, which then costs one
// scan and no copy): no control characters, no space at either end, no two spaces in a row.
bool is_clean_text(std::string_view s) {
  if (s.empty()) return true;
  if (s.front() == ' ' || s.back() == ' ') return false;
  char prev = 0;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= ' ' || c == 0x7f) {
      if (c != ' ' || prev == ' ') return false;
    }
    prev = ch;
  }
  return true;
}

// Collapses every run of ASCII spaces and control characters into one space and trims both
// ends, into `out` (reused, so that steady-state writing does not allocate).
void clean_text(std::string_view in, std::string& out) {
  out.clear();
  bool pending_space = false;
  for (char ch : in) {
    auto c = static_cast<unsigned char>(ch);
    if (c == ' ' || is_control(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += ch;
  }
}

void append_u64(std::string& buf, std::uint64_t v) {
  char tmp[24];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  buf.append(tmp, r.ptr);
}

// Appends m as format_amount spells it ("1234.56", "-5", "0.001": exactly exponent() fraction
// digits, no '+', no separators, no negative zero), a space and the code, or with `magnitude`
// its absolute value (costs are written unsigned; see the header). The same spelling as
// format_amount (a test checks it on the edge cases), but written straight into the buffer:
// format_amount's temporary strings were a fifth of the export time.
void append_money(std::string& buf, const Money& m, bool magnitude = false) {
  const int exp = m.currency.exponent();
  // As unsigned, so that the most negative amount has a magnitude too.
  std::uint64_t mag = m.minor < 0 ? 0 - static_cast<std::uint64_t>(m.minor)
                                  : static_cast<std::uint64_t>(m.minor);
  char tmp[32];
  char* end = tmp + sizeof tmp;
  char* p = end;
  int produced = 0;
  do {
    *--p = static_cast<char>('0' + mag % 10);
    mag /= 10;
    if (++produced == exp) *--p = '.';
  } while (mag != 0 || produced <= exp);
  if (m.minor < 0 && !magnitude) *--p = '-';
  buf.append(p, end);
  buf += ' ';
  buf.append(m.currency.code());
}

// An int128 sum of minor units, for the "does not balance" message.
std::string describe_sum(Currency c, __int128 v) {
  if (v >= std::numeric_limits<std::int64_t>::min() &&
      v <= std::numeric_limits<std::int64_t>::max())
    return format(Money{static_cast<std::int64_t>(v), c});
  return std::string(v < 0 ? "less than " : "more than ") +
         format(Money{v < 0 ? std::numeric_limits<std::int64_t>::min()
                            : std::numeric_limits<std::int64_t>::max(),
                      c});
}

bool is_meta_key(std::string_view k) {
  if (k.empty() || !is_lower(k[0])) return false;
  for (char c : k)
    if (!is_lower(c) && !is_digit(c) && c != '-') return false;
  return true;
}

}  // namespace

// ---- Shared checks ----------------------------------------------------------------------------

bool is_iso_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!is_digit(d[i])) return false;
  int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
  int m = (d[5] - '0') * 10 + (d[6] - '0');
  int day = (d[8] - '0') * 10 + (d[9] - '0');
  if (y < 1 || m < 1 || m > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return day <= max;
}

Status check_account_name(std::string_view account) {
  auto bad = [&](std::string why) {
    return fail(Errc::invalid, "account name " + quote(account) + " " + std::move(why));
  };
  std::size_t colon = account.find(':');
  std::string_view root = account.substr(0, colon);
  if (root != "Assets" && root != "Liabilities" && root != "Equity" && root != "Income" &&
      root != "Expenses")
    return bad("does not start with one of the roots Assets, Liabilities, Equity, Income, "
               "Expenses");
  if (colon == std::string_view::npos)
    return bad("is a bare root: it needs at least one more component (beancount refuses it)");
  std::string_view rest = account.substr(colon + 1);
  while (true) {
    std::size_t next = rest.find(':');
    std::string_view comp = rest.substr(0, next);
    if (comp.empty()) return bad("has an empty component");
    if (!is_upper(comp[0]) && !is_digit(comp[0]))
      return bad("has a component " + quote(comp) +
                 " that does not start with an upper-case letter or a digit");
    for (char c : comp)
      if (!is_upper(c) && !is_lower(c) && !is_digit(c) && c != '-')
        return bad("has a component " + quote(comp) +
                   " with a character other than an ASCII letter, digit or '-'");
    if (next == std::string_view::npos) break;
    rest.remove_prefix(next + 1);
  }
  return {};
}

// ---- JournalWriter ------------------------------------------------------------------------------

// Account names are looked up once per posting, millions of times per export, and a full
// byte-wise hash of each name was a tenth of the writing time. Names differ mostly in length
// and in their first, middle or last bytes ("Income:Restricted:FLOOD:Donations"), so hashing
// those 24 bytes and the length spreads a chart of accounts well; a collision only costs a
// string comparison.
std::size_t JournalWriter::StringHash::operator()(std::string_view s) const noexcept {
  auto load = [&](std::size_t at) {
    std::uint64_t w = 0;
    std::memcpy(&w, s.data() + at, std::min<std::size_t>(8, s.size() - at));
    return w;
  };
  const std::size_t n = s.size();
  std::uint64_t a = 0, b = 0, c = 0;
  if (n >= 8) {
    a = load(0);
    b = load((n - 8) / 2);
    c = load(n - 8);
  } else if (n > 0) {
    a = load(0);
  }
  std::uint64_t h = n * 0x9e3779b97f4a7c15ULL;
  h ^= a * 0xc2b2ae3d27d4eb4fULL;
  h = (h << 31 | h >> 33) ^ b * 0x165667b19e3779f9ULL;
  h = (h << 29 | h >> 35) ^ c * 0x85ebca77c2b2ae63ULL;
  h ^= h >> 32;
  h *= 0x9e3779b97f4a7c15ULL;
  h ^= h >> 29;
  return static_cast<std::size_t>(h);
}

JournalWriter::JournalWriter(std::ostream& out, std::string_view format_name)
    : out_(out), format_name_(format_name) {
  buf_.reserve(kFlushAt + 4096);
}

JournalWriter::~JournalWriter() = default;

Status JournalWriter::begin(const JournalHeader& header) {
  if (state_ != State::fresh)
    return fail(Errc::internal, format_name_ + " export: begin() called twice");
  if (!is_utf8(header.organisation))
    return fail(Errc::invalid, format_name_ + " export: the organisation name is not valid UTF-8");
  // A refused header leaves the writer fresh, so start from nothing each time.
  accounts_.clear();
  currencies_.reset();
  currency_list_.clear();
  earliest_.clear();

  for (const AccountUse& a : header.accounts) {
    if (auto st = check_account_name(a.account); !st) return st;
    if (!is_iso_date(a.first_used))
      return fail(Errc::invalid, "account " + a.account + ": first-use date " +
                                     quote(a.first_used) +
                                     " is not a calendar date spelt YYYY-MM-DD");
    if (!accounts_.emplace(a.account, a.first_used).second)
      return fail(Errc::invalid, "account " + a.account + " is declared twice in the header");
    if (earliest_.empty() || a.first_used < earliest_) earliest_ = a.first_used;
  }
  if (earliest_.empty()) earliest_ = "1970-01-01";

  auto declare = [&](Currency c) {
    if (currencies_.test(c.numeric())) return;
    currencies_.set(c.numeric());
    currency_list_.push_back(c);
  };
  declare(header.operating_currency);
  for (Currency c : header.currencies) declare(c);
  std::ranges::sort(currency_list_);

  emit_header(header, buf_);
  state_ = State::open;
  return flush_buffer();
}

Status JournalWriter::check(const Transaction& tx) {
  auto bad = [&](std::string why) {
    return fail(Errc::invalid, "transaction " + std::to_string(tx.id) + ": " + std::move(why));
  };
  if (!is_iso_date(tx.date))
    return bad("date " + quote(tx.date) + " is not a calendar date spelt YYYY-MM-DD");
  if (tx.postings.empty()) return bad("has no postings");
  if (!is_utf8(tx.narration)) return bad("the narration is not valid UTF-8");
  for (const auto& [key, value] : tx.meta) {
    if (!is_meta_key(key)) return bad("metadata key " + quote(key) + " is not [a-z][a-z0-9-]*");
    if (!is_utf8(value)) return bad("metadata " + key + ": the value is not valid UTF-8");
    for (char c : value)
      if (is_control(static_cast<unsigned char>(c)))
        return bad("metadata " + key + ": the value holds a control character (newline, tab...)");
  }

  // Per currency, the sum of the weights. A transaction has a handful of currencies at most,
  // so a linear search in a tiny array beats any map; 128 bits cannot overflow here.
  struct Sum {
    int numeric;
    __int128 total;
  };
  Sum sums[8];
  std::size_t n_sums = 0;
  std::vector<Sum> more;  // only for a transaction in more than 8 currencies
  auto add = [&](const Money& m) {
    for (std::size_t i = 0; i < n_sums; ++i)
      if (sums[i].numeric == m.currency.numeric()) return void(sums[i].total += m.minor);
    for (Sum& s : more)
      if (s.numeric == m.currency.numeric()) return void(s.total += m.minor);
    if (n_sums < std::size(sums))
      sums[n_sums++] = Sum{m.currency.numeric(), m.minor};
    else
      more.push_back(Sum{m.currency.numeric(), m.minor});
  };

  for (std::size_t i = 0; i < tx.postings.size(); ++i) {
    const Posting& p = tx.postings[i];
    auto where = [&] { return "posting " + std::to_string(i + 1) + " (" + p.account + "): "; };
    auto it = accounts_.find(std::string_view(p.account));
    if (it == accounts_.end())
      return bad(where() + "the account is not declared in the export header");
    if (tx.date < it->second)
      return bad(where() + "the header says the account is first used on " + it->second +
                 ", after this transaction's date " + tx.date);
    if (p.amount.minor == 0) return bad(where() + "the amount is zero");
    if (!currencies_.test(p.amount.currency.numeric()))
      return bad(where() + "currency " + std::string(p.amount.currency.code()) +
                 " is not declared in the export header");
    if (p.cost) {
      const Money& c = *p.cost;
      if (c.currency == p.amount.currency)
        return bad(where() + "the cost is in the amount's own currency " +
                   std::string(c.currency.code()));
      if (!currencies_.test(c.currency.numeric()))
        return bad(where() + "cost currency " + std::string(c.currency.code()) +
                   " is not declared in the export header");
      if (c.minor == 0) return bad(where() + "the cost is zero");
      if ((c.minor < 0) != (p.amount.minor < 0))
        return bad(where() + "the cost " + format(c) + " and the amount " + format(p.amount) +
                   " have opposite signs");
      add(c);
    } else {
      add(p.amount);
    }
  }

  std::string off;
  auto note = [&](const Sum& s) {
    if (s.total == 0) return;
    Currency c = currency_by_numeric(s.numeric).value();  // it came from a Currency
    if (!off.empty()) off += ", ";
    off += describe_sum(c, s.total);
  };
  for (std::size_t i = 0; i < n_sums; ++i) note(sums[i]);
  for (const Sum& s : more) note(s);
  if (!off.empty())
    return bad("does not balance: per currency, the postings (at cost where one is given) sum "
               "to " + off + " instead of zero");
  return {};
}

Status JournalWriter::write(const Transaction& tx) {
  if (state_ != State::open)
    return fail(Errc::internal, format_name_ + " export: write() called " +
                                    (state_ == State::fresh ? "before begin()" : "after finish()"));
  if (!io_status_) return io_status_;
  if (auto st = check(tx); !st) return st;
  std::string_view narration = tx.narration;
  if (!is_clean_text(narration)) {
    clean_text(narration, narration_);
    narration = narration_;
  }
  emit_transaction(tx, narration, buf_);
  ++written_;
  if (buf_.size() >= kFlushAt) return flush_buffer();
  return {};
}

Status JournalWriter::finish() {
  if (state_ != State::open)
    return fail(Errc::internal, format_name_ + " export: finish() called " +
                                    (state_ == State::fresh ? "before begin()" : "twice"));
  state_ = State::finished;
  if (auto st = flush_buffer(); !st) return st;
  out_.flush();
  if (!out_)
    io_status_ = fail(Errc::unavailable, "flushing the " + format_name_ + " export failed");
  return io_status_;
}

Status JournalWriter::flush_buffer() {
  if (!io_status_) return io_status_;
  if (!buf_.empty()) {
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
  }
  if (!out_)
    io_status_ = fail(Errc::unavailable,
                      "writing the " + format_name_ +
                          " export failed (the stream reports an error: disk full or closed?)");
  return io_status_;
}

// ---- ledger / hledger -------------------------------------------------------------------------

LedgerWriter::LedgerWriter(std::ostream& out) : JournalWriter(out, "ledger") {}

void LedgerWriter::emit_header(const JournalHeader& header, std::string& buf) {
  std::string org;
  clean_text(header.organisation, org);
  buf += "; Books of ";
  buf += org;
  buf += ", exported by amanat for ledger 3 and hledger.\n; Operating currency: ";
  buf.append(header.operating_currency.code());
  buf += ".\n;\n"
         "; The commodity formats fix each currency's decimal places so that no tool rounds.\n"
         "; Currencies without minor units (JPY...) have no format line: hledger needs a\n"
         "; decimal mark in one and ledger refuses \"1000.\"; both then infer 0 places.\n\n";
  for (Currency c : declared_currencies()) {
    buf += "commodity ";
    buf.append(c.code());
    buf += '\n';
    if (c.exponent() > 0) {
      buf += "    format 1000.";
      buf.append(static_cast<std::size_t>(c.exponent()), '0');
      buf += ' ';
      buf.append(c.code());
      buf += '\n';
    }
  }
  buf += '\n';
  for (const AccountUse& a : header.accounts) {
    buf += "account ";
    buf += a.account;
    buf += '\n';
  }
  buf += '\n';
}

void LedgerWriter::emit_transaction(const Transaction& tx, std::string_view narration,
                                    std::string& buf) {
  buf += tx.date;
  buf += " * (";
  append_u64(buf, tx.id);
  buf += ')';
  if (!narration.empty()) {
    buf += ' ';
    std::size_t start = buf.size();
    buf.append(narration);
    std::replace(buf.begin() + static_cast<std::ptrdiff_t>(start), buf.end(), ';', ',');
  }
  buf += '\n';
  for (const auto& [key, value] : tx.meta) {
    buf += "    ; ";
    buf += key;
    buf += ": ";
    buf += value;
    buf += '\n';
  }
  for (const Posting& p : tx.postings) {
    buf += "    ";
    buf += p.account;
    buf += "  ";
    append_money(buf, p.amount);
    if (p.cost) {
      buf += " @@ ";
      append_money(buf, *p.cost, /*magnitude=*/true);
    }
    buf += '\n';
  }
  buf += '\n';
}

// ---- beancount ----------------------------------------------------------------------------------

namespace {

// A beancount string literal: '"' and '\' escaped (the lexer reads \" and \\). The text has no
// control characters left (clean_text, or refused for metadata).
void append_bean_string(std::string& buf, std::string_view s) {
  buf += '"';
  std::size_t run = 0;  // start of the stretch not yet copied
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '"' && s[i] != '\\') continue;
    buf.append(s.data() + run, i - run);
    buf += '\\';
    run = i;  // the quote or backslash itself goes out with the next stretch
  }
  buf.append(s.data() + run, s.size() - run);
  buf += '"';
}

}  // namespace

BeancountWriter::BeancountWriter(std::ostream& out) : JournalWriter(out, "beancount") {}

void BeancountWriter::emit_header(const JournalHeader& header, std::string& buf) {
  std::string org;
  clean_text(header.organisation, org);
  buf += "; Books of ";
  buf += org;
  buf += ", exported by amanat for beancount 2.\n\noption \"title\" ";
  append_bean_string(buf, org);
  buf += "\noption \"operating_currency\" \"";
  buf.append(header.operating_currency.code());
  buf += "\"\n";
  // Beancount checks a balance with a tolerance it infers from the decimals written: half the
  // last digit (0.005 for "1234.56 KZT"), but zero for an amount with no decimals. A cost
  // written as "@@ total" becomes a per-unit price rounded to 28 digits, so a JPY weight can be
  // off by 1e-21 and a yen transaction at a cost would be refused. Half a minor unit, stated
  // for every currency, cannot hide a real difference: those are whole minor units.
  for (Currency c : declared_currencies()) {
    buf += "option \"inferred_tolerance_default\" \"";
    buf.append(c.code());
    buf += c.exponent() == 0 ? ":0.5" : ":0.";
    if (c.exponent() > 0) {
      buf.append(static_cast<std::size_t>(c.exponent()), '0');
      buf += '5';
    }
    buf += "\"\n";
  }
  buf += '\n';
  for (Currency c : declared_currencies()) {
    buf += earliest_date();
    buf += " commodity ";
    buf.append(c.code());
    buf += '\n';
  }
  buf += '\n';
  for (const AccountUse& a : header.accounts) {
    buf += a.first_used;
    buf += " open ";
    buf += a.account;
    buf += '\n';
  }
  buf += '\n';
}

void BeancountWriter::emit_transaction(const Transaction& tx, std::string_view narration,
                                       std::string& buf) {
  buf += tx.date;
  buf += " * ";
  append_bean_string(buf, narration);
  buf += '\n';
  for (const auto& [key, value] : tx.meta) {
    buf += "  ";
    buf += key;
    // Keys beancount cannot take as they are (see the header): one character, or the names of
    // the location metadata that beancount itself sets.
    if (key.size() == 1 || key == "filename" || key == "lineno") buf += '_';
    buf += ": ";
    append_bean_string(buf, value);
    buf += '\n';
  }
  for (const Posting& p : tx.postings) {
    buf += "  ";
    buf += p.account;
    buf += "  ";
    append_money(buf, p.amount);
    if (p.cost) {
      buf += " @@ ";
      append_money(buf, *p.cost, /*magnitude=*/true);
    }
    buf += '\n';
  }
  buf += '\n';
}

}  // namespace amanat::books::exporter
