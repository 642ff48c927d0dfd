#include "store/sqlite/books_reports.h"

#include <algorithm>
#include <map>

namespace amanat::store::sqlite {

using namespace amanat::books;

Result<std::unique_ptr<SqliteReportStore>> SqliteReportStore::open(Database& db, std::int64_t org) {
  ReadConnection reader(db);
  return std::unique_ptr<SqliteReportStore>(new SqliteReportStore(db, org, std::move(reader)));
}

Result<Report> SqliteReportStore::report(const ReportQuery& query) {
  AMANAT_CHECK(check_period(query.from, query.to));
  // One read transaction: every figure comes from the same committed state.
  return read_([&](Db& db) { return read_transaction(db, [&] { return report_on(db, query); }); });
}

Result<Report> SqliteReportStore::report_on(Db& db, const ReportQuery& query) {
  const std::int64_t log_id = org_;

  Report rep{.currency = *currency("KZT")};
  {
    auto q = db.cached("SELECT name, currency, donors FROM books WHERE log_id = ?");
    if (!q) return err(q);
    (*q)->bind(1, log_id);
    auto row = (*q)->step();
    if (!row) return err(row);
    if (!*row) return fail(Errc::not_found, "these books are not open yet; run `amanat init` or `amanat books init`");
    rep.organisation = (*q)->column_text(0);
    auto c = currency((*q)->column_text(1));
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
    AMANAT_CHECK((*q)->each([&](Stmt& s) -> Status {
      auto c = currency(s.column_text(1));
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
      return {};
    }));
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
    AMANAT_CHECK((*q)->each([&](Stmt&) -> Status {
      auto it = funds.find((*q)->column_text(0));
      if (it == funds.end()) return {};
      it->second.spent_by_category[cat_index((*q)->column_text(1))].second = (*q)->column_int(2);
      return {};
    }));
  } else {
    // A period: the records dated in it, as corrected.
    auto don = db.cached(
        "SELECT fund, COUNT(*), SUM(fund_amount), SUM(org_amount), COUNT(DISTINCT NULLIF(donor, '')) FROM donations "
        "WHERE log_id = ?1 AND date >= ?2 AND date <= ?3 AND reversed_by IS NULL GROUP BY fund");
    if (!don) return err(don);
    (*don)->bind(1, log_id).bind(2, std::string_view(from)).bind(3, std::string_view(to));
    AMANAT_CHECK((*don)->each([&](Stmt&) -> Status {
      auto it = funds.find((*don)->column_text(0));
      if (it == funds.end()) return {};
      auto& f = it->second;
      f.donations = static_cast<std::uint64_t>((*don)->column_int(1));
      f.raised = (*don)->column_int(2), f.raised_org = (*don)->column_int(3);
      f.donors = static_cast<std::uint64_t>((*don)->column_int(4));
      return {};
    }));
    auto sp = db.cached(
        "SELECT s.fund, s.category, COUNT(*), SUM(s.fund_amount), SUM(s.org_amount), "
        "SUM(CASE WHEN e.receipts > 0 THEN s.fund_amount ELSE 0 END), "
        "SUM(CASE WHEN e.approvals >= 2 THEN s.fund_amount ELSE 0 END) "
        "FROM expense_splits s JOIN expenses e ON e.log_id = s.log_id AND e.leaf = s.leaf "
        "WHERE s.log_id = ?1 AND s.date >= ?2 AND s.date <= ?3 AND e.reversed_by IS NULL GROUP BY s.fund, s.category");
    if (!sp) return err(sp);
    (*sp)->bind(1, log_id).bind(2, std::string_view(from)).bind(3, std::string_view(to));
    AMANAT_CHECK((*sp)->each([&](Stmt&) -> Status {
      auto it = funds.find((*sp)->column_text(0));
      if (it == funds.end()) return {};
      auto& f = it->second;
      f.expenses += static_cast<std::uint64_t>((*sp)->column_int(2));
      f.spent += (*sp)->column_int(3), f.spent_org += (*sp)->column_int(4);
      f.spent_with_receipt += (*sp)->column_int(5), f.spent_approved += (*sp)->column_int(6);
      f.spent_by_category[cat_index((*sp)->column_text(1))].second += (*sp)->column_int(3);
      return {};
    }));
    for (bool out : {true, false}) {
      auto tr = db.cached(out ? "SELECT from_fund, SUM(amount), SUM(org_amount) FROM transfers WHERE log_id = ?1 "
                                "AND date >= ?2 AND date <= ?3 AND reversed_by IS NULL GROUP BY from_fund"
                              : "SELECT to_fund, SUM(to_amount), SUM(org_amount) FROM transfers WHERE log_id = ?1 "
                                "AND date >= ?2 AND date <= ?3 AND reversed_by IS NULL GROUP BY to_fund");
      if (!tr) return err(tr);
      (*tr)->bind(1, log_id).bind(2, std::string_view(from)).bind(3, std::string_view(to));
      AMANAT_CHECK((*tr)->each([&](Stmt&) -> Status {
        auto it = funds.find((*tr)->column_text(0));
        if (it == funds.end()) return {};
        auto& f = it->second;
        (out ? f.transfers_out : f.transfers_in) += (*tr)->column_int(1);
        (out ? f.out_org : f.in_org) += (*tr)->column_int(2);
        return {};
      }));
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
    AMANAT_CHECK((*q)->each([&](Stmt&) -> Status {
      rep.org.expenses_by_category[cat_index((*q)->column_text(0))].second = (*q)->column_int(1);
      return {};
    }));
  }
  if (query.fund) rep.org.donors = rep.funds.empty() ? 0 : rep.funds[0].donors;
  return rep;
}

Result<FundActivity> SqliteReportStore::activity(const ActivityQuery& query) {
  return read_([&](Db& db) { return read_transaction(db, [&] { return activity_on(db, query); }); });
}

Result<FundActivity> SqliteReportStore::activity_on(Db& db, const ActivityQuery& query) {
  FundActivity out;
  Currency cur = *currency("KZT");
  {
    AMANAT_TRY(q, db.cached_literal("SELECT currency FROM funds WHERE log_id = ? AND fund = ?"));
    q->bind(1, org_).bind(2, std::string_view(query.fund));
    AMANAT_TRY(row, q->step());
    if (!row) return fail(Errc::not_found, "fund " + query.fund + " does not exist");
    AMANAT_TRY(c, currency(q->column_text(0)));
    cur = c;
    q->reset();
    AMANAT_TRY(s, db.cached_literal("SELECT size FROM logs WHERE id = ?"));
    s->bind(1, org_);
    AMANAT_TRY(r2, s->step());
    out.log_size = r2 ? static_cast<std::uint64_t>(s->column_int(0)) : 0;
    s->reset();
  }
  // Money in and out per month, as corrected (a reversed record counts nowhere).
  std::map<std::string, MonthFlows> months;
  const std::pair<const char*, std::int64_t MonthFlows::*> flows[] = {
      {"SELECT substr(date, 1, 7), SUM(fund_amount) FROM donations WHERE log_id = ?1 AND fund = ?2 "
       "AND reversed_by IS NULL GROUP BY 1",
       &MonthFlows::raised},
      {"SELECT substr(s.date, 1, 7), SUM(s.fund_amount) FROM expense_splits s JOIN expenses e ON "
       "e.log_id = s.log_id AND e.leaf = s.leaf WHERE s.log_id = ?1 AND s.fund = ?2 AND "
       "e.reversed_by IS NULL GROUP BY 1",
       &MonthFlows::spent},
  };
  for (const auto& [sql, member] : flows) {
    AMANAT_TRY(q, db.cached_literal(sql));
    q->bind(1, org_).bind(2, std::string_view(query.fund));
    AMANAT_CHECK(q->each([&](Stmt& r) {
      auto& m = months[r.column_text(0)];
      m.month = r.column_text(0);
      m.*member = r.column_int(1);
    }));
  }
  for (auto& [k, m] : months) out.months.push_back(std::move(m));

  // Its expenses, newest first, one more than asked to know whether another page follows.
  AMANAT_TRY(ex, db.cached_literal(
                     "SELECT s.leaf, s.date, s.category, s.fund_amount, e.approvals FROM expense_splits s JOIN "
                     "expenses e ON e.log_id = s.log_id AND e.leaf = s.leaf WHERE s.log_id = ?1 AND s.fund = ?2 AND "
                     "e.reversed_by IS NULL AND s.leaf < ?3 ORDER BY s.leaf DESC LIMIT ?4"));
  ex->bind(1, org_).bind(2, std::string_view(query.fund));
  ex->bind(3, static_cast<std::int64_t>(std::min<std::uint64_t>(query.before.value_or(INT64_MAX), INT64_MAX)));
  ex->bind(4, static_cast<std::int64_t>(query.limit + 1));
  AMANAT_CHECK(ex->each([&](Stmt& r) -> Status {
    PublicExpense e{.currency = cur};
    e.record = static_cast<std::uint64_t>(r.column_int(0));
    e.date = r.column_text(1);
    auto c = parse_category(r.column_text(2));
    e.category = c ? *c : Category::other;
    e.amount = r.column_int(3);
    e.approved = r.column_int(4) >= 2;
    out.expenses.push_back(std::move(e));
    return {};
  }));
  if (out.expenses.size() > query.limit) {
    out.expenses.erase(out.expenses.begin() + static_cast<std::ptrdiff_t>(query.limit), out.expenses.end());
    out.next = out.expenses.back().record;
  }
  AMANAT_TRY(rc, db.cached_literal("SELECT leaf FROM expense_receipts WHERE log_id = ? AND expense = ? ORDER BY leaf"));
  for (auto& e : out.expenses) {
    rc->bind(1, org_).bind(2, static_cast<std::int64_t>(e.record));
    AMANAT_CHECK(rc->each([&](Stmt& r) { e.receipts.push_back(static_cast<std::uint64_t>(r.column_int(0))); }));
  }
  return out;
}

namespace {

// A list's filters as SQL: each clause appended with " AND ", and the texts bound to its `?`s in
// order (after the organisation's).
struct Filters {
  std::string sql;
  std::vector<std::string> args;
  Filters& where(std::string_view clause) {
    sql.append(" AND ").append(clause);
    return *this;
  }
  Filters& where(std::string_view clause, const std::optional<std::string>& value, int uses = 1) {
    if (!value) return *this;
    where(clause);
    for (int i = 0; i < uses; ++i) args.push_back(*value);
    return *this;
  }
  // The record's date, from and to inclusive (YYYY-MM-DD compares as text).
  Filters& dates(std::string_view column, const ListQuery& q) {
    where(std::string(column) + " >= ?", q.from);
    return where(std::string(column) + " <= ?", q.to);
  }
};

// One page of a list, newest first: the rows of `select` (which ends in "WHERE <table>.log_id =
// ?", its first column the record number `key`) that `f` admits and numbered below q.before,
// one more than asked to know whether another page follows. Each statement is prepared once per
// combination of filters, so the planner sees which are given and picks its index for them.
template <class Item, class Read>
Result<Page<Item>> read_page(Db& db, std::int64_t org, std::string_view select, std::string_view key,
                             const Filters& f, const ListQuery& q, Read read) {
  std::string sql(select);
  sql.append(f.sql).append(" AND ").append(key).append(" < ? ORDER BY ").append(key).append(" DESC LIMIT ?");
  AMANAT_TRY(st, db.cached(sql));
  int i = 1;
  st->bind(i++, org);
  for (const auto& a : f.args) st->bind(i++, std::string_view(a));
  st->bind(i++, static_cast<std::int64_t>(std::min<std::uint64_t>(q.before.value_or(INT64_MAX), INT64_MAX)));
  st->bind(i++, static_cast<std::int64_t>(q.limit + 1));
  Page<Item> out;
  std::vector<std::uint64_t> keys;
  AMANAT_CHECK(st->each([&](Stmt& r) -> Status {
    keys.push_back(static_cast<std::uint64_t>(r.column_int(0)));
    AMANAT_TRY(item, read(r));
    out.items.push_back(std::move(item));
    return {};
  }));
  if (out.items.size() > q.limit) {
    out.items.erase(out.items.begin() + static_cast<std::ptrdiff_t>(q.limit), out.items.end());
    out.next = keys[q.limit - 1];
  }
  return out;
}

Result<Money> money_at(Stmt& r, int amount, int currency_code) {
  AMANAT_TRY(c, currency(r.column_text(currency_code)));
  return Money{r.column_int(amount), c};
}

std::optional<std::uint64_t> leaf_at(Stmt& r, int i) {
  if (r.column_null(i)) return std::nullopt;
  return static_cast<std::uint64_t>(r.column_int(i));
}

}  // namespace

Result<Page<DonationItem>> SqliteReportStore::donations(const ListQuery& q) {
  AMANAT_CHECK(check_period(q.from, q.to));
  return read_([&](Db& db) { return read_transaction(db, [&] { return donations_on(db, q); }); });
}

Result<Page<DonationItem>> SqliteReportStore::donations_on(Db& db, const ListQuery& q) {
  Filters f;
  f.where("fund = ?", q.fund).dates("date", q);
  if (q.channel) f.where("channel = ?", std::string(channel_name(*q.channel)));
  // SQLite reads newest first along the primary key and stops at a full page: right for all
  // donations, and for a fund that holds many of them. A fund's period, or a fund with few of
  // them (under 1/16 of the live donations, so along the key a page would read 16 times its
  // length or more), is read from donations_fund_date and sorted. Dates alone read along the
  // key: a date index would cost every donation a page write (docs/benchmarks.md).
  bool by_fund = q.fund && (q.from || q.to);
  if (q.fund && !by_fund) {
    AMANAT_TRY(share, db.cached_literal(
                          "SELECT COALESCE((SELECT donations FROM funds WHERE log_id = ?1 AND fund = ?2), 0) * 16 < "
                          "(SELECT COALESCE(SUM(donations), 0) FROM funds WHERE log_id = ?1)"));
    share->bind(1, org_).bind(2, std::string_view(*q.fund));
    AMANAT_CHECK(share->first([&](Stmt& r) { by_fund = r.column_int(0) != 0; }));
  }
  return read_page<DonationItem>(
      db, org_,
      std::string("SELECT leaf, date, fund, amount, currency, channel, account, reversed_by FROM donations") +
          (by_fund ? " INDEXED BY donations_fund_date" : "") + " WHERE log_id = ?",
      "leaf", f, q, [](Stmt& r) -> Result<DonationItem> {
        AMANAT_TRY(amount, money_at(r, 3, 4));
        auto channel = parse_channel(r.column_text(5));
        return DonationItem{.record = static_cast<std::uint64_t>(r.column_int(0)),
                            .date = r.column_text(1),
                            .fund = r.column_text(2),
                            .amount = amount,
                            .channel = channel ? *channel : Channel::other,
                            .account = r.column_text(6),
                            .reversed_by = leaf_at(r, 7)};
      });
}

Result<Page<ExpenseItem>> SqliteReportStore::expenses(const ListQuery& q) {
  AMANAT_CHECK(check_period(q.from, q.to));
  return read_([&](Db& db) { return read_transaction(db, [&] { return expenses_on(db, q); }); });
}

Result<Page<ExpenseItem>> SqliteReportStore::expenses_on(Db& db, const ListQuery& q) {
  Filters f;
  f.where("EXISTS (SELECT 1 FROM expense_splits s WHERE s.log_id = expenses.log_id AND s.leaf = expenses.leaf "
          "AND s.fund = ?)",
          q.fund)
      .dates("date", q);
  // As the partial index expenses_waiting (schema migration 12) states it, so that it is used:
  // the waiting ones, newest first, with no sort. Otherwise SQLite reads newest first along the
  // primary key until a page is full, which for a period long past would read every expense
  // after it, and before it when the period holds less than a page: a period is read from
  // expenses_date and sorted.
  const char* index = "";
  if (q.waiting) f.where("reversed_by IS NULL AND approvals < 2");
  else if (q.from || q.to) index = " INDEXED BY expenses_date";
  AMANAT_TRY(page, read_page<ExpenseItem>(
                       db, org_,
                       std::string("SELECT leaf, date, amount, currency, category, account, memo, booked_by, lawyer, "
                                   "survivor, reversed_by FROM expenses") +
                           index + " WHERE log_id = ?",
                       "leaf", f, q, [](Stmt& r) -> Result<ExpenseItem> {
                         AMANAT_TRY(amount, money_at(r, 2, 3));
                         auto category = parse_category(r.column_text(4));
                         return ExpenseItem{.record = static_cast<std::uint64_t>(r.column_int(0)),
                                            .date = r.column_text(1),
                                            .amount = amount,
                                            .category = category ? *category : Category::other,
                                            .account = r.column_text(5),
                                            .memo = r.column_text(6),
                                            .booked_by = r.column_text(7),
                                            .lawyer = r.column_int(8) != 0,
                                            .survivor = r.column_int(9) != 0,
                                            .reversed_by = leaf_at(r, 10)};
                       }));
  // Each expense's splits, approvals and receipts: a page holds at most 200 expenses.
  AMANAT_TRY(splits, db.cached_literal("SELECT fund, amount FROM expense_splits WHERE log_id = ? AND leaf = ?"));
  AMANAT_TRY(approvals,
             db.cached_literal("SELECT by FROM expense_approvals WHERE log_id = ? AND expense = ? ORDER BY leaf"));
  AMANAT_TRY(receipts, db.cached_literal(
                           "SELECT sha256 FROM expense_receipts WHERE log_id = ? AND expense = ? ORDER BY leaf, sha256"));
  for (auto& e : page.items) {
    splits->bind(1, org_).bind(2, e.record);
    AMANAT_CHECK(splits->each([&](Stmt& r) { e.splits.push_back(Split{r.column_text(0), {r.column_int(1), e.amount.currency}}); }));
    approvals->bind(1, org_).bind(2, e.record);
    AMANAT_CHECK(approvals->each([&](Stmt& r) { e.approvals.push_back(r.column_text(0)); }));
    receipts->bind(1, org_).bind(2, e.record);
    AMANAT_CHECK(receipts->each([&](Stmt& r) { e.receipts.push_back(r.column_text(0)); }));
  }
  return page;
}

Result<Page<TransferItem>> SqliteReportStore::transfers(const ListQuery& q) {
  AMANAT_CHECK(check_period(q.from, q.to));
  Filters f;
  f.where("(t.from_fund = ? OR t.to_fund = ?)", q.fund, 2).dates("t.date", q);
  return read_([&](Db& db) {
    return read_page<TransferItem>(
        db, org_,
        "SELECT t.leaf, t.date, t.from_fund, t.to_fund, t.amount, f.currency, t.to_amount, g.currency, t.reason, "
        "t.reversed_by FROM transfers t JOIN funds f ON f.log_id = t.log_id AND f.fund = t.from_fund "
        "JOIN funds g ON g.log_id = t.log_id AND g.fund = t.to_fund WHERE t.log_id = ?",
        "t.leaf", f, q, [](Stmt& r) -> Result<TransferItem> {
          AMANAT_TRY(amount, money_at(r, 4, 5));
          AMANAT_TRY(to_amount, money_at(r, 6, 7));
          return TransferItem{.record = static_cast<std::uint64_t>(r.column_int(0)),
                              .date = r.column_text(1),
                              .from = r.column_text(2),
                              .to = r.column_text(3),
                              .amount = amount,
                              .to_amount = to_amount,
                              .reason = r.column_text(8),
                              .reversed_by = leaf_at(r, 9)};
        });
  });
}

Result<Page<ImportItem>> SqliteReportStore::imports(const ListQuery& q) {
  return read_([&](Db& db) {
    return read_page<ImportItem>(db, org_, "SELECT id, sha256, format, lines, time FROM imports WHERE log_id = ?", "id",
                                 Filters{}, q, [](Stmt& r) -> Result<ImportItem> {
                                   return ImportItem{.id = static_cast<std::uint64_t>(r.column_int(0)),
                                                     .sha256 = r.column_text(1),
                                                     .format = r.column_text(2),
                                                     .lines = static_cast<std::uint64_t>(r.column_int(3)),
                                                     .time = r.column_text(4)};
                                 });
  });
}

Status SqliteReportStore::journal(const std::function<Status(const books::Transaction&)>& each) {
  // A connection of its own: a long export must not hold up look-ups on the reader.
  auto db = db_.open_reader();
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
  q->bind(1, org_);
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

Result<std::vector<std::pair<std::string, std::string>>> SqliteReportStore::accounts() {
  // Derived from the journal itself (one pass over it; exports make one anyway) rather than kept
  // in a table that every posting would have to touch.
  return read_([&](Db& db) -> Result<std::vector<std::pair<std::string, std::string>>> {
    AMANAT_TRY(q, db.cached_literal(
                      "SELECT account, MIN(date) FROM postings WHERE log_id = ? GROUP BY account ORDER BY account"));
    q->bind(1, org_);
    std::vector<std::pair<std::string, std::string>> out;
    AMANAT_CHECK(q->each([&](Stmt& row) { out.emplace_back(row.column_text(0), row.column_text(1)); }));
    return out;
  });
}

Result<std::vector<std::string>> SqliteReportStore::currencies() {
  return read_([&](Db& db) -> Result<std::vector<std::string>> {
    AMANAT_TRY(q, db.cached_literal(
                      "SELECT currency FROM postings WHERE log_id = ?1 UNION SELECT cost_currency FROM postings "
                      "WHERE log_id = ?1 AND cost_currency IS NOT NULL ORDER BY 1"));
    q->bind(1, org_);
    std::vector<std::string> out;
    AMANAT_CHECK(q->each([&](Stmt& row) { out.push_back(row.column_text(0)); }));
    return out;
  });
}

}  // namespace amanat::store::sqlite
