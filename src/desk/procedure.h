// Criminal procedure as data: the stages a survivor's case passes through, the events that move
// it, and which event is allowed in which stage. The desk's case engine (desk/desk.h) asks
// apply() before it records an event; nothing about Kazakhstan's procedure is written in code.
//
// Why data: the procedure changed in 2021, 2024 and 2026 and will change again
// (../shared/domain/desk.md §0.4), its Kazakh terms need a translator's sign-off, and a lawyer
// must be able to review the whole table in one place. Procedure::kazakhstan() parses the
// shipped table (desk/procedure_kz.json, compiled in); an organisation may load its own with
// Procedure::parse().
//
// The model (desk.md §1.2):
//  - A stage ("reported", "registered", "investigating", "interrupted", "terminated",
//    "completed", "indicted", "in_court", "court_suspended", "verdict", "appeal", "cassation",
//    "closed") has labels in en/ru/kk and says whether the case is still open.
//  - An event kind ("report_filed", "registered", "term_interrupted", "term_resumed",
//    "suspended", "resumed", "terminated", "reopened", "verdict", ...) names the stages it is
//    allowed from and the stage it leads to (or none: an event that stays in its stage, such as
//    a forensic examination or a suspect identified). It carries a default legal basis (text and
//    article) that the person recording it may change, and the fields it requires (a
//    termination's ground, a verdict's outcome).
//  - Interruption, suspension, termination and reopening repeat any number of times: the table
//    allows the cycle, the engine keeps every event.
//  - Every event records the status of its document: obtained, requested, refused or unknown
//    (the organisation often learns of a decision without being given it).
//
// Thread-safety: a Procedure is immutable after parse(); share it freely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace amanat::desk {

// Text in the three languages of the app.
struct Labels {
  std::string en, ru, kk;
};

// The status of the document behind an event.
enum class DocumentStatus { obtained, requested, refused, unknown };
std::string_view document_status_name(DocumentStatus s);
std::optional<DocumentStatus> parse_document_status(std::string_view s);

struct Stage {
  std::string id;   // "investigating"
  Labels label;
  bool open = true;  // false: the case is finished at this stage (closed); it may still be reopened
};

// A field an event requires beyond the common ones (date, document status, legal basis), with
// the values it may take when it is a choice (empty: free text).
struct EventField {
  std::string id;                     // "ground", "outcome", "erdr_number"
  Labels label;
  bool required = true;
  std::vector<std::string> choices;   // allowed values; empty: free text
};

struct EventKind {
  std::string id;                   // "term_interrupted"
  Labels label;
  std::vector<std::string> from;    // stages it is allowed in; "*" = any open stage
  std::optional<std::string> to;    // the stage it leads to; nullopt: stays where it is
  std::string legal_basis;          // default text, e.g. "UPK RK art. 45 part 7"
  std::vector<EventField> fields;
};

class Procedure {
 public:
  // The shipped procedure of the Republic of Kazakhstan (UPK of 4 July 2014 No. 231-V).
  static const Procedure& kazakhstan();
  // A table in the JSON shape of desk/procedure_kz.json. Errc::invalid naming the first problem
  // (an event leading to or from an unknown stage, a duplicate id, a missing label, no initial
  // stage) with its JSON path as the field.
  static Result<Procedure> parse(std::string_view json);

  std::string_view id() const { return id_; }            // "kz-upk-2014"
  std::string_view version() const { return version_; }  // "2026-12"
  // The stage a new case starts in ("reported").
  const std::string& initial() const { return initial_; }
  const std::vector<Stage>& stages() const { return stages_; }
  const std::vector<EventKind>& events() const { return events_; }
  const Stage* stage(std::string_view id) const;
  const EventKind* event(std::string_view id) const;

  // The stage after `event` happens in `from`, or reasons::transition_not_allowed (an unknown
  // event: reasons::invalid with field "kind"). `fields`: the event's field values; a missing
  // required one or a value outside its choices is a field error naming it.
  Result<std::string> apply(std::string_view from, std::string_view event,
                            const std::vector<std::pair<std::string, std::string>>& fields = {}) const;
  // The events allowed in stage `from`, in table order (what the case page offers).
  std::vector<const EventKind*> allowed(std::string_view from) const;

 private:
  std::string id_, version_, initial_;
  std::vector<Stage> stages_;
  std::vector<EventKind> events_;
};

}  // namespace amanat::desk
