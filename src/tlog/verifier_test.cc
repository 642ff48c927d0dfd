#include "tlog/verifier.h"

#include <gtest/gtest.h>

#include <set>

#include "store/memory_log_store.h"
#include "tlog/log_key.h"
#include "tlog/sequencer.h"

namespace amanat::tlog {
namespace {

Bytes entry_for(std::uint64_t i) {
  std::string s = "entry " + std::to_string(i) + std::string(i % 37, 'x');
  return Bytes(s.begin(), s.end());
}

// A log of five full tiles and a partial one, signed by a real key.
class VerifyLog : public ::testing::Test {
 protected:
  static constexpr std::uint64_t kSize = 5 * kTileWidth + 17;
  void SetUp() override {
    auto k = generate_key("verifier.test/log");
    ASSERT_TRUE(k);
    vkey_ = k->vkey;
    auto key = LogKey::parse(k->skey);
    ASSERT_TRUE(key);
    key_ = std::make_unique<LogKey>(std::move(*key));
    auto seq = Sequencer::open(store_, *key_);
    ASSERT_TRUE(seq);
    std::vector<std::future<Result<std::uint64_t>>> done;
    for (std::uint64_t i = 0; i < kSize; ++i) done.push_back((*seq)->submit(entry_for(i)));
    for (auto& f : done) ASSERT_TRUE(f.get());
  }
  VerifyOptions options() { return VerifyOptions{*Verifier::parse(vkey_)}; }

  store::MemoryLogStore store_;
  std::string vkey_;
  std::unique_ptr<LogKey> key_;
};

// Serves another source's tiles with some entries altered in their bundles.
class TamperedSource : public LogSource {
 public:
  TamperedSource(LogSource& inner, std::set<std::uint64_t> altered) : inner_(inner), altered_(std::move(altered)) {}
  Result<std::string> read_checkpoint() override { return inner_.read_checkpoint(); }
  Result<Bytes> read_tile(const TileId& id) override {
    auto data = inner_.read_tile(id);
    if (!data || !id.entries) return data;
    auto entries = parse_bundle(*data, id.width);
    if (!entries) return err(entries);
    Bytes out;
    for (unsigned i = 0; i < id.width; ++i) {
      Bytes e((*entries)[i].begin(), (*entries)[i].end());
      if (altered_.count(id.index * kTileWidth + i)) e.push_back('!');
      (void)append_bundle_entry(out, e);
    }
    return out;
  }
  std::string describe() const override { return "tampered"; }
  unsigned concurrent_reads() const override { return 1; }

 private:
  LogSource& inner_;
  std::set<std::uint64_t> altered_;
};

TEST_F(VerifyLog, AnyNumberOfWorkersAndAnyWindowVerifiesAndHandsOnEveryEntryInOrder) {
  for (unsigned fetchers : {0u, 1u, 2u, 3u, 8u}) {
    for (unsigned window : {1u, 2u, 3u, 32u}) {
      SCOPED_TRACE("fetchers " + std::to_string(fetchers) + ", window " + std::to_string(window));
      VerifyOptions o = options();
      o.fetchers = fetchers;
      o.window = window;
      std::uint64_t next = 0;
      o.on_entries = [&](std::uint64_t first, std::span<const std::span<const std::uint8_t>> entries) -> Status {
        EXPECT_EQ(first, next);
        for (const auto& e : entries) {
          Bytes want = entry_for(next++);
          EXPECT_TRUE(std::equal(e.begin(), e.end(), want.begin(), want.end())) << "entry " << next - 1;
        }
        return {};
      };
      auto report = verify_log(store_, o);
      ASSERT_TRUE(report) << report.error().message;
      EXPECT_EQ(report->entries, kSize);
      EXPECT_EQ(report->checkpoint.size, kSize);
      EXPECT_EQ(next, kSize);
      // 6 bundles, 6 level-0 tiles and the partial level-1 tile.
      EXPECT_EQ(report->tiles, 13u);
    }
  }
}

TEST_F(VerifyLog, TheFirstAlteredEntryInLogOrderIsNamedWhateverTheWorkers) {
  TamperedSource tampered(store_, {3 * kTileWidth + 5, 4 * kTileWidth + 1, kSize - 1});
  for (unsigned fetchers : {1u, 2u, 4u, 8u}) {
    SCOPED_TRACE("fetchers " + std::to_string(fetchers));
    VerifyOptions o = options();
    o.fetchers = fetchers;
    std::uint64_t handed_on = 0;
    o.on_entries = [&](std::uint64_t, std::span<const std::span<const std::uint8_t>> entries) -> Status {
      handed_on += entries.size();
      return {};
    };
    auto report = verify_log(tampered, o);
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().code, Errc::corrupt);
    EXPECT_NE(report.error().message.find("tile/0/003"), std::string::npos) << report.error().message;
    EXPECT_NE(report.error().message.find("the leaf hash of entry " + std::to_string(3 * kTileWidth + 5)),
              std::string::npos)
        << report.error().message;
    // Only the bundles before the altered one were handed on.
    EXPECT_EQ(handed_on, 3 * kTileWidth);
  }
}

TEST_F(VerifyLog, AnAlteredEntryIsReportedBeforeACorruptHashTileLaterInTheLog) {
  // A corrupt level-0 hash in tile 4 and an altered entry in bundle 1: bundle 1 is reported.
  store_.corrupt_tile(0, 4, 7);
  TamperedSource tampered(store_, {kTileWidth + 2});
  VerifyOptions o = options();
  o.fetchers = 4;
  auto report = verify_log(tampered, o);
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find("the leaf hash of entry " + std::to_string(kTileWidth + 2)), std::string::npos)
      << report.error().message;
}

TEST_F(VerifyLog, AWrongRootIsRefusedAfterEveryTileMatches) {
  // A checkpoint for this log signed over a different root: the tiles all match, the root not.
  auto cp = store_.read_checkpoint();
  ASSERT_TRUE(cp);
  auto signed_other = key_->sign(kSize, leaf_hash(entry_for(0)));
  ASSERT_TRUE(signed_other);
  class OtherCheckpoint : public LogSource {
   public:
    OtherCheckpoint(LogSource& inner, std::string cp) : inner_(inner), cp_(std::move(cp)) {}
    Result<std::string> read_checkpoint() override { return cp_; }
    Result<Bytes> read_tile(const TileId& id) override { return inner_.read_tile(id); }
    std::string describe() const override { return "other"; }

   private:
    LogSource& inner_;
    std::string cp_;
  } other(store_, *signed_other);
  auto report = verify_log(other, options());
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find("does not match the checkpoint's root"), std::string::npos)
      << report.error().message;
}


// A reader that goes back to an entry after verifying (the audit, for a correction's record)
// gets the entry proved against the verified root: a source that serves other bytes the
// second time is caught, naming the entry.
TEST_F(VerifyLog, AnEntryReadAgainIsProvedAgainstTheRootAndAnAlteredOneIsRefused) {
  auto report = verify_log(store_, options());
  ASSERT_TRUE(report) << report.error().message;
  const Hash root = report->checkpoint.root;
  TileHashSource honest_hashes(store_, kSize);
  for (std::uint64_t i : {std::uint64_t{0}, std::uint64_t{255}, std::uint64_t{256}, kSize - 1}) {
    auto e = read_entry_proved(store_, honest_hashes, i, kSize, root);
    ASSERT_TRUE(e) << i << ": " << e.error().message;
    EXPECT_EQ(*e, entry_for(i));
  }
  TamperedSource liar(store_, {300});
  TileHashSource liar_hashes(liar, kSize);
  auto bad = read_entry_proved(liar, liar_hashes, 300, kSize, root);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::corrupt);
  EXPECT_NE(bad.error().message.find("entry 300"), std::string::npos) << bad.error().message;
  EXPECT_TRUE(read_entry_proved(liar, liar_hashes, 301, kSize, root));  // the others are fine
  Hash other = root;
  other[0] ^= 1;
  EXPECT_EQ(read_entry_proved(store_, honest_hashes, 5, kSize, other).error().code, Errc::corrupt);
  EXPECT_EQ(read_entry_proved(store_, honest_hashes, kSize, kSize, root).error().code, Errc::invalid);
}

}  // namespace
}  // namespace amanat::tlog
