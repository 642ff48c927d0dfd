// amanat desk: the case desk from the server's console.
//
//   amanat desk demo --data DIR [--consultations N] [--survivors N] [--to-trial N] [--seed N]
//
// `desk demo` fills the desk with synthetic records at the background's scale (desk/demo.h):
// invented people only. It needs the vault unsealed (AMANAT_VAULT_PASSPHRASE), since survivors
// get sealed identities, and a hotline operator, a case worker, a lawyer and a director among the
// users (the records name them).
#include <cstdio>
#include <cstdlib>

#include "cli/books_session.h"
#include "cli/cli.h"
#include "desk/demo.h"
#include "identity/identities.h"
#include "store/org.h"

namespace amanat::cli {

namespace {

int do_desk_demo(const std::string& data, const desk::DeskDemoOptions& o) {
  auto dir = store::DataDir::open(data);
  if (!dir) return report(dir.error());
  auto stores = store::open_org(*dir);
  if (!stores) return report(stores.error());
  auto ids = identity::Identities::open(*stores->db, *stores->identities, vault_path(*dir).string());
  if (!ids) return report(ids.error());
  const char* pass = std::getenv("AMANAT_VAULT_PASSPHRASE");
  if (!pass) return report({Errc::invalid, "set AMANAT_VAULT_PASSPHRASE: survivors' identities are sealed in the vault"});
  if (auto st = (*ids)->unseal_with_passphrase(pass); !st) return report(st.error().context("AMANAT_VAULT_PASSPHRASE"));
  auto users = stores->accounts->users();
  if (!users) return report(users.error());
  desk::DeskDemoStaff staff;
  bool have[4] = {};
  for (const auto& u : *users) {
    if (u.disabled) continue;
    if (u.role == accounts::Role::hotline_operator && !have[0]) staff.hotline = u, have[0] = true;
    if (u.role == accounts::Role::case_worker && !have[1]) staff.case_worker = u, have[1] = true;
    if (u.role == accounts::Role::lawyer && !have[2]) staff.lawyer = u, have[2] = true;
    if (u.role == accounts::Role::director && !have[3]) staff.director = u, have[3] = true;
  }
  const char* roles[] = {"hotline_operator", "case_worker", "lawyer", "director"};
  for (int i = 0; i < 4; ++i)
    if (!have[i])
      return report({Errc::invalid, std::string("no enabled ") + roles[i] +
                                        " among the users: add one with `amanat user add --role " + roles[i] + "`"});
  desk::Desk desk(*stores->db, *stores->desk, **ids);
  Progress progress("desk demo: consultations and cases", static_cast<std::uint64_t>(o.consultations));
  auto sum = desk::generate_desk_demo(desk, staff, o, &progress);
  progress.finish();
  if (!sum) return report(sum.error());
  std::fprintf(stderr,
               "amanat: desk demo: %lld consultations, %lld survivors, %lld cases (%lld events), %lld to trial, "
               "%lld convictions (%lld people convicted), %lld complaints against officials\n",
               (long long)sum->consultations, (long long)sum->survivors, (long long)sum->cases, (long long)sum->events,
               (long long)sum->to_trial, (long long)sum->convictions, (long long)sum->convicted,
               (long long)sum->complaints);
  return kExitOk;
}

}  // namespace

void add_desk_commands(Registry& r) {
  auto* desk = r.app.add_subcommand("desk", "The case desk: consultations, cases, complaints against officials");
  desk->require_subcommand(1);
  auto data = std::make_shared<std::string>();
  auto o = std::make_shared<desk::DeskDemoOptions>();
  auto* sub = desk->add_subcommand("demo", "Fill the desk with synthetic records at the background's scale "
                                           "(invented people only; needs AMANAT_VAULT_PASSPHRASE)");
  sub->add_option("--data", *data, "Data directory")->required();
  sub->add_option("--consultations", o->consultations, "Hotline consultations")->capture_default_str();
  sub->add_option("--survivors", o->survivors, "Survivors with a case")->capture_default_str();
  sub->add_option("--to-trial", o->to_trial, "Cases brought to trial")->capture_default_str();
  sub->add_option("--convicted", o->convicted, "People convicted across the trials")->capture_default_str();
  sub->add_option("--disciplinary", o->disciplinary,
                  "Complaints against officials ending in a disciplinary sanction")->capture_default_str();
  sub->add_option("--accountable", o->accountable, "Complaints ending in a criminal case against the official")
      ->capture_default_str();
  sub->add_option("--other-complaints", o->other_complaints, "Complaints rejected or pending")->capture_default_str();
  sub->add_option("--seed", o->seed, "Random seed")->capture_default_str();
  sub->add_option("--start", o->start, "First day, YYYY-MM-DD")->capture_default_str();
  sub->add_option("--years", o->years, "Years the records span")->capture_default_str();
  r.on(sub, [=] { return do_desk_demo(*data, *o); });
}

}  // namespace amanat::cli
