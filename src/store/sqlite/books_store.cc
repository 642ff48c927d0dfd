#include "store/sqlite/books_store.h"

#include <sodium.h>

#include <map>

namespace amanat::store::sqlite {

using namespace amanat::books;

namespace {

// A cached statement, bound and run: for the many one-row writes of an effect.
class Q {
 public:
  Q(Db& db, const std::string& sql) : r_(db.cached(sql)) {}
  Q(Db& db, const char* sql) : r_(db.cached_literal(sql)) {}
  explicit operator bool() const { return r_.has_value(); }
  const Error& error() const { return r_.error(); }
  Stmt& s() { return **r_; }

 private:
  Result<Stmt*> r_;
};

std::string payee_ad(std::int64_t log_id, std::uint64_t leaf) {
  return "expenses.payee:" + std::to_string(log_id) + ":" + std::to_string(leaf);
}

Result<Currency> cur_of(const std::string& code) { return currency(code); }

}  // namespace

Result<std::unique_ptr<SqliteBooksStore>> SqliteBooksStore::open(SqliteLogStore& log, const crypto::Keyring& keys) {
  // The log store has already migrated the schema.
  auto reader = Db::open(log.describe(), false);
  if (!reader) return err(reader);
  if (auto st = (*reader)->exec("PRAGMA query_only = ON"); !st) return err(st);
  std::unique_ptr<SqliteBooksStore> s(new SqliteBooksStore(log, keys, std::move(*reader)));
  SqliteBooksStore* self = s.get();
  self->observer_ = log.on_commit([self](bool committed) {
    if (!committed)  // the batch's rows are gone: take back what its effects counted
      for (auto it = self->tally_.undo.rbegin(); it != self->tally_.undo.rend(); ++it) {
        it->donor->total -= it->delta;
        it->donor->funds[it->fund].second -= it->delta;
      }
    self->tally_.undo.clear();
  });
  return s;
}

SqliteBooksStore::~SqliteBooksStore() { log_.remove_on_commit(observer_); }

Result<BooksState> SqliteBooksStore::load() {
  std::lock_guard lock(read_mu_);
  BooksState out;
  auto b = reader_->cached("SELECT name, currency FROM books WHERE log_id = ?");
  if (!b) return err(b);
  (*b)->bind(1, log_.log_id());
  auto row = (*b)->step();
  if (!row) return err(row);
  if (*row) {
    auto c = cur_of((*b)->column_text(1));
    if (!c) return err(c);
    out.books = BooksOpen{(*b)->column_text(0), *c};
  }
  (*b)->reset();
  auto f = reader_->cached(
      "SELECT f.fund, f.currency, f.restricted, f.balance, COALESCE(a.open, 1) FROM funds f "
      "LEFT JOIN appeals a ON a.log_id = f.log_id AND a.code = f.fund WHERE f.log_id = ? ORDER BY f.fund");
  if (!f) return err(f);
  (*f)->bind(1, log_.log_id());
  while (true) {
    auto r = (*f)->step();
    if (!r) return err(r);
    if (!*r) break;
    auto c = cur_of((*f)->column_text(1));
    if (!c) return err(c);
    out.funds.push_back(FundState{(*f)->column_text(0), *c, (*f)->column_int(2) != 0, (*f)->column_int(4) != 0,
                                  (*f)->column_int(3)});
  }
  return out;
}

tlog::Effect SqliteBooksStore::writer(std::shared_ptr<const PendingRecord> record) {
  return [this, record = std::move(record)](std::uint64_t leaf) { return write_locked(leaf, *record); };
}

Status SqliteBooksStore::fund_flags_delta(std::uint64_t expense, bool receipted, bool approved, int sign) {
  Db& db = log_.db();
  Q q(db,
      "UPDATE funds SET spent_receipted = spent_receipted + ?1 * (SELECT s.fund_amount FROM expense_splits s "
      "  WHERE s.log_id = funds.log_id AND s.leaf = ?3 AND s.fund = funds.fund), "
      "spent_approved = spent_approved + ?2 * (SELECT s.fund_amount FROM expense_splits s "
      "  WHERE s.log_id = funds.log_id AND s.leaf = ?3 AND s.fund = funds.fund) "
      "WHERE log_id = ?4 AND fund IN (SELECT fund FROM expense_splits WHERE log_id = ?4 AND leaf = ?3)");
  if (!q) return std::unexpected(q.error());
  q.s().bind(1, receipted ? sign : 0).bind(2, approved ? sign : 0).bind(3, expense).bind(4, log_.log_id());
  return q.s().run();
}

Status SqliteBooksStore::apply_moves(std::uint64_t leaf, const PendingRecord& p) {
  Db& db = log_.db();
  const std::int64_t log_id = log_.log_id();
  for (const FundMove& m : p.booking.moves) {
    std::int64_t a = m.amount.minor, o = m.org;
    const char* sql = nullptr;
    switch (m.kind) {
      case MoveKind::raised:
        sql = "UPDATE funds SET raised = raised + ?1, raised_org = raised_org + ?2, balance = balance + ?1, "
              "donations = donations + ?3 WHERE log_id = ?4 AND fund = ?5";
        break;
      case MoveKind::spent:
        sql = "UPDATE funds SET spent = spent + ?1, spent_org = spent_org + ?2, balance = balance - ?1, "
              "expenses = expenses + ?3 WHERE log_id = ?4 AND fund = ?5";
        break;
      case MoveKind::transfer_in:
        sql = "UPDATE funds SET tin = tin + ?1, tin_org = tin_org + ?2, balance = balance + ?1, "
              "donations = donations + ?3 WHERE log_id = ?4 AND fund = ?5";
        break;
      case MoveKind::transfer_out:
        sql = "UPDATE funds SET tout = tout + ?1, tout_org = tout_org + ?2, balance = balance - ?1, "
              "donations = donations + ?3 WHERE log_id = ?4 AND fund = ?5";
        break;
    }
    Q q(db, sql);
    if (!q) return std::unexpected(q.error());
    int count = m.kind == MoveKind::raised ? m.donations : m.kind == MoveKind::spent ? (a >= 0 ? 1 : -1) : 0;
    q.s().bind(1, a).bind(2, o).bind(3, count).bind(4, log_id).bind(5, std::string_view(m.fund));
    if (auto st = q.s().run(); !st) {
      if (st.error().code == Errc::conflict)
        return fail(Errc::conflict, "fund " + m.fund + " would go negative (restricted funds never do)");
      return st;
    }
    if (db.changes() != 1) return fail(Errc::not_found, "fund " + m.fund + " does not exist");
    if (m.kind == MoveKind::spent) {
      Q c(db,
          "INSERT INTO fund_spent(log_id, fund, category, amount, org) VALUES (?1, ?2, ?3, ?4, ?5) "
          "ON CONFLICT(log_id, fund, category) DO UPDATE SET amount = amount + ?4, org = org + ?5");
      if (!c) return std::unexpected(c.error());
      c.s().bind(1, log_id).bind(2, std::string_view(m.fund)).bind(3, category_name(m.category)).bind(4, a).bind(5, o);
      AMANAT_CHECK(c.s().run());
    }
  }
  (void)leaf;
  return {};
}

Status SqliteBooksStore::prepare_for_booking() {
  std::lock_guard lock(log_.mutex());
  return load_donor_tally();
}

Status SqliteBooksStore::load_donor_tally() {
  if (tally_.loaded) return {};
  Db& db = log_.db();
  Q q(db, "SELECT fund, donor FROM donations WHERE log_id = ? AND donor <> '' AND reversed_by IS NULL");
  if (!q) return std::unexpected(q.error());
  q.s().bind(1, log_.log_id());
  while (true) {
    auto row = q.s().step();
    if (!row) return err(row);
    if (!*row) break;
    auto& d = tally_.n[q.s().column_text(1)];
    ++d.total;
    ++d.funds[fund_index(d, q.s().column_text(0))].second;
  }
  q.s().reset();
  tally_.loaded = true;
  return {};
}

std::uint32_t SqliteBooksStore::fund_index(DonorTally::Donor& d, std::string_view fund) {
  for (std::uint32_t i = 0; i < d.funds.size(); ++i)
    if (d.funds[i].first == fund) return i;
  d.funds.emplace_back(std::string(fund), 0);
  return static_cast<std::uint32_t>(d.funds.size() - 1);
}

Status SqliteBooksStore::count_donor(const std::string& fund, const std::string& donor, int delta) {
  Db& db = log_.db();
  AMANAT_CHECK(load_donor_tally());
  auto& d = tally_.n[donor];
  std::uint32_t fi = fund_index(d, fund);
  std::uint32_t& in_fund = d.funds[fi].second;
  if (delta < 0 && (in_fund == 0 || d.total == 0)) return fail(Errc::internal, "donor tally: no live donation to remove");
  in_fund += delta;
  d.total += delta;
  tally_.undo.push_back({&d, fi, delta});
  // Unique donors change when a donor's first donation arrives or their last one is reversed.
  auto changed = [delta](std::uint32_t n) { return (delta > 0 && n == 1) ? 1 : (delta < 0 && n == 0) ? -1 : 0; };
  if (int c = changed(in_fund); c != 0) {
    Q u(db, "UPDATE funds SET donors = donors + ?1 WHERE log_id = ?2 AND fund = ?3");
    if (!u) return std::unexpected(u.error());
    u.s().bind(1, c).bind(2, log_.log_id()).bind(3, std::string_view(fund));
    AMANAT_CHECK(u.s().run());
  }
  if (int c = changed(d.total); c != 0) {
    Q u(db, "UPDATE books SET donors = donors + ?1 WHERE log_id = ?2");
    if (!u) return std::unexpected(u.error());
    u.s().bind(1, c).bind(2, log_.log_id());
    AMANAT_CHECK(u.s().run());
  }
  return {};
}

Status SqliteBooksStore::bump_expense(std::uint64_t expense, const char* update_returning, int threshold,
                                      bool receipted) {
  Q u(log_.db(), update_returning);
  if (!u) return std::unexpected(u.error());
  u.s().bind(1, log_.log_id()).bind(2, expense);
  auto row = u.s().step();
  if (!row) return err(row);
  if (!*row) return fail(Errc::not_found, "expense " + std::to_string(expense) + " does not exist");
  bool reached = u.s().column_int(0) == threshold && u.s().column_null(1);
  u.s().reset();
  if (reached) return fund_flags_delta(expense, receipted, !receipted, 1);
  return {};
}

Status SqliteBooksStore::write_locked(std::uint64_t leaf, const PendingRecord& p) {
  Db& db = log_.db();
  const std::int64_t log_id = log_.log_id();
  const Body& body = p.record.body;
  if ((std::holds_alternative<Donation>(body) && !p.priv.donor.empty()) || std::holds_alternative<Correction>(body))
    AMANAT_CHECK(load_donor_tally());

  if (const auto* o = std::get_if<BooksOpen>(&body)) {
    Q q(db, "INSERT INTO books(log_id, name, currency, leaf) VALUES (?, ?, ?, ?)");
    if (!q) return std::unexpected(q.error());
    q.s().bind(1, log_id).bind(2, std::string_view(o->name)).bind(3, o->currency.code()).bind(4, leaf);
    AMANAT_CHECK(q.s().run());
    Q f(db, "INSERT INTO funds(log_id, fund, currency, restricted) VALUES (?, ?, ?, 0)");
    if (!f) return std::unexpected(f.error());
    f.s().bind(1, log_id).bind(2, kGeneralFund).bind(3, o->currency.code());
    return f.s().run();
  }
  if (const auto* a = std::get_if<AppealOpen>(&body)) {
    Q q(db,
        "INSERT INTO appeals(log_id, code, title, description, case_code, currency, target, open, opened, leaf) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)");
    if (!q) return std::unexpected(q.error());
    q.s().bind(1, log_id).bind(2, std::string_view(a->code)).bind(3, std::string_view(a->title))
        .bind(4, std::string_view(a->description)).bind(5, std::string_view(a->case_code))
        .bind(6, a->target.currency.code()).bind(7, a->target.minor).bind(8, std::string_view(a->date)).bind(9, leaf);
    AMANAT_CHECK(q.s().run());
    Q f(db, "INSERT INTO funds(log_id, fund, currency, restricted) VALUES (?, ?, ?, 1)");
    if (!f) return std::unexpected(f.error());
    f.s().bind(1, log_id).bind(2, std::string_view(a->code)).bind(3, a->target.currency.code());
    return f.s().run();
  }
  if (const auto* u = std::get_if<AppealUpdate>(&body)) {
    Q q(db,
        "UPDATE appeals SET title = COALESCE(?1, title), description = COALESCE(?2, description), "
        "target = COALESCE(?3, target), open = COALESCE(?4, open) WHERE log_id = ?5 AND code = ?6");
    if (!q) return std::unexpected(q.error());
    if (u->title) q.s().bind(1, std::string_view(*u->title));
    if (u->description) q.s().bind(2, std::string_view(*u->description));
    if (u->target) q.s().bind(3, u->target->minor);
    if (u->open) q.s().bind(4, *u->open ? 1 : 0);
    q.s().bind(5, log_id).bind(6, std::string_view(u->code));
    AMANAT_CHECK(q.s().run());
    if (db.changes() != 1) return fail(Errc::not_found, "appeal " + u->code + " does not exist");
    return {};
  }

  // Records that move money: their journal postings first.
  for (std::size_t i = 0; i < p.booking.txn.postings.size(); ++i) {
    const Posting& x = p.booking.txn.postings[i];
    Q q(db,
        "INSERT INTO postings(log_id, leaf, seq, date, account, amount, currency, cost, cost_currency) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!q) return std::unexpected(q.error());
    q.s().bind(1, log_id).bind(2, leaf).bind(3, static_cast<std::int64_t>(i)).bind(4, std::string_view(p.booking.txn.date))
        .bind(5, std::string_view(x.account)).bind(6, x.amount.minor).bind(7, x.amount.currency.code());
    if (x.cost) q.s().bind(8, x.cost->minor).bind(9, x.cost->currency.code());
    AMANAT_CHECK(q.s().run());
  }
  AMANAT_CHECK(apply_moves(leaf, p));

  if (const auto* d = std::get_if<Donation>(&body)) {
    const FundMove& m = p.booking.moves.at(0);
    Q q(db,
        "INSERT INTO donations(log_id, leaf, date, fund, amount, currency, fund_amount, org_amount, channel, "
        "account, receipt, donor, bank_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!q) return std::unexpected(q.error());
    q.s().bind(1, log_id).bind(2, leaf).bind(3, std::string_view(d->date)).bind(4, std::string_view(d->fund))
        .bind(5, d->amount.minor).bind(6, d->amount.currency.code()).bind(7, m.amount.minor).bind(8, m.org)
        .bind(9, channel_name(d->channel)).bind(10, std::string_view(d->account)).bind(11, std::string_view(d->receipt))
        .bind(12, std::string_view(p.priv.donor))
        // An imported donation's reference lives on its bank line: left out here, it costs no
        // random page of donations_bank_ref, which only hand-booked donations need (for
        // matching a later statement line to them).
        .bind(13, p.priv.bank_line ? std::string_view("") : std::string_view(p.priv.bank_ref));
    AMANAT_CHECK(q.s().run());
    if (p.priv.bank_line) {
      AMANAT_CHECK(insert_bank_line(*p.priv.bank_line, leaf));
    } else if (!p.priv.bank_ref.empty()) {
      std::lock_guard refs(hand_refs_.mu);  // see unmatched_donation
      if (hand_refs_.wanted) hand_refs_.refs.insert(p.priv.bank_ref);
    }
    if (!p.priv.donor.empty()) AMANAT_CHECK(count_donor(d->fund, p.priv.donor, 1));
    return {};
  }
  if (const auto* e = std::get_if<Expense>(&body)) {
    // Books::add_expense refuses an expense while the books key is sealed; this fails only if
    // the vault was sealed in the microseconds since, and then the batch fails cleanly.
    auto sealed = keys_.seal(p.priv.payee, payee_ad(log_id, leaf));
    if (!sealed) return err(sealed);
    Q q(db,
        "INSERT INTO expenses(log_id, leaf, date, amount, currency, category, account, payee, payee_salt, memo, "
        "bank_ref, receipts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!q) return std::unexpected(q.error());
    q.s().bind(1, log_id).bind(2, leaf).bind(3, std::string_view(e->date)).bind(4, e->amount.minor)
        .bind(5, e->amount.currency.code()).bind(6, category_name(e->category)).bind(7, std::string_view(e->account))
        .bind_blob(8, *sealed).bind(9, std::string_view(p.priv.payee_salt)).bind(10, std::string_view(e->memo))
        .bind(11, std::string_view(p.priv.bank_ref)).bind(12, static_cast<std::int64_t>(e->receipts.size()));
    AMANAT_CHECK(q.s().run());
    for (std::size_t i = 0; i < e->splits.size(); ++i) {
      const FundMove& m = p.booking.moves.at(i);
      Q s(db,
          "INSERT INTO expense_splits(log_id, leaf, fund, date, category, amount, fund_amount, org_amount) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
      if (!s) return std::unexpected(s.error());
      s.s().bind(1, log_id).bind(2, leaf).bind(3, std::string_view(e->splits[i].fund)).bind(4, std::string_view(e->date))
          .bind(5, category_name(e->category)).bind(6, e->splits[i].amount.minor).bind(7, m.amount.minor).bind(8, m.org);
      AMANAT_CHECK(s.s().run());
    }
    for (const auto& h : e->receipts) {
      Q r(db, "INSERT INTO expense_receipts(log_id, expense, sha256, leaf) VALUES (?, ?, ?, ?)");
      if (!r) return std::unexpected(r.error());
      r.s().bind(1, log_id).bind(2, leaf).bind(3, std::string_view(h)).bind(4, leaf);
      AMANAT_CHECK(r.s().run());
    }
    if (!e->receipts.empty()) AMANAT_CHECK(fund_flags_delta(leaf, true, false, 1));
    return {};
  }
  if (const auto* t = std::get_if<Transfer>(&body)) {
    Q q(db,
        "INSERT INTO transfers(log_id, leaf, date, from_fund, to_fund, amount, to_amount, org_amount, reason) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!q) return std::unexpected(q.error());
    q.s().bind(1, log_id).bind(2, leaf).bind(3, std::string_view(t->date)).bind(4, std::string_view(t->from))
        .bind(5, std::string_view(t->to)).bind(6, t->amount.minor).bind(7, p.booking.moves.at(1).amount.minor)
        .bind(8, p.booking.moves.at(0).org).bind(9, std::string_view(t->reason));
    return q.s().run();
  }
  if (const auto* c = std::get_if<Correction>(&body)) {
    Q q(db, "INSERT INTO corrections(log_id, leaf, reverses, date, reason) VALUES (?, ?, ?, ?, ?)");
    if (!q) return std::unexpected(q.error());
    q.s().bind(1, log_id).bind(2, leaf).bind(3, c->reverses).bind(4, std::string_view(c->date))
        .bind(5, std::string_view(c->reason));
    AMANAT_CHECK(q.s().run());
    // Mark the original, and undo what it added to the counters that are not plain sums.
    for (const char* table : {"donations", "expenses", "transfers"}) {
      Q u(db, std::string("UPDATE ") + table + " SET reversed_by = ? WHERE log_id = ? AND leaf = ? AND reversed_by IS NULL");
      if (!u) return std::unexpected(u.error());
      u.s().bind(1, leaf).bind(2, log_id).bind(3, c->reverses);
      AMANAT_CHECK(u.s().run());
      if (db.changes() == 0) continue;
      if (std::string_view(table) == "donations") {
        Q d(db, "SELECT fund, donor FROM donations WHERE log_id = ? AND leaf = ?");
        if (!d) return std::unexpected(d.error());
        d.s().bind(1, log_id).bind(2, c->reverses);
        auto row = d.s().step();
        if (!row) return err(row);
        std::string fund = d.s().column_text(0), donor = d.s().column_text(1);
        d.s().reset();
        if (!donor.empty()) AMANAT_CHECK(count_donor(fund, donor, -1));
      } else if (std::string_view(table) == "expenses") {
        Q x(db, "SELECT receipts, approvals FROM expenses WHERE log_id = ? AND leaf = ?");
        if (!x) return std::unexpected(x.error());
        x.s().bind(1, log_id).bind(2, c->reverses);
        auto row = x.s().step();
        if (!row) return err(row);
        bool receipted = x.s().column_int(0) > 0, approved = x.s().column_int(1) >= 2;
        x.s().reset();
        if (receipted || approved) AMANAT_CHECK(fund_flags_delta(c->reverses, receipted, approved, -1));
      }
      return {};
    }
    return fail(Errc::not_found, "record " + std::to_string(c->reverses) + " is not a live donation, expense or transfer");
  }
  if (const auto* a = std::get_if<Approval>(&body)) {
    Q q(db, "INSERT INTO expense_approvals(log_id, expense, by, leaf) VALUES (?, ?, ?, ?)");
    if (!q) return std::unexpected(q.error());
    q.s().bind(1, log_id).bind(2, a->expense).bind(3, std::string_view(a->by)).bind(4, leaf);
    AMANAT_CHECK(q.s().run());
    return bump_expense(a->expense,
                        "UPDATE expenses SET approvals = approvals + 1 WHERE log_id = ? AND leaf = ? "
                        "RETURNING approvals, reversed_by",
                        2, /*receipted=*/false);
  }
  if (const auto* c = std::get_if<Confirmation>(&body)) {
    Q q(db, "INSERT INTO expense_confirmations(log_id, expense, role, evidence, leaf) VALUES (?, ?, ?, ?, ?)");
    if (!q) return std::unexpected(q.error());
    q.s().bind(1, log_id).bind(2, c->expense).bind(3, confirm_role_name(c->role)).bind(4, std::string_view(c->evidence))
        .bind(5, leaf);
    AMANAT_CHECK(q.s().run());
    Q u(db, c->role == ConfirmRole::lawyer ? "UPDATE expenses SET lawyer = 1 WHERE log_id = ? AND leaf = ?"
                                           : "UPDATE expenses SET survivor = 1 WHERE log_id = ? AND leaf = ?");
    if (!u) return std::unexpected(u.error());
    u.s().bind(1, log_id).bind(2, c->expense);
    return u.s().run();
  }
  if (const auto* r = std::get_if<ReceiptAttach>(&body)) {
    Q q(db, "INSERT INTO expense_receipts(log_id, expense, sha256, leaf) VALUES (?, ?, ?, ?)");
    if (!q) return std::unexpected(q.error());
    q.s().bind(1, log_id).bind(2, r->expense).bind(3, std::string_view(r->sha256)).bind(4, leaf);
    AMANAT_CHECK(q.s().run());
    return bump_expense(r->expense,
                        "UPDATE expenses SET receipts = receipts + 1 WHERE log_id = ? AND leaf = ? "
                        "RETURNING receipts, reversed_by",
                        1, /*receipted=*/true);
  }
  // Published reports are on the log; nothing else to store.
  return {};
}

Status SqliteBooksStore::insert_bank_line(const BankLine& l, std::optional<std::uint64_t> record) {
  // Appended in arrival order (a rowid table): the line's key is a keyed hash, and a table or
  // index ordered by it would put every line on a random page. The importer has checked the
  // key against every stored one (books/import/importer.h).
  Q q(log_.db(),
      "INSERT INTO bank_lines(log_id, key, account, date, amount, currency, bank_ref, record, import) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!q) return std::unexpected(q.error());
  q.s().bind(1, log_.log_id()).bind(2, std::string_view(l.key)).bind(3, std::string_view(l.account))
      .bind(4, std::string_view(l.date)).bind(5, l.amount.minor).bind(6, l.amount.currency.code())
      .bind(7, std::string_view(l.bank_ref)).bind(9, l.import_id);
  if (record) q.s().bind(8, *record);
  return q.s().run();
}

Status SqliteBooksStore::add_bank_lines(const std::vector<BankLine>& lines) {
  std::lock_guard lock(log_.mutex());
  return transaction(log_.db(), [&]() -> Status {
    for (const auto& l : lines) AMANAT_CHECK(insert_bank_line(l, l.record));
    return {};
  });
}

Result<std::unordered_set<std::string>> SqliteBooksStore::bank_line_keys() {
  std::lock_guard lock(read_mu_);
  auto q = reader_->cached("SELECT key FROM bank_lines WHERE log_id = ?");
  if (!q) return err(q);
  (*q)->bind(1, log_.log_id());
  std::unordered_set<std::string> out;
  while (true) {
    auto row = (*q)->step();
    if (!row) return err(row);
    if (!*row) break;
    out.insert((*q)->column_text(0));
  }
  return out;
}

Result<std::uint64_t> SqliteBooksStore::begin_import(const std::string& sha256, const std::string& format,
                                                     std::uint64_t lines, const std::string& time) {
  std::lock_guard lock(log_.mutex());
  std::uint64_t id = 0;
  auto st = transaction(log_.db(), [&]() -> Status {
    Q q(log_.db(),
        "INSERT INTO imports(log_id, id, sha256, format, lines, time) SELECT ?1, COALESCE(MAX(id), 0) + 1, ?2, ?3, ?4, ?5 "
        "FROM imports WHERE log_id = ?1 RETURNING id");
    if (!q) return std::unexpected(q.error());
    q.s().bind(1, log_.log_id()).bind(2, std::string_view(sha256)).bind(3, std::string_view(format)).bind(4, lines)
        .bind(5, std::string_view(time));
    auto row = q.s().step();
    if (!row) return err(row);
    id = static_cast<std::uint64_t>(q.s().column_int(0));
    q.s().reset();
    return {};
  });
  if (!st) return err(st);
  return id;
}

Status SqliteBooksStore::load_hand_refs() {
  // From now on every donation booked with a reference of its own adds it to the set. A batch
  // that booked one before that may still be committing: waiting for the log's mutex once
  // lets it finish, so that the read below sees it.
  {
    std::lock_guard refs(hand_refs_.mu);
    hand_refs_.wanted = true;
  }
  { std::lock_guard wait_for_open_batch(log_.mutex()); }
  std::unordered_set<std::string> found;
  {
    std::lock_guard lock(read_mu_);
    auto q = reader_->cached(
        "SELECT DISTINCT bank_ref FROM donations INDEXED BY donations_bank_ref WHERE log_id = ? AND bank_ref <> ''");
    if (!q) return err(q);
    (*q)->bind(1, log_.log_id());
    while (true) {
      auto row = (*q)->step();
      if (!row) return err(row);
      if (!*row) break;
      found.insert((*q)->column_text(0));
    }
  }
  std::lock_guard refs(hand_refs_.mu);
  hand_refs_.refs.merge(found);
  hand_refs_.loaded = true;
  return {};
}

Result<std::optional<std::uint64_t>> SqliteBooksStore::unmatched_donation(const std::string& bank_ref, const Money& amount) {
  // Most lines of a statement have no donation booked by hand: the set of references that
  // hand-booked donations carry (a superset: reversed or matched ones stay in it) answers them
  // without a query.
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
  std::lock_guard lock(read_mu_);
  auto q = reader_->cached(
      "SELECT d.leaf FROM donations d INDEXED BY donations_bank_ref WHERE d.log_id = ?1 AND d.bank_ref = ?2 "
      "AND d.bank_ref <> '' AND d.amount = ?3 "
      "AND d.currency = ?4 "
      "AND d.reversed_by IS NULL AND NOT EXISTS (SELECT 1 FROM bank_lines b WHERE b.log_id = ?1 AND b.record = d.leaf) "
      "ORDER BY d.leaf LIMIT 1");
  if (!q) return err(q);
  (*q)->bind(1, log_.log_id()).bind(2, std::string_view(bank_ref)).bind(3, amount.minor).bind(4, amount.currency.code());
  auto row = (*q)->step();
  if (!row) return err(row);
  std::optional<std::uint64_t> out;
  if (*row) out = static_cast<std::uint64_t>((*q)->column_int(0));
  (*q)->reset();
  return out;
}

Result<std::uint64_t> SqliteBooksStore::match_expenses() {
  std::lock_guard lock(log_.mutex());
  std::uint64_t matched = 0;
  auto st = transaction(log_.db(), [&]() -> Status {
    // By bank reference first, then by amount and date; each expense matches one line at most.
    for (const char* sql :
         {"UPDATE bank_lines SET record = (SELECT e.leaf FROM expenses e WHERE e.log_id = bank_lines.log_id "
          "AND e.bank_ref = bank_lines.bank_ref AND e.bank_ref <> '' AND e.amount = -bank_lines.amount AND "
          "e.currency = bank_lines.currency AND e.reversed_by IS NULL AND NOT EXISTS (SELECT 1 FROM bank_lines b "
          "WHERE b.log_id = e.log_id AND b.record = e.leaf) ORDER BY e.leaf LIMIT 1) "
          "WHERE log_id = ?1 AND record IS NULL AND amount < 0 AND bank_ref <> ''",
          "UPDATE bank_lines SET record = (SELECT e.leaf FROM expenses e WHERE e.log_id = bank_lines.log_id "
          "AND e.date = bank_lines.date AND e.amount = -bank_lines.amount AND e.currency = bank_lines.currency "
          "AND e.reversed_by IS NULL AND NOT EXISTS (SELECT 1 FROM bank_lines b WHERE b.log_id = e.log_id AND "
          "b.record = e.leaf) ORDER BY e.leaf LIMIT 1) WHERE log_id = ?1 AND record IS NULL AND amount < 0"}) {
      // Row by row, so that a line matched above is seen by the NOT EXISTS of the next one.
      Q lines(log_.db(), "SELECT rowid FROM bank_lines WHERE log_id = ?1 AND record IS NULL AND amount < 0");
      if (!lines) return std::unexpected(lines.error());
      lines.s().bind(1, log_.log_id());
      std::vector<std::int64_t> todo;
      while (true) {
        auto row = lines.s().step();
        if (!row) return err(row);
        if (!*row) break;
        todo.push_back(lines.s().column_int(0));
      }
      std::string one = std::string(sql) + " AND rowid = ?2";
      for (std::int64_t k : todo) {
        Q u(log_.db(), one);
        if (!u) return std::unexpected(u.error());
        u.s().bind(1, log_.log_id()).bind(2, k);
        AMANAT_CHECK(u.s().run());
        Q c(log_.db(), "SELECT record IS NOT NULL FROM bank_lines WHERE rowid = ?1");
        if (!c) return std::unexpected(c.error());
        c.s().bind(1, k);
        auto row = c.s().step();
        if (!row) return err(row);
        matched += c.s().column_int(0) != 0;
        c.s().reset();
      }
    }
    return {};
  });
  if (!st) return err(st);
  return matched;
}

Result<Reconciliation> SqliteBooksStore::reconcile(const ReconcileQuery& query) {
  std::lock_guard lock(read_mu_);
  Db& db = *reader_;
  AMANAT_CHECK(db.exec("BEGIN"));
  struct End {
    Db& db;
    ~End() { (void)db.exec("COMMIT"); }
  } end{db};
  const std::string from = query.from.value_or("0000-00-00"), to = query.to.value_or("9999-99-99");
  Reconciliation out;
  auto collect = [&](const std::string& sql, ReconcileItem::Kind kind, bool keep) -> Status {
    auto q = db.prepare(sql);
    if (!q) return err(q);
    q->bind(1, log_.log_id()).bind(2, std::string_view(from)).bind(3, std::string_view(to));
    while (true) {
      auto row = q->step();
      if (!row) return err(row);
      if (!*row) break;
      (kind == ReconcileItem::matched ? out.matched : kind == ReconcileItem::bank_only ? out.bank_only : out.record_only)++;
      if (!keep) continue;
      auto c = cur_of(q->column_text(3));
      if (!c) return err(c);
      ReconcileItem it{kind, q->column_text(0), q->column_text(1), q->column_text(4), Money{q->column_int(2), *c},
                       std::nullopt};
      if (!q->column_null(5)) it.record = static_cast<std::uint64_t>(q->column_int(5));
      out.items.push_back(std::move(it));
    }
    return {};
  };
  AMANAT_CHECK(collect("SELECT date, account, amount, currency, bank_ref, record FROM bank_lines WHERE log_id = ?1 AND "
               "record IS NULL AND date >= ?2 AND date <= ?3 ORDER BY date, key",
               ReconcileItem::bank_only, true));
  // Money that should have passed through a bank account but has no statement line.
  AMANAT_CHECK(collect("SELECT d.date, d.account, d.amount, d.currency, d.bank_ref, d.leaf FROM donations d WHERE "
               "d.log_id = ?1 AND d.date >= ?2 AND d.date <= ?3 AND d.channel = 'bank' AND d.reversed_by IS NULL "
               "AND NOT EXISTS (SELECT 1 FROM bank_lines b WHERE b.log_id = d.log_id AND b.record = d.leaf) "
               "UNION ALL SELECT e.date, e.account, -e.amount, e.currency, e.bank_ref, e.leaf FROM expenses e WHERE "
               "e.log_id = ?1 AND e.date >= ?2 AND e.date <= ?3 AND e.account LIKE 'Bank%' AND e.reversed_by IS NULL "
               "AND NOT EXISTS (SELECT 1 FROM bank_lines b WHERE b.log_id = e.log_id AND b.record = e.leaf) ORDER BY 1, 6",
               ReconcileItem::record_only, true));
  AMANAT_CHECK(collect("SELECT date, account, amount, currency, bank_ref, record FROM bank_lines WHERE log_id = ?1 AND "
               "record IS NOT NULL AND date >= ?2 AND date <= ?3 ORDER BY date, key",
               ReconcileItem::matched, query.include_matched));
  return out;
}

// ---- reads ---------------------------------------------------------------------------------

Result<std::optional<ExpenseState>> SqliteBooksStore::expense(std::uint64_t leaf) {
  std::lock_guard lock(read_mu_);
  auto q = reader_->cached("SELECT lawyer, survivor, reversed_by FROM expenses WHERE log_id = ? AND leaf = ?");
  if (!q) return err(q);
  (*q)->bind(1, log_.log_id()).bind(2, leaf);
  auto row = (*q)->step();
  if (!row) return err(row);
  if (!*row) return std::nullopt;
  ExpenseState e;
  e.leaf = leaf;
  e.lawyer_confirmed = (*q)->column_int(0) != 0;
  e.survivor_confirmed = (*q)->column_int(1) != 0;
  if (!(*q)->column_null(2)) e.reversed_by = static_cast<std::uint64_t>((*q)->column_int(2));
  (*q)->reset();
  auto a = reader_->cached("SELECT by FROM expense_approvals WHERE log_id = ? AND expense = ? ORDER BY leaf");
  if (!a) return err(a);
  (*a)->bind(1, log_.log_id()).bind(2, leaf);
  while (true) {
    auto r = (*a)->step();
    if (!r) return err(r);
    if (!*r) break;
    e.approvals.push_back((*a)->column_text(0));
  }
  auto h = reader_->cached("SELECT sha256 FROM expense_receipts WHERE log_id = ? AND expense = ? ORDER BY leaf, sha256");
  if (!h) return err(h);
  (*h)->bind(1, log_.log_id()).bind(2, leaf);
  while (true) {
    auto r = (*h)->step();
    if (!r) return err(r);
    if (!*r) break;
    e.receipts.push_back((*h)->column_text(0));
  }
  return e;
}

Result<std::optional<DonationState>> SqliteBooksStore::donation_by_receipt(std::uint64_t leaf,
                                                                          const std::string& commitment) {
  std::lock_guard lock(read_mu_);
  auto q = reader_->cached(
      "SELECT leaf, date, fund, amount, currency, reversed_by, receipt FROM donations WHERE log_id = ? AND leaf = ?");
  if (!q) return err(q);
  (*q)->bind(1, log_.log_id()).bind(2, leaf);
  auto row = (*q)->step();
  if (!row) return err(row);
  if (!*row) return std::nullopt;
  std::string stored = (*q)->column_text(6);
  if (stored.size() != commitment.size() || sodium_memcmp(stored.data(), commitment.data(), stored.size()) != 0) {
    (*q)->reset();
    return std::nullopt;
  }
  auto c = cur_of((*q)->column_text(4));
  if (!c) return err(c);
  DonationState d{static_cast<std::uint64_t>((*q)->column_int(0)), (*q)->column_text(1), (*q)->column_text(2),
                  Money{(*q)->column_int(3), *c}, std::nullopt};
  if (!(*q)->column_null(5)) d.reversed_by = static_cast<std::uint64_t>((*q)->column_int(5));
  (*q)->reset();
  return d;
}

Result<std::optional<std::uint64_t>> SqliteBooksStore::reversed_by(std::uint64_t leaf) {
  std::lock_guard lock(read_mu_);
  auto q = reader_->cached("SELECT leaf FROM corrections WHERE log_id = ? AND reverses = ?");
  if (!q) return err(q);
  (*q)->bind(1, log_.log_id()).bind(2, leaf);
  auto row = (*q)->step();
  if (!row) return err(row);
  std::optional<std::uint64_t> out;
  if (*row) out = static_cast<std::uint64_t>((*q)->column_int(0));
  (*q)->reset();
  return out;
}

Result<std::optional<std::string>> SqliteBooksStore::money_record_type(std::uint64_t leaf) {
  std::lock_guard lock(read_mu_);
  for (const char* table : {"donations", "expenses", "transfers"}) {
    auto q = reader_->cached(std::string("SELECT 1 FROM ") + table + " WHERE log_id = ? AND leaf = ?");
    if (!q) return err(q);
    (*q)->bind(1, log_.log_id()).bind(2, leaf);
    auto row = (*q)->step();
    if (!row) return err(row);
    (*q)->reset();
    if (*row) {
      std::string t(table);
      t.pop_back();  // "donations" -> "donation"
      return std::optional<std::string>(t);
    }
  }
  return std::optional<std::string>();
}

Result<std::string> SqliteBooksStore::payee(std::uint64_t expense_leaf) {
  std::lock_guard lock(read_mu_);
  auto q = reader_->cached("SELECT payee FROM expenses WHERE log_id = ? AND leaf = ?");
  if (!q) return err(q);
  (*q)->bind(1, log_.log_id()).bind(2, expense_leaf);
  auto row = (*q)->step();
  if (!row) return err(row);
  if (!*row) return fail(Errc::not_found, "expense " + std::to_string(expense_leaf) + " does not exist");
  Bytes sealed = (*q)->column_blob(0);
  (*q)->reset();
  return keys_.open(sealed, payee_ad(log_.log_id(), expense_leaf));
}

Result<Report> SqliteBooksStore::report(const ReportQuery& query) {
  std::lock_guard lock(read_mu_);
  Db& db = *reader_;
  const std::int64_t log_id = log_.log_id();
  // One read transaction: every figure comes from the same committed state.
  AMANAT_CHECK(db.exec("BEGIN"));
  struct End {
    Db& db;
    ~End() { (void)db.exec("COMMIT"); }
  } end{db};

  Report rep{.currency = *currency("KZT")};
  {
    auto q = db.cached("SELECT name, currency, donors FROM books WHERE log_id = ?");
    if (!q) return err(q);
    (*q)->bind(1, log_id);
    auto row = (*q)->step();
    if (!row) return err(row);
    if (!*row) return fail(Errc::not_found, "these books are not open yet; run `amanat init` or `amanat books init`");
    rep.organisation = (*q)->column_text(0);
    auto c = cur_of((*q)->column_text(1));
    if (!c) return err(c);
    rep.currency = *c;
    rep.org.donors = static_cast<std::uint64_t>((*q)->column_int(2));
    (*q)->reset();
    auto s = db.cached("SELECT size FROM logs WHERE id = ?");
    if (!s) return err(s);
    (*s)->bind(1, log_id);
    auto r2 = (*s)->step();
    if (!r2) return err(r2);
    rep.log_size = *r2 ? static_cast<std::uint64_t>((*s)->column_int(0)) : 0;
    (*s)->reset();
  }
  rep.from = query.from;
  rep.to = query.to;
  const bool period = query.from || query.to;
  const std::string from = query.from.value_or("0000-00-00"), to = query.to.value_or("9999-99-99");

  // The funds and their all-time totals.
  std::map<std::string, FundReport> funds;
  {
    auto q = db.cached(
        "SELECT f.fund, f.currency, f.restricted, f.raised, f.spent, f.tin, f.tout, f.balance, f.raised_org, "
        "f.spent_org, f.tin_org, f.tout_org, f.donations, f.donors, f.expenses, f.spent_receipted, f.spent_approved, "
        "COALESCE(a.title, ''), COALESCE(a.case_code, ''), COALESCE(a.target, 0), COALESCE(a.open, 1) "
        "FROM funds f LEFT JOIN appeals a ON a.log_id = f.log_id AND a.code = f.fund "
        "WHERE f.log_id = ?1 AND (?2 IS NULL OR f.fund = ?2)");
    if (!q) return err(q);
    (*q)->bind(1, log_id);
    if (query.fund) (*q)->bind(2, std::string_view(*query.fund));
    while (true) {
      auto row = (*q)->step();
      if (!row) return err(row);
      if (!*row) break;
      Stmt& s = **q;
      auto c = cur_of(s.column_text(1));
      if (!c) return err(c);
      FundReport f{.currency = *c};
      f.fund = s.column_text(0);
      f.restricted = s.column_int(2) != 0;
      f.title = f.restricted ? s.column_text(17) : "General fund";
      f.case_code = s.column_text(18);
      f.target = s.column_int(19);
      f.open = s.column_int(20) != 0;
      if (!period) {
        f.raised = s.column_int(3), f.spent = s.column_int(4), f.transfers_in = s.column_int(5);
        f.transfers_out = s.column_int(6), f.balance = s.column_int(7), f.raised_org = s.column_int(8);
        f.spent_org = s.column_int(9), f.in_org = s.column_int(10), f.out_org = s.column_int(11);
        f.donations = static_cast<std::uint64_t>(s.column_int(12));
        f.donors = static_cast<std::uint64_t>(s.column_int(13));
        f.expenses = static_cast<std::uint64_t>(s.column_int(14));
        f.spent_with_receipt = s.column_int(15), f.spent_approved = s.column_int(16);
      }
      for (Category cat : all_categories()) f.spent_by_category.emplace_back(cat, 0);
      funds.emplace(f.fund, std::move(f));
    }
  }
  if (query.fund && funds.empty()) return fail(Errc::not_found, "fund " + *query.fund + " does not exist");

  auto cat_index = [](const std::string& name) -> std::size_t {
    auto c = parse_category(name);
    return c ? static_cast<std::size_t>(*c) : all_categories().size() - 1;
  };
  if (!period) {
    auto q = db.cached("SELECT fund, category, amount FROM fund_spent WHERE log_id = ?");
    if (!q) return err(q);
    (*q)->bind(1, log_id);
    while (true) {
      auto row = (*q)->step();
      if (!row) return err(row);
      if (!*row) break;
      auto it = funds.find((*q)->column_text(0));
      if (it == funds.end()) continue;
      it->second.spent_by_category[cat_index((*q)->column_text(1))].second = (*q)->column_int(2);
    }
  } else {
    // A period: the records dated in it, as corrected.
    auto don = db.cached(
        "SELECT fund, COUNT(*), SUM(fund_amount), SUM(org_amount), COUNT(DISTINCT NULLIF(donor, '')) FROM donations "
        "WHERE log_id = ?1 AND date >= ?2 AND date <= ?3 AND reversed_by IS NULL GROUP BY fund");
    if (!don) return err(don);
    (*don)->bind(1, log_id).bind(2, std::string_view(from)).bind(3, std::string_view(to));
    while (true) {
      auto row = (*don)->step();
      if (!row) return err(row);
      if (!*row) break;
      auto it = funds.find((*don)->column_text(0));
      if (it == funds.end()) continue;
      auto& f = it->second;
      f.donations = static_cast<std::uint64_t>((*don)->column_int(1));
      f.raised = (*don)->column_int(2), f.raised_org = (*don)->column_int(3);
      f.donors = static_cast<std::uint64_t>((*don)->column_int(4));
    }
    auto sp = db.cached(
        "SELECT s.fund, s.category, COUNT(*), SUM(s.fund_amount), SUM(s.org_amount), "
        "SUM(CASE WHEN e.receipts > 0 THEN s.fund_amount ELSE 0 END), "
        "SUM(CASE WHEN e.approvals >= 2 THEN s.fund_amount ELSE 0 END) "
        "FROM expense_splits s JOIN expenses e ON e.log_id = s.log_id AND e.leaf = s.leaf "
        "WHERE s.log_id = ?1 AND s.date >= ?2 AND s.date <= ?3 AND e.reversed_by IS NULL GROUP BY s.fund, s.category");
    if (!sp) return err(sp);
    (*sp)->bind(1, log_id).bind(2, std::string_view(from)).bind(3, std::string_view(to));
    while (true) {
      auto row = (*sp)->step();
      if (!row) return err(row);
      if (!*row) break;
      auto it = funds.find((*sp)->column_text(0));
      if (it == funds.end()) continue;
      auto& f = it->second;
      f.expenses += static_cast<std::uint64_t>((*sp)->column_int(2));
      f.spent += (*sp)->column_int(3), f.spent_org += (*sp)->column_int(4);
      f.spent_with_receipt += (*sp)->column_int(5), f.spent_approved += (*sp)->column_int(6);
      f.spent_by_category[cat_index((*sp)->column_text(1))].second += (*sp)->column_int(3);
    }
    for (bool out : {true, false}) {
      auto tr = db.cached(out ? "SELECT from_fund, SUM(amount), SUM(org_amount) FROM transfers WHERE log_id = ?1 "
                                "AND date >= ?2 AND date <= ?3 AND reversed_by IS NULL GROUP BY from_fund"
                              : "SELECT to_fund, SUM(to_amount), SUM(org_amount) FROM transfers WHERE log_id = ?1 "
                                "AND date >= ?2 AND date <= ?3 AND reversed_by IS NULL GROUP BY to_fund");
      if (!tr) return err(tr);
      (*tr)->bind(1, log_id).bind(2, std::string_view(from)).bind(3, std::string_view(to));
      while (true) {
        auto row = (*tr)->step();
        if (!row) return err(row);
        if (!*row) break;
        auto it = funds.find((*tr)->column_text(0));
        if (it == funds.end()) continue;
        auto& f = it->second;
        (out ? f.transfers_out : f.transfers_in) += (*tr)->column_int(1);
        (out ? f.out_org : f.in_org) += (*tr)->column_int(2);
      }
    }
    for (auto& [name, f] : funds) f.balance = f.raised - f.spent + f.transfers_in - f.transfers_out;
    auto dn = db.cached(
        "SELECT COUNT(DISTINCT NULLIF(donor, '')) FROM donations WHERE log_id = ?1 AND date >= ?2 AND date <= ?3 "
        "AND reversed_by IS NULL");
    if (!dn) return err(dn);
    (*dn)->bind(1, log_id).bind(2, std::string_view(from)).bind(3, std::string_view(to));
    auto row = (*dn)->step();
    if (!row) return err(row);
    rep.org.donors = static_cast<std::uint64_t>((*dn)->column_int(0));
    (*dn)->reset();
  }

  // General first, then appeals by code; the organisation's statement over them.
  for (Category cat : all_categories()) rep.org.expenses_by_category.emplace_back(cat, 0);
  auto add = [&](FundReport& f) {
    rep.org.donations += f.donations;
    (f.restricted ? rep.org.income_restricted : rep.org.income_unrestricted) += f.raised_org;
    rep.org.expenses_total += f.spent_org;
    std::int64_t net = f.raised_org - f.spent_org + f.in_org - f.out_org;
    (f.restricted ? rep.org.restricted_net_assets : rep.org.unrestricted_net_assets) += net;
    rep.funds.push_back(std::move(f));
  };
  if (auto g = funds.find(std::string(kGeneralFund)); g != funds.end()) add(g->second);
  for (auto& [name, f] : funds)
    if (name != kGeneralFund) add(f);
  // Spending by category in the organisation's currency.
  {
    auto q = db.cached(period ? "SELECT s.category, SUM(s.org_amount) FROM expense_splits s JOIN expenses e ON "
                                "e.log_id = s.log_id AND e.leaf = s.leaf WHERE s.log_id = ?1 AND s.date >= ?2 AND "
                                "s.date <= ?3 AND e.reversed_by IS NULL AND (?4 IS NULL OR s.fund = ?4) GROUP BY s.category"
                              : "SELECT category, SUM(org) FROM fund_spent WHERE log_id = ?1 AND (?4 IS NULL OR fund = ?4) "
                                "GROUP BY category");
    if (!q) return err(q);
    (*q)->bind(1, log_id);
    if (period) (*q)->bind(2, std::string_view(from)).bind(3, std::string_view(to));
    if (query.fund) (*q)->bind(4, std::string_view(*query.fund));
    while (true) {
      auto row = (*q)->step();
      if (!row) return err(row);
      if (!*row) break;
      rep.org.expenses_by_category[cat_index((*q)->column_text(0))].second = (*q)->column_int(1);
    }
  }
  if (query.fund) rep.org.donors = rep.funds.empty() ? 0 : rep.funds[0].donors;
  return rep;
}

Status SqliteBooksStore::journal(const std::function<Status(const books::Transaction&)>& each) {
  // A connection of its own: a long export must not hold up look-ups on the reader.
  auto db = Db::open(log_.describe(), false);
  if (!db) return err(db);
  AMANAT_CHECK((*db)->exec("BEGIN"));
  auto q = (*db)->prepare(
      "SELECT p.leaf, p.date, p.account, p.amount, p.currency, p.cost, p.cost_currency, c.reverses, "
      "(SELECT 1 FROM donations WHERE log_id = p.log_id AND leaf = p.leaf), "
      "(SELECT 1 FROM expenses WHERE log_id = p.log_id AND leaf = p.leaf), "
      "(SELECT 1 FROM transfers WHERE log_id = p.log_id AND leaf = p.leaf) "
      "FROM postings p LEFT JOIN corrections c ON c.log_id = p.log_id AND c.leaf = p.leaf "
      "WHERE p.log_id = ? ORDER BY p.leaf, p.seq");
  if (!q) return err(q);
  q->bind(1, log_.log_id());
  books::Transaction t;
  bool have = false;
  std::map<std::string, Currency> cur_cache;
  auto cur = [&](const std::string& code) -> Result<Currency> {
    auto it = cur_cache.find(code);
    if (it != cur_cache.end()) return it->second;
    auto c = currency(code);
    if (c) cur_cache.emplace(code, *c);
    return c;
  };
  while (true) {
    auto row = q->step();
    if (!row) return err(row);
    std::uint64_t leaf = *row ? static_cast<std::uint64_t>(q->column_int(0)) : 0;
    if (have && (!*row || leaf != t.id)) {
      AMANAT_CHECK(each(t));
      have = false;
    }
    if (!*row) break;
    if (!have) {
      t = books::Transaction{};
      t.id = leaf;
      t.date = q->column_text(1);
      std::string type = !q->column_null(7) ? "correction" : !q->column_null(8) ? "donation"
                         : !q->column_null(9) ? "expense" : "transfer";
      t.meta = {{"leaf", std::to_string(leaf)}, {"type", type}};
      t.narration = type == "correction" ? "Correction of record " + std::to_string(q->column_int(7))
                                         : (type == "donation" ? "Donation" : type == "expense" ? "Expense" : "Transfer");
      if (type == "correction") t.meta.emplace_back("reverses", std::to_string(q->column_int(7)));
      have = true;
    }
    auto c = cur(q->column_text(4));
    if (!c) return err(c);
    Posting p{q->column_text(2), Money{q->column_int(3), *c}, std::nullopt};
    if (!q->column_null(5)) {
      auto cc = cur(q->column_text(6));
      if (!cc) return err(cc);
      p.cost = Money{q->column_int(5), *cc};
    }
    t.postings.push_back(std::move(p));
  }
  return {};
}

Result<std::vector<std::pair<std::string, std::string>>> SqliteBooksStore::accounts() {
  std::lock_guard lock(read_mu_);
  // Derived from the journal itself (one pass over it; exports make one anyway) rather than kept
  // in a table that every posting would have to touch.
  auto q = reader_->cached("SELECT account, MIN(date) FROM postings WHERE log_id = ? GROUP BY account ORDER BY account");
  if (!q) return err(q);
  (*q)->bind(1, log_.log_id());
  std::vector<std::pair<std::string, std::string>> out;
  while (true) {
    auto row = (*q)->step();
    if (!row) return err(row);
    if (!*row) break;
    out.emplace_back((*q)->column_text(0), (*q)->column_text(1));
  }
  return out;
}

Result<std::vector<std::string>> SqliteBooksStore::currencies() {
  std::lock_guard lock(read_mu_);
  auto q = reader_->cached(
      "SELECT currency FROM postings WHERE log_id = ?1 UNION SELECT cost_currency FROM postings WHERE log_id = ?1 "
      "AND cost_currency IS NOT NULL ORDER BY 1");
  if (!q) return err(q);
  (*q)->bind(1, log_.log_id());
  std::vector<std::string> out;
  while (true) {
    auto row = (*q)->step();
    if (!row) return err(row);
    if (!*row) break;
    out.push_back((*q)->column_text(0));
  }
  return out;
}

}  // namespace amanat::store::sqlite
