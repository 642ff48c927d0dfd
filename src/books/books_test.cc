// The books end to end over the real SQLite store: booking, refusals that change nothing,
// reports, the journal, the audit from the log, identities kept out of the database, and a
// property test over random operations.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <random>

#include "books/audit.h"
#include "books/identity.h"
#include "books/leaf.h"
#include "core/canonical_json.h"
#include "core/reasons.h"
#include "books/testing.h"
#include "store/memory_log_store.h"
#include "tlog/verifier.h"

namespace amanat::books {
namespace {

using testing::BooksFixture;
using testing::kzt;

AppealOpen appeal(const std::string& code, std::int64_t target = 100000000) {
  return AppealOpen{code, "Legal help, case " + code, "", "C-" + code, kzt(target), "2025-01-01"};
}

// A file as the log would commit to it, with a fixed salt (no file is stored: the service takes
// the commitment as given, checked against its salt and hash).
FileCommitment file(const std::string& sha256) {
  FileCommitment f{sha256, std::string(64, '5'), {}};
  f.commitment = *file_commitment(f.salt, f.sha256);
  return f;
}

DonationInput gift(const std::string& fund, std::int64_t minor, const std::string& donor = "") {
  return DonationInput{"2025-02-01", kzt(minor), Channel::bank, "", fund, {}, donor, ""};
}

ExpenseInput spend(const std::string& fund, std::int64_t minor, Category c = Category::lawyer) {
  return ExpenseInput{Expense{"2025-03-01", kzt(minor), c, "Bank:Main", "", "", {{fund, kzt(minor)}}, {}, {}},
                      "Law office of an invented lawyer", ""};
}

const FundReport& fund(const Report& r, const std::string& name) {
  for (const auto& f : r.funds)
    if (f.fund == name) return f;
  throw std::runtime_error("no fund " + name);
}

Report all_time(BooksFixture& b) { return *b.reports().report({}); }

// Every journal transaction balances per currency, counting a posting's cost where it has one.
void expect_journal_balances(BooksFixture& b) {
  std::size_t n = 0;
  auto st = b.reports().journal([&](const Transaction& t) -> Status {
    std::map<std::string, std::int64_t> sum;
    for (const auto& p : t.postings) {
      const Money& m = p.cost ? *p.cost : p.amount;
      sum[std::string(m.currency.code())] += m.minor;
    }
    for (const auto& [c, v] : sum) EXPECT_EQ(v, 0) << "transaction " << t.id << " in " << c;
    ++n;
    return {};
  });
  ASSERT_TRUE(st) << st.error().message;
}

// Recomputes the funds from the log with the auditor and checks the store's report agrees.
void expect_audit_matches_store(BooksFixture& b) {
  auto key = tlog::Verifier::parse(b.vkey());
  ASSERT_TRUE(key);
  Auditor auditor([&](std::uint64_t i) -> Result<Bytes> {
    auto e = b.log().read_entries(i, i + 1);
    if (!e) return err(e);
    return e->at(0);
  });
  tlog::VerifyOptions opts{*key};
  opts.on_entries = [&](std::uint64_t first, std::span<const std::span<const std::uint8_t>> es) -> Status {
    auditor.feed_many(first, es);
    return {};
  };
  auto v = tlog::verify_log(b.log(), opts);
  ASSERT_TRUE(v) << v.error().message;
  for (const auto& f : auditor.findings()) ADD_FAILURE() << "finding at leaf " << f.leaf << ": " << f.message;
  Report r = all_time(b);
  AuditTotals t = auditor.totals();
  ASSERT_EQ(t.funds.size(), r.funds.size());
  for (std::size_t i = 0; i < t.funds.size(); ++i) EXPECT_EQ(t.funds[i], totals_of(r.funds[i])) << t.funds[i].fund;
  EXPECT_EQ(t.income_org, r.org.income_restricted + r.org.income_unrestricted);
  EXPECT_EQ(t.expenses_org, r.org.expenses_total);
}

// The books behind every storage fault a commit can meet (store/faulty_storage.h): a donation
// from a new donor and an expense meet the fault, then more is booked. Afterwards the books as
// stored, the service's in-memory state and the public log agree, whether or not the faulty
// batch reached the disk: totals recomputed from the log, the journal balancing, the fund
// balances the service decides against, and the unique-donor tally (also as rebuilt by a
// restart).
TEST(Books, AfterEveryStorageFaultTheStoredBooksTheServiceAndTheLogAgree) {
  struct Case {
    const char* name;
    std::function<void(store::FaultyStorage&)> inject;
    bool persisted;  // the failed records reached the disk all the same
  };
  const Case cases[] = {
      {"the commit fails before anything is stored", [](store::FaultyStorage& f) { f.fail_before(1); }, false},
      {"the transaction fails after the records' effects ran", [](store::FaultyStorage& f) { f.fail_inside(1); },
       false},
      {"the commit is stored but its acknowledgement is lost", [](store::FaultyStorage& f) { f.fail_after(1); },
       true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    BooksFixture b;
    ASSERT_TRUE(b.books().open_appeal(appeal("A-1")));
    ASSERT_TRUE(b.books().donate(gift("A-1", 50000, "phone:+7 701 000 00 31")));
    ASSERT_TRUE(b.books().donate(gift("general", 7000)));
    // Donation and expense queued together, so that they meet the fault in one batch.
    c.inject(b.faults());
    auto d = b.books().submit_donation(gift("A-1", 30000, "phone:+7 701 000 00 32"));
    ASSERT_TRUE(d) << d.error().message;
    auto e = b.books().submit_expense(spend("A-1", 20000));
    ASSERT_TRUE(e) << e.error().message;
    auto dr = d->first.get(), er = e->get();
    EXPECT_FALSE(dr);
    if (!dr) b.books().note_failure();
    if (!er) b.books().note_failure();
    // Booking goes on, against the state as it truly is.
    ASSERT_TRUE(b.books().donate(gift("A-1", 1000, "phone:+7 701 000 00 33")));
    auto spent = b.books().add_expense(spend("A-1", 5000));
    ASSERT_TRUE(spent) << spent.error().message;

    Report r = all_time(b);
    const FundReport& a = fund(r, "A-1");
    EXPECT_EQ(a.raised, 50000 + 1000 + (c.persisted ? 30000 : 0));
    EXPECT_EQ(a.donations, c.persisted ? 3u : 2u);
    EXPECT_EQ(a.donors, c.persisted ? 3u : 2u);
    EXPECT_EQ(r.org.donors, c.persisted ? 3u : 2u);
    // The expense may have met the fault in the donation's batch or landed in the next one.
    EXPECT_EQ(a.spent, 5000 + (c.persisted || er ? 20000 : 0));
    // The service decides against exactly the stored balances.
    auto stored = b.store().load();
    ASSERT_TRUE(stored);
    for (const FundState& f : b.books().funds()) {
      bool found = false;
      for (const FundState& s : stored->funds)
        if (s.fund == f.fund) {
          found = true;
          EXPECT_EQ(s.balance, f.balance) << f.fund;
        }
      EXPECT_TRUE(found) << f.fund;
    }
    expect_journal_balances(b);
    expect_audit_matches_store(b);
    // A restart rebuilds the donor tally from the donations: the same counts.
    b.reopen();
    ASSERT_TRUE(b.books().donate(gift("A-1", 1000, "phone:+7 701 000 00 31")));  // a repeat donor
    Report again = all_time(b);
    EXPECT_EQ(fund(again, "A-1").donors, a.donors);
    EXPECT_EQ(again.org.donors, r.org.donors);
    expect_audit_matches_store(b);
  }
}

// The log carries other families beside the books (publications, the desk's events): an audit
// verifies the whole tree, recomputes the books from their own leaves, checks published reports
// (whose size counts every leaf), and counts the others per family without a finding. A leaf
// that is no record at all, or a books type it does not know, is a finding.
TEST(Books, AnAuditOverALogMixingFamiliesChecksTheBooksAndCountsTheOthers) {
  BooksFixture b;
  auto other = [&](const std::string& leaf) { return b.seq().submit(Bytes(leaf.begin(), leaf.end())).get(); };
  ASSERT_TRUE(b.books().open_appeal(appeal("A-1")));
  ASSERT_TRUE(other(R"({"text":"An invented statement","type":"publication.post","v":1})"));
  ASSERT_TRUE(b.books().donate(gift("A-1", 50000, "phone:+7 701 000 00 41")));
  ASSERT_TRUE(other(R"({"case":"C-1","type":"docket.event","v":3})"));
  ASSERT_TRUE(other(R"({"corrects":1,"type":"publication.correction","v":1})"));
  ASSERT_TRUE(b.books().add_expense(spend("A-1", 20000)));
  ASSERT_TRUE(b.books().publish_report());
  ASSERT_TRUE(b.books().donate(gift("general", 3000)));

  auto audit = [&] {
    Auditor auditor([&](std::uint64_t i) -> Result<Bytes> {
      auto e = b.log().read_entries(i, i + 1);
      if (!e) return err(e);
      return e->at(0);
    });
    tlog::VerifyOptions opts{*tlog::Verifier::parse(b.vkey())};
    opts.on_entries = [&](std::uint64_t first, std::span<const std::span<const std::uint8_t>> es) -> Status {
      auditor.feed_many(first, es);
      return {};
    };
    auto v = tlog::verify_log(b.log(), opts);
    EXPECT_TRUE(v) << v.error().message;
    return std::pair{auditor.totals(), auditor.findings()};
  };
  auto [totals, findings] = audit();
  EXPECT_TRUE(findings.empty()) << findings.front().message;
  EXPECT_EQ(totals.reports_checked, 1u);
  EXPECT_EQ(totals.other_families, (std::map<std::string, std::uint64_t>{{"docket", 1}, {"publication", 2}}));
  expect_audit_matches_store(b);

  // No record at all, and a type of the books' that does not exist: findings, named by leaf.
  auto junk = other("not json at all");
  auto unknown = other(R"({"type":"donation.refund","v":1})");
  ASSERT_TRUE(junk && unknown);
  auto [after, found] = audit();
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].leaf, *junk);
  EXPECT_NE(found[0].message.find("not an amanat record"), std::string::npos) << found[0].message;
  EXPECT_EQ(found[1].leaf, *unknown);
  EXPECT_NE(found[1].message.find("not a books record"), std::string::npos) << found[1].message;
  EXPECT_EQ(after.other_families, totals.other_families);
}

// Another family's leaf (the access trail's anchors) goes on the log through the books' queue,
// with its effect; a books record, or bytes that are no record, may not take that way round
// the books' own checks, and a refusal appends nothing.
TEST(Books, AnotherFamilysLeafGoesThroughTheBooksQueueButABooksRecordMayNot) {
  BooksFixture b;
  auto submit = [&](const std::string& leaf, tlog::Effect effect = {}) {
    return b.books().submit_other(Bytes(leaf.begin(), leaf.end()), std::move(effect));
  };
  const auto size = b.seq().size();
  for (const std::string& refused : std::vector<std::string>{R"({"type":"donation","v":1})", R"({"type":"report","v":1})",
                                                             "not json", R"({"v":1,"type":"trail.anchor"})"}) {
    auto r = submit(refused);
    ASSERT_FALSE(r) << refused;
    EXPECT_EQ(r.error().code, Errc::invalid) << refused;
    EXPECT_TRUE(r.error().message.starts_with("leaf")) << r.error().message;
  }
  EXPECT_EQ(b.seq().size(), size);
  std::optional<std::uint64_t> effect_at;
  auto queued = submit(R"({"count":1,"type":"trail.anchor","v":1})", [&](Tx&, std::uint64_t index) -> Status {
    effect_at = index;
    return {};
  });
  ASSERT_TRUE(queued);
  auto leaf = queued->get();
  ASSERT_TRUE(leaf);
  EXPECT_EQ(*leaf, size);
  EXPECT_EQ(effect_at, size);
}

TEST(Books, DonationsExpensesAndTransfersAddUpInTheReport) {
  BooksFixture b;
  ASSERT_TRUE(b.books().open_appeal(appeal("A-1")));
  ASSERT_TRUE(b.books().donate(gift("A-1", 500000, "phone:+7 701 000 00 01")));
  ASSERT_TRUE(b.books().donate(gift("A-1", 250000, "phone:8 701 000 00 01")));  // the same donor
  ASSERT_TRUE(b.books().donate(gift("general", 10000)));
  auto e = b.books().add_expense(spend("A-1", 300000));
  ASSERT_TRUE(e) << e.error().message;
  ASSERT_TRUE(b.books().transfer(Transfer{"2025-04-01", kzt(100000), "A-1", "general", "surplus after the verdict", {}}));
  Report r = all_time(b);
  const auto& a = fund(r, "A-1");
  EXPECT_EQ(a.raised, 750000);
  EXPECT_EQ(a.donations, 2u);
  EXPECT_EQ(a.donors, 1u);
  EXPECT_EQ(a.spent, 300000);
  EXPECT_EQ(a.transfers_out, 100000);
  EXPECT_EQ(a.balance, 350000);
  EXPECT_EQ(a.spent_by_category[static_cast<int>(Category::lawyer)].second, 300000);
  EXPECT_EQ(fund(r, "general").balance, 110000);
  EXPECT_EQ(r.org.restricted_net_assets, 350000);
  EXPECT_EQ(r.org.unrestricted_net_assets, 110000);
  EXPECT_EQ(r.org.donors, 1u);
  expect_journal_balances(b);
  expect_audit_matches_store(b);
}

TEST(Books, ARestrictedFundNeverGoesNegativeAndARefusalChangesNothing) {
  BooksFixture b;
  ASSERT_TRUE(b.books().open_appeal(appeal("A-1")));
  ASSERT_TRUE(b.books().donate(gift("A-1", 1000)));
  auto size = b.seq().size();
  auto over = b.books().add_expense(spend("A-1", 1001));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, Errc::forbidden);
  EXPECT_NE(over.error().message.find("never goes negative"), std::string::npos);
  auto t = b.books().transfer(Transfer{"2025-04-01", kzt(2000), "A-1", "general", "too much", {}});
  ASSERT_FALSE(t);
  EXPECT_EQ(b.seq().size(), size);
  EXPECT_EQ(fund(all_time(b), "A-1").balance, 1000);
  // The general fund is unrestricted: an advance to an appeal may come from it only if it holds it,
  // but spending it below zero is the organisation's own matter.
  EXPECT_TRUE(b.books().add_expense(spend("general", 5000, Category::other)));
}

TEST(Books, ACorrectionReversesExactlyOnceAndCannotEmptyARestrictedFund) {
  BooksFixture b;
  ASSERT_TRUE(b.books().open_appeal(appeal("A-1")));
  auto d = b.books().donate(gift("A-1", 5000, "iban:KZ86125KZT5004100100"));
  ASSERT_TRUE(d);
  ASSERT_TRUE(b.books().add_expense(spend("A-1", 4000)));
  // Reversing the donation would leave A-1 at -4000.
  auto c = b.books().correct(Correction{"2025-05-01", d->leaf, "the transfer bounced"});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Errc::forbidden);
  ASSERT_TRUE(b.books().donate(gift("A-1", 5000)));
  ASSERT_TRUE(b.books().correct(Correction{"2025-05-01", d->leaf, "the transfer bounced"}));
  auto again = b.books().correct(Correction{"2025-05-02", d->leaf, "twice"});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::conflict);
  auto r = all_time(b);
  EXPECT_EQ(fund(r, "A-1").raised, 5000);
  EXPECT_EQ(fund(r, "A-1").donations, 1u);
  EXPECT_EQ(fund(r, "A-1").donors, 0u);  // the only identified donor's gift was reversed
  auto not_money = b.books().correct(Correction{"2025-05-02", 1, "an appeal is not money"});
  ASSERT_FALSE(not_money);
  expect_journal_balances(b);
  expect_audit_matches_store(b);
}

TEST(Books, AClosedAppealTakesNoDonationsButCanBeSpentAndEmptied) {
  BooksFixture b;
  ASSERT_TRUE(b.books().open_appeal(appeal("A-1")));
  ASSERT_TRUE(b.books().donate(gift("A-1", 9000)));
  AppealUpdate close{"A-1", "2025-06-01", {}, {}, {}, false};
  ASSERT_TRUE(b.books().update_appeal(close));
  auto d = b.books().donate(gift("A-1", 100));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, Errc::forbidden);
  EXPECT_TRUE(b.books().add_expense(spend("A-1", 4000)));
  EXPECT_TRUE(b.books().transfer(Transfer{"2025-06-02", kzt(5000), "A-1", "general", "surplus", {}}));
  auto r = all_time(b);
  EXPECT_FALSE(fund(r, "A-1").open);
  EXPECT_EQ(fund(r, "A-1").balance, 0);
}

// Segregation of duties: whoever booked an expense is not one of its two approvers, and a
// confirmation recorded on the lawyer's or survivor's behalf needs the signed confirmation.
TEST(Books, WhoeverBookedAnExpenseMayNotApproveItAndConfirmingForAnotherNeedsEvidence) {
  BooksFixture b;
  ASSERT_TRUE(b.books().open_appeal(appeal("A-1")));
  ASSERT_TRUE(b.books().donate(gift("A-1", 10000)));
  auto in = spend("A-1", 6000);
  in.booked_by = "accountant";
  auto e = b.books().add_expense(in);
  ASSERT_TRUE(e);
  auto own = b.books().approve(*e, "accountant");
  ASSERT_FALSE(own);
  EXPECT_EQ(own.error().reason, &amanat::reasons::own_expense);
  EXPECT_EQ(own.error().field, "by");
  ASSERT_TRUE(b.books().approve(*e, "director"));
  ASSERT_TRUE(b.books().approve(*e, "deputy"));
  EXPECT_EQ(fund(all_time(b), "A-1").spent_approved, 6000);

  for (ConfirmRole role : {ConfirmRole::lawyer, ConfirmRole::survivor}) {
    auto bare = b.books().confirm(*e, role, std::nullopt, Confirmer::on_behalf);
    ASSERT_FALSE(bare);
    EXPECT_EQ(bare.error().reason, &amanat::reasons::evidence_required);
    EXPECT_EQ(bare.error().field, "evidence");
    EXPECT_TRUE(b.books().confirm(*e, role, file(std::string(64, 'e')), Confirmer::on_behalf));
  }
  // The refusals wrote nothing: one expense, two approvals, two confirmations after the setup.
  b.reopen();
  auto state = b.store().expense(*e);
  ASSERT_TRUE(state && *state);
  auto& x = **state;
  EXPECT_EQ(x.approvals.size(), 2u);
  EXPECT_EQ(x.booked_by, "accountant");
  EXPECT_TRUE(x.lawyer_confirmed && x.survivor_confirmed);
}

TEST(Books, ApprovalsNeedTwoDifferentPeopleAndCountInTheReport) {
  BooksFixture b;
  ASSERT_TRUE(b.books().open_appeal(appeal("A-1")));
  ASSERT_TRUE(b.books().donate(gift("A-1", 10000)));
  auto e = b.books().add_expense(spend("A-1", 6000));
  ASSERT_TRUE(e);
  ASSERT_TRUE(b.books().approve(*e, "director"));
  EXPECT_EQ(fund(all_time(b), "A-1").spent_approved, 0);
  auto twice = b.books().approve(*e, "director");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, Errc::conflict);
  ASSERT_TRUE(b.books().approve(*e, "accountant"));
  ASSERT_TRUE(b.books().confirm(*e, ConfirmRole::lawyer, std::nullopt, Confirmer::the_person));
  ASSERT_TRUE(b.books().attach_receipt(*e, file(std::string(64, 'a'))));
  auto r = all_time(b);
  EXPECT_EQ(fund(r, "A-1").spent_approved, 6000);
  EXPECT_EQ(fund(r, "A-1").spent_with_receipt, 6000);
  EXPECT_FALSE(b.books().approve(999, "director"));
  expect_audit_matches_store(b);
}

TEST(Books, AForeignCurrencyDonationConvertsAtItsStatedRate) {
  BooksFixture b;
  ASSERT_TRUE(b.books().open_appeal(appeal("A-1")));
  DonationInput usd = gift("A-1", 10000);  // 100.00 USD
  usd.amount = Money{10000, *currency("USD")};
  auto missing = b.books().donate(usd);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("rates.KZT"), std::string::npos);
  usd.rates["KZT"] = *parse_rate("450.255");
  ASSERT_TRUE(b.books().donate(usd));
  EXPECT_EQ(fund(all_time(b), "A-1").raised, 4502550);  // 100 USD x 450.255 = 45025.50 KZT
  usd.rates["EUR"] = *parse_rate("0.9");
  auto unused = b.books().donate(usd);
  ASSERT_FALSE(unused);
  EXPECT_NE(unused.error().message.find("rates.EUR: not needed"), std::string::npos);
  expect_journal_balances(b);
  expect_audit_matches_store(b);
}

// Checked totals: no booking may take any total a report states past 2^53-1 (the largest
// integer JSON carries exactly), so "raised" can never wrap negative, per fund or in all.
TEST(Books, ABookingThatWouldTakeATotalPastWhatAReportCanPublishIsRefused) {
  BooksFixture b;
  ASSERT_TRUE(b.books().open_appeal(appeal("A-1")));
  ASSERT_TRUE(b.books().donate(gift("A-1", kMaxPublishable - 10)));
  const auto size = b.seq().size();
  auto over = b.books().donate(gift("A-1", 11));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().reason, &amanat::reasons::total_unpublishable);
  EXPECT_EQ(over.error().field, "amount");
  // The organisation's total counts every fund: the general fund is full too.
  EXPECT_FALSE(b.books().donate(gift("general", 11)));
  ASSERT_TRUE(b.books().donate(gift("general", 10)));
  EXPECT_EQ(b.seq().size(), size + 1);
  // After a restart the service knows the totals from the store and still refuses.
  b.reopen();
  EXPECT_FALSE(b.books().donate(gift("general", 1)));
  // Spending is a total of its own; a transfer adds to both funds' flows and the organisation's.
  ASSERT_TRUE(b.books().add_expense(spend("A-1", 1000)));
  EXPECT_FALSE(b.books().transfer(Transfer{"2025-06-02", kzt(5000), "A-1", "general", "surplus", {}}));
  auto r = all_time(b);
  EXPECT_EQ(fund(r, "A-1").raised, kMaxPublishable - 10);
  EXPECT_EQ(r.org.income_restricted + r.org.income_unrestricted, kMaxPublishable);
  EXPECT_GT(fund(r, "A-1").balance, 0);
}

// A date far from today is more often a slip than a late booking: refused unless confirmed.
TEST(Books, ADateFarFromTodayIsRefusedUnlessConfirmed) {
  BooksFixture b;  // today is 2026-01-02
  ASSERT_TRUE(b.books().open_appeal(appeal("A-1")));
  const auto size = b.seq().size();
  for (const char* date : {"1970-01-01", "2099-12-31", "2024-12-31", "2026-01-04"}) {
    auto g = gift("A-1", 100);
    g.date = date;
    auto r = b.books().donate(g);
    ASSERT_FALSE(r) << date;
    EXPECT_EQ(r.error().reason, &amanat::reasons::date_far) << date;
    EXPECT_EQ(r.error().field, "date");
  }
  EXPECT_EQ(b.seq().size(), size);
  for (const char* date : {"2025-01-01", "2026-01-03"}) {  // a year back, tomorrow
    auto g = gift("A-1", 100);
    g.date = date;
    EXPECT_TRUE(b.books().donate(g)) << date;
  }
  auto old = gift("A-1", 100);
  old.date = "2019-03-08";
  old.date_check = DateCheck::confirmed;
  EXPECT_TRUE(b.books().donate(old));
  auto e = spend("A-1", 100);
  e.expense.date = "2099-01-01";
  EXPECT_FALSE(b.books().add_expense(e));
  EXPECT_FALSE(b.books().transfer(Transfer{"1970-01-01", kzt(50), "A-1", "general", "surplus", {}}));
  EXPECT_TRUE(b.books().transfer(Transfer{"1970-01-01", kzt(50), "A-1", "general", "surplus", {}},
                                 DateCheck::confirmed));
}

TEST(Books, AReportPeriodThatEndsBeforeItStartsIsRefused) {
  BooksFixture b;
  auto r = b.reports().report({.from = "2025-02-01", .to = "2025-01-31"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, &amanat::reasons::period_reversed);
  EXPECT_EQ(r.error().field, "to");
  EXPECT_TRUE(b.reports().report({.from = "2025-02-01", .to = "2025-02-01"}));
  auto rec = b.bank().reconcile({.from = "2025-02-01", .to = "2025-01-31"});
  ASSERT_FALSE(rec);
  EXPECT_EQ(rec.error().reason, &amanat::reasons::period_reversed);
}

// Public text holds no character that makes it read differently from what it is: no
// bidirectional overrides or isolates ("Trojan Source"), no invisible C1 controls.
TEST(Books, PublicTextRefusesBidirectionalAndInvisibleControls) {
  BooksFixture b;
  for (const char* bad : {"Legal help \u202Eevil", "Legal help \u2066x\u2069", "Legal help \u0085"}) {
    auto a = appeal("A-1");
    a.title = bad;
    auto r = b.books().open_appeal(a);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().field, "title");
    EXPECT_NE(r.error().message.find("control character"), std::string::npos) << r.error().message;
  }
  auto a = appeal("A-1");
  a.title = "Помощь юриста \u2014 Заңгер көмегі";  // dashes and Cyrillic are fine
  EXPECT_TRUE(b.books().open_appeal(a));
}

// A text cell a spreadsheet would evaluate is exported as text.
TEST(Books, CsvCellsASpreadsheetWouldRunAsFormulasAreExportedAsText) {
  EXPECT_EQ(csv_field("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(csv_field("+1"), "\"'+1\"");
  EXPECT_EQ(csv_field("-2+3"), "\"'-2+3\"");
  EXPECT_EQ(csv_field("@SUM(A1)"), "\"'@SUM(A1)\"");
  EXPECT_EQ(csv_field("\tx"), "\"'\tx\"");
  EXPECT_EQ(csv_field("Legal help"), "Legal help");
  EXPECT_EQ(csv_field("a, b"), "\"a, b\"");
  BooksFixture b;
  auto a = appeal("A-1");
  a.title = "=1+1";
  ASSERT_TRUE(b.books().open_appeal(a));
  auto csv = report_csv(all_time(b));
  EXPECT_NE(csv.find("A-1,\"'=1+1\","), std::string::npos) << csv;
}

TEST(Books, APeriodReportCountsRecordsAsCorrected) {
  BooksFixture b;
  ASSERT_TRUE(b.books().open_appeal(appeal("A-1")));
  auto d1 = gift("A-1", 1000), d2 = gift("A-1", 2000);
  d1.date = "2024-12-31";
  d1.date_check = DateCheck::confirmed;  // a year and two days before the fixture's today
  d2.date = "2025-01-15";
  ASSERT_TRUE(b.books().donate(d1));
  auto r2 = b.books().donate(d2);
  ASSERT_TRUE(r2);
  ASSERT_TRUE(b.books().donate(gift("A-1", 4000)));  // 2025-02-01
  ASSERT_TRUE(b.books().correct(Correction{"2025-02-10", r2->leaf, "duplicate"}));
  auto jan = b.reports().report(ReportQuery{{}, "2025-01-01", "2025-01-31"});
  ASSERT_TRUE(jan);
  EXPECT_EQ(fund(*jan, "A-1").raised, 0);
  auto y2025 = b.reports().report(ReportQuery{"A-1", "2025-01-01", "2025-12-31"});
  ASSERT_TRUE(y2025);
  ASSERT_EQ(y2025->funds.size(), 1u);
  EXPECT_EQ(y2025->funds[0].raised, 4000);
  EXPECT_EQ(y2025->funds[0].donations, 1u);
}

TEST(Books, TheReceiptCodeFindsTheDonationAndNothingElseDoes) {
  BooksFixture b;
  auto d = b.books().donate(gift("general", 777));
  ASSERT_TRUE(d);
  auto code = parse_receipt_code(d->receipt_code);
  ASSERT_TRUE(code);
  EXPECT_EQ(code->leaf, d->leaf);  // the code names its record
  auto found = b.store().donation_by_receipt(code->leaf, receipt_commitment(code->secret));
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->leaf, d->leaf);
  EXPECT_EQ((*found)->amount.minor, 777);
  // The right record number with another secret, or the secret with another record, finds nothing.
  auto other = b.store().donation_by_receipt(d->leaf, receipt_commitment(new_receipt_secret()));
  ASSERT_TRUE(other);
  EXPECT_FALSE(*other);
  auto elsewhere = b.store().donation_by_receipt(d->leaf - 1, receipt_commitment(code->secret));
  ASSERT_TRUE(elsewhere);
  EXPECT_FALSE(*elsewhere);
  // Lower case, no dashes and O/I/L typos still find it (Crockford base 32).
  std::string typed;
  for (char c : d->receipt_code)
    if (c != '-') typed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto again = parse_receipt_code(typed);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->leaf, code->leaf);
  EXPECT_EQ(again->secret, code->secret);
  // Shapes that are not a receipt code are refused without repeating them.
  for (std::string bad : {std::string("7Q2M-K9XD"), code->secret, "x-" + code->secret,
                          "12-" + code->secret.substr(0, 25) + "U"}) {
    auto r = parse_receipt_code(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message.find(code->secret), std::string::npos);
  }
}

// Canary: the donor's phone, the payee and the receipt code never reach the database files.
TEST(Books, DonorAndPayeeIdentitiesNeverReachTheDatabaseInTheClear) {
  const std::string phone = "77019876543", payee = "Canary-Payee-Zhanar-Q7", iban = "KZ86125KZT5004100100";
  std::string code;
  std::filesystem::path dir;
  {
    BooksFixture b;
    dir = b.dir();
    ASSERT_TRUE(b.books().open_appeal(appeal("A-1")));
    auto d = b.books().donate(gift("A-1", 5000, "phone:+" + phone));
    ASSERT_TRUE(d);
    code = d->receipt_code;
    ASSERT_TRUE(b.books().donate(gift("A-1", 5000, "iban:" + iban)));
    auto e = spend("A-1", 1000);
    e.payee = payee;
    auto leaf = b.books().add_expense(e);
    ASSERT_TRUE(leaf);
    EXPECT_EQ(*b.books().payee(*leaf), payee);  // the organisation can still read it with its key
    b.reopen();  // the database and its WAL are both read below, whichever holds the rows now
    std::string all;
    for (const auto& f : std::filesystem::directory_iterator(dir)) {
      std::ifstream in(f.path(), std::ios::binary);
      all.append(std::istreambuf_iterator<char>(in), {});
    }
    ASSERT_GT(all.size(), 1000u);
    EXPECT_EQ(all.find(phone), std::string::npos);
    EXPECT_EQ(all.find(payee), std::string::npos);
    EXPECT_EQ(all.find(iban), std::string::npos);
    auto parsed = parse_receipt_code(code);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(all.find(parsed->secret), std::string::npos);
    EXPECT_EQ(all.find(code.substr(code.find('-') + 1)), std::string::npos);
  }
}

// Unique donors are tallied in memory beside the rows: a batch that rolls back must take back
// what it counted, and a restart must rebuild the tally from the stored donations.
TEST(Books, UniqueDonorsSurviveARolledBackBatchAndARestart) {
  BooksFixture b;
  ASSERT_TRUE(b.books().open_appeal(appeal("A-1")));
  const std::string alma = "phone:+7 701 000 00 21", berik = "phone:+7 701 000 00 22";
  // A donation by Alma whose batch fails after her record was written: nothing of it stays.
  {
    Record r{"2026-01-02T03:04:05Z", Donation{"2025-02-01", kzt(700), Channel::bank, "Bank:Main", "A-1",
                                              receipt_commitment(new_receipt_secret()), {}}};
    auto leaf = encode_leaf(r);
    ASSERT_TRUE(leaf);
    auto booking = book(0, r, *currency("KZT"), [](std::string_view) { return currency("KZT").value(); });
    ASSERT_TRUE(booking);
    RecordPrivate priv;
    priv.donor = *b.keys().pseudonym(*normalise_donor(alma));
    auto size = b.log().state()->size;
    tlog::Batch batch{size, {Bytes(leaf->begin(), leaf->end())},
                      {b.store().writer(std::make_shared<PendingRecord>(PendingRecord{r, *booking, priv})),
                       [](Tx&, std::uint64_t) -> Status { return fail(Errc::unavailable, "disk full (simulated)"); }},
                      {}, "unused"};
    batch.entries.push_back(batch.entries[0]);
    EXPECT_FALSE(b.log().commit(batch));
    EXPECT_EQ(b.log().state()->size, size);
  }
  EXPECT_EQ(fund(all_time(b), "A-1").donors, 0u);
  ASSERT_TRUE(b.books().donate(gift("A-1", 100, alma)));
  ASSERT_TRUE(b.books().donate(gift("A-1", 100, alma)));
  EXPECT_EQ(fund(all_time(b), "A-1").donors, 1u);
  b.reopen();  // the tally is rebuilt from the donations table
  ASSERT_TRUE(b.books().donate(gift("A-1", 100, alma)));
  auto second = b.books().donate(gift("general", 100, berik));
  ASSERT_TRUE(second);
  Report r = all_time(b);
  EXPECT_EQ(fund(r, "A-1").donors, 1u);
  EXPECT_EQ(fund(r, "general").donors, 1u);
  EXPECT_EQ(r.org.donors, 2u);
  ASSERT_TRUE(b.books().correct(Correction{"2025-02-02", second->leaf, "booked twice"}));
  b.reopen();
  r = all_time(b);
  EXPECT_EQ(fund(r, "general").donors, 0u);
  EXPECT_EQ(r.org.donors, 1u);
}

TEST(Books, TheStateSurvivesARestart) {
  BooksFixture b;
  ASSERT_TRUE(b.books().open_appeal(appeal("A-1")));
  ASSERT_TRUE(b.books().donate(gift("A-1", 3000)));
  b.reopen();
  EXPECT_TRUE(b.books().is_open());
  auto over = b.books().add_expense(spend("A-1", 3001));
  EXPECT_FALSE(over);
  EXPECT_TRUE(b.books().add_expense(spend("A-1", 3000)));
}

// Property: after any sequence of operations, accepted or refused, every journal transaction
// balances, no restricted fund is negative, and the audit from the log equals the store.
TEST(BooksProperty, RandomOperationsKeepTheInvariants) {
  BooksFixture b;
  std::mt19937_64 rng(20261125);
  std::vector<std::string> funds = {"general"};
  std::vector<std::uint64_t> money_records, expenses;
  auto pick = [&](const auto& v) { return v[rng() % v.size()]; };
  int accepted = 0, refused = 0;
  for (int i = 0; i < 400; ++i) {
    int op = static_cast<int>(rng() % 100);
    Result<std::uint64_t> r = fail(Errc::invalid, "no-op");
    if (op < 5 || funds.size() < 2) {
      auto code = "A-" + std::to_string(funds.size());
      r = b.books().open_appeal(appeal(code));
      if (r) funds.push_back(code);
    } else if (op < 50) {
      auto d = b.books().donate(gift(pick(funds), 1 + static_cast<std::int64_t>(rng() % 100000),
                                     "phone:+7701" + std::to_string(1000000 + rng() % 50)));
      r = d ? Result<std::uint64_t>(d->leaf) : err(d);
      if (r) money_records.push_back(*r);
    } else if (op < 75) {
      auto e = spend(pick(funds), 1 + static_cast<std::int64_t>(rng() % 150000),
                     static_cast<Category>(rng() % all_categories().size()));
      if (rng() % 3 == 0) {  // a split
        auto other = pick(funds);
        if (other != e.expense.splits[0].fund) {
          e.expense.splits.push_back({other, kzt(500)});
          e.expense.amount.minor += 500;
        }
      }
      r = b.books().add_expense(e);
      if (r) money_records.push_back(*r), expenses.push_back(*r);
    } else if (op < 85) {
      r = b.books().transfer(Transfer{"2025-04-01", kzt(1 + static_cast<std::int64_t>(rng() % 50000)), pick(funds),
                                      pick(funds), "rebalancing", {}});
      if (r) money_records.push_back(*r);
    } else if (op < 92 && !money_records.empty()) {
      r = b.books().correct(Correction{"2025-05-01", pick(money_records), "entered in error"});
    } else if (!expenses.empty()) {
      r = b.books().approve(pick(expenses), rng() % 2 ? "director" : "accountant");
    }
    r ? ++accepted : ++refused;
    if (i % 50 == 0)
      for (const auto& f : all_time(b).funds)
        if (f.restricted) {
          ASSERT_GE(f.balance, 0) << f.fund;
        }
  }
  EXPECT_GT(accepted, 150);
  EXPECT_GT(refused, 10);  // overdrafts and double corrections do happen
  for (const auto& f : all_time(b).funds)
    if (f.restricted) {
      EXPECT_GE(f.balance, 0) << f.fund;
    }
  expect_journal_balances(b);
  expect_audit_matches_store(b);
}

// ---- leaves ------------------------------------------------------------------------------

TEST(Leaf, ADonationEncodesToItsDocumentedCanonicalBytes) {
  Donation d{"2025-03-08", kzt(500000), Channel::mobile, "Mobile", "A-2025-007", std::string(64, 'b'), {}};
  auto leaf = encode_leaf(Record{"2025-03-08T10:11:12Z", d});
  ASSERT_TRUE(leaf);
  EXPECT_EQ(*leaf,
            R"({"account":"Mobile","amount":500000,"channel":"mobile","currency":"KZT","date":"2025-03-08",)"
            R"("fund":"A-2025-007","receipt":")" + std::string(64, 'b') +
                R"(","time":"2025-03-08T10:11:12Z","type":"donation","v":1})");
  auto back = decode_leaf(as_bytes(*leaf));
  ASSERT_TRUE(back) << back.error().message;
  auto again = encode_leaf(*back);
  EXPECT_EQ(*again, *leaf);
}

TEST(Leaf, AnExpenseWithSplitsRatesAndReceiptsRoundTrips) {
  Expense e{"2025-03-09", Money{12345, *currency("USD")}, Category::travel_flights, "Bank:Main", std::string(64, 'c'),
            "flight to the hearing", {{"A-1", Money{10000, *currency("USD")}}, {"general", Money{2345, *currency("USD")}}},
            {std::string(64, 'd')}, {{"KZT", *parse_rate("450.25")}}};
  auto leaf = encode_leaf(Record{"2025-03-09T00:00:00Z", e});
  ASSERT_TRUE(leaf) << leaf.error().message;
  EXPECT_NE(leaf->find(R"("rates":{"KZT":"450.25"})"), std::string::npos);
  auto back = decode_leaf(as_bytes(*leaf));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*encode_leaf(*back), *leaf);
}

TEST(Leaf, TheDirectEncoderAgreesWithTheGeneralCanonicalizerOnAwkwardText) {
  for (std::string text : {"quote \" and backslash \\ and slash /", "Өтініш: заң көмегі", "emoji \xF0\x9F\x98\x80 U+2028 \xE2\x80\xA8",
                           "line one\nline two", "<script>&amp;</script>"}) {
    AppealOpen a{"A-1", "t", text, "", kzt(5), "2025-01-01"};
    auto leaf = encode_leaf(Record{"2025-01-01T00:00:00Z", a});
    ASSERT_TRUE(leaf) << leaf.error().message;
    auto canon = canonicalize_text(*leaf);
    ASSERT_TRUE(canon) << canon.error().message;
    EXPECT_EQ(*canon, *leaf);
    auto back = decode_leaf(as_bytes(*leaf));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(std::get<AppealOpen>(back->body).description, text);
  }
}

TEST(Leaf, DecodingRefusesWhatEncodingWouldNotWrite) {
  const std::string good = *encode_leaf(Record{"2025-03-08T10:11:12Z", Approval{12, "director"}});
  EXPECT_TRUE(decode_leaf(as_bytes(good)));
  struct Case {
    std::string leaf, why;
  } cases[] = {
      {R"({"by":"director","expense":12,"time":"2025-03-08T10:11:12Z","type":"expense.approve","v":1,"x":1})", "unknown field"},
      {R"({"expense":12,"by":"director","time":"2025-03-08T10:11:12Z","type":"expense.approve","v":1})", "canonical"},
      {R"({"by":"director","expense":12,"time":"2025-03-08T10:11:12Z","type":"expense.approve","v":2})", "version"},
      {R"({"by":"director","expense":12,"time":"2025-03-08","type":"expense.approve","v":1})", "time"},
      {R"({"by":"Director Ivanova","expense":12,"time":"2025-03-08T10:11:12Z","type":"expense.approve","v":1})", "by"},
      {R"({"by":"director","expense":-1,"time":"2025-03-08T10:11:12Z","type":"expense.approve","v":1})", "negative"},
      {R"({"by":"director","expense":12,"time":"2025-03-08T10:11:12Z","type":"expense.delete","v":1})", "record type"},
      {R"(not json)", "byte 0"},
  };
  for (const auto& c : cases) {
    auto r = decode_leaf(as_bytes(c.leaf));
    ASSERT_FALSE(r) << c.leaf;
    EXPECT_NE(r.error().message.find(c.why), std::string::npos) << c.leaf << " -> " << r.error().message;
  }
}

TEST(Leaf, RatesAreWrittenInTheirShortestExactDecimal) {
  EXPECT_EQ(*format_rate(*parse_rate("450.2500")), "450.25");
  EXPECT_EQ(*format_rate(*parse_rate("0.0019")), "0.0019");
  EXPECT_EQ(*format_rate(*parse_rate("1")), "1");
  EXPECT_FALSE(format_rate(Rate{1, 3}));
}

TEST(Identity, DonorIdentifiersNormaliseToOneSpellingAndErrorsDoNotRepeatThem) {
  EXPECT_EQ(*normalise_donor("phone:+7 (701) 123-45-67"), "phone:77011234567");
  EXPECT_EQ(*normalise_donor("phone:87011234567"), "phone:77011234567");
  EXPECT_EQ(*normalise_donor("iban:kz86 125k zt50 0410 0100"), "iban:KZ86125KZT5004100100");
  auto bad = normalise_donor("iban:KZ87125KZT5004100100");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.find("KZ87"), std::string::npos);
  EXPECT_FALSE(normalise_donor("name:Aigerim"));
  EXPECT_FALSE(normalise_donor("phone:12ab"));
}

}  // namespace
}  // namespace amanat::books
