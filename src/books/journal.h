// The double-entry journal: what every book record (donation, expense, transfer, correction)
// posts to the chart of accounts, and the account names shared by amanat's own reports and by
// the ledger/hledger/beancount exports.
//
// A Transaction is one record's postings. Amounts are signed: positive is a debit, negative a
// credit, so every transaction sums to zero per currency (after `cost`, see Posting). Corrections
// never edit a transaction: they add a reversing one.
//
// Chart of accounts (every name is valid for ledger, hledger and beancount: five roots,
// components that start with an upper-case letter or digit and hold letters, digits and '-'):
//   Assets:<Money account>                     bank accounts, cash, card acquirer, mobile wallet
//                                              e.g. Assets:Bank:Main, Assets:Cash
//   Income:Restricted:<APPEAL>:Donations       donations to an appeal (a restricted fund)
//   Income:Unrestricted:Donations              donations to the general fund
//   Expenses:Restricted:<APPEAL>:<Category>    spending charged to an appeal
//   Expenses:Unrestricted:<Category>           spending charged to the general fund
//   Equity:Transfers:Restricted:<APPEAL>       money moved into (credit) or out of (debit) a fund
//   Equity:Transfers:Unrestricted
// A fund's balance is minus the sum of its Income, Expenses and Equity:Transfers accounts; the
// restricted net assets are the sum over appeals, the unrestricted ones the general fund's.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/money.h"

namespace amanat::books {

struct Posting {
  std::string account;
  Money amount;               // debit > 0, credit < 0; never zero
  // When the posting's currency is not the fund's (a USD donation to a KZT appeal), the total
  // this posting is worth in the fund's currency at the rate the record states: it is what
  // balances the transaction (ledger and hledger write it as "@@", beancount as "@@" too).
  std::optional<Money> cost;
  friend bool operator==(const Posting&, const Posting&) = default;
};

struct Transaction {
  std::uint64_t id = 0;       // the record's leaf index on the organisation's log
  std::string date;           // YYYY-MM-DD, the record's own date (value date)
  std::string narration;      // public text only: never a donor's or survivor's identity
  // Metadata carried into the exports as tags/metadata: ("leaf", "123"), ("type", "donation"),
  // ("reverses", "45") ... keys are lower-case [a-z][a-z0-9-]*, values printable, no newline.
  std::vector<std::pair<std::string, std::string>> meta;
  std::vector<Posting> postings;
  friend bool operator==(const Transaction&, const Transaction&) = default;
};

}  // namespace amanat::books
