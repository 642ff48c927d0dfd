// The chronology report: the docket rendered in the shape UN special procedures ask a source
// for (../shared/domain/desk.md §4), as a standalone HTML document or a PDF.
//
// Contents, in order:
//  - header: the defender and the organisation, their human rights activities, the risk
//    summary, the two consent answers — (a) the name may go to the Government, (b) it may appear
//    in public reports and the online database — and, in the private copy only, the submitter;
//  - one section per proceeding: articles, authority and region, ЕРДР number, the people
//    concerned; a timeline table (date with its precision, event, document and whether it was
//    obtained, source and verification, link to the log entry); the domestic remedies tried;
//    the related publications and their corrections; the proceeding's counts;
//  - a closing sentence with the docket's counts (docket::count), never typed by hand.
//
// Languages: English and Russian. Every fixed label is translated; the data is printed as given
// (Russian and Kazakh text in an English report stays as it is).
//
// HTML: one complete document (UTF-8, `lang` set, printable CSS with @page and repeated table
// headers); every piece of data is escaped, and only http(s) addresses become links.
// PDF: typeset with pango and cairo in DejaVu Sans (Cyrillic and the Kazakh letters), with
// wrapped paragraphs and table cells, tables split between rows with their header repeated, and
// "Page i of N" on every page. The metadata's creation date is the report's `as_of` day, so the
// same input gives the same bytes.
//
// Both renderers validate the docket first (docket::validate) and return its error unchanged.
//
// Thread-safety: pure functions over their arguments; pango's and fontconfig's process-wide
// caches are themselves thread-safe, so reports may be rendered from several threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/error.h"
#include "desk/docket.h"

namespace amanat::desk {

enum class ReportLang { en, ru };

// The header of a report: what the special procedures ask about the alleged victim.
struct ChronologyHeader {
  std::string defender;      // public name of the human rights defender
  std::string organisation;  // the organisation's name
  std::string activities;    // the defender's and the organisation's human rights activities
  std::string risk_summary;  // the current situation and risk factors
  bool consent_name_to_government = false;  // (a)
  bool consent_public_reports = false;      // (b)
  // The submitter's identity and contacts: kept confidential by the UN, so printed only when
  // ChronologyOptions::private_copy is set.
  std::string submitter;
};

struct ChronologyOptions {
  ReportLang lang = ReportLang::en;
  // The report's date, ISO "YYYY-MM-DD": printed in the header, the end of "days open" for
  // pending proceedings, and the PDF's creation date. Required.
  std::string as_of;
  // The address of a log entry. When set it is used; otherwise, when log_base_url is not
  // empty, the address is log_base_url + the index ("https://log.example.org/entry/" + "42");
  // otherwise the index is printed without a link. Only http(s) results become links.
  std::function<std::string(std::uint64_t)> log_link;
  std::string log_base_url;
  bool private_copy = false;  // print the submitter
};

// The report as a standalone HTML document. Errors: the docket's validation error, or
// Errc::invalid with field "as_of".
Result<std::string> chronology_html(const ChronologyHeader& header, const docket::Docket& docket,
                                    const ChronologyOptions& options);

// The report as PDF bytes (A4). Errors as chronology_html; Errc::internal if cairo fails.
Result<std::string> chronology_pdf(const ChronologyHeader& header, const docket::Docket& docket,
                                   const ChronologyOptions& options);

// The closing sentence, e.g. "Counted from the recorded events: 6 proceedings; opened 6 times,
// …; reopened or resumed after a stop 16 times. …" — what both renderers print.
std::string counts_sentence(const docket::Counts& c, ReportLang lang, std::string_view as_of);

}  // namespace amanat::desk
