// The case desk at rest on SQLite (desk::DeskStore): consultations, cases and their events and
// deadlines, complaints against officials, and the statistics' maintained counts, every row
// keyed by the organisation's log id. Writes run on the database's writer inside the unit of
// work's transaction; reads use a connection of their own.
//
// Threading: every method is safe from any thread.
#pragma once

#include <memory>

#include "desk/store.h"
#include "store/sqlite/database.h"

namespace amanat::store::sqlite {

class SqliteDeskStore : public desk::DeskStore {
 public:
  // `db` must outlive the store; `org` is the organisation's log id.
  static Result<std::unique_ptr<SqliteDeskStore>> open(Database& db, std::int64_t org);

  Result<std::int64_t> add_consultation(Tx& tx, const desk::ConsultationRow& c) override;
  Result<std::optional<desk::ConsultationRow>> consultation(std::int64_t id) override;
  Status link_consultation(Tx& tx, std::int64_t id, const std::string& survivor, std::int64_t case_id) override;
  Result<std::vector<desk::ConsultationRow>> consultations(const desk::ConsultationFilter& f) override;
  Result<std::optional<std::int64_t>> add_case(Tx& tx, const desk::CaseRow& c) override;
  Status update_case(Tx& tx, const desk::CaseRow& c) override;
  Result<std::optional<desk::CaseRow>> case_by_code(const std::string& code) override;
  Result<std::optional<desk::CaseRow>> case_for_update(Tx& tx, const std::string& code) override;
  Result<std::vector<desk::CaseRow>> cases(const desk::CaseFilter& f) override;
  Result<std::int64_t> cases_of_survivor(Tx& tx, const std::string& survivor) override;
  Result<std::int64_t> add_event(Tx& tx, const desk::EventRow& e) override;
  Result<std::vector<desk::EventRow>> events(std::int64_t case_id) override;
  Result<std::vector<desk::EventRow>> events_for_update(Tx& tx, std::int64_t case_id) override;
  Result<std::int64_t> add_deadline(Tx& tx, const desk::DeadlineRow& d) override;
  Result<bool> finish_deadline(Tx& tx, std::int64_t case_id, std::int64_t id, std::int64_t when) override;
  Status add_suspect(Tx& tx, desk::SuspectRow& s, std::int64_t by) override;
  Result<std::optional<desk::SuspectRow>> suspect_for_update(Tx& tx, std::int64_t case_id, std::int64_t id) override;
  Status change_suspect(Tx& tx, const desk::SuspectRow& s, const desk::SuspectRow::Change& c, std::int64_t by) override;
  Result<std::vector<desk::SuspectRow>> suspects(std::int64_t case_id) override;
  Result<bool> move_deadline(Tx& tx, std::int64_t case_id, std::int64_t id, const std::string& due,
                             const std::string& because) override;
  Result<std::vector<desk::DeadlineRow>> deadlines(std::int64_t case_id) override;
  Result<std::int64_t> add_referral(Tx& tx, const desk::ReferralRow& r) override;
  Result<std::optional<desk::ReferralRow>> referral_for_update(Tx& tx, std::int64_t case_id, std::int64_t id) override;
  Status set_referral_outcome(Tx& tx, const desk::ReferralRow& r) override;
  Result<std::vector<desk::ReferralRow>> referrals(std::int64_t case_id) override;
  Result<std::vector<desk::DeadlineRow>> due(const std::string& until, std::optional<std::int64_t> visible_to,
                                             std::size_t limit) override;
  Result<std::int64_t> add_complaint(Tx& tx, const desk::ComplaintRow& c) override;
  Result<std::optional<desk::ComplaintRow>> complaint_for_update(Tx& tx, std::int64_t id) override;
  Status update_complaint(Tx& tx, const desk::ComplaintRow& c) override;
  Result<std::vector<desk::ComplaintRow>> complaints(std::int64_t after, std::size_t limit) override;
  Status add_publication(Tx& tx, const desk::PublicationRow& p) override;
  Status add_publication_change(Tx& tx, std::uint64_t post, const desk::PublicationChange& c) override;
  Result<std::optional<desk::PublicationRow>> publication(std::uint64_t leaf) override;
  Result<std::vector<desk::PublicationRow>> publications(std::uint64_t before, std::size_t limit) override;
  Status put_docket(Tx& tx, const std::string& id, const std::string& json) override;
  Result<std::optional<std::string>> docket_for_update(Tx& tx, const std::string& id) override;
  Result<std::vector<std::pair<std::string, std::string>>> docket() override;
  Status add_counts(Tx& tx, const std::vector<desk::Count>& counts) override;
  Result<std::vector<desk::Count>> counts(const desk::CountQuery& q) override;

 private:
  SqliteDeskStore(Database& db, std::int64_t org, ReadConnection reader) : db_(db), org_(org), read_(std::move(reader)) {}
  Database& db_;
  const std::int64_t org_;
  ReadConnection read_;
};

}  // namespace amanat::store::sqlite
