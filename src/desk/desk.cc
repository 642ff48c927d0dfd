#include "desk/desk.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>

#include "books/model.h"
#include "core/canonical_json.h"
#include "core/reasons.h"
#include "core/sha256.h"
#include "desk/docket_json.h"
#include "core/utf8.h"

namespace amanat::desk {

namespace {

const Error kNoCase{Errc::not_found, "no such case", &reasons::case_not_found};

template <std::size_t N>
Status one_of(std::string_view field, std::string_view value, const std::string_view (&allowed)[N]) {
  if (std::find(std::begin(allowed), std::end(allowed), value) != std::end(allowed)) return {};
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  return fail_field(field, "\"" + std::string(value.substr(0, 40)) + "\" is not one of " + list);
}

template <std::size_t N>
Status each_of(std::string_view field, const std::vector<std::string>& values, const std::string_view (&allowed)[N]) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    AMANAT_CHECK(one_of(std::string(field) + "[" + std::to_string(i) + "]", values[i], allowed));
    for (std::size_t j = 0; j < i; ++j)
      if (values[j] == values[i]) return fail_field(field, "\"" + values[i] + "\" is given twice");
  }
  return {};
}

// A day something happened (field `date`): a real day, not in the future (a day of slack for the
// time zones). `what` says what cannot be in the future.
Status check_past_day(std::string_view day, std::int64_t now, std::string_view what) {
  AMANAT_CHECK(books::check_date(day, "date"));
  if (day > books::date_of_day(now / 86400 + 1)) return fail_field("date", std::string(what) + " cannot be in the future");
  return {};
}

// Short procedural text (a document's name and number, a body, an article): one line, no
// control characters, at most `max` bytes. Names of people do not belong here; the screens say so.
Status short_text(std::string_view field, std::string_view text, std::size_t max) {
  if (text.empty()) return {};
  return books::check_text(text, field, max, false);
}

// A date with the precision it is known to: YYYY-MM-DD, YYYY-MM or YYYY.
Status check_event_date(std::string_view date, std::string_view field) {
  if (date.size() == 10) return books::check_date(date, field);
  std::string full = std::string(date) + (date.size() == 7 ? "-01" : date.size() == 4 ? "-01-01" : "");
  if (full.size() != 10 || !books::check_date(full, field))
    return fail_field(field, "\"" + std::string(date.substr(0, 20)) + "\" is not a date YYYY-MM-DD, YYYY-MM or YYYY");
  return {};
}

// `date` (YYYY-MM-DD) plus `days`, or plus `months` to the same day of the month (the month's last
// day when it has fewer: 31 January + 1 month is 28 or 29 February).
std::string after(const std::string& date, int days, int months) {
  auto day = books::day_number(date);
  if (!day) return date;
  if (days > 0) return books::date_of_day(*day + days);
  int y = std::stoi(date.substr(0, 4)), m = std::stoi(date.substr(5, 2)) - 1 + months, d = std::stoi(date.substr(8, 2));
  y += m / 12;
  m = m % 12 + 1;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  d = std::min(d, kDays[m - 1] + (m == 2 && leap ? 1 : 0));
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

std::string utc_time(std::int64_t t) {
  std::int64_t day = t / 86400, s = t % 86400;
  char buf[16];
  std::snprintf(buf, sizeof buf, "T%02lld:%02lld:%02lldZ", (long long)(s / 3600), (long long)(s / 60 % 60),
                (long long)(s % 60));
  return books::date_of_day(day) + buf;
}

// The error of the i-th item of a batch, named as "list[i].field".
Error item_error(const Error& e, const std::string& list, std::size_t i) {
  const std::string at = list + "[" + std::to_string(i) + "]";
  Error out = e.context(at);
  out.field = at + "." + e.field;
  return out;
}

std::string month_of_unix(std::int64_t t) { return books::date_of_day(t / 86400).substr(0, 7); }
std::string month_of(const std::optional<std::string>& date) { return date ? date->substr(0, 7) : std::string(); }

std::string new_case_code(std::int64_t now) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::uint8_t raw[5];
  randombytes_buf(raw, sizeof raw);
  std::string code = "C-" + books::date_of_day(now / 86400).substr(0, 4) + "-";
  for (std::uint8_t b : raw) code += kAlphabet[b & 31];
  return code;
}

std::optional<std::string> field_value(const std::vector<std::pair<std::string, std::string>>& fields,
                                       std::string_view id) {
  for (const auto& [k, v] : fields)
    if (k == id) return v;
  return std::nullopt;
}

std::vector<Count> difference(const std::vector<Count>& before, const std::vector<Count>& after) {
  std::vector<Count> out;
  for (Count c : before) {
    c.n = -c.n;
    c.sum = -c.sum;
    out.push_back(std::move(c));
  }
  out.insert(out.end(), after.begin(), after.end());
  return out;
}

Status check_identity(const std::vector<std::pair<std::string, std::string>>& identity) {
  for (const auto& [k, v] : identity) {
    if (std::find(std::begin(identity::kSubjectFields), std::end(identity::kSubjectFields), k) ==
        std::end(identity::kSubjectFields))
      return fail_field("identity." + k, "not a field of an identity");
    if (v.size() > identity::kMaxFieldBytes)
      return fail_field("identity." + k, "at most " + std::to_string(identity::kMaxFieldBytes) + " bytes");
    if (!is_valid_utf8(v)) return fail_field("identity." + k, "not valid UTF-8");
  }
  return {};
}

}  // namespace

std::optional<std::int64_t> days_between(std::string_view a, std::string_view b) {
  auto x = books::day_number(a), y = books::day_number(b);
  if (!x || !y) return std::nullopt;
  return *y - *x;
}

Desk::Desk(UnitOfWork& db, DeskStore& store, identity::Identities& ids, const Procedure& procedure, Clock clock)
    : db_(db), store_(store), ids_(ids), procedure_(procedure), clock_(std::move(clock)) {}

std::int64_t Desk::now() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// ---- counts ----

std::vector<Count> Desk::contributions(const ConsultationRow& c) {
  return {Count{metric::consultations, month_of_unix(c.at), c.category, c.region, c.consent_stats, 1, 0}};
}

std::vector<Count> Desk::contributions(const CaseRow& c) {
  std::vector<Count> out;
  const bool ok = c.consents.stats;
  auto add = [&](const char* m, std::string month, std::int64_t n = 1, std::int64_t sum = 0) {
    out.push_back(Count{m, std::move(month), c.category, c.region, ok, n, sum});
  };
  const std::string opened = month_of_unix(c.opened);
  add(metric::cases_opened, opened);
  if (c.first_of_survivor) add(metric::survivors, opened);
  out.push_back(Count{std::string(metric::stage_prefix) + c.stage, "", c.category, c.region, ok, 1, 0});
  if (c.court_on) add(metric::to_court, month_of(c.court_on));
  if (c.verdict_on && c.verdict) {
    const std::string m = month_of(c.verdict_on);
    if (*c.verdict == "conviction") {
      add(metric::convictions, m);
      add(metric::convicted, m, c.convicted);
    } else if (*c.verdict == "acquittal") {
      add(metric::acquittals, m);
    }
    if (c.reported_on)
      if (auto d = days_between(*c.reported_on, *c.verdict_on); d && *d >= 0) add(metric::report_to_verdict, m, 1, *d);
  }
  return out;
}

std::vector<Count> Desk::contributions(const SuspectRow& s, const CaseRow& c) {
  if (s.state != "convicted") return {};
  const bool prison = s.sentence_kind == "imprisonment";
  const std::string band = s.sentence_kind.empty() ? "unknown"
                           : !prison               ? "non_custodial"
                           : s.sentence_months < 60 ? "prison_under_5y"
                           : s.sentence_months <= 120 ? "prison_5_10y"
                                                      : "prison_over_10y";
  return {Count{std::string(metric::sentenced_prefix) + band, month_of(s.since), c.category, c.region, c.consents.stats,
                1, prison ? s.sentence_months : 0}};
}

std::vector<Count> Desk::contributions(const ComplaintRow& c) {
  std::vector<Count> out;
  if (!c.decided_on) return out;
  const std::string m = month_of(c.decided_on);
  // "Ten police officers were held accountable" (criminally, for negligence and inaction) and
  // "more than 200 received disciplinary sanctions" are the background's two figures.
  if (c.outcome == "criminal_case") out.push_back(Count{metric::officials_accountable, m, "", c.region, true, 1, 0});
  if (c.outcome == "disciplinary" || c.outcome == "dismissal")
    out.push_back(Count{metric::disciplinary, m, "", c.region, true, 1, 0});
  return out;
}

// ---- consultations ----

// The row a consultation becomes, checked. `imported`: an older record brought in (the demo, a
// hotline's history): any date from 2000 on, rather than the last 400 days.
Result<ConsultationRow> Desk::check_consultation(const User& by, const NewConsultation& c, bool imported) {
  const std::int64_t t = now();
  const std::int64_t at = c.at ? c.at : t;
  if (at > t + 3600) return fail_field("at", "a consultation cannot be in the future");
  if (!imported && at < t - 400LL * 86400)
    return fail_field("at", "more than 400 days ago: log it with its own date only if it is");
  if (at < 946684800) return fail_field("at", "before 2000");
  AMANAT_CHECK(one_of("channel", c.channel, kChannels));
  AMANAT_CHECK(one_of("contact_kind", c.contact_kind, kContactKinds));
  AMANAT_CHECK(one_of("caller_role", c.caller_role, kCallerRoles));
  AMANAT_CHECK(one_of("category", c.category, kCategories));
  AMANAT_CHECK(each_of("context", c.context, kContexts));
  AMANAT_CHECK(one_of("region", c.region, kRegions));
  AMANAT_CHECK(one_of("age_group", c.age_group, kAgeGroups));
  AMANAT_CHECK(one_of("sex", c.sex, kSexes));
  AMANAT_CHECK(one_of("incident_precision", c.incident_precision, kPrecisions));
  AMANAT_CHECK(one_of("police_status", c.police_status, kPoliceStatuses));
  AMANAT_CHECK(each_of("referrals", c.referrals, kReferrals));
  AMANAT_CHECK(one_of("outcome", c.outcome, kOutcomes));
  if (c.follow_up) AMANAT_CHECK(books::check_date(*c.follow_up, "follow_up"));
  AMANAT_CHECK(short_text("protocol", c.protocol, 64));
  AMANAT_CHECK(check_identity(c.identity));
  if (c.survivor && !c.identity.empty()) return fail_field("identity", "give a survivor's code or an identity, not both");
  ConsultationRow row{.at = at, .channel = c.channel, .contact_kind = c.contact_kind, .caller_role = c.caller_role,
                      .category = c.category, .context = c.context, .region = c.region, .age_group = c.age_group,
                      .sex = c.sex, .police_status = c.police_status, .referrals = c.referrals, .outcome = c.outcome,
                      .follow_up = c.follow_up, .operator_id = by.id, .protocol = c.protocol,
                      .consent_stats = c.consent_stats};
  if (c.incident_at) {
    if (*c.incident_at > at) return fail_field("incident_at", "the incident cannot come after the call");
    row.hours_since = (at - *c.incident_at) / 3600;
  }
  // Primero's rule: a child's case is child abuse whatever the type; the flag follows the age.
  if (c.age_group == "0-11" || c.age_group == "12-17")
    if (std::find(row.context.begin(), row.context.end(), "child") == row.context.end()) row.context.push_back("child");
  if (c.survivor) {
    AMANAT_TRY(s, ids_.visible(by, *c.survivor));
    if (s.kind != "survivor") return fail(reasons::survivor_not_found, "no such survivor", "survivor");
    row.survivor = s.code;
  }
  return row;
}

Result<std::int64_t> Desk::write_consultation(Tx& tx, const User& by, const NewConsultation& c, ConsultationRow& row) {
  if (!c.identity.empty()) {
    AMANAT_TRY(s, ids_.create(tx, by, "survivor", c.identity));
    row.survivor = s.code;
    AMANAT_CHECK(ids_.record(tx, "user:" + std::to_string(by.id), "create-subject", s.code, "ok"));
  }
  AMANAT_TRY(id, store_.add_consultation(tx, row));
  AMANAT_CHECK(store_.add_counts(tx, contributions(row)));
  return id;
}

Result<Desk::Logged> Desk::log_consultation(const User& by, const NewConsultation& c) {
  AMANAT_TRY(row, check_consultation(by, c, false));
  Logged out;
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(id, write_consultation(tx, by, c, row));
    out.id = id;
    return {};
  }));
  out.survivor = row.survivor;
  return out;
}

Result<std::vector<Desk::Logged>> Desk::import_consultations(const User& by, const std::vector<NewConsultation>& batch) {
  std::vector<ConsultationRow> rows;
  rows.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto row = check_consultation(by, batch[i], true);
    if (!row) {
      return std::unexpected(item_error(row.error(), "consultations", i));
    }
    rows.push_back(std::move(*row));
  }
  std::vector<Logged> out(batch.size());
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      AMANAT_TRY(id, write_consultation(tx, by, batch[i], rows[i]));
      out[i] = Logged{id, rows[i].survivor};
    }
    return {};
  }));
  return out;
}

Result<std::vector<ConsultationRow>> Desk::consultations(const User& by, ConsultationFilter f) {
  if (f.survivor) {
    auto s = ids_.visible(by, *f.survivor);
    if (!s) return fail(reasons::survivor_not_found, "no such survivor", "survivor");
  }
  if (f.from) AMANAT_CHECK(books::check_date(*f.from, "from"));
  if (f.to) AMANAT_CHECK(books::check_date(*f.to, "to"));
  AMANAT_CHECK(books::check_period(f.from, f.to));
  if (f.category) AMANAT_CHECK(one_of("category", *f.category, kCategories));
  return store_.consultations(f);
}

Result<ConsultationRow> Desk::consultation(const User& by, std::int64_t id) {
  AMANAT_TRY(row, store_.consultation(id));
  if (!row) return fail(reasons::consultation_not_found, "no such consultation");
  return std::move(*row);
}

// ---- cases ----

bool Desk::may_see(const User& by, const CaseRow& c) const {
  if (by.role == accounts::Role::director) return true;
  return c.created_by == by.id || c.lawyer == by.id || c.case_worker == by.id;
}

Result<CaseRow> Desk::visible_case(const User& by, const std::string& code) {
  AMANAT_TRY(row, store_.case_by_code(code));
  if (!row || !may_see(by, *row)) return std::unexpected(kNoCase);
  return std::move(*row);
}

Result<bool> Desk::sees_case(const User& by, const std::string& code) {
  AMANAT_TRY(row, store_.case_by_code(code));
  return row && may_see(by, *row);
}

// A case worker takes over a survivor the hotline logged: the consultation that names her (which
// every hotline role lists) lets them open her case though they could not see her before, and
// opening it lets them read her identity, as an assignment would. check_case makes sure the
// consultation names this survivor.
bool Desk::taking_over(const User& by, const NewCase& c) const {
  return by.role == accounts::Role::case_worker && c.from_consultation.has_value();
}

Result<CaseRow> Desk::check_case(const User& by, const NewCase& c) {
  AMANAT_CHECK(one_of("category", c.category, kCategories));
  AMANAT_CHECK(each_of("context", c.context, kContexts));
  AMANAT_CHECK(one_of("region", c.region, kRegions));
  if (c.articles.size() > 10) return fail_field("articles", "at most 10");
  for (std::size_t i = 0; i < c.articles.size(); ++i)
    AMANAT_CHECK(books::check_text(c.articles[i], "articles[" + std::to_string(i) + "]", 80, false));
  AMANAT_CHECK(short_text("body", c.body, 200));
  AMANAT_CHECK(short_text("court", c.court, 200));
  auto s = ids_.visible(by, c.survivor);
  if (!s && taking_over(by, c)) {
    AMANAT_TRY(con, store_.consultation(*c.from_consultation));
    if (con && con->survivor == c.survivor) s = ids_.visible(User{.role = accounts::Role::director}, c.survivor);
  }
  if (!s || s->kind != "survivor") return fail(reasons::survivor_not_found, "no such survivor", "survivor");
  const std::int64_t t = c.opened ? *c.opened : now();
  if (t > now() + 3600) return fail_field("opened", "a case cannot be opened in the future");
  if (t < 946684800) return fail_field("opened", "before 2000");
  return CaseRow{.survivor = c.survivor, .category = c.category, .context = c.context, .region = c.region,
                 .stage = procedure_.initial(), .private_prosecution = c.private_prosecution, .articles = c.articles,
                 .body = c.body, .court = c.court, .lawyer = c.lawyer, .case_worker = c.case_worker,
                 .created_by = by.id, .opened = t, .consents = c.consents};
}

Status Desk::insert_case(Tx& tx, const User& by, const NewCase& c, CaseRow& row) {
  AMANAT_TRY(earlier, store_.cases_of_survivor(tx, c.survivor));
  row.first_of_survivor = earlier == 0;
  if (c.from_consultation) {
    AMANAT_TRY(con, store_.consultation(*c.from_consultation));
    if (!con) return fail(reasons::consultation_not_found, "no such consultation", "from_consultation");
  }
  for (int attempt = 0;; ++attempt) {
    row.code = new_case_code(row.opened);
    AMANAT_TRY(id, store_.add_case(tx, row));
    if (id) {
      row.id = *id;
      break;
    }
    if (attempt == 5) return fail(Errc::internal, "could not find a free case code");
  }
  for (auto user : {c.lawyer, c.case_worker})
    if (user && *user) AMANAT_CHECK(ids_.assign(tx, c.survivor, *user));
  if (taking_over(by, c)) AMANAT_CHECK(ids_.assign(tx, c.survivor, by.id));
  if (c.from_consultation) AMANAT_CHECK(store_.link_consultation(tx, *c.from_consultation, c.survivor, row.id));
  return store_.add_counts(tx, contributions(row));
}

Result<CaseRow> Desk::open_case(const User& by, const NewCase& c) {
  AMANAT_TRY(row, check_case(by, c));
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_CHECK(insert_case(tx, by, c, row));
    return ids_.record(tx, "user:" + std::to_string(by.id), "open-case", row.code, "ok");
  }));
  return row;
}

Result<CasePage> Desk::case_page(const User& by, const std::string& code) {
  AMANAT_TRY(row, visible_case(by, code));
  AMANAT_TRY(events, store_.events(row.id));
  AMANAT_TRY(deadlines, store_.deadlines(row.id));
  AMANAT_TRY(referrals, store_.referrals(row.id));
  AMANAT_TRY(suspects, store_.suspects(row.id));
  return CasePage{std::move(row), std::move(events), std::move(deadlines), std::move(referrals), std::move(suspects)};
}

Result<std::vector<CaseRow>> Desk::cases(const User& by, CaseFilter f) {
  if (by.role != accounts::Role::director) f.visible_to = by.id;
  if (f.stage && !procedure_.stage(*f.stage)) return fail_field("stage", "no such stage");
  if (f.category) AMANAT_CHECK(one_of("category", *f.category, kCategories));
  if (f.region) AMANAT_CHECK(one_of("region", *f.region, kRegions));
  return store_.cases(f);
}

Status Desk::check_event(const NewEvent& e) const {
  AMANAT_CHECK(check_event_date(e.date, "date"));
  AMANAT_CHECK(short_text("document", e.document, 300));
  if (e.legal_basis) AMANAT_CHECK(short_text("legal_basis", *e.legal_basis, 300));
  for (const auto& [k, v] : e.fields) AMANAT_CHECK(short_text("fields." + k, v, 300));
  if (e.date > books::date_of_day(now() / 86400 + 1).substr(0, e.date.size()))
    return fail_field("date", "an event cannot be in the future");
  return {};
}

// Records `e` on `row` (read inside `tx`): the procedure decides the stage, the milestones the
// statistics count follow the stages the case enters, and the counts move by the difference.
Result<EventRow> Desk::apply_event(Tx& tx, const User& by, CaseRow& row, const NewEvent& e) {
  const CaseRow before = row;
  AMANAT_TRY(to, procedure_.apply(row.stage, e.kind, e.fields));
  const EventKind* kind = procedure_.event(e.kind);
  EventRow out{.case_id = row.id, .kind = e.kind, .date = e.date, .from = row.stage, .to = to,
               .document_status = e.document_status, .document = e.document,
               .legal_basis = e.legal_basis ? *e.legal_basis : kind->legal_basis, .fields = e.fields,
               .recorded_by = by.id, .recorded_at = now()};
  const bool full_date = e.date.size() == 10;
  if (to == "reported" && !row.reported_on && full_date) row.reported_on = e.date;
  if (to == "in_court" && !row.court_on && full_date) row.court_on = e.date;
  // Back before a verdict (a retrial ordered, the case returned): the verdict no longer stands.
  if ((to == "in_court" || to == "investigating") && row.verdict) {
    row.verdict_on.reset();
    row.verdict.reset();
    row.convicted = 0;
  }
  if (to == "verdict" && full_date) {
    row.verdict_on = e.date;
    row.verdict = field_value(e.fields, "outcome").value_or("other");
    row.convicted = 0;
    if (*row.verdict == "conviction") {
      row.convicted = 1;
      if (auto n = field_value(e.fields, "convicted")) {
        std::int64_t v = 0;
        auto [p, ec] = std::from_chars(n->data(), n->data() + n->size(), v);
        if (ec != std::errc() || p != n->data() + n->size() || v < 1 || v > 100)
          return fail_field("fields.convicted", "a number from 1 to 100");
        row.convicted = v;
      }
    }
  }
  row.stage = to;
  AMANAT_TRY(id, store_.add_event(tx, out));
  out.id = id;
  // The time limits the event starts become the case's deadlines; one already past when the
  // event is recorded (a case brought in with its history) is left out: nothing to remind.
  if (full_date) {
    const std::string today = books::date_of_day(now() / 86400);
    for (const TimeLimit& t : kind->limits) {
      std::string due = after(e.date, t.days, t.months);
      if (due < today) continue;
      AMANAT_TRY(did, store_.add_deadline(tx, DeadlineRow{.case_id = row.id, .due = due, .what = t.label.en,
                                                          .case_code = row.code, .source = e.kind + "/" + t.id}));
      (void)did;
    }
  }
  AMANAT_CHECK(store_.update_case(tx, row));
  AMANAT_CHECK(store_.add_counts(tx, difference(contributions(before), contributions(row))));
  return out;
}

Result<EventRow> Desk::add_event(const User& by, const std::string& code, const NewEvent& e) {
  AMANAT_CHECK(check_event(e));
  EventRow out;
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(found, store_.case_for_update(tx, code));
    if (!found || !may_see(by, *found)) return std::unexpected(kNoCase);
    CaseRow row = *found;
    AMANAT_TRY(event, apply_event(tx, by, row, e));
    out = std::move(event);
    return ids_.record(tx, "user:" + std::to_string(by.id), "case-event", row.code, e.kind);
  }));
  return out;
}

Result<CaseRow> Desk::import_case(const User& by, const NewCase& c, const std::vector<NewEvent>& events) {
  for (std::size_t i = 0; i < events.size(); ++i)
    if (auto st = check_event(events[i]); !st) return std::unexpected(item_error(st.error(), "events", i));
  AMANAT_TRY(row, check_case(by, c));
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_CHECK(insert_case(tx, by, c, row));
    for (std::size_t i = 0; i < events.size(); ++i)
      if (auto ev = apply_event(tx, by, row, events[i]); !ev) return std::unexpected(item_error(ev.error(), "events", i));
    return ids_.record(tx, "user:" + std::to_string(by.id), "import-case", row.code, std::to_string(events.size()));
  }));
  return row;
}

Status Desk::set_consents(const User& by, const std::string& code, const Consents& c) {
  return db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(found, store_.case_for_update(tx, code));
    if (!found || !may_see(by, *found)) return std::unexpected(kNoCase);
    CaseRow row = *found;
    row.consents = c;
    AMANAT_CHECK(store_.update_case(tx, row));
    AMANAT_CHECK(store_.add_counts(tx, difference(contributions(*found), contributions(row))));
    // Its convicted suspects' sentences are counted with the case's consent too.
    AMANAT_TRY(suspects, store_.suspects(row.id));
    for (const auto& s : suspects)
      AMANAT_CHECK(store_.add_counts(tx, difference(contributions(s, *found), contributions(s, row))));
    return ids_.record(tx, "user:" + std::to_string(by.id), "case-consents", row.code, "ok");
  });
}

Status Desk::assign(const User& by, const std::string& code, std::optional<std::int64_t> lawyer,
                    std::optional<std::int64_t> case_worker) {
  return db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(found, store_.case_for_update(tx, code));
    if (!found || !may_see(by, *found)) return std::unexpected(kNoCase);
    CaseRow row = *found;
    auto set = [&](std::optional<std::int64_t>& slot, std::optional<std::int64_t> to) -> Status {
      if (!to) return {};
      slot = *to ? to : std::nullopt;
      if (*to) AMANAT_CHECK(ids_.assign(tx, row.survivor, *to));
      return {};
    };
    AMANAT_CHECK(set(row.lawyer, lawyer));
    AMANAT_CHECK(set(row.case_worker, case_worker));
    AMANAT_CHECK(store_.update_case(tx, row));
    return ids_.record(tx, "user:" + std::to_string(by.id), "case-assign", row.code,
                       "lawyer:" + std::to_string(row.lawyer.value_or(0)) +
                           " case_worker:" + std::to_string(row.case_worker.value_or(0)));
  });
}

Result<DeadlineRow> Desk::add_deadline(const User& by, const std::string& code, const std::string& due,
                                       const std::string& what) {
  AMANAT_CHECK(books::check_date(due, "due"));
  AMANAT_CHECK(books::check_text(what, "what", 200, false));
  AMANAT_TRY(row, visible_case(by, code));
  DeadlineRow d{.case_id = row.id, .due = due, .what = what, .case_code = row.code};
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(id, store_.add_deadline(tx, d));
    d.id = id;
    return {};
  }));
  return d;
}

Status Desk::finish_deadline(const User& by, const std::string& code, std::int64_t id) {
  AMANAT_TRY(row, visible_case(by, code));
  return db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(found, store_.finish_deadline(tx, row.id, id, now()));
    if (!found) return fail(Errc::not_found, "no such deadline on this case");
    return {};
  });
}

Result<DeadlineRow> Desk::move_deadline(const User& by, const std::string& code, std::int64_t id,
                                        const std::string& due, const std::string& because) {
  AMANAT_CHECK(books::check_date(due, "due"));
  AMANAT_CHECK(books::check_text(because, "because", 200, false));
  AMANAT_TRY(row, visible_case(by, code));
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(moved, store_.move_deadline(tx, row.id, id, due, because));
    if (!moved) return std::unexpected(Error{Errc::not_found, "no open deadline of this number on this case", nullptr,
                                             "deadline"});
    return ids_.record(tx, "user:" + std::to_string(by.id), "case-deadline-moved", row.code,
                       std::to_string(id) + " to " + due);
  }));
  AMANAT_TRY(all, store_.deadlines(row.id));
  for (auto& d : all)
    if (d.id == id) return std::move(d);
  return fail(Errc::not_found, "no such deadline on this case");
}

// ---- suspects ----

bool suspect_move_allowed(std::string_view from, std::string_view to) {
  for (const auto& m : kSuspectMoves)
    if (m.from == from && m.to == to) return true;
  return false;
}

Result<SuspectRow> Desk::add_suspect(const User& by, const std::string& code, const NewSuspect& n) {
  AMANAT_CHECK(short_text("label", n.label, 100));
  AMANAT_CHECK(short_text("article", n.article, 100));
  AMANAT_CHECK(check_past_day(n.date, now(), "a suspect's change"));
  SuspectRow out;
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(found, store_.case_for_update(tx, code));
    if (!found || !may_see(by, *found)) return std::unexpected(kNoCase);
    out = SuspectRow{.case_id = found->id, .label = n.label, .article = n.article, .state = "identified",
                     .since = n.date, .history = {{"identified", n.date, ""}}};
    AMANAT_CHECK(store_.add_suspect(tx, out, by.id));
    return ids_.record(tx, "user:" + std::to_string(by.id), "case-suspect", found->code,
                       std::to_string(out.n) + " identified");
  }));
  return out;
}

Result<SuspectRow> Desk::change_suspect(const User& by, const std::string& code, std::int64_t id,
                                        const SuspectChange& c) {
  AMANAT_CHECK(one_of("state", c.state, kSuspectStates));
  AMANAT_CHECK(check_past_day(c.date, now(), "a suspect's change"));
  AMANAT_CHECK(short_text("article", c.article, 100));
  AMANAT_CHECK(short_text("sentence", c.sentence, 200));
  AMANAT_CHECK(short_text("note", c.note, 300));
  if (c.state != "convicted" && (!c.sentence.empty() || !c.sentence_kind.empty() || c.sentence_months))
    return fail_field(!c.sentence.empty() ? "sentence" : !c.sentence_kind.empty() ? "sentence_kind" : "sentence_months",
                      "only a conviction has a sentence");
  if (!c.sentence_kind.empty()) AMANAT_CHECK(one_of("sentence_kind", c.sentence_kind, kSentenceKinds));
  const bool has_length = c.sentence_kind == "imprisonment" || c.sentence_kind == "restricted_liberty" ||
                          c.sentence_kind == "suspended";
  if (has_length && (c.sentence_months < 1 || c.sentence_months > 600))
    return fail_field("sentence_months", "the term's length: 1 to 600 months");
  if (!has_length && c.sentence_months) return fail_field("sentence_months", "only a term has a length");
  SuspectRow out;
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(found, store_.case_for_update(tx, code));
    if (!found || !may_see(by, *found)) return std::unexpected(kNoCase);
    AMANAT_TRY(s, store_.suspect_for_update(tx, found->id, id));
    if (!s) return std::unexpected(Error{Errc::not_found, "no such suspect on this case", nullptr, "suspect"});
    if (!suspect_move_allowed(s->state, c.state))
      return fail(reasons::suspect_state_not_allowed, "a suspect who is " + s->state + " cannot become " + c.state,
                  "state");
    if (c.date < s->since) return fail_field("date", "before the suspect's last change (" + s->since + ")");
    const SuspectRow before = *s;
    out = std::move(*s);
    out.state = c.state;
    out.since = c.date;
    if (!c.article.empty()) out.article = c.article;
    out.sentence = c.sentence;
    out.sentence_kind = c.sentence_kind;
    out.sentence_months = c.sentence_months;
    out.history.push_back({c.state, c.date, c.note});
    AMANAT_CHECK(store_.change_suspect(tx, out, out.history.back(), by.id));
    AMANAT_CHECK(store_.add_counts(tx, difference(contributions(before, *found), contributions(out, *found))));
    return ids_.record(tx, "user:" + std::to_string(by.id), "case-suspect", found->code,
                       std::to_string(out.n) + " " + c.state);
  }));
  return out;
}

// ---- referrals ----

namespace {
// The consent a referral to `service` relies on.
bool consented(const Consents& c, std::string_view service) {
  if (service == "police") return c.police;
  if (service == "lawyer") return c.lawyer;
  return c.services;
}
}  // namespace

Result<ReferralRow> Desk::refer(const User& by, const std::string& code, const NewReferral& r) {
  AMANAT_CHECK(one_of("service", r.service, kReferrals));
  AMANAT_CHECK(check_past_day(r.date, now(), "a referral"));
  AMANAT_CHECK(short_text("note", r.note, 300));
  AMANAT_CHECK(short_text("override", r.override_reason, 300));
  ReferralRow out;
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(found, store_.case_for_update(tx, code));
    if (!found || !may_see(by, *found)) return std::unexpected(kNoCase);
    const bool consent = consented(found->consents, r.service);
    if (!consent && r.override_reason.empty())
      return fail(reasons::consent_missing,
                  "the survivor has not consented to this referral; record her consent, or give the reason it is "
                  "made without it in override",
                  "service");
    out = ReferralRow{.case_id = found->id, .service = r.service, .made_on = r.date, .note = r.note,
                      .override_reason = consent ? std::string() : r.override_reason, .made_by = by.id,
                      .case_code = found->code};
    AMANAT_TRY(id, store_.add_referral(tx, out));
    out.id = id;
    return ids_.record(tx, "user:" + std::to_string(by.id), "case-referral", found->code,
                       r.service + (consent ? " consented" : " override"));
  }));
  return out;
}

Result<ReferralRow> Desk::referral_outcome(const User& by, const std::string& code, std::int64_t id,
                                           const std::string& outcome, const std::string& on) {
  AMANAT_CHECK(one_of("outcome", outcome, kReferralOutcomes));
  if (outcome != "pending") {
    AMANAT_CHECK(check_past_day(on, now(), "an outcome"));
  }
  ReferralRow out;
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(found, store_.case_for_update(tx, code));
    if (!found || !may_see(by, *found)) return std::unexpected(kNoCase);
    AMANAT_TRY(ref, store_.referral_for_update(tx, found->id, id));
    if (!ref) return std::unexpected(Error{Errc::not_found, "no such referral on this case", nullptr, "referral"});
    if (outcome != "pending" && on < ref->made_on) return fail_field("date", "before the referral was made");
    out = *ref;
    out.outcome = outcome;
    out.outcome_on = outcome == "pending" ? std::nullopt : std::optional<std::string>(on);
    return store_.set_referral_outcome(tx, out);
  }));
  return out;
}

Result<std::vector<DeadlineRow>> Desk::due(const User& by, const std::string& until) {
  AMANAT_CHECK(books::check_date(until, "until"));
  std::optional<std::int64_t> who;
  if (by.role != accounts::Role::director) who = by.id;
  return store_.due(until, who, 200);
}

// ---- complaints against officials ----

namespace {
Status check_complaint(const ComplaintRow& c) {
  AMANAT_CHECK(books::check_text(c.official_rank, "official_rank", 100, false));
  AMANAT_CHECK(books::check_text(c.official_unit, "official_unit", 200, false));
  AMANAT_CHECK(one_of("region", c.region, kRegions));
  AMANAT_CHECK(one_of("conduct", c.conduct, kConducts));
  AMANAT_CHECK(one_of("filed_with", c.filed_with, kFiledWith));
  AMANAT_CHECK(books::check_date(c.filed_on, "filed_on"));
  AMANAT_CHECK(one_of("outcome", c.outcome, kComplaintOutcomes));
  if (c.outcome == "pending" && c.decided_on) return fail_field("decided_on", "a pending complaint is not decided");
  if (c.outcome != "pending" && !c.decided_on) return fail_field("decided_on", "when was it decided?");
  if (c.decided_on) {
    AMANAT_CHECK(books::check_date(*c.decided_on, "decided_on"));
    if (*c.decided_on < c.filed_on) return fail_field("decided_on", "decided before it was filed");
  }
  if (c.outcome == "criminal_case" && c.article.empty()) return fail_field("article", "the criminal case's article");
  return short_text("article", c.article, 80);
}
}  // namespace

Result<ComplaintRow> Desk::add_complaint(const User& by, ComplaintRow c, const std::optional<std::string>& case_code) {
  AMANAT_CHECK(check_complaint(c));
  if (case_code) {
    AMANAT_TRY(row, visible_case(by, *case_code));
    c.case_id = row.id;
  }
  c.created_by = by.id;
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(id, store_.add_complaint(tx, c));
    c.id = id;
    return store_.add_counts(tx, contributions(c));
  }));
  return c;
}

Result<ComplaintRow> Desk::decide_complaint(const User& by, std::int64_t id, const std::string& outcome,
                                            const std::string& decided_on, const std::string& article) {
  ComplaintRow out;
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(found, store_.complaint_for_update(tx, id));
    if (!found) return fail(Errc::not_found, "no such complaint");
    ComplaintRow row = *found;
    row.outcome = outcome;
    row.decided_on = outcome == "pending" ? std::nullopt : std::optional<std::string>(decided_on);
    row.article = article;
    AMANAT_CHECK(check_complaint(row));
    AMANAT_CHECK(store_.update_complaint(tx, row));
    AMANAT_CHECK(store_.add_counts(tx, difference(contributions(*found), contributions(row))));
    out = row;
    return {};
  }));
  return out;
}

Result<std::vector<ComplaintRow>> Desk::complaints(const User& by, std::int64_t after, std::size_t limit) {
  return store_.complaints(after, limit);
}

// ---- the legal-defence docket ----

namespace {
const Error kNoProceeding{Errc::not_found, "no such proceeding", &reasons::proceeding_not_found};

}  // namespace

// ---- publications ----

namespace {
Status check_url(std::string_view url, std::string_view field) {
  if (!(url.starts_with("https://") || url.starts_with("http://")) || url.size() > 2000)
    return fail_field(field, "an http(s) address of at most 2000 bytes");
  for (char c : url)
    if (static_cast<unsigned char>(c) <= ' ') return fail_field(field, "an address has no spaces or control characters");
  return {};
}

Status check_utc(std::string_view t, std::string_view field) {
  if (t.size() != 20 || t[10] != 'T' || t[19] != 'Z' || !books::check_date(t.substr(0, 10), field))
    return fail_field(field, "a UTC time YYYY-MM-DDTHH:MM:SSZ");
  return {};
}

std::string commitment_of(std::string_view text) { return text.empty() ? std::string() : to_hex(sha256(text)); }
}  // namespace

Result<PublicationRow> Desk::publish(const User& by, const NewPublication& n) {
  AMANAT_CHECK(one_of("channel", n.channel, kPublicationChannels));
  AMANAT_CHECK(check_url(n.url, "url"));
  AMANAT_CHECK(books::check_text(n.text, "text", 20000, true));
  const std::string posted = n.posted.empty() ? utc_time(now()) : n.posted;
  AMANAT_CHECK(check_utc(posted, "posted"));
  if (n.sources.size() > 20) return fail_field("sources", "at most 20");
  for (const auto& [src, how] : n.sources) {
    AMANAT_CHECK(books::check_text(src, "sources.source", 300, false));
    AMANAT_CHECK(books::check_text(how, "sources.verified", 300, false));
  }
  if (!append_) return fail(Errc::unavailable, "publications go on the log, which this process does not write");
  PublicationRow row{.channel = n.channel, .url = n.url, .posted = posted, .text = n.text,
                     .commitment = commitment_of(n.text), .sources = n.sources,
                     .consent = "no case: none needed", .created_by = by.id};
  if (n.case_code) {
    AMANAT_TRY(c, store_.case_by_code(*n.case_code));
    if (!c) return fail(reasons::case_not_found, "no such case", "case");
    if (!c->consents.publish)
      return fail(reasons::consent_missing, "the survivor has not consented to publication of this case", "case");
    row.case_id = c->id;
    row.case_code = c->code;
    row.consent = "case " + c->code + ": consent to publish";
  }
  nlohmann::json leaf{{"type", "publication.post"}, {"v", 1},          {"channel", row.channel},
                      {"url", row.url},             {"posted", posted}, {"commitment", row.commitment},
                      {"time", utc_time(now())}};
  AMANAT_TRY(text, canonicalize(leaf));
  const std::string actor = "user:" + std::to_string(by.id);
  AMANAT_TRY(index, append_(Bytes(text.begin(), text.end()), [this, row, actor](Tx& tx, std::uint64_t index) -> Status {
    PublicationRow r = row;
    r.leaf = index;
    AMANAT_CHECK(store_.add_publication(tx, r));
    return ids_.record(tx, actor, "publish", "publication:" + std::to_string(index), "ok");
  }));
  row.leaf = index;
  return row;
}

Result<PublicationChange> Desk::change_publication(const User& by, std::uint64_t post, const std::string& kind,
                                                   const std::string& text) {
  AMANAT_CHECK(one_of("kind", kind, kPublicationChanges));
  if (kind != "archival") AMANAT_CHECK(books::check_text(text, "text", 20000, true));
  else if (!text.empty()) return fail_field("text", "an archival carries no text");
  if (!append_) return fail(Errc::unavailable, "publications go on the log, which this process does not write");
  std::lock_guard lock(docket_mu_);  // one change at a time: each is checked against the post's changes
  AMANAT_TRY(found, store_.publication(post));
  if (!found) return fail(reasons::publication_not_found, "no such publication");
  for (const auto& c : found->changes)
    if (c.kind == "retraction") return fail(reasons::conflict, "the post was retracted; nothing changes it any more");
  PublicationChange change{.kind = kind, .at = utc_time(now()), .text = text, .commitment = commitment_of(text)};
  nlohmann::json leaf{{"type", "publication.change"}, {"v", 1}, {"post", post}, {"kind", kind}, {"at", change.at}};
  if (!change.commitment.empty()) leaf["commitment"] = change.commitment;
  AMANAT_TRY(bytes, canonicalize(leaf));
  const std::string actor = "user:" + std::to_string(by.id);
  AMANAT_TRY(index, append_(Bytes(bytes.begin(), bytes.end()),
                            [this, change, post, actor](Tx& tx, std::uint64_t index) -> Status {
                              PublicationChange c = change;
                              c.leaf = index;
                              AMANAT_CHECK(store_.add_publication_change(tx, post, c));
                              return ids_.record(tx, actor, "publication-" + c.kind,
                                                 "publication:" + std::to_string(post), "ok");
                            }));
  change.leaf = index;
  return change;
}

Result<docket::Docket> Desk::docket() {
  AMANAT_TRY(docs, store_.docket());
  docket::Docket d;
  for (const auto& [id, doc] : docs) {
    if (id.empty()) continue;  // the header
    auto j = nlohmann::json::parse(doc, nullptr, false);
    AMANAT_TRY(p, docket::proceeding_from_json(j));
    d.proceedings.push_back(std::move(p));
  }
  return d;
}

Result<ChronologyHeader> Desk::docket_header() {
  AMANAT_TRY(docs, store_.docket());
  for (const auto& [id, doc] : docs)
    if (id.empty()) return docket::header_from_json(nlohmann::json::parse(doc, nullptr, false));
  return ChronologyHeader{};
}

Status Desk::set_docket_header(const User& by, const ChronologyHeader& h) {
  for (const auto* f : {&h.defender, &h.organisation}) AMANAT_CHECK(short_text("defender", *f, 200));
  if (h.activities.size() > 4000 || h.risk_summary.size() > 4000) return fail_field("activities", "at most 4000 bytes");
  return db_.transact([&](Tx& tx) -> Status {
    AMANAT_CHECK(store_.put_docket(tx, "", docket::to_json(h).dump()));
    return ids_.record(tx, "user:" + std::to_string(by.id), "docket-header", "docket", "ok");
  });
}

Result<docket::Proceeding> Desk::proceeding(const std::string& id) {
  AMANAT_TRY(d, docket());
  for (auto& p : d.proceedings)
    if (p.id == id) return std::move(p);
  return std::unexpected(kNoProceeding);
}

// Puts the event's leaf on the log; in the leaf's transaction, the proceeding as `after` (which
// ends with the event) is written with the leaf's index on that event.
Result<docket::Event> Desk::log_docket_event(const User& by, const std::string& id, docket::Event e,
                                             const docket::Proceeding& after) {
  if (!append_) return fail(Errc::unavailable, "docket events go on the log, which this process does not write");
  nlohmann::json leaf{{"type", "docket.event"},
                      {"v", 1},
                      {"proceeding", id},
                      {"kind", docket::event_kind_id(e.kind)},
                      {"date", e.date.iso},
                      {"document_status", document_status_name(e.document.status)},
                      {"time", utc_time(now())}};
  AMANAT_TRY(text, canonicalize(leaf));
  Bytes bytes(text.begin(), text.end());
  const std::string actor = "user:" + std::to_string(by.id);
  AMANAT_TRY(index, append_(std::move(bytes), [this, id, after, actor](Tx& tx, std::uint64_t index) -> Status {
    docket::Proceeding p = after;
    p.events.back().log_index = index;
    AMANAT_CHECK(store_.put_docket(tx, id, docket::to_json(p).dump()));
    return ids_.record(tx, actor, "docket-event", id.substr(0, 40), "leaf:" + std::to_string(index));
  }));
  e.log_index = index;
  return e;
}

Result<docket::Proceeding> Desk::open_proceeding(const User& by, docket::Proceeding p) {
  if (p.id.empty() || p.id.size() > 40) return fail_field("id", "1 to 40 characters");
  if (p.events.size() != 1 || p.events[0].kind != docket::EventKind::opened)
    return fail_field("events", "a new proceeding has exactly its opening event");
  AMANAT_CHECK(docket::validate(p));
  std::lock_guard lock(docket_mu_);
  if (auto existing = proceeding(p.id); existing) return fail(reasons::conflict, "a proceeding has this id", "id");
  AMANAT_TRY(logged, log_docket_event(by, p.id, p.events[0], p));
  p.events[0] = logged;
  return p;
}

Result<docket::Event> Desk::add_docket_event(const User& by, const std::string& id, docket::Event e) {
  std::lock_guard lock(docket_mu_);
  AMANAT_TRY(p, proceeding(id));
  e.log_index.reset();
  p.events.push_back(e);
  if (auto st = docket::validate(p); !st) {
    Error err = st.error();
    // The new event's fields are named as the caller sent them, not by their place in the list.
    const std::string prefix = "events[" + std::to_string(p.events.size() - 1) + "].";
    if (err.field.starts_with(prefix)) err.field = err.field.substr(prefix.size());
    return std::unexpected(err);
  }
  return log_docket_event(by, id, e, p);
}

Status Desk::change_proceeding(const User& by, const std::string& id,
                               const std::function<void(docket::Proceeding&)>& change) {
  std::lock_guard lock(docket_mu_);
  AMANAT_TRY(p, proceeding(id));
  change(p);
  AMANAT_CHECK(docket::validate(p));
  return db_.transact([&](Tx& tx) -> Status {
    AMANAT_CHECK(store_.put_docket(tx, id, docket::to_json(p).dump()));
    return ids_.record(tx, "user:" + std::to_string(by.id), "docket-change", id.substr(0, 40), "ok");
  });
}

Status Desk::add_remedy(const User& by, const std::string& id, const docket::Remedy& r) {
  return change_proceeding(by, id, [&](docket::Proceeding& p) { p.remedies.push_back(r); });
}

Status Desk::add_docket_publication(const User& by, const std::string& id, const docket::Publication& pub) {
  return change_proceeding(by, id, [&](docket::Proceeding& p) { p.publications.push_back(pub); });
}

}  // namespace amanat::desk
