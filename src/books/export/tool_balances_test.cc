// Exports journals and checks that ledger, hledger and beancount read back exactly the balances
// amanat computes. The tests that need a tool are skipped (not failed) where it is not
// installed, with the Debian package to install in the skip message.
#include "books/export/tool_balances.h"

#include <gtest/gtest.h>

#include <fstream>

#include "books/export/export_test_support.h"
#include "books/export/journal_writer.h"

namespace amanat::books::exporter {
namespace {

using testing::export_to;
using testing::header_for;
using testing::post;
using testing::post_at_cost;
using testing::RandomBooks;
using testing::reversal;
using testing::TempDir;

// Skips the test when a tool is missing; any other failure fails it with the tool's output.
#define ASSERT_TOOL_OK(result)                                                     \
  do {                                                                             \
    if (!(result) && (result).error().code == Errc::unavailable)                   \
      GTEST_SKIP() << (result).error().message;                                    \
    ASSERT_TRUE((result).has_value()) << errc_name((result).error().code) << ": " \
                                      << (result).error().message;                 \
  } while (0)

ToolBalances expected_for(const std::vector<Transaction>& txs) {
  ToolBalances b;
  for (const Transaction& tx : txs) EXPECT_TRUE(add_postings(b, tx).has_value());
  return b;
}

void write_file(const std::filesystem::path& p, std::string_view text) {
  std::ofstream(p, std::ios::binary) << text;
}

// The books of a small NGO over a few weeks: every kind of record the exporters must carry.
std::vector<Transaction> hand_written_books() {
  std::vector<Transaction> txs;
  txs.push_back({1, "2025-03-01", "Unrestricted donation; online \"card\"\npayment  ",
                 {{"leaf", "1"}, {"type", "donation"}},
                 {post("Assets:Bank:Main", "15000.00", "KZT"),
                  post("Income:Unrestricted:Donations", "-15000.00", "KZT")}});
  txs.push_back({2, "2025-03-02", "Өтініш бойынша қайырымдылық / обращение",
                 {{"leaf", "2"}, {"type", "donation"}, {"appeal", "FLOOD-2025"}},
                 {post("Assets:Bank:Main", "250000.00", "KZT"),
                  post("Income:Restricted:FLOOD-2025:Donations", "-250000.00", "KZT")}});
  // A split expense: shelter from the appeal, the bank fee from the general fund.
  Transaction split{3, "2025-03-05", "Shelter rent March (split)",
                    {{"leaf", "3"}, {"type", "expense"}},
                    {post("Expenses:Restricted:FLOOD-2025:Shelter", "120000.00", "KZT"),
                     post("Expenses:Unrestricted:Bank-Fees", "150.00", "KZT"),
                     post("Assets:Bank:Main", "-120150.00", "KZT")}};
  txs.push_back(split);
  // Board-approved transfer of general funds into the appeal.
  txs.push_back({4, "2025-03-06", "Transfer to FLOOD-2025",
                 {{"leaf", "4"}, {"type", "transfer"}},
                 {post("Equity:Transfers:Unrestricted", "5000.00", "KZT"),
                  post("Equity:Transfers:Restricted:FLOOD-2025", "-5000.00", "KZT")}});
  // The split expense was entered twice by mistake: reversed, never edited.
  txs.push_back(reversal(split, 5, "2025-03-07"));
  // A USD donation to a KZT appeal, at the bank's rate.
  txs.push_back({6, "2025-03-08", "USD donation (card) to FLOOD-2025",
                 {{"leaf", "6"}, {"type", "donation"}, {"rate", "451.2345"}},
                 {post_at_cost("Assets:Bank:USD", "100.00", "USD", "45123.45", "KZT"),
                  post("Income:Restricted:FLOOD-2025:Donations", "-45123.45", "KZT")}});
  // A partial refund of it: negative amount, negative cost.
  txs.push_back({7, "2025-03-09", "Refund, part of 6",
                 {{"leaf", "7"}, {"type", "refund"}, {"reverses", "6"}},
                 {post_at_cost("Assets:Bank:USD", "-10.00", "USD", "-4512.35", "KZT"),
                  post("Income:Restricted:FLOOD-2025:Donations", "4512.35", "KZT")}});
  // Yen (no minor unit): kept in yen, and some converted at a cost.
  txs.push_back({8, "2025-03-10", "Donation from Japan",
                 {{"leaf", "8"}},
                 {post("Assets:Bank:Tokyo", "5000", "JPY"),
                  post("Income:Unrestricted:Donations", "-5000", "JPY")}});
  txs.push_back({9, "2025-03-11", "(fx) yen to tenge",
                 {{"x", "one-letter key"}, {"lineno", "reserved by beancount"}},
                 {post_at_cost("Assets:Bank:Tokyo", "-5", "JPY", "-16.27", "KZT"),
                  post("Assets:Bank:Main", "16.27", "KZT")}});
  // Bahraini dinar and Kuwaiti dinar (three decimals), down to one fils.
  txs.push_back({10, "2025-03-12", "* Gulf donors; BHD and KWD",
                 {{"memo", "say \"thanks\" \\ [2024-01-01]; a: b"}},
                 {post("Assets:Bank:Manama", "1.234", "BHD"),
                  post("Income:Unrestricted:Donations", "-1.234", "BHD"),
                  post("Assets:Bank:Kuwait", "0.001", "KWD"),
                  post("Income:Unrestricted:Donations", "-0.001", "KWD")}});
  txs.push_back({11, "2025-03-13", "Legal aid paid in KWD from the appeal",
                 {},
                 {post_at_cost("Assets:Bank:Kuwait", "-0.001", "KWD", "-1.49", "KZT"),
                  post("Expenses:Restricted:FLOOD-2025:Legal-Aid", "1.49", "KZT")}});
  // A parent account posted to directly: the tools must not roll children into it.
  txs.push_back({12, "2025-03-14", "Cash float",
                 {},
                 {post("Assets:Bank", "1.00", "KZT"), post("Assets:Bank:Main", "-1.00", "KZT")}});
  return txs;
}

JournalHeader hand_written_header(const std::vector<Transaction>& txs) {
  return header_for(txs, "Koldau Foundation; \"Алматы\"\nbranch", currency("KZT").value());
}

class ToolBalancesTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

// ---- Hand-written books ----------------------------------------------------------------------

TEST_F(ToolBalancesTest, HandWrittenBooksExpectedBalancesAreTheOnesWeComputedByHand) {
  ToolBalances b = expected_for(hand_written_books());
  using M = std::map<std::string, std::int64_t>;
  EXPECT_EQ(b.by_account["Assets:Bank:Main"],
            (M{{"KZT", 1500000 + 25000000 + 1627 - 100}}));  // the split is reversed
  EXPECT_EQ(b.by_account["Assets:Bank"], (M{{"KZT", 100}}));
  EXPECT_EQ(b.by_account["Assets:Bank:USD"], (M{{"USD", 9000}}));  // raw USD, not KZT
  EXPECT_EQ(b.by_account["Assets:Bank:Tokyo"], (M{{"JPY", 4995}}));
  EXPECT_EQ(b.by_account["Assets:Bank:Manama"], (M{{"BHD", 1234}}));
  EXPECT_EQ(b.by_account.count("Assets:Bank:Kuwait"), 0u);  // +1 fils -1 fils: zero, left out
  EXPECT_EQ(b.by_account["Income:Unrestricted:Donations"],
            (M{{"BHD", -1234}, {"JPY", -5000}, {"KWD", -1}, {"KZT", -1500000}}));
  EXPECT_EQ(b.by_account["Income:Restricted:FLOOD-2025:Donations"],
            (M{{"KZT", -25000000 - 4512345 + 451235}}));
  EXPECT_EQ(b.by_account.count("Expenses:Restricted:FLOOD-2025:Shelter"), 0u);
}

TEST_F(ToolBalancesTest, LedgerAndHledgerReadTheHandWrittenBooksExactly) {
  auto txs = hand_written_books();
  auto path = dir_ / "books.ledger";
  auto st = export_to<LedgerWriter>(path, hand_written_header(txs), txs);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  ToolBalances want = expected_for(txs);

  auto ledger = ledger_balances(path);
  ASSERT_TOOL_OK(ledger);
  EXPECT_EQ(describe_differences(want, *ledger), "");
  auto hledger = hledger_balances(path);
  ASSERT_TOOL_OK(hledger);
  EXPECT_EQ(describe_differences(want, *hledger), "");
}

TEST_F(ToolBalancesTest, BeancountReadsTheHandWrittenBooksExactly) {
  auto txs = hand_written_books();
  auto path = dir_ / "books.beancount";
  auto st = export_to<BeancountWriter>(path, hand_written_header(txs), txs);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  auto bean = beancount_balances(path);
  ASSERT_TOOL_OK(bean);
  EXPECT_EQ(describe_differences(expected_for(txs), *bean), "");
}

TEST_F(ToolBalancesTest, ToolsKeepTheNarrationAndMetadataText) {
  // Balances say nothing about text; ask the tools to print it back.
  auto txs = hand_written_books();
  auto lpath = dir_ / "books.ledger";
  auto bpath = dir_ / "books.beancount";
  ASSERT_TRUE(export_to<LedgerWriter>(lpath, hand_written_header(txs), txs).has_value());
  ASSERT_TRUE(export_to<BeancountWriter>(bpath, hand_written_header(txs), txs).has_value());

  auto hl = run_tool({"hledger", "-f", lpath.string(), "reg", "tag:leaf=^2$", "-O", "csv"},
                     "hledger");
  ASSERT_TOOL_OK(hl);
  EXPECT_NE(hl->out.find("Өтініш бойынша қайырымдылық / обращение"), std::string::npos) << hl->out;

  auto led = run_tool({"ledger", "--args-only", "-f", lpath.string(), "reg", "--format",
                       "%(code)|%(payee)|%(meta(\"memo\"))\n", "expr", "code == '10'"},
                      "ledger");
  ASSERT_TOOL_OK(led);
  EXPECT_NE(led->out.find("10|* Gulf donors, BHD and KWD|say \"thanks\" \\ [2024-01-01]; a: b"),
            std::string::npos)
      << led->out << led->err;

  auto bq = run_tool({"bean-query", "-f", "csv", bpath.string(),
                      "SELECT DISTINCT narration, entry_meta('memo') WHERE narration ~ 'Gulf'"},
                     "beancount");
  ASSERT_TOOL_OK(bq);
  EXPECT_NE(bq->out.find("* Gulf donors; BHD and KWD"), std::string::npos) << bq->out;
  EXPECT_NE(bq->out.find("say \"\"thanks\"\" \\ [2024-01-01]; a: b"), std::string::npos)
      << bq->out;  // CSV doubles the quotes
}

// ---- Property: random books, three tools, to the minor unit ---------------------------------------

TEST_F(ToolBalancesTest, RandomBalancedBooksGiveTheSameBalancesInAllThreeTools) {
  RandomBooks gen(20250301);
  std::vector<Transaction> txs;
  for (std::uint64_t id = 1; id <= 400; ++id) txs.push_back(gen.next(id));
  JournalHeader h = header_for(txs, "Random books", currency("KZT").value());
  ToolBalances want = expected_for(txs);
  ASSERT_GT(want.by_account.size(), 10u);

  auto lpath = dir_ / "random.ledger";
  auto bpath = dir_ / "random.beancount";
  auto st = export_to<LedgerWriter>(lpath, h, txs);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  st = export_to<BeancountWriter>(bpath, h, txs);
  ASSERT_TRUE(st.has_value()) << st.error().message;

  auto ledger = ledger_balances(lpath);
  ASSERT_TOOL_OK(ledger);
  EXPECT_EQ(describe_differences(want, *ledger), "");
  auto hledger = hledger_balances(lpath);
  ASSERT_TOOL_OK(hledger);
  EXPECT_EQ(describe_differences(want, *hledger), "");
  auto bean = beancount_balances(bpath);
  ASSERT_TOOL_OK(bean);
  EXPECT_EQ(describe_differences(want, *bean), "");
}

// ---- Failures are reported, never papered over ---------------------------------------------------

TEST_F(ToolBalancesTest, ToolRejectingTheFileIsInvalidWithTheToolsOwnMessage) {
  auto path = dir_ / "broken.ledger";
  write_file(path, "2025-03-01 * broken\n    Assets:Bank:Main  1.00 KZT\n"
                   "    Income:Unrestricted:Donations  -2.00 KZT\n");
  auto ledger = ledger_balances(path);
  if (ledger || ledger.error().code != Errc::unavailable) {
    ASSERT_FALSE(ledger.has_value());
    EXPECT_EQ(ledger.error().code, Errc::invalid);
    EXPECT_NE(ledger.error().message.find("ledger rejected"), std::string::npos);
    EXPECT_NE(ledger.error().message.find("does not balance"), std::string::npos)
        << ledger.error().message;
  }
  auto hledger = hledger_balances(path);
  if (hledger || hledger.error().code != Errc::unavailable) {
    ASSERT_FALSE(hledger.has_value());
    EXPECT_EQ(hledger.error().code, Errc::invalid);
    EXPECT_NE(hledger.error().message.find("hledger rejected"), std::string::npos);
  }

  auto bpath = dir_ / "broken.beancount";
  write_file(bpath, "2025-03-01 open Assets:Bank:Main\n"
                    "2025-03-01 * \"used before it is open\"\n"
                    "  Assets:Bank:Main  1.00 KZT\n  Income:Unrestricted:Donations  -1.00 KZT\n");
  auto bean = beancount_balances(bpath);
  if (bean || bean.error().code != Errc::unavailable) {
    ASSERT_FALSE(bean.has_value());
    EXPECT_EQ(bean.error().code, Errc::invalid);
    EXPECT_NE(bean.error().message.find("bean-check rejected"), std::string::npos);
    EXPECT_NE(bean.error().message.find("Income:Unrestricted:Donations"), std::string::npos)
        << bean.error().message;
  }
}

TEST_F(ToolBalancesTest, AmountFinerThanTheMinorUnitIsCorruptNotRounded) {
  // Not something the writers produce: a hand-made file with half a tiyn, which would vanish
  // if a tool rounded its output to the commodity's 2 places.
  auto path = dir_ / "fine.ledger";
  write_file(path, "commodity KZT\n    format 1000.00 KZT\naccount Assets:Bank:Main\n"
                   "account Income:Unrestricted:Donations\n"
                   "2025-03-01 * x\n    Assets:Bank:Main  1.005 KZT\n"
                   "    Income:Unrestricted:Donations  -1.005 KZT\n");
  for (auto* fn : {&ledger_balances, &hledger_balances}) {
    auto r = (*fn)(path);
    if (!r && r.error().code == Errc::unavailable) continue;
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::corrupt);
    EXPECT_NE(r.error().message.find("not a whole number of minor units"), std::string::npos)
        << r.error().message;
  }
  auto bpath = dir_ / "fine.beancount";
  write_file(bpath, "2025-03-01 open Assets:Bank:Main\n2025-03-01 open Income:Unrestricted:Donations\n"
                    "2025-03-01 * \"x\"\n  Assets:Bank:Main  1.005 KZT\n"
                    "  Income:Unrestricted:Donations  -1.005 KZT\n");
  auto bean = beancount_balances(bpath);
  if (bean || bean.error().code != Errc::unavailable) {
    ASSERT_FALSE(bean.has_value());
    EXPECT_EQ(bean.error().code, Errc::corrupt) << bean.error().message;
  }
}

TEST(ToolBalances, MissingJournalIsNotFound) {
  for (auto* fn : {&ledger_balances, &hledger_balances, &beancount_balances}) {
    auto r = (*fn)("/nonexistent/amanat/books.ledger");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::not_found);
  }
}

TEST(RunTool, MissingProgramIsUnavailableNamingTheDebianPackage) {
  auto r = run_tool({"amanat-no-such-tool-xyz", "--version"}, "amanat-tools");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::unavailable);
  EXPECT_EQ(r.error().message,
            "amanat-no-such-tool-xyz is not installed (install the Debian package "
            "\"amanat-tools\")");
}

TEST(RunTool, CapturesStdoutStderrAndExitStatusSeparately) {
  auto r = run_tool({"sh", "-c", "echo out; echo err >&2; exit 3"}, "dash");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  EXPECT_EQ(r->exit_status, 3);
}

TEST(RunTool, ReadsLargeOutputOnBothStreamsWithoutDeadlock) {
  // 1 MiB on each stream: more than a pipe holds, so reading one stream at a time would hang.
  auto r = run_tool({"sh", "-c", "head -c 1048576 /dev/zero; head -c 1048576 /dev/zero >&2"},
                    "coreutils");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->out.size(), 1048576u);
  EXPECT_EQ(r->err.size(), 1048576u);
}

TEST(RunTool, ChildGetsUtf8LocaleAndNoBeancountCache) {
  auto r = run_tool({"sh", "-c", "echo \"$LC_ALL $BEANCOUNT_DISABLE_LOAD_CACHE\""}, "dash");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->out, "C.UTF-8 1\n");
}

// ---- Expected balances ---------------------------------------------------------------------------

TEST(AddPostings, SumsRawAmountsIgnoringCostsAndDropsZeros) {
  ToolBalances b;
  Transaction t{1, "2025-03-01", "", {},
                {post_at_cost("Assets:Bank:USD", "100.00", "USD", "45000.00", "KZT"),
                 post("Income:Unrestricted:Donations", "-45000.00", "KZT")}};
  ASSERT_TRUE(add_postings(b, t).has_value());
  EXPECT_EQ(b.by_account["Assets:Bank:USD"]["USD"], 10000);
  ASSERT_TRUE(add_postings(b, reversal(t, 2, "2025-03-02")).has_value());
  EXPECT_TRUE(b.by_account.empty());
}

TEST(AddPostings, OverflowIsInvalid) {
  ToolBalances b;
  Transaction t{1, "2025-03-01", "", {},
                {post("Assets:Bank:Main", "92233720368547758.07", "KZT"),
                 post("Assets:Bank:Main", "0.01", "KZT")}};
  auto st = add_postings(b, t);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, Errc::invalid);
}

TEST(DescribeDifferences, ListsEachAccountAndCurrencyThatDiffers) {
  ToolBalances a, b;
  a.by_account["Assets:Bank:Main"]["KZT"] = 123456;
  b.by_account["Assets:Bank:Main"]["KZT"] = 123455;
  b.by_account["Assets:Bank:Tokyo"]["JPY"] = -5;
  EXPECT_EQ(describe_differences(a, b),
            "Assets:Bank:Main KZT: expected 1234.56, got 1234.55\n"
            "Assets:Bank:Tokyo JPY: expected nothing, got -5\n");
  EXPECT_EQ(describe_differences(a, a), "");
}

}  // namespace
}  // namespace amanat::books::exporter
