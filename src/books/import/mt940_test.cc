#include "books/import/mt940.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace amanat::books::import {
namespace {

// Invented accounts and donor.
constexpr const char* kOwn = "KZ76125KZT1001300123";
constexpr const char* kDonor = "KZ49722C000022223333";
constexpr const char* kSecret = "Secret Donor Name";

Money m(std::int64_t minor, std::string_view code) { return Money{minor, *currency(code)}; }

Result<Statement> parse(const std::string& text) {
  std::istringstream in(text);
  return parse_mt940(in);
}

void expect_error(const Result<Statement>& r, const std::string& prefix, const std::string& part) {
  ASSERT_FALSE(r.has_value()) << prefix;
  EXPECT_EQ(r.error().code, Errc::invalid);
  EXPECT_EQ(r.error().message.rfind(prefix, 0), 0u) << r.error().message;
  EXPECT_NE(r.error().message.find(part), std::string::npos) << r.error().message;
  for (const char* secret : {kDonor, "KZ49", kSecret, "Secret"})
    EXPECT_EQ(r.error().message.find(secret), std::string::npos) << r.error().message;
}

// A message whose :61: is on line 5 and its :86: on line 6.
std::string message(const std::string& line61, const std::string& info = "") {
  return std::string(":20:STMT-1\r\n:25:") + kOwn +
         "\r\n:28C:1/1\r\n:60F:C250301KZT1000,00\r\n:61:" + line61 + "\r\n" +
         (info.empty() ? "" : ":86:" + info + "\r\n") + ":62F:C250303KZT2000,00\r\n-\r\n";
}

TEST(Mt940, ReadsStatementLines) {
  struct Case {
    const char* name;
    std::string line61;
    StatementLine want;
  };
  const Case cases[] = {
      {"credit with entry date and bank reference", "2503030304C1500,50NTRFREF-1//BANK-77",
       {5, kOwn, "2025-03-04", m(150050, "KZT"), "BANK-77", "", ""}},
      {"debit without entry date", "250303D12,NMSCNONREF",
       {5, kOwn, "2025-03-03", m(-1200, "KZT"), "", "", ""}},
      {"reversal of a credit is money out", "2503030303RC7,00NTRFR-2",
       {5, kOwn, "2025-03-03", m(-700, "KZT"), "R-2", "", ""}},
      {"reversal of a debit is money in", "250303RD7,00NTRFR-3",
       {5, kOwn, "2025-03-03", m(700, "KZT"), "R-3", "", ""}},
      {"funds code after the mark", "2503030303CN0,01NTRFNONREF//MB1",
       {5, kOwn, "2025-03-03", m(1, "KZT"), "MB1", "", ""}},
      {"leading zeros and trailing zeros", "250303C0012,500NTRFX",
       {5, kOwn, "2025-03-03", m(1250, "KZT"), "X", "", ""}},
      {"entry date left blank", "250303    D65,00NOVBX",
       {5, kOwn, "2025-03-03", m(-6500, "KZT"), "X", "", ""}},
      {"entry date in the next year", "2412310102C1,00NTRFX",
       {5, kOwn, "2025-01-02", m(100, "KZT"), "X", "", ""}},
      {"entry date in the year before", "2501021231C1,00NTRFX",
       {5, kOwn, "2024-12-31", m(100, "KZT"), "X", "", ""}},
      {"a whole amount without the decimal comma", "2503030303C500NTRFX",
       {5, kOwn, "2025-03-03", m(50000, "KZT"), "X", "", ""}},
      {"30 February as value date, with an entry date", "2502300301DR6,00N024NONREF",
       {5, kOwn, "2025-03-01", m(-600, "KZT"), "", "", ""}},
      {"a counterparty's IBAN as the reference is no reference",
       std::string("250303C1,00NIOB") + kDonor, {5, kOwn, "2025-03-03", m(100, "KZT"), "", "", ""}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto st = parse(message(c.line61));
    ASSERT_TRUE(st.has_value()) << st.error().message;
    EXPECT_EQ(st->format, "mt940");
    ASSERT_EQ(st->lines.size(), 1u);
    EXPECT_EQ(st->lines[0], c.want);
  }
}

TEST(Mt940, TakesTextAndCounterpartyFromTheDetailsField) {
  struct Case {
    const char* name;
    std::string info;
    const char *text, *counterparty;
  };
  const Case cases[] = {
      {"unstructured, over two lines", "Donation SHELTER-25\r\nthank you", "Donation SHELTER-25 thank you",
       ""},
      {"German structured", std::string("166?00GUTSCHRIFT?20SHEL?21TER-25 Spe\r\nnde?30DEUTDEFF?31") +
                                kDonor + "?32" + kSecret,
       "SHELTER-25 Spende", kDonor},
      {"Dutch /CNTP/", std::string("/CNTP/") + kDonor + "/INGBNL2A/" + kSecret + "///REMI/USTD//gift/",
       "", kDonor},
      {"ABN AMRO /IBAN/", std::string("/TRTP/SEPA OVERBOEKING/IBAN/") + kDonor + "/BIC/ABNANL2A/NAME/x",
       "", kDonor},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto st = parse(message("250303C1,00NTRFX", c.info));
    ASSERT_TRUE(st.has_value()) << st.error().message;
    ASSERT_EQ(st->lines.size(), 1u);
    if (*c.text) EXPECT_EQ(st->lines[0].text, c.text);
    EXPECT_EQ(st->lines[0].counterparty, c.counterparty);
  }
  // Text in a code page is kept as UTF-8 with U+FFFD for what is not UTF-8.
  auto st = parse(message("250303C1,00NTRFX", "Spende f\xFCr SHELTER-25"));
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->lines[0].text, "Spende f\xEF\xBF\xBDr SHELTER-25");
}

TEST(Mt940, ReadsSwiftBlocksBankHeadersAndSeveralMessages) {
  std::string text = std::string("ABNANL2A\r\n940\r\nABNANL2A\r\n") +      // lines 1-3
                     ":20:A\r\n:25:NL91ABNA0417164300\r\n:28:1/1\r\n" +  // 4-6
                     ":60F:C250301EUR10,00\r\n" +                        // 7
                     ":61:250303D2,50N426NONREF\r\n" +                   // 8
                     "-\r\n" +                                           // 9
                     "{1:F01BANKKZKAAXXX0000000000}{2:O9401200250303BANKKZKAXXXX00000000002503031200N}{4:\r\n" +  // 10
                     ":20:B\r\n:25:51210600/9223382012EUR\r\n:28C:2\r\n" +  // 11-13
                     ":60M:D250301USD0,\r\n" +                               // 14
                     ":61:250304C3,NTRFR\r\n" +                              // 15
                     ":62M:C250304USD3,\r\n-}{5:{CHK:123}}\r\n";
  auto st = parse(text);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  ASSERT_EQ(st->lines.size(), 2u);
  EXPECT_EQ(st->lines[0], (StatementLine{8, "NL91ABNA0417164300", "2025-03-03", m(-250, "EUR"), "", "", ""}));
  EXPECT_EQ(st->lines[1], (StatementLine{15, "51210600/9223382012", "2025-03-04", m(300, "USD"), "R", "", ""}));
}

TEST(Mt940, ReadsAnInterimReportMt942) {
  auto st = parse(std::string(":20:R\n:25:") + kOwn +
                  "\n:28C:1/1\n:34F:KZTD0,\n:34F:KZTC0,\n:13D:2503031815+0500\n"
                  ":61:2503030303CN5,NTRFNONREF//MB1\n911-TRANSFER\n:90C:1KZT5,\n");
  ASSERT_TRUE(st.has_value()) << st.error().message;
  EXPECT_EQ(st->format, "mt942");
  ASSERT_EQ(st->lines.size(), 1u);
  EXPECT_EQ(st->lines[0], (StatementLine{7, kOwn, "2025-03-03", m(500, "KZT"), "MB1", "", "911-TRANSFER"}));
}

TEST(Mt940, ReportsEachBadLineAtItsLineWithoutPersonalData) {
  struct Case {
    const char* name;
    std::string text;
    const char* prefix;
    const char* part;
  };
  const std::string info = std::string(kSecret) + " " + kDonor;
  const Case cases[] = {
      {"bad value date", message("25023XC1,00NTRFX", info), "line 5: :61:: ", "value date"},
      {"bad entry date", message("2503031332C1,00NTRFX", info), "line 5: :61:: ", "entry date"},
      {"no mark", message("250303X1,00NTRFX", info), "line 5: :61:: ", "not C, D, RC or RD"},
      {"no amount", message("250303CNTRFX", info), "line 5: :61:: ", "no amount"},
      {"two commas", message("250303C1,0,0NTRFX", info), "line 5: :61:: ", "\"1,0,0\" is not a decimal"},
      {"decimal point", message("250303C1.00NTRFX", info), "line 5: :61:: ", "transaction type"},
      {"too many decimals", message("250303C1,001NTRFX", info), "line 5: :61:: ", "KZT has 2 decimal places"},
      {"30 February without an entry date", message("250230C1,00NTRFX", info), "line 5: :61:: ",
       "not a real date"},
      {"value date month 13", message("2513010101C1,00NTRFX", info), "line 5: :61:: ", "value date"},
      {"no type", message("250303C1,00", info), "line 5: :61:: ", "transaction type"},
      {"a name where the line belongs", message(kSecret, info), "line 5: :61:: ", "value date"},
      {"unknown currency", ":20:X\n:25:A\n:60F:C250301KZX1,00\n:61:250303C1,00NTRFX\n",
       "line 3: :60F:: ", "KZX"},
      {"line before the account", ":20:X\n:60F:C250301KZT1,00\n:61:250303C1,00NTRFX\n",
       "line 3: :61:: ", ":25:"},
      {"line before the currency", ":20:X\n:25:A\n:61:250303C1,00NTRFX\n", "line 3: :61:: ", ":60F:"},
      {"not MT940 at all", std::string(kSecret) + "\n", "line 1: file: ", "no MT940 message"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    expect_error(parse(c.text), c.prefix, c.part);
  }
  // The first bad line wins.
  std::string two = message("250303C1,001NTRFX") + message("250230C1,00NTRFX");
  expect_error(parse(two), "line 5: :61:: ", "decimal places");
}

TEST(Mt940, BooksNothingForAZeroLine) {
  auto st = parse(message("250303CD0,00NDEFNONREF//", "a notice") );
  ASSERT_TRUE(st.has_value()) << st.error().message;
  EXPECT_TRUE(st->lines.empty());
}

TEST(Mt940, RefusesOverlongLines) {
  expect_error(parse(":20:X\n:86:" + std::string(70000, 'x') + "\n"), "line 2: file: ",
               "longer than 65536");
}

TEST(Mt940, AFailedStreamIsUnavailableAndAMissingFileNotFound) {
  std::istringstream in(message("250303C1,00NTRFX"));
  in.setstate(std::ios::failbit);
  auto r = parse_mt940(in);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::unavailable);
  auto f = parse_mt940_file("/nonexistent/statement.sta");
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, Errc::not_found);
}

}  // namespace
}  // namespace amanat::books::import
