// Opening a data directory's books for a CLI command: the log store, the log key, the
// sequencer, the books key, the books store and the service, wired together in the order their
// lifetimes need. (The HTTP server of issue 4 wires the same parts for its process.)
#pragma once

#include <memory>

#include "books/service.h"
#include "crypto/keyring.h"
#include "store/data_dir.h"
#include "store/sqlite/books_store.h"
#include "store/sqlite/log_store.h"
#include "tlog/log_key.h"
#include "tlog/sequencer.h"

namespace amanat::cli {

struct BooksSession {
  store::DataDir dir;
  store::WriterLock lock;
  std::unique_ptr<store::sqlite::SqliteLogStore> log;
  std::unique_ptr<tlog::LogKey> key;
  std::unique_ptr<tlog::Sequencer> seq;
  std::unique_ptr<crypto::Keyring> keys;
  std::unique_ptr<store::sqlite::SqliteBooksStore> store;
  std::unique_ptr<books::Books> books;

  ~BooksSession();  // stops the service before the sequencer, the sequencer before the stores
};

// For commands that book: takes the writer lock. `require_open`: fail with a hint when the
// books have no books.open record yet.
Result<std::unique_ptr<BooksSession>> open_books(const std::string& data, bool require_open = true);

// For commands that only read (report, export, reconcile): no lock, no sequencer.
struct BooksReader {
  store::DataDir dir;
  std::unique_ptr<store::sqlite::SqliteLogStore> log;
  std::unique_ptr<crypto::Keyring> keys;
  std::unique_ptr<store::sqlite::SqliteBooksStore> store;
};
Result<std::unique_ptr<BooksReader>> read_books(const std::string& data);

// DIR/books.key
std::filesystem::path books_key_path(const store::DataDir& dir);

}  // namespace amanat::cli
