// The books over HTTP: the same books::Books operations the CLI calls, and the public views
// (reports, impact statistics, a donor's proof by receipt code) that need no login and show
// nothing identifying. Money is integer minor units with its ISO 4217 code.
#include <charconv>

#include "api/api.h"
#include "books/donation_proof.h"
#include "books/report.h"

namespace amanat::api {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;
using namespace amanat::books;

namespace {

constexpr std::int64_t kMaxMinor = 9'000'000'000'000'000;  // far above any real amount, below 2^63

std::vector<std::string> channel_names() { return {"bank", "card", "cash", "mobile", "other"}; }
std::vector<std::string> category_names() {
  std::vector<std::string> out;
  for (Category c : all_categories()) out.emplace_back(category_name(c));
  return out;
}

Field amount_field() { return integer("amount", "Amount in minor units of `currency` (12345 KZT = 123.45 KZT)", 1, kMaxMinor); }
Field currency_field() { return str("currency", "ISO 4217 alphabetic code", 3); }
Field date_field() { return str("date", "YYYY-MM-DD", 10); }
Field rates_field() {
  Field f{"rates", Field::Type::objects, false,
          "Rates for the other currencies the record touches: one unit of the record's currency in `currency`"};
  f.fields = {str("currency", "ISO 4217 code", 3), str("rate", "A positive decimal, e.g. \"0.0019\"", 32)};
  f.max_items = 4;
  return f;
}

Result<Money> money_of(const json& body, const char* amount = "amount", const char* cur = "currency") {
  auto c = currency(body[cur].get<std::string>());
  if (!c) return fail(Errc::invalid, std::string(cur) + ": not an ISO 4217 currency code");
  return Money{body[amount].get<std::int64_t>(), *c};
}

Result<Rates> rates_of(const json& body) {
  Rates out;
  if (!body.contains("rates")) return out;
  for (const auto& r : body["rates"]) {
    std::string code = r["currency"];
    if (!currency(code)) return fail(Errc::invalid, "rates: " + code.substr(0, 3) + " is not an ISO 4217 code");
    auto rate = parse_rate(r["rate"].get<std::string>());
    if (!rate) return fail(Errc::invalid, "rates: " + rate.error().message);
    out.emplace(code, *rate);
  }
  return out;
}

std::string opt(const json& body, const char* key) { return body.contains(key) ? body[key].get<std::string>() : ""; }

Result<std::uint64_t> record_param(const Call& c, const char* name) {
  const std::string& s = c.params.at(name);
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return fail(Errc::not_found, "no such record");
  return v;
}

http::Response created(std::uint64_t leaf, ojson extra = ojson::object()) {
  ojson body{{"record", leaf}};
  for (auto& [k, v] : extra.items()) body[k] = v;
  return json_response(201, body);
}

// Query parameters of GET /report: appeal, from, to (plain values; no escapes are needed).
Result<ReportQuery> report_query(const http::Request& req) {
  ReportQuery q;
  std::string_view rest = req.query;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view kv = rest.substr(0, amp);
    auto eq = kv.find('=');
    std::string_view k = kv.substr(0, eq), v = eq == std::string_view::npos ? "" : kv.substr(eq + 1);
    if (k == "appeal") {
      if (auto st = check_fund(v, "appeal"); !st) return std::unexpected(st.error());
      q.fund = std::string(v);
    } else if (k == "from" || k == "to") {
      if (auto st = check_date(v, k); !st) return std::unexpected(st.error());
      (k == "from" ? q.from : q.to) = std::string(v);
    } else if (!k.empty()) {
      return fail(Errc::invalid, "query: unknown parameter (use appeal, from, to)");
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return q;
}

template <class T>
Result<http::Response> created_or(Result<T> r) {
  if (!r) return std::unexpected(r.error());
  return created(*r);
}

}  // namespace

void add_books_routes(Api& api) {
  const std::vector<Role> bookkeepers = {Role::accountant, Role::director};
  const std::vector<Role> readers = {Role::accountant, Role::director, Role::auditor};

  // ---- public ----
  api.add(Route{"GET", "/orgs/{org}/report", "Per-appeal report and the organisation's statement (public)", true, {},
                false, std::nullopt, 200, "The report (query: appeal, from, to)", [](Call& c) -> Result<http::Response> {
                  auto q = report_query(c.req);
                  if (!q) return std::unexpected(q.error());
                  auto r = c.org.store->report(*q);
                  if (!r) return std::unexpected(r.error());
                  http::Response res;
                  res.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "public, max-age=10"}};
                  res.body = report_json(*r);
                  return res;
                },
                {"appeal", "from", "to"}});

  api.add(Route{"GET", "/orgs/{org}/statistics", "Impact statistics: counts and totals, nothing identifying (public)",
                true, {}, false, std::nullopt, 200, "Statistics", [](Call& c) -> Result<http::Response> {
                  auto r = c.org.store->report({});
                  if (!r) return std::unexpected(r.error());
                  std::uint64_t appeals = 0, open = 0;
                  for (const auto& f : r->funds)
                    if (f.restricted) ++appeals, open += f.open ? 1 : 0;
                  ojson spent = ojson::object();
                  for (const auto& [cat, amount] : r->org.expenses_by_category)
                    spent[std::string(category_name(cat))] = amount;
                  return json_response(200, {{"currency", r->currency.code()},
                                             {"log_size", r->log_size},
                                             {"appeals", appeals},
                                             {"open_appeals", open},
                                             {"donations", r->org.donations},
                                             {"unique_donors", r->org.donors},
                                             {"raised", r->org.income_restricted + r->org.income_unrestricted},
                                             {"spent", r->org.expenses_total},
                                             {"spent_by_category", spent}});
                }});

  api.add(Route{"POST", "/orgs/{org}/donations/proof",
                "A donor's proof of their gift from the receipt code (public; the code goes in the body, never the URL)",
                true, {}, false, Schema{"DonationProofRequest", {str("receipt", "The receipt code the donor was given", 80)}},
                200, "The c2sp.org/tlog-proof@v1 file, checked offline by `amanat donation verify`",
                [](Call& c) -> Result<http::Response> {
                  auto p = prove_donation(*c.org.store, *c.org.log, c.body["receipt"].get<std::string>());
                  if (!p) return std::unexpected(p.error());
                  ojson body{{"record", p->leaf}, {"proof", p->proof}};
                  if (p->reversed_by) body["reversed_by"] = *p->reversed_by;
                  return json_response(200, body);
                }});

  // ---- staff ----
  api.add(Route{"POST", "/orgs/{org}/appeals", "Open an appeal (a restricted fund for one case)", false,
                {Role::director, Role::accountant, Role::communications}, false,
                Schema{"AppealInput",
                       {str("code", "Appeal code, e.g. A-2025-007", 32), str("title", "Public title", 200),
                        text_opt("description", "Public description", 4000),
                        Field{"case", Field::Type::string, false, "Pseudonymous case code (never a name)", 0, 32},
                        integer("target", "Target in minor units of `currency`", 1, kMaxMinor), currency_field(),
                        date_field()}},
                201, "The record number", [](Call& c) -> Result<http::Response> {
                  auto target = money_of(c.body, "target");
                  if (!target) return std::unexpected(target.error());
                  return created_or(c.org.books->open_appeal(AppealOpen{c.body["code"], c.body["title"],
                                                                       opt(c.body, "description"), opt(c.body, "case"),
                                                                       *target, c.body["date"]}));
                }});

  api.add(Route{"POST", "/orgs/{org}/appeals/{code}/status", "Close or reopen an appeal", false,
                {Role::director, Role::accountant}, false,
                Schema{"AppealStatus", {boolean("open", "true reopens, false closes", true), date_field()}}, 201,
                "The record number", [](Call& c) -> Result<http::Response> {
                  AppealUpdate u;
                  u.code = c.params.at("code");
                  u.date = c.body["date"];
                  u.open = c.body["open"].get<bool>();
                  return created_or(c.org.books->update_appeal(std::move(u)));
                }});

  api.add(Route{"POST", "/orgs/{org}/donations", "Book a donation; returns the donor's receipt code", false, bookkeepers,
                false,
                Schema{"DonationInput",
                       {date_field(), amount_field(), currency_field(),
                        one_of("channel", "How it arrived", channel_names()),
                        str("fund", "Appeal code, or general", 32),
                        Field{"donor", Field::Type::string, false,
                              "phone:..., iban:..., card:... or ref:...; kept only as a keyed pseudonym", 0, 200},
                        Field{"bank_ref", Field::Type::string, false, "The bank's reference", 0, 100},
                        Field{"account", Field::Type::string, false, "Money account, e.g. Bank:Main", 0, 100},
                        rates_field()}},
                201, "The record number and the receipt code (give it to the donor; it is kept nowhere)",
                [](Call& c) -> Result<http::Response> {
                  auto amount = money_of(c.body);
                  if (!amount) return std::unexpected(amount.error());
                  auto rates = rates_of(c.body);
                  if (!rates) return std::unexpected(rates.error());
                  DonationInput d{c.body["date"], *amount, *parse_channel(c.body["channel"].get<std::string>()),
                                  opt(c.body, "account"), c.body["fund"], *rates, opt(c.body, "donor"),
                                  opt(c.body, "bank_ref")};
                  auto r = c.org.books->donate(d);
                  if (!r) return std::unexpected(r.error());
                  return created(r->leaf, {{"receipt_code", r->receipt_code}});
                }});

  Field splits{"splits", Field::Type::objects, true, "The funds it is charged to (at least one)"};
  splits.fields = {str("fund", "Appeal code, or general", 32), amount_field()};
  api.add(Route{"POST", "/orgs/{org}/expenses", "Book an expense charged to one fund or split over several", false,
                bookkeepers, false,
                Schema{"ExpenseInput",
                       {date_field(), amount_field(), currency_field(), one_of("category", "Category", category_names()),
                        str("payee", "Who was paid: sealed at rest, only a commitment goes on the log", 300),
                        text_opt("memo", "Public description", 500), splits,
                        Field{"account", Field::Type::string, false, "Money account, e.g. Bank:Main", 0, 100},
                        Field{"bank_ref", Field::Type::string, false, "The bank's reference", 0, 100}, rates_field()}},
                201, "The record number", [](Call& c) -> Result<http::Response> {
                  auto amount = money_of(c.body);
                  if (!amount) return std::unexpected(amount.error());
                  auto rates = rates_of(c.body);
                  if (!rates) return std::unexpected(rates.error());
                  Expense e{c.body["date"],
                            *amount,
                            *parse_category(c.body["category"].get<std::string>()),
                            c.body.contains("account") ? c.body["account"].get<std::string>() : "Bank:Main",
                            "",
                            opt(c.body, "memo"),
                            {},
                            {},
                            *rates};
                  for (const auto& s : c.body["splits"])
                    e.splits.push_back(Split{s["fund"], Money{s["amount"].get<std::int64_t>(), amount->currency}});
                  return created_or(c.org.books->add_expense(ExpenseInput{e, c.body["payee"], opt(c.body, "bank_ref")}));
                }});

  api.add(Route{"GET", "/orgs/{org}/expenses/{record}", "An expense's approvals, confirmations and receipts", false,
                readers, false, std::nullopt, 200, "The expense's state (no payee)", [](Call& c) -> Result<http::Response> {
                  auto leaf = record_param(c, "record");
                  if (!leaf) return std::unexpected(leaf.error());
                  auto e = c.org.store->expense(*leaf);
                  if (!e) return std::unexpected(e.error());
                  if (!*e) return fail(Errc::not_found, "no such expense");
                  ojson body{{"record", (*e)->leaf},
                             {"approvals", (*e)->approvals},
                             {"lawyer_confirmed", (*e)->lawyer_confirmed},
                             {"survivor_confirmed", (*e)->survivor_confirmed},
                             {"receipts", (*e)->receipts}};
                  if ((*e)->reversed_by) body["reversed_by"] = *(*e)->reversed_by;
                  return json_response(200, body);
                }});

  api.add(Route{"POST", "/orgs/{org}/expenses/{record}/approvals",
                "Approve an expense as the logged-in user (two different people approve each)", false, bookkeepers,
                false, Schema{"ApprovalInput", {}}, 201, "The record number", [](Call& c) -> Result<http::Response> {
                  auto leaf = record_param(c, "record");
                  if (!leaf) return std::unexpected(leaf.error());
                  // The handle on the public log is the user's login name: staff use role-like handles.
                  return created_or(c.org.books->approve(*leaf, c.session->user.name));
                }});

  api.add(Route{"POST", "/orgs/{org}/transfers", "Move money between funds, with a stated reason", false,
                {Role::director}, false,
                Schema{"TransferInput",
                       {date_field(), amount_field(), currency_field(), str("from", "Source fund", 32),
                        str("to", "Destination fund", 32), str("reason", "Public reason", 500), rates_field()}},
                201, "The record number", [](Call& c) -> Result<http::Response> {
                  auto amount = money_of(c.body);
                  if (!amount) return std::unexpected(amount.error());
                  auto rates = rates_of(c.body);
                  if (!rates) return std::unexpected(rates.error());
                  return created_or(c.org.books->transfer(
                      Transfer{c.body["date"], *amount, c.body["from"], c.body["to"], c.body["reason"], *rates}));
                }});

  api.add(Route{"POST", "/orgs/{org}/corrections", "Reverse a donation, expense or transfer", false, bookkeepers, false,
                Schema{"CorrectionInput",
                       {date_field(), integer("reverses", "The record to reverse", 0, kMaxMinor),
                        str("reason", "Public reason", 500)}},
                201, "The record number", [](Call& c) -> Result<http::Response> {
                  return created_or(c.org.books->correct(Correction{
                      c.body["date"], static_cast<std::uint64_t>(c.body["reverses"].get<std::int64_t>()), c.body["reason"]}));
                }});
}

}  // namespace amanat::api
