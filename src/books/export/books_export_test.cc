// The books exported and read back by the real ledger, hledger and beancount: every fund's
// figures in amanat's own report equal what the tools compute from the export, to the minor unit.
#include <gtest/gtest.h>

#include <fstream>

#include "books/demo.h"
#include "books/export/books_export.h"
#include "books/export/tool_balances.h"
#include "books/posting.h"
#include "books/testing.h"

namespace amanat::books::exporter {
namespace {

using books::testing::BooksFixture;

std::int64_t bal(const ToolBalances& b, const std::string& account, const std::string& cur = "KZT") {
  auto a = b.by_account.find(account);
  if (a == b.by_account.end()) return 0;
  auto c = a->second.find(cur);
  return c == a->second.end() ? 0 : c->second;
}

// Checks every fund of the report against the tool's balances of the fund's accounts.
void expect_report_matches(const Report& r, const ToolBalances& tool, const std::string& which) {
  for (const auto& f : r.funds) {
    std::string cur(f.currency.code());
    EXPECT_EQ(-bal(tool, income_account(f.fund), cur), f.raised) << which << " " << f.fund;
    std::int64_t spent = 0;
    for (const auto& [cat, amount] : f.spent_by_category) {
      EXPECT_EQ(bal(tool, expense_account(f.fund, cat), cur), amount) << which << " " << f.fund << " " << category_name(cat);
      spent += bal(tool, expense_account(f.fund, cat), cur);
    }
    EXPECT_EQ(spent, f.spent) << which << " " << f.fund;
    std::int64_t net_transfers = -bal(tool, transfer_account(f.fund), cur);
    EXPECT_EQ(net_transfers, f.transfers_in - f.transfers_out) << which << " " << f.fund;
    EXPECT_EQ(-bal(tool, income_account(f.fund), cur) - spent + net_transfers, f.balance) << which << " " << f.fund;
  }
}

class BooksExport : public ::testing::Test {
 protected:
  void SetUp() override {
    DemoOptions o;
    o.donations = 1500;
    o.appeals = 4;
    o.years = 1;
    o.seed = 42;
    auto sum = generate_demo(b.books(), o);
    ASSERT_TRUE(sum) << sum.error().message;
    // A foreign-currency gift with its rate, and a correction, beside the demo's records.
    DonationInput usd{"2022-12-30", Money{10000, *currency("USD")}, Channel::card, "", "general",
                      {{"KZT", *parse_rate("470.15")}}, "", "", DateCheck::confirmed};
    auto d = b.books().donate(usd);
    ASSERT_TRUE(d) << d.error().message;
    ASSERT_TRUE(b.books().correct(Correction{"2022-12-31", d->leaf, "refunded to the donor"}, DateCheck::confirmed));
    ASSERT_TRUE(b.books().donate(usd));
    auto rep = b.reports().report({});
    ASSERT_TRUE(rep);
    report = *rep;
  }
  std::filesystem::path write(Format f, const std::string& name) {
    auto path = b.dir() / name;
    std::ofstream out(path, std::ios::binary);
    auto n = export_books(b.reports(), f, out);
    EXPECT_TRUE(n) << n.error().message;
    return path;
  }
  BooksFixture b;
  Report report{.currency = *currency("KZT")};
};

#define SKIP_IF_MISSING(result)                                                        \
  if (!(result) && (result).error().code == Errc::unavailable) GTEST_SKIP() << (result).error().message

TEST_F(BooksExport, LedgerReadsTheSameFundFiguresAsTheReport) {
  auto tool = ledger_balances(write(Format::ledger, "books.ledger"));
  SKIP_IF_MISSING(tool);
  ASSERT_TRUE(tool) << tool.error().message;
  expect_report_matches(report, *tool, "ledger");
  EXPECT_EQ(bal(*tool, "Assets:Card", "USD"), 10000);  // the reversed gift is out, the second one in
}

TEST_F(BooksExport, HledgerReadsTheSameFundFiguresAsTheReport) {
  auto tool = hledger_balances(write(Format::ledger, "books.journal"));
  SKIP_IF_MISSING(tool);
  ASSERT_TRUE(tool) << tool.error().message;
  expect_report_matches(report, *tool, "hledger");
}

TEST_F(BooksExport, BeancountChecksAndReadsTheSameFundFiguresAsTheReport) {
  auto tool = beancount_balances(write(Format::beancount, "books.beancount"));
  SKIP_IF_MISSING(tool);
  ASSERT_TRUE(tool) << tool.error().message;
  expect_report_matches(report, *tool, "beancount");
}

}  // namespace
}  // namespace amanat::books::exporter
