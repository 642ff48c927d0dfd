#include "api/api.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <mutex>

#include "core/bytes.h"
#include "core/reasons.h"
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
    if (!k || !v) return fail(reasons::query_invalid, "query: a malformed %-escape", "query");
    if (std::find(known.begin(), known.end(), *k) == known.end())
      return fail(reasons::query_invalid, "query: unknown parameter (use " + names + ")", "query");
    if (v->size() > 1000) return fail(reasons::query_invalid, *k + ": longer than 1000 bytes", *k);
    if (!is_valid_utf8(*v)) return fail(reasons::query_invalid, *k + ": not valid UTF-8", *k);
    out.emplace_back(std::move(*k), std::move(*v));
  }
  return out;
}

Result<std::int64_t> id_param(const Call& c, const char* name, const Reason& missing) {
  const std::string& s = c.params.at(name);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return fail(missing, std::string("no such ") + name);
  return v;
}

Result<std::int64_t> query_number(const std::string& name, const std::string& value, std::int64_t min,
                                  std::int64_t max) {
  auto n = parse_decimal(value);
  if (!n || *n < static_cast<std::uint64_t>(std::max<std::int64_t>(min, 0)) || *n > static_cast<std::uint64_t>(max))
    return fail(reasons::query_invalid, name + ": a whole number from " + std::to_string(min) + " to " +
                                            std::to_string(max), name);
  return static_cast<std::int64_t>(*n);
}

http::Response problem_after(const Error& e, std::int64_t retry_after) {
  http::Response res = http::problem(e);
  if (retry_after > 0) res.headers.emplace_back("Retry-After", std::to_string(retry_after));
  return res;
}

http::Response json_response(int status, const ojson& body) {
  http::Response r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "no-store"}};
  r.body = body.dump(-1, ' ', false, ojson::error_handler_t::replace) + "\n";
  return r;
}

http::Response created(std::uint64_t leaf, ojson extra) {
  ojson body{{"record", leaf}};
  for (auto& [k, v] : extra.items()) body[k] = v;
  return json_response(201, body);
}

namespace {

// Denied access goes to the organisation's access trail (identity/identities.h).
http::Response denied(Org& org, const std::optional<Session>& s, const Route& r, const Error& e) {
  http::Response res = http::problem(e);
  if (http::status_of(e) == 401) res.headers.emplace_back("WWW-Authenticate", "Bearer");
  if (org.identities)
    org.identities->record(s ? "user:" + std::to_string(s->user.id) : "anonymous", "denied", r.method + " " + r.path,
                           std::to_string(res.status));
  return res;
}

Error refusal(const Reason& reason, std::string message) { return Error{reason.code, std::move(message), &reason}; }

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

std::function<std::optional<std::string>(std::string_view)> page_preload(std::vector<std::string> slugs) {
  return [slugs = std::move(slugs)](std::string_view path) -> std::optional<std::string> {
    auto slash = path.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    auto slug = path.substr(0, slash);
    if (std::find(slugs.begin(), slugs.end(), slug) == slugs.end()) return std::nullopt;
    auto rest = path.substr(slash + 1);
    if (!rest.starts_with("appeals/")) return std::nullopt;
    auto code = rest.substr(8);
    // A well-formed code has nothing that could end the <...> of the header or be escaped.
    if (!books::check_fund(code, "code")) return std::nullopt;
    return "/api/v1/orgs/" + std::string(slug) + "/appeals/" + std::string(code);
  };
}

std::optional<http::Response> Api::quick(const http::Request& req) const {
  if (req.method != "GET" || !req.path.starts_with("orgs/")) return std::nullopt;
  auto slash = req.path.find('/', 5);
  if (slash == std::string::npos) return std::nullopt;
  auto o = orgs_.find(std::string_view(req.path).substr(5, slash - 5));
  if (o == orgs_.end() || o->second.books == nullptr || !o->second.answers) return std::nullopt;
  auto a = o->second.answers->find(AnswerCache::key(req), o->second.books->version());
  if (!a) return std::nullopt;
  return AnswerCache::respond(*a, req);
}

http::Response Api::handle(const http::Request& req) {
  std::map<std::string, std::string> params;
  std::string allow;
  const Route* route = find_route(req.path, req.method, params, allow);
  if (!route) {
    if (allow.empty())
      return http::problem(refusal(reasons::route_not_found, "no such API route; see /api/v1/openapi.json"));
    http::Response r = http::problem(refusal(reasons::method_not_allowed, "this route takes " + allow));
    r.headers.emplace_back("Allow", allow);
    return r;
  }

  static Org no_org;
  Org* org = &no_org;
  if (auto it = params.find("org"); it != params.end()) {
    auto o = orgs_.find(it->second);
    if (o == orgs_.end()) return http::problem(refusal(reasons::org_not_found, "no such organisation"));
    org = &o->second;
  }
  Call call{req, *org, std::move(params), {}, std::nullopt, {}, req.remote};
  if (trust_proxy_)
    if (auto real = http::find_header(req.headers, "x-real-ip"); real && !real->empty() && real->size() <= 64)
      call.client = std::string(*real);

  bool cookie = false;
  auto token = presented_token(req, cookie);
  if (!route->is_public) {
    if (!token || org->accounts == nullptr)
      return denied(*org, std::nullopt, *route,
                    refusal(reasons::not_logged_in, "log in first (POST /api/v1/orgs/{org}/session)"));
    auto s = token->empty() ? Result<Session>(std::unexpected(refusal(reasons::not_logged_in, "malformed Authorization header")))
                            : org->accounts->authenticate(*token);
    if (!s) {
      if (http::status_of(s.error()) != 401) return http::problem(s.error());
      return denied(*org, std::nullopt, *route, s.error());
    }
    if (!route->allows(s->user.role))
      return denied(*org, *s, *route, refusal(reasons::role_forbidden, "your role may not do this"));
    if (s->needs_totp && !route->before_totp)
      return denied(*org, *s, *route,
                    refusal(reasons::totp_enrolment_required,
                            "enrol a TOTP authenticator first (POST /api/v1/orgs/{org}/me/totp)"));
    if (!csrf_ok(*s, cookie, req))
      return denied(*org, *s, *route, refusal(reasons::csrf_token, "missing or wrong X-CSRF-Token header"));
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
    if (!is_json(req))
      return http::problem(refusal(reasons::media_type, "send the body as Content-Type: application/json"));
    auto checked = validate(req.body, *route->body);
    if (!checked)
      return http::problem(refusal(reasons::body_invalid, "the request body is not valid"), std::move(checked.error()));
    call.body = std::move(*checked);
  } else if (!route->raw_body.empty()) {
    std::string type = media_type(req);
    bool accepted = false;
    std::string list;
    for (const auto& t : route->raw_body) {
      accepted = accepted || t == type;
      list += (list.empty() ? "" : ", ") + t;
    }
    if (!accepted) return http::problem(refusal(reasons::media_type, "send the file as one of: " + list));
    if (req.body.empty()) return http::problem(refusal(reasons::body_empty, "the body is empty; send the file"));
  } else if (!req.body.empty() && unsafe(req.method)) {
    return http::problem(refusal(reasons::body_not_allowed, "this route takes no body"));
  }

  auto res = route->handler(call);
  if (!res) return http::problem(res.error());
  if (check_responses_) *res = checked(*route, std::move(*res));
  if (req.method == "HEAD") res->body.clear();
  return std::move(*res);
}

http::Response Api::checked(const Route& route, http::Response res) const {
  if (res.status < 200 || res.status >= 300) return res;
  auto type = http::find_header(res.headers, "content-type");
  bool is_json = type && type->starts_with("application/json");
  std::string wrong;
  if (res.status != route.status) {
    wrong = "status " + std::to_string(res.status) + " where the route declares " + std::to_string(route.status);
  } else if (route.returns) {
    if (!is_json) {
      wrong = "not JSON";
    } else {
      auto value = nlohmann::json::parse(res.body, nullptr, false);
      for (const auto& e : check_response(value, *route.returns)) wrong += (wrong.empty() ? "" : "; ") + e.field + " " + e.reason;
    }
  } else if (!route.returns_media.empty()) {
    if (!type || *type != route.returns_media) wrong = "not " + route.returns_media;
  } else if (res.status != 204 || !res.body.empty()) {
    wrong = "a body where the route declares none";
  }
  if (wrong.empty()) return res;
  return http::problem_response(500, reasons::internal,
                                route.method + " " + route.path + " answered what its schema does not say: " + wrong);
}

// A name code generators can use as is: the method, then the path's words in CamelCase after
// the organisation, parameters as "By<Name>": POST /orgs/{org}/expenses/{record}/approvals is
// postExpensesByRecordApprovals; the organisation itself (GET /orgs/{org}) is getOrganisation.
// Unique because (method, path) is.
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
  if (path == "/orgs/{org}") return out + "Organisation";
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
  {
    // Every reason a problem may carry (core/reasons.h): the type names one of them.
    ojson ids = ojson::array();
    for (const Reason* r : reasons::all()) ids.push_back(std::string(r->id));
    schemas["Problem"] = {
        {"type", "object"},
        {"description", "RFC 9457 problem details; `reason` (and the last segment of `type`) is the stable name a "
                        "client translates: GET /problems lists them all"},
        {"required", ojson::array({"type", "title", "status", "reason"})},
        {"properties",
         {{"type", {{"type", "string"}, {"description", "/api/v1/problems/<reason>"}}},
          {"title", {{"type", "string"}}},
          {"status", {{"type", "integer"}}},
          {"detail", {{"type", "string"}}},
          {"reason", {{"type", "string"}, {"enum", ids}}},
          {"field", {{"type", "string"}, {"description", "The input the error is about"}}},
          {"errors",
           {{"type", "array"},
            {"items",
             {{"type", "object"},
              {"required", ojson::array({"field", "code", "reason"})},
              {"properties",
               {{"field", {{"type", "string"}, {"description", "A JSON pointer into the body, or a parameter"}}},
                {"code",
                 {{"type", "string"},
                  {"enum", ojson::array({"required", "unknown", "type", "empty", "too_short", "too_long", "not_one_of",
                                         "range", "too_many", "malformed", "invalid"})}}},
                {"reason", {{"type", "string"}}},
                {"limit", {{"type", "integer"}, {"description", "The bound that was broken"}}}}}}}}}}}};
  }
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
    ojson& ok = responses[std::to_string(r.status)] = {{"description", r.response.empty() ? "OK" : r.response}};
    if (r.returns) {
      schemas[r.returns->name] = json_schema(*r.returns);
      ok["content"] = {{"application/json", {{"schema", {{"$ref", "#/components/schemas/" + r.returns->name}}}}}};
    } else if (!r.returns_media.empty()) {
      ok["content"] = {{r.returns_media, ojson::object()}};
    }
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

namespace {

// ---- the API's own routes ----

ojson reason_json(const Reason& r) {
  return {{"reason", std::string(r.id)},
          {"type", http::problem_type(r)},
          {"title", std::string(r.title)},
          {"status", http::status_of(Error{r.code, "", &r})}};
}

Result<http::Response> list_problems(Call&) {
  ojson list = ojson::array();
  for (const Reason* r : reasons::all()) list.push_back(reason_json(*r));
  http::Response res = json_response(200, {{"problems", list}});
  res.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "public, max-age=3600"}};
  return res;
}

Result<http::Response> get_problem(Call& c) {
  const Reason* r = reasons::find(c.params.at("reason"));
  if (!r) return fail(Errc::not_found, "no such problem type; GET /api/v1/problems lists them");
  http::Response res = json_response(200, reason_json(*r));
  res.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "public, max-age=3600"}};
  return res;
}

Result<http::Response> health(Call&) { return json_response(200, {{"status", "ok"}}); }

std::vector<Field> problem_type_fields() {
  return {out::text("reason", "The stable name"), out::text("type", "The URI a problem document names it by"),
          out::text("title", "What it means, in English"), out::number("status", "The HTTP status it comes with")};
}

}  // namespace

void add_meta_routes(Api& api) {
  Api* self = &api;
  auto doc = std::make_shared<std::pair<std::once_flag, std::string>>();  // built once, on first use
  api.add({.method = "GET",
           .path = "/openapi.json",
           .summary = "This document",
           .is_public = true,
           .response = "The OpenAPI 3.1 document",
           .returns_media = "application/json",
           .handler = [self, doc](Call&) -> Result<http::Response> {
             std::call_once(doc->first, [&] { doc->second = self->openapi(); });
             http::Response r;
             r.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "public, max-age=60"}};
             r.body = doc->second;
             return r;
           }});
  api.add({.method = "GET",
           .path = "/orgs",
           .summary = "The organisations this server serves, by slug (public)",
           .is_public = true,
           .response = "Their slugs; GET /orgs/{org} tells more of each",
           .returns = Schema{"Organisations", {out::texts("orgs", "Slugs, in order")}},
           .handler = [self](Call&) -> Result<http::Response> {
             nlohmann::ordered_json slugs = self->org_slugs();
             return json_response(200, {{"orgs", slugs}});
           }});
  api.add({.method = "GET",
           .path = "/health",
           .summary = "Liveness: the server answers",
           .is_public = true,
           .response = "ok",
           .returns = Schema{"Health", {out::choice("status", "Always ok", {"ok"})}},
           .handler = health});
  api.add({.method = "GET",
           .path = "/problems",
           .summary = "Every problem type an error can carry, with its title and status (for translations)",
           .is_public = true,
           .response = "The problem types",
           .returns = Schema{"ProblemTypes", {out::list("problems", "Every reason", problem_type_fields())}},
           .handler = list_problems});
  api.add({.method = "GET",
           .path = "/problems/{reason}",
           .summary = "One problem type: what a problem document's `type` names",
           .is_public = true,
           .response = "The problem type",
           .returns = Schema{"ProblemType", problem_type_fields()},
           .handler = get_problem});
}

std::unique_ptr<Api> make_api() {
  auto api = std::make_unique<Api>();
  add_meta_routes(*api);
  add_account_routes(*api);
  add_books_routes(*api);
  add_identity_routes(*api);
  add_desk_routes(*api);
  return api;
}

}  // namespace amanat::api
