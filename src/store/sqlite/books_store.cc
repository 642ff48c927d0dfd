#include "store/sqlite/books_store.h"

#include <sodium.h>

#include "core/reasons.h"

namespace amanat::store::sqlite {

using namespace amanat::books;

Result<std::unique_ptr<SqliteBooksStore>> SqliteBooksStore::open(Database& db, std::int64_t org,
                                                                 HandRefSink* hand_refs) {
  ReadConnection reader(db);
  return std::unique_ptr<SqliteBooksStore>(new SqliteBooksStore(db, org, hand_refs, std::move(reader)));
}

tlog::Effect SqliteBooksStore::writer(std::shared_ptr<const PendingRecord> record) {
  return [this, record = std::move(record)](Tx& tx, std::uint64_t leaf) { return writer_.write(tx, leaf, *record); };
}

Result<BooksState> SqliteBooksStore::load() {
  return read_([&](Db& db) -> Result<BooksState> {
    BooksState out;
    AMANAT_TRY(b, db.cached_literal("SELECT name, currency FROM books WHERE log_id = ?"));
    b->bind(1, org_);
    Result<Currency> c = fail(Errc::corrupt, "no currency");
    AMANAT_TRY(open, b->first([&](Stmt& row) {
      c = currency(row.column_text(1));
      if (c) out.books = BooksOpen{row.column_text(0), *c};
    }));
    if (open && !c) return err(c);
    AMANAT_TRY(f, db.cached_literal(
                      "SELECT f.fund, f.currency, f.restricted, f.balance, COALESCE(a.open, 1), f.raised + f.tin, "
                      "f.spent + f.tout, f.raised_org + f.tin_org, f.spent_org + f.tout_org FROM funds f "
                      "LEFT JOIN appeals a ON a.log_id = f.log_id AND a.code = f.fund WHERE f.log_id = ? ORDER BY f.fund"));
    f->bind(1, org_);
    AMANAT_CHECK(f->each([&](Stmt& row) -> Status {
      AMANAT_TRY(fc, currency(row.column_text(1)));
      out.funds.push_back(FundState{row.column_text(0), fc, row.column_int(2) != 0, row.column_int(4) != 0,
                                    row.column_int(3), row.column_int(5), row.column_int(6), row.column_int(7),
                                    row.column_int(8)});
      return {};
    }));
    return out;
  });
}

Result<std::optional<ExpenseState>> SqliteBooksStore::expense(std::uint64_t leaf) {
  return read_([&](Db& db) -> Result<std::optional<ExpenseState>> {
    AMANAT_TRY(q, db.cached_literal("SELECT lawyer, survivor, reversed_by, booked_by FROM expenses WHERE log_id = ? AND leaf = ?"));
    q->bind(1, org_).bind(2, leaf);
    ExpenseState e;
    e.leaf = leaf;
    AMANAT_TRY(found, q->first([&](Stmt& row) {
      e.lawyer_confirmed = row.column_int(0) != 0;
      e.survivor_confirmed = row.column_int(1) != 0;
      if (!row.column_null(2)) e.reversed_by = static_cast<std::uint64_t>(row.column_int(2));
      e.booked_by = row.column_text(3);
    }));
    if (!found) return std::nullopt;
    AMANAT_TRY(a, db.cached_literal("SELECT by FROM expense_approvals WHERE log_id = ? AND expense = ? ORDER BY leaf"));
    a->bind(1, org_).bind(2, leaf);
    AMANAT_CHECK(a->each([&](Stmt& row) { e.approvals.push_back(row.column_text(0)); }));
    AMANAT_TRY(h, db.cached_literal(
                      "SELECT sha256 FROM expense_receipts WHERE log_id = ? AND expense = ? ORDER BY leaf, sha256"));
    h->bind(1, org_).bind(2, leaf);
    AMANAT_CHECK(h->each([&](Stmt& row) { e.receipts.push_back(row.column_text(0)); }));
    AMANAT_TRY(k, db.cached_literal("SELECT DISTINCT a.case_code FROM expense_splits s JOIN appeals a "
                                    "ON a.log_id = s.log_id AND a.code = s.fund "
                                    "WHERE s.log_id = ? AND s.leaf = ? AND a.case_code <> '' ORDER BY 1"));
    k->bind(1, org_).bind(2, leaf);
    AMANAT_CHECK(k->each([&](Stmt& row) { e.cases.push_back(row.column_text(0)); }));
    return e;
  });
}

Result<FileUses> SqliteBooksStore::file_uses(std::string_view sha256_hex) {
  return read_([&](Db& db) -> Result<FileUses> {
    // Files are read rarely, and an organisation has thousands of expenses, not millions: no index.
    AMANAT_TRY(q, db.cached_literal(
                      "SELECT EXISTS(SELECT 1 FROM expense_receipts WHERE log_id = ?1 AND sha256 = ?2), "
                      "EXISTS(SELECT 1 FROM expense_confirmations WHERE log_id = ?1 AND evidence = ?2 AND role = 'lawyer'), "
                      "EXISTS(SELECT 1 FROM expense_confirmations WHERE log_id = ?1 AND evidence = ?2 AND role = 'survivor')"));
    q->bind(1, org_).bind(2, sha256_hex);
    FileUses u;
    AMANAT_CHECK(q->first([&](Stmt& row) {
      u = FileUses{row.column_int(0) != 0, row.column_int(1) != 0, row.column_int(2) != 0, {}};
    }));
    AMANAT_TRY(r, db.cached_literal("SELECT leaf FROM expense_receipts WHERE log_id = ?1 AND sha256 = ?2 UNION "
                                    "SELECT leaf FROM expense_confirmations WHERE log_id = ?1 AND evidence = ?2 ORDER BY 1"));
    r->bind(1, org_).bind(2, sha256_hex);
    AMANAT_CHECK(r->each([&](Stmt& row) { u.records.push_back(static_cast<std::uint64_t>(row.column_int(0))); }));
    AMANAT_TRY(k, db.cached_literal(
                      "SELECT DISTINCT a.case_code FROM expense_confirmations c "
                      "JOIN expense_splits s ON s.log_id = c.log_id AND s.leaf = c.expense "
                      "JOIN appeals a ON a.log_id = s.log_id AND a.code = s.fund "
                      "WHERE c.log_id = ?1 AND c.evidence = ?2 AND a.case_code <> '' ORDER BY 1"));
    k->bind(1, org_).bind(2, sha256_hex);
    AMANAT_CHECK(k->each([&](Stmt& row) { u.cases.push_back(row.column_text(0)); }));
    return u;
  });
}

Result<std::optional<DonationState>> SqliteBooksStore::donation_by_receipt(std::uint64_t leaf,
                                                                          const std::string& commitment) {
  return read_([&](Db& db) -> Result<std::optional<DonationState>> {
    AMANAT_TRY(q, db.cached_literal("SELECT leaf, date, fund, amount, currency, reversed_by, receipt FROM donations "
                                    "WHERE log_id = ? AND leaf = ?"));
    q->bind(1, org_).bind(2, leaf);
    std::optional<DonationState> out;
    Status st;
    AMANAT_CHECK(q->first([&](Stmt& row) {
      std::string stored = row.column_text(6);
      if (stored.size() != commitment.size() ||
          sodium_memcmp(stored.data(), commitment.data(), stored.size()) != 0)
        return;
      auto c = currency(row.column_text(4));
      if (!c) {
        st = err(c);
        return;
      }
      out = DonationState{static_cast<std::uint64_t>(row.column_int(0)), row.column_text(1), row.column_text(2),
                          Money{row.column_int(3), *c}, std::nullopt};
      if (!row.column_null(5)) out->reversed_by = static_cast<std::uint64_t>(row.column_int(5));
    }));
    AMANAT_CHECK(st);
    return out;
  });
}

Result<std::optional<std::uint64_t>> SqliteBooksStore::reversed_by(std::uint64_t leaf) {
  return read_([&](Db& db) -> Result<std::optional<std::uint64_t>> {
    AMANAT_TRY(q, db.cached_literal("SELECT leaf FROM corrections WHERE log_id = ? AND reverses = ?"));
    q->bind(1, org_).bind(2, leaf);
    std::optional<std::uint64_t> out;
    AMANAT_CHECK(q->first([&](Stmt& row) { out = static_cast<std::uint64_t>(row.column_int(0)); }));
    return out;
  });
}

Result<std::optional<std::string>> SqliteBooksStore::money_record_type(std::uint64_t leaf) {
  return read_([&](Db& db) -> Result<std::optional<std::string>> {
    static constexpr std::pair<const char*, const char*> kTables[] = {
        {"SELECT 1 FROM donations WHERE log_id = ? AND leaf = ?", "donation"},
        {"SELECT 1 FROM expenses WHERE log_id = ? AND leaf = ?", "expense"},
        {"SELECT 1 FROM transfers WHERE log_id = ? AND leaf = ?", "transfer"}};
    for (const auto& [sql, type] : kTables) {
      AMANAT_TRY(q, db.cached_literal(sql));
      q->bind(1, org_).bind(2, leaf);
      AMANAT_TRY(found, q->first([](Stmt&) {}));
      if (found) return std::optional<std::string>(type);
    }
    return std::optional<std::string>();
  });
}

Result<Bytes> SqliteBooksStore::sealed_payee(std::uint64_t leaf) {
  return read_([&](Db& db) -> Result<Bytes> {
    AMANAT_TRY(q, db.cached_literal("SELECT payee FROM expenses WHERE log_id = ? AND leaf = ?"));
    q->bind(1, org_).bind(2, leaf);
    Bytes sealed;
    AMANAT_TRY(found, q->first([&](Stmt& row) { sealed = row.column_blob(0); }));
    if (!found) return fail(reasons::expense_not_found, "expense " + std::to_string(leaf) + " does not exist");
    return sealed;
  });
}

// A tag is "ref:" and 32 lower-case hex digits (books/identity.h); anything else is a reference
// as an older version stored it, "ref:" and a name included.
Result<std::int64_t> SqliteBooksStore::retag_bank_references(
    const std::function<Result<std::string>(std::string_view)>& tag) {
  std::int64_t n = 0;
  AMANAT_CHECK(db_.run([&](SqliteTx& tx) -> Status {
    Db& db = tx.db();
    for (const char* table : {"donations", "expenses", "bank_lines"}) {
      const std::string untagged = std::string(" FROM ") + table +
                                   " WHERE log_id = ?1 AND bank_ref <> '' AND NOT (length(bank_ref) = 36 AND "
                                   "bank_ref GLOB 'ref:*' AND substr(bank_ref, 5) NOT GLOB '*[^0-9a-f]*')";
      AMANAT_TRY(q, db.prepare("SELECT DISTINCT bank_ref" + untagged));
      q.bind(1, org_);
      std::vector<std::string> refs;
      AMANAT_CHECK(q.each([&](Stmt& row) { refs.push_back(row.column_text(0)); }));
      AMANAT_TRY(u, db.prepare(std::string("UPDATE ") + table + " SET bank_ref = ?2 WHERE log_id = ?1 AND bank_ref = ?3"));
      for (const std::string& ref : refs) {
        AMANAT_TRY(t, tag(ref));
        u.reset();
        u.bind(1, org_).bind(2, std::string_view(t)).bind(3, std::string_view(ref));
        AMANAT_CHECK(u.run());
        ++n;
      }
    }
    return {};
  }));
  if (n > 0) AMANAT_CHECK(db_.purge_wal());
  return n;
}

}  // namespace amanat::store::sqlite
