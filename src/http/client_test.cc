#include "http/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "http/log_routes.h"
#include "http/router.h"
#include "http/test_support.h"

namespace amanat::http {
namespace {

using testing::FakeLogSource;
using testing::pattern;
using testing::ServerThread;
using tlog::TileId;

ClientOptions fast() {
  ClientOptions o;
  o.connect_timeout = std::chrono::milliseconds(1000);
  o.total_timeout = std::chrono::milliseconds(3000);
  o.backoff = std::chrono::milliseconds(20);
  return o;
}

std::shared_ptr<FakeLogSource> sample_log() {
  auto src = std::make_shared<FakeLogSource>();
  src->set_checkpoint("example.org/log\n300\nq6Bm3Zqn0s5v3j8Kd5Yz2ePzO4Qm0gHq2m7bS8b1s0c=\n\n— example.org/log AAAA\n");
  src->put_tile(TileId{false, 0, 0, 256}, pattern(8192, 1));
  src->put_tile(TileId{false, 0, 1, 44}, pattern(44 * 32, 2));
  Bytes bundle;
  for (int i = 0; i < 3; ++i) tlog::append_bundle_entry(bundle, pattern(1000 + i, 4));
  src->put_tile(TileId{true, 0, 0, 3}, bundle);
  return src;
}

// A port nothing listens on: bound once by the kernel's choice, then released.
std::uint16_t closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

TEST(HttpClient, HttpLogSourceReadsWhatTheServerServes) {
  auto src = sample_log();
  ServerThread st(log_handler(src));
  auto remote = HttpLogSource::open(st.url() + "/", fast());
  ASSERT_TRUE(remote) << remote.error().message;
  EXPECT_EQ((*remote)->describe(), st.url() + "/");
  EXPECT_EQ((*remote)->read_checkpoint().value(), src->read_checkpoint().value());
  for (const TileId& id : {TileId{false, 0, 0, 256}, TileId{false, 0, 1, 44}, TileId{true, 0, 0, 3}}) {
    auto got = (*remote)->read_tile(id);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(*got, src->read_tile(id).value());
  }
}

TEST(HttpClient, WorksUnderAMountPrefixWithOrWithoutTheTrailingSlash) {
  Router router;
  ASSERT_TRUE(router.mount("/log/acme/", log_handler(sample_log())));
  ServerThread st(router);
  for (std::string base : {st.url() + "/log/acme", st.url() + "/log/acme/"}) {
    auto remote = HttpLogSource::open(base, fast());
    ASSERT_TRUE(remote);
    EXPECT_TRUE((*remote)->read_tile(TileId{false, 0, 1, 44})) << base;
  }
  // http_get follows the router's redirect from /log/acme to /log/acme/.
  auto index = http_get(st.url() + "/log/acme", 4096, fast());
  ASSERT_TRUE(index) << index.error().message;
  EXPECT_NE(index->find("tlog-tiles"), std::string::npos);
}

TEST(HttpClient, A404IsNotFound) {
  ServerThread st(log_handler(std::make_shared<FakeLogSource>()));
  auto remote = HttpLogSource::open(st.url(), fast()).value();
  auto cp = remote->read_checkpoint();
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().code, Errc::not_found);
  auto tile = remote->read_tile(TileId{false, 0, 5, 256});
  ASSERT_FALSE(tile);
  EXPECT_EQ(tile.error().code, Errc::not_found);
  EXPECT_NE(tile.error().message.find(st.url() + "/tile/0/005"), std::string::npos);
}

TEST(HttpClient, RetriesAClosedPortThenReportsUnavailable) {
  std::string url = "http://127.0.0.1:" + std::to_string(closed_port());
  auto remote = HttpLogSource::open(url, fast()).value();
  auto start = std::chrono::steady_clock::now();
  auto cp = remote->read_checkpoint();
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().code, Errc::unavailable);
  EXPECT_NE(cp.error().message.find(url + "/checkpoint"), std::string::npos) << cp.error().message;
  EXPECT_NE(cp.error().message.find("after 3 attempts"), std::string::npos) << cp.error().message;
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(20 + 40));
}

TEST(HttpClient, Retries5xxThenReportsTheStatus) {
  std::atomic<int> calls = 0;
  ServerThread st([&](const Request&) {
    ++calls;
    return error_response(503);
  });
  auto r = http_get(st.url() + "/x", 100, fast());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unavailable);
  EXPECT_NE(r.error().message.find("HTTP 503"), std::string::npos) << r.error().message;
  EXPECT_EQ(calls, 3);
}

TEST(HttpClient, SucceedsWhenARetrySucceeds) {
  std::atomic<int> calls = 0;
  ServerThread st([&](const Request&) {
    if (++calls == 1) return error_response(500);
    Response r;
    r.body = "ok";
    return r;
  });
  EXPECT_EQ(http_get(st.url() + "/x", 100, fast()).value(), "ok");
  EXPECT_EQ(calls, 2);
}

TEST(HttpClient, OtherStatusesAreUnavailableWithoutRetry) {
  std::atomic<int> calls = 0;
  ServerThread st([&](const Request&) {
    ++calls;
    return error_response(403);
  });
  auto r = http_get(st.url() + "/x", 100, fast());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unavailable);
  EXPECT_NE(r.error().message.find("HTTP 403"), std::string::npos);
  EXPECT_EQ(calls, 1);
}

TEST(HttpClient, OversizedOrMisSizedResponsesAreCorrupt) {
  auto src = std::make_shared<FakeLogSource>();
  src->set_checkpoint(std::string(kMaxCheckpointBytes + 1, 'c'));
  src->put_tile(TileId{false, 0, 0, 256}, pattern(8192 + 32, 1));  // too long for its width
  src->put_tile(TileId{false, 0, 1, 10}, pattern(9 * 32, 1));      // too short
  ServerThread st(log_handler(src));
  auto remote = HttpLogSource::open(st.url(), fast()).value();
  EXPECT_EQ(remote->read_checkpoint().error().code, Errc::corrupt);
  EXPECT_EQ(remote->read_tile(TileId{false, 0, 0, 256}).error().code, Errc::corrupt);
  EXPECT_EQ(remote->read_tile(TileId{false, 0, 1, 10}).error().code, Errc::corrupt);
  // A large error body is not held against the cap: the status decides.
  ServerThread big404([](const Request&) {
    Response r = error_response(404);
    r.body = std::string(100000, 'x');
    return r;
  });
  EXPECT_EQ(http_get(big404.url() + "/x", 10, fast()).error().code, Errc::not_found);
}

TEST(HttpClient, AcceptsAndDecodesGzip) {
  static const std::string kPlain = [] {
    std::string s;
    for (int i = 0; i < 20; ++i) s += "hello, compressed world\n";
    return s;
  }();
  static const std::string kGzip(
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xcb\x48\xcd\xc9\xc9\xd7\x51\x48\xce\xcf\x2d\x28\x4a\x2d\x2e\x4e\x4d"
      "\x51\x28\xcf\x2f\xca\x49\xe1\xca\x18\x15\x1f\x16\xe2\x00\x80\x62\x1a\x94\xe0\x01\x00\x00",
      49);
  ServerThread st([](const Request& req) {
    Response r;
    if (find_header(req.headers, "accept-encoding").value_or("").find("gzip") == std::string_view::npos) {
      r.body = "gzip not offered";
      return r;
    }
    r.headers = {{"Content-Encoding", "gzip"}};
    r.body = kGzip;
    return r;
  });
  // The cap applies to the decoded size.
  EXPECT_EQ(http_get(st.url() + "/z", kPlain.size(), fast()).value(), kPlain);
  EXPECT_EQ(http_get(st.url() + "/z", kPlain.size() - 1, fast()).error().code, Errc::corrupt);
}

TEST(HttpClient, IsSafeToUseFromSeveralThreads) {
  auto src = sample_log();
  ServerOptions so = ServerThread::quiet();
  so.threads = 4;
  ServerThread st(log_handler(src), so);
  auto remote = HttpLogSource::open(st.url(), fast()).value();
  std::atomic<int> good = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        TileId id = (i + t) % 2 ? TileId{false, 0, 0, 256} : TileId{true, 0, 0, 3};
        auto got = remote->read_tile(id);
        if (got && *got == src->read_tile(id).value()) ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good, 6 * 25);
}

TEST(HttpClient, RefusesUrlsThatAreNotHttp) {
  for (const char* url : {"file:///etc/passwd", "ftp://example.org/", "example.org/log", "http://", "http://a b/"}) {
    auto s = HttpLogSource::open(url);
    ASSERT_FALSE(s) << url;
    EXPECT_EQ(s.error().code, Errc::invalid);
    EXPECT_EQ(http_get(url, 10).error().code, Errc::invalid) << url;
  }
}

}  // namespace
}  // namespace amanat::http
