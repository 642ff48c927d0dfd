#include "store/sqlite/account_store.h"

namespace amanat::store::sqlite {

using accounts::Role;
using accounts::Session;
using accounts::User;

namespace {
// Columns first.. first+4: id, name, role, totp IS NOT NULL, disabled IS NOT NULL.
User user_of(Stmt& row, int first) {
  return User{row.column_int(first), row.column_text(first + 1),
              accounts::parse_role(row.column_text(first + 2)).value_or(Role::auditor), row.column_int(first + 3) != 0,
              row.column_int(first + 4) != 0};
}

// One UPDATE of one user's row; Errc::not_found when there is none.
Status update_user(Db& db, Stmt& q) {
  AMANAT_CHECK(q.run());
  if (db.changes() != 1) return fail(Errc::not_found, "no such user");
  return {};
}
accounts::GrantKind parse_grant_kind(std::string_view k) {
  if (k == "password") return accounts::GrantKind::password;
  if (k == "totp") return accounts::GrantKind::totp;
  return accounts::GrantKind::role;
}
}  // namespace

Result<std::unique_ptr<SqliteAccountStore>> SqliteAccountStore::open(Database& db, std::int64_t org) {
  ReadConnection reader(db);
  return std::unique_ptr<SqliteAccountStore>(new SqliteAccountStore(org, std::move(reader)));
}

Result<std::optional<User>> SqliteAccountStore::insert_user(Tx& tx, const std::string& name, Role role,
                                                            const std::string& password_hash, std::int64_t created) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("INSERT INTO users(log_id, name, role, password, created) VALUES (?, ?, ?, ?, ?) "
                                   "ON CONFLICT(log_id, name) DO NOTHING"));
  q->bind(1, org_).bind(2, std::string_view(name)).bind(3, std::string_view(accounts::role_name(role)))
      .bind(4, std::string_view(password_hash)).bind(5, created);
  AMANAT_CHECK(q->run());
  if (db->changes() != 1) return std::nullopt;
  return User{sqlite3_last_insert_rowid(db->raw()), name, role, false, false};
}

Result<std::vector<User>> SqliteAccountStore::users() {
  return read_([&](Db& db) -> Result<std::vector<User>> {
    AMANAT_TRY(q, db.cached_literal("SELECT id, name, role, totp IS NOT NULL, disabled IS NOT NULL FROM users WHERE log_id = ? ORDER BY id"));
    q->bind(1, org_);
    std::vector<User> out;
    AMANAT_CHECK(q->each([&](Stmt& row) { out.push_back(user_of(row, 0)); }));
    return out;
  });
}

Result<std::optional<User>> SqliteAccountStore::user(std::int64_t id) {
  return read_([&](Db& db) -> Result<std::optional<User>> {
    AMANAT_TRY(q, db.cached_literal("SELECT id, name, role, totp IS NOT NULL, disabled IS NOT NULL FROM users WHERE log_id = ? AND id = ?"));
    q->bind(1, org_).bind(2, id);
    std::optional<User> out;
    AMANAT_CHECK(q->first([&](Stmt& row) { out = user_of(row, 0); }));
    return out;
  });
}

Result<std::optional<std::pair<User, std::string>>> SqliteAccountStore::user_by_name(const std::string& name) {
  return read_([&](Db& db) -> Result<std::optional<std::pair<User, std::string>>> {
    AMANAT_TRY(q, db.cached_literal(
                      "SELECT id, name, role, totp IS NOT NULL, disabled IS NOT NULL, password FROM users "
                      "WHERE log_id = ? AND name = ?"));
    q->bind(1, org_).bind(2, std::string_view(name));
    std::optional<std::pair<User, std::string>> out;
    AMANAT_CHECK(q->first([&](Stmt& row) { out.emplace(user_of(row, 0), row.column_text(5)); }));
    return out;
  });
}

Status SqliteAccountStore::set_password(Tx& tx, std::int64_t user, const std::string& password_hash) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("UPDATE users SET password = ? WHERE log_id = ? AND id = ?"));
  q->bind(1, std::string_view(password_hash)).bind(2, org_).bind(3, user);
  return update_user(*db, *q);
}

Status SqliteAccountStore::set_role(Tx& tx, std::int64_t user, Role role) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("UPDATE users SET role = ? WHERE log_id = ? AND id = ?"));
  q->bind(1, std::string_view(accounts::role_name(role))).bind(2, org_).bind(3, user);
  return update_user(*db, *q);
}

Status SqliteAccountStore::set_disabled(Tx& tx, std::int64_t user, std::optional<std::int64_t> when) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("UPDATE users SET disabled = ? WHERE log_id = ? AND id = ?"));
  if (when) q->bind(1, *when);
  q->bind(2, org_).bind(3, user);
  return update_user(*db, *q);
}

Status SqliteAccountStore::clear_totp(Tx& tx, std::int64_t user) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("UPDATE users SET totp = NULL, totp_pending = NULL WHERE log_id = ? AND id = ?"));
  q->bind(1, org_).bind(2, user);
  return update_user(*db, *q);
}

Result<std::int64_t> SqliteAccountStore::add_grant(Tx& tx, const accounts::Grant& g) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("INSERT INTO grants(log_id, user, role, requested_by, created, kind, password) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?)"));
  q->bind(1, org_).bind(2, g.user).bind(3, std::string_view(accounts::role_name(g.role))).bind(4, g.requested_by)
      .bind(5, g.created).bind(6, std::string_view(accounts::grant_kind_name(g.kind)));
  if (g.kind == accounts::GrantKind::password) q->bind(7, std::string_view(g.password_hash));
  AMANAT_CHECK(q->run());
  return sqlite3_last_insert_rowid(db->raw());
}

Status SqliteAccountStore::approve_grant(Tx& tx, std::int64_t grant, std::int64_t director) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("INSERT INTO grant_approvals(log_id, grant_id, director) VALUES (?, ?, ?) "
                                   "ON CONFLICT DO NOTHING"));
  q->bind(1, org_).bind(2, grant).bind(3, director);
  return q->run();
}

Status SqliteAccountStore::delete_grant(Tx& tx, std::int64_t grant) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(a, db->cached_literal("DELETE FROM grant_approvals WHERE log_id = ? AND grant_id = ?"));
  a->bind(1, org_).bind(2, grant);
  AMANAT_CHECK(a->run());
  AMANAT_TRY(g, db->cached_literal("DELETE FROM grants WHERE log_id = ? AND id = ?"));
  g->bind(1, org_).bind(2, grant);
  return g->run();
}

Result<std::vector<accounts::Grant>> SqliteAccountStore::grants(Tx* tx) {
  auto list = [&](Db& db) -> Result<std::vector<accounts::Grant>> {
    AMANAT_TRY(q, db.cached_literal("SELECT g.id, g.user, g.role, g.requested_by, g.created, a.director, g.kind, "
                                    "g.password FROM grants g "
                                    "LEFT JOIN grant_approvals a ON a.log_id = g.log_id AND a.grant_id = g.id "
                                    "WHERE g.log_id = ? ORDER BY g.id, a.director"));
    q->bind(1, org_);
    std::vector<accounts::Grant> out;
    AMANAT_CHECK(q->each([&](Stmt& row) {
      if (out.empty() || out.back().id != row.column_int(0))
        out.push_back({row.column_int(0), row.column_int(1),
                       accounts::parse_role(row.column_text(2)).value_or(Role::auditor), row.column_int(3),
                       row.column_int(4), {}, parse_grant_kind(row.column_text(6)),
                       row.column_null(7) ? std::string() : std::string(row.column_text(7))});
      if (!row.column_null(5)) out.back().approvals.push_back(row.column_int(5));
    }));
    return out;
  };
  if (tx) {
    AMANAT_TRY(db, connection_of(*tx));
    return list(*db);
  }
  return read_(list);
}

Result<std::optional<Bytes>> SqliteAccountStore::totp_secret(std::int64_t user, bool pending) {
  return read_([&](Db& db) -> Result<std::optional<Bytes>> {
    AMANAT_TRY(q, db.cached_literal(pending ? "SELECT totp_pending FROM users WHERE log_id = ? AND id = ?"
                                            : "SELECT totp FROM users WHERE log_id = ? AND id = ?"));
    q->bind(1, org_).bind(2, user);
    std::optional<Bytes> out;
    AMANAT_CHECK(q->first([&](Stmt& row) {
      if (!row.column_null(0)) out = row.column_blob(0);
    }));
    return out;
  });
}

Status SqliteAccountStore::set_totp_pending(Tx& tx, std::int64_t user, const Bytes& sealed) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("UPDATE users SET totp_pending = ? WHERE log_id = ? AND id = ?"));
  q->bind_blob(1, sealed).bind(2, org_).bind(3, user);
  return q->run();
}

Status SqliteAccountStore::enrol_totp(Tx& tx, std::int64_t user, const Bytes& sealed) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("UPDATE users SET totp = ?, totp_pending = NULL WHERE log_id = ? AND id = ?"));
  q->bind_blob(1, sealed).bind(2, org_).bind(3, user);
  return q->run();
}

Result<std::vector<accounts::SealedTotp>> SqliteAccountStore::totp_secrets(Tx& tx) {
  AMANAT_TRY(db, connection_of(tx));
  std::vector<accounts::SealedTotp> out;
  for (bool pending : {false, true}) {
    AMANAT_TRY(q, db->cached_literal(pending ? "SELECT id, totp_pending FROM users WHERE log_id = ? AND totp_pending IS NOT NULL"
                                             : "SELECT id, totp FROM users WHERE log_id = ? AND totp IS NOT NULL"));
    q->bind(1, org_);
    AMANAT_CHECK(q->each([&](Stmt& row) { out.push_back({row.column_int(0), pending, row.column_blob(1)}); }));
  }
  return out;
}

Status SqliteAccountStore::replace_totp_secret(Tx& tx, const accounts::SealedTotp& s) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal(s.pending ? "UPDATE users SET totp_pending = ? WHERE log_id = ? AND id = ?"
                                             : "UPDATE users SET totp = ? WHERE log_id = ? AND id = ?"));
  q->bind_blob(1, s.sealed).bind(2, org_).bind(3, s.user);
  return q->run();
}

Result<std::optional<std::uint64_t>> SqliteAccountStore::totp_step(std::int64_t user) {
  return read_([&](Db& db) -> Result<std::optional<std::uint64_t>> {
    AMANAT_TRY(q, db.cached_literal("SELECT totp_step FROM users WHERE log_id = ? AND id = ?"));
    q->bind(1, org_).bind(2, user);
    std::optional<std::uint64_t> out;
    AMANAT_CHECK(q->first([&](Stmt& row) {
      if (!row.column_null(0)) out = static_cast<std::uint64_t>(row.column_int(0));
    }));
    return out;
  });
}

Result<bool> SqliteAccountStore::use_totp_step(Tx& tx, std::int64_t user, std::uint64_t step) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("UPDATE users SET totp_step = ? WHERE log_id = ? AND id = ? "
                                   "AND (totp_step IS NULL OR totp_step < ?)"));
  const auto s = static_cast<std::int64_t>(step);
  q->bind(1, s).bind(2, org_).bind(3, user).bind(4, s);
  AMANAT_CHECK(q->run());
  return db->changes() == 1;
}

Status SqliteAccountStore::save_session(Tx& tx, const Session& s) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal(
                    "INSERT INTO sessions(token_hash, log_id, user, csrf, cookie, created, last_seen) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(token_hash) DO UPDATE SET last_seen = excluded.last_seen"));
  q->bind(1, std::string_view(s.token_hash)).bind(2, org_).bind(3, s.user.id).bind(4, std::string_view(s.csrf))
      .bind(5, s.cookie ? 1 : 0).bind(6, s.created).bind(7, s.last_seen);
  return q->run();
}

Result<std::optional<Session>> SqliteAccountStore::session(const std::string& token_hash) {
  return read_([&](Db& db) -> Result<std::optional<Session>> {
    AMANAT_TRY(q, db.cached_literal(
                      "SELECT u.id, u.name, u.role, u.totp IS NOT NULL, u.disabled IS NOT NULL, s.csrf, s.cookie, "
                      "s.created, s.last_seen FROM sessions s JOIN users u ON u.id = s.user AND u.log_id = s.log_id "
                      "WHERE s.token_hash = ? AND s.log_id = ? AND u.disabled IS NULL"));
    q->bind(1, std::string_view(token_hash)).bind(2, org_);
    std::optional<Session> out;
    AMANAT_CHECK(q->first([&](Stmt& row) {
      out = Session{token_hash, user_of(row, 0), row.column_text(5), row.column_int(6) != 0, row.column_int(7),
                    row.column_int(8), false};
    }));
    return out;
  });
}

Status SqliteAccountStore::delete_session(Tx& tx, const std::string& token_hash) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("DELETE FROM sessions WHERE token_hash = ? AND log_id = ?"));
  q->bind(1, std::string_view(token_hash)).bind(2, org_);
  return q->run();
}

Status SqliteAccountStore::delete_sessions_of(Tx& tx, std::int64_t user) {
  AMANAT_TRY(db, connection_of(tx));
  AMANAT_TRY(q, db->cached_literal("DELETE FROM sessions WHERE log_id = ? AND user = ?"));
  q->bind(1, org_).bind(2, user);
  return q->run();
}

}  // namespace amanat::store::sqlite
