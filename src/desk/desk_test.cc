// The case desk over the organisation's stores: consultations, cases through the procedure
// table, case-scoped access, and the maintained counts the statistics read.
#include "desk/desk.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <random>

#include "books/testing.h"
#include "core/reasons.h"
#include "crypto/vault.h"
#include "desk/demo.h"

namespace amanat::desk {
namespace {

using accounts::Role;
using books::testing::BooksFixture;

constexpr const char* kPass = "amber river quiet mountain 42";
constexpr std::int64_t kNow = 1'750'000'000;  // 2025-06-15

struct DeskFixture {
  BooksFixture books{""};
  std::unique_ptr<identity::Identities> ids;
  std::unique_ptr<Desk> desk;
  std::int64_t now = kNow;
  User director{0, "director-1", Role::director, true};
  User operator_{0, "operator-1", Role::hotline_operator, true};
  User worker{0, "worker-1", Role::case_worker, true};
  User lawyer{0, "lawyer-1", Role::lawyer, true};
  User other_lawyer{0, "lawyer-2", Role::lawyer, true};

  DeskFixture() {
    auto vault = crypto::Vault::create("test-org", kPass, std::nullopt, crypto::KdfLimits::for_tests());
    std::ofstream(books.dir() / "vault.json") << vault->file.to_json();
    ids = std::move(*identity::Identities::open(*books.stores().db, *books.stores().identities,
                                                (books.dir() / "vault.json").string(), [this] { return now; }));
    EXPECT_TRUE(ids->unseal_with_passphrase(kPass));
    for (User* u : {&director, &operator_, &worker, &lawyer, &other_lawyer})
      EXPECT_TRUE(books.stores().db->transact([&](Tx& tx) -> Status {
        AMANAT_TRY(row, books.stores().accounts->insert_user(tx, u->name, u->role, "x", 1));
        if (!row) return fail(Errc::conflict, "taken");
        u->id = row->id;
        return {};
      }));
    desk = std::make_unique<Desk>(*books.stores().db, *books.stores().desk, *ids, Procedure::kazakhstan(),
                                  [this] { return now; });
  }

  NewConsultation call(std::string category = "rape", bool consent = true) {
    return NewConsultation{.channel = "phone", .caller_role = "survivor", .category = std::move(category),
                           .region = "almaty_city", .age_group = "18-25", .sex = "female", .outcome = "advice",
                           .consent_stats = consent};
  }
  std::string survivor(const User& by) {
    auto c = call();
    c.identity = {{"name", "Invented Person"}};
    auto logged = desk->log_consultation(by, c);
    EXPECT_TRUE(logged) << logged.error().message;
    return *logged->survivor;
  }
  std::string open(const User& by, bool consent = true, std::optional<std::int64_t> lawyer_id = std::nullopt) {
    auto c = desk->open_case(by, NewCase{.survivor = survivor(by), .category = "rape", .region = "almaty_city",
                                         .lawyer = lawyer_id, .consents = {.stats = consent}});
    EXPECT_TRUE(c) << c.error().message;
    return c->code;
  }
  Status event(const std::string& code, std::string kind, std::string date,
               std::vector<std::pair<std::string, std::string>> fields = {}) {
    auto e = desk->add_event(director, code, NewEvent{.kind = std::move(kind), .date = std::move(date),
                                                      .fields = std::move(fields)});
    if (!e) return err(e);
    return {};
  }
  std::int64_t count(const std::string& metric, bool consented_only = false) {
    auto c = desk->counts({.metrics = {metric}, .from = metric.starts_with("stage:") ? "" : "0000-01",
                           .to = "9999-12", .consented_only = consented_only});
    std::int64_t n = 0;
    for (const auto& x : *c) n += x.n;
    return n;
  }
};

TEST(Desk, AConsultationWithAnIdentitySealsItAsANewSurvivorAndCountsOnce) {
  DeskFixture f;
  auto c = f.call();
  c.identity = {{"name", "Invented Person"}, {"phone", "+7 700 000 00 00"}};
  c.incident_at = kNow - 30 * 3600;
  auto logged = f.desk->log_consultation(f.operator_, c);
  ASSERT_TRUE(logged) << logged.error().message;
  ASSERT_TRUE(logged->survivor);
  auto row = f.desk->consultation(f.operator_, logged->id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->hours_since, 30);  // derived from the incident time, never typed
  EXPECT_EQ(row->survivor, logged->survivor);
  auto s = f.ids->read(f.operator_, *logged->survivor);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->fields.size(), 2u);
  EXPECT_EQ(f.count(metric::consultations), 1);
}

TEST(Desk, BadInputNamesItsFieldAndLogsNothing) {
  DeskFixture f;
  struct Case {
    std::function<void(NewConsultation&)> spoil;
    std::string field;
  };
  std::vector<Case> cases = {
      {[](NewConsultation& c) { c.channel = "fax"; }, "channel"},
      {[](NewConsultation& c) { c.category = "theft"; }, "category"},
      {[](NewConsultation& c) { c.region = "mars"; }, "region"},
      {[](NewConsultation& c) { c.context = {"ipv", "ipv"}; }, "context"},
      {[](NewConsultation& c) { c.referrals = {"police", "astrologer"}; }, "referrals[1]"},
      {[](NewConsultation& c) { c.at = kNow + 86400; }, "at"},
      {[](NewConsultation& c) { c.incident_at = kNow + 7200; }, "incident_at"},
      {[](NewConsultation& c) { c.follow_up = "2025-02-30"; }, "follow_up"},
      {[](NewConsultation& c) { c.identity = {{"passport", "x"}}; }, "identity.passport"},
  };
  for (auto& t : cases) {
    auto c = f.call();
    t.spoil(c);
    auto r = f.desk->log_consultation(f.operator_, c);
    ASSERT_FALSE(r) << t.field;
    EXPECT_EQ(r.error().field, t.field) << r.error().message;
  }
  EXPECT_EQ(f.count(metric::consultations), 0);
}

TEST(Desk, ACaseMovesOnlyByEventsItsStageAllowsAndKeepsEveryOne) {
  DeskFixture f;
  std::string code = f.open(f.worker);
  const auto& p = f.desk->procedure();
  auto page = f.desk->case_page(f.worker, code);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->row.stage, p.initial());
  // An event the stage does not allow is refused and changes nothing.
  auto bad = f.desk->add_event(f.director, code, NewEvent{.kind = "verdict", .date = "2025-06-01",
                                                          .fields = {{"outcome", "conviction"}}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().reason, &reasons::transition_not_allowed);
  // Walk every allowed event from each stage once: the recorded stages follow the table.
  std::string stage = p.initial();
  int recorded = 0;
  for (int step = 0; step < 12; ++step) {
    auto allowed = p.allowed(stage);
    ASSERT_FALSE(allowed.empty()) << stage;
    const EventKind* e = allowed.front();
    std::vector<std::pair<std::string, std::string>> fields;
    for (const auto& fld : e->fields)
      if (fld.required) fields.emplace_back(fld.id, fld.choices.empty() ? "x" : fld.choices.front());
    ASSERT_TRUE(f.event(code, e->id, "2025-05-0" + std::to_string(1 + step % 9), fields)) << e->id;
    ++recorded;
    auto expect = p.apply(stage, e->id, fields);
    stage = *expect;
    EXPECT_EQ(f.desk->case_page(f.worker, code)->row.stage, stage);
  }
  EXPECT_EQ(static_cast<int>(f.desk->case_page(f.worker, code)->events.size()), recorded);
}

TEST(Desk, ALawyerSeesOnlyTheCasesAssignedToThem) {
  DeskFixture f;
  std::string mine = f.open(f.worker, true, f.lawyer.id);
  std::string theirs = f.open(f.worker, true, f.other_lawyer.id);
  EXPECT_TRUE(f.desk->case_page(f.lawyer, mine));
  auto hidden = f.desk->case_page(f.lawyer, theirs);
  ASSERT_FALSE(hidden);
  EXPECT_EQ(hidden.error().reason, &reasons::case_not_found);  // the same as a case that does not exist
  EXPECT_EQ(f.desk->case_page(f.lawyer, "C-2025-NONE0").error().reason, &reasons::case_not_found);
  auto list = f.desk->cases(f.lawyer, {});
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().code, mine);
  EXPECT_EQ(f.desk->cases(f.director, {})->size(), 2u);
  // An event on someone else's case is refused as if it did not exist.
  auto e = f.desk->add_event(f.lawyer, theirs, NewEvent{.kind = "report_filed", .date = "2025-06-01"});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().reason, &reasons::case_not_found);
  // The assigned lawyer may read the survivor's identity; the other may not.
  auto page = f.desk->case_page(f.lawyer, mine);
  EXPECT_TRUE(f.ids->read(f.lawyer, page->row.survivor));
  EXPECT_FALSE(f.ids->read(f.other_lawyer, page->row.survivor));
}

// The invariant: the maintained counts equal the sum of contributions() over every record, after
// any sequence of changes (events, consents given and withdrawn, verdicts overturned).
TEST(Desk, MaintainedCountsAlwaysEqualTheRecordsContributions) {
  DeskFixture f;
  std::mt19937_64 rng(7);
  std::vector<std::string> codes;
  for (int i = 0; i < 12; ++i) codes.push_back(f.open(f.worker, i % 3 != 0));
  const auto& p = f.desk->procedure();
  for (int step = 0; step < 300; ++step) {
    const std::string& code = codes[rng() % codes.size()];
    if (rng() % 7 == 0) {
      ASSERT_TRUE(f.desk->set_consents(f.director, code, {.stats = rng() % 2 == 0}));
      continue;
    }
    auto row = f.desk->case_page(f.director, code)->row;
    auto allowed = p.allowed(row.stage);
    if (allowed.empty()) continue;
    const EventKind* e = allowed[rng() % allowed.size()];
    std::vector<std::pair<std::string, std::string>> fields;
    for (const auto& fld : e->fields)
      if (fld.required) fields.emplace_back(fld.id, fld.choices.empty() ? "x" : fld.choices[rng() % fld.choices.size()]);
    std::string date = "2025-0" + std::to_string(1 + rng() % 5) + "-1" + std::to_string(rng() % 10);
    ASSERT_TRUE(f.event(code, e->id, date, fields)) << e->id;
  }
  std::map<std::tuple<std::string, std::string, bool>, std::int64_t> expected;  // metric, month, consented
  for (const auto& code : codes)
    for (const Count& c : Desk::contributions(f.desk->case_page(f.director, code)->row))
      expected[{c.metric, c.month, c.consented}] += c.n;
  for (const auto& [key, n] : expected) {
    const auto& [metric, month, consented] = key;
    auto got = f.desk->counts({.metrics = {metric}, .from = month, .to = month, .by_month = !month.empty()});
    ASSERT_TRUE(got);
    std::int64_t all = 0;
    for (const auto& c : *got)
      if (c.month == month) all += c.n;
    std::int64_t want = expected[{metric, month, true}] + expected[{metric, month, false}];
    EXPECT_EQ(all, want) << metric << " " << month;
  }
  std::int64_t in_stages = 0;
  for (const auto& s : p.stages()) in_stages += f.count(std::string(metric::stage_prefix) + s.id);
  EXPECT_EQ(in_stages, 12);
  EXPECT_EQ(f.count(metric::cases_opened), 12);
  EXPECT_EQ(f.count(metric::survivors), 12);  // one case each
}

TEST(Desk, WithdrawingConsentTakesACaseOutOfThePublicCounts) {
  DeskFixture f;
  std::string code = f.open(f.worker, true);
  EXPECT_EQ(f.count(metric::cases_opened, true), 1);
  ASSERT_TRUE(f.desk->set_consents(f.worker, code, {.stats = false}));
  EXPECT_EQ(f.count(metric::cases_opened, true), 0);
  EXPECT_EQ(f.count(metric::cases_opened, false), 1);  // still counted for staff
}

TEST(Desk, AConvictionCountsThePeopleConvictedAndTheDaysFromReportToVerdict) {
  DeskFixture f;
  std::string code = f.open(f.worker);
  ASSERT_TRUE(f.event(code, "report_filed", "2025-01-10"));
  for (const char* e : {"registered", "investigation_started", "completed", "indicted", "in_court"})
    ASSERT_TRUE(f.event(code, e, "2025-02-01")) << e;
  EXPECT_EQ(f.count(metric::to_court), 1);
  ASSERT_TRUE(f.event(code, "verdict", "2025-04-10", {{"outcome", "conviction"}, {"convicted", "2"}}));
  auto row = f.desk->case_page(f.worker, code)->row;
  EXPECT_EQ(row.stage, "verdict");
  EXPECT_EQ(f.count(metric::convictions), 1);
  EXPECT_EQ(f.count(metric::convicted), 2);
  auto days = f.desk->counts({.metrics = {metric::report_to_verdict}, .from = "0000-01", .to = "9999-12"});
  ASSERT_EQ(days->size(), 1u);
  EXPECT_EQ(days->front().sum, 90);  // 2025-01-10 to 2025-04-10
  // The verdict quashed on appeal and the case sent back to court: the conviction leaves the counts.
  ASSERT_TRUE(f.event(code, "appeal_filed", "2025-04-20"));
  ASSERT_TRUE(f.event(code, "retrial_ordered", "2025-05-20"));
  EXPECT_EQ(f.desk->case_page(f.worker, code)->row.stage, "in_court");
  EXPECT_EQ(f.count(metric::to_court), 1);  // the first time in court, once
  EXPECT_EQ(f.count(metric::convictions), 0);
  EXPECT_EQ(f.count(metric::convicted), 0);
}

// A case worker takes over a survivor the hotline logged: from the consultation that names her
// they open her case and may then read her identity; without it, or from a consultation about
// someone else, she stays "no such survivor", and a hotline operator cannot take over.
TEST(Desk, ACaseWorkerOpensACaseForASurvivorTheHotlineLoggedFromHerConsultation) {
  DeskFixture f;
  auto call = f.call();
  call.identity = {{"name", "Invented Person"}};
  auto logged = f.desk->log_consultation(f.operator_, call);
  ASSERT_TRUE(logged) << logged.error().message;
  const std::string survivor = *logged->survivor;
  auto other = f.desk->log_consultation(f.operator_, f.call());
  ASSERT_TRUE(other);
  EXPECT_FALSE(f.ids->read(f.worker, survivor));
  auto open = [&](const User& by, std::optional<std::int64_t> from) {
    return f.desk->open_case(by, NewCase{.survivor = survivor, .category = "rape", .region = "almaty_city",
                                         .from_consultation = from});
  };
  for (auto from : {std::optional<std::int64_t>{}, std::optional<std::int64_t>{other->id}}) {
    auto refused = open(f.worker, from);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().field, "survivor");
  }
  User second_operator{0, "operator-2", Role::hotline_operator, true};
  ASSERT_TRUE(f.books.stores().db->transact([&](Tx& tx) -> Status {
    AMANAT_TRY(row, f.books.stores().accounts->insert_user(tx, second_operator.name, second_operator.role, "x", 1));
    if (!row) return fail(Errc::conflict, "taken");
    second_operator.id = row->id;
    return {};
  }));
  EXPECT_FALSE(open(second_operator, logged->id));
  auto opened = open(f.worker, logged->id);
  ASSERT_TRUE(opened) << opened.error().message;
  auto identity = f.ids->read(f.worker, survivor);
  ASSERT_TRUE(identity) << identity.error().message;
  EXPECT_TRUE(f.desk->case_page(f.worker, opened->code));
}

// A verdict starts the appeal period and registration the pre-trial term: each becomes a deadline
// on the case, due 15 days or 2 months after the event (the month's last day when shorter); one
// already past when the event is recorded is left out.
TEST(Desk, TheTimeLimitsAnEventStartsBecomeTheCasesDeadlines) {
  DeskFixture f;  // 2025-06-15
  const std::string code = f.open(f.worker);
  ASSERT_TRUE(f.event(code, "report_filed", "2025-03-31"));
  ASSERT_TRUE(f.event(code, "registered", "2025-03-31"));  // + 2 months: 2025-05-31, already past
  auto page = f.desk->case_page(f.director, code);
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->deadlines.empty());
  const std::string recent = f.open(f.worker);
  ASSERT_TRUE(f.event(recent, "report_filed", "2025-04-30"));
  ASSERT_TRUE(f.event(recent, "registered", "2025-04-30"));
  for (const char* e : {"investigation_started", "completed", "indicted", "in_court"})
    ASSERT_TRUE(f.event(recent, e, "2025-06-01")) << e;
  ASSERT_TRUE(f.event(recent, "verdict", "2025-06-14", {{"outcome", "acquittal"}}));
  page = f.desk->case_page(f.director, recent);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->deadlines.size(), 2u);
  EXPECT_EQ(page->deadlines[0].due, "2025-06-29");
  EXPECT_EQ(page->deadlines[0].source, "verdict/appeal_period");
  EXPECT_EQ(page->deadlines[1].due, "2025-06-30");  // 30 April + 2 months
  EXPECT_EQ(page->deadlines[1].source, "registered/pretrial_term");
  // The reminders list them like typed ones.
  auto due = f.desk->due(f.director, "2025-06-29");
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_NE(due->at(0).what.find("Appeal period"), std::string::npos);
}

// Every suspect's state is reached along allowed moves, and from it every move is tried: exactly
// those kSuspectMoves lists succeed; a refused one names its field and changes nothing.
TEST(Desk, EachSuspectMovesOnlyAlongTheAllowedMovesOfTheirOwnState) {
  DeskFixture f;  // 2025-06-15
  const std::string code = f.open(f.worker);
  // The shortest way to each state from `identified`.
  std::map<std::string, std::vector<std::string>> path{{"identified", {}}};
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& m : kSuspectMoves)
      if (path.contains(std::string(m.from)) && !path.contains(std::string(m.to))) {
        auto p = path[std::string(m.from)];
        p.emplace_back(m.to);
        path[std::string(m.to)] = p;
        grew = true;
      }
  }
  ASSERT_EQ(path.size(), std::size(kSuspectStates));  // every state can be reached
  int allowed = 0;
  for (const auto& [from, steps] : path)
    for (std::string_view to : kSuspectStates) {
      auto s = f.desk->add_suspect(f.worker, code, NewSuspect{.date = "2025-01-10"});
      ASSERT_TRUE(s) << s.error().message;
      for (const auto& step : steps)
        ASSERT_TRUE(f.desk->change_suspect(f.worker, code, s->id, SuspectChange{.state = step, .date = "2025-02-01"}))
            << from << " via " << step;
      auto moved = f.desk->change_suspect(f.worker, code, s->id,
                                          SuspectChange{.state = std::string(to), .date = "2025-03-01"});
      EXPECT_EQ(moved.has_value(), suspect_move_allowed(from, to)) << from << " -> " << to;
      if (moved) {
        ++allowed;
        EXPECT_EQ(moved->state, to);
        EXPECT_EQ(moved->history.size(), steps.size() + 2);
      } else {
        EXPECT_EQ(moved.error().reason, &reasons::suspect_state_not_allowed) << from << " -> " << to;
        EXPECT_EQ(moved.error().field, "state");
      }
    }
  EXPECT_EQ(allowed, static_cast<int>(std::size(kSuspectMoves)));
  auto page = f.desk->case_page(f.director, code);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->suspects.size(), path.size() * std::size(kSuspectStates));
  EXPECT_EQ(page->suspects[0].label, "");  // known by its number
  EXPECT_EQ(page->suspects[0].n, 1);
  EXPECT_EQ(page->suspects.back().n, static_cast<int>(page->suspects.size()));
}

// A suspect's changes keep their order in time, a sentence belongs to a conviction, and only those
// who may see the case touch its suspects.
TEST(Desk, ASuspectsChangesStayInOrderAndOnlyTheCasesPeopleMakeThem) {
  DeskFixture f;  // 2025-06-15
  const std::string code = f.open(f.worker);
  auto s = f.desk->add_suspect(f.worker, code, NewSuspect{.label = "the stepfather", .article = "УК РК ст. 120 ч. 3",
                                                         .date = "2025-02-01"});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->label, "the stepfather");
  auto change = [&](SuspectChange c, const User& by) { return f.desk->change_suspect(by, code, s->id, c); };
  EXPECT_EQ(change({.state = "charged", .date = "2025-01-31"}, f.worker).error().field, "date");  // before
  EXPECT_EQ(change({.state = "charged", .date = "2025-07-01"}, f.worker).error().field, "date");  // future
  EXPECT_EQ(change({.state = "charged", .date = "2025-03-01", .sentence = "5 years"}, f.worker).error().field,
            "sentence");
  EXPECT_EQ(change({.state = "charged", .date = "2025-03-01"}, f.other_lawyer).error().reason, &reasons::case_not_found);
  EXPECT_EQ(f.desk->add_suspect(f.other_lawyer, code, NewSuspect{.date = "2025-02-01"}).error().reason,
            &reasons::case_not_found);
  EXPECT_EQ(f.desk->change_suspect(f.worker, code, 999999, {.state = "charged", .date = "2025-03-01"}).error().field,
            "suspect");
  auto charged = change({.state = "charged", .date = "2025-03-01", .article = "УК РК ст. 120 ч. 4"}, f.worker);
  ASSERT_TRUE(charged) << charged.error().message;
  EXPECT_EQ(charged->article, "УК РК ст. 120 ч. 4");
  auto convicted = change({.state = "convicted", .date = "2025-06-01", .sentence = "12 years", .note = "appeal likely"},
                          f.worker);
  ASSERT_TRUE(convicted) << convicted.error().message;
  EXPECT_EQ(convicted->sentence, "12 years");
  EXPECT_EQ(convicted->since, "2025-06-01");
  // Acquitted on appeal: the sentence goes, the history keeps it all.
  auto acquitted = change({.state = "acquitted", .date = "2025-06-10"}, f.worker);
  ASSERT_TRUE(acquitted);
  EXPECT_EQ(acquitted->sentence, "");
  auto page = f.desk->case_page(f.worker, code);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->suspects.size(), 1u);
  std::vector<std::string> states;
  for (const auto& h : page->suspects[0].history) states.push_back(h.state + " " + h.date);
  EXPECT_EQ(states, (std::vector<std::string>{"identified 2025-02-01", "charged 2025-03-01", "convicted 2025-06-01",
                                              "acquitted 2025-06-10"}));
  EXPECT_EQ(page->suspects[0].history[2].note, "appeal likely");
}

// A conviction's sentence is counted by band from the maintained counts, with the case's consent:
// an acquittal on appeal takes it out, a withdrawn consent moves it out of the consented counts,
// and a sentence that is not a conviction's, or a term without its length, is refused.
TEST(Desk, SentencesAreCountedByBandAndFollowTheAppealAndTheConsent) {
  DeskFixture f;  // 2025-06-15
  const std::string code = f.open(f.worker);
  auto judged = [&](SuspectChange verdict) -> Result<SuspectRow> {
    AMANAT_TRY(s, f.desk->add_suspect(f.worker, code, NewSuspect{.date = "2025-01-10"}));
    AMANAT_CHECK(f.desk->change_suspect(f.worker, code, s.id, {.state = "charged", .date = "2025-02-01"}));
    return f.desk->change_suspect(f.worker, code, s.id, verdict);
  };
  auto eight = judged({.state = "convicted", .date = "2025-05-20", .sentence = "8 years",
                       .sentence_kind = "imprisonment", .sentence_months = 96});
  ASSERT_TRUE(eight) << eight.error().message;
  ASSERT_TRUE(judged({.state = "convicted", .date = "2025-05-20", .sentence_kind = "imprisonment", .sentence_months = 180}));
  ASSERT_TRUE(judged({.state = "convicted", .date = "2025-05-21", .sentence_kind = "fine"}));
  ASSERT_TRUE(judged({.state = "convicted", .date = "2025-05-21"}));
  EXPECT_EQ(f.count("sentenced:prison_5_10y"), 1);
  EXPECT_EQ(f.count("sentenced:prison_over_10y"), 1);
  EXPECT_EQ(f.count("sentenced:non_custodial"), 1);
  EXPECT_EQ(f.count("sentenced:unknown"), 1);
  EXPECT_EQ(f.count("sentenced:prison_5_10y", true), 1);  // the case consents to be counted
  // Refused, nothing counted: a term without its length, a fine with one, a sentence on a charge.
  EXPECT_EQ(judged({.state = "convicted", .date = "2025-05-22", .sentence_kind = "imprisonment"}).error().field,
            "sentence_months");
  EXPECT_EQ(judged({.state = "convicted", .date = "2025-05-22", .sentence_kind = "fine", .sentence_months = 3}).error().field,
            "sentence_months");
  EXPECT_EQ(judged({.state = "convicted", .date = "2025-05-22", .sentence_kind = "prison"}).error().field, "sentence_kind");
  EXPECT_EQ(judged({.state = "acquitted", .date = "2025-05-22", .sentence_kind = "fine"}).error().field, "sentence_kind");
  EXPECT_EQ(f.count("sentenced:prison_5_10y") + f.count("sentenced:prison_over_10y") + f.count("sentenced:non_custodial") +
                f.count("sentenced:unknown"),
            4);
  // The consent withdrawn: still counted for staff, no longer among the consented.
  ASSERT_TRUE(f.desk->set_consents(f.worker, code, Consents{.stats = false}));
  EXPECT_EQ(f.count("sentenced:prison_5_10y"), 1);
  EXPECT_EQ(f.count("sentenced:prison_5_10y", true), 0);
  // Acquitted on appeal: the sentence is no longer counted.
  ASSERT_TRUE(f.desk->change_suspect(f.worker, code, eight->id, {.state = "acquitted", .date = "2025-06-10"}));
  EXPECT_EQ(f.count("sentenced:prison_5_10y"), 0);
}

TEST(Desk, OfficialsHeldAccountableComeFromComplaintOutcomes) {
  DeskFixture f;
  ComplaintRow c{.official_rank = "captain", .official_unit = "district police", .region = "almaty_city",
                 .conduct = "dismissed_report", .filed_with = "prosecutor", .filed_on = "2025-02-01"};
  auto a = f.desk->add_complaint(f.worker, c, std::nullopt);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(f.count(metric::officials_accountable), 0);
  ASSERT_TRUE(f.desk->decide_complaint(f.worker, a->id, "disciplinary", "2025-03-01", ""));
  EXPECT_EQ(f.count(metric::officials_accountable), 0);
  EXPECT_EQ(f.count(metric::disciplinary), 1);
  ASSERT_TRUE(f.desk->decide_complaint(f.worker, a->id, "criminal_case", "2025-03-05", "UK RK 371"));
  EXPECT_EQ(f.count(metric::officials_accountable), 1);
  EXPECT_EQ(f.count(metric::disciplinary), 0);
  // Overturned: the count follows.
  ASSERT_TRUE(f.desk->decide_complaint(f.worker, a->id, "rejected", "2025-04-01", ""));
  EXPECT_EQ(f.count(metric::officials_accountable), 0);
  auto bad = f.desk->decide_complaint(f.worker, a->id, "criminal_case", "2025-04-01", "");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "article");
}

// The demo's figures come out of its records at any scale, a small one included: a single trial
// still convicts, and the complaints against officials follow the options.
TEST(DeskDemo, ItsFiguresFollowTheOptionsAtAnyScale) {
  DeskFixture f;
  f.now = std::time(nullptr);  // the demo dates its records up to today
  DeskDemoOptions o{.consultations = 60, .survivors = 6, .to_trial = 1, .convicted = 2, .disciplinary = 3,
                    .accountable = 1, .other_complaints = 2, .start = "2023-01-01", .years = 2};
  const DeskDemoStaff staff{f.operator_, f.worker, f.lawyer, f.director};
  auto sum = generate_desk_demo(*f.desk, staff, o);
  ASSERT_TRUE(sum) << sum.error().message;
  EXPECT_EQ(sum->consultations, 60);
  EXPECT_EQ(sum->survivors, 6);
  EXPECT_EQ(sum->to_trial, 1);
  EXPECT_EQ(sum->convictions, 1);
  EXPECT_EQ(sum->convicted, 2);
  EXPECT_EQ(sum->complaints, 6);
  EXPECT_EQ(f.count(metric::convicted), 2);
  // The people convicted are the trial's suspects, each convicted with a sentence.
  auto cases = f.desk->cases(f.director, {});
  ASSERT_TRUE(cases);
  std::int64_t convicted_suspects = 0;
  for (const auto& c : *cases) {
    auto page = f.desk->case_page(f.director, c.code);
    ASSERT_TRUE(page);
    for (const auto& s : page->suspects)
      if (s.state == "convicted") {
        ++convicted_suspects;
        EXPECT_FALSE(s.sentence.empty());
        EXPECT_EQ(s.sentence_kind, "imprisonment");
      }
  }
  EXPECT_EQ(convicted_suspects, 2);
  EXPECT_EQ(f.count("sentenced:prison_under_5y") + f.count("sentenced:prison_5_10y") + f.count("sentenced:prison_over_10y"),
            2);
  EXPECT_EQ(f.count(metric::officials_accountable), 1);
  EXPECT_EQ(f.count(metric::disciplinary), 3);

  o.accountable = -1;
  auto bad = generate_desk_demo(*f.desk, staff, o);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "accountable");
}

}  // namespace
}  // namespace amanat::desk
