// Fuzz target: 1C client-bank exchange files (src/books/import/onec.h), in UTF-8, Windows-1251
// and CP866. Besides "never crash, never leak, never hang", it checks statement.h's promises
// (statement_checks.h) on what the reader accepts and on what it refuses.
#include <cstdint>
#include <sstream>
#include <string>

#include "books/import/onec.h"
#include "statement_checks.h"

using namespace amanat::books::import;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream stream(std::string(reinterpret_cast<const char*>(data), size));
  auto st = parse_1c(stream);
  if (!st) {
    fuzz::check_refusal(st.error());
    return 0;
  }
  fuzz::require(st->format == "1c");
  fuzz::check_lines(*st);
  return 0;
}
