#include "core/error.h"

#include <array>

#include "core/reasons.h"

namespace amanat {

const char* errc_name(Errc c) {
  switch (c) {
    case Errc::invalid: return "invalid";
    case Errc::not_found: return "not_found";
    case Errc::conflict: return "conflict";
    case Errc::forbidden: return "forbidden";
    case Errc::corrupt: return "corrupt";
    case Errc::unavailable: return "unavailable";
    case Errc::sealed: return "sealed";
    case Errc::internal: return "internal";
  }
  return "unknown";
}

const Reason& generic_reason(Errc c) {
  switch (c) {
    case Errc::invalid: return reasons::invalid;
    case Errc::not_found: return reasons::not_found;
    case Errc::conflict: return reasons::conflict;
    case Errc::forbidden: return reasons::forbidden;
    case Errc::corrupt: return reasons::corrupt;
    case Errc::unavailable: return reasons::unavailable;
    case Errc::sealed: return reasons::sealed;
    case Errc::internal: return reasons::internal;
  }
  return reasons::internal;
}

namespace reasons {

namespace {
#define AMANAT_REASON_ADDRESS(name, id, code, title) &name,
constexpr std::array kAll = {AMANAT_REASONS(AMANAT_REASON_ADDRESS)};
#undef AMANAT_REASON_ADDRESS
}  // namespace

std::span<const Reason* const> all() { return kAll; }

const Reason* find(std::string_view id) {
  for (const Reason* r : kAll)
    if (r->id == id) return r;
  return nullptr;
}

}  // namespace reasons

}  // namespace amanat
