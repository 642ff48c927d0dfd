#include "http/server.h"

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <mutex>
#include <set>
#include <thread>
#include <variant>

#include <boost/asio/co_spawn.hpp>
#include <nlohmann/json.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace amanat::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Parser = bhttp::request_parser<bhttp::string_body>;
using Clock = std::chrono::steady_clock;

namespace {

// Beast in Boost 1.74 uses boost::string_view.
std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// --- Request-reading rules shared by the socket path and parse_request(). ---

// Beast refuses a Content-Length beyond the body limit while it reads the header, so the
// parser starts with the largest limit any request may be granted; body_limit() then sets the
// request's own.
void configure(Parser& p, const RequestLimits& limits) {
  p.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(limits.max_header_bytes, UINT32_MAX)));
  p.body_limit(limits.body_limit_for ? std::max(limits.max_body_bytes, limits.max_upload_bytes) : limits.max_body_bytes);
}

// The body limit of the request whose header `p` holds (checked by check_header into `req`),
// set on the parser; a 413 when its Content-Length is already beyond it.
std::variant<std::size_t, Response> body_limit(Parser& p, const Request& req, const RequestLimits& limits) {
  std::size_t limit = limits.max_body_bytes;
  auto length = p.content_length();
  // The hook is asked only about a body that may exceed the default: most requests never
  // reach it (it may look up a session).
  if (limits.body_limit_for && (p.chunked() || (length && *length > limit))) {
    Request head{req.method, req.path, req.query, {}, {}, {}};
    for (const auto& f : p.get()) head.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    std::size_t granted = 0;
    try {
      granted = std::min(limits.body_limit_for(head), limits.max_upload_bytes);
    } catch (...) {
      granted = 0;  // the default limit, as for anyone the hook does not know
    }
    limit = std::max(limit, granted);
  }
  if (length && *length > limit)
    return error_response(413, "the body is " + std::to_string(*length) + " bytes; this request may send at most " +
                                   std::to_string(limit));
  p.body_limit(limit);
  return limit;
}

// The status to answer a read error with, or 0 when there is nobody to answer (the peer closed,
// reset or timed out, or stop() closed an idle connection). A parse error is the client's fault:
// always 4xx, never 5xx.
int status_for_read_error(const beast::error_code& ec) {
  if (ec == bhttp::error::header_limit) return 431;
  if (ec == bhttp::error::body_limit) return 413;
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return 0;
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) return 400;
  return 0;
}

// Splits an origin-form target into path and query, or says why it is refused. Dot segments are
// refused rather than normalised so that a path has one spelling and no handler can be tricked
// into walking up a directory.
std::optional<std::string> split_target(std::string_view target, Request& out) {
  if (!target.starts_with('/')) return "the request target must be a path starting with /";
  if (target.find('\0') != std::string_view::npos) return "the request target contains NUL";
  auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  for (std::size_t pos = 1; pos <= path.size();) {
    std::size_t end = std::min(path.find('/', pos), path.size());
    std::string_view seg = path.substr(pos, end - pos);
    if (seg == "." || seg == "..") return "the request path contains a . or .. segment";
    pos = end + 1;
  }
  out.path = std::string(path);
  out.query = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
  return std::nullopt;
}

// Checks that apply once the header is complete; the body has not been read yet.
std::optional<Response> check_header(const Parser& p, Request& out) {
  const auto& m = p.get();
  if (auto why = split_target(sv(m.target()), out)) return error_response(400, *why);
  // RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1 request without exactly one Host.
  auto hosts = m.count(bhttp::field::host);
  if (hosts > 1 || (hosts == 0 && m.version() >= 11)) {
    return error_response(400, "the request needs exactly one Host header");
  }
  // RFC 9112 §6.3: a request whose last transfer coding is not chunked has no knowable length.
  // Other codings (gzip, ...) are not supported either; 400 rather than 501, since a 5xx would
  // blame the server for the request.
  auto te = m.find(bhttp::field::transfer_encoding);
  if (te != m.end() && (m.count(bhttp::field::transfer_encoding) > 1 || !iequals(sv(te->value()), "chunked"))) {
    return error_response(400, "only Transfer-Encoding: chunked is supported");
  }
  out.method = std::string(m.method_string());
  return std::nullopt;
}

void take_message(Parser& p, Request& out) {
  auto m = p.release();
  for (const auto& f : m) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(m.body());
}

bool expects_continue(const Parser& p) {
  auto it = p.get().find(bhttp::field::expect);
  return it != p.get().end() && iequals(sv(it->value()), "100-continue") && p.get().version() >= 11;
}

// A handler's response becomes a 500 when it could not be sent faithfully: a status the server
// cannot send as a final response, or a header that would split the response.
std::optional<std::string> check_response(const Response& r) {
  if (r.status < 200 || r.status > 599) return "handler returned status " + std::to_string(r.status);
  for (const auto& [name, value] : r.headers) {
    bool ok = !name.empty();
    for (char c : name) ok = ok && c > 0x20 && c < 0x7f && c != ':';
    for (char c : value) ok = ok && c != '\r' && c != '\n' && c != '\0';
    if (!ok) return "handler returned a malformed header field";
  }
  return std::nullopt;
}

// Path for the access log: at most 256 bytes, and bytes that could break a log line escaped.
std::string loggable_path(std::string_view path) {
  std::string out;
  for (unsigned char c : path.substr(0, 256)) {
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      static const char hex[] = "0123456789ABCDEF";
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

struct Conn {
  explicit Conn(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  bool idle = false;  // waiting for a request's first byte; touched only on the strand
  bool uploading = false;  // reading a body beyond max_body_bytes; touched only on the strand
};

// Bytes of the upload budget (RequestLimits::max_upload_bytes_in_flight) one request holds,
// given back when it goes.
struct UploadReservation {
  std::atomic<std::size_t>* total = nullptr;
  std::size_t bytes = 0;
  // False, holding nothing, if the budget cannot take `n` more bytes.
  bool take(std::atomic<std::size_t>& t, std::size_t n, std::size_t budget) {
    std::size_t cur = t.load();
    do {
      if (n > budget || cur > budget - n) return false;
    } while (!t.compare_exchange_weak(cur, cur + n));
    total = &t;
    bytes = n;
    return true;
  }
  void release() {
    if (total) total->fetch_sub(bytes);
    total = nullptr;
  }
  ~UploadReservation() { release(); }
};

// One request handed to the worker pool. The connection's coroutine and the worker share it, so
// that either may be done with it first: after a handler timeout the coroutine answers 503 and
// moves on (its connection may be gone long before the worker finishes), while the worker still
// reads the request. The worker touches nothing of the connection's: it wakes the coroutine by
// cancelling `wake` on the connection's strand, and only while the coroutine still waits.
struct Job {
  Job(const asio::any_io_executor& strand, Request r) : request(std::move(r)), wake(strand) {}
  const Request request;
  asio::steady_timer wake;  // the coroutine waits on it until the deadline; touched only on the strand
  std::mutex mu;
  bool started = false;    // guarded by mu: a worker has begun the handler
  bool finished = false;   // guarded by mu: `response` is set
  bool abandoned = false;  // guarded by mu: the client got a 503; the result goes nowhere
  std::optional<Response> response;  // guarded by mu
};

bool unsafe_method(std::string_view m) { return m != "GET" && m != "HEAD" && m != "OPTIONS" && m != "TRACE"; }

std::string seconds_text(std::chrono::milliseconds d) {
  auto s = (d.count() + 999) / 1000;
  return std::to_string(std::max<std::int64_t>(1, s));
}

// The answer to a request whose handler missed its deadline (RFC 9110 §15.6.4: 503 with
// Retry-After). By the time the client retries, the abandoned handler has had as long again.
Response timeout_response(const Request& req, bool started, std::chrono::milliseconds timeout) {
  std::string secs = seconds_text(timeout);
  std::string detail;
  if (!started) {
    detail = "the server was too busy to start this request within " + secs +
             " s; it was not carried out. Try again later.";
  } else if (unsafe_method(req.method)) {
    detail = "the request took longer than " + secs +
             " s. Its outcome is unknown: it may still complete. Check whether it took effect before "
             "sending it again.";
  } else {
    detail = "the request took longer than " + secs + " s; try again later.";
  }
  Response r = problem_response(503, started ? reasons::timeout : reasons::server_busy, detail);
  r.headers.emplace_back("Retry-After", secs);
  return r;
}

}  // namespace

std::optional<std::string_view> find_header(const Headers& h, std::string_view name) {
  for (const auto& [n, v] : h) {
    if (iequals(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

AccessLog stderr_access_log() {
  return [](const AccessLogEntry& e) {
    std::string line = "http method=" + loggable_path(e.method) + " path=" + loggable_path(e.path) +
                       " status=" + std::to_string(e.status) + " bytes=" + std::to_string(e.bytes) +
                       " us=" + std::to_string(e.micros) + "\n";
    std::fwrite(line.data(), 1, line.size(), stderr);  // one write, so lines do not interleave
  };
}

ErrorLog stderr_error_log() {
  return [](std::string_view msg) {
    std::string line = "http error: " + std::string(msg) + "\n";
    std::fwrite(line.data(), 1, line.size(), stderr);
  };
}

ParseOutcome parse_request(std::string_view bytes, const RequestLimits& limits) {
  ParseOutcome out{ParseOutcome::incomplete, {}, {}, 0};
  Parser p;
  configure(p, limits);
  // Feeds the rest of `bytes` until `done`; the end of the input is the client closing.
  auto feed = [&](auto done) {
    beast::error_code ec;
    while (!done()) {
      if (out.consumed == bytes.size()) {
        if (p.got_some()) p.put_eof(ec);
        return ec ? ec : beast::error_code(bhttp::error::partial_message);
      }
      out.consumed += p.put(asio::buffer(bytes.data() + out.consumed, bytes.size() - out.consumed), ec);
      if (ec == bhttp::error::need_more) {
        // The parser wants the header (or a chunk header) whole; with all bytes given, more
        // cannot arrive: treat as end of input.
        if (p.got_some()) p.put_eof(ec);
        return ec ? ec : beast::error_code(bhttp::error::partial_message);
      }
      if (ec) return ec;
    }
    return ec;
  };
  auto finish_error = [&](const beast::error_code& ec) {
    int status = status_for_read_error(ec);
    if (status != 0) {
      out.kind = ParseOutcome::rejected;
      out.response = error_response(status);
    }
    return out;
  };
  if (auto ec = feed([&] { return p.is_header_done(); })) return finish_error(ec);
  if (auto bad = check_header(p, out.request)) {
    out.kind = ParseOutcome::rejected;
    out.response = std::move(*bad);
    return out;
  }
  if (auto limit = body_limit(p, out.request, limits); std::holds_alternative<Response>(limit)) {
    out.kind = ParseOutcome::rejected;
    out.response = std::move(std::get<Response>(limit));
    return out;
  }
  p.eager(true);
  if (auto ec = feed([&] { return p.is_done(); })) return finish_error(ec);
  take_message(p, out.request);
  out.kind = ParseOutcome::complete;
  return out;
}

struct Server::Impl {
  Impl(ServerOptions o, Handler h)
      : opts(std::move(o)),
        handler(std::move(h)),
        ioc(static_cast<int>(std::max(1u, opts.threads))),
        acceptor(asio::make_strand(ioc)) {}

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> session(std::shared_ptr<Conn> c);
  Response call_handler(const Request& req);
  std::optional<Response> call_quick(const Request& req);
  Response checked_response(const Request& req, Response r);
  void run_job(const std::shared_ptr<Job>& job, const asio::any_io_executor& strand);
  void log(std::string_view method, std::string_view path, int status, std::uint64_t bytes,
           Clock::time_point start);

  ServerOptions opts;
  Handler handler;
  std::unique_ptr<asio::thread_pool> pool;  // where handlers run when opts.workers > 0
  asio::io_context ioc;
  tcp::acceptor acceptor;  // on a strand, so stop() can close it safely from any thread
  std::uint16_t port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> upload_bytes{0};  // held by requests reading large bodies
  std::mutex mu;
  std::set<std::shared_ptr<Conn>> conns;  // guarded by mu
};

asio::awaitable<void> Server::Impl::accept_loop() {
  for (;;) {
    beast::error_code ec;
    tcp::socket sock =
        co_await acceptor.async_accept(asio::make_strand(ioc), asio::redirect_error(asio::use_awaitable, ec));
    if (stopping) co_return;
    if (ec) {
      // Out of file descriptors or a connection reset before accept: keep listening, but
      // do not spin.
      if (opts.error_log) opts.error_log("accept: " + ec.message());
      asio::steady_timer t(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    auto c = std::make_shared<Conn>(std::move(sock));
    {
      std::lock_guard lock(mu);
      conns.insert(c);
    }
    asio::co_spawn(c->stream.get_executor(), session(c), [this, c](std::exception_ptr e) {
      {
        std::lock_guard lock(mu);
        conns.erase(c);
      }
      if (!e || !opts.error_log) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        opts.error_log(std::string("connection failed: ") + ex.what());
      } catch (...) {
        opts.error_log("connection failed");
      }
    });
  }
}

Response Server::Impl::checked_response(const Request& req, Response r) {
  if (auto bad = check_response(r)) {
    if (opts.error_log) opts.error_log(req.method + " " + loggable_path(req.path) + ": " + *bad);
    return error_response(500);
  }
  if (!r.log_note.empty() && opts.error_log) {
    opts.error_log(req.method + " " + loggable_path(req.path) + ": " + r.log_note);
  }
  return r;
}

// On the io thread: nullopt when there is no quick answer (or it threw: the Handler then answers).
std::optional<Response> Server::Impl::call_quick(const Request& req) {
  if (!opts.quick) return std::nullopt;
  try {
    auto r = opts.quick(req);
    if (!r) return std::nullopt;
    return checked_response(req, std::move(*r));
  } catch (const std::exception& e) {
    if (opts.error_log) opts.error_log(req.method + " " + loggable_path(req.path) + ": quick handler threw: " + e.what());
  } catch (...) {
    if (opts.error_log) opts.error_log(req.method + " " + loggable_path(req.path) + ": quick handler threw");
  }
  return std::nullopt;
}

Response Server::Impl::call_handler(const Request& req) {
  try {
    return checked_response(req, handler(req));
  } catch (const std::exception& e) {
    if (opts.error_log) opts.error_log(req.method + " " + loggable_path(req.path) + ": handler threw: " + e.what());
  } catch (...) {
    if (opts.error_log) opts.error_log(req.method + " " + loggable_path(req.path) + ": handler threw");
  }
  return error_response(500);
}

// On a worker. Keeps the job (and so the request) alive for as long as the handler runs.
void Server::Impl::run_job(const std::shared_ptr<Job>& job, const asio::any_io_executor& strand) {
  {
    std::lock_guard lock(job->mu);
    if (job->abandoned) return;  // answered 503 while it waited for a worker: never run it
    job->started = true;
  }
  Clock::time_point start = Clock::now();
  Response r = call_handler(job->request);
  std::lock_guard lock(job->mu);
  if (job->abandoned) {
    if (opts.error_log) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
      opts.error_log(job->request.method + " " + loggable_path(job->request.path) + ": the handler finished after " +
                     std::to_string(ms) + " ms with status " + std::to_string(r.status) +
                     ", after the client was answered 503; its response was discarded");
    }
    return;
  }
  job->response = std::move(r);
  job->finished = true;
  // The coroutine still waits (it has not abandoned the job), so the strand is still served.
  asio::post(strand, [job] { job->wake.cancel(); });
}

void Server::Impl::log(std::string_view method, std::string_view path, int status, std::uint64_t bytes,
                       Clock::time_point start) {
  if (!opts.access_log) return;
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
  std::string p = loggable_path(path);
  opts.access_log(AccessLogEntry{method, p, status, bytes, static_cast<std::uint64_t>(us)});
}

asio::awaitable<void> Server::Impl::session(std::shared_ptr<Conn> c) {
  beast::error_code ec;
  auto tok = asio::redirect_error(asio::use_awaitable, ec);
  beast::tcp_stream& s = c->stream;
  beast::flat_buffer buf;
  bool first = true;
  bool close = false;
  // The peer's address, once per connection rather than a system call per request.
  std::string remote;
  {
    beast::error_code rec;
    auto ep = s.socket().remote_endpoint(rec);
    if (!rec) remote = ep.address().to_string();
  }
  while (!close) {
    // Wait for the next request's first byte (unless a pipelined one is buffered). Only here is
    // the connection idle: stop() closes it, and idle_timeout rather than read_timeout applies.
    s.expires_after(first ? opts.read_timeout : opts.idle_timeout);
    if (buf.size() == 0) {
      if (stopping) break;
      c->idle = true;
      std::size_t n = co_await s.async_read_some(buf.prepare(4096), tok);
      c->idle = false;
      if (ec) break;
      buf.commit(n);
    }
    if (!first) s.expires_after(opts.read_timeout);
    first = false;
    Clock::time_point start = Clock::now();

    Parser p;
    configure(p, opts.limits);
    Request req;
    std::optional<Response> res;
    co_await bhttp::async_read_header(s, buf, p, tok);
    if (ec) {
      int status = status_for_read_error(ec);
      if (status == 0) break;
      res = error_response(status);
    } else {
      res = check_header(p, req);
    }
    UploadReservation upload;
    if (!res) {
      auto limit = body_limit(p, req, opts.limits);
      if (auto* refused = std::get_if<Response>(&limit)) {
        res = std::move(*refused);
      } else if (std::size_t n = std::get<std::size_t>(limit); n > opts.limits.max_body_bytes) {
        // What this body may take: its declared length, or the whole grant when chunked.
        std::size_t expect = p.content_length() ? std::min<std::size_t>(n, *p.content_length()) : n;
        if (!upload.take(upload_bytes, expect, opts.limits.max_upload_bytes_in_flight)) {
          res = error_response(503, "too many large uploads at once; try again shortly");
          res->headers.emplace_back("Retry-After", "5");
        } else {
          c->uploading = true;
          s.expires_after(opts.read_timeout +
                          std::chrono::seconds(expect / std::max<std::size_t>(1, opts.limits.min_upload_bytes_per_second)));
        }
      }
    }
    if (!res && expects_continue(p) && !p.is_done()) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      co_await asio::async_write(s, asio::buffer(kContinue), tok);
      if (ec) break;
    }
    if (!res) {
      if (c->uploading && stopping) break;  // stop() came before the body: do not wait for it
      co_await bhttp::async_read(s, buf, p, tok);
      c->uploading = false;
      // The budget is for bodies arriving: once read, this one is the handler's to hold.
      upload.release();
      if (ec) {
        int status = status_for_read_error(ec);
        if (status == 0) break;
        res = error_response(status);
      }
    }
    bool head = false;
    unsigned version = 11;
    if (res) {
      close = true;  // the rest of a rejected request cannot be skipped reliably
    } else {
      head = p.get().method() == bhttp::verb::head;
      version = p.get().version();
      close = !p.keep_alive() || !opts.keep_alive;
      take_message(p, req);
      req.remote = remote;
      if (auto quick = call_quick(req)) {
        res = std::move(*quick);
      } else if (pool) {
        // Off the event loop: the connection's coroutine waits without holding an io thread,
        // until the worker wakes it or the handler's deadline passes.
        auto job = std::make_shared<Job>(s.get_executor(), std::move(req));
        req.method = job->request.method;  // for the access log
        req.path = job->request.path;
        if (opts.handler_timeout.count() > 0) {
          job->wake.expires_after(opts.handler_timeout);
        } else {
          job->wake.expires_at(asio::steady_timer::time_point::max());
        }
        asio::post(*pool, [this, job, strand = s.get_executor()] { run_job(job, strand); });
        co_await job->wake.async_wait(tok);  // operation_aborted: woken by the worker
        bool started = false;
        {
          std::lock_guard lock(job->mu);
          if (job->finished) {
            res = std::move(job->response);
          } else {
            job->abandoned = true;
            started = job->started;
          }
        }
        if (!res) {
          res = timeout_response(job->request, started, opts.handler_timeout);
          close = true;  // the client may not wait for the late answer on this connection
          if (opts.error_log)
            opts.error_log(req.method + " " + loggable_path(req.path) + ": no response within " +
                           std::to_string(opts.handler_timeout.count()) + " ms; answered 503" +
                           (started ? " (the handler still runs)" : " (the handler never started)"));
        }
      } else {
        res = call_handler(req);
      }
      close = close || stopping;  // stop() may have come while the handler ran
    }

    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res->status), version};
    for (auto& [name, value] : res->headers) {
      // The server owns framing: a handler's own framing headers would contradict it.
      if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") || iequals(name, "Connection")) {
        continue;
      }
      out.insert(name, value);
    }
    if (out.find("X-Content-Type-Options") == out.end()) out.set("X-Content-Type-Options", "nosniff");
    std::uint64_t body_bytes = 0;
    if (res->status == 204 || res->status == 304) {
      // No body allowed, and prepare_payload would throw on one.
    } else if (head) {
      out.content_length(res->body.size());  // what GET would send, without sending it
    } else {
      body_bytes = res->body.size();
      out.body() = std::move(res->body);
      out.prepare_payload();
    }
    out.keep_alive(!close);
    s.expires_after(opts.write_timeout);
    co_await bhttp::async_write(s, out, tok);
    log(req.method.empty() ? "-" : req.method, req.path.empty() ? "-" : req.path, res->status,
        ec ? 0 : body_bytes, start);
    if (ec) co_return;
  }
  if (!close) co_return;  // the peer went away or stop() closed an idle connection
  // Lingering close: shut down our side, then discard what the client still sends for a moment,
  // so that unread request bytes do not make the kernel reset the connection and destroy the
  // response we just sent (e.g. a 413 for a body the client is still uploading).
  s.socket().shutdown(tcp::socket::shutdown_send, ec);
  s.expires_after(std::chrono::seconds(1));
  std::size_t discarded = 0;
  char junk[4096];
  while (!ec && discarded < 1024 * 1024) discarded += co_await s.async_read_some(asio::buffer(junk), tok);
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::listen(ServerOptions options, Handler handler) {
  beast::error_code ec;
  auto addr = asio::ip::make_address(options.address, ec);
  if (ec) return fail(Errc::invalid, "bad listen address \"" + options.address + "\": " + ec.message());
  auto impl = std::make_unique<Impl>(std::move(options), std::move(handler));
  tcp::endpoint ep(addr, impl->opts.port);
  auto& a = impl->acceptor;
  std::string where = impl->opts.address + ":" + std::to_string(impl->opts.port);
  if (a.open(ep.protocol(), ec); ec) return fail(Errc::unavailable, "cannot listen on " + where + ": " + ec.message());
  a.set_option(asio::socket_base::reuse_address(true), ec);
  if (a.bind(ep, ec); ec) return fail(Errc::unavailable, "cannot listen on " + where + ": " + ec.message());
  if (a.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return fail(Errc::unavailable, "cannot listen on " + where + ": " + ec.message());
  }
  impl->port = a.local_endpoint().port();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::uint16_t Server::port() const { return impl_->port; }

void Server::run() {
  Impl* i = impl_.get();
  // Created here, not in listen(), so that its threads inherit the signal mask the caller set
  // up before run() (amanat serve blocks SIGTERM in every thread but the one that waits for it).
  if (i->opts.workers > 0) i->pool = std::make_unique<asio::thread_pool>(i->opts.workers);
  asio::co_spawn(i->acceptor.get_executor(), i->accept_loop(), [i](std::exception_ptr e) {
    if (e && i->opts.error_log) i->opts.error_log("the accept loop failed; no new connections");
  });
  std::vector<std::thread> extra;
  for (unsigned t = 1; t < i->opts.threads; ++t) extra.emplace_back([i] { i->ioc.run(); });
  i->ioc.run();
  for (auto& t : extra) t.join();
  if (i->pool) i->pool->join();
}

void Server::stop() {
  Impl* i = impl_.get();
  if (i->stopping.exchange(true)) return;
  asio::post(i->acceptor.get_executor(), [i] {
    beast::error_code ec;
    i->acceptor.close(ec);
  });
  // A connection registered after this copy sees `stopping` before it first goes idle.
  std::set<std::shared_ptr<Conn>> conns;
  {
    std::lock_guard lock(i->mu);
    conns = i->conns;
  }
  for (const auto& c : conns) {
    asio::post(c->stream.get_executor(), [c] {
      // A large upload may take minutes to arrive: cut it off rather than wait.
      if (c->idle || c->uploading) c->stream.close();
    });
  }
}

}  // namespace amanat::http
