// What a record does to the books: its journal postings and its effect on each fund.
//
// book() is the one definition of a record's accounting, used when the record is written (the
// postings table and the maintained fund totals) and again by `amanat audit`, which recomputes
// every fund from the public log alone. Both paths must agree to the minor unit, so there is
// exactly one function.
//
// Conversions: a record in currency X touching a fund held in Y != X converts at the record's
// rates[Y]; its value in the organisation's currency O comes from rates[O] (or is the amount
// itself when X == O). Each conversion is rounded once, half to even (core/money.h). A rate the
// record needs but lacks, or one it states but does not need, is an Errc::invalid error naming
// it, so that no leaf carries a number nobody used.
//
// Thread-safety: pure function.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "books/journal.h"
#include "books/model.h"

namespace amanat::books {

enum class MoveKind { raised, spent, transfer_in, transfer_out };

// One record's effect on one fund. `amount` (fund currency) and `org` (organisation currency)
// are positive for an ordinary record and negative for its correction; the fund's balance
// changes by +amount for raised/transfer_in and by -amount for spent/transfer_out.
struct FundMove {
  std::string fund;
  MoveKind kind = MoveKind::raised;
  Money amount;
  std::int64_t org = 0;
  Category category = Category::other;  // for spent
  int donations = 0;                    // +1 for a donation, -1 for its correction
  friend bool operator==(const FundMove&, const FundMove&) = default;
};

struct Booking {
  // id, date and postings (none for records that move no money); book() leaves the narration
  // and metadata to the exporter, which names transactions from the stored records.
  Transaction txn;
  std::vector<FundMove> moves;
};

// The balance change a move makes to its fund.
inline std::int64_t balance_delta(const FundMove& m) {
  return (m.kind == MoveKind::raised || m.kind == MoveKind::transfer_in) ? m.amount.minor : -m.amount.minor;
}

// Returns a fund's currency, or nullopt if no such fund exists.
using FundCurrency = std::function<std::optional<Currency>(std::string_view fund)>;

// Books record `id`. For a Correction, `reversed` must be the booking of the record it
// reverses (the result is its exact negation, dated and described as the correction).
// Errc::not_found for a fund that does not exist; Errc::invalid for missing or unused rates
// and conversions that overflow.
// `postings` false leaves txn.postings empty: the auditor needs only the fund moves.
Result<Booking> book(std::uint64_t id, const Record& r, Currency org, const FundCurrency& funds,
                     const Booking* reversed = nullptr, bool postings = true);
// book() into `out`, whose storage is reused (the auditor books a million records in a row);
// on an error `out` holds nothing useful.
Status book_into(Booking& out, std::uint64_t id, const Record& r, Currency org, const FundCurrency& funds,
                 const Booking* reversed = nullptr, bool postings = true);

// Account names of the chart of accounts (journal.h).
std::string income_account(std::string_view fund);
std::string expense_account(std::string_view fund, Category c);
std::string transfer_account(std::string_view fund);
std::string asset_account(std::string_view money_account);

}  // namespace amanat::books
