// Backups and restores: a restored copy has the same log and the same books as what was backed
// up, also when the backup is taken while donations keep being booked; a wrong passphrase, a
// changed or missing byte, and a non-empty target are refused and leave nothing behind; the file
// holds no plaintext; and the command line round trip, with the passphrase kept off it.
#include "backup/backup.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "books/audit.h"
#include "books/testing.h"
#include "crypto/keyring.h"
#include "books/payee.h"
#include "store/org.h"
#include "tests/subprocess.h"
#include "tlog/checkpoint.h"
#include "tlog/verifier.h"

namespace amanat::backup {
namespace {

namespace fs = std::filesystem;
using books::testing::BooksFixture;
using books::testing::kzt;

constexpr std::string_view kPass = "correct horse battery staple";
constexpr std::string_view kCanary = "Canary-Backup-Title-Q9";

// Fast KDF and small chunks (many chunk boundaries in a small file): tests only.
BackupOptions fast() {
  BackupOptions o;
  o.opslimit = crypto_pwhash_OPSLIMIT_MIN;
  o.memlimit = crypto_pwhash_MEMLIMIT_MIN;
  o.chunk = 1024;
  return o;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const fs::path& p, std::string_view data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

unsigned mode_of(const fs::path& p) {
  struct stat st;
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

books::DonationInput gift(const std::string& fund, std::int64_t minor, const std::string& donor = "") {
  return books::DonationInput{"2025-02-01", kzt(minor), books::Channel::bank, "", fund, {}, donor, ""};
}

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("amanat-backup-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  // Demo books with a canary appeal title, a donation, an expense, a books.key file and a
  // receipts directory, as a data directory in use has them.
  void fill(BooksFixture& b) {
    ASSERT_TRUE(b.books().open_appeal(
        books::AppealOpen{"A-1", std::string(kCanary), "", "C-1", kzt(100000000), "2025-01-01"}));
    ASSERT_TRUE(b.books().open_appeal(books::AppealOpen{"A-2", "Housing, case C-2", "", "C-2", kzt(5000000), "2025-01-01"}));
    for (int i = 0; i < 20; ++i)
      ASSERT_TRUE(b.books().donate(gift(i % 2 ? "A-1" : "A-2", 10000 + i, "phone:+7 701 000 00 " + std::to_string(10 + i))));
    books::ExpenseInput e{books::Expense{"2025-03-01", kzt(30000), books::Category::lawyer, "Bank:Main", "", "",
                                         {{"A-1", kzt(30000)}}, {}, {}},
                          "Law office of an invented lawyer", ""};
    ASSERT_TRUE(b.books().add_expense(e));
    ASSERT_TRUE(crypto::Keyring::create(b.dir() / "books.key"));
    fs::create_directories(b.dir() / "receipts" / "sub");
    spit(b.dir() / "receipts" / "0123abcd", "sealed receipt bytes");
    ::chmod((b.dir() / "receipts" / "0123abcd").c_str(), 0640);
    spit(b.dir() / "receipts" / "sub" / "empty", "");
    spit(b.dir() / "receipts" / "half-written.tmp", "x");  // left out
    spit(b.dir() / "amanat.lock", "");                     // left out
  }

  // A restore that fails must leave neither the target nor a temporary directory.
  void expect_nothing_written(const fs::path& target) {
    EXPECT_FALSE(fs::exists(target)) << target;
    for (const auto& e : fs::directory_iterator(target.parent_path()))
      EXPECT_EQ(e.path().filename().string().find(target.filename().string() + ".tmp-"), std::string::npos)
          << e.path();
  }

  Result<Summary> restore(const fs::path& file, const fs::path& target, std::string_view pass = kPass) {
    return restore_backup(file, target, pass);
  }

  fs::path root_;
};

struct Restored {
  store::OrgStores stores;
  tlog::LogStorage* log = nullptr;
  books::ReportStore* store = nullptr;  // the reports
  // The expense's payee, opened with the books key.
  std::function<Result<std::string>(std::uint64_t)> payee;
};

Restored open_restored(const fs::path& dir, const crypto::Keyring& keys) {
  Restored r;
  auto d = store::DataDir::open(dir);
  EXPECT_TRUE(d) << d.error().message;
  if (!d) return r;
  auto st = store::open_org(*d);
  EXPECT_TRUE(st) << st.error().message;
  if (!st) return r;
  r.stores = std::move(*st);
  r.log = r.stores.log.get();
  r.store = r.stores.reports.get();
  r.payee = [books = r.stores.books.get(), keys](std::uint64_t leaf) -> Result<std::string> {
    AMANAT_TRY(sealed, books->sealed_payee(leaf));
    return books::open_payee(keys, books->org(), leaf, sealed);
  };
  return r;
}

// Verifies the restored log from its tiles with the original's key, and checks that its root is
// the one the original signed for that size.
std::uint64_t expect_log_verifies(const Restored& r, BooksFixture& b, books::Auditor* auditor = nullptr) {
  auto key = tlog::Verifier::parse(b.vkey());
  EXPECT_TRUE(key);
  tlog::VerifyOptions opts{*key};
  if (auditor)
    opts.on_entries = [&](std::uint64_t first, std::span<const std::span<const std::uint8_t>> es) -> Status {
      auditor->feed_many(first, es);
      return {};
    };
  auto v = tlog::verify_log(*r.log, opts);
  EXPECT_TRUE(v) << v.error().message;
  if (!v) return 0;
  auto original = b.log().checkpoint_at(v->checkpoint.size);
  EXPECT_TRUE(original) << original.error().message;
  if (!original) return 0;
  auto opened = tlog::open_checkpoint(*original, *key);
  EXPECT_TRUE(opened);
  EXPECT_EQ(v->checkpoint.root, opened->root);
  EXPECT_EQ(*r.log->read_checkpoint(), *original);
  return v->checkpoint.size;
}

TEST_F(BackupTest, ARestoredCopyHasTheSameLogBooksAndFiles) {
  BooksFixture b("KZT", root_);
  fill(b);
  fs::path file = root_ / "b.amanat-backup", target = root_ / "restored";
  auto s = write_backup(b.dir(), file, kPass, fast());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->files, 5u);        // amanat.db, books.key, log.key, receipts/0123abcd, receipts/sub/empty
  EXPECT_EQ(s->directories, 2u);  // receipts, receipts/sub
  EXPECT_EQ(s->origin, "books.test/log");
  EXPECT_EQ(s->log_size, b.log().state()->size);
  EXPECT_EQ(s->file_bytes, fs::file_size(file));
  EXPECT_EQ(mode_of(file), 0600u);
  EXPECT_FALSE(fs::exists(root_ / "b.amanat-backup.tmp"));
  for (const auto& e : fs::directory_iterator(b.dir()))  // the snapshot's scratch directory is gone
    EXPECT_FALSE(e.path().filename().string().starts_with(".backup-")) << e.path();

  auto r = restore(file, target);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->files, s->files);
  EXPECT_EQ(r->bytes, s->bytes);
  EXPECT_EQ(r->log_size, s->log_size);
  EXPECT_EQ(mode_of(target), 0700u);
  for (const char* f : {"log.key", "books.key", "receipts/0123abcd", "receipts/sub/empty"}) {
    EXPECT_EQ(slurp(target / f), slurp(b.dir() / f)) << f;
    EXPECT_EQ(mode_of(target / f), mode_of(b.dir() / f)) << f;
  }
  EXPECT_EQ(mode_of(target / "log.key"), 0600u);
  EXPECT_EQ(mode_of(target / "receipts/0123abcd"), 0640u);
  EXPECT_FALSE(fs::exists(target / "receipts/half-written.tmp"));
  EXPECT_FALSE(fs::exists(target / "amanat.lock"));
  EXPECT_TRUE(crypto::Keyring::load(target / "books.key"));

  Restored restored = open_restored(target, b.keys());
  ASSERT_TRUE(restored.store);
  EXPECT_EQ(expect_log_verifies(restored, b), s->log_size);
  auto want = b.reports().report({});
  auto got = restored.store->report({});
  ASSERT_TRUE(want && got);
  EXPECT_EQ(books::report_json(*got), books::report_json(*want));
  EXPECT_EQ(*restored.payee(s->log_size - 1), "Law office of an invented lawyer");
}

TEST_F(BackupTest, ABackupTakenWhileDonationsAreBookedIsOneConsistentState) {
  BooksFixture b("KZT", root_);
  ASSERT_TRUE(b.books().open_appeal(books::AppealOpen{"A-1", "Legal help", "", "C-1", kzt(1000000000), "2025-01-01"}));
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(b.books().donate(gift(i % 3 ? "A-1" : "general", 1000 + i)));

  std::atomic<bool> stop{false};
  std::atomic<int> booked{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      auto d = b.books().donate(gift(i % 2 ? "A-1" : "general", 500 + i, "phone:+7 702 000 00 1" + std::to_string(i % 7)));
      if (!d) {
        ADD_FAILURE() << d.error().message;
        return;
      }
      ++booked;
    }
  });
  std::uint64_t before = b.log().state()->size;
  BackupOptions o = fast();
  o.pages_per_step = 1;  // many steps, with bookings committed between them
  bool waited = false;
  o.progress = [&](std::string_view phase, std::uint64_t, std::uint64_t) {
    if (phase != "snapshot") return;
    if (!waited) {  // the snapshot is fixed by now: let the writer commit several batches after it
      waited = true;
      int start = booked;
      auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (booked < start + 5 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  };
  fs::path file = root_ / "live.amanat-backup", target = root_ / "restored";
  auto s = write_backup(b.dir(), file, kPass, o);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  stop = true;
  writer.join();
  ASSERT_TRUE(s) << s.error().message;
  std::uint64_t after = b.log().state()->size;
  ASSERT_GE(booked.load(), 5);
  EXPECT_GE(s->log_size, before);
  EXPECT_LT(s->log_size, after) << "the writer booked nothing while the backup ran";

  auto r = restore(file, target);
  ASSERT_TRUE(r) << r.error().message;
  Restored restored = open_restored(target, b.keys());
  ASSERT_TRUE(restored.store);
  // The restored log is the original's prefix at the snapshot, and the restored books are
  // exactly what its leaves book: the audit from the log equals the store's report.
  books::Auditor auditor([&](std::uint64_t i) -> Result<Bytes> {
    auto e = restored.log->read_entries(i, i + 1);
    if (!e) return err(e);
    return e->at(0);
  });
  EXPECT_EQ(expect_log_verifies(restored, b, &auditor), s->log_size);
  for (const auto& f : auditor.findings()) ADD_FAILURE() << "finding at leaf " << f.leaf << ": " << f.message;
  auto report = restored.store->report({});
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->log_size, s->log_size);
  books::AuditTotals t = auditor.totals();
  ASSERT_EQ(t.funds.size(), report->funds.size());
  for (std::size_t i = 0; i < t.funds.size(); ++i)
    EXPECT_EQ(t.funds[i], books::totals_of(report->funds[i])) << t.funds[i].fund;
  EXPECT_EQ(t.income_org, report->org.income_restricted + report->org.income_unrestricted);
  EXPECT_EQ(t.expenses_org, report->org.expenses_total);
}

TEST_F(BackupTest, AWrongPassphraseIsRefusedAndWritesNothing) {
  BooksFixture b("KZT", root_);
  fill(b);
  fs::path file = root_ / "b.amanat-backup", target = root_ / "restored";
  ASSERT_TRUE(write_backup(b.dir(), file, kPass, fast()));
  auto r = restore(file, target, "correct horse battery stapler");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::corrupt);
  EXPECT_NE(r.error().message.find("wrong passphrase"), std::string::npos) << r.error().message;
  expect_nothing_written(target);
}

TEST_F(BackupTest, AFlippedByteAnywhereIsRefused) {
  BooksFixture b("KZT", root_);
  fill(b);
  fs::path file = root_ / "b.amanat-backup", target = root_ / "restored", bad = root_ / "bad";
  ASSERT_TRUE(write_backup(b.dir(), file, kPass, fast()));
  const std::string good = slurp(file);
  ASSERT_GT(good.size(), 20000u);
  std::vector<std::size_t> at;
  for (std::size_t i = 0; i < kHeaderBytes; ++i) at.push_back(i);  // every header byte
  for (std::size_t i = kHeaderBytes; i < good.size(); i += good.size() / 150) at.push_back(i);
  for (std::size_t i = good.size() - 40; i < good.size(); ++i) at.push_back(i);  // the final chunk's tag
  for (std::size_t i : at) {
    std::string x = good;
    x[i] = static_cast<char>(x[i] ^ 0x01);
    spit(bad, x);
    auto r = restore(bad, target);
    ASSERT_FALSE(r) << "byte " << i;
    EXPECT_EQ(r.error().code, Errc::corrupt) << "byte " << i << ": " << r.error().message;
    expect_nothing_written(target);
  }
  ASSERT_TRUE(restore(file, target)) << "the untouched file restores";
}

TEST_F(BackupTest, ATruncatedOrExtendedFileIsRefused) {
  BooksFixture b("KZT", root_);
  fill(b);
  fs::path file = root_ / "b.amanat-backup", target = root_ / "restored", bad = root_ / "bad";
  ASSERT_TRUE(write_backup(b.dir(), file, kPass, fast()));
  const std::string good = slurp(file);
  const std::size_t chunk = 1024 + crypto_secretstream_xchacha20poly1305_ABYTES;
  for (std::size_t len : {std::size_t{0}, std::size_t{5}, kHeaderBytes - 1, kHeaderBytes, kHeaderBytes + 100,
                          kHeaderBytes + chunk, kHeaderBytes + 3 * chunk, kHeaderBytes + 3 * chunk + 1,
                          good.size() - 17, good.size() - 1}) {
    spit(bad, good.substr(0, len));
    auto r = restore(bad, target);
    ASSERT_FALSE(r) << "length " << len;
    EXPECT_EQ(r.error().code, Errc::corrupt) << "length " << len << ": " << r.error().message;
    expect_nothing_written(target);
  }
  spit(bad, good.substr(0, kHeaderBytes + 3 * chunk));
  EXPECT_NE(restore(bad, target).error().message.find("truncated"), std::string::npos);
  // Bytes appended: inside the last chunk's frame they fail its authentication, after a full
  // final chunk they are data after the end.
  for (std::size_t extra : {std::size_t{1}, chunk}) {
    spit(bad, good + std::string(extra, '\0'));
    auto r = restore(bad, target);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::corrupt) << r.error().message;
    expect_nothing_written(target);
  }
}

TEST_F(BackupTest, RestoreRefusesANonEmptyDirectoryAndFillsAnEmptyOne) {
  BooksFixture b("KZT", root_);
  fill(b);
  fs::path file = root_ / "b.amanat-backup", target = root_ / "restored";
  ASSERT_TRUE(write_backup(b.dir(), file, kPass, fast()));
  fs::create_directories(target);
  spit(target / "something", "keep me");
  auto r = restore(file, target);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::conflict);
  EXPECT_EQ(slurp(target / "something"), "keep me");
  EXPECT_EQ(std::distance(fs::directory_iterator(target), fs::directory_iterator()), 1);
  spit(root_ / "a-file", "x");
  EXPECT_EQ(restore(file, root_ / "a-file").error().code, Errc::conflict);
  fs::create_directories(root_ / "empty");
  ASSERT_TRUE(restore(file, root_ / "empty"));
  EXPECT_TRUE(fs::exists(root_ / "empty" / "amanat.db"));
  EXPECT_TRUE(fs::exists(root_ / "empty" / "log.key"));
}

TEST_F(BackupTest, TheFileHoldsNeitherTheBooksPlaintextNorTheKeys) {
  BooksFixture b("KZT", root_);
  fill(b);
  fs::path file = root_ / "b.amanat-backup", target = root_ / "restored";
  ASSERT_TRUE(write_backup(b.dir(), file, kPass, fast()));
  const std::string data = slurp(file);
  std::string log_key = slurp(b.dir() / "log.key");
  while (!log_key.empty() && log_key.back() == '\n') log_key.pop_back();
  // PRIVATE+KEY+<name>+<key id>+<base64 key>: the base64 may itself hold '+'.
  std::size_t at = 0;
  for (int i = 0; i < 4 && at != std::string::npos; ++i) at = log_key.find('+', at) + 1;
  std::string secret = log_key.substr(at);
  const std::string books_key = slurp(b.dir() / "books.key");
  ASSERT_GT(secret.size(), 20u);
  ASSERT_GE(books_key.size(), 32u);
  EXPECT_EQ(data.find(kCanary), std::string::npos);
  EXPECT_EQ(data.find(secret), std::string::npos);
  EXPECT_EQ(data.find(books_key), std::string::npos);
  EXPECT_EQ(data.find("PRIVATE+KEY"), std::string::npos);
  EXPECT_EQ(data.find("SQLite format 3"), std::string::npos);
  // The canary is in what the file restores to: the check above is not vacuous.
  ASSERT_TRUE(restore(file, target));
  EXPECT_NE(slurp(target / "amanat.db").find(kCanary), std::string::npos);
  EXPECT_EQ(slurp(target / "log.key"), slurp(b.dir() / "log.key"));
}

TEST_F(BackupTest, ShortPassphrasesAndOutputInsideTheDataDirectoryAreRefused) {
  BooksFixture b("KZT", root_);
  fs::path file = root_ / "b.amanat-backup";
  for (std::string_view p : {"", "eleven char", "ééééééééééé"}) {  // 11 characters (22 bytes)
    auto s = write_backup(b.dir(), file, p, fast());
    ASSERT_FALSE(s) << p;
    EXPECT_EQ(s.error().code, Errc::invalid);
    EXPECT_NE(s.error().message.find("at least 12 characters"), std::string::npos) << s.error().message;
  }
  EXPECT_FALSE(fs::exists(file));
  EXPECT_TRUE(write_backup(b.dir(), file, "twelve chars", fast()));
  EXPECT_TRUE(restore(file, root_ / "restored", "twelve chars"));
  auto inside = write_backup(b.dir(), b.dir() / "receipts" / "b.amanat-backup", kPass, fast());
  ASSERT_FALSE(inside);
  EXPECT_EQ(inside.error().code, Errc::invalid);
  EXPECT_EQ(write_backup(root_ / "nowhere", file, kPass, fast()).error().code, Errc::not_found);
}

TEST_F(BackupTest, ASymlinkInTheDataDirectoryStopsTheBackup) {
  BooksFixture b("KZT", root_);
  fs::create_symlink("/etc/passwd", b.dir() / "elsewhere");
  fs::path file = root_ / "b.amanat-backup";
  auto s = write_backup(b.dir(), file, kPass, fast());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::invalid);
  EXPECT_NE(s.error().message.find("symlink"), std::string::npos) << s.error().message;
  EXPECT_FALSE(fs::exists(file));
  EXPECT_FALSE(fs::exists(root_ / "b.amanat-backup.tmp"));
}

// The command line, with the real binary and the default (moderate) key derivation.
TEST_F(BackupTest, TheCommandsRoundTripWithThePassphraseOffTheCommandLine) {
  auto amanat = [](std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), AMANAT_BINARY);
    return amanat::testing::run(args, input);
  };
  std::string data = (root_ / "d").string(), file = (root_ / "d.backup").string();
  ASSERT_EQ(amanat({"init", "--data", data, "--origin", "backup.example/log"}).status, 0);
  ASSERT_EQ(amanat({"appeal", "open", "--data", data, "--code", "A-1", "--title", std::string(kCanary), "--target",
                    "1000"}).status, 0);
  ASSERT_EQ(amanat({"donation", "add", "--data", data, "--amount", "50", "--appeal", "A-1"}).status, 0);

  auto missing = amanat({"backup", "--data", data, "--out", file});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("AMANAT_BACKUP_PASSPHRASE"), std::string::npos) << missing.err;
  EXPECT_EQ(amanat({"backup", "--data", data, "--out", file, "--passphrase", std::string(kPass)}).status, 2);
  EXPECT_EQ(amanat({"backup", "--help"}).status, 0);
  EXPECT_EQ(amanat({"restore", "--help"}).status, 0);

  ::setenv("AMANAT_BACKUP_PASSPHRASE", "too short", 1);
  auto shortp = amanat({"backup", "--data", data, "--out", file});
  EXPECT_EQ(shortp.status, 1);
  EXPECT_NE(shortp.err.find("at least 12 characters"), std::string::npos) << shortp.err;
  ::setenv("AMANAT_BACKUP_PASSPHRASE", std::string(kPass).c_str(), 1);
  auto b = amanat({"backup", "--data", data, "--out", file});
  ::unsetenv("AMANAT_BACKUP_PASSPHRASE");
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_NE(b.out.find("3 files"), std::string::npos) << b.out;  // amanat.db, log.key, books.key (not amanat.lock)
  EXPECT_NE(b.out.find("log backup.example/log at size 3"), std::string::npos) << b.out;

  spit(root_ / "wrong", "not the passphrase at all\n");
  auto wrong = amanat({"restore", file, "--data", (root_ / "r").string(), "--passphrase-file", (root_ / "wrong").string()});
  EXPECT_EQ(wrong.status, 1);
  EXPECT_NE(wrong.err.find("wrong passphrase"), std::string::npos) << wrong.err;
  EXPECT_FALSE(fs::exists(root_ / "r"));

  auto r = amanat({"restore", file, "--data", (root_ / "r").string(), "--passphrase-file", "-"},
                  std::string(kPass) + "\nsecond line ignored\n");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("restored"), std::string::npos) << r.out;
  auto want = amanat({"report", "--data", data, "--format", "json"});
  auto got = amanat({"report", "--data", (root_ / "r").string(), "--format", "json"});
  ASSERT_EQ(got.status, 0) << got.err;
  EXPECT_EQ(got.out, want.out);
  // The restored directory is a working one: it books.
  EXPECT_EQ(amanat({"donation", "add", "--data", (root_ / "r").string(), "--amount", "7", "--appeal", "A-1"}).status, 0);
}

}  // namespace
}  // namespace amanat::backup
