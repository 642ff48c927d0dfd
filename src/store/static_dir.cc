#include "store/static_dir.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace amanat::store {

namespace fs = std::filesystem;

Result<std::string> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    if (!fs::exists(p)) return fail(Errc::not_found, p.string() + " does not exist");
    return fail(Errc::unavailable, "cannot read " + p.string());
  }
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return fail(Errc::unavailable, "cannot read " + p.string());
  return data;
}

Status write_file_atomic(const fs::path& p, std::span<const std::uint8_t> data) {
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (ec) return fail(Errc::unavailable, "cannot create " + p.parent_path().string() + ": " + ec.message());
  fs::path tmp = p;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail(Errc::unavailable, "cannot write " + tmp.string() + ": " + std::strerror(errno));
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return fail(Errc::unavailable, "cannot write " + tmp.string() + ": " + std::strerror(errno));
    }
    off += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0)
    return fail(Errc::unavailable, "cannot write " + tmp.string() + ": " + std::strerror(errno));
  fs::rename(tmp, p, ec);
  if (ec) return fail(Errc::unavailable, "cannot rename " + tmp.string() + ": " + ec.message());
  return {};
}

Result<ExportStats> export_static(tlog::LogStorage& storage, std::uint64_t size,
                                  const std::string& checkpoint, const fs::path& out,
                                  const std::function<void()>& on_tile) {
  ExportStats stats;
  stats.size = size;
  for (const tlog::TileId& id : tlog::tiles_for_size(size)) {
    fs::path p = out / tlog::tile_path(id);
    std::error_code ec;
    // Full tiles never change, and partial tiles of a given width never change either: a
    // file that is already there (written by an earlier run, renamed into place whole) stays.
    if (fs::exists(p, ec)) {
      ++stats.tiles_skipped;
    } else {
      auto data = storage.read_tile(id);
      if (!data) return std::unexpected(data.error().context("reading " + tlog::tile_path(id)));
      if (auto st = write_file_atomic(p, *data); !st) return std::unexpected(st.error());
      ++stats.tiles_written;
    }
    if (id.full()) {
      fs::path partials = p;
      partials += ".p";
      if (fs::exists(partials, ec)) {
        stats.partials_removed += fs::remove_all(partials, ec);
      }
    }
    if (on_tile) on_tile();
  }
  if (auto st = write_file_atomic(out / "checkpoint", as_bytes(checkpoint)); !st)
    return std::unexpected(st.error());
  return stats;
}

Result<std::string> DirLogSource::read_checkpoint() { return read_file(dir_ / "checkpoint"); }

Result<Bytes> DirLogSource::read_tile(const tlog::TileId& id) {
  auto data = read_file(dir_ / tlog::tile_path(id));
  if (!data) return std::unexpected(data.error());
  return Bytes(data->begin(), data->end());
}

}  // namespace amanat::store
