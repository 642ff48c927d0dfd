// amanat audit: verify the whole log, recompute every fund from its leaves, check every
// published report, and compare with a report the organisation published elsewhere.
#include <algorithm>
#include <cstdio>
#include <deque>

#include <nlohmann/json.hpp>

#include "books/audit.h"
#include "cli/cli.h"
#include "core/progress.h"
#include "store/static_dir.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"
#include "tlog/tile.h"
#include "tlog/verifier.h"

namespace amanat::cli {

namespace {

using namespace amanat::books;

// Compares the funds of a JSON report (`amanat report --format json`) with the audit's.
std::vector<std::string> compare_report(const nlohmann::json& j, const AuditTotals& t) {
  std::vector<std::string> out;
  std::map<std::string, const FundTotals*> mine;
  for (const auto& f : t.funds) mine[f.fund] = &f;
  if (!j.contains("funds") || !j["funds"].is_array()) return {"the report has no \"funds\" array"};
  for (const auto& f : j["funds"]) {
    std::string name = f.value("fund", "");
    auto it = mine.find(name);
    if (it == mine.end()) {
      out.push_back("fund " + name + ": in the report, not on the log");
      continue;
    }
    const FundTotals& m = *it->second;
    auto check = [&](const char* key, std::int64_t v) {
      if (!f.contains(key) || !f[key].is_number_integer() || f[key].get<std::int64_t>() != v)
        out.push_back("fund " + name + ": " + key + " is " + (f.contains(key) ? f[key].dump() : "missing") +
                      " in the report, " + std::to_string(v) + " on the log");
    };
    check("raised", m.raised);
    check("spent", m.spent);
    check("transfers_in", m.transfers_in);
    check("transfers_out", m.transfers_out);
    check("balance", m.balance);
    check("donations", static_cast<std::int64_t>(m.donations));
    mine.erase(it);
  }
  for (const auto& [name, f] : mine) out.push_back("fund " + name + ": on the log, missing from the report");
  return out;
}

int do_audit(const std::string& where, const std::string& vkey, const std::string& report_path, bool json_out) {
  auto key = tlog::Verifier::parse(vkey);
  if (!key) return report(key.error().context("--vkey"));
  auto src = open_source(where);
  if (!src) return report(src.error());
  std::optional<nlohmann::json> published;
  if (!report_path.empty()) {
    auto text = store::read_file(report_path);
    if (!text) return report(text.error().context("--report"));
    published = nlohmann::json::parse(*text, nullptr, false);
    if (published->is_discarded() || !published->is_object() || !(*published)["log_size"].is_number_unsigned())
      return report({Errc::invalid, "--report: not a report from `amanat report --format json`"});
  }
  // The size, to address the bundle of a corrected record; authenticated by verify_log below.
  auto cp_text = (*src)->read_checkpoint();
  if (!cp_text) return report(cp_text.error());
  auto note = tlog::parse_note(*cp_text);
  if (!note) return report(note.error());
  auto cp = tlog::parse_checkpoint(note->text);
  if (!cp) return report(cp.error());
  const std::uint64_t size = cp->size;

  tlog::LogSource& source = **src;
  // A correction's record is read again from its bundle. The source could serve other bytes
  // the second time, so each is proved against the checkpoint's root, which verify_log must
  // end on below; the last few bundles read are kept, since corrections mostly reverse recent
  // records, several from one bundle (for a remote log, each read is a request).
  struct RecentBundles : tlog::LogSource {
    explicit RecentBundles(tlog::LogSource& inner) : inner(inner) {}
    Result<std::string> read_checkpoint() override { return inner.read_checkpoint(); }
    std::string describe() const override { return inner.describe(); }
    Result<Bytes> read_tile(const tlog::TileId& id) override {
      if (!id.entries) return inner.read_tile(id);
      auto it = std::find_if(kept.begin(), kept.end(), [&](const auto& b) { return b.first == id; });
      if (it == kept.end()) {
        auto bundle = inner.read_tile(id);
        if (!bundle) return bundle;
        if (kept.size() == 4) kept.pop_front();
        kept.emplace_back(id, std::move(*bundle));
        it = kept.end() - 1;
      }
      return it->second;
    }
    tlog::LogSource& inner;
    std::deque<std::pair<tlog::TileId, Bytes>> kept;
  } rereads(source);
  tlog::TileHashSource hashes(source, size, 16);
  Auditor auditor([&](std::uint64_t index) -> Result<Bytes> {
    return tlog::read_entry_proved(rereads, hashes, index, size, cp->root);
  });
  if (published) {
    auto n = (*published)["log_size"].get<std::uint64_t>();
    if (n > size) return report({Errc::invalid, "--report: covers " + std::to_string(n) + " leaves; the log has " + std::to_string(size)});
    auditor.snapshot_at(n);
  }
  tlog::VerifyOptions opts{*key};
  Progress progress("auditing records", size);
  opts.progress = [&](std::uint64_t done, std::uint64_t) { progress.update(done); };
  opts.on_entries = [&](std::uint64_t first, std::span<const std::span<const std::uint8_t>> entries) -> Status {
    auditor.feed_many(first, entries);
    return {};
  };
  auto verified = tlog::verify_log(source, opts);
  progress.finish();
  if (!verified) return report(verified.error());
  if (verified->checkpoint.size != size || verified->checkpoint.root != cp->root)
    return report({Errc::corrupt, "the checkpoint changed during the audit; run it again"});

  AuditTotals t = auditor.totals();
  std::vector<std::string> mismatches;
  if (published) {
    if (!auditor.snapshot()) return report({Errc::internal, "no snapshot at the report's size"});
    mismatches = compare_report(*published, *auditor.snapshot());
  }
  if (json_out) {
    nlohmann::ordered_json j;
    j["log"] = where;
    j["size"] = t.size;
    j["organisation"] = t.organisation;
    if (t.currency) j["currency"] = std::string(t.currency->code());
    j["funds"] = nlohmann::ordered_json::array();
    for (const auto& f : t.funds)
      j["funds"].push_back({{"fund", f.fund}, {"currency", std::string(f.currency.code())}, {"raised", f.raised},
                            {"spent", f.spent}, {"transfers_in", f.transfers_in}, {"transfers_out", f.transfers_out},
                            {"balance", f.balance}, {"donations", f.donations}});
    j["reports_checked"] = t.reports_checked;
    j["other_families"] = nlohmann::ordered_json::object();  // leaves verified in the tree, not read
    for (const auto& [family, n] : t.other_families) j["other_families"][family] = n;
    j["findings"] = nlohmann::ordered_json::array();
    for (const auto& f : auditor.findings()) j["findings"].push_back({{"leaf", f.leaf}, {"message", f.message}});
    j["report_mismatches"] = mismatches;
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("%-16s %18s %18s %18s %18s %18s %9s\n", "fund", "raised", "spent", "in", "out", "balance", "donations");
    for (const auto& f : t.funds)
      std::printf("%-16s %18s %18s %18s %18s %18s %9llu\n", f.fund.c_str(), format(Money{f.raised, f.currency}).c_str(),
                  format(Money{f.spent, f.currency}).c_str(), format(Money{f.transfers_in, f.currency}).c_str(),
                  format(Money{f.transfers_out, f.currency}).c_str(), format(Money{f.balance, f.currency}).c_str(),
                  static_cast<unsigned long long>(f.donations));
    for (const auto& f : auditor.findings())
      std::printf("FINDING leaf %llu: %s\n", static_cast<unsigned long long>(f.leaf), f.message.c_str());
    for (const auto& m : mismatches) std::printf("REPORT MISMATCH %s\n", m.c_str());
    for (const auto& [family, n] : t.other_families)
      std::printf("NOT AUDITED %llu leaves of family %s: in the verified tree, but their meaning is not the books'\n",
                  static_cast<unsigned long long>(n), family.c_str());
  }
  if (!auditor.findings().empty() || !mismatches.empty()) {
    std::fprintf(stderr, "amanat: audit FAILED: %zu finding(s) on the log, %zu mismatch(es) with the report\n",
                 auditor.findings().size(), mismatches.size());
    return kExitFailed;
  }
  std::uint64_t others = 0;
  for (const auto& [family, n] : t.other_families) others += n;
  std::fprintf(stderr,
               "amanat: audit OK: %llu records of %s verified, %llu of them the books' and recomputed; %llu published "
               "report(s) match%s\n",
               static_cast<unsigned long long>(t.size), verified->checkpoint.origin.c_str(),
               static_cast<unsigned long long>(t.size - others), static_cast<unsigned long long>(t.reports_checked),
               published ? "; the given report matches" : "");
  return kExitOk;
}

}  // namespace

void add_audit_commands(Registry& r) {
  auto where = std::make_shared<std::string>();
  auto vkey = std::make_shared<std::string>();
  auto rep = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto* sub = r.app.add_subcommand("audit", "Recompute every fund from the public log and check the published reports");
  sub->add_option("--log", *where, "URL, mirror directory or data directory")->required();
  sub->add_option("--vkey", *vkey, "The organisation's log verifier key")->required();
  sub->add_option("--report", *rep, "A report published by the organisation (amanat report --format json) to compare");
  sub->add_flag("--json", *json, "Print the recomputed totals and findings as JSON");
  sub->footer("Exit status 0 only if the log verifies, every record is sound and every report matches.");
  r.on(sub, [=] { return do_audit(*where, *vkey, *rep, *json); });
}

}  // namespace amanat::cli
