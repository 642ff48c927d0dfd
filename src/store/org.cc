#include "store/org.h"

#include "store/sqlite/account_store.h"
#include "store/sqlite/bank_store.h"
#include "store/sqlite/books_reports.h"
#include "store/sqlite/books_store.h"
#include "store/sqlite/database.h"
#include "store/sqlite/desk_store.h"
#include "store/sqlite/identity_store.h"
#include "store/sqlite/log_store.h"
#include "store/sqlite/witness_store.h"

namespace amanat::store {

OrgStores& OrgStores::operator=(OrgStores&& o) {
  if (this == &o) return *this;
  close();
  origin = std::move(o.origin);
  db = std::move(o.db);
  log = std::move(o.log);
  bank = std::move(o.bank);
  books = std::move(o.books);
  reports = std::move(o.reports);
  accounts = std::move(o.accounts);
  identities = std::move(o.identities);
  desk = std::move(o.desk);
  witnessed = std::move(o.witnessed);
  return *this;
}

void OrgStores::close() {
  witnessed.reset();
  desk.reset();
  identities.reset();
  accounts.reset();
  reports.reset();
  books.reset();
  bank.reset();
  log.reset();
  db.reset();
}

Result<OrgStores> open_org(const DataDir& dir, const OpenOrg& how) {
  using namespace store::sqlite;
  OrgStores s;
  AMANAT_TRY(db, Database::open(dir.db_path(), how.create));
  std::string origin = how.origin;
  if (!how.create) {
    AMANAT_TRY(only, SqliteLogStore::only_origin(*db));
    origin = std::move(only);
  }
  AMANAT_TRY(log, SqliteLogStore::open(*db, origin, how.create));
  const std::int64_t org = log->log_id();
  AMANAT_TRY(bank, SqliteBankStore::open(*db, org));
  AMANAT_TRY(books, SqliteBooksStore::open(*db, org, bank.get()));
  AMANAT_TRY(reports, SqliteReportStore::open(*db, org));
  AMANAT_TRY(accounts, SqliteAccountStore::open(*db, org));
  AMANAT_TRY(identities, SqliteIdentityStore::open(*db, org));
  AMANAT_TRY(desk, SqliteDeskStore::open(*db, org));
  s.origin = std::move(origin);
  s.witnessed = std::make_unique<SqliteWitnessStore>(*db, org);
  s.desk = std::move(desk);
  s.identities = std::move(identities);
  s.accounts = std::move(accounts);
  s.reports = std::move(reports);
  s.books = std::move(books);
  s.bank = std::move(bank);
  s.log = std::move(log);
  s.db = std::move(db);
  return s;
}

Result<LogOnly> open_log(const DataDir& dir) {
  AMANAT_TRY(log, sqlite::SqliteLogStore::open_default(dir.db_path()));
  std::string origin = log->origin();
  return LogOnly{std::move(origin), std::move(log)};
}

}  // namespace amanat::store
