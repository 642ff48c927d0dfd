#include "books/leaf.h"

#include <algorithm>
#include <set>

#include "core/canonical_json.h"

#include <simdjson.h>
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
    if (!r.receipts.empty()) {
      std::vector<std::string> hs;
      for (const auto& h : r.receipts) {
        std::string q;
        put_string(q, h);
        hs.push_back(std::move(q));
      }
      o.raw("receipts", array_of(hs));
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
    return {};
  }
  Status operator()(const ReceiptAttach& r) {
    o.num("expense", static_cast<std::int64_t>(r.expense)).str("sha256", r.sha256);
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
      if (!s) return std::unexpected(s.error());
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
    if (!s) return std::unexpected(s.error());
    return std::optional<std::string>(std::move(*s));
  }
  Result<std::uint64_t> index(const char* key) {
    auto v = self().integer(key);
    if (!v) return std::unexpected(v.error());
    if (*v < 0) return fail(Errc::invalid, std::string(key) + ": must not be negative");
    return static_cast<std::uint64_t>(*v);
  }
  Result<Currency> cur(const char* key = "currency") {
    auto s = self().str(key);
    if (!s) return std::unexpected(s.error());
    auto c = currency(*s);
    if (!c) return std::unexpected(c.error().context(key));
    return *c;
  }
  Result<Money> money(const char* amount_key = "amount") {
    auto a = self().integer(amount_key);
    if (!a) return std::unexpected(a.error());
    auto c = cur();
    if (!c) return std::unexpected(c.error());
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


// The same reader over simdjson's DOM, for the fast path of decode_leaf (the auditor decodes
// millions of leaves). It need not refuse unknown members or other spellings: whatever it
// decodes is encoded again and must give back exactly the leaf's bytes.
class SimdFields : public FieldReader<SimdFields> {
 public:
  explicit SimdFields(simdjson::dom::object o) : o_(o) {}

  Result<std::string> str(const char* key, bool required = true) {
    simdjson::dom::element v;
    if (o_.at_key(key).get(v)) {
      if (required) return fail(Errc::invalid, std::string(key) + ": missing");
      return std::string();
    }
    std::string_view sv;
    if (v.get_string().get(sv)) return fail(Errc::invalid, std::string(key) + ": must be a string");
    return std::string(sv);
  }
  Result<std::int64_t> integer(const char* key) {
    simdjson::dom::element v;
    if (o_.at_key(key).get(v)) return fail(Errc::invalid, std::string(key) + ": missing");
    std::int64_t i;
    if (!v.is_int64() || v.get_int64().get(i)) return fail(Errc::invalid, std::string(key) + ": must be an integer");
    return i;
  }
  Result<Rates> rates() {
    Rates out;
    simdjson::dom::element v;
    if (o_.at_key("rates").get(v)) return out;
    simdjson::dom::object r;
    if (v.get_object().get(r)) return fail(Errc::invalid, "rates: must be an object");
    for (auto field : r) {
      std::string_view sv;
      if (field.value.get_string().get(sv)) return fail(Errc::invalid, "rates: must hold decimal strings");
      auto rate = parse_rate(sv);
      if (!rate) return std::unexpected(rate.error().context("rates"));
      out.emplace(std::string(field.key), *rate);
    }
    return out;
  }
  bool has(const char* key) {
    simdjson::dom::element v;
    return !o_.at_key(key).get(v);
  }
  Result<std::vector<SimdFields>> objects(const char* key) {
    simdjson::dom::element v;
    simdjson::dom::array a;
    if (o_.at_key(key).get(v) || v.get_array().get(a)) return fail(Errc::invalid, std::string(key) + ": must be an array");
    std::vector<SimdFields> out;
    for (simdjson::dom::element e : a) {
      simdjson::dom::object o;
      if (e.get_object().get(o)) return fail(Errc::invalid, std::string(key) + ": must hold objects");
      out.emplace_back(o);
    }
    return out;
  }
  Result<std::vector<std::string>> strings(const char* key) {
    std::vector<std::string> out;
    simdjson::dom::element v;
    if (o_.at_key(key).get(v)) return out;
    simdjson::dom::array a;
    if (v.get_array().get(a)) return fail(Errc::invalid, std::string(key) + ": must be an array");
    for (simdjson::dom::element e : a) {
      std::string_view sv;
      if (e.get_string().get(sv)) return fail(Errc::invalid, std::string(key) + ": must hold strings");
      out.emplace_back(sv);
    }
    return out;
  }
  Status done() const { return {}; }

 private:
  simdjson::dom::object o_;
};

#define TRY(var, expr)                                        \
  auto var##_r = (expr);                                      \
  if (!var##_r) return std::unexpected(var##_r.error());      \
  auto var = std::move(*var##_r)

template <class Fields>
Result<Body> decode_body(std::string_view type, Fields& f) {
  if (type == "books.open") {
    TRY(name, f.str("name"));
    TRY(c, f.cur());
    return BooksOpen{name, c};
  }
  if (type == "appeal.open") {
    AppealOpen r{.target = Money{0, *currency("KZT")}};
    TRY(code, f.str("appeal"));
    TRY(title, f.str("title"));
    TRY(desc, f.str("description", false));
    TRY(cs, f.str("case", false));
    TRY(target, f.money("target"));
    TRY(date, f.str("date"));
    r.code = code, r.title = title, r.description = desc, r.case_code = cs, r.target = target, r.date = date;
    return r;
  }
  if (type == "appeal.update") {
    AppealUpdate r;
    TRY(code, f.str("appeal"));
    TRY(date, f.str("date"));
    TRY(title, f.opt_str("title"));
    TRY(desc, f.opt_str("description"));
    TRY(status, f.opt_str("status"));
    r.code = code, r.date = date, r.title = title, r.description = desc;
    if (f.has("target")) {
      TRY(target, f.money("target"));
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
    TRY(date, f.str("date"));
    TRY(amount, f.money());
    TRY(ch, f.str("channel"));
    TRY(channel, parse_channel(ch));
    TRY(account, f.str("account"));
    TRY(fund, f.str("fund"));
    TRY(receipt, f.str("receipt"));
    TRY(rates, f.rates());
    r.date = date, r.amount = amount, r.channel = channel, r.account = account, r.fund = fund;
    r.receipt = receipt, r.rates = rates;
    return r;
  }
  if (type == "expense") {
    Expense r{.amount = Money{0, *currency("KZT")}};
    TRY(date, f.str("date"));
    TRY(amount, f.money());
    TRY(cat, f.str("category"));
    TRY(category, parse_category(cat));
    TRY(account, f.str("account"));
    TRY(payee, f.str("payee"));
    TRY(memo, f.str("memo", false));
    TRY(rates, f.rates());
    r.date = date, r.amount = amount, r.category = category, r.account = account;
    r.payee = payee, r.memo = memo, r.rates = rates;
    TRY(splits, f.objects("splits"));
    for (std::size_t i = 0; i < splits.size(); ++i) {
      std::string where = "splits[" + std::to_string(i) + "]";
      TRY(fund, splits[i].str("fund"));
      TRY(a, splits[i].integer("amount"));
      if (auto st = splits[i].done(); !st) return std::unexpected(st.error().context(where));
      r.splits.push_back({fund, Money{a, amount.currency}});
    }
    TRY(receipts, f.strings("receipts"));
    r.receipts = std::move(receipts);
    return r;
  }
  if (type == "expense.approve") {
    TRY(e, f.index("expense"));
    TRY(by, f.str("by"));
    return Approval{e, by};
  }
  if (type == "expense.confirm") {
    TRY(e, f.index("expense"));
    TRY(role_s, f.str("role"));
    TRY(role, parse_confirm_role(role_s));
    TRY(ev, f.str("evidence", false));
    return Confirmation{e, role, ev};
  }
  if (type == "expense.receipt") {
    TRY(e, f.index("expense"));
    TRY(h, f.str("sha256"));
    return ReceiptAttach{e, h};
  }
  if (type == "transfer") {
    Transfer r{.amount = Money{0, *currency("KZT")}};
    TRY(date, f.str("date"));
    TRY(amount, f.money());
    TRY(from, f.str("from"));
    TRY(to, f.str("to"));
    TRY(reason, f.str("reason"));
    TRY(rates, f.rates());
    r.date = date, r.amount = amount, r.from = from, r.to = to, r.reason = reason, r.rates = rates;
    return r;
  }
  if (type == "correction") {
    TRY(date, f.str("date"));
    TRY(rev, f.index("reverses"));
    TRY(reason, f.str("reason"));
    return Correction{date, rev, reason};
  }
  if (type == "report") {
    ReportPublished r;
    TRY(size, f.index("size"));
    TRY(part, f.integer("part"));
    TRY(parts, f.integer("parts"));
    if (part < 1 || parts < part || parts > 1000000) return fail(Errc::invalid, "part: out of range");
    r.size = size, r.part = static_cast<std::uint32_t>(part), r.parts = static_cast<std::uint32_t>(parts);
    TRY(funds, f.objects("funds"));
    for (std::size_t i = 0; i < funds.size(); ++i) {
      auto& ff = funds[i];
      std::string where = "funds[" + std::to_string(i) + "]";
      TRY(fund, ff.str("fund"));
      TRY(c, ff.cur());
      TRY(raised, ff.integer("raised"));
      TRY(spent, ff.integer("spent"));
      TRY(in, ff.integer("in"));
      TRY(out, ff.integer("out"));
      TRY(balance, ff.integer("balance"));
      TRY(n, ff.index("donations"));
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
  if (auto st = validate(r); !st) return std::unexpected(st.error());
  if (r.time.size() != 20 || r.time[10] != 'T' || r.time[19] != 'Z' || !check_date(r.time.substr(0, 10)))
    return fail(Errc::invalid, "time: must be UTC YYYY-MM-DDTHH:MM:SSZ");
  Obj o;
  o.num("v", kLeafVersion).str("type", type_name(r.body)).str("time", r.time);
  if (auto st = std::visit(Encoder{o}, r.body); !st) return std::unexpected(st.error());
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
  TRY(v, f.integer("v"));
  if (v != kLeafVersion) return fail(Errc::invalid, "v: version " + std::to_string(v) + " is not known");
  TRY(type, f.str("type"));
  TRY(time, f.str("time"));
  if (time.size() != 20 || time[10] != 'T' || time[19] != 'Z' || !check_date(time.substr(0, 10)))
    return fail(Errc::invalid, "time: must be UTC YYYY-MM-DDTHH:MM:SSZ");
  TRY(body, decode_body(type, f));
  if (auto st = f.done(); !st) return std::unexpected(st.error());
  Record r{time, std::move(body)};
  if (auto st = validate(r); !st) return std::unexpected(st.error());
  return r;
}

Result<Record> decode_object(const json& parsed) {
  if (!parsed.is_object()) return fail(Errc::invalid, "a record leaf is a JSON object");
  Fields f(parsed);
  return decode_fields(f);
}

}  // namespace

Result<Record> decode_leaf(std::span<const std::uint8_t> leaf) {
  std::string_view text = as_chars(leaf);
  // Fast path (the auditor decodes millions of leaves): simdjson reads the leaf, then the
  // record is written again and must give back exactly these bytes. A leaf that is not the
  // canonical encoding of a valid record cannot pass, whatever the lenient reading let through
  // (duplicate names, other spellings, unknown members), because encode_leaf writes only
  // canonical form.
  {
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element doc;
    simdjson::dom::object obj;
    if (!parser.parse(leaf.data(), leaf.size()).get(doc) && !doc.get_object().get(obj)) {
      SimdFields f(obj);
      auto r = decode_fields(f);
      if (r) {
        auto again = encode_leaf(*r);
        if (again && *again == text) return r;
      }
    }
  }
  // Slow path: the strict parser and canonicalizer, for a precise error.
  auto parsed = parse_strict(text);
  if (!parsed) return std::unexpected(parsed.error());
  if (!parsed->is_object()) return fail(Errc::invalid, "a record leaf is a JSON object");
  if (auto st = require_safe_integers(*parsed); !st) return std::unexpected(st.error());
  auto canon = canonicalize(*parsed);
  if (!canon) return std::unexpected(canon.error());
  if (*canon != text) return fail(Errc::invalid, "the leaf is not in RFC 8785 canonical form");
  auto r = decode_object(*parsed);
  if (!r) return r;
  auto again = encode_leaf(*r);
  if (!again || *again != text) return fail(Errc::invalid, "the leaf does not re-encode to the same bytes");
  return r;
}

}  // namespace amanat::books
