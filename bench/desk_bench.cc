// Benchmark of the case desk's statistics: the staff's dashboard figures (consultations, cases
// opened, survivors, cases to court, convictions and people convicted, officials held
// accountable, by month, and the cases now in each stage) read from the maintained counts
// (desk_counts), as a RATIO to the same figures computed by a scan of the records (SQL GROUP BY
// over every consultation and case) in the same run, at ten times the background's scale by
// default: 350,000 consultations and 25,500 survivors' cases (desk demo's generator).
//
//   desk_bench [--scale N] [--rounds R] [--tmp DIR]
//
// Prints the time of each, the RATIO (scan / maintained) and a TARGET line (the dashboard from
// maintained counts at least 10x faster than the scan), after checking that both give the same
// consultations per month. See docs/benchmarks.md.
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>

#include <CLI/CLI.hpp>

#include "books/testing.h"
#include "crypto/vault.h"
#include "desk/demo.h"
#include "store/sqlite/db.h"

using namespace amanat;
using SteadyClock = std::chrono::steady_clock;

namespace {

double seconds_since(SteadyClock::time_point t) {
  return std::chrono::duration<double>(SteadyClock::now() - t).count();
}

[[noreturn]] void die(const std::string& what, const Error& e) {
  std::fprintf(stderr, "desk_bench: %s: %s\n", what.c_str(), e.message.c_str());
  std::exit(1);
}

const std::vector<std::string> kMetrics = {
    desk::metric::consultations, desk::metric::cases_opened, desk::metric::survivors,
    desk::metric::to_court,      desk::metric::convictions,  desk::metric::convicted,
    desk::metric::officials_accountable, desk::metric::disciplinary};

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  CLI::App app{"amanat case desk statistics benchmark (see docs/benchmarks.md)"};
  int scale = 10, rounds = 20;
  std::string tmp;
  app.add_option("--scale", scale, "Times the background's scale (35,000 consultations, 2,550 cases)")->capture_default_str();
  app.add_option("--rounds", rounds, "Times each way of computing the figures is run")->capture_default_str();
  app.add_option("--tmp", tmp, "Parent directory for temporary data (default $TMPDIR or /tmp)");
  CLI11_PARSE(app, argc, argv);
  books::testing::BooksFixture books("KZT", tmp.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(tmp));
  auto& stores = books.stores();
  auto vault = crypto::Vault::create("bench", "a bench passphrase long enough", std::nullopt, crypto::KdfLimits::for_tests());
  if (!vault) die("vault", vault.error());
  std::ofstream(books.dir() / "vault.json") << vault->file.to_json();
  auto ids = identity::Identities::open(*stores.db, *stores.identities, (books.dir() / "vault.json").string());
  if (!ids) die("identities", ids.error());
  if (auto st = (*ids)->unseal_with_passphrase("a bench passphrase long enough"); !st) die("unseal", st.error());
  desk::DeskDemoStaff staff;
  accounts::User* users[] = {&staff.hotline, &staff.case_worker, &staff.lawyer, &staff.director};
  const accounts::Role roles[] = {accounts::Role::hotline_operator, accounts::Role::case_worker, accounts::Role::lawyer,
                                  accounts::Role::director};
  for (int i = 0; i < 4; ++i) {
    auto st = stores.db->transact([&](Tx& tx) -> Status {
      AMANAT_TRY(u, stores.accounts->insert_user(tx, "bench-" + std::to_string(i), roles[i], "x", 1));
      if (!u) return fail(Errc::conflict, "taken");
      *users[i] = *u;
      return {};
    });
    if (!st) die("users", st.error());
  }
  desk::Desk desk(*stores.db, *stores.desk, **ids);
  desk::DeskDemoOptions o;
  o.consultations *= scale;
  o.survivors *= scale;
  o.to_trial *= scale;
  o.convicted *= scale;
  o.disciplinary *= scale;
  o.accountable *= scale;
  auto t0 = SteadyClock::now();
  auto sum = desk::generate_desk_demo(desk, staff, o);
  if (!sum) die("demo", sum.error());
  std::printf("== desk demo x%d: %lld consultations, %lld cases (%lld events), %lld complaints in %.1f s\n", scale,
              (long long)sum->consultations, (long long)sum->cases, (long long)sum->events,
              (long long)sum->complaints, seconds_since(t0));

  // The dashboard from maintained counts: the figures by month, and the stages now.
  std::map<std::string, std::int64_t> by_month_counts, by_month_scan;
  auto maintained = [&] {
    auto c = desk.counts({.metrics = kMetrics, .from = "0000-01", .to = "9999-12", .by_month = true});
    if (!c) die("counts", c.error());
    desk::CountQuery stages;
    for (const auto& s : desk.procedure().stages()) stages.metrics.push_back(desk::metric::stage_prefix + s.id);
    auto now = desk.counts(stages);
    if (!now) die("stages", now.error());
    by_month_counts.clear();
    for (const auto& x : *c)
      if (x.metric == desk::metric::consultations) by_month_counts[x.month] += x.n;
  };
  // The same figures by scanning the records.
  auto db = store::sqlite::Db::open((books.dir() / "amanat.db").string(), false);
  if (!db) die("open", db.error());
  auto scan = [&] {
    by_month_scan.clear();
    const char* queries[] = {
        "SELECT strftime('%Y-%m', at, 'unixepoch'), count(*) FROM consultations GROUP BY 1",
        "SELECT strftime('%Y-%m', opened, 'unixepoch'), count(*) FROM cases GROUP BY 1",
        "SELECT strftime('%Y-%m', opened, 'unixepoch'), count(*) FROM cases WHERE first_of_survivor GROUP BY 1",
        "SELECT substr(court_on, 1, 7), count(*) FROM cases WHERE court_on IS NOT NULL GROUP BY 1",
        "SELECT substr(verdict_on, 1, 7), count(*), sum(convicted) FROM cases WHERE verdict = 'conviction' GROUP BY 1",
        "SELECT substr(decided_on, 1, 7), outcome, count(*) FROM official_complaints WHERE decided_on IS NOT NULL "
        "GROUP BY 1, 2",
        "SELECT stage, count(*) FROM cases GROUP BY 1"};
    for (int q = 0; q < 7; ++q) {
      auto st = (*db)->prepare(queries[q]);
      if (!st) die("scan", st.error());
      auto each = st->each([&](store::sqlite::Stmt& r) {
        if (q == 0) by_month_scan[r.column_text(0)] += r.column_int(1);
      });
      if (!each) die("scan", each.error());
    }
  };
  maintained();
  scan();
  if (by_month_counts != by_month_scan) {
    std::fprintf(stderr, "desk_bench: the maintained counts and the scan disagree on consultations per month\n");
    return 1;
  }
  auto time_it = [&](auto&& f) {
    auto t = SteadyClock::now();
    for (int i = 0; i < rounds; ++i) f();
    return seconds_since(t) / rounds;
  };
  double m = time_it(maintained), s = time_it(scan);
  std::printf("dashboard from maintained counts: %8.3f ms (%zu months)\n", m * 1e3, by_month_counts.size());
  std::printf("the same figures by a scan:       %8.3f ms\n", s * 1e3);
  std::printf("RATIO scan / maintained = %.1f\n", m > 0 ? s / m : 0.0);
  std::printf("TARGET the dashboard from maintained counts at least 10x faster than a scan at %dx the background: %s\n",
              scale, s >= 10 * m ? "MET" : "NOT MET");
  return 0;
}
