// amanat books init, appeal, donation, expense, transfer, correct, report: the books from the
// command line. Each command is a thin layer over books::Books (the same code the API will
// call): it parses options into a record, books it and prints the record's leaf index.
//
// amanat file reveal|proof|verify: proving a receipt or evidence file to a court. The log
// carries a salted commitment to each file (books/receipt_files.h); `reveal` shows the file's
// hash, its salt and the records that commit to it, `proof` the c2sp tlog-proof of one of
// them, and `verify`, for anyone with the log's key, checks the proof and recomputes the
// commitment from the file and the revealed salt.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "books/demo.h"
#include "books/donation_proof.h"
#include "books/export/books_export.h"
#include "books/identity.h"
#include "core/progress.h"
#include "tlog/note.h"
#include "books/leaf.h"
#include "books/receipt_files.h"
#include "books/report.h"
#include "cli/books_session.h"
#include "cli/cli.h"
#include "core/sha256.h"
#include "store/static_dir.h"
#include "tlog/merkle.h"
#include "tlog/proof_file.h"
#include "tlog/tile.h"

namespace amanat::cli {

namespace fs = std::filesystem;
using namespace amanat::books;

namespace {

int print_leaf(const Result<std::uint64_t>& r, const char* what) {
  if (!r) return report(r.error());
  std::printf("%llu\n", static_cast<unsigned long long>(*r));
  std::fprintf(stderr, "amanat: %s booked as record %llu\n", what, static_cast<unsigned long long>(*r));
  return kExitOk;
}

Result<Money> money_opt(const std::string& amount, const std::string& code, std::string_view field) {
  auto m = parse_money(amount, code);
  if (!m) return std::unexpected(m.error().context(field));
  return m;
}

// --rate CODE=DECIMAL, repeatable.
Result<Rates> parse_rates(const std::vector<std::string>& in) {
  Rates out;
  for (const auto& s : in) {
    auto r = parse_rate_option(s);
    if (!r) return std::unexpected(r.error().context("--rate"));
    out[r->first] = r->second;
  }
  return out;
}

std::string date_or_today(const std::string& d) { return d.empty() ? today() : d; }

// Stores a receipt or evidence file sealed under DIR/receipts/<sha256> and returns it as the log
// commits to it, with its salt (books/receipt_files.h).
Result<FileCommitment> store_receipt_file(const BooksSession& s, const std::string& path) {
  auto data = store::read_file_bytes(path, kMaxReceiptBytes);
  if (!data) return err(data);
  AMANAT_TRY(sha, store_receipt(s.dir.path(), *s.keys, *data));
  return commit_file(s.dir.path(), *s.keys, sha);
}

// A record's date far from today is refused unless confirmed (books::DateCheck).
DateCheck when(bool confirmed) { return confirmed ? DateCheck::confirmed : DateCheck::near_today; }

void add_date(CLI::App* sub, std::string& date, bool& confirm, const std::string& what) {
  sub->add_option("--date", date, what + " (YYYY-MM-DD, default today)");
  sub->add_flag("--confirm-date", confirm, "The --date is right though more than a year ago or after tomorrow");
}

// ---- books init ----------------------------------------------------------------------------

int do_books_init(const std::string& data, const std::string& code, const std::string& name) {
  auto c = currency(code);
  if (!c) return report(c.error().context("--currency"));
  auto s = open_books(data, false);
  if (!s) return report(s.error());
  if ((*s)->books->is_open()) return report({Errc::conflict, data + " already has books"});
  return print_leaf((*s)->books->open_books(name.empty() ? (*s)->stores.origin : name, *c), "books.open");
}

// Bank references booked before keyed tags (books/identity.h) are stored in the clear until this
// runs once with the books key; re-running finds none. Takes the writer lock: stop the server.
int do_retag_references(const std::string& data) {
  auto s = open_books(data, false);
  if (!s) return report(s.error());
  auto n = (*s)->books->retag_bank_references();
  if (!n) return report(n.error().context("re-tagging bank references"));
  std::printf("re-tagged %lld bank references stored in the clear (older backups still hold them)\n",
              static_cast<long long>(*n));
  return kExitOk;
}

// ---- appeals -------------------------------------------------------------------------------

struct AppealOpts {
  std::string data, code, title, description, case_code, target, currency, date;
  bool confirm_date = false;
};

int do_appeal_open(const AppealOpts& o) {
  auto s = open_books(o.data);
  if (!s) return report(s.error());
  std::string code = o.currency.empty() ? std::string((*s)->books->currency().code()) : o.currency;
  auto target = money_opt(o.target, code, "--target");
  if (!target) return report(target.error());
  AppealOpen a{o.code, o.title, o.description, o.case_code, *target, date_or_today(o.date)};
  return print_leaf((*s)->books->open_appeal(a, when(o.confirm_date)), "appeal");
}

int do_appeal_update(const AppealOpts& o, std::optional<bool> open) {
  auto s = open_books(o.data);
  if (!s) return report(s.error());
  AppealUpdate u;
  u.code = o.code;
  u.date = date_or_today(o.date);
  if (!o.title.empty()) u.title = o.title;
  if (!o.description.empty()) u.description = o.description;
  if (!o.target.empty()) {
    std::string code = o.currency;
    if (code.empty())
      for (const auto& f : (*s)->books->funds())
        if (f.fund == o.code) code = std::string(f.currency.code());
    auto t = money_opt(o.target, code.empty() ? "KZT" : code, "--target");
    if (!t) return report(t.error());
    u.target = *t;
  }
  u.open = open;
  return print_leaf((*s)->books->update_appeal(u, when(o.confirm_date)), "appeal change");
}

// ---- donations -----------------------------------------------------------------------------

struct DonationOpts {
  std::string data, amount, currency, fund = "general", channel = "bank", account, date, donor, bank_ref;
  std::vector<std::string> rates;
  bool confirm_date = false;
};

int do_donation_add(const DonationOpts& o) {
  auto s = open_books(o.data);
  if (!s) return report(s.error());
  std::string code = o.currency.empty() ? std::string((*s)->books->currency().code()) : o.currency;
  auto amount = money_opt(o.amount, code, "--amount");
  if (!amount) return report(amount.error());
  auto channel = parse_channel(o.channel);
  if (!channel) return report(channel.error());
  auto rates = parse_rates(o.rates);
  if (!rates) return report(rates.error());
  DonationInput in{date_or_today(o.date), *amount, *channel, o.account, o.fund, *rates, o.donor, o.bank_ref,
                  when(o.confirm_date)};
  auto r = (*s)->books->donate(in);
  if (!r) return report(r.error());
  std::printf("%llu\n", static_cast<unsigned long long>(r->leaf));
  std::printf("receipt code: %s\n", r->receipt_code.c_str());
  std::fprintf(stderr,
               "amanat: donation booked as record %llu. Give the donor the receipt code: it is the only way to\n"
               "  find this donation again (amanat keeps only its hash), and it proves the gift with\n"
               "  `amanat donation proof --receipt CODE`.\n",
               static_cast<unsigned long long>(r->leaf));
  return kExitOk;
}

// The donation proof: a c2sp.org/tlog-proof@v1 file whose `extra` holds the donation's leaf,
// so that one file lets the donor check the gift offline with the log's key alone.
int do_donation_proof(const std::string& data, const std::string& receipt) {
  auto r = read_books(data);
  if (!r) return report(r.error());
  auto p = prove_donation(*(*r)->stores.books, *(*r)->stores.log, receipt);
  if (!p) return report(p.error());
  std::fwrite(p->proof.data(), 1, p->proof.size(), stdout);
  if (p->reversed_by)
    std::fprintf(stderr, "amanat: note: this donation was reversed by record %llu\n",
                 static_cast<unsigned long long>(*p->reversed_by));
  return kExitOk;
}

// A record proven by a c2sp.org/tlog-proof@v1 file (`-`: stdin) whose `extra` line is its leaf:
// the proof checked offline against the log's key, then the leaf decoded as a books record.
struct ProvenRecord {
  Record record;
  tlog::VerifiedProof proof;
};
Result<ProvenRecord> read_proven_record(const std::string& vkey, const std::string& proof_path) {
  auto key = tlog::Verifier::parse(vkey);
  if (!key) return std::unexpected(key.error().context("--vkey"));
  auto text = proof_path == "-" ? Result<std::string>(std::string(std::istreambuf_iterator<char>(std::cin), {}))
                                : store::read_file(proof_path);
  if (!text) return err(text);
  AMANAT_TRY(parsed, tlog::parse_proof_file(*text));
  if (!parsed.extra) return fail(Errc::invalid, "the proof carries no record (no extra line)");
  tlog::ProofTrust trust{*key, key->name(), {}, 0};
  AMANAT_TRY(ok, tlog::verify_proof_file_for_entry(*text, *parsed.extra, trust));
  auto rec = decode_leaf(*parsed.extra);
  if (!rec) return std::unexpected(rec.error().context("the proven record"));
  return ProvenRecord{std::move(*rec), std::move(ok)};
}

int do_donation_verify(const std::string& vkey, const std::string& receipt, const std::string& proof_path) {
  auto code = parse_receipt_code(receipt);
  if (!code) return report(code.error());
  auto proven = read_proven_record(vkey, proof_path);
  if (!proven) return report(proven.error());
  const tlog::VerifiedProof& ok = proven->proof;
  const auto* d = std::get_if<Donation>(&proven->record.body);
  if (!d) return report({Errc::invalid, "the proven record is not a donation"});
  if (d->receipt != receipt_commitment(code->secret) || ok.proof.index != code->leaf)
    return report({Errc::corrupt, "the proven donation was not made with this receipt code"});
  std::printf("OK donation of %s on %s to %s (%s) is record %llu of %s, in the log at size %llu\n",
              format(d->amount).c_str(), d->date.c_str(),
              d->fund == kGeneralFund ? "the general fund" : ("appeal " + d->fund).c_str(),
              std::string(channel_name(d->channel)).c_str(), static_cast<unsigned long long>(ok.proof.index),
              ok.checkpoint.origin.c_str(), static_cast<unsigned long long>(ok.checkpoint.size));
  return kExitOk;
}

// ---- expenses ------------------------------------------------------------------------------

struct ExpenseOpts {
  std::string data, amount, currency, category, payee, fund, account = "Bank:Main", memo, date, bank_ref, by;
  std::vector<std::string> splits, receipts, rates;
  bool confirm_date = false;
};

int do_expense_add(const ExpenseOpts& o) {
  auto s = open_books(o.data);
  if (!s) return report(s.error());
  std::string code = o.currency.empty() ? std::string((*s)->books->currency().code()) : o.currency;
  auto amount = money_opt(o.amount, code, "--amount");
  if (!amount) return report(amount.error());
  auto cat = parse_category(o.category);
  if (!cat) return report(cat.error());
  auto rates = parse_rates(o.rates);
  if (!rates) return report(rates.error());
  ExpenseInput in{Expense{date_or_today(o.date), *amount, *cat, o.account, "", o.memo, {}, {}, *rates}};
  Expense& e = in.expense;
  if (o.splits.empty()) {
    e.splits.push_back({o.fund.empty() ? std::string(kGeneralFund) : o.fund, *amount});
  } else {
    if (!o.fund.empty()) return report({Errc::invalid, "--fund and --split: give one or the other"});
    for (const auto& sp : o.splits) {
      auto eq = sp.find('=');
      if (eq == std::string::npos) return report({Errc::invalid, "--split: write FUND=AMOUNT, e.g. A-2025-001=1500.00"});
      auto m = money_opt(sp.substr(eq + 1), code, "--split " + sp.substr(0, eq));
      if (!m) return report(m.error());
      e.splits.push_back({sp.substr(0, eq), *m});
    }
  }
  // Check the record before storing its receipt files, so that a typo leaves nothing behind.
  e.payee = std::string(64, '0');
  if (auto st = validate(Record{"2000-01-01T00:00:00Z", e}); !st) return report(st.error());
  for (const auto& path : o.receipts) {
    auto file = store_receipt_file(**s, path);
    if (!file) return report(file.error().context("--receipt " + path));
    in.receipts.push_back(std::move(*file));
  }
  in.payee = o.payee;
  in.bank_ref = o.bank_ref;
  in.booked_by = o.by;
  in.date_check = when(o.confirm_date);
  return print_leaf((*s)->books->add_expense(std::move(in)), "expense");
}

int do_expense_approve(const std::string& data, std::uint64_t expense, const std::string& by) {
  auto s = open_books(data);
  if (!s) return report(s.error());
  return print_leaf((*s)->books->approve(expense, by), "approval");
}

int do_expense_confirm(const std::string& data, std::uint64_t expense, const std::string& role,
                       const std::string& evidence) {
  auto r = parse_confirm_role(role);
  if (!r) return report(r.error());
  auto s = open_books(data);
  if (!s) return report(s.error());
  std::optional<FileCommitment> file;
  if (!evidence.empty()) {
    auto f = store_receipt_file(**s, evidence);
    if (!f) return report(f.error().context("--evidence"));
    file = std::move(*f);
  }
  // From the console a confirmation is always recorded on someone's behalf: it needs the evidence.
  return print_leaf((*s)->books->confirm(expense, *r, file, Confirmer::on_behalf), "confirmation");
}

int do_expense_receipt(const std::string& data, std::uint64_t expense, const std::string& file) {
  auto s = open_books(data);
  if (!s) return report(s.error());
  auto f = store_receipt_file(**s, file);
  if (!f) return report(f.error());
  return print_leaf((*s)->books->attach_receipt(expense, *f), "receipt");
}

// ---- files: proving a receipt or evidence file -----------------------------------------------

// The SHA-256 given by --sha256, or that of the file at --file.
Result<std::string> file_sha(const std::string& path, const std::string& sha) {
  if (path.empty() == sha.empty()) return fail(Errc::invalid, "give exactly one of --file and --sha256");
  if (!sha.empty()) {
    AMANAT_CHECK(check_sha256_hex(sha, "--sha256"));
    return sha;
  }
  AMANAT_TRY(data, store::read_file_bytes(path, kMaxReceiptBytes));
  return to_hex(sha256(data));
}

// What a record's leaf says of files: salted commitments, and (leaves written before them)
// plain SHA-256 hashes.
struct LeafFiles {
  std::vector<std::string> committed, plain;
};
LeafFiles files_in(const Record& r) {
  auto one = [](const std::string& s) { return s.empty() ? std::vector<std::string>{} : std::vector{s}; };
  if (const auto* e = std::get_if<Expense>(&r.body)) return {e->receipt_commitments, e->receipts};
  if (const auto* c = std::get_if<Confirmation>(&r.body)) return {one(c->evidence_commitment), one(c->evidence)};
  if (const auto* a = std::get_if<ReceiptAttach>(&r.body)) return {one(a->commitment), one(a->sha256)};
  return {};
}
bool holds(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

int do_file_reveal(const std::string& data, const std::string& path, const std::string& sha_opt) {
  auto sha = file_sha(path, sha_opt);
  if (!sha) return report(sha.error());
  auto r = read_books(data);
  if (!r) return report(r.error());
  auto committed = stored_commitment((*r)->dir.path(), *(*r)->keys, *sha);
  if (!committed) return report(committed.error());
  // Whoever holds the salt can confirm the file against the public log: who was shown it is traced.
  if (auto st = record_console((*r)->dir, (*r)->stores, "reveal-file", "file:" + sha->substr(0, 16)); !st)
    return report(st.error());
  auto uses = (*r)->stores.books->file_uses(*sha);
  if (!uses) return report(uses.error());
  std::printf("sha256      %s\n", sha->c_str());
  if (*committed) {
    std::printf("salt        %s\n", (*committed)->salt.c_str());
    std::printf("commitment  %s\n", (*committed)->commitment.c_str());
  } else {
    std::printf("salt        none: the log has never committed to this file with a salt\n");
  }
  for (std::uint64_t leaf : uses->records) {
    auto entry = (*r)->stores.log->read_entries(leaf, leaf + 1);
    if (!entry) return report(entry.error());
    auto rec = decode_leaf(entry->at(0));
    if (!rec) return report(rec.error().context("record " + std::to_string(leaf)));
    LeafFiles f = files_in(*rec);
    const char* how = *committed && holds(f.committed, (*committed)->commitment) ? "its salted commitment"
                      : holds(f.plain, *sha) ? "its plain SHA-256 (a leaf written before salted commitments)"
                                             : "not this file (the database and the log disagree)";
    std::printf("record      %llu %s: %s\n", static_cast<unsigned long long>(leaf),
                std::string(type_name(rec->body)).c_str(), how);
  }
  if (uses->records.empty()) std::printf("record      none: no record names this file yet\n");
  std::fprintf(stderr,
               "amanat: whoever holds the salt can confirm this file against the public log: show it only to whom "
               "the file must be proved, with `amanat file proof --record N`\n");
  return kExitOk;
}

int do_file_proof(const std::string& data, std::uint64_t record) {
  auto r = read_books(data);
  if (!r) return report(r.error());
  auto proof = prove_record(*(*r)->stores.log, record);
  if (!proof) return report(proof.error());
  std::fwrite(proof->data(), 1, proof->size(), stdout);
  return kExitOk;
}

int do_file_verify(const std::string& vkey, const std::string& path, const std::string& salt,
                   const std::string& proof_path) {
  auto sha = file_sha(path, "");
  if (!sha) return report(sha.error().context("--file"));
  std::optional<std::string> commitment;
  if (!salt.empty()) {
    auto c = file_commitment(salt, *sha);
    if (!c) return report({Errc::invalid, "--salt: 64 lower-case hex digits, as `amanat file reveal` prints it"});
    commitment = *c;
  }
  auto proven = read_proven_record(vkey, proof_path);
  if (!proven) return report(proven.error());
  const tlog::VerifiedProof& ok = proven->proof;
  LeafFiles f = files_in(proven->record);
  const char* how = nullptr;
  if (commitment && holds(f.committed, *commitment)) how = "commits to this file (with the revealed salt)";
  else if (holds(f.plain, *sha)) how = "names this file by its SHA-256 (a leaf written before salted commitments)";
  if (!how) {
    if (f.committed.empty() && f.plain.empty()) return report({Errc::corrupt, "the proven record names no file"});
    if (!commitment && !f.committed.empty())
      return report({Errc::invalid, "--salt: the proven record commits to files with a salt; give the revealed salt"});
    return report({Errc::corrupt, "the proven record does not commit to this file" +
                                      std::string(commitment ? " with this salt" : "")});
  }
  std::printf("OK record %llu of %s (%s) %s; in the log at size %llu\n",
              static_cast<unsigned long long>(ok.proof.index), ok.checkpoint.origin.c_str(),
              std::string(type_name(proven->record.body)).c_str(), how, static_cast<unsigned long long>(ok.checkpoint.size));
  return kExitOk;
}

// ---- transfers and corrections -------------------------------------------------------------

struct TransferOpts {
  std::string data, from, to, amount, currency, reason, date;
  std::vector<std::string> rates;
  bool confirm_date = false;
};

int do_transfer(const TransferOpts& o) {
  auto s = open_books(o.data);
  if (!s) return report(s.error());
  std::string code = o.currency;
  if (code.empty())
    for (const auto& f : (*s)->books->funds())
      if (f.fund == o.from) code = std::string(f.currency.code());
  if (code.empty()) return report({Errc::not_found, "--from: fund " + o.from + " does not exist"});
  auto amount = money_opt(o.amount, code, "--amount");
  if (!amount) return report(amount.error());
  auto rates = parse_rates(o.rates);
  if (!rates) return report(rates.error());
  return print_leaf((*s)->books->transfer(Transfer{date_or_today(o.date), *amount, o.from, o.to, o.reason, *rates},
                                                  when(o.confirm_date)),
                    "transfer");
}

int do_correct(const std::string& data, std::uint64_t record, const std::string& reason, const std::string& date,
               bool confirm_date) {
  auto s = open_books(data);
  if (!s) return report(s.error());
  return print_leaf((*s)->books->correct(Correction{date_or_today(date), record, reason}, when(confirm_date)), "correction");
}

// ---- reports -------------------------------------------------------------------------------

int do_report(const std::string& data, const std::string& appeal, const std::string& from, const std::string& to,
              const std::string& format_name, bool publish) {
  for (const auto& [d, name] : {std::pair{from, "--from"}, std::pair{to, "--to"}})
    if (!d.empty())
      if (auto st = check_date(d, name); !st) return report(st.error());
  ReportQuery q;
  if (!appeal.empty()) q.fund = appeal;
  if (!from.empty()) q.from = from;
  if (!to.empty()) q.to = to;
  if (publish) {
    if (q.fund || q.from || q.to) return report({Errc::invalid, "--publish: publishes the whole books; drop --appeal/--from/--to"});
    auto s = open_books(data);
    if (!s) return report(s.error());
    return print_leaf((*s)->books->publish_report(), "report");
  }
  auto r = read_books(data);
  if (!r) return report(r.error());
  auto rep = (*r)->stores.reports->report(q);
  if (!rep) return report(rep.error());
  std::string out = format_name == "json" ? report_json(*rep) : format_name == "csv" ? report_csv(*rep) : report_text(*rep);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

// ---- export and demo -----------------------------------------------------------------------

int do_export_books(const std::string& data, const std::string& fmt, const std::string& out_path) {
  auto format = exporter::parse_format(fmt);
  if (!format) return report(format.error());
  auto r = read_books(data);
  if (!r) return report(r.error());
  if (auto st = record_console((*r)->dir, (*r)->stores, "export", "books:" + fmt); !st) return report(st.error());
  std::ofstream file;
  std::ostream* out = &std::cout;
  std::string tmp;
  if (!out_path.empty() && out_path != "-") {
    tmp = out_path + ".tmp";
    file.open(tmp, std::ios::binary | std::ios::trunc);
    if (!file) return report({Errc::unavailable, "cannot write " + tmp});
    out = &file;
  }
  Progress progress("exporting transactions", 0);
  auto n = exporter::export_books(*(*r)->stores.reports, *format, *out, &progress);
  progress.finish();
  if (!n) {
    if (!tmp.empty()) fs::remove(tmp);
    return report(n.error());
  }
  if (!tmp.empty()) {
    file.close();
    if (!file) return report({Errc::unavailable, "cannot write " + tmp});
    fs::rename(tmp, out_path);
  }
  std::fprintf(stderr, "amanat: exported %llu transactions\n", static_cast<unsigned long long>(*n));
  return kExitOk;
}

int do_demo(const std::string& data, const std::string& origin, const DemoOptions& o) {
  if (!fs::exists(fs::path(data) / "amanat.db")) {
    // A new data directory, as `amanat init` makes one.
    auto dir = store::DataDir::create(data);
    if (!dir) return report(dir.error());
    auto keys = tlog::generate_key(origin);
    if (!keys) return report(keys.error());
    if (auto st = dir->write_key(keys->skey); !st) return report(st.error());
    if (auto stores = store::open_org(*dir, {.create = true, .origin = origin}); !stores) return report(stores.error());
    if (auto st = crypto::Keyring::create(books_key_path(*dir)); !st) return report(st.error());
    std::printf("%s\n", keys->vkey.c_str());
    std::fprintf(stderr, "amanat: created %s for log %s; verifier key above\n", data.c_str(), origin.c_str());
  }
  auto s = open_books(data, false);
  if (!s) return report(s.error());
  if (!(*s)->books->is_open())
    if (auto r = (*s)->books->open_books("Demo Foundation (invented)", *currency("KZT")); !r) return report(r.error());
  Progress progress("booking demo donations", o.donations);
  auto sum = generate_demo(*(*s)->books, o, &progress);
  progress.finish();
  if (!sum) return report(sum.error());
  std::fprintf(stderr,
               "amanat: demo books: %llu appeals, %llu donations, %llu expenses, %llu approvals, %llu transfers, "
               "%llu corrections; log size %llu\n",
               (unsigned long long)sum->appeals, (unsigned long long)sum->donations, (unsigned long long)sum->expenses,
               (unsigned long long)sum->approvals, (unsigned long long)sum->transfers,
               (unsigned long long)sum->corrections, (unsigned long long)(*s)->seq->size());
  return kExitOk;
}

}  // namespace

void add_books_commands(Registry& r) {
  {
    auto data = std::make_shared<std::string>();
    auto fmt = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    auto* sub = r.app.add_subcommand("export", "Export the books as a ledger/hledger journal or a beancount file");
    sub->add_option("--data", *data, "Data directory")->required();
    sub->add_option("--format", *fmt, "ledger (also read by hledger) or beancount")->required();
    sub->add_option("--out", *out, "Output file (default: standard output)");
    r.on(sub, [=] { return do_export_books(*data, *fmt, *out); });
  }
  {
    auto data = std::make_shared<std::string>();
    auto origin = std::make_shared<std::string>("demo.amanat.localhost/log");
    auto o = std::make_shared<DemoOptions>();
    auto* sub = r.app.add_subcommand("demo", "Book realistic synthetic books (invented people only) for demos and tests");
    sub->add_option("--data", *data, "Data directory (created if missing)")->required();
    sub->add_option("--donations", o->donations, "How many donations")->capture_default_str();
    sub->add_option("--appeals", o->appeals, "How many appeals (default: one per 20,000 donations, 6 to 50)");
    sub->add_option("--seed", o->seed, "Random seed")->capture_default_str();
    sub->add_option("--start", o->start, "First day, YYYY-MM-DD")->capture_default_str();
    sub->add_option("--years", o->years, "Years the books span")->capture_default_str();
    sub->add_option("--origin", *origin, "The log's origin when the directory is created")->capture_default_str();
    r.on(sub, [=] { return do_demo(*data, *origin, *o); });
  }
  {
    auto* books = r.app.add_subcommand("books", "The organisation's books as a whole");
    auto data = std::make_shared<std::string>();
    auto code = std::make_shared<std::string>("KZT");
    auto name = std::make_shared<std::string>();
    auto* sub = books->add_subcommand("init", "Open the books of a data directory made before they existed");
    sub->add_option("--data", *data, "Data directory")->required();
    sub->add_option("--currency", *code, "The organisation's currency (ISO 4217)")->capture_default_str();
    sub->add_option("--name", *name, "The organisation's public name (default: the log's origin)");
    r.on(sub, [=] { return do_books_init(*data, *code, *name); });
    auto* retag = books->add_subcommand(
        "retag-references", "Replace bank references stored in the clear by an older version with their keyed tags");
    retag->add_option("--data", *data, "Data directory")->required();
    retag->footer("Needs the books key (AMANAT_VAULT_PASSPHRASE once it is in the vault) and the writer lock: stop "
                  "the server first. Reconciliation matches the tags as it matched the references.");
    r.on(retag, [=] { return do_retag_references(*data); });
    books->require_subcommand(1);
  }
  {
    auto* appeal = r.app.add_subcommand("appeal", "Appeals: restricted funds raised for one case");
    appeal->require_subcommand(1);
    auto o = std::make_shared<AppealOpts>();
    auto* open = appeal->add_subcommand("open", "Open an appeal");
    open->add_option("--data", o->data, "Data directory")->required();
    open->add_option("--code", o->code, "Appeal code, e.g. A-2025-007 (A-Z, 0-9, '-')")->required();
    open->add_option("--title", o->title, "Public title")->required();
    open->add_option("--description", o->description, "Public description");
    open->add_option("--case", o->case_code, "The case's pseudonymous code (never a name)");
    open->add_option("--target", o->target, "Target amount, e.g. 890000.00")->required();
    open->add_option("--currency", o->currency, "The appeal's currency (default: the organisation's)");
    add_date(open, o->date, o->confirm_date, "Opened on");
    r.on(open, [o] { return do_appeal_open(*o); });
    for (const char* verb : {"update", "close", "reopen"}) {
      auto u = std::make_shared<AppealOpts>();
      std::string v = verb;
      auto* sub = appeal->add_subcommand(verb, v == "update" ? "Change an appeal's title, description or target"
                                               : v == "close" ? "Close an appeal: it takes no more donations"
                                                              : "Reopen a closed appeal");
      sub->add_option("--data", u->data, "Data directory")->required();
      sub->add_option("--code", u->code, "Appeal code")->required();
      add_date(sub, u->date, u->confirm_date, "Dated");
      if (v == "update") {
        sub->add_option("--title", u->title, "New public title");
        sub->add_option("--description", u->description, "New public description");
        sub->add_option("--target", u->target, "New target amount");
      }
      std::optional<bool> open_flag = v == "close" ? std::optional<bool>(false)
                                      : v == "reopen" ? std::optional<bool>(true) : std::nullopt;
      r.on(sub, [u, open_flag] { return do_appeal_update(*u, open_flag); });
    }
  }
  {
    auto* donation = r.app.add_subcommand("donation", "Donations: book one, prove one, verify a proof");
    donation->require_subcommand(1);
    auto o = std::make_shared<DonationOpts>();
    auto* add = donation->add_subcommand("add", "Book a donation; prints its record number and the donor's receipt code");
    add->add_option("--data", o->data, "Data directory")->required();
    add->add_option("--amount", o->amount, "Amount as received, e.g. 5000.00")->required();
    add->add_option("--currency", o->currency, "Currency of the amount (default: the organisation's)");
    add->add_option("--fund,--appeal", o->fund, "Appeal code, or general")->capture_default_str();
    add->add_option("--channel", o->channel, "bank, card, cash, mobile or other")->capture_default_str();
    add->add_option("--account", o->account, "Money account that received it (default by channel: Bank:Main, Card, Cash, Mobile)");
    add_date(add, o->date, o->confirm_date, "Value date");
    add->add_option("--donor", o->donor,
                    "The donor as KIND:VALUE (phone:, iban:, card:, ref:) to count repeat donors; only a keyed hash is kept");
    add->add_option("--bank-ref", o->bank_ref, "The bank's reference, for reconciliation");
    add->add_option("--rate", o->rates, "CODE=RATE: 1 unit of the amount's currency in CODE (repeatable)");
    r.on(add, [o] { return do_donation_add(*o); });

    auto data = std::make_shared<std::string>();
    auto receipt = std::make_shared<std::string>();
    auto* proof = donation->add_subcommand("proof", "Print a c2sp.org/tlog-proof@v1 proof of the donation with this receipt code");
    proof->add_option("--data", *data, "Data directory")->required();
    proof->add_option("--receipt", *receipt, "The donor's receipt code")->required();
    r.on(proof, [=] { return do_donation_proof(*data, *receipt); });

    auto vkey = std::make_shared<std::string>();
    auto receipt2 = std::make_shared<std::string>();
    auto file = std::make_shared<std::string>();
    auto* verify = donation->add_subcommand("verify", "Check a donation proof offline against the log's key");
    verify->add_option("--vkey", *vkey, "The organisation's log verifier key")->required();
    verify->add_option("--receipt", *receipt2, "The donor's receipt code")->required();
    verify->add_option("--proof", *file, "The proof file (- for standard input)")->required();
    r.on(verify, [=] { return do_donation_verify(*vkey, *receipt2, *file); });
  }
  {
    auto* expense = r.app.add_subcommand("expense", "Expenses: book, approve, confirm, attach receipts");
    expense->require_subcommand(1);
    auto o = std::make_shared<ExpenseOpts>();
    auto* add = expense->add_subcommand("add", "Book an expense charged to one fund or split over several");
    add->add_option("--data", o->data, "Data directory")->required();
    add->add_option("--amount", o->amount, "Amount paid")->required();
    add->add_option("--currency", o->currency, "Currency paid (default: the organisation's)");
    add->add_option("--category", o->category,
                    "lawyer, travel-flights, travel-hotels, travel-ground, forensic, medical, psychological, housing, "
                    "court-fees or other")->required();
    add->add_option("--payee", o->payee, "Who was paid (sealed at rest; only a salted hash is public)")->required();
    add->add_option("--fund,--appeal", o->fund, "The one fund it is charged to (default: general)");
    add->add_option("--split", o->splits, "FUND=AMOUNT, repeatable: charge parts to several funds");
    add->add_option("--account", o->account, "Money account it was paid from")->capture_default_str();
    add->add_option("--memo", o->memo, "Public description (no names)");
    add->add_option("--receipt", o->receipts,
                    "A receipt file (stored sealed; a salted commitment to it goes on the log), repeatable");
    add_date(add, o->date, o->confirm_date, "Date paid");
    add->add_option("--bank-ref", o->bank_ref, "The bank's reference, for reconciliation");
    add->add_option("--by", o->by, "Staff handle of who books it (they may not approve it)")->required();
    add->add_option("--rate", o->rates, "CODE=RATE: 1 unit of the paid currency in CODE (repeatable)");
    r.on(add, [o] { return do_expense_add(*o); });

    auto data = std::make_shared<std::string>();
    auto id = std::make_shared<std::uint64_t>(0);
    auto by = std::make_shared<std::string>();
    auto* approve = expense->add_subcommand("approve", "Approve an expense (two different people approve each)");
    approve->add_option("--data", *data, "Data directory")->required();
    approve->add_option("--expense", *id, "The expense's record number")->required();
    approve->add_option("--by", *by, "Staff handle of the approver (public; not a name)")->required();
    r.on(approve, [=] { return do_expense_approve(*data, *id, *by); });

    auto data2 = std::make_shared<std::string>();
    auto id2 = std::make_shared<std::uint64_t>(0);
    auto role = std::make_shared<std::string>();
    auto evidence = std::make_shared<std::string>();
    auto* confirm = expense->add_subcommand("confirm", "Record the case's lawyer's or the survivor's confirmation");
    confirm->add_option("--data", *data2, "Data directory")->required();
    confirm->add_option("--expense", *id2, "The expense's record number")->required();
    confirm->add_option("--role", *role, "lawyer or survivor")->required();
    confirm->add_option("--evidence", *evidence, "A file with the signed confirmation (stored sealed; its hash is public)")
        ->required();
    r.on(confirm, [=] { return do_expense_confirm(*data2, *id2, *role, *evidence); });

    auto data3 = std::make_shared<std::string>();
    auto id3 = std::make_shared<std::uint64_t>(0);
    auto file = std::make_shared<std::string>();
    auto* receipt = expense->add_subcommand("receipt", "Attach a receipt file to an expense");
    receipt->add_option("--data", *data3, "Data directory")->required();
    receipt->add_option("--expense", *id3, "The expense's record number")->required();
    receipt->add_option("FILE", *file, "The receipt file")->required();
    r.on(receipt, [=] { return do_expense_receipt(*data3, *id3, *file); });
  }
  {
    auto* files = r.app.add_subcommand("file", "Prove a receipt or evidence file against the public log");
    files->require_subcommand(1);
    auto data = std::make_shared<std::string>();
    auto path = std::make_shared<std::string>();
    auto sha = std::make_shared<std::string>();
    auto* reveal = files->add_subcommand(
        "reveal", "Show a stored file's SHA-256, its secret salt, its commitment and the records that commit to it");
    reveal->add_option("--data", *data, "Data directory")->required();
    auto* file_opt = reveal->add_option("--file", *path, "The file");
    auto* sha_opt = reveal->add_option("--sha256", *sha, "Or its SHA-256 (hex)");
    file_opt->excludes(sha_opt);
    reveal->footer("Needs the books key (AMANAT_VAULT_PASSPHRASE once the vault holds it). The salt lets anyone "
                   "holding the file confirm it against the log: show it only to whom the file must be proved.");
    r.on(reveal, [=] { return do_file_reveal(*data, *path, *sha); });

    auto data2 = std::make_shared<std::string>();
    auto record = std::make_shared<std::uint64_t>(0);
    auto* proof = files->add_subcommand("proof", "Print a c2sp.org/tlog-proof@v1 proof of a record (its leaf included)");
    proof->add_option("--data", *data2, "Data directory")->required();
    proof->add_option("--record", *record, "The record number, as `amanat file reveal` lists it")->required();
    r.on(proof, [=] { return do_file_proof(*data2, *record); });

    auto vkey = std::make_shared<std::string>();
    auto path2 = std::make_shared<std::string>();
    auto salt = std::make_shared<std::string>();
    auto proof_path = std::make_shared<std::string>();
    auto* verify = files->add_subcommand(
        "verify", "Check offline that a proven record of the log commits to a file, with the revealed salt");
    verify->add_option("--vkey", *vkey, "The organisation's log verifier key")->required();
    verify->add_option("--file", *path2, "The file")->required();
    verify->add_option("--salt", *salt, "The salt `amanat file reveal` printed (not needed for older records "
                                        "that carry the file's plain SHA-256)");
    verify->add_option("--proof", *proof_path, "The proof `amanat file proof` printed")->required();
    r.on(verify, [=] { return do_file_verify(*vkey, *path2, *salt, *proof_path); });
  }
  {
    auto o = std::make_shared<TransferOpts>();
    auto* sub = r.app.add_subcommand("transfer", "Move money between funds, with a stated reason");
    sub->add_option("--data", o->data, "Data directory")->required();
    sub->add_option("--from", o->from, "Source fund (appeal code or general)")->required();
    sub->add_option("--to", o->to, "Destination fund")->required();
    sub->add_option("--amount", o->amount, "Amount, in the source fund's currency")->required();
    sub->add_option("--currency", o->currency, "The source fund's currency (checked)");
    sub->add_option("--reason", o->reason, "Why (public)")->required();
    add_date(sub, o->date, o->confirm_date, "Dated");
    sub->add_option("--rate", o->rates, "CODE=RATE when the funds' currencies differ");
    r.on(sub, [o] { return do_transfer(*o); });
  }
  {
    auto data = std::make_shared<std::string>();
    auto record = std::make_shared<std::uint64_t>(0);
    auto reason = std::make_shared<std::string>();
    auto date = std::make_shared<std::string>();
    auto confirm_date = std::make_shared<bool>(false);
    auto* sub = r.app.add_subcommand("correct", "Reverse a donation, expense or transfer (what was booked stays booked)");
    sub->add_option("--data", *data, "Data directory")->required();
    sub->add_option("--record", *record, "The record number to reverse")->required();
    sub->add_option("--reason", *reason, "Why (public)")->required();
    add_date(sub, *date, *confirm_date, "Dated");
    r.on(sub, [=] { return do_correct(*data, *record, *reason, *date, *confirm_date); });
  }
  {
    auto data = std::make_shared<std::string>();
    auto appeal = std::make_shared<std::string>();
    auto from = std::make_shared<std::string>();
    auto to = std::make_shared<std::string>();
    auto fmt = std::make_shared<std::string>("text");
    auto publish = std::make_shared<bool>(false);
    auto* sub = r.app.add_subcommand("report", "Per-appeal report and the organisation's statement");
    sub->add_option("--data", *data, "Data directory")->required();
    sub->add_option("--appeal,--fund", *appeal, "One appeal (or general) only");
    sub->add_option("--from", *from, "Period start, YYYY-MM-DD (records' own dates)");
    sub->add_option("--to", *to, "Period end, YYYY-MM-DD, inclusive");
    sub->add_option("--format", *fmt, "text, json or csv")->check(CLI::IsMember({"text", "json", "csv"}))->capture_default_str();
    sub->add_flag("--publish", *publish, "Append the funds' totals to the log as a report record");
    r.on(sub, [=] { return do_report(*data, *appeal, *from, *to, *fmt, *publish); });
  }
}

}  // namespace amanat::cli
