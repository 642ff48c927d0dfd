#include "store/data_dir.h"

#include "store/static_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace amanat::store {

namespace fs = std::filesystem;

WriterLock::~WriterLock() {
  if (fd_ >= 0) close(fd_);  // closing releases the flock
}

Result<DataDir> DataDir::create(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(Errc::unavailable, "cannot create " + dir.string() + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  DataDir d(dir);
  if (fs::exists(d.key_path()))
    return fail(Errc::conflict,
                d.key_path().string() + " already exists; refusing to overwrite a signing key" +
                    (fs::exists(d.db_path()) ? ""
                                             : " (there is no amanat.db beside it: an earlier init did not "
                                               "finish; if that key was never published, delete it and retry)"));
  if (fs::exists(d.db_path()))
    return fail(Errc::conflict, d.db_path() + " already exists; refusing to initialise over it");
  return d;
}

Result<DataDir> DataDir::open(const fs::path& dir) {
  DataDir d(dir);
  if (!fs::is_directory(dir))
    return fail(Errc::not_found, dir.string() + " does not exist; create it with `amanat init --data " +
                                     dir.string() + " --origin NAME`");
  if (!fs::exists(d.db_path()))
    return fail(Errc::not_found, dir.string() + " is not an amanat data directory (no amanat.db); "
                                                "create one with `amanat init`");
  // Data directories made by older versions: private from now on (new ones are made so).
  ::chmod(dir.c_str(), 0700);
  for (const char* f : {"amanat.db", "amanat.db-wal", "amanat.db-shm", "vault.json"})
    ::chmod((dir / f).c_str(), 0600);  // (a file that is not there is no matter)
  ::chmod((dir / "receipts").c_str(), 0700);
  return d;
}

Status DataDir::write_key(const std::string& key) const {
  int fd = ::open(key_path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      return fail(Errc::conflict, key_path().string() + " already exists; refusing to overwrite a signing key");
    return fail(Errc::unavailable, "cannot create " + key_path().string() + ": " + std::strerror(errno));
  }
  std::string data = key + "\n";
  bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return fail(Errc::unavailable, "cannot write " + key_path().string() + ": " + std::strerror(errno));
  return fsync_dir(dir_);
}

Result<std::string> DataDir::read_key() const {
  struct stat st;
  if (::stat(key_path().c_str(), &st) != 0)
    return fail(Errc::not_found, "cannot read the signing key " + key_path().string() + ": " +
                                     std::strerror(errno));
  if (st.st_mode & 077)
    return fail(Errc::forbidden, "the signing key " + key_path().string() +
                                     " is readable by other users; run: chmod 600 " +
                                     key_path().string());
  int fd = ::open(key_path().c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(Errc::unavailable, "cannot open " + key_path().string() + ": " + std::strerror(errno));
  std::string out(4096, '\0');
  ssize_t n = ::read(fd, out.data(), out.size());
  ::close(fd);
  if (n < 0) return fail(Errc::unavailable, "cannot read " + key_path().string());
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

Result<WriterLock> DataDir::lock_writer() const {
  fs::path p = dir_ / "amanat.lock";
  int fd = ::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fail(Errc::unavailable, "cannot open " + p.string() + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return fail(Errc::conflict, "another amanat process is writing to " + dir_.string() +
                                    " (it holds amanat.lock); stop it or wait for it to finish");
  }
  return WriterLock(fd);
}

}  // namespace amanat::store
