#include "desk/strict_json.h"

#include <algorithm>
#include <set>
#include <vector>

namespace amanat::desk::strict {

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}
std::string index(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

Result<json> parse_json(std::string_view text) {
  std::vector<std::set<std::string>> open;
  std::string duplicate;
  auto cb = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      open.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      if (!open.empty()) open.pop_back();
    } else if (event == json::parse_event_t::key && !open.empty()) {
      if (!open.back().insert(parsed.get<std::string>()).second && duplicate.empty())
        duplicate = parsed.get<std::string>();
    }
    return true;
  };
  try {
    json j = json::parse(text.begin(), text.end(), cb);
    if (!duplicate.empty()) return fail_field(duplicate, "the key appears twice in one object");
    return j;
  } catch (const json::exception& e) {
    return fail(Errc::invalid, std::string("not JSON: ") + e.what());
  }
}

Status only_keys(const json& obj, const std::string& path, std::initializer_list<std::string_view> keys) {
  for (const auto& [k, v] : obj.items())
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      return fail_field(join(path, k), "unknown key (a typo would silently drop a rule)");
  return {};
}

Result<const json*> member(const json& obj, const std::string& path, std::string_view key, bool required) {
  auto it = obj.find(std::string(key));
  if (it == obj.end()) {
    if (required) return fail_field(join(path, key), "missing");
    return nullptr;
  }
  return &*it;
}

}  // namespace amanat::desk::strict
