#include "books/import/csv.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace amanat::books::import {
namespace {

// Invented donor data; error messages must never show it.
constexpr const char* kDonor = "KZ49722C000022223333";
constexpr const char* kSecret = "Secret Donor Name";

Money m(std::int64_t minor, std::string_view code) { return Money{minor, *currency(code)}; }

CsvMapping mapping(const std::string& text) {
  auto mp = parse_csv_mapping(text);
  EXPECT_TRUE(mp.has_value()) << text << ": " << mp.error().message;
  return mp.value_or(CsvMapping{});
}

Result<Statement> parse(const std::string& csv, const std::string& map) {
  std::istringstream in(csv);
  return parse_csv(in, mapping(map));
}

void expect_error(const Result<Statement>& r, const std::string& prefix, const std::string& part) {
  ASSERT_FALSE(r.has_value()) << prefix;
  EXPECT_EQ(r.error().code, Errc::invalid);
  EXPECT_EQ(r.error().message.rfind(prefix, 0), 0u) << r.error().message;
  EXPECT_NE(r.error().message.find(part), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find(kDonor), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("KZ49"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("Secret"), std::string::npos) << r.error().message;
}

const std::string kSimple =
    "date=Date;amount=Amount;currency-code=KZT;counterparty=Payer;text=Purpose;account=Main";

// ---- Mapping ---------------------------------------------------------------------------------

TEST(CsvMapping, ParsesTheCompactForm) {
  auto mp = parse_csv_mapping(
      "date=Date;amount=Amount;currency=Currency;ref=Reference;counterparty=Payer IBAN;"
      "text=Purpose;date-format=DD.MM.YYYY;decimal=,;thousands=space;delimiter=semicolon;"
      "account=Kaspi-Main");
  ASSERT_TRUE(mp.has_value()) << mp.error().message;
  EXPECT_EQ(mp->date, "Date");
  EXPECT_EQ(mp->amount, "Amount");
  EXPECT_EQ(mp->currency, "Currency");
  EXPECT_FALSE(mp->currency_code.has_value());
  EXPECT_EQ(mp->ref, "Reference");
  EXPECT_EQ(mp->counterparty, "Payer IBAN");
  EXPECT_EQ(mp->text, "Purpose");
  EXPECT_EQ(mp->date_format, CsvDateFormat::dmy_dot);
  EXPECT_EQ(mp->decimal, ',');
  EXPECT_EQ(mp->thousands, CsvThousands::space);
  EXPECT_EQ(mp->delimiter, ';');
  EXPECT_EQ(mp->account, "Kaspi-Main");

  auto split = parse_csv_mapping(
      " date = Booked on ; credit=In\\;come;debit=Out\\\\go;currency-code=BHD;account=Cash;"
      "delimiter=tab;thousands=';skip-lines=3;");
  ASSERT_TRUE(split.has_value()) << split.error().message;
  EXPECT_EQ(split->date, "Booked on");
  EXPECT_EQ(split->credit, "In;come");
  EXPECT_EQ(split->debit, "Out\\go");
  EXPECT_EQ(split->currency_code, currency("BHD").value());
  EXPECT_EQ(split->delimiter, '\t');
  EXPECT_EQ(split->thousands, CsvThousands::apostrophe);
  EXPECT_EQ(split->skip_lines, 3u);
}

TEST(CsvMapping, ErrorsNameTheKey) {
  const std::string base = "date=D;amount=A;currency-code=KZT;account=Main";
  struct Case {
    std::string text;
    const char* prefix;
  };
  const Case cases[] = {
      {base + ";colour=red", "mapping: \"colour\": unknown key"},
      {base + ";date=E", "mapping: date: given twice"},
      {base + ";text", "mapping: \"text\": expected key=value"},
      {"date=D;amount=A;currency-code=KZT", "mapping: account: missing"},
      {"amount=A;currency-code=KZT;account=Main", "mapping: date: missing"},
      {"date=D;currency-code=KZT;account=Main", "mapping: amount: missing"},
      {base + ";credit=C;debit=X", "mapping: amount: give either"},
      {"date=D;credit=C;currency-code=KZT;account=Main", "mapping: debit: missing"},
      {"date=D;debit=C;currency-code=KZT;account=Main", "mapping: credit: missing"},
      {"date=D;amount=A;account=Main", "mapping: currency: missing"},
      {base + ";currency=Cur", "mapping: currency: give either"},
      {"date=D;amount=A;currency-code=kzt;account=Main",
       "mapping: currency-code: unknown currency code \"kzt\""},
      {"date=D;amount=A;currency-code=XXX;account=Main",
       "mapping: currency-code: \"XXX\" is an ISO 4217 fund"},
      {base + ";date-format=DD-MM-YYYY", "mapping: date-format: \"DD-MM-YYYY\" is not one of"},
      {base + ";decimal=x", "mapping: decimal: \"x\" is not"},
      {base + ";thousands=dot", "mapping: thousands: is the same character as the decimal"},
      {base + ";decimal=,;thousands=,", "mapping: thousands: is the same character as the decimal"},
      {base + ";thousands=underscore", "mapping: thousands: \"underscore\" is not one of"},
      {base + ";delimiter=pipe", "mapping: delimiter: \"pipe\" is not one of"},
      {base + ";skip-lines=-1", "mapping: skip-lines: \"-1\" is not a number"},
      {base + ";text=A", "mapping: text: column \"A\" is already mapped to amount"},
      {base + ";ref=", "mapping: ref: empty column name"},
      {"date=D;amount=A;currency-code=KZT;account=", "mapping: account: is empty"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto mp = parse_csv_mapping(c.text);
    ASSERT_FALSE(mp.has_value());
    EXPECT_EQ(mp.error().code, Errc::invalid);
    EXPECT_EQ(mp.error().message.rfind(c.prefix, 0), 0u) << mp.error().message;
  }
}

TEST(CsvMapping, IsCheckedWhenBuiltInCode) {
  CsvMapping mp;
  mp.account = "Main";
  mp.date = "D";
  mp.amount = "A";
  std::istringstream in("D,A\n");
  auto r = parse_csv(in, mp);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message.rfind("mapping: currency: missing", 0), 0u) << r.error().message;
}

// ---- Statements ------------------------------------------------------------------------------

TEST(CsvStatement, ReadsTheSampleStatement) {
  auto mp = mapping(
      "date=Date;amount=Amount;currency=Currency;ref=Reference;counterparty=Payer IBAN;"
      "text=Purpose;date-format=DD.MM.YYYY;decimal=,;thousands=space;delimiter=semicolon;"
      "account=Kaspi-Main");
  auto st = parse_csv_file(AMANAT_TESTDATA "/import/statement_kaspi_sample.csv", mp);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  EXPECT_EQ(st->format, "csv");
  const std::vector<StatementLine> want = {
      {2, "Kaspi-Main", "2025-03-03", m(1500000, "KZT"), "KSP-000117", kDonor,
       "Donation for the shelter"},
      {3, "Kaspi-Main", "2025-03-05", m(-25000000, "KZT"), "KSP-000142", "KZ85601A871000345678",
       "Rent; March 2025"},
      // A quoted line break; the IBAN written in groups and lower case gets one spelling.
      {4, "Kaspi-Main", "2025-03-10", m(750050, "KZT"), "KSP-000150", "KZ06125KZT2002400456",
       "For the hotline,\r\nfrom Erlan Sample"},
      {7, "Kaspi-Main", "2025-03-14", m(123456789, "KZT"), "KSP-000151", "DE89370400440532013000",
       "Grant \"Safe Home\" tranche 1"},
      {8, "Kaspi-Main", "2025-03-31", m(-70000, "KZT"), "KSP-000199", "",
       "Account maintenance fee"},
  };
  ASSERT_EQ(st->lines.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(st->lines[i], want[i]) << "line " << i;
}

// Independent encoders for the tests (BMP text only): what a spreadsheet program writes.
std::u32string code_points(std::string_view utf8) {
  std::u32string out;
  for (std::size_t i = 0; i < utf8.size();) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : 3;
    char32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : c & 0x0F;
    for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    out += cp;
    i += static_cast<std::size_t>(n);
  }
  return out;
}
std::string utf16(std::string_view utf8, bool big_endian, bool bom) {
  std::string out;
  auto unit = [&](char32_t u) {
    char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
    out += big_endian ? hi : lo;
    out += big_endian ? lo : hi;
  };
  if (bom) unit(0xFEFF);
  for (char32_t cp : code_points(utf8)) unit(cp);
  return out;
}
std::string cp1251(std::string_view utf8) {
  std::string out;
  for (char32_t cp : code_points(utf8))
    out += cp < 0x80 ? static_cast<char>(cp)
           : cp == 0x401 ? '\xA8'
           : cp == 0x451 ? '\xB8'
                         : static_cast<char>(cp - 0x410 + 0xC0);
  return out;
}

TEST(CsvStatement, ReadsTheEncodingsSpreadsheetProgramsSave) {
  // Cyrillic text, a quoted field across a CRLF line break, a tab delimiter as "Unicode text".
  const std::string text =
      "Date\tAmount\tPayer\tPurpose\r\n"
      "2025-01-02\t5\t\t\"Пожертвование,\r\nприют Ёлка\"\r\n"
      "2025-01-03\t-2.50\t\tкомиссия\r\n";
  const std::string map = kSimple + ";delimiter=tab";
  struct Case {
    const char* name;
    std::string bytes;
    std::string extra;  // mapping keys
  };
  const Case cases[] = {
      {"UTF-8", text, ""},
      {"UTF-8 with BOM", "\xEF\xBB\xBF" + text, ""},
      {"UTF-8 with BOM, declared windows-1251: the mark wins", "\xEF\xBB\xBF" + text,
       ";encoding=windows-1251"},
      {"Windows-1251", cp1251(text), ";encoding=windows-1251"},
      {"Windows-1251 as charset=cp1251", cp1251(text), ";charset=CP1251"},
      {"UTF-16LE with BOM", utf16(text, false, true), ""},
      {"UTF-16BE with BOM", utf16(text, true, true), ""},
      {"UTF-16LE without BOM, declared", utf16(text, false, false), ";encoding=utf-16le"},
      {"UTF-16BE without BOM, declared", utf16(text, true, false), ";encoding=utf-16be"},
      {"UTF-16 without BOM: little-endian", utf16(text, false, false), ";encoding=utf-16"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto st = parse(c.bytes, map + c.extra);
    ASSERT_TRUE(st.has_value()) << st.error().message;
    ASSERT_EQ(st->lines.size(), 2u);
    EXPECT_EQ(st->lines[0].text, "Пожертвование,\r\nприют Ёлка");
    EXPECT_EQ(st->lines[0].amount, m(500, "KZT"));
    EXPECT_EQ(st->lines[1].line, 4u);
    EXPECT_EQ(st->lines[1].text, "комиссия");
    EXPECT_EQ(st->lines[1].amount, m(-250, "KZT"));
  }
}

TEST(CsvStatement, RefusesBytesThatAreNoCharacterInTheFilesEncoding) {
  const std::string map = kSimple + ";delimiter=tab";
  const std::string head = "Date\tAmount\tPayer\tPurpose\n2025-01-02\t5\t\tx\n";
  struct Case {
    const char* name;
    std::string bytes;
    std::string extra;
    const char* prefix;
    const char* part;
  };
  const Case cases[] = {
      {"Windows-1251 without a declaration", cp1251(head + "2025-01-03\t1\t\tприют\n"), "",
       "line 3: text: ", "encoding=windows-1251"},
      {"0x98 is no Windows-1251 character", head + "2025-01-03\t1\t\t\x98\n",
       ";encoding=windows-1251", "line 3: file: ", "not valid windows-1251"},
      {"a lone UTF-16 surrogate",
       utf16(head, false, true) + std::string("\x00\xD8\x41\x00", 4), "", "line 3: file: ",
       "not valid utf-16le"},
      {"an odd byte at the end of UTF-16", utf16(head, true, true) + "x", "", "line 3: file: ",
       "not valid utf-16be"},
      {"an unknown encoding", head, ";encoding=latin-7", "mapping: encoding: ", "not one of"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto mp = parse_csv_mapping(map + c.extra);
    if (!mp) {
      EXPECT_EQ(mp.error().message.rfind(c.prefix, 0), 0u) << mp.error().message;
      EXPECT_NE(mp.error().message.find(c.part), std::string::npos) << mp.error().message;
      continue;
    }
    std::istringstream in(c.bytes);
    expect_error(parse_csv(in, *mp), c.prefix, c.part);
  }
  expect_error(parse(std::string("Date,Amount,Payer,Purpose\n2025-01-02,5,\0,x\n", 43), kSimple),
               "line 2: file: ", "NUL byte");
}

TEST(CsvStatement, CountsPhysicalLinesThroughQuotedLineBreaks) {
  const std::string csv =
      "Date,Amount,Payer,Purpose\r\n"                   // 1
      "2025-01-02,1.00,,\"two\r\nlines\"\r\n"           // 2-3
      "2025-01-03,2.00,,\"three\nlines\n\"\r\n"         // 4-6
      "\r\n"                                            // 7 (empty: skipped)
      "2025-01-04,3.00,,\"a \"\"quoted\"\" word\"\r\n"  // 8
      "2025-01-05,4.00,,\"\"\r\n"                       // 9
      "2025-01-06,5.00,,\"cr only\rinside\"\r"          // 10-11 (CR line ends too)
      "2025-01-07,6.00,,last";                          // 12, no final line break
  auto st = parse(csv, kSimple);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  ASSERT_EQ(st->lines.size(), 6u);
  const std::uint64_t lines[] = {2, 4, 8, 9, 10, 12};
  const char* texts[] = {"two\r\nlines",    "three\nlines", "a \"quoted\" word", "",
                         "cr only\rinside", "last"};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(st->lines[i].line, lines[i]) << i;
    EXPECT_EQ(st->lines[i].text, texts[i]) << i;
  }
  // An error after them is reported on the right line too.
  expect_error(parse(csv + "\n2025-01-08,x,,", kSimple), "line 13: amount: ", "\"x\"");
}

TEST(CsvStatement, RefusesBrokenQuoting) {
  expect_error(parse("Date,Amount,Payer,Purpose\n2025-01-02,1.00,,ok\n2025-01-03,1.00,,\"Secret "
                     "Donor Name\nrest\n",
                     kSimple),
               "line 3: text: ", "never closed");
  expect_error(
      parse("Date,Amount,Payer,Purpose\n2025-01-02,1.00,\"" + std::string(kDonor) + "\"x,\n",
            kSimple),
      "line 2: counterparty: ", "after a closing quote");
  // A quote inside an unquoted field is an ordinary character.
  auto st = parse("Date,Amount,Payer,Purpose\n2025-01-02,1.00,,Shelter \"Safe Home\"\n", kSimple);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  EXPECT_EQ(st->lines[0].text, "Shelter \"Safe Home\"");
}

TEST(CsvStatement, ReadsDeclaredAmountFormats) {
  struct Case {
    const char* decimal;
    const char* thousands;
    const char* amount;
    std::int64_t minor;  // 0: refused
  };
  const Case cases[] = {
      {".", "none", "1234.56", 123456},
      {".", "none", "-1234.5", -123450},
      {".", "none", "+12", 1200},
      {".", "none", "1,234.56", 0},
      {",", "none", "1234,56", 123456},
      {",", "none", "1234.56", 0},
      {",", "space", "1 234 567,89", 123456789},
      {",", "space", "-1 234,00", -123400},
      {",", "space", "12 34,00", 0},
      {",", "space", "1 2345,00", 0},
      {",", "space", " 1 234,00 ", 123400},
      {",", "nbsp",
       "1\xC2\xA0"
       "234,50",
       123450},
      {",", "nbsp", "1 234,50", 0},
      {",", "dot", "1.234.567,89", 123456789},
      {",", "dot", "1.234", 123400},
      {",", "dot", "1.23", 0},
      {".", "comma", "1,234,567.89", 123456789},
      {".", "comma", "1,5", 0},
      {".", "comma", ",123.00", 0},
      {".", "apostrophe", "1'234.50", 123450},
      {".", "none", "12,5x", 0},
      {".", "none", "1e3", 0},
      {".", "none", "007", 0},
      {".", "none", "5.", 0},
      {".", "none", ".5", 0},
      {".", "none", "- 5", 0},
      {".", "none", "-0.00", 0},
      {".", "none", "92233720368547758.08", 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.decimal) + " " + c.thousands + " [" + c.amount + "]");
    std::string map = kSimple + ";decimal=" + c.decimal + ";thousands=" + c.thousands;
    std::string csv =
        "Date\tAmount\tPayer\tPurpose\n2025-01-02\t" + std::string(c.amount) + "\t\t\n";
    auto st = parse(csv, map + ";delimiter=tab");
    if (c.minor == 0) {
      expect_error(st, "line 2: amount: ", "");
    } else {
      ASSERT_TRUE(st.has_value()) << st.error().message;
      EXPECT_EQ(st->lines[0].amount, m(c.minor, "KZT"));
    }
  }
}

TEST(CsvStatement, RefusesThreeDecimalsForKzt) {
  expect_error(parse("Date,Amount,Payer,Purpose\n2025-01-02,1.005,,\n", kSimple),
               "line 2: amount: ", "\"1.005\": KZT has 2 decimal places");
}

TEST(CsvStatement, ReadsThreeDecimalCurrenciesFromACurrencyColumn) {
  const std::string map = "date=Date;amount=Amount;currency=Cur;account=Main";
  auto st = parse(
      "Date,Amount,Cur\n2025-01-02,12.345,KWD\n2025-01-02,-0.125,BHD\n2025-01-02,1500,JPY\n"
      "2025-01-02,1500,KWD\n",
      map);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  ASSERT_EQ(st->lines.size(), 4u);
  EXPECT_EQ(st->lines[0].amount, m(12345, "KWD"));
  EXPECT_EQ(st->lines[1].amount, m(-125, "BHD"));
  EXPECT_EQ(st->lines[2].amount, m(1500, "JPY"));
  EXPECT_EQ(st->lines[3].amount, m(1500000, "KWD"));
  expect_error(parse("Date,Amount,Cur\n2025-01-02,1.2345,KWD\n", map),
               "line 2: amount: ", "KWD has 3 decimal places");
  expect_error(parse("Date,Amount,Cur\n2025-01-02,1.5,JPY\n", map),
               "line 2: amount: ", "JPY has 0 decimal places");
  expect_error(parse("Date,Amount,Cur\n2025-01-02,1.5,XYZ\n", map),
               "line 2: currency: ", "unknown currency code \"XYZ\"");
  expect_error(parse("Date,Amount,Cur\n2025-01-02,1.5,tenge\n", map), "line 2: currency: ",
               "the value (not shown: it may be personal data) is not an ISO 4217");
  expect_error(parse("Date,Amount,Cur\n2025-01-02,1.5,\n", map),
               "line 2: currency: ", "\"\" is not an ISO 4217");
}

TEST(CsvStatement, ReadsCreditAndDebitColumns) {
  const std::string map =
      "date=Date;credit=In;debit=Out;currency-code=EUR;counterparty=IBAN;text=Note;account=Main;"
      "delimiter=semicolon;decimal=,";
  const std::string head = "Date;In;Out;IBAN;Note\n";
  auto st = parse(
      head + "2025-01-02;10,00;;;\n2025-01-03;;4,50;;\n2025-01-04;0,00;1;;\n2025-01-05;2;0;;\n",
      map);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  ASSERT_EQ(st->lines.size(), 4u);
  EXPECT_EQ(st->lines[0].amount, m(1000, "EUR"));
  EXPECT_EQ(st->lines[1].amount, m(-450, "EUR"));
  EXPECT_EQ(st->lines[2].amount, m(-100, "EUR"));
  EXPECT_EQ(st->lines[3].amount, m(200, "EUR"));

  const std::string secret = std::string(";") + kDonor + ";" + kSecret + "\n";
  expect_error(parse(head + "2025-01-02;1;2" + secret, map),
               "line 2: credit/debit: ", "both hold an amount");
  expect_error(parse(head + "2025-01-02;;" + secret, map),
               "line 2: credit/debit: ", "both are empty or zero");
  expect_error(parse(head + "2025-01-02;0;0,00" + secret, map),
               "line 2: credit/debit: ", "both are empty or zero");
  expect_error(parse(head + "2025-01-02;;-4,50" + secret, map), "line 2: debit: ", "has a sign");
  expect_error(parse(head + "2025-01-02;1,001;" + secret, map),
               "line 2: credit: ", "EUR has 2 decimal places");
}

TEST(CsvStatement, ReadsDeclaredDateFormats) {
  struct Case {
    const char* format;
    const char* date;
    const char* want;  // nullptr: refused
  };
  const Case cases[] = {
      {"YYYY-MM-DD", "2025-03-31", "2025-03-31"},
      {"YYYY-MM-DD", "2025-03-31T10:15:00", "2025-03-31"},
      {"YYYY-MM-DD", "2025-03-31 10:15", "2025-03-31"},
      {"DD.MM.YYYY", "31.03.2025", "2025-03-31"},
      {"DD.MM.YYYY", "31.03.2025 23:59:59", "2025-03-31"},
      {"DD/MM/YYYY", "01/02/2025", "2025-02-01"},
      {"MM/DD/YYYY", "01/02/2025", "2025-01-02"},
      {"MM/DD/YYYY", "02/29/2024", "2024-02-29"},
      {"MM/DD/YYYY", "02/29/2025", nullptr},
      {"DD/MM/YYYY", "13/13/2025", nullptr},
      {"DD.MM.YYYY", "2025-03-31", nullptr},
      {"DD.MM.YYYY", "1.3.2025", nullptr},
      {"DD.MM.YYYY", "31.04.2025", nullptr},
      {"DD.MM.YYYY", "31.03.2025T10:00", nullptr},
      {"DD.MM.YYYY", "31.03.2025 25:00", nullptr},
      {"YYYY-MM-DD", "1899-12-31", nullptr},
      {"YYYY-MM-DD", "2000-02-29", "2000-02-29"},
      {"YYYY-MM-DD", "2100-02-29", nullptr},
      {"YYYY-MM-DD", "", nullptr},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.format) + " [" + c.date + "]");
    auto st = parse("Date,Amount,Payer,Purpose\n" + std::string(c.date) + ",1,,\n",
                    kSimple + ";date-format=" + c.format);
    if (!c.want) {
      expect_error(st, "line 2: date: ", "");
    } else {
      ASSERT_TRUE(st.has_value()) << st.error().message;
      EXPECT_EQ(st->lines[0].booking_date, c.want);
    }
  }
}

TEST(CsvStatement, RefusesZeroAmounts) {
  expect_error(parse("Date,Amount,Payer,Purpose\n2025-01-02,1,,\n2025-01-02,0.00,,\n", kSimple),
               "line 3: amount: ", "zero");
}

TEST(CsvStatement, ReportsEachBadRowAtItsLineWithoutPersonalData) {
  // Every row carries the donor's IBAN and name; no message may show them.
  const std::string head =
      "Date,Amount,Payer,Purpose\n2025-01-01,1.00," + std::string(kDonor) + ",ok\n";
  const std::string tail = std::string(",") + kDonor + "," + kSecret + "\n";
  struct Case {
    std::string row;
    const char* prefix;
    const char* part;
  };
  const Case cases[] = {
      {"2025-02-30,1.00" + tail, "line 3: date: ", "\"2025-02-30\" is not a real calendar date"},
      {"yesterday,1.00" + tail, "line 3: date: ", "not shown"},
      {std::string(kSecret) + ",1.00" + tail, "line 3: date: ", "not shown"},
      {"2025-01-02," + std::string(kSecret) + tail, "line 3: amount: ", "not shown"},
      {"2025-01-02,12.5x" + tail, "line 3: amount: ", "\"12.5x\" is not a decimal amount"},
      {"2025-01-02," + tail, "line 3: amount: ", "is empty"},
      {"2025-01-02,1.00," + std::string(kDonor) + "," + kSecret + ",extra\n",
       "line 3: row: ", "has 5 fields but the header (line 1) has 4"},
      {"2025-01-02,1.00\n", "line 3: row: ", "has 2 fields"},
      {"2025-01-02,1.00," + std::string(kDonor) + ",Secret \xC0\xAF Donor\n",
       "line 3: text: ", "not valid UTF-8"},
      {"2025-01-02,1.00,KZ49\xFF"
       "722C,x\n",
       "line 3: counterparty: ", "not valid UTF-8"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.row);
    expect_error(parse(head + c.row + "2025-01-03,-5" + tail, kSimple), c.prefix, c.part);
  }
}

TEST(CsvStatement, ChecksTheHeader) {
  expect_error(parse("", kSimple), "line 1: header: ", "no header row");
  expect_error(parse("\n\n", kSimple), "line 3: header: ", "no header row");
  // The header's cells are never listed: in a file without a header they are donor data.
  expect_error(parse(std::string("2025-01-01,1.00,") + kDonor + "," + kSecret + "\n", kSimple),
               "line 1: date: ", "none of the header's 4 columns is named \"Date\"");
  expect_error(parse("Date,Amount,Amount,Payer,Purpose\n", kSimple),
               "line 1: amount: ", "more than one column named \"Amount\"");
  expect_error(parse("Date;Amount;Payer;Purpose\n", kSimple),
               "line 1: date: ", "check the delimiter");

  auto st =
      parse(" Date , Amount,Payer,Purpose,Unmapped\n", kSimple);  // trimmed; extra columns are fine
  ASSERT_TRUE(st.has_value()) << st.error().message;
  EXPECT_TRUE(st->lines.empty());
}

TEST(CsvStatement, SkipsDeclaredPreambleLines) {
  const std::string csv =
      "Statement of account\r\nPeriod: March\r\nDate,Amount,Payer,Purpose\r\n2025-03-01,9,,\r\n";
  auto st = parse(csv, kSimple + ";skip-lines=2");
  ASSERT_TRUE(st.has_value()) << st.error().message;
  ASSERT_EQ(st->lines.size(), 1u);
  EXPECT_EQ(st->lines[0].line, 4u);
  expect_error(parse(csv, kSimple), "line 1: date: ", "none of the header's 1 columns");
}

TEST(CsvStatement, ReadsCommaDelimitedFilesWithQuotedAmounts) {
  auto st = parse("Date,Amount,Payer,Purpose\n2025-01-02,\"1,234.50\",,\"a, b\"\n",
                  kSimple + ";thousands=comma");
  ASSERT_TRUE(st.has_value()) << st.error().message;
  EXPECT_EQ(st->lines[0].amount, m(123450, "KZT"));
  EXPECT_EQ(st->lines[0].text, "a, b");
}

TEST(CsvStatement, ReadsRowsAcrossBufferBoundaries) {
  // Well over the 1 MiB read size, with quoted line breaks and "" everywhere, so that rows,
  // quotes and CRLF pairs fall across the refills.
  std::string csv = "Date,Amount,Payer,Purpose\r\n";
  const int n = 40000;
  std::vector<std::uint64_t> lines;
  std::uint64_t line = 2;
  for (int i = 0; i < n; ++i) {
    lines.push_back(line);
    csv += "2025-01-02," + std::to_string(i + 1) + ".25,KZ06125KZT2002400456,\"row \"\"" +
           std::to_string(i) + "\"\"\r\nsecond line\"\r\n";
    line += 2;
  }
  auto st = parse(csv, kSimple);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  ASSERT_EQ(st->lines.size(), static_cast<std::size_t>(n));
  for (int i = 0; i < n; i += 997) {
    EXPECT_EQ(st->lines[i].line, lines[i]);
    EXPECT_EQ(st->lines[i].text, "row \"" + std::to_string(i) + "\"\r\nsecond line");
    EXPECT_EQ(st->lines[i].amount, m((i + 1) * 100 + 25, "KZT"));
  }
}

TEST(CsvStatement, NeverQuotesAnAccountMappedAsACode) {
  // A wrong mapping (currency=<the payer's column>) must not print the payer's IBAN.
  expect_error(parse(std::string("Date,Amount,Payer\n2025-01-02,1.00,") + kDonor + "\n",
                     "date=Date;amount=Amount;currency=Payer;account=Main"),
               "line 2: currency: ", "not shown");
  expect_error(parse(std::string("Date,Amount,Payer\n2025-01-02,") + kDonor + ",x\n",
                     "date=Date;amount=Amount;currency-code=KZT;account=Main"),
               "line 2: amount: ", "not shown");
}

TEST(CsvStatement, RefusesRowsTooWideToHold) {
  expect_error(
      parse("Date,Amount,Payer,Purpose\n2025-01-02,1" + std::string(1000, ',') + "\n", kSimple),
      "line 2: row: ", "more than 1000 fields");
  expect_error(
      parse("Date,Amount,Payer,Purpose\n2025-01-02,1,,\"" + std::string(17 << 20, 'x'), kSimple),
      "line 2: row: ", "longer than 16 MiB");
}

TEST(CsvStatement, AFailedStreamIsUnavailable) {
  std::istringstream in("Date,Amount,Payer,Purpose\n");
  in.setstate(std::ios::failbit);
  auto r = parse_csv(in, mapping(kSimple));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::unavailable);
}

TEST(CsvStatement, FileThatDoesNotExistIsNotFound) {
  auto r = parse_csv_file("/nonexistent/statement.csv", mapping(kSimple));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::not_found);
}

}  // namespace
}  // namespace amanat::books::import
