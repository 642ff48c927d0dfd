// The JSON API under /api/v1: a route table, and the one path every request takes through it.
//
// Each Route declares its method, path template ("/orgs/{org}/appeals/{code}"), who may call it
// (public, or a list of roles: deny by default, a route that names no role admits nobody), its
// body schema (api/schema.h) and its handler. The same table produces the OpenAPI 3.1 document
// served at /api/v1/openapi.json and drives the authorisation-matrix test, so the documented,
// the enforced and the tested routes are one list.
//
// A request, in order: match the path (404) and method (405 with Allow); find the organisation
// ({org}, 404); authenticate (Authorization: Bearer TOKEN, or the amanat_session cookie) — on
// a staff route no or a bad session is 401; check the role (403) and, for director/admin
// without TOTP, that the route is one of the enrolment routes (403); for a cookie session and
// an unsafe method, the X-CSRF-Token header (403); the body's Content-Type (415) and schema
// (400, every problem listed); then the handler. Errors are RFC 9457 problem+json; an Error
// from the books maps by its code (invalid 400 with the field its message names, not_found
// 404, conflict 409, forbidden 422 — a rule of the books, not a permission — unavailable 503,
// corrupt and internal 500 with no detail). Never a 5xx for bad input.
//
// Organisations are separate: each has its own users, sessions, keys, log and books, and a
// session of one is unknown to every other.
//
// Thread-safety: build the table, then call handle() from any number of threads.
#pragma once

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "accounts/accounts.h"
#include "api/answer_cache.h"
#include "api/schema.h"
#include "books/service.h"
#include "books/store.h"
#include "crypto/keyring.h"
#include "desk/desk.h"
#include "http/server.h"
#include "identity/identities.h"
#include "tlog/storage.h"

namespace amanat::api {

// The domain types the routes speak of, by their short names.
using accounts::Accounts;
using accounts::kAllRoles;
using accounts::LoginRequest;
using accounts::Role;
using accounts::role_name;
using accounts::parse_role;
using accounts::role_needs_totp;
using accounts::Session;
using accounts::User;
using identity::Identities;

// One organisation's services and stores (as their interfaces), owned by whoever runs the
// server.
struct Org {
  std::string slug;      // in URLs: /api/v1/orgs/<slug>/..., /log/<slug>/
  books::Books* books = nullptr;
  books::BooksStore* store = nullptr;      // records, for look-ups and proofs
  books::ReportStore* reports = nullptr;
  books::BankStore* bank = nullptr;        // statement import
  tlog::LogStorage* log = nullptr;
  Accounts* accounts = nullptr;
  Identities* identities = nullptr;  // subjects, intake, vault, access trail
  desk::Desk* desk = nullptr;        // consultations, cases, complaints, the desk's counts
  std::filesystem::path data_dir;    // where receipt files are kept (books/receipt_files.h)
  const crypto::Keyring* keys = nullptr;  // the books key: line keys of imports, sealed files
  std::string verifier_key;               // the log's note verifier key (public)
  // One statement import at a time per organisation (books/import/importer.h).
  std::shared_ptr<std::mutex> import_mu = std::make_shared<std::mutex>();
  // Public answers kept for the books' version they were made at (api/answer_cache.h).
  std::shared_ptr<AnswerCache> answers = std::make_shared<AnswerCache>();
};

struct Call {
  const http::Request& req;
  Org& org;
  std::map<std::string, std::string> params;  // path parameters, e.g. "code"
  nlohmann::json body;                        // checked against the route's schema
  std::optional<Session> session;             // set on staff routes
  std::string token;                          // the session token presented, if any
  std::string client;                         // the client's address (for rate limits only)
};

// Who made the call, as the access trail names them ("user:ID", or "anonymous").
inline std::string actor(const Call& c) {
  return c.session ? "user:" + std::to_string(c.session->user.id) : "anonymous";
}

using Handler = std::function<Result<http::Response>(Call&)>;

// One route. Declared with designated initialisers, a named handler, and the schemas of what it
// takes and answers:
//   api.add({.method = "POST", .path = "/orgs/{org}/appeals", .summary = "Open an appeal",
//            .roles = {Role::director}, .body = appeal_input(), .status = 201,
//            .response = "The record number", .returns = record_created(), .handler = open_appeal});
struct Route {
  std::string method;   // GET, POST, DELETE
  std::string path;     // under /api/v1, with {name} segments
  std::string summary;
  bool is_public = false;
  std::vector<Role> roles = {};     // staff routes: who may call
  bool before_totp = false;         // allowed to a director/admin who has not enrolled TOTP yet
  std::optional<Schema> body = std::nullopt;
  // A route that takes a file rather than JSON (a receipt, a bank statement): the media types
  // it accepts (415 for any other); the handler reads Call::req.body. Exclusive with `body`.
  std::vector<std::string> raw_body = {};
  // A body limit above the server's default (http::RequestLimits::max_body_bytes) for a route
  // that takes files: granted only to a request presenting a valid session of a role the route
  // allows (Api::body_limit), so nobody else can make the server hold a large body.
  std::size_t max_body = 0;
  std::vector<std::string> query = {};  // query parameters it reads (for the document)
  int status = 200;                 // on success
  std::string response = {};        // what a success means (for the document)
  // What a success answers: its JSON schema, or (for a success that is not JSON) its media
  // type; neither for 204.
  std::optional<Schema> returns = std::nullopt;
  std::string returns_media = {};
  // Answers particular to this route beyond the common ones (for the document): status, meaning.
  std::vector<std::pair<int, std::string>> responses = {};
  Handler handler = {};

  bool allows(Role role) const { return std::find(roles.begin(), roles.end(), role) != roles.end(); }
};

// Receipt and evidence files and bank statements: up to 32 MiB (a phone's photograph of a
// receipt is 2-8 MB, a scanned PDF more).
inline constexpr std::size_t kMaxUploadBytes = std::size_t(32) << 20;

class Api {
 public:
  void add(Route r) { routes_.push_back(std::move(r)); }
  // Check every 2xx JSON answer against its route's `returns` schema, and answer 500 (naming
  // every difference) when it does not conform: for the tests, which turn it on.
  void check_responses(bool on) { check_responses_ = on; }
  void add_org(Org org) { orgs_[org.slug] = std::move(org); }
  // Behind a reverse proxy every peer is the proxy: with this set, the client's address comes
  // from the X-Real-IP header the proxy sets (and overwrites).
  void trust_proxy(bool on) { trust_proxy_ = on; }
  const std::vector<Route>& routes() const { return routes_; }
  std::vector<std::string> org_slugs() const {
    std::vector<std::string> out;
    for (const auto& [slug, org] : orgs_) out.push_back(slug);
    return out;
  }

  // `path` relative to /api/v1/ (the Router strips the prefix): "orgs/demo/appeals".
  http::Response handle(const http::Request& req);
  // http::ServerOptions::quick, with the same relative path: a public answer already computed
  // for the books' current version (an appeal's page), without a worker or the database;
  // nullopt for anything else, which handle() answers.
  std::optional<http::Response> quick(const http::Request& req) const;
  // http::RequestLimits::body_limit_for, with the same relative path: the route's max_body when
  // `head` (a request without its body yet) presents a valid session of a role the route
  // allows; otherwise 0, the server's default.
  std::size_t body_limit(const http::Request& head);
  std::string openapi() const;  // the OpenAPI 3.1 document

 private:
  // The route for `method` on `path` (relative to /api/v1/) and its parameters; or
  // nullptr, with `allow` listing the methods the path takes (empty: no such path).
  const Route* find_route(std::string_view path, std::string_view method, std::map<std::string, std::string>& params,
                          std::string& allow) const;
  // The success `res` of `route`, or a 500 naming how it departs from its schema.
  http::Response checked(const Route& route, http::Response res) const;
  std::vector<Route> routes_;
  std::map<std::string, Org, std::less<>> orgs_;
  bool trust_proxy_ = false;
  bool check_responses_ = false;
};

// The route tables of each area (api/books_routes.cc, api/account_routes.cc,
// api/identity_routes.cc), and the API's own (the document, health, the problem types).
void add_books_routes(Api& api);
void add_account_routes(Api& api);
void add_identity_routes(Api& api);
void add_desk_routes(Api& api);
void add_meta_routes(Api& api);
// Every route amanat serves.
std::unique_ptr<Api> make_api();

// What the web app's page at `path` (relative to "/", as http::StaticSite::preload takes it)
// fetches first from the API, for a Link: preload header: an appeal's page
// (SLUG/appeals/CODE, for one of `slugs` and a well-formed code) fetches its figures,
// /api/v1/orgs/SLUG/appeals/CODE. nullopt for any other path.
std::function<std::optional<std::string>(std::string_view path)> page_preload(std::vector<std::string> slugs);

// Helpers for handlers.
// The query string's parameters, percent-decoded ('+' is a space), in order. Errc::invalid for
// a parameter not in `known`, a bad escape, or a value over 1000 bytes.
Result<std::vector<std::pair<std::string, std::string>>> query_params(const http::Request& req,
                                                                       const std::vector<std::string>& known);
// The path parameter `name` as a record's id (a positive number); `missing`, "no such NAME",
// for anything else, as for an id that does not exist.
Result<std::int64_t> id_param(const Call& c, const char* name, const Reason& missing);
// A query parameter's value as a whole number from `min` (at least 0) to `max`;
// reasons::query_invalid naming it otherwise.
Result<std::int64_t> query_number(const std::string& name, const std::string& value, std::int64_t min,
                                  std::int64_t max);
// The problem document of `e` for a request refused by a rate limit, with Retry-After when
// `retry_after` (seconds) is positive.
http::Response problem_after(const Error& e, std::int64_t retry_after);
http::Response json_response(int status, const nlohmann::ordered_json& body);
// The record a write created: {"record": leaf} and any members of `extra`.
http::Response created(std::uint64_t leaf, nlohmann::ordered_json extra = nlohmann::ordered_json::object());

}  // namespace amanat::api
