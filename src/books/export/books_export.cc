#include "books/export/books_export.h"

#include <memory>

#include "books/export/journal_writer.h"

namespace amanat::books::exporter {

Result<Format> parse_format(std::string_view s) {
  if (s == "ledger" || s == "hledger") return Format::ledger;
  if (s == "beancount") return Format::beancount;
  return fail(Errc::invalid, "--format: \"" + std::string(s) + "\" is not one of ledger, hledger, beancount");
}

Result<std::uint64_t> export_books(ReportStore& store, Format format, std::ostream& out, Progress* progress) {
  // The organisation's name and currency (an all-time report reads only maintained totals).
  auto books = store.report({});
  if (!books) return err(books);
  auto accounts = store.accounts();
  if (!accounts) return err(accounts);
  auto codes = store.currencies();
  if (!codes) return err(codes);
  JournalHeader header{books->organisation, books->currency, {}, {}};
  for (auto& [account, first] : *accounts) header.accounts.push_back({account, first});
  for (const auto& c : *codes) {
    auto cur = currency(c);
    if (!cur) return err(cur);
    header.currencies.push_back(*cur);
  }
  bool has_org = false;
  for (const auto& c : header.currencies) has_org = has_org || c == books->currency;
  if (!has_org) header.currencies.push_back(books->currency);

  std::unique_ptr<JournalWriter> w;
  if (format == Format::ledger) w = std::make_unique<LedgerWriter>(out);
  else w = std::make_unique<BeancountWriter>(out);
  if (auto st = w->begin(header); !st) return err(st);
  std::uint64_t n = 0;
  auto st = store.journal([&](const Transaction& t) -> Status {
    if (auto s = w->write(t); !s) return s;
    if (progress && (++n & 1023) == 0) progress->update(n);
    return {};
  });
  if (!st) return err(st);
  if (auto f = w->finish(); !f) return err(f);
  if (progress) progress->update(w->written());
  return w->written();
}

}  // namespace amanat::books::exporter
