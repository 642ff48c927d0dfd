// Fuzz target: JSON request bodies against every route's schema (src/api/schema.h), query
// strings against the query parser (api::query_params), and the API's whole request path for
// the routes that need no organisation (no store behind them).
// Besides "never crash": a body is either accepted as an object that has only known members,
// or refused with at least one field error; and a request never gets a 5xx.
#include <sodium.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/api.h"

using namespace amanat;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (sodium_init() < 0) std::abort();
  static const auto api = api::make_api();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (const auto& route : api->routes()) {
    if (!route.body) continue;
    auto checked = api::validate(in, *route.body);
    if (checked) {
      require(checked->is_object());
      for (const auto& [name, value] : checked->items()) {
        bool known = false;
        for (const auto& f : route.body->fields) known = known || f.name == name;
        require(known);
      }
    } else {
      require(!checked.error().empty());
    }
  }
  // The input as a query string: parsed into known names with valid UTF-8 values, or refused.
  {
    http::Request req;
    req.query = std::string(in);
    auto params = api::query_params(req, {"format", "map", "rate"});
    if (params)
      for (const auto& [k, v] : *params) require((k == "format" || k == "map" || k == "rate") && v.size() <= 1000);
    else
      require(params.error().code == Errc::invalid);
  }
  // The first byte picks a path; the rest is the body. Unknown organisations and routes must be
  // answered with a problem, never a 5xx.
  static const char* paths[] = {"health", "openapi.json", "orgs/x/donations", "orgs/x/session", "nothing/here",
                                "orgs/x/intake"};
  if (size > 0) {
    http::Request req;
    req.method = (data[0] & 0x80) ? "POST" : "GET";
    req.path = paths[data[0] % (sizeof paths / sizeof *paths)];
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = std::string(in.substr(1));
    auto res = api->handle(req);
    require(res.status >= 200 && res.status < 500);
  }
  return 0;
}
