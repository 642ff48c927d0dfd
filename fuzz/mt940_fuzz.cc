// Fuzz target: SWIFT MT940/MT942 statements (src/books/import/mt940.h). Besides "never crash,
// never leak, never hang", it checks statement.h's promises (statement_checks.h) on what the
// reader accepts and on what it refuses.
#include <cstdint>
#include <sstream>
#include <string>

#include "books/import/mt940.h"
#include "statement_checks.h"

using namespace amanat::books::import;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream stream(std::string(reinterpret_cast<const char*>(data), size));
  auto st = parse_mt940(stream);
  if (!st) {
    fuzz::check_refusal(st.error());
    return 0;
  }
  fuzz::require(st->format == "mt940" || st->format == "mt942");
  fuzz::check_lines(*st);
  return 0;
}
