// Public answers that depend only on the state of the books (an appeal's page and figures), kept
// per organisation for the books' version they were made at, so that under a news spike the
// figures are computed once per change to the books rather than once per reader.
//
// Correctness: an entry is used only while the books' version is still the one it was made at,
// so a record booked since makes it stale at once (the next request computes the answer again).
// The version is the log's size (books::Books::version): every change to the books appends to
// the log, and an answer is stored under the log size that its own read transaction saw, so an
// entry never claims a state it does not show. An answer read while a commit landed may be
// stored under a size the server has not announced yet; it is then simply not found until it is.
//
// Several processes: the version here comes from this process's sequencer, the only writer (the
// data directory's lock). With a database shared by several server processes (PostgreSQL
// later), the version must come from the database (a read of the log's size, or a notification
// of it); the cache itself can stay per process.
//
// Memory: at most kMaxEntries answers per organisation (the key includes the query string, which
// a client chooses); past that, stale entries are dropped, and all of them if none is stale.
//
// Thread-safety: every method may be called from any thread; find() holds a mutex only for a hash
// look-up, so it may run on an event-loop thread (http::ServerOptions::quick).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/server.h"

namespace amanat::api {

class AnswerCache {
 public:
  struct Answer {
    std::uint64_t version = 0;
    std::string body;
    std::string gzip;  // the body gzipped; empty when that would not be smaller
    std::string etag;  // a weak validator of the body: W/"<hash>"
    http::Headers headers;  // sent with it: its Content-Type, Cache-Control
  };
  // The key of a request's answer: its path and query string, as received.
  static std::string key(const http::Request& req) { return req.path + "?" + req.query; }
  static constexpr std::size_t kMaxEntries = 512;

  // The answer for `key` made at `version`, if there is one.
  std::shared_ptr<const Answer> find(const std::string& key, std::uint64_t version) const;
  // Keeps `body` as the answer for `key` at `version` (gzipping it and computing its ETag) and
  // returns it.
  std::shared_ptr<const Answer> put(const std::string& key, std::uint64_t version, std::string body,
                                    http::Headers headers);

  // The HTTP answer: its headers, then ETag and Vary; 304 with no body when If-None-Match names
  // the ETag; the gzipped body when the client takes gzip.
  static http::Response respond(const Answer& a, const http::Request& req);

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const Answer>> answers_;
};

}  // namespace amanat::api
