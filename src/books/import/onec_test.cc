#include "books/import/onec.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace amanat::books::import {
namespace {

// Invented accounts, donor and organisation.
constexpr const char* kOwn = "KZ76125KZT1001300123";
constexpr const char* kDonor = "KZ49722C000022223333";
constexpr const char* kSecret = "Секретный Жертвователь";

Money m(std::int64_t minor, std::string_view code) { return Money{minor, *currency(code)}; }

Result<Statement> parse(const std::string& text) {
  std::istringstream in(text);
  return parse_1c(in);
}

void expect_error(const Result<Statement>& r, const std::string& prefix, const std::string& part) {
  ASSERT_FALSE(r.has_value()) << prefix;
  EXPECT_EQ(r.error().code, Errc::invalid);
  EXPECT_EQ(r.error().message.rfind(prefix, 0), 0u) << r.error().message;
  EXPECT_NE(r.error().message.find(part), std::string::npos) << r.error().message;
  for (const char* secret : {kDonor, "KZ49", kSecret, "Секретный"})
    EXPECT_EQ(r.error().message.find(secret), std::string::npos) << r.error().message;
}

// Independent encoders of the Cyrillic this file uses (А-я, Ё, ё), as the banks' exports are.
std::string single_byte(std::string_view utf8, bool dos) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    char32_t cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3F);
    i += 2;
    int k = static_cast<int>(cp) - 0x410;  // 0-63: А-я
    if (cp == 0x401) out += dos ? '\xF0' : '\xA8';
    else if (cp == 0x451) out += dos ? '\xF1' : '\xB8';
    else if (!dos) out += static_cast<char>(0xC0 + k);
    else out += static_cast<char>(k < 48 ? 0x80 + k : 0xE0 + (k - 48));
  }
  return out;
}

// A statement as a Kazakh bank writes it for 1C: the documents start on lines 16, 31 and 45.
const std::string kStatement = std::string(
    "1CClientBankExchange\r\n"          // 1
    "ВерсияФормата=1.03\r\n"            // 2
    "Кодировка=Windows\r\n"             // 3
    "Отправитель=Банк Ёлка\r\n"         // 4
    "ДатаНачала=01.03.2025\r\n"         // 5
    "ДатаКонца=31.03.2025\r\n"          // 6
    "РасчСчет=") + kOwn + "\r\n" +      // 7
    "СекцияРасчСчет\r\n"                // 8
    "ДатаНачала=01.03.2025\r\n"         // 9
    "ДатаКонца=31.03.2025\r\n"          // 10
    "РасчСчет=" + kOwn + "\r\n" +       // 11
    "НачальныйОстаток=1000.00\r\n"      // 12
    "ВсегоПоступило=15000.50\r\n"       // 13
    "КонецРасчСчет\r\n"                 // 14
    "\r\n"                              // 15
    "СекцияДокумент=Платежное поручение\r\n"  // 16
    "Номер=101\r\n"
    "Дата=02.03.2025\r\n"
    "Сумма=15000.50\r\n"
    "ПлательщикСчет=" + kDonor + "\r\n" +
    "Плательщик=" + kSecret + "\r\n" +
    "ПолучательСчет=" + kOwn + "\r\n" +
    "Получатель=Фонд\r\n"
    "ДатаСписано=02.03.2025\r\n"
    "ДатаПоступило=03.03.2025\r\n"
    "НазначениеПлатежа=Пожертвование SHELTER-25\r\n"
    "НазначениеПлатежа1=приют\r\n"
    "НазначениеПлатежа2=\r\n"
    "КонецДокумента\r\n"                // 29
    "\r\n"                              // 30
    "СекцияДокумент=выписка\r\n"        // 31: Kaspi's keys
    "НомерДокумента=47437099\r\n"
    "ДатаДокумента=04.03.2025\r\n"
    "ВидДокумента=Платежное поручение\r\n"
    "ПолучательНаименование=Аренда\r\n"
    "ПолучательИИК=KZ22722C000024901213\r\n"
    "ПлательщикИИК=" + kOwn + "\r\n" +
    "СуммаРасход=4000\r\n"
    "ДатаОперации=05.03.2025\r\n"
    "НазначениеПлатежа=Аренда март\r\n"
    "КонецДокумента\r\n"                // 41
    "СЕКЦИЯДОКУМЕНТ=Выписка\r\n"        // 42: Halyk's upper case
    "НОМЕР=7\r\n"
    "ДАТА=06.03.2025\r\n"
    "СУММА=0,55\r\n"
    "ПЛАТЕЛЬЩИКИИК=" + kOwn + "\r\n" +
    "ПОЛУЧАТЕЛЬИИК=KZ22722C000024901213\r\n"
    "КОНЕЦДОКУМЕНТА\r\n"
    "КонецФайла\r\n";

TEST(OneC, ReadsAStatementInEveryEncodingBanksUse) {
  struct Case {
    const char* name;
    std::string bytes;
  };
  const Case cases[] = {
      {"UTF-8", kStatement},
      {"UTF-8 with BOM", "\xEF\xBB\xBF" + kStatement},
      {"Windows-1251", single_byte(kStatement, false)},
      {"DOS (CP866)", single_byte(kStatement, true)},
  };
  const std::vector<StatementLine> want = {
      {16, kOwn, "2025-03-03", m(1500050, "KZT"), "101", kDonor, "Пожертвование SHELTER-25 приют"},
      {31, kOwn, "2025-03-05", m(-400000, "KZT"), "47437099", "KZ22722C000024901213", "Аренда март"},
      {42, kOwn, "2025-03-06", m(-55, "KZT"), "7", "KZ22722C000024901213", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto st = parse(c.bytes);
    ASSERT_TRUE(st.has_value()) << st.error().message;
    EXPECT_EQ(st->format, "1c");
    ASSERT_EQ(st->lines.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(st->lines[i], want[i]) << i;
  }
}

std::string file(const std::string& header, const std::string& docs) {
  return "1CClientBankExchange\nВерсияФормата=1.03\n" + header +
         "СекцияРасчСчет\nКонецРасчСчет\nСекцияДокумент=Платежное поручение\n" + docs +
         "КонецДокумента\nКонецФайла\n";  // the document starts on line 5 + header lines
}

TEST(OneC, TellsTheCurrencyAndDirection) {
  struct Case {
    const char* name;
    std::string header, doc;
    std::vector<Money> amounts;
  };
  const std::string ru = "40702810900000000002", ru_usd = "40702840900000000003";
  const Case cases[] = {
      {"a Russian rouble account (810)", "РасчСчет=" + ru + "\n",
       "Сумма=10\nДата=01.02.2024\nПлательщикСчет=" + ru + "\nПолучательСчет=40817810000000000001\n",
       {m(-1000, "RUB")}},
      {"a Russian dollar account (840)", "РасчСчет=" + ru_usd + "\n",
       "Сумма=10.5\nДатаПоступило=01.02.2024\nПолучательСчет=" + ru_usd + "\n", {m(1050, "USD")}},
      {"Валюта in the document", "РасчСчет=" + std::string(kOwn) + "\n",
       "Сумма=10\nВалюта=EUR\nДата=01.02.2024\nПолучательИИК=" + std::string(kOwn) + "\n", {m(1000, "EUR")}},
      {"Валюта as a numeric code in the header", "Валюта=840\nРасчСчет=" + std::string(kOwn) + "\n",
       "Сумма=10\nДата=01.02.2024\nПолучательИИК=" + std::string(kOwn) + "\n", {m(1000, "USD")}},
      {"a transfer between two own accounts", "РасчСчет=" + ru + "\nРасчСчет=" + ru_usd + "\n",
       "Сумма=3\nВалюта=RUB\nДата=01.02.2024\nПлательщикСчет=" + ru + "\nПолучательСчет=" + ru_usd + "\n",
       {m(-300, "RUB"), m(300, "RUB")}},
      {"the payer's account spelled otherwise: ДатаСписано says money out", "РасчСчет=" + ru + "\n",
       "Сумма=7\nДатаСписано=01.02.2024\nПлательщикСчет=123\nПолучательСчет=40817810000000000001\n",
       {m(-700, "RUB")}},
      {"the payee's account missing: ДатаПоступило says money in", "РасчСчет=" + ru + "\n",
       "Сумма=7\nДатаПоступило=01.02.2024\nПлательщикСчет=40817810000000000001\n", {m(700, "RUB")}},
      {"a zero document", "РасчСчет=" + ru + "\n",
       "Сумма=0.00\nДата=01.02.2024\nПлательщикСчет=" + ru + "\n", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto st = parse(file(c.header, c.doc));
    ASSERT_TRUE(st.has_value()) << st.error().message;
    ASSERT_EQ(st->lines.size(), c.amounts.size());
    for (std::size_t i = 0; i < c.amounts.size(); ++i) EXPECT_EQ(st->lines[i].amount, c.amounts[i]);
  }
}

TEST(OneC, ReportsEachBadDocumentAtItsLineWithoutPersonalData) {
  const std::string own = "РасчСчет=" + std::string(kOwn) + "\n";
  const std::string parties = "ПлательщикСчет=" + std::string(kDonor) + "\nПлательщик=" + kSecret +
                              "\nПолучательСчет=" + kOwn + "\n";
  struct Case {
    const char* name;
    std::string text;
    const char* prefix;
    const char* part;
  };
  const Case cases[] = {
      {"not 1C", std::string(kSecret) + "\n", "line 1: file: ", "1CClientBankExchange"},
      {"empty", "", "line 1: file: ", "empty"},
      {"no amount", file(own, "Дата=01.02.2024\n" + parties), "line 6: Сумма: ", "missing"},
      {"amount with three decimals", file(own, "Сумма=1.005\nДата=01.02.2024\n" + parties),
       "line 7: Сумма: ", "KZT has 2 decimal places"},
      {"a name as the amount", file(own, "Сумма=" + std::string(kSecret) + "\nДата=01.02.2024\n" + parties),
       "line 7: Сумма: ", "not shown"},
      {"bad date", file(own, "Сумма=1\nДата=30.02.2024\n" + parties), "line 8: Дата: ",
       "\"30.02.2024\" is not a real calendar date"},
      {"ISO date", file(own, "Сумма=1\nДата=2024-02-01\n" + parties), "line 8: Дата: ", "DD.MM.YYYY"},
      {"no date", file(own, "Сумма=1\n" + parties), "line 6: Дата: ", "missing"},
      {"unknown currency", file(own, "Сумма=1\nВалюта=KZX\nДата=01.02.2024\n" + parties),
       "line 8: Валюта: ", "KZX"},
      {"a name as the currency", file(own, "Сумма=1\nВалюта=" + std::string(kSecret) + "\nДата=01.02.2024\n" + parties),
       "line 8: Валюта: ", "not shown"},
      {"no currency to be told", file("РасчСчет=ACC-1\n", "Сумма=1\nДата=01.02.2024\nПолучательСчет=ACC-1\n"),
       "line 7: Валюта: ", "not given"},
      {"no own account", file(own, "Сумма=1\nДата=01.02.2024\nПлательщикСчет=" + std::string(kDonor) + "\n"),
       "line 6: СекцияДокумент: ", "neither"},
      {"no РасчСчет at all", file("", "Сумма=1\n" + parties), "line 5: РасчСчет: ", "none of its own"},
      {"both Приход and Расход",
       file(own, "СуммаПриход=1\nСуммаРасход=2\nДатаОперации=01.02.2024\n" + parties),
       "line 7: СуммаПриход: ", "both"},
      {"a document not ended", "1CClientBankExchange\n" + own + "СекцияРасчСчет\nКонецРасчСчет\nСекцияДокумент=x\nСумма=1\nКонецФайла\n",
       "line 7: КонецФайла: ", "inside a document"},
      {"cut short inside a document", "1CClientBankExchange\n" + own + "СекцияРасчСчет\nКонецРасчСчет\nСекцияДокумент=x\nСумма=1\n",
       "line 5: СекцияДокумент: ", "cut short"},
      {"cut short after a document",
       "1CClientBankExchange\n" + own + "СекцияРасчСчет\nКонецРасчСчет\nСекцияДокумент=x\nСумма=1\nДата=01.02.2024\n" + parties +
           "КонецДокумента\n",
       "line 11: КонецФайла: ", "cut short"},
      {"a file of payment orders for the bank",
       "1CClientBankExchange\n" + own + "СекцияДокумент=x\nСумма=1\nДата=01.02.2024\n" + parties +
           "КонецДокумента\nКонецФайла\n",
       "line 3: СекцияРасчСчет: ", "payment orders"},
      {"invalid UTF-8 after UTF-8 lines", file(own + "Отправитель=Банк\n", "Сумма=1\xFF\n" + parties),
       "line 8: file: ", "not valid UTF-8"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    expect_error(parse(c.text), c.prefix, c.part);
  }
}

TEST(OneC, AFailedStreamIsUnavailableAndAMissingFileNotFound) {
  std::istringstream in(kStatement);
  in.setstate(std::ios::failbit);
  auto r = parse_1c(in);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::unavailable);
  auto f = parse_1c_file("/nonexistent/kl_to_1c.txt");
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, Errc::not_found);
}

}  // namespace
}  // namespace amanat::books::import
