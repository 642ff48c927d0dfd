#include "books/export/journal_writer.h"

#include <gtest/gtest.h>

#include <limits>
#include <sstream>

#include "books/export/export_test_support.h"

namespace amanat::books::exporter {
namespace {

using testing::money;
using testing::post;
using testing::post_at_cost;

Currency cur(std::string_view code) { return currency(code).value(); }

JournalHeader small_header() {
  return JournalHeader{"Koldau Foundation",
                       cur("KZT"),
                       {{"Assets:Bank:Main", "2025-01-15"},
                        {"Assets:Bank:USD", "2025-02-01"},
                        {"Income:Unrestricted:Donations", "2025-01-15"},
                        {"Income:Restricted:FLOOD:Donations", "2025-02-01"}},
                       {cur("USD"), cur("JPY"), cur("BHD")}};
}

Transaction donation() {
  return Transaction{7,
                     "2025-03-01",
                     "Donation",
                     {{"leaf", "7"}, {"type", "donation"}},
                     {post("Assets:Bank:Main", "1234.56", "KZT"),
                      post("Income:Unrestricted:Donations", "-1234.56", "KZT")}};
}

template <class W>
std::string export_text(const JournalHeader& h, const std::vector<Transaction>& txs) {
  std::ostringstream out;
  W w(out);
  EXPECT_TRUE(w.begin(h).has_value());
  for (const Transaction& tx : txs) {
    auto st = w.write(tx);
    EXPECT_TRUE(st.has_value()) << st.error().message;
  }
  EXPECT_TRUE(w.finish().has_value());
  return out.str();
}

// The text after the preamble (everything from the first transaction's date on).
std::string body(const std::string& text, std::string_view date = "2025-03-01") {
  auto pos = text.find("\n" + std::string(date));
  return pos == std::string::npos ? text : text.substr(pos + 1);
}

// Runs `write(tx)` on a fresh writer of type W and returns its error.
template <class W>
Error refusal(const Transaction& tx, const JournalHeader& h = small_header()) {
  std::ostringstream out;
  W w(out);
  EXPECT_TRUE(w.begin(h).has_value());
  auto st = w.write(tx);
  EXPECT_FALSE(st.has_value());
  return st ? Error{Errc::internal, "(accepted)"} : st.error();
}

// ---- What is written -----------------------------------------------------------------------------

TEST(LedgerWriter, WritesDateCodeNarrationMetadataAndExactAmounts) {
  std::string text = export_text<LedgerWriter>(small_header(), {donation()});
  EXPECT_EQ(body(text),
            "2025-03-01 * (7) Donation\n"
            "    ; leaf: 7\n"
            "    ; type: donation\n"
            "    Assets:Bank:Main  1234.56 KZT\n"
            "    Income:Unrestricted:Donations  -1234.56 KZT\n\n");
}

TEST(LedgerWriter, DeclaresEveryCurrencyWithItsDecimalPlacesAndEveryAccount) {
  std::string text = export_text<LedgerWriter>(small_header(), {});
  // Sorted by code; the operating currency is declared although not listed.
  EXPECT_NE(text.find("commodity BHD\n    format 1000.000 BHD\n"
                      "commodity JPY\n"
                      "commodity KZT\n    format 1000.00 KZT\n"
                      "commodity USD\n    format 1000.00 USD\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("account Assets:Bank:Main\n"), std::string::npos);
  EXPECT_NE(text.find("account Income:Restricted:FLOOD:Donations\n"), std::string::npos);
  EXPECT_NE(text.find("; Books of Koldau Foundation"), std::string::npos);
}

TEST(LedgerWriter, WritesCostAsUnsignedTotalAfterDoubleAt) {
  Transaction refund{9,
                     "2025-03-01",
                     "Refund",
                     {},
                     {post_at_cost("Assets:Bank:USD", "-10.00", "USD", "-4512.34", "KZT"),
                      post("Income:Restricted:FLOOD:Donations", "4512.34", "KZT")}};
  std::string text = export_text<LedgerWriter>(small_header(), {refund});
  EXPECT_NE(text.find("    Assets:Bank:USD  -10.00 USD @@ 4512.34 KZT\n"), std::string::npos)
      << text;
}

TEST(LedgerWriter, NarrationCannotBreakTheLine) {
  Transaction tx = donation();
  tx.narration = "  (Өтініш); \"обращение\"\n* second\tline  ";
  std::string text = export_text<LedgerWriter>(small_header(), {tx});
  // ';' would start a comment in hledger; the newline would end the transaction; the leading
  // '(' is harmless after the real code "(7)".
  EXPECT_NE(text.find("2025-03-01 * (7) (Өтініш), \"обращение\" * second line\n"),
            std::string::npos)
      << text;
}

TEST(LedgerWriter, EmptyNarrationLeavesJustTheCode) {
  Transaction tx = donation();
  tx.narration = " \n ";
  std::string text = export_text<LedgerWriter>(small_header(), {tx});
  EXPECT_NE(text.find("2025-03-01 * (7)\n"), std::string::npos) << text;
}

TEST(LedgerWriter, WritesZeroAndThreeDecimalCurrenciesExactly) {
  JournalHeader h = small_header();
  Transaction tx{8,
                 "2025-03-01",
                 "fx",
                 {},
                 {post_at_cost("Assets:Bank:USD", "-5", "JPY", "-0.05", "KZT"),
                  post_at_cost("Assets:Bank:USD", "0.001", "BHD", "0.05", "KZT")}};
  std::string text = export_text<LedgerWriter>(h, {tx});
  EXPECT_NE(text.find("    Assets:Bank:USD  -5 JPY @@ 0.05 KZT\n"
                      "    Assets:Bank:USD  0.001 BHD @@ 0.05 KZT\n"),
            std::string::npos)
      << text;
}

TEST(JournalWriter, SpellsEveryAmountAndCostExactlyAsFormatAmountDoes) {
  // The writers format amounts straight into their buffer; this pins the spelling to
  // core/money's format_amount on the edge cases: zero padding, every exponent, one minor
  // unit, round numbers, and both ends of the int64 range (written as a three-posting
  // transaction that balances: MIN + MAX + 1 = 0).
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::vector<std::int64_t> values = {1, 9, 10, 99, 100, 101, 999, 1000, 1001, 123456,
                                      10'000'000'000, 999'999'999'999'999'999};
  std::vector<Transaction> txs;
  JournalHeader h{"Spelling", cur("KZT"), {{"Assets:Bank:Main", "2025-01-01"},
                                           {"Assets:Bank:Other", "2025-01-01"}},
                  {cur("JPY"), cur("BHD"), cur("USD")}};
  std::vector<std::string> want;
  std::uint64_t id = 1;
  for (const char* code : {"JPY", "KZT", "BHD"}) {
    Currency c = cur(code);
    for (std::int64_t v : values) {
      for (std::int64_t sign : {1, -1}) {
        Money a{sign * v, c};
        Money b{-sign * v, c};
        txs.push_back({id++, "2025-03-01", "", {},
                       {Posting{"Assets:Bank:Main", a, std::nullopt},
                        Posting{"Assets:Bank:Other", b, std::nullopt}}});
        want.push_back("Assets:Bank:Main  " + format(a) + "\n");
        want.push_back("Assets:Bank:Other  " + format(b) + "\n");
        // The same amount as a cost, unsigned, on a USD posting of the same sign.
        Money usd{sign, cur("USD")};
        txs.push_back({id++, "2025-03-01", "", {},
                       {Posting{"Assets:Bank:Main", usd, a},
                        Posting{"Assets:Bank:Other", b, std::nullopt}}});
        want.push_back("Assets:Bank:Main  " + format(usd) + " @@ " + format(Money{v, c}) + "\n");
      }
    }
    txs.push_back({id++, "2025-03-01", "", {},
                   {Posting{"Assets:Bank:Main", Money{kMin, c}, std::nullopt},
                    Posting{"Assets:Bank:Other", Money{kMax, c}, std::nullopt},
                    Posting{"Assets:Bank:Other", Money{1, c}, std::nullopt}}});
    want.push_back("Assets:Bank:Main  " + format(Money{kMin, c}) + "\n");
    want.push_back("Assets:Bank:Other  " + format(Money{kMax, c}) + "\n");
    // The most negative amount as a cost: its magnitude is not an int64, but is still written.
    std::string min_magnitude = format_amount(Money{kMin, c}).substr(1);
    txs.push_back({id++, "2025-03-01", "", {},
                   {Posting{"Assets:Bank:Main", Money{-1, cur("USD")}, Money{kMin, c}},
                    Posting{"Assets:Bank:Other", Money{kMax, c}, std::nullopt},
                    Posting{"Assets:Bank:Other", Money{1, c}, std::nullopt}}});
    want.push_back("Assets:Bank:Main  -0.01 USD @@ " + min_magnitude + " " + code + "\n");
  }
  std::string ledger = export_text<LedgerWriter>(h, txs);
  std::string bean = export_text<BeancountWriter>(h, txs);
  for (const std::string& line : want) {
    EXPECT_NE(ledger.find("    " + line), std::string::npos) << line;
    EXPECT_NE(bean.find("\n  " + line), std::string::npos) << line;
  }
  EXPECT_NE(ledger.find("    Assets:Bank:Main  0.001 BHD\n"), std::string::npos);
  EXPECT_NE(ledger.find("    Assets:Bank:Main  -0.01 KZT\n"), std::string::npos);
  EXPECT_NE(ledger.find("    Assets:Bank:Main  -92233720368547758.08 KZT\n"), std::string::npos);
}

TEST(BeancountWriter, WritesOptionsCommoditiesAndOpensOnFirstUse) {
  std::string text = export_text<BeancountWriter>(small_header(), {});
  EXPECT_NE(text.find("option \"title\" \"Koldau Foundation\"\n"
                      "option \"operating_currency\" \"KZT\"\n"),
            std::string::npos)
      << text;
  // A tolerance of half a minor unit per currency (beancount infers none for "5 JPY").
  EXPECT_NE(text.find("option \"inferred_tolerance_default\" \"BHD:0.0005\"\n"
                      "option \"inferred_tolerance_default\" \"JPY:0.5\"\n"
                      "option \"inferred_tolerance_default\" \"KZT:0.005\"\n"),
            std::string::npos)
      << text;
  // Commodities are dated with the earliest first use.
  EXPECT_NE(text.find("2025-01-15 commodity BHD\n2025-01-15 commodity JPY\n"
                      "2025-01-15 commodity KZT\n2025-01-15 commodity USD\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("2025-01-15 open Assets:Bank:Main\n"), std::string::npos);
  EXPECT_NE(text.find("2025-02-01 open Income:Restricted:FLOOD:Donations\n"), std::string::npos);
}

TEST(BeancountWriter, WritesQuotedNarrationStringMetadataAndAmounts) {
  std::string text = export_text<BeancountWriter>(small_header(), {donation()});
  EXPECT_EQ(body(text),
            "2025-03-01 * \"Donation\"\n"
            "  leaf: \"7\"\n"
            "  type: \"donation\"\n"
            "  Assets:Bank:Main  1234.56 KZT\n"
            "  Income:Unrestricted:Donations  -1234.56 KZT\n\n");
}

TEST(BeancountWriter, EscapesQuotesAndBackslashesAndFlattensNewlines) {
  Transaction tx = donation();
  tx.narration = "Өтініш; \"обращение\"\\n\nnext";
  tx.meta = {{"memo", "say \"hi\" \\ [x]; a: b"}};
  std::string text = export_text<BeancountWriter>(small_header(), {tx});
  EXPECT_NE(text.find("2025-03-01 * \"Өтініш; \\\"обращение\\\"\\\\n next\"\n"
                      "  memo: \"say \\\"hi\\\" \\\\ [x]; a: b\"\n"),
            std::string::npos)
      << text;
}

TEST(BeancountWriter, MapsMetadataKeysBeancountCannotTake) {
  Transaction tx = donation();
  tx.meta = {{"x", "1"}, {"filename", "2"}, {"lineno", "3"}, {"leaf", "4"}, {"a-b", "5"}};
  std::string text = export_text<BeancountWriter>(small_header(), {tx});
  EXPECT_NE(text.find("  x_: \"1\"\n  filename_: \"2\"\n  lineno_: \"3\"\n  leaf: \"4\"\n"
                      "  a-b: \"5\"\n"),
            std::string::npos)
      << text;
}

TEST(BeancountWriter, WritesCostAsUnsignedTotalAfterDoubleAt) {
  Transaction tx{9,
                 "2025-03-01",
                 "USD donation",
                 {},
                 {post_at_cost("Assets:Bank:USD", "100.00", "USD", "45123.45", "KZT"),
                  post("Income:Restricted:FLOOD:Donations", "-45123.45", "KZT")}};
  std::string text = export_text<BeancountWriter>(small_header(), {tx});
  EXPECT_NE(text.find("  Assets:Bank:USD  100.00 USD @@ 45123.45 KZT\n"), std::string::npos);
}

TEST(JournalWriter, CountsWrittenTransactions) {
  std::ostringstream out;
  LedgerWriter w(out);
  ASSERT_TRUE(w.begin(small_header()).has_value());
  ASSERT_TRUE(w.write(donation()).has_value());
  Transaction bad = donation();
  bad.postings[0].amount.minor += 1;
  ASSERT_FALSE(w.write(bad).has_value());
  ASSERT_TRUE(w.write(donation()).has_value());
  ASSERT_TRUE(w.finish().has_value());
  EXPECT_EQ(w.written(), 2u);
}

// ---- What is refused -----------------------------------------------------------------------------

TEST(JournalWriter, RefusesUnbalancedTransactionNamingItsIdAndTheDifference) {
  Transaction tx = donation();
  tx.id = 4242;
  tx.postings[1].amount = money("-1234.55", "KZT");
  for (Error e : {refusal<LedgerWriter>(tx), refusal<BeancountWriter>(tx)}) {
    EXPECT_EQ(e.code, Errc::invalid);
    EXPECT_NE(e.message.find("transaction 4242"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("does not balance"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("0.01 KZT"), std::string::npos) << e.message;
  }
}

TEST(JournalWriter, BalancesEachCurrencySeparately) {
  // +1 KZT and -1 USD: the minor units sum to zero, the currencies do not.
  Transaction tx{5, "2025-03-01", "", {},
                 {post("Assets:Bank:Main", "0.01", "KZT"), post("Assets:Bank:USD", "-0.01", "USD")}};
  Error e = refusal<LedgerWriter>(tx);
  EXPECT_EQ(e.code, Errc::invalid);
  EXPECT_NE(e.message.find("0.01 KZT, -0.01 USD"), std::string::npos) << e.message;
}

TEST(JournalWriter, BalancesWithCostWhereGiven) {
  // The raw amounts cancel (100 USD - 100 USD) but the first one is worth 45000 KZT: the
  // transaction is 45000 KZT and -100 USD out, which no tool would accept.
  Transaction tx{6, "2025-03-01", "", {},
                 {post_at_cost("Assets:Bank:USD", "100.00", "USD", "45000.00", "KZT"),
                  post("Assets:Bank:USD", "-100.00", "USD")}};
  Error e = refusal<BeancountWriter>(tx);
  EXPECT_EQ(e.code, Errc::invalid);
  EXPECT_NE(e.message.find("transaction 6: does not balance"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("45000.00 KZT, -100.00 USD"), std::string::npos) << e.message;

  // A cost off by one tiyn is refused too.
  Transaction off{10, "2025-03-01", "", {},
                  {post_at_cost("Assets:Bank:USD", "100.00", "USD", "45000.00", "KZT"),
                   post("Income:Restricted:FLOOD:Donations", "-44999.99", "KZT")}};
  e = refusal<LedgerWriter>(off);
  EXPECT_NE(e.message.find("transaction 10: does not balance"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("0.01 KZT"), std::string::npos) << e.message;
}

TEST(JournalWriter, RefusedTransactionWritesNothing) {
  std::ostringstream a, b;
  {
    LedgerWriter w(a);
    ASSERT_TRUE(w.begin(small_header()).has_value());
    ASSERT_TRUE(w.write(donation()).has_value());
    ASSERT_TRUE(w.finish().has_value());
  }
  {
    LedgerWriter w(b);
    ASSERT_TRUE(w.begin(small_header()).has_value());
    Transaction bad = donation();
    bad.postings.pop_back();
    ASSERT_FALSE(w.write(bad).has_value());
    ASSERT_TRUE(w.write(donation()).has_value());
    ASSERT_TRUE(w.finish().has_value());
  }
  EXPECT_EQ(a.str(), b.str());
}

TEST(JournalWriter, RefusesPostingsTheToolsWouldMisreadOrReject) {
  struct Case {
    const char* what;
    void (*change)(Transaction&);
    const char* expect;
  };
  const Case cases[] = {
      {"undeclared account",
       [](Transaction& t) { t.postings[0].account = "Assets:Bank:Other"; },
       "posting 1 (Assets:Bank:Other): the account is not declared"},
      {"use before the declared first use",
       [](Transaction& t) { t.date = "2025-01-14"; },
       "first used on 2025-01-15, after this transaction's date 2025-01-14"},
      {"zero amount",
       [](Transaction& t) {
         t.postings[0].amount.minor = 0;
         t.postings[1].amount.minor = 0;
       },
       "posting 1 (Assets:Bank:Main): the amount is zero"},
      {"undeclared currency",
       [](Transaction& t) {
         t.postings[0].amount = money("1", "EUR");
         t.postings[1].amount = money("-1", "EUR");
       },
       "currency EUR is not declared"},
      {"cost in the amount's currency",
       [](Transaction& t) { t.postings[0].cost = t.postings[0].amount; },
       "the cost is in the amount's own currency KZT"},
      {"cost of the opposite sign",
       [](Transaction& t) {
         t.postings[0] = post_at_cost("Assets:Bank:USD", "1.00", "USD", "-1234.56", "KZT");
       },
       "the cost -1234.56 KZT and the amount 1.00 USD have opposite signs"},
      {"no postings", [](Transaction& t) { t.postings.clear(); }, "has no postings"},
      {"not a calendar date", [](Transaction& t) { t.date = "2025-02-29"; },
       "date \"2025-02-29\" is not a calendar date"},
      {"date with slashes", [](Transaction& t) { t.date = "2025/03/01"; }, "is not a calendar"},
      {"upper-case metadata key",
       [](Transaction& t) { t.meta.emplace_back("Leaf", "1"); },
       "metadata key \"Leaf\" is not [a-z][a-z0-9-]*"},
      {"newline in a metadata value",
       [](Transaction& t) { t.meta.emplace_back("memo", "a\nb"); },
       "metadata memo: the value holds a control character"},
      {"invalid UTF-8 narration",
       [](Transaction& t) { t.narration = "caf\xc3"; }, "the narration is not valid UTF-8"},
      {"overlong UTF-8 in metadata",
       [](Transaction& t) { t.meta.emplace_back("memo", "\xc0\xaf"); }, "not valid UTF-8"},
  };
  for (const Case& c : cases) {
    Transaction tx = donation();
    c.change(tx);
    for (Error e : {refusal<LedgerWriter>(tx), refusal<BeancountWriter>(tx)}) {
      EXPECT_EQ(e.code, Errc::invalid) << c.what;
      EXPECT_NE(e.message.find("transaction 7: "), std::string::npos) << c.what << ": " << e.message;
      EXPECT_NE(e.message.find(c.expect), std::string::npos) << c.what << ": " << e.message;
    }
  }
}

TEST(JournalWriter, RefusesHeaderWithInvalidAccountsOrDates) {
  struct Case {
    AccountUse account;
    const char* expect;
  };
  const Case cases[] = {
      {{"Assets", "2025-01-01"}, "is a bare root"},
      {{"Cash:Box", "2025-01-01"}, "does not start with one of the roots"},
      {{"Assets:bank", "2025-01-01"}, "does not start with an upper-case letter or a digit"},
      {{"Assets:Bank Main", "2025-01-01"}, "other than an ASCII letter, digit or '-'"},
      {{"Assets::Bank", "2025-01-01"}, "has an empty component"},
      {{"Assets:Банк", "2025-01-01"}, "does not start with an upper-case letter"},
      {{"Assets:Bank", "2025-1-1"}, "is not a calendar date"},
      {{"Assets:Bank:Main", "2025-01-15"}, "declared twice"},
  };
  for (const Case& c : cases) {
    JournalHeader h = small_header();
    h.accounts.push_back(c.account);
    std::ostringstream out;
    BeancountWriter w(out);
    auto st = w.begin(h);
    ASSERT_FALSE(st.has_value()) << c.account.account;
    EXPECT_EQ(st.error().code, Errc::invalid);
    EXPECT_NE(st.error().message.find(c.expect), std::string::npos) << st.error().message;
  }
}

TEST(JournalWriter, CallsOutOfOrderAreInternalErrors) {
  std::ostringstream out;
  LedgerWriter w(out);
  auto st = w.write(donation());
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, Errc::internal);
  EXPECT_NE(st.error().message.find("before begin()"), std::string::npos);
  ASSERT_FALSE(w.finish().has_value());
  ASSERT_TRUE(w.begin(small_header()).has_value());
  ASSERT_FALSE(w.begin(small_header()).has_value());
  ASSERT_TRUE(w.finish().has_value());
  st = w.write(donation());
  ASSERT_FALSE(st.has_value());
  EXPECT_NE(st.error().message.find("after finish()"), std::string::npos);
  EXPECT_FALSE(w.finish().has_value());
}

TEST(JournalWriter, FailingStreamIsUnavailableAndStaysFailed) {
  std::ostream broken(nullptr);  // no buffer: every write sets badbit
  LedgerWriter w(broken);
  auto st = w.begin(small_header());
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, Errc::unavailable);
  st = w.write(donation());
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, Errc::unavailable);
  st = w.finish();
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, Errc::unavailable);
}

TEST(IsIsoDate, AcceptsRealDatesOnly) {
  EXPECT_TRUE(is_iso_date("2024-02-29"));
  EXPECT_TRUE(is_iso_date("2000-02-29"));
  EXPECT_TRUE(is_iso_date("0001-01-01"));
  EXPECT_FALSE(is_iso_date("1900-02-29"));
  EXPECT_FALSE(is_iso_date("2025-04-31"));
  EXPECT_FALSE(is_iso_date("2025-13-01"));
  EXPECT_FALSE(is_iso_date("2025-00-10"));
  EXPECT_FALSE(is_iso_date("0000-01-01"));
  EXPECT_FALSE(is_iso_date("2025-3-01"));
  EXPECT_FALSE(is_iso_date("2025-03-01 "));
}

}  // namespace
}  // namespace amanat::books::exporter
