// Benchmarks for the books. Each figure is printed with a RATIO against a peer or a baseline
// measured in the same run (absolute times drift on shared machines), and a TARGET line.
//
//   books_bench book    [--donations N] [--writers W]   durable booking through books::Books
//                                                       vs bare log appends of the same leaves
//   books_bench report  [--donations N] [--keep]        amanat report / audit vs `ledger bal`
//                                                       and `hledger bal` on the exported journal
//
// `report` builds demo books (amanat demo's generator), exports them with `amanat export`'s
// code, and runs every contender as a separate child process (this binary re-executed with a
// hidden sub-command, or the tool itself), measuring wall time and peak memory (ru_maxrss) of
// each child with wait4(), so amanat and the peers are measured the same way.
//
// Temporary data goes under --tmp (default $TMPDIR or /tmp; must be on the disk to measure) and
// is removed unless --keep. See docs/benchmarks.md.
#include <fcntl.h>
#include <sodium.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <random>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "books/demo.h"
#include "books/export/books_export.h"
#include "books/identity.h"
#include "books/leaf.h"
#include "books/testing.h"
#include "store/org.h"
#include "store/sqlite/db.h"

namespace fs = std::filesystem;
using namespace amanat;
using namespace amanat::books;
using SteadyClock = std::chrono::steady_clock;

extern char** environ;

namespace {

[[noreturn]] void die(const std::string& what, const Error& e) {
  std::fprintf(stderr, "books_bench: %s: %s\n", what.c_str(), e.message.c_str());
  std::exit(1);
}
template <class T>
T must(Result<T> r, const std::string& what) {
  if (!r) die(what, r.error());
  return std::move(*r);
}
double since(SteadyClock::time_point t0) { return std::chrono::duration<double>(SteadyClock::now() - t0).count(); }
// User + system CPU seconds of this process (all threads).
double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

double loadavg() {
  double l[1] = {0};
  getloadavg(l, 1);
  return l[0];
}

struct ChildRun {
  double seconds = 0;
  long max_rss_kib = 0;
  int status = 0;
};

// Runs argv as a child (stdout to /dev/null unless `out` is given) and measures its wall time
// and peak memory. The child is started through GNU time (/usr/bin/time, Debian package
// "time"), which reports the child's own peak RSS: a child spawned directly from this big
// process would have this process's peak recorded as its own (Linux charges the pre-exec
// address space to ru_maxrss).
ChildRun run_child(const std::vector<std::string>& argv, const std::string& out = "/dev/null") {
  std::string rss_file = (fs::temp_directory_path() / ("books-bench-rss-" + std::to_string(::getpid()))).string();
  std::vector<std::string> full = {"/usr/bin/time", "-f", "%M", "-o", rss_file};
  full.insert(full.end(), argv.begin(), argv.end());
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& a : full) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  auto t0 = SteadyClock::now();
  if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) != 0) {
    std::fprintf(stderr, "books_bench: cannot run /usr/bin/time (Debian package time)\n");
    std::exit(1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  double secs = since(t0);
  posix_spawn_file_actions_destroy(&fa);
  long rss = 0;
  if (std::FILE* f = std::fopen(rss_file.c_str(), "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, f))
      if (std::sscanf(line, "%ld", &rss) == 1) break;  // a "Command exited with ..." line may come first
    std::fclose(f);
  }
  fs::remove(rss_file);
  return ChildRun{secs, rss, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

std::string self_exe() { return fs::read_symlink("/proc/self/exe").string(); }

// ---- book --------------------------------------------------------------------------------

void bench_book(const fs::path& tmp, std::uint64_t n, unsigned writers) {
  std::printf("== book: %llu donations, %u writer threads, load %.2f\n", (unsigned long long)n, writers, loadavg());
  double threaded_rate = 0, pipelined_rate = 0, baseline_rate = 0;
  {
    testing::BooksFixture b("KZT", tmp);
    must(b.books().open_appeal(AppealOpen{"A-1", "Bench appeal", "", "C-1", Money{1, *currency("KZT")}, "2025-01-01"}),
         "appeal");
    std::atomic<std::uint64_t> next{0};
    double cpu0 = cpu_seconds();
    auto t0 = SteadyClock::now();
    std::vector<std::thread> ts;
    for (unsigned w = 0; w < writers; ++w)
      ts.emplace_back([&] {
        for (std::uint64_t i; (i = next++) < n;) {
          DonationInput d{"2025-02-01", Money{100000 + static_cast<std::int64_t>(i % 1000), *currency("KZT")},
                          Channel::card, "", i % 2 ? "A-1" : "general", {}, "ref:bench-" + std::to_string(i % 5000), ""};
          must(b.books().donate(d), "donate");
        }
      });
    for (auto& t : ts) t.join();
    double s = since(t0);
    threaded_rate = n / s;
    std::printf("book: %u threads calling Books::donate(): %.0f donations/s durable (%.2f s, %.1f us CPU each)\n",
                writers, threaded_rate, s, (cpu_seconds() - cpu0) * 1e6 / n);

    // 64 concurrent requests multiplexed on 2 threads, as the async HTTP server will hold them:
    // each thread keeps 32 donations in flight and starts a new one as the oldest completes.
    next = 0;
    cpu0 = cpu_seconds();
    t0 = SteadyClock::now();
    std::vector<std::thread> loops;
    for (int t = 0; t < 2; ++t)
      loops.emplace_back([&] {
        std::deque<std::future<Result<std::uint64_t>>> mine;
        for (std::uint64_t i; (i = next++) < n;) {
          DonationInput d{"2025-02-03", Money{100000 + static_cast<std::int64_t>(i % 1000), *currency("KZT")},
                          Channel::mobile, "", i % 2 ? "A-1" : "general", {}, "ref:bench-" + std::to_string(i % 5000), ""};
          mine.push_back(must(b.books().submit_donation(d), "submit").first);
          if (mine.size() >= 32) {
            must(mine.front().get(), "donation");
            mine.pop_front();
          }
        }
        for (auto& f : mine) must(f.get(), "donation");
      });
    for (auto& t : loops) t.join();
    s = since(t0);
    double server_rate = n / s;
    std::printf("book: 64 requests in flight on 2 threads (server-like): %.0f donations/s durable (%.2f s, %.1f us CPU each)\n",
                server_rate, s, (cpu_seconds() - cpu0) * 1e6 / n);
    threaded_rate = std::max(threaded_rate, server_rate);

    // Pipelined, as an importer books: one thread keeps many donations in flight.
    std::deque<std::future<Result<std::uint64_t>>> inflight;
    cpu0 = cpu_seconds();
    t0 = SteadyClock::now();
    for (std::uint64_t i = 0; i < n; ++i) {
      DonationInput d{"2025-02-02", Money{100000 + static_cast<std::int64_t>(i % 1000), *currency("KZT")},
                      Channel::bank, "", i % 2 ? "A-1" : "general", {}, "ref:bench-" + std::to_string(i % 5000), ""};
      auto f = must(b.books().submit_donation(d), "submit");
      inflight.push_back(std::move(f.first));
      while (inflight.size() > 16384) {
        must(inflight.front().get(), "donation");
        inflight.pop_front();
      }
    }
    while (!inflight.empty()) {
      must(inflight.front().get(), "donation");
      inflight.pop_front();
    }
    s = since(t0);
    pipelined_rate = n / s;
    std::printf("book: one thread pipelining Books::submit_donation(): %.0f donations/s durable (%.2f s, %.1f us CPU each)\n",
                pipelined_rate, s, (cpu_seconds() - cpu0) * 1e6 / n);
  }
  {
    // Baseline: the same kind of leaves appended to a bare log (no records, no postings).
    testing::BooksFixture b("", tmp);
    std::string leaf = *encode_leaf(Record{"2026-01-02T03:04:05Z",
                                           Donation{"2025-02-01", Money{100000, *currency("KZT")}, Channel::card,
                                                    "Card", "A-1", std::string(64, 'a'), {}}});
    std::deque<std::future<Result<std::uint64_t>>> inflight;
    double cpu0 = cpu_seconds();
    auto t0 = SteadyClock::now();
    for (std::uint64_t i = 0; i < n; ++i) {
      inflight.push_back(b.seq().submit(Bytes(leaf.begin(), leaf.end())));
      while (inflight.size() > 16384) {
        must(inflight.front().get(), "append");
        inflight.pop_front();
      }
    }
    while (!inflight.empty()) {
      must(inflight.front().get(), "append");
      inflight.pop_front();
    }
    double s = since(t0);
    baseline_rate = n / s;
    std::printf("book: baseline, bare log appends of donation-sized leaves, pipelined: %.0f entries/s (%.2f s, %.1f us CPU each)\n",
                baseline_rate, s, (cpu_seconds() - cpu0) * 1e6 / n);
  }
  std::printf("RATIO 64 concurrent (best of the two) / bare appends = %.2f; pipelined booking / bare appends = %.2f\n",
              threaded_rate / baseline_rate, pipelined_rate / baseline_rate);
  std::printf("TARGET booking >= 20000 donations/s durable with 64 concurrent writers: %s (%.0f/s); pipelined: %s (%.0f/s); load %.2f\n",
              threaded_rate >= 20000 ? "MET" : "NOT MET", threaded_rate, pipelined_rate >= 20000 ? "MET" : "NOT MET",
              pipelined_rate, loadavg());
}

// ---- report ------------------------------------------------------------------------------

void bench_report(const fs::path& tmp, std::uint64_t n, bool keep) {
  std::printf("== report: demo books with %llu donations, load %.2f\n", (unsigned long long)n, loadavg());
  fs::path dir = tmp / ("amanat-books-bench-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string vkey;
  fs::path data;
  {
    testing::BooksFixture b("KZT", dir);
    DemoOptions o;
    o.donations = n;
    auto t0 = SteadyClock::now();
    auto sum = must(generate_demo(b.books(), o), "demo");
    std::printf("built: %llu appeals, %llu donations, %llu expenses, log size %llu in %.1f s\n",
                (unsigned long long)sum.appeals, (unsigned long long)sum.donations, (unsigned long long)sum.expenses,
                (unsigned long long)b.seq().size(), since(t0));
    std::ofstream out(dir / "books.ledger", std::ios::binary);
    t0 = SteadyClock::now();
    auto txns = must(exporter::export_books(b.reports(), exporter::Format::ledger, out), "export");
    out.close();
    std::printf("exported %llu transactions to %s in %.1f s\n", (unsigned long long)txns,
                (dir / "books.ledger").c_str(), since(t0));
    vkey = b.vkey();
    // Keep the data directory: the fixture removes its own, so copy the database out first.
    data = dir / "data";
    fs::create_directories(data);
    b.reopen();
    {
      // Fold the WAL into the database so the copy opens as a settled data directory would (any
      // connection may checkpoint; the fixture's are idle).
      auto db = must(store::sqlite::Db::open((b.dir() / "amanat.db").string(), false), "open");
      if (auto st = db->exec("PRAGMA wal_checkpoint(TRUNCATE)"); !st) die("checkpoint", st.error());
    }
    fs::copy(b.dir(), data, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }
  std::string journal = (dir / "books.ledger").string();
  auto ledger = run_child({"ledger", "-f", journal, "bal"});
  std::printf("peer: ledger bal: %.2f s, %ld MiB peak (exit %d)\n", ledger.seconds, ledger.max_rss_kib / 1024,
              ledger.status);
  auto ours = run_child({self_exe(), "_report", data.string()});
  std::printf("amanat report (all funds, all time, from the store): %.4f s, %ld MiB peak\n", ours.seconds,
              ours.max_rss_kib / 1024);
  // The real command, as an auditor runs it: every correction's record is read again and
  // proved against the checkpoint, and the published reports are checked.
  std::string amanat = (fs::path(self_exe()).parent_path() / "amanat").string();
  auto audit = run_child({amanat, "audit", "--log", data.string(), "--vkey", vkey});
  std::printf("amanat audit (verify the log, recompute every fund from the leaves): %.2f s, %ld MiB peak (exit %d)\n",
              audit.seconds, audit.max_rss_kib / 1024, audit.status);
  double speed = ledger.seconds / ours.seconds, mem = double(ledger.max_rss_kib) / ours.max_rss_kib;
  double audit_speed = ledger.seconds / audit.seconds;
  std::printf("RATIO ledger bal time / amanat report time = %.0fx; ledger memory / amanat memory = %.1fx\n", speed, mem);
  std::printf("RATIO ledger bal time / amanat audit time = %.1fx\n", audit_speed);
  std::printf("TARGET report >= 100x faster than ledger bal in <= 1/10 of its memory: %s\n",
              speed >= 100 && mem >= 10 ? "MET" : "NOT MET");
  std::printf("TARGET audit >= 10x faster than ledger bal: %s\n", audit_speed >= 10 ? "MET" : "NOT MET");
  auto hledger = run_child({"hledger", "-f", journal, "bal"});
  std::printf("peer: hledger bal: %.2f s, %ld MiB peak (exit %d); RATIO hledger / amanat report = %.0fx\n",
              hledger.seconds, hledger.max_rss_kib / 1024, hledger.status, hledger.seconds / ours.seconds);
  std::printf("load %.2f\n", loadavg());
  if (keep) {
    std::printf("kept %s; the audit again: %s audit --log %s --vkey '%s'\n", dir.c_str(), amanat.c_str(), data.c_str(),
                vkey.c_str());
    return;
  }
  fs::remove_all(dir);
}

// ---- import ------------------------------------------------------------------------------

// A CSV bank statement of `n` lines of money in (invented payers), imported by `amanat import`
// into fresh books and by `hledger import` into an empty journal, each as a child process.
void bench_import(const fs::path& tmp, std::uint64_t n) {
  std::printf("== import: a CSV statement of %llu lines, load %.2f\n", (unsigned long long)n, loadavg());
  fs::path dir = tmp / ("amanat-import-bench-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::path csv = dir / "statement.csv";
  {
    std::ofstream out(csv, std::ios::binary);
    out << "Date,Amount,Currency,Ref,Payer,Purpose\n";
    std::mt19937_64 rng(7);
    char line[256];
    for (std::uint64_t i = 0; i < n; ++i) {
      std::snprintf(line, sizeof line, "2025-%02d-%02d,%llu.%02llu,KZT,R-%llu,ref-payer-%llu,donation for A-1\n",
                    int(1 + i % 12), int(1 + i % 28), (unsigned long long)(100 + rng() % 100000),
                    (unsigned long long)(rng() % 100), (unsigned long long)i, (unsigned long long)(rng() % (n / 3 + 1)));
      out << line;
    }
  }
  std::ofstream(dir / "statement.csv.rules") << "skip 1\nfields date, amount, currency, code, payer, description\n"
                                                 "date-format %Y-%m-%d\naccount1 Assets:Bank:Main\n"
                                                 "account2 Income:Donations\n";
  std::ofstream(dir / "empty.journal") << "";
  std::string amanat = (fs::path(self_exe()).parent_path() / "amanat").string();
  fs::path data = dir / "data";
  run_child({amanat, "init", "--data", data.string(), "--origin", "bench.example/log"});
  run_child({amanat, "appeal", "open", "--data", data.string(), "--code", "A-1", "--title", "Bench", "--target", "1000"});
  auto ours = run_child({amanat, "import", csv.string(), "--data", data.string(), "--format", "csv", "--map",
                         "account=Bench;date=Date;amount=Amount;currency=Currency;ref=Ref;counterparty=Payer;text=Purpose"});
  std::printf("amanat import: %.2f s (%.0f lines/s durable), %ld MiB peak (exit %d)\n", ours.seconds, n / ours.seconds,
              ours.max_rss_kib / 1024, ours.status);
  auto again = run_child({amanat, "import", csv.string(), "--data", data.string(), "--format", "csv", "--map",
                          "account=Bench;date=Date;amount=Amount;currency=Currency;ref=Ref;counterparty=Payer;text=Purpose"});
  std::printf("amanat import of the same file again (books nothing): %.2f s\n", again.seconds);
  auto peer = run_child({"hledger", "-f", (dir / "empty.journal").string(), "import", csv.string()});
  std::printf("peer: hledger import: %.2f s, %ld MiB peak (exit %d)\n", peer.seconds, peer.max_rss_kib / 1024, peer.status);
  double ratio = peer.seconds / ours.seconds;
  std::printf("RATIO hledger import time / amanat import time = %.1fx\n", ratio);
  std::printf("TARGET import >= 10x faster than hledger import: %s; load %.2f\n", ratio >= 10 ? "MET" : "NOT MET",
              loadavg());
  fs::remove_all(dir);
}

// Hidden sub-commands, run in a child by bench_report.
int child_report(const std::string& data) {
  auto dir = must(store::DataDir::open(data), "open");
  auto stores = must(store::open_org(dir), "open");
  auto rep = must(stores.reports->report({}), "report");
  std::string json = report_json(rep);
  std::fwrite(json.data(), 1, json.size(), stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  if (argc >= 3 && std::string(argv[1]) == "_report") return child_report(argv[2]);
  CLI::App app{"amanat books benchmarks (see docs/benchmarks.md)"};
  app.require_subcommand(1);
  app.fallthrough();
  std::string tmp;
  app.add_option("--tmp", tmp, "Parent directory for temporary data (default $TMPDIR or /tmp)");
  std::uint64_t b_n = 100000;
  unsigned b_writers = 64;
  auto* bp = app.add_subcommand("book", "Durable booking through books::Books vs bare log appends");
  bp->add_option("--donations", b_n, "Donations per run")->capture_default_str();
  bp->add_option("--writers", b_writers, "Writer threads")->capture_default_str();
  std::uint64_t r_n = 200000;
  bool r_keep = false;
  auto* rp = app.add_subcommand("report", "amanat report and audit vs ledger bal / hledger bal");
  rp->add_option("--donations", r_n, "Donations in the demo books")->capture_default_str();
  rp->add_flag("--keep", r_keep, "Keep the books and the journal (prints how to run the audit again, e.g. under perf)");
  std::uint64_t i_n = 100000;
  auto* ip = app.add_subcommand("import", "amanat import vs hledger import of the same CSV statement");
  ip->add_option("--lines", i_n, "Lines in the statement")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  fs::path base = tmp.empty() ? fs::temp_directory_path() : fs::path(tmp);
  if (*bp) bench_book(base, b_n, b_writers);
  if (*rp) bench_report(base, r_n, r_keep);
  if (*ip) bench_import(base, i_n);
  return 0;
}
