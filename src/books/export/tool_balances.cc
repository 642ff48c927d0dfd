#include "books/export/tool_balances.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <limits>
#include <set>
#include <system_error>

#include "core/money.h"

extern char** environ;

namespace amanat::books::exporter {

namespace {

constexpr std::size_t kMaxQuoted = 8 * 1024;

std::string errno_text(int e) { return std::generic_category().message(e); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string cut(std::string_view s) {
  s = trim(s);
  while (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  if (s.size() <= kMaxQuoted) return std::string(s);
  return std::string(s.substr(0, kMaxQuoted)) + "\n... (" + std::to_string(s.size() - kMaxQuoted) +
         " more bytes)";
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

// Splits one CSV record (RFC 4180 quoting, as hledger and Python's csv module write it).
// Returns false on an unterminated quote.
bool split_csv(std::string_view line, std::vector<std::string>& fields) {
  fields.clear();
  std::string field;
  std::size_t i = 0;
  while (true) {
    field.clear();
    // Python's csv module pads nothing, but bean-query pads fields with spaces before it
    // quotes them, so spaces around a quoted field are skipped.
    while (i < line.size() && line[i] == ' ') ++i;
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size()) return false;
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += line[i++];
      }
      while (i < line.size() && line[i] != ',') ++i;  // trailing padding
    } else {
      while (i < line.size() && line[i] != ',') field += line[i++];
    }
    fields.push_back(field);
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

// Parses a decimal as a tool printed it ("-1234.560000000", "5", "0.001") into minor units of
// c: exactly, digits beyond the minor unit must be zeros.
Result<std::int64_t> parse_printed(std::string_view s, Currency c, std::string_view tool,
                                   std::string_view account) {
  auto bad = [&](std::string why) {
    return fail(Errc::corrupt, std::string(tool) + " printed " + std::string(s) + " " +
                                   std::string(c.code()) + " for " + std::string(account) +
                                   ": " + std::move(why));
  };
  std::string_view body = s;
  bool negative = false;
  if (!body.empty() && body.front() == '-') {
    negative = true;
    body.remove_prefix(1);
  }
  std::size_t dot = body.find('.');
  std::string_view whole = body.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : body.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && frac.empty()))
    return bad("not a plain decimal");
  const int exp = c.exponent();
  // |value| in minor units; anything above 2^63 cannot be an int64 (the most negative int64 is
  // -2^63, hence the bound).
  constexpr unsigned __int128 kLimit = static_cast<unsigned __int128>(1) << 63;
  unsigned __int128 v = 0;
  auto push = [&](char ch) {
    v = v * 10 + static_cast<unsigned>(ch - '0');
    return v <= kLimit;
  };
  for (char ch : whole) {
    if (ch < '0' || ch > '9') return bad("not a plain decimal");
    if (!push(ch)) return bad("outside the int64 range of minor units");
  }
  for (std::size_t i = 0; i < frac.size(); ++i) {
    char ch = frac[i];
    if (ch < '0' || ch > '9') return bad("not a plain decimal");
    if (static_cast<int>(i) >= exp) {
      if (ch != '0')
        return bad(std::string(c.code()) + " has " + std::to_string(exp) +
                   " decimal places, so this is not a whole number of minor units");
      continue;
    }
    if (!push(ch)) return bad("outside the int64 range of minor units");
  }
  for (int i = static_cast<int>(std::min<std::size_t>(frac.size(), exp)); i < exp; ++i)
    if (!push('0')) return bad("outside the int64 range of minor units");
  if (!negative && v == kLimit) return bad("outside the int64 range of minor units");
  if (negative) return static_cast<std::int64_t>(-static_cast<__int128>(v));
  return static_cast<std::int64_t>(v);
}

// Python's Decimal spells some values with an exponent ("1E+3", "1E-7"); the tools' own
// parsers never need that, so it is turned into a plain decimal here, exactly. Anything that
// is not of the form [-]digits[.digits][E[+-]digits] is returned as it is (and refused by
// parse_printed). Exponents are bounded so that a hostile "1E+999999999" cannot exhaust memory.
std::string plain_decimal(std::string_view s) {
  std::size_t e = s.find_first_of("Ee");
  if (e == std::string_view::npos) return std::string(s);
  std::string_view mant = s.substr(0, e), exps = s.substr(e + 1);
  bool neg = !mant.empty() && mant.front() == '-';
  if (neg) mant.remove_prefix(1);
  int exp = 0;
  bool exp_neg = false;
  if (!exps.empty() && (exps.front() == '+' || exps.front() == '-')) {
    exp_neg = exps.front() == '-';
    exps.remove_prefix(1);
  }
  if (exps.empty() || exps.size() > 3) return std::string(s);
  for (char ch : exps) {
    if (ch < '0' || ch > '9') return std::string(s);
    exp = exp * 10 + (ch - '0');
  }
  if (exp_neg) exp = -exp;
  std::string digits;
  int frac = 0;
  bool seen_dot = false;
  for (char ch : mant) {
    if (ch == '.' && !seen_dot) {
      seen_dot = true;
    } else if (ch >= '0' && ch <= '9') {
      digits += ch;
      if (seen_dot) ++frac;
    } else {
      return std::string(s);
    }
  }
  if (digits.empty()) return std::string(s);
  int scale = frac - exp;  // digits after the point in the plain spelling
  if (scale <= 0) {
    digits.append(static_cast<std::size_t>(-scale), '0');
  } else {
    if (static_cast<int>(digits.size()) <= scale)
      digits.insert(0, static_cast<std::size_t>(scale - static_cast<int>(digits.size()) + 1), '0');
    digits.insert(digits.size() - static_cast<std::size_t>(scale), 1, '.');
  }
  // Leading zeros ("00.5" cannot arise, but "0001000" from "0001E+3" can) are harmless to
  // parse_printed, which does not insist on a canonical spelling.
  return (neg ? "-" : "") + digits;
}

Status add_minor(ToolBalances& b, std::string_view account, Currency c, std::int64_t minor) {
  auto& per = b.by_account[std::string(account)];
  auto [it, fresh] = per.try_emplace(std::string(c.code()), 0);
  std::int64_t total;
  if (__builtin_add_overflow(it->second, minor, &total))
    return fail(Errc::invalid, "the balance of " + std::string(account) + " in " +
                                   std::string(c.code()) + " leaves the int64 range");
  if (total == 0) {
    per.erase(it);
    if (per.empty()) b.by_account.erase(std::string(account));
  } else {
    it->second = total;
  }
  return {};
}

Result<Currency> printed_currency(std::string_view code, std::string_view tool,
                                  std::string_view account) {
  auto c = currency(code);
  if (!c)
    return fail(Errc::corrupt, std::string(tool) + " printed an amount of " + std::string(account) +
                                   " in \"" + std::string(code) +
                                   "\", which is not an ISO 4217 currency amanat knows");
  return *c;
}

Status check_exists(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    return fail(Errc::not_found, "journal " + file.string() + " does not exist (or is not a file)");
  return {};
}

// Runs a tool and requires a clean run: exit status 0 and nothing on stderr.
Result<std::string> run_clean(const std::vector<std::string>& argv, std::string_view package,
                              const std::filesystem::path& file) {
  auto run = run_tool(argv, package);
  if (!run) return err(run);
  if (run->exit_status != 0 || !run->err.empty()) {
    std::string what = run->exit_status != 0
                           ? " (exit status " + std::to_string(run->exit_status) + ")"
                           : " (exit status 0, but it wrote to stderr)";
    std::string text = run->err;
    if (text.empty()) text = run->out;
    return fail(Errc::invalid,
                argv[0] + " rejected " + file.string() + what + ":\n" + cut(text));
  }
  return std::move(run->out);
}

}  // namespace

// ---- Running a tool ------------------------------------------------------------------------------

Result<ToolRun> run_tool(const std::vector<std::string>& argv, std::string_view debian_package) {
  if (argv.empty()) return fail(Errc::internal, "run_tool: no program given");
  const std::string& prog = argv[0];

  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    if (kv.starts_with("LC_ALL=") || kv.starts_with("LEDGER_") ||
        kv.starts_with("BEANCOUNT_DISABLE_LOAD_CACHE="))
      continue;
    env.emplace_back(kv);
  }
  env.emplace_back("LC_ALL=C.UTF-8");
  env.emplace_back("BEANCOUNT_DISABLE_LOAD_CACHE=1");
  std::vector<char*> envp;
  for (std::string& s : env) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<char*> argp;
  std::vector<std::string> args = argv;  // posix_spawn wants char*, not const char*
  for (std::string& s : args) argp.push_back(s.data());
  argp.push_back(nullptr);

  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0)
    return fail(Errc::unavailable, "running " + prog + ": pipe: " + errno_text(errno));
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    int e = errno;
    close(out_pipe[0]);
    close(out_pipe[1]);
    return fail(Errc::unavailable, "running " + prog + ": pipe: " + errno_text(e));
  }

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  // dup2 clears close-on-exec on the copies; the originals close at exec.
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, prog.c_str(), &fa, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    if (rc == ENOENT)
      return fail(Errc::unavailable, prog + " is not installed (install the Debian package \"" +
                                         std::string(debian_package) + "\")");
    return fail(Errc::unavailable, "starting " + prog + ": " + errno_text(rc));
  }

  ToolRun result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  int read_error = 0;
  char chunk[65536];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      read_error = errno;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, chunk, sizeof chunk);
      if (n > 0) {
        sinks[i]->append(chunk, static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        if (n < 0) read_error = errno;
        close(fds[i].fd);
        fds[i].fd = -1;  // poll ignores negative descriptors
        --open_fds;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);  // only after a poll failure; the child then gets SIGPIPE

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return fail(Errc::unavailable, "waiting for " + prog + ": " + errno_text(errno));
  }
  if (read_error != 0)
    return fail(Errc::unavailable, "reading the output of " + prog + ": " + errno_text(read_error));
  if (WIFEXITED(status))
    result.exit_status = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    result.exit_status = 128 + WTERMSIG(status);
  return result;
}

// ---- ledger ------------------------------------------------------------------------------------

Result<ToolBalances> ledger_balances(const std::filesystem::path& journal) {
  if (auto st = check_exists(journal); !st) return err(st);
  // One line per account: "ACCOUNT\tAMOUNT"; an account with several currencies continues
  // with one more line per currency, without the account and the tab. An account whose own
  // amount is zero (a parent shown by --empty) prints "0".
  auto out = run_clean({"ledger", "--args-only", "-f", journal.string(), "bal", "--flat",
                        "--empty", "--no-total", "--unround", "--balance-format",
                        "%(account)\t%(scrub(amount))\n"},
                       "ledger", journal);
  if (!out) return err(out);

  ToolBalances b;
  std::string account;
  for (std::string_view line : lines_of(*out)) {
    if (trim(line).empty()) continue;
    std::string_view amount = line;
    if (std::size_t tab = line.find('\t'); tab != std::string_view::npos) {
      account = line.substr(0, tab);
      amount = line.substr(tab + 1);
    } else if (account.empty()) {
      return fail(Errc::corrupt, "ledger printed an amount before any account: " +
                                     std::string(line));
    }
    amount = trim(amount);
    if (amount.empty() || amount == "0") continue;
    std::size_t sp = amount.rfind(' ');
    if (sp == std::string_view::npos)
      return fail(Errc::corrupt, "ledger printed an amount without a currency for " + account +
                                     ": " + std::string(amount));
    auto c = printed_currency(amount.substr(sp + 1), "ledger", account);
    if (!c) return err(c);
    auto minor = parse_printed(trim(amount.substr(0, sp)), *c, "ledger", account);
    if (!minor) return err(minor);
    if (auto st = add_minor(b, account, *c, *minor); !st) return err(st);
  }
  return b;
}

// ---- hledger -----------------------------------------------------------------------------------

Result<ToolBalances> hledger_balances(const std::filesystem::path& journal) {
  if (auto st = check_exists(journal); !st) return err(st);
  std::vector<std::string> argv = {"hledger", "-f",          journal.string(), "--strict",
                                   "bal",     "--flat",      "--no-total",     "--layout=bare",
                                   "-O",      "csv"};
  // hledger rounds its output to each commodity's display precision (from the commodity
  // directive, else the amounts seen) and 1.25 has no flag to turn that off; -c overrides the
  // style, and 9 places exceed every ISO exponent, so an amount with more decimals than its
  // currency has shows up instead of being rounded away.
  for (Currency c : currencies()) {
    argv.emplace_back("-c");
    argv.push_back("1.000000000 " + std::string(c.code()));
  }
  auto out = run_clean(argv, "hledger", journal);
  if (!out) return err(out);

  ToolBalances b;
  auto lines = lines_of(*out);
  std::vector<std::string> f;
  if (lines.empty() || !split_csv(lines[0], f) ||
      f != std::vector<std::string>{"account", "commodity", "balance"})
    return fail(Errc::corrupt, "hledger printed an unexpected CSV header: " +
                                   std::string(lines.empty() ? "(nothing)" : lines[0]));
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (trim(lines[i]).empty()) continue;
    if (!split_csv(lines[i], f) || f.size() != 3)
      return fail(Errc::corrupt, "hledger printed an unexpected CSV row: " +
                                     std::string(lines[i]));
    std::string_view number = trim(f[2]);
    if (f[1].empty() && (number == "0" || number.empty())) continue;
    auto c = printed_currency(f[1], "hledger", f[0]);
    if (!c) return err(c);
    auto minor = parse_printed(number, *c, "hledger", f[0]);
    if (!minor) return err(minor);
    if (auto st = add_minor(b, f[0], *c, *minor); !st) return err(st);
  }
  return b;
}

// ---- beancount ---------------------------------------------------------------------------------

Result<ToolBalances> beancount_balances(const std::filesystem::path& file) {
  if (auto st = check_exists(file); !st) return err(st);
  // bean-check prints nothing at all for a good file; anything it prints is an error report.
  auto check = run_clean({"bean-check", "--no-cache", file.string()}, "beancount", file);
  if (!check) return err(check);
  if (!trim(*check).empty())
    return fail(Errc::invalid, "bean-check rejected " + file.string() + ":\n" + cut(*check));

  // `number` is a posting's units; with "@@" there is a price but no cost basis, so the units
  // are the raw amount. Decimal sums are exact, but bean-query's renderer rounds a number
  // column to the most frequent number of decimals in it (1.234 BHD prints as "1.230" among
  // KZT figures, 0.001 KWD as "0.00"), so the query asks for str(), which is Python's exact
  // repr, "Decimal('-1.234')".
  auto out = run_clean({"bean-query", "-f", "csv", file.string(),
                        "SELECT account, currency, str(sum(number)) AS total "
                        "GROUP BY account, currency ORDER BY account, currency"},
                       "beancount", file);
  if (!out) return err(out);

  ToolBalances b;
  auto lines = lines_of(*out);
  std::vector<std::string> f;
  auto trimmed = [&] {
    for (std::string& s : f) s = std::string(trim(s));
  };
  bool header_ok = !lines.empty() && split_csv(lines[0], f);
  if (header_ok) {
    trimmed();
    header_ok = f == std::vector<std::string>{"account", "currency", "total"};
  }
  if (!header_ok)
    return fail(Errc::corrupt, "bean-query printed an unexpected CSV header: " +
                                   std::string(lines.empty() ? "(nothing)" : lines[0]));
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (trim(lines[i]).empty()) continue;
    if (!split_csv(lines[i], f) || f.size() != 3)
      return fail(Errc::corrupt, "bean-query printed an unexpected CSV row: " +
                                     std::string(lines[i]));
    trimmed();
    auto c = printed_currency(f[1], "bean-query", f[0]);
    if (!c) return err(c);
    std::string_view repr = f[2];
    if (!repr.starts_with("Decimal('") || !repr.ends_with("')"))
      return fail(Errc::corrupt, "bean-query printed " + f[2] + " for " + f[0] + " in " + f[1] +
                                     ", not a Decimal('...')");
    repr = repr.substr(9, repr.size() - 11);
    auto minor = parse_printed(plain_decimal(repr), *c, "bean-query", f[0]);
    if (!minor) return err(minor);
    if (auto st = add_minor(b, f[0], *c, *minor); !st) return err(st);
  }
  return b;
}

// ---- Expected balances -------------------------------------------------------------------------

Status add_postings(ToolBalances& balances, const Transaction& tx) {
  for (const Posting& p : tx.postings)
    if (auto st = add_minor(balances, p.account, p.amount.currency, p.amount.minor); !st)
      return st;
  return {};
}

std::string describe_differences(const ToolBalances& expected, const ToolBalances& actual) {
  std::set<std::pair<std::string, std::string>> keys;
  for (const auto* b : {&expected, &actual})
    for (const auto& [account, per] : b->by_account)
      for (const auto& [code, minor] : per) keys.emplace(account, code);
  auto show = [](const ToolBalances& b, const std::string& account, const std::string& code) {
    auto a = b.by_account.find(account);
    if (a == b.by_account.end()) return std::string("nothing");
    auto m = a->second.find(code);
    if (m == a->second.end()) return std::string("nothing");
    auto c = currency(code);
    return c ? format_amount(Money{m->second, *c}) : std::to_string(m->second) + " minor units";
  };
  std::string out;
  for (const auto& [account, code] : keys) {
    std::string e = show(expected, account, code), a = show(actual, account, code);
    if (e != a)
      out += account + " " + code + ": expected " + e + ", got " + a + "\n";
  }
  return out;
}

}  // namespace amanat::books::exporter
