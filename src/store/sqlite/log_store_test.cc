#include "store/sqlite/log_store.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

namespace amanat::store::sqlite {
namespace {

namespace fs = std::filesystem;

Bytes entry(char log, std::uint64_t i) {
  std::string s = std::string(1, log) + "-" + std::to_string(i) + std::string(i % 50, 'z');
  return Bytes(s.begin(), s.end());
}

Bytes bundle_of(char log, std::uint64_t begin, unsigned width) {
  Bytes b;
  for (unsigned i = 0; i < width; ++i) EXPECT_TRUE(tlog::append_bundle_entry(b, entry(log, begin + i)));
  return b;
}

class LogStoreBundles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("amanat-log-store-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "amanat.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  // Appends `n` entries to the log (no tiles: only the entries matter here).
  static void append(SqliteLogStore& log, char name, std::uint64_t n) {
    auto st = log.state();
    ASSERT_TRUE(st);
    tlog::Batch b;
    b.old_size = st->size;
    for (std::uint64_t i = 0; i < n; ++i) b.entries.push_back(entry(name, st->size + i));
    b.checkpoint = std::string(1, name) + std::to_string(st->size + n);
    ASSERT_TRUE(log.commit(b));
  }
  static tlog::TileId bundle(std::uint64_t index, unsigned width = tlog::kTileWidth) {
    return tlog::TileId{true, 0, index, width};
  }
  fs::path dir_;
  std::string path_;
};

TEST_F(LogStoreBundles, ABundleIsItsEntriesLengthPrefixedEvenWhenTwoLogsInterleaveTheirRows) {
  auto a = SqliteLogStore::open(path_, "a.test/log", true);
  auto b = SqliteLogStore::open(path_, "b.test/log", true);
  ASSERT_TRUE(a && b);
  // Batches of the two logs alternate, so each log's rows are runs of rowids with gaps.
  for (std::uint64_t n : {100, 3, 200, 1, 300}) {
    append(**a, 'a', n);
    append(**b, 'b', n / 2 + 1);
  }
  std::uint64_t size_a = (*a)->state()->size, size_b = (*b)->state()->size;
  ASSERT_EQ(size_a, 604u);
  for (auto [log, name, size] : {std::tuple{a->get(), 'a', size_a}, std::tuple{b->get(), 'b', size_b}}) {
    SCOPED_TRACE(std::string(1, name));
    for (std::uint64_t i = 0; i < size / tlog::kTileWidth; ++i) {
      auto got = log->read_tile(bundle(i));
      ASSERT_TRUE(got) << got.error().message;
      EXPECT_EQ(*got, bundle_of(name, i * tlog::kTileWidth, tlog::kTileWidth)) << "bundle " << i;
    }
    // Every partial bundle of the last tile, and partial widths of full ones.
    std::uint64_t last = size / tlog::kTileWidth;
    for (unsigned w = 1; w <= size % tlog::kTileWidth; w += 7) {
      auto got = log->read_tile(bundle(last, w));
      ASSERT_TRUE(got) << got.error().message;
      EXPECT_EQ(*got, bundle_of(name, last * tlog::kTileWidth, w)) << "width " << w;
    }
    auto prefix = log->read_tile(bundle(0, 5));
    ASSERT_TRUE(prefix);
    EXPECT_EQ(*prefix, bundle_of(name, 0, 5));
  }
}

TEST_F(LogStoreBundles, ABundleBeyondTheLogIsNotFound) {
  auto a = SqliteLogStore::open(path_, "a.test/log", true);
  ASSERT_TRUE(a);
  append(**a, 'a', 300);
  auto wider = (*a)->read_tile(bundle(1, 45));  // the log has 44 entries in bundle 1
  ASSERT_FALSE(wider);
  EXPECT_EQ(wider.error().code, Errc::not_found);
  auto beyond = (*a)->read_tile(bundle(2, 1));
  ASSERT_FALSE(beyond);
  EXPECT_EQ(beyond.error().code, Errc::not_found);
  auto huge = (*a)->read_tile(bundle(UINT64_MAX / tlog::kTileWidth + 1));
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().code, Errc::not_found);
}

TEST_F(LogStoreBundles, AnEntryTooLongForABundleIsAnErrorNotDropped) {
  auto a = SqliteLogStore::open(path_, "a.test/log", true);
  ASSERT_TRUE(a);
  tlog::Batch b;
  b.entries = {entry('a', 0), Bytes(tlog::kMaxEntrySize + 1, 'x'), entry('a', 2)};
  b.checkpoint = "a3";
  ASSERT_TRUE((*a)->commit(b));
  auto got = (*a)->read_tile(bundle(0, 3));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, Errc::corrupt);
  auto ok = (*a)->read_tile(bundle(0, 1));
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, bundle_of('a', 0, 1));
}

TEST_F(LogStoreBundles, TileReadsDoNotWaitForTheWritersConnection) {
  auto a = SqliteLogStore::open(path_, "a.test/log", true);
  ASSERT_TRUE(a);
  append(**a, 'a', 300);
  EXPECT_GE((*a)->concurrent_reads(), 2u);
  // Hold the writer's connection, as a long commit does: tiles are still served.
  std::unique_lock writer((*a)->database().writer_mutex());
  auto read = std::async(std::launch::async, [&] {
    return std::pair{(*a)->read_tile(bundle(0)), (*a)->read_tile(tlog::TileId{false, 0, 0, 10})};
  });
  bool served = read.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  writer.unlock();  // lets a blocked read finish, so the test fails instead of hanging
  auto [entries, hashes] = read.get();
  EXPECT_TRUE(served) << "a tile read waited for the writer's connection";
  ASSERT_TRUE(entries) << entries.error().message;
  EXPECT_EQ(*entries, bundle_of('a', 0, tlog::kTileWidth));
  EXPECT_FALSE(hashes);  // append() writes no hash tiles: the reader looked and found none
  EXPECT_EQ(hashes.error().code, Errc::not_found);
}

TEST_F(LogStoreBundles, TileReadersSeeEachBatchWholeWhileAnotherThreadCommits) {
  auto a = SqliteLogStore::open(path_, "a.test/log", true);
  ASSERT_TRUE(a);
  SqliteLogStore& log = **a;
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::vector<std::string> failures;
  std::mutex failures_mu;
  auto reader = [&] {
    while (!done.load()) {
      auto st = log.state();
      if (!st) continue;
      // Every entry of a committed size is readable, in full bundles and the partial one.
      std::uint64_t full = st->size / tlog::kTileWidth;
      for (std::uint64_t i = full > 2 ? full - 2 : 0; i <= full; ++i) {
        unsigned w = i < full ? tlog::kTileWidth : static_cast<unsigned>(st->size % tlog::kTileWidth);
        if (w == 0) continue;
        auto got = log.read_tile(bundle(i, w));
        if (!got || *got != bundle_of('a', i * tlog::kTileWidth, w)) {
          std::lock_guard l(failures_mu);
          failures.push_back("bundle " + std::to_string(i) + " width " + std::to_string(w) + " at size " +
                             std::to_string(st->size) + ": " + (got ? "other bytes" : got.error().message));
        }
        ++reads;
      }
    }
  };
  std::thread r1(reader), r2(reader);
  for (int batch = 0; batch < 60; ++batch) append(log, 'a', 37);
  // Let the readers see the final size too.
  while (reads.load() < 200) std::this_thread::yield();
  done = true;
  r1.join();
  r2.join();
  EXPECT_TRUE(failures.empty()) << failures.size() << " failed reads, first: " << failures.front();
  EXPECT_EQ(log.state()->size, 60u * 37);
}

TEST_F(LogStoreBundles, AnInMemoryDatabaseIsReadThroughItsOneConnection) {
  auto a = SqliteLogStore::open(":memory:", "a.test/log", true);
  ASSERT_TRUE(a) << a.error().message;
  append(**a, 'a', 260);
  EXPECT_EQ((*a)->concurrent_reads(), 1u);
  auto got = (*a)->read_tile(bundle(1, 4));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, bundle_of('a', tlog::kTileWidth, 4));
}

}  // namespace
}  // namespace amanat::store::sqlite
