// Money: an amount is a whole number of minor units (tiyn, cents, fils) of one ISO 4217 currency.
//
// Why integers: books must balance to the last minor unit, and the published totals are hashed
// and signed, so every machine has to compute the very same number. Binary floating point can
// hold neither 0.10 nor most decimal amounts exactly, so nothing here ever uses it. An amount is
// an int64 count of minor units, which covers ±92 quadrillion KZT (or ±9.2 quadrillion BHD),
// well beyond any NGO's books; anything that would leave that range is an error, never a
// wrap-around.
//
// What is here, and what it refuses (every failure is Errc::invalid):
//   - currency(code) / currency_by_numeric(n): the compiled-in ISO 4217 table of currencies in
//     current use. Unknown or lower-case codes are refused, and so are the ISO codes that are
//     not money one keeps books in (funds such as BOV, units of account such as XDR, precious
//     metals such as XAU, the test and "no currency" codes XTS and XXX).
//   - add / sub / negate / sum / compare: refuse amounts in different currencies (there is no
//     implicit conversion) and results outside the int64 range ("amount overflows").
//   - format / parse_money: one plain decimal spelling, "-1234.56 KZT"; the parser is strict
//     (see parse_money) because amounts are read from files and forms that a person typed, and
//     a misread amount must fail loudly instead of being guessed at.
//   - parse_rate / convert: exchange at an exact rational rate, rounded half to even to the
//     target currency's minor unit; refuses non-positive rates and overflow.
//
// Thread-safety: every function is pure; the currency table is constant data built at compile
// time, so everything here may be called from any thread without locking.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/error.h"

namespace amanat {

// One ISO 4217 currency. Only the table in money.cc makes these, so a Currency in hand is
// always a real, known currency (hence no default constructor). It is an 8-byte value type:
// copy it freely.
class Currency {
 public:
  // The alphabetic code, e.g. "KZT". Points into the object itself, so keep the Currency alive.
  constexpr std::string_view code() const { return {code_.data(), code_.size()}; }
  // The numeric code, e.g. 398 for KZT (written with leading zeros, "008", in ISO's list).
  constexpr int numeric() const { return numeric_; }
  // The number of decimal places of the minor unit: 2 for KZT (100 tiyn), 0 for JPY, 3 for BHD.
  constexpr int exponent() const { return exponent_; }

  friend bool operator==(const Currency&, const Currency&) = default;
  // Orders by alphabetic code (codes are unique, so the other fields never decide).
  friend auto operator<=>(const Currency&, const Currency&) = default;

 private:
  friend struct CurrencyTable;
  constexpr Currency(std::array<char, 3> code, std::uint16_t numeric, std::uint8_t exponent)
      : code_(code), numeric_(numeric), exponent_(exponent) {}

  std::array<char, 3> code_;
  std::uint16_t numeric_;
  std::uint8_t exponent_;
};

// Looks up an alphabetic code. Exactly three upper-case letters; "kzt" is refused (with a hint)
// rather than folded, because codes are stored and hashed and must have one spelling.
Result<Currency> currency(std::string_view code);
// Looks up a numeric code (as found in bank statements and card data), e.g. 398 -> KZT.
Result<Currency> currency_by_numeric(int numeric);
// Every known currency, sorted by alphabetic code.
std::span<const Currency> currencies();

struct Money {
  std::int64_t minor;  // whole minor units: 123456 KZT minor units are 1234.56 KZT
  Currency currency;

  // Equal only if both the amount and the currency are; 0 KZT != 0 USD.
  friend bool operator==(const Money&, const Money&) = default;
};

// Checked arithmetic. Each fails if the currencies differ (the message names both codes) or if
// the exact result does not fit in int64 ("amount overflows").
Result<Money> add(Money a, Money b);
Result<Money> sub(Money a, Money b);
Result<Money> negate(Money a);  // fails only for the most negative amount, which has no opposite
// The exact total of the amounts, all of which must be in currency c (an empty list sums to 0 c).
// It fails only if the total itself leaves the int64 range: partial sums are kept in 128 bits,
// so the result does not depend on the order of the amounts.
Result<Money> sum(Currency c, std::span<const Money> amounts);
// Orders two amounts of the same currency; amounts in different currencies are not comparable
// without an exchange rate, so that is an error rather than an arbitrary answer.
Result<std::strong_ordering> compare(Money a, Money b);

// The amount as a plain decimal with exactly exponent() fraction digits: "1234.56", "-0.05",
// "1234" (JPY), "0.001" (BHD). No '+', no thousands separators, no negative zero.
std::string format_amount(Money m);
// format_amount followed by a space and the code: "1234.56 KZT".
std::string format(Money m);

// Parses a plain decimal amount (as format_amount writes it, and as people type it):
//   optional '-', then digits, then optionally '.' and 1..exponent() digits.
// Fewer fraction digits are padded ("1.5" KZT is 150 tiyn); more are refused, never rounded
// ("KZT has 2 decimal places; \"1.234\" has 3"); for exponent 0 there is no '.' at all.
// Also refused: '+', spaces, thousands separators, exponents ("1e3"), leading zeros ("007";
// "0" and "0.5" are fine), a bare '.' side (".5", "5."), negative zero ("-0.00") and amounts
// outside the int64 range of minor units.
Result<Money> parse_money(std::string_view amount, Currency c);
// The same, after looking up the code with currency().
Result<Money> parse_money(std::string_view amount, std::string_view code);

// An exchange rate as an exact fraction num/den (both positive): how many major units of the
// target currency one major unit of the source currency buys. 1 KZT = 0.0019 USD is {19, 10000}
// for converting KZT to USD. Rates are quoted per major unit, as banks and central banks quote
// them, so convert() takes care of the two currencies' different exponents.
struct Rate {
  std::int64_t num;
  std::int64_t den;
  friend bool operator==(const Rate&, const Rate&) = default;
};

// A rate num/den reduced to lowest terms; both must be positive.
Result<Rate> make_rate(std::int64_t num, std::int64_t den);
// Parses a positive plain decimal ("0.0019", "450.25", "1") into an exact, reduced Rate. The
// same strictness as parse_money: no sign, no spaces, no exponent, no leading zeros, digits on
// both sides of a '.', at most 18 fraction digits. Zero is refused: a zero rate is a typo.
Result<Rate> parse_rate(std::string_view s);
// One rate as the CLI's --rate and the API's rate= query parameter take it: "CODE=RATE", e.g.
// "USD=450.25" (the code an ISO 4217 currency, the rate as parse_rate reads it). The one
// spelling for both, so a rate copied from one works in the other.
Result<std::pair<std::string, Rate>> parse_rate_option(std::string_view s);

// Converts m into currency `to` at `rate`. The exact value is
//   m.minor * rate.num / rate.den * 10^(to.exponent - m.currency.exponent)   (in minor units of `to`)
// computed without rounding in 128-bit integers, then rounded once, half to even ("banker's
// rounding"): to the nearest minor unit, and when the exact value lies exactly halfway between
// two minor units, to the even one (0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -2.5 -> -2). So each
// conversion is off by at most half a minor unit, and over many conversions the ties do not
// push totals up or down (rounding half up would). Rounding is per call: converting each line
// and then summing can differ from summing and then converting by the accumulated roundings.
// Fails if the rate is not positive or the result (or an intermediate beyond 128 bits) does
// not fit ("amount overflows").
Result<Money> convert(Money m, Currency to, Rate rate);

}  // namespace amanat
