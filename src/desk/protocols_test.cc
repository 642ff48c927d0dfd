#include "desk/protocols.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <nlohmann/json.hpp>

namespace amanat::desk {
namespace {

const Protocols& starter() { return Protocols::starter(); }

std::vector<std::string> ids(const std::vector<const Protocol*>& ps) {
  std::vector<std::string> out;
  for (const Protocol* p : ps) out.push_back(p->id);
  return out;
}

Situation sexual_assault_at(std::optional<std::int64_t> seconds) {
  Situation s;
  s.incident_type = IncidentType::sexual_assault;
  s.seconds_since_incident = seconds;
  return s;
}

using V = std::vector<std::string>;

TEST(Protocols, SexualAssaultAtTenHoursShowsTheFirst72HoursProtocol) {
  EXPECT_EQ(ids(starter().select(sexual_assault_at(10 * kHour))), V{"P-SV-0-72"});
  Situation rape = sexual_assault_at(10 * kHour);
  rape.incident_type = IncidentType::rape;
  EXPECT_EQ(ids(starter().select(rape)), V{"P-SV-0-72"});
}

TEST(Protocols, SexualAssaultAtAHundredHoursShowsTheEmergencyContraceptionWindow) {
  EXPECT_EQ(ids(starter().select(sexual_assault_at(100 * kHour))), V{"P-SV-72-120"});
}

TEST(Protocols, SexualAssaultAtTwoHundredHoursShowsTheLateProtocol) {
  EXPECT_EQ(ids(starter().select(sexual_assault_at(200 * kHour))), V{"P-SV-LATE"});
}

TEST(Protocols, TheWindowsCloseAtTheirUpperHourInclusive) {
  EXPECT_EQ(ids(starter().select(sexual_assault_at(0))), V{"P-SV-0-72"});
  EXPECT_EQ(ids(starter().select(sexual_assault_at(72 * kHour))), V{"P-SV-0-72"});
  EXPECT_EQ(ids(starter().select(sexual_assault_at(72 * kHour + 1))), V{"P-SV-72-120"});
  EXPECT_EQ(ids(starter().select(sexual_assault_at(120 * kHour))), V{"P-SV-72-120"});
  EXPECT_EQ(ids(starter().select(sexual_assault_at(120 * kHour + 1))), V{"P-SV-LATE"});
}

TEST(Protocols, AnUnknownOrFutureIncidentTimeShowsEveryWindowMostUrgentFirst) {
  V all = {"P-SV-0-72", "P-SV-72-120", "P-SV-LATE"};
  EXPECT_EQ(ids(starter().select(sexual_assault_at(std::nullopt))), all);
  EXPECT_EQ(ids(starter().select(sexual_assault_at(-5 * kHour))), all);
}

TEST(Protocols, AChildGetsTheChildProtocolRightAfterTheMostUrgentOne) {
  Situation s = sexual_assault_at(10 * kHour);
  s.child = true;
  EXPECT_EQ(ids(starter().select(s)), (V{"P-SV-0-72", "P-CHILD"}));
  s.seconds_since_incident = 200 * kHour;
  EXPECT_EQ(ids(starter().select(s)), (V{"P-CHILD", "P-SV-LATE"}));
  Situation other;
  other.incident_type = IncidentType::physical_assault;
  other.child = true;
  EXPECT_EQ(ids(starter().select(other)), V{"P-CHILD"});
}

TEST(Protocols, PartnerViolenceGetsTheAdministrativeTrackAndOtherAssaultsDoNot) {
  Situation s;
  s.incident_type = IncidentType::physical_assault;
  s.ipv = true;
  EXPECT_EQ(ids(starter().select(s)), V{"P-DV-ADMIN"});
  s.ipv = false;
  EXPECT_TRUE(starter().select(s).empty());
  s.incident_type = IncidentType::non_gbv;
  s.ipv = true;
  EXPECT_TRUE(starter().select(s).empty());
}

TEST(Protocols, StageProtocolsFollowTheCase) {
  Situation s;
  s.incident_type = IncidentType::rape;
  s.seconds_since_incident = 30 * 24 * kHour;
  s.case_stage = "interrupted";
  EXPECT_EQ(ids(starter().select(s)), (V{"P-SV-LATE", "P-INTERRUPTED"}));
  s.case_stage = "terminated";
  EXPECT_EQ(ids(starter().select(s)), (V{"P-SV-LATE", "P-TERMINATED"}));
  s.case_stage = "reported";
  EXPECT_EQ(ids(starter().select(s)), (V{"P-SV-LATE", "P-POLICE-REFUSES"}));
  s.case_stage = "investigating";
  EXPECT_EQ(ids(starter().select(s)), V{"P-SV-LATE"});
  // Without a case, a refusal by the police is enough.
  Situation refused;
  refused.police_refused = true;
  EXPECT_EQ(ids(starter().select(refused)), V{"P-POLICE-REFUSES"});
}

TEST(Protocols, NothingIsShownForAContactWithoutAnIncidentType) {
  EXPECT_TRUE(starter().select(Situation{}).empty());
}

TEST(Protocols, TheElapsedBucketsAreClosedAtTheirUpperEnd) {
  EXPECT_EQ(elapsed_bucket(0), ElapsedBucket::within_72h);
  EXPECT_EQ(elapsed_bucket(72 * kHour - 1), ElapsedBucket::within_72h);
  EXPECT_EQ(elapsed_bucket(72 * kHour), ElapsedBucket::within_72h);
  EXPECT_EQ(elapsed_bucket(72 * kHour + 1), ElapsedBucket::h72_to_120h);
  EXPECT_EQ(elapsed_bucket(120 * kHour), ElapsedBucket::h72_to_120h);
  EXPECT_EQ(elapsed_bucket(120 * kHour + 1), ElapsedBucket::h120_to_14d);
  EXPECT_EQ(elapsed_bucket(14 * 24 * kHour), ElapsedBucket::h120_to_14d);
  EXPECT_EQ(elapsed_bucket(14 * 24 * kHour + 1), ElapsedBucket::over_14d);
  EXPECT_EQ(elapsed_bucket(std::numeric_limits<std::int64_t>::max()), ElapsedBucket::over_14d);
  EXPECT_EQ(elapsed_bucket(-1), ElapsedBucket::unknown);
  EXPECT_EQ(elapsed_bucket(std::nullopt), ElapsedBucket::unknown);
  // Primero's day buckets put a 4-day delay in "0-3 days" (desk.md §0.6); hours do not: 4 days
  // is 96 h, in the second bucket.
  EXPECT_EQ(elapsed_bucket(4 * 24 * kHour), ElapsedBucket::h72_to_120h);
  EXPECT_EQ(elapsed_bucket_name(ElapsedBucket::within_72h), "0_72h");
  EXPECT_EQ(elapsed_bucket_name(ElapsedBucket::h72_to_120h), "72_120h");
  EXPECT_EQ(elapsed_bucket_name(ElapsedBucket::h120_to_14d), "120h_14d");
  EXPECT_EQ(elapsed_bucket_name(ElapsedBucket::over_14d), "over_14d");
  EXPECT_EQ(elapsed_bucket_name(ElapsedBucket::unknown), "unknown");
}

TEST(Protocols, WindowsGiveHoursElapsedAndTheDeadlinesInUnixSeconds) {
  const std::int64_t incident = 1'796'000'000;  // some night in 2026
  TimeWindows w = windows(incident, incident + 71 * kHour + 3599);
  EXPECT_EQ(w.elapsed_seconds, 71 * kHour + 3599);
  EXPECT_EQ(w.hours_elapsed, 71);
  EXPECT_EQ(w.deadline_72h, incident + 259'200);
  EXPECT_EQ(w.deadline_120h, incident + 432'000);
  EXPECT_EQ(w.bucket, ElapsedBucket::within_72h);

  EXPECT_EQ(windows(incident, w.deadline_72h).bucket, ElapsedBucket::within_72h);
  EXPECT_EQ(windows(incident, w.deadline_72h + 1).bucket, ElapsedBucket::h72_to_120h);
  EXPECT_EQ(windows(incident, w.deadline_72h + 1).hours_elapsed, 72);
  EXPECT_EQ(windows(incident, w.deadline_120h).bucket, ElapsedBucket::h72_to_120h);
  EXPECT_EQ(windows(incident, w.deadline_120h + 1).bucket, ElapsedBucket::h120_to_14d);

  TimeWindows future = windows(incident, incident - 1);
  EXPECT_EQ(future.bucket, ElapsedBucket::unknown);
  EXPECT_EQ(future.hours_elapsed, -1);  // rounded down, not toward zero
  EXPECT_EQ(future.deadline_72h, incident + 72 * kHour);
}

TEST(Protocols, WindowsDoNotOverflowOnNonsenseTimes) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  TimeWindows a = windows(kMin, kMax);
  EXPECT_EQ(a.elapsed_seconds, kMax);
  EXPECT_EQ(a.bucket, ElapsedBucket::over_14d);
  TimeWindows b = windows(kMax, kMin);
  EXPECT_EQ(b.bucket, ElapsedBucket::unknown);
  EXPECT_EQ(b.deadline_72h, kMax);
  EXPECT_EQ(b.deadline_120h, kMax);
}

TEST(Protocols, TheStarterSetHasTheEightProtocolsOfDeskMdAndNobodyHasReviewedThem) {
  V want = {"P-SV-0-72", "P-SV-72-120", "P-CHILD", "P-SV-LATE", "P-POLICE-REFUSES", "P-DV-ADMIN", "P-INTERRUPTED", "P-TERMINATED"};
  V got;
  for (const auto& p : starter().all()) got.push_back(p.id);
  EXPECT_EQ(got, want);
  for (const auto& p : starter().all()) {
    EXPECT_FALSE(p.reviewed()) << p.id << ": the starter set must not claim a review it did not have";
    EXPECT_GE(p.version, 1);
    EXPECT_FALSE(p.sources.empty()) << p.id;
    EXPECT_TRUE(p.for_audience(Audience::operator_)) << p.id;
    EXPECT_TRUE(p.for_audience(Audience::public_)) << p.id;
  }
  EXPECT_NE(starter().note().find("NOT reviewed"), std::string_view::npos);
}

TEST(Protocols, EveryProtocolHasAllThreeLanguagesAndTheDisclaimer) {
  auto full = [](const Labels& l, const std::string& where) {
    EXPECT_FALSE(l.en.empty()) << where;
    EXPECT_FALSE(l.ru.empty()) << where;
    EXPECT_FALSE(l.kk.empty()) << where;
    if (l.unverified) {
      EXPECT_FALSE(l.note.empty()) << where;
    }
  };
  full(starter().disclaimer(), "disclaimer");
  EXPECT_NE(starter().disclaimer().en.find("not legal or medical advice"), std::string::npos);
  for (const auto& p : starter().all()) {
    full(p.title, p.id + " title");
    full(p.disclaimer, p.id + " disclaimer");
    EXPECT_EQ(p.disclaimer.en, starter().disclaimer().en) << p.id;
    ASSERT_FALSE(p.steps.empty()) << p.id;
    for (std::size_t i = 0; i < p.steps.size(); ++i) full(p.steps[i], p.id + " step " + std::to_string(i));
  }
}

TEST(Protocols, FactsDeskMdLeavesUnverifiedAreMarkedInTheData) {
  const Protocol* first = starter().find("P-SV-0-72");
  ASSERT_NE(first, nullptr);
  auto step_with = [&](const Protocol& p, std::string_view text) -> const Labels* {
    for (const auto& s : p.steps)
      if (s.en.find(text) != std::string::npos) return &s;
    return nullptr;
  };
  const Labels* bag = step_with(*first, "paper bag");
  ASSERT_NE(bag, nullptr);
  EXPECT_TRUE(bag->unverified);
  const Labels* police = step_with(*first, "102");
  ASSERT_NE(police, nullptr);
  EXPECT_TRUE(police->unverified);
  const Labels* hiv = step_with(*first, "72 hours");
  ASSERT_NE(hiv, nullptr);
  EXPECT_FALSE(hiv->unverified);
  const Labels* art105 = step_with(*starter().find("P-POLICE-REFUSES"), "art. 105");
  ASSERT_NE(art105, nullptr);
  EXPECT_TRUE(art105->unverified);
}

TEST(Protocols, IncidentTypeAndAudienceNamesRoundTrip) {
  for (auto t : {IncidentType::rape, IncidentType::sexual_assault, IncidentType::physical_assault, IncidentType::forced_marriage,
                 IncidentType::denial_of_resources, IncidentType::psychological_abuse, IncidentType::non_gbv})
    EXPECT_EQ(parse_incident_type(incident_type_name(t)), t);
  EXPECT_EQ(parse_incident_type("csa"), std::nullopt);  // context, not a type (desk.md §2)
  EXPECT_EQ(parse_audience("operator"), Audience::operator_);
  EXPECT_EQ(parse_audience("public"), Audience::public_);
  EXPECT_EQ(audience_name(Audience::operator_), "operator");
  EXPECT_EQ(parse_audience("staff"), std::nullopt);
}

// A small valid set that the refusal cases break one thing at a time.
nlohmann::json small_set() {
  auto l = [](const char* en) { return nlohmann::json{{"en", en}, {"ru", "ру"}, {"kk", "қз"}}; };
  return {
      {"id", "test"},
      {"version", "1"},
      {"disclaimer", l("General guidance, not legal or medical advice.")},
      {"protocols",
       {{{"id", "P-OPS"},
         {"version", 2},
         {"triggers", {{{"incident_types", {"rape"}}, {"hours", {{"after", 1}, {"until", 5}}}}}},
         {"audience", {"operator"}},
         {"title", l("For operators")},
         {"steps", {l("One"), l("Two")}},
         {"sources", {"somewhere"}},
         {"reviewed_by", nlohmann::json::array()}},
        {{"id", "P-ALL"},
         {"version", 1},
         {"triggers", {{{"context", {"child"}}, {"stages", {"in_court"}}}}},
         {"audience", {"operator", "public"}},
         {"title", l("For everyone")},
         {"steps", {l("One")}},
         {"sources", {"somewhere"}},
         {"reviewed_by", {{{"role", "lawyer"}, {"name", "A. Lawyer"}, {"date", "2026-12-01"}}}},
         {"disclaimer", l("Own disclaimer")}}}},
  };
}

TEST(Protocols, ASmallSetSelectsByAudienceWindowFlagsAndStage) {
  auto set = Protocols::parse(small_set().dump());
  ASSERT_TRUE(set) << set.error().field << ": " << set.error().message;
  Situation s;
  s.incident_type = IncidentType::rape;
  s.seconds_since_incident = 3 * kHour;
  s.audience = Audience::public_;
  EXPECT_TRUE(set->select(s).empty()) << "P-OPS is for operators only";
  s.audience = Audience::operator_;
  EXPECT_EQ(ids(set->select(s)), V{"P-OPS"});
  s.seconds_since_incident = 1 * kHour;  // after 1 h is exclusive
  EXPECT_TRUE(set->select(s).empty());
  s.seconds_since_incident = 5 * kHour;  // until 5 h is inclusive
  EXPECT_EQ(ids(set->select(s)), V{"P-OPS"});

  Situation child;
  child.child = true;
  EXPECT_TRUE(set->select(child).empty()) << "a stage trigger needs a case";
  child.case_stage = "in_court";
  EXPECT_EQ(ids(set->select(child)), V{"P-ALL"});
  const Protocol* all = set->find("P-ALL");
  ASSERT_NE(all, nullptr);
  EXPECT_TRUE(all->reviewed());
  EXPECT_EQ(all->reviewed_by.at(0).role, "lawyer");
  EXPECT_EQ(all->disclaimer.en, "Own disclaimer");
  EXPECT_EQ(set->find("P-OPS")->disclaimer.en, "General guidance, not legal or medical advice.");
  EXPECT_EQ(set->find("P-OPS")->version, 2);
}

TEST(Protocols, ParseRefusesBrokenDataNamingTheJsonPath) {
  struct Case {
    const char* what;
    std::function<void(nlohmann::json&)> breaks;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"no disclaimer", [](auto& j) { j.erase("disclaimer"); }, "disclaimer"},
      {"disclaimer without kk", [](auto& j) { j["disclaimer"].erase("kk"); }, "disclaimer.kk"},
      {"title with an empty ru", [](auto& j) { j["protocols"][0]["title"]["ru"] = ""; }, "protocols[0].title.ru"},
      {"step without en", [](auto& j) { j["protocols"][1]["steps"][0].erase("en"); }, "protocols[1].steps[0].en"},
      {"no steps", [](auto& j) { j["protocols"][0]["steps"] = nlohmann::json::array(); }, "protocols[0].steps"},
      {"unverified without a note", [](auto& j) { j["protocols"][0]["steps"][1]["review"] = "unverified"; },
       "protocols[0].steps[1].note"},
      {"duplicate id", [](auto& j) { j["protocols"][1]["id"] = "P-OPS"; }, "protocols[1].id"},
      {"bad id", [](auto& j) { j["protocols"][1]["id"] = "sv-0-72"; }, "protocols[1].id"},
      {"version zero", [](auto& j) { j["protocols"][0]["version"] = 0; }, "protocols[0].version"},
      {"version as text", [](auto& j) { j["protocols"][0]["version"] = "1"; }, "protocols[0].version"},
      {"unknown incident type",
       [](auto& j) { j["protocols"][0]["triggers"][0]["incident_types"][0] = "csa"; }, "protocols[0].triggers[0].incident_types[0]"},
      {"unknown flag", [](auto& j) { j["protocols"][1]["triggers"][0]["context"][0] = "adult"; }, "protocols[1].triggers[0].context[0]"},
      {"unknown stage", [](auto& j) { j["protocols"][1]["triggers"][0]["stages"][0] = "suspended"; },
       "protocols[1].triggers[0].stages[0]"},
      {"empty window", [](auto& j) { j["protocols"][0]["triggers"][0]["hours"]["until"] = 1; }, "protocols[0].triggers[0].hours.until"},
      {"window in days", [](auto& j) { j["protocols"][0]["triggers"][0]["hours"]["days"] = 3; }, "protocols[0].triggers[0].hours.days"},
      {"fractional hours", [](auto& j) { j["protocols"][0]["triggers"][0]["hours"]["after"] = 1.5; }, "protocols[0].triggers[0].hours.after"},
      {"negative hours", [](auto& j) { j["protocols"][0]["triggers"][0]["hours"]["after"] = -1; }, "protocols[0].triggers[0].hours.after"},
      {"empty hours", [](auto& j) { j["protocols"][0]["triggers"][0]["hours"] = nlohmann::json::object(); }, "protocols[0].triggers[0].hours"},
      {"no triggers", [](auto& j) { j["protocols"][0]["triggers"] = nlohmann::json::array(); }, "protocols[0].triggers"},
      {"unknown audience", [](auto& j) { j["protocols"][0]["audience"][0] = "staff"; }, "protocols[0].audience[0]"},
      {"reviewed_by left out", [](auto& j) { j["protocols"][0].erase("reviewed_by"); }, "protocols[0].reviewed_by"},
      {"reviewer without a name", [](auto& j) { j["protocols"][1]["reviewed_by"][0].erase("name"); }, "protocols[1].reviewed_by[0].name"},
      {"reviewer with a bad date", [](auto& j) { j["protocols"][1]["reviewed_by"][0]["date"] = "1 Dec 2026"; },
       "protocols[1].reviewed_by[0].date"},
      {"reviewer with an unknown role", [](auto& j) { j["protocols"][1]["reviewed_by"][0]["role"] = "friend"; },
       "protocols[1].reviewed_by[0].role"},
      {"no sources", [](auto& j) { j["protocols"][0]["sources"] = nlohmann::json::array(); }, "protocols[0].sources"},
      {"unknown key", [](auto& j) { j["protocols"][0]["priority"] = 1; }, "protocols[0].priority"},
      {"unknown top-level key", [](auto& j) { j["protocol"] = nlohmann::json::array(); }, "protocol"},
  };
  for (const auto& c : cases) {
    nlohmann::json j = small_set();
    c.breaks(j);
    auto r = Protocols::parse(j.dump());
    ASSERT_FALSE(r) << c.what;
    EXPECT_EQ(r.error().code, Errc::invalid) << c.what;
    EXPECT_EQ(r.error().field, c.field) << c.what << ": " << r.error().message;
  }
  EXPECT_FALSE(Protocols::parse("not json"));
  EXPECT_FALSE(Protocols::parse("[]"));
  std::string dup = small_set().dump();
  dup.insert(1, "\"id\":\"other\",");
  EXPECT_EQ(Protocols::parse(dup).error().field, "id");
}

}  // namespace
}  // namespace amanat::desk
