#include "core/money.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace amanat {

// Builds the table; the only code allowed to call Currency's private constructor.
struct CurrencyTable {
  static constexpr Currency make(const char (&code)[4], std::uint16_t numeric,
                                 std::uint8_t exponent) {
    return Currency({code[0], code[1], code[2]}, numeric, exponent);
  }
};

namespace {

constexpr Currency C(const char (&code)[4], std::uint16_t numeric, std::uint8_t exponent) {
  return CurrencyTable::make(code, numeric, exponent);
}

// ISO 4217 list one (currencies in current use) as published by SIX, the maintenance agency,
// on 2026-01-01: alphabetic code, numeric code, minor-unit exponent. Sorted by code, which the
// lookup's binary search needs and the static_assert below checks.
//
// Left out on purpose, because they are not money an NGO keeps books in: the funds and
// indexed units (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW), units of account (XAD, XBA,
// XBB, XBC, XBD, XDR, XSU, XUA), precious metals (XAG, XAU, XPD, XPT) and the test and
// "no currency" codes (XTS, XXX). kNotMoney names them so the error can say why.
//
// Kept although withdrawn: BGN (Bulgaria adopted the euro on 2026-01-01), because books for
// 2025 and earlier are still kept and audited in it; its numeric code is not reused.
// Not kept: earlier withdrawals (HRK, SLL, ANG, ZWL, CUC, ...); ANG's numeric code 532 now
// belongs to XCG.
constexpr Currency kTable[] = {
    C("AED", 784, 2), C("AFN", 971, 2), C("ALL", 8, 2),   C("AMD", 51, 2),  C("AOA", 973, 2),
    C("ARS", 32, 2),  C("AUD", 36, 2),  C("AWG", 533, 2), C("AZN", 944, 2), C("BAM", 977, 2),
    C("BBD", 52, 2),  C("BDT", 50, 2),  C("BGN", 975, 2), C("BHD", 48, 3),  C("BIF", 108, 0),
    C("BMD", 60, 2),  C("BND", 96, 2),  C("BOB", 68, 2),  C("BRL", 986, 2), C("BSD", 44, 2),
    C("BTN", 64, 2),  C("BWP", 72, 2),  C("BYN", 933, 2), C("BZD", 84, 2),  C("CAD", 124, 2),
    C("CDF", 976, 2), C("CHF", 756, 2), C("CLP", 152, 0), C("CNY", 156, 2), C("COP", 170, 2),
    C("CRC", 188, 2), C("CUP", 192, 2), C("CVE", 132, 2), C("CZK", 203, 2), C("DJF", 262, 0),
    C("DKK", 208, 2), C("DOP", 214, 2), C("DZD", 12, 2),  C("EGP", 818, 2), C("ERN", 232, 2),
    C("ETB", 230, 2), C("EUR", 978, 2), C("FJD", 242, 2), C("FKP", 238, 2), C("GBP", 826, 2),
    C("GEL", 981, 2), C("GHS", 936, 2), C("GIP", 292, 2), C("GMD", 270, 2), C("GNF", 324, 0),
    C("GTQ", 320, 2), C("GYD", 328, 2), C("HKD", 344, 2), C("HNL", 340, 2), C("HTG", 332, 2),
    C("HUF", 348, 2), C("IDR", 360, 2), C("ILS", 376, 2), C("INR", 356, 2), C("IQD", 368, 3),
    C("IRR", 364, 2), C("ISK", 352, 0), C("JMD", 388, 2), C("JOD", 400, 3), C("JPY", 392, 0),
    C("KES", 404, 2), C("KGS", 417, 2), C("KHR", 116, 2), C("KMF", 174, 0), C("KPW", 408, 2),
    C("KRW", 410, 0), C("KWD", 414, 3), C("KYD", 136, 2), C("KZT", 398, 2), C("LAK", 418, 2),
    C("LBP", 422, 2), C("LKR", 144, 2), C("LRD", 430, 2), C("LSL", 426, 2), C("LYD", 434, 3),
    C("MAD", 504, 2), C("MDL", 498, 2), C("MGA", 969, 2), C("MKD", 807, 2), C("MMK", 104, 2),
    C("MNT", 496, 2), C("MOP", 446, 2), C("MRU", 929, 2), C("MUR", 480, 2), C("MVR", 462, 2),
    C("MWK", 454, 2), C("MXN", 484, 2), C("MYR", 458, 2), C("MZN", 943, 2), C("NAD", 516, 2),
    C("NGN", 566, 2), C("NIO", 558, 2), C("NOK", 578, 2), C("NPR", 524, 2), C("NZD", 554, 2),
    C("OMR", 512, 3), C("PAB", 590, 2), C("PEN", 604, 2), C("PGK", 598, 2), C("PHP", 608, 2),
    C("PKR", 586, 2), C("PLN", 985, 2), C("PYG", 600, 0), C("QAR", 634, 2), C("RON", 946, 2),
    C("RSD", 941, 2), C("RUB", 643, 2), C("RWF", 646, 0), C("SAR", 682, 2), C("SBD", 90, 2),
    C("SCR", 690, 2), C("SDG", 938, 2), C("SEK", 752, 2), C("SGD", 702, 2), C("SHP", 654, 2),
    C("SLE", 925, 2), C("SOS", 706, 2), C("SRD", 968, 2), C("SSP", 728, 2), C("STN", 930, 2),
    C("SVC", 222, 2), C("SYP", 760, 2), C("SZL", 748, 2), C("THB", 764, 2), C("TJS", 972, 2),
    C("TMT", 934, 2), C("TND", 788, 3), C("TOP", 776, 2), C("TRY", 949, 2), C("TTD", 780, 2),
    C("TWD", 901, 2), C("TZS", 834, 2), C("UAH", 980, 2), C("UGX", 800, 0), C("USD", 840, 2),
    C("UYU", 858, 2), C("UZS", 860, 2), C("VED", 926, 2), C("VES", 928, 2), C("VND", 704, 0),
    C("VUV", 548, 0), C("WST", 882, 2), C("XAF", 950, 0), C("XCD", 951, 2), C("XCG", 532, 2),
    C("XOF", 952, 0), C("XPF", 953, 0), C("YER", 886, 2), C("ZAR", 710, 2), C("ZMW", 967, 2),
    C("ZWG", 924, 2),
};

constexpr std::string_view kNotMoney[] = {
    "BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW", "XAD", "XAG", "XAU",
    "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX",
};

// The table is hand-maintained, so check at compile time what the code relies on: sorted and
// unique codes (binary search), upper-case letters only, unique numeric codes (numeric lookup),
// and exponents of at most 3 (the powers of ten in convert() and the overflow bounds assume it).
constexpr bool table_is_well_formed() {
  for (std::size_t i = 0; i < std::size(kTable); ++i) {
    for (char ch : kTable[i].code())
      if (ch < 'A' || ch > 'Z') return false;
    if (kTable[i].exponent() > 3 || kTable[i].numeric() < 1 || kTable[i].numeric() > 999)
      return false;
    if (i > 0 && !(kTable[i - 1].code() < kTable[i].code())) return false;
    for (std::size_t j = 0; j < i; ++j)
      if (kTable[j].numeric() == kTable[i].numeric()) return false;
  }
  return true;
}
static_assert(table_is_well_formed());

// Quotes text from the input for an error message: escaped, and cut short so that a
// megabyte pasted into a form field does not become a megabyte of log line.
std::string quote(std::string_view s) {
  constexpr std::size_t kMax = 40;
  static const char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < kMax; ++i) {
    unsigned char ch = static_cast<unsigned char>(s[i]);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += static_cast<char>(ch);
    } else if (ch < 0x20 || ch >= 0x7f) {
      out += "\\x";
      out += hex[ch >> 4];
      out += hex[ch & 15];
    } else {
      out += static_cast<char>(ch);
    }
  }
  if (s.size() > kMax) out += "...";
  out += '"';
  return out;
}

bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

std::string mismatch(const char* verb, Currency a, Currency b) {
  return std::string("cannot ") + verb + " " + std::string(a.code()) + " and " +
         std::string(b.code()) + " amounts: different currencies need an explicit conversion";
}

// What every overflow says: which value, and the range an amount of c has (int64 minor units).
Error overflow(Currency c, const char* what) {
  Money lo{std::numeric_limits<std::int64_t>::min(), c};
  Money hi{std::numeric_limits<std::int64_t>::max(), c};
  return Error{Errc::invalid, std::string("amount overflows: ") + what + " leaves the range " +
                                  format_amount(lo) + " to " + format_amount(hi) + " " +
                                  std::string(c.code())};
}

constexpr std::int64_t kPow10[] = {1, 10, 100, 1000};

}  // namespace

// ---- Currencies ----------------------------------------------------------------------------

Result<Currency> currency(std::string_view code) {
  auto unknown = [&] {
    return "unknown currency code " + quote(code) + " (ISO 4217 alphabetic, e.g. KZT)";
  };
  if (code.size() != 3) return fail(Errc::invalid, unknown());
  auto it = std::ranges::lower_bound(kTable, code, {}, &Currency::code);
  if (it != std::end(kTable) && it->code() == code) return *it;

  if (std::ranges::find(kNotMoney, code) != std::end(kNotMoney))
    return fail(Errc::invalid, quote(code) +
                                   " is an ISO 4217 fund, unit of account, precious metal or "
                                   "test code, not a currency that books are kept in");
  std::string upper(code);
  for (char& ch : upper)
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  if (upper != code) {
    auto up = std::ranges::lower_bound(kTable, std::string_view(upper), {}, &Currency::code);
    if (up != std::end(kTable) && up->code() == upper)
      return fail(Errc::invalid, unknown() + "; codes are upper case: " + upper);
  }
  return fail(Errc::invalid, unknown());
}

Result<Currency> currency_by_numeric(int numeric) {
  for (const Currency& c : kTable)
    if (c.numeric() == numeric) return c;
  return fail(Errc::invalid, "unknown ISO 4217 numeric currency code " + std::to_string(numeric) +
                                 " (e.g. 398 for KZT)");
}

std::span<const Currency> currencies() { return kTable; }

// ---- Arithmetic ----------------------------------------------------------------------------

Result<Money> add(Money a, Money b) {
  if (a.currency != b.currency) return fail(Errc::invalid, mismatch("add", a.currency, b.currency));
  std::int64_t r;
  if (__builtin_add_overflow(a.minor, b.minor, &r))
    return std::unexpected(overflow(a.currency, "the sum"));
  return Money{r, a.currency};
}

Result<Money> sub(Money a, Money b) {
  if (a.currency != b.currency)
    return fail(Errc::invalid, mismatch("subtract", a.currency, b.currency));
  std::int64_t r;
  if (__builtin_sub_overflow(a.minor, b.minor, &r))
    return std::unexpected(overflow(a.currency, "the difference"));
  return Money{r, a.currency};
}

Result<Money> negate(Money a) {
  std::int64_t r;
  if (__builtin_sub_overflow(std::int64_t{0}, a.minor, &r))
    return std::unexpected(overflow(a.currency, "the negated amount"));
  return Money{r, a.currency};
}

Result<Money> sum(Currency c, std::span<const Money> amounts) {
  // 2^64 terms of at most 2^63 each stay below 2^127: the 128-bit total cannot overflow.
  __int128 total = 0;
  for (const Money& m : amounts) {
    if (m.currency != c) return fail(Errc::invalid, mismatch("sum", c, m.currency));
    total += m.minor;
  }
  if (total < std::numeric_limits<std::int64_t>::min() ||
      total > std::numeric_limits<std::int64_t>::max())
    return std::unexpected(overflow(c, "the total"));
  return Money{static_cast<std::int64_t>(total), c};
}

Result<std::strong_ordering> compare(Money a, Money b) {
  if (a.currency != b.currency)
    return fail(Errc::invalid, mismatch("compare", a.currency, b.currency));
  return a.minor <=> b.minor;
}

// ---- Text ----------------------------------------------------------------------------------

std::string format_amount(Money m) {
  // The magnitude as unsigned, so that the most negative amount has one too.
  std::uint64_t mag = m.minor < 0 ? 0 - static_cast<std::uint64_t>(m.minor)
                                  : static_cast<std::uint64_t>(m.minor);
  std::string digits = std::to_string(mag);
  std::size_t e = static_cast<std::size_t>(m.currency.exponent());
  if (e > 0) {
    if (digits.size() < e + 1) digits.insert(0, e + 1 - digits.size(), '0');
    digits.insert(digits.size() - e, 1, '.');
  }
  return m.minor < 0 ? "-" + digits : digits;
}

std::string format(Money m) { return format_amount(m) + " " + std::string(m.currency.code()); }

Result<Money> parse_money(std::string_view s, Currency c) {
  std::string code(c.code());
  auto bad = [&](std::string why) {
    return fail(Errc::invalid, "invalid " + code + " amount " + quote(s) + ": " + why);
  };
  if (s.empty()) return bad("it is empty");

  std::size_t i = 0;
  bool negative = s[0] == '-';
  if (negative) i = 1;
  std::size_t int_begin = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  std::string_view int_part = s.substr(int_begin, i - int_begin);
  std::string_view frac_part;
  bool has_point = i < s.size() && s[i] == '.';
  if (has_point) {
    std::size_t frac_begin = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    frac_part = s.substr(frac_begin, i - frac_begin);
  }

  const char* shape = "write a plain decimal such as 1234.56 (optional leading '-', no '+', "
                      "spaces, thousands separators or exponents)";
  if (i < s.size())
    return bad("unexpected " + quote(s.substr(i, 1)) + " at offset " + std::to_string(i) + "; " +
               shape);
  if (int_part.empty())
    return bad("expected a digit at offset " + std::to_string(int_begin) + "; " + shape);
  if (int_part.size() > 1 && int_part[0] == '0') return bad("leading zeros are not allowed");
  if (has_point && frac_part.empty()) return bad("expected digits after '.'");
  int e = c.exponent();
  if (has_point && frac_part.size() > static_cast<std::size_t>(e))
    return fail(Errc::invalid, code + " has " + std::to_string(e) + " decimal places; " +
                                   quote(s) + " has " + std::to_string(frac_part.size()));

  // Accumulate the digits, then the padding zeros, into an unsigned magnitude; its bound
  // depends on the sign because int64 has one more negative value than positive ones.
  std::uint64_t mag = 0;
  bool over = false;
  auto push = [&](char d) {
    over = over || __builtin_mul_overflow(mag, std::uint64_t{10}, &mag) ||
           __builtin_add_overflow(mag, static_cast<std::uint64_t>(d - '0'), &mag);
  };
  for (char d : int_part) push(d);
  for (char d : frac_part) push(d);
  for (std::size_t k = frac_part.size(); k < static_cast<std::size_t>(e); ++k) push('0');
  constexpr std::uint64_t kMaxPos = std::numeric_limits<std::int64_t>::max();
  if (over || mag > kMaxPos + (negative ? 1 : 0))
    return std::unexpected(overflow(c, (code + " amount " + quote(s)).c_str()));
  if (negative && mag == 0) return bad("negative zero; write 0");

  std::int64_t minor = negative ? static_cast<std::int64_t>(0 - mag) : static_cast<std::int64_t>(mag);
  return Money{minor, c};
}

Result<Money> parse_money(std::string_view amount, std::string_view code) {
  auto c = currency(code);
  if (!c) return err(c);
  return parse_money(amount, *c);
}

// ---- Exchange ------------------------------------------------------------------------------

Result<Rate> make_rate(std::int64_t num, std::int64_t den) {
  if (num <= 0 || den <= 0)
    return fail(Errc::invalid, "an exchange rate must be positive, got " + std::to_string(num) +
                                   "/" + std::to_string(den));
  std::int64_t g = std::gcd(num, den);
  return Rate{num / g, den / g};
}

Result<std::pair<std::string, Rate>> parse_rate_option(std::string_view s) {
  auto eq = s.find('=');
  if (eq == std::string_view::npos) return fail(Errc::invalid, "write CODE=RATE, e.g. USD=450.25");
  std::string code(s.substr(0, eq));
  if (auto c = currency(code); !c) return err(c);
  auto r = parse_rate(s.substr(eq + 1));
  if (!r) return err(r);
  return std::pair{std::move(code), *r};
}

Result<Rate> parse_rate(std::string_view s) {
  auto bad = [&](std::string why) {
    return fail(Errc::invalid, "invalid exchange rate " + quote(s) + ": " + why);
  };
  std::size_t i = 0;
  while (i < s.size() && is_digit(s[i])) ++i;
  std::string_view int_part = s.substr(0, i);
  std::string_view frac_part;
  bool has_point = i < s.size() && s[i] == '.';
  if (has_point) {
    std::size_t frac_begin = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    frac_part = s.substr(frac_begin, i - frac_begin);
  }
  const char* shape = "write a positive plain decimal such as 0.0019 (no sign, spaces or exponent)";
  if (i < s.size())
    return bad("unexpected " + quote(s.substr(i, 1)) + " at offset " + std::to_string(i) + "; " +
               shape);
  if (int_part.empty()) return bad(shape);
  if (int_part.size() > 1 && int_part[0] == '0') return bad("leading zeros are not allowed");
  if (has_point && frac_part.empty()) return bad("expected digits after '.'");
  // 10^18 is the largest power of ten in int64.
  if (frac_part.size() > 18) return bad("more than 18 decimal places");

  std::int64_t num = 0;
  bool over = false;
  for (std::string_view part : {int_part, frac_part})
    for (char d : part)
      over = over || __builtin_mul_overflow(num, std::int64_t{10}, &num) ||
             __builtin_add_overflow(num, std::int64_t{d - '0'}, &num);
  if (over) return bad("too many digits for an exact 64-bit fraction");
  if (num == 0) return bad("a rate must be positive");
  std::int64_t den = 1;
  for (std::size_t k = 0; k < frac_part.size(); ++k) den *= 10;
  return make_rate(num, den);
}

Result<Money> convert(Money m, Currency to, Rate rate) {
  if (rate.num <= 0 || rate.den <= 0)
    return fail(Errc::invalid, "an exchange rate must be positive, got " +
                                   std::to_string(rate.num) + "/" + std::to_string(rate.den));
  // Exact value in minor units of `to`: n / d, with
  //   n = minor * num * 10^max(0, shift),  d = den * 10^max(0, -shift),
  //   shift = to.exponent - from.exponent  (in -3..3).
  // |minor * num| < 2^126 always fits; the extra factor of up to 1000 may not, so it is checked.
  // d <= (2^63 - 1) * 1000 always fits.
  int shift = to.exponent() - m.currency.exponent();
  __int128 n = static_cast<__int128>(m.minor) * rate.num;
  __int128 d = rate.den;
  if (shift > 0 && __builtin_mul_overflow(n, static_cast<__int128>(kPow10[shift]), &n))
    return std::unexpected(overflow(to, "the converted amount"));
  if (shift < 0) d *= kPow10[-shift];

  // Round the magnitude half to even, then restore the sign: rounding is symmetric around zero.
  bool negative = n < 0;
  unsigned __int128 mag = negative ? 0 - static_cast<unsigned __int128>(n)
                                   : static_cast<unsigned __int128>(n);
  unsigned __int128 ud = static_cast<unsigned __int128>(d);
  unsigned __int128 q = mag / ud, r = mag % ud;
  unsigned __int128 rest = ud - r;  // r compared with d/2 without computing 2r
  if (r > rest || (r == rest && (q & 1))) ++q;

  constexpr unsigned __int128 kMaxPos = std::numeric_limits<std::int64_t>::max();
  if (q > kMaxPos + (negative ? 1 : 0))
    return std::unexpected(overflow(to, "the converted amount"));
  std::uint64_t q64 = static_cast<std::uint64_t>(q);
  std::int64_t minor = negative ? static_cast<std::int64_t>(0 - q64) : static_cast<std::int64_t>(q64);
  return Money{minor, to};
}

}  // namespace amanat
