// The write seam: a unit of work and the open transaction it runs in.
//
// Every write to an organisation's state happens inside one transaction, and everything a unit
// of work writes there commits together or not at all, across modules ("register a survivor,
// open a case, write the access trail"). Two kinds of unit:
//  - with a log entry: the sequencer commits a batch of entries and runs each entry's effect
//    (tlog/storage.h) inside the batch's transaction;
//  - without one: UnitOfWork::transact() runs a function inside a transaction of its own.
// Either way the domain code gets a Tx&, hands it to the stores it writes through, and the
// stores reach their own kind of transaction with Tx::as<T>() (a SQLite store's is
// store::sqlite::SqliteTx). The domain code names no database.
//
// State kept in memory beside the rows (a tally, a cache) follows the transaction with
// on_end(): the hook learns whether the transaction committed, rolled back, or ended with an
// outcome nobody can know (a commit that failed after it may have reached the disk), in which
// case the owner must re-read its state from the store before trusting it again.
//
// Thread-safety: a Tx belongs to the one thread that runs its unit of work.
#pragma once

#include <functional>
#include <utility>
#include <vector>

#include "core/error.h"

namespace amanat {

enum class TxOutcome { committed, rolled_back, unknown };

class Tx {
 public:
  using Hook = std::function<void(TxOutcome)>;
  virtual ~Tx() = default;

  // Called once when the transaction ends, latest registered first (so an undo log unwinds in
  // order). A hook must not fail and must not write to the store.
  void on_end(Hook hook) { hooks_.push_back(std::move(hook)); }

  // The storage's own transaction type, or nullptr when this Tx is another storage's: a store
  // written for one storage cannot be run inside another's transaction.
  template <class T>
  T* as() {
    return dynamic_cast<T*>(this);
  }

  // For the storage that runs the transaction: runs the hooks, once.
  void end(TxOutcome outcome) {
    auto hooks = std::exchange(hooks_, {});
    for (auto it = hooks.rbegin(); it != hooks.rend(); ++it) (*it)(outcome);
  }

 private:
  std::vector<Hook> hooks_;
};

// Runs units of work without a log entry against one organisation's storage.
class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;
  // Runs `fn` inside one transaction and commits it durably when fn succeeds; rolls back (and
  // returns fn's error) when it fails. A failure of the commit itself leaves the outcome
  // unknown (the hooks are told so): re-read before deciding anything on the state.
  // Transactions run one at a time, in the order they were started.
  virtual Status transact(const std::function<Status(Tx&)>& fn) = 0;
};

}  // namespace amanat
