// Reports on the books: per appeal (per fund) and for the whole organisation, all time or for a
// period, as JSON or CSV.
//
// All-time figures come from totals the store maintains as records are written (no scan), so a
// report over millions of donations costs as much as one over ten. A period report (--from/--to,
// by the records' own dates) reads the records in that range and counts each record "as
// corrected": records that were later reversed, and the corrections themselves, are left out.
// Over all time the two agree.
//
// What a report shows is public: counts, sums, unique-donor counts (from keyed pseudonyms), no
// identity. Amounts are integer minor units in JSON and decimals in CSV.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "books/model.h"

namespace amanat::books {

struct FundReport {
  std::string fund;                 // appeal code or "general"
  std::string title;
  std::string case_code;
  bool restricted = true;
  bool open = true;
  Currency currency;
  std::int64_t target = 0;
  std::uint64_t donations = 0, donors = 0, expenses = 0;
  std::int64_t raised = 0, spent = 0, transfers_in = 0, transfers_out = 0, balance = 0;
  std::vector<std::pair<Category, std::int64_t>> spent_by_category;  // every category, in order
  std::int64_t spent_with_receipt = 0, spent_approved = 0;  // approved: by two different people
  // The same flows in the organisation's currency (equal to the above when the fund is held in it).
  std::int64_t raised_org = 0, spent_org = 0, in_org = 0, out_org = 0;
};

struct OrgStatement {
  std::int64_t income_restricted = 0, income_unrestricted = 0;
  std::vector<std::pair<Category, std::int64_t>> expenses_by_category;
  std::int64_t expenses_total = 0;
  std::int64_t restricted_net_assets = 0, unrestricted_net_assets = 0;
  std::uint64_t donations = 0, donors = 0;
};

struct Report {
  std::string organisation;
  Currency currency;                // the organisation's
  std::optional<std::string> from, to;  // the period, inclusive, when one was asked for
  std::uint64_t log_size = 0;       // records up to this log size are included
  std::vector<FundReport> funds;    // general first, then appeals by code
  OrgStatement org;
};

struct ReportQuery {
  std::optional<std::string> fund;  // one appeal (or "general") only
  std::optional<std::string> from, to;
};

// One appeal's (or the general fund's) public activity, for its page: money in and out per
// month, and its expenses a page at a time, newest first.
struct MonthFlows {
  std::string month;  // YYYY-MM
  std::int64_t raised = 0, spent = 0;  // in the fund's currency, as corrected
};
struct PublicExpense {
  std::uint64_t record = 0;  // the expense's leaf
  std::string date;
  Category category = Category::other;
  std::int64_t amount = 0;  // the part charged to this fund, in the fund's currency
  Currency currency;
  bool approved = false;    // by two different people
  std::vector<std::uint64_t> receipts;  // the records (leaves) that commit to its receipt files
};
struct FundActivity {
  std::uint64_t log_size = 0;
  std::vector<MonthFlows> months;        // oldest first; months with no money are left out
  std::vector<PublicExpense> expenses;   // newest first, live ones only
  std::optional<std::uint64_t> next;     // pass as `before` for the next page; none: the last
};
struct ActivityQuery {
  std::string fund;
  std::optional<std::uint64_t> before;  // expenses with a record number below this
  std::size_t limit = 50;
};

// One fund's figures as the report's JSON has them (the API's appeal page uses the same).
nlohmann::ordered_json fund_json(const FundReport& f);
std::string report_json(const Report& r);   // pretty-printed, stable key order
std::string report_csv(const Report& r);    // one row per fund, then an "organisation" row
// A short table for people at a terminal.
std::string report_text(const Report& r);

// One CSV text field (RFC 4180): quoted, with quotes doubled, when it holds a comma, quote or
// line end; a leading =, +, -, @, tab or CR is neutralised with an apostrophe (never pass a
// number through it: -5.00 would become text).
std::string csv_field(std::string_view s);

// The published form of the funds' figures (ReportPublished leaves and `amanat audit`).
FundTotals totals_of(const FundReport& f);

}  // namespace amanat::books
