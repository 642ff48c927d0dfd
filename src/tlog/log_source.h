// Where a tiled log's published resources come from: the signed checkpoint and the tiles.
//
// The same interface is implemented over the local store (what `amanat log serve` and `export`
// publish), over a directory holding the static layout (a mirror), and over HTTP (a remote log),
// so that the verifier, the witness and the server do not care where a log lives.
// Implementations say whether they are thread-safe.
#pragma once

#include <string>

#include "core/error.h"
#include "tlog/tile.h"

namespace amanat::tlog {

class LogSource : public TileReader {
 public:
  // The checkpoint exactly as published (a signed note). Errc::not_found if there is none yet.
  virtual Result<std::string> read_checkpoint() = 0;
  // From TileReader: read_tile(id) returns a hash tile (width*32 bytes) or an entry bundle.
  // Errc::not_found when that tile does not exist (yet).
  // A short description for messages, e.g. the URL or directory.
  virtual std::string describe() const = 0;
  // How many read_tile calls the source serves at once, as a hint for readers that fetch
  // ahead on several threads (the verifier): 1 for a source that serialises its reads (one
  // database connection), so that extra fetching threads would only wait on each other.
  virtual unsigned concurrent_reads() const { return 4; }
};

}  // namespace amanat::tlog
