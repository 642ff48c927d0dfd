// Fetching over HTTP(S): a tlog::LogSource for a remote log published in the C2SP tlog-tiles
// layout, and a plain GET helper. Built on libcurl with certificate verification on, only the
// http and https protocols (also after redirects), gzip accepted and decoded, and connect and
// total timeouts.
//
// Threading: everything here is safe to call from several threads at once. Each call borrows a
// CURL easy handle from a pool (a handle is used by one thread at a time) and returns it
// afterwards, so connections are reused across calls.
//
// Failure cases (Error::message always names the URL):
//   404 or 410                         -> Errc::not_found, at once
//   cannot connect, timeout, reset,
//   5xx or 429                         -> retried `attempts` times with doubling backoff,
//                                         then Errc::unavailable with the reason
//   a TLS failure or another status    -> Errc::unavailable, not retried
//   a body larger than the cap, or a
//   hash tile of the wrong size        -> Errc::corrupt, not retried
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/error.h"
#include "tlog/log_source.h"

namespace amanat::http {

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds total_timeout{30'000};  // per attempt
  int attempts = 3;                                 // tries for a transient failure
  std::chrono::milliseconds backoff{200};           // before the second try; doubles after
  std::string user_agent = "amanat";
};

// Response size caps (after gzip decoding, so a small compressed bomb is still refused).
inline constexpr std::size_t kMaxCheckpointBytes = 16 * 1024;
inline constexpr std::size_t kMaxBundleBytes = 256 * (2 + 65535);

// GETs `url` (http:// or https://) and returns the body of a 200 answer of at most max_bytes.
Result<std::string> http_get(const std::string& url, std::size_t max_bytes, const ClientOptions& options = {});

class HttpLogSource : public tlog::LogSource {
 public:
  // `base_url` is where "checkpoint" and "tile/..." live, e.g. https://example.org/log/acme
  // (a trailing slash is optional). Errc::invalid unless it is an http:// or https:// URL.
  static Result<std::unique_ptr<HttpLogSource>> open(std::string base_url, ClientOptions options = {});
  ~HttpLogSource() override;

  Result<std::string> read_checkpoint() override;
  Result<Bytes> read_tile(const tlog::TileId& id) override;
  std::string describe() const override { return base_; }

 private:
  struct Pool;
  HttpLogSource(std::string base, ClientOptions options);
  std::string base_;  // with a trailing slash
  ClientOptions options_;
  std::unique_ptr<Pool> pool_;
};

}  // namespace amanat::http
