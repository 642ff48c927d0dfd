// Body schemas: one declaration per route for what it accepts and one for what it answers, each
// both checked and turned into the route's schemas in the OpenAPI 3.1 document, so that what the
// server accepts, answers and documents cannot drift apart (and the web app's TypeScript types
// are generated from it, not written by hand).
//
// A request body is checked in full before a handler sees it, and every problem is reported at
// once, each with its JSON pointer, a machine-readable code and a reason (answered as RFC 9457
// problem+json, status 400; http/problem.h):
//  - not exactly one strict JSON value (core/canonical_json.h: bad syntax, invalid UTF-8,
//    duplicate member names, lone surrogates, nesting beyond kMaxJsonDepth): code malformed;
//  - not an object (type); a member the schema does not know (unknown); a required member
//    missing (required);
//  - a member of the wrong type (type); an integer that is not exact (1.5, 1e400) or outside
//    its declared range (range: huge numbers are refused, never rounded); a string too long
//    (too_long), empty where it must not be (empty), shorter than its minimum (too_short), or
//    not one of its enumerated values (not_one_of); an array with too many or too few items
//    (too_many, too_short).
// The reasons quote the schema, never the client's values (they may carry personal data).
//
// A response schema (the out:: helpers) declares what a success answers: every member a client
// may rely on, required when it is always there. Api::check_responses makes the API check every
// 2xx JSON answer against it (the tests turn it on).
//
// Thread-safety: schemas are immutable values; validate() and check_response() are pure.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/problem.h"

namespace amanat::api {

struct Field {
  // integers: an object whose members are all integers, named by `one_of` when it is not empty
  // (counts or amounts by category)
  // numbers: an array of integers
  enum class Type { string, integer, boolean, object, strings, objects, integers, numbers };
  std::string name;
  Type type = Type::string;
  bool required = true;
  std::string description;
  // string: length in bytes (UTF-8); strings: each item's
  std::size_t min_length = 0, max_length = 200;
  // integer
  std::int64_t minimum = 0, maximum = std::numeric_limits<std::int32_t>::max();
  std::vector<std::string> one_of;  // string: allowed values, when not empty
  std::vector<Field> fields;        // object, objects: the members of the object (each item)
  std::size_t max_items = 20;       // strings, objects
  std::size_t min_items = 0;
};

// Shorthands for declaring request schemas compactly in route tables.
Field str(std::string name, std::string description, std::size_t max_length = 200, bool required = true);
Field text_opt(std::string name, std::string description, std::size_t max_length = 2000);
Field integer(std::string name, std::string description, std::int64_t minimum, std::int64_t maximum,
              bool required = true);
Field boolean(std::string name, std::string description, bool required = false);
Field one_of(std::string name, std::string description, std::vector<std::string> values, bool required = true);

// Shorthands for response schemas: no bounds but their types (a response is what the server
// made, not input to limit).
namespace out {
Field text(std::string name, std::string description, bool required = true);
Field number(std::string name, std::string description, bool required = true);
Field flag(std::string name, std::string description, bool required = true);
Field choice(std::string name, std::string description, std::vector<std::string> values, bool required = true);
Field object(std::string name, std::string description, std::vector<Field> fields, bool required = true);
Field list(std::string name, std::string description, std::vector<Field> fields, bool required = true);
Field texts(std::string name, std::string description, bool required = true);
Field numbers(std::string name, std::string description, bool required = true);
Field numbers_by(std::string name, std::string description, std::vector<std::string> keys, bool required = true);
}  // namespace out

struct Schema {
  std::string name;  // the component's name in the OpenAPI document, e.g. "DonationInput"
  std::vector<Field> fields;
};

// The checked body, or the list of everything wrong with it.
using Checked = std::expected<nlohmann::json, std::vector<http::FieldError>>;
Checked validate(std::string_view body, const Schema& schema);
// Everything in which `value` (a response) differs from `schema`; empty when it conforms.
std::vector<http::FieldError> check_response(const nlohmann::json& value, const Schema& schema);

// The JSON Schema (2020-12, as OpenAPI 3.1 uses it) of an object with these fields.
nlohmann::ordered_json json_schema(const Schema& schema);

}  // namespace amanat::api
