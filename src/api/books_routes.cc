// The books over HTTP: the same books::Books operations the CLI calls, and the public views
// (reports, impact statistics, a donor's proof by receipt code) that need no login and show
// nothing identifying. Money is integer minor units with its ISO 4217 code.
//
// Each route is a named handler below, declared in add_books_routes with the schemas of what it
// takes and answers; the rules of the books live in books::Books, not here.
#include <charconv>
#include <sstream>

#include "api/api.h"
#include "books/donation_proof.h"
#include "books/import/importer.h"
#include "books/lists.h"
#include "books/receipt_files.h"
#include "books/report.h"
#include "core/reasons.h"
#include "core/sha256.h"

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

// ---- request fields ----

Field amount_field() { return integer("amount", "Amount in minor units of `currency` (12345 KZT = 123.45 KZT)", 1, kMaxMinor); }
Field currency_field() { return str("currency", "ISO 4217 alphabetic code", 3); }
Field date_field() { return str("date", "YYYY-MM-DD", 10); }
Field confirm_date_field() {
  return boolean("confirm_date", "true: the date is right though more than a year before or a day after today");
}
// The body's confirmation of a date far from today (books::DateCheck).
DateCheck date_check(const Call& c) {
  return c.body.value("confirm_date", false) ? DateCheck::confirmed : DateCheck::near_today;
}
Field optional(const char* name, const char* what, std::size_t max) {
  return Field{name, Field::Type::string, false, what, 0, max};
}
Field rates_field() {
  Field f{"rates", Field::Type::objects, false,
          "Rates for the other currencies the record touches: one unit of the record's currency in `currency`"};
  f.fields = {str("currency", "ISO 4217 code", 3), str("rate", "A positive decimal, e.g. \"0.0019\"", 32)};
  f.max_items = 4;
  return f;
}
Field sha_field(const char* name, const char* what, bool required) {
  Field f = str(name, what, 64, required);
  f.min_length = 64;
  return f;
}

// ---- response schemas ----

Schema record_created(std::string name = "RecordCreated") {
  return Schema{std::move(name), {out::number("record", "The new record's number: its leaf index on the log")}};
}

std::vector<Field> fund_fields() {
  return {
      out::text("fund", "Appeal code, or general"),
      out::text("title", "Public title"),
      out::text("case", "Pseudonymous case code", false),
      out::flag("restricted", "An appeal's restricted fund (true) or the general fund"),
      out::choice("status", "Whether it takes donations", {"open", "closed"}),
      out::text("currency", "The fund's currency"),
      out::number("target", "An appeal's target", false),
      out::number("donations", "Live donations"),
      out::number("donors", "Unique donors (keyed pseudonyms)"),
      out::number("raised", "Raised"),
      out::number("spent", "Spent"),
      out::number("transfers_in", "Moved in from other funds"),
      out::number("transfers_out", "Moved out to other funds"),
      out::number("balance", "raised - spent + in - out"),
      out::numbers_by("spent_by_category", "Spent per category", category_names()),
      out::number("expenses", "Live expenses"),
      out::number("spent_with_receipt", "Spent on expenses with a receipt"),
      out::number("spent_approved", "Spent on expenses approved by two people"),
  };
}

Schema report_schema() {
  std::vector<Field> fund = fund_fields();
  return Schema{
      "Report",
      {out::text("organisation", "The organisation's public name"), out::text("currency", "The organisation's currency"),
       out::object("period", "The dates asked for (inclusive)",
                   {out::text("from", "YYYY-MM-DD or empty"), out::text("to", "YYYY-MM-DD or empty")}, false),
       out::number("log_size", "The report covers the records before this log size"),
       out::list("funds", "The general fund first, then appeals by code", fund),
       out::object("organisation_statement", "The whole organisation, in its currency",
                   {out::number("donations", "Donations"), out::number("donors", "Unique donors"),
                    out::number("income_restricted", "Income to appeals"),
                    out::number("income_unrestricted", "Income to the general fund"),
                    out::numbers_by("expenses_by_category", "Expenses per category", category_names()),
                    out::number("expenses_total", "Expenses"),
                    out::number("restricted_net_assets", "Held in appeals"),
                    out::number("unrestricted_net_assets", "Held in the general fund")}),
       out::text("amounts", "How to read the amounts")}};
}

Field reversed_by_field() { return out::number("reversed_by", "The correction that reversed it, if one did", false); }

// A page of a staff list: its items under `name`, and where the next page starts.
Schema page_schema(std::string schema, const char* name, const char* what, std::vector<Field> item) {
  return Schema{std::move(schema),
                {out::list(name, what, std::move(item)),
                 out::number("next", "Another page follows: pass this as `before` to read it", false)}};
}

// What the staff lists take, for the document.
constexpr const char* kPageQuery = "before, a record number from the previous page's `next`; limit, 1-200, default 50";

// ---- reading the request ----

Result<Money> money_of(const json& body, const char* amount = "amount", const char* cur = "currency") {
  auto c = currency(body[cur].get<std::string>());
  if (!c) return fail_field(cur, "not an ISO 4217 currency code");
  return Money{body[amount].get<std::int64_t>(), *c};
}

Result<Rates> rates_of(const json& body) {
  Rates out;
  if (!body.contains("rates")) return out;
  for (const auto& r : body["rates"]) {
    std::string code = r["currency"];
    if (!currency(code)) return fail_field("rates", code.substr(0, 3) + " is not an ISO 4217 code");
    auto rate = parse_rate(r["rate"].get<std::string>());
    if (!rate) return fail_field("rates", rate.error().message);
    out.emplace(code, *rate);
  }
  return out;
}

std::string opt(const json& body, const char* key) { return body.contains(key) ? body[key].get<std::string>() : ""; }

Result<std::uint64_t> record_param(const Call& c) {
  const std::string& s = c.params.at("record");
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return fail(reasons::record_not_found, "no such record");
  return v;
}

template <class T>
Result<http::Response> created_or(Result<T> r) {
  if (!r) return err(r);
  return created(*r);
}

// Query parameters of GET /report: appeal, from, to.
Result<ReportQuery> report_query(const http::Request& req) {
  AMANAT_TRY(params, query_params(req, {"appeal", "from", "to"}));
  ReportQuery q;
  for (const auto& [k, v] : params) {
    if (k == "appeal") {
      AMANAT_CHECK(check_fund(v, "appeal"));
      q.fund = v;
    } else {
      AMANAT_CHECK(check_date(v, k));
      (k == "from" ? q.from : q.to) = v;
    }
  }
  return q;
}

// A page's query parameter: `before` (a record number from the previous page's `next`) or
// `limit` (1-200).
Status page_param(const std::string& k, const std::string& v, std::optional<std::uint64_t>& before,
                  std::size_t& limit) {
  AMANAT_TRY(n, query_number(k, v, 1, k == "limit" ? 200 : INT64_MAX));
  if (k == "limit") limit = static_cast<std::size_t>(n);
  else before = static_cast<std::uint64_t>(n);
  return {};
}

// Query parameters of the staff's lists, those of `known` among fund, from, to, channel,
// waiting, before and limit; each checked, and named when it is wrong.
Result<ListQuery> list_query(const http::Request& req, const std::vector<std::string>& known) {
  AMANAT_TRY(params, query_params(req, known));
  ListQuery q;
  for (const auto& [k, v] : params) {
    if (k == "fund") {
      AMANAT_CHECK(check_fund(v, "fund"));
      q.fund = v;
    } else if (k == "from" || k == "to") {
      AMANAT_CHECK(check_date(v, k));
      (k == "from" ? q.from : q.to) = v;
    } else if (k == "channel") {
      auto ch = parse_channel(v);
      if (!ch) return fail(reasons::query_invalid, "channel: one of bank, card, cash, mobile, other", "channel");
      q.channel = *ch;
    } else if (k == "waiting") {
      if (v != "true" && v != "false") return fail(reasons::query_invalid, "waiting: true or false", "waiting");
      q.waiting = v == "true";
    } else {
      AMANAT_CHECK(page_param(k, v, q.before, q.limit));
    }
  }
  AMANAT_CHECK(check_period(q.from, q.to));
  return q;
}

// ---- public ----

Result<http::Response> get_report(Call& c) {
  AMANAT_TRY(q, report_query(c.req));
  AMANAT_TRY(r, c.org.reports->report(q));
  http::Response res;
  res.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "public, max-age=10"}};
  res.body = report_json(r);
  return res;
}

Result<http::Response> get_statistics(Call& c) {
  AMANAT_TRY(r, c.org.reports->report({}));
  std::uint64_t appeals = 0, open = 0;
  for (const auto& f : r.funds)
    if (f.restricted) ++appeals, open += f.open ? 1 : 0;
  ojson spent = ojson::object();
  for (const auto& [cat, amount] : r.org.expenses_by_category) spent[std::string(category_name(cat))] = amount;
  return json_response(200, {{"currency", r.currency.code()},
                             {"log_size", r.log_size},
                             {"appeals", appeals},
                             {"open_appeals", open},
                             {"donations", r.org.donations},
                             {"unique_donors", r.org.donors},
                             {"raised", r.org.income_restricted + r.org.income_unrestricted},
                             {"spent", r.org.expenses_total},
                             {"spent_by_category", spent}});
}

Result<http::Response> get_org(Call& c) {
  AMANAT_TRY(r, c.org.reports->report({.fund = std::string(kGeneralFund)}));
  return json_response(200, {{"slug", c.org.slug},
                             {"name", r.organisation},
                             {"currency", r.currency.code()},
                             {"log", "/log/" + c.org.slug + "/"},
                             {"verifier_key", c.org.verifier_key}});
}

// One appeal's page: its figures, money in and out per month, its expenses a page at a time.
Result<http::Response> get_appeal(Call& c) {
  const std::string& code = c.params.at("code");
  if (!check_fund(code, "code")) return fail(reasons::appeal_not_found, "no such appeal");
  AMANAT_TRY(params, query_params(c.req, {"before", "limit"}));
  ActivityQuery q{.fund = code};
  for (const auto& [k, v] : params) AMANAT_CHECK(page_param(k, v, q.before, q.limit));
  auto rep = c.org.reports->report({.fund = code});
  if (!rep && rep.error().code == Errc::not_found) return fail(reasons::appeal_not_found, "no such appeal");
  if (!rep) return err(rep);
  AMANAT_TRY(act, c.org.reports->activity(q));
  ojson months = ojson::array(), expenses = ojson::array();
  for (const auto& m : act.months) months.push_back({{"month", m.month}, {"raised", m.raised}, {"spent", m.spent}});
  for (const auto& e : act.expenses)
    expenses.push_back({{"record", e.record},
                        {"date", e.date},
                        {"category", category_name(e.category)},
                        {"amount", e.amount},
                        {"currency", e.currency.code()},
                        {"approved", e.approved},
                        {"receipts", e.receipts}});
  ojson body{{"organisation", rep->organisation}, {"log_size", rep->log_size},  {"fund", fund_json(rep->funds.at(0))},
             {"months", months},                 {"expenses", expenses}};
  if (act.next) body["next"] = *act.next;
  auto res = json_response(200, body);
  res.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "public, max-age=10"}};
  // Kept for the books' state it shows (both reads saw the same log size), so that the next
  // readers get it without a worker or the database until the books change (api/answer_cache.h).
  if (c.org.answers && c.org.books && rep->log_size == act.log_size) {
    auto a = c.org.answers->put(AnswerCache::key(c.req), rep->log_size, std::move(res.body), std::move(res.headers));
    return AnswerCache::respond(*a, c.req);
  }
  return res;
}

Result<http::Response> prove_gift(Call& c) {
  AMANAT_TRY(p, prove_donation(*c.org.store, *c.org.log, c.body["receipt"].get<std::string>()));
  ojson body{{"record", p.leaf}, {"proof", p.proof}};
  if (p.reversed_by) body["reversed_by"] = *p.reversed_by;
  return json_response(200, body);
}

// ---- staff: records ----

Result<http::Response> open_appeal(Call& c) {
  AMANAT_TRY(target, money_of(c.body, "target"));
  return created_or(c.org.books->open_appeal(
      AppealOpen{c.body["code"], c.body["title"], opt(c.body, "description"), opt(c.body, "case"), target, c.body["date"]},
      date_check(c)));
}

Result<http::Response> set_appeal_status(Call& c) {
  AppealUpdate u;
  u.code = c.params.at("code");
  u.date = c.body["date"];
  u.open = c.body["open"].get<bool>();
  return created_or(c.org.books->update_appeal(std::move(u), date_check(c)));
}

Result<http::Response> add_donation(Call& c) {
  AMANAT_TRY(amount, money_of(c.body));
  AMANAT_TRY(rates, rates_of(c.body));
  DonationInput d{c.body["date"], amount, *parse_channel(c.body["channel"].get<std::string>()), opt(c.body, "account"),
                  c.body["fund"], rates, opt(c.body, "donor"), opt(c.body, "bank_ref"), date_check(c)};
  AMANAT_TRY(r, c.org.books->donate(d));
  return created(r.leaf, {{"receipt_code", r.receipt_code}});
}

Result<http::Response> add_expense(Call& c) {
  AMANAT_TRY(amount, money_of(c.body));
  AMANAT_TRY(rates, rates_of(c.body));
  Expense e{c.body["date"],
            amount,
            *parse_category(c.body["category"].get<std::string>()),
            c.body.contains("account") ? c.body["account"].get<std::string>() : "Bank:Main",
            "",
            opt(c.body, "memo"),
            {},
            {},
            rates};
  for (const auto& s : c.body["splits"])
    e.splits.push_back(Split{s["fund"], Money{s["amount"].get<std::int64_t>(), amount.currency}});
  return created_or(
      c.org.books->add_expense(ExpenseInput{e, c.body["payee"], opt(c.body, "bank_ref"), c.session->user.name,
                                                  date_check(c)}));
}

// A lawyer or case worker acts on the books only for their own cases (desk/desk.h, who sees a
// case): an expense's confirmations, and the evidence files of those confirmations, belong to
// the cases of the appeals the expense is charged to. There must be one, and they must see each.
Result<bool> sees_cases(Call& c, const std::vector<std::string>& cases) {
  if (c.session->user.role == Role::director) return true;
  if (cases.empty() || !c.org.desk) return false;
  for (const std::string& code : cases) {
    AMANAT_TRY(sees, c.org.desk->sees_case(c.session->user, code));
    if (!sees) return false;
  }
  return true;
}

Result<http::Response> get_expense(Call& c) {
  AMANAT_TRY(leaf, record_param(c));
  AMANAT_TRY(e, c.org.store->expense(leaf));
  if (!e) return fail(reasons::expense_not_found, "no such expense");
  ojson body{{"record", e->leaf},
             {"approvals", e->approvals},
             {"lawyer_confirmed", e->lawyer_confirmed},
             {"survivor_confirmed", e->survivor_confirmed},
             {"receipts", e->receipts},
             {"cases", e->cases}};
  if (e->reversed_by) body["reversed_by"] = *e->reversed_by;
  Role who = c.session->user.role;
  bool may_confirm = false;
  if (who == Role::director || who == Role::lawyer || who == Role::case_worker) {
    AMANAT_TRY(ours, sees_cases(c, e->cases));
    may_confirm = ours;
  }
  body["may_confirm"] = may_confirm;
  return json_response(200, body);
}

Result<http::Response> approve_expense(Call& c) {
  AMANAT_TRY(leaf, record_param(c));
  // The handle on the public log is the user's login name: staff use role-like handles.
  return created_or(c.org.books->approve(leaf, c.session->user.name));
}

Result<http::Response> add_transfer(Call& c) {
  AMANAT_TRY(amount, money_of(c.body));
  AMANAT_TRY(rates, rates_of(c.body));
  return created_or(
      c.org.books->transfer(Transfer{c.body["date"], amount, c.body["from"], c.body["to"], c.body["reason"], rates},
                            date_check(c)));
}

Result<http::Response> add_correction(Call& c) {
  return created_or(c.org.books->correct(
      Correction{c.body["date"], static_cast<std::uint64_t>(c.body["reverses"].get<std::int64_t>()), c.body["reason"]},
      date_check(c)));
}

// ---- staff: lists ----

// A page of a list: its items under `name`, each as `shape` makes it (with the correction that
// reversed it, if one did), and `next` when another page follows.
template <class Item, class Shape>
http::Response page_json(const char* name, const Page<Item>& page, Shape shape) {
  ojson items = ojson::array();
  for (const auto& item : page.items) {
    ojson o = shape(item);
    if constexpr (requires { item.reversed_by; })
      if (item.reversed_by) o["reversed_by"] = *item.reversed_by;
    items.push_back(std::move(o));
  }
  ojson body{{name, std::move(items)}};
  if (page.next) body["next"] = *page.next;
  return json_response(200, body);
}

Result<http::Response> list_donations(Call& c) {
  AMANAT_TRY(q, list_query(c.req, {"fund", "from", "to", "channel", "before", "limit"}));
  AMANAT_TRY(page, c.org.reports->donations(q));
  return page_json("donations", page, [](const DonationItem& d) {
    return ojson{{"record", d.record},
                 {"date", d.date},
                 {"fund", d.fund},
                 {"amount", d.amount.minor},
                 {"currency", d.amount.currency.code()},
                 {"channel", channel_name(d.channel)},
                 {"account", d.account}};
  });
}

Result<http::Response> list_expenses(Call& c) {
  AMANAT_TRY(q, list_query(c.req, {"fund", "from", "to", "waiting", "before", "limit"}));
  AMANAT_TRY(page, c.org.reports->expenses(q));
  return page_json("expenses", page, [](const ExpenseItem& e) {
    ojson splits = ojson::array();
    for (const auto& s : e.splits) splits.push_back({{"fund", s.fund}, {"amount", s.amount.minor}});
    return ojson{{"record", e.record},
                 {"date", e.date},
                 {"amount", e.amount.minor},
                 {"currency", e.amount.currency.code()},
                 {"category", category_name(e.category)},
                 {"account", e.account},
                 {"memo", e.memo},
                 {"booked_by", e.booked_by},
                 {"approvals", e.approvals},
                 {"receipts", e.receipts},
                 {"lawyer", e.lawyer},
                 {"survivor", e.survivor},
                 {"splits", std::move(splits)}};
  });
}

Result<http::Response> list_transfers(Call& c) {
  AMANAT_TRY(q, list_query(c.req, {"fund", "from", "to", "before", "limit"}));
  AMANAT_TRY(page, c.org.reports->transfers(q));
  return page_json("transfers", page, [](const TransferItem& t) {
    return ojson{{"record", t.record},
                 {"date", t.date},
                 {"from", t.from},
                 {"to", t.to},
                 {"amount", t.amount.minor},
                 {"currency", t.amount.currency.code()},
                 {"to_amount", t.to_amount.minor},
                 {"to_currency", t.to_amount.currency.code()},
                 {"reason", t.reason}};
  });
}

Result<http::Response> list_imports(Call& c) {
  AMANAT_TRY(q, list_query(c.req, {"before", "limit"}));
  AMANAT_TRY(page, c.org.reports->imports(q));
  return page_json("imports", page, [](const ImportItem& i) {
    return ojson{{"id", i.id}, {"sha256", i.sha256}, {"format", i.format}, {"lines", i.lines}, {"time", i.time}};
  });
}

// ---- staff: files ----

Result<http::Response> store_file(Call& c) {
  if (!c.org.keys) return fail(Errc::unavailable, "files are not kept by this server");
  AMANAT_TRY(sha, store_receipt(c.org.data_dir, *c.org.keys, as_bytes(c.req.body)));
  return json_response(201, {{"sha256", sha}, {"bytes", c.req.body.size()}});
}

// Who may read a file, by what it is about: a receipt the bookkeepers; the lawyer's
// confirmation the lawyer and case worker of the expense's case (not the accountant); the
// survivor's signed confirmation, which can name her, only the case's case worker. A file with
// several uses is read by the roles all of them allow. A file the books do not use yet is read by
// the roles that may upload (only its uploader knows its hash: it is on the log once it is used).
Result<bool> may_read_file(Call& c, const FileUses& u) {
  Role who = c.session->user.role;
  if (who == Role::director) return true;
  if (!((!u.receipt || who == Role::accountant) &&
        (!u.lawyer_evidence || who == Role::lawyer || who == Role::case_worker) &&
        (!u.survivor_evidence || who == Role::case_worker)))
    return false;
  if (!u.lawyer_evidence && !u.survivor_evidence) return true;
  return sees_cases(c, u.cases);
}

Result<http::Response> read_file(Call& c) {
  const std::string& sha = c.params.at("sha256");
  if (!c.org.keys) return fail(reasons::file_not_found, "no stored file with that SHA-256");
  AMANAT_TRY(uses, c.org.store->file_uses(sha));
  // Refused as missing: whether the organisation holds a file is itself not for every role. The
  // refusal is in the trail: probing for a survivor's confirmation leaves a trace.
  AMANAT_TRY(may, may_read_file(c, uses));
  if (!may) {
    if (c.org.identities) c.org.identities->record(actor(c), "read-file", "file:" + sha.substr(0, 16), "refused");
    return fail(reasons::file_not_found, "no stored file with that SHA-256");
  }
  auto data = read_receipt(c.org.data_dir, *c.org.keys, sha);
  if (c.org.identities) c.org.identities->record(actor(c), "read-file", "file:" + sha.substr(0, 16), data ? "ok" : "failed");
  if (!data) return err(data);
  http::Response res;
  res.headers = {{"Content-Type", "application/octet-stream"},
                 {"Cache-Control", "no-store"},
                 {"X-Content-Type-Options", "nosniff"},
                 {"Content-Disposition", "attachment; filename=\"" + c.params.at("sha256") + "\""}};
  res.body.assign(data->begin(), data->end());
  return res;
}

// The stored file `sha` as the log commits to it (books/receipt_files.h): its salt is drawn at
// its first use and kept sealed beside it (423 while the books key is sealed). A salt drawn for a
// booking that is then refused is the one the file's next use gets: nothing public changes.
Result<FileCommitment> committed_file(Call& c, const std::string& sha, const char* field) {
  if (!c.org.keys || !receipt_stored(c.org.data_dir, sha))
    return fail(reasons::file_not_stored,
                std::string(field) + ": no stored file has this hash; upload it with POST .../files", field);
  return commit_file(c.org.data_dir, *c.org.keys, sha);
}

Result<http::Response> attach_receipt(Call& c) {
  AMANAT_TRY(leaf, record_param(c));
  AMANAT_TRY(file, committed_file(c, c.body["sha256"], "sha256"));
  return created_or(c.org.books->attach_receipt(leaf, file));
}

Result<http::Response> confirm_expense(Call& c) {
  AMANAT_TRY(leaf, record_param(c));
  AMANAT_TRY(role, parse_confirm_role(c.body["role"].get<std::string>()));
  Role who = c.session->user.role;
  if ((role == ConfirmRole::lawyer && who == Role::case_worker) || (role == ConfirmRole::survivor && who == Role::lawyer))
    return fail(reasons::forbidden, std::string("role: a ") + role_name(who) + " does not record the " +
                                             std::string(confirm_role_name(role)) + "'s confirmation",
                "role");
  if (who == Role::lawyer || who == Role::case_worker) {
    AMANAT_TRY(state, c.org.store->expense(leaf));
    if (state) {  // a missing expense is the books' 404 below
      AMANAT_TRY(ours, sees_cases(c, state->cases));
      if (!ours)
        return fail(reasons::not_your_case,
                    state->cases.empty() ? "record: the expense is for no case; a director records its confirmations"
                                         : "record: the expense is for a case not assigned to you",
                    "record");
    }
  }
  std::optional<FileCommitment> evidence;
  if (c.body.contains("evidence")) {
    AMANAT_TRY(file, committed_file(c, c.body["evidence"], "evidence"));
    evidence = std::move(file);
  }
  // A lawyer records their own confirmation; anyone else records on someone's behalf.
  Confirmer by = role == ConfirmRole::lawyer && who == Role::lawyer ? Confirmer::the_person : Confirmer::on_behalf;
  return created_or(c.org.books->confirm(leaf, role, evidence, by));
}

// ---- staff: reports and statements ----

Result<http::Response> publish_report(Call& c) {
  AMANAT_TRY(leaf, c.org.books->publish_report());
  return created(leaf, {{"covers_records", leaf}});
}

// POST /statements: the query names the format and options, the body is the file.
Result<http::Response> import_statement(Call& c) {
  AMANAT_TRY(params, query_params(c.req, {"format", "map", "account", "channel", "rate"}));
  std::string format, map, account = "Bank:Main", channel = "bank";
  import::ImportOptions o;
  for (const auto& [k, v] : params) {
    if (k == "format") format = v;
    else if (k == "map") map = v;
    else if (k == "account") account = v;
    else if (k == "channel") channel = v;
    else {  // rate=USD=450.25, as amanat import --rate
      auto r = parse_rate_option(v);
      if (!r) return fail_field("rate", r.error().message);
      o.rates[r->first] = r->second;
    }
  }
  auto ch = parse_channel(channel);
  if (!ch) return fail_field("channel", "one of bank, card, cash, mobile, other");
  AMANAT_CHECK(check_money_account(account, "account"));
  o.money_account = account;
  o.channel = *ch;
  if (!c.org.keys) return fail(Errc::unavailable, "statements are not imported by this server");
  AMANAT_CHECK(c.org.keys->ready());  // line keys need it

  AMANAT_TRY(chosen, import::choose_statement_format(format, map, ""));
  std::istringstream in(c.req.body);
  auto st = import::parse_statement(in, chosen);
  if (!st)
    return fail(reasons::statement_invalid, "file: " + st.error().message + "; nothing from this file was booked", "file");
  o.file_sha256 = to_hex(sha256(c.req.body));

  std::unique_lock lock(*c.org.import_mu, std::try_to_lock);
  if (!lock.owns_lock()) return fail(reasons::import_busy, "another statement is being imported; retry when it is done");
  AMANAT_TRY(r, import::import_statement(*c.org.books, *c.org.bank, *c.org.keys, *st, o));
  return json_response(201, {{"import", r.import_id},
                             {"format", st->format},
                             {"lines", r.lines},
                             {"booked", r.booked},
                             {"matched_donations", r.matched_donations},
                             {"already_imported", r.known},
                             {"money_out", r.money_out},
                             {"matched_expenses", r.matched_expenses}});
}

}  // namespace

void add_books_routes(Api& api) {
  const std::vector<Role> bookkeepers = {Role::accountant, Role::director};
  const std::vector<Role> readers = {Role::accountant, Role::director, Role::auditor};

  // ---- public ----
  api.add({.method = "GET",
           .path = "/orgs/{org}/report",
           .summary = "Per-appeal report and the organisation's statement (public)",
           .is_public = true,
           .query = {"appeal", "from", "to"},
           .response = "The report (query: appeal, from, to)",
           .returns = report_schema(),
           .handler = get_report});

  api.add({.method = "GET",
           .path = "/orgs/{org}",
           .summary = "The organisation's public name, currency, log and the key that signs its checkpoints (public)",
           .is_public = true,
           .response = "The organisation",
           .returns = Schema{"Organisation",
                             {out::text("slug", "Its name in URLs"), out::text("name", "Its public name"),
                              out::text("currency", "The currency of its books"),
                              out::text("log", "Where its log is served (C2SP tlog-tiles), relative to the server"),
                              out::text("verifier_key", "The note verifier key of its log (C2SP signed-note)")}},
           .handler = get_org});

  api.add({.method = "GET",
           .path = "/orgs/{org}/appeals/{code}",
           .summary = "One appeal's public page: its figures, money in and out per month, and its expenses, newest "
                      "first, a page at a time (public)",
           .is_public = true,
           .query = {"before", "limit"},
           .response = "The appeal (query: before, a record number from `next`; limit, 1-200, default 50)",
           .returns = Schema{"AppealPage",
                             {out::text("organisation", "The organisation's public name"),
                              out::number("log_size", "The figures cover the records before this log size"),
                              out::object("fund", "The appeal's figures, as in the report", fund_fields()),
                              out::list("months", "Money in and out per month (months with none left out)",
                                        {out::text("month", "YYYY-MM"), out::number("raised", "Raised"),
                                         out::number("spent", "Spent")}),
                              out::list("expenses", "Its expenses, newest first",
                                        {out::number("record", "The expense's record number"),
                                         out::text("date", "YYYY-MM-DD"),
                                         out::choice("category", "What it paid for", category_names()),
                                         out::number("amount", "The part charged to this appeal"),
                                         out::text("currency", "The appeal's currency"),
                                         out::flag("approved", "Approved by two different people"),
                                         out::numbers("receipts", "The records that commit to its receipt files")}),
                              out::number("next", "More expenses: pass it as `before`", false)}},
           .responses = {{404, "No such appeal"}},
           .handler = get_appeal});

  api.add({.method = "GET",
           .path = "/orgs/{org}/statistics",
           .summary = "Impact statistics: counts and totals, nothing identifying (public)",
           .is_public = true,
           .response = "Statistics",
           .returns = Schema{"Statistics",
                             {out::text("currency", "The organisation's currency"),
                              out::number("log_size", "The figures cover the records before this log size"),
                              out::number("appeals", "Appeals ever opened"), out::number("open_appeals", "Open appeals"),
                              out::number("donations", "Live donations"), out::number("unique_donors", "Unique donors"),
                              out::number("raised", "Raised, in the organisation's currency"),
                              out::number("spent", "Spent, in the organisation's currency"),
                              out::numbers_by("spent_by_category", "Spent per category", category_names())}},
           .handler = get_statistics});

  api.add({.method = "POST",
           .path = "/orgs/{org}/donations/proof",
           .summary = "A donor's proof of their gift from the receipt code (public; the code goes in the body, never "
                      "the URL)",
           .is_public = true,
           .body = Schema{"DonationProofRequest", {str("receipt", "The receipt code the donor was given", 80)}},
           .response = "The c2sp.org/tlog-proof@v1 file, checked offline by `amanat donation verify`",
           .returns = Schema{"DonationProof",
                             {out::number("record", "The donation's record number"),
                              out::text("proof", "The c2sp.org/tlog-proof@v1 file"),
                              reversed_by_field()}},
           .handler = prove_gift});

  // ---- staff: records ----
  api.add({.method = "POST",
           .path = "/orgs/{org}/appeals",
           .summary = "Open an appeal (a restricted fund for one case)",
           .roles = {Role::director, Role::accountant, Role::communications},
           .body = Schema{"AppealInput",
                          {str("code", "Appeal code, e.g. A-2025-007", 32), str("title", "Public title", 200),
                           text_opt("description", "Public description", 4000),
                           optional("case", "Pseudonymous case code (never a name)", 32),
                           integer("target", "Target in minor units of `currency`", 1, kMaxMinor), currency_field(),
                           date_field(), confirm_date_field()}},
           .status = 201,
           .response = "The record number",
           .returns = record_created(),
           .handler = open_appeal});

  api.add({.method = "POST",
           .path = "/orgs/{org}/appeals/{code}/status",
           .summary = "Close or reopen an appeal",
           .roles = {Role::director, Role::accountant},
           .body = Schema{"AppealStatus", {boolean("open", "true reopens, false closes", true), date_field(), confirm_date_field()}},
           .status = 201,
           .response = "The record number",
           .returns = record_created(),
           .handler = set_appeal_status});

  api.add({.method = "POST",
           .path = "/orgs/{org}/donations",
           .summary = "Book a donation; returns the donor's receipt code",
           .roles = bookkeepers,
           .body = Schema{"DonationInput",
                          {date_field(), confirm_date_field(), amount_field(), currency_field(),
                           one_of("channel", "How it arrived", channel_names()),
                           str("fund", "Appeal code, or general", 32),
                           optional("donor", "phone:..., iban:..., card:... or ref:...; kept only as a keyed pseudonym", 200),
                           optional("bank_ref", "The bank's reference", 100),
                           optional("account", "Money account, e.g. Bank:Main", 100), rates_field()}},
           .status = 201,
           .response = "The record number and the receipt code (give it to the donor; it is kept nowhere)",
           .returns = Schema{"DonationCreated",
                             {out::number("record", "The donation's record number"),
                              out::text("receipt_code", "The donor's receipt code: shown once, kept nowhere")}},
           .handler = add_donation});

  Field splits{"splits", Field::Type::objects, true, "The funds it is charged to (at least one)"};
  splits.fields = {str("fund", "Appeal code, or general", 32), amount_field()};
  splits.min_items = 1;
  api.add({.method = "POST",
           .path = "/orgs/{org}/expenses",
           .summary = "Book an expense charged to one fund or split over several",
           .roles = bookkeepers,
           .body = Schema{"ExpenseInput",
                          {date_field(), confirm_date_field(), amount_field(), currency_field(),
                           one_of("category", "Category", category_names()),
                           str("payee", "Who was paid: sealed at rest, only a commitment goes on the log", 300),
                           text_opt("memo", "Public description", 500), splits,
                           optional("account", "Money account, e.g. Bank:Main", 100),
                           optional("bank_ref", "The bank's reference", 100), rates_field()}},
           .status = 201,
           .response = "The record number",
           .returns = record_created(),
           .handler = add_expense});

  api.add({.method = "GET",
           .path = "/orgs/{org}/expenses/{record}",
           .summary = "An expense's approvals, confirmations and receipts",
           .roles = readers,
           .response = "The expense's state (no payee)",
           .returns = Schema{"ExpenseState",
                             {out::number("record", "The expense's record number"),
                              out::texts("approvals", "Who approved it, in order"),
                              out::flag("lawyer_confirmed", "The case's lawyer confirmed it"),
                              out::flag("survivor_confirmed", "The survivor confirmed it"),
                              out::texts("receipts", "SHA-256 of each receipt file"),
                              out::texts("cases", "The cases of the appeals it is charged to (their codes)"),
                              out::flag("may_confirm", "The caller may record its confirmations (a lawyer or case "
                                                       "worker: for a case of theirs; a director: always)"),
                              reversed_by_field()}},
           .handler = get_expense});

  api.add({.method = "POST",
           .path = "/orgs/{org}/expenses/{record}/approvals",
           .summary = "Approve an expense as the logged-in user (two different people approve each)",
           .roles = bookkeepers,
           .body = Schema{"ApprovalInput", {}},
           .status = 201,
           .response = "The record number",
           .returns = record_created(),
           .handler = approve_expense});

  api.add({.method = "POST",
           .path = "/orgs/{org}/transfers",
           .summary = "Move money between funds, with a stated reason",
           .roles = {Role::director},
           .body = Schema{"TransferInput",
                          {date_field(), confirm_date_field(), amount_field(), currency_field(), str("from", "Source fund", 32),
                           str("to", "Destination fund", 32), str("reason", "Public reason", 500), rates_field()}},
           .status = 201,
           .response = "The record number",
           .returns = record_created(),
           .handler = add_transfer});

  api.add({.method = "POST",
           .path = "/orgs/{org}/corrections",
           .summary = "Reverse a donation, expense or transfer",
           .roles = bookkeepers,
           .body = Schema{"CorrectionInput",
                          {date_field(), confirm_date_field(), integer("reverses", "The record to reverse", 0, kMaxMinor),
                           str("reason", "Public reason", 500)}},
           .status = 201,
           .response = "The record number",
           .returns = record_created(),
           .handler = add_correction});

  // ---- staff: lists of records, newest first, a page at a time ----
  api.add({.method = "GET",
           .path = "/orgs/{org}/donations",
           .summary = "The donations, newest first, a page at a time (never the donor's pseudonym, the receipt "
                      "commitment or the bank reference)",
           .roles = readers,
           .query = {"fund", "from", "to", "channel", "before", "limit"},
           .response = std::string("A page of donations (query: fund; from, to, YYYY-MM-DD, inclusive; channel; ") +
                       kPageQuery + ")",
           .returns = page_schema("DonationPage", "donations", "Donations, newest first",
                                  {out::number("record", "The donation's record number"),
                                   out::text("date", "YYYY-MM-DD"), out::text("fund", "Appeal code, or general"),
                                   out::number("amount", "Amount in minor units of `currency`, as given"),
                                   out::text("currency", "The currency it came in"),
                                   out::choice("channel", "How it arrived", channel_names()),
                                   out::text("account", "The money account it arrived in, e.g. Bank:Main"),
                                   reversed_by_field()}),
           .handler = list_donations});

  api.add({.method = "GET",
           .path = "/orgs/{org}/expenses",
           .summary = "The expenses, newest first, a page at a time, with their approvals, receipts, confirmations "
                      "and splits (never the payee); waiting=true lists those still waiting for approvals",
           .roles = {Role::accountant, Role::director, Role::auditor, Role::lawyer, Role::case_worker},
           .query = {"fund", "from", "to", "waiting", "before", "limit"},
           .response = std::string("A page of expenses (query: fund, those with a split to it; from, to, YYYY-MM-DD, "
                                   "inclusive; waiting=true, only live ones with fewer than two approvals; ") +
                       kPageQuery + ")",
           .returns = page_schema(
               "ExpensePage", "expenses", "Expenses, newest first",
               {out::number("record", "The expense's record number"), out::text("date", "YYYY-MM-DD"),
                out::number("amount", "Amount in minor units of `currency`"),
                out::text("currency", "The expense's currency"),
                out::choice("category", "What it paid for", category_names()),
                out::text("account", "The money account it was paid from, e.g. Bank:Main"),
                out::text("memo", "Public description (may be empty)"),
                out::text("booked_by", "The staff handle of who booked it (empty for one booked before it was kept)"),
                out::texts("approvals", "Who approved it, in order"),
                out::texts("receipts", "SHA-256 of each receipt file"),
                out::flag("lawyer", "The case's lawyer confirmed it"),
                out::flag("survivor", "The survivor confirmed it"),
                out::list("splits", "The funds it is charged to",
                          {out::text("fund", "Appeal code, or general"),
                           out::number("amount", "The part charged to it, in minor units of the expense's currency")}),
                reversed_by_field()}),
           .handler = list_expenses});

  api.add({.method = "GET",
           .path = "/orgs/{org}/transfers",
           .summary = "The transfers between funds, newest first, a page at a time",
           .roles = readers,
           .query = {"fund", "from", "to", "before", "limit"},
           .response = std::string("A page of transfers (query: fund, those from or to it; from, to, YYYY-MM-DD, "
                                   "inclusive; ") +
                       kPageQuery + ")",
           .returns = page_schema("TransferPage", "transfers", "Transfers, newest first",
                                  {out::number("record", "The transfer's record number"),
                                   out::text("date", "YYYY-MM-DD"), out::text("from", "Source fund"),
                                   out::text("to", "Destination fund"),
                                   out::number("amount", "Moved out of `from`, in minor units of `currency`"),
                                   out::text("currency", "The source fund's currency"),
                                   out::number("to_amount", "Moved into `to`, in minor units of `to_currency`"),
                                   out::text("to_currency", "The destination fund's currency"),
                                   out::text("reason", "Public reason"), reversed_by_field()}),
           .handler = list_transfers});

  api.add({.method = "GET",
           .path = "/orgs/{org}/imports",
           .summary = "The bank statements imported, newest first, a page at a time",
           .roles = readers,
           .query = {"before", "limit"},
           .response = std::string("A page of imports (query: before, an import's number from the previous page's "
                                   "`next`; limit, 1-200, default 50)"),
           .returns = page_schema("ImportPage", "imports", "Imports, newest first",
                                  {out::number("id", "The import's number"),
                                   out::text("sha256", "SHA-256 of the imported file, hex"),
                                   out::text("format", "What was read, e.g. camt.053.001.08 or csv"),
                                   out::number("lines", "Lines in the file"),
                                   out::text("time", "When it was imported")}),
           .handler = list_imports});

  // ---- staff: files (receipts and evidence) ----
  api.add({.method = "POST",
           .path = "/orgs/{org}/files",
           .summary = "Store a receipt or evidence file sealed at rest; returns its SHA-256, which receipts and "
                      "confirmations refer to (the public log carries a salted commitment to the file, never its "
                      "SHA-256)",
           .roles = {Role::accountant, Role::director, Role::lawyer, Role::case_worker},
           .raw_body = {"application/pdf", "image/jpeg", "image/png", "image/webp", "application/octet-stream"},
           .max_body = kMaxUploadBytes,
           .status = 201,
           .response = "The file's SHA-256 (hex) and size",
           .returns = Schema{"FileStored",
                             {out::text("sha256", "The file's SHA-256, hex"), out::number("bytes", "Its size")}},
           .handler = store_file});

  api.add({.method = "GET",
           .path = "/orgs/{org}/files/{sha256}",
           .summary = "A stored receipt or evidence file, opened, for the roles that may see what it is about "
                      "(a receipt: accountant; a lawyer's confirmation: the lawyer and case worker of the expense's "
                      "case; a survivor's: its case worker; directors all); 404 to others. Each download is in the "
                      "access trail",
           .roles = {Role::accountant, Role::director, Role::lawyer, Role::case_worker},
           .response = "The file's bytes",
           .returns_media = "application/octet-stream",
           .handler = read_file});

  api.add({.method = "POST",
           .path = "/orgs/{org}/expenses/{record}/receipts",
           .summary = "Attach a stored file (POST .../files first) to an expense as its receipt; its leaf carries "
                      "the file's salted commitment (the salt is drawn at its first use, under the books key)",
           .roles = bookkeepers,
           .body = Schema{"ReceiptInput", {sha_field("sha256", "The SHA-256 that POST .../files returned", true)}},
           .status = 201,
           .response = "The record number",
           .returns = record_created(),
           .handler = attach_receipt});

  api.add({.method = "POST",
           .path = "/orgs/{org}/expenses/{record}/confirmations",
           .summary = "Record that the case's lawyer or the survivor confirmed an expense (a lawyer records the "
                      "lawyer's; a case worker the survivor's; a director either). A lawyer or case worker only for an "
                      "expense charged to an appeal for a case they may see (403 not-your-case)",
           .roles = {Role::lawyer, Role::case_worker, Role::director},
           .body = Schema{"ConfirmationInput",
                          {one_of("role", "Whose confirmation", {"lawyer", "survivor"}),
                           sha_field("evidence", "SHA-256 of the signed confirmation, stored with POST .../files", false)}},
           .status = 201,
           .response = "The record number",
           .returns = record_created(),
           .responses = {{403, "A lawyer or case worker, and the expense is for no case of theirs (not-your-case)"}},
           .handler = confirm_expense});

  // ---- staff: reports and statements ----
  api.add({.method = "POST",
           .path = "/orgs/{org}/reports",
           .summary = "Publish the whole books' totals on the log as a report record, at exactly the log size it "
                      "states (what `amanat audit` checks)",
           .roles = {Role::director, Role::accountant},
           .body = Schema{"PublishInput", {}},
           .status = 201,
           .response = "The record number; the report covers every record before it",
           .returns = Schema{"ReportPublished",
                             {out::number("record", "The report's record number"),
                              out::number("covers_records", "It covers the records before this number")}},
           .handler = publish_report});

  api.add({.method = "POST",
           .path = "/orgs/{org}/statements",
           .summary = "Import a bank statement (camt.053 XML; MT940/MT942 or 1C as text/plain; CSV with its column "
                      "mapping in `map`): money in "
                      "becomes donations, money out is kept for reconciliation. Importing a file again books nothing "
                      "twice; a bad line is named with its number and nothing of the file is booked.",
           .roles = bookkeepers,
           .raw_body = {"text/csv", "application/xml", "text/xml", "text/plain"},
           .max_body = kMaxUploadBytes,
           .query = {"format", "map", "account", "channel", "rate"},
           .status = 201,
           .response = "What was booked and matched (query: format, map, account, channel, rate=CODE=RATE, as "
                       "amanat import --rate)",
           .returns = Schema{"StatementImported",
                             {out::number("import", "The import's number"),
                              out::text("format", "What was read, e.g. camt.053.001.08 or csv"),
                              out::number("lines", "Lines in the file"), out::number("booked", "New donations booked"),
                              out::number("matched_donations", "Lines matched to donations booked by hand"),
                              out::number("already_imported", "Lines seen in an earlier import"),
                              out::number("money_out", "Lines of money out, kept for reconciliation"),
                              out::number("matched_expenses", "Lines of money out matched to expenses")}},
           .handler = import_statement});
}

}  // namespace amanat::api
