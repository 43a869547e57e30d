// The one check of a run JSON document read back (compare, merge, reports): every field they read,
// with its type, before any of them reads it.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace kvsim {

// Checks that `doc` has the shape of kvsim's run JSON (with a "sweep" object when `sweep`).
// Throws Error naming `name` and the JSON path of the first bad field.
void CheckRunJson(const nlohmann::ordered_json& doc, const std::string& name, bool sweep = false);

}  // namespace kvsim
