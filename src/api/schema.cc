#include "api/schema.h"

#include <algorithm>
#include <optional>
#include <set>

#include "core/canonical_json.h"

namespace amanat::api {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

Field str(std::string name, std::string description, std::size_t max_length, bool required) {
  Field f{std::move(name), Field::Type::string, required, std::move(description)};
  f.min_length = 1;
  f.max_length = max_length;
  return f;
}

Field text_opt(std::string name, std::string description, std::size_t max_length) {
  Field f{std::move(name), Field::Type::string, false, std::move(description)};
  f.max_length = max_length;
  return f;
}

Field integer(std::string name, std::string description, std::int64_t minimum, std::int64_t maximum, bool required) {
  Field f{std::move(name), Field::Type::integer, required, std::move(description)};
  f.minimum = minimum;
  f.maximum = maximum;
  return f;
}

Field boolean(std::string name, std::string description, bool required) {
  return Field{std::move(name), Field::Type::boolean, required, std::move(description)};
}

Field one_of(std::string name, std::string description, std::vector<std::string> values, bool required) {
  Field f{std::move(name), Field::Type::string, required, std::move(description)};
  f.one_of = std::move(values);
  return f;
}

namespace out {

namespace {
constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max();
Field unbounded(std::string name, Field::Type type, bool required, std::string description) {
  Field f{std::move(name), type, required, std::move(description)};
  f.max_length = kUnbounded;
  f.max_items = kUnbounded;
  f.minimum = std::numeric_limits<std::int64_t>::min();
  f.maximum = std::numeric_limits<std::int64_t>::max();
  return f;
}
}  // namespace

Field text(std::string name, std::string description, bool required) {
  return unbounded(std::move(name), Field::Type::string, required, std::move(description));
}
Field number(std::string name, std::string description, bool required) {
  return unbounded(std::move(name), Field::Type::integer, required, std::move(description));
}
Field flag(std::string name, std::string description, bool required) {
  return unbounded(std::move(name), Field::Type::boolean, required, std::move(description));
}
Field choice(std::string name, std::string description, std::vector<std::string> values, bool required) {
  Field f = text(std::move(name), std::move(description), required);
  f.one_of = std::move(values);
  return f;
}
Field object(std::string name, std::string description, std::vector<Field> fields, bool required) {
  Field f = unbounded(std::move(name), Field::Type::object, required, std::move(description));
  f.fields = std::move(fields);
  return f;
}
Field list(std::string name, std::string description, std::vector<Field> fields, bool required) {
  Field f = unbounded(std::move(name), Field::Type::objects, required, std::move(description));
  f.fields = std::move(fields);
  return f;
}
Field texts(std::string name, std::string description, bool required) {
  return unbounded(std::move(name), Field::Type::strings, required, std::move(description));
}
Field numbers(std::string name, std::string description, bool required) {
  return unbounded(std::move(name), Field::Type::numbers, required, std::move(description));
}
Field numbers_by(std::string name, std::string description, std::vector<std::string> keys, bool required) {
  Field f = unbounded(std::move(name), Field::Type::integers, required, std::move(description));
  f.one_of = std::move(keys);
  return f;
}

}  // namespace out

namespace {

constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max();
bool full_range(const Field& f) {
  return f.minimum == std::numeric_limits<std::int64_t>::min() && f.maximum == std::numeric_limits<std::int64_t>::max();
}

http::FieldError problem(std::string at, std::string reason, const char* code,
                         std::optional<std::int64_t> limit = std::nullopt) {
  return http::FieldError{std::move(at), std::move(reason), code, limit};
}

const char* type_name(Field::Type t) {
  switch (t) {
    case Field::Type::string: return "a string";
    case Field::Type::integer: return "an integer";
    case Field::Type::boolean: return "true or false";
    case Field::Type::object: return "an object";
    case Field::Type::strings: return "an array of strings";
    case Field::Type::objects: return "an array of objects";
    case Field::Type::integers: return "an object of integers";
    case Field::Type::numbers: return "an array of integers";
  }
  return "?";
}

// JSON pointer escaping (RFC 6901) of a member name.
std::string pointer(const std::string& base, std::string_view name) {
  std::string out = base + "/";
  for (char c : name) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

void check_object(const json& v, const std::vector<Field>& fields, const std::string& at,
                  std::vector<http::FieldError>& errors);

void check_string(const json& v, const Field& f, const std::string& at, std::vector<http::FieldError>& errors) {
  const auto& s = v.get_ref<const std::string&>();
  if (!f.one_of.empty()) {
    bool ok = false;
    for (const auto& o : f.one_of) ok = ok || o == s;
    if (!ok) {
      std::string list;
      for (const auto& o : f.one_of) list += (list.empty() ? "" : ", ") + o;
      errors.push_back(problem(at, "must be one of: " + list, "not_one_of"));
    }
    return;
  }
  if (s.size() < f.min_length)
    errors.push_back(f.min_length == 1 ? problem(at, "must not be empty", "empty")
                                       : problem(at, "must be at least " + std::to_string(f.min_length) + " bytes",
                                                 "too_short", static_cast<std::int64_t>(f.min_length)));
  if (s.size() > f.max_length)
    errors.push_back(problem(at, "must be at most " + std::to_string(f.max_length) + " bytes", "too_long",
                             static_cast<std::int64_t>(f.max_length)));
}

void check_items(const json& v, const Field& f, const std::string& at, std::vector<http::FieldError>& errors) {
  if (v.size() > f.max_items)
    errors.push_back(problem(at, "must have at most " + std::to_string(f.max_items) + " items", "too_many",
                             static_cast<std::int64_t>(f.max_items)));
  if (v.size() < f.min_items)
    errors.push_back(f.min_items == 1 ? problem(at, "must not be empty", "empty")
                                      : problem(at, "must have at least " + std::to_string(f.min_items) + " items",
                                                "too_short", static_cast<std::int64_t>(f.min_items)));
}

void check_value(const json& v, const Field& f, const std::string& at, std::vector<http::FieldError>& errors) {
  auto wrong = [&] { errors.push_back(problem(at, std::string("must be ") + type_name(f.type), "type")); };
  switch (f.type) {
    case Field::Type::string:
      if (!v.is_string()) return wrong();
      return check_string(v, f, at, errors);
    case Field::Type::integer: {
      bool fits = v.is_number_integer() &&
                  (!v.is_number_unsigned() ||
                   v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
      if (fits) {
        std::int64_t i = v.get<std::int64_t>();
        if (i < f.minimum || i > f.maximum)
          errors.push_back(problem(at, "must be between " + std::to_string(f.minimum) + " and " + std::to_string(f.maximum),
                                   "range", i < f.minimum ? f.minimum : f.maximum));
        return;
      }
      if (v.is_number()) {
        // Beyond int64 or not a whole number: refused, never rounded.
        errors.push_back(problem(at, "must be a whole number between " + std::to_string(f.minimum) + " and " +
                                         std::to_string(f.maximum),
                                 "range"));
        return;
      }
      return wrong();
    }
    case Field::Type::boolean:
      if (!v.is_boolean()) wrong();
      return;
    case Field::Type::object:
      if (!v.is_object()) return wrong();
      return check_object(v, f.fields, at, errors);
    case Field::Type::strings: {
      if (!v.is_array()) return wrong();
      check_items(v, f, at, errors);
      Field item = f;
      item.type = Field::Type::string;
      for (std::size_t i = 0; i < v.size() && i < f.max_items; ++i) {
        std::string p = at + "/" + std::to_string(i);
        if (!v[i].is_string()) errors.push_back(problem(p, "must be a string", "type"));
        else check_string(v[i], item, p, errors);
      }
      return;
    }
    case Field::Type::objects: {
      if (!v.is_array()) return wrong();
      check_items(v, f, at, errors);
      for (std::size_t i = 0; i < v.size() && i < f.max_items; ++i) {
        std::string p = at + "/" + std::to_string(i);
        if (!v[i].is_object()) errors.push_back(problem(p, "must be an object", "type"));
        else check_object(v[i], f.fields, p, errors);
      }
      return;
    }
    case Field::Type::numbers: {
      if (!v.is_array()) return wrong();
      check_items(v, f, at, errors);
      for (std::size_t i = 0; i < v.size(); ++i)
        if (!v[i].is_number_integer()) errors.push_back(problem(at + "/" + std::to_string(i), "must be an integer", "type"));
      return;
    }
    case Field::Type::integers: {
      if (!v.is_object()) return wrong();
      for (const auto& [name, item] : v.items()) {
        std::string p = pointer(at, name);
        if (!f.one_of.empty() && std::find(f.one_of.begin(), f.one_of.end(), name) == f.one_of.end())
          errors.push_back(problem(p, "is not a known field", "unknown"));
        else if (!item.is_number_integer())
          errors.push_back(problem(p, "must be an integer", "type"));
      }
      return;
    }
  }
}

void check_object(const json& v, const std::vector<Field>& fields, const std::string& at,
                  std::vector<http::FieldError>& errors) {
  std::set<std::string_view> known;
  for (const auto& f : fields) {
    known.insert(f.name);
    auto it = v.find(f.name);
    if (it == v.end()) {
      if (f.required) errors.push_back(problem(pointer(at, f.name), "is required", "required"));
      continue;
    }
    // null is not "absent": an optional field is left out, never sent as null (handlers read
    // a present member as its type).
    check_value(*it, f, pointer(at, f.name), errors);
  }
  for (const auto& [name, value] : v.items())
    if (!known.count(name)) errors.push_back(problem(pointer(at, name), "is not a known field", "unknown"));
}

}  // namespace

Checked validate(std::string_view body, const Schema& schema) {
  auto parsed = parse_strict(body);
  if (!parsed) return std::unexpected(std::vector<http::FieldError>{problem("", parsed.error().message, "malformed")});
  if (!parsed->is_object())
    return std::unexpected(std::vector<http::FieldError>{problem("", "the body must be a JSON object", "type")});
  std::vector<http::FieldError> errors;
  check_object(*parsed, schema.fields, "", errors);
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return std::move(*parsed);
}

std::vector<http::FieldError> check_response(const json& value, const Schema& schema) {
  std::vector<http::FieldError> errors;
  if (!value.is_object()) errors.push_back(problem("", "the response is not a JSON object", "type"));
  else check_object(value, schema.fields, "", errors);
  return errors;
}

namespace {

ojson field_schema(const Field& f) {
  ojson s;
  switch (f.type) {
    case Field::Type::string:
      s["type"] = "string";
      if (!f.one_of.empty()) {
        s["enum"] = f.one_of;
      } else {
        // The limits are in bytes of UTF-8 (as the log's leaves count them); JSON Schema counts
        // characters, so maxLength is the bound a client can check and the description adds bytes.
        if (f.min_length > 0) s["minLength"] = f.min_length;
        if (f.max_length != kUnbounded) s["maxLength"] = f.max_length;
      }
      break;
    case Field::Type::integer:
      s["type"] = "integer";
      if (!full_range(f)) {
        s["minimum"] = f.minimum;
        s["maximum"] = f.maximum;
      }
      break;
    case Field::Type::boolean:
      s["type"] = "boolean";
      break;
    case Field::Type::object:
      s = json_schema(Schema{"", f.fields});
      break;
    case Field::Type::strings:
      s["type"] = "array";
      s["items"] = {{"type", "string"}};
      if (f.max_length != kUnbounded) s["items"]["maxLength"] = f.max_length;
      if (!f.one_of.empty()) s["items"] = {{"type", "string"}, {"enum", f.one_of}};
      else if (f.min_length > 0) s["items"]["minLength"] = f.min_length;
      if (f.min_items > 0) s["minItems"] = f.min_items;
      if (f.max_items != kUnbounded) s["maxItems"] = f.max_items;
      break;
    case Field::Type::objects:
      s["type"] = "array";
      s["items"] = json_schema(Schema{"", f.fields});
      if (f.min_items > 0) s["minItems"] = f.min_items;
      if (f.max_items != kUnbounded) s["maxItems"] = f.max_items;
      break;
    case Field::Type::numbers:
      s["type"] = "array";
      s["items"] = {{"type", "integer"}};
      if (f.min_items > 0) s["minItems"] = f.min_items;
      if (f.max_items != kUnbounded) s["maxItems"] = f.max_items;
      break;
    case Field::Type::integers:
      s["type"] = "object";
      s["additionalProperties"] = {{"type", "integer"}};
      if (!f.one_of.empty()) s["propertyNames"] = {{"enum", f.one_of}};
      break;
  }
  if (!f.description.empty()) s["description"] = f.description;
  if ((f.type == Field::Type::string || f.type == Field::Type::strings) && f.one_of.empty() &&
      f.max_length != kUnbounded)
    s["description"] = f.description + (f.description.empty() ? "" : ". ") + "At most " +
                       std::to_string(f.max_length) + " bytes of UTF-8" +
                       (f.type == Field::Type::strings ? " each" : "") + ".";
  return s;
}

}  // namespace

ojson json_schema(const Schema& schema) {
  ojson s;
  s["type"] = "object";
  s["additionalProperties"] = false;
  ojson props = ojson::object(), required = ojson::array();
  for (const auto& f : schema.fields) {
    props[f.name] = field_schema(f);
    if (f.required) required.push_back(f.name);
  }
  s["properties"] = std::move(props);
  if (!required.empty()) s["required"] = std::move(required);
  return s;
}

}  // namespace amanat::api
