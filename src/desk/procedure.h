// Criminal procedure as data: the stages a survivor's case passes through, the events that move
// it, and which event is allowed in which stage. The desk's case engine (desk/desk.h) asks
// apply() before it records an event; nothing about Kazakhstan's procedure is written in code.
//
// Why data: the procedure changed in 2021, 2024 and 2026 and will change again
// (../shared/domain/desk.md §0.4), its Kazakh terms need a translator's sign-off, and a lawyer
// must be able to review the whole table in one place. Procedure::kazakhstan() parses the
// shipped table, which is desk/procedure_kz.inc: pure JSON wrapped in one C++ raw string literal
// (first line `R"json(`, last line `)json"`) and #included by procedure.cc, so the table is one
// file that a reviewer reads as JSON and the binary carries without a build step (g++ 12 has no
// #embed). An organisation may load its own table with Procedure::parse().
//
// The model (desk.md §1.2):
//  - A stage ("reported", "registered", "investigating", "interrupted", "terminated",
//    "completed", "indicted", "in_court", "court_suspended", "verdict", "appeal", "cassation",
//    "closed") has labels in en/ru/kk and says whether the case is still open.
//  - An event kind ("report_filed", "registered", "term_interrupted", "term_resumed",
//    "court_suspended", "court_resumed", "terminated", "reopened", "verdict", ...) names the
//    stages it is allowed from and the stage it leads to (or none: an event that stays in its
//    stage, such as a forensic examination or a suspect identified). It carries a default legal
//    basis (text and article) that the person recording it may change, and the fields it takes
//    (a termination's ground, a verdict's outcome).
//  - An investigator does not suspend a case: they interrupt the pre-trial term (UPK art. 45
//    part 7, "interrupted"); only a court suspends (art. 45 parts 1-6, "court_suspended")
//    (desk.md §0.1). The two are separate stages and separate events.
//  - Interruption, suspension, termination and reopening repeat any number of times: the table
//    allows the cycle, the engine keeps every event.
//  - Every event records the status of its document: obtained, requested, refused or unknown
//    (the organisation often learns of a decision without being given it).
//  - Unverified text is data too: a label or a legal basis that desk.md marks unverified (✖ or
//    ~), or that is not in its glossary, carries `"review": "unverified"` (a legal basis:
//    `"legal_basis_review": "unverified"`) and a note, so that a translator or a lawyer finds
//    every one of them by searching the table, and the UI can mark them.
//
// The JSON shape (parse() refuses any other key, so a typo cannot silently drop a rule):
//   {"id", "version", "initial", "note"?,
//    "stages": [{"id", "label", "open"?}],
//    "events": [{"id", "label", "from": [stage or "*"], "to": stage or null,
//                "legal_basis", "legal_basis_review"?, "note"?,
//                "fields"?: [{"id", "label", "required"?, "choices"?: [{"id", "label"}]}]}]}
//   a label: {"en", "ru", "kk", "review"?: "unverified", "note"?} (a note is required with review)
// Ids are lower-case ASCII words joined by '_'.
//
// Thread-safety: a Procedure is immutable after parse(); share it freely. kazakhstan() parses
// once, on first use (a function-local static).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace amanat::desk {

// Text in the three languages of the app.
struct Labels {
  std::string en, ru, kk;
  // The wording is not checked against a source (desk.md marks it ✖ or ~, or its glossary does
  // not have it): a translator or a lawyer must sign it off. `note` says what to check.
  bool unverified = false;
  std::string note;
};

// The status of the document behind an event.
enum class DocumentStatus { obtained, requested, refused, unknown };
// Their ids, in the enum's order (document_status_name of each).
inline constexpr std::string_view kDocumentStatuses[] = {"obtained", "requested", "refused", "unknown"};
std::string_view document_status_name(DocumentStatus s);
std::optional<DocumentStatus> parse_document_status(std::string_view s);

struct Stage {
  std::string id;   // "investigating"
  Labels label;
  // false: the proceedings have stopped here (terminated, closed); an event may still reopen them.
  // "*" in an event's `from` means the open stages only.
  bool open = true;
};

// A field an event requires beyond the common ones (date, document status, legal basis), with
// the values it may take when it is a choice (empty: free text).
struct EventField {
  std::string id;                     // "ground", "outcome", "erdr_number"
  Labels label;
  bool required = true;
  std::vector<std::string> choices;   // allowed values; empty: free text
  std::vector<Labels> choice_labels;  // the label of each choice, in the same order
};

// A time limit an event starts (desk.md §1.3): the appeal period after a verdict, the pre-trial
// term after registration. The desk adds it to the case as a deadline, due `days` or `months`
// (exactly one) after the event's date. Every such limit needs a lawyer's check before it goes
// into the UI: the shipped ones are marked unverified in the data, and the UI says so.
struct TimeLimit {
  std::string id;                   // "appeal_period"
  Labels label;                     // what is due, as the deadline list shows it
  int days = 0, months = 0;
  std::string legal_basis;
  bool legal_basis_unverified = false;
};

struct EventKind {
  std::string id;                   // "term_interrupted"
  Labels label;
  std::vector<std::string> from;    // stages it is allowed in; "*" = any open stage
  std::optional<std::string> to;    // the stage it leads to; nullopt: stays where it is
  std::string legal_basis;          // default text, e.g. "UPK RK art. 45 part 7"
  bool legal_basis_unverified = false;  // an article number desk.md marks ✖: a lawyer must check
  std::string note;                 // for the reviewer: why the event is allowed where it is
  std::vector<EventField> fields;
  std::vector<TimeLimit> limits;    // the deadlines it starts
};

class Procedure {
 public:
  // The shipped procedure of the Republic of Kazakhstan (UPK of 4 July 2014 No. 231-V).
  static const Procedure& kazakhstan();
  // A table in the JSON shape above. Errc::invalid naming the first problem (not JSON, a
  // duplicate key, an unknown key, a value of the wrong type, an event leading to or from an
  // unknown stage, a duplicate id, an empty label, no or a closed initial stage) with its JSON
  // path as the field ("events[3].to", "stages[0].label.kk").
  static Result<Procedure> parse(std::string_view json);

  std::string_view id() const { return id_; }            // "kz-upk-2014"
  std::string_view version() const { return version_; }  // "2026-12"
  std::string_view note() const { return note_; }        // for the reviewer: the table's status
  // The stage a new case starts in ("reported").
  const std::string& initial() const { return initial_; }
  const std::vector<Stage>& stages() const { return stages_; }
  const std::vector<EventKind>& events() const { return events_; }
  const Stage* stage(std::string_view id) const;
  const EventKind* event(std::string_view id) const;

  // The stage after `event` happens in `from`, or reasons::transition_not_allowed (an unknown
  // event: reasons::invalid with field "kind"; an unknown stage: field "from"). `fields`: the
  // event's own field values (not the common ones: date, document status, legal basis); a
  // missing or empty required one, a value outside its choices, a field the event does not
  // take, or one given twice is a field error naming it. An empty optional value counts as
  // absent. The transition is checked before the fields.
  Result<std::string> apply(std::string_view from, std::string_view event,
                            const std::vector<std::pair<std::string, std::string>>& fields = {}) const;
  // The events allowed in stage `from`, in table order (what the case page offers).
  std::vector<const EventKind*> allowed(std::string_view from) const;

 private:
  std::string id_, version_, initial_, note_;
  std::vector<Stage> stages_;
  std::vector<EventKind> events_;
};

}  // namespace amanat::desk
