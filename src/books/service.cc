#include "books/service.h"

#include <chrono>
#include <ctime>

#include "books/identity.h"
#include "books/leaf.h"
#include "books/payee.h"
#include "core/family.h"
#include "core/reasons.h"
#include "tlog/tile.h"

namespace amanat::books {

namespace {

// total += delta, if the result stays within what a report can publish (never wrapping).
bool add_within(std::int64_t& total, std::int64_t delta) {
  std::int64_t sum;
  if (__builtin_add_overflow(total, delta, &sum) || sum > kMaxPublishable || sum < -kMaxPublishable) return false;
  total = sum;
  return true;
}

std::string format_time(std::time_t t, bool date_only) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, date_only ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A file as the caller committed to it: its commitment recomputed from its salt and hash, so a
// leaf never carries a commitment that the revealed salt would not open.
Status check_file(const FileCommitment& f, std::string_view field) {
  auto c = file_commitment(f.salt, f.sha256);
  if (!c) return std::unexpected(c.error().context(field));
  if (*c != f.commitment) return fail_field(field, "the commitment does not match the file's salt and hash");
  return {};
}

std::string default_account(Channel c) {
  switch (c) {
    case Channel::bank: return "Bank:Main";
    case Channel::card: return "Card";
    case Channel::cash: return "Cash";
    case Channel::mobile: return "Mobile";
    case Channel::other: return "Other";
  }
  return "Other";
}

}  // namespace

std::string system_clock_now() { return format_time(std::time(nullptr), false); }
std::string today() { return format_time(std::time(nullptr), true); }

Result<std::unique_ptr<Books>> Books::open(BooksStore& store, ReportStore& reports, tlog::Sequencer& seq,
                                           tlog::LogStorage& log, const crypto::Keyring& keys, Clock clock) {
  std::unique_ptr<Books> b(new Books(store, reports, seq, log, keys, std::move(clock)));
  std::lock_guard lock(b->mu_);
  if (auto st = b->reload(); !st) return err(st);
  return b;
}

Status Books::reload() {
  auto s = store_.load();
  if (!s) return err(s);
  books_ = s->books;
  funds_.clear();
  org_ = {};
  for (auto& f : s->funds) {
    org_.in += f.in_org, org_.out += f.out_org;  // each within kMaxPublishable when booked
    funds_.emplace(f.fund, f);
  }
  stale_ = false;
  return {};
}

std::uint64_t Books::version() const { return seq_.size(); }

bool Books::is_open() const {
  std::lock_guard lock(mu_);
  return books_.has_value();
}

Currency Books::currency() const {
  std::lock_guard lock(mu_);
  return books_->currency;
}

void Books::note_failure() {
  std::lock_guard lock(mu_);
  stale_ = true;
}

std::vector<FundState> Books::funds() const {
  std::lock_guard lock(mu_);
  std::vector<FundState> out;
  for (const auto& [k, v] : funds_) out.push_back(v);
  return out;
}

std::optional<Currency> Books::fund_currency_locked(std::string_view fund) const {
  auto it = funds_.find(fund);
  if (it == funds_.end()) return std::nullopt;
  return it->second.currency;
}

Result<Booking> Books::booking_of(std::uint64_t leaf) {
  auto entries = log_.read_entries(leaf, leaf + 1);
  if (!entries) return err(entries);
  auto rec = decode_leaf(entries->at(0));
  if (!rec) return std::unexpected(rec.error().context("record " + std::to_string(leaf)));
  std::lock_guard lock(mu_);
  return book(leaf, *rec, books_->currency, [this](std::string_view f) { return fund_currency_locked(f); });
}

Result<std::string> Books::payee(std::uint64_t expense) {
  AMANAT_TRY(sealed, store_.sealed_payee(expense));
  return open_payee(keys_, store_.org(), expense, sealed);
}

Result<std::future<Result<std::uint64_t>>> Books::submit(Record r, RecordPrivate priv, std::string claim,
                                                         std::string payee) {
  r.time = clock_();
  if (auto st = validate(r); !st) return err(st);
  auto leaf = encode_leaf(r);
  if (!leaf) return err(leaf);

  // Correction: the booking of the record it reverses, read before taking the lock.
  std::optional<Booking> reversed;
  if (const auto* c = std::get_if<Correction>(&r.body)) {
    auto type = store_.money_record_type(c->reverses);
    if (!type) return err(type);
    if (!*type)
      return fail(reasons::not_correctable, "reverses: record " + std::to_string(c->reverses) +
                                     " is not a donation, expense or transfer; only those are corrected", "reverses");
    auto by = store_.reversed_by(c->reverses);
    if (!by) return err(by);
    if (*by)
      return fail(reasons::already_reversed, "reverses: record " + std::to_string(c->reverses) + " was already reversed by record " +
                                      std::to_string(**by), "reverses");
    auto b = booking_of(c->reverses);
    if (!b) return err(b);
    reversed = std::move(*b);
  }

  std::lock_guard lock(mu_);
  return queue_locked(std::move(r), Bytes(leaf->begin(), leaf->end()), reversed ? &*reversed : nullptr,
                      std::move(priv), std::move(claim), std::nullopt, std::move(payee));
}

Result<std::future<Result<std::uint64_t>>> Books::queue_locked(Record r, Bytes leaf, const Booking* reversed,
                                                                RecordPrivate priv, std::string claim,
                                                                std::optional<std::uint64_t> at, std::string payee) {
  if (stale_)
    if (auto st = reload(); !st) return err(st);
  if (!books_ && !std::holds_alternative<BooksOpen>(r.body))
    return fail(reasons::books_not_open, "these books are not open yet; run `amanat books init --data DIR --currency CODE`");
  if (books_ && std::holds_alternative<BooksOpen>(r.body)) return fail(reasons::books_already_open, "these books are already open");
  if (!claim.empty() && claims_.count(claim))
    return fail(reasons::change_in_flight, "the same change is already being booked (" + claim + ")");

  // State checks that the booking itself does not make.
  if (const auto* a = std::get_if<AppealOpen>(&r.body)) {
    if (funds_.count(a->code)) return fail(reasons::appeal_exists, "appeal: " + a->code + " already exists", "appeal");
  } else if (const auto* u = std::get_if<AppealUpdate>(&r.body)) {
    auto it = funds_.find(u->code);
    if (it == funds_.end() || !it->second.restricted) return fail(reasons::appeal_not_found, "appeal: " + u->code + " does not exist", "appeal");
    if (u->target && u->target->currency != it->second.currency)
      return fail(reasons::currency_mismatch, "target: appeal " + u->code + " is held in " + std::string(it->second.currency.code()), "target");
    if (u->open && *u->open == it->second.open)
      return fail(reasons::appeal_status_unchanged, "status: appeal " + u->code + " is already " + (*u->open ? "open" : "closed"), "status");
  } else if (const auto* d = std::get_if<Donation>(&r.body)) {
    auto it = funds_.find(d->fund);
    if (it != funds_.end() && !it->second.open)
      return fail(reasons::appeal_closed, "fund: appeal " + d->fund +
                                              " is closed; book the donation to the general fund or reopen the appeal",
                  "fund");
  }

  Booking booking;
  if (books_) {
    auto b = book(0, r, books_->currency, [this](std::string_view f) { return fund_currency_locked(f); }, reversed);
    if (!b) return err(b);
    booking = std::move(*b);
  }
  // Would a restricted fund go negative, or a total grow past what a report can publish? Check
  // every fund the record touches before changing any, in checked arithmetic.
  std::map<std::string, FundState> after;
  OrgFlows org = org_;
  for (const auto& m : booking.moves) {
    auto it = funds_.find(m.fund);
    if (it == funds_.end()) return fail(reasons::fund_not_found, "fund " + m.fund + " does not exist");
    FundState& f = after.emplace(m.fund, it->second).first->second;
    const bool in = m.kind == MoveKind::raised || m.kind == MoveKind::transfer_in;
    if (!add_within(f.balance, balance_delta(m)) || !add_within(in ? f.in : f.out, m.amount.minor) ||
        !add_within(in ? f.in_org : f.out_org, m.org) || !add_within(in ? org.in : org.out, m.org))
      return fail(reasons::total_unpublishable,
                  "amount: this would take a total of fund " + m.fund + " past " +
                      format(Money{kMaxPublishable, f.currency}) + ", beyond what a report can publish exactly",
                  "amount");
  }
  for (const auto& [fund, f] : after) {
    const FundState& was = funds_.find(fund)->second;
    if (f.restricted && f.balance < 0)
      return fail(reasons::fund_negative, "fund " + fund + " holds " + format(Money{was.balance, was.currency}) +
                                              "; this would leave it at " + format(Money{f.balance, f.currency}) +
                                              ", and a restricted fund never goes negative");
  }

  // Decided: adopt the new state and queue the record (in this order, under the lock).
  for (auto& [fund, f] : after) funds_.find(fund)->second = std::move(f);
  org_ = org;
  if (const auto* o = std::get_if<BooksOpen>(&r.body)) {
    books_ = *o;
    funds_.emplace(std::string(kGeneralFund), FundState{std::string(kGeneralFund), o->currency, false, true, 0});
  } else if (const auto* a = std::get_if<AppealOpen>(&r.body)) {
    funds_.emplace(a->code, FundState{a->code, a->target.currency, true, true, 0});
  } else if (const auto* u = std::get_if<AppealUpdate>(&r.body); u && u->open) {
    funds_.find(u->code)->second.open = *u->open;
  }
  if (!claim.empty()) claims_.insert(claim);
  auto pending = std::make_shared<PendingRecord>(PendingRecord{std::move(r), std::move(booking), std::move(priv)});
  tlog::Effect effect = store_.writer(pending);
  if (!payee.empty())
    // The seal binds the leaf index, known only now: sealed here, the payee never reaches the
    // store in the clear.
    effect = [this, pending, payee = std::move(payee), effect = std::move(effect)](Tx& tx, std::uint64_t index) -> Status {
      AMANAT_TRY(sealed, seal_payee(keys_, store_.org(), index, payee));
      pending->priv.sealed_payee = std::move(sealed);
      return effect(tx, index);
    };
  if (at)
    effect = [at = *at, effect = std::move(effect)](Tx& tx, std::uint64_t index) -> Status {
      // A record that states its own position (a report) lands there or not at all.
      if (index != at)
        return fail(Errc::internal, "a record meant for leaf " + std::to_string(at) + " would be leaf " +
                                        std::to_string(index));
      return effect(tx, index);
    };
  return seq_.submit(std::move(leaf), std::move(effect));
}

Result<std::uint64_t> Books::wait(Result<std::future<Result<std::uint64_t>>> f, const std::string& claim) {
  if (!f) return err(f);
  auto r = f->get();
  std::lock_guard lock(mu_);
  if (!claim.empty()) claims_.erase(claim);
  if (!r) stale_ = true;  // the batch is lost: what was decided against it must be re-read
  return r;
}

Result<std::uint64_t> Books::open_books(const std::string& name, Currency c) {
  return wait(submit(Record{{}, BooksOpen{name, c}}, {}));
}

Status Books::check_when(std::string_view date, DateCheck when) const {
  if (when == DateCheck::confirmed) return {};
  auto day = day_number(date);
  auto now = day_number(std::string_view(clock_()).substr(0, 10));
  if (!day || !now) return {};  // a malformed date is validate()'s to explain
  if (*day < *now - kDaysBack || *day > *now + kDaysAhead)
    return fail(reasons::date_far,
                "date: " + std::string(date) + " is " +
                    (*day < *now ? std::to_string(*now - *day) + " days before today"
                                 : std::to_string(*day - *now) + " days after today") +
                    "; check it, and confirm it if it is right",
                "date");
  return {};
}

Result<std::uint64_t> Books::open_appeal(AppealOpen a, DateCheck when) {
  AMANAT_CHECK(check_when(a.date, when));
  return wait(submit(Record{{}, std::move(a)}, {}));
}

Result<std::uint64_t> Books::update_appeal(AppealUpdate u, DateCheck when) {
  AMANAT_CHECK(check_when(u.date, when));
  return wait(submit(Record{{}, std::move(u)}, {}));
}

Result<std::pair<std::future<Result<std::uint64_t>>, std::string>> Books::submit_donation(const DonationInput& in,
                                                                                          std::optional<BankLine> line) {
  AMANAT_CHECK(check_when(in.date, in.date_check));
  Donation d{in.date, in.amount, in.channel, in.account.empty() ? default_account(in.channel) : in.account,
             in.fund, {}, in.rates};
  RecordPrivate priv;
  if (!in.donor.empty()) {
    auto norm = normalise_donor(in.donor);
    if (!norm) return err(norm);
    auto pseudonym = keys_.pseudonym(*norm);
    if (!pseudonym) return err(pseudonym);
    priv.donor = std::move(*pseudonym);
  }
  AMANAT_TRY(ref, bank_ref_tag(keys_, in.bank_ref));
  priv.bank_ref = std::move(ref);
  priv.bank_line = std::move(line);
  std::string secret = new_receipt_secret();
  d.receipt = receipt_commitment(secret);
  auto f = submit(Record{{}, std::move(d)}, std::move(priv));
  if (!f) return err(f);
  return std::pair{std::move(*f), std::move(secret)};
}

Result<DonationResult> Books::donate(const DonationInput& in) {
  auto s = submit_donation(in);
  if (!s) return err(s);
  auto leaf = wait(std::move(s->first));
  if (!leaf) return err(leaf);
  return DonationResult{*leaf, receipt_code(*leaf, s->second)};
}

Result<std::future<Result<std::uint64_t>>> Books::submit_expense(ExpenseInput in) {
  AMANAT_CHECK(check_when(in.expense.date, in.date_check));
  if (auto st = check_text(in.payee, "payee", 300, false); !st) return err(st);
  if (auto st = keys_.ready(); !st) return err(st);  // the payee is sealed at commit
  RecordPrivate priv;
  priv.payee_salt = new_salt();
  AMANAT_TRY(ref, bank_ref_tag(keys_, in.bank_ref));
  priv.bank_ref = std::move(ref);
  priv.booked_by = in.booked_by;
  in.expense.payee = payee_commitment(priv.payee_salt, in.payee);
  if (!in.expense.receipts.empty() || !in.expense.receipt_commitments.empty())
    return fail(Errc::internal, "an expense's receipts come as ExpenseInput::receipts, never as hashes");
  for (auto& f : in.receipts) {
    AMANAT_CHECK(check_file(f, "receipts"));
    in.expense.receipt_commitments.push_back(f.commitment);
    priv.files.push_back(std::move(f.sha256));
  }
  return submit(Record{{}, std::move(in.expense)}, std::move(priv), {}, std::move(in.payee));
}

Result<std::uint64_t> Books::add_expense(ExpenseInput in) { return wait(submit_expense(std::move(in))); }

Result<std::future<Result<std::uint64_t>>> Books::submit_approval(std::uint64_t expense, const std::string& by) {
  return submit(Record{{}, Approval{expense, by}}, {});
}

Result<std::future<Result<std::uint64_t>>> Books::submit_transfer(Transfer t) {
  return submit(Record{{}, std::move(t)}, {});
}

namespace {

// The expense a follow-up record refers to must exist and be live.
Result<ExpenseState> live_expense(BooksStore& store, std::uint64_t leaf) {
  auto e = store.expense(leaf);
  if (!e) return err(e);
  if (!*e) return fail(reasons::expense_not_found, "expense: record " + std::to_string(leaf) + " is not an expense", "expense");
  if ((*e)->reversed_by)
    return fail(reasons::already_reversed, "expense: record " + std::to_string(leaf) + " was reversed by record " +
                                               std::to_string(*(*e)->reversed_by),
                "expense");
  return **e;
}

}  // namespace

Result<std::uint64_t> Books::approve(std::uint64_t expense, const std::string& by) {
  auto e = live_expense(store_, expense);
  if (!e) return err(e);
  if (!e->booked_by.empty() && e->booked_by == by)
    return fail(reasons::own_expense, "by: " + by + " booked expense " + std::to_string(expense) +
                                          "; two other people approve it", "by");
  for (const auto& a : e->approvals)
    if (a == by) return fail(reasons::already_approved, "by: " + by + " has already approved expense " + std::to_string(expense), "by");
  if (e->approvals.size() >= 2)
    return fail(reasons::approvals_complete, "expense " + std::to_string(expense) + " already has two approvals");
  std::string claim = "approve:" + std::to_string(expense) + ":" + by;
  return wait(submit(Record{{}, Approval{expense, by}}, {}, claim), claim);
}

Result<std::uint64_t> Books::confirm(std::uint64_t expense, ConfirmRole role,
                                     const std::optional<FileCommitment>& evidence, Confirmer who) {
  if (evidence) AMANAT_CHECK(check_file(*evidence, "evidence"));
  auto e = live_expense(store_, expense);
  if (!e) return err(e);
  if (who == Confirmer::on_behalf && !evidence)
    return fail(reasons::evidence_required,
                "evidence: the " + std::string(confirm_role_name(role)) +
                    "'s confirmation recorded on their behalf needs the signed confirmation (upload it first)",
                "evidence");
  if (role == ConfirmRole::lawyer ? e->lawyer_confirmed : e->survivor_confirmed)
    return fail(reasons::already_confirmed, "role: the " + std::string(confirm_role_name(role)) +
                                                " has already confirmed expense " + std::to_string(expense),
                "role");
  std::string claim = "confirm:" + std::to_string(expense) + ":" + std::string(confirm_role_name(role));
  Confirmation c{expense, role, {}, evidence ? evidence->commitment : std::string()};
  RecordPrivate priv;
  if (evidence) priv.files.push_back(evidence->sha256);
  return wait(submit(Record{{}, std::move(c)}, std::move(priv), claim), claim);
}

Result<std::int64_t> Books::retag_bank_references() {
  if (auto st = keys_.ready(); !st) return err(st);
  return store_.retag_bank_references([this](std::string_view ref) { return bank_ref_tag(keys_, ref); });
}

Result<std::uint64_t> Books::attach_receipt(std::uint64_t expense, const FileCommitment& file) {
  AMANAT_CHECK(check_file(file, "sha256"));
  auto e = live_expense(store_, expense);
  if (!e) return err(e);
  for (const auto& h : e->receipts)  // the database's plain hashes, of older leaves and newer alike
    if (h == file.sha256)
      return fail(reasons::receipt_attached, "sha256: this receipt is already attached to expense " + std::to_string(expense), "sha256");
  std::string claim = "receipt:" + std::to_string(expense) + ":" + file.sha256;
  RecordPrivate priv;
  priv.files.push_back(file.sha256);
  return wait(submit(Record{{}, ReceiptAttach{expense, {}, file.commitment}}, std::move(priv), claim), claim);
}

Result<std::uint64_t> Books::transfer(Transfer t, DateCheck when) {
  AMANAT_CHECK(check_when(t.date, when));
  return wait(submit(Record{{}, std::move(t)}, {}));
}

Result<std::uint64_t> Books::correct(Correction c, DateCheck when) {
  AMANAT_CHECK(check_when(c.date, when));
  std::string claim = "correct:" + std::to_string(c.reverses);
  return wait(submit(Record{{}, std::move(c)}, {}, claim), claim);
}

Result<std::future<Result<std::uint64_t>>> Books::submit_other(Bytes leaf, tlog::Effect effect) {
  auto env = read_envelope(leaf);
  if (!env) return std::unexpected(env.error().context("leaf"));
  if (env->family == kBooksFamily)
    return fail(Errc::invalid, "leaf: a " + env->type + " record is booked through its own operation");
  std::lock_guard lock(mu_);  // publish_report holds it from its drain to its report's queueing
  return seq_.submit(std::move(leaf), std::move(effect));
}

Result<std::uint64_t> Books::publish_report() {
  Result<std::future<Result<std::uint64_t>>> queued = fail(Errc::internal, "not queued");
  {
    // Under the lock nothing new is queued; once the sequencer has drained, the store holds
    // exactly the log's records, and the report is the next leaf.
    std::lock_guard lock(mu_);
    seq_.drain();
    ReportPublished pub;
    pub.size = seq_.size();
    auto rep = reports_.report({});
    if (!rep) return err(rep);
    if (rep->log_size != pub.size)
      return fail(reasons::books_moved, "the books store is at record " + std::to_string(rep->log_size) +
                                            " but the log at " + std::to_string(pub.size) + "; retry");
    for (const auto& f : rep->funds) pub.funds.push_back(totals_of(f));
    Record r{clock_(), std::move(pub)};
    if (auto st = validate(r); !st) return err(st);
    auto leaf = encode_leaf(r);
    if (!leaf) return err(leaf);
    if (leaf->size() > tlog::kMaxEntrySize)
      return fail(reasons::report_too_large, "the report lists too many funds for one record (" +
                                                 std::to_string(leaf->size()) + " bytes; the limit is " +
                                                 std::to_string(tlog::kMaxEntrySize) + ")");
    std::uint64_t at = std::get<ReportPublished>(r.body).size;
    queued = queue_locked(std::move(r), Bytes(leaf->begin(), leaf->end()), nullptr, {}, {}, at);
  }
  return wait(std::move(queued));
}

}  // namespace amanat::books
