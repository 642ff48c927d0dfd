// The books' records: what an organisation books and what goes on its log.
//
// Every change to the books is one immutable Record: an appeal opened or changed, a donation, an
// expense, an approval or confirmation of an expense, a receipt attached to one, a transfer
// between funds, a correction (the reversal of an earlier record) or a published report. A
// record's identity is its leaf index on the organisation's log, so "expense 1234" means the
// same thing in the database, in the journal exports and to anyone reading the public log.
//
// Funds: each appeal is a restricted fund (its money may only be spent on its case) held in the
// appeal's currency; the general fund ("general") is unrestricted and held in the organisation's
// currency. A restricted fund never goes negative.
//
// What is public: a record holds only what may be published. A donor appears only as a receipt
// commitment (SHA-256 of the donor's secret receipt code, see receipt.h); an expense's payee
// only as a salted commitment. The donor's keyed pseudonym, the bank reference and the payee
// travel beside the record (RecordPrivate) into the database, never onto the log.
//
// validate_*() check one record on its own (codes, dates, amounts, splits, rates) and fail with
// Errc::invalid naming the field; what depends on the books' state (does the appeal exist, is
// the fund's balance enough) is checked by the service.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "core/money.h"

namespace amanat::books {

// The general (unrestricted) fund's name wherever a fund is named. Appeal codes are upper-case,
// so they can never collide with it.
inline constexpr std::string_view kGeneralFund = "general";

// 2^53 - 1: the largest integer every JSON reader holds exactly (canonical_json.h). No amount,
// and no total a report states, may be larger in magnitude, or the books become unpublishable.
inline constexpr std::int64_t kMaxPublishable = 9007199254740991;

enum class Channel { bank, card, cash, mobile, other };
enum class Category {
  lawyer, travel_flights, travel_hotels, travel_ground, forensic, medical, psychological,
  housing, court_fees, other
};
enum class ConfirmRole { lawyer, survivor };

// Spellings used in leaves, on the command line and in reports ("bank", "travel-flights").
std::string_view channel_name(Channel c);
Result<Channel> parse_channel(std::string_view s);
std::string_view category_name(Category c);
Result<Category> parse_category(std::string_view s);
std::span<const Category> all_categories();
// The account component for a category in the chart of accounts ("Travel-Flights").
std::string_view category_account(Category c);
std::string_view confirm_role_name(ConfirmRole r);
Result<ConfirmRole> parse_confirm_role(std::string_view s);

// An appeal code: 1-32 of A-Z 0-9 '-', starting with a letter or digit ("A-2025-007").
Status check_appeal_code(std::string_view code, std::string_view field = "appeal");
// A fund: "general" or an appeal code.
Status check_fund(std::string_view fund, std::string_view field = "fund");
// A pseudonymous case code, same alphabet as appeal codes ("C-7F3K"): never a name.
Status check_case_code(std::string_view code, std::string_view field = "case");
// A money account: 1-4 components joined by ':', each [A-Z][A-Za-z0-9-]{0,31} ("Bank:Main").
Status check_money_account(std::string_view account, std::string_view field = "account");
// A staff handle for approvals: [a-z0-9][a-z0-9._-]{0,31} ("director", "acc-2"). Handles are
// public on the log; use role handles, not people's names.
Status check_handle(std::string_view handle, std::string_view field = "by");
// A calendar date YYYY-MM-DD between 1900-01-01 and 2999-12-31.
Status check_date(std::string_view date, std::string_view field = "date");
// Days since 1970-01-01 of a YYYY-MM-DD date (nullopt unless check_date accepts it), and back.
std::optional<std::int64_t> day_number(std::string_view date);
std::string date_of_day(std::int64_t day);
// A period from..to (either end open): `to` may not precede `from` (reasons::period_reversed).
Status check_period(const std::optional<std::string>& from, const std::optional<std::string>& to);
// Public free text (titles, reasons, memos): valid UTF-8, 1..max bytes, no control characters
// other than newline in descriptions.
Status check_text(std::string_view text, std::string_view field, std::size_t max, bool multiline);
// A lower-case hex SHA-256 digest.
Status check_sha256_hex(std::string_view hex, std::string_view field);

// Rates a record states: for each currency other than its own that it touches (a fund's, the
// organisation's), how many units of that currency one unit of the record's currency is worth.
using Rates = std::map<std::string, Rate>;  // keyed by currency code

// ---- records -----------------------------------------------------------------------------

struct BooksOpen {            // the log's first books record: the organisation's currency
  std::string name;           // public name of the organisation
  Currency currency;
};

struct AppealOpen {
  std::string code, title, description;
  std::string case_code;      // may be empty (an appeal not tied to one case)
  Money target;               // in the appeal's (fund's) currency; > 0
  std::string date;           // opened on
};

struct AppealUpdate {
  std::string code;
  std::string date;
  std::optional<std::string> title, description;
  std::optional<Money> target;
  std::optional<bool> open;   // false closes the appeal (no more donations), true reopens it
};

struct Donation {
  std::string date;
  Money amount;               // > 0, as received
  Channel channel = Channel::bank;
  std::string account;        // money account that received it: "Bank:Main"
  std::string fund;           // appeal code or "general"
  std::string receipt;        // hex SHA-256 commitment to the donor's receipt code
  Rates rates;
};

struct Split {
  std::string fund;
  Money amount;               // > 0, in the expense's currency
};

struct Expense {
  std::string date;
  Money amount;               // > 0, as paid; equals the sum of the splits
  Category category = Category::other;
  std::string account;        // money account it was paid from
  std::string payee;          // hex SHA-256 salted commitment to the payee (payee.h)
  std::string memo;           // public description; may be empty
  std::vector<Split> splits;  // at least one; funds distinct
  // Each receipt file's plain SHA-256: only in leaves written before salted commitments (read,
  // still valid, never written again by the service). At most one of the two lists is non-empty.
  std::vector<std::string> receipts;
  Rates rates;
  // Each receipt file as the log commits to it (books/receipt_files.h, file_commitment): a
  // salted SHA-256, so that nobody can confirm a guessed document against the log.
  std::vector<std::string> receipt_commitments = {};
};

struct Approval { std::uint64_t expense = 0; std::string by; };
// The signed confirmation's file, if any: its commitment (file_commitment), or in leaves written
// before salted commitments its plain SHA-256 (`evidence`); never both.
struct Confirmation {
  std::uint64_t expense = 0;
  ConfirmRole role = ConfirmRole::lawyer;
  std::string evidence;             // plain SHA-256: older leaves only
  std::string evidence_commitment;  // the file's commitment
};
// A receipt file attached later: exactly one of its commitment and (older leaves) its plain SHA-256.
struct ReceiptAttach {
  std::uint64_t expense = 0;
  std::string sha256;      // plain SHA-256: older leaves only
  std::string commitment;  // the file's commitment
};

struct Transfer {
  std::string date;
  Money amount;               // > 0, in the source fund's currency
  std::string from, to;       // funds, different
  std::string reason;
  Rates rates;                // needed when the funds' currencies differ
};

struct Correction {
  std::string date;
  std::uint64_t reverses = 0; // the leaf index of a donation, expense or transfer
  std::string reason;
};

// A published per-fund summary, as the organisation states it on the log (see report.h).
struct FundTotals {
  std::string fund;
  Currency currency;
  std::int64_t raised = 0, spent = 0, transfers_in = 0, transfers_out = 0, balance = 0;
  std::uint64_t donations = 0;
  friend bool operator==(const FundTotals&, const FundTotals&) = default;
};
struct ReportPublished {
  std::uint64_t size = 0;     // the totals cover leaves [0, size)
  std::uint32_t part = 1, parts = 1;
  std::vector<FundTotals> funds;
};

using Body = std::variant<BooksOpen, AppealOpen, AppealUpdate, Donation, Expense, Approval,
                          Confirmation, ReceiptAttach, Transfer, Correction, ReportPublished>;

struct Record {
  std::string time;           // when it was booked, UTC "YYYY-MM-DDTHH:MM:SSZ"
  Body body;
};

// The record's type name as in its leaf ("donation", "appeal.open", ...).
std::string_view type_name(const Body& b);

// Per-record checks that need no state. Donations, expenses and transfers check amounts are
// positive and within the safe-integer range (|x| <= 2^53-1, so leaves stay exact in JSON).
Status validate(const Record& r);

// A bank statement line as `amanat import` keeps it (never its counterparty or text).
struct BankLine {
  std::string key;            // keyed hash of what identifies the line (see books/import/importer.h)
  std::string account, date;
  Money amount;               // > 0 money in, < 0 money out
  std::string bank_ref;       // its tag (bank_ref_tag, books/identity.h), or empty
  std::optional<std::uint64_t> record;  // the donation or expense it is matched to
  std::uint64_t import_id = 0;
};

// What the database keeps beside a record and never publishes.
struct RecordPrivate {
  std::string donor;          // donation: keyed pseudonym (hex), may be empty (anonymous cash)
  std::string bank_ref;       // donation/expense: the tag of the bank's reference, may be empty
  Bytes sealed_payee;         // expense: the payee sealed under the books key (books/payee.h),
                              // filled in as the record commits (the seal binds its leaf index)
  std::string payee_salt;     // expense: hex salt of the payee commitment
  std::string booked_by;      // expense: the staff handle of who booked it (may not approve it)
  // expense (its receipts), expense.receipt, expense.confirm (its evidence): the plain SHA-256
  // of each file the record's commitments commit to, in their order. The database keys files by
  // it (who may read a file, no receipt attached twice); the log never carries it.
  std::vector<std::string> files;
  std::optional<BankLine> bank_line;  // donation booked by an import: its line, stored with it
};

}  // namespace amanat::books
