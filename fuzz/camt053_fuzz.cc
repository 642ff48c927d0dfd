// Fuzz target: camt.052/053/054 documents (src/books/import/camt053.h), read as
// `amanat import --format camt` reads them. Besides "never crash, never
// leak, never hang", it checks the reader's promises on whatever it accepts: every line has a
// non-zero amount, a real YYYY-MM-DD date and a 1-based line number that does not decrease; and
// on what it refuses: the message starts with "line N: " and never shows the donor data the seed
// corpus plants in counterparty and remittance fields.
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include "books/import/camt053.h"

using namespace amanat;
using namespace amanat::books::import;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

bool is_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (d[i] < '0' || d[i] > '9') return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  std::istringstream stream(in);
  auto st = parse_camt(stream, CamtMessage::any);
  if (!st) {
    const std::string& m = st.error().message;
    require(m.rfind("line ", 0) == 0);
    // The seeds' donor markers (an invented IBAN and name) must never reach a message.
    require(m.find("KZ49722C000022223333") == std::string::npos);
    require(m.find("Zarina Fuzzova") == std::string::npos);
    return 0;
  }
  require(st->format.rfind("camt.05", 0) == 0);
  std::uint64_t last = 0;
  for (const StatementLine& l : st->lines) {
    require(l.amount.minor != 0);
    require(is_date(l.booking_date));
    require(!l.account.empty());
    require(l.line >= 1 && l.line >= last);
    last = l.line;
  }
  return 0;
}
