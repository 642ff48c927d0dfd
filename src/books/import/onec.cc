#include "books/import/onec.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "books/import/charset.h"
#include "books/import/fields.h"

namespace amanat::books::import {

namespace {

using detail::describe;
using detail::fail_at;
using detail::trim;

constexpr std::size_t kMaxLine = std::size_t{64} << 10;
constexpr std::size_t kMaxKeys = 1000;

// Lower case for ASCII and the Russian and Kazakh Cyrillic letters, in UTF-8.
std::string fold(std::string_view s) {
  std::string out(s);
  for (std::size_t i = 0; i < out.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(out[i]);
    if (c >= 'A' && c <= 'Z') {
      out[i] = static_cast<char>(c + 32);
    } else if (c == 0xD0 && i + 1 < out.size()) {
      unsigned char d = static_cast<unsigned char>(out[i + 1]);
      if (d >= 0x90 && d <= 0x9F) {  // А-П -> а-п
        out[i + 1] = static_cast<char>(d + 0x20);
      } else if (d >= 0xA0 && d <= 0xAF) {  // Р-Я -> р-я
        out[i] = static_cast<char>(0xD1);
        out[i + 1] = static_cast<char>(d - 0x20);
      } else if (d >= 0x80 && d <= 0x8F) {  // Ѐ-Џ (Ё) -> ѐ-џ
        out[i] = static_cast<char>(0xD1);
        out[i + 1] = static_cast<char>(d + 0x10);
      }
      ++i;
    }
  }
  return out;
}

bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// Keys a 1C file begins with: the line that shows which code page makes sense of it.
bool known_header_key(std::string_view utf8_line) {
  std::string key = fold(trim(utf8_line.substr(0, utf8_line.find('='))));
  for (const char* k : {"версияформата", "кодировка", "отправитель", "получатель", "датасоздания",
                        "времясоздания", "датаначала", "датаконца", "расчсчет", "документ",
                        "секциярасчсчет", "секциядокумент"})
    if (key == k) return true;
  return false;
}

struct Value {
  std::string text;
  std::uint64_t line = 0;
};

class OneCReader {
 public:
  Result<Statement> run(std::istream& in, Progress* progress);

 private:
  Result<std::string> decode(std::string_view raw, std::uint64_t line);
  Status document();
  const Value* get(std::initializer_list<std::string_view> keys) const;
  Result<Currency> currency_of(const std::string& own, const Value* amount) const;
  Result<std::string> date_of(std::initializer_list<std::string_view> keys) const;
  Status add_line(const std::string& own, int sign, const Value& amount, const std::string& other);

  std::optional<detail::Charset> charset_;
  std::optional<detail::Decoder> decoder_;
  std::set<std::string> own_;           // the file's own accounts, normalised
  std::string header_ccy_, section_ccy_;  // Валюта of the header / the current account section
  std::map<std::string, Value> doc_;    // the open document's keys, folded
  std::uint64_t doc_line_ = 0;
  bool account_section_ = false;
  Statement out_;
};

Result<std::string> OneCReader::decode(std::string_view raw, std::uint64_t line) {
  if (is_ascii(raw)) return std::string(raw);
  if (!charset_) {
    if (detail::valid_utf8(raw)) {
      charset_ = detail::Charset::utf8;
    } else {
      detail::Decoder dos(detail::Charset::cp866), win(detail::Charset::windows1251);
      std::string as_dos, as_win;
      bool dos_ok = dos.decode(raw, true, as_dos).has_value();
      bool win_ok = win.decode(raw, true, as_win).has_value();
      charset_ = dos_ok && known_header_key(as_dos) && !(win_ok && known_header_key(as_win))
                     ? detail::Charset::cp866
                     : detail::Charset::windows1251;
    }
    decoder_.emplace(*charset_);
  }
  if (*charset_ == detail::Charset::utf8) {
    if (!detail::valid_utf8(raw))
      return fail_at(line, "file", "is not valid UTF-8, though the lines before it are");
    return std::string(raw);
  }
  std::string out;
  if (auto st = decoder_->decode(raw, true, out); !st)
    return fail_at(line, "file",
                   std::string("is not valid ") + detail::charset_name(*charset_) + " text");
  return out;
}

const Value* OneCReader::get(std::initializer_list<std::string_view> keys) const {
  for (std::string_view k : keys) {
    auto it = doc_.find(std::string(k));
    if (it != doc_.end() && !trim(it->second.text).empty()) return &it->second;
  }
  return nullptr;
}

Result<Currency> OneCReader::currency_of(const std::string& own, const Value* amount) const {
  const Value* v = get({"валюта"});
  std::string code = v ? std::string(trim(v->text)) : !section_ccy_.empty() ? section_ccy_ : header_ccy_;
  std::uint64_t at = v ? v->line : amount->line;
  if (!code.empty()) {
    // The code is quoted only as describe() allows: currency()'s own message would quote
    // whatever a shifted or crafted file put here.
    if (code.size() != 3)
      return fail_at(at, "Валюта", describe(code, 3, 5) + " is not an ISO 4217 currency code");
    if (code[0] >= '0' && code[0] <= '9') {
      int n = 0;
      for (char c : code) n = c >= '0' && c <= '9' ? n * 10 + (c - '0') : -1000;
      auto c = n == 810 ? currency("RUB") : currency_by_numeric(n);
      if (!c) return fail_at(at, "Валюта", describe(code, 3, 5) + ": " + c.error().message);
      return *c;
    }
    auto c = currency(code);
    if (!c) return fail_at(at, "Валюта", describe(code, 3, 5) + ": " + c.error().message);
    return *c;
  }
  bool digits = own.size() == 20;
  for (char c : own) digits = digits && c >= '0' && c <= '9';
  if (digits) {  // a Russian account: its digits 6-8 are the currency (810: the rouble)
    int n = (own[5] - '0') * 100 + (own[6] - '0') * 10 + (own[7] - '0');
    auto c = n == 810 ? currency("RUB") : currency_by_numeric(n);
    if (c) return *c;
  }
  if (own.starts_with("KZ")) return currency("KZT");
  return fail_at(amount->line, "Валюта",
                 "the currency is not given (Валюта) and cannot be told from the account");
}

Result<std::string> OneCReader::date_of(std::initializer_list<std::string_view> keys) const {
  const Value* v = get(keys);
  if (!v) return fail_at(doc_line_, "Дата", "missing; a document needs its date");
  std::string_view s = trim(v->text);
  auto d = detail::read_date(s.substr(0, 10), '.', detail::DateOrder::dmy);
  bool time_ok = s.size() == 10 || (s.size() > 10 && s[10] == ' ');
  if (!d || !time_ok)
    return fail_at(v->line, "Дата",
                   describe(s, 1) + " " + (d ? "is not a date DD.MM.YYYY" : d.error()));
  return *d;
}

Status OneCReader::add_line(const std::string& own, int sign, const Value& amount,
                            const std::string& other) {
  auto ccy = currency_of(own, &amount);
  if (!ccy) return err(ccy);
  std::string_view v = trim(amount.text);
  char point = v.find(',') != std::string_view::npos ? ',' : '.';
  auto m = detail::read_decimal(v, point, *ccy);
  if (!m) return fail_at(amount.line, "Сумма", describe(v, 1) + " " + m.error());
  if (m->minor == 0) return {};  // moves no money
  auto date = sign > 0 ? date_of({"датапоступило", "датаоперации", "дата", "датадокумента"})
                       : date_of({"датасписано", "датаоперации", "дата", "датадокумента"});
  if (!date) return err(date);
  std::string text;
  for (const char* k : {"назначениеплатежа", "назначениеплатежа1", "назначениеплатежа2",
                        "назначениеплатежа3", "назначениеплатежа4", "назначениеплатежа5",
                        "назначениеплатежа6"})
    if (const Value* t = get({k})) {
      if (!text.empty()) text += ' ';
      text += trim(t->text);
    }
  const Value* ref = get({"номер", "номердокумента"});
  out_.lines.push_back(StatementLine{
      .line = doc_line_,
      .account = own,
      .booking_date = std::move(*date),
      .amount = Money{sign * m->minor, *ccy},
      .bank_ref = ref ? std::string(trim(ref->text)) : std::string(),
      .counterparty = other,
      .text = std::move(text),
  });
  return {};
}

Status OneCReader::document() {
  auto account = [&](std::initializer_list<std::string_view> keys) {
    const Value* v = get(keys);
    return v ? detail::normalize_account(v->text) : std::string();
  };
  std::string payer = account({"плательщиксчет", "плательщикрасчсчет", "плательщикиик"});
  std::string payee = account({"получательсчет", "получательрасчсчет", "получательиик"});
  bool payer_own = own_.count(payer) > 0, payee_own = own_.count(payee) > 0;
  std::string only = own_.size() == 1 ? *own_.begin() : std::string();

  const Value* in = get({"суммаприход"});
  const Value* out = get({"суммарасход"});
  auto nonzero = [](const Value* v) {
    return v && trim(v->text).find_first_not_of("0.,") != std::string_view::npos;
  };
  if (nonzero(in) || nonzero(out)) {
    if (nonzero(in) && nonzero(out))
      return fail_at(in->line, "СуммаПриход",
                     "a document with both СуммаПриход and СуммаРасход; it is money in or out");
    bool credit = nonzero(in);
    const std::string& side = credit ? payee : payer;
    std::string own = own_.count(side) ? side : only;
    if (own.empty())
      return fail_at(doc_line_, credit ? "ПолучательИИК" : "ПлательщикИИК",
                     "is not one of the statement's accounts (РасчСчет)");
    return add_line(own, credit ? 1 : -1, credit ? *in : *out, credit ? payer : payee);
  }
  const Value* amount = get({"сумма"});
  if (!amount) return fail_at(doc_line_, "Сумма", "missing; a document needs its amount");
  if (!payer_own && !payee_own && !only.empty()) {
    // Neither side's account is written as the statement's own (banks that give the payer's
    // account in another spelling, or none): the bank's dates still say which way the money
    // went, ДатаСписано debited the account and ДатаПоступило credited it.
    bool debited = get({"датасписано"}) != nullptr, credited = get({"датапоступило"}) != nullptr;
    if (debited != credited) return add_line(only, credited ? 1 : -1, *amount, credited ? payer : payee);
  }
  if (!payer_own && !payee_own)
    return fail_at(doc_line_, "СекцияДокумент",
                   "neither the payer's nor the payee's account is one of the statement's "
                   "accounts (РасчСчет)");
  if (payer_own && payee_own && payer == payee)
    return fail_at(doc_line_, "СекцияДокумент",
                   "the payer's and the payee's account are the same account");
  if (payer_own)
    if (auto st = add_line(payer, -1, *amount, payee); !st) return st;
  if (payee_own) return add_line(payee, 1, *amount, payer);
  return {};
}

Result<Statement> OneCReader::run(std::istream& in, Progress* progress) {
  detail::LineReader lines(in, progress, kMaxLine, "file");
  enum { kStart, kHeader, kAccount, kDocument, kEnd } where = kStart;
  std::string_view raw;
  for (;;) {
    auto more = lines.next(raw);
    if (!more) return err(more);
    if (!*more) break;
    const std::uint64_t n = lines.line();
    if (where == kStart) {
      if (raw.starts_with("\xEF\xBB\xBF")) {
        raw.remove_prefix(3);
        charset_ = detail::Charset::utf8;
      }
      if (trim(raw).empty()) continue;
      if (trim(raw) != "1CClientBankExchange")
        return fail_at(n, "file",
                       "does not start with 1CClientBankExchange: it is not a 1C client-bank "
                       "exchange file");
      where = kHeader;
      continue;
    }
    if (where == kEnd) break;  // nothing after КонецФайла counts
    auto text = decode(raw, n);
    if (!text) return err(text);
    std::string_view line = trim(*text);
    if (line.empty()) continue;
    std::size_t eq = line.find('=');
    std::string key = fold(trim(line.substr(0, eq)));
    std::string_view value = eq == std::string_view::npos ? std::string_view() : trim(line.substr(eq + 1));

    if (key == "конецфайла") {
      if (where == kDocument)
        return fail_at(n, "КонецФайла", "inside a document (line " + std::to_string(doc_line_) +
                                            " has no КонецДокумента)");
      where = kEnd;
    } else if (key == "секциядокумент") {
      if (where == kDocument)
        return fail_at(n, "СекцияДокумент", "a new document before the one of line " +
                                                std::to_string(doc_line_) + " ended (КонецДокумента)");
      where = kDocument;
      doc_.clear();
      doc_line_ = n;
    } else if (key == "конецдокумента") {
      if (where != kDocument) return fail_at(n, "КонецДокумента", "no document to end here");
      // A statement from the bank has its account sections (balances); a file of payment
      // orders for the bank has none, and its documents are not (yet) movements of money.
      if (!account_section_)
        return fail_at(doc_line_, "СекцияРасчСчет",
                       "the file has no account section before its documents: it is a file of "
                       "payment orders for the bank, not a statement from it");
      if (own_.empty())
        return fail_at(doc_line_, "РасчСчет",
                       "the file names none of its own accounts (РасчСчет) before its documents");
      if (auto st = document(); !st) return err(st);
      where = kHeader;
    } else if (key == "секциярасчсчет") {
      where = kAccount;
      account_section_ = true;
      section_ccy_.clear();
    } else if (key == "конецрасчсчет") {
      where = kHeader;
    } else if (where == kDocument) {
      if (doc_.size() == kMaxKeys)
        return fail_at(n, "СекцияДокумент", "more than 1000 keys in one document");
      doc_.try_emplace(key, Value{std::string(value), n});
    } else if (key == "расчсчет") {
      std::string acct = detail::normalize_account(value);
      if (acct.empty()) return fail_at(n, "РасчСчет", "is empty");
      own_.insert(acct);
    } else if (key == "валюта") {
      (where == kAccount ? section_ccy_ : header_ccy_) = std::string(value);
    }
  }
  if (where == kStart)
    return fail_at(1, "file", "is empty: it is not a 1C client-bank exchange file");
  if (where == kDocument)
    return fail_at(doc_line_, "СекцияДокумент",
                   "not ended by КонецДокумента: the file is cut short");
  if (where != kEnd)
    return fail_at(lines.line(), "КонецФайла", "missing: the file may be cut short");
  out_.format = "1c";
  return std::move(out_);
}

}  // namespace

Result<Statement> parse_1c(std::istream& in, Progress* progress) {
  OneCReader r;
  return r.run(in, progress);
}

Result<Statement> parse_1c_file(const std::filesystem::path& path, Progress* progress) {
  return detail::parse_file(path, progress, [&](std::istream& in) { return parse_1c(in, progress); });
}

}  // namespace amanat::books::import
