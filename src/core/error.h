// One error vocabulary for all of amanat.
//
// Every fallible function returns Result<T> = std::expected<T, Error>. An Error carries
//  - a code (what kind of failure: it decides the exit status and the HTTP status),
//  - a reason: a stable, machine-readable name for the failure (core/reasons.h lists them all),
//    which the web app translates into the user's language and a problem document names in its
//    `type`; an error made without one has its code's generic reason,
//  - the field it is about, where it has one ("amount", "splits/1/fund"), and
//  - a message written for the person who has to act on it: what was wrong and, where we know
//    it, how to fix it. Messages are English; they never contain survivors' or donors' personal
//    data.
//
// Propagation: `if (!r) return err(r);` passes a failed Result's error on, whatever the value
// types; AMANAT_TRY(var, expr) and AMANAT_CHECK(expr) do the same as statements.
//
// Exceptions are used only as a last net (around a CLI command or a request); library code
// returns errors.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace amanat {

enum class Errc {
  invalid,      // the input is malformed or out of range; retrying the same input fails again
  not_found,    // the thing asked for does not exist
  conflict,     // it exists already, or a concurrent change won
  forbidden,    // not allowed (permissions, or an operation the state forbids)
  corrupt,      // stored or fetched data fails a check: a proof, a signature, a hash
  unavailable,  // an I/O or network failure; retrying later may help
  sealed,       // it needs a key that is sealed in the vault; unseal the vault and retry
  internal,     // a bug or an unexpected library failure
};

const char* errc_name(Errc c);

// A kind of failure with a stable name. Declared once each, in core/reasons.h; compared by
// address.
struct Reason {
  std::string_view id;     // lower-case words joined by '-', stable forever: "fund-negative"
  Errc code;               // the kind of failure it is
  std::string_view title;  // one English sentence, the problem document's title
};

// The reason of an error that names none: "invalid", "not-found", ...
const Reason& generic_reason(Errc c);

struct Error {
  Errc code;
  std::string message;
  const Reason* reason = nullptr;  // nullptr: generic_reason(code)
  std::string field;               // the input it is about; empty when none

  const Reason& why() const { return reason ? *reason : generic_reason(code); }

  // Prepends context: "reading tile/0/001: " + message; the reason and field stay.
  Error context(std::string_view what) const& {
    return Error{code, std::string(what) + ": " + message, reason, field};
  }
};

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(Errc code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}
// A failure of a declared kind; `field` names the input it is about, if any.
inline std::unexpected<Error> fail(const Reason& reason, std::string message, std::string field = {}) {
  return std::unexpected(Error{reason.code, std::move(message), &reason, std::move(field)});
}
// An invalid value of one field: the message reads "<field>: <detail>".
inline Error field_error(std::string_view field, std::string_view detail) {
  return Error{Errc::invalid, std::string(field) + ": " + std::string(detail), nullptr, std::string(field)};
}
inline std::unexpected<Error> fail_field(std::string_view field, std::string_view detail) {
  return std::unexpected(field_error(field, detail));
}

// The error of a failed Result or Status, to return from a function of another result type.
template <class T>
std::unexpected<Error> err(const std::expected<T, Error>& r) {
  return std::unexpected(r.error());
}

}  // namespace amanat

// `AMANAT_TRY(x, f());` declares x = *f(), or returns f()'s error from the enclosing function.
#define AMANAT_TRY(var, expr)                              \
  auto var##_result_ = (expr);                             \
  if (!var##_result_) return ::amanat::err(var##_result_); \
  auto var = std::move(*var##_result_)

// `AMANAT_CHECK(f());` returns f()'s error (a Status or Result) from the enclosing function.
#define AMANAT_CHECK(expr)                                                      \
  do {                                                                          \
    if (auto amanat_check_ = (expr); !amanat_check_) return ::amanat::err(amanat_check_); \
  } while (0)
