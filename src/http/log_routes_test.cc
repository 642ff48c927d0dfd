#include "http/log_routes.h"

#include <gtest/gtest.h>

#include "http/router.h"
#include "http/test_support.h"

namespace amanat::http {
namespace {

using testing::FakeLogSource;
using testing::get_request;
using testing::pattern;
using testing::RawConn;
using testing::ServerThread;
using tlog::TileId;

constexpr std::string_view kCheckpoint = "example.org/log\n300\nq6Bm3Zqn0s5v3j8Kd5Yz2ePzO4Qm0gHq2m7bS8b1s0c=\n\n— example.org/log AAAA\n";
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";

class HttpLogRoutes : public ::testing::Test {
 protected:
  HttpLogRoutes() {
    src->set_checkpoint(std::string(kCheckpoint));
    src->put_tile(TileId{false, 0, 0, 256}, pattern(8192, 1));
    src->put_tile(TileId{false, 0, 1, 44}, pattern(44 * 32, 2));
    src->put_tile(TileId{false, 1, 0, 1}, pattern(32, 3));
    Bytes bundle;
    for (int i = 0; i < 3; ++i) tlog::append_bundle_entry(bundle, pattern(10 + i, 4));
    src->put_tile(TileId{true, 0, 0, 3}, bundle);
  }
  std::shared_ptr<FakeLogSource> src = std::make_shared<FakeLogSource>();
};

TEST_F(HttpLogRoutes, ServesTheCheckpointAsShortLivedText) {
  ServerThread st(log_handler(src));
  RawConn c(st.port());
  auto r = c.request(get_request("/checkpoint"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kCheckpoint);
  EXPECT_EQ(r.header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r.header("cache-control"), "public, max-age=2");
}

TEST_F(HttpLogRoutes, ServesFullAndPartialTilesAndBundlesAsImmutable) {
  ServerThread st(log_handler(src));
  RawConn c(st.port());
  for (const TileId& id : {TileId{false, 0, 0, 256}, TileId{false, 0, 1, 44}, TileId{false, 1, 0, 1},
                           TileId{true, 0, 0, 3}}) {
    auto r = c.request(get_request("/" + tlog::tile_path(id)));
    EXPECT_EQ(r.status, 200) << tlog::tile_path(id);
    Bytes want = *src->read_tile(id);
    EXPECT_EQ(r.body, as_chars(want)) << tlog::tile_path(id);
    EXPECT_EQ(r.header("content-type"), "application/octet-stream");
    EXPECT_EQ(r.header("cache-control"), kImmutable);
  }
}

TEST_F(HttpLogRoutes, HeadHasTheHeadersButNoBody) {
  ServerThread st(log_handler(src));
  RawConn c(st.port());
  auto cp = c.request(get_request("/checkpoint", "HEAD"), /*head=*/true);
  EXPECT_EQ(cp.status, 200);
  EXPECT_EQ(cp.header("content-length"), std::to_string(kCheckpoint.size()));
  EXPECT_EQ(cp.header("content-type"), "text/plain; charset=utf-8");
  auto tile = c.request(get_request("/tile/0/000", "HEAD"), /*head=*/true);
  EXPECT_EQ(tile.status, 200);
  EXPECT_EQ(tile.header("content-length"), "8192");
  EXPECT_EQ(tile.header("cache-control"), kImmutable);
  // The next response starts right after the headers: no body bytes were sent.
  EXPECT_EQ(c.request(get_request("/checkpoint")).body, kCheckpoint);
}

TEST_F(HttpLogRoutes, AMissingTileOrCheckpointIsAnUncached404) {
  ServerThread st(log_handler(src));
  RawConn c(st.port());
  for (const char* path : {"/tile/0/002", "/tile/0/001.p/45", "/tile/entries/000", "/tile/2/000.p/1"}) {
    auto r = c.request(get_request(path));
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.header("cache-control"), "no-store") << path;
  }
  ServerThread st2(log_handler(std::make_shared<FakeLogSource>()));
  RawConn c2(st2.port());
  EXPECT_EQ(c2.request(get_request("/checkpoint")).status, 404);
}

TEST_F(HttpLogRoutes, BadTilePathsAre400) {
  ServerThread st(log_handler(src));
  for (const char* path : {"/tile/0/1234", "/tile/0/x000/001", "/tile/0/000.p/0", "/tile/0/000.p/256", "/tile/64/000",
                           "/tile/0/01", "/tile/00/000", "/tile/entries/000.p/", "/tile/x/000", "/tile/0",
                           "/tile/../checkpoint", "/../checkpoint", "/tile/0/./000"}) {
    RawConn c(st.port());
    EXPECT_EQ(c.request(get_request(path)).status, 400) << path;
  }
}

TEST_F(HttpLogRoutes, UnknownPathsAre404AndOtherMethods405) {
  ServerThread st(log_handler(src));
  RawConn c(st.port());
  EXPECT_EQ(c.request(get_request("/favicon.ico")).status, 404);
  EXPECT_EQ(c.request(get_request("/checkpoint/")).status, 404);
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS"}) {
    auto r = c.request(std::string(method) + " /checkpoint HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(r.status, 405) << method;
    EXPECT_EQ(r.header("allow"), "GET, HEAD");
  }
  EXPECT_EQ(c.request(get_request("/tile/0/000", "POST", "Content-Length: 0\r\n")).status, 405);
}

TEST_F(HttpLogRoutes, TheRootIsAPlainTextIndex) {
  ServerThread st(log_handler(src));
  RawConn c(st.port());
  auto r = c.request(get_request("/"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "text/plain; charset=utf-8");
  EXPECT_NE(r.body.find("tlog-tiles"), std::string::npos);
}

TEST_F(HttpLogRoutes, ServesUnderAMountPrefix) {
  Router router;
  ASSERT_TRUE(router.mount("/log/acme/", log_handler(src)));
  ServerThread st(router);
  RawConn c(st.port());
  EXPECT_EQ(c.request(get_request("/log/acme/checkpoint")).body, kCheckpoint);
  EXPECT_EQ(c.request(get_request("/log/acme/tile/0/001.p/44")).body, as_chars(pattern(44 * 32, 2)));
  EXPECT_NE(c.request(get_request("/log/acme/")).body.find("tlog-tiles"), std::string::npos);
  EXPECT_EQ(c.request(get_request("/checkpoint")).status, 404);
  auto r = c.request(get_request("/log/acme"));
  EXPECT_EQ(r.status, 308);
  EXPECT_EQ(r.header("location"), "/log/acme/");
}

TEST_F(HttpLogRoutes, SourceFailuresAreLoggedButNotShownToTheClient) {
  std::mutex mu;
  std::vector<std::string> errors;
  ServerOptions o = ServerThread::quiet();
  o.error_log = [&](std::string_view m) {
    std::lock_guard l(mu);
    errors.emplace_back(m);
  };
  ServerThread st(log_handler(src), o);
  RawConn c(st.port());
  src->fail_with(Error{Errc::unavailable, "database /var/lib/secret is locked"});
  auto r = c.request(get_request("/checkpoint"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
  src->fail_with(Error{Errc::corrupt, "tile hash mismatch in /var/lib/secret"});
  r = c.request(get_request("/tile/0/000"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
  std::lock_guard l(mu);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find("/var/lib/secret is locked"), std::string::npos);
}

}  // namespace
}  // namespace amanat::http
