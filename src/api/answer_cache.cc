#include "api/answer_cache.h"

#include <zlib.h>

#include "core/sha256.h"
#include "http/static_site.h"

namespace amanat::api {

namespace {

// gzip (RFC 1952) at zlib's default level; empty on any failure (the plain body is then sent).
std::string gzip(const std::string& in) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string();
}

}  // namespace

std::shared_ptr<const AnswerCache::Answer> AnswerCache::find(const std::string& key, std::uint64_t version) const {
  std::lock_guard lock(mu_);
  auto it = answers_.find(key);
  if (it == answers_.end() || it->second->version != version) return nullptr;
  return it->second;
}

std::shared_ptr<const AnswerCache::Answer> AnswerCache::put(const std::string& key, std::uint64_t version,
                                                            std::string body, http::Headers headers) {
  auto a = std::make_shared<Answer>();
  a->version = version;
  a->headers = std::move(headers);
  a->etag = "W/\"" + to_hex(sha256(body)).substr(0, 32) + "\"";
  a->gzip = gzip(body);
  if (a->gzip.size() >= body.size()) a->gzip.clear();
  a->body = std::move(body);
  std::lock_guard lock(mu_);
  auto it = answers_.find(key);
  if (it != answers_.end()) {
    // Never replace an answer with an older one (two readers racing a commit).
    if (it->second->version > version) return a;
    it->second = a;
    return a;
  }
  if (answers_.size() >= kMaxEntries) {
    std::erase_if(answers_, [&](const auto& kv) { return kv.second->version != version; });
    if (answers_.size() >= kMaxEntries) answers_.clear();
  }
  answers_.emplace(key, a);
  return a;
}

http::Response AnswerCache::respond(const Answer& a, const http::Request& req) {
  http::Response res;
  res.headers = a.headers;
  res.headers.emplace_back("ETag", a.etag);
  res.headers.emplace_back("Vary", "Accept-Encoding");
  auto inm = http::find_header(req.headers, "if-none-match");
  // The hash inside the quotes, so that a weak or strong form of it matches (weak comparison).
  if (inm && inm->find(std::string_view(a.etag).substr(2)) != std::string_view::npos) {
    res.status = 304;
    return res;
  }
  if (!a.gzip.empty() && http::takes_gzip(req)) {
    res.headers.emplace_back("Content-Encoding", "gzip");
    res.body = a.gzip;
  } else {
    res.body = a.body;
  }
  return res;
}

}  // namespace amanat::api
