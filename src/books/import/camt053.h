// ISO 20022 cash-management reader: camt.053 (BankToCustomerStatement, the end-of-day
// statement), camt.052 (BankToCustomerAccountReport, intraday) and camt.054
// (BankToCustomerDebitCreditNotification), every message version .001.01 to .001.99. The three
// messages share their entries (ReportEntry) and the elements read here have kept their names
// and meaning across versions; tested with .02, .03, .04, .06, .08 and .11 samples.
//
// Contract (see statement.h for what all importers share):
//  - Streaming: the document is read with expat, a SAX parser, in 1 MiB chunks; memory besides
//    the result vector is bounded by the largest single entry, so a 1 GB file with a million
//    entries is fine.
//  - The Document: in its message's namespace (urn:iso:std:iso:20022:tech:xsd:camt.05N.001.NN,
//    with or without a prefix), or in no namespace at all (the message is then known by the
//    Document's first child, and Statement::format has no version: "camt.053"). It may be the
//    root element or sit inside any envelope (SWIFT's, with a business application header
//    beside it): everything outside the Document is ignored.
//  - One StatementLine per booked <Ntry> of every Stmt (camt.053), Rpt (camt.052) or Ntfctn
//    (camt.054), with that part's account (Acct/Id/IBAN or Othr/Id; in .001.01 also BBAN, UPIC
//    or PrtryAcct/Id; the same choices for the counterparty's). Status (Sts, either "BOOK"
//    as up to .03 or <Cd>BOOK</Cd> from .04 on): BOOK is booked; PDNG, INFO and FUTR entries are
//    skipped without further checks (they are not, or not yet, movements of money); any other
//    status is an error. An intraday camt.052 and the day's camt.053 list the same booked
//    entries: importing both books each once (importer.h keys lines by their content).
//  - Amount: Ntry/Amt with its Ccy attribute, in any xs:decimal spelling ("+1.5", "01.00",
//    ".05", "8.850") whose value is exact in the currency's minor unit (core/money.h: never
//    rounded); a negative or zero amount is refused. The sign comes from Ntry/CdtDbtInd:
//    CRDT > 0, DBIT < 0.
//  - Date: Ntry/BookgDt/Dt, or the date part of Ntry/BookgDt/DtTm (as written, in the offset
//    the bank wrote it in); for an entry without BookgDt, ValDt the same way.
//  - Batch bookings: an entry with several NtryDtls/TxDtls, each carrying its own amount
//    (TxDtls/AmtDtls/TxAmt/Amt, else TxDtls/Amt) in the entry's currency, gives one line per
//    TxDtls when the parts add up to the entry: signed by each TxDtls's CdtDbtInd (the entry's
//    if it has none), or, when they add up only so, all with the entry's sign (some banks write
//    the parts' indicators from the payer's side). Otherwise the entry is one line: its Amt and
//    CdtDbtInd are what the bank booked, so a batch whose parts do not add up, or whose part
//    amounts are missing, unreadable or in another currency, is never refused for that.
//  - bank_ref: AcctSvcrRef, else NtryRef, else TxDtls/Refs/AcctSvcrRef, else EndToEndId (for
//    a batch line, its own TxDtls/Refs/AcctSvcrRef comes first). "NOTPROVIDED" counts as empty.
//  - counterparty: TxDtls/RltdPties/DbtrAcct for credits, CdtrAcct for debits (Id/IBAN or
//    Id/Othr/Id). For a one-line entry with several TxDtls it is set only if they all agree.
//  - text: every TxDtls/RmtInf/Ustrd of the line, joined with ' '.
//
// Failures (Errc::invalid, "line N: <element path>: <reason>"; N is the line of the offending
// element, or of the <Ntry> start tag when an element is missing):
//  - not a camt document: no Document element, a Document in a namespace other than a
//    camt.052/053/054.001.NN one, or without any of the three message elements; a message other
//    than the one asked for (parse_camt's `expect`), with a hint to choose the format "camt";
//  - a DOCTYPE (and with it any entity declaration): refused outright, so no entity expansion
//    or external entity can ever be reached (XXE, "billion laughs");
//  - malformed XML (expat's reason, line and column): a well-formedness error is reported where
//    expat stops, even if an entry before it on earlier lines would also have been refused;
//  - a booked entry without Amt, Ccy, CdtDbtInd or Sts, or without both BookgDt and ValDt; an
//    unknown currency; an amount that is not an xs:decimal, is negative, zero or not exact in
//    its currency; a date that is not a real calendar date; an entry before its account;
//  - a single value over 4096 bytes, remittance text over 64 KiB per line, nesting deeper
//    than 256 elements, more than 100000 TxDtls in one entry (limits that no real statement
//    comes near, and that bound memory).
//
// Thread-safety: no shared state; concurrent calls on different streams are fine.
#pragma once

#include <filesystem>
#include <istream>

#include "books/import/statement.h"
#include "core/error.h"
#include "core/progress.h"

namespace amanat::books::import {

// Which message parse_camt accepts: any of the three, or only one.
enum class CamtMessage { any, report /* camt.052 */, statement /* camt.053 */, notification /* camt.054 */ };

// Reads a camt document from `in` until its end. `progress`, if given, is updated with the
// number of bytes read so far.
Result<Statement> parse_camt(std::istream& in, CamtMessage expect, Progress* progress = nullptr);
// parse_camt(in, CamtMessage::statement, progress).
Result<Statement> parse_camt053(std::istream& in, Progress* progress = nullptr);

// The same for a file; sets progress's total to the file size. A file that cannot be opened
// or read is Errc::not_found or Errc::unavailable (the message names the path).
Result<Statement> parse_camt_file(const std::filesystem::path& path, CamtMessage expect,
                                  Progress* progress = nullptr);
Result<Statement> parse_camt053_file(const std::filesystem::path& path,
                                     Progress* progress = nullptr);

}  // namespace amanat::books::import
