// Logging in and out, the caller's own account and TOTP enrolment, and user administration.
#include "api/api.h"
#include "core/reasons.h"

namespace amanat::api {

using ojson = nlohmann::ordered_json;

namespace {

std::vector<std::string> role_names() {
  std::vector<std::string> out;
  for (Role r : kAllRoles) out.push_back(role_name(r));
  return out;
}

ojson user_json(const User& u) {
  return {{"id", u.id}, {"name", u.name}, {"role", role_name(u.role)}, {"totp", u.totp}};
}
Field user_field(std::string name = "user", std::string what = "The user") {
  return out::object(std::move(name), std::move(what),
                     {out::number("id", "The user's id"), out::text("name", "Login name"),
                      out::choice("role", "The role", role_names()),
                      out::flag("totp", "Whether an authenticator app is enrolled")});
}

std::string cookie(const Org& org, const std::string& value, std::int64_t max_age) {
  return "amanat_session=" + value + "; Path=/api/v1/orgs/" + org.slug + "/; HttpOnly; Secure; SameSite=Strict; Max-Age=" +
         std::to_string(max_age);
}

// ---- handlers ----

Result<http::Response> log_in(Call& c) {
  if (!c.org.accounts) return fail(reasons::org_not_found, "no such organisation");
  LoginRequest lr{c.body["name"], c.body["password"], c.body.value("totp", std::string()),
                  c.body.value("kind", std::string("bearer")) == "cookie", c.client};
  std::int64_t retry = 0;
  auto r = c.org.accounts->login(lr, &retry);
  if (c.org.identities)  // the attempted name is not kept: people type passwords into it
    c.org.identities->record(r ? "user:" + std::to_string(r->session.user.id) : "anonymous", "login", "session",
                             r ? "ok" : "failed");
  if (!r) {
    http::Response res = http::problem(r.error());
    if (r.error().reason == &reasons::too_many_attempts && retry > 0)
      res.headers.emplace_back("Retry-After", std::to_string(retry));
    return res;
  }
  ojson body{{"user", user_json(r->session.user)}, {"expires_idle_seconds", Accounts::kIdle},
             {"needs_totp_enrolment", r->session.needs_totp}};
  if (lr.cookie) {
    body["csrf_token"] = r->session.csrf;
    http::Response res = json_response(201, body);
    res.headers.emplace_back("Set-Cookie", cookie(c.org, r->token, Accounts::kLifetime));
    return res;
  }
  body["token"] = r->token;
  return json_response(201, body);
}

Result<http::Response> log_out(Call& c) {
  AMANAT_CHECK(c.org.accounts->logout(c.token));
  http::Response res;
  res.status = 204;
  res.headers = {{"Cache-Control", "no-store"}, {"Set-Cookie", cookie(c.org, "", 0)}};
  return res;
}

Result<http::Response> me(Call& c) {
  return json_response(200, {{"user", user_json(c.session->user)}, {"needs_totp_enrolment", c.session->needs_totp}});
}

Result<http::Response> begin_totp(Call& c) {
  AMANAT_TRY(uri, c.org.accounts->begin_totp(c.session->user, "amanat " + c.org.slug));
  return json_response(201, {{"otpauth_uri", uri}});
}

Result<http::Response> confirm_totp(Call& c) {
  AMANAT_CHECK(c.org.accounts->confirm_totp(c.session->user, c.body["code"]));
  return json_response(200, {{"totp", true}});
}

Result<http::Response> list_users(Call& c) {
  AMANAT_TRY(us, c.org.accounts->users());
  ojson list = ojson::array();
  for (const auto& u : us) list.push_back(user_json(u));
  return json_response(200, {{"users", list}});
}

Result<http::Response> create_user(Call& c) {
  AMANAT_TRY(u, c.org.accounts->create_user(c.body["name"], *parse_role(c.body["role"].get<std::string>()),
                                            c.body["password"]));
  return json_response(201, {{"user", user_json(u)}});
}

}  // namespace

void add_account_routes(Api& api) {
  const std::vector<Role> everyone(std::begin(kAllRoles), std::end(kAllRoles));

  api.add({.method = "POST",
           .path = "/orgs/{org}/session",
           .summary = "Log in: a bearer token, or a session cookie and CSRF token for the browser",
           .is_public = true,
           .body = Schema{"Login",
                          {str("name", "Login name", 64), str("password", "Password", 256),
                           Field{"totp", Field::Type::string, false,
                                 "The current code of the authenticator app, when enrolled", 0, 8},
                           one_of("kind", "bearer (API clients) or cookie (the browser)", {"bearer", "cookie"}, false)}},
           .status = 201,
           .response = "The session: its token (bearer) or cookie and CSRF token",
           .returns = Schema{"LoginResult",
                             {user_field(), out::number("expires_idle_seconds", "The session ends after this idle time"),
                              out::flag("needs_totp_enrolment", "A director or admin must enrol TOTP before anything else"),
                              out::text("token", "The bearer token (kind bearer): send it as Authorization: Bearer", false),
                              out::text("csrf_token", "The CSRF token (kind cookie): send it as X-CSRF-Token", false)}},
           .responses = {{401, "Wrong name, password or TOTP code"},
                         {429, "Too many failed logins for this account or address: wait Retry-After seconds"}},
           .handler = log_in});

  api.add({.method = "DELETE",
           .path = "/orgs/{org}/session",
           .summary = "Log out: the session ends at once",
           .roles = everyone,
           .before_totp = true,
           .status = 204,
           .response = "Logged out",
           .handler = log_out});

  api.add({.method = "GET",
           .path = "/orgs/{org}/me",
           .summary = "The logged-in user",
           .roles = everyone,
           .before_totp = true,
           .response = "The user and whether TOTP enrolment is still needed",
           .returns = Schema{"Me", {user_field(), out::flag("needs_totp_enrolment", "TOTP must be enrolled first")}},
           .handler = me});

  api.add({.method = "POST",
           .path = "/orgs/{org}/me/totp",
           .summary = "Begin TOTP enrolment: an otpauth:// URI for the authenticator app",
           .roles = everyone,
           .before_totp = true,
           .body = Schema{"TotpBegin", {}},
           .status = 201,
           .response = "The provisioning URI (show it as a QR code)",
           .returns = Schema{"TotpEnrolment", {out::text("otpauth_uri", "otpauth://totp/... for the app")}},
           .handler = begin_totp});

  api.add({.method = "POST",
           .path = "/orgs/{org}/me/totp/confirm",
           .summary = "Finish TOTP enrolment with a current code",
           .roles = everyone,
           .before_totp = true,
           .body = Schema{"TotpConfirm", {str("code", "The 6-digit code the app shows", 8)}},
           .response = "Enrolled: every later login needs a code",
           .returns = Schema{"TotpEnrolled", {out::flag("totp", "Always true")}},
           .handler = confirm_totp});

  api.add({.method = "GET",
           .path = "/orgs/{org}/users",
           .summary = "The organisation's staff accounts",
           .roles = {Role::admin, Role::director},
           .response = "Users (no secrets)",
           .returns = Schema{"Users", {out::list("users", "Every staff account", user_field("", "").fields)}},
           .handler = list_users});

  api.add({.method = "POST",
           .path = "/orgs/{org}/users",
           .summary = "Create a staff account",
           .roles = {Role::admin},
           .body = Schema{"NewUser",
                          {str("name", "Login name: 3-64 of a-z 0-9 . _ -", 64), one_of("role", "The role", role_names()),
                           str("password", "At least 12 characters, not a common password", 256)}},
           .status = 201,
           .response = "The user",
           .returns = Schema{"CreatedUser", {user_field()}},
           .handler = create_user});
}

}  // namespace amanat::api
