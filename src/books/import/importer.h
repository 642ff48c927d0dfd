// Books a parsed bank statement (camt053.h, mt940.h, onec.h, csv.h): money in becomes donations, money out is
// kept for reconciliation with the expenses.
//
//  - Each line gets a key: a keyed hash (the books key's pseudonym key) of the statement
//    account, date, amount, currency, bank reference, counterparty and the line's occurrence
//    number among identical lines of the same file. A line whose key is already known (the same
//    file imported twice, or two overlapping statements) books nothing: importing is
//    idempotent. The key reveals nothing of the counterparty without the books key. This check
//    is what keeps keys unique: every stored key is read once before the first line is booked,
//    and the store keeps lines in arrival order with no index on the key (an index on a keyed
//    hash costs a random page per line). Only the process holding the data directory's lock
//    imports, one import at a time.
//  - Money in: if a live donation with the same bank reference and amount was booked by hand
//    (`donation add --bank-ref`) and no line is matched to it yet, the line is matched to it;
//    otherwise the line is booked as a donation (channel from the options, default bank) to the
//    open appeal whose code appears in the payment text, else to the general fund. The donor
//    pseudonym comes from the counterparty's account; the text itself is not kept. The line is
//    stored in the same transaction as its donation.
//  - Money out: stored, then matched to expenses (by bank reference, else by amount and date).
//
// Whole-file semantics: the parsers refuse a file with any bad line, and the importer checks that
// every line can be booked (currencies and rates) before anything is booked.
// If booking stops part-way (a full disk), the lines booked so far stay booked and importing
// the same file again books the rest. Large files show progress.
//
// Thread-safety: one import per Books at a time.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "books/import/camt053.h"
#include "books/import/csv.h"
#include "books/import/statement.h"
#include "books/service.h"
#include "books/store.h"
#include "core/progress.h"
#include "crypto/keyring.h"

namespace amanat::books::import {

struct ImportOptions {
  std::string money_account = "Bank:Main";  // Assets account the statement's money is in
  Channel channel = Channel::bank;
  std::string file_sha256;                  // of the imported file, for the imports table
  // For money in another currency than the fund it goes to: how much one unit of that currency
  // is worth in the organisation's currency ("USD" -> 450.25). A line that needs a rate not
  // given here fails the whole import before anything is booked.
  std::map<std::string, Rate> rates;
};

struct ImportResult {
  std::uint64_t lines = 0;
  std::uint64_t booked = 0;            // new donations
  std::uint64_t matched_donations = 0; // money in matched to donations booked by hand
  std::uint64_t known = 0;             // lines seen in an earlier import: nothing booked
  std::uint64_t money_out = 0;         // debit lines stored for reconciliation
  std::uint64_t matched_expenses = 0;  // debit lines matched to expenses (this import and earlier)
  std::uint64_t import_id = 0;
};

Result<ImportResult> import_statement(Books& books, BankStore& store, const crypto::Keyring& keys,
                                      const Statement& statement, const ImportOptions& options,
                                      Progress* progress = nullptr);

// The statement formats `amanat import` and POST /statements offer, chosen by name (docs/
// statements.md lists them with what each field maps to):
//   camt       ISO 20022 XML, camt.052, camt.053 or camt.054 as the document says (camt053.h);
//   camt053, camt052, camt054   the same, refusing the other two messages;
//   mt940      SWIFT MT940 or MT942 (mt940.h; "mt942" is the same choice);
//   1c         1C client-bank exchange (onec.h);
//   csv        CSV with its column mapping, as parse_csv_mapping reads it (csv.h).
// Only csv takes (and requires) a mapping. One choice for both front ends, so they accept and
// refuse the same options.
enum class StatementKind { camt, mt940, onec, csv };
struct StatementFormat {
  StatementKind kind = StatementKind::camt;
  CamtMessage camt = CamtMessage::any;  // for kind camt: which message is accepted
  std::optional<CsvMapping> csv;        // for kind csv: its mapping
};
// Errc::invalid naming the option (`prefix` + "format" or "map": "--" for the CLI, "" for the
// API) for an unknown format, a missing or malformed CSV mapping, or a mapping given for
// another format.
Result<StatementFormat> choose_statement_format(std::string_view format, std::string_view map,
                                                std::string_view prefix);
// Reads a statement in the chosen format; the parsers' errors (with line numbers).
Result<Statement> parse_statement(std::istream& in, const StatementFormat& format, Progress* progress = nullptr);
// The same for a file, read with its size as progress's total.
Result<Statement> parse_statement_file(const std::filesystem::path& file, const StatementFormat& format,
                                       Progress* progress = nullptr);

}  // namespace amanat::books::import
