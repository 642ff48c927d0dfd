#include "http/witness_routes.h"

#include "core/bytes.h"
#include "tlog/checkpoint.h"

namespace amanat::http {

namespace {

Response text(int status, std::string body, std::string type = "text/plain; charset=utf-8") {
  Response r;
  r.status = status;
  r.headers = {{"Content-Type", std::move(type)}, {"Cache-Control", "no-store"}};
  r.body = std::move(body);
  return r;
}

Response size_conflict(std::uint64_t size) { return text(409, std::to_string(size) + "\n", "text/x.tlog.size"); }

}  // namespace

Handler witness_handler(std::vector<tlog::Verifier> trusted, tlog::WitnessStore& store,
                        const tlog::WitnessSigner& signer, std::function<std::uint64_t()> now) {
  return [trusted = std::move(trusted), &store, &signer, now = std::move(now)](const Request& req) -> Response {
    std::string_view path = req.path;
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    if (path != "add-checkpoint") return error_response(404);
    if (req.method != "POST") {
      Response r = error_response(405, "add-checkpoint takes POST");
      r.headers.emplace_back("Allow", "POST");
      return r;
    }
    // old N, proof lines, an empty line, then the checkpoint.
    std::string_view body = req.body;
    auto next_line = [&](std::string_view& line) {
      auto nl = body.find('\n');
      if (nl == std::string_view::npos) return false;
      line = body.substr(0, nl);
      body.remove_prefix(nl + 1);
      return true;
    };
    std::string_view line;
    if (!next_line(line) || line.substr(0, 4) != "old ") return error_response(400, "the body must start with \"old N\"");
    auto old = parse_decimal(line.substr(4));
    if (!old) return error_response(400, "old: not a decimal size");
    std::vector<Hash> proof;
    while (true) {
      if (!next_line(line)) return error_response(400, "no empty line before the checkpoint");
      if (line.empty()) break;
      if (proof.size() == 63) return error_response(400, "more than 63 consistency proof lines");
      auto h = hash_from_base64(line);
      if (!h) return error_response(400, "a consistency proof line is not a base64 SHA-256 hash");
      proof.push_back(*h);
    }
    std::string checkpoint(body);
    std::string_view origin = std::string_view(checkpoint).substr(0, checkpoint.find('\n'));
    const tlog::Verifier* key = nullptr;
    bool known = false;
    for (const auto& v : trusted) {
      if (v.name() != origin) continue;
      known = true;
      if (tlog::open_checkpoint(checkpoint, v, v.name())) key = &v;
    }
    if (!known) return error_response(404, "this witness does not witness that log");
    if (!key) return error_response(403, "no signature verifies with a key this witness trusts for that log");
    auto cp = tlog::open_checkpoint(checkpoint, *key, key->name());
    if (*old > cp->size) return error_response(400, "old is above the checkpoint's size");
    auto prev = store.last(cp->origin);
    if (!prev) {
      Response r = error_response(500);
      r.log_note = prev.error().message;
      return r;
    }
    std::uint64_t have = *prev ? (*prev)->size : 0;
    if (*old != have) return size_conflict(have);
    if (*prev && (*prev)->size == cp->size && (*prev)->root != cp->root) return size_conflict(have);
    auto r = tlog::cosign_checkpoint(checkpoint, *key, *old, proof, store, signer, now());
    if (!r) {
      switch (r.error().code) {
        case Errc::conflict: {
          auto again = store.last(cp->origin);  // a concurrent submission moved it
          return size_conflict(again && *again ? (**again).size : 0);
        }
        case Errc::corrupt:
        case Errc::invalid: return error_response(422, r.error().message);
        default: {
          Response e = error_response(500);
          e.log_note = r.error().message;
          return e;
        }
      }
    }
    return text(200, r->cosignature_line);
  };
}

}  // namespace amanat::http
