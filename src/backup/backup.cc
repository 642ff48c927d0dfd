#include "backup/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include "core/utf8.h"
#include "store/data_dir.h"
#include "store/sqlite/db.h"
#include "store/static_dir.h"

namespace amanat::backup {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "AMNTBKUP";
constexpr std::uint32_t kMinChunk = 1024, kMaxChunk = 16u << 20;
constexpr std::size_t kMaxPath = 4096, kMaxComponent = 255;
constexpr std::size_t kKeyBytes = crypto_secretstream_xchacha20poly1305_KEYBYTES;
constexpr std::size_t kTagBytes = crypto_secretstream_xchacha20poly1305_ABYTES;
constexpr std::size_t kSsHeaderBytes = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
static_assert(crypto_pwhash_SALTBYTES == 16 && kSsHeaderBytes == 24 && kKeyBytes == 32);
static_assert(kHeaderBytes == 8 + 4 + 8 + 8 + 16 + 4 + 24);

std::string errno_text() { return std::strerror(errno); }

// ---- small helpers --------------------------------------------------------------------------

void put_be(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
std::uint64_t get_be(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now and reports the error close() found (a delayed write error on some filesystems).
  bool close() { return ::close(std::exchange(fd_, -1)) == 0; }

 private:
  int fd_;
};

Status write_all(int fd, const std::uint8_t* p, std::size_t n, const fs::path& what) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return fail(Errc::unavailable, "cannot write " + what.string() + ": " + errno_text());
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return {};
}

// Reads until `n` bytes or end of file; returns how many.
Result<std::size_t> read_up_to(int fd, std::uint8_t* p, std::size_t n, const fs::path& what) {
  std::size_t got = 0;
  while (got < n) {
    ssize_t r = ::read(fd, p + got, n - got);
    if (r < 0) {
      if (errno == EINTR) continue;
      return fail(Errc::unavailable, "cannot read " + what.string() + ": " + errno_text());
    }
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  return got;
}

// Removes a temporary directory (or file) unless released: every failure path leaves nothing.
class Cleanup {
 public:
  explicit Cleanup(fs::path p) : p_(std::move(p)) {}
  ~Cleanup() {
    if (!p_.empty()) {
      std::error_code ec;
      fs::remove_all(p_, ec);
    }
  }
  void release() { p_.clear(); }

 private:
  fs::path p_;
};

Result<fs::path> make_temp_dir(const fs::path& prefix) {
  std::string templ = prefix.string() + "XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr)  // mode 0700
    return fail(Errc::unavailable, "cannot create a temporary directory " + templ + ": " + errno_text());
  return fs::path(templ);
}

struct Key {
  std::array<std::uint8_t, kKeyBytes> bytes{};
  ~Key() { sodium_memzero(bytes.data(), bytes.size()); }
};

Status check_limits(unsigned long long ops, std::size_t mem, std::uint32_t chunk, Errc code) {
  if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > kMaxOpslimit)
    return fail(code, "Argon2id opslimit " + std::to_string(ops) + " is outside " +
                          std::to_string(crypto_pwhash_OPSLIMIT_MIN) + ".." + std::to_string(kMaxOpslimit));
  if (mem < crypto_pwhash_MEMLIMIT_MIN || mem > kMaxMemlimit)
    return fail(code, "Argon2id memlimit " + std::to_string(mem) + " is outside " +
                          std::to_string(crypto_pwhash_MEMLIMIT_MIN) + ".." + std::to_string(kMaxMemlimit));
  if (chunk < kMinChunk || chunk > kMaxChunk)
    return fail(code, "chunk size " + std::to_string(chunk) + " is outside " + std::to_string(kMinChunk) + ".." +
                          std::to_string(kMaxChunk));
  return {};
}

Status derive_key(Key& key, std::string_view passphrase, const std::uint8_t* salt, unsigned long long ops,
                  std::size_t mem) {
  if (crypto_pwhash(key.bytes.data(), key.bytes.size(), passphrase.data(), passphrase.size(), salt, ops, mem,
                    crypto_pwhash_ALG_ARGON2ID13) != 0)
    return fail(Errc::unavailable, "not enough memory for the passphrase's key derivation (Argon2id, " +
                                       std::to_string(mem >> 20) + " MiB)");
  return {};
}

// Paths in the archive: relative, '/'-separated, no empty, "." or ".." component, no NUL.
bool valid_path(std::string_view p) {
  if (p.empty() || p.size() > kMaxPath || p.find('\0') != std::string_view::npos) return false;
  std::size_t start = 0;
  while (true) {
    std::size_t end = p.find('/', start);
    std::string_view c = p.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (c.empty() || c.size() > kMaxComponent || c == "." || c == "..") return false;
    if (end == std::string_view::npos) return true;
    start = end + 1;
  }
}

std::string parent_of(std::string_view p) {
  auto slash = p.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(p.substr(0, slash));
}

// ---- the encrypted stream --------------------------------------------------------------------

// Encrypts the archive in chunks of `chunk` plaintext bytes and writes them to fd. A chunk is
// pushed only when more data follows it, so the last (FINAL) chunk is never empty.
class SealedWriter {
 public:
  SealedWriter(int fd, fs::path path, std::uint32_t chunk) : fd_(fd), path_(std::move(path)), chunk_(chunk) {
    buf_.reserve(chunk_);
    out_.resize(chunk_ + kTagBytes);
  }
  ~SealedWriter() {
    sodium_memzero(&st_, sizeof st_);
    if (!buf_.empty()) sodium_memzero(buf_.data(), buf_.size());
  }

  Status start(std::string_view passphrase, unsigned long long ops, std::size_t mem) {
    std::array<std::uint8_t, crypto_pwhash_SALTBYTES> salt;
    randombytes_buf(salt.data(), salt.size());
    Key key;
    if (auto st = derive_key(key, passphrase, salt.data(), ops, mem); !st) return st;
    std::array<std::uint8_t, kSsHeaderBytes> ss;
    crypto_secretstream_xchacha20poly1305_init_push(&st_, ss.data(), key.bytes.data());
    header_.insert(header_.end(), kMagic.begin(), kMagic.end());
    put_be(header_, kFormatVersion, 4);
    put_be(header_, ops, 8);
    put_be(header_, mem, 8);
    header_.insert(header_.end(), salt.begin(), salt.end());
    put_be(header_, chunk_, 4);
    header_.insert(header_.end(), ss.begin(), ss.end());
    written_ = header_.size();
    return write_all(fd_, header_.data(), header_.size(), path_);
  }

  Status write(const std::uint8_t* p, std::size_t n) {
    while (n > 0) {
      if (buf_.size() == chunk_)
        if (auto st = push(0); !st) return st;
      std::size_t take = std::min<std::size_t>(n, chunk_ - buf_.size());
      buf_.insert(buf_.end(), p, p + take);
      p += take;
      n -= take;
    }
    return {};
  }
  Status write(const std::vector<std::uint8_t>& v) { return write(v.data(), v.size()); }

  Status finish() { return push(crypto_secretstream_xchacha20poly1305_TAG_FINAL); }
  std::uint64_t written() const { return written_; }

 private:
  Status push(std::uint8_t tag) {
    unsigned long long clen = 0;
    // The header is the first chunk's additional data: any change to it fails authentication.
    const std::uint8_t* ad = first_ ? header_.data() : nullptr;
    std::size_t adlen = first_ ? header_.size() : 0;
    crypto_secretstream_xchacha20poly1305_push(&st_, out_.data(), &clen, buf_.data(), buf_.size(), ad, adlen, tag);
    first_ = false;
    sodium_memzero(buf_.data(), buf_.size());
    buf_.clear();
    written_ += clen;
    return write_all(fd_, out_.data(), static_cast<std::size_t>(clen), path_);
  }

  int fd_;
  fs::path path_;
  std::uint32_t chunk_;
  crypto_secretstream_xchacha20poly1305_state st_{};
  std::vector<std::uint8_t> header_, buf_, out_;
  bool first_ = true;
  std::uint64_t written_ = 0;
};

// Reads and authenticates the stream; every way it can be wrong is Errc::corrupt.
class SealedReader {
 public:
  SealedReader(int fd, fs::path path, std::uint64_t file_size, const ProgressFn& progress)
      : fd_(fd), path_(std::move(path)), file_size_(file_size), progress_(progress) {}
  ~SealedReader() {
    sodium_memzero(&st_, sizeof st_);
    if (!plain_.empty()) sodium_memzero(plain_.data(), plain_.size());
  }

  // Reads the header, derives the key and opens the first chunk, so a wrong passphrase is found
  // before anything is written.
  Status start(std::string_view passphrase) {
    std::array<std::uint8_t, kHeaderBytes> h;
    auto got = read_up_to(fd_, h.data(), h.size(), path_);
    if (!got) return err(got);
    if (*got < kMagic.size() || std::memcmp(h.data(), kMagic.data(), kMagic.size()) != 0)
      return fail(Errc::corrupt, path_.string() + " is not an amanat backup (it does not begin with " +
                                     std::string(kMagic) + ")");
    if (*got < h.size())
      return fail(Errc::corrupt, path_.string() + " is truncated: it ends inside its " +
                                     std::to_string(kHeaderBytes) + "-byte header");
    offset_ = h.size();
    header_.assign(h.begin(), h.end());
    auto version = get_be(&h[8], 4);
    if (version != kFormatVersion)
      return fail(Errc::corrupt, path_.string() + " says it is backup format version " + std::to_string(version) +
                                     ", and this amanat reads version " + std::to_string(kFormatVersion) +
                                     ": the file is damaged, or was written by a newer amanat");
    auto ops = get_be(&h[12], 8);
    auto mem = get_be(&h[20], 8);
    auto chunk = get_be(&h[44], 4);
    if (mem > kMaxMemlimit)
      return fail(Errc::corrupt, path_.string() + " is damaged: its header asks for " + std::to_string(mem) +
                                     " bytes of memory for the key derivation, more than the " +
                                     std::to_string(kMaxMemlimit) + " a backup may ask");
    if (auto st = check_limits(ops, static_cast<std::size_t>(mem), static_cast<std::uint32_t>(chunk), Errc::corrupt);
        !st)
      return std::unexpected(st.error().context(path_.string() + " is damaged: its header's"));
    chunk_ = static_cast<std::uint32_t>(chunk);
    Key key;
    if (auto st = derive_key(key, passphrase, &h[28], ops, static_cast<std::size_t>(mem)); !st) return st;
    if (crypto_secretstream_xchacha20poly1305_init_pull(&st_, &h[48], key.bytes.data()) != 0)
      return fail(Errc::corrupt, "cannot decrypt " + path_.string() + ": wrong passphrase, or the file is damaged");
    cipher_.resize(chunk_ + kTagBytes);
    plain_.resize(chunk_);
    return next_chunk();
  }

  Status read(std::uint8_t* out, std::size_t n) {
    while (n > 0) {
      if (pos_ == len_) {
        if (final_)
          return fail(Errc::corrupt, path_.string() + " is damaged: its archive ends in the middle of a record");
        if (auto st = next_chunk(); !st) return st;
      }
      std::size_t take = std::min(n, len_ - pos_);
      std::memcpy(out, plain_.data() + pos_, take);
      pos_ += take;
      out += take;
      n -= take;
    }
    return {};
  }

  // After the end record: the final chunk must have been read to its last byte, and be the
  // file's last byte.
  Status expect_end() {
    if (!final_ || pos_ != len_)
      return fail(Errc::corrupt, path_.string() + " is damaged: data follows its archive's end record");
    return {};
  }

 private:
  Status next_chunk() {
    auto got = read_up_to(fd_, cipher_.data(), cipher_.size(), path_);
    if (!got) return err(got);
    if (*got == 0)
      return fail(Errc::corrupt, path_.string() + " is truncated: it ends at byte " + std::to_string(offset_) +
                                     " without its final chunk");
    unsigned long long mlen = 0;
    std::uint8_t tag = 0;
    const std::uint8_t* ad = chunks_ == 0 ? header_.data() : nullptr;
    std::size_t adlen = chunks_ == 0 ? header_.size() : 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&st_, plain_.data(), &mlen, &tag, cipher_.data(), *got, ad,
                                                   adlen) != 0) {
      if (chunks_ == 0)
        return fail(Errc::corrupt, "cannot decrypt " + path_.string() +
                                       ": wrong passphrase, or the file is damaged or truncated");
      return fail(Errc::corrupt, path_.string() + " is damaged, altered or truncated: chunk " +
                                     std::to_string(chunks_) + " (at byte " + std::to_string(offset_) +
                                     ") fails authentication");
    }
    offset_ += *got;
    ++chunks_;
    pos_ = 0;
    len_ = static_cast<std::size_t>(mlen);
    if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
      final_ = true;
      std::uint8_t extra;
      auto more = read_up_to(fd_, &extra, 1, path_);
      if (!more) return err(more);
      if (*more != 0)
        return fail(Errc::corrupt, path_.string() + " has data after its final chunk (at byte " +
                                       std::to_string(offset_) + "): it was altered or joined to another file");
    } else if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE || len_ != chunk_) {
      // Our writer makes every chunk but the last full and plain; anything else is not ours.
      return fail(Errc::corrupt, path_.string() + " is damaged: chunk " + std::to_string(chunks_ - 1) +
                                     " is not a full chunk");
    }
    if (progress_) progress_("restore", offset_, file_size_);
    return {};
  }

  int fd_;
  fs::path path_;
  std::uint64_t file_size_;
  const ProgressFn& progress_;
  crypto_secretstream_xchacha20poly1305_state st_{};
  std::vector<std::uint8_t> header_, cipher_, plain_;
  std::uint32_t chunk_ = 0;
  std::size_t pos_ = 0, len_ = 0;
  std::uint64_t offset_ = 0, chunks_ = 0;
  bool final_ = false;
};

// ---- the database snapshot -------------------------------------------------------------------

struct Conn {
  sqlite3* db = nullptr;
  ~Conn() {
    if (db) sqlite3_close_v2(db);
  }
};

Status exec(sqlite3* db, const char* sql, std::string_view what) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(store::sqlite::sqlite_error(db, rc, what));
  return {};
}

// The first log's origin and size, as this connection sees it (its transaction's snapshot).
// Best effort: only for the summary.
void read_log_state(sqlite3* db, Summary& s) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT origin, size FROM logs ORDER BY id LIMIT 1", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    auto origin = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    s.origin = origin ? origin : "";
    s.log_size = static_cast<std::uint64_t>(sqlite3_column_int64(stmt, 1));
  }
  sqlite3_finalize(stmt);
}

// Copies the live database into `dst` as one consistent state. The source connection holds a
// single read transaction across every step: in WAL mode that pins its snapshot while the
// server keeps committing, and SQLite restarts a backup only when its source connection starts
// a new read transaction and finds the database changed, which never happens here. (Without
// the explicit transaction each step would open its own, and a busy server would restart the
// copy over and over.)
Status snapshot_db(const fs::path& src, const fs::path& dst, int pages_per_step, const ProgressFn& progress,
                   Summary& summary) {
  Conn s, d;
  int rc = sqlite3_open_v2(src.c_str(), &s.db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(store::sqlite::sqlite_error(s.db, rc, "opening " + src.string()));
  sqlite3_busy_timeout(s.db, 10000);
  if (auto st = exec(s.db, "BEGIN", "reading " + src.string()); !st) return st;
  // The first read starts the transaction and fixes its snapshot.
  if (auto st = exec(s.db, "SELECT count(*) FROM sqlite_schema", "reading " + src.string()); !st) return st;
  read_log_state(s.db, summary);

  rc = sqlite3_open_v2(dst.c_str(), &d.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(store::sqlite::sqlite_error(d.db, rc, "creating " + dst.string()));
  // A scratch copy: if we crash it is thrown away, so it needs neither a journal nor syncs.
  if (auto st = exec(d.db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF", "creating " + dst.string()); !st)
    return st;
  sqlite3_backup* b = sqlite3_backup_init(d.db, "main", s.db, "main");
  if (!b) return std::unexpected(store::sqlite::sqlite_error(d.db, sqlite3_errcode(d.db), "starting the backup"));
  int busy = 0;
  while (true) {
    rc = sqlite3_backup_step(b, pages_per_step);
    if (progress && (rc == SQLITE_OK || rc == SQLITE_DONE)) {
      auto total = static_cast<std::uint64_t>(sqlite3_backup_pagecount(b));
      progress("snapshot", total - static_cast<std::uint64_t>(sqlite3_backup_remaining(b)), total);
    }
    if (rc == SQLITE_OK) continue;
    if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++busy < 1000) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    break;
  }
  int frc = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return std::unexpected(store::sqlite::sqlite_error(d.db, rc, "copying " + src.string()));
  if (frc != SQLITE_OK) return std::unexpected(store::sqlite::sqlite_error(d.db, frc, "copying " + src.string()));
  (void)exec(s.db, "COMMIT", "reading " + src.string());
  if (int crc = sqlite3_close(std::exchange(d.db, nullptr)); crc != SQLITE_OK)
    return fail(Errc::unavailable, "cannot close " + dst.string() + ": " + sqlite3_errstr(crc));
  return {};
}

// ---- the data directory ----------------------------------------------------------------------

struct Entry {
  std::string rel;  // relative path, '/'-separated
  bool dir = false;
  std::uint32_t mode = 0;
};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Everything of the data directory a restore needs, apart from amanat.db (see the header).
Status walk(const fs::path& root, const std::string& rel, std::vector<Entry>& out) {
  fs::path dir = rel.empty() ? root : root / rel;
  std::error_code ec;
  fs::directory_iterator it(dir, ec), end;
  if (ec) return fail(Errc::unavailable, "cannot read " + dir.string() + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (rel.empty() && (name == "amanat.db" || name == "amanat.db-wal" || name == "amanat.db-shm" ||
                        name == "amanat.db-journal" || name == "amanat.lock" || name.starts_with(".backup-")))
      continue;
    std::string r = rel.empty() ? name : rel + "/" + name;
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0) {
      if (errno == ENOENT) continue;  // removed while we read the directory (a rename's old name)
      return fail(Errc::unavailable, "cannot read " + it->path().string() + ": " + errno_text());
    }
    if (S_ISREG(st.st_mode)) {
      if (ends_with(name, ".lock") || ends_with(name, ".tmp")) continue;
      out.push_back({r, false, static_cast<std::uint32_t>(st.st_mode & 0777)});
    } else if (S_ISDIR(st.st_mode)) {
      out.push_back({r, true, static_cast<std::uint32_t>(st.st_mode & 0777)});
      if (auto s = walk(root, r, out); !s) return s;
    } else {
      return fail(Errc::invalid, it->path().string() +
                                     " is a symlink or special file; a backup holds only regular files and "
                                     "directories: replace it by what it points to, or move it out of the data "
                                     "directory");
    }
  }
  if (ec) return fail(Errc::unavailable, "cannot read " + dir.string() + ": " + ec.message());
  return {};
}

bool is_inside(const fs::path& p, const fs::path& dir) {
  auto [a, b] = std::mismatch(dir.begin(), dir.end(), p.begin(), p.end());
  // A trailing separator in `dir` leaves an empty last component.
  return a == dir.end() || (std::next(a) == dir.end() && a->empty());
}

struct ArchiveWriter {
  SealedWriter& w;
  Summary& summary;
  const ProgressFn& progress;
  std::uint64_t total = 0;
  std::vector<std::uint8_t> buf = std::vector<std::uint8_t>(1 << 20);

  Status record_head(char type, const std::string& rel, std::uint32_t mode) {
    std::vector<std::uint8_t> h;
    h.push_back(static_cast<std::uint8_t>(type));
    put_be(h, rel.size(), 2);
    h.insert(h.end(), rel.begin(), rel.end());
    put_be(h, mode, 4);
    return w.write(h);
  }

  Status dir(const std::string& rel, std::uint32_t mode) {
    ++summary.directories;
    return record_head('D', rel, mode);
  }

  Status file(const fs::path& abs, const std::string& rel, std::uint32_t mode) {
    Fd fd(::open(abs.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0) return fail(Errc::unavailable, "cannot read " + abs.string() + ": " + errno_text());
    struct stat st;
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
      return fail(Errc::unavailable, abs.string() + " changed while it was being backed up; run the backup again");
    auto size = static_cast<std::uint64_t>(st.st_size);
    if (auto s = record_head('F', rel, mode); !s) return s;
    std::vector<std::uint8_t> sz;
    put_be(sz, size, 8);
    if (auto s = w.write(sz); !s) return s;
    for (std::uint64_t left = size; left > 0;) {
      auto got = read_up_to(fd.get(), buf.data(), static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size())),
                            abs);
      if (!got) return err(got);
      if (*got == 0)
        return fail(Errc::unavailable, abs.string() + " shrank while it was being backed up; run the backup again");
      if (auto s = w.write(buf.data(), *got); !s) return s;
      left -= *got;
      summary.bytes += *got;
      if (progress) progress("archive", summary.bytes, std::max(total, summary.bytes));
    }
    ++summary.files;
    return {};
  }
};

}  // namespace

std::size_t passphrase_chars(std::string_view s) {
  if (!is_valid_utf8(s)) return s.size();
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Result<Summary> write_backup(const fs::path& data_dir, const fs::path& out, std::string_view passphrase,
                             const BackupOptions& o) {
  if (passphrase_chars(passphrase) < kMinPassphraseChars)
    return fail(Errc::invalid, "the backup passphrase must have at least " + std::to_string(kMinPassphraseChars) +
                                   " characters; a few random words are easy to type and hard to guess");
  if (auto st = check_limits(o.opslimit, o.memlimit, o.chunk, Errc::invalid); !st) return err(st);
  if (o.pages_per_step == 0) return fail(Errc::invalid, "pages_per_step must not be 0");
  auto dir = store::DataDir::open(data_dir);
  if (!dir) return err(dir);
  std::error_code ec;
  fs::path canon_dir = fs::canonical(data_dir, ec);
  if (ec) return fail(Errc::unavailable, "cannot resolve " + data_dir.string() + ": " + ec.message());
  fs::path canon_out = fs::weakly_canonical(fs::absolute(out), ec);
  if (ec) return fail(Errc::unavailable, "cannot resolve " + out.string() + ": " + ec.message());
  if (is_inside(canon_out, canon_dir))
    return fail(Errc::invalid, "--out " + out.string() + " is inside the data directory " + data_dir.string() +
                                   "; write the backup somewhere else");

  Summary summary;
  // 1. The database, first (see the header: receipts named by it are on disk before it).
  auto tmp = make_temp_dir(canon_dir / ".backup-");
  if (!tmp) return err(tmp);
  Cleanup tmp_cleanup(*tmp);
  fs::path snapshot = *tmp / "amanat.db";
  if (auto st = snapshot_db(dir->db_path(), snapshot, o.pages_per_step, o.progress, summary); !st)
    return std::unexpected(st.error().context("snapshot of the database"));

  // 2. Everything else.
  std::vector<Entry> entries;
  if (auto st = walk(canon_dir, "", entries); !st) return err(st);
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.rel < b.rel; });
  std::uint64_t total = fs::file_size(snapshot, ec);
  for (const auto& e : entries)
    if (!e.dir) total += fs::file_size(canon_dir / e.rel, ec);

  // 3. The file: out.tmp, fsync, rename.
  fs::path part = out;
  part += ".tmp";
  ::unlink(part.c_str());  // a stale one from an interrupted backup
  Fd fd(::open(part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) return fail(Errc::unavailable, "cannot create " + part.string() + ": " + errno_text());
  Cleanup part_cleanup(part);
  ::fchmod(fd.get(), 0600);  // whatever the umask
  SealedWriter w(fd.get(), part, o.chunk);
  if (auto st = w.start(passphrase, o.opslimit, o.memlimit); !st) return err(st);
  ArchiveWriter a{w, summary, o.progress, total};
  struct stat dbst;
  if (::stat(dir->db_path().c_str(), &dbst) != 0)
    return fail(Errc::unavailable, "cannot stat " + dir->db_path() + ": " + errno_text());
  if (auto st = a.file(snapshot, "amanat.db", dbst.st_mode & 0777); !st) return err(st);
  for (const auto& e : entries) {
    auto st = e.dir ? a.dir(e.rel, e.mode) : a.file(canon_dir / e.rel, e.rel, e.mode);
    if (!st) return err(st);
  }
  std::vector<std::uint8_t> end{'E'};
  put_be(end, summary.files, 8);
  put_be(end, summary.bytes, 8);
  if (auto st = w.write(end); !st) return err(st);
  if (auto st = w.finish(); !st) return err(st);
  if (::fsync(fd.get()) != 0 || !fd.close())
    return fail(Errc::unavailable, "cannot write " + part.string() + ": " + errno_text());
  fs::rename(part, out, ec);
  if (ec) return fail(Errc::unavailable, "cannot rename " + part.string() + " to " + out.string() + ": " + ec.message());
  part_cleanup.release();
  fs::path parent = out.parent_path();
  if (auto st = store::fsync_dir(parent.empty() ? fs::path(".") : parent); !st) return err(st);
  summary.file_bytes = w.written();
  return summary;
}

namespace {

// Reads the archive's records into `tmp` (a fresh, empty directory).
Status unpack(SealedReader& r, const fs::path& tmp, const fs::path& file, Summary& summary) {
  std::set<std::string> dirs;
  std::vector<std::pair<std::string, std::uint32_t>> dir_modes;
  bool have_db = false;
  std::vector<std::uint8_t> buf(1 << 20);
  auto bad = [&](const std::string& what) { return fail(Errc::corrupt, file.string() + " is damaged: " + what); };
  while (true) {
    std::uint8_t type;
    if (auto st = r.read(&type, 1); !st) return st;
    if (type == 'E') {
      std::uint8_t e[16];
      if (auto st = r.read(e, sizeof e); !st) return st;
      if (get_be(e, 8) != summary.files || get_be(e + 8, 8) != summary.bytes)
        return bad("its end record counts other files than it holds");
      if (auto st = r.expect_end(); !st) return st;
      break;
    }
    if (type != 'D' && type != 'F') return bad("unknown record type " + std::to_string(type));
    std::uint8_t len[2];
    if (auto st = r.read(len, 2); !st) return st;
    std::string rel(static_cast<std::size_t>(get_be(len, 2)), '\0');
    if (auto st = r.read(reinterpret_cast<std::uint8_t*>(rel.data()), rel.size()); !st) return st;
    std::uint8_t m[4];
    if (auto st = r.read(m, 4); !st) return st;
    auto mode = static_cast<std::uint32_t>(get_be(m, 4)) & 0777;
    // Only relative paths below a directory the archive declared earlier: nothing can be
    // written outside tmp, and nothing in tmp is a symlink (we create only directories and
    // regular files, and tmp is ours, mode 0700).
    if (!valid_path(rel)) return bad("it holds an invalid path (absolute, empty, \".\" or \"..\")");
    std::string parent = parent_of(rel);
    if (!parent.empty() && !dirs.contains(parent)) return bad("a path comes before its directory");
    fs::path abs = tmp / rel;
    if (type == 'D') {
      if (dirs.contains(rel) || ::mkdir(abs.c_str(), 0700) != 0) {
        if (errno == EEXIST || dirs.contains(rel)) return bad("it holds a path twice");
        return fail(Errc::unavailable, "cannot create " + abs.string() + ": " + errno_text());
      }
      dirs.insert(rel);
      dir_modes.emplace_back(rel, mode);
      ++summary.directories;
      continue;
    }
    std::uint8_t sz[8];
    if (auto st = r.read(sz, 8); !st) return st;
    std::uint64_t size = get_be(sz, 8);
    Fd fd(::open(abs.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd.get() < 0) {
      if (errno == EEXIST) return bad("it holds a path twice");
      return fail(Errc::unavailable, "cannot create " + abs.string() + ": " + errno_text());
    }
    for (std::uint64_t left = size; left > 0;) {
      auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
      if (auto st = r.read(buf.data(), n); !st) return st;
      if (auto st = write_all(fd.get(), buf.data(), n, abs); !st) return st;
      left -= n;
    }
    if (::fchmod(fd.get(), mode) != 0 || ::fsync(fd.get()) != 0 || !fd.close())
      return fail(Errc::unavailable, "cannot write " + abs.string() + ": " + errno_text());
    if (rel == "amanat.db") have_db = true;
    ++summary.files;
    summary.bytes += size;
  }
  sodium_memzero(buf.data(), buf.size());
  if (!have_db) return bad("it holds no amanat.db");
  // Durable before the rename makes it visible; modes last, so a read-only directory was
  // still writable while it was filled.
  for (auto it = dir_modes.rbegin(); it != dir_modes.rend(); ++it) {
    fs::path abs = tmp / it->first;
    if (auto st = store::fsync_dir(abs); !st) return st;
    if (::chmod(abs.c_str(), it->second) != 0)
      return fail(Errc::unavailable, "cannot set the mode of " + abs.string() + ": " + errno_text());
  }
  return {};
}

// SQLite's own structural check of the restored database, and its log's origin and size.
Status check_db(const fs::path& db, const fs::path& file, Summary& summary) {
  Conn c;
  int rc = sqlite3_open_v2(db.c_str(), &c.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(store::sqlite::sqlite_error(c.db, rc, "opening the restored database"));
  sqlite3_stmt* stmt = nullptr;
  std::string result;
  rc = sqlite3_prepare_v2(c.db, "PRAGMA quick_check", -1, &stmt, nullptr);
  if (rc == SQLITE_OK) {
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      auto t = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      if (!result.empty()) result += "; ";
      result += t ? t : "";
    }
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE || result != "ok")
    return fail(Errc::corrupt, "the database in " + file.string() + " fails SQLite's quick_check (" +
                                   (result.empty() ? std::string(sqlite3_errmsg(c.db)) : result.substr(0, 500)) +
                                   "); it was damaged before the backup was taken");
  read_log_state(c.db, summary);
  return {};
}

}  // namespace

Result<Summary> restore_backup(const fs::path& file, const fs::path& data_dir, std::string_view passphrase,
                               const RestoreOptions& o) {
  if (passphrase.empty()) return fail(Errc::invalid, "the backup passphrase is empty");
  std::error_code ec;
  if (fs::exists(fs::symlink_status(data_dir, ec))) {
    if (!fs::is_directory(fs::symlink_status(data_dir, ec)))
      return fail(Errc::conflict, data_dir.string() + " exists and is not a directory; restore into a new one");
    if (!fs::is_empty(data_dir, ec) || ec)
      return fail(Errc::conflict, data_dir.string() + " exists and is not empty; restore into a new directory");
  }
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return fail(Errc::not_found, file.string() + " does not exist");
    return fail(Errc::unavailable, "cannot open " + file.string() + ": " + errno_text());
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return fail(Errc::invalid, file.string() + " is not a regular file");
  SealedReader r(fd.get(), file, static_cast<std::uint64_t>(st.st_size), o.progress);
  if (auto s = r.start(passphrase); !s) return err(s);

  fs::path target = data_dir;
  if (!target.has_filename()) target = target.parent_path();  // "new/" -> "new"
  fs::path parent = target.parent_path();
  if (!parent.empty()) {
    fs::create_directories(parent, ec);
    if (ec) return fail(Errc::unavailable, "cannot create " + parent.string() + ": " + ec.message());
  }
  auto tmp = make_temp_dir(target.string() + ".tmp-");
  if (!tmp) return err(tmp);
  Cleanup cleanup(*tmp);
  Summary summary;
  if (auto s = unpack(r, *tmp, file, summary); !s) return err(s);
  if (auto s = check_db(*tmp / "amanat.db", file, summary); !s) return err(s);
  if (auto s = store::fsync_dir(*tmp); !s) return err(s);
  // rename(2) replaces an empty directory, and fails if something appeared in it meanwhile.
  if (::rename(tmp->c_str(), target.c_str()) != 0) {
    if (errno == ENOTEMPTY || errno == EEXIST || errno == ENOTDIR)
      return fail(Errc::conflict, target.string() + " was created or filled while restoring; restore into a new "
                                                    "directory");
    return fail(Errc::unavailable, "cannot rename " + tmp->string() + " to " + target.string() + ": " + errno_text());
  }
  cleanup.release();
  if (auto s = store::fsync_dir(parent.empty() ? fs::path(".") : parent); !s) return err(s);
  summary.file_bytes = static_cast<std::uint64_t>(st.st_size);
  return summary;
}

}  // namespace amanat::backup
