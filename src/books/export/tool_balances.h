// Runs the real accounting tools on an exported journal and reads back their balances, so that
// tests can compare what ledger, hledger and beancount compute with amanat's own reports, to the
// minor unit. It is a normal library file (the CLI may use it for an "export --check" too).
//
// A balance is a leaf's own total, not rolled up into its parents (Assets:Bank shows only what
// was posted to Assets:Bank itself, not Assets:Bank:Main), per currency, in raw commodity
// amounts: costs ("@@") are not applied, so a USD donation to a KZT fund shows as USD on the
// bank account. Balances that come to zero are left out, as the tools leave them out.
//
// Exactness: the tools are asked for full precision (ledger --unround, hledger -c with 9
// decimal places for every ISO currency, the repr of beancount's exact Decimal sums), and the decimals they
// print are parsed back into int64 minor units without floating point. A printed figure with
// non-zero digits beyond the currency's minor unit, or one outside the int64 range, is
// Errc::corrupt: the tool read something other than what amanat wrote.
//
// Failures:
//   - Errc::not_found: the journal file does not exist.
//   - Errc::unavailable: the tool is not installed (the message names the Debian package), or
//     it could not be started.
//   - Errc::invalid: the tool rejected the file (it exited non-zero or wrote anything to
//     stderr: warnings count, because an export the tools warn about is a bad export); the
//     message holds the tool's own output, cut at 8 KiB.
//   - Errc::corrupt: the tool's output could not be parsed exactly (see above), or named a
//     currency that is not in amanat's ISO 4217 table.
//
// The children get the caller's environment, except that LC_ALL=C.UTF-8 (hledger refuses UTF-8
// text under the C locale), BEANCOUNT_DISABLE_LOAD_CACHE=1 (no pickle cache files beside the
// journal) and ledger's own LEDGER_* variables are dropped (with --args-only, so that a user's
// ~/.ledgerrc does not change the report).
//
// Thread-safety: every function may be called from several threads at once (pipes are opened
// close-on-exec, so a child never inherits another call's pipe).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "books/journal.h"
#include "core/error.h"

namespace amanat::books::exporter {

struct ToolBalances {
  //      account                 currency code  minor units (never zero)
  std::map<std::string, std::map<std::string, std::int64_t>> by_account;
  friend bool operator==(const ToolBalances&, const ToolBalances&) = default;
};

// Runs `ledger --args-only -f FILE bal --flat --empty --no-total --unround
//        --balance-format '%(account)\t%(scrub(amount))\n'`.
// (%(amount) in a balance format is the account's own amount; %(total) would roll up.)
Result<ToolBalances> ledger_balances(const std::filesystem::path& journal);

// Runs `hledger -f FILE --strict bal --flat --no-total --layout=bare -O csv
//        -c '1.000000000 AED' ... (every ISO currency)`.
// (flat mode shows exclusive balances; --strict also refuses undeclared accounts and
// commodities, which the export always declares.)
Result<ToolBalances> hledger_balances(const std::filesystem::path& journal);

// Runs `bean-check --no-cache FILE` (any output is a failure), then `bean-query -f csv FILE
//        'SELECT account, currency, str(sum(number)) GROUP BY account, currency'`.
// (str(): bean-query's number columns are rounded to the column's most frequent precision.)
Result<ToolBalances> beancount_balances(const std::filesystem::path& file);

// What the tools should report for these transactions: adds each posting's amount (not its
// cost) to its account. Zero balances are removed as they arise. Errc::invalid if a balance
// leaves the int64 range.
Status add_postings(ToolBalances& balances, const Transaction& tx);

// A readable list of the differences ("Assets:Bank:Main KZT: expected 1234.56, got 1234.55"),
// one per line; empty when the two are equal. For test failure messages.
std::string describe_differences(const ToolBalances& expected, const ToolBalances& actual);

// ---- Lower level: running a tool ---------------------------------------------------------------

struct ToolRun {
  int exit_status = 0;   // the exit code; 128 + signal number if killed by a signal
  std::string out;       // everything the tool wrote to stdout
  std::string err;       // ... and to stderr
};

// Runs argv[0] (looked up in PATH) with stdin from /dev/null, in the environment described
// above, and collects its output. Errc::unavailable if it cannot be started; when the program
// is not found, the message says to install `debian_package`. A non-zero exit is not an error
// here: the caller decides.
Result<ToolRun> run_tool(const std::vector<std::string>& argv, std::string_view debian_package);

}  // namespace amanat::books::exporter
