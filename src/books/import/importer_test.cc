// Importing statements into the books: idempotent, all or nothing, routed by the payment text,
// matched to what was booked by hand, and without keeping the counterparty or the text.
#include "books/import/importer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "books/import/csv.h"
#include "books/testing.h"

namespace amanat::books::import {
namespace {

using books::testing::BooksFixture;
using books::testing::kzt;

const char* kMap = "account=Kaspi-Main;date=Date;amount=Amount;currency=Currency;ref=Ref;counterparty=Payer;text=Purpose";

Statement csv(const std::string& text) {
  std::istringstream in(text);
  auto st = parse_csv(in, *parse_csv_mapping(kMap));
  EXPECT_TRUE(st) << st.error().message;
  return st ? *st : Statement{};
}

const std::string kStatement =
    "Date,Amount,Currency,Ref,Payer,Purpose\n"
    "2025-03-01,15000.00,KZT,R-1,KZ86125KZT5004100100,for appeal A-7 from Canary-Donor-Name\n"
    "2025-03-02,2500.00,KZT,R-2,KZ86125KZT5004100100,general support\n"
    "2025-03-03,-4000.00,KZT,R-3,KZ49722C000022223333,lawyer fee\n"
    "2025-03-03,-100.00,KZT,R-4,,bank fee\n";

class Importing : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(b.books().open_appeal(AppealOpen{"A-7", "Case seven", "", "C-7", kzt(10000000), "2025-01-01"}));
  }
  Result<ImportResult> run(const Statement& st, std::map<std::string, Rate> rates = {}) {
    ImportOptions o;
    o.rates = std::move(rates);
    return import_statement(b.books(), b.bank(), keys(), st, o);
  }
  const crypto::Keyring& keys() {
    static const crypto::Keyring k = [] {
      std::array<std::uint8_t, 32> m{};
      m[0] = 7;
      return crypto::Keyring::from_master(m);
    }();
    return k;
  }
  std::int64_t raised(const std::string& fund) {
    auto rep = b.reports().report({});
    for (const auto& f : rep->funds)
      if (f.fund == fund) return f.raised;
    return -1;
  }
  BooksFixture b;
};

TEST_F(Importing, MoneyInIsBookedToTheAppealNamedInThePaymentText) {
  auto r = run(csv(kStatement));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->booked, 2u);
  EXPECT_EQ(r->money_out, 2u);
  EXPECT_EQ(raised("A-7"), 1500000);
  EXPECT_EQ(raised("general"), 250000);
}

TEST_F(Importing, TheSameStatementTwiceBooksNothingTwice) {
  ASSERT_TRUE(run(csv(kStatement)));
  auto size = b.seq().size();
  auto again = run(csv(kStatement));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->booked, 0u);
  EXPECT_EQ(again->known, 4u);
  EXPECT_EQ(b.seq().size(), size);
  EXPECT_EQ(raised("A-7"), 1500000);
  // An overlapping statement with one new line books only that line.
  auto more = run(csv(kStatement + "2025-03-04,100.00,KZT,R-5,,A-7\n"));
  ASSERT_TRUE(more);
  EXPECT_EQ(more->booked, 1u);
  EXPECT_EQ(raised("A-7"), 1510000);
}

TEST_F(Importing, TheSameStatementAfterARestartBooksNothing) {
  ASSERT_TRUE(run(csv(kStatement)));
  auto size = b.seq().size();
  b.reopen();  // the known lines are read from the store, not from the previous run's memory
  auto again = run(csv(kStatement));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->booked, 0u);
  EXPECT_EQ(again->known, 4u);
  EXPECT_EQ(b.seq().size(), size);
  EXPECT_EQ(raised("A-7"), 1500000);
}

TEST_F(Importing, TwoIdenticalLinesInOneFileAreTwoDonations) {
  auto r = run(csv("Date,Amount,Currency,Ref,Payer,Purpose\n2025-03-01,10.00,KZT,,,x\n2025-03-01,10.00,KZT,,,x\n"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->booked, 2u);
}

TEST_F(Importing, AForeignCurrencyLineWithoutARateBooksNothingFromTheFile) {
  auto st = csv(kStatement + "2025-03-05,100.00,USD,R-6,,A-7\n");
  auto size = b.seq().size();
  auto r = run(st);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("line 6"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("--rate USD"), std::string::npos);
  EXPECT_EQ(b.seq().size(), size);
  auto ok = run(st, {{"USD", *parse_rate("470.5")}});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(raised("A-7"), 1500000 + 4705000);
}

TEST_F(Importing, ABadLineIsRefusedByTheParserWithItsLineNumber) {
  std::istringstream in("Date,Amount,Currency,Ref,Payer,Purpose\n2025-03-01,10.00,KZT,,,x\n2025-03-02,1O.00,KZT,,,y\n");
  auto st = parse_csv(in, *parse_csv_mapping(kMap));
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("line 3"), std::string::npos) << st.error().message;
}

TEST_F(Importing, ADonationBookedByHandIsMatchedNotBookedAgain) {
  DonationInput d{"2025-03-02", kzt(250000), Channel::bank, "", "general", {}, "", "R-2"};
  ASSERT_TRUE(b.books().donate(d));
  auto r = run(csv(kStatement));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->matched_donations, 1u);
  EXPECT_EQ(r->booked, 1u);
  EXPECT_EQ(raised("general"), 250000);
}

TEST_F(Importing, ADonationBookedByHandBetweenTwoImportsIsMatchedByTheSecond) {
  // The first import learns which references hand-booked donations carry; one booked after it
  // must still be found by the next statement.
  ASSERT_TRUE(run(csv(kStatement)));
  DonationInput d{"2025-03-05", kzt(70000), Channel::bank, "", "general", {}, "", "R-9"};
  ASSERT_TRUE(b.books().donate(d));
  auto r = run(csv(kStatement + "2025-03-05,700.00,KZT,R-9,,general\n2025-03-05,700.00,KZT,R-9,,general\n"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->known, 4u);
  EXPECT_EQ(r->matched_donations, 1u);  // one donation matches one line; the second is booked
  EXPECT_EQ(r->booked, 1u);
  EXPECT_EQ(raised("general"), 250000 + 70000 + 70000);
}

TEST_F(Importing, ALineWithTheReferenceOfAHandBookedDonationButAnotherAmountIsBooked) {
  DonationInput d{"2025-03-02", kzt(999), Channel::bank, "", "general", {}, "", "R-2"};
  ASSERT_TRUE(b.books().donate(d));
  auto r = run(csv(kStatement));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->matched_donations, 0u);
  EXPECT_EQ(r->booked, 2u);
}

TEST_F(Importing, ReconciliationMatchesExpensesAndListsWhatHasNoCounterpart) {
  ASSERT_TRUE(run(csv(kStatement)));
  ExpenseInput e{Expense{"2025-03-03", kzt(400000), Category::lawyer, "Bank:Main", "", "", {{"A-7", kzt(400000)}}, {}, {}},
                 "An invented law office", "R-3"};
  ASSERT_TRUE(b.books().add_expense(e));
  ExpenseInput unpaid = e;
  unpaid.expense.date = "2025-03-04";
  unpaid.bank_ref = "";
  ASSERT_TRUE(b.books().add_expense(unpaid));
  ASSERT_EQ(*b.bank().match_expenses(), 1u);
  auto rec = b.bank().reconcile({});
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->matched, 3u);      // two donations and the lawyer's fee
  EXPECT_EQ(rec->bank_only, 1u);    // the bank fee
  EXPECT_EQ(rec->record_only, 1u);  // the expense with no bank line
}

TEST_F(Importing, NeitherTheCounterpartyNorThePaymentTextIsKept) {
  ASSERT_TRUE(run(csv(kStatement)));
  b.reopen();
  std::string all;
  for (const auto& f : std::filesystem::directory_iterator(b.dir())) {
    std::ifstream in(f.path(), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), {});
  }
  EXPECT_EQ(all.find("KZ86125KZT5004100100"), std::string::npos);
  EXPECT_EQ(all.find("Canary-Donor-Name"), std::string::npos);
  EXPECT_EQ(all.find("lawyer fee"), std::string::npos);
}

TEST(StatementFormat, BothFrontEndsChooseTheFormatAndMappingAlikeNamingTheOption) {
  EXPECT_FALSE(choose_statement_format("camt053", "", "--")->csv);
  auto csv = choose_statement_format("csv", "account=Kaspi-Main;date=Date;amount=Amount;currency-code=KZT", "");
  ASSERT_TRUE(csv) << csv.error().message;
  EXPECT_TRUE(csv->csv);
  struct Case {
    const char *format, *map, *prefix, *starts;
  } cases[] = {
      {"xls", "", "--", "--format: one of camt, camt052, camt053, camt054, mt940, 1c, csv"},
      {"camt053", "date=Date", "", "map: only for format csv"},
      {"camt", "date=Date", "--", "--map: only for --format csv"},
      {"mt940", "date=Date", "", "map: only for format csv"},
      {"1c", "date=Date", "", "map: only for format csv"},
      {"CAMT", "", "", "format: one of"},
      {"csv", "", "--", "--map: a CSV statement needs its column mapping"},
      {"csv", "date=Date", "", "map: "},
  };
  for (const auto& c : cases) {
    auto r = choose_statement_format(c.format, c.map, c.prefix);
    ASSERT_FALSE(r) << c.format << " " << c.map;
    EXPECT_EQ(r.error().code, Errc::invalid);
    EXPECT_TRUE(r.error().message.starts_with(c.starts)) << r.error().message;
  }
  std::istringstream in("Date,Amount\n2025-03-01,1.00\n");
  auto st = parse_statement(in, *choose_statement_format("csv", "account=K;date=Date;amount=Amount;currency-code=KZT", ""));
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_EQ(st->lines.size(), 1u);
}

TEST(StatementFormat, EachFormatNameReadsItsFormat) {
  const std::string camt052 =
      "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.052.001.08\"><BkToCstmrAcctRpt><Rpt>"
      "<Acct><Id><IBAN>KZ76125KZT1001300123</IBAN></Id></Acct><Ntry><Amt Ccy=\"KZT\">1</Amt>"
      "<CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><ValDt><Dt>2025-03-01</Dt></ValDt>"
      "</Ntry></Rpt></BkToCstmrAcctRpt></Document>";
  const std::string mt940 = ":20:X\n:25:KZ76125KZT1001300123\n:60F:C250301KZT0,\n:61:250301C1,NTRFR\n";
  const std::string onec =
      "1CClientBankExchange\nСекцияРасчСчет\nРасчСчет=KZ76125KZT1001300123\nКонецРасчСчет\n"
      "СекцияДокумент=x\nСумма=1\nДата=01.03.2025\nПолучательИИК=KZ76125KZT1001300123\n"
      "КонецДокумента\nКонецФайла\n";
  struct Case {
    const char* format;
    const std::string& text;
    const char* want;  // Statement::format, or nullptr: refused
  };
  const Case cases[] = {
      {"camt", camt052, "camt.052.001.08"}, {"camt052", camt052, "camt.052.001.08"},
      {"camt053", camt052, nullptr},       {"camt054", camt052, nullptr},
      {"mt940", mt940, "mt940"},           {"mt942", mt940, "mt940"},
      {"1c", onec, "1c"},                  {"camt", mt940, nullptr},
      {"mt940", onec, nullptr},            {"1c", camt052, nullptr},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.format) + " " + c.text.substr(0, 20));
    auto f = choose_statement_format(c.format, "", "--");
    ASSERT_TRUE(f) << f.error().message;
    std::istringstream in(c.text);
    auto st = parse_statement(in, *f);
    if (!c.want) {
      EXPECT_FALSE(st.has_value());
      continue;
    }
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_EQ(st->format, c.want);
    ASSERT_EQ(st->lines.size(), 1u);
    EXPECT_EQ(st->lines[0].amount.minor, 100);
  }
}

}  // namespace
}  // namespace amanat::books::import
