#include "books/model.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/reasons.h"
#include "core/utf8.h"

#include <cstdio>

namespace amanat::books {

namespace {

constexpr std::array<std::string_view, 5> kChannels = {"bank", "card", "cash", "mobile", "other"};
constexpr std::array<std::string_view, 10> kCategories = {
    "lawyer",  "travel-flights", "travel-hotels", "travel-ground", "forensic",
    "medical", "psychological",  "housing",       "court-fees",    "other"};
constexpr std::array<std::string_view, 10> kCategoryAccounts = {
    "Lawyer",  "Travel-Flights", "Travel-Hotels", "Travel-Ground", "Forensic",
    "Medical", "Psychological",  "Housing",       "Court-Fees",    "Other"};
constexpr std::array<Category, 10> kAllCategories = {
    Category::lawyer,  Category::travel_flights, Category::travel_hotels, Category::travel_ground,
    Category::forensic, Category::medical,       Category::psychological, Category::housing,
    Category::court_fees, Category::other};

template <std::size_t N>
std::string choices(const std::array<std::string_view, N>& names) {
  std::string s;
  for (auto n : names) s += (s.empty() ? "" : ", ") + std::string(n);
  return s;
}

Error bad(std::string_view field, std::string reason) { return field_error(field, reason); }

// "channel: \"fax\" is not one of bank, card, ..." (appended piecewise: GCC 12 warns falsely
// about memcpy overlap for a chain of temporaries here).
Error not_one_of(std::string_view field, std::string_view value, const std::string& choices) {
  std::string msg = "\"";
  msg.append(value.substr(0, 40));
  msg += "\" is not one of ";
  msg += choices;
  return bad(field, std::move(msg));
}

bool is_upper_digit(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

constexpr std::int64_t kMaxSafe = kMaxPublishable;

Status check_amount(const Money& m, std::string_view field) {
  if (m.minor <= 0) return std::unexpected(bad(field, "must be more than zero, not " + format(m)));
  if (m.minor > kMaxSafe) return std::unexpected(bad(field, format(m) + " is too large"));
  return {};
}

// Leaf indexes travel as JSON integers too: they must stay exact for every reader.
Status check_index(std::uint64_t i, std::string_view field) {
  if (i > static_cast<std::uint64_t>(kMaxSafe)) return std::unexpected(bad(field, "is beyond 2^53-1"));
  return {};
}

Status check_rates(const Rates& rates) {
  for (const auto& [code, rate] : rates) {
    if (auto c = currency(code); !c) return std::unexpected(bad("rates", c.error().message));
    if (rate.num <= 0 || rate.den <= 0) return std::unexpected(bad("rates." + code, "must be positive"));
  }
  return {};
}

}  // namespace

std::string_view channel_name(Channel c) { return kChannels[static_cast<int>(c)]; }
Result<Channel> parse_channel(std::string_view s) {
  for (std::size_t i = 0; i < kChannels.size(); ++i)
    if (kChannels[i] == s) return static_cast<Channel>(i);
  return std::unexpected(not_one_of("channel", s, choices(kChannels)));
}
std::string_view category_name(Category c) { return kCategories[static_cast<int>(c)]; }
std::string_view category_account(Category c) { return kCategoryAccounts[static_cast<int>(c)]; }
std::span<const Category> all_categories() { return kAllCategories; }
Result<Category> parse_category(std::string_view s) {
  for (std::size_t i = 0; i < kCategories.size(); ++i)
    if (kCategories[i] == s) return static_cast<Category>(i);
  return std::unexpected(not_one_of("category", s, choices(kCategories)));
}
std::string_view confirm_role_name(ConfirmRole r) { return r == ConfirmRole::lawyer ? "lawyer" : "survivor"; }
Result<ConfirmRole> parse_confirm_role(std::string_view s) {
  if (s == "lawyer") return ConfirmRole::lawyer;
  if (s == "survivor") return ConfirmRole::survivor;
  return std::unexpected(bad("role", "\"" + std::string(s) + "\" is not one of lawyer, survivor"));
}

Status check_appeal_code(std::string_view code, std::string_view field) {
  if (code.empty() || code.size() > 32)
    return std::unexpected(bad(field, "an appeal code has 1 to 32 characters"));
  if (!is_upper_digit(code[0]))
    return std::unexpected(bad(field, "\"" + std::string(code) + "\" must start with A-Z or 0-9"));
  for (char c : code)
    if (!is_upper_digit(c) && c != '-')
      return std::unexpected(bad(field, "\"" + std::string(code) + "\" may hold only A-Z, 0-9 and '-'"));
  return {};
}

Status check_fund(std::string_view fund, std::string_view field) {
  if (fund == kGeneralFund) return {};
  return check_appeal_code(fund, field);
}

Status check_case_code(std::string_view code, std::string_view field) {
  return check_appeal_code(code, field);
}

Status check_money_account(std::string_view account, std::string_view field) {
  std::size_t parts = 0;
  std::size_t start = 0;
  while (true) {
    std::size_t end = account.find(':', start);
    std::string_view part = account.substr(start, end == std::string_view::npos ? end : end - start);
    ++parts;
    bool ok = !part.empty() && part.size() <= 32 && part[0] >= 'A' && part[0] <= 'Z';
    for (char c : part)
      ok = ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
    if (!ok)
      return std::unexpected(bad(field, "\"" + std::string(account) +
                                            "\" is not an account name like Bank:Main (components start "
                                            "with A-Z and hold letters, digits and '-')"));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (parts > 4) return std::unexpected(bad(field, "at most 4 components"));
  return {};
}

Status check_handle(std::string_view h, std::string_view field) {
  bool ok = !h.empty() && h.size() <= 32 && ((h[0] >= 'a' && h[0] <= 'z') || (h[0] >= '0' && h[0] <= '9'));
  for (char c : h)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
  if (!ok)
    return std::unexpected(bad(field, "a staff handle is 1-32 of a-z 0-9 . _ - starting with a letter or digit"));
  return {};
}

Status check_date(std::string_view d, std::string_view field) {
  auto fail_date = [&] {
    return std::unexpected(bad(field, "\"" + std::string(d.substr(0, 40)) + "\" is not a date YYYY-MM-DD"));
  };
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return fail_date();
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (d[i] < '0' || d[i] > '9') return fail_date();
  int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
  int m = (d[5] - '0') * 10 + (d[6] - '0');
  int day = (d[8] - '0') * 10 + (d[9] - '0');
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || day < 1) return fail_date();
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (day > kDays[m - 1] + (m == 2 && leap)) return fail_date();
  return {};
}

namespace {

// Howard Hinnant's algorithms.
std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace

std::string date_of_day(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp + (mp < 10 ? 3 : -9);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(y + (m <= 2)), m, d);
  return buf;
}

std::optional<std::int64_t> day_number(std::string_view date) {
  if (!check_date(date)) return std::nullopt;
  auto num = [&](std::size_t at, std::size_t n) {
    unsigned v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + static_cast<unsigned>(date[i] - '0');
    return v;
  };
  return days_from_civil(static_cast<int>(num(0, 4)), num(5, 2), num(8, 2));
}

Status check_period(const std::optional<std::string>& from, const std::optional<std::string>& to) {
  if (from && to && *to < *from)  // YYYY-MM-DD compares as text
    return fail(reasons::period_reversed, "to: " + *to + " is before from: " + *from, "to");
  return {};
}

Status check_text(std::string_view text, std::string_view field, std::size_t max, bool multiline) {
  if (text.empty()) return std::unexpected(bad(field, "must not be empty"));
  if (text.size() > max) return std::unexpected(bad(field, "is longer than " + std::to_string(max) + " bytes"));
  if (auto bad_at = first_invalid_utf8(text); bad_at != std::string_view::npos)
    return std::unexpected(bad(field, "is not valid UTF-8 at byte " + std::to_string(bad_at)));
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && !(multiline && c == '\n')) || c == 0x7f)
      return std::unexpected(bad(field, "holds a control character at byte " + std::to_string(i)));
    // C1 controls (U+0080..U+009F: C2 80..C2 9F) are invisible too.
    if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9f)
      return std::unexpected(bad(field, "holds a control character at byte " + std::to_string(i)));
    // Bidirectional embeddings, overrides and isolates (U+202A..U+202E: E2 80 AA..AE; U+2066..U+2069:
    // E2 81 A6..A9) make public text read differently from what it holds ("Trojan Source").
    if (c == 0xe2 && i + 2 < text.size()) {
      auto b1 = static_cast<unsigned char>(text[i + 1]), b2 = static_cast<unsigned char>(text[i + 2]);
      if ((b1 == 0x80 && b2 >= 0xaa && b2 <= 0xae) || (b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9))
        return std::unexpected(bad(field, "holds a bidirectional control character at byte " + std::to_string(i)));
    }
  }
  return {};
}

Status check_sha256_hex(std::string_view hex, std::string_view field) {
  // Every donation's receipt commitment passes here, in the audit too: sixteen digits at a time.
  bool ok = hex.size() == 64;
#if defined(__SSE2__)
  for (std::size_t i = 0; ok && i < 64; i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hex.data() + i));
    // Signed compares: bytes >= 0x80 are negative and fall in neither range.
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('f' + 1)));
    ok = _mm_movemask_epi8(_mm_or_si128(digit, letter)) == 0xffff;
  }
#else
  for (std::size_t i = 0; ok && i < 64; ++i) ok = (hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f');
#endif
  if (!ok) return std::unexpected(bad(field, "must be a SHA-256 digest as 64 lower-case hex digits"));
  return {};
}

std::string_view type_name(const Body& b) {
  struct V {
    std::string_view operator()(const BooksOpen&) { return "books.open"; }
    std::string_view operator()(const AppealOpen&) { return "appeal.open"; }
    std::string_view operator()(const AppealUpdate&) { return "appeal.update"; }
    std::string_view operator()(const Donation&) { return "donation"; }
    std::string_view operator()(const Expense&) { return "expense"; }
    std::string_view operator()(const Approval&) { return "expense.approve"; }
    std::string_view operator()(const Confirmation&) { return "expense.confirm"; }
    std::string_view operator()(const ReceiptAttach&) { return "expense.receipt"; }
    std::string_view operator()(const Transfer&) { return "transfer"; }
    std::string_view operator()(const Correction&) { return "correction"; }
    std::string_view operator()(const ReportPublished&) { return "report"; }
  };
  return std::visit(V{}, b);
}

namespace {

struct Validator {
  Status operator()(const BooksOpen& r) { return check_text(r.name, "name", 200, false); }
  Status operator()(const AppealOpen& r) {
    if (auto s = check_appeal_code(r.code); !s) return s;
    if (auto s = check_text(r.title, "title", 200, false); !s) return s;
    if (!r.description.empty())
      if (auto s = check_text(r.description, "description", 4000, true); !s) return s;
    if (!r.case_code.empty())
      if (auto s = check_case_code(r.case_code); !s) return s;
    if (auto s = check_amount(r.target, "target"); !s) return s;
    return check_date(r.date);
  }
  Status operator()(const AppealUpdate& r) {
    if (auto s = check_appeal_code(r.code); !s) return s;
    if (auto s = check_date(r.date); !s) return s;
    if (r.title)
      if (auto s = check_text(*r.title, "title", 200, false); !s) return s;
    if (r.description && !r.description->empty())
      if (auto s = check_text(*r.description, "description", 4000, true); !s) return s;
    if (r.target)
      if (auto s = check_amount(*r.target, "target"); !s) return s;
    if (!r.title && !r.description && !r.target && !r.open)
      return fail(Errc::invalid, "appeal update changes nothing");
    return {};
  }
  Status operator()(const Donation& r) {
    if (auto s = check_date(r.date); !s) return s;
    if (auto s = check_amount(r.amount, "amount"); !s) return s;
    if (auto s = check_money_account(r.account); !s) return s;
    if (auto s = check_fund(r.fund); !s) return s;
    if (auto s = check_sha256_hex(r.receipt, "receipt"); !s) return s;
    return check_rates(r.rates);
  }
  Status operator()(const Expense& r) {
    if (auto s = check_date(r.date); !s) return s;
    if (auto s = check_amount(r.amount, "amount"); !s) return s;
    if (auto s = check_money_account(r.account); !s) return s;
    if (auto s = check_sha256_hex(r.payee, "payee"); !s) return s;
    if (!r.memo.empty())
      if (auto s = check_text(r.memo, "memo", 1000, false); !s) return s;
    if (r.splits.empty()) return fail(Errc::invalid, "splits: an expense is charged to at least one fund");
    if (r.splits.size() > 64) return fail(Errc::invalid, "splits: at most 64");
    std::int64_t total = 0;
    for (std::size_t i = 0; i < r.splits.size(); ++i) {
      const auto& s = r.splits[i];
      std::string f = "splits[" + std::to_string(i) + "]";
      if (auto st = check_fund(s.fund, f + ".fund"); !st) return st;
      if (s.amount.currency != r.amount.currency)
        return fail(Errc::invalid, f + ".amount: in " + std::string(s.amount.currency.code()) +
                                       ", the expense is in " + std::string(r.amount.currency.code()));
      if (auto st = check_amount(s.amount, f + ".amount"); !st) return st;
      for (std::size_t j = 0; j < i; ++j)
        if (r.splits[j].fund == s.fund) return fail(Errc::invalid, f + ".fund: " + s.fund + " is named twice");
      total += s.amount.minor;  // each <= 2^53, at most 64 of them: no overflow
    }
    if (total != r.amount.minor)
      return fail(Errc::invalid, "splits: add up to " + format(Money{total, r.amount.currency}) +
                                     ", the expense is " + format(r.amount));
    if (!r.receipts.empty() && !r.receipt_commitments.empty())
      return fail(Errc::invalid, "receipts: a record commits to its receipts one way, salted or (older) plain");
    for (const auto* list : {&r.receipt_commitments, &r.receipts}) {
      if (list->empty()) continue;  // the audit validates every leaf: no string built for nothing
      const std::string name = list == &r.receipts ? "receipts" : "receipt_commitments";
      if (list->size() > 32) return fail(Errc::invalid, name + ": at most 32");
      for (std::size_t i = 0; i < list->size(); ++i)
        if (auto st = check_sha256_hex((*list)[i], name + "[" + std::to_string(i) + "]"); !st) return st;
    }
    return check_rates(r.rates);
  }
  Status operator()(const Approval& r) {
    if (auto s = check_index(r.expense, "expense"); !s) return s;
    return check_handle(r.by);
  }
  Status operator()(const Confirmation& r) {
    if (auto s = check_index(r.expense, "expense"); !s) return s;
    if (!r.evidence.empty() && !r.evidence_commitment.empty())
      return fail(Errc::invalid, "evidence: a confirmation commits to its evidence one way, salted or (older) plain");
    if (!r.evidence.empty()) return check_sha256_hex(r.evidence, "evidence");
    if (!r.evidence_commitment.empty()) return check_sha256_hex(r.evidence_commitment, "evidence_commitment");
    return {};
  }
  Status operator()(const ReceiptAttach& r) {
    if (auto s = check_index(r.expense, "expense"); !s) return s;
    if (r.sha256.empty() == r.commitment.empty())
      return fail(Errc::invalid, "commitment: a receipt is committed to one way, salted or (older) plain sha256");
    return r.sha256.empty() ? check_sha256_hex(r.commitment, "commitment") : check_sha256_hex(r.sha256, "sha256");
  }
  Status operator()(const Transfer& r) {
    if (auto s = check_date(r.date); !s) return s;
    if (auto s = check_amount(r.amount, "amount"); !s) return s;
    if (auto s = check_fund(r.from, "from"); !s) return s;
    if (auto s = check_fund(r.to, "to"); !s) return s;
    if (r.from == r.to) return fail(Errc::invalid, "to: a transfer moves money between two different funds");
    if (auto s = check_text(r.reason, "reason", 1000, false); !s) return s;
    return check_rates(r.rates);
  }
  Status operator()(const Correction& r) {
    if (auto s = check_index(r.reverses, "reverses"); !s) return s;
    if (auto s = check_date(r.date); !s) return s;
    return check_text(r.reason, "reason", 1000, false);
  }
  Status operator()(const ReportPublished& r) {
    if (r.part < 1 || r.part > r.parts) return fail(Errc::invalid, "part: out of range");
    if (auto s = check_index(r.size, "size"); !s) return s;
    for (const auto& f : r.funds)
      for (std::int64_t v : {f.raised, f.spent, f.transfers_in, f.transfers_out, f.balance})
        if (v > kMaxSafe || v < -kMaxSafe) return fail(Errc::invalid, "funds: " + f.fund + ": a total is beyond 2^53-1");
    for (const auto& f : r.funds)
      if (auto s = check_fund(f.fund, "funds.fund"); !s) return s;
    return {};
  }
};

}  // namespace

Status validate(const Record& r) { return std::visit(Validator{}, r.body); }

}  // namespace amanat::books
