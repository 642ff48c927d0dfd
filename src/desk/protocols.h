// Survivor-facing protocols: short, versioned guidance that the hotline form shows beside a
// consultation and the public site shows to anyone (../shared/domain/desk.md §3). "General
// guidance, not legal or medical advice": every protocol carries that disclaimer in en/ru/kk.
//
// Why data: the texts need a lawyer's and a clinician's review, a translator's sign-off, and
// new versions when the law or the clinical guidance changes; a consultation records which
// protocol id and version it showed. The shipped starter set is desk/protocols_kz.inc: pure JSON
// in one C++ raw string literal (first line `R"json(`, last line `)json"`), #included by
// protocols.cc, as desk/procedure_kz.inc is. Protocols::parse() loads an organisation's own set.
//
// The starter set is NOT reviewed: every protocol's reviewed_by is empty and the UI must say
// so. A step whose fact desk.md marks unverified (✖: the paper-bag rule, the police number, the
// child-interview procedure, UPK art. 105) carries "review": "unverified" and a note, like the
// procedure table's labels (Labels::unverified).
//
// Selection: a protocol has triggers; it is shown when any one of them matches the situation
// and the audience is one it is written for. A trigger matches when every condition it states
// holds: the incident type is one of its types (none listed: any), every context flag it names
// is set, the time since the incident is inside its window, and the case is in one of its
// stages (none listed: any; listed and the situation has no case: no match). The set's order is
// the priority order; select() keeps it.
//
// Time is counted in hours, never days (desk.md §0.6), from the incident's time in unix
// seconds. Windows and buckets are closed at their upper end: "within 72 h" includes 72:00:00
// exactly, because the clinical sources say "not after 72 h" and a survivor at the 72nd hour
// must be sent to care, not told it is too late. So the buckets are
//   [0, 72 h] · (72 h, 120 h] · (120 h, 14 d = 336 h] · (336 h, ...) · unknown,
// and a protocol window {"after": A, "until": U} holds A h < elapsed <= U h (no "after": from
// 0 h, inclusive; no "until": no end). An unknown incident time matches every window: the
// operator then sees every time-bound protocol, the most urgent first, and should ask. An
// incident time after `now` is unknown too (a typo or a wrong clock; we do not guess).
//
// Thread-safety: a Protocols set is immutable after parse(); share it freely. starter() parses
// once, on first use. The free functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "desk/procedure.h"

namespace amanat::desk {

// GBVIMS's incident types, in its classification order (desk.md §2): choose one.
enum class IncidentType {
  rape,
  sexual_assault,
  physical_assault,
  forced_marriage,
  denial_of_resources,
  psychological_abuse,
  non_gbv,
};
std::string_view incident_type_name(IncidentType t);  // "sexual_assault"
std::optional<IncidentType> parse_incident_type(std::string_view s);

// Who a protocol is written for. `operator_`, `public_`: the JSON names are "operator" and
// "public"; the C++ names avoid the keywords.
enum class Audience { operator_, public_ };
std::string_view audience_name(Audience a);
std::optional<Audience> parse_audience(std::string_view s);

// Time since the incident, in the hotline record's buckets (see the header comment for the
// boundaries).
enum class ElapsedBucket { within_72h, h72_to_120h, h120_to_14d, over_14d, unknown };
std::string_view elapsed_bucket_name(ElapsedBucket b);  // "0_72h", "72_120h", "120h_14d", "over_14d", "unknown"
// nullopt or negative: unknown.
ElapsedBucket elapsed_bucket(std::optional<std::int64_t> seconds_since_incident);

inline constexpr std::int64_t kHour = 3600;

struct TimeWindows {
  std::int64_t elapsed_seconds = 0;   // now - incident (negative: the incident is after now)
  std::int64_t hours_elapsed = 0;     // whole hours elapsed, rounded down (what the form shows)
  std::int64_t deadline_72h = 0;      // incident + 72 h, unix seconds: the last second within 72 h
  std::int64_t deadline_120h = 0;     // incident + 120 h
  ElapsedBucket bucket = ElapsedBucket::unknown;
};
// The windows of an incident at `incident_unix_seconds` seen at `now`. Sums that would overflow
// saturate (such a time is nonsense anyway, and the bucket is then unknown or over_14d).
TimeWindows windows(std::int64_t incident_unix_seconds, std::int64_t now);

// What the operator knows, or what a visitor of the public page chose.
struct Situation {
  std::optional<IncidentType> incident_type;           // nullopt: not known yet
  bool child = false;                                  // the survivor is under 18
  bool ipv = false;                                    // by an intimate or former partner
  bool police_refused = false;                         // police refused or did not register a statement
  std::optional<std::int64_t> seconds_since_incident;  // nullopt: unknown (see windows())
  std::optional<std::string> case_stage;               // a procedure stage id, if there is a case
  Audience audience = Audience::public_;
};

struct Trigger {
  std::vector<IncidentType> incident_types;  // empty: any
  bool child = false, ipv = false, police_refused = false;  // required flags
  std::optional<std::int64_t> after_hours;   // elapsed > after (exclusive)
  std::optional<std::int64_t> until_hours;   // elapsed <= until (inclusive)
  std::vector<std::string> stages;           // empty: any, or no case
};

struct Reviewer {
  std::string role;  // "lawyer", "clinician", "translator", "other"
  std::string name;
  std::string date;  // YYYY-MM-DD
};

struct Protocol {
  std::string id;      // "P-SV-0-72"
  int version = 1;     // a consultation records id + version
  std::vector<Trigger> triggers;
  std::vector<Audience> audience;
  Labels title;
  std::vector<Labels> steps;          // in order; a step's `unverified` marks an unchecked fact
  std::vector<std::string> sources;   // desk.md source keys and what they back
  std::vector<Reviewer> reviewed_by;  // empty: not reviewed, and the UI says so
  Labels disclaimer;                  // the set's disclaimer unless the protocol has its own

  bool reviewed() const { return !reviewed_by.empty(); }
  bool for_audience(Audience a) const;
};

class Protocols {
 public:
  // The shipped starter set (desk/protocols_kz.inc).
  static const Protocols& starter();
  // A set in the JSON shape of desk/protocols_kz.inc. Errc::invalid naming the first problem
  // with its JSON path as the field ("protocols[2].steps[0].kk"): a duplicate or unknown key, a
  // missing language, a duplicate id, an unknown incident type, flag, audience or stage (stages
  // are checked against `procedure`), an empty window (until <= after), a reviewer without a
  // role, name or date.
  static Result<Protocols> parse(std::string_view json, const Procedure& procedure = Procedure::kazakhstan());

  std::string_view id() const { return id_; }
  std::string_view version() const { return version_; }
  std::string_view note() const { return note_; }  // the set's review status, for the editor
  const Labels& disclaimer() const { return disclaimer_; }
  const std::vector<Protocol>& all() const { return protocols_; }
  const Protocol* find(std::string_view id) const;

  // The protocols for `s`, in priority (set) order.
  std::vector<const Protocol*> select(const Situation& s) const;

 private:
  std::string id_, version_, note_;
  Labels disclaimer_;
  std::vector<Protocol> protocols_;
};

// Whether `t` matches `s` (ignoring the audience); exposed for the tests and the editor preview.
bool matches(const Trigger& t, const Situation& s);

}  // namespace amanat::desk
