// The books over HTTP: the same books::Books operations the CLI calls, and the public views
// (reports, impact statistics, a donor's proof by receipt code) that need no login and show
// nothing identifying. Money is integer minor units with its ISO 4217 code.
#include <charconv>
#include <sstream>

#include "core/sha256.h"

#include "api/api.h"
#include "books/donation_proof.h"
#include "books/import/camt053.h"
#include "books/import/csv.h"
#include "books/import/importer.h"
#include "books/receipt_files.h"
#include "books/report.h"

namespace amanat::api {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;
using namespace amanat::books;

namespace {

// A route that takes files larger than the server's default body limit.
Route upload(Route r) {
  r.max_body = kMaxUploadBytes;
  return r;
}

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

// Query parameters of GET /report: appeal, from, to.
Result<ReportQuery> report_query(const http::Request& req) {
  auto params = query_params(req, {"appeal", "from", "to"});
  if (!params) return err(params);
  ReportQuery q;
  for (const auto& [k, v] : *params) {
    if (k == "appeal") {
      if (auto st = check_fund(v, "appeal"); !st) return err(st);
      q.fund = v;
    } else {
      if (auto st = check_date(v, k); !st) return err(st);
      (k == "from" ? q.from : q.to) = v;
    }
  }
  return q;
}

template <class T>
Result<http::Response> created_or(Result<T> r) {
  if (!r) return err(r);
  return created(*r);
}

// POST /statements: the query names the format and options, the body is the file.
Result<http::Response> import_statement_call(Call& c) {
  auto params = query_params(c.req, {"format", "map", "account", "channel", "rate"});
  if (!params) return err(params);
  std::string format, map, account = "Bank:Main", channel = "bank";
  import::ImportOptions o;
  for (const auto& [k, v] : *params) {
    if (k == "format") format = v;
    else if (k == "map") map = v;
    else if (k == "account") account = v;
    else if (k == "channel") channel = v;
    else {  // rate=USD=450.25, as amanat import --rate
      auto r = parse_rate_option(v);
      if (!r) return std::unexpected(r.error().context("rate"));
      o.rates[r->first] = r->second;
    }
  }
  auto ch = parse_channel(channel);
  if (!ch) return fail(Errc::invalid, "channel: one of bank, card, cash, mobile, other");
  if (auto st = check_money_account(account, "account"); !st) return err(st);
  o.money_account = account;
  o.channel = *ch;
  if (!c.org.keys) return fail(Errc::unavailable, "statements are not imported by this server");
  if (auto ready = c.org.keys->ready(); !ready) return err(ready);  // line keys need it

  auto chosen = import::choose_statement_format(format, map, "");
  if (!chosen) return err(chosen);
  std::istringstream in(c.req.body);
  auto st = import::parse_statement(in, *chosen);
  if (!st) return fail(st.error().code, "file: " + st.error().message + "; nothing from this file was booked");
  o.file_sha256 = to_hex(sha256(c.req.body));

  std::unique_lock lock(*c.org.import_mu, std::try_to_lock);
  if (!lock.owns_lock()) return fail(Errc::conflict, "another statement is being imported; retry when it is done");
  auto r = import::import_statement(*c.org.books, *c.org.bank, *c.org.keys, *st, o);
  if (!r) return err(r);
  return json_response(201, {{"import", r->import_id},
                             {"format", st->format},
                             {"lines", r->lines},
                             {"booked", r->booked},
                             {"matched_donations", r->matched_donations},
                             {"already_imported", r->known},
                             {"money_out", r->money_out},
                             {"matched_expenses", r->matched_expenses}});
}

}  // namespace

void add_books_routes(Api& api) {
  const std::vector<Role> bookkeepers = {Role::accountant, Role::director};
  const std::vector<Role> readers = {Role::accountant, Role::director, Role::auditor};

  // ---- public ----
  api.add(Route{"GET", "/orgs/{org}/report", "Per-appeal report and the organisation's statement (public)", true, {},
                false, std::nullopt, 200, "The report (query: appeal, from, to)", [](Call& c) -> Result<http::Response> {
                  auto q = report_query(c.req);
                  if (!q) return err(q);
                  auto r = c.org.reports->report(*q);
                  if (!r) return err(r);
                  http::Response res;
                  res.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "public, max-age=10"}};
                  res.body = report_json(*r);
                  return res;
                },
                {"appeal", "from", "to"}});

  api.add(Route{"GET", "/orgs/{org}/statistics", "Impact statistics: counts and totals, nothing identifying (public)",
                true, {}, false, std::nullopt, 200, "Statistics", [](Call& c) -> Result<http::Response> {
                  auto r = c.org.reports->report({});
                  if (!r) return err(r);
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
                  if (!p) return err(p);
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
                  if (!target) return err(target);
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
                  if (!amount) return err(amount);
                  auto rates = rates_of(c.body);
                  if (!rates) return err(rates);
                  DonationInput d{c.body["date"], *amount, *parse_channel(c.body["channel"].get<std::string>()),
                                  opt(c.body, "account"), c.body["fund"], *rates, opt(c.body, "donor"),
                                  opt(c.body, "bank_ref")};
                  auto r = c.org.books->donate(d);
                  if (!r) return err(r);
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
                  if (!amount) return err(amount);
                  auto rates = rates_of(c.body);
                  if (!rates) return err(rates);
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
                  if (!leaf) return err(leaf);
                  auto e = c.org.store->expense(*leaf);
                  if (!e) return err(e);
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
                  if (!leaf) return err(leaf);
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
                  if (!amount) return err(amount);
                  auto rates = rates_of(c.body);
                  if (!rates) return err(rates);
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

  // ---- files: receipts and evidence ----
  api.add(upload(Route{"POST", "/orgs/{org}/files",
                "Store a receipt or evidence file sealed at rest; returns its SHA-256, which receipts and "
                "confirmations refer to (and which goes on the public log)",
                false, {Role::accountant, Role::director, Role::lawyer, Role::case_worker}, false, std::nullopt, 201,
                "The file's SHA-256 (hex) and size", [](Call& c) -> Result<http::Response> {
                  if (!c.org.keys) return fail(Errc::unavailable, "files are not kept by this server");
                  auto sha = store_receipt(c.org.data_dir, *c.org.keys, as_bytes(c.req.body));
                  if (!sha) return err(sha);
                  return json_response(201, {{"sha256", *sha}, {"bytes", c.req.body.size()}});
                },
                {}, {"application/pdf", "image/jpeg", "image/png", "image/webp", "application/octet-stream"}}));

  api.add(Route{"GET", "/orgs/{org}/files/{sha256}", "A stored receipt or evidence file, opened", false,
                {Role::accountant, Role::director}, false, std::nullopt, 200, "The file's bytes",
                [](Call& c) -> Result<http::Response> {
                  if (!c.org.keys) return fail(Errc::not_found, "no stored file with that SHA-256");
                  auto data = read_receipt(c.org.data_dir, *c.org.keys, c.params.at("sha256"));
                  if (!data) return err(data);
                  http::Response res;
                  res.headers = {{"Content-Type", "application/octet-stream"},
                                 {"Cache-Control", "no-store"},
                                 {"X-Content-Type-Options", "nosniff"},
                                 {"Content-Disposition", "attachment; filename=\"" + c.params.at("sha256") + "\""}};
                  res.body.assign(data->begin(), data->end());
                  return res;
                }});

  const auto sha_field = [](const char* name, const char* what, bool required) {
    Field f = str(name, what, 64, required);
    f.min_length = 64;
    return f;
  };
  api.add(Route{"POST", "/orgs/{org}/expenses/{record}/receipts",
                "Attach a stored file (POST .../files first) to an expense as its receipt", false, bookkeepers, false,
                Schema{"ReceiptInput", {sha_field("sha256", "The SHA-256 that POST .../files returned", true)}}, 201,
                "The record number", [](Call& c) -> Result<http::Response> {
                  auto leaf = record_param(c, "record");
                  if (!leaf) return err(leaf);
                  std::string sha = c.body["sha256"];
                  if (!receipt_stored(c.org.data_dir, sha))
                    return fail(Errc::invalid, "sha256: no stored file has this hash; upload it with POST .../files");
                  return created_or(c.org.books->attach_receipt(*leaf, sha));
                }});

  api.add(Route{"POST", "/orgs/{org}/expenses/{record}/confirmations",
                "Record that the case's lawyer or the survivor confirmed an expense (a lawyer records the lawyer's; "
                "a case worker the survivor's; a director either)",
                false, {Role::lawyer, Role::case_worker, Role::director}, false,
                Schema{"ConfirmationInput",
                       {one_of("role", "Whose confirmation", {"lawyer", "survivor"}),
                        sha_field("evidence", "SHA-256 of the signed confirmation, stored with POST .../files", false)}},
                201, "The record number", [](Call& c) -> Result<http::Response> {
                  auto leaf = record_param(c, "record");
                  if (!leaf) return err(leaf);
                  auto role = parse_confirm_role(c.body["role"].get<std::string>());
                  if (!role) return err(role);
                  Role who = c.session->user.role;
                  if ((*role == ConfirmRole::lawyer && who == Role::case_worker) ||
                      (*role == ConfirmRole::survivor && who == Role::lawyer))
                    return fail(Errc::forbidden, std::string("role: a ") + role_name(who) + " does not record the " +
                                                     std::string(confirm_role_name(*role)) + "'s confirmation");
                  std::string evidence = opt(c.body, "evidence");
                  if (!evidence.empty() && !receipt_stored(c.org.data_dir, evidence))
                    return fail(Errc::invalid, "evidence: no stored file has this hash; upload it with POST .../files");
                  return created_or(c.org.books->confirm(*leaf, *role, evidence));
                }});

  // ---- reports and statements ----
  api.add(Route{"POST", "/orgs/{org}/reports",
                "Publish the whole books' totals on the log as a report record, at exactly the log size it states "
                "(what `amanat audit` checks)",
                false, {Role::director, Role::accountant}, false, Schema{"PublishInput", {}}, 201,
                "The record number; the report covers every record before it", [](Call& c) -> Result<http::Response> {
                  auto leaf = c.org.books->publish_report();
                  if (!leaf) return err(leaf);
                  return created(*leaf, {{"covers_records", *leaf}});
                }});

  api.add(upload(Route{"POST", "/orgs/{org}/statements",
                "Import a bank statement (camt.053 XML, or CSV with its column mapping in `map`): money in becomes "
                "donations, money out is kept for reconciliation. Importing a file again books nothing twice; a bad "
                "line is named with its number and nothing of the file is booked.",
                false, bookkeepers, false, std::nullopt, 201,
                "What was booked and matched (query: format, map, account, channel, rate=CODE=RATE, as amanat import --rate)",
                [](Call& c) -> Result<http::Response> { return import_statement_call(c); },
                {"format", "map", "account", "channel", "rate"},
                {"text/csv", "application/xml", "text/xml"}}));
}

}  // namespace amanat::api
