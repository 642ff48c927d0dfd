#include "http/log_routes.h"

namespace amanat::http {

namespace {

constexpr std::string_view kIndex =
    "This is a transparency log in the C2SP tlog-tiles layout (https://c2sp.org/tlog-tiles).\n"
    "\n"
    "checkpoint\n"
    "tile/<L>/<N>[.p/<W>]\n"
    "tile/entries/<N>[.p/<W>]\n";

Response ok(std::string body, std::string content_type, std::string cache_control) {
  Response r;
  r.headers = {{"Content-Type", std::move(content_type)}, {"Cache-Control", std::move(cache_control)}};
  r.body = std::move(body);
  return r;
}

Response source_error(const Error& e) {
  Response r;
  switch (e.code) {
    case Errc::not_found: return error_response(404);
    case Errc::invalid: return error_response(400, e.message);
    case Errc::unavailable: r = error_response(503); break;
    default: r = error_response(500); break;
  }
  r.log_note = std::string(errc_name(e.code)) + ": " + e.message;  // not for the client
  return r;
}

}  // namespace

Handler log_handler(std::shared_ptr<tlog::LogSource> src) {
  return [src = std::move(src)](const Request& req) -> Response {
    std::string_view path = req.path;
    if (path.starts_with('/')) path.remove_prefix(1);
    bool known = path.empty() || path == "checkpoint" || path.starts_with("tile/");
    if (!known) return error_response(404);
    if (req.method != "GET" && req.method != "HEAD") {
      Response r = error_response(405);
      r.headers.emplace_back("Allow", "GET, HEAD");
      return r;
    }
    if (path.empty()) return ok(std::string(kIndex), "text/plain; charset=utf-8", "public, max-age=300");
    if (path == "checkpoint") {
      auto cp = src->read_checkpoint();
      if (!cp) return source_error(cp.error());
      // The spec: the checkpoint changes as the log grows and must not be cached for more than
      // a few seconds. Two seconds still lets a CDN absorb a crowd of polling monitors.
      return ok(std::move(*cp), "text/plain; charset=utf-8", "public, max-age=2");
    }
    auto id = tlog::parse_tile_path(path);
    if (!id) return error_response(400, id.error().message);
    auto tile = src->read_tile(*id);
    if (!tile) return source_error(tile.error());
    // A tile path names fixed contents (a partial tile gets a new path when it grows).
    return ok(std::string(as_chars(*tile)), "application/octet-stream", "public, max-age=31536000, immutable");
  };
}

}  // namespace amanat::http
