// The chronology report: HTML escaping and language, links, counts, and a real PDF read back
// with poppler's pdftotext and pdfinfo (scripts/setup.sh installs poppler-utils; a missing tool
// fails the test rather than skipping it). People and places are invented.
#include "desk/chronology.h"

#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <gtest/gtest.h>
#include <pango/pangocairo.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>

namespace amanat::desk {
namespace {

// Pango's font map and fontconfig's caches live for the whole process; freed at exit so that
// LeakSanitizer (scripts/test.sh runs the tests with detect_leaks=1) reports only our leaks.
class FreeFontCaches : public ::testing::Environment {
 public:
  void TearDown() override {
    pango_cairo_font_map_set_default(nullptr);
    cairo_debug_reset_static_data();
    FcFini();
  }
};
[[maybe_unused]] const auto* const kFreeFontCaches = ::testing::AddGlobalTestEnvironment(new FreeFontCaches);

using docket::DatePrecision;
using docket::Event;
using K = docket::EventKind;

Event ev(K k, std::string date, DatePrecision p = DatePrecision::day) {
  Event e;
  e.kind = k;
  e.date = {std::move(date), p};
  return e;
}

ChronologyHeader header() {
  ChronologyHeader h;
  h.defender = "Айгерим Тестова";
  h.organisation = "Фонд «Тестовый», Қазақстан";
  h.activities = "Hotline and legal support for survivors; әғқңөұүһі ӘҒҚҢӨҰҮҺІ";
  h.risk_summary = "Wanted list; accounts frozen.";
  h.consent_name_to_government = true;
  h.consent_public_reports = false;
  h.submitter = "Submitter X, submitter@example.org";
  return h;
}

docket::Docket docket_of_two() {
  docket::Docket d;
  docket::Proceeding p;
  p.id = "p1";
  p.title = "Уголовное дело о распространении ложной информации";
  p.articles = {"УК РК ст. 274 ч. 2"};
  p.authority = "Департамент полиции";
  p.region = "Алматы";
  p.erdr_number = "231500031000123";
  p.people = {{"Айгерим Тестова", true, "подозреваемая"}};
  Event opened = ev(K::opened, "2020-12-10");
  opened.document = {"Постановление о возбуждении", "17", DocumentStatus::requested};
  opened.source = "адвокат";
  opened.verification = "уведомление прокурора";
  opened.log_index = 42;
  p.events = {opened, ev(K::terminated, "2021-06", DatePrecision::month), ev(K::reopened, "2021-09", DatePrecision::month)};
  p.remedies.push_back({"Прокуратура города", {"2021-10-01", DatePrecision::day}, "отказано"});
  p.publications.push_back({"Заявление фонда", "https://example.org/s1", {"2021-10-02", DatePrecision::day},
                            {{{"2021-10-05", DatePrecision::day}, "уточнена дата"}}});
  d.proceedings.push_back(p);

  docket::Proceeding q;
  q.id = "p2";
  q.title = "Case of fraud";
  q.articles = {"УК РК ст. 190 ч. 4"};
  q.events = {ev(K::opened, "2023-10-16"), ev(K::interrupted, "2024-01", DatePrecision::month),
              ev(K::resumed, "2024-02", DatePrecision::month)};
  d.proceedings.push_back(q);
  return d;
}

ChronologyOptions options(ReportLang l) {
  ChronologyOptions o;
  o.lang = l;
  o.as_of = "2024-03-18";
  o.log_base_url = "https://log.example.org/entry/";
  return o;
}

// Runs a shell command and returns its standard output; the test fails if it exits non-zero.
std::string run(const std::string& cmd) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) {
    ADD_FAILURE() << "cannot run " << cmd;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  int status = pclose(f);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << cmd << " failed (is poppler-utils installed?)";
  return out;
}

// A PDF in a temporary file, removed when the test ends.
struct PdfFile {
  std::string path;
  explicit PdfFile(const std::string& bytes) {
    char tmpl[] = "/tmp/amanat-chronology-XXXXXX";
    int fd = mkstemp(tmpl);
    path = tmpl;
    if (fd >= 0) {
      EXPECT_EQ(write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
      close(fd);
    }
  }
  ~PdfFile() { unlink(path.c_str()); }
  std::string text() const { return run("pdftotext -enc UTF-8 " + path + " -"); }
  std::string info() const { return run("pdfinfo -enc UTF-8 " + path); }
  int pages() const {
    std::smatch m;
    std::string i = info();
    if (!std::regex_search(i, m, std::regex(R"(Pages:\s+(\d+))"))) return 0;
    return std::stoi(m[1]);
  }
};

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

TEST(Chronology, HtmlEscapesScriptInDataAndSetsLang) {
  docket::Docket d = docket_of_two();
  d.proceedings[0].title = "<script>alert('x')</script>";
  d.proceedings[0].events[0].note = "\"quoted\" & <b>bold</b>";
  ChronologyHeader h = header();
  h.defender = "<img src=x onerror=alert(1)>";
  auto html = chronology_html(h, d, options(ReportLang::ru));
  ASSERT_TRUE(html) << html.error().message;
  EXPECT_TRUE(html->starts_with("<!DOCTYPE html>"));
  EXPECT_TRUE(contains(*html, "<html lang=\"ru\">"));
  EXPECT_FALSE(contains(*html, "<script"));
  EXPECT_FALSE(contains(*html, "<img"));
  EXPECT_FALSE(contains(*html, "<b>bold"));
  EXPECT_TRUE(contains(*html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
  EXPECT_TRUE(contains(*html, "&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;"));
  EXPECT_TRUE(contains(*html, "@page"));

  auto en = chronology_html(header(), docket_of_two(), options(ReportLang::en));
  ASSERT_TRUE(en);
  EXPECT_TRUE(contains(*en, "<html lang=\"en\">"));
}

TEST(Chronology, HtmlTranslatesEveryFixedLabelAndKeepsTheData) {
  auto ru = chronology_html(header(), docket_of_two(), options(ReportLang::ru));
  auto en = chronology_html(header(), docket_of_two(), options(ReportLang::en));
  ASSERT_TRUE(ru && en);
  for (const char* label : {"Хронология уголовных преследований", "Источник и проверка", "Запись в журнале",
                            "Прекращение уголовного дела", "2021-06, день неизвестен", "запрошен, не получен",
                            "Согласие (а)", "Согласие (б)", "Использованные внутренние средства правовой защиты"})
    EXPECT_TRUE(contains(*ru, label)) << label;
  for (const char* label : {"Timeline", "Source and verification", "Case terminated", "Log entry", "Page \""})
    EXPECT_FALSE(contains(*ru, label)) << label;
  for (const char* label : {"Chronology of criminal proceedings", "Case terminated", "2021-06, day unknown",
                            "requested, not received", "Consent (a)", "Domestic remedies tried"})
    EXPECT_TRUE(contains(*en, label)) << label;
  // The data as given, in both.
  for (const auto* html : {&*ru, &*en}) {
    EXPECT_TRUE(contains(*html, "УК РК ст. 274 ч. 2"));
    EXPECT_TRUE(contains(*html, "әғқңөұүһі"));
    EXPECT_TRUE(contains(*html, "уточнена дата"));
  }
}

TEST(Chronology, HtmlLinksLogEntriesAndPublicationsOnlyOverHttp) {
  auto html = chronology_html(header(), docket_of_two(), options(ReportLang::en));
  ASSERT_TRUE(html);
  EXPECT_TRUE(contains(*html, "href=\"https://log.example.org/entry/42\""));
  EXPECT_TRUE(contains(*html, "href=\"https://example.org/s1\""));

  ChronologyOptions o = options(ReportLang::en);
  o.log_link = [](std::uint64_t i) { return "javascript:alert(" + std::to_string(i) + ")"; };
  html = chronology_html(header(), docket_of_two(), o);
  ASSERT_TRUE(html);
  EXPECT_FALSE(contains(*html, "javascript:"));
  EXPECT_TRUE(contains(*html, "#42"));

  o.log_link = [](std::uint64_t i) { return "https://mirror.example.net/log?i=" + std::to_string(i) + "&x=\"y\""; };
  html = chronology_html(header(), docket_of_two(), o);
  EXPECT_TRUE(contains(*html, "href=\"https://mirror.example.net/log?i=42&amp;x=&quot;y&quot;\""));
}

TEST(Chronology, HtmlClosesWithTheCountsComputedFromEvents) {
  auto en = chronology_html(header(), docket_of_two(), options(ReportLang::en));
  ASSERT_TRUE(en);
  EXPECT_TRUE(contains(*en, "Counted from the recorded events: 2 proceedings; opened 2 times, interrupted 1 time, "
                            "suspended by a court 0 times, terminated 1 time; then reopened or resumed 2 times."));
  auto ru = chronology_html(header(), docket_of_two(), options(ReportLang::ru));
  ASSERT_TRUE(ru);
  EXPECT_TRUE(contains(*ru, "возобновлялись после прерывания, приостановления или прекращения 2 раза"));
}

TEST(Chronology, CountsSentenceUsesRussianPluralForms) {
  docket::Counts c;
  c.proceedings = 6;
  c.opened = 1;
  c.interrupted = 3;
  c.suspended = 12;
  c.terminated = 22;
  c.restarts = 16;
  std::string s = counts_sentence(c, ReportLang::ru, "2024-03-18");
  EXPECT_TRUE(contains(s, "возбуждались 1 раз,"));
  EXPECT_TRUE(contains(s, "прерывались 3 раза,"));
  EXPECT_TRUE(contains(s, "судом 12 раз,"));
  EXPECT_TRUE(contains(s, "прекращались 22 раза;"));
  EXPECT_TRUE(contains(s, "прекращения 16 раз."));
  EXPECT_TRUE(contains(s, "не подсчитано"));
}

TEST(Chronology, SubmitterAppearsOnlyInThePrivateCopy) {
  auto pub = chronology_html(header(), docket_of_two(), options(ReportLang::en));
  ASSERT_TRUE(pub);
  EXPECT_FALSE(contains(*pub, "submitter@example.org"));
  ChronologyOptions o = options(ReportLang::en);
  o.private_copy = true;
  auto priv = chronology_html(header(), docket_of_two(), o);
  ASSERT_TRUE(priv);
  EXPECT_TRUE(contains(*priv, "submitter@example.org"));
}

TEST(Chronology, InvalidDocketOrDateIsRefusedWithItsField) {
  docket::Docket d = docket_of_two();
  d.proceedings[1].events[2].kind = K::reopened;
  d.proceedings[1].events[1].kind = K::summons;
  auto html = chronology_html(header(), d, options(ReportLang::en));
  ASSERT_FALSE(html);
  EXPECT_EQ(html.error().field, "proceedings[1].events[2].kind");
  auto pdf = chronology_pdf(header(), d, options(ReportLang::en));
  ASSERT_FALSE(pdf);
  EXPECT_EQ(pdf.error().field, "proceedings[1].events[2].kind");

  ChronologyOptions o = options(ReportLang::en);
  o.as_of = "18.03.2024";
  EXPECT_EQ(chronology_html(header(), docket_of_two(), o).error().field, "as_of");
}

TEST(Chronology, PdfTextHasRussianAndKazakhStringsAndThePageFooter) {
  docket::Docket d = docket_of_two();
  d.proceedings[1].title = "Уголовное дело № 2";
  d.proceedings[1].region = "Шығыс Қазақстан";
  auto pdf = chronology_pdf(header(), d, options(ReportLang::ru));
  ASSERT_TRUE(pdf) << pdf.error().message;
  ASSERT_TRUE(pdf->starts_with("%PDF-"));
  PdfFile f(*pdf);
  std::string text = f.text();
  EXPECT_TRUE(contains(text, "Уголовное дело № 2")) << text;
  EXPECT_TRUE(contains(text, "Қазақстан"));
  EXPECT_TRUE(contains(text, "әғқңөұүһі ӘҒҚҢӨҰҮҺІ"));
  EXPECT_TRUE(contains(text, "УК РК ст. 274 ч. 2"));
  EXPECT_TRUE(contains(text, "Хронология уголовных преследований"));  // the title wraps after it
  int pages = f.pages();
  ASSERT_GE(pages, 1);
  EXPECT_TRUE(contains(text, "Стр. 1 из " + std::to_string(pages)));
  EXPECT_TRUE(contains(text, "Стр. " + std::to_string(pages) + " из " + std::to_string(pages)));
}

TEST(Chronology, PdfOfALongTimelinePaginatesWithPageOfTotal) {
  docket::Docket d = docket_of_two();
  auto& events = d.proceedings[1].events;
  events = {ev(K::opened, "2010-01-01")};
  // 150 interruptions and resumptions, each with a note long enough to wrap in its cell.
  for (int i = 0; i < 150; ++i) {
    int month = i % 12 + 1;
    std::string date = std::to_string(2011 + i / 12) + "-" + (month < 10 ? "0" : "") + std::to_string(month);
    Event e = ev(i % 2 == 0 ? K::interrupted : K::resumed, date, DatePrecision::month);
    e.note = "Investigator's decision number " + std::to_string(i) + ", learned from the lawyer weeks later";
    e.document = {"Постановление", std::to_string(1000 + i), DocumentStatus::refused};
    e.log_index = 1000 + i;
    events.push_back(e);
  }
  auto pdf = chronology_pdf(header(), d, options(ReportLang::en));
  ASSERT_TRUE(pdf) << pdf.error().message;
  PdfFile f(*pdf);
  int pages = f.pages();
  EXPECT_GT(pages, 3);
  std::string text = f.text();
  EXPECT_TRUE(contains(text, "Page 2 of " + std::to_string(pages)));
  EXPECT_TRUE(contains(text, "Page " + std::to_string(pages) + " of " + std::to_string(pages)));
  EXPECT_FALSE(contains(text, "Page " + std::to_string(pages + 1) + " of"));
  // The table's header is repeated on the following pages ("Source and verification" wraps in
  // its cell; "verification" is in no data here).
  size_t headers = 0;
  for (size_t at = text.find("verification"); at != std::string::npos; at = text.find("verification", at + 1))
    ++headers;
  EXPECT_GT(headers, 3u);
  // Every row made it: the last note is there, and the closing count.
  EXPECT_TRUE(contains(text, "number 149,"));
  EXPECT_TRUE(contains(text, "then reopened or resumed 76 times"));
}

TEST(Chronology, PdfIsDeterministicAndCarriesTitleAndDate) {
  auto a = chronology_pdf(header(), docket_of_two(), options(ReportLang::en));
  auto b = chronology_pdf(header(), docket_of_two(), options(ReportLang::en));
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(*a == *b) << "two renders of the same input differ";
  PdfFile f(*a);
  std::string info = f.info();
  EXPECT_TRUE(contains(info, "Chronology of criminal proceedings against a human rights defender — Айгерим Тестова"))
      << info;
  EXPECT_TRUE(std::regex_search(info, std::regex(R"(CreationDate:.*2024)"))) << info;
  EXPECT_TRUE(contains(info, "Creator:         amanat")) << info;
}

}  // namespace
}  // namespace amanat::desk
