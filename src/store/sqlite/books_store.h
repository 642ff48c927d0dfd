// The embedded SQLite implementation of the books' storage (books::BooksStore), in the same
// database file as the organisation's log.
//
// Writes go through the log's connection: writer() returns an effect that the sequencer runs
// inside the log's commit transaction (it is called with the log store's mutex held, so it uses
// the connection directly). Reads use a second connection of their own, so reports and look-ups
// run beside a long commit instead of waiting for it (WAL mode lets a reader see the last
// committed state).
//
// Threading: every public method is safe to call from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "books/store.h"
#include "crypto/keyring.h"
#include "store/sqlite/db.h"
#include "store/sqlite/log_store.h"

namespace amanat::store::sqlite {

class SqliteBooksStore : public books::BooksStore {
 public:
  // `log` must outlive the store; `keys` seals the private fields (payees).
  static Result<std::unique_ptr<SqliteBooksStore>> open(SqliteLogStore& log, const crypto::Keyring& keys);
  ~SqliteBooksStore() override;
  SqliteBooksStore(const SqliteBooksStore&) = delete;
  SqliteBooksStore& operator=(const SqliteBooksStore&) = delete;

  Result<books::BooksState> load() override;
  tlog::Effect writer(std::shared_ptr<const books::PendingRecord> record) override;

  Result<std::optional<books::ExpenseState>> expense(std::uint64_t leaf) override;
  Result<std::optional<books::DonationState>> donation_by_receipt(std::uint64_t leaf,
                                                                  const std::string& commitment) override;
  Result<std::optional<std::uint64_t>> reversed_by(std::uint64_t leaf) override;
  Result<std::optional<std::string>> money_record_type(std::uint64_t leaf) override;

  Result<books::Report> report(const books::ReportQuery& q) override;
  Result<std::unordered_set<std::string>> bank_line_keys() override;
  Result<std::uint64_t> begin_import(const std::string& sha256, const std::string& format, std::uint64_t lines,
                                     const std::string& time) override;
  Status add_bank_lines(const std::vector<books::BankLine>& lines) override;
  Result<std::optional<std::uint64_t>> unmatched_donation(const std::string& bank_ref, const Money& amount) override;
  Result<std::uint64_t> match_expenses() override;
  Result<books::Reconciliation> reconcile(const books::ReconcileQuery& q) override;
  Status journal(const std::function<Status(const books::Transaction&)>& each) override;
  Result<std::vector<std::pair<std::string, std::string>>> accounts() override;
  Result<std::vector<std::string>> currencies() override;

  // Builds the donor tally now (one scan of the donations), so that the first booking does not
  // hold up every other one while it does. The server calls it at start; one-off commands
  // need not (their first booking pays the scan).
  Status prepare_for_booking();

  // The payee of an expense, opened with the keyring (for the organisation's own use).
  Result<std::string> payee(std::uint64_t expense_leaf);

 private:
  SqliteBooksStore(SqliteLogStore& log, const crypto::Keyring& keys, std::unique_ptr<Db> reader)
      : log_(log), keys_(keys), reader_(std::move(reader)) {}
  // Called inside the log's commit transaction.
  Status write_locked(std::uint64_t leaf, const books::PendingRecord& p);
  Status apply_moves(std::uint64_t leaf, const books::PendingRecord& p);
  // Appends a bank line; `record` is what it is matched to (the line's own field is ignored).
  Status insert_bank_line(const books::BankLine& l, std::optional<std::uint64_t> record);
  // Fills hand_refs_ from the committed donations (once per store).
  Status load_hand_refs();
  // Counts one more (delta 1) or one fewer (-1) live donation of `donor` in `fund` and in the
  // whole organisation, keeping the unique-donor totals (funds.donors, books.donors).
  Status count_donor(const std::string& fund, const std::string& donor, int delta);
  // Fills the donor tally from the committed donations on first use; called before a record
  // that changes it writes anything, so the scan sees exactly the committed state.
  Status load_donor_tally();
  // Bumps an expense's approvals or receipts counter (the statement RETURNs the new count and
  // reversed_by); when it reaches `threshold` on a live expense, its splits count as approved
  // (or receipted) in the fund totals.
  Status bump_expense(std::uint64_t expense, const char* update_returning, int threshold, bool receipted);
  Status fund_flags_delta(std::uint64_t expense, bool receipted, bool approved, int sign);

  SqliteLogStore& log_;
  const crypto::Keyring& keys_;
  std::mutex read_mu_;
  std::unique_ptr<Db> reader_;

  // How many live donations each donor pseudonym has per fund and in all, to know
  // when a donation adds a unique donor or a reversal removes one. It lives in memory, not in
  // an indexed table, because a table keyed by pseudonym costs a random B-tree page per
  // donation, three times over with its siblings, and those pages dominated the cost of a
  // concurrent commit (docs/benchmarks.md). Rebuilt from the donations table by one scan;
  // `undo` reverts what a batch that rolled back did (see SqliteLogStore::on_commit). Guarded
  // by the log store's mutex, like everything the effects touch.
  struct DonorTally {
    struct Donor {
      std::uint32_t total = 0;                                   // live donations in the organisation
      std::vector<std::pair<std::string, std::uint32_t>> funds;  // live donations per fund
    };
    struct Undo {
      Donor* donor;
      std::uint32_t fund;  // index in donor->funds
      int delta;
    };
    bool loaded = false;
    // By pseudonym: one look-up per donation. Entries are never erased (at zero they count no
    // one), so that the pointers in `undo` stay valid.
    std::unordered_map<std::string, Donor> n;
    std::vector<Undo> undo;  // applied in the open batch
  } tally_;
  // Where `fund` is in a donor's per-fund counts, added at zero if it is not there yet.
  static std::uint32_t fund_index(DonorTally::Donor& d, std::string_view fund);
  int observer_ = 0;  // SqliteLogStore::on_commit registration

  // The bank references of donations booked by hand (not by an import), so that an import asks
  // the database about a line's reference only when such a donation may exist: a query per line
  // cost a tenth of an import. A superset: a reference stays after its donation is reversed or
  // matched, or its batch rolled back (unmatched_donation's query then decides). Filled by
  // load_hand_refs on the first look-up; from then on (`wanted`) the writer adds each new one.
  struct HandRefs {
    std::mutex mu;  // taken after the log store's mutex when both are held
    bool wanted = false, loaded = false;
    std::unordered_set<std::string> refs;
  } hand_refs_;
};

}  // namespace amanat::store::sqlite
