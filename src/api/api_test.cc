#include "api/api.h"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <regex>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "auth/totp.h"
#include "backup/backup.h"
#include "books/audit.h"
#include "core/reasons.h"
#include "core/sha256.h"
#include "desk/desk.h"
#include "books/testing.h"
#include "http/router.h"
#include "store/org.h"
#include "http/test_support.h"

namespace amanat::api {
namespace {

using books::testing::BooksFixture;
using ojson = nlohmann::ordered_json;
using json = nlohmann::json;

constexpr const char* kPassword = "violet lantern orchard 7319";

// One organisation's books and accounts, and the API over them, with a clock the test moves.
constexpr const char* kVaultPassphrase = "amber river quiet mountain 42";

struct OrgFixture {
  BooksFixture books;
  std::int64_t now = 1'750'000'000;
  std::unique_ptr<Accounts> accounts;
  std::unique_ptr<Identities> identities;
  std::unique_ptr<desk::Desk> desk;
  std::vector<std::string> shares;  // 2 of 3 unseal the vault, as does kVaultPassphrase
  // As in the server: TOTP secrets and the trail's anchors under their own key (accounts.key),
  // not the books key.
  crypto::Keyring account_keys = crypto::Keyring::from_master(accounts_master());
  static crypto::MasterKey accounts_master() {
    crypto::MasterKey m{};
    m[0] = 11;
    return m;
  }
  explicit OrgFixture() {
    accounts = std::make_unique<Accounts>(*books.stores().db, *books.stores().accounts, account_keys,
                                          [this] { return now; });
    auto vault = crypto::Vault::create("test-org", kVaultPassphrase, crypto::Threshold{2, 3},
                                       crypto::KdfLimits::for_tests());
    shares = vault->share_texts;
    std::ofstream(books.dir() / "vault.json") << vault->file.to_json();
    identities = std::move(*Identities::open(*books.stores().db, *books.stores().identities,
                                             (books.dir() / "vault.json").string(), [this] { return now; }));
    anchor(*identities);
    (void)books.books().open_appeal(books::AppealOpen{"A-1", "Legal help", "", "C-1", books::testing::kzt(100000000),
                                                      "2025-01-01"});
  }
  // As the server wires it (serve_cmd.cc): the trail's anchors through the books' queue.
  void anchor(Identities& ids) {
    ids.anchor_to({.append = [this](Bytes leaf, tlog::Effect effect) -> Result<std::uint64_t> {
                     AMANAT_TRY(queued, books.books().submit_other(std::move(leaf), std::move(effect)));
                     return queued.get();
                   },
                   .log = &books.log(),
                   .key = account_keys});
  }
  Org org(const std::string& slug) {
    Org o{slug, &books.books(), &books.store(), &books.reports(), &books.bank(), &books.log(), accounts.get(),
          identities.get()};
    // Made again with the identities of the moment (a test may replace them).
    desk = std::make_unique<desk::Desk>(*books.stores().db, *books.stores().desk, *identities,
                                        desk::Procedure::kazakhstan(), [this] { return now; });
    desk->log_to([this](Bytes leaf, tlog::Effect effect) -> Result<std::uint64_t> {
      AMANAT_TRY(queued, books.books().submit_other(std::move(leaf), std::move(effect)));
      return queued.get();
    });
    o.desk = desk.get();
    o.data_dir = books.dir();
    o.keys = &books.keys();
    o.verifier_key = books.vkey();
    return o;
  }
};

http::Request request(std::string method, std::string path, std::string body = {}, std::string token = {},
                      std::string content_type = "application/json") {
  http::Request r;
  r.method = std::move(method);
  auto q = path.find('?');
  if (q != std::string::npos) {
    r.query = path.substr(q + 1);
    path.resize(q);
  }
  r.path = std::move(path);
  r.body = std::move(body);
  if (!r.body.empty() && !content_type.empty()) r.headers.emplace_back("Content-Type", content_type);
  if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
  r.remote = "192.0.2.7";
  return r;
}

json body_of(const http::Response& r) { return json::parse(r.body); }
std::string unseal_body() { return json{{"passphrase", kVaultPassphrase}}.dump(); }

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    api = make_api();
    api->check_responses(true);  // every success must match its documented schema
    api->add_org(a.org("alpha"));
    api->add_org(b.org("beta"));
  }

  // A user of `role` in `org`, logged in with a bearer token (TOTP enrolled where the role needs it).
  // Unseals alpha's vault as `director`, and opens a case for an invented survivor as `worker`
  // with `extra` fields (consents, ...); returns the case's code.
  std::string open_case(const std::string& director, const std::string& worker, const json& extra = json::object()) {
    EXPECT_EQ(api->handle(request("POST", "orgs/alpha/vault/unseal", unseal_body(), director)).status, 200);
    auto subject = api->handle(request("POST", "orgs/alpha/subjects", R"({"kind":"survivor","name":"Invented Person"})", worker));
    EXPECT_EQ(subject.status, 201) << subject.body;
    json body{{"survivor", body_of(subject)["code"]}, {"category", "rape"}, {"region", "astana"}};
    body.update(extra);
    auto opened = api->handle(request("POST", "orgs/alpha/cases", body.dump(), worker));
    EXPECT_EQ(opened.status, 201) << opened.body;
    return body_of(opened).value("code", std::string());
  }

  std::string login_as(OrgFixture& org, Role role, const std::string& slug = "alpha") {
    std::string name = std::string(role_name(role)) + "-" + std::to_string(++users);
    for (char& c : name)
      if (c == '_') c = '-';
    EXPECT_TRUE(org.accounts->create_user(nullptr, name, role, kPassword));
    auto r = api->handle(request("POST", "orgs/" + slug + "/session", json{{"name", name}, {"password", kPassword}}.dump()));
    EXPECT_EQ(r.status, 201) << r.body;
    std::string token = body_of(r)["token"];
    if (role_needs_totp(role)) {
      auto begin = api->handle(request("POST", "orgs/" + slug + "/me/totp", json{{"password", kPassword}}.dump(), token));
      EXPECT_EQ(begin.status, 201) << begin.body;
      std::string uri = body_of(begin)["otpauth_uri"];
      auto s = uri.find("secret=") + 7;
      auto secret = auth::from_base32(uri.substr(s, uri.find('&', s) - s));
      EXPECT_TRUE(secret);
      auto code = auth::totp_code(*secret, org.now);
      auto confirm = api->handle(request("POST", "orgs/" + slug + "/me/totp/confirm", json{{"code", *code}}.dump(), token));
      EXPECT_EQ(confirm.status, 200) << confirm.body;
      secrets[name] = *secret;
    }
    return token;
  }

  // As after `amanat vault init` in `a`: the vault holds the books key and the server starts
  // sealed, the books' keyed operations closed with it.
  void move_books_key_into_the_vault() {
    auto created = crypto::Vault::create("test-org", kVaultPassphrase, std::nullopt, crypto::KdfLimits::for_tests());
    ASSERT_TRUE(created);
    crypto::Vault vault(created->file);
    ASSERT_TRUE(vault.unseal_with_passphrase(kVaultPassphrase));
    auto file = vault.set_books_key(BooksFixture::master());
    ASSERT_TRUE(file);
    std::ofstream(a.books.dir() / "vault.json") << file->to_json();
    a.identities = std::move(*Identities::open(*a.books.stores().db, *a.books.stores().identities,
                                               (a.books.dir() / "vault.json").string(), [this] { return a.now; }));
    a.anchor(*a.identities);
    crypto::Keyring keys = a.books.keys();  // the same key state as the books' service
    keys.forget();                           // as a server starts when books.key is gone
    a.identities->manage_books_keys(keys);
    api->add_org(a.org("alpha"));
  }

  std::int64_t user_id(const std::string& token) {
    return body_of(api->handle(request("GET", "orgs/alpha/me", "", token)))["user"]["id"];
  }

  // An expense booked by `booker` and charged to a new appeal for a new case in `a`, to which the
  // users `lawyer` and `worker` (ids; 0: nobody) are assigned: the expense whose confirmations
  // they may record. The vault must be unsealed. Returns the expense's record number.
  std::string case_expense(const std::string& director, const std::string& booker, std::int64_t lawyer,
                           std::int64_t worker) {
    auto subject = api->handle(request("POST", "orgs/alpha/subjects", R"({"kind":"survivor","name":"Invented Person"})",
                                       director));
    EXPECT_EQ(subject.status, 201) << subject.body;
    auto opened = api->handle(request("POST", "orgs/alpha/cases",
                                      json{{"survivor", body_of(subject)["code"]}, {"category", "rape"},
                                           {"region", "astana"}}.dump(),
                                      director));
    EXPECT_EQ(opened.status, 201) << opened.body;
    const std::string code = body_of(opened)["code"];
    json people = json::object();
    if (lawyer) people["lawyer"] = lawyer;
    if (worker) people["case_worker"] = worker;
    EXPECT_EQ(api->handle(request("POST", "orgs/alpha/cases/" + code + "/people", people.dump(), director)).status, 200);
    const std::string appeal = "A-CASE-" + std::to_string(++appeals);
    auto o = api->handle(request("POST", "orgs/alpha/appeals",
                                 json{{"code", appeal}, {"title", "Legal help"}, {"case", code}, {"target", 100000},
                                      {"currency", "KZT"}, {"date", "2025-05-01"}}.dump(),
                                 director));
    EXPECT_EQ(o.status, 201) << o.body;
    auto d = api->handle(request("POST", "orgs/alpha/donations",
                                 json{{"date", "2025-05-01"}, {"amount", 1000}, {"currency", "KZT"}, {"channel", "card"},
                                      {"fund", appeal}}.dump(),
                                 booker));
    EXPECT_EQ(d.status, 201) << d.body;
    auto e = api->handle(request("POST", "orgs/alpha/expenses",
                                 json{{"date", "2025-05-02"}, {"amount", 100}, {"currency", "KZT"}, {"category", "lawyer"},
                                      {"payee", "An invented law office"},
                                      {"splits", json::array({{{"fund", appeal}, {"amount", 100}}})}}.dump(),
                                 booker));
    EXPECT_EQ(e.status, 201) << e.body;
    return std::to_string(body_of(e)["record"].get<std::uint64_t>());
  }

  OrgFixture a, b;
  std::unique_ptr<Api> api;
  int users = 0, appeals = 0;
  std::map<std::string, Bytes> secrets;
};

const std::string kDonation =
    R"({"date":"2025-05-01","amount":500000,"currency":"KZT","channel":"card","fund":"A-1","donor":"phone:+7 701 555 00 11"})";

// A body that passes the route's schema, so that the matrix reaches the handler when allowed.
std::string sample_body(const Route& r) {
  if (!r.raw_body.empty()) return "%PDF-1.4 an invented receipt";
  if (!r.body) return {};
  std::map<std::string, std::string> samples = {
      {"/orgs/{org}/session", R"({"name":"nobody-here","password":"wrong password 123"})"},
      {"/orgs/{org}/donations/proof", R"({"receipt":"1-0000-0000-0000-0000-0000-0000-00"})"},
      {"/orgs/{org}/appeals", R"({"code":"A-9","title":"T","target":1000,"currency":"KZT","date":"2025-01-01"})"},
      {"/orgs/{org}/appeals/{code}/status", R"({"open":true,"date":"2025-01-02"})"},
      {"/orgs/{org}/donations", kDonation},
      {"/orgs/{org}/expenses",
       R"({"date":"2025-05-02","amount":100,"currency":"KZT","category":"lawyer","payee":"An invented law office","splits":[{"fund":"A-1","amount":100}]})"},
      {"/orgs/{org}/transfers",
       R"({"date":"2025-05-02","amount":1,"currency":"KZT","from":"general","to":"A-1","reason":"advance"})"},
      {"/orgs/{org}/corrections", R"({"date":"2025-05-02","reverses":999999,"reason":"test"})"},
      {"/orgs/{org}/me/totp/confirm", R"({"code":"000000"})"},
      {"/orgs/{org}/users", R"({"name":"made-by-test","role":"auditor","password":"another fine passphrase 88"})"},
      {"/orgs/{org}/vault/unseal", R"({"passphrase":"not the passphrase at all"})"},
      {"/orgs/{org}/subjects", R"({"kind":"survivor","name":"Invented Person"})"},
      {"/orgs/{org}/subjects/{code}/assignments", R"({"user":1})"},
      {"/orgs/{org}/intake", R"({"message":"hello"})"},
      {"/orgs/{org}/expenses/{record}/receipts", R"({"sha256":")" + std::string(64, 'a') + R"("})"},
      {"/orgs/{org}/expenses/{record}/confirmations", R"({"role":"survivor"})"},
      {"/orgs/{org}/consultations",
       R"({"channel":"phone","caller_role":"survivor","category":"rape","region":"astana","age_group":"18-25","sex":"female","outcome":"advice"})"},
      {"/orgs/{org}/cases", R"({"survivor":"S-NOSUCH00","category":"rape","region":"astana"})"},
      {"/orgs/{org}/cases/{case}/events", R"({"kind":"report_filed","date":"2025-06-01"})"},
      {"/orgs/{org}/cases/{case}/consents", R"({"stats":true})"},
      {"/orgs/{org}/cases/{case}/people", R"({"case_worker":0})"},
      {"/orgs/{org}/cases/{case}/deadlines", R"({"due":"2025-07-01","what":"Read the case file"})"},
      {"/orgs/{org}/cases/{case}/deadlines/{deadline}/due", R"({"due":"2025-07-08","because":"an invented reason"})"},
      {"/orgs/{org}/cases/{case}/suspects", R"({"date":"2025-05-02"})"},
      {"/orgs/{org}/cases/{case}/suspects/{suspect}/state", R"({"state":"charged","date":"2025-05-03"})"},
      {"/orgs/{org}/cases/{case}/referrals", R"({"service":"medical","date":"2025-05-02","override":"an invented reason"})"},
      {"/orgs/{org}/complaints",
       R"({"official_rank":"captain","official_unit":"district police","region":"astana","conduct":"inaction","filed_with":"prosecutor","filed_on":"2025-05-01"})"},
      {"/orgs/{org}/complaints/{complaint}/outcome", R"({"outcome":"rejected","decided_on":"2025-06-01"})"},
      {"/orgs/{org}/publications",
       R"({"channel":"instagram","url":"https://example.org/p/1","text":"An invented post about our work."})"},
      {"/orgs/{org}/publications/{publication}/changes", R"({"kind":"correction","text":"A correction."})"},
      {"/orgs/{org}/docket/header", R"({"defender":"An Invented Defender","organisation":"Invented Foundation"})"},
      {"/orgs/{org}/docket/{proceeding}/events", R"({"kind":"terminated","date":"2024-01-10"})"},
      {"/orgs/{org}/docket/{proceeding}/remedies", R"({"to_whom":"Prosecutor","date":"2024-02-01"})"},
  };
  auto it = samples.find(r.path);
  return it == samples.end() ? "{}" : it->second;
}

std::string sample_type(const Route& r) { return r.raw_body.empty() ? "application/json" : r.raw_body.front(); }

std::string concrete(std::string path) {
  auto replace = [&](const std::string& from, const std::string& to) {
    if (auto p = path.find(from); p != std::string::npos) path.replace(p, from.size(), to);
  };
  replace("{org}", "alpha");
  replace("{code}", "A-1");
  replace("{record}", "1");
  replace("{message}", "1");
  return path.substr(1);
}

// Every route x every role (and no login): deny by default, exactly the declared roles pass.
TEST_F(ApiTest, AuthorisationMatrixFollowsTheRouteTable) {
  std::map<Role, std::string> tokens;
  for (Role role : kAllRoles) tokens[role] = login_as(a, role);
  for (const Route& r : api->routes()) {
    if (r.path == "/orgs/{org}/session" && r.method == "DELETE") continue;  // would end the session; tested below
    std::string path = concrete(r.path);
    auto anon = api->handle(request(r.method, path, sample_body(r), {}, sample_type(r)));
    EXPECT_LT(anon.status, 500) << r.method << " " << r.path << ": " << anon.body;
    if (r.is_public) {
      EXPECT_NE(anon.status, 403) << r.method << " " << r.path;
    } else {
      EXPECT_EQ(anon.status, 401) << r.method << " " << r.path;
    }
    for (Role role : kAllRoles) {
      auto res = api->handle(request(r.method, path, sample_body(r), tokens[role], sample_type(r)));
      bool declared = r.is_public || std::find(r.roles.begin(), r.roles.end(), role) != r.roles.end();
      EXPECT_LT(res.status, 500) << r.method << " " << r.path << " as " << role_name(role) << ": " << res.body;
      if (r.path == "/orgs/{org}/session") {
        EXPECT_TRUE(res.status == 401 || res.status == 429) << res.status;  // wrong credentials, then slowed
      } else if (r.path == "/orgs/{org}/intake" && r.method == "POST") {
        EXPECT_TRUE(res.status == 202 || res.status == 429) << res.status;  // received, then limited per address
      } else if (r.is_public) {
        EXPECT_EQ(res.status, anon.status) << r.method << " " << r.path << " as " << role_name(role);  // roles do not matter
      } else if (declared) {
        EXPECT_NE(res.status, 401) << r.method << " " << r.path << " as " << role_name(role) << ": " << res.body;
        EXPECT_NE(res.status, 403) << r.method << " " << r.path << " as " << role_name(role) << ": " << res.body;
      } else {
        EXPECT_EQ(res.status, 403) << r.method << " " << r.path << " as " << role_name(role) << ": " << res.body;
      }
    }
  }
}

// Every route says what its success answers, so that a client can be generated from the
// document: a JSON schema (checked against every answer in these tests: Api::check_responses),
// A schema's name is its identity in the document: two different bodies or answers under one
// name would publish one of them wrongly (a password reset's body was once documented as its
// answer), and the web app's generated types with it.
TEST_F(ApiTest, NoTwoDifferentSchemasShareAName) {
  std::map<std::string, std::pair<std::string, std::string>> seen;  // name -> (its JSON schema, where)
  for (const Route& route : api->routes())
    for (const auto* s : {route.body ? &*route.body : nullptr, route.returns ? &*route.returns : nullptr}) {
      if (!s) continue;
      const std::string schema = json_schema(*s).dump(), where = route.method + " " + route.path;
      auto [it, added] = seen.try_emplace(s->name, schema, where);
      EXPECT_TRUE(added || it->second.first == schema) << s->name << " names different schemas in " << it->second.second
                                                       << " and " << where;
    }
}

// a media type for a file, or nothing for 204.
TEST_F(ApiTest, EveryRouteDocumentsWhatItsSuccessAnswers) {
  auto doc = body_of(api->handle(request("GET", "openapi.json")));
  for (const Route& route : api->routes()) {
    SCOPED_TRACE(route.method + " " + route.path);
    EXPECT_TRUE(route.handler);
    std::string m;
    for (char c : route.method) m += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto& ok = doc["paths"][route.path][m]["responses"][std::to_string(route.status)];
    if (route.status == 204) {
      EXPECT_FALSE(route.returns || !route.returns_media.empty());
      EXPECT_FALSE(ok.contains("content"));
      continue;
    }
    EXPECT_TRUE(route.returns.has_value() != !route.returns_media.empty()) << "a schema or a media type, not both";
    ASSERT_TRUE(ok.contains("content"));
    if (route.returns) {
      std::string ref = ok["content"]["application/json"]["schema"]["$ref"];
      EXPECT_TRUE(doc["components"]["schemas"].contains(ref.substr(ref.rfind('/') + 1))) << ref;
    }
  }
}

// A handler whose answer departs from its documented schema is caught, not shipped.
TEST(ApiResponses, AnAnswerThatDepartsFromItsSchemaIsA500NamingTheDifference) {
  Api api;
  api.check_responses(true);
  auto answering = [&](ojson body) {
    return [body](Call&) -> Result<http::Response> { return json_response(200, body); };
  };
  Schema thing{"Thing", {out::number("n", "A number"), out::text("s", "A text", false)}};
  api.add({.method = "GET", .path = "/right", .summary = "s", .is_public = true, .returns = thing,
           .handler = answering({{"n", 1}, {"s", "x"}})});
  api.add({.method = "GET", .path = "/wrong", .summary = "s", .is_public = true, .returns = thing,
           .handler = answering({{"n", "1"}, {"extra", true}})});
  api.add({.method = "GET", .path = "/undeclared", .summary = "s", .is_public = true, .handler = answering({{"n", 1}})});
  EXPECT_EQ(api.handle(request("GET", "right")).status, 200);
  auto wrong = api.handle(request("GET", "wrong"));
  EXPECT_EQ(wrong.status, 500);
  EXPECT_NE(wrong.body.find("/n must be an integer"), std::string::npos) << wrong.body;
  EXPECT_NE(wrong.body.find("/extra is not a known field"), std::string::npos) << wrong.body;
  EXPECT_EQ(api.handle(request("GET", "undeclared")).status, 500);
}

// Every error names its reason in the problem's type, so the web app shows it in the user's
// language without parsing English; the API serves the list of reasons it may meet.
TEST_F(ApiTest, ProblemsNameAStableReasonThatTheApiDescribes) {
  auto list = api->handle(request("GET", "problems"));
  ASSERT_EQ(list.status, 200) << list.body;
  std::set<std::string> ids;
  const json problems = body_of(list)["problems"];
  for (const auto& p : problems) {
    std::string id = p["reason"];
    EXPECT_TRUE(std::regex_match(id, std::regex("^[a-z]+(-[a-z0-9]+)*$"))) << id;
    EXPECT_TRUE(ids.insert(id).second) << "twice: " << id;
    EXPECT_EQ(p["type"], "/api/v1/problems/" + id);
    auto one = api->handle(request("GET", "problems/" + id));
    ASSERT_EQ(one.status, 200) << id;
    EXPECT_EQ(body_of(one)["status"], p["status"]);
  }
  EXPECT_EQ(ids.size(), reasons::all().size());
  EXPECT_EQ(api->handle(request("GET", "problems/no-such-thing")).status, 404);

  // As the errors carry them: a rule of the books, a field, a login, the schema's own codes.
  std::string accountant = login_as(a, Role::accountant);
  auto negative = api->handle(request(
      "POST", "orgs/alpha/expenses",
      R"({"date":"2025-05-02","amount":500000000,"currency":"KZT","category":"lawyer","payee":"An invented office","splits":[{"fund":"A-1","amount":500000000}]})",
      accountant));
  EXPECT_EQ(negative.status, 422) << negative.body;
  EXPECT_EQ(body_of(negative)["type"], "/api/v1/problems/fund-negative");
  EXPECT_EQ(body_of(negative)["reason"], "fund-negative");
  // A date far from today needs the body's confirmation.
  const std::string gift = R"({"date":"1970-01-01","amount":100,"currency":"KZT","channel":"cash","fund":"general")";
  auto far = api->handle(request("POST", "orgs/alpha/donations", gift + "}", accountant));
  EXPECT_EQ(far.status, 422) << far.body;
  EXPECT_EQ(body_of(far)["reason"], "date-far");
  EXPECT_EQ(body_of(far)["field"], "date");
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/donations", gift + R"(,"confirm_date":true})", accountant)).status,
            201);
  auto reversed = api->handle(request("GET", "orgs/alpha/report?from=2025-02-01&to=2025-01-01"));
  EXPECT_EQ(reversed.status, 400);
  EXPECT_EQ(body_of(reversed)["reason"], "period-reversed");
  auto closed = api->handle(request("POST", "orgs/alpha/appeals/NOPE/status", R"({"open":false,"date":"2025-05-02"})",
                                    accountant));
  EXPECT_EQ(body_of(closed)["reason"], "appeal-not-found");
  EXPECT_EQ(body_of(closed)["field"], "appeal");
  auto login = api->handle(request("POST", "orgs/alpha/session", R"({"name":"nobody-here","password":"x"})"));
  EXPECT_EQ(login.status, 401);
  EXPECT_EQ(body_of(login)["reason"], "wrong-credentials");
  auto bad = api->handle(request("POST", "orgs/alpha/donations", R"({"date":"2025-05-01","amount":0,"x":1})", accountant));
  EXPECT_EQ(body_of(bad)["reason"], "body-invalid");
  std::map<std::string, std::string> codes;
  const json errors = body_of(bad)["errors"];
  for (const auto& e : errors) codes[e["field"]] = e["code"];
  EXPECT_EQ(codes["/amount"], "range");
  EXPECT_EQ(codes["/x"], "unknown");
  EXPECT_EQ(codes["/currency"], "required");
  EXPECT_EQ(body_of(api->handle(request("GET", "orgs/alpha/nothing")))["reason"], "route-not-found");
  EXPECT_EQ(body_of(api->handle(request("GET", "orgs/nobody/report")))["reason"], "org-not-found");
}

// A sealed vault is one condition with one answer, whoever needs the key: identities and the
// books' keyed operations alike are 423 vault-sealed.
TEST_F(ApiTest, ASealedVaultIsOneConditionWithOneStatusEverywhere) {
  move_books_key_into_the_vault();
  std::string accountant = login_as(a, Role::accountant), worker = login_as(a, Role::case_worker);
  for (auto r : {api->handle(request("POST", "orgs/alpha/subjects", R"({"kind":"survivor"})", worker)),
                 api->handle(request("POST", "orgs/alpha/donations", kDonation, accountant)),
                 api->handle(request("POST", "orgs/alpha/files", "%PDF-1.4 invented", accountant, "application/pdf"))}) {
    EXPECT_EQ(r.status, 423) << r.body;
    EXPECT_EQ(body_of(r)["reason"], "vault-sealed") << r.body;
  }
}

TEST_F(ApiTest, TheOpenApiDocumentListsExactlyTheRoutes) {
  auto r = api->handle(request("GET", "openapi.json"));
  ASSERT_EQ(r.status, 200);
  auto doc = body_of(r);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  std::set<std::pair<std::string, std::string>> documented, served;
  std::set<std::string> ids;
  for (auto& [path, item] : doc["paths"].items())
    for (auto& [method, op] : item.items()) {
      std::string upper;
      for (char c : method) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.emplace(upper, path);
      if (op.contains("requestBody") && op["requestBody"]["content"].contains("application/json")) {
        std::string ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"];
        EXPECT_TRUE(doc["components"]["schemas"].contains(ref.substr(ref.rfind('/') + 1))) << ref;
      }
      EXPECT_TRUE(op["responses"].is_object());
      // operationIds are identifiers code generators take as they are, and unique.
      std::string id = op["operationId"];
      EXPECT_TRUE(std::regex_match(id, std::regex("^(get|post|delete)[A-Z][A-Za-z0-9]*$"))) << id;
      EXPECT_TRUE(ids.insert(id).second) << "duplicate operationId " << id;
    }
  EXPECT_EQ(doc["paths"]["/orgs/{org}/expenses/{record}/approvals"]["post"]["operationId"], "postExpensesByRecordApprovals");
  for (const Route& route : api->routes()) {
    served.emplace(route.method, route.path);
    // The documented roles are the enforced ones.
    std::string m;
    for (char c : route.method) m += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto& op = doc["paths"][route.path][m];
    if (!route.is_public) {
      EXPECT_EQ(op["x-amanat-roles"].size(), route.roles.size()) << route.path;
    }
  }
  EXPECT_EQ(documented, served);
}

TEST_F(ApiTest, BadInputGetsA4xxProblemNeverA5xx) {
  std::string token = login_as(a, Role::accountant);
  struct Case {
    std::string name, body, content_type;
    int status;
  };
  std::string deep(300, '[');
  const std::vector<Case> cases = {
      {"malformed JSON", R"({"date":)", "application/json", 400},
      {"not an object", "[1,2]", "application/json", 400},
      {"wrong content type", kDonation, "text/plain", 415},
      {"no content type", kDonation, "", 415},
      {"unknown field", R"({"date":"2025-05-01","amount":1,"currency":"KZT","channel":"card","fund":"A-1","x":1})",
       "application/json", 400},
      {"wrong types", R"({"date":1,"amount":"1","currency":true,"channel":[],"fund":{}})", "application/json", 400},
      {"huge number", R"({"date":"2025-05-01","amount":1e400,"currency":"KZT","channel":"card","fund":"A-1"})",
       "application/json", 400},
      {"beyond int64", R"({"date":"2025-05-01","amount":99999999999999999999,"currency":"KZT","channel":"card","fund":"A-1"})",
       "application/json", 400},
      {"fraction", R"({"date":"2025-05-01","amount":1.5,"currency":"KZT","channel":"card","fund":"A-1"})",
       "application/json", 400},
      {"negative", R"({"date":"2025-05-01","amount":-5,"currency":"KZT","channel":"card","fund":"A-1"})",
       "application/json", 400},
      {"invalid UTF-8", "{\"date\":\"2025-05-01\",\"amount\":1,\"currency\":\"KZT\",\"channel\":\"card\",\"fund\":\"\xff\xfe\"}",
       "application/json", 400},
      {"duplicate member", R"({"date":"2025-05-01","date":"2025-05-02","amount":1,"currency":"KZT","channel":"card","fund":"A-1"})",
       "application/json", 400},
      {"deep nesting", deep, "application/json", 400},
      {"null for an optional field", R"({"date":"2025-05-01","amount":1,"currency":"KZT","channel":"card","fund":"A-1","donor":null})",
       "application/json", 400},
      {"null for a required field", R"({"date":null,"amount":1,"currency":"KZT","channel":"card","fund":"A-1"})",
       "application/json", 400},
      {"unknown currency", R"({"date":"2025-05-01","amount":1,"currency":"XYZ","channel":"card","fund":"A-1"})",
       "application/json", 400},
      {"bad date", R"({"date":"2025-13-01","amount":1,"currency":"KZT","channel":"card","fund":"A-1"})",
       "application/json", 400},
      {"unknown fund", R"({"date":"2025-05-01","amount":1,"currency":"KZT","channel":"card","fund":"NOPE"})",
       "application/json", 404},
  };
  auto before = a.books.reports().report({});
  for (const auto& c : cases) {
    auto r = api->handle(request("POST", "orgs/alpha/donations", c.body, token, c.content_type));
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    EXPECT_EQ(*http::find_header(r.headers, "content-type"), "application/problem+json") << c.name;
    auto problem = json::parse(r.body, nullptr, false);
    ASSERT_FALSE(problem.is_discarded()) << c.name;
    EXPECT_EQ(problem["status"], c.status) << c.name;
  }
  // Each error names its field.
  auto r = api->handle(request("POST", "orgs/alpha/donations",
                               R"({"date":1,"amount":"1","currency":"KZT","channel":"card","fund":"A-1","x":1})", token));
  std::set<std::string> fields;
  json problem = body_of(r);
  for (const auto& e : problem["errors"]) fields.insert(e["field"]);
  EXPECT_EQ(fields, (std::set<std::string>{"/date", "/amount", "/x"}));
  // Nothing was booked by any of them.
  EXPECT_EQ(a.books.reports().report({})->log_size, before->log_size);
}

TEST_F(ApiTest, ABookedDonationIsProvableByItsReceiptCodeAndTheIdentityStaysOut) {
  std::string token = login_as(a, Role::accountant);
  auto r = api->handle(request("POST", "orgs/alpha/donations", kDonation, token));
  ASSERT_EQ(r.status, 201) << r.body;
  std::string code = body_of(r)["receipt_code"];
  auto proof = api->handle(request("POST", "orgs/alpha/donations/proof", json{{"receipt", code}}.dump()));
  ASSERT_EQ(proof.status, 200) << proof.body;
  EXPECT_EQ(body_of(proof)["record"], body_of(r)["record"]);
  EXPECT_EQ(body_of(proof)["proof"].get<std::string>().rfind("c2sp.org/tlog-proof@v1\n", 0), 0u);
  // The same code at the other organisation finds nothing.
  EXPECT_EQ(api->handle(request("POST", "orgs/beta/donations/proof", json{{"receipt", code}}.dump())).status, 404);
  auto report = api->handle(request("GET", "orgs/alpha/report?appeal=A-1"));
  ASSERT_EQ(report.status, 200);
  EXPECT_EQ(body_of(report)["funds"][0]["raised"], 500000);
  // The donor's phone is in no file of the data directory.
  a.books.reopen();
  for (const auto& f : std::filesystem::directory_iterator(a.books.dir())) {
    std::ifstream in(f.path(), std::ios::binary);
    std::string all(std::istreambuf_iterator<char>(in), {});
    EXPECT_EQ(all.find("7015550011"), std::string::npos) << f.path();
    EXPECT_EQ(all.find("701 555 00 11"), std::string::npos) << f.path();
  }
}

// The public site's appeal page: figures as in the report, money per month, expenses newest first
// a page at a time, and nothing of the payee.
TEST_F(ApiTest, AnAppealsPublicPageShowsItsFiguresMonthsAndExpensesAPageAtATime) {
  std::string token = login_as(a, Role::accountant);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/donations", kDonation, token)).status, 201);
  for (int i = 0; i < 3; ++i) {
    json body{{"date", "2025-06-0" + std::to_string(i + 1)},
              {"amount", 100 + i},
              {"currency", "KZT"},
              {"category", "lawyer"},
              {"payee", "An invented law office"},
              {"splits", json::array({{{"fund", "A-1"}, {"amount", 100 + i}}})}};
    auto r = api->handle(request("POST", "orgs/alpha/expenses", body.dump(), token));
    ASSERT_EQ(r.status, 201) << r.body;
  }
  auto page = api->handle(request("GET", "orgs/alpha/appeals/A-1?limit=2"));
  ASSERT_EQ(page.status, 200) << page.body;
  auto j = body_of(page);
  EXPECT_EQ(j["fund"]["raised"], 500000);
  EXPECT_EQ(j["fund"]["spent"], 303);
  ASSERT_EQ(j["months"].size(), 2u);
  EXPECT_EQ(j["months"][0], (json{{"month", "2025-05"}, {"raised", 500000}, {"spent", 0}}));
  EXPECT_EQ(j["months"][1], (json{{"month", "2025-06"}, {"raised", 0}, {"spent", 303}}));
  ASSERT_EQ(j["expenses"].size(), 2u);
  EXPECT_EQ(j["expenses"][0]["amount"], 102);
  EXPECT_EQ(j["expenses"][0]["date"], "2025-06-03");
  EXPECT_EQ(j["expenses"][0]["approved"], false);
  EXPECT_EQ(page.body.find("law office"), std::string::npos);
  ASSERT_TRUE(j.contains("next"));
  auto rest = body_of(api->handle(request("GET", "orgs/alpha/appeals/A-1?before=" + std::to_string(j["next"].get<int>()))));
  ASSERT_EQ(rest["expenses"].size(), 1u);
  EXPECT_EQ(rest["expenses"][0]["amount"], 100);
  EXPECT_FALSE(rest.contains("next"));
  EXPECT_EQ(body_of(api->handle(request("GET", "orgs/alpha/appeals/A-404")))["reason"], "appeal-not-found");
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/appeals/A-1?limit=0")).status, 400);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/appeals/A-1?colour=red")).status, 400);
}

// Under a news spike an appeal's page is computed once per change to the books, and then sent
// from memory (Api::quick, on the server's event loop); a change makes it stale at once.
TEST_F(ApiTest, FiguresReflectADonationBookedAfterTheyWereCached) {
  std::string token = login_as(a, Role::accountant);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/donations", kDonation, token)).status, 201);
  auto get = request("GET", "orgs/alpha/appeals/A-1");
  EXPECT_FALSE(api->quick(get)) << "nothing is kept before the first reader";
  auto first = api->handle(get);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(body_of(first)["fund"]["raised"], 500000);
  auto kept = api->quick(get);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->status, 200);
  EXPECT_EQ(kept->body, first.body);
  EXPECT_EQ(http::find_header(kept->headers, "cache-control"), "public, max-age=10");
  EXPECT_EQ(http::find_header(kept->headers, "content-type"), "application/json");

  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/donations", kDonation, token)).status, 201);
  EXPECT_FALSE(api->quick(get)) << "a donation booked since makes the kept answer stale";
  auto after = api->handle(get);
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(body_of(after)["fund"]["raised"], 1000000);
  EXPECT_GT(body_of(after)["log_size"].get<std::uint64_t>(), body_of(first)["log_size"].get<std::uint64_t>());
  ASSERT_TRUE(api->quick(get));
  EXPECT_EQ(body_of(*api->quick(get))["fund"]["raised"], 1000000);

  // Each query string is an answer of its own; other routes and other organisations are never
  // answered from it.
  EXPECT_FALSE(api->quick(request("GET", "orgs/alpha/appeals/A-1?limit=1")));
  EXPECT_FALSE(api->quick(request("GET", "orgs/beta/appeals/A-1")));
  EXPECT_FALSE(api->quick(request("GET", "orgs/alpha/report")));
  EXPECT_FALSE(api->quick(request("POST", "orgs/alpha/appeals/A-1")));
}

TEST_F(ApiTest, KeptFiguresRevalidateWithTheirETagAndGoGzippedToClientsThatTakeIt) {
  std::string token = login_as(a, Role::accountant);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/donations", kDonation, token)).status, 201);
  auto get = request("GET", "orgs/alpha/appeals/A-1");
  auto first = api->handle(get);
  ASSERT_EQ(first.status, 200);
  auto etag = http::find_header(first.headers, "etag");
  ASSERT_TRUE(etag);
  EXPECT_TRUE(etag->starts_with("W/\""));
  EXPECT_EQ(http::find_header(first.headers, "vary"), "Accept-Encoding");

  auto again = get;
  again.headers.emplace_back("If-None-Match", std::string(*etag));
  auto not_modified = api->quick(again);
  ASSERT_TRUE(not_modified);
  EXPECT_EQ(not_modified->status, 304);
  EXPECT_TRUE(not_modified->body.empty());

  auto zipped = get;
  zipped.headers.emplace_back("Accept-Encoding", "gzip, deflate, br");
  auto z = api->quick(zipped);
  ASSERT_TRUE(z);
  EXPECT_EQ(http::find_header(z->headers, "content-encoding"), "gzip");
  ASSERT_GT(z->body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(z->body[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(z->body[1]), 0x8b);
  EXPECT_LT(z->body.size(), first.body.size());

  // Once the books change, the old ETag no longer matches: the new figures are sent.
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/donations", kDonation, token)).status, 201);
  EXPECT_FALSE(api->quick(again));
  auto changed = api->handle(again);
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(http::find_header(changed.headers, "etag"), etag);
}

TEST(PagePreload, AnAppealsPageNamesItsFiguresAndNothingElseIsNamed) {
  auto preload = page_preload({"alpha", "beta"});
  EXPECT_EQ(preload("alpha/appeals/A-2024-105"), "/api/v1/orgs/alpha/appeals/A-2024-105");
  EXPECT_EQ(preload("beta/appeals/general"), "/api/v1/orgs/beta/appeals/general");
  for (const char* path : {"", "alpha", "alpha/", "alpha/verify", "gamma/appeals/A-1", "alpha/appeals/",
                           "alpha/appeals/A-1/more", "alpha/appeals/A-1>;rel=x", "alpha/appeals/A%2D1",
                           "staff/appeals/A-1", "alpha/appeals/A-1,<https://evil.example/>"})
    EXPECT_FALSE(preload(path)) << path;
}

// ---- the staff's lists of records ----

// Books through the API for the lists' tests: each returns the new record's number.
struct Booker {
  Api& api;
  std::string token;
  std::uint64_t post(const std::string& path, const json& body) {
    auto r = api.handle(request("POST", "orgs/alpha/" + path, body.dump(), token));
    EXPECT_EQ(r.status, 201) << path << ": " << r.body;
    return r.status == 201 ? body_of(r)["record"].get<std::uint64_t>() : 0;
  }
  std::uint64_t donation(const std::string& date, const std::string& fund, std::int64_t amount,
                         const std::string& channel = "card") {
    return post("donations", {{"date", date}, {"amount", amount}, {"currency", "KZT"}, {"channel", channel}, {"fund", fund}});
  }
  std::uint64_t expense(const std::string& date, const std::vector<std::pair<std::string, std::int64_t>>& splits) {
    json s = json::array();
    std::int64_t total = 0;
    for (const auto& [fund, amount] : splits) s.push_back({{"fund", fund}, {"amount", amount}}), total += amount;
    return post("expenses", {{"date", date},
                             {"amount", total},
                             {"currency", "KZT"},
                             {"category", "lawyer"},
                             {"payee", "An invented law office"},
                             {"memo", "Court fees"},
                             {"splits", s}});
  }
  std::uint64_t transfer(const std::string& date, const std::string& from, const std::string& to, std::int64_t amount) {
    return post("transfers",
                {{"date", date}, {"amount", amount}, {"currency", "KZT"}, {"from", from}, {"to", to}, {"reason", "advance"}});
  }
  std::uint64_t correct(std::uint64_t record) {
    return post("corrections", {{"date", "2025-06-30"}, {"reverses", record}, {"reason", "booked twice"}});
  }
};

// A CSV statement of money in, one line per amount (KZT), for the imports list.
std::string statement_csv(const std::vector<int>& amounts, const std::string& ref) {
  std::string csv = "Date,Amount,Currency,Ref,Payer,Purpose\n";
  for (std::size_t i = 0; i < amounts.size(); ++i)
    csv += "2025-03-0" + std::to_string(i + 1) + "," + std::to_string(amounts[i]) + ".00,KZT," + ref + "-" +
           std::to_string(i) + ",KZ86125KZT5004100100,general support\n";
  return csv;
}
const std::string kStatementQuery =
    "?format=csv&map=account%3DKaspi-Main%3Bdate%3DDate%3Bamount%3DAmount%3Bcurrency%3DCurrency%3Bref%3DRef%3B"
    "counterparty%3DPayer%3Btext%3DPurpose";

// The numbers (record, or an import's id) of a list's items, in order.
std::vector<std::uint64_t> numbers_of(const json& items) {
  std::vector<std::uint64_t> out;
  for (const auto& i : items) out.push_back(i.contains("record") ? i["record"].get<std::uint64_t>() : i["id"].get<std::uint64_t>());
  return out;
}

// Reads a list to its end `limit` items a page at a time, following `next`; checks that `next`
// is the last item's number and comes only while items remain. Returns the numbers in order.
std::vector<std::uint64_t> every_page(Api& api, const std::string& list, const std::string& token, int limit,
                                      int* pages = nullptr, const std::string& filter = "") {
  std::vector<std::uint64_t> all;
  std::string before;
  int n = 0;
  for (;; ++n) {
    if (n > 50) {
      ADD_FAILURE() << list << ": no end";
      break;
    }
    std::string path = "orgs/alpha/" + list + "?" + filter + "limit=" + std::to_string(limit) + before;
    auto r = api.handle(request("GET", path, "", token));
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    if (r.status != 200) break;
    json page = body_of(r);
    auto got = numbers_of(page[list]);
    EXPECT_LE(got.size(), static_cast<std::size_t>(limit)) << path;
    all.insert(all.end(), got.begin(), got.end());
    if (!page.contains("next")) break;
    EXPECT_EQ(got.size(), static_cast<std::size_t>(limit)) << path;
    EXPECT_EQ(page["next"].get<std::uint64_t>(), got.back()) << path;
    before = "&before=" + std::to_string(page["next"].get<std::uint64_t>());
  }
  if (pages) *pages = n + 1;
  return all;
}

// The numbers a list answers for `query` (one page of up to 200).
std::vector<std::uint64_t> listed(Api& api, const std::string& list, const std::string& query, const std::string& token) {
  auto r = api.handle(request("GET", "orgs/alpha/" + list + query, "", token));
  EXPECT_EQ(r.status, 200) << list << query << ": " << r.body;
  if (r.status != 200) return {};
  EXPECT_FALSE(body_of(r).contains("next")) << list << query;
  return numbers_of(body_of(r)[list]);
}

using Numbers = std::vector<std::uint64_t>;

// Paging by record number: every record exactly once, newest first, `next` only while another
// page follows (also when the last page is full), and the same as one page of them all.
TEST_F(ApiTest, StaffListsReturnEveryRecordExactlyOnceNewestFirstAcrossPages) {
  Booker acc{*api, login_as(a, Role::accountant)}, dir{*api, login_as(a, Role::director)};
  std::string auditor = login_as(a, Role::auditor);
  std::map<std::string, Numbers> booked;
  Numbers to_a1;
  for (int i = 0; i < 5; ++i) {
    booked["donations"].push_back(acc.donation("2025-05-0" + std::to_string(i + 1), i % 2 ? "A-1" : "general", 1000 + i));
    if (i % 2) to_a1.push_back(booked["donations"].back());
  }
  for (int i = 0; i < 4; ++i) booked["expenses"].push_back(acc.expense("2025-05-1" + std::to_string(i), {{"A-1", 10 + i}}));
  for (int i = 0; i < 3; ++i) booked["transfers"].push_back(dir.transfer("2025-05-2" + std::to_string(i), "general", "A-1", 5));
  for (int i = 0; i < 3; ++i) {
    auto r = api->handle(request("POST", "orgs/alpha/statements" + kStatementQuery,
                                 statement_csv({100 + i}, "S" + std::to_string(i)), acc.token, "text/csv"));
    ASSERT_EQ(r.status, 201) << r.body;
    booked["imports"].push_back(body_of(r)["import"].get<std::uint64_t>());
    booked["donations"].push_back(a.books.reports().report({})->log_size - 1);  // the donation it booked
  }
  for (auto& [list, records] : booked) {
    SCOPED_TRACE(list);
    std::sort(records.rbegin(), records.rend());
    int pages = 0;
    EXPECT_EQ(every_page(*api, list, auditor, 2, &pages), records);
    EXPECT_EQ(pages, static_cast<int>((records.size() + 1) / 2));
    EXPECT_EQ(listed(*api, list, "", auditor), records);  // the default page holds them all
    EXPECT_EQ(every_page(*api, list, auditor, 1), records);
  }
  // The same through the fund's index (a period of a fund), where they are sorted.
  std::sort(to_a1.rbegin(), to_a1.rend());
  EXPECT_EQ(every_page(*api, "donations", auditor, 1, nullptr, "fund=A-1&from=2025-01-01&"), to_a1);
  // Paging goes on from where it was while new records are booked: they are newer than any page.
  auto first = body_of(api->handle(request("GET", "orgs/alpha/donations?limit=3", "", auditor)));
  acc.donation("2025-06-01", "general", 7);
  auto rest = listed(*api, "donations", "?before=" + std::to_string(first["next"].get<std::uint64_t>()), auditor);
  Numbers seen = numbers_of(first["donations"]);
  seen.insert(seen.end(), rest.begin(), rest.end());
  EXPECT_EQ(seen, booked["donations"]);
}

// Each filter selects exactly its records: a fund (donations to it, expenses with a split to it,
// transfers from or to it), dates (inclusive), a channel, the expenses waiting for approvals.
TEST_F(ApiTest, EachStaffListFilterSelectsOnlyItsRecords) {
  Booker acc{*api, login_as(a, Role::accountant)}, dir{*api, login_as(a, Role::director)};
  std::string approver = login_as(a, Role::accountant), lawyer = login_as(a, Role::lawyer);
  dir.post("appeals", {{"code", "A-2"}, {"title", "Travel"}, {"target", 100000}, {"currency", "KZT"}, {"date", "2025-01-02"}});
  auto d1 = acc.donation("2025-03-01", "general", 50000, "card");
  auto d2 = acc.donation("2025-04-01", "A-1", 40000, "bank");
  auto d3 = acc.donation("2025-05-01", "A-1", 30000, "cash");
  EXPECT_EQ(listed(*api, "donations", "?fund=A-1", acc.token), (Numbers{d3, d2}));
  EXPECT_EQ(listed(*api, "donations", "?fund=general", acc.token), (Numbers{d1}));
  EXPECT_EQ(listed(*api, "donations", "?from=2025-04-01", acc.token), (Numbers{d3, d2}));
  EXPECT_EQ(listed(*api, "donations", "?to=2025-04-01", acc.token), (Numbers{d2, d1}));
  EXPECT_EQ(listed(*api, "donations", "?from=2025-04-01&to=2025-04-01", acc.token), (Numbers{d2}));
  EXPECT_EQ(listed(*api, "donations", "?channel=cash", acc.token), (Numbers{d3}));
  EXPECT_EQ(listed(*api, "donations", "?fund=A-1&channel=card", acc.token), (Numbers{}));
  EXPECT_EQ(listed(*api, "donations", "?fund=A-2", acc.token), (Numbers{}));
  EXPECT_EQ(listed(*api, "donations", "?fund=A-1&from=2025-04-02", acc.token), (Numbers{d3}));
  EXPECT_EQ(listed(*api, "donations", "?fund=A-1&to=2025-04-01&channel=bank", acc.token), (Numbers{d2}));
  auto gift = body_of(api->handle(request("GET", "orgs/alpha/donations?channel=bank", "", acc.token)))["donations"][0];
  EXPECT_EQ(gift, (json{{"record", d2}, {"date", "2025-04-01"}, {"fund", "A-1"}, {"amount", 40000}, {"currency", "KZT"},
                        {"channel", "bank"}, {"account", "Bank:Main"}}));

  auto e1 = acc.expense("2025-05-02", {{"general", 100}});
  auto e2 = acc.expense("2025-05-03", {{"general", 200}, {"A-1", 300}});
  auto e3 = acc.expense("2025-05-04", {{"A-1", 400}});
  Booker{*api, approver}.post("expenses/" + std::to_string(e1) + "/approvals", json::object());
  dir.post("expenses/" + std::to_string(e1) + "/approvals", json::object());
  Booker{*api, approver}.post("expenses/" + std::to_string(e3) + "/approvals", json::object());
  EXPECT_EQ(listed(*api, "expenses", "", lawyer), (Numbers{e3, e2, e1}));
  EXPECT_EQ(listed(*api, "expenses", "?waiting=true", lawyer), (Numbers{e3, e2}));
  EXPECT_EQ(listed(*api, "expenses", "?waiting=false", lawyer), (Numbers{e3, e2, e1}));
  EXPECT_EQ(listed(*api, "expenses", "?fund=A-1", lawyer), (Numbers{e3, e2}));
  EXPECT_EQ(listed(*api, "expenses", "?fund=general", lawyer), (Numbers{e2, e1}));
  EXPECT_EQ(listed(*api, "expenses", "?fund=general&waiting=true", lawyer), (Numbers{e2}));
  EXPECT_EQ(listed(*api, "expenses", "?from=2025-05-03&to=2025-05-03", lawyer), (Numbers{e2}));
  EXPECT_EQ(listed(*api, "expenses", "?to=2025-05-02", lawyer), (Numbers{e1}));
  auto split = body_of(api->handle(request("GET", "orgs/alpha/expenses?from=2025-05-03&to=2025-05-03", "", lawyer)))["expenses"][0];
  EXPECT_EQ(split["amount"], 500);
  EXPECT_EQ(split["category"], "lawyer");
  EXPECT_EQ(split["memo"], "Court fees");
  EXPECT_EQ(split["account"], "Bank:Main");
  EXPECT_EQ(split["booked_by"], "accountant-1");
  EXPECT_EQ(split["approvals"], json::array());
  EXPECT_EQ(split["receipts"], json::array());
  EXPECT_EQ(split["lawyer"], false);
  EXPECT_EQ(split["survivor"], false);
  std::set<std::pair<std::string, std::int64_t>> parts;
  for (const auto& s : split["splits"]) parts.emplace(s["fund"].get<std::string>(), s["amount"].get<std::int64_t>());
  EXPECT_EQ(parts, (std::set<std::pair<std::string, std::int64_t>>{{"A-1", 300}, {"general", 200}}));
  auto approved = body_of(api->handle(request("GET", "orgs/alpha/expenses?to=2025-05-02", "", lawyer)))["expenses"][0];
  EXPECT_EQ(approved["approvals"].size(), 2u);

  auto t1 = dir.transfer("2025-05-05", "general", "A-1", 1000);
  auto t2 = dir.transfer("2025-05-06", "A-1", "general", 500);
  auto t3 = dir.transfer("2025-05-07", "general", "A-2", 700);
  EXPECT_EQ(listed(*api, "transfers", "?fund=A-1", acc.token), (Numbers{t2, t1}));
  EXPECT_EQ(listed(*api, "transfers", "?fund=A-2", acc.token), (Numbers{t3}));
  EXPECT_EQ(listed(*api, "transfers", "?fund=general", acc.token), (Numbers{t3, t2, t1}));
  EXPECT_EQ(listed(*api, "transfers", "?fund=general&from=2025-05-06", acc.token), (Numbers{t3, t2}));
  EXPECT_EQ(listed(*api, "transfers", "?to=2025-05-05", acc.token), (Numbers{t1}));
  auto moved = body_of(api->handle(request("GET", "orgs/alpha/transfers?fund=A-2", "", acc.token)))["transfers"][0];
  EXPECT_EQ(moved, (json{{"record", t3}, {"date", "2025-05-07"}, {"from", "general"}, {"to", "A-2"}, {"amount", 700},
                         {"currency", "KZT"}, {"to_amount", 700}, {"to_currency", "KZT"}, {"reason", "advance"}}));
}

// A filter that is not right is a 400 naming it, whichever list it is given to; so is one the
// list does not take.
TEST_F(ApiTest, ABadStaffListFilterIsA400NamingIt) {
  std::string director = login_as(a, Role::director);
  struct Case {
    std::string query, field, reason;
  };
  const std::vector<Case> common = {
      {"fund=a-1", "fund", "invalid"},           {"fund=", "fund", "invalid"},
      {"from=2025-13-01", "from", "invalid"},    {"to=yesterday", "to", "invalid"},
      {"from=2025-05-02&to=2025-05-01", "to", "period-reversed"},
      {"limit=0", "limit", "query-invalid"},           {"limit=201", "limit", "query-invalid"},
      {"limit=x", "limit", "query-invalid"},           {"before=0", "before", "query-invalid"},
      {"before=-1", "before", "query-invalid"},        {"colour=red", "query", "query-invalid"},
  };
  std::map<std::string, std::vector<Case>> cases = {{"donations", common}, {"expenses", common}, {"transfers", common}};
  cases["donations"].push_back({"channel=pigeon", "channel", "query-invalid"});
  cases["donations"].push_back({"waiting=true", "query", "query-invalid"});
  cases["expenses"].push_back({"waiting=yes", "waiting", "query-invalid"});
  cases["expenses"].push_back({"channel=cash", "query", "query-invalid"});
  cases["transfers"].push_back({"channel=cash", "query", "query-invalid"});
  cases["imports"] = {{"limit=0", "limit", "query-invalid"},
                      {"before=x", "before", "query-invalid"},
                      {"fund=general", "query", "query-invalid"},
                      {"from=2025-01-01", "query", "query-invalid"}};
  for (const auto& [list, all] : cases)
    for (const auto& c : all) {
      auto r = api->handle(request("GET", "orgs/alpha/" + list + "?" + c.query, "", director));
      EXPECT_EQ(r.status, 400) << list << "?" << c.query << ": " << r.body;
      auto problem = json::parse(r.body, nullptr, false);
      ASSERT_TRUE(problem.is_object()) << r.body;
      EXPECT_EQ(problem.value("field", ""), c.field) << list << "?" << c.query << ": " << r.body;
      EXPECT_EQ(problem.value("reason", ""), c.reason) << list << "?" << c.query << ": " << r.body;
    }
}

// A reversed donation, expense or transfer stays listed with the correction that reversed it;
// a reversed expense no longer waits for approvals.
TEST_F(ApiTest, ReversedRecordsInTheStaffListsNameTheCorrectionThatReversedThem) {
  Booker acc{*api, login_as(a, Role::accountant)}, dir{*api, login_as(a, Role::director)};
  auto d1 = acc.donation("2025-05-01", "general", 50000), d2 = acc.donation("2025-05-02", "general", 60000);
  auto e1 = acc.expense("2025-05-03", {{"general", 100}}), e2 = acc.expense("2025-05-04", {{"general", 200}});
  auto t1 = dir.transfer("2025-05-05", "general", "A-1", 300), t2 = dir.transfer("2025-05-06", "general", "A-1", 400);
  std::map<std::uint64_t, std::uint64_t> reversed;
  for (auto r : {d1, e2, t1}) reversed[r] = acc.correct(r);
  for (const std::string list : {"donations", "expenses", "transfers"}) {
    auto page = body_of(api->handle(request("GET", "orgs/alpha/" + list, "", dir.token)));
    ASSERT_EQ(page[list].size(), 2u) << list;
    for (const auto& item : page[list]) {
      auto it = reversed.find(item["record"].get<std::uint64_t>());
      if (it == reversed.end()) {
        EXPECT_FALSE(item.contains("reversed_by")) << list << ": " << item;
      } else {
        EXPECT_EQ(item.value("reversed_by", std::uint64_t{0}), it->second) << list << ": " << item;
      }
    }
  }
  EXPECT_EQ(listed(*api, "expenses", "?waiting=true", dir.token), (Numbers{e1}));
  (void)d2, (void)t2;
}

// No list answers a donor's pseudonym, a receipt code or its commitment, a bank reference or
// its keyed tag, or a payee, to any role that may read it.
TEST_F(ApiTest, StaffListsAnswerNoDonorPayeeReceiptOrBankReference) {
  const std::string donor = "phone:+7 701 555 00 11", bank_ref = "Canary-Gift-From-Saule-L7",
                    paid_ref = "Canary-Paid-To-Dana-L8", payee = "Canary Invented Law Office L9";
  Booker acc{*api, login_as(a, Role::accountant)};
  auto gift = api->handle(request("POST", "orgs/alpha/donations",
                                  json{{"date", "2025-05-02"}, {"amount", 5000}, {"currency", "KZT"}, {"channel", "bank"},
                                       {"fund", "general"}, {"donor", donor}, {"bank_ref", bank_ref}}.dump(),
                                  acc.token));
  ASSERT_EQ(gift.status, 201) << gift.body;
  std::string receipt_code = body_of(gift)["receipt_code"];
  acc.post("expenses", {{"date", "2025-05-03"}, {"amount", 100}, {"currency", "KZT"}, {"category", "other"},
                        {"payee", payee}, {"bank_ref", paid_ref}, {"splits", json::array({{{"fund", "general"}, {"amount", 100}}})}});
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/statements" + kStatementQuery, statement_csv({250}, "Canary-Stmt-L10"),
                                acc.token, "text/csv"))
                .status,
            201);
  // What the database keeps of them, as an intruder would read it: pseudonym, commitment, tags.
  std::vector<std::string> kept;
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2((a.books.dir() / "amanat.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    for (const char* sql : {"SELECT donor FROM donations WHERE donor <> ''", "SELECT receipt FROM donations",
                            "SELECT bank_ref FROM donations WHERE bank_ref <> ''",
                            "SELECT bank_ref FROM expenses WHERE bank_ref <> ''", "SELECT payee_salt FROM expenses",
                            "SELECT bank_ref FROM bank_lines WHERE bank_ref <> ''"}) {
      sqlite3_stmt* q = nullptr;
      ASSERT_EQ(sqlite3_prepare_v2(db, sql, -1, &q, nullptr), SQLITE_OK) << sql;
      while (sqlite3_step(q) == SQLITE_ROW) kept.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)));
      sqlite3_finalize(q);
    }
    sqlite3_close(db);
  }
  ASSERT_GE(kept.size(), 6u);
  std::vector<std::string> secrets = {donor, "7015550011", bank_ref, paid_ref, payee, "Saule", "Dana", "Law Office",
                                      receipt_code, "Canary-Stmt", "KZ86125KZT5004100100"};
  for (const auto& k : kept) {
    std::string s = k.rfind("ref:", 0) == 0 ? k.substr(4) : k;  // a tag is "ref:" and the keyed hash
    if (s.size() >= 8) secrets.push_back(s);
  }
  for (Role role : {Role::accountant, Role::director, Role::auditor, Role::lawyer, Role::case_worker}) {
    std::string token = login_as(a, role);
    for (const std::string list : {"donations", "expenses", "transfers", "imports"}) {
      auto r = api->handle(request("GET", "orgs/alpha/" + list, "", token));
      if (r.status == 403) continue;  // not this role's list
      ASSERT_EQ(r.status, 200) << list << " as " << role_name(role) << ": " << r.body;
      for (const auto& s : secrets) EXPECT_EQ(r.body.find(s), std::string::npos) << list << " holds " << s;
    }
  }
}

TEST_F(ApiTest, TheOrganisationsAndTheKeysTheirLogsSignWithArePublic) {
  auto orgs = api->handle(request("GET", "orgs"));
  ASSERT_EQ(orgs.status, 200) << orgs.body;
  EXPECT_EQ(body_of(orgs)["orgs"], json::array({"alpha", "beta"}));
  auto o = body_of(api->handle(request("GET", "orgs/alpha")));
  EXPECT_EQ(o["slug"], "alpha");
  EXPECT_EQ(o["log"], "/log/alpha/");
  EXPECT_EQ(o["currency"], "KZT");
  EXPECT_EQ(o["verifier_key"], a.books.vkey());
  EXPECT_EQ(body_of(api->handle(request("GET", "orgs/nobody")))["reason"], "org-not-found");
}

TEST_F(ApiTest, SessionsOfOneOrganisationAreUnknownToAnother) {
  std::string token = login_as(a, Role::accountant);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/me", "", token)).status, 200);
  EXPECT_EQ(api->handle(request("GET", "orgs/beta/me", "", token)).status, 401);
  EXPECT_EQ(api->handle(request("POST", "orgs/beta/donations", kDonation, token)).status, 401);
  // Nor can its users log in there.
  auto other = api->handle(request("POST", "orgs/beta/session", json{{"name", "accountant-1"}, {"password", kPassword}}.dump()));
  EXPECT_EQ(other.status, 401);
  EXPECT_EQ(api->handle(request("GET", "orgs/gamma/report")).status, 404);
}

TEST_F(ApiTest, LogoutAndIdleExpiryEndTheSession) {
  std::string token = login_as(a, Role::auditor);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/me", "", token)).status, 200);
  EXPECT_EQ(api->handle(request("DELETE", "orgs/alpha/session", "", token)).status, 204);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/me", "", token)).status, 401);
  std::string second = login_as(a, Role::auditor);
  a.now += Accounts::kIdle - 10;
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/me", "", second)).status, 200);  // use keeps it alive
  a.now += Accounts::kIdle - 10;
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/me", "", second)).status, 200);
  a.now += Accounts::kIdle + 1;
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/me", "", second)).status, 401);
}

// peek() (the server's body-limit check, on an event-loop thread) reads a session without
// keeping it alive or removing it: only requests that are carried out do that.
TEST_F(ApiTest, PeekingAtASessionNeitherRefreshesNorEndsIt) {
  std::string token = login_as(a, Role::accountant);
  auto seen = a.accounts->peek(token);
  ASSERT_TRUE(seen) << seen.error().message;
  EXPECT_EQ(seen->user.role, Role::accountant);
  a.now += Accounts::kIdle - 10;
  EXPECT_TRUE(a.accounts->peek(token));
  a.now += 20;  // idle too long: peek() refuses it, as authenticate() would
  auto expired = a.accounts->peek(token);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, Errc::forbidden);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/me", "", token)).status, 401);
  EXPECT_EQ(a.accounts->peek("no-such-token").error().code, Errc::forbidden);
}

TEST_F(ApiTest, CookieSessionsAreHttpOnlySecureSameSiteAndNeedTheCsrfToken) {
  ASSERT_TRUE(a.accounts->create_user(nullptr, "acc-cookie", Role::accountant, kPassword));
  auto r = api->handle(request("POST", "orgs/alpha/session",
                               json{{"name", "acc-cookie"}, {"password", kPassword}, {"kind", "cookie"}}.dump()));
  ASSERT_EQ(r.status, 201) << r.body;
  std::string cookie(*http::find_header(r.headers, "set-cookie"));
  for (const char* attr : {"HttpOnly", "Secure", "SameSite=Strict", "Path=/api/v1/orgs/alpha/"})
    EXPECT_NE(cookie.find(attr), std::string::npos) << cookie;
  EXPECT_FALSE(body_of(r).contains("token"));
  std::string csrf = body_of(r)["csrf_token"];
  std::string value = cookie.substr(0, cookie.find(';'));
  auto with_cookie = [&](std::string csrf_header) {
    auto req = request("POST", "orgs/alpha/donations", kDonation);
    req.headers.emplace_back("Cookie", "theme=dark; " + value);
    if (!csrf_header.empty()) req.headers.emplace_back("X-CSRF-Token", csrf_header);
    return api->handle(req);
  };
  EXPECT_EQ(with_cookie("").status, 403);
  EXPECT_EQ(with_cookie(std::string(csrf.size(), '0')).status, 403);
  EXPECT_EQ(with_cookie(csrf).status, 201);
  // A large file from a cookie session also needs the token before its body is read.
  auto upload_limit = [&](std::string csrf_header) {
    auto head = request("POST", "orgs/alpha/files");
    head.headers.emplace_back("Cookie", value);
    if (!csrf_header.empty()) head.headers.emplace_back("X-CSRF-Token", csrf_header);
    return api->body_limit(head);
  };
  EXPECT_EQ(upload_limit(""), 0u);
  EXPECT_EQ(upload_limit(csrf), kMaxUploadBytes);
}

TEST_F(ApiTest, FailedLoginsAreSlowedPerAddressWithoutLockingTheUserOut) {
  ASSERT_TRUE(a.accounts->create_user(nullptr, "slow-user", Role::auditor, kPassword));
  auto attempt = [&](const std::string& password, const std::string& addr = "192.0.2.7") {
    auto req = request("POST", "orgs/alpha/session", json{{"name", "slow-user"}, {"password", password}}.dump());
    req.remote = addr;
    return api->handle(req);
  };
  for (int i = 0; i < Accounts::kPairFreeFailures; ++i)
    EXPECT_EQ(attempt("wrong password " + std::to_string(i)).status, 401);
  auto limited = attempt(kPassword);
  EXPECT_EQ(limited.status, 429);
  ASSERT_TRUE(http::find_header(limited.headers, "retry-after"));
  // From another address the owner is not kept out by the guesses made from the first.
  EXPECT_EQ(attempt(kPassword, "198.51.100.1").status, 201);
  // Many more failures from one address make its wait grow, but never beyond kMaxDelay.
  for (int i = 0; i < 40; ++i) {
    a.now += Accounts::kMaxDelay;
    (void)attempt("still wrong " + std::to_string(i));
  }
  a.now += Accounts::kMaxDelay;
  EXPECT_EQ(attempt(kPassword).status, 201);
}

// One wrong password per window from ever new addresses must not keep a director (and with
// them the unseal) out: past kAccountFreeFailures the account's attempts are examined at a
// reduced rate, and the right password with a current code gets through within seconds.
TEST_F(ApiTest, GuessesFromManyAddressesNeverKeepADirectorWithTheirCodeOut) {
  std::string token = login_as(a, Role::director);
  std::string name = body_of(api->handle(request("GET", "orgs/alpha/me", "", token)))["user"]["name"];
  const Bytes secret = secrets[name];
  auto attempt = [&](const std::string& password, const std::string& addr, const std::string& code = "") {
    json body{{"name", name}, {"password", password}};
    if (!code.empty()) body["totp"] = code;
    auto req = request("POST", "orgs/alpha/session", body.dump());
    req.remote = addr;
    return api->handle(req);
  };
  for (int i = 0; i < 60; ++i) (void)attempt("guess " + std::to_string(i), "203.0.113." + std::to_string(i));
  // Guarded now: the attacker's next try, without the code, is refused like every other...
  a.now += Accounts::kGuardedInterval;
  EXPECT_EQ(attempt("another guess", "203.0.113.200").status, 401);
  // ...and the director, a moment later, from their own address, gets in.
  a.now += Accounts::kGuardedInterval + 30;
  auto in = attempt(kPassword, "192.0.2.50", *auth::totp_code(secret, a.now));
  EXPECT_EQ(in.status, 201) << in.body;
}

// A right password with a wrong or missing code reads exactly as a wrong password, and as an
// unknown name: no answer confirms a password or a name.
TEST_F(ApiTest, EveryFailedLoginGetsTheSameAnswer) {
  std::string token = login_as(a, Role::director);
  std::string name = body_of(api->handle(request("GET", "orgs/alpha/me", "", token)))["user"]["name"];
  auto attempt = [&](json body) {
    auto r = api->handle(request("POST", "orgs/alpha/session", body.dump()));
    EXPECT_EQ(r.status, 401) << body.dump();
    auto p = body_of(r);
    return p["type"].get<std::string>() + "|" + p["detail"].get<std::string>();
  };
  std::string wrong_password = attempt({{"name", name}, {"password", "not the password 1"}});
  EXPECT_EQ(attempt({{"name", name}, {"password", kPassword}}), wrong_password);
  EXPECT_EQ(attempt({{"name", name}, {"password", kPassword}, {"totp", "000000"}}), wrong_password);
  EXPECT_EQ(attempt({{"name", "nobody-of-this-name"}, {"password", kPassword}}), wrong_password);
}

// Behind the reverse proxy every peer is 127.0.0.1: with trust_proxy the per-address limit
// follows X-Real-IP, so one address's failures do not slow everyone else's logins.
TEST_F(ApiTest, BehindTheProxyTheAddressLimitFollowsXRealIp) {
  api->trust_proxy(true);
  ASSERT_TRUE(a.accounts->create_user(nullptr, "proxy-user", Role::auditor, kPassword));
  auto attempt = [&](const std::string& name, const std::string& password, const std::string& ip) {
    auto req = request("POST", "orgs/alpha/session", json{{"name", name}, {"password", password}}.dump());
    req.remote = "127.0.0.1";
    req.headers.emplace_back("X-Real-IP", ip);
    return api->handle(req);
  };
  for (int i = 0; i < Accounts::kAddressFreeFailures; ++i)
    EXPECT_EQ(attempt("guess-" + std::to_string(i), "wrong password " + std::to_string(i), "203.0.113.9").status, 401);
  EXPECT_EQ(attempt("proxy-user", kPassword, "203.0.113.9").status, 429);
  EXPECT_EQ(attempt("proxy-user", kPassword, "198.51.100.20").status, 201);
}

TEST_F(ApiTest, DirectorsMustEnrolTotpAndThenLogInWithAFreshCode) {
  ASSERT_TRUE(a.accounts->create_user(nullptr, "dir-1", Role::director, kPassword));
  auto login = [&](std::string code) {
    json body{{"name", "dir-1"}, {"password", kPassword}};
    if (!code.empty()) body["totp"] = code;
    return api->handle(request("POST", "orgs/alpha/session", body.dump()));
  };
  auto first = login("");
  ASSERT_EQ(first.status, 201);
  EXPECT_TRUE(body_of(first)["needs_totp_enrolment"]);
  std::string token = body_of(first)["token"];
  // Before enrolment nothing else is allowed.
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/users", "", token)).status, 403);
  auto begin = api->handle(request("POST", "orgs/alpha/me/totp", json{{"password", kPassword}}.dump(), token));
  std::string uri = body_of(begin)["otpauth_uri"];
  auto s = uri.find("secret=") + 7;
  auto secret = *auth::from_base32(uri.substr(s, uri.find('&', s) - s));
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/me/totp/confirm", R"({"code":"000000"})", token)).status, 400);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/me/totp/confirm", json{{"code", *auth::totp_code(secret, a.now)}}.dump(),
                                token)).status, 200);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/users", "", token)).status, 200);
  // Now a login needs a code, and a code is good once.
  EXPECT_EQ(login("").status, 401);
  a.now += 60;
  std::string code = *auth::totp_code(secret, a.now);
  EXPECT_EQ(login(code).status, 201);
  EXPECT_EQ(login(code).status, 401);
}

// A code is used once in every server process and after a restart: the last step taken is
// stored with the user, not kept in one process's memory.
TEST_F(ApiTest, ATotpCodeUsedInOneProcessIsRefusedInAnotherAndAfterARestart) {
  std::string token = login_as(a, Role::director);
  std::string name = body_of(api->handle(request("GET", "orgs/alpha/me", "", token)))["user"]["name"];
  a.now += 60;
  accounts::LoginRequest r{name, kPassword, *auth::totp_code(secrets[name], a.now)};
  Accounts other(*a.books.stores().db, *a.books.stores().accounts, a.account_keys, [&] { return a.now; });
  ASSERT_TRUE(other.login(r));
  EXPECT_FALSE(a.accounts->login(r));  // this process never saw the code used
  Accounts restarted(*a.books.stores().db, *a.books.stores().accounts, a.account_keys, [&] { return a.now; });
  EXPECT_FALSE(restarted.login(r));
  a.now += 30;
  r.totp = *auth::totp_code(secrets[name], a.now);
  EXPECT_TRUE(restarted.login(r));
}

// One client holds a whole IPv6 /64: its failures count together, whichever address of the
// network they come from, and do not slow a client of another network.
TEST_F(ApiTest, FailedLoginsFromOneIpv6NetworkCountTogether) {
  ASSERT_TRUE(a.accounts->create_user(nullptr, "v6-user", Role::auditor, kPassword));
  auto attempt = [&](const std::string& password, const std::string& addr) {
    auto req = request("POST", "orgs/alpha/session", json{{"name", "v6-user"}, {"password", password}}.dump());
    req.remote = addr;
    return api->handle(req);
  };
  for (int i = 0; i < Accounts::kPairFreeFailures; ++i)
    EXPECT_EQ(attempt("wrong password " + std::to_string(i), "2001:db8:0:1::" + std::to_string(i + 1)).status, 401);
  EXPECT_EQ(attempt(kPassword, "2001:db8:0:1:ffff:ffff:ffff:ffff").status, 429);
  EXPECT_EQ(attempt(kPassword, "2001:db8:0:2::1").status, 201);
}

TEST_F(ApiTest, UnknownRoutesAndMethodsAreProblems) {
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/nothing")).status, 404);
  auto r = api->handle(request("PUT", "orgs/alpha/donations", kDonation));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(*http::find_header(r.headers, "allow"), "POST, GET");
  EXPECT_EQ(*http::find_header(api->handle(request("PUT", "orgs/alpha/corrections", "{}")).headers, "allow"), "POST");
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/report?colour=red")).status, 400);
}

// Through the real server: the limits of the HTTP layer are problems too, and the access log
// carries no personal data or secrets.
TEST_F(ApiTest, OverTheWireLimitsAreProblemsAndTheAccessLogStaysClean) {
  std::string token = login_as(a, Role::accountant);
  Api* p = api.get();
  http::Router router;
  ASSERT_TRUE(router.mount("/api/v1/", [p](const http::Request& r) { return p->handle(r); }));
  std::mutex mu;
  std::string log;
  http::ServerOptions o = http::testing::ServerThread::quiet();
  o.workers = 4;
  o.limits.max_body_bytes = 4096;
  o.access_log = [&](const http::AccessLogEntry& e) {
    std::lock_guard lock(mu);
    log += std::string(e.method) + " " + std::string(e.path) + " " + std::to_string(e.status) + "\n";
  };
  http::testing::ServerThread st(router, o);
  auto post = [&](const std::string& body) {
    http::testing::RawConn c(st.port());
    return c.request("POST /api/v1/orgs/alpha/donations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Authorization: Bearer " + token + "\r\nContent-Length: " + std::to_string(body.size()) +
                     "\r\n\r\n" + body);
  };
  auto big = post(std::string(5000, ' '));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.header("content-type"), "application/problem+json");
  auto ok = post(kDonation);
  EXPECT_EQ(ok.status, 201) << ok.body;
  // The server logs a request after writing its response: wait for the line.
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard lock(mu);
      if (log.find(" 201") != std::string::npos) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard lock(mu);
  EXPECT_NE(log.find("/api/v1/orgs/alpha/donations 201"), std::string::npos) << log << ok.body;
  EXPECT_EQ(log.find("701"), std::string::npos);
  EXPECT_EQ(log.find(token), std::string::npos);
}

// Files beyond the server's 1 MiB default: granted, before the body is read, only to a valid
// session of a role the route allows; anyone else is refused (413) without the server holding
// the body, and unauthenticated senders cannot make it hold one either.
TEST_F(ApiTest, LargeFilesAreAcceptedOnlyFromStaffWhoMaySendThem) {
  std::string director = login_as(a, Role::director);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/vault/unseal", unseal_body(), director)).status, 200);
  std::map<Role, std::string> tokens;
  for (Role role : kAllRoles) tokens[role] = role == Role::director ? director : login_as(a, role);
  auto head = [](std::string method, std::string path, const std::string& token) {
    return request(std::move(method), std::move(path), {}, token);
  };
  int uploads = 0;
  for (const Route& r : api->routes()) {
    if (r.max_body == 0) continue;
    ++uploads;
    std::string path = r.path.substr(1);
    path.replace(path.find("{org}"), 5, "alpha");
    for (Role role : kAllRoles) {
      bool allowed = std::find(r.roles.begin(), r.roles.end(), role) != r.roles.end();
      EXPECT_EQ(api->body_limit(head(r.method, path, tokens[role])), allowed ? kMaxUploadBytes : 0)
          << r.method << " " << r.path << " as " << role_name(role);
    }
    EXPECT_EQ(api->body_limit(head(r.method, path, "")), 0u) << r.path;
    EXPECT_EQ(api->body_limit(head(r.method, path, "not-a-session")), 0u) << r.path;
    std::string beta = path;
    beta.replace(beta.find("alpha"), 5, "beta");
    EXPECT_EQ(api->body_limit(head(r.method, beta, tokens[Role::accountant])), 0u) << "another organisation's route";
  }
  EXPECT_EQ(uploads, 2);  // files and statements
  EXPECT_EQ(api->body_limit(head("POST", "orgs/alpha/donations", tokens[Role::accountant])), 0u);
  EXPECT_EQ(api->body_limit(head("GET", "orgs/alpha/files/" + std::string(64, 'a'), tokens[Role::accountant])), 0u);

  // Over the wire, with the server's default at 4 KiB: a 2 MiB receipt from an accountant is
  // stored whole; the same bytes without a session, or from a role that may not send files, are
  // refused before they are read.
  Api* p = api.get();
  http::Router router;
  ASSERT_TRUE(router.mount("/api/v1/", [p](const http::Request& r) { return p->handle(r); },
                           [p](const http::Request& h) { return p->body_limit(h); }));
  http::ServerOptions o = http::testing::ServerThread::quiet();
  o.workers = 2;
  o.limits.max_body_bytes = 4096;
  o.limits.max_upload_bytes = kMaxUploadBytes;
  o.limits.body_limit_for = [&router](const http::Request& h) { return router.body_limit(h); };
  http::testing::ServerThread st(router, o);
  std::string file = "%PDF-1.4 " + std::string(2 << 20, 'r');
  // With `expect`, only the header goes, as curl sends a large body: the server answers 100
  // Continue or, refusing, a final status without waiting for the body.
  auto send = [&](const std::string& token, bool expect = false) {
    http::testing::RawConn c(st.port());
    return c.request("POST /api/v1/orgs/alpha/files HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\n" +
                     (token.empty() ? std::string() : "Authorization: Bearer " + token + "\r\n") +
                     (expect ? "Expect: 100-continue\r\n" : "") + "Content-Length: " + std::to_string(file.size()) +
                     "\r\n\r\n" + (expect ? "" : file));
  };
  auto stored = send(tokens[Role::accountant]);
  ASSERT_EQ(stored.status, 201) << stored.body;
  json answer = json::parse(stored.body);
  EXPECT_EQ(answer["bytes"], file.size());
  auto back = api->handle(request("GET", "orgs/alpha/files/" + std::string(answer["sha256"]), "",
                                  tokens[Role::accountant]));
  ASSERT_EQ(back.status, 200);
  EXPECT_EQ(back.body, file);
  EXPECT_EQ(send("", true).status, 413);
  EXPECT_EQ(send(tokens[Role::auditor], true).status, 413);
  EXPECT_EQ(send("not-a-session", true).status, 413);
}

// The matrix's third dimension, generated from the route table: every route that names a
// record x every role x the caller's own record, another's, and one that does not exist.
// Roles the route does not declare get 403 before any lookup (so it reveals nothing of which
// records exist); for declared roles a record that does not exist is 404; and for case-scoped
// records (subjects, the desk's cases) another's is 404 too, indistinguishable from absence,
// except to directors.
TEST_F(ApiTest, AuthorisationMatrixOverOwnOthersAndMissingRecords) {
  std::string director = login_as(a, Role::director);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/vault/unseal", unseal_body(), director)).status, 200);
  std::map<Role, std::string> tokens;
  std::map<Role, std::int64_t> ids;
  for (Role role : kAllRoles) {
    tokens[role] = role == Role::director ? director : login_as(a, role);
    ids[role] = body_of(api->handle(request("GET", "orgs/alpha/me", "", tokens[role])))["user"]["id"];
  }
  const std::string stranger = login_as(a, Role::case_worker);  // creates the subjects that are others'
  auto new_subject = [&](const std::string& token) {
    auto r = api->handle(request("POST", "orgs/alpha/subjects", R"({"kind":"survivor","name":"Invented Person"})", token));
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(body_of(r)["code"]);
  };
  // A subject of `role`'s user: created by it where the role may create, else assigned to it.
  auto own_subject = [&](Role role) {
    if (role == Role::hotline_operator || role == Role::case_worker || role == Role::director)
      return new_subject(tokens[role]);
    std::string code = new_subject(stranger);
    EXPECT_EQ(api->handle(request("POST", "orgs/alpha/subjects/" + code + "/assignments",
                                  json{{"user", ids[role]}}.dump(), director)).status, 200);
    return code;
  };
  auto e = api->handle(request("POST", "orgs/alpha/expenses",
                               R"({"date":"2025-05-02","amount":100,"currency":"KZT","category":"lawyer","payee":"An invented law office","splits":[{"fund":"general","amount":100}]})",
                               tokens[Role::accountant]));
  ASSERT_EQ(e.status, 201) << e.body;
  const std::string expense = std::to_string(body_of(e)["record"].get<std::uint64_t>());
  auto up = api->handle(request("POST", "orgs/alpha/files", "%PDF-1.4 an invented receipt", tokens[Role::accountant],
                                "application/pdf"));
  ASSERT_EQ(up.status, 201) << up.body;
  const std::string sha = body_of(up)["sha256"];
  // The file is a receipt: read by bookkeepers, not by lawyers or case workers (404 to them).
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/expenses/" + expense + "/receipts", json{{"sha256", sha}}.dump(),
                                tokens[Role::accountant])).status, 201);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/intake", R"({"message":"an invented first message"})")).status, 202);
  auto in = api->handle(request("GET", "orgs/alpha/intake", "", director));
  ASSERT_EQ(in.status, 200) << in.body;
  const std::string message = std::to_string(body_of(in)["messages"][0]["id"].get<std::int64_t>());

  // Cases are case-scoped like subjects: a case opened by the role's user where it may open one,
  // else one assigned to it (a lawyer); another's is one a stranger opened.
  auto new_case = [&](const std::string& token, const std::string& survivor) {
    auto r = api->handle(request("POST", "orgs/alpha/cases",
                                 json{{"survivor", survivor}, {"category", "rape"}, {"region", "astana"}}.dump(), token));
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(body_of(r)["code"]);
  };
  auto own_case = [&](Role role) {
    if (role == Role::hotline_operator || role == Role::case_worker || role == Role::director)
      return new_case(tokens[role], new_subject(tokens[role]));
    std::string code = new_case(stranger, new_subject(stranger));
    if (role == Role::lawyer) {
      EXPECT_EQ(api->handle(request("POST", "orgs/alpha/cases/" + code + "/people",
                                    json{{"lawyer", ids[role]}}.dump(), director)).status, 200);
    }
    return code;
  };

  int checked = 0;
  for (const Route& r : api->routes()) {
    const bool subjects = r.path.find("/subjects/{code}") != std::string::npos;
    const bool cases = r.path.find("{case}") != std::string::npos;
    // A deadline, referral or suspect is named within its case; the desk's tests cover those routes.
    if (r.path.find("{deadline}") != std::string::npos || r.path.find("{referral}") != std::string::npos ||
        r.path.find("{suspect}") != std::string::npos)
      continue;
    std::string param = subjects || r.path.find("{code}") != std::string::npos ? "{code}"
                        : cases                                               ? "{case}"
                        : r.path.find("{record}") != std::string::npos        ? "{record}"
                        : r.path.find("{sha256}") != std::string::npos        ? "{sha256}"
                        : r.path.find("{message}") != std::string::npos       ? "{message}"
                                                                              : "";
    if (param.empty()) continue;
    std::string body = sample_body(r);
    if (r.path.ends_with("/receipts")) body = json{{"sha256", sha}}.dump();
    auto at = [&](const std::string& record) {
      std::string path = r.path;
      path.replace(path.find(param), param.size(), record);
      path.replace(path.find("{org}"), 5, "alpha");
      return path.substr(1);
    };
    for (Role role : kAllRoles) {
      const bool declared = r.is_public || std::find(r.roles.begin(), r.roles.end(), role) != r.roles.end();
      if (r.path.ends_with("/confirmations"))  // the confirmation the role may record
        body = json{{"role", role == Role::lawyer ? "lawyer" : "survivor"}}.dump();
      // A lawyer or case worker confirms only the expenses of their own cases; `expense` is for none.
      const bool scoped = r.path.ends_with("/confirmations") && (role == Role::lawyer || role == Role::case_worker);
      std::string existing = subjects ? own_subject(role)
                             : cases               ? own_case(role)
                             : scoped ? case_expense(director, tokens[Role::accountant], role == Role::lawyer ? ids[role] : 0,
                                                     role == Role::case_worker ? ids[role] : 0)
                             : param == "{record}"  ? expense
                             : param == "{sha256}"  ? sha
                             : param == "{message}" ? message
                                                    : "A-1";
      std::string others = subjects ? new_subject(stranger)
                           : cases  ? new_case(stranger, new_subject(stranger))
                           : scoped ? expense
                                    : existing;
      std::string missing = subjects                                       ? "S-NOSUCH00"
                            : cases                                        ? "C-2025-NOSUCH"
                            : param == "{record}" || param == "{message}" ? "999999"
                            : param == "{sha256}"                         ? std::string(64, 'b')
                                                                          : "A-404";
      auto call = [&](const std::string& record) {
        auto res = api->handle(request(r.method, at(record), body, tokens[role], sample_type(r)));
        EXPECT_LT(res.status, 500) << r.method << " " << at(record) << " as " << role_name(role) << ": " << res.body;
        return res.status;
      };
      const std::string what = r.method + " " + r.path + " as " + role_name(role);
      if (!declared) {
        for (const auto& rec : {existing, others, missing}) EXPECT_EQ(call(rec), 403) << what;
        continue;
      }
      EXPECT_EQ(call(missing), 404) << what << " (missing)";
      const bool not_their_file =
          param == "{sha256}" && r.method == "GET" && (role == Role::lawyer || role == Role::case_worker);
      int own = call(existing);
      if (not_their_file)
        EXPECT_EQ(own, 404) << what << " (a receipt)";
      else
        EXPECT_TRUE(own != 401 && own != 403 && own != 404) << what << " (own): " << own;
      int other = call(others);
      if (scoped) {
        EXPECT_EQ(other, 403) << what << " (an expense for no case of theirs)";
      } else if (((subjects || cases) && role != Role::director) || not_their_file) {
        EXPECT_EQ(other, 404) << what << " (another's)";
      } else {
        EXPECT_TRUE(other != 401 && other != 403 && other != 404) << what << " (another's): " << other;
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 15);  // the routes with records x their roles
}

// Case-scoped reads: for each role that may read subjects, its own subject, another's and a
// code that does not exist; directors read every subject. Guessing is indistinguishable from
// absence (404 both).
TEST_F(ApiTest, SubjectsAreReadableByTheirOwnersAndDirectorsOnly) {
  std::string director = login_as(a, Role::director);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/vault/unseal", unseal_body(), director)).status, 200);
  std::map<Role, std::string> tokens, codes;
  for (Role role : {Role::hotline_operator, Role::case_worker, Role::lawyer}) tokens[role] = login_as(a, role);
  // The lawyer may read but not create: a case worker creates one and the director assigns it.
  for (Role role : {Role::hotline_operator, Role::case_worker}) {
    auto r = api->handle(request("POST", "orgs/alpha/subjects", R"({"kind":"survivor","name":"Invented Person"})",
                                 tokens[role]));
    ASSERT_EQ(r.status, 201) << r.body;
    codes[role] = body_of(r)["code"];
  }
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/subjects", R"({"kind":"survivor"})", tokens[Role::lawyer])).status, 403);
  auto lawyer_id = body_of(api->handle(request("GET", "orgs/alpha/me", "", tokens[Role::lawyer])))["user"]["id"];
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/subjects/" + codes[Role::case_worker] + "/assignments",
                                json{{"user", lawyer_id}}.dump(), director)).status, 200);
  codes[Role::lawyer] = codes[Role::case_worker];
  for (auto& [role, token] : tokens) {
    std::string own = codes[role];
    std::string others = codes[role == Role::hotline_operator ? Role::case_worker : Role::hotline_operator];
    EXPECT_EQ(api->handle(request("GET", "orgs/alpha/subjects/" + own, "", token)).status, 200) << role_name(role);
    EXPECT_EQ(api->handle(request("GET", "orgs/alpha/subjects/" + others, "", token)).status, 404) << role_name(role);
    EXPECT_EQ(api->handle(request("GET", "orgs/alpha/subjects/S-NOSUCH00", "", token)).status, 404) << role_name(role);
  }
  for (const auto& [role, code] : codes)
    EXPECT_EQ(api->handle(request("GET", "orgs/alpha/subjects/" + code, "", director)).status, 200);
  for (Role role : {Role::accountant, Role::communications, Role::auditor, Role::admin}) {
    std::string t = login_as(a, role);
    EXPECT_EQ(api->handle(request("GET", "orgs/alpha/subjects/" + codes[Role::case_worker], "", t)).status, 403)
        << role_name(role);
  }
  // Another organisation's staff cannot see it either, even with the code.
  std::string foreign = login_as(b, Role::director, "beta");
  EXPECT_EQ(api->handle(request("GET", "orgs/beta/subjects/" + codes[Role::case_worker], "", foreign)).status, 423);
}

TEST_F(ApiTest, WhileSealedIdentitiesAreLockedButTheIntakeAndBooksWork) {
  std::string worker = login_as(a, Role::case_worker), director = login_as(a, Role::director);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/subjects", R"({"kind":"survivor"})", worker)).status, 423);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/intake", R"({"message":"I need help, please call"})")).status, 202);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/intake", "", director)).status, 423);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/report")).status, 200);
  // Two of the three directors' shares unseal it; one is not enough.
  auto one = api->handle(request("POST", "orgs/alpha/vault/unseal", json{{"share", a.shares[0]}}.dump(), director));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(body_of(one)["shares_needed"], 1);
  // The directors' screen sees how the vault unseals and how far the shares have come.
  json state = body_of(api->handle(request("GET", "orgs/alpha/vault", "", director)));
  EXPECT_EQ(state["passphrase"], true);
  EXPECT_EQ(state["shares"], (json{{"k", 2}, {"n", 3}, {"given", 1}})) << state.dump();
  auto two = api->handle(request("POST", "orgs/alpha/vault/unseal", json{{"share", a.shares[2]}}.dump(), director));
  ASSERT_EQ(two.status, 200) << two.body;
  EXPECT_EQ(body_of(two)["sealed"], false);
  auto msgs = api->handle(request("GET", "orgs/alpha/intake", "", director));
  ASSERT_EQ(msgs.status, 200);
  EXPECT_EQ(body_of(msgs)["messages"][0]["message"], "I need help, please call");
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/vault/seal", "", director)).status, 200);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/intake", "", director)).status, 423);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/vault/unseal", R"({"passphrase":"wrong wrong wrong"})", director)).status,
            400);
}

// The public form from one address: the burst goes through, the next message within the
// interval is 429 intake-limited with Retry-After and is not stored, while another address
// still gets through; after the interval the first may send again.
TEST_F(ApiTest, IntakeBeyondTheBurstFromOneAddressIs429AndNotStoredWhileOthersGetThrough) {
  auto from = [](const std::string& address, const std::string& message) {
    http::Request r = request("POST", "orgs/alpha/intake", json{{"message", message}}.dump());
    r.remote = address;
    return r;
  };
  for (int i = 0; i < Identities::kIntakeBurst; ++i)
    ASSERT_EQ(api->handle(from("192.0.2.7", "invented message " + std::to_string(i))).status, 202) << i;
  const std::string refused = "Canary-Refused-Intake-Q7";
  auto limited = api->handle(from("192.0.2.7", refused));
  ASSERT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(body_of(limited)["reason"], "intake-limited");
  EXPECT_EQ(body_of(limited)["type"], "/api/v1/problems/intake-limited");
  auto retry = http::find_header(limited.headers, "retry-after");
  ASSERT_TRUE(retry);
  EXPECT_EQ(std::string(*retry), std::to_string(Identities::kIntakeInterval));
  EXPECT_EQ(limited.body.find(refused), std::string::npos);
  // The same client over IPv6 counts by its /64, whichever address of it it writes from.
  for (int i = 0; i < Identities::kIntakeBurst; ++i)
    ASSERT_EQ(api->handle(from("2001:db8:1:2::" + std::to_string(i + 1), "from v6")).status, 202) << i;
  EXPECT_EQ(api->handle(from("2001:db8:1:2:ffff::9", refused)).status, 429);
  EXPECT_EQ(api->handle(from("198.51.100.9", "another sender")).status, 202);

  std::string director = login_as(a, Role::director);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/vault/unseal", unseal_body(), director)).status, 200);
  auto all = api->handle(request("GET", "orgs/alpha/intake?limit=200", "", director));
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(body_of(all)["messages"].size(), std::size_t(2 * Identities::kIntakeBurst + 1));
  EXPECT_EQ(all.body.find(refused), std::string::npos);

  a.now += Identities::kIntakeInterval;  // one more is allowed once the interval has passed
  EXPECT_EQ(api->handle(from("192.0.2.7", "one more")).status, 202);
  EXPECT_EQ(api->handle(from("192.0.2.7", "and another")).status, 429);
}

std::vector<std::string> intake_texts(const json& page) {
  std::vector<std::string> out;
  for (const auto& m : page["messages"]) out.push_back(m["message"]);
  return out;
}

// The hotline reads the intake a page at a time: every message exactly once, oldest first,
// the response naming where the next page starts until the last.
TEST_F(ApiTest, IntakePagesReturnEveryMessageExactlyOnceInOrder) {
  std::vector<std::string> sent;
  for (int i = 0; i < 8; ++i) {
    sent.push_back("invented message " + std::to_string(i));
    http::Request r = request("POST", "orgs/alpha/intake", json{{"message", sent.back()}}.dump());
    r.remote = "192.0.2." + std::to_string(10 + i);
    ASSERT_EQ(api->handle(r).status, 202);
  }
  std::string hotline = login_as(a, Role::hotline_operator), director = login_as(a, Role::director);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/vault/unseal", unseal_body(), director)).status, 200);
  std::vector<std::string> got;
  std::vector<std::int64_t> ids;
  std::string query = "limit=3";
  int pages = 0;
  for (;; ++pages) {
    ASSERT_LT(pages, 5);
    auto r = api->handle(request("GET", "orgs/alpha/intake?" + query, "", hotline));
    ASSERT_EQ(r.status, 200) << r.body;
    json page = body_of(r);
    EXPECT_LE(page["messages"].size(), 3u);
    for (const auto& m : page["messages"]) {
      ids.push_back(m["id"]);
      EXPECT_FALSE(m.contains("archived"));
    }
    for (auto& t : intake_texts(page)) got.push_back(t);
    if (!page.contains("next_after")) break;
    EXPECT_EQ(page["next_after"], ids.back());
    query = "limit=3&after=" + std::to_string(page["next_after"].get<std::int64_t>());
  }
  EXPECT_EQ(pages + 1, 3);
  EXPECT_EQ(got, sent);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), ids.size());
  // Without a limit, one page of them all (the default page is larger); out-of-range asks are 400.
  auto whole = body_of(api->handle(request("GET", "orgs/alpha/intake", "", hotline)));
  EXPECT_EQ(intake_texts(whole), sent);
  EXPECT_FALSE(whole.contains("next_after"));
  for (const char* bad : {"limit=0", "limit=201", "limit=x", "after=-1", "archived=yes", "page=2"}) {
    auto r = api->handle(request("GET", std::string("orgs/alpha/intake?") + bad, "", hotline));
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_EQ(body_of(r)["reason"], "query-invalid") << bad;
  }
}

// Archiving what the hotline has handled: the message leaves the default list and is listed
// with archived=true; archiving again changes nothing; a message that does not exist is 404.
// Each is in the access trail.
TEST_F(ApiTest, AnArchivedIntakeMessageLeavesTheDefaultListAndAppearsWithTheArchivedFilter) {
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(api->handle(request("POST", "orgs/alpha/intake", json{{"message", "message " + std::to_string(i)}}.dump()))
                  .status,
              202);
  std::string hotline = login_as(a, Role::hotline_operator), director = login_as(a, Role::director);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/vault/unseal", unseal_body(), director)).status, 200);
  auto before = body_of(api->handle(request("GET", "orgs/alpha/intake", "", hotline)));
  ASSERT_EQ(before["messages"].size(), 3u);
  const std::int64_t handled = before["messages"][1]["id"];
  a.now += 60;
  auto archived = api->handle(request("POST", "orgs/alpha/intake/" + std::to_string(handled) + "/archive", "", hotline));
  ASSERT_EQ(archived.status, 200) << archived.body;
  EXPECT_EQ(body_of(archived)["id"], handled);
  EXPECT_EQ(intake_texts(body_of(api->handle(request("GET", "orgs/alpha/intake", "", hotline)))),
            (std::vector<std::string>{"message 0", "message 2"}));
  EXPECT_EQ(intake_texts(body_of(api->handle(request("GET", "orgs/alpha/intake?archived=false", "", hotline)))),
            (std::vector<std::string>{"message 0", "message 2"}));
  auto filed = body_of(api->handle(request("GET", "orgs/alpha/intake?archived=true", "", hotline)));
  ASSERT_EQ(filed["messages"].size(), 1u);
  EXPECT_EQ(filed["messages"][0]["id"], handled);
  EXPECT_EQ(filed["messages"][0]["message"], "message 1");
  EXPECT_EQ(filed["messages"][0]["archived"], a.now);
  // Again: still archived, at its first time.
  a.now += 60;
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/intake/" + std::to_string(handled) + "/archive", "", director)).status,
            200);
  EXPECT_EQ(body_of(api->handle(request("GET", "orgs/alpha/intake?archived=true", "", hotline)))["messages"][0]["archived"],
            a.now - 60);
  for (const std::string missing : {"999999", "0", "abc"}) {
    auto r = api->handle(request("POST", "orgs/alpha/intake/" + missing + "/archive", "", hotline));
    EXPECT_EQ(r.status, 404) << missing << ": " << r.body;
    EXPECT_EQ(body_of(r)["reason"], "intake-not-found") << missing;
  }
  // Another organisation's message is not there for this one.
  std::string foreign = login_as(b, Role::hotline_operator, "beta");
  EXPECT_EQ(api->handle(request("POST", "orgs/beta/intake/" + std::to_string(handled) + "/archive", "", foreign)).status,
            404);
  auto trail = body_of(api->handle(request("GET", "orgs/alpha/access-trail", "", director)));
  EXPECT_TRUE(trail["intact"]);
  std::multiset<std::string> actions;
  for (const auto& e : trail["entries"])
    actions.insert(e["action"].get<std::string>() + " " + e["target"].get<std::string>() + " " +
                   e["outcome"].get<std::string>());
  EXPECT_EQ(actions.count("archive-intake intake:" + std::to_string(handled) + " ok"), 2u);
  EXPECT_EQ(actions.count("archive-intake intake:999999 not-found"), 1u);
  EXPECT_EQ(actions.count("read-intake intake:archived ok"), 2u);
  EXPECT_EQ(trail.dump().find("message 1"), std::string::npos);
}

// Canary: identities created through the API are in no file of the data directory, in the
// clear, before or after erasure; after erasure they are unreadable even with the vault open.
TEST_F(ApiTest, CanaryIdentitiesNeverReachTheDiskInTheClear) {
  const std::string name = "Canary-Survivor-Zhibek-7Q3", phone = "+7 777 131 0042", donor = "Canary-Donor-Arman-X5",
                    note = "Canary-Intake-Message-KX9", bank_ref = "Canary-Gift-From-Saule-K4",
                    paid_ref = "Canary-Paid-To-Dana-K5";
  std::string director = login_as(a, Role::director), accountant = login_as(a, Role::accountant);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/vault/unseal", unseal_body(), director)).status, 200);
  auto s1 = api->handle(request("POST", "orgs/alpha/subjects",
                                json{{"kind", "survivor"}, {"name", name}, {"phone", phone}, {"notes", "about " + name}}.dump(),
                                director));
  ASSERT_EQ(s1.status, 201) << s1.body;
  auto s2 = api->handle(request("POST", "orgs/alpha/subjects", json{{"kind", "donor"}, {"name", donor}}.dump(), director));
  ASSERT_EQ(s2.status, 201);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/intake", json{{"message", note}}.dump())).status, 202);
  // Bank references often carry a name: a donation's and an expense's are kept only as tags.
  auto gift = api->handle(request("POST", "orgs/alpha/donations",
                                  json{{"date", "2025-05-02"}, {"amount", 5000}, {"currency", "KZT"}, {"channel", "bank"},
                                       {"fund", "general"}, {"bank_ref", bank_ref}}.dump(),
                                  accountant));
  ASSERT_EQ(gift.status, 201) << gift.body;
  auto paid = api->handle(request("POST", "orgs/alpha/expenses",
                                  json{{"date", "2025-05-02"}, {"amount", 100}, {"currency", "KZT"}, {"category", "other"},
                                       {"payee", "An invented shop"}, {"bank_ref", paid_ref},
                                       {"splits", json::array({{{"fund", "general"}, {"amount", 100}}})}}.dump(),
                                  accountant));
  ASSERT_EQ(paid.status, 201) << paid.body;
  std::string code = body_of(s1)["code"];
  auto read = api->handle(request("GET", "orgs/alpha/subjects/" + code, "", director));
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(body_of(read)["fields"]["name"], name);
  // A backup taken now is scanned with the data directory (it is encrypted as a whole, but it
  // must not hold the identities in the clear inside either: restored, it is scanned again).
  std::filesystem::path backup_file = a.books.dir().string() + ".backup", restored = a.books.dir().string() + ".restored";
  backup::BackupOptions bo;
  bo.opslimit = crypto_pwhash_OPSLIMIT_MIN;
  bo.memlimit = crypto_pwhash_MEMLIMIT_MIN;
  ASSERT_TRUE(backup::write_backup(a.books.dir(), backup_file, "backup passphrase for tests", bo));
  auto restored_ok = backup::restore_backup(backup_file, restored, "backup passphrase for tests", {});
  ASSERT_TRUE(restored_ok) << restored_ok.error().message;
  auto scan = [&](const char* when) {
    std::vector<std::filesystem::path> files = {backup_file};
    for (const auto& dir : {a.books.dir(), restored})
      for (const auto& f : std::filesystem::recursive_directory_iterator(dir))
        if (f.is_regular_file()) files.push_back(f.path());
    for (const auto& path : files) {
      std::ifstream in(path, std::ios::binary);
      std::string all(std::istreambuf_iterator<char>(in), {});
      for (const std::string& marker :
           {name, phone, donor, note, bank_ref, paid_ref, std::string("Zhibek"), std::string("131 0042"),
            std::string("Saule"), std::string("Dana-K5")})
        EXPECT_EQ(all.find(marker), std::string::npos) << when << ": " << marker << " in " << path;
    }
  };
  scan("after creation");
  ASSERT_EQ(api->handle(request("DELETE", "orgs/alpha/subjects/" + code, "", director)).status, 200);
  auto gone = api->handle(request("GET", "orgs/alpha/subjects/" + code, "", director));
  ASSERT_EQ(gone.status, 200);
  EXPECT_TRUE(body_of(gone)["erased"]);
  EXPECT_TRUE(body_of(gone)["fields"].empty());
  scan("after erasure");
  std::filesystem::remove(backup_file);
  std::filesystem::remove_all(restored);
}

// Erasure leaves nothing that could be opened later, in any file of the data directory: a copy
// of the directory taken right after it, with the vault's passphrase, must not recover the
// subject. The erased wrapped key and sealed fields are searched for as bytes in every file,
// the write-ahead log included.
TEST_F(ApiTest, AnErasedSubjectLeavesNoRecoverableTraceInAnyFile) {
  std::string director = login_as(a, Role::director);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/vault/unseal", unseal_body(), director)).status, 200);
  auto s = api->handle(request("POST", "orgs/alpha/subjects",
                               R"({"kind":"survivor","name":"Canary-Erased-Aigerim-5W","phone":"+7 700 555 1234"})",
                               director));
  ASSERT_EQ(s.status, 201);
  std::string code = body_of(s)["code"];
  // The sealed bytes as stored, read the way an intruder with the files would.
  std::vector<std::string> sealed;
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2((a.books.dir() / "amanat.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    for (const char* sql : {"SELECT data_key FROM subjects WHERE code = ?1",
                            "SELECT value FROM subject_fields WHERE subject = (SELECT id FROM subjects WHERE code = ?1)"}) {
      sqlite3_stmt* q = nullptr;
      ASSERT_EQ(sqlite3_prepare_v2(db, sql, -1, &q, nullptr), SQLITE_OK);
      sqlite3_bind_text(q, 1, code.c_str(), -1, SQLITE_TRANSIENT);
      while (sqlite3_step(q) == SQLITE_ROW)
        sealed.emplace_back(static_cast<const char*>(sqlite3_column_blob(q, 0)), sqlite3_column_bytes(q, 0));
      sqlite3_finalize(q);
    }
    sqlite3_close(db);
  }
  ASSERT_EQ(sealed.size(), 3u);  // the wrapped key, the name, the phone
  auto files_holding = [&](const std::string& bytes) {
    std::vector<std::string> found;
    for (const auto& f : std::filesystem::recursive_directory_iterator(a.books.dir())) {
      if (!f.is_regular_file()) continue;
      std::ifstream in(f.path(), std::ios::binary);
      std::string all(std::istreambuf_iterator<char>(in), {});
      if (all.find(bytes) != std::string::npos) found.push_back(f.path().filename().string());
    }
    return found;
  };
  for (const auto& b : sealed) EXPECT_FALSE(files_holding(b).empty());  // there before, as they must be
  ASSERT_EQ(api->handle(request("DELETE", "orgs/alpha/subjects/" + code, "", director)).status, 200);
  for (const auto& b : sealed) {
    auto found = files_holding(b);
    EXPECT_TRUE(found.empty()) << "erased bytes still in " << (found.empty() ? "" : found.front());
  }
}

// ---- taking access away ----

// The id of the user a token belongs to.
std::int64_t id_of(Api& api, const std::string& token) {
  return body_of(api.handle(request("GET", "orgs/alpha/me", "", token)))["user"]["id"];
}

// A disabled user's sessions stop at once, also in another process: sessions are checked
// against the database on every request (here a second set of stores and accounts over the
// same database file stands for the other process).
TEST_F(ApiTest, ADisabledUsersSessionsStopAtOnceInEveryProcess) {
  std::string worker = login_as(a, Role::case_worker), director = login_as(a, Role::director);
  std::int64_t worker_id = id_of(*api, worker);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/me", "", worker)).status, 200);
  auto other = store::open_org(*store::DataDir::open(a.books.dir()));
  ASSERT_TRUE(other) << other.error().message;
  crypto::MasterKey k{};
  k[0] = 11;
  Accounts other_process(*other->db, *other->accounts, crypto::Keyring::from_master(k), [this] { return a.now; });
  ASSERT_TRUE(other_process.set_disabled(nullptr, worker_id, true));
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/me", "", worker)).status, 401);
  auto relog = api->handle(request("POST", "orgs/alpha/session",
                                   json{{"name", "case-worker-1"}, {"password", kPassword}}.dump()));
  EXPECT_EQ(relog.status, 401);
  EXPECT_EQ(body_of(relog)["reason"], "wrong-credentials");  // the same answer as a wrong password
  // Enabled again, they log in; the old session stays ended.
  auto enabled = api->handle(request("POST", "orgs/alpha/users/" + std::to_string(worker_id) + "/status",
                                     R"({"enabled":true})", director));
  ASSERT_EQ(enabled.status, 200) << enabled.body;
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/me", "", worker)).status, 401);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/session",
                                json{{"name", "case-worker-1"}, {"password", kPassword}}.dump())).status,
            201);
  // Revoking sessions ends them too; a role change applies at the next request.
  std::string again = body_of(api->handle(request("POST", "orgs/alpha/session",
                                                  json{{"name", "case-worker-1"}, {"password", kPassword}}.dump())))["token"];
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/users/" + std::to_string(worker_id) + "/role",
                                R"({"role":"auditor"})", director)).status,
            200);
  EXPECT_EQ(body_of(api->handle(request("GET", "orgs/alpha/me", "", again)))["user"]["role"], "auditor");
  ASSERT_EQ(api->handle(request("DELETE", "orgs/alpha/users/" + std::to_string(worker_id) + "/sessions", "", director))
                .status,
            200);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/me", "", again)).status, 401);
}

// An admin manages staff, but never directors or admins, and cannot make one: the attack of an
// admin creating a director to read every survivor's identity is refused. Nobody changes their
// own role or access, and the last director stays.
TEST_F(ApiTest, OnlyDirectorsMakeOrManageDirectorsAndNobodyRaisesTheirOwnRole) {
  std::string admin = login_as(a, Role::admin), director = login_as(a, Role::director);
  std::string worker = login_as(a, Role::case_worker);
  std::int64_t admin_id = id_of(*api, admin), director_id = id_of(*api, director), worker_id = id_of(*api, worker);
  auto as = [&](const std::string& token, const std::string& method, const std::string& path, const std::string& body) {
    return api->handle(request(method, "orgs/alpha/" + path, body, token));
  };
  auto made = as(admin, "POST", "users", R"({"name":"new-director","role":"director","password":"another fine passphrase 88"})");
  EXPECT_EQ(made.status, 422) << made.body;
  EXPECT_EQ(body_of(made)["reason"], "account-rule");
  EXPECT_EQ(as(admin, "POST", "users/" + std::to_string(worker_id) + "/role", R"({"role":"director"})").status, 422);
  EXPECT_EQ(as(admin, "POST", "users/" + std::to_string(admin_id) + "/role", R"({"role":"director"})").status, 422);
  EXPECT_EQ(as(director, "POST", "users/" + std::to_string(director_id) + "/role", R"({"role":"admin"})").status, 422);
  EXPECT_EQ(as(admin, "POST", "users/" + std::to_string(director_id) + "/status", R"({"enabled":false})").status, 422);
  EXPECT_EQ(as(admin, "DELETE", "users/" + std::to_string(director_id) + "/sessions", "").status, 422);
  // What an admin may do: staff who are neither, but not give the roles of the books' controls
  // (else the admin could make two accountants and approve expenses through them).
  EXPECT_EQ(as(admin, "POST", "users/" + std::to_string(worker_id) + "/role", R"({"role":"lawyer"})").status, 422);
  EXPECT_EQ(as(admin, "POST", "users", R"({"name":"ghost-approver","role":"accountant","password":"another fine passphrase 88"})")
                .status,
            422);
  EXPECT_EQ(as(admin, "POST", "users/" + std::to_string(worker_id) + "/role", R"({"role":"communications"})").status, 200);
  EXPECT_EQ(as(admin, "POST", "users", R"({"name":"new-auditor","role":"auditor","password":"another fine passphrase 88"})")
                .status,
            201);
  // A director makes a director (one approval suffices without shares), and the last director stays.
  auto second = as(director, "POST", "users", R"({"name":"second-director","role":"director","password":"another fine passphrase 88"})");
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_FALSE(body_of(second).contains("pending"));
  std::int64_t second_id = body_of(second)["user"]["id"];
  ASSERT_EQ(as(director, "POST", "users/" + std::to_string(second_id) + "/status", R"({"enabled":false})").status, 200);
  auto last = as(director, "POST", "users/" + std::to_string(admin_id) + "/role", R"({"role":"auditor"})");
  EXPECT_EQ(last.status, 200) << last.body;  // an admin may be demoted by a director
  // The only enabled director cannot be disabled by anyone's API call (and not by themselves).
  EXPECT_EQ(as(director, "POST", "users/" + std::to_string(director_id) + "/status", R"({"enabled":false})").status, 422);
  EXPECT_EQ(a.accounts->set_disabled(nullptr, director_id, true).error().reason, &reasons::last_director);
}

// Where the vault is split into Shamir shares (k of n), a director's role needs k directors: the
// new director stays disabled until enough distinct directors approved; no one approves twice or
// for themselves.
TEST_F(ApiTest, ADirectorsRoleNeedsAsManyDirectorsAsUnsealTheVault) {
  a.accounts->require_approvals(2);
  std::string d1 = login_as(a, Role::director), d2 = login_as(a, Role::director);
  auto made = api->handle(request("POST", "orgs/alpha/users",
                                  R"({"name":"third-director","role":"director","password":"another fine passphrase 88"})", d1));
  ASSERT_EQ(made.status, 201) << made.body;
  json m = body_of(made);
  ASSERT_TRUE(m.contains("pending")) << m.dump();
  EXPECT_TRUE(m["user"]["disabled"]);
  EXPECT_EQ(m["approvals_needed"], 2);
  std::string grant = std::to_string(m["pending"]["id"].get<std::int64_t>());
  auto login = [&] {
    return api->handle(request("POST", "orgs/alpha/session",
                               json{{"name", "third-director"}, {"password", "another fine passphrase 88"}}.dump()));
  };
  EXPECT_EQ(login().status, 401);  // not yet
  // Not by enabling them by hand either (an admin may enable staff; this one is not staff yet).
  std::string admin = login_as(a, Role::admin);
  const std::string waiting = std::to_string(m["user"]["id"].get<std::int64_t>());
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/users/" + waiting + "/status", R"({"enabled":true})", admin)).status, 409);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/users/" + waiting + "/status", R"({"enabled":true})", d1)).status, 409);
  EXPECT_EQ(login().status, 401);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/grants/" + grant + "/approvals", "{}", d1)).status, 409);
  auto listed = api->handle(request("GET", "orgs/alpha/grants", "", d2));
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(body_of(listed)["grants"].size(), 1u);
  EXPECT_EQ(body_of(listed)["approvals_needed"], 2);
  auto second = api->handle(request("POST", "orgs/alpha/grants/" + grant + "/approvals", "{}", d2));
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_FALSE(body_of(second).contains("pending"));
  EXPECT_EQ(body_of(second)["user"]["role"], "director");
  EXPECT_EQ(login().status, 201);
  EXPECT_EQ(body_of(api->handle(request("GET", "orgs/alpha/grants", "", d2)))["grants"].size(), 0u);

  // A promotion still waiting when its user is disabled lapses: no later approval re-enables them.
  std::string worker = login_as(a, Role::case_worker);
  const std::string id = std::to_string(id_of(*api, worker));
  auto promoted = api->handle(request("POST", "orgs/alpha/users/" + id + "/role", R"({"role":"director"})", d1));
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  ASSERT_TRUE(body_of(promoted).contains("pending")) << promoted.body;
  std::string lapsing = std::to_string(body_of(promoted)["pending"]["id"].get<std::int64_t>());
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/users/" + id + "/status", R"({"enabled":false})", d1)).status, 200);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/grants/" + lapsing + "/approvals", "{}", d2)).status, 404);
  auto users = body_of(api->handle(request("GET", "orgs/alpha/users", "", d2)));
  int seen = 0;
  for (const auto& u : users["users"])
    if (std::to_string(u["id"].get<std::int64_t>()) == id) {
      ++seen;
      EXPECT_TRUE(u["disabled"].get<bool>());
      EXPECT_EQ(u["role"], "case_worker");
    }
  EXPECT_EQ(seen, 1) << users.dump();
}

// With k of n directors, one director cannot take over another: resetting a director's
// password or authenticator waits for k directors like a grant of their role (the director
// being reset never counts), so one director cannot log in as a second and approve alone.
TEST_F(ApiTest, ResettingADirectorsCredentialsNeedsAsManyDirectorsAsTheirRole) {
  a.accounts->require_approvals(2);
  std::string d1 = login_as(a, Role::director), d2 = login_as(a, Role::director), d3 = login_as(a, Role::director);
  const std::string victim = std::to_string(id_of(*api, d2));
  auto reset = api->handle(request("POST", "orgs/alpha/users/" + victim + "/password",
                                   R"({"password":"a takeover passphrase 4471"})", d1));
  ASSERT_EQ(reset.status, 200) << reset.body;
  json r = body_of(reset);
  EXPECT_FALSE(r["changed"].get<bool>());
  ASSERT_TRUE(r.contains("pending")) << r.dump();
  EXPECT_EQ(r["pending"]["kind"], "password");
  // Nothing changed yet: the victim's session and password still stand, the new one does not.
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/me", "", d2)).status, 200);
  std::string name = body_of(api->handle(request("GET", "orgs/alpha/me", "", d2)))["user"]["name"];
  auto login_with = [&](const std::string& password) {
    return api->handle(request("POST", "orgs/alpha/session", json{{"name", name}, {"password", password}}.dump()));
  };
  EXPECT_EQ(login_with("a takeover passphrase 4471").status, 401);
  // The same for the authenticator.
  auto totp = api->handle(request("DELETE", "orgs/alpha/users/" + victim + "/totp", "", d1));
  ASSERT_EQ(totp.status, 200) << totp.body;
  EXPECT_FALSE(body_of(totp)["reset"].get<bool>());
  EXPECT_EQ(body_of(totp)["pending"]["kind"], "totp");
  std::string grant = std::to_string(r["pending"]["id"].get<std::int64_t>());
  // The director being reset cannot approve it; a third one can, and then it applies.
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/grants/" + grant + "/approvals", "{}", d2)).status, 422);
  auto done = api->handle(request("POST", "orgs/alpha/grants/" + grant + "/approvals", "{}", d3));
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/me", "", d2)).status, 401);  // their sessions ended
  EXPECT_EQ(login_with("a takeover passphrase 4471").status, 401);              // the code is still needed
  a.now += 60;
  json with_code{{"name", name}, {"password", "a takeover passphrase 4471"}, {"totp", *auth::totp_code(secrets[name], a.now)}};
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/session", with_code.dump())).status, 201);
  // Staff who are neither director nor admin are reset by one director at once.
  std::string worker = login_as(a, Role::case_worker);
  auto plain = api->handle(request("POST", "orgs/alpha/users/" + std::to_string(id_of(*api, worker)) + "/password",
                                   R"({"password":"a plain reset passphrase 5582"})", d1));
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_TRUE(body_of(plain)["changed"].get<bool>());
  EXPECT_FALSE(body_of(plain).contains("pending"));
}

// A stolen session alone cannot replace an enrolled director's authenticator: re-enrolling
// needs the password and a current code of the enrolled app (or a director's reset).
TEST_F(ApiTest, ReplacingAnAuthenticatorNeedsThePasswordAndACurrentCode) {
  std::string token = login_as(a, Role::director);
  std::string name = body_of(api->handle(request("GET", "orgs/alpha/me", "", token)))["user"]["name"];
  auto begin = [&](json body) { return api->handle(request("POST", "orgs/alpha/me/totp", body.dump(), token)); };
  EXPECT_EQ(begin({{"password", "a guessed password 1"}}).status, 400);
  auto no_code = begin({{"password", kPassword}});
  EXPECT_EQ(no_code.status, 400);
  EXPECT_EQ(body_of(no_code)["reason"], "password-wrong");
  a.now += 60;
  EXPECT_EQ(begin({{"password", kPassword}, {"code", *auth::totp_code(secrets[name], a.now)}}).status, 201);
  // A director's reset drops it: the user's sessions end and the next login enrols again.
  std::string other = login_as(a, Role::director);
  std::int64_t id = id_of(*api, token);
  ASSERT_EQ(api->handle(request("DELETE", "orgs/alpha/users/" + std::to_string(id) + "/totp", "", other)).status, 200);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/me", "", token)).status, 401);
  auto fresh = api->handle(request("POST", "orgs/alpha/session", json{{"name", name}, {"password", kPassword}}.dump()));
  ASSERT_EQ(fresh.status, 201) << fresh.body;
  EXPECT_TRUE(body_of(fresh)["needs_totp_enrolment"]);
}

TEST_F(ApiTest, PasswordsChangeWithTheOldOneOrADirectorsResetAndOtherSessionsEnd) {
  std::string one = login_as(a, Role::accountant);
  std::string name = body_of(api->handle(request("GET", "orgs/alpha/me", "", one)))["user"]["name"];
  std::string two = body_of(api->handle(request("POST", "orgs/alpha/session",
                                                json{{"name", name}, {"password", kPassword}}.dump())))["token"];
  auto change = [&](json body) { return api->handle(request("POST", "orgs/alpha/me/password", body.dump(), one)); };
  EXPECT_EQ(change({{"old_password", "not my password 12"}, {"password", "a brand new passphrase 77"}}).status, 400);
  auto weak = change({{"old_password", kPassword}, {"password", "password2024!"}});
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(body_of(weak)["reason"], "password-weak");
  ASSERT_EQ(change({{"old_password", kPassword}, {"password", "a brand new passphrase 77"}}).status, 200);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/me", "", one)).status, 200);  // this session goes on
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/me", "", two)).status, 401);  // the other ended
  // A director resets it: every session ends, the new password works.
  std::string director = login_as(a, Role::director);
  std::int64_t id = id_of(*api, one);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/users/" + std::to_string(id) + "/password",
                                R"({"password":"the director chose this 31"})", login_as(a, Role::admin)))
                .status,
            403);  // admins do not reset passwords
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/users/" + std::to_string(id) + "/password",
                                R"({"password":"the director chose this 31"})", director))
                .status,
            200);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/me", "", one)).status, 401);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/session",
                                json{{"name", name}, {"password", "the director chose this 31"}}.dump())).status,
            201);
}

// A stolen token is no free password oracle: wrong old passwords are throttled like logins,
// and the right one is refused while the wait lasts.
TEST_F(ApiTest, GuessingThePasswordWithAStolenSessionIsThrottled) {
  std::string token = login_as(a, Role::accountant);
  auto change = [&](const std::string& old) {
    return api->handle(request("POST", "orgs/alpha/me/password",
                               json{{"old_password", old}, {"password", "a brand new passphrase 77"}}.dump(), token));
  };
  for (int i = 0; i < Accounts::kPairFreeFailures; ++i) EXPECT_EQ(change("guess number " + std::to_string(i)).status, 400);
  auto held = change(kPassword);
  EXPECT_EQ(held.status, 429);
  EXPECT_EQ(body_of(held)["reason"], "too-many-attempts");
  auto enrol = api->handle(request("POST", "orgs/alpha/me/totp", json{{"password", kPassword}}.dump(), token));
  EXPECT_EQ(body_of(enrol)["reason"], "too-many-attempts");
  a.now += 2;  // the wait (doubling from 1 s) passes: the right password works and clears the count
  EXPECT_EQ(change(kPassword).status, 200);
}

// The directors' screen reads the trail newest first, a page at a time, not the whole of it.
TEST_F(ApiTest, TheAccessTrailPagesNewestFirst) {
  std::string director = login_as(a, Role::director);
  (void)login_as(a, Role::accountant);
  auto get = [&](const std::string& query) { return api->handle(request("GET", "orgs/alpha/access-trail" + query, "", director)); };
  json all = body_of(get(""))["entries"];
  ASSERT_GE(all.size(), 3u);
  const std::size_t n = all.size();
  json newest = body_of(get("?before=0&limit=2"));
  EXPECT_TRUE(newest["intact"].get<bool>());
  ASSERT_EQ(newest["entries"].size(), 2u);
  EXPECT_EQ(newest["entries"][0]["seq"], all[n - 1]["seq"]);
  EXPECT_EQ(newest["entries"][1]["seq"], all[n - 2]["seq"]);
  json next = body_of(get("?before=" + std::to_string(newest["entries"][1]["seq"].get<std::int64_t>()) + "&limit=2"));
  ASSERT_EQ(next["entries"].size(), std::min<std::size_t>(2, n - 2));
  EXPECT_EQ(next["entries"][0]["seq"], all[n - 3]["seq"]);
  EXPECT_EQ(body_of(get("?before=1"))["entries"].size(), 0u);
  EXPECT_EQ(get("?after=1&before=5").status, 400);
  EXPECT_EQ(get("?limit=0").status, 400);
  EXPECT_EQ(get("?limit=1001").status, 400);
}

TEST_F(ApiTest, TheAccessTrailRecordsReadsLoginsAndDenialsAndDetectsEdits) {
  std::string director = login_as(a, Role::director), auditor = login_as(a, Role::auditor);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/vault/unseal", unseal_body(), director)).status, 200);
  auto s = api->handle(request("POST", "orgs/alpha/subjects", R"({"kind":"survivor","name":"Invented Person"})", director));
  std::string code = body_of(s)["code"];
  ASSERT_EQ(api->handle(request("GET", "orgs/alpha/subjects/" + code, "", director)).status, 200);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/subjects/" + code, "", auditor)).status, 403);
  (void)api->handle(request("POST", "orgs/alpha/session", R"({"name":"nobody-here","password":"wrong password 123"})"));
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/access-trail", "", auditor)).status, 403);
  auto t = api->handle(request("GET", "orgs/alpha/access-trail", "", director));
  ASSERT_EQ(t.status, 200);
  json trail = body_of(t);
  EXPECT_TRUE(trail["intact"]);
  std::multiset<std::string> actions;
  for (const auto& e : trail["entries"]) actions.insert(e["action"].get<std::string>() + ":" + e["outcome"].get<std::string>());
  EXPECT_TRUE(actions.count("read-subject:ok"));
  EXPECT_TRUE(actions.count("login:failed"));
  EXPECT_TRUE(actions.count("login:ok"));
  EXPECT_GE(actions.count("denied:403"), 2u);
  EXPECT_EQ(trail.dump().find("Invented Person"), std::string::npos);
  // An edit made behind the server's back breaks the chain.
  {
    sqlite3* db = nullptr;  // behind the stores' back: the raw file, as an intruder would
    ASSERT_EQ(sqlite3_open((a.books.dir() / "amanat.db").c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, "UPDATE access_trail SET outcome = 'ok' WHERE action = 'login' AND outcome = 'failed'",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  auto after = body_of(api->handle(request("GET", "orgs/alpha/access-trail", "", director)));
  EXPECT_FALSE(after["intact"]);
  EXPECT_NE(after["problem"].get<std::string>().find("altered"), std::string::npos);
}


// The database behind the stores' back, as an intruder holding the disk would write it.
void tamper(const std::filesystem::path& dir, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "amanat.db").c_str(), &db), SQLITE_OK);
  char* msg = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg), SQLITE_OK) << (msg ? msg : "");
  sqlite3_free(msg);
  sqlite3_close(db);
}

// A trail with a few rows, anchored on the log: the access trail's "anchored" member.
json anchored_trail(OrgFixture& org, Api& api, const std::string& director) {
  (void)api.handle(request("POST", "orgs/alpha/session", R"({"name":"nobody-here","password":"wrong password 123"})"));
  auto a = org.identities->anchor_trail();
  EXPECT_TRUE(a && *a) << (a ? "no anchor" : a.error().message);
  auto trail = body_of(api.handle(request("GET", "orgs/alpha/access-trail", "", director)));
  EXPECT_TRUE(trail["intact"]) << trail["problem"];
  EXPECT_EQ(trail["anchored"]["count"], trail["entries"].size());
  if (a && *a) {
    EXPECT_EQ(trail["anchored"]["record"], (*a)->leaf);
  }
  return trail["anchored"];
}

// Deleting the trail's last rows (and, for good measure, the database's index of anchors) is
// found: the anchor on the log says how many rows there were.
TEST_F(ApiTest, RowsRemovedFromTheEndOfTheAccessTrailAreFoundByItsAnchorOnTheLog) {
  std::string director = login_as(a, Role::director);
  std::int64_t anchored = anchored_trail(a, *api, director)["count"];
  ASSERT_GE(anchored, 3);
  tamper(a.books.dir(), "DELETE FROM access_trail WHERE seq > " + std::to_string(anchored - 2));
  auto after = body_of(api->handle(request("GET", "orgs/alpha/access-trail", "", director)));
  EXPECT_FALSE(after["intact"]);
  EXPECT_NE(after["problem"].get<std::string>().find("removed from its end"), std::string::npos) << after["problem"];
  EXPECT_FALSE(after.contains("anchored"));
  tamper(a.books.dir(), "DELETE FROM trail_anchors");
  after = body_of(api->handle(request("GET", "orgs/alpha/access-trail", "", director)));
  EXPECT_FALSE(after["intact"]);
  EXPECT_NE(after["problem"].get<std::string>().find("removed from its end"), std::string::npos) << after["problem"];
}

// Rewriting a row and recomputing every hash after it (the chain alone then verifies) is found:
// the anchor's head commits to the anchored row's hash, which the rewrite changed.
TEST_F(ApiTest, ARewrittenAccessTrailWithItsHashesRecomputedIsFoundByItsAnchorOnTheLog) {
  std::string director = login_as(a, Role::director);
  std::int64_t anchored = anchored_trail(a, *api, director)["count"];
  // The intruder turns the failed login into a successful one and rechains the trail as
  // docs/security.md describes it: SHA-256 over length-prefixed fields.
  tamper(a.books.dir(), "UPDATE access_trail SET outcome = 'ok' WHERE action = 'login' AND outcome = 'failed'");
  auto rows = a.identities->trail(0, 0);
  ASSERT_TRUE(rows);
  std::string prev, sql = "BEGIN;";
  for (const auto& r : *rows) {
    Sha256 h;
    for (const std::string& f : {std::string("amanat-trail-v1"), prev, std::to_string(r.seq), std::to_string(r.time),
                                 r.actor, r.action, r.target, r.outcome}) {
      h.update(std::to_string(f.size()) + ":");
      h.update(f);
    }
    prev = to_hex(h.final());
    sql += "UPDATE access_trail SET hash = '" + prev + "' WHERE seq = " + std::to_string(r.seq) + ";";
  }
  tamper(a.books.dir(), sql + "COMMIT;");
  ASSERT_TRUE(a.identities->verify_trail(std::span<const identity::AnchorAt>()));  // the chain alone: whole again
  auto after = body_of(api->handle(request("GET", "orgs/alpha/access-trail", "", director)));
  EXPECT_FALSE(after["intact"]);
  EXPECT_NE(after["problem"].get<std::string>().find("row " + std::to_string(anchored) + "): rows up to it were rewritten"),
            std::string::npos)
      << after["problem"];
}

// The anchor on the public log names how many rows the trail had and a keyed commitment to the
// last one's hash, never the hash itself (a public hash over guessable rows could be tested
// against guesses); the organisation recomputes the commitment with its accounts key. A new
// anchor is written only when the trail moved, and the audit passes over anchors, counting them
// as another family's leaves.
TEST_F(ApiTest, TheTrailAnchorOnTheLogCarriesAKeyedCommitmentAndNoTrailHash) {
  std::string director = login_as(a, Role::director);
  json anchored = anchored_trail(a, *api, director);
  const std::uint64_t leaf = anchored["record"];
  const std::int64_t count = anchored["count"];
  auto entry = a.books.log().read_entries(leaf, leaf + 1);
  ASSERT_TRUE(entry);
  std::string text(entry->at(0).begin(), entry->at(0).end());
  auto rows = a.identities->trail(0, 0);
  ASSERT_TRUE(rows);
  for (const auto& r : *rows) EXPECT_EQ(text.find(r.hash), std::string::npos) << "row " << r.seq << "'s hash is public";
  auto head = a.account_keys.commitment("amanat-trail-anchor-v1:" + std::to_string(count) + ":" +
                                        rows->at(static_cast<std::size_t>(count - 1)).hash);
  ASSERT_TRUE(head);
  EXPECT_EQ(text, R"({"count":)" + std::to_string(count) + R"(,"head":")" + *head + R"(","time":")" +
                      identity::utc_time(a.now) + R"(","type":"trail.anchor","v":1})");

  auto again = a.identities->anchor_trail();  // the trail has not moved: nothing to anchor
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  (void)api->handle(request("POST", "orgs/alpha/session", R"({"name":"nobody-here","password":"wrong password 123"})"));
  const auto size = a.books.seq().size();
  auto next = a.identities->anchor_trail();
  ASSERT_TRUE(next && *next);
  EXPECT_EQ((*next)->anchor.count, count + 1);
  EXPECT_EQ((*next)->leaf, size);

  auto entries = a.books.log().read_entries(0, a.books.seq().size());
  ASSERT_TRUE(entries);
  books::Auditor auditor([&](std::uint64_t i) -> Result<Bytes> { return entries->at(i); });
  for (std::uint64_t i = 0; i < entries->size(); ++i) auditor.feed(i, entries->at(i));
  for (const auto& f : auditor.findings()) ADD_FAILURE() << "leaf " << f.leaf << ": " << f.message;
  EXPECT_EQ(auditor.totals().other_families.at("trail"), 2u);
}

// Receipts and evidence: uploaded once (sealed at rest), attached and confirmed by their hash.
TEST_F(ApiTest, ReceiptFilesAreSealedAttachedAndConfirmedByTheirHash) {
  std::string accountant = login_as(a, Role::accountant), lawyer = login_as(a, Role::lawyer);
  std::string worker = login_as(a, Role::case_worker), director = login_as(a, Role::director);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/vault/unseal", unseal_body(), director)).status, 200);
  std::string expense = case_expense(director, accountant, user_id(lawyer), user_id(worker));
  // The accountant who booked it is not one of its approvers.
  auto own = api->handle(request("POST", "orgs/alpha/expenses/" + expense + "/approvals", "{}", accountant));
  EXPECT_EQ(own.status, 422);
  EXPECT_EQ(body_of(own)["type"], "/api/v1/problems/own-expense");

  const std::string pdf = "%PDF-1.4 invoice of Receipt-Canary-7Q2M for legal help";
  auto up = api->handle(request("POST", "orgs/alpha/files", pdf, accountant, "application/pdf"));
  ASSERT_EQ(up.status, 201) << up.body;
  std::string sha = body_of(up)["sha256"];
  EXPECT_EQ(sha, to_hex(sha256(pdf)));
  for (const auto& f : std::filesystem::recursive_directory_iterator(a.books.dir() / "receipts")) {
    std::ifstream in(f.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(bytes.find("Receipt-Canary-7Q2M"), std::string::npos) << f.path();
  }
  auto got = api->handle(request("GET", "orgs/alpha/files/" + sha, {}, accountant));
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, pdf);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/files/" + std::string(64, '0'), {}, accountant)).status, 404);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/files/..%2f..%2famanat.db", {}, accountant)).status, 404);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/files", pdf, accountant, "text/html")).status, 415);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/files", "", accountant, "application/pdf")).status, 415);

  auto attach = [&](const std::string& hash) {
    return api->handle(request("POST", "orgs/alpha/expenses/" + expense + "/receipts",
                               json{{"sha256", hash}}.dump(), accountant));
  };
  EXPECT_EQ(attach(std::string(64, 'b')).status, 400);  // never uploaded
  EXPECT_EQ(attach(sha).status, 201);
  EXPECT_EQ(attach(sha).status, 409);                   // already attached
  auto state = body_of(api->handle(request("GET", "orgs/alpha/expenses/" + expense, {}, accountant)));
  EXPECT_EQ(state["receipts"], json::array({sha}));

  auto confirm = [&](const std::string& token, const json& body) {
    return api->handle(request("POST", "orgs/alpha/expenses/" + expense + "/confirmations", body.dump(), token));
  };
  EXPECT_EQ(confirm(lawyer, {{"role", "survivor"}}).status, 422);  // a lawyer records only the lawyer's
  EXPECT_EQ(confirm(worker, {{"role", "lawyer"}}).status, 422);
  EXPECT_EQ(confirm(lawyer, {{"role", "lawyer"}, {"evidence", std::string(64, 'c')}}).status, 400);
  EXPECT_EQ(confirm(lawyer, {{"role", "lawyer"}, {"evidence", sha}}).status, 201);
  EXPECT_EQ(confirm(lawyer, {{"role", "lawyer"}}).status, 409);
  // A case worker records the survivor's confirmation on her behalf: only with its evidence.
  auto bare = confirm(worker, {{"role", "survivor"}});
  EXPECT_EQ(bare.status, 400);
  EXPECT_EQ(body_of(bare)["type"], "/api/v1/problems/evidence-required");
  EXPECT_EQ(confirm(worker, {{"role", "survivor"}, {"evidence", sha}}).status, 201);
  state = body_of(api->handle(request("GET", "orgs/alpha/expenses/" + expense, {}, accountant)));
  EXPECT_TRUE(state["lawyer_confirmed"].get<bool>());
  EXPECT_TRUE(state["survivor_confirmed"].get<bool>());
}

// The public log carries a salted commitment to each file, never its SHA-256, with which anyone
// holding a guessed document could confirm it. The salt, sealed beside the file, recomputes the
// commitment, so the organisation can still prove the file; each use of the file gets the same
// commitment, and the private database still names the file by its hash.
TEST_F(ApiTest, TheLogCommitsToAFileWithASealedSaltAndNeverCarriesItsHash) {
  std::string accountant = login_as(a, Role::accountant), lawyer = login_as(a, Role::lawyer);
  std::string director = login_as(a, Role::director);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/vault/unseal", unseal_body(), director)).status, 200);
  const std::uint64_t expense = std::stoull(case_expense(director, accountant, user_id(lawyer), 0));
  const std::string pdf = "%PDF-1.4 an invented statement a stranger might guess";
  auto up = api->handle(request("POST", "orgs/alpha/files", pdf, lawyer, "application/pdf"));
  ASSERT_EQ(up.status, 201) << up.body;
  const std::string sha = body_of(up)["sha256"];
  auto attached = api->handle(request("POST", "orgs/alpha/expenses/" + std::to_string(expense) + "/receipts",
                                      json{{"sha256", sha}}.dump(), accountant));
  ASSERT_EQ(attached.status, 201) << attached.body;
  auto confirmed = api->handle(request("POST", "orgs/alpha/expenses/" + std::to_string(expense) + "/confirmations",
                                       json{{"role", "lawyer"}, {"evidence", sha}}.dump(), lawyer));
  ASSERT_EQ(confirmed.status, 201) << confirmed.body;
  const std::uint64_t receipt = body_of(attached)["record"], confirmation = body_of(confirmed)["record"];

  auto committed = books::stored_commitment(a.books.dir(), a.books.keys(), sha);
  ASSERT_TRUE(committed && *committed) << (committed ? "no salt" : committed.error().message);
  const std::string salt = (*committed)->salt, commitment = (*committed)->commitment;
  // The construction docs/log-format.md states: SHA-256("amanat-file-v1:" || salt || SHA-256(file)).
  Sha256 h;
  h.update(std::string_view("amanat-file-v1:"));
  h.update(*from_hex(salt));
  h.update(sha256(pdf));
  EXPECT_EQ(to_hex(h.final()), commitment);
  EXPECT_EQ(*books::file_commitment(salt, sha), commitment);

  auto leaf = [&](std::uint64_t i) {
    auto entry = a.books.log().read_entries(i, i + 1);
    return entry ? std::string(entry->at(0).begin(), entry->at(0).end()) : std::string();
  };
  for (std::uint64_t i = 0; i < a.books.seq().size(); ++i) {
    EXPECT_EQ(leaf(i).find(sha), std::string::npos) << "record " << i << " carries the file's SHA-256";
    EXPECT_EQ(leaf(i).find(salt), std::string::npos) << "record " << i << " carries the salt";
  }
  EXPECT_TRUE(leaf(receipt).starts_with(R"({"commitment":")" + commitment + R"(","expense":)" + std::to_string(expense)))
      << leaf(receipt);
  EXPECT_TRUE(leaf(confirmation).starts_with(R"({"evidence_commitment":")" + commitment + R"(","expense":)"))
      << leaf(confirmation);
  // The salt is sealed beside the file: not on the disk in the clear.
  std::ifstream in(a.books.dir() / "receipts" / (sha + ".salt"), std::ios::binary);
  std::string sealed((std::istreambuf_iterator<char>(in)), {});
  EXPECT_FALSE(sealed.empty());
  EXPECT_EQ(sealed.find(salt), std::string::npos);
  // The database keeps the plain hash, and knows which records commit to the file.
  auto state = body_of(api->handle(request("GET", "orgs/alpha/expenses/" + std::to_string(expense), {}, accountant)));
  EXPECT_EQ(state["receipts"], json::array({sha}));
  auto uses = a.books.store().file_uses(sha);
  ASSERT_TRUE(uses);
  EXPECT_EQ(uses->records, (std::vector<std::uint64_t>{receipt, confirmation}));
  EXPECT_TRUE(uses->receipt && uses->lawyer_evidence);
}

// A lawyer confirms, and a case worker records the survivor's confirmation of, only an expense
// charged to an appeal for a case assigned to them: any lawyer could vouch for any expense
// before. An expense for no case is confirmed by a director only.
TEST_F(ApiTest, ALawyerConfirmsOnlyTheExpensesOfTheirOwnCases) {
  std::string accountant = login_as(a, Role::accountant), director = login_as(a, Role::director);
  std::string lawyer = login_as(a, Role::lawyer), other_lawyer = login_as(a, Role::lawyer);
  std::string worker = login_as(a, Role::case_worker), other_worker = login_as(a, Role::case_worker);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/vault/unseal", unseal_body(), director)).status, 200);
  const std::string ours = case_expense(director, accountant, user_id(lawyer), user_id(worker));
  auto general = api->handle(request("POST", "orgs/alpha/expenses",
                                     R"({"date":"2025-05-02","amount":100,"currency":"KZT","category":"lawyer","payee":"An invented law office","splits":[{"fund":"general","amount":100}]})",
                                     accountant));
  ASSERT_EQ(general.status, 201) << general.body;
  const std::string none = std::to_string(body_of(general)["record"].get<std::uint64_t>());
  auto up = api->handle(request("POST", "orgs/alpha/files", "%PDF-1.4 signed by an invented survivor", worker,
                                "application/pdf"));
  ASSERT_EQ(up.status, 201);
  const std::string sha = body_of(up)["sha256"];
  auto confirm = [&](const std::string& expense, const std::string& token, const json& body) {
    return api->handle(request("POST", "orgs/alpha/expenses/" + expense + "/confirmations", body.dump(), token));
  };
  for (const auto& [token, role] : {std::pair{other_lawyer, "lawyer"}, std::pair{other_worker, "survivor"}}) {
    auto refused = confirm(ours, token, {{"role", role}, {"evidence", sha}});
    EXPECT_EQ(refused.status, 403) << refused.body;
    EXPECT_EQ(body_of(refused)["type"], "/api/v1/problems/not-your-case");
    EXPECT_EQ(body_of(refused)["field"], "record");
  }
  for (const auto& [token, role] : {std::pair{lawyer, "lawyer"}, std::pair{worker, "survivor"}})
    EXPECT_EQ(confirm(none, token, {{"role", role}, {"evidence", sha}}).status, 403);
  EXPECT_EQ(confirm("999999", lawyer, {{"role", "lawyer"}}).status, 404);  // missing stays missing
  // Nothing was recorded by the refusals; the case's own people and a director are let through.
  auto state = body_of(api->handle(request("GET", "orgs/alpha/expenses/" + ours, {}, accountant)));
  EXPECT_FALSE(state["lawyer_confirmed"].get<bool>());
  EXPECT_FALSE(state["survivor_confirmed"].get<bool>());
  EXPECT_EQ(confirm(ours, lawyer, {{"role", "lawyer"}}).status, 201);
  EXPECT_EQ(confirm(ours, worker, {{"role", "survivor"}, {"evidence", sha}}).status, 201);
  EXPECT_EQ(confirm(none, director, {{"role", "lawyer"}, {"evidence", sha}}).status, 201);
}

// Files are read by the roles that may see what they are about: the survivor's signed
// confirmation not by the accountant who books the expense, nor by the lawyer, nor by a case
// worker of another case; the lawyer's evidence only by the case's lawyer and case worker; each
// download is in the access trail.
TEST_F(ApiTest, TheSurvivorsSignedConfirmationIsReadOnlyByThoseWhoMayReadSurvivors) {
  std::string accountant = login_as(a, Role::accountant), lawyer = login_as(a, Role::lawyer);
  std::string worker = login_as(a, Role::case_worker), director = login_as(a, Role::director);
  std::string other_worker = login_as(a, Role::case_worker), other_lawyer = login_as(a, Role::lawyer);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/vault/unseal", unseal_body(), director)).status, 200);
  std::string expense = case_expense(director, accountant, user_id(lawyer), user_id(worker));
  // A confirmation's evidence, uploaded and recorded by `token`: its SHA-256.
  auto evidence = [&](const std::string& text, const char* role, const std::string& token) {
    auto up = api->handle(request("POST", "orgs/alpha/files", text, token, "application/pdf"));
    EXPECT_EQ(up.status, 201);
    std::string sha = body_of(up)["sha256"];
    EXPECT_EQ(api->handle(request("POST", "orgs/alpha/expenses/" + expense + "/confirmations",
                                  json{{"role", role}, {"evidence", sha}}.dump(), token)).status, 201);
    return sha;
  };
  auto read = [&](const std::string& sha, const std::string& token) {
    return api->handle(request("GET", "orgs/alpha/files/" + sha, {}, token)).status;
  };
  const std::string signed_by_her = evidence("%PDF-1.4 signed by an invented survivor", "survivor", worker);
  EXPECT_EQ(read(signed_by_her, accountant), 404);
  EXPECT_EQ(read(signed_by_her, lawyer), 404);
  EXPECT_EQ(read(signed_by_her, other_worker), 404);
  EXPECT_EQ(read(signed_by_her, worker), 200);
  EXPECT_EQ(read(signed_by_her, director), 200);
  auto trail = body_of(api->handle(request("GET", "orgs/alpha/access-trail", {}, director)));
  int reads = 0, refused = 0;
  for (const auto& t : trail["entries"])
    if (t["action"] == "read-file") ++(t["outcome"] == "refused" ? refused : reads);
  EXPECT_EQ(reads, 2) << trail.dump();
  EXPECT_EQ(refused, 3) << trail.dump();

  const std::string report = evidence("%PDF-1.4 an invented lawyer's signed report", "lawyer", lawyer);
  EXPECT_EQ(read(report, lawyer), 200);
  EXPECT_EQ(read(report, worker), 200);
  EXPECT_EQ(read(report, other_lawyer), 404);
  EXPECT_EQ(read(report, other_worker), 404);
  EXPECT_EQ(read(report, accountant), 404);
}

// Reports published while donations are being booked, and the access trail anchored, still
// land at the size they state, so the audit of the whole log finds nothing.
TEST_F(ApiTest, ReportsPublishedDuringBookingLandAtTheSizeTheyStateAndPassTheAudit) {
  std::string accountant = login_as(a, Role::accountant), director = login_as(a, Role::director);
  std::atomic<bool> stop{false};
  std::atomic<int> booked{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t)
    writers.emplace_back([&] {
      while (!stop) {
        auto r = api->handle(request("POST", "orgs/alpha/donations", kDonation, accountant));
        EXPECT_EQ(r.status, 201) << r.body;
        ++booked;
      }
    });
  // The trail's anchors are leaves of another family, queued through the books' lock: none may
  // land between a report and the size it states.
  std::atomic<int> anchors{0};
  writers.emplace_back([&] {
    while (!stop) {
      a.identities->record("user:1", "test", "anchoring", "ok");
      auto anchor = a.identities->anchor_trail();
      ASSERT_TRUE(anchor) << anchor.error().message;
      anchors += *anchor ? 1 : 0;
    }
  });
  std::vector<std::uint64_t> reports;
  for (int i = 0; i < 5; ++i) {
    while (booked < 20 * (i + 1)) std::this_thread::yield();
    auto r = api->handle(request("POST", "orgs/alpha/reports", "{}", director));
    ASSERT_EQ(r.status, 201) << r.body;
    reports.push_back(body_of(r)["record"]);
  }
  stop = true;
  for (auto& w : writers) w.join();

  auto size = a.books.seq().size();
  auto entries = a.books.log().read_entries(0, size);
  ASSERT_TRUE(entries);
  books::Auditor auditor([&](std::uint64_t i) -> Result<Bytes> { return entries->at(i); });
  for (std::uint64_t i = 0; i < size; ++i) auditor.feed(i, entries->at(i));
  for (const auto& f : auditor.findings()) ADD_FAILURE() << "leaf " << f.leaf << ": " << f.message;
  EXPECT_EQ(auditor.totals().reports_checked, reports.size());
  EXPECT_GT(anchors, 0);
  EXPECT_EQ(auditor.totals().other_families["trail"], static_cast<std::uint64_t>(anchors));
}

// Statements over the API: the same importer as `amanat import`, idempotent and all-or-nothing.
TEST_F(ApiTest, StatementImportBooksOnceAndRefusesABadFileWhole) {
  std::string accountant = login_as(a, Role::accountant);
  const std::string map = "account=Kaspi-Main;date=Date;amount=Amount;currency=Currency;ref=Ref;counterparty=Payer;text=Purpose";
  std::string q = "?format=csv&map=";
  for (char c : map) q += c == ';' ? std::string("%3B") : c == '=' ? std::string("%3D") : std::string(1, c);
  const std::string csv =
      "Date,Amount,Currency,Ref,Payer,Purpose\n"
      "2025-03-01,15000.00,KZT,R-1,KZ86125KZT5004100100,for appeal A-1\n"
      "2025-03-02,2500.00,KZT,R-2,KZ86125KZT5004100100,general support\n"
      "2025-03-03,-4000.00,KZT,R-3,KZ49722C000022223333,lawyer fee\n";
  auto before = a.books.reports().report({})->log_size;
  auto first = api->handle(request("POST", "orgs/alpha/statements" + q, csv, accountant, "text/csv"));
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(body_of(first)["booked"], 2);
  EXPECT_EQ(body_of(first)["money_out"], 1);
  auto again = api->handle(request("POST", "orgs/alpha/statements" + q, csv, accountant, "text/csv"));
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(body_of(again)["booked"], 0);
  EXPECT_EQ(body_of(again)["already_imported"], 3);
  EXPECT_EQ(a.books.reports().report({})->log_size, before + 2);

  auto bad = api->handle(request("POST", "orgs/alpha/statements" + q,
                                 csv + "2025-03-04,12.5.0,KZT,R-9,KZ86125KZT5004100100,x\n", accountant, "text/csv"));
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("line 5"), std::string::npos) << bad.body;
  EXPECT_EQ(a.books.reports().report({})->log_size, before + 2);  // nothing of the bad file

  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/statements?format=csv", csv, accountant, "text/csv")).status, 400);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/statements?format=xls", csv, accountant, "text/csv")).status, 400);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/statements?format=csv&x=1", csv, accountant, "text/csv")).status, 400);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/statements?format=csv&map=%G1", csv, accountant, "text/csv")).status, 400);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/statements?format=camt053", "<Document>", accountant, "application/xml")).status, 400);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/statements" + q, csv, accountant, "application/json")).status, 415);
  // Rates are spelt as the CLI's --rate: CODE=RATE.
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/statements" + q + "&rate=USD=450.25", csv, accountant, "text/csv")).status,
            201);
  auto colon = api->handle(request("POST", "orgs/alpha/statements" + q + "&rate=USD:450.25", csv, accountant, "text/csv"));
  EXPECT_EQ(colon.status, 400);
  EXPECT_NE(colon.body.find("CODE=RATE"), std::string::npos) << colon.body;
}

// Once `amanat vault init` has moved the books key into the vault, a seized server that is off
// yields no payee, receipt file or donor pseudonym key: while sealed, what needs the key is 423
// and changes nothing, what does not (a donation without a donor reference, reports) works;
// unsealing opens both identities and the books' keyed operations, sealing closes them again.
TEST_F(ApiTest, WhenTheVaultHoldsTheBooksKeyKeyedBookingWaitsForTheUnseal) {
  move_books_key_into_the_vault();

  std::string accountant = login_as(a, Role::accountant), director = login_as(a, Role::director);
  const std::string expense =
      R"({"date":"2025-05-02","amount":100,"currency":"KZT","category":"lawyer","payee":"An invented law office","splits":[{"fund":"A-1","amount":100}]})";
  const std::string anonymous_gift = R"({"date":"2025-05-01","amount":700,"currency":"KZT","channel":"cash","fund":"A-1"})";
  auto size = [&] { return a.books.reports().report({})->log_size; };
  const auto before = size();
  auto locked = api->handle(request("POST", "orgs/alpha/donations", kDonation, accountant));
  EXPECT_EQ(locked.status, 423) << locked.body;
  EXPECT_NE(locked.body.find("sealed"), std::string::npos) << locked.body;
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/expenses", expense, accountant)).status, 423);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/files", "%PDF-1.4 invented", accountant, "application/pdf")).status,
            423);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/statements?format=csv&map=account%3DK%3Bdate%3DD%3Bamount%3DA",
                                "D,A\n2025-03-01,1.00\n", accountant, "text/csv"))
                .status,
            423);
  EXPECT_EQ(size(), before);  // nothing of the refused requests reached the books
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/donations", anonymous_gift, accountant)).status, 201);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/report")).status, 200);

  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/vault/unseal", unseal_body(), director)).status, 200);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/donations", kDonation, accountant)).status, 201);
  auto booked = api->handle(request("POST", "orgs/alpha/expenses", expense, accountant));
  ASSERT_EQ(booked.status, 201) << booked.body;
  auto file_up = api->handle(request("POST", "orgs/alpha/files", "%PDF-1.4 invented", accountant, "application/pdf"));
  ASSERT_EQ(file_up.status, 201) << file_up.body;
  std::string sha = body_of(file_up)["sha256"];

  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/vault/seal", "", director)).status, 200);
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/donations", kDonation, accountant)).status, 423);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/files/" + sha, "", accountant)).status, 423);
  // The log commits to a file with its salt, sealed under the books key: attaching it waits too.
  const std::string record = std::to_string(body_of(booked)["record"].get<std::uint64_t>());
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/expenses/" + record + "/receipts", json{{"sha256", sha}}.dump(),
                                accountant)).status,
            423);
  EXPECT_EQ(size(), before + 3);
}

// Data directories made before accounts.key sealed TOTP secrets with the books key. Moving the
// books key into the vault first re-seals them under the accounts key, so directors can still
// log in (and unseal) once the books key is off the disk; until then either key opens them.
TEST(AccountsKeys, LegacyTotpSecretsAreResealedUnderTheAccountsKeyAndStillLogIn) {
  BooksFixture books;
  std::int64_t now = 1'750'000'000;
  auto open_accounts = [&](crypto::Keyring keys) {
    return std::make_unique<Accounts>(*books.stores().db, *books.stores().accounts, std::move(keys), [&] { return now; });
  };
  crypto::MasterKey accounts_master{};
  accounts_master[0] = 12;
  const crypto::Keyring legacy = crypto::Keyring::from_master(BooksFixture::master()),
                        accounts_key = crypto::Keyring::from_master(accounts_master);
  Bytes secret;
  {
    auto old = open_accounts(legacy);  // as older versions did
    auto u = old->create_user(nullptr, "director-1", Role::director, kPassword);
    ASSERT_TRUE(u);
    auto uri = old->begin_totp(u->user, kPassword, "", "test");
    ASSERT_TRUE(uri);
    auto at = uri->find("secret=") + 7;
    secret = *auth::from_base32(uri->substr(at, uri->find('&', at) - at));
    ASSERT_TRUE(old->confirm_totp(u->user, *auth::totp_code(secret, now)));
    auto pending = old->create_user(nullptr, "admin-1", Role::admin, kPassword);
    ASSERT_TRUE(old->begin_totp(pending->user, kPassword, "", "test"));  // a pending enrolment is moved too
  }
  auto login = [&](Accounts& a) {
    now += 60;  // a fresh TOTP step each time
    return a.login(LoginRequest{"director-1", kPassword, *auth::totp_code(secret, now), false, "192.0.2.1"});
  };
  auto fresh = open_accounts(accounts_key);
  EXPECT_FALSE(login(*fresh));  // without the legacy key the secret does not open
  fresh->also_open_with(legacy);
  EXPECT_TRUE(login(*fresh));  // with it, either key opens it
  auto moved = fresh->reseal_legacy_secrets();
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(*moved, 2);
  EXPECT_EQ(*fresh->reseal_legacy_secrets(), 0);  // idempotent
  crypto::Keyring gone = crypto::Keyring::sealed();  // the books key is now in the sealed vault
  auto after = open_accounts(accounts_key);
  after->also_open_with(gone);
  auto r = login(*after);
  EXPECT_TRUE(r) << r.error().message;
}

// ---- the case desk ----

// Each docket event goes on the public log as a docket.event leaf, and the proceeding links it;
// the chronology report's counts come from the events.
TEST_F(ApiTest, TheDocketPutsEachEventOnTheLogAndItsReportCountsThem) {
  std::string director = login_as(a, Role::director);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/docket/header",
                                R"({"defender":"An Invented Defender","organisation":"Invented Foundation",)"
                                R"("consent_name_to_government":true})",
                                director)).status, 200);
  auto opened = api->handle(request("POST", "orgs/alpha/docket",
                                    R"({"id":"P-1","title":"Уголовное дело о мошенничестве","articles":["УК РК ст. 190"],)"
                                    R"("authority":"Police","opened":{"kind":"opened","date":"2020-03-01",)"
                                    R"("document":{"name":"Постановление","status":"refused"}}})",
                                    director));
  ASSERT_EQ(opened.status, 201) << opened.body;
  std::vector<std::uint64_t> leaves = {body_of(opened)["events"][0]["log_index"].get<std::uint64_t>()};
  for (const auto& [kind, date] : std::vector<std::pair<std::string, std::string>>{
           {"terminated", "2020-06-01"}, {"reopened", "2020-09-01"}, {"interrupted", "2021-01"}, {"resumed", "2021-03-01"}}) {
    auto r = api->handle(request("POST", "orgs/alpha/docket/P-1/events",
                                 json{{"kind", kind}, {"date", date}}.dump(), director));
    ASSERT_EQ(r.status, 201) << kind << ": " << r.body;
    leaves.push_back(body_of(r)["log_index"]);
  }
  for (std::uint64_t leaf : leaves) {
    auto entry = a.books.log().read_entries(leaf, leaf + 1);
    ASSERT_TRUE(entry);
    auto j = json::parse(std::string(entry->front().begin(), entry->front().end()));
    EXPECT_EQ(j["type"], "docket.event");
    EXPECT_EQ(j["proceeding"], "P-1");
  }
  // Nothing stopped: a reopening is refused with the field named, and nothing is logged.
  const auto size = a.books.seq().size();
  auto bad = api->handle(request("POST", "orgs/alpha/docket/P-1/events", R"({"kind":"reopened","date":"2021-04-01"})",
                                 director));
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(a.books.seq().size(), size);
  // An event nobody can date: the date absent or empty, both taken as unknown.
  for (const char* body : {R"({"kind":"hearing"})", R"({"kind":"summons","date":""})"}) {
    auto undated = api->handle(request("POST", "orgs/alpha/docket/P-1/events", body, director));
    EXPECT_EQ(undated.status, 201) << body << ": " << undated.body;
  }
  auto docket = body_of(api->handle(request("GET", "orgs/alpha/docket", "", director)));
  const auto events = docket["proceedings"][0]["events"];
  EXPECT_EQ(events[events.size() - 1]["date"], "");
  EXPECT_EQ(events[events.size() - 2]["date"], "");
  EXPECT_EQ(docket["counts"]["restarts"], 2);
  EXPECT_EQ(docket["counts"]["terminated"], 1);
  EXPECT_EQ(docket["counts"]["documents_refused"], 1);
  auto pdf = api->handle(request("GET", "orgs/alpha/docket/chronology.pdf?lang=ru&as_of=2025-06-01", "", director));
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.body.substr(0, 5), "%PDF-");
  auto html = api->handle(request("GET", "orgs/alpha/docket/chronology.html?lang=en&as_of=2025-06-01", "", director));
  ASSERT_EQ(html.status, 200);
  EXPECT_NE(html.body.find("Уголовное дело о мошенничестве"), std::string::npos);
  EXPECT_NE(html.body.find("An Invented Defender"), std::string::npos);
  // A lawyer may read and write the docket; an accountant may not see it.
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/docket", "", login_as(a, Role::accountant))).status, 403);
}

// The vocabulary carries every closed list a form offers, with the ids the server accepts: the
// web app's copies are checked against it (web/tests/desk.spec.ts).
TEST_F(ApiTest, TheDeskVocabularyCarriesEveryClosedListAFormOffers) {
  auto r = api->handle(request("GET", "orgs/alpha/desk/vocabulary"));
  ASSERT_EQ(r.status, 200) << r.body;  // conforms to its schema (the tests check every answer)
  auto v = body_of(r);
  for (const char* list : {"channels", "categories", "contexts", "regions", "age_groups", "referrals", "outcomes",
                           "referral_outcomes", "contact_kinds", "caller_roles", "sexes", "police_statuses",
                           "incident_precisions", "official_conducts", "complaint_filed_with", "complaint_outcomes",
                           "document_statuses", "publication_channels", "publication_changes", "docket_events",
                           "suspect_states", "sentence_kinds"})
    EXPECT_FALSE(v[list].empty()) << list;
  EXPECT_EQ(v["document_statuses"], json({"obtained", "requested", "refused", "unknown"}));
  const auto events = v["docket_events"];
  EXPECT_NE(std::find(events.begin(), events.end(), "wanted_list"), events.end());
  EXPECT_EQ(events.back(), "other");
}

// A post and every change to it are entries on the public log: when it went up and when it came
// down can be shown. A post about a case needs the survivor's consent to publish.
TEST_F(ApiTest, APostAndItsRetractionAreEntriesOnThePublicLog) {
  std::string comms = login_as(a, Role::communications), worker = login_as(a, Role::case_worker);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/vault/unseal", unseal_body(), login_as(a, Role::director))).status, 200);
  auto subject = api->handle(request("POST", "orgs/alpha/subjects", R"({"kind":"survivor","name":"Invented Person"})", worker));
  ASSERT_EQ(subject.status, 201) << subject.body;
  auto opened = api->handle(request("POST", "orgs/alpha/cases",
                                    json{{"survivor", body_of(subject)["code"]}, {"category", "rape"}, {"region", "astana"}}.dump(),
                                    worker));
  ASSERT_EQ(opened.status, 201) << opened.body;
  const std::string code = body_of(opened)["code"];
  const std::string text = "An invented post about a case.";
  auto post = [&] {
    return api->handle(request("POST", "orgs/alpha/publications",
                               json{{"channel", "instagram"}, {"url", "https://example.org/p/1"}, {"text", text},
                                    {"case", code}}.dump(),
                               comms));
  };
  auto refused = post();
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.body.find("consent-missing"), std::string::npos);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/cases/" + code + "/consents", R"({"publish":true})", worker)).status, 200);
  auto posted = post();
  ASSERT_EQ(posted.status, 201) << posted.body;
  const std::uint64_t leaf = body_of(posted)["log_index"];
  // The consent it relies on, as a code and the case, for the staff's language.
  EXPECT_EQ(body_of(posted)["consent_basis"], "case-consent-to-publish");
  EXPECT_EQ(body_of(posted)["case"], code);
  auto general = api->handle(request("POST", "orgs/alpha/publications",
                                     R"({"channel":"website","url":"https://example.org/p/2","text":"About our work."})", comms));
  ASSERT_EQ(general.status, 201) << general.body;
  EXPECT_EQ(body_of(general)["consent_basis"], "none-needed");
  EXPECT_FALSE(body_of(general).contains("case"));
  auto staff_list = body_of(api->handle(request("GET", "orgs/alpha/publications/staff", "", comms)));
  ASSERT_EQ(staff_list["publications"].size(), 2u);
  EXPECT_EQ(staff_list["publications"][1]["case"], code);  // newest first: the case's post is second
  EXPECT_EQ(staff_list["publications"][1]["consent_basis"], "case-consent-to-publish");
  auto entry = a.books.log().read_entries(leaf, leaf + 1);
  ASSERT_TRUE(entry);
  auto j = json::parse(std::string(entry->front().begin(), entry->front().end()));
  EXPECT_EQ(j["type"], "publication.post");
  EXPECT_EQ(j["commitment"], to_hex(sha256(text)));  // anyone holding the text can check it
  EXPECT_EQ(std::string(entry->front().begin(), entry->front().end()).find(code), std::string::npos);  // no case
  auto retract = api->handle(request("POST", "orgs/alpha/publications/" + std::to_string(leaf) + "/changes",
                                     R"({"kind":"retraction","text":"Taken down at the survivor's request."})", comms));
  ASSERT_EQ(retract.status, 201) << retract.body;
  const std::uint64_t down = body_of(retract)["log_index"];
  auto change = json::parse([&] {
    auto e = a.books.log().read_entries(down, down + 1);
    return std::string(e->front().begin(), e->front().end());
  }());
  EXPECT_EQ(change["type"], "publication.change");
  EXPECT_EQ(change["post"], leaf);
  EXPECT_EQ(change["kind"], "retraction");
  EXPECT_EQ(api->handle(request("POST", "orgs/alpha/publications/" + std::to_string(leaf) + "/changes",
                                R"({"kind":"correction","text":"Too late."})", comms)).status, 409);
  auto list = body_of(api->handle(request("GET", "orgs/alpha/publications")));
  ASSERT_EQ(list["publications"].size(), 2u);
  EXPECT_FALSE(list["publications"][1].contains("text"));  // the public list carries commitments only
  EXPECT_FALSE(list["publications"][1].contains("case"));
  EXPECT_EQ(list["publications"][1]["changes"][0]["kind"], "retraction");
}

// A deadline moves to another day with the reason (a lawyer correcting a term the procedure set):
// its first day is kept however often it moves, the move is in the trail, and a done deadline,
// a missing one or another's case's is refused without a change.
TEST_F(ApiTest, ADeadlineMovesWithItsReasonAndKeepsItsFirstDay) {
  std::string director = login_as(a, Role::director), worker = login_as(a, Role::case_worker);
  std::string other = login_as(a, Role::case_worker);
  const std::string code = open_case(director, worker), base = "orgs/alpha/cases/" + code;
  ASSERT_FALSE(code.empty());
  auto added = api->handle(request("POST", base + "/deadlines", R"({"due":"2025-07-01","what":"Appeal"})", worker));
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_FALSE(body_of(added).contains("first_due"));
  const std::string due = base + "/deadlines/" + std::to_string(body_of(added)["id"].get<std::int64_t>()) + "/due";
  auto move = [&](const json& body, const std::string& token) { return api->handle(request("POST", due, body.dump(), token)); };

  auto moved = move({{"due", "2025-07-04"}, {"because", "the copy was received on 19 June"}}, worker);
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(body_of(moved)["due"], "2025-07-04");
  EXPECT_EQ(body_of(moved)["first_due"], "2025-07-01");
  EXPECT_EQ(body_of(moved)["moved_because"], "the copy was received on 19 June");
  auto again = move({{"due", "2025-07-05"}, {"because", "the court's new date"}}, worker);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(body_of(again)["first_due"], "2025-07-01");  // the first day, not the one before
  EXPECT_EQ(body_of(again)["moved_because"], "the court's new date");

  // Refused, with nothing changed: a bad day (the field named), no reason, another's case, a
  // missing deadline, and once it is done.
  auto bad = move({{"due", "2025-02-30"}, {"because", "x"}}, worker);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(body_of(bad)["field"], "due");
  EXPECT_EQ(move({{"due", "2025-07-06"}}, worker).status, 400);
  EXPECT_EQ(move({{"due", "2025-07-06"}, {"because", "x"}}, other).status, 404);
  EXPECT_EQ(api->handle(request("POST", base + "/deadlines/999999/due", R"({"due":"2025-07-06","because":"x"})", worker)).status,
            404);
  ASSERT_EQ(api->handle(request("POST", base + "/deadlines/" + std::to_string(body_of(added)["id"].get<std::int64_t>()) + "/done",
                                "", worker)).status, 200);
  EXPECT_EQ(move({{"due", "2025-07-06"}, {"because", "x"}}, worker).status, 404);
  auto page = body_of(api->handle(request("GET", base, {}, worker)));
  ASSERT_EQ(page["deadlines"].size(), 1u);
  EXPECT_EQ(page["deadlines"][0]["due"], "2025-07-05");
  EXPECT_EQ(page["deadlines"][0]["first_due"], "2025-07-01");

  auto trail = body_of(api->handle(request("GET", "orgs/alpha/access-trail", "", director)));
  std::size_t moves = 0;
  for (const auto& e : trail["entries"])
    if (e["action"] == "case-deadline-moved" && e["target"] == code) ++moves;
  EXPECT_EQ(moves, 2u);
}

// Suspects over HTTP: added with a label that names nobody, moved along the vocabulary's moves (a
// refused move is 409 with its reason), listed on the case page with their history, each change
// in the access trail; the case's people only.
TEST_F(ApiTest, EachSuspectHasTheirOwnStateOnTheCasePage) {
  std::string director = login_as(a, Role::director), worker = login_as(a, Role::case_worker);
  std::string other = login_as(a, Role::case_worker);
  const std::string code = open_case(director, worker), base = "orgs/alpha/cases/" + code;
  ASSERT_FALSE(code.empty());
  auto one = api->handle(request("POST", base + "/suspects", R"({"date":"2025-03-01","article":"УК РК ст. 120 ч. 3"})", worker));
  ASSERT_EQ(one.status, 201) << one.body;
  EXPECT_FALSE(body_of(one).contains("label"));  // known by its number, which the screens word
  EXPECT_EQ(body_of(one)["n"], 1);
  EXPECT_EQ(body_of(one)["state"], "identified");
  auto two = api->handle(request("POST", base + "/suspects", R"({"date":"2025-03-02","label":"the driver"})", worker));
  ASSERT_EQ(two.status, 201) << two.body;
  EXPECT_EQ(api->handle(request("POST", base + "/suspects", R"({"date":"2025-03-02"})", other)).status, 404);
  const std::string first = base + "/suspects/" + std::to_string(body_of(one)["id"].get<std::int64_t>()) + "/state";
  const std::string second = base + "/suspects/" + std::to_string(body_of(two)["id"].get<std::int64_t>()) + "/state";
  auto refused = api->handle(request("POST", first, R"({"state":"convicted","date":"2025-04-01"})", worker));
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(body_of(refused)["type"], "/api/v1/problems/suspect-state-not-allowed");
  EXPECT_EQ(api->handle(request("POST", first, R"({"state":"charged","date":"2025-04-01"})", worker)).status, 200);
  auto convicted = api->handle(request("POST", first, R"({"state":"convicted","date":"2025-06-01","sentence":"12 years"})", worker));
  ASSERT_EQ(convicted.status, 200) << convicted.body;
  EXPECT_EQ(body_of(convicted)["sentence"], "12 years");
  EXPECT_EQ(api->handle(request("POST", second, R"({"state":"wanted","date":"2025-04-02"})", worker)).status, 200);
  EXPECT_EQ(api->handle(request("POST", base + "/suspects/999999/state", R"({"state":"wanted","date":"2025-04-02"})", worker)).status,
            404);
  auto page = body_of(api->handle(request("GET", base, {}, worker)));
  ASSERT_EQ(page["suspects"].size(), 2u);
  EXPECT_EQ(page["suspects"][0]["state"], "convicted");
  EXPECT_EQ(page["suspects"][0]["history"].size(), 3u);
  EXPECT_EQ(page["suspects"][1]["label"], "the driver");
  EXPECT_EQ(page["suspects"][1]["state"], "wanted");
  auto vocab = body_of(api->handle(request("GET", "orgs/alpha/desk/vocabulary")));
  EXPECT_EQ(vocab["suspect_states"].size(), std::size(desk::kSuspectStates));
  EXPECT_EQ(vocab["suspect_moves"].size(), std::size(desk::kSuspectMoves));
  auto trail = body_of(api->handle(request("GET", "orgs/alpha/access-trail", "", director)));
  std::multiset<std::string> changes;
  for (const auto& e : trail["entries"])
    if (e["action"] == "case-suspect") changes.insert(e["outcome"].get<std::string>());
  EXPECT_EQ(changes, (std::multiset<std::string>{"1 identified", "2 identified", "1 charged", "1 convicted", "2 wanted"}));
}

// A referral to a service needs the consent it relies on (police, lawyers, other services), or
// the reason it is made without, which stays with it and in the trail; what became of it is
// recorded later, not before it was made. The case page lists them.
TEST_F(ApiTest, AReferralNeedsItsConsentOrAReasonAndKeepsWhatBecameOfIt) {
  std::string director = login_as(a, Role::director), worker = login_as(a, Role::case_worker);
  std::string other = login_as(a, Role::case_worker);
  const std::string code = open_case(director, worker, {{"consents", {{"police", true}}}}), base = "orgs/alpha/cases/" + code;
  ASSERT_FALSE(code.empty());
  auto refer = [&](const json& body, const std::string& token) {
    return api->handle(request("POST", base + "/referrals", body.dump(), token));
  };
  EXPECT_EQ(refer({{"service", "police"}, {"date", "2025-05-02"}}, worker).status, 201);  // consented
  auto refused = refer({{"service", "shelter"}, {"date", "2025-05-02"}}, worker);
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(body_of(refused)["type"], "/api/v1/problems/consent-missing");
  EXPECT_EQ(body_of(refused)["field"], "service");
  EXPECT_EQ(refer({{"service", "spa"}, {"date", "2025-05-02"}}, worker).status, 400);
  EXPECT_EQ(refer({{"service", "medical"}, {"date", "2099-01-01"}}, worker).status, 400);
  EXPECT_EQ(refer({{"service", "shelter"}, {"date", "2025-05-02"}, {"override", "a child at risk tonight"}}, other).status,
            404);  // not another case worker's case
  auto overridden = refer({{"service", "shelter"}, {"date", "2025-05-02"}, {"override", "a child at risk tonight"}}, worker);
  ASSERT_EQ(overridden.status, 201) << overridden.body;
  const json shelter = body_of(overridden);
  EXPECT_EQ(shelter["override"], "a child at risk tonight");
  EXPECT_EQ(shelter["outcome"], "pending");
  // Once she consents to services, a referral needs no reason.
  ASSERT_EQ(api->handle(request("POST", base + "/consents", R"({"police":true,"services":true})", worker)).status, 200);
  EXPECT_EQ(refer({{"service", "psychologist"}, {"date", "2025-05-03"}}, worker).status, 201);

  const std::string outcome = base + "/referrals/" + std::to_string(shelter["id"].get<std::int64_t>()) + "/outcome";
  EXPECT_EQ(api->handle(request("POST", outcome, R"({"outcome":"received","date":"2025-05-01"})", worker)).status, 400);
  auto got = api->handle(request("POST", outcome, R"({"outcome":"received","date":"2025-05-04"})", worker));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(body_of(got)["outcome_date"], "2025-05-04");
  EXPECT_EQ(api->handle(request("POST", base + "/referrals/999999/outcome", R"({"outcome":"declined","date":"2025-05-04"})",
                                worker)).status, 404);
  auto page = body_of(api->handle(request("GET", base, {}, worker)));
  ASSERT_EQ(page["referrals"].size(), 3u) << page.dump();
  EXPECT_EQ(page["referrals"][0]["service"], "police");
  EXPECT_EQ(page["referrals"][1]["outcome"], "received");
  EXPECT_TRUE(page["consents"]["services"].get<bool>());
  auto trail = body_of(api->handle(request("GET", "orgs/alpha/access-trail", {}, director)));
  int overrides = 0;
  for (const auto& t : trail["entries"])
    if (t["action"] == "case-referral" && t["outcome"] == "shelter override") ++overrides;
  EXPECT_EQ(overrides, 1) << trail.dump();
}

// Whoever assigns a case picks people by name: every desk role lists the enabled lawyers, case
// workers and directors (number, login name, role; nobody else), and a disabled user cannot be
// put on a case.
TEST_F(ApiTest, TheStaffACaseCanBeAssignedToAreListedByNameAndADisabledOneIsRefused) {
  std::string director = login_as(a, Role::director), worker = login_as(a, Role::case_worker);
  std::string lawyer = login_as(a, Role::lawyer), gone = login_as(a, Role::lawyer);
  std::string accountant = login_as(a, Role::accountant), hotline = login_as(a, Role::hotline_operator);
  const std::int64_t lawyer_id = user_id(lawyer), gone_id = user_id(gone), accountant_id = user_id(accountant);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/users/" + std::to_string(gone_id) + "/status",
                                R"({"enabled":false})", director)).status, 200);
  for (const std::string& token : {worker, hotline, lawyer}) {
    auto r = api->handle(request("GET", "orgs/alpha/desk/staff", {}, token));
    ASSERT_EQ(r.status, 200) << r.body;
    std::map<std::int64_t, std::string> roles;
    const json listed = body_of(r);
    for (const auto& u : listed["staff"]) roles[u["id"].get<std::int64_t>()] = u["role"].get<std::string>();
    EXPECT_EQ(roles[lawyer_id], "lawyer") << r.body;
    EXPECT_EQ(roles[user_id(worker)], "case_worker");
    EXPECT_EQ(roles.count(gone_id), 0u);
    EXPECT_EQ(roles.count(accountant_id), 0u);
    EXPECT_EQ(roles.count(user_id(hotline)), 0u);
  }
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/desk/staff", {}, accountant)).status, 403);

  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/vault/unseal", unseal_body(), director)).status, 200);
  auto subject = api->handle(request("POST", "orgs/alpha/subjects", R"({"kind":"survivor","name":"Invented Person"})", worker));
  ASSERT_EQ(subject.status, 201) << subject.body;
  auto opened = api->handle(request("POST", "orgs/alpha/cases",
                                    json{{"survivor", body_of(subject)["code"]}, {"category", "rape"},
                                         {"region", "astana"}}.dump(), worker));
  ASSERT_EQ(opened.status, 201) << opened.body;
  const std::string people = "orgs/alpha/cases/" + std::string(body_of(opened)["code"]) + "/people";
  auto refused = api->handle(request("POST", people, json{{"lawyer", gone_id}}.dump(), worker));
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(body_of(refused)["field"], "lawyer");
  EXPECT_EQ(api->handle(request("POST", people, json{{"lawyer", lawyer_id}}.dump(), worker)).status, 200);
}

TEST_F(ApiTest, AnIntakeMessageBecomesAConsultationAndLeavesTheWaitingList) {
  std::string director = login_as(a, Role::director), hotline = login_as(a, Role::hotline_operator);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/vault/unseal", unseal_body(), director)).status, 200);
  ASSERT_EQ(api->handle(request("POST", "orgs/alpha/intake", R"({"message":"an invented first message"})")).status, 202);
  auto waiting = body_of(api->handle(request("GET", "orgs/alpha/intake", "", hotline)));
  ASSERT_EQ(waiting["messages"].size(), 1u);
  const std::int64_t id = waiting["messages"][0]["id"];
  auto logged = api->handle(request("POST", "orgs/alpha/consultations",
                                    json{{"channel", "intake_form"}, {"caller_role", "survivor"}, {"category", "rape"},
                                         {"region", "unknown"}, {"age_group", "unknown"}, {"sex", "unknown"},
                                         {"outcome", "callback"}, {"intake", id}}.dump(),
                                    hotline));
  ASSERT_EQ(logged.status, 201) << logged.body;
  EXPECT_EQ(body_of(logged)["intake_archived"], true);
  EXPECT_EQ(body_of(api->handle(request("GET", "orgs/alpha/intake", "", hotline)))["messages"].size(), 0u);
}

// Sentences in the public figures: people convicted by band, consented cases only, and a small
// band hidden together with enough of the others that the total cannot give it away.
TEST_F(ApiTest, PublicSentencesHideASmallBandSoThatTheTotalCannotRevealIt) {
  std::string director = login_as(a, Role::director), worker = login_as(a, Role::case_worker);
  const std::string code = open_case(director, worker, {{"consents", {{"stats", true}}}});
  const std::string quiet = open_case(director, worker, {{"consents", {{"stats", false}}}});
  ASSERT_FALSE(code.empty());
  auto convict = [&](const std::string& c, const json& sentence) {
    auto s = api->handle(request("POST", "orgs/alpha/cases/" + c + "/suspects", R"({"date":"2025-01-10"})", worker));
    ASSERT_EQ(s.status, 201) << s.body;
    const std::string state = "orgs/alpha/cases/" + c + "/suspects/" + std::to_string(body_of(s)["id"].get<std::int64_t>()) + "/state";
    ASSERT_EQ(api->handle(request("POST", state, R"({"state":"charged","date":"2025-02-01"})", worker)).status, 200);
    json v = {{"state", "convicted"}, {"date", "2025-03-01"}};
    v.update(sentence);
    auto r = api->handle(request("POST", state, v.dump(), worker));
    ASSERT_EQ(r.status, 200) << r.body;
  };
  for (int i = 0; i < 6; ++i) convict(code, {{"sentence_kind", "imprisonment"}, {"sentence_months", 96}});
  for (int i = 0; i < 2; ++i) convict(code, {{"sentence_kind", "fine"}});
  for (int i = 0; i < 7; ++i) convict(quiet, {{"sentence_kind", "imprisonment"}, {"sentence_months", 30}});  // not counted
  auto j = body_of(api->handle(request("GET", "orgs/alpha/impact?year=2025")));
  const auto& t = j["sentences_by_band"];
  std::map<std::string, json> cell;
  for (const auto& c : t["cells"]) cell[c["row"].get<std::string>()] = c;
  EXPECT_TRUE(cell["non_custodial"]["hidden"]);                  // 2 people
  EXPECT_FALSE(cell["prison_under_5y"]["hidden"]);               // the other case did not consent
  EXPECT_EQ(cell["prison_under_5y"]["n"], 0);
  // The hidden 2 cannot be worked out: with the total shown, another cell is hidden too.
  int hidden = 0;
  for (const auto& [row, c] : cell) hidden += c["hidden"].get<bool>();
  const bool total_shown = !t["column_totals"][0]["hidden"].get<bool>();
  EXPECT_TRUE(!total_shown || hidden >= 2) << t.dump();
  for (const auto& [row, c] : cell)
    if (!c["hidden"].get<bool>()) EXPECT_TRUE(c["n"] == 0 || c["n"] >= 5) << row;
  // The staff see every one, by band.
  auto stats = body_of(api->handle(request("GET", "orgs/alpha/desk/stats", "", director)));
  std::map<std::string, std::int64_t> staff;
  for (const auto& c : stats["counts"]) staff[c["metric"].get<std::string>()] += c["n"].get<std::int64_t>();
  EXPECT_EQ(staff["sentenced:prison_5_10y"], 6);
  EXPECT_EQ(staff["sentenced:prison_under_5y"], 7);
  EXPECT_EQ(staff["sentenced:non_custodial"], 2);
}

// The public figures count only records with consent to be counted, and no published cell is a
// small count: every value 1..4 is hidden, and so is whatever would give one away.
TEST_F(ApiTest, PublicImpactCountsOnlyConsentedRecordsAndHidesSmallCells) {
  std::string hotline = login_as(a, Role::hotline_operator);
  auto call = [&](const std::string& category, bool consent, int n) {
    for (int i = 0; i < n; ++i) {
      auto r = api->handle(request("POST", "orgs/alpha/consultations",
                                   json{{"channel", "phone"}, {"caller_role", "survivor"}, {"category", category},
                                        {"region", "astana"}, {"age_group", "26-40"}, {"sex", "female"},
                                        {"outcome", "advice"}, {"consent_stats", consent}}.dump(),
                                   hotline));
      ASSERT_EQ(r.status, 201) << r.body;
    }
  };
  call("rape", true, 9);
  call("sexual_assault", true, 3);
  call("physical_assault", false, 12);  // not counted publicly
  auto impact = api->handle(request("GET", "orgs/alpha/impact?year=2025"));
  ASSERT_EQ(impact.status, 200) << impact.body;
  auto j = body_of(impact);
  for (const char* table :
       {"consultations_by_quarter", "cases_by_milestone", "consultations_by_region", "sentences_by_band"}) {
    auto visible = [&](const json& v) {
      if (!v["hidden"].get<bool>()) {
        std::int64_t n = v["n"];
        EXPECT_TRUE(n == 0 || n >= 5) << table << ": " << v.dump();
      }
    };
    for (const auto& c : j[table]["cells"]) visible(c);
    for (const auto& c : j[table]["row_totals"]) visible(c);
    for (const auto& c : j[table]["column_totals"]) visible(c);
    if (j[table].contains("total")) visible(j[table]["total"]);
  }
  const auto& q = j["consultations_by_quarter"];
  for (const auto& c : q["row_totals"]) {
    if (c["label"] == "physical_assault") {
      EXPECT_EQ(c["n"], 0);  // none consented
    }
  }
  // The staff's figures count every record.
  auto stats = body_of(api->handle(request("GET", "orgs/alpha/desk/stats", "", login_as(a, Role::director))));
  std::int64_t all = 0;
  for (const auto& c : stats["counts"])
    if (c["metric"] == "consultations") all += c["n"].get<std::int64_t>();
  EXPECT_EQ(all, 24);
  EXPECT_EQ(api->handle(request("GET", "orgs/alpha/impact")).status, 400);  // a year is required: fixed periods only
}

}  // namespace
}  // namespace amanat::api
