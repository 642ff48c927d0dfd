#include "books/import/csv.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <fstream>
#include <system_error>
#include <utility>
#include <vector>

#include "books/import/charset.h"
#include "books/import/fields.h"

namespace amanat::books::import {

namespace {

using detail::describe;
using detail::fail_at;
using detail::trim;

// A row longer than this is refused rather than buffered: real rows are a few hundred bytes,
// and a stray opening quote would otherwise pull the rest of a large file into memory.
constexpr std::size_t kMaxRow = std::size_t{16} << 20;
// Likewise for fields: a row of nothing but delimiters must not become millions of them.
constexpr std::size_t kMaxFields = 1000;

std::unexpected<Error> mapping_error(std::string_view key, std::string_view reason) {
  std::string m = "mapping: ";
  m += key;
  m += ": ";
  m += reason;
  return std::unexpected(Error{Errc::invalid, std::move(m)});
}

std::string_view trim_blank(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string_view thousands_text(CsvThousands t) {
  switch (t) {
    case CsvThousands::none: return "";
    case CsvThousands::space: return " ";
    case CsvThousands::nbsp: return "\xC2\xA0";
    case CsvThousands::dot: return ".";
    case CsvThousands::comma: return ",";
    case CsvThousands::apostrophe: return "'";
  }
  return "";
}

const char* thousands_name(CsvThousands t) {
  switch (t) {
    case CsvThousands::none: return "none";
    case CsvThousands::space: return "space";
    case CsvThousands::nbsp: return "nbsp";
    case CsvThousands::dot: return "'.'";
    case CsvThousands::comma: return "','";
    case CsvThousands::apostrophe: return "'''";
  }
  return "none";
}

const char* date_format_name(CsvDateFormat f) {
  switch (f) {
    case CsvDateFormat::iso: return "YYYY-MM-DD";
    case CsvDateFormat::dmy_dot: return "DD.MM.YYYY";
    case CsvDateFormat::dmy_slash: return "DD/MM/YYYY";
    case CsvDateFormat::mdy_slash: return "MM/DD/YYYY";
  }
  return "YYYY-MM-DD";
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool two_digits(std::string_view s, std::size_t at, int max) {
  return at + 2 <= s.size() && is_digit(s[at]) && is_digit(s[at + 1]) &&
         (s[at] - '0') * 10 + (s[at + 1] - '0') <= max;
}

// The mapped columns, in the order the mapping string names them (also the order in which a
// row's fields are checked, so the first error of a row does not depend on column order).
struct ColumnKey {
  const char* key;
  std::string CsvMapping::*column;
};
constexpr std::array<ColumnKey, 8> kColumnKeys = {{
    {"date", &CsvMapping::date},
    {"amount", &CsvMapping::amount},
    {"credit", &CsvMapping::credit},
    {"debit", &CsvMapping::debit},
    {"currency", &CsvMapping::currency},
    {"ref", &CsvMapping::ref},
    {"counterparty", &CsvMapping::counterparty},
    {"text", &CsvMapping::text},
}};

// ---- Rows ------------------------------------------------------------------------------------

// Splits the input into rows of fields, RFC 4180 style, reading 64 KiB at a time. A row is
// found in two passes: the first finds where it ends (through quoted line breaks, refilling the
// buffer as needed), the second splits it into fields and unescapes "" in place. The fields
// are views into the buffer, valid until the next call.
class Rows : private detail::BufferedInput {
 public:
  Rows(std::istream& in, char delimiter, Progress* progress)
      : BufferedInput(in, progress), delim_(delimiter) {
    for (unsigned char c : {static_cast<unsigned char>(delimiter), static_cast<unsigned char>('\n'),
                            static_cast<unsigned char>('\r'), static_cast<unsigned char>('\0')})
      special_[c] = true;
  }

  // Reads the first chunk (byte order marks are the DecodingStreambuf's business).
  Status start() { return fill(); }

  // Skips n physical lines (a bank's preamble before the header).
  Status skip_lines(std::uint32_t n) {
    while (n > 0) {
      if (pos_ == end_) {
        if (eof_) return {};
        if (auto st = fill(); !st) return st;
        continue;
      }
      char c = buf_[pos_++];
      if (c == '\n') {
        ++line_;
        --n;
      } else if (c == '\r') {
        if (pos_ == end_ && !eof_)
          if (auto st = fill(); !st) return st;
        if (pos_ < end_ && buf_[pos_] == '\n') ++pos_;
        ++line_;
        --n;
      }
    }
    return {};
  }

  // Column labels for errors found while splitting ("unexpected character after a quote").
  void set_labels(std::vector<std::string> labels) { labels_ = std::move(labels); }

  std::uint64_t line() const { return line_; }

  // The next non-empty row; false at the end of the input.
  Result<bool> next(std::vector<std::string_view>& fields, std::uint64_t& row_line) {
    for (;;) {
      row_line = line_;
      std::size_t i = 0;         // offset from pos_: stays valid when fill() moves the data
      std::uint64_t breaks = 0;  // line breaks inside quoted fields
      bool field_start = true;
      std::size_t term = 0;  // length of the line terminator: 0 (end of input), 1 or 2
      std::size_t field_no = 0;
      for (;;) {
        if (pos_ + i == end_) {
          if (eof_) break;
          if (auto st = more(row_line); !st) return err(st);
          continue;
        }
        char c = buf_[pos_ + i];
        if (field_start && c == '"') {
          std::uint64_t quote_line = row_line + breaks;
          ++i;
          for (;;) {
            if (pos_ + i == end_) {
              if (eof_)
                return fail_at(quote_line, label(field_no),
                               "a quoted field is never closed (its opening '\"' is on this line)");
              if (auto st = more(row_line); !st) return err(st);
              continue;
            }
            char q = buf_[pos_ + i];
            if (q == '"' || q == '\r') {
              if (pos_ + i + 1 == end_ && !eof_) {
                if (auto st = more(row_line); !st) return err(st);
                continue;
              }
              auto next_is = [&](char n) { return pos_ + i + 1 < end_ && buf_[pos_ + i + 1] == n; };
              if (q == '"') {
                if (next_is('"')) {
                  i += 2;
                  continue;
                }
                ++i;
                break;
              }
              i += next_is('\n') ? 2 : 1;
              ++breaks;
              continue;
            }
            if (q == '\n') ++breaks;
            if (q == '\0') return nul_error(row_line + breaks);
            ++i;
          }
          field_start = false;
          continue;
        }
        if (c == delim_) {
          field_start = true;
          ++field_no;
          ++i;
          continue;
        }
        if (c == '\n') {
          term = 1;
          break;
        }
        if (c == '\r') {
          if (pos_ + i + 1 == end_ && !eof_) {
            if (auto st = more(row_line); !st) return err(st);
            continue;
          }
          term = pos_ + i + 1 < end_ && buf_[pos_ + i + 1] == '\n' ? 2 : 1;
          break;
        }
        if (c == '\0') return nul_error(row_line + breaks);
        // An ordinary byte: skip the whole run of them.
        field_start = false;
        ++i;
        while (pos_ + i < end_ && !special_[static_cast<unsigned char>(buf_[pos_ + i])]) ++i;
      }

      std::size_t begin = pos_, row_end = pos_ + i;
      pos_ = row_end + term;
      line_ += breaks + (term > 0 ? 1 : 0);
      if (row_end == begin) {
        if (term == 0) return false;  // end of input
        continue;                     // an empty line
      }
      if (auto st = split(begin, row_end, row_line, fields); !st)
        return err(st);
      return true;
    }
  }

 private:
  std::string label(std::size_t field_no) const {
    if (field_no < labels_.size()) return labels_[field_no];
    return "column " + std::to_string(field_no + 1);
  }

  std::unexpected<Error> nul_error(std::uint64_t line) const {
    return fail_at(line, "file",
                   "contains a NUL byte; a CSV statement is text (is the file UTF-16 or a "
                   "spreadsheet?)");
  }

  // Reads more input for the row being scanned, refusing rows that grow too long.
  Status more(std::uint64_t row_line) {
    if (end_ - pos_ >= kMaxRow)
      return fail_at(row_line, "row", "longer than 16 MiB; is a quoted field never closed?");
    return fill();
  }


  // Splits [begin, end) into fields, unescaping quoted ones in place.
  Status split(std::size_t begin, std::size_t end, std::uint64_t row_line,
               std::vector<std::string_view>& fields) {
    fields.clear();
    char* p = buf_.data() + begin;
    char* e = buf_.data() + end;
    for (;;) {
      if (fields.size() == kMaxFields) return fail_at(row_line, "row", "has more than 1000 fields");
      if (p < e && *p == '"') {
        char* w = p;
        char* r = p + 1;
        char* start = w;
        for (;;) {  // the first pass found the closing quote before e
          if (*r == '"') {
            if (r + 1 < e && r[1] == '"') {
              *w++ = '"';
              r += 2;
              continue;
            }
            ++r;
            break;
          }
          *w++ = *r++;
        }
        fields.emplace_back(start, static_cast<std::size_t>(w - start));
        if (r == e) return {};
        if (*r != delim_) {
          std::uint64_t at =
              row_line + static_cast<std::uint64_t>(std::count(buf_.data() + begin, r, '\n'));
          return fail_at(at, label(fields.size() - 1),
                         "unexpected character after a closing quote (a '\"' inside a quoted "
                         "field is written \"\")");
        }
        p = r + 1;
        continue;
      }
      char* s = p;
      p = static_cast<char*>(std::memchr(p, delim_, static_cast<std::size_t>(e - p)));
      if (!p) {
        fields.emplace_back(s, static_cast<std::size_t>(e - s));
        return {};
      }
      fields.emplace_back(s, static_cast<std::size_t>(p - s));
      ++p;
    }
  }

  char delim_;
  std::uint64_t line_ = 1;
  std::vector<std::string> labels_;
  bool special_[256] = {};  // bytes that end an unquoted run: delimiter, CR, LF, NUL
};

// ---- Fields ----------------------------------------------------------------------------------

// Rewrites a bank-formatted amount ("-1 234,50") in parse_money's plain form ("-1234.50") into
// `out`. Returns the reason when it does not fit the declared separators.
std::optional<std::string> plain_amount(std::string_view v, char decimal, CsvThousands th,
                                        bool allow_sign, std::string& out) {
  out.clear();
  std::string_view sep = thousands_text(th);
  std::size_t i = 0;
  if (i < v.size() && (v[i] == '-' || v[i] == '+')) {
    if (!allow_sign)
      return std::string("has a sign; the credit and debit columns hold amounts without one");
    if (v[i] == '-') out += '-';
    ++i;
  }
  std::size_t group = 0, digits = 0;
  bool grouped = false;
  const char* groups =
      "thousands separators must split the digits before the decimal "
      "separator into groups of three";
  while (i < v.size()) {
    if (is_digit(v[i])) {
      out += v[i++];
      ++group;
      ++digits;
    } else if (!sep.empty() && v.substr(i).starts_with(sep)) {
      if (group == 0 || group > 3 || (grouped && group != 3)) return std::string(groups);
      grouped = true;
      group = 0;
      i += sep.size();
    } else {
      break;
    }
  }
  if (digits == 0)
    return std::string("is not a decimal amount: no digits before the decimal separator");
  if (grouped && group != 3) return std::string(groups);
  if (i < v.size() && v[i] == decimal) {
    ++i;
    out += '.';
    std::size_t frac = 0;
    while (i < v.size() && is_digit(v[i])) {
      out += v[i++];
      ++frac;
    }
    if (frac == 0)
      return std::string("is not a decimal amount: no digits after the decimal separator");
  }
  if (i < v.size()) {
    std::string why =
        "is not a decimal amount: unexpected character at position " + std::to_string(i + 1);
    if (v[i] == '.' || v[i] == ',' || v[i] == ' ' || v[i] == '\'' || v[i] == '\xC2')
      why += std::string(" (the mapping declares decimal='") + decimal +
             "' and thousands=" + thousands_name(th) + ")";
    return why;
  }
  return std::nullopt;
}

// The per-row state of the statement reader.
class CsvReader {
 public:
  explicit CsvReader(const CsvMapping& m) : m_(m), thousands_(thousands_text(m.thousands)) {
    switch (m.date_format) {
      case CsvDateFormat::iso: sep_ = '-', order_ = detail::DateOrder::ymd; break;
      case CsvDateFormat::dmy_dot: sep_ = '.', order_ = detail::DateOrder::dmy; break;
      case CsvDateFormat::dmy_slash: sep_ = '/', order_ = detail::DateOrder::dmy; break;
      case CsvDateFormat::mdy_slash: sep_ = '/', order_ = detail::DateOrder::mdy; break;
    }
  }

  Result<Statement> run(std::istream& in, Progress* progress);

 private:
  Result<std::string> read_date(std::string_view v, std::uint64_t line) const;
  Result<Currency> read_currency(std::string_view v, std::uint64_t line);
  Result<Money> read_money(std::string_view v, Currency c, bool allow_sign, const char* key,
                           std::uint64_t line);
  Result<std::string> read_text(std::string_view v, const char* key, std::uint64_t line) const;

  const CsvMapping& m_;
  std::string_view thousands_;
  char sep_ = '-';
  detail::DateOrder order_ = detail::DateOrder::ymd;
  std::string plain_;  // scratch for plain_amount
  std::string last_code_;
  std::optional<Currency> last_currency_;
};

Result<std::string> CsvReader::read_date(std::string_view v, std::uint64_t line) const {
  auto d = detail::read_date(v.substr(0, 10), sep_, order_);
  if (!d) return fail_at(line, "date", describe(v, 1) + " " + d.error());
  std::string_view rest = v.substr(10);
  // An optional time of day after the date, which bank exports often add: dropped.
  if (!rest.empty()) {
    bool ok = rest.size() >= 6 &&
              (rest[0] == ' ' || (rest[0] == 'T' && order_ == detail::DateOrder::ymd)) &&
              two_digits(rest, 1, 23) && rest[3] == ':' && two_digits(rest, 4, 59) &&
              (rest.size() == 6 || (rest.size() == 9 && rest[6] == ':' && two_digits(rest, 7, 60)));
    if (!ok)
      return fail_at(line, "date",
                     describe(v, 1) + " is not a date of the form " +
                         date_format_name(m_.date_format) +
                         " (optionally followed by a time hh:mm or hh:mm:ss)");
  }
  return std::move(*d);
}

Result<Currency> CsvReader::read_currency(std::string_view v, std::uint64_t line) {
  if (last_currency_ && v == last_code_) return *last_currency_;
  if (v.size() != 3)
    return fail_at(line, "currency", describe(v, 3, 5) + " is not an ISO 4217 currency code");
  auto c = currency(v);
  if (!c) return fail_at(line, "currency", c.error().message);
  last_code_ = v;
  last_currency_ = *c;
  return *c;
}

Result<Money> CsvReader::read_money(std::string_view v, Currency c, bool allow_sign,
                                    const char* key, std::uint64_t line) {
  if (v.empty()) return fail_at(line, key, "is empty");
  if (auto why = plain_amount(v, m_.decimal, m_.thousands, allow_sign, plain_))
    return fail_at(line, key, describe(v, 1) + " " + *why);
  auto money = parse_money(plain_, c);
  if (!money) {
    // parse_money's message quotes the value too: only when describe() would show it.
    std::string shown = describe(v, 1);
    return fail_at(line, key,
                   shown[0] == '"'
                       ? shown + ": " + money.error().message
                       : shown + " is not a valid " + std::string(c.code()) + " amount");
  }
  return *money;
}

Result<std::string> CsvReader::read_text(std::string_view v, const char* key,
                                         std::uint64_t line) const {
  v = trim(v);
  if (!detail::valid_utf8(v))
    return fail_at(line, key,
                   "is not valid UTF-8 (is the file in another encoding? declare it in the "
                   "mapping, e.g. encoding=windows-1251)");
  return std::string(v);
}

Result<Statement> CsvReader::run(std::istream& in, Progress* progress) {
  if (auto st = check_csv_mapping(m_); !st) return err(st);
  // The rows are read as UTF-8 from the file's charset (its byte order mark, else the
  // mapping's encoding). A decoding error ends the decoded stream early: it is checked before
  // anything Rows says about the end of the input or a row cut short.
  detail::DecodingStreambuf decoded(in, m_.encoding, progress);
  std::istream text(&decoded);
  Rows rows(text, m_.delimiter, nullptr);
  auto decoding_error = [&](const Error& e) {
    return std::unexpected(decoded.error() ? *decoded.error() : e);
  };
  if (auto st = rows.start(); !st) return decoding_error(st.error());
  if (auto st = rows.skip_lines(m_.skip_lines); !st) return decoding_error(st.error());

  std::vector<std::string_view> fields;
  std::uint64_t header_line = 0;
  auto got = rows.next(fields, header_line);
  if (decoded.error()) return std::unexpected(*decoded.error());
  if (!got) return err(got);
  if (!*got)
    return fail_at(rows.line(), "header",
                   "the file has no header row (it is empty" +
                       std::string(m_.skip_lines ? " after skip-lines" : "") + ")");

  // Map each column key to its index in the header. The header's cells are never shown in an
  // error: in a file that lacks a header they are the first row's data.
  std::vector<std::string> header;
  header.reserve(fields.size());
  for (auto f : fields) header.emplace_back(trim_blank(f));
  const std::size_t ncols = header.size();
  std::array<std::size_t, kColumnKeys.size()> idx;
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<std::string> labels(ncols);
  for (std::size_t c = 0; c < ncols; ++c) labels[c] = "column " + std::to_string(c + 1);
  for (std::size_t k = 0; k < kColumnKeys.size(); ++k) {
    const std::string& want = m_.*kColumnKeys[k].column;
    idx[k] = kNone;
    if (want.empty()) continue;
    for (std::size_t c = 0; c < ncols; ++c) {
      if (header[c] != want) continue;
      if (idx[k] != kNone)
        return fail_at(header_line, kColumnKeys[k].key,
                       "the header has more than one column named " + in_quotes(want));
      idx[k] = c;
      labels[c] = kColumnKeys[k].key;
    }
    if (idx[k] == kNone)
      return fail_at(header_line, kColumnKeys[k].key,
                     "none of the header's " + std::to_string(ncols) + " columns is named " +
                         in_quotes(want) + " (names must match exactly; check the delimiter too)");
  }
  rows.set_labels(labels);
  enum { kDate, kAmount, kCredit, kDebit, kCurrency, kRef, kCounterparty, kText };

  Statement out;
  out.format = "csv";
  std::uint64_t line = 0;
  for (;;) {
    auto more = rows.next(fields, line);
    if (decoded.error()) return std::unexpected(*decoded.error());
    if (!more) return err(more);
    if (!*more) break;
    if (fields.size() != ncols)
      return fail_at(line, "row",
                     "has " + std::to_string(fields.size()) + " fields but the header (line " +
                         std::to_string(header_line) + ") has " + std::to_string(ncols) +
                         "; is a field holding the delimiter not quoted?");
    auto field = [&](int k) { return trim(fields[idx[k]]); };

    auto date = read_date(field(kDate), line);
    if (!date) return err(date);

    std::optional<Currency> currency = m_.currency_code;
    if (!currency) {
      auto c = read_currency(field(kCurrency), line);
      if (!c) return err(c);
      currency = *c;
    }
    const Currency cur = *currency;

    std::optional<Money> amount;
    if (idx[kAmount] != kNone) {
      auto a = read_money(field(kAmount), cur, true, "amount", line);
      if (!a) return err(a);
      if (a->minor == 0)
        return fail_at(line, "amount", "the amount is zero; a statement line must move money");
      amount = *a;
    } else {
      std::optional<Money> credit, debit;
      if (std::string_view v = field(kCredit); !v.empty()) {
        auto a = read_money(v, cur, false, "credit", line);
        if (!a) return err(a);
        if (a->minor != 0) credit = *a;
      }
      if (std::string_view v = field(kDebit); !v.empty()) {
        auto a = read_money(v, cur, false, "debit", line);
        if (!a) return err(a);
        if (a->minor != 0) debit = Money{-a->minor, a->currency};  // unsigned: never INT64_MIN
      }
      if (credit && debit)
        return fail_at(line, "credit/debit",
                       "both hold an amount; a row is either money in or money out");
      if (!credit && !debit)
        return fail_at(line, "credit/debit",
                       "both are empty or zero; one of them must hold the amount");
      amount = credit ? *credit : *debit;
    }

    StatementLine l{
        .line = line,
        .account = m_.account,
        .booking_date = std::move(*date),
        .amount = *amount,
        .bank_ref = {},
        .counterparty = {},
        .text = {},
    };
    if (idx[kRef] != kNone) {
      auto r = read_text(fields[idx[kRef]], "ref", line);
      if (!r) return err(r);
      l.bank_ref = std::move(*r);
    }
    if (idx[kCounterparty] != kNone) {
      auto r = read_text(fields[idx[kCounterparty]], "counterparty", line);
      if (!r) return err(r);
      l.counterparty = detail::normalize_account(*r);
    }
    if (idx[kText] != kNone) {
      auto r = read_text(fields[idx[kText]], "text", line);
      if (!r) return err(r);
      l.text = std::move(*r);
    }
    out.lines.push_back(std::move(l));
  }
  return out;
}

}  // namespace

// ---- Mapping ---------------------------------------------------------------------------------

Status check_csv_mapping(const CsvMapping& m) {
  if (m.account.empty())
    return mapping_error("account",
                         "missing; name the statement's own account, e.g. account=Kaspi-Main");
  if (!detail::valid_utf8(m.account)) return mapping_error("account", "is not valid UTF-8");
  for (unsigned char c : m.account)
    if (c < 0x20 || c == 0x7f) return mapping_error("account", "holds a control character");
  if (m.date.empty())
    return mapping_error("date", "missing; name the column that holds the booking date");
  bool split = !m.credit.empty() || !m.debit.empty();
  if (!m.amount.empty() && split)
    return mapping_error("amount",
                         "give either amount=<column> or credit=<column> and "
                         "debit=<column>, not both");
  if (m.amount.empty() && !split)
    return mapping_error("amount",
                         "missing; give amount=<column> (a signed amount) or "
                         "credit=<column> and debit=<column>");
  if (split && m.credit.empty())
    return mapping_error("credit", "missing; debit= needs credit= as well");
  if (split && m.debit.empty())
    return mapping_error("debit", "missing; credit= needs debit= as well");
  if (!m.currency.empty() && m.currency_code)
    return mapping_error("currency",
                         "give either currency=<column> or currency-code=<ISO 4217 "
                         "code>, not both");
  if (m.currency.empty() && !m.currency_code)
    return mapping_error("currency",
                         "missing; give currency=<column> or currency-code=<ISO 4217 "
                         "code>, e.g. currency-code=KZT");
  if (m.decimal != '.' && m.decimal != ',') return mapping_error("decimal", "must be '.' or ','");
  if ((m.decimal == '.' && m.thousands == CsvThousands::dot) ||
      (m.decimal == ',' && m.thousands == CsvThousands::comma))
    return mapping_error("thousands", "is the same character as the decimal separator");
  if (m.delimiter != ',' && m.delimiter != ';' && m.delimiter != '\t')
    return mapping_error("delimiter", "must be comma, semicolon or tab");
  for (std::size_t k = 0; k < kColumnKeys.size(); ++k) {
    const std::string& col = m.*kColumnKeys[k].column;
    if (col.empty()) continue;
    if (trim_blank(col) != col)
      return mapping_error(
          kColumnKeys[k].key,
          "column names are matched after trimming; drop the spaces around " + in_quotes(col));
    for (std::size_t j = 0; j < k; ++j)
      if (m.*kColumnKeys[j].column == col)
        return mapping_error(kColumnKeys[k].key, "column " + in_quotes(col) +
                                                     " is already mapped to " + kColumnKeys[j].key);
  }
  return {};
}

Result<CsvMapping> parse_csv_mapping(std::string_view text) {
  // Split at unescaped ';' ("\;" is a ';', "\\" a '\').
  std::vector<std::string> parts(1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size() && (text[i + 1] == ';' || text[i + 1] == '\\')) {
      parts.back() += text[++i];
    } else if (c == ';') {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }

  CsvMapping m;
  std::vector<std::string> seen;
  static constexpr const char* kKnown =
      "date, amount, credit, debit, currency, currency-code, ref, counterparty, text, account, "
      "date-format, decimal, thousands, delimiter, skip-lines, encoding";
  for (const std::string& part : parts) {
    if (trim_blank(part).empty()) continue;
    std::size_t eq = part.find('=');
    if (eq == std::string::npos)
      return mapping_error(in_quotes(trim_blank(part)), "expected key=value");
    std::string key(trim_blank(std::string_view(part).substr(0, eq)));
    std::string value(trim_blank(std::string_view(part).substr(eq + 1)));
    if (std::find(seen.begin(), seen.end(), key) != seen.end())
      return mapping_error(key, "given twice");
    seen.push_back(key);
    if (!detail::valid_utf8(value)) return mapping_error(key, "is not valid UTF-8");

    bool column = false;
    for (const ColumnKey& ck : kColumnKeys)
      if (key == ck.key) {
        if (value.empty()) return mapping_error(key, "empty column name");
        m.*ck.column = value;
        column = true;
      }
    if (column) continue;

    if (key == "account") {
      if (value.empty()) return mapping_error(key, "is empty");
      m.account = value;
    } else if (key == "currency-code") {
      auto c = currency(value);
      if (!c) return mapping_error(key, c.error().message);
      m.currency_code = *c;
    } else if (key == "date-format") {
      if (value == "YYYY-MM-DD")
        m.date_format = CsvDateFormat::iso;
      else if (value == "DD.MM.YYYY")
        m.date_format = CsvDateFormat::dmy_dot;
      else if (value == "DD/MM/YYYY")
        m.date_format = CsvDateFormat::dmy_slash;
      else if (value == "MM/DD/YYYY")
        m.date_format = CsvDateFormat::mdy_slash;
      else
        return mapping_error(key, in_quotes(value) +
                                      " is not one of YYYY-MM-DD, DD.MM.YYYY, "
                                      "DD/MM/YYYY, MM/DD/YYYY");
    } else if (key == "decimal") {
      if (value == "." || value == "dot" || value == "point")
        m.decimal = '.';
      else if (value == "," || value == "comma")
        m.decimal = ',';
      else
        return mapping_error(key, in_quotes(value) + " is not '.' or ','");
    } else if (key == "thousands") {
      if (value == "none")
        m.thousands = CsvThousands::none;
      else if (value == "space")
        m.thousands = CsvThousands::space;
      else if (value == "nbsp")
        m.thousands = CsvThousands::nbsp;
      else if (value == "." || value == "dot")
        m.thousands = CsvThousands::dot;
      else if (value == "," || value == "comma")
        m.thousands = CsvThousands::comma;
      else if (value == "'" || value == "apostrophe")
        m.thousands = CsvThousands::apostrophe;
      else
        return mapping_error(key, in_quotes(value) +
                                      " is not one of none, space, nbsp, '.', ',', "
                                      "\"'\" (or dot, comma, apostrophe)");
    } else if (key == "delimiter") {
      if (value == "," || value == "comma")
        m.delimiter = ',';
      else if (value == ";" || value == "semicolon")
        m.delimiter = ';';
      else if (value == "tab" || value == "\t")
        m.delimiter = '\t';
      else
        return mapping_error(key, in_quotes(value) + " is not one of comma, semicolon, tab");
    } else if (key == "encoding" || key == "charset") {
      if (std::find(seen.begin(), seen.end(), key == "encoding" ? "charset" : "encoding") !=
          seen.end())
        return mapping_error(key, "given twice (encoding and charset are the same key)");
      auto c = detail::parse_charset(value);
      if (!c)
        return mapping_error(key, in_quotes(value) +
                                      " is not one of utf-8, windows-1251, utf-16, utf-16le, "
                                      "utf-16be");
      m.encoding = *c;
    } else if (key == "skip-lines") {
      std::uint32_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size() || value.empty() || n > 1000000)
        return mapping_error(key, in_quotes(value) + " is not a number of lines (0 to 1000000)");
      m.skip_lines = n;
    } else {
      return mapping_error(in_quotes(key), std::string("unknown key (known: ") + kKnown + ")");
    }
  }
  if (auto st = check_csv_mapping(m); !st) return err(st);
  return m;
}

// ---- Reading ---------------------------------------------------------------------------------

Result<Statement> parse_csv(std::istream& in, const CsvMapping& mapping, Progress* progress) {
  CsvReader reader(mapping);
  return reader.run(in, progress);
}

Result<Statement> parse_csv_file(const std::filesystem::path& path, const CsvMapping& mapping,
                                 Progress* progress) {
  return detail::parse_file(path, progress,
                            [&](std::istream& in) { return parse_csv(in, mapping, progress); });
}

}  // namespace amanat::books::import
