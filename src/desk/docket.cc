#include "desk/docket.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <utility>

namespace amanat::desk::docket {
namespace {

using std::chrono::sys_days;

constexpr std::array<std::pair<EventKind, std::string_view>, 18> kKinds{{
    {EventKind::opened, "opened"},
    {EventKind::qualified_as_suspect, "qualified_as_suspect"},
    {EventKind::interrupted, "interrupted"},
    {EventKind::terminated, "terminated"},
    {EventKind::reopened, "reopened"},
    {EventKind::suspended_by_court, "suspended_by_court"},
    {EventKind::resumed, "resumed"},
    {EventKind::acquitted, "acquitted"},
    {EventKind::convicted, "convicted"},
    {EventKind::wanted_list, "wanted_list"},
    {EventKind::extradition_request, "extradition_request"},
    {EventKind::entry_ban, "entry_ban"},
    {EventKind::accounts_frozen, "accounts_frozen"},
    {EventKind::donors_data_requested, "donors_data_requested"},
    {EventKind::file_access_refused, "file_access_refused"},
    {EventKind::summons, "summons"},
    {EventKind::hearing, "hearing"},
    {EventKind::other, "other"},
}};

// Digits only, exactly `n` of them, as an int.
std::optional<int> digits(std::string_view s, size_t n) {
  if (s.size() != n) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool is_http_url(std::string_view u) {
  auto starts = [&](std::string_view p) {
    if (u.size() <= p.size()) return false;
    for (size_t i = 0; i < p.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(u[i])) != p[i]) return false;
    return true;
  };
  return starts("https://") || starts("http://");
}

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

std::string idx(std::string_view name, size_t i) {
  return std::string(name) + "[" + std::to_string(i) + "]";
}

Status check_date(const Date& d, const std::string& field) {
  if (d.precision == DatePrecision::unknown) {
    if (!d.iso.empty()) return fail_field(field, "an unknown date must be empty; set its precision to day, month or year");
    return {};
  }
  if (!day_range(d)) {
    const char* shape = d.precision == DatePrecision::day     ? "YYYY-MM-DD"
                        : d.precision == DatePrecision::month ? "YYYY-MM"
                                                              : "YYYY";
    return fail_field(field, std::string("not an ISO 8601 date of its precision (") + shape + ")");
  }
  return {};
}

}  // namespace

std::optional<sys_days> parse_iso_day(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto y = digits(s.substr(0, 4), 4), m = digits(s.substr(5, 2), 2), d = digits(s.substr(8, 2), 2);
  if (!y || !m || !d) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{*y}, std::chrono::month{static_cast<unsigned>(*m)},
                                  std::chrono::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

std::optional<DayRange> day_range(const Date& d) {
  using namespace std::chrono;
  switch (d.precision) {
    case DatePrecision::day: {
      auto day = parse_iso_day(d.iso);
      if (!day) return std::nullopt;
      return DayRange{*day, *day};
    }
    case DatePrecision::month: {
      if (d.iso.size() != 7 || d.iso[4] != '-') return std::nullopt;
      auto y = digits(std::string_view(d.iso).substr(0, 4), 4), m = digits(std::string_view(d.iso).substr(5, 2), 2);
      if (!y || !m || *m < 1 || *m > 12) return std::nullopt;
      year_month ym{year{*y}, month{static_cast<unsigned>(*m)}};
      return DayRange{sys_days{ym / 1}, sys_days{ym / last}};
    }
    case DatePrecision::year: {
      auto y = digits(d.iso, 4);
      if (!y) return std::nullopt;
      return DayRange{sys_days{year{*y} / January / 1}, sys_days{year{*y} / December / 31}};
    }
    case DatePrecision::unknown:
      return std::nullopt;
  }
  return std::nullopt;
}

std::string_view event_kind_id(EventKind k) {
  for (auto& [kind, id] : kKinds)
    if (kind == k) return id;
  return "other";
}

std::optional<EventKind> parse_event_kind(std::string_view id) {
  for (auto& [kind, name] : kKinds)
    if (name == id) return kind;
  return std::nullopt;
}

bool is_stop(EventKind k) {
  return k == EventKind::interrupted || k == EventKind::suspended_by_court || k == EventKind::terminated ||
         k == EventKind::acquitted || k == EventKind::convicted;
}

bool is_restart(EventKind k) { return k == EventKind::reopened || k == EventKind::resumed; }

Status validate(const Proceeding& p) {
  if (blank(p.id)) return fail_field("id", "a proceeding needs an id");
  if (blank(p.title)) return fail_field("title", "a proceeding needs a title");
  for (size_t i = 0; i < p.articles.size(); ++i)
    if (blank(p.articles[i])) return fail_field(idx("articles", i), "an article must not be empty");
  if (p.erdr_number) {
    if (p.erdr_number->empty() ||
        !std::all_of(p.erdr_number->begin(), p.erdr_number->end(), [](char c) { return c >= '0' && c <= '9'; }))
      return fail_field("erdr_number", "an ЕРДР number is digits only; leave it out when it is not known");
  }
  for (size_t i = 0; i < p.people.size(); ++i)
    if (blank(p.people[i].label)) return fail_field(idx("people", i) + ".label", "a person needs a label");

  // The events: dates, then the order and the stop/restart walk.
  std::optional<DayRange> opened_on;  // the opening's known date
  std::optional<DayRange> latest;     // the latest known date so far
  bool seen_opened = false, stopped = false;
  for (size_t i = 0; i < p.events.size(); ++i) {
    const Event& e = p.events[i];
    const std::string at = idx("events", i);
    AMANAT_CHECK(check_date(e.date, at + ".date"));
    if (i == 0 && e.kind != EventKind::opened)
      return fail_field(at + ".kind", "the first event of a proceeding is its opening (kind opened; its date may be unknown)");
    if (e.kind == EventKind::opened && seen_opened)
      return fail_field(at + ".kind", "a proceeding is opened once; record a later opening as reopened, or as another proceeding");
    auto range = day_range(e.date);
    if (range) {
      if (opened_on && range->last < opened_on->first)
        return fail_field(at + ".date", "the event is dated before the proceeding was opened");
      if (latest && range->last < latest->first)
        return fail_field(at + ".date", "the event is dated before an earlier event; keep the events in the order they happened");
      if (!latest || range->first > latest->first) latest = range;
    }
    if (e.kind == EventKind::opened) {
      seen_opened = true;
      opened_on = range;
    }
    if (is_restart(e.kind)) {
      if (!stopped)
        return fail_field(at + ".kind", std::string(event_kind_id(e.kind)) +
                                            " with nothing to reopen: the proceeding is not interrupted, suspended, terminated or decided at this point");
      stopped = false;
    } else if (is_stop(e.kind)) {
      stopped = true;
    }
  }

  for (size_t i = 0; i < p.remedies.size(); ++i) {
    const std::string at = idx("remedies", i);
    if (blank(p.remedies[i].to_whom)) return fail_field(at + ".to_whom", "say to whom the complaint went");
    AMANAT_CHECK(check_date(p.remedies[i].date, at + ".date"));
  }
  for (size_t i = 0; i < p.publications.size(); ++i) {
    const Publication& pub = p.publications[i];
    const std::string at = idx("publications", i);
    if (blank(pub.title)) return fail_field(at + ".title", "a publication needs a title");
    if (!pub.url.empty() && !is_http_url(pub.url))
      return fail_field(at + ".url", "only http:// and https:// addresses are allowed");
    AMANAT_CHECK(check_date(pub.date, at + ".date"));
    auto published = day_range(pub.date);
    for (size_t j = 0; j < pub.corrections.size(); ++j) {
      const std::string cat = at + "." + idx("corrections", j);
      AMANAT_CHECK(check_date(pub.corrections[j].date, cat + ".date"));
      auto corrected = day_range(pub.corrections[j].date);
      if (published && corrected && corrected->last < published->first)
        return fail_field(cat + ".date", "a correction is dated before its publication");
      if (blank(pub.corrections[j].text)) return fail_field(cat + ".text", "say what was corrected");
    }
  }
  return {};
}

Status validate(const Docket& d) {
  std::set<std::string_view> ids;
  for (size_t i = 0; i < d.proceedings.size(); ++i) {
    const std::string at = idx("proceedings", i);
    if (auto s = validate(d.proceedings[i]); !s) {
      Error e = s.error();
      e.field = at + "." + e.field;
      e.message = at + "." + e.message;
      return std::unexpected(std::move(e));
    }
    if (!ids.insert(d.proceedings[i].id).second) return fail_field(at + ".id", "another proceeding has this id");
  }
  return {};
}

namespace {

// [start, end) in days of one proceeding, or nullopt when a date it needs is unknown.
std::optional<std::pair<sys_days, sys_days>> open_interval(const Proceeding& p, sys_days as_of) {
  std::optional<sys_days> start;
  bool have_open = false;
  for (const Event& e : p.events)
    if (e.kind == EventKind::opened) {
      have_open = true;
      if (auto r = day_range(e.date)) start = r->first;
      break;
    }
  if (!have_open || !start) return std::nullopt;
  // The last event that changes the state decides how the proceeding ends.
  const Event* last_state = nullptr;
  for (const Event& e : p.events)
    if (is_stop(e.kind) || is_restart(e.kind) || e.kind == EventKind::opened) last_state = &e;
  sys_days end = as_of;
  if (last_state && (last_state->kind == EventKind::terminated || last_state->kind == EventKind::acquitted ||
                     last_state->kind == EventKind::convicted)) {
    auto r = day_range(last_state->date);
    if (!r) return std::nullopt;
    end = r->first;
  }
  if (end < *start) end = *start;
  return std::pair{*start, end};
}

}  // namespace

Counts count(const Proceeding& p, sys_days as_of) {
  Counts c;
  c.proceedings = 1;
  bool stopped = false;
  for (const Event& e : p.events) {
    switch (e.kind) {
      case EventKind::opened: ++c.opened; break;
      case EventKind::interrupted: ++c.interrupted; break;
      case EventKind::suspended_by_court: ++c.suspended; break;
      case EventKind::terminated: ++c.terminated; break;
      case EventKind::reopened: ++c.reopened; break;
      case EventKind::resumed: ++c.resumed; break;
      default: break;
    }
    if (is_stop(e.kind)) {
      stopped = true;
    } else if (is_restart(e.kind)) {
      if (stopped) ++c.restarts;
      stopped = false;
    }
    if (e.document.status == DocumentStatus::refused || e.kind == EventKind::file_access_refused) ++c.documents_refused;
  }
  if (auto iv = open_interval(p, as_of)) c.days_open = (iv->second - iv->first).count();
  return c;
}

DocketCounts count(const Docket& d, sys_days as_of) {
  DocketCounts out;
  std::vector<std::pair<sys_days, sys_days>> intervals;
  bool all_known = true;
  for (const Proceeding& p : d.proceedings) {
    Counts c = count(p, as_of);
    out.total.proceedings += 1;
    out.total.opened += c.opened;
    out.total.interrupted += c.interrupted;
    out.total.suspended += c.suspended;
    out.total.terminated += c.terminated;
    out.total.reopened += c.reopened;
    out.total.resumed += c.resumed;
    out.total.restarts += c.restarts;
    out.total.documents_refused += c.documents_refused;
    if (auto iv = open_interval(p, as_of))
      intervals.push_back(*iv);
    else
      all_known = false;
    out.per_proceeding.push_back(c);
  }
  if (all_known) {
    // The union of the proceedings' intervals: overlapping days count once.
    std::sort(intervals.begin(), intervals.end());
    std::int64_t days = 0;
    std::optional<std::pair<sys_days, sys_days>> cur;
    for (auto& iv : intervals) {
      if (cur && iv.first <= cur->second) {
        cur->second = std::max(cur->second, iv.second);
      } else {
        if (cur) days += (cur->second - cur->first).count();
        cur = iv;
      }
    }
    if (cur) days += (cur->second - cur->first).count();
    out.total.days_open = days;
  }
  return out;
}

}  // namespace amanat::desk::docket
