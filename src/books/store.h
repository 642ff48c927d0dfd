// What the books need from a database: three narrow interfaces, one per job, between the books'
// code and its storage. The embedded SQLite storage implements them (src/store/sqlite/books_*);
// PostgreSQL can implement them later without touching the books. An organisation's stores are
// opened together by store::open_org (store/org.h).
//
//  - BooksStore: what the service (books/service.h) decides against and writes through. Writes
//    happen only in writer()'s effect, which the sequencer runs inside the transaction that
//    appends the record's leaf (tlog/storage.h), so a record, its postings and its log entry
//    are durable together or not at all.
//  - ReportStore: the reports, the staff's lists of records (books/lists.h) and the journal,
//    read from committed data (maintained totals for all-time figures, never a scan).
//  - BankStore: bank statement lines, import matching and reconciliation
//    (books/import/importer.h). Each of its writes is one transaction of its own; a donation's
//    own bank line is written by the donation's effect instead.
//
// Nothing here holds identities in the clear: donors are keyed pseudonyms, payees sealed bytes.
// Thread-safety: implementations are safe to call from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "books/lists.h"
#include "books/model.h"
#include "books/posting.h"
#include "books/report.h"
#include "tlog/storage.h"

namespace amanat::books {

// What the service keeps in memory to decide whether a record may be booked.
struct FundState {
  std::string fund;
  Currency currency;
  bool restricted = true;
  bool open = true;
  std::int64_t balance = 0;
  // All-time money in (raised + transfers in) and out (spent + transfers out) of the live
  // records, in the fund's currency and in the organisation's: every total a report states
  // (any period, any category, the balance) is at most one of these in magnitude, so keeping
  // them within kMaxPublishable keeps every report publishable.
  std::int64_t in = 0, out = 0, in_org = 0, out_org = 0;
};

struct BooksState {
  std::optional<BooksOpen> books;   // nullopt until the books.open record
  std::vector<FundState> funds;
};

// A file is an expense's receipt, or the evidence of the lawyer's or the survivor's
// confirmation (which can name the survivor), or any of these at once, or none yet.
struct FileUses {
  bool receipt = false, lawyer_evidence = false, survivor_evidence = false;
  // The records whose leaves commit to it (an expense, expense.receipt, expense.confirm), by
  // leaf index, in order: where to show a court the file's commitment (`amanat file reveal`).
  std::vector<std::uint64_t> records;
  // The case codes of the appeals charged by the expenses it is a confirmation's evidence for,
  // distinct and sorted: a lawyer or case worker reads such a file only if there is one and they
  // may see each (the evidence of an expense for no case is read by directors only).
  std::vector<std::string> cases;
};

struct ExpenseState {
  std::uint64_t leaf = 0;
  std::string booked_by;                // the staff handle of who booked it, or empty
  std::vector<std::string> approvals;   // handles, in order
  bool lawyer_confirmed = false, survivor_confirmed = false;
  std::vector<std::string> receipts;    // hex SHA-256
  std::optional<std::uint64_t> reversed_by;
  // The case codes of the appeals it is charged to, distinct and sorted: whose lawyer and case
  // worker may record its confirmations (empty: it is for no case).
  std::vector<std::string> cases;
};

struct DonationState {
  std::uint64_t leaf = 0;
  std::string date, fund;
  Money amount;
  std::optional<std::uint64_t> reversed_by;
};

// A record ready to be written: the record, what it books, and what stays private.
struct PendingRecord {
  Record record;
  Booking booking;
  RecordPrivate priv;
};

class BooksStore {
 public:
  virtual ~BooksStore() = default;

  // The organisation's id in the database (every row carries it; sealed fields bind it).
  virtual std::int64_t org() const = 0;
  virtual Result<BooksState> load() = 0;
  // The effect that writes `record` at the leaf index it is given: its row, postings, the
  // maintained totals and (for a donation booked by an import) its bank line.
  virtual tlog::Effect writer(std::shared_ptr<const PendingRecord> record) = 0;
  // Builds what booking needs in memory before the first booking (the server calls it at start
  // so that its first request does not wait for it); one-off commands need not.
  virtual Status prepare() = 0;

  virtual Result<std::optional<ExpenseState>> expense(std::uint64_t leaf) = 0;
  // What a stored file (by hex SHA-256) is to the books, so that it is read only by the roles
  // that may see what it is about.
  virtual Result<FileUses> file_uses(std::string_view sha256_hex) = 0;
  // The donation at `leaf` if its receipt commitment is `commitment` (compared in constant
  // time); nullopt for any other record or commitment, so a wrong code reveals nothing.
  virtual Result<std::optional<DonationState>> donation_by_receipt(std::uint64_t leaf,
                                                                   const std::string& commitment) = 0;
  // The correction that reversed `leaf`, if any.
  virtual Result<std::optional<std::uint64_t>> reversed_by(std::uint64_t leaf) = 0;
  // The type of the record at `leaf` if it is a donation, expense or transfer.
  virtual Result<std::optional<std::string>> money_record_type(std::uint64_t leaf) = 0;
  // The expense's payee as sealed at rest (books/payee.h opens it); Errc::not_found if `leaf`
  // is not an expense.
  virtual Result<Bytes> sealed_payee(std::uint64_t leaf) = 0;
  // Replaces every bank reference stored in the clear (by versions before keyed tags) in
  // donations, expenses and statement lines with tag(reference), in one transaction, then
  // empties the write-ahead log so that no copy of the old text stays in any file of the data
  // directory. Returns how many were replaced (each distinct reference once per table).
  virtual Result<std::int64_t> retag_bank_references(
      const std::function<Result<std::string>(std::string_view)>& tag) = 0;
};

class ReportStore {
 public:
  virtual ~ReportStore() = default;
  virtual Result<Report> report(const ReportQuery& q) = 0;
  // Errc::not_found when the fund does not exist.
  virtual Result<FundActivity> activity(const ActivityQuery& q) = 0;
  // The staff's lists (books/lists.h), newest first, a page at a time, each page read in one
  // read transaction.
  virtual Result<Page<DonationItem>> donations(const ListQuery& q) = 0;
  virtual Result<Page<ExpenseItem>> expenses(const ListQuery& q) = 0;
  virtual Result<Page<TransferItem>> transfers(const ListQuery& q) = 0;
  virtual Result<Page<ImportItem>> imports(const ListQuery& q) = 0;
  // Every transaction with postings, in leaf order, and the accounts with their first dates.
  virtual Status journal(const std::function<Status(const Transaction&)>& each) = 0;
  virtual Result<std::vector<std::pair<std::string, std::string>>> accounts() = 0;  // (account, first date)
  virtual Result<std::vector<std::string>> currencies() = 0;
};

struct ReconcileItem {
  enum Kind { matched, bank_only, record_only } kind = matched;
  std::string date, account, bank_ref;  // bank_ref: its tag (books/identity.h)
  Money amount;               // signed as on the statement (records: + donation, - expense)
  std::optional<std::uint64_t> record;
};
struct Reconciliation {
  std::uint64_t matched = 0, bank_only = 0, record_only = 0;
  std::vector<ReconcileItem> items;  // bank-only and record-only first, then matched
};
struct ReconcileQuery {
  std::optional<std::string> from, to;
  bool include_matched = false;
};

class BankStore {
 public:
  virtual ~BankStore() = default;
  // The keys of every bank line already stored: an import reads them once instead of looking
  // each of its lines up.
  virtual Result<std::unordered_set<std::string>> bank_line_keys() = 0;
  virtual Result<std::uint64_t> begin_import(const std::string& sha256, const std::string& format,
                                             std::uint64_t lines, const std::string& time) = 0;
  // Lines that book no record, stored in one transaction.
  virtual Status add_bank_lines(const std::vector<BankLine>& lines) = 0;
  // A live donation with this bank reference and amount that no bank line is matched to yet.
  virtual Result<std::optional<std::uint64_t>> unmatched_donation(const std::string& bank_ref, const Money& amount) = 0;
  // Matches bank lines of money out that have no record to live expenses not yet matched: by
  // bank reference, else by amount and date. Returns how many it matched.
  virtual Result<std::uint64_t> match_expenses() = 0;
  virtual Result<Reconciliation> reconcile(const ReconcileQuery& q) = 0;
};

}  // namespace amanat::books
