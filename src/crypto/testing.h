// Test support for the crypto module's tests (not used by the amanat binary).
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace amanat::crypto::testing {

// Calls f on every k-element subset of {0..n-1}, as index vectors in lexicographic order.
inline void for_each_subset(int n, int k, const std::function<void(const std::vector<int>&)>& f) {
  std::vector<int> idx(static_cast<std::size_t>(k));
  for (int i = 0; i < k; ++i) idx[static_cast<std::size_t>(i)] = i;
  while (true) {
    f(idx);
    int i = k - 1;
    while (i >= 0 && idx[static_cast<std::size_t>(i)] == n - k + i) --i;
    if (i < 0) return;
    ++idx[static_cast<std::size_t>(i)];
    for (int j = i + 1; j < k; ++j) idx[static_cast<std::size_t>(j)] = idx[static_cast<std::size_t>(j - 1)] + 1;
  }
}

}  // namespace amanat::crypto::testing
