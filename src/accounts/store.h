// What staff accounts need from a database: the narrow interface between accounts::Accounts
// and its storage (store/sqlite/account_store.h is the embedded default). One store serves one
// organisation: every row it reads or writes carries that organisation.
//
// Writes take the open transaction of the unit of work they belong to (core/tx.h), so that a
// login and its line in the access trail, or a new password and the end of the user's sessions,
// commit together. Reads see committed state.
//
// Secrets: passwords arrive as Argon2id hashes and TOTP secrets sealed by the caller; the store
// never sees either in the clear. Sessions are stored by the SHA-256 of their token.
// Thread-safety: implementations are safe to call from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "core/tx.h"

namespace amanat::accounts {

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
  bool totp = false;      // enrolled
  bool disabled = false;  // may not log in; has no session
};

struct Session {
  std::string token_hash;  // hex SHA-256 of the token
  User user;
  std::string csrf;        // for cookie sessions; empty for bearer sessions
  bool cookie = false;
  std::int64_t created = 0, last_seen = 0;  // unix seconds
  bool needs_totp = false;  // a director/admin without TOTP: may only enrol it
};

// What a grant does once enough directors approved it: give a director's or admin's role, or
// reset a director's or admin's password (to the hash the requester chose) or authenticator.
// A reset of a privileged account is a grant too: otherwise one director could reset another's
// credentials, log in as them and approve grants twice.
enum class GrantKind { role, password, totp };
const char* grant_kind_name(GrantKind k);

struct Grant {
  std::int64_t id = 0;
  std::int64_t user = 0;
  Role role = Role::director;  // kind role: the role it gives; otherwise the user's role when asked
  std::int64_t requested_by = 0, created = 0;
  std::vector<std::int64_t> approvals;  // directors' user ids, the requester's included
  GrantKind kind = GrantKind::role;
  std::string password_hash = {};  // kind password: the new password's Argon2id hash
};

// A stored TOTP secret, sealed: the enrolled one or the one being enrolled (pending).
struct SealedTotp {
  std::int64_t user = 0;
  bool pending = false;
  Bytes sealed;
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // The new user, or nullopt when the name is taken.
  virtual Result<std::optional<User>> insert_user(Tx& tx, const std::string& name, Role role,
                                                  const std::string& password_hash, std::int64_t created) = 0;
  virtual Result<std::vector<User>> users() = 0;
  virtual Result<std::optional<User>> user(std::int64_t id) = 0;
  // The user with this login name and their password hash.
  virtual Result<std::optional<std::pair<User, std::string>>> user_by_name(const std::string& name) = 0;
  // Errc::not_found when there is no such user (these three).
  virtual Status set_password(Tx& tx, std::int64_t user, const std::string& password_hash) = 0;
  virtual Status set_role(Tx& tx, std::int64_t user, Role role) = 0;
  // Disabled since `when`, or enabled (nullopt).
  virtual Status set_disabled(Tx& tx, std::int64_t user, std::optional<std::int64_t> when) = 0;

  // Stores `g` (its id and approvals are ignored) and returns its id.
  virtual Result<std::int64_t> add_grant(Tx& tx, const Grant& g) = 0;
  virtual Status approve_grant(Tx& tx, std::int64_t grant, std::int64_t director) = 0;
  virtual Status delete_grant(Tx& tx, std::int64_t grant) = 0;
  virtual Result<std::vector<Grant>> grants(Tx* tx = nullptr) = 0;  // inside tx when given

  virtual Result<std::optional<Bytes>> totp_secret(std::int64_t user, bool pending) = 0;
  virtual Status set_totp_pending(Tx& tx, std::int64_t user, const Bytes& sealed) = 0;
  // Drops the enrolled and the pending secret (a director's reset: the user enrols again).
  virtual Status clear_totp(Tx& tx, std::int64_t user) = 0;
  // Makes `sealed` the user's TOTP secret and drops the pending one.
  virtual Status enrol_totp(Tx& tx, std::int64_t user, const Bytes& sealed) = 0;
  // Every stored TOTP secret (to re-seal them under another key), and one replaced.
  virtual Result<std::vector<SealedTotp>> totp_secrets(Tx& tx) = 0;
  virtual Status replace_totp_secret(Tx& tx, const SealedTotp& secret) = 0;
  // The last TOTP time step a login or re-enrolment accepted for the user (none yet: nullopt).
  virtual Result<std::optional<std::uint64_t>> totp_step(std::int64_t user) = 0;
  // Records `step` as used if it is later than the last one used: false when it is not (the
  // code was used already, maybe by another process a moment ago). Atomic in the store, so a
  // code is used once across restarts and processes.
  virtual Result<bool> use_totp_step(Tx& tx, std::int64_t user, std::uint64_t step) = 0;

  // Stores a new session, or an existing one's last_seen.
  virtual Status save_session(Tx& tx, const Session& s) = 0;
  // The session with this token hash, with its user as they are now (needs_totp not set);
  // nullopt when there is none or its user is disabled.
  virtual Result<std::optional<Session>> session(const std::string& token_hash) = 0;
  virtual Status delete_session(Tx& tx, const std::string& token_hash) = 0;
  virtual Status delete_sessions_of(Tx& tx, std::int64_t user) = 0;
};

}  // namespace amanat::accounts
