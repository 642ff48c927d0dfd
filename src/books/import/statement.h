// Bank statements as the importers hand them to the books: one StatementLine per booked
// movement of money on one of the organisation's own accounts.
//
// Contract shared by every parser in this folder (camt053.h, csv.h):
//  - Whole-file semantics. A statement is booked all or nothing: if any entry is bad, the
//    parser returns the error of the FIRST bad entry (in file order) and no lines at all, so
//    that a half-imported file can never leave the books short of the entries after a typo.
//  - Every failure is Errc::invalid (Errc::not_found / unavailable only for the file-path
//    convenience functions), with a message "line N: <field>: <reason>", where N is the
//    1-based physical line of the file and <field> names the element or mapping key. Amounts,
//    dates, currency codes and references may be quoted in messages; counterparty and text
//    values never are, because donors' account numbers and the names they write into the
//    payment purpose must not reach logs or terminals. As a second net, a value is quoted at
//    all only when it is short printable ASCII that does not read as words (see
//    detail::describe in fields.h): a shifted column that put a name into the amount field
//    is reported as "the value (not shown ...)".
//  - Amounts are exact (core/money.h): never floating point, never rounded; a value with more
//    decimals than its currency's minor unit is an error.
//
// Thread-safety: the types are plain values; the parsers keep no shared state and may run
// concurrently on different inputs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/money.h"

namespace amanat::books::import {

struct StatementLine {
  // 1-based line number in the file where this entry starts: the CSV row (counting the header
  // and every physical line, also those inside quoted fields); for camt.053 the line of the
  // <Ntry> start tag (shared by the lines of one batch entry).
  std::uint64_t line = 0;
  // The statement's own account: the IBAN (or Othr/Id) from camt <Stmt><Acct><Id>, or the
  // name the CSV mapping gives.
  std::string account;
  // YYYY-MM-DD, validated as a real calendar date (years 1900-2999).
  std::string booking_date;
  // > 0 credit (money in), < 0 debit (money out); never 0.
  Money amount;
  // The bank's reference for the entry (camt: AcctSvcrRef, else NtryRef, else EndToEndId;
  // CSV: the `ref` column). May be empty. Not unique in general: the lines of one camt batch
  // entry share the entry's reference unless each TxDtls carries its own AcctSvcrRef.
  std::string bank_ref;
  // IDENTIFYING. The other party's account (camt: for a credit RltdPties/DbtrAcct, for a debit
  // RltdPties/CdtrAcct; Id/IBAN or Id/Othr/Id). An IBAN is compacted and upper-cased ("kz86
  // 125k..." -> "KZ86125K...") so that one account always has one spelling. The caller only
  // feeds it to a keyed hash: never print it, log it or put it in an error message.
  std::string counterparty;
  // MAY BE IDENTIFYING (donors write their names into the payment purpose): camt RmtInf/Ustrd
  // joined with ' ', or the CSV `text` column. Never print it in errors either.
  std::string text;

  friend bool operator==(const StatementLine&, const StatementLine&) = default;
};

struct Statement {
  // What was read: "camt.053.001.08" (the document's message version) or "csv".
  std::string format;
  std::vector<StatementLine> lines;
};

}  // namespace amanat::books::import
