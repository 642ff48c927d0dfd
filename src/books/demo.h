// A realistic synthetic set of books for demos, tests and benchmarks: invented people only.
//
// Appeals for invented cases ("C-0042"), opened over the years with targets between 200,000
// and 5,000,000 of the organisation's currency; donations through every channel with
// log-normally distributed amounts, from a pool of invented donors ("ref:demo-donor-NNNNNN")
// of whom some give again and again; expenses in every category charged to appeals that hold
// the money (some split with the general fund), most approved by two staff handles, many with
// receipt hashes; surplus transfers when appeals close; a few corrections. Dates run forward
// from `start` over `years`. The same seed gives the same books (apart from receipt codes,
// salts and booking times, which are random or the clock's by design).
//
// Everything goes through books::Books, pipelined, so generating is also a test of the
// booking path at volume. Thread-safety: one generator per Books at a time.
#pragma once

#include <cstdint>
#include <string>

#include "books/service.h"
#include "core/progress.h"

namespace amanat::books {

struct DemoOptions {
  std::uint64_t donations = 10000;
  std::uint64_t appeals = 0;      // 0: about one per 20,000 donations, at least 6, at most 50
  std::uint64_t seed = 1;
  std::string start = "2022-01-01";
  int years = 3;
};

struct DemoSummary {
  std::uint64_t appeals = 0, donations = 0, expenses = 0, approvals = 0, transfers = 0, corrections = 0;
};

Result<DemoSummary> generate_demo(Books& books, const DemoOptions& options, Progress* progress = nullptr);

}  // namespace amanat::books
