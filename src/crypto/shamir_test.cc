// Shamir secret sharing: GF(2^8) known answers and a table-based cross-check, split/combine
// round trips over every k-subset for small n, the information-theoretic hiding of k-1 shares,
// the share text's typo detection, and every refusal of combine().
#include "crypto/shamir.h"

#include <gtest/gtest.h>

#include "crypto/testing.h"
#include <sodium.h>

#include <algorithm>
#include <array>
#include <functional>
#include <set>

namespace amanat::crypto {
namespace {

using testing::for_each_subset;

Bytes random_secret(std::size_t n) {
  Bytes b(n);
  randombytes_buf(b.data(), b.size());
  return b;
}

std::vector<Share> must_split(const Bytes& secret, int k, int n) {
  auto r = split(secret, k, n);
  EXPECT_TRUE(r.has_value()) << r.error().message;
  return r ? *r : std::vector<Share>{};
}


std::vector<Share> pick(const std::vector<Share>& all, const std::vector<int>& idx) {
  std::vector<Share> out;
  for (int i : idx) out.push_back(all[static_cast<std::size_t>(i)]);
  return out;
}

TEST(Gf256, KnownAnswersFromFips197) {
  EXPECT_EQ(gf256_mul(0x53, 0xCA), 0x01);
  EXPECT_EQ(gf256_mul(0x57, 0x83), 0xC1);
  EXPECT_EQ(gf256_mul(0x57, 0x13), 0xFE);
  EXPECT_EQ(gf256_mul(0x57, 0x02), 0xAE);
  EXPECT_EQ(gf256_inv(0x53), 0xCA);
  EXPECT_EQ(gf256_inv(0xCA), 0x53);
  EXPECT_EQ(gf256_inv(0x01), 0x01);
  EXPECT_EQ(gf256_inv(0x00), 0x00);
}

TEST(Gf256, MultiplyMatchesLogTablesAndEveryNonzeroElementHasAnInverse) {
  // Reference tables from the generator 0x03, built independently of gf256_mul.
  std::array<int, 256> exp{}, log{};
  int v = 1;
  for (int i = 0; i < 255; ++i) {
    exp[static_cast<std::size_t>(i)] = v;
    log[static_cast<std::size_t>(v)] = i;
    v ^= (v << 1) ^ ((v & 0x80) ? 0x11B : 0);  // v *= 3
    v &= 0xFF;
  }
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      int want = (a == 0 || b == 0)
                     ? 0
                     : exp[static_cast<std::size_t>((log[static_cast<std::size_t>(a)] +
                                                     log[static_cast<std::size_t>(b)]) % 255)];
      ASSERT_EQ(gf256_mul(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)), want)
          << a << " * " << b;
    }
    if (a != 0) {
      ASSERT_EQ(gf256_mul(static_cast<std::uint8_t>(a), gf256_inv(static_cast<std::uint8_t>(a))), 1)
          << a;
    }
  }
}

TEST(Shamir, EveryKSubsetRecoversTheSecretForSmallN) {
  for (int n = 2; n <= 7; ++n) {
    for (int k = 2; k <= n; ++k) {
      Bytes secret = random_secret(32);
      auto shares = must_split(secret, k, n);
      ASSERT_EQ(shares.size(), static_cast<std::size_t>(n));
      for_each_subset(n, k, [&](const std::vector<int>& idx) {
        auto subset = pick(shares, idx);
        auto got = combine(subset);
        ASSERT_TRUE(got.has_value()) << got.error().message;
        EXPECT_EQ(*got, secret) << k << "-of-" << n;
        std::reverse(subset.begin(), subset.end());  // order does not matter
        EXPECT_EQ(*combine(subset), secret);
      });
    }
  }
}

TEST(Shamir, LargeSplitsRoundTripWithAnyKShares) {
  for (auto [k, n] : {std::pair{2, 255}, {128, 255}, {255, 255}, {10, 20}}) {
    Bytes secret = random_secret(33);
    auto shares = must_split(secret, k, n);
    std::vector<Share> subset(shares.end() - k, shares.end());
    EXPECT_EQ(*combine(subset), secret) << k << "-of-" << n;
  }
}

TEST(Shamir, MoreThanKConsistentSharesAreAccepted) {
  Bytes secret = random_secret(16);
  auto shares = must_split(secret, 3, 6);
  auto got = combine(shares);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(*got, secret);
}

TEST(Shamir, SharesHaveNumbersOneToNAndOneSetId) {
  auto shares = must_split(random_secret(8), 2, 5);
  for (std::size_t i = 0; i < shares.size(); ++i) {
    EXPECT_EQ(shares[i].x, i + 1);
    EXPECT_EQ(shares[i].k, 2);
    EXPECT_EQ(shares[i].set, shares[0].set);
    EXPECT_EQ(shares[i].y.size(), 8u);
  }
  EXPECT_NE(must_split(random_secret(8), 2, 5)[0].set, shares[0].set);
}

TEST(Shamir, FewerThanKSharesAreRefused) {
  auto shares = must_split(random_secret(32), 3, 5);
  auto r = combine(std::span(shares).first(2));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::invalid);
  EXPECT_NE(r.error().message.find("3 different shares are needed; only 2 given"),
            std::string::npos)
      << r.error().message;
}

TEST(Shamir, KMinusOneSharesInterpolateToSomethingElse) {
  // Lying about k to make combine() interpolate k-1 shares gives a value unrelated to the secret.
  for (int k = 3; k <= 6; ++k) {
    Bytes secret = random_secret(32);
    auto shares = must_split(secret, k, k + 2);
    std::vector<Share> fewer(shares.begin(), shares.begin() + (k - 1));
    for (auto& s : fewer) s.k = static_cast<std::uint8_t>(k - 1);
    auto got = combine(fewer);
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_NE(*got, secret) << k;
  }
}

TEST(Shamir, KMinusOneSharesAreConsistentWithEverySecret) {
  // The hiding property itself: with k-1 real shares fixed, varying one more (made-up) share over
  // all 256 values of its byte yields all 256 possible secret bytes, so the k-1 shares rule out
  // nothing.
  Bytes secret = random_secret(1);
  auto shares = must_split(secret, 3, 5);
  std::set<std::uint8_t> seen;
  for (int v = 0; v < 256; ++v) {
    std::vector<Share> pts{shares[0], shares[1], shares[2]};
    pts[2].y[0] = static_cast<std::uint8_t>(v);
    seen.insert((*combine(pts))[0]);
  }
  EXPECT_EQ(seen.size(), 256u);
}

TEST(Shamir, SplitRefusesBadParameters) {
  Bytes secret = random_secret(4);
  for (auto [k, n] : {std::pair{1, 3}, {0, 3}, {4, 3}, {2, 256}, {-1, 5}, {256, 256}}) {
    auto r = split(secret, k, n);
    ASSERT_FALSE(r.has_value()) << k << "," << n;
    EXPECT_EQ(r.error().code, Errc::invalid);
    EXPECT_NE(r.error().message.find("2 <= k <= n <= 255"), std::string::npos);
  }
  auto r = split(Bytes{}, 2, 3);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::invalid);
}

TEST(Shamir, SharesOfDifferentSplitsAreRefusedByName) {
  Bytes secret = random_secret(32);
  auto a = must_split(secret, 2, 3);
  auto b = must_split(secret, 2, 3);
  std::vector<Share> mixed{a[0], b[1]};
  auto r = combine(mixed);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::invalid);
  EXPECT_NE(r.error().message.find("share 2 belongs to share set " + format_share_set(b[1].set)),
            std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("different splits"), std::string::npos);
}

TEST(Shamir, DuplicateSharesAreRefused) {
  auto s = must_split(random_secret(32), 2, 3);
  std::vector<Share> dup{s[1], s[1]};
  auto r = combine(dup);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::invalid);
  EXPECT_NE(r.error().message.find("share 1 and share 2 are both share number 2"),
            std::string::npos)
      << r.error().message;
}

TEST(Shamir, SharesOfDifferentLengthsOrThresholdsAreRefused) {
  auto s = must_split(random_secret(32), 2, 3);
  std::vector<Share> shorter{s[0], s[1]};
  shorter[1].y.pop_back();
  auto r = combine(shorter);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::invalid);
  EXPECT_NE(r.error().message.find("share 2 holds 31 bytes but share 1 holds 32"),
            std::string::npos)
      << r.error().message;

  std::vector<Share> other_k{s[0], s[1]};
  other_k[1].k = 3;
  r = combine(other_k);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("share 2 says 3 shares are needed but share 1 says 2"),
            std::string::npos)
      << r.error().message;

  std::vector<Share> zero{s[0], s[1]};
  zero[1].x = 0;
  r = combine(zero);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::invalid);
  EXPECT_FALSE(combine(std::span<const Share>{}).has_value());
}

TEST(Shamir, ExtraShareThatDisagreesIsRefused) {
  auto s = must_split(random_secret(32), 2, 4);
  s[3].y[7] ^= 1;
  auto r = combine(s);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::invalid);
  EXPECT_NE(r.error().message.find("do not agree"), std::string::npos) << r.error().message;
}

TEST(ShareText, RoundTripsAndLooksAsDocumented) {
  Bytes secret = random_secret(32);
  auto shares = must_split(secret, 3, 5);
  std::vector<std::string> texts;
  for (auto& s : shares) {
    std::string t = format_share(s);
    EXPECT_TRUE(t.starts_with("amanat-share-v1-3-" + std::to_string(s.x) + "-" +
                              format_share_set(s.set) + "-"))
        << t;
    EXPECT_EQ(t.size(), std::string("amanat-share-v1-3-1-").size() + 8 + 1 + 52 + 1 + 8) << t;
    auto back = parse_share(t);
    ASSERT_TRUE(back.has_value()) << back.error().message;
    EXPECT_EQ(back->k, s.k);
    EXPECT_EQ(back->x, s.x);
    EXPECT_EQ(back->set, s.set);
    EXPECT_EQ(back->y, s.y);
    texts.push_back(t);
  }
  std::vector<std::string_view> views{texts[4], texts[0], texts[2]};
  auto got = combine_texts(views);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(*got, secret);
}

TEST(ShareText, UpperCaseAndSurroundingWhitespaceAreAccepted) {
  auto s = must_split(random_secret(32), 2, 2);
  std::string t = format_share(s[0]);
  std::string upper = t;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto back = parse_share("  " + upper + "\n");
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->y, s[0].y);
}

TEST(ShareText, EverySingleCharacterTypoIsCaughtByTheChecksum) {
  auto s = must_split(random_secret(32), 2, 3);
  std::string t = format_share(s[1]);
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyz234567019-";
  for (std::size_t i = std::string("amanat-share-v1-").size(); i < t.size(); ++i) {
    for (char c : alphabet) {
      if (c == t[i]) continue;
      std::string typo = t;
      typo[i] = c;
      auto r = parse_share(typo);
      ASSERT_FALSE(r.has_value()) << typo;
      EXPECT_EQ(r.error().code, Errc::invalid);
    }
  }
  // A substitution inside the value is reported as a typo, not as anything else.
  std::string typo = t;
  std::size_t at = t.size() - 20;
  typo[at] = typo[at] == 'a' ? 'b' : 'a';
  auto r = parse_share(typo);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("checksum does not match"), std::string::npos)
      << r.error().message;
  // So is a dropped or swapped character.
  EXPECT_NE(parse_share(t.substr(0, at) + t.substr(at + 1)).error().message.find("checksum"),
            std::string::npos);
  std::string swapped = t;
  std::size_t p = at;
  while (swapped[p] == swapped[p + 1]) ++p;
  std::swap(swapped[p], swapped[p + 1]);
  EXPECT_NE(parse_share(swapped).error().message.find("checksum"), std::string::npos);
}

TEST(ShareText, MalformedTextsGetPreciseMessages) {
  auto s = must_split(random_secret(32), 2, 3);
  std::string t = format_share(s[0]);
  struct Case {
    std::string text, message;
  };
  for (const auto& c : std::vector<Case>{
           {"", "not an amanat share"},
           {"hello", "not an amanat share"},
           {"amanat-share-v2-2-1-aaaaaaaa-aa-aaaaaaaa", "not an amanat share"},
           {"amanat-share-v1-2-1", "this one has 2"},
           {t + "-aaaaaaaa", "this one has 6"},
           {t.substr(0, t.size() - 1), "checksum does not match"},
       }) {
    auto r = parse_share(c.text);
    ASSERT_FALSE(r.has_value()) << c.text;
    EXPECT_EQ(r.error().code, Errc::invalid);
    EXPECT_NE(r.error().message.find(c.message), std::string::npos)
        << c.text << " -> " << r.error().message;
  }
  // Fields that are wrong although the checksum is right (someone computed it): still refused.
  Share bad = s[0];
  bad.k = 1;
  EXPECT_NE(parse_share(format_share(bad)).error().message.find("threshold"), std::string::npos);
  bad = s[0];
  bad.x = 0;
  EXPECT_NE(parse_share(format_share(bad)).error().message.find("number"), std::string::npos);
  bad = s[0];
  bad.y.clear();
  EXPECT_NE(parse_share(format_share(bad)).error().message.find("value"), std::string::npos);
}

TEST(ShareText, CombineTextsSaysWhichShareIsWrong) {
  auto s = must_split(random_secret(32), 2, 3);
  std::string good = format_share(s[0]);
  std::string typo = format_share(s[1]);
  typo[30] = typo[30] == 'a' ? 'b' : 'a';
  std::vector<std::string_view> views{good, typo};
  auto r = combine_texts(views);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::invalid);
  EXPECT_TRUE(r.error().message.starts_with("share 2: the share's checksum does not match"))
      << r.error().message;

  auto other = must_split(random_secret(32), 2, 3);
  std::string foreign = format_share(other[1]);
  views = {good, foreign};
  r = combine_texts(views);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("different splits"), std::string::npos) << r.error().message;
}

TEST(ShareText, SetIdRoundTripsAndRejectsNonCanonicalText) {
  ShareSetId set{1, 2, 3, 4, 5};
  auto text = format_share_set(set);
  EXPECT_EQ(text.size(), 8u);
  EXPECT_EQ(parse_share_set(text), set);
  EXPECT_FALSE(parse_share_set(text + "a").has_value());
  EXPECT_FALSE(parse_share_set("aaaaaaa1").has_value());
  EXPECT_FALSE(parse_share_set("").has_value());
}

}  // namespace
}  // namespace amanat::crypto
