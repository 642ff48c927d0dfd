// Crash test: `amanat log append` under load, killed with SIGKILL at random moments, 50 times.
// Each kill falls at a random moment after the child has acknowledged its first entry, so that a
// slow start (an ASan build takes a third of a second to acknowledge anything) never turns a
// round into a kill before there was anything to lose.
// After every kill the data directory must reopen consistent (the stored tiles match the signed
// checkpoint), the whole log must verify from its tiles, and every entry whose index the
// process had printed (= acknowledged as durable) must be present with the right bytes.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "store/data_dir.h"
#include "store/sqlite/log_store.h"
#include "tests/subprocess.h"
#include "tlog/log_key.h"
#include "tlog/sequencer.h"
#include "tlog/verifier.h"

namespace amanat {
namespace {

namespace fs = std::filesystem;

TEST(AppendCrash, KilledAppendsLoseNoAcknowledgedEntryAndTheLogStaysConsistent) {
  fs::path dir = fs::temp_directory_path() / ("amanat-crash-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto init = testing::run({AMANAT_BINARY, "init", "--log-only", "--data", dir.string(), "--origin", "crash.test/log"});
  ASSERT_EQ(init.status, 0) << init.err;
  std::string vkey = init.out.substr(0, init.out.find('\n'));

  std::mt19937_64 rng(::testing::UnitTest::GetInstance()->random_seed());
  std::map<std::uint64_t, std::string> acknowledged;  // across all rounds
  constexpr int kRounds = 50;
  std::uint64_t total_acked = 0;
  for (int round = 0; round < kRounds; ++round) {
    testing::Child c = testing::spawn({AMANAT_BINARY, "log", "append", "--data", dir.string()});
    ASSERT_GT(c.pid, 0);
    std::vector<std::string> sent;
    std::mutex mu;
    std::atomic<bool> stop{false};
    // Writer: lines of 1..1000 bytes, as fast as the pipe takes them.
    std::thread writer([&, seed = rng()] {
      std::mt19937_64 r(seed);
      ::signal(SIGPIPE, SIG_IGN);
      for (int j = 0; j < 3000 && !stop; ++j) {
        std::string line = "round " + std::to_string(round) + " line " + std::to_string(j) + " ";
        line.append(r() % 1000, static_cast<char>('a' + r() % 26));
        {
          std::lock_guard l(mu);
          sent.push_back(line);
        }
        line += '\n';
        if (::write(c.in, line.data(), line.size()) != static_cast<ssize_t>(line.size())) break;
      }
    });
    // Reader: the m-th printed index acknowledges the m-th line sent.
    std::vector<std::uint64_t> printed;
    std::atomic<std::size_t> acks{0};
    std::atomic<bool> reader_done{false};
    std::thread reader([&] {
      std::string buf;
      char chunk[4096];
      ssize_t n;
      while ((n = ::read(c.out, chunk, sizeof chunk)) > 0) {
        buf.append(chunk, static_cast<std::size_t>(n));
        std::size_t nl;
        while ((nl = buf.find('\n')) != std::string::npos) {
          printed.push_back(std::stoull(buf.substr(0, nl)));
          acks.store(printed.size(), std::memory_order_release);
          buf.erase(0, nl + 1);
        }
      }
      reader_done = true;  // the child closed its stdout: it died or exited on its own
    });
    // Wait for the first acknowledgement (however slowly the child starts), then kill at a
    // random moment within the next 300 ms: mid-batch, mid-commit or between batches.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (acks.load(std::memory_order_acquire) == 0 && !reader_done && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    bool started = acks.load(std::memory_order_acquire) > 0;
    if (started) std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 300));
    ::kill(c.pid, SIGKILL);
    stop = true;
    int status = testing::wait_child(c);  // closes the pipes, which ends writer and reader
    writer.join();
    reader.join();
    EXPECT_EQ(status, 128 + SIGKILL) << "round " << round;
    ASSERT_TRUE(started) << "round " << round << ": no entry acknowledged within 120 s";
    for (std::size_t m = 0; m < printed.size(); ++m) acknowledged[printed[m]] = sent[m];
    total_acked += printed.size();

    // Reopen: the stored state must be consistent and hold every acknowledged entry.
    auto storage = store::sqlite::SqliteLogStore::open_default((dir / "amanat.db").string());
    ASSERT_TRUE(storage) << storage.error().message;
    auto skey = store::DataDir::open(dir)->read_key();
    auto key = tlog::LogKey::parse(*skey);
    ASSERT_TRUE(key);
    {
      auto seq = tlog::Sequencer::open(**storage, *key);
      ASSERT_TRUE(seq) << "round " << round << ": " << seq.error().message;
    }
    auto st = (*storage)->state();
    ASSERT_TRUE(st);
    if (!acknowledged.empty()) {
      ASSERT_LT(acknowledged.rbegin()->first, st->size) << "round " << round;
    }
    auto entries = (*storage)->read_entries(0, st->size);
    ASSERT_TRUE(entries);
    for (const auto& [idx, line] : acknowledged) {
      ASSERT_EQ(std::string(as_chars((*entries)[idx])), line) << "acknowledged entry " << idx << " lost or changed";
    }
    auto report = tlog::verify_log(**storage, tlog::VerifyOptions(*tlog::Verifier::parse(vkey)));
    ASSERT_TRUE(report) << "round " << round << ": " << report.error().message;
    EXPECT_EQ(report->entries, st->size);
  }
  std::printf("crash test: %d kills, %llu acknowledged entries, all present\n", kRounds,
              static_cast<unsigned long long>(total_acked));
  EXPECT_GT(total_acked, 0u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace amanat
