#include "cli/cli.h"

#include <sodium.h>

#include <cstdio>

namespace amanat::cli {

int report(const Error& e) {
  std::fprintf(stderr, "amanat: %s\n", e.message.c_str());
  return kExitFailed;
}

int run(int argc, char** argv) {
  if (sodium_init() < 0) {
    std::fprintf(stderr, "amanat: libsodium failed to initialise\n");
    return kExitFailed;
  }
  CLI::App app{
      "amanat: a verifiable set of books and a case desk for organisations that support "
      "survivors of violence.\nEvery record goes on a public, append-only Merkle log "
      "(C2SP tlog-tiles) that anyone can verify."};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");
  Action chosen;
  Registry r{app, &chosen};
  add_init_commands(r);
  add_log_commands(r);
  add_books_commands(r);
  add_audit_commands(r);
  add_import_commands(r);
  add_backup_commands(r);
  add_desk_commands(r);
  add_server_commands(r);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return e.get_exit_code() == 0 ? kExitOk : kExitUsage;
  }
  if (!chosen) {
    std::fprintf(stderr, "amanat: choose a subcommand; see amanat --help\n");
    return kExitUsage;
  }
  try {
    return chosen();
  } catch (const std::exception& e) {
    // The last net: library code reports errors as values, so this is a bug.
    std::fprintf(stderr, "amanat: internal error: %s\n", e.what());
    return kExitFailed;
  }
}

}  // namespace amanat::cli
