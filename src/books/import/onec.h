// 1C client-bank exchange files ("1CClientBankExchange"): the text file that every bank in
// Kazakhstan and Russia exports for accounting software, as the 1C standard defines it and as
// Kazakh banks extend it (Kaspi, Halyk, BCC and Jusan write the same sections with other keys).
//
// Contract (see statement.h for what all importers share):
//  - Encoding, from the bytes: a UTF-8 byte order mark, or the first line that is not ASCII
//    is valid UTF-8: UTF-8; else Windows-1251, or DOS (CP866) when that is what makes the line
//    a 1C key. The file's own "Кодировка=" is not trusted (banks write "Windows" on UTF-8
//    files). Lines end with CRLF, LF or CR; keys are matched without regard to case ("РАСЧСЧЕТ"
//    as Halyk writes them), values are trimmed.
//  - Structure: "1CClientBankExchange" on the first line; header keys; sections
//    "СекцияРасчСчет" ... "КонецРасчСчет" and "СекцияДокумент=<kind>" ... "КонецДокумента";
//    "КонецФайла" at the end (required: without it the file may be cut short). A statement
//    has an account section before its documents (a file of payment orders that accounting
//    software sends to the bank has none, and is refused: its documents are not movements of
//    money yet). The statement's own accounts are every РасчСчет of the header and of the
//    account sections.
//  - One StatementLine per document, at the line of its СекцияДокумент, on the own account it
//    concerns:
//    - direction: СуммаПриход (money in) or СуммаРасход (money out), as Kazakh banks write
//      them; else Сумма, money out when the payer's account (ПлательщикСчет, ПлательщикРасчСчет
//      or ПлательщикИИК) is an own account and money in when the payee's (ПолучательСчет,
//      ПолучательРасчСчет or ПолучательИИК) is. A transfer between two own accounts of the file
//      gives two lines, one on each. When neither side is an own account as written and the
//      file has one own account, the bank's dates decide: only ДатаСписано (debited) is money
//      out, only ДатаПоступило (credited) money in. Otherwise the document is refused.
//    - amount: digits with '.' or ',' as decimal separator, exact in the currency; a zero
//      document moves no money and gives no line.
//    - currency: Валюта (ISO 4217 code, letters or digits) of the document, else of its account
//      section or the header; else told by the own account: a Russian account (20 digits)
//      carries the currency in digits 6-8 (810 is the rouble), a Kazakh IBAN (KZ...) is in
//      tenge (1C files of Kazakh banks are, unless they say Валюта).
//    - date: ДатаПоступило for money in, ДатаСписано for money out; else ДатаОперации, else
//      Дата or ДатаДокумента. DD.MM.YYYY, optionally followed by a time.
//    - bank_ref: Номер or НомерДокумента. counterparty: the other side's account.
//      text: НазначениеПлатежа and НазначениеПлатежа1..6, joined with ' '.
//  - Statement::format: "1c".
//
// Failures (Errc::invalid, "line N: <key>: <reason>"; N the line of the key, or of the
// СекцияДокумент when a key is missing): not a 1C file; a file of payment orders (no account
// section); a section not closed, or the file without КонецФайла; a document without amount, or with one that is not a decimal or not
// exact; an unknown currency or none to be found; a date that is not a real DD.MM.YYYY date; a
// document of no own account, or a file with no own account (РасчСчет) at all; a line over
// 64 KiB or a document of more than 1000 keys.
//
// Thread-safety: no shared state; concurrent calls on different streams are fine.
#pragma once

#include <filesystem>
#include <istream>

#include "books/import/statement.h"
#include "core/error.h"
#include "core/progress.h"

namespace amanat::books::import {

// Reads a 1C client-bank exchange file from `in`; `progress` gets the bytes read so far.
Result<Statement> parse_1c(std::istream& in, Progress* progress = nullptr);

// The same for a file; sets progress's total to the file size. A file that cannot be opened
// or read is Errc::not_found or Errc::unavailable (the message names the path).
Result<Statement> parse_1c_file(const std::filesystem::path& path, Progress* progress = nullptr);

}  // namespace amanat::books::import
