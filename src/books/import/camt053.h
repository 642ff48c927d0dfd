// ISO 20022 camt.053 (BankToCustomerStatement) reader: the statement format European, Central
// Asian and many other banks export, in every message version camt.053.001.NN (tested with .02,
// .04 and .08; the elements read here have not changed across versions).
//
// Contract (see statement.h for what all importers share):
//  - Streaming: the document is read with expat, a SAX parser, in 1 MiB chunks; memory besides
//    the result vector is bounded by the largest single entry, so a 1 GB file with a million
//    entries is fine. The camt Document may be the root element or sit inside an envelope.
//  - One StatementLine per booked <Ntry> of every <Stmt>, with the statement's account
//    (Stmt/Acct/Id/IBAN or Othr/Id). Status (Sts, either "BOOK" or <Cd>BOOK</Cd>): BOOK is
//    booked; PDNG, INFO and FUTR entries are skipped without further checks (they are not, or
//    not yet, movements of money); any other status is an error.
//  - Amount: Ntry/Amt with its Ccy attribute, a plain decimal with '.' and at most the
//    currency's minor-unit decimals (core/money.h parse_money: no sign, no exponent, no
//    rounding); zero is refused. The sign comes from Ntry/CdtDbtInd: CRDT > 0, DBIT < 0.
//  - Date: Ntry/BookgDt/Dt, or the date part of Ntry/BookgDt/DtTm (as written, in the offset
//    the bank wrote it in).
//  - Batch bookings: an entry with several NtryDtls/TxDtls, each carrying its own amount
//    (TxDtls/AmtDtls/TxAmt/Amt, else TxDtls/Amt), gives one line per TxDtls, signed by the
//    TxDtls's CdtDbtInd if it has one, else the entry's. Their signed sum must equal the
//    entry's amount in the entry's currency, else the file is refused: booking the parts of
//    a batch that does not add up would misstate the account. Otherwise the entry is one line.
//  - bank_ref: AcctSvcrRef, else NtryRef, else TxDtls/Refs/AcctSvcrRef, else EndToEndId (for
//    a batch line, its own TxDtls/Refs/AcctSvcrRef comes first). "NOTPROVIDED" counts as empty.
//  - counterparty: TxDtls/RltdPties/DbtrAcct for credits, CdtrAcct for debits (Id/IBAN or
//    Id/Othr/Id). For a one-line entry with several TxDtls it is set only if they all agree.
//  - text: every TxDtls/RmtInf/Ustrd of the line, joined with ' '.
//
// Failures (Errc::invalid, "line N: <element path>: <reason>"; N is the line of the offending
// element, or of the <Ntry> start tag when an element is missing):
//  - not a camt.053 document: no Document element, or a Document in another namespace, e.g.
//    camt.052 (account report) or camt.054 (debit/credit notification);
//  - a DOCTYPE (and with it any entity declaration): refused outright, so no entity expansion
//    or external entity can ever be reached (XXE, "billion laughs");
//  - malformed XML (expat's reason, line and column): a well-formedness error is reported where
//    expat stops, even if an entry before it on earlier lines would also have been refused;
//  - a booked entry without Amt, Ccy, CdtDbtInd, Sts or BookgDt; an unknown currency; an
//    amount that is not a plain decimal, has too many decimals, or is zero; a date that is not
//    a real calendar date; an entry before its statement's Acct; a batch that does not add up;
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

// Reads a camt.053 document from `in` until its end. `progress`, if given, is updated with the
// number of bytes read so far.
Result<Statement> parse_camt053(std::istream& in, Progress* progress = nullptr);

// The same for a file; sets progress's total to the file size. A file that cannot be opened
// or read is Errc::not_found or Errc::unavailable (the message names the path).
Result<Statement> parse_camt053_file(const std::filesystem::path& path,
                                     Progress* progress = nullptr);

}  // namespace amanat::books::import
