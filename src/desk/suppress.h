// Small-cell suppression for the desk's public statistics (../shared/domain/desk.md §5).
//
// A published table is a grid of counts with its row totals, column totals and grand total.
// Any count from 1 to k-1 could point at a person, so it is hidden: primary suppression.
// Hiding a cell is not enough when its row or column shows its total: with one hidden cell in a
// line, subtraction gives it back. So complementary suppression hides more entries (in that
// line the smallest visible non-zero one, cells before totals, ties in row-major order) until
// no published line has a lone hidden entry, and then checks exactly that no hidden entry is
// determined by the published values (the hidden entry's unit vector is not in the row space of
// the totals' equations over the hidden entries, computed in exact integer arithmetic); while
// one is, it hides one more entry in a line through it and checks again.
//
// Counts are >= 0, and an attacker uses that too: where a line's published entries already make
// its published total, its hidden entries are all 0, and bounds can pin an entry that linear
// algebra leaves free. The table's equations are those of a flow (every line is conservation at
// a node), so an entry is pinned iff no cycle through it exists in the residual graph of the
// true values under the attacker's bounds; exact, for integers too. Two attackers are checked:
//  - determined_cells(): sees only the table; knows hidden entries are >= 0.
//  - suppress() also defends against one who knows the rules and can tell which hidden entries
//    are small: a small one is in [1, k-1] ([0, k-1] with hide_zeros), any other hidden one
//    is >= k. The published table must give neither attacker any hidden entry.
// Accepted, because more hiding cannot change it: what the labels say by themselves. Hidden
// entries of a line whose hidden sum is under k are each under k (that is primary suppression),
// and with zeros published an all-small region can pin itself: "<2" is a 1, and two "<3" cells
// under a "<3" total are both 1. hide_zeros removes that (a hidden entry may then be 0).
//
// Display: Published does not say which hidden entries are small. A hidden entry hidden to
// protect another is not "<k", so the display shows every hidden entry with one neutral mark;
// the audit above holds either way.
//
// Zeros: a true zero says nothing about a person and is published (a structural "nobody" is the
// most common cell of a sparse table); set `hide_zeros` to treat 0 like a small count.
// Margins are cells too: a row total under k is itself hidden. A zero is hidden to protect
// another entry only when its line has nothing else to hide.
//
// Only fixed tables over fixed periods are published (desk/stats.h), never ad-hoc filters, so
// differencing across overlapping queries is closed by design; this module closes differencing
// within a table and its margins. Hierarchies (country -> oblast) are not modelled here: publish
// each level as its own table only with care, since an oblast table and a country table share
// totals.
//
// Cost: a few milliseconds for a 20 x 20 table. Thread-safety: pure functions.
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
// computed here from the cells, never taken from the caller. Input that breaks those rules is a
// caller's bug; it gets a table with every entry hidden rather than a guess.
Published suppress(const std::vector<std::vector<std::int64_t>>& counts, const SuppressOptions& options = {});

// The attacker's view, for tests and a self-check before anything is published: every hidden
// cell (r, c) whose value follows from the published cells and totals by linear algebra, or by
// them and counts being >= 0 (-1 stands for a hidden margin: r = -1 is the column totals' row,
// c = -1 the row totals' column, (-1, -1) the grand total), in row-major order, margins last in
// their row. Empty when the table gives nothing away, and for every table from suppress().
// Not audited, so the result is empty: a table whose margins do not match its cells' shape.
// A table whose published values contradict each other gets only the linear answer.
std::vector<std::pair<int, int>> determined_cells(const Published& table);

}  // namespace amanat::desk
