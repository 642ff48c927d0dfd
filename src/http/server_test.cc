#include "http/server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <random>

#include "http/router.h"
#include "http/test_support.h"

namespace amanat::http {
namespace {

using testing::get_request;
using testing::RawConn;
using testing::ServerThread;

Response echo(const Request& r) {
  Response res;
  res.headers = {{"Content-Type", "text/plain"}, {"X-Method", r.method}};
  res.body = r.method + " " + r.path + " ?" + r.query + " " + r.body;
  return res;
}

ServerOptions small_limits() {
  ServerOptions o = ServerThread::quiet();
  o.limits.max_header_bytes = 1024;
  o.limits.max_body_bytes = 1000;
  return o;
}

TEST(HttpServer, ListensOnAnEphemeralPortAndSendsTheHandlersResponse) {
  ServerThread st(echo);
  EXPECT_NE(st.port(), 0);
  RawConn c(st.port());
  auto r = c.request(get_request("/a/b?x=1"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "GET /a/b ?x=1 ");
  EXPECT_EQ(r.header("x-method"), "GET");
  EXPECT_EQ(r.header("content-type"), "text/plain");
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
}

TEST(HttpServer, HeadSendsTheLengthButNoBody) {
  ServerThread st(echo);
  RawConn c(st.port());
  auto head = c.request(get_request("/abc", "HEAD"), /*head=*/true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), std::to_string(std::string("HEAD /abc ? ").size()));
  // Had a body been sent, it would now be read as the start of this response.
  auto get = c.request(get_request("/abc"));
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "GET /abc ? ");
}

TEST(HttpServer, KeepsTheConnectionAliveForSequentialAndPipelinedRequests) {
  ServerThread st(echo);
  RawConn c(st.port());
  for (int i = 0; i < 3; ++i) {
    auto r = c.request(get_request("/seq/" + std::to_string(i)));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "GET /seq/" + std::to_string(i) + " ? ");
  }
  c.send(get_request("/p/1") + "POST /p/2 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc" + get_request("/p/3"));
  EXPECT_EQ(c.read_reply().body, "GET /p/1 ? ");
  EXPECT_EQ(c.read_reply().body, "POST /p/2 ? abc");
  EXPECT_EQ(c.read_reply().body, "GET /p/3 ? ");
}

TEST(HttpServer, ClosesTheConnectionWhenTheClientAsks) {
  ServerThread st(echo);
  RawConn c(st.port());
  auto r = c.request(get_request("/", "GET", "Connection: close\r\n"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("connection"), "close");
  EXPECT_TRUE(c.closed_by_peer());
}

TEST(HttpServer, RejectsDotSegmentsAndTargetsThatAreNotPaths) {
  std::atomic<int> calls = 0;
  ServerThread st([&](const Request& r) {
    ++calls;
    return echo(r);
  });
  for (const char* target : {"/../etc/passwd", "/a/../../b", "/a/./b", "/a/..", "/.", "*", "http://x/a"}) {
    RawConn c(st.port());
    auto r = c.request(get_request(target));
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(r.header("connection"), "close") << target;
  }
  EXPECT_EQ(calls, 0);
  // Dots inside a segment are fine.
  RawConn c(st.port());
  EXPECT_EQ(c.request(get_request("/a..b/.c/...")).status, 200);
}

TEST(HttpServer, RequiresHostForHttp11Only) {
  ServerThread st(echo);
  {
    RawConn c(st.port());
    EXPECT_EQ(c.request("GET / HTTP/1.1\r\n\r\n").status, 400);
  }
  {
    RawConn c(st.port());
    EXPECT_EQ(c.request("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").status, 400);
  }
  RawConn c(st.port());
  auto r = c.request("GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(c.closed_by_peer());  // HTTP/1.0 without keep-alive
}

TEST(HttpServer, AnswersAnOversizedBodyWith413) {
  ServerThread st(echo, small_limits());
  {
    RawConn c(st.port());
    auto r = c.request("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n" + std::string(1001, 'a'));
    EXPECT_EQ(r.status, 413);
    EXPECT_TRUE(c.closed_by_peer());
  }
  {
    // Declared small, but the chunks add up to more than the limit.
    RawConn c(st.port());
    std::string chunk = "258\r\n" + std::string(600, 'b') + "\r\n";
    auto r = c.request("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk + "0\r\n\r\n");
    EXPECT_EQ(r.status, 413);
  }
  {
    // The client is still uploading a large body when the 413 comes: it must still arrive.
    RawConn c(st.port());
    c.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5000000\r\n\r\n");
    c.send(std::string(200000, 'c'));
    EXPECT_EQ(c.read_reply().status, 413);
  }
  RawConn c(st.port());
  auto r = c.request("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'd'));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "POST / ? " + std::string(1000, 'd'));
}

// small_limits() with a larger body for requests to /upload that carry "X-Key: yes".
ServerOptions upload_limits() {
  ServerOptions o = small_limits();
  o.limits.max_upload_bytes = 5000;
  o.limits.body_limit_for = [](const Request& head) -> std::size_t {
    auto key = find_header(head.headers, "x-key");
    return head.path == "/upload" && key && *key == "yes" ? 1000000 : 0;  // capped at 5000
  };
  return o;
}

TEST(HttpServer, GrantsALargerBodyOnlyWhereTheHookSaysSoUpToTheUploadLimit) {
  ServerThread st(echo, upload_limits());
  auto post = [&](const std::string& path, const std::string& key, std::size_t n, bool chunked = false) {
    RawConn c(st.port());
    std::string head = "POST " + path + " HTTP/1.1\r\nHost: t\r\n" + (key.empty() ? "" : "X-Key: " + key + "\r\n");
    if (!chunked) return c.request(head + "Content-Length: " + std::to_string(n) + "\r\n\r\n" + std::string(n, 'u'));
    std::string chunk = "3e8\r\n" + std::string(1000, 'u') + "\r\n";  // 1000 bytes a chunk
    std::string body;
    for (std::size_t i = 0; i < n / 1000; ++i) body += chunk;
    return c.request(head + "Transfer-Encoding: chunked\r\n\r\n" + body + "0\r\n\r\n");
  };
  auto big = post("/upload", "yes", 5000);
  EXPECT_EQ(big.status, 200);
  EXPECT_EQ(big.body, "POST /upload ? " + std::string(5000, 'u'));
  EXPECT_EQ(post("/upload", "yes", 4000, true).status, 200);
  EXPECT_EQ(post("/upload", "yes", 5001).status, 413);         // the grant is capped by max_upload_bytes
  EXPECT_EQ(post("/upload", "yes", 6000, true).status, 413);   // chunks beyond the grant
  EXPECT_EQ(post("/upload", "no", 1001).status, 413);          // the hook said no: the default limit
  EXPECT_EQ(post("/elsewhere", "yes", 1001).status, 413);
  EXPECT_EQ(post("/elsewhere", "yes", 1000).status, 200);
  // Refused on its Content-Length alone: the 413 comes without waiting for the body.
  RawConn c(st.port());
  c.send("POST /upload HTTP/1.1\r\nHost: t\r\nX-Key: no\r\nContent-Length: 4000\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(c.read_reply().status, 413);
}

TEST(HttpServer, LargeBodiesInFlightShareABudgetAndWaitingClientsAreToldToRetry) {
  ServerOptions o = upload_limits();
  o.limits.max_upload_bytes_in_flight = 8000;
  ServerThread st(echo, o);
  const std::string head = "POST /upload HTTP/1.1\r\nHost: t\r\nX-Key: yes\r\nContent-Length: 5000\r\n\r\n";
  // The first upload is granted (the server reserves before it answers 100 Continue) and is
  // still arriving: it holds 5000 of the 8000 bytes.
  RawConn slow(st.port());
  slow.send("POST /upload HTTP/1.1\r\nHost: t\r\nX-Key: yes\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
  ASSERT_TRUE(slow.fill());  // "HTTP/1.1 100 Continue"
  slow.send(std::string(2000, 's'));
  RawConn second(st.port());
  second.send("POST /upload HTTP/1.1\r\nHost: t\r\nX-Key: yes\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
  auto refused = second.read_reply();
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.header("retry-after"), "5");
  // Small bodies are not held up.
  RawConn small(st.port());
  EXPECT_EQ(small.request("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc").status, 200);
  // Once the first upload is in, its share is free again.
  slow.send(std::string(3000, 's'));
  EXPECT_EQ(slow.read_reply().status, 200);
  RawConn again(st.port());
  EXPECT_EQ(again.request(head + std::string(5000, 'a')).status, 200);
}

TEST(HttpServer, StopCutsOffALargeUploadStillArriving) {
  ServerOptions o = upload_limits();
  o.limits.min_upload_bytes_per_second = 1;  // the upload's deadline is far off: 5000 s
  auto st = std::make_unique<ServerThread>(echo, o);
  RawConn c(st->port());
  c.send("POST /upload HTTP/1.1\r\nHost: t\r\nX-Key: yes\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
  ASSERT_TRUE(c.fill());  // "100 Continue": the server is reading the body
  c.send(std::string(100, 'x'));
  auto start = std::chrono::steady_clock::now();
  st.reset();  // stop() and join run()
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_TRUE(c.closed_by_peer(100));
}

TEST(HttpParse, AppliesTheBodyLimitHookToABuffer) {
  RequestLimits lim = upload_limits().limits;
  auto req = [](const std::string& path, const std::string& key, std::size_t n) {
    return "POST " + path + " HTTP/1.1\r\nHost: t\r\nX-Key: " + key + "\r\nContent-Length: " + std::to_string(n) +
           "\r\n\r\n" + std::string(n, 'u');
  };
  auto ok = parse_request(req("/upload", "yes", 4000), lim);
  ASSERT_EQ(ok.kind, ParseOutcome::complete);
  EXPECT_EQ(ok.request.body.size(), 4000u);
  EXPECT_EQ(find_header(ok.request.headers, "x-key"), "yes");
  EXPECT_EQ(parse_request(req("/upload", "no", 4000), lim).response.status, 413);
  EXPECT_EQ(parse_request(req("/upload", "yes", 5001), lim).response.status, 413);
  // Bodies within the default limit never reach the hook (it may look up a session).
  int asked = 0;
  lim.body_limit_for = [&](const Request&) -> std::size_t { return ++asked, 0; };
  EXPECT_EQ(parse_request(req("/upload", "yes", 1000), lim).kind, ParseOutcome::complete);
  EXPECT_EQ(parse_request("GET /upload HTTP/1.1\r\nHost: t\r\n\r\n", lim).kind, ParseOutcome::complete);
  EXPECT_EQ(asked, 0);
  EXPECT_EQ(parse_request(req("/upload", "yes", 1001), lim).response.status, 413);
  EXPECT_EQ(asked, 1);
  lim.body_limit_for = [](const Request&) -> std::size_t { throw std::runtime_error("broken hook"); };
  EXPECT_EQ(parse_request(req("/upload", "yes", 1001), lim).response.status, 413);  // as if it said 0
}

TEST(HttpServer, AnswersExpect100Continue) {
  ServerThread st(echo);
  RawConn c(st.port());
  c.send("PUT /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  ASSERT_TRUE(c.fill());
  c.send("hello");
  auto r = c.read_reply();  // skips the interim 100
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "PUT /x ? hello");
}

TEST(HttpServer, AnswersOversizedHeadersWith431) {
  ServerThread st(echo, small_limits());
  RawConn c(st.port());
  auto r = c.request(get_request("/", "GET", "X-Big: " + std::string(2000, 'h') + "\r\n"));
  EXPECT_EQ(r.status, 431);
  EXPECT_TRUE(c.closed_by_peer());
  RawConn c2(st.port());
  EXPECT_EQ(c2.request(get_request("/" + std::string(2000, 'p'))).status, 431);
}

// Sends `bytes`, closes the sending side, and returns the status of a response if one came.
int status_for_garbage(std::uint16_t port, std::string_view bytes) {
  RawConn c(port);
  c.send(bytes);
  c.shutdown_write();
  std::string all = c.read_all(3000);
  if (all.empty()) return 0;
  EXPECT_TRUE(all.starts_with("HTTP/1.1 ")) << all;
  return all.size() >= 12 ? std::atoi(all.substr(9, 3).c_str()) : -1;
}

TEST(HttpServer, GarbageNeverCrashesTheServerOrGetsA5xx) {
  ServerThread st(echo, small_limits());
  std::vector<std::string> cases = {
      std::string("\0\0\0\0", 4),
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
      "GET / HTTP/9.9\r\nHost: t\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
      "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n",
      "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\nxx",
      "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
      "GET /\x01 HTTP/1.1\r\nHost: t\r\n\r\n",
      std::string("GET /a\0b HTTP/1.1\r\nHost: t\r\n\r\n", 30),
      "GET  / HTTP/1.1\r\n\r\n",
      "\r\n\r\n\r\n",
      "G",
      "GET / HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n",
  };
  std::mt19937 rng(7);
  for (int i = 0; i < 150; ++i) {
    std::string s(rng() % 300, '\0');
    for (auto& ch : s) ch = static_cast<char>(rng());
    if (i % 2) s = "GET /" + s;  // get past the method now and then
    cases.push_back(s);
  }
  for (const auto& s : cases) {
    int status = status_for_garbage(st.port(), s);
    EXPECT_TRUE(status == 0 || (status >= 400 && status < 500)) << status << " for " << ::testing::PrintToString(s);
  }
  RawConn c(st.port());
  EXPECT_EQ(c.request(get_request("/still/alive")).status, 200);
}

TEST(HttpServer, AHandlerExceptionBecomesA500WithoutDetail) {
  std::mutex mu;
  std::vector<std::string> errors;
  ServerOptions o = ServerThread::quiet();
  o.error_log = [&](std::string_view m) {
    std::lock_guard l(mu);
    errors.emplace_back(m);
  };
  ServerThread st([](const Request&) -> Response { throw std::runtime_error("secret detail"); }, o);
  RawConn c(st.port());
  auto r = c.request(get_request("/boom"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
  // The connection survives a handler failure.
  EXPECT_EQ(c.request(get_request("/boom")).status, 500);
  std::lock_guard l(mu);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find("secret detail"), std::string::npos);
}

TEST(HttpServer, AResponseThatWouldSplitHeadersBecomesA500) {
  ServerThread st([](const Request&) {
    Response r;
    r.headers = {{"X-Evil", "a\r\nSet-Cookie: x=y"}};
    return r;
  });
  RawConn c(st.port());
  auto r = c.request(get_request("/"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.header("set-cookie"), "");
}

TEST(HttpServer, AccessLogHasMethodPathStatusBytesAndTimeButNoQuery) {
  std::mutex mu;
  std::vector<std::tuple<std::string, std::string, int, std::uint64_t>> lines;
  ServerOptions o = small_limits();
  o.access_log = [&](const AccessLogEntry& e) {
    std::lock_guard l(mu);
    lines.emplace_back(std::string(e.method), std::string(e.path), e.status, e.bytes);
  };
  {
    ServerThread st(echo, o);
    RawConn c(st.port());
    c.request(get_request("/p?name=Someone", "GET", "Authorization: secret\r\n"));
    c.request(get_request("/p", "GET", "X-Big: " + std::string(2000, 'h') + "\r\n"));
  }
  std::lock_guard l(mu);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], std::make_tuple(std::string("GET"), std::string("/p"), 200, std::uint64_t{21}));
  EXPECT_EQ(lines[1], std::make_tuple(std::string("-"), std::string("-"), 431, std::get<3>(lines[1])));
}

TEST(HttpServer, StopFinishesARequestInFlightThenReturnsFromRun) {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false, release = false;
  ServerThread st([&](const Request& r) {
    std::unique_lock l(mu);
    entered = true;
    cv.notify_all();
    cv.wait(l, [&] { return release; });
    return echo(r);
  });
  RawConn c(st.port());
  c.send(get_request("/slow"));
  {
    std::unique_lock l(mu);
    ASSERT_TRUE(cv.wait_for(l, std::chrono::seconds(5), [&] { return entered; }));
  }
  st.server().stop();
  // stop() closes the acceptor on the event loop: wait for it (a loaded machine may take a while)
  // rather than guess how long that takes.
  bool refused = false;
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       !refused && std::chrono::steady_clock::now() < until;) {
    try {
      RawConn probe(st.port());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    } catch (const std::runtime_error&) {
      refused = true;
    }
  }
  EXPECT_TRUE(refused) << "still accepting connections 10 s after stop()";
  {
    std::lock_guard l(mu);
    release = true;
  }
  cv.notify_all();
  auto r = c.read_reply();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "GET /slow ? ");
  EXPECT_EQ(r.header("connection"), "close");
  EXPECT_TRUE(c.closed_by_peer());
}

// A handler that blocks until released (or a deadline), counting its calls per path.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  std::map<std::string, int> entered, finished;
  Response wait(const Request& r, std::chrono::milliseconds at_most = std::chrono::seconds(10)) {
    std::unique_lock l(mu);
    ++entered[r.path];
    cv.notify_all();
    cv.wait_for(l, at_most, [&] { return open; });
    ++finished[r.path];
    cv.notify_all();
    return echo(r);
  }
  void release() {
    std::lock_guard l(mu);
    open = true;
    cv.notify_all();
  }
  bool wait_entered(const std::string& path, int n = 1) {
    std::unique_lock l(mu);
    return cv.wait_for(l, std::chrono::seconds(5), [&] { return entered[path] >= n; });
  }
  bool wait_finished(const std::string& path) {
    std::unique_lock l(mu);
    return cv.wait_for(l, std::chrono::seconds(5), [&] { return finished[path] >= 1; });
  }
};

ServerOptions with_handler_timeout(std::chrono::milliseconds timeout, unsigned workers = 2) {
  ServerOptions o = ServerThread::quiet();
  o.workers = workers;
  o.handler_timeout = timeout;
  return o;
}

TEST(HttpServer, AHandlerThatOverrunsItsTimeoutGets503AndTheServerStaysHealthy) {
  Gate gate;
  std::mutex mu;
  std::vector<std::string> errors;
  ServerOptions o = with_handler_timeout(std::chrono::milliseconds(200));
  o.error_log = [&](std::string_view m) {
    std::lock_guard l(mu);
    errors.emplace_back(m);
  };
  ServerThread st([&](const Request& r) { return r.path.starts_with("/slow") ? gate.wait(r) : echo(r); }, o);
  {
    RawConn c(st.port());
    auto start = std::chrono::steady_clock::now();
    auto r = c.request("POST /slow/book HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}");
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.status, 503);
    EXPECT_GE(took, std::chrono::milliseconds(190));
    EXPECT_LT(took, std::chrono::seconds(3));
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    EXPECT_EQ(r.header("retry-after"), "1");
    EXPECT_EQ(r.header("connection"), "close");
    EXPECT_NE(r.body.find("\"status\":503"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("outcome is unknown"), std::string::npos) << r.body;
    EXPECT_TRUE(c.closed_by_peer());
  }  // the client and its connection are gone while the handler still runs
  {
    RawConn c(st.port());
    auto r = c.request(get_request("/slow/read"));
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.body.find("outcome"), std::string::npos) << r.body;  // a GET has no outcome to worry about
  }
  // Both handlers still hold a worker each; nothing else can be served until they finish.
  EXPECT_TRUE(gate.wait_entered("/slow/book"));
  EXPECT_TRUE(gate.wait_entered("/slow/read"));
  gate.release();
  ASSERT_TRUE(gate.wait_finished("/slow/book"));
  ASSERT_TRUE(gate.wait_finished("/slow/read"));
  RawConn c(st.port());
  for (int i = 0; i < 3; ++i) {
    auto r = c.request(get_request("/fast"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "GET /fast ? ");
  }
  // The late results were discarded, and the operator can see what became of the POST.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    {
      std::lock_guard l(mu);
      int discarded = 0;
      for (const auto& e : errors) discarded += e.find("discarded") != std::string::npos;
      if (discarded == 2) {
        bool post_noted = false;
        for (const auto& e : errors)
          post_noted = post_noted || (e.starts_with("POST /slow/book") && e.find("status 200") != std::string::npos);
        EXPECT_TRUE(post_noted);
        break;
      }
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the late results were not logged";
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

TEST(HttpServer, AHandlerWithinItsTimeoutIsUnaffected) {
  ServerThread st(
      [](const Request& r) {
        if (r.path == "/takes-a-while") std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return echo(r);
      },
      with_handler_timeout(std::chrono::milliseconds(2000)));
  RawConn c(st.port());
  for (int i = 0; i < 20; ++i) {
    auto r = c.request(get_request(i % 5 == 0 ? "/takes-a-while" : "/fast"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("connection"), "");  // still keep-alive
  }
  c.send("POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc" + get_request("/q"));  // pipelined
  EXPECT_EQ(c.read_reply().body, "POST /p ? abc");
  EXPECT_EQ(c.read_reply().body, "GET /q ? ");
}

TEST(HttpServer, ARequestThatWaitsTooLongForAWorkerIsNeverCarriedOut) {
  Gate gate;
  std::atomic<int> queued_calls = 0;
  ServerThread st(
      [&](const Request& r) {
        if (r.path == "/hog") return gate.wait(r);
        ++queued_calls;
        return echo(r);
      },
      with_handler_timeout(std::chrono::milliseconds(200), /*workers=*/1));
  RawConn hog(st.port());
  hog.send(get_request("/hog"));
  ASSERT_TRUE(gate.wait_entered("/hog"));
  RawConn c(st.port());
  auto r = c.request("DELETE /queued HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("not carried out"), std::string::npos) << r.body;
  EXPECT_EQ(r.header("retry-after"), "1");
  EXPECT_EQ(hog.read_reply().status, 503);  // the hog itself ran out of time too
  gate.release();
  ASSERT_TRUE(gate.wait_finished("/hog"));
  RawConn after(st.port());
  EXPECT_EQ(after.request(get_request("/next")).status, 200);
  EXPECT_EQ(queued_calls, 1);  // /next only: the DELETE never reached the handler
}

// A quick answer (the static site, figures already computed) needs no worker: it is sent even
// while every worker is busy, and what it declines still reaches the handler.
TEST(HttpServer, QuickAnswersAreSentWhileEveryWorkerIsBusy) {
  Gate gate;
  std::atomic<int> handler_calls = 0;
  ServerOptions o = with_handler_timeout(std::chrono::milliseconds(5000), /*workers=*/1);
  o.quick = [](const Request& r) -> std::optional<Response> {
    if (!r.path.starts_with("/quick")) return std::nullopt;
    if (r.path == "/quick/throws") throw std::runtime_error("no");
    return Response{.status = 200, .headers = {{"Content-Type", "text/plain"}}, .body = "quick " + r.remote};
  };
  ServerThread st(
      [&](const Request& r) {
        ++handler_calls;
        return r.path == "/hog" ? gate.wait(r) : echo(r);
      },
      o);
  RawConn hog(st.port());
  hog.send(get_request("/hog"));
  ASSERT_TRUE(gate.wait_entered("/hog"));
  RawConn c(st.port());
  for (int i = 0; i < 3; ++i) {
    auto r = c.request(get_request("/quick/figures"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "quick 127.0.0.1");  // the peer's address is known without a worker too
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  }
  gate.release();
  EXPECT_EQ(hog.read_reply().status, 200);
  EXPECT_EQ(c.request(get_request("/other")).body, "GET /other ? ");
  EXPECT_EQ(c.request(get_request("/quick/throws")).body, "GET /quick/throws ? ");  // the handler answers
  EXPECT_EQ(handler_calls, 3);
}

TEST(HttpServer, StopWaitsForTheHandlersInFlightEvenAfterTheirTimeout) {
  Gate gate;
  std::atomic<bool> finished_before_run_returned = false;
  std::atomic<bool> within_entered = false;
  auto server = Server::listen(with_handler_timeout(std::chrono::milliseconds(1000), 2), [&](const Request& r) {
    if (r.path == "/within") {
      within_entered = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      return echo(r);
    }
    return gate.wait(r);
  });
  ASSERT_TRUE(server);
  std::atomic<bool> returned = false;
  std::thread runner([&] {
    (*server)->run();
    std::lock_guard l(gate.mu);
    finished_before_run_returned = gate.finished["/overrun"] == 1;
    returned = true;
  });
  {
    RawConn slow((*server)->port());
    slow.send(get_request("/overrun"));
    EXPECT_TRUE(gate.wait_entered("/overrun"));
    RawConn quick((*server)->port());
    quick.send(get_request("/within"));
    while (!within_entered) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    (*server)->stop();
    // The request within its deadline is answered in full; the one past it gets its 503.
    auto ok = quick.read_reply();
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.header("connection"), "close");
    auto late = slow.read_reply();
    EXPECT_EQ(late.status, 503);
    EXPECT_TRUE(slow.closed_by_peer());
    EXPECT_TRUE(quick.closed_by_peer());
  }
  // Every connection is gone, but run() returns only once the overrunning handler is done with
  // what it uses.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(returned);
  gate.release();
  runner.join();
  EXPECT_TRUE(finished_before_run_returned);
}

TEST(HttpServer, StopClosesIdleKeepAliveConnectionsPromptly) {
  auto st = std::make_unique<ServerThread>(echo);
  RawConn c(st->port());
  EXPECT_EQ(c.request(get_request("/")).status, 200);
  auto start = std::chrono::steady_clock::now();
  st.reset();  // stop() and join run()
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_TRUE(c.closed_by_peer(100));
}

TEST(HttpServer, ClosesIdleConnectionsAfterTheIdleTimeout) {
  ServerOptions o = ServerThread::quiet();
  o.idle_timeout = std::chrono::milliseconds(200);
  ServerThread st(echo, o);
  RawConn c(st.port());
  EXPECT_EQ(c.request(get_request("/")).status, 200);
  EXPECT_TRUE(c.closed_by_peer(3000));
}

TEST(HttpServer, DisconnectsAClientTooSlowToSendItsRequest) {
  ServerOptions o = ServerThread::quiet();
  o.read_timeout = std::chrono::milliseconds(300);
  ServerThread st(echo, o);
  RawConn c(st.port());
  c.send("GET / HTTP/1.1\r\nHo");
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_by_peer(3000));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(HttpServer, ListenReportsABadAddressOrABusyPort) {
  ServerOptions o = ServerThread::quiet();
  o.address = "not-an-address";
  auto bad = Server::listen(o, echo);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid);
  ServerThread st(echo);
  o.address = "127.0.0.1";
  o.port = st.port();
  auto busy = Server::listen(o, echo);
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, Errc::unavailable);
}

TEST(HttpParse, AppliesTheServersRulesToABuffer) {
  RequestLimits lim{.max_header_bytes = 1024, .max_body_bytes = 10};
  auto ok = parse_request("POST /a/b?c=d HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nxyGET", lim);
  ASSERT_EQ(ok.kind, ParseOutcome::complete);
  EXPECT_EQ(ok.request.method, "POST");
  EXPECT_EQ(ok.request.path, "/a/b");
  EXPECT_EQ(ok.request.query, "c=d");
  EXPECT_EQ(ok.request.body, "xy");
  EXPECT_EQ(find_header(ok.request.headers, "content-length"), "2");
  EXPECT_EQ(ok.consumed, std::string_view("POST /a/b?c=d HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nxy").size());

  auto big_body = parse_request("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n", lim);
  EXPECT_EQ(big_body.kind, ParseOutcome::rejected);
  EXPECT_EQ(big_body.response.status, 413);
  auto big_header = parse_request("GET / HTTP/1.1\r\nHost: t\r\nX: " + std::string(2000, 'x'), lim);
  EXPECT_EQ(big_header.kind, ParseOutcome::rejected);
  EXPECT_EQ(big_header.response.status, 431);
  auto dots = parse_request("GET /a/../b HTTP/1.1\r\nHost: t\r\n\r\n", lim);
  EXPECT_EQ(dots.kind, ParseOutcome::rejected);
  EXPECT_EQ(dots.response.status, 400);
  for (const char* te : {"gzip", "gzip, chunked", "chunked\r\nTransfer-Encoding: chunked"}) {
    auto coded = parse_request(std::string("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: ") + te + "\r\n\r\n0\r\n\r\n", lim);
    EXPECT_EQ(coded.kind, ParseOutcome::rejected) << te;
    EXPECT_EQ(coded.response.status, 400) << te;
  }
  EXPECT_EQ(parse_request("GET / HTTP/1.1\r\nHost:", lim).kind, ParseOutcome::incomplete);
  EXPECT_EQ(parse_request("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nab", lim).kind,
            ParseOutcome::incomplete);
  EXPECT_EQ(parse_request("", lim).kind, ParseOutcome::incomplete);
}

TEST(HttpRouter, TheLongestPrefixWinsAndSeesTheRelativePath) {
  Router r;
  auto tag = [](std::string t) { return [t](const Request& q) { Response res; res.body = t + ":" + q.path; return res; }; };
  ASSERT_TRUE(r.mount("/", tag("root")));
  ASSERT_TRUE(r.mount("/log/acme/", tag("acme")));
  auto call = [&](std::string path) {
    Request q;
    q.method = "GET";
    q.path = std::move(path);
    return r(q);
  };
  EXPECT_EQ(call("/log/acme/checkpoint").body, "acme:checkpoint");
  EXPECT_EQ(call("/log/acme/").body, "acme:");
  EXPECT_EQ(call("/log/other/checkpoint").body, "root:log/other/checkpoint");
  auto redirect = call("/log/acme");
  EXPECT_EQ(redirect.status, 308);
  EXPECT_EQ(find_header(redirect.headers, "location"), "/log/acme/");

  Router only;
  ASSERT_TRUE(only.mount("/x/", tag("x")));
  Request q;
  q.path = "/y";
  EXPECT_EQ(only(q).status, 404);
}

TEST(HttpRouter, AsksTheMountedHandlersBodyLimitWithTheRelativePath) {
  Router r;
  ASSERT_TRUE(r.mount("/", echo));
  ASSERT_TRUE(r.mount("/api/v1/", echo, [](const Request& head) -> std::size_t { return head.path == "files" ? 77 : 1; }));
  Request q;
  q.method = "POST";
  q.path = "/api/v1/files";
  EXPECT_EQ(r.body_limit(q), 77u);
  q.path = "/api/v1/other";
  EXPECT_EQ(r.body_limit(q), 1u);
  q.path = "/files";  // the root handler has no body limit of its own
  EXPECT_EQ(r.body_limit(q), 0u);
}

TEST(HttpRouter, RefusesMalformedAndDuplicatePrefixes) {
  Router r;
  for (const char* bad : {"", "log/", "/log", "/a//b/", "/a/../b/", "/./"}) {
    auto s = r.mount(bad, echo);
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error().code, Errc::invalid);
  }
  ASSERT_TRUE(r.mount("/a/", echo));
  auto dup = r.mount("/a/", echo);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::conflict);
}

}  // namespace
}  // namespace amanat::http
