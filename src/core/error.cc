#include "core/error.h"

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

}  // namespace amanat
