#include "books/import/importer.h"

#include <deque>
#include <map>
#include <memory_resource>
#include <set>
#include <unordered_map>

#include "books/identity.h"
#include "books/import/camt053.h"
#include "books/import/fields.h"
#include "books/import/mt940.h"
#include "books/import/onec.h"

namespace amanat::books::import {

namespace {

// The first token of the payment text that names an open appeal.
std::string fund_from_text(const std::string& text, const std::set<std::string, std::less<>>& open_appeals) {
  std::string token;
  auto check = [&]() -> bool { return !token.empty() && open_appeals.count(token); };
  for (char c : text) {
    char u = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    if ((u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-') {
      token += u;
    } else {
      if (check()) return token;
      token.clear();
    }
  }
  return check() ? token : std::string(kGeneralFund);
}

std::string donor_of(const std::string& counterparty) {
  if (counterparty.empty()) return {};
  if (normalise_donor("iban:" + counterparty)) return "iban:" + counterparty;
  return "ref:" + counterparty;
}

}  // namespace

Result<ImportResult> import_statement(Books& books, BankStore& store, const crypto::Keyring& keys,
                                      const Statement& st, const ImportOptions& o, Progress* progress) {
  if (auto s = check_money_account(o.money_account, "--account"); !s) return err(s);
  if (auto s = keys.ready(); !s) return err(s);  // every line's key is keyed
  ImportResult res;
  res.lines = st.lines.size();

  std::set<std::string, std::less<>> open_appeals;
  std::map<std::string, Currency, std::less<>> fund_currency;
  for (const auto& f : books.funds()) {
    fund_currency.emplace(f.fund, f.currency);
    if (f.restricted && f.open) open_appeals.insert(f.fund);
  }
  const Currency org = books.currency();
  // First pass: every line of money in must be bookable, or nothing is booked.
  std::vector<std::string> funds(st.lines.size());
  for (std::size_t i = 0; i < st.lines.size(); ++i) {
    const StatementLine& l = st.lines[i];
    if (l.amount.minor < 0) continue;
    funds[i] = fund_from_text(l.text, open_appeals);
    Currency fc = fund_currency.at(funds[i]);
    if (l.amount.currency == fc) continue;
    std::string code(l.amount.currency.code());
    if (fc != org)
      return fail(Errc::invalid, "line " + std::to_string(l.line) + ": amount: " + code + " money for fund " + funds[i] +
                                     ", which is held in " + std::string(fc.code()) +
                                     "; book it by hand with its rate. Nothing from this file was booked");
    if (!o.rates.count(code))
      return fail(Errc::invalid, "line " + std::to_string(l.line) + ": amount: in " + code + "; give --rate " + code +
                                     "=RATE (one " + code + " in " + std::string(org.code()) +
                                     "). Nothing from this file was booked");
  }

  auto id = store.begin_import(o.file_sha256, st.format, st.lines.size(), system_clock_now());
  if (!id) return err(id);
  res.import_id = *id;

  auto known_keys = store.bank_line_keys();
  if (!known_keys) return err(known_keys);
  // How many times each line identity occurred so far in this file: a hash table (the
  // identities share long prefixes, which made an ordered map compare them at length) whose
  // nodes and strings come from one arena, freed at once.
  std::pmr::monotonic_buffer_resource arena;
  std::pmr::unordered_map<std::pmr::string, int> occurrences(&arena);
  occurrences.reserve(st.lines.size());
  std::string identity, keyed;
  std::vector<BankLine> out_lines;
  std::deque<std::future<Result<std::uint64_t>>> inflight;
  std::optional<Error> failure;
  auto drain = [&](std::size_t keep) {
    while (inflight.size() > keep) {
      auto r = inflight.front().get();
      inflight.pop_front();
      if (!r && !failure) failure = r.error();
    }
  };
  for (std::size_t i = 0; i < st.lines.size() && !failure; ++i) {
    const StatementLine& l = st.lines[i];
    identity.clear();
    identity.append(l.account).append("\x1f").append(l.booking_date).append("\x1f");
    identity.append(std::to_string(l.amount.minor)).append("\x1f").append(l.amount.currency.code()).append("\x1f");
    identity.append(l.bank_ref).append("\x1f").append(l.counterparty);
    int nth = ++occurrences.try_emplace(std::pmr::string(identity, &arena), 0).first->second;
    keyed.assign("bank-line:").append(identity).append("\x1f").append(std::to_string(nth));
    auto key = keys.pseudonym(keyed);
    if (!key) return err(key);
    auto ref = bank_ref_tag(keys, l.bank_ref);  // the reference itself is kept nowhere
    if (!ref) return err(ref);
    BankLine line{std::move(*key), l.account, l.booking_date, l.amount, std::move(*ref), std::nullopt, res.import_id};
    if (known_keys->count(line.key)) {
      ++res.known;
      continue;
    }
    if (l.amount.minor < 0) {
      out_lines.push_back(std::move(line));
      ++res.money_out;
      continue;
    }
    if (!line.bank_ref.empty()) {
      auto existing = store.unmatched_donation(line.bank_ref, l.amount);
      if (!existing) return err(existing);
      if (*existing) {
        drain(0);  // the lines before it are in the store before its match is decided
        line.record = **existing;
        if (auto s = store.add_bank_lines({line}); !s) return err(s);
        ++res.matched_donations;
        continue;
      }
    }
    Rates rates;
    if (l.amount.currency != fund_currency.at(funds[i]))
      rates.emplace(std::string(org.code()), o.rates.at(std::string(l.amount.currency.code())));
    DonationInput d{l.booking_date, l.amount, o.channel, o.money_account, funds[i], rates, donor_of(l.counterparty),
                    "", DateCheck::confirmed};  // the bank's own date; the reference is the line's
    auto sub = books.submit_donation(d, line);
    if (!sub) return std::unexpected(sub.error().context("line " + std::to_string(l.line)));
    inflight.push_back(std::move(sub->first));
    ++res.booked;
    drain(8192);
    if (progress && (i & 1023) == 0) progress->update(i);
  }
  drain(0);
  if (failure) {
    books.note_failure();
    return std::unexpected(failure->context("booking stopped; import the same file again to book the rest"));
  }
  if (auto s = store.add_bank_lines(out_lines); !s) return err(s);
  auto m = store.match_expenses();
  if (!m) return err(m);
  res.matched_expenses = *m;
  if (progress) progress->update(st.lines.size());
  return res;
}

Result<StatementFormat> choose_statement_format(std::string_view format, std::string_view map,
                                                std::string_view prefix) {
  const std::string p(prefix);
  struct Named {
    std::string_view name;
    StatementFormat format;
  };
  static const Named kNamed[] = {
      {"camt", {StatementKind::camt, CamtMessage::any}},
      {"camt053", {StatementKind::camt, CamtMessage::statement}},
      {"camt052", {StatementKind::camt, CamtMessage::report}},
      {"camt054", {StatementKind::camt, CamtMessage::notification}},
      {"mt940", {StatementKind::mt940}},
      {"mt942", {StatementKind::mt940}},
      {"1c", {StatementKind::onec}},
  };
  for (const Named& n : kNamed) {
    if (n.name != format) continue;
    if (!map.empty()) return fail(Errc::invalid, p + "map: only for " + p + "format csv");
    return n.format;
  }
  if (format != "csv")
    return fail(Errc::invalid, p + "format: one of camt, camt052, camt053, camt054, mt940, 1c, csv");
  if (map.empty())
    return fail(Errc::invalid, p + "map: a CSV statement needs its column mapping, e.g. "
                                   "\"account=Kaspi-Main;date=Date;amount=Amount;currency-code=KZT;ref=Reference\"");
  auto mapping = parse_csv_mapping(map);
  if (!mapping) return std::unexpected(mapping.error().context(p + "map"));
  return StatementFormat{StatementKind::csv, CamtMessage::any, std::move(*mapping)};
}

Result<Statement> parse_statement(std::istream& in, const StatementFormat& format, Progress* progress) {
  switch (format.kind) {
    case StatementKind::mt940: return parse_mt940(in, progress);
    case StatementKind::onec: return parse_1c(in, progress);
    case StatementKind::csv: return parse_csv(in, *format.csv, progress);
    case StatementKind::camt: break;
  }
  return parse_camt(in, format.camt, progress);
}

Result<Statement> parse_statement_file(const std::filesystem::path& file, const StatementFormat& format,
                                       Progress* progress) {
  return detail::parse_file(file, progress,
                            [&](std::istream& in) { return parse_statement(in, format, progress); });
}

}  // namespace amanat::books::import
