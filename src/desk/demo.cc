#include "desk/demo.h"

#include <algorithm>
#include <random>

#include "books/model.h"

namespace amanat::desk {

namespace {

template <std::size_t N>
std::string pick(std::mt19937_64& rng, const std::string_view (&values)[N], const std::vector<int>& weights) {
  std::discrete_distribution<std::size_t> d(weights.begin(), weights.end());
  return std::string(values[d(rng)]);
}

std::string date_of(std::int64_t unix) { return books::date_of_day(unix / 86400); }

// A case's history: the walk through the procedure table that the demo gives it. Dates move
// forward from `t`, and the walk stops at today.
struct Walk {
  std::mt19937_64& rng;
  std::int64_t t, today;
  std::vector<NewEvent> events;
  bool stopped = false;

  void step(std::string kind, std::vector<std::pair<std::string, std::string>> fields = {}, int min_days = 5,
            int max_days = 60) {
    if (stopped) return;
    t += 86400 * std::uniform_int_distribution<int>(min_days, max_days)(rng);
    if (t > today) {
      stopped = true;
      return;
    }
    static constexpr DocumentStatus kDocs[] = {DocumentStatus::obtained, DocumentStatus::obtained,
                                               DocumentStatus::requested, DocumentStatus::refused,
                                               DocumentStatus::unknown};
    events.push_back(NewEvent{.kind = std::move(kind), .date = date_of(t),
                              .document_status = kDocs[rng() % std::size(kDocs)], .fields = std::move(fields)});
  }
};

// The people a trial judged, each a suspect with their own state: recognised on the day the
// case's suspect was, charged with the indictment, and the verdict's outcome for them (a
// conviction with a sentence as pronounced; "other" verdicts leave them charged). A walk that
// stopped before one of these days stops the suspects there too.
Status add_suspects(Desk& desk, const User& by, const std::string& code, const std::string& article,
                    const std::vector<NewEvent>& events, int trial, std::int64_t persons, std::mt19937_64& rng) {
  auto day = [&](std::string_view kind) {
    for (const auto& e : events)
      if (e.kind == kind) return e.date;
    return std::string();
  };
  const std::string identified = day("suspect_identified"), indicted = day("indicted"), verdict = day("verdict");
  if (identified.empty()) return {};
  for (std::int64_t k = 0; k < std::max<std::int64_t>(1, persons); ++k) {
    AMANAT_TRY(s, desk.add_suspect(by, code, NewSuspect{.article = article, .date = identified}));
    if (indicted.empty()) continue;
    AMANAT_CHECK(desk.change_suspect(by, code, s.id, SuspectChange{.state = "charged", .date = indicted}));
    if (verdict.empty() || trial == 3) continue;
    SuspectChange judged{.state = trial == 1 ? "convicted" : "acquitted", .date = verdict};
    if (trial == 1) {
      const std::int64_t years = 3 + static_cast<std::int64_t>(rng() % 13);
      judged.sentence = std::to_string(years) + " years";
      judged.sentence_kind = "imprisonment";
      judged.sentence_months = years * 12;
    }
    AMANAT_CHECK(desk.change_suspect(by, code, s.id, judged));
  }
  return {};
}

}  // namespace

Result<DeskDemoSummary> generate_desk_demo(Desk& desk, const DeskDemoStaff& staff, const DeskDemoOptions& o,
                                           Progress* progress) {
  std::mt19937_64 rng(o.seed);
  auto start_day = books::day_number(o.start);
  if (!start_day) return fail_field("start", "a date YYYY-MM-DD");
  const std::int64_t start = *start_day * 86400;
  const std::int64_t span = std::int64_t{o.years} * 365 * 86400;
  const std::int64_t today = std::time(nullptr);
  for (auto [name, n] : {std::pair{"consultations", o.consultations}, {"survivors", o.survivors},
                         {"to_trial", o.to_trial}, {"convicted", o.convicted}, {"disciplinary", o.disciplinary},
                         {"accountable", o.accountable}, {"other_complaints", o.other_complaints}})
    if (n < 0 || n > 10'000'000) return fail_field(name, "a number from 0 to 10,000,000");
  if (o.years < 1 || o.years > 50) return fail_field("years", "from 1 to 50");
  if (o.survivors > o.consultations) return fail_field("survivors", "at most one per consultation");
  if (o.to_trial > o.survivors) return fail_field("to_trial", "at most one per survivor");
  DeskDemoSummary sum;

  // 1. Consultations, oldest first; every (consultations / survivors)-th one names a new survivor.
  std::vector<std::int64_t> times(static_cast<std::size_t>(o.consultations));
  for (auto& t : times) t = start + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(span));
  std::sort(times.begin(), times.end());
  struct Survivor {
    std::string code, category, region, age_group;
    std::int64_t at;
  };
  std::vector<Survivor> survivors;
  const std::int64_t every = std::max<std::int64_t>(1, o.consultations / std::max<std::int64_t>(1, o.survivors));
  std::vector<NewConsultation> batch;
  std::int64_t named = 0;
  auto flush = [&]() -> Status {
    if (batch.empty()) return {};
    AMANAT_TRY(logged, desk.import_consultations(staff.hotline, batch));
    for (std::size_t i = 0; i < logged.size(); ++i)
      if (!batch[i].identity.empty())
        survivors.push_back({*logged[i].survivor, batch[i].category, batch[i].region, batch[i].age_group, batch[i].at});
    sum.consultations += static_cast<std::int64_t>(batch.size());
    if (progress) progress->advance(batch.size());
    batch.clear();
    return {};
  };
  for (std::int64_t i = 0; i < o.consultations; ++i) {
    NewConsultation c{.at = times[static_cast<std::size_t>(i)]};
    c.channel = pick(rng, kChannels, {45, 25, 12, 6, 3, 6, 3});
    c.caller_role = pick(rng, kCallerRoles, {70, 20, 3, 5, 2});
    c.category = pick(rng, kCategories, {30, 20, 25, 3, 4, 15, 3});
    c.region = pick(rng, kRegions, {14, 16, 7, 3, 4, 4, 6, 3, 4, 4, 3, 3, 6, 3, 3, 3, 3, 3, 5, 1, 1, 2});
    c.age_group = pick(rng, kAgeGroups, {4, 8, 30, 35, 15, 4, 4});
    c.sex = pick(rng, kSexes, {88, 8, 1, 3});
    if (rng() % 5 == 0) c.context.push_back("ipv");
    if (rng() % 40 == 0) c.context.push_back("official");
    if (rng() % 20 == 0) c.context.push_back("online");
    if (rng() % 3 != 0) {
      c.incident_at = c.at - static_cast<std::int64_t>(rng() % (30 * 86400));
      c.incident_precision = "day";
    }
    c.police_status = pick(rng, kPoliceStatuses, {40, 15, 30, 5, 10});
    for (std::string_view r : kReferrals)
      if (rng() % 6 == 0) c.referrals.emplace_back(r);
    const bool names_survivor = i % every == 0 && named < o.survivors;
    c.outcome = names_survivor ? "case_opened" : pick(rng, kOutcomes, {60, 30, 0, 10});
    c.consent_stats = rng() % 100 < 85;
    if (names_survivor) {
      char name[40];
      std::snprintf(name, sizeof name, "Invented Person %05lld", static_cast<long long>(++named));
      c.identity = {{"name", name}};
    }
    batch.push_back(std::move(c));
    if (batch.size() == 2000) AMANAT_CHECK(flush());
  }
  AMANAT_CHECK(flush());
  sum.survivors = static_cast<std::int64_t>(survivors.size());

  // 2. A case for each survivor. Which go to trial is chosen up front, and how many people each
  // conviction convicts, so that the totals come out at the background's figures.
  std::vector<std::size_t> order(survivors.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<int> trial(survivors.size(), 0);  // 0: not to trial; 1: conviction; 2: acquittal; 3: other
  const std::int64_t trials = std::min<std::int64_t>(o.to_trial, static_cast<std::int64_t>(survivors.size()));
  // About 92% of trials convict, at least one where any did, never more than the people convicted.
  const std::int64_t convictions =
      std::min({trials, o.convicted, std::max<std::int64_t>(o.convicted > 0 ? 1 : 0, trials * 92 / 100)});
  for (std::int64_t i = 0; i < trials; ++i) trial[order[static_cast<std::size_t>(i)]] = i < convictions ? 1 : (i % 2 ? 2 : 3);
  std::vector<std::int64_t> persons(survivors.size(), 0);
  std::int64_t extra = std::max<std::int64_t>(0, o.convicted - convictions);
  for (std::int64_t i = 0; i < convictions; ++i) persons[order[static_cast<std::size_t>(i)]] = 1;
  while (extra > 0 && convictions > 0) {
    ++persons[order[rng() % static_cast<std::uint64_t>(convictions)]];
    --extra;
  }
  if (progress) progress->set_total(static_cast<std::uint64_t>(o.consultations) + survivors.size());
  for (std::size_t i = 0; i < survivors.size(); ++i) {
    const Survivor& s = survivors[i];
    NewCase c{.survivor = s.code, .category = s.category, .region = s.region,
              .articles = {s.category == "rape" ? "UK RK 120" : s.category == "sexual_assault" ? "UK RK 121" : "UK RK 107"},
              .case_worker = staff.case_worker.id, .consents = {.stats = rng() % 100 < 85, .lawyer = true},
              .opened = s.at + 86400 * static_cast<std::int64_t>(rng() % 5)};
    if (s.age_group == "0-11" || s.age_group == "12-17") c.context.push_back("child");
    if (i % 3 == 0) c.lawyer = staff.lawyer.id;
    if (*c.opened > today) c.opened = today;
    Walk w{rng, *c.opened, today};
    w.step("report_filed", {}, 0, 3);
    if (rng() % 100 < 12 && !trial[i]) {
      w.step("registration_refused");
    } else {
      w.step("registered", {}, 1, 10);
      w.step("investigation_started", {}, 1, 10);
      w.step("forensic_exam_appointed", {}, 1, 10);
      for (int k = static_cast<int>(rng() % 3); k > 0; --k) {
        w.step("term_interrupted", {{"ground", "suspect_not_identified"}});
        w.step("term_resumed", {}, 20, 120);
      }
      if (rng() % 4 == 0) {
        w.step("terminated", {{"ground", "no_corpus_delicti"}});
        if (trial[i] || rng() % 3 == 0) w.step("reopened", {{"cancelled_by", "prosecutor"}}, 20, 120);
      }
      if (trial[i]) {
        w.step("suspect_identified");
        w.step("completed");
        w.step("indicted");
        w.step("in_court");
        const char* outcome = trial[i] == 1 ? "conviction" : trial[i] == 2 ? "acquittal" : "other";
        std::vector<std::pair<std::string, std::string>> f = {{"outcome", outcome}};
        if (trial[i] == 1) f.emplace_back("convicted", std::to_string(persons[i]));
        w.step("verdict", f, 30, 150);
        if (rng() % 3 == 0) w.step("appeal_filed", {}, 5, 15);
        w.step("verdict_in_force", {}, 15, 60);
      } else if (rng() % 3 == 0 && !w.events.empty() && w.events.back().kind != "terminated") {
        w.step("terminated", {{"ground", "no_corpus_delicti"}});
      }
    }
    // The operator who took the call opens the case and hands it to the case worker.
    AMANAT_TRY(row, desk.import_case(staff.hotline, c, w.events));
    if (trial[i])
      AMANAT_CHECK(add_suspects(desk, staff.case_worker, row.code, c.articles.front(), w.events, trial[i], persons[i], rng));
    ++sum.cases;
    sum.events += static_cast<std::int64_t>(w.events.size());
    if (row.court_on) ++sum.to_trial;
    if (row.verdict == "conviction") {
      ++sum.convictions;
      sum.convicted += row.convicted;
    }
    if (progress) progress->advance();
  }

  // 3. Complaints against officials, with the background's outcomes.
  const std::int64_t complaints = o.disciplinary + o.accountable + o.other_complaints;
  for (std::int64_t i = 0; i < complaints; ++i) {
    std::int64_t filed = start + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(span - 200 * 86400));
    std::int64_t decided = std::min(today, filed + 86400 * static_cast<std::int64_t>(30 + rng() % 150));
    static constexpr std::string_view kRanks[] = {"lieutenant", "senior lieutenant", "captain", "major"};
    ComplaintRow c{.official_rank = pick(rng, kRanks, {3, 4, 3, 1}),
                   .official_unit = "district police department",
                   .region = pick(rng, kRegions, {14, 16, 7, 3, 4, 4, 6, 3, 4, 4, 3, 3, 6, 3, 3, 3, 3, 3, 5, 1, 0, 0}),
                   .conduct = pick(rng, kConducts, {30, 30, 10, 25, 5, 0}),
                   .filed_with = pick(rng, kFiledWith, {40, 40, 15, 5, 0}),
                   .filed_on = date_of(filed)};
    if (i < o.disciplinary) {
      c.outcome = i % 10 == 0 ? "dismissal" : "disciplinary";
    } else if (i < o.disciplinary + o.accountable) {
      c.outcome = "criminal_case";
      c.article = i % 2 ? "UK RK 370" : "UK RK 371";
    } else {
      c.outcome = i % 4 == 0 ? "pending" : "rejected";
    }
    if (c.outcome != "pending") c.decided_on = date_of(decided);
    AMANAT_CHECK(desk.add_complaint(staff.case_worker, c, std::nullopt));
    ++sum.complaints;
  }
  return sum;
}

}  // namespace amanat::desk
