#include "api/api.h"

#include <sodium.h>

#include <algorithm>
#include <mutex>

#include "core/utf8.h"

namespace amanat::api {

using ojson = nlohmann::ordered_json;

namespace {

std::vector<std::string_view> split_path(std::string_view p) {
  std::vector<std::string_view> out;
  while (!p.empty()) {
    auto slash = p.find('/');
    out.push_back(p.substr(0, slash));
    if (slash == std::string_view::npos) break;
    p.remove_prefix(slash + 1);
  }
  return out;
}

bool match(std::string_view tmpl, std::string_view path, std::map<std::string, std::string>& params) {
  auto t = split_path(tmpl.substr(1)), p = split_path(path);
  if (t.size() != p.size()) return false;
  std::map<std::string, std::string> got;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i].size() > 2 && t[i].front() == '{' && t[i].back() == '}') {
      if (p[i].empty()) return false;
      got.emplace(std::string(t[i].substr(1, t[i].size() - 2)), std::string(p[i]));
    } else if (t[i] != p[i]) {
      return false;
    }
  }
  params = std::move(got);
  return true;
}

bool unsafe(std::string_view method) { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }

// A session presented as a cookie must also send its CSRF token for an unsafe method (a bearer
// token cannot be sent by another site's page, so it needs none).
bool csrf_ok(const Session& s, bool cookie, const http::Request& req) {
  if (!(s.cookie && cookie && unsafe(req.method))) return true;
  auto csrf = http::find_header(req.headers, "x-csrf-token");
  return csrf && csrf->size() == s.csrf.size() && sodium_memcmp(csrf->data(), s.csrf.data(), s.csrf.size()) == 0;
}

// The session token a request presents: the bearer token, else the session cookie.
std::optional<std::string> presented_token(const http::Request& req, bool& cookie) {
  cookie = false;
  if (auto a = http::find_header(req.headers, "authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (a->size() > kBearer.size() && a->substr(0, kBearer.size()) == kBearer)
      return std::string(a->substr(kBearer.size()));
    return std::string();  // present but not a bearer token: refused below
  }
  if (auto c = http::find_header(req.headers, "cookie")) {
    std::string_view rest = *c;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view part = rest.substr(0, semi);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      constexpr std::string_view kName = "amanat_session=";
      if (part.substr(0, kName.size()) == kName) {
        cookie = true;
        return std::string(part.substr(kName.size()));
      }
      if (semi == std::string_view::npos) break;
      rest.remove_prefix(semi + 1);
    }
  }
  return std::nullopt;
}

// The media type of the body, lowercased, without parameters ("text/csv; charset=utf-8" -> "text/csv").
std::string media_type(const http::Request& req) {
  auto ct = http::find_header(req.headers, "content-type");
  if (!ct) return "";
  std::string_view v = *ct;
  v = v.substr(0, v.find(';'));
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  std::string lower;
  for (char c : v) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

bool is_json(const http::Request& req) { return media_type(req) == "application/json"; }

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> query_params(const http::Request& req,
                                                                       const std::vector<std::string>& known) {
  auto decode = [](std::string_view in) -> std::optional<std::string> {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (in[i] == '+') {
        out += ' ';
      } else if (in[i] != '%') {
        out += in[i];
      } else {
        auto hex = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; };
        if (i + 2 >= in.size()) return std::nullopt;
        int hi = hex(in[i + 1]), lo = hex(in[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
      }
    }
    return out;
  };
  std::vector<std::pair<std::string, std::string>> out;
  std::string names;
  for (const auto& k : known) names += (names.empty() ? "" : ", ") + k;
  std::string_view rest = req.query;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view kv = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (kv.empty()) continue;
    auto eq = kv.find('=');
    auto k = decode(kv.substr(0, eq));
    auto v = decode(eq == std::string_view::npos ? std::string_view() : kv.substr(eq + 1));
    if (!k || !v) return fail(Errc::invalid, "query: a malformed %-escape");
    if (std::find(known.begin(), known.end(), *k) == known.end())
      return fail(Errc::invalid, "query: unknown parameter (use " + names + ")");
    if (v->size() > 1000) return fail(Errc::invalid, *k + ": longer than 1000 bytes");
    if (!is_valid_utf8(*v)) return fail(Errc::invalid, *k + ": not valid UTF-8");
    out.emplace_back(std::move(*k), std::move(*v));
  }
  return out;
}

http::Response json_response(int status, const ojson& body) {
  http::Response r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "no-store"}};
  r.body = body.dump(-1, ' ', false, ojson::error_handler_t::replace) + "\n";
  return r;
}

http::Response error_to_problem(const Error& e) {
  switch (e.code) {
    case Errc::invalid: {
      // Books errors name their field first: "amount: must be positive".
      auto colon = e.message.find(": ");
      std::string field = e.message.substr(0, colon);
      bool named = colon != std::string::npos && !field.empty() && field.size() <= 40 &&
                   field.find(' ') == std::string::npos;
      if (named) return http::problem_response(400, e.message, {{"/" + field, e.message.substr(colon + 2)}});
      return http::problem_response(400, e.message);
    }
    case Errc::not_found: return http::problem_response(404, e.message);
    case Errc::conflict: return http::problem_response(409, e.message);
    case Errc::forbidden: return http::problem_response(422, e.message);
    case Errc::unavailable: return http::problem_response(503, "the service is unavailable; try again later");
    case Errc::sealed: return http::problem_response(423, e.message);
    case Errc::corrupt:
    case Errc::internal: break;
  }
  http::Response r = http::problem_response(500, "");
  r.log_note = std::string(errc_name(e.code)) + ": " + e.message;
  return r;
}

namespace {

// Denied access goes to the organisation's access trail (api/identities.h).
http::Response denied(Org& org, const std::optional<Session>& s, const Route& r, http::Response res) {
  if (org.identities)
    org.identities->record(s ? "user:" + std::to_string(s->user.id) : "anonymous", "denied", r.method + " " + r.path,
                           std::to_string(res.status));
  return res;
}

}  // namespace

const Route* Api::find_route(std::string_view path, std::string_view method, std::map<std::string, std::string>& params,
                             std::string& allow) const {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  for (const auto& r : routes_) {
    std::map<std::string, std::string> p;
    if (!match(r.path, path, p)) continue;
    if (r.method == method || (method == "HEAD" && r.method == "GET")) {
      params = std::move(p);
      return &r;
    }
    allow += (allow.empty() ? "" : ", ") + r.method;
  }
  return nullptr;
}

std::size_t Api::body_limit(const http::Request& head) {
  std::map<std::string, std::string> params;
  std::string allow;
  const Route* route = find_route(head.path, head.method, params, allow);
  if (!route || route->max_body == 0 || route->is_public) return 0;
  auto o = params.count("org") ? orgs_.find(params.at("org")) : orgs_.end();
  if (o == orgs_.end() || !o->second.accounts) return 0;
  bool cookie = false;
  auto token = presented_token(head, cookie);
  if (!token || token->empty()) return 0;
  // The checks handle() makes before it reads the body, without their side effects (no session
  // refresh, no write): this runs on an event-loop thread.
  auto s = o->second.accounts->peek(*token);
  if (!s || s->needs_totp || !csrf_ok(*s, cookie, head) || !route->allows(s->user.role)) return 0;
  return route->max_body;
}

http::Response Api::handle(const http::Request& req) {
  std::map<std::string, std::string> params;
  std::string allow;
  const Route* route = find_route(req.path, req.method, params, allow);
  if (!route) {
    if (allow.empty()) return http::problem_response(404, "no such API route; see /api/v1/openapi.json");
    http::Response r = http::problem_response(405, "this route takes " + allow);
    r.headers.emplace_back("Allow", allow);
    return r;
  }

  static Org no_org;
  Org* org = &no_org;
  if (auto it = params.find("org"); it != params.end()) {
    auto o = orgs_.find(it->second);
    if (o == orgs_.end()) return http::problem_response(404, "no such organisation");
    org = &o->second;
  }
  Call call{req, *org, std::move(params), {}, std::nullopt, {}, req.remote};
  if (trust_proxy_)
    if (auto real = http::find_header(req.headers, "x-real-ip"); real && !real->empty() && real->size() <= 64)
      call.client = std::string(*real);

  bool cookie = false;
  auto token = presented_token(req, cookie);
  if (!route->is_public) {
    if (!token || org->accounts == nullptr) {
      http::Response r = http::problem_response(401, "log in first (POST /api/v1/orgs/{org}/session)");
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return denied(*org, std::nullopt, *route, std::move(r));
    }
    auto s = token->empty() ? Result<Session>(fail(Errc::forbidden, "malformed Authorization header"))
                            : org->accounts->authenticate(*token);
    if (!s) {
      if (s.error().code != Errc::forbidden) return error_to_problem(s.error());
      http::Response r = http::problem_response(401, s.error().message);
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return denied(*org, std::nullopt, *route, std::move(r));
    }
    if (!route->allows(s->user.role)) return denied(*org, *s, *route, http::problem_response(403, "your role may not do this"));
    if (s->needs_totp && !route->before_totp)
      return denied(*org, *s, *route,
                    http::problem_response(403, "enrol a TOTP authenticator first (POST /api/v1/orgs/{org}/me/totp)"));
    if (!csrf_ok(*s, cookie, req))
      return denied(*org, *s, *route, http::problem_response(403, "missing or wrong X-CSRF-Token header"));
    call.session = std::move(*s);
    call.token = std::move(*token);
  } else if (token && !token->empty() && org->accounts) {
    // Public routes work without a session; one that is presented and valid is passed on.
    if (auto s = org->accounts->authenticate(*token)) {
      call.session = std::move(*s);
      call.token = std::move(*token);
    }
  }

  if (route->body) {
    if (!is_json(req)) return http::problem_response(415, "send the body as Content-Type: application/json");
    auto checked = validate(req.body, *route->body);
    if (!checked) return http::problem_response(400, "the request body is not valid", std::move(checked.error()));
    call.body = std::move(*checked);
  } else if (!route->raw_body.empty()) {
    std::string type = media_type(req);
    bool accepted = false;
    std::string list;
    for (const auto& t : route->raw_body) {
      accepted = accepted || t == type;
      list += (list.empty() ? "" : ", ") + t;
    }
    if (!accepted) return http::problem_response(415, "send the file as one of: " + list);
    if (req.body.empty()) return http::problem_response(400, "the body is empty; send the file");
  } else if (!req.body.empty() && unsafe(req.method)) {
    return http::problem_response(400, "this route takes no body");
  }

  auto res = route->handler(call);
  if (!res) return error_to_problem(res.error());
  if (req.method == "HEAD") res->body.clear();
  return std::move(*res);
}

// A name code generators can use as is: the method, then the path's words in CamelCase after
// the organisation, parameters as "By<Name>": POST /orgs/{org}/expenses/{record}/approvals is
// postExpensesByRecordApprovals. Unique because (method, path) is.
static std::string operation_id(const Route& r) {
  std::string out;
  for (char c : r.method) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto camel = [&](std::string_view word) {
    bool up = true;
    for (char c : word) {
      if (c == '-' || c == '.' || c == '_') {
        up = true;
        continue;
      }
      out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      up = false;
    }
  };
  std::string_view path = r.path;
  if (path.starts_with("/orgs/{org}")) path.remove_prefix(11);
  for (auto seg : split_path(path.empty() ? path : path.substr(1))) {
    if (seg.empty()) continue;
    if (seg.front() == '{') {
      out += "By";
      camel(seg.substr(1, seg.size() - 2));
    } else {
      camel(seg);
    }
  }
  return out;
}

std::string Api::openapi() const {
  ojson doc;
  doc["openapi"] = "3.1.0";
  doc["info"] = {{"title", "amanat API"},
                 {"version", "1"},
                 {"description",
                  "Books, accounts and public transparency of an organisation that supports survivors of violence. "
                  "Money is integer minor units with an ISO 4217 currency code. Errors are RFC 9457 problem+json."}};
  doc["servers"] = ojson::array({{{"url", "/api/v1"}}});
  ojson paths = ojson::object();
  ojson schemas = ojson::object();
  schemas["Problem"] = {{"type", "object"},
                        {"properties",
                         {{"type", {{"type", "string"}}},
                          {"title", {{"type", "string"}}},
                          {"status", {{"type", "integer"}}},
                          {"detail", {{"type", "string"}}},
                          {"errors",
                           {{"type", "array"},
                            {"items",
                             {{"type", "object"},
                              {"properties", {{"field", {{"type", "string"}}}, {"reason", {{"type", "string"}}}}}}}}}}}};
  auto problem = [](const std::string& what) {
    return ojson{{"description", what},
                 {"content", {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
  };
  for (const auto& r : routes_) {
    ojson op;
    std::string lower;
    for (char c : r.method) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    op["operationId"] = operation_id(r);
    op["summary"] = r.summary;
    if (r.is_public) {
      op["security"] = ojson::array();
      op["x-amanat-access"] = "public";
    } else if (unsafe(r.method)) {
      // A cookie session must also send its CSRF token on unsafe methods (both schemes at once).
      op["security"] = ojson::array(
          {{{"bearer", ojson::array()}}, {{"session", ojson::array()}, {"csrf", ojson::array()}}});
    } else {
      op["security"] = ojson::array({{{"bearer", ojson::array()}}, {{"session", ojson::array()}}});
    }
    if (!r.is_public) {
      ojson roles = ojson::array();
      for (Role role : r.roles) roles.push_back(role_name(role));
      op["x-amanat-roles"] = roles;
    }
    ojson parameters = ojson::array();
    for (auto seg : split_path(std::string_view(r.path).substr(1)))
      if (seg.size() > 2 && seg.front() == '{')
        parameters.push_back({{"name", std::string(seg.substr(1, seg.size() - 2))},
                              {"in", "path"},
                              {"required", true},
                              {"schema", {{"type", "string"}}}});
    for (const auto& q : r.query)
      parameters.push_back({{"name", q}, {"in", "query"}, {"required", false}, {"schema", {{"type", "string"}}}});
    if (!parameters.empty()) op["parameters"] = parameters;
    if (r.body) {
      schemas[r.body->name] = json_schema(*r.body);
      op["requestBody"] = {
          {"required", true},
          {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/" + r.body->name}}}}}}}};
    }
    if (!r.raw_body.empty()) {
      ojson content = ojson::object();
      for (const auto& t : r.raw_body) content[t] = ojson::object();  // any bytes of that type
      op["requestBody"] = {{"required", true}, {"content", content}};
      if (r.max_body)
        op["requestBody"]["description"] = "At most " + std::to_string(r.max_body >> 20) +
                                           " MiB for a logged-in user of a role the route allows; 1 MiB otherwise";
    }
    ojson responses;
    responses[std::to_string(r.status)] = {{"description", r.response.empty() ? "OK" : r.response}};
    if (r.body) {
      responses["400"] = problem("The body is not valid: every problem is listed with its field");
      responses["413"] = problem("The body is too large");
      responses["415"] = problem("The body is not application/json");
    } else if (!r.raw_body.empty()) {
      responses["400"] = problem("The file is empty or not valid: the reason, with the line where there is one");
      responses["413"] = problem("The file is too large");
      responses["415"] = problem("The file is not of an accepted media type");
    }
    if (!r.is_public) {
      responses["401"] = problem("Not logged in, or the session ended");
      responses["403"] = problem("The role may not do this, TOTP is not enrolled, or the CSRF token is wrong");
    }
    responses["404"] = problem("No such organisation or record");
    if (r.method != "GET") {
      responses["409"] = problem("In conflict with the current state");
      responses["422"] = problem("Against a rule of the books (e.g. a restricted fund would go negative)");
    }
    if (!r.is_public)
      responses["423"] = problem(
          "The vault is sealed and this needs a key held in it (an identity, a donor reference, a payee, a file, "
          "a statement's line keys): a director must unseal it");
    for (const auto& [status, meaning] : r.responses) {
      responses[std::to_string(status)] = problem(meaning);
      if (status == 429)
        responses["429"]["headers"] = {{"Retry-After",
                                        {{"description", "Seconds to wait before the next attempt"},
                                         {"schema", {{"type", "integer"}, {"minimum", 1}}}}}};
    }
    responses["503"] = problem(
        unsafe(r.method)
            ? "Unavailable, or no answer within the server's handler timeout: try again later. After a timeout the "
              "request's outcome is unknown (it may still complete): check before repeating it"
            : "Unavailable, or no answer within the server's handler timeout: try again later");
    responses["503"]["headers"] = {
        {"Retry-After",
         {{"description", "Seconds to wait before trying again (sent after a handler timeout)"},
          {"schema", {{"type", "integer"}, {"minimum", 1}}}}}};
    op["responses"] = responses;
    paths[r.path][lower] = op;
  }
  doc["paths"] = paths;
  doc["components"] = {{"schemas", schemas},
                       {"securitySchemes",
                        {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
                         {"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "amanat_session"}}},
                         {"csrf",
                          {{"type", "apiKey"},
                           {"in", "header"},
                           {"name", "X-CSRF-Token"},
                           {"description", "The CSRF token given with a cookie session; required with it on "
                                           "unsafe methods"}}}}}};
  return doc.dump(2) + "\n";
}

std::unique_ptr<Api> make_api() {
  auto api = std::make_unique<Api>();
  Api* self = api.get();
  auto doc = std::make_shared<std::pair<std::once_flag, std::string>>();  // built once, on first use
  api->add(Route{"GET", "/openapi.json", "This document", true, {}, false, std::nullopt, 200, "The OpenAPI 3.1 document",
                 [self, doc](Call&) -> Result<http::Response> {
                   std::call_once(doc->first, [&] { doc->second = self->openapi(); });
                   http::Response r;
                   r.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "public, max-age=60"}};
                   r.body = doc->second;
                   return r;
                 }});
  api->add(Route{"GET", "/health", "Liveness: the server answers", true, {}, false, std::nullopt, 200, "ok",
                 [](Call&) -> Result<http::Response> { return json_response(200, {{"status", "ok"}}); }});
  add_account_routes(*api);
  add_books_routes(*api);
  add_identity_routes(*api);
  return api;
}

}  // namespace amanat::api
