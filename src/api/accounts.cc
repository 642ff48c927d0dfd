#include "api/accounts.h"

#include <sodium.h>

#include <ctime>

#include "auth/password.h"
#include "auth/totp.h"
#include "core/bytes.h"
#include "core/sha256.h"

namespace amanat::api {

using store::sqlite::Db;

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
  if (!ok) return fail(Errc::invalid, "name: 3 to 64 characters of a-z, 0-9, '.', '_' and '-'");
  return {};
}

const Error kWrongCredentials{Errc::forbidden, "wrong name or password"};

}  // namespace

const char* role_name(Role r) { return kRoleNames[static_cast<int>(r)]; }

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : kAllRoles)
    if (name == role_name(r)) return r;
  return std::nullopt;
}

bool role_needs_totp(Role r) { return r == Role::director || r == Role::admin; }

Result<std::unique_ptr<Accounts>> Accounts::open(const std::string& db_path, crypto::Keyring keys, Clock clock) {
  auto db = Db::open(db_path, false);
  if (!db) return err(db);
  if (!clock) clock = [] { return static_cast<std::int64_t>(std::time(nullptr)); };
  return std::unique_ptr<Accounts>(new Accounts(std::move(*db), std::move(keys), std::move(clock)));
}

void Accounts::also_open_with(crypto::Keyring legacy) {
  std::lock_guard lock(mu_);
  legacy_ = std::move(legacy);
}

Result<int> Accounts::reseal_legacy_secrets() {
  std::lock_guard lock(mu_);
  int n = 0;
  auto st = store::sqlite::transaction(*db_, [&]() -> Status {
    for (bool pending : {false, true}) {
      const char* column = pending ? "totp_pending" : "totp";
      auto q = db_->prepare(std::string("SELECT id, ") + column + " FROM users WHERE " + column + " IS NOT NULL");
      if (!q) return err(q);
      std::vector<std::pair<std::int64_t, Bytes>> rows;
      for (;;) {
        auto row = q->step();
        if (!row) return err(row);
        if (!*row) break;
        rows.emplace_back(q->column_int(0), q->column_blob(1));
      }
      for (auto& [user, sealed] : rows) {
        std::string ad = totp_ad(user, pending);
        if (keys_.open(sealed, ad)) continue;
        Result<std::string> opened = fail(Errc::corrupt, "no legacy key");
        if (legacy_) opened = legacy_->open(sealed, ad);
        if (!opened)
          return fail(Errc::corrupt, "the TOTP secret of user " + std::to_string(user) +
                                         " opens with neither the accounts key nor the books key");
        auto resealed = keys_.seal(*opened, ad);
        sodium_memzero(opened->data(), opened->size());
        if (!resealed) return err(resealed);
        auto u = db_->prepare(std::string("UPDATE users SET ") + column + " = ? WHERE id = ?");
        if (!u) return err(u);
        u->bind_blob(1, *resealed).bind(2, user);
        if (auto r = u->run(); !r) return r;
        ++n;
      }
    }
    return {};
  });
  if (!st) return err(st);
  return n;
}

Result<User> Accounts::create_user(const std::string& name, Role role, const std::string& password) {
  if (auto st = check_name(name); !st) return err(st);
  std::string_view context[] = {name};
  if (auto st = auth::check_password_policy(password, context); !st)
    return std::unexpected(st.error().context("password"));
  auto hash = auth::hash_password(password);
  if (!hash) return err(hash);
  std::lock_guard lock(mu_);
  auto q = db_->cached("INSERT INTO users(name, role, password, created) VALUES (?, ?, ?, ?) ON CONFLICT(name) DO NOTHING");
  if (!q) return err(q);
  (*q)->bind(1, std::string_view(name)).bind(2, std::string_view(role_name(role))).bind(3, std::string_view(*hash))
      .bind(4, clock_());
  if (auto st = (*q)->run(); !st) return err(st);
  if (db_->changes() != 1) return fail(Errc::conflict, "name: a user of this name exists");
  return User{sqlite3_last_insert_rowid(db_->raw()), name, role, false};
}

Result<std::vector<User>> Accounts::users() {
  std::lock_guard lock(mu_);
  auto q = db_->cached("SELECT id, name, role, totp IS NOT NULL FROM users ORDER BY id");
  if (!q) return err(q);
  std::vector<User> out;
  while (true) {
    auto row = (*q)->step();
    if (!row) return err(row);
    if (!*row) break;
    out.push_back(User{(*q)->column_int(0), (*q)->column_text(1), parse_role((*q)->column_text(2)).value_or(Role::auditor),
                       (*q)->column_int(3) != 0});
  }
  return out;
}

Status Accounts::set_password(std::int64_t user, const std::string& password) {
  std::string name;
  {
    std::lock_guard lock(mu_);
    auto q = db_->cached("SELECT name FROM users WHERE id = ?");
    if (!q) return err(q);
    (*q)->bind(1, user);
    auto row = (*q)->step();
    if (!row) return err(row);
    if (!*row) return fail(Errc::not_found, "no such user");
    name = (*q)->column_text(0);
    (*q)->reset();
  }
  std::string_view context[] = {name};
  if (auto st = auth::check_password_policy(password, context); !st) return std::unexpected(st.error().context("password"));
  auto hash = auth::hash_password(password);
  if (!hash) return err(hash);
  std::lock_guard lock(mu_);
  auto q = db_->cached("UPDATE users SET password = ? WHERE id = ?");
  if (!q) return err(q);
  (*q)->bind(1, std::string_view(*hash)).bind(2, user);
  if (auto st = (*q)->run(); !st) return st;
  // A new password ends every session of the user.
  auto d = db_->cached("DELETE FROM sessions WHERE user = ?");
  if (!d) return err(d);
  (*d)->bind(1, user);
  if (auto st = (*d)->run(); !st) return st;
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.user.id == user; });
  return {};
}

Result<std::optional<std::pair<User, std::string>>> Accounts::user_by_name(const std::string& name) {
  auto q = db_->cached("SELECT id, name, role, totp IS NOT NULL, password FROM users WHERE name = ?");
  if (!q) return err(q);
  (*q)->bind(1, std::string_view(name));
  auto row = (*q)->step();
  if (!row) return err(row);
  if (!*row) return std::nullopt;
  User u{(*q)->column_int(0), (*q)->column_text(1), parse_role((*q)->column_text(2)).value_or(Role::auditor),
         (*q)->column_int(3) != 0};
  std::string hash = (*q)->column_text(4);
  (*q)->reset();
  return std::pair{u, hash};
}

Result<std::optional<Bytes>> Accounts::totp_secret(std::int64_t user, bool pending) {
  auto q = db_->cached(pending ? "SELECT totp_pending FROM users WHERE id = ?" : "SELECT totp FROM users WHERE id = ?");
  if (!q) return err(q);
  (*q)->bind(1, user);
  auto row = (*q)->step();
  if (!row) return err(row);
  if (!*row || (*q)->column_null(0)) {
    (*q)->reset();
    return std::nullopt;
  }
  Bytes sealed = (*q)->column_blob(0);
  (*q)->reset();
  auto opened = keys_.open(sealed, totp_ad(user, pending));
  if (!opened && legacy_) opened = legacy_->open(sealed, totp_ad(user, pending));
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
  std::optional<std::pair<User, std::string>> found;
  {
    std::lock_guard lock(mu_);
    std::int64_t wait = std::max(wait_for(ukey, now), r.address.empty() ? 0 : wait_for(akey, now));
    if (wait > 0) {
      if (retry_after) *retry_after = wait;
      return fail(Errc::unavailable, "too many failed logins; try again in " + std::to_string(wait) + " s");
    }
    auto u = user_by_name(r.name);
    if (!u) return err(u);
    found = std::move(*u);
  }
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
    if (r.totp.empty()) return fail(Errc::forbidden, "totp: this account needs the code from its authenticator app");
    auto secret = totp_secret(user.id, false);
    if (!secret) return err(secret);
    if (!*secret) return fail(Errc::internal, "the TOTP secret disappeared");
    std::optional<std::uint64_t> last;
    if (auto it = totp_steps_.find(user.id); it != totp_steps_.end()) last = it->second;
    auto step = auth::verify_totp(**secret, r.totp, now, last);
    if (!step) {
      failed(ukey, now);
      if (!r.address.empty()) failed(akey, now);
      return fail(Errc::forbidden, "totp: wrong or already used code");
    }
    totp_steps_[user.id] = *step;
  }
  limits_.erase(ukey);
  LoginResult out;
  out.token = random_hex(32);
  out.session = Session{token_hash(out.token), user, r.cookie ? random_hex(16) : "", r.cookie, now, now,
                        role_needs_totp(user.role) && !user.totp};
  if (auto st = store_session(out.session); !st) return err(st);
  sessions_[out.session.token_hash] = out.session;
  return out;
}

Status Accounts::store_session(const Session& s) {
  auto q = db_->cached(
      "INSERT INTO sessions(token_hash, user, csrf, cookie, created, last_seen) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT(token_hash) DO UPDATE SET last_seen = excluded.last_seen");
  if (!q) return err(q);
  (*q)->bind(1, std::string_view(s.token_hash)).bind(2, s.user.id).bind(3, std::string_view(s.csrf))
      .bind(4, s.cookie ? 1 : 0).bind(5, s.created).bind(6, s.last_seen);
  return (*q)->run();
}

Result<Session*> Accounts::session_locked(const std::string& h) {
  auto it = sessions_.find(h);
  if (it != sessions_.end()) return &it->second;
  auto q = db_->cached(
      "SELECT s.user, u.name, u.role, u.totp IS NOT NULL, s.csrf, s.cookie, s.created, s.last_seen "
      "FROM sessions s JOIN users u ON u.id = s.user WHERE s.token_hash = ?");
  if (!q) return err(q);
  (*q)->bind(1, std::string_view(h));
  auto row = (*q)->step();
  if (!row) return err(row);
  if (!*row) return fail(Errc::forbidden, "not logged in (unknown or ended session)");
  Session s{h, User{(*q)->column_int(0), (*q)->column_text(1), parse_role((*q)->column_text(2)).value_or(Role::auditor),
                    (*q)->column_int(3) != 0},
            (*q)->column_text(4), (*q)->column_int(5) != 0, (*q)->column_int(6), (*q)->column_int(7), false};
  (*q)->reset();
  s.needs_totp = role_needs_totp(s.user.role) && !s.user.totp;
  return &sessions_.emplace(h, std::move(s)).first->second;
}

bool Accounts::expired(const Session& s, std::int64_t now) { return now - s.last_seen > kIdle || now - s.created > kLifetime; }

Result<Session> Accounts::authenticate(std::string_view token) {
  const std::int64_t now = clock_();
  std::string h = token_hash(token);
  std::lock_guard lock(mu_);
  auto found = session_locked(h);
  if (!found) return err(found);
  Session& s = **found;
  if (expired(s, now)) {
    auto d = db_->cached("DELETE FROM sessions WHERE token_hash = ?");
    if (d) {
      (*d)->bind(1, std::string_view(h));
      (void)(*d)->run();
    }
    sessions_.erase(h);
    return fail(Errc::forbidden, "the session has expired; log in again");
  }
  // Written back at most once a minute: a request costs no write.
  if (now - s.last_seen >= 60) {
    s.last_seen = now;
    if (auto st = store_session(s); !st) return err(st);
  }
  return s;
}

Result<Session> Accounts::peek(std::string_view token) {
  const std::int64_t now = clock_();
  std::string h = token_hash(token);
  // Another thread may hold the accounts while it writes (and waits for the database's write
  // lock): do not hold up the caller's event loop behind it.
  std::unique_lock lock(mu_, std::chrono::milliseconds(50));
  if (!lock.owns_lock()) return fail(Errc::unavailable, "the accounts are busy");
  auto found = session_locked(h);
  if (!found) return err(found);
  if (expired(**found, now)) return fail(Errc::forbidden, "the session has expired; log in again");
  return **found;
}

Status Accounts::logout(std::string_view token) {
  std::string h = token_hash(token);
  std::lock_guard lock(mu_);
  sessions_.erase(h);
  auto d = db_->cached("DELETE FROM sessions WHERE token_hash = ?");
  if (!d) return err(d);
  (*d)->bind(1, std::string_view(h));
  return (*d)->run();
}

Result<std::string> Accounts::begin_totp(const User& u, const std::string& issuer) {
  auto secret = auth::generate_totp_secret();
  if (!secret) return err(secret);
  auto sealed = keys_.seal(as_chars(*secret), totp_ad(u.id, true));
  if (!sealed) return err(sealed);
  {
    std::lock_guard lock(mu_);
    auto q = db_->cached("UPDATE users SET totp_pending = ? WHERE id = ?");
    if (!q) return err(q);
    (*q)->bind_blob(1, *sealed).bind(2, u.id);
    if (auto st = (*q)->run(); !st) return err(st);
  }
  return auth::totp_provisioning_uri(issuer, u.name, *secret);
}

Status Accounts::confirm_totp(const User& u, const std::string& code) {
  const std::int64_t now = clock_();
  std::lock_guard lock(mu_);
  auto secret = totp_secret(u.id, true);
  if (!secret) return err(secret);
  if (!*secret) return fail(Errc::not_found, "no TOTP enrolment is pending; begin one first");
  auto step = auth::verify_totp(**secret, code, now, std::nullopt);
  if (!step) return fail(Errc::forbidden, "code: wrong code; check the authenticator app's clock");
  totp_steps_[u.id] = *step;
  auto sealed = keys_.seal(as_chars(**secret), totp_ad(u.id, false));
  if (!sealed) return err(sealed);
  auto q = db_->cached("UPDATE users SET totp = ?, totp_pending = NULL WHERE id = ?");
  if (!q) return err(q);
  (*q)->bind_blob(1, *sealed).bind(2, u.id);
  if (auto st = (*q)->run(); !st) return st;
  for (auto& [h, s] : sessions_)
    if (s.user.id == u.id) {
      s.user.totp = true;
      s.needs_totp = false;
    }
  return {};
}

}  // namespace amanat::api
