#include "desk/procedure.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <set>
#include <nlohmann/json.hpp>

#include "core/reasons.h"
#include "desk/strict_json.h"

namespace amanat::desk {

namespace {

using nlohmann::json;
using namespace strict;

// The shipped table (see the header: the .inc file is the table).
constexpr std::string_view kKazakhstanTable =
#include "desk/procedure_kz.inc"
    ;

// Ids are what the engine stores and the web app keys its code on: keep them plain.
bool valid_id(std::string_view s) {
  if (s.empty() || s.size() > 64 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

Result<std::string> string_at(const json& obj, const std::string& path, std::string_view key, bool required,
                              bool allow_blank = false) {
  AMANAT_TRY(v, member(obj, path, key, required));
  if (!v) return std::string();
  if (!v->is_string()) return fail_field(join(path, key), "must be a string");
  std::string s = v->get<std::string>();
  if (!allow_blank && blank(s)) return fail_field(join(path, key), "must not be empty");
  return s;
}

Result<std::string> id_at(const json& obj, const std::string& path) {
  AMANAT_TRY(s, string_at(obj, path, "id", true));
  if (!valid_id(s)) return fail_field(join(path, "id"), "must be lower-case ASCII words joined by '_'");
  return s;
}

// A "review" key: only "unverified" exists; anything else is a typo that would hide the mark.
Result<bool> review_at(const json& obj, const std::string& path, std::string_view key) {
  AMANAT_TRY(v, member(obj, path, key, false));
  if (!v) return false;
  if (!v->is_string() || v->get<std::string>() != "unverified")
    return fail_field(join(path, key), "the only review mark is \"unverified\"");
  return true;
}

Result<Labels> labels_at(const json& obj, const std::string& parent, std::string_view key) {
  std::string path = join(parent, key);
  AMANAT_TRY(v, member(obj, parent, key, true));
  if (!v->is_object()) return fail_field(path, "must be an object with en, ru and kk");
  AMANAT_CHECK(only_keys(*v, path, {"en", "ru", "kk", "review", "note"}));
  Labels l;
  AMANAT_TRY(en, string_at(*v, path, "en", true));
  AMANAT_TRY(ru, string_at(*v, path, "ru", true));
  AMANAT_TRY(kk, string_at(*v, path, "kk", true));
  AMANAT_TRY(unverified, review_at(*v, path, "review"));
  AMANAT_TRY(note, string_at(*v, path, "note", false));
  if (unverified && note.empty()) return fail_field(join(path, "note"), "an unverified label says what to check");
  l.en = std::move(en);
  l.ru = std::move(ru);
  l.kk = std::move(kk);
  l.unverified = unverified;
  l.note = std::move(note);
  return l;
}

Result<bool> bool_at(const json& obj, const std::string& path, std::string_view key, bool fallback) {
  AMANAT_TRY(v, member(obj, path, key, false));
  if (!v) return fallback;
  if (!v->is_boolean()) return fail_field(join(path, key), "must be true or false");
  return v->get<bool>();
}

Result<const json*> array_at(const json& obj, const std::string& path, std::string_view key, bool required) {
  AMANAT_TRY(v, member(obj, path, key, required));
  if (v && !v->is_array()) return fail_field(join(path, key), "must be an array");
  return v;
}

// Reads the optional array `key` of `e` item by item with `read`, refusing an id given twice.
template <class T, class Read>
Status list_at(const json& e, const std::string& path, std::string_view key, std::string_view what,
               std::vector<T>& out, Read read) {
  AMANAT_TRY(items, array_at(e, path, key, false));
  if (!items) return {};
  for (std::size_t k = 0; k < items->size(); ++k) {
    std::string p2 = index(join(path, key), k);
    AMANAT_TRY(item, read((*items)[k], p2));
    for (const auto& other : out)
      if (other.id == item.id)
        return fail_field(join(p2, "id"), "duplicate " + std::string(what) + " \"" + item.id + "\"");
    out.push_back(std::move(item));
  }
  return {};
}

Result<TimeLimit> limit_at(const json& j, const std::string& path) {
  if (!j.is_object()) return fail_field(path, "must be an object");
  AMANAT_CHECK(only_keys(j, path, {"id", "label", "days", "months", "legal_basis", "legal_basis_review"}));
  TimeLimit t;
  AMANAT_TRY(id, id_at(j, path));
  AMANAT_TRY(label, labels_at(j, path, "label"));
  t.id = std::move(id);
  t.label = std::move(label);
  for (auto [key, slot] : {std::pair{"days", &t.days}, std::pair{"months", &t.months}}) {
    AMANAT_TRY(v, member(j, path, key, false));
    if (!v) continue;
    if (!v->is_number_integer() || v->get<std::int64_t>() < 1 || v->get<std::int64_t>() > 3650)
      return fail_field(join(path, key), "must be a whole number from 1 to 3650");
    *slot = v->get<int>();
  }
  if ((t.days > 0) == (t.months > 0)) return fail_field(join(path, "days"), "give exactly one of days and months");
  AMANAT_TRY(basis, string_at(j, path, "legal_basis", true));
  AMANAT_TRY(unverified, review_at(j, path, "legal_basis_review"));
  t.legal_basis = std::move(basis);
  t.legal_basis_unverified = unverified;
  return t;
}

Result<EventField> field_at(const json& j, const std::string& path) {
  if (!j.is_object()) return fail_field(path, "must be an object");
  AMANAT_CHECK(only_keys(j, path, {"id", "label", "required", "choices"}));
  EventField f;
  AMANAT_TRY(id, id_at(j, path));
  AMANAT_TRY(label, labels_at(j, path, "label"));
  AMANAT_TRY(required, bool_at(j, path, "required", true));
  AMANAT_TRY(choices, array_at(j, path, "choices", false));
  f.id = std::move(id);
  f.label = std::move(label);
  f.required = required;
  if (choices) {
    std::string cpath = join(path, "choices");
    if (choices->empty()) return fail_field(cpath, "must not be empty (leave it out for free text)");
    for (std::size_t i = 0; i < choices->size(); ++i) {
      const json& c = (*choices)[i];
      std::string p = index(cpath, i);
      if (!c.is_object()) return fail_field(p, "must be an object with id and label");
      AMANAT_CHECK(only_keys(c, p, {"id", "label"}));
      AMANAT_TRY(cid, id_at(c, p));
      AMANAT_TRY(clabel, labels_at(c, p, "label"));
      if (std::find(f.choices.begin(), f.choices.end(), cid) != f.choices.end())
        return fail_field(join(p, "id"), "duplicate choice \"" + cid + "\"");
      f.choices.push_back(std::move(cid));
      f.choice_labels.push_back(std::move(clabel));
    }
  }
  return f;
}

}  // namespace

std::string_view document_status_name(DocumentStatus s) {
  switch (s) {
    case DocumentStatus::obtained: return "obtained";
    case DocumentStatus::requested: return "requested";
    case DocumentStatus::refused: return "refused";
    case DocumentStatus::unknown: return "unknown";
  }
  return "unknown";
}

std::optional<DocumentStatus> parse_document_status(std::string_view s) {
  for (auto d : {DocumentStatus::obtained, DocumentStatus::requested, DocumentStatus::refused, DocumentStatus::unknown})
    if (document_status_name(d) == s) return d;
  return std::nullopt;
}

const Procedure& Procedure::kazakhstan() {
  // The shipped table is a constant the tests parse; failing here is a bug in the build, not an
  // input error, so there is nothing to return to.
  static const Procedure p = [] {
    auto r = parse(kKazakhstanTable);
    if (!r) {
      std::fprintf(stderr, "desk/procedure_kz.inc: %s (%s)\n", r.error().message.c_str(), r.error().field.c_str());
      std::abort();
    }
    return std::move(*r);
  }();
  return p;
}

Result<Procedure> Procedure::parse(std::string_view text) {
  AMANAT_TRY(j, parse_json(text));
  if (!j.is_object()) return fail(Errc::invalid, "a procedure table is a JSON object");
  const std::string root;
  AMANAT_CHECK(only_keys(j, root, {"id", "version", "initial", "note", "stages", "events"}));
  Procedure p;
  AMANAT_TRY(id, string_at(j, root, "id", true));
  AMANAT_TRY(version, string_at(j, root, "version", true));
  AMANAT_TRY(initial, string_at(j, root, "initial", true));
  AMANAT_TRY(note, string_at(j, root, "note", false));
  p.id_ = std::move(id);
  p.version_ = std::move(version);
  p.note_ = std::move(note);

  AMANAT_TRY(stages, array_at(j, root, "stages", true));
  if (stages->empty()) return fail_field("stages", "a procedure needs at least one stage");
  for (std::size_t i = 0; i < stages->size(); ++i) {
    const json& s = (*stages)[i];
    std::string path = index("stages", i);
    if (!s.is_object()) return fail_field(path, "must be an object");
    AMANAT_CHECK(only_keys(s, path, {"id", "label", "open"}));
    Stage st;
    AMANAT_TRY(sid, id_at(s, path));
    if (p.stage(sid)) return fail_field(join(path, "id"), "duplicate stage \"" + sid + "\"");
    AMANAT_TRY(label, labels_at(s, path, "label"));
    AMANAT_TRY(open, bool_at(s, path, "open", true));
    st.id = std::move(sid);
    st.label = std::move(label);
    st.open = open;
    p.stages_.push_back(std::move(st));
  }
  const Stage* first = p.stage(initial);
  if (!first) return fail_field("initial", "no stage \"" + initial + "\"");
  if (!first->open) return fail_field("initial", "a case cannot start in a closed stage");
  p.initial_ = std::move(initial);

  AMANAT_TRY(events, array_at(j, root, "events", true));
  if (events->empty()) return fail_field("events", "a procedure needs at least one event");
  for (std::size_t i = 0; i < events->size(); ++i) {
    const json& e = (*events)[i];
    std::string path = index("events", i);
    if (!e.is_object()) return fail_field(path, "must be an object");
    AMANAT_CHECK(only_keys(e, path, {"id", "label", "from", "to", "legal_basis", "legal_basis_review", "note", "fields",
                                      "limits"}));
    EventKind ev;
    AMANAT_TRY(eid, id_at(e, path));
    if (p.event(eid)) return fail_field(join(path, "id"), "duplicate event \"" + eid + "\"");
    AMANAT_TRY(label, labels_at(e, path, "label"));
    ev.id = std::move(eid);
    ev.label = std::move(label);

    AMANAT_TRY(from, array_at(e, path, "from", true));
    std::string fpath = join(path, "from");
    if (from->empty()) return fail_field(fpath, "an event allowed nowhere is a mistake; name its stages");
    for (std::size_t k = 0; k < from->size(); ++k) {
      const json& f = (*from)[k];
      std::string p2 = index(fpath, k);
      if (!f.is_string()) return fail_field(p2, "must be a stage id");
      std::string sid = f.get<std::string>();
      if (sid != "*" && !p.stage(sid)) return fail_field(p2, "no stage \"" + sid + "\"");
      if (std::find(ev.from.begin(), ev.from.end(), sid) != ev.from.end())
        return fail_field(p2, "stage \"" + sid + "\" named twice");
      ev.from.push_back(std::move(sid));
    }

    // "to" must be given, as null when the event stays in its stage: a forgotten destination
    // would otherwise read as "stays", the most dangerous default.
    AMANAT_TRY(to, member(e, path, "to", true));
    if (!to->is_null()) {
      if (!to->is_string()) return fail_field(join(path, "to"), "must be a stage id or null");
      std::string sid = to->get<std::string>();
      if (!p.stage(sid)) return fail_field(join(path, "to"), "no stage \"" + sid + "\"");
      ev.to = std::move(sid);
    }

    AMANAT_TRY(basis, string_at(e, path, "legal_basis", true));
    AMANAT_TRY(basis_unverified, review_at(e, path, "legal_basis_review"));
    AMANAT_TRY(enote, string_at(e, path, "note", false));
    ev.legal_basis = std::move(basis);
    ev.legal_basis_unverified = basis_unverified;
    ev.note = std::move(enote);

    AMANAT_CHECK(list_at(e, path, "fields", "field", ev.fields, field_at));
    AMANAT_CHECK(list_at(e, path, "limits", "limit", ev.limits, limit_at));
    p.events_.push_back(std::move(ev));
  }
  return p;
}

const Stage* Procedure::stage(std::string_view id) const {
  for (const auto& s : stages_)
    if (s.id == id) return &s;
  return nullptr;
}

const EventKind* Procedure::event(std::string_view id) const {
  for (const auto& e : events_)
    if (e.id == id) return &e;
  return nullptr;
}

namespace {

bool allowed_in(const EventKind& e, const Stage& s) {
  for (const auto& f : e.from)
    if (f == s.id || (f == "*" && s.open)) return true;
  return false;
}

}  // namespace

Result<std::string> Procedure::apply(std::string_view from, std::string_view event_id,
                                     const std::vector<std::pair<std::string, std::string>>& fields) const {
  const EventKind* e = event(event_id);
  if (!e) return fail_field("kind", "no event \"" + std::string(event_id) + "\" in procedure " + id_);
  const Stage* s = stage(from);
  if (!s) return fail_field("from", "no stage \"" + std::string(from) + "\" in procedure " + id_);
  if (!allowed_in(*e, *s))
    return fail(reasons::transition_not_allowed,
                "\"" + e->id + "\" is not allowed while the case is \"" + s->id + "\"");

  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto& [fid, value] = fields[i];
    auto def = std::find_if(e->fields.begin(), e->fields.end(), [&](const EventField& f) { return f.id == fid; });
    if (def == e->fields.end()) return fail_field(fid, "\"" + e->id + "\" takes no such field");
    for (std::size_t k = 0; k < i; ++k)
      if (fields[k].first == fid) return fail_field(fid, "given twice");
    if (blank(value)) continue;  // absent; a required one is caught below
    if (!def->choices.empty() && std::find(def->choices.begin(), def->choices.end(), value) == def->choices.end())
      return fail_field(fid, "\"" + value + "\" is not one of its choices");
  }
  for (const auto& def : e->fields) {
    if (!def.required) continue;
    auto given = std::find_if(fields.begin(), fields.end(), [&](const auto& kv) { return kv.first == def.id; });
    if (given == fields.end() || blank(given->second)) return fail_field(def.id, "required for \"" + e->id + "\"");
  }
  return e->to ? *e->to : s->id;
}

std::vector<const EventKind*> Procedure::allowed(std::string_view from) const {
  std::vector<const EventKind*> out;
  const Stage* s = stage(from);
  if (!s) return out;
  for (const auto& e : events_)
    if (allowed_in(e, *s)) out.push_back(&e);
  return out;
}

}  // namespace amanat::desk
