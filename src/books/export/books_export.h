// Exports an organisation's books (every transaction of its journal, in leaf order) in the
// ledger/hledger or beancount format, through the writers of journal_writer.h.
// Thread-safety: as the store's journal() read; one export per call.
#pragma once

#include <ostream>
#include <string_view>

#include "books/store.h"
#include "core/progress.h"

namespace amanat::books::exporter {

enum class Format { ledger, beancount };
Result<Format> parse_format(std::string_view s);  // "ledger" (also "hledger") or "beancount"

// Returns the number of transactions written. Errc::invalid if the books are not open, or if a
// stored transaction is refused by the writer (it names the record).
Result<std::uint64_t> export_books(ReportStore& store, Format format, std::ostream& out, Progress* progress = nullptr);

}  // namespace amanat::books::exporter
