// Fuzz target: book record leaves (src/books/leaf.h), as `amanat audit` and `amanat donation
// verify` read them from anyone's log. Besides "never crash", it checks the strictness promise:
// whatever decodes re-encodes to exactly the input bytes, and books without crashing. It also
// holds decode_leaf's one-pass fast path to the strict reference (parse_strict, the general
// RFC 8785 canonicalizer, re-encoding): the fast path accepts exactly what the reference accepts.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "books/leaf.h"
#include "books/posting.h"

using namespace amanat;
using namespace amanat::books;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> in(data, size);
  auto fast = detail::decode_leaf_fast(in);
  auto ref = detail::decode_leaf_reference(in);
  if (fast.has_value() != ref.has_value()) std::abort();
  if (fast) {
    auto f = encode_leaf(*fast);
    if (!f || *f != as_chars(in)) std::abort();
  }
  auto r = decode_leaf(in);
  if (r.has_value() != ref.has_value()) std::abort();
  if (!r) return 0;
  auto again = encode_leaf(*r);
  if (!again || *again != as_chars(in)) std::abort();
  Currency kzt = *currency("KZT");
  auto any_fund = [&](std::string_view) -> std::optional<Currency> { return kzt; };
  auto b = book(1, *r, kzt, any_fund);
  if (b)
    if (auto* c = std::get_if<Correction>(&r->body)) (void)c;
  return 0;
}
