// Staff accounts on SQLite (accounts::AccountStore): the `users` and `sessions` tables, every
// row keyed by the organisation's log id. Writes run on the database's writer inside the unit
// of work's transaction (a SqliteTx); reads use a connection of their own.
//
// Threading: every method is safe from any thread.
#pragma once

#include <memory>
#include <mutex>

#include "accounts/store.h"
#include "store/sqlite/database.h"

namespace amanat::store::sqlite {

class SqliteAccountStore : public accounts::AccountStore {
 public:
  // `db` must outlive the store; `org` is the organisation's log id.
  static Result<std::unique_ptr<SqliteAccountStore>> open(Database& db, std::int64_t org);

  Result<std::optional<accounts::User>> insert_user(Tx& tx, const std::string& name, accounts::Role role,
                                                    const std::string& password_hash, std::int64_t created) override;
  Result<std::vector<accounts::User>> users() override;
  Result<std::optional<accounts::User>> user(std::int64_t id) override;
  Result<std::optional<std::pair<accounts::User, std::string>>> user_by_name(const std::string& name) override;
  Status set_password(Tx& tx, std::int64_t user, const std::string& password_hash) override;
  Status set_role(Tx& tx, std::int64_t user, accounts::Role role) override;
  Status set_disabled(Tx& tx, std::int64_t user, std::optional<std::int64_t> when) override;
  Result<std::int64_t> add_grant(Tx& tx, const accounts::Grant& g) override;
  Status approve_grant(Tx& tx, std::int64_t grant, std::int64_t director) override;
  Status delete_grant(Tx& tx, std::int64_t grant) override;
  Result<std::vector<accounts::Grant>> grants(Tx* tx) override;
  Status clear_totp(Tx& tx, std::int64_t user) override;
  Result<std::optional<Bytes>> totp_secret(std::int64_t user, bool pending) override;
  Status set_totp_pending(Tx& tx, std::int64_t user, const Bytes& sealed) override;
  Status enrol_totp(Tx& tx, std::int64_t user, const Bytes& sealed) override;
  Result<std::vector<accounts::SealedTotp>> totp_secrets(Tx& tx) override;
  Status replace_totp_secret(Tx& tx, const accounts::SealedTotp& secret) override;
  Result<std::optional<std::uint64_t>> totp_step(std::int64_t user) override;
  Result<bool> use_totp_step(Tx& tx, std::int64_t user, std::uint64_t step) override;
  Status save_session(Tx& tx, const accounts::Session& s) override;
  Result<std::optional<accounts::Session>> session(const std::string& token_hash) override;
  Status delete_session(Tx& tx, const std::string& token_hash) override;
  Status delete_sessions_of(Tx& tx, std::int64_t user) override;

 private:
  SqliteAccountStore(std::int64_t org, ReadConnection reader) : org_(org), read_(std::move(reader)) {}
  const std::int64_t org_;
  ReadConnection read_;
};

}  // namespace amanat::store::sqlite
