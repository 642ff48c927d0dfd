// The books' service: the one code path that books anything, used by the CLI, the importer, the
// demo generator, the benchmark and (with issue 4) the HTTP API.
//
// Each operation checks the record on its own (model.h validate), then against the books'
// state (does the fund exist, is the appeal open, would a restricted fund go negative, was the
// expense already approved by this person), books it (posting.h), encodes its leaf (leaf.h)
// and hands leaf and effect to the sequencer, which appends the leaf and writes the record, its
// postings and the fund totals in one durable transaction, batched with whatever else is
// waiting (group commit). An operation returns once its record is durable, with its leaf index.
//
// State and ordering: the service keeps each fund's balance in memory and, under one mutex,
// decides and submits each record; the sequencer commits records in submission order, so every
// decision was made against exactly the records committed before it. If a commit fails, the
// records of that batch are lost as a whole and the service reloads its state from the store
// (the store's CHECK on restricted balances catches anything decided against the lost batch).
//
// Identities: donate() takes the donor's identifier only to hash it with the keyring's
// pseudonym key and returns the donor's receipt code, which is never stored; expenses take the
// payee only to seal it and to commit to it. Neither appears in any error message.
//
// Files (receipts, a confirmation's evidence) come as FileCommitments (commit_file): the leaf
// carries each file's salted commitment, the record's private part its SHA-256, which the
// database keys files by. The service never writes a leaf with a plain file hash.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <map>
#include <string>

#include "books/model.h"
#include "books/posting.h"
#include "books/receipt_files.h"
#include "books/store.h"
#include "crypto/keyring.h"
#include "tlog/sequencer.h"
#include "tlog/storage.h"

namespace amanat::books {

// "YYYY-MM-DDTHH:MM:SSZ" now (injectable for tests).
using Clock = std::function<std::string()>;
std::string system_clock_now();
// Today's date, UTC, YYYY-MM-DD.
std::string today();

// Whether a record's date may be far from today. A date more than kDaysBack days before today
// or kDaysAhead after it is more often a slip (1970, 2099) than a late booking: it is refused
// (reasons::date_far) unless the caller confirms it. Bank statements and bulk loaders carry
// their own dates and confirm them.
enum class DateCheck { near_today, confirmed };
inline constexpr int kDaysBack = 366;
inline constexpr int kDaysAhead = 1;  // the organisation's day may begin before UTC's

struct DonationInput {
  std::string date;
  Money amount;
  Channel channel = Channel::bank;
  std::string account;          // default: by channel (Bank:Main, Card, Cash, Mobile, Other)
  std::string fund;             // appeal code or "general"
  Rates rates;
  std::string donor;            // "phone:...", "iban:...", "card:...", "ref:..." or empty (anonymous)
  std::string bank_ref;
  DateCheck date_check = DateCheck::near_today;
};
struct DonationResult {
  std::uint64_t leaf = 0;
  std::string receipt_code;     // give it to the donor; it is not kept anywhere
};

struct ExpenseInput {
  Expense expense;              // payee and receipt_commitments are filled in by the service
  std::string payee;            // as entered; sealed at rest, committed to on the log
  std::string bank_ref;
  std::string booked_by = {};   // the staff handle of who books it: they may not approve it
  DateCheck date_check = DateCheck::near_today;
  std::vector<FileCommitment> receipts = {};  // its receipt files (commit_file, books/receipt_files.h)
};

// Who records a confirmation: the person confirming (a lawyer their own), or someone on their
// behalf (a case worker for the survivor, a director for either), which needs the evidence.
enum class Confirmer { the_person, on_behalf };

class Books {
 public:
  // `log` is the log's storage (to read records back for corrections); `reports` gives the
  // totals a published report states. All must outlive Books.
  static Result<std::unique_ptr<Books>> open(BooksStore& store, ReportStore& reports, tlog::Sequencer& seq,
                                             tlog::LogStorage& log, const crypto::Keyring& keys,
                                             Clock clock = system_clock_now);

  bool is_open() const;
  // The books' version: the log's size, which every change to the books grows (each is a
  // record on the log). Read from this process's sequencer, the log's only writer, without
  // touching the database, so it is cheap enough for every request (api/answer_cache.h).
  std::uint64_t version() const;
  Currency currency() const;    // the organisation's; only when is_open()

  Result<std::uint64_t> open_books(const std::string& name, Currency currency);
  Result<std::uint64_t> open_appeal(AppealOpen a, DateCheck when = DateCheck::near_today);
  Result<std::uint64_t> update_appeal(AppealUpdate u, DateCheck when = DateCheck::near_today);
  Result<DonationResult> donate(const DonationInput& d);
  // Pipelined form: returns once the donation is queued (bulk importers keep many in flight).
  // The first Result fails at once for invalid input; the future yields the leaf once durable,
  // and receipt_code(leaf, secret) (books/identity.h) is then the donor's receipt code.
  // `line`: the bank statement line it comes from, stored with it (books/import/importer.h).
  Result<std::pair<std::future<Result<std::uint64_t>>, std::string>> submit_donation(
      const DonationInput& d, std::optional<BankLine> line = std::nullopt);
  Result<std::uint64_t> add_expense(ExpenseInput e);
  // Pipelined form of add_expense, as submit_donation.
  Result<std::future<Result<std::uint64_t>>> submit_expense(ExpenseInput e);
  // Pipelined approvals and transfers for bulk generators (the claim of approve() is not taken:
  // the caller must not submit the same approval twice, nor one by whoever booked the expense).
  Result<std::future<Result<std::uint64_t>>> submit_approval(std::uint64_t expense, const std::string& by);
  Result<std::future<Result<std::uint64_t>>> submit_transfer(Transfer t);
  // Refused to whoever booked the expense (reasons::own_expense), to anyone who approved it
  // already, and once it has two approvals: two people besides the one who booked it.
  Result<std::uint64_t> approve(std::uint64_t expense, const std::string& by);
  // On someone's behalf only with the signed confirmation's evidence (reasons::evidence_required).
  Result<std::uint64_t> confirm(std::uint64_t expense, ConfirmRole role, const std::optional<FileCommitment>& evidence,
                                Confirmer who = Confirmer::on_behalf);
  // Refused for a file already attached to the expense (reasons::receipt_attached).
  Result<std::uint64_t> attach_receipt(std::uint64_t expense, const FileCommitment& file);
  // Bank references booked by versions before keyed tags were stored in the clear: replaces each
  // with its tag (bank_ref_tag, books/identity.h), so reconciliation still matches them, and
  // leaves no copy in the data directory's files. Needs the books key; returns how many.
  Result<std::int64_t> retag_bank_references();
  Result<std::uint64_t> transfer(Transfer t, DateCheck when = DateCheck::near_today);
  Result<std::uint64_t> correct(Correction c, DateCheck when = DateCheck::near_today);
  // Publishes the whole books' totals as a report record that lands exactly at the size it
  // states (the audit checks both): waits for the records in flight to commit while holding
  // new ones back, reads the totals, and queues the report before releasing them.
  Result<std::uint64_t> publish_report();

  // A leaf of another family than the books' (core/family.h), such as the access trail's anchors
  // (identity/trail_anchor.h), with its effect. It is queued under the books' lock like a
  // record, so that it can never land between a report and the size the report states: the
  // organisation's log keeps one write path. Errc::invalid for a leaf that is not an envelope
  // or is one of the books' (those go through the operations above). Returns once queued; the
  // future yields its index once durable.
  Result<std::future<Result<std::uint64_t>>> submit_other(Bytes leaf, tlog::Effect effect);

  // A pipelined caller whose future failed says so here: the service re-reads its state
  // before deciding anything else.
  void note_failure();

  // The funds as the service sees them (committed plus in flight).
  std::vector<FundState> funds() const;

  // An expense's payee, opened with the books key (for the organisation's own use: an auditor
  // shown who was paid). Errc::sealed while the key is in the sealed vault.
  Result<std::string> payee(std::uint64_t expense);

 private:
  Books(BooksStore& store, ReportStore& reports, tlog::Sequencer& seq, tlog::LogStorage& log,
        const crypto::Keyring& keys, Clock clock)
      : store_(store), reports_(reports), seq_(seq), log_(log), keys_(keys), clock_(std::move(clock)) {}
  Status reload();
  Status check_when(std::string_view date, DateCheck when) const;
  std::optional<Currency> fund_currency_locked(std::string_view fund) const;
  // Books and queues one record; `claim` (if not empty) makes the record unique among those in
  // flight (an approval by one person, a correction of one record). `payee`: an expense's
  // payee, sealed into the record's private part as it commits (books/payee.h).
  Result<std::future<Result<std::uint64_t>>> submit(Record r, RecordPrivate priv, std::string claim = {},
                                                    std::string payee = {});
  Result<std::uint64_t> wait(Result<std::future<Result<std::uint64_t>>> f, const std::string& claim = {});
  // The deciding half of submit(), under mu_: state checks, the booking, the restricted-fund
  // check, then the sequencer. `at`: the leaf index the record must get, or its batch fails.
  Result<std::future<Result<std::uint64_t>>> queue_locked(Record r, Bytes leaf, const Booking* reversed,
                                                          RecordPrivate priv, std::string claim,
                                                          std::optional<std::uint64_t> at, std::string payee = {});
  Result<Booking> booking_of(std::uint64_t leaf);

  BooksStore& store_;
  ReportStore& reports_;
  tlog::Sequencer& seq_;
  tlog::LogStorage& log_;
  const crypto::Keyring& keys_;
  Clock clock_;

  mutable std::mutex mu_;
  std::optional<BooksOpen> books_;
  std::map<std::string, FundState, std::less<>> funds_;
  // The organisation's all-time money in and out over every fund, in its currency: the
  // organisation-wide totals of a report are at most these.
  struct OrgFlows {
    std::int64_t in = 0, out = 0;
  } org_;
  std::set<std::string> claims_;
  bool stale_ = false;          // a commit failed: reload before deciding anything
};

}  // namespace amanat::books
