// The legal-defence docket: criminal proceedings brought against the organisation and its
// people, as a pure model (no storage, no I/O). The chronology report (desk/chronology.h) is
// rendered from it, and the counts it states are computed here from the recorded events, never
// typed by hand (../shared/domain/desk.md §4): a count someone typed is a count someone can get
// wrong in a letter to the UN.
//
// The model:
//  - A Proceeding is one criminal case: its Criminal Code articles as written ("УК РК ст. 274
//    ч. 2"), the authority and region, the ЕРДР number when known, and the people concerned —
//    pseudonymous labels, or the public names of the organisation's own staff (the defender is
//    public in a chronology report; nobody else is named unless public).
//  - Its events are kept in the order they happened (the vector's order is the chronology;
//    validate() checks that known dates never go backwards). Each event has a kind, a date with
//    its precision (a decision learned of months later may be known only to the month), the
//    document behind it and whether the organisation obtained it (desk.md §0.3: often it did not,
//    and a refusal is an event in its own right), the source and how it was verified, and the
//    index of the log entry that recorded it.
//  - An investigator *interrupts* the pre-trial term, a court *suspends* (desk.md §0.1): two
//    kinds. Termination is not final (§0.2): `reopened` may follow it any number of times.
//  - Remedies tried (complaints and their results) and related publications (with their
//    corrections) belong to the proceeding they concern.
//
// Thread-safety: plain values and pure functions; share a const Docket freely.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "desk/procedure.h"  // DocumentStatus: one vocabulary for the case desk and the docket

namespace amanat::desk::docket {

// How precisely a date is known. The date string's shape follows it (see Date).
enum class DatePrecision { day, month, year, unknown };

// A date known to some precision: "2023-10-16" (day), "2023-10" (month), "2023" (year), or ""
// (unknown). validate() checks the string matches its precision and is a real calendar date.
struct Date {
  std::string iso;
  DatePrecision precision = DatePrecision::unknown;
};

// The first and last day a valid, known Date may stand for ("2023-10" is 2023-10-01..31);
// nullopt for an unknown or malformed date.
struct DayRange {
  std::chrono::sys_days first, last;
};
std::optional<DayRange> day_range(const Date& d);
// A full ISO day "YYYY-MM-DD" that is a real calendar date, or nullopt.
std::optional<std::chrono::sys_days> parse_iso_day(std::string_view s);

enum class EventKind {
  opened,
  qualified_as_suspect,
  interrupted,          // the investigator interrupts the pre-trial term (UPK art. 45 part 7)
  terminated,           // прекращение; not final
  reopened,             // the termination (or a verdict) is cancelled
  suspended_by_court,   // приостановление (UPK art. 45 parts 1–6)
  resumed,              // an interrupted term or a court suspension ends
  acquitted,
  convicted,
  wanted_list,
  extradition_request,
  entry_ban,
  accounts_frozen,
  donors_data_requested,
  file_access_refused,
  summons,
  hearing,
  other,
};
// The stable English id ("qualified_as_suspect"), for storage and logs.
std::string_view event_kind_id(EventKind k);
std::optional<EventKind> parse_event_kind(std::string_view id);

// A stop event halts the proceeding until a reopened/resumed event: interrupted,
// suspended_by_court, terminated, acquitted, convicted (a verdict can be overturned and the case
// sent back, which is recorded as reopened).
bool is_stop(EventKind k);
// A restart event: reopened or resumed.
bool is_restart(EventKind k);

struct Document {
  std::string name;    // "Постановление о прекращении уголовного дела"
  std::string number;  // as written on it; empty when none or not known
  DocumentStatus status = DocumentStatus::unknown;
};

struct Event {
  EventKind kind = EventKind::other;
  Date date;
  Document document;
  std::string source;        // where the organisation learned it: "lawyer", "MVD press release"
  std::string verification;  // how it was checked: "copy of the decision seen by the lawyer"
  std::optional<std::uint64_t> log_index;  // the log entry that recorded the event
  std::string note;
};

struct Remedy {
  std::string to_whom;  // "Prosecutor of Almaty", "investigating judge"
  Date date;
  std::string result;   // "refused 2024-02-01"; empty while pending
};

struct Correction {
  Date date;
  std::string text;
};

struct Publication {
  std::string title;
  std::string url;  // http:// or https:// only (it becomes a link in the report)
  Date date;
  std::vector<Correction> corrections;
};

// Someone the proceeding concerns: a pseudonymous label ("Staff member B") or, where
// `is_public`, the public name of the organisation's own staff (the defender).
struct Person {
  std::string label;
  bool is_public = false;
  std::string role;  // "suspect", "witness", "accused"; free text
};

struct Proceeding {
  std::string id;     // the docket's own id, unique in the docket
  std::string title;
  std::vector<std::string> articles;  // "УК РК ст. 274 ч. 2"
  std::string authority;
  std::string region;
  std::optional<std::string> erdr_number;  // digits only; often not known
  std::vector<Person> people;
  std::vector<Event> events;  // in the order they happened
  std::vector<Remedy> remedies;
  std::vector<Publication> publications;
};

struct Docket {
  std::vector<Proceeding> proceedings;
};

// Checks a proceeding; the error's field is relative to it ("events[2].date"):
//  - id and title present; articles, people's labels and remedies' bodies non-empty;
//  - the ЕРДР number, when given, is digits only;
//  - every date matches its precision and is a real calendar date; "" only when unknown;
//  - the first event is `opened`, and there is only one (a later opening is `reopened`);
//  - no event's known date lies wholly before the opening's known date ("event before the
//    proceeding opened"), and known dates never go backwards along the vector;
//  - `reopened`/`resumed` only while the proceeding is stopped (after a stop event and before any
//    restart): "reopened with nothing to reopen";
//  - a publication's url is http(s); a correction is not dated before its publication.
Status validate(const Proceeding& p);
// Checks every proceeding (fields "proceedings[1].events[2].date") and that ids are unique.
Status validate(const Docket& d);

// Counts computed from the events of one proceeding, or summed over a docket.
struct Counts {
  int proceedings = 0;
  int opened = 0;
  int interrupted = 0;
  int suspended = 0;   // suspended_by_court events
  int terminated = 0;
  int reopened = 0;    // reopened events
  int resumed = 0;     // resumed events
  // "opened, interrupted, suspended or terminated, then reopened N times": the number of
  // reopened or resumed events that follow a stop event (is_stop) with no restart between them.
  // The headline number of the report. For a valid docket it equals reopened + resumed; it is
  // computed by walking the events so that it means the same on unvalidated input.
  int restarts = 0;
  // Events whose document was refused, or of kind file_access_refused (each event counted once).
  int documents_refused = 0;
  // Days under proceedings: from the opening's first possible day to the end — the day of the
  // last stop event if the proceeding ends stopped by termination or a verdict, otherwise
  // `as_of` (an interrupted or suspended case still hangs over its people). Over a docket: the
  // days covered by at least one proceeding (overlaps counted once). nullopt when an opening
  // date (or the ending one) is unknown: the number would be a guess.
  std::optional<std::int64_t> days_open;
};

Counts count(const Proceeding& p, std::chrono::sys_days as_of);

struct DocketCounts {
  std::vector<Counts> per_proceeding;  // in the docket's order
  Counts total;
};
DocketCounts count(const Docket& d, std::chrono::sys_days as_of);

}  // namespace amanat::desk::docket
