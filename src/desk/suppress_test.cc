#include "desk/suppress.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace amanat::desk {
namespace {

using Counts = std::vector<std::vector<std::int64_t>>;
using Opt = std::optional<std::int64_t>;
using Cell = std::pair<int, int>;

// ---- The table as the attackers below see it ------------------------------------------------
// Written apart from the implementation on purpose: entries are (r, c) with -1 for a margin,
// and a line is a list of entries whose last one is the total of the others.

struct View {
  int rows, cols;
  std::vector<std::vector<Opt>> grid;  // (rows + 1) x (cols + 1), margins last

  Opt& at(int r, int c) { return grid[r < 0 ? rows : r][c < 0 ? cols : c]; }
  const Opt& at(int r, int c) const { return grid[r < 0 ? rows : r][c < 0 ? cols : c]; }
};

View view_of(const Published& p) {
  View v{static_cast<int>(p.cells.size()), static_cast<int>(p.col_totals.size()), {}};
  v.grid.assign(v.rows + 1, std::vector<Opt>(v.cols + 1));
  for (int r = 0; r < v.rows; ++r)
    for (int c = 0; c < v.cols; ++c) v.at(r, c) = p.cells[r][c];
  for (int r = 0; r < v.rows; ++r) v.at(r, -1) = p.row_totals[r];
  for (int c = 0; c < v.cols; ++c) v.at(-1, c) = p.col_totals[c];
  v.at(-1, -1) = p.total;
  return v;
}

std::vector<std::vector<std::int64_t>> truth_of(const Counts& counts) {
  const int rows = static_cast<int>(counts.size()), cols = static_cast<int>(counts[0].size());
  std::vector<std::vector<std::int64_t>> t(rows + 1, std::vector<std::int64_t>(cols + 1, 0));
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      t[r][c] = counts[r][c];
      t[r][cols] += counts[r][c];
      t[rows][c] += counts[r][c];
      t[rows][cols] += counts[r][c];
    }
  return t;
}

std::vector<std::vector<Cell>> lines(int rows, int cols) {
  std::vector<std::vector<Cell>> out;
  for (int r = -1; r < rows; ++r) {
    std::vector<Cell> l;
    for (int c = 0; c < cols; ++c) l.push_back({r, c});
    l.push_back({r, -1});
    out.push_back(l);
  }
  for (int c = -1; c < cols; ++c) {
    std::vector<Cell> l;
    for (int r = 0; r < rows; ++r) l.push_back({r, c});
    l.push_back({-1, c});
    out.push_back(l);
  }
  return out;
}

std::vector<Cell> hidden_entries(const View& v) {
  std::vector<Cell> out;
  for (int r = -1; r < v.rows; ++r)
    for (int c = -1; c < v.cols; ++c)
      if (!v.at(r, c)) out.push_back({r, c});
  return out;
}

// The differencing attacker: in any line where all but one entry is known, subtract; where the
// known entries already make the total, the unknown cells are 0 (counts are >= 0). Repeats
// until it learns nothing more, so it also chains through cells it has recovered.
std::set<Cell> differencing_attack(View v) {
  std::set<Cell> recovered;
  for (bool learnt = true; learnt;) {
    learnt = false;
    for (const auto& line : lines(v.rows, v.cols)) {
      std::vector<Cell> unknown;
      std::int64_t parts = 0;
      for (std::size_t i = 0; i + 1 < line.size(); ++i) {
        const Opt& x = v.at(line[i].first, line[i].second);
        if (x) parts += *x;
        else unknown.push_back(line[i]);
      }
      const Cell total = line.back();
      const Opt& t = v.at(total.first, total.second);
      if (!t && unknown.empty()) {
        v.at(total.first, total.second) = parts;
        recovered.insert(total);
        learnt = true;
      } else if (t && unknown.size() == 1) {
        v.at(unknown[0].first, unknown[0].second) = *t - parts;
        recovered.insert(unknown[0]);
        learnt = true;
      } else if (t && !unknown.empty() && *t == parts) {
        for (const Cell& u : unknown) {
          v.at(u.first, u.second) = 0;
          recovered.insert(u);
        }
        learnt = true;
      }
    }
  }
  return recovered;
}

// The linear-algebra attacker, by rank over the field Z/p: an unknown is determined iff adding
// its unit vector to the equations does not raise the rank. The equations' matrix is totally
// unimodular, so its rank over Z/p equals its rank over the rationals for any prime p.
constexpr std::int64_t kP = 2147483647;

std::int64_t inverse(std::int64_t a) {  // a^(p-2) mod p
  std::int64_t result = 1, base = a % kP, e = kP - 2;
  for (; e > 0; e >>= 1, base = base * base % kP)
    if (e & 1) result = result * base % kP;
  return result;
}

int rank_mod_p(std::vector<std::vector<std::int64_t>> m) {
  int rank = 0;
  const int cols = m.empty() ? 0 : static_cast<int>(m[0].size());
  for (int c = 0; c < cols && rank < static_cast<int>(m.size()); ++c) {
    int p = rank;
    while (p < static_cast<int>(m.size()) && m[p][c] == 0) ++p;
    if (p == static_cast<int>(m.size())) continue;
    std::swap(m[p], m[rank]);
    const std::int64_t inv = inverse(m[rank][c]);
    for (auto& x : m[rank]) x = x * inv % kP;
    for (int i = rank + 1; i < static_cast<int>(m.size()); ++i) {
      const std::int64_t f = m[i][c];
      if (f == 0) continue;
      for (int j = 0; j < cols; ++j) m[i][j] = ((m[i][j] - f * m[rank][j]) % kP + kP) % kP;
    }
    ++rank;
  }
  return rank;
}

std::set<Cell> linear_attack(const View& v) {
  const std::vector<Cell> unknown = hidden_entries(v);
  std::vector<std::vector<std::int64_t>> m;
  for (const auto& line : lines(v.rows, v.cols)) {
    std::vector<std::int64_t> row(unknown.size(), 0);
    for (std::size_t i = 0; i < line.size(); ++i) {
      auto it = std::find(unknown.begin(), unknown.end(), line[i]);
      if (it != unknown.end()) row[it - unknown.begin()] = i + 1 == line.size() ? kP - 1 : 1;
    }
    m.push_back(row);
  }
  const int base = rank_mod_p(m);
  std::set<Cell> out;
  for (std::size_t j = 0; j < unknown.size(); ++j) {
    auto with = m;
    with.push_back(std::vector<std::int64_t>(unknown.size(), 0));
    with.back()[j] = 1;
    if (rank_mod_p(with) == base) out.insert(unknown[j]);
  }
  return out;
}

// The brute-force attacker: enumerates integer values of the hidden cells, with each hidden
// entry in what the rules say about it (a small count in [1, k-1], or [0, k-1] with hidden
// zeros; a complementary one >= k, capped just above the true grand total to keep the search
// finite: a cap that the true values do not reach pins nothing), and asks for each hidden
// entry whether a solution gives it another value than the truth. Returns the entries it pins
// down, or nullopt when the search ran out of budget. An entry whose label alone pins it (k = 2
// with zeros published: "<2" is a 1) is not asked about: that is primary suppression's own
// choice of k. With `labels_only` it forgets every published number too (a published number
// is then only known to be 0 or at least k), to tell what the labels pin by themselves.
struct Bruteforce {
  View v;
  const std::vector<std::vector<std::int64_t>>& truth;
  const SuppressOptions& o;
  bool complementary_zero;
  bool labels_only = false;
  std::vector<std::vector<bool>> shown = {};  // as published, margins last
  std::vector<Cell> unknown = {};  // hidden interior cells, row-major
  std::vector<std::int64_t> x = {};
  std::vector<std::int64_t> row_sum = {}, col_sum = {};
  long budget = 0;
  Cell target = {};

  std::pair<std::int64_t, std::int64_t> bounds(int r, int c) const {
    const std::int64_t t = truth[r < 0 ? v.rows : r][c < 0 ? v.cols : c];
    const std::int64_t g = truth[v.rows][v.cols];
    if (shown[r < 0 ? v.rows : r][c < 0 ? v.cols : c]) return {o.hide_zeros ? o.k : 0, g + 1};
    if (t < o.k && (t > 0 || o.hide_zeros)) return {o.hide_zeros ? 0 : 1, o.k - 1};
    return {complementary_zero ? 0 : o.k, g + 1};
  }
  // A margin's range: its published value, or its bounds when hidden.
  std::pair<std::int64_t, std::int64_t> margin(int r, int c) const {
    if (const Opt& m = v.at(r, c)) return {*m, *m};
    return bounds(r, c);
  }
  bool margin_ok(int r, int c, std::int64_t value) const {
    auto [lo, hi] = margin(r, c);
    if (value < lo || value > hi) return false;
    if (std::pair{r, c} == target && value == truth[r < 0 ? v.rows : r][c < 0 ? v.cols : c])
      return false;
    return true;
  }

  bool search(std::size_t i) {
    if (--budget < 0) return false;
    if (i == unknown.size()) {
      for (int r = 0; r < v.rows; ++r)
        if (!margin_ok(r, -1, row_sum[r])) return false;
      std::int64_t g = 0;
      for (int c = 0; c < v.cols; ++c) {
        if (!margin_ok(-1, c, col_sum[c])) return false;
        g += col_sum[c];
      }
      return margin_ok(-1, -1, g);
    }
    auto [r, c] = unknown[i];
    auto [lo, hi] = bounds(r, c);
    hi = std::min({hi, margin(r, -1).second - row_sum[r], margin(-1, c).second - col_sum[c]});
    const bool last_in_row = i + 1 == unknown.size() || unknown[i + 1].first != r;
    bool last_in_col = true;
    for (std::size_t j = i + 1; j < unknown.size(); ++j)
      if (unknown[j].second == c) last_in_col = false;
    std::optional<std::int64_t> forced;
    if (last_in_row && v.at(r, -1)) forced = *v.at(r, -1) - row_sum[r];
    else if (last_in_col && v.at(-1, c)) forced = *v.at(-1, c) - col_sum[c];
    if (forced) lo = std::max(lo, *forced), hi = std::min(hi, *forced);
    for (std::int64_t val = lo; val <= hi; ++val) {
      if (std::pair{r, c} == target && val == truth[r][c]) continue;
      x[i] = val;
      row_sum[r] += val;
      col_sum[c] += val;
      bool ok = true;
      if (last_in_row && !margin_ok(r, -1, row_sum[r])) ok = false;
      if (ok && last_in_col && !margin_ok(-1, c, col_sum[c])) ok = false;
      // A row with no hidden cell left is final; a column too.
      if (ok && search(i + 1)) return true;
      row_sum[r] -= val;
      col_sum[c] -= val;
      if (budget < 0) return false;
    }
    return false;
  }

  std::optional<std::set<Cell>> run(long budget_per_entry) {
    for (const auto& line : v.grid) {
      shown.emplace_back();
      for (const Opt& x : line) shown.back().push_back(x.has_value());
    }
    std::vector<Cell> asked = hidden_entries(v);
    if (labels_only)
      for (auto& line : v.grid)
        for (Opt& x : line) x.reset();
    for (int r = 0; r < v.rows; ++r)
      for (int c = 0; c < v.cols; ++c)
        if (!v.at(r, c)) unknown.push_back({r, c});
    std::set<Cell> pinned;
    for (const Cell& h : asked) {
      if (auto [lo, hi] = bounds(h.first, h.second); lo == hi) continue;  // the label says it
      target = h;
      x.assign(unknown.size(), 0);
      row_sum.assign(v.rows, 0);
      col_sum.assign(v.cols, 0);
      // Visible cells count toward their lines.
      for (int r = 0; r < v.rows; ++r)
        for (int c = 0; c < v.cols; ++c)
          if (v.at(r, c)) row_sum[r] += *v.at(r, c), col_sum[c] += *v.at(r, c);
      budget = budget_per_entry;
      if (!search(0)) {
        if (budget < 0) return std::nullopt;
        pinned.insert(h);
      }
    }
    return pinned;
  }
};

// ---- Helpers ---------------------------------------------------------------------------------

int hidden_count(const Published& p) { return static_cast<int>(hidden_entries(view_of(p)).size()); }

bool small(std::int64_t v, const SuppressOptions& o) {
  return (v > 0 && v < o.k) || (v == 0 && o.hide_zeros);
}

std::string dump(const Counts& counts, const SuppressOptions& o, const Published& p) {
  std::string s = "\nk=" + std::to_string(o.k) + (o.hide_zeros ? " hide_zeros" : "") + "\n";
  const auto truth = truth_of(counts);
  const View v = view_of(p);
  for (int r = 0; r <= v.rows; ++r) {
    for (int c = 0; c <= v.cols; ++c) {
      const Opt& x = v.grid[r][c];
      s += (x ? " " : " [") + std::to_string(truth[r][c]) + (x ? " " : "]");
    }
    s += "\n";
  }
  return s;
}

// ---- Primary suppression --------------------------------------------------------------------

TEST(Suppression, TableWithEveryCountAtLeastKHidesNothing) {
  const Counts counts = {{5, 12, 40}, {7, 5, 9}, {100, 6, 5}};
  const Published p = suppress(counts);
  EXPECT_EQ(hidden_count(p), 0);
  EXPECT_EQ(p.primary, 0);
  EXPECT_EQ(p.complementary, 0);
  EXPECT_EQ(p.cells[2][0], 100);
  EXPECT_EQ(p.row_totals[0], 57);
  EXPECT_EQ(p.col_totals[1], 23);
  EXPECT_EQ(p.total, 189);
  EXPECT_TRUE(determined_cells(p).empty());
}

TEST(Suppression, ZerosArePublishedByDefault) {
  const Counts counts = {{0, 12, 40}, {7, 0, 9}, {10, 6, 0}};
  const Published p = suppress(counts);
  EXPECT_EQ(hidden_count(p), 0);
  EXPECT_EQ(p.cells[0][0], 0);
  EXPECT_EQ(p.cells[1][1], 0);
}

TEST(Suppression, ZerosAreHiddenWhenAsked) {
  const Counts counts = {{0, 12, 40}, {7, 20, 9}, {10, 6, 30}};
  const Published p = suppress(counts, {.k = 5, .hide_zeros = true});
  EXPECT_FALSE(p.cells[0][0].has_value());
  EXPECT_GE(p.primary, 1);
  EXPECT_GE(p.complementary, 3);  // its row and column need a partner each, and so on
  EXPECT_TRUE(determined_cells(p).empty());
  EXPECT_TRUE(differencing_attack(view_of(p)).empty());
}

TEST(Suppression, LoneSmallCellInARowGetsAPartner) {
  const Counts counts = {{3, 20, 30}, {40, 50, 60}};
  const Published p = suppress(counts);
  EXPECT_FALSE(p.cells[0][0].has_value());
  // Row 0 needs a second hidden cell: the smallest other cell, 20; column 0 then needs one:
  // 40; row 1 then has two hidden, column 1 too.
  EXPECT_FALSE(p.cells[0][1].has_value());
  EXPECT_FALSE(p.cells[1][0].has_value());
  EXPECT_FALSE(p.cells[1][1].has_value());
  EXPECT_EQ(p.cells[0][2], 30);
  EXPECT_EQ(p.cells[1][2], 60);
  EXPECT_EQ(p.primary, 1);
  EXPECT_EQ(p.complementary, 3);
  // Margins stay published: the protection comes from the cells.
  EXPECT_EQ(p.row_totals[0], 53);
  EXPECT_EQ(p.col_totals[0], 43);
  EXPECT_EQ(p.total, 203);
  EXPECT_TRUE(determined_cells(p).empty());
}

TEST(Suppression, MarginsUnderKAreHidden) {
  // Row 0 totals 4, column 2 totals 3, all of them from small cells.
  const Counts counts = {{1, 3, 0}, {20, 30, 3}, {25, 35, 0}};
  const Published p = suppress(counts);
  EXPECT_FALSE(p.row_totals[0].has_value());
  EXPECT_FALSE(p.col_totals[2].has_value());
  EXPECT_FALSE(p.cells[0][0].has_value());
  EXPECT_FALSE(p.cells[0][1].has_value());
  EXPECT_FALSE(p.cells[1][2].has_value());
  EXPECT_EQ(p.cells[0][2], 0);
  EXPECT_TRUE(determined_cells(p).empty());
  EXPECT_TRUE(differencing_attack(view_of(p)).empty());
}

TEST(Suppression, AllSmallTableHidesEverythingButZerosAndLargeMargins) {
  const Counts counts = {{1, 2, 3}, {4, 0, 1}, {2, 2, 2}};
  const Published p = suppress(counts);
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c)
      if (counts[r][c] != 0) {
        EXPECT_FALSE(p.cells[r][c].has_value()) << r << "," << c;
      }
  EXPECT_EQ(p.cells[1][1], 0);
  EXPECT_TRUE(determined_cells(p).empty());
  EXPECT_TRUE(differencing_attack(view_of(p)).empty());
  EXPECT_TRUE(linear_attack(view_of(p)).empty());
}

TEST(Suppression, SingleSmallCellTableHidesItsMarginsToo) {
  const Published p = suppress({{3}});
  EXPECT_FALSE(p.cells[0][0].has_value());
  EXPECT_FALSE(p.row_totals[0].has_value());
  EXPECT_FALSE(p.col_totals[0].has_value());
  EXPECT_FALSE(p.total.has_value());
  EXPECT_EQ(p.primary, 4);
  EXPECT_TRUE(determined_cells(p).empty());
}

TEST(Suppression, RaggedOrNegativeInputPublishesNothing) {
  const Published ragged = suppress({{10, 20}, {30}});
  EXPECT_FALSE(ragged.cells[0][0].has_value());
  EXPECT_FALSE(ragged.total.has_value());
  const Published negative = suppress({{10, -1}, {30, 40}});
  EXPECT_FALSE(negative.cells[1][1].has_value());
  EXPECT_FALSE(negative.total.has_value());
}

// ---- The audit -------------------------------------------------------------------------------

TEST(Audit, LoneHiddenCellInALineIsDetermined) {
  Published p = suppress({{10, 20}, {30, 40}});
  p.cells[0][1].reset();
  EXPECT_EQ(determined_cells(p), (std::vector<Cell>{{0, 1}}));
}

TEST(Audit, HiddenRectangleIsNotDetermined) {
  Published p = suppress({{10, 20, 5}, {30, 40, 6}});
  p.cells[0][0].reset();
  p.cells[0][1].reset();
  p.cells[1][0].reset();
  p.cells[1][1].reset();
  EXPECT_TRUE(determined_cells(p).empty());
}

TEST(Audit, HiddenMarginIsAnUnknownToo) {
  // Hiding a row total and one cell of that row: the cell follows from its column.
  Published p = suppress({{10, 20}, {30, 40}});
  p.row_totals[0].reset();
  p.cells[0][0].reset();
  EXPECT_EQ(determined_cells(p), (std::vector<Cell>{{0, 0}, {0, -1}}));
}

TEST(Audit, HiddenCellsThatSumToZeroAreDeterminedByNonnegativity) {
  // Row 0's published cells already make its total: its two hidden cells are 0. Linear
  // algebra alone cannot say so (the four hidden cells form a rectangle).
  Published p;
  p.cells = {{std::nullopt, std::nullopt, 10}, {std::nullopt, std::nullopt, 9}};
  p.row_totals = {10, 30};
  p.col_totals = {12, 9, 19};
  p.total = 40;
  EXPECT_EQ(determined_cells(p), (std::vector<Cell>{{0, 0}, {0, 1}, {1, 0}, {1, 1}}));
}

TEST(Audit, CellPinnedByNonnegativityAcrossLinesIsDetermined) {
  // A hidden 2x2 interior under published margins has one free parameter t = x01:
  // x00 = 5 - t, x10 = t, x11 = 6 - t, with t anywhere in [0, 5]: nothing is pinned.
  Published p;
  p.cells = {{std::nullopt, std::nullopt}, {std::nullopt, std::nullopt}};
  p.row_totals = {5, 6};
  p.col_totals = {5, 6};
  p.total = 11;
  EXPECT_TRUE(determined_cells(p).empty());
  // With row 0 totalling 0, t is in [0, 0]: row 0 is all zero, and then x10 = 5, x11 = 6
  // follow from the columns.
  p.row_totals = {0, 11};
  p.col_totals = {5, 6};
  EXPECT_EQ(determined_cells(p), (std::vector<Cell>{{0, 0}, {0, 1}, {1, 0}, {1, 1}}));
}

TEST(Suppression, TwoSmallCellsForcedToBeOnesGetMoreCover) {
  // Row 0 shows 10 of its 12: its two "<5" cells, each at least 1, are both 1. The hidden
  // rectangle stops linear algebra but not the bounds; suppress must hide more.
  const Counts counts = {{1, 1, 10}, {20, 20, 20}};
  const SuppressOptions o;
  const Published p = suppress(counts, o);
  const View v = view_of(p);
  const auto truth = truth_of(counts);
  auto pinned = Bruteforce{v, truth, o, false}.run(1'000'000);
  ASSERT_TRUE(pinned.has_value());
  EXPECT_TRUE(pinned->empty());
  EXPECT_GT(p.complementary, 2);
}

// ---- Property: random tables -----------------------------------------------------------------

Counts random_table(std::mt19937_64& rng, int max_side, std::int64_t k) {
  std::uniform_int_distribution<int> side(1, max_side), kind(0, 9);
  const int rows = side(rng), cols = side(rng);
  Counts t(rows, std::vector<std::int64_t>(cols));
  for (auto& row : t)
    for (auto& x : row) {
      const int d = kind(rng);  // 30% zero, 40% small, 30% at least k
      if (d < 3) x = 0;
      else if (d < 7) x = std::uniform_int_distribution<std::int64_t>(1, k - 1)(rng);
      else x = std::uniform_int_distribution<std::int64_t>(k, 4 * k)(rng);
    }
  return t;
}

SuppressOptions random_options(std::mt19937_64& rng) {
  const std::int64_t ks[] = {2, 3, 5, 5, 5, 10};
  return {.k = ks[std::uniform_int_distribution<int>(0, 5)(rng)],
          .hide_zeros = std::uniform_int_distribution<int>(0, 3)(rng) == 0};
}

void expect_published_faithfully(const Counts& counts, const SuppressOptions& o,
                                 const Published& p) {
  const auto truth = truth_of(counts);
  const View v = view_of(p);
  int hidden = 0;
  for (int r = -1; r < v.rows; ++r)
    for (int c = -1; c < v.cols; ++c) {
      const std::int64_t t = truth[r < 0 ? v.rows : r][c < 0 ? v.cols : c];
      const Opt& shown = v.at(r, c);
      if (small(t, o)) {
        EXPECT_FALSE(shown.has_value()) << r << "," << c;
      }
      if (shown) {
        EXPECT_EQ(*shown, t) << r << "," << c;
      } else {
        ++hidden;
      }
    }
  EXPECT_EQ(p.primary + p.complementary, hidden);
}

TEST(Suppression, RandomTablesHideEverySmallCountAndPublishTrueValues) {
  std::mt19937_64 rng(20260501);
  for (int i = 0; i < 3000; ++i) {
    const Counts counts = random_table(rng, 8, 5);
    const SuppressOptions o = random_options(rng);
    const Published p = suppress(counts, o);
    expect_published_faithfully(counts, o, p);
    EXPECT_TRUE(determined_cells(p).empty()) << "table " << i;
    if (HasFailure()) return;
  }
}

TEST(Suppression, NoHiddenCellCanBeRecoveredByDifferencingTotals) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 3000; ++i) {
    const Counts counts = random_table(rng, 8, 5);
    const SuppressOptions o = random_options(rng);
    const Published p = suppress(counts, o);
    const auto recovered = differencing_attack(view_of(p));
    EXPECT_TRUE(recovered.empty()) << "table " << i << ": " << recovered.size() << " recovered";
    if (HasFailure()) return;
  }
}

TEST(Suppression, NoHiddenCellIsDeterminedByTheLinearSystemOfTotals) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 2000; ++i) {
    const Counts counts = random_table(rng, 8, 5);
    const Published p = suppress(counts, random_options(rng));
    EXPECT_TRUE(linear_attack(view_of(p)).empty()) << "table " << i;
    if (HasFailure()) return;
  }
}

TEST(Suppression, NoHiddenCellIsPinnedByBoundsWhenEnumeratingEverySolution) {
  // Small tables, so that the brute-force attacker can finish; it knows which hidden entries
  // are small ("<k") and that the others are at least k.
  std::mt19937_64 rng(13);
  int searched = 0, out_of_budget = 0, pinned_by_labels = 0;
  for (int i = 0; i < 1500; ++i) {
    const Counts counts = random_table(rng, 4, 5);
    const SuppressOptions o = random_options(rng);
    const Published p = suppress(counts, o);
    const View v = view_of(p);
    const auto truth = truth_of(counts);
    bool complementary_zero = false;
    for (int r = -1; r < v.rows; ++r)
      for (int c = -1; c < v.cols; ++c) {
        const std::int64_t t = truth[r < 0 ? v.rows : r][c < 0 ? v.cols : c];
        if (!v.at(r, c) && t == 0 && !small(t, o)) complementary_zero = true;
      }
    auto pinned = Bruteforce{v, truth, o, complementary_zero}.run(200'000);
    if (!pinned) {
      ++out_of_budget;
      continue;
    }
    ++searched;
    if (!pinned->empty()) {  // only what the labels pin without the published numbers
      auto by_labels = Bruteforce{v, truth, o, complementary_zero, true}.run(200'000);
      if (!by_labels) {
        ++out_of_budget;
        continue;
      }
      ++pinned_by_labels;
      std::erase_if(*pinned, [&](const Cell& e) { return by_labels->contains(e); });
    }
    EXPECT_TRUE(pinned->empty()) << "table " << i << ": " << pinned->size() << " pinned"
                                 << dump(counts, o, p);
    if (HasFailure()) return;
  }
  EXPECT_GT(searched, 1000) << out_of_budget << " out of budget";
  std::printf("%d tables searched, %d out of budget, %d with entries pinned by labels alone\n",
              searched, out_of_budget, pinned_by_labels);
}

}  // namespace
}  // namespace amanat::desk
