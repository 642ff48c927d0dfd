// End-to-end tests of `amanat init` and `amanat log ...`, running the real binary.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "store/static_dir.h"
#include "tests/subprocess.h"

namespace amanat {
namespace {

namespace fs = std::filesystem;
using testing::run;
using testing::RunResult;

class LogCli : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("amanat-cli-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  RunResult amanat(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), AMANAT_BINARY);
    return run(args, input);
  }
  std::string path(const std::string& p) const { return (root_ / p).string(); }
  // Creates a data directory and returns its verifier key.
  std::string init(const std::string& name, const std::string& origin) {
    auto r = amanat({"init", "--log-only", "--data", path(name), "--origin", origin});
    EXPECT_EQ(r.status, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  }
  std::string witness_vkey(const RunResult& init_result) {
    auto pos = init_result.err.find("witness verifier key");
    auto colon = init_result.err.find(": ", pos);
    return init_result.err.substr(colon + 2, init_result.err.find('\n', colon) - colon - 2);
  }
  void append_lines(const std::string& data, int from, int to) {
    std::string in;
    for (int i = from; i < to; ++i) in += "entry " + std::to_string(i) + "\n";
    auto r = amanat({"log", "append", "--data", path(data)}, in);
    ASSERT_EQ(r.status, 0) << r.err;
  }
  void write(const std::string& p, const std::string& content) {
    std::ofstream(path(p), std::ios::binary) << content;
  }

  fs::path root_;
};

TEST_F(LogCli, InitPrintsVerifierKeyAndWritesPrivateKeyWithMode0600) {
  auto r = amanat({"init", "--log-only", "--data", path("d"), "--origin", "example.org/log"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("example.org/log+")) << r.out;
  struct stat st;
  ASSERT_EQ(::stat(path("d/log.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto cp = amanat({"log", "checkpoint", "--data", path("d")});
  ASSERT_EQ(cp.status, 0);
  EXPECT_TRUE(cp.out.starts_with("example.org/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n"))
      << cp.out;
}

TEST_F(LogCli, InitRefusesToOverwriteAnExistingKey) {
  init("d", "example.org/log");
  std::string before = *store::read_file(path("d/log.key"));
  auto r = amanat({"init", "--log-only", "--data", path("d"), "--origin", "example.org/other"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("refusing to overwrite"), std::string::npos) << r.err;
  EXPECT_EQ(*store::read_file(path("d/log.key")), before);
}

TEST_F(LogCli, InitRefusesAnInvalidOrigin) {
  auto r = amanat({"init", "--log-only", "--data", path("d"), "--origin", "has space"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("--origin"), std::string::npos);
  EXPECT_FALSE(fs::exists(path("d/log.key")));
}

TEST_F(LogCli, UsageErrorsExitWithStatus2) {
  EXPECT_EQ(amanat({}).status, 2);
  EXPECT_EQ(amanat({"nonsense"}).status, 2);
  EXPECT_EQ(amanat({"log", "append"}).status, 2);             // --data missing
  EXPECT_EQ(amanat({"log", "prove", "--data", "x"}).status, 2);  // --index missing
  EXPECT_EQ(amanat({"log", "prove", "--data", "x", "--index", "minus"}).status, 2);
}

TEST_F(LogCli, EverySubcommandHasHelp) {
  for (auto args : std::vector<std::vector<std::string>>{
           {"--help"}, {"init", "--help"}, {"log", "--help"}, {"log", "append", "--help"},
           {"log", "checkpoint", "--help"}, {"log", "prove", "--help"}, {"log", "export", "--help"},
           {"log", "serve", "--help"}, {"log", "verify", "--help"}, {"log", "verify-proof", "--help"},
           {"log", "cosign", "--help"}, {"log", "add-cosignature", "--help"}}) {
    auto r = amanat(args);
    EXPECT_EQ(r.status, 0) << args.front();
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << args.front();
  }
}

TEST_F(LogCli, AppendPrintsEachIndexAndAcceptsEmptyAndMaximalEntries) {
  init("d", "example.org/log");
  std::string big(65535, 'x');
  auto r = amanat({"log", "append", "--data", path("d")}, "first\n\n" + big + "\nlast-without-newline");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "0\n1\n2\n3\n");
  auto again = amanat({"log", "append", "--data", path("d")}, "more\n");
  EXPECT_EQ(again.out, "4\n");
}

TEST_F(LogCli, AppendFromAFileRefusesAnOversizedLineAndAppendsNothing) {
  init("d", "example.org/log");
  write("in.txt", "ok\n" + std::string(65536, 'y') + "\nnever\n");
  auto r = amanat({"log", "append", "--data", path("d"), path("in.txt")});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("line 2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("65535"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  auto cp = amanat({"log", "checkpoint", "--data", path("d")});
  EXPECT_NE(cp.out.find("\n0\n"), std::string::npos) << cp.out;
}

TEST_F(LogCli, AppendFromAPipeStopsAtAnOversizedLine) {
  init("d", "example.org/log");
  auto r = amanat({"log", "append", "--data", path("d")}, "ok\n" + std::string(70000, 'y') + "\nnever\n");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "0\n");
  EXPECT_NE(r.err.find("line 2"), std::string::npos) << r.err;
}

TEST_F(LogCli, ProofsVerifyOfflineAndFailForAnotherEntry) {
  std::string vkey = init("d", "example.org/log");
  append_lines("d", 0, 300);
  auto proof = amanat({"log", "prove", "--data", path("d"), "--index", "123"});
  ASSERT_EQ(proof.status, 0) << proof.err;
  EXPECT_TRUE(proof.out.starts_with("c2sp.org/tlog-proof@v1\nindex 123\n"));
  write("proof", proof.out);
  write("entry", "entry 123");
  write("wrong", "entry 124");
  auto ok = amanat({"log", "verify-proof", "--vkey", vkey, "--proof", path("proof"), "--entry", path("entry")});
  EXPECT_EQ(ok.status, 0) << ok.err;
  auto bad = amanat({"log", "verify-proof", "--vkey", vkey, "--proof", path("proof"), "--entry", path("wrong")});
  EXPECT_EQ(bad.status, 1);
  auto out_of_range = amanat({"log", "prove", "--data", path("d"), "--index", "300"});
  EXPECT_EQ(out_of_range.status, 1);
  EXPECT_NE(out_of_range.err.find("--index 300"), std::string::npos);
}

TEST_F(LogCli, ProofAgainstAnEarlierCheckpointSize) {
  std::string vkey = init("d", "example.org/log");
  append_lines("d", 0, 10);
  append_lines("d", 10, 20);
  auto proof = amanat({"log", "prove", "--data", path("d"), "--index", "3", "--size", "10"});
  ASSERT_EQ(proof.status, 0) << proof.err;
  EXPECT_NE(proof.out.find("\nexample.org/log\n10\n"), std::string::npos);
  // Checkpoints exist only where a batch ended; sizes in between are refused with a reason.
  for (int s = 11; s < 20; ++s) {
    auto r = amanat({"log", "prove", "--data", path("d"), "--index", "3", "--size", std::to_string(s)});
    if (r.status != 0) {
      EXPECT_EQ(r.status, 1);
      EXPECT_NE(r.err.find("no checkpoint"), std::string::npos) << r.err;
    }
  }
  auto beyond = amanat({"log", "prove", "--data", path("d"), "--index", "3", "--size", "21"});
  EXPECT_EQ(beyond.status, 1);
  EXPECT_NE(beyond.err.find("beyond"), std::string::npos) << beyond.err;
}

TEST_F(LogCli, ExportIsIncrementalAndTheMirrorVerifies) {
  std::string vkey = init("d", "example.org/log");
  append_lines("d", 0, 600);
  auto e1 = amanat({"log", "export", "--data", path("d"), "--out", path("m")});
  ASSERT_EQ(e1.status, 0) << e1.err;
  EXPECT_TRUE(fs::exists(path("m/tile/0/000")));
  EXPECT_TRUE(fs::exists(path("m/tile/0/002.p/88")));
  EXPECT_TRUE(fs::exists(path("m/tile/entries/002.p/88")));
  EXPECT_TRUE(fs::exists(path("m/tile/1/000.p/2")));
  write("old-checkpoint", *store::read_file(path("m/checkpoint")));
  append_lines("d", 600, 800);
  auto e2 = amanat({"log", "export", "--data", path("d"), "--out", path("m")});
  ASSERT_EQ(e2.status, 0) << e2.err;
  EXPECT_NE(e2.err.find("already there"), std::string::npos);
  EXPECT_TRUE(fs::exists(path("m/tile/0/002")));
  EXPECT_FALSE(fs::exists(path("m/tile/0/002.p"))) << "superseded partial tiles are removed";
  auto v = amanat({"log", "verify", "--log", path("m"), "--vkey", vkey, "--old", path("old-checkpoint")});
  EXPECT_EQ(v.status, 0) << v.err;
  EXPECT_NE(v.out.find("800 entries"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("consistent with the old checkpoint of size 600"), std::string::npos) << v.out;
}

TEST_F(LogCli, ExportRefusesAMirrorOfAnotherLog) {
  init("a", "example.org/a");
  init("b", "example.org/b");
  ASSERT_EQ(amanat({"log", "export", "--data", path("a"), "--out", path("m")}).status, 0);
  auto r = amanat({"log", "export", "--data", path("b"), "--out", path("m")});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("mirrors the log example.org/a"), std::string::npos) << r.err;
}

TEST_F(LogCli, ExportRefusesToPublishADivergedHistoryOverItsMirror) {
  init("d", "example.org/log");
  append_lines("d", 0, 10);
  fs::copy(path("d"), path("restored"), fs::copy_options::recursive);  // an older backup
  append_lines("d", 10, 300);
  ASSERT_EQ(amanat({"log", "export", "--data", path("d"), "--out", path("m")}).status, 0);
  append_lines("restored", 5000, 5400);  // appended to after a restore: a fork
  std::string before = *store::read_file(path("m/checkpoint"));
  auto r = amanat({"log", "export", "--data", path("restored"), "--out", path("m")});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("diverged"), std::string::npos) << r.err;
  EXPECT_EQ(*store::read_file(path("m/checkpoint")), before);
}

TEST_F(LogCli, VerifyRefusesAMirrorFileThatIsNotARegularFile) {
  std::string vkey = init("d", "example.org/log");
  append_lines("d", 0, 300);
  ASSERT_EQ(amanat({"log", "export", "--data", path("d"), "--out", path("m")}).status, 0);
  fs::remove(path("m/tile/0/000"));
  fs::create_symlink("/dev/zero", path("m/tile/0/000"));
  auto r = amanat({"log", "verify", "--log", path("m"), "--vkey", vkey});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("not a regular file"), std::string::npos) << r.err;
}

TEST_F(LogCli, VerifyNamesTheTileAndIndexOfATamperedHash) {
  std::string vkey = init("d", "example.org/log");
  append_lines("d", 0, 300);
  ASSERT_EQ(amanat({"log", "export", "--data", path("d"), "--out", path("m")}).status, 0);
  std::string tile = *store::read_file(path("m/tile/0/000"));
  tile[32 * 7 + 3] ^= 1;
  write("m/tile/0/000", tile);
  auto r = amanat({"log", "verify", "--log", path("m"), "--vkey", vkey});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("tile/0/000"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hash 7"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("entry 7"), std::string::npos) << r.err;
}

TEST_F(LogCli, VerifyDetectsARewrittenEntry) {
  std::string vkey = init("d", "example.org/log");
  append_lines("d", 0, 300);
  ASSERT_EQ(amanat({"log", "export", "--data", path("d"), "--out", path("m")}).status, 0);
  std::string bundle = *store::read_file(path("m/tile/entries/001.p/44"));
  auto pos = bundle.find("entry 260");
  ASSERT_NE(pos, std::string::npos);
  bundle[pos + 8] = '9';  // "entry 290": a rewritten record
  write("m/tile/entries/001.p/44", bundle);
  auto r = amanat({"log", "verify", "--log", path("m"), "--vkey", vkey});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("entry 260"), std::string::npos) << r.err;
}

TEST_F(LogCli, VerifyRejectsAForkAgainstAnOldCheckpoint) {
  std::string vkey = init("d", "example.org/log");
  append_lines("d", 0, 50);
  fs::copy(path("d"), path("fork"), fs::copy_options::recursive);
  append_lines("d", 50, 100);
  // The fork has the same key but another history after entry 50.
  auto r = amanat({"log", "append", "--data", path("fork")}, "a different entry\n");
  ASSERT_EQ(r.status, 0);
  write("fork-checkpoint", amanat({"log", "checkpoint", "--data", path("fork")}).out);
  auto v = amanat({"log", "verify", "--log", path("d"), "--vkey", vkey, "--old", path("fork-checkpoint")});
  EXPECT_EQ(v.status, 1);
  EXPECT_NE(v.err.find("not an extension"), std::string::npos) << v.err;
}

TEST_F(LogCli, VerifyRejectsTheWrongKey) {
  init("d", "example.org/log");
  std::string other = init("e", "example.org/log");
  auto v = amanat({"log", "verify", "--log", path("d"), "--vkey", other});
  EXPECT_EQ(v.status, 1);
  auto bad = amanat({"log", "verify", "--log", path("d"), "--vkey", "not-a-key"});
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("--vkey"), std::string::npos);
}

TEST_F(LogCli, PartnerCosignsAndVerifierChecksTheCosignatureButAForkIsNeverCosigned) {
  std::string a_vkey = init("a", "example.org/a");
  auto b_init = amanat({"init", "--log-only", "--data", path("b"), "--origin", "example.org/b"});
  ASSERT_EQ(b_init.status, 0);
  std::string b_witness = witness_vkey(b_init);
  ASSERT_TRUE(b_witness.starts_with("example.org/b/witness+")) << b_witness;

  append_lines("a", 0, 40);
  auto c1 = amanat({"log", "cosign", "--data", path("b"), "--log", path("a"), "--vkey", a_vkey});
  ASSERT_EQ(c1.status, 0) << c1.err;
  EXPECT_TRUE(c1.out.starts_with("\xE2\x80\x94 example.org/b/witness ")) << c1.out;
  write("cosig.txt", c1.out);  // the documented form: the lines in a file after --witness
  auto add = amanat({"log", "add-cosignature", "--data", path("a"), "--witness", b_witness, path("cosig.txt")});
  ASSERT_EQ(add.status, 0) << add.err;
  ASSERT_EQ(amanat({"log", "export", "--data", path("a"), "--out", path("am")}).status, 0);
  auto v = amanat({"log", "verify", "--log", path("am"), "--vkey", a_vkey, "--witness", b_witness});
  EXPECT_EQ(v.status, 0) << v.err;
  EXPECT_NE(v.out.find("cosigned by example.org/b/witness"), std::string::npos);

  // A witness that has not cosigned is reported.
  auto c_init = amanat({"init", "--log-only", "--data", path("c"), "--origin", "example.org/c"});
  auto v2 = amanat({"log", "verify", "--log", path("am"), "--vkey", a_vkey, "--witness", witness_vkey(c_init)});
  EXPECT_EQ(v2.status, 1);
  EXPECT_NE(v2.err.find("example.org/c/witness"), std::string::npos) << v2.err;

  // The log grows consistently: cosigned again.
  fs::copy(path("a"), path("a-fork"), fs::copy_options::recursive);
  fs::copy(path("a"), path("a-old"), fs::copy_options::recursive);
  append_lines("a", 40, 90);
  auto c2 = amanat({"log", "cosign", "--data", path("b"), "--log", path("a"), "--vkey", a_vkey});
  EXPECT_EQ(c2.status, 0) << c2.err;
  // The fork shows another history beyond 40 entries: refused, and the state does not move.
  append_lines("a-fork", 1000, 1100);
  auto c3 = amanat({"log", "cosign", "--data", path("b"), "--log", path("a-fork"), "--vkey", a_vkey});
  EXPECT_EQ(c3.status, 1);
  EXPECT_NE(c3.err.find("fork"), std::string::npos) << c3.err;
  EXPECT_EQ(c3.out, "");
  // An older view of the log (size 40 after we cosigned 90) is a rollback: refused.
  auto c4 = amanat({"log", "cosign", "--data", path("b"), "--log", path("a-old"), "--vkey", a_vkey});
  EXPECT_EQ(c4.status, 1);
  EXPECT_NE(c4.err.find("rolled back"), std::string::npos) << c4.err;
  // The genuine log at the same size is cosigned again.
  auto c5 = amanat({"log", "cosign", "--data", path("b"), "--log", path("a"), "--vkey", a_vkey});
  EXPECT_EQ(c5.status, 0) << c5.err;
}

TEST_F(LogCli, AddCosignatureRefusesALineThatIsNotAValidCosignature) {
  init("a", "example.org/a");
  auto b_init = amanat({"init", "--log-only", "--data", path("b"), "--origin", "example.org/b"});
  std::string line = "\xE2\x80\x94 example.org/b/witness AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";
  auto r = amanat({"log", "add-cosignature", "--data", path("a"), "--witness", witness_vkey(b_init)}, line);
  EXPECT_EQ(r.status, 1);
}

TEST_F(LogCli, ServeServesTheLogAndStopsOnSigterm) {
  std::string vkey = init("d", "example.org/log");
  append_lines("d", 0, 300);
  // Find a free port by binding port 0 through the server itself is not possible from here;
  // pick one from the pid to avoid clashes between concurrent test runs.
  std::string port = std::to_string(20000 + ::getpid() % 20000);
  testing::Child server = testing::spawn(
      {AMANAT_BINARY, "log", "serve", "--data", path("d"), "--listen", "127.0.0.1:" + port});
  ASSERT_GT(server.pid, 0);
  RunResult v;
  for (int i = 0; i < 50; ++i) {
    v = amanat({"log", "verify", "--log", "http://127.0.0.1:" + port, "--vkey", vkey});
    if (v.status == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(v.status, 0) << v.err;
  EXPECT_NE(v.out.find("300 entries"), std::string::npos) << v.out;
  ::kill(server.pid, SIGTERM);
  EXPECT_EQ(testing::wait_child(server), 0);
}

}  // namespace
}  // namespace amanat
