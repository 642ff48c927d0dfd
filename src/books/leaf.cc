#include "books/leaf.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>
#include <set>

#include "core/canonical_json.h"
#include "core/utf8.h"

#include "tlog/tile.h"

namespace amanat::books {

using nlohmann::json;

namespace {

// ---- encoding ------------------------------------------------------------------------------
//
// Leaves are written directly in RFC 8785 form, without building a JSON tree: this is on the
// path of every booking. It is exact for what validate() lets through: every member name is
// ASCII (so sorting bytes is sorting UTF-16 code units), every string is valid UTF-8 (written
// raw, with the ECMAScript escapes for '"', '\' and control characters), and every number is a
// safe integer. decode_leaf() re-checks each leaf against the general canonicalizer
// (core/canonical_json.h), and the tests and the fuzz target hold the two to each other.

void put_string(std::string& out, std::string_view s) {
  out += '"';
  std::size_t run = 0;  // start of the current run of characters written as they are
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

// One JSON object: members collected in any order, written sorted by name.
class Obj {
 public:
  Obj& str(std::string_view k, std::string_view v) {
    std::string s;
    put_string(s, v);
    m_.emplace_back(k, std::move(s));
    return *this;
  }
  Obj& num(std::string_view k, std::int64_t v) {
    m_.emplace_back(k, std::to_string(v));
    return *this;
  }
  Obj& raw(std::string_view k, std::string v) {
    m_.emplace_back(k, std::move(v));
    return *this;
  }
  std::string done() {
    std::sort(m_.begin(), m_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::size_t n = 2;
    for (const auto& [k, v] : m_) n += k.size() + v.size() + 4;
    std::string out;
    out.reserve(n);
    out += '{';
    for (std::size_t i = 0; i < m_.size(); ++i) {
      if (i) out += ',';
      put_string(out, m_[i].first);
      out += ':';
      out += m_[i].second;
    }
    return out + "}";
  }

 private:
  std::vector<std::pair<std::string_view, std::string>> m_;
};

std::string array_of(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += items[i];
  }
  return out + "]";
}

struct Encoder {
  Obj& o;
  Status operator()(const BooksOpen& r) {
    o.str("name", r.name).str("currency", r.currency.code());
    return {};
  }
  Status operator()(const AppealOpen& r) {
    o.str("appeal", r.code).str("title", r.title).num("target", r.target.minor).str("currency", r.target.currency.code());
    o.str("date", r.date);
    if (!r.description.empty()) o.str("description", r.description);
    if (!r.case_code.empty()) o.str("case", r.case_code);
    return {};
  }
  Status operator()(const AppealUpdate& r) {
    o.str("appeal", r.code).str("date", r.date);
    if (r.title) o.str("title", *r.title);
    if (r.description) o.str("description", *r.description);
    if (r.target) o.num("target", r.target->minor).str("currency", r.target->currency.code());
    if (r.open) o.str("status", *r.open ? "open" : "closed");
    return {};
  }
  Status operator()(const Donation& r) {
    o.str("date", r.date).num("amount", r.amount.minor).str("currency", r.amount.currency.code());
    o.str("channel", channel_name(r.channel)).str("account", r.account).str("fund", r.fund).str("receipt", r.receipt);
    return put_rates(r.rates);
  }
  Status operator()(const Expense& r) {
    o.str("date", r.date).num("amount", r.amount.minor).str("currency", r.amount.currency.code());
    o.str("category", category_name(r.category)).str("account", r.account).str("payee", r.payee);
    if (!r.memo.empty()) o.str("memo", r.memo);
    std::vector<std::string> splits;
    for (const auto& s : r.splits) splits.push_back(Obj().str("fund", s.fund).num("amount", s.amount.minor).done());
    o.raw("splits", array_of(splits));
    for (const auto& [name, list] : {std::pair{"receipt_commitments", &r.receipt_commitments},
                                     std::pair{"receipts", &r.receipts}}) {
      if (list->empty()) continue;
      std::vector<std::string> hs;
      for (const auto& h : *list) {
        std::string q;
        put_string(q, h);
        hs.push_back(std::move(q));
      }
      o.raw(name, array_of(hs));
    }
    return put_rates(r.rates);
  }
  Status operator()(const Approval& r) {
    o.num("expense", static_cast<std::int64_t>(r.expense)).str("by", r.by);
    return {};
  }
  Status operator()(const Confirmation& r) {
    o.num("expense", static_cast<std::int64_t>(r.expense)).str("role", confirm_role_name(r.role));
    if (!r.evidence.empty()) o.str("evidence", r.evidence);
    if (!r.evidence_commitment.empty()) o.str("evidence_commitment", r.evidence_commitment);
    return {};
  }
  Status operator()(const ReceiptAttach& r) {
    o.num("expense", static_cast<std::int64_t>(r.expense));
    if (!r.commitment.empty()) o.str("commitment", r.commitment);
    if (!r.sha256.empty()) o.str("sha256", r.sha256);
    return {};
  }
  Status operator()(const Transfer& r) {
    o.str("date", r.date).num("amount", r.amount.minor).str("currency", r.amount.currency.code());
    o.str("from", r.from).str("to", r.to).str("reason", r.reason);
    return put_rates(r.rates);
  }
  Status operator()(const Correction& r) {
    o.str("date", r.date).num("reverses", static_cast<std::int64_t>(r.reverses)).str("reason", r.reason);
    return {};
  }
  Status operator()(const ReportPublished& r) {
    o.num("size", static_cast<std::int64_t>(r.size)).num("part", r.part).num("parts", r.parts);
    std::vector<std::string> funds;
    for (const auto& f : r.funds)
      funds.push_back(Obj().str("fund", f.fund).str("currency", f.currency.code()).num("raised", f.raised)
                          .num("spent", f.spent).num("in", f.transfers_in).num("out", f.transfers_out)
                          .num("balance", f.balance).num("donations", static_cast<std::int64_t>(f.donations)).done());
    o.raw("funds", array_of(funds));
    return {};
  }
  Status put_rates(const Rates& rates) {
    if (rates.empty()) return {};
    Obj r;
    for (const auto& [code, rate] : rates) {
      auto s = format_rate(rate);
      if (!s) return err(s);
      r.str(code, *s);
    }
    o.raw("rates", r.done());
    return {};
  }
};

// ---- decoding ------------------------------------------------------------------------------

// Reads an object's members, remembering which were read, so that unknown members are refused.
// What both JSON readers below share, built on their str(), integer() and has().
template <class Derived>
class FieldReader {
 public:
  Result<std::optional<std::string>> opt_str(const char* key) {
    if (!self().has(key)) return std::optional<std::string>();
    auto s = self().str(key);
    if (!s) return err(s);
    return std::optional<std::string>(std::move(*s));
  }
  Result<std::uint64_t> index(const char* key) {
    auto v = self().integer(key);
    if (!v) return err(v);
    if (*v < 0) return fail(Errc::invalid, std::string(key) + ": must not be negative");
    return static_cast<std::uint64_t>(*v);
  }
  Result<Currency> cur(const char* key = "currency") {
    auto s = self().str(key);
    if (!s) return err(s);
    auto c = currency(*s);
    if (!c) return std::unexpected(c.error().context(key));
    return *c;
  }
  Result<Money> money(const char* amount_key = "amount") {
    auto a = self().integer(amount_key);
    if (!a) return err(a);
    auto c = cur();
    if (!c) return err(c);
    return Money{*a, *c};
  }

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
};

class Fields : public FieldReader<Fields> {
 public:
  explicit Fields(const json& o) : o_(o) {}

  Result<std::string> str(const char* key, bool required = true) {
    auto it = find(key);
    if (it == o_.end()) return missing(key, required, std::string());
    if (!it->is_string()) return fail(Errc::invalid, std::string(key) + ": must be a string");
    return it->get<std::string>();
  }
  Result<std::int64_t> integer(const char* key) {
    auto it = find(key);
    if (it == o_.end()) return fail(Errc::invalid, std::string(key) + ": missing");
    if (!it->is_number_integer()) return fail(Errc::invalid, std::string(key) + ": must be an integer");
    return it->get<std::int64_t>();
  }
  Result<Rates> rates() {
    Rates out;
    auto it = find("rates");
    if (it == o_.end()) return out;
    if (!it->is_object() || it->empty()) return fail(Errc::invalid, "rates: must be a non-empty object");
    for (const auto& [code, v] : it->items()) {
      if (!v.is_string()) return fail(Errc::invalid, "rates." + code + ": must be a decimal string");
      auto r = parse_rate(v.get<std::string>());
      if (!r) return std::unexpected(r.error().context("rates." + code));
      auto back = format_rate(*r);
      if (!back || *back != v.get<std::string>())
        return fail(Errc::invalid, "rates." + code + ": not in its shortest form");
      out.emplace(code, *r);
    }
    return out;
  }
  bool has(const char* key) {
    auto it = find(key);
    return it != o_.end();
  }
  // The objects of an array member (required: fail if missing or not an array of objects).
  Result<std::vector<Fields>> objects(const char* key) {
    auto it = find(key);
    if (it == o_.end() || !it->is_array()) return fail(Errc::invalid, std::string(key) + ": must be an array");
    std::vector<Fields> out;
    for (std::size_t i = 0; i < it->size(); ++i) {
      if (!(*it)[i].is_object())
        return fail(Errc::invalid, std::string(key) + "[" + std::to_string(i) + "]: must be an object");
      out.emplace_back((*it)[i]);
    }
    return out;
  }
  // The strings of an optional array member (present: non-empty).
  Result<std::vector<std::string>> strings(const char* key) {
    std::vector<std::string> out;
    auto it = find(key);
    if (it == o_.end()) return out;
    if (!it->is_array() || it->empty()) return fail(Errc::invalid, std::string(key) + ": must be a non-empty array");
    for (const auto& h : *it) {
      if (!h.is_string()) return fail(Errc::invalid, std::string(key) + ": must hold strings");
      out.push_back(h.get<std::string>());
    }
    return out;
  }
  Status done() const {
    for (const auto& [k, v] : o_.items())
      if (!read_.count(k)) return fail(Errc::invalid, k + ": unknown field");
    return {};
  }

 private:
  json::const_iterator find(const char* key) {
    read_.insert(key);
    return o_.find(key);
  }
  Result<std::string> missing(const char* key, bool required, std::string dflt) {
    if (required) return fail(Errc::invalid, std::string(key) + ": missing");
    return dflt;
  }
  const json& o_;
  std::set<std::string> read_;
};


template <class Fields>
Result<Body> decode_body(std::string_view type, Fields& f) {
  if (type == "books.open") {
    AMANAT_TRY(name, f.str("name"));
    AMANAT_TRY(c, f.cur());
    return BooksOpen{name, c};
  }
  if (type == "appeal.open") {
    AppealOpen r{.target = Money{0, *currency("KZT")}};
    AMANAT_TRY(code, f.str("appeal"));
    AMANAT_TRY(title, f.str("title"));
    AMANAT_TRY(desc, f.str("description", false));
    AMANAT_TRY(cs, f.str("case", false));
    AMANAT_TRY(target, f.money("target"));
    AMANAT_TRY(date, f.str("date"));
    r.code = code, r.title = title, r.description = desc, r.case_code = cs, r.target = target, r.date = date;
    return r;
  }
  if (type == "appeal.update") {
    AppealUpdate r;
    AMANAT_TRY(code, f.str("appeal"));
    AMANAT_TRY(date, f.str("date"));
    AMANAT_TRY(title, f.opt_str("title"));
    AMANAT_TRY(desc, f.opt_str("description"));
    AMANAT_TRY(status, f.opt_str("status"));
    r.code = code, r.date = date, r.title = title, r.description = desc;
    if (f.has("target")) {
      AMANAT_TRY(target, f.money("target"));
      r.target = target;
    }
    if (status) {
      if (*status != "open" && *status != "closed")
        return fail(Errc::invalid, "status: must be \"open\" or \"closed\"");
      r.open = *status == "open";
    }
    return r;
  }
  if (type == "donation") {
    Donation r{.amount = Money{0, *currency("KZT")}};
    AMANAT_TRY(date, f.str("date"));
    AMANAT_TRY(amount, f.money());
    AMANAT_TRY(ch, f.str("channel"));
    AMANAT_TRY(channel, parse_channel(ch));
    AMANAT_TRY(account, f.str("account"));
    AMANAT_TRY(fund, f.str("fund"));
    AMANAT_TRY(receipt, f.str("receipt"));
    AMANAT_TRY(rates, f.rates());
    r.date = date, r.amount = amount, r.channel = channel, r.account = account, r.fund = fund;
    r.receipt = receipt, r.rates = rates;
    return r;
  }
  if (type == "expense") {
    Expense r{.amount = Money{0, *currency("KZT")}};
    AMANAT_TRY(date, f.str("date"));
    AMANAT_TRY(amount, f.money());
    AMANAT_TRY(cat, f.str("category"));
    AMANAT_TRY(category, parse_category(cat));
    AMANAT_TRY(account, f.str("account"));
    AMANAT_TRY(payee, f.str("payee"));
    AMANAT_TRY(memo, f.str("memo", false));
    AMANAT_TRY(rates, f.rates());
    r.date = date, r.amount = amount, r.category = category, r.account = account;
    r.payee = payee, r.memo = memo, r.rates = rates;
    AMANAT_TRY(splits, f.objects("splits"));
    for (std::size_t i = 0; i < splits.size(); ++i) {
      std::string where = "splits[" + std::to_string(i) + "]";
      AMANAT_TRY(fund, splits[i].str("fund"));
      AMANAT_TRY(a, splits[i].integer("amount"));
      if (auto st = splits[i].done(); !st) return std::unexpected(st.error().context(where));
      r.splits.push_back({fund, Money{a, amount.currency}});
    }
    AMANAT_TRY(commitments, f.strings("receipt_commitments"));
    r.receipt_commitments = std::move(commitments);
    AMANAT_TRY(receipts, f.strings("receipts"));
    r.receipts = std::move(receipts);
    return r;
  }
  if (type == "expense.approve") {
    AMANAT_TRY(e, f.index("expense"));
    AMANAT_TRY(by, f.str("by"));
    return Approval{e, by};
  }
  if (type == "expense.confirm") {
    AMANAT_TRY(e, f.index("expense"));
    AMANAT_TRY(role_s, f.str("role"));
    AMANAT_TRY(role, parse_confirm_role(role_s));
    AMANAT_TRY(ev, f.str("evidence", false));
    AMANAT_TRY(committed, f.str("evidence_commitment", false));
    return Confirmation{e, role, ev, committed};
  }
  if (type == "expense.receipt") {
    AMANAT_TRY(e, f.index("expense"));
    AMANAT_TRY(committed, f.str("commitment", false));
    AMANAT_TRY(h, f.str("sha256", false));
    return ReceiptAttach{e, h, committed};
  }
  if (type == "transfer") {
    Transfer r{.amount = Money{0, *currency("KZT")}};
    AMANAT_TRY(date, f.str("date"));
    AMANAT_TRY(amount, f.money());
    AMANAT_TRY(from, f.str("from"));
    AMANAT_TRY(to, f.str("to"));
    AMANAT_TRY(reason, f.str("reason"));
    AMANAT_TRY(rates, f.rates());
    r.date = date, r.amount = amount, r.from = from, r.to = to, r.reason = reason, r.rates = rates;
    return r;
  }
  if (type == "correction") {
    AMANAT_TRY(date, f.str("date"));
    AMANAT_TRY(rev, f.index("reverses"));
    AMANAT_TRY(reason, f.str("reason"));
    return Correction{date, rev, reason};
  }
  if (type == "report") {
    ReportPublished r;
    AMANAT_TRY(size, f.index("size"));
    AMANAT_TRY(part, f.integer("part"));
    AMANAT_TRY(parts, f.integer("parts"));
    if (part < 1 || parts < part || parts > 1000000) return fail(Errc::invalid, "part: out of range");
    r.size = size, r.part = static_cast<std::uint32_t>(part), r.parts = static_cast<std::uint32_t>(parts);
    AMANAT_TRY(funds, f.objects("funds"));
    for (std::size_t i = 0; i < funds.size(); ++i) {
      auto& ff = funds[i];
      std::string where = "funds[" + std::to_string(i) + "]";
      AMANAT_TRY(fund, ff.str("fund"));
      AMANAT_TRY(c, ff.cur());
      AMANAT_TRY(raised, ff.integer("raised"));
      AMANAT_TRY(spent, ff.integer("spent"));
      AMANAT_TRY(in, ff.integer("in"));
      AMANAT_TRY(out, ff.integer("out"));
      AMANAT_TRY(balance, ff.integer("balance"));
      AMANAT_TRY(n, ff.index("donations"));
      if (auto st = ff.done(); !st) return std::unexpected(st.error().context(where));
      r.funds.push_back(FundTotals{fund, c, raised, spent, in, out, balance, n});
    }
    return r;
  }
  return fail(Errc::invalid, "type: \"" + std::string(type) + "\" is not a record type");
}

}  // namespace

Result<std::string> format_rate(Rate r) {
  if (r.num <= 0 || r.den <= 0) return fail(Errc::invalid, "rate: must be positive");
  // Smallest k with den | 10^k: then num/den = num * (10^k / den) / 10^k exactly.
  unsigned __int128 pow = 1;
  int k = 0;
  while (pow % static_cast<unsigned __int128>(r.den) != 0) {
    if (++k > 18) return fail(Errc::invalid, "rate: " + std::to_string(r.num) + "/" + std::to_string(r.den) +
                                                 " has no exact decimal form");
    pow *= 10;
  }
  unsigned __int128 scaled = static_cast<unsigned __int128>(r.num) * (pow / r.den);
  auto digits = [](unsigned __int128 v) {
    std::string s;
    do {
      s.insert(s.begin(), char('0' + int(v % 10)));
      v /= 10;
    } while (v != 0);
    return s;
  };
  std::string out = digits(scaled / pow);
  if (k > 0) {
    std::string frac = digits(scaled % pow);
    frac.insert(frac.begin(), k - frac.size(), '0');
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    if (!frac.empty()) out += "." + frac;
  }
  return out;
}

Result<std::string> encode_leaf(const Record& r) {
  if (auto st = validate(r); !st) return err(st);
  if (r.time.size() != 20 || r.time[10] != 'T' || r.time[19] != 'Z' || !check_date(r.time.substr(0, 10)))
    return fail(Errc::invalid, "time: must be UTC YYYY-MM-DDTHH:MM:SSZ");
  Obj o;
  o.num("v", kLeafVersion).str("type", type_name(r.body)).str("time", r.time);
  if (auto st = std::visit(Encoder{o}, r.body); !st) return err(st);
  std::string text = o.done();
  if (text.size() > tlog::kMaxEntrySize)
    return fail(Errc::invalid, "the record is " + std::to_string(text.size()) +
                                   " bytes as a leaf; the limit is 65535");
  return text;
}

namespace {

// Decodes a leaf object through either reader.
template <class F>
Result<Record> decode_fields(F& f) {
  AMANAT_TRY(v, f.integer("v"));
  if (v != kLeafVersion) return fail(Errc::invalid, "v: version " + std::to_string(v) + " is not known");
  AMANAT_TRY(type, f.str("type"));
  AMANAT_TRY(time, f.str("time"));
  if (time.size() != 20 || time[10] != 'T' || time[19] != 'Z' || !check_date(time.substr(0, 10)))
    return fail(Errc::invalid, "time: must be UTC YYYY-MM-DDTHH:MM:SSZ");
  AMANAT_TRY(body, decode_body(type, f));
  if (auto st = f.done(); !st) return err(st);
  Record r{time, std::move(body)};
  if (auto st = validate(r); !st) return err(st);
  return r;
}

Result<Record> decode_object(const json& parsed) {
  if (!parsed.is_object()) return fail(Errc::invalid, "a record leaf is a JSON object");
  Fields f(parsed);
  return decode_fields(f);
}

}  // namespace

// ---- the fast decoder ----------------------------------------------------------------------
//
// decode_leaf's fast path reads the leaf in one pass over its bytes, accepting only the exact
// text encode_leaf writes for the record it builds: the members of the leaf's type in sorted
// order, each exactly once and none other, optional members present only when the encoder
// writes them (a member holding the empty value it omits is refused), strings with exactly the
// encoder's escapes (\" \\ \b \f \n \r \t, \u00xx in lower case for the other controls, nothing
// else escaped) in well-formed UTF-8, integers as std::to_string writes them (no "-0", no
// leading zeros, no fraction or exponent) within +-(2^53-1), no whitespace anywhere. Then the
// record must pass the same checks decode_fields applies (time, validate). So whatever it accepts
// re-encodes to exactly its input. Anything it refuses goes to the strict reference path, which
// gives the precise error (or, should this reader ever be stricter than the reference, still
// accepts a valid leaf): decode_leaf accepts exactly what the reference accepts. leaf_test.cc
// and fuzz/leaf_fuzz.cc hold the two paths to each other.

namespace {

class Canon {
 public:
  explicit Canon(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  bool done() const { return p_ == end_; }
  bool lit(char c) {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool lit(std::string_view s) {
    if (static_cast<std::size_t>(end_ - p_) < s.size() || std::memcmp(p_, s.data(), s.size()) != 0) return false;
    p_ += s.size();
    return true;
  }
  bool peek(char c) const { return p_ != end_ && *p_ == c; }
  // The next member of an object, if it is named `k`: [","] "\"" k "\":" (the comma unless it
  // is the object's first member). Consumes nothing otherwise.
  bool key(bool& first, std::string_view k) {
    const char* q = p_;
    if (!first) {
      if (q == end_ || *q != ',') return false;
      ++q;
    }
    std::size_t need = k.size() + 3;
    if (static_cast<std::size_t>(end_ - q) < need || q[0] != '"' || q[k.size() + 1] != '"' || q[k.size() + 2] != ':')
      return false;
    for (std::size_t i = 0; i < k.size(); ++i)  // names are short: no call to memcmp
      if (q[1 + i] != k[i]) return false;
    p_ = q + need;
    first = false;
    return true;
  }
  // A string in the encoder's (RFC 8785) spelling, unescaped into `out`.
  bool str(std::string& out) {
    if (!lit('"')) return false;
    out.clear();
    const char* run = p_;
    for (;;) {
      p_ = skip_plain(p_, end_);
      if (p_ == end_) return false;
      auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out.append(run, static_cast<std::size_t>(p_ - run));
        ++p_;
        return true;
      }
      if (c < 0x20) return false;  // raw control character
      if (c >= 0x80) {
        char32_t cp;
        std::size_t n = utf8_sequence(std::string_view(p_, static_cast<std::size_t>(end_ - p_)), 0, cp);
        if (n == 0) return false;
        p_ += n;
        continue;
      }
      out.append(run, static_cast<std::size_t>(p_ - run));  // a backslash
      if (end_ - p_ < 2) return false;
      char v;
      switch (p_[1]) {
        case '"': v = '"'; break;
        case '\\': v = '\\'; break;
        case 'b': v = '\b'; break;
        case 'f': v = '\f'; break;
        case 'n': v = '\n'; break;
        case 'r': v = '\r'; break;
        case 't': v = '\t'; break;
        case 'u': {
          // Only a control character without a short escape, as \u00xx in lower case.
          if (end_ - p_ < 6 || p_[2] != '0' || p_[3] != '0' || (p_[4] != '0' && p_[4] != '1')) return false;
          char l = p_[5];
          int lo = l >= '0' && l <= '9' ? l - '0' : l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
          if (lo < 0) return false;
          v = static_cast<char>((p_[4] - '0') * 16 + lo);
          if (v == '\b' || v == '\t' || v == '\n' || v == '\f' || v == '\r') return false;
          out.push_back(v);
          p_ += 6;
          run = p_;
          continue;
        }
        default: return false;  // including \/ , which the encoder never writes
      }
      out.push_back(v);
      p_ += 2;
      run = p_;
    }
  }
  // A string with no escapes (names, codes, enumerations: none of them needs one).
  bool plain(std::string_view& out) {
    if (!lit('"')) return false;
    const char* start = p_;
    while (p_ != end_) {
      auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out = std::string_view(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c < 0x20 || c >= 0x80 || c == '\\') return false;  // the callers need ASCII only
      ++p_;
    }
    return false;
  }
  // An integer as std::to_string writes it, within +-(2^53-1).
  bool integer(std::int64_t& out) {
    bool neg = lit('-');
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    std::int64_t v = 0;
    if (*p_ == '0') {
      ++p_;
      if (neg) return false;  // "-0"
    } else {
      int n = 0;
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') {
        if (++n > 16) return false;
        v = v * 10 + (*p_ - '0');
        ++p_;
      }
      if (v > kMaxSafeInteger) return false;
    }
    if (p_ != end_ && ((*p_ >= '0' && *p_ <= '9') || *p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    out = neg ? -v : v;
    return true;
  }
  bool index(std::uint64_t& out) {
    std::int64_t v;
    if (!integer(v) || v < 0) return false;
    out = static_cast<std::uint64_t>(v);
    return true;
  }

  static constexpr std::int64_t kMaxSafeInteger = (std::int64_t{1} << 53) - 1;

 private:
  // The first byte at or after p that ends a run of plain ASCII (a byte >= 0x80 or < 0x20, '"'
  // or '\\'), or end. Most of a leaf is such runs, so they are skipped sixteen bytes at a time
  // (eight without SSE2); str() then looks at the byte that ended the run.
  static const char* skip_plain(const char* p, const char* end) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      // As signed bytes, those >= 0x80 are negative: one compare finds them and controls.
      __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                     _mm_cmplt_epi8(v, space));
      if (int mask = _mm_movemask_epi8(special)) return p + std::countr_zero(static_cast<unsigned>(mask));
      p += 16;
    }
#endif
    while (end - p >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
      std::uint64_t quote = w ^ (ones * '"'), bslash = w ^ (ones * '\\');
      std::uint64_t special = ((quote - ones) & ~quote) | ((bslash - ones) & ~bslash) | (w - ones * 0x20) | w;
      if (special & highs) break;
      p += 8;
    }
    while (p != end) {
      auto c = static_cast<unsigned char>(*p);
      if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
      ++p;
    }
    return p;
  }

  const char* p_;
  const char* end_;
};

// The members every reader below shares, as small steps that fail (false) on any difference.
struct FastReader {
  Canon c;
  bool first = true;

  bool str(std::string_view k, std::string& out) { return c.key(first, k) && c.str(out); }
  // An optional string member, which the encoder omits when empty.
  bool opt_str(std::string_view k, std::string& out) {
    if (!c.key(first, k)) return true;
    return c.str(out) && !out.empty();
  }
  bool integer(std::string_view k, std::int64_t& out) { return c.key(first, k) && c.integer(out); }
  bool index(std::string_view k, std::uint64_t& out) { return c.key(first, k) && c.index(out); }
  bool cur(Currency& out, std::string_view k = "currency") {
    std::string_view s;
    return c.key(first, k) && c.plain(s) && currency_code(s, out);
  }
  // currency(), remembering the last code looked up (a log's leaves are mostly in one currency).
  static bool currency_code(std::string_view s, Currency& out) {
    thread_local std::optional<Currency> last;
    if (last && last->code() == s) {
      out = *last;
      return true;
    }
    auto cc = currency(s);
    if (!cc || cc->code() != s) return false;
    out = *cc;
    last = *cc;
    return true;
  }
  template <class E>
  bool enumerated(std::string_view k, E& out, Result<E> (*parse)(std::string_view)) {
    std::string_view s;
    if (!c.key(first, k) || !c.plain(s)) return false;
    auto e = parse(s);
    if (!e) return false;
    out = *e;
    return true;
  }
  // "rates":{"CUR":"decimal",...}: optional, non-empty, codes in ascending order, each rate in
  // the shortest form format_rate writes.
  bool rates(Rates& out) {
    if (!c.key(first, "rates")) return true;
    if (!c.lit('{') || c.peek('}')) return false;
    bool f = true;
    std::string last;
    do {
      if (!f && !c.lit(',')) return false;
      f = false;
      std::string code, text;
      if (!c.str(code) || !c.lit(':') || !c.str(text)) return false;
      if (!out.empty() && !(last < code)) return false;
      auto r = parse_rate(text);
      if (!r) return false;
      auto back = format_rate(*r);
      if (!back || *back != text) return false;
      last = code;
      out.emplace(std::move(code), *r);
    } while (!c.peek('}'));
    return c.lit('}');
  }
  // "time":"...", then the members after it, then "type":"<type>","v":1} and the end.
  bool time(std::string& out) { return str("time", out); }
  bool end(std::string_view type) {
    return c.key(first, "type") && c.lit('"') && c.lit(type) && c.lit(R"(","v":1})") && c.done();
  }
};

// The record's body as a T: the one it holds, if it is a T (to reuse its strings' storage),
// else `fresh`. Only for types whose reader below sets every member.
template <class T>
T& reuse_body(Body& body, T fresh) {
  if (auto* held = std::get_if<T>(&body)) return *held;
  body = std::move(fresh);
  return std::get<T>(body);
}

// Reads the body into `rec`. Donations and approvals, nearly every leaf of a log, are read into
// the body `rec` already holds when it is of the same type: every member is set (a string is
// cleared before it is read, rates are cleared here), so nothing of the earlier record stays.
bool fast_body(std::string_view type, FastReader& f, Record& rec) {
  Canon& c = f.c;
  static const Currency kzt = *currency("KZT");  // a placeholder until the leaf's currency is read
  if (type == "donation") {
    Donation& r = reuse_body(rec.body, Donation{.amount = Money{0, kzt}});
    r.rates.clear();
    return f.str("account", r.account) && f.integer("amount", r.amount.minor) &&
           f.enumerated("channel", r.channel, &parse_channel) && f.cur(r.amount.currency) && f.str("date", r.date) &&
           f.str("fund", r.fund) && f.rates(r.rates) && f.str("receipt", r.receipt) && f.time(rec.time) &&
           f.end(type);
  }
  if (type == "expense") {
    Expense r{.amount = Money{0, kzt}};
    if (!f.str("account", r.account) || !f.integer("amount", r.amount.minor) ||
        !f.enumerated("category", r.category, &parse_category) || !f.cur(r.amount.currency) ||
        !f.str("date", r.date) || !f.opt_str("memo", r.memo) || !f.str("payee", r.payee) || !f.rates(r.rates))
      return false;
    // Optional non-empty arrays of strings, in member order.
    for (auto [name, list] : {std::pair{"receipt_commitments", &r.receipt_commitments},
                              std::pair{"receipts", &r.receipts}}) {
      if (!c.key(f.first, name)) continue;
      if (!c.lit('[') || c.peek(']')) return false;
      do {
        if (!list->empty() && !c.lit(',')) return false;
        if (!c.str(list->emplace_back())) return false;
      } while (!c.peek(']'));
      if (!c.lit(']')) return false;
    }
    if (!c.key(f.first, "splits") || !c.lit('[')) return false;
    while (!c.peek(']')) {
      if (!r.splits.empty() && !c.lit(',')) return false;
      Split& s = r.splits.emplace_back(Split{"", Money{0, r.amount.currency}});
      FastReader o{c};
      if (!o.c.lit('{') || !o.integer("amount", s.amount.minor) || !o.str("fund", s.fund) || !o.c.lit('}'))
        return false;
      c = o.c;
    }
    if (!c.lit(']') || !f.time(rec.time) || !f.end(type)) return false;
    rec.body = std::move(r);
    return true;
  }
  if (type == "books.open") {
    BooksOpen r{.currency = kzt};
    if (!f.cur(r.currency) || !f.str("name", r.name) || !f.time(rec.time) || !f.end(type)) return false;
    rec.body = std::move(r);
    return true;
  }
  if (type == "appeal.open") {
    AppealOpen r{.target = Money{0, kzt}};
    if (!f.str("appeal", r.code) || !f.opt_str("case", r.case_code) || !f.cur(r.target.currency) ||
        !f.str("date", r.date) || !f.opt_str("description", r.description) ||
        !f.integer("target", r.target.minor) || !f.time(rec.time) || !f.str("title", r.title) || !f.end(type))
      return false;
    rec.body = std::move(r);
    return true;
  }
  if (type == "appeal.update") {
    AppealUpdate r;
    std::optional<Currency> cur;
    if (!f.str("appeal", r.code)) return false;
    if (c.key(f.first, "currency")) {
      std::string_view s;
      Currency cc = kzt;
      if (!c.plain(s) || !FastReader::currency_code(s, cc)) return false;
      cur = cc;
    }
    if (!f.str("date", r.date)) return false;
    if (c.key(f.first, "description") && !c.str(r.description.emplace())) return false;
    if (c.key(f.first, "status")) {
      std::string_view s;
      if (!c.plain(s) || (s != "open" && s != "closed")) return false;
      r.open = s == "open";
    }
    if (c.key(f.first, "target")) {
      std::int64_t t;
      if (!cur || !c.integer(t)) return false;
      r.target = Money{t, *cur};
    } else if (cur) {
      return false;  // a currency without a target
    }
    if (!f.time(rec.time)) return false;
    if (c.key(f.first, "title") && !c.str(r.title.emplace())) return false;
    if (!f.end(type)) return false;
    rec.body = std::move(r);
    return true;
  }
  if (type == "expense.approve") {
    Approval& r = reuse_body(rec.body, Approval{});
    return f.str("by", r.by) && f.index("expense", r.expense) && f.time(rec.time) && f.end(type);
  }
  if (type == "expense.confirm") {
    Confirmation r;
    if (!f.opt_str("evidence", r.evidence) || !f.opt_str("evidence_commitment", r.evidence_commitment) ||
        !f.index("expense", r.expense) ||
        !f.enumerated("role", r.role, &parse_confirm_role) || !f.time(rec.time) || !f.end(type))
      return false;
    rec.body = std::move(r);
    return true;
  }
  if (type == "expense.receipt") {
    ReceiptAttach r;
    if (!f.opt_str("commitment", r.commitment) || !f.index("expense", r.expense) || !f.opt_str("sha256", r.sha256) ||
        !f.time(rec.time) || !f.end(type))
      return false;
    rec.body = std::move(r);
    return true;
  }
  if (type == "transfer") {
    Transfer r{.amount = Money{0, kzt}};
    if (!f.integer("amount", r.amount.minor) || !f.cur(r.amount.currency) || !f.str("date", r.date) ||
        !f.str("from", r.from) || !f.rates(r.rates) || !f.str("reason", r.reason) || !f.time(rec.time) ||
        !f.str("to", r.to) || !f.end(type))
      return false;
    rec.body = std::move(r);
    return true;
  }
  if (type == "correction") {
    Correction r;
    if (!f.str("date", r.date) || !f.str("reason", r.reason) || !f.index("reverses", r.reverses) ||
        !f.time(rec.time) || !f.end(type))
      return false;
    rec.body = std::move(r);
    return true;
  }
  if (type == "report") {
    ReportPublished r;
    std::int64_t part, parts;
    if (!c.key(f.first, "funds") || !c.lit('[')) return false;
    while (!c.peek(']')) {
      if (!r.funds.empty() && !c.lit(',')) return false;
      FundTotals& t = r.funds.emplace_back(FundTotals{.currency = kzt});
      FastReader o{c};
      if (!o.c.lit('{') || !o.integer("balance", t.balance) || !o.cur(t.currency) ||
          !o.index("donations", t.donations) || !o.str("fund", t.fund) || !o.integer("in", t.transfers_in) ||
          !o.integer("out", t.transfers_out) || !o.integer("raised", t.raised) || !o.integer("spent", t.spent) ||
          !o.c.lit('}'))
        return false;
      c = o.c;
    }
    if (!c.lit(']') || !f.integer("part", part) || !f.integer("parts", parts) || !f.index("size", r.size)) return false;
    if (part < 1 || parts < part || parts > 1000000) return false;
    r.part = static_cast<std::uint32_t>(part), r.parts = static_cast<std::uint32_t>(parts);
    if (!f.time(rec.time) || !f.end(type)) return false;
    rec.body = std::move(r);
    return true;
  }
  return false;
}

}  // namespace

namespace detail {

bool decode_leaf_fast_into(std::span<const std::uint8_t> leaf, Record& rec) {
  std::string_view text = as_chars(leaf);
  if (text.size() > tlog::kMaxEntrySize) return false;  // encode_leaf refuses to write it
  // Every leaf ends with its type and version: "type" and "v" sort after every other member.
  static constexpr std::string_view kTail = R"(","v":1})";
  if (!text.ends_with(kTail)) return false;
  std::string_view head = text.substr(0, text.size() - kTail.size());
  std::size_t q = head.rfind('"');
  if (q == std::string_view::npos) return false;
  std::string_view type = head.substr(q + 1);  // checked again in place by FastReader::end
  FastReader f{Canon(text)};
  if (!f.c.lit('{')) return false;
  if (!fast_body(type, f, rec)) return false;
  const std::string& time = rec.time;
  if (time.size() != 20 || time[10] != 'T' || time[19] != 'Z' || !check_date(std::string_view(time).substr(0, 10)))
    return false;
  return validate(rec).has_value();
}

std::optional<Record> decode_leaf_fast(std::span<const std::uint8_t> leaf) {
  static const Currency kzt = *currency("KZT");
  Record rec{"", BooksOpen{"", kzt}};
  if (!decode_leaf_fast_into(leaf, rec)) return std::nullopt;
  return rec;
}

Result<Record> decode_leaf_reference(std::span<const std::uint8_t> leaf) {
  std::string_view text = as_chars(leaf);
  auto parsed = parse_strict(text);
  if (!parsed) return err(parsed);
  if (!parsed->is_object()) return fail(Errc::invalid, "a record leaf is a JSON object");
  if (auto st = require_safe_integers(*parsed); !st) return err(st);
  auto canon = canonicalize(*parsed);
  if (!canon) return err(canon);
  if (*canon != text) return fail(Errc::invalid, "the leaf is not in RFC 8785 canonical form");
  auto r = decode_object(*parsed);
  if (!r) return r;
  auto again = encode_leaf(*r);
  if (!again || *again != text) return fail(Errc::invalid, "the leaf does not re-encode to the same bytes");
  return r;
}

}  // namespace detail

Result<Record> decode_leaf(std::span<const std::uint8_t> leaf) {
  // The fast path accepts only what the reference accepts; the reference names the reason for
  // a refusal.
  if (auto r = detail::decode_leaf_fast(leaf)) return std::move(*r);
  return detail::decode_leaf_reference(leaf);
}

Status decode_leaf_into(std::span<const std::uint8_t> leaf, Record& out) {
  if (detail::decode_leaf_fast_into(leaf, out)) return {};
  auto r = detail::decode_leaf_reference(leaf);
  if (!r) return err(r);
  out = std::move(*r);
  return {};
}

}  // namespace amanat::books
