// Helpers for the http tests only (not compiled into the library): an in-memory LogSource, a
// server running on an ephemeral port in a background thread, and a raw-socket HTTP client that
// can send arbitrary bytes.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "http/server.h"
#include "tlog/log_source.h"

namespace amanat::http::testing {

// Serves whatever tiles and checkpoint were put in; thread-safe.
class FakeLogSource : public tlog::LogSource {
 public:
  void set_checkpoint(std::string cp) {
    std::lock_guard l(mu_);
    checkpoint_ = std::move(cp);
  }
  void put_tile(const tlog::TileId& id, Bytes b) {
    std::lock_guard l(mu_);
    tiles_[id] = std::move(b);
  }
  // Makes every read fail with this error.
  void fail_with(std::optional<Error> e) {
    std::lock_guard l(mu_);
    fail_ = std::move(e);
  }
  Result<std::string> read_checkpoint() override {
    std::lock_guard l(mu_);
    if (fail_) return std::unexpected(*fail_);
    if (!checkpoint_) return fail(Errc::not_found, "no checkpoint");
    return *checkpoint_;
  }
  Result<Bytes> read_tile(const tlog::TileId& id) override {
    std::lock_guard l(mu_);
    if (fail_) return std::unexpected(*fail_);
    auto it = tiles_.find(id);
    if (it == tiles_.end()) return fail(Errc::not_found, tlog::tile_path(id) + " does not exist");
    return it->second;
  }
  std::string describe() const override { return "fake"; }

 private:
  std::mutex mu_;
  std::optional<std::string> checkpoint_;
  std::map<tlog::TileId, Bytes> tiles_;
  std::optional<Error> fail_;
};

inline Bytes pattern(std::size_t n, std::uint8_t seed) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 7);
  return b;
}

// A server on 127.0.0.1 with an ephemeral port, run() in a background thread; the destructor
// stops it and waits for run() to return.
class ServerThread {
 public:
  explicit ServerThread(Handler h, ServerOptions o = quiet()) {
    auto s = Server::listen(std::move(o), std::move(h));
    if (!s) throw std::runtime_error(s.error().message);
    server_ = std::move(*s);
    thread_ = std::thread([this] { server_->run(); });
  }
  ~ServerThread() {
    server_->stop();
    thread_.join();
  }
  static ServerOptions quiet() {
    ServerOptions o;
    o.access_log = nullptr;
    o.error_log = nullptr;
    return o;
  }
  Server& server() { return *server_; }
  std::uint16_t port() const { return server_->port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  std::thread& thread() { return thread_; }

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

// A blocking TCP connection for sending raw bytes.
class RawConn {
 public:
  explicit RawConn(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect failed");
  }
  ~RawConn() { ::close(fd_); }
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;

  // False if the peer has gone (EPIPE/reset).
  bool send(std::string_view b) {
    while (!b.empty()) {
      ssize_t n = ::send(fd_, b.data(), b.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      b.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  void shutdown_write() { ::shutdown(fd_, SHUT_WR); }
  // Reads more bytes into the buffer; false on EOF, error or timeout.
  bool fill(int timeout_ms = 5000) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char tmp[16384];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<std::size_t>(n));
    return true;
  }
  // Everything until the server closes (or the timeout).
  std::string read_all(int timeout_ms = 5000) {
    while (fill(timeout_ms)) {
    }
    return std::exchange(buf_, {});
  }
  // True when the server closed the connection (EOF or reset) within the timeout.
  bool closed_by_peer(int timeout_ms = 5000) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char tmp[4096];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n > 0) buf_.append(tmp, static_cast<std::size_t>(n));
    return n <= 0;
  }

  struct Reply {
    int status = 0;  // 0: no complete response arrived
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
    std::string header(const std::string& name) const {
      auto it = headers.find(name);
      return it == headers.end() ? std::string() : it->second;
    }
  };
  // Reads one response; `head` says it answers a HEAD (Content-Length but no body).
  Reply read_reply(bool head = false, int timeout_ms = 5000) {
    Reply r;
    std::size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill(timeout_ms)) return r;
    }
    std::string head_text = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    std::size_t line_end = head_text.find("\r\n");
    std::string status_line = head_text.substr(0, line_end);
    if (status_line.size() < 12) return r;
    int status = std::atoi(status_line.substr(9, 3).c_str());
    std::size_t pos = line_end == std::string::npos ? head_text.size() : line_end + 2;
    while (pos < head_text.size()) {
      std::size_t e = head_text.find("\r\n", pos);
      if (e == std::string::npos) e = head_text.size();
      std::string line = head_text.substr(pos, e - pos);
      auto colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[name] = value;
      pos = e + 2;
    }
    if (status == 100) return read_reply(head, timeout_ms);
    std::size_t len = head ? 0 : std::strtoull(r.header("content-length").c_str(), nullptr, 10);
    while (buf_.size() < len) {
      if (!fill(timeout_ms)) return r;
    }
    r.body = buf_.substr(0, len);
    buf_.erase(0, len);
    r.status = status;
    return r;
  }
  // Sends one request and reads its response.
  Reply request(std::string_view raw, bool head = false) {
    send(raw);
    return read_reply(head);
  }

 private:
  int fd_ = -1;
  std::string buf_;
};

inline std::string get_request(std::string_view target, std::string_view method = "GET",
                               std::string_view extra_headers = "") {
  return std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" +
         std::string(extra_headers) + "\r\n";
}

}  // namespace amanat::http::testing
