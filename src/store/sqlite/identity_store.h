// Identities at rest on SQLite (identity::IdentityStore): subjects, their sealed fields and who
// may read them, the sealed intake, the hash-chained access trail and the index of its anchors, every row keyed by the
// organisation's log id. Writes run on the database's writer inside the unit of work's
// transaction (a SqliteTx; the writer deletes with secure_delete on, so an erased subject's
// fields are overwritten in the database file); reads use a connection of their own.
//
// Threading: every method is safe from any thread.
#pragma once

#include <memory>
#include <mutex>

#include "identity/store.h"
#include "store/sqlite/database.h"

namespace amanat::store::sqlite {

class SqliteIdentityStore : public identity::IdentityStore {
 public:
  // `db` must outlive the store; `org` is the organisation's log id.
  static Result<std::unique_ptr<SqliteIdentityStore>> open(Database& db, std::int64_t org);

  Result<std::optional<std::int64_t>> insert_subject(Tx& tx, const std::string& code, const std::string& kind,
                                                     std::int64_t created_by, std::int64_t created,
                                                     const Bytes& wrapped_key) override;
  Status put_field(Tx& tx, std::int64_t subject, const std::string& field, const Bytes& sealed) override;
  Status grant(Tx& tx, std::int64_t subject, std::int64_t user) override;
  Result<std::optional<identity::SubjectRow>> subject(const std::string& code) override;
  Result<bool> may_read(std::int64_t subject, std::int64_t user) override;
  Result<std::vector<std::pair<std::string, Bytes>>> fields(std::int64_t subject) override;
  Status erase(Tx& tx, std::int64_t subject, std::int64_t when) override;
  Status purge() override;
  Result<std::int64_t> add_intake(Tx& tx, std::int64_t received, const Bytes& sealed) override;
  Result<std::vector<identity::IntakeRow>> intake(std::int64_t after, std::size_t limit, bool archived) override;
  Result<bool> archive_intake(Tx& tx, std::int64_t id, std::int64_t when, std::int64_t by) override;
  Result<std::pair<std::int64_t, std::string>> trail_head(Tx& tx) override;
  Status append_trail(Tx& tx, const identity::TrailEntry& e) override;
  Result<std::vector<identity::TrailEntry>> trail(std::int64_t after, std::size_t limit) override;
  Result<std::vector<identity::TrailEntry>> trail_before(std::int64_t before, std::size_t limit) override;
  Status add_anchor(Tx& tx, const identity::AnchorAt& a) override;
  Result<std::vector<identity::AnchorAt>> anchors() override;

 private:
  SqliteIdentityStore(Database& db, std::int64_t org, ReadConnection reader)
      : db_(db), org_(org), read_(std::move(reader)) {}
  Database& db_;
  const std::int64_t org_;
  ReadConnection read_;
};

}  // namespace amanat::store::sqlite
