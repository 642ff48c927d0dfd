// One error vocabulary for all of amanat.
//
// Every fallible function returns Result<T> = std::expected<T, Error>. An Error carries a small
// code (what kind of failure, which decides the exit status or, later, the HTTP status) and a
// message written for the person who has to act on it: what was wrong and, where we know it,
// how to fix it. Messages never contain survivors' or donors' personal data.
//
// Exceptions are used only as a last net (around a CLI command or a request); library code
// returns errors.
#pragma once

#include <expected>
#include <string>
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

struct Error {
  Errc code;
  std::string message;

  // Prepends context: "reading tile/0/001: " + message.
  Error context(std::string_view what) const& {
    return Error{code, std::string(what) + ": " + message};
  }
};

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(Errc code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

}  // namespace amanat
