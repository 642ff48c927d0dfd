// Fuzz target: canonical JSON (src/core/canonical_json.h). Besides "never crash", it checks the
// canonical form is a fixed point: whatever canonicalize_text accepts, its output is accepted
// again and canonicalizes to the same bytes, and the integer check never crashes either.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/canonical_json.h"

using namespace amanat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto canonical = canonicalize_text(in);
  if (!canonical) return 0;
  auto again = canonicalize_text(*canonical);
  if (!again || *again != *canonical) std::abort();
  auto value = parse_strict(in);
  if (!value) std::abort();
  (void)require_safe_integers(*value);
  return 0;
}
