// The schema's migrations: a database written by an earlier amanat upgrades in place and keeps
// its rows.
#include "store/sqlite/schema.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

namespace amanat::store::sqlite {
namespace {

class Migrating : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("amanat-schema-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto d = Db::open((dir_ / "amanat.db").string(), true);
    ASSERT_TRUE(d) << d.error().message;
    db = std::move(*d);
  }
  void TearDown() override {
    db.reset();
    std::filesystem::remove_all(dir_);
  }
  std::vector<std::string> column(const std::string& sql) {
    std::vector<std::string> out;
    auto q = db->prepare(sql);
    EXPECT_TRUE(q) << q.error().message;
    if (!q) return out;
    while (true) {
      auto row = q->step();
      EXPECT_TRUE(row);
      if (!row || !*row) break;
      out.push_back(q->column_null(0) ? "NULL" : q->column_text(0));
    }
    return out;
  }
  std::unique_ptr<Db> db;

 private:
  std::filesystem::path dir_;
};

TEST_F(Migrating, BankLinesImportedBeforeVersion6AreKeptInArrivalOrderWithNoIndexOnTheirKey) {
  ASSERT_TRUE(migrate(*db));
  // Put the table back as migrations 1-5 left it (keyed by the line key), with lines in it.
  ASSERT_TRUE(db->exec(R"sql(
DROP TABLE bank_lines;
CREATE TABLE bank_lines (
  log_id INTEGER NOT NULL REFERENCES logs(id), key TEXT NOT NULL, account TEXT NOT NULL, date TEXT NOT NULL,
  amount INTEGER NOT NULL, currency TEXT NOT NULL, bank_ref TEXT NOT NULL, record INTEGER, import INTEGER NOT NULL,
  PRIMARY KEY (log_id, key)
) WITHOUT ROWID;
CREATE INDEX bank_lines_record ON bank_lines(log_id, record);
INSERT INTO logs(id, origin) VALUES (1, 'schema.test/log');
INSERT INTO bank_lines VALUES (1, 'c1', 'Kaspi-Main', '2025-03-01', 1500000, 'KZT', 'R-1', 3, 1);
INSERT INTO bank_lines VALUES (1, 'a2', 'Kaspi-Main', '2025-03-03', -400000, 'KZT', 'R-3', NULL, 1);
INSERT INTO bank_lines VALUES (1, 'b3', 'Kaspi-Main', '2025-03-04', 10000, 'KZT', '', 9, 2);
PRAGMA user_version = 5;
)sql"));
  ASSERT_TRUE(migrate(*db));
  EXPECT_EQ(column("PRAGMA user_version"), std::vector<std::string>{std::to_string(schema_version())});
  EXPECT_EQ(column("SELECT key || ' ' || date || ' ' || amount || ' ' || bank_ref || ' ' || COALESCE(record, '-') || ' ' "
                   "|| import FROM bank_lines ORDER BY key"),
            (std::vector<std::string>{"a2 2025-03-03 -400000 R-3 - 1", "b3 2025-03-04 10000  9 2",
                                      "c1 2025-03-01 1500000 R-1 3 1"}));
  // A rowid table: new lines go to its end, not to a random page chosen by their key.
  auto sql = column("SELECT sql FROM sqlite_schema WHERE name = 'bank_lines'");
  ASSERT_EQ(sql.size(), 1u);
  EXPECT_EQ(sql[0].find("WITHOUT ROWID"), std::string::npos) << sql[0];
  EXPECT_EQ(column("SELECT name FROM pragma_index_list('bank_lines')"), std::vector<std::string>{"bank_lines_record"});
  // Migrating again changes nothing.
  ASSERT_TRUE(migrate(*db));
  EXPECT_EQ(column("SELECT count(*) FROM bank_lines"), std::vector<std::string>{"3"});
}

TEST_F(Migrating, ADatabaseFromANewerAmanatIsRefused) {
  ASSERT_TRUE(migrate(*db));
  ASSERT_TRUE(db->exec("PRAGMA user_version = " + std::to_string(schema_version() + 1)));
  auto st = migrate(*db);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::invalid);
}

}  // namespace
}  // namespace amanat::store::sqlite
