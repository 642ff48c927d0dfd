// Test and benchmark support: a complete books stack (the organisation's stores from
// store::open_org, the sequencer, the service) in a fresh temporary data directory, with a
// fixed clock and a fixed books key. The sequencer writes through store::FaultyStorage around
// the log store, so that tests can inject storage faults (faults()). Not used by the amanat
// binary.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "books/service.h"
#include "crypto/keyring.h"
#include "store/data_dir.h"
#include "store/faulty_storage.h"
#include "store/org.h"
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
    (void)store::open_org(*d, {.create = true, .origin = "books.test/log"});
    keys_ = std::make_unique<crypto::Keyring>(crypto::Keyring::from_master(master()));
    open_service();
    if (!currency.empty()) (void)books_->open_books("Test Foundation", *amanat::currency(currency));
  }
  ~BooksFixture() {
    close_service();
    std::filesystem::remove_all(dir_);
  }
  // Closes and reopens the stores and everything above them (as a restart would).
  void reopen() {
    close_service();
    open_service();
  }

  Books& books() { return *books_; }
  BooksStore& store() { return *stores_.books; }
  ReportStore& reports() { return *stores_.reports; }
  BankStore& bank() { return *stores_.bank; }
  tlog::LogStorage& log() { return *stores_.log; }
  store::OrgStores& stores() { return stores_; }
  // What the sequencer commits through: faults injected here reach the service.
  store::FaultyStorage& faults() { return *faulty_; }
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
    stores_ = std::move(*store::open_org(*store::DataDir::open(dir_)));
    faulty_ = std::make_unique<store::FaultyStorage>(*stores_.log);
    seq_ = std::move(*tlog::Sequencer::open(*faulty_, *key_));
    books_ = std::move(*Books::open(*stores_.books, *stores_.reports, *seq_, *stores_.log, *keys_,
                                    [] { return std::string("2026-01-02T03:04:05Z"); }));
  }
  void close_service() {
    books_.reset();
    seq_.reset();
    faulty_.reset();
    stores_ = store::OrgStores();
  }
  std::filesystem::path dir_;
  std::string vkey_;
  std::unique_ptr<tlog::LogKey> key_;
  std::unique_ptr<crypto::Keyring> keys_;
  store::OrgStores stores_;
  std::unique_ptr<store::FaultyStorage> faulty_;
  std::unique_ptr<tlog::Sequencer> seq_;
  std::unique_ptr<Books> books_;
};

inline Money kzt(std::int64_t minor) { return Money{minor, *currency("KZT")}; }

}  // namespace amanat::books::testing
