// Staff accounts, roles and sessions of one organisation (its own users, in its own database).
//
//  - Users: a login name, one role, an Argon2id password hash (auth/password.h; the policy is
//    checked when a password is set), an optional TOTP secret (sealed with the accounts'
//    keyring, DIR/accounts.key, bound to the user's row; not the books key, which the vault may
//    hold: directors must log in, TOTP included, to unseal it). Director and admin must enrol TOTP: until they have,
//    their session can do nothing but enrol it (Session::needs_totp).
//  - Sessions: a random 256-bit token, given to the client once and stored only as its SHA-256;
//    the browser gets it in an HttpOnly, Secure, SameSite=Strict cookie plus a CSRF token that
//    must come back in the X-CSRF-Token header of every unsafe request; API clients send it as
//    "Authorization: Bearer ...". A session ends on logout, after kIdle without use or after
//    kLifetime in all. Sessions live in memory with the database behind them, so a check costs
//    no write (last use is written back at most once a minute) and a restart keeps sessions.
//  - Login rate limits: per account and per client address. After kFreeFailures failures the
//    next attempt must wait 2^(n - kFreeFailures) seconds, at most kMaxDelay: an attacker is
//    slowed to a few guesses an hour while the real user is never locked out for longer than
//    kMaxDelay. A success clears the account's count. Over the limit is Errc::unavailable with
//    the seconds to wait (HTTP 429 with Retry-After).
//
// Errors never say whether a login name exists: a wrong name and a wrong password read alike.
// Thread-safety: every method may be called from any thread. Password hashing takes ~70 ms of
// one core: call login() and set_password() from worker threads, never an event loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "crypto/keyring.h"
#include "store/sqlite/db.h"

namespace amanat::api {

enum class Role { hotline_operator, case_worker, lawyer, accountant, communications, director, auditor, admin };
inline constexpr Role kAllRoles[] = {Role::hotline_operator, Role::case_worker, Role::lawyer, Role::accountant,
                                     Role::communications, Role::director, Role::auditor, Role::admin};
const char* role_name(Role r);
std::optional<Role> parse_role(std::string_view name);
bool role_needs_totp(Role r);

struct User {
  std::int64_t id = 0;
  std::string name;
  Role role = Role::auditor;
  bool totp = false;  // enrolled
};

struct Session {
  std::string token_hash;  // hex SHA-256 of the token
  User user;
  std::string csrf;        // for cookie sessions; empty for bearer sessions
  bool cookie = false;
  std::int64_t created = 0, last_seen = 0;  // unix seconds
  bool needs_totp = false;  // a director/admin without TOTP: may only enrol it
};

struct LoginRequest {
  std::string name, password, totp;  // totp: the current code, when enrolled
  bool cookie = false;
  std::string address;  // the client's address, for the per-address limit
};
struct LoginResult {
  std::string token;  // give to the client; never stored
  Session session;
};

class Accounts {
 public:
  static constexpr std::int64_t kIdle = 30 * 60, kLifetime = 12 * 60 * 60;
  static constexpr int kFreeFailures = 5;
  static constexpr std::int64_t kMaxDelay = 15 * 60;
  using Clock = std::function<std::int64_t()>;  // unix seconds

  // Opens its own connection to the organisation's database (schema already migrated).
  // `keys` seals TOTP secrets (DIR/accounts.key).
  static Result<std::unique_ptr<Accounts>> open(const std::string& db_path, crypto::Keyring keys,
                                                Clock clock = {});

  // Data directories made before accounts.key existed sealed TOTP secrets with the books key:
  // with `legacy` set, a secret that does not open with the accounts key is tried with it.
  void also_open_with(crypto::Keyring legacy);
  // Re-seals every TOTP secret that opens only with the legacy key under the accounts key, in
  // one transaction; returns how many. `amanat vault init` runs it before the books key leaves
  // the disk. Errc::corrupt if a secret opens with neither key.
  Result<int> reseal_legacy_secrets();

  // Errc::invalid for a bad name or a password the policy refuses, Errc::conflict if taken.
  Result<User> create_user(const std::string& name, Role role, const std::string& password);
  Result<std::vector<User>> users();
  Status set_password(std::int64_t user, const std::string& password);

  // Errc::forbidden for wrong credentials (and a missing TOTP code, with a message saying a
  // code is needed), Errc::unavailable when rate-limited (retry_after set).
  Result<LoginResult> login(const LoginRequest& r, std::int64_t* retry_after = nullptr);
  // The live session of this token, refreshed; Errc::forbidden when unknown or expired.
  Result<Session> authenticate(std::string_view token);
  // The session of this token as it stands, for a quick decision on an event-loop thread (the
  // server's body limit for uploads): it writes nothing (no refresh, no removal of an expired
  // session) and answers Errc::unavailable rather than wait long for another thread.
  Result<Session> peek(std::string_view token);
  Status logout(std::string_view token);

  // TOTP enrolment: begin returns the otpauth:// URI (the secret is kept pending, sealed);
  // confirm with a current code makes it required at every login and lifts needs_totp.
  Result<std::string> begin_totp(const User& u, const std::string& issuer);
  Status confirm_totp(const User& u, const std::string& code);

 private:
  Accounts(std::unique_ptr<store::sqlite::Db> db, crypto::Keyring keys, Clock clock)
      : db_(std::move(db)), keys_(std::move(keys)), clock_(std::move(clock)) {}
  struct Limit {
    int failures = 0;
    std::int64_t next_allowed = 0;
  };
  // Seconds to wait before another attempt, or 0.
  std::int64_t wait_for(const std::string& key, std::int64_t now);
  void failed(const std::string& key, std::int64_t now);
  Result<std::optional<std::pair<User, std::string>>> user_by_name(const std::string& name);  // user, hash
  Result<std::optional<Bytes>> totp_secret(std::int64_t user, bool pending);
  Status store_session(const Session& s);
  // The session with this token hash, from sessions_ or else the database (then kept in
  // sessions_); Errc::forbidden when there is none. With mu_ held.
  Result<Session*> session_locked(const std::string& token_hash);
  static bool expired(const Session& s, std::int64_t now);

  std::timed_mutex mu_;  // the connection and the maps below (timed: see peek())
  std::unique_ptr<store::sqlite::Db> db_;
  const crypto::Keyring keys_;
  std::optional<crypto::Keyring> legacy_;  // set before use, by also_open_with()
  Clock clock_;
  std::unordered_map<std::string, Session> sessions_;  // by token hash
  std::unordered_map<std::string, Limit> limits_;      // "user:NAME" and "addr:ADDRESS"
  std::unordered_map<std::int64_t, std::uint64_t> totp_steps_;  // last step used, per user
};

}  // namespace amanat::api
