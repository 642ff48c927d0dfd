// Request body schemas: one declaration per route that both checks a JSON body and becomes the
// route's schema in the OpenAPI 3.1 document (api/openapi.h), so that what the server accepts
// and what it documents cannot drift apart.
//
// A body is checked in full before a handler sees it, and every problem is reported at once,
// each with its JSON pointer and reason (answered as RFC 9457 problem+json, status 400):
//  - not exactly one strict JSON value (core/canonical_json.h: bad syntax, invalid UTF-8,
//    duplicate member names, lone surrogates, nesting beyond kMaxJsonDepth);
//  - not an object; a member the schema does not know; a required member missing;
//  - a member of the wrong type; an integer that is not exact (1.5, 1e400) or outside its
//    declared range (so huge numbers are refused, never rounded); a string too long, empty
//    where it must not be, or not one of its enumerated values.
// The reasons quote the schema, never the client's values (they may carry personal data).
//
// Thread-safety: schemas are immutable values; validate() is pure.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/server.h"

namespace amanat::api {

struct Field {
  enum class Type { string, integer, boolean, object, strings, objects };
  std::string name;
  Type type = Type::string;
  bool required = true;
  std::string description;
  // string: length in bytes (UTF-8); strings: the array's length
  std::size_t min_length = 0, max_length = 200;
  // integer
  std::int64_t minimum = 0, maximum = std::numeric_limits<std::int32_t>::max();
  std::vector<std::string> one_of;  // string: allowed values, when not empty
  std::vector<Field> fields;        // object, objects: the members of the object (each item)
  std::size_t max_items = 20;       // objects
};

// Shorthands for declaring schemas compactly in route tables.
Field str(std::string name, std::string description, std::size_t max_length = 200, bool required = true);
Field text_opt(std::string name, std::string description, std::size_t max_length = 2000);
Field integer(std::string name, std::string description, std::int64_t minimum, std::int64_t maximum,
              bool required = true);
Field boolean(std::string name, std::string description, bool required = false);
Field one_of(std::string name, std::string description, std::vector<std::string> values, bool required = true);

struct Schema {
  std::string name;  // the component's name in the OpenAPI document, e.g. "DonationInput"
  std::vector<Field> fields;
};

// The checked body, or the list of everything wrong with it.
using Checked = std::expected<nlohmann::json, std::vector<http::FieldError>>;
Checked validate(std::string_view body, const Schema& schema);

// The JSON Schema (2020-12, as OpenAPI 3.1 uses it) of an object with these fields.
nlohmann::ordered_json json_schema(const Schema& schema);

}  // namespace amanat::api
