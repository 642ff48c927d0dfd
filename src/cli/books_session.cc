#include "cli/books_session.h"

namespace amanat::cli {

std::filesystem::path books_key_path(const store::DataDir& dir) { return dir.path() / "books.key"; }

BooksSession::~BooksSession() {
  books.reset();
  seq.reset();  // commits whatever was submitted, then stops
  store.reset();
  log.reset();
}

Result<std::unique_ptr<BooksSession>> open_books(const std::string& data, bool require_open) {
  auto dir = store::DataDir::open(data);
  if (!dir) return std::unexpected(dir.error());
  auto s = std::unique_ptr<BooksSession>(new BooksSession{*dir, {}, {}, {}, {}, {}, {}, {}});
  auto lock = dir->lock_writer();
  if (!lock) return std::unexpected(lock.error());
  s->lock = std::move(*lock);
  auto log = store::sqlite::SqliteLogStore::open_default(dir->db_path());
  if (!log) return std::unexpected(log.error());
  s->log = std::move(*log);
  auto skey = dir->read_key();
  if (!skey) return std::unexpected(skey.error());
  auto key = tlog::LogKey::parse(*skey);
  if (!key) return std::unexpected(key.error());
  s->key = std::make_unique<tlog::LogKey>(std::move(*key));
  auto keys = crypto::Keyring::load(books_key_path(*dir));
  if (!keys && keys.error().code == Errc::not_found && !require_open)
    keys = crypto::Keyring::create(books_key_path(*dir));
  if (!keys)
    return std::unexpected(keys.error().code == Errc::not_found
                               ? Error{Errc::not_found, keys.error().message +
                                                            "; a data directory made before the books existed needs "
                                                            "`amanat books init`"}
                               : keys.error());
  s->keys = std::make_unique<crypto::Keyring>(std::move(*keys));
  auto seq = tlog::Sequencer::open(*s->log, *s->key);
  if (!seq) return std::unexpected(seq.error());
  s->seq = std::move(*seq);
  auto store = store::sqlite::SqliteBooksStore::open(*s->log, *s->keys);
  if (!store) return std::unexpected(store.error());
  s->store = std::move(*store);
  auto books = books::Books::open(*s->store, *s->seq, *s->log, *s->keys);
  if (!books) return std::unexpected(books.error());
  s->books = std::move(*books);
  if (require_open && !s->books->is_open())
    return fail(Errc::invalid, data + " has no books yet; run `amanat books init --data " + data +
                                   " --currency CODE --name NAME`");
  return s;
}

Result<std::unique_ptr<BooksReader>> read_books(const std::string& data) {
  auto dir = store::DataDir::open(data);
  if (!dir) return std::unexpected(dir.error());
  auto r = std::unique_ptr<BooksReader>(new BooksReader{*dir, {}, {}, {}});
  auto log = store::sqlite::SqliteLogStore::open_default(dir->db_path());
  if (!log) return std::unexpected(log.error());
  r->log = std::move(*log);
  auto keys = crypto::Keyring::load(books_key_path(*dir));
  if (!keys) return std::unexpected(keys.error());
  r->keys = std::make_unique<crypto::Keyring>(std::move(*keys));
  auto store = store::sqlite::SqliteBooksStore::open(*r->log, *r->keys);
  if (!store) return std::unexpected(store.error());
  r->store = std::move(*store);
  return r;
}

}  // namespace amanat::cli
