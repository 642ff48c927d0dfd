#include "desk/procedure.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/reasons.h"

namespace amanat::desk {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

const Procedure& kz() { return Procedure::kazakhstan(); }

// The matrix a lawyer reviews, written out by hand, apart from the table: which events each stage
// allows. A change to procedure_kz.inc that moves a transition must change this too.
const std::map<std::string, std::set<std::string>>& expected_matrix() {
  static const std::map<std::string, std::set<std::string>> m = {
      {"reported", {"report_filed", "registration_refused", "registered"}},
      {"registered",
       {"investigation_started", "forensic_exam_appointed", "forensic_exam_done", "term_interrupted", "terminated"}},
      {"investigating",
       {"forensic_exam_appointed", "forensic_exam_done", "suspect_identified", "term_interrupted", "terminated",
        "completed"}},
      {"interrupted", {"forensic_exam_done", "term_resumed", "terminated"}},
      {"terminated", {"reopened", "appeal_filed", "closed"}},
      {"completed", {"terminated", "returned_for_investigation", "indicted"}},
      {"indicted", {"returned_for_investigation", "in_court"}},
      {"in_court", {"forensic_exam_appointed", "forensic_exam_done", "court_suspended", "court_terminated", "verdict"}},
      {"court_suspended", {"forensic_exam_done", "court_resumed", "court_terminated"}},
      {"verdict", {"appeal_filed", "verdict_in_force"}},
      {"appeal", {"appeal_decided", "cassation_filed", "retrial_ordered", "verdict_in_force"}},
      {"cassation", {"cassation_filed", "cassation_decided", "retrial_ordered", "verdict_in_force"}},
      {"closed", {"cassation_filed", "reopened_new_circumstances"}},
  };
  return m;
}

// Where each event leads; "" = it stays in its stage.
const std::map<std::string, std::string>& expected_destination() {
  static const std::map<std::string, std::string> m = {
      {"report_filed", ""},
      {"registration_refused", ""},
      {"registered", "registered"},
      {"investigation_started", "investigating"},
      {"forensic_exam_appointed", ""},
      {"forensic_exam_done", ""},
      {"suspect_identified", ""},
      {"term_interrupted", "interrupted"},
      {"term_resumed", "investigating"},
      {"terminated", "terminated"},
      {"reopened", "investigating"},
      {"completed", "completed"},
      {"returned_for_investigation", "investigating"},
      {"indicted", "indicted"},
      {"in_court", "in_court"},
      {"court_suspended", "court_suspended"},
      {"court_resumed", "in_court"},
      {"court_terminated", "terminated"},
      {"verdict", "verdict"},
      {"appeal_filed", "appeal"},
      {"appeal_decided", ""},
      {"cassation_filed", "cassation"},
      {"cassation_decided", ""},
      {"retrial_ordered", "in_court"},
      {"verdict_in_force", "closed"},
      {"closed", "closed"},
      {"reopened_new_circumstances", "investigating"},
  };
  return m;
}

// Valid values for an event's required fields: the first choice, or some free text.
Fields required_values(const EventKind& e) {
  Fields out;
  for (const auto& f : e.fields)
    if (f.required) out.emplace_back(f.id, f.choices.empty() ? "text" : f.choices.front());
  return out;
}

TEST(Procedure, EveryStageAllowsExactlyTheEventsOfTheHandWrittenMatrix) {
  std::set<std::string> stages, events;
  for (const auto& s : kz().stages()) stages.insert(s.id);
  for (const auto& e : kz().events()) events.insert(e.id);
  std::set<std::string> matrix_stages, destination_events;
  for (const auto& [s, _] : expected_matrix()) matrix_stages.insert(s);
  for (const auto& [e, _] : expected_destination()) destination_events.insert(e);
  ASSERT_EQ(stages, matrix_stages) << "a stage was added or removed: update the matrix";
  ASSERT_EQ(events, destination_events) << "an event was added or removed: update the matrix";

  int allowed = 0, forbidden = 0;
  for (const auto& stage : kz().stages()) {
    const auto& want = expected_matrix().at(stage.id);
    for (const auto& event : kz().events()) {
      auto r = kz().apply(stage.id, event.id, required_values(event));
      if (want.contains(event.id)) {
        ASSERT_TRUE(r) << stage.id << " + " << event.id << ": " << r.error().message;
        const std::string& to = expected_destination().at(event.id);
        EXPECT_EQ(*r, to.empty() ? stage.id : to) << stage.id << " + " << event.id;
        ++allowed;
      } else {
        ASSERT_FALSE(r) << stage.id << " + " << event.id << " should be refused";
        EXPECT_EQ(&r.error().why(), &reasons::transition_not_allowed) << stage.id << " + " << event.id;
        EXPECT_EQ(r.error().code, Errc::conflict);
        ++forbidden;
      }
    }
    // allowed() offers the same set, in table order.
    std::set<std::string> offered;
    std::size_t last = 0;
    for (const EventKind* e : kz().allowed(stage.id)) {
      offered.insert(e->id);
      std::size_t at = static_cast<std::size_t>(e - kz().events().data());
      EXPECT_GE(at, last);
      last = at;
    }
    EXPECT_EQ(offered, want) << stage.id;
  }
  EXPECT_EQ(allowed + forbidden, static_cast<int>(stages.size() * events.size()));
  EXPECT_GT(allowed, 40);
}

TEST(Procedure, AnInvestigatorInterruptsTheTermAndOnlyACourtSuspends) {
  EXPECT_EQ(kz().apply("investigating", "term_interrupted", {{"ground", "expert_examination"}}).value(), "interrupted");
  auto court_in_pretrial = kz().apply("investigating", "court_suspended");
  ASSERT_FALSE(court_in_pretrial);
  EXPECT_EQ(&court_in_pretrial.error().why(), &reasons::transition_not_allowed);
  EXPECT_EQ(kz().apply("in_court", "court_suspended").value(), "court_suspended");
  auto interrupt_in_court = kz().apply("in_court", "term_interrupted", {{"ground", "force_majeure"}});
  ASSERT_FALSE(interrupt_in_court);
  EXPECT_EQ(&interrupt_in_court.error().why(), &reasons::transition_not_allowed);
  // Each resumes only its own: a court does not resume an interrupted term, nor an investigator a
  // court's suspension.
  EXPECT_FALSE(kz().apply("interrupted", "court_resumed"));
  EXPECT_FALSE(kz().apply("court_suspended", "term_resumed"));
  // Nothing in the table is called "suspended" without saying who suspends.
  EXPECT_EQ(kz().stage("suspended"), nullptr);
  EXPECT_EQ(kz().event("suspended"), nullptr);
  EXPECT_EQ(kz().event("term_interrupted")->legal_basis, "UPK RK art. 45 part 7");
  EXPECT_EQ(kz().event("court_suspended")->legal_basis, "UPK RK art. 45 parts 1-6");
}

TEST(Procedure, InterruptionAndResumptionRepeatSixteenTimes) {
  std::string stage = kz().apply("registered", "investigation_started").value();
  for (int i = 0; i < 16; ++i) {
    auto out = kz().apply(stage, "term_interrupted", {{"ground", i % 2 ? "suspect_not_identified" : "other"}});
    ASSERT_TRUE(out) << i;
    EXPECT_EQ(*out, "interrupted");
    auto back = kz().apply(*out, "term_resumed");
    ASSERT_TRUE(back) << i;
    stage = *back;
  }
  EXPECT_EQ(stage, "investigating");
}

TEST(Procedure, TerminationAndReopeningRepeatSixteenTimes) {
  std::string stage = "investigating";
  for (int i = 0; i < 16; ++i) {
    auto out = kz().apply(stage, "terminated", {{"ground", "no_corpus_delicti"}});
    ASSERT_TRUE(out) << i;
    EXPECT_EQ(*out, "terminated");
    EXPECT_FALSE(kz().stage(*out)->open);
    auto back = kz().apply(*out, "reopened",
                           {{"cancelled_by", i % 2 ? "prosecutor" : "investigating_judge"}, {"complainant", "lawyer"}});
    ASSERT_TRUE(back) << i;
    stage = *back;
  }
  EXPECT_EQ(stage, "investigating");
}

TEST(Procedure, CourtSuspensionAndResumptionRepeatSixteenTimes) {
  std::string stage = "in_court";
  for (int i = 0; i < 16; ++i) {
    stage = kz().apply(stage, "court_suspended").value();
    EXPECT_EQ(stage, "court_suspended");
    stage = kz().apply(stage, "court_resumed").value();
  }
  EXPECT_EQ(stage, "in_court");
}

TEST(Procedure, ACaseWalksFromStatementToVerdictInForce) {
  std::vector<std::pair<std::string, Fields>> walk = {
      {"report_filed", {{"body", "police"}}},
      {"registered", {{"erdr_number", "241500031000123"}, {"article", "120 part 1"}}},
      {"investigation_started", {}},
      {"forensic_exam_appointed", {}},
      {"term_interrupted", {{"ground", "expert_examination"}}},
      {"forensic_exam_done", {}},
      {"term_resumed", {}},
      {"suspect_identified", {{"article", "120 part 1"}}},
      {"completed", {}},
      {"indicted", {}},
      {"in_court", {}},
      {"verdict", {{"outcome", "conviction"}, {"sentence", "6 years"}}},
      {"appeal_filed", {{"filed_by", "defence"}}},
      {"appeal_decided", {{"outcome", "upheld"}}},
      {"verdict_in_force", {}},
  };
  std::string stage = kz().initial();
  EXPECT_EQ(stage, "reported");
  for (const auto& [event, fields] : walk) {
    auto r = kz().apply(stage, event, fields);
    ASSERT_TRUE(r) << stage << " + " << event << ": " << r.error().message;
    stage = *r;
  }
  EXPECT_EQ(stage, "closed");
  EXPECT_FALSE(kz().stage("closed")->open);
  EXPECT_EQ(kz().apply("closed", "reopened_new_circumstances").value(), "investigating");
}

TEST(Procedure, RequiredFieldsAndChoicesAreFieldErrorsNamingTheField) {
  auto no_ground = kz().apply("investigating", "terminated");
  ASSERT_FALSE(no_ground);
  EXPECT_EQ(no_ground.error().code, Errc::invalid);
  EXPECT_EQ(no_ground.error().field, "ground");

  auto blank_ground = kz().apply("investigating", "terminated", {{"ground", "  "}});
  ASSERT_FALSE(blank_ground);
  EXPECT_EQ(blank_ground.error().field, "ground");

  auto bad_choice = kz().apply("investigating", "terminated", {{"ground", "because"}});
  ASSERT_FALSE(bad_choice);
  EXPECT_EQ(bad_choice.error().field, "ground");

  EXPECT_TRUE(kz().apply("investigating", "terminated", {{"ground", "victim_withdrew"}}));
  EXPECT_TRUE(kz().apply("in_court", "court_terminated", {{"ground", "death"}}));
  EXPECT_EQ(kz().apply("in_court", "court_terminated").error().field, "ground");

  auto no_outcome = kz().apply("in_court", "verdict", {{"sentence", "5 years"}});
  ASSERT_FALSE(no_outcome);
  EXPECT_EQ(no_outcome.error().field, "outcome");
  for (const char* o : {"conviction", "acquittal", "other"})
    EXPECT_EQ(kz().apply("in_court", "verdict", {{"outcome", o}}).value(), "verdict") << o;
  EXPECT_EQ(kz().apply("in_court", "verdict", {{"outcome", "guilty"}}).error().field, "outcome");

  EXPECT_EQ(kz().apply("terminated", "reopened").error().field, "cancelled_by");
  EXPECT_EQ(kz().apply("terminated", "reopened", {{"cancelled_by", "police"}}).error().field, "cancelled_by");
  EXPECT_EQ(kz().apply("investigating", "term_interrupted").error().field, "ground");

  // Optional fields may be left out or empty; a choice field that is optional still checks its value.
  EXPECT_TRUE(kz().apply("reported", "registered"));
  EXPECT_TRUE(kz().apply("reported", "registered", {{"erdr_number", ""}}));
  EXPECT_TRUE(kz().apply("verdict", "appeal_filed"));
  EXPECT_EQ(kz().apply("verdict", "appeal_filed", {{"filed_by", "neighbour"}}).error().field, "filed_by");

  // A field the event does not take, or one given twice, is refused rather than dropped.
  EXPECT_EQ(kz().apply("reported", "registered", {{"erdr", "1"}}).error().field, "erdr");
  EXPECT_EQ(kz().apply("reported", "registered", {{"article", "120"}, {"article", "121"}}).error().field, "article");

  // The transition is checked first: a forbidden event with missing fields is a transition error.
  EXPECT_EQ(&kz().apply("reported", "terminated").error().why(), &reasons::transition_not_allowed);
}

TEST(Procedure, AnUnknownEventIsAKindErrorAndAnUnknownStageAFromError) {
  auto r = kz().apply("investigating", "suspended");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid);
  EXPECT_EQ(r.error().field, "kind");
  EXPECT_EQ(&r.error().why(), &reasons::invalid);
  auto s = kz().apply("limbo", "term_resumed");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().field, "from");
  EXPECT_TRUE(kz().allowed("limbo").empty());
}

TEST(Procedure, EveryLabelHasAllThreeLanguagesAndEveryUnverifiedOneSaysWhatToCheck) {
  int labels = 0, unverified = 0;
  auto check = [&](const Labels& l, const std::string& where) {
    ++labels;
    EXPECT_FALSE(l.en.empty()) << where;
    EXPECT_FALSE(l.ru.empty()) << where;
    EXPECT_FALSE(l.kk.empty()) << where;
    if (l.unverified) {
      ++unverified;
      EXPECT_FALSE(l.note.empty()) << where;
    }
  };
  for (const auto& s : kz().stages()) check(s.label, "stage " + s.id);
  for (const auto& e : kz().events()) {
    check(e.label, "event " + e.id);
    EXPECT_FALSE(e.legal_basis.empty()) << e.id;
    for (const auto& f : e.fields) {
      check(f.label, e.id + "." + f.id);
      ASSERT_EQ(f.choices.size(), f.choice_labels.size());
      for (std::size_t i = 0; i < f.choices.size(); ++i)
        check(f.choice_labels[i], e.id + "." + f.id + "=" + f.choices[i]);
    }
  }
  EXPECT_GT(labels, 100);
  EXPECT_GT(unverified, 0);
}

TEST(Procedure, TheShippedTableMarksWhatDeskMdLeavesUnverified) {
  EXPECT_EQ(kz().id(), "kz-upk-2014");
  EXPECT_FALSE(kz().version().empty());
  EXPECT_NE(kz().note().find("NOT reviewed"), std::string_view::npos);
  // KK ✖ in the glossary: мерзімдерін үзу, қайта бастау / қайта жаңғырту.
  EXPECT_TRUE(kz().stage("interrupted")->label.unverified);
  EXPECT_TRUE(kz().event("term_resumed")->label.unverified);
  EXPECT_TRUE(kz().event("reopened_new_circumstances")->label.unverified);
  // ✔ terms are not flagged.
  EXPECT_FALSE(kz().stage("investigating")->label.unverified);
  EXPECT_FALSE(kz().event("verdict_in_force")->label.unverified);
  // Article numbers: art. 105 ✖, art. 45 part 7 ✔, art. 470 ✔.
  EXPECT_TRUE(kz().event("reopened")->legal_basis_unverified);
  EXPECT_FALSE(kz().event("term_interrupted")->legal_basis_unverified);
  EXPECT_FALSE(kz().event("verdict_in_force")->legal_basis_unverified);
  // The termination grounds of art. 35, "other", and the private-prosecution withdrawal.
  const auto& ground = kz().event("terminated")->fields.at(0);
  EXPECT_EQ(ground.id, "ground");
  EXPECT_TRUE(ground.required);
  for (const char* g : {"no_event", "no_corpus_delicti", "limitation", "no_complaint", "death", "victim_withdrew", "other"})
    EXPECT_NE(std::find(ground.choices.begin(), ground.choices.end(), g), ground.choices.end()) << g;
}

// The time limits desk.md §1.3 gives for the events that start them, each marked for a lawyer's
// check as desk.md marks them ✖.
TEST(Procedure, AVerdictStartsTheAppealPeriodAndRegistrationThePreTrialTerm) {
  const auto& appeal = kz().event("verdict")->limits.at(0);
  EXPECT_EQ(appeal.id, "appeal_period");
  EXPECT_EQ(appeal.days, 15);
  EXPECT_EQ(appeal.months, 0);
  EXPECT_TRUE(appeal.legal_basis_unverified);
  EXPECT_TRUE(appeal.label.unverified);
  const auto& term = kz().event("registered")->limits.at(0);
  EXPECT_EQ(term.id, "pretrial_term");
  EXPECT_EQ(term.months, 2);
  EXPECT_TRUE(term.legal_basis_unverified);
  EXPECT_TRUE(kz().event("report_filed")->limits.empty());
}

TEST(Procedure, DocumentStatusNamesRoundTrip) {
  for (auto d : {DocumentStatus::obtained, DocumentStatus::requested, DocumentStatus::refused, DocumentStatus::unknown})
    EXPECT_EQ(parse_document_status(document_status_name(d)), d);
  EXPECT_EQ(parse_document_status("lost"), std::nullopt);
  EXPECT_EQ(parse_document_status(""), std::nullopt);
}

// A small valid table the refusal cases break one thing at a time.
nlohmann::json small_table() {
  auto label = [](const char* en) { return nlohmann::json{{"en", en}, {"ru", "ру"}, {"kk", "қз"}}; };
  return {
      {"id", "test"},
      {"version", "1"},
      {"initial", "open_stage"},
      {"stages",
       {{{"id", "open_stage"}, {"label", label("Open")}},
        {{"id", "other_stage"}, {"label", label("Other")}},
        {{"id", "done"}, {"label", label("Done")}, {"open", false}}}},
      {"events",
       {{{"id", "move"},
         {"label", label("Move")},
         {"from", {"open_stage"}},
         {"to", "other_stage"},
         {"legal_basis", "art. 1"},
         {"fields",
          {{{"id", "why"},
            {"label", label("Why")},
            {"choices", {{{"id", "a"}, {"label", label("A")}}, {{"id", "b"}, {"label", label("B")}}}}}}}},
        {{"id", "anywhere"}, {"label", label("Note")}, {"from", {"*"}}, {"to", nullptr}, {"legal_basis", "art. 2"}},
        {{"id", "finish"}, {"label", label("Finish")}, {"from", {"*"}}, {"to", "done"}, {"legal_basis", "art. 3"}}}},
  };
}

TEST(Procedure, AStarInFromMeansAnyOpenStage) {
  auto p = Procedure::parse(small_table().dump());
  ASSERT_TRUE(p) << p.error().field << ": " << p.error().message;
  EXPECT_EQ(p->apply("open_stage", "anywhere").value(), "open_stage");
  EXPECT_EQ(p->apply("other_stage", "anywhere").value(), "other_stage");
  EXPECT_EQ(p->apply("other_stage", "finish").value(), "done");
  EXPECT_EQ(&p->apply("done", "anywhere").error().why(), &reasons::transition_not_allowed);
  EXPECT_EQ(p->apply("open_stage", "move", {{"why", "b"}}).value(), "other_stage");
  EXPECT_EQ(p->allowed("done").size(), 0u);
  EXPECT_EQ(p->allowed("open_stage").size(), 3u);
}

TEST(Procedure, ParseRefusesABrokenTableNamingTheJsonPath) {
  struct Case {
    const char* what;
    std::function<void(nlohmann::json&)> breaks;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"event to an unknown stage", [](auto& j) { j["events"][0]["to"] = "nowhere"; }, "events[0].to"},
      {"event from an unknown stage", [](auto& j) { j["events"][1]["from"] = {"*", "nowhere"}; }, "events[1].from[1]"},
      {"event allowed nowhere", [](auto& j) { j["events"][0]["from"] = nlohmann::json::array(); }, "events[0].from"},
      {"stage named twice in from", [](auto& j) { j["events"][0]["from"] = {"open_stage", "open_stage"}; }, "events[0].from[1]"},
      {"to left out", [](auto& j) { j["events"][1].erase("to"); }, "events[1].to"},
      {"to not a string", [](auto& j) { j["events"][0]["to"] = 3; }, "events[0].to"},
      {"duplicate stage", [](auto& j) { j["stages"][2]["id"] = "open_stage"; }, "stages[2].id"},
      {"duplicate event", [](auto& j) { j["events"][2]["id"] = "move"; }, "events[2].id"},
      {"empty kk label", [](auto& j) { j["stages"][1]["label"]["kk"] = ""; }, "stages[1].label.kk"},
      {"blank en label", [](auto& j) { j["events"][2]["label"]["en"] = "  "; }, "events[2].label.en"},
      {"missing ru label", [](auto& j) { j["events"][0]["label"].erase("ru"); }, "events[0].label.ru"},
      {"unknown key in an event", [](auto& j) { j["events"][0]["frm"] = {"open_stage"}; }, "events[0].frm"},
      {"unknown key in a label", [](auto& j) { j["stages"][0]["label"]["de"] = "Offen"; }, "stages[0].label.de"},
      {"unknown top-level key", [](auto& j) { j["stage"] = nlohmann::json::array(); }, "stage"},
      {"unknown initial", [](auto& j) { j["initial"] = "nowhere"; }, "initial"},
      {"closed initial", [](auto& j) { j["initial"] = "done"; }, "initial"},
      {"unverified without a note", [](auto& j) { j["stages"][0]["label"]["review"] = "unverified"; }, "stages[0].label.note"},
      {"review mark misspelt", [](auto& j) { j["stages"][0]["label"]["review"] = "unverifed"; }, "stages[0].label.review"},
      {"legal basis empty", [](auto& j) { j["events"][1]["legal_basis"] = ""; }, "events[1].legal_basis"},
      {"legal basis review misspelt", [](auto& j) { j["events"][1]["legal_basis_review"] = true; }, "events[1].legal_basis_review"},
      {"duplicate choice",
       [](auto& j) { j["events"][0]["fields"][0]["choices"][1]["id"] = "a"; }, "events[0].fields[0].choices[1].id"},
      {"empty choices", [](auto& j) { j["events"][0]["fields"][0]["choices"] = nlohmann::json::array(); },
       "events[0].fields[0].choices"},
      {"choice label missing kk", [](auto& j) { j["events"][0]["fields"][0]["choices"][0]["label"].erase("kk"); },
       "events[0].fields[0].choices[0].label.kk"},
      {"duplicate field",
       [](auto& j) { j["events"][0]["fields"].push_back(j["events"][0]["fields"][0]); }, "events[0].fields[1].id"},
      {"required not a bool", [](auto& j) { j["events"][0]["fields"][0]["required"] = "yes"; }, "events[0].fields[0].required"},
      {"open not a bool", [](auto& j) { j["stages"][1]["open"] = 1; }, "stages[1].open"},
      {"id with capitals", [](auto& j) { j["stages"][1]["id"] = "Other"; }, "stages[1].id"},
      {"star as a stage id", [](auto& j) { j["stages"][1]["id"] = "*"; }, "stages[1].id"},
      {"stages not an array", [](auto& j) { j["stages"] = nlohmann::json::object(); }, "stages"},
      {"no events", [](auto& j) { j["events"] = nlohmann::json::array(); }, "events"},
      {"no version", [](auto& j) { j.erase("version"); }, "version"},
      {"limit with days and months",
       [](auto& j) { j["events"][0]["limits"] = {{{"id", "t"}, {"label", j["events"][0]["label"]}, {"days", 5},
                                                   {"months", 1}, {"legal_basis", "art. 1"}}}; },
       "events[0].limits[0].days"},
      {"limit with neither",
       [](auto& j) { j["events"][0]["limits"] = {{{"id", "t"}, {"label", j["events"][0]["label"]},
                                                   {"legal_basis", "art. 1"}}}; },
       "events[0].limits[0].days"},
      {"limit of no days",
       [](auto& j) { j["events"][0]["limits"] = {{{"id", "t"}, {"label", j["events"][0]["label"]}, {"months", 0},
                                                   {"legal_basis", "art. 1"}}}; },
       "events[0].limits[0].months"},
      {"limit with an unknown key",
       [](auto& j) { j["events"][0]["limits"] = {{{"id", "t"}, {"label", j["events"][0]["label"]}, {"days", 5},
                                                   {"legal_basis", "art. 1"}, {"weeks", 1}}}; },
       "events[0].limits[0].weeks"},
      {"limit without a legal basis",
       [](auto& j) { j["events"][0]["limits"] = {{{"id", "t"}, {"label", j["events"][0]["label"]}, {"days", 5}}}; },
       "events[0].limits[0].legal_basis"},
  };
  for (const auto& c : cases) {
    nlohmann::json j = small_table();
    c.breaks(j);
    auto r = Procedure::parse(j.dump());
    ASSERT_FALSE(r) << c.what;
    EXPECT_EQ(r.error().code, Errc::invalid) << c.what;
    EXPECT_EQ(r.error().field, c.field) << c.what << ": " << r.error().message;
  }
}

TEST(Procedure, ParseRefusesTextThatIsNotOneJsonObjectWithUniqueKeys) {
  EXPECT_FALSE(Procedure::parse(""));
  EXPECT_FALSE(Procedure::parse("{"));
  EXPECT_FALSE(Procedure::parse("[]"));
  EXPECT_FALSE(Procedure::parse("{} {}"));
  // nlohmann keeps the last of two equal keys; a table must not mean whichever came last.
  std::string dup = small_table().dump();
  dup.insert(1, "\"initial\":\"done\",");
  auto r = Procedure::parse(dup);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "initial");
  EXPECT_NE(r.error().message.find("twice"), std::string::npos);
}

TEST(Procedure, TheShippedTableParsesAgainFromItsOwnText) {
  // kazakhstan() is the parse of the .inc text; parsing twice gives the same table (no hidden state).
  static constexpr std::string_view text =
#include "desk/procedure_kz.inc"
      ;
  auto again = Procedure::parse(text);
  ASSERT_TRUE(again) << again.error().field << ": " << again.error().message;
  EXPECT_EQ(again->events().size(), kz().events().size());
  EXPECT_EQ(again->stages().size(), kz().stages().size());
}

}  // namespace
}  // namespace amanat::desk
