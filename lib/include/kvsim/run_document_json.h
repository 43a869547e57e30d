// The run document at the edges: the one place it is written to JSON and read back from it.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "kvsim/run_document.h"

namespace kvsim {

// The JSON `kvsim run --json` and `kvsim sweep --json` write (docs/contract.md, "Output").
nlohmann::ordered_json ToJson(const RunDocument& doc);

// Reads a run or sweep document (with a "sweep" object when `sweep`), checking every field it
// reads once, with its type. Throws Error naming `name` and the JSON path of the first bad field.
// Written back with ToJson, a document kvsim wrote is byte-identical.
RunDocument ReadRunDocument(const nlohmann::ordered_json& json, const std::string& name,
                            bool sweep = false);

}  // namespace kvsim
