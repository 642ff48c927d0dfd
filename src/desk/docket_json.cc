#include "desk/docket_json.h"

namespace amanat::desk::docket {

using ojson = nlohmann::ordered_json;

namespace {

std::string text(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Status strings_only(const nlohmann::json& j, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (j.contains(n) && !j[n].is_string()) return fail_field(n, "a string");
  return {};
}

ojson date_json(const Date& d) { return d.iso; }

}  // namespace

Date date_of(const std::string& iso) {
  DatePrecision p = iso.empty()        ? DatePrecision::unknown
                    : iso.size() == 4  ? DatePrecision::year
                    : iso.size() == 7  ? DatePrecision::month
                                       : DatePrecision::day;
  return Date{iso, p};
}

ojson to_json(const Event& e) {
  ojson j{{"kind", event_kind_id(e.kind)},
          {"date", date_json(e.date)},
          {"document", {{"name", e.document.name}, {"number", e.document.number},
                        {"status", document_status_name(e.document.status)}}},
          {"source", e.source},
          {"verification", e.verification},
          {"note", e.note}};
  if (e.log_index) j["log_index"] = *e.log_index;
  return j;
}

ojson to_json(const Proceeding& p) {
  ojson people = ojson::array(), events = ojson::array(), remedies = ojson::array(), pubs = ojson::array();
  for (const auto& x : p.people) people.push_back({{"label", x.label}, {"is_public", x.is_public}, {"role", x.role}});
  for (const auto& e : p.events) events.push_back(to_json(e));
  for (const auto& r : p.remedies) remedies.push_back({{"to_whom", r.to_whom}, {"date", r.date.iso}, {"result", r.result}});
  for (const auto& u : p.publications) {
    ojson corrections = ojson::array();
    for (const auto& c : u.corrections) corrections.push_back({{"date", c.date.iso}, {"text", c.text}});
    pubs.push_back({{"title", u.title}, {"url", u.url}, {"date", u.date.iso}, {"corrections", corrections}});
  }
  ojson j{{"id", p.id},           {"title", p.title},   {"articles", p.articles}, {"authority", p.authority},
          {"region", p.region},   {"people", people},   {"events", events},       {"remedies", remedies},
          {"publications", pubs}};
  if (p.erdr_number) j["erdr_number"] = *p.erdr_number;
  return j;
}

ojson to_json(const ChronologyHeader& h) {
  return {{"defender", h.defender},
          {"organisation", h.organisation},
          {"activities", h.activities},
          {"risk_summary", h.risk_summary},
          {"consent_name_to_government", h.consent_name_to_government},
          {"consent_public_reports", h.consent_public_reports}};
}

Result<Event> event_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return fail_field("event", "an object");
  AMANAT_CHECK(strings_only(j, {"kind", "date", "source", "verification", "note"}));
  Event e;
  auto kind = parse_event_kind(text(j, "kind"));
  if (!kind) return fail_field("kind", "not a docket event kind");
  e.kind = *kind;
  e.date = date_of(text(j, "date"));
  if (j.contains("document")) {
    const auto& d = j["document"];
    if (!d.is_object()) return fail_field("document", "an object");
    e.document.name = text(d, "name");
    e.document.number = text(d, "number");
    auto st = parse_document_status(d.contains("status") && d["status"].is_string() ? d["status"].get<std::string>()
                                                                                     : "unknown");
    if (!st) return fail_field("document.status", "obtained, requested, refused or unknown");
    e.document.status = *st;
  }
  e.source = text(j, "source");
  e.verification = text(j, "verification");
  e.note = text(j, "note");
  if (j.contains("log_index") && j["log_index"].is_number_unsigned()) e.log_index = j["log_index"].get<std::uint64_t>();
  return e;
}

Result<Remedy> remedy_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return fail_field("remedy", "an object");
  AMANAT_CHECK(strings_only(j, {"to_whom", "date", "result"}));
  return Remedy{text(j, "to_whom"), date_of(text(j, "date")), text(j, "result")};
}

Result<Publication> publication_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return fail_field("publication", "an object");
  AMANAT_CHECK(strings_only(j, {"title", "url", "date"}));
  Publication p{text(j, "title"), text(j, "url"), date_of(text(j, "date")), {}};
  if (j.contains("corrections"))
    for (const auto& c : j["corrections"]) {
      if (!c.is_object()) return fail_field("corrections", "objects");
      p.corrections.push_back(Correction{date_of(text(c, "date")), text(c, "text")});
    }
  return p;
}

Result<Proceeding> proceeding_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return fail_field("proceeding", "an object");
  AMANAT_CHECK(strings_only(j, {"id", "title", "authority", "region", "erdr_number"}));
  Proceeding p;
  p.id = text(j, "id");
  p.title = text(j, "title");
  p.authority = text(j, "authority");
  p.region = text(j, "region");
  if (j.contains("erdr_number")) p.erdr_number = text(j, "erdr_number");
  if (j.contains("articles"))
    for (const auto& a : j["articles"]) {
      if (!a.is_string()) return fail_field("articles", "strings");
      p.articles.push_back(a.get<std::string>());
    }
  if (j.contains("people"))
    for (const auto& x : j["people"]) {
      if (!x.is_object()) return fail_field("people", "objects");
      p.people.push_back(Person{text(x, "label"), x.value("is_public", false), text(x, "role")});
    }
  auto each = [&](const char* name, auto&& parse, auto& into) -> Status {
    if (!j.contains(name)) return {};
    std::size_t i = 0;
    for (const auto& x : j[name]) {
      auto v = parse(x);
      if (!v) {
        Error e = v.error();
        e.field = std::string(name) + "[" + std::to_string(i) + "]." + e.field;
        return std::unexpected(e);
      }
      into.push_back(std::move(*v));
      ++i;
    }
    return {};
  };
  AMANAT_CHECK(each("events", event_from_json, p.events));
  AMANAT_CHECK(each("remedies", remedy_from_json, p.remedies));
  AMANAT_CHECK(each("publications", publication_from_json, p.publications));
  return p;
}

Result<ChronologyHeader> header_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return fail_field("header", "an object");
  AMANAT_CHECK(strings_only(j, {"defender", "organisation", "activities", "risk_summary"}));
  return ChronologyHeader{text(j, "defender"),
                          text(j, "organisation"),
                          text(j, "activities"),
                          text(j, "risk_summary"),
                          j.value("consent_name_to_government", false),
                          j.value("consent_public_reports", false),
                          {}};
}

}  // namespace amanat::desk::docket
