#include "store/sqlite/desk_store.h"

#include <nlohmann/json.hpp>

namespace amanat::store::sqlite {

using desk::CaseRow;
using desk::ComplaintRow;
using desk::ConsultationRow;
using desk::Count;
using desk::DeadlineRow;
using desk::ReferralRow;
using desk::SuspectRow;
using desk::EventRow;

namespace {

std::string list_json(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }
std::vector<std::string> list_of(const std::string& s) {
  auto j = nlohmann::json::parse(s, nullptr, false);
  return j.is_array() ? j.get<std::vector<std::string>>() : std::vector<std::string>{};
}
std::string fields_json(const std::vector<std::pair<std::string, std::string>>& f) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [k, v] : f) j[k] = v;
  return j.dump();
}
std::vector<std::pair<std::string, std::string>> fields_of(const std::string& s) {
  std::vector<std::pair<std::string, std::string>> out;
  auto j = nlohmann::ordered_json::parse(s, nullptr, false);
  if (j.is_object())
    for (auto& [k, v] : j.items()) out.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}
std::string consents_json(const desk::Consents& c) {
  return nlohmann::json{{"stats", c.stats},   {"publish", c.publish},   {"police", c.police},
                        {"lawyer", c.lawyer}, {"services", c.services}}.dump();
}
desk::Consents consents_of(const std::string& s) {
  auto j = nlohmann::json::parse(s, nullptr, false);
  desk::Consents c;
  if (!j.is_object()) return c;
  c.stats = j.value("stats", false);
  c.publish = j.value("publish", false);
  c.police = j.value("police", false);
  c.lawyer = j.value("lawyer", false);
  c.services = j.value("services", false);  // absent in cases from before it was asked
  return c;
}
std::optional<std::string> opt_text(Stmt& r, int i) {
  return r.column_null(i) ? std::nullopt : std::optional<std::string>(r.column_text(i));
}
std::optional<std::int64_t> opt_int(Stmt& r, int i) {
  return r.column_null(i) ? std::nullopt : std::optional<std::int64_t>(r.column_int(i));
}

constexpr const char* kConsultationColumns =
    "id, at, channel, contact_kind, caller_role, category, context, region, age_group, sex, hours_since, "
    "police_status, referrals, outcome, follow_up, operator, survivor, protocol, consent_stats, case_id";

ConsultationRow consultation_of(Stmt& r) {
  ConsultationRow c;
  c.id = r.column_int(0);
  c.at = r.column_int(1);
  c.channel = r.column_text(2);
  c.contact_kind = r.column_text(3);
  c.caller_role = r.column_text(4);
  c.category = r.column_text(5);
  c.context = list_of(r.column_text(6));
  c.region = r.column_text(7);
  c.age_group = r.column_text(8);
  c.sex = r.column_text(9);
  c.hours_since = opt_int(r, 10);
  c.police_status = r.column_text(11);
  c.referrals = list_of(r.column_text(12));
  c.outcome = r.column_text(13);
  c.follow_up = opt_text(r, 14);
  c.operator_id = r.column_int(15);
  c.survivor = opt_text(r, 16);
  c.protocol = r.column_text(17);
  c.consent_stats = r.column_int(18) != 0;
  c.case_id = opt_int(r, 19);
  return c;
}

constexpr const char* kCaseColumns =
    "id, code, survivor, category, context, region, stage, private_prosecution, articles, body, court, lawyer, "
    "case_worker, created_by, opened, consents, reported_on, court_on, verdict_on, verdict, convicted, "
    "first_of_survivor";

CaseRow case_of(Stmt& r) {
  CaseRow c;
  c.id = r.column_int(0);
  c.code = r.column_text(1);
  c.survivor = r.column_text(2);
  c.category = r.column_text(3);
  c.context = list_of(r.column_text(4));
  c.region = r.column_text(5);
  c.stage = r.column_text(6);
  c.private_prosecution = r.column_int(7) != 0;
  c.articles = list_of(r.column_text(8));
  c.body = r.column_text(9);
  c.court = r.column_text(10);
  c.lawyer = opt_int(r, 11);
  c.case_worker = opt_int(r, 12);
  c.created_by = r.column_int(13);
  c.opened = r.column_int(14);
  c.consents = consents_of(r.column_text(15));
  c.reported_on = opt_text(r, 16);
  c.court_on = opt_text(r, 17);
  c.verdict_on = opt_text(r, 18);
  c.verdict = opt_text(r, 19);
  c.convicted = r.column_int(20);
  c.first_of_survivor = r.column_int(21) != 0;
  return c;
}

constexpr const char* kEventColumns =
    "id, case_id, kind, date, stage_from, stage_to, document_status, document, legal_basis, fields, recorded_by, "
    "recorded_at";

EventRow event_of(Stmt& r) {
  EventRow e;
  e.id = r.column_int(0);
  e.case_id = r.column_int(1);
  e.kind = r.column_text(2);
  e.date = r.column_text(3);
  e.from = r.column_text(4);
  e.to = r.column_text(5);
  e.document_status = desk::parse_document_status(r.column_text(6)).value_or(desk::DocumentStatus::unknown);
  e.document = r.column_text(7);
  e.legal_basis = r.column_text(8);
  e.fields = fields_of(r.column_text(9));
  e.recorded_by = r.column_int(10);
  e.recorded_at = r.column_int(11);
  return e;
}

constexpr const char* kComplaintColumns =
    "id, case_id, official_rank, official_unit, region, conduct, filed_with, filed_on, outcome, decided_on, article, "
    "created_by";

ComplaintRow complaint_of(Stmt& r) {
  ComplaintRow c;
  c.id = r.column_int(0);
  c.case_id = opt_int(r, 1);
  c.official_rank = r.column_text(2);
  c.official_unit = r.column_text(3);
  c.region = r.column_text(4);
  c.conduct = r.column_text(5);
  c.filed_with = r.column_text(6);
  c.filed_on = r.column_text(7);
  c.outcome = r.column_text(8);
  c.decided_on = opt_text(r, 9);
  c.article = r.column_text(10);
  c.created_by = r.column_int(11);
  return c;
}

Result<std::vector<EventRow>> read_events(Db& db, std::int64_t org, std::int64_t case_id) {
  AMANAT_TRY(q, db.prepare(std::string("SELECT ") + kEventColumns +
                           " FROM case_events WHERE log_id = ? AND case_id = ? ORDER BY id"));
  q.bind(1, org).bind(2, case_id);
  std::vector<EventRow> out;
  AMANAT_CHECK(q.each([&](Stmt& r) { out.push_back(event_of(r)); }));
  return out;
}

Result<std::optional<CaseRow>> read_case(Db& db, std::int64_t org, const std::string& code) {
  AMANAT_TRY(q, db.prepare(std::string("SELECT ") + kCaseColumns + " FROM cases WHERE log_id = ? AND code = ?"));
  q.bind(1, org).bind(2, std::string_view(code));
  std::optional<CaseRow> out;
  AMANAT_CHECK(q.first([&](Stmt& r) { out = case_of(r); }));
  return out;
}

}  // namespace

Result<std::unique_ptr<SqliteDeskStore>> SqliteDeskStore::open(Database& db, std::int64_t org) {
  ReadConnection reader(db);
  return std::unique_ptr<SqliteDeskStore>(new SqliteDeskStore(db, org, std::move(reader)));
}

Result<std::int64_t> SqliteDeskStore::add_consultation(Tx& tx, const ConsultationRow& c) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal(
                    "INSERT INTO consultations(log_id, at, channel, contact_kind, caller_role, category, context, "
                    "region, age_group, sex, hours_since, police_status, referrals, outcome, follow_up, operator, "
                    "survivor, protocol, consent_stats) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  const std::string context = list_json(c.context), referrals = list_json(c.referrals);
  q->bind(1, org_).bind(2, c.at).bind(3, std::string_view(c.channel)).bind(4, std::string_view(c.contact_kind))
      .bind(5, std::string_view(c.caller_role)).bind(6, std::string_view(c.category)).bind(7, std::string_view(context))
      .bind(8, std::string_view(c.region)).bind(9, std::string_view(c.age_group)).bind(10, std::string_view(c.sex));
  if (c.hours_since) q->bind(11, *c.hours_since);
  q->bind(12, std::string_view(c.police_status)).bind(13, std::string_view(referrals)).bind(14, std::string_view(c.outcome));
  if (c.follow_up) q->bind(15, std::string_view(*c.follow_up));
  q->bind(16, c.operator_id);
  if (c.survivor) q->bind(17, std::string_view(*c.survivor));
  q->bind(18, std::string_view(c.protocol)).bind(19, c.consent_stats ? 1 : 0);
  AMANAT_CHECK(q->run());
  return sqlite3_last_insert_rowid(db->raw());
}

Result<std::optional<ConsultationRow>> SqliteDeskStore::consultation(std::int64_t id) {
  return read_([&](Db& db) -> Result<std::optional<ConsultationRow>> {
    AMANAT_TRY(q, db.prepare(std::string("SELECT ") + kConsultationColumns +
                             " FROM consultations WHERE log_id = ? AND id = ?"));
    q.bind(1, org_).bind(2, id);
    std::optional<ConsultationRow> out;
    AMANAT_CHECK(q.first([&](Stmt& r) { out = consultation_of(r); }));
    return out;
  });
}

Status SqliteDeskStore::link_consultation(Tx& tx, std::int64_t id, const std::string& survivor, std::int64_t case_id) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("UPDATE consultations SET survivor = ?, case_id = ? WHERE log_id = ? AND id = ?"));
  q->bind(1, std::string_view(survivor)).bind(2, case_id).bind(3, org_).bind(4, id);
  return q->run();
}

Result<std::vector<ConsultationRow>> SqliteDeskStore::consultations(const desk::ConsultationFilter& f) {
  return read_([&](Db& db) -> Result<std::vector<ConsultationRow>> {
    std::string sql = std::string("SELECT ") + kConsultationColumns + " FROM consultations WHERE log_id = ?1";
    if (f.survivor) sql += " AND survivor = ?2";
    if (f.from) sql += " AND at >= unixepoch(?3)";
    if (f.to) sql += " AND at < unixepoch(?4, '+1 day')";
    if (f.category) sql += " AND category = ?5";
    if (f.before > 0) sql += " AND id < ?6";
    sql += " ORDER BY id DESC LIMIT ?7";
    AMANAT_TRY(q, db.prepare(sql));
    q.bind(1, org_);
    if (f.survivor) q.bind(2, std::string_view(*f.survivor));
    if (f.from) q.bind(3, std::string_view(*f.from));
    if (f.to) q.bind(4, std::string_view(*f.to));
    if (f.category) q.bind(5, std::string_view(*f.category));
    if (f.before > 0) q.bind(6, f.before);
    q.bind(7, static_cast<std::int64_t>(f.limit));
    std::vector<ConsultationRow> out;
    AMANAT_CHECK(q.each([&](Stmt& r) { out.push_back(consultation_of(r)); }));
    return out;
  });
}

Result<std::optional<std::int64_t>> SqliteDeskStore::add_case(Tx& tx, const CaseRow& c) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal(
                    "INSERT INTO cases(log_id, code, survivor, category, context, region, stage, private_prosecution, "
                    "articles, body, court, lawyer, case_worker, created_by, opened, consents, reported_on, court_on, "
                    "verdict_on, verdict, convicted, first_of_survivor) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(log_id, code) DO NOTHING"));
  const std::string context = list_json(c.context), articles = list_json(c.articles), consents = consents_json(c.consents);
  q->bind(1, org_).bind(2, std::string_view(c.code)).bind(3, std::string_view(c.survivor))
      .bind(4, std::string_view(c.category)).bind(5, std::string_view(context)).bind(6, std::string_view(c.region))
      .bind(7, std::string_view(c.stage)).bind(8, c.private_prosecution ? 1 : 0).bind(9, std::string_view(articles))
      .bind(10, std::string_view(c.body)).bind(11, std::string_view(c.court));
  if (c.lawyer) q->bind(12, *c.lawyer);
  if (c.case_worker) q->bind(13, *c.case_worker);
  q->bind(14, c.created_by).bind(15, c.opened).bind(16, std::string_view(consents));
  if (c.reported_on) q->bind(17, std::string_view(*c.reported_on));
  if (c.court_on) q->bind(18, std::string_view(*c.court_on));
  if (c.verdict_on) q->bind(19, std::string_view(*c.verdict_on));
  if (c.verdict) q->bind(20, std::string_view(*c.verdict));
  q->bind(21, c.convicted).bind(22, c.first_of_survivor ? 1 : 0);
  AMANAT_CHECK(q->run());
  if (db->changes() != 1) return std::nullopt;
  return sqlite3_last_insert_rowid(db->raw());
}

Status SqliteDeskStore::update_case(Tx& tx, const CaseRow& c) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal(
                    "UPDATE cases SET stage = ?, articles = ?, body = ?, court = ?, lawyer = ?, case_worker = ?, "
                    "consents = ?, reported_on = ?, court_on = ?, verdict_on = ?, verdict = ?, convicted = ? "
                    "WHERE log_id = ? AND id = ?"));
  const std::string articles = list_json(c.articles), consents = consents_json(c.consents);
  q->bind(1, std::string_view(c.stage)).bind(2, std::string_view(articles)).bind(3, std::string_view(c.body))
      .bind(4, std::string_view(c.court));
  if (c.lawyer) q->bind(5, *c.lawyer);
  if (c.case_worker) q->bind(6, *c.case_worker);
  q->bind(7, std::string_view(consents));
  if (c.reported_on) q->bind(8, std::string_view(*c.reported_on));
  if (c.court_on) q->bind(9, std::string_view(*c.court_on));
  if (c.verdict_on) q->bind(10, std::string_view(*c.verdict_on));
  if (c.verdict) q->bind(11, std::string_view(*c.verdict));
  q->bind(12, c.convicted).bind(13, org_).bind(14, c.id);
  return q->run();
}

Result<std::optional<CaseRow>> SqliteDeskStore::case_by_code(const std::string& code) {
  return read_([&](Db& db) { return read_case(db, org_, code); });
}

Result<std::optional<CaseRow>> SqliteDeskStore::case_for_update(Tx& tx, const std::string& code) {
  AMANAT_TRY(db, connection_of(tx));
  return read_case(*db, org_, code);
}

Result<std::vector<CaseRow>> SqliteDeskStore::cases(const desk::CaseFilter& f) {
  return read_([&](Db& db) -> Result<std::vector<CaseRow>> {
    std::string sql = std::string("SELECT ") + kCaseColumns + " FROM cases WHERE log_id = ?1 AND id > ?2";
    if (f.visible_to) sql += " AND (lawyer = ?3 OR case_worker = ?3 OR created_by = ?3)";
    if (f.stage) sql += " AND stage = ?4";
    if (f.category) sql += " AND category = ?5";
    if (f.region) sql += " AND region = ?6";
    if (f.survivor) sql += " AND survivor = ?7";
    sql += " ORDER BY id LIMIT ?8";
    AMANAT_TRY(q, db.prepare(sql));
    q.bind(1, org_).bind(2, f.after);
    if (f.visible_to) q.bind(3, *f.visible_to);
    if (f.stage) q.bind(4, std::string_view(*f.stage));
    if (f.category) q.bind(5, std::string_view(*f.category));
    if (f.region) q.bind(6, std::string_view(*f.region));
    if (f.survivor) q.bind(7, std::string_view(*f.survivor));
    q.bind(8, static_cast<std::int64_t>(f.limit));
    std::vector<CaseRow> out;
    AMANAT_CHECK(q.each([&](Stmt& r) { out.push_back(case_of(r)); }));
    return out;
  });
}

Result<std::int64_t> SqliteDeskStore::cases_of_survivor(Tx& tx, const std::string& survivor) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("SELECT count(*) FROM cases WHERE log_id = ? AND survivor = ?"));
  q->bind(1, org_).bind(2, std::string_view(survivor));
  std::int64_t n = 0;
  AMANAT_CHECK(q->first([&](Stmt& r) { n = r.column_int(0); }));
  return n;
}

Result<std::int64_t> SqliteDeskStore::add_event(Tx& tx, const EventRow& e) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal(
                    "INSERT INTO case_events(log_id, case_id, kind, date, stage_from, stage_to, document_status, "
                    "document, legal_basis, fields, recorded_by, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"));
  const std::string fields = fields_json(e.fields);
  q->bind(1, org_).bind(2, e.case_id).bind(3, std::string_view(e.kind)).bind(4, std::string_view(e.date))
      .bind(5, std::string_view(e.from)).bind(6, std::string_view(e.to))
      .bind(7, desk::document_status_name(e.document_status)).bind(8, std::string_view(e.document))
      .bind(9, std::string_view(e.legal_basis)).bind(10, std::string_view(fields)).bind(11, e.recorded_by)
      .bind(12, e.recorded_at);
  AMANAT_CHECK(q->run());
  return sqlite3_last_insert_rowid(db->raw());
}

Result<std::vector<EventRow>> SqliteDeskStore::events(std::int64_t case_id) {
  return read_([&](Db& db) { return read_events(db, org_, case_id); });
}

Result<std::vector<EventRow>> SqliteDeskStore::events_for_update(Tx& tx, std::int64_t case_id) {
  AMANAT_TRY(db, connection_of(tx));
  return read_events(*db, org_, case_id);
}

Result<std::int64_t> SqliteDeskStore::add_deadline(Tx& tx, const DeadlineRow& d) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("INSERT INTO case_deadlines(log_id, case_id, due, what, source) VALUES (?,?,?,?,?)"));
  q->bind(1, org_).bind(2, d.case_id).bind(3, std::string_view(d.due)).bind(4, std::string_view(d.what));
  q->bind(5, std::string_view(d.source));
  AMANAT_CHECK(q->run());
  return sqlite3_last_insert_rowid(db->raw());
}

Result<bool> SqliteDeskStore::finish_deadline(Tx& tx, std::int64_t case_id, std::int64_t id, std::int64_t when) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal(
                    "UPDATE case_deadlines SET done = coalesce(done, ?) WHERE log_id = ? AND case_id = ? AND id = ?"));
  q->bind(1, when).bind(2, org_).bind(3, case_id).bind(4, id);
  AMANAT_CHECK(q->run());
  return db->changes() == 1;
}

Result<bool> SqliteDeskStore::move_deadline(Tx& tx, std::int64_t case_id, std::int64_t id, const std::string& due,
                                            const std::string& because) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("UPDATE case_deadlines SET first_due = CASE first_due WHEN '' THEN due ELSE first_due END, "
                                   "due = ?, moved_because = ? "
                                   "WHERE log_id = ? AND case_id = ? AND id = ? AND done IS NULL"));
  q->bind(1, std::string_view(due)).bind(2, std::string_view(because)).bind(3, org_).bind(4, case_id).bind(5, id);
  AMANAT_CHECK(q->run());
  return db->changes() == 1;
}

namespace {
// A row of the deadline queries' columns (id, case_id, due, what, done, code, source, first_due,
// moved_because).
DeadlineRow deadline_of(Stmt& r) {
  return DeadlineRow{r.column_int(0),  r.column_int(1),  r.column_text(2), r.column_text(3), opt_int(r, 4),
                     r.column_text(5), r.column_text(6), r.column_text(7), r.column_text(8)};
}
}  // namespace

Result<std::vector<DeadlineRow>> SqliteDeskStore::deadlines(std::int64_t case_id) {
  return read_([&](Db& db) -> Result<std::vector<DeadlineRow>> {
    AMANAT_TRY(q, db.prepare("SELECT d.id, d.case_id, d.due, d.what, d.done, c.code, d.source, d.first_due, d.moved_because "
                             "FROM case_deadlines d JOIN cases c ON c.id = d.case_id "
                             "WHERE d.log_id = ? AND d.case_id = ? ORDER BY d.due, d.id"));
    q.bind(1, org_).bind(2, case_id);
    std::vector<DeadlineRow> out;
    AMANAT_CHECK(q.each([&](Stmt& r) {
      out.push_back(deadline_of(r));
    }));
    return out;
  });
}

namespace {
constexpr const char* kReferralColumns =
    "SELECT r.id, r.case_id, r.service, r.made_on, r.note, r.override, r.outcome, r.outcome_on, r.made_by, c.code "
    "FROM case_referrals r JOIN cases c ON c.id = r.case_id ";

ReferralRow referral_of(Stmt& r) {
  ReferralRow out{r.column_int(0), r.column_int(1), r.column_text(2), r.column_text(3), r.column_text(4),
                  r.column_text(5), r.column_text(6), std::nullopt, r.column_int(8), r.column_text(9)};
  if (!r.column_null(7)) out.outcome_on = r.column_text(7);
  return out;
}
}  // namespace

Result<std::int64_t> SqliteDeskStore::add_referral(Tx& tx, const ReferralRow& r) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("INSERT INTO case_referrals(log_id, case_id, service, made_on, note, override, "
                                   "outcome, outcome_on, made_by) VALUES (?,?,?,?,?,?,?,?,?)"));
  q->bind(1, org_).bind(2, r.case_id).bind(3, std::string_view(r.service)).bind(4, std::string_view(r.made_on));
  q->bind(5, std::string_view(r.note)).bind(6, std::string_view(r.override_reason)).bind(7, std::string_view(r.outcome));
  if (r.outcome_on) q->bind(8, std::string_view(*r.outcome_on));
  q->bind(9, r.made_by);
  AMANAT_CHECK(q->run());
  return sqlite3_last_insert_rowid(db->raw());
}

Result<std::optional<ReferralRow>> SqliteDeskStore::referral_for_update(Tx& tx, std::int64_t case_id, std::int64_t id) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->prepare(std::string(kReferralColumns) + "WHERE r.log_id = ? AND r.case_id = ? AND r.id = ?"));
  q.bind(1, org_).bind(2, case_id).bind(3, id);
  std::optional<ReferralRow> out;
  AMANAT_CHECK(q.first([&](Stmt& r) { out = referral_of(r); }));
  return out;
}

Status SqliteDeskStore::set_referral_outcome(Tx& tx, const ReferralRow& r) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("UPDATE case_referrals SET outcome = ?, outcome_on = ? WHERE log_id = ? AND id = ?"));
  q->bind(1, std::string_view(r.outcome));
  if (r.outcome_on) q->bind(2, std::string_view(*r.outcome_on));
  q->bind(3, org_).bind(4, r.id);
  return q->run();
}

Result<std::vector<ReferralRow>> SqliteDeskStore::referrals(std::int64_t case_id) {
  return read_([&](Db& db) -> Result<std::vector<ReferralRow>> {
    AMANAT_TRY(q, db.prepare(std::string(kReferralColumns) + "WHERE r.log_id = ? AND r.case_id = ? ORDER BY r.made_on, r.id"));
    q.bind(1, org_).bind(2, case_id);
    std::vector<ReferralRow> out;
    AMANAT_CHECK(q.each([&](Stmt& r) { out.push_back(referral_of(r)); }));
    return out;
  });
}

// ---- suspects ----

namespace {
constexpr const char* kSuspectColumns =
    "SELECT id, case_id, n, label, article, state, sentence, sentence_kind, sentence_months, since FROM case_suspects ";

SuspectRow suspect_of(Stmt& r) {
  return SuspectRow{.id = r.column_int(0), .case_id = r.column_int(1), .n = static_cast<int>(r.column_int(2)),
                    .label = r.column_text(3), .article = r.column_text(4), .state = r.column_text(5),
                    .sentence = r.column_text(6), .sentence_kind = r.column_text(7), .sentence_months = r.column_int(8),
                    .since = r.column_text(9)};
}

// Appends a change to a suspect's history.
Status append_change(Db& db, std::int64_t suspect, const SuspectRow::Change& c, std::int64_t by) {
  AMANAT_TRY(q, db.cached_literal("INSERT INTO case_suspect_changes(suspect_id, state, on_date, note, made_by) "
                                  "VALUES (?,?,?,?,?)"));
  q->bind(1, suspect).bind(2, std::string_view(c.state)).bind(3, std::string_view(c.date)).bind(4, std::string_view(c.note));
  q->bind(5, by);
  return q->run();
}

Status read_history(Db& db, std::vector<SuspectRow>& suspects) {
  AMANAT_TRY(q, db.prepare("SELECT state, on_date, note FROM case_suspect_changes WHERE suspect_id = ? ORDER BY id"));
  for (auto& s : suspects) {
    q.bind(1, s.id);
    AMANAT_CHECK(q.each([&](Stmt& r) { s.history.push_back({r.column_text(0), r.column_text(1), r.column_text(2)}); }));
  }
  return {};
}
}  // namespace

Status SqliteDeskStore::add_suspect(Tx& tx, SuspectRow& s, std::int64_t by) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(next, db->cached_literal("SELECT coalesce(max(n), 0) + 1 FROM case_suspects WHERE case_id = ?"));
  next->bind(1, s.case_id);
  AMANAT_CHECK(next->first([&](Stmt& r) { s.n = static_cast<int>(r.column_int(0)); }));
  AMANAT_TRY(q, db->cached_literal("INSERT INTO case_suspects(log_id, case_id, n, label, article, state, sentence, since, "
                                   "created_by) VALUES (?,?,?,?,?,?,?,?,?)"));
  q->bind(1, org_).bind(2, s.case_id).bind(3, static_cast<std::int64_t>(s.n)).bind(4, std::string_view(s.label));
  q->bind(5, std::string_view(s.article)).bind(6, std::string_view(s.state)).bind(7, std::string_view(s.sentence));
  q->bind(8, std::string_view(s.since)).bind(9, by);
  AMANAT_CHECK(q->run());
  s.id = sqlite3_last_insert_rowid(db->raw());
  return append_change(*db, s.id, s.history.front(), by);
}

Result<std::optional<SuspectRow>> SqliteDeskStore::suspect_for_update(Tx& tx, std::int64_t case_id, std::int64_t id) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->prepare(std::string(kSuspectColumns) + "WHERE log_id = ? AND case_id = ? AND id = ?"));
  q.bind(1, org_).bind(2, case_id).bind(3, id);
  std::vector<SuspectRow> out;
  AMANAT_CHECK(q.first([&](Stmt& r) { out.push_back(suspect_of(r)); }));
  if (out.empty()) return std::nullopt;
  AMANAT_CHECK(read_history(*db, out));
  return std::move(out.front());
}

Status SqliteDeskStore::change_suspect(Tx& tx, const SuspectRow& s, const SuspectRow::Change& c, std::int64_t by) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(u, db->cached_literal(
                    "UPDATE case_suspects SET state = ?, article = ?, sentence = ?, since = ?, sentence_kind = ?, "
                    "sentence_months = ? WHERE log_id = ? AND id = ?"));
  u->bind(1, std::string_view(s.state)).bind(2, std::string_view(s.article)).bind(3, std::string_view(s.sentence));
  u->bind(4, std::string_view(s.since)).bind(5, std::string_view(s.sentence_kind)).bind(6, s.sentence_months);
  u->bind(7, org_).bind(8, s.id);
  AMANAT_CHECK(u->run());
  return append_change(*db, s.id, c, by);
}

Result<std::vector<SuspectRow>> SqliteDeskStore::suspects(std::int64_t case_id) {
  return read_([&](Db& db) -> Result<std::vector<SuspectRow>> {
    AMANAT_TRY(q, db.prepare(std::string(kSuspectColumns) + "WHERE log_id = ? AND case_id = ? ORDER BY n"));
    q.bind(1, org_).bind(2, case_id);
    std::vector<SuspectRow> out;
    AMANAT_CHECK(q.each([&](Stmt& r) { out.push_back(suspect_of(r)); }));
    AMANAT_CHECK(read_history(db, out));
    return out;
  });
}

Result<std::vector<DeadlineRow>> SqliteDeskStore::due(const std::string& until, std::optional<std::int64_t> visible_to,
                                                      std::size_t limit) {
  return read_([&](Db& db) -> Result<std::vector<DeadlineRow>> {
    std::string sql =
        "SELECT d.id, d.case_id, d.due, d.what, d.done, c.code, d.source, d.first_due, d.moved_because "
        "FROM case_deadlines d JOIN cases c ON c.id = d.case_id "
        "WHERE d.log_id = ?1 AND d.done IS NULL AND d.due <= ?2";
    if (visible_to) sql += " AND (c.lawyer = ?3 OR c.case_worker = ?3 OR c.created_by = ?3)";
    sql += " ORDER BY d.due, d.id LIMIT ?4";
    AMANAT_TRY(q, db.prepare(sql));
    q.bind(1, org_).bind(2, std::string_view(until));
    if (visible_to) q.bind(3, *visible_to);
    q.bind(4, static_cast<std::int64_t>(limit));
    std::vector<DeadlineRow> out;
    AMANAT_CHECK(q.each([&](Stmt& r) {
      out.push_back(deadline_of(r));
    }));
    return out;
  });
}

Result<std::int64_t> SqliteDeskStore::add_complaint(Tx& tx, const ComplaintRow& c) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal(
                    "INSERT INTO official_complaints(log_id, case_id, official_rank, official_unit, region, conduct, "
                    "filed_with, filed_on, outcome, decided_on, article, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"));
  q->bind(1, org_);
  if (c.case_id) q->bind(2, *c.case_id);
  q->bind(3, std::string_view(c.official_rank)).bind(4, std::string_view(c.official_unit))
      .bind(5, std::string_view(c.region)).bind(6, std::string_view(c.conduct)).bind(7, std::string_view(c.filed_with))
      .bind(8, std::string_view(c.filed_on)).bind(9, std::string_view(c.outcome));
  if (c.decided_on) q->bind(10, std::string_view(*c.decided_on));
  q->bind(11, std::string_view(c.article)).bind(12, c.created_by);
  AMANAT_CHECK(q->run());
  return sqlite3_last_insert_rowid(db->raw());
}

Result<std::optional<ComplaintRow>> SqliteDeskStore::complaint_for_update(Tx& tx, std::int64_t id) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->prepare(std::string("SELECT ") + kComplaintColumns +
                            " FROM official_complaints WHERE log_id = ? AND id = ?"));
  q.bind(1, org_).bind(2, id);
  std::optional<ComplaintRow> out;
  AMANAT_CHECK(q.first([&](Stmt& r) { out = complaint_of(r); }));
  return out;
}

Status SqliteDeskStore::update_complaint(Tx& tx, const ComplaintRow& c) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("UPDATE official_complaints SET outcome = ?, decided_on = ?, article = ? "
                                   "WHERE log_id = ? AND id = ?"));
  q->bind(1, std::string_view(c.outcome));
  if (c.decided_on) q->bind(2, std::string_view(*c.decided_on));
  q->bind(3, std::string_view(c.article)).bind(4, org_).bind(5, c.id);
  return q->run();
}

Result<std::vector<ComplaintRow>> SqliteDeskStore::complaints(std::int64_t after, std::size_t limit) {
  return read_([&](Db& db) -> Result<std::vector<ComplaintRow>> {
    AMANAT_TRY(q, db.prepare(std::string("SELECT ") + kComplaintColumns +
                             " FROM official_complaints WHERE log_id = ? AND id > ? ORDER BY id LIMIT ?"));
    q.bind(1, org_).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
    std::vector<ComplaintRow> out;
    AMANAT_CHECK(q.each([&](Stmt& r) { out.push_back(complaint_of(r)); }));
    return out;
  });
}

Status SqliteDeskStore::add_publication(Tx& tx, const desk::PublicationRow& p) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal(
                    "INSERT INTO publications(log_id, leaf, case_id, channel, url, posted, text, commitment, sources, "
                    "consent, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?)"));
  const std::string sources = fields_json(p.sources);
  q->bind(1, org_).bind(2, p.leaf);
  if (p.case_id) q->bind(3, *p.case_id);
  q->bind(4, std::string_view(p.channel)).bind(5, std::string_view(p.url)).bind(6, std::string_view(p.posted))
      .bind(7, std::string_view(p.text)).bind(8, std::string_view(p.commitment)).bind(9, std::string_view(sources))
      .bind(10, std::string_view(p.consent)).bind(11, p.created_by);
  return q->run();
}

Status SqliteDeskStore::add_publication_change(Tx& tx, std::uint64_t post, const desk::PublicationChange& c) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("INSERT INTO publication_changes(log_id, leaf, post, kind, at, text, commitment) "
                                   "VALUES (?,?,?,?,?,?,?)"));
  q->bind(1, org_).bind(2, c.leaf).bind(3, post).bind(4, std::string_view(c.kind)).bind(5, std::string_view(c.at))
      .bind(6, std::string_view(c.text)).bind(7, std::string_view(c.commitment));
  return q->run();
}

namespace {
Result<std::vector<desk::PublicationRow>> read_publications(Db& db, std::int64_t org, const std::string& where,
                                                            std::uint64_t key, std::size_t limit) {
  AMANAT_TRY(q, db.prepare("SELECT leaf, case_id, channel, url, posted, text, commitment, sources, consent, created_by, "
                           "(SELECT code FROM cases WHERE cases.id = publications.case_id) "
                           "FROM publications WHERE log_id = ?1 AND " + where + " ORDER BY leaf DESC LIMIT ?3"));
  q.bind(1, org).bind(2, key).bind(3, static_cast<std::int64_t>(limit));
  std::vector<desk::PublicationRow> out;
  AMANAT_CHECK(q.each([&](Stmt& r) {
    desk::PublicationRow p;
    p.leaf = static_cast<std::uint64_t>(r.column_int(0));
    p.case_id = opt_int(r, 1);
    p.channel = r.column_text(2);
    p.url = r.column_text(3);
    p.posted = r.column_text(4);
    p.text = r.column_text(5);
    p.commitment = r.column_text(6);
    p.sources = fields_of(r.column_text(7));
    p.consent = r.column_text(8);
    p.created_by = r.column_int(9);
    if (p.case_id) p.case_code = r.column_text(10);
    out.push_back(std::move(p));
  }));
  AMANAT_TRY(c, db.prepare("SELECT leaf, kind, at, text, commitment FROM publication_changes "
                           "WHERE log_id = ? AND post = ? ORDER BY leaf"));
  for (auto& p : out) {
    c.bind(1, org).bind(2, p.leaf);
    AMANAT_CHECK(c.each([&](Stmt& r) {
      p.changes.push_back(desk::PublicationChange{static_cast<std::uint64_t>(r.column_int(0)), r.column_text(1),
                                                  r.column_text(2), r.column_text(3), r.column_text(4)});
    }));
  }
  return out;
}
}  // namespace

Result<std::optional<desk::PublicationRow>> SqliteDeskStore::publication(std::uint64_t leaf) {
  return read_([&](Db& db) -> Result<std::optional<desk::PublicationRow>> {
    AMANAT_TRY(rows, read_publications(db, org_, "leaf = ?2", leaf, 1));
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
  });
}

Result<std::vector<desk::PublicationRow>> SqliteDeskStore::publications(std::uint64_t before, std::size_t limit) {
  return read_([&](Db& db) {
    return read_publications(db, org_, before ? "leaf < ?2" : "?2 = 0", before, limit);
  });
}

Status SqliteDeskStore::put_docket(Tx& tx, const std::string& id, const std::string& json) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("INSERT INTO docket(log_id, id, doc) VALUES (?, ?, ?) "
                                   "ON CONFLICT(log_id, id) DO UPDATE SET doc = excluded.doc"));
  q->bind(1, org_).bind(2, std::string_view(id)).bind(3, std::string_view(json));
  return q->run();
}

Result<std::optional<std::string>> SqliteDeskStore::docket_for_update(Tx& tx, const std::string& id) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("SELECT doc FROM docket WHERE log_id = ? AND id = ?"));
  q->bind(1, org_).bind(2, std::string_view(id));
  std::optional<std::string> out;
  AMANAT_CHECK(q->first([&](Stmt& r) { out = r.column_text(0); }));
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> SqliteDeskStore::docket() {
  return read_([&](Db& db) -> Result<std::vector<std::pair<std::string, std::string>>> {
    AMANAT_TRY(q, db.prepare("SELECT id, doc FROM docket WHERE log_id = ? ORDER BY rowid"));
    q.bind(1, org_);
    std::vector<std::pair<std::string, std::string>> out;
    AMANAT_CHECK(q.each([&](Stmt& r) { out.emplace_back(r.column_text(0), r.column_text(1)); }));
    return out;
  });
}

Status SqliteDeskStore::add_counts(Tx& tx, const std::vector<Count>& counts) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal(
                    "INSERT INTO desk_counts(log_id, metric, month, category, region, consented, n, sum) "
                    "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(log_id, metric, month, category, region, consented) "
                    "DO UPDATE SET n = n + excluded.n, sum = sum + excluded.sum"));
  // Each count is kept at four grains: by category and region, by category only, by region only
  // and neither ('*' for what is summed over), so that a figure by month alone reads a row per
  // month rather than every category and region of it.
  for (const Count& c : counts) {
    if (c.n == 0 && c.sum == 0) continue;
    for (int grain = 0; grain < 4; ++grain) {
      q->reset();  // a statement run to its end keeps its bindings until reset
      q->bind(1, org_).bind(2, std::string_view(c.metric)).bind(3, std::string_view(c.month))
          .bind(4, grain & 1 ? std::string_view("*") : std::string_view(c.category))
          .bind(5, grain & 2 ? std::string_view("*") : std::string_view(c.region)).bind(6, c.consented ? 1 : 0)
          .bind(7, c.n).bind(8, c.sum);
      AMANAT_CHECK(q->run());
    }
  }
  return {};
}

Result<std::vector<Count>> SqliteDeskStore::counts(const desk::CountQuery& cq) {
  return read_([&](Db& db) -> Result<std::vector<Count>> {
    std::vector<Count> out;
    const std::string month = cq.by_month ? "month" : "''";
    const std::string category = cq.by_category ? "category" : "''";
    const std::string region = cq.by_region ? "region" : "''";
    std::string sql = "SELECT metric, " + month + ", " + category + ", " + region +
                      ", sum(n), sum(sum) FROM desk_counts WHERE log_id = ?1 AND metric = ?2";
    sql += cq.from.empty() ? " AND month = ''" : " AND month >= ?3 AND month <= ?4";
    if (cq.consented_only) sql += " AND consented = 1";
    sql += cq.by_category ? " AND category <> '*'" : " AND category = '*'";
    sql += cq.by_region ? " AND region <> '*'" : " AND region = '*'";
    sql += " GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 OR sum(sum) <> 0 ORDER BY 2, 3, 4";
    AMANAT_TRY(q, db.prepare(sql));
    for (const std::string& m : cq.metrics) {
      q.bind(1, org_).bind(2, std::string_view(m));
      if (!cq.from.empty()) q.bind(3, std::string_view(cq.from)).bind(4, std::string_view(cq.to));
      AMANAT_CHECK(q.each([&](Stmt& r) {
        out.push_back(Count{r.column_text(0), r.column_text(1), r.column_text(2), r.column_text(3), cq.consented_only,
                            r.column_int(4), r.column_int(5)});
      }));
    }
    return out;
  });
}

}  // namespace amanat::store::sqlite
