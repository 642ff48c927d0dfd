#include "tlog/sequencer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <filesystem>
#include <random>
#include <thread>

#include "store/faulty_storage.h"
#include "store/memory_log_store.h"
#include "store/sqlite/log_store.h"

namespace amanat::tlog {
namespace {

// Signs nothing: the checkpoint is just "size root". The real signer is tested with the note
// format; here only the sequencing matters.
class PlainSigner : public CheckpointSigner {
 public:
  Result<std::string> sign(std::uint64_t size, const Hash& root) override {
    return std::to_string(size) + " " + to_hex(root);
  }
  Result<std::pair<std::uint64_t, Hash>> open(std::string_view note) override {
    auto sp = note.find(' ');
    auto size = parse_decimal(note.substr(0, sp));
    auto root = hash_from_hex(note.substr(sp + 1));
    if (!size || !root) return fail(Errc::corrupt, "bad test checkpoint");
    return std::make_pair(*size, *root);
  }
};

Bytes entry_for(std::uint64_t i) {
  std::string s = "entry " + std::to_string(i);
  return Bytes(s.begin(), s.end());
}

// Checks the whole stored log: entries, every hash tile of the current size, the checkpoint.
void expect_log_consistent(LogStorage& storage, CheckpointSigner& signer) {
  auto st = storage.state();
  ASSERT_TRUE(st) << st.error().message;
  auto entries = storage.read_entries(0, st->size);
  ASSERT_TRUE(entries);
  std::vector<Hash> leaves;
  for (const Bytes& e : *entries) leaves.push_back(leaf_hash(e));
  MemoryHashSource mem(leaves);
  auto opened = signer.open(st->checkpoint);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->first, st->size);
  EXPECT_EQ(opened->second, *tree_root(mem, st->size));
  for (const TileId& id : tiles_for_size(st->size)) {
    auto tile = storage.read_tile(id);
    ASSERT_TRUE(tile) << tile_path(id) << ": " << tile.error().message;
    if (id.entries) {
      auto parsed = parse_bundle(*tile, id.width);
      ASSERT_TRUE(parsed) << tile_path(id);
      for (unsigned i = 0; i < id.width; ++i)
        EXPECT_EQ(leaf_hash((*parsed)[i]), leaves[id.index * 256 + i]) << tile_path(id);
      continue;
    }
    for (unsigned i = 0; i < id.width; ++i) {
      std::uint64_t pos = id.index * 256 + i;
      auto want = mem.subtree(8 * id.level, pos);
      ASSERT_TRUE(want);
      EXPECT_TRUE(std::equal(want->begin(), want->end(), tile->begin() + 32 * i))
          << tile_path(id) << " hash " << i;
    }
  }
}

class SequencerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      storage_ = std::make_unique<store::MemoryLogStore>();
      return;
    }
    // A parameterised test's name is "Name/N": keep it one path component,
    // or TearDown removes only ".../N" and leaves the parent behind.
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::ranges::replace(name, '/', '_');
    dir_ = std::filesystem::temp_directory_path() / ("amanat-seq-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    reopen_storage();
  }
  void TearDown() override {
    storage_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  void reopen_storage() {
    if (dir_.empty()) return;
    storage_.reset();
    auto s = store::sqlite::SqliteLogStore::open((dir_ / "amanat.db").string(), "test/log", true);
    ASSERT_TRUE(s) << s.error().message;
    storage_ = std::move(*s);
  }
  std::filesystem::path dir_;
  std::unique_ptr<LogStorage> storage_;
  PlainSigner signer_;
};

TEST_P(SequencerTest, NewLogHasSignedEmptyCheckpoint) {
  auto seq = Sequencer::open(*storage_, signer_);
  ASSERT_TRUE(seq) << seq.error().message;
  EXPECT_EQ((*seq)->size(), 0u);
  EXPECT_EQ((*seq)->checkpoint(), "0 " + to_hex(empty_tree_root()));
  EXPECT_EQ(*storage_->read_checkpoint(), (*seq)->checkpoint());
}

TEST_P(SequencerTest, AppendsReturnConsecutiveIndexesAndTilesMatchTheTree) {
  auto seq = Sequencer::open(*storage_, signer_);
  ASSERT_TRUE(seq);
  for (std::uint64_t i = 0; i < 700; ++i) {
    auto idx = (*seq)->append(entry_for(i));
    ASSERT_TRUE(idx) << idx.error().message;
    EXPECT_EQ(*idx, i);
  }
  expect_log_consistent(*storage_, signer_);
}

TEST_P(SequencerTest, DrainReturnsOnlyOnceEverySubmittedEntryIsCommitted) {
  auto seq = Sequencer::open(*storage_, signer_);
  ASSERT_TRUE(seq);
  (*seq)->drain();  // nothing queued: returns at once
  std::vector<std::future<Result<std::uint64_t>>> futures;
  for (std::uint64_t i = 0; i < 300; ++i) futures.push_back((*seq)->submit(entry_for(i)));
  (*seq)->drain();
  EXPECT_EQ((*seq)->size(), 300u);
  for (auto& f : futures) {
    ASSERT_EQ(f.wait_for(std::chrono::seconds(0)), std::future_status::ready);
    EXPECT_TRUE(f.get());
  }
  auto idx = (*seq)->append(entry_for(300));
  ASSERT_TRUE(idx);
  EXPECT_EQ(*idx, 300u);  // the size after drain() is the next entry's index
}

TEST_P(SequencerTest, ConcurrentWritersAreSequencedWithoutLossOrDuplicates) {
  auto seq = Sequencer::open(*storage_, signer_);
  ASSERT_TRUE(seq);
  constexpr int kThreads = 8, kPerThread = 400;
  std::vector<std::vector<std::pair<std::uint64_t, Bytes>>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::future<Result<std::uint64_t>>> futures;
      std::vector<Bytes> sent;
      for (int i = 0; i < kPerThread; ++i) {
        sent.push_back(entry_for(t * 100000 + i));
        futures.push_back((*seq)->submit(sent.back()));
      }
      for (int i = 0; i < kPerThread; ++i) {
        auto r = futures[i].get();
        ASSERT_TRUE(r) << r.error().message;
        got[t].emplace_back(*r, sent[i]);
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ((*seq)->size(), std::uint64_t(kThreads * kPerThread));
  auto all = storage_->read_entries(0, kThreads * kPerThread);
  ASSERT_TRUE(all);
  std::vector<bool> seen(all->size());
  for (auto& per : got) {
    for (auto& [idx, data] : per) {
      ASSERT_LT(idx, all->size());
      EXPECT_FALSE(seen[idx]) << "index " << idx << " acknowledged twice";
      seen[idx] = true;
      EXPECT_EQ((*all)[idx], data) << "entry at " << idx << " is not what was acknowledged";
    }
  }
  expect_log_consistent(*storage_, signer_);
}

TEST_P(SequencerTest, ReopenContinuesFromTheStoredEdge) {
  std::mt19937_64 rng(7);
  std::uint64_t n = 0;
  for (int round = 0; round < 6; ++round) {
    reopen_storage();
    auto seq = Sequencer::open(*storage_, signer_);
    ASSERT_TRUE(seq) << seq.error().message;
    ASSERT_EQ((*seq)->size(), n);
    std::uint64_t add = rng() % 600;
    for (std::uint64_t i = 0; i < add; ++i) ASSERT_EQ(*(*seq)->append(entry_for(n + i)), n + i);
    n += add;
  }
  expect_log_consistent(*storage_, signer_);
}

TEST_P(SequencerTest, OversizedEntryIsRefusedAndNothingIsAppended) {
  auto seq = Sequencer::open(*storage_, signer_);
  ASSERT_TRUE(seq);
  auto r = (*seq)->append(Bytes(65536, 'x'));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid);
  EXPECT_NE(r.error().message.find("65535"), std::string::npos);
  EXPECT_EQ(*(*seq)->append(Bytes(65535, 'x')), 0u);
  EXPECT_EQ(*(*seq)->append(Bytes()), 1u);
  expect_log_consistent(*storage_, signer_);
}

INSTANTIATE_TEST_SUITE_P(Storage, SequencerTest, ::testing::Values("memory", "sqlite"));

// State an effect keeps in memory beside the log (as the books' donor tally does): it follows
// each transaction through Tx::on_end, so after any failure it holds exactly the entries the
// log holds.
struct EffectLedger {
  std::mutex mu;
  std::map<std::uint64_t, std::string> applied;  // index -> entry
  bool stale = false;                            // a commit of unknown outcome: re-read needed

  Effect effect_for(std::string entry, bool fails = false) {
    return [this, entry = std::move(entry), fails](Tx& tx, std::uint64_t index) -> Status {
      if (fails) return fail(Errc::unavailable, "the effect failed (injected)");
      {
        std::lock_guard l(mu);
        applied[index] = entry;
      }
      tx.on_end([this, index](TxOutcome o) {
        std::lock_guard l(mu);
        if (o == TxOutcome::rolled_back) applied.erase(index);
        if (o == TxOutcome::unknown) stale = true;
      });
      return {};
    };
  }
};

// The storage faults a commit can meet (store/faulty_storage.h), each injected before one
// append, and what must hold afterwards.
struct FaultCase {
  const char* name;
  std::function<void(store::FaultyStorage&)> inject;
  bool effect_fails = false;  // the entry's own effect fails instead
  bool persisted = false;     // the failed append's entry is in the log all the same (ambiguous)
  bool stops = false;         // the sequencer refuses every later append
};

const FaultCase kFaultCases[] = {
    {"the commit fails before anything is stored", [](store::FaultyStorage& f) { f.fail_before(1); }},
    {"two commits in a row fail", [](store::FaultyStorage& f) { f.fail_before(2); }},
    {"the transaction fails after the batch's effects ran", [](store::FaultyStorage& f) { f.fail_inside(1); }},
    {"the commit is stored but its acknowledgement is lost", [](store::FaultyStorage& f) { f.fail_after(1); },
     false, true},
    {"the entry's effect fails", [](store::FaultyStorage&) {}, true},
    {"the storage cannot be read back after a failure",
     [](store::FaultyStorage& f) {
       f.fail_before(1);
       f.fail_state(true);
     },
     false, false, true},
};

TEST_P(SequencerTest, AfterEveryStorageFaultTheLogAndTheEffectsStayWholeAndConsistent) {
  for (const FaultCase& c : kFaultCases) {
    SCOPED_TRACE(c.name);
    if (!dir_.empty()) {  // a fresh database per case
      storage_.reset();
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      reopen_storage();
    } else {
      storage_ = std::make_unique<store::MemoryLogStore>();
    }
    store::FaultyStorage faulty(*storage_);
    EffectLedger ledger;
    std::vector<std::string> expect;  // the log's entries, in order, as they must be at the end
    {
      auto seq = Sequencer::open(faulty, signer_);
      ASSERT_TRUE(seq) << seq.error().message;
      auto append = [&](std::uint64_t i, bool effect_fails = false) {
        Bytes e = entry_for(i);
        return (*seq)->submit(e, ledger.effect_for(std::string(as_chars(e)), effect_fails)).get();
      };
      for (std::uint64_t i = 0; i < 300; ++i) {
        auto r = append(i);
        ASSERT_TRUE(r) << r.error().message;
        expect.push_back(std::string(as_chars(entry_for(i))));
      }
      c.inject(faulty);
      auto failed = append(300, c.effect_fails);
      EXPECT_FALSE(failed) << "the faulty append was acknowledged";
      if (c.persisted) expect.push_back(std::string(as_chars(entry_for(300))));
      if (c.name == std::string("two commits in a row fail")) EXPECT_FALSE(append(301));
      // Later appends: refused once the sequencer has stopped, else landing right after.
      auto later = append(400);
      if (c.stops) {
        ASSERT_FALSE(later);
        EXPECT_EQ(later.error().code, Errc::unavailable);
        EXPECT_NE(later.error().message.find("stopped accepting"), std::string::npos) << later.error().message;
      } else {
        ASSERT_TRUE(later) << later.error().message;
        EXPECT_EQ(*later, expect.size());
        expect.push_back(std::string(as_chars(entry_for(400))));
        EXPECT_EQ((*seq)->size(), expect.size());
      }
    }
    faulty.fail_state(false);
    // The whole stored state: entries, every tile, the checkpoint; and the effects' state.
    expect_log_consistent(*storage_, signer_);
    auto st = storage_->state();
    ASSERT_TRUE(st);
    auto entries = storage_->read_entries(0, st->size);
    ASSERT_TRUE(entries);
    std::vector<std::string> got;
    for (const Bytes& e : *entries) got.emplace_back(as_chars(e));
    EXPECT_EQ(got, expect);
    std::map<std::uint64_t, std::string> want;
    for (std::uint64_t i = 0; i < expect.size(); ++i) want[i] = expect[i];
    EXPECT_EQ(ledger.applied, want);
    EXPECT_FALSE(ledger.stale);
    // A sequencer opened afresh on what is stored appends on.
    auto again = Sequencer::open(*storage_, signer_);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(*(*again)->append(entry_for(500)), expect.size());
  }
}

// Effects run inside the storage's transaction: a batch whose second effect fails stores
// nothing, neither entries nor the first effect's state.
TEST_P(SequencerTest, ABatchWhoseEffectFailsStoresNothingOfIt) {
  EffectLedger ledger;
  {
    auto seq = Sequencer::open(*storage_, signer_);
    ASSERT_TRUE(seq);
    ASSERT_TRUE((*seq)->append(entry_for(0)));
  }
  auto before = storage_->state();
  ASSERT_TRUE(before);
  Batch batch;
  batch.old_size = before->size;
  batch.entries = {entry_for(1), entry_for(2)};
  batch.effects = {ledger.effect_for("one"), ledger.effect_for("two", /*fails=*/true)};
  batch.checkpoint = "unused";
  auto st = storage_->commit(batch);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "the effect failed (injected)");
  EXPECT_EQ(storage_->state()->size, before->size);
  EXPECT_TRUE(ledger.applied.empty());
  expect_log_consistent(*storage_, signer_);
}

TEST(Sequencer, StopAfterFailureAppendsNothingSubmittedAfterAFailedBatch) {
  store::MemoryLogStore memory;
  store::FaultyStorage storage(memory);
  PlainSigner signer;
  SequencerOptions options;
  options.stop_after_failure = true;
  auto seq = Sequencer::open(storage, signer, options);
  ASSERT_TRUE(seq);
  ASSERT_TRUE((*seq)->append(entry_for(0)));
  storage.fail_before(1);
  EXPECT_FALSE((*seq)->append(entry_for(1)));
  auto later = (*seq)->append(entry_for(2));  // the storage would accept it; the order would not
  ASSERT_FALSE(later);
  EXPECT_NE(later.error().message.find("nothing submitted after it"), std::string::npos);
  EXPECT_EQ(storage.state()->size, 1u);
}

TEST(Sequencer, RefusesToOpenWhenTilesDoNotMatchTheCheckpoint) {
  store::MemoryLogStore storage;
  PlainSigner signer;
  {
    auto seq = Sequencer::open(storage, signer);
    ASSERT_TRUE(seq);
    for (int i = 0; i < 300; ++i) ASSERT_TRUE((*seq)->append(entry_for(i)));
  }
  storage.corrupt_tile(0, 1, 5);  // the partial level-0 tile (300 = 256 + 44)
  auto seq = Sequencer::open(storage, signer);
  ASSERT_FALSE(seq);
  EXPECT_EQ(seq.error().code, Errc::corrupt);
}

}  // namespace
}  // namespace amanat::tlog
