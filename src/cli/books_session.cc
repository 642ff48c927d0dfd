#include "cli/books_session.h"

#include <sodium.h>

#include <cstdlib>

#include "core/reasons.h"
#include "identity/identities.h"
#include "store/static_dir.h"

namespace amanat::cli {

std::filesystem::path books_key_path(const store::DataDir& dir) { return dir.path() / "books.key"; }
std::filesystem::path accounts_key_path(const store::DataDir& dir) { return dir.path() / "accounts.key"; }
std::filesystem::path vault_path(const store::DataDir& dir) { return dir.path() / "vault.json"; }

Result<std::optional<crypto::VaultFile>> read_vault_file(const store::DataDir& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(vault_path(dir), ec)) return std::optional<crypto::VaultFile>();
  auto text = store::read_file(vault_path(dir));
  if (!text) return err(text);
  auto file = crypto::VaultFile::parse(*text);
  if (!file) return std::unexpected(file.error().context(vault_path(dir).string()));
  return std::optional<crypto::VaultFile>(std::move(*file));
}

Result<crypto::Keyring> books_keys(const store::DataDir& dir, bool create, bool unseal_from_env, bool* in_vault) {
  if (in_vault) *in_vault = false;
  auto keys = crypto::Keyring::load(books_key_path(dir));
  if (keys || keys.error().code != Errc::not_found) return keys;
  auto vault_file = read_vault_file(dir);
  if (!vault_file) return err(vault_file);
  if (*vault_file && (*vault_file)->books_key) {
    if (in_vault) *in_vault = true;
    auto sealed = crypto::Keyring::sealed();
    const char* pass = unseal_from_env ? std::getenv("AMANAT_VAULT_PASSPHRASE") : nullptr;
    if (!pass) return sealed;
    crypto::Vault vault(std::move(**vault_file));
    if (auto st = vault.unseal_with_passphrase(pass); !st)
      return std::unexpected(st.error().context("AMANAT_VAULT_PASSPHRASE"));
    if (auto st = vault.install_books_key(sealed); !st) return err(st);
    return sealed;
  }
  if (create) return crypto::Keyring::create(books_key_path(dir));
  return std::unexpected(Error{Errc::not_found, keys.error().message +
                                                    "; a data directory made before the books existed needs "
                                                    "`amanat books init`"});
}

Result<crypto::Keyring> accounts_keys(const store::DataDir& dir) {
  return crypto::Keyring::load_or_create(accounts_key_path(dir), "accounts");
}

BooksSession::~BooksSession() {
  books.reset();
  seq.reset();  // commits whatever was submitted, then stops
  // then the stores, as members, in their own order
}

Result<std::unique_ptr<BooksSession>> open_books(const std::string& data, bool require_open, bool unseal_from_env) {
  AMANAT_TRY(dir, store::DataDir::open(data));
  std::unique_ptr<BooksSession> s(new BooksSession{dir, {}, {}, {}, {}, {}, false, {}});
  AMANAT_TRY(lock, dir.lock_writer());
  s->lock = std::move(lock);
  AMANAT_TRY(stores, store::open_org(dir));
  s->stores = std::move(stores);
  AMANAT_TRY(skey, dir.read_key());
  AMANAT_TRY(key, tlog::LogKey::parse(skey));
  s->key = std::make_unique<tlog::LogKey>(std::move(key));
  AMANAT_TRY(keys, books_keys(dir, !require_open, unseal_from_env, &s->keys_in_vault));
  s->keys = std::make_unique<crypto::Keyring>(std::move(keys));
  AMANAT_TRY(seq, tlog::Sequencer::open(*s->stores.log, *s->key));
  s->seq = std::move(seq);
  AMANAT_TRY(books, books::Books::open(*s->stores.books, *s->stores.reports, *s->seq, *s->stores.log, *s->keys));
  s->books = std::move(books);
  if (require_open && !s->books->is_open())
    return fail(reasons::books_not_open, data + " has no books yet; run `amanat books init --data " + data +
                                             " --currency CODE --name NAME`");
  return s;
}

Result<std::unique_ptr<BooksReader>> read_books(const std::string& data) {
  AMANAT_TRY(dir, store::DataDir::open(data));
  std::unique_ptr<BooksReader> r(new BooksReader{dir, {}, {}});
  AMANAT_TRY(stores, store::open_org(dir));
  r->stores = std::move(stores);
  AMANAT_TRY(keys, books_keys(dir, false, true));
  r->keys = std::make_unique<crypto::Keyring>(std::move(keys));
  return r;
}

Status record_console(const store::DataDir& dir, store::OrgStores& stores, const std::string& action,
                      const std::string& target) {
  AMANAT_TRY(ids, identity::Identities::open(*stores.db, *stores.identities, vault_path(dir).string()));
  return stores.db->transact([&](Tx& tx) { return ids->record(tx, "console", action, target, "ok"); });
}

Status record_console(const std::string& data, const std::string& action, const std::string& target) {
  AMANAT_TRY(dir, store::DataDir::open(data));
  AMANAT_TRY(stores, store::open_org(dir));
  return record_console(dir, stores, action, target);
}

}  // namespace amanat::cli
