// amanat init: creates a data directory, its database and the log's signing key.
#include <cstdio>

#include "books/service.h"
#include "cli/books_session.h"
#include "cli/cli.h"
#include "crypto/keyring.h"
#include "store/org.h"
#include "store/data_dir.h"
#include "tlog/log_key.h"
#include "tlog/note.h"
#include "tlog/sequencer.h"

namespace amanat::cli {

namespace {

struct InitOptions {
  std::string data;
  std::string origin;
  std::string currency = "KZT";
  std::string name;
  bool log_only = false;
};

int do_init(const InitOptions& o) {
  auto org_currency = currency(o.currency);
  if (!org_currency) return report(org_currency.error().context("--currency"));
  if (!tlog::is_valid_key_name(o.origin))
    return report({Errc::invalid, "--origin \"" + o.origin +
                                      "\" is not a valid log name: use something like "
                                      "example.org/amanat (no spaces, no '+')"});
  auto dir = store::DataDir::create(o.data);
  if (!dir) return report(dir.error());
  auto keys = tlog::generate_key(o.origin);
  if (!keys) return report(keys.error());
  if (auto st = dir->write_key(keys->skey); !st) return report(st.error());
  auto key = tlog::LogKey::parse(keys->skey);
  if (!key) return report(key.error());
  auto stores = store::open_org(*dir, {.create = true, .origin = o.origin});
  if (!stores) return report(stores.error());
  // Opening the sequencer signs the first checkpoint (the empty tree).
  auto seq = tlog::Sequencer::open(*stores->log, *key);
  if (!seq) return report(seq.error());
  // The books: their key beside the log's, and the books.open record as the log's first leaf.
  if (!o.log_only) {
    auto books_keys = crypto::Keyring::create(books_key_path(*dir));
    if (!books_keys) return report(books_keys.error());
    auto books = books::Books::open(*stores->books, *stores->reports, **seq, *stores->log, *books_keys);
    if (!books) return report(books.error());
    if (auto opened = (*books)->open_books(o.name.empty() ? o.origin : o.name, *org_currency); !opened)
      return report(opened.error());
  }
  std::printf("%s\n", keys->vkey.c_str());
  std::fprintf(stderr,
               "amanat: created %s for log %s\n"
               "  log verifier key (above; publish it): %s\n"
               "  witness verifier key (give it to partners whose logs you cosign): %s\n"
               "  private key: %s (mode 0600; back it up somewhere safe)\n%s",
               o.data.c_str(), o.origin.c_str(), keys->vkey.c_str(), key->witness().vkey().c_str(),
               dir->key_path().c_str(),
               o.log_only ? "  (log only: no books)\n"
                          : ("  books key: " + books_key_path(*dir).string() +
                             " (mode 0600; without it donors' pseudonyms and payees cannot be read or tested)\n")
                                .c_str());
  return kExitOk;
}

}  // namespace

void add_init_commands(Registry& r) {
  auto o = std::make_shared<InitOptions>();
  auto* sub = r.app.add_subcommand("init", "Create a data directory with a new log and its Ed25519 signing key");
  sub->add_option("--data", o->data, "Data directory to create")->required();
  sub->add_option("--origin", o->origin,
                  "The log's origin (also its key name), e.g. example.org/amanat")->required();
  sub->add_option("--currency", o->currency, "The organisation's currency for its books (ISO 4217)")->capture_default_str();
  sub->add_option("--name", o->name, "The organisation's public name (default: the origin)");
  sub->add_flag("--log-only", o->log_only,
                "Create only the transparency log, without books (e.g. for a standalone witness or log)");
  sub->footer("Prints the log's verifier key on stdout. Refuses to overwrite an existing key or database.");
  r.on(sub, [o] { return do_init(*o); });
}

}  // namespace amanat::cli
