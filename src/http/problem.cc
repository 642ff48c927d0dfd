#include "http/problem.h"

#include <nlohmann/json.hpp>

#include "http/server.h"

namespace amanat::http {

std::string problem_type(const Reason& reason) { return "/api/v1/problems/" + std::string(reason.id); }

int status_of(const Error& e) {
  static const std::pair<const Reason*, int> kStatuses[] = {
      {&reasons::not_logged_in, 401},      {&reasons::session_expired, 401},
      {&reasons::wrong_credentials, 401},  {&reasons::role_forbidden, 403},
      {&reasons::totp_enrolment_required, 403}, {&reasons::csrf_token, 403}, {&reasons::not_your_case, 403},
      {&reasons::route_not_found, 404},    {&reasons::method_not_allowed, 405},
      {&reasons::body_too_large, 413},     {&reasons::media_type, 415},
      {&reasons::too_many_attempts, 429},  {&reasons::intake_limited, 429},
      {&reasons::headers_too_large, 431},
      {&reasons::vault_missing, 409},      {&reasons::vault_wrong_secret, 400},
  };
  for (const auto& [reason, status] : kStatuses)
    if (e.reason == reason) return status;
  switch (e.code) {
    case Errc::invalid: return 400;
    case Errc::not_found: return 404;
    case Errc::conflict: return 409;
    case Errc::forbidden: return 422;
    case Errc::sealed: return 423;
    case Errc::unavailable: return 503;
    case Errc::corrupt:
    case Errc::internal: break;
  }
  return 500;
}

Response problem_response(int status, const Reason& reason, std::string_view detail, std::vector<FieldError> errors,
                          std::string_view field) {
  Response r;
  r.status = status;
  r.headers = {{"Content-Type", "application/problem+json"}, {"Cache-Control", "no-store"}};
  nlohmann::ordered_json j;
  j["type"] = problem_type(reason);
  j["title"] = std::string(reason.title);
  j["status"] = status;
  if (!detail.empty()) j["detail"] = std::string(detail);
  j["reason"] = std::string(reason.id);
  if (!field.empty()) j["field"] = std::string(field);
  if (!errors.empty()) {
    auto& list = j["errors"] = nlohmann::ordered_json::array();
    for (auto& e : errors) {
      nlohmann::ordered_json item{{"field", std::move(e.field)}, {"code", std::move(e.code)}, {"reason", std::move(e.reason)}};
      if (e.limit) item["limit"] = *e.limit;
      list.push_back(std::move(item));
    }
  }
  // Replace, not throw, on invalid UTF-8: a reason may quote a client's bytes.
  r.body = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  return r;
}

Response problem(const Error& e, std::vector<FieldError> errors) {
  int status = status_of(e);
  if (status >= 500) {
    // What went wrong inside is the operator's to read, not the client's.
    Response r = problem_response(status, e.why(), "");
    r.log_note = std::string(errc_name(e.code)) + ": " + e.message;
    return r;
  }
  if (errors.empty() && !e.field.empty() && e.code == Errc::invalid) {
    std::string detail = e.message.starts_with(e.field + ": ") ? e.message.substr(e.field.size() + 2) : e.message;
    errors.push_back({"/" + e.field, std::move(detail)});
  }
  return problem_response(status, e.why(), e.message, std::move(errors), e.field);
}

Response error_response(int status, std::string_view detail) {
  const Reason* reason = &reasons::invalid;
  switch (status) {
    case 400: reason = &reasons::malformed_request; break;
    case 404: reason = &reasons::route_not_found; break;
    case 405: reason = &reasons::method_not_allowed; break;
    case 413: reason = &reasons::body_too_large; break;
    case 431: reason = &reasons::headers_too_large; break;
    case 503: reason = &reasons::unavailable; break;
    default:
      if (status >= 500) reason = &reasons::internal;
      else if (status == 403) reason = &reasons::forbidden;
      else if (status == 409) reason = &reasons::conflict;
      else if (status == 422) reason = &reasons::forbidden;
  }
  return problem_response(status, *reason, detail);
}

}  // namespace amanat::http
