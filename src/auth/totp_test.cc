#include "auth/totp.h"

#include <gtest/gtest.h>

namespace amanat::auth {
namespace {

// The RFC seeds are ASCII digits; RFC 6238's reference code uses one per hash size.
const std::string kSeed20 = "12345678901234567890";
const std::string kSeed32 = "12345678901234567890123456789012";
const std::string kSeed64 = "1234567890123456789012345678901234567890123456789012345678901234";

std::span<const std::uint8_t> seed(const std::string& s) { return as_bytes(s); }

// ---- RFC vectors -------------------------------------------------------------------------

TEST(Hotp, MatchesRfc4226AppendixD) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t counter = 0; counter < 10; ++counter) {
    auto code = hotp_code(seed(kSeed20), counter);
    ASSERT_TRUE(code.has_value()) << code.error().message;
    EXPECT_EQ(*code, expected[counter]) << "counter " << counter;
  }
}

TEST(Hotp, EightDigitsAreTheLowDigitsOfRfc4226TruncatedValues) {
  // Appendix D's "Decimal" column (the 31-bit truncated value) modulo 10^8.
  const char* expected[] = {"84755224", "94287082", "37359152", "26969429", "40338314",
                            "68254676", "18287922", "82162583", "73399871", "45520489"};
  for (std::uint64_t counter = 0; counter < 10; ++counter)
    EXPECT_EQ(hotp_code(seed(kSeed20), counter, 8).value(), expected[counter]);
}

TEST(Totp, MatchesEveryRfc6238AppendixBVector) {
  struct Row {
    std::int64_t time;
    std::uint64_t step;
    const char* sha1;
    const char* sha256;
    const char* sha512;
  };
  const Row rows[] = {
      {59, 0x1, "94287082", "46119246", "90693936"},
      {1111111109, 0x23523EC, "07081804", "68084774", "25091201"},
      {1111111111, 0x23523ED, "14050471", "67062674", "99943326"},
      {1234567890, 0x273EF07, "89005924", "91819424", "93441116"},
      {2000000000, 0x3F940AA, "69279037", "90698825", "38618901"},
      {20000000000, 0x27BC86AA, "65353130", "77737706", "47863826"},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(totp_step(r.time).value(), r.step) << r.time;
    auto at = [&](const std::string& s, OtpAlgorithm a) {
      return totp_code(seed(s), r.time, {.algorithm = a, .digits = 8}).value();
    };
    EXPECT_EQ(at(kSeed20, OtpAlgorithm::sha1), r.sha1) << r.time;
    EXPECT_EQ(at(kSeed32, OtpAlgorithm::sha256), r.sha256) << r.time;
    EXPECT_EQ(at(kSeed64, OtpAlgorithm::sha512), r.sha512) << r.time;
  }
}

TEST(Totp, SixDigitCodeIsTheLastSixDigitsOfTheEightDigitOne) {
  EXPECT_EQ(totp_code(seed(kSeed20), 1111111109).value(), "081804");  // leading zero kept
  EXPECT_EQ(totp_code(seed(kSeed20), 1234567890).value(), "005924");
}

TEST(Totp, RejectsShortSecretsOddDigitCountsAndTimesBefore1970) {
  Bytes short_secret(15, 1);
  EXPECT_EQ(totp_code(short_secret, 59).error().code, Errc::invalid);
  EXPECT_EQ(hotp_code(Bytes(129, 1), 0).error().code, Errc::invalid);
  EXPECT_EQ(totp_code(seed(kSeed20), 59, {.digits = 7}).error().code, Errc::invalid);
  EXPECT_EQ(totp_code(seed(kSeed20), 59, {.period = 0}).error().code, Errc::invalid);
  EXPECT_EQ(totp_code(seed(kSeed20), -1).error().code, Errc::invalid);
}

// ---- Secrets and base32 ------------------------------------------------------------------

TEST(TotpSecret, IsTwentyRandomBytes) {
  auto a = generate_totp_secret(), b = generate_totp_secret();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->size(), 20u);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(to_base32(*a).size(), 32u);  // 160 bits fill 32 characters exactly: no padding
}

TEST(Base32, EncodesRfc4648VectorsWithoutPadding) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},           {"f", "MY"},          {"fo", "MZXQ"},          {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"}, {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI"},
  };
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(to_base32(as_bytes(plain)), encoded);
    auto decoded = from_base32(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(as_chars(*decoded), plain);
  }
  EXPECT_EQ(to_base32(seed(kSeed20)), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST(Base32, RoundTripsEveryLengthAndByteValue) {
  Bytes b;
  for (int n = 0; n < 300; ++n) {
    auto decoded = from_base32(to_base32(b));
    ASSERT_TRUE(decoded.has_value()) << n;
    EXPECT_EQ(*decoded, b);
    b.push_back(static_cast<std::uint8_t>(n * 37 + 11));
  }
}

TEST(Base32, RejectsEverySpellingThatToBase32DoesNotProduce) {
  EXPECT_FALSE(from_base32("mzxw6ytboi"));  // lowercase
  EXPECT_FALSE(from_base32("MZXW6YTBOI======"));  // padding
  EXPECT_FALSE(from_base32("MZXW 6YTB"));  // whitespace
  EXPECT_FALSE(from_base32("MZXW6YT1"));  // 1 is not in the alphabet (nor 0, 8, 9)
  EXPECT_FALSE(from_base32("MZXW6YT8"));
  EXPECT_FALSE(from_base32("M"));  // lengths 1, 3, 6 mod 8 cannot come from whole bytes
  EXPECT_FALSE(from_base32("MZX"));
  EXPECT_FALSE(from_base32("MZXW6Y"));
  EXPECT_FALSE(from_base32("MZ"));  // "f" is MY: the low bits of the last character must be zero
  EXPECT_FALSE(from_base32("MZXW6YTBOJ"));
  EXPECT_FALSE(from_base32(std::string_view("MY\0\0", 4)));
}

// ---- Provisioning URI --------------------------------------------------------------------

TEST(ProvisioningUri, HasTheKeyUriFormatFields) {
  auto uri = totp_provisioning_uri("Amanat", "amina", seed(kSeed20));
  ASSERT_TRUE(uri.has_value()) << uri.error().message;
  EXPECT_EQ(*uri,
            "otpauth://totp/Amanat:amina?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Amanat"
            "&algorithm=SHA1&digits=6&period=30");
  auto sha512 = totp_provisioning_uri("Amanat", "amina", seed(kSeed64),
                                      {.algorithm = OtpAlgorithm::sha512, .digits = 8});
  ASSERT_TRUE(sha512.has_value());
  EXPECT_TRUE(sha512->ends_with("&algorithm=SHA512&digits=8&period=30")) << *sha512;
}

TEST(ProvisioningUri, PercentEncodesIssuerAndAccountAsUtf8) {
  auto uri = totp_provisioning_uri("Дом Мамы & Co", "amina+staff@example.org", seed(kSeed20));
  ASSERT_TRUE(uri.has_value()) << uri.error().message;
  EXPECT_EQ(*uri,
            "otpauth://totp/%D0%94%D0%BE%D0%BC%20%D0%9C%D0%B0%D0%BC%D1%8B%20%26%20Co:"
            "amina%2Bstaff%40example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=%D0%94%D0%BE%D0%BC%20%D0%9C%D0%B0%D0%BC%D1%8B%20%26%20Co"
            "&algorithm=SHA1&digits=6&period=30");
  auto reserved = totp_provisioning_uri("a/b?c#d", "x=y&z~._-", seed(kSeed20));
  ASSERT_TRUE(reserved.has_value());
  EXPECT_TRUE(reserved->starts_with("otpauth://totp/a%2Fb%3Fc%23d:x%3Dy%26z~._-?")) << *reserved;
}

TEST(ProvisioningUri, RejectsColonsEmptyPartsControlsAndBadUtf8) {
  auto code = [](std::string_view issuer, std::string_view account) {
    auto uri = totp_provisioning_uri(issuer, account, as_bytes(kSeed20));
    return uri ? std::optional<Errc>() : uri.error().code;
  };
  EXPECT_EQ(code("Amanat:HQ", "amina"), Errc::invalid);
  EXPECT_EQ(code("Amanat", "amina:1"), Errc::invalid);
  EXPECT_EQ(code("", "amina"), Errc::invalid);
  EXPECT_EQ(code("Amanat", ""), Errc::invalid);
  EXPECT_EQ(code("Amanat", "ami\nna"), Errc::invalid);
  EXPECT_EQ(code("Amanat", "\xC0\xAF"), Errc::invalid);
  EXPECT_EQ(totp_provisioning_uri("Amanat", "amina", Bytes(10, 1)).error().code, Errc::invalid);
}

// ---- Verification ------------------------------------------------------------------------

class VerifyTotp : public ::testing::Test {
 protected:
  static constexpr std::int64_t kNow = 1111111111;  // step 0x23523ED, 1 s into it
  std::uint64_t now_step = totp_step(kNow).value();
  std::string code_at(std::int64_t t) { return totp_code(seed(kSeed20), t).value(); }
};

TEST_F(VerifyTotp, AcceptsTheCurrentCodeAndReturnsItsStep) {
  auto step = verify_totp(seed(kSeed20), code_at(kNow), kNow, std::nullopt);
  ASSERT_TRUE(step.has_value()) << step.error().message;
  EXPECT_EQ(*step, now_step);
}

TEST_F(VerifyTotp, AcceptsOneStepOfClockSkewEitherWay) {
  EXPECT_EQ(verify_totp(seed(kSeed20), code_at(kNow - 30), kNow, std::nullopt).value(),
            now_step - 1);
  EXPECT_EQ(verify_totp(seed(kSeed20), code_at(kNow + 30), kNow, std::nullopt).value(),
            now_step + 1);
}

TEST_F(VerifyTotp, RefusesCodesTwoStepsAway) {
  EXPECT_EQ(verify_totp(seed(kSeed20), code_at(kNow - 60), kNow, std::nullopt).error().code,
            Errc::forbidden);
  EXPECT_EQ(verify_totp(seed(kSeed20), code_at(kNow + 60), kNow, std::nullopt).error().code,
            Errc::forbidden);
}

TEST_F(VerifyTotp, RefusesAWrongCode) {
  std::string wrong = code_at(kNow);
  wrong[0] = wrong[0] == '9' ? '0' : static_cast<char>(wrong[0] + 1);
  auto r = verify_totp(seed(kSeed20), wrong, kNow, std::nullopt);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::forbidden);
  // The same code under another secret is wrong too.
  EXPECT_FALSE(verify_totp(seed(kSeed32), code_at(kNow), kNow, std::nullopt).has_value());
}

TEST_F(VerifyTotp, RefusesReplayOfTheStepAlreadyUsed) {
  auto first = verify_totp(seed(kSeed20), code_at(kNow), kNow, std::nullopt);
  ASSERT_TRUE(first.has_value());
  auto again = verify_totp(seed(kSeed20), code_at(kNow), kNow + 5, *first);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, Errc::conflict);
  // Still refused in the next step, while the window includes it.
  EXPECT_EQ(verify_totp(seed(kSeed20), code_at(kNow), kNow + 30, *first).error().code,
            Errc::conflict);
}

TEST_F(VerifyTotp, RefusesAnOlderCodeOnceANewerOneWasUsed) {
  // The person's app ran ahead: step+1 was accepted; the code of the current step must not be.
  auto ahead = verify_totp(seed(kSeed20), code_at(kNow + 30), kNow, std::nullopt);
  ASSERT_TRUE(ahead.has_value());
  EXPECT_EQ(verify_totp(seed(kSeed20), code_at(kNow), kNow, *ahead).error().code,
            Errc::conflict);
}

TEST_F(VerifyTotp, AcceptsTheNextStepsCodeAfterTheCurrentOneWasUsed) {
  auto step = verify_totp(seed(kSeed20), code_at(kNow + 30), kNow + 30, now_step);
  ASSERT_TRUE(step.has_value());
  EXPECT_EQ(*step, now_step + 1);
}

TEST_F(VerifyTotp, RejectsMalformedCodesAsInvalid) {
  for (std::string_view bad : {"", "12345", "1234567", "12345a", " 123456", "１２３４５６"}) {
    auto r = verify_totp(seed(kSeed20), bad, kNow, std::nullopt);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, Errc::invalid) << bad;
  }
  // An 8-digit code where 6 are expected is malformed, even if its tail is right.
  EXPECT_EQ(verify_totp(seed(kSeed20), "14050471", kNow, std::nullopt).error().code,
            Errc::invalid);
}

TEST_F(VerifyTotp, WorksWithEightDigitSha256) {
  TotpParams p{.algorithm = OtpAlgorithm::sha256, .digits = 8};
  EXPECT_EQ(verify_totp(seed(kSeed32), "67062674", kNow, std::nullopt, p).value(), now_step);
}

TEST_F(VerifyTotp, HandlesTheFirstStepWithoutUnderflow) {
  EXPECT_EQ(verify_totp(seed(kSeed20), code_at(0), 0, std::nullopt).value(), 0u);
  EXPECT_EQ(verify_totp(seed(kSeed20), code_at(30), 0, std::nullopt).value(), 1u);
}

TEST(TotpEnrolment, AFreshSecretRoundTripsThroughTheUriAndVerifies) {
  auto secret = generate_totp_secret().value();
  auto uri = totp_provisioning_uri("Amanat", "amina", secret).value();
  auto from = uri.find("secret=") + 7;
  auto decoded = from_base32(uri.substr(from, uri.find('&', from) - from));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, secret);
  std::int64_t now = 1700000000;
  EXPECT_TRUE(verify_totp(*decoded, totp_code(secret, now).value(), now, std::nullopt));
}

}  // namespace
}  // namespace amanat::auth
