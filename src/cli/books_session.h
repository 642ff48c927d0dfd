// Opening a data directory's books for a CLI command: the organisation's stores (store/org.h),
// the log key, the sequencer, the books key and the service, wired together in the order their
// lifetimes need. (The server wires the same parts for its process, in serve_cmd.cc.)
//
// The books key comes from DIR/books.key, or, once `amanat vault init` has moved it into the
// vault (DIR/vault.json), it starts sealed: CLI commands unseal it with the vault passphrase in
// AMANAT_VAULT_PASSPHRASE when it is set, and otherwise run sealed, so that what needs no key
// (reports, exports without payees, approvals) still works and what needs it fails with
// Errc::sealed. The server unseals it through the vault (identity/identities.h).
#pragma once

#include <memory>

#include "books/service.h"
#include "crypto/keyring.h"
#include "crypto/vault.h"
#include "store/data_dir.h"
#include "store/org.h"
#include "tlog/log_key.h"
#include "tlog/sequencer.h"

namespace amanat::cli {

struct BooksSession {
  store::DataDir dir;
  store::WriterLock lock;
  store::OrgStores stores;
  std::unique_ptr<tlog::LogKey> key;
  std::unique_ptr<tlog::Sequencer> seq;
  std::unique_ptr<crypto::Keyring> keys;
  bool keys_in_vault = false;  // the vault holds the books key (no DIR/books.key)
  std::unique_ptr<books::Books> books;

  ~BooksSession();  // stops the service before the sequencer, the sequencer before the stores
};

// For commands that book: takes the writer lock. `require_open`: fail with a hint when the
// books have no books.open record yet. `unseal_from_env`: unseal a books key held in the vault
// with AMANAT_VAULT_PASSPHRASE when that is set (the server unseals through the API instead).
Result<std::unique_ptr<BooksSession>> open_books(const std::string& data, bool require_open = true,
                                                 bool unseal_from_env = true);

// For commands that only read (report, export, reconcile): no lock, no sequencer.
struct BooksReader {
  store::DataDir dir;
  store::OrgStores stores;
  std::unique_ptr<crypto::Keyring> keys;
};
Result<std::unique_ptr<BooksReader>> read_books(const std::string& data);

// Records in the access trail, as the actor "console", what a console command is about to hand
// out of the server's care: an export of the books, a backup, a file's secret salt. Before it
// does so, and in its own transaction: the command is refused if it cannot be recorded.
Status record_console(const store::DataDir& dir, store::OrgStores& stores, const std::string& action,
                      const std::string& target);
Status record_console(const std::string& data, const std::string& action, const std::string& target);

// The books keyring of `dir`: loaded from DIR/books.key; sealed if the vault holds it (unsealed
// with AMANAT_VAULT_PASSPHRASE if `unseal_from_env` and it is set); created if neither exists
// and `create`. `in_vault` tells which.
Result<crypto::Keyring> books_keys(const store::DataDir& dir, bool create, bool unseal_from_env,
                                   bool* in_vault = nullptr);
// The accounts' keyring, DIR/accounts.key, made on first use.
Result<crypto::Keyring> accounts_keys(const store::DataDir& dir);

// DIR/books.key, DIR/accounts.key, DIR/vault.json
std::filesystem::path books_key_path(const store::DataDir& dir);
std::filesystem::path accounts_key_path(const store::DataDir& dir);
std::filesystem::path vault_path(const store::DataDir& dir);
// DIR/vault.json parsed, or std::nullopt if there is none.
Result<std::optional<crypto::VaultFile>> read_vault_file(const store::DataDir& dir);

}  // namespace amanat::cli
