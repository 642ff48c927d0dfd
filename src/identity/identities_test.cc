// Identities as a domain module over the organisation's stores: units of work that span
// modules commit together or not at all, with or without a log entry.
#include "identity/identities.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

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
      if (!u) return fail(Errc::conflict, "director-1 exists");
      director.id = u->id;
      return {};
    }));
  }
  std::size_t trail_rows() { return ids->trail(0, 0)->size(); }
  // As the server wires it (serve_cmd.cc): anchors through the books' queue, keyed with the
  // accounts key.
  void anchor() {
    crypto::MasterKey accounts{};
    accounts[0] = 11;
    ids->anchor_to({.append = [this](Bytes leaf, tlog::Effect effect) -> Result<std::uint64_t> {
                      AMANAT_TRY(queued, books.books().submit_other(std::move(leaf), std::move(effect)));
                      return queued.get();
                    },
                    .log = &books.log(),
                    .key = crypto::Keyring::from_master(accounts)});
  }
  std::size_t anchors() { return books.stores().identities->anchors()->size(); }
  // Waits up to 10 s for `n` anchors.
  bool anchors_reach(std::size_t n) {
    for (int i = 0; i < 1000 && anchors() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return anchors() == n;
  }
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

// The server's schedule: an anchor at start when the trail has rows not yet anchored, one on the
// next interval after the trail moved and none while it stays still, and one more at a stop,
// so that the last rows of a server's life are pinned too.
TEST(TrailAnchorer, AnchorsAtStartOnEachIntervalTheTrailMovedAndWhenItStops) {
  IdentityFixture f;
  f.anchor();
  f.ids->record("console", "create-user", "user:1 role:director", "ok");
  {
    TrailAnchorer anchorer(*f.ids, std::chrono::milliseconds(20));
    EXPECT_TRUE(f.anchors_reach(1));
    f.ids->record("anonymous", "login", "session", "failed");
    EXPECT_TRUE(f.anchors_reach(2));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // ten intervals, the trail still
    EXPECT_EQ(f.anchors(), 2u);
  }
  EXPECT_EQ(f.anchors(), 2u);  // stopping with nothing new adds nothing
  {
    TrailAnchorer anchorer(*f.ids, std::chrono::hours(1));
    f.ids->record("anonymous", "login", "session", "failed");
  }
  ASSERT_EQ(f.anchors(), 3u);
  auto check = f.ids->verify_trail();
  ASSERT_TRUE(check) << check.error().message;
  EXPECT_EQ(check->rows, 3);
  ASSERT_TRUE(check->anchor);
  EXPECT_EQ(check->anchor->anchor.count, 3);
}

// Without anchor_to a process cannot anchor (the console); it still checks the chain.
TEST(TrailAnchorer, AProcessThatDoesNotAnchorSaysSoAndChecksTheChainAlone) {
  IdentityFixture f;
  f.ids->record("console", "create-user", "user:1 role:director", "ok");
  auto a = f.ids->anchor_trail();
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, Errc::invalid);
  auto check = f.ids->verify_trail();
  ASSERT_TRUE(check);
  EXPECT_EQ(check->rows, 1);
  EXPECT_FALSE(check->anchor);
}

// An anchor's leaf has one spelling: whatever else is refused, with the reason.
TEST(TrailAnchor, TheLeafDecodesOnlyInTheFormItIsWrittenIn) {
  TrailAnchor a{42, std::string(64, 'a'), "2025-06-01T10:11:12Z"};
  auto leaf = encode_anchor(a);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(*leaf, R"({"count":42,"head":")" + std::string(64, 'a') +
                       R"(","time":"2025-06-01T10:11:12Z","type":"trail.anchor","v":1})");
  auto bytes = [](const std::string& s) { return std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); };
  EXPECT_TRUE(looks_like_anchor(bytes(*leaf)));
  auto back = decode_anchor(bytes(*leaf));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, a);
  const std::string h = std::string(64, 'a');
  for (const std::string& bad : std::vector<std::string>{
           R"({"count":0,"head":")" + h + R"(","time":"2025-06-01T10:11:12Z","type":"trail.anchor","v":1})",
           R"({"count":42,"head":")" + std::string(64, 'A') + R"(","time":"2025-06-01T10:11:12Z","type":"trail.anchor","v":1})",
           R"({"count":42,"head":")" + h + R"(","time":"2025-02-30T10:11:12Z","type":"trail.anchor","v":1})",
           R"({"count":42,"head":")" + h + R"(","time":"2025-06-01T10:11:12Z","type":"trail.anchor","v":2})",
           R"({"count":42,"extra":1,"head":")" + h + R"(","time":"2025-06-01T10:11:12Z","type":"trail.anchor","v":1})",
           R"({"head":")" + h + R"(","count":42,"time":"2025-06-01T10:11:12Z","type":"trail.anchor","v":1})",
           R"({"count":42.0,"head":")" + h + R"(","time":"2025-06-01T10:11:12Z","type":"trail.anchor","v":1})",
           R"({"count":"42","head":")" + h + R"(","time":"2025-06-01T10:11:12Z","type":"trail.anchor","v":1})",
           std::string("[]"), std::string("not json")}) {
    auto r = decode_anchor(bytes(bad));
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, Errc::invalid) << bad;
    }
  }
  EXPECT_FALSE(encode_anchor(TrailAnchor{1, "short", "2025-06-01T10:11:12Z"}));
}

}  // namespace
}  // namespace amanat::identity
