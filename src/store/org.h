// Opening an organisation's stores: the one place that knows which storage a data directory
// uses and names its classes. Everything else (the CLI, the server, the backup, the benchmarks)
// gets the stores through here, as the narrow interfaces the domain modules define.
//
// Today every organisation keeps its state in SQLite, DIR/amanat.db (store/sqlite/); PostgreSQL
// would be chosen here, by the data directory's configuration, without a change anywhere else.
//
// What is opened (and closed in the reverse order):
//   db          units of work without a log entry (core/tx.h)
//   log         the organisation's transparency log (tlog/storage.h)
//   bank        bank statement lines, import matching, reconciliation (books/store.h)
//   books       what the books' service decides against and writes through
//   reports     the books' reports and journal
//   accounts    staff accounts and sessions (accounts/store.h)
//   identities  subjects, intake, access trail (identity/store.h)
//   desk        consultations, cases, complaints, the desk's counts (desk/store.h)
//   witnessed   as a witness, the partner logs' latest cosigned checkpoints (tlog/witness.h)
// Opening migrates the database's schema. Opening takes no lock: a process that writes takes
// the data directory's writer lock first (DataDir::lock_writer).
#pragma once

#include <memory>
#include <string>

#include "accounts/store.h"
#include "books/store.h"
#include "core/tx.h"
#include "desk/store.h"
#include "identity/store.h"
#include "store/data_dir.h"
#include "tlog/storage.h"
#include "tlog/witness.h"

namespace amanat::store {

struct OrgStores {
  std::string origin;  // the log's origin, e.g. "example.org/amanat"
  std::unique_ptr<UnitOfWork> db;
  std::unique_ptr<tlog::LogStorage> log;
  std::unique_ptr<books::BankStore> bank;
  std::unique_ptr<books::BooksStore> books;
  std::unique_ptr<books::ReportStore> reports;
  std::unique_ptr<accounts::AccountStore> accounts;
  std::unique_ptr<identity::IdentityStore> identities;
  std::unique_ptr<desk::DeskStore> desk;
  std::unique_ptr<tlog::WitnessStore> witnessed;

  OrgStores() = default;
  OrgStores(OrgStores&&) = default;
  OrgStores& operator=(OrgStores&& o);  // closes these first, in order
  ~OrgStores() { close(); }
  // Closes every store in the reverse order of the list above (each refers to those before it).
  void close();
};

struct OpenOrg {
  // Create the database and the log with this origin (`amanat init`); otherwise open the
  // directory's only log.
  bool create = false;
  std::string origin;
};

// Errc::not_found with a hint when DIR holds no log (run `amanat init`).
Result<OrgStores> open_org(const DataDir& dir, const OpenOrg& how = {});

// The log alone, owning what it needs (for the log commands: append, prove, export, serve).
struct LogOnly {
  std::string origin;
  std::unique_ptr<tlog::LogStorage> log;
};
Result<LogOnly> open_log(const DataDir& dir);

}  // namespace amanat::store
