#include "desk/chronology.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "core/utf8.h"

namespace amanat::desk {
namespace {

using docket::DatePrecision;
using docket::EventKind;

// ---------------------------------------------------------------------------------------------
// Labels. Every fixed word of the report, in English and Russian.

struct Tr {
  const char* en;
  const char* ru;
};
const char* tr(ReportLang l, const Tr& t) { return l == ReportLang::ru ? t.ru : t.en; }

constexpr Tr kTitle{"Chronology of criminal proceedings against a human rights defender",
                    "Хронология уголовных преследований правозащитника"};
constexpr Tr kPrepared{"Prepared for the UN special procedures. As of ",
                       "Подготовлено для специальных процедур ООН. По состоянию на "};
constexpr Tr kDefender{"Human rights defender", "Правозащитник"};
constexpr Tr kOrganisation{"Organisation", "Организация"};
constexpr Tr kActivities{"Human rights activities", "Правозащитная деятельность"};
constexpr Tr kRisk{"Current situation and risk factors", "Текущая ситуация и факторы риска"};
constexpr Tr kConsentA{"Consent (a): a letter naming the victim may be sent to the Government",
                       "Согласие (а): письмо с именем пострадавшего может быть направлено правительству"};
constexpr Tr kConsentB{"Consent (b): the name may appear in public reports and the online database of the Special Procedures",
                       "Согласие (б): имя может быть указано в публичных докладах и онлайн-базе специальных процедур"};
constexpr Tr kYes{"yes", "да"};
constexpr Tr kNo{"no", "нет"};
constexpr Tr kSubmitter{"Submitter (confidential; private copy only)",
                        "Автор сообщения (конфиденциально; только в закрытой копии)"};
constexpr Tr kProceeding{"Proceeding", "Преследование"};
constexpr Tr kArticles{"Criminal Code articles", "Статьи Уголовного кодекса"};
constexpr Tr kAuthority{"Authority", "Орган"};
constexpr Tr kRegion{"Region", "Регион"};
constexpr Tr kErdr{"ERDR number", "Номер ЕРДР"};
constexpr Tr kNotKnown{"not known", "неизвестен"};
constexpr Tr kPeople{"People concerned", "Затронутые лица"};
constexpr Tr kTimeline{"Timeline", "Хронология событий"};
constexpr Tr kColDate{"Date", "Дата"};
constexpr Tr kColEvent{"Event", "Событие"};
constexpr Tr kColDocument{"Document", "Документ"};
constexpr Tr kColSource{"Source and verification", "Источник и проверка"};
constexpr Tr kColLog{"Log entry", "Запись в журнале"};
constexpr Tr kNote{"Note: ", "Примечание: "};
constexpr Tr kVerified{"Verified: ", "Проверка: "};
constexpr Tr kNumberSign{"No. ", "№ "};
constexpr Tr kRemedies{"Domestic remedies tried", "Использованные внутренние средства правовой защиты"};
constexpr Tr kColTo{"Complaint to", "Жалоба в"};
constexpr Tr kColResult{"Result", "Результат"};
constexpr Tr kPending{"pending", "не рассмотрена"};
constexpr Tr kPublications{"Related publications and their corrections", "Связанные публикации и их исправления"};
constexpr Tr kColTitle{"Publication", "Публикация"};
constexpr Tr kColCorrections{"Corrections", "Исправления"};
constexpr Tr kNoneRecorded{"None recorded.", "Не записано."};
constexpr Tr kSummary{"Summary", "Итог"};
constexpr Tr kPage{"Page %d of %d", "Стр. %d из %d"};

const char* kind_label(ReportLang l, EventKind k) {
  switch (k) {
    case EventKind::opened: return tr(l, {"Criminal case opened", "Возбуждение уголовного дела"});
    case EventKind::qualified_as_suspect: return tr(l, {"Qualified as a suspect", "Признание подозреваемым"});
    case EventKind::interrupted: return tr(l, {"Pre-trial term interrupted", "Прерывание сроков досудебного расследования"});
    case EventKind::terminated: return tr(l, {"Case terminated", "Прекращение уголовного дела"});
    case EventKind::reopened: return tr(l, {"Case reopened", "Возобновление прекращённого дела"});
    case EventKind::suspended_by_court: return tr(l, {"Suspended by a court", "Приостановление производства судом"});
    case EventKind::resumed: return tr(l, {"Resumed", "Возобновление производства"});
    case EventKind::acquitted: return tr(l, {"Acquitted", "Оправдательный приговор"});
    case EventKind::convicted: return tr(l, {"Convicted", "Обвинительный приговор"});
    case EventKind::wanted_list: return tr(l, {"Put on a wanted list", "Объявление в розыск"});
    case EventKind::extradition_request: return tr(l, {"Extradition request", "Запрос об экстрадиции"});
    case EventKind::entry_ban: return tr(l, {"Entry ban", "Запрет въезда"});
    case EventKind::accounts_frozen: return tr(l, {"Bank accounts frozen", "Арест банковских счетов"});
    case EventKind::donors_data_requested: return tr(l, {"Donors' data requested", "Истребование данных жертвователей"});
    case EventKind::file_access_refused: return tr(l, {"Access to the case file refused", "Отказ в доступе к материалам дела"});
    case EventKind::summons: return tr(l, {"Summons", "Вызов (повестка)"});
    case EventKind::hearing: return tr(l, {"Hearing", "Судебное заседание"});
    case EventKind::other: return tr(l, {"Other", "Другое"});
  }
  return "";
}

const char* status_label(ReportLang l, DocumentStatus s) {
  switch (s) {
    case DocumentStatus::obtained: return tr(l, {"obtained", "получен"});
    case DocumentStatus::requested: return tr(l, {"requested, not received", "запрошен, не получен"});
    case DocumentStatus::refused: return tr(l, {"refused", "в выдаче отказано"});
    case DocumentStatus::unknown: return tr(l, {"no document known", "документ неизвестен"});
  }
  return "";
}

std::string date_text(ReportLang l, const docket::Date& d) {
  switch (d.precision) {
    case DatePrecision::day: return d.iso;
    case DatePrecision::month: return d.iso + tr(l, {", day unknown", ", день неизвестен"});
    case DatePrecision::year: return d.iso + tr(l, {", month unknown", ", месяц неизвестен"});
    case DatePrecision::unknown: return tr(l, {"date unknown", "дата неизвестна"});
  }
  return d.iso;
}

// "1 time", "5 times"; "1 раз", "3 раза", "5 раз".
std::string times(ReportLang l, int n) {
  std::string s = std::to_string(n);
  if (l == ReportLang::en) return s + (n == 1 ? " time" : " times");
  int m10 = n % 10, m100 = n % 100;
  bool few = m10 >= 2 && m10 <= 4 && !(m100 >= 12 && m100 <= 14);
  return s + (few ? " раза" : " раз");
}

// Data as it may appear in a report: well-formed UTF-8 (an invalid byte becomes U+FFFD, which
// pango would otherwise refuse) and no control characters but newline and tab (not allowed in
// HTML, and meaningless on paper).
std::string clean(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    size_t n = utf8_sequence(s, i, cp);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
      out += ' ';
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

bool is_http(std::string_view u) {
  auto lower_starts = [&](std::string_view p) {
    if (u.size() <= p.size()) return false;
    for (size_t i = 0; i < p.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(u[i])) != p[i]) return false;
    return true;
  };
  return lower_starts("https://") || lower_starts("http://");
}

// ---------------------------------------------------------------------------------------------
// The report as a list of blocks, built once and written by either renderer, so the HTML and
// the PDF say the same thing.

struct Cell {
  std::string text;
  std::string link;  // an http(s) address, or empty
};

struct Table {
  std::vector<std::string> head;
  std::vector<double> widths;  // fractions of the text width, summing to 1
  std::vector<std::vector<Cell>> rows;
};

struct Block {
  enum Kind { title, subtitle, heading, subheading, field, paragraph, table } kind;
  std::string text;   // the field's value for `field`
  std::string label;  // `field` only
  Table tab;
  bool outline = false;  // a PDF bookmark points here
};

struct Report {
  std::string lang;  // "en" / "ru"
  std::string title;
  std::vector<Block> blocks;
};

std::string log_address(const ChronologyOptions& o, std::uint64_t index) {
  if (o.log_link) return o.log_link(index);
  if (!o.log_base_url.empty()) return o.log_base_url + std::to_string(index);
  return {};
}

Report build(const ChronologyHeader& h, const docket::Docket& d, const ChronologyOptions& o,
             const docket::DocketCounts& counts) {
  const ReportLang l = o.lang;
  Report r;
  r.lang = l == ReportLang::ru ? "ru" : "en";
  r.title = tr(l, kTitle);
  auto add = [&](Block::Kind k, std::string text, std::string label = {}) {
    Block b{k, std::move(text), std::move(label), {}};
    r.blocks.push_back(std::move(b));
  };
  add(Block::title, r.title);
  add(Block::subtitle, std::string(tr(l, kPrepared)) + clean(o.as_of));
  auto or_dash = [](const std::string& s) { return s.empty() ? std::string("—") : clean(s); };
  add(Block::field, or_dash(h.defender), tr(l, kDefender));
  add(Block::field, or_dash(h.organisation), tr(l, kOrganisation));
  add(Block::field, or_dash(h.activities), tr(l, kActivities));
  add(Block::field, or_dash(h.risk_summary), tr(l, kRisk));
  add(Block::field, tr(l, h.consent_name_to_government ? kYes : kNo), tr(l, kConsentA));
  add(Block::field, tr(l, h.consent_public_reports ? kYes : kNo), tr(l, kConsentB));
  if (o.private_copy && !h.submitter.empty()) add(Block::field, clean(h.submitter), tr(l, kSubmitter));

  for (size_t pi = 0; pi < d.proceedings.size(); ++pi) {
    const docket::Proceeding& p = d.proceedings[pi];
    add(Block::heading, std::string(tr(l, kProceeding)) + " " + std::to_string(pi + 1) + ". " + clean(p.title));
    r.blocks.back().outline = true;
    std::string arts;
    for (const auto& a : p.articles) arts += (arts.empty() ? "" : "; ") + clean(a);
    add(Block::field, arts.empty() ? "—" : arts, tr(l, kArticles));
    add(Block::field, p.authority.empty() ? "—" : clean(p.authority), tr(l, kAuthority));
    add(Block::field, p.region.empty() ? "—" : clean(p.region), tr(l, kRegion));
    add(Block::field, p.erdr_number ? clean(*p.erdr_number) : tr(l, kNotKnown), tr(l, kErdr));
    std::string people;
    for (const auto& who : p.people)
      people += (people.empty() ? "" : "; ") + clean(who.label) + (who.role.empty() ? "" : " (" + clean(who.role) + ")");
    add(Block::field, people.empty() ? "—" : people, tr(l, kPeople));

    add(Block::subheading, tr(l, kTimeline));
    Table t{{tr(l, kColDate), tr(l, kColEvent), tr(l, kColDocument), tr(l, kColSource), tr(l, kColLog)},
            {0.13, 0.27, 0.21, 0.20, 0.19},
            {}};
    for (const docket::Event& e : p.events) {
      std::string event = kind_label(l, e.kind);
      if (!e.note.empty()) event += "\n" + std::string(tr(l, kNote)) + clean(e.note);
      std::string doc;
      if (!e.document.name.empty()) doc = clean(e.document.name);
      if (!e.document.number.empty()) doc += (doc.empty() ? "" : " ") + std::string(tr(l, kNumberSign)) + clean(e.document.number);
      doc += (doc.empty() ? "" : "\n") + std::string("[") + status_label(l, e.document.status) + "]";
      std::string src = e.source.empty() ? "—" : clean(e.source);
      if (!e.verification.empty()) src += "\n" + std::string(tr(l, kVerified)) + clean(e.verification);
      Cell log{"—", {}};
      if (e.log_index) {
        std::string url = clean(log_address(o, *e.log_index));
        if (is_http(url))
          log = {url, url};
        else
          log = {"#" + std::to_string(*e.log_index), {}};
      }
      t.rows.push_back({{date_text(l, e.date), {}}, {event, {}}, {doc, {}}, {src, {}}, log});
    }
    r.blocks.push_back(Block{Block::table, {}, {}, std::move(t)});

    add(Block::subheading, tr(l, kRemedies));
    if (p.remedies.empty()) {
      add(Block::paragraph, tr(l, kNoneRecorded));
    } else {
      Table rt{{tr(l, kColTo), tr(l, kColDate), tr(l, kColResult)}, {0.35, 0.2, 0.45}, {}};
      for (const auto& rem : p.remedies)
        rt.rows.push_back({{clean(rem.to_whom), {}},
                           {date_text(l, rem.date), {}},
                           {rem.result.empty() ? tr(l, kPending) : clean(rem.result), {}}});
      r.blocks.push_back(Block{Block::table, {}, {}, std::move(rt)});
    }

    add(Block::subheading, tr(l, kPublications));
    if (p.publications.empty()) {
      add(Block::paragraph, tr(l, kNoneRecorded));
    } else {
      Table pt{{tr(l, kColTitle), tr(l, kColDate), tr(l, kColCorrections)}, {0.45, 0.17, 0.38}, {}};
      for (const auto& pub : p.publications) {
        std::string title = clean(pub.title);
        std::string url = clean(pub.url);
        std::string link = is_http(url) ? url : std::string{};
        if (!url.empty()) title += "\n" + url;
        std::string corr;
        for (const auto& c : pub.corrections)
          corr += (corr.empty() ? "" : "\n") + date_text(l, c.date) + ": " + clean(c.text);
        pt.rows.push_back({{title, link}, {date_text(l, pub.date), {}}, {corr.empty() ? "—" : corr, {}}});
      }
      r.blocks.push_back(Block{Block::table, {}, {}, std::move(pt)});
    }
    add(Block::paragraph, counts_sentence(counts.per_proceeding[pi], l, o.as_of));
  }

  add(Block::heading, tr(l, kSummary));
  r.blocks.back().outline = true;
  add(Block::paragraph, counts_sentence(counts.total, l, o.as_of));
  return r;
}

Result<Report> prepare(const ChronologyHeader& h, const docket::Docket& d, const ChronologyOptions& o,
                       std::chrono::sys_days& as_of) {
  auto day = docket::parse_iso_day(o.as_of);
  if (!day) return fail_field("as_of", "the report's date must be an ISO day (YYYY-MM-DD)");
  as_of = *day;
  AMANAT_CHECK(docket::validate(d));
  return build(h, d, o, docket::count(d, *day));
}

// ---------------------------------------------------------------------------------------------
// HTML

void escape_into(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
}

// Escaped, with each newline as a line break.
void text_into(std::string& out, std::string_view s) {
  size_t start = 0;
  while (true) {
    size_t nl = s.find('\n', start);
    escape_into(out, s.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (nl == std::string_view::npos) break;
    out += "<br>";
    start = nl + 1;
  }
}

// The page footer as CSS content: the words are fixed labels, never data.
std::string css_page_counter(ReportLang l) {
  return l == ReportLang::ru ? R"("Стр. " counter(page) " из " counter(pages))"
                             : R"("Page " counter(page) " of " counter(pages))";
}

std::string to_html(const Report& r, ReportLang l) {
  std::string o;
  o.reserve(16384);
  o += "<!DOCTYPE html>\n<html lang=\"" + r.lang + "\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
  escape_into(o, r.title);
  o += "</title>\n<style>\n"
       "@page { size: A4; margin: 18mm 16mm 20mm 16mm; @bottom-center { content: " +
       css_page_counter(l) +
       "; font-size: 8pt; } }\n"
       "body { font-family: \"DejaVu Sans\", \"Noto Sans\", Arial, sans-serif; font-size: 10pt; line-height: 1.35; "
       "color: #111; max-width: 190mm; margin: 0 auto; }\n"
       "h1 { font-size: 16pt; margin: 0 0 4pt; } h2 { font-size: 13pt; margin: 18pt 0 6pt; break-after: avoid; } "
       "h3 { font-size: 11pt; margin: 10pt 0 4pt; break-after: avoid; }\n"
       ".subtitle { color: #444; margin: 0 0 10pt; } .field { margin: 2pt 0; } .field b { font-weight: bold; }\n"
       "table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 8.5pt; margin: 4pt 0 8pt; }\n"
       "th, td { border: 0.5pt solid #777; padding: 3pt 4pt; vertical-align: top; text-align: left; "
       "overflow-wrap: anywhere; }\n"
       "th { background: #e6e6e6; } thead { display: table-header-group; } tr { break-inside: avoid; }\n"
       "a { color: #1a4d8f; }\n"
       "@media print { body { max-width: none; } a { color: inherit; } }\n"
       "</style>\n</head>\n<body>\n";
  for (const Block& b : r.blocks) {
    switch (b.kind) {
      case Block::title: o += "<h1>"; escape_into(o, b.text); o += "</h1>\n"; break;
      case Block::subtitle: o += "<p class=\"subtitle\">"; escape_into(o, b.text); o += "</p>\n"; break;
      case Block::heading: o += "<h2>"; escape_into(o, b.text); o += "</h2>\n"; break;
      case Block::subheading: o += "<h3>"; escape_into(o, b.text); o += "</h3>\n"; break;
      case Block::field:
        o += "<p class=\"field\"><b>"; escape_into(o, b.label); o += ":</b> "; text_into(o, b.text); o += "</p>\n";
        break;
      case Block::paragraph: o += "<p>"; text_into(o, b.text); o += "</p>\n"; break;
      case Block::table: {
        o += "<table>\n<colgroup>";
        for (double w : b.tab.widths) o += "<col style=\"width:" + std::to_string(static_cast<int>(w * 100 + 0.5)) + "%\">";
        o += "</colgroup>\n<thead><tr>";
        for (const auto& hcell : b.tab.head) { o += "<th>"; escape_into(o, hcell); o += "</th>"; }
        o += "</tr></thead>\n<tbody>\n";
        for (const auto& row : b.tab.rows) {
          o += "<tr>";
          for (const Cell& c : row) {
            o += "<td>";
            if (!c.link.empty()) {
              // The link wraps the whole cell; its address is data, escaped like any other.
              o += "<a href=\""; escape_into(o, c.link); o += "\" rel=\"noopener noreferrer\">";
              text_into(o, c.text);
              o += "</a>";
            } else {
              text_into(o, c.text);
            }
            o += "</td>";
          }
          o += "</tr>\n";
        }
        o += "</tbody>\n</table>\n";
        break;
      }
    }
  }
  o += "</body>\n</html>\n";
  return o;
}

// ---------------------------------------------------------------------------------------------
// PDF: two passes over the same blocks with the same layout code. The first only measures, to
// learn the number of pages ("Page 2 of 5" needs it); the second draws. Both pass through a PDF
// surface so that pango measures with the same font options, hence breaks the same lines.

constexpr double kPageW = 595.2756, kPageH = 841.8898;  // A4 in points
constexpr double kMarginX = 48, kTop = 48, kBottom = kPageH - 60, kFooterY = kPageH - 40;
constexpr double kTextW = kPageW - 2 * kMarginX;
constexpr double kCellPad = 3;
constexpr const char* kFont = "DejaVu Sans";

struct LayoutDeleter {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, LayoutDeleter>;

class Typesetter {
 public:
  Typesetter(cairo_surface_t* surface, bool draw, int pages_total, ReportLang lang)
      : surface_(surface), cr_(cairo_create(surface)), draw_(draw), total_(pages_total), lang_(lang) {}
  ~Typesetter() { cairo_destroy(cr_); }
  Typesetter(const Typesetter&) = delete;
  Typesetter& operator=(const Typesetter&) = delete;

  int pages() const { return page_; }

  void run(const Report& r) {
    begin_page();
    for (const Block& b : r.blocks) {
      switch (b.kind) {
        case Block::title: text(b.text, 16, true, 0, 4, {}, b.outline); break;
        case Block::subtitle: text(b.text, 9.5, false, 0, 10, {}, false, 0.3); break;
        case Block::heading: keep_with_next(60); text(b.text, 13, true, 14, 6, {}, b.outline); break;
        case Block::subheading: keep_with_next(50); text(b.text, 11, true, 8, 4, {}, false); break;
        case Block::field: text(b.label + ": " + b.text, 9.5, false, 0, 3, b.label.size() + 1, false); break;
        case Block::paragraph: text(b.text, 9.5, false, 2, 6, {}, false); break;
        case Block::table: table(b.tab); break;
      }
    }
    end_page();
  }

 private:
  LayoutPtr layout(const std::string& s, double size, bool bold, double width,
                   std::optional<size_t> bold_prefix = {}) {
    LayoutPtr l(pango_cairo_create_layout(cr_));
    PangoFontDescription* fd = pango_font_description_new();
    pango_font_description_set_family(fd, kFont);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(l.get(), fd);
    pango_font_description_free(fd);
    pango_layout_set_width(l.get(), pango_units_from_double(width));
    pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
    // Plain text, never markup: data is not parsed.
    pango_layout_set_text(l.get(), s.data(), static_cast<int>(s.size()));
    if (bold_prefix) {
      PangoAttrList* attrs = pango_attr_list_new();
      PangoAttribute* a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
      a->start_index = 0;
      a->end_index = static_cast<guint>(*bold_prefix);
      pango_attr_list_insert(attrs, a);
      pango_layout_set_attributes(l.get(), attrs);
      pango_attr_list_unref(attrs);
    }
    return l;
  }

  static double height_of(PangoLayout* l) {
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    return pango_units_to_double(h);
  }

  void begin_page() {
    ++page_;
    y_ = kTop;
  }

  void end_page() {
    if (draw_) {
      char buf[64];
      std::snprintf(buf, sizeof buf, tr(lang_, kPage), page_, total_);
      LayoutPtr l = layout(buf, 8, false, kTextW);
      pango_layout_set_alignment(l.get(), PANGO_ALIGN_CENTER);
      cairo_set_source_rgb(cr_, 0.3, 0.3, 0.3);
      cairo_move_to(cr_, kMarginX, kFooterY);
      pango_cairo_show_layout(cr_, l.get());
      cairo_show_page(cr_);
    }
  }

  void new_page() {
    end_page();
    begin_page();
  }

  // A heading is not left alone at the bottom of a page.
  void keep_with_next(double need) {
    if (y_ > kTop && y_ + need > kBottom) new_page();
  }

  // A paragraph, broken between lines where the page ends.
  void text(const std::string& s, double size, bool bold, double before, double after,
            std::optional<size_t> bold_prefix, bool outline, double grey = 0.0) {
    y_ += before;
    LayoutPtr l = layout(s, size, bold, kTextW, bold_prefix);
    if (outline && draw_) {
      std::string dest = "page=" + std::to_string(page_) + " pos=[" + std::to_string(static_cast<int>(kMarginX)) +
                         " " + std::to_string(static_cast<int>(y_)) + "]";
      cairo_pdf_surface_add_outline(surface_, CAIRO_PDF_OUTLINE_ROOT, s.c_str(), dest.c_str(),
                                    CAIRO_PDF_OUTLINE_FLAG_OPEN);
    }
    PangoLayoutIter* it = pango_layout_get_iter(l.get());
    double top_of_layout = y_;  // where the layout's current page part starts
    double consumed = 0;        // layout height already placed on earlier pages
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      double line_top = pango_units_to_double(logical.y) - consumed;
      double line_h = pango_units_to_double(logical.height);
      if (top_of_layout + line_top + line_h > kBottom && top_of_layout + line_top > kTop) {
        new_page();
        consumed += line_top;
        top_of_layout = kTop;
        line_top = 0;
      }
      if (draw_) {
        double baseline = pango_units_to_double(pango_layout_iter_get_baseline(it)) - consumed;
        cairo_set_source_rgb(cr_, grey, grey, grey);
        cairo_move_to(cr_, kMarginX + pango_units_to_double(logical.x), top_of_layout + baseline);
        pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it));
      }
      y_ = top_of_layout + line_top + line_h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    y_ += after;
  }

  struct Row {
    std::vector<LayoutPtr> cells;
    double height = 0;
  };

  Row make_row(const std::vector<std::string>& texts, const std::vector<double>& widths, bool bold) {
    Row row;
    for (size_t i = 0; i < texts.size(); ++i) {
      row.cells.push_back(layout(texts[i], 8.5, bold, widths[i] * kTextW - 2 * kCellPad));
      row.height = std::max(row.height, height_of(row.cells.back().get()) + 2 * kCellPad);
    }
    return row;
  }

  void draw_row(const Row& row, const std::vector<double>& widths, bool header, const std::vector<Cell>* cells) {
    if (draw_) {
      double x = kMarginX;
      for (size_t i = 0; i < row.cells.size(); ++i) {
        double w = widths[i] * kTextW;
        if (header) {
          cairo_set_source_rgb(cr_, 0.9, 0.9, 0.9);
          cairo_rectangle(cr_, x, y_, w, row.height);
          cairo_fill(cr_);
        }
        cairo_set_source_rgb(cr_, 0.45, 0.45, 0.45);
        cairo_set_line_width(cr_, 0.5);
        cairo_rectangle(cr_, x, y_, w, row.height);
        cairo_stroke(cr_);
        const std::string* link = cells && !(*cells)[i].link.empty() ? &(*cells)[i].link : nullptr;
        if (link) {
          std::string attrs = "uri='";
          for (char c : *link) {
            if (c == '\'' || c == '\\') attrs += '\\';
            attrs += c;
          }
          attrs += "'";
          cairo_tag_begin(cr_, CAIRO_TAG_LINK, attrs.c_str());
          cairo_set_source_rgb(cr_, 0.1, 0.3, 0.56);
        } else {
          cairo_set_source_rgb(cr_, 0, 0, 0);
        }
        cairo_move_to(cr_, x + kCellPad, y_ + kCellPad);
        pango_cairo_show_layout(cr_, row.cells[i].get());
        if (link) cairo_tag_end(cr_, CAIRO_TAG_LINK);
        x += w;
      }
    }
    y_ += row.height;
  }

  // A table, split between rows where the page ends, its header repeated on each page. A row
  // taller than a whole page is drawn from the top of a page and runs past its bottom margin:
  // rows are one event's few lines, so it is not worth splitting a row.
  void table(const Table& t) {
    Row head = make_row(t.head, t.widths, true);
    y_ += 2;
    bool head_on_page = false;
    for (const auto& cells : t.rows) {
      std::vector<std::string> texts;
      for (const Cell& c : cells) texts.push_back(c.text);
      Row row = make_row(texts, t.widths, false);
      double need = row.height + (head_on_page ? 0 : head.height);
      if (y_ + need > kBottom && y_ > kTop) {
        new_page();
        head_on_page = false;
      }
      if (!head_on_page) {
        draw_row(head, t.widths, true, nullptr);
        head_on_page = true;
      }
      draw_row(row, t.widths, false, &cells);
    }
    if (t.rows.empty()) draw_row(head, t.widths, true, nullptr);
    y_ += 8;
  }

  cairo_surface_t* surface_;
  cairo_t* cr_;
  bool draw_;
  int total_;
  ReportLang lang_;
  int page_ = 0;
  double y_ = kTop;
};

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

cairo_status_t discard(void*, const unsigned char*, unsigned int) { return CAIRO_STATUS_SUCCESS; }

}  // namespace

std::string counts_sentence(const docket::Counts& c, ReportLang l, std::string_view as_of) {
  std::string days;
  if (c.days_open)
    days = std::to_string(*c.days_open);
  else
    days = tr(l, {"not computed (a date is unknown)", "не подсчитано (дата неизвестна)"});
  if (l == ReportLang::ru)
    return "Подсчитано по записанным событиям: уголовных преследований — " + std::to_string(c.proceedings) +
           "; возбуждались " + times(l, c.opened) + ", сроки прерывались " + times(l, c.interrupted) +
           ", приостанавливались судом " + times(l, c.suspended) + ", прекращались " + times(l, c.terminated) +
           "; возобновлялись после прерывания, приостановления или прекращения " + times(l, c.restarts) +
           ". Отказов в выдаче документов и доступе к материалам: " + std::to_string(c.documents_refused) +
           ". Дней под уголовным преследованием по " + std::string(as_of) + ": " + days + ".";
  return "Counted from the recorded events: " + std::to_string(c.proceedings) +
         (c.proceedings == 1 ? " proceeding" : " proceedings") + "; opened " + times(l, c.opened) + ", interrupted " +
         times(l, c.interrupted) + ", suspended by a court " + times(l, c.suspended) + ", terminated " +
         times(l, c.terminated) + "; then reopened or resumed " + times(l, c.restarts) +
         ". Documents and file access refused: " + std::to_string(c.documents_refused) +
         ". Days under criminal proceedings to " + std::string(as_of) + ": " + days + ".";
}

Result<std::string> chronology_html(const ChronologyHeader& header, const docket::Docket& docket,
                                    const ChronologyOptions& options) {
  std::chrono::sys_days as_of;
  AMANAT_TRY(report, prepare(header, docket, options, as_of));
  return to_html(report, options.lang);
}

Result<std::string> chronology_pdf(const ChronologyHeader& header, const docket::Docket& docket,
                                   const ChronologyOptions& options) {
  std::chrono::sys_days as_of;
  AMANAT_TRY(report, prepare(header, docket, options, as_of));

  // Pass 1: measure.
  int pages = 0;
  {
    cairo_surface_t* s = cairo_pdf_surface_create_for_stream(discard, nullptr, kPageW, kPageH);
    {
      Typesetter t(s, false, 0, options.lang);
      t.run(report);
      pages = t.pages();
    }
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
  }

  // Pass 2: draw.
  std::string out;
  cairo_surface_t* s = cairo_pdf_surface_create_for_stream(append_to_string, &out, kPageW, kPageH);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    std::string why = cairo_status_to_string(cairo_surface_status(s));
    cairo_surface_destroy(s);
    return fail(Errc::internal, "cairo could not create a PDF surface: " + why);
  }
  std::string title = report.title + (header.defender.empty() ? "" : " — " + clean(header.defender));
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title.c_str());
  if (!header.organisation.empty())
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, clean(header.organisation).c_str());
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "amanat");
  // The report's own date, not the clock: the same docket gives the same bytes.
  std::string created = options.as_of + "T00:00:00Z";
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, created.c_str());
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, created.c_str());
  {
    Typesetter t(s, true, pages, options.lang);
    t.run(report);
  }
  cairo_surface_finish(s);
  cairo_status_t st = cairo_surface_status(s);
  cairo_surface_destroy(s);
  if (st != CAIRO_STATUS_SUCCESS)
    return fail(Errc::internal, std::string("cairo could not write the PDF: ") + cairo_status_to_string(st));
  return out;
}

}  // namespace amanat::desk
