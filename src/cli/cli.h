// The `amanat` command line: subcommands, their options and help, and the exit status contract:
// 0 success, 1 the operation failed (the message says why), 2 usage error (bad or missing
// options). Messages go to stderr prefixed "amanat: "; results go to stdout.
#pragma once

#include <CLI/CLI.hpp>
#include <signal.h>

#include <functional>
#include <memory>
#include <string>

#include "core/error.h"
#include "tlog/log_source.h"

namespace amanat::http {
class Server;
}

namespace amanat::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

// Each command module registers its subcommands; the chosen one's action runs after parsing.
using Action = std::function<int()>;
struct Registry {
  CLI::App& app;
  Action* chosen;
  // Adds `action` as what runs when `sub` is selected.
  void on(CLI::App* sub, Action action) {
    sub->callback([this, action] { *chosen = action; });
  }
};

void add_init_commands(Registry& r);
void add_log_commands(Registry& r);
void add_books_commands(Registry& r);
void add_audit_commands(Registry& r);
void add_import_commands(Registry& r);
void add_server_commands(Registry& r);  // serve, vault, and the user commands
void add_user_commands(Registry& r);    // user add, list, disable, enable, role, password, revoke-sessions, reset-totp;
                                        // trail verify
void add_backup_commands(Registry& r);  // backup, restore
void add_desk_commands(Registry& r);    // desk demo

// Runs `server` until SIGINT or SIGTERM, then stops it gracefully (in-flight requests finish);
// `started` runs once the signals are routed, before serving (print the addresses there).
// Call block_stop_signals() before starting any thread of a long-running command.
void run_until_signalled(http::Server& server, const std::function<void()>& started);
// Blocks SIGINT and SIGTERM in the calling thread (and the threads it starts later); returns them.
sigset_t block_stop_signals();

// A log named on the command line: an http(s) URL, a data directory, or a static mirror.
Result<std::unique_ptr<tlog::LogSource>> open_source(const std::string& where);

// Prints "amanat: <message>" to stderr and returns kExitFailed.
int report(const Error& e);

int run(int argc, char** argv);

}  // namespace amanat::cli
