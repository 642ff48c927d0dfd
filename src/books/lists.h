// The staff's lists of the books' records: donations, expenses, transfers and statement imports,
// newest first, a page at a time, with filters (the screens of the web app read them through the
// API; ReportStore reads them).
//
// A page is the records numbered below `before` (all of them without it), newest (highest record
// number) first, at most `limit` of them; `next`, when another page follows, is the `before` of
// that page. Paging by record number rather than by offset returns every record exactly once
// while new ones are booked.
//
// What a list shows is what the staff's screens need, never an identity: no donor pseudonym,
// receipt commitment, bank reference (nor its tag) or payee.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "books/model.h"

namespace amanat::books {

// What to list. Each list reads the filters it knows and ignores the rest:
//   donations: fund, from, to, channel;  expenses: fund, from, to, waiting;
//   transfers: fund, from, to;           imports: none.
struct ListQuery {
  std::optional<std::string> fund;      // donations: to it; expenses: a split to it; transfers: from or to it
  std::optional<std::string> from, to;  // the record's date, YYYY-MM-DD, inclusive
  std::optional<Channel> channel;
  bool waiting = false;                 // only live expenses with fewer than two approvals
  std::optional<std::uint64_t> before;  // records numbered below this (imports: ids)
  std::size_t limit = 50;
};

template <class Item>
struct Page {
  std::vector<Item> items;            // newest first
  std::optional<std::uint64_t> next;  // pass as `before` for the next page; none: the last
};

struct DonationItem {
  std::uint64_t record = 0;
  std::string date, fund;
  Money amount;         // as given, in the currency it came in
  Channel channel = Channel::other;
  std::string account;  // the money account, e.g. Bank:Main
  std::optional<std::uint64_t> reversed_by;
};

struct ExpenseItem {
  std::uint64_t record = 0;
  std::string date;
  Money amount;
  Category category = Category::other;
  std::string account, memo;
  std::string booked_by;                // the staff handle of who booked it, or empty
  std::vector<std::string> approvals;   // handles, in order
  std::vector<std::string> receipts;    // hex SHA-256 of each receipt file
  bool lawyer = false, survivor = false;  // confirmed by the case's lawyer, by the survivor
  std::vector<Split> splits;            // in the expense's currency, by fund
  std::optional<std::uint64_t> reversed_by;
};

struct TransferItem {
  std::uint64_t record = 0;
  std::string date, from, to;
  Money amount;     // out of `from`, in its currency
  Money to_amount;  // into `to`, in its currency
  std::string reason;
  std::optional<std::uint64_t> reversed_by;
};

struct ImportItem {
  std::uint64_t id = 0;
  std::string sha256;  // of the file
  std::string format;  // e.g. camt.053.001.08, csv
  std::uint64_t lines = 0;
  std::string time;    // when it was imported
};

}  // namespace amanat::books
