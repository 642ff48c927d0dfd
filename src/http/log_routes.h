// Serves a transparency log in the C2SP tlog-tiles static layout (https://c2sp.org/tlog-tiles)
// from any tlog::LogSource, relative to wherever the handler is mounted (see router.h):
//
//   checkpoint                    text/plain, mutable: cached for at most 2 seconds
//   tile/<L>/<N>[.p/<W>]          application/octet-stream, immutable (full and partial tiles)
//   tile/entries/<N>[.p/<W>]      application/octet-stream, immutable
//   "" (the prefix itself)        a short plain-text index
//
// GET and HEAD only (405 otherwise). Failure cases: 404 for an unknown path or when the source
// says Errc::not_found, 400 for a tile path that is not exactly one of the spec's spellings,
// 503 when the source is unavailable and 500 for any other source error (the cause goes to the
// server's error log, not to the client).
//
// Threading: the server calls the handler from several threads at once, so `src` must be
// thread-safe, or the server must run with one thread.
#pragma once

#include <memory>

#include "http/server.h"
#include "tlog/log_source.h"

namespace amanat::http {

// The handler also accepts paths with a leading '/', so it can serve the root unmounted.
Handler log_handler(std::shared_ptr<tlog::LogSource> src);

}  // namespace amanat::http
