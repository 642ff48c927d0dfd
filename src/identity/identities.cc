#include "identity/identities.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "core/bytes.h"
#include "core/reasons.h"
#include "core/sha256.h"

namespace amanat::identity {

namespace {

std::string new_code() {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::uint8_t raw[8];
  randombytes_buf(raw, sizeof raw);
  std::string code = "S-";
  for (std::uint8_t b : raw) code += kAlphabet[b & 31];
  return code;
}

// Length-prefixed, so that no two different rows hash the same bytes.
void put(Sha256& h, std::string_view s) {
  std::string len = std::to_string(s.size()) + ":";
  h.update(len);
  h.update(s);
}

std::string trail_hash(const std::string& prev, std::int64_t seq, std::int64_t time, const std::string& actor,
                       const std::string& action, const std::string& target, const std::string& outcome) {
  Sha256 h;
  put(h, "amanat-trail-v1");
  put(h, prev);
  put(h, std::to_string(seq));
  put(h, std::to_string(time));
  put(h, actor);
  put(h, action);
  put(h, target);
  put(h, outcome);
  return to_hex(h.final());
}

const Error kMissing{Errc::not_found, "no such subject", &reasons::subject_not_found};

}  // namespace

Result<std::unique_ptr<Identities>> Identities::open(UnitOfWork& db, IdentityStore& store,
                                                     const std::string& vault_file, Clock clock) {
  std::unique_ptr<crypto::Vault> vault;
  if (std::filesystem::exists(vault_file)) {
    std::ifstream in(vault_file, std::ios::binary);
    std::string text(std::istreambuf_iterator<char>(in), {});
    auto file = crypto::VaultFile::parse(text);
    if (!file) return std::unexpected(file.error().context(vault_file));
    vault = std::make_unique<crypto::Vault>(std::move(*file));
  }
  if (!clock) clock = [] { return static_cast<std::int64_t>(std::time(nullptr)); };
  return std::unique_ptr<Identities>(new Identities(db, store, std::move(vault), std::move(clock)));
}

bool Identities::sealed() const { return !vault_ || vault_->is_sealed(); }

Status Identities::need_unsealed() const {
  if (!vault_) return fail(reasons::vault_missing, "this organisation has no vault yet; run `amanat vault init --data DIR`");
  if (vault_->is_sealed())
    return fail(reasons::sealed, "the vault is sealed: a director must unseal it before identities can be used");
  return {};
}

void Identities::manage_books_keys(crypto::Keyring keys) {
  books_keys_ = std::move(keys);
  if (vault_ && !vault_->is_sealed()) (void)after_unseal();
}

Status Identities::after_unseal() {
  if (!books_keys_ || !vault_->file().books_key) return {};
  auto st = vault_->install_books_key(*books_keys_);
  if (!st) vault_->seal();  // all or nothing: identities without the books or the reverse helps no one
  return st;
}

Status Identities::unseal_with_passphrase(const std::string& passphrase) {
  if (!vault_) return need_unsealed();
  AMANAT_CHECK(vault_->unseal_with_passphrase(passphrase));
  return after_unseal();
}

Result<int> Identities::add_share(const std::string& share) {
  if (!vault_) return err(need_unsealed());
  auto parsed = crypto::parse_share(share);
  if (!parsed) return fail(reasons::share_invalid, parsed.error().message, "share");
  std::lock_guard lock(mu_);
  if (std::find(shares_.begin(), shares_.end(), share) == shares_.end()) shares_.push_back(share);
  int need = static_cast<int>(parsed->k) - static_cast<int>(shares_.size());
  if (need > 0) return need;
  auto st = vault_->unseal_with_shares(std::span<const std::string>(shares_));
  for (auto& s : shares_) sodium_memzero(s.data(), s.size());
  shares_.clear();
  AMANAT_CHECK(st);
  AMANAT_CHECK(after_unseal());
  return 0;
}

Identities::Unlocks Identities::unlocks() {
  Unlocks out;
  if (!vault_) return out;
  const crypto::VaultFile f = vault_->file();
  out.passphrase = f.passphrase.has_value();
  if (f.shares) {
    out.k = f.shares->k;
    out.n = f.shares->n;
  }
  std::lock_guard lock(mu_);
  out.shares_given = static_cast<int>(shares_.size());
  return out;
}

void Identities::seal() {
  if (vault_) vault_->seal();
  if (books_keys_ && vault_ && vault_->file().books_key) books_keys_->forget();
}

Result<Subject> Identities::create(const User& by, const std::string& kind,
                                   const std::vector<std::pair<std::string, std::string>>& fields) {
  Result<Subject> out = fail(Errc::internal, "not created");
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    out = create(tx, by, kind, fields);
    return out ? Status{} : err(out);
  }));
  return out;
}

Result<Subject> Identities::create(Tx& tx, const User& by, const std::string& kind,
                                   const std::vector<std::pair<std::string, std::string>>& fields) {
  AMANAT_CHECK(need_unsealed());
  if (kind != "survivor" && kind != "donor") return fail_field("kind", "survivor or donor");
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::string code = new_code();
    AMANAT_TRY(wrapped, vault_->new_data_key(code));
    AMANAT_TRY(dek, vault_->open_data_key(code, wrapped));
    AMANAT_TRY(id, store_.insert_subject(tx, code, kind, by.id, clock_(), wrapped.encode()));
    if (!id) continue;  // the code is taken: draw another
    for (const auto& [field, value] : fields)
      AMANAT_CHECK(store_.put_field(tx, *id, field, crypto::seal_field(dek, "subjects", field, code, value)));
    AMANAT_CHECK(store_.grant(tx, *id, by.id));
    return Subject{code, kind, by.id, false, {}};
  }
  return fail(Errc::internal, "could not find a free subject code");
}

Result<SubjectRow> Identities::visible(const User& by, const std::string& code) {
  AMANAT_TRY(row, store_.subject(code));
  if (!row) return std::unexpected(kMissing);
  if (by.role != accounts::Role::director) {
    AMANAT_TRY(allowed, store_.may_read(row->id, by.id));
    if (!allowed) return std::unexpected(kMissing);
  }
  return std::move(*row);
}

Result<Subject> Identities::read(const User& by, const std::string& code) {
  AMANAT_CHECK(need_unsealed());
  AMANAT_TRY(row, visible(by, code));
  Subject s{code, row.kind, row.created_by, !row.data_key, {}};
  if (s.erased) return s;
  AMANAT_TRY(wrapped, crypto::WrappedKey::decode(*row.data_key));
  AMANAT_TRY(dek, vault_->open_data_key(code, wrapped));
  AMANAT_TRY(sealed, store_.fields(row.id));
  for (auto& [field, value] : sealed) {
    auto opened = crypto::open_field(dek, "subjects", field, code, value);
    if (!opened) return std::unexpected(opened.error().context("subject field " + field));
    s.fields.emplace_back(std::move(field), std::move(*opened));
  }
  return s;
}

Status Identities::assign(const std::string& code, std::int64_t user) {
  AMANAT_TRY(row, store_.subject(code));
  if (!row) return std::unexpected(kMissing);
  return db_.transact([&](Tx& tx) { return store_.grant(tx, row->id, user); });
}

Status Identities::assign(Tx& tx, const std::string& code, std::int64_t user) {
  AMANAT_TRY(row, store_.subject(code));
  if (!row) return std::unexpected(kMissing);
  return store_.grant(tx, row->id, user);
}

Status Identities::erase(const std::string& code) {
  AMANAT_TRY(row, store_.subject(code));
  if (!row) return std::unexpected(kMissing);
  AMANAT_CHECK(db_.transact([&](Tx& tx) { return store_.erase(tx, row->id, clock_()); }));
  // Once it answers, no file of the data directory holds the erased key or fields any more.
  return store_.purge();
}

Result<std::int64_t> Identities::intake(const std::string& message, const std::string& address,
                                        std::int64_t* retry_after) {
  if (!vault_) return fail(reasons::vault_missing, "this organisation does not take messages here yet");
  if (!address.empty()) {
    if (std::int64_t wait = intake_limit_.take(address_block(address), clock_()); wait > 0) {
      if (retry_after) *retry_after = wait;
      return fail(reasons::intake_limited,
                  "too many messages from this address; try again in " + std::to_string(wait) + " s");
    }
  }
  AMANAT_TRY(sealed, crypto::Vault::seal_intake(vault_->intake_public_key(), message));
  std::int64_t id = 0;
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(added, store_.add_intake(tx, clock_(), sealed));
    id = added;
    return {};
  }));
  return id;
}

Result<IntakePage> Identities::read_intake(std::int64_t after, std::size_t limit, bool archived) {
  AMANAT_CHECK(need_unsealed());
  limit = std::min(limit == 0 ? kIntakePage : limit, kIntakeMaxPage);
  AMANAT_TRY(rows, store_.intake(after, limit + 1, archived));  // one more: whether a next page exists
  IntakePage page;
  if (rows.size() > limit) {
    rows.resize(limit);
    page.next_after = rows.back().id;
  }
  for (const auto& row : rows) {
    AMANAT_TRY(message, vault_->open_intake(row.sealed));
    page.messages.push_back(IntakeMessage{row.id, row.received, row.archived, std::move(message)});
  }
  return page;
}

Status Identities::archive_intake(std::int64_t id, const User& by) {
  bool found = false;
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(archived, store_.archive_intake(tx, id, clock_(), by.id));
    found = archived;
    return {};
  }));
  if (!found) return fail(reasons::intake_not_found, "no such intake message");
  return {};
}

Status Identities::record(Tx& tx, const std::string& actor, const std::string& action, const std::string& target,
                          const std::string& outcome) {
  AMANAT_TRY(head, store_.trail_head(tx));
  TrailEntry e{head.first + 1, clock_(), actor, action, target, outcome, {}};
  e.hash = trail_hash(head.second, e.seq, e.time, actor, action, target, outcome);
  return store_.append_trail(tx, e);
}

void Identities::record(const std::string& actor, const std::string& action, const std::string& target,
                        const std::string& outcome) {
  auto st = db_.transact([&](Tx& tx) { return record(tx, actor, action, target, outcome); });
  if (!st) std::fprintf(stderr, "amanat: the access trail could not be written: %s\n", st.error().message.c_str());
}

Result<std::vector<TrailEntry>> Identities::trail(std::int64_t after, std::size_t limit) {
  return store_.trail(after, limit);
}

Result<std::vector<TrailEntry>> Identities::trail_before(std::int64_t before, std::size_t limit) {
  return store_.trail_before(before, limit);
}

void Identities::anchor_to(Anchoring a) { anchoring_ = std::move(a); }

Result<std::optional<AnchorAt>> Identities::anchor_trail() {
  if (!anchoring_.append || !anchoring_.log || !anchoring_.key)
    return fail(Errc::invalid, "this process does not anchor the access trail");
  std::lock_guard lock(anchor_mu_);
  std::pair<std::int64_t, std::string> head;
  AMANAT_CHECK(db_.transact([&](Tx& tx) -> Status {
    AMANAT_TRY(h, store_.trail_head(tx));
    head = std::move(h);
    return {};
  }));
  if (!anchored_) {
    AMANAT_TRY(indexed, store_.anchors());
    anchored_ = indexed.empty() ? 0 : indexed.back().anchor.count;
  }
  // Nothing new, or fewer rows than anchored (a truncated trail, which verify_trail reports):
  // an anchor of it would add nothing.
  if (head.first <= *anchored_) return std::nullopt;
  AnchorAt a{0, TrailAnchor{head.first, {}, utc_time(clock_())}};
  AMANAT_TRY(commitment, anchor_head(*anchoring_.key, head.first, head.second));
  a.anchor.head = std::move(commitment);
  AMANAT_TRY(leaf, encode_anchor(a.anchor));
  // The index row commits with the leaf, at the index the leaf gets.
  tlog::Effect effect = [this, anchor = a.anchor](Tx& tx, std::uint64_t index) {
    return store_.add_anchor(tx, AnchorAt{index, anchor});
  };
  AMANAT_TRY(index, anchoring_.append(Bytes(leaf.begin(), leaf.end()), std::move(effect)));
  a.leaf = index;
  anchored_ = head.first;
  return a;
}

Result<std::vector<AnchorAt>> Identities::anchors_on_log() {
  AMANAT_TRY(anchors, store_.anchors());
  tlog::LogStorage& log = *anchoring_.log;
  std::uint64_t from = 0;
  if (!anchors.empty()) {
    const AnchorAt& last = anchors.back();
    const std::string where = "record " + std::to_string(last.leaf) + " of the log";
    auto entries = log.read_entries(last.leaf, last.leaf + 1);
    if (!entries) return fail(Errc::corrupt, where + ", which the database lists as a trail anchor, cannot be read");
    auto on_log = decode_anchor(entries->at(0));
    if (!on_log || *on_log != last.anchor)
      return fail(Errc::corrupt, where + " is not the trail anchor the database lists there");
    from = last.leaf + 1;
  }
  AMANAT_TRY(state, log.state());
  constexpr std::uint64_t kChunk = 1024;  // entries read at a time (a few hundred KiB)
  for (std::uint64_t begin = from; begin < state.size; begin += kChunk) {
    std::uint64_t end = std::min(begin + kChunk, state.size);
    AMANAT_TRY(entries, log.read_entries(begin, end));
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (!looks_like_anchor(entries[i])) continue;
      // An anchor the index lacks: written behind amanat's back, or its index row deleted. It
      // binds the trail all the same.
      if (auto a = decode_anchor(entries[i])) anchors.push_back(AnchorAt{begin + i, std::move(*a)});
    }
  }
  return anchors;
}

Result<TrailCheck> Identities::verify_trail() {
  std::vector<AnchorAt> anchors;
  if (anchoring_.log && anchoring_.key) {
    AMANAT_TRY(found, anchors_on_log());
    anchors = std::move(found);
  }
  return verify_trail(anchors);
}

Result<TrailCheck> Identities::verify_trail(std::span<const AnchorAt> anchors) {
  if (!anchors.empty() && !anchoring_.key) return fail(Errc::invalid, "no key to check the trail's anchors with");
  AMANAT_TRY(rows, store_.trail(0, 0));
  std::vector<std::string> hashes;  // hashes[i]: row i + 1's, recomputed
  hashes.reserve(rows.size());
  std::int64_t expect = 1;
  for (const auto& r : rows) {
    std::string h = trail_hash(hashes.empty() ? std::string() : hashes.back(), r.seq, r.time, r.actor, r.action,
                               r.target, r.outcome);
    if (r.seq != expect || h != r.hash)
      return fail(Errc::corrupt, "the access trail is broken at row " + std::to_string(r.seq) +
                                     (r.seq != expect ? " (a row is missing before it)" : " (it was altered)"));
    hashes.push_back(std::move(h));
    ++expect;
  }
  TrailCheck out{static_cast<std::int64_t>(rows.size()), std::nullopt};
  for (const auto& a : anchors) {
    const std::string at = "the anchor at record " + std::to_string(a.leaf) + " of the log";
    if (a.anchor.count < 1) return fail(Errc::corrupt, at + " covers no row: it is not one amanat wrote");
    if (a.anchor.count > out.rows)
      return fail(Errc::corrupt, "the access trail has " + std::to_string(out.rows) + " rows but " + at + " covers " +
                                     std::to_string(a.anchor.count) + ": rows were removed from its end");
    AMANAT_TRY(head, anchor_head(*anchoring_.key, a.anchor.count, hashes[static_cast<std::size_t>(a.anchor.count - 1)]));
    if (head != a.anchor.head)
      return fail(Errc::corrupt, "the access trail does not match " + at + " (row " + std::to_string(a.anchor.count) +
                                     "): rows up to it were rewritten");
    out.anchor = a;
  }
  return out;
}

TrailAnchorer::TrailAnchorer(Identities& ids, std::chrono::milliseconds interval) : ids_(ids) {
  thread_ = std::thread([this, interval] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      anchor();
      lock.lock();
      wake_.wait_for(lock, interval, [this] { return stopping_; });
    }
  });
}

TrailAnchorer::~TrailAnchorer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  anchor();  // the rows of the server's last minutes
}

void TrailAnchorer::anchor() {
  auto a = ids_.anchor_trail();
  if (!a) std::fprintf(stderr, "amanat: the access trail could not be anchored: %s\n", a.error().message.c_str());
}

}  // namespace amanat::identity
