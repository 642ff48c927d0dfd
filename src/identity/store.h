// What identities at rest need from a database: the narrow interface between
// identity::Identities and its storage (store/sqlite/identity_store.h is the embedded default).
// One store serves one organisation: every row it reads or writes carries that organisation.
//
// The store holds only what a seized server may show: pseudonymous codes, wrapped keys,
// sealed fields and sealed intake messages, user ids and actions. Sealing and opening happen in
// the service with the vault's keys.
//
// Writes take the open transaction of the unit of work they belong to (core/tx.h): a subject,
// its fields, its access and its line in the access trail commit together. Reads see committed
// state, except trail_head(), which reads inside the unit of work that appends after it.
// Thread-safety: implementations are safe to call from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "core/tx.h"
#include "identity/trail_anchor.h"

namespace amanat::identity {

struct SubjectRow {
  std::int64_t id = 0;
  std::string code;
  std::string kind;                 // survivor | donor
  std::int64_t created_by = 0;      // a user id
  std::optional<Bytes> data_key;    // wrapped; nullopt once erased
};

// One intake message as stored: sealed to the vault's intake key.
struct IntakeRow {
  std::int64_t id = 0, received = 0;
  std::optional<std::int64_t> archived;  // when the hotline archived it; nullopt while it waits
  Bytes sealed;
};

struct TrailEntry {
  std::int64_t seq = 0, time = 0;
  std::string actor, action, target, outcome, hash;
};

class IdentityStore {
 public:
  virtual ~IdentityStore() = default;

  // The new subject's id, or nullopt when the code is taken.
  virtual Result<std::optional<std::int64_t>> insert_subject(Tx& tx, const std::string& code, const std::string& kind,
                                                             std::int64_t created_by, std::int64_t created,
                                                             const Bytes& wrapped_key) = 0;
  virtual Status put_field(Tx& tx, std::int64_t subject, const std::string& field, const Bytes& sealed) = 0;
  // Lets `user` read the subject; nothing when the user does not exist or already may.
  virtual Status grant(Tx& tx, std::int64_t subject, std::int64_t user) = 0;
  virtual Result<std::optional<SubjectRow>> subject(const std::string& code) = 0;
  virtual Result<bool> may_read(std::int64_t subject, std::int64_t user) = 0;
  // The subject's sealed fields, by field name.
  virtual Result<std::vector<std::pair<std::string, Bytes>>> fields(std::int64_t subject) = 0;
  // Destroys the subject's wrapped key and sealed fields (crypto-shredding).
  virtual Status erase(Tx& tx, std::int64_t subject, std::int64_t when) = 0;
  // After an erasure has committed: leaves nothing of the erased rows in any file the store
  // keeps (SQLite: deleted content is zeroed as it is deleted, and this empties the WAL, whose
  // frames still held the old pages). Errc::unavailable when a reader keeps it from finishing
  // now; the erasure itself stands.
  virtual Status purge() = 0;

  virtual Result<std::int64_t> add_intake(Tx& tx, std::int64_t received, const Bytes& sealed) = 0;
  // The archived messages, or those not archived, with id > after, in id order, at most `limit`.
  virtual Result<std::vector<IntakeRow>> intake(std::int64_t after, std::size_t limit, bool archived) = 0;
  // Archives the message at `when` by user `by`; one already archived keeps its first time.
  // False when the organisation has no such message.
  virtual Result<bool> archive_intake(Tx& tx, std::int64_t id, std::int64_t when, std::int64_t by) = 0;

  // The last row of the access trail (seq 0 and "" when there is none), read inside `tx`.
  virtual Result<std::pair<std::int64_t, std::string>> trail_head(Tx& tx) = 0;
  virtual Status append_trail(Tx& tx, const TrailEntry& e) = 0;
  // Rows with seq > after, in order, at most `limit` (0: all).
  virtual Result<std::vector<TrailEntry>> trail(std::int64_t after, std::size_t limit) = 0;
  // At most `limit` rows with seq < before (every row when before is 0), newest first.
  virtual Result<std::vector<TrailEntry>> trail_before(std::int64_t before, std::size_t limit) = 0;

  // The trail's anchors (identity/trail_anchor.h) as indexed beside the log: add_anchor runs in
  // the transaction that appends the anchor's leaf (its effect), so the index and the log agree
  // unless someone wrote the database behind amanat's back. The log is the authority; the index
  // only spares reading the whole log to find them.
  virtual Status add_anchor(Tx& tx, const AnchorAt& a) = 0;
  // Every indexed anchor, in leaf order.
  virtual Result<std::vector<AnchorAt>> anchors() = 0;
};

}  // namespace amanat::identity
