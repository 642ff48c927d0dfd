// The docket's JSON: how a proceeding is stored (one document per proceeding) and how the API
// reads and answers it. A date is one string whose shape gives its precision: "2023-10-16"
// (day), "2023-10" (month), "2023" (year), "" (unknown).
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"
#include "desk/chronology.h"
#include "desk/docket.h"

namespace amanat::desk::docket {

docket::Date date_of(const std::string& iso);
nlohmann::ordered_json to_json(const Event& e);
nlohmann::ordered_json to_json(const Proceeding& p);
nlohmann::ordered_json to_json(const ChronologyHeader& h);
// Errc::invalid naming the member (a kind or status that is not one, a member of the wrong type).
Result<Event> event_from_json(const nlohmann::json& j);
Result<Remedy> remedy_from_json(const nlohmann::json& j);
Result<Publication> publication_from_json(const nlohmann::json& j);
Result<Proceeding> proceeding_from_json(const nlohmann::json& j);
Result<ChronologyHeader> header_from_json(const nlohmann::json& j);

}  // namespace amanat::desk::docket
