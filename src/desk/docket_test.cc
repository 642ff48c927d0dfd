// The docket's counts come from its events, and its validation names the field at fault.
// People and numbers are invented (shared/background/ is about real people).
#include "desk/docket.h"

#include <gtest/gtest.h>

namespace amanat::desk::docket {
namespace {

using namespace std::chrono;

Event ev(EventKind k, std::string date, DatePrecision p = DatePrecision::day) {
  Event e;
  e.kind = k;
  e.date = {std::move(date), p};
  return e;
}

Proceeding proceeding(std::string id, std::vector<Event> events) {
  Proceeding p;
  p.id = id;
  p.title = "Уголовное дело " + id;
  p.articles = {"УК РК ст. 274 ч. 2"};
  p.authority = "Police department";
  p.region = "Region A";
  p.people = {{"Defender A", true, "suspect"}};
  p.events = std::move(events);
  return p;
}

using K = EventKind;
constexpr auto M = DatePrecision::month;

// Six proceedings that are opened, interrupted, suspended, terminated and reopened sixteen times
// in all, in the pattern of the background's docket.
Docket sixteen_restarts() {
  Docket d;
  d.proceedings.push_back(proceeding("p1", {ev(K::opened, "2017-02-03"), ev(K::terminated, "2017-06", M),
                                            ev(K::reopened, "2017-09", M), ev(K::terminated, "2017-12", M)}));
  d.proceedings.push_back(
      proceeding("p2", {ev(K::opened, "2019-09", M), ev(K::hearing, "2020-02-11"), ev(K::acquitted, "2020-05", M)}));
  Event refused_termination = ev(K::terminated, "2021-06-01");
  refused_termination.document = {"Постановление о прекращении", "", DocumentStatus::refused};
  d.proceedings.push_back(proceeding("p3", {ev(K::opened, "2020-12-10"), ev(K::interrupted, "2021-02-01"),
                                            ev(K::resumed, "2021-03-01"), refused_termination,
                                            ev(K::reopened, "2021-08-01"), ev(K::terminated, "2021-11-01")}));
  d.proceedings.push_back(proceeding("p4", {ev(K::opened, "2022-07", M), ev(K::suspended_by_court, "2022-08", M),
                                            ev(K::resumed, "2022-09", M), ev(K::terminated, "2022-10", M),
                                            ev(K::reopened, "2022-11", M), ev(K::terminated, "2023-01", M)}));
  Event qualified = ev(K::qualified_as_suspect, "2023-12-27");
  qualified.document = {"Постановление о квалификации", "", DocumentStatus::refused};
  d.proceedings.push_back(proceeding(
      "p5", {ev(K::opened, "2023-10-16"), ev(K::donors_data_requested, "2023-10", M),
             ev(K::file_access_refused, "2023-11-02"), qualified, ev(K::wanted_list, "2023-12-28"),
             ev(K::interrupted, "2024-01-10"), ev(K::resumed, "2024-02-10"), ev(K::interrupted, "2024-03-10"),
             ev(K::resumed, "2024-04-10"), ev(K::interrupted, "2024-05-10"), ev(K::resumed, "2024-06-10"),
             ev(K::terminated, "2024-07-10"), ev(K::reopened, "2024-08-10"), ev(K::interrupted, "2024-09-10"),
             ev(K::resumed, "2024-10-10")}));
  d.proceedings.push_back(proceeding(
      "p6", {ev(K::opened, "2023-04", M), ev(K::interrupted, "2023-05", M), ev(K::resumed, "2023-06", M),
             ev(K::interrupted, "2023-07", M), ev(K::resumed, "2023-08", M), ev(K::terminated, "2023-09", M),
             ev(K::reopened, "2023-10", M), ev(K::interrupted, "2023-11", M), ev(K::resumed, "2023-12", M),
             ev(K::terminated, "2024-01", M), ev(K::reopened, "2024-02", M), ev(K::interrupted, "2024-03", M),
             ev(K::resumed, "2024-04", M)}));
  return d;
}

TEST(Docket, CountsOfABackgroundLikeDocketComeFromItsEvents) {
  Docket d = sixteen_restarts();
  ASSERT_TRUE(validate(d)) << validate(d).error().message;
  DocketCounts c = count(d, sys_days{2024y / November / 1});
  EXPECT_EQ(c.total.proceedings, 6);
  EXPECT_EQ(c.total.opened, 6);
  EXPECT_EQ(c.total.interrupted, 9);
  EXPECT_EQ(c.total.suspended, 1);
  EXPECT_EQ(c.total.terminated, 9);
  EXPECT_EQ(c.total.reopened, 6);
  EXPECT_EQ(c.total.resumed, 10);
  EXPECT_EQ(c.total.restarts, 16);
  EXPECT_EQ(c.total.documents_refused, 3);
  ASSERT_EQ(c.per_proceeding.size(), 6u);
  EXPECT_EQ(c.per_proceeding[0].restarts, 1);
  EXPECT_EQ(c.per_proceeding[1].restarts, 0);
  EXPECT_EQ(c.per_proceeding[4].restarts, 5);
  EXPECT_EQ(c.per_proceeding[4].documents_refused, 2);
  EXPECT_EQ(c.per_proceeding[5].restarts, 6);
  EXPECT_EQ(c.per_proceeding[5].terminated, 2);
}

TEST(Docket, RestartsCountOnlyReopeningsThatFollowAStop) {
  // Unvalidated input: a resumed event with nothing stopped does not count, and two restarts
  // after one stop count once.
  Proceeding p = proceeding("x", {ev(K::opened, "2020-01-01"), ev(K::resumed, "2020-02-01"),
                                  ev(K::terminated, "2020-03-01"), ev(K::reopened, "2020-04-01"),
                                  ev(K::resumed, "2020-05-01")});
  Counts c = count(p, sys_days{2021y / January / 1});
  EXPECT_EQ(c.reopened, 1);
  EXPECT_EQ(c.resumed, 2);
  EXPECT_EQ(c.restarts, 1);
}

TEST(Docket, DaysOpenRunToTheTerminationOrToTheReportDate) {
  // Terminated on a month-precise date: counted to its first day (2017-02-03 .. 2017-12-01).
  Proceeding closed = proceeding("a", {ev(K::opened, "2017-02-03"), ev(K::terminated, "2017-12", M)});
  EXPECT_EQ(count(closed, sys_days{2024y / January / 1}).days_open, 301);
  // Interrupted at the end: still hanging, counted to the report's date.
  Proceeding pending = proceeding("b", {ev(K::opened, "2024-01-01"), ev(K::interrupted, "2024-01-10")});
  EXPECT_EQ(count(pending, sys_days{2024y / March / 1}).days_open, 60);
  // An unknown opening date gives no number rather than a guess.
  Proceeding unknown = proceeding("c", {ev(K::opened, "", DatePrecision::unknown)});
  EXPECT_FALSE(count(unknown, sys_days{2024y / March / 1}).days_open);
}

TEST(Docket, DaysOpenOverADocketCountOverlappingDaysOnce) {
  Docket d;
  d.proceedings.push_back(proceeding("a", {ev(K::opened, "2024-01-01"), ev(K::terminated, "2024-01-31")}));
  d.proceedings.push_back(proceeding("b", {ev(K::opened, "2024-01-21"), ev(K::terminated, "2024-02-10")}));
  d.proceedings.push_back(proceeding("c", {ev(K::opened, "2024-03-01"), ev(K::terminated, "2024-03-11")}));
  // Jan 1 .. Feb 10 (40 days) and Mar 1 .. Mar 11 (10 days).
  EXPECT_EQ(count(d, sys_days{2024y / December / 1}).total.days_open, 50);
}

TEST(Docket, ValidationNamesTheDateThatIsNotIso) {
  Proceeding p = proceeding("x", {ev(K::opened, "2023-10-16"), ev(K::summons, "2023-10-20"),
                                  ev(K::summons, "20.10.2023")});
  auto s = validate(p);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().field, "events[2].date");
  EXPECT_EQ(s.error().code, Errc::invalid);

  p.events[2].date = {"2023-02-30", DatePrecision::day};  // not a calendar day
  EXPECT_EQ(validate(p).error().field, "events[2].date");
  p.events[2].date = {"2023-11-05", DatePrecision::month};  // shape does not match precision
  EXPECT_EQ(validate(p).error().field, "events[2].date");
  p.events[2].date = {"2023", DatePrecision::unknown};  // an unknown date carries no text
  EXPECT_EQ(validate(p).error().field, "events[2].date");
  p.events[2].date = {"2023-11", DatePrecision::month};
  EXPECT_TRUE(validate(p));
}

TEST(Docket, ValidationRefusesAReopeningWithNothingToReopen) {
  Proceeding p = proceeding("x", {ev(K::opened, "2020-01-01"), ev(K::reopened, "2020-02-01")});
  auto s = validate(p);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().field, "events[1].kind");
  EXPECT_NE(s.error().message.find("nothing to reopen"), std::string::npos);
  // Two restarts after one stop: the second has nothing to reopen.
  Proceeding twice = proceeding("y", {ev(K::opened, "2020-01-01"), ev(K::interrupted, "2020-02-01"),
                                      ev(K::resumed, "2020-03-01"), ev(K::resumed, "2020-04-01")});
  EXPECT_EQ(validate(twice).error().field, "events[3].kind");
}

TEST(Docket, ValidationRefusesAnEventBeforeTheProceedingOpened) {
  Proceeding p = proceeding("x", {ev(K::opened, "2020-12-10"), ev(K::summons, "2020-11-01")});
  auto s = validate(p);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().field, "events[1].date");
  EXPECT_NE(s.error().message.find("before the proceeding was opened"), std::string::npos);
  // A month-precise event in the opening's month may be on or after its day: allowed.
  p.events[1].date = {"2020-12", DatePrecision::month};
  EXPECT_TRUE(validate(p));
}

TEST(Docket, ValidationWantsTheOpeningFirstAndOnlyOnce) {
  EXPECT_EQ(validate(proceeding("x", {ev(K::summons, "2020-01-01")})).error().field, "events[0].kind");
  EXPECT_EQ(validate(proceeding("x", {ev(K::opened, "2020-01-01"), ev(K::opened, "2020-02-01")})).error().field,
            "events[1].kind");
}

TEST(Docket, ValidationOfADocketPrefixesTheProceeding) {
  Docket d = sixteen_restarts();
  d.proceedings[1].events[1].date = {"2020/02/11", DatePrecision::day};
  auto s = validate(d);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().field, "proceedings[1].events[1].date");
  EXPECT_EQ(s.error().message.rfind("proceedings[1].events[1].date: ", 0), 0u);

  d = sixteen_restarts();
  d.proceedings[3].id = "p1";
  EXPECT_EQ(validate(d).error().field, "proceedings[3].id");
}

TEST(Docket, ValidationRefusesNonHttpLinksAndLettersInTheErdrNumber) {
  Proceeding p = proceeding("x", {ev(K::opened, "2020-01-01")});
  p.publications.push_back({"Statement", "javascript:alert(1)", {"2020-01-02", DatePrecision::day}, {}});
  EXPECT_EQ(validate(p).error().field, "publications[0].url");
  p.publications[0].url = "https://example.org/statement";
  p.publications[0].corrections.push_back({{"2019-12-31", DatePrecision::day}, "fixed a date"});
  EXPECT_EQ(validate(p).error().field, "publications[0].corrections[0].date");
  p.publications[0].corrections[0].date = {"2020-01-05", DatePrecision::day};
  EXPECT_TRUE(validate(p));
  p.erdr_number = "2023-0001";
  EXPECT_EQ(validate(p).error().field, "erdr_number");
  p.erdr_number = "231500031000123";
  EXPECT_TRUE(validate(p));
}

TEST(Docket, EventKindIdsRoundTrip) {
  for (int i = 0; i <= static_cast<int>(EventKind::other); ++i) {
    auto k = static_cast<EventKind>(i);
    EXPECT_EQ(parse_event_kind(event_kind_id(k)), k);
  }
  EXPECT_FALSE(parse_event_kind("closed"));
}

}  // namespace
}  // namespace amanat::desk::docket
