#include "http/static_site.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "http/router.h"

namespace amanat::http {
namespace {

namespace fs = std::filesystem;

class StaticSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("amanat-site-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "assets");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void put(const std::string& name, const std::string& body) { std::ofstream(dir_ / name, std::ios::binary) << body; }
  static Request get(std::string path, Headers h = {}) {
    Request r;
    r.method = "GET";
    r.path = std::move(path);
    r.headers = std::move(h);
    return r;
  }
  static std::string header(const Response& r, std::string_view name) {
    auto v = find_header(r.headers, name);
    return v ? std::string(*v) : "";
  }
  fs::path dir_;
};

TEST_F(StaticSiteTest, HashedAssetsAreImmutableAndPagesAreRevalidated) {
  put("index.html", "<!doctype html><p>app</p>");
  put("assets/public-ABC123.js", "console.log(1)");
  auto site = StaticSite::load(dir_);
  ASSERT_TRUE(site) << site.error().message;
  auto js = (*site)(get("assets/public-ABC123.js"));
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(header(js, "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(header(js, "Cache-Control"), "public, max-age=31536000, immutable");
  auto page = (*site)(get(""));
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(header(page, "Cache-Control"), "no-cache");
  auto again = (*site)(get("", {{"If-None-Match", header(page, "ETag")}}));
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
}

TEST_F(StaticSiteTest, EveryAnswerCarriesAStrictContentSecurityPolicy) {
  put("index.html", "x");
  auto site = StaticSite::load(dir_);
  ASSERT_TRUE(site);
  for (const auto& path : {"", "demo/appeals/A-1", "missing.js"}) {
    auto r = (*site)(get(path));
    std::string csp = header(r, "Content-Security-Policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << path;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << path;
    EXPECT_EQ(csp.find("unsafe"), std::string::npos) << path;
    EXPECT_EQ(header(r, "X-Frame-Options"), "DENY") << path;
    EXPECT_EQ(header(r, "Referrer-Policy"), "no-referrer") << path;
  }
}

TEST_F(StaticSiteTest, AppPathsGetTheirPageAndMissingFilesA404) {
  put("index.html", "public");
  put("staff.html", "staff");
  auto site = StaticSite::load(dir_);
  ASSERT_TRUE(site);
  EXPECT_EQ((*site)(get("demo/appeals/A-2024-105")).body, "public");
  EXPECT_EQ((*site)(get("demo/verify")).body, "public");
  EXPECT_EQ((*site)(get("staff/books")).body, "staff");
  auto missing = (*site)(get("assets/gone-123.js"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(header(missing, "Content-Type"), "application/problem+json");
  Request post = get("");
  post.method = "POST";
  auto refused = (*site)(post);
  EXPECT_EQ(refused.status, 405);
  EXPECT_EQ(header(refused, "Allow"), "GET, HEAD");
}

TEST_F(StaticSiteTest, GzipIsSentOnlyToClientsThatTakeIt) {
  put("index.html", "x");
  put("assets/a-1.js", "plain");
  put("assets/a-1.js.gz", "GZIPPED");
  auto site = StaticSite::load(dir_);
  ASSERT_TRUE(site);
  auto plain = (*site)(get("assets/a-1.js"));
  EXPECT_EQ(plain.body, "plain");
  EXPECT_EQ(header(plain, "Vary"), "Accept-Encoding");
  auto gz = (*site)(get("assets/a-1.js", {{"Accept-Encoding", "br, gzip"}}));
  EXPECT_EQ(gz.body, "GZIPPED");
  EXPECT_EQ(header(gz, "Content-Encoding"), "gzip");
  auto refused = (*site)(get("assets/a-1.js", {{"Accept-Encoding", "gzip;q=0, br"}}));
  EXPECT_EQ(refused.body, "plain");
  EXPECT_EQ((*site)(get("assets/a-1.js.gz")).status, 404);  // only as the encoding of its file
}

TEST_F(StaticSiteTest, AFolderWithoutTheBuiltAppOrWithASymlinkIsRefused) {
  auto none = StaticSite::load(dir_);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::not_found);
  EXPECT_NE(none.error().message.find("scripts/build.sh web"), std::string::npos);
  put("index.html", "x");
  fs::create_symlink("/etc/passwd", dir_ / "assets" / "passwd.js");
  auto linked = StaticSite::load(dir_);
  ASSERT_FALSE(linked);
  EXPECT_EQ(linked.error().code, Errc::invalid);
}

TEST_F(StaticSiteTest, MountedAtTheRootItLeavesTheApiAndLogsTheirPrefixes) {
  put("index.html", "app");
  auto site = StaticSite::load(dir_);
  ASSERT_TRUE(site);
  Router router;
  ASSERT_TRUE(router.mount("/api/v1/", [](const Request&) { return Response{.status = 200, .body = "api"}; }));
  ASSERT_TRUE(router.mount("/", *site));
  EXPECT_EQ(router(get("/api/v1/health")).body, "api");
  EXPECT_EQ(router(get("/demo/")).body, "app");
  EXPECT_EQ(router(get("/api/v1")).status, 308);
}

TEST_F(StaticSiteTest, AnAppPageNamesWhatItFetchesFirstInALinkPreloadHeader) {
  put("index.html", "public");
  put("staff.html", "staff");
  put("assets/a-1.js", "x");
  auto site = StaticSite::load(dir_);
  ASSERT_TRUE(site);
  site->preload([](std::string_view path) -> std::optional<std::string> {
    if (path == "demo/appeals/A-1") return "/api/v1/orgs/demo/appeals/A-1";
    return std::nullopt;
  });
  EXPECT_EQ(header((*site)(get("demo/appeals/A-1")), "Link"),
            "</api/v1/orgs/demo/appeals/A-1>; rel=preload; as=fetch; crossorigin=anonymous");
  EXPECT_EQ(header((*site)(get("demo/verify")), "Link"), "");
  EXPECT_EQ(header((*site)(get("assets/a-1.js")), "Link"), "");
  EXPECT_EQ(header((*site)(get("staff/appeals/A-1")), "Link"), "");
}

// The router's quick answers (http::ServerOptions::quick) follow the same prefixes as its
// answers: a mount without one leaves the request to its handler, and so does a redirect.
TEST_F(StaticSiteTest, QuickAnswersComeFromTheMountThatWouldAnswer) {
  put("index.html", "app");
  auto site = StaticSite::load(dir_);
  ASSERT_TRUE(site);
  Router router;
  ASSERT_TRUE(router.mount("/api/v1/", [](const Request&) { return Response{.status = 200, .body = "api"}; }, {},
                           [](const Request& r) -> std::optional<Response> {
                             if (r.path == "kept") return Response{.status = 200, .body = "kept"};
                             return std::nullopt;
                           }));
  ASSERT_TRUE(router.mount("/log/demo/", [](const Request&) { return Response{.status = 200, .body = "log"}; }));
  const StaticSite& files = *site;
  ASSERT_TRUE(router.mount("/", files, {}, [&files](const Request& r) { return std::optional(files(r)); }));
  EXPECT_EQ(router.quick(get("/api/v1/kept"))->body, "kept");
  EXPECT_FALSE(router.quick(get("/api/v1/health")));
  EXPECT_FALSE(router.quick(get("/log/demo/checkpoint")));
  EXPECT_FALSE(router.quick(get("/log/demo")));  // the handler redirects it to /log/demo/
  EXPECT_EQ(router(get("/log/demo")).status, 308);
  EXPECT_EQ(router.quick(get("/demo/appeals/A-1"))->body, "app");
}

}  // namespace
}  // namespace amanat::http
