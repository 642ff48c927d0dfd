// Identities as a domain module over the organisation's stores: units of work that span
// modules commit together or not at all, with or without a log entry.
#include "identity/identities.h"

#include <gtest/gtest.h>

#include <fstream>

#include "books/testing.h"
#include "core/reasons.h"
#include "crypto/vault.h"

namespace amanat::identity {
namespace {

using books::testing::BooksFixture;

constexpr const char* kPass = "amber river quiet mountain 42";

struct IdentityFixture {
  BooksFixture books{""};
  std::unique_ptr<Identities> ids;
  accounts::User director{0, "director-1", accounts::Role::director, true};
  IdentityFixture() {
    auto vault = crypto::Vault::create("test-org", kPass, std::nullopt, crypto::KdfLimits::for_tests());
    std::ofstream(books.dir() / "vault.json") << vault->file.to_json();
    ids = std::move(*Identities::open(*books.stores().db, *books.stores().identities,
                                      (books.dir() / "vault.json").string()));
    EXPECT_TRUE(ids->unseal_with_passphrase(kPass));
    // The director's account, so that subject_access can name it.
    EXPECT_TRUE(books.stores().db->transact([&](Tx& tx) -> Status {
      AMANAT_TRY(u, books.stores().accounts->insert_user(tx, "director-1", accounts::Role::director, "x", 1));
      director.id = u->id;
      return {};
    }));
  }
  std::size_t trail_rows() { return ids->trail(0, 0)->size(); }
  std::size_t users() { return books.stores().accounts->users()->size(); }
};

TEST(UnitOfWork, ASubjectAnotherModulesRowAndTheTrailCommitTogetherOrNotAtAll) {
  IdentityFixture f;
  std::string code;
  auto failed = f.books.stores().db->transact([&](Tx& tx) -> Status {
    AMANAT_TRY(s, f.ids->create(tx, f.director, "survivor", {{"name", "Invented Person"}}));
    code = s.code;
    AMANAT_CHECK(f.ids->record(tx, "user:1", "create-subject", s.code, "ok"));
    AMANAT_TRY(u, f.books.stores().accounts->insert_user(tx, "case-worker-1", accounts::Role::case_worker, "x", 2));
    (void)u;
    return fail(Errc::conflict, "the case could not be opened (injected)");
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "the case could not be opened (injected)");
  auto read = f.ids->read(f.director, code);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, Errc::not_found);
  EXPECT_EQ(f.trail_rows(), 0u);
  EXPECT_EQ(f.users(), 1u);

  ASSERT_TRUE(f.books.stores().db->transact([&](Tx& tx) -> Status {
    AMANAT_TRY(s, f.ids->create(tx, f.director, "survivor", {{"name", "Invented Person"}}));
    code = s.code;
    AMANAT_CHECK(f.ids->record(tx, "user:1", "create-subject", s.code, "ok"));
    AMANAT_TRY(u, f.books.stores().accounts->insert_user(tx, "case-worker-1", accounts::Role::case_worker, "x", 2));
    return u ? Status{} : fail(Errc::conflict, "the name is taken");
  }));
  auto ok = f.ids->read(f.director, code);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->fields.at(0).second, "Invented Person");
  EXPECT_EQ(f.trail_rows(), 1u);
  EXPECT_EQ(f.users(), 2u);
  EXPECT_TRUE(f.ids->verify_trail());
}

// A unit of work that also puts an entry on the log (as a desk event will): the subject and
// its trail line are the entry's effect, durable with it or not at all.
TEST(UnitOfWork, WithALogEntryTheEffectsCommitWithTheEntryOrNotAtAll) {
  IdentityFixture f;
  std::string code;
  auto effect = [&](Tx& tx, std::uint64_t index) -> Status {
    AMANAT_TRY(s, f.ids->create(tx, f.director, "survivor", {{"name", "Invented Person"}}));
    code = s.code;
    return f.ids->record(tx, "user:1", "event", "leaf:" + std::to_string(index), "ok");
  };
  std::string entry = R"({"type":"test.event","v":1})";
  auto size = f.books.log().state()->size;
  f.books.faults().fail_inside(1);
  EXPECT_FALSE(f.books.seq().submit(Bytes(entry.begin(), entry.end()), effect).get());
  EXPECT_EQ(f.books.log().state()->size, size);
  EXPECT_FALSE(f.ids->read(f.director, code));
  EXPECT_EQ(f.trail_rows(), 0u);

  auto leaf = f.books.seq().submit(Bytes(entry.begin(), entry.end()), effect).get();
  ASSERT_TRUE(leaf) << leaf.error().message;
  EXPECT_EQ(*leaf, size);
  EXPECT_TRUE(f.ids->read(f.director, code));
  auto trail = f.ids->trail(0, 0);
  ASSERT_EQ(trail->size(), 1u);
  EXPECT_EQ(trail->at(0).target, "leaf:" + std::to_string(size));
}

TEST(Identities, WhileTheVaultIsSealedIdentitiesAreRefusedAsSealed) {
  IdentityFixture f;
  f.ids->seal();
  auto r = f.ids->create(f.director, "survivor", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::sealed);
  EXPECT_EQ(&r.error().why(), &reasons::sealed);
}

}  // namespace
}  // namespace amanat::identity
