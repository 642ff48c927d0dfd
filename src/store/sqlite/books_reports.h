// The books' reports and journal on SQLite (books::ReportStore).
//
// All-time figures come from the totals the writer maintains (funds, fund_spent, the
// unique-donor counts), so a report costs the same over ten donations or ten million; a period
// report reads the records dated in it through the date indexes. Each report, and each page of
// the staff's lists of records (books/lists.h), is read in one read transaction, so every figure
// comes from the same committed state. The journal (for
// exports) streams the postings on a connection of its own, so a long export holds up no
// other read.
//
// Threading: every method is safe from any thread; reads never wait for a commit (WAL).
#pragma once

#include <memory>
#include <mutex>

#include "books/store.h"
#include "store/sqlite/database.h"

namespace amanat::store::sqlite {

class SqliteReportStore : public books::ReportStore {
 public:
  // `db` must outlive the store; `org` is the organisation's log id.
  static Result<std::unique_ptr<SqliteReportStore>> open(Database& db, std::int64_t org);

  Result<books::Report> report(const books::ReportQuery& q) override;
  Result<books::FundActivity> activity(const books::ActivityQuery& q) override;
  Result<books::Page<books::DonationItem>> donations(const books::ListQuery& q) override;
  Result<books::Page<books::ExpenseItem>> expenses(const books::ListQuery& q) override;
  Result<books::Page<books::TransferItem>> transfers(const books::ListQuery& q) override;
  Result<books::Page<books::ImportItem>> imports(const books::ListQuery& q) override;
  Status journal(const std::function<Status(const books::Transaction&)>& each) override;
  Result<std::vector<std::pair<std::string, std::string>>> accounts() override;
  Result<std::vector<std::string>> currencies() override;

 private:
  SqliteReportStore(Database& db, std::int64_t org, ReadConnection reader)
      : db_(db), org_(org), read_(std::move(reader)) {}
  Result<books::Report> report_on(Db& db, const books::ReportQuery& q);
  Result<books::FundActivity> activity_on(Db& db, const books::ActivityQuery& q);
  Result<books::Page<books::DonationItem>> donations_on(Db& db, const books::ListQuery& q);
  Result<books::Page<books::ExpenseItem>> expenses_on(Db& db, const books::ListQuery& q);

  Database& db_;
  const std::int64_t org_;
  ReadConnection read_;
};

}  // namespace amanat::store::sqlite
