// The books' keyring: a sealed keyring refuses every keyed operation with Errc::sealed, copies
// share one key state (so the vault's unseal reaches every component), forget() seals them all,
// and the key files are kind-checked, private and never overwritten.
#include "crypto/keyring.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <thread>

namespace amanat::crypto {
namespace {

namespace fs = std::filesystem;

MasterKey master_of(std::uint8_t seed) {
  MasterKey m{};
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = static_cast<std::uint8_t>(seed + i);
  return m;
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("amanat-keyring-" + std::to_string(::getpid()) + "-" +
                                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

TEST(Keyring, ASealedKeyringRefusesEveryKeyedOperationWithSealed) {
  Keyring k = Keyring::sealed();
  EXPECT_TRUE(k.is_sealed());
  for (auto code : {k.pseudonym("phone:77010000000").error().code, k.seal("payee", "ad").error().code,
                    k.open(Bytes(60, 1), "ad").error().code, k.ready().error().code})
    EXPECT_EQ(code, Errc::sealed);
  EXPECT_NE(k.ready().error().message.find("unseal"), std::string::npos);
}

TEST(Keyring, CopiesShareTheKeyStateSoOneInstallUnsealsThemAll) {
  Keyring service = Keyring::sealed();
  Keyring vault_side = service;  // as the server hands the keyring to the vault
  vault_side.install(master_of(9));
  ASSERT_FALSE(service.is_sealed());
  auto p = service.pseudonym("phone:77010000000");
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, *Keyring::from_master(master_of(9)).pseudonym("phone:77010000000"));
  auto sealed = service.seal("An invented law office", "expenses:payee:1");
  ASSERT_TRUE(sealed);
  vault_side.forget();
  EXPECT_TRUE(service.is_sealed());
  EXPECT_EQ(service.open(*sealed, "expenses:payee:1").error().code, Errc::sealed);
  vault_side.install(master_of(9));
  EXPECT_EQ(*service.open(*sealed, "expenses:payee:1"), "An invented law office");
  // Another master key derives other keys: nothing opens, pseudonyms differ.
  service.install(master_of(10));
  EXPECT_EQ(service.open(*sealed, "expenses:payee:1").error().code, Errc::corrupt);
  EXPECT_NE(*service.pseudonym("phone:77010000000"), *p);
}

TEST(Keyring, SealedFieldsOpenOnlyWithTheirAdditionalData) {
  Keyring k = Keyring::from_master(master_of(1));
  auto s = k.seal("An invented pharmacy", "row:1");
  ASSERT_TRUE(s);
  EXPECT_EQ(*k.open(*s, "row:1"), "An invented pharmacy");
  EXPECT_EQ(k.open(*s, "row:2").error().code, Errc::corrupt);
  Bytes cut(s->begin(), s->begin() + 20);
  EXPECT_EQ(k.open(cut, "row:1").error().code, Errc::corrupt);
}

TEST(Keyring, KeyFilesArePrivateKindCheckedAndNeverOverwritten) {
  TempDir d;
  fs::path books = d.path / "books.key", accounts = d.path / "accounts.key";
  auto made = Keyring::create(books);
  ASSERT_TRUE(made);
  struct stat st;
  ASSERT_EQ(::stat(books.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(Keyring::create(books).error().code, Errc::conflict);
  auto loaded = Keyring::load(books);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(*loaded->pseudonym("x"), *made->pseudonym("x"));
  // A books key is not an accounts key, and the reverse.
  EXPECT_EQ(Keyring::load(books, "accounts").error().code, Errc::corrupt);
  auto acc = Keyring::load_or_create(accounts, "accounts");
  ASSERT_TRUE(acc);
  EXPECT_EQ(Keyring::load(accounts).error().code, Errc::corrupt);
  auto again = Keyring::load_or_create(accounts, "accounts");  // loads, does not replace
  ASSERT_TRUE(again);
  EXPECT_EQ(*again->pseudonym("x"), *acc->pseudonym("x"));
  // read_master gives the key that load() derives from.
  auto m = Keyring::read_master(books);
  ASSERT_TRUE(m);
  EXPECT_EQ(*Keyring::from_master(*m).pseudonym("x"), *made->pseudonym("x"));
  // Readable by others: refused with the fix in the message.
  ::chmod(books.c_str(), 0644);
  auto open = Keyring::load(books);
  ASSERT_FALSE(open);
  EXPECT_EQ(open.error().code, Errc::forbidden);
  EXPECT_NE(open.error().message.find("chmod 600"), std::string::npos);
  EXPECT_EQ(Keyring::load(d.path / "missing.key").error().code, Errc::not_found);
}

TEST(Keyring, ManyThreadsUseItWhileAnotherSealsAndUnseals) {
  Keyring k = Keyring::from_master(master_of(4));
  const std::string expected = *k.pseudonym("phone:77010000000");
  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t)
    readers.emplace_back([&] {
      while (!stop) {
        auto p = k.pseudonym("phone:77010000000");
        if (p ? *p != expected : p.error().code != Errc::sealed) ++wrong;
      }
    });
  for (int i = 0; i < 2000; ++i) {
    k.forget();
    k.install(master_of(4));
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(wrong, 0);
}

}  // namespace
}  // namespace amanat::crypto
