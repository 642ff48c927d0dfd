// Strict reading of the desk's data tables (desk/procedure_kz.inc, desk/protocols_kz.inc):
// JSON whose objects may not repeat a key (nlohmann keeps the last of two silently, and a table
// whose "to" is given twice must not mean whichever came last), with every error naming its
// path ("events[3].to"), so that whoever edits a table is told exactly where it is wrong.
// Thread-safety: pure functions.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace amanat::desk::strict {

using json = nlohmann::json;

// "a.b" and "a[3]": the paths errors name.
std::string join(const std::string& path, std::string_view key);
std::string index(const std::string& path, std::size_t i);
// Only spaces, tabs and newlines (or nothing).
bool blank(std::string_view s);
// One JSON value, every object's keys distinct; Errc::invalid naming a repeated key.
Result<json> parse_json(std::string_view text);
// Refuses any key of `obj` (an object, checked by the caller) outside `keys`.
Status only_keys(const json& obj, const std::string& path, std::initializer_list<std::string_view> keys);
// obj[key], nullptr when absent and not required; "missing" naming it when required.
Result<const json*> member(const json& obj, const std::string& path, std::string_view key, bool required);

}  // namespace amanat::desk::strict
