// The HTTP/1.1 server that publishes logs (and, later, the JSON API): it reads requests from
// sockets under fixed limits, hands each complete one to a Handler and writes the Response.
//
// Threading model: `threads` threads run one Asio io_context. Each connection is a coroutine on
// its own strand, so one connection is served by one thread at a time while different
// connections run in parallel. With ServerOptions::workers > 0 the Handler runs on a pool of
// its own and may block; otherwise it is called on an io thread and may block briefly
// (e.g. an SQLite read); while it blocks, that thread serves nothing else, so a server with N
// threads runs at most N handlers at once. ServerOptions::quick, if set, is asked first on the
// io thread, so that answers which need no blocking (files in memory, answers already computed)
// skip the hand-off to the pool and back. Handlers and log sinks must be thread-safe.
//
// Failure cases: a request the server refuses is answered with a 4xx and the connection is
// closed: 400 malformed (bad syntax or version, a target that is not a path or has a "." or ".."
// segment, no Host), 413 body too large, 431 header too large. A malformed request never gets a
// 5xx. A client that does not finish its request within read_timeout is disconnected without an
// answer (no 408), as are connections that reset. A handler that throws gets a 500 with no
// detail; the exception text goes to the error log only.
//
// Handler timeout (with workers > 0): a request whose handler has not produced a response within
// handler_timeout of being handed to the pool gets a 503 problem+json with Retry-After, and the
// connection is closed. If the handler had not started yet (every worker busy), it never runs
// and the answer says the request was not carried out; if it had, it cannot be interrupted: it
// runs to the end and its result is discarded (noted in the error log), so for an unsafe method
// the answer says that its outcome is unknown and it may still complete. A handler running on an
// io thread (workers == 0) is never cut short.
//
// stop() is graceful: the listener closes, idle keep-alive connections are closed, requests
// already being read or handled are finished (answered with "Connection: close"), except that a
// body beyond max_body_bytes still arriving is cut off, and then run()
// returns. So stop() waits at most read_timeout for a request being read, plus a second of
// lingering close, plus however long the handlers in flight take: a request that times out is
// answered at its deadline, but run() returns only once its handler has finished too (what it
// uses must outlive run()).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "http/problem.h"

namespace amanat::http {

// Header fields in the order received or set; names compare case-insensitively.
using Headers = std::vector<std::pair<std::string, std::string>>;
std::optional<std::string_view> find_header(const Headers& h, std::string_view name);

struct Request {
  std::string method;  // as sent, e.g. "GET"
  // The target's path, not percent-decoded; always starts with '/' as received by the server
  // and never contains a NUL or a "." or ".." segment. A Router rewrites it relative to the
  // mount prefix (see router.h).
  std::string path;
  std::string query;  // after '?', without it; empty when absent
  Headers headers;
  std::string body;
  // The peer's IP address as the server saw it (the reverse proxy's, behind one); for rate
  // limits only, never logged.
  std::string remote;
};

struct Response {
  int status = 200;
  // Content-Length, Transfer-Encoding and Connection are the server's and are ignored here;
  // X-Content-Type-Options: nosniff is added unless set.
  Headers headers;
  std::string body;
  // For the operator's error log (ServerOptions::error_log), never sent to the client: why a
  // 5xx happened, e.g. the storage error behind it.
  std::string log_note;
};

// Error answers are RFC 9457 problem documents: http/problem.h.

using Handler = std::function<Response(const Request&)>;

// One line per answered request. Deliberately without headers, query string or body: those may
// carry personal data later.
struct AccessLogEntry {
  std::string_view method;  // "-" when the request could not be parsed
  std::string_view path;    // "-" when the request could not be parsed
  int status;
  std::uint64_t bytes;  // response body bytes sent
  std::uint64_t micros;  // from the request's first byte to the response written
};
using AccessLog = std::function<void(const AccessLogEntry&)>;
using ErrorLog = std::function<void(std::string_view)>;
// "http method=GET path=/checkpoint status=200 bytes=123 us=45" on stderr.
AccessLog stderr_access_log();
ErrorLog stderr_error_log();

struct RequestLimits {
  std::size_t max_header_bytes = 16 * 1024;  // request line + fields; beyond: 431
  std::size_t max_body_bytes = 1024 * 1024;  // beyond: 413
  // A larger body for some requests (a receipt photographed on a phone, a bank statement):
  // called once a request's header is read and checked, if its body is chunked or declared
  // longer than max_body_bytes, with its method, path, query and headers but no body; returns
  // the body limit for that request, or 0 for max_body_bytes (as does an exception).
  // More than max_upload_bytes is never granted. A Content-Length beyond the request's limit is
  // answered 413 before any of the body is read. Runs on an event-loop thread: keep it quick.
  std::function<std::size_t(const Request& head)> body_limit_for;
  std::size_t max_upload_bytes = 32 * 1024 * 1024;
  // A request granted more than max_body_bytes gets longer to arrive: read_timeout plus one
  // second for every this many bytes of its declared length (of its limit, when chunked), so
  // that a slow phone connection still finishes.
  std::size_t min_upload_bytes_per_second = 64 * 1024;
  // The most that requests granted more than max_body_bytes may hold at once while their
  // bodies arrive (their declared lengths, or limits when chunked): beyond, 503 with
  // Retry-After, so that a few logged-in clients cannot fill the server's memory with slow
  // uploads. (Bodies being handled are bounded by the worker pool.)
  std::size_t max_upload_bytes_in_flight = 128 * 1024 * 1024;
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: an ephemeral port, see Server::port()
  unsigned threads = 2;
  // 0: handlers run on the io threads (right for handlers that never block, like the log's
  // tiles). N: on a pool of N threads, so that handlers that block (password hashing, waiting
  // for a durable commit) never hold up the event loop, and up to N of them wait at once.
  unsigned workers = 0;
  RequestLimits limits;
  // Deadline for reading one whole request (headers and body) from its first byte, and for the
  // first request from the connection's accept.
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds write_timeout{30'000};
  // With workers > 0: how long a request may wait for a worker and its handler together before
  // it is answered 503 (see the top of this file). 0: no limit.
  std::chrono::milliseconds handler_timeout{30'000};
  bool keep_alive = true;
  // How long a keep-alive connection may wait for its next request.
  std::chrono::milliseconds idle_timeout{60'000};
  // Answers that need no worker: with workers > 0, tried first on the io thread for every
  // request read whole; an answer it gives is sent at once, with no hand-off to the pool (the
  // static site, a public answer already computed). nullopt passes the request to the Handler.
  // It must never block (no database read, no lock held for long) and should be quick. Empty:
  // every request goes to the Handler. With workers == 0 it is tried first as well.
  std::function<std::optional<Response>(const Request&)> quick;
  AccessLog access_log = stderr_access_log();  // empty: no access log
  ErrorLog error_log = stderr_error_log();     // empty: no error log
};

class Server {
 public:
  // Binds and listens (so port() is known before run()). Errc::invalid for a bad address,
  // Errc::unavailable when the port cannot be bound.
  static Result<std::unique_ptr<Server>> listen(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const;
  // Serves on `threads` threads (the caller's and threads-1 new ones) until stop() has
  // drained every connection. Call once.
  void run();
  // Thread-safe, idempotent, returns at once; may be called before or during run().
  void stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The server's request-reading rules applied to a buffer instead of a socket, for the fuzz
// target and tests: the same parser settings, limits and checks. The end of `bytes` counts as
// the client closing the connection.
struct ParseOutcome {
  enum Kind {
    complete,    // `request` is what the handler would see
    rejected,    // `response` (always 4xx) is what the server would send before closing
    incomplete,  // the client stopped mid-request: the server closes without answering
  } kind;
  Request request;
  Response response;
  std::size_t consumed = 0;  // bytes of `bytes` used by this request (for pipelining)
};
ParseOutcome parse_request(std::string_view bytes, const RequestLimits& limits);

}  // namespace amanat::http
