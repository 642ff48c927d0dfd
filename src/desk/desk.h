// The case desk: the hotline's consultations, survivors' cases through criminal procedure, the
// deadlines and people on each case, complaints against officials, and the maintained counts
// the statistics read. Its rows live behind desk::DeskStore (desk/store.h); identities stay in
// identity::Identities, sealed, and the desk names a survivor by their pseudonymous code only.
//
//  - A consultation is logged with closed vocabularies (kConsultation* below, GBVIMS's incident
//    types, Kazakhstan's regions) so that it is quick on a phone and countable. Identity is
//    optional: given, it becomes a survivor subject (sealed) in the same unit of work; a
//    survivor's existing code links it instead. The hours since the incident are derived from
//    the incident time, never typed.
//  - A case belongs to one survivor and moves only by events the procedure table allows
//    (desk/procedure.h); every event is kept, with its document's status and legal basis.
//  - Case-scoped access: a director sees every case; a lawyer or case worker sees the cases they
//    are assigned to or opened; a hotline operator those they opened. For anyone else a case does
//    not exist (reasons::case_not_found), as for identities. Assigning a lawyer or case worker to
//    a case lets them read its survivor's identity too.
//  - Counts (desk/store.h Count) are kept in the transaction of every change, as the difference
//    between what a record contributed before and after it (contributions()), so a consent
//    withdrawn, a verdict overturned or a stage left takes its counts with it, and statistics
//    never scan records.
//  - Every change writes its line in the access trail, in its own unit of work.
//  - The legal-defence docket (desk/docket.h): proceedings against the organisation and its
//    people. Each event goes on the organisation's public log as a `docket.event` leaf
//    (docs/log-format.md) through log_to()'s append, and the proceeding's document is written in
//    that leaf's transaction with the leaf's index, so the chronology report links every event
//    to the log entry that recorded it. Remedies and related publications are not logged.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/store.h"
#include "core/error.h"
#include "core/tx.h"
#include "desk/chronology.h"
#include "desk/docket.h"
#include "desk/procedure.h"
#include "desk/store.h"
#include "identity/identities.h"
#include "tlog/storage.h"

namespace amanat::desk {

using accounts::User;

// The closed vocabularies (ids; the web app translates them).
inline constexpr std::string_view kChannels[] = {"phone", "whatsapp", "telegram", "instagram", "email", "in_person",
                                                 "intake_form"};
inline constexpr std::string_view kContactKinds[] = {"data", "silent", "hang_up", "abusive", "info_only",
                                                     "wrong_number", "test"};
inline constexpr std::string_view kCallerRoles[] = {"survivor", "relative", "witness", "professional", "other"};
// GBVIMS's six core types in their classification order, then non-GBV (desk.md §2).
inline constexpr std::string_view kCategories[] = {"rape", "sexual_assault", "physical_assault", "forced_marriage",
                                                   "denial_of_resources", "psychological_abuse", "non_gbv"};
// Context is not a type: recorded beside it.
inline constexpr std::string_view kContexts[] = {"ipv", "child", "official", "group", "online"};
// Kazakhstan's regions (oblasts and cities of republican status, since 2022), and two more.
inline constexpr std::string_view kRegions[] = {
    "astana",         "almaty_city", "shymkent",  "abai",       "akmola",     "aktobe",          "almaty_region",
    "atyrau",         "east_kz",     "jambyl",    "jetisu",     "west_kz",    "karaganda",       "kostanay",
    "kyzylorda",      "mangystau",   "pavlodar",  "north_kz",   "turkistan",  "ulytau",          "abroad",
    "unknown"};
inline constexpr std::string_view kAgeGroups[] = {"0-11", "12-17", "18-25", "26-40", "41-60", "61+", "unknown"};
inline constexpr std::string_view kSexes[] = {"female", "male", "other", "unknown"};
inline constexpr std::string_view kPoliceStatuses[] = {"not_reported", "reported_not_registered", "registered",
                                                       "refused", "unknown"};
inline constexpr std::string_view kReferrals[] = {"police", "forensic_exam", "medical", "shelter", "psychologist",
                                                  "lawyer", "hotline_111", "other_ngo"};
inline constexpr std::string_view kOutcomes[] = {"advice", "referral", "case_opened", "callback"};
// What became of a referral: still open, the survivor got the service, she declined it, the
// service refused her, or nobody could be reached.
inline constexpr std::string_view kReferralOutcomes[] = {"pending", "received", "declined", "refused", "unreachable"};
inline constexpr std::string_view kPrecisions[] = {"hour", "day", "month", "unknown"};
inline constexpr std::string_view kConducts[] = {"negligence", "inaction", "abuse", "dismissed_report", "extortion",
                                                 "other"};
inline constexpr std::string_view kFiledWith[] = {"internal_security", "prosecutor", "court", "ombudsman", "other"};
inline constexpr std::string_view kComplaintOutcomes[] = {"pending", "disciplinary", "dismissal", "criminal_case",
                                                          "rejected"};

// A suspect's own state inside a case (desk.md §1.2: "when a case has several suspects, keep a
// sub-state per suspect"): a group rape may end with one convicted, one acquitted and one still
// wanted. Recognised as a suspect (art. 64) → charged (the indictment) → convicted or acquitted;
// on a wanted list from either and back when found; released (the prosecution against them
// terminated) and back when reopened; a verdict changed on appeal.
inline constexpr std::string_view kSuspectStates[] = {"identified", "charged",   "wanted",
                                                      "released",   "convicted", "acquitted"};
struct SuspectMove {
  std::string_view from, to;
};
inline constexpr SuspectMove kSuspectMoves[] = {
    {"identified", "charged"}, {"identified", "wanted"},   {"identified", "released"},
    {"charged", "convicted"},  {"charged", "acquitted"},   {"charged", "wanted"},
    {"charged", "released"},   {"wanted", "identified"},   {"wanted", "charged"},
    {"wanted", "released"},    {"released", "identified"}, {"released", "charged"},
    {"convicted", "acquitted"}, {"acquitted", "convicted"},
};
bool suspect_move_allowed(std::string_view from, std::string_view to);
// What a conviction sentenced a person to: a real prison term, restricted liberty, a suspended
// term, a fine, something else. The first three have a length in months.
inline constexpr std::string_view kSentenceKinds[] = {"imprisonment", "restricted_liberty", "suspended", "fine",
                                                      "other"};
// The bands the statistics count sentences in (metric::sentenced_prefix + band), from a convicted
// suspect's kind and months: prison under 5 years, 5 to 10, over 10; any other kind; not given.
inline constexpr std::string_view kSentenceBands[] = {"prison_under_5y", "prison_5_10y", "prison_over_10y",
                                                      "non_custodial", "unknown"};

inline constexpr std::string_view kPublicationChannels[] = {"website", "instagram", "facebook", "telegram", "youtube",
                                                            "tiktok",  "x",         "press",    "other"};
inline constexpr std::string_view kPublicationChanges[] = {"correction", "disclaimer", "archival", "retraction"};

// The metrics the desk counts (Count::metric).
namespace metric {
inline constexpr const char* consultations = "consultations";
inline constexpr const char* cases_opened = "cases_opened";
inline constexpr const char* survivors = "survivors";        // a survivor's first case, by its month
inline constexpr const char* to_court = "to_court";          // cases first in court, by that month
inline constexpr const char* convictions = "convictions";    // cases with a conviction, by its month
inline constexpr const char* convicted = "convicted";        // persons convicted (n), by the verdict's month
inline constexpr const char* acquittals = "acquittals";
inline constexpr const char* report_to_verdict = "report_to_verdict";  // n verdicts, sum days
inline constexpr const char* officials_accountable = "officials_accountable";  // a criminal case against them
inline constexpr const char* disciplinary = "disciplinary";  // a disciplinary sanction or dismissal
inline constexpr const char* stage_prefix = "stage:";
inline constexpr const char* sentenced_prefix = "sentenced:";  // persons by kSentenceBands, by the conviction's month; sum: months        // snapshot (month ""): cases now in each stage
}  // namespace metric

struct NewConsultation {
  std::int64_t at = 0;  // unix seconds; 0: now
  std::string channel, contact_kind = "data", caller_role, category;
  std::vector<std::string> context;
  std::string region, age_group, sex;
  std::optional<std::int64_t> incident_at;  // unix seconds
  std::string incident_precision = "unknown";
  std::string police_status = "unknown";
  std::vector<std::string> referrals;
  std::string outcome;
  std::optional<std::string> follow_up;  // YYYY-MM-DD
  std::string protocol;
  bool consent_stats = false;
  std::optional<std::string> survivor;  // an existing survivor's code
  // Identity to seal as a new survivor (identity::kSubjectFields); empty: none.
  std::vector<std::pair<std::string, std::string>> identity;
};

struct NewCase {
  std::string survivor;  // code
  std::string category;
  std::vector<std::string> context;
  std::string region;
  bool private_prosecution = false;
  std::vector<std::string> articles;
  std::string body, court;
  std::optional<std::int64_t> lawyer, case_worker;
  Consents consents;
  std::optional<std::int64_t> from_consultation;
  std::optional<std::int64_t> opened;  // unix seconds; nullopt: now (a case brought in from older records)
};

struct NewEvent {
  std::string kind;
  std::string date;  // YYYY-MM-DD (or YYYY-MM, YYYY when only that is known)
  DocumentStatus document_status = DocumentStatus::unknown;
  std::string document;
  std::optional<std::string> legal_basis;  // nullopt: the procedure's default
  std::vector<std::pair<std::string, std::string>> fields;
};

struct NewPublication {
  std::string channel, url;
  std::string posted;  // UTC YYYY-MM-DDTHH:MM:SSZ when it went up; empty: now
  std::string text;    // exactly as posted: its SHA-256 goes on the log
  std::optional<std::string> case_code;  // the case it is about: needs the survivor's consent to publish
  std::vector<std::pair<std::string, std::string>> sources;  // (source, how it was verified)
};

struct CasePage {
  CaseRow row;
  std::vector<EventRow> events;
  std::vector<DeadlineRow> deadlines;
  std::vector<ReferralRow> referrals;
  std::vector<SuspectRow> suspects;
};

// A suspect added to a case: a label that names nobody ("Suspect 2", "the stepfather"), the
// article qualified, the day they were recognised as a suspect.
struct NewSuspect {
  std::string label;    // may be empty: the screens then say "Suspect N" in the reader's language
  std::string article;  // as written, e.g. "УК РК ст. 120 ч. 3"; may be empty
  std::string date;     // YYYY-MM-DD, not in the future
};

// A suspect's next state (kSuspectMoves), on a day no earlier than their last change.
struct SuspectChange {
  std::string state;
  std::string date;
  std::string article;   // empty: keep it
  std::string sentence;  // for convicted only: as pronounced, e.g. "12 years"
  std::string sentence_kind;         // for convicted only: kSentenceKinds; may be empty (not given)
  std::int64_t sentence_months = 0;  // imprisonment, restricted liberty, suspended: its length
  std::string note;      // short, procedural; no names
};

struct NewReferral {
  std::string service;          // kReferrals
  std::string date;             // YYYY-MM-DD, not in the future
  std::string note;             // short, procedural; no names
  std::string override_reason;  // why it is made without the consent it needs (e.g. a child at risk)
};

class Desk {
 public:
  using Clock = std::function<std::int64_t()>;
  // `db`, `store` and `ids` must outlive the desk. `procedure`: the table cases follow.
  Desk(UnitOfWork& db, DeskStore& store, identity::Identities& ids,
       const Procedure& procedure = Procedure::kazakhstan(), Clock clock = {});

  const Procedure& procedure() const { return procedure_; }

  // The consultation's id, and the survivor it names (a new code when identity was given).
  struct Logged {
    std::int64_t id = 0;
    std::optional<std::string> survivor;
  };
  Result<Logged> log_consultation(const User& by, const NewConsultation& c);
  // Older consultations brought in at once (a hotline's history, the demo): any date from 2000
  // on, all in one unit of work or none; an error names "consultations[i].field".
  Result<std::vector<Logged>> import_consultations(const User& by, const std::vector<NewConsultation>& batch);
  Result<std::vector<ConsultationRow>> consultations(const User& by, ConsultationFilter f);
  Result<ConsultationRow> consultation(const User& by, std::int64_t id);

  Result<CaseRow> open_case(const User& by, const NewCase& c);
  // The case if `by` may see it; reasons::case_not_found otherwise (the same for missing).
  Result<CasePage> case_page(const User& by, const std::string& code);
  // Whether `by` may see the case `code` (the rule above): what lets a lawyer or case worker
  // act on the books for it (an expense's confirmations and their evidence, api/books_routes.cc).
  // false for a case that does not exist.
  Result<bool> sees_case(const User& by, const std::string& code);
  Result<std::vector<CaseRow>> cases(const User& by, CaseFilter f);
  Result<EventRow> add_event(const User& by, const std::string& code, const NewEvent& e);
  // An older case brought in with its history (the demo, a case file from before amanat): opened
  // and every event applied in order, through the same procedure, in one unit of work or none;
  // an error names "events[i].field".
  Result<CaseRow> import_case(const User& by, const NewCase& c, const std::vector<NewEvent>& events);
  Status set_consents(const User& by, const std::string& code, const Consents& c);
  // Assigns the lawyer and/or case worker (nullopt leaves one as it is; 0 removes it), and lets
  // them read the survivor's identity.
  Status assign(const User& by, const std::string& code, std::optional<std::int64_t> lawyer,
                std::optional<std::int64_t> case_worker);
  Result<DeadlineRow> add_deadline(const User& by, const std::string& code, const std::string& due,
                                   const std::string& what);
  Status finish_deadline(const User& by, const std::string& code, std::int64_t id);
  // Moves an open deadline to another day (a term the procedure set that a lawyer corrects, say
  // the appeal period of a detainee, which runs from receiving the copy), with the reason, which
  // is short, procedural and names nobody. The first day is kept; the move is in the trail.
  Result<DeadlineRow> move_deadline(const User& by, const std::string& code, std::int64_t id, const std::string& due,
                                    const std::string& because);
  Result<std::vector<DeadlineRow>> due(const User& by, const std::string& until);
  // A case's suspects, each with their own state (kSuspectStates): added as `identified`, moved
  // only along kSuspectMoves, never dated before their last change or in the future. Both in the
  // trail (`case-suspect`); the case must be the user's (else "no such case").
  Result<SuspectRow> add_suspect(const User& by, const std::string& code, const NewSuspect& s);
  Result<SuspectRow> change_suspect(const User& by, const std::string& code, std::int64_t id, const SuspectChange& c);
  // Refers the case's survivor to a service. It needs the consent that service needs (police:
  // to share with the police; lawyer: with lawyers; any other: to be referred to services),
  // else reasons::consent_missing, unless `override_reason` says why it is made without (kept
  // with it and in the access trail).
  Result<ReferralRow> refer(const User& by, const std::string& code, const NewReferral& r);
  // What became of referral `id` (kReferralOutcomes) and when; "pending" clears it.
  Result<ReferralRow> referral_outcome(const User& by, const std::string& code, std::int64_t id,
                                       const std::string& outcome, const std::string& on);

  Result<ComplaintRow> add_complaint(const User& by, ComplaintRow c, const std::optional<std::string>& case_code);
  Result<ComplaintRow> decide_complaint(const User& by, std::int64_t id, const std::string& outcome,
                                        const std::string& decided_on, const std::string& article);
  Result<std::vector<ComplaintRow>> complaints(const User& by, std::int64_t after, std::size_t limit);

  // What a record adds to the maintained counts (desk/store.h Count), exposed for tests: the
  // counts always equal the sum of contributions over every record.
  static std::vector<Count> contributions(const ConsultationRow& c);
  static std::vector<Count> contributions(const CaseRow& c);
  static std::vector<Count> contributions(const ComplaintRow& c);
  // A convicted suspect's sentence, counted by band with their case's category, region and
  // consent (nothing for anyone not convicted).
  static std::vector<Count> contributions(const SuspectRow& s, const CaseRow& c);

  Result<std::vector<Count>> counts(const CountQuery& q) { return store_.counts(q); }

  // ---- publications ----
  // A post goes on the log as `publication.post` (its channel, address, time and the SHA-256 of
  // its exact text: anyone holding a copy can check what was said and when); a correction,
  // disclaimer, archival or retraction as `publication.change` naming the post's leaf, so the
  // organisation can show when a post went up and when it came down. A post about a case needs
  // the case's consent to publish (reasons::consent_missing); the case is not on the log. Nothing
  // changes a retracted post. Needs log_to().
  Result<PublicationRow> publish(const User& by, const NewPublication& p);
  Result<PublicationChange> change_publication(const User& by, std::uint64_t post, const std::string& kind,
                                               const std::string& text);
  Result<std::vector<PublicationRow>> publications(std::uint64_t before, std::size_t limit) {
    return store_.publications(before, limit);
  }

  // ---- the legal-defence docket ----
  // Where docket events go: the organisation's log (the server passes Books::submit_other).
  // Set once, before other threads use the desk. Without it, docket events are refused.
  using LogAppend = std::function<Result<std::uint64_t>(Bytes leaf, tlog::Effect effect)>;
  void log_to(LogAppend append) { append_ = std::move(append); }
  Result<docket::Docket> docket();
  Result<ChronologyHeader> docket_header();
  Status set_docket_header(const User& by, const ChronologyHeader& h);
  // A new proceeding with exactly its opening event; the opening goes on the log.
  Result<docket::Proceeding> open_proceeding(const User& by, docket::Proceeding p);
  // Appends an event (checked with the whole proceeding: docket::validate) and logs it; the
  // event with its log index.
  Result<docket::Event> add_docket_event(const User& by, const std::string& id, docket::Event e);
  Status add_remedy(const User& by, const std::string& id, const docket::Remedy& r);
  Status add_docket_publication(const User& by, const std::string& id, const docket::Publication& p);

 private:
  Result<ConsultationRow> check_consultation(const User& by, const NewConsultation& c, bool imported);
  Result<std::int64_t> write_consultation(Tx& tx, const User& by, const NewConsultation& c, ConsultationRow& row);
  Result<CaseRow> check_case(const User& by, const NewCase& c);
  bool taking_over(const User& by, const NewCase& c) const;
  Status insert_case(Tx& tx, const User& by, const NewCase& c, CaseRow& row);
  Status check_event(const NewEvent& e) const;
  Result<EventRow> apply_event(Tx& tx, const User& by, CaseRow& row, const NewEvent& e);
  bool may_see(const User& by, const CaseRow& c) const;
  Result<CaseRow> visible_case(const User& by, const std::string& code);
  std::int64_t now() const;

  Result<docket::Proceeding> proceeding(const std::string& id);
  Result<docket::Event> log_docket_event(const User& by, const std::string& id, docket::Event e,
                                         const docket::Proceeding& after);
  Status change_proceeding(const User& by, const std::string& id,
                           const std::function<void(docket::Proceeding&)>& change);

  UnitOfWork& db_;
  DeskStore& store_;
  LogAppend append_;
  std::mutex docket_mu_;  // one docket change at a time: each is checked against the whole proceeding
  identity::Identities& ids_;
  const Procedure& procedure_;
  Clock clock_;
};

// Days between two YYYY-MM-DD dates (b - a); nullopt when either is not a full date.
std::optional<std::int64_t> days_between(std::string_view a, std::string_view b);

}  // namespace amanat::desk
