// CSV bank statements, read through a declared column mapping.
//
// Banks' CSV exports differ in everything: delimiter, decimal comma or point, thousands
// separators, date order, one signed amount column or separate credit and debit columns.
// Nothing here is guessed: the user declares each of these once per bank in a CsvMapping
// (typed on the command line as a compact string, see parse_csv_mapping), and a file that does
// not fit the declaration is refused with the line and the reason. Guessing "01/02/2025" or
// "1.234" would eventually book a wrong date or an amount off by a factor of a thousand.
//
// The file (contract; see statement.h for what all importers share):
//  - Text encoding: a byte order mark decides (UTF-8, UTF-16LE or UTF-16BE, as spreadsheet
//    programs save "Unicode text"); without one, the mapping's `encoding` (UTF-8 unless it
//    says windows-1251 or utf-16). The file is decoded to UTF-8 as it is read (charset.h); a
//    byte sequence that is invalid in the charset is an error at its line ("file"). RFC 4180
//    quoting: a field that starts with '"' runs to the next lone '"', "" inside it is one '"',
//    and it may hold delimiters and line breaks; a '"' inside an unquoted field is kept as a
//    literal character, as most bank exports write them. Rows end with LF, CRLF or CR.
//  - `skip-lines` physical lines are skipped first (bank preambles); then the first non-empty
//    row is the header. Header cells are matched exactly, after trimming spaces and tabs.
//  - Every following row must have as many fields as the header; empty lines are skipped.
//    StatementLine::line is the physical line where the row starts (line numbers count the
//    lines inside quoted fields too, so they match what an editor shows). Limits, which bound
//    memory: 1000 fields and 16 MiB per row. The input is read 64 KiB at a time.
//  - Amounts: the declared decimal separator and thousands separator (digits grouped by three,
//    e.g. "1 234 567,89"), an optional leading '-' or '+' in a signed amount column; then the
//    strict core/money.h parse_money: at most the currency's minor-unit decimals (3 for KWD,
//    BHD; 0 for JPY), never rounded. Zero amounts are refused. With credit/debit columns, each
//    row has exactly one non-empty, non-zero side; both hold unsigned amounts.
//  - Dates: the declared format, two-digit day and month and four-digit year; a time of day
//    after it (" hh:mm" or " hh:mm:ss", or 'T' for YYYY-MM-DD) is allowed and dropped.
//  - counterparty, text and ref must be valid UTF-8 (a Windows-1251 or Latin-1 export is
//    refused with a hint to convert it, instead of storing mojibake); they are trimmed, and a
//    counterparty that is an IBAN is compacted and upper-cased (see statement.h).
//
// Failures: Errc::invalid, "line N: <mapping key>: <reason>" for a row or the header (the
// field is "row" for a wrong number of fields, "credit/debit" when both or neither side holds
// an amount, "file" for encoding problems), and "mapping: <key>: <reason>" for a mapping that
// is incomplete or contradicts itself; Errc::unavailable when the stream fails.
//
// Thread-safety: no shared state; concurrent calls on different streams are fine.
#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include "books/import/charset.h"
#include "books/import/statement.h"
#include "core/error.h"
#include "core/money.h"
#include "core/progress.h"

namespace amanat::books::import {

enum class CsvDateFormat {
  iso,        // YYYY-MM-DD
  dmy_dot,    // DD.MM.YYYY
  dmy_slash,  // DD/MM/YYYY
  mdy_slash,  // MM/DD/YYYY
};

enum class CsvThousands {
  none,        // "1234567.89"
  space,       // "1 234 567.89" (U+0020)
  nbsp,        // "1 234 567.89" (U+00A0, as spreadsheets in many locales write it)
  dot,         // "1.234.567,89"
  comma,       // "1,234,567.89"
  apostrophe,  // "1'234'567.89" (Switzerland)
};

// Which column holds what. Column names are header cells (exact, after trimming); an empty
// name means "not mapped".
struct CsvMapping {
  std::string account;        // the statement's account name (required; not a column)
  std::string date;           // required
  std::string amount;         // signed amount: > 0 money in, < 0 money out ...
  std::string credit, debit;  // ... or two unsigned columns; exactly one of the two ways
  std::string currency;       // a column with ISO 4217 codes ...
  std::optional<Currency> currency_code;  // ... or one fixed currency; exactly one of the two
  std::string ref, counterparty, text;    // optional
  CsvDateFormat date_format = CsvDateFormat::iso;
  char decimal = '.';  // '.' or ','
  CsvThousands thousands = CsvThousands::none;
  char delimiter = ',';  // ',' ';' or '\t'
  std::uint32_t skip_lines = 0;
  // The file's text encoding when it has no byte order mark (a mark always decides).
  detail::Charset encoding = detail::Charset::utf8;
};

// Parses the compact form a user types, "key=value" pairs separated by ';' (inside a value,
// "\;" is a ';' and "\\" a '\'; spaces around keys and values are trimmed):
//   date=<column>            required
//   amount=<column>          or: credit=<column>;debit=<column>
//   currency=<column>        or: currency-code=<ISO 4217 code, e.g. KZT>
//   ref=<column> counterparty=<column> text=<column>     optional
//   account=<name>           required: the statement's own account
//   date-format=YYYY-MM-DD | DD.MM.YYYY | DD/MM/YYYY | MM/DD/YYYY    (default YYYY-MM-DD)
//   decimal=. | ,            (default .; also "dot", "comma")
//   thousands=none | space | nbsp | . | , | '  (default none; also "dot", "comma", "apostrophe")
//   delimiter=, | semicolon | tab  (default ,; also "comma")
//   skip-lines=<n>           physical lines before the header (default 0)
//   encoding=utf-8 | windows-1251 | utf-16 | utf-16le | utf-16be   (default utf-8; also
//                            charset=, cp1251; a byte order mark in the file overrides it)
// e.g. "date=Date;amount=Amount;currency=Currency;ref=Reference;counterparty=Payer IBAN;
//       text=Purpose;date-format=DD.MM.YYYY;decimal=,;thousands=space;delimiter=semicolon;
//       account=Kaspi-Main"
// Errors ("mapping: <key>: <reason>") name the key: unknown or repeated keys, bad values, a
// missing required key, both or neither of amount and credit/debit, of currency and
// currency-code, the same separator for decimals and thousands, one column mapped twice.
Result<CsvMapping> parse_csv_mapping(std::string_view text);

// Checks a mapping built in code the way parse_csv_mapping checks a typed one.
Status check_csv_mapping(const CsvMapping& m);

// Reads a whole CSV statement. `progress`, if given, is updated with the bytes read so far.
Result<Statement> parse_csv(std::istream& in, const CsvMapping& mapping,
                            Progress* progress = nullptr);

// The same for a file; sets progress's total to the file size. A file that cannot be opened
// or read is Errc::not_found or Errc::unavailable (the message names the path).
Result<Statement> parse_csv_file(const std::filesystem::path& path, const CsvMapping& mapping,
                                 Progress* progress = nullptr);

}  // namespace amanat::books::import
