// Merging a sharded sweep: the JSON documents of `kvsim sweep --shard i/n` joined into one.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kvsim {

// Joins the JSON documents of a sharded sweep. Throws Error (exit 2) when they do not belong to
// one sweep: different workload, model, seed or point count, duplicate or missing points.
nlohmann::ordered_json MergeRuns(const std::vector<nlohmann::ordered_json>& docs,
                                 const std::vector<std::string>& names);

}  // namespace kvsim
