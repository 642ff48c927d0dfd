// How fast the exporters write, and how long the tools take to read an export: figures for
// sizing tests, not pass/fail checks, so these are disabled by default. Run them (on an
// optimised build; sanitizers slow the writers several times over) with
//   amanat_tests --gtest_also_run_disabled_tests --gtest_filter='ExportSpeed.*'
// They write to the system temp directory and leave the files there for a look.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <fstream>

#include "books/export/export_test_support.h"
#include "books/export/journal_writer.h"
#include "books/export/tool_balances.h"

namespace amanat::books::exporter {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// A pool of varied transactions, written round and round with fresh ids: generating a
// million random transactions would take longer than writing them and measure the generator.
std::vector<Transaction> pool() {
  testing::RandomBooks gen(7);
  std::vector<Transaction> txs;
  for (std::uint64_t id = 1; id <= 4096; ++id) txs.push_back(gen.next(id));
  return txs;
}

template <class W>
void write_n(const std::filesystem::path& path, std::vector<Transaction>& txs, std::uint64_t n,
             const char* label) {
  JournalHeader h = testing::header_for(txs, "Speed test", currency("KZT").value());
  std::size_t postings = 0;
  for (const Transaction& tx : txs) postings += tx.postings.size();

  auto t0 = Clock::now();
  std::clock_t c0 = std::clock();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  W w(out);
  ASSERT_TRUE(w.begin(h).has_value());
  for (std::uint64_t i = 0; i < n; ++i) {
    Transaction& tx = txs[i % txs.size()];
    tx.id = i + 1;
    auto st = w.write(tx);
    ASSERT_TRUE(st.has_value()) << st.error().message;
  }
  ASSERT_TRUE(w.finish().has_value());
  out.close();
  double s = seconds_since(t0);
  // CPU time (user + system, this process) too: on a busy machine the wall clock measures the
  // neighbours as much as the writer.
  double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  double mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  std::printf("%s: %llu transactions (%.2f postings each), %.0f MB -> %s\n"
              "  wall %.3f s = %.0f tx/s (%.0f MB/s); CPU %.3f s = %.0f tx/s\n",
              label, static_cast<unsigned long long>(n),
              static_cast<double>(postings) / static_cast<double>(txs.size()), mb, path.c_str(),
              s, static_cast<double>(n) / s, mb / s, cpu, static_cast<double>(n) / cpu);
}

TEST(ExportSpeed, DISABLED_WritesAMillionTransactions) {
  auto txs = pool();
  auto dir = std::filesystem::temp_directory_path();
  write_n<LedgerWriter>(dir / "amanat-speed-1m.ledger", txs, 1'000'000, "ledger");
  write_n<BeancountWriter>(dir / "amanat-speed-1m.beancount", txs, 1'000'000, "beancount");
}

TEST(ExportSpeed, DISABLED_ToolsReadAHundredThousandTransactions) {
  auto txs = pool();
  auto dir = std::filesystem::temp_directory_path();
  auto lpath = dir / "amanat-speed-100k.ledger";
  auto bpath = dir / "amanat-speed-100k.beancount";
  write_n<LedgerWriter>(lpath, txs, 100'000, "ledger");
  write_n<BeancountWriter>(bpath, txs, 100'000, "beancount");

  // The files are there anyway: check the balances too, a larger property test.
  ToolBalances want;
  for (std::uint64_t i = 0; i < 100'000; ++i)
    ASSERT_TRUE(add_postings(want, txs[i % txs.size()]).has_value());

  auto time = [](const char* label, auto&& fn) {
    auto t0 = Clock::now();
    auto r = fn();
    double s = seconds_since(t0);
    if (!r)
      std::printf("%s: failed after %.1f s: %s\n", label, s, r.error().message.c_str());
    else
      std::printf("%s: %.1f s\n", label, s);
    return r;
  };
  auto check = [&](const Result<ToolBalances>& r) {
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(describe_differences(want, *r), "");
  };
  check(time("ledger bal (ledger_balances)", [&] { return ledger_balances(lpath); }));
  check(time("hledger bal (hledger_balances)", [&] { return hledger_balances(lpath); }));
  EXPECT_TRUE(time("bean-check alone", [&] {
                return run_tool({"bean-check", "--no-cache", bpath.string()}, "beancount");
              }).has_value());
  check(time("bean-check + bean-query (beancount_balances)",
             [&] { return beancount_balances(bpath); }));
}

}  // namespace
}  // namespace amanat::books::exporter
