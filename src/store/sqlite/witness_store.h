// The witness state (latest cosigned checkpoint per partner origin) in the organisation's
// SQLite database, beside its log (table `witnessed`, keyed by the organisation's log id).
// Thread-safe: reads and writes run on the database's writer connection under its mutex (they
// are rare: one per cosignature).
#pragma once

#include "store/sqlite/database.h"
#include "tlog/witness.h"

namespace amanat::store::sqlite {

class SqliteWitnessStore : public tlog::WitnessStore {
 public:
  // `db` must outlive the store; `log_id` is the witnessing organisation's log.
  SqliteWitnessStore(Database& db, std::int64_t log_id) : db_(db), log_id_(log_id) {}
  Result<std::optional<tlog::WitnessedState>> last(const std::string& origin) override;
  Status advance(const std::string& origin, const std::optional<tlog::WitnessedState>& expected,
                 const tlog::WitnessedState& next, const std::string& signed_checkpoint) override;

 private:
  Result<std::optional<tlog::WitnessedState>> last_on(Db& db, const std::string& origin);
  Database& db_;
  std::int64_t log_id_;
};

}  // namespace amanat::store::sqlite
