#include "http/router.h"

#include <algorithm>

namespace amanat::http {

Status Router::mount(std::string prefix, Handler handler) {
  if (!prefix.starts_with('/') || !prefix.ends_with('/') || prefix.find("//") != std::string::npos ||
      prefix.find("/./") != std::string::npos || prefix.find("/../") != std::string::npos) {
    return fail(Errc::invalid, "bad mount prefix \"" + prefix + "\": it must look like /a/b/");
  }
  for (const auto& r : routes_) {
    if (r.first == prefix) return fail(Errc::conflict, "a handler is already mounted at " + prefix);
  }
  routes_.emplace_back(std::move(prefix), std::move(handler));
  std::stable_sort(routes_.begin(), routes_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  return {};
}

Response Router::operator()(const Request& req) const {
  for (const auto& [prefix, handler] : routes_) {
    if (req.path.starts_with(prefix)) {
      Request rel = req;
      rel.path.erase(0, prefix.size());
      return handler(rel);
    }
    if (req.path.size() + 1 == prefix.size() && prefix.starts_with(req.path)) {
      // "/log/acme" -> "/log/acme/", so that relative links in the index resolve.
      Response r = error_response(308);
      r.headers.emplace_back("Location", prefix);
      return r;
    }
  }
  return error_response(404);
}

}  // namespace amanat::http
