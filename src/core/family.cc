#include "core/family.h"

#include "core/canonical_json.h"

namespace amanat {

namespace {
// The books' type prefixes (docs/log-format.md, "Record types").
constexpr std::string_view kBooksPrefixes[] = {"books", "appeal", "donation", "expense", "transfer", "correction",
                                               "report"};
}  // namespace

std::string family_of(std::string_view type) {
  std::string_view prefix = type.substr(0, type.find('.'));
  for (std::string_view p : kBooksPrefixes)
    if (prefix == p) return std::string(kBooksFamily);
  return std::string(prefix);
}

Result<Envelope> read_envelope(std::span<const std::uint8_t> leaf) {
  std::string_view text(reinterpret_cast<const char*>(leaf.data()), leaf.size());
  auto parsed = parse_strict(text);
  if (!parsed) return fail(Errc::invalid, "not JSON: " + parsed.error().message);
  if (!parsed->is_object()) return fail(Errc::invalid, "not a JSON object");
  auto type = parsed->find("type");
  if (type == parsed->end() || !type->is_string() || type->get_ref<const std::string&>().empty())
    return fail(Errc::invalid, "no \"type\" naming the record");
  auto v = parsed->find("v");
  if (v == parsed->end() || !v->is_number_integer() ||
      (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)))
    return fail(Errc::invalid, "no integer \"v\"");
  auto canonical = canonicalize(*parsed);
  if (!canonical) return fail(Errc::invalid, "not canonical JSON: " + canonical.error().message);
  if (*canonical != text) return fail(Errc::invalid, "not in RFC 8785 canonical form");
  Envelope e{type->get<std::string>(), "", v->get<std::int64_t>()};
  e.family = family_of(e.type);
  return e;
}

}  // namespace amanat
