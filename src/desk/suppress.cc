#include "desk/suppress.h"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <limits>
#include <numeric>
#include <tuple>

namespace amanat::desk {
namespace {

// The table with its margins as one (R+1) x (C+1) grid of entries: row R holds the column
// totals, column C the row totals, (R, C) the grand total. An entry's id is r * (C + 1) + c.
struct Grid {
  int rows = 0, cols = 0;  // R and C: the interior's size

  int width() const { return cols + 1; }
  int size() const { return (rows + 1) * (cols + 1); }
  int id(int r, int c) const { return r * width() + c; }
  int row_of(int e) const { return e / width(); }
  int col_of(int e) const { return e % width(); }
  // 0 an interior cell, 1 a row or column total, 2 the grand total: complementary suppression
  // hides cells before totals, because a hidden total costs the reader more.
  int margin_rank(int e) const {
    return (row_of(e) == rows ? 1 : 0) + (col_of(e) == cols ? 1 : 0);
  }
  // The caller's coordinates: -1 for a margin.
  std::pair<int, int> outside(int e) const {
    int r = row_of(e), c = col_of(e);
    return {r == rows ? -1 : r, c == cols ? -1 : c};
  }
};

// A published line: its entries, the last being its total (sum of the others = the total).
using Line = std::vector<int>;

std::vector<Line> lines_of(const Grid& g) {
  std::vector<Line> lines;
  for (int r = 0; r <= g.rows; ++r) {  // every row, then the column totals' row
    Line l;
    for (int c = 0; c <= g.cols; ++c) l.push_back(g.id(r, c));
    lines.push_back(std::move(l));
  }
  for (int c = 0; c <= g.cols; ++c) {  // every column, then the row totals' column
    Line l;
    for (int r = 0; r <= g.rows; ++r) l.push_back(g.id(r, c));
    lines.push_back(std::move(l));
  }
  return lines;
}

// ---- Linear audit: fraction-free Gauss-Jordan elimination ---------------------------------
//
// Unknowns are the hidden entries; each line is the equation sum(entries) - total = 0 with the
// published entries moved to the right-hand side. Whether an unknown is determined does not
// depend on the right-hand side: it is determined iff its unit vector lies in the row space,
// i.e. in the reduced row echelon form its pivot row has no entry in a free column.
// The matrix of a two-way table with margins is totally unimodular, so every entry met during
// elimination is 0 or ±1 after dividing each row by its gcd; the overflow checks are a net for
// a future caller with other equations, and fail closed (every unknown reported determined).

std::vector<int> linear_determined(const Grid& g, const std::vector<bool>& hidden) {
  std::vector<int> var(g.size(), -1), entry_of;
  for (int e = 0; e < g.size(); ++e)
    if (hidden[e]) {
      var[e] = static_cast<int>(entry_of.size());
      entry_of.push_back(e);
    }
  const int n = static_cast<int>(entry_of.size());
  if (n == 0) return {};

  std::vector<std::vector<std::int64_t>> m;
  for (const Line& line : lines_of(g)) {
    std::vector<std::int64_t> row(n, 0);
    bool any = false;
    for (std::size_t i = 0; i < line.size(); ++i)
      if (var[line[i]] >= 0) {
        row[var[line[i]]] = (i + 1 == line.size()) ? -1 : 1;
        any = true;
      }
    if (any) m.push_back(std::move(row));
  }

  auto normalise = [](std::vector<std::int64_t>& row) {
    std::int64_t d = 0;
    for (std::int64_t v : row) d = std::gcd(d, v);
    if (d > 1)
      for (std::int64_t& v : row) v /= d;
  };
  std::vector<int> pivot_col;  // pivot_col[i]: the pivot column of reduced row i
  std::vector<bool> is_pivot(n, false);
  std::size_t next = 0;
  for (int col = 0; col < n && next < m.size(); ++col) {
    std::size_t p = next;
    while (p < m.size() && m[p][col] == 0) ++p;
    if (p == m.size()) continue;
    std::swap(m[p], m[next]);
    const std::int64_t a = m[next][col];
    for (std::size_t i = 0; i < m.size(); ++i) {
      if (i == next || m[i][col] == 0) continue;
      const std::int64_t b = m[i][col];
      for (int j = 0; j < n; ++j) {
        std::int64_t x, y;
        if (__builtin_mul_overflow(m[i][j], a, &x) || __builtin_mul_overflow(m[next][j], b, &y) ||
            __builtin_sub_overflow(x, y, &m[i][j])) {
          std::vector<int> all;
          for (int e : entry_of) all.push_back(e);
          return all;
        }
      }
      normalise(m[i]);
    }
    pivot_col.push_back(col);
    is_pivot[col] = true;
    ++next;
  }

  std::vector<int> determined;
  for (std::size_t i = 0; i < pivot_col.size(); ++i) {
    bool alone = true;
    for (int j = 0; j < n && alone; ++j)
      if (!is_pivot[j] && m[i][j] != 0) alone = false;
    if (alone) determined.push_back(entry_of[pivot_col[i]]);
  }
  std::sort(determined.begin(), determined.end());
  return determined;
}

// ---- Bounds audit: the table as a circulation ----------------------------------------------
//
// Nodes: rows 0..R-1, the column totals' row (R), columns (R+1 .. R+C), the row totals' column
// (R+C+1). An interior cell flows from its row to its column, a column total from its column to
// the totals' row, the grand total from the totals' row to the totals' column, and a row total
// from the totals' column back to its row; conservation at every node is exactly the line
// equations. So the values an attacker can give the hidden entries, knowing bounds on each
// (at least >= 0), are the feasible circulations. A hidden entry can take another value iff the
// residual graph of one feasible circulation has a cycle through it. The constraint matrix is
// totally unimodular, so this is exact for integers too (every residual capacity is >= 1).

struct Arc {
  int from, to;
  std::int64_t flow, lo, hi;
};

std::pair<int, int> ends(const Grid& g, int e) {
  const int r = g.row_of(e), c = g.col_of(e);
  const int row_node = r, col_node = g.rows + 1 + c;
  const int totals_row = g.rows, totals_col = g.rows + 1 + g.cols;
  if (r < g.rows && c < g.cols) return {row_node, col_node};
  if (r == g.rows && c < g.cols) return {col_node, totals_row};
  if (r < g.rows) return {totals_col, row_node};
  return {totals_row, totals_col};
}

int node_count(const Grid& g) { return g.rows + g.cols + 2; }

// Whether `to` is reachable from `from` in the residual graph without arc `skip`.
bool reaches(int nodes, const std::vector<Arc>& arcs, int from, int to, int skip) {
  std::vector<bool> seen(nodes, false);
  std::deque<int> queue{from};
  seen[from] = true;
  while (!queue.empty()) {
    const int u = queue.front();
    queue.pop_front();
    if (u == to) return true;
    for (int a = 0; a < static_cast<int>(arcs.size()); ++a) {
      if (a == skip) continue;
      const Arc& arc = arcs[a];
      int v = -1;
      if (arc.from == u && arc.flow < arc.hi) v = arc.to;
      else if (arc.to == u && arc.flow > arc.lo) v = arc.from;
      if (v >= 0 && !seen[v]) {
        seen[v] = true;
        queue.push_back(v);
      }
    }
  }
  return false;
}

// The arcs (indices) whose flow is the same in every feasible circulation.
std::vector<int> fixed_arcs(int nodes, const std::vector<Arc>& arcs) {
  std::vector<int> fixed;
  for (int a = 0; a < static_cast<int>(arcs.size()); ++a) {
    const Arc& arc = arcs[a];
    const bool up = arc.flow < arc.hi && reaches(nodes, arcs, arc.to, arc.from, a);
    const bool down = arc.flow > arc.lo && reaches(nodes, arcs, arc.from, arc.to, a);
    if (!up && !down) fixed.push_back(a);
  }
  return fixed;
}

constexpr std::int64_t kUnbounded = std::numeric_limits<std::int64_t>::max() / 4;

// Finds a feasible circulation for the hidden arcs (flows >= 0, no upper bound) given the
// published entries, by max flow from the nodes the published entries leave with a surplus to
// those they leave short. Returns false when the published values are inconsistent.
bool feasible_flow(int nodes, std::vector<Arc>& arcs, const std::vector<std::int64_t>& surplus) {
  // Residual network: hidden arcs (both ways), source s -> surplus nodes, short nodes -> sink t.
  const int s = nodes, t = nodes + 1;
  struct E {
    int to;
    std::int64_t cap;
    int rev;
  };
  std::vector<std::vector<E>> adj(nodes + 2);
  std::vector<std::pair<int, int>> where(arcs.size());  // arc -> (node, index) of its forward edge
  auto add = [&](int u, int v, std::int64_t cap) {
    adj[u].push_back({v, cap, static_cast<int>(adj[v].size())});
    adj[v].push_back({u, 0, static_cast<int>(adj[u].size()) - 1});
    return std::pair<int, int>{u, static_cast<int>(adj[u].size()) - 1};
  };
  for (std::size_t a = 0; a < arcs.size(); ++a) where[a] = add(arcs[a].from, arcs[a].to, kUnbounded);
  std::int64_t need = 0;
  for (int v = 0; v < nodes; ++v) {
    if (surplus[v] > 0) add(s, v, surplus[v]), need += surplus[v];
    if (surplus[v] < 0) add(v, t, -surplus[v]);
  }
  std::int64_t got = 0;
  for (;;) {  // Edmonds-Karp: the graph has at most ~40 nodes
    std::vector<std::pair<int, int>> prev(nodes + 2, {-1, -1});
    std::deque<int> queue{s};
    prev[s] = {s, -1};
    while (!queue.empty() && prev[t].first < 0) {
      const int u = queue.front();
      queue.pop_front();
      for (int i = 0; i < static_cast<int>(adj[u].size()); ++i) {
        const E& e = adj[u][i];
        if (e.cap > 0 && prev[e.to].first < 0) {
          prev[e.to] = {u, i};
          queue.push_back(e.to);
        }
      }
    }
    if (prev[t].first < 0) break;
    std::int64_t push = kUnbounded;
    for (int v = t; v != s; v = prev[v].first) push = std::min(push, adj[prev[v].first][prev[v].second].cap);
    for (int v = t; v != s; v = prev[v].first) {
      E& e = adj[prev[v].first][prev[v].second];
      e.cap -= push;
      adj[e.to][e.rev].cap += push;
    }
    got += push;
  }
  if (got != need) return false;
  for (std::size_t a = 0; a < arcs.size(); ++a) {
    const E& e = adj[where[a].first][where[a].second];
    arcs[a].flow = adj[e.to][e.rev].cap;  // the flow pushed through the arc
  }
  return true;
}

// The hidden entries fixed by the published values and nonnegativity alone (the attacker of
// determined_cells, who sees nothing but the table).
std::vector<int> nonnegative_determined(const Grid& g, const std::vector<bool>& hidden,
                                        const std::vector<std::int64_t>& value) {
  const int nodes = node_count(g);
  std::vector<Arc> arcs;
  std::vector<int> entry_of;
  std::vector<std::int64_t> surplus(nodes, 0);  // published inflow - outflow
  for (int e = 0; e < g.size(); ++e) {
    auto [u, v] = ends(g, e);
    if (hidden[e]) {
      arcs.push_back({u, v, 0, 0, kUnbounded});
      entry_of.push_back(e);
    } else {
      surplus[v] += value[e];
      surplus[u] -= value[e];
    }
  }
  if (arcs.empty()) return {};
  // A hidden arc must carry out of each node what the published arcs leave in it.
  if (!feasible_flow(nodes, arcs, surplus)) return {};  // inconsistent: not from suppress()
  std::vector<int> out;
  for (int a : fixed_arcs(nodes, arcs)) out.push_back(entry_of[a]);
  return out;
}

// ---- Suppression ----------------------------------------------------------------------------

struct State {
  Grid g;
  std::vector<std::int64_t> value;  // the true values, margins included
  std::vector<bool> hidden, primary;
  bool complementary_zero = false;  // a 0 was hidden to protect another entry
};

// The entry to hide next among `candidates`: visible, non-zero first, then cells before totals,
// then the smallest, then the first in row-major order. A zero comes last: an attacker knows it
// cannot be smaller, so it protects less, and it makes the rules' bound for every entry hidden
// to protect another 0 instead of k (see attacked()).
std::optional<int> choose(const State& s, const std::vector<int>& candidates) {
  std::optional<int> best;
  auto key = [&](int e) {
    return std::tuple{s.value[e] == 0, s.g.margin_rank(e), s.value[e], e};
  };
  for (int e : candidates)
    if (!s.hidden[e] && (!best || key(e) < key(*best))) best = e;
  return best;
}

void hide_complement(State& s, int e) {
  s.hidden[e] = true;
  if (s.value[e] == 0) s.complementary_zero = true;
}

// Hides entries until no line has exactly one hidden entry. A fixed point is reached: every
// pass hides at least one more entry or stops.
void complete_lines(State& s, const std::vector<Line>& lines) {
  for (bool changed = true; changed;) {
    changed = false;
    for (const Line& line : lines) {
      const auto n = std::count_if(line.begin(), line.end(), [&](int e) { return s.hidden[e]; });
      if (n != 1) continue;
      if (auto e = choose(s, line)) {
        hide_complement(s, *e);
        changed = true;
      }
    }
  }
}

// The hidden entries an attacker can pin down knowing, besides the published values, what the
// rules imply about each hidden entry: a primary one is in [1, k-1] ([0, k-1] when zeros are
// hidden), a complementary one is >= k (it was visible, so not small; >= 0 if a zero was ever
// hidden as a complement). This assumes the attacker can tell the two apart (a display that
// labels "<k"), the strongest convex knowledge the rules give; exact, via the true values.
//
// Reported are only the entries that the published numbers help to pin: an entry that the
// labels pin on their own, with every published number forgotten (two "<3" cells under a "<3"
// total are both 1 when zeros are published), is pinned by the choice of k and of publishing
// zeros, and hiding more cannot unpin it.
std::vector<int> attacked(const State& s, const SuppressOptions& o) {
  const int nodes = node_count(s.g);
  std::vector<Arc> seen, labels_only;  // one arc per hidden entry; per entry
  std::vector<int> entry_of;
  for (int e = 0; e < s.g.size(); ++e) {
    auto [u, v] = ends(s.g, e);
    std::int64_t lo, hi = kUnbounded;
    if (!s.hidden[e]) {
      lo = o.hide_zeros ? o.k : 0;  // a published number is 0 or at least k
    } else if (s.primary[e]) {
      lo = o.hide_zeros ? 0 : 1;
      hi = o.k - 1;
    } else {
      lo = s.complementary_zero ? 0 : o.k;
    }
    labels_only.push_back({u, v, s.value[e], lo, hi});
    if (s.hidden[e]) {
      seen.push_back({u, v, s.value[e], lo, hi});
      entry_of.push_back(e);
    }
  }
  std::vector<int> pinned;
  for (int a : fixed_arcs(nodes, seen)) pinned.push_back(entry_of[a]);
  if (pinned.empty()) return pinned;
  std::vector<bool> by_labels(s.g.size(), false);
  for (int e : fixed_arcs(nodes, labels_only)) by_labels[e] = true;
  std::erase_if(pinned, [&](int e) { return by_labels[e]; });
  return pinned;
}

Published publish(const State& s) {
  const Grid& g = s.g;
  auto shown = [&](int r, int c) -> std::optional<std::int64_t> {
    const int e = g.id(r, c);
    if (s.hidden[e]) return std::nullopt;
    return s.value[e];
  };
  Published p;
  p.cells.assign(g.rows, {});
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.cols; ++c) p.cells[r].push_back(shown(r, c));
  for (int r = 0; r < g.rows; ++r) p.row_totals.push_back(shown(r, g.cols));
  for (int c = 0; c < g.cols; ++c) p.col_totals.push_back(shown(g.rows, c));
  p.total = shown(g.rows, g.cols);
  for (int e = 0; e < g.size(); ++e)
    if (s.hidden[e]) ++(s.primary[e] ? p.primary : p.complementary);
  return p;
}

bool small(std::int64_t v, const SuppressOptions& o) {
  return (v > 0 && v < o.k) || (v == 0 && o.hide_zeros);
}

}  // namespace

Published suppress(const std::vector<std::vector<std::int64_t>>& counts,
                   const SuppressOptions& options) {
  State s;
  s.g.rows = static_cast<int>(counts.size());
  s.g.cols = counts.empty() ? 0 : static_cast<int>(counts[0].size());
  const Grid& g = s.g;

  bool valid = true;
  for (const auto& row : counts) {
    if (static_cast<int>(row.size()) != g.cols) valid = false;
    for (std::int64_t v : row)
      if (v < 0) valid = false;
  }
  if (!valid) {  // a caller's bug: publish nothing rather than guess
    Published p;
    for (const auto& row : counts) p.cells.emplace_back(row.size(), std::nullopt);
    p.row_totals.assign(counts.size(), std::nullopt);
    p.col_totals.assign(g.cols, std::nullopt);
    return p;
  }

  s.value.assign(g.size(), 0);
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.cols; ++c) {
      const std::int64_t v = counts[r][c];
      s.value[g.id(r, c)] = v;
      s.value[g.id(r, g.cols)] += v;
      s.value[g.id(g.rows, c)] += v;
      s.value[g.id(g.rows, g.cols)] += v;
    }
  s.hidden.assign(g.size(), false);
  s.primary.assign(g.size(), false);
  for (int e = 0; e < g.size(); ++e)
    if (small(s.value[e], options)) s.hidden[e] = s.primary[e] = true;
  if (g.rows == 0 || g.cols == 0) return publish(s);  // no cells: only margins of nothing

  const std::vector<Line> lines = lines_of(g);
  for (;;) {
    complete_lines(s, lines);
    // determined_cells() first (its result must be empty when we return), then the stronger
    // attacker who reads the labels.
    std::vector<int> found = linear_determined(g, s.hidden);
    if (found.empty()) found = nonnegative_determined(g, s.hidden, s.value);
    if (found.empty()) found = attacked(s, options);
    if (found.empty()) break;
    // Hide one more entry in a line through a determined one; the first that has a candidate.
    std::optional<int> pick;
    for (int e : found) {
      std::vector<int> near;
      for (const Line& line : lines)
        if (std::find(line.begin(), line.end(), e) != line.end())
          near.insert(near.end(), line.begin(), line.end());
      if ((pick = choose(s, near))) break;
    }
    if (!pick) {
      std::vector<int> all(g.size());
      std::iota(all.begin(), all.end(), 0);
      pick = choose(s, all);
    }
    if (!pick) break;  // everything hidden: then no entry is determined
    hide_complement(s, *pick);
  }
  return publish(s);
}

std::vector<std::pair<int, int>> determined_cells(const Published& table) {
  Grid g;
  g.rows = static_cast<int>(table.cells.size());
  g.cols = static_cast<int>(table.col_totals.size());
  if (static_cast<int>(table.row_totals.size()) != g.rows) return {};
  for (const auto& row : table.cells)
    if (static_cast<int>(row.size()) != g.cols) return {};

  std::vector<bool> hidden(g.size(), false);
  std::vector<std::int64_t> value(g.size(), 0);
  auto take = [&](int r, int c, const std::optional<std::int64_t>& v) {
    hidden[g.id(r, c)] = !v.has_value();
    value[g.id(r, c)] = v.value_or(0);
  };
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.cols; ++c) take(r, c, table.cells[r][c]);
  for (int r = 0; r < g.rows; ++r) take(r, g.cols, table.row_totals[r]);
  for (int c = 0; c < g.cols; ++c) take(g.rows, c, table.col_totals[c]);
  take(g.rows, g.cols, table.total);

  std::vector<int> found = linear_determined(g, hidden);
  for (int e : nonnegative_determined(g, hidden, value)) found.push_back(e);
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  std::vector<std::pair<int, int>> out;
  for (int e : found) out.push_back(g.outside(e));
  return out;
}

}  // namespace amanat::desk
