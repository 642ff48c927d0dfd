// Synthetic case-desk data at the scale of the organisation in ../shared/background/ (invented
// people only): 35,000 hotline consultations over six years, about 2,500 survivors with cases,
// 207 of those cases brought to trial with 240 people convicted, complaints against officials
// of which 10 became criminal cases and more than 200 ended in disciplinary sanctions. The
// figures come out of the records through the desk's own counts, so the statistics screens show
// numbers like theirs, reproduced rather than typed.
//
// Everything goes through desk::Desk (import_consultations, import_case, add_complaint), so
// generating is also a test of the desk's write path and of the procedure table: every case's
// history is a walk the table allows. The same seed gives the same records (apart from the
// random codes). Needs the vault unsealed: survivors get sealed identities ("Invented Person
// 0001").
// Thread-safety: one generator per Desk at a time.
#pragma once

#include <cstdint>
#include <string>

#include "core/progress.h"
#include "desk/desk.h"

namespace amanat::desk {

struct DeskDemoOptions {
  std::int64_t consultations = 35'000;
  std::int64_t survivors = 2'550;  // each with a case; a few with two
  std::int64_t to_trial = 207;     // cases brought to trial
  std::int64_t convicted = 240;    // people convicted across those trials
  // Complaints against officials by outcome: a disciplinary sanction (every tenth a dismissal),
  // a criminal case, and the rest rejected or still pending.
  std::int64_t disciplinary = 205, accountable = 10, other_complaints = 60;
  std::uint64_t seed = 1;
  std::string start = "2018-01-01";
  int years = 6;
};

// Who the records name: users that exist in the organisation.
struct DeskDemoStaff {
  User hotline, case_worker, lawyer, director;
};

struct DeskDemoSummary {
  std::int64_t consultations = 0, survivors = 0, cases = 0, to_trial = 0, convictions = 0, convicted = 0,
               events = 0, complaints = 0;
};

Result<DeskDemoSummary> generate_desk_demo(Desk& desk, const DeskDemoStaff& staff, const DeskDemoOptions& options,
                                           Progress* progress = nullptr);

}  // namespace amanat::desk
