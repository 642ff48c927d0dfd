#include "books/demo.h"

#include <cmath>
#include <chrono>
#include <deque>
#include <random>

namespace amanat::books {

namespace {


constexpr const char* kRegions[] = {"Almaty", "Astana", "Shymkent", "Karaganda", "Aktobe", "Pavlodar",
                                    "Taraz", "Oskemen", "Atyrau", "Kostanay"};
constexpr const char* kPayees[] = {"Law office of an invented advocate", "Invented forensic laboratory",
                                   "Invented regional clinic", "Invented air carrier", "Invented hotel",
                                   "Invented taxi company", "Invented psychologist practice",
                                   "Invented rental agency", "Court fee account (invented)", "Invented supplier"};

}  // namespace

Result<DemoSummary> generate_demo(Books& books, const DemoOptions& o, Progress* progress) {
  if (auto st = check_date(o.start, "start"); !st) return err(st);
  if (o.years < 1 || o.years > 50) return fail(Errc::invalid, "years: between 1 and 50");
  if (!books.is_open()) return fail(Errc::invalid, "the books are not open");
  const Currency cur = books.currency();
  const std::int64_t unit = [&] {
    std::int64_t u = 1;
    for (int i = 0; i < cur.exponent(); ++i) u *= 10;
    return u;
  }();
  std::mt19937_64 rng(o.seed);
  auto uniform = [&](std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
  };
  std::lognormal_distribution<double> amount_dist(std::log(5000.0), 1.0);  // median 5,000
  const std::uint64_t n_appeals =
      o.appeals ? o.appeals : std::clamp<std::uint64_t>(o.donations / 20000, 6, 50);
  const auto start = day_number(o.start);
  if (!start) return fail(Errc::invalid, "start: not a date YYYY-MM-DD: " + o.start);
  const std::int64_t day0 = *start;
  const std::int64_t span_days = 365LL * o.years;

  DemoSummary sum;
  std::deque<std::future<Result<std::uint64_t>>> inflight;
  std::optional<Error> failure;
  auto drain = [&](std::size_t keep) {
    while (inflight.size() > keep) {
      auto r = inflight.front().get();
      inflight.pop_front();
      if (!r && !failure) failure = r.error();
    }
  };
  auto queue = [&](Result<std::future<Result<std::uint64_t>>> f) -> bool {
    if (!f) {
      if (!failure) failure = f.error();
      return false;
    }
    inflight.push_back(std::move(*f));
    drain(4096);
    return true;
  };

  // Appeals open at even intervals; each runs for 60-400 days.
  struct AppealRun {
    std::string code;
    std::int64_t opens, closes;
    std::int64_t balance = 0;  // what the generator has booked into it, to spend only that
    bool closed = false;
  };
  std::vector<AppealRun> appeals;
  for (std::uint64_t i = 0; i < n_appeals; ++i) {
    std::int64_t opens = day0 + static_cast<std::int64_t>(i) * span_days / static_cast<std::int64_t>(n_appeals + 1);
    appeals.push_back({"A-" + date_of_day(opens).substr(0, 4) + "-" + std::to_string(100 + i), opens,
                       opens + uniform(60, 400)});
  }
  std::size_t next_appeal = 0;
  std::int64_t general = 0;
  std::vector<std::uint64_t> recent_expenses;
  struct PendingExpense {
    std::future<Result<std::uint64_t>> leaf;
    bool approve, deputy;
  };
  std::deque<PendingExpense> expenses_inflight;

  for (std::uint64_t i = 0; i < o.donations && !failure; ++i) {
    const std::int64_t day = day0 + static_cast<std::int64_t>(i * static_cast<std::uint64_t>(span_days) / std::max<std::uint64_t>(o.donations, 1));
    const std::string date = date_of_day(day);
    // Open the appeals whose day has come; close those whose day has passed, moving the surplus.
    while (next_appeal < appeals.size() && appeals[next_appeal].opens <= day) {
      auto& a = appeals[next_appeal++];
      std::string region = kRegions[rng() % std::size(kRegions)];
      std::string case_code = "C-" + std::to_string(1000 + rng() % 9000);
      AppealOpen open{a.code, "Legal support for case " + case_code + " (" + region + ")",
                      "Lawyer, forensic evaluation and travel to hearings for a survivor in " + region +
                          " (invented demo case).",
                      case_code, Money{uniform(200000, 5000000) * unit, cur}, date_of_day(a.opens)};
      drain(0);
      if (auto r = books.open_appeal(open, DateCheck::confirmed); !r) return err(r);
      ++sum.appeals;
    }
    for (auto& a : appeals) {
      if (a.closed || a.closes > day || &a - appeals.data() >= static_cast<std::ptrdiff_t>(next_appeal)) continue;
      a.closed = true;
      drain(0);
      if (a.balance > 0) {
        if (!queue(books.submit_transfer(Transfer{date, Money{a.balance, cur}, a.code, std::string(kGeneralFund),
                                                   "surplus after the appeal closed", {}})))
          break;
        general += a.balance;
        a.balance = 0;
        ++sum.transfers;
        drain(0);
      }
      if (auto r = books.update_appeal(AppealUpdate{a.code, date, {}, {}, {}, false}, DateCheck::confirmed); !r) return err(r);
    }
    std::vector<AppealRun*> live;
    for (std::size_t k = 0; k < next_appeal; ++k)
      if (!appeals[k].closed) live.push_back(&appeals[k]);

    // The donation.
    std::int64_t amount = std::max<std::int64_t>(100, static_cast<std::int64_t>(amount_dist(rng))) * unit;
    amount = std::min<std::int64_t>(amount, 2000000 * unit);
    int ch = static_cast<int>(rng() % 100);
    Channel channel = ch < 45 ? Channel::mobile : ch < 75 ? Channel::card : ch < 95 ? Channel::bank : Channel::cash;
    AppealRun* target = (!live.empty() && rng() % 10 < 8) ? live[rng() % live.size()] : nullptr;
    // A tenth of donors give many times; the rest are one-off.
    std::uint64_t donor = rng() % 10 == 0 ? rng() % (o.donations / 50 + 10) : 1000000 + i;
    DonationInput d{date, Money{amount, cur}, channel, "", target ? target->code : std::string(kGeneralFund), {},
                    channel == Channel::cash && rng() % 2 ? "" : "ref:demo-donor-" + std::to_string(donor), "",
                    DateCheck::confirmed};
    auto sub = books.submit_donation(d);
    if (!sub) return err(sub);
    inflight.push_back(std::move(sub->first));
    drain(4096);
    (target ? target->balance : general) += amount;
    ++sum.donations;

    // About one expense per 25 donations, from a fund that holds the money.
    if (rng() % 25 == 0) {
      AppealRun* from = live.empty() ? nullptr : live[rng() % live.size()];
      std::int64_t have = from ? from->balance : general;
      if (have > 10 * unit) {
        std::int64_t spend = std::min<std::int64_t>(have / 2, uniform(5000, 400000) * unit);
        Category cat = static_cast<Category>(rng() % all_categories().size());
        std::vector<Split> splits{{from ? from->code : std::string(kGeneralFund), Money{spend, cur}}};
        std::int64_t extra = 0;
        if (from && general > 2000 * unit && rng() % 8 == 0) {
          extra = uniform(100, 2000) * unit;
          splits.push_back({std::string(kGeneralFund), Money{extra, cur}});
        }
        // An invented receipt: a made-up file hash and salt (no file is stored), committed to as a
        // real one is (books/receipt_files.h).
        std::vector<FileCommitment> receipts;
        if (rng() % 10 < 8) {
          auto hex = [&] {
            std::string h(64, '0');
            for (char& c : h) c = "0123456789abcdef"[rng() % 16];
            return h;
          };
          FileCommitment f{hex(), hex(), {}};
          f.commitment = *file_commitment(f.salt, f.sha256);
          receipts.push_back(std::move(f));
        }
        ExpenseInput e{Expense{date, Money{spend + extra, cur}, cat, "Bank:Main", "", "", splits, {}, {}},
                       kPayees[static_cast<int>(cat) % std::size(kPayees)], "", "bookkeeper", DateCheck::confirmed};
        e.receipts = std::move(receipts);
        auto f = books.submit_expense(e);
        if (!f) return err(f);
        (from ? from->balance : general) -= spend;
        general -= extra;
        ++sum.expenses;
        // Its approvals need its leaf: they are submitted once it is known, without stalling.
        expenses_inflight.push_back({std::move(*f), rng() % 10 < 9, rng() % 2 == 0});
      }
    }
    while (!expenses_inflight.empty() &&
           (expenses_inflight.size() > 256 ||
            expenses_inflight.front().leaf.wait_for(std::chrono::seconds(0)) == std::future_status::ready)) {
      auto& x = expenses_inflight.front();
      auto leaf = x.leaf.get();
      if (!leaf) return err(leaf);
      recent_expenses.push_back(*leaf);
      if (x.approve) {
        queue(books.submit_approval(*leaf, "director"));
        queue(books.submit_approval(*leaf, x.deputy ? "deputy-director" : "accountant"));
        sum.approvals += 2;
      }
      expenses_inflight.pop_front();
    }
    // Now and then a correction of a recent expense (a duplicate booking), which only adds money back.
    if (!recent_expenses.empty() && rng() % 2000 == 0) {
      drain(0);
      std::uint64_t leaf = recent_expenses.back();
      recent_expenses.pop_back();
      auto c = books.correct(Correction{date, leaf, "booked twice by mistake"}, DateCheck::confirmed);
      if (c) ++sum.corrections;
      // The generator's balances no longer know exactly; re-read them from the service.
      for (const auto& f : books.funds()) {
        if (f.fund == kGeneralFund) general = f.balance;
        for (auto& a : appeals)
          if (a.code == f.fund) a.balance = f.balance;
      }
    }
    if (progress && (i & 1023) == 0) progress->update(i);
  }
  for (auto& x : expenses_inflight) {
    auto leaf = x.leaf.get();
    if (!leaf) return err(leaf);
    if (x.approve) {
      queue(books.submit_approval(*leaf, "director"));
      queue(books.submit_approval(*leaf, x.deputy ? "deputy-director" : "accountant"));
      sum.approvals += 2;
    }
  }
  drain(0);
  if (progress) progress->update(sum.donations);
  if (failure) return std::unexpected(*failure);
  return sum;
}

}  // namespace amanat::books
