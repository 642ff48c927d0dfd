// Benchmarks for the transparency log: durable appends, whole-log verification from tiles, and
// inclusion proofs on a large log. Each figure is printed with a RATIO against a baseline
// measured in the same run, because absolute times drift on shared machines.
//
//   tlog_bench append  [--entries N] [--writers W] [--entry-size B] [--single N]
//   tlog_bench verify  [--entries N] [--entry-size B] [--entries-1k N] [--repeat R]
//   tlog_bench prove   [--entries N] [--entry-size B] [--proofs P] [--data DIR]
//   tlog_bench sha     [--count N]
//
// Every sub-benchmark works in a fresh temporary directory under --tmp (default $TMPDIR or
// /tmp), removed at the end unless --keep. See docs/benchmarks.md for the figures and how they
// were produced.
#include <openssl/evp.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/sha256.h"
#include "store/data_dir.h"
#include "store/memory_log_store.h"
#include "store/sqlite/db.h"
#include "store/sqlite/log_store.h"
#include "store/sqlite/schema.h"
#include "store/static_dir.h"
#include "tlog/log_key.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/sequencer.h"
#include "tlog/tile.h"
#include "tlog/verifier.h"

namespace fs = std::filesystem;
using namespace amanat;
using Clock = std::chrono::steady_clock;

namespace {

// ---- helpers ---------------------------------------------------------------------------------

[[noreturn]] void die(const std::string& what, const Error& e) {
  std::fprintf(stderr, "tlog_bench: %s: %s\n", what.c_str(), e.message.c_str());
  std::exit(1);
}
template <class T>
T must(Result<T> r, const std::string& what) {
  if (!r) die(what, r.error());
  return std::move(*r);
}
void must(Status s, const std::string& what) {
  if (!s) die(what, s.error());
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// User + system CPU time of the whole process (all threads).
double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

// A field of /proc/self/status in kB (VmRSS, VmHWM), or -1.
long proc_status_kb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  std::size_t n = std::strlen(field);
  while (std::getline(in, line))
    if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':') return std::atol(line.c_str() + n + 1);
  return -1;
}

// CPU time of the calling thread only.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

std::string loadavg() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

long maxrss_kb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

// Deterministic pseudo-random entries: entry i of a run is the same bytes in every variant of
// that run, so the baselines hash and store exactly what the log does.
std::uint64_t splitmix(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
void fill_entry(std::uint64_t seed, std::uint64_t i, std::uint8_t* out, std::size_t n) {
  std::uint64_t s = seed * 0x100000001b3ull ^ (i + 1) * 0xd6e8feb86659fd93ull;
  for (std::size_t k = 0; k < n; k += 8) {
    std::uint64_t v = splitmix(s);
    std::memcpy(out + k, &v, std::min<std::size_t>(8, n - k));
  }
}
Bytes make_entry(std::uint64_t seed, std::uint64_t i, std::size_t n) {
  Bytes b(n);
  fill_entry(seed, i, b.data(), n);
  return b;
}

struct Stats {
  double p50 = 0, p99 = 0, max = 0, mean = 0;
};
Stats stats_of(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  auto pct = [&](double q) {
    std::size_t k = static_cast<std::size_t>(std::ceil(q * v.size()));
    return v[std::min(v.size() - 1, k == 0 ? 0 : k - 1)];
  };
  s.p50 = pct(0.50);
  s.p99 = pct(0.99);
  s.max = v.back();
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / v.size();
  return s;
}

void figure(const std::string& name, double value, const char* unit, const std::string& extra = "") {
  std::printf("FIGURE %-40s %14.3f %-10s %s\n", name.c_str(), value, unit, extra.c_str());
  std::fflush(stdout);
}
void ratio(const std::string& name, double value, const std::string& how) {
  std::printf("RATIO  %-40s %14.3f            (%s)\n", name.c_str(), value, how.c_str());
  std::fflush(stdout);
}
void target(const std::string& what, bool met) {
  std::printf("TARGET %-60s %s\n", what.c_str(), met ? "MET" : "NOT MET");
  std::fflush(stdout);
}
void info(const std::string& s) {
  std::printf("       %s\n", s.c_str());
  std::fflush(stdout);
}

struct TempDir {
  fs::path path;
  bool keep = false;
  ~TempDir() {
    if (path.empty()) return;
    if (keep) {
      std::fprintf(stderr, "tlog_bench: kept %s\n", path.c_str());
      return;
    }
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};
void make_temp(TempDir& t, const std::string& parent, bool keep) {
  std::string base = parent.empty() ? (std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") : parent;
  std::string templ = (fs::path(base) / "amanat-bench-XXXXXX").string();
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) {
    std::perror("mkdtemp");
    std::exit(1);
  }
  t.path = buf.data();
  t.keep = keep;
}

const char* kOrigin = "bench.example/log";

// A data directory as `amanat init` makes it: a fresh key and the SQLite database.
struct BenchLog {
  fs::path dir;
  std::unique_ptr<store::sqlite::SqliteLogStore> store;
  std::unique_ptr<tlog::LogKey> key;
};
BenchLog create_log(const fs::path& dir) {
  auto dd = must(store::DataDir::create(dir), "creating " + dir.string());
  auto kp = must(tlog::generate_key(kOrigin), "generating a key");
  must(dd.write_key(kp.skey), "writing the key");
  BenchLog log;
  log.dir = dir;
  log.store = must(store::sqlite::SqliteLogStore::open(dd.db_path(), kOrigin, true), "opening the database");
  log.key = std::make_unique<tlog::LogKey>(must(tlog::LogKey::parse(kp.skey), "parsing the key"));
  return log;
}
BenchLog open_log(const fs::path& dir) {
  auto dd = must(store::DataDir::open(dir), "opening " + dir.string());
  BenchLog log;
  log.dir = dir;
  log.store = must(store::sqlite::SqliteLogStore::open_default(dd.db_path()), "opening the database");
  log.key = std::make_unique<tlog::LogKey>(must(tlog::LogKey::parse(must(dd.read_key(), "reading the key")), "parsing the key"));
  return log;
}

// Forwards to a real storage, counting and timing commits (called from the sequencer thread).
class CountingStorage : public tlog::LogStorage {
 public:
  explicit CountingStorage(tlog::LogStorage& inner) : inner_(inner) {}
  Result<State> state() override { return inner_.state(); }
  Status commit(const tlog::Batch& b) override {
    auto t0 = Clock::now();
    auto st = inner_.commit(b);
    double dt = seconds_since(t0);
    if (!b.entries.empty()) {
      ++batches;
      entries += b.entries.size();
      commit_seconds += dt;
      max_batch = std::max<std::uint64_t>(max_batch, b.entries.size());
    }
    return st;
  }
  Result<std::string> checkpoint_at(std::uint64_t s) override { return inner_.checkpoint_at(s); }
  Result<std::vector<Bytes>> read_entries(std::uint64_t b, std::uint64_t e) override { return inner_.read_entries(b, e); }
  Status replace_checkpoint(std::uint64_t s, const std::string& n) override { return inner_.replace_checkpoint(s, n); }
  Result<std::string> read_checkpoint() override { return inner_.read_checkpoint(); }
  Result<Bytes> read_tile(const tlog::TileId& id) override { return inner_.read_tile(id); }
  std::string describe() const override { return inner_.describe(); }

  std::uint64_t batches = 0, entries = 0, max_batch = 0;
  double commit_seconds = 0;

 private:
  tlog::LogStorage& inner_;
};

class TimingSigner : public tlog::CheckpointSigner {
 public:
  explicit TimingSigner(tlog::CheckpointSigner& inner) : inner_(inner) {}
  Result<std::string> sign(std::uint64_t size, const Hash& root) override {
    auto t0 = Clock::now();
    auto r = inner_.sign(size, root);
    sign_seconds += seconds_since(t0);
    ++signatures;
    return r;
  }
  Result<std::pair<std::uint64_t, Hash>> open(std::string_view note) override { return inner_.open(note); }
  double sign_seconds = 0;
  std::uint64_t signatures = 0;

 private:
  tlog::CheckpointSigner& inner_;
};

// ---- 1. durable appends ----------------------------------------------------------------------

struct AppendRun {
  double seconds = 0, cpu = 0;
  std::uint64_t entries = 0, batches = 0, max_batch = 0;
  double commit_seconds = 0, sign_seconds = 0;
  double rate() const { return entries / seconds; }
  double mean_batch() const { return batches ? double(entries) / batches : 0; }
};

// `writers` threads each call Sequencer::append() (blocking until durable) in a loop.
AppendRun run_writers(tlog::LogStorage& storage, tlog::CheckpointSigner& signer, std::uint64_t n,
                      unsigned writers, std::size_t entry_size, std::uint64_t seed,
                      tlog::SequencerOptions opts = {}) {
  CountingStorage counting(storage);
  TimingSigner timing(signer);
  auto seq = must(tlog::Sequencer::open(counting, timing, opts), "opening the sequencer");
  timing.sign_seconds = 0;
  std::atomic<std::uint64_t> next{0};
  std::vector<std::thread> threads;
  double cpu0 = cpu_seconds();
  auto t0 = Clock::now();
  for (unsigned w = 0; w < writers; ++w) {
    threads.emplace_back([&] {
      while (true) {
        std::uint64_t i = next.fetch_add(1);
        if (i >= n) break;
        Bytes e = make_entry(seed, i, entry_size);
        must(seq->append(e), "append");
      }
    });
  }
  for (auto& t : threads) t.join();
  AppendRun r;
  r.seconds = seconds_since(t0);
  r.cpu = cpu_seconds() - cpu0;
  r.entries = counting.entries;
  r.batches = counting.batches;
  r.max_batch = counting.max_batch;
  r.commit_seconds = counting.commit_seconds;
  r.sign_seconds = timing.sign_seconds;
  if (seq->size() != n) die("append", {Errc::internal, "the log has the wrong size"});
  return r;
}

// One thread submits entries and collects their futures in order, keeping `window` in flight
// (what `amanat log append` does).
AppendRun run_pipelined(tlog::LogStorage& storage, tlog::CheckpointSigner& signer, std::uint64_t n,
                        std::size_t entry_size, std::uint64_t seed, std::size_t window,
                        tlog::SequencerOptions opts = {}, bool progress = false) {
  CountingStorage counting(storage);
  TimingSigner timing(signer);
  auto seq = must(tlog::Sequencer::open(counting, timing, opts), "opening the sequencer");
  timing.sign_seconds = 0;
  std::deque<std::future<Result<std::uint64_t>>> inflight;
  double cpu0 = cpu_seconds();
  auto t0 = Clock::now();
  std::uint64_t report_every = std::max<std::uint64_t>(n / 10, 1);
  for (std::uint64_t i = 0; i < n; ++i) {
    inflight.push_back(seq->submit(make_entry(seed, i, entry_size)));
    while (inflight.size() > window) {
      must(inflight.front().get(), "append");
      inflight.pop_front();
    }
    if (progress && (i + 1) % report_every == 0)
      std::fprintf(stderr, "  building: %llu / %llu entries submitted (%.0f s)\n", (unsigned long long)(i + 1),
                   (unsigned long long)n, seconds_since(t0));
  }
  for (auto& f : inflight) must(f.get(), "append");
  AppendRun r;
  r.seconds = seconds_since(t0);
  r.cpu = cpu_seconds() - cpu0;
  r.entries = counting.entries;
  r.batches = counting.batches;
  r.max_batch = counting.max_batch;
  r.commit_seconds = counting.commit_seconds;
  r.sign_seconds = timing.sign_seconds;
  return r;
}

// The same rows inserted straight into the same schema: `per_txn` rows per durable transaction.
double raw_sqlite_inserts(const fs::path& db_path, std::uint64_t n, std::size_t entry_size, std::uint64_t seed,
                          std::uint64_t per_txn) {
  using namespace store::sqlite;
  auto db = must(Db::open(db_path.string(), true), "opening " + db_path.string());
  must(migrate(*db), "migrating");
  must(db->exec("INSERT INTO logs(origin) VALUES ('raw')"), "inserting the log row");
  auto ins = must(db->prepare("INSERT INTO log_entries(log_id, idx, data) VALUES (?, ?, ?)"), "preparing");
  Bytes e(entry_size);
  auto t0 = Clock::now();
  for (std::uint64_t i = 0; i < n;) {
    std::uint64_t end = std::min(n, i + per_txn);
    must(transaction(*db, [&]() -> Status {
           for (; i < end; ++i) {
             fill_entry(seed, i, e.data(), entry_size);
             ins.reset();
             ins.bind(1, std::int64_t{1}).bind(2, i).bind_blob(3, e);
             if (auto st = ins.run(); !st) return st;
           }
           return {};
         }),
         "raw insert transaction");
  }
  return seconds_since(t0);
}

void print_run(const std::string& name, const AppendRun& r) {
  figure(name + ".rate", r.rate(), "entries/s",
         "(" + std::to_string(r.entries) + " entries in " + std::to_string(r.seconds).substr(0, 6) + " s)");
  info(name + ": batches=" + std::to_string(r.batches) + " mean_batch=" + std::to_string(r.mean_batch()) +
       " max_batch=" + std::to_string(r.max_batch) +
       " mean_commit_ms=" + std::to_string(r.batches ? 1e3 * r.commit_seconds / r.batches : 0) +
       " commit_share=" + std::to_string(r.commit_seconds / r.seconds) +
       " sign_share=" + std::to_string(r.sign_seconds / r.seconds) +
       " cpu_cores_used=" + std::to_string(r.cpu / r.seconds));
}

int bench_append(std::uint64_t n, unsigned writers, std::size_t entry_size, std::uint64_t single_n,
                 const std::string& tmp, bool keep) {
  TempDir t;
  make_temp(t, tmp, keep);
  std::printf("== append: %llu entries of %zu bytes, %u writer threads calling Sequencer::append; dir %s\n",
              (unsigned long long)n, entry_size, writers, t.path.c_str());
  const std::uint64_t seed = 1;
  std::string w = "w" + std::to_string(writers);

  // Durable: Sequencer + SQLite (WAL, synchronous=FULL), Ed25519 checkpoint per batch.
  AppendRun sq;
  {
    auto log = create_log(t.path / "sqlite-writers");
    sq = run_writers(*log.store, *log.key, n, writers, entry_size, seed);
    print_run("append.sqlite." + w, sq);
    auto mib = [](const fs::path& f) {
      std::error_code ec;
      auto sz = fs::file_size(f, ec);
      return ec ? 0.0 : sz / 1048576.0;
    };
    fs::path db = log.dir / "amanat.db";
    char buf[200];
    std::snprintf(buf, sizeof buf, "on disk: amanat.db %.1f MiB + amanat.db-wal %.1f MiB for %.1f MiB of entries",
                  mib(db), mib(fs::path(db.string() + "-wal")), double(n) * entry_size / 1048576.0);
    info(buf);
    // Check what was written: the whole log verifies from its tiles (not timed).
    tlog::VerifyOptions vo(log.key->verifier());
    auto rep = must(tlog::verify_log(*log.store, vo), "verifying the appended log");
    info("check: verify_log over the SQLite store: OK, " + std::to_string(rep.entries) + " entries");
  }
  // Baseline: the same through the sequencer with the in-memory store (no durability).
  AppendRun mem;
  {
    store::MemoryLogStore ms;
    auto key = create_log(t.path / "memory-key").key;
    mem = run_writers(ms, *key, n, writers, entry_size, seed);
    print_run("append.memory." + w, mem);
  }
  // Pipelined submit() from one thread (as `amanat log append` does), SQLite.
  AppendRun pipe;
  {
    auto log = create_log(t.path / "sqlite-pipelined");
    pipe = run_pipelined(*log.store, *log.key, n, entry_size, seed, 1 << 16);
    print_run("append.sqlite.pipelined", pipe);
  }
  // Baselines: raw inserts of the same rows into the same table, no Merkle tree, no signing.
  double raw_one = raw_sqlite_inserts(t.path / "raw-one.db", n, entry_size, seed, n);
  figure("append.raw_sqlite.one_txn.rate", n / raw_one, "rows/s", "(one transaction, one fsync)");
  std::uint64_t per = std::max<std::uint64_t>(1, std::llround(sq.mean_batch()));
  double raw_batched = raw_sqlite_inserts(t.path / "raw-batched.db", n, entry_size, seed, per);
  figure("append.raw_sqlite.txn" + std::to_string(per) + ".rate", n / raw_batched, "rows/s",
         "(transactions of " + std::to_string(per) + " rows = the sequencer's mean batch)");
  std::uint64_t per_pipe = std::max<std::uint64_t>(1, std::llround(pipe.mean_batch()));
  double raw_pipe = raw_sqlite_inserts(t.path / "raw-pipe.db", n, entry_size, seed, per_pipe);
  figure("append.raw_sqlite.txn" + std::to_string(per_pipe) + ".rate", n / raw_pipe, "rows/s",
         "(transactions of " + std::to_string(per_pipe) + " rows = the pipelined run's mean batch)");
  // Worst case: a single writer, one durable commit (one fsync) per entry.
  AppendRun one;
  {
    auto log = create_log(t.path / "sqlite-single");
    one = run_writers(*log.store, *log.key, single_n, 1, entry_size, seed);
    print_run("append.sqlite.w1", one);
  }

  ratio("append.sqlite." + w + " / memory." + w, sq.rate() / mem.rate(), "durable vs in-memory store, same sequencer");
  ratio("append.sqlite." + w + " / raw_sqlite.one_txn", sq.rate() * raw_one / n, "vs the same rows in one transaction");
  ratio("append.sqlite." + w + " / raw_sqlite.txn" + std::to_string(per), sq.rate() * raw_batched / n,
        "vs the same rows in transactions of the same size");
  ratio("append.sqlite.pipelined / raw_sqlite.txn" + std::to_string(per_pipe), pipe.rate() * raw_pipe / n,
        "vs the same rows in transactions of the same size");
  ratio("append.sqlite.w1 / sqlite." + w, one.rate() / sq.rate(), "single synchronous writer vs many");
  target("durable appends >= 20,000 entries/s (" + w + ")", sq.rate() >= 20000);
  target("durable appends >= 20,000 entries/s (pipelined submit)", pipe.rate() >= 20000);
  return 0;
}

// ---- 2. full verification from tiles ---------------------------------------------------------

struct VerifyTimes {
  double wall = 0, cpu = 0;
};

VerifyTimes time_verify(const fs::path& mirror, const tlog::LogKey& key, unsigned fetchers) {
  store::DirLogSource src(mirror);
  tlog::VerifyOptions vo(key.verifier());
  vo.fetchers = fetchers;
  double cpu0 = cpu_seconds();
  auto t0 = Clock::now();
  auto rep = must(tlog::verify_log(src, vo), "verify_log");
  VerifyTimes v{seconds_since(t0), cpu_seconds() - cpu0};
  (void)rep;
  return v;
}

// The bare computation the verifier must do: one leaf hash per entry over the same bytes and the
// n-1 interior node hashes, with the entries already in memory.
VerifyTimes time_bare(const std::vector<std::uint8_t>& all, std::uint64_t n, std::size_t entry_size, const Hash& want) {
  double c0 = thread_cpu_seconds();
  auto t0 = Clock::now();
  tlog::RootBuilder rb;
  for (std::uint64_t i = 0; i < n; ++i)
    rb.add_leaf_hash(tlog::leaf_hash(std::span<const std::uint8_t>(all.data() + i * entry_size, entry_size)));
  Hash root = rb.root();
  VerifyTimes v{seconds_since(t0), thread_cpu_seconds() - c0};
  if (root != want) die("bare hashing", {Errc::internal, "recomputed root differs from the checkpoint"});
  return v;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int bench_verify(const std::vector<std::pair<std::size_t, std::uint64_t>>& runs, int repeat, const std::string& tmp,
                 bool keep) {
  TempDir t;
  make_temp(t, tmp, keep);
  for (auto [entry_size, n] : runs) {
    std::printf("== verify: %llu entries of %zu bytes; dir %s\n", (unsigned long long)n, entry_size, t.path.c_str());
    const std::uint64_t seed = 2 + entry_size;
    std::string tag = "verify." + std::to_string(entry_size) + "B";
    fs::path data = t.path / ("log-" + std::to_string(entry_size));
    fs::path mirror = t.path / ("mirror-" + std::to_string(entry_size));
    std::unique_ptr<tlog::LogKey> keyp;
    Hash root{};
    {
      auto log = create_log(data);
      keyp = std::make_unique<tlog::LogKey>(*log.key);
      tlog::SequencerOptions so;
      so.max_batch_entries = 1 << 16;
      so.max_batch_bytes = 64 << 20;
      auto b = run_pipelined(*log.store, *log.key, n, entry_size, seed, 1 << 17, so, true);
      info("built: " + std::to_string(n) + " entries in " + std::to_string(b.seconds) + " s (" +
           std::to_string(b.batches) + " batches)");
      auto st = must(log.store->state(), "state");
      auto t0 = Clock::now();
      auto ex = must(store::export_static(*log.store, st.size, st.checkpoint, mirror), "export_static");
      info("exported: " + std::to_string(ex.tiles_written) + " tiles in " + std::to_string(seconds_since(t0)) + " s");
      root = must(log.key->open(st.checkpoint), "opening the checkpoint").second;
    }
    // The same entries in memory for the bare loop.
    std::vector<std::uint8_t> all(n * entry_size);
    for (std::uint64_t i = 0; i < n; ++i) fill_entry(seed, i, all.data() + i * entry_size, entry_size);

    // Reading every tile file once, single-threaded (the I/O the verifier does; page cache warm).
    {
      store::DirLogSource src(mirror);
      auto t0 = Clock::now();
      std::uint64_t bytes = 0;
      for (const auto& id : tlog::tiles_for_size(n)) bytes += must(src.read_tile(id), "reading a tile").size();
      double s = seconds_since(t0);
      figure(tag + ".read_all_tiles", s, "s", "(" + std::to_string(bytes >> 20) + " MiB, DirLogSource, 1 thread)");
    }

    const tlog::LogKey& key = *keyp;
    if (keep) info("kept: data " + data.string() + ", mirror " + mirror.string() + ", vkey " + key.vkey());
    std::vector<double> bare, barec, v4w, v4c, v1w, v1c;
    for (int r = 0; r < repeat; ++r) {
      auto bt = time_bare(all, n, entry_size, root);
      bare.push_back(bt.wall);
      barec.push_back(bt.cpu);
      auto a = time_verify(mirror, key, 4);
      v4w.push_back(a.wall);
      v4c.push_back(a.cpu);
      auto b = time_verify(mirror, key, 1);
      v1w.push_back(b.wall);
      v1c.push_back(b.cpu);
    }
    double bm = median(bare), bc = median(barec);
    figure(tag + ".bare.wall", bm, "s", "(leaf + node hashes over entries in memory, median of " + std::to_string(repeat) + ")");
    figure(tag + ".bare.cpu", bc, "s", "(thread CPU time of the same loop)");
    figure(tag + ".verify_log.fetchers4.wall", median(v4w), "s", "(default VerifyOptions)");
    figure(tag + ".verify_log.fetchers4.cpu", median(v4c), "s", "(user+sys, all threads)");
    figure(tag + ".verify_log.fetchers1.wall", median(v1w), "s");
    figure(tag + ".verify_log.fetchers1.cpu", median(v1c), "s");
    figure(tag + ".bare.throughput", n / bm, "entries/s");
    figure(tag + ".verify_log.throughput", n / median(v4w), "entries/s");
    ratio(tag + ".fetchers4.wall / bare", median(v4w) / bm, "target <= 2");
    ratio(tag + ".fetchers4.cpu / bare.cpu", median(v4c) / bc, "CPU of all threads vs CPU of the bare loop");
    ratio(tag + ".fetchers1.wall / bare", median(v1w) / bm, "");
    ratio(tag + ".fetchers1.cpu / bare.cpu", median(v1c) / bc, "");
    target(tag + ": verify within 2x of bare hashing (wall, default)", median(v4w) / bm <= 2.0);
    target(tag + ": verify within 2x of bare hashing (CPU, default)", median(v4c) / bc <= 2.0);
    std::error_code ec;
    if (!keep) {
      fs::remove_all(data, ec);
      fs::remove_all(mirror, ec);
    }
  }
  return 0;
}

// ---- 3. inclusion proofs on a large log ------------------------------------------------------

class CountingReader : public tlog::TileReader {
 public:
  explicit CountingReader(tlog::TileReader& inner) : inner_(inner) {}
  Result<Bytes> read_tile(const tlog::TileId& id) override {
    ++reads;
    return inner_.read_tile(id);
  }
  std::uint64_t reads = 0;

 private:
  tlog::TileReader& inner_;
};

// Builds the log in a child process so that the parent's peak RSS is that of proving alone.
void build_in_child(const fs::path& data, std::uint64_t n, std::size_t entry_size) {
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    std::perror("fork");
    std::exit(1);
  }
  if (pid == 0) {
    auto log = create_log(data);
    tlog::SequencerOptions so;
    so.max_batch_entries = 1 << 18;
    so.max_batch_bytes = 256 << 20;
    auto r = run_pipelined(*log.store, *log.key, n, entry_size, 3, 1 << 19, so, true);
    std::printf("       built: %llu entries of %zu bytes in %.1f s (%.0f entries/s, %llu batches, Sequencer::submit + SQLite)\n",
                (unsigned long long)n, entry_size, r.seconds, r.rate(), (unsigned long long)r.batches);
    std::fflush(nullptr);
    std::_Exit(0);
  }
  int status = 0;
  rusage ru{};
  ::wait4(pid, &status, 0, &ru);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "tlog_bench: building the log failed\n");
    std::exit(1);
  }
  info("builder process peak RSS: " + std::to_string(ru.ru_maxrss / 1024) + " MiB (not counted below)");
}

int bench_prove(std::uint64_t n, std::size_t entry_size, std::uint64_t proofs, const std::string& data_arg,
                const std::string& tmp, bool keep) {
  TempDir t;
  fs::path data;
  if (data_arg.empty()) {
    make_temp(t, tmp, keep);
    data = t.path / "data";
    std::printf("== prove: building %llu entries of %zu bytes in %s\n", (unsigned long long)n, entry_size, data.c_str());
    build_in_child(data, n, entry_size);
  } else {
    data = data_arg;
    std::printf("== prove: reusing the log in %s\n", data.c_str());
  }
  long rss_before = proc_status_kb("VmRSS");
  auto log = open_log(data);
  auto st = must(log.store->state(), "state");
  const std::uint64_t size = st.size;
  Hash root = must(log.key->open(st.checkpoint), "opening the checkpoint").second;
  std::printf("== prove: %llu random inclusion proofs in a log of %llu entries (%.0f MiB database)\n",
              (unsigned long long)proofs, (unsigned long long)size,
              fs::file_size(fs::path(data) / "amanat.db") / 1048576.0);

  std::mt19937_64 rng(42);
  CountingReader counting(*log.store);
  double last_cpu = 0;
  auto prove_once = [&](std::uint64_t idx, std::vector<Hash>* out, double* warm) {
    double c0 = thread_cpu_seconds();
    auto t0 = Clock::now();
    tlog::TileHashSource src(counting, size);  // fresh per proof, as a request would
    auto proof = must(tlog::inclusion_proof(src, idx, size), "inclusion_proof");
    double d = seconds_since(t0);
    last_cpu = thread_cpu_seconds() - c0;
    if (warm) {
      // Baseline: the same proof again from the now-warm source: all hashing, no reads.
      auto t1 = Clock::now();
      auto again = must(tlog::inclusion_proof(src, idx, size), "inclusion_proof");
      *warm = seconds_since(t1);
      if (again != proof) die("proof", {Errc::internal, "warm proof differs"});
    }
    if (out) *out = std::move(proof);
    return d;
  };
  auto check = [&](std::uint64_t idx, const std::vector<Hash>& proof) {
    auto e = must(log.store->read_entries(idx, idx + 1), "reading the entry");
    must(tlog::verify_inclusion(tlog::leaf_hash(e[0]), idx, size, proof, root), "verifying the proof");
  };

  // The very first proof on a fresh connection (SQLite cache cold; OS page cache as it is).
  std::vector<Hash> p;
  std::uint64_t first_idx = rng() % size;
  double first = prove_once(first_idx, &p, nullptr);
  check(first_idx, p);

  std::uint64_t full_tiles0 = size / tlog::kTileWidth;
  std::vector<double> cold, coldcpu, warm, tileread;
  std::uint64_t reads0 = counting.reads;
  std::size_t proof_len = 0;
  auto t0 = Clock::now();
  for (std::uint64_t k = 0; k < proofs; ++k) {
    std::uint64_t idx = rng() % size;
    double w = 0;
    cold.push_back(prove_once(idx, &p, &w));
    coldcpu.push_back(last_cpu);
    warm.push_back(w);
    proof_len += p.size();
    check(idx, p);
    if (full_tiles0 > 0) {
      tlog::TileId id{false, 0, rng() % full_tiles0, tlog::kTileWidth};
      auto t1 = Clock::now();
      auto tile = must(log.store->read_tile(id), "read_tile");
      tileread.push_back(seconds_since(t1));
      if (tile.size() != 8192) die("read_tile", {Errc::internal, "short tile"});
    }
    if ((k + 1) % std::max<std::uint64_t>(1, proofs / 5) == 0)
      std::fprintf(stderr, "  proving: %llu / %llu (%.0f s)\n", (unsigned long long)(k + 1), (unsigned long long)proofs,
                   seconds_since(t0));
  }
  double reads_per_proof = double(counting.reads - reads0) / proofs;
  // One SHA-256 of a 65-byte node, for scale.
  double node_ns;
  {
    Hash h{};
    auto t1 = Clock::now();
    for (int i = 0; i < 200000; ++i) h = tlog::node_hash(h, h);
    node_ns = seconds_since(t1) / 200000 * 1e9;
    if (h[0] == 0x5a && h[1] == 0x5a) std::printf(" ");
  }

  Stats c = stats_of(cold), cc = stats_of(coldcpu), w = stats_of(warm), tr = stats_of(tileread);
  std::string tag = "prove." + std::to_string(size);
  figure(tag + ".first_proof", first * 1e3, "ms", "(fresh connection, cold SQLite cache)");
  figure(tag + ".p50", c.p50 * 1e3, "ms", "(fresh TileHashSource over SqliteLogStore per proof)");
  figure(tag + ".p99", c.p99 * 1e3, "ms");
  figure(tag + ".max", c.max * 1e3, "ms");
  figure(tag + ".mean", c.mean * 1e3, "ms");
  figure(tag + ".cpu.p50", cc.p50 * 1e3, "ms", "(thread CPU time of the same proofs: excludes waiting for a core)");
  figure(tag + ".cpu.p99", cc.p99 * 1e3, "ms");
  figure(tag + ".cpu.max", cc.max * 1e3, "ms");
  info("mean proof length " + std::to_string(double(proof_len) / proofs) + " hashes; mean tile reads per proof " +
       std::to_string(reads_per_proof) + "; all proofs verified against the checkpoint root");
  figure(tag + ".warm.p50", w.p50 * 1e3, "ms", "(same proof again from the warm source: hashing only)");
  figure(tag + ".warm.p99", w.p99 * 1e3, "ms");
  figure(tag + ".tile_read.p50", tr.p50 * 1e3, "ms", "(one SqliteLogStore::read_tile of a random full level-0 tile)");
  figure(tag + ".tile_read.p99", tr.p99 * 1e3, "ms");
  figure("node_hash", node_ns, "ns", "(one SHA-256 of a 65-byte node)");
  ratio(tag + ".p50 / warm.p50", c.p50 / w.p50, "whole request vs its hashing alone");
  ratio(tag + ".p50 / tile_read.p50", c.p50 / tr.p50, "whole request in units of one SQLite tile read");
  ratio(tag + ".p99 / tile_read.p99", c.p99 / tr.p99, "");
  ratio(tag + ".warm.p50 / node_hash", w.p50 * 1e9 / node_ns, "hashing per proof in node-hash units");
  long maxrss = maxrss_kb(), vmrss = proc_status_kb("VmRSS"), vmhwm = proc_status_kb("VmHWM");
  figure("prove.rss.ru_maxrss", maxrss / 1024.0, "MiB", "(getrusage peak, this process only)");
  figure("prove.rss.VmHWM", vmhwm / 1024.0, "MiB", "(/proc/self/status peak)");
  figure("prove.rss.VmRSS", vmrss / 1024.0, "MiB", "(/proc/self/status now, after proving; " +
                                                     std::to_string(rss_before / 1024) + " MiB before opening the log)");
  target(tag + ": p99 proof latency < 1 ms (wall)", c.p99 < 1e-3);
  target(tag + ": p99 proof latency < 1 ms (thread CPU)", cc.p99 < 1e-3);
  target(tag + ": peak memory < 256 MB", maxrss * 1024.0 < 256e6);
  return 0;
}

// ---- sha: the cost of OpenSSL's EVP one-shot for Merkle-sized inputs (sha256.cc's note) ----

int bench_sha(std::uint64_t count) {
  std::printf("== sha: %llu SHA-256 digests per variant\n", (unsigned long long)count);
  for (std::size_t len : {65u, 1025u}) {
    std::vector<std::uint8_t> buf(len, 0x42);
    Hash h{};
    auto t0 = Clock::now();
    for (std::uint64_t i = 0; i < count; ++i) {
      buf[1] = h[0];
      h = sha256(buf);
    }
    double low = seconds_since(t0);
    unsigned int outlen = 0;
    t0 = Clock::now();
    for (std::uint64_t i = 0; i < count; ++i) {
      buf[1] = h[0];
      EVP_Digest(buf.data(), buf.size(), h.data(), &outlen, EVP_sha256(), nullptr);
    }
    double evp = seconds_since(t0);
    std::string tag = "sha256." + std::to_string(len) + "B";
    figure(tag + ".low_level", low / count * 1e9, "ns", "(core/sha256.h, SHA256_Init/Update/Final)");
    figure(tag + ".evp_digest", evp / count * 1e9, "ns", "(EVP_Digest one-shot)");
    ratio(tag + ".evp / low_level", evp / low, "");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"amanat transparency-log benchmarks (see docs/benchmarks.md)"};
  app.require_subcommand(1);
  app.fallthrough();  // --tmp and --keep may follow the sub-benchmark name
  std::string tmp;
  bool keep = false;
  app.add_option("--tmp", tmp, "Parent directory for temporary data (default $TMPDIR or /tmp); must be on the disk to measure");
  app.add_flag("--keep", keep, "Keep the temporary data");

  std::uint64_t a_entries = 100000, a_single = 1000;
  unsigned a_writers = 64;
  std::size_t a_size = 1024;
  auto* ap = app.add_subcommand("append", "Durable appends through Sequencer + SqliteLogStore");
  ap->add_option("--entries", a_entries, "Entries per run")->capture_default_str();
  ap->add_option("--writers", a_writers, "Concurrent writer threads")->capture_default_str();
  ap->add_option("--entry-size", a_size, "Entry size in bytes")->capture_default_str();
  ap->add_option("--single", a_single, "Entries for the single-writer run")->capture_default_str();

  std::uint64_t v_entries = 1000000, v_entries_1k = 250000;
  std::size_t v_size = 100;
  int v_repeat = 3;
  auto* vp = app.add_subcommand("verify", "verify_log over an exported mirror vs bare hashing");
  vp->add_option("--entries", v_entries, "Entries in the first log (0 to skip it)")->capture_default_str();
  vp->add_option("--entry-size", v_size, "Entry size in the first log")->capture_default_str();
  vp->add_option("--entries-1k", v_entries_1k, "Entries in the second log, of 1 KiB entries (0 to skip it)")
      ->capture_default_str();
  vp->add_option("--repeat", v_repeat, "Timed repetitions (median reported)")->capture_default_str();

  std::uint64_t p_entries = 10000000, p_proofs = 10000;
  std::size_t p_size = 24;
  std::string p_data;
  auto* pp = app.add_subcommand("prove", "Inclusion-proof latency and memory on a large SQLite log");
  pp->add_option("--entries", p_entries, "Entries in the log")->capture_default_str();
  pp->add_option("--entry-size", p_size, "Entry size in bytes")->capture_default_str();
  pp->add_option("--proofs", p_proofs, "Random proofs to time")->capture_default_str();
  pp->add_option("--data", p_data, "Reuse a data directory built earlier (with --keep) instead of building");

  std::uint64_t s_count = 2000000;
  auto* sp = app.add_subcommand("sha", "Low-level SHA-256 vs EVP one-shot on Merkle-sized inputs");
  sp->add_option("--count", s_count, "Digests per variant")->capture_default_str();

  CLI11_PARSE(app, argc, argv);

  char host[256] = "";
  ::gethostname(host, sizeof host);
  std::printf("machine: nproc=%u host=%s loadavg=%s\n", std::thread::hardware_concurrency(), host, loadavg().c_str());
  std::atexit([] { std::printf("loadavg at exit: %s\n", loadavg().c_str()); });
  if (ap->parsed()) return bench_append(a_entries, a_writers, a_size, a_single, tmp, keep);
  if (vp->parsed()) {
    std::vector<std::pair<std::size_t, std::uint64_t>> runs;
    if (v_entries) runs.emplace_back(v_size, v_entries);
    if (v_entries_1k) runs.emplace_back(1024, v_entries_1k);
    return bench_verify(runs, std::max(1, v_repeat), tmp, keep);
  }
  if (pp->parsed()) return bench_prove(p_entries, p_size, p_proofs, p_data, tmp, keep);
  if (sp->parsed()) return bench_sha(s_count);
  return 2;
}
