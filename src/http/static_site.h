// The web app's files (web/dist, built by `npm run build` in web/), served by `amanat serve`
// itself so that nothing is needed beside it: no CDN, no other server.
//
// StaticSite::load reads a folder once, at startup, into memory (the built app is a few hundred
// KB; under a news spike every answer is a lookup, never a disk read). For each file it keeps the
// bytes, their gzip form when the build wrote one beside it (NAME.gz), its media type and an ETag.
//
// What it answers (GET and HEAD only; other methods 405):
//   - a file that exists: the file. Names under assets/ carry a content hash (the build names them
//     so), so they are cached for a year as immutable; everything else (the HTML, the manifest)
//     has Cache-Control: no-cache and an ETag, so a browser always asks and gets 304 when nothing
//     changed;
//   - any other path whose last segment has no '.', e.g. /demo/appeals/A-2024-105: the app's
//     page (index.html, or staff.html under /staff/), which reads the path itself;
//   - anything else: 404 problem+json.
// Every answer carries the security headers (http::security_headers): a Content-Security-Policy
// that allows scripts, styles, images and fetches from this origin only (no inline script, no
// eval), framing by nobody, no referrer, and the rest of the usual set.
//
// Failure cases: load() fails with Errc::not_found when the folder has no index.html (the app
// was not built), Errc::invalid when it holds more than kMaxSiteBytes or a file that is not a
// regular file or folder (a symlink is refused rather than followed out of the folder).
// Thread-safety: after load(), operator() is const and safe from any number of threads.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>
#include <map>
#include <memory>
#include <string>

#include "core/error.h"
#include "http/server.h"

namespace amanat::http {

inline constexpr std::size_t kMaxSiteBytes = std::size_t(64) << 20;

// The headers every page and asset carries (and which the JSON API may carry too).
Headers security_headers();
// Whether the client takes gzip: a "gzip" coding in Accept-Encoding not refused with q=0.
bool takes_gzip(const Request& req);

class StaticSite {
 public:
  static Result<StaticSite> load(const std::filesystem::path& dir);
  Response operator()(const Request& req) const;
  // What the app's page at `path` (relative to "/", e.g. "demo/appeals/A-2024-105") will fetch
  // first, to be named in a `Link: <URL>; rel=preload` header of the HTML so that the browser
  // fetches it beside the page's scripts instead of after them; nullopt: nothing. The URL must
  // be safe inside <...> (the function checks what it takes from the path).
  using Preload = std::function<std::optional<std::string>(std::string_view path)>;
  void preload(Preload p) { preload_ = std::move(p); }
  std::size_t files() const { return files_->size(); }

 private:
  struct File {
    std::string body, gzip;  // gzip: empty when the build wrote no NAME.gz
    std::string type, etag;
    bool immutable = false;
  };
  Response answer(const File& f, const Request& req) const;
  Preload preload_;
  // Shared so that a StaticSite copies cheaply into a Handler.
  std::shared_ptr<const std::map<std::string, File>> files_;
};

}  // namespace amanat::http
