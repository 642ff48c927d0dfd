// amanat serve: the server for staff, the public and partner organisations (api/api.h), and
// amanat user add: the first accounts of an organisation.
//
// One process serves one or more organisations, each from its own data directory (its own log,
// keys, books and users): --data DIR --org SLUG for the first, --also SLUG=DIR for more. Per
// organisation it mounts the JSON API's routes under /api/v1/orgs/SLUG/ and the log's tiles
// under /log/SLUG/, and the C2SP tlog-witness add-checkpoint endpoint under /witness/SLUG/ for
// the partner logs listed in DIR/witnessed.keys (one verifier key per line). Handlers run on a worker pool (--workers) so that password hashing and
// waiting for a durable commit never stall the event loop. SIGTERM or SIGINT stop it
// gracefully: the listener closes and in-flight requests, writes included, finish first; then
// each organisation's access trail is anchored on its log (identity/identities.h, which also
// anchors it at start and every Identities::kAnchorInterval).
#include <pthread.h>
#include <signal.h>
#include <sodium.h>

#include <cstdio>
#include <iostream>
#include <thread>

#include "api/api.h"
#include "cli/books_session.h"
#include "cli/cli.h"
#include "http/log_routes.h"
#include "http/router.h"
#include "http/static_site.h"
#include "http/witness_routes.h"
#include "store/org.h"
#include "store/static_dir.h"

namespace amanat::cli {

namespace {

struct OrgProcess {
  std::string slug;
  std::unique_ptr<BooksSession> session;
  std::unique_ptr<accounts::Accounts> accounts;
  std::unique_ptr<identity::Identities> identities;
  std::unique_ptr<desk::Desk> desk;
  std::vector<tlog::Verifier> partners;  // the logs this organisation witnesses (DIR/witnessed.keys)
};

Status check_slug(const std::string& slug) {
  bool ok = !slug.empty() && slug.size() <= 32;
  for (char c : slug) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  if (!ok) return fail(Errc::invalid, "--org: a slug is 1-32 characters of a-z, 0-9 and '-'");
  return {};
}

Result<OrgProcess> open_org(const std::string& slug, const std::string& data) {
  if (auto st = check_slug(slug); !st) return err(st);
  auto s = open_books(data, true, false);
  if (!s) return std::unexpected(s.error().context(data));
  if (auto st = (*s)->stores.books->prepare(); !st) return std::unexpected(st.error().context(data));
  auto account_keys = accounts_keys((*s)->dir);
  if (!account_keys) return std::unexpected(account_keys.error().context(data));
  store::OrgStores& stores = (*s)->stores;
  auto accounts = std::make_unique<accounts::Accounts>(*stores.db, *stores.accounts, *account_keys);
  accounts->also_open_with(*(*s)->keys);  // TOTP secrets sealed before accounts.key existed
  // Where the vault is split into Shamir shares, a director's or admin's role needs as many
  // directors as unsealing it does.
  auto vault_file = read_vault_file((*s)->dir);
  if (!vault_file) return std::unexpected(vault_file.error().context(data));
  if (*vault_file && (*vault_file)->shares) accounts->require_approvals((*vault_file)->shares->k);
  auto ids = identity::Identities::open(*stores.db, *stores.identities, vault_path((*s)->dir).string());
  if (!ids) return std::unexpected(ids.error().context(data));
  // The vault holds the books key: unsealing it (a director, through the API) opens the books'
  // keyed operations too, and sealing it closes them.
  if ((*s)->keys_in_vault) (*ids)->manage_books_keys(*(*s)->keys);
  // The trail's anchors go on the log through the books' queue (identity/trail_anchor.h), their
  // heads keyed with the accounts key, which is on disk: anchors are made while sealed too.
  books::Books* books = (*s)->books.get();
  (*ids)->anchor_to({.append = [books](Bytes leaf, tlog::Effect effect) -> Result<std::uint64_t> {
                       AMANAT_TRY(queued, books->submit_other(std::move(leaf), std::move(effect)));
                       return queued.get();
                     },
                     .log = stores.log.get(),
                     .key = *account_keys});
  auto desk = std::make_unique<desk::Desk>(*stores.db, *stores.desk, **ids);
  // Docket events go on the log through the books' queue too (desk/desk.h).
  desk->log_to([books](Bytes leaf, tlog::Effect effect) -> Result<std::uint64_t> {
    AMANAT_TRY(queued, books->submit_other(std::move(leaf), std::move(effect)));
    return queued.get();
  });
  OrgProcess o{slug, std::move(*s), std::move(accounts), std::move(*ids), std::move(desk), {}};
  auto keys_file = o.session->dir.path() / "witnessed.keys";
  if (std::filesystem::exists(keys_file)) {
    auto text = store::read_file(keys_file);
    if (!text) return err(text);
    std::size_t n = 0;
    for (std::string_view rest = *text; !rest.empty();) {
      auto nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      ++n;
      if (line.empty() || line.front() == '#') continue;
      auto v = tlog::Verifier::parse(line);
      if (!v) return std::unexpected(v.error().context(keys_file.string() + " line " + std::to_string(n)));
      o.partners.push_back(std::move(*v));
    }
  }
  return o;
}

int do_serve(const std::string& data, const std::string& slug, const std::vector<std::string>& also,
             const std::string& listen, unsigned threads, unsigned workers, unsigned handler_timeout_s,
             const std::string& unseal_file, bool trust_proxy, const std::string& web) {
  // Before any thread starts (each organisation's sequencer has one): every thread inherits the
  // mask, so SIGTERM reaches only the thread that waits for it and stops the server gracefully.
  block_stop_signals();
  std::vector<OrgProcess> orgs;
  auto first = open_org(slug, data);
  if (!first) return report(first.error());
  orgs.push_back(std::move(*first));
  for (const auto& a : also) {
    auto eq = a.find('=');
    if (eq == std::string::npos) return report({Errc::invalid, "--also \"" + a + "\" is not SLUG=DIR"});
    for (const auto& o : orgs)
      if (o.slug == a.substr(0, eq)) return report({Errc::invalid, "--also: organisation " + o.slug + " is given twice"});
    auto more = open_org(a.substr(0, eq), a.substr(eq + 1));
    if (!more) return report(more.error());
    orgs.push_back(std::move(*more));
  }
  auto colon = listen.rfind(':');
  auto port = colon == std::string::npos ? std::nullopt : parse_decimal(listen.substr(colon + 1));
  if (!port || *port > 65535)
    return report({Errc::invalid, "--listen \"" + listen + "\" is not ADDRESS:PORT, e.g. 127.0.0.1:8080"});
  if (!unseal_file.empty()) {
    auto pass = store::read_file(unseal_file);
    if (!pass) return report(pass.error().context("--unseal-passphrase-file"));
    std::string p = pass->substr(0, pass->find('\n'));
    if (auto st = orgs[0].identities->unseal_with_passphrase(p); !st) return report(st.error().context("unsealing"));
    std::fprintf(stderr, "amanat: the vault of %s is unsealed\n", orgs[0].slug.c_str());
  }

  auto api = api::make_api();
  api->trust_proxy(trust_proxy);
  http::Router router;
  for (auto& o : orgs) {
    store::OrgStores& stores = o.session->stores;
    api::Org org{o.slug,          o.session->books.get(), stores.books.get(), stores.reports.get(),
                 stores.bank.get(), stores.log.get(),       o.accounts.get(),   o.identities.get()};
    org.desk = o.desk.get();
    org.data_dir = o.session->dir.path();
    org.keys = o.session->keys.get();
    org.verifier_key = o.session->key->vkey();
    api->add_org(std::move(org));
    // The log is owned by the session; the handler only borrows it for the server's lifetime.
    std::shared_ptr<tlog::LogSource> src(stores.log.get(), [](tlog::LogSource*) {});
    if (auto st = router.mount("/log/" + o.slug + "/", http::log_handler(src)); !st) return report(st.error());
    auto witness = http::witness_handler(o.partners, *stores.witnessed, o.session->key->witness(),
                                         [] { return static_cast<std::uint64_t>(std::time(nullptr)); });
    if (auto st = router.mount("/witness/" + o.slug + "/", witness); !st) return report(st.error());
  }
  api::Api* a = api.get();
  // A public answer already computed for the books' current state is sent from the event loop,
  // with no hand-off to a worker (Api::quick); everything else goes to the workers.
  if (auto st = router.mount("/api/v1/", [a](const http::Request& req) { return a->handle(req); },
                             [a](const http::Request& head) { return a->body_limit(head); },
                             [a](const http::Request& req) { return a->quick(req); });
      !st)
    return report(st.error());

  // The web app at "/" (every path the API and the logs do not take). The default folder is the
  // one scripts/build.sh builds; without it the server still serves the API and the logs.
  auto site = http::StaticSite::load(web.empty() ? std::string(AMANAT_WEB_DIR) : web);
  if (!site && !web.empty()) return report(site.error().context("--web"));
  if (site) {
    // An appeal's page names its figures in a Link: preload header, so that a phone fetches them
    // beside the page's scripts rather than after them (docs/benchmarks.md, the slow 4G phone).
    site->preload(api::page_preload(a->org_slugs()));
    // The site's files are in memory: every answer comes from the event loop, never a worker.
    http::StaticSite files = *site;
    if (auto st = router.mount("/", files, {}, [files](const http::Request& req) { return std::optional(files(req)); });
        !st)
      return report(st.error());
  } else {
    std::fprintf(stderr, "amanat: no web app (%s); serving the API and the logs only\n", site.error().message.c_str());
  }

  http::ServerOptions opts;
  opts.address = listen.substr(0, colon);
  opts.port = static_cast<std::uint16_t>(*port);
  opts.threads = threads;
  opts.workers = workers;
  opts.handler_timeout = std::chrono::seconds(handler_timeout_s);
  // Files (receipts, statements) may be larger than 1 MiB, for staff who may send them.
  opts.limits.max_upload_bytes = api::kMaxUploadBytes;
  opts.limits.body_limit_for = [router](const http::Request& head) { return router.body_limit(head); };
  opts.quick = [router](const http::Request& req) { return router.quick(req); };
  auto server = http::Server::listen(opts, router);
  if (!server) return report(server.error());
  // Each organisation's trail anchored now, on an interval, and (clear() below) once every
  // request has been answered.
  std::vector<std::unique_ptr<identity::TrailAnchorer>> anchorers;
  for (auto& o : orgs)
    anchorers.push_back(std::make_unique<identity::TrailAnchorer>(*o.identities, identity::Identities::kAnchorInterval));
  run_until_signalled(**server, [&] {
    for (const auto& o : orgs)
      std::fprintf(stderr, "amanat: serving %s at http://%s:%u/api/v1/orgs/%s/ (log: /log/%s/)\n",
                   o.session->dir.path().c_str(), opts.address.c_str(), (*server)->port(), o.slug.c_str(),
                   o.slug.c_str());
    std::fprintf(stderr, "amanat: the API is described at http://%s:%u/api/v1/openapi.json\n", opts.address.c_str(),
                 (*server)->port());
    if (site)
      std::fprintf(stderr, "amanat: the web app is at http://%s:%u/%s/\n", opts.address.c_str(), (*server)->port(),
                   orgs[0].slug.c_str());
  });
  anchorers.clear();
  std::fprintf(stderr, "amanat: stopped; every accepted request was answered and the access trail anchored\n");
  return kExitOk;
}

// Moves the books' master key from DIR/books.key into `vault` (which is unsealed) and writes
// the vault file. Crash-safe in this order: TOTP secrets re-sealed under DIR/accounts.key in one
// transaction (Accounts reads either key meanwhile); the vault file written atomically; only then
// books.key removed. Run again, it finds the key already in the vault, checks that it is the
// same, and finishes.
Status move_books_key_into_vault(const store::DataDir& dir, crypto::Vault& vault) {
  auto master = crypto::Keyring::read_master(books_key_path(dir));
  if (!master) return err(master);
  struct Wipe {
    crypto::MasterKey& m;
    ~Wipe() { sodium_memzero(m.data(), m.size()); }
  } wipe{*master};
  if (vault.file().books_key) {
    crypto::MasterKey held;
    auto st = vault.books_key(held);
    bool same = st && sodium_memcmp(held.data(), master->data(), held.size()) == 0;
    sodium_memzero(held.data(), held.size());
    if (!st) return st;
    if (!same)
      return fail(Errc::conflict, "the vault holds another books key than " + books_key_path(dir).string() +
                                      "; keep both files and ask for help before removing either");
  } else if (auto f = vault.set_books_key(*master); !f) {
    return err(f);
  }
  AMANAT_TRY(stores, store::open_org(dir));
  AMANAT_TRY(account_keys, accounts_keys(dir));
  accounts::Accounts accounts(*stores.db, *stores.accounts, account_keys);
  accounts.also_open_with(crypto::Keyring::from_master(*master));
  auto moved = accounts.reseal_legacy_secrets();
  if (!moved) return err(moved);
  std::string json = vault.file().to_json();
  if (auto st = store::write_file_atomic(vault_path(dir), as_bytes(json), 0600); !st) return st;
  std::error_code ec;
  if (!std::filesystem::remove(books_key_path(dir), ec) || ec)
    return fail(Errc::unavailable, "cannot remove " + books_key_path(dir).string() + ": " + ec.message());
  if (auto st = store::fsync_dir(dir.path()); !st) return st;
  std::fprintf(stderr,
               "amanat: the books key is now in the vault and %s is gone; %d TOTP secret(s) re-sealed under %s. "
               "Payees, receipt files, donor references and imports need the vault unsealed from now on\n",
               books_key_path(dir).c_str(), *moved, accounts_key_path(dir).c_str());
  return {};
}

// The passphrase comes from AMANAT_VAULT_PASSPHRASE or the first line of stdin.
int do_vault_init(const std::string& data, const std::string& shares) {
  auto dir = store::DataDir::open(data);
  if (!dir) return report(dir.error());
  // The server must be stopped: this rewrites secrets it holds.
  auto lock = dir->lock_writer();
  if (!lock) return report(lock.error());
  auto path = vault_path(*dir);
  const bool key_on_disk = std::filesystem::exists(books_key_path(*dir));
  auto existing = read_vault_file(*dir);
  if (!existing) return report(existing.error());
  if (*existing && !key_on_disk)
    return report({Errc::conflict, path.string() + " exists; this organisation has a vault" +
                                       ((*existing)->books_key ? " and it holds the books key" : "")});
  std::optional<crypto::Threshold> threshold;
  if (!shares.empty()) {
    if (*existing) return report({Errc::invalid, "--shares: the vault exists already; it keeps its unlock methods"});
    auto slash = shares.find('/');
    auto k = parse_decimal(shares.substr(0, slash));
    auto n = slash == std::string::npos ? std::nullopt : parse_decimal(shares.substr(slash + 1));
    if (!k || !n || *k < 2 || *k > *n || *n > 255)
      return report({Errc::invalid, "--shares: K/N with 2 <= K <= N <= 255, e.g. 3/5"});
    threshold = crypto::Threshold{static_cast<int>(*k), static_cast<int>(*n)};
  }
  std::string pass;
  if (const char* env = std::getenv("AMANAT_VAULT_PASSPHRASE")) pass = env;
  else if (!threshold) std::getline(std::cin, pass);
  struct Wipe {
    std::string& s;
    ~Wipe() { sodium_memzero(s.data(), s.size()); }
  } wipe{pass};

  if (*existing) {
    // A vault made before it held the books key (or an interrupted init): move the key in.
    crypto::Vault vault(std::move(**existing));
    if (auto st = vault.unseal_with_passphrase(pass); !st)
      return report(st.error().context("unsealing the existing vault (give its passphrase)"));
    if (auto st = move_books_key_into_vault(*dir, vault); !st) return report(st.error());
    return kExitOk;
  }
  auto created = crypto::Vault::create(dir->path().filename().string(),
                                       pass.empty() ? std::nullopt : std::optional<std::string_view>(pass), threshold);
  if (!created) return report(created.error());
  crypto::Vault vault(created->file);
  auto unsealed = threshold ? vault.unseal_with_shares(std::span<const std::string>(created->share_texts))
                            : vault.unseal_with_passphrase(pass);
  if (!unsealed) return report(unsealed.error());
  if (key_on_disk) {
    if (auto st = move_books_key_into_vault(*dir, vault); !st) return report(st.error());
  } else {
    std::string json = vault.file().to_json();
    if (auto st = store::write_file_atomic(path, as_bytes(json), 0600); !st) return report(st.error());
  }
  std::fprintf(stderr, "amanat: created %s; the server starts sealed and is unsealed with %s\n", path.c_str(),
               threshold ? "k of the shares below" : "the passphrase");
  for (const auto& t : created->share_texts) std::printf("%s\n", t.c_str());
  if (threshold)
    std::fprintf(stderr, "amanat: give each director one share and keep none here: %d of them unseal the vault\n",
                 threshold->k);
  return kExitOk;
}

}  // namespace

sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

void run_until_signalled(http::Server& server, const std::function<void()>& started) {
  // SIGINT/SIGTERM stop the server gracefully: in-flight requests finish first.
  sigset_t set = block_stop_signals();
  std::thread waiter([&] {
    int sig;
    sigwait(&set, &sig);
    server.stop();
  });
  started();
  server.run();
  // run() also returns if the server stops by itself; wake the waiter so it can be joined.
  ::kill(::getpid(), SIGTERM);
  waiter.join();
}

void add_server_commands(Registry& r) {
  add_user_commands(r);
  {
    auto data = std::make_shared<std::string>();
    auto slug = std::make_shared<std::string>("demo");
    auto also = std::make_shared<std::vector<std::string>>();
    auto listen = std::make_shared<std::string>("127.0.0.1:8080");
    auto threads = std::make_shared<unsigned>(2);
    auto workers = std::make_shared<unsigned>(64);
    auto handler_timeout = std::make_shared<unsigned>(30);
    auto unseal = std::make_shared<std::string>();
    auto trust_proxy = std::make_shared<bool>(false);
    auto web = std::make_shared<std::string>();
    auto* sub = r.app.add_subcommand("serve", "Serve the JSON API and the logs of one or more organisations");
    sub->add_option("--data", *data, "The organisation's data directory")->required();
    sub->add_option("--org", *slug, "Its slug in URLs (a-z, 0-9, '-')")->capture_default_str();
    sub->add_option("--also", *also, "Another organisation, as SLUG=DIR (repeatable)");
    sub->add_option("--listen", *listen, "ADDRESS:PORT to listen on")->capture_default_str();
    sub->add_option("--threads", *threads, "Event-loop threads")->capture_default_str()->check(CLI::Range(1, 64));
    sub->add_option("--workers", *workers, "Handler threads (requests handled at once)")
        ->capture_default_str()
        ->check(CLI::Range(1, 1024));
    sub->add_option("--handler-timeout", *handler_timeout,
                    "Seconds a request may wait for a worker and its handler; past that it is answered 503 "
                    "(an unsafe request's outcome is then unknown: it may still complete)")
        ->capture_default_str()
        ->check(CLI::Range(1, 3600));
    sub->add_option("--unseal-passphrase-file", *unseal,
                    "Unseal the first organisation's vault at start (demos and tests only: a passphrase in a file "
                    "is a key on disk; in production a director unseals through the API)");
    sub->footer("Put a TLS-terminating reverse proxy in front (docs/operations.md has an nginx site).");
    sub->add_flag("--trust-proxy", *trust_proxy,
                  "Take the client's address from X-Real-IP (set it only behind the reverse proxy that sets it, "
                  "as deploy/nginx/amanat.conf does): the per-address login limits need it");
    sub->add_option("--web", *web,
                    "The built web app's folder (default: web/dist of the source tree, as scripts/build.sh builds it)");
    r.on(sub, [=] {
      return do_serve(*data, *slug, *also, *listen, *threads, *workers, *handler_timeout, *unseal, *trust_proxy, *web);
    });
  }
  {
    // The document the server serves at /api/v1/openapi.json, without a server: the web app's
    // build generates its API types from it (web/scripts/gen-api.mjs).
    auto* sub = r.app.add_subcommand("openapi", "Print the JSON API's OpenAPI 3.1 document (as served at /api/v1/openapi.json)");
    r.on(sub, [] {
      auto api = api::make_api();
      http::Request req;
      req.method = "GET";
      req.path = "openapi.json";
      http::Response res = api->handle(req);
      if (res.status != 200) return report({Errc::internal, "the OpenAPI document: " + res.body});
      std::fwrite(res.body.data(), 1, res.body.size(), stdout);
      return std::fflush(stdout) == 0 ? 0 : 1;
    });
  }
  {
    auto* vault = r.app.add_subcommand("vault", "The organisation's key vault (identities at rest)");
    vault->require_subcommand(1);
    auto data = std::make_shared<std::string>();
    auto shares = std::make_shared<std::string>();
    auto* sub = vault->add_subcommand(
        "init",
        "Create the vault: a passphrase (AMANAT_VAULT_PASSPHRASE or stdin) and/or K/N Shamir shares; moves the "
        "books key (DIR/books.key) into it. On an existing vault that does not hold the books key yet, give its "
        "passphrase to move the key in");
    sub->add_option("--data", *data, "Data directory")->required();
    sub->add_option("--shares", *shares, "K/N: split the unsealing key into N shares of which K unseal (printed once)");
    r.on(sub, [=] { return do_vault_init(*data, *shares); });
  }
}

}  // namespace amanat::cli
