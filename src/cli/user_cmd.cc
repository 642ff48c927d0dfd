// amanat user: the organisation's staff accounts from the server's console. Whoever runs these
// holds the data directory, and with it everything: the console may do what no user may (make
// the first director, give a director's role without other directors' approvals), and every
// change goes to the access trail with the actor "console".
//
//   amanat user add    --data DIR --name NAME --role ROLE   (password: AMANAT_PASSWORD or stdin)
//   amanat user list   --data DIR
//   amanat user disable|enable|revoke-sessions|reset-totp --data DIR --name NAME
//   amanat user role   --data DIR --name NAME --role ROLE
//   amanat user password --data DIR --name NAME              (password: AMANAT_PASSWORD or stdin)
//
// A running server sees each change at its next request (sessions are checked against the
// database every time); these commands need not stop it.
#include <cstdio>
#include <iostream>

#include "accounts/accounts.h"
#include "cli/books_session.h"
#include "cli/cli.h"
#include "identity/identities.h"
#include "core/reasons.h"
#include "store/org.h"

namespace amanat::cli {

namespace {

struct Console {
  store::OrgStores stores;
  std::unique_ptr<accounts::Accounts> accounts;
  std::unique_ptr<identity::Identities> identities;

  // Every change recorded in the access trail, in the change's transaction.
  accounts::Audit audit() {
    return [this](Tx& tx, const std::string& action, const std::string& target) {
      return identities->record(tx, "console", action, target, "ok");
    };
  }
  Result<accounts::User> named(const std::string& name) {
    AMANAT_TRY(all, accounts->users());
    for (const auto& u : all)
      if (u.name == name) return u;
    return fail(reasons::user_not_found, "--name: no user " + name);
  }
};

Result<Console> open_console(const std::string& data) {
  AMANAT_TRY(dir, store::DataDir::open(data));
  Console c;
  AMANAT_TRY(stores, store::open_org(dir));
  c.stores = std::move(stores);
  AMANAT_TRY(keys, accounts_keys(dir));
  c.accounts = std::make_unique<accounts::Accounts>(*c.stores.db, *c.stores.accounts, keys);
  AMANAT_TRY(ids, identity::Identities::open(*c.stores.db, *c.stores.identities, vault_path(dir).string()));
  c.identities = std::move(ids);
  return c;
}

Result<accounts::Role> role_of(const std::string& role) {
  auto r = accounts::parse_role(role);
  if (!r)
    return fail(Errc::invalid, "--role: one of hotline_operator, case_worker, lawyer, accountant, communications, "
                               "director, auditor, admin");
  return *r;
}

// The password comes from AMANAT_PASSWORD or the first line of stdin, never the command line.
std::string read_password() {
  std::string password;
  if (const char* env = std::getenv("AMANAT_PASSWORD")) password = env;
  else std::getline(std::cin, password);
  return password;
}

int do_add(const std::string& data, const std::string& name, const std::string& role) {
  auto r = role_of(role);
  if (!r) return report(r.error());
  std::string password = read_password();
  auto c = open_console(data);
  if (!c) return report(c.error());
  auto g = c->accounts->create_user(nullptr, name, *r, password, c->audit());
  if (!g) return report(g.error());
  std::printf("user %s (%s) created%s\n", g->user.name.c_str(), accounts::role_name(g->user.role),
              accounts::role_needs_totp(g->user.role) ? "; it must enrol TOTP at its first login" : "");
  return kExitOk;
}

int do_list(const std::string& data) {
  auto c = open_console(data);
  if (!c) return report(c.error());
  auto all = c->accounts->users();
  if (!all) return report(all.error());
  std::printf("%-6s %-24s %-18s %-5s %s\n", "id", "name", "role", "totp", "status");
  for (const auto& u : *all)
    std::printf("%-6lld %-24s %-18s %-5s %s\n", static_cast<long long>(u.id), u.name.c_str(),
                accounts::role_name(u.role), u.totp ? "yes" : "no", u.disabled ? "disabled" : "enabled");
  return kExitOk;
}

// disable, enable, revoke-sessions, reset-totp, role, password: one user, named.
int do_change(const std::string& data, const std::string& what, const std::string& name, const std::string& role) {
  std::string password = what == "password" ? read_password() : "";
  auto c = open_console(data);
  if (!c) return report(c.error());
  auto u = c->named(name);
  if (!u) return report(u.error());
  Status st;
  if (what == "disable" || what == "enable") st = c->accounts->set_disabled(nullptr, u->id, what == "disable", c->audit());
  else if (what == "revoke-sessions") st = c->accounts->revoke_sessions(nullptr, u->id, c->audit());
  else if (what == "reset-totp") st = c->accounts->reset_totp(nullptr, u->id, c->audit());
  else if (what == "password") st = c->accounts->reset_password(nullptr, u->id, password, c->audit());
  else {
    auto r = role_of(role);
    if (!r) return report(r.error());
    auto g = c->accounts->change_role(nullptr, u->id, *r, c->audit());
    st = g ? Status{} : err(g);
  }
  if (!st) return report(st.error());
  std::printf("user %s: %s done\n", name.c_str(), what.c_str());
  return kExitOk;
}

}  // namespace

void add_user_commands(Registry& r) {
  auto* user = r.app.add_subcommand("user", "Staff accounts, from the server's console (recorded in the access trail)");
  user->require_subcommand(1);
  auto data = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  auto role = std::make_shared<std::string>();
  const char* roles = "hotline_operator, case_worker, lawyer, accountant, communications, director, auditor or admin";
  {
    auto* sub = user->add_subcommand("add", "Create a staff account; the password comes from AMANAT_PASSWORD or stdin");
    sub->add_option("--data", *data, "Data directory")->required();
    sub->add_option("--name", *name, "Login name (a-z, 0-9, '.', '_', '-')")->required();
    sub->add_option("--role", *role, roles)->required();
    r.on(sub, [=] { return do_add(*data, *name, *role); });
  }
  {
    auto* sub = user->add_subcommand("list", "The staff accounts: role, TOTP, enabled or disabled");
    sub->add_option("--data", *data, "Data directory")->required();
    r.on(sub, [=] { return do_list(*data); });
  }
  const std::pair<const char*, const char*> changes[] = {
      {"disable", "Disable a user: every session ends at once, even in a running server"},
      {"enable", "Enable a disabled user again"},
      {"revoke-sessions", "End every session of a user"},
      {"reset-totp", "Drop a user's authenticator: they enrol again at their next login"},
      {"password", "Set a user's password (AMANAT_PASSWORD or stdin); their sessions end"},
      {"role", "Give a user another role"},
  };
  for (const auto& [what, help] : changes) {
    auto* sub = user->add_subcommand(what, help);
    sub->add_option("--data", *data, "Data directory")->required();
    sub->add_option("--name", *name, "The user's login name")->required();
    std::string w = what;
    if (w == "role") sub->add_option("--role", *role, roles)->required();
    r.on(sub, [=] { return do_change(*data, w, *name, *role); });
  }
}

}  // namespace amanat::cli
