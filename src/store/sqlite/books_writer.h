// The books' writer effect on SQLite: what one record writes beside its leaf, inside the
// transaction that appends the leaf (books/store.h BooksStore::writer, tlog/storage.h).
//
// Per record: its row (donations, expenses and their splits, transfers, corrections,
// approvals, confirmations, receipts), its journal postings, the maintained fund totals that
// all-time reports read (funds, fund_spent, the unique-donor counts) and, for a donation booked
// by an import, its bank line. A restricted fund going negative is refused by the funds table's
// CHECK (Errc::conflict): the last line of defence behind the service's own check.
//
// Unique donors are tallied in memory, not in a table: a table keyed by pseudonym costs a
// random B-tree page per donation, three times over with its siblings, and those pages
// dominated a concurrent commit (docs/benchmarks.md). The tally is built from the donations by
// one scan on first use (or by prepare()), and follows the transactions it changes in through
// Tx::on_end: a batch that rolls back takes its counts back, a commit of unknown outcome makes
// the next use scan again.
//
// Threading: write() runs on the sequencer's thread inside the writer's transaction; the tally
// is touched only there and in prepare(), under the database's writer mutex.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "books/store.h"
#include "store/sqlite/database.h"

namespace amanat::store::sqlite {

// Where hand-booked donations' bank references go as they are written (SqliteBankStore keeps
// them to match statement lines without a query per line).
class HandRefSink {
 public:
  virtual ~HandRefSink() = default;
  virtual void add(const std::string& bank_ref) = 0;
};

class SqliteBooksWriter {
 public:
  // `hand_refs` (may be null) must outlive the writer.
  SqliteBooksWriter(std::int64_t org, HandRefSink* hand_refs) : org_(org), hand_refs_(hand_refs) {}

  // Writes `p` as the record at `leaf` inside `tx` (a SqliteTx).
  Status write(Tx& tx, std::uint64_t leaf, const books::PendingRecord& p);
  // Builds the donor tally now (one scan of the donations).
  Status prepare(Database& database);

 private:
  Status write_record(Db& db, std::uint64_t leaf, const books::PendingRecord& p);
  Status apply_moves(Db& db, const books::PendingRecord& p);
  // Counts one more (delta 1) or one fewer (-1) live donation of `donor` in `fund` and in the
  // whole organisation, keeping the unique-donor totals (funds.donors, books.donors).
  Status count_donor(Db& db, const std::string& fund, const std::string& donor, int delta);
  // Fills the donor tally from the committed donations on first use; called before a record
  // that changes it writes anything, so the scan sees exactly the committed state.
  Status load_donor_tally(Db& db);
  // Bumps an expense's approvals or receipts counter (the statement RETURNs the new count and
  // reversed_by); when it reaches `threshold` on a live expense, its splits count as approved
  // (or receipted) in the fund totals.
  Status bump_expense(Db& db, std::uint64_t expense, const char* update_returning, int threshold, bool receipted);
  Status fund_flags_delta(Db& db, std::uint64_t expense, bool receipted, bool approved, int sign);
  // Follows the open transaction's outcome once it has changed the tally.
  void follow(Tx& tx);

  const std::int64_t org_;
  HandRefSink* hand_refs_;

  // How many live donations each donor pseudonym has per fund and in all, to know when a
  // donation adds a unique donor or a reversal removes one.
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
    std::vector<Undo> undo;  // applied in the open transaction
    bool following = false;  // a hook on the open transaction will settle `undo`
  } tally_;
  // Where `fund` is in a donor's per-fund counts, added at zero if it is not there yet.
  static std::uint32_t fund_index(DonorTally::Donor& d, std::string_view fund);
};

// Appends a bank line matched to `record` (if any): for the writer (a donation's own line) and
// the bank store (lines that book nothing).
Status insert_bank_line(Db& db, std::int64_t org, const books::BankLine& l, std::optional<std::uint64_t> record);

}  // namespace amanat::store::sqlite
