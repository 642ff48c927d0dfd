// amanat import, amanat reconcile: bank statements in, and what they do and do not match.
#include <cstdio>

#include "books/import/camt053.h"
#include "books/import/csv.h"
#include "books/import/importer.h"
#include "books/report.h"
#include "cli/books_session.h"
#include "cli/cli.h"
#include "core/sha256.h"
#include "store/static_dir.h"

namespace amanat::cli {

namespace {

using namespace amanat::books;

// SHA-256 of a file, read in chunks (statements can be large).
Result<std::string> file_sha256(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return fail(Errc::not_found, "cannot open " + path);
  Sha256 h;
  std::vector<std::uint8_t> buf(1 << 20);
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) h.update(std::span(buf.data(), n));
  bool bad = std::ferror(f);
  std::fclose(f);
  if (bad) return fail(Errc::unavailable, "cannot read " + path);
  return to_hex(h.final());
}

int do_import(const std::string& data, const std::string& file, const std::string& format, const std::string& map,
              const std::string& account, const std::string& channel_name, const std::vector<std::string>& rate_args) {
  std::map<std::string, Rate> rates;
  for (const auto& a : rate_args) {
    auto r = parse_rate_option(a);
    if (!r) return report(r.error().context("--rate"));
    rates[r->first] = r->second;
  }
  auto channel = parse_channel(channel_name);
  if (!channel) return report(channel.error().context("--channel"));
  if (auto st = check_money_account(account, "--account"); !st) return report(st.error());
  auto chosen = import::choose_statement_format(format, map, "--");
  if (!chosen) return report(chosen.error());
  Result<import::Statement> st = fail(Errc::invalid, "");
  {
    Progress progress("reading " + file, 0);
    st = import::parse_statement_file(file, *chosen, &progress);
  }
  if (!st) return report({st.error().code, file + ": " + st.error().message + "; nothing from this file was booked"});
  auto sha = file_sha256(file);
  if (!sha) return report(sha.error());
  auto s = open_books(data);
  if (!s) return report(s.error());
  import::ImportOptions o{account, *channel, *sha, rates};
  Progress progress("booking " + std::to_string(st->lines.size()) + " lines", st->lines.size());
  auto r = import::import_statement(*(*s)->books, *(*s)->stores.bank, *(*s)->keys, *st, o, &progress);
  progress.finish();
  if (!r) return report(r.error());
  std::printf("lines %llu\nbooked %llu\nmatched-donations %llu\nalready-imported %llu\nmoney-out %llu\nmatched-expenses %llu\n",
              (unsigned long long)r->lines, (unsigned long long)r->booked, (unsigned long long)r->matched_donations,
              (unsigned long long)r->known, (unsigned long long)r->money_out, (unsigned long long)r->matched_expenses);
  std::fprintf(stderr, "amanat: import %llu of %s (%s): %llu new donations booked; %llu lines were already imported\n",
               (unsigned long long)r->import_id, file.c_str(), st->format.c_str(), (unsigned long long)r->booked,
               (unsigned long long)r->known);
  return kExitOk;
}

int do_reconcile(const std::string& data, const std::string& from, const std::string& to, const std::string& format,
                 bool all) {
  for (const auto& [d, name] : {std::pair{from, "--from"}, std::pair{to, "--to"}})
    if (!d.empty())
      if (auto st = check_date(d, name); !st) return report(st.error());
  auto s = open_books(data);  // matching writes the links it finds
  if (!s) return report(s.error());
  if (auto m = (*s)->stores.bank->match_expenses(); !m) return report(m.error());
  ReconcileQuery q;
  if (!from.empty()) q.from = from;
  if (!to.empty()) q.to = to;
  q.include_matched = all;
  auto r = (*s)->stores.bank->reconcile(q);
  if (!r) return report(r.error());
  auto kind = [](ReconcileItem::Kind k) {
    return k == ReconcileItem::matched ? "matched" : k == ReconcileItem::bank_only ? "bank-only" : "record-only";
  };
  if (format == "csv") {
    // The bank's reference is kept only as its keyed tag (books/identity.h).
    std::printf("status,date,account,amount,currency,bank_ref_tag,record\n");
    for (const auto& it : r->items)
      std::printf("%s,%s,%s,%s,%s,%s,%s\n", kind(it.kind), it.date.c_str(), csv_field(it.account).c_str(),
                  format_amount(it.amount).c_str(), std::string(it.amount.currency.code()).c_str(),
                  csv_field(it.bank_ref).c_str(), it.record ? std::to_string(*it.record).c_str() : "");
  } else {
    std::printf("matched %llu\nbank lines with no record %llu\nrecords with no bank line %llu\n",
                (unsigned long long)r->matched, (unsigned long long)r->bank_only, (unsigned long long)r->record_only);
    for (const auto& it : r->items)
      std::printf("  %-11s %s %-24s %18s %-20s %s\n", kind(it.kind), it.date.c_str(), it.account.c_str(),
                  amanat::format(it.amount).c_str(), it.bank_ref.c_str(),
                  it.record ? ("record " + std::to_string(*it.record)).c_str() : "");
  }
  return kExitOk;
}

}  // namespace

void add_import_commands(Registry& r) {
  {
    auto data = std::make_shared<std::string>();
    auto file = std::make_shared<std::string>();
    auto fmt = std::make_shared<std::string>();
    auto map = std::make_shared<std::string>();
    auto account = std::make_shared<std::string>("Bank:Main");
    auto channel = std::make_shared<std::string>("bank");
    auto rates = std::make_shared<std::vector<std::string>>();
    auto* sub = r.app.add_subcommand("import", "Import a bank statement: money in is booked as donations");
    sub->add_option("FILE", *file, "The statement file")->required();
    sub->add_option("--data", *data, "Data directory")->required();
    sub->add_option("--format", *fmt,
                    "camt (ISO 20022 camt.052/053/054; or camt052, camt053, camt054 for one of them), mt940 "
                    "(SWIFT MT940/MT942), 1c (1CClientBankExchange) or csv (needs --map)")
        ->required()
        ->check(CLI::IsMember({"camt", "camt052", "camt053", "camt054", "mt940", "mt942", "1c", "csv"}));
    sub->add_option("--map", *map,
                    "CSV column mapping: \"account=NAME;date=COL;amount=COL|credit=COL;debit=COL;currency=COL|"
                    "currency-code=KZT;ref=COL;counterparty=COL;text=COL;date-format=DD.MM.YYYY;decimal=,;"
                    "thousands=space;delimiter=semicolon;encoding=windows-1251\" (csv only)");
    sub->add_option("--account", *account, "The money account the statement is for")->capture_default_str();
    sub->add_option("--channel", *channel, "Channel of the donations it books")->capture_default_str();
    sub->add_option("--rate", *rates, "CODE=RATE: one unit of a foreign currency in the organisation's (repeatable)");
    sub->footer("A bad line is reported with its line number and nothing is booked. Importing a file again "
                "books nothing twice. The payment text picks the appeal (an open appeal's code in it), else "
                "the general fund.");
    r.on(sub, [=] { return do_import(*data, *file, *fmt, *map, *account, *channel, *rates); });
  }
  {
    auto data = std::make_shared<std::string>();
    auto from = std::make_shared<std::string>();
    auto to = std::make_shared<std::string>();
    auto fmt = std::make_shared<std::string>("text");
    auto all = std::make_shared<bool>(false);
    auto* sub = r.app.add_subcommand("reconcile", "Bank lines with no record, records with no bank line, and matches");
    sub->add_option("--data", *data, "Data directory")->required();
    sub->add_option("--from", *from, "Period start, YYYY-MM-DD");
    sub->add_option("--to", *to, "Period end, YYYY-MM-DD");
    sub->add_option("--format", *fmt, "text or csv")->check(CLI::IsMember({"text", "csv"}))->capture_default_str();
    sub->add_flag("--all", *all, "List the matched lines too");
    r.on(sub, [=] { return do_reconcile(*data, *from, *to, *fmt, *all); });
  }
}

}  // namespace amanat::cli
