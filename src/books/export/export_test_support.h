// Test support for the exporters (header-only, used by the *_test.cc files beside it): short
// builders for postings and transactions, a temporary directory, a generator of random balanced
// transactions, and helpers that export a list of transactions to a file.
//
// Not for production code: the builders abort (via .value()) on a malformed amount literal,
// which is a bug in the test that should stop it loudly.
//
// Thread-safety: plain functions and values; RandomBooks is used by one thread.
#pragma once

#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "books/export/journal_writer.h"
#include "books/journal.h"
#include "core/money.h"

namespace amanat::books::exporter::testing {

inline Money money(std::string_view amount, std::string_view code) {
  return parse_money(amount, code).value();
}

inline Posting post(std::string account, std::string_view amount, std::string_view code) {
  return Posting{std::move(account), money(amount, code), std::nullopt};
}

inline Posting post_at_cost(std::string account, std::string_view amount, std::string_view code,
                            std::string_view cost, std::string_view cost_code) {
  return Posting{std::move(account), money(amount, code), money(cost, cost_code)};
}

// The reversing transaction of `tx`: every amount and cost negated (journal.h: corrections
// never edit, they add a reversal).
inline Transaction reversal(const Transaction& tx, std::uint64_t id, std::string date) {
  Transaction r{id, std::move(date), "Reversal of " + std::to_string(tx.id),
                {{"type", "reversal"}, {"reverses", std::to_string(tx.id)}}, {}};
  for (const Posting& p : tx.postings) {
    Posting n = p;
    n.amount.minor = -p.amount.minor;
    if (n.cost) n.cost->minor = -n.cost->minor;
    r.postings.push_back(n);
  }
  return r;
}

// The header a caller would build from the transactions: every account with its earliest
// date, every currency of an amount or a cost.
inline JournalHeader header_for(const std::vector<Transaction>& txs, std::string organisation,
                                Currency operating) {
  std::map<std::string, std::string> first;
  std::vector<Currency> used;
  auto use = [&](Currency c) {
    if (std::ranges::find(used, c) == used.end()) used.push_back(c);
  };
  for (const Transaction& tx : txs)
    for (const Posting& p : tx.postings) {
      auto [it, fresh] = first.try_emplace(p.account, tx.date);
      if (tx.date < it->second) it->second = tx.date;
      use(p.amount.currency);
      if (p.cost) use(p.cost->currency);
    }
  JournalHeader h{std::move(organisation), operating, {}, used};
  for (auto& [account, date] : first) h.accounts.push_back(AccountUse{account, date});
  return h;
}

// Exports `txs` with writer type W to `path`; the first failure is returned.
template <class W>
Status export_to(const std::filesystem::path& path, const JournalHeader& header,
                 const std::vector<Transaction>& txs) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return fail(Errc::unavailable, "cannot create " + path.string());
  W w(out);
  if (auto st = w.begin(header); !st) return st;
  for (const Transaction& tx : txs)
    if (auto st = w.write(tx); !st) return st;
  return w.finish();
}

// A fresh directory under the test temp dir, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "amanat-export-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Random balanced transactions over a small chart of accounts in KZT, USD, EUR, JPY (0
// decimals), BHD and KWD (3 decimals). Deterministic for a seed: it uses only the output of
// std::mt19937_64, which the standard fixes, not the distributions, which it does not.
class RandomBooks {
 public:
  explicit RandomBooks(std::uint64_t seed) : rng_(seed) {}

  Transaction next(std::uint64_t id) {
    Transaction tx;
    tx.id = id;
    tx.date = date();
    tx.narration = text(pick(5));
    tx.meta.emplace_back("leaf", std::to_string(id));
    tx.meta.emplace_back("type", kTypes[pick(std::size(kTypes))]);
    if (pick(4) == 0) {
      // Metadata values are one line by contract (journal.h): no control characters.
      std::string memo = text(1 + pick(3));
      std::ranges::replace_if(memo, [](char c) { return c == '\n' || c == '\t'; }, ' ');
      tx.meta.emplace_back("memo", memo);
    }
    if (pick(10) == 0) tx.meta.emplace_back("x", "one-letter key");
    if (pick(20) == 0) tx.meta.emplace_back("lineno", "reserved by beancount");

    if (pick(6) == 0) {
      // Two currencies, each balancing on its own (a multi-currency transfer, no cost).
      Currency a = cur(), b = cur();
      balanced_group(tx, a, 2 + pick(2));
      if (b != a) balanced_group(tx, b, 2);
    } else {
      // One fund currency; some postings in another currency at a cost in the fund's.
      Currency fund = cur();
      std::size_t n = 2 + pick(3);  // 2 to 4 postings
      __int128 total = 0;
      for (std::size_t i = 0; i + 1 < n; ++i) {
        std::int64_t amount = signed_amount();
        total += amount;
        Currency other = cur();
        if (other != fund && pick(3) == 0) {
          // The cost carries the weight; the amount in `other` is unrelated in size.
          std::int64_t units = signed_amount();
          if ((units < 0) != (amount < 0)) units = -units;
          tx.postings.push_back(
              Posting{account(), Money{units, other}, Money{amount, fund}});
        } else {
          tx.postings.push_back(Posting{account(), Money{amount, fund}, std::nullopt});
        }
      }
      if (total == 0) {  // the closing posting must not be zero: nudge the first one
        Posting& first = tx.postings[0];
        total += nudge(first.cost ? first.cost->minor : first.amount.minor);
      }
      tx.postings.push_back(
          Posting{account(), Money{static_cast<std::int64_t>(-total), fund}, std::nullopt});
    }
    return tx;
  }

 private:
  static constexpr const char* kAccounts[] = {
      "Assets:Bank:Main",
      "Assets:Bank",  // a parent that is posted to as well: balances must not roll up
      "Assets:Cash",
      "Assets:Bank:USD",
      "Assets:Mobile:Kaspi",
      "Income:Restricted:FLOOD-2025:Donations",
      "Income:Restricted:SHELTER:Donations",
      "Income:Unrestricted:Donations",
      "Expenses:Restricted:FLOOD-2025:Shelter",
      "Expenses:Restricted:SHELTER:Legal-Aid",
      "Expenses:Unrestricted:Rent",
      "Expenses:Unrestricted:Bank-Fees",
      "Equity:Transfers:Restricted:FLOOD-2025",
      "Equity:Transfers:Restricted:SHELTER",
      "Equity:Transfers:Unrestricted",
  };
  static constexpr const char* kCurrencies[] = {"KZT", "KZT", "KZT", "USD", "EUR",
                                                "JPY", "BHD", "KWD"};
  static constexpr const char* kTypes[] = {"donation", "expense", "transfer", "correction"};
  // Fragments chosen to break naive writers: comment and quote characters, escapes,
  // newlines and tabs, Kazakh and Russian text, a leading '(' (a ledger code), '*' and '!'
  // (status marks), '|' (hledger's payee separator), a bracketed date (ledger's aux date).
  static constexpr const char* kWords[] = {
      "Өтініш", "обращение", "shelter rent", "; not a comment", "\"quoted\"", "back\\slash",
      "line\nbreak", "tab\there", "(code?)", "* star", "! bang", "a|b", "[2024-01-01]",
      "  spaced  ", "50% off", "@@ 1 USD", "Қазақстан", "#tag", ":colon:", "{brace}",
  };

  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }
  std::string account() { return kAccounts[pick(std::size(kAccounts))]; }
  Currency cur() { return currency(kCurrencies[pick(std::size(kCurrencies))]).value(); }
  std::string date() {
    char buf[16];
    std::snprintf(buf, sizeof buf, "2025-%02d-%02d", static_cast<int>(1 + pick(12)),
                  static_cast<int>(1 + pick(28)));
    return buf;
  }
  std::string text(std::size_t words) {
    std::string s;
    for (std::size_t i = 0; i < words; ++i) {
      if (i) s += ' ';
      s += kWords[pick(std::size(kWords))];
    }
    return s;
  }
  // Mostly everyday sizes, sometimes one minor unit, sometimes very large (10^13 minor units).
  std::int64_t signed_amount() {
    std::int64_t v;
    switch (pick(10)) {
      case 0: v = 1; break;
      case 1: v = 1 + static_cast<std::int64_t>(rng_() % 10'000'000'000'000ULL); break;
      default: v = 1 + static_cast<std::int64_t>(rng_() % 10'000'000); break;
    }
    return pick(2) ? v : -v;
  }
  // Moves a non-zero amount one minor unit away from zero, keeping its sign; returns the change.
  static int nudge(std::int64_t& v) {
    int d = v < 0 ? -1 : 1;
    v += d;
    return d;
  }
  void balanced_group(Transaction& tx, Currency c, std::size_t n) {
    __int128 total = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
      std::int64_t a = signed_amount();
      total += a;
      tx.postings.push_back(Posting{account(), Money{a, c}, std::nullopt});
    }
    if (total == 0) total += nudge(tx.postings.back().amount.minor);
    tx.postings.push_back(Posting{account(), Money{static_cast<std::int64_t>(-total), c},
                                  std::nullopt});
  }

  std::mt19937_64 rng_;
};

}  // namespace amanat::books::exporter::testing
