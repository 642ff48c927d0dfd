#include "desk/protocols.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <limits>
#include <set>
#include <nlohmann/json.hpp>

#include "desk/strict_json.h"

namespace amanat::desk {

namespace {

using nlohmann::json;
using namespace strict;

// The shipped starter set (see the header: the .inc file is the set).
constexpr std::string_view kStarterSet =
#include "desk/protocols_kz.inc"
    ;

Result<std::string> string_of(const json& v, const std::string& path) {
  if (!v.is_string()) return fail_field(path, "must be a string");
  std::string s = v.get<std::string>();
  if (blank(s)) return fail_field(path, "must not be empty");
  return s;
}

Result<std::string> string_at(const json& obj, const std::string& path, std::string_view key, bool required) {
  AMANAT_TRY(v, member(obj, path, key, required));
  if (!v) return std::string();
  return string_of(*v, join(path, key));
}

Result<const json*> array_at(const json& obj, const std::string& path, std::string_view key, bool required,
                             bool allow_empty) {
  AMANAT_TRY(v, member(obj, path, key, required));
  if (!v) return nullptr;
  if (!v->is_array()) return fail_field(join(path, key), "must be an array");
  if (!allow_empty && v->empty()) return fail_field(join(path, key), "must not be empty");
  return v;
}

Result<Labels> labels_of(const json& v, const std::string& path) {
  if (!v.is_object()) return fail_field(path, "must be an object with en, ru and kk");
  AMANAT_CHECK(only_keys(v, path, {"en", "ru", "kk", "review", "note"}));
  Labels l;
  AMANAT_TRY(en, string_at(v, path, "en", true));
  AMANAT_TRY(ru, string_at(v, path, "ru", true));
  AMANAT_TRY(kk, string_at(v, path, "kk", true));
  AMANAT_TRY(review, member(v, path, "review", false));
  if (review && (!review->is_string() || review->get<std::string>() != "unverified"))
    return fail_field(join(path, "review"), "the only review mark is \"unverified\"");
  AMANAT_TRY(note, string_at(v, path, "note", false));
  if (review && note.empty()) return fail_field(join(path, "note"), "an unverified text says what to check");
  l.en = std::move(en);
  l.ru = std::move(ru);
  l.kk = std::move(kk);
  l.unverified = review != nullptr;
  l.note = std::move(note);
  return l;
}

Result<Labels> labels_at(const json& obj, const std::string& path, std::string_view key) {
  AMANAT_TRY(v, member(obj, path, key, true));
  return labels_of(*v, join(path, key));
}

bool valid_protocol_id(std::string_view s) {
  if (s.size() < 3 || s.size() > 40 || s.substr(0, 2) != "P-") return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  int month = (s[5] - '0') * 10 + (s[6] - '0'), day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// Hours bounds: whole, non-negative, and small enough that hours * 3600 cannot overflow.
Result<std::optional<std::int64_t>> hours_at(const json& obj, const std::string& path, std::string_view key) {
  AMANAT_TRY(v, member(obj, path, key, false));
  if (!v) return std::optional<std::int64_t>();
  if (!v->is_number_integer() || v->get<std::int64_t>() < 0 || v->get<std::int64_t>() > 24 * 366 * 200)
    return fail_field(join(path, key), "must be a whole number of hours, 0 or more");
  return std::optional<std::int64_t>(v->get<std::int64_t>());
}

Result<Trigger> trigger_of(const json& j, const std::string& path, const Procedure& procedure) {
  if (!j.is_object()) return fail_field(path, "must be an object");
  AMANAT_CHECK(only_keys(j, path, {"incident_types", "context", "hours", "stages"}));
  Trigger t;
  AMANAT_TRY(types, array_at(j, path, "incident_types", false, false));
  if (types) {
    for (std::size_t i = 0; i < types->size(); ++i) {
      std::string p = index(join(path, "incident_types"), i);
      AMANAT_TRY(name, string_of((*types)[i], p));
      auto type = parse_incident_type(name);
      if (!type) return fail_field(p, "not a GBVIMS incident type: \"" + name + "\"");
      if (std::find(t.incident_types.begin(), t.incident_types.end(), *type) != t.incident_types.end())
        return fail_field(p, "named twice");
      t.incident_types.push_back(*type);
    }
  }
  AMANAT_TRY(context, array_at(j, path, "context", false, false));
  if (context) {
    for (std::size_t i = 0; i < context->size(); ++i) {
      std::string p = index(join(path, "context"), i);
      AMANAT_TRY(flag, string_of((*context)[i], p));
      bool* slot = flag == "child" ? &t.child : flag == "ipv" ? &t.ipv : flag == "police_refused" ? &t.police_refused : nullptr;
      if (!slot) return fail_field(p, "not a context flag (child, ipv, police_refused): \"" + flag + "\"");
      if (*slot) return fail_field(p, "named twice");
      *slot = true;
    }
  }
  AMANAT_TRY(hours, member(j, path, "hours", false));
  if (hours) {
    std::string hp = join(path, "hours");
    if (!hours->is_object()) return fail_field(hp, "must be an object with after and/or until");
    AMANAT_CHECK(only_keys(*hours, hp, {"after", "until"}));
    AMANAT_TRY(after, hours_at(*hours, hp, "after"));
    AMANAT_TRY(until, hours_at(*hours, hp, "until"));
    if (!after && !until) return fail_field(hp, "give after, until or both (or leave hours out)");
    if (after && until && *until <= *after) return fail_field(join(hp, "until"), "must be later than after");
    t.after_hours = after;
    t.until_hours = until;
  }
  AMANAT_TRY(stages, array_at(j, path, "stages", false, false));
  if (stages) {
    for (std::size_t i = 0; i < stages->size(); ++i) {
      std::string p = index(join(path, "stages"), i);
      AMANAT_TRY(sid, string_of((*stages)[i], p));
      if (!procedure.stage(sid)) return fail_field(p, "no stage \"" + sid + "\" in procedure " + std::string(procedure.id()));
      if (std::find(t.stages.begin(), t.stages.end(), sid) != t.stages.end()) return fail_field(p, "named twice");
      t.stages.push_back(std::move(sid));
    }
  }
  return t;
}

Result<Reviewer> reviewer_of(const json& j, const std::string& path) {
  if (!j.is_object()) return fail_field(path, "must be an object with role, name and date");
  AMANAT_CHECK(only_keys(j, path, {"role", "name", "date"}));
  AMANAT_TRY(role, string_at(j, path, "role", true));
  if (role != "lawyer" && role != "clinician" && role != "translator" && role != "other")
    return fail_field(join(path, "role"), "one of lawyer, clinician, translator, other");
  AMANAT_TRY(name, string_at(j, path, "name", true));
  AMANAT_TRY(date, string_at(j, path, "date", true));
  if (!valid_date(date)) return fail_field(join(path, "date"), "a date YYYY-MM-DD");
  return Reviewer{std::move(role), std::move(name), std::move(date)};
}

Result<Protocol> protocol_of(const json& j, const std::string& path, const Labels& disclaimer, const Procedure& procedure) {
  if (!j.is_object()) return fail_field(path, "must be an object");
  AMANAT_CHECK(only_keys(j, path, {"id", "version", "triggers", "audience", "title", "steps", "sources", "reviewed_by", "disclaimer"}));
  Protocol p;
  AMANAT_TRY(id, string_at(j, path, "id", true));
  if (!valid_protocol_id(id)) return fail_field(join(path, "id"), "an id such as P-SV-0-72 (P-, capitals, digits, '-')");
  p.id = std::move(id);
  AMANAT_TRY(version, member(j, path, "version", true));
  if (!version->is_number_integer() || version->get<std::int64_t>() < 1 || version->get<std::int64_t>() > 1'000'000)
    return fail_field(join(path, "version"), "a whole number from 1");
  p.version = static_cast<int>(version->get<std::int64_t>());

  AMANAT_TRY(triggers, array_at(j, path, "triggers", true, false));
  for (std::size_t i = 0; i < triggers->size(); ++i) {
    AMANAT_TRY(t, trigger_of((*triggers)[i], index(join(path, "triggers"), i), procedure));
    p.triggers.push_back(std::move(t));
  }
  AMANAT_TRY(audience, array_at(j, path, "audience", true, false));
  for (std::size_t i = 0; i < audience->size(); ++i) {
    std::string ap = index(join(path, "audience"), i);
    AMANAT_TRY(name, string_of((*audience)[i], ap));
    auto a = parse_audience(name);
    if (!a) return fail_field(ap, "operator or public");
    if (p.for_audience(*a)) return fail_field(ap, "named twice");
    p.audience.push_back(*a);
  }
  AMANAT_TRY(title, labels_at(j, path, "title"));
  p.title = std::move(title);
  AMANAT_TRY(steps, array_at(j, path, "steps", true, false));
  for (std::size_t i = 0; i < steps->size(); ++i) {
    AMANAT_TRY(step, labels_of((*steps)[i], index(join(path, "steps"), i)));
    p.steps.push_back(std::move(step));
  }
  AMANAT_TRY(sources, array_at(j, path, "sources", true, false));
  for (std::size_t i = 0; i < sources->size(); ++i) {
    AMANAT_TRY(src, string_of((*sources)[i], index(join(path, "sources"), i)));
    p.sources.push_back(std::move(src));
  }
  // Required even when empty: a set must say that nobody reviewed it, not forget to say who did.
  AMANAT_TRY(reviewed, array_at(j, path, "reviewed_by", true, true));
  for (std::size_t i = 0; i < reviewed->size(); ++i) {
    AMANAT_TRY(r, reviewer_of((*reviewed)[i], index(join(path, "reviewed_by"), i)));
    p.reviewed_by.push_back(std::move(r));
  }
  AMANAT_TRY(own, member(j, path, "disclaimer", false));
  if (own) {
    AMANAT_TRY(d, labels_of(*own, join(path, "disclaimer")));
    p.disclaimer = std::move(d);
  } else {
    p.disclaimer = disclaimer;
  }
  return p;
}

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t out;
  if (__builtin_add_overflow(a, b, &out)) return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
  return out;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

std::string_view incident_type_name(IncidentType t) {
  switch (t) {
    case IncidentType::rape: return "rape";
    case IncidentType::sexual_assault: return "sexual_assault";
    case IncidentType::physical_assault: return "physical_assault";
    case IncidentType::forced_marriage: return "forced_marriage";
    case IncidentType::denial_of_resources: return "denial_of_resources";
    case IncidentType::psychological_abuse: return "psychological_abuse";
    case IncidentType::non_gbv: return "non_gbv";
  }
  return "non_gbv";
}

std::optional<IncidentType> parse_incident_type(std::string_view s) {
  for (auto t : {IncidentType::rape, IncidentType::sexual_assault, IncidentType::physical_assault,
                 IncidentType::forced_marriage, IncidentType::denial_of_resources, IncidentType::psychological_abuse,
                 IncidentType::non_gbv})
    if (incident_type_name(t) == s) return t;
  return std::nullopt;
}

std::string_view audience_name(Audience a) { return a == Audience::operator_ ? "operator" : "public"; }

std::optional<Audience> parse_audience(std::string_view s) {
  if (s == "operator") return Audience::operator_;
  if (s == "public") return Audience::public_;
  return std::nullopt;
}

std::string_view elapsed_bucket_name(ElapsedBucket b) {
  switch (b) {
    case ElapsedBucket::within_72h: return "0_72h";
    case ElapsedBucket::h72_to_120h: return "72_120h";
    case ElapsedBucket::h120_to_14d: return "120h_14d";
    case ElapsedBucket::over_14d: return "over_14d";
    case ElapsedBucket::unknown: return "unknown";
  }
  return "unknown";
}

ElapsedBucket elapsed_bucket(std::optional<std::int64_t> seconds) {
  if (!seconds || *seconds < 0) return ElapsedBucket::unknown;
  if (*seconds <= 72 * kHour) return ElapsedBucket::within_72h;
  if (*seconds <= 120 * kHour) return ElapsedBucket::h72_to_120h;
  if (*seconds <= 14 * 24 * kHour) return ElapsedBucket::h120_to_14d;
  return ElapsedBucket::over_14d;
}

TimeWindows windows(std::int64_t incident, std::int64_t now) {
  TimeWindows w;
  std::int64_t elapsed;
  bool overflow = __builtin_sub_overflow(now, incident, &elapsed);
  if (overflow) elapsed = now > incident ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
  w.elapsed_seconds = elapsed;
  w.hours_elapsed = floor_div(elapsed, kHour);
  w.deadline_72h = saturating_add(incident, 72 * kHour);
  w.deadline_120h = saturating_add(incident, 120 * kHour);
  w.bucket = elapsed_bucket(elapsed);
  return w;
}

bool matches(const Trigger& t, const Situation& s) {
  if (!t.incident_types.empty()) {
    if (!s.incident_type) return false;
    if (std::find(t.incident_types.begin(), t.incident_types.end(), *s.incident_type) == t.incident_types.end())
      return false;
  }
  if ((t.child && !s.child) || (t.ipv && !s.ipv) || (t.police_refused && !s.police_refused)) return false;
  // An unknown or future incident time matches every window (header: the operator should ask).
  if (s.seconds_since_incident && *s.seconds_since_incident >= 0) {
    std::int64_t e = *s.seconds_since_incident;
    if (t.after_hours && e <= *t.after_hours * kHour) return false;
    if (t.until_hours && e > *t.until_hours * kHour) return false;
  }
  if (!t.stages.empty()) {
    if (!s.case_stage) return false;
    if (std::find(t.stages.begin(), t.stages.end(), *s.case_stage) == t.stages.end()) return false;
  }
  return true;
}

bool Protocol::for_audience(Audience a) const { return std::find(audience.begin(), audience.end(), a) != audience.end(); }

const Protocols& Protocols::starter() {
  // A compiled-in constant the tests parse: failing here is a bug in the build.
  static const Protocols p = [] {
    auto r = parse(kStarterSet);
    if (!r) {
      std::fprintf(stderr, "desk/protocols_kz.inc: %s (%s)\n", r.error().message.c_str(), r.error().field.c_str());
      std::abort();
    }
    return std::move(*r);
  }();
  return p;
}

Result<Protocols> Protocols::parse(std::string_view text, const Procedure& procedure) {
  AMANAT_TRY(j, parse_json(text));
  if (!j.is_object()) return fail(Errc::invalid, "a protocol set is a JSON object");
  const std::string root;
  AMANAT_CHECK(only_keys(j, root, {"id", "version", "note", "disclaimer", "protocols"}));
  Protocols out;
  AMANAT_TRY(id, string_at(j, root, "id", true));
  AMANAT_TRY(version, string_at(j, root, "version", true));
  AMANAT_TRY(note, string_at(j, root, "note", false));
  AMANAT_TRY(disclaimer, labels_at(j, root, "disclaimer"));
  out.note_ = std::move(note);
  out.id_ = std::move(id);
  out.version_ = std::move(version);
  out.disclaimer_ = std::move(disclaimer);
  AMANAT_TRY(list, array_at(j, root, "protocols", true, false));
  for (std::size_t i = 0; i < list->size(); ++i) {
    std::string path = index("protocols", i);
    AMANAT_TRY(p, protocol_of((*list)[i], path, out.disclaimer_, procedure));
    if (out.find(p.id)) return fail_field(join(path, "id"), "duplicate protocol \"" + p.id + "\"");
    out.protocols_.push_back(std::move(p));
  }
  return out;
}

const Protocol* Protocols::find(std::string_view id) const {
  for (const auto& p : protocols_)
    if (p.id == id) return &p;
  return nullptr;
}

std::vector<const Protocol*> Protocols::select(const Situation& s) const {
  std::vector<const Protocol*> out;
  for (const auto& p : protocols_) {
    if (!p.for_audience(s.audience)) continue;
    if (std::any_of(p.triggers.begin(), p.triggers.end(), [&](const Trigger& t) { return matches(t, s); }))
      out.push_back(&p);
  }
  return out;
}

}  // namespace amanat::desk
