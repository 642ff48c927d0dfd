#include "books/audit.h"

#include "books/leaf.h"
#include "core/family.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

namespace amanat::books {

// One long-lived thread that runs the job it is given while the caller does its own share
// (a thread per bundle would cost more to start than the bundle takes to decode).
class Auditor::Helper {
 public:
  Helper() : thread_([this] { loop(); }) {}
  ~Helper() {
    {
      std::lock_guard l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void start(std::function<void()> job) {
    std::lock_guard l(mu_);
    job_ = std::move(job);
    busy_ = true;
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock l(mu_);
    cv_.wait(l, [&] { return !busy_; });
  }

 private:
  void loop() {
    std::unique_lock l(mu_);
    while (true) {
      cv_.wait(l, [&] { return stop_ || (busy_ && job_); });
      if (stop_) return;
      auto job = std::move(job_);
      job_ = nullptr;
      l.unlock();
      job();
      l.lock();
      busy_ = false;
      cv_.notify_all();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::function<void()> job_;
  bool busy_ = false, stop_ = false;
  std::thread thread_;
};

Auditor::Auditor(Fetch fetch)
    : helper_(std::make_unique<Helper>()),
      fetch_(std::move(fetch)),
      fund_lookup_([this](std::string_view f) { return fund_currency(f); }),
      one_{"", Approval{}} {}
// The helper may still be decoding into a batch, which goes before the helper does.
Auditor::~Auditor() { helper_->wait(); }

namespace {
constexpr std::size_t kMaxFindings = 1000;  // keep memory bounded on a thoroughly broken log
constexpr std::size_t kChunk = 16;          // leaves a thread claims at a time
constexpr std::size_t kMinPipelined = 32;   // fewer leaves are decoded and applied at once
}

Auditor::Fund& Auditor::add_fund(const std::string& name, Fund f) {
  auto [it, added] = funds_.emplace(name, std::move(f));
  fund_index_.emplace(std::string_view(it->first), &it->second);
  return it->second;
}

void Auditor::finding(std::uint64_t leaf, std::string msg) {
  if (findings_.size() >= kMaxFindings) {
    ++findings_dropped_;
    if (findings_dropped_ == 1) findings_.push_back({leaf, "(further findings are not listed)"});
    return;
  }
  findings_.push_back({leaf, std::move(msg)});
}

std::optional<Currency> Auditor::fund_currency(std::string_view f) const {
  const Fund* fund = find_fund(f);
  if (!fund) return std::nullopt;
  return fund->t.currency;
}

AuditTotals Auditor::totals() {
  flush();
  return current_totals();
}
const std::optional<AuditTotals>& Auditor::snapshot() {
  flush();
  return snapshot_;
}
const std::vector<Finding>& Auditor::findings() {
  flush();
  return findings_;
}
std::uint64_t Auditor::fed() {
  flush();
  return next_;
}

AuditTotals Auditor::current_totals() const {
  AuditTotals out;
  out.organisation = organisation_;
  out.currency = currency_;
  out.size = next_;
  if (auto g = funds_.find(kGeneralFund); g != funds_.end()) out.funds.push_back(g->second.t);
  for (const auto& [name, f] : funds_)
    if (name != kGeneralFund) out.funds.push_back(f.t);
  out.income_org = income_org_;
  out.expenses_org = expenses_org_;
  out.reports_checked = reports_checked_;
  out.other_families = other_families_;
  return out;
}

void Auditor::apply_decoded(std::uint64_t index, std::span<const std::uint8_t> leaf, const Status& decoded,
                            const Record& rec) {
  if (snapshot_size_ && *snapshot_size_ == index) snapshot_ = current_totals();
  next_ = index + 1;
  if (kinds_.size() < next_) kinds_.resize(next_);
  if (decoded) {
    apply(index, rec);
  } else if (auto env = read_envelope(leaf); !env) {
    finding(index, "not an amanat record: " + env.error().message);
  } else if (env->family == kBooksFamily) {
    finding(index, "not a books record: " + decoded.error().message);
  } else {
    ++other_families_[env->family];  // another family's record: in the tree, not read here
  }
  if (snapshot_size_ && *snapshot_size_ == next_) snapshot_ = current_totals();
}

void Auditor::feed(std::uint64_t index, std::span<const std::uint8_t> leaf) {
  flush();
  Status st = decode_leaf_into(leaf, one_);
  apply_decoded(index, leaf, st, one_);
}

void Auditor::decode_chunks(Batch& b) {
  const std::size_t n = b.leaves.size();
  while (true) {
    std::size_t begin = b.claimed.fetch_add(kChunk, std::memory_order_relaxed);
    if (begin >= n) return;
    std::size_t end = std::min(n, begin + kChunk);
    for (std::size_t i = begin; i < end; ++i) b.decoded[i] = decode_leaf_into(b.leaves[i], b.records[i]);
  }
}

void Auditor::flush() {
  if (!pending_) return;
  Batch& b = *pending_;
  pending_ = nullptr;
  decode_chunks(b);  // normally all claimed already
  helper_->wait();   // the helper's last chunk (its writes are visible after the wait)
  for (std::size_t i = 0; i < b.leaves.size(); ++i) apply_decoded(b.first + i, b.leaves[i], b.decoded[i], b.records[i]);
}

void Auditor::feed_many(std::uint64_t first, std::span<const std::span<const std::uint8_t>> leaves) {
  if (leaves.size() < kMinPipelined) {  // not worth a hand-off
    flush();
    for (std::size_t i = 0; i < leaves.size(); ++i) {
      Status st = decode_leaf_into(leaves[i], one_);
      apply_decoded(first + i, leaves[i], st, one_);
    }
    return;
  }
  // The batch the helper is not working on.
  Batch& b = pending_ == &batches_[0] ? batches_[1] : batches_[0];
  std::size_t total = 0;
  for (const auto& l : leaves) total += l.size();
  b.first = first;
  b.bytes.resize(total);
  b.leaves.clear();
  std::size_t at = 0;
  for (const auto& l : leaves) {
    if (!l.empty()) std::memcpy(b.bytes.data() + at, l.data(), l.size());
    b.leaves.emplace_back(b.bytes.data() + at, l.size());
    at += l.size();
  }
  b.decoded.assign(leaves.size(), Status{});
  if (b.records.size() < leaves.size()) b.records.resize(leaves.size(), one_);
  b.claimed.store(0, std::memory_order_relaxed);

  // The previous batch must be decoded before the helper can take this one; it is applied
  // while the helper decodes this one, and then this thread helps.
  Batch* prev = pending_;
  if (prev) {
    decode_chunks(*prev);
    helper_->wait();
  }
  helper_->start([this, &b] { decode_chunks(b); });
  pending_ = &b;
  if (prev)
    for (std::size_t i = 0; i < prev->leaves.size(); ++i)
      apply_decoded(prev->first + i, prev->leaves[i], prev->decoded[i], prev->records[i]);
  decode_chunks(b);
}

void Auditor::check_report(std::uint64_t index, const ReportPublished& r) {
  ++reports_checked_;
  if (r.size != index) {
    finding(index, "report states totals for size " + std::to_string(r.size) + " but is leaf " + std::to_string(index));
    return;
  }
  // The parts of one report each list some funds; each listed fund must match.
  for (const auto& stated : r.funds) {
    auto it = funds_.find(stated.fund);
    if (it == funds_.end()) {
      finding(index, "report lists fund " + stated.fund + ", which does not exist");
      continue;
    }
    const FundTotals& f = it->second.t;
    if (!(stated == f)) {
      auto show = [](const FundTotals& t) {
        return "raised " + format(Money{t.raised, t.currency}) + ", spent " + format(Money{t.spent, t.currency}) +
               ", in " + format(Money{t.transfers_in, t.currency}) + ", out " + format(Money{t.transfers_out, t.currency}) +
               ", balance " + format(Money{t.balance, t.currency}) + ", " + std::to_string(t.donations) + " donations";
      };
      finding(index, "report for fund " + stated.fund + " states " + show(stated) + "; the log gives " + show(f));
    }
  }
}

void Auditor::apply(std::uint64_t index, const Record& r) {
  if (const auto* o = std::get_if<BooksOpen>(&r.body)) {
    if (currency_) return finding(index, "the books are opened a second time");
    currency_ = o->currency;
    organisation_ = o->name;
    add_fund(std::string(kGeneralFund), Fund{FundTotals{std::string(kGeneralFund), o->currency}, false, true});
    return;
  }
  if (!currency_) return finding(index, "a record before the books were opened");
  if (const auto* a = std::get_if<AppealOpen>(&r.body)) {
    if (find_fund(a->code)) return finding(index, "appeal " + a->code + " is opened twice");
    add_fund(a->code, Fund{FundTotals{a->code, a->target.currency}, true, true});
    return;
  }
  if (const auto* u = std::get_if<AppealUpdate>(&r.body)) {
    Fund* f = find_fund(u->code);
    if (!f || !f->restricted) return finding(index, "update of unknown appeal " + u->code);
    if (u->open) f->open = *u->open;
    return;
  }
  if (const auto* p = std::get_if<ReportPublished>(&r.body)) return check_report(index, *p);
  if (const auto* a = std::get_if<Approval>(&r.body)) {
    if (!leaf_is(a->expense, kExpense)) finding(index, "approval of record " + std::to_string(a->expense) + ", not an expense");
    return;
  }
  if (const auto* c = std::get_if<Confirmation>(&r.body)) {
    if (!leaf_is(c->expense, kExpense)) finding(index, "confirmation of record " + std::to_string(c->expense) + ", not an expense");
    return;
  }
  if (const auto* c = std::get_if<ReceiptAttach>(&r.body)) {
    if (!leaf_is(c->expense, kExpense)) finding(index, "receipt for record " + std::to_string(c->expense) + ", not an expense");
    return;
  }
  if (const auto* d = std::get_if<Donation>(&r.body)) {
    const Fund* f = find_fund(d->fund);
    if (f && !f->open) finding(index, "donation to closed appeal " + d->fund);
  }

  const Booking* reversed = nullptr;
  if (const auto* c = std::get_if<Correction>(&r.body)) {
    if (!leaf_is(c->reverses, kMoneyRecord))
      return finding(index, "correction of record " + std::to_string(c->reverses) +
                                ", which is not an earlier donation, expense or transfer");
    if (leaf_is(c->reverses, kReversed))
      return finding(index, "record " + std::to_string(c->reverses) + " is reversed a second time");
    kinds_[c->reverses] |= kReversed;
    auto leaf = fetch_(c->reverses);
    if (!leaf) return finding(index, "cannot read the corrected record: " + leaf.error().message);
    auto orig = decode_leaf(*leaf);
    if (!orig) return finding(index, "the corrected record does not decode: " + orig.error().message);
    auto b = book_into(reversed_, c->reverses, *orig, *currency_, fund_lookup_, nullptr, /*postings=*/false);
    if (!b) return finding(index, "the corrected record does not book: " + b.error().message);
    reversed = &reversed_;
  }
  if (auto b = book_into(booking_, index, r, *currency_, fund_lookup_, reversed, /*postings=*/false); !b)
    return finding(index, "does not book: " + b.error().message);
  for (const auto& m : booking_.moves) {
    FundTotals& t = find_fund(m.fund)->t;
    switch (m.kind) {
      case MoveKind::raised:
        t.raised += m.amount.minor;
        t.donations += static_cast<std::uint64_t>(static_cast<std::int64_t>(m.donations));
        income_org_ += m.org;
        break;
      case MoveKind::spent:
        t.spent += m.amount.minor;
        expenses_org_ += m.org;
        break;
      case MoveKind::transfer_in: t.transfers_in += m.amount.minor; break;
      case MoveKind::transfer_out: t.transfers_out += m.amount.minor; break;
    }
    t.balance += balance_delta(m);
  }
  for (const auto& m : booking_.moves) {
    const Fund& f = *find_fund(m.fund);
    if (f.restricted && f.t.balance < 0)
      finding(index, "restricted fund " + m.fund + " goes negative: " + format(Money{f.t.balance, f.t.currency}));
  }
  if (!std::holds_alternative<Correction>(r.body)) kinds_[index] |= kMoneyRecord;
  if (std::holds_alternative<Expense>(r.body)) kinds_[index] |= kExpense;
}

}  // namespace amanat::books
