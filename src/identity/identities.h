// Identities at rest: the subject record (a survivor, or a donor who agreed to be known) that
// the case desk builds on, the write-only intake, and the access trail. What a seized server
// yields: pseudonymous codes, ciphertext, and wrapped keys that only the unsealed vault opens.
// The domain service: its rows live behind identity::IdentityStore (identity/store.h), written
// in units of work (core/tx.h); the vault's state lives in memory.
//
//  - The vault (crypto/vault.h, DIR/vault.json) holds the organisation's key-encryption key,
//    never on disk in the clear. The server starts sealed; a director unseals it with the
//    passphrase, or k directors each give their Shamir share. While sealed, everything that
//    needs no identity works; identity reads and writes answer Errc::sealed (reasons::sealed,
//    the one sealed-vault condition amanat has, HTTP 423).
//  - A subject gets a random pseudonymous code (S-XXXXXXXX) and its own data key (DEK), wrapped
//    by the KEK. Each personal field is sealed under the DEK with additional data binding the
//    table, field, subject and key version (crypto::seal_field), so a ciphertext copied to
//    another row or field does not open.
//  - Erasure destroys the wrapped DEK and the sealed fields (crypto-shredding) and, before it
//    answers, purges them from every file the store keeps (IdentityStore::purge: the WAL too).
//    A backup taken before still holds them (docs/security.md: how to expire backups); the
//    log never held identities.
//  - Case-scoped access: directors read every subject; other staff only those they created or
//    were assigned. For anyone else a subject does not exist (Errc::not_found, not forbidden,
//    so guessing codes learns nothing).
//  - Intake: the public form's message is sealed to the vault's public key (libsodium sealed
//    box) and stored; the server cannot read it until unsealed. Each sender's address may send
//    kIntakeBurst messages at once, then one per kIntakeInterval (in memory, per process; an
//    IPv6 address counts by its /64): past that, reasons::intake_limited (HTTP 429 with
//    Retry-After) and nothing is stored. The hotline reads the messages a page at a time,
//    oldest first, and archives those it has handled; the default list is those not archived.
//  - The access trail: one row per identity read, export, login, failed login and denied
//    access, each hashed over the previous row's hash (SHA-256, "amanat-trail-v1"), so that no
//    row can be edited or removed from the middle without breaking verify_trail(). Rows hold
//    user ids, actions and pseudonymous codes, never names or field values.
//  - Anchors (identity/trail_anchor.h): the chain alone cannot show its last rows deleted, or
//    rows rewritten with every later hash recomputed. anchor_trail() puts a keyed commitment to
//    the trail's last row on the organisation's public log; the server does so every
//    kAnchorInterval when the trail moved, and when it stops (TrailAnchorer). verify_trail()
//    then also checks the trail against every anchor: fewer rows than one covers, or a row that
//    no longer gives its head, is reported. Rows written after the last anchor are not covered.
//  - Units of work: create() and record() come in a form that takes the caller's open
//    transaction, so that a subject, what the caller writes with it (a case) and its line in
//    the trail commit together or not at all; the other forms open their own.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "accounts/store.h"
#include "core/error.h"
#include "core/rate_limit.h"
#include "core/tx.h"
#include "crypto/keyring.h"
#include "crypto/vault.h"
#include "identity/store.h"
#include "identity/trail_anchor.h"
#include "tlog/storage.h"

namespace amanat::identity {

using accounts::User;

// The personal fields a subject may carry. All optional; each at most kMaxFieldBytes.
inline constexpr const char* kSubjectFields[] = {"name", "phone", "contact", "address", "notes"};
inline constexpr std::size_t kMaxFieldBytes = 4000;

// An intake message, opened.
struct IntakeMessage {
  std::int64_t id = 0, received = 0;     // received: unix seconds
  std::optional<std::int64_t> archived;  // when it was archived; nullopt while it waits
  std::string message;
};

// One page of the intake; `next_after`, when more follow, is the `after` of the next page.
struct IntakePage {
  std::vector<IntakeMessage> messages;
  std::optional<std::int64_t> next_after;
};

struct Subject {
  std::string code;
  std::string kind;  // survivor | donor
  std::int64_t created_by = 0;
  bool erased = false;
  std::vector<std::pair<std::string, std::string>> fields;  // opened; empty unless asked for
};

// What verify_trail() found: the trail intact, and the anchor it was last pinned by.
struct TrailCheck {
  std::int64_t rows = 0;          // rows, every one chained to the one before it
  std::optional<AnchorAt> anchor;  // the latest anchor checked (the trail matched it); none yet
};

class Identities {
 public:
  using Clock = std::function<std::int64_t()>;
  // The public form's limit per address. Someone asking for help writes one message, perhaps a
  // few in a row (a correction, a phone number forgotten): 5 at once is plenty. An address is
  // often shared (a shelter's Wi-Fi, a mobile carrier's NAT), so the sustained rate, 3 a minute,
  // is far above what one person writes; a script gets 5 and then 180 an hour instead of
  // hundreds a second. 10,000 addresses in memory at most (under a megabyte).
  static constexpr int kIntakeBurst = 5;
  static constexpr std::int64_t kIntakeInterval = 20;  // seconds per message once the burst is spent
  static constexpr std::size_t kIntakeAddresses = 10'000;
  // The hotline's page: 50 messages unless asked for fewer or more, never more than 200.
  static constexpr std::size_t kIntakePage = 50, kIntakeMaxPage = 200;
  // How often the server anchors the trail when it moved (TrailAnchorer). Rows written since
  // the last anchor can be deleted unnoticed, so this is the window an intruder with the
  // database has; each anchor is one leaf on the public log, at most 288 a day. Not on every N
  // rows: every refused request writes a row, and a flood of them must not flood the log.
  static constexpr std::chrono::seconds kAnchorInterval{300};

  // `vault_file`: DIR/vault.json; when it does not exist the organisation has no vault yet and
  // every identity operation fails with a hint to run `amanat vault init`. `db` and `store`
  // must outlive the service.
  static Result<std::unique_ptr<Identities>> open(UnitOfWork& db, IdentityStore& store, const std::string& vault_file,
                                                  Clock clock = {});

  bool has_vault() const { return vault_ != nullptr; }
  // How the vault unseals, for the directors' screen: by passphrase, by k of n shares, and how
  // many distinct shares this process holds towards the next unseal (none when no vault).
  struct Unlocks {
    bool passphrase = false;
    int k = 0, n = 0;  // 0: no shares
    int shares_given = 0;
  };
  Unlocks unlocks();
  // The books' keyring whose master key the vault holds (VaultFile::books_key): unsealing
  // installs the key into it, sealing forgets it. Not called when DIR/books.key still holds
  // the key (then the vault does not manage it).
  void manage_books_keys(crypto::Keyring keys);
  bool sealed() const;
  Status unseal_with_passphrase(const std::string& passphrase);
  // Adds one director's share; unseals once k distinct shares are in. Returns how many more
  // are needed (0: unsealed). Shares are kept only in memory until then.
  Result<int> add_share(const std::string& share);
  void seal();

  Result<Subject> create(const User& by, const std::string& kind,
                         const std::vector<std::pair<std::string, std::string>>& fields);
  Result<Subject> create(Tx& tx, const User& by, const std::string& kind,
                         const std::vector<std::pair<std::string, std::string>>& fields);
  // Opens the fields; Errc::not_found unless `by` may see the subject.
  Result<Subject> read(const User& by, const std::string& code);
  // The subject's row (no field opened, so the vault may be sealed) if `by` may see it;
  // Errc::not_found, the same for missing and hidden, otherwise.
  Result<SubjectRow> visible(const User& by, const std::string& code);
  // Lets `user` read the subject, inside the caller's unit of work (a case assigned to them).
  Status assign(Tx& tx, const std::string& code, std::int64_t user);
  Status assign(const std::string& code, std::int64_t user);
  Status erase(const std::string& code);

  // Seals `message` to the intake key and stores it; needs no unsealed vault. `address`: the
  // sender's, for the limit per address (none when empty). Over the limit:
  // reasons::intake_limited with the seconds to wait in *retry_after, and nothing stored.
  Result<std::int64_t> intake(const std::string& message, const std::string& address = {},
                              std::int64_t* retry_after = nullptr);
  // Opens the messages with id > after, oldest first: the archived ones or those not archived,
  // at most `limit` (0: kIntakePage; at most kIntakeMaxPage).
  Result<IntakePage> read_intake(std::int64_t after = 0, std::size_t limit = 0, bool archived = false);
  // Marks a message handled (it leaves the default list); archiving it again changes nothing.
  // reasons::intake_not_found when there is no such message. Needs no unsealed vault.
  Status archive_intake(std::int64_t id, const User& by);

  // The trail. This record() never fails the request it describes: a write error goes to
  // stderr. The form with a transaction appends inside the caller's unit of work.
  void record(const std::string& actor, const std::string& action, const std::string& target,
              const std::string& outcome);
  Status record(Tx& tx, const std::string& actor, const std::string& action, const std::string& target,
                const std::string& outcome);
  Result<std::vector<TrailEntry>> trail(std::int64_t after, std::size_t limit);
  // Newest first: the rows before `before` (0: from the newest), at most `limit`.
  Result<std::vector<TrailEntry>> trail_before(std::int64_t before, std::size_t limit);

  // Where the trail's anchors go, set once before other threads use the service.
  //  - append: puts a leaf on the organisation's log through its one write path, with `effect`
  //    in the leaf's transaction, and returns its index once durable. The server passes
  //    Books::submit_other, which never lets a leaf land between a report and the size the
  //    report states. Needed by anchor_trail() only.
  //  - log: read back to find the anchors (the index in the database is not trusted alone).
  //  - key: the accounts keyring, whose commitment subkey keys the anchors' heads.
  // Without log and key, verify_trail() checks only the chain.
  struct Anchoring {
    std::function<Result<std::uint64_t>(Bytes leaf, tlog::Effect effect)> append;
    tlog::LogStorage* log = nullptr;
    std::optional<crypto::Keyring> key;
  };
  void anchor_to(Anchoring a);
  // Anchors the trail's last row on the log, unless the last anchor this service knows of
  // already covers it or the trail is empty: the new anchor, or nullopt when none was needed.
  // Errc::invalid without anchor_to(); one call at a time (others wait).
  Result<std::optional<AnchorAt>> anchor_trail();
  // Recomputes the chain and checks it against the anchors on the organisation's log: every
  // anchor the database indexes (the last one read back from the log, so an index row forged or
  // altered behind amanat's back shows) and every anchor on the log after it (so deleting index
  // rows hides no newer anchor). Errc::corrupt naming the first row that does not chain, or the
  // anchor the trail falls short of or no longer matches.
  Result<TrailCheck> verify_trail();
  // The same against anchors found elsewhere (the CLI reads them from the public log), in leaf
  // order; Errc::invalid when there are anchors but no key to check them with.
  Result<TrailCheck> verify_trail(std::span<const AnchorAt> anchors);

 private:
  Identities(UnitOfWork& db, IdentityStore& store, std::unique_ptr<crypto::Vault> vault, Clock clock)
      : db_(db), store_(store), vault_(std::move(vault)), clock_(std::move(clock)) {}
  Status need_unsealed() const;
  // After the vault unsealed: installs the books key it holds, if managed; on failure seals again.
  Status after_unseal();
  // The anchors verify_trail() checks (see there).
  Result<std::vector<AnchorAt>> anchors_on_log();

  UnitOfWork& db_;
  IdentityStore& store_;
  std::mutex mu_;  // the pending shares and the trail's appends
  std::unique_ptr<crypto::Vault> vault_;
  Clock clock_;
  std::vector<std::string> shares_;
  std::optional<crypto::Keyring> books_keys_;
  RateLimit intake_limit_{kIntakeBurst, kIntakeInterval, kIntakeAddresses};  // by address_block()
  Anchoring anchoring_;
  std::mutex anchor_mu_;                 // one anchor_trail() at a time
  std::optional<std::int64_t> anchored_;  // rows the last anchor covers; read from the index on first use
};

// Anchors an organisation's trail on a schedule (Identities::anchor_trail, each time only if the
// trail moved): once at start, so that rows written while no server ran (`amanat user`) are
// pinned at once; every `interval`; and once more when destroyed, which the server does at a
// graceful stop after the last request has been answered. A failure goes to stderr (it names
// no person) and the next tick tries again.
class TrailAnchorer {
 public:
  TrailAnchorer(Identities& ids, std::chrono::milliseconds interval);
  ~TrailAnchorer();
  TrailAnchorer(const TrailAnchorer&) = delete;
  TrailAnchorer& operator=(const TrailAnchorer&) = delete;

 private:
  void anchor();
  Identities& ids_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace amanat::identity
