// Bank statement samples read by the C++ readers must give exactly the totals that
// testdata/import/expected_totals.py computes with Python's own XML, CSV and codec libraries:
// per file, account and currency the number of lines and the sums of money in and money out.
//
//  - testdata/import/samples/: invented statements in the shapes banks write them (always run);
//  - testdata/import/public/: the manifest and expected totals of public sample files from
//    banks and open-source parsers (SOURCES.md names each one's repository, path, commit and
//    licence). The files themselves are not in this repository: the test reads them from
//    $AMANAT_STATEMENT_SAMPLES, else from ../shared/vectors/statements beside the checkout, and
//    is skipped (saying so) when neither exists. Each file must have the SHA-256 the manifest
//    records, so the figures are checked against the very file they were computed from.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "books/import/importer.h"
#include "core/sha256.h"

namespace amanat::books::import {
namespace {

namespace fs = std::filesystem;

std::vector<std::vector<std::string>> read_tsv(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#' || line.starts_with("file\t")) continue;
    std::vector<std::string> cells;
    std::size_t at = 0;
    for (;;) {
      std::size_t tab = line.find('\t', at);
      cells.push_back(line.substr(at, tab == std::string::npos ? tab : tab - at));
      if (tab == std::string::npos) break;
      at = tab + 1;
    }
    rows.push_back(std::move(cells));
  }
  return rows;
}

std::string file_sha256(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), {});
  return to_hex(sha256(data));
}

// The rows expected_totals.py prints for one parsed statement.
std::set<std::string> totals(const std::string& name, const Statement& st) {
  struct Sum {
    std::uint64_t lines = 0;
    std::optional<Money> credits, debits;
  };
  std::map<std::pair<std::string, std::string>, Sum> by;
  for (const StatementLine& l : st.lines) {
    Sum& s = by[{l.account, std::string(l.amount.currency.code())}];
    ++s.lines;
    Money zero{0, l.amount.currency};
    Money& side = l.amount.minor > 0 ? *(s.credits ? s.credits : (s.credits = zero))
                                     : *(s.debits ? s.debits : (s.debits = zero));
    side.minor += l.amount.minor > 0 ? l.amount.minor : -l.amount.minor;
  }
  std::set<std::string> out;
  for (const auto& [key, s] : by) {
    Currency c = (s.credits ? s.credits : s.debits)->currency;
    out.insert(name + "\t" + key.first + "\t" + key.second + "\t" + std::to_string(s.lines) + "\t" +
               format_amount(s.credits.value_or(Money{0, c})) + "\t" +
               format_amount(s.debits.value_or(Money{0, c})));
  }
  return out;
}

// Parses every sample of `manifest` (files relative to `base`) and compares with `expected`.
// Returns how many samples were read.
std::size_t check_samples(const fs::path& base, const fs::path& manifest, const fs::path& expected) {
  std::map<std::string, std::set<std::string>> want;
  for (const auto& row : read_tsv(expected)) {
    std::string joined;
    for (std::size_t i = 0; i < row.size(); ++i) joined += (i ? "\t" : "") + row[i];
    want[row.at(0)].insert(joined);
  }
  std::set<std::string> listed;
  for (const auto& row : read_tsv(manifest)) {
    const std::string& name = row.at(0);
    SCOPED_TRACE(name);
    listed.insert(name);
    const fs::path file = base / name;
    if (row.size() > 4 && !row[4].empty()) EXPECT_EQ(file_sha256(file), row[4]) << "not the file the figures are for";
    auto format = choose_statement_format(row.at(1), row.at(2), "--");
    if (!format) {
      ADD_FAILURE() << format.error().message;
      continue;
    }
    auto st = parse_statement_file(file, *format);
    const std::string& expect = row.at(3);
    if (expect.starts_with("refused ")) {
      if (st.has_value()) {
        ADD_FAILURE() << "read, though the manifest says it is refused";
        continue;
      }
      std::string message = st.error().message.substr(file.string().size() + 2);  // "PATH: "
      EXPECT_TRUE(message.starts_with(expect.substr(8))) << message;
      continue;
    }
    EXPECT_EQ(expect, "ok");
    if (!st.has_value()) {
      ADD_FAILURE() << st.error().message;
      continue;
    }
    EXPECT_EQ(totals(name, *st), want[name]);
  }
  for (const auto& [name, rows] : want) EXPECT_TRUE(listed.count(name)) << name << " is not in the manifest";
  return listed.size();
}

TEST(StatementSamples, InventedSamplesGiveTheIndependentlyComputedTotals) {
  const fs::path base = AMANAT_TESTDATA "/import";
  std::size_t n = check_samples(base, base / "samples/manifest.tsv", base / "samples/expected.tsv");
  EXPECT_GE(n, 12u);
  // Every sample file is in the manifest: none sits there untested.
  for (const auto& e : fs::directory_iterator(base / "samples")) {
    std::string name = e.path().filename().string();
    if (name == "manifest.tsv" || name == "expected.tsv") continue;
    bool found = false;
    for (const auto& row : read_tsv(base / "samples/manifest.tsv")) found = found || row[0] == "samples/" + name;
    EXPECT_TRUE(found) << name << " is not in samples/manifest.tsv";
  }
}

TEST(StatementSamples, PublicSamplesGiveTheIndependentlyComputedTotals) {
  const char* env = std::getenv("AMANAT_STATEMENT_SAMPLES");
  const fs::path dir = env ? fs::path(env) : fs::path(AMANAT_TESTDATA "/../../shared/vectors/statements");
  if (!fs::is_directory(dir))
    GTEST_SKIP() << dir << " does not exist: the public samples listed in testdata/import/public/SOURCES.md "
                 << "are not on this machine (set AMANAT_STATEMENT_SAMPLES to their folder)";
  const fs::path pub = AMANAT_TESTDATA "/import/public";
  EXPECT_GE(check_samples(dir, pub / "manifest.tsv", pub / "expected.tsv"), 20u);
}

}  // namespace
}  // namespace amanat::books::import
