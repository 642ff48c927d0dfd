#include "api/schema.h"

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

namespace {

const char* type_name(Field::Type t) {
  switch (t) {
    case Field::Type::string: return "a string";
    case Field::Type::integer: return "an integer";
    case Field::Type::boolean: return "true or false";
    case Field::Type::object: return "an object";
    case Field::Type::strings: return "an array of strings";
    case Field::Type::objects: return "an array of objects";
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
      errors.push_back({at, "must be one of: " + list});
    }
    return;
  }
  if (s.size() < f.min_length)
    errors.push_back({at, f.min_length == 1 ? "must not be empty"
                                            : "must be at least " + std::to_string(f.min_length) + " bytes"});
  if (s.size() > f.max_length) errors.push_back({at, "must be at most " + std::to_string(f.max_length) + " bytes"});
}

void check_value(const json& v, const Field& f, const std::string& at, std::vector<http::FieldError>& errors) {
  auto wrong = [&] { errors.push_back({at, std::string("must be ") + type_name(f.type)}); };
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
          errors.push_back({at, "must be between " + std::to_string(f.minimum) + " and " + std::to_string(f.maximum)});
        return;
      }
      if (v.is_number()) {
        // Beyond int64 or not a whole number: refused, never rounded.
        errors.push_back({at, "must be a whole number between " + std::to_string(f.minimum) + " and " +
                                  std::to_string(f.maximum)});
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
      if (v.size() > f.max_items) errors.push_back({at, "must have at most " + std::to_string(f.max_items) + " items"});
      Field item = f;
      item.type = Field::Type::string;
      for (std::size_t i = 0; i < v.size() && i < f.max_items; ++i) {
        std::string p = at + "/" + std::to_string(i);
        if (!v[i].is_string()) errors.push_back({p, "must be a string"});
        else check_string(v[i], item, p, errors);
      }
      return;
    }
    case Field::Type::objects: {
      if (!v.is_array()) return wrong();
      if (v.empty() && f.required) errors.push_back({at, "must not be empty"});
      if (v.size() > f.max_items) errors.push_back({at, "must have at most " + std::to_string(f.max_items) + " items"});
      for (std::size_t i = 0; i < v.size() && i < f.max_items; ++i) {
        std::string p = at + "/" + std::to_string(i);
        if (!v[i].is_object()) errors.push_back({p, "must be an object"});
        else check_object(v[i], f.fields, p, errors);
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
      if (f.required) errors.push_back({pointer(at, f.name), "is required"});
      continue;
    }
    // null is not "absent": an optional field is left out, never sent as null (handlers read
    // a present member as its type).
    check_value(*it, f, pointer(at, f.name), errors);
  }
  for (const auto& [name, value] : v.items())
    if (!known.count(name)) errors.push_back({pointer(at, name), "is not a known field"});
}

}  // namespace

Checked validate(std::string_view body, const Schema& schema) {
  auto parsed = parse_strict(body);
  if (!parsed) return std::unexpected(std::vector<http::FieldError>{{"", parsed.error().message}});
  if (!parsed->is_object()) return std::unexpected(std::vector<http::FieldError>{{"", "the body must be a JSON object"}});
  std::vector<http::FieldError> errors;
  check_object(*parsed, schema.fields, "", errors);
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return std::move(*parsed);
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
        s["maxLength"] = f.max_length;
      }
      break;
    case Field::Type::integer:
      s["type"] = "integer";
      s["minimum"] = f.minimum;
      s["maximum"] = f.maximum;
      break;
    case Field::Type::boolean:
      s["type"] = "boolean";
      break;
    case Field::Type::object:
      s = json_schema(Schema{"", f.fields});
      break;
    case Field::Type::strings:
      s["type"] = "array";
      s["items"] = {{"type", "string"}, {"maxLength", f.max_length}};
      if (!f.one_of.empty()) s["items"] = {{"type", "string"}, {"enum", f.one_of}};
      else if (f.min_length > 0) s["items"]["minLength"] = f.min_length;
      s["maxItems"] = f.max_items;
      break;
    case Field::Type::objects:
      s["type"] = "array";
      s["items"] = json_schema(Schema{"", f.fields});
      if (f.required) s["minItems"] = 1;
      s["maxItems"] = f.max_items;
      break;
  }
  if (!f.description.empty()) s["description"] = f.description;
  if ((f.type == Field::Type::string || f.type == Field::Type::strings) && f.one_of.empty())
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
