// Logging in and out, the caller's own account (password, TOTP), and user administration:
// creating users, roles (a director's or admin's role granted by enough directors), disabling,
// passwords and authenticators reset, sessions revoked. Every change is written to the access
// trail in its own transaction (accounts::Audit).

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
  return {{"id", u.id}, {"name", u.name}, {"role", role_name(u.role)}, {"totp", u.totp}, {"disabled", u.disabled}};
}
std::vector<Field> user_fields() {
  return {out::number("id", "The user's id"), out::text("name", "Login name"),
          out::choice("role", "The role", role_names()),
          out::flag("totp", "Whether an authenticator app is enrolled"),
          out::flag("disabled", "Disabled: may not log in")};
}
Field user_field() { return out::object("user", "The user", user_fields()); }

ojson grant_json(const accounts::Grant& g) {
  return {{"id", g.id}, {"user", g.user}, {"role", role_name(g.role)}, {"kind", accounts::grant_kind_name(g.kind)},
          {"requested_by", g.requested_by}, {"created", g.created}, {"approvals", g.approvals}};
}
std::vector<Field> grant_fields() {
  return {out::number("id", "The grant's id"), out::number("user", "Whose role it grants, or whose credentials it resets"),
          out::choice("role", "The role it grants (kind role), or the user's role (a reset)", {"director", "admin"}),
          out::choice("kind", "What it does: give the role, or reset the user's password or authenticator",
                      {"role", "password", "totp"}),
          out::number("requested_by", "The director who asked"), out::number("created", "Unix seconds"),
          out::numbers("approvals", "The approving directors' ids, the requester's included")};
}

// {"user": ..., "pending": grant or absent, "approvals_needed": k}
ojson granted_json(const accounts::Granted& g) {
  ojson body{{"user", user_json(g.user)}, {"approvals_needed", g.approvals_needed}};
  if (g.pending) body["pending"] = grant_json(*g.pending);
  return body;
}

// A credential reset: done (`done_key` true), or waiting for more directors' approvals.
ojson reset_json(const char* done_key, const accounts::Granted& g) {
  ojson body{{done_key, !g.pending}, {"approvals_needed", g.approvals_needed}};
  if (g.pending) body["pending"] = grant_json(*g.pending);
  return body;
}
std::vector<Field> reset_fields(const char* done_key, const std::vector<Field>& grant) {
  return {out::flag(done_key, "Done now; false while a director's or admin's reset waits for approvals"),
          out::number("approvals_needed", "How many directors' approvals a reset of a director or admin needs"),
          out::object("pending", "The grant still waiting for approvals, when one is", grant, false)};
}

// Writes the change to the organisation's access trail, in the change's transaction.
accounts::Audit trail(const Call& c) {
  return [&c](Tx& tx, const std::string& action, const std::string& target) -> Status {
    if (!c.org.identities) return {};
    return c.org.identities->record(tx, actor(c), action, target, "ok");
  };
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
  auto r = c.org.accounts->login(lr, &retry, trail(c));
  if (!r) {
    // A failure writes no session, so its trail line has a transaction of its own. The name
    // typed is not kept: people type passwords into it.
    if (c.org.identities) c.org.identities->record("anonymous", "login", "session", "failed");
    return problem_after(r.error(), r.error().reason == &reasons::too_many_attempts ? retry : 0);
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
  AMANAT_CHECK(c.org.accounts->logout(c.token, trail(c)));
  http::Response res;
  res.status = 204;
  res.headers = {{"Cache-Control", "no-store"}, {"Set-Cookie", cookie(c.org, "", 0)}};
  return res;
}

// A browser session also gets its CSRF token again (after a reload the page has lost it): no
// other site can read this answer (same-origin policy; the cookie is SameSite=Strict).
Result<http::Response> me(Call& c) {
  ojson body{{"user", user_json(c.session->user)},
             {"needs_totp_enrolment", c.session->needs_totp},
             {"expires_idle_seconds", Accounts::kIdle}};
  if (c.session->cookie) body["csrf_token"] = c.session->csrf;
  return json_response(200, body);  // no-store
}

Result<http::Response> change_password(Call& c) {
  AMANAT_CHECK(c.org.accounts->change_password(*c.session, c.body["old_password"], c.body["password"], trail(c)));
  return json_response(200, {{"changed", true}});
}

Result<http::Response> begin_totp(Call& c) {
  AMANAT_TRY(uri, c.org.accounts->begin_totp(c.session->user, c.body["password"], c.body.value("code", std::string()),
                                             "amanat " + c.org.slug));
  return json_response(201, {{"otpauth_uri", uri}});
}

Result<http::Response> confirm_totp(Call& c) {
  AMANAT_CHECK(c.org.accounts->confirm_totp(c.session->user, c.body["code"], trail(c)));
  return json_response(200, {{"totp", true}});
}

Result<http::Response> list_users(Call& c) {
  AMANAT_TRY(us, c.org.accounts->users());
  ojson list = ojson::array();
  for (const auto& u : us) list.push_back(user_json(u));
  return json_response(200, {{"users", list}});
}

Result<http::Response> create_user(Call& c) {
  AMANAT_TRY(g, c.org.accounts->create_user(&c.session->user, c.body["name"],
                                            *parse_role(c.body["role"].get<std::string>()), c.body["password"], trail(c)));
  return json_response(201, granted_json(g));
}

Result<http::Response> set_role(Call& c) {
  AMANAT_TRY(user, id_param(c, "user", reasons::user_not_found));
  AMANAT_TRY(g, c.org.accounts->change_role(&c.session->user, user, *parse_role(c.body["role"].get<std::string>()),
                                            trail(c)));
  return json_response(200, granted_json(g));
}

Result<http::Response> set_status(Call& c) {
  AMANAT_TRY(user, id_param(c, "user", reasons::user_not_found));
  AMANAT_CHECK(c.org.accounts->set_disabled(&c.session->user, user, !c.body["enabled"].get<bool>(), trail(c)));
  AMANAT_TRY(u, c.org.accounts->user(user));
  return json_response(200, {{"user", user_json(u)}});
}

Result<http::Response> reset_password(Call& c) {
  AMANAT_TRY(user, id_param(c, "user", reasons::user_not_found));
  AMANAT_TRY(g, c.org.accounts->reset_password(&c.session->user, user, c.body["password"], trail(c)));
  return json_response(200, reset_json("changed", g));
}

Result<http::Response> revoke_sessions(Call& c) {
  AMANAT_TRY(user, id_param(c, "user", reasons::user_not_found));
  AMANAT_CHECK(c.org.accounts->revoke_sessions(&c.session->user, user, trail(c)));
  return json_response(200, {{"revoked", true}});
}

Result<http::Response> reset_totp(Call& c) {
  AMANAT_TRY(user, id_param(c, "user", reasons::user_not_found));
  AMANAT_TRY(g, c.org.accounts->reset_totp(&c.session->user, user, trail(c)));
  return json_response(200, reset_json("reset", g));
}

Result<http::Response> list_grants(Call& c) {
  AMANAT_TRY(gs, c.org.accounts->grants());
  ojson list = ojson::array();
  for (const auto& g : gs) list.push_back(grant_json(g));
  return json_response(200, {{"grants", list}, {"approvals_needed", c.org.accounts->approvals_needed()}});
}

Result<http::Response> approve_grant(Call& c) {
  AMANAT_TRY(grant, id_param(c, "grant", reasons::grant_not_found));
  AMANAT_TRY(g, c.org.accounts->approve_grant(c.session->user, grant, trail(c)));
  return json_response(200, granted_json(g));
}

}  // namespace

void add_account_routes(Api& api) {
  const std::vector<Role> everyone(std::begin(kAllRoles), std::end(kAllRoles));
  const std::vector<Role> managers = {Role::admin, Role::director};
  const std::vector<Field> grant = grant_fields();
  const Schema granted{"UserGranted",
                       {user_field(),
                        out::number("approvals_needed", "How many directors' approvals a director or admin needs"),
                        out::object("pending", "The grant still waiting for approvals, when one is", grant, false)}};

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
           .responses = {{401, "Wrong name, password or code (one answer for all of them)"},
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
           .response = "The user, whether TOTP enrolment is still needed, and (for a browser session) its CSRF token",
           .returns = Schema{"Me",
                             {user_field(), out::flag("needs_totp_enrolment", "TOTP must be enrolled first"),
                              out::number("expires_idle_seconds", "The session ends after this idle time"),
                              out::text("csrf_token", "The CSRF token of a cookie session: send it as X-CSRF-Token",
                                        false)}},
           .handler = me});

  api.add({.method = "POST",
           .path = "/orgs/{org}/me/password",
           .summary = "Change one's own password (the old one first); one's other sessions end",
           .roles = everyone,
           .before_totp = true,
           .body = Schema{"PasswordChange",
                          {str("old_password", "The current password", 256),
                           str("password", "The new one: at least 12 characters, not guessable", 256)}},
           .response = "Changed",
           .returns = Schema{"PasswordChanged", {out::flag("changed", "Always true")}},
           .handler = change_password});

  api.add({.method = "POST",
           .path = "/orgs/{org}/me/totp",
           .summary = "Begin (or redo) TOTP enrolment with the password, and a current code when one is enrolled: "
                      "an otpauth:// URI for the authenticator app",
           .roles = everyone,
           .before_totp = true,
           .body = Schema{"TotpBegin",
                          {str("password", "The password", 256),
                           Field{"code", Field::Type::string, false, "A current code of the enrolled app, if any", 0, 8}}},
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
           .roles = managers,
           .response = "Users (no secrets)",
           .returns = Schema{"Users", {out::list("users", "Every staff account", user_fields())}},
           .handler = list_users});

  api.add({.method = "POST",
           .path = "/orgs/{org}/users",
           .summary = "Create a staff account (a director or admin only by a director, and where the vault is split "
                      "into shares, once as many directors approve as unseal it)",
           .roles = managers,
           .body = Schema{"NewUser",
                          {str("name", "Login name: 3-64 of a-z 0-9 . _ -", 64), one_of("role", "The role", role_names()),
                           str("password", "At least 12 characters, not guessable", 256)}},
           .status = 201,
           .response = "The user, and the grant waiting for approvals if one is",
           .returns = granted,
           .handler = create_user});

  api.add({.method = "POST",
           .path = "/orgs/{org}/users/{user}/role",
           .summary = "Give a user another role (never one's own; a director's or admin's as for a new user)",
           .roles = managers,
           .body = Schema{"RoleChange", {one_of("role", "The new role", role_names())}},
           .response = "The user as now, and the grant waiting for approvals if one is",
           .returns = granted,
           .handler = set_role});

  api.add({.method = "POST",
           .path = "/orgs/{org}/users/{user}/status",
           .summary = "Disable a user (their sessions end at once, everywhere) or enable them again",
           .roles = managers,
           .body = Schema{"UserStatus", {boolean("enabled", "false disables, true enables", true)}},
           .response = "The user as now",
           .returns = Schema{"UserStatusSet", {user_field()}},
           .handler = set_status});

  api.add({.method = "POST",
           .path = "/orgs/{org}/users/{user}/password",
           .summary = "Reset another's password (a director); their sessions end. A director's or admin's waits "
                      "for the other directors' approvals, like a grant of their role",
           .roles = {Role::director},
           .body = Schema{"PasswordResetInput", {str("password", "The new password: at least 12 characters", 256)}},
           .response = "Reset",
           .returns = Schema{"PasswordReset", reset_fields("changed", grant)},
           .handler = reset_password});

  api.add({.method = "DELETE",
           .path = "/orgs/{org}/users/{user}/sessions",
           .summary = "End every session of a user",
           .roles = managers,
           .response = "Revoked",
           .returns = Schema{"SessionsRevoked", {out::flag("revoked", "Always true")}},
           .handler = revoke_sessions});

  api.add({.method = "DELETE",
           .path = "/orgs/{org}/users/{user}/totp",
           .summary = "Reset a user's authenticator (a director): they enrol again at their next login. A "
                      "director's or admin's waits for the other directors' approvals",
           .roles = {Role::director},
           .response = "Reset",
           .returns = Schema{"TotpReset", reset_fields("reset", grant)},
           .handler = reset_totp});

  api.add({.method = "GET",
           .path = "/orgs/{org}/grants",
           .summary = "Grants waiting for directors' approvals: a director's or admin's role, or a reset of one's "
                      "password or authenticator",
           .roles = {Role::director},
           .response = "The grants",
           .returns = Schema{"Grants", {out::list("grants", "Waiting grants", grant),
                                        out::number("approvals_needed", "How many directors' approvals each needs")}},
           .handler = list_grants});

  api.add({.method = "POST",
           .path = "/orgs/{org}/grants/{grant}/approvals",
           .summary = "Approve a waiting grant as one more director (it applies once enough have)",
           .roles = {Role::director},
           .body = Schema{"GrantApproval", {}},
           .response = "The user as now, and the grant if it still waits",
           .returns = granted,
           .handler = approve_grant});
}

}  // namespace amanat::api
