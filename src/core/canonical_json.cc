#include "core/canonical_json.h"

#include "core/utf8.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace amanat {
namespace {

using json = nlohmann::json;

constexpr std::int64_t kMaxSafeInteger = (std::int64_t{1} << 53) - 1;

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// A valid UTF-8 string as the UTF-16 code units RFC 8785 sorts member names by.
std::u16string to_utf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  char32_t cp;
  for (std::size_t i = 0; i < s.size();) {
    i += utf8_sequence(s, i, cp);
    if (cp < 0x10000) {
      out.push_back(static_cast<char16_t>(cp));
    } else {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    }
  }
  return out;
}

// Writes a valid UTF-8 string as ECMAScript JSON.stringify does (RFC 8785 §3.2.2.2).
void write_string(std::string& out, std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 15]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

// A string quoted for an error message: escaped, and cut to a readable length.
std::string quote_for_message(std::string_view s) {
  constexpr std::size_t kMax = 64;
  bool cut = false;
  if (s.size() > kMax) {
    std::size_t n = kMax;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    s = s.substr(0, n);
    cut = true;
  }
  std::string out;
  if (first_invalid_utf8(s) == std::string_view::npos) {
    write_string(out, s);
  } else {
    out = "(a string that is not valid UTF-8)";
  }
  if (cut) out += "...";
  return out;
}

void append_pointer_token(std::string& pointer, std::string_view token) {
  pointer.push_back('/');
  for (char c : token) {
    if (c == '~') {
      pointer += "~0";
    } else if (c == '/') {
      pointer += "~1";
    } else {
      pointer.push_back(c);
    }
  }
}

std::string at_pointer(const std::string& pointer) {
  return "at JSON pointer " + quote_for_message(pointer) + ": ";
}

// ---------------------------------------------------------------------------------------------
// Strict parsing (RFC 8259 plus the I-JSON rules RFC 8785 relies on).

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Result<json> parse_document() {
    auto v = parse_value(0);
    if (!v) return v;
    skip_ws();
    if (pos_ != s_.size()) return error(pos_, "unexpected data after the JSON value");
    return v;
  }

 private:
  std::unexpected<Error> error(std::size_t at, std::string_view reason) const {
    return fail(Errc::invalid, "JSON byte " + std::to_string(at) + ": " + std::string(reason));
  }

  bool eof() const { return pos_ >= s_.size(); }
  unsigned peek() const { return static_cast<unsigned char>(s_[pos_]); }

  void skip_ws() {
    while (!eof() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++pos_;
  }

  std::string describe_char(std::size_t at) const {
    auto c = static_cast<unsigned char>(s_[at]);
    if (c > 0x20 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
    static const char hex[] = "0123456789abcdef";
    return std::string("byte 0x") + hex[c >> 4] + hex[c & 15];
  }

  Result<json> parse_value(std::size_t depth) {
    skip_ws();
    if (eof()) return error(pos_, "unexpected end of input, expected a value");
    switch (peek()) {
      case '{': return parse_object(depth);
      case '[': return parse_array(depth);
      case '"': {
        auto str = parse_string();
        if (!str) return err(str);
        return json(std::move(*str));
      }
      case 't': return parse_literal("true", json(true));
      case 'f': return parse_literal("false", json(false));
      case 'n': return parse_literal("null", json(nullptr));
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return parse_number();
        if (s_.substr(pos_).starts_with("NaN") || s_.substr(pos_).starts_with("Infinity") ||
            s_.substr(pos_).starts_with("+Infinity")) {
          return error(pos_, "NaN and Infinity are not JSON numbers");
        }
        return error(pos_, "unexpected " + describe_char(pos_) + ", expected a value");
    }
  }

  Result<json> parse_literal(std::string_view word, json value) {
    if (!s_.substr(pos_).starts_with(word)) {
      return error(pos_, "invalid literal, expected " + std::string(word));
    }
    pos_ += word.size();
    return value;
  }

  Result<json> parse_object(std::size_t depth) {
    if (depth >= kMaxJsonDepth) {
      return error(pos_, "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    ++pos_;  // '{'
    json obj = json::object();
    skip_ws();
    if (!eof() && peek() == '}') {
      ++pos_;
      return obj;
    }
    for (;;) {
      skip_ws();
      if (eof() || peek() != '"') {
        return error(pos_, eof() ? "unexpected end of input, expected a member name"
                                 : "expected a member name string, found " + describe_char(pos_));
      }
      std::size_t key_at = pos_;
      auto key = parse_string();
      if (!key) return err(key);
      if (obj.contains(*key)) return error(key_at, "duplicate member name " + quote_for_message(*key));
      skip_ws();
      if (eof() || peek() != ':') return error(pos_, "expected ':' after a member name");
      ++pos_;
      auto value = parse_value(depth + 1);
      if (!value) return value;
      obj.emplace(std::move(*key), std::move(*value));
      skip_ws();
      if (eof()) return error(pos_, "unexpected end of input in an object");
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return obj;
      }
      return error(pos_, "expected ',' or '}' in an object, found " + describe_char(pos_));
    }
  }

  Result<json> parse_array(std::size_t depth) {
    if (depth >= kMaxJsonDepth) {
      return error(pos_, "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    ++pos_;  // '['
    json arr = json::array();
    skip_ws();
    if (!eof() && peek() == ']') {
      ++pos_;
      return arr;
    }
    for (;;) {
      auto value = parse_value(depth + 1);
      if (!value) return value;
      arr.push_back(std::move(*value));
      skip_ws();
      if (eof()) return error(pos_, "unexpected end of input in an array");
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return arr;
      }
      return error(pos_, "expected ',' or ']' in an array, found " + describe_char(pos_));
    }
  }

  // Four hex digits after "\u" at pos_; advances past them.
  Result<char32_t> parse_hex4() {
    if (s_.size() - pos_ < 4) return error(pos_, "truncated \\u escape");
    char32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      unsigned c = peek();
      unsigned d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        return error(pos_, "invalid hex digit in a \\u escape");
      }
      v = v << 4 | d;
      ++pos_;
    }
    return v;
  }

  Result<std::string> parse_string() {
    std::size_t start = pos_;
    ++pos_;  // '"'
    std::string out;
    for (;;) {
      if (eof()) return error(start, "unterminated string");
      unsigned c = peek();
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) {
        return error(pos_, "raw control character in a string (it must be escaped)");
      }
      if (c < 0x80 && c != '\\') {
        out.push_back(static_cast<char>(c));
        ++pos_;
        continue;
      }
      if (c >= 0x80) {
        char32_t cp;
        std::size_t n = utf8_sequence(s_, pos_, cp);
        if (n == 0) return error(pos_, "invalid UTF-8");
        out.append(s_.substr(pos_, n));
        pos_ += n;
        continue;
      }
      // A backslash escape.
      std::size_t esc_at = pos_;
      ++pos_;
      if (eof()) return error(start, "unterminated string");
      char e = static_cast<char>(peek());
      ++pos_;
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          auto unit = parse_hex4();
          if (!unit) return err(unit);
          char32_t cp = *unit;
          if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return error(esc_at, "lone surrogate: low surrogate escape without a high one");
          }
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (s_.size() - pos_ < 2 || s_[pos_] != '\\' || s_[pos_ + 1] != 'u') {
              return error(esc_at, "lone surrogate: high surrogate escape not followed by a low one");
            }
            pos_ += 2;
            auto low = parse_hex4();
            if (!low) return err(low);
            if (*low < 0xDC00 || *low > 0xDFFF) {
              return error(esc_at, "lone surrogate: high surrogate escape not followed by a low one");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default:
          return error(esc_at, "invalid escape sequence in a string");
      }
    }
  }

  Result<json> parse_number() {
    std::size_t start = pos_;
    auto digit = [&] { return !eof() && peek() >= '0' && peek() <= '9'; };
    bool negative = peek() == '-';
    if (negative) ++pos_;
    std::size_t int_start = pos_;
    if (!digit()) return error(pos_, "expected a digit in a number");
    if (peek() == '0') {
      ++pos_;
      if (digit()) return error(int_start, "leading zeros are not allowed in a number");
    } else {
      while (digit()) ++pos_;
    }
    std::size_t int_end = pos_;
    std::size_t frac_start = pos_, frac_end = pos_;
    bool integral = true;
    if (!eof() && peek() == '.') {
      integral = false;
      ++pos_;
      frac_start = pos_;
      if (!digit()) return error(pos_, "expected a digit after the decimal point");
      while (digit()) ++pos_;
      frac_end = pos_;
    }
    std::int64_t exponent = 0;
    if (!eof() && (peek() == 'e' || peek() == 'E')) {
      integral = false;
      ++pos_;
      bool exp_negative = false;
      if (!eof() && (peek() == '+' || peek() == '-')) {
        exp_negative = peek() == '-';
        ++pos_;
      }
      if (!digit()) return error(pos_, "expected a digit in the exponent");
      while (digit()) {
        exponent = std::min<std::int64_t>(exponent * 10 + (peek() - '0'), 1'000'000'000);
        ++pos_;
      }
      if (exp_negative) exponent = -exponent;
    }
    const char* first = s_.data() + start;
    const char* last = s_.data() + pos_;
    if (integral) {
      if (negative) {
        std::int64_t v;
        auto r = std::from_chars(first, last, v);
        if (r.ec == std::errc() && r.ptr == last) return json(v);
      } else {
        std::uint64_t v;
        auto r = std::from_chars(first, last, v);
        if (r.ec == std::errc() && r.ptr == last) return json(v);
      }
    }
    double d = 0;
    auto r = std::from_chars(first, last, d);
    if (r.ptr != last) return error(start, "malformed number");
    if (r.ec == std::errc::result_out_of_range) {
      // Overflow or underflow: decide by the decimal exponent of the first significant digit.
      std::string digits(s_.substr(int_start, int_end - int_start));
      digits.append(s_.substr(frac_start, frac_end - frac_start));
      std::size_t nz = digits.find_first_not_of('0');
      std::int64_t magnitude =
          nz == std::string::npos
              ? -1
              : static_cast<std::int64_t>(int_end - int_start) - 1 - static_cast<std::int64_t>(nz) +
                    exponent;
      if (magnitude >= 0) return error(start, "number is too large for a finite IEEE-754 double");
      d = negative ? -0.0 : 0.0;
    } else if (r.ec != std::errc()) {
      return error(start, "malformed number");
    }
    if (!std::isfinite(d)) return error(start, "number is too large for a finite IEEE-754 double");
    return json(d);
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Serialization.

Status write_value(std::string& out, const json& v, std::string& pointer, std::size_t depth) {
  switch (v.type()) {
    case json::value_t::null: out += "null"; return {};
    case json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return {};
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: {
      double d = v.is_number_integer() && !v.is_number_unsigned()
                     ? static_cast<double>(v.get<std::int64_t>())
                 : v.is_number_unsigned() ? static_cast<double>(v.get<std::uint64_t>())
                                          : v.get<double>();
      auto s = format_number(d);
      if (!s) return fail(Errc::invalid, at_pointer(pointer) + s.error().message);
      out += *s;
      return {};
    }
    case json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      if (auto bad = first_invalid_utf8(s); bad != std::string_view::npos) {
        return fail(Errc::invalid, at_pointer(pointer) + "string is not valid UTF-8 (byte " +
                                       std::to_string(bad) + " of the string)");
      }
      write_string(out, s);
      return {};
    }
    case json::value_t::array: {
      if (depth >= kMaxJsonDepth) {
        return fail(Errc::invalid, at_pointer(pointer) + "nesting deeper than " +
                                       std::to_string(kMaxJsonDepth) + " levels");
      }
      out.push_back('[');
      std::size_t i = 0;
      for (const auto& e : v) {
        if (i) out.push_back(',');
        std::size_t mark = pointer.size();
        append_pointer_token(pointer, std::to_string(i));
        if (auto st = write_value(out, e, pointer, depth + 1); !st) return st;
        pointer.resize(mark);
        ++i;
      }
      out.push_back(']');
      return {};
    }
    case json::value_t::object: {
      if (depth >= kMaxJsonDepth) {
        return fail(Errc::invalid, at_pointer(pointer) + "nesting deeper than " +
                                       std::to_string(kMaxJsonDepth) + " levels");
      }
      struct Member {
        std::u16string sort_key;
        const std::string* name;
        const json* value;
      };
      std::vector<Member> members;
      members.reserve(v.size());
      for (auto it = v.begin(); it != v.end(); ++it) {
        const std::string& name = it.key();
        if (auto bad = first_invalid_utf8(name); bad != std::string_view::npos) {
          return fail(Errc::invalid, at_pointer(pointer) + "member name is not valid UTF-8 (byte " +
                                         std::to_string(bad) + " of the name)");
        }
        members.push_back(Member{to_utf16(name), &name, &it.value()});
      }
      std::sort(members.begin(), members.end(),
                [](const Member& a, const Member& b) { return a.sort_key < b.sort_key; });
      out.push_back('{');
      bool first = true;
      for (const auto& m : members) {
        if (!first) out.push_back(',');
        first = false;
        write_string(out, *m.name);
        out.push_back(':');
        std::size_t mark = pointer.size();
        append_pointer_token(pointer, *m.name);
        if (auto st = write_value(out, *m.value, pointer, depth + 1); !st) return st;
        pointer.resize(mark);
      }
      out.push_back('}');
      return {};
    }
    case json::value_t::binary:
      return fail(Errc::invalid, at_pointer(pointer) + "binary values have no JSON encoding");
    case json::value_t::discarded:
      return fail(Errc::invalid, at_pointer(pointer) + "discarded value has no JSON encoding");
  }
  return fail(Errc::internal, at_pointer(pointer) + "unknown JSON value type");
}

Status check_safe_integers(const json& v, std::string& pointer, std::size_t depth) {
  switch (v.type()) {
    case json::value_t::number_integer: {
      std::int64_t i = v.get<std::int64_t>();
      if (i > kMaxSafeInteger || i < -kMaxSafeInteger) {
        return fail(Errc::invalid, at_pointer(pointer) + "integer exceeds 2^53-1 in magnitude");
      }
      return {};
    }
    case json::value_t::number_unsigned:
      if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxSafeInteger)) {
        return fail(Errc::invalid, at_pointer(pointer) + "integer exceeds 2^53-1 in magnitude");
      }
      return {};
    case json::value_t::number_float: {
      double d = v.get<double>();
      if (!std::isfinite(d) || std::trunc(d) != d) {
        return fail(Errc::invalid, at_pointer(pointer) + "number is not an integer");
      }
      if (std::fabs(d) > static_cast<double>(kMaxSafeInteger)) {
        return fail(Errc::invalid, at_pointer(pointer) + "integer exceeds 2^53-1 in magnitude");
      }
      return {};
    }
    case json::value_t::array:
    case json::value_t::object: {
      if (depth >= kMaxJsonDepth) {
        return fail(Errc::invalid, at_pointer(pointer) + "nesting deeper than " +
                                       std::to_string(kMaxJsonDepth) + " levels");
      }
      std::size_t i = 0;
      for (auto it = v.begin(); it != v.end(); ++it, ++i) {
        std::size_t mark = pointer.size();
        append_pointer_token(pointer, v.is_object() ? it.key() : std::to_string(i));
        if (auto st = check_safe_integers(it.value(), pointer, depth + 1); !st) return st;
        pointer.resize(mark);
      }
      return {};
    }
    default:
      return {};
  }
}

}  // namespace

Result<std::string> format_number(double x) {
  if (std::isnan(x)) return fail(Errc::invalid, "number is NaN, which JSON cannot represent");
  if (std::isinf(x)) return fail(Errc::invalid, "number is infinite, which JSON cannot represent");
  if (x == 0) return std::string("0");  // also -0
  std::string out;
  if (x < 0) {
    out.push_back('-');
    x = -x;
  }
  // Shortest round-trip digits (closest to x among the shortest), as "d.ddde±XX".
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  if (r.ec != std::errc()) return fail(Errc::internal, "to_chars failed on a double");
  std::string_view sci(buf, static_cast<std::size_t>(r.ptr - buf));
  std::size_t e_at = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_at)) {
    if (c != '.') digits.push_back(c);
  }
  int exp10 = 0;
  std::string_view exp_text = sci.substr(e_at + 1);
  if (exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp10);
  // ECMAScript Number::toString: x = digits × 10^(n-k), k = number of digits.
  const int k = static_cast<int>(digits.size());
  const int n = exp10 + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out.push_back('.');
    out.append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out.append(digits, 1);
    }
    out.push_back('e');
    out.push_back(n - 1 >= 0 ? '+' : '-');
    out += std::to_string(n - 1 >= 0 ? n - 1 : 1 - n);
  }
  return out;
}

Result<nlohmann::json> parse_strict(std::string_view json_text) {
  return Parser(json_text).parse_document();
}

Result<std::string> canonicalize(const nlohmann::json& value) {
  std::string out;
  std::string pointer;
  if (auto st = write_value(out, value, pointer, 0); !st) return err(st);
  return out;
}

Result<std::string> canonicalize_text(std::string_view json_text) {
  auto value = parse_strict(json_text);
  if (!value) return err(value);
  return canonicalize(*value);
}

Status require_safe_integers(const nlohmann::json& value) {
  std::string pointer;
  return check_safe_integers(value, pointer, 0);
}

}  // namespace amanat
