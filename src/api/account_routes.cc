// Logging in and out, the caller's own account and TOTP enrolment, and user administration.
#include "api/api.h"

namespace amanat::api {

using ojson = nlohmann::ordered_json;

namespace {

ojson user_json(const User& u) {
  return {{"id", u.id}, {"name", u.name}, {"role", role_name(u.role)}, {"totp", u.totp}};
}

std::vector<std::string> role_names() {
  std::vector<std::string> out;
  for (Role r : kAllRoles) out.push_back(role_name(r));
  return out;
}

}  // namespace

void add_account_routes(Api& api) {
  const std::vector<Role> everyone(std::begin(kAllRoles), std::end(kAllRoles));

  Route login{
      "POST", "/orgs/{org}/session", "Log in: a bearer token, or a session cookie and CSRF token for the browser",
      true, {}, false,
      Schema{"Login",
             {str("name", "Login name", 64), str("password", "Password", 256),
              Field{"totp", Field::Type::string, false, "The current code of the authenticator app, when enrolled", 0, 8},
              one_of("kind", "bearer (API clients) or cookie (the browser)", {"bearer", "cookie"}, false)}},
      201, "The session: its token (bearer) or cookie and CSRF token",
      [](Call& c) -> Result<http::Response> {
        if (!c.org.accounts) return fail(Errc::not_found, "no such organisation");
        LoginRequest lr{c.body["name"], c.body["password"], c.body.value("totp", std::string()),
                        c.body.value("kind", std::string("bearer")) == "cookie", c.client};
        std::int64_t retry = 0;
        auto r = c.org.accounts->login(lr, &retry);
        if (c.org.identities)  // the attempted name is not kept: people type passwords into it
          c.org.identities->record(r ? "user:" + std::to_string(r->session.user.id) : "anonymous", "login", "session",
                                   r ? "ok" : "failed");
        if (!r) {
          if (r.error().code == Errc::unavailable && retry > 0) {
            http::Response res = http::problem_response(429, r.error().message);
            res.headers.emplace_back("Retry-After", std::to_string(retry));
            return res;
          }
          if (r.error().code == Errc::forbidden) return http::problem_response(401, r.error().message);
          return err(r);
        }
        ojson body{{"user", user_json(r->session.user)}, {"expires_idle_seconds", Accounts::kIdle},
                   {"needs_totp_enrolment", r->session.needs_totp}};
        if (lr.cookie) {
          body["csrf_token"] = r->session.csrf;
          http::Response res = json_response(201, body);
          res.headers.emplace_back("Set-Cookie", "amanat_session=" + r->token + "; Path=/api/v1/orgs/" + c.org.slug +
                                                     "/; HttpOnly; Secure; SameSite=Strict; Max-Age=" +
                                                     std::to_string(Accounts::kLifetime));
          return res;
        }
        body["token"] = r->token;
        return json_response(201, body);
      }};
  login.responses = {{401, "Wrong name, password or TOTP code"},
                     {429, "Too many failed logins for this account or address: wait Retry-After seconds"}};
  api.add(std::move(login));

  api.add(Route{"DELETE", "/orgs/{org}/session", "Log out: the session ends at once", false, everyone, true,
                std::nullopt, 204, "Logged out", [](Call& c) -> Result<http::Response> {
                  if (auto st = c.org.accounts->logout(c.token); !st) return err(st);
                  http::Response res;
                  res.status = 204;
                  res.headers = {{"Cache-Control", "no-store"},
                                 {"Set-Cookie", "amanat_session=; Path=/api/v1/orgs/" + c.org.slug +
                                                    "/; HttpOnly; Secure; SameSite=Strict; Max-Age=0"}};
                  return res;
                }});

  api.add(Route{"GET", "/orgs/{org}/me", "The logged-in user", false, everyone, true, std::nullopt, 200,
                "The user and whether TOTP enrolment is still needed", [](Call& c) -> Result<http::Response> {
                  return json_response(200, {{"user", user_json(c.session->user)},
                                             {"needs_totp_enrolment", c.session->needs_totp}});
                }});

  api.add(Route{"POST", "/orgs/{org}/me/totp", "Begin TOTP enrolment: an otpauth:// URI for the authenticator app",
                false, everyone, true, Schema{"TotpBegin", {}}, 201, "The provisioning URI (show it as a QR code)",
                [](Call& c) -> Result<http::Response> {
                  auto uri = c.org.accounts->begin_totp(c.session->user, "amanat " + c.org.slug);
                  if (!uri) return err(uri);
                  return json_response(201, {{"otpauth_uri", *uri}});
                }});

  api.add(Route{"POST", "/orgs/{org}/me/totp/confirm", "Finish TOTP enrolment with a current code", false, everyone,
                true, Schema{"TotpConfirm", {str("code", "The 6-digit code the app shows", 8)}}, 200,
                "Enrolled: every later login needs a code", [](Call& c) -> Result<http::Response> {
                  auto st = c.org.accounts->confirm_totp(c.session->user, c.body["code"]);
                  if (!st) {
                    if (st.error().code == Errc::forbidden)
                      return http::problem_response(400, st.error().message, {{"/code", "wrong code"}});
                    return err(st);
                  }
                  return json_response(200, {{"totp", true}});
                }});

  api.add(Route{"GET", "/orgs/{org}/users", "The organisation's staff accounts", false, {Role::admin, Role::director},
                false, std::nullopt, 200, "Users (no secrets)", [](Call& c) -> Result<http::Response> {
                  auto us = c.org.accounts->users();
                  if (!us) return err(us);
                  ojson list = ojson::array();
                  for (const auto& u : *us) list.push_back(user_json(u));
                  return json_response(200, {{"users", list}});
                }});

  api.add(Route{"POST", "/orgs/{org}/users", "Create a staff account", false, {Role::admin}, false,
                Schema{"NewUser",
                       {str("name", "Login name: 3-64 of a-z 0-9 . _ -", 64), one_of("role", "The role", role_names()),
                        str("password", "At least 12 characters, not a common password", 256)}},
                201, "The user", [](Call& c) -> Result<http::Response> {
                  auto u = c.org.accounts->create_user(c.body["name"], *parse_role(c.body["role"].get<std::string>()),
                                                       c.body["password"]);
                  if (!u) return err(u);
                  return json_response(201, {{"user", user_json(*u)}});
                }});
}

}  // namespace amanat::api
