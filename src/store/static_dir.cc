#include "store/static_dir.h"

#include "tlog/note.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

#include <vector>

namespace amanat::store {

namespace fs = std::filesystem;

Result<Bytes> read_file_bytes(const fs::path& p, std::size_t max_bytes) {
  // One open/fstat/read straight into the result: the verifier reads every tile of a mirror
  // through here, and stream iterators cost a sixth of its time.
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return fail(Errc::not_found, p.string() + " does not exist");
    return fail(Errc::unavailable, "cannot read " + p.string() + ": " + std::strerror(errno));
  }
  struct stat st;
  Bytes out;
  // A mirror may be hostile: only regular files, and never more than the caller's limit (a
  // symlink to /dev/zero must not exhaust memory).
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(Errc::corrupt, p.string() + " is not a regular file");
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return fail(Errc::corrupt, p.string() + " is " + std::to_string(st.st_size) + " bytes, more than the " +
                                   std::to_string(max_bytes) + " it can be");
  }
  out.resize(static_cast<std::size_t>(st.st_size));
  std::size_t off = 0;
  while (true) {
    if (off == out.size()) {
      if (out.size() >= max_bytes) break;  // grew after fstat: read no further than the limit
      out.resize(std::min(out.size() + 4096, max_bytes));
    }
    ssize_t n = ::read(fd, out.data() + off, out.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return fail(Errc::unavailable, "cannot read " + p.string() + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    off += static_cast<std::size_t>(n);
  }
  ::close(fd);
  out.resize(off);
  return out;
}

Result<std::string> read_file(const fs::path& p, std::size_t max_bytes) {
  auto b = read_file_bytes(p, max_bytes);
  if (!b) return err(b);
  return std::string(b->begin(), b->end());
}

namespace {

Status write_all(int fd, const fs::path& p, std::span<const std::uint8_t> data) {
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Errc::unavailable, "cannot write " + p.string() + ": " + std::strerror(errno));
    }
    off += static_cast<std::size_t>(n);
  }
  return {};
}

// Writes a file without fsync; the caller syncs the file system once for a whole batch.
Status write_file_unsynced(const fs::path& p, std::span<const std::uint8_t> data) {
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (ec) return fail(Errc::unavailable, "cannot create " + p.parent_path().string() + ": " + ec.message());
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail(Errc::unavailable, "cannot write " + p.string() + ": " + std::strerror(errno));
  Status st = write_all(fd, p, data);
  if (::close(fd) != 0 && st) return fail(Errc::unavailable, "cannot write " + p.string() + ": " + std::strerror(errno));
  return st;
}

Status sync_dir_fs(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail(Errc::unavailable, "cannot open " + dir.string() + ": " + std::strerror(errno));
  int rc = ::syncfs(fd);
  ::close(fd);
  if (rc != 0) return fail(Errc::unavailable, "cannot sync " + dir.string() + ": " + std::strerror(errno));
  return {};
}

}  // namespace

Status write_file_atomic(const fs::path& p, std::span<const std::uint8_t> data, unsigned mode) {
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (ec) return fail(Errc::unavailable, "cannot create " + p.parent_path().string() + ": " + ec.message());
  fs::path tmp = p;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return fail(Errc::unavailable, "cannot write " + tmp.string() + ": " + std::strerror(errno));
  ::fchmod(fd, mode);  // whatever the umask, and whatever an earlier .tmp had
  if (auto st = write_all(fd, tmp, data); !st) {
    ::close(fd);
    return st;
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0)
    return fail(Errc::unavailable, "cannot write " + tmp.string() + ": " + std::strerror(errno));
  fs::rename(tmp, p, ec);
  if (ec) return fail(Errc::unavailable, "cannot rename " + tmp.string() + ": " + ec.message());
  return fsync_dir(p.parent_path());
}

Status fsync_dir(const fs::path& dir) {
  // A rename is durable only once its directory is.
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail(Errc::unavailable, "cannot open " + dir.string() + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return fail(Errc::unavailable, "cannot sync " + dir.string() + ": " + std::strerror(errno));
  return {};
}

Result<ExportStats> export_static(tlog::LogStorage& storage, std::uint64_t size,
                                  const std::string& checkpoint, const fs::path& out,
                                  const std::function<void()>& on_tile) {
  // New tiles are written under temporary names without one fsync each (that cost minutes on
  // large exports), made durable by one file-system sync, renamed into place, synced again,
  // and only then is the checkpoint replaced. A tile's final name thus only ever holds
  // complete, durable contents, and readers never see a checkpoint before its tiles.
  ExportStats stats;
  stats.size = size;
  std::vector<std::pair<fs::path, fs::path>> pending;  // temporary name, final name
  std::vector<fs::path> full_tiles;
  std::error_code ec;
  for (const tlog::TileId& id : tlog::tiles_for_size(size)) {
    fs::path p = out / tlog::tile_path(id);
    // Full tiles never change, nor do partial tiles of a given width: a file already there
    // (renamed into place whole by an earlier run) stays.
    if (fs::exists(p, ec)) {
      ++stats.tiles_skipped;
    } else {
      auto data = storage.read_tile(id);
      if (!data) return std::unexpected(data.error().context("reading " + tlog::tile_path(id)));
      fs::path tmp = p;
      tmp += ".tmp";
      if (auto st = write_file_unsynced(tmp, *data); !st) return err(st);
      pending.emplace_back(tmp, p);
      ++stats.tiles_written;
    }
    if (id.full()) full_tiles.push_back(p);
    if (on_tile) on_tile();
  }
  fs::create_directories(out, ec);
  if (auto st = sync_dir_fs(out); !st) return err(st);
  for (const auto& [tmp, p] : pending) {
    fs::rename(tmp, p, ec);
    if (ec) return fail(Errc::unavailable, "cannot rename " + tmp.string() + ": " + ec.message());
  }
  if (auto st = sync_dir_fs(out); !st) return err(st);
  // Partial tiles superseded by a full one may go (the spec allows it; clients fall back).
  for (const auto& p : full_tiles) {
    fs::path partials = p;
    partials += ".p";
    if (fs::exists(partials, ec)) stats.partials_removed += fs::remove_all(partials, ec);
  }
  if (auto st = write_file_atomic(out / "checkpoint", as_bytes(checkpoint)); !st)
    return err(st);
  return stats;
}

Result<std::string> DirLogSource::read_checkpoint() {
  return read_file(dir_ / "checkpoint", tlog::kMaxNoteSize);
}

Result<Bytes> DirLogSource::read_tile(const tlog::TileId& id) {
  std::size_t max = id.entries ? std::size_t(id.width) * (2 + tlog::kMaxEntrySize) : std::size_t(id.width) * 32;
  return read_file_bytes(dir_ / tlog::tile_path(id), max);
}

}  // namespace amanat::store
