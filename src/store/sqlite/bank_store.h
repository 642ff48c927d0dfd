// Bank statements on SQLite (books::BankStore): the lines `amanat import` has seen, the imports,
// matching lines to records, and reconciliation.
//
// Lines live in `bank_lines` in arrival order, keyed by a keyed hash of what identifies them
// (never the counterparty or the payment text). Writes (add_bank_lines, begin_import,
// match_expenses) are each one transaction on the database's writer; reads use a connection
// of their own.
//
// Matching a statement line to a donation booked by hand asks the database only when such a
// donation may exist: the bank references of hand-booked donations are kept in memory (a query
// per line cost a tenth of an import). A superset: a reference stays after its donation is
// reversed or matched, or its batch rolled back (unmatched_donation's query then decides).
// Filled by one scan on the first look-up; from then on the books' writer adds each new one
// (HandRefSink).
//
// Threading: every method is safe from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "books/store.h"
#include "store/sqlite/books_writer.h"
#include "store/sqlite/database.h"

namespace amanat::store::sqlite {

class SqliteBankStore : public books::BankStore, public HandRefSink {
 public:
  // `db` must outlive the store; `org` is the organisation's log id.
  static Result<std::unique_ptr<SqliteBankStore>> open(Database& db, std::int64_t org);

  Result<std::unordered_set<std::string>> bank_line_keys() override;
  Result<std::uint64_t> begin_import(const std::string& sha256, const std::string& format, std::uint64_t lines,
                                     const std::string& time) override;
  Status add_bank_lines(const std::vector<books::BankLine>& lines) override;
  Result<std::optional<std::uint64_t>> unmatched_donation(const std::string& bank_ref, const Money& amount) override;
  Result<std::uint64_t> match_expenses() override;
  Result<books::Reconciliation> reconcile(const books::ReconcileQuery& q) override;

  void add(const std::string& bank_ref) override;  // HandRefSink: from the writer

 private:
  SqliteBankStore(Database& db, std::int64_t org, ReadConnection reader)
      : db_(db), org_(org), read_(std::move(reader)) {}
  // Fills the hand-booked references from the committed donations (once).
  Status load_hand_refs();

  Database& db_;
  const std::int64_t org_;
  ReadConnection read_;
  struct HandRefs {
    std::mutex mu;  // taken after the writer's mutex when both are held
    bool wanted = false, loaded = false;
    std::unordered_set<std::string> refs;
  } hand_refs_;
};

}  // namespace amanat::store::sqlite
