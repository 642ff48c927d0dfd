// Feeds arbitrary bytes to the server's request parsing (http::parse_request: the same Beast
// parser settings, limits and checks as a connection uses), as a sequence of pipelined requests
// on one connection, and checks that a refused request always gets a 4xx and that a request
// handed to a handler keeps the server's promises about its path and body.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/server.h"

using amanat::http::ParseOutcome;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool has_dot_segment(std::string_view path) {
  for (std::size_t pos = 0; pos <= path.size();) {
    std::size_t end = std::min(path.find('/', pos), path.size());
    std::string_view seg = path.substr(pos, end - pos);
    if (seg == "." || seg == "..") return true;
    pos = end + 1;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Small limits, so that inputs reach them.
  const amanat::http::RequestLimits limits{.max_header_bytes = 1024, .max_body_bytes = 4096};
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < 32 && !in.empty(); ++i) {
    ParseOutcome out = amanat::http::parse_request(in, limits);
    if (out.kind == ParseOutcome::rejected) {
      check(out.response.status >= 400 && out.response.status < 500);
      return 0;
    }
    if (out.kind == ParseOutcome::incomplete) return 0;
    const auto& r = out.request;
    check(!r.method.empty());
    check(r.path.starts_with('/'));
    check(r.path.find('\0') == std::string::npos && r.query.find('\0') == std::string::npos);
    check(!has_dot_segment(r.path));
    check(r.body.size() <= limits.max_body_bytes);
    check(out.consumed > 0 && out.consumed <= in.size());
    in.remove_prefix(out.consumed);
  }
  return 0;
}
