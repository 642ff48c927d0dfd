// What the case desk needs from a database: the narrow interface between desk::Desk and its
// storage (store/sqlite/desk_store.h is the embedded default). One store serves one
// organisation; every row it reads or writes carries that organisation.
//
// The store holds no identity: a consultation or case names its survivor by the identity
// subject's pseudonymous code (identity/store.h), whose fields are sealed there. What is here — categories,
// regions, procedural events, user ids — is what a seized server shows of the desk.
//
// Writes take the open transaction of the unit of work they belong to (core/tx.h): a case, its
// first event, its counts and its line in the access trail commit together. Reads see
// committed state.
// Thread-safety: implementations are safe to call from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/tx.h"
#include "desk/procedure.h"

namespace amanat::desk {

struct ConsultationRow {
  std::int64_t id = 0;
  std::int64_t at = 0;  // unix seconds
  std::string channel, contact_kind, caller_role, category;
  std::vector<std::string> context;  // ipv, child, official, group, online
  std::string region, age_group, sex;
  std::optional<std::int64_t> hours_since;  // hours from the incident to the call, where known
  std::string police_status;
  std::vector<std::string> referrals;
  std::string outcome;
  std::optional<std::string> follow_up;  // YYYY-MM-DD
  std::int64_t operator_id = 0;
  std::optional<std::string> survivor;  // the identity subject's code
  std::string protocol;                  // "P-SV-0-72@1", or empty
  bool consent_stats = false;
  std::optional<std::int64_t> case_id;   // the case it opened
};

struct Consents {
  bool stats = false, publish = false, police = false, lawyer = false;
  bool services = false;  // to refer her to other services (medical, shelter, psychologist, NGOs)
};

struct CaseRow {
  std::int64_t id = 0;
  std::string code;  // C-2026-XXXXX: random, never a count
  std::string survivor;  // the identity subject's code (S-XXXXXXXX)
  std::string category;
  std::vector<std::string> context;
  std::string region;
  std::string stage;
  bool private_prosecution = false;
  std::vector<std::string> articles;  // "UK RK 120 part 1"
  std::string body, court;            // the investigating body, the court
  std::optional<std::int64_t> lawyer, case_worker;
  std::int64_t created_by = 0, opened = 0;  // opened: unix seconds
  Consents consents;
  // Milestones kept on the row for the statistics (desk/stats.h): the first report, the first
  // time in court, the last verdict; YYYY-MM-DD.
  std::optional<std::string> reported_on, court_on, verdict_on;
  std::optional<std::string> verdict;  // conviction | acquittal | other
  std::int64_t convicted = 0;          // persons convicted by the last verdict
  bool first_of_survivor = false;      // the survivor's first case (counts them as represented)
};

struct EventRow {
  std::int64_t id = 0, case_id = 0;
  std::string kind;
  std::string date;  // YYYY-MM-DD, or YYYY-MM / YYYY with a coarser precision
  std::string from, to;  // stages before and after
  DocumentStatus document_status = DocumentStatus::unknown;
  std::string document;     // its name and number, as written on it
  std::string legal_basis;
  std::vector<std::pair<std::string, std::string>> fields;
  std::int64_t recorded_by = 0, recorded_at = 0;
};

struct DeadlineRow {
  std::int64_t id = 0, case_id = 0;
  std::string due;   // YYYY-MM-DD
  std::string what;  // short, procedural; no names
  std::optional<std::int64_t> done;  // when it was marked done
  std::string case_code;
  // "event/limit" when the procedure set it (a time limit an event starts: procedure.h
  // TimeLimit), so that the UI shows its label in the reader's language; empty when typed.
  std::string source = {};
  // When it was moved: the day it had first (its first move's), and why the last move; both empty
  // while it keeps its first day.
  std::string first_due = {}, moved_because = {};
};

// A referral of the case's survivor to a service (desk.h kReferrals), GBVIMS's "did you refer
// the client to...?", with what became of it.
struct ReferralRow {
  std::int64_t id = 0, case_id = 0;
  std::string service;          // kReferrals
  std::string made_on;          // YYYY-MM-DD
  std::string note;             // short, procedural; no names
  std::string override_reason;  // why it was made without the consent it needs; empty: consented
  std::string outcome = "pending";  // kReferralOutcomes
  std::optional<std::string> outcome_on;
  std::int64_t made_by = 0;
  std::string case_code;
};

// A suspect in a case (desk.h kSuspectStates), with every change of state in order.
struct SuspectRow {
  std::int64_t id = 0, case_id = 0;
  int n = 0;  // 1, 2, ... within the case
  std::string label, article, state, sentence;
  std::string sentence_kind;  // kSentenceKinds, or empty
  std::int64_t sentence_months = 0;
  std::string since;  // YYYY-MM-DD of the last change
  struct Change {
    std::string state, date, note;
  };
  std::vector<Change> history;  // oldest first, the first one `identified`
};

struct ComplaintRow {
  std::int64_t id = 0;
  std::optional<std::int64_t> case_id;
  std::string official_rank, official_unit, region;
  std::string conduct;    // negligence, inaction, abuse, dismissed_report, extortion, other
  std::string filed_with;  // internal_security, prosecutor, court, ombudsman, other
  std::string filed_on;    // YYYY-MM-DD
  std::string outcome = "pending";  // pending, disciplinary, dismissal, criminal_case, rejected
  std::optional<std::string> decided_on;
  std::string article;     // for a criminal case against the official
  std::int64_t created_by = 0;
};

// A publication about a case, identified by the log index of its post's leaf; its text is public
// (it was posted), its case and the consent it relies on are not on the log.
struct PublicationChange {
  std::uint64_t leaf = 0;
  std::string kind;  // correction, disclaimer, archival, retraction
  std::string at;    // UTC, YYYY-MM-DDTHH:MM:SSZ
  std::string text;  // empty for an archival
  std::string commitment;  // hex SHA-256 of the text; empty when none
};

struct PublicationRow {
  std::uint64_t leaf = 0;  // its identity
  std::optional<std::int64_t> case_id;
  std::string case_code;  // the case's code when case_id is set (read, not written)
  std::string channel, url, posted, text, commitment;
  std::vector<std::pair<std::string, std::string>> sources;  // (source, how it was verified)
  std::string consent;  // the consent it relies on, as recorded ("case C-2025-XXXXX: publish")
  std::int64_t created_by = 0;
  std::vector<PublicationChange> changes;  // in order
};

// A maintained count for the statistics: `metric` in `month` (YYYY-MM; "" for a current
// snapshot such as cases by stage), by category and region, of records with or without the
// consent to be counted. `sum` carries a total beside the count (days from report to verdict).
struct Count {
  std::string metric, month, category, region;
  bool consented = false;
  std::int64_t n = 0, sum = 0;
};

struct CaseFilter {
  std::optional<std::int64_t> visible_to;  // nullopt: every case (a director)
  std::optional<std::string> stage, category, region;
  std::optional<std::string> survivor;
  std::int64_t after = 0;  // id > after, in id order
  std::size_t limit = 50;
};

struct ConsultationFilter {
  std::optional<std::string> survivor;
  std::optional<std::string> from, to;  // YYYY-MM-DD, inclusive
  std::optional<std::string> category;
  std::int64_t before = 0;  // id < before (0: from the newest), newest first
  std::size_t limit = 50;
};

// Which maintained totals to read: `metrics` with month in [from, to] (YYYY-MM, inclusive;
// snapshots have month "" and are read when from is ""), summed over what is not grouped by.
struct CountQuery {
  std::vector<std::string> metrics;
  std::string from, to;
  bool by_month = false, by_category = false, by_region = false;
  bool consented_only = false;
};

class DeskStore {
 public:
  virtual ~DeskStore() = default;

  virtual Result<std::int64_t> add_consultation(Tx& tx, const ConsultationRow& c) = 0;
  virtual Result<std::optional<ConsultationRow>> consultation(std::int64_t id) = 0;
  virtual Status link_consultation(Tx& tx, std::int64_t id, const std::string& survivor, std::int64_t case_id) = 0;
  virtual Result<std::vector<ConsultationRow>> consultations(const ConsultationFilter& f) = 0;

  // nullopt when the code is taken.
  virtual Result<std::optional<std::int64_t>> add_case(Tx& tx, const CaseRow& c) = 0;
  virtual Status update_case(Tx& tx, const CaseRow& c) = 0;
  virtual Result<std::optional<CaseRow>> case_by_code(const std::string& code) = 0;
  // Read inside `tx`, for a change decided against it (the row cannot move underneath).
  virtual Result<std::optional<CaseRow>> case_for_update(Tx& tx, const std::string& code) = 0;
  virtual Result<std::vector<CaseRow>> cases(const CaseFilter& f) = 0;
  virtual Result<std::int64_t> cases_of_survivor(Tx& tx, const std::string& survivor) = 0;

  virtual Result<std::int64_t> add_event(Tx& tx, const EventRow& e) = 0;
  virtual Result<std::vector<EventRow>> events(std::int64_t case_id) = 0;
  virtual Result<std::vector<EventRow>> events_for_update(Tx& tx, std::int64_t case_id) = 0;

  virtual Result<std::int64_t> add_deadline(Tx& tx, const DeadlineRow& d) = 0;
  virtual Result<bool> finish_deadline(Tx& tx, std::int64_t case_id, std::int64_t id, std::int64_t when) = 0;
  // Moves an open deadline to `due`, keeping its first day and `because`; false when the case has
  // no open deadline `id` (none, or done).
  virtual Result<bool> move_deadline(Tx& tx, std::int64_t case_id, std::int64_t id, const std::string& due,
                                     const std::string& because) = 0;
  virtual Result<std::vector<DeadlineRow>> deadlines(std::int64_t case_id) = 0;
  virtual Result<std::int64_t> add_referral(Tx& tx, const ReferralRow& r) = 0;
  // The referral `id` of the case, in the writer's transaction; nullopt if it has no such one.
  virtual Result<std::optional<ReferralRow>> referral_for_update(Tx& tx, std::int64_t case_id, std::int64_t id) = 0;
  virtual Status set_referral_outcome(Tx& tx, const ReferralRow& r) = 0;
  virtual Result<std::vector<ReferralRow>> referrals(std::int64_t case_id) = 0;
  // Adds a suspect with its first change (s.history's only one), setting s.id and s.n (the case's
  // next number).
  virtual Status add_suspect(Tx& tx, SuspectRow& s, std::int64_t by) = 0;
  // The suspect `id` of the case with its history, in the writer's transaction; nullopt if none.
  virtual Result<std::optional<SuspectRow>> suspect_for_update(Tx& tx, std::int64_t case_id, std::int64_t id) = 0;
  // Stores s's state, article, sentence and since, and appends `c` to its history.
  virtual Status change_suspect(Tx& tx, const SuspectRow& s, const SuspectRow::Change& c, std::int64_t by) = 0;
  virtual Result<std::vector<SuspectRow>> suspects(std::int64_t case_id) = 0;
  // Open deadlines due on or before `until`, of the cases visible to `visible_to` (nullopt: all).
  virtual Result<std::vector<DeadlineRow>> due(const std::string& until, std::optional<std::int64_t> visible_to,
                                               std::size_t limit) = 0;

  virtual Result<std::int64_t> add_complaint(Tx& tx, const ComplaintRow& c) = 0;
  virtual Result<std::optional<ComplaintRow>> complaint_for_update(Tx& tx, std::int64_t id) = 0;
  virtual Status update_complaint(Tx& tx, const ComplaintRow& c) = 0;
  virtual Result<std::vector<ComplaintRow>> complaints(std::int64_t after, std::size_t limit) = 0;

  // Publications (desk/desk.h): written in their leaves' transactions.
  virtual Status add_publication(Tx& tx, const PublicationRow& p) = 0;
  virtual Status add_publication_change(Tx& tx, std::uint64_t post, const PublicationChange& c) = 0;
  virtual Result<std::optional<PublicationRow>> publication(std::uint64_t leaf) = 0;
  // Newest first: posts with leaf < before (0: from the newest), at most `limit`, with changes.
  virtual Result<std::vector<PublicationRow>> publications(std::uint64_t before, std::size_t limit) = 0;

  // The legal-defence docket: one JSON document per proceeding (desk/docket_json.h), and the
  // chronology report's header under the id "" (it is small and edited as a whole).
  virtual Status put_docket(Tx& tx, const std::string& id, const std::string& json) = 0;
  virtual Result<std::optional<std::string>> docket_for_update(Tx& tx, const std::string& id) = 0;
  // Every document, by id.
  virtual Result<std::vector<std::pair<std::string, std::string>>> docket() = 0;

  // Adds each count's n and sum to the maintained totals (negative to take away), at every grain
  // the queries read (by category and region, either, neither).
  virtual Status add_counts(Tx& tx, const std::vector<Count>& counts) = 0;
  // The maintained totals (see CountQuery).
  virtual Result<std::vector<Count>> counts(const CountQuery& q) = 0;
};

}  // namespace amanat::desk
