// A data directory: everything one amanat installation keeps on disk.
//
//   DIR/amanat.db    SQLite database (WAL mode: also amanat.db-wal, amanat.db-shm)
//   DIR/log.key      the log's Ed25519 signing key (signed-note private key string), mode 0600
//   DIR/amanat.lock  held (flock) by the one process that appends to the log
//
// The directory is created with mode 0700 and everything amanat writes in it is private to its
// owner (files 0600, folders 0700); open() makes an older directory so.
// Thread-safe: DataDir is an immutable value; the
// writer lock is a separate RAII object.
#pragma once

#include <filesystem>
#include <string>

#include "core/error.h"

namespace amanat::store {

class WriterLock {
 public:
  WriterLock() = default;
  explicit WriterLock(int fd) : fd_(fd) {}
  WriterLock(WriterLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  WriterLock& operator=(WriterLock&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  ~WriterLock();

 private:
  int fd_ = -1;
};

class DataDir {
 public:
  // Creates DIR (and parents) if missing. Errc::conflict if DIR already holds a key or a
  // database: init never overwrites.
  static Result<DataDir> create(const std::filesystem::path& dir);
  // Errc::not_found with a hint to run `amanat init` if DIR is not a data directory.
  static Result<DataDir> open(const std::filesystem::path& dir);

  const std::filesystem::path& path() const { return dir_; }
  std::string db_path() const { return (dir_ / "amanat.db").string(); }
  std::filesystem::path key_path() const { return dir_ / "log.key"; }

  // Writes the private key file with O_EXCL and mode 0600.
  Status write_key(const std::string& key) const;
  // Reads the key; Errc::forbidden if the file is readable by group or others.
  Result<std::string> read_key() const;
  // Takes the exclusive writer lock without waiting; Errc::conflict if another process has it.
  Result<WriterLock> lock_writer() const;

 private:
  explicit DataDir(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
};

}  // namespace amanat::store
