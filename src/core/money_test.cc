#include "core/money.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <set>
#include <vector>

namespace amanat {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

Currency cur(std::string_view code) {
  auto c = currency(code);
  EXPECT_TRUE(c.has_value()) << code;
  return c.value();
}

Money m(std::int64_t minor, std::string_view code) { return Money{minor, cur(code)}; }

// ---- Currency table ------------------------------------------------------------------------

TEST(Currency, KnownCodesHaveTheirIsoNumericCodeAndExponent) {
  struct Row {
    const char* code;
    int numeric;
    int exponent;
  };
  const Row rows[] = {
      // Post-Soviet states.
      {"KZT", 398, 2}, {"KGS", 417, 2}, {"TJS", 972, 2}, {"UZS", 860, 2}, {"TMT", 934, 2},
      {"GEL", 981, 2}, {"AMD", 51, 2},  {"AZN", 944, 2}, {"RUB", 643, 2}, {"UAH", 980, 2},
      {"BYN", 933, 2}, {"MDL", 498, 2},
      // Europe and the majors.
      {"EUR", 978, 2}, {"USD", 840, 2}, {"GBP", 826, 2}, {"CHF", 756, 2}, {"PLN", 985, 2},
      {"CZK", 203, 2}, {"HUF", 348, 2}, {"RON", 946, 2}, {"SEK", 752, 2}, {"NOK", 578, 2},
      {"DKK", 208, 2}, {"RSD", 941, 2}, {"MKD", 807, 2}, {"ALL", 8, 2},   {"BAM", 977, 2},
      {"TRY", 949, 2}, {"CNY", 156, 2}, {"CAD", 124, 2}, {"AUD", 36, 2},
      // Exponent 0.
      {"JPY", 392, 0}, {"KRW", 410, 0}, {"ISK", 352, 0}, {"CLP", 152, 0}, {"VND", 704, 0},
      {"XAF", 950, 0}, {"XOF", 952, 0}, {"XPF", 953, 0}, {"UGX", 800, 0}, {"PYG", 600, 0},
      {"BIF", 108, 0}, {"DJF", 262, 0}, {"GNF", 324, 0}, {"KMF", 174, 0}, {"RWF", 646, 0},
      {"VUV", 548, 0},
      // Exponent 3.
      {"BHD", 48, 3},  {"KWD", 414, 3}, {"OMR", 512, 3}, {"JOD", 400, 3}, {"IQD", 368, 3},
      {"LYD", 434, 3}, {"TND", 788, 3},
  };
  for (const Row& row : rows) {
    auto c = currency(row.code);
    ASSERT_TRUE(c.has_value()) << row.code << ": " << c.error().message;
    EXPECT_EQ(c->code(), row.code);
    EXPECT_EQ(c->numeric(), row.numeric) << row.code;
    EXPECT_EQ(c->exponent(), row.exponent) << row.code;
  }
}

TEST(Currency, UnknownCodeIsRefusedWithAnExample) {
  auto c = currency("XYZ");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, Errc::invalid);
  EXPECT_EQ(c.error().message, "unknown currency code \"XYZ\" (ISO 4217 alphabetic, e.g. KZT)");
}

TEST(Currency, LowerCaseCodeIsRefusedWithAHint) {
  for (const char* code : {"kzt", "Kzt", "usD"}) {
    auto c = currency(code);
    ASSERT_FALSE(c.has_value()) << code;
    EXPECT_EQ(c.error().code, Errc::invalid);
    EXPECT_NE(c.error().message.find("unknown currency code"), std::string::npos);
    EXPECT_NE(c.error().message.find("codes are upper case"), std::string::npos) << code;
  }
}

TEST(Currency, MalformedCodesAreRefused) {
  for (std::string_view code : {std::string_view(""), std::string_view("KZ"),
                                std::string_view("KZTT"), std::string_view(" KZT"),
                                std::string_view("K T"), std::string_view("398"),
                                std::string_view("KZ\0", 3), std::string_view("K\xc3\x9c")}) {
    auto c = currency(code);
    ASSERT_FALSE(c.has_value()) << code;
    EXPECT_EQ(c.error().code, Errc::invalid);
  }
}

TEST(Currency, FundMetalAndTestCodesAreNotCurrencies) {
  for (const char* code : {"XAU", "XAG", "XPD", "XPT", "XTS", "XXX", "XDR", "XUA", "XSU", "BOV",
                           "CLF", "COU", "MXV", "UYI", "UYW", "CHE", "CHW", "USN", "XBA", "XAD"}) {
    auto c = currency(code);
    ASSERT_FALSE(c.has_value()) << code;
    EXPECT_EQ(c.error().code, Errc::invalid);
    EXPECT_NE(c.error().message.find("not a currency"), std::string::npos) << code;
  }
}

TEST(Currency, WithdrawnCodesAreUnknown) {
  for (const char* code : {"HRK", "LTL", "LVL", "EEK", "DEM", "SLL", "RUR", "BYR", "ZWL", "ANG"})
    EXPECT_FALSE(currency(code).has_value()) << code;
}

TEST(Currency, TableIsSortedUniqueAndComplete) {
  auto all = currencies();
  EXPECT_GE(all.size(), 150u);
  std::set<int> numerics;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Currency& c = all[i];
    if (i > 0) {
      EXPECT_LT(all[i - 1], c);
    }
    EXPECT_TRUE(numerics.insert(c.numeric()).second) << "duplicate numeric " << c.numeric();
    EXPECT_TRUE(c.exponent() == 0 || c.exponent() == 2 || c.exponent() == 3) << c.code();
    // Every entry is found by both lookups.
    EXPECT_EQ(currency(c.code()), c);
    EXPECT_EQ(currency_by_numeric(c.numeric()), c);
  }
}

TEST(Currency, UnknownNumericCodeIsRefused) {
  for (int n : {0, -1, 959 /* XAU */, 999 /* XXX */, 1000, 191 /* HRK, withdrawn */}) {
    auto c = currency_by_numeric(n);
    ASSERT_FALSE(c.has_value()) << n;
    EXPECT_EQ(c.error().code, Errc::invalid);
  }
}

TEST(Currency, OrdersByAlphabeticCode) {
  EXPECT_LT(cur("EUR"), cur("KZT"));
  EXPECT_LT(cur("KZT"), cur("USD"));
  EXPECT_EQ(cur("KZT"), cur("KZT"));
  EXPECT_NE(cur("KZT"), cur("KGS"));
}

// ---- Arithmetic ----------------------------------------------------------------------------

TEST(Money, AddsAndSubtractsWithinACurrency) {
  struct Row {
    std::int64_t a, b, sum;
  };
  const Row rows[] = {
      {0, 0, 0},           {150, 250, 400}, {-150, 250, 100},
      {kMax, 0, kMax},     {kMax, -1, kMax - 1},
      {kMin, 1, kMin + 1}, {kMax, kMin, -1},
  };
  for (const Row& r : rows) {
    auto s = add(m(r.a, "KZT"), m(r.b, "KZT"));
    ASSERT_TRUE(s.has_value()) << r.a << " + " << r.b;
    EXPECT_EQ(*s, m(r.sum, "KZT"));
  }
  EXPECT_EQ(sub(m(150, "KZT"), m(250, "KZT")), m(-100, "KZT"));
  EXPECT_EQ(sub(m(-150, "KZT"), m(250, "KZT")), m(-400, "KZT"));
  EXPECT_EQ(sub(m(kMin, "KZT"), m(kMin, "KZT")), m(0, "KZT"));
  EXPECT_EQ(sub(m(-1, "KZT"), m(kMax, "KZT")), m(kMin, "KZT"));
  EXPECT_EQ(negate(m(150, "KZT")), m(-150, "KZT"));
  EXPECT_EQ(negate(m(kMax, "KZT")), m(-kMax, "KZT"));
  EXPECT_EQ(negate(m(0, "JPY")), m(0, "JPY"));
}

TEST(Money, ArithmeticOnDifferentCurrenciesIsRefusedNamingBoth) {
  auto a = m(100, "KZT"), b = m(100, "USD");
  for (auto r : {add(a, b), sub(a, b)}) {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::invalid);
    EXPECT_NE(r.error().message.find("KZT"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("USD"), std::string::npos) << r.error().message;
  }
  auto c = compare(a, b);
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message.find("KZT"), std::string::npos);
  EXPECT_NE(c.error().message.find("USD"), std::string::npos);
}

TEST(Money, OverflowIsAnErrorNotAWrapAround) {
  struct Row {
    const char* what;
    Result<Money> r;
  };
  const Row rows[] = {
      {"max + 1", add(m(kMax, "KZT"), m(1, "KZT"))},
      {"min + -1", add(m(kMin, "KZT"), m(-1, "KZT"))},
      {"max + max", add(m(kMax, "KZT"), m(kMax, "KZT"))},
      {"min - 1", sub(m(kMin, "KZT"), m(1, "KZT"))},
      {"max - -1", sub(m(kMax, "KZT"), m(-1, "KZT"))},
      {"0 - min", sub(m(0, "KZT"), m(kMin, "KZT"))},
      {"-min", negate(m(kMin, "KZT"))},
  };
  for (const Row& row : rows) {
    ASSERT_FALSE(row.r.has_value()) << row.what;
    EXPECT_EQ(row.r.error().code, Errc::invalid);
    EXPECT_NE(row.r.error().message.find("amount overflows"), std::string::npos)
        << row.what << ": " << row.r.error().message;
  }
}

TEST(Money, ComparesWithinACurrency) {
  EXPECT_EQ(compare(m(100, "KZT"), m(200, "KZT")), std::strong_ordering::less);
  EXPECT_EQ(compare(m(200, "KZT"), m(200, "KZT")), std::strong_ordering::equal);
  EXPECT_EQ(compare(m(-1, "KZT"), m(kMin, "KZT")), std::strong_ordering::greater);
  // Equality never crosses currencies: zero tenge is not zero dollars.
  EXPECT_NE(m(0, "KZT"), m(0, "USD"));
}

TEST(Money, SumIsExactAndIndependentOfOrder) {
  Currency kzt = cur("KZT");
  EXPECT_EQ(sum(kzt, {}), m(0, "KZT"));
  std::vector<Money> v = {m(150, "KZT"), m(-50, "KZT"), m(1, "KZT")};
  EXPECT_EQ(sum(kzt, v), m(101, "KZT"));
  // A partial sum leaves int64 but the total fits: no spurious failure, whatever the order.
  std::vector<Money> w = {m(kMax, "KZT"), m(kMax, "KZT"), m(kMin, "KZT"), m(kMin, "KZT"),
                          m(5, "KZT")};
  EXPECT_EQ(sum(kzt, w), m(3, "KZT"));
  std::vector<Money> big = {m(kMax, "KZT"), m(1, "KZT")};
  auto over = sum(kzt, big);
  ASSERT_FALSE(over.has_value());
  EXPECT_NE(over.error().message.find("amount overflows"), std::string::npos);
}

TEST(Money, SumRefusesAnAmountInAnotherCurrency) {
  std::vector<Money> v = {m(150, "KZT"), m(1, "USD")};
  auto r = sum(cur("KZT"), v);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("KZT"), std::string::npos);
  EXPECT_NE(r.error().message.find("USD"), std::string::npos);
}

// ---- Formatting ----------------------------------------------------------------------------

TEST(Money, FormatsAPlainDecimalWithExactlyExponentFractionDigits) {
  struct Row {
    std::int64_t minor;
    const char* code;
    const char* text;
  };
  const Row rows[] = {
      {123456, "KZT", "1234.56 KZT"},
      {0, "KZT", "0.00 KZT"},
      {5, "KZT", "0.05 KZT"},
      {-5, "KZT", "-0.05 KZT"},
      {-100, "USD", "-1.00 USD"},
      {123456789012, "EUR", "1234567890.12 EUR"},  // no thousands separators
      {1234, "JPY", "1234 JPY"},
      {-7, "JPY", "-7 JPY"},
      {0, "JPY", "0 JPY"},
      {1, "BHD", "0.001 BHD"},
      {-1234567, "KWD", "-1234.567 KWD"},
      {kMax, "KZT", "92233720368547758.07 KZT"},
      {kMin, "KZT", "-92233720368547758.08 KZT"},
      {kMin, "JPY", "-9223372036854775808 JPY"},
      {kMax, "OMR", "9223372036854775.807 OMR"},
  };
  for (const Row& r : rows) EXPECT_EQ(format(m(r.minor, r.code)), r.text);
  EXPECT_EQ(format_amount(m(123456, "KZT")), "1234.56");
}

// ---- Parsing -------------------------------------------------------------------------------

TEST(Money, ParsesPlainDecimalsPaddingMissingFractionDigits) {
  struct Row {
    const char* text;
    const char* code;
    std::int64_t minor;
  };
  const Row rows[] = {
      {"1234.56", "KZT", 123456},
      {"1234.5", "KZT", 123450},
      {"1234", "KZT", 123400},
      {"0", "KZT", 0},
      {"0.0", "KZT", 0},
      {"0.00", "KZT", 0},
      {"0.05", "KZT", 5},
      {"-0.05", "KZT", -5},
      {"-12", "USD", -1200},
      {"1234", "JPY", 1234},
      {"-1", "JPY", -1},
      {"1.5", "BHD", 1500},
      {"0.001", "BHD", 1},
      {"92233720368547758.07", "KZT", kMax},
      {"-92233720368547758.08", "KZT", kMin},
      {"9223372036854775807", "JPY", kMax},
      {"-9223372036854775808", "JPY", kMin},
  };
  for (const Row& r : rows) {
    auto p = parse_money(r.text, r.code);
    ASSERT_TRUE(p.has_value()) << r.text << " " << r.code << ": " << p.error().message;
    EXPECT_EQ(*p, m(r.minor, r.code)) << r.text;
  }
}

TEST(Money, ParsingMoreDecimalsThanTheCurrencyHasIsRefused) {
  struct Row {
    const char* text;
    const char* code;
    const char* message;
  };
  const Row rows[] = {
      {"1.234", "KZT", "KZT has 2 decimal places; \"1.234\" has 3"},
      {"1.230", "KZT", "KZT has 2 decimal places; \"1.230\" has 3"},  // even trailing zeros
      {"-0.001", "USD", "USD has 2 decimal places; \"-0.001\" has 3"},
      {"1.5", "JPY", "JPY has 0 decimal places; \"1.5\" has 1"},
      {"1.0", "JPY", "JPY has 0 decimal places; \"1.0\" has 1"},
      {"0.0001", "BHD", "BHD has 3 decimal places; \"0.0001\" has 4"},
  };
  for (const Row& r : rows) {
    auto p = parse_money(r.text, r.code);
    ASSERT_FALSE(p.has_value()) << r.text;
    EXPECT_EQ(p.error().code, Errc::invalid);
    EXPECT_EQ(p.error().message, r.message);
  }
}

TEST(Money, ParsingAnythingButAPlainDecimalIsRefused) {
  const char* rows[] = {
      "",       "-",      "+1",     " 1",      "1 ",       "1,000",    "1 000",  "1'000",
      "1e3",    "1E3",    "1.5e2",  "01",      "00",       "00.5",     "-01",    ".5",
      "-.5",    "1.",     "-1.",    "1..2",    "1.2.3",    "--1",      "-0",     "-0.00",
      "0x10",   "1_000",  "NaN",    "inf",     "1,50",     "\xd9\xa1", "1\n",    "12KZT",
      "1.5 KZT", "\xef\xbc\x91" /* fullwidth 1 */, "-+1", "٫5",
  };
  for (const char* text : rows) {
    auto p = parse_money(text, "KZT");
    ASSERT_FALSE(p.has_value()) << '"' << text << "\" parsed as " << p->minor;
    EXPECT_EQ(p.error().code, Errc::invalid);
    EXPECT_EQ(p.error().message.rfind("invalid KZT amount ", 0), 0u) << p.error().message;
  }
}

TEST(Money, ParsingAnAmountOutsideInt64IsRefused) {
  struct Row {
    const char* text;
    const char* code;
  };
  const Row rows[] = {
      {"92233720368547758.08", "KZT"},
      {"-92233720368547758.09", "KZT"},
      {"92233720368547759", "KZT"},
      {"9223372036854775808", "JPY"},
      {"-9223372036854775809", "JPY"},
      {"99999999999999999999999999999999", "USD"},
      {"18446744073709551616", "JPY"},  // 2^64: wraps to 0 if unchecked
      {"9223372036854775.808", "BHD"},
  };
  for (const Row& r : rows) {
    auto p = parse_money(r.text, r.code);
    ASSERT_FALSE(p.has_value()) << r.text;
    EXPECT_EQ(p.error().code, Errc::invalid);
    EXPECT_NE(p.error().message.find("amount overflows"), std::string::npos) << p.error().message;
  }
}

TEST(Money, ParsingWithAnUnknownCurrencyIsRefused) {
  auto p = parse_money("1.00", "XYZ");
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().message, "unknown currency code \"XYZ\" (ISO 4217 alphabetic, e.g. KZT)");
  EXPECT_FALSE(parse_money("1.00", "kzt").has_value());
}

TEST(Money, ErrorMessagesQuoteLongOrBinaryInputShortAndEscaped) {
  std::string huge(100000, '7');
  huge += "x";
  auto p = parse_money(huge, "KZT");
  ASSERT_FALSE(p.has_value());
  EXPECT_LT(p.error().message.size(), 400u);
  auto q = parse_money(std::string_view("1\0" "2", 3), "KZT");
  ASSERT_FALSE(q.has_value());
  EXPECT_NE(q.error().message.find("\\x00"), std::string::npos) << q.error().message;
}

// ---- Exchange rates ------------------------------------------------------------------------

TEST(MoneyConvert, ParsesDecimalRatesToReducedFractions) {
  struct Row {
    const char* text;
    std::int64_t num, den;
  };
  const Row rows[] = {
      {"0.0019", 19, 10000},
      {"1", 1, 1},
      {"1.50", 3, 2},
      {"450.25", 1801, 4},
      {"0.000000000000000001", 1, 1000000000000000000},
      {"9223372036854775807", kMax, 1},
  };
  for (const Row& r : rows) {
    auto rate = parse_rate(r.text);
    ASSERT_TRUE(rate.has_value()) << r.text << ": " << rate.error().message;
    EXPECT_EQ(*rate, (Rate{r.num, r.den})) << r.text;
  }
  EXPECT_EQ(make_rate(6, 4), (Rate{3, 2}));
}

TEST(MoneyConvert, MalformedOrNonPositiveRatesAreRefused) {
  for (const char* text : {"", "0", "0.000", "-1", "+1", "1e-3", ".5", "5.", "01", " 1", "1/3",
                           "1,5", "0.0000000000000000001", "9223372036854775808", "NaN"}) {
    auto rate = parse_rate(text);
    ASSERT_FALSE(rate.has_value()) << '"' << text << '"';
    EXPECT_EQ(rate.error().code, Errc::invalid);
  }
  for (Rate bad : {Rate{0, 1}, Rate{1, 0}, Rate{-1, 2}, Rate{1, -2}}) {
    EXPECT_FALSE(make_rate(bad.num, bad.den).has_value());
    EXPECT_FALSE(convert(m(100, "KZT"), cur("USD"), bad).has_value());
  }
}

TEST(MoneyConvert, RoundsHalfToEvenInTheTargetMinorUnit) {
  struct Row {
    std::int64_t minor;
    const char* from;
    const char* to;
    const char* rate;
    std::int64_t want;
  };
  const Row rows[] = {
      // 100000.00 KZT at 1 KZT = 0.0019 USD is exactly 190.00 USD.
      {10000000, "KZT", "USD", "0.0019", 19000},
      // Ties go to the even neighbour, symmetrically for negatives.
      {1, "KZT", "USD", "0.5", 0},
      {3, "KZT", "USD", "0.5", 2},
      {5, "KZT", "USD", "0.5", 2},
      {7, "KZT", "USD", "0.5", 4},
      {-3, "KZT", "USD", "0.5", -2},
      {-5, "KZT", "USD", "0.5", -2},
      // Not ties: nearest.
      {1, "KZT", "USD", "0.6", 1},
      {1, "KZT", "USD", "0.4", 0},
      {-1, "KZT", "USD", "0.6", -1},
      {5, "KZT", "USD", "0.5001", 3},
      // 1.00 KZT at 0.0019 is 0.0019 USD: rounds to 0.00.
      {100, "KZT", "USD", "0.0019", 0},
      // 2.63 KZT at 0.0019 is 0.004997 USD: rounds to 0.00; 2.64 KZT -> 0.005016 -> 0.01.
      {263, "KZT", "USD", "0.0019", 0},
      {264, "KZT", "USD", "0.0019", 1},
      // Different exponents: 100 JPY at 3.1 KZT per JPY is 310.00 KZT.
      {100, "JPY", "KZT", "3.1", 31000},
      // 2.50 KZT at 1 JPY per KZT is 2.5 JPY -> 2; 3.50 -> 4; 1.50 KZT at 0.3 -> 0.45 JPY -> 0.
      {250, "KZT", "JPY", "1", 2},
      {350, "KZT", "JPY", "1", 4},
      {150, "KZT", "JPY", "0.3", 0},
      // 1.000 BHD at 2.65 USD is 2.65 USD; 1.00 USD at 0.376 BHD is 0.376 BHD.
      {1000, "BHD", "USD", "2.65", 265},
      {100, "USD", "BHD", "0.376", 376},
      // Into a currency without minor unit: 0.005 KWD at 1 JPY per KWD is 0.005 JPY -> 0;
      // 0.500 KWD -> 0.5 JPY -> 0 (tie, even); 1.500 KWD -> 2.
      {5, "KWD", "JPY", "1", 0},
      {500, "KWD", "JPY", "1", 0},
      {1500, "KWD", "JPY", "1", 2},
      // The extremes convert at rate 1 between equal exponents unchanged.
      {kMax, "KZT", "USD", "1", kMax},
      {kMin, "KZT", "USD", "1", kMin},
  };
  for (const Row& r : rows) {
    auto rate = parse_rate(r.rate);
    ASSERT_TRUE(rate.has_value()) << r.rate;
    auto got = convert(m(r.minor, r.from), cur(r.to), *rate);
    ASSERT_TRUE(got.has_value()) << r.minor << " " << r.from << ": " << got.error().message;
    EXPECT_EQ(*got, m(r.want, r.to)) << r.minor << " " << r.from << " -> " << r.to << " at "
                                     << r.rate;
  }
}

TEST(MoneyConvert, ConversionOverflowIsRefused) {
  struct Row {
    Money from;
    const char* to;
    Rate rate;
  };
  const Row rows[] = {
      {m(kMax, "KZT"), "USD", Rate{2, 1}},
      {m(kMin, "KZT"), "USD", Rate{3, 2}},
      {m(kMin, "KZT"), "USD", Rate{kMax, 1}},
      // The 10^3 exponent shift on top of a 2^126 product leaves even 128 bits.
      {m(kMax, "JPY"), "BHD", Rate{kMax, 1}},
      {m(kMin, "JPY"), "BHD", Rate{kMax, 1}},
      {m(kMax / 100 + 1, "JPY"), "KZT", Rate{1, 1}},
  };
  for (const Row& r : rows) {
    auto got = convert(r.from, cur(r.to), r.rate);
    ASSERT_FALSE(got.has_value()) << format(r.from);
    EXPECT_NE(got.error().message.find("amount overflows"), std::string::npos)
        << got.error().message;
  }
  // Just inside the range.
  EXPECT_EQ(convert(m(kMax / 100, "JPY"), cur("KZT"), Rate{1, 1}), m(kMax / 100 * 100, "KZT"));
}

// ---- Properties ----------------------------------------------------------------------------

// Amounts of every size: uniform over int64 is nearly always 18-19 digits, so also draw the
// number of digits first, and mix in the edges.
std::int64_t random_amount(std::mt19937_64& rng) {
  switch (rng() % 8) {
    case 0: {
      const std::int64_t edges[] = {0, 1, -1, kMax, kMin, kMax - 1, kMin + 1, 100, -100};
      return edges[rng() % std::size(edges)];
    }
    case 1:
    case 2:
      return static_cast<std::int64_t>(rng());
    default: {
      int digits = static_cast<int>(rng() % 19);
      std::int64_t limit = 1;
      for (int i = 0; i < digits; ++i) limit *= 10;
      std::int64_t v = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(limit));
      return rng() % 2 ? -v : v;
    }
  }
}

TEST(MoneyProperty, FormatThenParseRoundTripsInEveryCurrency) {
  std::mt19937_64 rng(20240917);
  for (const Currency& c : currencies()) {
    for (int i = 0; i < 300; ++i) {
      Money a{random_amount(rng), c};
      std::string text = format(a);
      std::string amount = format_amount(a);
      ASSERT_EQ(text, amount + " " + std::string(c.code()));
      auto back = parse_money(amount, c.code());
      ASSERT_TRUE(back.has_value()) << text << ": " << back.error().message;
      ASSERT_EQ(*back, a) << text;
      ASSERT_EQ(format_amount(*back), amount);
    }
  }
}

TEST(RateOption, CodeEqualsRateIsTheOneSpellingOfTheCliAndTheApi) {
  auto r = parse_rate_option("USD=450.25");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->first, "USD");
  EXPECT_EQ(r->second, *parse_rate("450.25"));
  for (const char* bad : {"USD:450.25", "USD", "=450.25", "XXQ=1", "USD=", "USD=0", "USD=-1", "USD=1e3", "usd=1"}) {
    auto b = parse_rate_option(bad);
    EXPECT_FALSE(b) << bad;
    if (!b) {
      EXPECT_EQ(b.error().code, Errc::invalid) << bad;
    }
  }
  EXPECT_NE(parse_rate_option("USD:450.25").error().message.find("CODE=RATE"), std::string::npos);
}

TEST(MoneyProperty, AddingThenSubtractingGivesBackTheOriginal) {
  std::mt19937_64 rng(7);
  Currency c = cur("KZT");
  int overflows = 0;
  for (int i = 0; i < 200000; ++i) {
    Money a{random_amount(rng), c}, b{random_amount(rng), c};
    __int128 exact = static_cast<__int128>(a.minor) + b.minor;
    bool fits = exact >= kMin && exact <= kMax;
    auto s = add(a, b);
    ASSERT_EQ(s.has_value(), fits) << a.minor << " + " << b.minor;
    if (!fits) {
      ++overflows;
      continue;
    }
    ASSERT_EQ(s->minor, static_cast<std::int64_t>(exact));
    ASSERT_EQ(sub(*s, b), a);
    ASSERT_EQ(sub(*s, a), b);
  }
  EXPECT_GT(overflows, 0);  // the generator does reach the edges
}

TEST(MoneyProperty, SumsOfRandomAmountsNeverSilentlyOverflow) {
  std::mt19937_64 rng(42);
  Currency c = cur("USD");
  int failed = 0, succeeded = 0;
  for (int round = 0; round < 2000; ++round) {
    std::vector<Money> v;
    std::size_t n = rng() % 40;
    for (std::size_t i = 0; i < n; ++i) v.push_back(Money{random_amount(rng), c});

    __int128 exact = 0;
    for (const Money& x : v) exact += x.minor;
    bool fits = exact >= kMin && exact <= kMax;
    auto total = sum(c, v);
    ASSERT_EQ(total.has_value(), fits);
    if (fits) {
      ASSERT_EQ(total->minor, static_cast<std::int64_t>(exact));
      ++succeeded;
    } else {
      EXPECT_NE(total.error().message.find("amount overflows"), std::string::npos);
      ++failed;
    }

    // Folding with add: every step is either exact or an error, never a wrapped value.
    Money acc{0, c};
    __int128 partial = 0;
    for (const Money& x : v) {
      partial += x.minor;
      auto next = add(acc, x);
      if (partial < kMin || partial > kMax) {
        ASSERT_FALSE(next.has_value());
        break;
      }
      ASSERT_TRUE(next.has_value());
      ASSERT_EQ(next->minor, static_cast<std::int64_t>(partial));
      acc = *next;
    }
  }
  EXPECT_GT(failed, 0);
  EXPECT_GT(succeeded, 0);
}

TEST(MoneyProperty, ConversionIsWithinHalfAMinorUnitAndMonotonic) {
  std::mt19937_64 rng(99);
  const char* codes[] = {"KZT", "USD", "JPY", "BHD", "EUR", "KWD", "VND"};
  for (int i = 0; i < 20000; ++i) {
    Currency from = cur(codes[rng() % std::size(codes)]);
    Currency to = cur(codes[rng() % std::size(codes)]);
    Rate rate{static_cast<std::int64_t>(rng() % 1000000 + 1),
              static_cast<std::int64_t>(rng() % 1000000 + 1)};
    std::int64_t a = static_cast<std::int64_t>(rng() % 2000000000) - 1000000000;
    std::int64_t b = a + static_cast<std::int64_t>(rng() % 1000);
    auto ca = convert(Money{a, from}, to, rate);
    auto cb = convert(Money{b, from}, to, rate);
    ASSERT_TRUE(ca.has_value() && cb.has_value());
    ASSERT_LE(ca->minor, cb->minor);
    // |result - exact| <= 1/2, i.e. |2 * (result * d - n)| <= d.
    int shift = to.exponent() - from.exponent();
    __int128 n = static_cast<__int128>(a) * rate.num, d = rate.den;
    for (int k = 0; k < shift; ++k) n *= 10;
    for (int k = 0; k < -shift; ++k) d *= 10;
    __int128 err = static_cast<__int128>(ca->minor) * d - n;
    if (err < 0) err = -err;
    ASSERT_LE(2 * err, d) << a << " " << from.code() << " -> " << to.code();
  }
}

}  // namespace
}  // namespace amanat
