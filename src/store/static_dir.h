// The C2SP tlog-tiles static layout on disk: a directory with `checkpoint` and `tile/...` that
// any static web server can serve as it is.
//
// export_static() writes or updates such a mirror from the log's storage. It is incremental and
// crash-safe: full tiles already present are skipped, every file is written to a temporary name
// and renamed into place, and the checkpoint is replaced last, so a reader of the mirror never
// sees a checkpoint whose tiles are missing. Partial tiles are deleted once the full tile that
// supersedes them exists (the spec allows it; clients fall back to the full tile).
//
// DirLogSource reads such a mirror (for `amanat log verify --log DIR`). Thread-safe.
#pragma once

#include <filesystem>
#include <functional>

#include "core/error.h"
#include "tlog/storage.h"

namespace amanat::store {

struct ExportStats {
  std::uint64_t size = 0;
  std::uint64_t tiles_written = 0;
  std::uint64_t tiles_skipped = 0;
  std::uint64_t partials_removed = 0;
};

// `checkpoint` is the signed checkpoint for `size` (both read from the storage in one
// snapshot). `on_tile` is called after each tile (for progress).
Result<ExportStats> export_static(tlog::LogStorage& storage, std::uint64_t size,
                                  const std::string& checkpoint, const std::filesystem::path& out,
                                  const std::function<void()>& on_tile = {});

class DirLogSource : public tlog::LogSource {
 public:
  explicit DirLogSource(std::filesystem::path dir) : dir_(std::move(dir)) {}
  Result<std::string> read_checkpoint() override;
  Result<Bytes> read_tile(const tlog::TileId& id) override;
  std::string describe() const override { return dir_.string(); }

 private:
  std::filesystem::path dir_;
};

// Reads a whole regular file of at most max_bytes; Errc::not_found if it does not exist,
// Errc::corrupt if it is not a regular file or is larger.
inline constexpr std::size_t kMaxFileRead = 64 << 20;
Result<std::string> read_file(const std::filesystem::path& p, std::size_t max_bytes = kMaxFileRead);
Result<Bytes> read_file_bytes(const std::filesystem::path& p, std::size_t max_bytes = kMaxFileRead);
// fsyncs a directory, making the renames and creations in it durable.
Status fsync_dir(const std::filesystem::path& dir);
// Writes a file atomically (temporary file, fsync, rename, fsync of the directory).
// `mode`: 0644 for what is published (a static mirror); 0600 for a data directory's own files.
Status write_file_atomic(const std::filesystem::path& p, std::span<const std::uint8_t> data, unsigned mode = 0644);

}  // namespace amanat::store
