// Fuzz target: camt.052/053/054 documents (src/books/import/camt053.h), read as
// `amanat import --format camt` reads them. Besides "never crash, never
// leak, never hang", it checks the reader's promises on whatever it accepts: every line has a
// non-zero amount, a real YYYY-MM-DD date, a 1-based line number that does not decrease and
// valid UTF-8; and on what it refuses: the message starts with "line N: " and never shows the
// donor data the seed corpus plants in counterparty and remittance fields (statement_checks.h).
#include <cstdint>
#include <sstream>
#include <string>

#include "books/import/camt053.h"
#include "statement_checks.h"

using namespace amanat::books::import;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream stream(std::string(reinterpret_cast<const char*>(data), size));
  auto st = parse_camt(stream, CamtMessage::any);
  if (!st) {
    fuzz::check_refusal(st.error());
    return 0;
  }
  fuzz::require(st->format.rfind("camt.05", 0) == 0);
  fuzz::check_lines(*st);
  return 0;
}
