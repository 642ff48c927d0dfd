// SWIFT MT940 (customer statement) and MT942 (interim transaction report) reader: the text
// statements that banks across Central Asia, the CIS and much of Europe still send.
//
// Contract (see statement.h for what all importers share):
//  - The file: one or more messages, each a run of fields ":TAG:value" (a field goes on over
//    the following lines that do not start a new field). Around them, whatever banks put there
//    is skipped: SWIFT blocks "{1:...}{2:...}{4:" and "-}", a bare "-" ending a message, and
//    lines outside a message (ABN AMRO's "ABNANL2A" / "940"). Lines end with CRLF, LF or CR.
//    Tags not listed here (":NS:", ":28C:", ":62F:", ":90D:"...) are skipped.
//  - :25: the account, as written (an IBAN compacted and upper-cased, see statement.h; a
//    currency code after it, "51210600/9223382012EUR" or "NL..  EUR", is dropped).
//  - The currency: that of :60F: or :60M: (the opening balance), or in an MT942 of :34F:
//    (the floor limit), whichever of the message comes first; lines before it are refused.
//  - :61: one StatementLine each: value date YYMMDD, optional entry date MMDD (the booking
//    date; its year is the value date's, or the one before or after when the two lie more than
//    six months apart across a new year), the mark C (credit, > 0), D (debit, < 0), RC
//    (reversal of a credit: money out) or RD (reversal of a debit: money in), an optional funds
//    code letter, the amount with a decimal comma ("1234,56", "1234,", "00,12"; or, as some
//    banks write whole amounts, none: "500"), exact in the currency (else refused), a
//    four-character transaction type, the customer reference and after "//" the bank's
//    reference. YY is 20YY, or 19YY for 80-99. With an entry date, the value date need only
//    have a day 01-31 (German banks date year-end postings 30 February). A line of amount zero
//    (a notice) moves no money and gives no StatementLine.
//  - bank_ref: the bank's reference, else the customer reference; "NONREF" and a reference that
//    is an IBAN (some banks put the counterparty's account there) count as empty.
//  - text: the :86: that follows the :61:, its lines joined with ' '; in the German structured
//    form ("166?00GUTSCHRIFT?20...") the purpose subfields ?20-?29 and ?60-?63 joined as written.
//    Without :86:, the :61:'s supplementary line. Bytes that are not UTF-8 become U+FFFD (the
//    SWIFT character set is ASCII; some banks write their national letters in a code page).
//  - counterparty: from :86: — the German ?31 (account), or the Dutch "/CNTP/<account>/" or
//    "/IBAN/<account>/"; else empty.
//  - Statement::format: "mt942" when a message has :34F: or :13D:, else "mt940".
//
// Failures (Errc::invalid, "line N: <tag>: <reason>", N the line where the field starts):
//  - no :61: line and no :20:/:25: at all: not an MT940 file ("line 1: file: ...");
//  - a :61: before the message's :25: or currency, or whose date, mark, amount or type cannot
//    be read; an amount that is not exact in the currency; an unknown currency;
//  - a line over 64 KiB or a field over 1 MiB (limits no real statement comes near).
//
// Thread-safety: no shared state; concurrent calls on different streams are fine.
#pragma once

#include <filesystem>
#include <istream>

#include "books/import/statement.h"
#include "core/error.h"
#include "core/progress.h"

namespace amanat::books::import {

// Reads MT940/MT942 messages from `in` until its end; `progress` gets the bytes read so far.
Result<Statement> parse_mt940(std::istream& in, Progress* progress = nullptr);

// The same for a file; sets progress's total to the file size. A file that cannot be opened
// or read is Errc::not_found or Errc::unavailable (the message names the path).
Result<Statement> parse_mt940_file(const std::filesystem::path& path, Progress* progress = nullptr);

}  // namespace amanat::books::import
