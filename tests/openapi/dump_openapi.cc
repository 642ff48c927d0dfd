// Prints the OpenAPI document exactly as `amanat serve` serves it at /api/v1/openapi.json (the
// same route table, the same handler), for tests/openapi/check_openapi.py. A test helper, not
// part of amanat.
#include <cstdio>

#include "api/api.h"

int main() {
  auto api = amanat::api::make_api();
  amanat::http::Request req;
  req.method = "GET";
  req.path = "openapi.json";
  amanat::http::Response res = api->handle(req);
  if (res.status != 200) {
    std::fprintf(stderr, "GET /api/v1/openapi.json answered %d: %s", res.status, res.body.c_str());
    return 1;
  }
  std::fwrite(res.body.data(), 1, res.body.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
