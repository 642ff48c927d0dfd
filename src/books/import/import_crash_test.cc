// Crash test: `amanat import` killed with SIGKILL at random moments while it books a statement.
// Importing the same file again afterwards must book exactly the lines not booked yet: every
// line once, as one donation with its bank line (the store keeps no unique index on the line
// keys, so this is the importer's check at work), and a further import books nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "store/sqlite/db.h"
#include "tests/subprocess.h"

namespace amanat {
namespace {

namespace fs = std::filesystem;

std::int64_t count(store::sqlite::Db& db, const char* sql) {
  auto q = db.prepare(sql);
  EXPECT_TRUE(q) << q.error().message;
  if (!q) return -1;
  auto row = q->step();
  EXPECT_TRUE(row && *row);
  return q->column_int(0);
}

TEST(ImportCrash, AKilledImportImportedAgainBooksEveryLineExactlyOnce) {
  fs::path dir = fs::temp_directory_path() / ("amanat-import-crash-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string data = (dir / "data").string(), csv = (dir / "st.csv").string();
  auto init = testing::run({AMANAT_BINARY, "init", "--data", data, "--origin", "import-crash.test/log"});
  ASSERT_EQ(init.status, 0) << init.err;
  ASSERT_EQ(testing::run({AMANAT_BINARY, "appeal", "open", "--data", data, "--code", "A-1", "--title", "T", "--target",
                          "1000"}).status, 0);
  constexpr int kLines = 4000;
  {
    std::ofstream out(csv);
    out << "Date,Amount,Currency,Ref,Payer,Purpose\n";
    for (int i = 0; i < kLines; ++i)
      out << "2025-03-" << (1 + i % 28 < 10 ? "0" : "") << 1 + i % 28 << "," << 100 + i % 50 << ".00,KZT,R-" << i % 1000
          << ",payer-" << i % 300 << ",for A-1\n";  // references and payers repeat; lines do not
  }
  const std::vector<std::string> import = {AMANAT_BINARY, "import", csv, "--data", data, "--format", "csv", "--map",
                                           "account=Main;date=Date;amount=Amount;currency=Currency;ref=Ref;"
                                           "counterparty=Payer;text=Purpose"};
  std::mt19937_64 rng(::testing::UnitTest::GetInstance()->random_seed());
  int killed = 0;
  for (int round = 0; round < 4; ++round) {
    testing::Child c = testing::spawn(import);
    ASSERT_GT(c.pid, 0);
    ::close(std::exchange(c.in, -1));
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 250));
    ::kill(c.pid, SIGKILL);
    killed += testing::wait_child(c) == 128 + SIGKILL;
  }
  auto rest = testing::run(import);
  ASSERT_EQ(rest.status, 0) << rest.err;
  auto again = testing::run(import);
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("booked 0\n"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("already-imported " + std::to_string(kLines) + "\n"), std::string::npos) << again.out;

  auto db = store::sqlite::Db::open((fs::path(data) / "amanat.db").string(), false);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(count(**db, "SELECT count(*) FROM bank_lines"), kLines);
  EXPECT_EQ(count(**db, "SELECT count(DISTINCT key) FROM bank_lines"), kLines);
  EXPECT_EQ(count(**db, "SELECT count(*) FROM donations"), kLines);
  EXPECT_EQ(count(**db, "SELECT count(*) FROM donations d WHERE (SELECT count(*) FROM bank_lines b "
                        "WHERE b.log_id = d.log_id AND b.record = d.leaf) = 1"),
            kLines);
  std::printf("import killed %d times of 4 before it finished\n", killed);
  db->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace amanat
