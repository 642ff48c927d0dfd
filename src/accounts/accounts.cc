#include "accounts/accounts.h"

#include <sodium.h>

#include <algorithm>
#include <ctime>

#include "auth/password.h"
#include "auth/totp.h"
#include "core/bytes.h"
#include "core/rate_limit.h"
#include "core/reasons.h"
#include "core/sha256.h"

namespace amanat::accounts {

namespace {

constexpr const char* kRoleNames[] = {"hotline_operator", "case_worker", "lawyer", "accountant",
                                      "communications",   "director",    "auditor", "admin"};

std::string random_hex(std::size_t bytes) {
  Bytes b(bytes);
  randombytes_buf(b.data(), b.size());
  return to_hex(b);
}

std::string token_hash(std::string_view token) {
  Sha256 h;
  h.update(std::string_view("amanat-session-v1:"));
  h.update(token);
  return to_hex(h.final());
}

std::string totp_ad(std::int64_t user, bool pending) {
  return std::string(pending ? "users.totp_pending:" : "users.totp:") + std::to_string(user);
}

std::string target(std::int64_t user) { return "user:" + std::to_string(user); }
// What a grant does, for the trail: "user:12 role:director", "user:12 reset:password".
std::string grant_target(const Grant& g) {
  return target(g.user) + (g.kind == GrantKind::role ? std::string(" role:") + role_name(g.role)
                                                      : std::string(" reset:") + grant_kind_name(g.kind));
}

bool privileged(Role r) { return r == Role::director || r == Role::admin; }

// Roles whose people are the books' second pair of eyes: an accountant approves expenses, a
// lawyer confirms them. An admin who could make these could make two accomplices of their own
// and so be the "two other people" of every expense: only a director gives these roles.
bool in_books_controls(Role r) { return r == Role::accountant || r == Role::lawyer; }

Status check_name(const std::string& name) {
  bool ok = name.size() >= 3 && name.size() <= 64;
  for (char c : name) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
  if (!ok) return fail_field("name", "3 to 64 characters of a-z, 0-9, '.', '_' and '-'");
  return {};
}

// The password policy's refusal, as a field error of its own reason.
Status check_password(const std::string& password, std::string_view name, const char* field = "password") {
  std::string_view context[] = {name};
  if (auto st = auth::check_password_policy(password, context); !st)
    return fail(reasons::password_weak, std::string(field) + ": " + st.error().message, field);
  return {};
}

// Every failed login reads the same (see accounts.h).
std::unexpected<Error> wrong_credentials() {
  return fail(reasons::wrong_credentials, "wrong name, password or code");
}

std::unexpected<Error> refused(std::string why) { return fail(reasons::account_rule, std::move(why)); }

}  // namespace

const char* role_name(Role r) { return kRoleNames[static_cast<int>(r)]; }

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : kAllRoles)
    if (name == role_name(r)) return r;
  return std::nullopt;
}

bool role_needs_totp(Role r) { return privileged(r); }

const char* grant_kind_name(GrantKind k) {
  switch (k) {
    case GrantKind::password: return "password";
    case GrantKind::totp: return "totp";
    case GrantKind::role: break;
  }
  return "role";
}

Accounts::Accounts(UnitOfWork& db, AccountStore& store, crypto::Keyring keys, Clock clock)
    : db_(db), store_(store), keys_(std::move(keys)), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return static_cast<std::int64_t>(std::time(nullptr)); };
}

void Accounts::also_open_with(crypto::Keyring legacy) {
  std::lock_guard lock(mu_);
  legacy_ = std::move(legacy);
}

void Accounts::require_approvals(int k) {
  std::lock_guard lock(mu_);
  approvals_ = std::max(1, k);
}

Result<int> Accounts::reseal_legacy_secrets() {
  std::lock_guard lock(mu_);
  int n = 0;
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(secrets, store_.totp_secrets(tx));
    for (auto& s : secrets) {
      std::string ad = totp_ad(s.user, s.pending);
      if (keys_.open(s.sealed, ad)) continue;
      Result<std::string> opened = fail(Errc::corrupt, "no legacy key");
      if (legacy_) opened = legacy_->open(s.sealed, ad);
      if (!opened)
        return fail(Errc::corrupt, "the TOTP secret of user " + std::to_string(s.user) +
                                       " opens with neither the accounts key nor the books key");
      auto resealed = keys_.seal(*opened, ad);
      sodium_memzero(opened->data(), opened->size());
      if (!resealed) return err(resealed);
      AMANAT_CHECK(store_.replace_totp_secret(tx, SealedTotp{s.user, s.pending, std::move(*resealed)}));
      ++n;
    }
    return {};
  }));
  return n;
}

// ---- managing users ----

Status Accounts::run(const Audit& audit, const std::string& action, const std::string& what,
                     const std::function<Status(Tx&)>& change) {
  return db_.transact([&](Tx& tx) -> Status {
    AMANAT_CHECK(change(tx));
    return audit ? audit(tx, action, what) : Status{};
  });
}

Status Accounts::may_manage(const User* by, const User& target, std::optional<Role> role) {
  if (!by) return {};  // the console: whoever holds the data directory holds everything
  if (by->id == target.id) return refused("nobody changes their own role or access; ask a director");
  bool needs_director = privileged(target.role) || (role && (privileged(*role) || in_books_controls(*role)));
  if (needs_director && by->role != Role::director)
    return refused("only a director manages directors and admins, or makes someone a director, admin, accountant "
                   "or lawyer");
  if (by->role != Role::director && by->role != Role::admin) return refused("your role may not manage accounts");
  return {};
}

Status Accounts::keeps_a_director(const User& t) {
  if (t.role != Role::director || t.disabled) return {};
  AMANAT_TRY(all, store_.users());
  for (const User& u : all)
    if (u.id != t.id && u.role == Role::director && !u.disabled) return {};
  return fail(reasons::last_director, "this is the organisation's last enabled director; make another first");
}

Result<Granted> Accounts::granted(std::int64_t user, std::optional<std::int64_t> grant) {
  Granted out;
  AMANAT_TRY(u, store_.user(user));
  if (!u) return fail(reasons::user_not_found, "no such user");
  out.user = *u;
  {
    std::lock_guard lock(mu_);
    out.approvals_needed = approvals_;
  }
  if (grant) {
    AMANAT_TRY(all, store_.grants());
    for (auto& g : all)
      if (g.id == *grant) out.pending = std::move(g);
  }
  return out;
}

Status Accounts::apply_grant(Tx& tx, const Grant& g) {
  switch (g.kind) {
    case GrantKind::role:
      AMANAT_CHECK(store_.set_role(tx, g.user, g.role));
      AMANAT_CHECK(store_.set_disabled(tx, g.user, std::nullopt));
      break;
    case GrantKind::password:
      AMANAT_CHECK(store_.set_password(tx, g.user, g.password_hash));
      AMANAT_CHECK(store_.delete_sessions_of(tx, g.user));
      break;
    case GrantKind::totp:  // they enrol again at their next login
      AMANAT_CHECK(store_.clear_totp(tx, g.user));
      AMANAT_CHECK(store_.delete_sessions_of(tx, g.user));
      break;
  }
  return g.id ? store_.delete_grant(tx, g.id) : Status{};
}

void Accounts::forget_sessions_of(std::int64_t user) {
  std::lock_guard lock(mu_);
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.user.id == user; });
}

Result<Granted> Accounts::reset_credentials(const User* by, const User& u, GrantKind kind, std::string hash,
                                            const std::string& action, const Audit& audit) {
  int needed;
  {
    std::lock_guard lock(mu_);
    needed = approvals_;
  }
  // A director's or admin's credentials, reset by a director, wait for as many directors as
  // their role would (create_user): one director alone cannot become another.
  const bool waits = by && privileged(u.role) && needed > 1;
  const Grant g{.user = u.id, .role = u.role, .requested_by = by ? by->id : 0, .created = clock_(), .kind = kind,
                .password_hash = std::move(hash)};
  std::optional<std::int64_t> grant;
  AMANAT_CHECK(run(audit, waits ? action + "-pending" : action, target(u.id), [&](Tx& tx) -> Status {
    if (!waits) return apply_grant(tx, g);
    AMANAT_TRY(id, store_.add_grant(tx, g));
    AMANAT_CHECK(store_.approve_grant(tx, id, by->id));
    grant = id;
    return {};
  }));
  if (!waits) forget_sessions_of(u.id);
  return granted(u.id, grant);
}

Result<Granted> Accounts::create_user(const User* by, const std::string& name, Role role, const std::string& password,
                                      const Audit& audit) {
  AMANAT_CHECK(check_name(name));
  AMANAT_CHECK(check_password(password, name));
  if (by) AMANAT_CHECK(may_manage(by, User{0, name, role}, role));
  AMANAT_TRY(hash, auth::hash_password(password));
  int needed;
  {
    std::lock_guard lock(mu_);
    needed = approvals_;
  }
  // A director or admin made by a director waits, disabled, for the other directors.
  bool waits = by && privileged(role) && needed > 1;
  std::optional<User> made;
  std::optional<std::int64_t> grant;
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(u, store_.insert_user(tx, name, waits ? Role::auditor : role, hash, clock_()));
    if (!u) return {};  // taken: nothing else happens
    made = u;
    if (waits) {
      AMANAT_CHECK(store_.set_disabled(tx, u->id, clock_()));
      AMANAT_TRY(id, store_.add_grant(tx, Grant{.user = u->id, .role = role, .requested_by = by->id, .created = clock_()}));
      AMANAT_CHECK(store_.approve_grant(tx, id, by->id));
      grant = id;
    }
    return audit ? audit(tx, waits ? "create-user-pending" : "create-user",
                         target(u->id) + " role:" + role_name(role))
                 : Status{};
  }));
  if (!made) return fail(reasons::name_taken, "name: a user of this name exists", "name");
  return granted(made->id, grant);
}

Result<std::vector<User>> Accounts::users() { return store_.users(); }

Result<User> Accounts::user(std::int64_t id) {
  AMANAT_TRY(u, store_.user(id));
  if (!u) return fail(reasons::user_not_found, "no such user");
  return *u;
}

Status Accounts::reauth_wait(const std::string& name, std::int64_t now) {
  if (std::int64_t wait = wait_for("reauth:" + name, now); wait > 0)
    return fail(reasons::too_many_attempts, "too many wrong passwords; try again in " + std::to_string(wait) + " s");
  return {};
}

void Accounts::reauth_done(const std::string& name, bool right, std::int64_t now) {
  if (right)
    limits_.erase("reauth:" + name);
  else
    failed("reauth:" + name, now, kPairFreeFailures);
}

Status Accounts::change_password(const Session& s, const std::string& old_password, const std::string& password,
                                 const Audit& audit) {
  const std::int64_t now = clock_();
  {
    std::lock_guard lock(mu_);
    AMANAT_CHECK(reauth_wait(s.user.name, now));
  }
  AMANAT_TRY(found, store_.user_by_name(s.user.name));
  if (!found || found->first.id != s.user.id) return fail(reasons::user_not_found, "no such user");
  const bool right = auth::verify_password(found->second, old_password);
  {
    std::lock_guard lock(mu_);
    reauth_done(s.user.name, right, now);
  }
  if (!right) return fail(reasons::password_wrong, "old_password: not the current password", "old_password");
  AMANAT_CHECK(check_password(password, s.user.name));
  AMANAT_TRY(hash, auth::hash_password(password));
  // The other sessions end with the old password; this one goes on.
  AMANAT_CHECK(run(audit, "change-password", target(s.user.id), [&](Tx& tx) -> Status {
    AMANAT_CHECK(store_.set_password(tx, s.user.id, hash));
    AMANAT_CHECK(store_.delete_sessions_of(tx, s.user.id));
    return store_.save_session(tx, s);
  }));
  std::lock_guard lock(mu_);
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.user.id == s.user.id && kv.first != s.token_hash; });
  return {};
}

Result<Granted> Accounts::reset_password(const User* by, std::int64_t user, const std::string& password,
                                         const Audit& audit) {
  AMANAT_TRY(u, this->user(user));
  if (by && by->role != Role::director) return refused("only a director resets another's password");
  if (by && by->id == u.id) return refused("change your own password with your old one");
  AMANAT_CHECK(check_password(password, u.name));
  AMANAT_TRY(hash, auth::hash_password(password));
  return reset_credentials(by, u, GrantKind::password, std::move(hash), "reset-password", audit);
}

Status Accounts::set_disabled(const User* by, std::int64_t user, bool disabled, const Audit& audit) {
  AMANAT_TRY(u, this->user(user));
  AMANAT_CHECK(may_manage(by, u, std::nullopt));
  if (disabled) AMANAT_CHECK(keeps_a_director(u));
  // A user made director or admin stays disabled until the directors approve: enabling them
  // by hand (an admin may enable staff) would let them in before that, under a role they only
  // hold as a placeholder.
  if (!disabled && by) {
    AMANAT_TRY(all, store_.grants());
    for (const auto& g : all)
      if (g.user == user && g.kind == GrantKind::role && u.disabled)
        return fail(reasons::conflict, "this user waits for directors to approve their role; approve it, or disable "
                                       "them to withdraw it");
  }
  // Disabling withdraws the user's pending grants too: a later approval must not re-enable them.
  std::vector<Grant> lapsing;
  if (disabled) {
    AMANAT_TRY(all, store_.grants());
    for (auto& g : all)
      if (g.user == user) lapsing.push_back(std::move(g));
  }
  AMANAT_CHECK(run(audit, disabled ? "disable-user" : "enable-user", target(user), [&](Tx& tx) -> Status {
    AMANAT_CHECK(store_.set_disabled(tx, user, disabled ? std::optional(clock_()) : std::nullopt));
    for (const auto& g : lapsing) AMANAT_CHECK(store_.delete_grant(tx, g.id));
    return disabled ? store_.delete_sessions_of(tx, user) : Status{};
  }));
  std::lock_guard lock(mu_);
  if (disabled) std::erase_if(sessions_, [&](const auto& kv) { return kv.second.user.id == user; });
  return {};
}

Result<Granted> Accounts::change_role(const User* by, std::int64_t user, Role role, const Audit& audit) {
  AMANAT_TRY(u, this->user(user));
  AMANAT_CHECK(may_manage(by, u, role));
  if (u.role == role) return fail(reasons::conflict, "role: the user already has this role", "role");
  if (role != Role::director) AMANAT_CHECK(keeps_a_director(u));
  int needed;
  {
    std::lock_guard lock(mu_);
    needed = approvals_;
  }
  std::optional<std::int64_t> grant;
  AMANAT_CHECK(run(audit, "change-role", target(user) + " role:" + role_name(role), [&](Tx& tx) -> Status {
    if (!by || !privileged(role) || needed <= 1) return store_.set_role(tx, user, role);
    AMANAT_TRY(id, store_.add_grant(tx, Grant{.user = user, .role = role, .requested_by = by->id, .created = clock_()}));
    AMANAT_CHECK(store_.approve_grant(tx, id, by->id));
    grant = id;
    return {};
  }));
  return granted(user, grant);
}

Result<Granted> Accounts::approve_grant(const User& by, std::int64_t grant, const Audit& audit) {
  if (by.role != Role::director) return refused("only directors approve a grant");
  int needed;
  {
    std::lock_guard lock(mu_);
    needed = approvals_;
  }
  std::optional<Grant> found;
  bool applied = false;
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(all, store_.grants(&tx));
    for (auto& g : all)
      if (g.id == grant) found = std::move(g);
    if (!found) return fail(reasons::grant_not_found, "no such grant is waiting");
    if (found->user == by.id) return refused("nobody approves a grant about themselves");
    if (std::find(found->approvals.begin(), found->approvals.end(), by.id) != found->approvals.end())
      return fail(reasons::conflict, "you have approved this grant already");
    AMANAT_CHECK(store_.approve_grant(tx, grant, by.id));
    found->approvals.push_back(by.id);
    if (static_cast<int>(found->approvals.size()) >= needed) {
      AMANAT_CHECK(apply_grant(tx, *found));
      applied = true;
    }
    return audit ? audit(tx, applied ? "grant-applied" : "approve-grant", grant_target(*found)) : Status{};
  }));
  if (applied && found->kind != GrantKind::role) forget_sessions_of(found->user);
  return granted(found->user, applied ? std::nullopt : std::optional(grant));
}

Result<std::vector<Grant>> Accounts::grants() { return store_.grants(); }

int Accounts::approvals_needed() {
  std::lock_guard lock(mu_);
  return approvals_;
}

Status Accounts::revoke_sessions(const User* by, std::int64_t user, const Audit& audit) {
  AMANAT_TRY(u, this->user(user));
  if (!by || by->id != u.id) AMANAT_CHECK(may_manage(by, u, std::nullopt));
  AMANAT_CHECK(run(audit, "revoke-sessions", target(user), [&](Tx& tx) { return store_.delete_sessions_of(tx, user); }));
  std::lock_guard lock(mu_);
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.user.id == user; });
  return {};
}

Result<Granted> Accounts::reset_totp(const User* by, std::int64_t user, const Audit& audit) {
  AMANAT_TRY(u, this->user(user));
  if (by && by->role != Role::director) return refused("only a director resets another's authenticator");
  if (by && by->id == u.id) return refused("re-enrol your own authenticator with your password and a current code");
  // Their sessions end: the next login must enrol again.
  return reset_credentials(by, u, GrantKind::totp, {}, "reset-totp", audit);
}

// ---- logging in ----

Result<std::optional<Bytes>> Accounts::totp_secret(std::int64_t user, bool pending) {
  AMANAT_TRY(sealed, store_.totp_secret(user, pending));
  if (!sealed) return std::nullopt;
  auto opened = keys_.open(*sealed, totp_ad(user, pending));
  if (!opened && legacy_) opened = legacy_->open(*sealed, totp_ad(user, pending));
  if (!opened) return err(opened);
  return Bytes(opened->begin(), opened->end());
}

std::int64_t Accounts::wait_for(const std::string& key, std::int64_t now) {
  auto it = limits_.find(key);
  if (it == limits_.end() || it->second.next_allowed <= now) return 0;
  return it->second.next_allowed - now;
}

void Accounts::failed(const std::string& key, std::int64_t now, int free_failures) {
  // Bounded memory: forget entries whose delay has long passed when the table grows large.
  if (limits_.size() > 100000)
    std::erase_if(limits_, [now](const auto& kv) { return kv.second.next_allowed + kMaxDelay < now; });
  Limit& l = limits_[key];
  ++l.failures;
  if (l.failures >= free_failures) {
    int doublings = std::min(l.failures - free_failures, 20);
    l.next_allowed = now + std::min<std::int64_t>(std::int64_t{1} << doublings, kMaxDelay);
  }
}

std::int64_t Accounts::guarded_wait(const std::string& account, bool totp, std::int64_t now) {
  auto it = limits_.find("user:" + account);
  if (it == limits_.end() || it->second.failures < kAccountFreeFailures) return 0;
  // Under attack from many addresses: one examined attempt per interval, never a lockout.
  Limit& g = limits_["guard:" + account];
  std::int64_t interval = totp ? kGuardedInterval : kGuardedIntervalNoTotp;
  if (g.next_allowed > now) return g.next_allowed - now;
  g.next_allowed = now + interval;
  return 0;
}

Result<bool> Accounts::code_right(const User& u, const std::string& code, std::int64_t now) {
  if (!u.totp) return true;
  if (code.empty()) return false;
  AMANAT_TRY(secret, totp_secret(u.id, false));
  if (!secret) return fail(Errc::internal, "the TOTP secret disappeared");
  AMANAT_TRY(last, store_.totp_step(u.id));
  auto step = auth::verify_totp(*secret, code, now, last);
  if (!step) return false;
  // A code is used once, in every process and after a restart: the store takes the step only
  // if it is later than the last one taken (another process may have taken it a moment ago).
  bool fresh = false;
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(taken, store_.use_totp_step(tx, u.id, *step));
    fresh = taken;
    return {};
  }));
  return fresh;
}

Result<LoginResult> Accounts::login(const LoginRequest& r, std::int64_t* retry_after, const Audit& audit) {
  const std::int64_t now = clock_();
  // An IPv6 address counts by its /64 (core/rate_limit.h): one client has billions of them.
  const std::string block = address_block(r.address);
  const std::string pair = "pair:" + r.name + "|" + block, addr = "addr:" + block, account = "user:" + r.name;
  AMANAT_TRY(found, store_.user_by_name(r.name));
  auto throttled = [&](std::int64_t wait) {
    if (retry_after) *retry_after = wait;
    return fail(reasons::too_many_attempts, "too many failed logins; try again in " + std::to_string(wait) + " s");
  };
  {
    std::lock_guard lock(mu_);
    std::int64_t wait = std::max(wait_for(pair, now), r.address.empty() ? 0 : wait_for(addr, now));
    if (wait == 0) wait = guarded_wait(r.name, found && found->first.totp, now);
    if (wait > 0) return throttled(wait);
  }
  // Hash even for an unknown name, so that timing does not tell which names exist; outside the
  // lock (~70 ms of one core).
  static const std::string dummy = *auth::hash_password("amanat-no-such-user-placeholder");
  bool ok = auth::verify_password(found ? found->second : dummy, r.password) && found && !found->first.disabled;
  {
    std::lock_guard lock(mu_);
    if (ok) {
      AMANAT_TRY(right, code_right(found->first, r.totp, now));
      ok = right;
    }
    if (!ok) {
      failed(pair, now, kPairFreeFailures);
      if (!r.address.empty()) failed(addr, now, kAddressFreeFailures);
      failed(account, now, kAccountFreeFailures);
      return wrong_credentials();
    }
    limits_.erase(account);
    limits_.erase(pair);
    limits_.erase("guard:" + r.name);
  }
  const User& user = found->first;
  LoginResult out;
  out.token = random_hex(32);
  out.session = Session{token_hash(out.token), user, r.cookie ? random_hex(16) : "", r.cookie, now, now,
                        role_needs_totp(user.role) && !user.totp};
  AMANAT_CHECK(run(audit, "login", target(user.id), [&](Tx& tx) { return store_.save_session(tx, out.session); }));
  std::lock_guard lock(mu_);
  sessions_[out.session.token_hash] = out.session;
  return out;
}

Status Accounts::save_session(const Session& s) {
  return db_.transact([&](Tx& tx) { return store_.save_session(tx, s); });
}

Result<Session*> Accounts::session_locked(const std::string& h) {
  // The store decides whether the session still stands (ended, revoked or its user disabled in
  // any process: at once), and who its user is now; memory keeps only when it was last written.
  AMANAT_TRY(stored, store_.session(h));
  if (!stored) {
    sessions_.erase(h);
    return fail(reasons::not_logged_in, "not logged in (unknown or ended session)");
  }
  stored->needs_totp = role_needs_totp(stored->user.role) && !stored->user.totp;
  auto [it, added] = sessions_.try_emplace(h, *stored);
  if (!added) {
    std::int64_t last_seen = std::max(it->second.last_seen, stored->last_seen);
    it->second = std::move(*stored);
    it->second.last_seen = last_seen;
  }
  return &it->second;
}

bool Accounts::expired(const Session& s, std::int64_t now) { return now - s.last_seen > kIdle || now - s.created > kLifetime; }

Result<Session> Accounts::authenticate(std::string_view token) {
  const std::int64_t now = clock_();
  std::string h = token_hash(token);
  std::lock_guard lock(mu_);
  AMANAT_TRY(found, session_locked(h));
  Session& s = *found;
  if (expired(s, now)) {
    (void)db_.transact([&](Tx& tx) { return store_.delete_session(tx, h); });
    sessions_.erase(h);
    return fail(reasons::session_expired, "the session has expired; log in again");
  }
  // Written back at most once a minute: a request costs no write.
  if (now - s.last_seen >= 60) {
    s.last_seen = now;
    AMANAT_CHECK(save_session(s));
  }
  return s;
}

Result<Session> Accounts::peek(std::string_view token) {
  const std::int64_t now = clock_();
  std::string h = token_hash(token);
  // Another thread may hold the accounts while it writes (and waits for the database's writer):
  // do not hold up the caller's event loop behind it.
  std::unique_lock lock(mu_, std::chrono::milliseconds(50));
  if (!lock.owns_lock()) return fail(reasons::server_busy, "the accounts are busy");
  AMANAT_TRY(found, session_locked(h));
  if (expired(*found, now)) return fail(reasons::session_expired, "the session has expired; log in again");
  return *found;
}

Status Accounts::logout(std::string_view token, const Audit& audit) {
  std::string h = token_hash(token);
  std::optional<std::int64_t> user;
  {
    std::lock_guard lock(mu_);
    if (auto it = sessions_.find(h); it != sessions_.end()) user = it->second.user.id;
    sessions_.erase(h);
  }
  return run(audit, "logout", user ? target(*user) : "session", [&](Tx& tx) { return store_.delete_session(tx, h); });
}

// ---- TOTP ----

Result<std::string> Accounts::begin_totp(const User& u, const std::string& password, const std::string& code,
                                         const std::string& issuer) {
  const std::int64_t now = clock_();
  {
    std::lock_guard lock(mu_);
    AMANAT_CHECK(reauth_wait(u.name, now));
  }
  AMANAT_TRY(found, store_.user_by_name(u.name));
  if (!found || found->first.id != u.id) return fail(reasons::user_not_found, "no such user");
  {
    // The password, and the enrolled app's current code when there is one: a session alone
    // does not replace an authenticator.
    bool right = auth::verify_password(found->second, password);
    std::lock_guard lock(mu_);
    if (right) {
      AMANAT_TRY(code_ok, code_right(found->first, code, now));
      right = code_ok;
    }
    reauth_done(u.name, right, now);
    if (!right) {
      failed("user:" + u.name, now, kAccountFreeFailures);
      return fail(reasons::password_wrong,
                  found->first.totp ? "password: wrong password or code" : "password: wrong password", "password");
    }
  }
  AMANAT_TRY(secret, auth::generate_totp_secret());
  AMANAT_TRY(sealed, keys_.seal(as_chars(secret), totp_ad(u.id, true)));
  AMANAT_CHECK(db_.transact([&](Tx& tx) { return store_.set_totp_pending(tx, u.id, sealed); }));
  return auth::totp_provisioning_uri(issuer, u.name, secret);
}

Status Accounts::confirm_totp(const User& u, const std::string& code, const Audit& audit) {
  const std::int64_t now = clock_();
  std::lock_guard lock(mu_);
  AMANAT_TRY(secret, totp_secret(u.id, true));
  if (!secret) return fail(reasons::totp_not_pending, "no TOTP enrolment is pending; begin one first");
  auto step = auth::verify_totp(*secret, code, now, std::nullopt);
  if (!step) return fail(reasons::totp_wrong, "code: wrong code; check the authenticator app's clock", "code");
  AMANAT_TRY(sealed, keys_.seal(as_chars(*secret), totp_ad(u.id, false)));
  AMANAT_CHECK(run(audit, "enrol-totp", target(u.id), [&](Tx& tx) -> Status {
    AMANAT_CHECK(store_.enrol_totp(tx, u.id, sealed));
    // The confirming code is used too (refused at a login in the same time step).
    AMANAT_TRY(taken, store_.use_totp_step(tx, u.id, *step));
    (void)taken;
    return {};
  }));
  for (auto& [h, s] : sessions_)
    if (s.user.id == u.id) {
      s.user.totp = true;
      s.needs_totp = false;
    }
  return {};
}

}  // namespace amanat::accounts
