// amanat backup / amanat restore: an encrypted, consistent copy of a data directory, taken while
// the server runs, and its restore into a new directory (format and guarantees: backup/backup.h).
//
// The passphrase never comes from the command line, where every user of the machine can read it
// in the process list: it is the first line of --passphrase-file (or of stdin with "-"), or the
// environment variable AMANAT_BACKUP_PASSPHRASE.
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "backup/backup.h"
#include "cli/books_session.h"
#include "cli/cli.h"
#include "core/progress.h"
#include "store/static_dir.h"

namespace amanat::cli {

namespace {

constexpr const char* kPassphraseEnv = "AMANAT_BACKUP_PASSPHRASE";
constexpr std::size_t kMaxPassphraseFile = 64 * 1024;
// Progress is drawn only for work big enough to make someone wait.
constexpr std::uint64_t kLargeBytes = 32 << 20;

// A passphrase that wipes itself (best effort: copies made by the libraries are theirs).
struct Passphrase {
  std::string text;
  ~Passphrase() {
    if (!text.empty()) sodium_memzero(text.data(), text.size());
  }
};

// Fills `p` from --passphrase-file or the environment. A missing source is a usage error (exit
// 2), reported here; other failures are returned.
Result<bool> read_passphrase(const std::string& file, Passphrase& p) {
  if (file.empty()) {
    const char* env = std::getenv(kPassphraseEnv);
    if (!env) return false;
    p.text = env;
    if (p.text.empty()) return fail(Errc::invalid, std::string(kPassphraseEnv) + " is set but empty");
    return true;
  }
  std::string all;
  if (file == "-") {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0 && all.size() < kMaxPassphraseFile) all.append(buf, n);
    sodium_memzero(buf, sizeof buf);
  } else {
    auto r = store::read_file(file, kMaxPassphraseFile);
    if (!r) return std::unexpected(r.error().context("--passphrase-file"));
    all = std::move(*r);
  }
  auto eol = all.find('\n');
  p.text = all.substr(0, eol);
  if (!all.empty()) sodium_memzero(all.data(), all.size());
  if (!p.text.empty() && p.text.back() == '\r') p.text.pop_back();
  if (p.text.empty())
    return fail(Errc::invalid, "--passphrase-file: the first line of " + (file == "-" ? std::string("stdin") : file) +
                                   " is empty");
  return true;
}

int no_passphrase() {
  std::fprintf(stderr,
               "amanat: give the backup passphrase as the first line of --passphrase-file PATH (\"-\": stdin) "
               "or in the environment variable %s, never on the command line\n",
               kPassphraseEnv);
  return kExitUsage;
}

std::string human_bytes(std::uint64_t n) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[64];
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(n));
  else
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

std::string counts(const backup::Summary& s) {
  std::string out = std::to_string(s.files) + (s.files == 1 ? " file, " : " files, ") +
                    std::to_string(s.directories) + (s.directories == 1 ? " directory, " : " directories, ") +
                    human_bytes(s.bytes);
  if (!s.origin.empty()) out += " (log " + s.origin + " at size " + std::to_string(s.log_size) + ")";
  return out;
}

// One Progress line per phase, drawn only when the phase is large.
class PhaseProgress {
 public:
  void operator()(std::string_view phase, std::uint64_t done, std::uint64_t total) {
    if (phase != phase_) {
      p_.reset();
      phase_ = std::string(phase);
      // Snapshot progress counts pages (4 KiB by default).
      bool large = phase == "snapshot" ? total * 4096 >= kLargeBytes : total >= kLargeBytes;
      const char* label = phase == "snapshot"  ? "copying the database (pages)"
                          : phase == "archive" ? "encrypting (bytes)"
                                               : "decrypting (bytes)";
      p_ = std::make_unique<Progress>(label, total, large);
    }
    p_->set_total(total);
    p_->update(done);
  }
  void finish() { p_.reset(); }

 private:
  std::string phase_;
  std::unique_ptr<Progress> p_;
};

struct BackupOpts {
  std::string data, out, passphrase_file, kdf = "moderate";
};

int do_backup(const BackupOpts& o) {
  Passphrase pass;
  auto have = read_passphrase(o.passphrase_file, pass);
  if (!have) return report(have.error());
  if (!*have) return no_passphrase();
  backup::BackupOptions opts;
  if (o.kdf == "sensitive") {
    opts.opslimit = crypto_pwhash_OPSLIMIT_SENSITIVE;
    opts.memlimit = crypto_pwhash_MEMLIMIT_SENSITIVE;
  }
  // A backup holds everything (sealed): it is in the trail it carries, as the actor "console".
  if (auto st = record_console(o.data, "backup", "data-directory"); !st) return report(st.error().context("backup"));
  auto progress = std::make_shared<PhaseProgress>();
  opts.progress = [progress](std::string_view ph, std::uint64_t d, std::uint64_t t) { (*progress)(ph, d, t); };
  auto s = backup::write_backup(o.data, o.out, pass.text, opts);
  progress->finish();
  if (!s) return report(s.error().context("backup"));
  std::printf("backed up %s to %s: %s; %s encrypted\n", o.data.c_str(), o.out.c_str(), counts(*s).c_str(),
              human_bytes(s->file_bytes).c_str());
  return kExitOk;
}

struct RestoreOpts {
  std::string file, data, passphrase_file;
};

int do_restore(const RestoreOpts& o) {
  Passphrase pass;
  auto have = read_passphrase(o.passphrase_file, pass);
  if (!have) return report(have.error());
  if (!*have) return no_passphrase();
  backup::RestoreOptions opts;
  auto progress = std::make_shared<PhaseProgress>();
  opts.progress = [progress](std::string_view ph, std::uint64_t d, std::uint64_t t) { (*progress)(ph, d, t); };
  auto s = backup::restore_backup(o.file, o.data, pass.text, opts);
  progress->finish();
  if (!s) return report(s.error().context("restore"));
  std::printf("restored %s into %s: %s\n", o.file.c_str(), o.data.c_str(), counts(*s).c_str());
  return kExitOk;
}

}  // namespace

void add_backup_commands(Registry& r) {
  const std::string pass_help =
      "File whose first line is the passphrase (\"-\": stdin); default: the environment variable " +
      std::string(kPassphraseEnv);
  {
    auto o = std::make_shared<BackupOpts>();
    auto* sub = r.app.add_subcommand(
        "backup", "Write an encrypted, consistent backup of a data directory (safe while the server runs)");
    sub->add_option("--data", o->data, "Data directory to back up")->required();
    sub->add_option("--out", o->out, "Backup file to write (replaced atomically once complete; mode 0600)")
        ->required();
    sub->add_option("--passphrase-file", o->passphrase_file, pass_help);
    sub->add_option("--kdf", o->kdf,
                    "Argon2id cost: moderate (256 MiB, about a second) or sensitive (1 GiB, several seconds)")
        ->check(CLI::IsMember({"moderate", "sensitive"}))
        ->capture_default_str();
    sub->footer(
        "Holds a snapshot of amanat.db (one committed state, taken with SQLite's online backup), log.key, "
        "books.key, receipts/ and every other file of the data directory except locks and the WAL. "
        "Encrypted with XChaCha20-Poly1305 (libsodium secretstream) under a key derived from the passphrase "
        "(Argon2id); the passphrase needs at least 12 characters. Prints a one-line summary.");
    r.on(sub, [o] { return do_backup(*o); });
  }
  {
    auto o = std::make_shared<RestoreOpts>();
    auto* sub = r.app.add_subcommand("restore", "Restore an encrypted backup into a new data directory");
    sub->add_option("file", o->file, "Backup file written by `amanat backup`")->required();
    sub->add_option("--data", o->data, "Data directory to create (must not exist, or be empty)")->required();
    sub->add_option("--passphrase-file", o->passphrase_file, pass_help);
    sub->footer(
        "Checks every byte before the directory appears: a wrong passphrase, or a truncated or altered file, "
        "fails with exit status 1 and writes nothing.");
    r.on(sub, [o] { return do_restore(*o); });
  }
}

}  // namespace amanat::cli
