// Fuzz target: CSV statements and their column mappings (src/books/import/csv.h).
//
// The input's first line is a mapping in the compact command-line form and the rest is the CSV
// file; when the first line is not a valid mapping, a fixed one is used and the whole input is
// the file, so that mutations of either half stay useful. Besides "never crash", it checks:
//  - refusals start with "line N: " or "mapping: " and never show the donor markers the seeds
//    plant in counterparty and text columns (unless the typed mapping itself holds them);
//  - accepted lines have non-zero amounts, YYYY-MM-DD dates, the mapping's account and strictly
//    increasing line numbers;
//  - a round trip: the accepted lines written back as plain CSV (ISO dates, '.' decimals, RFC
//    4180 quoting) parse again to the very same values.
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include "books/import/csv.h"

using namespace amanat;
using namespace amanat::books::import;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

// `typed` is the mapping text: a message may quote what the user typed (a column name, a bad
// key), so the markers are only looked for when the mapping itself does not hold them.
void check_error(const Error& e, std::string_view typed) {
  require(e.message.rfind("line ", 0) == 0 || e.message.rfind("mapping: ", 0) == 0);
  for (std::string_view marker : {"KZ49722C000022223333", "Zarina Fuzzova"})
    if (typed.find(marker) == std::string_view::npos)
      require(e.message.find(marker) == std::string::npos);
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::size_t nl = in.find('\n');
  auto mapping = parse_csv_mapping(in.substr(0, nl));
  std::string_view csv = in, typed = in.substr(0, nl);
  if (mapping && nl != std::string_view::npos) {
    csv = in.substr(nl + 1);
  } else {
    if (!mapping) check_error(mapping.error(), typed);
    typed = {};
    mapping = parse_csv_mapping(
        "date=Date;amount=Amount;currency=Currency;ref=Ref;counterparty=Payer;text=Text;"
        "account=Fuzz");
    require(mapping.has_value());
  }

  std::istringstream stream{std::string(csv)};
  auto st = parse_csv(stream, *mapping);
  if (!st) {
    check_error(st.error(), typed);
    return 0;
  }
  require(st->format == "csv");
  std::uint64_t last = 0;
  std::string again = "Date,Amount,Currency,Ref,Payer,Text\n";
  for (const StatementLine& l : st->lines) {
    require(l.amount.minor != 0);
    require(l.booking_date.size() == 10 && l.booking_date[4] == '-' && l.booking_date[7] == '-');
    require(l.account == mapping->account);
    require(l.line > last);
    last = l.line;
    again += l.booking_date + "," + format_amount(l.amount) + "," +
             std::string(l.amount.currency.code()) + "," + quote(l.bank_ref) + "," +
             quote(l.counterparty) + "," + quote(l.text) + "\n";
  }
  std::string account;  // escaped for the compact form
  for (char c : mapping->account) {
    if (c == ';' || c == '\\') account += '\\';
    account += c;
  }
  auto plain = parse_csv_mapping(
      "date=Date;amount=Amount;currency=Currency;ref=Ref;counterparty=Payer;text=Text;account=" +
      account);
  require(plain.has_value());
  std::istringstream back(again);
  auto st2 = parse_csv(back, *plain);
  require(st2.has_value());
  require(st2->lines.size() == st->lines.size());
  for (std::size_t i = 0; i < st->lines.size(); ++i) {
    StatementLine a = st->lines[i], b = st2->lines[i];
    a.line = b.line = 0;
    require(a == b);
  }
  return 0;
}
