#include "store/sqlite/bank_store.h"

namespace amanat::store::sqlite {

using namespace amanat::books;

Result<std::unique_ptr<SqliteBankStore>> SqliteBankStore::open(Database& db, std::int64_t org) {
  ReadConnection reader(db);
  return std::unique_ptr<SqliteBankStore>(new SqliteBankStore(db, org, std::move(reader)));
}

Status SqliteBankStore::add_bank_lines(const std::vector<BankLine>& lines) {
  return db_.run([&](SqliteTx& tx) -> Status {
    for (const auto& l : lines) AMANAT_CHECK(insert_bank_line(tx.db(), org_, l, l.record));
    return {};
  });
}

Result<std::unordered_set<std::string>> SqliteBankStore::bank_line_keys() {
  return read_([&](Db& db) -> Result<std::unordered_set<std::string>> {
    AMANAT_TRY(q, db.cached_literal("SELECT key FROM bank_lines WHERE log_id = ?"));
    q->bind(1, org_);
    std::unordered_set<std::string> out;
    AMANAT_CHECK(q->each([&](Stmt& row) { out.insert(row.column_text(0)); }));
    return out;
  });
}

Result<std::uint64_t> SqliteBankStore::begin_import(const std::string& sha256, const std::string& format,
                                                    std::uint64_t lines, const std::string& time) {
  std::uint64_t id = 0;
  AMANAT_CHECK(db_.run([&](SqliteTx& tx) -> Status {
    AMANAT_TRY(q, tx.db().cached_literal(
                      "INSERT INTO imports(log_id, id, sha256, format, lines, time) "
                      "SELECT ?1, COALESCE(MAX(id), 0) + 1, ?2, ?3, ?4, ?5 FROM imports WHERE log_id = ?1 RETURNING id"));
    q->bind(1, org_).bind(2, std::string_view(sha256)).bind(3, std::string_view(format)).bind(4, lines)
        .bind(5, std::string_view(time));
    AMANAT_CHECK(q->first([&](Stmt& row) { id = static_cast<std::uint64_t>(row.column_int(0)); }));
    return {};
  }));
  return id;
}

void SqliteBankStore::add(const std::string& bank_ref) {
  std::lock_guard refs(hand_refs_.mu);
  if (hand_refs_.wanted) hand_refs_.refs.insert(bank_ref);
}

Status SqliteBankStore::load_hand_refs() {
  // From now on every donation booked with a reference of its own adds it to the set. A batch
  // that booked one before that may still be committing: waiting for the writer's mutex once
  // lets it finish, so that the read below sees it.
  {
    std::lock_guard refs(hand_refs_.mu);
    hand_refs_.wanted = true;
  }
  { std::lock_guard wait_for_open_batch(db_.writer_mutex()); }
  std::unordered_set<std::string> found;
  AMANAT_CHECK(read_([&](Db& db) -> Status {
    AMANAT_TRY(q, db.cached_literal("SELECT DISTINCT bank_ref FROM donations INDEXED BY donations_bank_ref "
                                    "WHERE log_id = ? AND bank_ref <> ''"));
    q->bind(1, org_);
    return q->each([&](Stmt& row) { found.insert(row.column_text(0)); });
  }));
  std::lock_guard refs(hand_refs_.mu);
  hand_refs_.refs.merge(found);
  hand_refs_.loaded = true;
  return {};
}

Result<std::optional<std::uint64_t>> SqliteBankStore::unmatched_donation(const std::string& bank_ref,
                                                                         const Money& amount) {
  // Most lines of a statement have no donation booked by hand: the set answers them without a
  // query.
  bool loaded;
  {
    std::lock_guard refs(hand_refs_.mu);
    loaded = hand_refs_.loaded;
  }
  if (!loaded) AMANAT_CHECK(load_hand_refs());
  {
    std::lock_guard refs(hand_refs_.mu);
    if (!hand_refs_.refs.contains(bank_ref)) return std::nullopt;
  }
  return read_([&](Db& db) -> Result<std::optional<std::uint64_t>> {
    AMANAT_TRY(q, db.cached_literal(
                      "SELECT d.leaf FROM donations d INDEXED BY donations_bank_ref WHERE d.log_id = ?1 "
                      "AND d.bank_ref = ?2 AND d.bank_ref <> '' AND d.amount = ?3 AND d.currency = ?4 "
                      "AND d.reversed_by IS NULL "
                      "AND NOT EXISTS (SELECT 1 FROM bank_lines b WHERE b.log_id = ?1 AND b.record = d.leaf) "
                      "ORDER BY d.leaf LIMIT 1"));
    q->bind(1, org_).bind(2, std::string_view(bank_ref)).bind(3, amount.minor).bind(4, amount.currency.code());
    std::optional<std::uint64_t> out;
    AMANAT_CHECK(q->first([&](Stmt& row) { out = static_cast<std::uint64_t>(row.column_int(0)); }));
    return out;
  });
}

Result<std::uint64_t> SqliteBankStore::match_expenses() {
  std::uint64_t matched = 0;
  AMANAT_CHECK(db_.run([&](SqliteTx& tx) -> Status {
    Db& db = tx.db();
    // By bank reference first, then by amount and date; each expense matches one line at most.
    for (const char* sql :
         {"UPDATE bank_lines SET record = (SELECT e.leaf FROM expenses e WHERE e.log_id = bank_lines.log_id "
          "AND e.bank_ref = bank_lines.bank_ref AND e.bank_ref <> '' AND e.amount = -bank_lines.amount AND "
          "e.currency = bank_lines.currency AND e.reversed_by IS NULL AND NOT EXISTS (SELECT 1 FROM bank_lines b "
          "WHERE b.log_id = e.log_id AND b.record = e.leaf) ORDER BY e.leaf LIMIT 1) "
          "WHERE log_id = ?1 AND record IS NULL AND amount < 0 AND bank_ref <> '' AND rowid = ?2",
          "UPDATE bank_lines SET record = (SELECT e.leaf FROM expenses e WHERE e.log_id = bank_lines.log_id "
          "AND e.date = bank_lines.date AND e.amount = -bank_lines.amount AND e.currency = bank_lines.currency "
          "AND e.reversed_by IS NULL AND NOT EXISTS (SELECT 1 FROM bank_lines b WHERE b.log_id = e.log_id AND "
          "b.record = e.leaf) ORDER BY e.leaf LIMIT 1) WHERE log_id = ?1 AND record IS NULL AND amount < 0 "
          "AND rowid = ?2"}) {
      // Row by row, so that a line matched above is seen by the NOT EXISTS of the next one.
      AMANAT_TRY(lines, db.cached_literal("SELECT rowid FROM bank_lines WHERE log_id = ?1 AND record IS NULL AND amount < 0"));
      lines->bind(1, org_);
      std::vector<std::int64_t> todo;
      AMANAT_CHECK(lines->each([&](Stmt& row) { todo.push_back(row.column_int(0)); }));
      for (std::int64_t k : todo) {
        AMANAT_TRY(u, db.cached_literal(sql));
        u->bind(1, org_).bind(2, k);
        AMANAT_CHECK(u->run());
        AMANAT_TRY(c, db.cached_literal("SELECT record IS NOT NULL FROM bank_lines WHERE rowid = ?1"));
        c->bind(1, k);
        AMANAT_CHECK(c->first([&](Stmt& row) { matched += row.column_int(0) != 0; }));
      }
    }
    return {};
  }));
  return matched;
}

Result<Reconciliation> SqliteBankStore::reconcile(const ReconcileQuery& query) {
  AMANAT_CHECK(books::check_period(query.from, query.to));
  return read_([&](Db& db) {
    return read_transaction(db, [&]() -> Result<Reconciliation> {
      const std::string from = query.from.value_or("0000-00-00"), to = query.to.value_or("9999-99-99");
      Reconciliation out;
      auto collect = [&](const char* sql, ReconcileItem::Kind kind, bool keep) -> Status {
        AMANAT_TRY(q, db.cached_literal(sql));
        q->bind(1, org_).bind(2, std::string_view(from)).bind(3, std::string_view(to));
        return q->each([&](Stmt& row) -> Status {
          (kind == ReconcileItem::matched ? out.matched : kind == ReconcileItem::bank_only ? out.bank_only : out.record_only)++;
          if (!keep) return {};
          AMANAT_TRY(c, currency(row.column_text(3)));
          ReconcileItem it{kind, row.column_text(0), row.column_text(1), row.column_text(4), Money{row.column_int(2), c},
                           std::nullopt};
          if (!row.column_null(5)) it.record = static_cast<std::uint64_t>(row.column_int(5));
          out.items.push_back(std::move(it));
          return {};
        });
      };
      AMANAT_CHECK(collect("SELECT date, account, amount, currency, bank_ref, record FROM bank_lines WHERE log_id = ?1 "
                           "AND record IS NULL AND date >= ?2 AND date <= ?3 ORDER BY date, key",
                           ReconcileItem::bank_only, true));
      // Money that should have passed through a bank account but has no statement line.
      AMANAT_CHECK(collect(
          "SELECT d.date, d.account, d.amount, d.currency, d.bank_ref, d.leaf FROM donations d WHERE "
          "d.log_id = ?1 AND d.date >= ?2 AND d.date <= ?3 AND d.channel = 'bank' AND d.reversed_by IS NULL "
          "AND NOT EXISTS (SELECT 1 FROM bank_lines b WHERE b.log_id = d.log_id AND b.record = d.leaf) "
          "UNION ALL SELECT e.date, e.account, -e.amount, e.currency, e.bank_ref, e.leaf FROM expenses e WHERE "
          "e.log_id = ?1 AND e.date >= ?2 AND e.date <= ?3 AND e.account LIKE 'Bank%' AND e.reversed_by IS NULL "
          "AND NOT EXISTS (SELECT 1 FROM bank_lines b WHERE b.log_id = e.log_id AND b.record = e.leaf) ORDER BY 1, 6",
          ReconcileItem::record_only, true));
      AMANAT_CHECK(collect("SELECT date, account, amount, currency, bank_ref, record FROM bank_lines WHERE log_id = ?1 "
                           "AND record IS NOT NULL AND date >= ?2 AND date <= ?3 ORDER BY date, key",
                           ReconcileItem::matched, query.include_matched));
      return out;
    });
  });
}

}  // namespace amanat::store::sqlite
