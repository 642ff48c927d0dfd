// Small-cell suppression for the desk's public statistics (../shared/domain/desk.md §5).
//
// A published table is a grid of counts with its row totals, column totals and grand total.
// Any count from 1 to k-1 could point at a person, so it is hidden (shown as "<k"): primary
// suppression. Hiding a cell is not enough when its row or column shows its total: with one
// hidden cell in a line, subtraction gives it back. So complementary suppression hides more
// cells (the smallest visible ones in that line, preferring cells, not totals) until no published
// line has a lone hidden cell, and then checks exactly that no hidden cell is determined by the
// published values (the hidden cell's unit vector is not in the row space of the totals'
// equations over the hidden cells, computed in exact integer arithmetic); while one is, it hides
// one more cell and checks again.
//
// Zeros: a true zero says nothing about a person and is published (a structural "nobody" is the
// most common cell of a sparse table); set `hide_zeros` to treat 0 like a small count.
// Margins are cells too: a row total under k is itself hidden.
//
// Only fixed tables over fixed periods are published (desk/stats.h), never ad-hoc filters, so
// differencing across overlapping queries is closed by design; this module closes differencing
// within a table and its margins.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace amanat::desk {

struct SuppressOptions {
  std::int64_t k = 5;       // counts 1..k-1 are hidden
  bool hide_zeros = false;  // true: a 0 is hidden like a small count
};

// A table as published: cells[r][c], and its margins, each either its count or nullopt
// (hidden). A hidden cell's reason: primary (its own count is small) or complementary.
struct Published {
  std::vector<std::vector<std::optional<std::int64_t>>> cells;
  std::vector<std::optional<std::int64_t>> row_totals, col_totals;
  std::optional<std::int64_t> total;
  // For tests and the audit: how many cells (and margins) each rule hid.
  int primary = 0, complementary = 0;
};

// Suppresses `counts` (rows × cols, every row the same length, counts ≥ 0). The totals are
// computed here from the cells, never taken from the caller.
Published suppress(const std::vector<std::vector<std::int64_t>>& counts, const SuppressOptions& options = {});

// The attacker's view, for tests and a self-check before anything is published: every hidden
// cell (r, c) whose value follows from the published cells and totals by linear algebra
// (-1 stands for a hidden margin: r = -1 is the column totals' row, c = -1 the row totals'
// column, (-1, -1) the grand total). Empty when the table gives nothing away.
std::vector<std::pair<int, int>> determined_cells(const Published& table);

}  // namespace amanat::desk
