// End-to-end tests of the books' commands, running the real binary: a donor's whole round
// (book, prove, verify offline), the published report and the audit that checks it, export,
// import and reconcile, and the exit-status contract (0 ok, 1 failed, 2 usage) with --help.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "core/sha256.h"
#include "tests/subprocess.h"

namespace amanat {
namespace {

namespace fs = std::filesystem;
using testing::run;
using testing::RunResult;

class BooksCli : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("amanat-books-cli-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    auto r = amanat({"init", "--data", data(), "--origin", "books.example/log", "--name", "Invented Foundation"});
    ASSERT_EQ(r.status, 0) << r.err;
    vkey_ = r.out.substr(0, r.out.find('\n'));
    ok({"appeal", "open", "--data", data(), "--code", "A-2025-007", "--title", "Legal help, case C-17", "--case",
        "C-17", "--target", "890000", "--date", "2025-01-10", "--confirm-date"});
  }
  void TearDown() override { fs::remove_all(root_); }
  RunResult amanat(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), AMANAT_BINARY);
    return run(args, input);
  }
  RunResult ok(std::vector<std::string> args) {
    auto r = amanat(args);
    EXPECT_EQ(r.status, 0) << args[0] << " " << args[1] << ": " << r.err;
    return r;
  }
  std::string data() const { return (root_ / "d").string(); }
  std::string path(const std::string& p) const { return (root_ / p).string(); }
  fs::path root_;
  std::string vkey_;
};

TEST_F(BooksCli, ADonorProvesTheirGiftOfflineWithTheReceiptCode) {
  auto d = ok({"donation", "add", "--data", data(), "--amount", "5000", "--appeal", "A-2025-007", "--channel", "mobile",
               "--donor", "phone:+7 700 000 00 17", "--date", "2025-01-11",
               "--confirm-date"});
  auto pos = d.out.find("receipt code: ");
  ASSERT_NE(pos, std::string::npos) << d.out;
  std::string code = d.out.substr(pos + 14, d.out.find('\n', pos) - pos - 14);
  auto proof = ok({"donation", "proof", "--data", data(), "--receipt", code});
  std::ofstream(path("gift.tlog-proof")) << proof.out;
  auto v = ok({"donation", "verify", "--vkey", vkey_, "--receipt", code, "--proof", path("gift.tlog-proof")});
  EXPECT_NE(v.out.find("OK donation of 5000.00 KZT on 2025-01-11 to appeal A-2025-007"), std::string::npos) << v.out;
  // Another secret with the same record number does not open this proof or find the gift, nor
  // does the secret under another record number.
  std::string number = code.substr(0, code.find('-')), secret = code.substr(code.find('-') + 1);
  std::string forged = number + "-0000-0000-0000-0000-0000-0000-00";
  auto other = amanat({"donation", "verify", "--vkey", vkey_, "--receipt", forged, "--proof", path("gift.tlog-proof")});
  EXPECT_EQ(other.status, 1);
  EXPECT_NE(other.err.find("not made with this receipt code"), std::string::npos) << other.err;
  EXPECT_EQ(amanat({"donation", "proof", "--data", data(), "--receipt", forged}).status, 1);
  EXPECT_EQ(amanat({"donation", "proof", "--data", data(), "--receipt", "1-" + secret}).status, 1);
  auto moved = amanat({"donation", "verify", "--vkey", vkey_, "--receipt", "1-" + secret, "--proof", path("gift.tlog-proof")});
  EXPECT_EQ(moved.status, 1);
}

TEST_F(BooksCli, ThePublishedReportMatchesTheAuditAndATamperedOneDoesNot) {
  ok({"donation", "add", "--data", data(), "--amount", "100000", "--appeal", "A-2025-007"});
  ok({"expense", "add", "--data", data(), "--by", "accountant", "--amount", "25000.50", "--category", "lawyer", "--payee",
      "An invented law office", "--appeal", "A-2025-007"});
  ok({"report", "--data", data(), "--publish"});
  auto json = ok({"report", "--data", data(), "--format", "json"});
  std::ofstream(path("report.json")) << json.out;
  EXPECT_EQ(ok({"audit", "--log", data(), "--vkey", vkey_, "--report", path("report.json")}).status, 0);
  std::string tampered = json.out;
  auto at = tampered.find("\"raised\": 10000000");
  ASSERT_NE(at, std::string::npos) << json.out;
  tampered.replace(at, 18, "\"raised\": 20000000");
  std::ofstream(path("tampered.json")) << tampered;
  auto bad = amanat({"audit", "--log", data(), "--vkey", vkey_, "--report", path("tampered.json")});
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.out.find("REPORT MISMATCH fund A-2025-007: raised"), std::string::npos) << bad.out;
  auto csv = ok({"report", "--data", data(), "--format", "csv"});
  EXPECT_NE(csv.out.find("A-2025-007,\"Legal help, case C-17\",yes,open,KZT,890000.00,1,0,100000.00,25000.50"),
            std::string::npos)
      << csv.out;
}

// Leaves of another family on the books' log (appended here with `log append`, as the desk
// will write its own) pass the audit, which says it did not read them.
TEST_F(BooksCli, TheAuditPassesALogWithOtherFamiliesAndSaysWhatItDidNotRead) {
  ok({"donation", "add", "--data", data(), "--amount", "100000", "--appeal", "A-2025-007"});
  auto appended = amanat({"log", "append", "--data", data()},
                         "{\"text\":\"An invented statement\",\"type\":\"publication.post\",\"v\":1}\n");
  ASSERT_EQ(appended.status, 0) << appended.err;
  auto audit = ok({"audit", "--log", data(), "--vkey", vkey_});
  EXPECT_NE(audit.out.find("NOT AUDITED 1 leaves of family publication"), std::string::npos) << audit.out;
  EXPECT_NE(audit.err.find("audit OK: 4 records"), std::string::npos) << audit.err;
  EXPECT_NE(audit.err.find("3 of them the books'"), std::string::npos) << audit.err;
  auto json = ok({"audit", "--log", data(), "--vkey", vkey_, "--json"});
  EXPECT_NE(json.out.find("\"publication\": 1"), std::string::npos) << json.out;
}

// The console takes access away as the API does (and, with the data directory, may do what no
// user may), but keeps the last director.
TEST_F(BooksCli, TheConsoleDisablesReEnablesAndChangesUsers) {
  const std::string pass = "copper kettle meadow 2291\n";
  ASSERT_EQ(amanat({"user", "add", "--data", data(), "--name", "acc-1", "--role", "accountant"}, pass).status, 0);
  ASSERT_EQ(amanat({"user", "add", "--data", data(), "--name", "dir-1", "--role", "director"}, pass).status, 0);
  ok({"user", "disable", "--data", data(), "--name", "acc-1"});
  auto listed = ok({"user", "list", "--data", data()});
  EXPECT_NE(listed.out.find("acc-1"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("disabled"), std::string::npos) << listed.out;
  ok({"user", "enable", "--data", data(), "--name", "acc-1"});
  ok({"user", "role", "--data", data(), "--name", "acc-1", "--role", "auditor"});
  EXPECT_EQ(amanat({"user", "password", "--data", data(), "--name", "acc-1"}, "password\n").status, 1);  // too weak
  EXPECT_EQ(amanat({"user", "password", "--data", data(), "--name", "acc-1"}, "silver harbour lantern 5530\n").status, 0);
  ok({"user", "revoke-sessions", "--data", data(), "--name", "acc-1"});
  ok({"user", "reset-totp", "--data", data(), "--name", "dir-1"});
  listed = ok({"user", "list", "--data", data()});
  EXPECT_NE(listed.out.find("auditor"), std::string::npos) << listed.out;
  EXPECT_EQ(listed.out.find("disabled"), std::string::npos) << listed.out;
  EXPECT_EQ(amanat({"user", "disable", "--data", data(), "--name", "nobody"}).status, 1);
  EXPECT_EQ(amanat({"user", "disable", "--data", data(), "--name", "dir-1"}).status, 1);  // the last director
}

// Every file amanat writes in a data directory is its owner's alone (0600), every folder too
// (0700): the database and its WAL, the keys, the vault, the sealed receipts.
TEST_F(BooksCli, EveryFileOfTheDataDirectoryIsPrivate) {
  std::ofstream(path("receipt.pdf")) << "%PDF-1.4 an invented receipt";
  ok({"donation", "add", "--data", data(), "--amount", "100", "--appeal", "A-2025-007"});
  ok({"expense", "add", "--data", data(), "--by", "accountant", "--amount", "10", "--category", "lawyer", "--payee", "An invented office",
      "--appeal", "A-2025-007", "--receipt", path("receipt.pdf")});
  ASSERT_EQ(amanat({"user", "add", "--data", data(), "--name", "acc-1", "--role", "accountant"},
                   "copper kettle meadow 2291\n").status, 0);
  ASSERT_EQ(amanat({"vault", "init", "--data", data()}, "an invented vault passphrase 2025\n").status, 0);
  std::size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(data())) {
    struct stat st {};
    ASSERT_EQ(::stat(e.path().c_str(), &st), 0);
    if (e.is_directory()) {
      EXPECT_EQ(st.st_mode & 0777, 0700u) << e.path();
    } else {
      EXPECT_EQ(st.st_mode & 0777, 0600u) << e.path();
      ++files;
    }
  }
  EXPECT_GE(files, 6u);  // amanat.db, log.key, accounts.key, vault.json, the lock, the receipt
  struct stat top {};
  ASSERT_EQ(::stat(data().c_str(), &top), 0);
  EXPECT_EQ(top.st_mode & 0777, 0700u);
}

TEST_F(BooksCli, RefusalsExitOneAndChangeNothing) {
  ok({"donation", "add", "--data", data(), "--amount", "1000", "--appeal", "A-2025-007"});
  auto before = ok({"log", "checkpoint", "--data", data()}).out;
  auto over = amanat({"expense", "add", "--data", data(), "--by", "accountant", "--amount", "1000.01", "--category", "housing", "--payee", "x",
                      "--appeal", "A-2025-007"});
  EXPECT_EQ(over.status, 1);
  EXPECT_NE(over.err.find("never goes negative"), std::string::npos) << over.err;
  auto decimals = amanat({"donation", "add", "--data", data(), "--amount", "1.234", "--appeal", "A-2025-007"});
  EXPECT_EQ(decimals.status, 1);
  EXPECT_NE(decimals.err.find("--amount"), std::string::npos) << decimals.err;
  auto unknown = amanat({"donation", "add", "--data", data(), "--amount", "1", "--appeal", "A-404"});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_EQ(ok({"log", "checkpoint", "--data", data()}).out, before);
}

TEST_F(BooksCli, ExportImportAndReconcileFromTheCommandLine) {
  std::ofstream(path("st.csv")) << "Date;Amount;Currency;Ref\n01.03.2025;15 000,00;KZT;R-1\n02.03.2025;-4 000,00;KZT;R-2\n";
  const std::string map =
      "account=Kaspi-Main;date=Date;amount=Amount;currency=Currency;ref=Ref;date-format=DD.MM.YYYY;decimal=,;"
      "thousands=space;delimiter=semicolon";
  auto imp = ok({"import", path("st.csv"), "--data", data(), "--format", "csv", "--map", map});
  EXPECT_NE(imp.out.find("booked 1"), std::string::npos) << imp.out;
  auto again = ok({"import", path("st.csv"), "--data", data(), "--format", "csv", "--map", map});
  EXPECT_NE(again.out.find("booked 0"), std::string::npos) << again.out;
  auto rec = ok({"reconcile", "--data", data(), "--format", "csv"});
  EXPECT_NE(rec.out.find("bank-only,2025-03-02,Kaspi-Main,-4000.00,KZT,ref:"), std::string::npos) << rec.out;
  ok({"export", "--data", data(), "--format", "beancount", "--out", path("books.beancount")});
  ok({"export", "--data", data(), "--format", "ledger", "--out", path("books.ledger")});
  EXPECT_GT(fs::file_size(path("books.ledger")), 100u);
  auto bad = amanat({"import", path("st.csv"), "--data", data(), "--format", "csv"});
  EXPECT_EQ(bad.status, 1);  // no mapping
}

TEST_F(BooksCli, ImportsEveryStatementFormatByItsName) {
  struct Case {
    const char *file, *format, *booked;
    std::vector<std::string> extra;
  };
  const Case cases[] = {
      {"samples/mt942_interim.sta", "mt940", "booked 1", {}},
      {"samples/onec_kaspi_windows1251.txt", "1c", "booked 1", {}},
      {"samples/camt052_intraday_prefixed.xml", "camt", "booked 1", {"--rate", "CHF=550"}},
      {"samples/camt053_no_namespace.xml", "camt053", "booked 1", {"--rate", "EUR=520.5"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    std::vector<std::string> args = {"import", std::string(AMANAT_TESTDATA "/import/") + c.file, "--data", data(),
                                     "--format", c.format};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    auto imp = ok(args);
    EXPECT_NE(imp.out.find(c.booked), std::string::npos) << imp.out;
    auto again = ok(args);
    EXPECT_NE(again.out.find("booked 0"), std::string::npos) << again.out;
  }
  // camt053 refuses an account report; a mapping is only for csv.
  auto report = amanat({"import", AMANAT_TESTDATA "/import/samples/camt052_intraday_prefixed.xml", "--data", data(),
                        "--format", "camt053"});
  EXPECT_EQ(report.status, 1);
  EXPECT_NE(report.err.find("camt to read any"), std::string::npos) << report.err;
  auto map = amanat({"import", AMANAT_TESTDATA "/import/samples/mt942_interim.sta", "--data", data(), "--format",
                     "mt940", "--map", "date=Date"});
  EXPECT_EQ(map.status, 1);
}

// `amanat vault init` moves the books key into the vault: books.key is gone, a copy of the data
// directory taken now holds no usable books key, the CLI books what needs no key and refuses
// what does (with the way out in the message), and with the vault passphrase it books again.
TEST_F(BooksCli, VaultInitMovesTheBooksKeyOffTheDiskAndTheCliNeedsThePassphraseForKeyedWork) {
  const std::string pass = "an invented vault passphrase 2025";
  ok({"donation", "add", "--data", data(), "--amount", "1000", "--appeal", "A-2025-007", "--donor",
      "phone:+7 700 000 00 17"});
  ASSERT_TRUE(fs::exists(fs::path(data()) / "books.key"));
  auto init = amanat({"vault", "init", "--data", data()}, pass + "\n");
  ASSERT_EQ(init.status, 0) << init.err;
  EXPECT_FALSE(fs::exists(fs::path(data()) / "books.key"));
  EXPECT_TRUE(fs::exists(fs::path(data()) / "vault.json"));
  EXPECT_NE(init.err.find("books key is now in the vault"), std::string::npos) << init.err;
  // A second init finds the vault holding the key and changes nothing.
  auto twice = amanat({"vault", "init", "--data", data()}, pass + "\n");
  EXPECT_EQ(twice.status, 1);
  EXPECT_NE(twice.err.find("holds the books key"), std::string::npos) << twice.err;

  auto before = ok({"log", "checkpoint", "--data", data()}).out;
  auto keyed = amanat({"donation", "add", "--data", data(), "--amount", "1000", "--appeal", "A-2025-007", "--donor",
                       "phone:+7 700 000 00 18"});
  EXPECT_EQ(keyed.status, 1);
  EXPECT_NE(keyed.err.find("AMANAT_VAULT_PASSPHRASE"), std::string::npos) << keyed.err;
  auto payee = amanat({"expense", "add", "--data", data(), "--by", "accountant", "--amount", "10", "--category", "housing", "--payee",
                       "An invented landlord", "--appeal", "A-2025-007"});
  EXPECT_EQ(payee.status, 1);
  EXPECT_EQ(ok({"log", "checkpoint", "--data", data()}).out, before);  // nothing was booked
  ok({"donation", "add", "--data", data(), "--amount", "500", "--appeal", "A-2025-007"});  // needs no key
  ok({"report", "--data", data()});

  auto with_env = [&](std::vector<std::string> args, const std::string& p) {
    args.insert(args.begin(), {"/usr/bin/env", "AMANAT_VAULT_PASSPHRASE=" + p, AMANAT_BINARY});
    return run(args);
  };
  auto wrong = with_env({"donation", "add", "--data", data(), "--amount", "1000", "--appeal", "A-2025-007", "--donor",
                         "phone:+7 700 000 00 18"},
                        "not the passphrase at all");
  EXPECT_EQ(wrong.status, 1);
  auto right = with_env({"donation", "add", "--data", data(), "--amount", "1000", "--appeal", "A-2025-007", "--donor",
                         "phone:+7 700 000 00 17"},
                        pass);
  EXPECT_EQ(right.status, 0) << right.err;
  auto expense = with_env({"expense", "add", "--data", data(), "--by", "accountant", "--amount", "10", "--category", "housing", "--payee",
                           "An invented landlord", "--appeal", "A-2025-007"},
                          pass);
  EXPECT_EQ(expense.status, 0) << expense.err;
  // The same donor as before the move: the pseudonym key is the same key, so the report counts
  // one unique donor for the two keyed gifts.
  auto report = ok({"report", "--data", data(), "--appeal", "A-2025-007", "--format", "json"});
  EXPECT_NE(report.out.find("\"donors\": 1,"), std::string::npos) << report.out;
}

TEST_F(BooksCli, EveryBooksCommandHasHelpAndUsageErrorsExitTwo) {
  for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
           {"books", "init"}, {"books", "retag-references"}, {"appeal", "open"}, {"appeal", "update"}, {"appeal", "close"}, {"appeal", "reopen"},
           {"donation", "add"}, {"donation", "proof"}, {"donation", "verify"}, {"expense", "add"},
           {"expense", "approve"}, {"expense", "confirm"}, {"expense", "receipt"}, {"transfer"}, {"correct"},
           {"report"}, {"export"}, {"import"}, {"reconcile"}, {"audit"}, {"demo"},
           {"file", "reveal"}, {"file", "proof"}, {"file", "verify"}, {"trail", "verify"}}) {
    auto help = cmd;
    help.push_back("--help");
    auto h = amanat(help);
    EXPECT_EQ(h.status, 0) << cmd[0];
    EXPECT_NE(h.out.find("--"), std::string::npos) << cmd[0];
    auto usage = amanat(cmd);  // required options missing
    EXPECT_EQ(usage.status, 2) << cmd[0] << (cmd.size() > 1 ? " " + cmd[1] : "");
  }
}

// amanat serve: the API and the log over HTTP from one process, a user made by `user add`,
// the audit over HTTP, and a graceful stop on SIGTERM (exit 0) with handlers on the worker pool.
TEST_F(BooksCli, ServeAnswersTheApiAndTheLogAndStopsGracefullyOnSigterm) {
  ok({"donation", "add", "--data", data(), "--amount", "5000", "--appeal", "A-2025-007", "--date", "2025-01-11",
      "--confirm-date"});
  auto u = amanat({"user", "add", "--data", data(), "--name", "acc-1", "--role", "accountant"},
                  "copper kettle meadow 2291\n");
  ASSERT_EQ(u.status, 0) << u.err;
  EXPECT_EQ(amanat({"user", "add", "--data", data(), "--name", "acc-2", "--role", "accountant"}, "password\n").status, 1);
  std::string port = std::to_string(20000 + (::getpid() + 7) % 20000);
  testing::Child server = testing::spawn(
      {AMANAT_BINARY, "serve", "--data", data(), "--org", "demo", "--listen", "127.0.0.1:" + port, "--workers", "8"});
  ASSERT_GT(server.pid, 0);
  RunResult audit;
  for (int i = 0; i < 50; ++i) {
    audit = amanat({"audit", "--log", "http://127.0.0.1:" + port + "/log/demo/", "--vkey", vkey_});
    if (audit.status == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(audit.status, 0) << audit.err;
  EXPECT_NE(audit.out.find("A-2025-007"), std::string::npos) << audit.out;
  ::kill(server.pid, SIGTERM);
  EXPECT_EQ(testing::wait_child(server), 0);
}

// A receipt goes on the log as a salted commitment, never its SHA-256. To prove it to a court,
// the organisation reveals the file's salt and gives the proof of a record that commits to it;
// anyone with the log's key then checks the proof and recomputes the commitment from the file
// and the salt. A wrong salt, or another file, does not pass.
// A bank reference an older version stored in the clear is replaced by its keyed tag, the same
// one a new booking gets, and no file of the data directory holds the old text afterwards.
TEST_F(BooksCli, BankReferencesStoredInTheClearByAnOlderVersionAreReTagged) {
  const std::string canary = "KZ-Invented-Ref-Canary-91";
  ok({"donation", "add", "--data", data(), "--amount", "100", "--appeal", "A-2025-007", "--bank-ref", canary});
  ok({"expense", "add", "--data", data(), "--amount", "10", "--category", "lawyer", "--payee", "An invented office",
      "--appeal", "A-2025-007", "--by", "accountant", "--bank-ref", canary + "-out"});
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((root_ / "d" / "amanat.db").c_str(), &db), SQLITE_OK);
  auto column = [&](const std::string& sql) {
    std::string out;
    sqlite3_exec(db, sql.c_str(), [](void* o, int, char** v, char**) {
      *static_cast<std::string*>(o) += std::string(v[0] ? v[0] : "") + ";";
      return 0;
    }, &out, nullptr);
    return out;
  };
  const std::string tags = column("SELECT bank_ref FROM donations UNION ALL SELECT bank_ref FROM expenses");
  ASSERT_EQ(tags.size(), 2 * 37u) << tags;  // "ref:" and 32 hex digits, twice
  // As an older version left them: the references themselves.
  ASSERT_EQ(sqlite3_exec(db, ("UPDATE donations SET bank_ref = '" + canary + "'; UPDATE expenses SET bank_ref = '" +
                              canary + "-out'").c_str(), nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto r = ok({"books", "retag-references", "--data", data()});
  EXPECT_NE(r.out.find("re-tagged 2 "), std::string::npos) << r.out;
  ASSERT_EQ(sqlite3_open((root_ / "d" / "amanat.db").c_str(), &db), SQLITE_OK);
  EXPECT_EQ(column("SELECT bank_ref FROM donations UNION ALL SELECT bank_ref FROM expenses"), tags);
  sqlite3_close(db);
  for (const auto& f : fs::recursive_directory_iterator(data())) {
    if (!f.is_regular_file()) continue;
    std::ifstream in(f.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(bytes.find(canary), std::string::npos) << f.path();
  }
  EXPECT_NE(ok({"books", "retag-references", "--data", data()}).out.find("re-tagged 0 "), std::string::npos);
}

// What the console hands out of the server's care is in the access trail, as "console": an
// export of the books, a backup, a file's secret salt; the trail stays intact.
TEST_F(BooksCli, ExportsBackupsAndRevealedSaltsAreInTheAccessTrail) {
  std::ofstream(path("invoice.pdf")) << "%PDF-1.4 an invented invoice";
  ok({"expense", "add", "--data", data(), "--amount", "10", "--category", "lawyer", "--payee", "An invented office",
      "--receipt", path("invoice.pdf"), "--by", "accountant"});
  ok({"export", "--data", data(), "--format", "ledger", "--out", path("books.ledger")});
  ok({"file", "reveal", "--data", data(), "--file", path("invoice.pdf")});
  auto b = amanat({"backup", "--data", data(), "--out", path("all.backup"), "--passphrase-file", "-"},
                  "an invented backup passphrase 2025\n");
  ASSERT_EQ(b.status, 0) << b.err;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((root_ / "d" / "amanat.db").c_str(), &db), SQLITE_OK);
  std::vector<std::string> rows;
  auto each = [](void* out, int, char** v, char**) {
    static_cast<std::vector<std::string>*>(out)->push_back(std::string(v[0]) + " " + v[1] + " " + v[2]);
    return 0;
  };
  ASSERT_EQ(sqlite3_exec(db, "SELECT action, target, outcome FROM access_trail WHERE actor = 'console' ORDER BY seq",
                         each, &rows, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  const std::string file = to_hex(sha256(std::string("%PDF-1.4 an invented invoice"))).substr(0, 16);
  EXPECT_EQ(rows, (std::vector<std::string>{"export books:ledger ok", "reveal-file file:" + file + " ok",
                                            "backup data-directory ok"}));
  auto v = ok({"trail", "verify", "--data", data()});
  EXPECT_NE(v.out.find("intact: 3 rows"), std::string::npos) << v.out;
}

TEST_F(BooksCli, AReceiptIsProvedToACourtByRevealingItsSaltWhileTheLogHidesItsHash) {
  const std::string invoice = "%PDF-1.4 an invented invoice for legal help, case C-17";
  std::ofstream(path("invoice.pdf")) << invoice;
  std::ofstream(path("other.pdf")) << invoice << " (another copy)";
  const std::string sha = to_hex(sha256(invoice));
  auto e = ok({"expense", "add", "--data", data(), "--amount", "1000", "--category", "lawyer", "--payee",
               "An invented law office", "--receipt", path("invoice.pdf"), "--by", "accountant", "--date", "2025-01-12",
               "--confirm-date"});
  const std::string record = e.out.substr(0, e.out.find('\n'));
  auto proof = ok({"file", "proof", "--data", data(), "--record", record});
  std::ofstream(path("invoice.tlog-proof")) << proof.out;
  auto extra = proof.out.find("extra ");  // the proven record's leaf, in base64
  ASSERT_NE(extra, std::string::npos) << proof.out;
  auto raw = from_base64(proof.out.substr(extra + 6, proof.out.find('\n', extra) - extra - 6));
  ASSERT_TRUE(raw);
  const std::string leaf(raw->begin(), raw->end());
  EXPECT_EQ(leaf.find(sha), std::string::npos) << "the log carries the file's SHA-256: " << leaf;
  EXPECT_NE(leaf.find("\"receipt_commitments\":[\""), std::string::npos) << leaf;

  auto reveal = ok({"file", "reveal", "--data", data(), "--file", path("invoice.pdf")});
  auto line = [&](const std::string& name) {
    auto p = reveal.out.find(name + " ");
    if (p == std::string::npos) return std::string();
    p = reveal.out.find_first_not_of(' ', p + name.size());
    return reveal.out.substr(p, reveal.out.find('\n', p) - p);
  };
  EXPECT_EQ(line("sha256"), sha);
  const std::string salt = line("salt"), commitment = line("commitment");
  ASSERT_EQ(salt.size(), 64u) << reveal.out;
  EXPECT_NE(leaf.find("\"receipt_commitments\":[\"" + commitment + "\"]"), std::string::npos) << reveal.out;
  EXPECT_EQ(line("record"), record + " expense: its salted commitment");
  EXPECT_EQ(ok({"file", "reveal", "--data", data(), "--sha256", sha}).out, reveal.out);

  auto verify = [&](const std::string& file, const std::string& with_salt) {
    std::vector<std::string> args = {"file", "verify", "--vkey", vkey_, "--file", file, "--proof", path("invoice.tlog-proof")};
    if (!with_salt.empty()) args.insert(args.end(), {"--salt", with_salt});
    return amanat(args);
  };
  auto good = verify(path("invoice.pdf"), salt);
  EXPECT_EQ(good.status, 0) << good.err;
  EXPECT_NE(good.out.find("OK record " + record + " "), std::string::npos) << good.out;
  EXPECT_EQ(verify(path("invoice.pdf"), std::string(64, '0')).status, 1);
  EXPECT_EQ(verify(path("other.pdf"), salt).status, 1);
  auto unsalted = verify(path("invoice.pdf"), "");
  EXPECT_EQ(unsalted.status, 1);
  EXPECT_NE(unsalted.err.find("--salt"), std::string::npos) << unsalted.err;
  EXPECT_EQ(verify(path("invoice.pdf"), "not hex").status, 1);
  EXPECT_EQ(amanat({"file", "reveal", "--data", data(), "--sha256", std::string(64, 'f')}).status, 1);  // not stored
  EXPECT_EQ(amanat({"file", "reveal", "--data", data()}).status, 1);  // neither --file nor --sha256
}

// The server anchors the access trail on its log at start and when it stops, so the rows
// written while it ran (here by `amanat user add` beside it) are pinned. `amanat trail verify`
// checks the trail against the data directory's log, or against a copy of the public log
// verified with the log's key; both find the last row gone once an intruder deletes it.
TEST_F(BooksCli, TheServerAnchorsTheTrailWhenItStopsAndTrailVerifyFindsRowsRemovedAfterward) {
  const std::string password = "copper kettle meadow 2291\n";
  ASSERT_EQ(amanat({"user", "add", "--data", data(), "--name", "acc-1", "--role", "accountant"}, password).status, 0);
  std::string port = std::to_string(20000 + (::getpid() + 11) % 20000);
  testing::Child server = testing::spawn(
      {AMANAT_BINARY, "serve", "--data", data(), "--org", "demo", "--listen", "127.0.0.1:" + port, "--workers", "4"});
  ASSERT_GT(server.pid, 0);
  RunResult v;
  for (int i = 0; i < 100; ++i) {  // the anchor it makes at start
    v = amanat({"trail", "verify", "--data", data()});
    if (v.out.find("anchored through row 1 ") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(v.out.find("anchored through row 1 "), std::string::npos) << v.out << v.err;
  ASSERT_EQ(amanat({"user", "add", "--data", data(), "--name", "acc-2", "--role", "accountant"}, password).status, 0);
  ::kill(server.pid, SIGTERM);
  ASSERT_EQ(testing::wait_child(server), 0);

  // Against the data directory's own log, and against the log read as a mirror and verified.
  const std::vector<std::vector<std::string>> sources = {{}, {"--log", data(), "--vkey", vkey_}};
  auto verify = [&](const std::vector<std::string>& from) {
    std::vector<std::string> cmd = {"trail", "verify", "--data", data()};
    cmd.insert(cmd.end(), from.begin(), from.end());
    return amanat(cmd);
  };
  for (const auto& from : sources) {
    auto ok = verify(from);
    EXPECT_EQ(ok.status, 0) << ok.err;
    EXPECT_NE(ok.out.find("intact: 2 rows"), std::string::npos) << ok.out;
    EXPECT_NE(ok.out.find("anchored through row 2 "), std::string::npos) << ok.out;
  }

  sqlite3* db = nullptr;  // an intruder with the disk deletes the last row
  ASSERT_EQ(sqlite3_open((root_ / "d" / "amanat.db").c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, "DELETE FROM access_trail WHERE seq = 2", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  for (const auto& from : sources) {
    auto bad = verify(from);
    EXPECT_EQ(bad.status, 1) << bad.out;
    EXPECT_NE(bad.err.find("NOT intact"), std::string::npos) << bad.err;
    EXPECT_NE(bad.err.find("removed from its end"), std::string::npos) << bad.err;
  }
  EXPECT_EQ(amanat({"trail", "verify", "--data", data(), "--log", data()}).status, 2);  // --log needs --vkey
}

}  // namespace
}  // namespace amanat
