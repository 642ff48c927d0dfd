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
  std::vector<std::string> column(const std::string& sql, int i = 0) {
    std::vector<std::string> out;
    auto q = db->prepare(sql);
    EXPECT_TRUE(q) << q.error().message;
    if (!q) return out;
    while (true) {
      auto row = q->step();
      EXPECT_TRUE(row);
      if (!row || !*row) break;
      out.push_back(q->column_null(i) ? "NULL" : q->column_text(i));
    }
    return out;
  }
  // The query plan of `sql`, one step a line.
  std::string plan(const std::string& sql) {
    std::string out;
    for (const auto& step : column("EXPLAIN QUERY PLAN " + sql, 3)) out += step + "\n";
    return out;
  }
  std::unique_ptr<Db> db;

 private:
  std::filesystem::path dir_;
};

TEST_F(Migrating, BankLinesImportedBeforeVersion6AreKeptInArrivalOrderWithNoIndexOnTheirKey) {
  // The table as migrations 1-5 left it (keyed by the line key), with lines in it.
  ASSERT_TRUE(migrate(*db, 5));
  ASSERT_TRUE(db->exec(R"sql(
INSERT INTO logs(id, origin) VALUES (1, 'schema.test/log');
INSERT INTO bank_lines VALUES (1, 'c1', 'Kaspi-Main', '2025-03-01', 1500000, 'KZT', 'R-1', 3, 1);
INSERT INTO bank_lines VALUES (1, 'a2', 'Kaspi-Main', '2025-03-03', -400000, 'KZT', 'R-3', NULL, 1);
INSERT INTO bank_lines VALUES (1, 'b3', 'Kaspi-Main', '2025-03-04', 10000, 'KZT', '', 9, 2);
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

// Accounts and identities written before every table carried its organisation belong to the
// database's one organisation afterwards, with their ids, links and trail chain intact.
TEST_F(Migrating, AccountsAndIdentitiesOfAnOlderDatabaseBelongToItsOrganisation) {
  ASSERT_TRUE(migrate(*db, 6));
  ASSERT_TRUE(db->exec(R"sql(
INSERT INTO logs(id, origin) VALUES (4, 'schema.test/log');
INSERT INTO users(id, name, role, password, created) VALUES (7, 'dir-1', 'director', 'x', 1);
INSERT INTO sessions VALUES ('h1', 7, '', 0, 1, 1);
INSERT INTO subjects(id, code, kind, created_by, created, data_key) VALUES (3, 'S-ABC', 'survivor', 7, 1, x'00');
INSERT INTO subject_fields VALUES (3, 'name', x'01');
INSERT INTO subject_access VALUES (3, 7);
INSERT INTO intake(id, received, sealed) VALUES (2, 1, x'02');
INSERT INTO access_trail VALUES (1, 1, 'user:7', 'login', 'session', 'ok', 'abc');
)sql"));
  ASSERT_TRUE(migrate(*db));
  for (const char* table : {"users", "sessions", "subjects", "subject_fields", "subject_access", "intake", "access_trail"})
    EXPECT_EQ(column(std::string("SELECT DISTINCT log_id FROM ") + table), std::vector<std::string>{"4"}) << table;
  EXPECT_EQ(column("SELECT id || ' ' || name || ' ' || COALESCE(disabled, '-') FROM users"),
            std::vector<std::string>{"7 dir-1 -"});
  EXPECT_EQ(column("SELECT subject || ' ' || user FROM subject_access"), std::vector<std::string>{"3 7"});
  EXPECT_EQ(column("SELECT seq || ' ' || hash FROM access_trail"), std::vector<std::string>{"1 abc"});
  EXPECT_EQ(column("PRAGMA quick_check"), std::vector<std::string>{"ok"});
  EXPECT_EQ(column("PRAGMA foreign_key_check"), std::vector<std::string>{});
}

// Intake messages stored before the hotline could archive them are waiting after migration
// 10; its two lists (waiting, archived) each read an index of their own, not the whole table.
TEST_F(Migrating, IntakeMessagesOfAnOlderDatabaseWaitAndEachListReadsItsOwnIndex) {
  ASSERT_TRUE(migrate(*db, 9));
  ASSERT_TRUE(db->exec("INSERT INTO logs(id, origin) VALUES (4, 'schema.test/log');"
                       "INSERT INTO intake(id, log_id, received, sealed) VALUES (2, 4, 1, x'02');"));
  ASSERT_TRUE(migrate(*db));
  EXPECT_EQ(column("SELECT id || ' ' || COALESCE(archived, '-') || ' ' || COALESCE(archived_by, '-') FROM intake"),
            std::vector<std::string>{"2 - -"});
  for (auto [where, index] : {std::pair{"archived IS NULL", "intake_waiting"},
                              std::pair{"archived IS NOT NULL", "intake_archived"}}) {
    std::string p = plan(std::string("SELECT id, received, archived, sealed FROM intake WHERE log_id = ? AND ") + where +
                         " AND id > ? ORDER BY id LIMIT ?");
    EXPECT_NE(p.find(index), std::string::npos) << p;
    EXPECT_EQ(p.find("TEMP B-TREE"), std::string::npos) << p;  // no sort: the index is in id order
  }
  EXPECT_EQ(column("PRAGMA quick_check"), std::vector<std::string>{"ok"});
}

// The staff's list of expenses (migration 12): those waiting for approvals come from their own
// index, newest first with no sort; a period is found through the date index (which the store
// names), not by reading every expense. The queries are shaped as SqliteReportStore::expenses
// writes them.
TEST_F(Migrating, TheExpensesWaitingForApprovalsAndThoseOfAPeriodEachReadAnIndex) {
  ASSERT_TRUE(migrate(*db, 10));
  ASSERT_TRUE(db->exec("INSERT INTO logs(id, origin) VALUES (4, 'schema.test/log');"
                       "INSERT INTO expenses(log_id, leaf, date, amount, currency, category, account, payee, payee_salt, "
                       "memo, bank_ref, approvals) VALUES (4, 7, '2025-05-01', 100, 'KZT', 'other', 'Bank:Main', x'00', "
                       "'s', '', '', 1), (4, 9, '2025-05-02', 100, 'KZT', 'other', 'Bank:Main', x'00', 's', '', '', 2);"));
  ASSERT_TRUE(migrate(*db));
  const std::string select = "SELECT leaf, date, amount, currency, category, account, memo, booked_by, lawyer, survivor, "
                             "reversed_by FROM expenses";
  const std::string page = " AND leaf < ? ORDER BY leaf DESC LIMIT ?";
  std::string waiting = plan(select + " WHERE log_id = ? AND reversed_by IS NULL AND approvals < 2" + page);
  EXPECT_NE(waiting.find("expenses_waiting"), std::string::npos) << waiting;
  EXPECT_EQ(waiting.find("TEMP B-TREE"), std::string::npos) << waiting;
  std::string period = plan(select + " INDEXED BY expenses_date WHERE log_id = ? AND date >= ? AND date <= ?" + page);
  EXPECT_NE(period.find("expenses_date (log_id=? AND date>? AND date<?)"), std::string::npos) << period;
  EXPECT_EQ(column("SELECT leaf FROM expenses WHERE log_id = 4 AND reversed_by IS NULL AND approvals < 2"),
            std::vector<std::string>{"7"});
  EXPECT_EQ(column("PRAGMA quick_check"), std::vector<std::string>{"ok"});
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
