// The auditor: recomputes the books from the public log alone.
//
// Fed every leaf in log order (by `amanat audit`, from the verified entry bundles), it decodes
// each record (leaf.h), books it with the same function the organisation used (posting.h), and
// keeps every fund's raised / spent / transfers / balance and donation count. Along the way it
// checks what anyone may check without trusting the organisation:
//   - every leaf is a well-formed record: canonical JSON with a type and version (the envelope,
//     core/family.h), and, for the books' own types, a known type with valid fields;
//   - the books are opened once, before anything else is booked; appeals exist before money is
//     booked to them; donations go only to open appeals;
//   - a correction reverses a donation, expense or transfer that exists and was not already
//     reversed; approvals and confirmations refer to expenses;
//   - no restricted fund ever goes negative;
//   - every published report (a "report" leaf) states exactly the totals recomputed from the
//     leaves before it.
// Each violation is a Finding naming the leaf; the audit passes only with none.
//
// Leaves of other families (publications, the desk's events, the docket: docs/log-format.md)
// are part of the tree the verifier checks, but their meaning is not the books': the auditor
// counts them per family (AuditTotals::other_families) and says so, without a finding.
//
// Thread-safety: one Auditor per thread (it runs one helper thread of its own to decode).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "books/model.h"
#include "books/posting.h"
#include "core/bytes.h"

namespace amanat::books {

struct Finding {
  std::uint64_t leaf;
  std::string message;
};

struct AuditTotals {
  std::string organisation;
  std::optional<Currency> currency;
  std::uint64_t size = 0;                 // leaves [0, size) are included
  std::vector<FundTotals> funds;          // general first, then appeals by code
  std::int64_t income_org = 0, expenses_org = 0;
  std::uint64_t reports_checked = 0;
  // Leaves of families other than the books, by family: in the tree, not audited here.
  std::map<std::string, std::uint64_t> other_families;
};

class Auditor {
 public:
  // `fetch` returns the leaf at an earlier index (to book a correction's reversal without
  // keeping every record in memory).
  using Fetch = std::function<Result<Bytes>(std::uint64_t index)>;
  explicit Auditor(Fetch fetch);
  ~Auditor();

  // Feeds the leaf with this index (indexes must come in order, from 0).
  void feed(std::uint64_t index, std::span<const std::uint8_t> leaf);
  // Feeds consecutive leaves from `first` (an entry bundle). Decoding is most of the work, so
  // it is pipelined: the leaves are copied, and a second thread starts decoding them while
  // this one applies the previous call's records in order and then helps decode; the call
  // returns before this call's records are applied. They are applied by the next feed or
  // feed_many, or by any of the accessors below, so what the accessors see is always every
  // leaf fed so far, in order.
  void feed_many(std::uint64_t first, std::span<const std::span<const std::uint8_t>> leaves);
  // Also take a snapshot of the totals when `size` leaves have been fed.
  void snapshot_at(std::uint64_t size) { snapshot_size_ = size; }

  // These first apply whatever feed_many still holds.
  AuditTotals totals();
  const std::optional<AuditTotals>& snapshot();
  const std::vector<Finding>& findings();
  std::uint64_t fed();

 private:
  struct Fund {
    FundTotals t;
    bool restricted = true, open = true;
  };
  void finding(std::uint64_t leaf, std::string msg);
  AuditTotals current_totals() const;
  void apply(std::uint64_t index, const Record& r);
  // Applies a leaf decoded by decode_leaf_into: `rec` unless `decoded` is an error, in which
  // case the leaf's envelope tells whether it is another family's record or no record at all.
  void apply_decoded(std::uint64_t index, std::span<const std::uint8_t> leaf, const Status& decoded,
                     const Record& rec);
  // feed_many's leaves: copied (the caller's bytes are gone when it returns), decoded by both
  // threads in chunks claimed from `claimed`, applied by the next call.
  struct Batch {
    std::uint64_t first = 0;
    Bytes bytes;
    std::vector<std::span<const std::uint8_t>> leaves;  // into bytes
    std::vector<Status> decoded;
    std::vector<Record> records;  // kept from batch to batch: decode_leaf_into reuses them
    std::atomic<std::size_t> claimed{0};
  };
  void decode_chunks(Batch& b);
  // Waits for the pending batch's decoding, then applies it.
  void flush();
  void check_report(std::uint64_t index, const ReportPublished& r);
  std::optional<Currency> fund_currency(std::string_view f) const;

  class Helper;  // a second decoding thread for feed_many
  std::unique_ptr<Helper> helper_;
  Fetch fetch_;
  FundCurrency fund_lookup_;       // fund_currency, as book() takes it
  Booking booking_, reversed_;    // book_into's results, storage reused from record to record
  std::uint64_t next_ = 0;
  std::string organisation_;
  std::optional<Currency> currency_;
  Fund* find_fund(std::string_view f) const {
    // A record names the same fund several times over (check, booking, moves): remember the last.
    if (last_fund_ && last_fund_name_ == f) return last_fund_;
    auto it = fund_index_.find(f);
    if (it == fund_index_.end()) return nullptr;
    last_fund_name_ = it->first;
    last_fund_ = it->second;
    return last_fund_;
  }
  Fund& add_fund(const std::string& name, Fund f);
  std::map<std::string, Fund, std::less<>> funds_;                 // by name, for the totals' order
  std::unordered_map<std::string_view, Fund*> fund_index_;        // the same funds, hashed (keys in funds_)
  mutable std::string_view last_fund_name_;                       // find_fund's last answer
  mutable Fund* last_fund_ = nullptr;
  // What each leaf fed so far is, for the records that refer to it: a bit set per leaf index
  // (a byte per leaf, where hash sets of indexes took about 40).
  enum : std::uint8_t { kMoneyRecord = 1, kExpense = 2, kReversed = 4 };
  bool leaf_is(std::uint64_t index, std::uint8_t kind) const {
    return index < kinds_.size() && (kinds_[index] & kind) != 0;
  }
  std::vector<std::uint8_t> kinds_;
  Batch batches_[2];        // used in turn, buffers reused
  Batch* pending_ = nullptr;  // decoded (or being decoded), not yet applied
  Record one_;                // feed()'s record, reused
  std::int64_t income_org_ = 0, expenses_org_ = 0;
  std::uint64_t reports_checked_ = 0;
  std::map<std::string, std::uint64_t> other_families_;
  std::vector<Finding> findings_;
  std::size_t findings_dropped_ = 0;
  std::optional<std::uint64_t> snapshot_size_;
  std::optional<AuditTotals> snapshot_;
};

}  // namespace amanat::books
