#include "http/router.h"

#include <algorithm>

namespace amanat::http {

Status Router::mount(std::string prefix, Handler handler, BodyLimit body_limit, Quick quick) {
  if (!prefix.starts_with('/') || !prefix.ends_with('/') || prefix.find("//") != std::string::npos ||
      prefix.find("/./") != std::string::npos || prefix.find("/../") != std::string::npos) {
    return fail(Errc::invalid, "bad mount prefix \"" + prefix + "\": it must look like /a/b/");
  }
  for (const auto& r : routes_) {
    if (r.prefix == prefix) return fail(Errc::conflict, "a handler is already mounted at " + prefix);
  }
  routes_.push_back(Mount{std::move(prefix), std::move(handler), std::move(body_limit), std::move(quick)});
  std::stable_sort(routes_.begin(), routes_.end(),
                   [](const auto& a, const auto& b) { return a.prefix.size() > b.prefix.size(); });
  return {};
}

const Router::Mount* Router::find(const std::string& path) const {
  for (const auto& m : routes_)
    if (path.starts_with(m.prefix)) return &m;
  return nullptr;
}

std::size_t Router::body_limit(const Request& head) const {
  const Mount* m = find(head.path);
  if (!m || !m->body_limit) return 0;
  Request rel = head;
  rel.path.erase(0, m->prefix.size());
  return m->body_limit(rel);
}

std::optional<Response> Router::quick(const Request& req) const {
  // The same choice as operator() below, which answers whatever this leaves.
  for (const auto& m : routes_) {
    if (req.path.starts_with(m.prefix)) {
      if (!m.quick) return std::nullopt;
      Request rel = req;
      rel.path.erase(0, m.prefix.size());
      return m.quick(rel);
    }
    if (req.path.size() + 1 == m.prefix.size() && m.prefix.starts_with(req.path)) return std::nullopt;  // 308
  }
  return std::nullopt;
}

Response Router::operator()(const Request& req) const {
  for (const auto& [prefix, handler, limit, quick] : routes_) {
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
