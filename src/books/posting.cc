#include "books/posting.h"

#include <set>

namespace amanat::books {

namespace {

bool restricted(std::string_view fund) { return fund != kGeneralFund; }

// Converts record amounts with the record's stated rates, and remembers which rates it used.
class Converter {
 public:
  Converter(const Rates& rates, Currency from) : rates_(rates), from_(from) {}

  // `why` and `fund` name the conversion in the error ("into fund" "A-1"): built only then,
  // since nearly every record needs no conversion at all.
  Result<Money> to(Money m, Currency target, std::string_view why, std::string_view fund = {}) {
    if (target == from_) return m;
    std::string code(target.code());
    auto it = rates_.find(code);
    if (it == rates_.end())
      return fail(Errc::invalid, "rates." + code + ": needed to book " + std::string(from_.code()) + " " +
                                     std::string(why) + (fund.empty() ? "" : " ") + std::string(fund) + " (held in " +
                                     code + ")");
    used_.insert(code);
    return convert(m, target, it->second);
  }
  Status all_used() const {
    for (const auto& [code, rate] : rates_)
      if (!used_.count(code)) return fail(Errc::invalid, "rates." + code + ": not needed by this record");
    return {};
  }

 private:
  const Rates& rates_;
  Currency from_;
  std::set<std::string> used_;
};

Result<Currency> fund_currency(const FundCurrency& funds, std::string_view fund) {
  auto c = funds(fund);
  if (!c) return fail(Errc::not_found, "fund " + std::string(fund) + " does not exist");
  return *c;
}

Posting posting(std::string account, Money amount, std::optional<Money> cost = std::nullopt) {
  return Posting{std::move(account), amount, cost};
}

std::optional<Money> cost_if(Money paid, Money fund_amount) {
  if (paid.currency == fund_amount.currency) return std::nullopt;
  return fund_amount;
}

Money neg(Money m) { return Money{-m.minor, m.currency}; }

}  // namespace

std::string income_account(std::string_view fund) {
  return restricted(fund) ? "Income:Restricted:" + std::string(fund) + ":Donations"
                          : "Income:Unrestricted:Donations";
}
std::string expense_account(std::string_view fund, Category c) {
  return (restricted(fund) ? "Expenses:Restricted:" + std::string(fund) + ":" : std::string("Expenses:Unrestricted:")) +
         std::string(category_account(c));
}
std::string transfer_account(std::string_view fund) {
  return restricted(fund) ? "Equity:Transfers:Restricted:" + std::string(fund) : "Equity:Transfers:Unrestricted";
}
std::string asset_account(std::string_view money_account) { return "Assets:" + std::string(money_account); }

Result<Booking> book(std::uint64_t id, const Record& r, Currency org, const FundCurrency& funds,
                     const Booking* reversed, bool with_postings) {
  Booking b;
  if (auto st = book_into(b, id, r, org, funds, reversed, with_postings); !st) return err(st);
  return b;
}

Status book_into(Booking& b, std::uint64_t id, const Record& r, Currency org, const FundCurrency& funds,
                 const Booking* reversed, bool with_postings) {
  b.txn.id = id;
  b.txn.date.clear();
  b.txn.narration.clear();
  b.txn.meta.clear();
  b.txn.postings.clear();
  b.moves.clear();

  if (const auto* d = std::get_if<Donation>(&r.body)) {
    auto fc = fund_currency(funds, d->fund);
    if (!fc) return err(fc);
    Converter conv(d->rates, d->amount.currency);
    auto fa = conv.to(d->amount, *fc, "into fund", d->fund);
    if (!fa) return err(fa);
    auto oa = conv.to(d->amount, org, "into the organisation's currency");
    if (!oa) return err(oa);
    if (auto st = conv.all_used(); !st) return err(st);
    b.txn.date = d->date;
    if (with_postings)
      b.txn.postings = {posting(asset_account(d->account), d->amount, cost_if(d->amount, *fa)),
                        posting(income_account(d->fund), neg(*fa))};
    b.moves.push_back({d->fund, MoveKind::raised, *fa, oa->minor, Category::other, 1});
    return {};
  }
  if (const auto* e = std::get_if<Expense>(&r.body)) {
    Converter conv(e->rates, e->amount.currency);
    b.txn.date = e->date;
    for (const auto& s : e->splits) {
      auto fc = fund_currency(funds, s.fund);
      if (!fc) return err(fc);
      auto fa = conv.to(s.amount, *fc, "from fund", s.fund);
      if (!fa) return err(fa);
      auto oa = conv.to(s.amount, org, "into the organisation's currency");
      if (!oa) return err(oa);
      if (with_postings) {
        b.txn.postings.push_back(posting(expense_account(s.fund, e->category), *fa));
        b.txn.postings.push_back(posting(asset_account(e->account), neg(s.amount), cost_if(s.amount, neg(*fa))));
      }
      b.moves.push_back({s.fund, MoveKind::spent, *fa, oa->minor, e->category, 0});
    }
    if (auto st = conv.all_used(); !st) return err(st);
    return {};
  }
  if (const auto* t = std::get_if<Transfer>(&r.body)) {
    auto from_c = fund_currency(funds, t->from);
    if (!from_c) return err(from_c);
    auto to_c = fund_currency(funds, t->to);
    if (!to_c) return err(to_c);
    if (*from_c != t->amount.currency)
      return fail(Errc::invalid, "currency: fund " + t->from + " is held in " + std::string(from_c->code()) +
                                     "; state the transfer in that currency");
    Converter conv(t->rates, t->amount.currency);
    auto ta = conv.to(t->amount, *to_c, "into fund", t->to);
    if (!ta) return err(ta);
    auto oa = conv.to(t->amount, org, "into the organisation's currency");
    if (!oa) return err(oa);
    if (auto st = conv.all_used(); !st) return err(st);
    b.txn.date = t->date;
    if (with_postings)
      b.txn.postings = {posting(transfer_account(t->from), t->amount, cost_if(t->amount, *ta)),
                        posting(transfer_account(t->to), neg(*ta))};
    b.moves.push_back({t->from, MoveKind::transfer_out, t->amount, oa->minor, Category::other, 0});
    b.moves.push_back({t->to, MoveKind::transfer_in, *ta, oa->minor, Category::other, 0});
    return {};
  }
  if (const auto* c = std::get_if<Correction>(&r.body)) {
    if (!reversed || reversed->moves.empty())
      return fail(Errc::invalid, "reverses: record " + std::to_string(c->reverses) +
                                     " moved no money; only donations, expenses and transfers are corrected");
    b.txn.date = c->date;
    for (const auto& p : reversed->txn.postings)
      b.txn.postings.push_back(posting(p.account, neg(p.amount),
                                       p.cost ? std::optional<Money>(neg(*p.cost)) : std::nullopt));
    for (FundMove m : reversed->moves) {
      m.amount = neg(m.amount);
      m.org = -m.org;
      m.donations = -m.donations;
      b.moves.push_back(std::move(m));
    }
    return {};
  }
  // Appeals, approvals, confirmations, receipts and reports move no money.
  if (const auto* a = std::get_if<AppealOpen>(&r.body)) b.txn.date = a->date;
  else if (const auto* u = std::get_if<AppealUpdate>(&r.body)) b.txn.date = u->date;
  else b.txn.date = r.time.substr(0, 10);
  return {};
}

}  // namespace amanat::books
