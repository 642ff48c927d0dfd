// What every statement fuzz target checks on a parser's answer (statement.h's contract):
// a refusal starts with "line N: " and never shows the donor markers the seed corpora plant in
// counterparty and text fields; accepted lines have non-zero amounts, real YYYY-MM-DD dates,
// an account, 1-based non-decreasing line numbers and valid UTF-8 in every text field.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "books/import/fields.h"
#include "books/import/statement.h"

namespace amanat::books::import::fuzz {

inline void require(bool ok) {
  if (!ok) std::abort();
}

// The seeds' donor markers: an invented IBAN and name.
inline void check_refusal(const Error& e) {
  require(e.message.rfind("line ", 0) == 0);
  require(e.message.find("KZ49722C000022223333") == std::string::npos);
  require(e.message.find("Zarina Fuzzova") == std::string::npos);
}

inline void check_lines(const Statement& st) {
  std::uint64_t last = 0;
  for (const StatementLine& l : st.lines) {
    require(l.amount.minor != 0);
    int y, m, d;
    require(l.booking_date.size() == 10 && l.booking_date[4] == '-' && l.booking_date[7] == '-' &&
            std::sscanf(l.booking_date.c_str(), "%4d-%2d-%2d", &y, &m, &d) == 3 &&
            detail::valid_date(y, m, d));
    require(!l.account.empty());
    require(l.line >= 1 && l.line >= last);
    last = l.line;
    for (const std::string* s : {&l.account, &l.bank_ref, &l.counterparty, &l.text})
      require(detail::valid_utf8(*s));
  }
}

}  // namespace amanat::books::import::fuzz
