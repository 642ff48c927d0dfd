// decode_leaf's one-pass fast path against the strict reference (parse_strict, the general
// RFC 8785 canonicalizer, decoding that refuses unknown members, and re-encoding): on every
// leaf the encoder writes, on hand-made non-canonical spellings, and on many random mutations
// of random leaves, the fast path accepts exactly what the reference accepts, and whatever it
// accepts re-encodes to exactly its input.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <random>

#include "books/leaf.h"
#include "core/canonical_json.h"

namespace amanat::books {
namespace {

// Random records of every type. Mostly valid, sometimes not (text with control characters,
// zero amounts, splits that do not add up): both paths must refuse those alike.
class RandomRecords {
 public:
  explicit RandomRecords(std::uint64_t seed) : rng_(seed) {}

  Record next() {
    std::string time = date() + "T" + two(24) + ":" + two(60) + ":" + two(60) + "Z";
    switch (pick(11)) {
      case 0: return Record{time, BooksOpen{text(false), cur()}};
      case 1: {
        AppealOpen a{code(), text(false), maybe() ? text(true) : "", maybe() ? code() : "", amount(), date()};
        return Record{time, a};
      }
      case 2: {
        AppealUpdate u{code(), date(), {}, {}, {}, {}};
        if (maybe()) u.title = text(false);
        if (maybe()) u.description = maybe() ? text(true) : "";
        if (maybe()) u.target = amount();
        if (maybe()) u.open = maybe();
        return Record{time, u};
      }
      case 3: {
        Donation d{date(), amount(), static_cast<Channel>(pick(5)), account(), fund(), hex(), {}};
        if (pick(4) == 0) d.rates = rates();
        return Record{time, d};
      }
      case 4: {
        Currency c = cur();
        std::vector<Split> splits;
        std::int64_t total = 0;
        std::size_t n = 1 + pick(3);
        for (std::size_t i = 0; i < n; ++i) {
          std::int64_t a = 1 + static_cast<std::int64_t>(pick(100000));
          total += a;
          splits.push_back({i == 0 ? "general" : "A-" + std::to_string(i), Money{a, c}});
        }
        if (pick(8) == 0) total += 1;  // does not add up: invalid
        Expense e{date(), Money{total, c}, static_cast<Category>(pick(10)), account(), hex(),
                  maybe() ? text(false) : "", splits, {}, {}};
        // Salted commitments, or (as older leaves) plain hashes, or rarely both: invalid.
        std::size_t form = pick(8);
        if (form != 1)
          for (std::size_t i = pick(3); i > 0; --i) e.receipt_commitments.push_back(hex());
        if (form <= 1)
          for (std::size_t i = pick(3); i > 0; --i) e.receipts.push_back(hex());
        if (pick(4) == 0) e.rates = rates();
        return Record{time, e};
      }
      case 5: return Record{time, Approval{index(), maybe() ? "director" : "acc-2"}};
      case 6: {
        // As case 4: either form, or rarely both.
        std::size_t form = pick(8);
        return Record{time, Confirmation{index(), maybe() ? ConfirmRole::lawyer : ConfirmRole::survivor,
                                         form <= 1 && maybe() ? hex() : "", form != 1 && maybe() ? hex() : ""}};
      }
      case 7: {
        std::size_t form = pick(8);
        return Record{time, ReceiptAttach{index(), form <= 1 ? hex() : "", form != 1 ? hex() : ""}};
      }
      case 8: {
        Transfer t{date(), amount(), fund(), fund(), text(false), {}};
        if (pick(4) == 0) t.rates = rates();
        return Record{time, t};
      }
      case 9: return Record{time, Correction{date(), index(), text(false)}};
      default: {
        ReportPublished r{index(), 1, static_cast<std::uint32_t>(1 + pick(3)), {}};
        for (std::size_t i = pick(4); i > 0; --i) {
          std::int64_t raised = static_cast<std::int64_t>(pick(1u << 30)), spent = static_cast<std::int64_t>(pick(1u << 20));
          r.funds.push_back(FundTotals{fund(), cur(), raised, spent, 0, 5, raised - spent - 5,
                                       static_cast<std::uint64_t>(pick(1000))});
        }
        return Record{time, r};
      }
    }
  }

  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  bool maybe() { return pick(2) == 0; }

 private:
  std::string two(int n) {
    int v = static_cast<int>(pick(static_cast<std::size_t>(n)));
    return std::string(1, char('0' + v / 10)) + char('0' + v % 10);
  }
  std::string date() { return std::to_string(1990 + pick(60)) + "-" + pad(1 + pick(12)) + "-" + pad(1 + pick(28)); }
  static std::string pad(std::size_t v) { return (v < 10 ? "0" : "") + std::to_string(v); }
  Currency cur() { return *currency(std::array{"KZT", "USD", "EUR", "JPY"}[pick(4)]); }
  Money amount() {
    static constexpr std::int64_t kEdges[] = {0, 1, 9, 10, 9007199254740991, 9007199254740990, 100000};
    if (pick(8) == 0) return Money{kEdges[pick(7)], cur()};
    return Money{1 + static_cast<std::int64_t>(pick(1000000000)), cur()};
  }
  std::uint64_t index() { return pick(10) == 0 ? 9007199254740991ULL : pick(1000000); }
  std::string code() { return "A-" + std::to_string(pick(100000)); }
  std::string fund() { return maybe() ? "general" : code(); }
  std::string account() { return std::array{"Bank:Main", "Cash", "Mobile", "Card:Acq-2"}[pick(4)]; }
  std::string hex() {
    static constexpr char k[] = "0123456789abcdef";
    std::string h;
    for (int i = 0; i < 64; ++i) h += k[pick(16)];
    return h;
  }
  Rates rates() {
    Rates r;
    static constexpr const char* kRates[] = {"450.25", "0.0019", "1", "2.5", "1000000"};
    for (const char* c : {"KZT", "USD", "EUR"})
      if (maybe()) r.emplace(c, *parse_rate(kRates[pick(5)]));
    return r;
  }
  std::string text(bool multiline) {
    static const char* kPieces[] = {"Legal help", " ", "\"", "\\", "/", "\xD3\xA8\xD1\x82\xD1\x96\xD0\xBD\xD1\x96\xD1\x88",
                                    "\xF0\x9F\x98\x80", "\xE2\x80\xA8", "\x7f", "\x01", "\x1f", "\t", "<&>", "0", "e"};
    std::string s;
    for (std::size_t i = 1 + pick(5); i > 0; --i) {
      if (multiline && pick(6) == 0) s += '\n';
      s += pick(4) == 0 ? kPieces[pick(15)] : kPieces[0];
    }
    return s;
  }
  std::mt19937_64 rng_;
};

std::span<const std::uint8_t> bytes(const std::string& s) { return as_bytes(s); }

// Whether both paths agree on `leaf`; on acceptance, that the record re-encodes to it.
void expect_agree(const std::string& leaf, std::size_t* accepted = nullptr) {
  auto fast = detail::decode_leaf_fast(bytes(leaf));
  auto ref = detail::decode_leaf_reference(bytes(leaf));
  ASSERT_EQ(fast.has_value(), ref.has_value())
      << leaf << "\nreference: " << (ref ? std::string("accepts") : ref.error().message);
  if (!fast) {
    auto r = decode_leaf(bytes(leaf));
    ASSERT_FALSE(r) << leaf;
    return;
  }
  if (accepted) ++*accepted;
  auto again = encode_leaf(*fast);
  ASSERT_TRUE(again) << leaf;
  ASSERT_EQ(*again, leaf);
  ASSERT_EQ(*encode_leaf(*ref), leaf);
}

TEST(LeafFastPath, AcceptsEveryValidRecordTheEncoderWritesAndRefusesTheInvalidOnesLikeTheReference) {
  RandomRecords gen(1);
  std::size_t valid = 0, invalid = 0;
  for (int i = 0; i < 3000; ++i) {
    Record r = gen.next();
    auto leaf = encode_leaf(r);
    if (!leaf) {
      ++invalid;  // the encoder refuses it; its text form is tested through mutations below
      continue;
    }
    ++valid;
    auto fast = detail::decode_leaf_fast(bytes(*leaf));
    ASSERT_TRUE(fast) << *leaf;
    EXPECT_EQ(*encode_leaf(*fast), *leaf);
    ASSERT_TRUE(detail::decode_leaf_reference(bytes(*leaf))) << *leaf;
  }
  EXPECT_GT(valid, 2000u);
  EXPECT_GT(invalid, 50u);
}

// A leaf changed at random: single bytes, and the changes that keep JSON well-formed but not
// canonical (whitespace, escapes, other number spellings, members moved, doubled or dropped).
std::string mutate(std::string s, RandomRecords& g) {
  static const std::string kAlphabet = [] {
    std::string a = "{}[]\":,\\ \t\n0123456789-+.eEabfnrtu/ZTAK\x7f\x80\xbf\xc0\xc3\xed\xef\xf4\xff";
    a += '\0';
    return a;
  }();
  std::size_t at = g.pick(s.size());
  switch (g.pick(14)) {
    case 0: s[at] = kAlphabet[g.pick(kAlphabet.size())]; break;
    case 1: s.insert(at, 1, kAlphabet[g.pick(kAlphabet.size())]); break;
    case 2: s.erase(at, 1); break;
    case 3: {  // whitespace after a structural character
      std::size_t p = s.find_first_of(",:{[", at);
      if (p != std::string::npos) s.insert(p + 1, g.maybe() ? " " : "\n");
      break;
    }
    case 4: {  // a character of a string as a \u escape (upper or lower case hex)
      std::size_t p = s.find_first_of("abcdefghijklmnopqrstuvwxyzAZ-:0", at);
      if (p != std::string::npos) {
        char buf[8];
        std::snprintf(buf, sizeof buf, g.maybe() ? "\\u%04x" : "\\u%04X", static_cast<unsigned char>(s[p]));
        s.replace(p, 1, buf);
      }
      break;
    }
    case 5: {  // an escaped control written the other way (\n <-> \u000a)
      static const std::pair<const char*, const char*> kSwaps[] = {
          {"\\n", "\\u000a"}, {"\\u000a", "\\n"}, {"\\t", "\\u0009"}, {"\\u0001", "\\u0001"}, {"\\u001f", "\\u001F"},
          {"/", "\\/"},       {"\\\"", "\\u0022"}, {"\\\\", "\\u005c"}, {"\x7f", "\\u007f"}};
      auto [from, to] = kSwaps[g.pick(9)];
      std::size_t p = s.find(from, at);
      if (p == std::string::npos) p = s.find(from);
      if (p != std::string::npos) s.replace(p, std::strlen(from), to);
      break;
    }
    case 6: {  // a number spelled otherwise
      std::size_t p = s.find_first_of("0123456789", at);
      if (p == std::string::npos) break;
      static const char* kSpellings[] = {"0", ".0", "e0", "E+1", "-", "00", "9007199254740992", "-0"};
      switch (g.pick(4)) {
        case 0: s.insert(p, "0"); break;
        case 1: s.insert(p, "-"); break;
        default: {
          std::size_t e = s.find_first_not_of("0123456789", p);
          s.insert(e == std::string::npos ? s.size() : e, kSpellings[g.pick(8)]);
        }
      }
      break;
    }
    default: {  // members: swap two neighbours, double one, drop one, add one, empty one
      std::vector<std::string> members;
      int depth = 0;
      bool in_str = false;
      std::size_t start = 1;
      for (std::size_t i = 1; i + 1 < s.size(); ++i) {
        char c = s[i];
        if (in_str) {
          if (c == '\\') ++i;
          else if (c == '"') in_str = false;
          continue;
        }
        if (c == '"') in_str = true;
        else if (c == '{' || c == '[') ++depth;
        else if (c == '}' || c == ']') --depth;
        else if (c == ',' && depth == 0) {
          members.push_back(s.substr(start, i - start));
          start = i + 1;
        }
      }
      if (s.size() < 2 || s.front() != '{' || s.back() != '}') break;
      members.push_back(s.substr(start, s.size() - 1 - start));
      std::size_t m = g.pick(members.size());
      switch (g.pick(7)) {
        case 0:
          if (m + 1 < members.size()) std::swap(members[m], members[m + 1]);
          break;
        case 1: members.insert(members.begin() + static_cast<std::ptrdiff_t>(m), members[m]); break;
        case 2: members.erase(members.begin() + static_cast<std::ptrdiff_t>(m)); break;
        case 3: {
          static const std::vector<std::string> extra = {
              R"("x":1)", R"("memo":"")", R"("rates":{})", R"("receipts":[])", R"("case":"")", R"("description":"")",
              R"("evidence":"")", R"("currency":"KZT")", R"("target":5)", R"("status":"open")", R"("title":"t")",
              R"("memo":"m")", R"("rates":{"KZT":"450.25"})", R"("receipts":[")" + std::string(64, 'a') + "\"]"};
          members.insert(members.begin() + static_cast<std::ptrdiff_t>(m), extra[g.pick(extra.size())]);
          break;
        }
        case 4: {  // the value replaced by an empty one of its kind, or by null
          std::size_t colon = members[m].find(':');
          if (colon == std::string::npos) break;
          char first = members[m].size() > colon + 1 ? members[m][colon + 1] : ' ';
          members[m] = members[m].substr(0, colon + 1) +
                       (first == '"' ? "\"\"" : first == '[' ? "[]" : first == '{' ? "{}" : g.maybe() ? "null" : "1.5");
          break;
        }
        default: {  // nothing but the member order: sorted otherwise
          if (m + 2 < members.size()) std::swap(members[m], members[m + 2]);
          break;
        }
      }
      std::string out = "{";
      for (std::size_t i = 0; i < members.size(); ++i) out += (i ? "," : "") + members[i];
      s = out + "}";
    }
  }
  return s;
}

// decode_leaf_into reuses the record it is given: whatever record it held before (of the same
// type or another, valid or left half-read by a refused leaf), the result is the leaf's record
// exactly, and it accepts exactly what decode_leaf accepts.
TEST(LeafFastPath, DecodingIntoARecordThatHeldAnotherGivesExactlyTheLeafsRecord) {
  RandomRecords gen(3);
  // Leaves in random order, then grouped by type (runs of the same type reuse the most).
  std::vector<std::pair<std::string, std::string>> leaves;  // (type, leaf or mutant)
  for (int i = 0; i < 3000; ++i) {
    Record r = gen.next();
    auto leaf = encode_leaf(r);
    if (!leaf) continue;
    leaves.emplace_back(std::string(type_name(r.body)), gen.pick(3) == 0 ? mutate(*leaf, gen) : *leaf);
  }
  auto grouped = leaves;
  std::stable_sort(grouped.begin(), grouped.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  leaves.insert(leaves.end(), grouped.begin(), grouped.end());
  Record into{"", Approval{}};
  std::size_t accepted = 0, refused = 0;
  for (const auto& [type, m] : leaves) {
    auto st = decode_leaf_into(bytes(m), into);
    auto fresh = decode_leaf(bytes(m));
    ASSERT_EQ(st.has_value(), fresh.has_value()) << m;
    if (!st) {
      EXPECT_EQ(st.error().message, fresh.error().message) << m;
      ++refused;
      continue;
    }
    ++accepted;
    auto again = encode_leaf(into);
    ASSERT_TRUE(again) << m;
    EXPECT_EQ(*again, m);
  }
  EXPECT_GT(accepted, 2000u);
  EXPECT_GT(refused, 100u);
}

TEST(LeafFastPath, AcceptsExactlyWhatTheStrictReferenceAcceptsOnMutatedLeaves) {
  RandomRecords gen(2);
  std::size_t tried = 0, accepted = 0;
  for (int i = 0; i < 600; ++i) {
    auto leaf = encode_leaf(gen.next());
    if (!leaf) continue;
    std::string m = *leaf;
    for (int j = 0; j < 40; ++j) {
      // Mostly one change to the valid leaf, sometimes several stacked.
      m = gen.pick(3) == 0 ? mutate(m, gen) : mutate(*leaf, gen);
      ++tried;
      ASSERT_NO_FATAL_FAILURE(expect_agree(m, &accepted));
    }
  }
  EXPECT_GT(tried, 20000u);
  // Some mutants are other valid records (a digit of an amount changed, an optional member
  // added or dropped): the paths must agree on those too.
  EXPECT_GT(accepted, 200u);
  EXPECT_LT(accepted, tried / 2);
}

TEST(LeafFastPath, RefusesEveryNonCanonicalSpellingOfAValidLeaf) {
  const std::string hex(64, 'b');
  const std::string good = R"({"account":"Mobile","amount":500000,"channel":"mobile","currency":"KZT","date":"2025-03-08",)"
                           R"("fund":"A-2025-007","receipt":")" + hex + R"(","time":"2025-03-08T10:11:12Z","type":"donation","v":1})";
  ASSERT_TRUE(detail::decode_leaf_fast(bytes(good)));
  auto with = [&](std::string_view from, std::string_view to) {
    std::string s = good;
    auto p = s.find(from);
    EXPECT_NE(p, std::string::npos) << from;
    return s.replace(p, from.size(), to);
  };
  const std::string bad[] = {
      " " + good,                                                  // whitespace
      good + " ",
      good + "\n",
      good + R"("donation","v":1})",                            // a second ending after the first
      good.substr(0, good.size() - 1) + R"(,"type":"donation","v":1})",
      "\xEF\xBB\xBF" + good,                                       // a byte order mark
      with(R"("amount":500000,)", R"("amount": 500000,)"),
      with(R"("amount":500000,)", R"("amount":500000.0,)"),           // other number spellings
      with(R"("amount":500000,)", R"("amount":5e5,)"),
      with(R"("amount":500000,)", R"("amount":0500000,)"),
      with(R"("amount":500000,)", R"("amount":9007199254740992,)"),   // beyond 2^53-1
      with(R"("amount":500000,)", R"("amount":-0,)"),
      with(R"("amount":500000,)", R"("amount":18446744073709551617,)"),  // 2^64 + 1: must not wrap to 1
      with(R"("amount":500000,)", R"("amount":100000000000000000000000500000,)"),
      with(R"("amount":500000,)", R"("amount":"500000",)"),
      with(R"("v":1})", R"("v":1.0})"),
      with(R"("v":1})", R"("v":01})"),
      with(R"("Mobile")", R"("Mo\u0062ile")"),                      // needless escapes
      with(R"("A-2025-007")", R"("A\u002d2025-007")"),
      with(R"("A-2025-007")", R"("A\/2025-007")"),
      with(R"("account":"Mobile",)", R"("account":"Mobile","account":"Mobile",)"),  // duplicate member
      with(R"("account":"Mobile","amount":500000,)", R"("amount":500000,"account":"Mobile",)"),  // order
      with(R"("account":"Mobile",)", ""),                         // missing member
      with(R"("date":"2025-03-08",)", R"("date":"2025-03-08","extra":1,)"),  // unknown member
      with(R"("fund":"A-2025-007",)", R"("fund":"A-2025-007","rates":{},)"),  // empty optional
      with(R"("fund":"A-2025-007",)", R"("fund":"A-2025-007","rates":{"USD":"0.00200"},)"),  // long rate
      with(R"("fund":"A-2025-007",)", R"("fund":"A-2025-007","rates":null,)"),
      with(R"("currency":"KZT")", R"("currency":"kzt")"),
      with(R"("type":"donation")", R"("type":"Donation")"),
      with(R"("type":"donation")", R"("type":"donatio\u006e")"),
      with(R"("time":"2025-03-08T10:11:12Z")", R"("time":"2025-03-08 10:11:12Z")"),
      with(R"({"account")", R"({ "account")"),
      with(R"("v":1})", R"("v":1,})"),
      with(R"("v":1})", R"("v":1}})"),
  };
  // Rates: one member per currency, in code order, each in its shortest form. (A record states
  // only the rates it needs; that is checked when it is booked, not when it is decoded.)
  const std::string rated = with(R"("fund":"A-2025-007",)", R"("fund":"A-2025-007","rates":{"EUR":"0.002","USD":"0.0021"},)");
  EXPECT_TRUE(detail::decode_leaf_fast(bytes(rated))) << rated;
  EXPECT_TRUE(detail::decode_leaf_reference(bytes(rated))) << rated;
  const std::string bad_rates[] = {
      with(R"("fund":"A-2025-007",)", R"("fund":"A-2025-007","rates":{"USD":"0.0021","EUR":"0.002"},)"),
      with(R"("fund":"A-2025-007",)", R"("fund":"A-2025-007","rates":{"EUR":"0.002","EUR":"0.002"},)"),
      with(R"("fund":"A-2025-007",)", R"("fund":"A-2025-007","rates":{"EUR":"0.002","EUR":"0.003"},)"),
      with(R"("fund":"A-2025-007",)", R"("fund":"A-2025-007","rates":{"EUR":0.002},)"),
      with(R"("fund":"A-2025-007",)", R"("fund":"A-2025-007","rates":{"eur":"0.002"},)"),
      with(R"("fund":"A-2025-007",)", R"("fund":"A-2025-007","rates":{"EUR":"-0.002"},)"),
      with(R"("fund":"A-2025-007",)", R"("fund":"A-2025-007","rates":{"EUR":".002"},)"),
  };
  for (const auto& s : bad_rates) {
    EXPECT_FALSE(detail::decode_leaf_fast(bytes(s))) << s;
    EXPECT_FALSE(detail::decode_leaf_reference(bytes(s))) << s;
  }
  for (const auto& s : bad) {
    EXPECT_FALSE(detail::decode_leaf_fast(bytes(s))) << s;
    EXPECT_FALSE(decode_leaf(bytes(s))) << s;
    EXPECT_FALSE(detail::decode_leaf_reference(bytes(s))) << s;
  }
}

TEST(LeafFastPath, RefusesNonCanonicalStringsAndInvalidUtf8InText) {
  // An appeal's description may hold any text: the escapes and the UTF-8 are checked on it.
  auto leaf = [](std::string_view description) {
    return R"({"appeal":"A-1","currency":"KZT","date":"2025-01-01","description":")" + std::string(description) +
           R"(","target":5,"time":"2025-01-01T00:00:00Z","title":"t","type":"appeal.open","v":1})";
  };
  for (std::string_view ok : {"a\\nb", "q \\\" and \\\\", "/", "\xD3\xA8", "\xF0\x9F\x98\x80", "\xE2\x80\xA8", "\\u2028x"}) {
    std::string s = leaf(ok);
    bool want = static_cast<bool>(detail::decode_leaf_reference(bytes(s)));
    EXPECT_EQ(static_cast<bool>(detail::decode_leaf_fast(bytes(s))), want) << s;
  }
  EXPECT_TRUE(detail::decode_leaf_fast(bytes(leaf("a\\nb"))));
  EXPECT_TRUE(detail::decode_leaf_fast(bytes(leaf("\xF0\x9F\x98\x80"))));
  for (std::string_view bad : {"a\\u000ab", "a\\u000Ab", "\\u0041", "\\/", "\\u00e9", "\\ud83d\\ude00",
                               "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x80", "\x80", "a\nb", "a\x01",
                               "\\x41", "\\U0041", "\\"}) {
    std::string s = leaf(bad);
    EXPECT_FALSE(detail::decode_leaf_fast(bytes(s))) << s;
    EXPECT_FALSE(detail::decode_leaf_reference(bytes(s))) << s;
  }
}

TEST(LeafFastPath, OptionalMembersArePresentExactlyWhenTheEncoderWritesThem) {
  const std::string t = R"("time":"2025-01-01T00:00:00Z",)";
  struct Case {
    std::string leaf;
    bool valid;
  } cases[] = {
      // appeal.update: a description may be cleared (""), a title may not; currency only with a target.
      {R"({"appeal":"A-1","date":"2025-01-01","description":"",)" + t + R"("type":"appeal.update","v":1})", true},
      {R"({"appeal":"A-1","date":"2025-01-01",)" + t + R"("title":"","type":"appeal.update","v":1})", false},
      {R"({"appeal":"A-1","currency":"KZT","date":"2025-01-01","target":5,)" + t + R"("type":"appeal.update","v":1})", true},
      {R"({"appeal":"A-1","currency":"KZT","date":"2025-01-01","status":"open",)" + t + R"("type":"appeal.update","v":1})", false},
      {R"({"appeal":"A-1","date":"2025-01-01","target":5,)" + t + R"("type":"appeal.update","v":1})", false},
      {R"({"appeal":"A-1","date":"2025-01-01",)" + t + R"("type":"appeal.update","v":1})", false},  // changes nothing
      // appeal.open: an empty case or description is omitted, never written as "".
      {R"({"appeal":"A-1","case":"C-1","currency":"KZT","date":"2025-01-01","target":5,)" + t + R"("title":"t","type":"appeal.open","v":1})", true},
      {R"({"appeal":"A-1","case":"","currency":"KZT","date":"2025-01-01","target":5,)" + t + R"("title":"t","type":"appeal.open","v":1})", false},
      // expense.confirm: evidence omitted when empty.
      {R"({"evidence":"","expense":3,"role":"lawyer",)" + t + R"("type":"expense.confirm","v":1})", false},
      {R"({"expense":3,"role":"lawyer",)" + t + R"("type":"expense.confirm","v":1})", true},
      // report: no funds is a report too; donations counts stay within 2^53-1.
      {R"({"funds":[],"part":1,"parts":1,"size":3,)" + t + R"("type":"report","v":1})", true},
      {R"({"funds":[{"balance":0,"currency":"KZT","donations":9007199254740993,"fund":"general","in":0,"out":0,"raised":0,"spent":0}],"part":1,"parts":1,"size":3,)" + t + R"("type":"report","v":1})", false},
      {R"({"funds":[],"part":2,"parts":1,"size":3,)" + t + R"("type":"report","v":1})", false},
      // expense: splits must be objects in order; receipts present only when there are some.
      {R"({"account":"Bank","amount":5,"category":"lawyer","currency":"KZT","date":"2025-01-01","payee":")" + std::string(64, 'a') +
           R"(","splits":[{"amount":5,"fund":"general"}],)" + t + R"("type":"expense","v":1})", true},
      {R"({"account":"Bank","amount":5,"category":"lawyer","currency":"KZT","date":"2025-01-01","payee":")" + std::string(64, 'a') +
           R"(","receipts":[],"splits":[{"amount":5,"fund":"general"}],)" + t + R"("type":"expense","v":1})", false},
      {R"({"account":"Bank","amount":5,"category":"lawyer","currency":"KZT","date":"2025-01-01","payee":")" + std::string(64, 'a') +
           R"(","splits":[{"fund":"general","amount":5}],)" + t + R"("type":"expense","v":1})", false},
      {R"({"account":"Bank","amount":5,"category":"lawyer","currency":"KZT","date":"2025-01-01","payee":")" + std::string(64, 'a') +
           R"(","splits":[{"amount":5,"fund":"general"},],)" + t + R"("type":"expense","v":1})", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(static_cast<bool>(detail::decode_leaf_fast(bytes(c.leaf))), c.valid) << c.leaf;
    EXPECT_EQ(static_cast<bool>(detail::decode_leaf_reference(bytes(c.leaf))), c.valid) << c.leaf;
    EXPECT_EQ(static_cast<bool>(decode_leaf(bytes(c.leaf))), c.valid) << c.leaf;
  }
}

// Files on the log: leaves written before salted commitments carry each file's plain SHA-256
// (`receipts`, `evidence`, `sha256`) and stay valid, re-encoding to the same bytes; newer ones
// carry salted commitments under other names (`receipt_commitments`, `evidence_commitment`,
// `commitment`), so a reader knows which form it holds. One leaf has one form.
TEST(Leaf, OlderLeavesWithPlainFileHashesAndNewerOnesWithCommitmentsBothDecode) {
  const std::string t = R"("time":"2025-01-01T00:00:00Z",)", a(64, 'a'), b(64, 'b');
  const std::string expense = R"({"account":"Bank","amount":5,"category":"lawyer","currency":"KZT","date":"2025-01-01","payee":")" + a + R"(",)";
  const std::string splits = R"("splits":[{"amount":5,"fund":"general"}],)" + t + R"("type":"expense","v":1})";
  struct Case {
    std::string leaf;
    bool valid;
  } cases[] = {
      {expense + R"("receipts":[")" + b + R"("],)" + splits, true},
      {expense + R"("receipt_commitments":[")" + b + R"(",")" + a + R"("],)" + splits, true},
      {expense + R"("receipt_commitments":[")" + b + R"("],"receipts":[")" + a + R"("],)" + splits, false},
      {expense + R"("receipt_commitments":[],)" + splits, false},
      {R"({"evidence":")" + a + R"(","expense":3,"role":"lawyer",)" + t + R"("type":"expense.confirm","v":1})", true},
      {R"({"evidence_commitment":")" + a + R"(","expense":3,"role":"survivor",)" + t + R"("type":"expense.confirm","v":1})", true},
      {R"({"evidence":")" + a + R"(","evidence_commitment":")" + b + R"(","expense":3,"role":"lawyer",)" + t +
           R"("type":"expense.confirm","v":1})", false},
      {R"({"evidence_commitment":"","expense":3,"role":"lawyer",)" + t + R"("type":"expense.confirm","v":1})", false},
      {R"({"expense":4,"sha256":")" + a + R"(",)" + t + R"("type":"expense.receipt","v":1})", true},
      {R"({"commitment":")" + a + R"(","expense":4,)" + t + R"("type":"expense.receipt","v":1})", true},
      {R"({"commitment":")" + a + R"(","expense":4,"sha256":")" + b + R"(",)" + t + R"("type":"expense.receipt","v":1})", false},
      {R"({"expense":4,)" + t + R"("type":"expense.receipt","v":1})", false},
      {R"({"commitment":")" + std::string(64, 'A') + R"(","expense":4,)" + t + R"("type":"expense.receipt","v":1})", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(static_cast<bool>(detail::decode_leaf_fast(bytes(c.leaf))), c.valid) << c.leaf;
    auto r = detail::decode_leaf_reference(bytes(c.leaf));
    EXPECT_EQ(static_cast<bool>(r), c.valid) << c.leaf;
    if (r) {
      EXPECT_EQ(encode_leaf(*r), c.leaf);
    }
  }
  auto older = decode_leaf(bytes(cases[0].leaf));
  ASSERT_TRUE(older);
  EXPECT_EQ(std::get<Expense>(older->body).receipts, std::vector<std::string>{b});
  EXPECT_TRUE(std::get<Expense>(older->body).receipt_commitments.empty());
  auto newer = decode_leaf(bytes(cases[1].leaf));
  ASSERT_TRUE(newer);
  EXPECT_EQ(std::get<Expense>(newer->body).receipt_commitments, (std::vector<std::string>{b, a}));
  EXPECT_TRUE(std::get<Expense>(newer->body).receipts.empty());
}

}  // namespace
}  // namespace amanat::books
