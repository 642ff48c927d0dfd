// Streaming exporters of the journal to the plain-text accounting formats, so that anyone can
// check amanat's books with tools amanat's authors did not write:
//   - LedgerWriter: the ledger format, read with the same balances by ledger 3.3 and hledger 1.25;
//   - BeancountWriter: the beancount 2 format, which also passes bean-check.
//
// Use: begin(header) once, write(tx) for each transaction in any order, then finish(). Exports
// hold millions of transactions, so nothing is kept per transaction: each one is checked,
// formatted into a 64 KiB buffer and the buffer is written to the stream when it fills up and at
// finish(). The header must therefore name, up front, every account (with the date of its first
// use: beancount needs an `open` directive on or before it) and every currency the transactions
// will use.
//
// What write() checks, because a file that one of the tools rejects or reads differently is a
// failed export, and a transaction that does not balance must never reach an auditor's tool
// looking as if amanat had accepted it (every refusal is Errc::invalid and names the
// transaction id, and nothing of that transaction is written):
//   - the date is a real calendar date spelt YYYY-MM-DD;
//   - there is at least one posting; every posting's account was declared in the header and
//     first used on or before the date; its amount is not zero and in a declared currency;
//   - a cost is in a declared currency other than the amount's, not zero, and has the amount's
//     sign (both formats write it as an unsigned total after "@@" and take the sign from the
//     amount);
//   - the transaction balances: per currency, the sum of the postings' weights (the cost where
//     there is one, else the amount) is zero, to the minor unit;
//   - the narration and the metadata values are valid UTF-8; metadata keys are
//     [a-z][a-z0-9-]* and values hold no control characters (journal.h's contract).
// A refused transaction leaves the writer usable: the caller may log it and go on.
//
// How text is made safe (it must not change how the tools read the file, and both formats must
// say the same thing):
//   - narration: every run of ASCII control characters and spaces (newlines, tabs) becomes one
//     space and the ends are trimmed, in both formats. In the ledger format ';' becomes ','
//     (hledger ends the description at any ';', ledger at " ;", and neither has an escape),
//     and the transaction id is written as the transaction code "(id)" so that a narration
//     starting with '(' or '*' cannot be read as a code or a status mark. In the beancount
//     format '"' and '\' are escaped with a backslash.
//   - metadata: ledger "    ; key: value" lines (ledger metadata and hledger tags alike);
//     beancount `  key: "value"` lines. Beancount keys need at least two characters and
//     "filename" and "lineno" would overwrite the location beancount records, so those keys
//     get a '_' appended ("x" -> "x_", "lineno" -> "lineno_"); our keys never contain '_', so
//     the mapping is one-to-one.
//   - beancount tolerance: `option "inferred_tolerance_default"` of half a minor unit for every
//     declared currency ("JPY:0.5", "KZT:0.005"). Beancount infers no tolerance at all for
//     amounts without decimals, and turns "@@ total" into a 28-digit per-unit price, so a yen
//     transaction at a cost would fail by 1e-21 JPY; half a minor unit cannot hide a real
//     imbalance, which is at least one minor unit (and write() has checked it exactly anyway).
//   - organisation name: cleaned like a narration, written as a comment (and, in beancount, as
//     the "title" option).
//
// Other failures: calling begin/write/finish out of order is Errc::internal (a bug in the
// caller); a header with an invalid account name, date or duplicate is Errc::invalid; a stream
// that fails is Errc::unavailable, and stays failed (every later call returns the same error).
//
// Thread-safety: a writer is used by one thread at a time; distinct writers are independent.
#pragma once

#include <bitset>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "books/journal.h"
#include "core/error.h"
#include "core/money.h"

namespace amanat::books::exporter {

// An account of the chart (journal.h) and the date of its first posting, YYYY-MM-DD.
struct AccountUse {
  std::string account;
  std::string first_used;
  friend bool operator==(const AccountUse&, const AccountUse&) = default;
};

struct JournalHeader {
  std::string organisation;           // the books' owner, e.g. "Koldau Foundation"
  Currency operating_currency;        // the currency the organisation reports in
  std::vector<AccountUse> accounts;   // every account the transactions will post to
  // Every currency the transactions' amounts and costs will use. The operating currency is
  // always declared, whether listed here or not.
  std::vector<Currency> currencies;
};

// The checks and buffering shared by both formats; the subclasses only spell things.
class JournalWriter {
 public:
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;
  virtual ~JournalWriter();

  // Checks the header and writes the format's preamble (options, commodity and account
  // declarations). Call once, first.
  Status begin(const JournalHeader& header);
  // Checks one transaction (see the top of this file) and writes it.
  Status write(const Transaction& tx);
  // Writes out what is buffered and flushes the stream. Call once, last; the file is complete
  // only when this returned success.
  Status finish();

  // Transactions written so far (refused ones are not counted).
  std::uint64_t written() const { return written_; }

 protected:
  JournalWriter(std::ostream& out, std::string_view format_name);

  // Append the preamble / one checked transaction to `buf`. `narration` is already cleaned
  // of control characters and outer spaces (format-specific escaping is left to the subclass).
  virtual void emit_header(const JournalHeader& header, std::string& buf) = 0;
  virtual void emit_transaction(const Transaction& tx, std::string_view narration,
                                std::string& buf) = 0;

  // The declared currencies, in code order (the operating currency included).
  const std::vector<Currency>& declared_currencies() const { return currency_list_; }
  // The earliest first-use date of any account ("1970-01-01" when none is declared).
  const std::string& earliest_date() const { return earliest_; }

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept;
  };
  Status check(const Transaction& tx);
  Status flush_buffer();

  enum class State { fresh, open, finished };

  std::ostream& out_;
  std::string format_name_;
  State state_ = State::fresh;
  Status io_status_;                 // sticky: the first stream failure
  std::string buf_;
  std::string narration_;            // scratch space, reused to avoid allocations
  std::uint64_t written_ = 0;
  // account name -> first-use date
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> accounts_;
  std::bitset<1000> currencies_;     // by ISO 4217 numeric code
  std::vector<Currency> currency_list_;
  std::string earliest_;
};

// ledger 3 / hledger format. See the top of this file for what is written and why.
class LedgerWriter final : public JournalWriter {
 public:
  explicit LedgerWriter(std::ostream& out);

 private:
  void emit_header(const JournalHeader& header, std::string& buf) override;
  void emit_transaction(const Transaction& tx, std::string_view narration,
                        std::string& buf) override;
};

// beancount 2 format. See the top of this file for what is written and why.
class BeancountWriter final : public JournalWriter {
 public:
  explicit BeancountWriter(std::ostream& out);

 private:
  void emit_header(const JournalHeader& header, std::string& buf) override;
  void emit_transaction(const Transaction& tx, std::string_view narration,
                        std::string& buf) override;
};

// Checks an account name against the chart's rules (journal.h): a root among Assets,
// Liabilities, Equity, Income, Expenses, then at least one more component; every component
// starts with an upper-case ASCII letter or a digit and holds only ASCII letters, digits and
// '-'. Errc::invalid saying which rule is broken. (beancount refuses a bare root such as
// "Assets", so the writers do too.)
Status check_account_name(std::string_view account);

// True for a real calendar date spelt YYYY-MM-DD (years 0001 to 9999).
bool is_iso_date(std::string_view date);

}  // namespace amanat::books::exporter
