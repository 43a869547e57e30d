// CSV of a run document: one line per result row, the columns named as the JSON fields.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace kvsim {

// One CSV line per result row, with a header.
std::string RunToCsv(const nlohmann::ordered_json& doc);

}  // namespace kvsim
