#include "api/identities.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "core/bytes.h"
#include "core/sha256.h"

namespace amanat::api {

using store::sqlite::Db;
using store::sqlite::transaction;

namespace {

const Error kSealed{Errc::unavailable, "the vault is sealed: a director must unseal it before identities can be used"};

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

}  // namespace

Result<std::unique_ptr<Identities>> Identities::open(const std::string& db_path, const std::string& vault_file,
                                                     Clock clock) {
  auto db = Db::open(db_path, false);
  if (!db) return err(db);
  // Erased fields' pages are overwritten, not just freed.
  if (auto st = (*db)->exec("PRAGMA secure_delete = ON"); !st) return err(st);
  std::unique_ptr<crypto::Vault> vault;
  if (std::filesystem::exists(vault_file)) {
    std::ifstream in(vault_file, std::ios::binary);
    std::string text(std::istreambuf_iterator<char>(in), {});
    auto file = crypto::VaultFile::parse(text);
    if (!file) return std::unexpected(file.error().context(vault_file));
    vault = std::make_unique<crypto::Vault>(std::move(*file));
  }
  if (!clock) clock = [] { return static_cast<std::int64_t>(std::time(nullptr)); };
  return std::unique_ptr<Identities>(new Identities(std::move(*db), std::move(vault), std::move(clock)));
}

bool Identities::sealed() const { return !vault_ || vault_->is_sealed(); }

Status Identities::need_unsealed() const {
  if (!vault_) return fail(Errc::unavailable, "this organisation has no vault yet; run `amanat vault init --data DIR`");
  if (vault_->is_sealed()) return std::unexpected(kSealed);
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
  if (auto st = vault_->unseal_with_passphrase(passphrase); !st) return st;
  return after_unseal();
}

Result<int> Identities::add_share(const std::string& share) {
  if (!vault_) return err(need_unsealed());
  auto parsed = crypto::parse_share(share);
  if (!parsed) return err(parsed);
  std::lock_guard lock(mu_);
  if (std::find(shares_.begin(), shares_.end(), share) == shares_.end()) shares_.push_back(share);
  int need = static_cast<int>(parsed->k) - static_cast<int>(shares_.size());
  if (need > 0) return need;
  auto st = vault_->unseal_with_shares(std::span<const std::string>(shares_));
  for (auto& s : shares_) sodium_memzero(s.data(), s.size());
  shares_.clear();
  if (!st) return err(st);
  if (auto books = after_unseal(); !books) return err(books);
  return 0;
}

void Identities::seal() {
  if (vault_) vault_->seal();
  if (books_keys_ && vault_ && vault_->file().books_key) books_keys_->forget();
}

Result<Subject> Identities::create(const User& by, const std::string& kind,
                                   const std::vector<std::pair<std::string, std::string>>& fields) {
  if (auto st = need_unsealed(); !st) return err(st);
  if (kind != "survivor" && kind != "donor") return fail(Errc::invalid, "kind: survivor or donor");
  std::lock_guard lock(mu_);
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::string code = new_code();
    auto wrapped = vault_->new_data_key(code);
    if (!wrapped) return err(wrapped);
    auto dek = vault_->open_data_key(code, *wrapped);
    if (!dek) return err(dek);
    bool taken = false;
    auto st = transaction(*db_, [&]() -> Status {
      auto q = db_->cached(
          "INSERT INTO subjects(code, kind, created_by, created, data_key) VALUES (?, ?, ?, ?, ?) "
          "ON CONFLICT(code) DO NOTHING");
      if (!q) return err(q);
      Bytes key = wrapped->encode();
      (*q)->bind(1, std::string_view(code)).bind(2, std::string_view(kind)).bind(3, by.id).bind(4, clock_())
          .bind_blob(5, key);
      if (auto r = (*q)->run(); !r) return r;
      if (db_->changes() != 1) {
        taken = true;
        return fail(Errc::conflict, "code taken");
      }
      std::int64_t id = sqlite3_last_insert_rowid(db_->raw());
      for (const auto& [field, value] : fields) {
        Bytes sealed = crypto::seal_field(*dek, "subjects", field, code, value);
        auto f = db_->cached("INSERT INTO subject_fields(subject, field, value) VALUES (?, ?, ?)");
        if (!f) return err(f);
        (*f)->bind(1, id).bind(2, std::string_view(field)).bind_blob(3, sealed);
        if (auto r = (*f)->run(); !r) return r;
      }
      auto a = db_->cached("INSERT INTO subject_access(subject, user) VALUES (?, ?)");
      if (!a) return err(a);
      (*a)->bind(1, id).bind(2, by.id);
      return (*a)->run();
    });
    if (!st && taken) continue;
    if (!st) return err(st);
    return Subject{code, kind, by.id, false, {}};
  }
  return fail(Errc::internal, "could not find a free subject code");
}

Result<std::optional<std::pair<std::int64_t, std::optional<Bytes>>>> Identities::find(const std::string& code) {
  auto q = db_->cached("SELECT id, data_key FROM subjects WHERE code = ?");
  if (!q) return err(q);
  (*q)->bind(1, std::string_view(code));
  auto row = (*q)->step();
  if (!row) return err(row);
  if (!*row) return std::nullopt;
  std::int64_t id = (*q)->column_int(0);
  std::optional<Bytes> key;
  if (!(*q)->column_null(1)) key = (*q)->column_blob(1);
  (*q)->reset();
  return std::pair{id, std::move(key)};
}

Result<bool> Identities::may_read(const User& by, std::int64_t subject) {
  if (by.role == Role::director) return true;
  auto q = db_->cached("SELECT 1 FROM subject_access WHERE subject = ? AND user = ?");
  if (!q) return err(q);
  (*q)->bind(1, subject).bind(2, by.id);
  auto row = (*q)->step();
  if (!row) return err(row);
  (*q)->reset();
  return *row;
}

Result<Subject> Identities::read(const User& by, const std::string& code) {
  if (auto st = need_unsealed(); !st) return err(st);
  std::lock_guard lock(mu_);
  auto found = find(code);
  if (!found) return err(found);
  const Error missing{Errc::not_found, "no such subject"};
  if (!*found) return std::unexpected(missing);
  auto allowed = may_read(by, (*found)->first);
  if (!allowed) return err(allowed);
  if (!*allowed) return std::unexpected(missing);
  auto q = db_->cached("SELECT kind, created_by FROM subjects WHERE id = ?");
  if (!q) return err(q);
  (*q)->bind(1, (*found)->first);
  auto row = (*q)->step();
  if (!row) return err(row);
  Subject s{code, (*q)->column_text(0), (*q)->column_int(1), !(*found)->second, {}};
  (*q)->reset();
  if (s.erased) return s;
  auto wrapped = crypto::WrappedKey::decode(*(*found)->second);
  if (!wrapped) return err(wrapped);
  auto dek = vault_->open_data_key(code, *wrapped);
  if (!dek) return err(dek);
  auto f = db_->cached("SELECT field, value FROM subject_fields WHERE subject = ? ORDER BY field");
  if (!f) return err(f);
  (*f)->bind(1, (*found)->first);
  while (true) {
    auto r = (*f)->step();
    if (!r) return err(r);
    if (!*r) break;
    std::string field = (*f)->column_text(0);
    Bytes sealed = (*f)->column_blob(1);
    auto value = crypto::open_field(*dek, "subjects", field, code, sealed);
    if (!value) {
      (*f)->reset();
      return std::unexpected(value.error().context("subject field " + field));
    }
    s.fields.emplace_back(std::move(field), std::move(*value));
  }
  return s;
}

Status Identities::assign(const std::string& code, std::int64_t user) {
  std::lock_guard lock(mu_);
  auto found = find(code);
  if (!found) return err(found);
  if (!*found) return fail(Errc::not_found, "no such subject");
  auto q = db_->cached("INSERT INTO subject_access(subject, user) SELECT ?, id FROM users WHERE id = ? ON CONFLICT DO NOTHING");
  if (!q) return err(q);
  (*q)->bind(1, (*found)->first).bind(2, user);
  if (auto st = (*q)->run(); !st) return st;
  return {};
}

Status Identities::erase(const std::string& code) {
  std::lock_guard lock(mu_);
  auto found = find(code);
  if (!found) return err(found);
  if (!*found) return fail(Errc::not_found, "no such subject");
  std::int64_t id = (*found)->first;
  return transaction(*db_, [&]() -> Status {
    auto d = db_->cached("DELETE FROM subject_fields WHERE subject = ?");
    if (!d) return err(d);
    (*d)->bind(1, id);
    if (auto st = (*d)->run(); !st) return st;
    auto u = db_->cached("UPDATE subjects SET data_key = NULL, erased = ? WHERE id = ?");
    if (!u) return err(u);
    (*u)->bind(1, clock_()).bind(2, id);
    return (*u)->run();
  });
}

Result<std::int64_t> Identities::intake(const std::string& message) {
  if (!vault_) return fail(Errc::unavailable, "this organisation does not take messages here yet");
  auto sealed = crypto::Vault::seal_intake(vault_->intake_public_key(), message);
  if (!sealed) return err(sealed);
  std::lock_guard lock(mu_);
  auto q = db_->cached("INSERT INTO intake(received, sealed) VALUES (?, ?)");
  if (!q) return err(q);
  (*q)->bind(1, clock_()).bind_blob(2, *sealed);
  if (auto st = (*q)->run(); !st) return err(st);
  return sqlite3_last_insert_rowid(db_->raw());
}

Result<std::vector<std::pair<std::int64_t, std::string>>> Identities::read_intake() {
  if (auto st = need_unsealed(); !st) return err(st);
  std::lock_guard lock(mu_);
  auto q = db_->cached("SELECT id, sealed FROM intake ORDER BY id");
  if (!q) return err(q);
  std::vector<std::pair<std::int64_t, std::string>> out;
  while (true) {
    auto r = (*q)->step();
    if (!r) return err(r);
    if (!*r) break;
    Bytes sealed = (*q)->column_blob(1);
    auto m = vault_->open_intake(sealed);
    if (!m) {
      (*q)->reset();
      return err(m);
    }
    out.emplace_back((*q)->column_int(0), std::move(*m));
  }
  return out;
}

void Identities::record(const std::string& actor, const std::string& action, const std::string& target,
                        const std::string& outcome) {
  std::lock_guard lock(mu_);
  auto st = transaction(*db_, [&]() -> Status {
    auto last = db_->cached("SELECT seq, hash FROM access_trail ORDER BY seq DESC LIMIT 1");
    if (!last) return err(last);
    auto row = (*last)->step();
    if (!row) return err(row);
    std::int64_t seq = *row ? (*last)->column_int(0) + 1 : 1;
    std::string prev = *row ? (*last)->column_text(1) : "";
    (*last)->reset();
    std::int64_t now = clock_();
    std::string hash = trail_hash(prev, seq, now, actor, action, target, outcome);
    auto q = db_->cached(
        "INSERT INTO access_trail(seq, time, actor, action, target, outcome, hash) VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!q) return err(q);
    (*q)->bind(1, seq).bind(2, now).bind(3, std::string_view(actor)).bind(4, std::string_view(action))
        .bind(5, std::string_view(target)).bind(6, std::string_view(outcome)).bind(7, std::string_view(hash));
    return (*q)->run();
  });
  if (!st) std::fprintf(stderr, "amanat: the access trail could not be written: %s\n", st.error().message.c_str());
}

Result<std::vector<TrailEntry>> Identities::trail(std::int64_t after, std::size_t limit) {
  std::lock_guard lock(mu_);
  auto q = db_->cached(
      "SELECT seq, time, actor, action, target, outcome, hash FROM access_trail WHERE seq > ? ORDER BY seq LIMIT ?");
  if (!q) return err(q);
  (*q)->bind(1, after).bind(2, static_cast<std::int64_t>(limit));
  std::vector<TrailEntry> out;
  while (true) {
    auto r = (*q)->step();
    if (!r) return err(r);
    if (!*r) break;
    out.push_back(TrailEntry{(*q)->column_int(0), (*q)->column_int(1), (*q)->column_text(2), (*q)->column_text(3),
                             (*q)->column_text(4), (*q)->column_text(5), (*q)->column_text(6)});
  }
  return out;
}

Result<std::int64_t> Identities::verify_trail() {
  std::lock_guard lock(mu_);
  auto q = db_->cached("SELECT seq, time, actor, action, target, outcome, hash FROM access_trail ORDER BY seq");
  if (!q) return err(q);
  std::string prev;
  std::int64_t expect = 1, n = 0;
  while (true) {
    auto r = (*q)->step();
    if (!r) return err(r);
    if (!*r) break;
    std::int64_t seq = (*q)->column_int(0);
    std::string h = trail_hash(prev, seq, (*q)->column_int(1), (*q)->column_text(2), (*q)->column_text(3),
                               (*q)->column_text(4), (*q)->column_text(5));
    if (seq != expect || h != (*q)->column_text(6)) {
      (*q)->reset();
      return fail(Errc::corrupt, "the access trail is broken at row " + std::to_string(seq) +
                                     (seq != expect ? " (a row is missing before it)" : " (it was altered)"));
    }
    prev = std::move(h);
    ++expect;
    ++n;
  }
  return n;
}

}  // namespace amanat::api
