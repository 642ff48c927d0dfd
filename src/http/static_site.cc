#include "http/static_site.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <system_error>

#include "core/sha256.h"
#include "http/problem.h"

namespace amanat::http {

namespace fs = std::filesystem;

namespace {

std::string media_type(const std::string& name) {
  static const std::pair<const char*, const char*> types[] = {
      {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},    {".json", "application/json"},
      {".svg", "image/svg+xml"},              {".png", "image/png"},
      {".ico", "image/x-icon"},               {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},  {".woff2", "font/woff2"},
      {".map", "application/json"},
  };
  for (const auto& [ext, type] : types)
    if (name.ends_with(ext)) return type;
  return "application/octet-stream";
}

}  // namespace

bool takes_gzip(const Request& req) {
  auto ae = find_header(req.headers, "accept-encoding");
  if (!ae) return false;
  std::string v(*ae);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  auto p = v.find("gzip");
  if (p == std::string::npos) return false;
  auto end = v.find(',', p);
  std::string params = v.substr(p + 4, end == std::string::npos ? std::string::npos : end - p - 4);
  params.erase(std::remove(params.begin(), params.end(), ' '), params.end());
  return !(params.starts_with(";q=0") && params.find_first_of("123456789", 4) == std::string::npos);
}

namespace {

Result<std::string> read_whole(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return fail(Errc::unavailable, "cannot read " + p.string());
  return bytes;
}

}  // namespace

Headers security_headers() {
  return {
      // Scripts, styles, images and fetches from this origin only: no inline script, no eval, no
      // outside request at run time. data: images for the QR code drawn in the page.
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; manifest-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      // The camera for photographing a receipt; nothing else.
      {"Permissions-Policy", "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"},
  };
}

Result<StaticSite> StaticSite::load(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_regular_file(dir / "index.html", ec))
    return fail(Errc::not_found, dir.string() + " has no index.html: build the web app (scripts/build.sh web)");
  auto files = std::make_shared<std::map<std::string, File>>();
  std::map<std::string, std::string> gz;  // NAME -> NAME.gz's bytes
  std::size_t total = 0;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const auto& entry = *it;
    if (entry.is_directory(ec) && !entry.is_symlink(ec)) continue;
    std::string rel = fs::relative(entry.path(), dir, ec).generic_string();
    if (!entry.is_regular_file(ec) || entry.is_symlink(ec))
      return fail(Errc::invalid, "web app folder: " + rel + " is not a regular file");
    total += entry.file_size(ec);
    if (total > kMaxSiteBytes) return fail(Errc::invalid, "web app folder: more than 64 MiB");
    auto bytes = read_whole(entry.path());
    if (!bytes) return err(bytes);
    if (rel.ends_with(".gz")) {
      gz[rel.substr(0, rel.size() - 3)] = std::move(*bytes);
      continue;
    }
    File f;
    f.type = media_type(rel);
    f.etag = "\"" + to_hex(sha256(*bytes)).substr(0, 32) + "\"";
    f.immutable = rel.starts_with("assets/");
    f.body = std::move(*bytes);
    (*files)[rel] = std::move(f);
  }
  if (ec) return fail(Errc::unavailable, "web app folder " + dir.string() + ": " + ec.message());
  for (auto& [name, bytes] : gz)
    if (auto it = files->find(name); it != files->end()) it->second.gzip = std::move(bytes);
  StaticSite site;
  site.files_ = std::move(files);
  return site;
}

Response StaticSite::answer(const File& f, const Request& req) const {
  Response res;
  res.headers = security_headers();
  res.headers.emplace_back("Content-Type", f.type);
  res.headers.emplace_back("Cache-Control", f.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  res.headers.emplace_back("ETag", f.etag);
  if (!f.gzip.empty()) res.headers.emplace_back("Vary", "Accept-Encoding");
  auto inm = find_header(req.headers, "if-none-match");
  if (inm && inm->find(f.etag) != std::string_view::npos) {
    res.status = 304;
    return res;
  }
  const bool gzip = !f.gzip.empty() && takes_gzip(req);
  if (gzip) res.headers.emplace_back("Content-Encoding", "gzip");
  if (req.method != "HEAD") res.body = gzip ? f.gzip : f.body;
  return res;
}

Response StaticSite::operator()(const Request& req) const {
  if (req.method != "GET" && req.method != "HEAD") {
    auto res = error_response(405);
    res.headers.emplace_back("Allow", "GET, HEAD");
    return res;
  }
  // The router hands the path relative to "/", e.g. "assets/app-1a2b3c4d.js" or "demo/verify".
  std::string path = req.path;
  if (auto it = files_->find(path); it != files_->end() && !path.empty()) return answer(it->second, req);
  const std::string last = path.substr(path.rfind('/') + 1);
  if (last.find('.') == std::string::npos) {
    const bool staff = path == "staff" || path.starts_with("staff/");
    auto page = files_->find(staff && files_->contains("staff.html") ? "staff.html" : "index.html");
    Response res = answer(page->second, req);
    if (preload_ && !staff)
      if (auto url = preload_(path))
        res.headers.emplace_back("Link", "<" + *url + ">; rel=preload; as=fetch; crossorigin=anonymous");
    return res;
  }
  auto res = error_response(404, "no such file");
  for (auto& h : security_headers()) res.headers.push_back(std::move(h));
  return res;
}

}  // namespace amanat::http
