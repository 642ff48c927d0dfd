// The books on SQLite, as the service sees them (books::BooksStore): the state it decides
// against, the writer effect, and the look-ups of single records. The organisation's reports
// (books_reports.h) and bank statements (bank_store.h) are stores of their own; the effect's
// writes are SqliteBooksWriter's (books_writer.h).
//
// Reads use a connection of their own, so look-ups run beside a long commit instead of waiting
// for it (WAL mode lets a reader see the last committed state).
//
// Threading: every public method is safe to call from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "books/store.h"
#include "store/sqlite/books_writer.h"
#include "store/sqlite/database.h"

namespace amanat::store::sqlite {

class SqliteBooksStore : public books::BooksStore {
 public:
  // `db` must outlive the store; `org` is the organisation's log id; `hand_refs` (may be null)
  // learns each hand-booked donation's bank reference as it is written (SqliteBankStore).
  static Result<std::unique_ptr<SqliteBooksStore>> open(Database& db, std::int64_t org, HandRefSink* hand_refs);

  std::int64_t org() const override { return org_; }
  Result<books::BooksState> load() override;
  tlog::Effect writer(std::shared_ptr<const books::PendingRecord> record) override;
  Status prepare() override { return writer_.prepare(db_); }

  Result<std::optional<books::ExpenseState>> expense(std::uint64_t leaf) override;
  Result<books::FileUses> file_uses(std::string_view sha256_hex) override;
  Result<std::optional<books::DonationState>> donation_by_receipt(std::uint64_t leaf,
                                                                  const std::string& commitment) override;
  Result<std::optional<std::uint64_t>> reversed_by(std::uint64_t leaf) override;
  Result<std::optional<std::string>> money_record_type(std::uint64_t leaf) override;
  Result<Bytes> sealed_payee(std::uint64_t leaf) override;
  Result<std::int64_t> retag_bank_references(
      const std::function<Result<std::string>(std::string_view)>& tag) override;

 private:
  SqliteBooksStore(Database& db, std::int64_t org, HandRefSink* hand_refs, ReadConnection reader)
      : db_(db), org_(org), writer_(org, hand_refs), read_(std::move(reader)) {}

  Database& db_;
  const std::int64_t org_;
  SqliteBooksWriter writer_;
  ReadConnection read_;
};

}  // namespace amanat::store::sqlite
