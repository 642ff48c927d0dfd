// Internal helpers shared by the statement parsers of this folder: error messages that never
// show personal data, calendar dates, account spellings, UTF-8 checks. Not a public API: only
// camt053.cc, csv.cc and their tests include it.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/money.h"
#include "core/progress.h"
#include "books/import/statement.h"

namespace amanat::books::import::detail {

// Strips ASCII spaces, tabs, CR and LF at both ends (XML whitespace; what CSV cells carry).
std::string_view trim(std::string_view s);

// The error every parser returns: Errc::invalid, "line N: <field>: <reason>".
Error line_error(std::uint64_t line, std::string_view field, std::string_view reason);
inline std::unexpected<Error> fail_at(std::uint64_t line, std::string_view field,
                                      std::string_view reason) {
  return std::unexpected(line_error(line, field, reason));
}

// How an error message refers to a value it complains about: the value in quotes ("\"12,5x\"")
// when it is at most max_len bytes of printable ASCII with no run of more than max_letter_run
// letters, else "the value (not shown: it may be personal data)". Amounts and dates allow runs
// of 1 ("1e3", "12,5x"); codes such as currencies (3 letters, at most 5 bytes) or CRDT and BOOK
// (4 letters, at most 8 bytes) a little more. Why at all: a CSV whose columns slipped, a wrong
// mapping or a crafted XML file can put a donor's name or account where an amount or a code
// belongs, and quoting "the amount" would then print it. (A number-only account or phone number
// in an amount field still reads as an amount: that is the limit of this net.)
std::string describe(std::string_view value, std::size_t max_letter_run, std::size_t max_len = 40);

// True for a real Gregorian calendar date with 1900 <= y <= 2999 (a year outside that range in
// a bank statement is a typo, not history).
bool valid_date(int y, int m, int d);

enum class DateOrder { ymd, dmy, mdy };
// Reads a date of exactly 10 characters, "YYYY<sep>MM<sep>DD" (ymd), "DD<sep>MM<sep>YYYY"
// (dmy) or "MM<sep>DD<sep>YYYY" (mdy), all fields zero-padded. Returns "YYYY-MM-DD", or the
// reason it is not a valid date (without quoting the value: the caller does that).
std::expected<std::string, std::string> read_date(std::string_view s, char sep, DateOrder order);

// Reads an unsigned decimal number in any spelling XML Schema's xs:decimal allows, with `point`
// as the separator: digits and at most one separator, at least one digit in all ("01.00",
// ".05", "5.", "8.850", "0"), and returns its exact value in c. Digits beyond c's minor unit
// are fine when they are zeros ("8.850" EUR is 8.85 EUR) and refused otherwise, since such an
// amount cannot be booked exactly; so is a value beyond the int64 range of minor units. No
// sign, spaces, thousands separators or exponents: the caller strips what its format allows.
// On failure, the reason, without the value (the caller quotes it as describe() allows).
std::expected<Money, std::string> read_decimal(std::string_view s, char point, Currency c);

// Well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
bool valid_utf8(std::string_view s);

// The text as valid UTF-8: returned as is when it is, else with each byte that is not part of
// a valid sequence replaced by U+FFFD. For formats whose character set is not declared (MT940's
// is ASCII, yet banks write national letters in their code page): such text only feeds the
// appeal-code search, and a replacement character never makes a code match or mismatch.
std::string lossy_utf8(std::string_view s);

// Reads a text file line by line, 64 KiB at a time: lines end with LF, CRLF or CR (the
// terminator is not part of the line). A line longer than max_line is refused (Errc::invalid,
// "line N: <what>: ...") rather than buffered; a failed stream is Errc::unavailable.
// A read buffer over a stream, 64 KiB at a time: the unread bytes are buf_[pos_, end_).
class BufferedInput {
 protected:
  BufferedInput(std::istream& in, Progress* progress);
  // Moves the unread bytes to the front, doubles the buffer when less than half of it is free,
  // and reads more after them; eof_ once the stream has ended. Errc::unavailable when the
  // stream fails (a short read is the end only with eofbit: failbit alone, a stream never
  // opened or already failed, would read nothing forever). `progress_` gets the bytes read.
  Status fill();

  std::istream& in_;
  Progress* progress_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t read_ = 0;
  bool eof_ = false;
};

class LineReader : private BufferedInput {
 public:
  LineReader(std::istream& in, Progress* progress, std::size_t max_line, std::string what);
  // The next line, valid until the next call; false at the end of the input.
  Result<bool> next(std::string_view& line);
  // The 1-based number of the line next() returned last.
  std::uint64_t line() const { return line_; }

 private:
  std::size_t max_line_;
  std::string what_;
  std::uint64_t line_ = 0;
};

// The parse_*_file functions: opens `path`, sets progress's total to its size and reads it
// with `parse`. A file that cannot be opened or read is Errc::not_found or Errc::unavailable;
// every error gets the path as context.
Result<Statement> parse_file(const std::filesystem::path& path, Progress* progress,
                             const std::function<Result<Statement>(std::istream&)>& parse);

// One spelling per account: trims, and if what remains is an IBAN written with or without
// spaces, in any case (2 letters, 2 digits, 11-30 letters or digits), returns it compacted
// and upper-cased; anything else is returned trimmed but otherwise as written.
std::string normalize_account(std::string_view s);

}  // namespace amanat::books::import::detail
