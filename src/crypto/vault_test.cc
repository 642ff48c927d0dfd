// The vault: create -> serialise -> parse -> unseal round trips with a passphrase, with every
// k-subset of shares and with both; refusals of wrong passphrases and shares; what a sealed vault
// can and cannot do; the binding of data keys and fields to their place; strict parsing of
// damaged vault files; and that no key ever appears in the stored file. Argon2 runs with
// KdfLimits::for_tests() so the suite stays fast.
#include "crypto/vault.h"

#include <gtest/gtest.h>

#include "crypto/keyring.h"
#include "crypto/testing.h"

#include <atomic>
#include <functional>
#include <shared_mutex>
#include <thread>

#include <nlohmann/json.hpp>

namespace amanat::crypto {

// Reaches the secrets so tests can look for them in the stored file.
struct VaultTestAccess {
  static Bytes kek(const Vault& v) {
    std::shared_lock lock(v.mutex_);
    auto s = v.kek();
    return Bytes(s.begin(), s.end());
  }
  static Bytes intake_secret_key(const Vault& v) {
    std::shared_lock lock(v.mutex_);
    auto s = v.intake_secret_key();
    return Bytes(s.begin(), s.end());
  }
  static Bytes key(const DataKey& k) { return Bytes(k.key_.begin(), k.key_.end()); }
};

namespace {

using testing::for_each_subset;

using json = nlohmann::json;

constexpr std::string_view kPass = "correct horse battery staple";
const KdfLimits kFast = KdfLimits::for_tests();

CreatedVault make(std::optional<std::string_view> pass, std::optional<Threshold> t,
                  std::string_view org = "org-a") {
  auto r = Vault::create(org, pass, t, kFast);
  EXPECT_TRUE(r.has_value()) << r.error().message;
  return r ? std::move(*r) : CreatedVault{};
}

// The file as a caller would store and load it.
VaultFile reload(const VaultFile& f) {
  std::string text = f.to_json();
  auto parsed = VaultFile::parse(text);
  EXPECT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->to_json(), text);
  return *parsed;
}

std::vector<std::string> pick(const std::vector<std::string>& all, std::vector<int> idx) {
  std::vector<std::string> out;
  for (int i : idx) out.push_back(all[static_cast<std::size_t>(i)]);
  return out;
}


DataKey must_open(const Vault& v, std::string_view subject, const WrappedKey& w) {
  auto k = v.open_data_key(subject, w);
  EXPECT_TRUE(k.has_value()) << k.error().message;
  return std::move(*k);
}

// Opens a field sealed in one vault with a key from a vault reloaded from the stored file: the
// whole hierarchy survives serialisation.
void expect_hierarchy_works(Vault& a, Vault& b) {
  auto w = a.new_data_key("survivor-17");
  ASSERT_TRUE(w.has_value()) << w.error().message;
  auto stored = WrappedKey::decode(w->encode());
  ASSERT_TRUE(stored.has_value());
  DataKey ka = must_open(a, "survivor-17", *w);
  DataKey kb = must_open(b, "survivor-17", *stored);
  Bytes sealed = seal_field(ka, "cases", "name", "42", "Amina");
  auto opened = open_field(kb, "cases", "name", "42", sealed);
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  EXPECT_EQ(*opened, "Amina");
  auto intake = Vault::seal_intake(b.intake_public_key(), "I need help");
  ASSERT_TRUE(intake.has_value());
  auto message = a.open_intake(*intake);
  ASSERT_TRUE(message.has_value()) << message.error().message;
  EXPECT_EQ(*message, "I need help");
}

void expect_error(const auto& r, Errc code, std::string_view fragment) {
  ASSERT_FALSE(r.has_value()) << "expected: " << fragment;
  EXPECT_EQ(r.error().code, code) << errc_name(r.error().code) << ": " << r.error().message;
  EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
}

TEST(Vault, PassphraseRoundTripThroughTheStoredFile) {
  auto created = make(kPass, std::nullopt);
  EXPECT_TRUE(created.share_texts.empty());
  EXPECT_FALSE(created.file.shares.has_value());
  Vault a(created.file);
  EXPECT_TRUE(a.is_sealed());
  ASSERT_TRUE(a.unseal_with_passphrase(kPass).has_value());
  EXPECT_FALSE(a.is_sealed());
  Vault b(reload(created.file));
  auto ok = b.unseal_with_passphrase(kPass);
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  expect_hierarchy_works(a, b);
  EXPECT_EQ(VaultTestAccess::kek(a), VaultTestAccess::kek(b));
}

TEST(Vault, EveryKSubsetOfSharesUnseals) {
  for (auto [k, n] : {std::pair{2, 3}, {3, 5}, {4, 4}}) {
    auto created = make(std::nullopt, Threshold{k, n});
    ASSERT_EQ(created.share_texts.size(), static_cast<std::size_t>(n));
    EXPECT_FALSE(created.file.passphrase.has_value());
    VaultFile file = reload(created.file);
    Vault reference(file);
    ASSERT_TRUE(reference.unseal_with_shares(created.share_texts).has_value());
    for (int m = k; m <= n; ++m) {
      for_each_subset(n, m, [&](const std::vector<int>& idx) {
        Vault v(file);
        auto ok = v.unseal_with_shares(pick(created.share_texts, idx));
        ASSERT_TRUE(ok.has_value()) << k << "-of-" << n << ": " << ok.error().message;
        EXPECT_EQ(VaultTestAccess::kek(v), VaultTestAccess::kek(reference));
      });
    }
  }
}

TEST(Vault, PassphraseAndSharesOpenTheSameKek) {
  auto created = make(kPass, Threshold{2, 3});
  VaultFile file = reload(created.file);
  ASSERT_TRUE(file.passphrase && file.shares);
  Vault by_pass(file), by_shares(file);
  ASSERT_TRUE(by_pass.unseal_with_passphrase(kPass).has_value());
  ASSERT_TRUE(by_shares.unseal_with_shares(pick(created.share_texts, {2, 0})).has_value());
  EXPECT_EQ(VaultTestAccess::kek(by_pass), VaultTestAccess::kek(by_shares));
  expect_hierarchy_works(by_pass, by_shares);
}

TEST(Vault, WrongPassphraseIsForbiddenAndLeavesItSealed) {
  auto created = make(kPass, std::nullopt);
  Vault v(created.file);
  for (std::string_view wrong :
       {"correct horse battery stapler", "", "Correct horse battery staple"}) {
    expect_error(v.unseal_with_passphrase(wrong), Errc::forbidden,
                 "the passphrase does not unseal this vault");
    EXPECT_TRUE(v.is_sealed());
  }
}

TEST(Vault, WrongSharesAreRefusedWithPreciseMessages) {
  auto created = make(std::nullopt, Threshold{3, 5});
  auto other = make(std::nullopt, Threshold{3, 5});
  Vault v(created.file);
  const auto& s = created.share_texts;

  // Another vault's shares (or an older split's): refused by set id before combining.
  expect_error(v.unseal_with_shares(other.share_texts), Errc::forbidden,
               "share 1 belongs to share set " + format_share_set(other.file.shares->set));
  std::vector<std::string> mixed{s[0], s[1], other.share_texts[2]};
  expect_error(v.unseal_with_shares(mixed), Errc::forbidden, "share 3 belongs to share set");

  // Too few, duplicated, mistyped.
  expect_error(v.unseal_with_shares(pick(s, {0, 1})), Errc::invalid,
               "3 different shares are needed; only 2 given");
  expect_error(v.unseal_with_shares(pick(s, {0, 1, 1})), Errc::invalid,
               "share 2 and share 3 are both share number 2");
  std::vector<std::string> typo = pick(s, {0, 1, 2});
  typo[1][40] = typo[1][40] == 'a' ? 'b' : 'a';
  expect_error(v.unseal_with_shares(typo), Errc::invalid, "share 2: the share's checksum");
  expect_error(v.unseal_with_shares(std::vector<std::string>{}), Errc::invalid, "no shares given");

  // A share altered on purpose, with its checksum recomputed: combines, but does not unseal.
  auto forged = parse_share(s[2]);
  ASSERT_TRUE(forged.has_value());
  forged->y[0] ^= 0x80;
  std::vector<std::string> with_forged{s[0], s[1], format_share(*forged)};
  expect_error(v.unseal_with_shares(with_forged), Errc::forbidden,
               "the shares combine but do not unseal this vault");
  // A forged threshold in a share of the right set.
  forged = parse_share(s[2]);
  forged->k = 2;
  std::vector<std::string> with_k{s[0], format_share(*forged)};
  expect_error(v.unseal_with_shares(with_k), Errc::invalid, "says 2 shares are needed");
  EXPECT_TRUE(v.is_sealed());
}

TEST(Vault, UnlockMethodsThatAreNotConfiguredAreForbidden) {
  auto pass_only = make(kPass, std::nullopt);
  auto shares_only = make(std::nullopt, Threshold{2, 2});
  Vault a(pass_only.file), b(shares_only.file);
  expect_error(a.unseal_with_shares(shares_only.share_texts), Errc::forbidden,
               "this vault has no shares");
  expect_error(b.unseal_with_passphrase(kPass), Errc::forbidden, "this vault has no passphrase");
}

TEST(Vault, SealedVaultRefusesSecretsButSealsIntake) {
  auto created = make(kPass, std::nullopt);
  Vault v(created.file);
  expect_error(v.new_data_key("s1"), Errc::sealed, "vault is sealed");
  WrappedKey fake{1, Bytes(72, 0)};
  expect_error(v.open_data_key("s1", fake), Errc::sealed, "vault is sealed");
  auto sealed = Vault::seal_intake(v.intake_public_key(), "name: Lina, phone: 555");
  ASSERT_TRUE(sealed.has_value());
  expect_error(v.open_intake(*sealed), Errc::sealed, "vault is sealed");
  expect_error(v.set_passphrase("another long passphrase", kFast), Errc::sealed,
               "vault is sealed");
  expect_error(v.set_shares({2, 3}), Errc::sealed, "vault is sealed");

  ASSERT_TRUE(v.unseal_with_passphrase(kPass).has_value());
  auto opened = v.open_intake(*sealed);
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  EXPECT_EQ(*opened, "name: Lina, phone: 555");
}

TEST(Vault, SealWipesTheKeysAndLaterOpensFail) {
  auto created = make(kPass, std::nullopt);
  Vault v(created.file);
  ASSERT_TRUE(v.unseal_with_passphrase(kPass).has_value());
  auto w = v.new_data_key("s1");
  ASSERT_TRUE(w.has_value());
  auto intake = Vault::seal_intake(v.intake_public_key(), "hello");
  DataKey held = must_open(v, "s1", *w);
  Bytes field = seal_field(held, "t", "f", "1", "secret");
  v.seal();
  EXPECT_TRUE(v.is_sealed());
  expect_error(v.open_data_key("s1", *w), Errc::sealed, "vault is sealed");
  expect_error(v.open_intake(*intake), Errc::sealed, "vault is sealed");
  expect_error(v.new_data_key("s2"), Errc::sealed, "vault is sealed");
  // A DataKey opened before seal() is the holder's to destroy (documented).
  EXPECT_EQ(*open_field(held, "t", "f", "1", field), "secret");
  v.seal();  // sealing twice is harmless
  ASSERT_TRUE(v.unseal_with_passphrase(kPass).has_value());
  EXPECT_TRUE(v.open_data_key("s1", *w).has_value());
}

TEST(Vault, FieldsOpenOnlyWhereTheyWereSealed) {
  auto created = make(kPass, std::nullopt);
  Vault v(created.file);
  ASSERT_TRUE(v.unseal_with_passphrase(kPass).has_value());
  DataKey k1 = must_open(v, "subject-1", *v.new_data_key("subject-1"));
  DataKey k2 = must_open(v, "subject-2", *v.new_data_key("subject-2"));
  Bytes sealed = seal_field(k1, "cases", "phone", "7", "+963 555 0101");
  EXPECT_EQ(*open_field(k1, "cases", "phone", "7", sealed), "+963 555 0101");
  const char* moved = "does not open with this key";
  expect_error(open_field(k1, "cases", "phone", "8", sealed), Errc::corrupt, moved);
  expect_error(open_field(k1, "cases", "name", "7", sealed), Errc::corrupt, moved);
  expect_error(open_field(k1, "donors", "phone", "7", sealed), Errc::corrupt, moved);
  expect_error(open_field(k2, "cases", "phone", "7", sealed), Errc::corrupt, moved);
  // Length-prefixed AD: moving characters between table, field and row does not collide.
  Bytes ambiguous = seal_field(k1, "a", "bc", "1", "x");
  expect_error(open_field(k1, "ab", "c", "1", ambiguous), Errc::corrupt, moved);
  expect_error(open_field(k1, "a", "b", "c1", ambiguous), Errc::corrupt, moved);
  // Altered, truncated.
  Bytes flipped = sealed;
  flipped[flipped.size() / 2] ^= 1;
  expect_error(open_field(k1, "cases", "phone", "7", flipped), Errc::corrupt, moved);
  expect_error(open_field(k1, "cases", "phone", "7", std::span(sealed).first(20)), Errc::corrupt,
               "too short");
  expect_error(open_field(k1, "cases", "phone", "7", std::span(sealed).first(sealed.size() - 1)),
               Errc::corrupt, moved);
  // The same subject's key of another version.
  DataKey k1v2 = must_open(v, "subject-1", *v.new_data_key("subject-1", 2));
  EXPECT_EQ(k1v2.version(), 2u);
  expect_error(open_field(k1v2, "cases", "phone", "7", sealed), Errc::corrupt,
               "under key version 1 but the key given is version 2");
  // Empty plaintexts round-trip; nonces are fresh.
  EXPECT_EQ(*open_field(k1, "t", "f", "r", seal_field(k1, "t", "f", "r", "")), "");
  EXPECT_NE(seal_field(k1, "t", "f", "r", "same"), seal_field(k1, "t", "f", "r", "same"));
}

TEST(Vault, DataKeysAreBoundToSubjectVersionAndOrganisation) {
  auto a_created = make(kPass, std::nullopt, "org-a");
  auto b_created = make(kPass, std::nullopt, "org-b");
  Vault a(a_created.file), b(b_created.file);
  ASSERT_TRUE(a.unseal_with_passphrase(kPass).has_value());
  ASSERT_TRUE(b.unseal_with_passphrase(kPass).has_value());
  auto w = a.new_data_key("subject-1", 3);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->version, 3u);
  DataKey k = must_open(a, "subject-1", *w);
  EXPECT_EQ(k.subject_id(), "subject-1");
  EXPECT_EQ(k.version(), 3u);
  const char* wrong = "the data key does not open";
  expect_error(a.open_data_key("subject-2", *w), Errc::corrupt, wrong);
  expect_error(b.open_data_key("subject-1", *w), Errc::corrupt, wrong);
  WrappedKey other_version = *w;
  other_version.version = 4;
  expect_error(a.open_data_key("subject-1", other_version), Errc::corrupt, wrong);
  WrappedKey flipped = *w;
  flipped.sealed[30] ^= 4;
  expect_error(a.open_data_key("subject-1", flipped), Errc::corrupt, wrong);
  WrappedKey short_key = *w;
  short_key.sealed.pop_back();
  expect_error(a.open_data_key("subject-1", short_key), Errc::corrupt, "wrong length");
  expect_error(a.new_data_key(""), Errc::invalid, "subject id");
  // Two subjects never share a key.
  EXPECT_NE(VaultTestAccess::key(k),
            VaultTestAccess::key(must_open(a, "subject-2", *a.new_data_key("subject-2"))));
}

TEST(Vault, WrappedKeyEncodingRoundTripsAndRejectsOtherLengths) {
  WrappedKey w{0x01020304, Bytes(72, 7)};
  Bytes e = w.encode();
  ASSERT_EQ(e.size(), 76u);
  EXPECT_EQ(e[0], 1);
  EXPECT_EQ(e[3], 4);
  auto d = WrappedKey::decode(e);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->version, w.version);
  EXPECT_EQ(d->sealed, w.sealed);
  e.pop_back();
  expect_error(WrappedKey::decode(e), Errc::corrupt, "76 bytes; this one has 75");
  expect_error(WrappedKey::decode({}), Errc::corrupt, "this one has 0");
}

TEST(Vault, DataKeyMoveWipesTheSource) {
  auto created = make(kPass, std::nullopt);
  Vault v(created.file);
  ASSERT_TRUE(v.unseal_with_passphrase(kPass).has_value());
  DataKey a = must_open(v, "s", *v.new_data_key("s"));
  Bytes before = VaultTestAccess::key(a);
  DataKey b(std::move(a));
  EXPECT_EQ(VaultTestAccess::key(b), before);
  EXPECT_EQ(VaultTestAccess::key(a), Bytes(32, 0));  // NOLINT(bugprone-use-after-move)
  DataKey c = must_open(v, "t", *v.new_data_key("t"));
  c = std::move(b);
  EXPECT_EQ(VaultTestAccess::key(c), before);
  EXPECT_EQ(VaultTestAccess::key(b), Bytes(32, 0));  // NOLINT(bugprone-use-after-move)
}

TEST(Vault, IntakeMessagesOpenOnlyInTheirOwnVault) {
  auto a_created = make(kPass, std::nullopt);
  auto b_created = make(kPass, std::nullopt);
  Vault a(a_created.file), b(b_created.file);
  ASSERT_TRUE(a.unseal_with_passphrase(kPass).has_value());
  ASSERT_TRUE(b.unseal_with_passphrase(kPass).has_value());
  auto sealed = Vault::seal_intake(a_created.file.intake.public_key, "");
  ASSERT_TRUE(sealed.has_value());
  EXPECT_EQ(*a.open_intake(*sealed), "");
  expect_error(b.open_intake(*sealed), Errc::corrupt, "does not open");
  Bytes flipped = *sealed;
  flipped.back() ^= 1;
  expect_error(a.open_intake(flipped), Errc::corrupt, "does not open");
  expect_error(a.open_intake(std::span(*sealed).first(10)), Errc::corrupt, "too short");
  // A low-order public key is refused rather than producing a box nobody can open.
  expect_error(Vault::seal_intake(IntakePublicKey{}, "x"), Errc::invalid, "not usable");
}

TEST(Vault, CreateRefusesBadArguments) {
  expect_error(Vault::create("", kPass, std::nullopt, kFast), Errc::invalid, "organisation id");
  expect_error(Vault::create(std::string(300, 'o'), kPass, std::nullopt, kFast), Errc::invalid,
               "longer than 256");
  expect_error(Vault::create("org\n", kPass, std::nullopt, kFast), Errc::invalid, "control");
  expect_error(Vault::create("org\xff", kPass, std::nullopt, kFast), Errc::invalid, "UTF-8");
  expect_error(Vault::create("org", std::nullopt, std::nullopt, kFast), Errc::invalid,
               "needs a passphrase, k-of-n shares, or both");
  expect_error(Vault::create("org", "short", std::nullopt, kFast), Errc::invalid,
               "at least 12 bytes");
  expect_error(Vault::create("org", std::nullopt, Threshold{1, 3}, kFast), Errc::invalid,
               "2 <= k <= n <= 255");
  expect_error(Vault::create("org", std::nullopt, Threshold{3, 2}, kFast), Errc::invalid,
               "2 <= k <= n <= 255");
  expect_error(Vault::create("org", std::nullopt, Threshold{2, 256}, kFast), Errc::invalid,
               "2 <= k <= n <= 255");
  expect_error(Vault::create("org", kPass, std::nullopt, KdfLimits{0, 8192}), Errc::invalid,
               "Argon2id limits");
  expect_error(Vault::create("org", kPass, std::nullopt, KdfLimits{1, 1024}), Errc::invalid,
               "Argon2id limits");
  expect_error(Vault::create("org", kPass, std::nullopt, KdfLimits{1, kMaxKdfMemlimit + 1}),
               Errc::invalid, "Argon2id limits");
}

TEST(Vault, ProductionKdfDefaultIsModerate) {
  KdfLimits d;
  EXPECT_EQ(d.opslimit, crypto_pwhash_OPSLIMIT_MODERATE);
  EXPECT_EQ(d.memlimit, crypto_pwhash_MEMLIMIT_MODERATE);
  EXPECT_EQ(KdfLimits::moderate().memlimit, d.memlimit);
  auto created = make(kPass, std::nullopt);
  EXPECT_EQ(created.file.passphrase->opslimit, kFast.opslimit);
  EXPECT_EQ(created.file.passphrase->memlimit, kFast.memlimit);
}

TEST(VaultFile, LayoutIsCanonicalJsonWithAFormatVersion) {
  auto created = make(kPass, Threshold{3, 5}, "org-a");
  std::string text = created.file.to_json();
  auto j = json::parse(text);
  EXPECT_EQ(j["format"], "amanat-vault");
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["org"], "org-a");
  EXPECT_EQ(j["unlock"]["passphrase"]["kdf"], "argon2id13");
  EXPECT_EQ(j["unlock"]["passphrase"]["opslimit"], kFast.opslimit);
  EXPECT_EQ(j["unlock"]["passphrase"]["memlimit"], kFast.memlimit);
  EXPECT_EQ(j["unlock"]["shares"]["k"], 3);
  EXPECT_EQ(j["unlock"]["shares"]["n"], 5);
  EXPECT_EQ(j["unlock"]["shares"]["set"], format_share_set(created.file.shares->set));
  EXPECT_EQ(j["intake"]["key_version"], 1);
  EXPECT_EQ(j["intake"]["public_key"], to_base64(created.file.intake.public_key));
  EXPECT_TRUE(text.starts_with("{\"format\":\"amanat-vault\",\"intake\":{")) << text;
  EXPECT_EQ(text.find(' '), std::string::npos);
  // Every share names the set the file expects.
  for (auto& s : created.share_texts)
    EXPECT_NE(s.find("-" + j["unlock"]["shares"]["set"].get<std::string>() + "-"),
              std::string::npos);
  // Parsing accepts another spelling of the same value and writes it canonically again.
  auto pretty = VaultFile::parse(j.dump(2));
  ASSERT_TRUE(pretty.has_value()) << pretty.error().message;
  EXPECT_EQ(pretty->to_json(), text);
}

TEST(VaultFile, EveryTruncationIsRefusedWithoutCrashing) {
  std::string text = make(kPass, Threshold{2, 3}).file.to_json();
  for (std::size_t n = 0; n < text.size(); ++n) {
    auto r = VaultFile::parse(std::string_view(text).substr(0, n));
    ASSERT_FALSE(r.has_value()) << n;
    EXPECT_EQ(r.error().code, Errc::corrupt) << n << ": " << r.error().message;
    EXPECT_FALSE(r.error().message.empty());
  }
}

TEST(VaultFile, DamagedFilesGetPreciseErrors) {
  auto created = make(kPass, Threshold{2, 3});
  const json good = json::parse(created.file.to_json());
  struct Case {
    std::function<void(json&)> damage;
    Errc code;
    std::string message;
  };
  std::vector<Case> cases{
      {[](json& j) { j["format"] = "amanat-vault2"; }, Errc::corrupt, "not an amanat vault file"},
      {[](json& j) { j["format"] = 1; }, Errc::corrupt, "not an amanat vault file"},
      {[](json& j) { j.erase("format"); }, Errc::corrupt, "not an amanat vault file"},
      {[](json& j) { j["version"] = 2; }, Errc::invalid, "format version 2 is not supported"},
      {[](json& j) { j["version"] = "1"; }, Errc::corrupt, "/version"},
      {[](json& j) { j["extra"] = true; }, Errc::corrupt, "unexpected member \"extra\""},
      {[](json& j) { j.erase("intake"); }, Errc::corrupt, "missing member \"intake\""},
      {[](json& j) { j["org"] = 5; }, Errc::corrupt, "/org: not a string"},
      {[](json& j) { j["org"] = ""; }, Errc::corrupt, "/org: the organisation id is empty"},
      {[](json& j) { j["unlock"] = json::object(); }, Errc::corrupt, "no way to unseal"},
      {[](json& j) { j["unlock"] = json::array(); }, Errc::corrupt, "/unlock: not a JSON object"},
      {[](json& j) { j["unlock"]["pin"] = "1234"; }, Errc::corrupt, "unexpected member \"pin\""},
      {[](json& j) { j["unlock"]["passphrase"]["kdf"] = "scrypt"; }, Errc::corrupt,
       "unknown key derivation"},
      {[](json& j) { j["unlock"]["passphrase"]["opslimit"] = 1000; }, Errc::corrupt,
       "/unlock/passphrase/opslimit: 1000 is outside 1..32"},
      {[](json& j) { j["unlock"]["passphrase"]["memlimit"] = -1; }, Errc::corrupt,
       "not a non-negative integer"},
      {[](json& j) { j["unlock"]["passphrase"]["memlimit"] = 1e12; }, Errc::corrupt,
       "not a non-negative integer"},
      {[](json& j) { j["unlock"]["passphrase"]["salt"] = "AAAA"; }, Errc::corrupt,
       "/unlock/passphrase/salt: not base64 of 16 bytes"},
      {[](json& j) { j["unlock"]["passphrase"]["wrapped_kek"] = "not base64!"; }, Errc::corrupt,
       "/unlock/passphrase/wrapped_kek: not base64 of 72 bytes"},
      {[](json& j) { j["unlock"]["shares"]["k"] = 4; }, Errc::corrupt,
       "k (4) is larger than n (3)"},
      {[](json& j) { j["unlock"]["shares"]["k"] = 1; }, Errc::corrupt, "1 is outside 2..255"},
      {[](json& j) { j["unlock"]["shares"]["set"] = "abc"; }, Errc::corrupt,
       "/unlock/shares/set: not 8 base32 characters"},
      {[](json& j) { j["unlock"]["shares"].erase("wrapped_kek"); }, Errc::corrupt,
       "missing member \"wrapped_kek\""},
      {[](json& j) { j["intake"]["public_key"] = "AAAA"; }, Errc::corrupt,
       "/intake/public_key: not base64 of 32 bytes"},
      {[](json& j) { j["intake"]["key_version"] = 4294967296; }, Errc::corrupt,
       "/intake/key_version"},
      {[](json& j) { j = json::array(); }, Errc::corrupt, "not an amanat vault file"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    json j = good;
    cases[i].damage(j);
    auto r = VaultFile::parse(j.dump());
    ASSERT_FALSE(r.has_value()) << "case " << i;
    EXPECT_EQ(r.error().code, cases[i].code) << "case " << i << ": " << r.error().message;
    EXPECT_NE(r.error().message.find(cases[i].message), std::string::npos)
        << "case " << i << ": " << r.error().message;
  }
  expect_error(VaultFile::parse("not json"), Errc::corrupt, "not valid JSON");
  expect_error(VaultFile::parse(""), Errc::corrupt, "not valid JSON");
  std::string dup = good.dump();
  dup.insert(1, "\"org\":\"x\",");
  expect_error(VaultFile::parse(dup), Errc::corrupt, "not valid JSON");
}

TEST(VaultFile, RandomByteDamageNeverCrashesAndNeverOpensWithADifferentKek) {
  auto created = make(kPass, Threshold{2, 2});
  std::string text = created.file.to_json();
  Vault original(created.file);
  ASSERT_TRUE(original.unseal_with_passphrase(kPass).has_value());
  Bytes kek = VaultTestAccess::kek(original);
  std::uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1103515245u + 12345u; };
  int parsed = 0;
  for (int i = 0; i < 300; ++i) {
    std::string damaged = text;
    damaged[next() % damaged.size()] ^= static_cast<char>(1 << (next() % 7));
    auto f = VaultFile::parse(damaged);
    if (!f) continue;
    ++parsed;
    Vault v(*f);
    // Either it refuses, or it opens the one true KEK.
    if (v.unseal_with_passphrase(kPass)) {
      EXPECT_EQ(VaultTestAccess::kek(v), kek);
    }
    if (v.unseal_with_shares(created.share_texts)) {
      EXPECT_EQ(VaultTestAccess::kek(v), kek);
    }
  }
  EXPECT_GT(parsed, 0);  // some flips land in base64 payloads and still parse
}

TEST(VaultFile, AlteredButWellFormedFilesDoNotUnseal) {
  auto created = make(kPass, Threshold{2, 2}, "org-a");
  auto other = make(kPass, std::nullopt, "org-b");

  VaultFile swapped_pk = created.file;  // an attacker redirecting intake to their own key
  swapped_pk.intake.public_key = other.file.intake.public_key;
  Vault a(reload(swapped_pk));
  expect_error(a.unseal_with_passphrase(kPass), Errc::corrupt, "intake key does not");
  EXPECT_TRUE(a.is_sealed());

  VaultFile renamed = created.file;
  renamed.org_id = "org-b";
  Vault b(reload(renamed));
  expect_error(b.unseal_with_passphrase(kPass), Errc::forbidden, "does not unseal");
  expect_error(b.unseal_with_shares(created.share_texts), Errc::forbidden, "do not unseal");

  VaultFile resalted = created.file;
  resalted.passphrase->salt[0] ^= 1;
  Vault c(reload(resalted));
  expect_error(c.unseal_with_passphrase(kPass), Errc::forbidden, "does not unseal");

  VaultFile bumped = created.file;
  bumped.intake.version = 2;
  Vault d(reload(bumped));
  expect_error(d.unseal_with_passphrase(kPass), Errc::corrupt, "intake key does not");
}

// Every way a 32-byte key could appear in the text: raw, hex (either case), and base64 at each
// of the three alignments it could have inside a longer base64 value.
void expect_absent(const std::string& text, const Bytes& key, const char* what) {
  ASSERT_EQ(key.size(), 32u);
  EXPECT_EQ(text.find(std::string(as_chars(key))), std::string::npos) << what;
  std::string hex = to_hex(key), upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(text.find(hex), std::string::npos) << what;
  EXPECT_EQ(text.find(upper), std::string::npos) << what;
  for (std::size_t skip = 0; skip < 3; ++skip) {
    std::string b64 = to_base64(std::span(key).subspan(skip, 27)).substr(0, 36);
    EXPECT_EQ(text.find(b64), std::string::npos) << what << " (base64, skip " << skip << ")";
  }
  // Also half the key in hex: a partial leak is still a leak.
  EXPECT_EQ(text.find(hex.substr(0, 32)), std::string::npos) << what;
}

TEST(VaultFile, NeverContainsTheKekTheIntakeSecretOrAnyDataKey) {
  auto created = make(kPass, Threshold{2, 3});
  Vault v(created.file);
  ASSERT_TRUE(v.unseal_with_passphrase(kPass).has_value());
  std::vector<Bytes> secrets{VaultTestAccess::kek(v), VaultTestAccess::intake_secret_key(v)};
  for (int i = 0; i < 5; ++i) {
    std::string subject = "s" + std::to_string(i);
    secrets.push_back(VaultTestAccess::key(must_open(v, subject, *v.new_data_key(subject))));
  }
  auto rewrapped = v.set_passphrase("a different passphrase", kFast);
  ASSERT_TRUE(rewrapped.has_value());
  for (const std::string& text : {created.file.to_json(), rewrapped->to_json(), v.file().to_json()})
    for (std::size_t i = 0; i < secrets.size(); ++i)
      expect_absent(text, secrets[i], i == 0 ? "KEK" : i == 1 ? "intake secret" : "DEK");
  // The shares' values are not in it either (only the set id is).
  std::string text = created.file.to_json();
  for (auto& s : created.share_texts) {
    auto share = parse_share(s);
    ASSERT_TRUE(share.has_value());
    EXPECT_EQ(text.find(to_hex(share->y)), std::string::npos);
    EXPECT_EQ(text.find(to_base64(share->y).substr(0, 40)), std::string::npos);
    EXPECT_EQ(text.find(s.substr(s.size() - 61, 52)), std::string::npos);
  }
}

TEST(Vault, TheBooksKeyRoundTripsThroughTheFileAndOpensOnlyUnsealedInItsOwnOrganisation) {
  auto created = make(kPass, Threshold{2, 3});
  Vault v(created.file);
  MasterKey master{};
  for (std::size_t i = 0; i < master.size(); ++i) master[i] = static_cast<std::uint8_t>(3 * i + 1);
  std::array<std::uint8_t, kVaultKeyBytes> out{};
  expect_error(v.set_books_key(master), Errc::sealed, "sealed");
  ASSERT_TRUE(v.unseal_with_passphrase(kPass).has_value());
  expect_error(v.books_key(out), Errc::not_found, "no books key");
  auto file = v.set_books_key(master);
  ASSERT_TRUE(file.has_value()) << file.error().message;
  ASSERT_TRUE(file->books_key.has_value());
  std::string text = file->to_json();
  expect_absent(text, Bytes(master.begin(), master.end()), "books key");
  // Reloaded and unsealed with shares, the same key comes out.
  Vault again(reload(*file));
  expect_error(again.books_key(out), Errc::sealed, "sealed");
  ASSERT_TRUE(again.unseal_with_shares(pick(created.share_texts, {0, 2})).has_value());
  ASSERT_TRUE(again.books_key(out).has_value());
  EXPECT_EQ(out, master);
  // Another organisation's vault file with this wrapped key does not open it, nor does an
  // altered one.
  auto other = make(kPass, std::nullopt, "org-b");
  VaultFile swapped = other.file;
  swapped.books_key = file->books_key;
  Vault b(reload(swapped));
  ASSERT_TRUE(b.unseal_with_passphrase(kPass).has_value());
  expect_error(b.books_key(out), Errc::corrupt, "does not open");
  VaultFile altered = *file;
  (*altered.books_key)[30] ^= 1;
  Vault c(reload(altered));
  ASSERT_TRUE(c.unseal_with_passphrase(kPass).has_value());
  expect_error(c.books_key(out), Errc::corrupt, "does not open");
  // A books_key member of the wrong length is refused when parsing.
  json j = json::parse(text);
  j["books_key"] = to_base64(Bytes(40, 1));
  expect_error(VaultFile::parse(j.dump()), Errc::corrupt, "/books_key");
}

TEST(Vault, ChangingThePassphraseRewrapsTheSameKek) {
  auto created = make(kPass, std::nullopt);
  Vault v(created.file);
  ASSERT_TRUE(v.unseal_with_passphrase(kPass).has_value());
  auto w = v.new_data_key("s1");
  ASSERT_TRUE(w.has_value());
  expect_error(v.set_passphrase("too short", kFast), Errc::invalid, "at least 12 bytes");
  auto changed = v.set_passphrase("a brand new passphrase", kFast);
  ASSERT_TRUE(changed.has_value()) << changed.error().message;
  EXPECT_NE(changed->passphrase->salt, created.file.passphrase->salt);
  EXPECT_EQ(v.file().to_json(), changed->to_json());

  Vault fresh(reload(*changed));
  expect_error(fresh.unseal_with_passphrase(kPass), Errc::forbidden, "does not unseal");
  ASSERT_TRUE(fresh.unseal_with_passphrase("a brand new passphrase").has_value());
  EXPECT_TRUE(fresh.open_data_key("s1", *w).has_value());
  // The old file still opens with the old passphrase: the KEK did not change (documented).
  Vault old(created.file);
  EXPECT_TRUE(old.unseal_with_passphrase(kPass).has_value());
}

TEST(Vault, ResplittingReplacesTheSharesAndKeepsTheKek) {
  auto created = make(kPass, Threshold{2, 3});
  Vault v(created.file);
  ASSERT_TRUE(v.unseal_with_shares(pick(created.share_texts, {0, 1})).has_value());
  auto w = v.new_data_key("s1");
  auto resplit = v.set_shares({3, 4});
  ASSERT_TRUE(resplit.has_value()) << resplit.error().message;
  ASSERT_EQ(resplit->share_texts.size(), 4u);
  EXPECT_EQ(resplit->file.shares->k, 3);
  EXPECT_TRUE(resplit->file.passphrase.has_value());
  Vault fresh(reload(resplit->file));
  expect_error(fresh.unseal_with_shares(pick(created.share_texts, {0, 1, 2})), Errc::forbidden,
               "not to this vault's set");
  ASSERT_TRUE(fresh.unseal_with_shares(pick(resplit->share_texts, {3, 1, 2})).has_value());
  EXPECT_TRUE(fresh.open_data_key("s1", *w).has_value());
}

TEST(Vault, TheLastUnlockMethodCannotBeRemoved) {
  auto created = make(kPass, Threshold{2, 2});
  Vault v(created.file);
  expect_error(v.remove_passphrase(), Errc::sealed, "vault is sealed");
  ASSERT_TRUE(v.unseal_with_passphrase(kPass).has_value());
  auto no_shares = v.remove_shares();
  ASSERT_TRUE(no_shares.has_value());
  EXPECT_FALSE(no_shares->shares.has_value());
  expect_error(v.remove_shares(), Errc::not_found, "no shares to remove");
  expect_error(v.remove_passphrase(), Errc::forbidden, "only way to unseal");
  Vault fresh(reload(*no_shares));
  expect_error(fresh.unseal_with_shares(created.share_texts), Errc::forbidden,
               "this vault has no shares");
  EXPECT_TRUE(fresh.unseal_with_passphrase(kPass).has_value());
}

TEST(Vault, ManyThreadsReadWhileAnotherSealsAndUnseals) {
  auto created = make(std::nullopt, Threshold{2, 2});
  Vault v(created.file);
  ASSERT_TRUE(v.unseal_with_shares(created.share_texts).has_value());
  std::vector<WrappedKey> keys;
  for (int i = 0; i < 8; ++i) keys.push_back(*v.new_data_key("s" + std::to_string(i)));
  auto intake = *Vault::seal_intake(v.intake_public_key(), "hi");
  std::atomic<bool> stop{false};
  std::atomic<int> opened{0}, refused{0}, wrong{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 6; ++t) {
    readers.emplace_back([&, t] {
      while (!stop) {
        std::size_t i = static_cast<std::size_t>(t) % keys.size();
        auto k = v.open_data_key("s" + std::to_string(i), keys[i]);
        auto m = v.open_intake(intake);
        for (bool ok : {k.has_value(), m.has_value()}) (ok ? opened : refused)++;
        bool k_ok = k || k.error().code == Errc::sealed;
        bool m_ok = m ? *m == "hi" : m.error().code == Errc::sealed;
        if (!k_ok || !m_ok)
          wrong++;
      }
    });
  }
  for (int i = 0; i < 50; ++i) {
    v.seal();
    ASSERT_TRUE(v.unseal_with_shares(created.share_texts).has_value());
  }
  stop = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(wrong, 0);
  EXPECT_GT(opened, 0);
}

}  // namespace
}  // namespace amanat::crypto
