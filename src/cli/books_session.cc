#include "cli/books_session.h"

#include <sodium.h>

#include <cstdlib>

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
  store.reset();
  log.reset();
}

Result<std::unique_ptr<BooksSession>> open_books(const std::string& data, bool require_open, bool unseal_from_env) {
  auto dir = store::DataDir::open(data);
  if (!dir) return err(dir);
  auto s = std::unique_ptr<BooksSession>(new BooksSession{*dir, {}, {}, {}, {}, {}, false, {}, {}});
  auto lock = dir->lock_writer();
  if (!lock) return err(lock);
  s->lock = std::move(*lock);
  auto log = store::sqlite::SqliteLogStore::open_default(dir->db_path());
  if (!log) return err(log);
  s->log = std::move(*log);
  auto skey = dir->read_key();
  if (!skey) return err(skey);
  auto key = tlog::LogKey::parse(*skey);
  if (!key) return err(key);
  s->key = std::make_unique<tlog::LogKey>(std::move(*key));
  auto keys = books_keys(*dir, !require_open, unseal_from_env, &s->keys_in_vault);
  if (!keys) return err(keys);
  s->keys = std::make_unique<crypto::Keyring>(std::move(*keys));
  auto seq = tlog::Sequencer::open(*s->log, *s->key);
  if (!seq) return err(seq);
  s->seq = std::move(*seq);
  auto store = store::sqlite::SqliteBooksStore::open(*s->log, *s->keys);
  if (!store) return err(store);
  s->store = std::move(*store);
  auto books = books::Books::open(*s->store, *s->seq, *s->log, *s->keys);
  if (!books) return err(books);
  s->books = std::move(*books);
  if (require_open && !s->books->is_open())
    return fail(Errc::invalid, data + " has no books yet; run `amanat books init --data " + data +
                                   " --currency CODE --name NAME`");
  return s;
}

Result<std::unique_ptr<BooksReader>> read_books(const std::string& data) {
  auto dir = store::DataDir::open(data);
  if (!dir) return err(dir);
  auto r = std::unique_ptr<BooksReader>(new BooksReader{*dir, {}, {}, {}});
  auto log = store::sqlite::SqliteLogStore::open_default(dir->db_path());
  if (!log) return err(log);
  r->log = std::move(*log);
  auto keys = books_keys(*dir, false, true);
  if (!keys) return err(keys);
  r->keys = std::make_unique<crypto::Keyring>(std::move(*keys));
  auto store = store::sqlite::SqliteBooksStore::open(*r->log, *r->keys);
  if (!store) return err(store);
  r->store = std::move(*store);
  return r;
}

}  // namespace amanat::cli
