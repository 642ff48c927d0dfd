// Test and benchmark support: a complete books stack (SQLite log store, sequencer, books store,
// service) in a fresh temporary data directory, with a fixed clock and a fixed books key.
// Not used by the amanat binary.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "books/service.h"
#include "crypto/keyring.h"
#include "store/data_dir.h"
#include "store/sqlite/books_store.h"
#include "store/sqlite/log_store.h"
#include "tlog/log_key.h"
#include "tlog/note.h"
#include "tlog/sequencer.h"

namespace amanat::books::testing {

class BooksFixture {
 public:
  // Opens books in `currency` unless currency is empty.
  explicit BooksFixture(std::string currency = "KZT", std::filesystem::path base = std::filesystem::temp_directory_path()) {
    static std::atomic<int> counter{0};
    dir_ = base / ("amanat-books-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    auto d = store::DataDir::create(dir_);
    auto k = tlog::generate_key("books.test/log");
    (void)d->write_key(k->skey);
    vkey_ = k->vkey;
    key_ = std::make_unique<tlog::LogKey>(*tlog::LogKey::parse(k->skey));
    log_ = std::move(*store::sqlite::SqliteLogStore::open(d->db_path(), "books.test/log", true));
    keys_ = std::make_unique<crypto::Keyring>(crypto::Keyring::from_master(master()));
    open_service();
    if (!currency.empty()) (void)books_->open_books("Test Foundation", *amanat::currency(currency));
  }
  ~BooksFixture() {
    close_service();
    log_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Closes and reopens everything above the log store (as a restart would).
  void reopen() {
    close_service();
    open_service();
  }

  Books& books() { return *books_; }
  store::sqlite::SqliteBooksStore& store() { return *store_; }
  store::sqlite::SqliteLogStore& log() { return *log_; }
  tlog::Sequencer& seq() { return *seq_; }
  const crypto::Keyring& keys() const { return *keys_; }
  // The fixed master key of keys().
  static crypto::MasterKey master() {
    crypto::MasterKey m{};
    m[0] = 7;
    return m;
  }
  const std::string& vkey() const { return vkey_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  void open_service() {
    seq_ = std::move(*tlog::Sequencer::open(*log_, *key_));
    store_ = std::move(*store::sqlite::SqliteBooksStore::open(*log_, *keys_));
    books_ = std::move(*Books::open(*store_, *seq_, *log_, *keys_, [] { return std::string("2026-01-02T03:04:05Z"); }));
  }
  void close_service() {
    books_.reset();
    seq_.reset();
    store_.reset();
  }
  std::filesystem::path dir_;
  std::string vkey_;
  std::unique_ptr<tlog::LogKey> key_;
  std::unique_ptr<store::sqlite::SqliteLogStore> log_;
  std::unique_ptr<crypto::Keyring> keys_;
  std::unique_ptr<tlog::Sequencer> seq_;
  std::unique_ptr<store::sqlite::SqliteBooksStore> store_;
  std::unique_ptr<Books> books_;
};

inline Money kzt(std::int64_t minor) { return Money{minor, *currency("KZT")}; }

}  // namespace amanat::books::testing
