// Encrypted, consistent backups of a data directory, and their restore (`amanat backup`,
// `amanat restore`).
//
// What a backup holds: a transaction-consistent snapshot of DIR/amanat.db, taken with SQLite's
// online backup API inside one read transaction (WAL mode lets the server keep committing while
// it runs; the snapshot is the state of one commit), and then every other regular file and
// directory of DIR with its relative path and permission bits: log.key, books.key, receipts/,
// and whatever else is there (a future vault file included). Left out: amanat.lock, the WAL and
// shared-memory files (amanat.db-wal, -shm, -journal; the snapshot already holds what they held),
// files whose names end in ".lock" or ".tmp" (locks, and files half-written by
// store::write_file_atomic), and the backup's own temporary directory DIR/.backup-XXXXXX.
// The database is copied first and the other files after it: receipt files are written before
// the record that names them is committed, so every receipt the snapshot refers to is already on
// disk when the directory is read. A symlink, socket or device in DIR stops the backup with
// Errc::invalid (a backup that silently misses a file is worse than none).
//
// The snapshot is written to DIR/.backup-XXXXXX/amanat.db (mode 0700 directory, beside the live
// database, so the plaintext copy never leaves the disk and the permissions it already lives
// under; it needs as much free space as the database) and deleted afterwards, whatever happens.
//
// File format, version 1 (all integers big-endian):
//
//   header, in the clear, 72 bytes:
//     magic      8  "AMNTBKUP"
//     version    4  1
//     opslimit   8  Argon2id passes        (restore accepts 1..32)
//     memlimit   8  Argon2id memory, bytes (restore accepts 8 KiB..4 GiB)
//     salt      16  random
//     chunk      4  plaintext bytes per chunk (restore accepts 1 KiB..16 MiB; default 64 KiB)
//     ss_header 24  crypto_secretstream_xchacha20poly1305 header
//   then the archive, encrypted with crypto_secretstream_xchacha20poly1305 under
//   key = crypto_pwhash Argon2id13(passphrase, salt, opslimit, memlimit), 32 bytes, in chunks of
//   `chunk` plaintext bytes (each chunk + 17 bytes of tag on disk). Every chunk but the last is
//   full and tagged MESSAGE; the last holds 1..chunk bytes and is tagged FINAL, and nothing may
//   follow it, so a truncated or extended file is detected. The whole 72-byte header is the
//   additional data of the first chunk, so a changed header byte fails authentication even where
//   it would not change the key (e.g. memlimit's low bits, which Argon2 rounds away).
//
//   archive (the plaintext), a sequence of records:
//     'D' u16 path_len, path, u32 mode                      a directory
//     'F' u16 path_len, path, u32 mode, u64 size, bytes     a regular file
//     'E' u64 files, u64 bytes                              the end: counts of 'F' records and
//                                                           of their bytes; the last record
//   Paths are relative to the data directory, '/'-separated, 1..4096 bytes, each component
//   1..255 bytes and neither "." nor "..", no NUL, no leading '/'; a directory comes before
//   anything in it; mode is the permission bits (& 0777). The first 'F' is amanat.db.
//
// Restore checks all of that, writes into a fresh NEWDIR.tmp-XXXXXX (mode 0700) next to NEWDIR,
// creating files with O_EXCL|O_NOFOLLOW (only directories and regular files are ever created,
// so no path can lead outside it), runs SQLite's quick_check on the restored database, fsyncs,
// and renames it to NEWDIR; on any failure it removes the temporary directory, so a failed
// restore leaves nothing behind.
//
// Thread-safety: both functions are independent of each other and of any open store; they may
// run while the server writes to the data directory. libsodium must be initialised.
//
// Failures:
//   Errc::invalid      a passphrase shorter than kMinPassphraseChars (backup), KDF limits or a
//                      chunk size out of range, --out inside the data directory, a symlink or
//                      special file in the data directory;
//   Errc::not_found    the data directory or backup file does not exist;
//   Errc::conflict     the restore target exists and is not empty;
//   Errc::corrupt      the backup fails any check: not an amanat backup, unsupported version,
//                      wrong passphrase or altered bytes (indistinguishable by design), truncated,
//                      trailing data, a malformed record or path, a database that fails
//                      quick_check;
//   Errc::unavailable  I/O errors, disk full, not enough memory for the key derivation, the
//                      database busy for longer than the timeout.
#pragma once

#include <sodium.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace amanat::backup {

inline constexpr std::size_t kMinPassphraseChars = 12;  // Unicode code points
inline constexpr std::uint32_t kFormatVersion = 1;
inline constexpr std::size_t kHeaderBytes = 72;
inline constexpr std::uint32_t kDefaultChunk = 64 * 1024;
// Limits a restore accepts from a header (the same as the vault's): a file asking for more
// would let whoever can edit it make a restore exhaust the machine's memory.
inline constexpr unsigned long long kMaxOpslimit = 32;
inline constexpr std::size_t kMaxMemlimit = std::size_t{4} << 30;

// Called as work proceeds: phase "snapshot" counts database pages, "archive" and "restore"
// count bytes. `total` may grow (the database grows while it is copied).
using ProgressFn = std::function<void(std::string_view phase, std::uint64_t done, std::uint64_t total)>;

struct BackupOptions {
  // Argon2id cost; the defaults are libsodium's MODERATE (3 passes, 256 MiB). Tests use MIN.
  unsigned long long opslimit = crypto_pwhash_OPSLIMIT_MODERATE;
  std::size_t memlimit = crypto_pwhash_MEMLIMIT_MODERATE;
  std::uint32_t chunk = kDefaultChunk;
  // Database pages copied per step of the online backup (progress is reported between steps).
  int pages_per_step = 1024;
  ProgressFn progress;
};

struct RestoreOptions {
  ProgressFn progress;
};

struct Summary {
  std::uint64_t files = 0;        // regular files, amanat.db included
  std::uint64_t directories = 0;
  std::uint64_t bytes = 0;        // their contents, in the clear
  std::uint64_t file_bytes = 0;   // size of the encrypted backup file
  std::string origin;             // the database's (first) log, and its size in the snapshot
  std::uint64_t log_size = 0;
};

// Writes an encrypted backup of `data_dir` to `out` (via out + ".tmp", fsync, rename; mode 0600;
// an existing `out` is replaced only once the new backup is complete).
Result<Summary> write_backup(const std::filesystem::path& data_dir, const std::filesystem::path& out,
                             std::string_view passphrase, const BackupOptions& options = {});

// Restores the backup `file` into `data_dir`, which must not exist or be an empty directory.
Result<Summary> restore_backup(const std::filesystem::path& file, const std::filesystem::path& data_dir,
                               std::string_view passphrase, const RestoreOptions& options = {});

// Number of Unicode code points in `s` (bytes, where it is not valid UTF-8).
std::size_t passphrase_chars(std::string_view s);

}  // namespace amanat::backup
