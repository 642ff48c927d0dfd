#include "http/client.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

namespace amanat::http {

namespace {

void global_init() {
  // curl_global_init is not thread-safe before curl 7.84; a function-local static is.
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)rc;  // a failure shows up as curl_easy_init returning null
}

// Idle easy handles. A handle keeps its connection cache, so reusing one reuses connections.
class CurlPool {
 public:
  ~CurlPool() {
    for (CURL* h : idle_) curl_easy_cleanup(h);
  }
  CURL* take() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        CURL* h = idle_.back();
        idle_.pop_back();
        return h;
      }
    }
    global_init();
    return curl_easy_init();
  }
  void give(CURL* h) {
    // Reset now, not at the next take: the options point at the finished call's buffers.
    curl_easy_reset(h);
    std::lock_guard lock(mu_);
    if (idle_.size() < kMaxIdle) {
      idle_.push_back(h);
      return;
    }
    curl_easy_cleanup(h);
  }

 private:
  static constexpr std::size_t kMaxIdle = 16;
  std::mutex mu_;
  std::vector<CURL*> idle_;
};

struct Sink {
  CURL* handle;
  std::size_t max;
  std::string data;
  bool too_big = false;
};

std::size_t on_data(char* p, std::size_t size, std::size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  n *= size;
  long code = 0;
  curl_easy_getinfo(s->handle, CURLINFO_RESPONSE_CODE, &code);
  if (code != 200) return n;  // only the status of an error matters; do not keep its body
  if (n > s->max - s->data.size()) {
    s->too_big = true;
    return 0;  // aborts the transfer
  }
  s->data.append(p, n);
  return n;
}

bool transient(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

bool is_http_url(std::string_view url) {
  auto ok = [](std::string_view rest) {
    return !rest.empty() && std::none_of(rest.begin(), rest.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; });
  };
  return (url.starts_with("http://") && ok(url.substr(7))) || (url.starts_with("https://") && ok(url.substr(8)));
}

Result<std::string> get_once(CurlPool& pool, const std::string& url, std::size_t max, const ClientOptions& o,
                             bool& retry) {
  retry = false;
  CURL* h = pool.take();
  if (!h) return fail(Errc::internal, "GET " + url + ": curl_easy_init failed");
  struct Give {
    CurlPool& pool;
    CURL* h;
    ~Give() { pool.give(h); }
  } give{pool, h};
  char err[CURL_ERROR_SIZE] = "";
  Sink sink{h, max, {}};
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // required when several threads use curl
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(o.total_timeout.count()));
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "gzip");
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, o.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  CURLcode rc = curl_easy_perform(h);
  if (sink.too_big) {
    return fail(Errc::corrupt, "GET " + url + ": the response is larger than " + std::to_string(max) + " bytes");
  }
  if (rc != CURLE_OK) {
    retry = transient(rc);
    return fail(Errc::unavailable, "GET " + url + ": " + (err[0] ? err : curl_easy_strerror(rc)));
  }
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  if (code == 200) return std::move(sink.data);
  if (code == 404 || code == 410) return fail(Errc::not_found, "GET " + url + ": HTTP " + std::to_string(code));
  retry = code >= 500 || code == 429;
  return fail(Errc::unavailable, "GET " + url + ": HTTP " + std::to_string(code));
}

Result<std::string> get(CurlPool& pool, const std::string& url, std::size_t max, const ClientOptions& o) {
  if (!is_http_url(url)) return fail(Errc::invalid, "not an http:// or https:// URL: " + url);
  auto delay = o.backoff;
  int attempts = std::max(1, o.attempts);
  for (int attempt = 1;; ++attempt) {
    bool retry = false;
    auto r = get_once(pool, url, max, o, retry);
    if (r || !retry) return r;
    if (attempt == attempts) {
      return fail(r.error().code, r.error().message + " (after " + std::to_string(attempts) + " attempts)");
    }
    std::this_thread::sleep_for(delay);
    delay *= 2;
  }
}

}  // namespace

Result<std::string> http_get(const std::string& url, std::size_t max_bytes, const ClientOptions& options) {
  // Never destroyed: a thread still fetching at exit must not find the pool gone.
  static CurlPool& pool = *new CurlPool;
  return get(pool, url, max_bytes, options);
}

struct HttpLogSource::Pool {
  CurlPool curl;
};

HttpLogSource::HttpLogSource(std::string base, ClientOptions options)
    : base_(std::move(base)), options_(std::move(options)), pool_(std::make_unique<Pool>()) {}
HttpLogSource::~HttpLogSource() = default;

Result<std::unique_ptr<HttpLogSource>> HttpLogSource::open(std::string base_url, ClientOptions options) {
  if (!is_http_url(base_url)) return fail(Errc::invalid, "not an http:// or https:// URL: " + base_url);
  if (!base_url.ends_with('/')) base_url += '/';
  return std::unique_ptr<HttpLogSource>(new HttpLogSource(std::move(base_url), std::move(options)));
}

Result<std::string> HttpLogSource::read_checkpoint() {
  return get(pool_->curl, base_ + "checkpoint", kMaxCheckpointBytes, options_);
}

Result<Bytes> HttpLogSource::read_tile(const tlog::TileId& id) {
  std::string url = base_ + tlog::tile_path(id);
  std::size_t want = std::size_t{id.width} * 32;
  auto body = get(pool_->curl, url, id.entries ? std::size_t{id.width} * (2 + 65535) : want, options_);
  if (!body) return err(body);
  if (!id.entries && body->size() != want) {
    return fail(Errc::corrupt, "GET " + url + ": a hash tile of width " + std::to_string(id.width) + " must be " +
                                   std::to_string(want) + " bytes, got " + std::to_string(body->size()));
  }
  return Bytes(body->begin(), body->end());
}

}  // namespace amanat::http
