#include "store/sqlite/books_writer.h"

namespace amanat::store::sqlite {

using namespace amanat::books;

Status SqliteBooksWriter::write(Tx& tx, std::uint64_t leaf, const PendingRecord& p) {
  AMANAT_TRY(db, connection_of(tx));
  Status st = write_record(*db, leaf, p);
  if (!tally_.undo.empty()) follow(tx);
  return st;
}

void SqliteBooksWriter::follow(Tx& tx) {
  if (tally_.following) return;
  tally_.following = true;
  tx.on_end([this](TxOutcome outcome) {
    tally_.following = false;
    if (outcome == TxOutcome::rolled_back) {  // the rows are gone: take back what was counted
      for (auto it = tally_.undo.rbegin(); it != tally_.undo.rend(); ++it) {
        it->donor->total -= it->delta;
        it->donor->funds[it->fund].second -= it->delta;
      }
    } else if (outcome == TxOutcome::unknown) {  // the rows may or may not be there: count again
      tally_.n.clear();
      tally_.loaded = false;
    }
    tally_.undo.clear();
  });
}

Status SqliteBooksWriter::fund_flags_delta(Db& db, std::uint64_t expense, bool receipted, bool approved, int sign) {
  AMANAT_TRY(q, db.cached_literal("UPDATE funds SET spent_receipted = spent_receipted + ?1 * (SELECT s.fund_amount FROM expense_splits s "
      "  WHERE s.log_id = funds.log_id AND s.leaf = ?3 AND s.fund = funds.fund), "
      "spent_approved = spent_approved + ?2 * (SELECT s.fund_amount FROM expense_splits s "
      "  WHERE s.log_id = funds.log_id AND s.leaf = ?3 AND s.fund = funds.fund) "
      "WHERE log_id = ?4 AND fund IN (SELECT fund FROM expense_splits WHERE log_id = ?4 AND leaf = ?3)"));
  q->bind(1, receipted ? sign : 0).bind(2, approved ? sign : 0).bind(3, expense).bind(4, org_);
  return q->run();
}

Status SqliteBooksWriter::apply_moves(Db& db, const PendingRecord& p) {
  const std::int64_t log_id = org_;
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
    AMANAT_TRY(q, db.cached_literal(sql));
    int count = m.kind == MoveKind::raised ? m.donations : m.kind == MoveKind::spent ? (a >= 0 ? 1 : -1) : 0;
    q->bind(1, a).bind(2, o).bind(3, count).bind(4, log_id).bind(5, std::string_view(m.fund));
    if (auto st = q->run(); !st) {
      if (st.error().code == Errc::conflict)
        return fail(Errc::conflict, "fund " + m.fund + " would go negative (restricted funds never do)");
      return st;
    }
    if (db.changes() != 1) return fail(Errc::not_found, "fund " + m.fund + " does not exist");
    if (m.kind == MoveKind::spent) {
      AMANAT_TRY(c, db.cached_literal("INSERT INTO fund_spent(log_id, fund, category, amount, org) VALUES (?1, ?2, ?3, ?4, ?5) "
          "ON CONFLICT(log_id, fund, category) DO UPDATE SET amount = amount + ?4, org = org + ?5"));
      c->bind(1, log_id).bind(2, std::string_view(m.fund)).bind(3, category_name(m.category)).bind(4, a).bind(5, o);
      AMANAT_CHECK(c->run());
    }
  }
  return {};
}

Status SqliteBooksWriter::prepare(Database& database) {
  std::lock_guard lock(database.writer_mutex());
  return load_donor_tally(database.writer());
}

Status SqliteBooksWriter::load_donor_tally(Db& db) {
  if (tally_.loaded) return {};
  AMANAT_TRY(q, db.cached_literal("SELECT fund, donor FROM donations WHERE log_id = ? AND donor <> '' AND reversed_by IS NULL"));
  q->bind(1, org_);
  AMANAT_CHECK(q->each([&](Stmt& row) {
    auto& d = tally_.n[row.column_text(1)];
    ++d.total;
    ++d.funds[fund_index(d, row.column_text(0))].second;
  }));
  tally_.loaded = true;
  return {};
}

std::uint32_t SqliteBooksWriter::fund_index(DonorTally::Donor& d, std::string_view fund) {
  for (std::uint32_t i = 0; i < d.funds.size(); ++i)
    if (d.funds[i].first == fund) return i;
  d.funds.emplace_back(std::string(fund), 0);
  return static_cast<std::uint32_t>(d.funds.size() - 1);
}

Status SqliteBooksWriter::count_donor(Db& db, const std::string& fund, const std::string& donor, int delta) {
  AMANAT_CHECK(load_donor_tally(db));
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
    AMANAT_TRY(u, db.cached_literal("UPDATE funds SET donors = donors + ?1 WHERE log_id = ?2 AND fund = ?3"));
    u->bind(1, c).bind(2, org_).bind(3, std::string_view(fund));
    AMANAT_CHECK(u->run());
  }
  if (int c = changed(d.total); c != 0) {
    AMANAT_TRY(u, db.cached_literal("UPDATE books SET donors = donors + ?1 WHERE log_id = ?2"));
    u->bind(1, c).bind(2, org_);
    AMANAT_CHECK(u->run());
  }
  return {};
}

Status SqliteBooksWriter::bump_expense(Db& db, std::uint64_t expense, const char* update_returning, int threshold,
                                      bool receipted) {
  AMANAT_TRY(u, db.cached_literal(update_returning));
  u->bind(1, org_).bind(2, expense);
  auto row = u->step();
  if (!row) return err(row);
  if (!*row) return fail(Errc::not_found, "expense " + std::to_string(expense) + " does not exist");
  bool reached = u->column_int(0) == threshold && u->column_null(1);
  u->reset();
  if (reached) return fund_flags_delta(db, expense, receipted, !receipted, 1);
  return {};
}

namespace {

// The files a record names, by their plain SHA-256, which the database keys them by (who may
// read a file, a receipt attached twice): from the record's private part when its leaf carries
// salted commitments (books/receipt_files.h), from the leaf itself when it carries (older)
// plain hashes.
Result<std::vector<std::string>> files_of(std::size_t committed, const std::vector<std::string>& plain,
                                          const RecordPrivate& priv) {
  if (committed == 0) return plain;
  if (priv.files.size() != committed)
    return fail(Errc::internal, "a record's file commitments reached the store without their files");
  return priv.files;
}

std::vector<std::string> one_or_none(const std::string& s) { return s.empty() ? std::vector<std::string>{} : std::vector{s}; }

}  // namespace

Status SqliteBooksWriter::write_record(Db& db, std::uint64_t leaf, const PendingRecord& p) {
  const std::int64_t log_id = org_;
  const Body& body = p.record.body;
  if ((std::holds_alternative<Donation>(body) && !p.priv.donor.empty()) || std::holds_alternative<Correction>(body))
    AMANAT_CHECK(load_donor_tally(db));

  if (const auto* o = std::get_if<BooksOpen>(&body)) {
    AMANAT_TRY(q, db.cached_literal("INSERT INTO books(log_id, name, currency, leaf) VALUES (?, ?, ?, ?)"));
    q->bind(1, log_id).bind(2, std::string_view(o->name)).bind(3, o->currency.code()).bind(4, leaf);
    AMANAT_CHECK(q->run());
    AMANAT_TRY(f, db.cached_literal("INSERT INTO funds(log_id, fund, currency, restricted) VALUES (?, ?, ?, 0)"));
    f->bind(1, log_id).bind(2, kGeneralFund).bind(3, o->currency.code());
    return f->run();
  }
  if (const auto* a = std::get_if<AppealOpen>(&body)) {
    AMANAT_TRY(q, db.cached_literal("INSERT INTO appeals(log_id, code, title, description, case_code, currency, target, open, opened, leaf) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"));
    q->bind(1, log_id).bind(2, std::string_view(a->code)).bind(3, std::string_view(a->title))
        .bind(4, std::string_view(a->description)).bind(5, std::string_view(a->case_code))
        .bind(6, a->target.currency.code()).bind(7, a->target.minor).bind(8, std::string_view(a->date)).bind(9, leaf);
    AMANAT_CHECK(q->run());
    AMANAT_TRY(f, db.cached_literal("INSERT INTO funds(log_id, fund, currency, restricted) VALUES (?, ?, ?, 1)"));
    f->bind(1, log_id).bind(2, std::string_view(a->code)).bind(3, a->target.currency.code());
    return f->run();
  }
  if (const auto* u = std::get_if<AppealUpdate>(&body)) {
    AMANAT_TRY(q, db.cached_literal("UPDATE appeals SET title = COALESCE(?1, title), description = COALESCE(?2, description), "
        "target = COALESCE(?3, target), open = COALESCE(?4, open) WHERE log_id = ?5 AND code = ?6"));
    if (u->title) q->bind(1, std::string_view(*u->title));
    if (u->description) q->bind(2, std::string_view(*u->description));
    if (u->target) q->bind(3, u->target->minor);
    if (u->open) q->bind(4, *u->open ? 1 : 0);
    q->bind(5, log_id).bind(6, std::string_view(u->code));
    AMANAT_CHECK(q->run());
    if (db.changes() != 1) return fail(Errc::not_found, "appeal " + u->code + " does not exist");
    return {};
  }

  // Records that move money: their journal postings first.
  for (std::size_t i = 0; i < p.booking.txn.postings.size(); ++i) {
    const Posting& x = p.booking.txn.postings[i];
    AMANAT_TRY(q, db.cached_literal("INSERT INTO postings(log_id, leaf, seq, date, account, amount, currency, cost, cost_currency) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q->bind(1, log_id).bind(2, leaf).bind(3, static_cast<std::int64_t>(i)).bind(4, std::string_view(p.booking.txn.date))
        .bind(5, std::string_view(x.account)).bind(6, x.amount.minor).bind(7, x.amount.currency.code());
    if (x.cost) q->bind(8, x.cost->minor).bind(9, x.cost->currency.code());
    AMANAT_CHECK(q->run());
  }
  AMANAT_CHECK(apply_moves(db, p));

  if (const auto* d = std::get_if<Donation>(&body)) {
    const FundMove& m = p.booking.moves.at(0);
    AMANAT_TRY(q, db.cached_literal("INSERT INTO donations(log_id, leaf, date, fund, amount, currency, fund_amount, org_amount, channel, "
        "account, receipt, donor, bank_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q->bind(1, log_id).bind(2, leaf).bind(3, std::string_view(d->date)).bind(4, std::string_view(d->fund))
        .bind(5, d->amount.minor).bind(6, d->amount.currency.code()).bind(7, m.amount.minor).bind(8, m.org)
        .bind(9, channel_name(d->channel)).bind(10, std::string_view(d->account)).bind(11, std::string_view(d->receipt))
        .bind(12, std::string_view(p.priv.donor))
        // An imported donation's reference lives on its bank line: left out here, it costs no
        // random page of donations_bank_ref, which only hand-booked donations need (for
        // matching a later statement line to them).
        .bind(13, p.priv.bank_line ? std::string_view("") : std::string_view(p.priv.bank_ref));
    AMANAT_CHECK(q->run());
    if (p.priv.bank_line) {
      AMANAT_CHECK(insert_bank_line(db, org_, *p.priv.bank_line, leaf));
    } else if (!p.priv.bank_ref.empty()) {
      if (hand_refs_) hand_refs_->add(p.priv.bank_ref);  // see SqliteBankStore::unmatched_donation
    }
    if (!p.priv.donor.empty()) AMANAT_CHECK(count_donor(db, d->fund, p.priv.donor, 1));
    return {};
  }
  if (const auto* e = std::get_if<Expense>(&body)) {
    // The books seal the payee as the record commits (books/payee.h): never written in the clear.
    if (p.priv.sealed_payee.empty()) return fail(Errc::internal, "an expense reached the store without its sealed payee");
    AMANAT_TRY(receipts, files_of(e->receipt_commitments.size(), e->receipts, p.priv));
    AMANAT_TRY(q, db.cached_literal("INSERT INTO expenses(log_id, leaf, date, amount, currency, category, account, payee, payee_salt, memo, "
        "bank_ref, receipts, booked_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q->bind(1, log_id).bind(2, leaf).bind(3, std::string_view(e->date)).bind(4, e->amount.minor)
        .bind(5, e->amount.currency.code()).bind(6, category_name(e->category)).bind(7, std::string_view(e->account))
        .bind_blob(8, p.priv.sealed_payee).bind(9, std::string_view(p.priv.payee_salt)).bind(10, std::string_view(e->memo))
        .bind(11, std::string_view(p.priv.bank_ref)).bind(12, static_cast<std::int64_t>(receipts.size()))
        .bind(13, std::string_view(p.priv.booked_by));
    AMANAT_CHECK(q->run());
    for (std::size_t i = 0; i < e->splits.size(); ++i) {
      const FundMove& m = p.booking.moves.at(i);
      AMANAT_TRY(s, db.cached_literal("INSERT INTO expense_splits(log_id, leaf, fund, date, category, amount, fund_amount, org_amount) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
      s->bind(1, log_id).bind(2, leaf).bind(3, std::string_view(e->splits[i].fund)).bind(4, std::string_view(e->date))
          .bind(5, category_name(e->category)).bind(6, e->splits[i].amount.minor).bind(7, m.amount.minor).bind(8, m.org);
      AMANAT_CHECK(s->run());
    }
    for (const auto& h : receipts) {
      AMANAT_TRY(r, db.cached_literal("INSERT INTO expense_receipts(log_id, expense, sha256, leaf) VALUES (?, ?, ?, ?)"));
      r->bind(1, log_id).bind(2, leaf).bind(3, std::string_view(h)).bind(4, leaf);
      AMANAT_CHECK(r->run());
    }
    if (!receipts.empty()) AMANAT_CHECK(fund_flags_delta(db, leaf, true, false, 1));
    return {};
  }
  if (const auto* t = std::get_if<Transfer>(&body)) {
    AMANAT_TRY(q, db.cached_literal("INSERT INTO transfers(log_id, leaf, date, from_fund, to_fund, amount, to_amount, org_amount, reason) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q->bind(1, log_id).bind(2, leaf).bind(3, std::string_view(t->date)).bind(4, std::string_view(t->from))
        .bind(5, std::string_view(t->to)).bind(6, t->amount.minor).bind(7, p.booking.moves.at(1).amount.minor)
        .bind(8, p.booking.moves.at(0).org).bind(9, std::string_view(t->reason));
    return q->run();
  }
  if (const auto* c = std::get_if<Correction>(&body)) {
    AMANAT_TRY(q, db.cached_literal("INSERT INTO corrections(log_id, leaf, reverses, date, reason) VALUES (?, ?, ?, ?, ?)"));
    q->bind(1, log_id).bind(2, leaf).bind(3, c->reverses).bind(4, std::string_view(c->date))
        .bind(5, std::string_view(c->reason));
    AMANAT_CHECK(q->run());
    // Mark the original, and undo what it added to the counters that are not plain sums.
    for (const char* table : {"donations", "expenses", "transfers"}) {
      AMANAT_TRY(u, db.cached(std::string("UPDATE ") + table + " SET reversed_by = ? WHERE log_id = ? AND leaf = ? AND reversed_by IS NULL"));
      u->bind(1, leaf).bind(2, log_id).bind(3, c->reverses);
      AMANAT_CHECK(u->run());
      if (db.changes() == 0) continue;
      if (std::string_view(table) == "donations") {
        AMANAT_TRY(d, db.cached_literal("SELECT fund, donor FROM donations WHERE log_id = ? AND leaf = ?"));
        d->bind(1, log_id).bind(2, c->reverses);
        auto row = d->step();
        if (!row) return err(row);
        std::string fund = d->column_text(0), donor = d->column_text(1);
        d->reset();
        if (!donor.empty()) AMANAT_CHECK(count_donor(db, fund, donor, -1));
      } else if (std::string_view(table) == "expenses") {
        AMANAT_TRY(x, db.cached_literal("SELECT receipts, approvals FROM expenses WHERE log_id = ? AND leaf = ?"));
        x->bind(1, log_id).bind(2, c->reverses);
        auto row = x->step();
        if (!row) return err(row);
        bool receipted = x->column_int(0) > 0, approved = x->column_int(1) >= 2;
        x->reset();
        if (receipted || approved) AMANAT_CHECK(fund_flags_delta(db, c->reverses, receipted, approved, -1));
      }
      return {};
    }
    return fail(Errc::not_found, "record " + std::to_string(c->reverses) + " is not a live donation, expense or transfer");
  }
  if (const auto* a = std::get_if<Approval>(&body)) {
    AMANAT_TRY(q, db.cached_literal("INSERT INTO expense_approvals(log_id, expense, by, leaf) VALUES (?, ?, ?, ?)"));
    q->bind(1, log_id).bind(2, a->expense).bind(3, std::string_view(a->by)).bind(4, leaf);
    AMANAT_CHECK(q->run());
    return bump_expense(db, a->expense,
                        "UPDATE expenses SET approvals = approvals + 1 WHERE log_id = ? AND leaf = ? "
                        "RETURNING approvals, reversed_by",
                        2, /*receipted=*/false);
  }
  if (const auto* c = std::get_if<Confirmation>(&body)) {
    AMANAT_TRY(files, files_of(c->evidence_commitment.empty() ? 0 : 1, one_or_none(c->evidence), p.priv));
    const std::string evidence = files.empty() ? std::string() : files[0];
    AMANAT_TRY(q, db.cached_literal("INSERT INTO expense_confirmations(log_id, expense, role, evidence, leaf) VALUES (?, ?, ?, ?, ?)"));
    q->bind(1, log_id).bind(2, c->expense).bind(3, confirm_role_name(c->role)).bind(4, std::string_view(evidence))
        .bind(5, leaf);
    AMANAT_CHECK(q->run());
    AMANAT_TRY(u, db.cached_literal(c->role == ConfirmRole::lawyer ? "UPDATE expenses SET lawyer = 1 WHERE log_id = ? AND leaf = ?"
                                           : "UPDATE expenses SET survivor = 1 WHERE log_id = ? AND leaf = ?"));
    u->bind(1, log_id).bind(2, c->expense);
    return u->run();
  }
  if (const auto* r = std::get_if<ReceiptAttach>(&body)) {
    AMANAT_TRY(file, files_of(r->commitment.empty() ? 0 : 1, one_or_none(r->sha256), p.priv));
    AMANAT_TRY(q, db.cached_literal("INSERT INTO expense_receipts(log_id, expense, sha256, leaf) VALUES (?, ?, ?, ?)"));
    q->bind(1, log_id).bind(2, r->expense).bind(3, std::string_view(file.at(0))).bind(4, leaf);
    AMANAT_CHECK(q->run());
    return bump_expense(db, r->expense,
                        "UPDATE expenses SET receipts = receipts + 1 WHERE log_id = ? AND leaf = ? "
                        "RETURNING receipts, reversed_by",
                        1, /*receipted=*/true);
  }
  // Published reports are on the log; nothing else to store.
  return {};
}


Status insert_bank_line(Db& db, std::int64_t org, const BankLine& l, std::optional<std::uint64_t> record) {
  // Appended in arrival order (a rowid table): the line's key is a keyed hash, and a table or
  // index ordered by it would put every line on a random page. The importer has checked the
  // key against every stored one (books/import/importer.h).
  AMANAT_TRY(q, db.cached_literal(
                    "INSERT INTO bank_lines(log_id, key, account, date, amount, currency, bank_ref, record, import) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  q->bind(1, org).bind(2, std::string_view(l.key)).bind(3, std::string_view(l.account))
      .bind(4, std::string_view(l.date)).bind(5, l.amount.minor).bind(6, l.amount.currency.code())
      .bind(7, std::string_view(l.bank_ref)).bind(9, l.import_id);
  if (record) q->bind(8, *record);
  return q->run();
}

}  // namespace amanat::store::sqlite
