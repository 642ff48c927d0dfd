// The server's route table: which handler answers which path. Handlers are mounted under path
// prefixes ("/" for a single log now, "/log/<org>/" and the JSON API later); the longest
// matching prefix wins, and the handler sees the path relative to its prefix.
//
// Threading: mount() is not thread-safe; finish mounting before the server starts. Calling a
// Router (const) is safe from many threads at once. A Router is a Handler (copy it into
// Server::listen).
// Failure cases: mount() refuses a malformed or duplicate prefix; an unmatched path is a 404;
// a prefix requested without its trailing slash is redirected (308) to it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "http/server.h"

namespace amanat::http {

class Router {
 public:
  // `prefix` starts and ends with '/' and has no "." or ".." segment. `handler` gets
  // a copy of the request whose path is relative to the prefix: "checkpoint", "tile/0/000", or
  // "" for the prefix itself.
  // Errc::invalid for a malformed prefix, Errc::conflict when it is already mounted.
  // `body_limit`, if given, answers RequestLimits::body_limit_for for the requests under the
  // prefix, with the same relative path.
  using BodyLimit = std::function<std::size_t(const Request& head)>;
  // An answer that needs no worker (ServerOptions::quick), for the requests under the prefix,
  // with the same relative path; nullopt leaves the request to `handler`.
  using Quick = std::function<std::optional<Response>(const Request& req)>;
  Status mount(std::string prefix, Handler handler, BodyLimit body_limit = {}, Quick quick = {});

  Response operator()(const Request& req) const;
  // ServerOptions::quick for the whole table: the mounted handler's quick answer, if it has one.
  std::optional<Response> quick(const Request& req) const;
  // RequestLimits::body_limit_for for the whole table: the mounted handler's answer, or 0.
  std::size_t body_limit(const Request& head) const;

 private:
  struct Mount {
    std::string prefix;
    Handler handler;
    BodyLimit body_limit;
    Quick quick;
  };
  const Mount* find(const std::string& path) const;
  std::vector<Mount> routes_;  // longest prefix first
};

}  // namespace amanat::http
