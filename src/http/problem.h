// RFC 9457 problem documents: the one place where an amanat Error becomes an HTTP status and an
// application/problem+json body, for every layer that answers over HTTP.
//
// A document carries
//   "type":   "/api/v1/problems/<reason>" (a relative URI, described at that address by the
//             API), the stable name of the failure (core/reasons.h), which a client translates;
//   "title":  the reason's title, in English;
//   "status": the HTTP status;
//   "detail": the error's message, for a person (left out for a 5xx: internal state stays in
//             the operator's log, Response::log_note);
//   "reason": the reason's id again, for clients that would rather not parse the type;
//   "field":  the input the error is about, where it has one;
//   "errors": for invalid input, every problem found: [{"field": JSON pointer, "code": a short
//             machine-readable code, "reason": text, "limit": the bound broken, if any}].
// `detail` and every reason are sent to the client: never put internal state or personal data
// in them. Problem responses carry Cache-Control: no-store.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/reasons.h"

namespace amanat::http {

struct Response;

// One problem of one field of a request.
struct FieldError {
  std::string field;   // a JSON pointer into the request body ("/amount"), or a parameter name
  std::string reason;  // for a person, in English
  // required, unknown, type, empty, too_short, too_long, not_one_of, range, too_many, malformed,
  // invalid (any other)
  std::string code = "invalid";
  std::optional<std::int64_t> limit = std::nullopt;  // the bound that was broken
};

// The URI that names a reason in a problem document's "type".
std::string problem_type(const Reason& reason);

// The HTTP status of an error: by its reason where the reason has a status of its own (401,
// 403, 405, 413, 415, 429, 431, ...), else by its code (invalid 400, not_found 404, conflict 409,
// forbidden 422 - a rule of the books, not a permission -, sealed 423, unavailable 503, corrupt
// and internal 500).
int status_of(const Error& e);

// The problem document of an error.
Response problem(const Error& e, std::vector<FieldError> errors = {});

// The same from parts: for a layer that has a status and a reason but no Error.
Response problem_response(int status, const Reason& reason, std::string_view detail,
                          std::vector<FieldError> errors = {}, std::string_view field = {});
// A problem with the reason its status implies (400 malformed request, 404 no such route, 405,
// 413, 431, 500, 503): for the HTTP server's own answers.
Response error_response(int status, std::string_view detail = {});

}  // namespace amanat::http
