// Staff accounts, roles and sessions of one organisation (its own users): the domain service.
// Its rows live behind accounts::AccountStore (accounts/store.h); it writes them in units of
// work (core/tx.h) and keeps sessions, login limits and the last TOTP step used in memory.
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
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "accounts/store.h"
#include "core/error.h"
#include "core/tx.h"
#include "crypto/keyring.h"

namespace amanat::accounts {

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

  // `db` runs the units of work, `store` holds the rows; both must outlive the service. `keys`
  // seals TOTP secrets (DIR/accounts.key).
  Accounts(UnitOfWork& db, AccountStore& store, crypto::Keyring keys, Clock clock = {});
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
  struct Limit {
    int failures = 0;
    std::int64_t next_allowed = 0;
  };
  // Seconds to wait before another attempt, or 0.
  std::int64_t wait_for(const std::string& key, std::int64_t now);
  void failed(const std::string& key, std::int64_t now);
  // The TOTP secret, opened (with the legacy key if need be).
  Result<std::optional<Bytes>> totp_secret(std::int64_t user, bool pending);
  Status save_session(const Session& s);
  // The session with this token hash, from sessions_ or else the store (then kept in
  // sessions_); Errc::forbidden when there is none. With mu_ held.
  Result<Session*> session_locked(const std::string& token_hash);
  static bool expired(const Session& s, std::int64_t now);

  UnitOfWork& db_;
  AccountStore& store_;
  std::timed_mutex mu_;  // the maps below (timed: see peek())
  const crypto::Keyring keys_;
  std::optional<crypto::Keyring> legacy_;  // set before use, by also_open_with()
  Clock clock_;
  std::unordered_map<std::string, Session> sessions_;  // by token hash
  std::unordered_map<std::string, Limit> limits_;      // "user:NAME" and "addr:ADDRESS"
  std::unordered_map<std::int64_t, std::uint64_t> totp_steps_;  // last step used, per user
};

}  // namespace amanat::accounts
