// The witness state (latest cosigned checkpoint per partner origin) in the organisation's
// SQLite database, beside its log. Thread-safe: shares the log store's connection and mutex.
#pragma once

#include "store/sqlite/log_store.h"
#include "tlog/witness.h"

namespace amanat::store::sqlite {

class SqliteWitnessStore : public tlog::WitnessStore {
 public:
  explicit SqliteWitnessStore(SqliteLogStore& log) : log_(log) {}
  Result<std::optional<tlog::WitnessedState>> last(const std::string& origin) override;
  Status advance(const std::string& origin, const std::optional<tlog::WitnessedState>& expected,
                 const tlog::WitnessedState& next, const std::string& signed_checkpoint) override;

 private:
  Result<std::optional<tlog::WitnessedState>> last_locked(const std::string& origin);
  SqliteLogStore& log_;
};

}  // namespace amanat::store::sqlite
