// A donor's proof of their gift, from the receipt code alone: the c2sp.org/tlog-proof@v1 file
// of the donation's leaf (with the leaf as its `extra` line) against the log's latest signed
// checkpoint, which `amanat donation verify` or the web page check offline with the log's key.
// The CLI (`amanat donation proof`) and the public API endpoint both call this.
//
// Failures: Errc::invalid for a malformed code; Errc::not_found when no donation has this code
// (a wrong secret and an unknown record number read alike, so a guess learns nothing).
// Thread-safety: as the store and log it reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "books/store.h"
#include "tlog/storage.h"

namespace amanat::books {

struct DonationProof {
  std::string proof;                         // the tlog-proof file
  std::uint64_t leaf = 0;
  std::optional<std::uint64_t> reversed_by;  // the correction that reversed the donation, if any
};

Result<DonationProof> prove_donation(BooksStore& store, tlog::LogStorage& log, std::string_view receipt_code);

// The c2sp.org/tlog-proof@v1 file of any record (its leaf as the `extra` line) against the log's
// latest signed checkpoint: a donation's above, a file's record for a court (`amanat file
// proof`). Errc::not_found for a leaf the log does not have.
Result<std::string> prove_record(tlog::LogStorage& log, std::uint64_t leaf);

}  // namespace amanat::books
