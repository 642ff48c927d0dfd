// Staff accounts, roles and sessions of one organisation (its own users): the domain service.
// Its rows live behind accounts::AccountStore (accounts/store.h); it writes them in units of
// work (core/tx.h) and keeps sessions and login limits in memory (the last TOTP step used is
// stored, so that a code is used once in every process).
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
//  - Taking access away: a user can be disabled (every session ends at once: sessions are
//    checked against the store on every request, so in every process), re-enabled, given
//    another role, have their sessions revoked, their password reset or their TOTP reset (they
//    enrol again). Who may: the console (`amanat user ...` on the server) always; a director
//    for anyone but themselves; an admin for staff who are neither director nor admin, and
//    never to make someone an accountant or lawyer (the books' second pair of eyes: an admin
//    could otherwise make two accomplices and approve expenses through them). Nobody
//    changes their own role or access, and the last enabled director stays.
//  - Privileged roles: making someone a director or admin (created so, or promoted) needs a
//    director, and where the organisation split its vault into Shamir shares, as many directors
//    as it takes to unseal it (require_approvals): the grant waits, the user keeps their old role
//    (a new one stays disabled) until that many distinct directors have approved it. Resetting
//    a director's or admin's password or authenticator is a grant too (GrantKind): else one
//    director could reset another's, log in as them and so approve every grant alone.
//  - TOTP: enrolling (or re-enrolling) needs the password, and re-enrolling also a current code
//    of the enrolled app: a bearer token alone cannot replace a director's authenticator.
//  - Login throttling, without handing an attacker a lockout: failures are counted per
//    account and address (an IPv6 address by its /64; kPairFreeFailures, then exponential delays up to kMaxDelay), per
//    address (kAddressFreeFailures, likewise) and per account over all addresses
//    (kAccountFreeFailures): past that, the account's attempts are examined at a reduced rate,
//    one per kGuardedInterval for an account with TOTP (whose right password and code still
//    let its owner in within seconds whatever others try) and one per kGuardedIntervalNoTotp
//    otherwise. A success clears the account's counts. Over a limit is reasons::too_many_attempts
//    with the seconds to wait (HTTP 429 with Retry-After).
//  - One answer for every failed login (unknown name, wrong password, missing or wrong code,
//    disabled account): reasons::wrong_credentials, "wrong name, password or code", so that no
//    answer confirms a password or a name.
//  - Every change is recorded by the caller's Audit in the change's own transaction (the API
//    writes the access trail there).
//
// Thread-safety: every method may be called from any thread. Password hashing takes ~70 ms of
// one core: call login() and the password methods from worker threads, never an event loop.
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

// Records a change in the access trail (or wherever the caller keeps its record), inside the
// change's transaction: the action ("disable-user") and its target ("user:12").
using Audit = std::function<Status(Tx& tx, const std::string& action, const std::string& target)>;

// The outcome of making or changing a user: done, or waiting for more directors' approvals.
struct Granted {
  User user;                   // as it stands now
  std::optional<Grant> pending;  // the grant still waiting, with its approvals so far
  int approvals_needed = 0;    // how many a grant needs in all
};

class Accounts {
 public:
  static constexpr std::int64_t kIdle = 30 * 60, kLifetime = 12 * 60 * 60;
  static constexpr int kPairFreeFailures = 5, kAddressFreeFailures = 20, kAccountFreeFailures = 10;
  static constexpr std::int64_t kMaxDelay = 15 * 60;
  static constexpr std::int64_t kGuardedInterval = 1, kGuardedIntervalNoTotp = 30;
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

  // How many directors must approve a grant of director or admin (the vault's Shamir
  // threshold; 1 without shares). Directors' own requests count as one approval.
  void require_approvals(int k);
  int approvals_needed();

  // `by`: the acting user, or nullptr for the console. Errc::invalid for a bad name or a
  // password the policy refuses (reasons::password_weak), reasons::name_taken, and the
  // refusals of the rules above (reasons::role_forbidden). A director or admin made by a
  // director waits for the other approvals, disabled until then.
  Result<Granted> create_user(const User* by, const std::string& name, Role role, const std::string& password,
                              const Audit& audit = {});
  Result<std::vector<User>> users();
  Result<User> user(std::int64_t id);
  // One's own password: the old one first. The other sessions of the user end.
  Status change_password(const Session& s, const std::string& old_password, const std::string& password,
                         const Audit& audit = {});
  // Another's password (a director, or the console): every session of the user ends. A
  // director's or admin's, reset by a director, waits for the other directors like a grant of
  // their role (Granted::pending).
  Result<Granted> reset_password(const User* by, std::int64_t user, const std::string& password,
                                 const Audit& audit = {});
  Status set_disabled(const User* by, std::int64_t user, bool disabled, const Audit& audit = {});
  Result<Granted> change_role(const User* by, std::int64_t user, Role role, const Audit& audit = {});
  // A director's approval of a pending grant (not their own twice, not of themselves).
  Result<Granted> approve_grant(const User& by, std::int64_t grant, const Audit& audit = {});
  Result<std::vector<Grant>> grants();
  Status revoke_sessions(const User* by, std::int64_t user, const Audit& audit = {});
  // Drops the user's authenticator: they enrol again at their next login (a director's reset;
  // of a director or admin, a grant as reset_password()).
  Result<Granted> reset_totp(const User* by, std::int64_t user, const Audit& audit = {});

  // reasons::wrong_credentials for any wrong credential (see above), reasons::too_many_attempts
  // when throttled (retry_after set).
  Result<LoginResult> login(const LoginRequest& r, std::int64_t* retry_after = nullptr, const Audit& audit = {});
  // The live session of this token, refreshed, with its user as the store has them now;
  // reasons::not_logged_in or session_expired otherwise.
  Result<Session> authenticate(std::string_view token);
  // The session of this token as it stands, for a quick decision on an event-loop thread (the
  // server's body limit for uploads): it writes nothing (no refresh, no removal of an expired
  // session) and answers reasons::server_busy rather than wait long for another thread.
  Result<Session> peek(std::string_view token);
  Status logout(std::string_view token, const Audit& audit = {});

  // TOTP enrolment: begin (with the password, and a current code when one is enrolled) returns
  // the otpauth:// URI (the secret is kept pending, sealed); confirm with a current code makes
  // it required at every login and lifts needs_totp.
  Result<std::string> begin_totp(const User& u, const std::string& password, const std::string& code,
                                 const std::string& issuer);
  Status confirm_totp(const User& u, const std::string& code, const Audit& audit = {});

 private:
  struct Limit {
    int failures = 0;
    std::int64_t next_allowed = 0;
  };
  // Seconds to wait before another attempt, or 0 (with mu_ held; these four).
  std::int64_t wait_for(const std::string& key, std::int64_t now);
  void failed(const std::string& key, std::int64_t now, int free_failures);
  // The account's attempts are examined at a reduced rate: 0, or the seconds to wait.
  std::int64_t guarded_wait(const std::string& account, bool totp, std::int64_t now);
  // Re-authentication inside a session (one's own password change, TOTP re-enrolment) is
  // throttled per user like a login pair, so that a stolen token is no free password oracle.
  // reauth_wait() fails with reasons::too_many_attempts while the user must wait; reauth_done()
  // counts a failure or clears them. Both under mu_.
  Status reauth_wait(const std::string& name, std::int64_t now);
  void reauth_done(const std::string& name, bool right, std::int64_t now);
  // Checks the code when `u` has TOTP (a code is used once); true if right or none is needed.
  // With mu_ held.
  Result<bool> code_right(const User& u, const std::string& code, std::int64_t now);
  // The rules above for `by` acting on `target` (giving it `role`, when changing it).
  Status may_manage(const User* by, const User& target, std::optional<Role> role);
  // reasons::conflict when `target` is the last enabled director and would stop being one.
  Status keeps_a_director(const User& target);
  // Applies a grant that has its approvals (inside tx): the role and the user enabled, or the
  // reset (their sessions end); deletes the grant if stored (g.id).
  Status apply_grant(Tx& tx, const Grant& g);
  // A password or authenticator reset, at once or as a grant (see reset_password()).
  Result<Granted> reset_credentials(const User* by, const User& u, GrantKind kind, std::string hash,
                                    const std::string& action, const Audit& audit);
  void forget_sessions_of(std::int64_t user);  // takes mu_
  Result<Granted> granted(std::int64_t user, std::optional<std::int64_t> grant);
  Status run(const Audit& audit, const std::string& action, const std::string& target,
             const std::function<Status(Tx&)>& change);
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
  // "pair:NAME|ADDRESS", "addr:ADDRESS", "user:NAME"; and the last examined attempt of a
  // guarded account, "guard:NAME"
  std::unordered_map<std::string, Limit> limits_;
  int approvals_ = 1;
};

}  // namespace amanat::accounts
