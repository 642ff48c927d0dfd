#include "accounts/accounts.h"

#include <sodium.h>

#include <ctime>

#include "auth/password.h"
#include "auth/totp.h"
#include "core/bytes.h"
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

Status check_name(const std::string& name) {
  bool ok = name.size() >= 3 && name.size() <= 64;
  for (char c : name) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
  if (!ok) return fail_field("name", "3 to 64 characters of a-z, 0-9, '.', '_' and '-'");
  return {};
}

// The password policy's refusal, as a field error of its own reason.
Status check_password(const std::string& password, std::string_view name) {
  std::string_view context[] = {name};
  if (auto st = auth::check_password_policy(password, context); !st)
    return fail(reasons::password_weak, "password: " + st.error().message, "password");
  return {};
}

const Error kWrongCredentials{Errc::forbidden, "wrong name or password", &reasons::wrong_credentials};

}  // namespace

const char* role_name(Role r) { return kRoleNames[static_cast<int>(r)]; }

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : kAllRoles)
    if (name == role_name(r)) return r;
  return std::nullopt;
}

bool role_needs_totp(Role r) { return r == Role::director || r == Role::admin; }

Accounts::Accounts(UnitOfWork& db, AccountStore& store, crypto::Keyring keys, Clock clock)
    : db_(db), store_(store), keys_(std::move(keys)), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return static_cast<std::int64_t>(std::time(nullptr)); };
}

void Accounts::also_open_with(crypto::Keyring legacy) {
  std::lock_guard lock(mu_);
  legacy_ = std::move(legacy);
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

Result<User> Accounts::create_user(const std::string& name, Role role, const std::string& password) {
  AMANAT_CHECK(check_name(name));
  AMANAT_CHECK(check_password(password, name));
  AMANAT_TRY(hash, auth::hash_password(password));
  std::optional<User> made;
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(u, store_.insert_user(tx, name, role, hash, clock_()));
    made = std::move(u);
    return {};
  }));
  if (!made) return fail(reasons::name_taken, "name: a user of this name exists", "name");
  return *made;
}

Result<std::vector<User>> Accounts::users() { return store_.users(); }

Status Accounts::set_password(std::int64_t user, const std::string& password) {
  AMANAT_TRY(u, store_.user(user));
  if (!u) return fail(reasons::user_not_found, "no such user");
  AMANAT_CHECK(check_password(password, u->name));
  AMANAT_TRY(hash, auth::hash_password(password));
  // A new password ends every session of the user, in the same transaction.
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_CHECK(store_.set_password(tx, user, hash));
    return store_.delete_sessions_of(tx, user);
  }));
  std::lock_guard lock(mu_);
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.user.id == user; });
  return {};
}

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

void Accounts::failed(const std::string& key, std::int64_t now) {
  // Bounded memory: forget entries whose delay has long passed when the table grows large.
  if (limits_.size() > 100000)
    std::erase_if(limits_, [now](const auto& kv) { return kv.second.next_allowed + kMaxDelay < now; });
  Limit& l = limits_[key];
  ++l.failures;
  if (l.failures >= kFreeFailures) {
    int doublings = std::min(l.failures - kFreeFailures, 20);
    l.next_allowed = now + std::min<std::int64_t>(std::int64_t{1} << doublings, kMaxDelay);
  }
}

Result<LoginResult> Accounts::login(const LoginRequest& r, std::int64_t* retry_after) {
  const std::int64_t now = clock_();
  const std::string ukey = "user:" + r.name, akey = "addr:" + r.address;
  {
    std::lock_guard lock(mu_);
    std::int64_t wait = std::max(wait_for(ukey, now), r.address.empty() ? 0 : wait_for(akey, now));
    if (wait > 0) {
      if (retry_after) *retry_after = wait;
      return fail(reasons::too_many_attempts, "too many failed logins; try again in " + std::to_string(wait) + " s");
    }
  }
  AMANAT_TRY(found, store_.user_by_name(r.name));
  // Hash even for an unknown name, so that timing does not tell which names exist.
  static const std::string dummy = *auth::hash_password("amanat-no-such-user-placeholder");
  bool ok = auth::verify_password(found ? found->second : dummy, r.password) && found;
  std::lock_guard lock(mu_);
  if (!ok) {
    failed(ukey, now);
    if (!r.address.empty()) failed(akey, now);
    return std::unexpected(kWrongCredentials);
  }
  User user = found->first;
  if (user.totp) {
    if (r.totp.empty())
      return fail(reasons::wrong_credentials, "totp: this account needs the code from its authenticator app", "totp");
    AMANAT_TRY(secret, totp_secret(user.id, false));
    if (!secret) return fail(Errc::internal, "the TOTP secret disappeared");
    std::optional<std::uint64_t> last;
    if (auto it = totp_steps_.find(user.id); it != totp_steps_.end()) last = it->second;
    auto step = auth::verify_totp(*secret, r.totp, now, last);
    if (!step) {
      failed(ukey, now);
      if (!r.address.empty()) failed(akey, now);
      return fail(reasons::wrong_credentials, "totp: wrong or already used code", "totp");
    }
    totp_steps_[user.id] = *step;
  }
  limits_.erase(ukey);
  LoginResult out;
  out.token = random_hex(32);
  out.session = Session{token_hash(out.token), user, r.cookie ? random_hex(16) : "", r.cookie, now, now,
                        role_needs_totp(user.role) && !user.totp};
  AMANAT_CHECK(save_session(out.session));
  sessions_[out.session.token_hash] = out.session;
  return out;
}

Status Accounts::save_session(const Session& s) {
  return db_.transact([&](Tx& tx) { return store_.save_session(tx, s); });
}

Result<Session*> Accounts::session_locked(const std::string& h) {
  auto it = sessions_.find(h);
  if (it != sessions_.end()) return &it->second;
  AMANAT_TRY(s, store_.session(h));
  if (!s) return fail(reasons::not_logged_in, "not logged in (unknown or ended session)");
  s->needs_totp = role_needs_totp(s->user.role) && !s->user.totp;
  return &sessions_.emplace(h, std::move(*s)).first->second;
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

Status Accounts::logout(std::string_view token) {
  std::string h = token_hash(token);
  std::lock_guard lock(mu_);
  sessions_.erase(h);
  return db_.transact([&](Tx& tx) { return store_.delete_session(tx, h); });
}

Result<std::string> Accounts::begin_totp(const User& u, const std::string& issuer) {
  AMANAT_TRY(secret, auth::generate_totp_secret());
  AMANAT_TRY(sealed, keys_.seal(as_chars(secret), totp_ad(u.id, true)));
  AMANAT_CHECK(db_.transact([&](Tx& tx) { return store_.set_totp_pending(tx, u.id, sealed); }));
  return auth::totp_provisioning_uri(issuer, u.name, secret);
}

Status Accounts::confirm_totp(const User& u, const std::string& code) {
  const std::int64_t now = clock_();
  std::lock_guard lock(mu_);
  AMANAT_TRY(secret, totp_secret(u.id, true));
  if (!secret) return fail(reasons::totp_not_pending, "no TOTP enrolment is pending; begin one first");
  auto step = auth::verify_totp(*secret, code, now, std::nullopt);
  if (!step) return fail(reasons::totp_wrong, "code: wrong code; check the authenticator app's clock", "code");
  totp_steps_[u.id] = *step;
  AMANAT_TRY(sealed, keys_.seal(as_chars(*secret), totp_ad(u.id, false)));
  AMANAT_CHECK(db_.transact([&](Tx& tx) { return store_.enrol_totp(tx, u.id, sealed); }));
  for (auto& [h, s] : sessions_)
    if (s.user.id == u.id) {
      s.user.totp = true;
      s.needs_totp = false;
    }
  return {};
}

}  // namespace amanat::accounts
