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
//   amanat trail verify --data DIR [--log MIRROR|URL --vkey VKEY]
//
// A running server sees each change at its next request (sessions are checked against the
// database every time); these commands need not stop it.
//
// `trail verify` checks the access trail as GET /access-trail does: its hash chain, and that it
// matches every anchor of it on the log (identity/trail_anchor.h). By default the anchors come
// from the data directory's own copy of the log. With --log they come from the organisation's
// public log (a mirror or its URL), verified against --vkey first: the copy that whoever holds
// the server cannot change, so this is the check to run when the server itself is in doubt.
#include <cstdio>
#include <iostream>

#include "accounts/accounts.h"
#include "cli/books_session.h"
#include "cli/cli.h"
#include "identity/identities.h"
#include "core/reasons.h"
#include "store/org.h"
#include "tlog/verifier.h"

namespace amanat::cli {

namespace {

struct Console {
  store::OrgStores stores;
  std::optional<crypto::Keyring> account_keys;  // DIR/accounts.key: TOTP secrets, the trail's anchors
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
  c.account_keys = keys;
  c.accounts = std::make_unique<accounts::Accounts>(*c.stores.db, *c.stores.accounts, keys);
  AMANAT_TRY(ids, identity::Identities::open(*c.stores.db, *c.stores.identities, vault_path(dir).string()));
  c.identities = std::move(ids);
  // Anchors are checked here, not made: that needs the log's writer, which the server holds.
  c.identities->anchor_to({.log = c.stores.log.get(), .key = keys});
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
  else if (what == "reset-totp") {
    auto g = c->accounts->reset_totp(nullptr, u->id, c->audit());
    st = g ? Status{} : err(g);
  } else if (what == "password") {
    auto g = c->accounts->reset_password(nullptr, u->id, password, c->audit());
    st = g ? Status{} : err(g);
  }
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

// The anchors on the public log at `where`, verified against `vkey` as a whole (tree and
// signature) and checked to be this organisation's log.
Result<std::vector<identity::AnchorAt>> public_anchors(const Console& c, const std::string& where,
                                                       const std::string& vkey) {
  auto key = tlog::Verifier::parse(vkey);
  if (!key) return std::unexpected(key.error().context("--vkey"));
  AMANAT_TRY(src, open_source(where));
  std::vector<identity::AnchorAt> anchors;
  tlog::VerifyOptions opts{*key};
  opts.on_entries = [&](std::uint64_t first, std::span<const std::span<const std::uint8_t>> entries) -> Status {
    for (std::size_t i = 0; i < entries.size(); ++i)
      if (identity::looks_like_anchor(entries[i]))
        if (auto a = identity::decode_anchor(entries[i])) anchors.push_back({first + i, std::move(*a)});
    return {};
  };
  auto verified = tlog::verify_log(*src, opts);
  if (!verified) return std::unexpected(verified.error().context("--log"));
  if (verified->checkpoint.origin != c.stores.origin)
    return fail(Errc::invalid, "--log: that is the log " + verified->checkpoint.origin + ", not this organisation's (" +
                                   c.stores.origin + ")");
  return anchors;
}

int do_trail_verify(const std::string& data, const std::string& where, const std::string& vkey) {
  auto c = open_console(data);
  if (!c) return report(c.error());
  Result<identity::TrailCheck> check = fail(Errc::internal, "not checked");
  if (where.empty()) {
    check = c->identities->verify_trail();
  } else {
    auto anchors = public_anchors(*c, where, vkey);
    if (!anchors) return report(anchors.error());
    check = c->identities->verify_trail(*anchors);
  }
  if (!check) return report(check.error().context("the access trail is NOT intact"));
  std::printf("the access trail is intact: %lld rows\n", static_cast<long long>(check->rows));
  if (!check->anchor) {
    std::printf("no anchor on the log yet: any row could be removed unnoticed\n");
  } else {
    const auto& a = *check->anchor;
    std::printf("anchored through row %lld by record %llu of the log (%s)", static_cast<long long>(a.anchor.count),
                static_cast<unsigned long long>(a.leaf), a.anchor.time.c_str());
    if (a.anchor.count < check->rows)
      std::printf("; rows %lld to %lld are not anchored yet", static_cast<long long>(a.anchor.count + 1),
                  static_cast<long long>(check->rows));
    std::printf("\n");
  }
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
  {
    auto* trail = r.app.add_subcommand("trail", "The access trail");
    trail->require_subcommand(1);
    auto where = std::make_shared<std::string>();
    auto vkey = std::make_shared<std::string>();
    auto* sub = trail->add_subcommand(
        "verify", "Check the access trail's hash chain and that it matches its anchors on the organisation's log");
    sub->add_option("--data", *data, "Data directory")->required();
    auto* log = sub->add_option("--log", *where,
                                "The organisation's public log (URL or mirror directory) to take the anchors from, "
                                "instead of the data directory's own copy");
    auto* key = sub->add_option("--vkey", *vkey, "The log's verifier key (with --log)");
    log->needs(key);
    key->needs(log);
    sub->footer("Exit status 0 only if the chain is whole and matches every anchor. Rows written after the last "
                "anchor are not covered: the server anchors every " +
                std::to_string(identity::Identities::kAnchorInterval.count() / 60) +
                " minutes when the trail moved, and when it stops.");
    r.on(sub, [=] { return do_trail_verify(*data, *where, *vkey); });
  }
}

}  // namespace amanat::cli
