#include "books/audit.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "books/demo.h"
#include "books/leaf.h"
#include "books/testing.h"

namespace amanat::books {
namespace {

using testing::BooksFixture;

// Demo books with every kind of record, a correction of a donation and of an expense among
// them, and published reports; their leaves.
std::vector<Bytes> demo_leaves(BooksFixture& b) {
  DemoOptions o;
  o.donations = 3000;
  auto sum = generate_demo(b.books(), o);
  EXPECT_TRUE(sum) << sum.error().message;
  EXPECT_TRUE(b.books().publish_report());
  auto leaves = b.log().read_entries(0, b.seq().size());
  EXPECT_TRUE(leaves);
  std::optional<std::uint64_t> donation, expense;
  for (std::uint64_t i = 0; i < leaves->size(); ++i) {
    auto r = decode_leaf((*leaves)[i]);
    if (r && std::holds_alternative<Donation>(r->body)) donation = i;
    if (r && std::holds_alternative<Expense>(r->body) && !expense) expense = i;
  }
  EXPECT_TRUE(donation && expense);
  EXPECT_TRUE(b.books().correct(Correction{"2026-01-02", *donation, "booked twice"}));
  EXPECT_TRUE(b.books().correct(Correction{"2026-01-02", *expense, "booked twice"}));
  EXPECT_TRUE(b.books().publish_report());
  return std::move(*b.log().read_entries(0, b.seq().size()));
}

struct Outcome {
  AuditTotals totals;
  std::vector<Finding> findings;
  std::optional<AuditTotals> snapshot;
  std::uint64_t fed = 0;
};

void expect_same_totals(const AuditTotals& a, const AuditTotals& b) {
  EXPECT_EQ(a.organisation, b.organisation);
  EXPECT_EQ(a.currency, b.currency);
  EXPECT_EQ(a.size, b.size);
  EXPECT_EQ(a.funds, b.funds);
  EXPECT_EQ(a.income_org, b.income_org);
  EXPECT_EQ(a.expenses_org, b.expenses_org);
  EXPECT_EQ(a.reports_checked, b.reports_checked);
}

void expect_same(const Outcome& a, const Outcome& b) {
  expect_same_totals(a.totals, b.totals);
  ASSERT_EQ(a.findings.size(), b.findings.size());
  for (std::size_t i = 0; i < a.findings.size(); ++i) {
    EXPECT_EQ(a.findings[i].leaf, b.findings[i].leaf);
    EXPECT_EQ(a.findings[i].message, b.findings[i].message);
  }
  ASSERT_EQ(a.snapshot.has_value(), b.snapshot.has_value());
  if (a.snapshot) expect_same_totals(*a.snapshot, *b.snapshot);
  EXPECT_EQ(a.fed, b.fed);
}

Auditor::Fetch fetch_from(const std::vector<Bytes>& leaves) {
  return [&leaves](std::uint64_t i) -> Result<Bytes> { return leaves.at(i); };
}

Outcome one_by_one(const std::vector<Bytes>& leaves, std::uint64_t snapshot_at) {
  Auditor a(fetch_from(leaves));
  a.snapshot_at(snapshot_at);
  for (std::uint64_t i = 0; i < leaves.size(); ++i) a.feed(i, leaves[i]);
  return {a.totals(), a.findings(), a.snapshot(), a.fed()};
}

// Feeds the leaves through feed_many in runs of the given sizes, repeated.
Outcome in_runs(const std::vector<Bytes>& leaves, std::uint64_t snapshot_at, const std::vector<std::size_t>& runs) {
  Auditor a(fetch_from(leaves));
  a.snapshot_at(snapshot_at);
  std::uint64_t at = 0;
  for (std::size_t r = 0; at < leaves.size(); ++r) {
    std::size_t n = std::min<std::size_t>(runs[r % runs.size()], leaves.size() - at);
    std::vector<std::span<const std::uint8_t>> spans;
    // Each run from its own copy, destroyed before the next call: feed_many must not keep
    // views of the caller's bytes.
    std::vector<Bytes> copy(leaves.begin() + at, leaves.begin() + at + n);
    for (const auto& l : copy) spans.emplace_back(l);
    a.feed_many(at, spans);
    for (auto& l : copy) std::fill(l.begin(), l.end(), 0);
    at += n;
  }
  return {a.totals(), a.findings(), a.snapshot(), a.fed()};
}

TEST(AuditFeeding, FeedingInBundlesOfAnySizeGivesWhatFeedingOneByOneGives) {
  BooksFixture b;
  auto leaves = demo_leaves(b);
  ASSERT_GT(leaves.size(), 3000u);
  std::uint64_t snap = leaves.size() / 2 + 3;
  Outcome want = one_by_one(leaves, snap);
  EXPECT_TRUE(want.findings.empty());
  EXPECT_GE(want.totals.reports_checked, 2u);
  for (const auto& runs : std::vector<std::vector<std::size_t>>{{256}, {100}, {32}, {31}, {1}, {256, 5, 40, 33, 256, 1}}) {
    SCOPED_TRACE("runs of " + std::to_string(runs[0]) + (runs.size() > 1 ? " and others" : ""));
    expect_same(in_runs(leaves, snap, runs), want);
  }
}

TEST(AuditFeeding, LeavesThatAreNotRecordsAreFindingsAtTheirIndexesInABundle) {
  BooksFixture b;
  auto leaves = demo_leaves(b);
  std::uint64_t k1 = 300, k2 = 301, k3 = leaves.size() - 2;
  leaves[k1].insert(leaves[k1].begin() + 1, ' ');  // not canonical
  leaves[k2] = Bytes{'{', '}'};
  leaves[k3].back() = 'x';
  Outcome want = one_by_one(leaves, 0);
  std::vector<std::uint64_t> at;
  for (const auto& f : want.findings) at.push_back(f.leaf);
  for (std::uint64_t k : {k1, k2, k3}) EXPECT_NE(std::find(at.begin(), at.end(), k), at.end()) << k;
  expect_same(in_runs(leaves, 0, {256}), want);
  expect_same(in_runs(leaves, 0, {64, 7}), want);
}

TEST(AuditFeeding, TheAccessorsSeeEveryLeafFedSoFar) {
  BooksFixture b;
  auto leaves = demo_leaves(b);
  Outcome want = one_by_one(leaves, 100);
  Auditor a(fetch_from(leaves));
  a.snapshot_at(100);
  std::vector<std::span<const std::uint8_t>> first(leaves.begin(), leaves.begin() + 256);
  a.feed_many(0, first);
  EXPECT_EQ(a.fed(), 256u);
  EXPECT_EQ(a.totals().size, 256u);
  // One by one after a bundle, then bundles again.
  for (std::uint64_t i = 256; i < 300; ++i) a.feed(i, leaves[i]);
  EXPECT_EQ(a.fed(), 300u);
  for (std::uint64_t at = 300; at < leaves.size(); at += 256) {
    std::size_t n = std::min<std::size_t>(256, leaves.size() - at);
    std::vector<std::span<const std::uint8_t>> run(leaves.begin() + at, leaves.begin() + at + n);
    a.feed_many(at, run);
  }
  expect_same({a.totals(), a.findings(), a.snapshot(), a.fed()}, want);
}

TEST(AuditFeeding, AnAuditorDestroyedWithABundleStillDecodingLeavesCleanly) {
  BooksFixture b;
  auto leaves = demo_leaves(b);
  for (int i = 0; i < 20; ++i) {
    Auditor a(fetch_from(leaves));
    std::vector<std::span<const std::uint8_t>> run(leaves.begin(), leaves.begin() + 256);
    a.feed_many(0, run);
  }
}

}  // namespace
}  // namespace amanat::books
