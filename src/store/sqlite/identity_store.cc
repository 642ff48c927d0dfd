#include "store/sqlite/identity_store.h"

#include <limits>

namespace amanat::store::sqlite {

using identity::SubjectRow;
using identity::TrailEntry;

Result<std::unique_ptr<SqliteIdentityStore>> SqliteIdentityStore::open(Database& db, std::int64_t org) {
  ReadConnection reader(db);
  return std::unique_ptr<SqliteIdentityStore>(new SqliteIdentityStore(db, org, std::move(reader)));
}

Result<std::optional<std::int64_t>> SqliteIdentityStore::insert_subject(Tx& tx, const std::string& code,
                                                                        const std::string& kind,
                                                                        std::int64_t created_by, std::int64_t created,
                                                                        const Bytes& wrapped_key) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("INSERT INTO subjects(log_id, code, kind, created_by, created, data_key) "
                                   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(log_id, code) DO NOTHING"));
  q->bind(1, org_).bind(2, std::string_view(code)).bind(3, std::string_view(kind)).bind(4, created_by)
      .bind(5, created).bind_blob(6, wrapped_key);
  AMANAT_CHECK(q->run());
  if (db->changes() != 1) return std::nullopt;
  return sqlite3_last_insert_rowid(db->raw());
}

Status SqliteIdentityStore::put_field(Tx& tx, std::int64_t subject, const std::string& field, const Bytes& sealed) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("INSERT INTO subject_fields(log_id, subject, field, value) VALUES (?, ?, ?, ?) "
                                   "ON CONFLICT(log_id, subject, field) DO UPDATE SET value = excluded.value"));
  q->bind(1, org_).bind(2, subject).bind(3, std::string_view(field)).bind_blob(4, sealed);
  return q->run();
}

Status SqliteIdentityStore::grant(Tx& tx, std::int64_t subject, std::int64_t user) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("INSERT INTO subject_access(log_id, subject, user) SELECT ?1, ?2, id FROM users "
                                   "WHERE log_id = ?1 AND id = ?3 ON CONFLICT DO NOTHING"));
  q->bind(1, org_).bind(2, subject).bind(3, user);
  return q->run();
}

Result<std::optional<SubjectRow>> SqliteIdentityStore::subject(const std::string& code) {
  return read_([&](Db& db) -> Result<std::optional<SubjectRow>> {
    AMANAT_TRY(q, db.cached_literal("SELECT id, kind, created_by, data_key FROM subjects WHERE log_id = ? AND code = ?"));
    q->bind(1, org_).bind(2, std::string_view(code));
    std::optional<SubjectRow> out;
    AMANAT_CHECK(q->first([&](Stmt& row) {
      out = SubjectRow{row.column_int(0), code, row.column_text(1), row.column_int(2), std::nullopt};
      if (!row.column_null(3)) out->data_key = row.column_blob(3);
    }));
    return out;
  });
}

Result<bool> SqliteIdentityStore::may_read(std::int64_t subject, std::int64_t user) {
  return read_([&](Db& db) -> Result<bool> {
    AMANAT_TRY(q, db.cached_literal("SELECT 1 FROM subject_access WHERE log_id = ? AND subject = ? AND user = ?"));
    q->bind(1, org_).bind(2, subject).bind(3, user);
    return q->first([](Stmt&) {});
  });
}

Result<std::vector<std::pair<std::string, Bytes>>> SqliteIdentityStore::fields(std::int64_t subject) {
  return read_([&](Db& db) -> Result<std::vector<std::pair<std::string, Bytes>>> {
    AMANAT_TRY(q, db.cached_literal(
                      "SELECT field, value FROM subject_fields WHERE log_id = ? AND subject = ? ORDER BY field"));
    q->bind(1, org_).bind(2, subject);
    std::vector<std::pair<std::string, Bytes>> out;
    AMANAT_CHECK(q->each([&](Stmt& row) { out.emplace_back(row.column_text(0), row.column_blob(1)); }));
    return out;
  });
}

Status SqliteIdentityStore::erase(Tx& tx, std::int64_t subject, std::int64_t when) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(d, db->cached_literal("DELETE FROM subject_fields WHERE log_id = ? AND subject = ?"));
  d->bind(1, org_).bind(2, subject);
  AMANAT_CHECK(d->run());
  AMANAT_TRY(u, db->cached_literal("UPDATE subjects SET data_key = NULL, erased = ? WHERE log_id = ? AND id = ?"));
  u->bind(1, when).bind(2, org_).bind(3, subject);
  return u->run();
}

Status SqliteIdentityStore::purge() { return db_.purge_wal(); }

Result<std::int64_t> SqliteIdentityStore::add_intake(Tx& tx, std::int64_t received, const Bytes& sealed) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("INSERT INTO intake(log_id, received, sealed) VALUES (?, ?, ?)"));
  q->bind(1, org_).bind(2, received).bind_blob(3, sealed);
  AMANAT_CHECK(q->run());
  return sqlite3_last_insert_rowid(db->raw());
}

Result<std::vector<identity::IntakeRow>> SqliteIdentityStore::intake(std::int64_t after, std::size_t limit,
                                                                     bool archived) {
  return read_([&](Db& db) -> Result<std::vector<identity::IntakeRow>> {
    // Two statements, so that each condition names its partial index (migration 10) as written.
    AMANAT_TRY(q, db.cached_literal(archived ? "SELECT id, received, archived, sealed FROM intake WHERE log_id = ? "
                                               "AND archived IS NOT NULL AND id > ? ORDER BY id LIMIT ?"
                                             : "SELECT id, received, archived, sealed FROM intake WHERE log_id = ? "
                                               "AND archived IS NULL AND id > ? ORDER BY id LIMIT ?"));
    q->bind(1, org_).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
    std::vector<identity::IntakeRow> out;
    AMANAT_CHECK(q->each([&](Stmt& row) {
      identity::IntakeRow r{row.column_int(0), row.column_int(1), std::nullopt, row.column_blob(3)};
      if (!row.column_null(2)) r.archived = row.column_int(2);
      out.push_back(std::move(r));
    }));
    return out;
  });
}

Result<bool> SqliteIdentityStore::archive_intake(Tx& tx, std::int64_t id, std::int64_t when, std::int64_t by) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("UPDATE intake SET archived = coalesce(archived, ?), "
                                   "archived_by = coalesce(archived_by, ?) WHERE log_id = ? AND id = ?"));
  q->bind(1, when).bind(2, by).bind(3, org_).bind(4, id);
  AMANAT_CHECK(q->run());
  return db->changes() == 1;
}

Result<std::pair<std::int64_t, std::string>> SqliteIdentityStore::trail_head(Tx& tx) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("SELECT seq, hash FROM access_trail WHERE log_id = ? ORDER BY seq DESC LIMIT 1"));
  q->bind(1, org_);
  std::pair<std::int64_t, std::string> out{0, ""};
  AMANAT_CHECK(q->first([&](Stmt& row) { out = {row.column_int(0), row.column_text(1)}; }));
  return out;
}

Status SqliteIdentityStore::append_trail(Tx& tx, const TrailEntry& e) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("INSERT INTO access_trail(log_id, seq, time, actor, action, target, outcome, hash) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  q->bind(1, org_).bind(2, e.seq).bind(3, e.time).bind(4, std::string_view(e.actor)).bind(5, std::string_view(e.action))
      .bind(6, std::string_view(e.target)).bind(7, std::string_view(e.outcome)).bind(8, std::string_view(e.hash));
  return q->run();
}

namespace {
Result<std::vector<TrailEntry>> trail_rows(Stmt& q) {
  std::vector<TrailEntry> out;
  AMANAT_CHECK(q.each([&](Stmt& row) {
    out.push_back(TrailEntry{row.column_int(0), row.column_int(1), row.column_text(2), row.column_text(3),
                             row.column_text(4), row.column_text(5), row.column_text(6)});
  }));
  return out;
}
std::int64_t sql_limit(std::size_t limit) { return limit == 0 ? std::int64_t{-1} : static_cast<std::int64_t>(limit); }
}  // namespace

Result<std::vector<TrailEntry>> SqliteIdentityStore::trail(std::int64_t after, std::size_t limit) {
  return read_([&](Db& db) -> Result<std::vector<TrailEntry>> {
    AMANAT_TRY(q, db.cached_literal("SELECT seq, time, actor, action, target, outcome, hash FROM access_trail "
                                    "WHERE log_id = ? AND seq > ? ORDER BY seq LIMIT ?"));
    q->bind(1, org_).bind(2, after).bind(3, sql_limit(limit));
    return trail_rows(*q);
  });
}

Result<std::vector<TrailEntry>> SqliteIdentityStore::trail_before(std::int64_t before, std::size_t limit) {
  return read_([&](Db& db) -> Result<std::vector<TrailEntry>> {
    AMANAT_TRY(q, db.cached_literal("SELECT seq, time, actor, action, target, outcome, hash FROM access_trail "
                                    "WHERE log_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?"));
    q->bind(1, org_).bind(2, before == 0 ? std::numeric_limits<std::int64_t>::max() : before).bind(3, sql_limit(limit));
    return trail_rows(*q);
  });
}

Status SqliteIdentityStore::add_anchor(Tx& tx, const identity::AnchorAt& a) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("INSERT INTO trail_anchors(log_id, leaf, count, head, time) VALUES (?, ?, ?, ?, ?)"));
  q->bind(1, org_).bind(2, static_cast<std::int64_t>(a.leaf)).bind(3, a.anchor.count)
      .bind(4, std::string_view(a.anchor.head)).bind(5, std::string_view(a.anchor.time));
  return q->run();
}

Result<std::vector<identity::AnchorAt>> SqliteIdentityStore::anchors() {
  return read_([&](Db& db) -> Result<std::vector<identity::AnchorAt>> {
    AMANAT_TRY(q, db.cached_literal("SELECT leaf, count, head, time FROM trail_anchors WHERE log_id = ? ORDER BY leaf"));
    q->bind(1, org_);
    std::vector<identity::AnchorAt> out;
    AMANAT_CHECK(q->each([&](Stmt& row) {
      out.push_back({static_cast<std::uint64_t>(row.column_int(0)),
                     identity::TrailAnchor{row.column_int(1), row.column_text(2), row.column_text(3)}});
    }));
    return out;
  });
}

}  // namespace amanat::store::sqlite
