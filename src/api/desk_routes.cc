// The case desk over HTTP (desk/desk.h): the hotline's consultations, survivors' cases with
// their procedural events, consents, people and deadlines, complaints against officials, the
// staff's statistics and the public's impact figures (small cells suppressed). Cases are
// case-scoped: a case the caller may not see answers 404 case-not-found, as one that does not
// exist. No route here answers a survivor's identity: that is read through /subjects/{code},
// which records the read in the access trail.
#include <charconv>
#include <ctime>

#include "api/api.h"
#include "core/reasons.h"
#include "desk/desk.h"
#include "desk/docket_json.h"
#include "desk/protocols.h"
#include "desk/suppress.h"

namespace amanat::api {

using ojson = nlohmann::ordered_json;

namespace {

template <std::size_t N>
std::vector<std::string> values(const std::string_view (&list)[N]) {
  return {std::begin(list), std::end(list)};
}

Status need_desk(const Call& c) {
  if (!c.org.desk) return fail(Errc::unavailable, "this organisation keeps no case desk here");
  return {};
}

std::vector<std::string> strings_of(const nlohmann::json& body, const char* name) {
  std::vector<std::string> out;
  if (body.contains(name))
    for (const auto& v : body[name]) out.push_back(v.get<std::string>());
  return out;
}

std::optional<std::string> opt_string(const nlohmann::json& body, const char* name) {
  if (!body.contains(name)) return std::nullopt;
  return body[name].get<std::string>();
}

ojson consultation_json(const desk::ConsultationRow& c) {
  ojson j{{"id", c.id},
          {"at", c.at},
          {"channel", c.channel},
          {"contact_kind", c.contact_kind},
          {"caller_role", c.caller_role},
          {"category", c.category},
          {"context", c.context},
          {"region", c.region},
          {"age_group", c.age_group},
          {"sex", c.sex},
          {"police_status", c.police_status},
          {"referrals", c.referrals},
          {"outcome", c.outcome},
          {"operator", c.operator_id},
          {"protocol", c.protocol},
          {"consent_stats", c.consent_stats}};
  if (c.hours_since) j["hours_since"] = *c.hours_since;
  if (c.follow_up) j["follow_up"] = *c.follow_up;
  if (c.survivor) j["survivor"] = *c.survivor;
  if (c.case_id) j["case_id"] = *c.case_id;
  return j;
}

ojson consents_json(const desk::Consents& c) {
  return {{"stats", c.stats},   {"publish", c.publish},   {"police", c.police},
          {"lawyer", c.lawyer}, {"services", c.services}};
}

ojson case_json(const desk::CaseRow& c) {
  ojson j{{"code", c.code},         {"survivor", c.survivor}, {"category", c.category},
          {"context", c.context},   {"region", c.region},     {"stage", c.stage},
          {"private_prosecution", c.private_prosecution},     {"articles", c.articles},
          {"body", c.body},         {"court", c.court},       {"opened", c.opened},
          {"consents", consents_json(c.consents)}};
  if (c.lawyer) j["lawyer"] = *c.lawyer;
  if (c.case_worker) j["case_worker"] = *c.case_worker;
  if (c.verdict) j["verdict"] = *c.verdict;
  return j;
}

ojson event_json(const desk::EventRow& e) {
  ojson fields = ojson::array();
  for (const auto& [k, v] : e.fields) fields.push_back({{"name", k}, {"value", v}});
  return {{"id", e.id},
          {"kind", e.kind},
          {"date", e.date},
          {"from", e.from},
          {"to", e.to},
          {"document_status", desk::document_status_name(e.document_status)},
          {"document", e.document},
          {"legal_basis", e.legal_basis},
          {"fields", fields},
          {"recorded_by", e.recorded_by},
          {"recorded_at", e.recorded_at}};
}

// A deadline the procedure set carries its label in each language and its legal basis, and says
// whether a lawyer has yet to check them (procedure.h TimeLimit).
ojson deadline_json(const desk::DeadlineRow& d, const desk::Procedure& p) {
  ojson j{{"id", d.id}, {"case", d.case_code}, {"due", d.due}, {"what", d.what}, {"done", d.done.has_value()}};
  if (!d.first_due.empty()) {
    j["first_due"] = d.first_due;
    j["moved_because"] = d.moved_because;
  }
  const auto slash = d.source.find('/');
  if (const desk::EventKind* e = slash == std::string::npos ? nullptr : p.event(d.source.substr(0, slash)))
    for (const desk::TimeLimit& t : e->limits)
      if (t.id == d.source.substr(slash + 1)) {
        j["label"] = {{"en", t.label.en}, {"ru", t.label.ru}, {"kk", t.label.kk}};
        j["legal_basis"] = t.legal_basis;
        j["unverified"] = t.label.unverified || t.legal_basis_unverified;
      }
  return j;
}

ojson referral_json(const desk::ReferralRow& r) {
  ojson j{{"id", r.id},     {"case", r.case_code}, {"service", r.service}, {"date", r.made_on},
          {"note", r.note}, {"outcome", r.outcome}};
  if (!r.override_reason.empty()) j["override"] = r.override_reason;
  if (r.outcome_on) j["outcome_date"] = *r.outcome_on;
  return j;
}

ojson suspect_json(const desk::SuspectRow& s) {
  ojson history = ojson::array();
  for (const auto& h : s.history) {
    ojson j{{"state", h.state}, {"date", h.date}};
    if (!h.note.empty()) j["note"] = h.note;
    history.push_back(std::move(j));
  }
  ojson j{{"id", s.id}, {"n", s.n}, {"state", s.state}, {"since", s.since}, {"history", history}};
  if (!s.label.empty()) j["label"] = s.label;
  if (!s.article.empty()) j["article"] = s.article;
  if (!s.sentence.empty()) j["sentence"] = s.sentence;
  if (!s.sentence_kind.empty()) j["sentence_kind"] = s.sentence_kind;
  if (s.sentence_months) j["sentence_months"] = s.sentence_months;
  return j;
}

ojson complaint_json(const desk::ComplaintRow& c) {
  ojson j{{"id", c.id},
          {"official_rank", c.official_rank},
          {"official_unit", c.official_unit},
          {"region", c.region},
          {"conduct", c.conduct},
          {"filed_with", c.filed_with},
          {"filed_on", c.filed_on},
          {"outcome", c.outcome},
          {"article", c.article}};
  if (c.decided_on) j["decided_on"] = *c.decided_on;
  return j;
}

// ---- handlers ----

std::vector<std::string> docket_kinds();

Result<http::Response> vocabulary(Call& c) {
  const desk::Procedure& p = c.org.desk ? c.org.desk->procedure() : desk::Procedure::kazakhstan();
  auto labels = [](const desk::Labels& l) { return ojson{{"en", l.en}, {"ru", l.ru}, {"kk", l.kk}}; };
  ojson stages = ojson::array(), events = ojson::array();
  for (const auto& s : p.stages()) stages.push_back({{"id", s.id}, {"label", labels(s.label)}, {"open", s.open}});
  ojson suspect_moves = ojson::array();
  for (const auto& m : desk::kSuspectMoves) suspect_moves.push_back({{"from", m.from}, {"to", m.to}});
  for (const auto& e : p.events()) {
    ojson fields = ojson::array();
    for (const auto& f : e.fields)
      fields.push_back({{"id", f.id}, {"label", labels(f.label)}, {"required", f.required}, {"choices", f.choices}});
    ojson j{{"id", e.id}, {"label", labels(e.label)}, {"from", e.from}, {"legal_basis", e.legal_basis},
            {"fields", fields}};
    if (e.to) j["to"] = *e.to;
    events.push_back(std::move(j));
  }
  return json_response(200, {{"procedure", {{"id", p.id()}, {"version", p.version()}, {"initial", p.initial()},
                                            {"stages", stages}, {"events", events}}},
                             {"channels", values(desk::kChannels)},
                             {"categories", values(desk::kCategories)},
                             {"contexts", values(desk::kContexts)},
                             {"regions", values(desk::kRegions)},
                             {"age_groups", values(desk::kAgeGroups)},
                             {"referrals", values(desk::kReferrals)},
                             {"outcomes", values(desk::kOutcomes)},
                             {"referral_outcomes", values(desk::kReferralOutcomes)},
                             {"contact_kinds", values(desk::kContactKinds)},
                             {"caller_roles", values(desk::kCallerRoles)},
                             {"sexes", values(desk::kSexes)},
                             {"police_statuses", values(desk::kPoliceStatuses)},
                             {"incident_precisions", values(desk::kPrecisions)},
                             {"official_conducts", values(desk::kConducts)},
                             {"complaint_filed_with", values(desk::kFiledWith)},
                             {"complaint_outcomes", values(desk::kComplaintOutcomes)},
                             {"document_statuses", values(desk::kDocumentStatuses)},
                             {"publication_channels", values(desk::kPublicationChannels)},
                             {"publication_changes", values(desk::kPublicationChanges)},
                             {"docket_events", docket_kinds()},
                             {"suspect_states", values(desk::kSuspectStates)},
                             {"sentence_kinds", values(desk::kSentenceKinds)},
                             {"suspect_moves", suspect_moves}});
}

Result<http::Response> log_consultation(Call& c) {
  AMANAT_CHECK(need_desk(c));
  const auto& b = c.body;
  desk::NewConsultation n{.at = b.value("at", std::int64_t{0}),
                          .channel = b["channel"],
                          .contact_kind = b.value("contact_kind", std::string("data")),
                          .caller_role = b["caller_role"],
                          .category = b["category"],
                          .context = strings_of(b, "context"),
                          .region = b["region"],
                          .age_group = b["age_group"],
                          .sex = b["sex"],
                          .incident_precision = b.value("incident_precision", std::string("unknown")),
                          .police_status = b.value("police_status", std::string("unknown")),
                          .referrals = strings_of(b, "referrals"),
                          .outcome = b["outcome"],
                          .follow_up = opt_string(b, "follow_up"),
                          .protocol = b.value("protocol", std::string()),
                          .consent_stats = b.value("consent_stats", false),
                          .survivor = opt_string(b, "survivor")};
  if (b.contains("incident_at")) n.incident_at = b["incident_at"].get<std::int64_t>();
  if (b.contains("identity"))
    for (const char* f : identity::kSubjectFields)
      if (b["identity"].contains(f)) n.identity.emplace_back(f, b["identity"][f].get<std::string>());
  AMANAT_TRY(logged, c.org.desk->log_consultation(c.session->user, n));
  ojson out{{"id", logged.id}};
  // An intake message the consultation answers leaves the hotline's waiting list. Done after the
  // consultation is logged, so a failure is an answer, not an error (a retry would log it twice):
  // the message only stays waiting.
  if (b.contains("intake"))
    out["intake_archived"] = c.org.identities &&
                             c.org.identities->archive_intake(b["intake"].get<std::int64_t>(), c.session->user).has_value();
  if (logged.survivor) out["survivor"] = *logged.survivor;
  return json_response(201, out);
}

Result<std::int64_t> page_param(const std::string& k, const std::string& v) {
  return query_number(k, v, k == "limit" ? 1 : 0, k == "limit" ? 200 : INT64_MAX);
}

Result<http::Response> list_consultations(Call& c) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(params, query_params(c.req, {"survivor", "from", "to", "category", "before", "limit"}));
  desk::ConsultationFilter f;
  for (const auto& [k, v] : params) {
    if (k == "survivor") f.survivor = v;
    else if (k == "from") f.from = v;
    else if (k == "to") f.to = v;
    else if (k == "category") f.category = v;
    else {
      AMANAT_TRY(n, page_param(k, v));
      if (k == "limit") f.limit = static_cast<std::size_t>(n);
      else f.before = n;
    }
  }
  AMANAT_TRY(rows, c.org.desk->consultations(c.session->user, f));
  ojson items = ojson::array();
  for (const auto& r : rows) items.push_back(consultation_json(r));
  ojson out{{"consultations", items}};
  if (rows.size() == f.limit) out["next"] = rows.back().id;
  return json_response(200, out);
}

desk::Consents consents_of(const nlohmann::json& j) {
  return {j.value("stats", false), j.value("publish", false), j.value("police", false), j.value("lawyer", false),
          j.value("services", false)};
}

Result<http::Response> open_case(Call& c) {
  AMANAT_CHECK(need_desk(c));
  const auto& b = c.body;
  desk::NewCase n{.survivor = b["survivor"],
                  .category = b["category"],
                  .context = strings_of(b, "context"),
                  .region = b["region"],
                  .private_prosecution = b.value("private_prosecution", false),
                  .articles = strings_of(b, "articles"),
                  .body = b.value("body", std::string()),
                  .court = b.value("court", std::string())};
  if (b.contains("consents")) n.consents = consents_of(b["consents"]);
  if (b.contains("lawyer")) n.lawyer = b["lawyer"].get<std::int64_t>();
  if (b.contains("case_worker")) n.case_worker = b["case_worker"].get<std::int64_t>();
  if (b.contains("from_consultation")) n.from_consultation = b["from_consultation"].get<std::int64_t>();
  for (auto user : {n.lawyer, n.case_worker})
    if (user && c.org.accounts) {
      auto u = c.org.accounts->user(*user);
      if (!u) return fail(reasons::user_not_found, "no such user", user == n.lawyer ? "lawyer" : "case_worker");
    }
  AMANAT_TRY(row, c.org.desk->open_case(c.session->user, n));
  return json_response(201, {{"code", row.code}, {"stage", row.stage}});
}

Result<http::Response> list_cases(Call& c) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(params, query_params(c.req, {"stage", "category", "region", "survivor", "after", "limit"}));
  desk::CaseFilter f;
  for (const auto& [k, v] : params) {
    if (k == "stage") f.stage = v;
    else if (k == "category") f.category = v;
    else if (k == "region") f.region = v;
    else if (k == "survivor") f.survivor = v;
    else {
      AMANAT_TRY(n, page_param(k, v));
      if (k == "limit") f.limit = static_cast<std::size_t>(n);
      else f.after = n;
    }
  }
  AMANAT_TRY(rows, c.org.desk->cases(c.session->user, f));
  ojson items = ojson::array();
  for (const auto& r : rows) items.push_back(case_json(r));
  ojson out{{"cases", items}};
  if (rows.size() == f.limit) out["next"] = rows.back().id;
  return json_response(200, out);
}

Result<http::Response> read_case(Call& c) {
  AMANAT_CHECK(need_desk(c));
  const std::string& code = c.params.at("case");
  auto page = c.org.desk->case_page(c.session->user, code);
  if (c.org.identities)
    c.org.identities->record(actor(c), "read-case", code.substr(0, 20),
                             page ? "ok" : page.error().code == Errc::not_found ? "not-found" : "failed");
  if (!page) return err(page);
  ojson events = ojson::array(), deadlines = ojson::array(), allowed = ojson::array();
  for (const auto& e : page->events) events.push_back(event_json(e));
  for (const auto& d : page->deadlines) deadlines.push_back(deadline_json(d, c.org.desk->procedure()));
  ojson referrals = ojson::array(), suspects = ojson::array();
  for (const auto& r : page->referrals) referrals.push_back(referral_json(r));
  for (const auto& s : page->suspects) suspects.push_back(suspect_json(s));
  for (const auto* e : c.org.desk->procedure().allowed(page->row.stage)) allowed.push_back(e->id);
  ojson out = case_json(page->row);
  out["events"] = events;
  out["deadlines"] = deadlines;
  out["referrals"] = referrals;
  out["suspects"] = suspects;
  out["allowed"] = allowed;
  return json_response(200, out);
}

Result<http::Response> add_event(Call& c) {
  AMANAT_CHECK(need_desk(c));
  const auto& b = c.body;
  desk::NewEvent e{.kind = b["kind"], .date = b["date"], .document = b.value("document", std::string())};
  e.document_status = desk::parse_document_status(b.value("document_status", std::string("unknown")))
                          .value_or(desk::DocumentStatus::unknown);
  e.legal_basis = opt_string(b, "legal_basis");
  if (b.contains("fields"))
    for (const auto& f : b["fields"]) e.fields.emplace_back(f["name"].get<std::string>(), f["value"].get<std::string>());
  AMANAT_TRY(row, c.org.desk->add_event(c.session->user, c.params.at("case"), e));
  return json_response(201, event_json(row));
}

Result<http::Response> set_consents(Call& c) {
  AMANAT_CHECK(need_desk(c));
  auto consents = consents_of(c.body);
  AMANAT_CHECK(c.org.desk->set_consents(c.session->user, c.params.at("case"), consents));
  return json_response(200, consents_json(consents));
}

Result<http::Response> assign_case(Call& c) {
  AMANAT_CHECK(need_desk(c));
  std::optional<std::int64_t> lawyer, worker;
  if (c.body.contains("lawyer")) lawyer = c.body["lawyer"].get<std::int64_t>();
  if (c.body.contains("case_worker")) worker = c.body["case_worker"].get<std::int64_t>();
  if (!lawyer && !worker) return fail_field("lawyer", "give lawyer and/or case_worker (0 removes one)");
  if (c.org.accounts) {
    if (lawyer && *lawyer) {
      auto u = c.org.accounts->user(*lawyer);
      if (!u) return fail(reasons::user_not_found, "no such user", "lawyer");
      if (u->role != Role::lawyer && u->role != Role::director) return fail_field("lawyer", "that user is not a lawyer");
      if (u->disabled) return fail_field("lawyer", "that user is disabled");
    }
    if (worker && *worker) {
      auto u = c.org.accounts->user(*worker);
      if (!u) return fail(reasons::user_not_found, "no such user", "case_worker");
      if (u->role != Role::case_worker && u->role != Role::director)
        return fail_field("case_worker", "that user is not a case worker");
      if (u->disabled) return fail_field("case_worker", "that user is disabled");
    }
  }
  AMANAT_CHECK(c.org.desk->assign(c.session->user, c.params.at("case"), lawyer, worker));
  return json_response(200, {{"assigned", true}});
}

Result<http::Response> add_deadline(Call& c) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(d, c.org.desk->add_deadline(c.session->user, c.params.at("case"), c.body["due"], c.body["what"]));
  return json_response(201, deadline_json(d, c.org.desk->procedure()));
}

Result<http::Response> add_referral(Call& c) {
  AMANAT_CHECK(need_desk(c));
  const auto& b = c.body;
  desk::NewReferral r{.service = b["service"], .date = b["date"], .note = b.value("note", std::string()),
                      .override_reason = b.value("override", std::string())};
  AMANAT_TRY(row, c.org.desk->refer(c.session->user, c.params.at("case"), r));
  return json_response(201, referral_json(row));
}

Result<http::Response> add_suspect(Call& c) {
  AMANAT_CHECK(need_desk(c));
  const auto& b = c.body;
  desk::NewSuspect s{.label = b.value("label", std::string()), .article = b.value("article", std::string()),
                     .date = b["date"]};
  AMANAT_TRY(row, c.org.desk->add_suspect(c.session->user, c.params.at("case"), s));
  return json_response(201, suspect_json(row));
}

Result<http::Response> change_suspect(Call& c) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(id, id_param(c, "suspect", reasons::not_found));
  const auto& b = c.body;
  desk::SuspectChange ch{.state = b["state"], .date = b["date"], .article = b.value("article", std::string()),
                         .sentence = b.value("sentence", std::string()),
                         .sentence_kind = b.value("sentence_kind", std::string()),
                         .sentence_months = b.value("sentence_months", std::int64_t{0}),
                         .note = b.value("note", std::string())};
  AMANAT_TRY(row, c.org.desk->change_suspect(c.session->user, c.params.at("case"), id, ch));
  return json_response(200, suspect_json(row));
}

Result<http::Response> referral_outcome(Call& c) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(id, id_param(c, "referral", reasons::not_found));
  AMANAT_TRY(row, c.org.desk->referral_outcome(c.session->user, c.params.at("case"), id, c.body["outcome"],
                                               c.body.value("date", std::string())));
  return json_response(200, referral_json(row));
}

Result<http::Response> finish_deadline(Call& c) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(id, id_param(c, "deadline", reasons::not_found));
  AMANAT_CHECK(c.org.desk->finish_deadline(c.session->user, c.params.at("case"), id));
  return json_response(200, {{"done", true}});
}

Result<http::Response> move_deadline(Call& c) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(id, id_param(c, "deadline", reasons::not_found));
  AMANAT_TRY(d, c.org.desk->move_deadline(c.session->user, c.params.at("case"), id, c.body["due"], c.body["because"]));
  return json_response(200, deadline_json(d, c.org.desk->procedure()));
}

// Who may be put on a case: the enabled lawyers, case workers and directors, by number and login
// name (no other detail), so that whoever assigns picks a name rather than types a number.
Result<http::Response> desk_staff_list(Call& c) {
  if (!c.org.accounts) return fail(Errc::unavailable, "no staff accounts here");
  AMANAT_TRY(users, c.org.accounts->users());
  ojson out = ojson::array();
  for (const auto& u : users)
    if (!u.disabled && (u.role == Role::lawyer || u.role == Role::case_worker || u.role == Role::director))
      out.push_back({{"id", u.id}, {"name", u.name}, {"role", role_name(u.role)}});
  return json_response(200, {{"staff", out}});
}

Result<http::Response> list_due(Call& c) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(params, query_params(c.req, {"until"}));
  std::string until = "2999-12-31";
  for (const auto& [k, v] : params) until = v;
  AMANAT_TRY(rows, c.org.desk->due(c.session->user, until));
  ojson items = ojson::array();
  for (const auto& d : rows) items.push_back(deadline_json(d, c.org.desk->procedure()));
  return json_response(200, {{"deadlines", items}});
}

Result<http::Response> add_complaint(Call& c) {
  AMANAT_CHECK(need_desk(c));
  const auto& b = c.body;
  desk::ComplaintRow row{.official_rank = b["official_rank"], .official_unit = b["official_unit"],
                         .region = b["region"], .conduct = b["conduct"], .filed_with = b["filed_with"],
                         .filed_on = b["filed_on"], .outcome = b.value("outcome", std::string("pending")),
                         .decided_on = opt_string(b, "decided_on"), .article = b.value("article", std::string())};
  AMANAT_TRY(out, c.org.desk->add_complaint(c.session->user, row, opt_string(b, "case")));
  return json_response(201, complaint_json(out));
}

Result<http::Response> decide_complaint(Call& c) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(id, id_param(c, "complaint", reasons::not_found));
  AMANAT_TRY(out, c.org.desk->decide_complaint(c.session->user, id, c.body["outcome"],
                                               c.body.value("decided_on", std::string()),
                                               c.body.value("article", std::string())));
  return json_response(200, complaint_json(out));
}

Result<http::Response> list_complaints(Call& c) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(params, query_params(c.req, {"after", "limit"}));
  std::int64_t after = 0, limit = 50;
  for (const auto& [k, v] : params) {
    AMANAT_TRY(n, page_param(k, v));
    (k == "limit" ? limit : after) = n;
  }
  AMANAT_TRY(rows, c.org.desk->complaints(c.session->user, after, static_cast<std::size_t>(limit)));
  ojson items = ojson::array();
  for (const auto& r : rows) items.push_back(complaint_json(r));
  ojson out{{"complaints", items}};
  if (rows.size() == static_cast<std::size_t>(limit)) out["next"] = rows.back().id;
  return json_response(200, out);
}

Result<std::string> month_param(const std::string& k, const std::string& v) {
  bool ok = v.size() == 7 && v[4] == '-';
  for (std::size_t i = 0; ok && i < 7; ++i) ok = i == 4 || (v[i] >= '0' && v[i] <= '9');
  if (!ok || v.substr(5) < "01" || v.substr(5) > "12")
    return fail(reasons::query_invalid, k + ": a month YYYY-MM", k);
  return v;
}

const std::vector<std::string> kStaffMetrics = {
    desk::metric::consultations, desk::metric::cases_opened, desk::metric::survivors,   desk::metric::to_court,
    desk::metric::convictions,   desk::metric::convicted,    desk::metric::acquittals,  desk::metric::report_to_verdict,
    desk::metric::officials_accountable, desk::metric::disciplinary};

// The staff's figures, and the sentences by band (persons; their sum: months of prison).
std::vector<std::string> staff_metrics() {
  std::vector<std::string> out = kStaffMetrics;
  for (std::string_view band : desk::kSentenceBands) out.push_back(desk::metric::sentenced_prefix + std::string(band));
  return out;
}

// The staff's figures: every record (consented or not), by month, category or region, for a
// period of whole months. Staff see small cells: they see the records themselves.
Result<http::Response> staff_stats(Call& c) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(params, query_params(c.req, {"from", "to", "by"}));
  desk::CountQuery q{.metrics = staff_metrics(), .from = "0000-01", .to = "9999-12"};
  for (const auto& [k, v] : params) {
    if (k == "by") {
      if (v == "month") q.by_month = true;
      else if (v == "category") q.by_category = true;
      else if (v == "region") q.by_region = true;
      else return fail(reasons::query_invalid, "by: month, category or region", "by");
    } else {
      AMANAT_TRY(m, month_param(k, v));
      (k == "from" ? q.from : q.to) = m;
    }
  }
  if (q.to < q.from) return fail(reasons::period_reversed, "to precedes from", "to");
  AMANAT_TRY(counts, c.org.desk->counts(q));
  desk::CountQuery stages{.metrics = {}, .by_category = q.by_category, .by_region = q.by_region};
  for (const auto& s : c.org.desk->procedure().stages()) stages.metrics.push_back(desk::metric::stage_prefix + s.id);
  AMANAT_TRY(now, c.org.desk->counts(stages));
  ojson rows = ojson::array();
  for (const auto* list : {&counts, &now})
    for (const auto& n : *list) {
      ojson j{{"metric", n.metric}, {"n", n.n}};
      if (q.by_month && !n.month.empty()) j["month"] = n.month;
      if (q.by_category) j["category"] = n.category;
      if (q.by_region) j["region"] = n.region;
      if (n.sum) j["sum"] = n.sum;
      rows.push_back(std::move(j));
    }
  return json_response(200, {{"from", q.from}, {"to", q.to}, {"counts", rows}});
}

// One published table: rows x columns of counts with their margins, each a value or hidden
// (fewer than k, or hidden so that the totals cannot give a hidden one away: desk/suppress.h).
// `additive_rows`: a row's cells add up to something (quarters of a year). When they do not (a
// case opened, then in court, then convicted counts in each column), the table has no row totals
// and no grand total, and each column is suppressed with its own total alone.
ojson table_json(const std::vector<std::string>& rows, const std::vector<std::string>& cols,
                 const std::vector<std::vector<std::int64_t>>& counts, std::int64_t k, bool additive_rows = true) {
  auto value = [](ojson j, const std::optional<std::int64_t>& v) {
    j["hidden"] = !v;
    if (v) j["n"] = *v;
    return j;
  };
  ojson cells = ojson::array(), rt = ojson::array(), ct = ojson::array();
  std::vector<std::vector<std::optional<std::int64_t>>> shown(rows.size(), std::vector<std::optional<std::int64_t>>(cols.size()));
  if (additive_rows) {
    auto p = desk::suppress(counts, {.k = k});
    shown = p.cells;
    for (std::size_t r = 0; r < rows.size(); ++r) rt.push_back(value({{"label", rows[r]}}, p.row_totals[r]));
    for (std::size_t c = 0; c < cols.size(); ++c) ct.push_back(value({{"label", cols[c]}}, p.col_totals[c]));
  } else {
    for (std::size_t c = 0; c < cols.size(); ++c) {
      std::vector<std::vector<std::int64_t>> column(rows.size(), std::vector<std::int64_t>(1));
      for (std::size_t r = 0; r < rows.size(); ++r) column[r][0] = counts[r][c];
      auto p = desk::suppress(column, {.k = k});
      for (std::size_t r = 0; r < rows.size(); ++r) shown[r][c] = p.cells[r][0];
      ct.push_back(value({{"label", cols[c]}}, p.col_totals[0]));
    }
  }
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t c = 0; c < cols.size(); ++c) cells.push_back(value({{"row", rows[r]}, {"column", cols[c]}}, shown[r][c]));
  ojson out{{"rows", rows}, {"columns", cols}, {"cells", cells}, {"row_totals", rt}, {"column_totals", ct}};
  if (additive_rows) {
    auto p = desk::suppress(counts, {.k = k});
    out["total"] = value(ojson::object(), p.total);
  }
  return out;
}

// The public's figures for one calendar year: only records with consent to be counted, in fixed
// tables (never an ad-hoc filter, which differencing would defeat), every cell under k hidden
// with complementary suppression (desk/suppress.h).
Result<http::Response> impact(Call& c) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(params, query_params(c.req, {"year"}));
  std::int64_t year = 0;
  for (const auto& [k, v] : params) {
    AMANAT_TRY(y, query_number(k, v, 2000, 2999));
    year = y;
  }
  if (!year) return fail(reasons::query_invalid, "year: a calendar year, e.g. 2025", "year");
  constexpr std::int64_t k = 5;
  const std::string y = std::to_string(year);
  const std::vector<std::string> quarters = {"Q1", "Q2", "Q3", "Q4"};
  auto quarter_of = [](const std::string& month) { return (std::stoi(month.substr(5, 2)) - 1) / 3; };
  const std::vector<std::string> cats = values(desk::kCategories);
  auto cat_index = [&](const std::string& cat) {
    return static_cast<std::size_t>(std::find(cats.begin(), cats.end(), cat) - cats.begin());
  };
  // Consultations by category and quarter.
  AMANAT_TRY(cons, c.org.desk->counts({.metrics = {desk::metric::consultations}, .from = y + "-01", .to = y + "-12",
                                       .by_month = true, .by_category = true, .consented_only = true}));
  std::vector<std::vector<std::int64_t>> by_quarter(cats.size(), std::vector<std::int64_t>(4, 0));
  for (const auto& n : cons)
    if (auto i = cat_index(n.category); i < cats.size()) by_quarter[i][quarter_of(n.month)] += n.n;
  // Cases by category and milestone.
  const std::vector<std::string> milestones = {desk::metric::cases_opened, desk::metric::to_court,
                                               desk::metric::convictions, desk::metric::acquittals};
  AMANAT_TRY(cases, c.org.desk->counts({.metrics = milestones, .from = y + "-01", .to = y + "-12",
                                        .by_category = true, .consented_only = true}));
  std::vector<std::vector<std::int64_t>> by_milestone(cats.size(), std::vector<std::int64_t>(milestones.size(), 0));
  for (const auto& n : cases) {
    auto m = static_cast<std::size_t>(std::find(milestones.begin(), milestones.end(), n.metric) - milestones.begin());
    if (auto i = cat_index(n.category); i < cats.size() && m < milestones.size()) by_milestone[i][m] += n.n;
  }
  // Consultations by region (one column).
  const std::vector<std::string> regions = values(desk::kRegions);
  AMANAT_TRY(reg, c.org.desk->counts({.metrics = {desk::metric::consultations}, .from = y + "-01", .to = y + "-12",
                                      .by_region = true, .consented_only = true}));
  std::vector<std::vector<std::int64_t>> by_region(regions.size(), std::vector<std::int64_t>(1, 0));
  for (const auto& n : reg) {
    auto i = static_cast<std::size_t>(std::find(regions.begin(), regions.end(), n.region) - regions.begin());
    if (i < regions.size()) by_region[i][0] += n.n;
  }
  // People convicted, by what they were sentenced to: every one in exactly one band, so the rows
  // add up to the column's total.
  const std::vector<std::string> bands = values(desk::kSentenceBands);
  std::vector<std::string> band_metrics;
  for (const auto& b : bands) band_metrics.push_back(desk::metric::sentenced_prefix + b);
  AMANAT_TRY(sent, c.org.desk->counts({.metrics = band_metrics, .from = y + "-01", .to = y + "-12",
                                       .consented_only = true}));
  std::vector<std::vector<std::int64_t>> by_band(bands.size(), std::vector<std::int64_t>(1, 0));
  for (const auto& n : sent) {
    auto i = static_cast<std::size_t>(std::find(band_metrics.begin(), band_metrics.end(), n.metric) - band_metrics.begin());
    if (i < bands.size()) by_band[i][0] += n.n;
  }
  return json_response(200, {{"year", year},
                             {"k", k},
                             {"sentences_by_band", table_json(bands, {"people"}, by_band, k)},
                             {"consultations_by_quarter", table_json(cats, quarters, by_quarter, k)},
                             {"cases_by_milestone", table_json(cats, milestones, by_milestone, k, false)},
                             {"consultations_by_region", table_json(regions, {"consultations"}, by_region, k)}});
}

Result<http::Response> survivor_timeline(Call& c) {
  AMANAT_CHECK(need_desk(c));
  const std::string& code = c.params.at("survivor");
  AMANAT_TRY(cons, c.org.desk->consultations(c.session->user, {.survivor = code, .limit = 200}));
  AMANAT_TRY(cases, c.org.desk->cases(c.session->user, {.survivor = code, .limit = 200}));
  if (c.org.identities) c.org.identities->record(actor(c), "read-survivor", code.substr(0, 20), "ok");
  ojson cl = ojson::array(), kl = ojson::array();
  for (const auto& r : cons) cl.push_back(consultation_json(r));
  for (const auto& r : cases) kl.push_back(case_json(r));
  return json_response(200, {{"code", code}, {"consultations", cl}, {"cases", kl}});
}

// The guidance for a situation (desk/protocols.h): general guidance, not legal or medical
// advice, with who reviewed which version. Public: survivors read the public ones, the hotline
// form shows the operator's beside it. With incident_at, the time windows computed in hours.
Result<http::Response> protocols(Call& c) {
  AMANAT_TRY(params, query_params(c.req, {"audience", "category", "incident_at", "child", "ipv", "police_refused",
                                          "stage"}));
  desk::Situation s;
  std::optional<desk::TimeWindows> windows;
  auto flag = [](const std::string& k, const std::string& v) -> Result<bool> {
    if (v != "true" && v != "false") return fail(reasons::query_invalid, k + ": true or false", k);
    return v == "true";
  };
  for (const auto& [k, v] : params) {
    if (k == "audience") {
      auto a = desk::parse_audience(v);
      if (!a) return fail(reasons::query_invalid, "audience: public or operator", k);
      s.audience = *a;
    } else if (k == "category") {
      s.incident_type = desk::parse_incident_type(v);
      if (!s.incident_type) return fail(reasons::query_invalid, "category: a GBVIMS type", k);
    } else if (k == "incident_at") {
      AMANAT_TRY(t, query_number(k, v, 0, 32503680000));
      const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
      windows = desk::windows(t, now);
      s.seconds_since_incident = windows->elapsed_seconds;
    } else if (k == "stage") {
      s.case_stage = v;
    } else {
      AMANAT_TRY(b, flag(k, v));
      (k == "child" ? s.child : k == "ipv" ? s.ipv : s.police_refused) = b;
    }
  }
  const desk::Protocols& set = desk::Protocols::starter();
  auto labels = [](const desk::Labels& l) { return ojson{{"en", l.en}, {"ru", l.ru}, {"kk", l.kk}}; };
  ojson list = ojson::array();
  for (const desk::Protocol* p : set.select(s)) {
    ojson steps = ojson::array(), reviewers = ojson::array();
    for (const auto& st : p->steps) {
      ojson j = labels(st);
      j["unverified"] = st.unverified;
      steps.push_back(std::move(j));
    }
    for (const auto& r : p->reviewed_by) reviewers.push_back({{"role", r.role}, {"name", r.name}, {"date", r.date}});
    list.push_back({{"id", p->id}, {"version", p->version}, {"title", labels(p->title)}, {"steps", steps},
                    {"reviewed_by", reviewers}, {"sources", p->sources}, {"disclaimer", labels(p->disclaimer)}});
  }
  ojson out{{"set", set.id()}, {"version", set.version()}, {"disclaimer", labels(set.disclaimer())},
            {"protocols", list}};
  if (windows)
    out["windows"] = {{"hours_elapsed", windows->hours_elapsed},
                      {"deadline_72h", windows->deadline_72h},
                      {"deadline_120h", windows->deadline_120h},
                      {"bucket", desk::elapsed_bucket_name(desk::elapsed_bucket(windows->elapsed_seconds))}};
  return json_response(200, out);
}

// ---- publications ----

ojson publication_json(const desk::PublicationRow& p, bool staff) {
  ojson changes = ojson::array();
  for (const auto& c : p.changes) {
    ojson j{{"log_index", c.leaf}, {"kind", c.kind}, {"at", c.at}};
    if (!c.commitment.empty()) j["commitment"] = c.commitment;
    if (staff && !c.text.empty()) j["text"] = c.text;
    changes.push_back(std::move(j));
  }
  ojson j{{"log_index", p.leaf}, {"channel", p.channel}, {"url", p.url},
          {"posted", p.posted},  {"commitment", p.commitment}, {"changes", changes}};
  if (staff) {
    ojson sources = ojson::array();
    for (const auto& [src, how] : p.sources) sources.push_back({{"source", src}, {"verified", how}});
    j["text"] = p.text;
    j["sources"] = sources;
    j["consent"] = p.consent;
    // The same as a code and a case, for a reader's language: the web app words it from these.
    j["consent_basis"] = p.case_id ? "case-consent-to-publish" : "none-needed";
    if (p.case_id) j["case"] = p.case_code;
  }
  return j;
}

Result<http::Response> publish(Call& c) {
  AMANAT_CHECK(need_desk(c));
  const auto& b = c.body;
  desk::NewPublication n{.channel = b["channel"], .url = b["url"], .posted = b.value("posted", std::string()),
                         .text = b["text"], .case_code = opt_string(b, "case")};
  if (b.contains("sources"))
    for (const auto& s : b["sources"]) n.sources.emplace_back(s["source"].get<std::string>(), s["verified"].get<std::string>());
  AMANAT_TRY(row, c.org.desk->publish(c.session->user, n));
  return json_response(201, publication_json(row, true));
}

Result<http::Response> change_publication(Call& c) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(post, id_param(c, "publication", reasons::publication_not_found));
  AMANAT_TRY(change, c.org.desk->change_publication(c.session->user, static_cast<std::uint64_t>(post), c.body["kind"],
                                                    c.body.value("text", std::string())));
  ojson j{{"log_index", change.leaf}, {"kind", change.kind}, {"at", change.at}};
  if (!change.commitment.empty()) j["commitment"] = change.commitment;
  return json_response(201, j);
}

Result<http::Response> list_publications(Call& c, bool staff) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(params, query_params(c.req, {"before", "limit"}));
  std::int64_t before = 0, limit = 50;
  for (const auto& [k, v] : params) {
    AMANAT_TRY(n, page_param(k, v));
    (k == "limit" ? limit : before) = n;
  }
  AMANAT_TRY(rows, c.org.desk->publications(static_cast<std::uint64_t>(before), static_cast<std::size_t>(limit)));
  ojson items = ojson::array();
  for (const auto& r : rows) items.push_back(publication_json(r, staff));
  ojson out{{"publications", items}};
  if (rows.size() == static_cast<std::size_t>(limit)) out["next"] = rows.back().leaf;
  return json_response(200, out);
}

// ---- the legal-defence docket ----

std::vector<std::string> docket_kinds() {
  std::vector<std::string> out;
  for (int k = 0; k <= static_cast<int>(desk::docket::EventKind::other); ++k)
    out.emplace_back(desk::docket::event_kind_id(static_cast<desk::docket::EventKind>(k)));
  return out;
}

ojson counts_json(const desk::docket::Counts& c) {
  ojson j{{"opened", c.opened},         {"interrupted", c.interrupted}, {"suspended", c.suspended},
          {"terminated", c.terminated}, {"reopened", c.reopened},       {"resumed", c.resumed},
          {"restarts", c.restarts},     {"documents_refused", c.documents_refused}};
  if (c.days_open) j["days_open"] = *c.days_open;
  return j;
}

std::chrono::sys_days today() {
  return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
}

std::string iso(std::chrono::sys_days d) {
  std::chrono::year_month_day ymd(d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

Result<http::Response> read_docket(Call& c) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(d, c.org.desk->docket());
  AMANAT_TRY(h, c.org.desk->docket_header());
  auto counts = desk::docket::count(d, today());
  ojson list = ojson::array();
  for (std::size_t i = 0; i < d.proceedings.size(); ++i) {
    ojson p = desk::docket::to_json(d.proceedings[i]);
    p["counts"] = counts_json(counts.per_proceeding[i]);
    list.push_back(std::move(p));
  }
  return json_response(200, {{"header", desk::docket::to_json(h)}, {"proceedings", list},
                             {"counts", counts_json(counts.total)}});
}

Result<http::Response> open_proceeding(Call& c) {
  AMANAT_CHECK(need_desk(c));
  nlohmann::json j = c.body;
  j["events"] = nlohmann::json::array({j["opened"]});
  j.erase("opened");
  AMANAT_TRY(p, desk::docket::proceeding_from_json(j));
  AMANAT_TRY(out, c.org.desk->open_proceeding(c.session->user, p));
  return json_response(201, desk::docket::to_json(out));
}

Result<http::Response> add_docket_event(Call& c) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(e, desk::docket::event_from_json(c.body));
  AMANAT_TRY(out, c.org.desk->add_docket_event(c.session->user, c.params.at("proceeding"), e));
  return json_response(201, desk::docket::to_json(out));
}

Result<http::Response> add_remedy(Call& c) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(r, desk::docket::remedy_from_json(c.body));
  AMANAT_CHECK(c.org.desk->add_remedy(c.session->user, c.params.at("proceeding"), r));
  return json_response(201, {{"added", true}});
}

Result<http::Response> add_docket_publication(Call& c) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(p, desk::docket::publication_from_json(c.body));
  AMANAT_CHECK(c.org.desk->add_docket_publication(c.session->user, c.params.at("proceeding"), p));
  return json_response(201, {{"added", true}});
}

Result<http::Response> set_docket_header(Call& c) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(h, desk::docket::header_from_json(c.body));
  AMANAT_CHECK(c.org.desk->set_docket_header(c.session->user, h));
  return json_response(200, desk::docket::to_json(h));
}

// The chronology report (desk/chronology.h) in the shape UN special procedures ask for.
Result<http::Response> chronology(Call& c, bool pdf) {
  AMANAT_CHECK(need_desk(c));
  AMANAT_TRY(params, query_params(c.req, {"lang", "as_of"}));
  desk::ChronologyOptions o{.lang = desk::ReportLang::en, .as_of = iso(today())};
  for (const auto& [k, v] : params) {
    if (k == "lang") {
      if (v != "en" && v != "ru") return fail(reasons::query_invalid, "lang: en or ru", k);
      o.lang = v == "ru" ? desk::ReportLang::ru : desk::ReportLang::en;
    } else {
      o.as_of = v;
    }
  }
  AMANAT_TRY(d, c.org.desk->docket());
  AMANAT_TRY(h, c.org.desk->docket_header());
  auto doc = pdf ? desk::chronology_pdf(h, d, o) : desk::chronology_html(h, d, o);
  if (!doc) return err(doc);
  if (c.org.identities) c.org.identities->record(actor(c), "export-chronology", pdf ? "pdf" : "html", "ok");
  http::Response res;
  res.status = 200;
  res.body = std::move(*doc);
  res.headers.emplace_back("Content-Type", pdf ? "application/pdf" : "text/html");
  res.headers.emplace_back("Content-Disposition",
                           std::string("attachment; filename=\"chronology-") + o.as_of + (pdf ? ".pdf\"" : ".html\""));
  res.headers.emplace_back("Cache-Control", "no-store");
  return res;
}

std::vector<Field> docket_event_out() {
  return {out::text("kind", "The event"),
          out::text("date", "YYYY-MM-DD, YYYY-MM, YYYY or empty (unknown)"),
          out::object("document", "The document behind it",
                      {out::text("name", "Its name"), out::text("number", "Its number"),
                       out::choice("status", "Whether it was obtained", values(desk::kDocumentStatuses))}),
          out::text("source", "Where it was learned"),
          out::text("verification", "How it was verified"),
          out::text("note", "A note"),
          out::number("log_index", "The log entry that recorded it", false)};
}

std::vector<Field> docket_counts_out() {
  return {out::number("opened", "Opened"), out::number("interrupted", "Terms interrupted"),
          out::number("suspended", "Suspended by a court"), out::number("terminated", "Terminated"),
          out::number("reopened", "Reopened"), out::number("resumed", "Resumed"),
          out::number("restarts", "Reopened or resumed after a stop"),
          out::number("documents_refused", "Documents refused"),
          out::number("days_open", "Days open", false)};
}

std::vector<Field> proceeding_out() {
  return {out::text("id", "The docket's id"),
          out::text("title", "Title"),
          out::texts("articles", "Criminal-code articles"),
          out::text("authority", "The authority"),
          out::text("region", "Region"),
          out::text("erdr_number", "ERDR number", false),
          out::list("people", "People concerned",
                    {out::text("label", "Label or public name"), out::flag("is_public", "A public person"),
                     out::text("role", "Role")}),
          out::list("events", "Events in order", docket_event_out()),
          out::list("remedies", "Remedies tried",
                    {out::text("to_whom", "To whom"), out::text("date", "Date"), out::text("result", "Result")}),
          out::list("publications", "Related publications",
                    {out::text("title", "Title"), out::text("url", "Address"), out::text("date", "Date"),
                     out::list("corrections", "Corrections", {out::text("date", "Date"), out::text("text", "Text")})})};
}

std::vector<Field> header_out() {
  return {out::text("defender", "The human rights defender"), out::text("organisation", "The organisation"),
          out::text("activities", "Their activities"), out::text("risk_summary", "The situation and risks"),
          out::flag("consent_name_to_government", "(a) consent to a letter with the name to the Government"),
          out::flag("consent_public_reports", "(b) consent to public reports")};
}

// A docket date: to the precision known, and absent or empty when nobody knows it (a proceeding
// learned of years later often has undated events; the counts say so rather than guess).
Field docket_date(const char* name) {
  Field f = str(name, "YYYY-MM-DD, YYYY-MM, YYYY; absent or empty when unknown", 10, false);
  f.min_length = 0;
  return f;
}

std::vector<Field> docket_event_in() {
  return {one_of("kind", "The event", docket_kinds()),
          docket_date("date"),
          Field{"document", Field::Type::object, false, "The document behind it", 0, 0, 0, 0, {},
                {str("name", "Its name", 300, false), str("number", "Its number", 100, false),
                 one_of("status", "Whether it was obtained", values(desk::kDocumentStatuses), false)}},
          str("source", "Where it was learned", 300, false),
          str("verification", "How it was verified", 300, false),
          str("note", "A note", 1000, false)};
}

std::vector<Field> publication_out(bool staff) {
  std::vector<Field> change = {out::number("log_index", "The change's log entry"),
                               out::text("kind", "correction, disclaimer, archival or retraction"),
                               out::text("at", "When, UTC"),
                               out::text("commitment", "SHA-256 of its text, hex", false)};
  if (staff) change.push_back(out::text("text", "Its text", false));
  std::vector<Field> f = {out::number("log_index", "The post's log entry (its identity)"),
                          out::text("channel", "Where it was posted"),
                          out::text("url", "Its address"),
                          out::text("posted", "When it went up, UTC"),
                          out::text("commitment", "SHA-256 of its exact text, hex"),
                          out::list("changes", "Corrections, disclaimers, archival, retraction, in order", change)};
  if (staff) {
    f.push_back(out::text("text", "The text as posted"));
    f.push_back(out::list("sources", "Its sources", {out::text("source", "Source"), out::text("verified", "How verified")}));
    f.push_back(out::text("consent", "The consent it relies on, in English words"));
    f.push_back(out::choice("consent_basis",
                            "The same as a code: none-needed (about no case) or case-consent-to-publish (the case's "
                            "survivor consented to its publication)",
                            {"none-needed", "case-consent-to-publish"}));
    f.push_back(out::text("case", "The case it is about, when one", false));
  }
  return f;
}

// ---- schemas ----

Field strings_field(std::string name, std::string what, std::vector<std::string> allowed, std::size_t max_items) {
  Field f{std::move(name), Field::Type::strings, false, std::move(what), 1, 40};
  f.one_of = std::move(allowed);
  f.max_items = max_items;
  return f;
}

Field labels_field(const char* name) {
  return out::object(name, "The label in each language",
                     {out::text("en", "English"), out::text("ru", "Russian"), out::text("kk", "Kazakh")});
}

std::vector<Field> consultation_out() {
  return {out::number("id", "The consultation's number"),
          out::number("at", "When, unix seconds"),
          out::text("channel", "How it came"),
          out::text("contact_kind", "data, silent, ..."),
          out::text("caller_role", "Who called"),
          out::text("category", "GBVIMS incident type"),
          out::texts("context", "Context flags"),
          out::text("region", "Region"),
          out::text("age_group", "The survivor's age group"),
          out::text("sex", "The survivor's sex"),
          out::number("hours_since", "Hours from the incident to the call", false),
          out::text("police_status", "Whether the police have it"),
          out::texts("referrals", "Where the caller was referred"),
          out::text("outcome", "What came of it"),
          out::text("follow_up", "Follow-up date, YYYY-MM-DD", false),
          out::number("operator", "The operator's user id"),
          out::text("protocol", "The protocol shown, id@version"),
          out::flag("consent_stats", "May be counted in public statistics"),
          out::text("survivor", "The survivor's code", false),
          out::number("case_id", "The case it opened", false)};
}

Field consents_out(const char* name, bool required = true) {
  return out::object(name, "The survivor's consents",
                     {out::flag("stats", "To be counted in public statistics"), out::flag("publish", "To publish"),
                      out::flag("police", "To share with the police"), out::flag("lawyer", "To share with lawyers"),
                      out::flag("services", "To be referred to other services")},
                     required);
}

std::vector<Field> case_out() {
  return {out::text("code", "The case's code (random, C-YYYY-XXXXX)"),
          out::text("survivor", "The survivor's code"),
          out::text("category", "GBVIMS incident type"),
          out::texts("context", "Context flags"),
          out::text("region", "Region"),
          out::text("stage", "The procedural stage now"),
          out::flag("private_prosecution", "A private-prosecution case"),
          out::texts("articles", "Criminal-code articles"),
          out::text("body", "The investigating body"),
          out::text("court", "The court"),
          out::number("opened", "When the desk opened it, unix seconds"),
          consents_out("consents"),
          out::number("lawyer", "The assigned lawyer's user id", false),
          out::number("case_worker", "The assigned case worker's user id", false),
          out::text("verdict", "conviction, acquittal or other, once there is one", false)};
}

std::vector<Field> event_out() {
  return {out::number("id", "The event's number"),
          out::text("kind", "The event (procedure table)"),
          out::text("date", "YYYY-MM-DD, YYYY-MM or YYYY"),
          out::text("from", "The stage before"),
          out::text("to", "The stage after"),
          out::choice("document_status", "The document's status", values(desk::kDocumentStatuses)),
          out::text("document", "The document's name and number"),
          out::text("legal_basis", "The legal basis"),
          out::list("fields", "The event's own fields", {out::text("name", "Field"), out::text("value", "Value")}),
          out::number("recorded_by", "Who recorded it"),
          out::number("recorded_at", "When, unix seconds")};
}

std::vector<Field> deadline_out() {
  return {out::number("id", "The deadline's number"), out::text("case", "The case's code"),
          out::text("due", "YYYY-MM-DD"), out::text("what", "What is due"), out::flag("done", "Marked done"),
          out::object("label", "Set by the procedure (a time limit an event starts): what is due in each language",
                      {out::text("en", "English"), out::text("ru", "Russian"), out::text("kk", "Kazakh")}, false),
          out::text("legal_basis", "Set by the procedure: the limit's legal basis", false),
          out::flag("unverified", "Set by the procedure: its wording or basis is not yet checked by a lawyer", false),
          out::text("first_due", "When it was moved: the day it had first, YYYY-MM-DD", false),
          out::text("moved_because", "When it was moved: why (the last move)", false)};
}

std::vector<Field> suspect_out() {
  return {out::number("id", "The suspect's number"),
          out::number("n", "1, 2, ... within the case"),
          out::text("label", "A label that names nobody (absent: the screens say \"Suspect N\")", false),
          out::choice("state", "Their state", values(desk::kSuspectStates)),
          out::text("since", "The day of their last change, YYYY-MM-DD"),
          out::text("article", "The article qualified", false),
          out::text("sentence", "The sentence as pronounced, when convicted", false),
          out::choice("sentence_kind", "What the sentence is, when given", values(desk::kSentenceKinds), false),
          out::number("sentence_months", "A term's length in months", false),
          out::list("history", "Every change, oldest first",
                    {out::choice("state", "The state", values(desk::kSuspectStates)), out::text("date", "YYYY-MM-DD"),
                     out::text("note", "A note", false)})};
}

std::vector<Field> referral_out() {
  return {out::number("id", "The referral's number"),
          out::text("case", "The case's code"),
          out::choice("service", "To whom", values(desk::kReferrals)),
          out::text("date", "When it was made, YYYY-MM-DD"),
          out::text("note", "A note (no names)"),
          out::text("override", "Why it was made without the consent it needs", false),
          out::choice("outcome", "What became of it", values(desk::kReferralOutcomes)),
          out::text("outcome_date", "When that was known, YYYY-MM-DD", false)};
}

std::vector<Field> complaint_out() {
  return {out::number("id", "The complaint's number"),
          out::text("official_rank", "The official's rank"),
          out::text("official_unit", "The official's unit"),
          out::text("region", "Region"),
          out::text("conduct", "What they did or failed to do"),
          out::text("filed_with", "Where the complaint went"),
          out::text("filed_on", "YYYY-MM-DD"),
          out::text("outcome", "pending, disciplinary, dismissal, criminal_case, rejected"),
          out::text("decided_on", "YYYY-MM-DD", false),
          out::text("article", "The criminal case's article, if any")};
}

Field table_out(const char* name, const char* what) {
  auto value = [](std::vector<Field> f) {
    f.push_back(out::number("n", "The count, unless hidden", false));
    f.push_back(out::flag("hidden", "Hidden: fewer than k, or it would give a hidden one away"));
    return f;
  };
  return out::object(name, what,
                     {out::texts("rows", "Row labels"), out::texts("columns", "Column labels"),
                      out::list("cells", "Every cell, row by row",
                                value({out::text("row", "Row label"), out::text("column", "Column label")})),
                      out::list("row_totals", "Each row's total (empty when a row's cells do not add up)",
                                value({out::text("label", "Row label")})),
                      out::list("column_totals", "Each column's total", value({out::text("label", "Column label")})),
                      out::object("total", "The grand total (absent when rows have no totals)", value({}), false)});
}

}  // namespace

void add_desk_routes(Api& api) {
  const std::vector<Role> hotline = {Role::hotline_operator, Role::case_worker, Role::director};
  const std::vector<Role> desk_staff = {Role::hotline_operator, Role::case_worker, Role::lawyer, Role::director};
  const std::vector<Role> case_writers = {Role::case_worker, Role::lawyer, Role::director};

  api.add({.method = "GET",
           .path = "/orgs/{org}/desk/vocabulary",
           .summary = "The desk's closed lists and the criminal-procedure table cases follow",
           .is_public = true,
           .response = "The procedure (stages, events, labels in en/ru/kk) and the consultation form's lists",
           .returns = Schema{"DeskVocabulary",
                             {out::object("procedure", "The procedure table",
                                          {out::text("id", "Its id"), out::text("version", "Its version"),
                                           out::text("initial", "The stage a new case starts in"),
                                           out::list("stages", "Stages",
                                                     {out::text("id", "Stage"), labels_field("label"),
                                                      out::flag("open", "Still open at this stage")}),
                                           out::list("events", "Event kinds",
                                                     {out::text("id", "Event"), labels_field("label"),
                                                      out::texts("from", "Stages it is allowed in (* = any open)"),
                                                      out::text("to", "The stage it leads to", false),
                                                      out::text("legal_basis", "Default legal basis"),
                                                      out::list("fields", "Its own fields",
                                                                {out::text("id", "Field"), labels_field("label"),
                                                                 out::flag("required", "Required"),
                                                                 out::texts("choices", "Allowed values")})})}),
                              out::texts("channels", "Channels"), out::texts("categories", "GBVIMS types"),
                              out::texts("contexts", "Context flags"), out::texts("regions", "Regions"),
                              out::texts("age_groups", "Age groups"), out::texts("referrals", "Referrals"),
                              out::texts("outcomes", "Outcomes"),
                              out::texts("referral_outcomes", "What became of a referral"),
                              out::texts("contact_kinds", "Kinds of contact (a consultation, a silent call, ...)"),
                              out::texts("caller_roles", "Who called"), out::texts("sexes", "Sexes"),
                              out::texts("police_statuses", "Whether it was reported to the police"),
                              out::texts("incident_precisions", "How precisely the incident's time is known"),
                              out::texts("official_conducts", "An official's conduct complained of"),
                              out::texts("complaint_filed_with", "Where a complaint was filed"),
                              out::texts("complaint_outcomes", "A complaint's outcomes"),
                              out::texts("document_statuses", "Whether an event's document was obtained"),
                              out::texts("publication_channels", "Where a post went up"),
                              out::texts("publication_changes", "Changes to a post"),
                              out::texts("docket_events", "The docket's event kinds"),
                              out::texts("suspect_states", "A suspect's states within a case"),
                              out::texts("sentence_kinds", "What a conviction's sentence is"),
                              out::list("suspect_moves", "The moves a suspect's state may make",
                                        {out::text("from", "From"), out::text("to", "To")})}},
           .handler = vocabulary});

  Field identity_field{"identity", Field::Type::object, false,
                       "Identity to seal as a new survivor (optional; never stored in the clear)"};
  for (const char* f : identity::kSubjectFields)
    identity_field.fields.push_back(Field{f, Field::Type::string, false, "Sealed", 0, identity::kMaxFieldBytes});
  api.add({.method = "POST",
           .path = "/orgs/{org}/consultations",
           .summary = "Log a hotline consultation",
           .roles = hotline,
           .body = Schema{"ConsultationInput",
                          {integer("at", "When, unix seconds (default: now)", 0, INT64_MAX, false),
                           one_of("channel", "How it came", values(desk::kChannels)),
                           one_of("contact_kind", "data unless silent, hang-up, ...", values(desk::kContactKinds), false),
                           one_of("caller_role", "Who called", values(desk::kCallerRoles)),
                           one_of("category", "GBVIMS incident type", values(desk::kCategories)),
                           strings_field("context", "Context flags", values(desk::kContexts), 5),
                           one_of("region", "Region", values(desk::kRegions)),
                           one_of("age_group", "The survivor's age group", values(desk::kAgeGroups)),
                           one_of("sex", "The survivor's sex", values(desk::kSexes)),
                           integer("incident_at", "When the incident happened, unix seconds", 0, INT64_MAX, false),
                           one_of("incident_precision", "How precisely it is known", values(desk::kPrecisions), false),
                           one_of("police_status", "Whether the police have it", values(desk::kPoliceStatuses), false),
                           strings_field("referrals", "Where the caller was referred", values(desk::kReferrals), 8),
                           one_of("outcome", "What came of it", values(desk::kOutcomes)),
                           str("follow_up", "Follow-up date, YYYY-MM-DD", 10, false),
                           str("protocol", "The protocol shown, id@version", 64, false),
                           boolean("consent_stats", "The caller agrees to be counted in public statistics"),
                           str("survivor", "An existing survivor's code", 40, false), identity_field,
                           integer("intake", "The intake message it answers (archived once logged)", 1, INT64_MAX, false)}},
           .status = 201,
           .response = "The consultation's number, and the survivor's code when one was named or made",
           .returns = Schema{"ConsultationLogged",
                             {out::number("id", "The consultation's number"),
                              out::text("survivor", "The survivor's code", false),
                              out::flag("intake_archived", "The intake message it answers was archived", false)}},
           .handler = log_consultation});

  api.add({.method = "GET",
           .path = "/orgs/{org}/consultations",
           .summary = "Consultations, newest first, a page at a time",
           .roles = hotline,
           .query = {"survivor", "from", "to", "category", "before", "limit"},
           .response = "A page of consultations (before: `next` of the previous page; limit 1-200, default 50)",
           .returns = Schema{"ConsultationPage",
                             {out::list("consultations", "Newest first", consultation_out()),
                              out::number("next", "The `before` of the next page, when there may be more", false)}},
           .handler = list_consultations});

  api.add({.method = "POST",
           .path = "/orgs/{org}/cases",
           .summary = "Open a case for a survivor",
           .roles = hotline,
           .body = Schema{"CaseInput",
                          {str("survivor", "The survivor's code", 40),
                           one_of("category", "GBVIMS incident type", values(desk::kCategories)),
                           strings_field("context", "Context flags", values(desk::kContexts), 5),
                           one_of("region", "Region", values(desk::kRegions)),
                           boolean("private_prosecution", "A private-prosecution case (UPK art. 32 part 2)"),
                           Field{"articles", Field::Type::strings, false, "Criminal-code articles", 1, 80, 0,
                                 0, {}, {}, 10},
                           str("body", "The investigating body", 200, false), str("court", "The court", 200, false),
                           integer("lawyer", "The lawyer's user id", 1, INT64_MAX, false),
                           integer("case_worker", "The case worker's user id", 1, INT64_MAX, false),
                           Field{"consents", Field::Type::object, false, "The survivor's consents", 0, 0, 0, 0, {},
                                 {boolean("stats", "To be counted"), boolean("publish", "To publish"),
                                  boolean("police", "To share with the police"),
                                  boolean("lawyer", "To share with lawyers"),
                                  boolean("services", "To be referred to other services")}},
                           integer("from_consultation", "The consultation it comes from", 1, INT64_MAX, false)}},
           .status = 201,
           .response = "The case's code and stage",
           .returns = Schema{"CaseOpened", {out::text("code", "The case's code"), out::text("stage", "Its stage")}},
           .handler = open_case});

  api.add({.method = "GET",
           .path = "/orgs/{org}/cases",
           .summary = "The cases the caller may see, in order, a page at a time",
           .roles = desk_staff,
           .query = {"stage", "category", "region", "survivor", "after", "limit"},
           .response = "A page of cases (after: `next` of the previous page; limit 1-200, default 50)",
           .returns = Schema{"CasePage",
                             {out::list("cases", "Cases", case_out()),
                              out::number("next", "The `after` of the next page, when there may be more", false)}},
           .handler = list_cases});

  std::vector<Field> page = case_out();
  page.push_back(out::list("events", "Every event, in order", event_out()));
  page.push_back(out::list("deadlines", "Deadlines", deadline_out()));
  page.push_back(out::list("referrals", "Referrals to services, oldest first", referral_out()));
  page.push_back(out::list("suspects", "Its suspects, each with their own state", suspect_out()));
  page.push_back(out::texts("allowed", "The events its stage allows now"));
  api.add({.method = "GET",
           .path = "/orgs/{org}/cases/{case}",
           .summary = "A case with its procedural timeline and deadlines (case-scoped)",
           .roles = desk_staff,
           .response = "The case",
           .returns = Schema{"Case", page},
           .responses = {{404, "No such case, or not one of the caller's"}},
           .handler = read_case});

  api.add({.method = "POST",
           .path = "/orgs/{org}/cases/{case}/events",
           .summary = "Record a procedural event (only one the case's stage allows)",
           .roles = case_writers,
           .body = Schema{"CaseEventInput",
                          {str("kind", "The event (procedure table)", 64),
                           str("date", "YYYY-MM-DD, or YYYY-MM / YYYY when only that is known", 10),
                           one_of("document_status", "The document's status",
                                  values(desk::kDocumentStatuses), false),
                           str("document", "The document's name and number", 300, false),
                           str("legal_basis", "The legal basis (default: the procedure's)", 300, false),
                           Field{"fields", Field::Type::objects, false, "The event's own fields", 0, 0, 0, 0, {},
                                 {str("name", "Field", 40), str("value", "Value", 300)}, 10}}},
           .status = 201,
           .response = "The event as recorded",
           .returns = Schema{"CaseEvent", event_out()},
           .responses = {{409, "The case's stage does not allow it (transition-not-allowed)"}},
           .handler = add_event});

  api.add({.method = "POST",
           .path = "/orgs/{org}/cases/{case}/consents",
           .summary = "Set the survivor's consents on a case",
           .roles = case_writers,
           .body = Schema{"ConsentsInput",
                          {boolean("stats", "To be counted in public statistics"), boolean("publish", "To publish"),
                           boolean("police", "To share with the police"), boolean("lawyer", "To share with lawyers"),
                           boolean("services", "To be referred to other services (medical, shelter, psychologist, NGOs)")}},
           .response = "The consents now",
           .returns = Schema{"Consents",
                             {out::flag("stats", "To be counted"), out::flag("publish", "To publish"),
                              out::flag("police", "To share with the police"),
                              out::flag("lawyer", "To share with lawyers"),
                              out::flag("services", "To be referred to other services")}},
           .handler = set_consents});

  api.add({.method = "POST",
           .path = "/orgs/{org}/cases/{case}/people",
           .summary = "Assign a case's lawyer and case worker (they may then read the survivor's identity)",
           .roles = {Role::case_worker, Role::director},
           .body = Schema{"CasePeopleInput",
                          {integer("lawyer", "The lawyer's user id (0: none)", 0, INT64_MAX, false),
                           integer("case_worker", "The case worker's user id (0: none)", 0, INT64_MAX, false)}},
           .response = "Assigned",
           .returns = Schema{"CasePeople", {out::flag("assigned", "True")}},
           .handler = assign_case});

  api.add({.method = "POST",
           .path = "/orgs/{org}/cases/{case}/deadlines",
           .summary = "Add a deadline to a case",
           .roles = case_writers,
           .body = Schema{"DeadlineInput", {str("due", "YYYY-MM-DD", 10), str("what", "What is due (no names)", 200)}},
           .status = 201,
           .response = "The deadline",
           .returns = Schema{"Deadline", deadline_out()},
           .handler = add_deadline});

  api.add({.method = "POST",
           .path = "/orgs/{org}/cases/{case}/referrals",
           .summary = "Refer the case's survivor to a service: needs the consent it relies on (police: to share "
                      "with the police; lawyer: with lawyers; any other: to be referred to services), or the reason "
                      "it is made without it in `override` (kept, and in the access trail)",
           .roles = case_writers,
           .body = Schema{"ReferralInput",
                          {one_of("service", "To whom", values(desk::kReferrals)),
                           str("date", "When it was made, YYYY-MM-DD (not in the future)", 10),
                           str("note", "A note (no names)", 300, false),
                           str("override", "Why it is made without the consent it needs", 300, false)}},
           .status = 201,
           .response = "The referral",
           .returns = Schema{"Referral", referral_out()},
           .responses = {{409, "The survivor has not consented to this referral and no override was given "
                               "(consent-missing)"}},
           .handler = add_referral});

  api.add({.method = "POST",
           .path = "/orgs/{org}/cases/{case}/suspects",
           .summary = "Add a suspect to a case (recognised as a suspect on `date`), who then has their own state",
           .roles = case_writers,
           .body = Schema{"SuspectInput",
                          {str("label", "A label that names nobody (absent: known by its number n)", 100, false),
                           str("article", "The article qualified, as written", 100, false),
                           str("date", "When they were recognised as a suspect, YYYY-MM-DD (not in the future)", 10)}},
           .status = 201,
           .response = "The suspect",
           .returns = Schema{"Suspect", suspect_out()},
           .handler = add_suspect});

  api.add({.method = "POST",
           .path = "/orgs/{org}/cases/{case}/suspects/{suspect}/state",
           .summary = "Move a suspect to their next state (charged, wanted, released, convicted with the sentence, "
                      "acquitted, ...); only the moves the vocabulary's suspect_moves lists",
           .roles = case_writers,
           .body = Schema{"SuspectStateInput",
                          {one_of("state", "The next state", values(desk::kSuspectStates)),
                           str("date", "When, YYYY-MM-DD (not before their last change, not in the future)", 10),
                           str("article", "The article qualified now (empty: unchanged)", 100, false),
                           str("sentence", "For a conviction: the sentence as pronounced", 200, false),
                           one_of("sentence_kind", "For a conviction: what the sentence is (counted in the statistics)",
                                  values(desk::kSentenceKinds), false),
                           integer("sentence_months",
                                   "For imprisonment, restricted liberty or a suspended term: its length in months",
                                   1, 600, false),
                           str("note", "A note (no names)", 300, false)}},
           .response = "The suspect",
           .returns = Schema{"Suspect", suspect_out()},
           .responses = {{409, "The suspect's state does not allow this move (suspect-state-not-allowed)"}},
           .handler = change_suspect});

  api.add({.method = "POST",
           .path = "/orgs/{org}/cases/{case}/referrals/{referral}/outcome",
           .summary = "What became of a referral (pending clears it)",
           .roles = case_writers,
           .body = Schema{"ReferralOutcomeInput",
                          {one_of("outcome", "What became of it", values(desk::kReferralOutcomes)),
                           str("date", "When it was known, YYYY-MM-DD (not for pending)", 10, false)}},
           .response = "The referral",
           .returns = Schema{"Referral", referral_out()},
           .handler = referral_outcome});

  api.add({.method = "POST",
           .path = "/orgs/{org}/cases/{case}/deadlines/{deadline}/done",
           .summary = "Mark a deadline done",
           .roles = case_writers,
           .response = "Done",
           .returns = Schema{"DeadlineDone", {out::flag("done", "True")}},
           .handler = finish_deadline});

  api.add({.method = "POST",
           .path = "/orgs/{org}/cases/{case}/deadlines/{deadline}/due",
           .summary = "Move an open deadline to another day, with the reason (a term the procedure set that a lawyer "
                      "corrects, a court's new date); its first day is kept and the move is in the access trail",
           .roles = case_writers,
           .body = Schema{"DeadlineMoveInput",
                          {str("due", "The new day, YYYY-MM-DD", 10), str("because", "Why it moves (no names)", 200)}},
           .response = "The deadline",
           .returns = Schema{"Deadline", deadline_out()},
           .handler = move_deadline});

  api.add({.method = "GET",
           .path = "/orgs/{org}/desk/staff",
           .summary = "The staff a case can be assigned to: enabled lawyers, case workers and directors",
           .roles = desk_staff,
           .response = "By user number, with login name and role",
           .returns = Schema{"DeskStaff", {out::list("staff", "Enabled lawyers, case workers and directors",
                                                     {out::number("id", "The user's number"),
                                                      out::text("name", "The login name"),
                                                      out::choice("role", "The role",
                                                                  {"lawyer", "case_worker", "director"})})}},
           .handler = desk_staff_list});

  api.add({.method = "GET",
           .path = "/orgs/{org}/deadlines",
           .summary = "Open deadlines due by a date, of the caller's cases (the reminders)",
           .roles = desk_staff,
           .query = {"until"},
           .response = "Open deadlines, soonest first (until: YYYY-MM-DD)",
           .returns = Schema{"DeadlineList", {out::list("deadlines", "Soonest first", deadline_out())}},
           .handler = list_due});

  api.add({.method = "POST",
           .path = "/orgs/{org}/complaints",
           .summary = "Record a complaint against a police officer or other official",
           .roles = case_writers,
           .body = Schema{"ComplaintInput",
                          {str("case", "The case it belongs to, if any", 40, false),
                           str("official_rank", "The official's rank (no names)", 100),
                           str("official_unit", "The official's unit", 200),
                           one_of("region", "Region", values(desk::kRegions)),
                           one_of("conduct", "What they did or failed to do", values(desk::kConducts)),
                           one_of("filed_with", "Where it was filed", values(desk::kFiledWith)),
                           str("filed_on", "YYYY-MM-DD", 10),
                           one_of("outcome", "Its outcome so far", values(desk::kComplaintOutcomes), false),
                           str("decided_on", "YYYY-MM-DD", 10, false),
                           str("article", "The criminal case's article", 80, false)}},
           .status = 201,
           .response = "The complaint",
           .returns = Schema{"Complaint", complaint_out()},
           .handler = add_complaint});

  api.add({.method = "POST",
           .path = "/orgs/{org}/complaints/{complaint}/outcome",
           .summary = "Record a complaint's outcome",
           .roles = case_writers,
           .body = Schema{"ComplaintOutcomeInput",
                          {one_of("outcome", "Its outcome", values(desk::kComplaintOutcomes)),
                           str("decided_on", "YYYY-MM-DD", 10, false), str("article", "Article", 80, false)}},
           .response = "The complaint",
           .returns = Schema{"Complaint", complaint_out()},
           .handler = decide_complaint});

  api.add({.method = "GET",
           .path = "/orgs/{org}/complaints",
           .summary = "Complaints against officials, in order, a page at a time",
           .roles = case_writers,
           .query = {"after", "limit"},
           .response = "A page of complaints",
           .returns = Schema{"ComplaintPage",
                             {out::list("complaints", "Complaints", complaint_out()),
                              out::number("next", "The `after` of the next page", false)}},
           .handler = list_complaints});

  api.add({.method = "GET",
           .path = "/orgs/{org}/survivors/{survivor}",
           .summary = "A survivor's timeline: their consultations and cases (no identity)",
           .roles = desk_staff,
           .response = "The survivor's consultations and the cases the caller may see",
           .returns = Schema{"SurvivorTimeline",
                             {out::text("code", "The survivor's code"),
                              out::list("consultations", "Newest first", consultation_out()),
                              out::list("cases", "Cases", case_out())}},
           .responses = {{404, "No such survivor, or not one the caller may see"}},
           .handler = survivor_timeline});

  api.add({.method = "GET",
           .path = "/orgs/{org}/desk/stats",
           .summary = "The desk's figures for staff, from maintained counts (every record)",
           .roles = {Role::case_worker, Role::director},
           .query = {"from", "to", "by"},
           .response = "Counts per metric (from, to: YYYY-MM; by: month, category or region); stage:* are now",
           .returns = Schema{"DeskStats",
                             {out::text("from", "First month"), out::text("to", "Last month"),
                              out::list("counts", "Counts",
                                        {out::text("metric", "What is counted"), out::number("n", "How many"),
                                         out::text("month", "YYYY-MM", false), out::text("category", "", false),
                                         out::text("region", "", false),
                                         out::number("sum", "A total beside the count (days)", false)})}},
           .handler = staff_stats});

  api.add({.method = "GET",
           .path = "/orgs/{org}/impact",
           .summary = "The public impact figures of a year: consented records only, small cells hidden",
           .is_public = true,
           .query = {"year"},
           .response = "Fixed tables with margins; a hidden value has `hidden: true` and no `n` (fewer than k, or "
                       "hidden so that the totals cannot give a hidden one away); a true zero is published",
           .returns = Schema{"Impact",
                             {out::number("year", "The calendar year"), out::number("k", "Cells under k are hidden"),
                              table_out("consultations_by_quarter", "Consultations by category and quarter"),
                              table_out("cases_by_milestone", "Cases by category: opened, to court, convictions, acquittals"),
                              table_out("consultations_by_region", "Consultations by region"),
                              table_out("sentences_by_band",
                                        "People convicted by sentence: prison under 5 years, 5 to 10, over 10, not "
                                        "prison, not recorded")}},
           .handler = impact});
  api.add({.method = "GET",
           .path = "/orgs/{org}/protocols",
           .summary = "Guidance for a situation: general guidance, not legal or medical advice",
           .is_public = true,
           .query = {"audience", "category", "incident_at", "child", "ipv", "police_refused", "stage"},
           .response = "The protocols that apply, most urgent first, each with its version and reviewers; with "
                       "incident_at (unix seconds), the hours elapsed and the 72 h and 120 h deadlines",
           .returns = Schema{"Protocols",
                             {out::text("set", "The protocol set"), out::text("version", "Its version"),
                              labels_field("disclaimer"),
                              out::list("protocols", "Most urgent first",
                                        {out::text("id", "Protocol"), out::number("version", "Its version"),
                                         labels_field("title"),
                                         out::list("steps", "Steps in order",
                                                   {out::text("en", "English"), out::text("ru", "Russian"),
                                                    out::text("kk", "Kazakh"),
                                                    out::flag("unverified", "A fact not yet checked")}),
                                         out::list("reviewed_by", "Who reviewed this version (empty: nobody yet)",
                                                   {out::text("role", "Role"), out::text("name", "Name"),
                                                    out::text("date", "YYYY-MM-DD")}),
                                         out::texts("sources", "Sources"), labels_field("disclaimer")}),
                              out::object("windows", "Time since the incident",
                                          {out::number("hours_elapsed", "Whole hours"),
                                           out::number("deadline_72h", "Incident + 72 h, unix seconds"),
                                           out::number("deadline_120h", "Incident + 120 h, unix seconds"),
                                           out::text("bucket", "0_72h, 72_120h, 120h_14d, over_14d, unknown")},
                                          false)}},
           .handler = protocols});
  const std::vector<Role> docket_readers = {Role::lawyer, Role::communications, Role::director};
  const std::vector<Role> docket_writers = {Role::lawyer, Role::director};
  std::vector<Field> proceeding_full = proceeding_out();
  proceeding_full.push_back(out::object("counts", "Counted from its events", docket_counts_out()));
  api.add({.method = "GET",
           .path = "/orgs/{org}/docket",
           .summary = "The legal-defence docket: proceedings against the organisation and its people",
           .roles = docket_readers,
           .response = "The report's header, every proceeding with its events (and their log entries) and counts",
           .returns = Schema{"Docket",
                             {out::object("header", "The chronology report's header", header_out()),
                              out::list("proceedings", "Proceedings", proceeding_full),
                              out::object("counts", "Counted over the whole docket", docket_counts_out())}},
           .handler = read_docket});

  Field opened{"opened", Field::Type::object, true, "The opening event (kind opened)"};
  opened.fields = docket_event_in();
  api.add({.method = "POST",
           .path = "/orgs/{org}/docket",
           .summary = "Add a proceeding with its opening event (which goes on the log)",
           .roles = docket_writers,
           .body = Schema{"ProceedingInput",
                          {str("id", "The docket's id for it, e.g. P-7", 40), str("title", "Title", 300),
                           Field{"articles", Field::Type::strings, false, "Criminal-code articles", 1, 80, 0, 0, {}, {}, 10},
                           str("authority", "The authority", 300, false), str("region", "Region", 100, false),
                           str("erdr_number", "ERDR number (digits)", 30, false),
                           Field{"people", Field::Type::objects, false, "People concerned (public names only where public)",
                                 0, 0, 0, 0, {},
                                 {str("label", "Label or public name", 200), boolean("is_public", "A public person"),
                                  str("role", "Role", 100, false)}, 20},
                           opened}},
           .status = 201,
           .response = "The proceeding",
           .returns = Schema{"Proceeding", proceeding_out()},
           .responses = {{409, "A proceeding has this id"}},
           .handler = open_proceeding});

  api.add({.method = "POST",
           .path = "/orgs/{org}/docket/{proceeding}/events",
           .summary = "Record a docket event (it goes on the organisation's public log)",
           .roles = docket_writers,
           .body = Schema{"DocketEventInput", docket_event_in()},
           .status = 201,
           .response = "The event with its log entry",
           .returns = Schema{"DocketEvent", docket_event_out()},
           .handler = add_docket_event});

  api.add({.method = "POST",
           .path = "/orgs/{org}/docket/{proceeding}/remedies",
           .summary = "Record a remedy tried (a complaint and its result)",
           .roles = docket_writers,
           .body = Schema{"RemedyInput",
                          {str("to_whom", "To whom", 300), docket_date("date"), str("result", "Its result", 500, false)}},
           .status = 201,
           .response = "Added",
           .returns = Schema{"DocketAdded", {out::flag("added", "True")}},
           .handler = add_remedy});

  api.add({.method = "POST",
           .path = "/orgs/{org}/docket/{proceeding}/publications",
           .summary = "Link a related publication (with its corrections)",
           .roles = docket_writers,
           .body = Schema{"DocketPublicationInput",
                          {str("title", "Title", 300), str("url", "http(s) address", 2000), docket_date("date"),
                           Field{"corrections", Field::Type::objects, false, "Its corrections", 0, 0, 0, 0, {},
                                 {docket_date("date"), str("text", "What was corrected", 1000)}, 20}}},
           .status = 201,
           .response = "Added",
           .returns = Schema{"DocketAdded", {out::flag("added", "True")}},
           .handler = add_docket_publication});

  api.add({.method = "POST",
           .path = "/orgs/{org}/docket/header",
           .summary = "Set the chronology report's header (the defender, the organisation, the risks, consents)",
           .roles = docket_writers,
           .body = Schema{"DocketHeaderInput",
                          {str("defender", "The human rights defender (public name)", 200),
                           str("organisation", "The organisation", 200), str("activities", "Their activities", 4000, false),
                           str("risk_summary", "The situation and risks", 4000, false),
                           boolean("consent_name_to_government", "(a) a letter with the name may go to the Government"),
                           boolean("consent_public_reports", "(b) it may appear in public reports")}},
           .response = "The header",
           .returns = Schema{"DocketHeader", header_out()},
           .handler = set_docket_header});

  for (bool pdf : {false, true})
    api.add({.method = "GET",
             .path = pdf ? "/orgs/{org}/docket/chronology.pdf" : "/orgs/{org}/docket/chronology.html",
             .summary = pdf ? "The chronology report for UN special procedures, as PDF"
                            : "The chronology report for UN special procedures, as HTML",
             .roles = docket_writers,
             .query = {"lang", "as_of"},
             .response = "The report (lang: en or ru; as_of: YYYY-MM-DD, default today); counts computed from events",
             .returns_media = pdf ? "application/pdf" : "text/html",
             .handler = [pdf](Call& c) { return chronology(c, pdf); }});
  const std::vector<Role> publishers = {Role::communications, Role::director};
  api.add({.method = "POST",
           .path = "/orgs/{org}/publications",
           .summary = "Record a post about the organisation's work or a case (it goes on the public log)",
           .roles = publishers,
           .body = Schema{"PublicationInput",
                          {one_of("channel", "Where it was posted", values(desk::kPublicationChannels)),
                           str("url", "Its http(s) address", 2000), str("posted", "When it went up, UTC (default now)", 20, false),
                           str("text", "The exact text posted", 20000), str("case", "The case it is about", 40, false),
                           Field{"sources", Field::Type::objects, false, "Its sources and how each was verified", 0, 0, 0,
                                 0, {}, {str("source", "Source", 300), str("verified", "How it was verified", 300)}, 20}}},
           .status = 201,
           .response = "The publication, with its log entry",
           .returns = Schema{"PublicationRecorded", publication_out(true)},
           .responses = {{409, "The case's survivor has not consented to publication (consent-missing)"}},
           .handler = publish});

  api.add({.method = "POST",
           .path = "/orgs/{org}/publications/{publication}/changes",
           .summary = "Correct, add a disclaimer to, archive or retract a post (a new log entry)",
           .roles = publishers,
           .body = Schema{"PublicationChangeInput",
                          {one_of("kind", "What changes", values(desk::kPublicationChanges)),
                           str("text", "The correction's, disclaimer's or retraction's text", 20000, false)}},
           .status = 201,
           .response = "The change, with its log entry",
           .returns = Schema{"PublicationChange",
                             {out::number("log_index", "The change's log entry"), out::text("kind", "What changed"),
                              out::text("at", "When, UTC"), out::text("commitment", "SHA-256 of its text", false)}},
           .responses = {{409, "The post was retracted"}},
           .handler = change_publication});

  api.add({.method = "GET",
           .path = "/orgs/{org}/publications",
           .summary = "The organisation's posts and what happened to them, each with its log entries (public)",
           .is_public = true,
           .query = {"before", "limit"},
           .response = "Newest first: channel, address, when it went up, the commitment to its text, its changes",
           .returns = Schema{"PublicationPage",
                             {out::list("publications", "Newest first", publication_out(false)),
                              out::number("next", "The `before` of the next page", false)}},
           .handler = [](Call& c) { return list_publications(c, false); }});

  api.add({.method = "GET",
           .path = "/orgs/{org}/publications/staff",
           .summary = "The posts with their texts, sources and the consents they rely on (staff)",
           .roles = {Role::communications, Role::director, Role::lawyer},
           .query = {"before", "limit"},
           .response = "Newest first, with texts, sources and consents",
           .returns = Schema{"StaffPublicationPage",
                             {out::list("publications", "Newest first", publication_out(true)),
                              out::number("next", "The `before` of the next page", false)}},
           .handler = [](Call& c) { return list_publications(c, true); }});
}

}  // namespace amanat::api
