// amanat log ...: append, checkpoint, prove, export, serve, verify, cosign, add-cosignature,
// verify-proof.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <thread>

#include "cli/cli.h"
#include "core/progress.h"
#include "http/client.h"
#include "http/log_routes.h"
#include "http/server.h"
#include "store/data_dir.h"
#include "store/org.h"
#include "store/static_dir.h"
#include "tlog/log_key.h"
#include "tlog/proof_file.h"
#include "tlog/sequencer.h"
#include "tlog/verifier.h"
#include "tlog/witness.h"

namespace amanat::cli {

namespace fs = std::filesystem;

// A log named on the command line: an http(s) URL, a data directory, or a static mirror.
Result<std::unique_ptr<tlog::LogSource>> open_source(const std::string& where) {
  if (where.starts_with("http://") || where.starts_with("https://")) {
    auto src = http::HttpLogSource::open(where);
    if (!src) return err(src);
    return std::unique_ptr<tlog::LogSource>(std::move(*src));
  }
  std::error_code ec;  // the non-throwing overloads: an unreadable path is an error, not a crash
  if (!fs::is_directory(where, ec))
    return fail(Errc::not_found, where + " is neither a readable directory nor an http(s) URL");
  if (fs::exists(fs::path(where) / "amanat.db", ec)) {
    AMANAT_TRY(dir, store::DataDir::open(where));
    AMANAT_TRY(st, store::open_log(dir));
    return std::unique_ptr<tlog::LogSource>(std::move(st.log));
  }
  if (!fs::exists(fs::path(where) / "checkpoint", ec))
    return fail(Errc::not_found, where + " holds neither a log mirror (checkpoint, tile/) nor a data directory");
  return std::unique_ptr<tlog::LogSource>(std::make_unique<store::DirLogSource>(where));
}

namespace {

struct OpenedLog {
  store::DataDir dir;
  std::string origin;
  std::unique_ptr<tlog::LogStorage> store;
};

Result<OpenedLog> open_log(const std::string& data) {
  AMANAT_TRY(dir, store::DataDir::open(data));
  AMANAT_TRY(st, store::open_log(dir));
  return OpenedLog{dir, std::move(st.origin), std::move(st.log)};
}

Result<tlog::LogKey> load_key(const store::DataDir& dir) {
  auto skey = dir.read_key();
  if (!skey) return err(skey);
  return tlog::LogKey::parse(*skey);
}

Result<std::string> read_text(const std::string& path) {
  if (path == "-") {
    std::string s((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return s;
  }
  return store::read_file(path);
}

// ---- append ----------------------------------------------------------------------------

// Calls fn(line without its newline) for each line until fn returns false or a
// line is too long for an entry; returns the description of such a line, if one stopped it.
template <class Fn>
std::optional<std::string> for_each_line(std::FILE* in, Fn&& fn) {
  char* line = nullptr;
  std::size_t cap = 0;
  ssize_t n;
  std::uint64_t lineno = 0;
  std::optional<std::string> oversized;
  while ((n = ::getline(&line, &cap, in)) >= 0) {
    ++lineno;
    std::size_t len = static_cast<std::size_t>(n) - (n > 0 && line[n - 1] == '\n');
    if (len > tlog::kMaxEntrySize) {
      oversized = "line " + std::to_string(lineno) + ": entry is " + std::to_string(len) +
                  " bytes; the limit is 65535.";
      break;
    }
    if (!fn(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(line), len))) break;
  }
  std::free(line);
  return oversized;
}

int do_append(const std::string& data, const std::string& file) {
  auto log = open_log(data);
  if (!log) return report(log.error());
  auto lock = log->dir.lock_writer();
  if (!lock) return report(lock.error());
  auto key = load_key(log->dir);
  if (!key) return report(key.error());

  std::FILE* in = stdin;
  if (!file.empty() && file != "-") {
    in = std::fopen(file.c_str(), "rb");
    if (!in) return report({Errc::not_found, "cannot open " + file + ": " + std::strerror(errno)});
  }
  // A regular file is checked whole first, so that a bad line appends nothing at all. From a
  // pipe, lines are appended as they arrive and a bad line stops the input there.
  struct stat st;
  if (::fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode)) {
    auto oversized = for_each_line(in, [](std::span<const std::uint8_t>) { return true; });
    if (oversized)
      return report({Errc::invalid, (file.empty() ? "stdin" : file) + ": " + *oversized +
                                        " Nothing was appended."});
    std::rewind(in);
  }

  tlog::SequencerOptions seq_opts;
  seq_opts.stop_after_failure = true;  // lines land in input order or not at all
  auto seq = tlog::Sequencer::open(*log->store, *key, seq_opts);
  if (!seq) return report(seq.error());

  // The reader submits lines as it reads them; this thread prints each index, in input order,
  // as soon as its entry is durable. A bounded window keeps memory flat on huge inputs.
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::future<Result<std::uint64_t>>> inflight;
  bool done = false;
  bool failed = false;  // an append failed: the reader stops, nothing later is appended
  std::optional<Error> input_error;
  constexpr std::size_t kWindow = 1 << 16;
  std::thread reader([&] {
    auto oversized = for_each_line(in, [&](std::span<const std::uint8_t> entry) {
      std::unique_lock l(mu);
      cv.wait(l, [&] { return inflight.size() < kWindow || failed; });
      if (failed) return false;
      inflight.push_back((*seq)->submit(Bytes(entry.begin(), entry.end())));
      cv.notify_all();
      return true;
    });
    std::lock_guard l(mu);
    if (oversized)
      input_error = Error{Errc::invalid, *oversized + " Stopped there; the lines before it were appended."};
    done = true;
    cv.notify_all();
  });
  std::uint64_t appended = 0;
  std::optional<Error> append_error;
  while (true) {
    std::future<Result<std::uint64_t>> fut;
    {
      std::unique_lock l(mu);
      cv.wait(l, [&] { return done || !inflight.empty(); });
      if (inflight.empty()) break;
      fut = std::move(inflight.front());
      inflight.pop_front();
      cv.notify_all();
    }
    auto idx = fut.get();
    if (append_error) continue;  // draining: these fail too (the sequencer stopped)
    if (!idx) {
      append_error = idx.error();
      std::lock_guard l(mu);
      failed = true;
      cv.notify_all();
      continue;
    }
    ++appended;
    std::printf("%llu\n", static_cast<unsigned long long>(*idx));
    std::unique_lock l(mu);
    if (inflight.empty() || inflight.front().wait_for(std::chrono::seconds(0)) != std::future_status::ready)
      std::fflush(stdout);
  }
  std::fflush(stdout);
  // After a failure the reader stops at its next line (or the end of the input).
  reader.join();
  if (in != stdin) std::fclose(in);
  if (append_error) {
    return report({append_error->code,
                   "line " + std::to_string(appended + 1) + ": " + append_error->message +
                       ". Lines 1.." + std::to_string(appended) +
                       " were appended (their indexes are printed above); nothing from line " +
                       std::to_string(appended + 1) + " on was appended."});
  }
  if (input_error) return report(*input_error);
  return kExitOk;
}

// ---- checkpoint, prove -------------------------------------------------------------------

int do_checkpoint(const std::string& data) {
  auto log = open_log(data);
  if (!log) return report(log.error());
  auto cp = log->store->read_checkpoint();
  if (!cp) return report(cp.error());
  std::fwrite(cp->data(), 1, cp->size(), stdout);
  return kExitOk;
}

int do_prove(const std::string& data, std::uint64_t index, std::optional<std::uint64_t> size) {
  auto log = open_log(data);
  if (!log) return report(log.error());
  auto state = log->store->state();
  if (!state) return report(state.error());
  std::uint64_t s = size.value_or(state->size);
  if (s > state->size)
    return report({Errc::invalid, "--size " + std::to_string(s) + " is beyond the log's size " +
                                      std::to_string(state->size)});
  if (index >= s)
    return report({Errc::invalid, "--index " + std::to_string(index) + " is not in a tree of size " +
                                      std::to_string(s)});
  auto note = log->store->checkpoint_at(s);
  if (!note)
    return report({Errc::not_found, "no checkpoint was signed at size " + std::to_string(s) +
                                        " (checkpoints are signed per batch); omit --size for the latest"});
  tlog::TileHashSource tiles(*log->store, s);
  auto proof = tlog::inclusion_proof(tiles, index, s);
  if (!proof) return report(proof.error());
  auto text = tlog::format_proof_file({std::nullopt, index, *proof, *note});
  if (!text) return report(text.error());
  std::fwrite(text->data(), 1, text->size(), stdout);
  return kExitOk;
}

// ---- export, serve -------------------------------------------------------------------------

int do_export(const std::string& data, const std::string& out) {
  auto log = open_log(data);
  if (!log) return report(log.error());
  auto state = log->store->state();
  if (!state) return report(state.error());
  // The mirror must hold an earlier state of this very history: not another log, and not a
  // history that diverged (e.g. after the database was restored from an older backup and
  // appended to, which signs a fork). Its tiles would otherwise be kept and published under a
  // checkpoint they do not match.
  if (auto existing = store::read_file(fs::path(out) / "checkpoint"); existing) {
    auto note = tlog::parse_note(*existing);
    auto old = note ? tlog::parse_checkpoint(note->text) : err(note);
    if (!old)
      return report({Errc::conflict, out + "/checkpoint is not a checkpoint (" + old.error().message +
                                         "); choose an empty directory"});
    if (old->origin != log->origin)
      return report({Errc::conflict, out + " mirrors the log " + old->origin + ", not " +
                                         log->origin + "; choose an empty directory"});
    if (old->size > state->size)
      return report({Errc::conflict, out + " holds a newer checkpoint (size " + std::to_string(old->size) +
                                         ") than this log (size " + std::to_string(state->size) +
                                         "): was the database restored from an older backup?"});
    tlog::TileHashSource tiles(*log->store, state->size);
    auto root = tlog::tree_root(tiles, old->size);
    if (!root) return report(root.error());
    if (*root != old->root)
      return report({Errc::corrupt, out + " holds a checkpoint of size " + std::to_string(old->size) +
                                        " whose root differs from this log's at that size: the two "
                                        "histories diverged (a fork; was the database restored from a "
                                        "backup and appended to?). Nothing was exported."});
  }
  Progress progress("exporting tiles", tlog::tiles_for_size(state->size).size());
  auto stats = store::export_static(*log->store, state->size, state->checkpoint, out,
                                    [&] { progress.advance(); });
  progress.finish();
  if (!stats) return report(stats.error());
  std::fprintf(stderr, "amanat: exported size %llu to %s: %llu tiles written, %llu already there, %llu stale partial tiles removed\n",
               (unsigned long long)stats->size, out.c_str(), (unsigned long long)stats->tiles_written,
               (unsigned long long)stats->tiles_skipped, (unsigned long long)stats->partials_removed);
  return kExitOk;
}

int do_serve(const std::string& data, const std::string& listen, unsigned threads) {
  auto log = open_log(data);
  if (!log) return report(log.error());
  auto colon = listen.rfind(':');
  auto port = colon == std::string::npos ? std::nullopt : parse_decimal(listen.substr(colon + 1));
  if (!port || *port > 65535)
    return report({Errc::invalid, "--listen \"" + listen + "\" is not ADDRESS:PORT, e.g. 127.0.0.1:8080"});
  http::ServerOptions opts;
  opts.address = listen.substr(0, colon);
  opts.port = static_cast<std::uint16_t>(*port);
  opts.threads = threads;
  std::shared_ptr<tlog::LogSource> src(std::move(log->store));
  auto server = http::Server::listen(opts, http::log_handler(src));
  if (!server) return report(server.error());
  run_until_signalled(**server, [&] {
    std::fprintf(stderr, "amanat: serving the log of %s at http://%s:%u/\n", data.c_str(), opts.address.c_str(),
                 (*server)->port());
  });
  return kExitOk;
}

// ---- verify, verify-proof -----------------------------------------------------------------

Result<std::vector<tlog::WitnessVerifier>> parse_witnesses(const std::vector<std::string>& vkeys) {
  std::vector<tlog::WitnessVerifier> out;
  for (const auto& v : vkeys) {
    auto w = tlog::WitnessVerifier::parse(v);
    if (!w) return std::unexpected(w.error().context("--witness"));
    out.push_back(*w);
  }
  return out;
}

// The keys a verification trusts: the log's (--vkey) and the witnesses' (--witness).
struct Trust {
  tlog::Verifier log;
  std::vector<tlog::WitnessVerifier> witnesses;
};
Result<Trust> parse_trust(const std::string& vkey, const std::vector<std::string>& witness_keys) {
  auto key = tlog::Verifier::parse(vkey);
  if (!key) return std::unexpected(key.error().context("--vkey"));
  auto witnesses = parse_witnesses(witness_keys);
  if (!witnesses) return err(witnesses);
  return Trust{*key, *witnesses};
}

int do_verify(const std::string& where, const std::string& vkey, const std::string& old_path,
              const std::vector<std::string>& witness_keys) {
  auto trust = parse_trust(vkey, witness_keys);
  if (!trust) return report(trust.error());
  auto src = open_source(where);
  if (!src) return report(src.error());
  tlog::VerifyOptions opts{trust->log};
  opts.witnesses = trust->witnesses;
  if (!old_path.empty()) {
    auto old = read_text(old_path);
    if (!old) return report(old.error().context("--old"));
    opts.old_checkpoint = *old;
  }
  Progress progress("verifying entries", 0);
  opts.progress = [&](std::uint64_t done, std::uint64_t total) {
    progress.set_total(total);
    progress.update(done);
  };
  auto result = tlog::verify_log(**src, opts);
  progress.finish();
  if (!result) return report(result.error());
  std::printf("OK %s: %llu entries, %llu tiles verified; root %s\n", result->checkpoint.origin.c_str(),
              (unsigned long long)result->entries, (unsigned long long)result->tiles,
              to_base64(result->checkpoint.root).c_str());
  if (result->old_size)
    std::printf("OK consistent with the old checkpoint of size %llu\n", (unsigned long long)*result->old_size);
  for (const auto& c : result->cosignatures)
    std::printf("OK cosigned by %s at %llu\n", c.name.c_str(), (unsigned long long)c.timestamp);
  return kExitOk;
}

int do_verify_proof(const std::string& vkey, const std::string& proof_path, const std::string& entry_path,
                    const std::vector<std::string>& witness_keys) {
  auto trust = parse_trust(vkey, witness_keys);
  if (!trust) return report(trust.error());
  auto proof = read_text(proof_path);
  if (!proof) return report(proof.error());
  auto entry = read_text(entry_path);
  if (!entry) return report(entry.error());
  tlog::ProofTrust proof_trust{trust->log, trust->log.name(), trust->witnesses, trust->witnesses.size()};
  auto ok = tlog::verify_proof_file_for_entry(*proof, as_bytes(*entry), proof_trust);
  if (!ok) return report(ok.error());
  std::printf("OK entry %llu is in %s at size %llu\n", (unsigned long long)ok->proof.index,
              ok->checkpoint.origin.c_str(), (unsigned long long)ok->checkpoint.size);
  return kExitOk;
}

// ---- cosign, add-cosignature ------------------------------------------------------------

int do_cosign(const std::string& data, const std::string& where, const std::string& vkey) {
  auto partner_key = tlog::Verifier::parse(vkey);
  if (!partner_key) return report(partner_key.error().context("--vkey"));
  auto dir = store::DataDir::open(data);
  if (!dir) return report(dir.error());
  auto stores = store::open_org(*dir);
  if (!stores) return report(stores.error());
  auto key = load_key(*dir);
  if (!key) return report(key.error());
  auto src = open_source(where);
  if (!src) return report(src.error());
  auto r = tlog::witness_log(**src, *partner_key, *stores->witnessed, key->witness(),
                             static_cast<std::uint64_t>(std::time(nullptr)));
  if (!r) return report(r.error());
  std::fputs(r->cosignature_line.c_str(), stdout);
  std::fprintf(stderr, "amanat: cosigned %s at size %llu (previously %s)\n", r->checkpoint.origin.c_str(),
               (unsigned long long)r->checkpoint.size,
               r->previous ? ("size " + std::to_string(r->previous->size)).c_str() : "never witnessed");
  return kExitOk;
}

int do_add_cosignature(const std::string& data, const std::vector<std::string>& witness_keys,
                       const std::string& file) {
  auto witnesses = parse_witnesses(witness_keys);
  if (!witnesses) return report(witnesses.error());
  auto lines = read_text(file.empty() ? "-" : file);
  if (!lines) return report(lines.error());
  auto log = open_log(data);
  if (!log) return report(log.error());
  auto lock = log->dir.lock_writer();
  if (!lock) return report(lock.error());
  auto state = log->store->state();
  if (!state) return report(state.error());
  auto combined = tlog::add_signatures(state->checkpoint, *lines);
  if (!combined) return report(combined.error());
  // Every new line must be a valid cosignature by one of the named witnesses.
  auto cosigs = tlog::verify_cosignatures(*combined, *witnesses);
  if (!cosigs)
    return report({cosigs.error().code,
                   cosigs.error().message + ". The log is at size " + std::to_string(state->size) +
                       ": if the witness cosigned an earlier checkpoint (the log grew since, or the mirror it "
                       "read was not exported yet), export and ask it to cosign again. Nothing was added."});
  for (const auto& w : *witnesses) {
    if (std::none_of(cosigs->begin(), cosigs->end(), [&](auto& c) { return c.key_id == w.key_id() && c.name == w.name(); }))
      return report({Errc::corrupt, "no valid cosignature by " + w.name() + " for the current checkpoint (size " +
                                        std::to_string(state->size) + "); nothing was added"});
  }
  if (auto st = log->store->replace_checkpoint(state->size, *combined); !st) return report(st.error());
  std::fprintf(stderr, "amanat: the checkpoint of size %llu now carries %zu cosignature(s)\n",
               (unsigned long long)state->size, cosigs->size());
  return kExitOk;
}

}  // namespace

void add_log_commands(Registry& r) {
  auto* log = r.app.add_subcommand("log", "The organisation's transparency log (C2SP tlog-tiles)");
  log->require_subcommand(1);

  {
    auto data = std::make_shared<std::string>();
    auto file = std::make_shared<std::string>();
    auto* sub = log->add_subcommand("append", "Append one entry per input line; print each index once durable");
    sub->add_option("--data", *data, "Data directory")->required();
    sub->add_option("FILE", *file, "Input file (default: standard input)");
    sub->footer("Each line, without its newline, becomes one entry (at most 65535 bytes).\n"
                "From a file, an over-long line is refused before anything is appended.");
    r.on(sub, [=] { return do_append(*data, *file); });
  }
  {
    auto data = std::make_shared<std::string>();
    auto* sub = log->add_subcommand("checkpoint", "Print the current signed checkpoint");
    sub->add_option("--data", *data, "Data directory")->required();
    r.on(sub, [=] { return do_checkpoint(*data); });
  }
  {
    auto data = std::make_shared<std::string>();
    auto index = std::make_shared<std::uint64_t>();
    auto size = std::make_shared<std::optional<std::uint64_t>>();
    auto* sub = log->add_subcommand("prove", "Print a c2sp.org/tlog-proof@v1 inclusion proof for an entry");
    sub->add_option("--data", *data, "Data directory")->required();
    sub->add_option("--index", *index, "The entry's index")->required();
    sub->add_option("--size", *size, "Tree size of an earlier checkpoint (default: the latest)");
    r.on(sub, [=] { return do_prove(*data, *index, *size); });
  }
  {
    auto data = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    auto* sub = log->add_subcommand("export", "Write or update the static tlog-tiles layout in a directory");
    sub->add_option("--data", *data, "Data directory")->required();
    sub->add_option("--out", *out, "Mirror directory (created if missing)")->required();
    sub->footer("Incremental: re-running writes only what changed; the checkpoint is replaced last.");
    r.on(sub, [=] { return do_export(*data, *out); });
  }
  {
    auto data = std::make_shared<std::string>();
    auto listen = std::make_shared<std::string>("127.0.0.1:8080");
    auto threads = std::make_shared<unsigned>(2);
    auto* sub = log->add_subcommand("serve", "Serve the log's checkpoint and tiles over HTTP");
    sub->add_option("--data", *data, "Data directory")->required();
    sub->add_option("--listen", *listen, "ADDRESS:PORT to listen on")->capture_default_str();
    sub->add_option("--threads", *threads, "Server threads")->capture_default_str()->check(CLI::Range(1, 64));
    sub->footer("Put a TLS-terminating reverse proxy in front for public use (see docs/operations.md).");
    r.on(sub, [=] { return do_serve(*data, *listen, *threads); });
  }
  {
    auto where = std::make_shared<std::string>();
    auto vkey = std::make_shared<std::string>();
    auto old = std::make_shared<std::string>();
    auto witnesses = std::make_shared<std::vector<std::string>>();
    auto* sub = log->add_subcommand("verify", "Independently verify a whole log from its tiles");
    sub->add_option("--log", *where, "URL, mirror directory or data directory")->required();
    sub->add_option("--vkey", *vkey, "The log's verifier key")->required();
    sub->add_option("--old", *old, "A checkpoint file seen earlier: check the log extends it");
    sub->add_option("--witness", *witnesses, "A witness verifier key that must have cosigned (repeatable)")->expected(1)->allow_extra_args(false)->take_all();
    r.on(sub, [=] { return do_verify(*where, *vkey, *old, *witnesses); });
  }
  {
    auto vkey = std::make_shared<std::string>();
    auto proof = std::make_shared<std::string>();
    auto entry = std::make_shared<std::string>();
    auto witnesses = std::make_shared<std::vector<std::string>>();
    auto* sub = log->add_subcommand("verify-proof", "Check a tlog-proof file for an entry, offline");
    sub->add_option("--vkey", *vkey, "The log's verifier key")->required();
    sub->add_option("--proof", *proof, "The proof file (- for standard input)")->required();
    sub->add_option("--entry", *entry, "A file holding exactly the entry's bytes")->required();
    sub->add_option("--witness", *witnesses, "A witness verifier key that must have cosigned (repeatable)")->expected(1)->allow_extra_args(false)->take_all();
    r.on(sub, [=] { return do_verify_proof(*vkey, *proof, *entry, *witnesses); });
  }
  {
    auto data = std::make_shared<std::string>();
    auto where = std::make_shared<std::string>();
    auto vkey = std::make_shared<std::string>();
    auto* sub = log->add_subcommand("cosign", "Witness a partner's log: check consistency, print a cosignature");
    sub->add_option("--data", *data, "Our data directory (holds our key and witness state)")->required();
    sub->add_option("--log", *where, "The partner's log: URL, mirror or data directory")->required();
    sub->add_option("--vkey", *vkey, "The partner log's verifier key")->required();
    sub->footer("Never cosigns a checkpoint inconsistent with the last one it cosigned for that origin.");
    r.on(sub, [=] { return do_cosign(*data, *where, *vkey); });
  }
  {
    auto data = std::make_shared<std::string>();
    auto witnesses = std::make_shared<std::vector<std::string>>();
    auto file = std::make_shared<std::string>();
    auto* sub = log->add_subcommand("add-cosignature", "Attach witnesses' cosignature lines to the current checkpoint");
    sub->add_option("--data", *data, "Data directory")->required();
    sub->add_option("--witness", *witnesses, "Verifier key of each witness whose line is added")->required()->expected(1)->allow_extra_args(false)->take_all();
    sub->add_option("FILE", *file, "File with the cosignature lines (default: standard input)");
    r.on(sub, [=] { return do_add_cosignature(*data, *witnesses, *file); });
  }
}

}  // namespace amanat::cli
